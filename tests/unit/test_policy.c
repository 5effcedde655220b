// SPDX-License-Identifier: Apache-2.0
/*
 * The TracingPolicy parser: a good policy lands in the BPF structs as
 * written; every bad one (unknown keys, fields ig does not support, wrong
 * types, limits, YAML aliases and bombs, huge files) is one message that
 * names the field, and leaves the set as it was.
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

#include "../../src/gadgets/policy.h"

static const char good[] =
	"apiVersion: cilium.io/v1alpha1\n"
	"kind: TracingPolicy\n"
	"metadata:\n"
	"  name: block-shadow\n"
	"spec:\n"
	"  tracepoints:\n"
	"  - subsystem: syscalls\n"
	"    event: sys_enter_openat\n"
	"    selectors:\n"          /* before args: args are read first anyway */
	"    - matchArgs:\n"
	"      - index: 0\n"
	"        operator: Prefix\n"
	"        values: [\"/etc/sha\", \"/root/\"]\n"
	"      - operator: NotEqual\n"
	"        index: 1\n"
	"        values: [\"0\"]\n"
	"      matchBinaries:\n"
	"      - operator: NotIn\n"
	"        values: [/bin/ls]\n"
	"      matchPIDs:\n"
	"      - operator: NotIn\n"
	"        values: [1, 2]\n"
	"        followForks: false\n"
	"      matchNamespaces:\n"
	"      - namespace: Mnt\n"
	"        operator: In\n"
	"        values: [\"4026531841\", host_ns]\n"
	"      matchActions:\n"
	"      - action: Signal\n"
	"        argSig: 10\n"
	"      - action: NoPost\n"
	"    - matchActions:\n"
	"      - action: Sigkill\n"
	"    args:\n"
	"    - index: 6\n"
	"      type: string\n"
	"    - index: 7\n"
	"      type: int\n";

static int parse(struct pol_set *set, const char *text, char *err, size_t errlen)
{
	return pol_parse(set, text, strlen(text), "t.yaml", err, errlen);
}

