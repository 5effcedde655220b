/* SPDX-License-Identifier: Apache-2.0 */
/* What a gadget provides: fields, flags, and a BPF lifecycle. */
#ifndef IG_GADGET_H
#define IG_GADGET_H

#include <linux/types.h>
#include "field.h"
#include "ig.h"
#include "output.h"
#include "ig_event.h"

enum gflag_type { GF_BOOL, GF_STRING, GF_UINT };

struct gadget_flag {
	const char *name;          /* long name, without "--" */
	enum gflag_type type;
	const char *def;           /* default, as text */
	const char *help;
};

/* Options every gadget shares (see cli.c). */
struct run_opts {
	enum out_mode mode;
	const char *fields;        /* --fields or -o custom-columns= */
	const char *filter;
	double timeout;            /* seconds; 0 = none */
	__u32 pid, tid, uid, gid;
	bool has_uid, has_gid;
	const char *comm;
	bool host;
	const char *btf;
	__u64 ring_size;
	const char *containername;
	const char *k8s_pod, *k8s_namespace, *k8s_container;
	const char *host_root;
	bool filter_mntns;         /* computed: BPF consults ig_mntns */
	bool mntns_by_id;          /* computed: key namespaces by unique id */
};

struct flag_value {
	const char *str;
	bool set;
};

struct gadget;
struct skel_ops;

/* One member of an older JSON shape: a flat key, and the field (full
 * name) whose value it carries. */
struct json_key {
	const char *key;
	const char *field;
};

struct gadget_ctx {
	const struct gadget *g;
	const struct run_opts *opts;
	struct flag_value *flags;  /* one per gadget flag */
	void *skel;
	const struct skel_ops *skel_ops;
	struct bpf_object *obj;
	int events_fd;
	int mntns_fd;              /* the shared ig_mntns classification map */
	int hints_fd;              /* ig_mntns_hints: cgroups of unknown namespaces */
	volatile __u64 *lost;      /* ig_lost in the object's .bss */
	__u64 boot_to_wall_ns;     /* add to bpf_ktime_get_boot_ns() values */
};

struct gadget {
	const char *name;
	const char *aliases;       /* comma list, e.g. "tcptracer" */
	const char *description;
	const struct field *fields;
	size_t nfields;
	const char *default_fields;   /* NULL: the FF_DEFAULT fields */
	const struct gadget_flag *flags;
	size_t nflags;
	/* open, configure (ig_bpf_prepare), load (ig_bpf_loaded), attach */
	int (*start)(struct gadget_ctx *ctx);
	/* Fill the row from one ring-buffer record: 1 to show it, 0 to skip,
	 * negative for a malformed record. Must check size. */
	int (*decode)(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r);
	void (*detach)(struct gadget_ctx *ctx);
	void (*destroy)(struct gadget_ctx *ctx);
	/* Optional: a gadget with its own flow (traceloop) instead of the
	 * streaming runner; returns the exit code. */
	int (*run)(const struct gadget *g, int argc, char **argv);
	/* Optional: the JSON shape of an older version of the gadget, which
	 * some guides' jq filters expect; its --legacy-json flag selects it. */
	const struct json_key *legacy_json;
	size_t nlegacy_json;
};

extern const struct gadget *const ig_gadgets[];
extern const size_t ig_ngadgets;
const struct gadget *gadget_find(const char *name);

bool gflag_bool(const struct gadget_ctx *ctx, size_t i);
const char *gflag_str(const struct gadget_ctx *ctx, size_t i);
/* Parse a boolean flag value; -1 if it is not one. */
int parse_bool(const char *s);

/* The common process fields of a row, from the BPF event header. */
void row_set_proc(const struct gadget_ctx *ctx, struct row *r, const struct ig_proc *p);
/* error ("ENOENT" or "") and error_raw, at gadget field indexes. */
void row_set_error(struct row *r, int idx_name, int idx_raw, int err);

/* A path BPF may have cut, with "…" where bytes are missing: before it
 * (its top components) or after it (its end). */
void row_set_cut_path(struct row *r, int idx, const char *s, size_t n, bool cut_top,
		      bool cut_end);
/* Write the same into dst (room: n + 2 * IG_ELLIPSIS_LEN); returns its end. */
char *put_cut_path(char *dst, const char *s, size_t n, bool cut_top, bool cut_end);
#define IG_ELLIPSIS     "\xe2\x80\xa6"   /* … */
#define IG_ELLIPSIS_LEN 3

/* Declare "error" and "error_raw" in a gadget's field table. */
#define IG_FIELD_ERROR     { "error", "ERROR", NULL, FT_STR, 12, FF_DEFAULT }
#define IG_FIELD_ERROR_RAW { "error_raw", NULL, NULL, FT_INT, 5, FF_RIGHT }

/* BPF plumbing every gadget shares (bpf_common.c). */
struct bpf_object_open_opts;
void ig_bpf_open_opts(const struct gadget_ctx *ctx, struct bpf_object_open_opts *o);
int ig_bpf_prepare(struct gadget_ctx *ctx, struct bpf_object *obj);
int ig_bpf_loaded(struct gadget_ctx *ctx, struct bpf_object *obj);
/* Say which program failed to load and how to see why; returns err. */
int ig_bpf_load_failed(const struct gadget_ctx *ctx, int err);
int ig_bpf_attach_failed(const struct gadget_ctx *ctx, int err);
void ig_bpf_setup_logging(void);

#endif
