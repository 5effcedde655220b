// SPDX-License-Identifier: Apache-2.0
/* Counting arrays' user side (include/top_cells.h): swap the array every
 * interval, then read the old one with its hash entries. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "batch.h"
#include "gadget.h"
#include "top_cells.h"

void top_cells_loaded(struct top_cells *tc)
{
	tc->fd = -1;
	tc->gen = 0;
}

void top_cells_free(struct top_cells *tc)
{
	if (tc->fd >= 0)
		close(tc->fd);
	tc->fd = -1;
	free(tc->keys);
	free(tc->val);
	free(tc->cell);
	tc->keys = tc->val = tc->cell = NULL;
}

/* A zeroed counting array of generation gen (its header, slot 0), made
 * like the first one: with its BTF, or 6.1 finds it unlike the inner map's
 * template (BTF-less maps differ in their spin-lock offset) and refuses it. */
static int new_cells(const struct top_cells_desc *d, __u32 gen)
{
	int btf_fd = bpf_object__btf_fd(d->obj);
	LIBBPF_OPTS(bpf_map_create_opts, o,
		.btf_fd = btf_fd,
		.btf_key_type_id = bpf_map__btf_key_type_id(d->first),
		.btf_value_type_id = bpf_map__btf_value_type_id(d->first));
	struct top_cells_head *head = calloc(1, d->cell_size);
	__u32 zero = 0;
	int fd, err;

	if (!head)
		return -ENOMEM;
	head->gen = gen;
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "top_cells", sizeof(__u32), d->cell_size,
			    d->slots + 1, btf_fd >= 0 && o.btf_value_type_id ? &o : NULL);
	if (fd < 0) {
		err = -errno;
	} else if (bpf_map_update_elem(fd, &zero, head, BPF_ANY)) {
		err = -errno;
		close(fd);
	} else {
		err = fd;
	}
	free(head);
	return err;
}

/* Put the array of the next generation in; *old: the one to read. The
 * map-in-map update returns once the programs that were running are done
 * (the kernel waits an RCU grace period), so nothing counts into *old. */
static int swap(struct top_cells *tc, const struct top_cells_desc *d, int *old)
{
	__u32 zero = 0;
	int fresh, err;

	fresh = new_cells(d, tc->gen + 1);
	if (fresh < 0)
		return fresh;
	if (bpf_map_update_elem(bpf_map__fd(d->current), &zero, &fresh, BPF_ANY)) {
		err = -errno;
		close(fresh);
		return err;
	}
	*old = tc->fd >= 0 ? tc->fd : bpf_map__fd(d->first);
	tc->fd = fresh;
	tc->gen++;
	return 0;
}

/* The hash's keys of generation gen: all of them first, as the hash keeps
 * changing while it is walked (BPF adds the next generation's). */
static size_t keys_of(struct top_cells *tc, const struct top_cells_desc *d, __u32 gen)
{
	char *keys = tc->keys, *k = keys + d->slots * d->key_size, *last = k + d->key_size;
	int hash = bpf_map__fd(d->hash);
	void *prev = NULL;
	size_t n = 0;
	__u32 kgen;

	while (n < d->slots && !bpf_map_get_next_key(hash, prev, k)) {
		memcpy(&kgen, k + d->gen_off, sizeof(kgen));
		if (kgen == gen)   /* not the new array's, made since the swap */
			memcpy(keys + n++ * d->key_size, k, d->key_size);
		memcpy(last, k, d->key_size);
		prev = last;
	}
	return n;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int top_cells_collect(struct gadget_ctx *ctx, struct ig_batch *b, struct top_cells *tc,
		      const struct top_cells_desc *d)
{
	int hash = bpf_map__fd(d->hash), old = -1, err;
	__u32 gen = tc->gen, slot;
	size_t n;

	if (d->counts_off + d->cell_size > d->val_size)
		return -EINVAL;
	if (!tc->keys) {
		tc->keys = calloc(d->slots + 2, d->key_size);   /* + the walk's two */
		tc->val = malloc(d->val_size);
		tc->cell = malloc(d->cell_size);
		if (!tc->keys || !tc->val || !tc->cell)
			return -ENOMEM;
	}
	err = swap(tc, d, &old);
	if (err)
		return err;
	n = keys_of(tc, d, gen);
	for (size_t i = 0; i < n && !err; i++) {
		const char *key = (const char *)tc->keys + i * d->key_size;

		if (bpf_map_lookup_and_delete_elem(hash, key, tc->val))
			continue;
		memcpy(&slot, (char *)tc->val + d->slot_off, sizeof(slot));
		if (bpf_map_lookup_elem(old, &slot, tc->cell) || all_zero(tc->cell, d->cell_size))
			continue;
		memcpy((char *)tc->val + d->counts_off, tc->cell, d->cell_size);
		err = d->row(ctx, b, key, tc->val);
	}
	if (old != bpf_map__fd(d->first))
		close(old);
	return err;
}
