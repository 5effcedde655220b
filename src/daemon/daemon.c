// SPDX-License-Identifier: Apache-2.0
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "daemon/daemon.h"
#include "daemon/fleet.h"
#include <stdlib.h>
#include "export.h"
#include "export_filter.h"
#include "gadgets/policy.h"
#include "gadgets/policy_load.h"
#include "metrics.h"
#include "sys.h"
#include "traceloop/recorder.h"
#include "traceloop/tl.h"

static volatile sig_atomic_t reload_requested;

static void on_sighup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* The config (the file, or --gadgets and --gadget), with the --policy
 * files first and every policy given to trace_process. */
static int read_config(const struct fleet_daemon *d, struct daemon_config *c, char *err,
		       size_t errlen)
{
	char *file[CONFIG_MAX_POLICIES];
	size_t nfile;
	int ret = 0;

	if (d->config_path) {
		if (config_load(c, d->config_path, err, errlen))
			return -1;
	} else {
		if (config_from_list(c, d->gadgets ? d->gadgets : d->nspecs ? "" : "traceloop", err,
				     errlen))
			return -1;
		for (size_t i = 0; i < d->nspecs; i++)
			if (config_add_spec(c, d->specs[i], err, errlen))
				return -1;
	}
	nfile = c->npolicies;
	memcpy(file, c->policies, nfile * sizeof(*file));
	c->npolicies = 0;
	for (size_t i = 0; !ret && i < d->npolicies; i++)
		ret = config_add_policy(c, d->policies[i], err, errlen);
	for (size_t i = 0; !ret && i < nfile; i++)
		ret = config_add_policy(c, file[i], err, errlen);
	for (size_t i = 0; i < nfile; i++)
		free(file[i]);
	return ret ? ret : config_bind_policies(c, err, errlen);
}
/* The export filters: the flags', else the config's; both parsed or
 * neither (*allow, *deny untouched). 0, or -1 with err. */
static int read_filters(const struct fleet_daemon *d, const struct daemon_config *c,
			struct export_filter **allow, struct export_filter **deny,
			char *err, size_t errlen)
{
	const char *a = d->allow_flag ? d->allow_flag : c->allowlist;
	const char *n = d->deny_flag ? d->deny_flag : c->denylist;
	struct export_filter *pa = NULL, *pn = NULL;

	if ((a && xf_parse(&pa, a, "export-allowlist", err, errlen)) ||
	    (n && xf_parse(&pn, n, "export-denylist", err, errlen))) {
		xf_free(pa);
		return -1;
	}
	*allow = pa;
	*deny = pn;
	return 0;
}

/* What the kernel will be asked: every policy parsed again and checked
 * against its tracepoints' formats, so a reload refuses a policy that
 * could not attach before it stops the running one. */
static int check_policies(const struct daemon_config *c, char *err, size_t errlen)
{
	struct pol_set *set;
	struct pol_hook *hooks;
	int ret = 0;

	if (!c->npolicies)
		return 0;
	set = calloc(1, sizeof(*set));
	hooks = calloc(POL_MAX_HOOKS, sizeof(*hooks));
	if (!set || !hooks) {
		snprintf(err, errlen, "out of memory");
		ret = -1;
	}
	for (size_t i = 0; !ret && i < c->npolicies; i++)
		ret = pol_parse_file(set, c->policies[i], err, errlen);
	if (!ret)
		ret = pol_resolve(set, hooks, err, errlen);
	free(set);
	free(hooks);
	return ret;
}

/* Every gadget known and its flags right; whether traceloop is one. */
static int check_config(const struct daemon_config *c, bool *traceloop, char *err,
			size_t errlen)
{
	*traceloop = false;
	for (size_t i = 0; i < c->n; i++) {
		const struct gadget *g;

		if (fleet_check_spec(&c->g[i], &g, err, errlen))
			return -1;
		*traceloop |= g->run != NULL;
	}
	return 0;
}

