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

/* Add bytes to key's flow (its ends and netns are filled). */
static __always_inline void count(struct top_tcp_key *key, long bytes, bool sent)
{
	struct top_tcp_val *v, fresh = {};

	if (target_family > 0 && key->src.version != target_family)
		return;
	if (!ig_ids_match())
		return;
	key->pid = bpf_get_current_pid_tgid() >> 32;
	key->mntns_key = ig_current_mntns_key();
	v = bpf_map_lookup_elem(&flows, key);
	if (!v) {
		ig_fill_proc(&fresh.proc);
		bpf_map_update_elem(&flows, key, &fresh, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&flows, key);
		if (!v)
			return;   /* full: counted again next interval */
	}
	if (sent)
		__sync_fetch_and_add(&v->sent, bytes);
	else
		__sync_fetch_and_add(&v->received, bytes);
}

/*
 * The ends of a TCP socket the tracepoint hands over as a BTF pointer:
 * plain loads, no helper call per field (this runs on every send and
 * recv of every socket). The local port is skc_num: inet_sport lies past
 * struct sock, where a typed pointer may not reach.
 */
static __always_inline bool btf_ends(const struct sock *sk, struct top_tcp_key *k)
{
	const struct sock_common *c = &sk->__sk_common;
	__u16 family = c->skc_family;

	if (sk->sk_protocol != IG_IPPROTO_TCP)
		return false;
	__builtin_memset(k, 0, sizeof(*k));
	if (family == IG_AF_INET6) {
		__builtin_memcpy(k->src.addr, &c->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(k->dst.addr, &c->skc_v6_daddr, 16);
		k->src.version = k->dst.version = 6;
	} else if (family == IG_AF_INET) {
		__builtin_memcpy(k->src.addr, &c->skc_rcv_saddr, 4);
		__builtin_memcpy(k->dst.addr, &c->skc_daddr, 4);
		k->src.version = k->dst.version = 4;
	} else {
		return false;
	}
	k->src.port = c->skc_num;
	k->dst.port = bpf_ntohs(c->skc_dport);
	k->src.proto = k->dst.proto = IG_IPPROTO_TCP;
	k->netns_id = c->skc_net.net->ns.inum;
	return true;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ig_toptcp_send, struct sock *sk, int ret, int flags)
{
	struct top_tcp_key key;

	if (ret > 0 && btf_ends(sk, &key))
		count(&key, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ig_toptcp_recv, struct sock *sk, int ret, int flags)
{
	struct top_tcp_key key;

	if (ret > 0 && btf_ends(sk, &key))
		count(&key, ret, false);
	return 0;
}

/* ---- before Linux 6.3: the syscalls' exits ------------------------------- */

static __always_inline int sys_exit(long ret, bool sent)
{
	struct pt_regs *regs;
	struct sock *sk;

	if (ret <= 0)
		return 0;
	struct top_tcp_key key = {};

	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	sk = ig_fd_sock((long)PT_REGS_PARM1_CORE_SYSCALL(regs));
	if (!sk || !ig_sk_is_tcp(sk) || !ig_sk_ends(sk, &key.src, &key.dst))
		return 0;
	key.netns_id = ig_sk_netns(sk);
	count(&key, ret, sent);
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
