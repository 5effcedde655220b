/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * profile_cpu: on-CPU stacks sampled by a perf event on every CPU, counted
 * per process and stack pair in the kernel (bpf/profile_cpu.bpf.c), then
 * symbolized and printed at the end (src/gadgets/profile_cpu.c).
 */
#ifndef IG_PROFILE_CPU_H
#define IG_PROFILE_CPU_H

#include "ig_event.h"

#define PC_MAX_STACKS   16384
#define PC_MAX_DEPTH    127        /* the kernel's PERF_MAX_STACK_DEPTH */
#define PC_MAX_ENTRIES  16384

struct pc_key {
	__u32 pid;
	__s32 user_stack;   /* stack map id, or a negative errno (none) */
	__s32 kern_stack;
	__u32 _pad;
};

struct pc_count {
	struct ig_proc proc;   /* the first sample's thread */
	__u64 samples;
};

#ifndef __bpf__
struct obuf;
/* One frame's name as folded stacks can hold it: ';', spaces, control and
 * non-ASCII bytes become '_'. */
void pc_put_frame(struct obuf *b, const char *name);
#endif

#endif
