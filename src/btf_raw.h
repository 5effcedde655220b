/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's BTF as read, not parsed by libbpf: libbpf's parse copies it
 * and indexes its 126k types (~30 ms of CPU on this VM, as much as the
 * whole minimized build), and a cold start needs only to find the few types
 * ig's objects use (btf_min.c).
 */
#ifndef IG_BTF_RAW_H
#define IG_BTF_RAW_H

#include <stddef.h>
#include <stdint.h>

struct btf_type;

struct kbtf {
	const char *types, *strs;   /* in the caller's bytes */
	uint32_t str_len;
	uint32_t *offs;             /* by type ID: offset in types (malloc'd) */
};

/* Bytes after a type's struct btf_type, by kind; -1 for an unknown kind. */
long btf_raw_extra(const struct btf_type *t);

/* Check data's header, that every type lies within the type section and
 * every type's name within the strings, and index the types; *n gets the
 * type count, void included. -EINVAL for malformed BTF. The caller frees
 * k->offs, even on failure. */
int kbtf_open(struct kbtf *k, uint32_t *n, const void *data, size_t size);

#endif
