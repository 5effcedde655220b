// SPDX-License-Identifier: Apache-2.0
/*
 * A bounded, streaming reduction of a JSON document to the members we need.
 *
 * Runtime state files can be far larger than the few fields discovery uses:
 * a Docker config.v2.json with 90 large labels is 5.4 MB, and whole labels,
 * env and mounts sections are copied into every OCI config.json and runc
 * state.json. Rather than refuse such a file (and name the container some
 * other way), it is read in fixed-size chunks and everything that no pattern
 * asks for is skipped without being stored. What is kept is written out as
 * JSON text, which jansson then parses as usual. Memory is bounded by the
 * read buffer and the output cap, time by the input cap.
 *
 * This is not a validating parser: it only tracks strings and nesting well
 * enough to skip values. jansson validates what is kept, and a malformed
 * document gives malformed (refused) output or an error here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_internal.h"

#define JP_CHUNK  65536
#define JP_KEYDEC 256            /* decoded key bytes kept for matching */
#define JP_NOT_ASCII 0xff        /* stands for an escaped non-ASCII character */

struct jp {
	int fd;                      /* -1: read from mem */
	const unsigned char *mem;
	size_t mem_len;
	size_t bpos, blen;
	size_t consumed, max_in;
	bool eof;
	char *out;
	size_t olen, ocap, omax;
	char *raw;                   /* the current key, as written */
	size_t rlen, rcap;
	int err;
	const struct ct_keep *keep;
	size_t nkeep;
	unsigned char buf[JP_CHUNK]; /* last: not zeroed (jp_new) */
};

/* ---- input --------------------------------------------------------------- */

static void jp_fail(struct jp *p, int err)
{
	if (!p->err)
		p->err = err;
}

static bool jp_fill(struct jp *p)
{
	ssize_t r;

	if (p->eof || p->err)
		return false;
	if (p->fd < 0) {
		size_t n = p->mem_len - p->consumed;

		if (n > JP_CHUNK)
			n = JP_CHUNK;
		memcpy(p->buf, p->mem + p->consumed, n);
		r = (ssize_t)n;
	} else {
		do
			r = read(p->fd, p->buf, JP_CHUNK);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			jp_fail(p, -errno);
			return false;
		}
	}
	if (r == 0) {
		p->eof = true;
		return false;
	}
	p->bpos = 0;
	p->blen = (size_t)r;
	p->consumed += (size_t)r;
	if (p->consumed > p->max_in) {
		jp_fail(p, -EFBIG);
		return false;
	}
	return true;
}

/* The next byte, or -1 at the end of input or on error. NUL bytes are
 * dropped, as jansson's reader drops them, so both see the same text. */
static int jp_peek(struct jp *p)
{
	for (;;) {
		if (p->bpos == p->blen && !jp_fill(p))
			return -1;
		if (p->buf[p->bpos])
			return p->buf[p->bpos];
		p->bpos++;
	}
}

static int jp_get(struct jp *p)
{
	int c = jp_peek(p);

	if (c >= 0)
		p->bpos++;
	return c;
}

