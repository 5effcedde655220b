// SPDX-License-Identifier: Apache-2.0
/*
 * trace_process on hand-made records: exec_id as Tetragon builds it, the
 * parent chain across exec and fork, exit status and lifetime, the cache's
 * bound and reference counts, and the compact and Tetragon shapes printed
 * from the rows. Pids are above any pid_max, so no /proc entry interferes.
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
#include <jansson.h>
#include <linux/types.h>
#include <unistd.h>

#include "decoder_fixture.h"
#include "trace_process.h"
#include "../../src/gadgets/process_cache.h"
#include "../../src/gadgets/process_fields.h"

#define PID0 5000000u   /* above PID_MAX_LIMIT (4194304) */

struct fix {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
	struct process_event *e;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	setenv("NODE_NAME", "node1", 1);
	decoder_open("trace_process", &f->g, &f->ctx, &f->s, &f->r);
	f->s.forms = &f->g->forms;
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

static size_t exec_rec(struct fix *f, uint32_t pid, uint32_t ppid, uint64_t ktime,
		       uint64_t parent_ktime, const char *bin, const char *argv, size_t argv_len)
{
	memset(f->e, 0, sizeof(*f->e));
	f->e->kind = PROC_EV_EXEC;
	f->e->proc.pid = f->e->proc.tid = pid;
	f->e->proc.ppid = ppid;
	f->e->proc.timestamp = ktime;
	f->e->ktime = ktime;
	f->e->parent_ktime = parent_ktime;
	f->e->auid = 1000;
	snprintf(f->e->binary, sizeof(f->e->binary), "%s", bin);
	snprintf(f->e->cwd, sizeof(f->e->cwd), "/");
	memcpy(f->e->args, argv, argv_len);
	f->e->args_size = argv_len;
	return offsetof(struct process_event, args) + argv_len;
}

static size_t head_rec(struct fix *f, uint32_t kind, uint32_t pid, uint32_t ppid, uint64_t now,
		       uint64_t ktime)
{
	memset(f->e, 0, sizeof(*f->e));
	f->e->kind = kind;
	f->e->proc.pid = f->e->proc.tid = pid;
	f->e->proc.ppid = ppid;
	f->e->proc.timestamp = now;
	f->e->ktime = ktime;
	return PROC_HEAD_SIZE;
}

static int decode(struct fix *f, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, f->e, size, &f->r);
}

static const char *str(struct fix *f, int idx)
{
	static char buf[8192];
	const struct value *v = &f->r.v[GF(idx)];

	snprintf(buf, sizeof(buf), "%.*s", (int)v->len, v->s ? v->s : "");
	return buf;
}

static void test_exec_id_is_base64_of_node_ktime_pid(void **state)
{
	char id[PC_EXEC_ID_LEN];

	(void)state;
	/* base64("kind-control-plane:11428615636901:51583"), Tetragon's README */
	pc_exec_id(id, "kind-control-plane", 11428615636901ULL, 51583);
	assert_string_equal(id, "a2luZC1jb250cm9sLXBsYW5lOjExNDI4NjE1NjM2OTAxOjUxNTgz");
	pc_exec_id(id, "kind-control-plane", 9079225623269ULL, 43872);
	assert_string_equal(id, "a2luZC1jb250cm9sLXBsYW5lOjkwNzkyMjU2MjMyNjk6NDM4NzI=");
}

/* sh -c 'cat /etc/shadow; true': sh forks, the child execs cat; the exec's
 * parent is sh, and cat's exit names the same exec_id and parent. */
