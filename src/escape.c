// SPDX-License-Identifier: Apache-2.0
#include <stdbool.h>
#include <stdio.h>
#include "escape.h"

static const char hexdig[] = "0123456789abcdef";

size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t c = s[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and out-of-range values are invalid. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Characters that can reorder or hide text on a terminal. */
static int is_format_char(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||        /* C1 controls, e.g. CSI */
	       (cp >= 0x200b && cp <= 0x200f) ||    /* zero width, LRM/RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||    /* separators, bidi embeddings */
	       (cp >= 0x2060 && cp <= 0x2069) ||    /* invisible ops, bidi isolates */
	       cp == 0xfeff;
}

static size_t put_hex_byte(char *t, unsigned char c)
{
	t[0] = '\\'; t[1] = 'x';
	t[2] = hexdig[c >> 4]; t[3] = hexdig[c & 15];
	return 4;
}

static size_t put_u4(char *t, uint32_t cp)
{
	t[0] = '\\'; t[1] = 'u';
	t[2] = hexdig[(cp >> 12) & 15]; t[3] = hexdig[(cp >> 8) & 15];
	t[4] = hexdig[(cp >> 4) & 15]; t[5] = hexdig[cp & 15];
	return 6;
}

/* One token for the terminal: fills t, returns its length; *in gets the
 * input bytes it consumed. Printable runs are handled by the caller. */
static size_t column_token(const unsigned char *s, size_t len, char *t, size_t *in)
{
	uint32_t cp;
	size_t n;

	*in = 1;
	switch (s[0]) {
	case '\\': t[0] = '\\'; t[1] = '\\'; return 2;
	case '\t': t[0] = '\\'; t[1] = 't'; return 2;
	case '\n': t[0] = '\\'; t[1] = 'n'; return 2;
	case '\r': t[0] = '\\'; t[1] = 'r'; return 2;
	}
	if (s[0] < 0x20 || s[0] == 0x7f)
		return put_hex_byte(t, s[0]);
	n = utf8_decode(s, len, &cp);
	if (!n)
		return put_hex_byte(t, s[0]);
	*in = n;
	if (is_format_char(cp))
		return put_u4(t, cp);
	for (size_t i = 0; i < n; i++)
		t[i] = s[i];
	return n;
}

static int plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

size_t esc_column(struct obuf *b, const char *str, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t cells = 0, cut_pos = b->len, cut_cells = 0, i = 0;

	while (i < len) {
		char tok[8];
		size_t tn, tc, in;

		if (plain_ascii(s[i])) {
			tok[0] = s[i];
			tn = 1;
			tc = 1;
			in = 1;
		} else {
			tn = column_token(s + i, len - i, tok, &in);
			tc = (in > 1 && tn == in) ? 1 : tn;   /* a UTF-8 char is one cell */
		}
		if (max && cells + tc > max) {
			b->len = cut_pos;
			ob_write(b, "\xe2\x80\xa6", 3);   /* … */
			return cut_cells + 1;
		}
		ob_write(b, tok, tn);
		cells += tc;
		i += in;
		if (!max || cells <= max - 1) {
			cut_pos = b->len;
			cut_cells = cells;
		}
	}
	return cells;
}

size_t esc_column_cells(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t cells = 0, i = 0;

	while (i < len) {
		char tok[8];
		size_t tn, in;

		if (plain_ascii(s[i])) {
			cells++;
			i++;
			continue;
		}
		tn = column_token(s + i, len - i, tok, &in);
		cells += (in > 1 && tn == in) ? 1 : tn;
		i += in;
	}
	return cells;
}

static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Code points JSON output escapes although JSON allows them: C1 controls,
 * the JavaScript line ends, and the non-characters YAML does not allow. */
static bool json_escaped_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfffe || cp == 0xffff;
}

