// SPDX-License-Identifier: Apache-2.0
/*
 * Tetragon's export filters (xf_parse, xf_pass in src/export_filter.c) on
 * any bytes: the input up to the first NUL is the filter text; the rest
 * fills a trace_process row the filter is matched against.
 *
 * Invariants: a refusal is one line naming the list; an accepted filter
 * stays within its limits; as an allowlist it passes exactly the rows it
 * matches, as a denylist exactly the others, and both at once pass none.
 */
#include "export_filter.h"
#include "gadget.h"
#include "fuzz_util.h"

/* glibc's regcomp is exponential on stacked quantifiers (docs/fuzzing.md,
 * finding 5), operator input as with --filter: skipped. */
static bool too_many_quantifiers(const char *s)
{
	size_t q = 0;

	for (; *s; s++)
		q += *s == '+' || *s == '*' || *s == '?' ? 1 : *s == '{' ? 4 : 0;
	return q > 6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct schema s;
	static struct row r;
	static const struct gadget *g;
	size_t tlen = strnlen((const char *)data, size);
	const uint8_t *m = data + tlen + (tlen < size);
	size_t mlen = size - (m - data);
	struct export_filter *x = NULL;
	char err[512] = "", *text;
	struct xf_bind b;
	bool hit;

	if (!g) {
		g = gadget_find("trace_process");
		if (!g || schema_init(&s, g->fields, g->nfields, NULL) || row_init(&r, &s))
			abort();
	}
	text = fuzz_strndup(data, tlen);
	if (text[0] == '@' || too_many_quantifiers(text)) {   /* no files */
		free(text);
		return 0;
	}
	if (xf_parse(&x, text, "--export-allowlist", err, sizeof(err))) {
		FUZZ_CHECK(!x, "a refused filter was returned");
		FUZZ_CHECK(!strncmp(err, "--export-allowlist", 18), "message \"%s\"", err);
		for (const char *p = err; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte in \"%s\"", err);
		free(text);
		return 0;
	}
	FUZZ_CHECK(x->n <= XF_MAX_LINES, "%zu lines", x->n);
	for (size_t i = 0; i < x->n; i++)
		for (int k = 0; k < XK_N; k++)
			FUZZ_CHECK(x->l[i].k[k].n <= XF_MAX_VALUES, "values");
	row_reset(&r);
	for (size_t i = 0; i < s.n; i++) {
		r.v[i].u = mlen ? m[i % mlen] : 0;
		if (s.f[i]->type == FT_STR) {
			r.v[i].s = (const char *)m;
			r.v[i].len = mlen ? (uint32_t)((i * 7919) % (mlen + 1)) : 0;
		}
	}
	xf_bind(&b, x, NULL, &s, g->name);
	hit = xf_list_match(&b, x, &r);
	FUZZ_CHECK(xf_pass(&b, &r) == (hit || !x->n), "allowlist");
	xf_bind(&b, NULL, x, &s, g->name);
	FUZZ_CHECK(xf_pass(&b, &r) == !hit, "denylist");
	xf_bind(&b, x, x, &s, g->name);
	FUZZ_CHECK(!xf_pass(&b, &r) || !x->n, "both");
	xf_free(x);
	free(text);
	return 0;
}
