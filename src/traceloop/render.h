/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Records -> syscalls -> output. An enter and its exit make one syscall;
 * the strace-like text shows them on one line unless another syscall came
 * in between ("write(...) ..." then "... write() = 20"). Rows (columns,
 * JSON) always show one syscall per row.
 */
#ifndef IG_TL_RENDER_H
#define IG_TL_RENDER_H

#include "filter.h"
#include "output.h"
#include "traceloop/recorder.h"

struct enricher;

struct tl_render {
	const struct tl_systable *sys;
	const struct enricher *enr;   /* for runtime.* and k8s.* */
	uint64_t boot_to_wall;
	bool text;                    /* strace-like lines instead of rows */
	struct output *out;           /* rows; text goes to out->buf too */
	const struct schema *schema;
	struct row *row;
	const struct filter *filter;  /* -F, or NULL */
	const uint8_t *syscalls;      /* --syscall-filters flags, or NULL */
	struct obuf params;           /* scratch */
	size_t shown;                 /* syscalls printed */
};

/* Print one trace (a snapshot of it). */
int tl_render_trace(struct tl_render *rd, const struct tl_trace *t, const struct tl_snapshot *s);
void tl_render_free(struct tl_render *rd);

/* A string as the text format shows it: quoted, with quotes, backslashes
 * and control bytes escaped; "..." after it when it was cut. */
void tl_quote(struct obuf *b, const char *s, size_t len, bool truncated);

/* The arguments of a syscall, "dfd=-100, filename=\"/tmp/x\", ...". With
 * quoted, contents are quoted and escaped (text format); else raw (the
 * columns printer escapes the whole cell). exit_only: only the buffers the
 * call filled. contents[i]: the record holding argument i's content, or
 * NULL. */
void tl_format_args(struct obuf *b, const struct tl_sysinfo *si, const __u64 *args,
		    const struct tl_rec *const *contents, bool quoted, bool exit_only);

/* The JSON array [{"name":..,"value":..,"content":..}]. */
void tl_format_args_json(struct obuf *b, const struct tl_sysinfo *si, const __u64 *args,
			 const struct tl_rec *const *contents);

#endif
