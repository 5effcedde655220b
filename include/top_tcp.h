/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_tcp: bytes sent and received per TCP connection, read from the
 * counters TCP keeps anyway, so that no program runs per send or recv.
 *
 * A connection's bytes are differences of its sequence numbers: write_seq
 * (the next byte the process will write) and rcv_nxt (the next byte
 * expected from the peer), less the one number a FIN takes on each side.
 * The kernel (bpf/top_tcp.bpf.c) notes each connection in `conns` when it
 * is established, with those numbers as its base, and moves it to
 * `closed` with its last numbers when it closes; a map iterator reads the
 * live ones' numbers every interval; user space (src/gadgets/top_tcp.c)
 * shows the differences since its last reading. Only a change of state
 * (connect, established, close) runs a program: per connection, not per
 * call.
 */
#ifndef IG_TOP_TCP_H
#define IG_TOP_TCP_H

#include "ig_event.h"
#include "ig_net.h"

#define TOP_TCP_MAX_CONNS     16384   /* connections followed at once */
#define TOP_TCP_MAX_CLOSED    16384   /* closed between two readings */
#define TOP_TCP_MAX_LISTENERS 4096

/* Whose a connection is. */
enum top_tcp_owner {
	TOP_TCP_UNOWNED,    /* accepted, no process seen holding it yet */
	TOP_TCP_LISTENER,   /* accepted: a process holding its listener, until
			     * the one holding it is seen */
	TOP_TCP_OWNED,      /* connect()'s caller, or a process seen holding it */
};

/* conns' value; its key is the struct sock's address. */
struct top_tcp_conn {
	__u64 id;           /* unique while ig runs: the address is reused */
	__u32 base_sent;    /* write_seq, less a FIN, when counting began */
	__u32 base_rcvd;    /* rcv_nxt, less a FIN, then */
	__u32 netns_id;
	__u8 owner;         /* enum top_tcp_owner */
	__u8 counting;      /* 1 once the base is set (established) */
	__u8 _pad[2];
	struct ig_l4 src;
	struct ig_l4 dst;
	struct ig_proc proc;
};

/* What the map iterator writes for each live connection, and closed's
 * value (keyed by conn.id) for one that closed. */
struct top_tcp_record {
	struct top_tcp_conn conn;
	__u32 sent;         /* write_seq, less a FIN, now (or at close) */
	__u32 rcvd;         /* rcv_nxt, less a FIN */
};

/* listeners' key: a listening socket's namespace and port; its value is an
 * ig_proc holding it, which accepted connections take until their own
 * holder is seen. */
struct top_tcp_listener {
	__u32 netns_id;
	__u16 port;
	__u16 _pad;
};

/* One row: a connection's bytes in one interval. */
struct top_tcp_val {
	__u64 sent;
	__u64 received;
	struct ig_l4 src;
	struct ig_l4 dst;
	__u32 netns_id;
	__u32 _pad;
	struct ig_proc proc;
};

#endif
