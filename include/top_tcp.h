/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TOP_TCP_H
#define IG_TOP_TCP_H

#include "ig_event.h"
#include "ig_net.h"

#define TOP_TCP_MAX_FLOWS 10240
#define TOP_TCP_MAX_OTHER 1024

/*
 * flows is keyed by the struct sock's address alone (8 bytes: the cheapest
 * key a send/recv can build and hash); the value says which process and
 * port pair it counts, which a hit must match. A socket that a second
 * process uses in the same interval, or a later socket at the same address
 * (another port pair), goes to flows_other under the full key.
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
	__u32 ports;           /* the key's */
	struct ig_proc proc;   /* the first thread seen: comm, tid, ids; its
				* pid is the key's */
};

#endif
