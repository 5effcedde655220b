/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_AUDIT_SECCOMP_H
#define IG_AUDIT_SECCOMP_H

#include "ig_event.h"

/*
 * What the seccomp filter did, as far as the kernel shows it without
 * kprobes. A kill of the last (or only) thread raises SIGSYS like a kill of
 * the process, so the two are one code then.
 */
#define SECCOMP_CODE_KILL_PROCESS 1   /* SIGSYS, a multi-threaded process */
#define SECCOMP_CODE_KILL_THREAD  2   /* the thread exited without a signal */
#define SECCOMP_CODE_KILL         3   /* SIGSYS, a single thread: either kill action */
#define SECCOMP_CODE_TRAP         4   /* SIGSYS the process may handle */
#define SECCOMP_CODE_COUNT        5

struct seccomp_event {
	struct ig_proc proc;
	__u32 syscall;     /* number, x86_64 */
	__u32 code;        /* SECCOMP_CODE_* */
	__u32 data;        /* SECCOMP_RET_DATA (si_errno); 0 without a signal */
	__u32 arch;        /* AUDIT_ARCH_*; 0 without a signal */
};

#endif
