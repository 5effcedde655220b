// SPDX-License-Identifier: Apache-2.0
/*
 * The symbolizer of profile_cpu (src/symbolize.c): kallsyms text, an ELF
 * image in memory, and a live process (this test itself) through
 * /proc/self/maps; and how profile_cpu writes a frame into folded stacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "../../src/obuf.h"
#include "../../src/symbolize.h"
#include "profile_cpu.h"

static void test_kallsyms(void **state)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 t helper_fn\n"
		"ffffffff81000200 D some_data\n"          /* not text: skipped */
		"ffffffffc0001000 t mod_fn\t[loop]\n"
		"0000000000000000 T hidden\n"             /* kptr_restrict: skipped */
		"garbage line\n"
		"ffffffff81000300 T\n"                    /* no name */
		"ffffffff81000400 W weak_fn";             /* no final newline */
	struct ksyms *k = ksyms_parse(text, sizeof(text) - 1);
	uint64_t off;

	(void)state;
	assert_non_null(k);
	assert_int_equal(ksyms_count(k), 4);
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000000ULL, &off), "_stext");
	assert_int_equal(off, 0);
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000250ULL, &off), "helper_fn");
	assert_int_equal(off, 0x150);
	assert_string_equal(ksyms_lookup(k, 0xffffffffc0001010ULL, NULL), "mod_fn");
	assert_string_equal(ksyms_lookup(k, 0xffffffff81000401ULL, NULL), "weak_fn");
	assert_null(ksyms_lookup(k, 0xffffffff80000000ULL, NULL));
	ksyms_free(k);
}

__attribute__((noinline)) int symbolize_probe_fn(int x)
{
	return x * 3 + 1;
}

static void test_elf_in_memory(void **state)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	char *buf = malloc(64 << 20);
	size_t n;
	struct elf_syms *s;
	char junk[64] = "not an ELF file";

	(void)state;
	assert_non_null(f);
	n = fread(buf, 1, 64 << 20, f);
	fclose(f);
	s = elf_syms_from_mem(buf, n);
	assert_non_null(s);
	assert_true(elf_syms_count(s) > 10);
	elf_syms_free(s);
	assert_null(elf_syms_from_mem(junk, sizeof(junk)));
	assert_null(elf_syms_from_mem(buf, 16));   /* a cut header */
	free(buf);
}

/* The whole path: maps, the file through /proc/PID/root, its symbols. */
static void test_live_process(void **state)
{
	struct usyms *u = usyms_new();
	uint64_t addr = (uint64_t)(uintptr_t)&symbolize_probe_fn;

	(void)state;
	assert_int_equal(symbolize_probe_fn(1), 4);
	assert_string_equal(usyms_lookup(u, getpid(), addr), "symbolize_probe_fn");
	assert_string_equal(usyms_lookup(u, getpid(), addr + 4), "symbolize_probe_fn");
	assert_null(usyms_lookup(u, getpid(), 8));   /* no mapping */
	usyms_free(u);
}

static void test_folded_frame(void **state)
{
	struct obuf b = { 0 };

	(void)state;
	pc_put_frame(&b, "a;b c\x1b[31m\xc3\xa9");
	assert_int_equal(b.len, 12);
	assert_memory_equal(b.p, "a_b_c_[31m__", 12);
	ob_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kallsyms),
		cmocka_unit_test(test_elf_in_memory),
		cmocka_unit_test(test_live_process),
		cmocka_unit_test(test_folded_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
