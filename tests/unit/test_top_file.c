// SPDX-License-Identifier: Apache-2.0
/* top_file's decoder: one kernel entry into a row, every field in its
 * column; a type byte out of range shows as O; a name without NUL stays in
 * its buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "top_file.h"

static int idx(const struct schema *s, const char *name)
{
	bool alias;
	int i = schema_find(s, name, strlen(name), &alias);

	assert_true(i >= 0);
	return i;
}

static void test_entry_to_row(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct tf_key k = { .dev = 0x800001, .ino = 1234, .pid = 42 };
	struct tf_stats v = { .proc = { .pid = 42, .tid = 43, .comm = "dd", .mntns_id = 7 },
			      .reads = 3, .rbytes = 12288, .writes = 2, .wbytes = 100,
			      .name = "data.bin", .type = TF_TYPE_REGULAR };

	(void)state;
	decoder_open("top_file", &g, &ctx, &s, &r);
	assert_int_equal(g->kind, GK_TOP);
	tf_fill_row(&ctx, &r, &k, &v);
	assert_int_equal(r.v[idx(&s, "reads")].u, 3);
	assert_int_equal(r.v[idx(&s, "rbytes")].u, 12288);
	assert_int_equal(r.v[idx(&s, "writes")].u, 2);
	assert_int_equal(r.v[idx(&s, "wbytes")].u, 100);
	assert_int_equal(r.v[idx(&s, "dev")].u, 0x800001);
	assert_int_equal(r.v[idx(&s, "ino")].u, 1234);
	assert_int_equal(r.v[idx(&s, "file")].len, 8);
	assert_memory_equal(r.v[idx(&s, "file")].s, "data.bin", 8);
	assert_int_equal(r.v[idx(&s, "t")].len, 1);
	assert_int_equal(r.v[idx(&s, "t")].s[0], 'R');
	assert_int_equal(r.v[CF_PID].u, 42);
	assert_int_equal(r.v[CF_TID].u, 43);
	assert_int_equal(r.v[CF_MNTNS].u, 7);
	decoder_close(&s, &r);
}

static void test_hostile_entry(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct tf_key k = { 0 };
	struct tf_stats v;

	(void)state;
	memset(&v, 'x', sizeof(v));   /* no NUL anywhere, a bad type */
	decoder_open("top_file", &g, &ctx, &s, &r);
	tf_fill_row(&ctx, &r, &k, &v);
	assert_int_equal(r.v[idx(&s, "file")].len, TF_NAME_LEN);
	assert_int_equal(r.v[idx(&s, "t")].s[0], 'O');
	assert_int_equal(r.v[CF_COMM].len, IG_COMM_LEN);
	decoder_close(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_to_row),
		cmocka_unit_test(test_hostile_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
