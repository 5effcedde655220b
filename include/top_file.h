/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * top_file: reads and writes per process and file, counted in a kernel
 * hash (bpf/top_file.bpf.c) that user space reads and clears every
 * --interval (src/gadgets/top_file.c).
 */
#ifndef IG_TOP_FILE_H
#define IG_TOP_FILE_H

#include "ig_event.h"

#define TF_MAX_ENTRIES 10240
#define TF_NAME_LEN    64      /* the file's name (its last path component) */

/* The file's type, as the T column shows it. */
#define TF_TYPE_REGULAR 'R'
#define TF_TYPE_SOCKET  'S'
#define TF_TYPE_OTHER   'O'

struct tf_key {
	__u64 dev;      /* the file system's dev_t (kernel encoding) */
	__u64 ino;
	__u32 pid;
	__u32 _pad;
};

struct tf_stats {
	struct ig_proc proc;   /* the thread that first touched it this interval */
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
	char name[TF_NAME_LEN];
	char type;             /* TF_TYPE_* */
	char _pad[7];
};

#ifndef __bpf__
struct row;
struct gadget_ctx;
/* One entry's row (the gadget's decoder). */
void tf_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct tf_key *k,
		 const struct tf_stats *v);
#endif

#endif
