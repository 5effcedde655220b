// SPDX-License-Identifier: Apache-2.0
/*
 * Traces: one per traced container, with its ring; an exited container's
 * trace stays readable within --max-exited and --max-exited-bytes.
 */
#include "traceloop/recorder_int.h"

/* ---- traces ----------------------------------------------------------- */

uint64_t tl_trace_gen(const struct tl_trace *t)
{
	return t->gen ? t->gen : __atomic_load_n(&((const struct tl_ctl *)t->mem)->gen,
						 __ATOMIC_RELAXED);
}

/* The key of a namespace in the maps and the container table. */
uint64_t tl_key_of(const struct tl_recorder *r, uint64_t mntns, uint64_t gen)
{
	return r->by_id && gen ? gen : mntns;
}

struct tl_trace *tl_live_trace(struct tl_recorder *r, uint64_t key)
{
	for (struct tl_trace *t = r->traces; t; t = t->next)
		if (!t->exited && t->key == key)
			return t;
	return NULL;
}

/* The trace of this very namespace (live or exited), if any. */
struct tl_trace *tl_trace_of(struct tl_recorder *r, uint64_t key, uint64_t gen)
{
	for (struct tl_trace *t = r->traces; t; t = t->next) {
		uint64_t g = tl_trace_gen(t);

		if (t->key == key && (g == gen || (!g && !t->exited)))
			return t;
	}
	return NULL;
}

int tl_append_recs(struct tl_rec **v, size_t *n, size_t *cap, const struct tl_rec *recs,
		       size_t k)
{
	if (*n + k > *cap) {
		size_t ncap = *cap ? *cap : 64;
		void *p;

		while (ncap < *n + k)
			ncap *= 2;
		p = realloc(*v, ncap * sizeof(**v));
		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = ncap;
	}
	memcpy(*v + *n, recs, k * sizeof(*recs));
	*n += k;
	return 0;
}

/* A verdict in ig_mntns, for this namespace only (see tl_gens). */
void tl_set_verdict(struct tl_recorder *r, uint64_t key, uint64_t gen, __u8 v)
{
	if (!r->by_id)
		bpf_map_update_elem(r->gens_fd, &key, &gen, BPF_ANY);
	bpf_map_update_elem(r->ctx.mntns_fd, &key, &v, BPF_ANY);
}

/* gen 0: the namespace's first record binds the ring to it. */
struct tl_trace *tl_trace_create(struct tl_recorder *r, const struct container *c,
				     uint64_t key, uint64_t mntns, uint64_t gen)
{
	struct tl_trace *t = calloc(1, sizeof(*t)), **tail;
	int err;

	if (!t)
		return NULL;
	t->c = *c;
	t->key = key;
	t->mntns = mntns;
	t->gen = gen;
	t->nslots = tl_slots_for(r->cfg.buffer_bytes);
	t->started_wall = sys_now_ns(CLOCK_REALTIME);
	t->started_boot = sys_now_ns(CLOCK_BOOTTIME);
	err = tl_ring_create(t->nslots, &t->fd, &t->mem, &t->mem_size);
	if (!err)
		((struct tl_ctl *)t->mem)->gen = gen;
	if (err) {
		ig_err("traceloop: cannot create the buffer of container %s: %s", c->name,
		       strerror(-err));
		tl_ring_free(t->fd, t->mem, t->mem_size);
		free(t);
		return NULL;
	}
	t->id = ++r->next_id;
	for (tail = &r->traces; *tail; tail = &(*tail)->next)
		;
	*tail = t;
	r->unplaced++;   /* its ring goes to the kernel with the next batch */
	ig_info("traceloop: recording container %s (mntns %llu, id %llu) as trace %u", c->name,
		(unsigned long long)t->mntns, (unsigned long long)gen, t->id);
	return t;
}

void tl_trace_free(struct tl_trace *t)
{
	tl_ring_free(t->fd, t->mem, t->mem_size);
	free(t->pre);
	free(t);
}

/* The container is gone: its namespace may be reused, so its ring leaves
 * the kernel, but we keep it to be read. */
