// SPDX-License-Identifier: Apache-2.0
/*
 * trace_process: the process lifecycle with Tetragon's identities. The BPF
 * side (bpf/trace_process.bpf.c) reports exec, fork and exit; this file
 * keeps the process cache (process_cache.c) in step and turns each exec and
 * exit into a row that names the process and its parent by exec_id.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "containers/containers.h"
#include "enrich.h"
#include "escape.h"
#include "skel.h"
#include "trace_process.h"
#include "gadgets/process_fields.h"
#include "gadgets/process_cache.h"
#include "gadgets/policy_load.h"
#include "trace_process.skel.h"

#define GT(i) GF(i)

static const struct field proc_fields[TP_NFIELDS] = {
	[TP_EVENT]           = { "event", "EVENT", NULL, FT_STR, 5, FF_DEFAULT },
	[TP_EXEC_ID]         = { "exec_id", "EXEC_ID", NULL, FT_STR, 44, 0 },
	[TP_PARENT_EXEC_ID]  = { "parent_exec_id", "PARENT_EXEC_ID", NULL, FT_STR, 44, 0 },
	[TP_BINARY]          = { "binary", "BINARY", NULL, FT_STR, 24, FF_DEFAULT | FF_MIDDLE },
	[TP_ARGS]            = { "args", "ARGS", "arguments", FT_STR, 32, FF_DEFAULT },
	[TP_CWD]             = { "cwd", "CWD", NULL, FT_STR, 24, FF_MIDDLE },
	[TP_FLAGS]           = { "flags", "FLAGS", NULL, FT_STR, 20, 0 },
	[TP_AUID]            = { "auid", "AUID", NULL, FT_UINT, 10, FF_RIGHT },
	[TP_START_TIME]      = { "start_time", "START_TIME", NULL, FT_TIME, 30, 0 },
	[TP_STATUS]          = { "status", "STATUS", NULL, FT_STR, 7, FF_DEFAULT },
	[TP_EXIT_CODE]       = { "exit_code", NULL, NULL, FT_INT, 4, FF_RIGHT },
	[TP_SIGNAL]          = { "signal", NULL, NULL, FT_STR, 8, 0 },
	[TP_LIFETIME]        = { "lifetime_ns", "LIFETIME", NULL, FT_UINT, 12, FF_RIGHT },
	[TP_P_PID]           = { "parent.pid", NULL, NULL, FT_UINT, 7, FF_RIGHT },
	[TP_P_BINARY]        = { "parent.binary", "PARENT", NULL, FT_STR, 24, FF_MIDDLE },
	[TP_P_ARGS]          = { "parent.args", NULL, NULL, FT_STR, 24, 0 },
	[TP_P_CWD]           = { "parent.cwd", NULL, NULL, FT_STR, 24, FF_MIDDLE },
	[TP_P_FLAGS]         = { "parent.flags", NULL, NULL, FT_STR, 20, 0 },
	[TP_P_UID]           = { "parent.uid", NULL, NULL, FT_UINT, 7, FF_RIGHT },
	[TP_P_AUID]          = { "parent.auid", NULL, NULL, FT_UINT, 10, FF_RIGHT },
	[TP_P_START_TIME]    = { "parent.start_time", NULL, NULL, FT_TIME, 30, 0 },
	[TP_P_PARENT_EXEC_ID] = { "parent.parent_exec_id", NULL, NULL, FT_STR, 44, 0 },
	[TP_P_SAME_NS]       = { "parent.same_mntns", NULL, NULL, FT_BOOL, 5, FF_HIDDEN },
	[TP_ANCESTORS]       = { "ancestors", NULL, NULL, FT_JSON, 40, FF_HIDDEN },
	[TP_POLICY]          = { "policy", "POLICY", NULL, FT_STR, 16, 0 },
	[TP_ACTION]          = { "action", "ACTION", NULL, FT_STR, 8, 0 },
	[TP_HOOK]            = { "hook", "HOOK", NULL, FT_STR, 24, 0 },
	[TP_HOOK_ARGS]       = { "hook_args", NULL, NULL, FT_JSON, 40, 0 },
};

struct proc_opts {
	uint32_t cache_size;
	bool ancestors;
	const char *policy;   /* the last --policy (all are in `policies`) */
};

/* Every --policy, parsed as it is given: a bad one is a usage error, and
 * nothing is loaded. A parse fills `staged` (the daemon parses a config
 * again to check it while a gadget runs); the start copies it to
 * `policies`, which the running gadget's records are read against. */
