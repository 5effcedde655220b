/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_SNAPSHOT_SOCKET_H
#define IG_SNAPSHOT_SOCKET_H

#include "ig_net.h"

/* One socket, as the iterators write it (and the /proc parser fills it). */
struct sock_entry {
	struct ig_l4 src;      /* local end; proto says TCP or UDP */
	struct ig_l4 dst;
	__u64 ino;             /* the socket's inode; 0 for TIME_WAIT and requests */
	__u32 netns_id;
	__u8 state;            /* TCP_ESTABLISHED...; UDP: ESTABLISHED or CLOSE */
	__u8 _pad[3];
};

#endif
