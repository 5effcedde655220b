// SPDX-License-Identifier: Apache-2.0
/*
 * The runner of the gadgets that do not stream (top, snapshot, profile,
 * advise): they count in the kernel's maps, and their collect() turns the
 * maps into a batch of rows when the kind says: every --interval, once at
 * the start, or once at the end. The core prints every batch the same way.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "batch.h"
#include "enrich.h"
#include "run.h"
#include "skel.h"
#include "sys.h"

#define TICK_MS 50   /* how soon a stop or the next interval is noticed */

/* Sleep until deadline (monotonic ns; 0: none) or a stop signal, keeping
 * the container table fresh, and giving the gadget its tick. Returns false
 * on a stop. */
static bool wait_until(struct gadget_ctx *ctx, struct ig_batch *b, uint64_t deadline)
{
	while (!sys_stop_signal) {
		uint64_t now = sys_now_ns(CLOCK_MONOTONIC);
		uint64_t left = deadline > now ? (deadline - now) / 1000000 : 0;

		if (deadline && now >= deadline)
			return true;
		poll(NULL, 0, !deadline || left > TICK_MS ? TICK_MS : (int)left + 1);
		enricher_tick(b->enr);
		if (ctx->g->collect_tick)
			ctx->g->collect_tick(ctx, b);
	}
	return false;
}

/* One collect() and its batch on stdout: 0, 1 when the reader is gone, or
 * the exit code of a failure. */
static int collect_once(struct gadget_ctx *ctx, struct ig_batch *b, bool in_loop)
{
	int err;

	batch_clear(b);
	err = ctx->g->collect(ctx, b);
	if (err < 0) {
		ig_err("%s: reading the results failed: %s", ctx->g->name, strerror(-err));
		return IG_EXIT_RUNTIME;
	}
	/* 1: the gadget wrote documents of its own into the output buffer
	 * (advise_seccomp's profiles), not rows. --max-entries is a top flag;
	 * its default must not cut a snapshot. */
	if (!err)
		batch_print(b, ctx->g->kind == GK_TOP ? ctx->opts->max_entries : 0);
	err = output_flush_bounded(&b->sink->out, in_loop);
	if (err == -EPIPE || err == -EINTR)
		return 1;
	if (err) {
		ig_err("writing output failed: %s", strerror(-err));
		return IG_EXIT_RUNTIME;
	}
	return 0;
}

static uint64_t deadline_of(const struct run_opts *o, uint64_t start)
{
	return o->timeout > 0 ? start + (uint64_t)(o->timeout * 1e9) : 0;
}

static int run_top(struct gadget_ctx *ctx, struct ig_batch *b)
{
	uint64_t last = sys_now_ns(CLOCK_MONOTONIC), end = deadline_of(ctx->opts, last);
	uint64_t step = (uint64_t)(ctx->opts->interval * 1e9);

	for (;;) {
		uint64_t next = last + step, now;
		int ret;

		if (end && next > end)
			next = end;
		if (!wait_until(ctx, b, next))
			return 0;
		now = sys_now_ns(CLOCK_MONOTONIC);
		ctx->interval_ns = now - last;
		last = now;
		ret = collect_once(ctx, b, true);
		if (ret)
			return ret < 0 || ret == 1 ? 0 : ret;
		if (end && now >= end)
			return 0;
	}
}

int run_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	uint64_t start = sys_now_ns(CLOCK_MONOTONIC);
	int ret;

	switch (ctx->g->kind) {
	case GK_TOP:
		return run_top(ctx, b);
	case GK_SNAPSHOT:
		break;
	default:   /* profile, advise: until Ctrl-C or --timeout */
		wait_until(ctx, b, deadline_of(ctx->opts, start));
		sys_begin_drain();   /* the results are written within the budget */
		ig_skel_detach(ctx);
		break;
	}
	ctx->interval_ns = sys_now_ns(CLOCK_MONOTONIC) - start;
	ret = collect_once(ctx, b, false);
	return ret == 1 ? 0 : ret;
}
