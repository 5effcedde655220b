// SPDX-License-Identifier: Apache-2.0
/* trace_open: decoder and declarations; the BPF side is bpf/trace_open.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>
#include "decode.h"
#include "list.h"
#include "skel.h"
#include "trace_open.h"
#include "trace_open.skel.h"

enum {
	F_FD, F_FNAME, F_FNAME_TRUNCATED, F_FPATH, F_FLAGS, F_FLAGS_RAW, F_MODE, F_MODE_RAW,
	F_ERROR, F_ERROR_RAW,
};

static const struct field open_fields[] = {
	[F_FD]        = { "fd", "FD", NULL, FT_UINT, 3, FF_DEFAULT | FF_RIGHT },
	[F_FNAME]     = { "fname", "FNAME", NULL, FT_STR, 40, FF_DEFAULT | FF_MIDDLE },
	[F_FNAME_TRUNCATED] = { "fname_truncated", NULL, NULL, FT_BOOL, 5, 0 },
	[F_FPATH]     = { "fpath", "FPATH", NULL, FT_STR, 40, FF_MIDDLE | FF_PATHS },
	[F_FLAGS]     = { "flags", "FLAGS", NULL, FT_STR, 24, 0 },
	[F_FLAGS_RAW] = { "flags_raw", NULL, NULL, FT_UINT, 8, FF_RIGHT },
	[F_MODE]      = { "mode", "MODE", NULL, FT_STR, 5, FF_DEFAULT },
	[F_MODE_RAW]  = { "mode_raw", NULL, NULL, FT_UINT, 6, FF_RIGHT },
	[F_ERROR]     = IG_FIELD_ERROR,
	[F_ERROR_RAW] = IG_FIELD_ERROR_RAW,
};

struct open_opts {
	bool failed;
	const char *prefixes;
	bool paths;
};

static const struct gadget_flag open_flags[] = {
	IG_FLAG_BOOL(struct open_opts, failed, "failed", "false", "show only failed opens"),
	IG_FLAG_STR(struct open_opts, prefixes, "prefixes", NULL,
		    "show only paths starting with one of these (comma list, in the kernel)"),
	IG_FLAG_BOOL(struct open_opts, paths, "paths", "false",
		     "fill fpath: the absolute path of the file opened, or the one a failed open tried"),
};

IG_SKEL_OPS(trace_open);

static int open_configure(struct gadget_ctx *ctx, void *s)
{
	const struct open_opts *o = ctx->gopts;
	struct trace_open_bpf *skel = s;

	skel->rodata->failed_only = o->failed;
	skel->rodata->use_prefixes = o->prefixes != NULL;
	skel->rodata->want_paths = o->paths;
	return 0;
}

static int add_prefix(const char *p, size_t len, void *arg)
{
	int map_fd = *(int *)arg;
	struct open_prefix_key key = {};
	__u8 one = 1;

	if (len >= sizeof(key.path)) {
		ig_err("trace_open: prefix \"%.*s\" is longer than %zu bytes", (int)len, p,
		       sizeof(key.path) - 1);
		return -EINVAL;
	}
	memcpy(key.path, p, len);
	key.prefixlen = len * 8;
	if (bpf_map_update_elem(map_fd, &key, &one, BPF_ANY)) {
		ig_err("trace_open: too many prefixes (at most %d)", OPEN_PREFIX_MAX);
		return -errno;
	}
	return 0;
}

/* After load: --prefixes into the map the BPF side matches against. */
static int open_loaded(struct gadget_ctx *ctx, void *s)
{
	const struct open_opts *o = ctx->gopts;
	struct trace_open_bpf *skel = s;
	int fd = bpf_map__fd(skel->maps.open_prefixes);

	return list_each(o->prefixes, add_prefix, &fd, NULL, NULL);
}

/*
 * fpath from the --paths part of a record (fpath_n bytes of e->fpath, the
 * first fname_n of e->fname, both checked against the record): the file's
 * own path, or the path a failed open tried. That is fname if absolute,
 * else the directory it was resolved from, "/", and fname, as given (not
 * normalized: "." and ".." stay; the kernel resolves ".." after a symlink
 * from the symlink's target). A cut shows as "…" where the bytes are
 * missing.
 */
static void set_fpath(struct row *r, const struct open_event *e, size_t fname_n, size_t fpath_n)
{
	uint32_t fl = e->fpath_flags;
	bool abs_name = fname_n && e->fname[0] == '/';
	char *dst, *p;

	if (!(fl & (OPEN_FP_FILE | OPEN_FP_DIR)) && !abs_name)
		return;   /* a relative name, and no directory to put it in */
	dst = p = row_alloc(r, fpath_n + fname_n + 1 + 3 * IG_ELLIPSIS_LEN);
	if (!dst)
		return;
	if (fl & (OPEN_FP_FILE | OPEN_FP_DIR))
		p = put_cut_path(p, e->fpath, fpath_n, fl & OPEN_FP_CUT_TOP, fl & OPEN_FP_CUT_END);
	if (!(fl & OPEN_FP_FILE)) {
		/* One "/" between them (a base of "/", an absolute name under
		 * openat2's RESOLVE_IN_ROOT). */
		if ((fl & OPEN_FP_DIR) && !(p > dst && p[-1] == '/') && !abs_name)
			*p++ = '/';
		p = mempcpy(p, e->fname, fname_n);
		if (fl & OPEN_FP_FNAME_CUT)
			p = mempcpy(p, IG_ELLIPSIS, IG_ELLIPSIS_LEN);
	}
	row_set_str(r, GF(F_FPATH), dst, p - dst);
}

