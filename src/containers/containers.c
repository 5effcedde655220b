// SPDX-License-Identifier: Apache-2.0
/*
 * The container table: what the runtimes' state files say is running, keyed
 * by mount namespace, with exited containers kept a while for late events.
 */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"

/* ---- time ---------------------------------------------------------------- */

static struct timespec now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

static long long ns_between(struct timespec a, struct timespec b)
{
	return (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}

/* Exited containers stay resolvable for linger_sec; a hint only for
 * CT_HINT_NS, so the namespace is soon looked at again. */
static bool lingered(const struct container_table *t, const struct container *c,
		     struct timespec now)
{
	long long keep = c->hinted ? CT_HINT_NS : t->linger_sec * 1000000000LL;

	return c->exited && ns_between(c->exited_at, now) >= keep;
}

/* ---- lifetime ------------------------------------------------------------ */

static int set_root(struct container_table *t, const char *root)
{
	size_t n;

	if (!root)
		root = "";
	n = strlen(root);
	/* "/" and "/host/" become "" and "/host": paths are root + "/run/...". */
	while (n > 0 && root[n - 1] == '/')
		n--;
	if (n >= sizeof(t->root))
		return -ENAMETOOLONG;
	memcpy(t->root, root, n);
	t->root[n] = '\0';
	return 0;
}

struct container_table *ct_new(const struct ct_options *opts)
{
	struct container_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	if (set_root(t, opts ? opts->host_root : NULL) < 0) {
		free(t);
		errno = ENAMETOOLONG;
		return NULL;
	}
	t->verbose = opts && opts->verbose;
	t->linger_sec = opts && opts->linger_sec ? opts->linger_sec : CT_DEFAULT_LINGER_SEC;
	t->ns_ids = ct_probe_ns_ids(t);
	t->host_mntns = ct_read_host_mntns(t);
	/* pid 1 may be out of reach (a sandbox's init): then ours. */
	t->host_netns = ct_pid_netns(t, 1);
	if (!t->host_netns)
		t->host_netns = ct_self_netns(t);
	if (!t->host_mntns)
		ct_warn(t, "cannot read the host mount namespace under '%s/proc'", t->root);
	return t;
}

void ct_free(struct container_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->idx);
	free(t);
}

uint64_t ct_host_mntns(const struct container_table *t)
{
	return t ? t->host_mntns : 0;
}

/* Hints come last in t->v (see reindex()) and are no containers. */
uint64_t ct_generation(const struct container_table *t)
{
	return t ? t->generation : 0;
}

size_t ct_count(const struct container_table *t)
{
	return t ? t->n - t->nhints : 0;
}

const struct container *ct_at(const struct container_table *t, size_t i)
{
	return t && i < ct_count(t) ? t->v[i] : NULL;
}

/* ---- scan candidates ----------------------------------------------------- */

/* Finds the candidate's mount namespace; false if it is not running or is
 * in the host's (a recycled pid, or no isolation worth reporting). */
static bool locate(const struct container_table *t, struct container *c)
{
	uint64_t mntns, key;

	if (c->exited || !c->pid || ct_pid_mntns(t, c->pid, &mntns) < 0 ||
	    ct_pid_mntns_key(t, c->pid, mntns, &key) < 0)
		return false;
	if (key == t->host_mntns)
		return false;
	c->mntns = mntns;
	c->mntns_key = key;
	c->netns = ct_pid_netns(t, c->pid);
	return true;
}

/* Where the runtime's state has no start time, the init process's is the
 * container's (read once, when the container is first seen). */
static void fill_started_at(const struct container_table *t, struct container *c)
{
	if (!c->started_at_ns)
		c->started_at_ns = ct_pid_start_ns(t, c->pid);
}

/* Sources run most specific first, so the first to claim an ID or a mount
 * namespace wins: Docker's view of a container over the containerd "moby"
 * bundle and runc state underneath it. */
int ct_scan_add(struct container_table *t, struct ct_scan *s, struct container *c)
{
	struct container *nv;
	size_t i;

	if (!locate(t, c))
		return 0;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, c->id) == 0 || s->v[i].mntns_key == c->mntns_key)
			return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;

		nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n] = *c;
	s->v[s->n].exited = false;
	s->n++;
	return 0;
}

