// SPDX-License-Identifier: GPL-2.0
/*
 * top_tcp: bytes each process sends and receives on each TCP connection,
 * counted in the kernel (a hash map per pid and flow, which user space reads
 * and clears every --interval). No kprobes:
 *
 * - Linux 6.3+: sock:sock_send_length and sock:sock_recv_length, which the
 *   kernel fires after every sendmsg/recvmsg on any socket, with its result.
 * - Before (probed by user space, which loads one set or the other): the
 *   exits of read, write, sendto, recvfrom, sendmsg and recvmsg; the fd
 *   (still in the saved registers at exit) must name a TCP socket.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "top_tcp.h"

const volatile int target_family = -1;   /* 4, 6, or -1 for both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TOP_TCP_MAX_FLOWS);
	__type(key, struct top_tcp_key);
	__type(value, struct top_tcp_val);
} flows SEC(".maps");

static __always_inline void count(const struct sock *sk, long bytes, bool sent)
{
	struct top_tcp_key key;
	struct top_tcp_val *v, fresh = {};

	if (bytes <= 0 || !ig_sk_is_tcp(sk) || !ig_ids_match())
		return;
	if (!ig_sk_ends(sk, &key.src, &key.dst))
		return;
	if (target_family > 0 && key.src.version != target_family)
		return;
	key.pid = bpf_get_current_pid_tgid() >> 32;
	key.mntns_key = ig_current_mntns_key();
	key.netns_id = ig_sk_netns(sk);
	v = bpf_map_lookup_elem(&flows, &key);
	if (!v) {
		ig_fill_proc(&fresh.proc);
		bpf_map_update_elem(&flows, &key, &fresh, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&flows, &key);
		if (!v)
			return;   /* full: counted again next interval */
	}
	if (sent)
		__sync_fetch_and_add(&v->sent, bytes);
	else
		__sync_fetch_and_add(&v->received, bytes);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ig_toptcp_send, struct sock *sk, int ret, int flags)
{
	count(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ig_toptcp_recv, struct sock *sk, int ret, int flags)
{
	count(sk, ret, false);
	return 0;
}

/* ---- before Linux 6.3: the syscalls' exits ------------------------------- */

static __always_inline int sys_exit(long ret, bool sent)
{
	struct pt_regs *regs;
	struct sock *sk;

	if (ret <= 0)
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	sk = ig_fd_sock((long)PT_REGS_PARM1_CORE_SYSCALL(regs));
	if (sk)
		count(sk, ret, sent);
	return 0;
}

#define TOP_TCP_SYSCALL(name, sent)                                              \
	SEC("tracepoint/syscalls/sys_exit_" #name)                              \
	int ig_toptcp_##name(struct trace_event_raw_sys_exit *ctx)              \
	{                                                                       \
		return sys_exit(ctx->ret, sent);                                \
	}

TOP_TCP_SYSCALL(write, true)
TOP_TCP_SYSCALL(sendto, true)
TOP_TCP_SYSCALL(sendmsg, true)
TOP_TCP_SYSCALL(read, false)
TOP_TCP_SYSCALL(recvfrom, false)
TOP_TCP_SYSCALL(recvmsg, false)
