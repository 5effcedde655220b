/* SPDX-License-Identifier: Apache-2.0 */
/*
 * -o asciicast: rows with a "buf" field as asciinema v2 recordings, one cast
 * per stream, a stream being what was written to one tty in one container:
 * one (runtime.containerName, ino, tty) triple. The tty name keeps apart
 * terminals written through a shared inode (/dev/tty, the /dev/ptmx
 * masters). It works on rows through the field model, by field name, so
 * any gadget with those fields can be recorded.
 *
 * To stdout it records one stream, the first one seen; writes to any other
 * tty are dropped with a warning (filter to choose). With a directory, every
 * stream gets its own file there, "<container-or-host>-<ino>.cast" ("-2",
 * "-3"... appended when two streams would share a name).
 *
 * Fields used: buf (required), ino, runtime.containerName, timestamp,
 * winsize.cols and winsize.rows (the header's size, and "r" events when it
 * changes; 80x24 when unknown), tty (in the title), onlcr (the tty turns
 * \n into \r\n, so the cast does too).
 */
#ifndef IG_ASCIICAST_H
#define IG_ASCIICAST_H

#include <stddef.h>
#include "field.h"
#include "obuf.h"

struct asciicast;

/* Default size when the tty's is unknown (never set, as with docker -d -t). */
#define CAST_DEFAULT_COLS 80
#define CAST_DEFAULT_ROWS 24
/* -o asciicast=DIR: at most this many files; later streams are dropped. */
#define CAST_MAX_STREAMS 1024

/*
 * For -o asciicast[=DIR] (cli.c): check DIR (NULL: stdout): it exists and
 * is writable, or its parent is. It is created only by asciicast_new:
 * nothing happens before the whole command is known to be good. Returns 0,
 * or -1 with a message in err.
 */
int asciicast_check_dir(const char *dir, char *err, size_t errlen);

/* A recorder for rows of schema s, writing into dir (NULL: stdout; made
 * 0700 if missing). NULL
 * on error, already reported on stderr. */
struct asciicast *asciicast_new(const struct schema *s, const char *dir);
/* Write what is held back, close the files. Accepts NULL. */
void asciicast_free(struct asciicast *c);

/* Record one row. Stdout mode appends to out; directory mode buffers for
 * that stream's file. */
void asciicast_row(struct asciicast *c, struct obuf *out, const struct row *r);
/* Write the buffered data of each file. Returns 0 or a negative errno. */
int asciicast_flush(struct asciicast *c);

#endif
