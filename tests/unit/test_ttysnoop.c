// SPDX-License-Identifier: Apache-2.0
/*
 * ttysnoop's decoder on hand-made ring-buffer records, well-formed and
 * hostile (short, lying about their sizes), the escaping of tty bytes in
 * columns and JSON, and the asciicast writer (stdout and directory modes).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <linux/types.h>

#include "../../src/asciicast.h"
#include "decoder_fixture.h"
#include "../../src/output.h"
#include "ttysnoop.h"

#define HDR offsetof(struct tty_event, buf)
#define T0  1700000000000000000ULL   /* wall ns of the first event */

/* ---- helpers ---------------------------------------------------------------- */

struct fix {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
	struct tty_event *e;   /* a full-size record to fill */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open("ttysnoop", &f->g, &f->ctx, &f->s, &f->r);
	f->e = calloc(1, sizeof(*f->e));
	assert_non_null(f->e);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	decoder_close(&f->s, &f->r);
	free(f->e);
	free(f);
	return 0;
}

static int idx(const struct fix *f, const char *name)
{
	bool alias;
	int i = schema_find(&f->s, name, strlen(name), &alias);

	assert_true(i >= 0);
	return i;
}

/* A record as the BPF side builds it: buf holds data, len is data's size. */
static void fill(struct fix *f, const char *data, size_t n)
{
	memset(f->e, 0, sizeof(*f->e));
	f->e->proc.timestamp = T0;
	f->e->proc.pid = 42;
	f->e->proc.tid = 43;
	memcpy(f->e->proc.comm, "sh", 3);
	f->e->ino = 3;
	f->e->len = n;
	f->e->dev = 136U << TTY_MINORBITS | 0;
	f->e->fd = 1;
	f->e->buf_size = n;
	f->e->cols = 120;
	f->e->rows = 40;
	f->e->oflag = TTY_OPOST | TTY_ONLCR;
	memcpy(f->e->tty, "pts0", 5);
	memcpy(f->e->buf, data, n);
}

static int decode(struct fix *f, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, f->e, size, &f->r);
}

static void assert_str(const struct fix *f, const char *name, const char *want, size_t len)
{
	const struct value *v = &f->r.v[idx(f, name)];

	assert_int_equal(v->len, len);
	assert_memory_equal(v->s, want, len);
}

static uint64_t u(const struct fix *f, const char *name)
{
	return f->r.v[idx(f, name)].u;
}

/* ---- decoder ------------------------------------------------------------------ */

static void test_decode_simple(void **state)
{
	struct fix *f = *state;

	fill(f, "foo\n", 4);
	assert_int_equal(decode(f, HDR + 4), 1);
	assert_str(f, "buf", "foo\n", 4);
	assert_int_equal(u(f, "len"), 4);
	assert_int_equal(u(f, "buf_truncated"), 0);
	assert_int_equal(u(f, "ino"), 3);
	assert_int_equal(u(f, "fd"), 1);
	assert_str(f, "dev", "136:0", 5);
	assert_str(f, "tty", "pts0", 4);
	assert_str(f, "syscall", "write", 5);
	assert_int_equal(u(f, "winsize.cols"), 120);
	assert_int_equal(u(f, "winsize.rows"), 40);
	assert_int_equal(u(f, "onlcr"), 1);
	assert_int_equal(u(f, "proc.pid"), 42);
	assert_int_equal(u(f, "timestamp"), T0);
}

static void test_decode_flags(void **state)
{
	struct fix *f = *state;

	fill(f, "x", 1);
	f->e->flags = TTY_F_WRITEV;
	f->e->oflag = TTY_ONLCR;   /* ONLCR without OPOST does nothing */
	f->e->dev = 5U << TTY_MINORBITS | 2;
	assert_int_equal(decode(f, HDR + 1), 1);
	assert_str(f, "syscall", "writev", 6);
	assert_int_equal(u(f, "onlcr"), 0);
	assert_str(f, "dev", "5:2", 3);
	f->e->flags = TTY_F_WRITEV | TTY_F_PWRITEV2;
	assert_int_equal(decode(f, HDR + 1), 1);
	assert_str(f, "syscall", "pwritev2", 8);
}

static void test_decode_short_record(void **state)
{
	struct fix *f = *state;

	fill(f, "foo", 3);
	assert_int_equal(decode(f, 0), -1);
	assert_int_equal(decode(f, sizeof(struct ig_proc)), -1);
	assert_int_equal(decode(f, HDR - 1), -1);
	/* A header alone is a write of which nothing could be copied. */
	assert_int_equal(decode(f, HDR), 1);
	assert_int_equal(f->r.v[idx(f, "buf")].len, 0);
	assert_int_equal(u(f, "buf_truncated"), 1);
}

