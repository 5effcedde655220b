/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * trace_process: the process lifecycle (fork, exec, exit) as Tetragon
 * reports it. Every record starts with struct process_event's head; an exec
 * carries its binary, cwd and argv after it.
 */
#ifndef IG_TRACE_PROCESS_H
#define IG_TRACE_PROCESS_H

#include "ig_event.h"

#define PROC_BIN_MAX   256
#define PROC_CWD_MAX   512     /* power of two: ig_read_path's size */
#define PROC_ARGS_MAX  4096    /* bytes of NUL-separated argv; power of two */

enum process_kind {
	PROC_EV_EXEC = 1,
	PROC_EV_FORK = 2,     /* a new thread group; user space caches it */
	PROC_EV_EXIT = 3,     /* the last thread of a group exited */
};

#define PROC_F_ARGS_TRUNCATED (1U << 0)
#define PROC_F_CWD_CUT        (1U << 1)   /* cwd too deep or too long */
#define PROC_F_BIN_TRUNCATED  (1U << 2)

struct process_event {
	struct ig_proc proc;
	__u32 kind;           /* enum process_kind */
	__u32 flags;
	/* exec, fork: now (bpf_ktime_get_boot_ns); exit: the process's own
	 * exec (or fork) time as BPF remembered it, 0 if it did not see it. */
	__u64 ktime;
	/* exec: the parent's exec (or fork) time, 0 if BPF did not see it. */
	__u64 parent_ktime;
	__u32 child_pid;      /* fork: the new thread group */
	__s32 exit_code;      /* exit: wait status (code << 8, or signal) */
	__u32 auid;           /* loginuid; 4294967295 when unset */
	__u32 args_size;      /* exec: valid bytes in args[] */
	/* exec only: */
	char binary[PROC_BIN_MAX];
	char cwd[PROC_CWD_MAX];
	char args[PROC_ARGS_MAX];  /* only args_size bytes are sent */
};

/* A fork or an exit sends only the head. */
#define PROC_HEAD_SIZE __builtin_offsetof(struct process_event, binary)

#endif
