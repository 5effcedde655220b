// SPDX-License-Identifier: GPL-2.0
/*
 * traceloop: record every syscall of the traced containers into one
 * overwritable ring per container (a BPF array that user space maps and
 * reads when asked). The mount namespace is checked first: host processes
 * pay a few loads per syscall, other untraced namespaces a lookup or two.
 *
 * A namespace with no ring yet (a container that just started) records into
 * a shared staging ring, and user space hears about it once through
 * ig_events; it then creates the container's ring and moves the staged
 * records over, so a container is traced from its first syscall.
 */
#include "common.bpf.h"
#include "traceloop.h"

const volatile __u64 tl_host_key = 0;    /* the host's mount namespace key */
const volatile bool tl_filter_syscalls = false;

struct tl_ring {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	/* INNER_MAP: rings of different sizes fit the same outer map. */
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	__uint(max_entries, 2);
	/* Sizes, not BTF types: clang only forward-declares a struct
	 * reached through a map definition. */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, TL_SLOT_SIZE);
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, TL_MAX_TRACES);
	__type(key, __u64);   /* mount namespace key (ig_mntns_key) */
	__array(values, struct tl_ring);
} tl_rings SEC(".maps");

/* A ring like the others, but shared and always there: no update of the
 * map of maps (each one waits for an RCU grace period) to set it up. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, TL_STAGING_SLOTS + 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, TL_SLOT_SIZE);
} tl_staging SEC(".maps");

/* When namespaces are keyed by inode number (kernels without unique ids
 * for user space), the generation each verdict of ig_mntns was made for: a
 * verdict for a dead namespace must not stick to the next one with its
 * inode number. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u64);
} tl_gens SEC(".maps");

/* Namespaces already announced to user space. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} tl_pending SEC(".maps");

/* Per syscall number: what its arguments point to, and (--syscall-filters)
 * whether to record it. Filled by user space through the mapped .bss:
 * plain arrays, read without a map lookup. */
struct tl_desc tl_descs[TL_NR_MAX] = {};
__u8 tl_syscall_on[TL_NR_MAX] = {};

/* What an exit needs from its enter: the buffer the call fills, and the
 * arguments whose memory could not be read at enter (not paged in yet:
 * BPF cannot fault pages in), to read again once the call touched them. */
struct tl_inflight {
	__u64 args[TL_NARGS];
	__u32 nr;
	__u32 retry;          /* bit i: read argument i again at exit */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, struct tl_inflight);
} tl_inflight SEC(".maps");

#define barrier() asm volatile("" ::: "memory")

_Static_assert(sizeof(struct tl_rec) == TL_SLOT_SIZE, "one record per slot");
_Static_assert(sizeof(struct tl_ctl) == TL_SLOT_SIZE, "the control block is slot 0");

/* Which namespace this is: key names it in the maps and to user space's
 * container table (ig_mntns_key: the unique id where user space can read
 * it, else the inode number); gen is the unique id whenever the kernel has
 * one, to tell apart namespaces that had the same inode number. */
struct tl_ns {
	__u64 mntns;          /* inode number, as /proc shows it */
	__u64 key;
	__u64 gen;
	bool staged;          /* recording into tl_staging */
};

static __always_inline __u64 tl_gen(struct mnt_namespace *ns)
{
	if (bpf_core_field_exists(ns->ns.ns_id))
		return ns->ns.ns_id;
	/* 6.8-6.17 (the flavor is common.bpf.h's) */
	if (bpf_core_field_exists(((struct mnt_namespace___igseq *)ns)->seq))
		return ((struct mnt_namespace___igseq *)ns)->seq;
	return 0;
}

static __always_inline void tl_notify(const struct tl_ns *ns, __u32 fresh)
{
	struct tl_notify n = {
		.mntns = ns->mntns, .key = ns->key, .gen = ns->gen, .fresh = fresh,
		.ts = bpf_ktime_get_boot_ns(),
		.pid = bpf_get_current_pid_tgid() >> 32,
	};
	__u8 one = 1;

	if (bpf_map_lookup_elem(&tl_pending, &ns->key))
		return;
	if (bpf_map_update_elem(&tl_pending, &ns->key, &one, BPF_NOEXIST))
		return;
	/* Its cgroups, for when its processes are gone by the time user
	 * space looks (common.bpf.h). */
	ig_note_cgroups(ns->key);
	ig_output(&n, sizeof(n));
}

