/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every gadget shares in the kernel: process identity, the in-kernel
 * filters (pid/tid/uid/gid/comm and the mount-namespace classification map),
 * and the ring buffer with its lost-event counter and adaptive wakeups.
 * Included once per gadget object; user space configures it through the
 * the typed ig_cfg (include/ig_config.h) and the ig_ maps (src/skel.h).
 */
#ifndef IG_COMMON_BPF_H
#define IG_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "ig_config.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load (include/ig_config.h, src/bpf_common.c).
 * Adaptive wakeup (wakeup_ns, wakeup_bytes): an event after a quiet spell
 * wakes the reader at once; a steady stream is read every 20 ms, which at
 * 1k events/s halves the reader's CPU against 5 ms (docs/performance.md);
 * one that no wakeup follows waits for the reader's poll timeout. */
const volatile struct ig_config ig_cfg = {
	.wakeup_ns = IG_WAKEUP_NS_DEFAULT,
	.wakeup_bytes = IG_WAKEUP_BYTES_DEFAULT,
};

__u64 ig_lost = 0;          /* ring-buffer reserve failures */
__u64 ig_last_wakeup = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	/* 2 MiB: at 300k events/s, ~20 ms of headroom after a wakeup; user
	 * space maps it twice, so it counts 4 MiB of RSS. --ring-size resizes. */
	__uint(max_entries, 1 << 21);
} ig_events SEC(".maps");

/* Filled by user space only: not preallocated, so creating it at start does
 * not populate 16k elements (~3 ms here); BPF only looks up. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u8);
} ig_mntns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct ig_mntns_hint);
} ig_mntns_hints SEC(".maps");

/* Linux 6.8-6.17 kept the unique id in mnt_namespace->seq. */
struct mnt_namespace___igseq {
	__u64 seq;
} __attribute__((preserve_access_index));

/* Fast paths of newer kernels: ig_cfg.kf_rdonly_cast and kf_void_cast,
 * set by user space after probing the running kernel (src/kfeature.c); the
 * verifier prunes the branch not taken, so the weak kfunc may be missing
 * where its switch is off. */

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/*
 * The current task for reading through BTF pointers: direct loads, not a
 * probe-read helper call per hop, and a fault (a NULL nsproxy of an
 * exiting task) reads as 0. Cast to untrusted: the verifier then does not
 * look up each walked field's type by name in the kernel's BTF to see if
 * it stays trusted (btf_nested_type_is_trusted, a scan of ~100k types per
 * load it checks), which was most of the programs' load time.
 */
static __always_inline struct task_struct *ig_current_task(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (ig_cfg.kf_rdonly_cast)
		return bpf_rdonly_cast(task, bpf_core_type_id_kernel(struct task_struct));
	return task;   /* before 6.2: walked as trusted, just slower to load */
}

/* The current mount namespace: this runs for every traced syscall. */
static __always_inline struct mnt_namespace *ig_current_mnt_ns(void)
{
	return ig_current_task()->nsproxy->mnt_ns;
}

/* The key of ig_mntns and of user space's container table. */
static __always_inline __u64 ig_mntns_key(struct mnt_namespace *ns)
{
	if (ig_cfg.mntns_by_id) {
		if (bpf_core_field_exists(ns->ns.ns_id))
			return ns->ns.ns_id;
		if (bpf_core_field_exists(((struct mnt_namespace___igseq *)ns)->seq))
			return ((struct mnt_namespace___igseq *)ns)->seq;
	}
	return ns->ns.inum;
}

static __always_inline __u64 ig_current_mntns_key(void)
{
	return ig_mntns_key(ig_current_mnt_ns());
}

