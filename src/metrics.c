// SPDX-License-Identifier: Apache-2.0
/*
 * The counters behind /metrics. One writer (the event loop) and one reader
 * (the HTTP thread), no lock: a counter is a 64-bit word the writer stores
 * with a relaxed atomic, and a new container or label value is written
 * into its slot before the slot count is published with a release store,
 * which the reader loads with acquire. Slots are allocated up front, so
 * nothing the reader looks at ever moves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "metrics.h"
#include "metrics_int.h"
#include "obuf.h"

#define LABEL_VALUES 8         /* per gadget metric; more fold into "other" */
#define VALUE_LEN    48        /* a container name or label value, cut */

struct slot_name {
	char s[VALUE_LEN];
	uint32_t len;
};

struct metrics_gadget {
	const struct gadget *g;
	unsigned int cap;          /* containers with their own label */
	unsigned int ncont;        /* published */
	struct slot_name *cont;    /* cap + 1: the last is "other" */
	struct slot_name *lv;      /* [nmetrics][LABEL_VALUES] */
	unsigned int *nlv;         /* published, per metric */
	uint64_t *c;               /* [cap + 1][stride] */
	size_t *off;               /* per metric: where its words start */
	size_t stride;             /* 1 (events) + every metric's words */
	uint64_t lost_base, lost;  /* earlier runs' losses; all of them */
	uint64_t folded_events;
	bool said_folded;
	unsigned int last;         /* the slot of the last event */
};

#define LOAD(p)     __atomic_load_n(p, __ATOMIC_RELAXED)
#define STORE(p, v) __atomic_store_n(p, v, __ATOMIC_RELAXED)
#define BUMP(p)     STORE(p, LOAD(p) + 1)   /* one writer */

struct ig_metrics *metrics_new(unsigned int max_containers)
{
	struct ig_metrics *m = calloc(1, sizeof(*m));

	if (m)
		m->max_containers = max_containers;
	return m;
}

static void gadget_free(struct metrics_gadget *mg)
{
	if (!mg)
		return;
	free(mg->cont);
	free(mg->lv);
	free(mg->nlv);
	free(mg->c);
	free(mg->off);
	free(mg);
}

void metrics_free(struct ig_metrics *m)
{
	if (!m)
		return;
	metrics_http_stop(m);
	for (unsigned int i = 0; i < m->ngadgets; i++)
		gadget_free(m->gadgets[i]);
	free(m);
}

/* A counter's words: [label value][ok, error]; a histogram's: a count
 * per bucket (not cumulative), one for +Inf, then the sum. */
static size_t metric_words(const struct gadget_metric *gm)
{
	return gm->histogram ? gm->nbuckets + 2 : LABEL_VALUES * 2;
}

static struct metrics_gadget *gadget_new(const struct gadget *g, unsigned int cap)
{
	struct metrics_gadget *mg = calloc(1, sizeof(*mg));
	size_t nm = g->nmetrics;

	if (!mg)
		return NULL;
	mg->g = g;
	mg->cap = cap;
	mg->off = calloc(nm + 1, sizeof(*mg->off));
	if (!mg->off) {
		free(mg);
		return NULL;
	}
	mg->stride = 1;
	for (size_t i = 0; i < nm; i++) {
		mg->off[i] = mg->stride;
		mg->stride += metric_words(&g->metrics[i]);
	}
	mg->cont = calloc(cap + 1, sizeof(*mg->cont));
	mg->lv = calloc(nm * LABEL_VALUES + 1, sizeof(*mg->lv));
	mg->nlv = calloc(nm + 1, sizeof(*mg->nlv));
	mg->c = calloc((size_t)(cap + 1) * mg->stride, sizeof(*mg->c));
	if (!mg->cont || !mg->lv || !mg->nlv || !mg->c) {
		gadget_free(mg);
		return NULL;
	}
	memcpy(mg->cont[cap].s, "other", 5);
	mg->cont[cap].len = 5;
	return mg;
}

struct metrics_gadget *metrics_gadget(struct ig_metrics *m, const struct gadget *g)
{
	struct metrics_gadget *mg;

