// SPDX-License-Identifier: Apache-2.0
/*
 * A kernel BTF read raw (btf_raw.h): its header checked and its types
 * indexed, without libbpf's parse.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/btf.h>
#include "btf_raw.h"

/* Bytes that follow a type's struct btf_type, by kind; -1: unknown kind. */
long btf_raw_extra(const struct btf_type *t)
{
	long vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* Check the header and index every type's offset; *n gets the type count
 * (with void). */
int kbtf_open(struct kbtf *k, uint32_t *n, const void *data, size_t size)
{
	const struct btf_header *h = data;
	uint32_t cap = 1 << 16, off = 0;

	if (size < sizeof(*h) || h->magic != BTF_MAGIC || h->version != BTF_VERSION ||
	    h->hdr_len < sizeof(*h) || h->hdr_len > size ||
	    (uint64_t)h->type_off + h->type_len > size - h->hdr_len ||
	    (uint64_t)h->str_off + h->str_len > size - h->hdr_len || !h->str_len ||
	    (h->type_off & 3))
		return -EINVAL;
	k->types = (const char *)data + h->hdr_len + h->type_off;
	k->strs = (const char *)data + h->hdr_len + h->str_off;
	k->str_len = h->str_len;
	if (k->strs[k->str_len - 1])
		return -EINVAL;   /* every name then ends inside the section */
	k->offs = malloc(cap * sizeof(*k->offs));
	*n = 1;
	while (k->offs && off < h->type_len) {
		const struct btf_type *t = (const void *)(k->types + off);
		long extra;

		if (h->type_len - off < sizeof(*t) || (extra = btf_raw_extra(t)) < 0 ||
		    h->type_len - off - sizeof(*t) < (uint64_t)extra || t->name_off >= k->str_len)
			return -EINVAL;
		if (*n == cap) {
			uint32_t *more = realloc(k->offs, (cap *= 2) * sizeof(*k->offs));

			if (!more)
				return -ENOMEM;
			k->offs = more;
		}
		k->offs[(*n)++] = off;
		off += sizeof(*t) + extra;
	}
	return k->offs ? 0 : -ENOMEM;
}

