/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The rows a top, snapshot, profile or advise gadget collects at once
 * (struct gadget.collect): each is enriched and filtered as it is added,
 * then the batch is sorted (--sort), cut (--max-entries) and printed as
 * one table or one JSON array.
 *
 *	struct row *r = batch_row(b);
 *	row_set_proc(ctx, r, &v->proc);
 *	row_set_uint(r, GF(F_COUNT), v->count);
 *	if (batch_add(b))
 *		return -ENOMEM;
 */
#ifndef IG_BATCH_H
#define IG_BATCH_H

#include "gadget.h"
#include "sink.h"

struct enricher;
struct ig_batch_chunk;

struct sort_key {
	int idx;
	bool desc;
};

struct ig_batch {
	struct sink *sink;
	struct enricher *enr;      /* NULL: no container fields */
	struct value *vals;        /* nrows * sink->schema.n */
	size_t nrows, cap;
	struct ig_batch_chunk *chunks;   /* the rows' strings */
	struct sort_key *keys;
	size_t nkeys;
};

/* sort: "a,-b" (- for descending) or NULL. Returns 0, or -EINVAL with a
 * usage error in err, or -ENOMEM. */
int batch_init(struct ig_batch *b, struct sink *k, struct enricher *enr, const char *sort,
	       char *err, size_t errlen);
/* The row to fill next: reset. */
struct row *batch_row(struct ig_batch *b);
/* Keep the row just filled if it passes the filters: 0 or -ENOMEM. */
int batch_add(struct ig_batch *b);
/* Sort, then print at most max rows (0: all) as one batch. */
void batch_print(struct ig_batch *b, size_t max);
/* Forget the rows, keep the settings. */
void batch_clear(struct ig_batch *b);
void batch_free(struct ig_batch *b);

#endif