static void test_good_policy_lands_as_written(void **state)
{
	struct pol_set *set = calloc(1, sizeof(*set));
	const struct pol_spec_hook *h;
	const struct pol_selector *s;
	char err[512] = "";

	(void)state;
	assert_int_equal(parse(set, good, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(set->npolicies, 1);
	assert_string_equal(set->names[0], "block-shadow");
	assert_int_equal(set->nhooks, 1);
	h = &set->hooks[0];
	assert_string_equal(h->subsys, "syscalls");
	assert_string_equal(h->event, "sys_enter_openat");
	assert_int_equal(h->nargs, 2);
	assert_int_equal(h->arg_index[0], 6);
	assert_int_equal(h->arg_index[1], 7);
	assert_int_equal(h->nsel, 2);
	s = &h->sel[0];
	assert_int_equal(s->nmatch, 2);
	assert_int_equal(s->m[0].op, POL_OP_PREFIX);
	assert_int_equal(s->m[0].nvals, 2);
	assert_string_equal(s->m[0].strs[1], "/root/");
	assert_int_equal(s->m[0].lens[0], 8);
	assert_int_equal(s->m[1].op, POL_OP_NOTEQUAL);
	assert_int_equal(s->m[1].arg, 1);
	assert_int_equal(s->m[1].nums[0], 0);
	assert_int_equal(s->bin_op, POL_OP_NOTIN);
	assert_string_equal(s->bins[0], "/bin/ls");
	assert_int_equal(s->pid_op, POL_OP_NOTIN);
	assert_int_equal(s->npids, 2);
	assert_int_equal(s->pids[1], 2);
	assert_int_equal(s->ns_kind, POL_NS_MNT);
	assert_int_equal(s->ns[0], 4026531841ULL);
	assert_true(h->ns_host[0][1]);
	assert_int_equal(s->action, POL_ACT_SIGNAL);
	assert_int_equal(s->sig, 10);
	assert_int_equal(s->post, 0);
	assert_int_equal(h->sel[1].action, POL_ACT_SIGKILL);
	assert_int_equal(h->sel[1].post, 1);
	/* the same name twice is refused */
	assert_int_equal(parse(set, good, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "a policy named block-shadow is loaded already"));
	assert_int_equal(set->nhooks, 1);
	free(set);
}

/* Replace the first `from` in good by `to` and expect an error holding want. */
static void refused(const char *from, const char *to, const char *want)
{
	struct pol_set *set = calloc(1, sizeof(*set));
	char text[8192], err[512] = "";
	const char *at = strstr(good, from);

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	assert_int_equal(parse(set, text, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("for \"%s\": expected \"%s\" in \"%s\"", to, want, err);
	assert_non_null(strstr(err, "policy t.yaml: "));
	assert_null(strchr(err, '\n'));
	assert_int_equal(set->nhooks, 0);
	assert_int_equal(set->npolicies, 0);
	free(set);
}

static void test_bad_keys_and_types_named(void **state)
{
	(void)state;
	refused("kind: TracingPolicy", "kind: TracingPolicyNamespaced", "kind: must be TracingPolicy");
	refused("apiVersion: cilium.io/v1alpha1", "apiVersion: v2", "apiVersion: must be cilium.io/v1alpha1");
	refused("  name: block-shadow", "  name: [a]", "metadata.name: must be a string");
	refused("  name: block-shadow", "  name: \"a b\"", "metadata.name: must be letters");
	refused("  tracepoints:", "  kprobes: []\n  tracepoints:", "spec: kprobes is not supported by ig");
	refused("  tracepoints:", "  frobnicate: 1\n  tracepoints:", "spec: unknown key \"frobnicate\"");
	refused("    event: sys_enter_openat", "    event: [x]", "spec.tracepoints[0].event: must be a string");
	refused("    event: sys_enter_openat", "    event: ../../x", "must be tracefs names");
	refused("      type: string", "      type: char_buf", "args[0].type: unsupported type \"char_buf\"");
	refused("    - index: 6", "    - index: six", "args[0].index: must be a number");
	refused("    - index: 6", "    - index: 6\n      label: x", "args[0]: label is not supported by ig");
	refused("        operator: Prefix", "        operator: Mask", "matchArgs[0].operator: unknown operator \"Mask\"");
	refused("      - index: 0\n        operator: Prefix", "      - index: 5\n        operator: Prefix",
		"matchArgs[0].index: must be a number from 0 to 1");
	refused("      - operator: NotIn\n        values: [/bin/ls]", "      - operator: Any\n        values: [/bin/ls]",
		"matchBinaries[0].operator: unknown operator");
	refused("      - operator: NotEqual", "      - operator: Postfix", "matchArgs[1]: Prefix and Postfix compare strings");
	refused("        followForks: false", "        followForks: true", "followForks: true is not supported");
	refused("        followForks: false", "        followForks: 1", "followForks: must be true or false");
	refused("      - namespace: Mnt", "      - namespace: Time", "unknown or unsupported namespace \"Time\"");
	refused("      - action: Signal\n        argSig: 10", "      - action: Signal", "Signal needs argSig");
	refused("      - action: Sigkill", "      - action: Override", "unknown or unsupported action \"Override\"");
	refused("    - matchActions:", "    - matchCapabilities: []\n      matchActions:",
		"selectors[1]: matchCapabilities is not supported by ig");
	refused("        values: [1, 2]", "        values: {a: 1}", "matchPIDs[0].values: must be a list");
	refused("        values: [1, 2]", "        values: [1, 2, 3, 4, 5, 6, 7, 8, 9]", "has more than 8 entries");
	refused("  name: block-shadow", "  name: block-shadow\n  name: again", "name is given twice");
	refused("metadata:\n  name: block-shadow\n", "", "metadata.name is missing");
}

static void test_yaml_limits(void **state)
{
	struct pol_set *set = calloc(1, sizeof(*set));
	char err[512];
	char *big = malloc(POL_MAX_FILE + 2), *deep = malloc(4096);
	size_t n = 0;

	(void)state;
	/* a billion laughs: aliases are refused before anything expands */
	assert_int_equal(parse(set,
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"spec: {tracepoints: [*d, *d, *d, *d, *d, *d, *d, *d, *d]}\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "YAML anchors and aliases are not accepted"));
	memset(big, '#', POL_MAX_FILE + 1);
	big[POL_MAX_FILE + 1] = 0;
	assert_int_equal(pol_parse(set, big, POL_MAX_FILE + 1, "big.yaml", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "larger than 262144 bytes"));
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	deep[n] = 0;
	assert_int_equal(parse(set, deep, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "nested deeper than 24 levels"));
	assert_int_equal(parse(set, "a: [b\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not YAML"));
	assert_int_equal(parse(set, "", err, sizeof(err)), -1);
	assert_int_equal(parse(set, "--- {}\n--- {}\n", err, sizeof(err)), -1);
	assert_int_equal(pol_parse_file(set, "/nonexistent/p.yaml", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "policy /nonexistent/p.yaml: No such file"));
	assert_int_equal(set->nhooks, 0);
	free(big);
	free(deep);
	free(set);
}

/* spec.containerSelector: matchLabels and matchExpressions on the
 * container's name; the policy's bit only for containers it selects, never
 * for the host; bad selectors are named. */
static void test_container_selector(void **state)
{
	static const char scoped[] =
		"apiVersion: cilium.io/v1alpha1\n"
		"kind: TracingPolicy\n"
		"metadata: {name: scoped}\n"
		"spec:\n"
		"  containerSelector:\n"
		"    matchExpressions:\n"
		"    - key: name\n"
		"      operator: In\n"
		"      values: [web, db]\n"
		"    - {key: name, operator: NotIn, values: [db]}\n"
		"  tracepoints:\n"
		"  - {subsystem: syscalls, event: sys_enter_openat}\n";
	static const char labels[] =
		"apiVersion: cilium.io/v1alpha1\n"
		"kind: TracingPolicy\n"
		"metadata: {name: labels}\n"
		"spec:\n"
		"  containerSelector: {matchLabels: {name: db}}\n"
		"  tracepoints:\n"
		"  - {subsystem: syscalls, event: sys_enter_openat}\n";
	struct pol_set *set = calloc(1, sizeof(*set));
	char err[512] = "";

	(void)state;
	assert_int_equal(parse(set, good, err, sizeof(err)), 0);
	assert_false(pol_any_scoped(set));
	assert_int_equal(pol_scope_bits(set, "web"), 0);
	assert_int_equal(parse(set, scoped, err, sizeof(err)), 0);
	assert_int_equal(parse(set, labels, err, sizeof(err)), 0);
	assert_true(pol_any_scoped(set));
	assert_false(set->scopes[0].set);
	assert_int_equal(set->scopes[1].nexpr, 2);
	assert_int_equal(set->scopes[1].expr[0].op, POL_SCOPE_IN);
	assert_string_equal(set->scopes[1].expr[0].vals[1], "db");
	assert_int_equal(pol_scope_bits(set, "web"), pol_scope_bit(1));
	assert_int_equal(pol_scope_bits(set, "db"), pol_scope_bit(2));
	assert_int_equal(pol_scope_bits(set, "cache"), 0);
	assert_int_equal(pol_scope_bits(set, NULL), 0);   /* the host */
	free(set);
	refused("  tracepoints:", "  containerSelector: {matchLabels: {image: x}}\n  tracepoints:",
		"spec.containerSelector.matchLabels: unknown key \"image\"");
	refused("  tracepoints:", "  containerSelector: {matchExpressions: [{key: image, operator: In, values: [x]}]}\n  tracepoints:",
		"key: only the key name is supported");
	refused("  tracepoints:", "  containerSelector: {matchExpressions: [{key: name, operator: Like, values: [x]}]}\n  tracepoints:",
		"operator: must be In, NotIn, Exists or DoesNotExist");
	refused("  tracepoints:", "  containerSelector: {matchExpressions: [{key: name, operator: In}]}\n  tracepoints:",
		"In and NotIn need values");
	refused("  tracepoints:", "  containerSelector: {matchExpressions: [{operator: In, values: [x]}]}\n  tracepoints:",
		"needs key and operator");
	refused("  tracepoints:", "  containerSelector: {matchFields: {}}\n  tracepoints:",
		"spec.containerSelector: unknown key \"matchFields\"");
	refused("  tracepoints:", "  podSelector: {matchLabels: {app: x}}\n  tracepoints:",
		"podSelector is not supported by ig");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_policy_lands_as_written),
		cmocka_unit_test(test_bad_keys_and_types_named),
		cmocka_unit_test(test_yaml_limits),
		cmocka_unit_test(test_container_selector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