static void test_sh_fork_cat_chain(void **state)
{
	struct fix *f = *state;
	char sh_id[PC_EXEC_ID_LEN], cat_id[PC_EXEC_ID_LEN];
	uint32_t sh = PID0 + 1, cat = PID0 + 2;

	assert_int_equal(decode(f, exec_rec(f, sh, PID0, 1000, 0, "/bin/sh",
					    "sh\0-c\0cat /etc/shadow; true", 28)), 1);
	assert_string_equal(str(f, TP_EVENT), "exec");
	assert_string_equal(str(f, TP_ARGS), "-c cat /etc/shadow; true");
	assert_string_equal(str(f, TP_FLAGS), "execve rootcwd");
	snprintf(sh_id, sizeof(sh_id), "%.95s", str(f, TP_EXEC_ID));
	pc_exec_id(cat_id, "node1", 1000, sh);
	assert_string_equal(sh_id, cat_id);

	assert_int_equal(decode(f, head_rec(f, PROC_EV_FORK, sh, PID0, 2000, 2000)), 0);
	f->e->child_pid = cat;
	f->e->parent_ktime = 1000;
	assert_int_equal(decode(f, PROC_HEAD_SIZE), 0);

	assert_int_equal(decode(f, exec_rec(f, cat, sh, 3000, 1000, "/bin/cat", "cat\0/etc/shadow", 16)), 1);
	assert_string_equal(str(f, TP_PARENT_EXEC_ID), sh_id);
	assert_string_equal(str(f, TP_P_BINARY), "/bin/sh");
	assert_string_equal(str(f, TP_P_ARGS), "-c cat /etc/shadow; true");
	assert_string_equal(str(f, TP_FLAGS), "execve rootcwd clone");
	assert_string_equal(str(f, TP_ARGS), "/etc/shadow");
	snprintf(cat_id, sizeof(cat_id), "%.95s", str(f, TP_EXEC_ID));

	head_rec(f, PROC_EV_EXIT, cat, sh, 5000, 3000);
	f->e->exit_code = 9;   /* killed by SIGKILL */
	assert_int_equal(decode(f, PROC_HEAD_SIZE), 1);
	assert_string_equal(str(f, TP_EVENT), "exit");
	assert_string_equal(str(f, TP_EXEC_ID), cat_id);
	assert_string_equal(str(f, TP_PARENT_EXEC_ID), sh_id);
	assert_string_equal(str(f, TP_BINARY), "/bin/cat");
	assert_string_equal(str(f, TP_SIGNAL), "SIGKILL");
	assert_string_equal(str(f, TP_STATUS), "SIGKILL");
	assert_int_equal(f->r.v[GF(TP_LIFETIME)].u, 2000);

	head_rec(f, PROC_EV_EXIT, sh, PID0, 6000, 1000);
	f->e->exit_code = 3 << 8;
	assert_int_equal(decode(f, PROC_HEAD_SIZE), 1);
	assert_string_equal(str(f, TP_STATUS), "3");
	assert_int_equal(f->r.v[GF(TP_EXIT_CODE)].i, 3);
	assert_string_equal(str(f, TP_SIGNAL), "");
}

/* A fork that never execs exits as a copy of its parent. */
static void test_fork_without_exec_exits_as_clone(void **state)
{
	struct fix *f = *state;
	uint32_t p = PID0 + 10, c = PID0 + 11;

	assert_int_equal(decode(f, exec_rec(f, p, PID0, 100, 0, "/bin/bash", "bash\0-x", 7)), 1);
	head_rec(f, PROC_EV_FORK, p, PID0, 200, 200);
	f->e->child_pid = c;
	f->e->parent_ktime = 100;
	assert_int_equal(decode(f, PROC_HEAD_SIZE), 0);
	assert_int_equal(decode(f, head_rec(f, PROC_EV_EXIT, c, p, 900, 200)), 1);
	assert_string_equal(str(f, TP_BINARY), "/bin/bash");
	assert_string_equal(str(f, TP_FLAGS), "clone");
	assert_int_equal(f->r.v[GF(TP_LIFETIME)].u, 700);
}

/* An exit nobody saw start still has the exec_id BPF remembered. */
static void test_unknown_exit_and_malformed(void **state)
{
	struct fix *f = *state;
	char id[PC_EXEC_ID_LEN];

	assert_int_equal(decode(f, head_rec(f, PROC_EV_EXIT, PID0 + 99, PID0, 50, 20)), 1);
	pc_exec_id(id, "node1", 20, PID0 + 99);
	assert_string_equal(str(f, TP_EXEC_ID), id);
	assert_int_equal(decode(f, PROC_HEAD_SIZE - 1), -1);
	head_rec(f, 77, PID0 + 98, PID0, 50, 20);
	assert_int_equal(decode(f, PROC_HEAD_SIZE), -1);
	/* an exec record cut before its args */
	exec_rec(f, PID0 + 97, PID0, 10, 0, "/x", "x", 2);
	assert_int_equal(decode(f, PROC_HEAD_SIZE + 4), -1);
	/* args_size lying beyond the record */
	exec_rec(f, PID0 + 96, PID0, 10, 0, "/x", "x\0a", 4);
	f->e->args_size = 60000;
	assert_int_equal(decode(f, offsetof(struct process_event, args) + 4), 1);
	assert_string_equal(str(f, TP_ARGS), "a");
}

/* The bound holds across many short processes; a parent that exited stays
 * while its child is cached, and goes with it. */
