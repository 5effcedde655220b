// SPDX-License-Identifier: Apache-2.0
/*
 * The event loop every gadget shares: parse flags, check the environment,
 * start the gadget, then drain its ring buffer into the output until
 * Ctrl-C, SIGTERM, SIGHUP, --timeout, or a closed stdout.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "btf_cache.h"
#include "cli.h"
#include "batch.h"
#include "enrich.h"
#include "export.h"
#include "metrics.h"
#include "run.h"
#include "sink.h"
#include "skel.h"
#include "sys.h"

#define POLL_MS 50              /* bounds latency of batched events */
#define FLUSH_BYTES (1 << 18)   /* big writes; a small buffer keeps RSS low */
#define DRAIN_MS 500            /* at the end, how long a stalled reader may hold us */
#define LIVE_CAP_MS 10000       /* after --timeout, how long a slow but live one may */
#define ROUND_MAX 4096          /* records per consume round, see on_event() */
#define ROUND_ENDED (-ECANCELED)


struct run_state {
	struct gadget_ctx ctx;
	struct sink sink;
	struct enricher *enr;
	int write_err;
	uint64_t lost_reported;
	uint64_t bad_records;
	bool stdout_is_pipe;
	unsigned int round_records;
	bool draining;          /* in finish(): the loop is over */
	void *gopts;            /* the gadget's options struct */
	struct ig_batch batch;  /* kinds other than trace */
	struct ig_export *exp;  /* --export-file, or NULL: stdout */
	struct ig_metrics *metrics;     /* --metrics-listen, or NULL */
	struct metrics_gadget *mg;
};

int output_flush_bounded(struct output *o, bool in_loop)
{
	int err;

	/* Formatting (traceloop renders whole traces) may have used up the
	 * budget before this write began: where progress counts, it starts
	 * now. A writer abandoned once does not flush again. */
	if (!in_loop && o->buf.len)
		sys_drain_progress();
	do {
		size_t before = o->buf.len;

		err = output_flush(o, STDOUT_FILENO);
		if (!in_loop && o->buf.len < before)
			sys_drain_progress();   /* a live reader: the budget starts again */
	} while (err == -EINTR &&
		 !(in_loop ? sys_stop_signal || sys_deadline_passed : sys_writes_abandoned()));
	return err;
}

static int flush_output(struct run_state *st)
{
	int err;

	if (st->write_err)
		return st->write_err;
	if (st->exp) {
		err = export_write(st->exp, st->sink.out.buf.p, st->sink.out.buf.len);
		st->sink.out.buf.len = 0;
	} else {
		err = output_flush_bounded(&st->sink.out, !st->draining);
	}
	if (err && !st->write_err)
		st->write_err = err;
	return err;
}

/* Decode, enrich, filter and format one record; -1 when a write failed. */
static int emit_record(struct run_state *st, void *data, size_t size)
{
	int ret;

	row_reset(&st->sink.row);
	ret = st->ctx.g->decode(&st->ctx, data, size, &st->sink.row);
	if (ret < 0)
		st->bad_records++;
	if (ret <= 0)
		return 0;
	if (!enricher_apply(st->enr, &st->sink.row))
		return 0;
	if (!sink_match(&st->sink, &st->sink.row))
		return 0;
	if (st->mg)
		metrics_event(st->mg, &st->sink.row);
	output_row(&st->sink.out, &st->sink.row);
	if (st->sink.out.buf.len >= FLUSH_BYTES && flush_output(st))
		return -1;
	return 0;
}

/* ctx->emit: a record the gadget made, through the same path. */
static int emit_own_record(struct gadget_ctx *ctx, const void *data, size_t size)
{
	struct run_state *st = (struct run_state *)ctx;   /* ctx is its first member */

	return emit_record(st, (void *)data, size);
}

/* libbpf keeps consuming while the producer keeps producing: under a flood
 * a round would never end. Ending it after ROUND_MAX records (or at a stop)
 * lets the loop do its own work: timeout, loss reports, stop. The record
 * just passed is consumed either way. While draining, rounds are not cut. */
