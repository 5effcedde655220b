/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
#ifndef IG_TRACE_EXEC_H
#define IG_TRACE_EXEC_H

#include "ig_event.h"

#define EXEC_ARGS_MAX  8192   /* bytes of NUL-separated argv; power of two */
#define EXEC_MAX_ARGS  128    /* argv entries read for a failed exec */
#define EXEC_PATH_MAX  512    /* cwd and exepath with --paths */

#define EXEC_F_ARGS_TRUNCATED (1U << 0)
#define EXEC_F_EXECVEAT       (1U << 1)
#define EXEC_F_PATHS          (1U << 2)   /* cwd/exepath are filled */
/* A path cut by the walk: its end (longer than EXEC_PATH_MAX) or its top
 * components (deeper than the walk goes). */
#define EXEC_F_CWD_TRUNCATED  (1U << 3)   /* the end of cwd is missing */
#define EXEC_F_EXE_TRUNCATED  (1U << 4)   /* the end of exepath is missing */
#define EXEC_F_CWD_CUT_TOP    (1U << 5)
#define EXEC_F_EXE_CUT_TOP    (1U << 6)

#define EXEC_PATHS_SIZE (2 * EXEC_PATH_MAX)

struct exec_event {
	struct ig_proc proc;
	__s32 retval;
	__u32 flags;
	__u32 args_count;
	__u32 args_size;      /* valid bytes of argv */
	/* With EXEC_F_PATHS: cwd[EXEC_PATH_MAX], exepath[EXEC_PATH_MAX], then
	 * argv; without, argv only. The record ends with argv's last byte, so
	 * an exec without --paths sends ~100 bytes, not 1 KiB of empty paths. */
	char tail[EXEC_PATHS_SIZE + EXEC_ARGS_MAX];
};

/* Where argv starts in tail. */
#define EXEC_ARGS_OFF(flags) ((flags) & EXEC_F_PATHS ? EXEC_PATHS_SIZE : 0)

#endif
