// SPDX-License-Identifier: Apache-2.0
/* trace_bind: decoder and declarations; the BPF side is bpf/trace_bind.bpf.c. */
#include <string.h>
#include "skel.h"
#include "netfmt.h"
#include "trace_bind.h"
#include "trace_bind.skel.h"

enum {
	NET_L4_ENUM(F_ADDR),
	F_BOUND_DEV_IF, F_OPTS, F_OPTS_RAW, NET_NETNS_ENUM(F_NETNS), F_FD, F_ERROR, F_ERROR_RAW,
};

static const struct field bind_fields[] = {
	NET_L4_FIELDS(F_ADDR, "addr", "ADDR", NULL, "port", FF_DEFAULT),
	[F_BOUND_DEV_IF] = { "bound_dev_if", "BOUND_DEV_IF", "if", FT_UINT, 12, FF_DEFAULT | FF_RIGHT },
	[F_OPTS]         = { "opts", "OPTS", NULL, FT_STR, 20, 0 },
	[F_OPTS_RAW]     = { "opts_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
	[F_FD]           = { "fd", "FD", NULL, FT_INT, 3, FF_RIGHT },
	[F_ERROR]        = IG_FIELD_ERROR,
	[F_ERROR_RAW]    = IG_FIELD_ERROR_RAW,
};

#define BIND_DEFAULT_FIELDS \
	"runtime.containerName,addr.endpoint,proc.comm,proc.pid,proc.tid,bound_dev_if,error"

struct bind_opts {
	bool ignore_errors;
};

static const struct gadget_flag bind_flags[] = {
	IG_FLAG_BOOL(struct bind_opts, ignore_errors, "ignore-errors", "true",
		     "show only binds that succeeded (in the kernel)"),
};

IG_SKEL_OPS(trace_bind);

static int bind_configure(struct gadget_ctx *ctx, void *s)
{
	const struct bind_opts *o = ctx->gopts;
	struct trace_bind_bpf *skel = s;

	skel->rodata->ignore_errors = o->ignore_errors;
	return 0;
}

static int bind_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct bind_event *e = data;
	char opts[32] = "";

	if (size < sizeof(*e) || (e->addr.version != 4 && e->addr.version != 6 && !e->error))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	net_set_l4(r, GF(F_ADDR_EP), &e->addr);
	row_set_uint(r, GF(F_BOUND_DEV_IF), e->bound_dev_if);
	if (e->opts & BIND_OPT_REUSEADDR)
		strcat(opts, "REUSEADDR");
	if (e->opts & BIND_OPT_REUSEPORT)
		strcat(opts, opts[0] ? "|REUSEPORT" : "REUSEPORT");
	row_set_fmt(r, GF(F_OPTS), "%s", opts);   /* copied: opts is on the stack */
	row_set_uint(r, GF(F_OPTS_RAW), e->opts);
	net_set_netns(r, GF(F_NETNS), e->netns_id);
	row_set_int(r, GF(F_FD), e->fd);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->error);
	return 1;
}

IG_GADGET(trace_bind) = {
	.name = "trace_bind",
	.aliases = "bindsnoop",
	.description = "trace bind() on IPv4 and IPv6 sockets",
	.kind = GK_TRACE,
	.fields = bind_fields,
	.nfields = ARRAY_SIZE(bind_fields),
	.default_fields = BIND_DEFAULT_FIELDS,
	.flags = bind_flags,
	.nflags = ARRAY_SIZE(bind_flags),
	.opts_size = sizeof(struct bind_opts),
	.skel = &trace_bind_skel_ops,
	.configure = bind_configure,
	.decode = bind_decode,
};
