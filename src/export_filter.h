/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --export-allowlist / --export-denylist: Tetragon's export filters. The
 * text holds JSON objects, one a line (blank lines skipped); a row matches
 * a list when it matches one of its objects (OR), and an object when it
 * matches every key in it (AND); a key's list is an OR of its values:
 *
 *   {"event_set":["PROCESS_EXEC"],"binary_regex":["^/usr/bin/cat$"]}
 *
 * A row is shown iff (the allowlist is empty or matches) and the denylist
 * does not match. Parsing (xf_parse) needs no schema; binding (xf_bind)
 * finds the fields a gadget declares: the common proc/k8s/runtime fields,
 * and its own "binary"/"exepath", "args" and event type. docs/policies.md
 * ("Export filters") has the keys and the event_set names.
 */
#ifndef IG_EXPORT_FILTER_H
#define IG_EXPORT_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "field.h"

#define XF_MAX_TEXT   (1 << 20)   /* bytes of filter text (or @FILE) */
#define XF_MAX_LINES  256         /* objects in one list */
#define XF_MAX_VALUES 256         /* values of one key */
#define XF_MAX_REGEX  1024        /* bytes of one pattern */
#define XF_MAX_EVMAP  4           /* event_set names one gadget's rows can have */

enum xf_key {
	XK_BINARY,       /* binary_regex: the binary (exepath), else proc.comm */
	XK_NAMESPACE,    /* namespace: k8s.namespace, exactly ("" is the host) */
	XK_POD,          /* pod_regex: k8s.podName */
	XK_CONTAINER,    /* container_name_regex: runtime.containerName */
	XK_ARGS,         /* arguments_regex: the args field */
	XK_PID,          /* pid: proc.pid */
	XK_EVENT_SET,    /* event_set: the row's event type names */
	XK_N,
};

struct xf_values {
	size_t n;          /* 0: the key is absent (or [], as Tetragon reads it) */
	regex_t *re;       /* the *_regex keys */
	char **str;        /* namespace, event_set */
	uint32_t *pid;     /* pid */
};

struct xf_line {
	struct xf_values k[XK_N];
};

struct export_filter {
	struct xf_line *l;
	size_t n;
};

/*
 * Parse text (or "@FILE": the file's contents) into *out; what names the
 * list in errors ("--export-allowlist"). Empty text gives an empty filter.
 * 0, or -1 with one line in err (no control bytes), *out untouched.
 */
int xf_parse(struct export_filter **out, const char *text, const char *what,
	     char *err, size_t errlen);
void xf_free(struct export_filter *f);

/* A gadget's rows against the two lists: field indexes found once. */
struct xf_bind {
	const struct export_filter *allow, *deny;   /* NULL or empty: none */
	int bin_idx, args_idx;                      /* -1: the gadget has none */
	/* The event_set names of a row: the gadget's own (TRACE_OPEN), and
	 * Tetragon's where a field says (trace_process event==exec is
	 * PROCESS_EXEC); idx -1: every row. */
	char own_set[64];
	size_t nev;
	struct { int idx; const char *value; const char *set; } ev[XF_MAX_EVMAP];
};

/* gadget: its name (event_set), or NULL (no event_set name matches but
 * the Tetragon ones a table in export_filter.c gives for NULL: none). */
void xf_bind(struct xf_bind *b, const struct export_filter *allow,
	     const struct export_filter *deny, const struct schema *s, const char *gadget);
static inline bool xf_active(const struct xf_bind *b)
{
	return (b->allow && b->allow->n) || (b->deny && b->deny->n);
}
/* Whether the row is exported. */
bool xf_pass(const struct xf_bind *b, const struct row *r);
/* Whether one list matches the row (some line matches). */
bool xf_list_match(const struct xf_bind *b, const struct export_filter *f, const struct row *r);

#endif
