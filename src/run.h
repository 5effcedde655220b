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

#endif
