// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <string.h>
#include "btf_min.h"
#include "kfeature.h"
#include "skel.h"

int ig_skel_load(struct gadget_ctx *ctx, const struct skel_ops *ops,
		 int (*configure)(struct gadget_ctx *ctx, void *skel),
		 int (*loaded)(struct gadget_ctx *ctx, void *skel))
{
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct ig_skel_common common;
	void *skel;
	int err;

	ig_bpf_open_opts(ctx, &oo);
	ctx->skel_ops = ops;
	skel = ops->open(&oo);
	if (!skel) {
		char msg[128];

		err = -errno;
		libbpf_strerror(err, msg, sizeof(msg));
		ig_err("%s: opening the BPF object failed: %s", ctx->g->name, msg);
		return err;
	}
	ctx->skel = skel;
	ctx->obj = ops->obj(skel);
	ops->common(skel, &common);
	err = ig_bpf_prepare(ctx, &common);
	if (!err && configure)
		err = configure(ctx, skel);
	if (!err)
		err = ig_kfeature_check(ctx->g->name, ops->obj(skel));
	if (err)
		return err;
	err = ops->load(skel);
	if (err)
		return ig_bpf_load_failed(ctx, err);
	ig_release_objects();   /* libbpf is done with the object's bytes */
	ig_bpf_loaded(ctx, &common);
	return loaded ? loaded(ctx, skel) : 0;
}

int ig_skel_attach(struct gadget_ctx *ctx)
{
	int err = ctx->skel_ops->attach(ctx->skel);

	return err ? ig_bpf_attach_failed(ctx, err) : 0;
}

void ig_skel_detach(struct gadget_ctx *ctx)
{
	if (ctx->skel && ctx->g->detach)
		ctx->g->detach(ctx);
	if (ctx->skel)
		ctx->skel_ops->detach(ctx->skel);
}

void ig_skel_destroy(struct gadget_ctx *ctx)
{
	if (ctx->skel && ctx->g->detach)   /* a failed start: no detach came */
		ctx->g->detach(ctx);
	if (ctx->skel)
		ctx->skel_ops->destroy(ctx->skel);
	ctx->skel = NULL;
}

int gadget_start(struct gadget_ctx *ctx)
{
	const struct gadget *g = ctx->g;
	int err = ig_skel_load(ctx, g->skel, g->configure, g->loaded);

	return err ? err : ig_skel_attach(ctx);
}
