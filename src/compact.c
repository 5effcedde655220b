// SPDX-License-Identifier: Apache-2.0
/*
 * -o compact: one line a record, in Tetragon's shape
 *   🚀 process default/xwing /usr/bin/curl https://ebpf.io
 * from what the command declares (struct compact_form, field.h): the icon
 * and word for each kind of record, and the fields that follow the source.
 * Nothing here knows a gadget. A command that declares nothing gets its
 * selected columns after a generic prefix. Every string is escaped as in
 * columns, never cut.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "escape.h"
#include "ig.h"
#include "output.h"

#define COMPACT_FIELDS 12
#define COMPACT_WORD   7     /* "process": Tetragon pads the word to it */

struct compact_line {
	int when;             /* field index, or -1: every record */
	const char *is;
	size_t islen;
	const char *icon, *word;
	int idx[COMPACT_FIELDS];
	size_t n;
};

struct compact_plan {
	struct compact_line *l;
	size_t n;
};

static int resolve(const struct schema *s, const char *name, size_t len)
{
	bool alias;

	return schema_find(s, name, len, &alias);
}

static int plan_form(const struct schema *s, const struct compact_form *f,
		     struct compact_line *l)
{
	const char *p = f->fields;

	l->when = f->when ? resolve(s, f->when, strlen(f->when)) : -1;
	if (f->when && l->when < 0)
		return -EINVAL;
	l->is = f->is ? f->is : "";
	l->islen = strlen(l->is);
	l->icon = f->icon;
	l->word = f->word;
	while (p && *p && l->n < COMPACT_FIELDS) {
		size_t len = strcspn(p, ",");
		int idx = resolve(s, p, len);

		if (idx < 0)
			return -EINVAL;
		l->idx[l->n++] = idx;
		p += len + (p[len] == ',');
	}
	return 0;
}

/* Nothing declared: the selected columns, after a generic prefix. */
static int plan_columns(const struct output *o, struct compact_line *l)
{
	l->when = -1;
	l->is = "";
	l->icon = "\xf0\x9f\x94\x8e";   /* 🔎 */
	l->word = "event";
	for (size_t i = 0; i < o->cols->n && l->n < COMPACT_FIELDS; i++)
		if (o->cols->c[i].idx >= CF_COUNT)
			l->idx[l->n++] = o->cols->c[i].idx;
	return 0;
}

int compact_init(struct output *o, const char *arg)
{
	const struct record_forms *forms = o->s->forms;
	size_t n = forms && forms->ncompact ? forms->ncompact : 1;
	struct compact_plan *p = calloc(1, sizeof(*p));

	(void)arg;
	if (!p || !(p->l = calloc(n, sizeof(*p->l)))) {
		free(p);
		return -ENOMEM;
	}
	o->compact = p;
	p->n = n;
	if (!forms || !forms->ncompact)
		return plan_columns(o, &p->l[0]);
	for (size_t i = 0; i < n; i++) {
		if (plan_form(o->s, &forms->compact[i], &p->l[i])) {
			ig_err("-o compact: a form names an unknown field");
			return -EINVAL;
		}
	}
	return 0;
}

void compact_free(struct output *o)
{
	if (o->compact)
		free(o->compact->l);
	free(o->compact);
	o->compact = NULL;
}

static bool str_empty(const struct value *v)
{
	return !v->s || !v->len;
}

static void put_value(struct output *o, const struct field *f, const struct value *v)
{
	char ts[32];

	switch (f->type) {
	case FT_STR:
	case FT_JSON:
		esc_column(&o->buf, v->s, v->len, 0);
		break;
	case FT_INT:
		ob_i64(&o->buf, v->i);
		break;
	case FT_UINT:
		ob_u64(&o->buf, v->u);
		break;
	case FT_BOOL:
		ob_puts(&o->buf, v->u ? "true" : "false");
		break;
	case FT_TIME:
		if (v->u) {
			format_rfc3339(ts, v->u);
			ob_puts(&o->buf, ts);
		}
		break;
	}
}

/* namespace/pod, else the container's name, else the host. */
static void put_source(struct output *o, const struct row *r)
{
	const struct value *ns = &r->v[CF_K8S_NAMESPACE], *pod = &r->v[CF_K8S_POD];
	const struct value *ctr = &r->v[CF_RT_CONTAINER_NAME];

	if (!str_empty(pod)) {
		esc_column(&o->buf, ns->s ? ns->s : "", ns->s ? ns->len : 0, 0);
		ob_putc(&o->buf, '/');
		esc_column(&o->buf, pod->s, pod->len, 0);
	} else if (!str_empty(ctr)) {
		esc_column(&o->buf, ctr->s, ctr->len, 0);
	} else {
		ob_puts(&o->buf, "host");
	}
}

static const struct compact_line *pick(const struct compact_plan *p, const struct row *r)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct compact_line *l = &p->l[i];
		const struct value *v;

		if (l->when < 0)
			return l;
		v = &r->v[l->when];
		if (v->s && v->len == l->islen && !memcmp(v->s, l->is, l->islen))
			return l;
	}
	return NULL;
}

void compact_row(struct output *o, const struct row *r)
{
	const struct compact_line *l = pick(o->compact, r);
	size_t wlen;

	if (!l)
		return;   /* a kind of record the command has no line for */
	wlen = strlen(l->word);
	ob_puts(&o->buf, l->icon);
	ob_putc(&o->buf, ' ');
	ob_puts(&o->buf, l->word);
	ob_spaces(&o->buf, wlen < COMPACT_WORD ? COMPACT_WORD - wlen : 0);
	ob_putc(&o->buf, ' ');
	put_source(o, r);
	for (size_t i = 0; i < l->n; i++) {
		const struct field *f = o->s->f[l->idx[i]];
		const struct value *v = &r->v[l->idx[i]];

		if ((f->type == FT_STR || f->type == FT_JSON) && str_empty(v))
			continue;
		ob_putc(&o->buf, ' ');
		put_value(o, f, v);
	}
	ob_putc(&o->buf, '\n');
}

/* -o tetragon: the command writes the whole record. */
int tetragon_init(struct output *o, const char *arg)
{
	(void)arg;
	if (!o->s->forms || !o->s->forms->tetragon) {
		ig_err("-o tetragon: this command has no Tetragon event shape (trace_process has)");
		return -EINVAL;
	}
	return 0;
}

void tetragon_row(struct output *o, const struct row *r)
{
	o->s->forms->tetragon(&o->buf, o->s, r);
}
