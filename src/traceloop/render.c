// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "enrich.h"
#include "escape.h"
#include "jsonw.h"
#include "traceloop/render.h"
#include "traceloop/tl.h"

/* One syscall: its records, as indexes into the sorted snapshot. */
struct tl_ev {
	int32_t enter, exit;            /* -1: missing */
	int32_t content[TL_NARGS];      /* record holding argument i's content */
	uint32_t pos_enter, pos_exit;   /* among enter and exit records */
	bool combined;                  /* nothing happened in between */
	int8_t shown;                   /* filter verdict: -1 not decided */
};

struct ev_list {
	struct tl_ev *v;
	size_t n;
	int32_t *of_rec;                /* record -> event, or -1 */
};

/* ---- escaping and arguments ------------------------------------------- */

void tl_quote(struct obuf *b, const char *s, size_t len, bool truncated)
{
	ob_putc(b, '"');
	while (len) {
		const char *q = memchr(s, '"', len);
		size_t n = q ? (size_t)(q - s) : len;

		esc_column(b, s, n, 0);
		if (!q)
			break;
		ob_write(b, "\\\"", 2);
		s += n + 1;
		len -= n + 1;
	}
	ob_putc(b, '"');
	if (truncated)
		ob_write(b, "...", 3);
}

static bool has_content(const struct tl_rec *c)
{
	return c && !(c->flags & TL_F_FAULT);
}

static void put_value(struct obuf *b, const struct tl_param *p, const __u64 *args, int i)
{
	char v[256];

	if (!args) {
		ob_putc(b, '?');
		return;
	}
	ob_write(b, v, tl_format_value(p, args[i], v, sizeof(v)));
}

void tl_format_args(struct obuf *b, const struct tl_sysinfo *si, const __u64 *args,
		    const struct tl_rec *const *contents, bool quoted, bool exit_only)
{
	bool first = true;

	if (!si || !si->described)
		return;
	for (int i = 0; i < si->nargs; i++) {
		const struct tl_param *p = &si->p[i];
		const struct tl_rec *c = contents[i];

		/* An exit whose enter was overwritten knows only what it read. */
		if ((exit_only || !args) && !(p->kind == TL_K_BUF_EXIT && has_content(c)))
			continue;
		if (!first)
			ob_write(b, ", ", 2);
		first = false;
		ob_puts(b, p->name);
		ob_putc(b, '=');
		if (!has_content(c)) {
			put_value(b, p, args, i);
		} else if (quoted) {
			tl_quote(b, c->data, c->len, c->flags & TL_F_TRUNC);
		} else {
			ob_putc(b, '"');
			ob_write(b, c->data, c->len);
			ob_putc(b, '"');
			if (c->flags & TL_F_TRUNC)
				ob_write(b, "...", 3);
		}
	}
}

void tl_format_args_json(struct obuf *b, const struct tl_sysinfo *si, const __u64 *args,
			 const struct tl_rec *const *contents)
{
	struct jsonw w;
	char v[256];

	jsonw_init(&w, b, false);
	jsonw_array(&w);
	for (int i = 0; si && si->described && i < si->nargs; i++) {
		const struct tl_param *p = &si->p[i];
		const struct tl_rec *c = contents[i];

		jsonw_object(&w);
		jsonw_name(&w, "name");
		jsonw_string(&w, p->name, strlen(p->name));
		jsonw_name(&w, "value");
		if (args)
			jsonw_string(&w, v, tl_format_value(p, args[i], v, sizeof(v)));
		else
			jsonw_null(&w);
		jsonw_name(&w, "content");
		if (has_content(c)) {
			jsonw_string(&w, c->data, c->len);
			jsonw_name(&w, "truncated");
			jsonw_bool(&w, c->flags & TL_F_TRUNC);
		} else {
			jsonw_null(&w);
		}
		jsonw_end_object(&w);
	}
	jsonw_end_array(&w);
}

/* ---- pairing ------------------------------------------------------------ */

struct tid_slot {
	uint32_t tid;
	int32_t ev;       /* the open enter of this thread, or -1 */
	bool used;
};

static struct tid_slot *tid_find(struct tid_slot *tab, size_t cap, uint32_t tid)
{
	size_t i = (tid * 2654435761u) & (cap - 1);

