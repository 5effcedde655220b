/* SPDX-License-Identifier: Apache-2.0 */
/* What a gadget provides: fields, flags, and a BPF lifecycle. */
#ifndef IG_GADGET_H
#define IG_GADGET_H

#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>
#include "field.h"
#include "ig.h"
#include "output.h"
#include "ig_event.h"
#include "kfeature.h"

/*
 * A gadget's own flags, declared beside its fields. --help is printed from
 * this table. IG_FLAG_BOOL and the others bind a flag to a member of the
 * gadget's options struct (struct gadget.opts_size bytes, ctx->gopts): the
 * core parses each flag into its member, typed, and a member of another
 * type fails to compile. A flag declared without a binding is read as text
 * with gflag_str().
 */
enum gflag_type {
	GF_BOOL,       /* bool */
	GF_STRING,     /* const char * (NULL when unset without default) */
	GF_UINT,       /* uint64_t, decimal or 0x hex */
	GF_SIZE,       /* uint64_t bytes, with k, M, G suffixes (1024-based) */
	GF_U32,        /* uint32_t, decimal */
	GF_SECONDS,    /* double, >= 0 */
};

struct gadget_flag {
	const char *name;          /* long name, without "--" */
	enum gflag_type type;
	const char *def;           /* default, as text */
	const char *help;
	bool bound;                /* parsed into the options struct at off */
	unsigned short off;
	char shortname;            /* -x, or 0 */
	const char *arg;           /* the value's name in --help; NULL: from the type */
	unsigned int kinds;        /* 0: every gadget; else the 1 << GK_* it is for */
	/* Instead of storing the typed value: parse v into opts (the
	 * options struct) itself; 0, FLAGS_HELP, or -1 with err. */
	int (*set)(void *opts, const char *v, char *err, size_t errlen);
};

#define IG_FLAG_MEMBER_IS(T, m, ctype) \
	(0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((T *)0)->m), ctype) ? 1 : -1]))
#define IG_FLAG_BOUND(T, m, ctype, type, name, def, help) \
	{ name, type, def, help, true, offsetof(T, m) + IG_FLAG_MEMBER_IS(T, m, ctype) }
/* --name[=true|false] into bool T.m */
#define IG_FLAG_BOOL(T, m, name, def, help) IG_FLAG_BOUND(T, m, bool, GF_BOOL, name, def, help)
/* --name TEXT into const char *T.m */
#define IG_FLAG_STR(T, m, name, def, help) IG_FLAG_BOUND(T, m, const char *, GF_STRING, name, def, help)
/* --name N into uint64_t T.m */
#define IG_FLAG_UINT(T, m, name, def, help) IG_FLAG_BOUND(T, m, uint64_t, GF_UINT, name, def, help)
/* --name 4M into uint64_t T.m */
#define IG_FLAG_SIZE(T, m, name, def, help) IG_FLAG_BOUND(T, m, uint64_t, GF_SIZE, name, def, help)
/* --name N into uint32_t T.m */
#define IG_FLAG_U32(T, m, name, def, help) IG_FLAG_BOUND(T, m, uint32_t, GF_U32, name, def, help)
/* --name 1.5 into double T.m (seconds) */
#define IG_FLAG_SECONDS(T, m, name, def, help) IG_FLAG_BOUND(T, m, double, GF_SECONDS, name, def, help)

