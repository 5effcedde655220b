// SPDX-License-Identifier: Apache-2.0
/* top_file: the processes reading and writing files most, every --interval;
 * the BPF side is bpf/top_file.bpf.c. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
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

/* tf_cells, mapped: the generation and both halves. One top_file per
 * process. */
static struct {
	struct tf_counts *cells;
	size_t len;
} tf_map;

static int tf_loaded(struct gadget_ctx *ctx, void *s)
{
	struct top_file_bpf *skel = s;
	size_t len = (size_t)TF_CELLS_ALL * sizeof(struct tf_counts);
	void *p;

	(void)ctx;
	len = (len + getpagesize() - 1) / getpagesize() * getpagesize();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(skel->maps.tf_cells), 0);
	if (p == MAP_FAILED) {
		ig_err("top_file: cannot map the counting array: %s", strerror(errno));
		return -errno;
	}
	tf_map.cells = p;
	tf_map.len = len;
	return 0;
}

static void tf_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	if (tf_map.cells)
		munmap(tf_map.cells, tf_map.len);
	tf_map.cells = NULL;
}

/* Zero the half of generation gen: its header, and the slots it gave. */
static void tf_clear(__u32 gen)
{
	struct tf_counts *half = tf_map.cells + TF_HALF(gen);
	__u64 used = half->writes < TF_MAX_ENTRIES ? half->writes : TF_MAX_ENTRIES;

	memset(half, 0, (used + 1) * sizeof(*half));
}

/* Every entry of the interval. The next generation's half (zeroed since
 * it was read) takes over, then an update of tf_sync waits for the
 * programs that were running (the kernel waits an RCU grace period after a
 * map-in-map update), so nothing counts into the old half while it is
 * read. Keys first: the hash keeps changing while it is walked. */
static int tf_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_file_bpf *skel = ctx->skel;
	int hash = bpf_map__fd(skel->maps.tf_stats);
	int inner = bpf_map__fd(skel->maps.tf_sync_inner);
	static struct tf_key keys[TF_MAX_ENTRIES];
	struct tf_key k, last, *prev = NULL;
	volatile __u64 *now = &tf_map.cells[0].reads;   /* the generation */
	__u32 gen = *now, zero = 0;
	const struct tf_counts *old = tf_map.cells + TF_HALF(gen);
	struct tf_stats v;
	size_t n = 0;
	int err = 0;

	*now = gen + 1;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.tf_sync), &zero, &inner, BPF_ANY))
		return -errno;
	while (n < TF_MAX_ENTRIES && !bpf_map_get_next_key(hash, prev, &k)) {
		if (k.gen == gen)   /* not the new half's, made since the flip */
			keys[n++] = k;
		last = k;
		prev = &last;
	}
	for (size_t i = 0; i < n && !err; i++) {
		const struct tf_counts *c;

		if (bpf_map_lookup_and_delete_elem(hash, &keys[i], &v) ||
		    !v.slot || v.slot > TF_MAX_ENTRIES)
			continue;
		c = &old[v.slot];
		if (!(c->reads | c->writes))
			continue;
		v.reads = c->reads;
		v.writes = c->writes;
		v.rbytes = c->rbytes;
		v.wbytes = c->wbytes;
		tf_fill_row(ctx, batch_row(b), &keys[i], &v);
		if (batch_add(b))
			err = -ENOMEM;
	}
	tf_clear(gen);   /* for generation gen + 2 */
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