/*
 * Whether fname was cut: fname holds OPEN_FNAME_MAX - 1 bytes. With
 * --paths, BPF looked at the next byte (OPEN_FP_FNAME_CUT). Without, a full
 * buffer is all there is to go by, so a name of exactly that length is
 * marked too: better a false mark than a hidden cut.
 */
static bool fname_cut(const struct open_event *e, size_t size, size_t fname_n)
{
	if (fname_n < OPEN_FNAME_MAX - 1)
		return false;
	if (size >= OPEN_EVENT_PATHS_SIZE)
		return e->fpath_flags & OPEN_FP_FNAME_CUT;
	return true;
}

/* fname as read, with "…" where a cut dropped the rest. */
static void set_fname(struct row *r, const char *fname, size_t n, bool cut)
{
	char *dst = cut ? row_alloc(r, n + IG_ELLIPSIS_LEN) : NULL;

	row_set_uint(r, GF(F_FNAME_TRUNCATED), cut);
	if (!dst) {
		row_set_str(r, GF(F_FNAME), fname, n);
		return;
	}
	memcpy(mempcpy(dst, fname, n), IG_ELLIPSIS, IG_ELLIPSIS_LEN);
	row_set_str(r, GF(F_FNAME), dst, n + IG_ELLIPSIS_LEN);
}

static int open_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct open_event *e = data;
	size_t fname_n;
	uint32_t mode;
	char *buf;

	/* Records come at their real length: a header, then fname_len bytes
	 * (then, with --paths, the fpath part after the whole fname). */
	if (size < OPEN_EVENT_HDR_SIZE || size > sizeof(*e) ||
	    e->fname_len > OPEN_FNAME_MAX || e->fname_len > size - OPEN_EVENT_HDR_SIZE)
		return -1;
	if (size >= OPEN_EVENT_PATHS_SIZE && e->fpath_len > size - OPEN_EVENT_PATHS_SIZE)
		return -1;
	mode = e->flags & (O_CREAT | 020000000 /* __O_TMPFILE */) ? e->mode : 0;
	fname_n = strnlen(e->fname, e->fname_len);
	row_set_proc(ctx, r, &e->proc);
	row_set_uint(r, GF(F_FD), e->ret >= 0 ? e->ret : 0);
	set_fname(r, e->fname, fname_n, fname_cut(e, size, fname_n));
	if (size >= OPEN_EVENT_PATHS_SIZE)
		set_fpath(r, e, fname_n, strnlen(e->fpath, e->fpath_len));
	row_set_uint(r, GF(F_FLAGS_RAW), e->flags);
	row_set_uint(r, GF(F_MODE_RAW), mode);
	row_set_ret_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->ret);
	buf = row_alloc(r, 256);
	if (buf)
		row_set_str(r, GF(F_FLAGS), buf, decode_open_flags(e->flags, buf, 256));
	buf = row_alloc(r, 16);
	if (buf)
		row_set_str(r, GF(F_MODE), buf, decode_mode(mode, buf, 16));
	return 1;
}

/* -o compact: Tetragon's open line (the comm stands for the binary). */
static const struct compact_form open_compact[] = {
	{ NULL, NULL, "\xf0\x9f\x93\xac", "open", "comm,fname,error" },   /* 📬 */
};

static const struct gadget_metric open_metrics[] = {
	{ "ig_opens_total", "Opens, by container and result (ok, or error: the open failed).",
	  -1, NULL, F_ERROR },
};

IG_GADGET(trace_open) = {
	.name = "trace_open",
	.aliases = "opensnoop",
	.description = "trace files being opened (open, openat, openat2)",
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_BPF_LOOP) | IG_KF_BIT(IG_KF_TASK_PT_REGS),
	.fields = open_fields,
	.nfields = ARRAY_SIZE(open_fields),
	.flags = open_flags,
	.nflags = ARRAY_SIZE(open_flags),
	.opts_size = sizeof(struct open_opts),
	.skel = &trace_open_skel_ops,
	.configure = open_configure,
	.loaded = open_loaded,
	.decode = open_decode,
	.forms = { open_compact, ARRAY_SIZE(open_compact), NULL },
	.metrics = open_metrics,
	.nmetrics = ARRAY_SIZE(open_metrics),
};