/* Options every gadget shares (see cli.c). */
struct run_opts {
	enum out_mode mode;
	const char *mode_arg;      /* -o MODE=ARG: asciicast's directory */
	const char *fields;        /* --fields or -o custom-columns= */
	bool custom_columns;       /* fields came from -o custom-columns= */
	const char *filter;
	double timeout;            /* seconds; 0 = none */
	__u32 pid, tid, uid, gid;
	bool has_uid, has_gid;
	const char *comm;
	bool host;
	const char *btf;
	uint64_t ring_size;
	const char *containername;
	const char *k8s_pod, *k8s_namespace, *k8s_container;
	const char *host_root;
	/* top gadgets: --interval, --sort, --max-entries */
	double interval;           /* seconds */
	const char *sort;
	__u32 max_entries;
	/* trace gadgets: --export-file and its rotation, --metrics-listen */
	const char *export_file;
	uint64_t export_rotate_size;
	uint32_t export_keep;
	const char *metrics_listen;
	uint32_t metrics_max_containers;
	/* --export-allowlist, --export-denylist: Tetragon's JSON lines, or
	 * @FILE (src/export_filter.h) */
	const char *export_allowlist, *export_denylist;
	const char *gadget_name;   /* computed: event_set's name for the rows */
	bool filter_mntns;         /* computed: BPF consults ig_mntns */
	bool mntns_by_id;          /* computed: key namespaces by unique id */
	/* computed: the gadget's --legacy-json shape when it is on */
	const struct json_key *json_keys;
	size_t njson_keys;
	const struct record_forms *forms;   /* computed: the gadget's */
};

struct flag_value {
	const char *str;
	bool set;
};

struct gadget;
struct skel_ops;
struct ig_batch;

/* One member of an older JSON shape: a flat key, and the field (full
 * name) whose value it carries. */
struct json_key {
	const char *key;
	const char *field;
};

struct enricher;

struct gadget_ctx {
	const struct gadget *g;
	const struct run_opts *opts;
	struct flag_value *flags;  /* one per gadget flag, as given */
	const void *gopts;         /* the gadget's options struct, parsed */
	void *skel;                /* the gadget's struct <name>_bpf */
	const struct skel_ops *skel_ops;
	struct bpf_object *obj;
	int events_fd;
	int mntns_fd;              /* the shared ig_mntns classification map */
	int hints_fd;              /* ig_mntns_hints: cgroups of unknown namespaces */
	volatile __u64 *lost;      /* ig_lost in the object's .bss */
	__u64 boot_to_wall_ns;     /* add to bpf_ktime_get_boot_ns() values */
	__u64 interval_ns;         /* top: time since the last collect */
	/* trace: run a record the gadget made itself (not from the ring,
	 * e.g. a DNS query that timed out) through decode, enrichment,
	 * filter and output, as if BPF had sent it. Set by the runner. */
	int (*emit)(struct gadget_ctx *ctx, const void *data, size_t size);
	/* The run's enricher (its container table), set by the runner before
	 * configure; NULL where there is none. */
	struct enricher *enr;
};

/*
 * A Prometheus counter of a trace gadget's events, by container and, when
 * the fields are given, by the text of one field (a label, e.g. TCP's
 * "type") and by result: "error" when the error field is not empty, else
 * "ok". Field numbers are the gadget's own (its enum), -1 for none.
 */
struct gadget_metric {
	const char *name;          /* "ig_execs_total": ig_ prefix, _total */
	const char *help;
	int label_field;
	const char *label;         /* the label's name for label_field */
	int error_field;
	/* Optional: label_field is a number, and its label value is
	 * label_names[number] (the number itself past the table), e.g.
	 * DNS's rcode as the mnemonics dashboards know (NXDOMAIN). */
	const char *const *label_names;
	size_t nlabel_names;
	/* Optional: count only the rows where this field is set (a nonzero
	 * number or a non-empty string), given as 1 + its number so that 0
	 * means every row: e.g. only DNS responses, only timeouts. */
	int when;
	/* Optional: a histogram (by container only; label and error unused)
	 * of this field's number, 1 + its number as for when; rows where it
	 * is 0 are not observed. Bucket bounds are in the field's unit, and
	 * unit converts them and the sum for the exposition (1e-9: ns to
	 * seconds, as Prometheus wants base units). */
	int histogram;
	const uint64_t *buckets;   /* ascending; +Inf is implied */
	size_t nbuckets;
	double unit;
};

