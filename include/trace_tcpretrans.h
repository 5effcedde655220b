/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_TCPRETRANS_H
#define IG_TRACE_TCPRETRANS_H

#include "ig_event.h"
#include "ig_net.h"

/* type_raw: the same numbers as Inspektor Gadget's (a loss probe needs a
 * kprobe, so only RETRANS is reported here). */
#define TCPRETRANS_RETRANS 0
#define TCPRETRANS_LOSS    1

struct tcpretrans_event {
	struct ig_proc proc;   /* the socket's owner; pid 0 when not known */
	struct ig_l4 src;
	struct ig_l4 dst;
	__u32 netns_id;
	__s32 error;           /* the retransmission's result (Linux 6.14+), else 0 */
	__u8 state;            /* TCP_ESTABLISHED... */
	__u8 tcpflags;         /* IG_TCP_* of the segment sent again */
	__u8 ca_state;         /* congestion state: why (TCPRETRANS_CA_*) */
	__u8 type;             /* TCPRETRANS_RETRANS */
	__u8 has_owner;
	__u8 _pad[7];
};

/* The kernel's congestion-avoidance states (enum tcp_ca_state). */
#define TCPRETRANS_CA_OPEN     0
#define TCPRETRANS_CA_DISORDER 1
#define TCPRETRANS_CA_CWR      2
#define TCPRETRANS_CA_RECOVERY 3
#define TCPRETRANS_CA_LOSS     4

#endif