/* Whether the ring belongs to this namespace; the first record binds it. */
static __always_inline bool tl_ring_is_ours(void *ring, __u64 gen)
{
	__u32 zero = 0;
	struct tl_ctl *ctl = bpf_map_lookup_elem(ring, &zero);

	if (!ctl)
		return false;
	if (ctl->gen == gen)
		return true;
	return ctl->gen == 0 && __sync_val_compare_and_swap(&ctl->gen, 0, gen) == 0;
}

/* Whether the verdict on this inode number was made for this namespace.
 * The first syscall seen binds a verdict made without a generation. */
static __always_inline bool tl_verdict_is_ours(const struct tl_ns *n)
{
	__u64 *gen;

	if (ig_cfg.mntns_by_id)
		return true;   /* keys are never reused */
	gen = bpf_map_lookup_elem(&tl_gens, &n->key);
	if (!gen) {
		bpf_map_update_elem(&tl_gens, &n->key, &n->gen, BPF_NOEXIST);
		return true;
	}
	return *gen == n->gen;
}

/* The ring the current task records into, or NULL when it is not traced.
 * The host is checked first: it makes most syscalls and is never traced. */
static __always_inline void *tl_current_ring(struct tl_ns *out)
{
	struct mnt_namespace *ns = ig_current_mnt_ns();
	__u32 fresh = 0;
	__u8 *verdict;
	void *ring;

	out->mntns = ns->ns.inum;
	out->gen = tl_gen(ns);
	out->key = ig_cfg.mntns_by_id && out->gen ? out->gen : out->mntns;
	if (out->key == tl_host_key)
		return NULL;
	/* A ring means allowed: traced namespaces pay one lookup. */
	ring = bpf_map_lookup_elem(&tl_rings, &out->key);
	if (ring && tl_ring_is_ours(ring, out->gen))
		return ring;
	verdict = bpf_map_lookup_elem(&ig_mntns, &out->key);
	if (verdict && *verdict != IG_MNTNS_ALLOW) {
		if (tl_verdict_is_ours(out))
			return NULL;
		fresh = 1;   /* denied was another namespace, now dead */
	} else {
		fresh = ring != NULL;
	}
	/* New, allowed a moment before its ring was added, or a new namespace
	 * with the inode number of a dead one. */
	tl_notify(out, fresh);
	out->staged = true;
	return &tl_staging;
}

/* Claim the next slot; the record is invalid (seq 0) until tl_commit. */
static __always_inline struct tl_rec *tl_claim(void *ring, __u64 *seq)
{
	__u32 key = 0;
	struct tl_ctl *ctl = bpf_map_lookup_elem(ring, &key);
	struct tl_rec *rec;
	__u64 idx;

	if (!ctl)
		return NULL;
	idx = __sync_fetch_and_add(&ctl->head, 1);
	key = 1 + (__u32)(idx & ctl->mask);
	rec = bpf_map_lookup_elem(ring, &key);
	if (!rec)
		return NULL;
	rec->seq = 0;
	barrier();
	*seq = idx + 1;
	return rec;
}

static __always_inline void tl_commit(struct tl_rec *rec, __u64 seq)
{
	barrier();
	rec->seq = seq;
}

static __always_inline void tl_fill(struct tl_rec *rec, __u8 kind, __u64 ts,
				    const struct tl_ns *ns, __u16 nr)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	rec->ts = ts;
	rec->mntns = ns->mntns;
	rec->gen = ns->gen;
	rec->pid = pid_tgid >> 32;
	rec->tid = (__u32)pid_tgid;
	rec->nr = nr;
	rec->cpu = bpf_get_smp_processor_id();
	rec->kind = kind;
	rec->arg = TL_ARG_NONE;
	rec->flags = 0;
	rec->len = 0;
	bpf_get_current_comm(rec->comm, sizeof(rec->comm));
}

