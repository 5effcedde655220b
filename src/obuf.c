// SPDX-License-Identifier: Apache-2.0
#include <stdio.h>
#include <stdlib.h>
#include "obuf.h"

void ob_grow(struct obuf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		fputs("ig: out of memory\n", stderr);
		abort();
	}
	b->p = p;
	b->cap = cap;
}

void ob_free(struct obuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void ob_u64(struct obuf *b, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	ob_reserve(b, n);
	while (n)
		b->p[b->len++] = tmp[--n];
}

void ob_i64(struct obuf *b, int64_t v)
{
	if (v < 0) {
		ob_putc(b, '-');
		ob_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		ob_u64(b, v);
	}
}

void ob_spaces(struct obuf *b, size_t n)
{
	ob_reserve(b, n);
	memset(b->p + b->len, ' ', n);
	b->len += n;
}