	for (unsigned int i = 0; i < m->ngadgets; i++)
		if (m->gadgets[i]->g == g)
			return m->gadgets[i];
	if (m->ngadgets == METRICS_MAX_GADGETS || !(mg = gadget_new(g, m->max_containers)))
		return NULL;
	m->gadgets[m->ngadgets] = mg;
	__atomic_store_n(&m->ngadgets, m->ngadgets + 1, __ATOMIC_RELEASE);
	return mg;
}

static bool name_is(const struct slot_name *n, const char *s, uint32_t len)
{
	/* An unset string (the host's empty container name) has no pointer. */
	return n->len == len && (!len || !memcmp(n->s, s, len));
}

/* The slot of value s among n published ones (up to max), adding it if
 * there is room; max (the "other" slot) when there is none. */
static unsigned int find_or_add(struct slot_name *names, unsigned int *n, unsigned int max,
				const char *s, uint32_t len)
{
	unsigned int count = *n;

	if (len > VALUE_LEN)
		len = VALUE_LEN;
	for (unsigned int i = 0; i < count; i++)
		if (name_is(&names[i], s, len))
			return i;
	if (count == max)
		return max;
	if (len)
		memcpy(names[count].s, s, len);
	names[count].len = len;
	__atomic_store_n(n, count + 1, __ATOMIC_RELEASE);
	return count;
}

static unsigned int container_slot(struct metrics_gadget *mg, const struct row *r)
{
	const struct value *v = &r->v[CF_RT_CONTAINER_NAME];
	uint32_t len = v->len > VALUE_LEN ? VALUE_LEN : v->len;
	unsigned int slot;

	if (mg->last < mg->ncont && name_is(&mg->cont[mg->last], v->s, len))
		return mg->last;
	slot = find_or_add(mg->cont, &mg->ncont, mg->cap, v->s, len);
	if (slot == mg->cap && !mg->said_folded) {
		mg->said_folded = true;
		ig_info("metrics: %s has seen more than %u containers; the others are counted as container=\"other\"",
			mg->g->name, mg->cap);
	}
	mg->last = slot;
	return slot;
}

static bool field_set(const struct row *r, int field)
{
	const struct value *v = &r->v[GF(field)];

	return v->u || v->len;
}

static unsigned int label_slot(struct metrics_gadget *mg, size_t i, const struct value *v)
{
	const struct gadget_metric *gm = &mg->g->metrics[i];
	const char *s = v->s;
	uint32_t len = v->len;
	char num[24];

	if (gm->label_names) {
		if (v->u < gm->nlabel_names) {
			s = gm->label_names[v->u];
			len = strlen(s);
		} else {
			s = num;
			len = snprintf(num, sizeof(num), "%llu", (unsigned long long)v->u);
		}
	}
	return find_or_add(mg->lv + i * LABEL_VALUES, &mg->nlv[i], LABEL_VALUES - 1, s, len);
}

static void observe(const struct gadget_metric *gm, uint64_t *h, uint64_t v)
{
	size_t b = 0;

	while (b < gm->nbuckets && v > gm->buckets[b])
		b++;
	BUMP(&h[b]);
	STORE(&h[gm->nbuckets + 1], LOAD(&h[gm->nbuckets + 1]) + v);
}

void metrics_event(struct metrics_gadget *mg, const struct row *r)
{
	unsigned int slot = container_slot(mg, r);
	uint64_t *c = mg->c + slot * mg->stride;

	if (slot == mg->cap)
		BUMP(&mg->folded_events);
	BUMP(&c[0]);
	for (size_t i = 0; i < mg->g->nmetrics; i++) {
		const struct gadget_metric *gm = &mg->g->metrics[i];
		unsigned int lv = 0;
		bool error;

		if (gm->when && !field_set(r, gm->when - 1))
			continue;
		if (gm->histogram) {
			uint64_t v = r->v[GF(gm->histogram - 1)].u;

			if (v)
				observe(gm, c + mg->off[i], v);
			continue;
		}
		error = gm->error_field >= 0 && r->v[GF(gm->error_field)].len;
		if (gm->label_field >= 0)
			lv = label_slot(mg, i, &r->v[GF(gm->label_field)]);
		BUMP(&c[mg->off[i] + lv * 2 + error]);
	}
}

void metrics_lost(struct metrics_gadget *mg, uint64_t total)
{
	STORE(&mg->lost, mg->lost_base + total);
}

