// SPDX-License-Identifier: Apache-2.0
/* Unit tests of the declarative gadget core: registration, typed flags,
 * comma lists, and the batches of top/snapshot/profile gadgets. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "batch.h"
#include "cli.h"
#include "gadget.h"
#include "jsonw.h"
#include "list.h"
#include "skel.h"

/* A top gadget with no BPF side, registered like any other. */
enum { TF_NAME, TF_COUNT };

static const struct field top_fields[] = {
	[TF_NAME]  = { "name", "NAME", NULL, FT_STR, 8, FF_DEFAULT },
	[TF_COUNT] = { "count", "COUNT", NULL, FT_UINT, 5, FF_DEFAULT | FF_RIGHT },
};

struct top_opts {
	uint64_t limit;
	bool verbose;
};

static const struct gadget_flag top_flags[] = {
	IG_FLAG_UINT(struct top_opts, limit, "limit", "7", "a number"),
	IG_FLAG_BOOL(struct top_opts, verbose, "verbose-rows", "false", "a switch"),
};

static int top_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	static const char *const names[] = { "b", "a", "c", "d" };
	static const uint64_t counts[] = { 5, 9, 1, 9 };

	(void)ctx;
	for (size_t i = 0; i < 4; i++) {
		struct row *r = batch_row(b);
		char tmp[4];

		/* From a buffer reused for every row: the batch keeps a copy. */
		snprintf(tmp, sizeof(tmp), "%s", names[i]);
		row_set_str(r, GF(TF_NAME), tmp, strlen(tmp));
		row_set_uint(r, GF(TF_COUNT), counts[i]);
		if (batch_add(b))
			return -1;
	}
	return 0;
}

IG_GADGET(test_top) = {
	.name = "test_top",
	.description = "a test",
	.kind = GK_TOP,
	.fields = top_fields,
	.nfields = ARRAY_SIZE(top_fields),
	.flags = top_flags,
	.nflags = ARRAY_SIZE(top_flags),
	.opts_size = sizeof(struct top_opts),
	.default_sort = "-count,name",
	.collect = top_collect,
};

static void test_registry(void **state)
{
	size_t n;
	const struct gadget *const *list = gadget_list(&n);

	(void)state;
	assert_true(n >= 6);   /* the five of ig, and test_top */
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(list[i - 1]->name, list[i]->name) < 0);
	assert_ptr_equal(gadget_find("test_top"), &gadget_test_top);
	assert_ptr_equal(gadget_find("execsnoop"), gadget_find("trace_exec"));
	assert_ptr_equal(gadget_find("ghcr.io/inspektor-gadget/gadget/trace_tcp:v1"),
			 gadget_find("tcptracer"));
	/* What the core needs of each kind. */
	for (size_t i = 0; i < n; i++) {
		const struct gadget *g = list[i];

		if (g->run)
			continue;
		assert_true(g->kind == GK_TRACE ? g->decode != NULL : g->collect != NULL);
		assert_true(g->skel != NULL || g == &gadget_test_top);
		for (size_t f = 0; f < g->nflags; f++)
			assert_true(!g->flags[f].bound || g->flags[f].off < g->opts_size);
	}
}

/* A gadget declares the kernel features its object needs (--help and
 * docs show them): the declaration must match what the object calls. */
static void test_declared_features(void **state)
{
	size_t n;
	const struct gadget *const *list = gadget_list(&n);

	(void)state;
	libbpf_set_print(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct gadget *g = list[i];
		unsigned int used;
		void *skel;

		if (!g->skel)
			continue;
		skel = g->skel->open(NULL);
		assert_non_null(skel);
		used = ig_kfeature_used(g->skel->obj(skel));
		g->skel->destroy(skel);
		/* Every gadget is held to IG_KF_COMMON, used or not (an
		 * iterator-only object calls no task helper). */
		if ((used | IG_KF_COMMON) != (g->features | IG_KF_COMMON))
			fail_msg("%s: declares features 0x%x, its object uses 0x%x", g->name,
				 g->features | IG_KF_COMMON, used);
	}
}