/* buf_size claims more than the record carries: trust the record. */
static void test_decode_len_past_record(void **state)
{
	struct fix *f = *state;

	fill(f, "abcdefgh", 8);
	f->e->len = 100000;
	f->e->buf_size = TTY_BUF_MAX;
	assert_int_equal(decode(f, HDR + 5), 1);
	assert_str(f, "buf", "abcde", 5);
	assert_int_equal(u(f, "len"), 100000);
	assert_int_equal(u(f, "buf_truncated"), 1);
}

/* buf_size beyond the cap, even if the record were that long. */
static void test_decode_buf_size_past_cap(void **state)
{
	struct fix *f = *state;

	fill(f, "", 0);
	memset(f->e->buf, 'A', TTY_BUF_MAX);
	f->e->len = 1U << 30;
	f->e->buf_size = 0xffffffff;
	assert_int_equal(decode(f, sizeof(*f->e) + 4096), 1);
	assert_int_equal(f->r.v[idx(f, "buf")].len, TTY_BUF_MAX);
	assert_int_equal(u(f, "buf_truncated"), 1);
}

/* More bytes than the write asked for: show len bytes only. */
static void test_decode_buf_size_past_len(void **state)
{
	struct fix *f = *state;

	fill(f, "secretXX", 8);
	f->e->len = 6;
	assert_int_equal(decode(f, HDR + 8), 1);
	assert_str(f, "buf", "secret", 6);
	assert_int_equal(u(f, "buf_truncated"), 0);
}

static void test_decode_full_cap(void **state)
{
	struct fix *f = *state;

	fill(f, "", 0);
	memset(f->e->buf, 'z', TTY_BUF_MAX);
	f->e->len = TTY_BUF_MAX + 1;
	f->e->buf_size = TTY_BUF_MAX;
	assert_int_equal(decode(f, sizeof(*f->e)), 1);
	assert_int_equal(f->r.v[idx(f, "buf")].len, TTY_BUF_MAX);
	assert_int_equal(u(f, "buf_truncated"), 1);
	f->e->len = TTY_BUF_MAX;
	assert_int_equal(decode(f, sizeof(*f->e)), 1);
	assert_int_equal(u(f, "buf_truncated"), 0);
}

/* A tty name with no NUL stays within its array. */
static void test_decode_unterminated_name(void **state)
{
	struct fix *f = *state;

	fill(f, "x", 1);
	memset(f->e->tty, 'n', sizeof(f->e->tty));
	assert_int_equal(decode(f, HDR + 1), 1);
	assert_int_equal(f->r.v[idx(f, "tty")].len, TTY_NAME_MAX);
}

static void test_default_columns(void **state)
{
	struct fix *f = *state;
	struct selection sel;
	char err[128];
	const char *want[] = { "RUNTIME.CONTAINERNAME", "COMM", "PID", "TID", "LEN", "BUF" };

	assert_int_equal(select_fields(&f->s, NULL, &sel, err, sizeof(err)), 0);
	assert_int_equal(sel.n, 6);
	for (size_t i = 0; i < sel.n; i++)
		assert_string_equal(sel.c[i].header, want[i]);
	selection_free(&sel);
}

/* ---- escaping of tty bytes ---------------------------------------------------- */

#define HOSTILE "\033[2J\033[31mred\a\r\n\033]0;title\a\x9b" "1m\xff"

static char *render(struct fix *f, enum out_mode mode)
{
	struct selection sel;
	struct output o;
	char err[128], *s;

	assert_int_equal(select_fields(&f->s, NULL, &sel, err, sizeof(err)), 0);
	assert_int_equal(output_init(&o, mode, &f->s, &sel), 0);
	output_header(&o);
	output_row(&o, &f->r);
	ob_putc(&o.buf, 0);
	s = strdup(o.buf.p);
	output_free(&o);
	selection_free(&sel);
	return s;
}

static void test_columns_escape(void **state)
{
	struct fix *f = *state;
	char *out;

	fill(f, HOSTILE, sizeof(HOSTILE) - 1);
	assert_int_equal(decode(f, HDR + sizeof(HOSTILE) - 1), 1);
	out = render(f, OUT_COLUMNS);
	for (const char *p = out; *p; p++) {
		unsigned char ch = *p;

		/* Only the row's own newline; no ESC, BEL, CR or raw C1/0xff. */
		assert_false(ch < 0x20 && ch != '\n');
		assert_false(ch == 0x7f || ch == 0xff);
	}
	assert_non_null(strstr(out, "\\x1b[2J\\x1b[31mred\\x07\\r\\n\\x1b]0;title\\x07"));
	free(out);
}

