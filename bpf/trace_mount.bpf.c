// SPDX-License-Identifier: GPL-2.0
/*
 * trace_mount: mount, umount2, move_mount and fsmount on their syscall
 * tracepoints. Entry remembers the arguments and the time; exit reads the
 * strings (the kernel copied them at entry, so the pages are resident) and
 * reports the call with its result.
 */
#include "common.bpf.h"
#include "trace_mount.h"

struct mount_call {
	__u64 start;
	__u64 flags;
	__u64 src, target, fs, data;   /* user pointers, 0 when not an argument */
	__s32 dfd[2];
	__u32 attr;
	__u32 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct mount_call);
} mount_calls SEC(".maps");

static __always_inline int call_enter(struct mount_call *c)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!ig_should_trace())
		return 0;
	c->start = bpf_ktime_get_ns();
	bpf_map_update_elem(&mount_calls, &tid, c, BPF_ANY);
	return 0;
}

/* Read a user string into buf; flag the cut if it filled the buffer. */
static __always_inline __u8 read_str(char *buf, __u32 size, __u64 ptr, __u8 cut)
{
	long n;

	buf[0] = 0;
	if (!ptr)
		return 0;
	n = bpf_probe_read_user_str(buf, size, (const void *)ptr);
	if (n < 0)
		buf[0] = 0;
	return n == size ? cut : 0;
}

static __always_inline int call_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mount_call *c = bpf_map_lookup_elem(&mount_calls, &tid);
	struct mount_event *e;
	__u8 cut = 0;

	if (!c)
		return 0;
	e = ig_reserve(sizeof(*e));
	if (!e)
		goto out;
	ig_fill_proc(&e->proc);
	e->delta_ns = bpf_ktime_get_ns() - c->start;
	e->flags = c->flags;
	e->ret = ret;
	e->dfd[0] = c->dfd[0];
	e->dfd[1] = c->dfd[1];
	e->attr = c->attr;
	e->op = c->op;
	e->_pad[0] = e->_pad[1] = 0;
	cut |= read_str(e->fs, sizeof(e->fs), c->fs, MOUNT_CUT_FS);
	cut |= read_str(e->src, sizeof(e->src), c->src, MOUNT_CUT_SRC);
	cut |= read_str(e->target, sizeof(e->target), c->target, MOUNT_CUT_TARGET);
	cut |= read_str(e->data, sizeof(e->data), c->data, MOUNT_CUT_DATA);
	e->cut = cut;
	ig_submit(e);
out:
	bpf_map_delete_elem(&mount_calls, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_mount")
int ig_mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct mount_call c = {
		.op = MOUNT_OP_MOUNT,
		.src = ctx->args[0],
		.target = ctx->args[1],
		.fs = ctx->args[2],
		.flags = ctx->args[3],
		.data = ctx->args[4],
	};

	return call_enter(&c);
}

SEC("tracepoint/syscalls/sys_enter_umount")
int ig_umount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct mount_call c = {
		.op = MOUNT_OP_UMOUNT,
		.target = ctx->args[0],
		.flags = ctx->args[1],
	};

	return call_enter(&c);
}

SEC("tracepoint/syscalls/sys_enter_move_mount")
int ig_move_mount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct mount_call c = {
		.op = MOUNT_OP_MOVE_MOUNT,
		.dfd = { ctx->args[0], ctx->args[2] },
		.src = ctx->args[1],
		.target = ctx->args[3],
		.flags = ctx->args[4],
	};

	return call_enter(&c);
}

SEC("tracepoint/syscalls/sys_enter_fsmount")
int ig_fsmount_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct mount_call c = {
		.op = MOUNT_OP_FSMOUNT,
		.dfd = { ctx->args[0], -1 },
		.flags = ctx->args[1],
		.attr = ctx->args[2],
	};

	return call_enter(&c);
}

SEC("tracepoint/syscalls/sys_exit_mount")
int ig_mount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_umount")
int ig_umount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_move_mount")
int ig_move_mount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_fsmount")
int ig_fsmount_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}
