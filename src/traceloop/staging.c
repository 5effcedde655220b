// SPDX-License-Identifier: Apache-2.0
/*
 * A namespace with no ring records into the staging ring. We drain staging
 * often, keep each namespace's records aside, and resolve the namespace
 * through the container table: a selected container gets a ring and its
 * staged records; anything else gets a "deny" verdict in ig_mntns and its
 * records are dropped.
 */
#include "traceloop/recorder_int.h"

/* ---- staging ---------------------------------------------------------- */

/* The container a process's cgroup names (docker-<id>.scope and the like):
 * known while the process lives, even before the runtime's state says so. */
static void cgroup_id(const struct tl_recorder *r, uint32_t pid, char *id)
{
	char path[4200], line[1024];
	FILE *f;

	id[0] = 0;
	snprintf(path, sizeof(path), "%s/proc/%u/cgroup", r->opts.host_root ? r->opts.host_root : "",
		 pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!ct_parse_cgroup_line(line, id, CT_ID_LEN, NULL))
			break;
	fclose(f);
}

static struct pend *pend_find(struct tl_recorder *r, uint64_t key, uint64_t mntns, uint64_t gen,
			      uint32_t pid)
{
	struct pend *p;

	for (size_t i = 0; i < r->npend; i++)
		if (r->pend[i].key == key && r->pend[i].gen == gen)
			return &r->pend[i];
	p = realloc(r->pend, (r->npend + 1) * sizeof(*p));
	if (!p)
		return NULL;
	r->pend = p;
	p = &r->pend[r->npend++];
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->mntns = mntns;
	p->gen = gen;
	p->pid = pid;
	p->first_seen = sys_now_ns(CLOCK_MONOTONIC);
	/* What the last drain found lost may have been its first records. */
	p->lost_seen = r->st.lost_before;
	cgroup_id(r, pid, p->cg_id);
	return p;
}

static void pend_remove(struct tl_recorder *r, struct pend *p)
{
	bpf_map_delete_elem(r->pending_fd, &p->key);
	free(p->recs);
	*p = r->pend[--r->npend];
}

/* Records that reached a trace through staging: its first ones, and the
 * last ones of an exited container. No more than its ring holds. */
static void trace_take(struct tl_trace *t, const struct tl_rec *recs, size_t n)
{
	size_t room = t->npre < t->nslots ? t->nslots - t->npre : 0;

	if (n > room) {
		t->pre_dropped += n - room;
		n = room;
	}
	if (n && tl_append_recs(&t->pre, &t->npre, &t->cap_pre, recs, n))
		t->pre_dropped += n;
}

static void stage_record(struct tl_recorder *r, const struct tl_rec *rec)
{
	uint64_t key = tl_key_of(r, rec->mntns, rec->gen);
	struct tl_trace *t;
	struct pend *p;

	t = tl_trace_of(r, key, rec->gen);
	if (t) {
		/* Written a moment before its ring was in the kernel, or after
		 * its container was seen gone. */
		trace_take(t, rec, 1);
		return;
	}
	p = pend_find(r, key, rec->mntns, rec->gen, rec->pid);
	if (!p)
		return;
	p->pid = rec->pid;
	if (rec->ts > p->last_ts)
		p->last_ts = rec->ts;
	if (p->n >= PEND_MAX_RECS || tl_append_recs(&p->recs, &p->n, &p->cap, rec, 1))
		p->dropped++;
}

