/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/* trace_fsslower: VFS reads, writes, opens and fsyncs slower than --min;
 * bpf/trace_fsslower.bpf.c, src/gadgets/trace_fsslower.c. */
#ifndef IG_TRACE_FSSLOWER_H
#define IG_TRACE_FSSLOWER_H

#include "ig_event.h"

#define FSS_NAME_LEN 64

/* The operation, as the T column shows it. */
#define FSS_READ  'R'
#define FSS_WRITE 'W'
#define FSS_OPEN  'O'
#define FSS_FSYNC 'F'

struct fss_event {
	struct ig_proc proc;
	__u64 delta_ns;
	__s64 offset;     /* where a read or write started */
	__s64 ret;        /* bytes moved, or 0 / -errno */
	__u64 size;       /* bytes asked for */
	__u8 op;          /* FSS_* */
	__u8 _pad[7];
	char file[FSS_NAME_LEN];
};

#endif
