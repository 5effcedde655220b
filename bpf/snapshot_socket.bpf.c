// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot_socket: the TCP and UDP sockets of a network namespace, from
 * the tcp and udp BPF iterators (Linux 5.9+). An iterator lists the
 * namespace of the process that opens it: user space enters each
 * container's namespace in turn (src/gadgets/snapshot_socket.c). Every
 * socket kind (full, TIME_WAIT, request) starts with struct sock_common,
 * which has all that is shown.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "snapshot_socket.h"

static __always_inline void put(struct seq_file *seq, const struct sock_common *skc, __u8 proto)
{
	struct sock_entry e = {};
	__u16 family = skc->skc_family;
	__u8 state = skc->skc_state;

	if (family == IG_AF_INET6) {
		BPF_CORE_READ_INTO(&e.src.addr, skc, skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&e.dst.addr, skc, skc_v6_daddr);
		e.src.version = e.dst.version = 6;
	} else if (family == IG_AF_INET) {
		BPF_CORE_READ_INTO((__u32 *)e.src.addr, skc, skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)e.dst.addr, skc, skc_daddr);
		e.src.version = e.dst.version = 4;
	} else {
		return;
	}
	e.src.port = skc->skc_num;
	e.dst.port = bpf_ntohs(skc->skc_dport);
	e.src.proto = e.dst.proto = proto;
	e.state = state == TCP_NEW_SYN_RECV ? TCP_SYN_RECV : state;
	e.netns_id = BPF_CORE_READ(skc, skc_net.net, ns.inum);
	if (state != TCP_TIME_WAIT && state != TCP_NEW_SYN_RECV) {
		struct socket *sock = BPF_CORE_READ((struct sock *)skc, sk_socket);

		if (sock)
			e.ino = BPF_CORE_READ(container_of(sock, struct socket_alloc, socket),
					      vfs_inode.i_ino);
	}
	bpf_seq_write(seq, &e, sizeof(e));
}

SEC("iter/tcp")
int ig_snap_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;

	if (skc)
		put(ctx->meta->seq, skc, IG_IPPROTO_TCP);
	return 0;
}

SEC("iter/udp")
int ig_snap_udp(struct bpf_iter__udp *ctx)
{
	struct udp_sock *udp = ctx->udp_sk;

	if (udp)
		put(ctx->meta->seq, (struct sock_common *)udp, IG_IPPROTO_UDP);
	return 0;
}
