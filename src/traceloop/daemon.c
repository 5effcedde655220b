// SPDX-License-Identifier: Apache-2.0
/*
 * ig daemon: record every container's syscalls (traceloop) for as long as
 * it runs, and answer "ig traceloop list|show|close" on a unix socket that
 * only root may use: the traces hold what containers read and wrote.
 *
 * One thread: the socket and its clients are polled with the recorder
 * (serve.c), and no client can hold the loop up. The socket is in
 * listen.c, the answers in requests.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "daemon/daemon.h"
#include "sys.h"
#include "traceloop/listen.h"
#include "traceloop/recorder.h"
#include "traceloop/serve.h"
#include "traceloop/tl.h"

/* After a stop, what is left to say may wait this long on a stalled
 * stderr. */
#define STOP_BUDGET_MS 500
#define MAX_GADGET_SPECS 64

struct daemon_opts {
	const char *socket;
	uint64_t buffer_size;
	uint64_t max_exited;
	uint64_t max_exited_bytes;
	const char *syscalls;
	double client_timeout;
	const char *gadgets;
	const char *config;
	const char *policies[CONFIG_MAX_POLICIES];
	size_t npolicies;
	char *specs[MAX_GADGET_SPECS];   /* --gadget, as given */
	size_t nspecs;
};

static int add_policy(void *opts, const char *v, char *err, size_t errlen)
{
	struct daemon_opts *d = opts;

	if (!*v) {
		snprintf(err, errlen, "--policy needs a file name");
		return -1;
	}
	if (d->npolicies == CONFIG_MAX_POLICIES) {
		snprintf(err, errlen, "more than %d --policy files", CONFIG_MAX_POLICIES);
		return -1;
	}
	d->policies[d->npolicies++] = v;
	return 0;
}

/* --gadget 'NAME --flag ...', once per gadget: kept for the config. */
static int add_gadget(void *opts, const char *v, char *err, size_t errlen)
{
	struct daemon_opts *d = opts;

	if (d->nspecs == MAX_GADGET_SPECS) {
		snprintf(err, errlen, "more than %d --gadget flags", MAX_GADGET_SPECS);
		return -1;
	}
	d->specs[d->nspecs++] = (char *)v;
	return 0;
}

static const struct gadget_flag daemon_flags[] = {
	IG_FLAG_STR(struct daemon_opts, socket, "socket", TL_DEFAULT_SOCKET,
		    "listen here (a missing directory is made root-only; an existing one must be root's, closed to others)"),
	IG_FLAG_SIZE(struct daemon_opts, buffer_size, "buffer-size", "1M",
		     "traceloop buffer of each container (k, M, G suffixes)"),
	IG_FLAG_UINT(struct daemon_opts, max_exited, "max-exited", "64",
		     "traces of exited containers kept; the oldest go first"),
	IG_FLAG_SIZE(struct daemon_opts, max_exited_bytes, "max-exited-bytes", "256M",
		     "memory for the traces of exited containers"),
	IG_FLAG_STR(struct daemon_opts, syscalls, "syscall-filters", NULL,
		    "record only these syscalls (comma list)"),
	IG_FLAG_SECONDS(struct daemon_opts, client_timeout, "client-timeout", "60",
			"seconds a client may take to send its request, or to take some of its answer"),
	IG_FLAG_STR(struct daemon_opts, gadgets, "gadgets", NULL,
		    "run these gadgets at once (comma list of trace gadgets and traceloop; default traceloop)"),
	{ .name = "gadget", .type = GF_STRING, .arg = "'NAME [FLAGS]'", .set = add_gadget,
	  .help = "run this gadget with these flags, as ig run takes them, e.g. 'trace_open --failed --comm nginx' (repeat for more; with --gadgets too)" },
	IG_FLAG_STR(struct daemon_opts, config, "config", NULL,
		    "read the gadgets and their flags from this YAML file; SIGHUP rereads it"),
	{ "policy", GF_STRING, NULL, "a TracingPolicy YAML file trace_process enforces, started for it if not listed (repeatable; SIGHUP rereads; docs/policies.md)",
	  false, 0, 0, "FILE", 0, add_policy },
};

