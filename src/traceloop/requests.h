/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's answers to list, show and close (requests.c). */
#ifndef IG_TL_REQUESTS_H
#define IG_TL_REQUESTS_H

#include <stdbool.h>
#include "obuf.h"

/* A trace is printed this much at a time (more by one row at most). */
#define TL_ANSWER_CHUNK (256u << 10)

struct tl_recorder;
struct tl_print;

/* What goes back to one client: frames (proto.h) not yet sent. */
struct tl_answer {
	struct obuf out;
	size_t sent;                  /* bytes of out the client took */
	struct tl_print *show;        /* a trace being printed, or NULL */
	bool done;                    /* the exit frame is in out */
};

/* Check the request argv in full, then act: list and close answer at
 * once; show takes a snapshot and prints it through tl_answer_more. Never
 * blocks. */
void tl_answer_request(struct tl_answer *a, struct tl_recorder *r, int argc, char **argv);
/* The next piece of a show (about TL_ANSWER_CHUNK bytes), and the exit
 * frame after the last. Call when out is sent and !done. */
void tl_answer_more(struct tl_answer *a);
/* A message for the client's stderr, and the exit code: the end. */
void tl_answer_error(struct tl_answer *a, int code, const char *msg);
/* A show that cannot go on (its recorder is stopping): drop the rest of
 * the trace, then msg and a runtime exit code. Nothing when not showing. */
void tl_answer_abort(struct tl_answer *a, const char *msg);
void tl_answer_free(struct tl_answer *a);

#endif
