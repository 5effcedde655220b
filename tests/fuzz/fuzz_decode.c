// SPDX-License-Identifier: Apache-2.0
/*
 * Event decoders: the input is one raw ring-buffer record, as a hostile or
 * truncated record from the kernel would arrive. Every gadget in
 * every registered gadget (gadget_list) decodes it, and a decoded row is printed in columns (default
 * and all fields), json, jsonpretty and yaml. The record is the fuzzer's own
 * exactly-sized heap buffer, so ASan sees any read past its end.
 *
 * Invariants: decode never reads outside the record; a printed columns
 * line is valid UTF-8 with nothing a terminal interprets; a JSON line is
 * one object jansson parses, with no raw control byte; a YAML document is
 * one member a line, with no raw control byte either.
 */
#include <jansson.h>
#include "gadget.h"
#include "fuzz_util.h"

struct gstate {
	struct schema s;
	struct selection defaults, all;
	struct output out[5];
	struct row r;
	struct run_opts opts;
	struct flag_value *flags;
	struct gadget_ctx ctx;
};

static struct gstate *states;
static size_t ngadgets;
/* IG_FUZZ_SKIP=ttysnoop,trace_tcp<96: leave out a gadget (or only records
 * shorter than N bytes for it) with a known, reported crash, so a long run
 * keeps exploring the rest. */
static const char *skip;

static bool skipped(const char *name, size_t size)
{
	size_t len = strlen(name);

	for (const char *p = skip; p && *p;) {
		size_t n = strcspn(p, ",<");

		if (n == len && !strncmp(p, name, len))
			return p[n] != '<' || size < strtoul(p + n + 1, NULL, 10);
		p += strcspn(p, ",");
		p += *p == ',';
	}
	return false;
}

/* "name1,name2,...": every field of the schema, explicitly. */
static char *all_fields(const struct schema *s)
{
	size_t len = 1;
	char *spec;

	for (size_t i = 0; i < s->n; i++)
		len += strlen(s->f[i]->name) + 1;
	spec = calloc(1, len);
	FUZZ_CHECK(spec, "oom");
	for (size_t i = 0; i < s->n; i++) {
		if (i)
			strcat(spec, ",");
		strcat(spec, s->f[i]->name);
	}
	return spec;
}

static void setup_gadget(struct gstate *st, const struct gadget *g)
{
	char err[256], *spec;

	FUZZ_CHECK(schema_init(&st->s, g->fields, g->nfields, g->default_fields) == 0, "schema");
	FUZZ_CHECK(select_fields(&st->s, NULL, &st->defaults, err, sizeof(err)) == 0, "%s", err);
	spec = all_fields(&st->s);
	FUZZ_CHECK(select_fields(&st->s, spec, &st->all, err, sizeof(err)) == 0, "%s", err);
	free(spec);
	FUZZ_CHECK(output_init(&st->out[0], OUT_COLUMNS, &st->s, &st->defaults) == 0 &&
		   output_init(&st->out[1], OUT_COLUMNS, &st->s, &st->all) == 0 &&
		   output_init(&st->out[2], OUT_JSON, &st->s, &st->defaults) == 0 &&
		   output_init(&st->out[3], OUT_JSONPRETTY, &st->s, &st->defaults) == 0 &&
		   output_init(&st->out[4], OUT_YAML, &st->s, &st->all) == 0,
		   "output_init");
	FUZZ_CHECK(row_init(&st->r, &st->s) == 0, "row_init");
	/* What cli.c leaves for a plain `ig run GADGET`: every flag at its
	 * default (set == false), the default ring size. */
	st->opts.mode = OUT_COLUMNS;
	st->opts.ring_size = 1 << 22;
	st->flags = calloc(g->nflags + 1, sizeof(*st->flags));
	FUZZ_CHECK(st->flags, "oom");
	st->ctx.g = g;
	st->ctx.opts = &st->opts;
	st->ctx.flags = st->flags;
	st->ctx.events_fd = -1;
	st->ctx.mntns_fd = -1;
	st->ctx.boot_to_wall_ns = 1700000000ULL * 1000000000ULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	skip = getenv("IG_FUZZ_SKIP");
	const struct gadget *const *list = gadget_list(&ngadgets);

	states = calloc(ngadgets, sizeof(*states));
	FUZZ_CHECK(states, "oom");
	for (size_t i = 0; i < ngadgets; i++)
		setup_gadget(&states[i], list[i]);
	return 0;
}

static void check_output(struct output *o)
{
	const char *p = o->buf.p, *end = p + o->buf.len;
	json_error_t jerr;
	json_t *j;

	FUZZ_CHECK(o->buf.len && end[-1] == '\n', "row does not end in a newline");
	if (o->mode == OUT_COLUMNS) {
		FUZZ_CHECK(memchr(p, '\n', o->buf.len) == end - 1, "newline inside a row");
		fuzz_check_columns(p, o->buf.len - 1);
		return;
	}
	if (o->mode == OUT_YAML) {
		fuzz_check_yaml_doc(p, o->buf.len);
		return;
	}
	fuzz_check_json_text(p, o->buf.len);
	/* jansson is stricter than JSON: it cannot hold a u64 above INT64_MAX
	 * and refuses \u0000 unless told. */
	j = json_loadb(p, o->buf.len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
	FUZZ_CHECK(j && json_is_object(j), "invalid JSON (%s): %.*s", jerr.text,
		   (int)o->buf.len, p);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i < ngadgets; i++) {
		struct gstate *st = &states[i];
		int ret;

		/* A gadget with its own flow (traceloop) has no decoder. */
		if (!st->ctx.g->decode || skipped(st->ctx.g->name, size))
			continue;
		row_reset(&st->r);
		ret = st->ctx.g->decode(&st->ctx, data, size, &st->r);
		FUZZ_CHECK(ret <= 1, "%s: decode returned %d", st->ctx.g->name, ret);
		if (ret <= 0)
			continue;
		for (size_t m = 0; m < 5; m++) {
			st->out[m].buf.len = 0;
			output_row(&st->out[m], &st->r);
			check_output(&st->out[m]);
		}
	}
	return 0;
}
