// SPDX-License-Identifier: Apache-2.0
/*
 * The traceloop recorder. Rings are BPF arrays (struct tl_rec slots) that
 * BPF fills and we map: a record is valid when its seq matches its index
 * before and after the copy (a seqlock), so a record overwritten while
 * read is detected and skipped.
 *
 * A namespace with no ring records into the staging ring. We drain staging
 * often, keep each namespace's records aside, and resolve the namespace
 * through the container table: a selected container gets a ring and its
 * staged records; anything else gets a "deny" verdict in ig_mntns and its
 * records are dropped.
 *
 * Namespaces are named by key (struct tl_ns in the BPF program): the
 * kernel's unique id where user space can read it, else the inode number,
 * which the kernel reuses. With inode numbers, gen (the unique id, when the
 * kernel has one) tells the namespaces that shared one apart.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "enrich.h"
#include "skel.h"
#include "sys.h"
#include "traceloop/recorder.h"
#include "traceloop.skel.h"

#define PEND_MAX_RECS    4096            /* per unresolved namespace */
#define PEND_TIMEOUT_NS  (5ULL * 1000000000)
#define PEND_GRACE_NS    (2ULL * 1000000000)
#define EXIT_CHECK_NS    (250ULL * 1000000)
#define STUCK_NS         (20ULL * 1000000) /* a slot claimed but not written */
#define DENY_TTL_NS      (600ULL * 1000000000)

_Static_assert(sizeof(struct tl_rec) == TL_SLOT_SIZE, "one record per slot");
_Static_assert(sizeof(struct tl_ctl) == TL_SLOT_SIZE, "the control block is slot 0");

/* A namespace with records in staging and no trace yet. */
struct pend {
	uint64_t key, mntns, gen;     /* see struct tl_ns in the BPF program */
	uint32_t pid;                 /* latest process seen in it */
	char cg_id[CT_ID_LEN];        /* the container its cgroup names, if any */
	bool fresh;                   /* took a dead one's inode number */
	uint64_t last_ts;             /* its newest record (boot clock) */
	uint64_t first_seen;
	struct tl_rec *recs;
	size_t n, cap;
	uint64_t dropped;
	uint64_t lost_seen;           /* staging losses before it (st.lost_before) */
};

struct staging {
	void *mem;
	size_t size;
	uint32_t nslots;
	uint64_t cursor;
	uint64_t stuck_since;
	uint64_t lost;
	uint64_t lost_before;         /* lost before the last drain found more */
};

struct tl_recorder {
	struct gadget_ctx ctx;
	struct run_opts opts;
	struct tl_config cfg;
	struct enricher *enr;
	struct tl_systable *sys;
	struct schema schema;         /* for the enricher's rows */
	struct row row;
	struct ring_buffer *rb;
	int rings_fd, pending_fd, gens_fd;
	struct staging st;
	struct tl_trace *traces;
	unsigned int next_id;
	struct pend *pend;
	size_t npend;
	struct denied {               /* our DENY verdicts, to expire them */
		uint64_t key, at;
	} *denied;
	size_t ndenied;
	uint64_t last_exit_check;
	unsigned int unplaced;        /* live traces whose ring is not in the kernel */
	bool place_warned;
	bool by_id;                   /* keys are unique ids, not inode numbers */
	int sys_err;                  /* loading the syscall table */
	uint64_t host_key;
	bool detached;
};

IG_SKEL_OPS(traceloop);

/* ---- parsing ---------------------------------------------------------- */

int tl_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end == 'i' || *end == 'I')
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int tl_parse_syscalls(const char *list, uint8_t *flags, char *err, size_t errlen)
{
	memset(flags, 0, TL_NR_MAX);
	while (list && *list) {
		size_t len = strcspn(list, ",");
		int nr;

		if (len) {
			nr = tl_syscall_nr(list, len);
			if (nr < 0) {
				snprintf(err, errlen, "unknown syscall \"%.*s\" in --syscall-filters",
					 (int)len, list);
				return -EINVAL;
			}
			flags[nr] = 1;
		}
		list += len + (list[len] == ',');
	}
	return 0;
}

/* ---- rings ------------------------------------------------------------ */

