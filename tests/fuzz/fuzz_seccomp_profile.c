// SPDX-License-Identifier: Apache-2.0
/*
 * The seccomp profile writer of advise_seccomp (adv_profile_write in
 * src/gadgets/advise_seccomp.c). Input: a syscall bitmap (up to
 * ADV_WORDS words; the first byte also chooses pretty or compact).
 *
 * Invariants, checked on jansson's parse of the output:
 * - it is one JSON object: defaultAction "SCMP_ACT_ERRNO", architectures a
 *   non-empty array of strings, syscalls an array of at most one rule;
 * - the rule's action is "SCMP_ACT_ALLOW" and its names are sorted, unique,
 *   and exactly the named syscalls whose bit is set (the return value is
 *   their count); set bits without a name are counted in unknown;
 * - pretty and compact outputs parse to the same JSON.
 */
#include <jansson.h>
#include <linux/types.h>
#include "advise_seccomp.h"
#include "fuzz_util.h"
#include "obuf.h"
#include "traceloop/syscalls.h"

static json_t *parse(const struct obuf *b)
{
	json_error_t err;
	json_t *j = json_loadb(b->p, b->len, 0, &err);

	FUZZ_CHECK(j && json_is_object(j), "not a JSON object: %s: %.*s", err.text, (int)b->len, b->p);
	return j;
}

static bool is_set(const __u64 *bits, size_t nr)
{
	return nr < ADV_NR_MAX && (bits[nr / 64] >> (nr % 64) & 1);
}

static void check(json_t *j, const __u64 *bits, size_t n, size_t unknown)
{
	json_t *arch = json_object_get(j, "architectures"), *rules = json_object_get(j, "syscalls");
	json_t *names, *name;
	size_t i, want = 0, want_unknown = 0;
	const char *prev = NULL;

	FUZZ_CHECK(json_is_string(json_object_get(j, "defaultAction")) &&
		   !strcmp(json_string_value(json_object_get(j, "defaultAction")), "SCMP_ACT_ERRNO"),
		   "defaultAction");
	FUZZ_CHECK(json_is_array(arch) && json_array_size(arch) > 0, "architectures");
	json_array_foreach(arch, i, name)
		FUZZ_CHECK(json_is_string(name), "architecture %zu", i);
	for (size_t nr = 0; nr < ADV_NR_MAX; nr++) {
		bool named = nr < TL_SYSCALL_COUNT && tl_syscall_names[nr];

		want += is_set(bits, nr) && named;
		want_unknown += is_set(bits, nr) && !named;
	}
	FUZZ_CHECK(n == want && unknown == want_unknown, "counts %zu/%zu, want %zu/%zu", n, unknown,
		   want, want_unknown);
	FUZZ_CHECK(json_is_array(rules) && json_array_size(rules) == (n ? 1 : 0), "one rule");
	if (!n)
		return;
	FUZZ_CHECK(!strcmp(json_string_value(json_object_get(json_array_get(rules, 0), "action")),
			   "SCMP_ACT_ALLOW"), "action");
	names = json_object_get(json_array_get(rules, 0), "names");
	FUZZ_CHECK(json_is_array(names) && json_array_size(names) == n, "names");
	json_array_foreach(names, i, name) {
		const char *s = json_string_value(name);
		int nr;

		FUZZ_CHECK(s, "name %zu is a string", i);
		FUZZ_CHECK(!prev || strcmp(prev, s) < 0, "sorted and unique: %s, %s", prev, s);
		nr = tl_syscall_nr(s, strlen(s));
		FUZZ_CHECK(nr >= 0 && is_set(bits, nr), "%s was recorded", s);
		prev = s;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u64 bits[ADV_WORDS] = { 0 };
	struct obuf pretty = { 0 }, compact = { 0 };
	size_t n1, n2, u1, u2;
	json_t *a, *b;

	memcpy(bits, data, size < sizeof(bits) ? size : sizeof(bits));
	n1 = adv_profile_write(&pretty, bits, ADV_WORDS, true, &u1);
	n2 = adv_profile_write(&compact, bits, ADV_WORDS, false, &u2);
	FUZZ_CHECK(n1 == n2 && u1 == u2, "same counts");
	FUZZ_CHECK(!memchr(compact.p, '\n', compact.len), "compact is one line");
	a = parse(&pretty);
	b = parse(&compact);
	FUZZ_CHECK(json_equal(a, b), "pretty and compact agree");
	check(a, bits, n1, u1);
	json_decref(a);
	json_decref(b);
	ob_free(&pretty);
	ob_free(&compact);
	return 0;
}
