/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TOP_TCP_H
#define IG_TOP_TCP_H

#include "ig_event.h"
#include "ig_net.h"

#define TOP_TCP_MAX_FLOWS 10240

/*
 * One process on one socket: the key the BPF side can build from two loads
 * and a helper on every send/recv (the socket's address and port pair, the
 * pid), instead of the socket's ends. The port pair tells a socket from a
 * later one at the same address. Not shown: user space rows come from the
 * value.
 */
struct top_tcp_key {
	__u64 sock;        /* the struct sock's address */
	__u32 ports;       /* skc_portpair, as the kernel keeps it */
	__u32 pid;
};

/* Filled once, when the socket is first seen in an interval; then only
 * the counters change. */
struct top_tcp_val {
	__u64 sent;
	__u64 received;
	struct ig_l4 src;
	struct ig_l4 dst;
	__u32 netns_id;
	__u32 _pad;
	struct ig_proc proc;   /* the first thread seen: comm, tid, ids */
};

#endif
