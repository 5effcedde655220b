// SPDX-License-Identifier: Apache-2.0
/*
 * Minimized kernel BTF (see btf_min.h). What is kept, per object:
 *
 *  - for each CO-RE relocation, every kernel type whose essential name
 *    (the name without a ___flavor suffix) and kind match the local root
 *    type: libbpf's candidates. For a field relocation, the members the
 *    access string names (found through anonymous structs and unions, as
 *    libbpf looks for them), step by step; for a type relocation, the type;
 *    for an enum value relocation, the enum. A superset of what libbpf looks
 *    at, so it reaches the same answer, including "does not exist";
 *  - each kfunc or typed ksym the object declares (.ksyms), by name;
 *  - each tp_btf program's btf_trace_<tracepoint> typedef, each iter
 *    program's bpf_iter_<target> function.
 *
 * A kept type keeps what it refers to, except that a struct or union keeps
 * only its marked members: one reached only through a pointer or as a
 * member's type is kept with its name and size, which is all libbpf's
 * compatibility checks read of it.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include "btf_min.h"
#include "btf_raw.h"
#include "btf_min_int.h"

#define MAX_ACCESS 64     /* access string steps, as libbpf bounds them */

struct btf_ext_hdr {      /* the fixed part of .BTF.ext's header */
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;
};


/* ---------------------------------------------------------------- ELF */

static const Elf64_Shdr *elf_sections(const struct bpf_blob *o, uint16_t *n, const char **names)
{
	const Elf64_Ehdr *eh = o->data;
	const Elf64_Shdr *sh, *strs;

	if (o->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > o->size || eh->e_shnum > (o->size - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)((const char *)o->data + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > o->size || strs->sh_size > o->size - strs->sh_offset)
		return NULL;
	*names = (const char *)o->data + strs->sh_offset;
	*n = eh->e_shnum;
	return sh;
}

static const char *sec_name(const Elf64_Shdr *s, const struct bpf_blob *o, const char *names)
{
	const Elf64_Ehdr *eh = o->data;
	const Elf64_Shdr *strs = (const Elf64_Shdr *)((const char *)o->data + eh->e_shoff) +
				 eh->e_shstrndx;

	if (s->sh_name >= strs->sh_size || !memchr(names + s->sh_name, 0, strs->sh_size - s->sh_name))
		return "";
	return names + s->sh_name;
}

static int elf_section(const struct bpf_blob *o, const char *name, const void **data, size_t *size)
{
	const Elf64_Shdr *sh;
	const char *names;
	uint16_t n;

	sh = elf_sections(o, &n, &names);
	if (!sh)
		return -EINVAL;
	for (uint16_t i = 0; i < n; i++) {
		if (strcmp(sec_name(&sh[i], o, names), name))
			continue;
		if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_offset > o->size ||
		    sh[i].sh_size > o->size - sh[i].sh_offset)
			return -EINVAL;
		*data = (const char *)o->data + sh[i].sh_offset;
		*size = sh[i].sh_size;
		return 0;
	}
	return -ENOENT;
}

/* -------------------------------------------------------------- marking */

static const struct btf_type *skip_mods(const struct btf *b, uint32_t id, uint32_t *res)
{
	const struct btf_type *t = btf__type_by_id(b, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
		id = t->type;
		t = btf__type_by_id(b, id);
	}
	if (res)
		*res = id;
	return t;
}

/* The same in the kernel's BTF; a loop of modifiers ends at n steps. */
static const struct btf_type *kskip_mods(const struct marks *m, uint32_t id, uint32_t *res)
{
	const struct btf_type *t = ktype(m, id);

	for (uint32_t i = 0; t && (btf_is_mod(t) || btf_is_typedef(t)) && i < m->n; i++) {
		id = t->type;
		t = ktype(m, id);
	}
	if (res)
		*res = id;
	return t;
}

static void keep_type(struct marks *m, uint32_t id);

static int keep_member(struct marks *m, uint32_t id, uint16_t idx)
{
	const struct btf_type *t = ktype(m, id);

	if (!m->members[id]) {
		m->members[id] = calloc((btf_vlen(t) + 63) / 64, sizeof(uint64_t));
		if (!m->members[id])
			return -ENOMEM;
	}
	m->members[id][idx / 64] |= 1ULL << (idx % 64);
	keep_type(m, id);
	keep_type(m, btf_members(t)[idx].type);
	return 0;
}