	while (tab[i].used && tab[i].tid != tid)
		i = (i + 1) & (cap - 1);
	if (!tab[i].used) {
		tab[i].used = true;
		tab[i].tid = tid;
		tab[i].ev = -1;
	}
	return &tab[i];
}

static struct tl_ev *new_ev(struct ev_list *l)
{
	struct tl_ev *e = &l->v[l->n++];

	memset(e, 0, sizeof(*e));
	e->enter = e->exit = -1;
	for (int i = 0; i < TL_NARGS; i++)
		e->content[i] = -1;
	e->shown = -1;
	return e;
}

static void pair(struct ev_list *l, const struct tl_rec *recs, size_t n, struct tid_slot *tab,
		 size_t cap)
{
	uint32_t pos = 0;

	for (size_t i = 0; i < n; i++) {
		const struct tl_rec *r = &recs[i];
		struct tid_slot *s = tid_find(tab, cap, r->tid);
		struct tl_ev *open = s->ev >= 0 ? &l->v[s->ev] : NULL, *e;

		l->of_rec[i] = -1;
		if (r->kind == TL_CONT) {
			if (open && recs[open->enter].nr == r->nr && r->arg < TL_NARGS) {
				open->content[r->arg] = i;
				l->of_rec[i] = s->ev;
			}
			continue;
		}
		if (r->kind == TL_EXIT && open && recs[open->enter].nr == r->nr) {
			open->exit = i;
			open->pos_exit = pos++;
			open->combined = open->pos_exit == open->pos_enter + 1;
			if (r->arg < TL_NARGS)
				open->content[r->arg] = i;
			l->of_rec[i] = s->ev;
			s->ev = -1;
			continue;
		}
		/* An enter, or an exit whose enter is not in the buffer. An
		 * open enter of this thread never returned (exit_group). */
		e = new_ev(l);
		l->of_rec[i] = e - l->v;
		if (r->kind == TL_ENTER) {
			e->enter = i;
			e->pos_enter = pos++;
			if (r->arg < TL_NARGS)
				e->content[r->arg] = i;
			s->ev = e - l->v;
		} else {
			e->exit = i;
			e->pos_exit = pos++;
			if (r->arg < TL_NARGS)
				e->content[r->arg] = i;
			s->ev = -1;
		}
	}
}

static int build_events(struct ev_list *l, const struct tl_rec *recs, size_t n)
{
	size_t cap = 16;
	struct tid_slot *tab;

	while (cap < 2 * n + 2)
		cap *= 2;
	l->n = 0;
	l->v = malloc((n + 1) * sizeof(*l->v));
	l->of_rec = malloc((n + 1) * sizeof(*l->of_rec));
	tab = calloc(cap, sizeof(*tab));
	if (!l->v || !l->of_rec || !tab) {
		free(tab);
		return -ENOMEM;
	}
	pair(l, recs, n, tab, cap);
	free(tab);
	return 0;
}

static void free_events(struct ev_list *l)
{
	free(l->v);
	free(l->of_rec);
}

/* ---- one syscall ------------------------------------------------------ */

struct view {
	const struct tl_rec *enter, *exit, *head;   /* head: the first of them */
	const struct tl_rec *contents[TL_NARGS];
	const struct tl_sysinfo *si;
	const __u64 *args;
};

static void view_of(const struct tl_render *rd, const struct tl_ev *e, const struct tl_rec *recs,
		    struct view *v)
{
	v->enter = e->enter >= 0 ? &recs[e->enter] : NULL;
	v->exit = e->exit >= 0 ? &recs[e->exit] : NULL;
	v->head = v->enter ? v->enter : v->exit;
	v->si = v->head->nr < TL_SYSCALL_COUNT ? &rd->sys->s[v->head->nr] : NULL;
	v->args = v->enter ? v->enter->args : NULL;
	for (int i = 0; i < TL_NARGS; i++)
		v->contents[i] = e->content[i] >= 0 ? &recs[e->content[i]] : NULL;
}

static void put_name(struct obuf *b, const struct view *v)
{
	char tmp[32];

	if (v->si && v->si->name) {
		ob_puts(b, v->si->name);
		return;
	}
	ob_write(b, tmp, snprintf(tmp, sizeof(tmp), "syscall_%u", v->head->nr));
}

