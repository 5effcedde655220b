// SPDX-License-Identifier: Apache-2.0
/*
 * trace_open's decoder on hand-made ring-buffer records: the real-length
 * record without --paths, fpath with --paths (the file's own path, the
 * attempted path of a failed open joined in user space, the "…" marks of a
 * cut), and hostile records whose lengths lie.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
#include "trace_open.h"

#define HDR   OPEN_EVENT_HDR_SIZE
#define PATHS OPEN_EVENT_PATHS_SIZE

struct fix {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
	struct open_event *e;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open("trace_open", &f->g, &f->ctx, &f->s, &f->r);
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

/* A record as BPF builds it; returns its size without --paths. */
static size_t fill(struct fix *f, int ret, const char *fname)
{
	memset(f->e, 0, sizeof(*f->e));
	f->e->proc.pid = 42;
	memcpy(f->e->proc.comm, "cat", 4);
	f->e->ret = ret;
	f->e->fname_len = strlen(fname) + 1;
	memcpy(f->e->fname, fname, f->e->fname_len);
	return HDR + f->e->fname_len;
}

/* The --paths part; returns the record's size. */
static size_t with_path(struct fix *f, uint32_t flags, const char *fpath)
{
	f->e->fpath_flags = flags;
	f->e->fpath_len = fpath ? strlen(fpath) + 1 : 0;
	if (fpath)
		memcpy(f->e->fpath, fpath, f->e->fpath_len);
	return PATHS + f->e->fpath_len;
}

static int decode(struct fix *f, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, f->e, size, &f->r);
}

static const struct value *val(const struct fix *f, const char *name)
{
	bool alias;
	int i = schema_find(&f->s, name, strlen(name), &alias);

	assert_true(i >= 0);
	return &f->r.v[i];
}

#define assert_field(f, name, want) do {                                      \
		const struct value *v_ = val(f, name);                         \
		char got_[8192];                                               \
		snprintf(got_, sizeof(got_), "%.*s", (int)v_->len, v_->s ? v_->s : ""); \
		assert_string_equal(got_, want);                               \
	} while (0)

/* ---- without --paths ---------------------------------------------------------- */

static void test_no_paths_fpath_empty(void **state)
{
	struct fix *f = *state;
	size_t size = fill(f, 3, "/etc/passwd");

	/* What BPF leaves in the heap past the record must not show. */
	f->e->fpath_flags = OPEN_FP_FILE;
	f->e->fpath_len = 5;
	memcpy(f->e->fpath, "/old", 5);
	assert_int_equal(decode(f, size), 1);
	assert_field(f, "fname", "/etc/passwd");
	assert_field(f, "fpath", "");
	assert_int_equal(val(f, "fd")->u, 3);
	/* The largest record without --paths: a whole fname. */
	assert_int_equal(decode(f, HDR + OPEN_FNAME_MAX), 1);
	assert_field(f, "fpath", "");
}

static void test_fname_len_lies(void **state)
{
	struct fix *f = *state;

	fill(f, 3, "/etc/passwd");
	f->e->fname_len = 100;
	assert_int_equal(decode(f, HDR + 12), -1);
	/* Longer than fname, in a record long enough to hold it. */
	f->e->fname_len = OPEN_FNAME_MAX + 1;
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE, "/etc/passwd")), -1);
	assert_int_equal(decode(f, HDR - 1), -1);
	assert_int_equal(decode(f, sizeof(*f->e) + 1), -1);
}

/* Any ret a record may hold decodes: INT32_MIN is not an errno, and
 * negating it overflowed (found by fuzz_decode under UBSan). */
static void test_ret_extremes(void **state)
{
	struct fix *f = *state;

	assert_int_equal(decode(f, fill(f, INT32_MIN, "/x")), 1);
	assert_field(f, "error", "E2147483647");
	assert_int_equal(decode(f, fill(f, -2, "/x")), 1);
	assert_field(f, "error", "ENOENT");
	assert_int_equal(decode(f, fill(f, INT32_MAX, "/x")), 1);
	assert_field(f, "error", "");
}

/* A name that filled fname ends in "…" and says fname_truncated: a padded
 * path ("/etc/" + "./" * 200 + "shadow") must not pass for "/etc/./.". */
static void test_fname_cut_marked(void **state)
{
	struct fix *f = *state;
	char want[OPEN_FNAME_MAX + 8];
	size_t size;

	fill(f, 3, "/etc/shadow");
	assert_int_equal(decode(f, HDR + f->e->fname_len), 1);
	assert_field(f, "fname", "/etc/shadow");
	assert_int_equal(val(f, "fname_truncated")->u, 0);
	/* Without --paths: a full buffer is marked. */
	memcpy(f->e->fname, "/etc/", 5);
	for (size_t i = 5; i < OPEN_FNAME_MAX - 1; i += 2)
		memcpy(f->e->fname + i, "./", 2);
	f->e->fname[OPEN_FNAME_MAX - 1] = 0;
	f->e->fname_len = OPEN_FNAME_MAX;
	size = HDR + OPEN_FNAME_MAX;
	assert_int_equal(decode(f, size), 1);
	snprintf(want, sizeof(want), "%s…", f->e->fname);
	assert_field(f, "fname", want);
	assert_int_equal(val(f, "fname_truncated")->u, 1);
	/* With --paths, BPF looked one byte further: exactly 255 bytes is whole. */
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE, "/etc")), 1);
	assert_field(f, "fname", f->e->fname);
	assert_int_equal(val(f, "fname_truncated")->u, 0);
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE | OPEN_FP_FNAME_CUT, "/etc")), 1);
	assert_field(f, "fname", want);
	assert_int_equal(val(f, "fname_truncated")->u, 1);
}

