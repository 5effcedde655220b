/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_file: reads and writes per process and file. The kernel
 * (bpf/top_file.bpf.c) gives each file of each process a slot in a
 * counting array the first time it sees it in an interval (a hash from
 * the file to its slot, with the file's name and who touched it), and
 * remembers the last few files per CPU so that the next read or write of
 * one is two atomic adds into its slot, no hash lookup. The counting array
 * has two halves, one per generation's parity: every --interval user space
 * (src/gadgets/top_file.c) moves the kernel to the next generation, and
 * reads the old half with the hash entries of its generation.
 */
#ifndef IG_TOP_FILE_H
#define IG_TOP_FILE_H

#include "ig_event.h"

#define TF_MAX_ENTRIES 10240
#define TF_NAME_LEN    64      /* the file's name (its last path component) */
#define TF_HIT_WAYS    4       /* files remembered per CPU, by fd modulo this */
#define TF_CELLS       (TF_MAX_ENTRIES + 1)          /* a half: its header, then the slots */
#define TF_HALF(gen)   (1 + ((gen) & 1) * TF_CELLS)  /* where generation gen's half starts */
#define TF_CELLS_ALL   (1 + 2 * TF_CELLS)            /* the generation, then the two halves */

/* The file's type, as the T column shows it. */
#define TF_TYPE_REGULAR 'R'
#define TF_TYPE_SOCKET  'S'
#define TF_TYPE_OTHER   'O'

struct tf_key {
	__u64 dev;      /* the file system's dev_t (kernel encoding) */
	__u64 ino;
	__u32 pid;
	__u32 gen;      /* the counting array's generation (its interval) */
};

/* A slot of the counting array. Slot 0 of each half is its header
 * instead: writes is how many slots are taken (a zeroed half is a fresh
 * one). */
struct tf_counts {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
};

/* Per CPU: the last file one fd slot of a thread counted into. */
struct tf_hit {
	__u64 file;      /* struct file * */
	__u64 inode;     /* struct inode *: a recycled file pointer differs here */
	__u64 pid_tgid;
	__u32 gen;
	__u32 slot;
};

/* The hash's value: the file's row but its counts, which user space
 * copies in from the slot. */
struct tf_stats {
	struct ig_proc proc;   /* the thread that first touched it this interval */
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
	char name[TF_NAME_LEN];
	char type;             /* TF_TYPE_* */
	char _pad[3];
	__u32 slot;            /* its slot in the counting array */
};

#ifndef __bpf__
struct row;
struct gadget_ctx;
/* One entry's row (the gadget's decoder). */
void tf_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct tf_key *k,
		 const struct tf_stats *v);
#endif

#endif
