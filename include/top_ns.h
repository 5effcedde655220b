/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * The namespaces new to a top gadget's interval (bpf/top_ns.bpf.h), for
 * user space to name while their processes live (src/gadgets/top_ns.c).
 * A top gadget names its rows' containers when the interval ends; by then
 * a container that ran a second and exited may be gone from everywhere
 * user space looks (its processes, its runtime's state with --rm), and
 * its rows would fall out of -c's selection.
 */
#ifndef IG_TOP_NS_H
#define IG_TOP_NS_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define TOP_NS_MAX   1024
#define TOP_NS_TRIES 20    /* ticks (~1 s) to wait for the runtime to record it */

struct top_ns_seen {
	__u32 pid;     /* a process of the namespace, as the entry was made */
	__u32 tries;   /* user space's */
};

#ifndef __bpf__
struct ig_batch;
/* Every tick: name the namespaces the map lists (a container then stays in
 * the table, exited, past the interval's end), and forget them. */
void top_ns_tick(struct ig_batch *b, int map_fd);
#endif

#endif