/* ---- with --paths ----------------------------------------------------------------- */

static void test_file_path(void **state)
{
	struct fix *f = *state;

	fill(f, 3, "./link");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE, "/tmp/d/target")), 1);
	assert_field(f, "fname", "./link");
	assert_field(f, "fpath", "/tmp/d/target");
	/* A name cut in fname does not matter: the path is the file's. */
	f->e->fpath_flags |= OPEN_FP_FNAME_CUT;
	assert_int_equal(decode(f, PATHS + f->e->fpath_len), 1);
	assert_field(f, "fpath", "/tmp/d/target");
}

static void test_failed_relative_joined(void **state)
{
	struct fix *f = *state;

	fill(f, -2, "missing");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR, "/tmp/cwd")), 1);
	assert_field(f, "fpath", "/tmp/cwd/missing");
	assert_field(f, "error", "ENOENT");
	fill(f, -2, "./a/../b");   /* as given, not normalized */
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR, "/tmp/cwd")), 1);
	assert_field(f, "fpath", "/tmp/cwd/./a/../b");
	fill(f, -2, "x");          /* the root: one slash */
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR, "/")), 1);
	assert_field(f, "fpath", "/x");
	/* openat2 RESOLVE_IN_ROOT: an absolute name under the dirfd. */
	fill(f, -2, "/etc/x");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR, "/srv/root")), 1);
	assert_field(f, "fpath", "/srv/root/etc/x");
}

static void test_failed_absolute_and_unknown_base(void **state)
{
	struct fix *f = *state;

	fill(f, -2, "/nope");
	assert_int_equal(decode(f, with_path(f, 0, NULL)), 1);
	assert_field(f, "fpath", "/nope");
	fill(f, -9, "rel");        /* EBADF dirfd: no directory to name */
	assert_int_equal(decode(f, with_path(f, 0, NULL)), 1);
	assert_field(f, "fpath", "");
	fill(f, -14, "");          /* EFAULT: no name */
	assert_int_equal(decode(f, with_path(f, 0, NULL)), 1);
	assert_field(f, "fpath", "");
}

static void test_cuts_marked(void **state)
{
	struct fix *f = *state;

	fill(f, 3, "f");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE | OPEN_FP_CUT_TOP, "/d9/d10/f")), 1);
	assert_field(f, "fpath", "…/d9/d10/f");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FILE | OPEN_FP_CUT_END, "/aaa/bb")), 1);
	assert_field(f, "fpath", "/aaa/bb…");
	fill(f, -2, "name");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR | OPEN_FP_CUT_TOP | OPEN_FP_CUT_END,
					     "/d5/d6")), 1);
	assert_field(f, "fpath", "…/d5/d6…/name");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_DIR | OPEN_FP_FNAME_CUT, "/tmp")), 1);
	assert_field(f, "fpath", "/tmp/name…");
	fill(f, -36, "/long");
	assert_int_equal(decode(f, with_path(f, OPEN_FP_FNAME_CUT, NULL)), 1);
	assert_field(f, "fpath", "/long…");
}

static void test_fpath_len_lies(void **state)
{
	struct fix *f = *state;
	size_t size;

	fill(f, 3, "x");
	size = with_path(f, OPEN_FP_FILE, "/tmp/x");
	f->e->fpath_len = 100;
	assert_int_equal(decode(f, size), -1);
	f->e->fpath_len = 0xffffffff;
	assert_int_equal(decode(f, size), -1);
	/* A record cut inside the fpath part's header: no fpath. */
	f->e->fpath_len = 7;
	assert_int_equal(decode(f, PATHS - 4), 1);
	assert_field(f, "fpath", "");
	/* No NUL in fpath: bounded by fpath_len. */
	memset(f->e->fpath, 'A', OPEN_PATH_MAX);
	f->e->fpath_len = OPEN_PATH_MAX;
	assert_int_equal(decode(f, sizeof(*f->e)), 1);
	assert_int_equal(val(f, "fpath")->len, OPEN_PATH_MAX);
	f->e->fpath_len = 3;
	assert_int_equal(decode(f, sizeof(*f->e)), 1);
	assert_field(f, "fpath", "AAA");
}

/* The longest fpath there can be fits the row. */
static void test_longest(void **state)
{
	struct fix *f = *state;

	fill(f, -2, "");
	memset(f->e->fname, 'n', OPEN_FNAME_MAX - 1);
	f->e->fname_len = OPEN_FNAME_MAX;
	memset(f->e->fpath, 'p', OPEN_PATH_MAX - 1);
	f->e->fpath[0] = '/';
	f->e->fpath_len = OPEN_PATH_MAX;
	f->e->fpath_flags = OPEN_FP_DIR | OPEN_FP_CUT_TOP | OPEN_FP_CUT_END | OPEN_FP_FNAME_CUT;
	assert_int_equal(decode(f, sizeof(*f->e)), 1);
	assert_int_equal(val(f, "fpath")->len, 3 + (OPEN_PATH_MAX - 1) + 3 + 1 + (OPEN_FNAME_MAX - 1) + 3);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_paths_fpath_empty),
		T(test_fname_len_lies),
		T(test_ret_extremes),
		T(test_fname_cut_marked),
		T(test_file_path),
		T(test_failed_relative_joined),
		T(test_failed_absolute_and_unknown_base),
		T(test_cuts_marked),
		T(test_fpath_len_lies),
		T(test_longest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