/*
 * What a gadget is for, which says how the core runs it (src/run.c,
 * src/run_batch.c) and prints it:
 *  trace     events stream from the ring buffer, one row each (decode)
 *  top       every --interval, collect() reads the kernel's maps and adds
 *            a batch of rows; sorted by --sort, cut at --max-entries, shown
 *            as a refreshed table (one JSON array per interval)
 *  snapshot  collect() once after attach (e.g. a BPF iterator), then exit
 *  profile   run until Ctrl-C or --timeout, then collect() once
 *  advise    like profile: collect() once at the end, rows of advice
 */
enum gadget_kind { GK_TRACE, GK_TOP, GK_SNAPSHOT, GK_PROFILE, GK_ADVISE };

/*
 * The kernel features (src/kfeature.h) a gadget's BPF side cannot do
 * without, beyond IG_KF_COMMON: a mask of IG_KF_BIT(IG_KF_...). --help and
 * docs list them; before load, ig_kfeature_check() refuses a kernel that
 * lacks one, and test_gadget_core checks the mask against the helpers the
 * object really calls. Fast paths with a fallback are not listed.
 */
#define IG_KF_BIT(f) (1u << (f))
/* What every gadget built on bpf/common.bpf.h needs. */
#define IG_KF_COMMON (IG_KF_BIT(IG_KF_RINGBUF) | IG_KF_BIT(IG_KF_TASK_BTF))

/*
 * A gadget: the declarations of src/gadgets/<name>.c, registered with
 * IG_GADGET(name). The core owns open -> configure -> load -> loaded ->
 * attach -> run -> detach -> destroy (src/skel.c, src/run.c); a gadget only
 * fills in what is its own.
 */
struct gadget {
	const char *name;
	const char *aliases;       /* comma list, e.g. "tcptracer" */
	const char *description;
	enum gadget_kind kind;
	unsigned int features;     /* IG_KF_BIT()s beyond IG_KF_COMMON */
	const struct field *fields;
	size_t nfields;
	const char *default_fields;   /* NULL: the FF_DEFAULT fields */
	const struct gadget_flag *flags;
	size_t nflags;
	size_t opts_size;          /* the options struct IG_FLAG_* bind into */
	const char *default_sort;  /* top: --sort default, e.g. "-count" */
	/* The BPF object: IG_SKEL_OPS(name) in src/skel.h, for &name_skel_ops. */
	const struct skel_ops *skel;
	/* Optional, as soon as `ig run`'s flags are parsed: start work that
	 * takes long and needs no BPF object (in a thread of the gadget's),
	 * which configure or loaded then joins; they must also work without
	 * it (the daemon starts gadgets through gadget_start alone). */
	void (*early)(struct gadget_ctx *ctx);
	/* Optional, after open, before load: the gadget's own rodata (through
	 * its skeleton type: skel is a struct <name>_bpf *), autoload
	 * choices, map sizes. The common ig_cfg is already set. */
	int (*configure)(struct gadget_ctx *ctx, void *skel);
	/* Optional, after load, before attach: e.g. filling a map. */
	int (*loaded)(struct gadget_ctx *ctx, void *skel);
	/* trace: fill the row from one ring-buffer record: 1 to show it, 0
	 * to skip, negative for a malformed record. Must check size. */
	int (*decode)(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r);
	/* top (every interval), snapshot (once), profile and advise (at the
	 * end): read the kernel's maps, and add rows with batch_row() and
	 * batch_add() (src/batch.h). Returns 0 or a negative errno; 1 when
	 * it wrote documents of its own into b->sink->out.buf instead of rows
	 * (advise_seccomp's profiles on stdout): no batch is printed. */
	int (*collect)(struct gadget_ctx *ctx, struct ig_batch *b);
	/* Optional, trace: called after every round of the event loop (at
	 * least every 50 ms), for work driven by time rather than by
	 * records: timeouts (through ctx->emit), attaching to new network
	 * namespaces. now_ns is CLOCK_MONOTONIC. */
	void (*tick)(struct gadget_ctx *ctx, __u64 now_ns);
	/* Optional: undo what loaded() or tick() attached outside the
	 * skeleton (sockets), before the skeleton detaches; also called
	 * at destroy, so it must be idempotent. */
	void (*detach)(struct gadget_ctx *ctx);
	/* Optional, top/profile/advise: every tick (~50 ms) while they wait,
	 * e.g. to name a container while its processes still live. */
	void (*collect_tick)(struct gadget_ctx *ctx, struct ig_batch *b);
	/* Optional: a gadget with its own flow (traceloop) instead of the
	 * core's runner; returns the exit code. */
	int (*run)(const struct gadget *g, int argc, char **argv);
	/* Optional: the JSON shape of an older version of the gadget, which
	 * some guides' jq filters expect; its --legacy-json flag selects it. */
	const struct json_key *legacy_json;
	size_t nlegacy_json;
	/* Optional: -o compact's lines, -o tetragon's record. */
	struct record_forms forms;
	/* Optional: the Prometheus counters users graph (src/metrics.h). */
	const struct gadget_metric *metrics;
	size_t nmetrics;
};

