// SPDX-License-Identifier: Apache-2.0
/* trace_tcpconnect: decoder and declarations; the BPF side is
 * bpf/trace_tcpconnect.bpf.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skel.h"
#include "netfmt.h"
#include "trace_tcpconnect.h"
#include "trace_tcpconnect.skel.h"

enum {
	NET_L4_ENUM(F_SRC), NET_L4_ENUM(F_DST),
	F_LATENCY, NET_NETNS_ENUM(F_NETNS), F_ERROR, F_ERROR_RAW,
};

static const struct field tcpconnect_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_LATENCY]   = { "latency", "LATENCY", "lat", FT_UINT, 10, FF_DEFAULT | FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
	[F_ERROR]     = IG_FIELD_ERROR,
	[F_ERROR_RAW] = IG_FIELD_ERROR_RAW,
};

#define TCPCONNECT_DEFAULT_FIELDS \
	"runtime.containerName,proc.comm,proc.pid,proc.tid,src.endpoint,dst.endpoint,latency,error"

struct tcpconnect_opts {
	uint64_t min_ns;
	bool latency;
};

/* "10ms", "1.5s", "250us", "0": a duration as the older CLI took it. */
static int set_min(void *opts, const char *v, char *err, size_t errlen)
{
	static const struct { const char *unit; double ns; } units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
		{ "m", 60e9 },
	};
	char *end;
	double d = strtod(v, &end);

	for (size_t i = 0; i < ARRAY_SIZE(units) && end != v && d >= 0 && isfinite(d); i++) {
		if (strcmp(end, units[i].unit) && !(d == 0 && !*end))
			continue;
		((struct tcpconnect_opts *)opts)->min_ns = (uint64_t)(d * (*end ? units[i].ns : 1));
		return 0;
	}
	snprintf(err, errlen, "invalid --min \"%s\": expected a duration such as 10ms, 1.5s or 250us",
		 v);
	return -1;
}

static const struct gadget_flag tcpconnect_flags[] = {
	{ "min", GF_STRING, "0", "show only connections whose handshake took longer (in the kernel)",
	  false, 0, 0, "DURATION", 0, set_min },
	IG_FLAG_BOOL(struct tcpconnect_opts, latency, "latency", "true",
		     "the older CLI's switch: the latency is always measured"),
};

IG_SKEL_OPS(trace_tcpconnect);

static int tcpconnect_configure(struct gadget_ctx *ctx, void *s)
{
	const struct tcpconnect_opts *o = ctx->gopts;
	struct trace_tcpconnect_bpf *skel = s;

	skel->rodata->min_latency_ns = o->min_ns;
	return 0;
}

static int tcpconnect_decode(struct gadget_ctx *ctx, const void *data, size_t size,
			     struct row *r)
{
	const struct tcpconnect_event *e = data;

	if (size < sizeof(*e) || (e->src.version != 4 && e->src.version != 6))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	net_set_l4(r, GF(F_SRC_EP), &e->src);
	net_set_l4(r, GF(F_DST_EP), &e->dst);
	row_set_uint(r, GF(F_LATENCY), e->latency_ns);
	net_set_netns(r, GF(F_NETNS), e->netns_id);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->error);
	return 1;
}

IG_GADGET(trace_tcpconnect) = {
	.name = "trace_tcpconnect",
	.aliases = "tcpconnect",
	.description = "trace TCP connections opened, with their handshake latency",
	.kind = GK_TRACE,
	.fields = tcpconnect_fields,
	.nfields = ARRAY_SIZE(tcpconnect_fields),
	.default_fields = TCPCONNECT_DEFAULT_FIELDS,
	.flags = tcpconnect_flags,
	.nflags = ARRAY_SIZE(tcpconnect_flags),
	.opts_size = sizeof(struct tcpconnect_opts),
	.skel = &trace_tcpconnect_skel_ops,
	.configure = tcpconnect_configure,
	.decode = tcpconnect_decode,
};
