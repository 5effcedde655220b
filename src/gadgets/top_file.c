// SPDX-License-Identifier: Apache-2.0
/* top_file: the processes reading and writing files most, every --interval;
 * the BPF side is bpf/top_file.bpf.c. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "skel.h"
#include "top_file.h"
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

/* Every entry of the interval, read and deleted: the next interval starts
 * from zero. Keys first: the map keeps changing while it is walked. */
static int tf_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_file_bpf *skel = ctx->skel;
	int fd = bpf_map__fd(skel->maps.tf_stats);
	static struct tf_key keys[TF_MAX_ENTRIES];
	struct tf_stats v;
	size_t n = 0;

	while (n < TF_MAX_ENTRIES && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_and_delete_elem(fd, &keys[i], &v))
			continue;
		tf_fill_row(ctx, batch_row(b), &keys[i], &v);
		if (batch_add(b))
			return -ENOMEM;
	}
	return 0;
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
	.collect = tf_collect,
};
