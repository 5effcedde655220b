/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's loop (serve.c). */
#ifndef IG_TL_SERVE_H
#define IG_TL_SERVE_H

struct tl_recorder;

/* More work for the same loop (ig daemon's other gadgets): fd is polled
 * for input too (-1: none; read again every turn, so it may change), and
 * turn() runs after every poll, returning 0 or an exit code that ends the
 * loop. */
struct tl_serve_hook {
	int fd;
	int (*turn)(void *arg);
	void *arg;
};

/* Record (r may be NULL: no traceloop, whose requests are then refused),
 * and answer the clients of lfd (a listening socket), until a stop signal
 * or timeout seconds (0: none). A client that does not send its request
 * within client_timeout seconds, or takes nothing of its answer for as
 * long, is dropped. hook may be NULL. Returns an exit code. */
int tl_serve(struct tl_recorder *r, int lfd, double timeout, double client_timeout,
	     struct tl_serve_hook *hook);

#endif