static void keep_type(struct marks *m, uint32_t id)
{
	const struct btf_type *t;

	/* Depth is bounded: chains end at a struct, which stops here. */
	while (id && id < m->n && !m->kept[id]) {
		t = ktype(m, id);
		m->kept[id] = 1;
		if (id > m->max_kept)
			m->max_kept = id;
		switch (btf_kind(t)) {
		case BTF_KIND_ARRAY:
			keep_type(m, btf_array(t)->index_type);
			id = btf_array(t)->type;
			break;
		case BTF_KIND_FUNC_PROTO:
			for (int i = 0; i < btf_vlen(t); i++)
				keep_type(m, btf_params(t)[i].type);
			id = t->type;
			break;
		case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		case BTF_KIND_FUNC: case BTF_KIND_VAR:
			id = t->type;
			break;
		default:   /* ints, enums, floats, fwds; composites: by member */
			return;
		}
	}
}

/* Keep every member of a composite, and of the composites in it. */
static int keep_deep(struct marks *m, uint32_t id, int depth)
{
	const struct btf_type *t = kskip_mods(m, id, &id);

	keep_type(m, id);
	if (!t || !btf_is_composite(t) || depth > 8)
		return 0;
	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		if (keep_member(m, id, i) || keep_deep(m, btf_members(t)[i].type, depth + 1))
			return -ENOMEM;
	}
	return 0;
}

/* libbpf's essential name: up to the last "x___y" flavor separator. */
static size_t essential_len(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = n >= 5 ? n - 5 + 1 : 0; i-- > 0;)
		if (name[i] != '_' && !strncmp(name + i + 1, "___", 3) && name[i + 4] != '_')
			return i + 1;
	return n;
}

static bool kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) ||
	       ((btf_is_enum(a) || btf_is_enum64(a)) && (btf_is_enum(b) || btf_is_enum64(b)));
}

/*
 * Find member `name` in composite kid, looking into anonymous members as
 * libbpf does, and keep the members on the way. Returns the member's type
 * ID, 0 if absent, -errno.
 */
static long find_member(struct marks *m, uint32_t kid, const char *name, int depth)
{
	const struct btf_type *t = ktype(m, kid);
	const struct btf_member *mb = btf_members(t);

	for (uint16_t i = 0; i < btf_vlen(t) && depth < 32; i++) {
		const char *mn = kname(m, mb[i].name_off);
		uint32_t inner;
		const struct btf_type *it;
		long r;

		if (mn && *mn) {
			if (strcmp(mn, name))
				continue;
			return keep_member(m, kid, i) ?: (long)mb[i].type;
		}
		it = kskip_mods(m, mb[i].type, &inner);
		if (!it || !btf_is_composite(it))
			continue;
		r = find_member(m, inner, name, depth + 1);
		if (r)
			return r < 0 ? r : keep_member(m, kid, i) ?: r;
	}
	return 0;
}

/*
 * Follow a field relocation's access string ("0:3:1") from local type lid
 * through kernel candidate kid, keeping what it passes.
 */
static int follow_access(struct marks *m, const struct btf *l, uint32_t lid, uint32_t kid,
			 const char *acc)
{
	const struct btf_type *lt, *kt;
	char *end;
	int steps = 0;

	strtoul(acc, &end, 10);   /* the first index steps over the root pointer */
	while (*end == ':' && steps++ < MAX_ACCESS) {
		unsigned long idx = strtoul(end + 1, &end, 10);

		lt = skip_mods(l, lid, &lid);
		kt = kskip_mods(m, kid, &kid);
		if (!lt || !kt)
			return 0;
		keep_type(m, kid);
		if (btf_is_array(lt)) {
			if (!btf_is_array(kt))
				return 0;
			lid = btf_array(lt)->type;
			kid = btf_array(kt)->type;
			continue;
		}
		if (!btf_is_composite(lt) || idx >= btf_vlen(lt) || !btf_is_composite(kt))
			return 0;
		const struct btf_member *lm = &btf_members(lt)[idx];
		const char *name = btf__name_by_offset(l, lm->name_off);
		long r;

		lid = lm->type;
		if (!name || !*name)   /* an anonymous local member: same place */
			continue;
		r = find_member(m, kid, name, 0);
		if (r <= 0)
			return r;
		kid = r;
	}
	keep_type(m, kid);
	return 0;
}

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* Chain every named kernel type under its essential name, once. */
static int index_names(struct marks *m)
{
	m->nheads = 1;
	while (m->nheads < m->n)
		m->nheads <<= 1;
	m->heads = calloc(m->nheads, sizeof(*m->heads));
	m->next = calloc(m->n, sizeof(*m->next));
	if (!m->heads || !m->next)
		return -ENOMEM;
	for (uint32_t id = m->n - 1; id > 0; id--) {
		const struct btf_type *t = ktype(m, id);
		const char *name;
		uint32_t h;

		if (!t->name_off)
			continue;
		name = kname(m, t->name_off);
		h = name_hash(name, essential_len(name)) & (m->nheads - 1);
		m->next[id] = m->heads[h];
		m->heads[h] = id;
	}
	return 0;
}

