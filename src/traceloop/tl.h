/* SPDX-License-Identifier: Apache-2.0 */
/* traceloop in user space: its fields, flags and commands. */
#ifndef IG_TL_H
#define IG_TL_H

#include "gadget.h"

/* Fields of a syscall (src/gadgets/traceloop.c declares them). */
enum tl_field {
	TLF_CPU,
	TLF_SYSCALL,
	TLF_PARAMETERS,
	TLF_RET,
	TLF_RET_RAW,
	TLF_ERROR,
	TLF_ERROR_RAW,
	TLF_UNFINISHED,
	TLF_COUNT,
};

/* traceloop's own flags (src/gadgets/traceloop.c binds them). */
struct tl_opts {
	const char *syscalls;      /* --syscall-filters */
	uint64_t buffer_size;      /* --buffer-size */
};

extern const struct gadget gadget_traceloop;

/* ig run traceloop: record until Ctrl-C or --timeout, then print. */
int tl_run(const struct gadget *g, int argc, char **argv);
/* ig daemon: record every container and serve list/show/close. */
int tl_daemon_main(int argc, char **argv);
/* ig traceloop list|show|close: ask the daemon. */
int tl_client_main(int argc, char **argv);

#define TL_DEFAULT_SOCKET "/run/ig/ig.sock"

#endif
