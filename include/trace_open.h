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

/* Sent at its real length: the record ends after fname_len bytes of
 * fname, so a ring holds about three times more opens than at full size. */
struct open_event {
	struct ig_proc proc;
	__s32 ret;             /* fd, or -errno */
	__u32 flags;
	__u32 mode;
	__u32 fname_len;       /* bytes read, including the NUL */
	char fname[OPEN_FNAME_MAX];
};

#define OPEN_EVENT_HDR_SIZE __builtin_offsetof(struct open_event, fname)

#endif
