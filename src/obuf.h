/* SPDX-License-Identifier: Apache-2.0 */
/* A growable byte buffer: the formatters append here, the runner flushes. */
#ifndef IG_OBUF_H
#define IG_OBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct obuf {
	char *p;
	size_t len;
	size_t cap;
};

void ob_grow(struct obuf *b, size_t need);
void ob_free(struct obuf *b);
void ob_u64(struct obuf *b, uint64_t v);
void ob_i64(struct obuf *b, int64_t v);
/* Pad with spaces up to n. */
void ob_spaces(struct obuf *b, size_t n);

static inline void ob_reserve(struct obuf *b, size_t n)
{
	if (b->len + n > b->cap)
		ob_grow(b, b->len + n);
}

static inline void ob_write(struct obuf *b, const void *s, size_t n)
{
	if (!n)
		return;
	ob_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void ob_putc(struct obuf *b, char c)
{
	ob_reserve(b, 1);
	b->p[b->len++] = c;
}

static inline void ob_puts(struct obuf *b, const char *s)
{
	ob_write(b, s, strlen(s));
}

#endif