void metrics_gadget_restart(struct metrics_gadget *mg)
{
	mg->lost_base = LOAD(&mg->lost);
}

/* ---- the exposition format ---------------------------------------------- */

/* A label value: \, " and newline escaped; other control bytes and
 * non-ASCII (which may not be UTF-8) as '?', so the text always parses. */
static void put_label(struct obuf *b, const char *key, const struct slot_name *v, bool comma)
{
	if (comma)
		ob_putc(b, ',');
	ob_puts(b, key);
	ob_write(b, "=\"", 2);
	for (uint32_t i = 0; i < v->len; i++) {
		unsigned char ch = v->s[i];

		if (ch == '\\' || ch == '"')
			ob_putc(b, '\\'), ob_putc(b, ch);
		else if (ch == '\n')
			ob_write(b, "\\n", 2);
		else
			ob_putc(b, ch < 0x20 || ch >= 0x7f ? '?' : ch);
	}
	ob_putc(b, '"');
}

static void put_header(struct obuf *b, const char *name, const char *type, const char *help)
{
	ob_puts(b, "# HELP ");
	ob_puts(b, name);
	ob_putc(b, ' ');
	ob_puts(b, help);
	ob_puts(b, "\n# TYPE ");
	ob_puts(b, name);
	ob_putc(b, ' ');
	ob_puts(b, type);
	ob_putc(b, '\n');
}

static void put_value(struct obuf *b, uint64_t v)
{
	ob_write(b, "} ", 2);
	ob_u64(b, v);
	ob_putc(b, '\n');
}

static struct slot_name gadget_label(const struct metrics_gadget *mg)
{
	struct slot_name n;

	n.len = snprintf(n.s, sizeof(n.s), "%s", mg->g->name);
	if (n.len > sizeof(n.s) - 1)
		n.len = sizeof(n.s) - 1;
	return n;
}

static unsigned int published(const unsigned int *n)
{
	return __atomic_load_n(n, __ATOMIC_ACQUIRE);
}

static void render_events(struct obuf *b, struct metrics_gadget **gs, unsigned int n)
{
	put_header(b, "ig_events_total", "counter", "Events a gadget emitted, by container (\"\" is the host).");
	for (unsigned int i = 0; i < n; i++) {
		struct slot_name gn = gadget_label(gs[i]);
		unsigned int nc = published(&gs[i]->ncont);

		for (unsigned int s = 0; s <= gs[i]->cap; s++) {
			if (s >= nc && s != gs[i]->cap)
				continue;
			if (s == gs[i]->cap && !LOAD(&gs[i]->c[s * gs[i]->stride]))
				continue;
			ob_puts(b, "ig_events_total{");
			put_label(b, "gadget", &gn, false);
			put_label(b, "container", &gs[i]->cont[s], true);
			put_value(b, LOAD(&gs[i]->c[s * gs[i]->stride]));
		}
	}
	put_header(b, "ig_lost_events_total", "counter",
		   "Events a gadget lost in the kernel (ring buffer full), before any container was known.");
	for (unsigned int i = 0; i < n; i++) {
		struct slot_name gn = gadget_label(gs[i]);

		ob_puts(b, "ig_lost_events_total{");
		put_label(b, "gadget", &gn, false);
		put_value(b, LOAD(&gs[i]->lost));
	}
}

static void render_folding(struct obuf *b, struct ig_metrics *m, struct metrics_gadget **gs,
			   unsigned int n)
{
	put_header(b, "ig_metrics_container_cap", "gauge",
		   "Containers per gadget with their own label; the rest are container=\"other\".");
	ob_puts(b, "ig_metrics_container_cap ");
	ob_u64(b, m->max_containers);
	ob_putc(b, '\n');
	put_header(b, "ig_metrics_folded_events_total", "counter",
		   "Events counted as container=\"other\" because the container cap was reached.");
	for (unsigned int i = 0; i < n; i++) {
		struct slot_name gn = gadget_label(gs[i]);

		ob_puts(b, "ig_metrics_folded_events_total{");
		put_label(b, "gadget", &gn, false);
		put_value(b, LOAD(&gs[i]->folded_events));
	}
}

