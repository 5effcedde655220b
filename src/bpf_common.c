// SPDX-License-Identifier: Apache-2.0
/*
 * The BPF side every gadget shares: common rodata by name (so gadgets do not
 * repeat it per skeleton), ring size, and the libbpf log, which stays quiet
 * unless -v but remembers which program the verifier rejected.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "btf_cache.h"
#include "gadget.h"
#include "kfeature.h"

static char failed_prog[64];

static void note_failed_prog(const char *msg)
{
	const char *p = strstr(msg, "prog '");
	size_t n;

	if (!p || !strstr(msg, "failed"))
		return;
	p += 6;
	n = strcspn(p, "'");
	if (n >= sizeof(failed_prog))
		n = sizeof(failed_prog) - 1;
	memcpy(failed_prog, p, n);
	failed_prog[n] = 0;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char msg[512];
	va_list copy;

	va_copy(copy, ap);
	vsnprintf(msg, sizeof(msg), fmt, copy);
	va_end(copy);
	if (level == LIBBPF_WARN && !failed_prog[0])
		note_failed_prog(msg);
	if (!ig_verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ig_bpf_setup_logging(void)
{
	libbpf_set_print(libbpf_log);
}

void ig_bpf_open_opts(const struct gadget_ctx *ctx, struct bpf_object_open_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	/* The minimized BTF when there is one (btf_cache.h), else --btf's or
	 * the kernel's full BTF. When ig serves libbpf's vmlinux BTF loads, the
	 * kernel's is read there, once, at load, for CO-RE too: no custom path,
	 * and the cache work goes on meanwhile. A --btf file is always named:
	 * if it is not BTF, libbpf says so. */
	if (!ctx->opts->btf && btf_cache_serves_vmlinux()) {
		btf_cache_prefetch(NULL);
		return;
	}
	o->btf_custom_path = btf_cache_get(ctx->opts->btf) ?: ctx->opts->btf;
}

static struct bpf_map *find_data_map(struct bpf_object *obj, const char *sec)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name), m = strlen(sec);

		if (n >= m && !strcmp(name + n - m, sec))
			return map;
	}
	return NULL;
}

/* Locate a global variable of a data section (".rodata", ".bss"). */
static void *global_var(struct bpf_object *obj, const char *sec, const char *var, size_t size)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = find_data_map(obj, sec);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	size_t map_size;
	char *data;
	int id;

	if (!btf || !map)
		return NULL;
	id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	if (id < 0)
		return NULL;
	t = btf__type_by_id(btf, id);
	/* Before load this is the initial image; after load, the live mmap. */
	data = (char *)(uintptr_t)bpf_map__initial_value(map, &map_size);
	if (!data)
		return NULL;
	vs = btf_var_secinfos(t);
	for (int i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), var))
			continue;
		if (vs->size != size || vs->offset + size > map_size)
			return NULL;
		return data + vs->offset;
	}
	return NULL;
}

static int set_rodata(struct bpf_object *obj, const char *var, const void *val, size_t size)
{
	void *p = global_var(obj, ".rodata", var, size);

	if (!p) {
		ig_err("internal: no rodata variable %s", var);
		return -ENOENT;
	}
	memcpy(p, val, size);
	return 0;
}

/* A fast path's rodata switch: on where the kernel has what it needs. */
static int set_kfeature(struct bpf_object *obj, const char *var, enum ig_kfeature f)
{
	bool on = ig_kfeature_has(f);

	return set_rodata(obj, var, &on, sizeof(on));
}

static bool is_pow2(__u64 v)
{
	return v && !(v & (v - 1));
}

int ig_bpf_prepare(struct gadget_ctx *ctx, struct bpf_object *obj)
{
	const struct run_opts *o = ctx->opts;
	char comm[IG_COMM_LEN] = {};
	bool filter_comm = o->comm != NULL;
	struct bpf_map *events;
	int err = 0;

	ctx->obj = obj;
	if (o->comm)
		strncpy(comm, o->comm, sizeof(comm) - 1);
	err |= set_rodata(obj, "ig_targ_pid", &o->pid, sizeof(o->pid));
	err |= set_rodata(obj, "ig_targ_tid", &o->tid, sizeof(o->tid));
	err |= set_rodata(obj, "ig_targ_uid", &o->uid, sizeof(o->uid));
	err |= set_rodata(obj, "ig_targ_gid", &o->gid, sizeof(o->gid));
	err |= set_rodata(obj, "ig_filter_uid", &o->has_uid, sizeof(bool));
	err |= set_rodata(obj, "ig_filter_gid", &o->has_gid, sizeof(bool));
	err |= set_rodata(obj, "ig_filter_comm", &filter_comm, sizeof(bool));
	err |= set_rodata(obj, "ig_targ_comm", comm, sizeof(comm));
	err |= set_rodata(obj, "ig_filter_mntns", &o->filter_mntns, sizeof(bool));
	err |= set_rodata(obj, "ig_mntns_by_id", &o->mntns_by_id, sizeof(bool));
	err |= set_kfeature(obj, "ig_kf_rdonly_cast", IG_KF_RDONLY_CAST);
	err |= set_kfeature(obj, "ig_kf_void_cast", IG_KF_VOID_CAST);
	if (err)
		return -ENOENT;
	events = bpf_object__find_map_by_name(obj, "ig_events");
	if (!events)
		return -ENOENT;
	if (o->ring_size) {
		if (!is_pow2(o->ring_size) || o->ring_size < 4096) {
			ig_err("--ring-size must be a power of two of at least 4096");
			return -EINVAL;
		}
		bpf_map__set_max_entries(events, o->ring_size);
	}
	/* Wake the reader early enough that a burst never fills the ring. */
	__u64 wake_bytes = bpf_map__max_entries(events) / 4;

	return set_rodata(obj, "ig_wakeup_bytes", &wake_bytes, sizeof(wake_bytes));
}

int ig_bpf_loaded(struct gadget_ctx *ctx, struct bpf_object *obj)
{
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "ig_events");
	struct bpf_map *mntns = bpf_object__find_map_by_name(obj, "ig_mntns");
	struct bpf_map *hints = bpf_object__find_map_by_name(obj, "ig_mntns_hints");

	ctx->lost = global_var(obj, ".bss", "ig_lost", sizeof(__u64));
	if (!events || !mntns || !ctx->lost)
		return -ENOENT;
	ctx->events_fd = bpf_map__fd(events);
	ctx->mntns_fd = bpf_map__fd(mntns);
	ctx->hints_fd = hints ? bpf_map__fd(hints) : -1;
	return 0;
}

/* libbpf has errnos of its own (e.g. 4001: bad ELF or BTF). */
static const char *bpf_strerror(int err, char *buf, size_t len)
{
	libbpf_strerror(err, buf, len);
	return buf;
}

int ig_bpf_load_failed(const struct gadget_ctx *ctx, int err)
{
	char msg[128];

	if (failed_prog[0])
		ig_err("%s: BPF program '%s' was rejected by the kernel (%s); run with -v for the verifier log",
		       ctx->g->name, failed_prog, bpf_strerror(err, msg, sizeof(msg)));
	else
		ig_err("%s: loading BPF programs failed: %s; run with -v for details",
		       ctx->g->name, bpf_strerror(err, msg, sizeof(msg)));
	return err;
}

int ig_bpf_attach_failed(const struct gadget_ctx *ctx, int err)
{
	char msg[128];

	ig_err("%s: attaching BPF programs failed: %s; run with -v for details",
	       ctx->g->name, bpf_strerror(err, msg, sizeof(msg)));
	return err;
}
