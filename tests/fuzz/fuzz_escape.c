// SPDX-License-Identifier: Apache-2.0
/*
 * Escaping of traced strings (src/escape.c). Input: one byte giving the
 * column width (0 = no limit), then the string.
 *
 * Invariants:
 * - columns (esc_column, esc_column_middle): valid UTF-8, no C0/DEL/C1 and
 *   no bidi or zero-width character; the returned cells equal the code
 *   points written and never exceed the width;
 * - esc_column_middle keeps a prefix and a suffix of the full escaped text
 *   around one "…", so the end of a path (the file's name) stays visible;
 * - JSON (esc_json): a quoted string jansson parses, valid UTF-8 with no raw
 *   control byte, and equal to the input when the input was valid UTF-8;
 * - YAML flow (esc_yaml_flow): one line of valid UTF-8 with no raw control
 *   byte (so YAML allows it), and the same JSON when the input was JSON.
 */
#include <jansson.h>
#include "escape.h"
#include "fuzz_util.h"

static const char ellipsis[] = "\xe2\x80\xa6";

/* memcmp with a NULL pointer is undefined even for 0 bytes, and an empty
 * obuf has p == NULL. */
static bool same(const void *a, const void *b, size_t n)
{
	return !n || !memcmp(a, b, n);
}

static void check_middle(const struct obuf *full, const struct obuf *mid)
{
	if (mid->len == full->len && same(mid->p, full->p, full->len))
		return;
	for (size_t i = 0; i + 3 <= mid->len; i++) {
		size_t tail = mid->len - i - 3;

		if (memcmp(mid->p + i, ellipsis, 3))
			continue;
		if (i <= full->len && tail <= full->len &&
		    same(mid->p, full->p, i) &&
		    same(mid->p + i + 3, full->p + full->len - tail, tail))
			return;
	}
	FUZZ_CHECK(0, "middle cut is not prefix + … + suffix: \"%.*s\" from \"%.*s\"",
		   (int)mid->len, mid->p, (int)full->len, full->p);
}

/* ig appends cells to a row buffer that already holds something (it is
 * allocated once and reused), so the checks do too, and then drop it:
 * an empty obuf has p == NULL, and NULL + 0 is undefined in C. */
static void start(struct obuf *b)
{
	ob_putc(b, '|');
	b->len = 0;
}

static void check_columns(const char *s, size_t len, size_t max)
{
	struct obuf out = { 0 }, full = { 0 }, mid = { 0 };
	size_t cells, full_cells, mid_cells;

	start(&out);
	start(&full);
	start(&mid);
	cells = esc_column(&out, s, len, max);
	FUZZ_CHECK(fuzz_check_columns(out.p, out.len) == cells, "cells %zu", cells);
	FUZZ_CHECK(!max || cells <= max, "cells %zu > max %zu", cells, max);

	full_cells = esc_column(&full, s, len, 0);
	FUZZ_CHECK(full_cells == esc_column_cells(s, len), "esc_column_cells differs");
	FUZZ_CHECK(fuzz_check_columns(full.p, full.len) == full_cells, "cells");
	if (!max || full_cells <= max)
		FUZZ_CHECK(out.len == full.len && same(out.p, full.p, out.len),
			   "cut although it fits");

	mid_cells = esc_column_middle(&mid, s, len, max);
	FUZZ_CHECK(fuzz_check_columns(mid.p, mid.len) == mid_cells, "middle cells %zu", mid_cells);
	FUZZ_CHECK(!max || mid_cells <= max, "middle cells %zu > max %zu", mid_cells, max);
	/* Short names are cut in the middle; longer ones fall back to an end
	 * cut (documented in docs/security.md). */
	if (max >= 3 && len <= 4096)
		check_middle(&full, &mid);
	ob_free(&out);
	ob_free(&full);
	ob_free(&mid);
}

static void check_json(const char *s, size_t len)
{
	struct obuf out = { 0 };
	json_error_t jerr;
	json_t *j;

	/* Appending must not disturb what is already in the buffer. */
	ob_puts(&out, "[");
	esc_json(&out, s, len);
	ob_puts(&out, "]");
	fuzz_check_json_text(out.p, out.len);
	j = json_loadb(out.p, out.len, JSON_ALLOW_NUL, &jerr);
	FUZZ_CHECK(j && json_is_array(j) && json_array_size(j) == 1 &&
		   json_is_string(json_array_get(j, 0)),
		   "jansson rejects %.*s: %s", (int)out.len, out.p, jerr.text);
	if (fuzz_valid_utf8(s, len)) {
		const json_t *str = json_array_get(j, 0);

		FUZZ_CHECK(json_string_length(str) == len &&
			   same(json_string_value(str), s, len),
			   "valid UTF-8 did not round-trip");
	}
	json_decref(j);
	ob_free(&out);
}

static void check_yaml_flow(const char *s, size_t len)
{
	const size_t flags = JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL;
	struct obuf out = { 0 };
	json_t *in, *j;

	start(&out);
	esc_yaml_flow(&out, s, len);
	fuzz_check_json_text(out.p, out.len);
	FUZZ_CHECK(!memchr(out.p, '\n', out.len), "a line break in %.*s", (int)out.len, out.p);
	/* jansson takes a NUL for the end of the text: "1\0" would be 1. */
	in = memchr(s, 0, len) ? NULL : json_loadb(s, len, flags, NULL);
	if (in) {
		j = json_loadb(out.p, out.len, flags, NULL);
		FUZZ_CHECK(j && json_equal(in, j), "not the same JSON: %.*s", (int)out.len, out.p);
		json_decref(j);
		json_decref(in);
	}
	ob_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max;

	if (size < 1)
		return 0;
	max = data[0];
	check_columns((const char *)data + 1, size - 1, max);
	check_json((const char *)data + 1, size - 1);
	check_yaml_flow((const char *)data + 1, size - 1);
	return 0;
}
