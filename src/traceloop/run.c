// SPDX-License-Identifier: Apache-2.0
/*
 * ig run traceloop: record the selected containers (running ones, and the
 * ones that start meanwhile) until Ctrl-C, SIGTERM or --timeout, then print
 * each container's history. Nothing streams: a flight recorder is read
 * after the fact.
 *
 * The printing after the stop is bounded (sys.h): a reader that keeps
 * reading gets every trace, one that takes nothing for DRAIN_MS ends it.
 * The traces are printed a piece at a time, so ig never holds all of it.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "run.h"
#include "sys.h"
#include "traceloop/print.h"
#include "traceloop/tl.h"

#define PRINT_CHUNK (256u << 10)   /* the output is written this much at a time */
#define DRAIN_MS    500            /* how long a stalled reader may hold the printing */

static int make_config(const struct tl_opts *t, struct tl_config *cfg, uint8_t *syscalls,
		       char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_exited = TL_DEFAULT_MAX_EXITED;
	cfg->max_exited_bytes = TL_DEFAULT_EXITED_BYTES;
	cfg->buffer_bytes = t->buffer_size;
	if (cfg->buffer_bytes < TL_MIN_BUFFER || cfg->buffer_bytes > TL_MAX_BUFFER) {
		snprintf(err, errlen, "invalid --buffer-size: %llu bytes; expected %u bytes to 1G (k, M, G suffixes)",
			 (unsigned long long)cfg->buffer_bytes, TL_MIN_BUFFER);
		return -EINVAL;
	}
	if (t->syscalls) {
		if (tl_parse_syscalls(t->syscalls, syscalls, err, errlen))
			return -EINVAL;
		cfg->syscalls = syscalls;
	}
	return 0;
}

static int check_opts(const struct run_opts *o, char *err, size_t errlen)
{
	if (o->host) {
		snprintf(err, errlen, "traceloop records containers; --host is not supported");
		return -EINVAL;
	}
	return 0;
}

static int record(struct tl_recorder *r, double timeout)
{
	uint64_t start = sys_now_ns(CLOCK_MONOTONIC);
	uint64_t deadline = timeout > 0 ? start + (uint64_t)(timeout * 1e9) : 0;

	while (!sys_stop_signal) {
		int err = tl_recorder_poll(r, 50);

		if (err) {
			ig_err("traceloop: reading BPF notifications failed: %s", strerror(-err));
			return IG_EXIT_RUNTIME;
		}
		if (deadline && sys_now_ns(CLOCK_MONOTONIC) >= deadline)
			break;
	}
	return 0;
}

static int print_all(struct tl_print *p, struct tl_recorder *r)
{
	size_t printed = 0, n = 0;
	int err = 0, ret = 0;

	p->header = true;
	tl_print_begin(p);
	for (struct tl_trace *t = tl_recorder_traces(r); t; t = t->next) {
		bool done = false;

		n++;
		if (err)
			continue;
		if (tl_print_start(p, r, t)) {
			ig_err("traceloop: out of memory printing trace %u", t->id);
			continue;
		}
		while (!done && !err) {
			done = tl_print_more(p, PRINT_CHUNK);
			err = output_flush_bounded(&p->sink.out, false);
		}
		printed += done && !err;
	}
	tl_render_end(&p->rd);
	if (!n)
		ig_err("traceloop: no container was recorded");
	if (err == -EINTR) {
		ig_err("the output reader is too slow: dropped the rest of the traces to exit in time (%zu of %zu printed)",
		       printed, n);
	} else if (err && err != -EPIPE) {
		ig_err("writing output failed: %s", strerror(-err));
		ret = IG_EXIT_RUNTIME;
	}
	return ret;
}

int tl_run(const struct gadget *g, int argc, char **argv)
{
	struct flag_value flags[2] = { 0 };
	struct tl_opts t = { 0 };
	uint8_t *syscalls = calloc(1, TL_NR_MAX);
	struct tl_recorder *r = NULL;
	struct tl_print p = { 0 };
	struct tl_config cfg;
	struct run_opts o;
	char err[512];
	int ret;

	/* First of all: a signal during the slow startup must not be lost
	 * (an inherited SIG_IGN would drop it); it ends the recording at once. */
	sys_install_stop_signals();
	ret = cli_parse_run(g, argc, argv, &o, &t, flags, err, sizeof(err));
	if (ret == FLAGS_HELP) {
		cli_print_gadget_help(stdout, g);
		ret = 0;
		goto out;
	}
	if (!ret && !syscalls) {
		snprintf(err, sizeof(err), "out of memory");
		ret = -1;
	}
	if (!ret)
		ret = check_opts(&o, err, sizeof(err));
	if (!ret)
		ret = make_config(&t, &cfg, syscalls, err, sizeof(err));
	if (!ret)
		ret = tl_print_init(&p, g, &o, !tl_output_given(argc, argv), t.syscalls, err,
				    sizeof(err));
	if (ret) {
		ig_err("%s", err);
		ret = IG_EXIT_USAGE;
		goto out;
	}
	if (sys_check_privileges() || sys_check_btf(o.btf) || sys_ensure_tracefs()) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_bpf_setup_logging();
	sys_install_stop_signals();
	/* The traces are printed after the stop: a reader that keeps reading
	 * gets them all; one that stalls for DRAIN_MS is dropped. */
	sys_set_drain_budget(DRAIN_MS, UINT_MAX, true);
	r = tl_recorder_start(g, &o, &cfg);
	if (!r) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_info("%s: attached", g->name);
	if (isatty(STDERR_FILENO) && !ig_verbose)
		ig_err("traceloop: recording; Ctrl-C stops and prints the traces");
	ret = record(r, o.timeout);
	sys_begin_drain();   /* after --timeout too: printing is bounded */
	tl_recorder_detach(r);
	if (!ret)
		ret = print_all(&p, r);
out:
	tl_recorder_free(r);
	tl_print_free(&p);
	free(syscalls);
	return ret;
}
