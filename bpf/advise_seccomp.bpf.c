// SPDX-License-Identifier: GPL-2.0
/*
 * advise_seccomp: which syscalls each traced mount namespace makes. One
 * bitmap per namespace, in a slot of the array adv_sets; the hash adv_slots
 * gives a namespace's slot. Nothing goes through the ring: user space reads
 * the maps once, at the end.
 *
 * This runs on every syscall of the machine, so the common cases cost no
 * hash lookup (on this kind of VM one is ~80 ns, docs/performance.md) and
 * touch few pages (after a syscall entry each is a TLB miss here):
 *  - the host when it is not recorded (no --host): a compare of its
 *    namespace's address (user space gives its key, adv_skip_key, as to
 *    traceloop);
 *  - a syscall the namespace this CPU recorded last is known to have made:
 *    a read of this CPU's memo (adv_memo).
 * A syscall new to the memo finds the namespace's slot (remembered in the
 * memo) and bitmap in adv_sets, an inlined array lookup, and sets its bit
 * with an atomic or if no other CPU did. Only a namespace new to the CPU
 * looks up its verdict (ig_mntns) and its slot (adv_slots, a hash).
 */
#include "common.bpf.h"
#include "advise_seccomp.h"

__u64 adv_ns_dropped = 0;   /* syscalls of namespaces that found no free slot */
__u64 adv_nslots = 0;       /* slots handed out (64 bits: clang 14 returns no 32-bit xadd) */
/* A namespace never recorded: the host when it is denied (no --host).
 * 0 (no key is 0) until user space knows the host's key. */
volatile __u64 adv_skip_key = 0;
/* That namespace's address, learnt from its first syscall after user space
 * set adv_skip_key: then its syscalls are dropped without reading the
 * namespace itself. The host's namespace (pid 1's, or ig's own) lives as
 * long as ig, so the address is never another namespace's. */
__u64 adv_skip_ns = 0;

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

/* Per CPU: the namespace recorded last, its slot, and the syscalls it is
 * known to have made, so that a syscall seen before touches this CPU's
 * memory alone. A seqcount guards it: a program preempted while writing it
 * must not leave one namespace paired with another's slot or bits. Only
 * the writer that moves seq from even to odd writes; a reader trusts what
 * it read only if seq was even and unchanged around it. A slot, once
 * given, is the namespace's for good, and bits are only ever added. */
struct adv_memo {
	__u64 seq;
	__u64 key;
	__u64 slot;
	__u64 bits[ADV_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct adv_memo);
} adv_memo SEC(".maps");

#define barrier() asm volatile("" ::: "memory")
#define READ_ONCE_U64(x) (*(volatile __u64 *)&(x))

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

/* Bring this CPU's memo up to date: key's slot, and its bits as s has
 * them now (all of them for a namespace new to the memo). seq: the even
 * value read before; another writer in between makes this one give up. */
static __always_inline void adv_remember(struct adv_memo *m, __u64 seq, __u64 key, __u32 slot,
					 const struct adv_syscalls *s)
{
	if (seq & 1 || __sync_val_compare_and_swap(&m->seq, seq, seq + 1) != seq)
		return;
	barrier();
	m->key = key;
	m->slot = slot;
	for (int i = 0; i < ADV_WORDS; i++)
		m->bits[i] = s->bits[i];
	barrier();
	m->seq = seq + 2;
}

SEC("raw_tp/sys_enter")
int ig_adv_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	unsigned long id = ctx->args[1];
	struct adv_syscalls *s;
	struct mnt_namespace *ns;
	struct adv_memo *m;
	__u64 key, bit, seq, known;
	__u32 w, slot, zero = 0;
	bool hit;

	/* x32 calls (bit 30) and anything past the table are not recorded. */
	if (id >= ADV_NR_MAX || !ig_ids_match())
		return 0;
	ns = ig_current_mnt_ns();
	if ((__u64)ns == adv_skip_ns)
		return 0;
	key = ig_mntns_key(ns);
	if (key == adv_skip_key) {
		adv_skip_ns = (__u64)ns;
		return 0;
	}
	m = bpf_map_lookup_elem(&adv_memo, &zero);
	if (!m)
		return 0;
	w = (id / 64) & (ADV_WORDS - 1);
	bit = 1ULL << (id & 63);
	seq = READ_ONCE_U64(m->seq);
	hit = m->key == key;
	known = m->bits[w] & bit;
	slot = m->slot;
	barrier();
	if (READ_ONCE_U64(m->seq) != seq || seq & 1)
		hit = false;
	if (hit && known)
		return 0;   /* the common case: seen before, by this CPU */
	if (!hit) {
		slot = adv_slot(key);
		if (slot >= ADV_MAX_NS)
			return 0;
	}
	s = bpf_map_lookup_elem(&adv_sets, &slot);
	if (!s)
		return 0;
	if (!(s->bits[w] & bit)) {
		__sync_fetch_and_or(&s->bits[w], bit);
		/* A process that lives on, more likely than the first (runc's
		 * short-lived children): user space names the container
		 * through it. Written only when a new syscall is seen. */
		s->pid = bpf_get_current_pid_tgid() >> 32;
	}
	adv_remember(m, seq, key, slot, s);
	return 0;
}
