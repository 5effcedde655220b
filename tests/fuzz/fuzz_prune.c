// SPDX-License-Identifier: Apache-2.0
/*
 * The streaming JSON reduction (ct_prune_mem, src/containers/json_prune.c)
 * that reads runtime state files of any size. Input: one byte choosing a
 * set of patterns and an output cap, then the document.
 *
 * Invariants, checked against jansson as the reference:
 *   - the output never exceeds its cap and is NUL-terminated;
 *   - when jansson accepts the whole document (without duplicate keys) and
 *     the reduction succeeds,
 *     jansson accepts the output and it equals the document's projection
 *     onto the patterns, computed here from jansson's tree;
 *   - when jansson accepts the document, the reduction fails only because
 *     what is kept would exceed the cap.
 */
#include <errno.h>
#include <jansson.h>
#include "../../src/containers/ct_internal.h"
#include "fuzz_util.h"

static const struct ct_keep set_docker[] = {
	{ { "ID" } }, { { "Name" } }, { { "State", "Pid" } }, { { "State", "Running" } },
	{ { "Config", "Labels", "io.kubernetes.*" } },
};
static const struct ct_keep set_storage[] = {
	{ { "[]", "id" } }, { { "[]", "names" } }, { { "[]", "metadata" } },
};
static const struct ct_keep set_deep[] = {
	{ { "a", "*", "[]", "b" } }, { { "[]", "[]", "x*" } }, { { "*" } },
};
static const struct ct_keep set_any[] = {
	{ { "a" } }, { { "b", "c" } }, { { "[]", "d", "e", "f" } },
};

static const struct {
	const struct ct_keep *keep;
	size_t n;
} sets[] = {
	{ set_docker, CT_NKEEP(set_docker) },
	{ set_storage, CT_NKEEP(set_storage) },
	{ set_deep, CT_NKEEP(set_deep) },
	{ set_any, CT_NKEEP(set_any) },
};

/* The reference: what the patterns select of jansson's tree. */
static json_t *project(const json_t *v, const struct ct_keep *keep, size_t n, uint32_t live,
		       size_t depth)
{
	json_t *out, *child;
	const char *key;
	bool whole;
	uint32_t next;
	size_t i;

	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach((json_t *)v, key, child) {
			next = ct_keep_match(keep, n, live, depth, key, strlen(key), &whole);
			if (next && whole)
				json_object_set(out, key, child);
			else if (next && (json_is_object(child) || json_is_array(child)))
				json_object_set_new(out, key, project(child, keep, n, next, depth + 1));
		}
		return out;
	}
	out = json_array();
	json_array_foreach(v, i, child) {
		next = ct_keep_match(keep, n, live, depth, NULL, 0, &whole);
		if (next && whole)
			json_array_append(out, child);
		else if (next && (json_is_object(child) || json_is_array(child)))
			json_array_append_new(out, project(child, keep, n, next, depth + 1));
	}
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t caps[] = { 64, 4096, 1 << 20 }, cap, out_len = 0;
	const struct ct_keep *keep;
	json_t *whole, *pruned, *want;
	char *out = NULL;
	size_t n;
	int err;

	if (size < 1)
		return 0;
	keep = sets[data[0] % 4].keep;
	n = sets[data[0] % 4].n;
	cap = caps[(data[0] >> 2) % 3];
	data++;
	size--;
	err = ct_prune_mem((const char *)data, size, keep, n, cap, &out, &out_len);
	FUZZ_CHECK(err <= 0, "positive return %d", err);
	if (!err) {
		FUZZ_CHECK(out_len <= cap, "output %zu over cap %zu", out_len, cap);
		FUZZ_CHECK(out[out_len] == '\0', "output not terminated");
	}
	/* Duplicate keys are left out of the comparison: jansson keeps the
	 * last, which may be a value that cannot be walked into where an
	 * earlier one was. Runtimes do not write them. */
	whole = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (whole) {
		FUZZ_CHECK(!err || err == -EFBIG, "valid JSON refused: %d", err);
		if (!err) {
			pruned = json_loadb(out, out_len, 0, NULL);
			FUZZ_CHECK(pruned, "output is not JSON: %.*s", (int)out_len, out);
			want = project(whole, keep, n, (1u << n) - 1, 0);
			FUZZ_CHECK(json_equal(want, pruned), "projection differs: %.*s",
				   (int)out_len, out);
			json_decref(want);
			json_decref(pruned);
		}
		json_decref(whole);
	}
	free(out);
	return 0;
}