/* Parse argv with the common flags and test_top's own. */
static int parse(int argc, char **argv, struct run_opts *o, struct top_opts *t, char *err)
{
	struct flag_value given[2] = { 0 };

	memset(t, 0xff, sizeof(*t));
	return cli_parse_run(&gadget_test_top, argc, argv, o, t, given, err, 128);
}

static void test_typed_flags(void **state)
{
	char *none[] = { NULL };
	char *some[] = { "--limit", "0x10", "--verbose-rows=yes", "--sort", "-name",
			 "--max-entries", "3", "-o", "json", "--interval=0.5", NULL };
	char *neg[] = { "--limit", "-3", NULL };
	char *both[] = { "--fields", "name", "-o", "custom-columns=count", NULL };
	char *kind[] = { "--interval", "2", NULL };
	struct run_opts o;
	struct top_opts t;
	char err[128];

	(void)state;
	assert_int_equal(parse(0, none, &o, &t, err), 0);
	assert_int_equal(t.limit, 7);
	assert_false(t.verbose);
	assert_string_equal(o.sort, "-count,name");
	assert_int_equal(o.max_entries, 50);
	assert_true(o.interval == 1);
	assert_int_equal(parse(10, some, &o, &t, err), 0);
	assert_int_equal(t.limit, 16);
	assert_true(t.verbose);
	assert_string_equal(o.sort, "-name");
	assert_int_equal(o.max_entries, 3);
	assert_int_equal(o.mode, OUT_JSON);
	assert_true(o.interval == 0.5);
	assert_int_equal(parse(2, neg, &o, &t, err), -1);
	assert_string_equal(err, "invalid --limit \"-3\": expected a number");
	assert_int_equal(parse(4, both, &o, &t, err), -1);
	assert_string_equal(err, "use either --fields or -o custom-columns=, not both");
	/* Top flags are for top gadgets only. */
	assert_int_equal(cli_parse_run(gadget_find("trace_exec"), 2, kind, &o, &t, NULL, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown flag \"--interval\" for trace_exec"));
}

static void test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1 << 30);
	assert_int_not_equal(parse_size("1T", &v), 0);
	assert_int_not_equal(parse_size("-1", &v), 0);
	assert_int_not_equal(parse_size("", &v), 0);
	assert_int_not_equal(parse_size("99999999999999999999G", &v), 0);
	assert_int_not_equal(parse_size("17179869184G", &v), 0);   /* 2^34 G overflows */
}

static int collect_item(const char *item, size_t len, void *arg)
{
	char *out = arg;

	strncat(out, item, len);
	strcat(out, "|");
	return len == 3 && !memcmp(item, "bad", 3) ? 7 : 0;
}

static void test_lists(void **state)
{
	char out[64] = "";
	const char *bad = NULL;
	size_t badlen = 0;

	(void)state;
	assert_int_equal(list_each("a,,bc,", collect_item, out, NULL, NULL), 0);
	assert_string_equal(out, "a|bc|");
	out[0] = 0;
	assert_int_equal(list_each("x,bad,y", collect_item, out, &bad, &badlen), 7);
	assert_string_equal(out, "x|bad|");
	assert_int_equal(badlen, 3);
	assert_memory_equal(bad, "bad", 3);
	assert_int_equal(list_each(NULL, collect_item, out, NULL, NULL), 0);
	assert_int_equal(list_count("a,b,,c"), 4);
	assert_int_equal(list_count(""), 0);
	assert_true(list_has("open,openat,write", "openat", 6, false));
	assert_true(list_has("open,openat,write", "open", 4, false));
	assert_false(list_has("openat", "open", 4, false));
	assert_false(list_has("read", "rea", 3, false));
	assert_false(list_has("PID", "pid", 3, false));
	assert_true(list_has("x,PID", "pid", 3, true));
}

