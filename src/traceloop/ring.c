// SPDX-License-Identifier: Apache-2.0
/*
 * Rings are BPF arrays (struct tl_rec slots) that BPF fills and we map: a
 * record is valid when its seq matches its index before and after the
 * copy (a seqlock), so a record overwritten while read is detected and
 * skipped. Also: reading a trace in order, and the flags' parsing.
 */
#include "list.h"
#include "traceloop/recorder_int.h"

/* ---- parsing ---------------------------------------------------------- */

static int set_syscall(const char *name, size_t len, void *arg)
{
	int nr = tl_syscall_nr(name, len);

	if (nr < 0)
		return -EINVAL;
	((uint8_t *)arg)[nr] = 1;
	return 0;
}

int tl_parse_syscalls(const char *list, uint8_t *flags, char *err, size_t errlen)
{
	const char *bad;
	size_t len;

	memset(flags, 0, TL_NR_MAX);
	if (!list_each(list, set_syscall, flags, &bad, &len))
		return 0;
	snprintf(err, errlen, "unknown syscall \"%.*s\" in --syscall-filters", (int)len, bad);
	return -EINVAL;
}

/* ---- rings ------------------------------------------------------------ */

uint32_t tl_slots_for(uint64_t bytes)
{
	uint64_t n = bytes / TL_SLOT_SIZE, p = 1;

	while (p * 2 <= n)
		p *= 2;
	return p;
}

int tl_ring_create(uint32_t nslots, int *fd, void **mem, size_t *size)
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

void tl_ring_free(int fd, void *mem, size_t size)
{
	if (mem && mem != MAP_FAILED)
		munmap(mem, size);
	if (fd >= 0)
		close(fd);
}

uint64_t tl_ring_head(const void *mem)
{
	return __atomic_load_n(&((const struct tl_ctl *)mem)->head, __ATOMIC_ACQUIRE);
}

/* 0, -EAGAIN (being written), or -ESTALE (overwritten by a later lap). */
int tl_read_slot(const void *mem, uint32_t nslots, uint64_t idx, struct tl_rec *out)
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

/* ---- reading ---------------------------------------------------------- */

void tl_trace_counts(const struct tl_trace *t, uint64_t *in_buffer, uint64_t *total)
{
	uint64_t head = tl_ring_head(t->mem);

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
	uint64_t head = tl_ring_head(t->mem), first = head > t->nslots ? head - t->nslots : 0;
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
		if (!tl_read_slot(t->mem, t->nslots, i, &s->recs[s->n]))
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
