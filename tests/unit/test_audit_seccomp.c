// SPDX-License-Identifier: Apache-2.0
/* audit_seccomp's decoder on hand-made records: codes, syscall names from
 * the x86_64 table (not for 32-bit callers), arch, malformed records. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "audit_seccomp.h"

static void test_seccomp_records(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = {};
	struct schema s;
	struct row r;
	struct seccomp_event e;
	char buf[64];

	(void)state;
	decoder_open("audit_seccomp", &g, &ctx, &s, &r);
	memset(&e, 0, sizeof(e));
	e.proc.pid = 7;
	memcpy(e.proc.comm, "mkdir", 6);
	e.syscall = 83;
	e.code = SECCOMP_CODE_KILL;
	e.arch = 0xc000003e;
	assert_int_equal(1, g->decode(&ctx, &e, sizeof(e), &r));
	assert_string_equal("mkdir", decoder_str(&s, &r, "syscall", buf, sizeof(buf)));
	assert_int_equal(83, decoder_uval(&s, &r, "syscall_raw"));
	assert_string_equal("SECCOMP_RET_KILL", decoder_str(&s, &r, "code", buf, sizeof(buf)));
	assert_string_equal("x86_64", decoder_str(&s, &r, "arch", buf, sizeof(buf)));

	row_reset(&r);
	e.code = SECCOMP_CODE_TRAP;
	e.syscall = 84;
	e.data = 42;
	assert_int_equal(1, g->decode(&ctx, &e, sizeof(e), &r));
	assert_string_equal("rmdir", decoder_str(&s, &r, "syscall", buf, sizeof(buf)));
	assert_string_equal("SECCOMP_RET_TRAP", decoder_str(&s, &r, "code", buf, sizeof(buf)));
	assert_int_equal(42, decoder_uval(&s, &r, "data"));

	row_reset(&r);   /* a thread killed without a signal: no arch */
	e.code = SECCOMP_CODE_KILL_THREAD;
	e.arch = 0;
	e.syscall = 99999;
	assert_int_equal(1, g->decode(&ctx, &e, sizeof(e), &r));
	assert_string_equal("SECCOMP_RET_KILL_THREAD", decoder_str(&s, &r, "code", buf, sizeof(buf)));
	assert_string_equal("syscall_99999", decoder_str(&s, &r, "syscall", buf, sizeof(buf)));
	assert_string_equal("", decoder_str(&s, &r, "arch", buf, sizeof(buf)));

	row_reset(&r);   /* i386 numbers are not x86_64's */
	e.code = SECCOMP_CODE_KILL_PROCESS;
	e.arch = 0x40000003;
	e.syscall = 39;
	assert_int_equal(1, g->decode(&ctx, &e, sizeof(e), &r));
	assert_string_equal("syscall_39", decoder_str(&s, &r, "syscall", buf, sizeof(buf)));
	assert_string_equal("i386", decoder_str(&s, &r, "arch", buf, sizeof(buf)));
	assert_string_equal("SECCOMP_RET_KILL_PROCESS", decoder_str(&s, &r, "code", buf, sizeof(buf)));

	row_reset(&r);
	assert_true(g->decode(&ctx, &e, sizeof(e) - 1, &r) < 0);
	e.code = 0;
	assert_true(g->decode(&ctx, &e, sizeof(e), &r) < 0);
	e.code = SECCOMP_CODE_COUNT;
	assert_true(g->decode(&ctx, &e, sizeof(e), &r) < 0);
	decoder_close(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seccomp_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
