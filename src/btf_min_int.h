/* SPDX-License-Identifier: Apache-2.0 */
/* Between btf_min.c (marking what the objects need) and btf_min_emit.c
 * (writing the minimized BTF). */
#ifndef IG_BTF_MIN_INT_H
#define IG_BTF_MIN_INT_H

#include <stdint.h>
#include <bpf/btf.h>
#include "btf_raw.h"

struct marks {
	struct kbtf k;            /* the full kernel BTF */
	uint32_t n;               /* its type count */
	uint8_t *kept;
	uint64_t **members;       /* per composite: bitmap of kept members */
	uint32_t max_kept;
	uint32_t *heads, *next;   /* kernel types by essential name */
	uint32_t nheads;          /* a power of two */
};

static const struct btf_type void_type;

static inline const struct btf_type *ktype(const struct marks *m, uint32_t id)
{
	if (!id)
		return &void_type;
	return id < m->n ? (const void *)(m->k.types + m->k.offs[id]) : NULL;
}

/* Any name_off of a type kbtf_open checked, or of its members: "" if out
 * of the section. */
static inline const char *kname(const struct marks *m, uint32_t off)
{
	return off < m->k.str_len ? m->k.strs + off : "";
}

/* The kept types at their kernel IDs, placeholders between: raw BTF
 * (malloc'd) in *res, of *size bytes. */
int btf_min_emit(const struct marks *m, void **res, uint32_t *size);

#endif