/* Collect, sort, cut and print one batch in mode; returns the text. */
static char *print_batch(enum out_mode mode, const char *sort, size_t max, int times)
{
	struct sink k;
	struct ig_batch b;
	struct run_opts o = { .mode = mode };
	char err[128];
	char *text;

	assert_int_equal(sink_init(&k, top_fields, ARRAY_SIZE(top_fields), NULL, &o, err,
				   sizeof(err)), 0);
	assert_int_equal(batch_init(&b, &k, NULL, sort, err, sizeof(err)), 0);
	for (int i = 0; i < times; i++) {
		batch_clear(&b);
		assert_int_equal(top_collect(NULL, &b), 0);
		batch_print(&b, max);
	}
	text = strndup(k.out.buf.len ? k.out.buf.p : "", k.out.buf.len);
	batch_free(&b);
	sink_free(&k);
	return text;
}

static void test_batch_columns(void **state)
{
	char *t = print_batch(OUT_COLUMNS, "-count,name", 3, 2);
	const char *one =
		"RUNTIME.CONTAINERNAME COMM                 PID     TID NAME     COUNT\n"
		"                                             0       0 a            9\n"
		"                                             0       0 d            9\n"
		"                                             0       0 b            5\n";
	char want[1024];

	(void)state;
	snprintf(want, sizeof(want), "%s\n%s", one, one);
	assert_string_equal(t, want);
	free(t);
}

static void test_batch_json(void **state)
{
	char *t = print_batch(OUT_JSON, "name", 2, 1);

	(void)state;
	assert_non_null(strstr(t, "\"name\":\"a\""));
	assert_true(t[0] == '[' && !strcmp(t + strlen(t) - 3, "}]\n"));
	assert_non_null(strstr(t, "},{"));
	assert_null(strstr(t, "\"name\":\"c\""));   /* cut at 2 */
	assert_ptr_equal(strchr(t, '\n'), t + strlen(t) - 1);   /* one line */
	free(t);
	t = print_batch(OUT_JSON, NULL, 0, 0);
	assert_string_equal(t, "");
	free(t);
}

static void test_batch_bad_sort(void **state)
{
	struct sink k;
	struct ig_batch b;
	struct run_opts o = { .mode = OUT_JSON };
	char err[128];

	(void)state;

	assert_int_equal(sink_init(&k, top_fields, ARRAY_SIZE(top_fields), NULL, &o, err,
				   sizeof(err)), 0);
	assert_int_equal(batch_init(&b, &k, NULL, "-nope", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--sort: unknown field \"-nope\"");
	batch_free(&b);
	sink_free(&k);
}

static void test_json_writer(void **state)
{
	struct obuf b = { 0 };
	struct jsonw w;

	(void)state;
	jsonw_init(&w, &b, false);
	jsonw_object(&w);
	jsonw_name(&w, "a");
	jsonw_array(&w);
	jsonw_u64(&w, 1);
	jsonw_string(&w, "x\"\xff", 3);
	jsonw_object(&w);
	jsonw_end_object(&w);
	jsonw_null(&w);
	jsonw_end_array(&w);
	jsonw_name(&w, "b");
	jsonw_bool(&w, true);
	jsonw_end_object(&w);
	assert_int_equal(b.len, strlen("{\"a\":[1,\"x\\\"\\ufffd\",{},null],\"b\":true}"));
	assert_memory_equal(b.p, "{\"a\":[1,\"x\\\"\\ufffd\",{},null],\"b\":true}", b.len);
	b.len = 0;
	jsonw_init(&w, &b, true);
	jsonw_array(&w);
	jsonw_number(&w, "1.5", 3);
	jsonw_string(&w, "o", 1);
	jsonw_end_array(&w);
	assert_memory_equal(b.p, "[1.5, \"o\"]", b.len);
	ob_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_declared_features),
		cmocka_unit_test(test_typed_flags),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_batch_columns),
		cmocka_unit_test(test_batch_json),
		cmocka_unit_test(test_batch_bad_sort),
		cmocka_unit_test(test_json_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
