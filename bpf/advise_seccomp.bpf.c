// SPDX-License-Identifier: GPL-2.0
/*
 * advise_seccomp: which syscalls each traced mount namespace makes. One
 * bitmap per namespace in a hash map; a syscall already seen costs a
 * lookup and a load, a new one an atomic or. Nothing goes through the
 * ring: user space reads the map once, at the end.
 */
#include "common.bpf.h"
#include "advise_seccomp.h"

__u64 adv_ns_dropped = 0;   /* namespaces that found the map full */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ADV_MAX_NS);
	__type(key, __u64);   /* mount namespace key (ig_mntns_key) */
	__type(value, struct adv_syscalls);
} adv_seen SEC(".maps");

/* The first syscall of a namespace: its entry, and its cgroup names for
 * when its container is gone by the end (common.bpf.h). */
static __always_inline struct adv_syscalls *adv_new(__u64 key)
{
	struct adv_syscalls v = {};
	struct ig_proc p;

	ig_fill_proc(&p);
	v.mntns_id = p.mntns_id;
	v.first_ts = p.timestamp;
	v.pid = p.pid;
	__builtin_memcpy(v.comm, p.comm, sizeof(v.comm));
	if (bpf_map_update_elem(&adv_seen, &key, &v, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&adv_seen, &key)) {
		__sync_fetch_and_add(&adv_ns_dropped, 1);
		return NULL;
	}
	ig_note_cgroups(key);
	return bpf_map_lookup_elem(&adv_seen, &key);
}

SEC("raw_tp/sys_enter")
int ig_adv_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	unsigned long id = ctx->args[1];
	struct adv_syscalls *s;
	__u64 key, bit;
	__u32 w;

	/* x32 calls (bit 30) and anything past the table are not recorded. */
	if (id >= ADV_NR_MAX || !ig_should_trace())
		return 0;
	key = ig_current_mntns_key();
	s = bpf_map_lookup_elem(&adv_seen, &key);
	if (!s) {
		s = adv_new(key);
		if (!s)
			return 0;
	}
	w = (id / 64) & (ADV_WORDS - 1);
	bit = 1ULL << (id & 63);
	if (!(s->bits[w] & bit)) {
		__sync_fetch_and_or(&s->bits[w], bit);
		/* A process that lives on, more likely than the first (runc's
		 * short-lived children): user space names the container
		 * through it. Written only when a new syscall is seen. */
		s->pid = bpf_get_current_pid_tgid() >> 32;
	}
	return 0;
}
