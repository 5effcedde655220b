/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_RUN_H
#define IG_RUN_H

#include "gadget.h"

/* "ig run <gadget> [flags]": returns the process exit code. */
int run_gadget(const struct gadget *g, int argc, char **argv);

struct ig_batch;
/* top, snapshot, profile, advise: call g->collect when the kind says
 * (src/collect.c), print each batch; returns the exit code. */
int run_collect(struct gadget_ctx *ctx, struct ig_batch *b);

/* Write what o holds to stdout, retrying writes a signal interrupted. In
 * the loop (in_loop), a stop or the --timeout deadline ends it, the rest
 * kept for the drain; while draining, the drain budget does (sys.h), and
 * progress restarts it. Returns output_flush's result: -EINTR when
 * abandoned. */
int output_flush_bounded(struct output *o, bool in_loop);

#endif