static int scan_all(struct container_table *t, struct ct_scan *s)
{
	static int (*const sources[])(struct container_table *, struct ct_scan *) = {
		ct_docker_scan, ct_storage_scan, ct_containerd_scan, ct_runc_scan,
	};
	size_t i;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (sources[i](t, s) == -ENOMEM)
			return -ENOMEM;
	return 0;
}

static int load_by_id(struct container_table *t, const char *id, struct container *c)
{
	static int (*const loaders[])(struct container_table *, const char *,
				      struct container *) = {
		ct_docker_load, ct_storage_load, ct_containerd_load, ct_runc_load,
	};
	size_t i;

	if (!ct_valid_id(id))
		return -EINVAL;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i](t, id, c) == 0)
			return 0;
	return -ENOENT;
}

/* ---- table maintenance --------------------------------------------------- */

static int cmp_index(const void *a, const void *b)
{
	const struct ct_index *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* Which of reindex()'s groups an entry belongs to. */
static int entry_rank(const struct container *c)
{
	return c->hinted ? 2 : c->exited ? 1 : 0;
}

/* Running first (the documented ct_at() order), then exited containers,
 * then hints; then rebuild the index. */
static int reindex(struct container_table *t)
{
	struct ct_index *idx;
	struct container **v;
	size_t i, k = 0;
	int pass;

	t->generation++;
	t->nidx = 0;
	t->nhints = 0;
	for (i = 0; i < t->n; i++)
		t->nhints += t->v[i]->hinted;
	if (!t->n)
		return 0;
	v = malloc(t->n * sizeof(*v));
	idx = realloc(t->idx, t->n * sizeof(*idx));
	if (!v || !idx) {
		free(v);
		if (idx)
			t->idx = idx;
		return -ENOMEM;
	}
	t->idx = idx;
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < t->n; i++)
			if (entry_rank(t->v[i]) == pass)
				v[k++] = t->v[i];
	memcpy(t->v, v, t->n * sizeof(*v));
	free(v);
	for (i = 0; i < t->n; i++)
		idx[i] = (struct ct_index){ t->v[i]->mntns_key, t->v[i] };
	qsort(idx, t->n, sizeof(*idx), cmp_index);
	t->nidx = t->n;
	return 0;
}

static void remove_at(struct container_table *t, size_t i)
{
	free(t->v[i]);
	t->v[i] = t->v[--t->n];
}

/* Without unique ids, mount namespace inodes are recycled: once a new
 * container has one, events carrying it are the new container's. A hint
 * for the namespace gives way too: the runtime now vouches for it. */
static int drop_exited_mntns(struct container_table *t, uint64_t key)
{
	size_t i = 0;
	int dropped = 0;

	while (i < t->n) {
		if ((t->v[i]->exited || t->v[i]->hinted) && t->v[i]->mntns_key == key) {
			remove_at(t, i);
			dropped++;
		} else {
			i++;
		}
	}
	return dropped;
}

static struct container *add_entry(struct container_table *t, const struct container *c)
{
	struct container **nv, *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		nv = realloc(t->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		t->v = nv;
		t->cap = cap;
	}
	e = malloc(sizeof(*e));
	if (!e)
		return NULL;
	*e = *c;
	e->exited = c->hinted;       /* a hint expires like an exited container */
	fill_started_at(t, e);
	t->v[t->n++] = e;
	return e;
}

static void mark_exited(struct container *e, struct timespec now)
{
	e->exited = true;
	e->exited_at = now;
}

/* Same container, fresh metadata (docker rename, pid learnt from state). */
static void update_entry(struct container *e, const struct container *c)
{
	uint64_t started_at_ns = e->started_at_ns;

	*e = *c;
	if (!e->started_at_ns)
		e->started_at_ns = started_at_ns;
	e->exited = false;
	e->exited_at = (struct timespec){ 0, 0 };
}

