// SPDX-License-Identifier: GPL-2.0
/*
 * trace_open: open, openat and openat2 on their syscall-exit tracepoints.
 * One program per call: the arguments are read back from the registers the
 * kernel saved at entry (bpf_task_pt_regs), so there is no entry program
 * and no map of calls in flight, which halves the cost per open. The file
 * name is read at exit too (the kernel just touched its page); then
 * --failed and --prefixes apply, --paths adds the full path, and the event
 * is reported.
 */
#include "common.bpf.h"
#include "trace_open.h"

#define AT_FDCWD        -100
#define RESOLVE_IN_ROOT 0x10   /* openat2: an absolute name is relative to dirfd */

const volatile bool failed_only = false;
const volatile bool use_prefixes = false;
const volatile bool want_paths = false;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, OPEN_PREFIX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct open_prefix_key);
	__type(value, __u8);
} open_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_prefix_key);
} open_key_heap SEC(".maps");

/* The record is built here and copied out at its real length. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} open_heap SEC(".maps");

/* --paths: a path is composed here, then copied into the record. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_path_walk);
} open_path_heap SEC(".maps");

static __always_inline bool prefix_matches(const struct open_event *e)
{
	__u32 zero = 0;
	struct open_prefix_key *key = bpf_map_lookup_elem(&open_key_heap, &zero);

	if (!key || e->fname_len < 1)
		return false;
	key->prefixlen = (e->fname_len - 1) * 8;
	__builtin_memcpy(key->path, e->fname, OPEN_FNAME_MAX);
	return bpf_map_lookup_elem(&open_prefixes, key) != NULL;
}

/* The call's arguments, from the user registers the kernel saved at entry
 * and restores at exit: nothing in open's path changes them. */
struct open_args {
	const char *fname;
	__u32 flags;
	__u32 mode;
	int dirfd;             /* AT_FDCWD for open() */
	bool in_root;          /* openat2 with RESOLVE_IN_ROOT */
};

/*
 * --paths: fill the fpath part of the record and return its bytes. A file
 * opened: its own path, from the new fd (symlinks resolved, as the kernel
 * opened it). A failed open of a relative name: the directory it was
 * resolved from, which user space joins with fname. An absolute name that
 * failed needs nothing more: it is the path that was tried.
 */
static __always_inline __u32 read_fpath(struct open_event *e, long ret,
					const struct open_args *a)
{
	struct task_struct *task = ig_current_task();
	__u32 zero = 0, fl = 0, len;
	struct ig_path_walk *w;
	struct file *f = NULL;
	struct path path;
	char c = 0;

	e->fpath_len = 0;
	/* A full buffer is a cut name unless the next byte ends it. */
	if (e->fname_len == OPEN_FNAME_MAX &&
	    (bpf_probe_read_user(&c, 1, a->fname + OPEN_FNAME_MAX - 1) || c))
		fl |= OPEN_FP_FNAME_CUT;
	w = bpf_map_lookup_elem(&open_path_heap, &zero);
	if (!w)
		goto out;
	if (ret >= 0)
		f = ig_fd_file(ret);
	if (f) {
		fl |= OPEN_FP_FILE;
	} else if (e->fname_len <= 1 || (e->fname[0] == '/' && !a->in_root)) {
		goto out;
	} else if (a->dirfd == AT_FDCWD) {
		path.mnt = task->fs->pwd.mnt;
		path.dentry = task->fs->pwd.dentry;
		fl |= OPEN_FP_DIR;
	} else {
		f = ig_fd_file(a->dirfd);
		if (!f)
			goto out;   /* a bad dirfd: no directory to name */
		fl |= OPEN_FP_DIR;
	}
	if (f) {
		path.mnt = IG_FILE_READ(f, f_path.mnt);
		path.dentry = IG_FILE_READ(f, f_path.dentry);
	}
	if (ig_read_path(&path, OPEN_PATH_MAX, w) < 0) {
		if (w->cut_top)
			fl |= OPEN_FP_CUT_TOP;
		if (w->cut_end)
			fl |= OPEN_FP_CUT_END;
	}
	len = w->off;
	if (len > OPEN_PATH_MAX - 1)   /* ig_read_path keeps it below; for the verifier */
		len = OPEN_PATH_MAX - 1;
	if (bpf_probe_read_kernel(e->fpath, len + 1, w->buf))
		goto out;
	e->fpath_len = len + 1;
out:
	e->fpath_flags = fl;
	return e->fpath_len;
}

static __always_inline struct pt_regs *open_regs(void)
{
	return (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
}

static __always_inline int open_exit(long ret, const struct open_args *a)
{
	struct open_event *e;
	__u32 zero = 0;
	long n;

	if (failed_only && ret >= 0)
		return 0;
	if (!ig_should_trace())
		return 0;
	e = bpf_map_lookup_elem(&open_heap, &zero);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->ret = ret;
	e->flags = a->flags;
	e->mode = a->mode;
	n = bpf_probe_read_user_str(e->fname, sizeof(e->fname), a->fname);
	if (n <= 0 || n > OPEN_FNAME_MAX) {   /* the bound is for the verifier */
		e->fname[0] = 0;
		n = 1;
	}
	e->fname_len = n;
	if (use_prefixes && !prefix_matches(e))
		return 0;
	if (want_paths) {
		__u32 len = read_fpath(e, ret, a);

		if (len > OPEN_PATH_MAX)   /* for the verifier */
			len = OPEN_PATH_MAX;
		ig_output(e, OPEN_EVENT_PATHS_SIZE + len);
		return 0;
	}
	ig_output(e, OPEN_EVENT_HDR_SIZE + n);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int ig_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = open_regs();
	struct open_args a = {
		.fname = (const char *)PT_REGS_PARM1_SYSCALL(regs),
		.flags = PT_REGS_PARM2_SYSCALL(regs),
		.mode = PT_REGS_PARM3_SYSCALL(regs),
		.dirfd = AT_FDCWD,
	};

	return open_exit(ctx->ret, &a);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int ig_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = open_regs();
	struct open_args a = {
		.fname = (const char *)PT_REGS_PARM2_SYSCALL(regs),
		.flags = PT_REGS_PARM3_SYSCALL(regs),
		.mode = PT_REGS_PARM4_SYSCALL(regs),
		.dirfd = PT_REGS_PARM1_SYSCALL(regs),
	};

	return open_exit(ctx->ret, &a);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int ig_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	struct pt_regs *regs = open_regs();
	struct open_how how = {};
	struct open_args a = {
		.fname = (const char *)PT_REGS_PARM2_SYSCALL(regs),
		.dirfd = PT_REGS_PARM1_SYSCALL(regs),
	};

	/* The kernel copied `how` from here at entry: it is resident. */
	bpf_probe_read_user(&how, sizeof(how), (void *)PT_REGS_PARM3_SYSCALL(regs));
	a.flags = how.flags;
	a.mode = how.mode;
	a.in_root = how.resolve & RESOLVE_IN_ROOT;
	return open_exit(ctx->ret, &a);
}
