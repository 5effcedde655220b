// SPDX-License-Identifier: GPL-2.0
/*
 * trace_exec: execve/execveat at their syscall exit tracepoints: one program
 * per exec, no entry program and no map of calls in flight. A successful
 * exec reads argv from the new mm (arg_start..arg_end) in one copy: the
 * block the kernel itself copied, so it is the argv the program really got.
 * A failed exec still has the old mm; its argv pointer is in the user
 * registers the kernel saved at syscall entry (bpf_task_pt_regs).
 *
 * A successful execveat reaches sys_exit_execve's tracepoint, not its own
 * (seen on 6.18): its entry leaves a mark, keyed by tgid (a non-leader
 * thread that execs takes the leader's pid, the tgid stays), that the exit
 * takes back. Only execveat pays for it: execve's exit looks in the map
 * only while an execveat is in flight (execveat_in_flight; one that never
 * returns, killed mid-exec, leaves it high: the lookups then just happen).
 */
#include "common.bpf.h"
#include "trace_exec.h"

const volatile bool ignore_failed = true;
const volatile bool want_paths = false;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} exec_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);   /* execveats in flight; an LRU populates at start */
	__type(key, __u32);
	__type(value, __u8);
} execveat_marks SEC(".maps");

__u64 execveat_in_flight = 0;

/* A path is composed here, then copied into the event. */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_path_walk);
} exec_path_heap SEC(".maps");

/* Where argv goes in the record: after the paths when there are any. */
static __always_inline char *exec_args(struct exec_event *e)
{
	return e->tail + (want_paths ? EXEC_PATHS_SIZE : 0);
}

/* Where the new image's argv lies (the block the kernel copied, NUL
 * separated): two loads through the task's BTF pointers. Its size, cut at
 * EXEC_ARGS_MAX (then *truncated), is known before the record is reserved. */
static __always_inline __u64 new_argv(__u64 *start, __u32 *truncated)
{
	struct mm_struct *mm = ig_current_task()->mm;
	__u64 end = mm->arg_end;

	*start = mm->arg_start;
	*truncated = 0;
	if (end <= *start)
		return 0;
	if (end - *start > EXEC_ARGS_MAX) {
		*truncated = EXEC_F_ARGS_TRUNCATED;
		return EXEC_ARGS_MAX;
	}
	return end - *start;
}

/*
 * A successful exec's record, reserved in the ring and filled in place: no
 * per-CPU buffer, no second copy (bpf_ringbuf_output's memcpy of the whole
 * record was ~1 us of ~3 here). bpf_ringbuf_reserve takes a size the
 * verifier knows, so argv's room is one of a few fixed sizes, the smallest
 * that holds it; the slack after argv is not sent as argv (args_size says
 * where it ends) and is stale ring memory. Each size is its own verifier
 * path through the rest (five, each small).
 */
static __always_inline struct exec_event *exec_reserve(__u64 args)
{
	__u64 base = offsetof(struct exec_event, tail) + (want_paths ? EXEC_PATHS_SIZE : 0);

	if (args <= 128)
		return ig_reserve(base + 128);
	if (args <= 512)
		return ig_reserve(base + 512);
	if (args <= 2048)
		return ig_reserve(base + 2048);
	if (args <= 4096)
		return ig_reserve(base + 4096);
	return ig_reserve(base + EXEC_ARGS_MAX);
}

#define EXEC_ARG_CHUNK 256

/* The running offset lives in e->args_size (map memory), not on the stack,
 * so the verifier sees an unknown bounded scalar and the loop converges. */
struct argv_walk {
	struct exec_event *e;
	const char *const *argv;
};

/* One argv entry per bpf_loop step: the verifier checks the body once. */
static long read_one_arg(__u64 i, void *data)
{
	struct argv_walk *w = data;
	struct exec_event *e = w->e;
	const char *arg = NULL;
	__u32 off = e->args_size;
	long n;

	if (bpf_probe_read_user(&arg, sizeof(arg), &w->argv[i]) || !arg)
		return 1;
	if (off > EXEC_ARGS_MAX - EXEC_ARG_CHUNK) {
		e->flags |= EXEC_F_ARGS_TRUNCATED;
		return 1;
	}
	n = bpf_probe_read_user_str(exec_args(e) + off, EXEC_ARG_CHUNK, arg);
	if (n <= 0)
		return 1;
	if (n == EXEC_ARG_CHUNK)
		e->flags |= EXEC_F_ARGS_TRUNCATED;   /* may have been longer */
	e->args_size = off + n;
	return 0;
}

/* argv of a failed exec, through the caller's own pointers. */
static __always_inline void read_old_argv(struct exec_event *e, const char *const *argv)
{
	struct argv_walk w = { .e = e, .argv = argv };

	e->args_size = 0;
	bpf_loop(EXEC_MAX_ARGS, read_one_arg, &w, 0);
}

