// SPDX-License-Identifier: Apache-2.0
/*
 * Diagnostics on stderr. Messages carry strings from the traced world
 * (container names, paths), so each goes through the terminal escaper that
 * stdout's columns use. The write is bounded: once a stop's drain budget
 * is spent (sys.h), a stderr that does not drain (a stalled terminal)
 * loses the message rather than hang ig.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "escape.h"
#include "ig.h"
#include "sys.h"

int ig_verbose;

#define MSG_MAX 1536              /* longer messages are cut, marked "…" */
#define LINE_MAX_BYTES 8192       /* the escaped line: at most 4 bytes a byte */
#define NONBLOCK_TRIES 20         /* a stderr set non-blocking: 20 x 50 ms */

/* Write all of it, unless a stop's budget ran out while stderr was
 * blocked; a non-blocking stderr that stays full costs at most ~1 s. */
static void write_bounded(int fd, const char *p, size_t len)
{
	int tries = 0;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n > 0) {
			p += n;
			len -= n;
			continue;
		}
		if (n < 0 && errno == EINTR) {
			/* Past --timeout's deadline the run is over: this
			 * write, blocked in the loop, gets the drain's budget. */
			if (sys_deadline_passed)
				sys_begin_drain();
			if (!sys_writes_abandoned())
				continue;
		}
		if (n < 0 && errno == EAGAIN && ++tries < NONBLOCK_TRIES) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			poll(&pfd, 1, 50);
			continue;
		}
		return;
	}
}

/* Without memory, still say something: bytes that are not printable
 * ASCII become '?'. */
static void write_plain(const char *msg, size_t len)
{
	char line[MSG_MAX + 6] = "ig: ";
	size_t n = 4;

	for (size_t i = 0; i < len && n < sizeof(line) - 1; i++)
		line[n++] = msg[i] >= 0x20 && msg[i] < 0x7f ? msg[i] : '?';
	line[n++] = '\n';
	write_bounded(STDERR_FILENO, line, n);
}

void ig_vlog(const char *fmt, va_list ap)
{
	char msg[MSG_MAX];
	struct obuf b = { 0 };
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t len;

	if (n < 0)
		return;
	len = (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1;
	/* One allocation of the most the line can take: ob_grow never runs. */
	b.p = malloc(LINE_MAX_BYTES);
	if (!b.p) {
		write_plain(msg, len);
		return;
	}
	b.cap = LINE_MAX_BYTES;
	ob_puts(&b, "ig: ");
	esc_column(&b, msg, len, 0);
	if ((size_t)n >= sizeof(msg))
		ob_puts(&b, "\xe2\x80\xa6");   /* … */
	ob_putc(&b, '\n');
	write_bounded(STDERR_FILENO, b.p, b.len);
	ob_free(&b);
}

void ig_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ig_vlog(fmt, ap);
	va_end(ap);
}

/* Only with -v. */
void ig_info(const char *fmt, ...)
{
	va_list ap;

	if (!ig_verbose)
		return;
	va_start(ap, fmt);
	ig_vlog(fmt, ap);
	va_end(ap);
}
