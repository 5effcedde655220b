/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting arrays (include/top_cells.h). A gadget defines TOP_CELL (its
 * slot's type), TOP_CELLS_SLOTS and TOP_CELLS_WAYS, includes this (which
 * declares the maps top_cells0, top_current and top_hits), then on each
 * event
 *
 *	struct top_at at;
 *	TOP_CELL *c = top_cells_hit(&at, way, obj, check, id);
 *	if (!c && at.hit) {
 *		slot = <the gadget's hash: the row's slot in generation
 *			at.head->gen, made with top_cells_take() on first sight>;
 *		c = top_cells_remember(&at, obj, check, id, slot);
 *	}
 *	if (c) <atomic adds into c>;
 */
#ifndef IG_TOP_CELLS_BPF_H
#define IG_TOP_CELLS_BPF_H

#include "top_cells.h"

#if !defined(TOP_CELL) || !defined(TOP_CELLS_SLOTS) || !defined(TOP_CELLS_WAYS)
#error "define TOP_CELL (the slot's type), TOP_CELLS_SLOTS and TOP_CELLS_WAYS first"
#endif

_Static_assert(sizeof(TOP_CELL) >= sizeof(struct top_cells_head), "a slot holds the header");

/* The first counting array, generation 0; user space makes the next ones
 * like it. */
struct top_cells_array {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TOP_CELLS_SLOTS + 1);   /* + the header */
	__type(key, __u32);
	__type(value, TOP_CELL);
} top_cells0 SEC(".maps");

/* Entry 0: the array counting now. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct top_cells_array);
} top_current SEC(".maps") = {
	.values = { [0] = &top_cells0 },
};

/* Per CPU: the last rows counted, one per way. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TOP_CELLS_WAYS);
	__type(key, __u32);
	__type(value, struct top_hit);
} top_hits SEC(".maps");

struct top_at {
	void *cells;                   /* the array counting now */
	struct top_cells_head *head;   /* its slot 0 */
	struct top_hit *hit;           /* this CPU's way; NULL: do not count */
};

/* The slot this CPU remembers in `way` for (obj, check, id) in the array
 * counting now, or NULL: then, if at->hit is set, the gadget finds the
 * slot and calls top_cells_remember. */
static __always_inline TOP_CELL *top_cells_hit(struct top_at *at, __u32 way, __u64 obj,
					       __u64 check, __u64 id)
{
	struct top_hit *hit;
	__u32 zero = 0;

	at->hit = NULL;
	at->cells = bpf_map_lookup_elem(&top_current, &zero);
	if (!at->cells)
		return NULL;
	at->head = bpf_map_lookup_elem(at->cells, &zero);
	hit = bpf_map_lookup_elem(&top_hits, &way);
	if (!at->head || !hit)
		return NULL;
	at->hit = hit;
	if (hit->obj != obj || hit->check != check || hit->id != id ||
	    hit->gen != (__u32)at->head->gen)
		return NULL;
	return bpf_map_lookup_elem(at->cells, &hit->slot);
}

/* Remember slot for (obj, check, id) on this CPU, and return it (NULL for
 * slot 0: not counted). */
static __always_inline TOP_CELL *top_cells_remember(struct top_at *at, __u64 obj,
						    __u64 check, __u64 id, __u32 slot)
{
	struct top_hit *hit = at->hit;

	if (!slot || !hit)
		return NULL;
	hit->obj = obj;
	hit->check = check;
	hit->id = id;
	hit->gen = (__u32)at->head->gen;
	hit->slot = slot;
	return bpf_map_lookup_elem(at->cells, &slot);
}

/* A fresh slot of the array whose header is head; 0 when it is full (the
 * row is counted again from the next interval). A slot taken by a CPU that
 * then loses the race to insert the row stays zero and unread. */
static __always_inline __u32 top_cells_take(struct top_cells_head *head)
{
	__u64 slot = __sync_fetch_and_add(&head->taken, 1) + 1;

	return slot > TOP_CELLS_SLOTS ? 0 : (__u32)slot;
}

#endif
