// SPDX-License-Identifier: Apache-2.0
/*
 * traceloop: declarations. It does not stream events: it records each
 * container's syscalls into an overwritable buffer and prints them when
 * asked, so it has its own flow (src/traceloop/run.c) instead of start and
 * decode. The BPF side is bpf/traceloop.bpf.c.
 */
#include "skel.h"
#include "traceloop.h"
#include "traceloop.skel.h"
#include "traceloop/tl.h"

static const struct field tl_fields[] = {
	[TLF_CPU]        = { "cpu", "CPU", NULL, FT_UINT, 3, FF_RIGHT },
	[TLF_SYSCALL]    = { "syscall", "SYSCALL", NULL, FT_STR, 16, FF_DEFAULT },
	/* JSON: [{name, value, content}]; columns: "fd=3, buf=\"hi\", count=2". */
	[TLF_PARAMETERS] = { "parameters", "PARAMETERS", "params", FT_JSON, 64, FF_DEFAULT },
	[TLF_RET]        = { "ret", "RET", NULL, FT_STR, 12, FF_DEFAULT },
	[TLF_RET_RAW]    = { "ret_raw", NULL, NULL, FT_INT, 20, FF_RIGHT },
	[TLF_ERROR]      = { "error", "ERROR", NULL, FT_STR, 12, 0 },
	[TLF_ERROR_RAW]  = IG_FIELD_ERROR_RAW,
	[TLF_UNFINISHED] = { "unfinished", NULL, NULL, FT_BOOL, 5, 0 },
};

static const struct gadget_flag tl_flags[] = {
	IG_FLAG_STR(struct tl_opts, syscalls, "syscall-filters", NULL,
		    "record only these syscalls (comma list, in the kernel), e.g. open,openat,write"),
	IG_FLAG_SIZE(struct tl_opts, buffer_size, "buffer-size", "1M",
		     "buffer of each container, in bytes (k, M, G suffixes); the newest records survive"),
};

_Static_assert(ARRAY_SIZE(tl_fields) == TLF_COUNT, "one field per enum tl_field");

/* Loaded by the recorder (src/traceloop/recorder.c), not by the core. */
IG_SKEL_OPS(traceloop);

IG_GADGET(traceloop) = {
	.name = "traceloop",
	.description = "record containers' syscalls in overwritable buffers, print them at the end (strace-like unless -o or --fields)",
	.fields = tl_fields,
	.nfields = ARRAY_SIZE(tl_fields),
	.default_fields = "runtime.containerName,proc.pid,proc.comm,syscall,parameters,ret",
	.flags = tl_flags,
	.nflags = ARRAY_SIZE(tl_flags),
	.opts_size = sizeof(struct tl_opts),
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_BPF_LOOP),
	.skel = &traceloop_skel_ops,
	.run = tl_run,
};