static void test_cache_bounded_and_refcounted(void **state)
{
	struct pc_cache *c = pc_new("n", 8, 0);
	struct pc_new_proc n = { .binary = "/b", .binary_len = 2, .args = "", .cwd = "/", .cwd_len = 1 };
	struct pc_proc *p, *child;

	(void)state;
	assert_non_null(c);
	n.pid = PID0 + 500;
	n.ktime = 1;
	assert_non_null(pc_exec(c, &n));
	for (uint32_t i = 0; i < 100000; i++) {
		n.pid = PID0 + 1000 + i % 50000;
		n.ppid = PID0 + 500;
		n.ktime = 10 + i;
		n.parent_ktime = 1;
		assert_non_null(pc_exec(c, &n));
		p = pc_exit(c, n.pid, n.ktime);
		assert_non_null(p);
		pc_release(c, p);
		assert_true(pc_count(c) <= 8);
	}
	assert_int_equal(pc_count(c), 1);   /* only the long-lived parent */

	n.pid = PID0 + 600;
	n.ppid = PID0 + 500;
	n.ktime = 500000;
	n.parent_ktime = 1;
	child = pc_exec(c, &n);
	assert_non_null(child);
	p = pc_exit(c, PID0 + 500, 1);
	assert_non_null(p);
	pc_release(c, p);
	assert_int_equal(pc_count(c), 2);   /* the exited parent stays for its child */
	child = pc_exit(c, PID0 + 600, 500000);
	assert_non_null(child);
	assert_non_null(pc_parent(c, child));
	assert_string_equal(pc_parent(c, child)->exec_id, child->parent_exec_id);
	pc_release(c, child);
	assert_int_equal(pc_count(c), 0);
	pc_free(c);
}

static char *print(struct fix *f, enum out_mode mode)
{
	struct selection cols = { 0 };
	struct output o;
	char err[128];
	char *s;

	assert_int_equal(select_fields(&f->s, NULL, &cols, err, sizeof(err)), 0);
	assert_int_equal(output_init(&o, mode, &f->s, &cols), 0);
	output_row(&o, &f->r);
	s = strndup(o.buf.p, o.buf.len);
	output_free(&o);
	selection_free(&cols);
	return s;
}

static void test_compact_shapes(void **state)
{
	struct fix *f = *state;
	char *s;

	decode(f, exec_rec(f, PID0 + 20, PID0, 10, 0, "/usr/bin/curl", "curl\0https://ebpf.io", 21));
	s = print(f, OUT_COMPACT);
	assert_string_equal(s, "\xf0\x9f\x9a\x80 process host /usr/bin/curl https://ebpf.io\n");
	free(s);
	row_set_str(&f->r, CF_K8S_NAMESPACE, "default", 7);
	row_set_str(&f->r, CF_K8S_POD, "xwing", 5);
	s = print(f, OUT_COMPACT);
	assert_string_equal(s, "\xf0\x9f\x9a\x80 process default/xwing /usr/bin/curl https://ebpf.io\n");
	free(s);

	head_rec(f, PROC_EV_EXIT, PID0 + 20, PID0, 20, 10);
	f->e->exit_code = 9;
	decode(f, PROC_HEAD_SIZE);
	row_set_str(&f->r, CF_RT_CONTAINER_NAME, "web", 3);
	s = print(f, OUT_COMPACT);
	assert_string_equal(s, "\xf0\x9f\x92\xa5 exit    web /usr/bin/curl https://ebpf.io SIGKILL\n");
	free(s);

	/* a hostile binary name reaches the terminal escaped */
	decode(f, exec_rec(f, PID0 + 21, PID0, 10, 0, "/tmp/\x1b[2Jx", "x", 2));
	s = print(f, OUT_COMPACT);
	assert_non_null(strstr(s, "/tmp/\\x1b[2Jx"));
	assert_null(strchr(s, '\x1b'));
	free(s);
}

static void test_tetragon_json(void **state)
{
	struct fix *f = *state;
	json_t *j, *x;
	char *s;

	decode(f, exec_rec(f, PID0 + 30, PID0, 10, 0, "/bin/sh", "sh\0-c\0id", 9));
	decode(f, exec_rec(f, PID0 + 31, PID0 + 30, 20, 10, "/usr/bin/id", "id", 3));
	row_set_str(&f->r, CF_K8S_NAMESPACE, "default", 7);
	row_set_str(&f->r, CF_K8S_POD, "xwing", 5);
	s = print(f, OUT_TETRAGON);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	x = json_object_get(json_object_get(j, "process_exec"), "process");
	assert_string_equal(json_string_value(json_object_get(x, "binary")), "/usr/bin/id");
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(x, "pod"), "name")), "xwing");
	assert_string_equal(json_string_value(json_object_get(x, "parent_exec_id")),
			    json_string_value(json_object_get(json_object_get(
				json_object_get(j, "process_exec"), "parent"), "exec_id")));
	assert_string_equal(json_string_value(json_object_get(j, "node_name")), "node1");
	json_decref(j);
	free(s);

	head_rec(f, PROC_EV_EXIT, PID0 + 31, PID0 + 30, 30, 20);
	decode(f, PROC_HEAD_SIZE);
	s = print(f, OUT_TETRAGON);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	x = json_object_get(j, "process_exit");
	assert_int_equal(json_integer_value(json_object_get(x, "status")), 0);
	assert_string_equal(json_string_value(json_object_get(
		json_object_get(x, "process"), "arguments")) ?: "", "");
	json_decref(j);
	free(s);
}

