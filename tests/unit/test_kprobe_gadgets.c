// SPDX-License-Identifier: Apache-2.0
/* The decoders of the kprobe gadgets, trace_capabilities and trace_fsslower:
 * short records are refused, every field lands in its column; unknown
 * capabilities and operations stay printable. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "trace_capabilities.h"
#include "trace_fsslower.h"

static int idx(const struct schema *s, const char *name)
{
	bool alias;
	int i = schema_find(s, name, strlen(name), &alias);

	assert_true(i >= 0);
	return i;
}

static void assert_str(const struct row *r, int i, const char *want)
{
	assert_int_equal(r->v[i].len, strlen(want));
	assert_memory_equal(r->v[i].s, want, r->v[i].len);
}

static void test_capabilities(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct caps_event e = { .proc = { .pid = 7, .comm = "mount" }, .cap = 21, .opts = 0, .ret = 0 };

	(void)state;
	decoder_open("trace_capabilities", &g, &ctx, &s, &r);
	assert_int_equal(g->decode(&ctx, &e, sizeof(e) - 1, &r), -1);
	assert_int_equal(g->decode(&ctx, &e, sizeof(e), &r), 1);
	assert_int_equal(r.v[idx(&s, "cap")].u, 21);
	assert_str(&r, idx(&s, "capName"), "CAP_SYS_ADMIN");
	assert_int_equal(r.v[idx(&s, "audit")].u, 1);
	assert_str(&r, idx(&s, "verdict"), "Allow");
	e.cap = 99;
	e.opts = CAPS_OPT_NOAUDIT | CAPS_OPT_INSETID;
	e.ret = -1;
	row_reset(&r);
	assert_int_equal(g->decode(&ctx, &e, sizeof(e), &r), 1);
	assert_str(&r, idx(&s, "capName"), "CAP_99");
	assert_int_equal(r.v[idx(&s, "audit")].u, 0);
	assert_int_equal(r.v[idx(&s, "insetid")].u, 1);
	assert_str(&r, idx(&s, "verdict"), "Deny");
	decoder_close(&s, &r);
}

static void test_fsslower(void **state)
{
	const struct gadget *g;
	struct gadget_ctx ctx = { 0 };
	struct schema s;
	struct row r;
	struct fss_event e = { .proc = { .pid = 9, .comm = "cat" }, .delta_ns = 12345678,
			       .offset = 4096, .ret = 100, .size = 4096, .op = FSS_READ,
			       .file = "target" };

	(void)state;
	decoder_open("trace_fsslower", &g, &ctx, &s, &r);
	assert_int_equal(g->decode(&ctx, &e, 10, &r), -1);
	assert_int_equal(g->decode(&ctx, &e, sizeof(e), &r), 1);
	assert_str(&r, idx(&s, "op"), "R");
	assert_int_equal(r.v[idx(&s, "bytes")].i, 100);
	assert_int_equal(r.v[idx(&s, "offset")].i, 4096);
	assert_int_equal(r.v[idx(&s, "latency_us")].u, 12345);
	assert_str(&r, idx(&s, "file"), "target");
	assert_str(&r, idx(&s, "error"), "");
	e.op = 'x';
	e.ret = -2;
	memset(e.file, 'a', sizeof(e.file));   /* no NUL */
	row_reset(&r);
	assert_int_equal(g->decode(&ctx, &e, sizeof(e), &r), 1);
	assert_str(&r, idx(&s, "op"), "?");
	assert_int_equal(r.v[idx(&s, "bytes")].i, 0);
	assert_str(&r, idx(&s, "error"), "ENOENT");
	assert_int_equal(r.v[idx(&s, "file")].len, FSS_NAME_LEN);
	decoder_close(&s, &r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_fsslower),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