static void usage(FILE *f)
{
	fprintf(f, "ig daemon: run gadgets headless: trace gadgets stream JSON lines to the export\n"
		   "(stdout or --export-file), traceloop records every container's syscalls\n\n"
		   "Usage: ig daemon [--gadgets trace_exec,traceloop] [--gadget 'trace_open --failed']... [flags]\n"
		   "       ig daemon --config FILE [flags]\n\n"
		   "Then, as root: ig traceloop list | show ID|NAME | close ID|NAME\n"
		   "SIGHUP rereads --config (gadgets that stay keep running); SIGTERM stops.\n\n"
		   "A config file:\n"
		   "  gadgets:\n"
		   "    trace_exec: {paths: true}\n"
		   "    trace_tcp:\n"
		   "    traceloop:\n"
		   "  policies: [/etc/ig/block-shadow.yaml]   # TracingPolicy files (trace_process)\n"
		   "  export-denylist: '{\"binary_regex\":[\"^/usr/bin/cat$\"]}'\n\nFlags:\n");
	flags_help(f, daemon_flags, ARRAY_SIZE(daemon_flags), GK_TRACE);
	fprintf(f, "\nCommon flags:\n");
	flags_help(f, cli_common_flags, cli_ncommon_flags, GK_TRACE);
}

static int make_config(const struct daemon_opts *d, struct tl_config *cfg, uint8_t *syscalls)
{
	char err[256];

	memset(cfg, 0, sizeof(*cfg));
	cfg->buffer_bytes = d->buffer_size;
	if (cfg->buffer_bytes < TL_MIN_BUFFER || cfg->buffer_bytes > TL_MAX_BUFFER) {
		ig_err("invalid --buffer-size: %llu bytes; expected %u bytes to 1G",
		       (unsigned long long)cfg->buffer_bytes, TL_MIN_BUFFER);
		return -EINVAL;
	}
	cfg->max_exited_bytes = d->max_exited_bytes;
	cfg->max_exited = d->max_exited > UINT32_MAX ? UINT32_MAX : d->max_exited;
	if (d->syscalls) {
		if (tl_parse_syscalls(d->syscalls, syscalls, err, sizeof(err))) {
			ig_err("%s", err);
			return -EINVAL;
		}
		cfg->syscalls = syscalls;
	}
	if (!(d->client_timeout > 0 && d->client_timeout <= 86400)) {
		ig_err("invalid --client-timeout %g: expected seconds, more than 0", d->client_timeout);
		return -EINVAL;
	}
	return 0;
}

/* Startup is slow (BPF): a stop signal meanwhile is kept for the loop. */
static int start(const struct run_opts *o, const char *arg, char *path, size_t len)
{
	char err[PATH_MAX + 256];
	int lfd;

	if (sys_check_privileges() || sys_check_btf(o->btf) || sys_ensure_tracefs())
		return -1;
	if (tl_socket_path(arg, path, len, err, sizeof(err)) ||
	    (lfd = tl_listen(path, err, sizeof(err))) < 0) {
		ig_err("daemon: %s", err);
		return -1;
	}
	return lfd;
}

int tl_daemon_main(int argc, char **argv)
{
	struct daemon_opts d = { 0 };
	struct cli_cmd cmd = {
		.name = "daemon", .hint = "ig daemon --help",
		.flags = daemon_flags, .nflags = ARRAY_SIZE(daemon_flags), .opts = &d,
	};
	uint8_t syscalls[TL_NR_MAX];
	struct fleet_daemon fd = { 0 };
	struct tl_config cfg;
	struct run_opts o;
	char err[512], path[PATH_MAX];
	int ret, lfd;

	/* First of all: a signal that comes during startup must not be lost
	 * (an inherited SIG_IGN would drop it). */
	sys_install_stop_signals();
	sys_set_drain_budget(STOP_BUDGET_MS, 0, false);
	ret = cli_parse(&cmd, argc, argv, &o, err, sizeof(err));
	if (ret == FLAGS_HELP) {
		usage(stdout);
		return 0;
	}
	if (ret) {
		ig_err("%s", err);
		return IG_EXIT_USAGE;
	}
	if (o.host) {
		ig_err("the daemon records containers; --host is not supported");
		return IG_EXIT_USAGE;
	}
	if (make_config(&d, &cfg, syscalls))
		return IG_EXIT_USAGE;
	ret = fleet_daemon_setup(&fd, d.gadgets, d.specs, d.nspecs, d.config, d.policies,
				d.npolicies, &o);
	if (ret)
		goto out_config;
	lfd = start(&o, d.socket, path, sizeof(path));
	if (lfd < 0) {
		ret = IG_EXIT_RUNTIME;
		goto out_config;
	}
	ig_bpf_setup_logging();
	ret = fleet_daemon_start(&fd, &o, &cfg);
	if (ret)
		goto out;
	ig_info("daemon: attached; listening on %s", path);
	ret = tl_serve(fd.recorder, lfd, o.timeout, d.client_timeout, &fd.hook);
out:
	fleet_daemon_free(&fd);
	close(lfd);
	unlink(path);
	return ret;
out_config:
	fleet_daemon_free(&fd);
	return ret;
}
