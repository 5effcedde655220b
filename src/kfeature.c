// SPDX-License-Identifier: Apache-2.0
/*
 * Kernel feature probes (kfeature.h): the kernel's BTF says whether a kfunc
 * exists, a tiny program load says whether the verifier accepts a use of it
 * (the void cast is refused by kernels that have the kfunc), and libbpf's
 * helper and map probes cover the rest.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "btf_cache.h"
#include "ig.h"
#include "kfeature.h"
#include "list.h"

static const struct ig_kfeature_info infos[IG_KF_COUNT] = {
	[IG_KF_RDONLY_CAST] = { "rdonly_cast", "the kfunc bpf_rdonly_cast", "6.2", 0 },
	[IG_KF_VOID_CAST] = { "void_cast", "bpf_rdonly_cast to void", "6.17", 0 },
	[IG_KF_ITER_TASK] = { "iter_task", "the BPF task iterator", "5.8", 0 },
	[IG_KF_RINGBUF] = { "ringbuf", "the BPF ring buffer", "5.8", 0 },
	[IG_KF_TASK_BTF] = { "task_btf", "the BPF helper bpf_get_current_task_btf", "5.11",
			     BPF_FUNC_get_current_task_btf },
	[IG_KF_TASK_PT_REGS] = { "task_pt_regs", "the BPF helper bpf_task_pt_regs", "5.15",
				 BPF_FUNC_task_pt_regs },
	[IG_KF_BPF_LOOP] = { "bpf_loop", "the BPF helper bpf_loop", "5.17", BPF_FUNC_loop },
};

/* Per feature: 0 not probed yet, 1 present, -1 absent. */
static signed char known[IG_KF_COUNT];

const struct ig_kfeature_info *ig_kfeature_info(enum ig_kfeature f)
{
	return f < IG_KF_COUNT ? &infos[f] : NULL;
}

/* One name of IG_KERNEL_FEATURES_OFF into the mask. */
static int add_off(const char *name, size_t n, void *arg)
{
	for (int f = 0; f < IG_KF_COUNT; f++) {
		if (strlen(infos[f].name) == n && !strncmp(name, infos[f].name, n)) {
			*(long long *)arg |= 1LL << f;
			return 0;
		}
	}
	return -1;
}

long long ig_kfeature_parse_off(const char *list, const char **bad)
{
	static char word[32];
	long long mask = 0;
	const char *item;
	size_t n;

	if (!list_each(list, add_off, &mask, &item, &n))
		return mask;
	snprintf(word, sizeof(word), "%.*s", (int)(n < 31 ? n : 31), item);
	*bad = word;
	return -1;
}

static bool forced_off(enum ig_kfeature f)
{
	static long long off = -2;

	if (off == -2) {
		const char *bad = NULL;

		off = ig_kfeature_parse_off(getenv("IG_KERNEL_FEATURES_OFF"), &bad);
		if (off < 0) {
			ig_err("IG_KERNEL_FEATURES_OFF: unknown feature '%s', ignored", bad);
			off = 0;
		}
	}
	return off & (1LL << f);
}

/* The kernel's BTF, read raw (libbpf's parser validates and indexes all
 * ~100k types, 60 ms here, for two names). Only the kernel's own BTF
 * names kfuncs ig can call (--btf is for kernels without it, which have
 * none). The minimized BTF (btf_cache.h) has both names at the kernel's
 * IDs, in 1/7 of the bytes: read it when there is one. */
struct raw_btf {
	char *buf;
	size_t size;
};

static int raw_btf_read(struct raw_btf *b)
{
	const char *min = btf_cache_kernel_path();
	struct stat st;
	size_t cap;
	ssize_t n;
	int fd;

	b->size = 0;
	b->buf = NULL;
	fd = open(min ? min : "/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	cap = !fstat(fd, &st) && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 23;
	b->buf = malloc(cap);
	while (b->buf && (n = read(fd, b->buf + b->size, cap - b->size)) > 0) {
		b->size += n;
		if (b->size == cap) {
			char *bigger = realloc(b->buf, cap *= 2);

			if (!bigger)
				break;
			b->buf = bigger;
		}
	}
	close(fd);
	return b->buf ? 0 : -ENOMEM;
}

/* Bytes that follow a type's struct btf_type, by kind. */
static size_t btf_extra(const struct btf_type *t)
{
	size_t vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return 12;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
		return 12 * vlen;
	case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO:
		return 8 * vlen;
	default:
		return 0;
	}
}

