/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * profile_blockio: a histogram of block I/O latency (issue to completion),
 * in power-of-two microsecond slots counted in the kernel
 * (bpf/profile_blockio.bpf.c) and printed at the end
 * (src/gadgets/profile_blockio.c).
 */
#ifndef IG_PROFILE_BLOCKIO_H
#define IG_PROFILE_BLOCKIO_H

/* Slot 0: 0-1 us; slot i > 0: [2^i, 2^(i+1)) us; the last slot holds the
 * rest (over 2^(PB_SLOTS-1) us, ~1.1 hours). */
#define PB_SLOTS 32

#ifndef __bpf__
#include <linux/types.h>
#include <stddef.h>
struct ig_batch;
struct gadget_ctx;
/* The histogram's rows: one per slot from the first used to the last. */
int pb_add_rows(struct ig_batch *b, const __u64 *slots, size_t n);
#endif

#endif
