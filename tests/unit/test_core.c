// SPDX-License-Identifier: Apache-2.0
/* Unit tests of the user-space core: fields, filters, escaping, decoding,
 * and the columns/JSON/YAML printers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>
#include "decode.h"
#include "escape.h"
#include "field.h"
#include "filter.h"
#include "output.h"
#include "ig.h"

static const struct field test_fields[] = {
	{ "fname", "FNAME", "file", FT_STR, 10, FF_DEFAULT | FF_MIDDLE },
	{ "fd", "FD", NULL, FT_INT, 3, FF_DEFAULT | FF_RIGHT },
	{ "src.addr", NULL, "saddr", FT_STR, 15, 0 },
	{ "src.port", NULL, "sport", FT_UINT, 5, FF_RIGHT },
	{ "ok", NULL, NULL, FT_BOOL, 5, 0 },
};

struct fixture {
	struct schema s;
	struct row r;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_int_equal(schema_init(&f->s, test_fields, 5, NULL), 0);
	assert_int_equal(row_init(&f->r, &f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	row_free(&f->r);
	schema_free(&f->s);
	free(f);
	return 0;
}

static char *headers(const struct selection *sel)
{
	static char buf[512];

	buf[0] = 0;
	for (size_t i = 0; i < sel->n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, sel->c[i].header);
	}
	return buf;
}

static void test_default_selection(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	char err[128];

	assert_int_equal(select_fields(&f->s, NULL, &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "RUNTIME.CONTAINERNAME COMM PID TID FNAME FD");
	assert_false(sel.explicit);
	selection_free(&sel);
}

static void test_explicit_and_aliases(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	char err[128];

	assert_int_equal(select_fields(&f->s, "pid,comm, saddr ,src.port,ppid,pcomm,mntns,uid,tid", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "PID COMM SADDR SRC.PORT PPID PCOMM MNTNS UID TID");
	assert_true(sel.explicit);
	selection_free(&sel);
	/* Full names in any case, and headers, work too. */
	assert_int_equal(select_fields(&f->s, "proc.comm,RUNTIME.CONTAINERNAME,FD", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "COMM RUNTIME.CONTAINERNAME FD");
	selection_free(&sel);
}

