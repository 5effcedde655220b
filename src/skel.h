/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One skeleton lifecycle for every gadget: open -> common configuration
 * (ig_cfg, ring size) -> the gadget's configure -> load -> the gadget's
 * loaded -> attach; detach and destroy at the end. A gadget writes
 * IG_SKEL_OPS(name) and points struct gadget.skel at &name_skel_ops.
 */
#ifndef IG_SKEL_H
#define IG_SKEL_H

#include <bpf/libbpf.h>
#include "gadget.h"
#include "ig_config.h"

/* What every object built on bpf/common.bpf.h has, reached through its
 * skeleton's type: a BPF side without them does not compile. */
struct ig_skel_common {
	struct ig_config *cfg;     /* .rodata ig_cfg: set before load */
	struct bpf_map *events;    /* ig_events */
	struct bpf_map *mntns;     /* ig_mntns */
	struct bpf_map *hints;     /* ig_mntns_hints */
	volatile __u64 *lost;      /* .bss ig_lost */
};

struct skel_ops {
	void *(*open)(const struct bpf_object_open_opts *opts);
	int (*load)(void *skel);
	int (*attach)(void *skel);
	void (*detach)(void *skel);
	void (*destroy)(void *skel);
	struct bpf_object *(*obj)(void *skel);
	void (*common)(void *skel, struct ig_skel_common *c);
	const void *(*elf)(size_t *size);   /* the embedded object */
};

#define IG_SKEL_OPS(name)                                                              \
	static void *name##_skel_open(const struct bpf_object_open_opts *o)            \
	{ return name##_bpf__open_opts(o); }                                            \
	static int name##_skel_load(void *s) { return name##_bpf__load(s); }           \
	static int name##_skel_attach(void *s) { return name##_bpf__attach(s); }       \
	static void name##_skel_detach(void *s) { name##_bpf__detach(s); }            \
	static void name##_skel_destroy(void *s) { name##_bpf__destroy(s); }          \
	static struct bpf_object *name##_skel_obj(void *s)                             \
	{ return ((struct name##_bpf *)s)->obj; }                                      \
	static void name##_skel_common(void *s, struct ig_skel_common *c)              \
	{                                                                              \
		struct name##_bpf *k = s;                                              \
		c->cfg = &k->rodata->ig_cfg;                                           \
		c->events = k->maps.ig_events;                                         \
		c->mntns = k->maps.ig_mntns;                                           \
		c->hints = k->maps.ig_mntns_hints;                                     \
		c->lost = &k->bss->ig_lost;                                            \
	}                                                                              \
	static const struct skel_ops name##_skel_ops = {                               \
		name##_skel_open, name##_skel_load, name##_skel_attach,                \
		name##_skel_detach, name##_skel_destroy, name##_skel_obj,              \
		name##_skel_common, name##_bpf__elf_bytes,                             \
	}

/* Open, configure and load ops' object for ctx->g (configure and loaded
 * may be NULL); on failure the caller still calls ig_skel_destroy. */
int ig_skel_load(struct gadget_ctx *ctx, const struct skel_ops *ops,
		 int (*configure)(struct gadget_ctx *ctx, void *skel),
		 int (*loaded)(struct gadget_ctx *ctx, void *skel));
int ig_skel_attach(struct gadget_ctx *ctx);
void ig_skel_detach(struct gadget_ctx *ctx);
void ig_skel_destroy(struct gadget_ctx *ctx);

/* The whole start of a declared gadget: load with its hooks, then attach. */
int gadget_start(struct gadget_ctx *ctx);

#endif
