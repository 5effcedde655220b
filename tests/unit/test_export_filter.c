// SPDX-License-Identifier: Apache-2.0
/*
 * Tetragon's export filters (src/export_filter.c): parsing of the JSON
 * lines with every bad input refused in one line, and matching against the
 * fields real gadgets declare (trace_process, trace_open, trace_exec): OR
 * between lines, AND inside one, OR inside a key's list, deny over allow.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../src/export_filter.h"
#include "../../src/sink.h"
#include "decoder_fixture.h"

struct fx {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
};

static void open_gadget(struct fx *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	decoder_open(name, &f->g, &f->ctx, &f->s, &f->r);
}

static void set(struct fx *f, const char *field, const char *v)
{
	row_set_str(&f->r, decoder_idx(&f->s, field), v, strlen(v));
}

/* A trace_process row: event, binary, args, pid, container, k8s. */
static void proc_row(struct fx *f, const char *event, const char *binary, const char *args,
		     uint32_t pid, const char *container, const char *ns, const char *pod)
{
	row_reset(&f->r);
	set(f, "event", event);
	set(f, "binary", binary);
	set(f, "args", args);
	set(f, "proc.comm", strrchr(binary, '/') ? strrchr(binary, '/') + 1 : binary);
	row_set_uint(&f->r, CF_PID, pid);
	set(f, "runtime.containerName", container);
	set(f, "k8s.namespace", ns);
	set(f, "k8s.podName", pod);
}

static struct export_filter *parse_ok(const char *text)
{
	struct export_filter *x = NULL;
	char err[512] = "";

	if (xf_parse(&x, text, "--export-allowlist", err, sizeof(err)))
		fail_msg("refused \"%s\": %s", text, err);
	assert_non_null(x);
	return x;
}

