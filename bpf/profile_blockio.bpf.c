// SPDX-License-Identifier: GPL-2.0
/* profile_blockio: block I/O latency in log2 microsecond slots (the
 * requests' life is tracked by blockio.bpf.h). */
#include "blockio.bpf.h"
#include "profile_blockio.h"

__u64 pb_slots[PB_SLOTS] = {};

static __always_inline __u32 pb_log2(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(ig_pb_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	struct bio_start st;
	__u64 ns;
	__u32 slot;

	if (!bio_done(rq, &st, &ns))
		return 0;
	slot = pb_log2(ns / 1000);
	if (slot >= PB_SLOTS)
		slot = PB_SLOTS - 1;
	__sync_fetch_and_add(&pb_slots[slot & (PB_SLOTS - 1)], 1);
	return 0;
}
