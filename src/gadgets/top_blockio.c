// SPDX-License-Identifier: Apache-2.0
/* top_blockio: the processes doing the most block I/O, every --interval;
 * the BPF side is bpf/top_blockio.bpf.c. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "skel.h"
#include "top_blockio.h"
#include "top_ns.h"
#include "top_blockio.skel.h"

enum { F_MAJOR, F_MINOR, F_BYTES, F_US, F_IO, F_RW };

static const struct field tb_fields[] = {
	[F_MAJOR] = { "major", "MAJOR", NULL, FT_UINT, 5, FF_DEFAULT | FF_RIGHT },
	[F_MINOR] = { "minor", "MINOR", NULL, FT_UINT, 5, FF_DEFAULT | FF_RIGHT },
	[F_BYTES] = { "bytes", "BYTES", NULL, FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_US]    = { "us", "US", "time", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_IO]    = { "io", "IO", "ios", FT_UINT, 6, FF_DEFAULT | FF_RIGHT },
	[F_RW]    = { "rw", "RW", NULL, FT_STR, 2, FF_DEFAULT },
};

IG_SKEL_OPS(top_blockio);

void tb_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct tb_key *k,
		 const struct tb_stats *v)
{
	row_set_proc(ctx, r, &v->proc);
	row_set_uint(r, GF(F_MAJOR), k->major);
	row_set_uint(r, GF(F_MINOR), k->minor);
	row_set_uint(r, GF(F_BYTES), v->bytes);
	row_set_uint(r, GF(F_US), v->ns / 1000);
	row_set_uint(r, GF(F_IO), v->ios);
	row_set_str(r, GF(F_RW), k->write ? "W" : "R", 1);
}

/* Read and clear: every interval counts from zero. */
static int tb_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_blockio_bpf *skel = ctx->skel;
	int fd = bpf_map__fd(skel->maps.tb_stats);
	static struct tb_key keys[TB_MAX_ENTRIES];
	struct tb_stats v;
	size_t n = 0;

	while (n < TB_MAX_ENTRIES && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &v))
			continue;
		tb_fill_row(ctx, batch_row(b), &keys[i], &v);
		if (batch_add(b))
			return -ENOMEM;
	}
	return 0;
}

static void tb_tick(struct gadget_ctx *ctx, struct ig_batch *b)
{
	top_ns_tick(b, bpf_map__fd(((struct top_blockio_bpf *)ctx->skel)->maps.ig_top_ns));
}

IG_GADGET(top_blockio) = {
	.name = "top_blockio",
	.aliases = "biotop",
	.description = "the processes doing the most block device I/O, every --interval",
	.kind = GK_TOP,
	.fields = tb_fields,
	.nfields = ARRAY_SIZE(tb_fields),
	.default_fields = "runtime.containerName,proc.pid,major,minor,proc.comm,bytes,us,io,rw",
	.opts_size = 0,
	.default_sort = "-bytes,-io",
	.skel = &top_blockio_skel_ops,
	.collect_tick = tb_tick,
	.collect = tb_collect,
};