/* The message for a bad text: one line, naming the list. */
static void parse_bad(const char *text, const char *expect)
{
	struct export_filter *x = NULL;
	char err[512] = "";

	assert_int_equal(xf_parse(&x, text, "--export-denylist", err, sizeof(err)), -1);
	assert_null(x);
	if (!strstr(err, expect))
		fail_msg("for \"%s\": \"%s\" lacks \"%s\"", text, err, expect);
	assert_non_null(strstr(err, "--export-denylist"));
	for (const char *p = err; *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static bool pass(struct fx *f, const struct export_filter *allow,
		 const struct export_filter *deny)
{
	struct xf_bind b;

	xf_bind(&b, allow, deny, &f->s, f->g->name);
	return xf_pass(&b, &f->r);
}

static void test_parse_counts_lines_and_keys(void **state)
{
	struct export_filter *x;

	(void)state;
	x = parse_ok("{\"event_set\":[\"PROCESS_EXEC\"],\"binary_regex\":[\"^/usr/bin/cat$\"]}\n"
		     "\n   \t\n"
		     "{\"pid\":[1,4294967295]} {\"namespace\":[\"default\",\"\"]}\n"
		     "{\"podRegex\":[\"^xwing\"],\"containerNameRegex\":[\"a\"],\"argumentsRegex\":[]}\n");
	assert_int_equal(x->n, 4);
	assert_int_equal(x->l[0].k[XK_EVENT_SET].n, 1);
	assert_int_equal(x->l[0].k[XK_BINARY].n, 1);
	assert_int_equal(x->l[1].k[XK_PID].n, 2);
	assert_int_equal(x->l[1].k[XK_PID].pid[1], 4294967295u);
	assert_int_equal(x->l[2].k[XK_NAMESPACE].n, 2);
	assert_int_equal(x->l[3].k[XK_POD].n, 1);
	assert_int_equal(x->l[3].k[XK_ARGS].n, 0);   /* [] constrains nothing */
	xf_free(x);
	x = parse_ok("");
	assert_int_equal(x->n, 0);
	xf_free(x);
}

static void test_parse_refuses_hostile_input(void **state)
{
	char *big, *deep, *many;
	size_t n;

	(void)state;
	parse_bad("{\"foo\":[\"x\"]}", "unknown key \"foo\"");
	parse_bad("{\"binary_regex\":\"^a$\"}", "the value is a list");
	parse_bad("{\"binary_regex\":[1]}", "each value is a string");
	parse_bad("{\"binary_regex\":[\"(\"]}", "bad regular expression");
	parse_bad("{\"pid\":[-1]}", "process id");
	parse_bad("{\"pid\":[4294967296]}", "process id");
	parse_bad("{\"pid\":[\"1\"]}", "process id");
	parse_bad("{\"event_set\":[\"PROCESS_NOPE\"]}", "unknown event type");
	parse_bad("{\"event_set\":[\"trace_open\"]}", "unknown event type");
	parse_bad("{\"pid\":[1]}\n{\"pid\":[2]}\n{\"pid\":", "line 3: bad JSON");
	parse_bad("[{\"pid\":[1]}]", "each line is a JSON object");
	parse_bad("{\"pid\":[1],\"pid\":[2]}", "duplicate");
	parse_bad("{\"pid\":[1],\"pid\":[2]}", "line 1");
	parse_bad("{\"pid\":[1]}\n\n{\"binaryRegex\":[\"a\"],\"binary_regex\":[\"b\"]}", "line 3: binary_regex given twice");
	parse_bad("{\"binary_regex\":[\"\\u0000\"]}", "bad JSON");
	parse_bad("{\"x\n\x1b[31m\":[1]}", "bad JSON");   /* control bytes become '?' */
	parse_bad("{\"\\u001b[2J\\n\":[1]}", "unknown key \"?[2J?\"");
	parse_bad("@/nonexistent/ig-filter", "No such file");
	/* A pattern too long, too many values, a deep nest, a huge text. */
	n = XF_MAX_REGEX + 64;
	big = malloc(n + 64);
	assert_non_null(big);
	strcpy(big, "{\"binary_regex\":[\"");
	memset(big + strlen(big), 'a', XF_MAX_REGEX + 1);
	strcpy(big + 18 + XF_MAX_REGEX + 1, "\"]}");
	parse_bad(big, "longer than");
	free(big);
	many = malloc(XF_MAX_VALUES * 4 + 64);
	assert_non_null(many);
	n = sprintf(many, "{\"pid\":[1");
	for (int i = 0; i < XF_MAX_VALUES; i++)
		n += sprintf(many + n, ",1");
	strcpy(many + n, "]}");
	parse_bad(many, "more than 256 values");
	free(many);
	deep = malloc(200020);
	assert_non_null(deep);
	n = sprintf(deep, "{\"pid\":");
	memset(deep + n, '[', 100000);
	deep[n + 100000] = 0;
	parse_bad(deep, "bad JSON");
	free(deep);
	big = malloc(XF_MAX_TEXT + 2);
	assert_non_null(big);
	memset(big, ' ', XF_MAX_TEXT + 1);
	big[XF_MAX_TEXT + 1] = 0;
	parse_bad(big, "longer than 1 MiB");
	free(big);
	many = malloc((XF_MAX_LINES + 1) * 12 + 1);
	assert_non_null(many);
	n = 0;
	for (int i = 0; i <= XF_MAX_LINES; i++)
		n += sprintf(many + n, "{\"pid\":[1]}\n");
	parse_bad(many, "more than 256 filters");
	free(many);
}

static void test_parse_reads_a_file(void **state)
{
	char path[] = "/tmp/ig-unit-xf-XXXXXX", arg[64];
	struct export_filter *x;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"pid\":[7]}\n{\"pid\":[8]}\n", 24), 24);
	close(fd);
	snprintf(arg, sizeof(arg), "@%s", path);
	x = parse_ok(arg);
	assert_int_equal(x->n, 2);
	xf_free(x);
	unlink(path);
}

