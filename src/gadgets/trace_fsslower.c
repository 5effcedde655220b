// SPDX-License-Identifier: Apache-2.0
/* trace_fsslower: decoder and declarations; the BPF side is
 * bpf/trace_fsslower.bpf.c (kprobes: refused where there are none). */
#include <errno.h>
#include <string.h>
#include "skel.h"
#include "sys.h"
#include "trace_fsslower.h"
#include "trace_fsslower.skel.h"

enum { F_T, F_BYTES, F_OFFSET, F_LAT, F_FILE, F_ERROR, F_ERROR_RAW, F_SIZE };

static const struct field fss_fields[] = {
	[F_T]         = { "op", "T", "t", FT_STR, 1, FF_DEFAULT },
	[F_BYTES]     = { "bytes", "BYTES", NULL, FT_INT, 8, FF_DEFAULT | FF_RIGHT },
	[F_OFFSET]    = { "offset", "OFFSET", NULL, FT_INT, 10, FF_DEFAULT | FF_RIGHT },
	[F_LAT]       = { "latency_us", "LAT", "lat", FT_UINT, 8, FF_DEFAULT | FF_RIGHT },
	[F_FILE]      = { "file", "FILE", NULL, FT_STR, 24, FF_DEFAULT },
	[F_ERROR]     = { "error", "ERROR", NULL, FT_STR, 12, 0 },
	[F_ERROR_RAW] = IG_FIELD_ERROR_RAW,
	[F_SIZE]      = { "size", "SIZE", NULL, FT_UINT, 8, FF_RIGHT },
};

struct fss_opts {
	uint64_t min_ms;
};

static const struct gadget_flag fss_flags[] = {
	IG_FLAG_UINT(struct fss_opts, min_ms, "min", "10",
		     "show only calls slower than this many milliseconds (0: every call)"),
};

IG_SKEL_OPS(trace_fsslower);

static int fss_configure(struct gadget_ctx *ctx, void *s)
{
	const struct fss_opts *o = ctx->gopts;
	struct trace_fsslower_bpf *skel = s;

	if (!sys_has_kprobes()) {
		ig_err("%s needs kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS), which this kernel lacks",
		       ctx->g->name);
		return -EOPNOTSUPP;
	}
	skel->rodata->min_ns = o->min_ms * 1000000;
	return 0;
}

static int fss_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct fss_event *e = data;
	static const char ops[] = { FSS_READ, FSS_WRITE, FSS_OPEN, FSS_FSYNC };
	char *t;

	if (size < sizeof(*e))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	t = row_alloc(r, 1);
	if (t) {
		*t = memchr(ops, e->op, sizeof(ops)) ? e->op : '?';
		row_set_str(r, GF(F_T), t, 1);
	}
	row_set_int(r, GF(F_BYTES), e->ret > 0 && e->op != FSS_OPEN ? e->ret : 0);
	row_set_int(r, GF(F_OFFSET), e->offset);
	row_set_uint(r, GF(F_LAT), e->delta_ns / 1000);
	row_set_buf(r, GF(F_FILE), e->file, sizeof(e->file));
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW),
		      e->ret < 0 && e->ret >= -4095 ? (int)-e->ret : 0);
	row_set_uint(r, GF(F_SIZE), e->size);
	return 1;
}

IG_GADGET(trace_fsslower) = {
	.name = "trace_fsslower",
	.aliases = "fsslower",
	.description = "trace file reads, writes, opens and fsyncs slower than --min (needs kprobes)",
	.kind = GK_TRACE,
	.fields = fss_fields,
	.nfields = ARRAY_SIZE(fss_fields),
	.flags = fss_flags,
	.nflags = ARRAY_SIZE(fss_flags),
	.opts_size = sizeof(struct fss_opts),
	.skel = &trace_fsslower_skel_ops,
	.configure = fss_configure,
	.decode = fss_decode,
};
