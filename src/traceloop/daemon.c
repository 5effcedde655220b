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
#include "sys.h"
#include "traceloop/listen.h"
#include "traceloop/recorder.h"
#include "traceloop/serve.h"
#include "traceloop/tl.h"

/* After a stop, what is left to say may wait this long on a stalled
 * stderr. */
#define STOP_BUDGET_MS 500

enum {
	DF_SOCKET, DF_BUFFER, DF_MAX_EXITED, DF_MAX_EXITED_BYTES, DF_SYSCALLS, DF_CLIENT_TIMEOUT,
	DF_COUNT,
};

static const struct gadget_flag daemon_flags[] = {
	[DF_SOCKET]           = { "socket", GF_STRING, TL_DEFAULT_SOCKET,
				  "listen here (a missing directory is made root-only; an existing one must be root's, closed to others)" },
	[DF_BUFFER]           = { "buffer-size", GF_STRING, "1M",
				  "traceloop buffer of each container (k, M, G suffixes)" },
	[DF_MAX_EXITED]       = { "max-exited", GF_UINT, "64",
				  "traces of exited containers kept; the oldest go first" },
	[DF_MAX_EXITED_BYTES] = { "max-exited-bytes", GF_STRING, "256M",
				  "memory for the traces of exited containers" },
	[DF_SYSCALLS]         = { "syscall-filters", GF_STRING, NULL,
				  "record only these syscalls (comma list)" },
	[DF_CLIENT_TIMEOUT]   = { "client-timeout", GF_STRING, "60",
				  "seconds a client may take to send its request, or to take some of its answer" },
};

static const struct gadget daemon_gadget = {
	.name = "daemon",
	.description = "record every container's syscalls; serve ig traceloop list|show|close",
	.flags = daemon_flags,
	.nflags = DF_COUNT,
};



/* ---- main ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "ig daemon: record every container's syscalls (traceloop) and serve them\n\n"
		   "Usage: ig daemon [flags]\n\n"
		   "Then, as root: ig traceloop list | show ID|NAME | close ID|NAME\n\nFlags:\n");
	for (size_t i = 0; i < DF_COUNT; i++) {
		char left[40];

		snprintf(left, sizeof(left), "%s %s", daemon_flags[i].name,
			 daemon_flags[i].type == GF_UINT ? "N" : "VALUE");
		fprintf(f, "  --%-24s %s (default %s)\n", left, daemon_flags[i].help,
			daemon_flags[i].def ? daemon_flags[i].def : "none");
	}
	fprintf(f, "  --%-24s %s\n  --%-24s %s\n  -c, --%-20s %s\n  -t, --%-20s %s\n  -v, --%-20s %s\n",
		"host-root DIR", "the host's / is mounted here", "btf FILE", "kernel BTF to use",
		"containername", "only these containers", "timeout SECONDS", "stop after a while",
		"verbose", "log what the daemon does");
}

static int make_config(const struct gadget_ctx *ctx, struct tl_config *cfg, uint8_t *syscalls)
{
	const char *buf = gflag_str(ctx, DF_BUFFER), *bytes = gflag_str(ctx, DF_MAX_EXITED_BYTES);
	const char *calls = gflag_str(ctx, DF_SYSCALLS);
	char err[256];

	memset(cfg, 0, sizeof(*cfg));
	if (tl_parse_size(buf, &cfg->buffer_bytes) || cfg->buffer_bytes < TL_MIN_BUFFER ||
	    cfg->buffer_bytes > TL_MAX_BUFFER) {
		ig_err("invalid --buffer-size \"%s\": expected %u bytes to 1G", buf, TL_MIN_BUFFER);
		return -EINVAL;
	}
	if (tl_parse_size(bytes, &cfg->max_exited_bytes)) {
		ig_err("invalid --max-exited-bytes \"%s\"", bytes);
		return -EINVAL;
	}
	cfg->max_exited = strtoul(gflag_str(ctx, DF_MAX_EXITED), NULL, 0);
	if (calls) {
		if (tl_parse_syscalls(calls, syscalls, err, sizeof(err))) {
			ig_err("%s", err);
			return -EINVAL;
		}
		cfg->syscalls = syscalls;
	}
	return 0;
}

static int client_timeout(const struct gadget_ctx *ctx, double *out)
{
	const char *v = gflag_str(ctx, DF_CLIENT_TIMEOUT);
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	if (errno || end == v || *end || !(*out > 0 && *out <= 86400)) {
		ig_err("invalid --client-timeout \"%s\": expected seconds, more than 0", v);
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
	struct flag_value flags[DF_COUNT + 1] = { 0 };
	struct gadget_ctx ctx = { .g = &daemon_gadget, .flags = flags };
	uint8_t syscalls[TL_NR_MAX];
	struct tl_recorder *r = NULL;
	struct tl_config cfg;
	struct run_opts o;
	char err[512], path[PATH_MAX];
	double ctimeout;
	int ret, lfd;

	/* First of all: a signal that comes during startup must not be lost
	 * (an inherited SIG_IGN would drop it). */
	sys_install_stop_signals();
	sys_bound_drain_after_stop(STOP_BUDGET_MS);
	ret = cli_parse_run(&daemon_gadget, argc, argv, &o, flags, err, sizeof(err));
	if (ret == 1) {
		usage(stdout);
		return 0;
	}
	if (ret) {
		ig_err("%s", err);
		return IG_EXIT_USAGE;
	}
	ctx.opts = &o;
	if (o.host) {
		ig_err("the daemon records containers; --host is not supported");
		return IG_EXIT_USAGE;
	}
	if (make_config(&ctx, &cfg, syscalls) || client_timeout(&ctx, &ctimeout))
		return IG_EXIT_USAGE;
	lfd = start(&o, gflag_str(&ctx, DF_SOCKET), path, sizeof(path));
	if (lfd < 0)
		return IG_EXIT_RUNTIME;
	ig_bpf_setup_logging();
	r = tl_recorder_start(&gadget_traceloop, &o, &cfg);
	if (!r) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_info("daemon: attached; listening on %s", path);
	ret = tl_serve(r, lfd, o.timeout, ctimeout);
out:
	tl_recorder_free(r);
	close(lfd);
	unlink(path);
	sys_end_drain_budget();
	return ret;
}