/* OR between lines, AND inside, OR inside a key; deny wins over allow. */
static void test_match_semantics(void **state)
{
	struct export_filter *allow, *deny, *both;
	struct fx f;

	(void)state;
	open_gadget(&f, "trace_process");
	allow = parse_ok("{\"event_set\":[\"PROCESS_EXEC\"],\"binary_regex\":[\"^/usr/bin/cat$\",\"^/bin/cat$\"]}\n"
			 "{\"pid\":[42]}\n");
	deny = parse_ok("{\"arguments_regex\":[\"shadow\"]}");
	both = parse_ok("{\"namespace\":[\"default\"],\"pod_regex\":[\"^xwing\"]}");

	proc_row(&f, "exec", "/usr/bin/cat", "/etc/hosts", 10, "", "", "");
	assert_true(pass(&f, allow, NULL));
	assert_true(pass(&f, NULL, NULL));
	proc_row(&f, "exec", "/bin/cat", "/etc/hosts", 10, "", "", "");
	assert_true(pass(&f, allow, NULL));           /* OR inside the key */
	proc_row(&f, "exit", "/usr/bin/cat", "/etc/hosts", 10, "", "", "");
	assert_false(pass(&f, allow, NULL));          /* AND: not an exec */
	proc_row(&f, "exit", "/usr/bin/ls", "", 42, "", "", "");
	assert_true(pass(&f, allow, NULL));           /* OR: the second line */
	proc_row(&f, "exec", "/usr/bin/cat", "/etc/shadow", 10, "", "", "");
	assert_false(pass(&f, allow, deny));          /* deny wins */
	assert_false(pass(&f, NULL, deny));
	proc_row(&f, "exec", "/usr/bin/curl", "", 1, "c", "default", "xwing-1");
	assert_true(pass(&f, both, NULL));
	proc_row(&f, "exec", "/usr/bin/curl", "", 1, "c", "default", "tiefighter");
	assert_false(pass(&f, both, NULL));
	proc_row(&f, "exec", "/usr/bin/curl", "", 1, "c", "kube-system", "xwing-1");
	assert_false(pass(&f, both, NULL));
	xf_free(allow);
	xf_free(deny);
	xf_free(both);
	decoder_close(&f.s, &f.r);
}

static void test_match_fields(void **state)
{
	struct export_filter *x;
	struct fx f;

	(void)state;
	open_gadget(&f, "trace_process");
	/* Outside a container or pod, the name regexes match nothing, not
	 * even ".*" (as Tetragon's do); "" in namespace is the host. */
	x = parse_ok("{\"container_name_regex\":[\".*\"]}");
	proc_row(&f, "exec", "/bin/true", "", 1, "", "", "");
	assert_false(pass(&f, x, NULL));
	proc_row(&f, "exec", "/bin/true", "", 1, "web", "", "");
	assert_true(pass(&f, x, NULL));
	xf_free(x);
	x = parse_ok("{\"pod_regex\":[\".*\"]}");
	proc_row(&f, "exec", "/bin/true", "", 1, "web", "", "");
	assert_false(pass(&f, x, NULL));
	xf_free(x);
	x = parse_ok("{\"namespace\":[\"\"]}");
	assert_true(pass(&f, x, NULL));
	proc_row(&f, "exec", "/bin/true", "", 1, "web", "default", "p");
	assert_false(pass(&f, x, NULL));
	xf_free(x);
	/* event_set: Tetragon's names and the gadget's own. */
	x = parse_ok("{\"event_set\":[\"PROCESS_EXIT\",\"PROCESS_TRACEPOINT\"]}");
	proc_row(&f, "exit", "/bin/true", "", 1, "", "", "");
	assert_true(pass(&f, x, NULL));
	proc_row(&f, "match", "/bin/true", "", 1, "", "", "");
	assert_true(pass(&f, x, NULL));
	proc_row(&f, "exec", "/bin/true", "", 1, "", "", "");
	assert_false(pass(&f, x, NULL));
	xf_free(x);
	x = parse_ok("{\"event_set\":[\"TRACE_PROCESS\"]}");
	assert_true(pass(&f, x, NULL));
	xf_free(x);
	x = parse_ok("{\"event_set\":[\"PROCESS_KPROBE\"]}");   /* Tetragon's: no rows */
	assert_false(pass(&f, x, NULL));
	xf_free(x);
	/* A value with a NUL and one longer than the stack buffer. */
	x = parse_ok("{\"arguments_regex\":[\"tail$\"]}");
	{
		static char longargs[10000];

		memset(longargs, 'x', sizeof(longargs) - 5);
		strcpy(longargs + sizeof(longargs) - 5, "tail");
		proc_row(&f, "exec", "/bin/true", longargs, 1, "", "", "");
		assert_true(pass(&f, x, NULL));
		row_set_str(&f.r, decoder_idx(&f.s, "args"), "a\0tail", 6);
		assert_false(pass(&f, x, NULL));   /* regexec stops at the NUL */
	}
	xf_free(x);
	decoder_close(&f.s, &f.r);
}