static int on_event(void *arg, void *data, size_t size)
{
	struct run_state *st = arg;

	if (emit_record(st, data, size))
		return ROUND_ENDED;   /* st->write_err says why */
	if (!st->draining &&
	    (sys_stop_signal || sys_deadline_passed || ++st->round_records >= ROUND_MAX))
		return ROUND_ENDED;
	return 0;
}

/* Losses are never silent: stderr once a second, and a JSON record. */
static void report_lost(struct run_state *st, bool final)
{
	uint64_t total = *st->ctx.lost, delta = total - st->lost_reported;

	if (st->mg)
		metrics_lost(st->mg, total);

	if (!delta) {
		if (final && total)
			ig_err("lost %llu events in total", (unsigned long long)total);
		return;
	}
	st->lost_reported = total;
	ig_err("lost %llu events (%llu in total): the ring buffer was full; try a larger --ring-size",
	       (unsigned long long)delta, (unsigned long long)total);
	output_lost(&st->sink.out, delta, total, sys_now_ns(CLOCK_REALTIME));
}

static bool stdout_closed(const struct run_state *st)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	if (!st->stdout_is_pipe)
		return false;
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

static bool fd_is_pipe(int fd)
{
	struct stat sb;

	return !fstat(fd, &sb) && (S_ISFIFO(sb.st_mode) || S_ISSOCK(sb.st_mode));
}

static int event_loop(struct run_state *st, struct ring_buffer *rb)
{
	uint64_t start = sys_now_ns(CLOCK_MONOTONIC), last_report = start;
	uint64_t deadline = st->ctx.opts->timeout > 0 ?
		start + (uint64_t)(st->ctx.opts->timeout * 1e9) : 0;
	bool more = false;

	/* The deadline also interrupts a write() blocked on a stalled reader. */
	sys_arm_deadline(st->ctx.opts->timeout);
	while (!sys_stop_signal && !sys_deadline_passed && !st->write_err) {
		int err;
		uint64_t now;

		/* A round cut short left records behind: read them now rather
		 * than wait for a wakeup that batching may never send. */
		st->round_records = 0;
		err = more ? ring_buffer__consume(rb) : ring_buffer__poll(rb, POLL_MS);
		/* A timed-out poll reads nothing: drain the records that were
		 * submitted without a wakeup, so batching never delays them
		 * by more than POLL_MS. */
		if (err == 0)
			err = ring_buffer__consume(rb);
		more = err == ROUND_ENDED;
		if (err == ROUND_ENDED || err == -EINTR)
			err = 0;
		if (err < 0 && !st->write_err) {
			ig_err("reading events failed: %s", strerror(-err));
			return IG_EXIT_RUNTIME;
		}
		/* finish() writes what is buffered, within its drain budget. */
		if (sys_stop_signal)
			break;
		if (flush_output(st) || stdout_closed(st))
			break;
		now = sys_now_ns(CLOCK_MONOTONIC);
		if (st->ctx.g->tick)
			st->ctx.g->tick(&st->ctx, now);
		enricher_tick(st->enr);
		if (now - last_report >= 1000000000ULL) {
			report_lost(st, false);
			last_report = now;
		}
		if (deadline && now >= deadline)
			break;
	}
	return 0;
}

/* The first field asked for (a column, an explicit JSON key, a filter)
 * that only the gadget's --paths fills, or NULL. */
static const struct field *paths_field_wanted(const struct sink *k)
{
	for (size_t i = 0; i < k->cols.n; i++)
		if (k->schema.f[k->cols.c[i].idx]->flags & FF_PATHS)
			return k->schema.f[k->cols.c[i].idx];
	for (size_t i = 0; i < k->filter.n; i++)
		if (k->schema.f[k->filter.t[i].idx]->flags & FF_PATHS)
			return k->schema.f[k->filter.t[i].idx];
	return NULL;
}

/* Asking for cwd or fpath and getting an empty column helps nobody: such a
 * field turns --paths on. An explicit --paths=false stays, and is said. */