static void render_gadget_metric(struct obuf *b, const struct metrics_gadget *mg, size_t i)
{
	static const struct slot_name results[2] = { { "ok", 2 }, { "error", 5 } };
	static const struct slot_name other = { "other", 5 };
	const struct gadget_metric *gm = &mg->g->metrics[i];
	unsigned int nc = published(&mg->ncont), nl = published(&mg->nlv[i]);

	put_header(b, gm->name, "counter", gm->help);
	for (unsigned int s = 0; s <= mg->cap; s++) {
		if (s >= nc && s != mg->cap)
			continue;
		for (unsigned int lv = 0; lv < LABEL_VALUES; lv++) {
			if (gm->label_field < 0 ? lv > 0 : lv >= nl && lv != LABEL_VALUES - 1)
				continue;
			for (int e = 0; e < (gm->error_field >= 0 ? 2 : 1); e++) {
				uint64_t v = LOAD(&mg->c[s * mg->stride + mg->off[i] + lv * 2 + e]);

				/* "other" only once something was folded into it */
				if (!v && (s == mg->cap || lv >= nl))
					continue;
				ob_puts(b, gm->name);
				ob_putc(b, '{');
				put_label(b, "container", &mg->cont[s], false);
				if (gm->label_field >= 0)
					put_label(b, gm->label, lv < nl ? &mg->lv[i * LABEL_VALUES + lv] : &other, true);
				if (gm->error_field >= 0)
					put_label(b, "result", &results[e], true);
				put_value(b, v);
			}
		}
	}
}

/* One container's histogram: cumulative buckets, then _sum and _count. */
static void render_histogram_of(struct obuf *b, const struct gadget_metric *gm,
				const struct slot_name *cont, const uint64_t *h)
{
	uint64_t n = 0;
	char num[64];

	for (size_t k = 0; k <= gm->nbuckets; k++) {
		struct slot_name le;

		n += LOAD(&h[k]);
		if (k < gm->nbuckets)
			le.len = snprintf(le.s, sizeof(le.s), "%g", (double)gm->buckets[k] * gm->unit);
		else
			le.len = snprintf(le.s, sizeof(le.s), "+Inf");
		ob_puts(b, gm->name);
		ob_puts(b, "_bucket{");
		put_label(b, "container", cont, false);
		put_label(b, "le", &le, true);
		put_value(b, n);
	}
	ob_puts(b, gm->name);
	ob_puts(b, "_sum{");
	put_label(b, "container", cont, false);
	snprintf(num, sizeof(num), "} %.9g\n", (double)LOAD(&h[gm->nbuckets + 1]) * gm->unit);
	ob_puts(b, num);
	ob_puts(b, gm->name);
	ob_puts(b, "_count{");
	put_label(b, "container", cont, false);
	put_value(b, n);
}

static void render_histogram(struct obuf *b, const struct metrics_gadget *mg, size_t i)
{
	const struct gadget_metric *gm = &mg->g->metrics[i];
	unsigned int nc = published(&mg->ncont);

	put_header(b, gm->name, "histogram", gm->help);
	for (unsigned int s = 0; s <= mg->cap; s++) {
		const uint64_t *h = &mg->c[s * mg->stride + mg->off[i]];
		uint64_t any = 0;

		if (s >= nc && s != mg->cap)
			continue;
		for (size_t k = 0; k <= gm->nbuckets; k++)
			any |= LOAD(&h[k]);
		/* a container whose events were never observed (a query
		 * alone) has no histogram; "other" only once used */
		if (any)
			render_histogram_of(b, gm, &mg->cont[s], h);
	}
}

char *metrics_render(struct ig_metrics *m, size_t *len)
{
	unsigned int n = published(&m->ngadgets);
	struct obuf b = { 0 };

	render_events(&b, m->gadgets, n);
	render_folding(&b, m, m->gadgets, n);
	for (unsigned int i = 0; i < n; i++)
		for (size_t k = 0; k < m->gadgets[i]->g->nmetrics; k++)
			if (m->gadgets[i]->g->metrics[k].histogram)
				render_histogram(&b, m->gadgets[i], k);
			else
				render_gadget_metric(&b, m->gadgets[i], k);
	ob_putc(&b, 0);
	*len = b.len - 1;
	return b.p;
}