static __always_inline void copy_path(char *dst, const struct path *path, __u32 cut_end_flag,
				      __u32 cut_top_flag, struct exec_event *e)
{
	__u32 zero = 0;
	struct ig_path_walk *s = bpf_map_lookup_elem(&exec_path_heap, &zero);

	if (!s)
		return;
	if (ig_read_path(path, EXEC_PATH_MAX, s) < 0) {
		if (s->cut_end)
			e->flags |= cut_end_flag;
		if (s->cut_top)
			e->flags |= cut_top_flag;
	}
	bpf_probe_read_kernel(dst, EXEC_PATH_MAX, s->buf);
	dst[EXEC_PATH_MAX - 1] = 0;
}

static __always_inline void read_paths(struct exec_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct path pwd = BPF_CORE_READ(task, fs, pwd);
	struct path exe = BPF_CORE_READ(task, mm, exe_file, f_path);

	copy_path(e->tail, &pwd, EXEC_F_CWD_TRUNCATED, EXEC_F_CWD_CUT_TOP, e);
	copy_path(e->tail + EXEC_PATH_MAX, &exe, EXEC_F_EXE_TRUNCATED, EXEC_F_EXE_CUT_TOP, e);
	e->flags |= EXEC_F_PATHS;
}

/* The argv pointer a failed exec was called with (its 2nd or 3rd argument). */
static __always_inline const char *const *failed_argv(__u32 flags)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

	if (flags & EXEC_F_EXECVEAT)
		return (const char *const *)PT_REGS_PARM3_SYSCALL(regs);
	return (const char *const *)PT_REGS_PARM2_SYSCALL(regs);
}

/*
 * Execs wake the reader only for a mount namespace it has not classified
 * (to name a new container while its process lives) or a ring half full;
 * the rest wait for its poll, at most POLL_MS (src/run.c: 50 ms). A wakeup
 * is a self-IPI that cost the execing task ~45 us of BPF time on this VM,
 * so even one a second (the first exec after a quiet second, as before) was
 * ~0.2 us per exec at the bench's rate, and every exec at a low rate.
 * ig_cfg.wakeup_ns (1 s here) still bounds how long ig_mntns_unknown trusts
 * its per-CPU memory of a classified namespace.
 */
static __always_inline __u64 exec_wakeup(__u64 now)
{
	if (ig_mntns_unknown(now) ||
	    bpf_ringbuf_query(&ig_events, BPF_RB_AVAIL_DATA) >= ig_cfg.wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void exec_fill(struct exec_event *e, long ret, __u32 flags)
{
	ig_fill_proc(&e->proc);
	e->proc._pad = 0;
	e->retval = ret;
	e->flags = flags;
	e->args_count = 0;   /* counted in user space */
	if (want_paths)
		read_paths(e);
}

/* A successful exec: straight into the ring. */
static __always_inline void exec_ok(__u32 flags)
{
	__u32 truncated;
	__u64 start, size = new_argv(&start, &truncated);
	struct exec_event *e = exec_reserve(size);

	if (!e)
		return;
	exec_fill(e, 0, flags | truncated);
	if (size > EXEC_ARGS_MAX)   /* for the verifier: exec_reserve made room */
		size = EXEC_ARGS_MAX;
	if (size && bpf_probe_read_user(exec_args(e), size, (void *)start))
		size = 0;
	e->args_size = size;
	bpf_ringbuf_submit(e, exec_wakeup(e->proc.timestamp));
}

/* A failed exec: argv's size is known only once read, so it is composed in
 * the per-CPU buffer and copied out at its length. */
static __always_inline void exec_failed(long ret, __u32 flags)
{
	struct exec_event *e;
	__u32 zero = 0;
	__u64 size;

	e = bpf_map_lookup_elem(&exec_heap, &zero);
	if (!e)
		return;
	exec_fill(e, ret, flags);
	read_old_argv(e, failed_argv(flags));
	size = offsetof(struct exec_event, tail) + (want_paths ? EXEC_PATHS_SIZE : 0) +
	       (e->args_size & (EXEC_ARGS_MAX * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	if (bpf_ringbuf_output(&ig_events, e, size, exec_wakeup(e->proc.timestamp)))
		__sync_fetch_and_add(&ig_lost, 1);
}

static __always_inline int exec_exit(long ret, __u32 flags)
{
	if ((ret < 0 && ignore_failed) || !ig_should_trace())
		return 0;
	if (ret == 0)
		exec_ok(flags);
	else
		exec_failed(ret, flags);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int ig_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u8 one = 1;

	__sync_fetch_and_add(&execveat_in_flight, 1);
	bpf_map_update_elem(&execveat_marks, &tgid, &one, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int ig_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	long ret = ctx->ret;
	__u32 flags = 0;

	if (ret == 0 && execveat_in_flight) {
		__u32 tgid = bpf_get_current_pid_tgid() >> 32;

		if (bpf_map_lookup_elem(&execveat_marks, &tgid)) {
			bpf_map_delete_elem(&execveat_marks, &tgid);
			__sync_fetch_and_add(&execveat_in_flight, -1);
			flags = EXEC_F_EXECVEAT;
		}
	}
	return exec_exit(ret, flags);
}

/* A failed execveat: its own tracepoint. */
SEC("tracepoint/syscalls/sys_exit_execveat")
int ig_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!bpf_map_delete_elem(&execveat_marks, &tgid))
		__sync_fetch_and_add(&execveat_in_flight, -1);
	return exec_exit(ctx->ret, EXEC_F_EXECVEAT);
}