/* The id of the type of this kind and name, or -1. */
static int raw_btf_find(const struct raw_btf *b, int kind, const char *name)
{
	const struct btf_header *h = (const struct btf_header *)b->buf;
	size_t nlen = strlen(name);
	const char *strs, *p, *end;

	if (b->size < sizeof(*h) || h->magic != BTF_MAGIC ||
	    (size_t)h->hdr_len + h->str_off + h->str_len > b->size ||
	    (size_t)h->hdr_len + h->type_off + h->type_len > b->size)
		return -1;
	strs = b->buf + h->hdr_len + h->str_off;
	p = b->buf + h->hdr_len + h->type_off;
	end = p + h->type_len;
	for (int id = 1; p + sizeof(struct btf_type) <= end; id++) {
		const struct btf_type *t = (const struct btf_type *)p;

		if ((int)BTF_INFO_KIND(t->info) == kind && t->name_off + nlen < h->str_len &&
		    !memcmp(strs + t->name_off, name, nlen + 1))
			return id;
		p += sizeof(*t) + btf_extra(t);
	}
	return -1;
}

/* Whether the verifier accepts bpf_rdonly_cast(0, type_id) in a
 * tracepoint program. */
static bool cast_loads(int kfunc_id, int type_id)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = type_id },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = kfunc_id },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "ig_probe_cast", "GPL", insns,
			       ARRAY_SIZE(insns), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The kernel type IDs of the kfunc and of struct task_struct (-1: none),
 * found in raw BTF: the bytes the BTF cache lookup read (the minimized BTF,
 * or the kernel's own on a miss) when it kept them, else read here. No
 * libbpf parse: it would index every type (~65k placeholders in the
 * minimized BTF) for two names, and libbpf parses the same bytes again. */
static void cast_ids(int *cast, int *task)
{
	struct raw_btf raw = { NULL, 0 };
	const void *data;
	size_t size;
	bool own = false;

	*cast = *task = -1;
	if (btf_cache_kernel_raw(&data, &size)) {
		raw.buf = (char *)data;
		raw.size = size;
	} else if (!raw_btf_read(&raw)) {
		own = true;
	} else {
		return;
	}
	*cast = raw_btf_find(&raw, BTF_KIND_FUNC, "bpf_rdonly_cast");
	if (*cast > 0)
		*task = raw_btf_find(&raw, BTF_KIND_STRUCT, "task_struct");
	if (own)
		free(raw.buf);
}

/* Both casts at once: they share the BTF lookup. The 6.2-6.16 verifiers
 * have the kfunc but refuse a type id that is not a struct's. */
static void probe_casts(void)
{
	int cast, task;

	cast_ids(&cast, &task);
	known[IG_KF_RDONLY_CAST] = cast > 0 && task > 0 && cast_loads(cast, task) ? 1 : -1;
	known[IG_KF_VOID_CAST] = known[IG_KF_RDONLY_CAST] > 0 && cast_loads(cast, 0) ? 1 : -1;
}

/* Whether a tracepoint program may call the helper: the verifier rejects
 * this call for its missing arguments, or for an unknown helper, and says
 * which. (libbpf_probe_bpf_helper does the same, but libbpf 1.1 reads its
 * log buffer uninitialized when the kernel writes none.) */
static bool helper_exists(int helper)
{
	char log[4096] = "";
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = sizeof(log),
		    .log_level = 1);
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, "ig_probe_helper", "GPL", insns,
			       ARRAY_SIZE(insns), &o);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return log[0] && !strstr(log, "invalid func ") && !strstr(log, "unknown func ");
}

static bool probe(enum ig_kfeature f)
{
	if (f == IG_KF_RINGBUF)
		return libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	if (f == IG_KF_ITER_TASK)   /* the kernel's iterator target, by its BTF name */
		return libbpf_find_vmlinux_btf_id("task", BPF_TRACE_ITER) > 0;
	return helper_exists(infos[f].helper);
}

static void log_probe(enum ig_kfeature f)
{
	ig_info("kernel feature %s (%s, Linux %s): %s%s", infos[f].name, infos[f].what,
		infos[f].since, known[f] > 0 ? "yes" : "no",
		forced_off(f) ? ", off by IG_KERNEL_FEATURES_OFF" : "");
}

bool ig_kfeature_has(enum ig_kfeature f)
{
	if (f >= IG_KF_COUNT)
		return false;
	if (known[f])
		return known[f] > 0 && !forced_off(f);
	if (f == IG_KF_RDONLY_CAST || f == IG_KF_VOID_CAST) {
		probe_casts();
		log_probe(IG_KF_RDONLY_CAST);
		log_probe(IG_KF_VOID_CAST);
	} else {
		known[f] = forced_off(f) ? -1 : probe(f) ? 1 : -1;
		log_probe(f);
	}
	return known[f] > 0 && !forced_off(f);
}

/* Whether a program calls this helper. Dead code counts too: a flag that
 * turns a path off in rodata does not remove its calls. */
static bool prog_calls(const struct bpf_program *p, int helper)
{
	const struct bpf_insn *insn = bpf_program__insns(p);
	size_t n = bpf_program__insn_cnt(p);

	for (size_t i = 0; i < n; i++)
		if (insn[i].code == (BPF_JMP | BPF_CALL) && insn[i].src_reg == 0 &&
		    insn[i].imm == helper)
			return true;
	return false;
}

