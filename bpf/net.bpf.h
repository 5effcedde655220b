/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the network gadgets share in the kernel: a socket's ends, the socket
 * behind an fd, and the process that owns a socket, for events that happen
 * where no process is (softirq, timers): retransmissions and drops.
 * Include after common.bpf.h.
 */
#ifndef IG_NET_BPF_H
#define IG_NET_BPF_H

#include <bpf/bpf_endian.h>
#include "ig_net.h"

#define IG_S_IFMT   00170000
#define IG_S_IFSOCK 0140000

/* Both ends of sk as it is now (local first). False if it is no inet socket. */
static __always_inline bool ig_sk_ends(const struct sock *sk, struct ig_l4 *src, struct ig_l4 *dst)
{
	const struct inet_sock *inet = (const struct inet_sock *)sk;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u8 proto = BPF_CORE_READ(sk, sk_protocol);

	__builtin_memset(src, 0, sizeof(*src));
	__builtin_memset(dst, 0, sizeof(*dst));
	if (family == IG_AF_INET6) {
		BPF_CORE_READ_INTO(&src->addr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&dst->addr, sk, __sk_common.skc_v6_daddr);
		src->version = dst->version = 6;
	} else if (family == IG_AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)src->addr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)dst->addr, sk, __sk_common.skc_daddr);
		src->version = dst->version = 4;
	} else {
		return false;
	}
	/* inet_sport, not skc_num: unbinding at CLOSE zeroes skc_num. */
	src->port = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	dst->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	src->proto = dst->proto = proto;
	return true;
}

static __always_inline __u32 ig_sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* The socket behind one of the current task's fds, or NULL. Probe reads:
 * these run per bind() or accept(), not per packet. */
static __always_inline struct sock *ig_fd_sock(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct socket *sock;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & IG_S_IFMT) != IG_S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline bool ig_sk_is_tcp(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return BPF_CORE_READ(sk, sk_protocol) == IG_IPPROTO_TCP &&
	       (family == IG_AF_INET || family == IG_AF_INET6);
}

/* --pid, --tid, --uid, --gid and --comm against a socket's owner, for
 * events that run in no process of their own. An unknown owner passes only
 * when no such filter is set. */
static __always_inline bool ig_owner_matches(const struct ig_proc *p)
{
	if (!ig_cfg.targ_pid && !ig_cfg.targ_tid && !ig_cfg.filter_uid && !ig_cfg.filter_gid &&
	    !ig_cfg.filter_comm)
		return true;
	if (!p)
		return false;
	if ((ig_cfg.targ_pid && p->pid != ig_cfg.targ_pid) ||
	    (ig_cfg.targ_tid && p->tid != ig_cfg.targ_tid) ||
	    (ig_cfg.filter_uid && p->uid != ig_cfg.targ_uid) ||
	    (ig_cfg.filter_gid && p->gid != ig_cfg.targ_gid))
		return false;
	if (ig_cfg.filter_comm) {
		for (int i = 0; i < IG_COMM_LEN; i++) {
			if (p->comm[i] != ig_cfg.targ_comm[i])
				return false;
			if (!p->comm[i])
				break;
		}
	}
	return true;
}

#ifdef IG_NET_OWNERS
/*
 * Who owns a TCP socket: noted where a process acts on it (connect() moving
 * it to SYN_SENT, accept() returning it), read where none does. LRU, keyed
 * by the struct sock address: sockets that close unseen cannot fill it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct ig_proc);
} ig_sk_owner SEC(".maps");

static __always_inline void ig_owner_note(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct ig_proc p = {};

	ig_fill_proc(&p);
	bpf_map_update_elem(&ig_sk_owner, &key, &p, BPF_ANY);
}

static __always_inline struct ig_proc *ig_owner_of(const struct sock *sk)
{
	__u64 key = (__u64)sk;

	return bpf_map_lookup_elem(&ig_sk_owner, &key);
}

/* The owner programs: a gadget that includes this declares them with
 * IG_NET_OWNER_PROGRAMS. */
static __always_inline void ig_owner_on_state(const struct sock *sk, int oldstate, int newstate)
{
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT && ig_sk_is_tcp(sk))
		ig_owner_note(sk);   /* in connect(), in the caller's context */
}

static __always_inline int ig_owner_on_accept(long ret)
{
	struct sock *sk;

	if (ret < 0)
		return 0;
	sk = ig_fd_sock(ret);
	if (sk && ig_sk_is_tcp(sk))
		ig_owner_note(sk);
	return 0;
}

#define IG_NET_OWNER_PROGRAMS                                                   \
	SEC("tracepoint/syscalls/sys_exit_accept")                             \
	int ig_owner_accept(struct trace_event_raw_sys_exit *ctx)              \
	{                                                                      \
		return ig_owner_on_accept(ctx->ret);                           \
	}                                                                      \
	SEC("tracepoint/syscalls/sys_exit_accept4")                            \
	int ig_owner_accept4(struct trace_event_raw_sys_exit *ctx)             \
	{                                                                      \
		return ig_owner_on_accept(ctx->ret);                           \
	}                                                                      \
	SEC("tp_btf/inet_sock_set_state")                                      \
	int BPF_PROG(ig_owner_state, const struct sock *sk, const int oldstate, \
		     const int newstate)                                       \
	{                                                                      \
		ig_owner_on_state(sk, oldstate, newstate);                     \
		return 0;                                                      \
	}
#endif

#endif
