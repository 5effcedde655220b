// SPDX-License-Identifier: Apache-2.0
/*
 * ig run traceloop: record the selected containers (running ones, and the
 * ones that start meanwhile) until Ctrl-C, SIGTERM or --timeout, then print
 * each container's history. Nothing streams: a flight recorder is read
 * after the fact.
 *
 * Ctrl-C and --timeout print every trace, however slow the reader (a
 * pager); a signal after that ends ig at once. SIGTERM and SIGHUP ask ig
 * to go: it prints while the reader takes the output, and gives up once
 * the reader takes nothing for STALL_MS.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "sys.h"
#include "traceloop/print.h"
#include "traceloop/tl.h"

#define PRINT_CHUNK (256u << 10)   /* the output is written this much at a time */
#define STALL_MS    500


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

/* After SIGTERM or SIGHUP: interrupt a write that makes no progress for
 * STALL_MS (sys.c's SIGALRM handler sets sys_drain_expired), and again
 * every 20 ms in case the first tick came just before the write. */
static void arm_stall_timer(bool on)
{
	struct itimerval it = { 0 };

	if (on) {
		it.it_value.tv_usec = STALL_MS * 1000;
		it.it_interval.tv_usec = 20 * 1000;
	}
	sys_drain_expired = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static bool told_to_go(void)
{
	return sys_stop_signal == SIGTERM || sys_stop_signal == SIGHUP;
}

/* Write out p->sink.out. A stalled reader ends it only once ig was told to go,
 * and then only when it took nothing for STALL_MS. */
static int write_out(struct tl_print *p)
{
	for (;;) {
		size_t before = p->sink.out.buf.len;
		bool bounded = told_to_go();
		int err;

		if (bounded)
			arm_stall_timer(true);
		err = output_flush(&p->sink.out, STDOUT_FILENO);
		if (err != -EINTR || (bounded && sys_drain_expired && p->sink.out.buf.len == before))
			return err;
	}
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
			err = write_out(p);
		}
		printed += done && !err;
	}
	tl_render_end(&p->rd);
	/* Last words, on a stderr that may be stalled too. */
	arm_stall_timer(told_to_go());
	if (!n)
		ig_err("traceloop: no container was recorded");
	if (err == -EINTR) {
		ig_err("traceloop: the output reader took nothing for %d ms after the stop: %zu of %zu traces printed",
		       STALL_MS, printed, n);
		ret = IG_EXIT_RUNTIME;
	} else if (err && err != -EPIPE) {
		ig_err("writing output failed: %s", strerror(-err));
		ret = IG_EXIT_RUNTIME;
	}
	arm_stall_timer(false);
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
	/* For SIGALRM: arm_stall_timer's ticks interrupt a blocked write. */
	sys_bound_drain_after_stop(0);
	r = tl_recorder_start(g, &o, &cfg);
	if (!r) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_info("%s: attached", g->name);
	if (isatty(STDERR_FILENO) && !ig_verbose)
		ig_err("traceloop: recording; Ctrl-C stops and prints the traces");
	ret = record(r, o.timeout);
	tl_recorder_detach(r);
	if (!ret)
		ret = print_all(&p, r);
out:
	tl_recorder_free(r);
	tl_print_free(&p);
	free(syscalls);
	return ret;
}
