/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_blockio: block I/O per process, device and direction, counted in a
 * kernel hash (bpf/top_blockio.bpf.c) that user space reads and clears
 * every --interval (src/gadgets/top_blockio.c).
 */
#ifndef IG_TOP_BLOCKIO_H
#define IG_TOP_BLOCKIO_H

#include "ig_event.h"

#define TB_MAX_ENTRIES 10240

struct tb_key {
	__u32 pid;
	__u32 major;
	__u32 minor;
	__u32 write;    /* 0 read, 1 write */
};

struct tb_stats {
	struct ig_proc proc;
	__u64 bytes;
	__u64 ns;       /* latency, issue to completion, summed */
	__u64 ios;
};

#ifndef __bpf__
struct row;
struct gadget_ctx;
/* One entry's row (the gadget's decoder). */
void tb_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct tb_key *k,
		 const struct tb_stats *v);
#endif

#endif