void tl_trace_retire(struct tl_recorder *r, struct tl_trace *t)
{
	/* A straggler of the dead namespace is staged and comes back here;
	 * the next namespace with this inode number starts unclassified. */
	if (t->in_kernel)
		bpf_map_delete_elem(r->rings_fd, &t->key);
	else
		r->unplaced--;
	t->in_kernel = false;
	bpf_map_delete_elem(r->ctx.mntns_fd, &t->key);
	bpf_map_delete_elem(r->gens_fd, &t->key);
	bpf_map_delete_elem(r->pending_fd, &t->key);
	t->gen = tl_trace_gen(t);
	t->exited = true;
	t->exited_mono = sys_now_ns(CLOCK_MONOTONIC);
}

void tl_recorder_close_trace(struct tl_recorder *r, struct tl_trace *t)
{
	struct tl_trace **pp;

	for (pp = &r->traces; *pp && *pp != t; pp = &(*pp)->next)
		;
	if (!*pp)
		return;
	*pp = t->next;
	if (!t->exited)
		tl_trace_retire(r, t);
	tl_trace_free(t);
}

static uint64_t trace_bytes(const struct tl_trace *t)
{
	return t->mem_size + t->cap_pre * sizeof(struct tl_rec);
}

/* Keep at most max_exited exited traces and max_exited_bytes of them,
 * dropping the ones that exited first. */
static void enforce_retention(struct tl_recorder *r)
{
	for (;;) {
		struct tl_trace *oldest = NULL;
		uint64_t bytes = 0;
		unsigned int n = 0;

		for (struct tl_trace *t = r->traces; t; t = t->next) {
			if (!t->exited)
				continue;
			n++;
			bytes += trace_bytes(t);
			if (!oldest || t->exited_mono < oldest->exited_mono)
				oldest = t;
		}
		if (!oldest || (n <= r->cfg.max_exited && bytes <= r->cfg.max_exited_bytes))
			return;
		ig_info("traceloop: dropping trace %u of exited container %s (retention limits)",
			oldest->id, oldest->c.name);
		tl_recorder_close_trace(r, oldest);
	}
}

/* Whether pid still lives in the namespace (pids are reused). */
static bool pid_in_ns(const struct tl_recorder *r, uint32_t pid, uint64_t mntns)
{
	char path[4200], link[64];
	unsigned long long ns;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/proc/%u/ns/mnt", r->opts.host_root ? r->opts.host_root : "",
		 pid);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = 0;
	return sscanf(link, "mnt:[%llu]", &ns) == 1 && ns == mntns;
}

/* The newest record in a trace's ring; false if there is none. */
bool tl_trace_newest(const struct tl_trace *t, struct tl_rec *rec)
{
	uint64_t head = tl_ring_head(t->mem);

	return head && !tl_read_slot(t->mem, t->nslots, head - 1, rec);
}

/* Its process, or the one that made the last syscall, is still in it. */
static bool still_running(const struct tl_recorder *r, const struct tl_trace *t)
{
	struct tl_rec rec;

	if (t->c.pid && pid_in_ns(r, t->c.pid, t->mntns))
		return true;
	return tl_trace_newest(t, &rec) && pid_in_ns(r, rec.pid, t->mntns);
}

/*
 * A trace's container is gone when the table says it exited, or, if the
 * table does not know it (it came and went before the runtime wrote its
 * state, or the table still holds the previous owner of the inode
 * number), when its process is gone.
 */
void tl_check_exits(struct tl_recorder *r)
{
	struct container_table *ct = enricher_table(r->enr);
	bool retired = false;

	for (struct tl_trace *t = r->traces; t; t = t->next) {
		const struct container *c;

		if (t->exited)
			continue;
		c = ct_lookup_mntns(ct, t->key);
		if (c && !strcmp(c->id, t->c.id)) {
			if (!c->exited) {
				t->c = *c;   /* the pid and name may be known only now */
				continue;
			}
		} else if (still_running(r, t)) {
			continue;
		}
		tl_trace_retire(r, t);
		ig_info("traceloop: container %s exited; trace %u kept", t->c.name, t->id);
		retired = true;
	}
	if (retired)
		enforce_retention(r);
}
