// SPDX-License-Identifier: Apache-2.0
/* trace_exec: decoder and declarations; the BPF side is bpf/trace_exec.bpf.c. */
#include <string.h>
#include "skel.h"
#include "trace_exec.h"
#include "trace_exec.skel.h"

enum {
	F_ARGS, F_ARGS_COUNT, F_ARGS_SIZE, F_ARGS_TRUNCATED, F_CWD, F_EXEPATH,
	F_ERROR, F_ERROR_RAW, F_EXECVEAT,
};

static const struct field exec_fields[] = {
	[F_ARGS]           = { "args", "ARGS", NULL, FT_STR, 40, FF_DEFAULT },
	[F_ARGS_COUNT]     = { "args_count", NULL, NULL, FT_UINT, 4, FF_RIGHT },
	[F_ARGS_SIZE]      = { "args_size", NULL, NULL, FT_UINT, 5, FF_RIGHT },
	[F_ARGS_TRUNCATED] = { "args_truncated", NULL, NULL, FT_BOOL, 5, 0 },
	[F_CWD]            = { "cwd", "CWD", NULL, FT_STR, 24, FF_MIDDLE | FF_PATHS },
	[F_EXEPATH]        = { "exepath", "EXEPATH", NULL, FT_STR, 24, FF_MIDDLE | FF_PATHS },
	[F_ERROR]          = IG_FIELD_ERROR,
	[F_ERROR_RAW]      = IG_FIELD_ERROR_RAW,
	[F_EXECVEAT]       = { "execveat", NULL, NULL, FT_BOOL, 5, 0 },
};

struct exec_opts {
	bool ignore_failed;
	bool paths;
};

static const struct gadget_flag exec_flags[] = {
	IG_FLAG_BOOL(struct exec_opts, ignore_failed, "ignore-failed", "true", "hide failed execs"),
	IG_FLAG_BOOL(struct exec_opts, paths, "paths", "false",
		     "show the working directory and executable path"),
};

IG_SKEL_OPS(trace_exec);

/* A wakeup of the reader is a self-IPI in the execing task: ~45 us on a VM
 * here, most of an exec's BPF time even at one wakeup per 20 ms. So the
 * reader is woken at most once a second: the first exec after a quiet
 * second, and one from a container not yet known, still wake it at once;
 * the others are read at its next poll (run.c, every 50 ms), which bounds
 * their delay. */
#define EXEC_WAKEUP_NS 1000000000ULL

/* Execs come at most at a few thousand a second per CPU (each a fork and
 * an exec), and a record is ~100-300 bytes: 512 KiB holds ~2,000 of them
 * (62 at the longest argv), and the reader is woken at a quarter of it.
 * Against the 2 MiB default: 3 MB less RSS (the ring is mapped twice). */
#define EXEC_RING_SIZE (512U << 10)

static int exec_configure(struct gadget_ctx *ctx, void *s)
{
	const struct exec_opts *o = ctx->gopts;
	struct trace_exec_bpf *skel = s;

	skel->rodata->ignore_failed = o->ignore_failed;
	skel->rodata->want_paths = o->paths;
	skel->rodata->ig_cfg.wakeup_ns = EXEC_WAKEUP_NS;
	return ig_bpf_ring_default(ctx, skel->maps.ig_events, &skel->rodata->ig_cfg, EXEC_RING_SIZE);
}

/* argv arrives NUL-separated; show it space-separated, marking a cut. */
static void set_args(struct row *r, const struct exec_event *e, const char *args, uint32_t size)
{
	bool truncated = e->flags & EXEC_F_ARGS_TRUNCATED;
	uint32_t count = 0, len = size;
	char *dst;

	while (len && args[len - 1] == 0)
		len--;
	for (uint32_t i = 0; i < size; i++)
		count += args[i] == 0;
	if (size && args[size - 1] != 0)
		count++;   /* the last argument was cut mid-way */
	dst = row_alloc(r, len + 4);
	if (!dst)
		return;
	for (uint32_t i = 0; i < len; i++)
		dst[i] = args[i] ? args[i] : ' ';
	if (truncated) {
		memcpy(dst + len, "\xe2\x80\xa6", 3);   /* … */
		len += 3;
	}
	row_set_str(r, GF(F_ARGS), dst, len);
	row_set_uint(r, GF(F_ARGS_COUNT), count);
	row_set_uint(r, GF(F_ARGS_SIZE), size);
	row_set_uint(r, GF(F_ARGS_TRUNCATED), truncated);
}

static int exec_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct exec_event *e = data;
	size_t hdr = offsetof(struct exec_event, tail);
	uint32_t args_size;

	if (size < hdr || size - hdr < EXEC_ARGS_OFF(e->flags))
		return -1;
	hdr += EXEC_ARGS_OFF(e->flags);
	args_size = e->args_size;
	if (args_size > EXEC_ARGS_MAX || args_size > size - hdr)
		args_size = size - hdr < EXEC_ARGS_MAX ? size - hdr : EXEC_ARGS_MAX;
	row_set_proc(ctx, r, &e->proc);
	set_args(r, e, (const char *)e + hdr, args_size);
	row_set_ret_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->retval);
	if (e->flags & EXEC_F_PATHS) {
		const char *cwd = e->tail, *exe = e->tail + EXEC_PATH_MAX;

		row_set_cut_path(r, GF(F_CWD), cwd, strnlen(cwd, EXEC_PATH_MAX),
				 e->flags & EXEC_F_CWD_CUT_TOP, e->flags & EXEC_F_CWD_TRUNCATED);
		row_set_cut_path(r, GF(F_EXEPATH), exe, strnlen(exe, EXEC_PATH_MAX),
				 e->flags & EXEC_F_EXE_CUT_TOP, e->flags & EXEC_F_EXE_TRUNCATED);
	}
	row_set_uint(r, GF(F_EXECVEAT), !!(e->flags & EXEC_F_EXECVEAT));
	return 1;
}

/* -o compact: Tetragon's process line (args hold argv[0] here). */
static const struct compact_form exec_compact[] = {
	{ NULL, NULL, "\xf0\x9f\x9a\x80", "process", "args,error" },   /* 🚀 */
};

static const struct gadget_metric exec_metrics[] = {
	{ "ig_execs_total", "Execs, by container and result (ok, or error: a failed exec).",
	  -1, NULL, F_ERROR },
};

IG_GADGET(trace_exec) = {
	.name = "trace_exec",
	.aliases = "execsnoop",
	.description = "trace new processes (execve, execveat)",
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_BPF_LOOP) | IG_KF_BIT(IG_KF_TASK_PT_REGS),
	.fields = exec_fields,
	.nfields = ARRAY_SIZE(exec_fields),
	.flags = exec_flags,
	.nflags = ARRAY_SIZE(exec_flags),
	.opts_size = sizeof(struct exec_opts),
	.skel = &trace_exec_skel_ops,
	.configure = exec_configure,
	.decode = exec_decode,
	.forms = { exec_compact, ARRAY_SIZE(exec_compact), NULL },
	.metrics = exec_metrics,
	.nmetrics = ARRAY_SIZE(exec_metrics),
};
