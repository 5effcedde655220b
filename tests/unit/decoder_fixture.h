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

#endif
