// SPDX-License-Identifier: Apache-2.0
/* The kernel-feature table and IG_KERNEL_FEATURES_OFF's parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "kfeature.h"

static void test_parse_off(void **state)
{
	const char *bad = NULL;

	(void)state;
	assert_int_equal(ig_kfeature_parse_off(NULL, &bad), 0);
	assert_int_equal(ig_kfeature_parse_off("", &bad), 0);
	assert_int_equal(ig_kfeature_parse_off("void_cast", &bad), 1LL << IG_KF_VOID_CAST);
	assert_int_equal(ig_kfeature_parse_off("rdonly_cast,bpf_loop,", &bad),
			 (1LL << IG_KF_RDONLY_CAST) | (1LL << IG_KF_BPF_LOOP));
	assert_int_equal(ig_kfeature_parse_off("ringbuf,,task_btf", &bad),
			 (1LL << IG_KF_RINGBUF) | (1LL << IG_KF_TASK_BTF));
	/* A prefix of a name is no name. */
	assert_int_equal(ig_kfeature_parse_off("void", &bad), -1);
	assert_string_equal(bad, "void");
	assert_int_equal(ig_kfeature_parse_off("bpf_loop,nope", &bad), -1);
	assert_string_equal(bad, "nope");
}

/* Every feature has a name, what the error says and the kernel that has
 * it; every required one a helper or a map type to probe. */
static void test_table(void **state)
{
	(void)state;
	for (int f = 0; f < IG_KF_COUNT; f++) {
		const struct ig_kfeature_info *i = ig_kfeature_info(f);

		assert_non_null(i);
		assert_non_null(i->name);
		assert_non_null(i->what);
		assert_non_null(i->since);
		assert_true(i->since[0] >= '4' && i->since[0] <= '9');
		if (f > IG_KF_RINGBUF)
			assert_true(i->helper > 0);
	}
	assert_null(ig_kfeature_info(IG_KF_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_off),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("kfeature", tests, NULL, NULL);
}
