// SPDX-License-Identifier: Apache-2.0
/*
 * trace_signal's decoder on hand-made records: a kill with its target's
 * command, a failed kill, a kernel-generated signal, signal names (real-time
 * ones too), the --signal flag's parser, and malformed records.
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
#include "trace_signal.h"

struct fixture {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
	char buf[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open("trace_signal", &f->g, &f->ctx, &f->s, &f->r);
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

static struct signal_event event(int sig, __u8 via, int err)
{
	struct signal_event e;

	memset(&e, 0, sizeof(e));
	e.proc.pid = 42;
	e.proc.tid = 43;
	memcpy(e.proc.comm, "sh", 3);
	e.tpid = 77;
	e.sig = sig;
	e.via = via;
	e.err = err;
	e.result = SIGNAL_RESULT_NONE;
	return e;
}

static int decode(struct fixture *f, const void *data, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, data, size, &f->r);
}

static void test_kill_delivered(void **state)
{
	struct fixture *f = *state;
	struct signal_event e = event(10, SIGNAL_VIA_KILL, 0);

	e.result = 0;
	memcpy(e.tcomm, "sleep", 6);
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("sh", STR("proc.comm"));
	assert_string_equal("sleep", STR("tcomm"));
	assert_int_equal(77, IVAL("tpid"));
	assert_string_equal("SIGUSR1", STR("sig"));
	assert_int_equal(10, IVAL("sig_raw"));
	assert_string_equal("kill", STR("via"));
	assert_string_equal("delivered", STR("result"));
	assert_string_equal("", STR("error"));
	assert_int_equal(0, IVAL("error_raw"));
}

static void test_kill_failed(void **state)
{
	struct fixture *f = *state;
	struct signal_event e = event(0, SIGNAL_VIA_TGKILL, 3);

	e.tpid = -1;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("0", STR("sig"));
	assert_int_equal(-1, IVAL("tpid"));
	assert_string_equal("tgkill", STR("via"));
	assert_string_equal("", STR("result"));
	assert_string_equal("", STR("tcomm"));
	assert_string_equal("ESRCH", STR("error"));
	assert_int_equal(3, IVAL("error_raw"));
}

static void test_kernel_generated(void **state)
{
	struct fixture *f = *state;
	struct signal_event e = event(17, SIGNAL_VIA_GENERATE, 0);

	e.result = 2;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("SIGCHLD", STR("sig"));
	assert_string_equal("kernel", STR("via"));
	assert_string_equal("already_pending", STR("result"));
}

static void test_signal_names(void **state)
{
	struct fixture *f = *state;
	static const struct { int sig; const char *name; } cases[] = {
		{ 9, "SIGKILL" }, { 31, "SIGSYS" }, { 32, "SIGRTMIN" }, { 34, "SIGRTMIN+2" },
		{ 64, "SIGRTMIN+32" }, { 65, "65" }, { -5, "-5" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct signal_event e = event(cases[i].sig, SIGNAL_VIA_KILL, 0);

		assert_int_equal(1, decode(f, &e, sizeof(e)));
		assert_string_equal(cases[i].name, STR("sig"));
	}
}

static void test_malformed(void **state)
{
	struct fixture *f = *state;
	struct signal_event e = event(10, SIGNAL_VIA_KILL, 0);

	assert_true(decode(f, &e, sizeof(e) - 1) < 0);
	e.via = 9;
	assert_true(decode(f, &e, sizeof(e)) < 0);
}

/* --signal through the flag's own parser. */
static int parse_flag(const struct gadget *g, const char *v, void *opts, char *err, size_t len)
{
	for (size_t i = 0; i < g->nflags; i++)
		if (!strcmp(g->flags[i].name, "signal"))
			return g->flags[i].set(opts, v, err, len);
	fail();
	return -1;
}

static void test_signal_flag(void **state)
{
	struct fixture *f = *state;
	char opts[64], err[160];
	static const char *const good[] = { "SIGUSR1", "usr1", "10" };

	assert_true(f->g->opts_size <= sizeof(opts));
	for (size_t i = 0; i < 3; i++) {
		memset(opts, 0, sizeof(opts));
		assert_int_equal(0, parse_flag(f->g, good[i], opts, err, sizeof(err)));
	}
	assert_int_equal(-1, parse_flag(f->g, "SIGNOPE", opts, err, sizeof(err)));
	assert_non_null(strstr(err, "is not a signal"));
	assert_int_equal(-1, parse_flag(f->g, "99", opts, err, sizeof(err)));
	assert_int_equal(-1, parse_flag(f->g, "10x", opts, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill_delivered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_generated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_flag, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
