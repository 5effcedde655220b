/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_SIGNAL_H
#define IG_TRACE_SIGNAL_H

#include "ig_event.h"

/* How the signal was sent: a kill-family syscall (reported at its exit,
 * with its error), or any other generation the kernel traced (a fault, a
 * child's exit, a timer, a pipe...). */
#define SIGNAL_VIA_GENERATE 0
#define SIGNAL_VIA_KILL     1
#define SIGNAL_VIA_TKILL    2
#define SIGNAL_VIA_TGKILL   3

/* The signal_generate tracepoint's result (TRACE_SIGNAL_* in the kernel);
 * SIGNAL_RESULT_NONE: no signal was generated (the call failed first, or
 * signal 0 only checked the target). */
#define SIGNAL_RESULT_NONE 0xff

struct signal_event {
	struct ig_proc proc;   /* the sender */
	__s32 tpid;            /* target pid or tid, as the host numbers it; kill()'s argument
				* when no signal was generated or it was 0, -1 or -pgid */
	__s32 sig;
	__s32 err;             /* errno of the syscall, 0 on success */
	__u8 via;              /* SIGNAL_VIA_* */
	__u8 result;           /* TRACE_SIGNAL_* or SIGNAL_RESULT_NONE */
	__u8 _pad[2];
	char tcomm[IG_COMM_LEN];   /* the (first) target's command; empty if none */
};

#endif
