// SPDX-License-Identifier: Apache-2.0
/* top_file: the processes reading and writing files most, every --interval;
 * the BPF side is bpf/top_file.bpf.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "batch.h"
#include "skel.h"
#include "top_cells.h"
#include "top_file.h"
#include "top_ns.h"
#include "top_file.skel.h"

enum { F_READS, F_RBYTES, F_WRITES, F_WBYTES, F_FILE, F_T, F_DEV, F_INO };

static const struct field tf_fields[] = {
	[F_READS]  = { "reads", "READS", NULL, FT_UINT, 6, FF_DEFAULT | FF_RIGHT },
	[F_RBYTES] = { "rbytes", "RBYTES", NULL, FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_WRITES] = { "writes", "WRITES", NULL, FT_UINT, 6, FF_DEFAULT | FF_RIGHT },
	[F_WBYTES] = { "wbytes", "WBYTES", NULL, FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_FILE]   = { "file", "FILE", NULL, FT_STR, 32, FF_DEFAULT },
	[F_T]      = { "t", "T", "type", FT_STR, 1, FF_DEFAULT },
	[F_DEV]    = { "dev", "DEV", NULL, FT_UINT, 10, FF_RIGHT },
	[F_INO]    = { "ino", "INO", "inode", FT_UINT, 10, FF_RIGHT },
};

struct tf_opts {
	bool all_files;
};

static const struct gadget_flag tf_flags[] = {
	IG_FLAG_BOOL(struct tf_opts, all_files, "all-files", "false",
		     "count every file (sockets, pipes, devices), not only regular files"),
};

IG_SKEL_OPS(top_file);

static int tf_configure(struct gadget_ctx *ctx, void *s)
{
	const struct tf_opts *o = ctx->gopts;
	struct top_file_bpf *skel = s;

	skel->rodata->all_files = o->all_files;
	return 0;
}

void tf_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct tf_key *k,
		 const struct tf_stats *v)
{
	char t = v->type == TF_TYPE_REGULAR || v->type == TF_TYPE_SOCKET ? v->type : TF_TYPE_OTHER;
	char *tp = row_alloc(r, 1);

	row_set_proc(ctx, r, &v->proc);
	row_set_uint(r, GF(F_READS), v->reads);
	row_set_uint(r, GF(F_RBYTES), v->rbytes);
	row_set_uint(r, GF(F_WRITES), v->writes);
	row_set_uint(r, GF(F_WBYTES), v->wbytes);
	row_set_buf(r, GF(F_FILE), v->name, sizeof(v->name));
	if (tp) {
		*tp = t;
		row_set_str(r, GF(F_T), tp, 1);
	}
	row_set_uint(r, GF(F_DEV), k->dev);
	row_set_uint(r, GF(F_INO), k->ino);
}

/* One top_file per process. */
static struct top_cells tf_cells = TOP_CELLS_INIT;
TOP_CELLS_HOOKS(tf, tf_cells)

static int tf_row(struct gadget_ctx *ctx, struct ig_batch *b, const void *key, const void *val)
{
	tf_fill_row(ctx, batch_row(b), key, val);
	return batch_add(b) ? -ENOMEM : 0;
}

static int tf_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_file_bpf *skel = ctx->skel;
	const struct top_cells_desc d = TOP_CELLS_DESC(skel, tf_stats, struct tf_key, struct tf_stats,
						       reads, struct tf_counts, TF_MAX_ENTRIES,
						       tf_row);

	return top_cells_collect(ctx, b, &tf_cells, &d);
}

static void tf_tick(struct gadget_ctx *ctx, struct ig_batch *b)
{
	top_ns_tick(b, bpf_map__fd(((struct top_file_bpf *)ctx->skel)->maps.ig_top_ns));
}

IG_GADGET(top_file) = {
	.name = "top_file",
	.aliases = "filetop",
	.description = "the processes reading and writing files most, every --interval",
	.kind = GK_TOP,
	.features = IG_KF_BIT(IG_KF_TASK_PT_REGS),
	.fields = tf_fields,
	.nfields = ARRAY_SIZE(tf_fields),
	.default_fields = "runtime.containerName,proc.pid,reads,rbytes,writes,wbytes,file,proc.comm,t",
	.flags = tf_flags,
	.nflags = ARRAY_SIZE(tf_flags),
	.opts_size = sizeof(struct tf_opts),
	.default_sort = "-reads,-writes,-rbytes,-wbytes",
	.skel = &top_file_skel_ops,
	.configure = tf_configure,
	.loaded = tf_loaded,
	.collect_tick = tf_tick,
	.collect = tf_collect,
	.detach = tf_detach,
};
