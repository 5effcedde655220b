/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's loop (serve.c). */
#ifndef IG_TL_SERVE_H
#define IG_TL_SERVE_H

struct tl_recorder;

/* Record, and answer the clients of lfd (a listening socket), until a stop
 * signal or timeout seconds (0: none). A client that does not send its
 * request within client_timeout seconds, or takes nothing of its answer for
 * as long, is dropped. Returns an exit code. */
int tl_serve(struct tl_recorder *r, int lfd, double timeout, double client_timeout);

#endif