static struct pol_set staged, policies;
static struct pol_hook resolved[POL_MAX_HOOKS];
static bool started;   /* records read against `policies`; before a start
			* (unit tests decode without one), against `staged` */

static int add_policy(void *opts, const char *v, char *err, size_t errlen)
{
	/* The first --policy of a parse (its options start zeroed). */
	if (!((struct proc_opts *)opts)->policy)
		memset(&staged, 0, sizeof(staged));
	if (pol_parse_file(&staged, v, err, errlen))
		return -1;
	((struct proc_opts *)opts)->policy = v;
	return 0;
}

static int set_cache_size(void *opts, const char *v, char *err, size_t errlen)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (!*v || *end || *v == '-' || n < 1 || n > (1u << 22)) {
		snprintf(err, errlen, "invalid --cache-size \"%s\": expected 1 to %u processes", v, 1u << 22);
		return -1;
	}
	((struct proc_opts *)opts)->cache_size = n;
	return 0;
}

static const struct gadget_flag proc_flags[] = {
	{ "cache-size", GF_U32, "32768", "processes remembered (least recently used first out)",
	  true, offsetof(struct proc_opts, cache_size), .set = set_cache_size },
	IG_FLAG_BOOL(struct proc_opts, ancestors, "ancestors", "false",
		     "list every known ancestor (the ancestors field)"),
	{ "policy", GF_STRING, NULL, "a TracingPolicy YAML file (repeatable; docs/policies.md)",
	  true, offsetof(struct proc_opts, policy), 0, "FILE", .set = add_policy },
};

/* One run's cache; created at load, or at the first record (tests). */
static struct pc_cache *cache;
#define PROC_CACHE_DEFAULT 32768
static size_t cache_max = PROC_CACHE_DEFAULT;
static bool want_ancestors;

const char *tp_node_name(void)
{
	static char node[128];
	const char *env = getenv("NODE_NAME");

	if (node[0])
		return node;
	if (env && *env)
		snprintf(node, sizeof(node), "%s", env);
	else if (gethostname(node, sizeof(node) - 1) || !node[0])
		snprintf(node, sizeof(node), "localhost");
	return node;
}

static struct pc_cache *get_cache(const struct gadget_ctx *ctx)
{
	if (!cache)
		cache = pc_new(tp_node_name(), cache_max, ctx->boot_to_wall_ns);
	return cache;
}

IG_SKEL_OPS(trace_process);

/*
 * The /proc seed (every running process: its parent and binary) runs in a
 * thread while the kernel loads and verifies the programs, and is joined
 * before they are attached, as it was done before: a start is not the sum
 * of both (~90 processes here: ~25 ms under strace, half a warm start).
 */
static struct {
	pthread_t thread;
	bool running;
	bool early;     /* started by proc_early: configure leaves it */
	size_t seeded;
} seeding;

static void *seed_main(void *arg)
{
	seeding.seeded = pc_seed_proc(arg, NULL);
	return NULL;
}

static void seed_join(void)
{
	if (seeding.running)
		pthread_join(seeding.thread, NULL);
	seeding.running = false;
}

static int seed_start(const struct gadget_ctx *ctx)
{
	seed_join();   /* a failed start's, in the daemon */
	pc_free(cache);
	cache = NULL;
	if (!get_cache(ctx))
		return -1;
	seeding.seeded = 0;
	seeding.running = !pthread_create(&seeding.thread, NULL, seed_main, cache);
	if (!seeding.running)
		seeding.seeded = pc_seed_proc(cache, NULL);
	return 0;
}

#define PROC_RING_SIZE (512U << 10)   /* 3 MB less RSS than the 2 MiB default */

/*
 * proc_ktimes is an LRU, which the kernel preallocates: ~12 ms for the
 * default 32k entries here, a third of a warm start. `ig run` creates it in
 * a thread from the moment the flags are parsed, beside container
 * discovery and the object's open; configure hands it to libbpf. Where
 * that fails (or in the daemon, which has no early hook), libbpf creates
 * it as before.
 */
static struct {
	pthread_t thread;
	bool running;
	int fd;
	__u32 entries;
} ktimes = { .fd = -1 };

static void *ktimes_main(void *arg)
{
	(void)arg;
	ktimes.fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "proc_ktimes", sizeof(__u32),
				   sizeof(__u64), ktimes.entries, NULL);
	return NULL;
}