static struct container *find_entry(struct container_table *t, const char *id, uint64_t key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!t->v[i]->hinted && t->v[i]->mntns_key == key && strcmp(t->v[i]->id, id) == 0)
			return t->v[i];
	return NULL;
}

static int expire(struct container_table *t, struct timespec now)
{
	size_t i = 0;
	int dropped = 0;

	while (i < t->n) {
		if (lingered(t, t->v[i], now)) {
			remove_at(t, i);
			dropped++;
		} else {
			i++;
		}
	}
	return dropped;
}

/* An entry of container id's current run: running, and no hint. */
static bool current_run_of(const struct container *e, const char *id)
{
	return !e->exited && !e->hinted && strcmp(e->id, id) == 0;
}

/* Adds or refreshes one located candidate; returns changes or -ENOMEM. */
static int merge_one(struct container_table *t, const struct container *c, struct timespec now)
{
	struct container *e = find_entry(t, c->id, c->mntns_key);
	int changes;
	size_t i;

	if (e) {
		changes = e->exited;
		update_entry(e, c);
		return changes;
	}
	/* Same ID in another namespace: the container was restarted. */
	changes = 0;
	for (i = 0; i < t->n; i++) {
		if (current_run_of(t->v[i], c->id)) {
			mark_exited(t->v[i], now);
			changes++;
		}
	}
	changes += drop_exited_mntns(t, c->mntns_key);
	if (!add_entry(t, c))
		return -ENOMEM;
	return changes + 1;
}

static bool in_scan(const struct ct_scan *s, const struct container *e)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].mntns_key == e->mntns_key && strcmp(s->v[i].id, e->id) == 0)
			return true;
	return false;
}

/* A full scan is the whole truth: whatever it did not see has exited. */
static int merge_scan(struct container_table *t, const struct ct_scan *s, struct timespec now)
{
	int changes = 0, r;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!t->v[i]->exited && !in_scan(s, t->v[i])) {
			mark_exited(t->v[i], now);
			changes++;
		}
	}
	for (i = 0; i < s->n; i++) {
		r = merge_one(t, &s->v[i], now);
		if (r < 0)
			return r;
		changes += r;
	}
	return changes + expire(t, now);
}

static int rescan(struct container_table *t)
{
	struct timespec now = now_mono();
	struct ct_scan s = { 0 };
	int changes;

	changes = scan_all(t, &s);
	if (changes >= 0)
		changes = merge_scan(t, &s, now);
	free(s.v);
	t->last_scan = now;
	t->scanned = true;
	if (changes >= 0 && reindex(t) < 0)
		changes = -ENOMEM;
	return changes;
}

int ct_refresh(struct container_table *t)
{
	int changes;

	if (!t)
		return -EINVAL;
	changes = rescan(t);
	if (changes < 0)
		return changes;
	/* Changes ct_resolve() made in between count too: callers mirror the
	 * table into BPF maps from this return value. */
	changes += t->pending;
	t->pending = 0;
	return changes;
}

/* ---- lookup and resolve -------------------------------------------------- */

bool ct_mntns_by_id(const struct container_table *t)
{
	return t && t->ns_ids;
}

const struct container *ct_lookup_mntns(const struct container_table *t, uint64_t mntns)
{
	const struct ct_index key = { .key = mntns }, *hit;

	if (!t || !mntns || !t->nidx || mntns == t->host_mntns)
		return NULL;
	hit = bsearch(&key, t->idx, t->nidx, sizeof(*t->idx), cmp_index);
	if (!hit || lingered(t, hit->c, now_mono()))
		return NULL;
	return hit->c;
}

const struct container *ct_lookup_netns(const struct container_table *t, uint64_t netns,
					size_t *n)
{
	const struct container *first = NULL;
	size_t i;

	*n = 0;
	if (!t || !netns || netns == t->host_netns)
		return NULL;
	for (i = 0; i < t->n; i++) {
		if (t->v[i]->exited || t->v[i]->netns != netns)
			continue;
		if (!first)
			first = t->v[i];
		(*n)++;
	}
	return first;
}

static bool pid_gone(const struct container_table *t, uint32_t pid)
{
	uint64_t mntns;

	return !pid || ct_pid_mntns(t, pid, &mntns) == -ENOENT;
}

