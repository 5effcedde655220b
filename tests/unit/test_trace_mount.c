// SPDX-License-Identifier: Apache-2.0
/*
 * trace_mount's decoder on hand-made records: the CALL text of each call,
 * flag names (MS_MGC_VAL dropped, unknown bits in hex), durations as Go
 * prints them, cut strings, errors, and malformed records.
 */
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
#include "trace_mount.h"

struct fixture {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
	char buf[2048];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open("trace_mount", &f->g, &f->ctx, &f->s, &f->r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	decoder_close(&f->s, &f->r);
	free(f);
	return 0;
}

#define STR(name) decoder_str(&f->s, &f->r, name, f->buf, sizeof(f->buf))
#define IVAL(name) decoder_ival(&f->s, &f->r, name)
#define UVAL(name) decoder_uval(&f->s, &f->r, name)

static struct mount_event *event(__u8 op, __u64 flags, long long ret)
{
	static struct mount_event e;

	memset(&e, 0, sizeof(e));
	e.proc.pid = 42;
	e.proc.tid = 42;
	memcpy(e.proc.comm, "mount", 6);
	e.op = op;
	e.flags = flags;
	e.ret = ret;
	e.delta_ns = 12500;
	return &e;
}

static int decode(struct fixture *f, const void *data, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, data, size, &f->r);
}

static void test_mount_tmpfs(void **state)
{
	struct fixture *f = *state;
	struct mount_event *e = event(MOUNT_OP_MOUNT, 0xc0ed0000 | 0x2 | 0x4, 0);

	strcpy(e->src, "none");
	strcpy(e->target, "/mnt");
	strcpy(e->fs, "tmpfs");
	strcpy(e->data, "size=1m");
	assert_int_equal(1, decode(f, e, sizeof(*e)));
	assert_string_equal("mount(\"none\", \"/mnt\", \"tmpfs\", MS_NOSUID | MS_NODEV, \"size=1m\") = 0",
			    STR("call"));
	assert_string_equal("MS_NOSUID | MS_NODEV", STR("flags"));
	assert_int_equal(0xc0ed0006, UVAL("flags_raw"));
	assert_string_equal("mount", STR("op"));
	assert_string_equal("tmpfs", STR("fs"));
	assert_string_equal("none", STR("src"));
	assert_string_equal("/mnt", STR("dest"));
	assert_string_equal("size=1m", STR("data"));
	assert_string_equal("12.5\xc2\xb5s", STR("delta"));
	assert_int_equal(12500, UVAL("delta_raw"));
	assert_string_equal("", STR("error"));
}

static void test_umount_failed(void **state)
{
	struct fixture *f = *state;
	struct mount_event *e = event(MOUNT_OP_UMOUNT, 0x2 | 0x40, -16);

	strcpy(e->target, "/busy");
	assert_int_equal(1, decode(f, e, sizeof(*e)));
	assert_string_equal("umount(\"/busy\", MNT_DETACH | 0x40) = -16", STR("call"));
	assert_string_equal("EBUSY", STR("error"));
	assert_int_equal(16, IVAL("error_raw"));
	assert_int_equal(-16, IVAL("ret"));
}

static void test_move_mount_and_fsmount(void **state)
{
	struct fixture *f = *state;
	struct mount_event *e = event(MOUNT_OP_MOVE_MOUNT, 0x4, 0);

	e->dfd[0] = 3;
	e->dfd[1] = -100;
	strcpy(e->target, "/mnt");
	assert_int_equal(1, decode(f, e, sizeof(*e)));
	assert_string_equal("move_mount(3, \"\", -100, \"/mnt\", MOVE_MOUNT_F_EMPTY_PATH) = 0",
			    STR("call"));
	e = event(MOUNT_OP_FSMOUNT, 0x1, 4);
	e->dfd[0] = 3;
	e->attr = 0x1 | 0x8;
	assert_int_equal(1, decode(f, e, sizeof(*e)));
	assert_string_equal("fsmount(3, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC) = 4",
			    STR("call"));
	assert_int_equal(4, IVAL("ret"));
	assert_string_equal("", STR("error"));
}

static void test_durations(void **state)
{
	struct fixture *f = *state;
	static const struct { __u64 ns; const char *text; } cases[] = {
		{ 0, "0ns" }, { 950, "950ns" }, { 1000, "1\xc2\xb5s" }, { 3250000, "3.25ms" },
		{ 1200000000, "1.2s" }, { 1000000001, "1.000000001s" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mount_event *e = event(MOUNT_OP_UMOUNT, 0, 0);

		e->delta_ns = cases[i].ns;
		assert_int_equal(1, decode(f, e, sizeof(*e)));
		assert_string_equal(cases[i].text, STR("delta"));
	}
}

/* Strings that fill their buffer end in "…"; hostile bytes stay raw for the
 * output layer to escape. */
static void test_cut_and_raw_strings(void **state)
{
	struct fixture *f = *state;
	struct mount_event *e = event(MOUNT_OP_MOUNT, 0, -1);

	memset(e->target, 'a', sizeof(e->target));
	e->cut = MOUNT_CUT_TARGET;
	strcpy(e->src, "x\033[2Jy");
	assert_int_equal(1, decode(f, e, sizeof(*e)));
	assert_int_equal(MOUNT_PATH_MAX + 3, strlen(STR("dest")));
	assert_non_null(strstr(STR("dest"), "a\xe2\x80\xa6"));
	assert_string_equal("x\033[2Jy", STR("src"));
	assert_string_equal("EPERM", STR("error"));
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct mount_event *e = event(MOUNT_OP_MOUNT, 0, 0);

	assert_true(decode(f, e, sizeof(*e) - 1) < 0);
	e->op = MOUNT_OP_COUNT;
	assert_true(decode(f, e, sizeof(*e)) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mount_tmpfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_umount_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_mount_and_fsmount, setup, teardown),
		cmocka_unit_test_setup_teardown(test_durations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cut_and_raw_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