static uint32_t slots_for(uint64_t bytes)
{
	uint64_t n = bytes / TL_SLOT_SIZE, p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

static int ring_create(uint32_t nslots, int *fd, void **mem, size_t *size)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE | BPF_F_INNER_MAP);
	long page = sysconf(_SC_PAGESIZE);
	struct tl_ctl *ctl;

	*size = ((size_t)(nslots + 1) * TL_SLOT_SIZE + page - 1) / page * page;
	*fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tl_ring", sizeof(__u32), TL_SLOT_SIZE,
			     nslots + 1, &o);
	if (*fd < 0)
		return -errno;
	*mem = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	if (*mem == MAP_FAILED) {
		int err = -errno;

		close(*fd);
		*fd = -1;
		return err;
	}
	ctl = *mem;
	ctl->head = 0;
	ctl->mask = nslots - 1;
	return 0;
}

static void ring_free(int fd, void *mem, size_t size)
{
	if (mem && mem != MAP_FAILED)
		munmap(mem, size);
	if (fd >= 0)
		close(fd);
}

static uint64_t ring_head(const void *mem)
{
	return __atomic_load_n(&((const struct tl_ctl *)mem)->head, __ATOMIC_ACQUIRE);
}

/* 0, -EAGAIN (being written), or -ESTALE (overwritten by a later lap). */
static int read_slot(const void *mem, uint32_t nslots, uint64_t idx, struct tl_rec *out)
{
	const struct tl_rec *slot = (const struct tl_rec *)mem + 1 + (idx & (nslots - 1));
	uint64_t want = idx + 1, s1, s2;

	s1 = __atomic_load_n(&slot->seq, __ATOMIC_ACQUIRE);
	if (s1 != want)
		return s1 == 0 || s1 < want ? -EAGAIN : -ESTALE;
	memcpy(out, slot, sizeof(*out));
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&slot->seq, __ATOMIC_RELAXED);
	/* The ring is shared memory: never trust a length read from it. */
	if (out->len > sizeof(out->data)) {
		out->len = sizeof(out->data);
		out->flags |= TL_F_TRUNC;
	}
	return s2 == want ? 0 : -ESTALE;
}

/* ---- traces ----------------------------------------------------------- */

static uint64_t trace_gen(const struct tl_trace *t)
{
	return t->gen ? t->gen : __atomic_load_n(&((const struct tl_ctl *)t->mem)->gen,
						 __ATOMIC_RELAXED);
}

/* The key of a namespace in the maps and the container table. */
static uint64_t key_of(const struct tl_recorder *r, uint64_t mntns, uint64_t gen)
{
	return r->by_id && gen ? gen : mntns;
}

static struct tl_trace *live_trace(struct tl_recorder *r, uint64_t key)
{
	for (struct tl_trace *t = r->traces; t; t = t->next)
		if (!t->exited && t->key == key)
			return t;
	return NULL;
}

/* The trace of this very namespace (live or exited), if any. */
static struct tl_trace *trace_of(struct tl_recorder *r, uint64_t key, uint64_t gen)
{
	for (struct tl_trace *t = r->traces; t; t = t->next) {
		uint64_t g = trace_gen(t);

		if (t->key == key && (g == gen || (!g && !t->exited)))
			return t;
	}
	return NULL;
}

