/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_BIND_H
#define IG_TRACE_BIND_H

#include "ig_event.h"
#include "ig_net.h"

/* opts_raw bits: the socket options that decide what a bind may share. */
#define BIND_OPT_REUSEADDR 0x08
#define BIND_OPT_REUSEPORT 0x10

struct bind_event {
	struct ig_proc proc;
	struct ig_l4 addr;     /* the address bound (asked for, if it failed) */
	__u32 netns_id;
	__u32 bound_dev_if;    /* SO_BINDTODEVICE's ifindex; 0: none */
	__s32 error;           /* positive errno, 0 on success */
	__s32 fd;
	__u8 opts;             /* BIND_OPT_* */
	__u8 _pad[7];
};

#endif
