/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/* What the network gadgets share across the BPF boundary: one end of a
 * connection, and the numbers of the kernel they decode. */
#ifndef IG_NET_H
#define IG_NET_H

/* Address families and protocols as the kernel numbers them. */
#define IG_AF_INET      2
#define IG_AF_INET6     10
#define IG_IPPROTO_TCP  6
#define IG_IPPROTO_UDP  17

/* One end: an IPv4 address fills the first 4 bytes of addr. Host order. */
struct ig_l4 {
	__u8 addr[16];
	__u16 port;
	__u8 version;      /* 4 or 6; 0: no address */
	__u8 proto;        /* IG_IPPROTO_* */
};

/* TCP header flag bits (the byte after the data offset). */
#define IG_TCP_FIN 0x01
#define IG_TCP_SYN 0x02
#define IG_TCP_RST 0x04
#define IG_TCP_PSH 0x08
#define IG_TCP_ACK 0x10
#define IG_TCP_URG 0x20
#define IG_TCP_ECE 0x40
#define IG_TCP_CWR 0x80

#endif
