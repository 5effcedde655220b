// SPDX-License-Identifier: GPL-2.0
/*
 * top_tcp: bytes each process sends and receives on each TCP connection,
 * counted in the kernel. No kprobes:
 *
 * - Linux 6.3+: sock:sock_send_length and sock:sock_recv_length, which the
 *   kernel fires after every sendmsg/recvmsg on any socket, with its result.
 * - Before (probed by user space, which loads one set or the other): the
 *   exits of read, write, sendto, recvfrom, sendmsg and recvmsg; the fd
 *   (still in the saved registers at exit) must name a TCP socket.
 *
 * Cost: this runs on every send and recv of the host. The counts live in
 * a counting array (include/top_cells.h), one slot per process, socket and
 * interval. A socket this CPU counted last for the same process (in the
 * way its port pair picks) costs a protocol load, the pid, the port pair, a
 * few inlined array lookups, compares and an atomic add: on this kind of
 * VM the hash lookup was most of what a send or recv cost
 * (docs/performance.md). Otherwise the hash flows, keyed by the process,
 * the socket and the array's generation, gives the slot, or makes it with
 * the socket's ends, its namespace and the process.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "top_tcp.h"

#define TOP_CELL        struct top_tcp_cell
#define TOP_CELLS_SLOTS TOP_TCP_MAX_FLOWS
#define TOP_CELLS_WAYS  TOP_TCP_HIT_WAYS
#include "top_cells.bpf.h"

_Static_assert(TOP_TCP_HIT_WAYS == 16, "tt_way() picks one of 16 ways");

const volatile int target_family = -1;   /* 4, 6, or -1 for both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * TOP_TCP_MAX_FLOWS);   /* the generation being read, and the next */
	__type(key, struct top_tcp_key);
	__type(value, struct top_tcp_val);
} flows SEC(".maps");

/* The key names a process, not a thread: --tid, --uid, --gid and --comm,
 * which threads of one process may not share, are checked on every call
 * when given (constants: nothing is left of this when none is). */
static __always_inline bool thread_filters_pass(void)
{
	if (!ig_cfg.targ_tid && !ig_cfg.filter_uid && !ig_cfg.filter_gid && !ig_cfg.filter_comm)
		return true;
	return ig_ids_match();
}

/*
 * The way a socket is remembered in, on each CPU, from its port pair (the
 * verifier allows no arithmetic on the socket's address): the two ends of
 * a loopback connection, whose ports are swapped, always land apart (bit
 * 0: whether the local port is the lower), so a process that talks to
 * itself does not evict one end with the other; the other bits mix both
 * ports. The port pair is as the kernel keeps it: the remote port (network
 * order) in the low half of the load, the local port (host order) above.
 */
static __always_inline __u32 tt_way(__u32 ports)
{
	__u32 local = ports >> 16, remote = bpf_ntohs((__u16)ports);

	/* Knuth's multiplicative hash: 3 bits. */
	return (((local ^ remote) * 2654435761u) >> 29) << 1 | (local < remote);
}

/* key's slot in the array whose header is head, if flows has it (0: not). */
static __always_inline __u32 tt_find(struct top_tcp_key *key, struct top_cells_head *head)
{
	struct top_tcp_val *v;

	key->gen = head->gen;
	v = bpf_map_lookup_elem(&flows, key);
	return v ? v->slot : 0;
}

/* A process and socket first seen this interval: fresh has the socket's
 * ends and netns; add the process, a slot, and insert. 0: not counted
 * (--family excludes it, or the array is full: counted again next
 * interval). */
static __always_inline __u32 tt_insert(const struct top_tcp_key *key, struct top_tcp_val *fresh,
				       struct top_cells_head *head)
{
	if (target_family > 0 && fresh->src.version != target_family)
		return 0;
	fresh->slot = top_cells_take(head);
	if (!fresh->slot)
		return 0;
	ig_fill_proc(&fresh->proc);
	if (!bpf_map_update_elem(&flows, key, fresh, BPF_NOEXIST))
		return fresh->slot;
	/* Another CPU made it first: its slot (this one stays unused). */
	return tt_find((struct top_tcp_key *)key, head);
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

/* The slot of a (process, socket) the hit path did not know: sk is the
 * tracepoint's BTF pointer (btf_slot), or a socket found by its fd whose
 * fields are probe-read (sys_slot). Subprograms: the hit path stays short
 * (and a miss is once per socket, CPU and interval). */
static __noinline __u32 btf_slot(const struct sock *sk, __u32 ports, __u32 pid,
				 struct top_cells_head *head)
{
	struct top_tcp_key key = { .sock = (__u64)sk, .ports = ports, .pid = pid };
	struct top_tcp_val fresh;
	__u32 slot = tt_find(&key, head);

	if (slot || !btf_ends(sk, &fresh))
		return slot;
	return tt_insert(&key, &fresh, head);
}

static __noinline __u32 sys_slot(const struct sock *sk, __u32 ports, __u32 pid,
				 struct top_cells_head *head)
{
	struct top_tcp_key key = { .sock = (__u64)sk, .ports = ports, .pid = pid };
	struct top_tcp_val fresh;
	__u32 slot = tt_find(&key, head);

	if (slot)
		return slot;
	__builtin_memset(&fresh, 0, sizeof(fresh));
	if (!ig_sk_ends(sk, &fresh.src, &fresh.dst))
		return 0;
	fresh.netns_id = ig_sk_netns(sk);
	return tt_insert(&key, &fresh, head);
}

/* Count bytes for the current process on sk (port pair ports). */
static __always_inline void count(const struct sock *sk, __u32 ports, __u32 pid, long bytes,
				  bool sent, bool btf)
{
	struct top_tcp_cell *c;
	struct top_at at;

	c = top_cells_hit(&at, tt_way(ports), (__u64)sk, ports, pid);
	if (!c && at.hit)
		c = top_cells_remember(&at, (__u64)sk, ports, pid,
				       btf ? btf_slot(sk, ports, pid, at.head) :
					     sys_slot(sk, ports, pid, at.head));
	if (!c)
		return;
	if (sent)
		__sync_fetch_and_add(&c->sent, bytes);
	else
		__sync_fetch_and_add(&c->received, bytes);
}

/* sock_{send,recv}_length: a protocol load, the pid, a port-pair load and
 * the counting array's lookups before the add, on a socket already seen. */
static __always_inline void btf_count(const struct sock *sk, long bytes, bool sent)
{
	__u32 pid;

	if (sk->sk_protocol != IG_IPPROTO_TCP)
		return;
	if (target_family > 0 &&
	    sk->__sk_common.skc_family != (target_family == 4 ? IG_AF_INET : IG_AF_INET6))
		return;
	/* The task's field, not bpf_get_current_pid_tgid(): the kernel may
	 * inline bpf_get_current_task_btf(), never the other. */
	pid = bpf_get_current_task_btf()->tgid;
	if (ig_cfg.targ_pid && pid != ig_cfg.targ_pid)
		return;
	if (!thread_filters_pass())
		return;
	count(sk, sk->__sk_common.skc_portpair, pid, bytes, sent, true);
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
	struct pt_regs *regs;
	struct sock *sk;

	if (ret <= 0 || !ig_ids_match())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	sk = ig_fd_sock((long)PT_REGS_PARM1_CORE_SYSCALL(regs));
	if (!sk || !ig_sk_is_tcp(sk))
		return 0;
	count(sk, BPF_CORE_READ(sk, __sk_common.skc_portpair), bpf_get_current_pid_tgid() >> 32,
	      ret, sent, false);
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