static __always_inline bool ig_comm_matches(void)
{
	char comm[IG_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < IG_COMM_LEN; i++) {
		if (comm[i] != ig_cfg.targ_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* The process filters (--pid, --tid, --uid, --gid, --comm) alone. Network
 * gadgets stop here: they name containers by network namespace too, which
 * user space decides (a host process in a container's netns is shown with
 * -c), so they leave the mount-namespace filter to it. */
static __always_inline bool ig_ids_match(void)
{
	/* The helper call only where --pid or --tid asks for it: the verifier
	 * drops the branch not taken (ig_cfg is read-only), the call with it. */
	if (ig_cfg.targ_pid || ig_cfg.targ_tid) {
		__u64 pid_tgid = bpf_get_current_pid_tgid();

		if (ig_cfg.targ_pid && (pid_tgid >> 32) != ig_cfg.targ_pid)
			return false;
		if (ig_cfg.targ_tid && (__u32)pid_tgid != ig_cfg.targ_tid)
			return false;
	}
	if (ig_cfg.filter_uid || ig_cfg.filter_gid) {
		__u64 uid_gid = bpf_get_current_uid_gid();

		if (ig_cfg.filter_uid && (__u32)uid_gid != ig_cfg.targ_uid)
			return false;
		if (ig_cfg.filter_gid && (uid_gid >> 32) != ig_cfg.targ_gid)
			return false;
	}
	if (ig_cfg.filter_comm && !ig_comm_matches())
		return false;
	return true;
}

/* The mount-namespace filter alone, for a key the caller has: allowed, or
 * not classified yet (see ig_config.h). */
static __always_inline bool ig_mntns_allowed(__u64 key)
{
	__u8 *verdict;

	if (!ig_cfg.filter_mntns)
		return true;
	verdict = bpf_map_lookup_elem(&ig_mntns, &key);
	return !verdict || *verdict == IG_MNTNS_ALLOW;
}

/* Cheapest checks first: ids come from helpers, the mntns needs reads. */
static __always_inline bool ig_should_trace(void)
{
	if (!ig_ids_match())
		return false;
	return !ig_cfg.filter_mntns || ig_mntns_allowed(ig_current_mntns_key());
}

static __always_inline void ig_fill_proc(struct ig_proc *p)
{
	struct task_struct *task = ig_current_task();
	struct task_struct *parent = task->real_parent;
	struct mnt_namespace *mnt_ns = task->nsproxy->mnt_ns;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u64 uid_gid = bpf_get_current_uid_gid();

	p->timestamp = bpf_ktime_get_boot_ns();
	p->pid = pid_tgid >> 32;
	p->tid = (__u32)pid_tgid;
	p->uid = (__u32)uid_gid;
	p->gid = uid_gid >> 32;
	p->ppid = parent->tgid;
	p->mntns_id = mnt_ns->ns.inum;
	p->mntns_key = ig_mntns_key(mnt_ns);
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	/* Two 8-byte loads; the kernel keeps comm NUL-terminated. */
	__builtin_memcpy(p->pcomm, parent->comm, sizeof(p->pcomm));
}

/* ig_fill_proc for a task that is not the current one (an iterator's):
 * its start time as the timestamp. A zombie has no nsproxy: mntns 0. */
static __always_inline void ig_fill_proc_of(struct task_struct *task, struct ig_proc *p)
{
	struct task_struct *parent = task->real_parent;
	const struct cred *cred = task->real_cred;
	struct mnt_namespace *mnt_ns = task->nsproxy ? task->nsproxy->mnt_ns : NULL;

	p->timestamp = task->start_boottime;
	p->pid = task->tgid;
	p->tid = task->pid;
	p->ppid = parent ? parent->tgid : 0;
	p->uid = cred ? cred->uid.val : 0;
	p->gid = cred ? cred->gid.val : 0;
	p->mntns_id = mnt_ns ? mnt_ns->ns.inum : 0;
	p->mntns_key = mnt_ns ? ig_mntns_key(mnt_ns) : 0;
	bpf_probe_read_kernel(p->comm, sizeof(p->comm), task->comm);
	if (parent)
		bpf_probe_read_kernel(p->pcomm, sizeof(p->pcomm), parent->comm);
	else
		p->pcomm[0] = 0;
}

/* Leave user space the cgroup names of a namespace it does not know yet,
 * as of now: on kernels that key namespaces by inode number (before 6.8) a
 * new namespace soon gets the number of one just freed, whose hint (another
 * container's cgroups, another time) must not stand for it. */
static __always_inline void ig_note_cgroups(__u64 key)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct ig_mntns_hint hint;
	struct kernfs_node *kn;

	kn = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn);
	if (bpf_probe_read_kernel_str(hint.dfl, sizeof(hint.dfl), BPF_CORE_READ(kn, name)) < 0)
		hint.dfl[0] = 0;
	hint.pids[0] = 0;
	if (bpf_core_enum_value_exists(enum cgroup_subsys_id, pids_cgrp_id)) {
		int id = bpf_core_enum_value(enum cgroup_subsys_id, pids_cgrp_id);

		kn = BPF_CORE_READ(task, cgroups, subsys[id], cgroup, kn);
		if (bpf_probe_read_kernel_str(hint.pids, sizeof(hint.pids), BPF_CORE_READ(kn, name)) < 0)
			hint.pids[0] = 0;
	}
	hint.seen_boot_ns = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&ig_mntns_hints, &key, &hint, BPF_ANY);
}