void tl_drain_staging(struct tl_recorder *r)
{
	struct staging *s = &r->st;
	uint64_t head = tl_ring_head(s->mem);
	struct tl_rec rec;

	s->lost_before = s->lost;
	if (head - s->cursor > s->nslots) {
		uint64_t n = head - s->cursor - s->nslots;

		s->lost += n;
		s->cursor = head - s->nslots;
		/* Some may be theirs: traces still waiting for their ring. */
		for (struct tl_trace *t = r->traces; t; t = t->next)
			if (!t->exited && !t->in_kernel)
				t->maybe_lost += n;
		ig_info("traceloop: %llu records of starting containers lost: user space fell behind the staging buffer",
			(unsigned long long)n);
	}
	for (; s->cursor < head; s->cursor++) {
		int err = tl_read_slot(s->mem, s->nslots, s->cursor, &rec);

		if (err == -EAGAIN) {
			uint64_t now = sys_now_ns(CLOCK_MONOTONIC);

			if (!s->stuck_since)
				s->stuck_since = now;
			if (now - s->stuck_since < STUCK_NS)
				break;
		}
		s->stuck_since = 0;
		if (err)
			continue;
		stage_record(r, &rec);
	}
}

/* The table maps the key to a container, but maybe to the dead one whose
 * inode number the namespace took (keys are inode numbers on kernels
 * without unique ids): a table of our own, started from scratch, asks the
 * runtimes about the process itself. */
static bool resolve_from_scratch(struct tl_recorder *r, const struct pend *p,
				 struct container *out)
{
	struct ct_options co = { .host_root = r->opts.host_root, .verbose = ig_verbose };
	struct container_table *t = ct_new(&co);
	const struct container *c = t ? ct_resolve(t, p->key, p->pid) : NULL;

	if (c)
		*out = *c;
	ct_free(t);
	return c != NULL;
}

/* The container table's answer: the enricher resolves what the table does
 * not know, from the process, or from the cgroups BPF noted when the
 * process is gone already. */
static const struct container *table_answer(struct tl_recorder *r, const struct pend *p)
{
	struct container_table *ct = enricher_table(r->enr);
	const struct container *c = ct_lookup_mntns(ct, p->key);
	uint64_t seen;

	if (c)
		return c;
	row_reset(&r->row);
	r->row.mntns_key = p->key;
	row_set_uint(&r->row, CF_MNTNS, p->mntns);
	row_set_uint(&r->row, CF_PID, p->pid);
	/* When it was seen: a container gone already may claim it by that. */
	seen = p->first_ts ? p->first_ts : p->n ? p->recs[0].ts : 0;
	row_set_uint(&r->row, CF_TIMESTAMP, seen ? seen + r->ctx.boot_to_wall_ns : 0);
	enricher_apply(r->enr, &r->row);
	return ct_lookup_mntns(ct, p->key);
}

/* Which container the namespace is, or NULL if not known (yet). */
static const struct container *identify(struct tl_recorder *r, struct pend *p,
					struct container *buf)
{
	const struct container *c = table_answer(r, p);
	bool doubt;

	/* The cgroup tells the truth while the process lives. */
	if (c && p->cg_id[0])
		doubt = strcmp(c->id, p->cg_id);
	else
		doubt = p->fresh && !r->by_id;
	if (c && !doubt)
		return c;
	if ((c || p->cg_id[0]) && resolve_from_scratch(r, p, buf) &&
	    (!p->cg_id[0] || !strcmp(buf->id, p->cg_id)))
		return buf;
	return NULL;
}

/* Drop what a namespace staged and stop hearing from it. */
static void give_up(struct tl_recorder *r, struct pend *p, const char *why)
{
	struct denied *d = realloc(r->denied, (r->ndenied + 1) * sizeof(*d));

	ig_info("traceloop: not recording mntns %llu (id %llu): %s; %zu staged records dropped",
		(unsigned long long)p->mntns, (unsigned long long)p->gen, why, p->n);
	tl_set_verdict(r, p->key, p->gen, IG_MNTNS_DENY);
	if (d) {
		r->denied = d;
		d[r->ndenied++] = (struct denied){ p->key, sys_now_ns(CLOCK_MONOTONIC) };
	}
	pend_remove(r, p);
}

/*
 * Unique keys are never reused, so the verdicts on namespaces that died
 * would fill ig_mntns for good. Forget ours after a while: a namespace that
 * still lives is staged once more and denied again.
 */