/* Other gadgets: their own event_set name, exepath or comm as the binary,
 * no args field: arguments_regex matches none of their rows. */
static void test_match_other_gadgets(void **state)
{
	struct export_filter *open_set, *exec_set, *comm, *args;
	struct fx f;

	(void)state;
	open_set = parse_ok("{\"event_set\":[\"TRACE_OPEN\"]}");
	exec_set = parse_ok("{\"event_set\":[\"PROCESS_EXEC\"]}");
	comm = parse_ok("{\"binary_regex\":[\"^cat$\"]}");
	args = parse_ok("{\"arguments_regex\":[\".*\"]}");
	open_gadget(&f, "trace_open");
	row_reset(&f.r);
	set(&f, "proc.comm", "cat");
	assert_true(pass(&f, open_set, NULL));
	assert_false(pass(&f, exec_set, NULL));
	assert_true(pass(&f, comm, NULL));
	assert_false(pass(&f, args, NULL));
	decoder_close(&f.s, &f.r);
	open_gadget(&f, "trace_exec");
	row_reset(&f.r);
	set(&f, "proc.comm", "cat");
	assert_true(pass(&f, exec_set, NULL));
	assert_false(pass(&f, open_set, NULL));
	assert_true(pass(&f, comm, NULL));          /* no exepath: the comm */
	set(&f, "exepath", "/usr/bin/dog");
	assert_false(pass(&f, comm, NULL));         /* the path when known */
	assert_true(pass(&f, args, NULL));
	decoder_close(&f.s, &f.r);
	xf_free(open_set);
	xf_free(exec_set);
	xf_free(comm);
	xf_free(args);
}

/* The sink every command shares applies them after --filter. */
static void test_sink_applies_the_flags(void **state)
{
	const struct gadget *g = gadget_find("trace_process");
	struct run_opts o = { .mode = OUT_JSON, .gadget_name = "trace_process",
			      .export_denylist = "{\"binary_regex\":[\"cat$\"]}" };
	char err[256] = "";
	struct sink k;

	(void)state;
	assert_int_equal(sink_init(&k, g->fields, g->nfields, g->default_fields, &o, err, sizeof(err)), 0);
	row_set_str(&k.row, decoder_idx(&k.schema, "binary"), "/bin/cat", 8);
	assert_false(sink_match(&k, &k.row));
	row_set_str(&k.row, decoder_idx(&k.schema, "binary"), "/bin/dog", 8);
	assert_true(sink_match(&k, &k.row));
	sink_free(&k);
	o.export_denylist = "{\"nope\":[1]}";
	assert_int_equal(sink_init(&k, g->fields, g->nfields, g->default_fields, &o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--export-denylist line 1: unknown key \"nope\""));
	sink_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_counts_lines_and_keys),
		cmocka_unit_test(test_parse_refuses_hostile_input),
		cmocka_unit_test(test_parse_reads_a_file),
		cmocka_unit_test(test_match_semantics),
		cmocka_unit_test(test_match_fields),
		cmocka_unit_test(test_match_other_gadgets),
		cmocka_unit_test(test_sink_applies_the_flags),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
