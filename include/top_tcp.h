/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_tcp: bytes sent and received per process and TCP socket, counted in
 * a counting array (include/top_cells.h): the hash flows gives each
 * process and socket its slot the first time the kernel
 * (bpf/top_tcp.bpf.c) sees it in an interval, with the socket's ends and
 * the process; the last few sockets per CPU are remembered, so the next
 * send or recv on one is an atomic add into its slot, no hash lookup.
 */
#ifndef IG_TOP_TCP_H
#define IG_TOP_TCP_H

#include "ig_event.h"
#include "ig_net.h"

#define TOP_TCP_MAX_FLOWS 10240   /* process-socket pairs per interval */
#define TOP_TCP_HIT_WAYS  16      /* sockets remembered per CPU, by address */

struct top_tcp_key {
	__u64 sock;        /* the struct sock's address */
	__u32 ports;       /* skc_portpair, as the kernel keeps it: a later
			    * socket at the same address differs here */
	__u32 pid;
	__u32 gen;         /* the counting array's generation (its interval) */
	__u32 _pad;
};

/* A slot of the counting array (slot 0: its struct top_cells_head). */
struct top_tcp_cell {
	__u64 sent;
	__u64 received;
};

/* The hash's value, filled once, when the socket is first seen in an
 * interval. */
struct top_tcp_val {
	__u64 sent;            /* sent, received: the slot's, in struct
				* top_tcp_cell's order (user space copies them in) */
	__u64 received;
	struct ig_l4 src;
	struct ig_l4 dst;
	__u32 netns_id;
	__u32 slot;            /* its slot in the counting array */
	struct ig_proc proc;   /* the first thread seen: comm, tid, ids; its
				* pid is the key's */
};

#endif