/* The first kernel type of this name and kind (btf__find_by_name_kind's
 * answer), through the index of names; -1 if none. */
static int kfind(const struct marks *m, const char *name, int kind)
{
	uint32_t h = name_hash(name, essential_len(name)) & (m->nheads - 1);

	for (uint32_t id = m->heads[h]; id; id = m->next[id]) {
		const struct btf_type *t = ktype(m, id);

		if (btf_kind(t) == kind && !strcmp(kname(m, t->name_off), name))
			return id;
	}
	return -1;
}

/* Kernel types whose essential name and kind match local type lid: libbpf's
 * candidates for it. */
static int for_candidates(struct marks *m, const struct btf *l, uint32_t lid,
			  int (*fn)(struct marks *, const struct btf *, uint32_t, uint32_t, const char *),
			  const char *acc)
{
	const struct btf_type *lt = btf__type_by_id(l, lid);
	const char *lname = lt ? btf__name_by_offset(l, lt->name_off) : NULL;
	size_t len;

	if (!lname || !*lname)
		return 0;
	len = essential_len(lname);
	for (uint32_t id = m->heads[name_hash(lname, len) & (m->nheads - 1)]; id; id = m->next[id]) {
		const struct btf_type *kt = ktype(m, id);
		const char *kn = kname(m, kt->name_off);
		int err;

		if (!kinds_compat(kt, lt) || strncmp(kn, lname, len) || essential_len(kn) != len)
			continue;
		err = fn(m, l, lid, id, acc);
		if (err)
			return err;
	}
	return 0;
}

static int keep_cand_type(struct marks *m, const struct btf *l, uint32_t lid, uint32_t kid,
			  const char *acc)
{
	(void)l; (void)lid; (void)acc;
	keep_type(m, kid);
	return 0;
}

static int keep_cand_deep(struct marks *m, const struct btf *l, uint32_t lid, uint32_t kid,
			  const char *acc)
{
	(void)l; (void)lid; (void)acc;
	return keep_deep(m, kid, 0);
}

static int keep_relo(struct marks *m, const struct btf *l, const struct bpf_core_relo *r)
{
	const char *acc = btf__name_by_offset(l, r->access_str_off);

	if (!acc)
		return -EINVAL;
	switch (r->kind) {
	case BPF_CORE_FIELD_BYTE_OFFSET: case BPF_CORE_FIELD_BYTE_SIZE:
	case BPF_CORE_FIELD_EXISTS: case BPF_CORE_FIELD_SIGNED:
	case BPF_CORE_FIELD_LSHIFT_U64: case BPF_CORE_FIELD_RSHIFT_U64:
		return for_candidates(m, l, r->type_id, follow_access, acc);
	case BPF_CORE_TYPE_ID_LOCAL:
		return 0;
	case BPF_CORE_TYPE_MATCHES:   /* compares members, recursively */
		return for_candidates(m, l, r->type_id, keep_cand_deep, acc);
	default:   /* type id/exists/size, enum values: the type, whole */
		return for_candidates(m, l, r->type_id, keep_cand_type, acc);
	}
}

