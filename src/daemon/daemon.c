// SPDX-License-Identifier: Apache-2.0
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "daemon/daemon.h"
#include "daemon/fleet.h"
#include "export.h"
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

static int read_config(const struct fleet_daemon *d, const char *gadgets, char *const *specs,
		       size_t nspecs, struct daemon_config *c, char *err, size_t errlen)
{
	if (d->config_path)
		return config_load(c, d->config_path, err, errlen);
	if (config_from_list(c, gadgets ? gadgets : nspecs ? "" : "traceloop", err, errlen))
		return -1;
	for (size_t i = 0; i < nspecs; i++)
		if (config_add_spec(c, specs[i], err, errlen))
			return -1;
	return 0;
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
		       size_t nspecs, const char *config)
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
	if (read_config(d, gadgets, specs, nspecs, &d->cfg, err, sizeof(err)) ||
	    check_config(&d->cfg, &d->traceloop, err, sizeof(err))) {
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

/* SIGHUP: reread the config; gadgets that stay are not touched. A config
 * that does not parse changes nothing. */
static void reload(struct fleet_daemon *d)
{
	struct daemon_config c;
	char err[1024];
	bool traceloop;
	int failed;

	if (!d->config_path) {
		ig_info("daemon: SIGHUP: no --config to reload; nothing changes");
		return;
	}
	if (read_config(d, NULL, NULL, 0, &c, err, sizeof(err)) ||
	    check_config(&c, &traceloop, err, sizeof(err))) {
		ig_err("daemon: reload refused, the gadgets stay as they were: %s", err);
		config_free(&c);
		return;
	}
	failed = fleet_apply(d->fleet, &c);
	if (set_traceloop(d, traceloop))
		failed++;
	config_free(&d->cfg);
	d->cfg = c;
	ig_info("daemon: reloaded %s: %zu trace gadgets running, traceloop %s%s", d->config_path,
		fleet_count(d->fleet), d->recorder ? "on" : "off",
		failed ? ", some failed to start" : "");
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
	d->fleet = NULL;
	d->recorder = NULL;
	d->metrics = NULL;
	d->exp = NULL;
}
