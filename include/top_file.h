/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_file: reads and writes per process and file, counted in a counting
 * array (include/top_cells.h): the hash tf_stats gives each file of each
 * process its slot the first time the kernel (bpf/top_file.bpf.c) sees it
 * in an interval, with the file's name and who touched it; the last few
 * files per CPU are remembered, so the next read or write of one is two
 * atomic adds into its slot, no hash lookup.
 */
#ifndef IG_TOP_FILE_H
#define IG_TOP_FILE_H

#include "ig_event.h"

#define TF_MAX_ENTRIES 10240
#define TF_NAME_LEN    64      /* the file's name (its last path component) */
#define TF_HIT_WAYS    4       /* files remembered per CPU, by fd modulo this */

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

/* A slot of the counting array (slot 0: its struct top_cells_head). */
struct tf_counts {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
};

/* The hash's value: the file's row but its counts, which user space
 * copies in from the slot. */
struct tf_stats {
	struct ig_proc proc;   /* the thread that first touched it this interval */
	__u64 reads;           /* reads..wbytes: the slot's, in struct tf_counts's
				* order (user space copies them in) */
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