static int keep_relos(struct marks *m, const struct btf *l, const void *ext, size_t size)
{
	const struct btf_ext_hdr *h = ext;
	const char *p, *end;
	uint32_t rec;

	if (size < offsetof(struct btf_ext_hdr, core_relo_off) || h->magic != BTF_MAGIC ||
	    h->hdr_len > size)
		return -EINVAL;
	if (h->hdr_len < sizeof(*h) || !h->core_relo_len)
		return 0;
	if (h->core_relo_off > size - h->hdr_len ||
	    h->core_relo_len > size - h->hdr_len - h->core_relo_off || h->core_relo_len < 4)
		return -EINVAL;
	p = (const char *)ext + h->hdr_len + h->core_relo_off;
	end = p + h->core_relo_len;
	memcpy(&rec, p, 4);
	p += 4;
	if (rec < sizeof(struct bpf_core_relo))
		return -EINVAL;
	while (end - p >= 8) {
		uint32_t n;
		int err;

		memcpy(&n, p + 4, 4);
		p += 8;
		if ((size_t)(end - p) / rec < n)
			return -EINVAL;
		for (uint32_t i = 0; i < n; i++, p += rec) {
			struct bpf_core_relo r;

			memcpy(&r, p, sizeof(r));
			err = keep_relo(m, l, &r);
			if (err)
				return err;
		}
	}
	return 0;
}

/* kfuncs and typed ksyms: what .ksyms declares, found by name and kind. */
static int keep_ksyms(struct marks *m, const struct btf *l)
{
	int sec = btf__find_by_name_kind(l, ".ksyms", BTF_KIND_DATASEC);
	const struct btf_type *t;

	if (sec < 0)
		return 0;
	t = btf__type_by_id(l, sec);
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *v = btf__type_by_id(l, btf_var_secinfos(t)[i].type);
		const char *name = btf__name_by_offset(l, v->name_off);
		int id = kfind(m, name, btf_kind(v));

		if (id > 0)
			keep_type(m, id);
	}
	return 0;
}

static int keep_tp_btf(struct marks *m, const struct bpf_blob *o)
{
	const Elf64_Shdr *sh;
	const char *names;
	uint16_t n;

	sh = elf_sections(o, &n, &names);
	if (!sh)
		return -EINVAL;
	for (uint16_t i = 0; i < n; i++) {
		const char *s = sec_name(&sh[i], o, names);
		char tname[256];
		int id;

		/* iter/X attaches to the function bpf_iter_X. */
		if (!strncmp(s, "iter/", 5)) {
			snprintf(tname, sizeof(tname), "bpf_iter_%s", s + 5);
			id = kfind(m, tname, BTF_KIND_FUNC);
			if (id > 0)
				keep_type(m, id);
			continue;
		}
		if (strncmp(s, "tp_btf/", 7))
			continue;
		snprintf(tname, sizeof(tname), "btf_trace_%s", s + 7);
		id = kfind(m, tname, BTF_KIND_TYPEDEF);
		if (id > 0)
			keep_type(m, id);
	}
	return 0;
}

static int keep_object(struct marks *m, const struct bpf_blob *o)
{
	const void *bdata, *edata;
	size_t bsize, esize;
	struct btf *l;
	int err;

	if (elf_section(o, ".BTF", &bdata, &bsize))
		return -EINVAL;
	l = btf__new(bdata, bsize);
	if (!l)
		return -errno;
	err = keep_ksyms(m, l) ?: keep_tp_btf(m, o);
	if (!err && !elf_section(o, ".BTF.ext", &edata, &esize))
		err = keep_relos(m, l, edata, esize);
	btf__free(l);
	return err;
}

int btf_min_build_raw(const void *src, size_t size, const struct bpf_blob *objs, size_t nobjs,
		      void **out, uint32_t *out_size)
{
	struct marks m = { .n = 0 };
	int err = kbtf_open(&m.k, &m.n, src, size);

	if (!err) {
		err = -ENOMEM;
		m.kept = calloc(m.n, 1);
		m.members = calloc(m.n, sizeof(*m.members));
	}
	if (m.kept && m.members && !index_names(&m)) {
		err = 0;
		for (size_t i = 0; i < nobjs && !err; i++)
			err = keep_object(&m, &objs[i]);
	}
	if (!err)
		err = btf_min_emit(&m, out, out_size);
	for (uint32_t i = 0; m.members && i < m.n; i++)
		free(m.members[i]);
	free(m.members);
	free(m.kept);
	free(m.heads);
	free(m.next);
	free(m.k.offs);
	return err;
}

int btf_min_build(const struct btf *src, const struct bpf_blob *objs, size_t nobjs,
		  struct btf **out)
{
	uint32_t size, min_size;
	const void *raw = btf__raw_data(src, &size);
	void *min;
	int err;

	if (!raw)
		return -ENOMEM;
	err = btf_min_build_raw(raw, size, objs, nobjs, &min, &min_size);
	if (err)
		return err;
	*out = btf__new(min, min_size);
	err = *out ? 0 : -errno;
	free(min);
	return err;
}