static int append_recs(struct tl_rec **v, size_t *n, size_t *cap, const struct tl_rec *recs,
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
static void set_verdict(struct tl_recorder *r, uint64_t key, uint64_t gen, __u8 v)
{
	if (!r->by_id)
		bpf_map_update_elem(r->gens_fd, &key, &gen, BPF_ANY);
	bpf_map_update_elem(r->ctx.mntns_fd, &key, &v, BPF_ANY);
}

/* gen 0: the namespace's first record binds the ring to it. */
static struct tl_trace *trace_create(struct tl_recorder *r, const struct container *c,
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
	t->nslots = slots_for(r->cfg.buffer_bytes);
	t->started_wall = sys_now_ns(CLOCK_REALTIME);
	t->started_boot = sys_now_ns(CLOCK_BOOTTIME);
	err = ring_create(t->nslots, &t->fd, &t->mem, &t->mem_size);
	if (!err)
		((struct tl_ctl *)t->mem)->gen = gen;
	if (err) {
		ig_err("traceloop: cannot create the buffer of container %s: %s", c->name,
		       strerror(-err));
		ring_free(t->fd, t->mem, t->mem_size);
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

static void trace_free(struct tl_trace *t)
{
	ring_free(t->fd, t->mem, t->mem_size);
	free(t->pre);
	free(t);
}

/* The container is gone: its namespace may be reused, so its ring leaves
 * the kernel, but we keep it to be read. */
static void trace_retire(struct tl_recorder *r, struct tl_trace *t)
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
	t->gen = trace_gen(t);
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
		trace_retire(r, t);
	trace_free(t);
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
static bool trace_newest(const struct tl_trace *t, struct tl_rec *rec)
{
	uint64_t head = ring_head(t->mem);

	return head && !read_slot(t->mem, t->nslots, head - 1, rec);
}

/* Its process, or the one that made the last syscall, is still in it. */
static bool still_running(const struct tl_recorder *r, const struct tl_trace *t)
{
	struct tl_rec rec;

	if (t->c.pid && pid_in_ns(r, t->c.pid, t->mntns))
		return true;
	return trace_newest(t, &rec) && pid_in_ns(r, rec.pid, t->mntns);
}

/*
 * A trace's container is gone when the table says it exited, or, if the
 * table does not know it (it came and went before the runtime wrote its
 * state, or the table still holds the previous owner of the inode
 * number), when its process is gone.
 */
static void check_exits(struct tl_recorder *r)
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
		trace_retire(r, t);
		ig_info("traceloop: container %s exited; trace %u kept", t->c.name, t->id);
		retired = true;
	}
	if (retired)
		enforce_retention(r);
}

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
	if (n && append_recs(&t->pre, &t->npre, &t->cap_pre, recs, n))
		t->pre_dropped += n;
}

static void stage_record(struct tl_recorder *r, const struct tl_rec *rec)
{
	uint64_t key = key_of(r, rec->mntns, rec->gen);
	struct tl_trace *t;
	struct pend *p;

	t = trace_of(r, key, rec->gen);
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
	if (p->n >= PEND_MAX_RECS || append_recs(&p->recs, &p->n, &p->cap, rec, 1))
		p->dropped++;
}

static void drain_staging(struct tl_recorder *r)
{
	struct staging *s = &r->st;
	uint64_t head = ring_head(s->mem);
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
		int err = read_slot(s->mem, s->nslots, s->cursor, &rec);

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

	if (c)
		return c;
	row_reset(&r->row);
	r->row.mntns_key = p->key;
	row_set_uint(&r->row, CF_MNTNS, p->mntns);
	row_set_uint(&r->row, CF_PID, p->pid);
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
	set_verdict(r, p->key, p->gen, IG_MNTNS_DENY);
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
static void expire_denied(struct tl_recorder *r, uint64_t now)
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

	return trace_newest(t, &rec) ? rec.ts : t->started_boot;
}

/*
 * Two namespaces cannot hold one inode number at once, so when a trace is
 * live for the inode of another namespace, the one seen last is alive
 * and the other dead (namespace ids say which is which, not which came
 * first). Returns whether p may go on: false when p was a dead one's.
 */