void tl_expire_denied(struct tl_recorder *r, uint64_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < r->ndenied; i++) {
		if (now - r->denied[i].at < DENY_TTL_NS) {
			r->denied[k++] = r->denied[i];
			continue;
		}
		bpf_map_delete_elem(r->ctx.mntns_fd, &r->denied[i].key);
		bpf_map_delete_elem(r->gens_fd, &r->denied[i].key);
	}
	r->ndenied = k;
}

/* The newest record in a trace's ring, or when the trace began. */
static uint64_t trace_last_ts(const struct tl_trace *t)
{
	struct tl_rec rec;

	return tl_trace_newest(t, &rec) ? rec.ts : t->started_boot;
}

/*
 * Two namespaces cannot hold one inode number at once, so when a trace is
 * live for the inode of another namespace, the one seen last is alive
 * and the other dead (namespace ids say which is which, not which came
 * first). Returns whether p may go on: false when p was a dead one's.
 */
static bool settle_inode(struct tl_recorder *r, struct pend *p)
{
	struct tl_trace *t = tl_live_trace(r, p->key);

	if (!t || tl_trace_gen(t) == p->gen)
		return true;
	if (p->last_ts > trace_last_ts(t)) {
		tl_trace_retire(r, t);
		ig_info("traceloop: container %s is gone: its mntns %llu is another's now; trace %u kept",
			t->c.name, (unsigned long long)t->mntns, t->id);
		return true;
	}
	ig_info("traceloop: %zu records of a dead namespace with inode %llu dropped", p->n,
		(unsigned long long)p->mntns);
	free(p->recs);
	*p = r->pend[--r->npend];
	return false;
}

static void resolve(struct tl_recorder *r, struct pend *p)
{
	uint64_t age = sys_now_ns(CLOCK_MONOTONIC) - p->first_seen;
	const struct container *c;
	struct container buf;
	struct tl_trace *t;

	if (!settle_inode(r, p))
		return;
	if (!p->cg_id[0])
		cgroup_id(r, p->pid, p->cg_id);
	c = identify(r, p, &buf);
	if (!c) {
		/* A container's first process is in its cgroup already; a
		 * runtime without cgroup names (runc run) gets a grace period. */
		if (age > PEND_TIMEOUT_NS || (!p->cg_id[0] && age > PEND_GRACE_NS))
			give_up(r, p, "not a container");
		return;
	}
	if (!enricher_selects(r->enr, c)) {
		give_up(r, p, "not a selected container");
		return;
	}
	t = tl_trace_create(r, c, p->key, p->mntns, p->gen);
	if (!t)
		return;
	trace_take(t, p->recs, p->n);
	t->pre_dropped += p->dropped;
	t->maybe_lost += r->st.lost - p->lost_seen;
	tl_set_verdict(r, p->key, p->gen, IG_MNTNS_ALLOW);
	/* It may have come and gone before we knew it. */
	if (c->exited)
		tl_trace_retire(r, t);
	pend_remove(r, p);
}

void tl_resolve_all(struct tl_recorder *r)
{
	for (size_t i = r->npend; i-- > 0;)
		resolve(r, &r->pend[i]);
}

int tl_on_notify(void *arg, void *data, size_t size)
{
	struct tl_recorder *r = arg;
	const struct tl_notify *n = data;
	struct pend *p;

	if (size < sizeof(*n))
		return 0;
	tl_drain_staging(r);
	if (tl_trace_of(r, n->key, n->gen))
		return 0;
	p = pend_find(r, n->key, n->mntns, n->gen, n->pid);
	if (!p)
		return 0;
	ig_info("traceloop: new mntns %llu (id %llu%s) from pid %u, whose cgroup names %s",
		(unsigned long long)n->mntns, (unsigned long long)n->gen,
		n->fresh ? ", reusing a dead one's inode number" : "", n->pid,
		p->cg_id[0] ? p->cg_id : "no container");
	p->fresh |= n->fresh;
	if (n->ts > p->last_ts)
		p->last_ts = n->ts;
	if (!p->first_ts || n->ts < p->first_ts)
		p->first_ts = n->ts;
	resolve(r, p);
	return 0;
}