/* A policy match: the row names the policy, its action and the hook, and
 * -o tetragon writes a process_tracepoint. The policy goes in through the
 * gadget's own --policy flag; without the kernel's format (configure), the
 * args are read as integers. */
static void test_match_row_and_tetragon_shape(void **state)
{
	struct fix *f = *state;
	const char *yaml = "/tmp/ig-unit-policy.yaml";
	const struct gadget_flag *flag = NULL;
	struct policy_event *m = calloc(1, sizeof(*m));
	char err[256], opts[256] = { 0 };
	json_t *j, *x;
	FILE *fp;
	char *s;

	assert_non_null(m);
	fp = fopen(yaml, "w");
	assert_non_null(fp);
	fputs("apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\nmetadata: {name: unit-pol}\n"
	      "spec:\n  tracepoints:\n  - subsystem: syscalls\n    event: sys_enter_kill\n"
	      "    args: [{index: 6, type: int}]\n"
	      "    selectors: [{matchActions: [{action: Sigkill}]}]\n", fp);
	fclose(fp);
	for (size_t i = 0; i < f->g->nflags; i++)
		if (!strcmp(f->g->flags[i].name, "policy"))
			flag = &f->g->flags[i];
	assert_non_null(flag);
	assert_int_equal(flag->set(opts, yaml, err, sizeof(err)), 0);
	unlink(yaml);

	decode(f, exec_rec(f, PID0 + 40, PID0, 10, 0, "/bin/kill", "kill\0-9\0" "1", 10));
	m->kind = PROC_EV_MATCH;
	m->proc.pid = m->proc.tid = PID0 + 40;
	m->proc.timestamp = 20;
	m->hook = 0;
	m->action = POL_ACT_SIGKILL;
	m->nargs = 1;
	m->nums[0] = 9;
	row_reset(&f->r);
	assert_int_equal(f->g->decode(&f->ctx, m, sizeof(*m) - 1, &f->r), -1);
	row_reset(&f->r);
	assert_int_equal(f->g->decode(&f->ctx, m, sizeof(*m), &f->r), 1);
	assert_string_equal(str(f, TP_EVENT), "match");
	assert_string_equal(str(f, TP_POLICY), "unit-pol");
	assert_string_equal(str(f, TP_ACTION), "Sigkill");
	assert_string_equal(str(f, TP_HOOK), "syscalls/sys_enter_kill");
	assert_string_equal(str(f, TP_HOOK_ARGS), "[9]");
	assert_string_equal(str(f, TP_BINARY), "/bin/kill");
	s = print(f, OUT_TETRAGON);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	x = json_object_get(j, "process_tracepoint");
	assert_string_equal(json_string_value(json_object_get(x, "subsys")), "syscalls");
	assert_string_equal(json_string_value(json_object_get(x, "event")), "sys_enter_kill");
	assert_string_equal(json_string_value(json_object_get(x, "policy_name")), "unit-pol");
	assert_string_equal(json_string_value(json_object_get(x, "action")), "KPROBE_ACTION_SIGKILL");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
		json_object_get(x, "args"), 0), "long_arg")), 9);
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "process"), "binary")),
			    "/bin/kill");
	json_decref(j);
	free(s);
	s = print(f, OUT_COMPACT);
	assert_string_equal(s, "\xf0\x9f\x9a\xa8 policy  host /bin/kill unit-pol syscalls/sys_enter_kill [9] Sigkill\n");
	free(s);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_id_is_base64_of_node_ktime_pid),
		cmocka_unit_test_setup_teardown(test_sh_fork_cat_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_without_exec_exits_as_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_exit_and_malformed, setup, teardown),
		cmocka_unit_test(test_cache_bounded_and_refcounted),
		cmocka_unit_test_setup_teardown(test_compact_shapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tetragon_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_row_and_tetragon_shape, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
