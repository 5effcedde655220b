// SPDX-License-Identifier: Apache-2.0
/* top_file: the processes reading and writing files most, every --interval;
 * the BPF side is bpf/top_file.bpf.c. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "skel.h"
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

/* The counting array the kernel counts into now, when not the skeleton's
 * first one (tf_cells0), and its generation. One top_file per process. */
static struct {
	int fd;
	__u32 gen;
} tf_now = { -1, 0 };

static int tf_loaded(struct gadget_ctx *ctx, void *s)
{
	(void)ctx;
	(void)s;
	tf_now.fd = -1;
	tf_now.gen = 0;
	return 0;
}

static void tf_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	if (tf_now.fd >= 0)
		close(tf_now.fd);
	tf_now.fd = -1;
}

/* A zeroed counting array of generation gen (its header, slot 0), made
 * like the first one: with its BTF, or 6.1 finds it unlike the inner map's
 * template (BTF-less maps differ in their spin-lock offset) and refuses it. */
static int tf_new_cells(struct top_file_bpf *skel, __u32 gen)
{
	const struct bpf_map *first = skel->maps.tf_cells0;
	int btf_fd = bpf_object__btf_fd(skel->obj);
	LIBBPF_OPTS(bpf_map_create_opts, o,
		.btf_fd = btf_fd,
		.btf_key_type_id = bpf_map__btf_key_type_id(first),
		.btf_value_type_id = bpf_map__btf_value_type_id(first));
	struct tf_counts head = { .reads = gen };
	__u32 zero = 0;
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tf_cells", sizeof(__u32), sizeof(struct tf_counts),
			    TF_MAX_ENTRIES + 1, btf_fd >= 0 && o.btf_value_type_id ? &o : NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, &head, BPF_ANY)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Every entry of the interval: a fresh array goes in first, then the old
 * one's entries are read and deleted. The map-in-map update returns once
 * the programs that were running are done (the kernel waits an RCU grace
 * period), so nothing counts into the old array while it is read. Keys
 * first: the hash keeps changing while it is walked. */
static int tf_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_file_bpf *skel = ctx->skel;
	int hash = bpf_map__fd(skel->maps.tf_stats);
	int old = tf_now.fd >= 0 ? tf_now.fd : bpf_map__fd(skel->maps.tf_cells0);
	static struct tf_key keys[TF_MAX_ENTRIES];
	struct tf_key k, last, *prev = NULL;
	__u32 gen = tf_now.gen, zero = 0;
	struct tf_counts c;
	struct tf_stats v;
	size_t n = 0;
	int fresh, err = 0;

	fresh = tf_new_cells(skel, gen + 1);
	if (fresh < 0)
		return fresh;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.tf_current), &zero, &fresh, BPF_ANY)) {
		err = -errno;
		close(fresh);
		return err;
	}
	tf_now.fd = fresh;
	tf_now.gen = gen + 1;
	while (n < TF_MAX_ENTRIES && !bpf_map_get_next_key(hash, prev, &k)) {
		if (k.gen == gen)   /* not the new array's, made since the swap */
			keys[n++] = k;
		last = k;
		prev = &last;
	}
	for (size_t i = 0; i < n && !err; i++) {
		if (bpf_map_lookup_and_delete_elem(hash, &keys[i], &v) ||
		    bpf_map_lookup_elem(old, &v.slot, &c) || !(c.reads | c.writes))
			continue;
		v.reads = c.reads;
		v.writes = c.writes;
		v.rbytes = c.rbytes;
		v.wbytes = c.wbytes;
		tf_fill_row(ctx, batch_row(b), &keys[i], &v);
		if (batch_add(b))
			err = -ENOMEM;
	}
	if (old != bpf_map__fd(skel->maps.tf_cells0))
		close(old);
	return err;
}

static void tf_tick(struct gadget_ctx *ctx, struct ig_batch *b)
{
	top_ns_tick(ctx, b, bpf_map__fd(((struct top_file_bpf *)ctx->skel)->maps.ig_top_ns));
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
