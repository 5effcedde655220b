/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic field model. A gadget declares its fields; the common ones
 * (timestamp, proc, runtime, k8s) come first in every schema. One layer
 * prints columns, JSON and custom columns from these declarations.
 */
#ifndef IG_FIELD_H
#define IG_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
	FT_STR,
	FT_INT,
	FT_UINT,
	FT_TIME,     /* u: wall-clock ns; JSON/columns show RFC 3339, 0 as empty */
	FT_BOOL,     /* u: 0 or 1 */
	FT_JSON,     /* s: already valid JSON (an array, an object); columns
		      * show it as text, escaped like any string */
};

#define FF_DEFAULT 0x1   /* a default column */
#define FF_RIGHT   0x2   /* right-aligned */
#define FF_MIDDLE  0x4   /* cut in the middle, keeping the end (paths) */
#define FF_PATHS   0x8   /* filled only with the gadget's --paths flag */
#define FF_HIDDEN  0x10  /* in JSON/YAML only when selected by name */

struct field {
	const char *name;     /* dotted JSON path: "proc.comm" */
	const char *header;   /* column header; NULL: the name, uppercased */
	const char *aliases;  /* comma list of short names: "comm" */
	enum field_type type;
	uint16_t width;
	uint16_t flags;
};

struct value {
	union {
		int64_t i;
		uint64_t u;
	};
	const char *s;       /* FT_STR: not NUL-terminated, len bytes */
	uint32_t len;
};

/* Common fields, at the same index in every schema. */
enum common_field {
	CF_TIMESTAMP,
	CF_TIMESTAMP_RAW,
	CF_RT_CONTAINER_NAME,
	CF_RT_CONTAINER_ID,
	CF_RT_IMAGE,
	CF_RT_RUNTIME,
	CF_RT_PID,
	CF_RT_IMAGE_DIGEST,
	CF_RT_STARTED_AT,
	CF_K8S_NODE,
	CF_K8S_NAMESPACE,
	CF_K8S_POD,
	CF_K8S_CONTAINER,
	CF_COMM,
	CF_PID,
	CF_TID,
	CF_UID,
	CF_GID,
	CF_PCOMM,
	CF_PPID,
	CF_MNTNS,
	CF_COUNT,
};

/*
 * -o compact: one line a record, as Tetragon prints its events:
 * "ICON WORD    SOURCE field field...", WORD padded to 7 columns, SOURCE
 * namespace/pod, else the container's name, else "host". The first form
 * whose `when` field equals `is` (or whose `when` is NULL) is used.
 */
struct compact_form {
	const char *when;     /* a field's name, or NULL: every record */
	const char *is;
	const char *icon;     /* "🚀" */
	const char *word;     /* "process" */
	const char *fields;   /* comma list after the source; empty values skipped */
};

struct obuf;
struct row;
struct schema;

/* The other shapes a command's records can take besides their fields'. */
struct record_forms {
	const struct compact_form *compact;
	size_t ncompact;
	/* -o tetragon: the whole record as Tetragon exports it, one line */
	void (*tetragon)(struct obuf *b, const struct schema *s, const struct row *r);
};

struct schema {
	const struct field **f;
	size_t n;
	const char *default_fields;   /* comma list, or NULL: FF_DEFAULT */
	const struct record_forms *forms;   /* NULL: none */
};

/* The index of gadget field i in a schema. */
#define GF(i) (CF_COUNT + (i))

int schema_init(struct schema *s, const struct field *gadget_fields, size_t n,
		const char *default_fields);
void schema_free(struct schema *s);
/* Look a field up by full name (any case), alias or header. Returns its
 * index or -1; *by_alias tells whether a short name matched. */
int schema_find(const struct schema *s, const char *name, size_t len, bool *by_alias);

#define ROW_SCRATCH 65536

struct row {
	struct value *v;
	size_t n;
	uint64_t mntns_key;   /* identity of proc.mntns_id, for enrichment */
	uint64_t netns;       /* network gadgets: the packet's network namespace
			       * (inode), which names a container when the
			       * process does not (softirq, nsenter --net) */
	int netns_idx;        /* the schema index of its netns_id field, which
			       * netns_shared and netns_containers follow (see
			       * gadgets/netfmt.h); 0: none */
	char *scratch;     /* backing store for formatted strings */
	size_t used;
};

int row_init(struct row *r, const struct schema *s);
void row_free(struct row *r);
void row_reset(struct row *r);
/* Copy into the row's scratch; returns NULL (and an empty value) if full. */
char *row_alloc(struct row *r, size_t n);
void row_set_str(struct row *r, int idx, const char *s, size_t len);
/* A NUL-terminated string from a fixed-size buffer of at most max bytes. */
void row_set_buf(struct row *r, int idx, const char *s, size_t max);
void row_set_fmt(struct row *r, int idx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline void row_set_int(struct row *r, int idx, int64_t v) { r->v[idx].i = v; }
static inline void row_set_uint(struct row *r, int idx, uint64_t v) { r->v[idx].u = v; }

struct column {
	int idx;
	const char *key;     /* JSON/YAML: this flat key instead of the name */
	char *header;
	size_t width;
	bool right;
};

struct selection {
	struct column *c;
	size_t n;
	bool explicit;    /* chosen by the user, not the defaults */
};

/*
 * Choose columns: spec NULL means the defaults; "a,b" an explicit list;
 * "+a,-b" changes the defaults. A field picked by a short alias gets the
 * alias, uppercased, as its header (so custom-columns=pid prints PID).
 * Returns 0, or -1 with a message in err.
 */
int select_fields(const struct schema *s, const char *spec, struct selection *out,
		  char *err, size_t errlen);
void selection_free(struct selection *sel);

#endif
