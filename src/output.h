/* SPDX-License-Identifier: Apache-2.0 */
/* One printer for every gadget: columns, json, jsonpretty. */
#ifndef IG_OUTPUT_H
#define IG_OUTPUT_H

#include "field.h"
#include "obuf.h"

enum out_mode {
	OUT_COLUMNS,
	OUT_JSON,
	OUT_JSONPRETTY,
	OUT_ASCIICAST,           /* asciinema v2 (asciicast.h) */
};

struct json_op;
struct asciicast;

struct output {
	enum out_mode mode;
	const struct schema *s;
	const struct selection *cols;
	struct json_op *ops;
	size_t nops;
	struct obuf buf;
	int64_t ts_sec;          /* cached RFC 3339 prefix for this second */
	char ts_prefix[32];
	struct asciicast *cast;  /* OUT_ASCIICAST */
};

/* cols: the selected columns. JSON shows all fields unless the selection
 * is explicit (--fields a,b), then just those. */
int output_init(struct output *o, enum out_mode mode, const struct schema *s,
		const struct selection *cols);
void output_free(struct output *o);
void output_header(struct output *o);
void output_row(struct output *o, const struct row *r);
/* A {"type":"lost",...} record in JSON modes; nothing in columns mode. */
void output_lost(struct output *o, uint64_t count, uint64_t total, uint64_t wall_ns);
/* Write what is buffered to fd. Returns 0 or a negative errno (-EPIPE...);
 * -EINTR when a signal interrupted it, with the rest still buffered. */
int output_flush(struct output *o, int fd);

/* Format wall-clock ns as RFC 3339 with ns, UTC. buf >= 32 bytes. */
size_t format_rfc3339(char *buf, uint64_t wall_ns);

#endif
