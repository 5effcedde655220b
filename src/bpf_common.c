// SPDX-License-Identifier: Apache-2.0
/*
 * The BPF side every gadget shares: the common configuration (ig_cfg, set
 * through the skeleton's type: src/skel.h), ring size, and the libbpf log,
 * which stays quiet unless -v but remembers which program the verifier
 * rejected.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "btf_cache.h"
#include "kfeature.h"
#include "skel.h"

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

static bool is_pow2(__u64 v)
{
	return v && !(v & (v - 1));
}

int ig_bpf_prepare(struct gadget_ctx *ctx, const struct ig_skel_common *c)
{
	const struct run_opts *o = ctx->opts;
	struct ig_config *cfg = c->cfg;

	cfg->targ_pid = o->pid;
	cfg->targ_tid = o->tid;
	cfg->targ_uid = o->uid;
	cfg->targ_gid = o->gid;
	cfg->filter_uid = o->has_uid;
	cfg->filter_gid = o->has_gid;
	cfg->filter_comm = o->comm != NULL;
	memset(cfg->targ_comm, 0, sizeof(cfg->targ_comm));
	if (o->comm)
		strncpy(cfg->targ_comm, o->comm, sizeof(cfg->targ_comm) - 1);
	cfg->filter_mntns = o->filter_mntns;
	cfg->mntns_by_id = o->mntns_by_id;
	cfg->kf_rdonly_cast = ig_kfeature_has(IG_KF_RDONLY_CAST);
	cfg->kf_void_cast = ig_kfeature_has(IG_KF_VOID_CAST);
	if (o->ring_size) {
		if (!is_pow2(o->ring_size) || o->ring_size < 4096) {
			ig_err("--ring-size must be a power of two of at least 4096");
			return -EINVAL;
		}
		bpf_map__set_max_entries(c->events, o->ring_size);
	}
	/* Wake the reader early enough that a burst never fills the ring. */
	cfg->wakeup_bytes = bpf_map__max_entries(c->events) / 4;
	return 0;
}

int ig_bpf_ring_default(struct gadget_ctx *ctx, struct bpf_map *events, struct ig_config *cfg,
			__u32 size)
{
	if (ctx->opts->ring_size)
		return 0;
	cfg->wakeup_bytes = size / 4;
	return bpf_map__set_max_entries(events, size);
}

void ig_bpf_loaded(struct gadget_ctx *ctx, const struct ig_skel_common *c)
{
	ctx->lost = c->lost;
	ctx->events_fd = bpf_map__fd(c->events);
	ctx->mntns_fd = bpf_map__fd(c->mntns);
	ctx->hints_fd = bpf_map__fd(c->hints);
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
