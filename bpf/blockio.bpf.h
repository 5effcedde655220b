/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What top_blockio and profile_blockio share: each block request from its
 * issue to its completion (block:block_rq_issue, block_rq_complete, as
 * tp_btf programs on struct request, whose layout CO-RE relocates). The
 * process is the one that inserted the request (block_rq_insert), else the
 * one that issued it: a request dispatched later by a kernel worker still
 * names the process that made it.
 */
#ifndef IG_BLOCKIO_BPF_H
#define IG_BLOCKIO_BPF_H

#include "common.bpf.h"

#define BIO_REQ_OP_MASK 0xff   /* (1 << REQ_OP_BITS) - 1 */
#define BIO_MAX_INFLIGHT 10240

struct bio_start {
	struct ig_proc proc;
	__u64 issued;          /* bpf_ktime_get_ns() at issue; 0: inserted, not issued */
	__u32 bytes;
	__u8 traced;           /* the process passed the filters */
	__u8 _pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BIO_MAX_INFLIGHT);
	__type(key, __u64);    /* struct request address */
	__type(value, struct bio_start);
} bio_inflight SEC(".maps");

/* Who made the request: the first of insert and issue that sees it. */
static __always_inline struct bio_start *bio_note(struct request *rq)
{
	__u64 key = (__u64)rq;
	struct bio_start *s = bpf_map_lookup_elem(&bio_inflight, &key);
	struct bio_start v = {};

	if (s)
		return s;
	v.traced = ig_should_trace();
	ig_fill_proc(&v.proc);
	bpf_map_update_elem(&bio_inflight, &key, &v, BPF_ANY);
	return bpf_map_lookup_elem(&bio_inflight, &key);
}

SEC("tp_btf/block_rq_insert")
int BPF_PROG(ig_bio_insert, struct request *rq)
{
	bio_note(rq);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(ig_bio_issue, struct request *rq)
{
	struct bio_start *s = bio_note(rq);

	if (s) {
		s->issued = bpf_ktime_get_ns();
		s->bytes = rq->__data_len;
	}
	return 0;
}

/* At completion: the request's start (deleted from the map; copied into
 * out) and its latency in ns, or false when it was not traced. */
static __always_inline bool bio_done(struct request *rq, struct bio_start *out, __u64 *ns)
{
	__u64 key = (__u64)rq, now = bpf_ktime_get_ns();
	struct bio_start *s = bpf_map_lookup_elem(&bio_inflight, &key);

	if (!s)
		return false;
	__builtin_memcpy(out, s, sizeof(*out));
	bpf_map_delete_elem(&bio_inflight, &key);
	if (!out->traced || !out->issued || now < out->issued)
		return false;
	*ns = now - out->issued;
	return true;
}

#endif
