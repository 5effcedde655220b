// SPDX-License-Identifier: Apache-2.0
/* trace_tcpretrans: decoder and declarations; the BPF side is
 * bpf/trace_tcpretrans.bpf.c. */
#include <string.h>
#include "skel.h"
#include "netfmt.h"
#include "trace_tcpretrans.h"
#include "trace_tcpretrans.skel.h"

enum {
	NET_L4_ENUM(F_SRC), NET_L4_ENUM(F_DST),
	F_STATE, F_STATE_RAW, F_REASON, F_REASON_RAW, F_TCPFLAGS, F_TCPFLAGS_RAW,
	F_TYPE, F_TYPE_RAW, NET_NETNS_ENUM(F_NETNS), F_ERROR, F_ERROR_RAW,
};

static const struct field tcpretrans_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_STATE]        = { "state", "STATE", NULL, FT_STR, 11, FF_DEFAULT },
	[F_STATE_RAW]    = { "state_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_REASON]       = { "reason", "REASON", NULL, FT_STR, 8, FF_DEFAULT },
	[F_REASON_RAW]   = { "reason_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_TCPFLAGS]     = { "tcpflags", "TCPFLAGS", "tcp,flags", FT_STR, 12, FF_DEFAULT },
	[F_TCPFLAGS_RAW] = { "tcpflags_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	[F_TYPE]         = { "type", "TYPE", NULL, FT_STR, 7, FF_DEFAULT },
	[F_TYPE_RAW]     = { "type_raw", NULL, NULL, FT_UINT, 1, FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
	[F_ERROR]        = IG_FIELD_ERROR,
	[F_ERROR_RAW]    = IG_FIELD_ERROR_RAW,
};

#define TCPRETRANS_DEFAULT_FIELDS \
	"runtime.containerName,src.endpoint,dst.endpoint,proc.comm,proc.pid,proc.tid,state,reason,tcpflags,type"

IG_SKEL_OPS(trace_tcpretrans);

/* Why the segment went again, from the congestion state it was sent in:
 * with no loss suspected (Open) it is a tail loss probe;
 * a timeout (RTO) puts the socket in Loss, duplicate ACKs or SACKs in
 * Recovery (fast retransmit). */
static const char *reason_name(unsigned int ca_state)
{
	static const char *const names[] = {
		[TCPRETRANS_CA_OPEN] = "probe", [TCPRETRANS_CA_DISORDER] = "disorder",
		[TCPRETRANS_CA_CWR] = "cwr", [TCPRETRANS_CA_RECOVERY] = "fast",
		[TCPRETRANS_CA_LOSS] = "timeout",
	};

	return ca_state < ARRAY_SIZE(names) ? names[ca_state] : NULL;
}

/* A name from a table, or its number. */
static void set_name(struct row *r, int idx, const char *name, unsigned int raw)
{
	if (name)
		row_set_str(r, idx, name, strlen(name));
	else
		row_set_fmt(r, idx, "%u", raw);
}

static int tcpretrans_decode(struct gadget_ctx *ctx, const void *data, size_t size,
			     struct row *r)
{
	const struct tcpretrans_event *e = data;
	char flags[40];

	if (size < sizeof(*e) || (e->src.version != 4 && e->src.version != 6) ||
	    e->type > TCPRETRANS_LOSS)
		return -1;
	row_set_proc(ctx, r, &e->proc);
	if (!e->has_owner)
		r->mntns_key = 0;   /* no process: the netns names the container */
	net_set_l4(r, GF(F_SRC_EP), &e->src);
	net_set_l4(r, GF(F_DST_EP), &e->dst);
	set_name(r, GF(F_STATE), net_tcp_state(e->state), e->state);
	row_set_uint(r, GF(F_STATE_RAW), e->state);
	set_name(r, GF(F_REASON), reason_name(e->ca_state), e->ca_state);
	row_set_uint(r, GF(F_REASON_RAW), e->ca_state);
	net_tcp_flags(e->tcpflags, flags, sizeof(flags));
	row_set_fmt(r, GF(F_TCPFLAGS), "%s", flags);
	row_set_uint(r, GF(F_TCPFLAGS_RAW), e->tcpflags);
	row_set_str(r, GF(F_TYPE), e->type == TCPRETRANS_LOSS ? "LOSS" : "RETRANS",
		    e->type == TCPRETRANS_LOSS ? 4 : 7);
	row_set_uint(r, GF(F_TYPE_RAW), e->type);
	net_set_netns(r, GF(F_NETNS), e->netns_id);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->error);
	return 1;
}

IG_GADGET(trace_tcpretrans) = {
	.name = "trace_tcpretrans",
	.aliases = "tcpretrans",
	.description = "trace TCP retransmissions",
	.kind = GK_TRACE,
	.fields = tcpretrans_fields,
	.nfields = ARRAY_SIZE(tcpretrans_fields),
	.default_fields = TCPRETRANS_DEFAULT_FIELDS,
	.skel = &trace_tcpretrans_skel_ops,
	.decode = tcpretrans_decode,
};
