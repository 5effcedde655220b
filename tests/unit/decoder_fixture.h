/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every gadget decoder test starts from: the gadget, a context for its
 * decoder, its schema and a row to decode into. Include after cmocka.h.
 */
#ifndef IG_TEST_DECODER_FIXTURE_H
#define IG_TEST_DECODER_FIXTURE_H

#include "../../src/gadget.h"

static inline void decoder_open(const char *name, const struct gadget **g,
				struct gadget_ctx *ctx, struct schema *s, struct row *r)
{
	*g = gadget_find(name);
	assert_non_null(*g);
	ctx->g = *g;
	assert_int_equal(schema_init(s, (*g)->fields, (*g)->nfields, (*g)->default_fields), 0);
	assert_int_equal(row_init(r, s), 0);
}

static inline void decoder_close(struct schema *s, struct row *r)
{
	row_free(r);
	schema_free(s);
}

/* The index of a field by name, alias or header; fails the test if none. */
static inline int decoder_idx(const struct schema *s, const char *name)
{
	bool by_alias;
	int i = schema_find(s, name, strlen(name), &by_alias);

	assert_true(i >= 0);
	return i;
}

/* A field's text, NUL-terminated, in buf (of len bytes). */
static inline const char *decoder_str(const struct schema *s, const struct row *r,
				      const char *name, char *buf, size_t len)
{
	const struct value *v = &r->v[decoder_idx(s, name)];

	assert_true(v->len < len);
	memcpy(buf, v->s ? v->s : "", v->len);
	buf[v->len] = 0;
	return buf;
}

static inline uint64_t decoder_uval(const struct schema *s, const struct row *r, const char *name)
{
	return r->v[decoder_idx(s, name)].u;
}

static inline int64_t decoder_ival(const struct schema *s, const struct row *r, const char *name)
{
	return r->v[decoder_idx(s, name)].i;
}

#endif