static int jp_ws(struct jp *p)
{
	int c;

	while ((c = jp_peek(p)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		p->bpos++;
	return c;
}

/* ---- output -------------------------------------------------------------- */

static bool grow_to(struct jp *p, char **buf, size_t *cap, size_t need)
{
	size_t ncap = *cap ? *cap : 1024;
	char *nb;

	if (need > p->omax) {
		jp_fail(p, -EFBIG);
		return false;
	}
	while (ncap < need)
		ncap *= 2;
	if (ncap > p->omax + 1)
		ncap = p->omax + 1;
	nb = realloc(*buf, ncap);
	if (!nb) {
		jp_fail(p, -ENOMEM);
		return false;
	}
	*buf = nb;
	*cap = ncap;
	return true;
}

static void emit(struct jp *p, const char *s, size_t n)
{
	if (p->err || !n)
		return;
	if (p->olen + n + 1 > p->ocap && !grow_to(p, &p->out, &p->ocap, p->olen + n + 1))
		return;
	memcpy(p->out + p->olen, s, n);
	p->olen += n;
}

static void emit_c(struct jp *p, char c)
{
	emit(p, &c, 1);
}

/* ---- skipping and copying ------------------------------------------------ */

/* From the opening quote to the closing one; escapes are kept as written.
 * Most of a large state file is inside strings, so they are scanned a
 * buffer at a time rather than byte by byte. (NUL bytes copied here are
 * dropped by jansson when it reads the output, as from the input.) */
static void string_raw(struct jp *p, bool copy)
{
	const unsigned char *b, *end;
	int c = jp_get(p);

	if (copy)
		emit_c(p, (char)c);
	for (;;) {
		if (p->bpos == p->blen && !jp_fill(p)) {
			jp_fail(p, -EINVAL);
			return;
		}
		b = p->buf + p->bpos;
		end = p->buf + p->blen;
		while (b < end && *b != '"' && *b != '\\')
			b++;
		if (copy)
			emit(p, (const char *)p->buf + p->bpos, (size_t)(b - (p->buf + p->bpos)));
		p->bpos = (size_t)(b - p->buf);
		if (b == end)
			continue;
		c = jp_get(p);
		if (copy)
			emit_c(p, (char)c);
		if (c == '"')
			return;
		/* A backslash: the next byte is escaped, whatever it is. */
		c = jp_get(p);
		if (c < 0) {
			jp_fail(p, -EINVAL);
			return;
		}
		if (copy)
			emit_c(p, (char)c);
	}
}

static bool literal_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '+' || c == '-' || c == '.';
}

/* One whole value, skipped or copied without whitespace. Nesting is
 * counted, not recursed, so depth costs nothing. */
static void value_raw(struct jp *p, bool copy)
{
	size_t depth = 0;
	int c;

	do {
		c = jp_ws(p);
		if (c == '"') {
			string_raw(p, copy);
		} else if (c == '{' || c == '[') {
			depth++;
			jp_get(p);
			if (copy)
				emit_c(p, (char)c);
		} else if ((c == '}' || c == ']') && depth) {
			depth--;
			jp_get(p);
			if (copy)
				emit_c(p, (char)c);
		} else if ((c == ',' || c == ':') && depth) {
			jp_get(p);
			if (copy)
				emit_c(p, (char)c);
		} else if (literal_char(c)) {
			while (literal_char(jp_peek(p))) {
				c = jp_get(p);
				if (copy)
					emit_c(p, (char)c);
			}
		} else {
			jp_fail(p, -EINVAL);
		}
	} while (depth && !p->err);
}

/* ---- keys and patterns --------------------------------------------------- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void raw_add(struct jp *p, int c)
{
	if (p->err)
		return;
	if (p->rlen + 1 > p->rcap && !grow_to(p, &p->raw, &p->rcap, p->rlen + 1))
		return;
	p->raw[p->rlen++] = (char)c;
}

/* A key: as written (p->raw, to copy it out) and decoded far enough to
 * compare with ASCII patterns. An escaped character outside ASCII becomes
 * a byte no pattern holds, so it never matches. */
static void read_key(struct jp *p, char *dec, size_t *dlen, bool *long_key)
{
	int c, v, i, h;

	*dlen = 0;
	*long_key = false;
	p->rlen = 0;
	if (jp_peek(p) != '"') {
		jp_fail(p, -EINVAL);
		return;
	}
	raw_add(p, jp_get(p));
	while (!p->err) {
		c = jp_get(p);
		if (c < 0) {
			jp_fail(p, -EINVAL);
			return;
		}
		raw_add(p, c);
		if (c == '"')
			return;
		if (c == '\\') {
			c = jp_get(p);
			raw_add(p, c);
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				for (v = 0, i = 0; i < 4; i++) {
					h = jp_get(p);
					raw_add(p, h);
					v = hexval(h) < 0 || v < 0 ? -1 : v * 16 + hexval(h);
				}
				c = v > 0 && v < 0x80 ? v : JP_NOT_ASCII;
				break;
			case '"': case '\\': case '/':
				break;
			default:
				jp_fail(p, -EINVAL);
				return;
			}
		}
		if (*dlen < JP_KEYDEC)
			dec[(*dlen)++] = (char)c;
		else
			*long_key = true;
	}
}

/* Whether one pattern segment accepts a member: "[]" an array element,
 * "*" any key, "prefix*" keys starting with prefix, else exactly that key. */
bool ct_keep_segment(const char *seg, const char *key, size_t klen, bool long_key)
{
	size_t n;

	if (!key)
		return strcmp(seg, "[]") == 0;
	if (strcmp(seg, "[]") == 0)
		return false;
	n = strlen(seg);
	if (n && seg[n - 1] == '*')
		return klen >= n - 1 && memcmp(seg, key, n - 1) == 0;
	return !long_key && klen == n && memcmp(seg, key, n) == 0;
}

/* Patterns still alive after one more member; *whole: one of them ends
 * here, so the member is kept entirely. */
static uint32_t match_member(const struct ct_keep *keep, size_t nkeep, uint32_t live,
			     size_t depth, const char *key, size_t klen, bool long_key,
			     bool *whole)
{
	uint32_t next = 0;

	*whole = false;
	for (size_t i = 0; i < nkeep; i++) {
		const char *seg = keep[i].seg[depth];

		if (!(live & (1u << i)) || !seg || !ct_keep_segment(seg, key, klen, long_key))
			continue;
		next |= 1u << i;
		if (depth + 1 >= CT_KEEP_DEPTH || !keep[i].seg[depth + 1])
			*whole = true;
	}
	return next;
}

