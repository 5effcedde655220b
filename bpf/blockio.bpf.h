/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What top_blockio and profile_blockio share: each block request from its
 * issue to its completion (block:block_rq_issue, block_rq_complete, as
 * tp_btf programs on struct request, whose layout CO-RE relocates). The
 * process is the one running when the request is issued: the submitter
 * when the queue dispatches at once (direct I/O to an idle device), else
 * the kernel worker that dispatches it.
 */
#ifndef IG_BLOCKIO_BPF_H
#define IG_BLOCKIO_BPF_H

#include "common.bpf.h"

#define BIO_REQ_OP_MASK 0xff   /* (1 << REQ_OP_BITS) - 1 */
#define BIO_MAX_INFLIGHT 10240

struct bio_start {
	struct ig_proc proc;
	__u64 issued;          /* bpf_ktime_get_ns() at issue */
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

/* At issue, always a new entry: a request's address is reused, and one
 * that never completed (requeued, or a driver's error path) must not lend
 * its process to the next. */
SEC("tp_btf/block_rq_issue")
int BPF_PROG(ig_bio_issue, struct request *rq)
{
	__u64 key = (__u64)rq;
	struct bio_start v = {};

	if (!ig_should_trace()) {
		bpf_map_delete_elem(&bio_inflight, &key);   /* not followed */
		return 0;
	}
	ig_fill_proc(&v.proc);
#ifdef BIO_ON_ISSUE
	BIO_ON_ISSUE(&v.proc);   /* in the issuer's context: its namespace, its cgroups */
#endif
	v.issued = bpf_ktime_get_ns();
	v.bytes = rq->__data_len;
	v.traced = 1;
	bpf_map_update_elem(&bio_inflight, &key, &v, BPF_ANY);
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
