/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * traceloop: a per-container syscall flight recorder. Each container has an
 * overwritable ring in BPF array memory that user space maps and reads on
 * demand; this header is the layout both sides agree on.
 */
#ifndef IG_TRACELOOP_H
#define IG_TRACELOOP_H

#include "ig_event.h"

/* Every ring is a BPF array of TL_SLOT_SIZE-byte slots: slot 0 is the
 * control block (struct tl_ctl), slots 1..nslots the records. */
#define TL_SLOT_SIZE   256
#define TL_DATA_MAX    136      /* bytes of pointer content per record */
#define TL_NARGS       6
#define TL_NR_MAX      512      /* syscall numbers described to BPF */
#define TL_MAX_TRACES  1024     /* rings in the kernel at once */
#define TL_STAGING_SLOTS 4096   /* the shared ring of namespaces with no ring yet */

/* Record kinds. */
#define TL_ENTER 1
#define TL_EXIT  2
#define TL_CONT  3    /* one more pointer content of the preceding enter */

/* Record flags. */
#define TL_F_TRUNC 0x1   /* content cut at TL_DATA_MAX */
#define TL_F_FAULT 0x2   /* the pointer could not be read */

#define TL_ARG_NONE 0xff

/* What a syscall argument points to (struct tl_desc.kind). */
#define TL_K_NONE      0
#define TL_K_STR       1   /* NUL-terminated string, read at enter */
#define TL_K_BUF_ENTER 2   /* buffer, length in another argument, read at enter */
#define TL_K_BUF_EXIT  3   /* buffer filled by the call, length = return value */

struct tl_rec {
	__u64 seq;            /* ring index + 1 once committed; 0 while written */
	__u64 ts;             /* bpf_ktime_get_boot_ns() */
	__u64 mntns;          /* inode number: reused once the namespace dies */
	__u64 gen;            /* the namespace's never-reused id (0: unknown);
			       * its key is gen when ig_mntns_by_id, else mntns */
	__u32 pid;
	__u32 tid;
	__u16 nr;
	__u16 cpu;
	__u8 kind;
	__u8 arg;             /* argument the content belongs to, or TL_ARG_NONE */
	__u8 flags;
	__u8 _pad;
	__u16 len;            /* content bytes in data */
	__u16 _pad2[3];
	char comm[IG_COMM_LEN];
	__u64 args[TL_NARGS]; /* TL_EXIT: args[0] is the return value */
	char data[TL_DATA_MAX];
};

/* Slot 0 of a ring. head only grows: record i lives in slot 1 + (i & mask).
 * gen binds the ring to one namespace: a later namespace with the same
 * inode number finds a ring of another generation and is staged instead. */
struct tl_ctl {
	__u64 head;
	__u64 mask;           /* nslots - 1, nslots a power of two */
	__u64 gen;            /* 0: taken by the first record */
	char _pad[TL_SLOT_SIZE - 24];
};

/* Per syscall number: which arguments point to content (TL_K_*), and for
 * TL_K_BUF_ENTER which argument holds the length. Built by user space from
 * the tracefs format files of the running kernel. */
struct tl_desc {
	__u8 kind[TL_NARGS];
	__u8 lenarg[TL_NARGS];
	__u8 exit_arg;        /* the TL_K_BUF_EXIT argument, or TL_ARG_NONE */
	__u8 nenter;          /* arguments read at enter */
	__u8 _pad[2];
};

/* To user space through ig_events: a namespace with no ring yet started
 * making syscalls (its records are in the staging ring). */
struct tl_notify {
	__u64 mntns;          /* inode number */
	__u64 key;            /* as ig_mntns is keyed (ig_mntns_key) */
	__u64 gen;            /* the unique id, 0 if the kernel has none */
	__u64 ts;             /* bpf_ktime_get_boot_ns(): it was alive then */
	__u32 pid;
	__u32 fresh;          /* its inode number had a verdict or a ring of a dead one */
};

#endif