static void test_json_round_trip(void **state)
{
	struct fix *f = *state;
	const char *text = "\033[2J\033[31mred\r\n\tcaf\xc3\xa9 \x01";
	json_error_t jerr;
	json_t *j;
	char *out;

	fill(f, text, strlen(text));
	assert_int_equal(decode(f, HDR + strlen(text)), 1);
	out = render(f, OUT_JSON);
	assert_null(strchr(out, '\033'));
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "buf")), text);
	assert_int_equal(json_integer_value(json_object_get(j, "len")), strlen(text));
	json_decref(j);
	free(out);

	/* Invalid UTF-8 becomes U+FFFD; the JSON stays valid. */
	fill(f, HOSTILE, sizeof(HOSTILE) - 1);
	assert_int_equal(decode(f, HDR + sizeof(HOSTILE) - 1), 1);
	out = render(f, OUT_JSON);
	j = json_loads(out, 0, &jerr);
	assert_non_null(j);
	assert_non_null(strstr(json_string_value(json_object_get(j, "buf")), "\xef\xbf\xbd"));
	json_decref(j);
	free(out);
}

/* ---- asciicast ---------------------------------------------------------------- */

/* Decode a record of data for (container, ino) at T0 + ms. */
static void cast_row(struct fix *f, struct asciicast *c, struct obuf *ob, const char *container,
		     uint64_t ino, unsigned ms, const char *data, size_t n)
{
	fill(f, data, n);
	f->e->ino = ino;
	f->e->proc.timestamp = T0 + ms * 1000000ULL;
	assert_int_equal(decode(f, HDR + n), 1);
	row_set_str(&f->r, CF_RT_CONTAINER_NAME, container, strlen(container));
	asciicast_row(c, ob, &f->r);
}

/* Split text into lines, each parsed as JSON. */
static size_t parse_lines(const char *text, json_t **lines, size_t max)
{
	size_t n = 0;

	while (*text && n < max) {
		const char *nl = strchr(text, '\n');
		json_error_t jerr;

		assert_non_null(nl);
		lines[n] = json_loadb(text, nl - text, 0, &jerr);
		if (!lines[n])
			fail_msg("line %zu is not JSON: %.*s (%s)", n, (int)(nl - text), text, jerr.text);
		n++;
		text = nl + 1;
	}
	return n;
}

static void free_lines(json_t **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_decref(lines[i]);
}

static void assert_event(json_t *ev, double t, const char *type, const char *data)
{
	assert_true(json_is_array(ev));
	assert_int_equal(json_array_size(ev), 3);
	assert_true(json_number_value(json_array_get(ev, 0)) > t - 1e-7);
	assert_true(json_number_value(json_array_get(ev, 0)) < t + 1e-7);
	assert_string_equal(json_string_value(json_array_get(ev, 1)), type);
	assert_string_equal(json_string_value(json_array_get(ev, 2)), data);
}

static void test_cast_stdout(void **state)
{
	struct fix *f = *state;
	struct asciicast *c = asciicast_new(&f->s, NULL);
	struct obuf ob = { 0 };
	json_t *l[16];
	size_t n;

	assert_non_null(c);
	cast_row(f, c, &ob, "web", 3, 0, "\033[31mred\n", 9);
	/* Another tty: not in this cast. */
	cast_row(f, c, &ob, "web", 4, 100, "other\n", 6);
	cast_row(f, c, &ob, "db", 3, 100, "other\n", 6);
	/* A character cut between two writes is joined. */
	cast_row(f, c, &ob, "web", 3, 1500, "caf\xc3", 4);
	cast_row(f, c, &ob, "web", 3, 1750, "\xa9!", 2);
	/* Even one byte per write: U+20AC in three writes. */
	cast_row(f, c, &ob, "web", 3, 1750, "\xe2", 1);
	cast_row(f, c, &ob, "web", 3, 1750, "\x82", 1);
	cast_row(f, c, &ob, "web", 3, 1750, "\xac", 1);
	/* An earlier timestamp (another CPU) does not go back in time. */
	cast_row(f, c, &ob, "web", 3, 1000, "late", 4);
	asciicast_free(c);
	ob_putc(&ob, 0);
	n = parse_lines(ob.p, l, 16);
	assert_int_equal(n, 6);
	assert_int_equal(json_integer_value(json_object_get(l[0], "version")), 2);
	assert_int_equal(json_integer_value(json_object_get(l[0], "width")), 120);
	assert_int_equal(json_integer_value(json_object_get(l[0], "height")), 40);
	assert_int_equal(json_integer_value(json_object_get(l[0], "timestamp")), T0 / 1000000000ULL);
	assert_string_equal(json_string_value(json_object_get(l[0], "title")),
			    "ig: web pts0 ino 3");
	assert_true(json_is_object(json_object_get(l[0], "env")));
	assert_event(l[1], 0, "o", "\033[31mred\r\n");   /* ONLCR applied */
	assert_event(l[2], 1.5, "o", "caf");
	assert_event(l[3], 1.75, "o", "\xc3\xa9!");
	assert_event(l[4], 1.75, "o", "\xe2\x82\xac");
	assert_event(l[5], 1.75, "o", "late");
	free_lines(l, n);
	ob_free(&ob);
}

