// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "batch.h"
#include "enrich.h"
#include "list.h"

/* Strings are copied into chunks that never move, so a value's pointer
 * stays good while the batch grows. */
struct ig_batch_chunk {
	struct ig_batch_chunk *next;
	size_t used, cap;
	char data[];
};

#define CHUNK_BYTES 65536

static char *chunk_alloc(struct ig_batch *b, size_t n)
{
	struct ig_batch_chunk *c = b->chunks;

	if (!c || c->cap - c->used < n) {
		size_t cap = n > CHUNK_BYTES ? n : CHUNK_BYTES;

		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = b->chunks;
		b->chunks = c;
	}
	c->used += n;
	return c->data + c->used - n;
}

static int add_key(const char *item, size_t len, void *arg)
{
	struct ig_batch *b = arg;
	bool desc = item[0] == '-', alias;
	int idx = schema_find(&b->sink->schema, item + desc, len - desc, &alias);

	if (idx < 0)
		return -ENOENT;
	b->keys[b->nkeys++] = (struct sort_key){ idx, desc };
	return 0;
}

int batch_init(struct ig_batch *b, struct sink *k, struct enricher *enr, const char *sort,
	       char *err, size_t errlen)
{
	const char *bad = NULL;
	size_t badlen = 0;

	memset(b, 0, sizeof(*b));
	b->sink = k;
	b->enr = enr;
	if (!sort || !*sort)
		return 0;
	b->keys = calloc(list_count(sort), sizeof(*b->keys));
	if (!b->keys)
		return -ENOMEM;
	if (list_each(sort, add_key, b, &bad, &badlen)) {
		snprintf(err, errlen, "--sort: unknown field \"%.*s\"", (int)badlen, bad);
		return -EINVAL;
	}
	return 0;
}

struct row *batch_row(struct ig_batch *b)
{
	row_reset(&b->sink->row);
	return &b->sink->row;
}

static int copy_strings(struct ig_batch *b, struct value *v)
{
	const struct schema *s = &b->sink->schema;

	for (size_t i = 0; i < s->n; i++) {
		enum field_type t = s->f[i]->type;
		char *p;

		if ((t != FT_STR && t != FT_JSON) || !v[i].s || !v[i].len)
			continue;
		p = chunk_alloc(b, v[i].len);
		if (!p)
			return -ENOMEM;
		memcpy(p, v[i].s, v[i].len);
		v[i].s = p;
	}
	return 0;
}

int batch_add(struct ig_batch *b)
{
	struct row *r = &b->sink->row;
	size_t n = b->sink->schema.n;
	struct value *v;

	if (b->enr && !enricher_apply(b->enr, r))
		return 0;
	if (!sink_match(b->sink, r))
		return 0;
	if (b->nrows == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;

		v = realloc(b->vals, cap * n * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->vals = v;
		b->cap = cap;
	}
	v = b->vals + b->nrows * n;
	memcpy(v, r->v, n * sizeof(*v));
	if (copy_strings(b, v))
		return -ENOMEM;
	b->nrows++;
	return 0;
}

static int value_cmp(const struct field *f, const struct value *a, const struct value *b)
{
	switch (f->type) {
	case FT_INT:
		return (a->i > b->i) - (a->i < b->i);
	case FT_UINT:
	case FT_TIME:
	case FT_BOOL:
		return (a->u > b->u) - (a->u < b->u);
	default: {
		size_t n = a->len < b->len ? a->len : b->len;
		int c = n ? memcmp(a->s, b->s, n) : 0;

		return c ? c : (a->len > b->len) - (a->len < b->len);
	}
	}
}

/* qsort has no context argument; one batch is sorted at a time. */
static const struct ig_batch *sorting;

static int row_cmp(const void *pa, const void *pb)
{
	const struct value *a = pa, *b = pb;

	for (size_t i = 0; i < sorting->nkeys; i++) {
		const struct sort_key *k = &sorting->keys[i];
		int c = value_cmp(sorting->sink->schema.f[k->idx], &a[k->idx], &b[k->idx]);

		if (c)
			return k->desc ? -c : c;
	}
	return 0;
}

static void sort_rows(struct ig_batch *b)
{
	if (!b->nkeys || b->nrows < 2)
		return;
	sorting = b;
	qsort(b->vals, b->nrows, b->sink->schema.n * sizeof(*b->vals), row_cmp);
	sorting = NULL;
}

void batch_print(struct ig_batch *b, size_t max)
{
	struct sink *k = b->sink;
	size_t n = max && max < b->nrows ? max : b->nrows;
	struct row r = k->row;

	sort_rows(b);
	output_batch_begin(&k->out);
	for (size_t i = 0; i < n; i++) {
		r.v = b->vals + i * k->schema.n;
		output_batch_row(&k->out, &r);
	}
	output_batch_end(&k->out);
}

void batch_clear(struct ig_batch *b)
{
	while (b->chunks) {
		struct ig_batch_chunk *next = b->chunks->next;

		free(b->chunks);
		b->chunks = next;
	}
	b->nrows = 0;
}

void batch_free(struct ig_batch *b)
{
	batch_clear(b);
	free(b->vals);
	free(b->keys);
	memset(b, 0, sizeof(*b));
}
