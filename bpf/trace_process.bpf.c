// SPDX-License-Identifier: GPL-2.0
/*
 * trace_process: the process lifecycle on scheduler tracepoints.
 * sched_process_exec reports the new image (binary, cwd, argv); a fork of
 * a new thread group is reported so user space can cache the child; an exit
 * is reported once per thread group, by its last thread (signal->live has
 * dropped to 0 by the time the tracepoint fires), with the wait status.
 *
 * proc_ktimes remembers when each thread group last exec'd (or was forked):
 * that time is half of Tetragon's exec_id (node:ktime:pid), so an exit and
 * a child's exec name their process and parent without user space's cache.
 */
#include "common.bpf.h"
#include "trace_process.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32768);     /* --cache-size */
	__type(key, __u32);
	__type(value, __u64);
} proc_ktimes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct process_event);
} proc_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ig_path_walk);
} proc_path_heap SEC(".maps");

static __always_inline __u64 ktime_of(__u32 pid)
{
	__u64 *t = bpf_map_lookup_elem(&proc_ktimes, &pid);

	return t ? *t : 0;
}

static __always_inline __u32 current_auid(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (bpf_core_field_exists(task->loginuid))
		return BPF_CORE_READ(task, loginuid.val);
	return (__u32)-1;
}

/* argv of the new image, as the kernel laid it out (NUL separated). */
static __always_inline void read_argv(struct process_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 start = BPF_CORE_READ(task, mm, arg_start);
	__u64 end = BPF_CORE_READ(task, mm, arg_end);
	__u64 size = end - start;

	e->args_size = 0;
	if (end <= start)
		return;
	if (size > PROC_ARGS_MAX) {
		size = PROC_ARGS_MAX;
		e->flags |= PROC_F_ARGS_TRUNCATED;
	}
	if (!bpf_probe_read_user(e->args, size, (void *)start))
		e->args_size = size;
}

static __always_inline void read_cwd(struct process_event *e)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct path pwd = BPF_CORE_READ(task, fs, pwd);
	__u32 zero = 0;
	struct ig_path_walk *w = bpf_map_lookup_elem(&proc_path_heap, &zero);

	e->cwd[0] = 0;
	if (!w)
		return;
	if (ig_read_path(&pwd, PROC_CWD_MAX, w) < 0)
		e->flags |= PROC_F_CWD_CUT;
	bpf_probe_read_kernel(e->cwd, PROC_CWD_MAX, w->buf);
	e->cwd[PROC_CWD_MAX - 1] = 0;
}

SEC("tracepoint/sched/sched_process_exec")
int ig_proc_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 pid = bpf_get_current_pid_tgid() >> 32, zero = 0;
	__u32 off = ctx->__data_loc_filename & 0xffff;
	struct process_event *e;
	__u64 size;
	long n;

	bpf_map_update_elem(&proc_ktimes, &pid, &now, BPF_ANY);
	if (!ig_should_trace())
		return 0;
	e = bpf_map_lookup_elem(&proc_heap, &zero);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->proc.timestamp = now;
	e->kind = PROC_EV_EXEC;
	e->flags = 0;
	e->ktime = now;
	e->parent_ktime = ktime_of(e->proc.ppid);
	e->child_pid = 0;
	e->exit_code = 0;
	e->auid = current_auid();
	n = bpf_probe_read_kernel_str(e->binary, sizeof(e->binary), (void *)ctx + off);
	if (n <= 0)
		e->binary[0] = 0;
	else if (n == sizeof(e->binary))
		e->flags |= PROC_F_BIN_TRUNCATED;
	read_cwd(e);
	read_argv(e);
	size = offsetof(struct process_event, args) + (e->args_size & (PROC_ARGS_MAX * 2 - 1));
	if (size > sizeof(*e))
		size = sizeof(*e);
	ig_output(e, size);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ig_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 pid = child->tgid;
	__u64 now;
	struct process_event *e;

	if (child->pid != pid)
		return 0;   /* a thread, not a process */
	now = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&proc_ktimes, &pid, &now, BPF_ANY);
	if (!ig_should_trace())
		return 0;
	e = ig_reserve(PROC_HEAD_SIZE);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->proc.timestamp = now;
	e->kind = PROC_EV_FORK;
	e->flags = 0;
	e->ktime = now;
	e->parent_ktime = ktime_of(e->proc.pid);
	e->child_pid = pid;
	e->exit_code = 0;
	e->auid = current_auid();
	e->args_size = 0;
	ig_submit(e);
	return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int ig_proc_exit(void *ctx)
{
	struct task_struct *task = ig_current_task();
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct process_event *e;
	__u64 ktime;

	if (task->signal->live.counter != 0)
		return 0;   /* other threads of the group live on */
	ktime = ktime_of(pid);
	bpf_map_delete_elem(&proc_ktimes, &pid);
	if (!ig_should_trace())
		return 0;
	e = ig_reserve(PROC_HEAD_SIZE);
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->kind = PROC_EV_EXIT;
	e->flags = 0;
	e->ktime = ktime;
	e->parent_ktime = ktime_of(e->proc.ppid);
	e->child_pid = 0;
	e->exit_code = task->exit_code;
	e->auid = current_auid();
	e->args_size = 0;
	ig_submit(e);
	return 0;
}
