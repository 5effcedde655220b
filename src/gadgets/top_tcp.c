// SPDX-License-Identifier: Apache-2.0
/* top_tcp: the maps' reader and declarations; the BPF side is
 * bpf/top_tcp.bpf.c. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "batch.h"
#include "skel.h"
#include "netfmt.h"
#include "top_cells.h"
#include "top_tcp.h"
#include "top_tcp.skel.h"

enum {
	NET_L4_ENUM(F_SRC), NET_L4_ENUM(F_DST),
	F_SENT, F_RECEIVED, NET_NETNS_ENUM(F_NETNS),
};

static const struct field top_tcp_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_SENT]     = { "sent", "SENT", "sent_raw", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	[F_RECEIVED] = { "received", "RECEIVED", "received_raw", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
};

#define TOP_TCP_DEFAULT_FIELDS \
	"runtime.containerName,proc.pid,src.endpoint,dst.endpoint,proc.comm,sent,received"

struct top_tcp_opts {
	const char *family;
};

static const struct gadget_flag top_tcp_flags[] = {
	IG_FLAG_STR(struct top_tcp_opts, family, "family", "-1",
		    "only IPv4 (4) or IPv6 (6) connections; -1: both"),
};

IG_SKEL_OPS(top_tcp);

/* sock:sock_send_length and sock_recv_length (Linux 6.3), unless
 * IG_TOP_TCP_FALLBACK is set (the tests' and make bench's way to run the
 * fallback on a new kernel). */
static bool has_sock_length(void)
{
	if (getenv("IG_TOP_TCP_FALLBACK"))
		return false;
	return !access("/sys/kernel/tracing/events/sock/sock_send_length", F_OK) ||
	       !access("/sys/kernel/debug/tracing/events/sock/sock_send_length", F_OK);
}

static int top_tcp_configure(struct gadget_ctx *ctx, void *s)
{
	const struct top_tcp_opts *o = ctx->gopts;
	struct top_tcp_bpf *skel = s;
	bool fast = has_sock_length();
	struct bpf_program *p;

	if (strcmp(o->family, "-1") && strcmp(o->family, "4") && strcmp(o->family, "6")) {
		ig_err("invalid --family \"%s\": expected 4, 6 or -1", o->family);
		return -EINVAL;
	}
	skel->rodata->target_family = atoi(o->family);
	bpf_object__for_each_program(p, skel->obj) {
		bool sock_length = !strncmp(bpf_program__section_name(p), "tp_btf/", 7);

		bpf_program__set_autoload(p, sock_length == fast);
	}
	ig_info("top_tcp: counting with %s", fast ? "sock:sock_{send,recv}_length" :
		"the exits of read, write, sendto, recvfrom, sendmsg, recvmsg");
	return 0;
}

/* One flow's row (not static: the unit tests call it). */
void top_tcp_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct top_tcp_val *v);
void top_tcp_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct top_tcp_val *v)
{
	row_set_proc(ctx, r, &v->proc);
	net_set_l4(r, GF(F_SRC_EP), &v->src);
	net_set_l4(r, GF(F_DST_EP), &v->dst);
	row_set_uint(r, GF(F_SENT), v->sent);
	row_set_uint(r, GF(F_RECEIVED), v->received);
	net_set_netns(r, GF(F_NETNS), v->netns_id);
}

/* One top_tcp per process. */
static struct top_cells tt_cells = TOP_CELLS_INIT;
TOP_CELLS_HOOKS(top_tcp, tt_cells)

/* One process on one socket (a socket is one connection). */
static int top_tcp_row(struct gadget_ctx *ctx, struct ig_batch *b, const void *key,
		       const void *val)
{
	(void)key;
	top_tcp_fill_row(ctx, batch_row(b), val);
	return batch_add(b);
}

static int top_tcp_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_tcp_bpf *skel = ctx->skel;
	const struct top_cells_desc d = TOP_CELLS_DESC(skel, flows, struct top_tcp_key,
						       struct top_tcp_val, sent, struct top_tcp_cell,
						       TOP_TCP_MAX_FLOWS, top_tcp_row);

	return top_cells_collect(ctx, b, &tt_cells, &d);
}

IG_GADGET(top_tcp) = {
	.name = "top_tcp",
	.aliases = "tcptop",
	.description = "bytes sent and received per process and TCP connection, every interval",
	.kind = GK_TOP,
	.features = IG_KF_BIT(IG_KF_TASK_PT_REGS),   /* the fallback before 6.3 */
	.fields = top_tcp_fields,
	.nfields = ARRAY_SIZE(top_tcp_fields),
	.default_fields = TOP_TCP_DEFAULT_FIELDS,
	.flags = top_tcp_flags,
	.nflags = ARRAY_SIZE(top_tcp_flags),
	.opts_size = sizeof(struct top_tcp_opts),
	.default_sort = "-sent,-received",
	.skel = &top_tcp_skel_ops,
	.configure = top_tcp_configure,
	.loaded = top_tcp_loaded,
	.collect = top_tcp_collect,
	.detach = top_tcp_detach,
};
