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
	PROC_EV_MATCH = 4,    /* a policy selector matched (struct policy_event) */
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

/*
 * Policies (TracingPolicy's tracepoint subset): user space resolves each
 * spec.tracepoints entry against the kernel's tracefs format into a
 * struct pol_hook, one per attached tracepoint (its index is the
 * attachment's bpf_cookie); BPF reads the arguments, tries the selectors in
 * order and acts on the first that matches.
 */
#define POL_MAX_HOOKS     8
#define POL_MAX_SELECTORS 4      /* per tracepoint */
#define POL_MAX_ARGS      5      /* spec args per tracepoint */
#define POL_MAX_MATCH     4      /* matchArgs per selector */
#define POL_MAX_VALUES    4      /* values per matchArgs/matchBinaries */
#define POL_MAX_PIDS      8
#define POL_MAX_NS        4
#define POL_STR           256    /* string values compared; a power of two */

enum pol_arg_kind {
	POL_ARG_INT = 1,      /* a signed integer field */
	POL_ARG_UINT,         /* unsigned */
	POL_ARG_USTR,         /* a char * into the caller's memory (filename) */
	POL_ARG_LOCSTR,       /* a __data_loc char[] in the record */
};

enum pol_op {
	POL_OP_NONE = 0,
	POL_OP_IN, POL_OP_NOTIN,                     /* binaries, pids, namespaces */
	POL_OP_EQUAL, POL_OP_NOTEQUAL, POL_OP_PREFIX, POL_OP_POSTFIX,   /* args */
};

enum pol_action { POL_ACT_POST = 1, POL_ACT_NOPOST, POL_ACT_SIGKILL, POL_ACT_SIGNAL };

enum pol_ns { POL_NS_MNT = 1, POL_NS_NET, POL_NS_UTS, POL_NS_IPC, POL_NS_PID, POL_NS_CGROUP };

struct pol_arg {
	__u16 off;            /* in the tracepoint's record */
	__u8 size;
	__u8 kind;            /* enum pol_arg_kind */
};

struct pol_match {
	__u8 arg;             /* position in the hook's args */
	__u8 op;              /* enum pol_op */
	__u8 nvals;
	__u8 _pad;
	__u32 lens[POL_MAX_VALUES];
	__s64 nums[POL_MAX_VALUES];
	char strs[POL_MAX_VALUES][POL_STR];
};

struct pol_selector {
	__u8 used;
	__u8 bin_op;          /* In, NotIn, or none */
	__u8 nbins;
	__u8 pid_op;
	__u8 npids;
	__u8 ns_op;
	__u8 ns_kind;         /* enum pol_ns */
	__u8 nns;
	__u8 nmatch;
	__u8 post;            /* send an event (not NoPost) */
	__u8 _pad[2];
	__u32 action;         /* enum pol_action: Sigkill, Signal, or Post */
	__u32 sig;
	__u32 bin_lens[POL_MAX_VALUES];
	char bins[POL_MAX_VALUES][POL_STR];
	__u32 pids[POL_MAX_PIDS];
	__u64 ns[POL_MAX_NS];
	struct pol_match m[POL_MAX_MATCH];
};

struct pol_hook {
	__u32 policy;         /* index of its policy (user space names it) */
	__u32 nargs;
	__u32 want_bin;       /* a selector matches binaries */
	__u32 scope_bit;      /* its policy's containerSelector: act only where the
			       * pol_scope map has this bit; 0: no selector */
	__u32 next;           /* 1 + the index of the next hook on the same
			       * tracepoint (one attachment serves them all:
			       * the kernel attaches a program once per
			       * tracepoint); 0: the last */
	__u32 _pad;
	struct pol_arg args[POL_MAX_ARGS];
	struct pol_selector sel[POL_MAX_SELECTORS];
};

/* The binary a process exec'd, for matchBinaries: BPF records it at exec,
 * user space seeds it from /proc. */
struct pol_bin {
	__u32 len;
	char s[POL_STR];
};

/* A match, in the same stream as the lifecycle events. */
struct policy_event {
	struct ig_proc proc;
	__u32 kind;           /* PROC_EV_MATCH, where process_event has it */
	__u32 hook;
	__u32 selector;
	__u32 action;
	__u32 sig;
	__u32 nargs;
	__s64 nums[POL_MAX_ARGS];
	__u32 lens[POL_MAX_ARGS];
	__u32 have;           /* BPF's own: the args it has read in this run */
	char strs[POL_MAX_ARGS][POL_STR];
};

#endif
