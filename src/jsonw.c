// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include "escape.h"
#include "jsonw.h"

void jsonw_init(struct jsonw *w, struct obuf *b, bool spaced)
{
	*w = (struct jsonw){ .b = b, .spaced = spaced };
}

/* Before a value or a name: the comma that separates it from the last. */
static void before(struct jsonw *w)
{
	if (w->named) {
		w->named = false;
		return;
	}
	if (w->some[w->depth])
		ob_write(w->b, ", ", w->spaced ? 2 : 1);
	w->some[w->depth] = true;
}

static void open(struct jsonw *w, char c)
{
	before(w);
	ob_putc(w->b, c);
	if (w->depth < JSONW_MAX_DEPTH)
		w->depth++;
	w->some[w->depth] = false;
}

void jsonw_object(struct jsonw *w)
{
	open(w, '{');
}

void jsonw_array(struct jsonw *w)
{
	open(w, '[');
}

void jsonw_end(struct jsonw *w, char close)
{
	ob_putc(w->b, close);
	if (w->depth)
		w->depth--;
}

void jsonw_name(struct jsonw *w, const char *name)
{
	before(w);
	esc_json(w->b, name, strlen(name));
	ob_write(w->b, ": ", w->spaced ? 2 : 1);
	w->named = true;
}

void jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	before(w);
	esc_json(w->b, s, len);
}

void jsonw_u64(struct jsonw *w, uint64_t v)
{
	before(w);
	ob_u64(w->b, v);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	before(w);
	ob_puts(w->b, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w)
{
	before(w);
	ob_puts(w->b, "null");
}

void jsonw_number(struct jsonw *w, const char *text, size_t len)
{
	before(w);
	ob_write(w->b, text, len);
}
