/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_OOMKILL_H
#define IG_TRACE_OOMKILL_H

#include "ig_event.h"

/* What the kernel told about the victim (flags). */
#define OOM_HAS_TCOMM 0x1   /* tcomm */
#define OOM_HAS_PAGES 0x2   /* pages */
#define OOM_HAS_TUID  0x4   /* tuid */
#define OOM_VICTIM_NS 0x8   /* proc.mntns_* are the victim's (else the trigger's) */

/*
 * The OOM killer chose a victim. proc is the task that ran the killer
 * (the one whose allocation failed: FPID, FCOMM...), except its mount
 * namespace, which is the victim's when known, so that a container's OOM
 * kill is that container's event.
 */
struct oomkill_event {
	struct ig_proc proc;
	__u64 pages;           /* the victim's resident pages (anon + file + shmem) */
	__u32 tpid;            /* the victim's pid (its thread group) */
	__u32 tuid;
	__u32 flags;           /* OOM_* */
	char tcomm[IG_COMM_LEN];
};

#endif