/* The mount namespace each CPU last found classified, and when. A match
 * spares the batching path the key's reads and the map lookup. It holds
 * for one wakeup period only, so a namespace user space forgets, or a new
 * one allocated where a freed one was, still wakes the reader within that. */
struct ig_seen_mntns {
	__u64 ns;          /* struct mnt_namespace address */
	__u64 at;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_seen_mntns);
} ig_seen_mntns SEC(".maps");

/* An event from a mount namespace user space has not classified yet may be
 * a new container's: wake the reader now, so it can name the container while
 * the process still lives (a short-lived one is gone within milliseconds),
 * and leave its cgroup names for when it is already gone. */
static __always_inline bool ig_mntns_unknown(__u64 now)
{
	struct mnt_namespace *mnt_ns = ig_current_mnt_ns();
	__u64 ns = (__u64)mnt_ns, mntns;
	__u32 zero = 0;
	struct ig_seen_mntns *seen = bpf_map_lookup_elem(&ig_seen_mntns, &zero);

	if (seen && seen->ns == ns && now - seen->at < ig_cfg.wakeup_ns)
		return false;
	mntns = ig_mntns_key(mnt_ns);
	if (bpf_map_lookup_elem(&ig_mntns, &mntns)) {
		if (seen) {
			seen->ns = ns;
			seen->at = now;
		}
		return false;
	}
	ig_note_cgroups(mntns);
	return true;
}

/* Wake the reader at low rates (per event) and batch at high rates: the
 * per-event wakeup, not BPF, is what tracing overhead is made of. */
static __always_inline __u64 ig_wakeup_flags(void)
{
	__u64 now = bpf_ktime_get_boot_ns();

	/* The namespace check goes first: it also leaves the cgroup hint. */
	if (ig_mntns_unknown(now) || now - ig_last_wakeup >= ig_cfg.wakeup_ns ||
	    bpf_ringbuf_query(&ig_events, BPF_RB_AVAIL_DATA) >= ig_cfg.wakeup_bytes) {
		ig_last_wakeup = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void *ig_reserve(__u64 size)
{
	void *rec = bpf_ringbuf_reserve(&ig_events, size, 0);

	if (!rec)
		__sync_fetch_and_add(&ig_lost, 1);
	return rec;
}

static __always_inline void ig_submit(void *rec)
{
	bpf_ringbuf_submit(rec, ig_wakeup_flags());
}

/* Copy a variable-sized record (already bounded by the caller). */
static __always_inline void ig_output(void *data, __u64 size)
{
	if (bpf_ringbuf_output(&ig_events, data, size, ig_wakeup_flags()))
		__sync_fetch_and_add(&ig_lost, 1);
}

/*
 * The file behind fd in the current task, or NULL (kernel thread, bad fd).
 * No helper calls where the kernel allows: loads through BTF pointers are
 * single instructions whose faults read as 0. With a bpf_probe_read_kernel
 * per step ttysnoop's check cost ~250 ns per write; now ~35 ns
 * (bench/write_loop.c). The fd array holds plain pointers, which BTF cannot
 * type: it is cast to untrusted read-only memory where the kernel has the
 * void cast, else the one slot is probe-read. The file pointer is then cast
 * back to a struct file (6.2+); before that it stays a plain address, whose
 * fields IG_FILE_READ reads.
 */
static __always_inline struct file *ig_fd_file(__u32 fd)
{
	struct task_struct *task = ig_current_task();
	struct fdtable *fdt = task->files->fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd >= fdt->max_fds)
		return NULL;
	if (ig_cfg.kf_void_cast) {
		fds = bpf_rdonly_cast(fdt->fd, 0);
		f = fds[fd];
	} else {
		fds = fdt->fd;
		bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
	}
	if (ig_cfg.kf_rdonly_cast)
		return bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));
	return f;
}

