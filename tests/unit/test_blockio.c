// SPDX-License-Identifier: Apache-2.0
/* top_blockio's and profile_blockio's decoders: an entry into a row, and
 * the latency slots into histogram rows (bounds, counts, bars), printed
 * through a real sink. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "../../src/batch.h"
#include "../../src/sink.h"
#include "top_blockio.h"
#include "profile_blockio.h"

static int idx(const struct schema *s, const char *name)
{
	bool alias;
	int i = schema_find(s, name, strlen(name), &alias);

	assert_true(i >= 0);
	return i;
}

static void test_top_blockio_row(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct tb_key k = { .pid = 42, .major = 7, .minor = 3, .write = 1 };
	struct tb_stats v = { .proc = { .pid = 42, .comm = "dd" }, .bytes = 262144,
			      .ns = 5415999, .ios = 64 };

	(void)state;
	decoder_open("top_blockio", &g, &ctx, &s, &r);
	assert_int_equal(g->kind, GK_TOP);
	tb_fill_row(&ctx, &r, &k, &v);
	assert_int_equal(r.v[idx(&s, "major")].u, 7);
	assert_int_equal(r.v[idx(&s, "minor")].u, 3);
	assert_int_equal(r.v[idx(&s, "bytes")].u, 262144);
	assert_int_equal(r.v[idx(&s, "us")].u, 5415);
	assert_int_equal(r.v[idx(&s, "io")].u, 64);
	assert_memory_equal(r.v[idx(&s, "rw")].s, "W", 1);
	assert_int_equal(r.v[CF_PID].u, 42);
	k.write = 0;
	tb_fill_row(&ctx, &r, &k, &v);
	assert_memory_equal(r.v[idx(&s, "rw")].s, "R", 1);
	decoder_close(&s, &r);
}

static char *histogram(const __u64 *slots, enum out_mode mode)
{
	const struct gadget *g = gadget_find("profile_blockio");
	struct run_opts o = { .mode = mode };
	struct sink k;
	struct ig_batch b;
	char err[128], *text;

	assert_non_null(g);
	assert_int_equal(sink_init(&k, g->fields, g->nfields, g->default_fields, &o, err,
				   sizeof(err)), 0);
	assert_int_equal(batch_init(&b, &k, NULL, NULL, err, sizeof(err)), 0);
	assert_int_equal(pb_add_rows(&b, slots, PB_SLOTS), 0);
	batch_print(&b, 0);
	text = strndup(k.out.buf.len ? k.out.buf.p : "", k.out.buf.len);
	batch_free(&b);
	sink_free(&k);
	return text;
}

static void test_histogram_columns(void **state)
{
	__u64 slots[PB_SLOTS] = { 0 };
	char *t;

	(void)state;
	slots[1] = 8;     /* 2-3 us */
	slots[3] = 2;     /* 8-15 us, with an empty slot between */
	t = histogram(slots, OUT_COLUMNS);
	assert_string_equal(t,
		"    MIN_US     MAX_US    COUNT DISTRIBUTION\n"
		"         2          3        8 ****************************************\n"
		"         4          7        0\n"
		"         8         15        2 **********\n");
	free(t);
}

static void test_histogram_edges(void **state)
{
	__u64 slots[PB_SLOTS] = { 0 };
	char *t;

	(void)state;
	t = histogram(slots, OUT_JSON);   /* nothing: an empty array */
	assert_string_equal(t, "[]\n");
	free(t);
	slots[0] = 1;
	slots[PB_SLOTS - 1] = 3;
	t = histogram(slots, OUT_JSON);
	/* 1 of 3: a bar of 14 (rounded up), bounds 0-1 us; the last slot is
	 * open-ended. */
	assert_non_null(strstr(t, "[{\"count\":1,\"distribution\":\"**************\","));
	assert_non_null(strstr(t, "\"max_us\":1,\"min_us\":0,"));
	assert_non_null(strstr(t, "\"max_us\":18446744073709551615,\"min_us\":2147483648,"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top_blockio_row),
		cmocka_unit_test(test_histogram_columns),
		cmocka_unit_test(test_histogram_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
