/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_TCPCONNECT_H
#define IG_TRACE_TCPCONNECT_H

#include "ig_event.h"
#include "ig_net.h"

struct tcpconnect_event {
	struct ig_proc proc;   /* the process that called connect() */
	struct ig_l4 src;
	struct ig_l4 dst;
	__u64 latency_ns;      /* SYN sent -> handshake done (or failed) */
	__u32 netns_id;
	__s32 error;           /* positive errno; 0: established */
};

#endif
