/* SPDX-License-Identifier: (GPL-2.0 OR Apache-2.0) */
/*
 * Counting arrays, for top gadgets that count on a hot path (top_file on
 * every read/write): a BPF hash lookup per event was most of their cost on
 * this kind of VM (docs/performance.md).
 *
 * - Each row of an interval (a process and a file)
 *   gets a slot in a counting array the first time BPF sees it; the
 *   gadget's hash, keyed by the row and the array's generation, holds the
 *   slot and the row's details (bpf/top_cells.bpf.h).
 * - Each CPU remembers, in a few ways, the last rows it counted and their
 *   slots (struct top_hit): a repeated event is a few inlined array
 *   lookups, a compare and atomic adds into its slot.
 * - Every interval user space puts a fresh array in (an ARRAY_OF_MAPS
 *   update, which returns once the programs running have finished), then
 *   reads the old array with the hash entries of its generation and
 *   deletes them (src/gadgets/top_cells.c). Nothing counts into an array
 *   while it is read, and no count is lost or moved between intervals.
 */
#ifndef IG_TOP_CELLS_H
#define IG_TOP_CELLS_H

#ifndef __bpf__
#include <linux/types.h>
#include <stddef.h>
#endif

/* Slot 0 of a counting array, whatever the gadget's slot type (which must
 * begin with room for it): a zeroed array is a fresh one of generation 0. */
struct top_cells_head {
	__u64 gen;     /* the array's generation (its interval) */
	__u64 taken;   /* slots handed out */
};

/* Per CPU and way: the last row counted there. obj, check and id are the
 * gadget's (e.g. a struct file, its inode, the thread). */
struct top_hit {
	__u64 obj;
	__u64 check;
	__u64 id;
	__u32 gen;
	__u32 slot;
};

#ifndef __bpf__
struct bpf_map;
struct bpf_object;
struct ig_batch;
struct gadget_ctx;

/* A gadget's maps and layout. The maps named top_current and top_cells0
 * come from bpf/top_cells.bpf.h; hash is the gadget's. */
struct top_cells_desc {
	struct bpf_object *obj;
	struct bpf_map *current, *first, *hash;
	size_t key_size, val_size, cell_size;
	size_t gen_off;    /* offsetof the key's __u32 generation */
	size_t slot_off;   /* offsetof the value's __u32 slot */
	size_t counts_off; /* where the value has its counters, in the slot's order */
	__u32 slots;       /* the array's slots, header excluded */
	/* One row: the key and its value, with its slot's counts (never all
	 * zero) copied in. */
	int (*row)(struct gadget_ctx *ctx, struct ig_batch *b, const void *key, const void *val);
};

/* The array counting now when not the skeleton's first, and its
 * generation; one per gadget (one instance per process). */
struct top_cells {
	int fd;        /* -1: top_cells0 */
	__u32 gen;
	void *keys;    /* the walk's buffer */
	void *val, *cell;
};

#define TOP_CELLS_INIT { .fd = -1 }

/* The desc of a skeleton with bpf/top_cells.bpf.h's maps and the hash
 * hash_, whose key has a __u32 gen and whose value a __u32 slot, and the
 * slot's counters from its member counts_ on. */
#define TOP_CELLS_DESC(skel_, hash_, key_t, val_t, counts_, cell_t, nslots, row_) {      \
	.obj = (skel_)->obj, .current = (skel_)->maps.top_current,                   \
	.first = (skel_)->maps.top_cells0, .hash = (skel_)->maps.hash_,              \
	.key_size = sizeof(key_t), .val_size = sizeof(val_t), .cell_size = sizeof(cell_t), \
	.gen_off = offsetof(key_t, gen), .slot_off = offsetof(val_t, slot),          \
	.counts_off = offsetof(val_t, counts_), .slots = (nslots), .row = (row_),      \
}

/* A gadget's .loaded and .detach for its struct top_cells tc: pfx_loaded,
 * pfx_detach. */
#define TOP_CELLS_HOOKS(pfx, tc)                                                 \
	static int pfx##_loaded(struct gadget_ctx *ctx, void *skel)                  \
	{                                                                        \
		(void)ctx;                                                       \
		(void)skel;                                                      \
		top_cells_loaded(&(tc));                                         \
		return 0;                                                        \
	}                                                                        \
	static void pfx##_detach(struct gadget_ctx *ctx)                             \
	{                                                                        \
		(void)ctx;                                                       \
		top_cells_free(&(tc));                                           \
	}

/* After the skeleton's load (a fresh one starts at generation 0). */
void top_cells_loaded(struct top_cells *tc);
/* At detach. */
void top_cells_free(struct top_cells *tc);
/* Swap the arrays and emit one row per entry of the interval that ended. */
int top_cells_collect(struct gadget_ctx *ctx, struct ig_batch *b, struct top_cells *tc,
		      const struct top_cells_desc *d);
#endif

#endif
