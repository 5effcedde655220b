// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "field.h"
#include "list.h"

static const struct field common_fields[CF_COUNT] = {
	[CF_TIMESTAMP]         = { "timestamp", "TIMESTAMP", "time", FT_TIME, 30, 0 },
	[CF_TIMESTAMP_RAW]     = { "timestamp_raw", NULL, NULL, FT_UINT, 19, FF_RIGHT },
	[CF_RT_CONTAINER_NAME] = { "runtime.containerName", NULL, "container,containername", FT_STR, 21, FF_DEFAULT },
	[CF_RT_CONTAINER_ID]   = { "runtime.containerId", NULL, "containerid", FT_STR, 13, 0 },
	[CF_RT_IMAGE]          = { "runtime.containerImageName", NULL, "image", FT_STR, 30, 0 },
	[CF_RT_RUNTIME]        = { "runtime.runtimeName", NULL, "runtime", FT_STR, 10, 0 },
	[CF_RT_PID]            = { "runtime.containerPid", NULL, NULL, FT_UINT, 7, FF_RIGHT },
	[CF_RT_IMAGE_DIGEST]   = { "runtime.containerImageDigest", NULL, "imagedigest", FT_STR, 20, 0 },
	[CF_RT_STARTED_AT]     = { "runtime.containerStartedAt", NULL, "startedat", FT_TIME, 30, 0 },
	[CF_K8S_NODE]          = { "k8s.node", NULL, "node", FT_STR, 16, 0 },
	[CF_K8S_NAMESPACE]     = { "k8s.namespace", NULL, "namespace", FT_STR, 16, 0 },
	[CF_K8S_POD]           = { "k8s.podName", NULL, "pod,podname", FT_STR, 16, 0 },
	[CF_K8S_CONTAINER]     = { "k8s.containerName", NULL, NULL, FT_STR, 16, 0 },
	[CF_COMM]              = { "proc.comm", "COMM", "comm", FT_STR, 16, FF_DEFAULT },
	[CF_PID]               = { "proc.pid", "PID", "pid", FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[CF_TID]               = { "proc.tid", "TID", "tid", FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[CF_UID]               = { "proc.creds.uid", "UID", "uid", FT_UINT, 7, FF_RIGHT },
	[CF_GID]               = { "proc.creds.gid", "GID", "gid", FT_UINT, 7, FF_RIGHT },
	[CF_PCOMM]             = { "proc.parent.comm", "PCOMM", "pcomm", FT_STR, 16, 0 },
	[CF_PPID]              = { "proc.parent.pid", "PPID", "ppid", FT_UINT, 7, FF_RIGHT },
	[CF_MNTNS]             = { "proc.mntns_id", "MNTNS", "mntns,mntnsid", FT_UINT, 10, FF_RIGHT },
};

int schema_init(struct schema *s, const struct field *gf, size_t n, const char *default_fields)
{
	s->n = CF_COUNT + n;
	s->f = calloc(s->n, sizeof(*s->f));
	if (!s->f)
		return -ENOMEM;
	for (size_t i = 0; i < CF_COUNT; i++)
		s->f[i] = &common_fields[i];
	for (size_t i = 0; i < n; i++)
		s->f[CF_COUNT + i] = &gf[i];
	s->default_fields = default_fields;
	s->forms = NULL;
	return 0;
}

void schema_free(struct schema *s)
{
	free(s->f);
	s->f = NULL;
	s->n = 0;
}

static bool name_is(const char *a, const char *name, size_t len)
{
	return a && strlen(a) == len && !strncasecmp(a, name, len);
}

int schema_find(const struct schema *s, const char *name, size_t len, bool *by_alias)
{
	*by_alias = false;
	for (size_t i = 0; i < s->n; i++)
		if (name_is(s->f[i]->name, name, len))
			return i;
	/* Gadget aliases first, so a gadget can claim a short name. */
	for (size_t i = s->n; i-- > 0;) {
		if (list_has(s->f[i]->aliases, name, len, true)) {
			*by_alias = true;
			return i;
		}
	}
	for (size_t i = 0; i < s->n; i++)
		if (name_is(s->f[i]->header, name, len))
			return i;
	return -1;
}

int row_init(struct row *r, const struct schema *s)
{
	r->n = s->n;
	r->v = calloc(s->n, sizeof(*r->v));
	r->scratch = malloc(ROW_SCRATCH);
	r->used = 0;
	r->mntns_key = 0;
	r->netns = 0;
	r->netns_idx = 0;
	if (!r->v || !r->scratch) {
		row_free(r);
		return -ENOMEM;
	}
	return 0;
}

void row_free(struct row *r)
{
	free(r->v);
	free(r->scratch);
	r->v = NULL;
	r->scratch = NULL;
}

void row_reset(struct row *r)
{
	memset(r->v, 0, r->n * sizeof(*r->v));
	r->used = 0;
	r->mntns_key = 0;
	r->netns = 0;
	r->netns_idx = 0;
}

char *row_alloc(struct row *r, size_t n)
{
	char *p;

	if (n > ROW_SCRATCH - r->used)
		return NULL;
	p = r->scratch + r->used;
	r->used += n;
	return p;
}

void row_set_str(struct row *r, int idx, const char *s, size_t len)
{
	r->v[idx].s = s;
	r->v[idx].len = len;
}

void row_set_buf(struct row *r, int idx, const char *s, size_t max)
{
	row_set_str(r, idx, s, strnlen(s, max));
}

void row_set_fmt(struct row *r, int idx, const char *fmt, ...)
{
	size_t room = ROW_SCRATCH - r->used;
	char *p = r->scratch + r->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= room)
		n = room ? room - 1 : 0;
	r->used += n;
	row_set_str(r, idx, p, n);
}

static char *upper_dup(const char *s, size_t len)
{
	char *h = malloc(len + 1);

	if (!h)
		return NULL;
	for (size_t i = 0; i < len; i++)
		h[i] = toupper((unsigned char)s[i]);
	h[len] = 0;
	return h;
}

static int add_column(struct selection *sel, const struct schema *s, int idx,
		      const char *alias, size_t alias_len)
{
	const struct field *f = s->f[idx];
	struct column *c;
	void *p = realloc(sel->c, (sel->n + 1) * sizeof(*sel->c));

	if (!p)
		return -ENOMEM;
	sel->c = p;
	c = &sel->c[sel->n];
	if (alias)
		c->header = upper_dup(alias, alias_len);
	else if (f->header)
		c->header = strdup(f->header);
	else
		c->header = upper_dup(f->name, strlen(f->name));
	if (!c->header)
		return -ENOMEM;
	c->idx = idx;
	c->key = NULL;
	c->right = f->flags & FF_RIGHT;
	c->width = f->width;
	if (strlen(c->header) > c->width)
		c->width = strlen(c->header);
	sel->n++;
	return 0;
}

static void remove_column(struct selection *sel, int idx)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (sel->c[i].idx != idx)
			continue;
		free(sel->c[i].header);
		memmove(&sel->c[i], &sel->c[i + 1], (sel->n - i - 1) * sizeof(*sel->c));
		sel->n--;
		return;
	}
}

