/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * Packet gadgets (trace_dns, trace_sni): socket filters on an AF_PACKET
 * socket per network namespace, and the map that says which process owns
 * a local port there. Shared by both sides of the BPF boundary.
 */
#ifndef IG_SOCKFILTER_H
#define IG_SOCKFILTER_H

#include "ig_event.h"

/* The dispatcher of each namespace stores the namespace's inode here
 * (skb->cb[SF_CB_NETNS]) and tail-calls slot 0 of sf_progs. */
#define SF_CB_NETNS 0

/* Loopback has ifindex 1 in every namespace. */
#define SF_LO_IFINDEX 1

/* skb->pkt_type values (linux/if_packet.h). */
#define SF_PACKET_HOST     0
#define SF_PACKET_OUTGOING 4

/* IP protocol numbers. */
#define SF_PROTO_TCP 6
#define SF_PROTO_UDP 17

/* A local port in a network namespace: the key of sf_owners. Ports in
 * host order. */
struct sf_port_key {
	__u32 netns;
	__u16 port;
	__u8 proto;            /* SF_PROTO_TCP or SF_PROTO_UDP */
	__u8 _pad;
};

/* What the filter knows of a packet, ahead of its bytes. */
struct sf_packet {
	struct ig_proc proc;   /* the local port's owner; pid 0 if unknown */
	__u64 timestamp;       /* bpf_ktime_get_boot_ns() when seen */
	__u32 netns_id;
	__u32 ifindex;
	__u32 len;             /* bytes from the network header on */
	__u16 caplen;          /* of them, in data[] */
	__u8 pkt_type;         /* SF_PACKET_* */
	__u8 flags;            /* the gadget's own */
};

#endif