/*
 * Register a gadget: IG_GADGET(trace_exec) = { ... }; defines
 * gadget_trace_exec and adds it to the list through a linker section, so
 * there is no list to edit.
 */
#define IG_GADGET(id)                                                                  \
	extern const struct gadget gadget_##id;                                         \
	static const struct gadget *const ig_gadget_entry_##id                           \
		__attribute__((used, section("ig_gadgets"), aligned(sizeof(void *)))) =  \
		&gadget_##id;                                                           \
	const struct gadget gadget_##id

/* Every registered gadget, in name order. */
const struct gadget *const *gadget_list(size_t *n);
const struct gadget *gadget_find(const char *name);

/* The text of gadget flag i, as given or its default: for a flag declared
 * without IG_FLAG_* binding (the bound ones are in ctx->gopts). */
const char *gflag_str(const struct gadget_ctx *ctx, size_t i);
/* Parse a boolean flag value; -1 if it is not one. */
int parse_bool(const char *s);
/* "4096", "0x1000", "4k", "1M", "2GiB": 0 or -EINVAL. */
int parse_size(const char *s, uint64_t *out);
/* A non-negative decimal or 0x number: 0 or -EINVAL. */
int parse_uint(const char *s, uint64_t *out);
/* Whether v suits flag f: 0, or -1 with a message in err. */
int gflag_check(const struct gadget_flag *f, const char *v, char *err, size_t errlen);


/* The common process fields of a row, from the BPF event header. */
void row_set_proc(const struct gadget_ctx *ctx, struct row *r, const struct ig_proc *p);
/* The part of those a record without a struct ig_proc has (traceloop's). */
void row_set_task(struct row *r, uint64_t wall_ns, const char *comm, size_t comm_size,
		  uint32_t pid, uint32_t tid, uint64_t mntns);
/* error ("ENOENT" or "") and error_raw, at gadget field indexes. */
void row_set_error(struct row *r, int idx_name, int idx_raw, int err);
/* The same from a syscall's return value: negative is -errno, anything
 * else no error. Safe for any value a record may hold (INT64_MIN too). */
void row_set_ret_error(struct row *r, int idx_name, int idx_raw, int64_t ret);

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
struct ig_skel_common;
struct bpf_map;
struct ig_config;
/* Before load: ig_cfg from the common options, the ring's size. */
int ig_bpf_prepare(struct gadget_ctx *ctx, const struct ig_skel_common *c);
/* In configure: a gadget whose events come at a bounded rate (execs) asks
 * for a smaller ring than the 2 MiB default, unless --ring-size was given.
 * The ring's pages are mapped twice, so it counts twice in RSS. */
int ig_bpf_ring_default(struct gadget_ctx *ctx, struct bpf_map *events, struct ig_config *cfg,
			__u32 size);
/* After load: the fds and counters the runner reads. */
void ig_bpf_loaded(struct gadget_ctx *ctx, const struct ig_skel_common *c);
/* Say which program failed to load and how to see why; returns err. */
int ig_bpf_load_failed(const struct gadget_ctx *ctx, int err);
int ig_bpf_attach_failed(const struct gadget_ctx *ctx, int err);
void ig_bpf_setup_logging(void);

#endif
