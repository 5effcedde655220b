// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "asciicast.h"
#include "ig.h"
#include "escape.h"
#include "output.h"

enum json_op_kind { JOP_OPEN, JOP_FIELD, JOP_CLOSE };

/* The JSON shape is planned once: nested objects from dotted names, keys
 * sorted at every level (as ig does), commas decided ahead of time. YAML
 * is printed from the same plan: the same members, other literals. */
struct json_op {
	enum json_op_kind kind;
	const char *key;
	size_t keylen;
	int idx;
	int depth;       /* depth of the member (1 = top level) */
	bool comma;
	/* What the op writes before its value (all of it for an object's
	 * opening or closing), planned once for the mode: a row is then one
	 * copy per member plus its value. */
	char *lit;
	size_t litlen;
};


/* Compare dotted names component by component. */
static int path_cmp(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		size_t n = la < lb ? la : lb;
		int c = memcmp(a, b, n);

		if (c)
			return c;
		if (la != lb)
			return la < lb ? -1 : 1;
		if (!a[la] || !b[lb])
			return (a[la] ? 1 : 0) - (b[lb] ? 1 : 0);
		a += la + 1;
		b += lb + 1;
	}
}

/* A member of a record: a field, and the key it is printed under (its
 * dotted name, or a flat key chosen by the selection). */
struct member {
	int idx;
	const char *name;
};

static int member_cmp(const void *pa, const void *pb)
{
	return path_cmp(((const struct member *)pa)->name, ((const struct member *)pb)->name);
}

static int push_op(struct json_plan *p, struct json_op op)
{
	void *ops = realloc(p->ops, (p->nops + 1) * sizeof(*p->ops));

	if (!ops)
		return -ENOMEM;
	p->ops = ops;
	p->ops[p->nops++] = op;
	return 0;
}

#define JSON_MAX_DEPTH 8

static int plan_json(struct json_plan *p, struct member *m, size_t n)
{
	const char *open_key[JSON_MAX_DEPTH];
	size_t open_len[JSON_MAX_DEPTH];
	int members[JSON_MAX_DEPTH + 1] = { 0 };
	int depth = 0;   /* objects open below the top level */

	qsort(m, n, sizeof(*m), member_cmp);
	for (size_t i = 0; i < n; i++) {
		const char *comp = m[i].name;
		int level = 0, ret;

		/* Keep the open objects this name shares. */
		while (level < depth) {
			size_t len = strcspn(comp, ".");

			if (!comp[len] || len != open_len[level] ||
			    memcmp(comp, open_key[level], len))
				break;
			comp += len + 1;
			level++;
		}
		while (depth > level) {
			members[depth] = 0;
			if (push_op(p, (struct json_op){ .kind = JOP_CLOSE, .depth = depth--}))
				return -ENOMEM;
		}
		for (;;) {
			size_t len = strcspn(comp, ".");
			bool leaf = !comp[len];

			ret = push_op(p, (struct json_op){
				.kind = leaf ? JOP_FIELD : JOP_OPEN, .key = comp, .keylen = len,
				.idx = m[i].idx, .depth = depth + 1, .comma = members[depth] > 0 });
			if (ret)
				return ret;
			members[depth]++;
			if (leaf)
				break;
			if (depth + 1 >= JSON_MAX_DEPTH)
				return -EINVAL;
			open_key[depth] = comp;
			open_len[depth] = len;
			depth++;
			comp += len + 1;
		}
	}
	while (depth > 0)
		if (push_op(p, (struct json_op){ .kind = JOP_CLOSE, .depth = depth-- }))
			return -ENOMEM;
	return 0;
}

