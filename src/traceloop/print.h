/* SPDX-License-Identifier: Apache-2.0 */
/* Printing traces with the user's output options: shared by "ig run
 * traceloop" and the daemon's "show". */
#ifndef IG_TL_PRINT_H
#define IG_TL_PRINT_H

#include "sink.h"
#include "traceloop/render.h"

struct tl_print {
	struct sink sink;
	struct tl_render rd;
	uint8_t syscalls[TL_NR_MAX];
	bool header;                 /* a "# trace ..." line before each (text) */
	/* Where notes about a trace go (dropped records): stderr, or the
	 * daemon's client. */
	void (*note)(void *arg, const char *msg);
	void *note_arg;
};

/*
 * text: the strace-like format (no -o given). syscalls: --syscall-filters,
 * or NULL. Returns 0, or -EINVAL with a usage error in err.
 */
int tl_print_init(struct tl_print *p, const struct gadget *g, const struct run_opts *o, bool text,
		  const char *syscalls, char *err, size_t errlen);
/* The columns header, once. */
void tl_print_begin(struct tl_print *p);
/* Print a trace into p->sink.out.buf, all at once. */
int tl_print_trace(struct tl_print *p, struct tl_recorder *r, const struct tl_trace *t);
/* The same a piece at a time: tl_print_start takes a snapshot of the trace
 * (and says what it lost), each tl_print_more adds to p->out.buf until it
 * holds at least max bytes, and returns true once the trace is done. */
int tl_print_start(struct tl_print *p, struct tl_recorder *r, const struct tl_trace *t);
bool tl_print_more(struct tl_print *p, size_t max);
void tl_print_free(struct tl_print *p);

/* Whether argv asks for a table or JSON (-o/--output, or --fields): else
 * traceloop prints its strace-like text. */
bool tl_output_given(int argc, char **argv);

#endif
