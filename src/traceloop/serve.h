/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's loop (serve.c). */
#ifndef IG_TL_SERVE_H
#define IG_TL_SERVE_H

struct tl_recorder;

/* More work for the same loop (ig daemon's other gadgets): fd is polled
 * for input too (-1: none; read again every turn, so it may change), and
 * turn() runs after every poll, returning 0 or an exit code that ends the
 * loop. turn() may start or stop traceloop (a reload): r is then the new
 * recorder or NULL, and the clients still printing a trace of the old
 * one are dropped before anything else touches it. */
struct tl_serve_hook {
	int fd;
	int (*turn)(void *arg);
	void *arg;
	struct tl_recorder *r;
};

/* Record (r may be NULL: no traceloop, whose requests are then refused;
 * with a hook, its r is the recorder from then on),
 * and answer the clients of lfd (a listening socket), until a stop signal
 * or timeout seconds (0: none). A client that does not send its request
 * within client_timeout seconds, or takes nothing of its answer for as
 * long, is dropped. hook may be NULL. Returns an exit code. */
int tl_serve(struct tl_recorder *r, int lfd, double timeout, double client_timeout,
	     struct tl_serve_hook *hook);

#endif
