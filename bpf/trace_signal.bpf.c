// SPDX-License-Identifier: GPL-2.0
/*
 * trace_signal: signals as they are generated (signal:signal_generate), and
 * the kill, tkill and tgkill syscalls with their errors. A kill-family call
 * is remembered at entry; the signal_generate it causes (in the sender's
 * context) fills in the target's command and the outcome, and the call is
 * reported once at exit, with its return value. Any other generation (a
 * fault, SIGCHLD, SIGPIPE, a timer) is reported from signal_generate.
 */
#include "common.bpf.h"
#include "trace_signal.h"

const volatile bool failed_only = false;
const volatile bool kill_only = false;
const volatile __s32 target_signal = -1;   /* -1: every signal */

#define TRACE_SIGNAL_OVERFLOW_FAIL 3
#define EAGAIN 11

struct signal_call {
	__s32 tpid;
	__s32 sig;
	__u8 via;
	__u8 result;
	char tcomm[IG_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct signal_call);
} signal_calls SEC(".maps");

static __always_inline bool signal_wanted(int sig)
{
	return target_signal < 0 || sig == target_signal;
}

static __always_inline int call_enter(__s32 tpid, __s32 sig, __u8 via)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct signal_call c = { .tpid = tpid, .sig = sig, .via = via,
				 .result = SIGNAL_RESULT_NONE };

	if (!signal_wanted(sig) || !ig_should_trace())
		return 0;
	bpf_map_update_elem(&signal_calls, &tid, &c, BPF_ANY);
	return 0;
}

static __always_inline int call_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct signal_call *c = bpf_map_lookup_elem(&signal_calls, &tid);
	struct signal_event *e;

	if (!c)
		return 0;
	if (failed_only && ret >= 0)
		goto out;
	e = ig_reserve(sizeof(*e));
	if (!e)
		goto out;
	ig_fill_proc(&e->proc);
	e->tpid = c->tpid;
	e->sig = c->sig;
	e->err = ret < 0 ? -ret : 0;
	e->via = c->via;
	e->result = c->result;
	e->_pad[0] = e->_pad[1] = 0;
	__builtin_memcpy(e->tcomm, c->tcomm, sizeof(e->tcomm));
	ig_submit(e);
out:
	bpf_map_delete_elem(&signal_calls, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int ig_kill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return call_enter(ctx->args[0], ctx->args[1], SIGNAL_VIA_KILL);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int ig_tkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return call_enter(ctx->args[0], ctx->args[1], SIGNAL_VIA_TKILL);
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int ig_tgkill_enter(struct trace_event_raw_sys_enter *ctx)
{
	return call_enter(ctx->args[1], ctx->args[2], SIGNAL_VIA_TGKILL);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int ig_kill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int ig_tkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int ig_tgkill_exit(struct trace_event_raw_sys_exit *ctx)
{
	return call_exit(ctx->ret);
}

SEC("tracepoint/signal/signal_generate")
int ig_signal_generate(struct trace_event_raw_signal_generate *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct signal_call *c = bpf_map_lookup_elem(&signal_calls, &tid);
	struct signal_event *e;

	if (c) {
		/* Caused by a kill-family call in flight: its exit reports.
		 * kill(-pgid) signals many; the first target is kept. */
		if (c->result == SIGNAL_RESULT_NONE) {
			c->result = ctx->result;
			/* The target as the host numbers it, like proc.pid
			 * (the argument is in the sender's pid namespace);
			 * kill(0), kill(-1) and kill(-pgid) keep theirs. */
			if (c->tpid > 0)
				c->tpid = ctx->pid;
			/* ctx may not be read at a relocated offset by a
			 * plain load: copy through the helper. */
			bpf_probe_read_kernel(c->tcomm, sizeof(c->tcomm), ctx->comm);
		}
		return 0;
	}
	if (kill_only || !signal_wanted(ctx->sig))
		return 0;
	if (failed_only && ctx->result != TRACE_SIGNAL_OVERFLOW_FAIL)
		return 0;
	if (!ig_should_trace())
		return 0;
	e = ig_reserve(sizeof(*e));
	if (!e)
		return 0;
	ig_fill_proc(&e->proc);
	e->tpid = ctx->pid;
	e->sig = ctx->sig;
	e->err = ctx->result == TRACE_SIGNAL_OVERFLOW_FAIL ? EAGAIN : 0;
	e->via = SIGNAL_VIA_GENERATE;
	e->result = ctx->result;
	e->_pad[0] = e->_pad[1] = 0;
	bpf_probe_read_kernel(e->tcomm, sizeof(e->tcomm), ctx->comm);
	ig_submit(e);
	return 0;
}
