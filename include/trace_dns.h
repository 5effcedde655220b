/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_DNS_H
#define IG_TRACE_DNS_H

#include "sockfilter.h"

#define DNS_PORT 53
/* Bytes of a DNS packet copied from its IP header on; user space parses
 * them (src/netparse.c). Answers past this are not seen. */
#define DNS_PKT_MAX 1024
/* A packet up to this size gets a record this size (a query, a short
 * answer), a larger one DNS_PKT_MAX: the record is struct dns_event cut
 * after data[caplen] at the least, never longer. */
#define DNS_PKT_SMALL 192

/* struct sf_packet.flags */
#define DNS_F_TIMEOUT 0x1      /* made by user space: a query without answer */

struct dns_event {
	struct sf_packet h;
	__u8 data[DNS_PKT_MAX];
};

#endif
