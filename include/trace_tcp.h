/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_TCP_H
#define IG_TRACE_TCP_H

#include "ig_event.h"

/* type_raw values: the same numbers as Inspektor Gadget's trace_tcp. */
#define TCP_EV_CONNECT 0
#define TCP_EV_ACCEPT  1
#define TCP_EV_CLOSE   2

/* Address families as the kernel numbers them (AF_INET, AF_INET6). */
#define TCP_AF_INET  2
#define TCP_AF_INET6 10

/* Event kinds the kernel side may emit (--connect-only, --accept-only,
 * --failure-only set these in a rodata mask). */
#define TCP_WANT_CONNECT (1u << TCP_EV_CONNECT)
#define TCP_WANT_ACCEPT  (1u << TCP_EV_ACCEPT)
#define TCP_WANT_CLOSE   (1u << TCP_EV_CLOSE)

/* Both ends of a connection, local first. Ports in host order; an IPv4
 * address fills the first 4 bytes of its array. */
struct tcp_endpoints {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u16 family;          /* TCP_AF_INET or TCP_AF_INET6 */
	__u16 _pad;
};

struct tcp_event {
	struct ig_proc proc;
	struct tcp_endpoints ep;
	__u32 netns_id;
	__s32 fd;              /* the socket's fd; -1 when unknown (close) */
	__s32 error;           /* positive errno, 0 on success */
	__u8 type;             /* TCP_EV_* */
	__u8 _pad[3];
};

#endif
