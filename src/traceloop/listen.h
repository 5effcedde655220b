/* SPDX-License-Identifier: Apache-2.0 */
/* The daemon's socket: a safe directory for it, and listening. */
#ifndef IG_TL_LISTEN_H
#define IG_TL_LISTEN_H

#include <stddef.h>

/*
 * The absolute path of the socket given as path (relative paths are taken
 * from the current directory), in out. A missing directory is created
 * root-only (0700); an existing one is checked and never changed: it and
 * every directory above it must be root's and not writable by group or
 * others (above it, sticky ones may be). Returns 0, or a negative errno with
 * one line in err.
 */
int tl_socket_path(const char *path, char *out, size_t outlen, char *err, size_t errlen);

/* Listen on path (from tl_socket_path): a socket only root may use (0600),
 * non-blocking. A stale socket is replaced; anything else at path is
 * refused. Returns the descriptor, or a negative errno with a line in err. */
int tl_listen(const char *path, char *err, size_t errlen);

#endif
