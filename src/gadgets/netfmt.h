/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The network gadgets' shared fields and formatting: an end (struct ig_l4)
 * as IG shows it, {addr, port, version, proto} in JSON and "addr:port" in
 * its column; TCP states and flags by name.
 */
#ifndef IG_NETFMT_H
#define IG_NETFMT_H

#include <linux/types.h>
#include "field.h"
#include "ig_net.h"

/* Five consecutive field indexes for one end: NET_L4_ENUM(F_SRC) declares
 * F_SRC_EP, F_SRC_ADDR, F_SRC_PORT, F_SRC_VERSION, F_SRC_PROTO. */
#define NET_L4_ENUM(F) F##_EP, F##_ADDR, F##_PORT, F##_VERSION, F##_PROTO
/* Their declarations: NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport"). */
#define NET_L4_FIELDS(F, name, hdr, addr_alias, port_alias, flags)                         \
	[F##_EP]      = { name ".endpoint", hdr, name, FT_STR, 21, flags },              \
	[F##_ADDR]    = { name ".addr", NULL, addr_alias, FT_STR, 15, 0 },               \
	[F##_PORT]    = { name ".port", NULL, port_alias, FT_UINT, 5, FF_RIGHT },        \
	[F##_VERSION] = { name ".version", NULL, NULL, FT_UINT, 2, FF_RIGHT },           \
	[F##_PROTO]   = { name ".proto", NULL, NULL, FT_STR, 4, 0 }

/*
 * A row's network namespace, and who else is in it: NET_NETNS_ENUM(F_NETNS)
 * declares F_NETNS, F_NETNS_SHARED, F_NETNS_CONTAINERS, in that order
 * (the enricher fills the last two, src/enrich.c):
 *   netns_id          the namespace's inode
 *   netns_shared      true when several running containers share it (a pod,
 *                     docker run --network container:X)
 *   netns_containers  their names, comma-separated
 */
#define NET_NETNS_ENUM(F) F, F##_SHARED, F##_CONTAINERS
#define NET_NETNS_FIELDS(F)                                                                 \
	[F]               = { "netns_id", "NETNS", "netns", FT_UINT, 10, FF_RIGHT },       \
	[F##_SHARED]      = { "netns_shared", "SHARED", NULL, FT_BOOL, 6, 0 },             \
	[F##_CONTAINERS]  = { "netns_containers", "NETNS_CONTAINERS", NULL, FT_STR, 24, 0 }

/* Set netns_id at idx (the schema index of F_NETNS), and mark the row so
 * that enrichment names the containers by the namespace too. */
void net_set_netns(struct row *r, int idx, __u32 netns);

/* Fill the five fields from idx (the schema index of F##_EP). An end with
 * no address (version 0) leaves them empty. */
void net_set_l4(struct row *r, int idx, const struct ig_l4 *e);

/* "ESTABLISHED", "SYN_SENT"...; NULL past TCP_NEW_SYN_RECV. */
const char *net_tcp_state(unsigned int state);
/* "SYN|ACK" into buf (room: 32 bytes); "" for none. */
void net_tcp_flags(unsigned int flags, char *buf, size_t size);

#endif