static void fill_row(struct tl_render *rd, const struct tl_trace *t, const struct view *v)
{
	struct row *r = rd->row;
	const struct tl_rec *h = v->head;
	char buf[64];
	int err = 0;

	row_reset(r);
	row_set_task(r, h->ts + rd->boot_to_wall, h->comm, sizeof(h->comm), h->pid, h->tid,
		     t->mntns);
	if (rd->enr)
		enricher_fill_container(rd->enr, r, &t->c);
	row_set_uint(r, GF(TLF_CPU), h->cpu);
	if (v->si && v->si->name)
		row_set_str(r, GF(TLF_SYSCALL), v->si->name, strlen(v->si->name));
	else
		row_set_fmt(r, GF(TLF_SYSCALL), "syscall_%u", h->nr);
	rd->params.len = 0;
	if (out_mode_structured(rd->out->mode))
		tl_format_args_json(&rd->params, v->si, v->args, v->contents);
	else
		tl_format_args(&rd->params, v->si, v->args, v->contents, false, false);
	row_set_str(r, GF(TLF_PARAMETERS), rd->params.p, rd->params.len);
	if (v->exit) {
		int64_t ret = (int64_t)v->exit->args[0];

		row_set_fmt(r, GF(TLF_RET), "%.*s",
			    (int)tl_format_ret(v->si, ret, &err, buf, sizeof(buf)), buf);
		row_set_int(r, GF(TLF_RET_RAW), ret);
	} else if (v->si && v->si->no_return) {
		row_set_str(r, GF(TLF_RET), "?", 1);
	} else {
		row_set_str(r, GF(TLF_RET), "unfinished", 10);
		row_set_uint(r, GF(TLF_UNFINISHED), 1);
	}
	row_set_error(r, GF(TLF_ERROR), GF(TLF_ERROR_RAW), err);
}

static bool shown(struct tl_render *rd, const struct tl_trace *t, struct tl_ev *e,
		  const struct tl_rec *recs)
{
	struct view v;

	if (e->shown >= 0)
		return e->shown;
	view_of(rd, e, recs, &v);
	e->shown = 1;
	if (rd->syscalls && (v.head->nr >= TL_NR_MAX || !rd->syscalls[v.head->nr]))
		e->shown = 0;
	else if (rd->filter && rd->filter->n) {
		fill_row(rd, t, &v);
		e->shown = filter_match(rd->filter, rd->schema, rd->row);
	}
	return e->shown;
}

/* ---- text ------------------------------------------------------------- */

static void put_prefix(struct obuf *b, const struct tl_rec *r, uint64_t t0)
{
	uint64_t rel = r->ts > t0 ? r->ts - t0 : 0;
	char tmp[96];
	int n;

	n = snprintf(tmp, sizeof(tmp), "%02llu:%02llu.%09llu cpu#%u pid %u ",
		     (unsigned long long)(rel / 60000000000ULL),
		     (unsigned long long)(rel / 1000000000ULL % 60),
		     (unsigned long long)(rel % 1000000000ULL), r->cpu, r->pid);
	ob_write(b, tmp, n);
	if (r->tid != r->pid)
		ob_write(b, tmp, snprintf(tmp, sizeof(tmp), "tid %u ", r->tid));
	ob_putc(b, '[');
	esc_column(b, r->comm, strnlen(r->comm, sizeof(r->comm)), 0);
	ob_write(b, "] ", 2);
}

static void put_ret(struct obuf *b, const struct view *v)
{
	int64_t ret = (int64_t)v->exit->args[0];
	char buf[64];
	int err;
	size_t n = tl_format_ret(v->si, ret, &err, buf, sizeof(buf));

	ob_write(b, " = ", 3);
	ob_write(b, buf, n);
	if (err) {
		ob_write(b, " (", 2);
		ob_puts(b, strerror(err));
		ob_putc(b, ')');
	}
}

enum line { L_FULL, L_UNFINISHED, L_ENTER, L_EXIT };

