/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_TCPDROP_H
#define IG_TRACE_TCPDROP_H

#include "ig_event.h"
#include "ig_net.h"

#define TCPDROP_STATE_NONE 0xff   /* no socket: the packet's own ends */

struct tcpdrop_event {
	struct ig_proc proc;   /* the socket's owner; pid 0 when not known */
	struct ig_l4 src;      /* the packet's sender */
	struct ig_l4 dst;      /* the packet's destination */
	__u32 netns_id;
	__u32 reason;          /* enum skb_drop_reason of the running kernel */
	__u8 state;            /* the socket's TCP state, or TCPDROP_STATE_NONE */
	__u8 tcpflags;         /* IG_TCP_* of the dropped segment */
	__u8 has_owner;
	__u8 _pad[5];
};

#endif
