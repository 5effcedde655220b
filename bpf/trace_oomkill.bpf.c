// SPDX-License-Identifier: GPL-2.0
/*
 * trace_oomkill: the OOM killer's victims, from oom:mark_victim. The
 * tracepoint's fields differ by kernel: 6.1 has only the victim's pid;
 * newer ones add its comm, its memory (total_vm, anon/file/shmem rss, in
 * kB), uid and more. Each is read where CO-RE finds it in the kernel's
 * trace_event_raw_mark_victim.
 *
 * For kernels without them: the killer sends the victim SIGKILL
 * (SEND_SIG_PRIV) just before it marks it, from the same task, so a
 * tp_btf program on signal:signal_generate remembers that task's comm, uid,
 * mount namespace and resident pages, per killer thread, and mark_victim
 * takes them when the pid matches. The victim's mount namespace comes from
 * there on every kernel.
 */
#include "common.bpf.h"
#include "trace_oomkill.h"

#define SIGKILL 9
#define SEND_SIG_PRIV ((struct kernel_siginfo *)1)
#define MM_FILEPAGES  0
#define MM_ANONPAGES  1
#define MM_SHMEMPAGES 3

struct oom_victim {
	__u32 pid;        /* task pid (mark_victim's "pid") */
	__u32 tgid;
	__u32 uid;
	__u32 _pad;
	__u64 pages;
	__u64 mntns_id;
	__u64 mntns_key;
	char comm[IG_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);      /* the killer's tid */
	__type(value, struct oom_victim);
} oom_victims SEC(".maps");

/* Before 6.2 the rss counters were atomics in struct mm_rss_stat; since,
 * percpu counters (their approximate total). */
struct mm_rss_stat___old {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___old {
	struct mm_rss_stat___old rss_stat;
} __attribute__((preserve_access_index));

struct mm_struct___new {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

static __always_inline __u64 rss_of(struct mm_struct *mm, int i)
{
	if (bpf_core_type_exists(struct mm_rss_stat___old)) {
		struct mm_struct___old *o = (void *)mm;

		return BPF_CORE_READ(o, rss_stat.count[i].counter);
	}
	return BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[i].count);
}

static __always_inline __u64 rss_pages(struct task_struct *t)
{
	struct mm_struct *mm = BPF_CORE_READ(t, mm);
	__s64 n;

	if (!mm)
		return 0;
	n = rss_of(mm, MM_FILEPAGES) + rss_of(mm, MM_ANONPAGES) + rss_of(mm, MM_SHMEMPAGES);
	return n > 0 ? n : 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(ig_oom_signal, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct oom_victim v = {};
	struct mnt_namespace *ns;

	if (sig != SIGKILL || info != SEND_SIG_PRIV || !task)
		return 0;
	/* Direct loads through the trusted task (ig_mntns_key wants a BTF
	 * pointer); a fault reads as 0. */
	v.pid = task->pid;
	v.tgid = task->tgid;
	v.uid = task->real_cred->uid.val;
	v.pages = rss_pages(task);
	ns = task->nsproxy->mnt_ns;
	if (ns) {
		v.mntns_id = ns->ns.inum;
		v.mntns_key = ig_mntns_key(ns);
	}
	BPF_CORE_READ_STR_INTO(&v.comm, task, comm);
	bpf_map_update_elem(&oom_victims, &tid, &v, BPF_ANY);
	return 0;
}

/* The common filters: pid, uid, comm select the killer; the mount
 * namespace (containers, --host) the victim's. */
static __always_inline bool oom_wanted(__u64 mntns_key)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();
	__u8 *verdict;

	if (ig_cfg.targ_pid && (pid_tgid >> 32) != ig_cfg.targ_pid)
		return false;
	if (ig_cfg.targ_tid && (__u32)pid_tgid != ig_cfg.targ_tid)
		return false;
	if (ig_cfg.filter_uid && (__u32)uid_gid != ig_cfg.targ_uid)
		return false;
	if (ig_cfg.filter_gid && (uid_gid >> 32) != ig_cfg.targ_gid)
		return false;
	if (ig_cfg.filter_comm && !ig_comm_matches())
		return false;
	if (!ig_cfg.filter_mntns)
		return true;
	verdict = bpf_map_lookup_elem(&ig_mntns, &mntns_key);
	return !verdict || *verdict == IG_MNTNS_ALLOW;
}

/* What this kernel's mark_victim carries beyond the pid. */
static __always_inline void from_tracepoint(struct trace_event_raw_mark_victim *ctx,
					    struct oomkill_event *e)
{
	if (bpf_core_field_exists(ctx->__data_loc_comm)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		if (bpf_probe_read_kernel_str(e->tcomm, sizeof(e->tcomm),
					      (void *)ctx + (loc & 0xffff)) > 0)
			e->flags |= OOM_HAS_TCOMM;
	}
	if (bpf_core_field_exists(ctx->anon_rss)) {
		/* kB, as the kernel's log line says them */
		__u64 kb = BPF_CORE_READ(ctx, anon_rss) + BPF_CORE_READ(ctx, file_rss) +
			   BPF_CORE_READ(ctx, shmem_rss);

		e->pages = kb / 4;   /* x86_64's 4 KiB pages */
		e->flags |= OOM_HAS_PAGES;
	}
	if (bpf_core_field_exists(ctx->uid)) {
		e->tuid = BPF_CORE_READ(ctx, uid);
		e->flags |= OOM_HAS_TUID;
	}
}

SEC("tracepoint/oom/mark_victim")
int ig_oom_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct oom_victim *v = bpf_map_lookup_elem(&oom_victims, &tid);
	__u32 pid = BPF_CORE_READ(ctx, pid);
	struct oomkill_event *e;
	__u64 key;

	if (v && v->pid != pid)
		v = NULL;
	key = v ? v->mntns_key : ig_current_mntns_key();
	if (!oom_wanted(key))
		goto out;
	e = ig_reserve(sizeof(*e));
	if (!e)
		goto out;
	ig_fill_proc(&e->proc);
	e->tpid = pid;
	e->tuid = 0;
	e->pages = 0;
	e->flags = 0;
	__builtin_memset(e->tcomm, 0, sizeof(e->tcomm));
	from_tracepoint(ctx, e);
	if (v) {
		e->tpid = v->tgid;
		e->proc.mntns_id = v->mntns_id;
		e->proc.mntns_key = v->mntns_key;
		e->flags |= OOM_VICTIM_NS;
		if (!(e->flags & OOM_HAS_TCOMM))
			__builtin_memcpy(e->tcomm, v->comm, sizeof(e->tcomm));
		if (!(e->flags & OOM_HAS_PAGES))
			e->pages = v->pages;
		if (!(e->flags & OOM_HAS_TUID))
			e->tuid = v->uid;
		e->flags |= OOM_HAS_TCOMM | OOM_HAS_PAGES | OOM_HAS_TUID;
	} else if (pid == (__u32)bpf_get_current_pid_tgid()) {
		/* The killer chose itself (an exiting task, marked without a
		 * signal). */
		e->tpid = e->proc.pid;
		__builtin_memcpy(e->tcomm, e->proc.comm, sizeof(e->tcomm));
		e->tuid = e->proc.uid;
		e->flags |= OOM_HAS_TCOMM | OOM_HAS_TUID;
	}
	ig_submit(e);
out:
	if (v)
		bpf_map_delete_elem(&oom_victims, &tid);
	return 0;
}
