/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The JSON writer for what is off the per-event hot path (traceloop's
 * parameters, asciicast files): objects, arrays, names and values, with
 * the commas and escaping (esc_json: invalid UTF-8 becomes U+FFFD) done in
 * one place. The event records themselves are written from a plan made
 * once per run (output.c), which this writer would slow down.
 */
#ifndef IG_JSONW_H
#define IG_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "obuf.h"

#define JSONW_MAX_DEPTH 16

struct jsonw {
	struct obuf *b;
	bool spaced;                     /* ", " and ": ", as asciinema writes */
	bool named;                      /* a name was written, its value is next */
	unsigned int depth;
	bool some[JSONW_MAX_DEPTH + 1];  /* the container at each depth has members */
};

void jsonw_init(struct jsonw *w, struct obuf *b, bool spaced);
void jsonw_object(struct jsonw *w);
void jsonw_array(struct jsonw *w);
/* Close the innermost object or array. */
void jsonw_end(struct jsonw *w, char close);
void jsonw_name(struct jsonw *w, const char *name);
void jsonw_string(struct jsonw *w, const char *s, size_t len);
void jsonw_u64(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);
/* A number already formatted ("1.500000"). */
void jsonw_number(struct jsonw *w, const char *text, size_t len);

#define jsonw_end_object(w) jsonw_end(w, '}')
#define jsonw_end_array(w)  jsonw_end(w, ']')

#endif