/* The early map, if it was made: -1 otherwise. */
static int ktimes_take(void)
{
	int fd;

	if (ktimes.running)
		pthread_join(ktimes.thread, NULL);
	ktimes.running = false;
	fd = ktimes.fd;
	ktimes.fd = -1;
	return fd;
}

/* `ig run`: the seed from the moment the flags are parsed, not from
 * configure (after container discovery and the object's open). */
static void proc_early(struct gadget_ctx *ctx)
{
	const struct proc_opts *o = ctx->gopts;

	cache_max = o->cache_size ? o->cache_size : PROC_CACHE_DEFAULT;
	ktimes.entries = cache_max;
	ktimes.running = !pthread_create(&ktimes.thread, NULL, ktimes_main, NULL);
	seeding.early = !seed_start(ctx);
}

/* Give libbpf the early proc_ktimes (when there is one of the right size). */
static void reuse_early_ktimes(struct trace_process_bpf *skel)
{
	int fd = ktimes_take();

	if (fd < 0)
		return;
	if (ktimes.entries != cache_max || bpf_map__reuse_fd(skel->maps.proc_ktimes, fd))
		ig_info("trace_process: proc_ktimes made at load, not early");
	close(fd);   /* reuse_fd holds its own copy */
}

static int proc_configure(struct gadget_ctx *ctx, void *s)
{
	const struct proc_opts *o = ctx->gopts;
	struct trace_process_bpf *skel = s;

	/* The default: a flag parsed by its own setter gets none stored. */
	cache_max = o->cache_size ? o->cache_size : PROC_CACHE_DEFAULT;
	want_ancestors = o->ancestors;
	if (o->policy)
		policies = staged;
	else
		memset(&policies, 0, sizeof(policies));
	started = true;
	if (policies.nhooks) {
		char err[512];

		if (pol_resolve(&policies, resolved, err, sizeof(err))) {
			ig_err("%s", err);
			return -1;
		}
	}
	for (size_t h = 0; h < policies.nhooks; h++)
		skel->rodata->want_bins |= resolved[h].want_bin;
	bpf_program__set_autoload(skel->progs.ig_policy, policies.nhooks > 0);
	bpf_program__set_autoload(skel->progs.ig_pol_exec, skel->rodata->want_bins);
	/* proc_bins is read only for matchBinaries: without it, one entry (a
	 * 32k-entry LRU of 260-byte values took 40+ ms to preallocate). */
	if (bpf_map__set_max_entries(skel->maps.proc_bins,
				     skel->rodata->want_bins ? cache_max : 1) ||
	    bpf_map__set_max_entries(skel->maps.proc_ktimes, cache_max))
		return -1;
	reuse_early_ktimes(skel);
	/* Processes come and go at a bounded rate (trace_exec's ring); a
	 * policy's matches may come at syscall rates and keep the default. */
	if (!policies.nhooks &&
	    ig_bpf_ring_default(ctx, skel->maps.ig_events, &skel->rodata->ig_cfg, PROC_RING_SIZE))
		return -1;
	if (seeding.early)
		return 0;
	return seed_start(ctx);
}

/* matchBinaries of processes that exec'd before ig: their /proc binary. */
static void seed_bin(const struct pc_proc *p, void *arg)
{
	struct trace_process_bpf *skel = arg;
	struct pol_bin b = { 0 };
	size_t n = strlen(p->binary);

	if (n >= POL_STR)
		return;
	memcpy(b.s, p->binary, n);
	b.len = n;
	bpf_map__update_elem(skel->maps.proc_bins, &p->pid, sizeof(p->pid), &b, sizeof(b), BPF_ANY);
}

/* Policies with a containerSelector act where the pol_scope map says; it
 * follows the container table, rebuilt whenever the table changes. */
static int scope_fd = -1;
static __u64 scope_gen;

static void scope_sync(struct gadget_ctx *ctx)
{
	struct container_table *t;
	__u64 gen;

	if (scope_fd < 0 || !ctx->enr)
		return;
	t = enricher_table(ctx->enr);
	gen = ct_generation(t) + 1;   /* + 1: never the 0 that means "not yet" */
	if (gen == scope_gen)
		return;
	scope_gen = gen;
	pol_scope_sync(scope_fd, &policies, t);
}

