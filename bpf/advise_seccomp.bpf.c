// SPDX-License-Identifier: GPL-2.0
/*
 * advise_seccomp: which syscalls each traced mount namespace makes. One
 * bitmap per namespace, in a slot of the array adv_sets; the hash adv_slots
 * gives a namespace's slot. Nothing goes through the ring: user space reads
 * the maps once, at the end.
 *
 * This runs on every syscall of the machine, so the common cases cost no
 * hash lookup (on this kind of VM one is ~80 ns, docs/performance.md):
 *  - the host when it is not recorded (no --host): one compare with its
 *    key, which user space writes into adv_skip_key (as traceloop does);
 *  - a namespace this CPU recorded last: its slot is remembered per CPU
 *    (adv_memo), and the bitmap is an inlined array lookup away. A syscall
 *    already seen is then a load and a test; a new one an atomic or.
 * Only a namespace new to the CPU looks up its verdict (ig_mntns) and slot.
 */
#include "common.bpf.h"
#include "advise_seccomp.h"

__u64 adv_ns_dropped = 0;   /* syscalls of namespaces that found no free slot */
__u64 adv_nslots = 0;       /* slots handed out (64 bits: clang 14 returns no 32-bit xadd) */
/* A namespace never recorded: the host when it is denied (no --host).
 * 0 (no key is 0) until user space knows the host's key. */
volatile __u64 adv_skip_key = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ADV_MAX_NS);
	__type(key, __u64);   /* mount namespace key (ig_mntns_key) */
	__type(value, __u32); /* its slot in adv_sets */
} adv_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ADV_MAX_NS);
	__type(key, __u32);
	__type(value, struct adv_syscalls);
} adv_sets SEC(".maps");

/* Per CPU: the namespace recorded last and its slot, in one word
 * (ADV_MEMO()), so that a program preempted while writing it, and another
 * one writing it meanwhile on the same CPU, can never pair a namespace
 * with another's slot. A slot, once given, is the namespace's for good. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} adv_memo SEC(".maps");

#define ADV_SLOT_BITS 16
#define ADV_MEMO(key, slot) ((key) << ADV_SLOT_BITS | (slot))
_Static_assert(ADV_MAX_NS <= 1 << ADV_SLOT_BITS, "a slot fits the memo");

/* The first syscall of a namespace: a slot, who made it, and its cgroup
 * names for when its container is gone by the end (common.bpf.h). Returns
 * the slot, or ADV_MAX_NS when all are taken. */
static __noinline __u32 adv_new(__u64 key)
{
	struct adv_syscalls *v;
	struct ig_proc p;
	__u32 slot, *old;

	if (adv_nslots >= ADV_MAX_NS)
		goto full;
	slot = __sync_fetch_and_add(&adv_nslots, 1);
	v = bpf_map_lookup_elem(&adv_sets, &slot);
	if (!v)
		goto full;
	ig_fill_proc(&p);
	v->mntns_id = p.mntns_id;
	v->first_ts = p.timestamp;
	v->pid = p.pid;
	__builtin_memcpy(v->comm, p.comm, sizeof(v->comm));
	/* Filled before it is published: a reader of the hash finds it whole. */
	if (!bpf_map_update_elem(&adv_slots, &key, &slot, BPF_NOEXIST)) {
		ig_note_cgroups(key);
		return slot;
	}
	/* Another CPU published one first (this slot stays unused), or the
	 * hash is full. */
	old = bpf_map_lookup_elem(&adv_slots, &key);
	if (old)
		return *old;
full:
	__sync_fetch_and_add(&adv_ns_dropped, 1);
	return ADV_MAX_NS;
}

/* The namespace's slot, made on its first syscall; ADV_MAX_NS when it is
 * not recorded (denied by -c/--k8s-* or as the host, or no slot left). */
static __always_inline __u32 adv_slot(__u64 key)
{
	__u32 *slot;

	if (!ig_mntns_allowed(key))
		return ADV_MAX_NS;
	slot = bpf_map_lookup_elem(&adv_slots, &key);
	return slot ? *slot : adv_new(key);
}

SEC("raw_tp/sys_enter")
int ig_adv_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	unsigned long id = ctx->args[1];
	struct adv_syscalls *s;
	__u64 key, bit, *memo;
	__u32 w, slot, zero = 0;

	/* x32 calls (bit 30) and anything past the table are not recorded. */
	if (id >= ADV_NR_MAX || !ig_ids_match())
		return 0;
	key = ig_current_mntns_key();
	if (key == adv_skip_key)
		return 0;
	memo = bpf_map_lookup_elem(&adv_memo, &zero);
	if (!memo)
		return 0;
	if (*memo >> ADV_SLOT_BITS == key) {
		slot = *memo & ((1 << ADV_SLOT_BITS) - 1);
	} else {
		slot = adv_slot(key);
		if (slot >= ADV_MAX_NS)
			return 0;
		/* Keys past 48 bits (none seen yet) are looked up every time. */
		if (!(key >> (64 - ADV_SLOT_BITS)))
			*memo = ADV_MEMO(key, slot);
	}
	s = bpf_map_lookup_elem(&adv_sets, &slot);
	if (!s)
		return 0;
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
