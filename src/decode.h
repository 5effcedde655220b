/* SPDX-License-Identifier: Apache-2.0 */
/* Decoders of kernel values into the names users know. */
#ifndef IG_DECODE_H
#define IG_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* "ENOENT" for 2; NULL when unknown. */
const char *errno_name(int err);
/* "O_WRONLY|O_CREAT|O_TRUNC"; returns the length written (always < len). */
size_t decode_open_flags(uint32_t flags, char *buf, size_t len);
/* Permission bits as "0644"-style octal; returns the length written. */
size_t decode_mode(uint32_t mode, char *buf, size_t len);

#endif
