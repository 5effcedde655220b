// SPDX-License-Identifier: GPL-2.0
/*
 * top_tcp: bytes each process sends and receives on each TCP connection,
 * counted in the kernel (a hash map per process and socket, which user
 * space reads and clears every --interval). No kprobes:
 *
 * - Linux 6.3+: sock:sock_send_length and sock:sock_recv_length, which the
 *   kernel fires after every sendmsg/recvmsg on any socket, with its result.
 * - Before (probed by user space, which loads one set or the other): the
 *   exits of read, write, sendto, recvfrom, sendmsg and recvmsg; the fd
 *   (still in the saved registers at exit) must name a TCP socket.
 *
 * Cost: this runs on every send and recv of the host. The key is what is
 * at hand, the socket's address (top_tcp.h); a hit is one lookup of an
 * 8-byte key, two compares (pid, port pair) and an atomic add. The socket's ends, its
 * namespace and the process are read once, when a socket is first seen in
 * an interval.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "top_tcp.h"

const volatile int target_family = -1;   /* 4, 6, or -1 for both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TOP_TCP_MAX_FLOWS);
	__type(key, __u64);
	__type(value, struct top_tcp_val);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TOP_TCP_MAX_OTHER);
	__type(key, struct top_tcp_key);
	__type(value, struct top_tcp_val);
} flows_other SEC(".maps");

/* The key names a process, not a thread: --tid, --uid, --gid and --comm,
 * which threads of one process may not share, are checked on every call
 * when given (constants: nothing is left of this when none is). */
static __always_inline bool thread_filters_pass(void)
{
	if (!ig_cfg.targ_tid && !ig_cfg.filter_uid && !ig_cfg.filter_gid && !ig_cfg.filter_comm)
		return true;
	return ig_ids_match();
}

/* key's counters, or NULL; *in_flows: whether flows has the socket (for
 * this process and port pair or not: top_tcp.h). */
static __always_inline struct top_tcp_val *find(const struct top_tcp_key *key, bool *in_flows)
{
	struct top_tcp_val *v = bpf_map_lookup_elem(&flows, &key->sock);

	*in_flows = v != NULL;
	if (!v || (v->proc.pid == key->pid && v->ports == key->ports))
		return v;
	return bpf_map_lookup_elem(&flows_other, key);
}

/* A socket seen for the first time this interval (by this process): its
 * ends and netns are in fresh; add the process and insert. NULL if the map
 * is full (counted again next interval), --family excludes it, or another
 * CPU inserted another process first (the next call goes to flows_other). */
static __always_inline struct top_tcp_val *insert(const struct top_tcp_key *key,
						  struct top_tcp_val *fresh, bool in_flows)
{
	if (target_family > 0 && fresh->src.version != target_family)
		return NULL;
	fresh->ports = key->ports;
	ig_fill_proc(&fresh->proc);
	if (in_flows)
		bpf_map_update_elem(&flows_other, key, fresh, BPF_NOEXIST);
	else
		bpf_map_update_elem(&flows, &key->sock, fresh, BPF_NOEXIST);
	return find(key, &in_flows);
}

static __always_inline void add(struct top_tcp_val *v, long bytes, bool sent)
{
	if (sent)
		__sync_fetch_and_add(&v->sent, bytes);
	else
		__sync_fetch_and_add(&v->received, bytes);
}

/*
 * The ends of a TCP socket the tracepoint hands over as a BTF pointer:
 * plain loads, no helper call per field. The local port is skc_num:
 * inet_sport lies past struct sock, where a typed pointer may not reach.
 */
static __always_inline bool btf_ends(const struct sock *sk, struct top_tcp_val *v)
{
	const struct sock_common *c = &sk->__sk_common;
	__u16 family = c->skc_family;

	__builtin_memset(v, 0, sizeof(*v));
	if (family == IG_AF_INET6) {
		__builtin_memcpy(v->src.addr, &c->skc_v6_rcv_saddr, 16);
		__builtin_memcpy(v->dst.addr, &c->skc_v6_daddr, 16);
		v->src.version = v->dst.version = 6;
	} else if (family == IG_AF_INET) {
		__builtin_memcpy(v->src.addr, &c->skc_rcv_saddr, 4);
		__builtin_memcpy(v->dst.addr, &c->skc_daddr, 4);
		v->src.version = v->dst.version = 4;
	} else {
		return false;
	}
	v->src.port = c->skc_num;
	v->dst.port = bpf_ntohs(c->skc_dport);
	v->src.proto = v->dst.proto = IG_IPPROTO_TCP;
	v->netns_id = c->skc_net.net->ns.inum;
	return true;
}

/* sock_{send,recv}_length: a protocol load, a helper, a port-pair load and
 * a lookup before the add, on a socket already seen. */
static __always_inline void btf_count(const struct sock *sk, long bytes, bool sent)
{
	struct top_tcp_val *v, fresh;
	struct top_tcp_key key;
	bool in_flows;

	if (sk->sk_protocol != IG_IPPROTO_TCP)
		return;
	/* The task's field, not bpf_get_current_pid_tgid(): the kernel may
	 * inline bpf_get_current_task_btf(), never the other. */
	key.pid = bpf_get_current_task_btf()->tgid;
	if (ig_cfg.targ_pid && key.pid != ig_cfg.targ_pid)
		return;
	if (!thread_filters_pass())
		return;
	key.sock = (__u64)sk;
	key.ports = sk->__sk_common.skc_portpair;
	v = find(&key, &in_flows);
	if (!v) {
		if (!btf_ends(sk, &fresh))
			return;
		v = insert(&key, &fresh, in_flows);
		if (!v)
			return;
	}
	add(v, bytes, sent);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(ig_toptcp_send, struct sock *sk, int ret, int flags)
{
	if (ret > 0)
		btf_count(sk, ret, true);
	return 0;
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(ig_toptcp_recv, struct sock *sk, int ret, int flags)
{
	if (ret > 0)
		btf_count(sk, ret, false);
	return 0;
}

/* ---- before Linux 6.3: the syscalls' exits ------------------------------- */

static __always_inline int sys_exit(long ret, bool sent)
{
	struct top_tcp_val *v, fresh;
	struct top_tcp_key key;
	struct pt_regs *regs;
	bool in_flows;
	struct sock *sk;

	if (ret <= 0 || !ig_ids_match())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	sk = ig_fd_sock((long)PT_REGS_PARM1_CORE_SYSCALL(regs));
	if (!sk || !ig_sk_is_tcp(sk))
		return 0;
	key.sock = (__u64)sk;
	key.ports = BPF_CORE_READ(sk, __sk_common.skc_portpair);
	key.pid = bpf_get_current_pid_tgid() >> 32;
	v = find(&key, &in_flows);
	if (!v) {
		__builtin_memset(&fresh, 0, sizeof(fresh));
		if (!ig_sk_ends(sk, &fresh.src, &fresh.dst))
			return 0;
		fresh.netns_id = ig_sk_netns(sk);
		v = insert(&key, &fresh, in_flows);
		if (!v)
			return 0;
	}
	add(v, ret, sent);
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
