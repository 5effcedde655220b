/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TOP_TCP_H
#define IG_TOP_TCP_H

#include "ig_event.h"
#include "ig_net.h"

#define TOP_TCP_MAX_FLOWS 10240

/* One process's traffic on one connection. */
struct top_tcp_key {
	struct ig_l4 src;
	struct ig_l4 dst;
	__u64 mntns_key;
	__u32 pid;
	__u32 netns_id;
};

struct top_tcp_val {
	__u64 sent;
	__u64 received;
	struct ig_proc proc;   /* the first thread seen: comm, tid, ids */
};

#endif