uint32_t ct_keep_match(const struct ct_keep *keep, size_t nkeep, uint32_t live, size_t depth,
		       const char *key, size_t klen, bool *whole)
{
	return match_member(keep, nkeep, live, depth, key, klen, klen > JP_KEYDEC, whole);
}

/* ---- the walk ------------------------------------------------------------ */

static void walk(struct jp *p, uint32_t live, size_t depth);

/* One member or element: copied whole, walked into, or skipped. Returns
 * whether anything was written (so commas go between members). */
static bool member(struct jp *p, uint32_t live, size_t depth, const char *key, size_t klen,
		   bool long_key, bool first)
{
	bool whole;
	uint32_t next = match_member(p->keep, p->nkeep, live, depth, key, klen, long_key, &whole);
	int c = jp_ws(p);

	if (!next || (!whole && c != '{' && c != '[')) {
		value_raw(p, false);
		return false;
	}
	if (!first)
		emit_c(p, ',');
	if (key) {
		emit(p, p->raw, p->rlen);
		emit_c(p, ':');
	}
	if (whole)
		value_raw(p, true);
	else
		walk(p, next, depth + 1);
	return true;
}

/* An object's members or an array's elements: each copied, walked into
 * or skipped. */
static void walk_container(struct jp *p, uint32_t live, size_t depth, bool object)
{
	char close = object ? '}' : ']', dec[JP_KEYDEC];
	bool first = true, long_key = false;
	size_t dlen = 0;
	int c;

	emit_c(p, (char)jp_get(p));
	if (jp_ws(p) == close) {
		jp_get(p);
		emit_c(p, close);
		return;
	}
	while (!p->err) {
		if (object) {
			jp_ws(p);
			read_key(p, dec, &dlen, &long_key);
			if (jp_ws(p) != ':') {
				jp_fail(p, -EINVAL);
				return;
			}
			jp_get(p);
		}
		if (member(p, live, depth, object ? dec : NULL, dlen, long_key, first))
			first = false;
		c = jp_ws(p);
		jp_get(p);
		if (c == close)
			break;
		if (c != ',')
			jp_fail(p, -EINVAL);
	}
	emit_c(p, close);
}

/* depth is bounded by CT_KEEP_DEPTH: deeper values are copied or skipped
 * by value_raw(), which does not recurse. */
static void walk(struct jp *p, uint32_t live, size_t depth)
{
	int c = jp_ws(p);

	if (c == '{' || c == '[')
		walk_container(p, live, depth, c == '{');
	else
		jp_fail(p, -EINVAL);
}

static int prune(struct jp *p, char **out, size_t *out_len)
{
	uint32_t all = p->nkeep >= 32 ? UINT32_MAX : (1u << p->nkeep) - 1;

	walk(p, all, 0);
	if (!p->err && jp_ws(p) >= 0)
		jp_fail(p, -EINVAL);     /* trailing garbage, as jansson says */
	free(p->raw);
	if (!p->err && !p->out)
		jp_fail(p, -EINVAL);
	if (p->err) {
		free(p->out);
		return p->err;
	}
	p->out[p->olen] = '\0';
	*out = p->out;
	*out_len = p->olen;
	return 0;
}

static struct jp *jp_new(const struct ct_keep *keep, size_t nkeep, size_t max_in, size_t max_out)
{
	struct jp *p;

	if (nkeep > 32)
		return NULL;
	/* A file is read per event of a namespace being resolved: the read
	 * buffer is not cleared, only what comes before it. */
	p = malloc(sizeof(*p));
	if (!p)
		return NULL;
	memset(p, 0, offsetof(struct jp, buf));
	p->fd = -1;
	p->keep = keep;
	p->nkeep = nkeep;
	p->max_in = max_in;
	p->omax = max_out;
	return p;
}

int ct_prune_mem(const char *json, size_t len, const struct ct_keep *keep, size_t nkeep,
		 size_t max_out, char **out, size_t *out_len)
{
	struct jp *p;
	int err;

	if (!json)
		return -EINVAL;
	p = jp_new(keep, nkeep, len, max_out);
	if (!p)
		return -ENOMEM;
	p->mem = (const unsigned char *)json;
	p->mem_len = len;
	err = prune(p, out, out_len);
	free(p);
	return err;
}

int ct_prune_fd(int fd, const struct ct_keep *keep, size_t nkeep, size_t max_in,
		size_t max_out, char **out, size_t *out_len)
{
	struct jp *p = jp_new(keep, nkeep, max_in, max_out);
	int err;

	if (!p)
		return -ENOMEM;
	p->fd = fd;
	err = prune(p, out, out_len);
	free(p);
	return err;
}