static bool obj_uses(struct bpf_object *obj, enum ig_kfeature f)
{
	struct bpf_program *p;
	struct bpf_map *m;

	if (f == IG_KF_RINGBUF) {
		bpf_object__for_each_map(m, obj)
			if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
				return true;
		return false;
	}
	bpf_object__for_each_program(p, obj)
		if (bpf_program__autoload(p) && prog_calls(p, infos[f].helper))
			return true;
	return false;
}

/* ---- tracepoints ---------------------------------------------------------- */

static const char *const tracefs_roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* The tracefs whose events/ ig can read, or NULL (then nothing is checked:
 * libbpf will say what fails). */
static const char *tracefs_events(void)
{
	static char dir[64];

	if (!dir[0])
		for (size_t i = 0; i < ARRAY_SIZE(tracefs_roots); i++) {
			snprintf(dir, sizeof(dir), "%s/events", tracefs_roots[i]);
			if (!access(dir, R_OK | X_OK))
				return dir;
			dir[0] = 0;
		}
	return dir[0] ? dir : NULL;
}

/* Where a raw tracepoint's category is not its name's first word. */
static const char *const tp_categories[] = { "sock", "raw_syscalls" };

/* events/CAT/NAME for a likely CAT: the name's first word (sched_..., tcp_...,
 * block_...), or one of tp_categories. A glob of events/x/NAME reads every
 * category's directory: 1-5 ms a tracepoint on a busy host. */
static bool tracepoint_guess(const char *events, const char *tp)
{
	size_t n = strcspn(tp, "_");
	char path[512];

	snprintf(path, sizeof(path), "%s/%.*s/%s", events, (int)n, tp, tp);
	if (!access(path, F_OK))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(tp_categories); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", events, tp_categories[i], tp);
		if (!access(path, F_OK))
			return true;
	}
	return false;
}

/* "CAT/NAME", or for a raw tracepoint (tp_btf) just "NAME": its category
 * is not in its name, any will do. */
static bool tracepoint_exists(const char *events, const char *tp)
{
	char path[512];
	glob_t g;
	bool found;

	if (strchr(tp, '/')) {
		snprintf(path, sizeof(path), "%s/%s", events, tp);
		return !access(path, F_OK);
	}
	if (tracepoint_guess(events, tp))
		return true;
	snprintf(path, sizeof(path), "%s/*/%s", events, tp);
	found = !glob(path, GLOB_NOSORT, NULL, &g);
	if (found)
		globfree(&g);
	return found;
}

/*
 * Every program's tracepoint must exist. A syscall's that does not is a
 * syscall this kernel does not have (openat2 is 5.6): nothing can call it,
 * so its program is left out. Any other is an error.
 */
static int check_tracepoints(const char *gadget, struct bpf_object *obj)
{
	const char *events = tracefs_events();
	struct bpf_program *p;
	char path[512];

	if (!events)
		return 0;
	snprintf(path, sizeof(path), "%s/syscalls", events);
	if (access(path, F_OK)) {
		ig_err("%s needs the syscall tracepoints, which this kernel lacks (CONFIG_FTRACE_SYSCALLS)",
		       gadget);
		return -EOPNOTSUPP;
	}
	bpf_object__for_each_program(p, obj) {
		const char *sec = bpf_program__section_name(p), *tp;

		if (!bpf_program__autoload(p))
			continue;
		if (!strncmp(sec, "tracepoint/", 11))
			tp = sec + 11;
		else if (!strncmp(sec, "tp_btf/", 7))
			tp = sec + 7;
		else
			continue;
		if (tracepoint_exists(events, tp))
			continue;
		if (!strncmp(tp, "syscalls/", 9)) {
			ig_info("%s: no tracepoint %s on this kernel: left out", gadget, tp);
			bpf_program__set_autoload(p, false);
			continue;
		}
		ig_err("%s needs the tracepoint %s, which this kernel lacks", gadget, tp);
		return -EOPNOTSUPP;
	}
	return 0;
}

unsigned int ig_kfeature_used(struct bpf_object *obj)
{
	unsigned int mask = 0;

	for (int f = IG_KF_RINGBUF; f < IG_KF_COUNT; f++)
		if (obj_uses(obj, f))
			mask |= 1u << f;
	return mask;
}

int ig_kfeature_check(const char *gadget, struct bpf_object *obj)
{
	struct utsname u;
	int err = check_tracepoints(gadget, obj);

	if (err)
		return err;

	for (int f = IG_KF_RINGBUF; f < IG_KF_COUNT; f++) {
		if (!obj_uses(obj, f) || ig_kfeature_has(f))
			continue;
		if (uname(&u))
			strcpy(u.release, "?");
		ig_err("%s needs %s (Linux >= %s); this kernel is %s", gadget, infos[f].what,
		       infos[f].since, u.release);
		return -EOPNOTSUPP;
	}
	return 0;
}