static void test_add_remove_defaults(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	char err[128];

	assert_int_equal(select_fields(&f->s, "-tid,+proc.parent.pid,-runtime.containerName", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "COMM PID FNAME FD PPID");
	assert_false(sel.explicit);
	selection_free(&sel);
}

static void test_parent_names(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	char err[128];

	/* A parent name is every field under it, in schema order. */
	assert_int_equal(select_fields(&f->s, "k8s,pid", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "K8S.NODE K8S.NAMESPACE K8S.PODNAME K8S.CONTAINERNAME PID");
	selection_free(&sel);
	assert_int_equal(select_fields(&f->s, "proc.creds,src", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "UID GID SRC.ADDR SRC.PORT");
	selection_free(&sel);
	/* ... and works with + and -. */
	assert_int_equal(select_fields(&f->s, "-proc", &sel, err, sizeof(err)), 0);
	assert_string_equal(headers(&sel), "RUNTIME.CONTAINERNAME FNAME FD");
	selection_free(&sel);
	/* A prefix that is not a whole name is not a parent. */
	assert_int_equal(select_fields(&f->s, "pro", &sel, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown field \"pro\"");
	assert_int_equal(select_fields(&f->s, "k8s.", &sel, err, sizeof(err)), -1);
}

static void test_unknown_field(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	char err[128];

	assert_int_equal(select_fields(&f->s, "pid,bogus", &sel, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown field \"bogus\"");
	assert_int_equal(select_fields(&f->s, "", &sel, err, sizeof(err)), -1);
}

static void set_event(struct row *r, const char *fname, int64_t fd)
{
	row_reset(r);
	row_set_str(r, GF(0), fname, strlen(fname));
	row_set_int(r, GF(1), fd);
	row_set_str(r, CF_COMM, "cat", 3);
	row_set_uint(r, CF_PID, 42);
	row_set_str(r, GF(2), "127.0.0.1", 9);
	row_set_uint(r, GF(3), 8080);
	row_set_uint(r, GF(4), 1);
}

static void test_filter_ops(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *expr;
		bool match;
	} cases[] = {
		{ "fname==/etc/passwd", true }, { "fname!=/etc/passwd", false },
		{ "fname~^/etc/", true }, { "fname!~pass", false }, { "fd>=3", true },
		{ "fd>3", false }, { "fd<4", true }, { "fd<=2", false }, { "pid==42", true },
		{ "proc.pid==42,fname~shadow", false }, { "comm==cat,sport==8080", true },
		{ "src.port>1024", true }, { "fd==-1", false }, { "ok==true", true },
		{ "fname==", false },
	};

	set_event(&f->r, "/etc/passwd", 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct filter flt = { 0 };
		char err[256];

		if (filter_parse(&flt, &f->s, cases[i].expr, err, sizeof(err)))
			fail_msg("%s: %s", cases[i].expr, err);
		if (filter_match(&flt, &f->s, &f->r) != cases[i].match)
			fail_msg("%s should %smatch", cases[i].expr, cases[i].match ? "" : "not ");
		filter_free(&flt);
	}
}

static void test_filter_errors(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = {
		"fname", "nosuch==1", "pid==abc", "fd==1x", "fname~((", "==x", "", "ok==maybe", "pid==-1",
		"fname=/etc/passwd",   /* a single = is refused, not taken as == */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct filter flt = { 0 };
		char err[256];

		if (!filter_parse(&flt, &f->s, bad[i], err, sizeof(err)))
			fail_msg("\"%s\" should not parse", bad[i]);
		filter_free(&flt);
	}
}

static char *column_of(const char *s, size_t len, size_t max)
{
	static char out[1024];
	struct obuf b = { 0 };

	esc_column(&b, s, len, max);
	memcpy(out, b.p, b.len);
	out[b.len] = 0;
	ob_free(&b);
	return out;
}

static void test_escape_columns(void **state)
{
	(void)state;
	assert_string_equal(column_of("a\x1b[2Jb", 6, 0), "a\\x1b[2Jb");
	assert_string_equal(column_of("x\r\n\t\a\\", 6, 0), "x\\r\\n\\t\\x07\\\\");
	assert_string_equal(column_of("\x7f", 1, 0), "\\x7f");
	/* invalid UTF-8, an overlong '/', a surrogate, a C1 CSI, bidi override */
	assert_string_equal(column_of("\xff\xc0\xaf", 3, 0), "\\xff\\xc0\\xaf");
	assert_string_equal(column_of("\xed\xa0\x80", 3, 0), "\\xed\\xa0\\x80");
	assert_string_equal(column_of("\xc2\x9b" "31m", 5, 0), "\\u009b31m");
	assert_string_equal(column_of("a\xe2\x80\xae" "b", 5, 0), "a\\u202eb");
	/* valid UTF-8 passes, one cell per character */
	assert_string_equal(column_of("h\xc3\xa9llo", 6, 0), "h\xc3\xa9llo");
	/* cut with an ellipsis; an escape is never split */
	assert_string_equal(column_of("abcdefgh", 8, 5), "abcd\xe2\x80\xa6");
	assert_string_equal(column_of("ab\x1b" "cdef", 7, 5), "ab\xe2\x80\xa6");
	assert_string_equal(column_of("abcde", 5, 5), "abcde");
	assert_int_equal(esc_column_cells("a\x1b", 2), 5);
}

static void test_escape_middle(void **state)
{
	const char *p = "/tmp/aaaaaaaaaaaaaaaaaaaa/etc/shadow";
	struct obuf b = { 0 };
	size_t cells;

	(void)state;
	cells = esc_column_middle(&b, p, strlen(p), 20);
	ob_putc(&b, 0);
	assert_int_equal(cells, 20);
	assert_string_equal(b.p, "/tmp/a\xe2\x80\xa6" "aa/etc/shadow");
	ob_free(&b);
}

static char *json_of(const char *s, size_t len)
{
	static char out[1024];
	struct obuf b = { 0 };

	esc_json(&b, s, len);
	memcpy(out, b.p, b.len);
	out[b.len] = 0;
	ob_free(&b);
	return out;
}

static void test_escape_json(void **state)
{
	(void)state;
	assert_string_equal(json_of("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
	assert_string_equal(json_of("\x1b[1A\n\x01\x7f", 7), "\"\\u001b[1A\\u000a\\u0001\\u007f\"");
	assert_string_equal(json_of("\xff" "ok\xc3", 4), "\"\\ufffdok\\ufffd\"");
	assert_string_equal(json_of("\xc2\x85\xe2\x80\xa8", 5), "\"\\u0085\\u2028\"");
	assert_string_equal(json_of("\xf0\x9f\x98\x80", 4), "\"\xf0\x9f\x98\x80\"");
	assert_string_equal(json_of("a\0b", 3), "\"a\\u0000b\"");
	/* Non-characters JSON allows but YAML does not. */
	assert_string_equal(json_of("\xef\xbf\xbe\xef\xbf\xbf\xef\xbf\xbd", 9), "\"\\ufffe\\uffff\xef\xbf\xbd\"");
}

static void test_decode_flags(void **state)
{
	char buf[256];

	(void)state;
	decode_open_flags(0, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDONLY");
	decode_open_flags(01 | 0100 | 01000 | 02000000, buf, sizeof(buf));
	assert_string_equal(buf, "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
	decode_open_flags(02 | 0200000 | 040000000, buf, sizeof(buf));
	assert_string_equal(buf, "O_RDWR|O_DIRECTORY|040000000");
	assert_int_equal(decode_open_flags(0xffffffff, buf, 8), 7);
	decode_mode(0644, buf, sizeof(buf));
	assert_string_equal(buf, "0644");
	decode_mode(0104755, buf, sizeof(buf));
	assert_string_equal(buf, "04755");
	assert_string_equal(errno_name(2), "ENOENT");
	assert_string_equal(errno_name(111), "ECONNREFUSED");
	assert_null(errno_name(0));
	assert_null(errno_name(100000));
}

/* What the printer writes: a header and the row, or a lost-event record. */
static char *print_one(struct fixture *f, enum out_mode mode, const char *spec, bool header,
		       bool lost)
{
	static char out[4096];
	struct selection sel;
	struct output o;
	char err[128];

	assert_int_equal(select_fields(&f->s, spec, &sel, err, sizeof(err)), 0);
	assert_int_equal(output_init(&o, mode, &f->s, &sel), 0);
	if (header)
		output_header(&o);
	if (lost)
		output_lost(&o, 7, 12, 1700000000123456789ULL);
	else
		output_row(&o, &f->r);
	assert_true(o.buf.len < sizeof(out));
	if (o.buf.len)
		memcpy(out, o.buf.p, o.buf.len);
	out[o.buf.len] = 0;
	output_free(&o);
	selection_free(&sel);
	return out;
}

static char *render(struct fixture *f, enum out_mode mode, const char *spec, bool header)
{
	return print_one(f, mode, spec, header, false);
}

static void test_columns_format(void **state)
{
	struct fixture *f = *state;

	set_event(&f->r, "/etc/passwd", 3);
	assert_string_equal(render(f, OUT_COLUMNS, "pid,comm,fd,fname", true),
			    "    PID COMM              FD FNAME\n"
			    "     42 cat                3 /etc/passwd\n");
	/* A non-last string column is cut; the middle-cut keeps the end. */
	set_event(&f->r, "/a/very/long/path/to/shadow", -1);
	assert_string_equal(render(f, OUT_COLUMNS, "fname,fd", false),
			    "/a/\xe2\x80\xa6shadow  -1\n");
	/* Numbers wider than the column are never cut. */
	set_event(&f->r, "x", 123456);
	assert_string_equal(render(f, OUT_COLUMNS, "fd,fname", false), "123456 x\n");
}

static void test_json_shape(void **state)
{
	struct fixture *f = *state;
	const char *out;

	set_event(&f->r, "/etc/\x1bpasswd", 3);
	row_set_uint(&f->r, CF_TIMESTAMP, 1700000000123456789ULL);
	out = render(f, OUT_JSON, "pid,fname,src.port,saddr,comm,ok,timestamp", false);
	assert_string_equal(out,
		"{\"fname\":\"/etc/\\u001bpasswd\",\"ok\":true,"
		"\"proc\":{\"comm\":\"cat\",\"pid\":42},"
		"\"src\":{\"addr\":\"127.0.0.1\",\"port\":8080},"
		"\"timestamp\":\"2023-11-14T22:13:20.123456789Z\"}\n");
	out = render(f, OUT_JSONPRETTY, "proc.pid,proc.creds.uid,fd", false);
	assert_string_equal(out,
		"{\n  \"fd\": 3,\n  \"proc\": {\n    \"creds\": {\n      \"uid\": 0\n    },\n"
		"    \"pid\": 42\n  }\n}\n");
	/* Without --fields, JSON has every field, keys sorted at each level. */
	out = render(f, OUT_JSON, NULL, false);
	assert_non_null(strstr(out, "\"error\"") == NULL ? out : NULL);
	assert_non_null(strstr(out, "\"k8s\":{\"containerName\":\"\",\"namespace\":\"\",\"node\":\"\",\"podName\":\"\"}"));
	assert_non_null(strstr(out, "\"proc\":{\"comm\":\"cat\",\"creds\":{\"gid\":0,\"uid\":0},\"mntns_id\":0,\"parent\":{\"comm\":\"\",\"pid\":0},\"pid\":42,\"tid\":0}"));
}

/* Columns with flat keys (--legacy-json): each value under its key, keys
 * sorted, nothing nested; a row ends without trailing blanks in columns. */
static void test_json_flat_keys(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	struct output o;
	char err[128];

	set_event(&f->r, "/etc/passwd", 3);
	assert_int_equal(select_fields(&f->s, "proc.pid,fname,src.port", &sel, err, sizeof(err)), 0);
	sel.c[0].key = "pid";
	sel.c[1].key = "file";
	sel.c[2].key = "sport";
	assert_int_equal(output_init(&o, OUT_JSON, &f->s, &sel), 0);
	output_row(&o, &f->r);
	ob_putc(&o.buf, 0);
	assert_string_equal(o.buf.p, "{\"file\":\"/etc/passwd\",\"pid\":42,\"sport\":8080}\n");
	output_free(&o);
	selection_free(&sel);
	set_event(&f->r, "", 3);
	assert_string_equal(render(f, OUT_COLUMNS, "fd,comm,fname", false), "  3 cat\n");
}

static void test_yaml_shape(void **state)
{
	struct fixture *f = *state;
	const char *out;

	/* The JSON plan: same members, same order, a mapping a level. */
	set_event(&f->r, "/etc/passwd", -1);
	row_set_uint(&f->r, CF_TIMESTAMP, 1700000000123456789ULL);
	out = render(f, OUT_YAML, "pid,fname,src.port,saddr,comm,ok,timestamp,proc.creds.uid,fd,pcomm", false);
	assert_string_equal(out,
		"---\n"
		"fd: -1\n"
		"fname: \"/etc/passwd\"\n"
		"ok: true\n"
		"proc:\n"
		"  comm: \"cat\"\n"
		"  creds:\n"
		"    uid: 0\n"
		"  parent:\n"
		"    comm: \"\"\n"
		"  pid: 42\n"
		"src:\n"
		"  addr: \"127.0.0.1\"\n"
		"  port: 8080\n"
		"timestamp: \"2023-11-14T22:13:20.123456789Z\"\n");
	/* Each row is a document of its own. */
	row_set_uint(&f->r, GF(4), 0);
	row_set_uint(&f->r, CF_PID, 18446744073709551615ULL);
	assert_string_equal(render(f, OUT_YAML, "ok,pid", false),
			    "---\nok: false\nproc:\n  pid: 18446744073709551615\n");
	/* Without --fields, every field, keys sorted as in JSON. */
	out = render(f, OUT_YAML, NULL, false);
	assert_non_null(strstr(out, "\nk8s:\n  containerName: \"\"\n  namespace: \"\"\n"
				    "  node: \"\"\n  podName: \"\"\nok: false\nproc:\n"));
	assert_non_null(strstr(out, "\n  mntns_id: 0\n  parent:\n    comm: \"\"\n    pid: 0\n"
				    "  pid: 18446744073709551615\n  tid: 0\nruntime:\n"));
}

static void test_yaml_escaping(void **state)
{
	struct fixture *f = *state;

	/* Control bytes, quote, backslash, C1, invalid UTF-8 and U+FFFE as in
	 * JSON: a double-quoted scalar with no raw control byte. */
	set_event(&f->r, "a\x1b[2J\"q\"\\\n\t\x7f\xc2\x9b\xff\xc3 \xef\xbf\xbe\xc3\xa9", 0);
	assert_string_equal(render(f, OUT_YAML, "fname", false),
			    "---\nfname: \"a\\u001b[2J\\\"q\\\"\\\\\\u000a\\u0009\\u007f"
			    "\\u009b\\ufffd\\ufffd \\ufffe\xc3\xa9\"\n");
	/* Strings a plain scalar would turn into something else stay strings. */
	set_event(&f->r, "true", 0);
	row_set_str(&f->r, GF(2), "", 0);
	assert_string_equal(render(f, OUT_YAML, "fname,saddr", false),
			    "---\nfname: \"true\"\nsrc:\n  addr: \"\"\n");
	set_event(&f->r, "- x: #y\n---", 0);
	assert_string_equal(render(f, OUT_YAML, "fname", false),
			    "---\nfname: \"- x: #y\\u000a---\"\n");
}

/* FT_JSON values are JSON flow nodes on one line; keys YAML would read as
 * something else than a string are quoted. */
static void test_yaml_json_field(void **state)
{
	static const struct field fields[] = {
		{ "params", NULL, NULL, FT_JSON, 10, 0 },
		{ "on", NULL, NULL, FT_UINT, 3, 0 },
		{ "a b", NULL, NULL, FT_UINT, 3, 0 },
	};
	static const char params[] = "[{\"n\":\"x\xc2\x85\\u0001\"},\n {\"c\":null,\r\"d\":\"\xef\xbf\xbf\x7f\"}]";
	struct fixture f = { 0 };
	char *out;

	(void)state;
	assert_int_equal(schema_init(&f.s, fields, 3, NULL), 0);
	assert_int_equal(row_init(&f.r, &f.s), 0);
	row_set_str(&f.r, GF(0), params, strlen(params));
	row_set_uint(&f.r, GF(1), 1);
	out = render(&f, OUT_YAML, "params,on,a b", false);
	assert_string_equal(out,
		"---\n\"a b\": 0\n\"on\": 1\n"
		"params: [{\"n\":\"x\\u0085\\u0001\"},  {\"c\":null, \"d\":\"\\uffff\\u007f\"}]\n");
	row_set_str(&f.r, GF(0), "", 0);
	assert_string_equal(render(&f, OUT_YAML, "params", false), "---\nparams: null\n");
	/* JSON keeps the text as it is. */
	assert_string_equal(render(&f, OUT_JSON, "params", false), "{\"params\":null}\n");
	row_free(&f.r);
	schema_free(&f.s);
}

/* The lost-event record: the same keys in every structured mode. */
static void test_lost_records(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(print_one(f, OUT_JSON, NULL, false, true),
		"{\"count\":7,\"timestamp\":\"2023-11-14T22:13:20.123456789Z\",\"total\":12,\"type\":\"lost\"}\n");
	assert_string_equal(print_one(f, OUT_JSONPRETTY, NULL, false, true),
		"{\n  \"count\": 7,\n  \"timestamp\": \"2023-11-14T22:13:20.123456789Z\",\n"
		"  \"total\": 12,\n  \"type\": \"lost\"\n}\n");
	assert_string_equal(print_one(f, OUT_YAML, NULL, false, true),
		"---\ncount: 7\ntimestamp: \"2023-11-14T22:13:20.123456789Z\"\ntotal: 12\ntype: \"lost\"\n");
	assert_string_equal(print_one(f, OUT_COLUMNS, NULL, false, true), "");
}

/* ig daemon's export mixes gadgets: its lost records say whose they are,
 * "gadget" escaped as every string is. */
static void test_lost_record_names_the_gadget(void **state)
{
	struct fixture *f = *state;
	struct selection sel;
	struct output o;
	char err[128];

	assert_int_equal(select_fields(&f->s, NULL, &sel, err, sizeof(err)), 0);
	assert_int_equal(output_init(&o, OUT_JSON, &f->s, &sel), 0);
	assert_int_equal(output_lost_gadget(&o, "trace_\"x"), 0);
	output_lost(&o, 7, 12, 1700000000123456789ULL);
	ob_putc(&o.buf, 0);
	assert_string_equal(o.buf.p,
		"{\"count\":7,\"gadget\":\"trace_\\\"x\",\"timestamp\":\"2023-11-14T22:13:20.123456789Z\","
		"\"total\":12,\"type\":\"lost\"}\n");
	output_free(&o);
	selection_free(&sel);
}

static void test_rfc3339(void **state)
{
	char buf[40];

	(void)state;
	format_rfc3339(buf, 5);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000005Z");
}

/* Messages on stderr name containers and files: ig_err escapes them as
 * the columns do (ESC, a one-byte CSI, a bidi override, invalid UTF-8). */
static void test_stderr_escaped(void **state)
{
	char path[] = "/tmp/ig-test-stderr.XXXXXX", got[256] = "";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0 && saved >= 0);
	unlink(path);
	dup2(fd, STDERR_FILENO);
	ig_err("trace 1 (%s): note", "web\x1b[2J\xc2\x9b" "31m\xe2\x80\xae" "gnp\xff\n");
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, got, sizeof(got) - 1, 0);
	close(fd);
	assert_true(n > 0);
	assert_string_equal(got, "ig: trace 1 (web\\x1b[2J\\u009b31m\\u202egnp\\xff\\n): note\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_selection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_explicit_and_aliases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_remove_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parent_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_filter_errors, setup, teardown),
		cmocka_unit_test(test_escape_columns),
		cmocka_unit_test(test_escape_middle),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_decode_flags),
		cmocka_unit_test_setup_teardown(test_columns_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_flat_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yaml_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_yaml_escaping, setup, teardown),
		cmocka_unit_test(test_yaml_json_field),
		cmocka_unit_test_setup_teardown(test_lost_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lost_record_names_the_gadget, setup, teardown),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_stderr_escaped),
	};

	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