/* A cgroup names a container, but the runtime does not vouch for the
 * event's namespace: say so ("name?") and claim nothing else. A hint counts
 * as exited from the start, stands CT_HINT_NS at most, and gives way at once
 * when the runtime claims the namespace. When the runtime has no init pid at
 * all, the container may be one that runc is still setting up (its runc
 * init runs in the new namespace before any state names its pid): then the
 * hint stands for this event only, so the next one, maybe the container's
 * first exec, is looked at afresh. */
static int add_hint(struct container_table *t, const struct container *claimed, uint64_t key,
		    uint64_t inum, uint32_t pid, const struct container **out)
{
	struct container *e;
	struct timespec now = now_mono();
	struct container h;
	size_t n;
	int r;

	memset(&h, 0, sizeof(h));
	ct_copy_str(h.name, sizeof(h.name) - 1, claimed->name[0] ? claimed->name : claimed->id);
	n = strlen(h.name);
	h.name[n] = '?';
	h.name[n + 1] = '\0';
	h.hinted = true;
	/* exited_at is when it stops standing, CT_HINT_NS ahead (lingered()). */
	h.exited_at = now;
	if (!claimed->pid)
		h.exited_at.tv_sec -= CT_HINT_NS / 1000000000LL + 1;
	h.mntns_key = key;
	if (ct_pid_mntns(t, pid, &h.mntns) < 0)
		h.mntns = inum ? inum : t->ns_ids ? 0 : key;
	r = drop_exited_mntns(t, key);
	e = add_entry(t, &h);
	if (!e)
		return -ENOMEM;
	t->pending += r + 1;
	*out = e;
	return reindex(t);
}

/* runc sets a container's namespaces up (its cgroup named already) a
 * little before the runtime records the start. */
#define CT_SETUP_SLACK_NS (10 * 1000000000ULL)
#define CT_EXIT_SLACK_NS  (1 * 1000000000ULL)

/* The runtime recorded the container as started and finished, and the
 * namespace was seen in between: it was the container's, gone before we
 * looked (docker clears an exited container's pid). */
static bool seen_while_it_ran(const struct container *c, uint64_t seen_ns)
{
	return c->exited && seen_ns && c->started_at_ns && c->finished_at_ns &&
	       seen_ns + CT_SETUP_SLACK_NS >= c->started_at_ns &&
	       seen_ns <= c->finished_at_ns + CT_EXIT_SLACK_NS;
}

/* The runtime still records it as running, but the init process it
 * recorded is gone: the container is ending, and the runtime writes that
 * down a moment later (a container whose processes all died at once: the
 * OOM killer of a small --memory). The namespace was seen after it
 * started, if ig knows when. */
static bool ending_when_seen(const struct container_table *t, const struct container *c,
			     uint64_t key, uint64_t seen_ns)
{
	if (c->exited || !c->pid || !pid_gone(t, c->pid))
		return false;
	if (seen_ns && c->started_at_ns && seen_ns + CT_SETUP_SLACK_NS < c->started_at_ns)
		return false;
	/* Its run has one namespace: one named already is it. */
	for (size_t i = 0; i < t->n; i++)
		if (current_run_of(t->v[i], c->id) && t->v[i]->mntns_key != key)
			return false;
	return true;
}

/* Claims namespace key for c, a container whose processes are all gone. */
static int claim_gone(struct container_table *t, struct container *c, uint64_t key,
		      uint64_t inum, const struct container **out)
{
	struct container *e;
	int r;

	c->mntns_key = key;
	c->mntns = inum ? inum : t->ns_ids ? 0 : key;
	r = merge_one(t, c, now_mono());
	if (r < 0)
		return r;
	t->pending += r;
	/* One the runtime says has exited lingers from now, as if seen go. */
	e = c->exited ? find_entry(t, c->id, key) : NULL;
	if (e && !e->exited)
		mark_exited(e, now_mono());
	r = reindex(t);
	*out = ct_lookup_mntns(t, key);
	return r;
}