static void text_line(struct tl_render *rd, const struct view *v, enum line kind, uint64_t t0)
{
	const struct tl_rec *contents[TL_NARGS];
	struct obuf *b = &rd->out->buf;

	/* Before the exit, a buffer the call fills is just an address. */
	for (int i = 0; i < TL_NARGS; i++)
		contents[i] = (kind == L_ENTER || kind == L_UNFINISHED) && v->contents[i] &&
			      v->contents[i]->kind == TL_EXIT ? NULL : v->contents[i];

	put_prefix(b, kind == L_EXIT ? v->exit : v->head, t0);
	if (kind == L_EXIT)
		ob_write(b, "... ", 4);
	put_name(b, v);
	ob_putc(b, '(');
	tl_format_args(b, v->si, v->args, contents, true, kind == L_EXIT);
	ob_putc(b, ')');
	switch (kind) {
	case L_FULL:
	case L_EXIT:
		put_ret(b, v);
		break;
	case L_UNFINISHED:
		ob_puts(b, v->si && v->si->no_return ? " = ?" : " unfinished");
		break;
	case L_ENTER:
		ob_puts(b, " ...");
		break;
	}
	ob_putc(b, '\n');
}

static void render_text(struct tl_render *rd, size_t max)
{
	const struct tl_rec *recs = rd->snap.recs;
	struct ev_list *l = rd->ev;
	uint64_t t0 = rd->snap.n ? recs[0].ts : 0;

	for (; rd->next < rd->snap.n && rd->out->buf.len < max; rd->next++) {
		size_t i = rd->next;
		struct tl_ev *e;
		struct view v;

		if (l->of_rec[i] < 0 || recs[i].kind == TL_CONT)
			continue;
		e = &l->v[l->of_rec[i]];
		if (!shown(rd, &rd->trace, e, recs))
			continue;
		view_of(rd, e, recs, &v);
		if (recs[i].kind == TL_ENTER) {
			rd->shown++;
			text_line(rd, &v, e->combined ? L_FULL : e->exit < 0 ? L_UNFINISHED : L_ENTER, t0);
		} else if (!e->combined) {
			rd->shown += e->enter < 0;
			text_line(rd, &v, L_EXIT, t0);
		}
	}
}

static void render_rows(struct tl_render *rd, size_t max)
{
	struct ev_list *l = rd->ev;

	for (; rd->next < l->n && rd->out->buf.len < max; rd->next++) {
		struct tl_ev *e = &l->v[rd->next];
		struct view v;

		if (!shown(rd, &rd->trace, e, rd->snap.recs))
			continue;
		view_of(rd, e, rd->snap.recs, &v);
		fill_row(rd, &rd->trace, &v);
		output_row(rd->out, rd->row);
		rd->shown++;
	}
}

void tl_render_end(struct tl_render *rd)
{
	if (rd->ev) {
		free_events(rd->ev);
		free(rd->ev);
		rd->ev = NULL;
	}
	if (rd->own_snap)
		tl_snapshot_free(&rd->snap);
	memset(&rd->snap, 0, sizeof(rd->snap));
	rd->own_snap = false;
}

static int start(struct tl_render *rd, const struct tl_trace *t, const struct tl_snapshot *s,
		 bool own)
{
	int err;

	tl_render_end(rd);
	rd->trace = *t;
	rd->trace.next = NULL;
	rd->snap = *s;
	rd->own_snap = own;
	rd->next = 0;
	rd->ev = calloc(1, sizeof(*rd->ev));
	err = rd->ev ? build_events(rd->ev, s->recs, s->n) : -ENOMEM;
	if (err)
		tl_render_end(rd);
	return err;
}

int tl_render_start(struct tl_render *rd, const struct tl_trace *t, struct tl_snapshot *s)
{
	int err = start(rd, t, s, true);

	memset(s, 0, sizeof(*s));
	return err;
}

bool tl_render_more(struct tl_render *rd, size_t max)
{
	if (!rd->ev)
		return true;
	if (rd->text)
		render_text(rd, max);
	else
		render_rows(rd, max);
	if (rd->next < (rd->text ? rd->snap.n : rd->ev->n))
		return false;
	tl_render_end(rd);
	return true;
}

int tl_render_trace(struct tl_render *rd, const struct tl_trace *t, const struct tl_snapshot *s)
{
	int err = start(rd, t, s, false);

	if (!err)
		tl_render_more(rd, SIZE_MAX);
	return err;
}

void tl_render_free(struct tl_render *rd)
{
	tl_render_end(rd);
	ob_free(&rd->params);
}
