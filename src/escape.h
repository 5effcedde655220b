/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Escaping of strings from the traced world. File names, argv, tty bytes and
 * container names are attacker-controlled; the operator's terminal and JSON
 * consumers must never see a raw control sequence or invalid UTF-8.
 */
#ifndef IG_ESCAPE_H
#define IG_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include "obuf.h"

/*
 * Append s for a terminal: control bytes as \xNN (\t \n \r by name), a
 * backslash doubled, C1 controls and bidi/invisible format characters as
 * \uXXXX, invalid UTF-8 bytes as \xNN. With max_cells > 0 the result is cut
 * to that many cells, ending in "…". Returns the cells written.
 */
size_t esc_column(struct obuf *b, const char *s, size_t len, size_t max_cells);

/* Like esc_column, but a cut keeps the start and the end ("/tmp/a…/shadow"),
 * so a long path cannot hide the name of the file that was opened. */
size_t esc_column_middle(struct obuf *b, const char *s, size_t len, size_t max_cells);

/* Append s as a quoted JSON string: control bytes as \u00XX, invalid UTF-8
 * bytes as \ufffd, C1 controls, U+2028/U+2029 and U+FFFE/U+FFFF as \uXXXX,
 * so the output is always valid UTF-8 JSON, and a valid YAML double-quoted
 * scalar too (YAML's escapes include JSON's). */
void esc_json(struct obuf *b, const char *s, size_t len);

/* Append JSON text (an FT_JSON value) as a YAML flow node on one line:
 * JSON is YAML flow syntax, but YAML wants a flow node that is not indented
 * on one line and only printable characters. Line breaks (whitespace
 * between tokens in valid JSON) become spaces; what YAML cannot hold (a
 * control byte, C1, U+FFFE/U+FFFF: only inside strings in valid JSON) is
 * escaped as esc_json does. */
void esc_yaml_flow(struct obuf *b, const char *s, size_t len);

/* Cells esc_column would use, without a limit. */
size_t esc_column_cells(const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid; *cp gets
 * the code point. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

#endif