static void proc_tick(struct gadget_ctx *ctx, __u64 now_ns)
{
	(void)now_ns;
	scope_sync(ctx);
}

/* Seeded before attach: what already runs gets its parent and binary. */
static int proc_loaded(struct gadget_ctx *ctx, void *s)
{
	struct trace_process_bpf *skel = s;

	seed_join();
	seeding.early = false;   /* the daemon's next start seeds again */
	ig_info("trace_process: %zu processes from /proc", seeding.seeded);
	if (skel->rodata->want_bins)
		pc_each(cache, seed_bin, skel);
	if (!policies.nhooks)
		return 0;
	pol_detach();   /* an earlier run's in this process, if any */
	scope_fd = pol_any_scoped(&policies) ? bpf_map__fd(skel->maps.pol_scope) : -1;
	scope_gen = 0;
	scope_sync(ctx);   /* the containers known now are in scope from the start */
	if (pol_attach(skel->progs.ig_policy, bpf_map__fd(skel->maps.pol_hooks), &policies, resolved))
		return -1;
	for (size_t i = 0; i < policies.npolicies; i++)
		ig_info("policy %s: active", policies.names[i]);
	return 0;
}

/* The policy links live outside the skeleton: they go with it, so a
 * daemon that restarts the gadget without policies keeps none. */
static void proc_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	scope_fd = -1;
	pol_detach();
}

/* A copy in the row's scratch: the cache entry may go before the row is
 * printed. */
static void set_copy(struct row *r, int idx, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *d = row_alloc(r, n + 1);

	if (!d) {
		row_set_str(r, idx, "", 0);
		return;
	}
	memcpy(d, s ? s : "", n);
	row_set_str(r, idx, d, n);
}

static void set_wall(const struct gadget_ctx *ctx, struct row *r, int idx, uint64_t ktime)
{
	row_set_uint(r, idx, ktime ? ktime + ctx->boot_to_wall_ns : 0);
}

/* Exec ids of the known ancestors, nearest first, as a JSON array. */
static void set_ancestors(struct row *r, struct pc_proc *p)
{
	struct obuf b = { 0 };
	char *d;
	int n = 0;

	ob_putc(&b, '[');
	for (struct pc_proc *a = pc_parent(cache, p); a && n < 64; a = pc_parent(cache, a), n++) {
		ob_puts(&b, n ? ",{\"exec_id\":\"" : "{\"exec_id\":\"");
		ob_puts(&b, a->exec_id);
		ob_puts(&b, "\",\"pid\":");
		ob_u64(&b, a->pid);
		ob_puts(&b, ",\"binary\":");
		esc_json(&b, a->binary, strlen(a->binary));
		ob_puts(&b, ",\"arguments\":");
		esc_json(&b, a->args, strlen(a->args));
		ob_putc(&b, '}');
	}
	ob_putc(&b, ']');
	d = row_alloc(r, b.len);
	if (d) {
		memcpy(d, b.p, b.len);
		row_set_str(r, GT(TP_ANCESTORS), d, b.len);
	}
	ob_free(&b);
}

static void set_process(const struct gadget_ctx *ctx, struct row *r, struct pc_proc *p)
{
	struct pc_proc *parent = pc_parent(cache, p);

	set_copy(r, GT(TP_EXEC_ID), p->exec_id);
	set_copy(r, GT(TP_PARENT_EXEC_ID), p->parent_exec_id);
	set_copy(r, GT(TP_BINARY), p->binary);
	set_copy(r, GT(TP_ARGS), p->args);
	set_copy(r, GT(TP_CWD), p->cwd);
	set_copy(r, GT(TP_FLAGS), p->flags);
	row_set_uint(r, GT(TP_AUID), p->auid);
	set_wall(ctx, r, GT(TP_START_TIME), p->ktime);
	row_set_uint(r, GT(TP_P_PID), p->ppid);
	if (parent) {
		set_copy(r, GT(TP_P_BINARY), parent->binary);
		set_copy(r, GT(TP_P_ARGS), parent->args);
		set_copy(r, GT(TP_P_CWD), parent->cwd);
		set_copy(r, GT(TP_P_FLAGS), parent->flags);
		row_set_uint(r, GT(TP_P_UID), parent->uid);
		row_set_uint(r, GT(TP_P_AUID), parent->auid);
		set_wall(ctx, r, GT(TP_P_START_TIME), parent->ktime);
		set_copy(r, GT(TP_P_PARENT_EXEC_ID), parent->parent_exec_id);
		row_set_uint(r, GT(TP_P_SAME_NS), parent->mntns_id == p->mntns_id);
	}
	if (want_ancestors)
		set_ancestors(r, p);
}