static void enable_paths_if_wanted(struct run_state *st)
{
	const struct gadget *g = st->ctx.g;
	const struct field *f = paths_field_wanted(&st->sink);

	for (size_t i = 0; f && i < g->nflags; i++) {
		const struct gadget_flag *p = &g->flags[i];
		bool *on = (bool *)((char *)st->gopts + p->off);

		if (strcmp(p->name, "paths") || p->type != GF_BOOL || !p->bound || *on)
			continue;
		if (st->ctx.flags[i].set) {
			ig_err("%s stays empty: it needs --paths, and --paths=false was given", f->name);
			return;
		}
		*on = true;
		ig_info("%s: --paths turned on for the %s field", g->name, f->name);
	}
}

static int preflight(const struct run_opts *o)
{
	if (sys_check_privileges() || sys_check_btf(o->btf) || sys_ensure_tracefs())
		return IG_EXIT_RUNTIME;
	return 0;
}

/* Detach first so nothing new arrives, then drain what is left, within a
 * budget (sys.h): a reader that does not read must not keep ig (and its
 * programs) alive. After a stop signal the budget is DRAIN_MS in all; at
 * the end of --timeout a reader that keeps reading gets everything (up to
 * LIVE_CAP_MS), one that stalls for DRAIN_MS is dropped. The budget also
 * bounds the final messages on a stalled stderr. */
static int finish(struct run_state *st, struct ring_buffer *rb)
{
	sys_begin_drain();   /* no-op after a signal: its budget runs already */
	ig_skel_detach(&st->ctx);
	if (st->write_err == -EINTR)   /* the stop interrupted the loop's write */
		st->write_err = 0;
	st->draining = true;
	if (!st->write_err)
		ring_buffer__consume(rb);
	flush_output(st);
	report_lost(st, true);
	flush_output(st);
	if (st->write_err == -EINTR)
		ig_err("the output reader is too slow: dropped %zu bytes of output to exit in time",
		       st->sink.out.buf.len);
	if (st->bad_records)
		ig_err("skipped %llu malformed records", (unsigned long long)st->bad_records);
	if (st->write_err && st->write_err != -EPIPE && st->write_err != -EINTR) {
		ig_err("writing output failed: %s", strerror(-st->write_err));
		return IG_EXIT_RUNTIME;
	}
	return 0;
}

static int run_started(struct run_state *st)
{
	struct ring_buffer *rb = ring_buffer__new(st->ctx.events_fd, on_event, st, NULL);
	int ret;

	if (!rb) {
		ig_err("cannot read the ring buffer: %s", strerror(errno));
		return IG_EXIT_RUNTIME;
	}
	output_header(&st->sink.out);
	st->ctx.emit = emit_own_record;
	ret = event_loop(st, rb);
	if (!ret)
		ret = finish(st, rb);
	ring_buffer__free(rb);
	return ret;
}

/* Whether the gadget's bound --legacy-json flag is on. */
static bool legacy_json_wanted(const struct gadget *g, const void *gopts)
{
	for (size_t i = 0; g->legacy_json && i < g->nflags; i++)
		if (!strcmp(g->flags[i].name, "legacy-json") && g->flags[i].bound &&
		    g->flags[i].type == GF_BOOL)
			return *(const bool *)((const char *)gopts + g->flags[i].off);
	return false;
}

