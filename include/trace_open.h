/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_OPEN_H
#define IG_TRACE_OPEN_H

#include "ig_event.h"

#define OPEN_FNAME_MAX   256
#define OPEN_PREFIX_MAX  64     /* --prefixes entries */

/* LPM trie key for --prefixes: prefixlen is in bits. */
struct open_prefix_key {
	__u32 prefixlen;
	char path[OPEN_FNAME_MAX];
};

#define OPEN_PATH_MAX    4096   /* fpath with --paths; a power of two, at most 4096 */

/* fpath_flags: what fpath holds. Neither FILE nor DIR: fpath is empty, and
 * the attempted path is fname itself if it is absolute (else unknown). */
#define OPEN_FP_FILE      (1U << 0)  /* the path of the file opened (fd's f_path) */
#define OPEN_FP_DIR       (1U << 1)  /* the directory fname was resolved from
				      * (cwd or dirfd): user space joins them */
#define OPEN_FP_CUT_TOP   (1U << 2)  /* deeper than the walk: leading components missing */
#define OPEN_FP_CUT_END   (1U << 3)  /* longer than OPEN_PATH_MAX: the end is missing */
#define OPEN_FP_FNAME_CUT (1U << 4)  /* the name passed was longer than fname holds */

/*
 * Sent at its real length. Without --paths the record ends after fname_len
 * bytes of fname, so a ring holds about three times more opens than at full
 * size. With --paths, fname is sent whole and the record ends after
 * fpath_len bytes of fpath; a record is at least OPEN_EVENT_PATHS_SIZE
 * bytes long exactly when it carries the fpath_* part.
 */
struct open_event {
	struct ig_proc proc;
	__s32 ret;             /* fd, or -errno */
	__u32 flags;
	__u32 mode;
	__u32 fname_len;       /* bytes read, including the NUL */
	char fname[OPEN_FNAME_MAX];
	/* --paths only */
	__u32 fpath_flags;     /* OPEN_FP_* */
	__u32 fpath_len;       /* bytes of fpath, including the NUL; 0: none */
	char fpath[OPEN_PATH_MAX];
};

#define OPEN_EVENT_HDR_SIZE   __builtin_offsetof(struct open_event, fname)
#define OPEN_EVENT_PATHS_SIZE __builtin_offsetof(struct open_event, fpath)

#endif