static bool has_column(const struct selection *sel, int idx)
{
	for (size_t i = 0; i < sel->n; i++)
		if (sel->c[i].idx == idx)
			return true;
	return false;
}

typedef int (*item_fn)(struct selection *sel, const struct schema *s, const char *item,
		       size_t len, char *err, size_t errlen);

struct item_walk {
	struct selection *sel;
	const struct schema *s;
	item_fn fn;
	char *err;
	size_t errlen;
};

/* One item of the list, without the blanks around it. */
static int walk_item(const char *item, size_t len, void *arg)
{
	struct item_walk *w = arg;

	while (len && isspace((unsigned char)*item)) {
		item++;
		len--;
	}
	while (len && isspace((unsigned char)item[len - 1]))
		len--;
	return len ? w->fn(w->sel, w->s, item, len, w->err, w->errlen) : 0;
}

/* Call fn on each non-blank item of a comma list. */
static int for_each_item(struct selection *sel, const struct schema *s, const char *list,
			 item_fn fn, char *err, size_t errlen)
{
	struct item_walk w = { sel, s, fn, err, errlen };

	return list_each(list, walk_item, &w, NULL, NULL);
}

/* Add (op 0 or '+') or remove ('-') one field's column. */
static int apply_one(struct selection *sel, const struct schema *s, char op, int idx,
		     const char *alias, size_t alias_len, char *err, size_t errlen)
{
	if (op == '-') {
		remove_column(sel, idx);
		return 0;
	}
	if (op == '+' && has_column(sel, idx))
		return 0;
	if (add_column(sel, s, idx, alias, alias_len)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* A parent name ("k8s", "runtime", "proc.creds") stands for every field
 * under it, in schema order, as in ig's --fields k8s,pid. */
static int apply_group(struct selection *sel, const struct schema *s, char op, const char *item,
		       size_t len, char *err, size_t errlen)
{
	int found = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *name = s->f[i]->name;

		if (strlen(name) <= len || name[len] != '.' || strncasecmp(name, item, len))
			continue;
		if (apply_one(sel, s, op, i, NULL, 0, err, errlen))
			return -1;
		found++;
	}
	if (!found) {
		snprintf(err, errlen, "unknown field \"%.*s\"", (int)len, item);
		return -1;
	}
	return 0;
}

static int apply_item(struct selection *sel, const struct schema *s, const char *item,
		      size_t len, char *err, size_t errlen)
{
	char op = 0;
	bool by_alias;
	int idx;

	if (*item == '+' || *item == '-') {
		op = *item++;
		len--;
	}
	idx = schema_find(s, item, len, &by_alias);
	if (idx < 0)
		return apply_group(sel, s, op, item, len, err, errlen);
	return apply_one(sel, s, op, idx, by_alias ? item : NULL, len, err, errlen);
}

static int add_defaults(struct selection *sel, const struct schema *s, char *err, size_t errlen)
{
	if (s->default_fields)
		return for_each_item(sel, s, s->default_fields, apply_item, err, errlen);
	for (size_t i = 0; i < s->n; i++) {
		if ((s->f[i]->flags & FF_DEFAULT) && add_column(sel, s, i, NULL, 0)) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

int select_fields(const struct schema *s, const char *spec, struct selection *out,
		  char *err, size_t errlen)
{
	const char *p = spec;
	int ret;

	memset(out, 0, sizeof(*out));
	while (p && isspace((unsigned char)*p))
		p++;
	if (!p || *p == '+' || *p == '-') {
		ret = add_defaults(out, s, err, errlen);
		if (!ret && p)
			ret = for_each_item(out, s, p, apply_item, err, errlen);
	} else {
		out->explicit = true;
		ret = for_each_item(out, s, p, apply_item, err, errlen);
		if (!ret && !out->n) {
			snprintf(err, errlen, "no fields selected");
			ret = -1;
		}
	}
	if (ret)
		selection_free(out);
	return ret;
}

void selection_free(struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		free(sel->c[i].header);
	free(sel->c);
	sel->c = NULL;
	sel->n = 0;
}
