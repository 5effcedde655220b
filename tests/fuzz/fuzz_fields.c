// SPDX-License-Identifier: Apache-2.0
/*
 * --fields and -o custom-columns= (select_fields in src/field.c), then the
 * JSON plan and a header and row printed with the selection in every mode. Input: one
 * byte choosing the gadget whose schema is used, then the field list.
 *
 * Invariants: a successful selection is non-empty when explicit, names
 * valid schema indexes, and prints; an error leaves an empty selection and
 * a NUL-terminated message.
 */
#include <jansson.h>
#include "gadget.h"
#include "fuzz_util.h"

static void print_with(const struct schema *s, const struct selection *sel)
{
	static const enum out_mode modes[] = { OUT_COLUMNS, OUT_JSON, OUT_JSONPRETTY, OUT_YAML };
	struct row r;

	FUZZ_CHECK(row_init(&r, s) == 0, "row_init");
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		struct output o;
		json_t *j;

		FUZZ_CHECK(output_init(&o, modes[m], s, sel) == 0, "output_init failed");
		output_header(&o);
		output_row(&o, &r);
		if (modes[m] == OUT_COLUMNS) {
			FUZZ_CHECK(o.buf.len >= 2 && o.buf.p[o.buf.len - 1] == '\n', "no newline");
		} else if (modes[m] == OUT_YAML) {
			fuzz_check_yaml_doc(o.buf.p, o.buf.len);
		} else {
			j = json_loadb(o.buf.p, o.buf.len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, NULL);
			FUZZ_CHECK(j && json_is_object(j), "row is not a JSON object: %.*s",
				   (int)o.buf.len, o.buf.p);
			json_decref(j);
		}
		output_free(&o);
	}
	row_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct gadget *g;
	struct selection sel;
	struct schema s;
	char err[256], *spec;

	if (size < 1)
		return 0;
	size_t ng;
	const struct gadget *const *gl = gadget_list(&ng);

	g = gl[data[0] % ng];
	spec = fuzz_strndup(data + 1, size - 1);
	FUZZ_CHECK(schema_init(&s, g->fields, g->nfields, g->default_fields) == 0, "schema");
	err[0] = 0;
	if (select_fields(&s, spec, &sel, err, sizeof(err)) == 0) {
		FUZZ_CHECK(!sel.explicit || sel.n > 0, "explicit and empty");
		for (size_t i = 0; i < sel.n; i++)
			FUZZ_CHECK(sel.c[i].idx >= 0 && (size_t)sel.c[i].idx < s.n &&
				   sel.c[i].header && sel.c[i].width >= strlen(sel.c[i].header),
				   "bad column %zu", i);
		print_with(&s, &sel);
		selection_free(&sel);
	} else {
		FUZZ_CHECK(sel.n == 0 && sel.c == NULL, "error left columns behind");
		FUZZ_CHECK(memchr(err, 0, sizeof(err)) && err[0], "no error message");
	}
	schema_free(&s);
	free(spec);
	return 0;
}