/* argv arrives NUL separated; Tetragon's arguments are argv[1..] joined by
 * spaces. */
static size_t join_args(const struct process_event *e, uint32_t size, char *out)
{
	const char *first;
	size_t n = 0;

	while (size && !e->args[size - 1])
		size--;
	first = memchr(e->args, 0, size);
	if (first)
		for (const char *s = first + 1; s < e->args + size; s++)
			out[n++] = *s ? *s : ' ';
	if (e->flags & PROC_F_ARGS_TRUNCATED) {
		memcpy(out + n, IG_ELLIPSIS, IG_ELLIPSIS_LEN);
		n += IG_ELLIPSIS_LEN;
	}
	return n;
}

static int decode_exec(const struct gadget_ctx *ctx, const struct process_event *e, size_t size,
		       struct row *r)
{
	size_t hdr = offsetof(struct process_event, args);
	uint32_t args_size = e->args_size;
	char args[PROC_ARGS_MAX + IG_ELLIPSIS_LEN];
	struct pc_new_proc n = {
		.pid = e->proc.pid, .ppid = e->proc.ppid, .ktime = e->ktime,
		.parent_ktime = e->parent_ktime, .uid = e->proc.uid, .auid = e->auid,
		.mntns_id = e->proc.mntns_id, .binary = e->binary, .cwd = e->cwd, .args = args,
	};
	struct pc_proc *p;

	if (size < hdr)
		return -1;
	if (args_size > PROC_ARGS_MAX || args_size > size - hdr)
		args_size = size - hdr < PROC_ARGS_MAX ? size - hdr : PROC_ARGS_MAX;
	n.binary_len = strnlen(e->binary, sizeof(e->binary));
	n.cwd_len = strnlen(e->cwd, sizeof(e->cwd));
	n.args_len = join_args(e, args_size, args);
	p = pc_exec(cache, &n);
	if (!p)
		return -1;
	row_set_str(r, GT(TP_EVENT), "exec", 4);
	set_process(ctx, r, p);
	return 1;
}

static void set_status(struct row *r, int32_t code)
{
	int sig = code & 0x7f;
	const char *abbrev = sig ? sigabbrev_np(sig) : NULL;

	row_set_int(r, GT(TP_EXIT_CODE), (code >> 8) & 0xff);
	if (sig && abbrev) {
		row_set_fmt(r, GT(TP_SIGNAL), "SIG%s", abbrev);
		r->v[GT(TP_STATUS)] = r->v[GT(TP_SIGNAL)];
	} else if (sig) {
		row_set_fmt(r, GT(TP_SIGNAL), "SIG%d", sig);
		r->v[GT(TP_STATUS)] = r->v[GT(TP_SIGNAL)];
	} else {
		row_set_str(r, GT(TP_SIGNAL), "", 0);
		row_set_fmt(r, GT(TP_STATUS), "%d", (code >> 8) & 0xff);
	}
}

static int decode_exit(const struct gadget_ctx *ctx, const struct process_event *e, struct row *r)
{
	struct pc_proc *p = pc_exit(cache, e->proc.pid, e->ktime);

	row_set_str(r, GT(TP_EVENT), "exit", 4);
	set_status(r, e->exit_code);
	if (!p) {
		/* Never seen start (or evicted): what the record itself says. */
		char id[PC_EXEC_ID_LEN] = "";

		if (e->ktime)
			pc_exec_id(id, pc_node(cache), e->ktime, e->proc.pid);
		set_copy(r, GT(TP_EXEC_ID), id);
		id[0] = 0;
		if (e->parent_ktime)
			pc_exec_id(id, pc_node(cache), e->parent_ktime, e->proc.ppid);
		set_copy(r, GT(TP_PARENT_EXEC_ID), id);
		row_set_uint(r, GT(TP_AUID), e->auid);
		row_set_uint(r, GT(TP_P_PID), e->proc.ppid);
		if (e->ktime && e->proc.timestamp > e->ktime)
			row_set_uint(r, GT(TP_LIFETIME), e->proc.timestamp - e->ktime);
		return 1;
	}
	set_process(ctx, r, p);
	if (e->proc.timestamp > p->ktime)
		row_set_uint(r, GT(TP_LIFETIME), e->proc.timestamp - p->ktime);
	pc_release(cache, p);
	return 1;
}