/* The non-ASCII sequence at s, kept or escaped; returns the bytes used. */
static size_t json_utf8(struct obuf *b, const unsigned char *s, size_t len)
{
	size_t n;
	uint32_t cp;
	char t[8];

	n = utf8_decode(s, len, &cp);
	if (!n) {
		ob_write(b, "\\ufffd", 6);
		return 1;
	}
	if (json_escaped_cp(cp))
		ob_write(b, t, put_u4(t, cp));
	else
		ob_write(b, s, n);
	return n;
}

void esc_json(struct obuf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	ob_reserve(b, len + 2);
	b->p[b->len++] = '"';
	while (i < len) {
		size_t run = i;
		char t[8];

		while (run < len && json_plain(s[run]))
			run++;
		if (run > i) {
			ob_write(b, s + i, run - i);
			i = run;
			continue;
		}
		if (s[i] == '"' || s[i] == '\\') {
			t[0] = '\\';
			t[1] = s[i];
			ob_write(b, t, 2);
			i++;
			continue;
		}
		if (s[i] < 0x80) {   /* control byte or DEL */
			ob_write(b, t, put_u4(t, s[i]));
			i++;
			continue;
		}
		i += json_utf8(b, s + i, len - i);
	}
	ob_putc(b, '"');
}

void esc_yaml_flow(struct obuf *b, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		size_t run = i;
		char t[8];

		while (run < len && s[run] >= 0x20 && s[run] < 0x7f)
			run++;
		if (run > i) {
			ob_write(b, s + i, run - i);
			i = run;
			continue;
		}
		if (s[i] < 0x80) {   /* whitespace between tokens, or a stray control */
			if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
				ob_putc(b, ' ');
			else
				ob_write(b, t, put_u4(t, s[i]));
			i++;
			continue;
		}
		i += json_utf8(b, s + i, len - i);
	}
}

#define MIDDLE_MAX_TOKENS 4096

/* Escape all of s into b, recording where each token ends. */
static size_t escape_tokens(struct obuf *b, const unsigned char *s, size_t len,
			    uint32_t *ends, uint16_t *cells, size_t max_tokens)
{
	size_t i = 0, n = 0;

	while (i < len && n < max_tokens) {
		char tok[8];
		size_t tn, in;

		if (plain_ascii(s[i])) {
			tok[0] = s[i];
			tn = in = 1;
			cells[n] = 1;
		} else {
			tn = column_token(s + i, len - i, tok, &in);
			cells[n] = (in > 1 && tn == in) ? 1 : tn;
		}
		ob_write(b, tok, tn);
		ends[n++] = b->len;
		i += in;
	}
	return n;
}

size_t esc_column_middle(struct obuf *b, const char *str, size_t len, size_t max)
{
	uint32_t ends[MIDDLE_MAX_TOKENS];
	uint16_t cells[MIDDLE_MAX_TOKENS];
	size_t n, total = 0, head = 0, head_cells = 0, tail, tail_cells = 0;
	struct obuf tmp = { 0 };

	if (!len || !max || len > MIDDLE_MAX_TOKENS || max < 3)
		return esc_column(b, str, len, max);
	n = escape_tokens(&tmp, (const unsigned char *)str, len, ends, cells, MIDDLE_MAX_TOKENS);
	for (size_t i = 0; i < n; i++)
		total += cells[i];
	if (total <= max) {
		ob_write(b, tmp.p, tmp.len);
		ob_free(&tmp);
		return total;
	}
	/* Keep the start and, above all, the end: the file's own name. */
	while (head < n && head_cells + cells[head] <= (max - 1) / 3)
		head_cells += cells[head++];
	tail = n;
	while (tail > head && head_cells + tail_cells + cells[tail - 1] <= max - 1)
		tail_cells += cells[--tail];
	ob_write(b, tmp.p, head ? ends[head - 1] : 0);
	ob_write(b, "\xe2\x80\xa6", 3);
	ob_write(b, tmp.p + ends[tail - 1], tmp.len - ends[tail - 1]);
	ob_free(&tmp);
	return head_cells + 1 + tail_cells;
}
