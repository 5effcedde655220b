// SPDX-License-Identifier: Apache-2.0
/* Writing the minimized BTF (btf_min.h) from what btf_min.c marked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "btf_min_int.h"

/* ------------------------------------------------------------- emitting */

/* One output section: types or strings. */
struct sec {
	char *p;
	size_t len, cap;
};

static void *sec_add(struct sec *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1 << 16;
		char *more;

		while (cap < b->len + n)
			cap *= 2;
		more = realloc(b->p, cap);
		if (!more)
			return NULL;
		b->p = more;
		b->cap = cap;
	}
	b->len += n;
	return b->p + b->len - n;
}

/* The output's strings, each kernel name once: kernel offset -> ours. */
struct strs {
	struct sec sec;
	uint32_t *key, *val;      /* open addressing; key is the kernel offset + 1 */
	uint32_t cap;             /* a power of two */
	uint32_t used;
};

static int strs_grow(struct strs *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 4096, *key = calloc(cap, 4), *val = calloc(cap, 4);

	if (!key || !val) {
		free(key);
		free(val);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < s->cap; i++) {
		uint32_t j = s->key[i] * 2654435761u & (cap - 1);

		if (!s->key[i])
			continue;
		while (key[j])
			j = (j + 1) & (cap - 1);
		key[j] = s->key[i];
		val[j] = s->val[i];
	}
	free(s->key);
	free(s->val);
	s->key = key;
	s->val = val;
	s->cap = cap;
	return 0;
}

/* Our offset of the kernel's name at off; 0 for "", -1 on ENOMEM. */
static long str_of(const struct marks *m, struct strs *s, uint32_t off)
{
	const char *name = kname(m, off);
	size_t n = strlen(name) + 1;
	uint32_t j;
	char *p;

	if (!*name)
		return 0;
	if (s->used * 2 >= s->cap && strs_grow(s))
		return -1;
	for (j = (off + 1) * 2654435761u & (s->cap - 1); s->key[j]; j = (j + 1) & (s->cap - 1))
		if (s->key[j] == off + 1)
			return s->val[j];
	p = sec_add(&s->sec, n);
	if (!p)
		return -1;
	memcpy(p, name, n);
	s->key[j] = off + 1;
	s->val[j] = s->sec.len - n;
	s->used++;
	return s->val[j];
}

/* Point the name_off at p (a type's or a member's) to our copy. */
static int rename_at(const struct marks *m, struct strs *s, void *p)
{
	uint32_t off;
	long n;

	memcpy(&off, p, 4);
	n = str_of(m, s, off);
	if (n < 0)
		return -ENOMEM;
	off = n;
	memcpy(p, &off, 4);
	return 0;
}

#define INFO(kind, kflag, vlen) ((uint32_t)(kflag) << 31 | (uint32_t)(kind) << 24 | (vlen))

/* A kept struct or union: its marked members only. */
static int emit_composite(struct sec *ty, struct strs *s, const struct marks *m, uint32_t id)
{
	const struct btf_type *t = ktype(m, id);
	const uint64_t *bits = m->members[id];
	struct btf_type *o = sec_add(ty, sizeof(*o));
	uint16_t kept = 0;

	if (!o)
		return -ENOMEM;
	*o = *t;
	if (rename_at(m, s, &o->name_off))
		return -ENOMEM;
	for (uint16_t i = 0; bits && i < btf_vlen(t); i++) {
		struct btf_member *mb;

		if (!(bits[i / 64] & (1ULL << (i % 64))))
			continue;
		mb = sec_add(ty, sizeof(*mb));
		if (!mb)
			return -ENOMEM;
		*mb = btf_members(t)[i];
		if (rename_at(m, s, &mb->name_off))
			return -ENOMEM;
		kept++;
	}
	/* sec_add may have moved the buffer: o is found again from the end */
	o = (struct btf_type *)(ty->p + ty->len - kept * sizeof(struct btf_member) - sizeof(*o));
	o->info = INFO(btf_kind(t), btf_kflag(t), kept);
	return 0;
}

/* Any other kept type: copied whole, its names (and its enumerators' or
 * parameters') pointed at our strings. */
static int emit_type(struct sec *ty, struct strs *s, const struct marks *m, uint32_t id)
{
	const struct btf_type *t = ktype(m, id);
	size_t n = sizeof(*t) + btf_raw_extra(t), step = 0;
	char *o = sec_add(ty, n);

	if (!o)
		return -ENOMEM;
	memcpy(o, t, n);
	if (btf_is_enum(t))
		step = sizeof(struct btf_enum);
	else if (btf_is_enum64(t))
		step = sizeof(struct btf_enum64);
	else if (btf_is_func_proto(t))
		step = sizeof(struct btf_param);
	if (rename_at(m, s, o))
		return -ENOMEM;
	for (uint16_t i = 0; step && i < btf_vlen(t); i++) {
		o = ty->p + ty->len - n;   /* rename_at may not move it, but be sure */
		if (rename_at(m, s, o + sizeof(*t) + i * step))
			return -ENOMEM;
	}
	return 0;
}

/* The kept types at their kernel IDs, one-word placeholders between. */
int btf_min_emit(const struct marks *m, void **res, uint32_t *size)
{
	struct btf_type hole = { .info = INFO(BTF_KIND_PTR, 0, 0) };
	struct strs s = { { NULL, 0, 0 }, NULL, NULL, 0, 0 };
	struct sec ty = { NULL, 0, 0 };
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h) };
	int err = sec_add(&s.sec, 1) ? 0 : -ENOMEM;
	char *out;

	if (!err)
		s.sec.p[0] = 0;
	for (uint32_t id = 1; !err && id <= m->max_kept; id++) {
		const struct btf_type *t = ktype(m, id);
		void *p;

		if (!m->kept[id])
			err = (p = sec_add(&ty, sizeof(hole))) ? (memcpy(p, &hole, sizeof(hole)), 0) :
								   -ENOMEM;
		else if (btf_is_composite(t))
			err = emit_composite(&ty, &s, m, id);
		else
			err = emit_type(&ty, &s, m, id);
	}
	h.type_len = ty.len;
	h.str_off = ty.len;
	h.str_len = s.sec.len;
	out = err ? NULL : malloc(sizeof(h) + ty.len + s.sec.len);
	if (out) {
		memcpy(out, &h, sizeof(h));
		memcpy(out + sizeof(h), ty.p, ty.len);
		memcpy(out + sizeof(h) + ty.len, s.sec.p, s.sec.len);
		*res = out;
		*size = sizeof(h) + ty.len + s.sec.len;
	} else if (!err) {
		err = -ENOMEM;
	}
	free(ty.p);
	free(s.sec.p);
	free(s.key);
	free(s.val);
	return err;
}