/* Flags, then the output chain: both usage errors, before any BPF. */
static int parse_args(struct run_state *st, struct run_opts *opts, int argc, char **argv)
{
	const struct gadget *g = st->ctx.g;
	char err[512];
	int ret;

	ret = cli_parse_run(g, argc, argv, opts, st->gopts, st->ctx.flags, err, sizeof(err));
	if (ret == FLAGS_HELP) {
		cli_print_gadget_help(stdout, g);
		return -1;
	}
	if (ret) {
		ig_err("%s", err);
		return IG_EXIT_USAGE;
	}
	if (legacy_json_wanted(g, st->gopts)) {
		opts->json_keys = g->legacy_json;
		opts->njson_keys = g->nlegacy_json;
	}
	opts->forms = &g->forms;
	opts->gadget_name = g->name;
	ret = sink_init(&st->sink, g->fields, g->nfields, g->default_fields, opts, err,
			sizeof(err));
	if (!ret)
		enable_paths_if_wanted(st);
	if (!ret && g->kind != GK_TRACE)
		ret = batch_init(&st->batch, &st->sink, NULL, opts->sort, err, sizeof(err));
	if (ret && err[0])
		ig_err("%s", err);
	return ret == -ENOMEM ? IG_EXIT_RUNTIME : ret ? IG_EXIT_USAGE : 0;
}

/* Run the started gadget as its kind says. */
static int run_kind(struct run_state *st)
{
	if (st->ctx.g->kind == GK_TRACE)
		return run_started(st);
	st->sink.out.redraw = st->ctx.g->kind == GK_TOP && isatty(STDOUT_FILENO);
	st->batch.enr = st->enr;
	return run_collect(&st->ctx, &st->batch);
}

static int start_metrics(struct run_state *st, const struct run_opts *o)
{
	st->metrics = metrics_new(o->metrics_max_containers);
	st->mg = st->metrics ? metrics_gadget(st->metrics, st->ctx.g) : NULL;
	if (!st->mg) {
		ig_err("out of memory");
		return -1;
	}
	return metrics_listen(st->metrics, o->metrics_listen);
}

int run_gadget(const struct gadget *g, int argc, char **argv)
{
	struct run_state st = { 0 };
	struct run_opts opts;
	int ret;

	st.ctx.g = g;
	st.ctx.opts = &opts;
	st.ctx.flags = calloc(g->nflags + 1, sizeof(*st.ctx.flags));
	st.gopts = calloc(1, g->opts_size + 1);
	st.ctx.gopts = st.gopts;
	if (!st.ctx.flags || !st.gopts) {
		ig_err("out of memory");
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ret = parse_args(&st, &opts, argc, argv);
	if (ret) {
		ret = ret < 0 ? 0 : ret;   /* -1: help was printed */
		goto out;
	}
	btf_cache_prefetch(opts.btf);   /* meanwhile: preflight, container discovery */
	st.ctx.boot_to_wall_ns = sys_boot_to_wall_ns();
	if (g->early)
		g->early(&st.ctx);
	ret = preflight(&opts);
	if (ret)
		goto out;
	if (opts.export_file &&
	    !(st.exp = export_open(opts.export_file, opts.export_rotate_size, opts.export_keep))) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	if (opts.metrics_listen && start_metrics(&st, &opts)) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_bpf_setup_logging();
	st.enr = enricher_new(&opts);
	if (!st.enr) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	st.ctx.enr = st.enr;
	opts.filter_mntns = enricher_filters_in_kernel(st.enr);
	opts.mntns_by_id = enricher_mntns_by_id(st.enr);
	sys_install_stop_signals();
	sys_set_drain_budget(DRAIN_MS, LIVE_CAP_MS, false);
	st.stdout_is_pipe = !st.exp && fd_is_pipe(STDOUT_FILENO);
	if (gadget_start(&st.ctx)) {
		ret = IG_EXIT_RUNTIME;
		goto out_destroy;
	}
	enricher_attach_map(st.enr, st.ctx.mntns_fd, st.ctx.hints_fd);
	/* Loading parsed BTF (megabytes without the cache); give that heap back. */
	malloc_trim(0);
	btf_cache_build_later();   /* no valid entry: it is built now, in a thread */
	ig_info("%s: attached", g->name);
	ret = run_kind(&st);
out_destroy:
	ig_skel_destroy(&st.ctx);
out:
	btf_cache_finish();   /* a cache being built is written before exit */
	enricher_free(st.enr);
	batch_free(&st.batch);
	sink_free(&st.sink);
	export_close(st.exp);
	metrics_free(st.metrics);
	free(st.gopts);
	free(st.ctx.flags);
	return ret;
}
