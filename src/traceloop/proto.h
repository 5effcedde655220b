/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's socket protocol. A client sends one request: a 4-byte
 * length (host order: the socket is local) and then its arguments, each
 * NUL-terminated ("show\0web\0-o\0json\0"). The daemon answers with frames:
 * a type byte, a 4-byte length and the data; TLP_OUT goes to the client's
 * stdout, TLP_ERR to its stderr, and TLP_EXIT (one byte) ends the answer
 * with the exit code.
 */
#ifndef IG_TL_PROTO_H
#define IG_TL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define TLP_MAX_REQUEST 65536
#define TLP_MAX_ARGS    64
#define TLP_MAX_FRAME   (64u << 20)
#define TLP_HDR         5           /* type byte and length */

enum { TLP_OUT = 'o', TLP_ERR = 'e', TLP_EXIT = 'x' };

/* Write all of buf, or return a negative errno. */
int tlp_write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes: 0, -EPIPE at end of stream, or a negative errno. */
int tlp_read_all(int fd, void *buf, size_t len);
int tlp_send_frame(int fd, char type, const void *data, size_t len);

struct obuf;
/* Append a frame to b (a daemon's answer, sent as the client takes it). */
void tlp_frame(struct obuf *b, char type, const void *data, size_t len);

/* Split a request payload into argv (pointers into buf). Returns argc, or
 * -EINVAL if it is not a sequence of NUL-terminated strings. */
int tlp_split_args(char *buf, size_t len, char **argv, int max);

#endif
