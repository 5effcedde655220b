// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stdio.h>
#include "ig.h"

int ig_verbose;

static void vlog(const char *fmt, va_list ap)
{
	fputs("ig: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ig_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}

/* Only with -v. */
void ig_info(const char *fmt, ...)
{
	va_list ap;

	if (!ig_verbose)
		return;
	va_start(ap, fmt);
	vlog(fmt, ap);
	va_end(ap);
}
