/* SPDX-License-Identifier: Apache-2.0 */
/* One printer for every gadget: columns, json, jsonpretty, yaml. */
#ifndef IG_OUTPUT_H
#define IG_OUTPUT_H

#include "field.h"
#include "obuf.h"

enum out_mode {
	OUT_COLUMNS,
	OUT_JSON,
	OUT_JSONPRETTY,
	OUT_YAML,                /* one document per event, from the JSON plan */
	OUT_ASCIICAST,           /* asciinema v2 (asciicast.h) */
	OUT_COMPACT,             /* one Tetragon-style line a record (compact.c) */
	OUT_TETRAGON,            /* Tetragon's JSON events, where the command has them */
};

/* json, jsonpretty and yaml: every field, nested, keys sorted; an
 * FT_JSON value is written as JSON, not as text. */
bool out_mode_structured(enum out_mode m);

struct json_op;
struct asciicast;
struct out_ops;
struct compact_plan;

/* The members of one record, planned once for the mode (output.c). */
struct json_plan {
	const struct schema *s;
	struct json_op *ops;
	size_t nops;
};

struct output {
	enum out_mode mode;
	const struct out_ops *ops;   /* the mode's printer (output.c) */
	/* ops->row, one load closer: output_row is the hot path. */
	void (*row)(struct output *o, const struct row *r);
	const struct schema *s;
	const struct selection *cols;
	struct json_plan plan;   /* the rows */
	struct json_plan lost;   /* the lost-event records */
	const char *lost_gadget; /* their "gadget" key, or NULL: none */
	struct obuf buf;
	int64_t ts_sec;          /* cached RFC 3339 prefix for this second */
	char ts_prefix[32];
	struct asciicast *cast;  /* OUT_ASCIICAST */
	struct compact_plan *compact;   /* OUT_COMPACT */
	/* Batches (top, snapshot, profile): one table or JSON array each. */
	bool redraw;             /* a terminal: each table replaces the last */
	size_t batches;          /* printed so far */
	size_t batch_rows;       /* rows of the current batch */
};

/* cols: the selected columns. JSON and YAML show all fields unless the
 * selection is explicit (--fields a,b), then just those. */
int output_init(struct output *o, enum out_mode mode, const struct schema *s,
		const struct selection *cols);
/* The same for -o MODE=ARG (asciicast's directory). */
int output_init_arg(struct output *o, enum out_mode mode, const char *arg,
		    const struct schema *s, const struct selection *cols);
/* "json", "asciicast=DIR"...: the mode and its argument (NULL: none); 0,
 * or -1 for no such mode. custom-columns= is the CLI's, not a mode. */
int output_mode_parse(const char *text, enum out_mode *mode, const char **arg);
void output_free(struct output *o);
void output_header(struct output *o);
static inline void output_row(struct output *o, const struct row *r)
{
	o->row(o, r);
}
/* A batch of rows: a table with its header (on a terminal with redraw,
 * in place of the last one; else after it), or one JSON array. */
void output_batch_begin(struct output *o);
void output_batch_row(struct output *o, const struct row *r);
void output_batch_end(struct output *o);
/* A {"type":"lost",...} record in JSON modes (a YAML document with the same
 * keys in yaml); nothing in columns mode. */
void output_lost(struct output *o, uint64_t count, uint64_t total, uint64_t wall_ns);
/* From now on, lost-event records carry {"gadget": gadget} (ig daemon's
 * export mixes gadgets' streams; a shipper must know which one lost
 * events). gadget must outlive o. 0 or a negative errno. */
int output_lost_gadget(struct output *o, const char *gadget);
/* Write what is buffered to fd. Returns 0 or a negative errno (-EPIPE...);
 * -EINTR when a signal interrupted it, with the rest still buffered. */
int output_flush(struct output *o, int fd);

/* -o compact and -o tetragon (compact.c), for output.c's table. */
int compact_init(struct output *o, const char *arg);
void compact_row(struct output *o, const struct row *r);
void compact_free(struct output *o);
int tetragon_init(struct output *o, const char *arg);
void tetragon_row(struct output *o, const struct row *r);

/* Format wall-clock ns as RFC 3339 with ns, UTC. buf >= 32 bytes. */
size_t format_rfc3339(char *buf, uint64_t wall_ns);

#endif