/* A field of ig_fd_file's file (IG_FILE_READ(f, f_inode, i_mode)): a
 * direct load where that is typed, a probe read before 6.2. */
#define IG_FILE_READ(f, ...) \
	(ig_cfg.kf_rdonly_cast ? ___arrow(f, __VA_ARGS__) : BPF_CORE_READ(f, __VA_ARGS__))

#define IG_PATH_DEPTH 32
#define IG_NAME_MAX   256

struct ig_path_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	const unsigned char *names[IG_PATH_DEPTH];
	__u32 depth;
	/* writing */
	__u32 size;
	__u32 off;
	bool cut_top;   /* deeper than IG_PATH_DEPTH: the top components are missing */
	bool cut_end;   /* longer than size: the end is missing */
	char buf[4096 + IG_NAME_MAX];   /* slack for the verifier */
};

/* bpf_loop's context must be on the stack; the walk itself is in map
 * memory so the verifier does not track each step's values precisely. */
struct ig_path_ctx {
	struct ig_path_walk *w;
};

/* One step up the tree: a dentry, or a mount crossing. */
static long ig_path_up(__u64 i, void *data)
{
	struct ig_path_walk *w = ((struct ig_path_ctx *)data)->w;
	/* Plain locals: CO-RE must relocate kernel types, not our walk state. */
	struct dentry *dentry = w->dentry;
	struct vfsmount *vfsmnt = w->vfsmnt;
	struct mount *mnt = w->mnt;
	struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
	struct dentry *parent = BPF_CORE_READ(dentry, d_parent);

	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent = BPF_CORE_READ(mnt, mnt_parent);

		if (dentry != mnt_root || mnt == mnt_parent) {
			w->cut_top = false;   /* the real root */
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		w->vfsmnt = &mnt_parent->mnt;
		return 0;
	}
	if (w->depth >= IG_PATH_DEPTH)
		return 1;   /* cut_top stays set */
	w->names[w->depth & (IG_PATH_DEPTH - 1)] = BPF_CORE_READ(dentry, d_name.name);
	w->depth++;
	w->dentry = parent;
	return 0;
}

/* Write one component, from the root down. */
static long ig_path_put(__u64 i, void *data)
{
	struct ig_path_walk *w = ((struct ig_path_ctx *)data)->w;
	__u32 k = w->depth - 1 - i, off = w->off;
	long n;

	if (i >= w->depth)
		return 1;
	if (off > w->size - 2 || w->size > 4096) {
		w->cut_end = true;
		return 1;
	}
	w->buf[off & 4095] = '/';
	off++;
	n = bpf_probe_read_kernel_str(w->buf + (off & 4095), IG_NAME_MAX,
				      w->names[k & (IG_PATH_DEPTH - 1)]);
	if (n > 0)
		off += n - 1;
	w->off = off;
	return 0;
}

/*
 * Write the absolute path of `path` into w->buf, at most size bytes (a power
 * of two, at most 4096); w lives in map memory. Walks up to IG_PATH_DEPTH
 * components, crossing mounts. Returns the length, or -1 if the path was
 * deeper or longer than size (then it is cut: w->cut_top and w->cut_end say
 * at which end; the length is then w->off).
 */
static __always_inline int ig_read_path(const struct path *path, __u32 size,
					struct ig_path_walk *w)
{
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	struct ig_path_ctx ctx = { .w = w };

	w->dentry = BPF_CORE_READ(path, dentry);
	w->vfsmnt = vfsmnt;
	w->mnt = container_of(vfsmnt, struct mount, mnt);
	w->depth = 0;
	w->size = size;
	w->off = 0;
	w->cut_top = true;    /* until the walk reaches the root */
	w->cut_end = false;
	bpf_loop(IG_PATH_DEPTH * 2, ig_path_up, &ctx, 0);
	if (!w->depth) {
		w->buf[0] = '/';
		w->buf[1] = 0;
		w->off = 1;
		return w->cut_top ? -1 : 1;
	}
	bpf_loop(IG_PATH_DEPTH, ig_path_put, &ctx, 0);
	if (w->off >= size) {
		w->off = size - 1;
		w->cut_end = true;
	}
	w->buf[w->off & 4095] = 0;
	return w->cut_top || w->cut_end ? -1 : (int)w->off;
}

#endif
