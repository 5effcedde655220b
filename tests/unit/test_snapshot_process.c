// SPDX-License-Identifier: Apache-2.0
/*
 * snapshot_process's /proc reader (the fallback of kernels without a task
 * iterator) on a hand-made /proc under --host-root: a command with spaces
 * and parentheses, the parent's command, ids from status, filters, and
 * entries that are not processes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <linux/types.h>

#include "decoder_fixture.h"
#include "batch.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void proc_dir(int pid)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/proc/%d", root, pid);
	assert_int_equal(0, mkdir(path, 0755));
}

static int setup(void **state)
{
	char path[256];

	(void)state;
	strcpy(root, "/tmp/ig-snapshot-test.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(0, mkdir(path, 0755));
	proc_dir(1);
	put("proc/1/stat", "1 (init) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 100 0 0\n");
	put("proc/1/status", "Name:\tinit\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	proc_dir(42);
	put("proc/42/stat", "42 (a) (b c) R 1 42 42 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 250 0 0\n");
	put("proc/42/status", "Name:\ta) (b c\nUid:\t1000\t1000\t1000\t1000\nGid:\t100\t100\t100\t100\n");
	snprintf(path, sizeof(path), "%s/proc/self", root);   /* not a number: skipped */
	assert_int_equal(0, mkdir(path, 0755));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(0, system(cmd));
	return 0;
}

/* The JSON array one collect prints with these options. */
static char *collect_json(struct run_opts *o)
{
	const struct gadget *g = gadget_find("snapshot_process");
	struct gadget_ctx ctx = { .g = g, .opts = o };
	bool threads = false;   /* struct process_opts: { bool threads; } */
	struct sink k;
	struct ig_batch b;
	char err[128], *text;

	assert_non_null(g);
	ctx.gopts = &threads;
	o->mode = OUT_JSON;
	o->host_root = root;
	assert_int_equal(0, sink_init(&k, g->fields, g->nfields, g->default_fields, o, err,
				      sizeof(err)));
	assert_int_equal(0, batch_init(&b, &k, NULL, "proc.pid", err, sizeof(err)));
	assert_int_equal(0, g->collect(&ctx, &b));
	batch_print(&b, 0);
	text = strndup(k.out.buf.len ? k.out.buf.p : "", k.out.buf.len);
	batch_free(&b);
	sink_free(&k);
	return text;
}

static void test_proc_fallback(void **state)
{
	struct run_opts o = {};
	char *t;

	(void)state;
	t = collect_json(&o);
	assert_non_null(strstr(t, "\"comm\":\"a) (b c\""));
	assert_non_null(strstr(t, "\"parent\":{\"comm\":\"init\",\"pid\":1},\"pid\":42,\"tid\":42"));
	assert_non_null(strstr(t, "\"creds\":{\"gid\":100,\"uid\":1000}"));
	assert_non_null(strstr(t, "\"comm\":\"init\""));
	assert_null(strstr(t, "self"));
	free(t);
}

static void test_proc_filters(void **state)
{
	struct run_opts o = { .has_uid = true, .uid = 1000 };
	char *t;

	(void)state;
	t = collect_json(&o);
	assert_non_null(strstr(t, "\"pid\":42"));
	assert_null(strstr(t, "\"comm\":\"init\",\"creds\""));
	free(t);
	memset(&o, 0, sizeof(o));
	o.comm = "init";
	t = collect_json(&o);
	assert_null(strstr(t, "\"pid\":42"));
	assert_non_null(strstr(t, "\"comm\":\"init\""));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_fallback),
		cmocka_unit_test(test_proc_filters),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
