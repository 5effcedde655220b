/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The export file: JSON lines for a log shipper, rotated by size. Writes
 * are whole records (every one ends in a newline), and a rotation happens
 * only at a record's end, so no record is split across files; a file
 * holds at most rotate_size bytes unless one record is larger. The rotated
 * files are FILE.1 (newest) to FILE.KEEP (oldest), the oldest dropped.
 */
#ifndef IG_EXPORT_H
#define IG_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#define EXPORT_DEFAULT_ROTATE (10ULL << 20)   /* Tetragon's 10 MB ... */
#define EXPORT_DEFAULT_KEEP   5              /* ... times 5 */
#define EXPORT_MAX_KEEP       1000

struct ig_export;

/* Open (or append to) path, mode 0600; NULL after a message on stderr. A
 * rotate_size of 0 never rotates. */
struct ig_export *export_open(const char *path, uint64_t rotate_size, unsigned int keep);
/* Append len bytes of whole records, rotating at record ends where they
 * would pass rotate_size. 0 or a negative errno. */
int export_write(struct ig_export *x, const void *buf, size_t len);
/* How many times the file was rotated. */
uint64_t export_rotations(const struct ig_export *x);
void export_close(struct ig_export *x);

#endif
