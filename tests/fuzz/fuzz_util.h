/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Invariant checks shared by the fuzz targets. A violated invariant aborts,
 * which libFuzzer reports as a crash with the input that caused it. The
 * checkers are written apart from src/escape.c on purpose: a shared bug in
 * a shared helper would hide itself.
 */
#ifndef IG_FUZZ_UTIL_H
#define IG_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, ...)                                                    \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "invariant failed: %s: ", #cond);        \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			abort();                                                 \
		}                                                                \
	} while (0)

/* A NUL-terminated copy of the fuzz input (libFuzzer's is not). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), 0 if none. */
static inline size_t fuzz_utf8_len(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

static inline bool fuzz_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n)
		if (!(n = fuzz_utf8_len(s + i, len - i, &cp)))
			return false;
	return true;
}

/* What a terminal must never receive from traced data: C0 controls, DEL,
 * C1 controls (U+0080..U+009F, e.g. the one-byte CSI) and the bidi and
 * zero-width format characters that reorder or hide text. */
static inline bool fuzz_terminal_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	       (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

/* Columns text (without its final newline) is valid UTF-8 with nothing a
 * terminal would interpret. Returns the number of code points. */
static inline size_t fuzz_check_columns(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t cps = 0;
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n, cps++) {
		n = fuzz_utf8_len(s + i, len - i, &cp);
		FUZZ_CHECK(n, "invalid UTF-8 at byte %zu of %zu", i, len);
		FUZZ_CHECK(!fuzz_terminal_unsafe(cp), "U+%04X at byte %zu", cp, i);
	}
	return cps;
}

/* JSON text: valid UTF-8 with no raw control byte (JSON forbids < 0x20;
 * DEL and U+2028/2029 break some consumers, so ig escapes them too). */
static inline void fuzz_check_json_text(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;

	for (size_t i = 0, n; i < len; i += n) {
		n = fuzz_utf8_len(s + i, len - i, &cp);
		FUZZ_CHECK(n, "invalid UTF-8 in JSON at byte %zu of %zu", i, len);
		FUZZ_CHECK((cp >= 0x20 || cp == '\n') && cp != 0x7f &&
			   !(cp >= 0x80 && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029 &&
			   cp != 0xfffe && cp != 0xffff,
			   "raw U+%04X in JSON at byte %zu", cp, i);
	}
}

/* A YAML document as ig prints one: JSON text (above, so only characters
 * YAML allows), "---", then one member a line: KEY: VALUE, or KEY: alone
 * when a mapping follows, one level (2 spaces) deeper. A key is a plain
 * name or a JSON string; a value never starts with a space. */
static inline void fuzz_check_yaml_doc(const char *p, size_t len)
{
	size_t depth = 0;
	bool opened = false;

	fuzz_check_json_text(p, len);
	FUZZ_CHECK(len >= 4 && !memcmp(p, "---\n", 4) && p[len - 1] == '\n',
		   "not a document: %.*s", (int)len, p);
	for (const char *l = p + 4, *end = p + len; l < end;) {
		const char *eol = memchr(l, '\n', end - l), *k = l;
		size_t sp = 0;

		while (k[sp] == ' ')
			sp++;
		k += sp;
		FUZZ_CHECK(sp % 2 == 0 && sp / 2 <= depth + opened && (!opened || sp / 2 == depth + 1),
			   "indentation %zu after depth %zu: %.*s", sp, depth, (int)(eol - l), l);
		if (*k == '"') {
			for (k++; k < eol && *k != '"'; k++)
				k += *k == '\\';
			k++;
		} else {
			while (k < eol && (*k == '_' || *k == '-' || (*k >= '0' && *k <= '9') ||
					   ((*k | 0x20) >= 'a' && (*k | 0x20) <= 'z')))
				k++;
		}
		FUZZ_CHECK(k > l + sp && k < eol && *k == ':' &&
			   (k + 1 == eol || (k[1] == ' ' && k + 2 < eol && k[2] != ' ')),
			   "not a member: %.*s", (int)(eol - l), l);
		depth = sp / 2;
		opened = k + 1 == eol;
		l = eol + 1;
	}
	FUZZ_CHECK(!opened, "a mapping with no member");
}

#endif