static void test_cast_resize_and_raw_mode(void **state)
{
	struct fix *f = *state;
	struct asciicast *c = asciicast_new(&f->s, NULL);
	struct obuf ob = { 0 };
	json_t *l[8];
	size_t n;

	assert_non_null(c);
	fill(f, "a\n", 2);
	f->e->cols = 0;   /* never set (docker run -d -t): the default size */
	f->e->rows = 0;
	f->e->oflag = 0;  /* raw mode: \n stays \n */
	assert_int_equal(decode(f, HDR + 2), 1);
	asciicast_row(c, &ob, &f->r);
	fill(f, "b", 1);
	f->e->cols = 100;
	f->e->rows = 30;
	f->e->proc.timestamp = T0 + 2000000000ULL;
	assert_int_equal(decode(f, HDR + 1), 1);
	asciicast_row(c, &ob, &f->r);
	asciicast_free(c);
	ob_putc(&ob, 0);
	n = parse_lines(ob.p, l, 8);
	assert_int_equal(n, 4);
	assert_int_equal(json_integer_value(json_object_get(l[0], "width")), CAST_DEFAULT_COLS);
	assert_int_equal(json_integer_value(json_object_get(l[0], "height")), CAST_DEFAULT_ROWS);
	assert_event(l[1], 0, "o", "a\n");
	assert_event(l[2], 2, "r", "100x30");
	assert_event(l[3], 2, "o", "b");
	free_lines(l, n);
	ob_free(&ob);
}

/* Hostile bytes and names: every line is JSON; no raw control bytes. */
static void test_cast_hostile(void **state)
{
	struct fix *f = *state;
	struct asciicast *c = asciicast_new(&f->s, NULL);
	struct obuf ob = { 0 };
	json_t *l[4];
	size_t n;

	assert_non_null(c);
	cast_row(f, c, &ob, "x\"\n\033]0;pwn\a", 3, 0, HOSTILE, sizeof(HOSTILE) - 1);
	asciicast_free(c);
	ob_putc(&ob, 0);
	for (const char *p = ob.p; *p; p++)
		assert_false((unsigned char)*p < 0x20 && *p != '\n');
	n = parse_lines(ob.p, l, 4);
	assert_int_equal(n, 2);
	assert_non_null(strstr(json_string_value(json_array_get(l[1], 2)), "\033[2J"));
	free_lines(l, n);
	ob_free(&ob);
}

static int rm_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb; (void)type; (void)ftw;
	return remove(path);
}

