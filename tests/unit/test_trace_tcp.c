// SPDX-License-Identifier: Apache-2.0
/*
 * trace_tcp's decoder on hand-made ring-buffer records: the SRC/DST text for
 * IPv4 and IPv6, the type and error fields, records that must be rejected,
 * and the tcptracer short names of -o custom-columns.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decoder_fixture.h"
#include "trace_tcp.h"

struct fixture {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open("trace_tcp", &f->g, &f->ctx, &f->s, &f->r);
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

static int field_idx(const struct fixture *f, const char *name)
{
	return decoder_idx(&f->s, name);
}

/* A field's text, NUL-terminated (static buffer: one use per call). */
static const char *str(const struct fixture *f, const char *name)
{
	static char buf[128];

	return decoder_str(&f->s, &f->r, name, buf, sizeof(buf));
}

static uint64_t uval(const struct fixture *f, const char *name)
{
	return decoder_uval(&f->s, &f->r, name);
}

static int64_t ival(const struct fixture *f, const char *name)
{
	return decoder_ival(&f->s, &f->r, name);
}

static struct tcp_event event(__u8 type, __u16 family, const char *saddr, __u16 sport,
			      const char *daddr, __u16 dport)
{
	struct tcp_event e;

	memset(&e, 0, sizeof(e));
	e.type = type;
	e.ep.family = family;
	e.ep.sport = sport;
	e.ep.dport = dport;
	assert_int_equal(1, inet_pton(family == TCP_AF_INET6 ? AF_INET6 : AF_INET, saddr, e.ep.saddr));
	assert_int_equal(1, inet_pton(family == TCP_AF_INET6 ? AF_INET6 : AF_INET, daddr, e.ep.daddr));
	e.proc.pid = 42;
	e.proc.tid = 43;
	memcpy(e.proc.comm, "wget", 5);
	e.netns_id = 4026531840u;
	e.fd = 3;
	return e;
}

static int decode(struct fixture *f, const void *data, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, data, size, &f->r);
}

static void test_connect_v4(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CONNECT, TCP_AF_INET, "127.0.0.1", 40000, "127.0.0.1", 8080);

	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("127.0.0.1:40000", str(f, "src.endpoint"));
	assert_string_equal("127.0.0.1:8080", str(f, "dst.endpoint"));
	assert_string_equal("127.0.0.1", str(f, "src.addr"));
	assert_int_equal(8080, uval(f, "dst.port"));
	assert_int_equal(4, uval(f, "src.version"));
	assert_int_equal(4, uval(f, "dst.version"));
	assert_string_equal("connect", str(f, "type"));
	assert_int_equal(0, uval(f, "type_raw"));
	assert_string_equal("C", str(f, "type_short"));
	assert_string_equal("", str(f, "error"));
	assert_int_equal(0, ival(f, "error_raw"));
	assert_int_equal(3, ival(f, "fd"));
	assert_int_equal(4026531840u, uval(f, "netns_id"));
	assert_string_equal("wget", str(f, "proc.comm"));
	assert_int_equal(42, uval(f, "proc.pid"));
}

static void test_accept_v6(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_ACCEPT, TCP_AF_INET6, "::1", 8080, "::1", 50000);

	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("[::1]:8080", str(f, "src.endpoint"));
	assert_string_equal("[::1]:50000", str(f, "dst.endpoint"));
	assert_string_equal("::1", str(f, "dst.addr"));
	assert_int_equal(6, uval(f, "src.version"));
	assert_string_equal("accept", str(f, "type"));
	assert_string_equal("A", str(f, "type_short"));
	assert_int_equal(1, uval(f, "type_raw"));
}

static void test_v4_mapped_v6(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CLOSE, TCP_AF_INET6, "::ffff:127.0.0.1", 65535,
				   "::ffff:127.0.0.1", 1);

	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("[::ffff:127.0.0.1]:65535", str(f, "src.endpoint"));
	assert_string_equal("[::ffff:127.0.0.1]:1", str(f, "dst.endpoint"));
	assert_string_equal("close", str(f, "type"));
	assert_string_equal("X", str(f, "type_short"));
}

static void test_refused(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CONNECT, TCP_AF_INET, "127.0.0.1", 40001, "127.0.0.1", 1);

	e.error = 111;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("ECONNREFUSED", str(f, "error"));
	assert_int_equal(111, ival(f, "error_raw"));
}

static void test_close_fd_unknown(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CLOSE, TCP_AF_INET, "127.0.0.1", 1, "127.0.0.1", 2);

	e.fd = -1;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_int_equal(-1, ival(f, "fd"));
}

static void test_rejects_truncated(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CONNECT, TCP_AF_INET, "127.0.0.1", 1, "127.0.0.1", 2);

	assert_true(decode(f, &e, sizeof(e) - 1) < 0);
	assert_true(decode(f, &e, offsetof(struct tcp_event, ep)) < 0);
	assert_true(decode(f, &e, 0) < 0);
}

static void test_rejects_bad_type_and_family(void **state)
{
	struct fixture *f = *state;
	struct tcp_event e = event(TCP_EV_CONNECT, TCP_AF_INET, "127.0.0.1", 1, "127.0.0.1", 2);

	e.type = TCP_EV_CLOSE + 1;
	assert_true(decode(f, &e, sizeof(e)) < 0);
	e.type = TCP_EV_CONNECT;
	e.ep.family = 1;   /* AF_UNIX */
	assert_true(decode(f, &e, sizeof(e)) < 0);
}

static void assert_headers(const struct fixture *f, const char *spec, const char *want)
{
	struct selection sel;
	char err[128] = "", got[256] = "";

	assert_int_equal(0, select_fields(&f->s, spec, &sel, err, sizeof(err)));
	for (size_t i = 0; i < sel.n; i++) {
		strcat(got, i ? " " : "");
		strcat(got, sel.c[i].header);
	}
	selection_free(&sel);
	assert_string_equal(want, got);
}

static void test_default_columns(void **state)
{
	assert_headers(*state, NULL, "RUNTIME.CONTAINERNAME COMM PID TID SRC DST TYPE ERROR");
}

static void test_tcptracer_short_names(void **state)
{
	struct fixture *f = *state;

	assert_headers(f, "t,pid,comm,ip,saddr,daddr,sport,dport",
		       "T PID COMM IP SADDR DADDR SPORT DPORT");
	assert_headers(f, "src,dst", "SRC DST");
	assert_int_equal(field_idx(f, "src.endpoint"), field_idx(f, "src"));
	assert_int_equal(field_idx(f, "src.version"), field_idx(f, "ip"));
	assert_int_equal(field_idx(f, "dst.port"), field_idx(f, "dport"));
}

static void test_flags(void **state)
{
	const struct gadget *g = ((struct fixture *)*state)->g;
	const char *want[] = { "connect-only", "accept-only", "failure-only", "legacy-json" };

	assert_int_equal(4, g->nflags);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(want[i], g->flags[i].name);
		assert_int_equal(GF_BOOL, g->flags[i].type);
	}
	assert_ptr_equal(g, gadget_find("tcptracer"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_connect_v4),
		T(test_accept_v6),
		T(test_v4_mapped_v6),
		T(test_refused),
		T(test_close_fd_unknown),
		T(test_rejects_truncated),
		T(test_rejects_bad_type_and_family),
		T(test_default_columns),
		T(test_tcptracer_short_names),
		T(test_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
