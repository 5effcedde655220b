// SPDX-License-Identifier: Apache-2.0
/* trace_oomkill's decoder on hand-made records: the flat fields of IG (fpid, tcomm...), the
 * killer's identity in proc.*, the victim's namespace, short records. */
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
#include "trace_oomkill.h"

static void test_oomkill_fields(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = {};
	struct schema s;
	struct row r;
	struct oomkill_event e;
	char buf[64];

	(void)state;
	decoder_open("trace_oomkill", &g, &ctx, &s, &r);
	memset(&e, 0, sizeof(e));
	e.proc.pid = 500;
	e.proc.tid = 501;
	e.proc.uid = 1000;
	e.proc.gid = 1001;
	e.proc.mntns_id = 4026532250u;
	memcpy(e.proc.comm, "tail", 5);
	e.tpid = 499;
	e.tuid = 1002;
	e.pages = 8315;
	e.flags = OOM_HAS_TCOMM | OOM_HAS_PAGES | OOM_HAS_TUID | OOM_VICTIM_NS;
	memcpy(e.tcomm, "java", 5);
	assert_int_equal(1, g->decode(&ctx, &e, sizeof(e), &r));
	assert_int_equal(500, decoder_uval(&s, &r, "fpid"));
	assert_int_equal(1000, decoder_uval(&s, &r, "fuid"));
	assert_int_equal(1001, decoder_uval(&s, &r, "fgid"));
	assert_string_equal("tail", decoder_str(&s, &r, "fcomm", buf, sizeof(buf)));
	assert_string_equal("tail", decoder_str(&s, &r, "proc.comm", buf, sizeof(buf)));
	assert_int_equal(499, decoder_uval(&s, &r, "tpid"));
	assert_int_equal(1002, decoder_uval(&s, &r, "tuid"));
	assert_int_equal(8315, decoder_uval(&s, &r, "pages"));
	assert_string_equal("java", decoder_str(&s, &r, "tcomm", buf, sizeof(buf)));
	assert_int_equal(4026532250u, decoder_uval(&s, &r, "proc.mntns_id"));
	row_reset(&r);
	assert_true(g->decode(&ctx, &e, sizeof(e) - 1, &r) < 0);
	decoder_close(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oomkill_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
