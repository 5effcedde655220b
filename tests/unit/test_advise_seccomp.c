// SPDX-License-Identifier: Apache-2.0
/*
 * advise_seccomp's user side: the profile writer (valid JSON Docker reads,
 * names sorted and exact, unknown numbers counted, pretty and compact the
 * same) and the row of one namespace (its decoder).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "../../src/obuf.h"
#include "advise_seccomp.h"

static void set_bit(__u64 *bits, unsigned nr)
{
	bits[nr / 64] |= 1ULL << (nr % 64);
}

static json_t *parse(const struct obuf *b)
{
	json_error_t err;
	json_t *j = json_loadb(b->p, b->len, 0, &err);

	if (!j)
		fail_msg("not JSON: %s: %.*s", err.text, (int)b->len, b->p);
	return j;
}

static void test_profile_shape(void **state)
{
	__u64 bits[ADV_WORDS] = { 0 };
	struct obuf b = { 0 };
	size_t unknown, n;
	json_t *j, *rule, *names;

	(void)state;
	set_bit(bits, 59);   /* execve */
	set_bit(bits, 1);    /* write */
	set_bit(bits, 0);    /* read */
	n = adv_profile_write(&b, bits, ADV_WORDS, true, &unknown);
	assert_int_equal(n, 3);
	assert_int_equal(unknown, 0);
	j = parse(&b);
	assert_string_equal(json_string_value(json_object_get(j, "defaultAction")), "SCMP_ACT_ERRNO");
	assert_int_equal(json_array_size(json_object_get(j, "architectures")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "architectures"), 0)),
			    "SCMP_ARCH_X86_64");
	rule = json_array_get(json_object_get(j, "syscalls"), 0);
	assert_string_equal(json_string_value(json_object_get(rule, "action")), "SCMP_ACT_ALLOW");
	names = json_object_get(rule, "names");
	assert_int_equal(json_array_size(names), 3);
	assert_string_equal(json_string_value(json_array_get(names, 0)), "execve");
	assert_string_equal(json_string_value(json_array_get(names, 1)), "read");
	assert_string_equal(json_string_value(json_array_get(names, 2)), "write");
	assert_int_equal(b.p[b.len - 1], '\n');
	json_decref(j);
	ob_free(&b);
}

static void test_profile_compact_equals_pretty(void **state)
{
	__u64 bits[ADV_WORDS];
	struct obuf p = { 0 }, c = { 0 };
	size_t u1, u2;
	json_t *a, *b;

	(void)state;
	memset(bits, 0xff, sizeof(bits));   /* everything, and unnamed numbers */
	assert_int_equal(adv_profile_write(&p, bits, ADV_WORDS, true, &u1),
			 adv_profile_write(&c, bits, ADV_WORDS, false, &u2));
	assert_int_equal(u1, u2);
	assert_true(u1 >= ADV_NR_MAX - 470);   /* 470..511 have no name */
	assert_null(memchr(c.p, '\n', c.len));
	a = parse(&p);
	b = parse(&c);
	assert_true(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	ob_free(&p);
	ob_free(&c);
}

static void test_profile_empty_and_unknown(void **state)
{
	__u64 bits[ADV_WORDS] = { 0 };
	struct obuf b = { 0 };
	size_t unknown;
	json_t *j;

	(void)state;
	set_bit(bits, 500);
	assert_int_equal(adv_profile_write(&b, bits, ADV_WORDS, false, &unknown), 0);
	assert_int_equal(unknown, 1);
	j = parse(&b);
	assert_int_equal(json_array_size(json_object_get(j, "syscalls")), 0);
	json_decref(j);
	ob_free(&b);
}

static void test_row_of_namespace(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct adv_syscalls v = { .mntns_id = 4026532000ULL, .first_ts = 5, .pid = 42,
				  .comm = "runc:[2:INIT]" };
	int syscalls, names, profile;
	bool alias;
	json_t *j;

	(void)state;
	decoder_open("advise_seccomp", &g, &ctx, &s, &r);
	ctx.boot_to_wall_ns = 1000;
	set_bit(v.bits, 0);
	set_bit(v.bits, 231);   /* exit_group */
	assert_int_equal(adv_fill_row(&ctx, &r, 77, &v), 0);
	syscalls = schema_find(&s, "syscalls", 8, &alias);
	names = schema_find(&s, "names", 5, &alias);
	profile = schema_find(&s, "profile", 7, &alias);
	assert_true(syscalls > 0 && names > 0 && profile > 0);
	assert_int_equal(r.v[syscalls].u, 2);
	assert_int_equal(r.v[names].len, strlen("read,exit_group"));
	assert_memory_equal(r.v[names].s, "read,exit_group", r.v[names].len);
	assert_int_equal(r.v[CF_PID].u, 42);
	assert_int_equal(r.v[CF_MNTNS].u, 4026532000ULL);
	assert_int_equal(r.v[CF_TIMESTAMP].u, 1005);
	assert_int_equal(r.mntns_key, 77);
	assert_memory_equal(r.v[CF_COMM].s, "runc:[2:INIT]", r.v[CF_COMM].len);
	j = json_loadb(r.v[profile].s, r.v[profile].len, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(json_array_get(
				 json_object_get(j, "syscalls"), 0), "names")), 2);
	json_decref(j);
	decoder_close(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_shape),
		cmocka_unit_test(test_profile_compact_equals_pretty),
		cmocka_unit_test(test_profile_empty_and_unknown),
		cmocka_unit_test(test_row_of_namespace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
