/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ig daemon beyond traceloop: which gadgets it runs (--gadgets or
 * --config), their export and metrics, and SIGHUP's reload. The loop is
 * traceloop's server (src/traceloop/serve.c), which polls the gadgets'
 * rings through the hook and calls fleet's turn.
 */
#ifndef IG_DAEMON_DAEMON_H
#define IG_DAEMON_DAEMON_H

#include <stdbool.h>
#include "daemon/config.h"
#include "gadget.h"
#include "traceloop/serve.h"

struct fleet;
struct ig_export;
struct ig_metrics;
struct tl_config;
struct tl_recorder;

struct export_filter;

struct fleet_daemon {
	const char *config_path;   /* reread on SIGHUP; NULL: --gadgets */
	const char *gadgets;       /* --gadgets, or NULL */
	char *const *specs;        /* --gadget 'NAME FLAGS', nspecs of them */
	size_t nspecs;
	struct daemon_config cfg;
	/* --policy (before the config's), --export-allowlist/denylist (over
	 * the config's keys) */
	const char *const *policies;
	size_t npolicies;
	const char *allow_flag, *deny_flag;
	struct export_filter *allow, *deny;   /* parsed, as the gadgets use them */
	bool traceloop;            /* traceloop is among the gadgets */
	/* traceloop's recorder while it runs: started and stopped by
	 * reloads too, with the daemon's flags (opts, tl_cfg: the
	 * caller's, alive as long as the daemon) */
	struct tl_recorder *recorder;
	const struct run_opts *opts;
	const struct tl_config *tl_cfg;
	struct fleet *fleet;
	struct ig_export *exp;
	struct ig_metrics *metrics;
	struct tl_serve_hook hook;
};

/* Before any BPF: read the gadgets (gadgets: "a,b"; specs: "NAME
 * --flag ...", nspecs of them; config: a file; none: traceloop alone) and
 * check them, the policies (which start trace_process when it is not
 * listed) and o's export filters. 0, or an exit code after a message. */
int fleet_daemon_setup(struct fleet_daemon *d, const char *gadgets, char *const *specs,
		       size_t nspecs, const char *config, const char *const *policies,
		       size_t npolicies, const struct run_opts *o);
/* Start traceloop if it is a gadget, open the export, serve metrics,
 * start the trace gadgets, take SIGHUP for reloads. o and tl must live as
 * long as d. 0, or an exit code after a message. */
int fleet_daemon_start(struct fleet_daemon *d, const struct run_opts *o,
		       const struct tl_config *tl);
/* Stop the gadgets (drained) and traceloop, then the metrics and the
 * export. */
void fleet_daemon_free(struct fleet_daemon *d);

#endif
