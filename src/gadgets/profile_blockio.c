// SPDX-License-Identifier: Apache-2.0
/* profile_blockio: a histogram of block I/O latency, printed at Ctrl-C or
 * --timeout; the BPF side is bpf/profile_blockio.bpf.c. */
#include <errno.h>
#include <string.h>
#include "batch.h"
#include "skel.h"
#include "profile_blockio.h"
#include "profile_blockio.skel.h"

enum { F_MIN, F_MAX, F_COUNT, F_DIST };

static const struct field pb_fields[] = {
	[F_MIN]   = { "min_us", "MIN_US", "min", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_MAX]   = { "max_us", "MAX_US", "max", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_COUNT] = { "count", "COUNT", NULL, FT_UINT, 8, FF_DEFAULT | FF_RIGHT },
	[F_DIST]  = { "distribution", "DISTRIBUTION", NULL, FT_STR, 40, FF_DEFAULT },
};

IG_SKEL_OPS(profile_blockio);

#define PB_BAR 40

/* A slot's bounds in us: [min, max]. */
static void slot_bounds(size_t i, uint64_t *min, uint64_t *max)
{
	*min = i ? 1ULL << i : 0;
	*max = i + 1 < PB_SLOTS ? (1ULL << (i + 1)) - 1 : UINT64_MAX;
	if (!i)
		*max = 1;
}

int pb_add_rows(struct ig_batch *b, const __u64 *slots, size_t n)
{
	size_t first = n, last = 0;
	uint64_t top = 0;

	for (size_t i = 0; i < n; i++) {
		if (!slots[i])
			continue;
		if (first == n)
			first = i;
		last = i;
		if (slots[i] > top)
			top = slots[i];
	}
	for (size_t i = first; i <= last && first < n; i++) {
		struct row *r = batch_row(b);
		char bar[PB_BAR];
		size_t w = top ? (size_t)((slots[i] * PB_BAR + top - 1) / top) : 0;
		uint64_t min, max;

		slot_bounds(i, &min, &max);
		memset(bar, '*', w);
		row_set_uint(r, GF(F_MIN), min);
		row_set_uint(r, GF(F_MAX), max);
		row_set_uint(r, GF(F_COUNT), slots[i]);
		row_set_str(r, GF(F_DIST), bar, w);
		if (batch_add(b))
			return -ENOMEM;
	}
	return 0;
}

static int pb_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct profile_blockio_bpf *skel = ctx->skel;
	struct enricher *enr = b->enr;
	__u64 slots[PB_SLOTS];
	int err;

	memcpy(slots, (const void *)skel->bss->pb_slots, sizeof(slots));
	/* The slots belong to no process or container (the kernel counted
	 * only the selected ones): nothing to enrich or filter by. */
	b->enr = NULL;
	err = pb_add_rows(b, slots, PB_SLOTS);
	b->enr = enr;
	return err;
}

IG_GADGET(profile_blockio) = {
	.name = "profile_blockio",
	.aliases = "biolatency",
	.description = "a histogram of block device I/O latency, at Ctrl-C or --timeout",
	.kind = GK_PROFILE,
	.fields = pb_fields,
	.nfields = ARRAY_SIZE(pb_fields),
	.default_fields = "min_us,max_us,count,distribution",
	.skel = &profile_blockio_skel_ops,
	.collect = pb_collect,
};
