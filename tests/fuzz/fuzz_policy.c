// SPDX-License-Identifier: Apache-2.0
/*
 * The TracingPolicy parser (src/gadgets/policy_parse.c) on any bytes: it
 * returns, within its limits (no alias expansion, bounded depth), with one
 * message line on failure and the set untouched; on success what it kept
 * is within the BPF structs' bounds.
 */
#include "fuzz_util.h"
#include "../../src/gadgets/policy.h"

static struct pol_set set;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	int ret;

	memset(&set, 0, sizeof(set));
	ret = pol_parse(&set, (const char *)data, size, "fuzz.yaml", err, sizeof(err));
	if (ret) {
		FUZZ_CHECK(ret == -1, "ret %d", ret);
		FUZZ_CHECK(err[0] && !strchr(err, '\n'), "message \"%s\"", err);
		FUZZ_CHECK(!set.nhooks && !set.npolicies, "a refused policy left %zu hooks", set.nhooks);
		return 0;
	}
	FUZZ_CHECK(set.npolicies == 1 && set.nhooks >= 1 && set.nhooks <= POL_MAX_HOOKS, "counts");
	for (size_t h = 0; h < set.nhooks; h++) {
		const struct pol_spec_hook *k = &set.hooks[h];

		FUZZ_CHECK(k->nargs <= POL_MAX_ARGS && k->nsel <= POL_MAX_SELECTORS, "hook %zu", h);
		FUZZ_CHECK(k->subsys[0] && k->event[0] && !strchr(k->subsys, '/'), "names");
		for (size_t s = 0; s < k->nsel; s++) {
			const struct pol_selector *sel = &k->sel[s];

			FUZZ_CHECK(sel->nmatch <= POL_MAX_MATCH && sel->nbins <= POL_MAX_VALUES &&
				   sel->npids <= POL_MAX_PIDS && sel->nns <= POL_MAX_NS, "selector");
			for (size_t m = 0; m < sel->nmatch; m++) {
				FUZZ_CHECK(sel->m[m].arg < k->nargs && sel->m[m].nvals <= POL_MAX_VALUES,
					   "matchArgs index %u of %zu args", sel->m[m].arg, k->nargs);
				for (size_t v = 0; v < sel->m[m].nvals; v++)
					FUZZ_CHECK(sel->m[m].lens[v] < POL_STR, "value length");
			}
			for (size_t b = 0; b < sel->nbins; b++)
				FUZZ_CHECK(sel->bin_lens[b] < POL_STR &&
					   strlen(sel->bins[b]) == sel->bin_lens[b], "binary length");
		}
	}
	return 0;
}