static bool settle_inode(struct tl_recorder *r, struct pend *p)
{
	struct tl_trace *t = live_trace(r, p->key);

	if (!t || trace_gen(t) == p->gen)
		return true;
	if (p->last_ts > trace_last_ts(t)) {
		trace_retire(r, t);
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
	t = trace_create(r, c, p->key, p->mntns, p->gen);
	if (!t)
		return;
	trace_take(t, p->recs, p->n);
	t->pre_dropped += p->dropped;
	t->maybe_lost += r->st.lost - p->lost_seen;
	set_verdict(r, p->key, p->gen, IG_MNTNS_ALLOW);
	/* It may have come and gone before we knew it. */
	if (c->exited)
		trace_retire(r, t);
	pend_remove(r, p);
}

static void resolve_all(struct tl_recorder *r)
{
	for (size_t i = r->npend; i-- > 0;)
		resolve(r, &r->pend[i]);
}

static int on_notify(void *arg, void *data, size_t size)
{
	struct tl_recorder *r = arg;
	const struct tl_notify *n = data;
	struct pend *p;

	if (size < sizeof(*n))
		return 0;
	drain_staging(r);
	if (trace_of(r, n->key, n->gen))
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
	resolve(r, p);
	return 0;
}

/* ---- lifecycle -------------------------------------------------------- */

static int configure(struct gadget_ctx *ctx, void *s)
{
	struct traceloop_bpf *skel = s;
	struct tl_recorder *r = (struct tl_recorder *)ctx;

	skel->rodata->tl_host_key = r->host_key;
	skel->rodata->tl_filter_syscalls = r->cfg.syscalls != NULL;
	return 0;
}

/* Through the mapped .bss: no syscall per entry. */
static void fill_tables(struct tl_recorder *r)
{
	struct traceloop_bpf *skel = r->ctx.skel;

	for (__u32 nr = 0; nr < TL_SYSCALL_COUNT; nr++) {
		tl_sysinfo_desc(&r->sys->s[nr], &skel->bss->tl_descs[nr]);
		skel->bss->tl_syscall_on[nr] = r->cfg.syscalls ? r->cfg.syscalls[nr] : 1;
	}
}

/*
 * Put the rings of new traces in the kernel, all in one batch: every
 * update of a map of maps waits for an RCU grace period (milliseconds),
 * which one batch pays once. Meanwhile their syscalls are staged.
 */
static void place_rings(struct tl_recorder *r)
{
	__u64 *keys;
	int *fds;
	__u32 n = 0, want;
	int err;

	if (!r->unplaced)
		return;
	keys = calloc(r->unplaced, sizeof(*keys));
	fds = calloc(r->unplaced, sizeof(*fds));
	if (!keys || !fds)
		goto out;
	for (struct tl_trace *t = r->traces; t && n < r->unplaced; t = t->next) {
		if (t->exited || t->in_kernel)
			continue;
		keys[n] = t->key;
		fds[n++] = t->fd;
	}
	want = n;
	err = bpf_map_update_batch(r->rings_fd, keys, fds, &n, NULL);
	if (err && !r->place_warned) {
		ig_err("traceloop: cannot give the kernel %u of %u buffers: %s", want - n, want,
		       strerror(errno));
		r->place_warned = true;
	}
	for (__u32 i = 0; i < n; i++) {
		for (struct tl_trace *t = r->traces; t; t = t->next) {
			if (!t->exited && !t->in_kernel && t->key == keys[i]) {
				t->in_kernel = true;
				r->unplaced--;
				/* BPF records into the ring now: no more news. */
				bpf_map_delete_elem(r->pending_fd, &t->key);
			}
		}
	}
out:
	free(keys);
	free(fds);
}

/* The staging ring is the object's own map: map it and set its mask. */
static int setup_staging(struct tl_recorder *r)
{
	struct traceloop_bpf *skel = r->ctx.skel;
	long page = sysconf(_SC_PAGESIZE);

	r->st.nslots = TL_STAGING_SLOTS;
	r->st.size = ((size_t)(TL_STAGING_SLOTS + 1) * TL_SLOT_SIZE + page - 1) / page * page;
	r->st.mem = mmap(NULL, r->st.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 bpf_map__fd(skel->maps.tl_staging), 0);
	if (r->st.mem == MAP_FAILED) {
		int err = -errno;

		r->st.mem = NULL;
		ig_err("traceloop: cannot map the staging buffer: %s", strerror(-err));
		return err;
	}
	((struct tl_ctl *)r->st.mem)->mask = TL_STAGING_SLOTS - 1;
	return 0;
}

static void trace_running(struct tl_recorder *r)
{
	struct container_table *ct = enricher_table(r->enr);

	for (size_t i = 0; i < ct_count(ct); i++) {
		const struct container *c = ct_at(ct, i);

		if (!c->exited && c->mntns_key && enricher_selects(r->enr, c) &&
		    !live_trace(r, c->mntns_key))
			trace_create(r, c, c->mntns_key, c->mntns, r->by_id ? c->mntns_key : 0);
	}
}

static int load(struct tl_recorder *r)
{
	struct traceloop_bpf *skel;
	int err;

	err = ig_skel_start(&r->ctx, &traceloop_skel_ops, configure);
	if (err)
		return err;
	skel = r->ctx.skel;
	r->rings_fd = bpf_map__fd(skel->maps.tl_rings);
	r->pending_fd = bpf_map__fd(skel->maps.tl_pending);
	r->gens_fd = bpf_map__fd(skel->maps.tl_gens);
	return setup_staging(r);
}

static int load_systable(struct tl_recorder *r)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events/syscalls",
		"/sys/kernel/debug/tracing/events/syscalls",
	};
	int n = -ENOENT;

	r->sys = malloc(sizeof(*r->sys));
	if (!r->sys)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(dirs) && n <= 0; i++)
		n = tl_systable_load(r->sys, dirs[i]);
	if (n <= 0) {
		ig_err("traceloop: cannot read the syscall formats in tracefs (%s): is CONFIG_FTRACE_SYSCALLS set?",
		       strerror(n ? -n : ENOENT));
		return n ? n : -ENOENT;
	}
	ig_info("traceloop: %d syscalls described by the kernel's tracefs formats", n);
	return 0;
}