int fleet_daemon_setup(struct fleet_daemon *d, const char *gadgets, char *const *specs,
		       size_t nspecs, const char *config, const char *const *policies,
		       size_t npolicies, const struct run_opts *o)
{
	struct sigaction sa = { .sa_handler = on_sighup };
	char err[1024];

	/* A reload, not a stop: the daemon's SIGHUP is its own. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	memset(d, 0, sizeof(*d));
	if ((gadgets || nspecs) && config) {
		ig_err("daemon: use either --gadgets/--gadget or --config, not both");
		return IG_EXIT_USAGE;
	}
	d->config_path = config;
	d->gadgets = gadgets;
	d->specs = specs;
	d->nspecs = nspecs;
	d->policies = policies;
	d->npolicies = npolicies;
	d->allow_flag = o->export_allowlist;
	d->deny_flag = o->export_denylist;
	if (read_config(d, &d->cfg, err, sizeof(err)) ||
	    check_config(&d->cfg, &d->traceloop, err, sizeof(err)) ||
	    read_filters(d, &d->cfg, &d->allow, &d->deny, err, sizeof(err))) {
		ig_err("daemon: %s", err);
		return IG_EXIT_USAGE;
	}
	return 0;
}

/* traceloop on or off, as the config says; the serve loop sees the new
 * recorder through the hook. */
static int set_traceloop(struct fleet_daemon *d, bool on)
{
	if (on && !d->recorder) {
		d->recorder = tl_recorder_start(&gadget_traceloop, d->opts, d->tl_cfg);
		if (!d->recorder)
			return -1;
		ig_info("daemon: traceloop attached");
	} else if (!on && d->recorder) {
		tl_recorder_free(d->recorder);
		d->recorder = NULL;
		ig_info("daemon: traceloop stopped");
	}
	d->traceloop = on;
	d->hook.r = d->recorder;
	return 0;
}

/* SIGHUP: reread the config and the policies; gadgets that stay are not
 * touched (trace_process restarts when a policy's text changed), traceloop
 * starts or stops as the config says. A config, policy or filter that does
 * not parse changes nothing. */
static void reload(struct fleet_daemon *d)
{
	struct export_filter *allow, *deny;
	struct daemon_config c;
	char err[1024];
	bool traceloop;
	int failed;

	if (!d->config_path && !d->npolicies) {
		ig_info("daemon: SIGHUP: no --config or --policy to reload; nothing changes");
		return;
	}
	if (read_config(d, &c, err, sizeof(err)) ||
	    check_config(&c, &traceloop, err, sizeof(err)) ||
	    check_policies(&c, err, sizeof(err)) ||
	    read_filters(d, &c, &allow, &deny, err, sizeof(err))) {
		ig_err("daemon: reload refused, the gadgets and policies stay as they were: %s", err);
		config_free(&c);
		return;
	}
	fleet_set_export_filters(d->fleet, allow, deny);
	xf_free(d->allow);
	xf_free(d->deny);
	d->allow = allow;
	d->deny = deny;
	failed = fleet_apply(d->fleet, &c);
	if (set_traceloop(d, traceloop))
		failed++;
	config_free(&d->cfg);
	d->cfg = c;
	ig_info("daemon: reloaded %s: %zu trace gadgets running, traceloop %s, %zu policies%s",
		d->config_path ? d->config_path : "the policies", fleet_count(d->fleet),
		d->recorder ? "on" : "off", d->cfg.npolicies, failed ? ", some failed to start" : "");
}

static int turn(void *arg)
{
	struct fleet_daemon *d = arg;

	if (reload_requested) {
		reload_requested = 0;
		reload(d);
	}
	d->hook.fd = fleet_fd(d->fleet);
	return fleet_turn(d->fleet);
}

int fleet_daemon_start(struct fleet_daemon *d, const struct run_opts *o,
		       const struct tl_config *tl)
{
	d->opts = o;
	d->tl_cfg = tl;
	if (set_traceloop(d, d->traceloop))
		return IG_EXIT_RUNTIME;
	if (o->export_file &&
	    !(d->exp = export_open(o->export_file, o->export_rotate_size, o->export_keep)))
		return IG_EXIT_RUNTIME;
	if (o->metrics_listen && !(d->metrics = metrics_new(o->metrics_max_containers))) {
		ig_err("out of memory");
		return IG_EXIT_RUNTIME;
	}
	d->fleet = fleet_new(d->exp, d->metrics);
	if (!d->fleet) {
		ig_err("out of memory");
		return IG_EXIT_RUNTIME;
	}
	fleet_set_export_filters(d->fleet, d->allow, d->deny);
	if (fleet_apply(d->fleet, &d->cfg))
		return IG_EXIT_RUNTIME;
	/* Served once the gadgets run: /healthz answering means working. */
	if (d->metrics && metrics_listen(d->metrics, o->metrics_listen))
		return IG_EXIT_RUNTIME;
	d->hook = (struct tl_serve_hook){ .fd = fleet_fd(d->fleet), .turn = turn, .arg = d,
					  .r = d->recorder };
	return 0;
}

void fleet_daemon_free(struct fleet_daemon *d)
{
	fleet_free(d->fleet);
	tl_recorder_free(d->recorder);
	metrics_free(d->metrics);
	export_close(d->exp);
	config_free(&d->cfg);
	xf_free(d->allow);
	xf_free(d->deny);
	d->allow = d->deny = NULL;
	d->fleet = NULL;
	d->recorder = NULL;
	d->metrics = NULL;
	d->exp = NULL;
}