static char *read_all(const char *dir, const char *name)
{
	char path[512], *buf;
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "r");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, n + 1);
	assert_int_equal(fread(buf, 1, n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

static void test_cast_directory(void **state)
{
	struct fix *f = *state;
	char dir[] = "/tmp/ig-cast-test.XXXXXX", err[256], *text;
	struct asciicast *c;
	struct obuf ob = { 0 };
	struct stat sb;
	json_t *l[8];
	size_t n;

	assert_non_null(mkdtemp(dir));
	assert_int_equal(asciicast_check_dir(dir, err, sizeof(err)), 0);
	/* A planted symlink is not followed: that stream is not recorded. */
	{
		char link[512];

		snprintf(link, sizeof(link), "%s/evil-9.cast", dir);
		assert_int_equal(symlink("/etc/passwd-ig-test", link), 0);
	}
	c = asciicast_new(&f->s, dir);
	assert_non_null(c);
	cast_row(f, c, &ob, "web", 3, 0, "one\n", 4);
	cast_row(f, c, &ob, "", 5, 10, "host\n", 5);
	cast_row(f, c, &ob, "../a/b", 3, 20, "slash\n", 6);
	cast_row(f, c, &ob, "_._a_b", 3, 30, "clash\n", 6);
	cast_row(f, c, &ob, "evil", 9, 40, "no\n", 3);
	cast_row(f, c, &ob, "web", 3, 50, "two\n", 4);
	assert_int_equal(asciicast_flush(c), 0);
	asciicast_free(c);
	assert_int_equal(ob.len, 0);   /* nothing on stdout */

	text = read_all(dir, "web-3.cast");
	assert_non_null(text);
	n = parse_lines(text, l, 8);
	assert_int_equal(n, 3);
	assert_event(l[1], 0, "o", "one\r\n");
	assert_event(l[2], 0.05, "o", "two\r\n");
	free_lines(l, n);
	free(text);
	text = read_all(dir, "host-5.cast");
	assert_non_null(text);
	assert_non_null(strstr(text, "\"title\": \"ig: host pts0 ino 5\""));
	free(text);
	text = read_all(dir, "_._a_b-3.cast");
	assert_non_null(strstr(text, "slash"));
	free(text);
	text = read_all(dir, "_._a_b-3-2.cast");
	assert_non_null(strstr(text, "clash"));
	free(text);
	assert_int_equal(lstat(dir, &sb), 0);
	assert_int_equal(stat("/etc/passwd-ig-test", &sb), -1);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/web-3.cast", dir);
		assert_int_equal(stat(path, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
	}
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Terminals sharing an inode (/dev/tty, ptmx) stay apart by tty name; a
 * name with a NUL in it is still one stream. */
static void test_cast_stream_keys(void **state)
{
	struct fix *f = *state;
	char dir[] = "/tmp/ig-cast-test.XXXXXX", *text;
	struct asciicast *c;
	struct obuf ob = { 0 };
	const char nul_name[] = "a\0b";

	assert_non_null(mkdtemp(dir));
	c = asciicast_new(&f->s, dir);
	assert_non_null(c);
	for (int i = 0; i < 3; i++) {
		fill(f, "x", 1);
		f->e->ino = 91;
		memcpy(f->e->tty, i == 1 ? "ptm1" : "ptm0", 5);
		assert_int_equal(decode(f, HDR + 1), 1);
		asciicast_row(c, &ob, &f->r);
	}
	for (int i = 0; i < 5; i++) {
		fill(f, "y", 1);
		assert_int_equal(decode(f, HDR + 1), 1);
		row_set_str(&f->r, CF_RT_CONTAINER_NAME, nul_name, sizeof(nul_name) - 1);
		asciicast_row(c, &ob, &f->r);
	}
	asciicast_free(c);
	text = read_all(dir, "host-91.cast");
	assert_non_null(strstr(text, "ig: host ptm0 ino 91"));
	assert_int_equal(strstr(strstr(text, "\"x\""), "\n[") != NULL, 1);   /* 2 events */
	free(text);
	text = read_all(dir, "host-91-2.cast");
	assert_non_null(strstr(text, "ig: host ptm1 ino 91"));
	free(text);
	text = read_all(dir, "a_b-3.cast");
	assert_non_null(text);
	assert_non_null(strstr(text, "ig: a\\u0000b pts0 ino 3"));
	free(text);
	text = read_all(dir, "a_b-3-2.cast");
	assert_null(text);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void test_cast_bad_dir_and_schema(void **state)
{
	struct fix *f = *state;
	struct schema plain;
	char err[256];

	(void)f;
	assert_int_equal(asciicast_check_dir("/proc/version/x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/proc/version/x"));
	assert_int_equal(asciicast_check_dir("", err, sizeof(err)), -1);
	assert_int_equal(asciicast_check_dir(NULL, err, sizeof(err)), 0);
	/* A gadget without a buf field cannot be recorded. */
	assert_int_equal(schema_init(&plain, NULL, 0, NULL), 0);
	assert_null(asciicast_new(&plain, NULL));
	schema_free(&plain);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_decode_simple),
		T(test_decode_flags),
		T(test_decode_short_record),
		T(test_decode_len_past_record),
		T(test_decode_buf_size_past_cap),
		T(test_decode_buf_size_past_len),
		T(test_decode_full_cap),
		T(test_decode_unterminated_name),
		T(test_default_columns),
		T(test_columns_escape),
		T(test_json_round_trip),
		T(test_cast_stdout),
		T(test_cast_resize_and_raw_mode),
		T(test_cast_hostile),
		T(test_cast_directory),
		T(test_cast_stream_keys),
		T(test_cast_bad_dir_and_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