/* Reading some 400 tracefs files takes about as long as loading the
 * programs: both at once. */
static void *systable_thread(void *arg)
{
	struct tl_recorder *r = arg;

	r->sys_err = load_systable(r);
	return NULL;
}

/* The parts that do not wait for the syscall table. */
static int load_objects(struct tl_recorder *r)
{
	r->enr = enricher_new(&r->opts);
	if (!r->enr)
		return -ENOMEM;
	r->by_id = enricher_mntns_by_id(r->enr);
	r->opts.mntns_by_id = r->by_id;
	r->host_key = ct_host_mntns(enricher_table(r->enr));
	return load(r);
}

struct tl_recorder *tl_recorder_start(const struct gadget *g, const struct run_opts *o,
				      const struct tl_config *cfg)
{
	struct tl_recorder *r = calloc(1, sizeof(*r));
	bool threaded;
	pthread_t th;
	int err;

	if (!r) {
		ig_err("out of memory");
		return NULL;
	}
	r->opts = *o;
	r->opts.filter_mntns = false;  /* the programs check the namespace first */
	if (!r->opts.ring_size)
		r->opts.ring_size = 1 << 16;   /* notifications only */
	r->cfg = *cfg;
	r->ctx.g = g;
	r->ctx.opts = &r->opts;
	r->rings_fd = r->pending_fd = r->gens_fd = -1;
	r->ctx.boot_to_wall_ns = sys_boot_to_wall_ns();
	if (schema_init(&r->schema, NULL, 0, NULL) || row_init(&r->row, &r->schema)) {
		ig_err("out of memory");
		goto fail;
	}
	threaded = !pthread_create(&th, NULL, systable_thread, r);
	if (!threaded)
		r->sys_err = load_systable(r);
	err = load_objects(r);
	if (threaded)
		pthread_join(th, NULL);
	if (err || r->sys_err)
		goto fail;
	fill_tables(r);
	trace_running(r);
	place_rings(r);
	enricher_attach_map(r->enr, r->ctx.mntns_fd, r->ctx.hints_fd);
	r->rb = ring_buffer__new(r->ctx.events_fd, on_notify, r, NULL);
	if (!r->rb) {
		ig_err("traceloop: cannot read the ring buffer: %s", strerror(errno));
		goto fail;
	}
	if (ig_skel_attach(&r->ctx))
		goto fail;
	return r;
fail:
	tl_recorder_free(r);
	return NULL;
}

int tl_recorder_poll(struct tl_recorder *r, int ms)
{
	uint64_t now;
	int err = 0;

	if (!r->detached) {
		err = ring_buffer__poll(r->rb, ms);
		if (err == -EINTR)
			err = 0;
	}
	drain_staging(r);
	resolve_all(r);
	enricher_tick(r->enr);
	now = sys_now_ns(CLOCK_MONOTONIC);
	if (now - r->last_exit_check >= EXIT_CHECK_NS) {
		r->last_exit_check = now;
		check_exits(r);
		expire_denied(r, now);
	}
	if (!r->detached)
		place_rings(r);
	return err < 0 ? err : 0;
}