/* A key YAML reads back as the same string when it is written plain. */
static bool yaml_plain_key(const char *k, size_t len)
{
	static const char *const words[] = { "null", "true", "false", "yes", "no",
					     "on", "off", "y", "n" };

	if (!len || !((k[0] >= 'a' && k[0] <= 'z') || (k[0] >= 'A' && k[0] <= 'Z') || k[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return false;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && !strncasecmp(k, words[i], len))
			return false;
	return true;
}

/* YAML: a member per line, nested mappings indented by 2; a mapping
 * closes by going back out, so a close writes nothing. */
static void yaml_literal(struct obuf *b, const struct json_op *op)
{
	if (op->kind == JOP_CLOSE)
		return;
	ob_putc(b, '\n');
	ob_spaces(b, (op->depth - 1) * 2);
	if (yaml_plain_key(op->key, op->keylen))
		ob_write(b, op->key, op->keylen);
	else
		esc_json(b, op->key, op->keylen);
	ob_write(b, ": ", op->kind == JOP_OPEN ? 1 : 2);
}

static void op_literal(struct obuf *b, const struct json_op *op, enum out_mode mode)
{
	bool pretty = mode == OUT_JSONPRETTY;

	if (mode == OUT_YAML) {
		yaml_literal(b, op);
		return;
	}
	if (op->kind != JOP_CLOSE && op->comma)
		ob_putc(b, ',');
	if (pretty) {
		ob_putc(b, '\n');
		ob_spaces(b, op->depth * 2);
	}
	if (op->kind == JOP_CLOSE) {
		ob_putc(b, '}');
		return;
	}
	ob_putc(b, '"');
	ob_write(b, op->key, op->keylen);
	ob_write(b, pretty ? "\": " : "\":", pretty ? 3 : 2);
	if (op->kind == JOP_OPEN)
		ob_putc(b, '{');
}

static int plan_literals(struct json_plan *p, enum out_mode mode)
{
	struct obuf b = { 0 };

	for (size_t i = 0; i < p->nops; i++) {
		struct json_op *op = &p->ops[i];

		b.len = 0;
		op_literal(&b, op, mode);
		op->lit = malloc(b.len ? b.len : 1);
		if (!op->lit) {
			ob_free(&b);
			return -ENOMEM;
		}
		if (b.len)
			memcpy(op->lit, b.p, b.len);
		op->litlen = b.len;
	}
	ob_free(&b);
	return 0;
}

/* The lost-event record, {"count":N,"timestamp":...,"total":M,"type":"lost"},
 * is planned like a row of its own little schema; "gadget" only where a
 * stream mixes gadgets (output_lost_gadget). */
enum { LOST_COUNT, LOST_GADGET, LOST_TIMESTAMP, LOST_TOTAL, LOST_TYPE, LOST_N };

static const struct field lost_fields[LOST_N] = {
	[LOST_COUNT]     = { "count", NULL, NULL, FT_UINT, 0, 0 },
	[LOST_GADGET]    = { "gadget", NULL, NULL, FT_STR, 0, 0 },
	[LOST_TIMESTAMP] = { "timestamp", NULL, NULL, FT_TIME, 0, 0 },
	[LOST_TOTAL]     = { "total", NULL, NULL, FT_UINT, 0, 0 },
	[LOST_TYPE]      = { "type", NULL, NULL, FT_STR, 0, 0 },
};
static const struct field *lost_field_ptrs[LOST_N] = {
	&lost_fields[0], &lost_fields[1], &lost_fields[2], &lost_fields[3], &lost_fields[4],
};
static const struct schema lost_schema = { lost_field_ptrs, LOST_N, NULL };

static int plan(struct json_plan *p, enum out_mode mode, const struct schema *s,
		struct member *m, size_t n)
{
	int ret;

	p->s = s;
	ret = plan_json(p, m, n);
	return ret ? ret : plan_literals(p, mode);
}

static void plan_free(struct json_plan *p)
{
	for (size_t i = 0; i < p->nops; i++)
		free(p->ops[i].lit);
	free(p->ops);
	p->ops = NULL;
	p->nops = 0;
}

static int plan_init_lost(struct output *o)
{
	struct member lost[LOST_N];
	size_t n = 0;

	for (int i = 0; i < LOST_N; i++)
		if (i != LOST_GADGET || o->lost_gadget)
			lost[n++] = (struct member){ i, lost_fields[i].name };
	return plan(&o->lost, o->mode, &lost_schema, lost, n);
}

/* json, jsonpretty, yaml: plan the members once. */
static int plan_init(struct output *o, const char *arg)
{
	const struct selection *cols = o->cols;
	const struct schema *s = o->s;
	struct member *m;
	size_t n = 0;
	int ret;

	(void)arg;
	m = calloc(s->n + cols->n, sizeof(*m));
	if (!m)
		return -ENOMEM;
	if (cols->explicit) {
		for (size_t i = 0; i < cols->n; i++) {
			const struct column *c = &cols->c[i];
			const char *name = c->key ? c->key : s->f[c->idx]->name;
			bool dup = false;

			for (size_t j = 0; j < n; j++)
				dup |= !strcmp(m[j].name, name);
			if (!dup)
				m[n++] = (struct member){ c->idx, name };
		}
	} else {
		for (size_t i = 0; i < s->n; i++)
			if (!(s->f[i]->flags & FF_HIDDEN))
				m[n++] = (struct member){ i, s->f[i]->name };
	}
	ret = plan(&o->plan, o->mode, s, m, n);
	free(m);
	return ret ? ret : plan_init_lost(o);
}


static int cast_init(struct output *o, const char *dir)
{
	return (o->cast = asciicast_new(o->s, dir)) ? 0 : -EINVAL;
}

void output_free(struct output *o)
{
	plan_free(&o->plan);
	plan_free(&o->lost);
	asciicast_free(o->cast);
	o->cast = NULL;
	compact_free(o);
	ob_free(&o->buf);
}

size_t format_rfc3339(char *buf, uint64_t wall_ns)
{
	time_t sec = wall_ns / 1000000000ULL;
	uint32_t ns = wall_ns % 1000000000ULL;
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	buf[n++] = '.';
	for (int i = 8; i >= 0; i--) {
		buf[n + i] = '0' + ns % 10;
		ns /= 10;
	}
	n += 9;
	buf[n++] = 'Z';
	buf[n] = 0;
	return n;
}

static void put_time(struct output *o, uint64_t wall_ns)
{
	int64_t sec = wall_ns / 1000000000ULL;
	uint32_t ns = wall_ns % 1000000000ULL;
	char tail[11];

	if (!wall_ns)   /* unknown (a host event's container start): empty */
		return;
	if (sec != o->ts_sec) {
		size_t n = format_rfc3339(o->ts_prefix, wall_ns);

		o->ts_prefix[n - 11] = 0;   /* keep "YYYY-MM-DDTHH:MM:SS" */
		o->ts_sec = sec;
	}
	ob_puts(&o->buf, o->ts_prefix);
	tail[0] = '.';
	for (int i = 9; i >= 1; i--) {
		tail[i] = '0' + ns % 10;
		ns /= 10;
	}
	ob_write(&o->buf, tail, 10);
	ob_putc(&o->buf, 'Z');
}

/* Numbers and booleans read the same in every mode. */
static inline void put_scalar(struct output *o, enum field_type t, const struct value *v)
{
	if (t == FT_INT)
		ob_i64(&o->buf, v->i);
	else if (t == FT_UINT)
		ob_u64(&o->buf, v->u);
	else
		ob_puts(&o->buf, v->u ? "true" : "false");
}

static void json_value(struct output *o, const struct field *f, const struct value *v)
{
	switch (f->type) {
	case FT_STR:
		esc_json(&o->buf, v->s ? v->s : "", v->s ? v->len : 0);
		break;
	case FT_INT:
	case FT_UINT:
	case FT_BOOL:
		put_scalar(o, f->type, v);
		break;
	case FT_JSON:
		if (!v->s || !v->len)
			ob_puts(&o->buf, "null");
		else if (o->mode == OUT_YAML)
			esc_yaml_flow(&o->buf, v->s, v->len);
		else
			ob_write(&o->buf, v->s, v->len);
		break;
	case FT_TIME:
		ob_putc(&o->buf, '"');
		put_time(o, v->u);
		ob_putc(&o->buf, '"');
		break;
	}
}

/* What a record starts and ends with: an object a line, or a document. */
static const struct {
	const char *start, *end;
} frame[] = {
	[OUT_JSON]       = { "{", "}\n" },
	[OUT_JSONPRETTY] = { "{", "\n}\n" },
	[OUT_YAML]       = { "---", "\n" },
};

static void json_row(struct output *o, const struct json_plan *p, const struct row *r)
{
	ob_puts(&o->buf, frame[o->mode].start);
	for (size_t i = 0; i < p->nops; i++) {
		const struct json_op *op = &p->ops[i];

		ob_write(&o->buf, op->lit, op->litlen);
		if (op->kind == JOP_FIELD)
			json_value(o, p->s->f[op->idx], &r->v[op->idx]);
	}
	ob_puts(&o->buf, frame[o->mode].end);
}

/* Right-align what was written since start within width cells. */
static void align_right(struct output *o, size_t start, size_t cells, size_t width)
{
	size_t pad = width - cells, n = o->buf.len - start;

	ob_reserve(&o->buf, pad);
	memmove(o->buf.p + start + pad, o->buf.p + start, n);
	memset(o->buf.p + start, ' ', pad);
	o->buf.len += pad;
}

static size_t column_cell(struct output *o, const struct field *f, const struct value *v,
			  size_t max)
{
	size_t start = o->buf.len;

	switch (f->type) {
	case FT_STR:
	case FT_JSON:
		if (f->flags & FF_MIDDLE)
			return esc_column_middle(&o->buf, v->s ? v->s : "", v->s ? v->len : 0, max);
		return esc_column(&o->buf, v->s ? v->s : "", v->s ? v->len : 0, max);
	case FT_INT:
	case FT_UINT:
	case FT_BOOL:
		put_scalar(o, f->type, v);
		break;
	case FT_TIME:
		put_time(o, v->u);
		break;
	}
	return o->buf.len - start;
}

/* A row ends with its last visible character: padding and separators after
 * it (empty trailing columns) are cut, so no line ends in spaces. */
static void columns_row(struct output *o, const struct row *r)
{
	size_t end = o->buf.len;   /* after the last cell's own bytes */

	for (size_t i = 0; i < o->cols->n; i++) {
		const struct column *c = &o->cols->c[i];
		bool last = i + 1 == o->cols->n;
		size_t start, cells;

		if (i)
			ob_putc(&o->buf, ' ');
		start = o->buf.len;
		/* The last column is never cut: a long path stays whole. */
		cells = column_cell(o, o->s->f[c->idx], &r->v[c->idx], last ? 0 : c->width);
		if (cells)
			end = o->buf.len;
		if (cells >= c->width)
			continue;
		if (c->right) {
			align_right(o, start, cells, c->width);
			if (cells)
				end = o->buf.len;
		} else if (!last) {
			ob_spaces(&o->buf, c->width - cells);
		}
	}
	o->buf.len = end;
	ob_putc(&o->buf, '\n');
}

static void columns_header(struct output *o)
{
	for (size_t i = 0; i < o->cols->n; i++) {
		const struct column *c = &o->cols->c[i];
		size_t len = strlen(c->header);
		bool last = i + 1 == o->cols->n;

		if (i)
			ob_putc(&o->buf, ' ');
		if (c->right && len < c->width)
			ob_spaces(&o->buf, c->width - len);
		ob_write(&o->buf, c->header, len);
		if (!c->right && !last && len < c->width)
			ob_spaces(&o->buf, c->width - len);
	}
	ob_putc(&o->buf, '\n');
}

/* Clear the screen and go home: the next table replaces the last. */
#define ANSI_CLEAR "\033[H\033[2J"

/* A batch is a table with its header: in place of the last one on a
 * terminal, after it (a blank line between) on a pipe. */
static void columns_batch_begin(struct output *o)
{
	if (o->redraw)
		ob_puts(&o->buf, ANSI_CLEAR);
	else if (o->batches)
		ob_putc(&o->buf, '\n');
	columns_header(o);
}

static void plan_row(struct output *o, const struct row *r)
{
	json_row(o, &o->plan, r);
}

static void plan_lost(struct output *o, const struct row *r)
{
	json_row(o, &o->lost, r);
}

/* A batch is one JSON array, on one line in json. */
static void array_begin(struct output *o)
{
	ob_putc(&o->buf, '[');
}

static void array_row(struct output *o, const struct row *r)
{
	if (o->batch_rows)
		ob_putc(&o->buf, ',');
	if (o->mode == OUT_JSONPRETTY)
		ob_putc(&o->buf, '\n');
	json_row(o, &o->plan, r);
	o->buf.len--;   /* the record's newline: the array goes on */
}

static void array_end(struct output *o)
{
	ob_puts(&o->buf, o->mode == OUT_JSONPRETTY && o->batch_rows ? "\n]\n" : "]\n");
}

static void cast_row(struct output *o, const struct row *r)
{
	asciicast_row(o->cast, &o->buf, r);
}

/*
 * The output modes (-o NAME[=ARG]). A mode writes rows; the optional
 * entries default to nothing (header, lost records) or to its rows (a
 * batch). A new mode is one more entry here and in enum out_mode.
 */
struct out_ops {
	const char *name;
	bool takes_arg;                /* -o NAME=ARG */
	bool structured;               /* records are JSON objects (or YAML) */
	int (*init)(struct output *o, const char *arg);
	void (*header)(struct output *o);
	void (*row)(struct output *o, const struct row *r);
	void (*lost)(struct output *o, const struct row *r);
	void (*batch_begin)(struct output *o);
	void (*batch_row)(struct output *o, const struct row *r);
	void (*batch_end)(struct output *o);
};

static const struct out_ops out_modes[] = {
	[OUT_COLUMNS] = { "columns", false, false, NULL, columns_header, columns_row, NULL,
			  columns_batch_begin, NULL, NULL },
	[OUT_JSON] = { "json", false, true, plan_init, NULL, plan_row, plan_lost,
		       array_begin, array_row, array_end },
	[OUT_JSONPRETTY] = { "jsonpretty", false, true, plan_init, NULL, plan_row, plan_lost,
			     array_begin, array_row, array_end },
	[OUT_YAML] = { "yaml", false, true, plan_init, NULL, plan_row, plan_lost, NULL, NULL, NULL },
	[OUT_ASCIICAST] = { "asciicast", true, false, cast_init, NULL, cast_row, NULL, NULL, NULL, NULL },
	[OUT_COMPACT] = { "compact", false, false, compact_init, NULL, compact_row, NULL, NULL, NULL, NULL },
	[OUT_TETRAGON] = { "tetragon", false, false, tetragon_init, NULL, tetragon_row, NULL, NULL, NULL, NULL },
};

bool out_mode_structured(enum out_mode m)
{
	return (size_t)m < ARRAY_SIZE(out_modes) && out_modes[m].structured;
}

int output_mode_parse(const char *text, enum out_mode *mode, const char **arg)
{
	for (size_t i = 0; i < ARRAY_SIZE(out_modes); i++) {
		const struct out_ops *m = &out_modes[i];
		size_t n = m->name ? strlen(m->name) : 0;

		if (!n || strncmp(text, m->name, n))
			continue;
		if (!text[n] || (m->takes_arg && text[n] == '=')) {
			*mode = i;
			*arg = text[n] ? text + n + 1 : NULL;
			return 0;
		}
	}
	return -1;
}

int output_init_arg(struct output *o, enum out_mode mode, const char *arg,
		    const struct schema *s, const struct selection *cols)
{
	memset(o, 0, sizeof(*o));
	o->mode = mode;
	o->ops = &out_modes[mode];
	o->row = o->ops->row;
	o->s = s;
	o->cols = cols;
	o->ts_sec = -1;
	return o->ops->init ? o->ops->init(o, arg) : 0;
}

int output_init(struct output *o, enum out_mode mode, const struct schema *s,
		const struct selection *cols)
{
	return output_init_arg(o, mode, NULL, s, cols);
}

void output_header(struct output *o)
{
	if (o->ops->header)
		o->ops->header(o);
}

void output_batch_begin(struct output *o)
{
	o->batch_rows = 0;
	if (o->ops->batch_begin)
		o->ops->batch_begin(o);
}

void output_batch_row(struct output *o, const struct row *r)
{
	(o->ops->batch_row ? o->ops->batch_row : o->ops->row)(o, r);
	o->batch_rows++;
}

void output_batch_end(struct output *o)
{
	if (o->ops->batch_end)
		o->ops->batch_end(o);
	o->batches++;
}

void output_lost(struct output *o, uint64_t count, uint64_t total, uint64_t wall_ns)
{
	struct value v[LOST_N] = {
		[LOST_COUNT].u = count,
		[LOST_TIMESTAMP].u = wall_ns,
		[LOST_TOTAL].u = total,
		[LOST_TYPE] = { .s = "lost", .len = 4 },
	};

	if (o->lost_gadget) {
		v[LOST_GADGET].s = o->lost_gadget;
		v[LOST_GADGET].len = strlen(o->lost_gadget);
	}
	struct row r = { .v = v, .n = LOST_N };

	if (o->ops->lost)
		o->ops->lost(o, &r);
}

int output_lost_gadget(struct output *o, const char *gadget)
{
	o->lost_gadget = gadget;
	if (!o->ops->lost)
		return 0;
	plan_free(&o->lost);
	return plan_init_lost(o);
}

int output_flush(struct output *o, int fd)
{
	int cast_err = asciicast_flush(o->cast);   /* -o asciicast=DIR files */
	size_t off = 0;

	while (off < o->buf.len) {
		ssize_t n = write(fd, o->buf.p + off, o->buf.len - off);

		if (n < 0 && errno == EINTR) {
			/* A signal: keep what is left, let the caller decide
			 * whether to go on (a stop must not wait on a reader). */
			memmove(o->buf.p, o->buf.p + off, o->buf.len - off);
			o->buf.len -= off;
			return -EINTR;
		}
		if (n < 0) {
			o->buf.len = 0;
			return -errno;
		}
		off += n;
	}
	o->buf.len = 0;
	return cast_err;
}
