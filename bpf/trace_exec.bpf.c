// SPDX-License-Identifier: GPL-2.0
/*
 * trace_exec: execve/execveat on syscall tracepoints.
 * The syscall entry remembers the user pointers; the exit reports. A
 * successful exec reads argv from the new mm (arg_start..arg_end), which the
 * kernel itself copied, so it is the argv the program really got; a failed
 * exec still has the old mm and reads argv through the saved pointers.
 */
#include "common.bpf.h"
#include "trace_exec.h"

const volatile bool ignore_failed = true;
const volatile bool want_paths = false;

struct exec_start {
	__u64 argv;
	__u32 flags;
	__u32 _pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct exec_start);
} exec_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_event);
} exec_heap SEC(".maps");

/* A path is composed here, then copied into the event. */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_path_walk);
} exec_path_heap SEC(".maps");

static __always_inline int exec_enter(const char *const *argv, __u32 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_start start = { .argv = (__u64)argv, .flags = flags };

	/* Filters run at exit: --comm must match the new program's name. */
	bpf_map_update_elem(&exec_starts, &tid, &start, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int ig_execve_enter(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *const *)ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int ig_execveat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return exec_enter((const char *const *)ctx->args[2], EXEC_F_EXECVEAT);
}

/* A non-leader thread that execs takes over the leader's pid: follow it. */
SEC("tracepoint/sched/sched_process_exec")
int ig_exec_rekey(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 old_tid = ctx->old_pid, new_tid = ctx->pid;
	struct exec_start *start;

	if (old_tid == new_tid)
		return 0;
	start = bpf_map_lookup_elem(&exec_starts, &old_tid);
	if (!start)
		return 0;
	bpf_map_update_elem(&exec_starts, &new_tid, start, BPF_ANY);
	bpf_map_delete_elem(&exec_starts, &old_tid);
	return 0;
}

/* argv of the new image, as laid out by the kernel (NUL separated). */
static __always_inline void read_new_argv(struct exec_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 start = BPF_CORE_READ(task, mm, arg_start);
	__u64 end = BPF_CORE_READ(task, mm, arg_end);
	__u64 size = end - start;

	if (end <= start) {
		e->args_size = 0;
		return;
	}
	if (size > EXEC_ARGS_MAX) {
		size = EXEC_ARGS_MAX;
		e->flags |= EXEC_F_ARGS_TRUNCATED;
	}
	if (bpf_probe_read_user(e->args, size, (void *)start))
		size = 0;
	e->args_size = size;
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
	n = bpf_probe_read_user_str(e->args + off, EXEC_ARG_CHUNK, arg);
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

	copy_path(e->cwd, &pwd, EXEC_F_CWD_TRUNCATED, EXEC_F_CWD_CUT_TOP, e);
	copy_path(e->exepath, &exe, EXEC_F_EXE_TRUNCATED, EXEC_F_EXE_CUT_TOP, e);
	e->flags |= EXEC_F_PATHS;
}

static __always_inline int exec_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct exec_start *start;
	struct exec_event *e;
	__u64 size;

	start = bpf_map_lookup_elem(&exec_starts, &tid);
	if (!start)
		return 0;
	if ((ret < 0 && ignore_failed) || !ig_should_trace())
		goto out;
	e = bpf_map_lookup_elem(&exec_heap, &zero);
	if (!e)
		goto out;
	ig_fill_proc(&e->proc);
	e->retval = ret;
	e->flags = start->flags;
	e->args_count = 0;   /* counted in user space */
	if (ret == 0)
		read_new_argv(e);
	else
		read_old_argv(e, (const char *const *)start->argv);
	if (want_paths) {
		read_paths(e);
	} else {
		e->cwd[0] = 0;
		e->exepath[0] = 0;
	}
	size = offsetof(struct exec_event, args) + (e->args_size & (EXEC_ARGS_MAX * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	ig_output(e, size);
out:
	bpf_map_delete_elem(&exec_starts, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_execve")
int ig_execve_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int ig_execveat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return exec_exit(ctx->ret);
}