/* The cgroup of the event's pid names container id, which an unprivileged
 * process can arrange (delegated cgroups). The namespace is the container's
 * only if the runtime's own record says so: the init pid it recorded lives
 * in that namespace, or, for a container whose processes are all gone
 * already (it lived a millisecond, or ig is slow), the runtime says it ran
 * (and ended, or is ending) when the namespace was seen. Else it is a hint. */
static int resolve_id(struct container_table *t, const char *id, uint64_t key, uint32_t pid,
		      uint64_t inum, uint64_t seen_ns, const struct container **out)
{
	struct container c;
	int r;

	if (load_by_id(t, id, &c) < 0)
		return -ENOENT;
	if (locate(t, &c)) {
		r = merge_one(t, &c, now_mono());
		if (r < 0)
			return r;
		t->pending += r;
		if (c.mntns_key == key) {
			r = reindex(t);
			*out = ct_lookup_mntns(t, key);
			return r;
		}
	} else if (pid_gone(t, pid) &&
		   (ending_when_seen(t, &c, key, seen_ns) || seen_while_it_ran(&c, seen_ns))) {
		return claim_gone(t, &c, key, inum, out);
	}
	return add_hint(t, &c, key, inum, pid, out);
}

/* Remembers IDs that already got a rescan past the rate limit, so a
 * container of a runtime we cannot read does not rescan on every event. */
static bool first_bypass(struct container_table *t, const char *id)
{
	size_t i, n = sizeof(t->bypassed) / sizeof(t->bypassed[0]);

	for (i = 0; i < n; i++)
		if (strcmp(t->bypassed[i], id) == 0)
			return false;
	memcpy(t->bypassed[t->next_bypass++ % n], id, CT_ID_LEN);
	return true;
}

static bool recently_missed(const struct container_table *t, uint64_t mntns,
			    struct timespec now)
{
	size_t i;

	for (i = 0; i < CT_NEGATIVE_SLOTS; i++)
		if (t->negative[i].key == mntns &&
		    ns_between(t->negative[i].at, now) < CT_NEGATIVE_NS)
			return true;
	return false;
}

static void remember_miss(struct container_table *t, uint64_t mntns, struct timespec now)
{
	unsigned int slot = t->next_negative++ % CT_NEGATIVE_SLOTS;

	t->negative[slot].key = mntns;
	t->negative[slot].at = now;
}

const struct container *ct_resolve(struct container_table *t, uint64_t mntns, uint32_t pid)
{
	const struct container *c = ct_lookup_mntns(t, mntns);
	bool hex = false, have_id, urgent = false;
	char id[CT_ID_LEN];
	struct timespec now;
	int r;

	if (c || !t || !mntns || mntns == t->host_mntns)
		return c;
	have_id = pid && ct_pid_cgroup_id(t, pid, id, sizeof(id), &hex) == 0;
	if (have_id) {
		if (resolve_id(t, id, mntns, pid, 0, 0, &c) == 0 && c)
			return c;
		urgent = hex && first_bypass(t, id);
	}
	now = now_mono();
	if (!urgent && t->scanned &&
	    (ns_between(t->last_scan, now) < CT_RESCAN_NS || recently_missed(t, mntns, now)))
		return NULL;
	r = rescan(t);
	if (r > 0)
		t->pending += r;
	c = ct_lookup_mntns(t, mntns);
	if (!c)
		remember_miss(t, mntns, now);
	return c;
}

const struct container *ct_resolve_cgroup(struct container_table *t, uint64_t key, uint64_t inum,
					  uint32_t pid, const char *cgroup_text, uint64_t seen_ns)
{
	const struct container *c = ct_lookup_mntns(t, key);
	char buf[512], id[CT_ID_LEN];
	bool hex = false;

	if (c || !t || !key || key == t->host_mntns || !cgroup_text)
		return c;
	snprintf(buf, sizeof(buf), "%s", cgroup_text);
	if (ct_cgroup_text_id(buf, id, sizeof(id), &hex) || !ct_valid_id(id))
		return NULL;
	if (resolve_id(t, id, key, pid, inum, seen_ns, &c) < 0)
		return NULL;
	return c;
}
