/* SPDX-License-Identifier: Apache-2.0 */
#ifndef IG_H
#define IG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IG_VERSION "0.1.0"

/* Exit codes: usage errors are 2, runtime errors 1. */
#define IG_EXIT_RUNTIME 1
#define IG_EXIT_USAGE   2

extern int ig_verbose;

/* Diagnostics go to stderr, prefixed "ig: "; stdout may carry JSON. */
void ig_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ig_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What both print with: "ig: " and the message, escaped for a terminal
 * (traced strings may hold control or bidi characters), bounded in time. */
#include <stdarg.h>
void ig_vlog(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