/* The matched tracepoint's arguments, as a JSON array: strings as the
 * policy typed them, integers signed unless the format says unsigned. */
static void set_hook_args(struct row *r, const struct policy_event *e,
			  const struct pol_spec_hook *sh, const struct pol_hook *h)
{
	struct obuf b = { 0 };
	char *d;

	ob_putc(&b, '[');
	for (size_t i = 0; i < sh->nargs && i < POL_MAX_ARGS; i++) {
		if (i)
			ob_putc(&b, ',');
		if (pol_type_is_string(sh->arg_type[i]))
			esc_json(&b, e->strs[i], strnlen(e->strs[i], e->lens[i] < POL_STR ? e->lens[i] : POL_STR));
		else if (h->args[i].kind == POL_ARG_UINT)
			ob_u64(&b, (uint64_t)e->nums[i]);
		else
			ob_i64(&b, e->nums[i]);
	}
	ob_putc(&b, ']');
	d = row_alloc(r, b.len);
	if (d) {
		memcpy(d, b.p, b.len);
		row_set_str(r, GT(TP_HOOK_ARGS), d, b.len);
	}
	ob_free(&b);
}

static int decode_match(const struct gadget_ctx *ctx, const struct policy_event *e, size_t size,
			struct row *r)
{
	const struct pol_set *set = started ? &policies : &staged;
	const struct pol_spec_hook *sh;
	struct pc_proc *p;

	if (size < sizeof(*e) || e->hook >= set->nhooks)
		return -1;
	sh = &set->hooks[e->hook];
	row_set_str(r, GT(TP_EVENT), "match", 5);
	row_set_buf(r, GT(TP_POLICY), set->names[sh->policy], POL_NAME_MAX);
	row_set_fmt(r, GT(TP_HOOK), "%s/%s", sh->subsys, sh->event);
	if (e->action == POL_ACT_SIGNAL)
		row_set_fmt(r, GT(TP_ACTION), "Signal %u", e->sig);
	else
		row_set_str(r, GT(TP_ACTION), pol_action_name(e->action), strlen(pol_action_name(e->action)));
	set_hook_args(r, e, sh, &resolved[e->hook]);
	p = pc_find(cache, e->proc.pid, 0);
	if (!p)
		p = pc_seed_pid(cache, e->proc.pid);
	if (p)
		set_process(ctx, r, p);
	return 1;
}

static int proc_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct process_event *e = data;

	if (size < PROC_HEAD_SIZE || !get_cache(ctx))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	switch (e->kind) {
	case PROC_EV_EXEC:
		return decode_exec(ctx, e, size, r);
	case PROC_EV_FORK:
		pc_fork(cache, e->child_pid, e->ktime, e->proc.pid, e->parent_ktime);
		return 0;
	case PROC_EV_EXIT:
		return decode_exit(ctx, e, r);
	case PROC_EV_MATCH:
		return decode_match(ctx, data, size, r);
	}
	return -1;
}

/* -o compact, in Tetragon's shapes. */
static const struct compact_form proc_compact[] = {
	{ "event", "exec", "\xf0\x9f\x9a\x80", "process", "binary,args" },      /* 🚀 */
	{ "event", "exit", "\xf0\x9f\x92\xa5", "exit", "binary,args,status" },  /* 💥 */
	{ "event", "match", "\xf0\x9f\x9a\xa8", "policy", "binary,policy,hook,hook_args,action" },  /* 🚨 */
};

IG_GADGET(trace_process) = {
	.name = "trace_process",
	.description = "trace the process lifecycle (exec, exit) with Tetragon's exec IDs",
	.kind = GK_TRACE,
	.features = IG_KF_BIT(IG_KF_BPF_LOOP),
	.fields = proc_fields,
	.nfields = ARRAY_SIZE(proc_fields),
	.flags = proc_flags,
	.nflags = ARRAY_SIZE(proc_flags),
	.opts_size = sizeof(struct proc_opts),
	.skel = &trace_process_skel_ops,
	.configure = proc_configure,
	.early = proc_early,
	.loaded = proc_loaded,
	.decode = proc_decode,
	.tick = proc_tick,
	.detach = proc_detach,
	.forms = { proc_compact, ARRAY_SIZE(proc_compact), tp_write_tetragon },
};