/* Read a string or a buffer of len bytes at ptr into the record. Returns
 * false if the memory could not be read. */
static __always_inline bool tl_content(struct tl_rec *rec, __u8 arg, __u8 kind, __u64 ptr,
				       __u64 len)
{
	long n;

	if (!ptr)
		return true;   /* prints as NULL */
	rec->arg = arg;
	if (kind == TL_K_STR) {
		n = bpf_probe_read_user_str(rec->data, TL_DATA_MAX, (void *)ptr);
		if (n <= 0) {
			rec->flags = TL_F_FAULT;
			return false;
		}
		/* A full buffer means the string may go on. */
		if (n == TL_DATA_MAX)
			rec->flags = TL_F_TRUNC;
		rec->len = n - 1;
		return true;
	}
	if (len > TL_DATA_MAX) {
		len = TL_DATA_MAX;
		rec->flags = TL_F_TRUNC;
	}
	barrier();
	if (len > TL_DATA_MAX)   /* again, for the verifier */
		return true;
	if (bpf_probe_read_user(rec->data, len, (void *)ptr)) {
		rec->flags = TL_F_FAULT;
		return false;
	}
	rec->len = len;
	return true;
}

static __always_inline __u64 tl_arg(struct pt_regs *regs, int i)
{
	switch (i) {
	case 0: return regs->di;
	case 1: return regs->si;
	case 2: return regs->dx;
	case 3: return regs->r10;
	case 4: return regs->r8;
	default: return regs->r9;
	}
}

_Static_assert((TL_NR_MAX & (TL_NR_MAX - 1)) == 0, "masked indexes");

/* The mask is what the verifier needs to see the index in bounds. */
static __always_inline bool tl_wanted(__u32 nr)
{
	return !tl_filter_syscalls || (nr < TL_NR_MAX && tl_syscall_on[nr & (TL_NR_MAX - 1)]);
}

static __always_inline const struct tl_desc *tl_desc_of(__u32 nr)
{
	return nr < TL_NR_MAX ? &tl_descs[nr & (TL_NR_MAX - 1)] : NULL;
}

struct tl_call {
	__u64 args[TL_NARGS];
	__u64 ts;
	struct tl_ns ns;
	__u32 nr;
	__u32 first;          /* argument whose content is in the enter record */
};

static __always_inline __u64 tl_len(const __u64 *args, const struct tl_desc *d, __u32 i)
{
	__u8 l = d->lenarg[i];

	return d->kind[i] == TL_K_BUF_ENTER && l < TL_NARGS ? args[l & 7] : 0;
}

static __always_inline bool tl_read_at_enter(__u8 kind)
{
	return kind == TL_K_STR || kind == TL_K_BUF_ENTER;
}

static __always_inline __u32 tl_first_content(const struct tl_desc *d)
{
	for (int i = 0; i < TL_NARGS; i++)
		if (tl_read_at_enter(d->kind[i]))
			return i;
	return TL_ARG_NONE;
}

/* The contents after the first, one record each: a bpf_loop, so the
 * verifier checks one record's code, not six copies of it. */
struct tl_conts {
	struct tl_call c;
	const struct tl_desc *d;
	__u32 todo;           /* bit i: argument i's content */
	__u32 failed;         /* bit i: could not be read */
};

