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
struct ev_list;

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
	/* The trace being printed, a piece at a time (tl_render_start). */
	struct tl_trace trace;        /* a copy: the trace may be closed meanwhile */
	struct tl_snapshot snap;
	bool own_snap;                /* snap.recs is ours to free */
	struct ev_list *ev;           /* NULL: nothing in progress */
	size_t next;                  /* the next record (text) or event (rows) */
};

/* Print one trace (a snapshot of it) at once. */
int tl_render_trace(struct tl_render *rd, const struct tl_trace *t, const struct tl_snapshot *s);

/*
 * The same a piece at a time, so that what is printed need not be held
 * whole: tl_render_start takes the snapshot over (s is emptied), then each
 * tl_render_more appends to out->buf until it holds at least max bytes,
 * and returns true once the trace is done (its memory freed then).
 */
int tl_render_start(struct tl_render *rd, const struct tl_trace *t, struct tl_snapshot *s);
bool tl_render_more(struct tl_render *rd, size_t max);
/* Drop a trace in progress; also done by tl_render_free. */
void tl_render_end(struct tl_render *rd);
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
