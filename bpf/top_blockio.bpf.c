// SPDX-License-Identifier: GPL-2.0
/* top_blockio: block I/O per process, device and direction (the requests'
 * life is tracked by blockio.bpf.h). */
#include "top_ns.bpf.h"
/* The namespace is noted at issue, in the issuer's context: at completion
 * (an interrupt) the current task is another, and the issuer may be gone. */
#define BIO_ON_ISSUE(p) ig_top_ns_note((p)->mntns_key, (p)->pid)
#include "blockio.bpf.h"
#include "top_blockio.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TB_MAX_ENTRIES);
	__type(key, struct tb_key);
	__type(value, struct tb_stats);
} tb_stats SEC(".maps");

SEC("tp_btf/block_rq_complete")
int BPF_PROG(ig_tb_complete, struct request *rq, blk_status_t error, unsigned int nr_bytes)
{
	__u32 op = rq->cmd_flags & BIO_REQ_OP_MASK;
	struct gendisk *disk = rq->q->disk;
	struct tb_key k = {};
	struct bio_start st;
	struct tb_stats *s;
	__u64 ns;

	if (!bio_done(rq, &st, &ns) || (op != REQ_OP_READ && op != REQ_OP_WRITE))
		return 0;
	k.pid = st.proc.pid;
	k.major = disk ? disk->major : 0;
	k.minor = disk ? disk->first_minor : 0;
	k.write = op == REQ_OP_WRITE;
	s = bpf_map_lookup_elem(&tb_stats, &k);
	if (!s) {
		struct tb_stats v = { .proc = st.proc };

		bpf_map_update_elem(&tb_stats, &k, &v, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&tb_stats, &k);
		if (!s)
			return 0;
	}
	__sync_fetch_and_add(&s->bytes, st.bytes);
	__sync_fetch_and_add(&s->ns, ns);
	__sync_fetch_and_add(&s->ios, 1);
	return 0;
}
