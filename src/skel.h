/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One skeleton lifecycle for every gadget: open -> configure (rodata, map
 * sizes) -> load -> attach, with cleanup by the caller's destroy. A gadget
 * writes IG_SKEL_OPS(name) and a configure function; nothing else.
 */
#ifndef IG_SKEL_H
#define IG_SKEL_H

#include <bpf/libbpf.h>
#include "gadget.h"

struct skel_ops {
	void *(*open)(const struct bpf_object_open_opts *opts);
	int (*load)(void *skel);
	int (*attach)(void *skel);
	void (*detach)(void *skel);
	void (*destroy)(void *skel);
	struct bpf_object *(*obj)(void *skel);
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
	static const struct skel_ops name##_skel_ops = {                               \
		name##_skel_open, name##_skel_load, name##_skel_attach,                \
		name##_skel_detach, name##_skel_destroy, name##_skel_obj,              \
	}

/* configure(ctx, skel) sets the gadget's own rodata before load. */
int ig_skel_start(struct gadget_ctx *ctx, const struct skel_ops *ops,
		  int (*configure)(struct gadget_ctx *ctx, void *skel));
/* For after load: e.g. filling a gadget's maps. */
int ig_skel_attach(struct gadget_ctx *ctx);
void ig_skel_detach(struct gadget_ctx *ctx);
void ig_skel_destroy(struct gadget_ctx *ctx);

#endif