int tl_recorder_fd(const struct tl_recorder *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

void tl_recorder_detach(struct tl_recorder *r)
{
	if (r->detached)
		return;
	ig_skel_detach(&r->ctx);
	ring_buffer__consume(r->rb);
	drain_staging(r);
	resolve_all(r);
	r->detached = true;
	if (r->st.lost)
		ig_err("traceloop: %llu records of starting containers were lost: user space fell behind the staging buffer",
		       (unsigned long long)r->st.lost);
}

void tl_recorder_free(struct tl_recorder *r)
{
	if (!r)
		return;
	while (r->traces) {
		struct tl_trace *t = r->traces;

		r->traces = t->next;
		trace_free(t);
	}
	while (r->npend)
		free(r->pend[--r->npend].recs);
	free(r->pend);
	free(r->denied);
	ring_buffer__free(r->rb);
	ig_skel_destroy(&r->ctx);
	if (r->st.mem)
		munmap(r->st.mem, r->st.size);
	enricher_free(r->enr);
	row_free(&r->row);
	schema_free(&r->schema);
	free(r->sys);
	free(r);
}

struct tl_trace *tl_recorder_traces(struct tl_recorder *r)
{
	return r->traces;
}

const struct tl_systable *tl_recorder_systable(const struct tl_recorder *r)
{
	return r->sys;
}

uint64_t tl_recorder_boot_to_wall(const struct tl_recorder *r)
{
	return r->ctx.boot_to_wall_ns;
}

uint64_t tl_recorder_staging_lost(const struct tl_recorder *r)
{
	return r->st.lost;
}

const struct enricher *tl_recorder_enricher(const struct tl_recorder *r)
{
	return r->enr;
}

/* ---- reading ---------------------------------------------------------- */

void tl_trace_counts(const struct tl_trace *t, uint64_t *in_buffer, uint64_t *total)
{
	uint64_t head = ring_head(t->mem);

	*total = head + t->npre + t->pre_dropped;
	*in_buffer = head > t->nslots ? t->nslots : head + t->npre;
}

static int kind_rank(uint8_t kind)
{
	return kind == TL_ENTER ? 0 : kind == TL_CONT ? 1 : 2;
}

static int rec_cmp(const void *pa, const void *pb)
{
	const struct tl_rec *a = pa, *b = pb;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	if (a->tid != b->tid)
		return a->tid < b->tid ? -1 : 1;
	if (kind_rank(a->kind) != kind_rank(b->kind))
		return kind_rank(a->kind) - kind_rank(b->kind);
	if (a->arg != b->arg)
		return a->arg < b->arg ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void tl_sort_records(struct tl_rec *recs, size_t n)
{
	qsort(recs, n, sizeof(*recs), rec_cmp);
}

int tl_trace_snapshot(const struct tl_trace *t, struct tl_snapshot *s)
{
	uint64_t head = ring_head(t->mem), first = head > t->nslots ? head - t->nslots : 0;
	bool wrapped = first > 0;
	size_t cap = (head - first) + (wrapped ? 0 : t->npre);

	memset(s, 0, sizeof(*s));
	s->recs = malloc((cap ? cap : 1) * sizeof(*s->recs));
	if (!s->recs)
		return -ENOMEM;
	/* The newest records survive: once the ring has wrapped, the staged
	 * first records are older than what it lost. */
	if (!wrapped && t->npre) {
		memcpy(s->recs, t->pre, t->npre * sizeof(*t->pre));
		s->n = t->npre;
	}
	for (uint64_t i = first; i < head && s->n < cap; i++)
		if (!read_slot(t->mem, t->nslots, i, &s->recs[s->n]))
			s->n++;
	s->total = head + t->npre + t->pre_dropped;
	s->dropped = s->total - s->n;
	tl_sort_records(s->recs, s->n);
	return 0;
}

void tl_snapshot_free(struct tl_snapshot *s)
{
	free(s->recs);
	s->recs = NULL;
	s->n = 0;
}