static long tl_cont_cb(__u64 i, void *data)
{
	struct tl_conts *l = data;
	__u32 k = i;
	struct tl_rec *rec;
	void *ring;
	__u64 seq;
	bool ok;

	if (k >= TL_NARGS)
		return 1;
	/* Keep clang from recomputing k past the check; the mask is what
	 * the verifier sees. */
	barrier_var(k);
	k &= 7;
	if (!(l->todo & (1u << k)))
		return 0;
	ring = l->c.ns.staged ? (void *)&tl_staging : bpf_map_lookup_elem(&tl_rings, &l->c.ns.key);
	if (!ring)
		return 1;
	rec = tl_claim(ring, &seq);
	if (!rec)
		return 1;
	tl_fill(rec, TL_CONT, l->c.ts, &l->c.ns, l->c.nr);
	ok = tl_content(rec, k, l->d->kind[k], l->c.args[k], tl_len(l->c.args, l->d, k));
	tl_commit(rec, seq);
	if (!ok)
		l->failed |= 1u << k;
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(ig_tl_sys_enter, struct pt_regs *regs, long id)
{
	struct tl_conts l = { .c = { .nr = id, .first = TL_ARG_NONE } };
	struct tl_call *c = &l.c;
	const struct tl_desc *d;
	struct tl_rec *rec;
	__u32 retry = 0;
	void *ring;
	__u64 seq;

	ring = tl_current_ring(&c->ns);
	if (!ring || id < 0 || !tl_wanted(c->nr) || !ig_should_trace())
		return 0;
	c->ts = bpf_ktime_get_boot_ns();
	for (int i = 0; i < TL_NARGS; i++)
		c->args[i] = tl_arg(regs, i);
	d = tl_desc_of(c->nr);
	if (d)
		c->first = tl_first_content(d);
	rec = tl_claim(ring, &seq);
	if (!rec)
		return 0;
	tl_fill(rec, TL_ENTER, c->ts, &c->ns, c->nr);
	__builtin_memcpy(rec->args, c->args, sizeof(c->args));
	if (d && c->first < TL_NARGS &&
	    !tl_content(rec, c->first, d->kind[c->first & 7], c->args[c->first & 7],
			tl_len(c->args, d, c->first & 7)))
		retry |= 1u << c->first;
	tl_commit(rec, seq);
	if (!d)
		return 0;
	if (d->nenter > 1) {
		for (int i = 0; i < TL_NARGS; i++)
			if (i != c->first && tl_read_at_enter(d->kind[i]))
				l.todo |= 1u << i;
		l.d = d;
		bpf_loop(TL_NARGS, tl_cont_cb, &l, 0);
		retry |= l.failed;
	}
	if (d->exit_arg < TL_NARGS || retry) {
		__u32 tid = (__u32)bpf_get_current_pid_tgid();
		struct tl_inflight f = { .nr = c->nr, .retry = retry };

		__builtin_memcpy(f.args, c->args, sizeof(c->args));
		bpf_map_update_elem(&tl_inflight, &tid, &f, BPF_ANY);
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ig_tl_sys_exit, struct pt_regs *regs, long ret)
{
	struct tl_conts l = { 0 };
	struct tl_call *c = &l.c;
	long orig = regs->orig_ax;
	struct tl_inflight *f = NULL;
	const struct tl_desc *d;
	struct tl_rec *rec;
	void *ring;
	__u32 tid;
	__u64 seq;

	c->nr = orig;
	ring = tl_current_ring(&c->ns);
	if (!ring || orig < 0 || !tl_wanted(c->nr) || !ig_should_trace())
		return 0;
	c->ts = bpf_ktime_get_boot_ns();
	tid = (__u32)bpf_get_current_pid_tgid();
	d = tl_desc_of(c->nr);
	/* Only calls with contents have something in flight. */
	if (d && (d->exit_arg < TL_NARGS || d->nenter))
		f = bpf_map_lookup_elem(&tl_inflight, &tid);
	if (f && f->nr == c->nr && f->retry) {
		/* Same time as the exit record, sorted before it by kind. */
		__builtin_memcpy(c->args, f->args, sizeof(c->args));
		l.todo = f->retry;
		l.d = d;
		bpf_loop(TL_NARGS, tl_cont_cb, &l, 0);
	}
	rec = tl_claim(ring, &seq);
	if (rec) {
		tl_fill(rec, TL_EXIT, c->ts, &c->ns, c->nr);
		rec->args[0] = ret;
		if (f && f->nr == c->nr && d->exit_arg < TL_NARGS && ret > 0)
			tl_content(rec, d->exit_arg, TL_K_BUF_EXIT, f->args[d->exit_arg & 7], ret);
		tl_commit(rec, seq);
	}
	if (f)
		bpf_map_delete_elem(&tl_inflight, &tid);
	return 0;
}
