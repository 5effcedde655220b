// SPDX-License-Identifier: Apache-2.0
/* trace_tcpdrop: decoder and declarations; the BPF side is
 * bpf/trace_tcpdrop.bpf.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "skel.h"
#include "netfmt.h"
#include "trace_tcpdrop.h"
#include "trace_tcpdrop.skel.h"

enum {
	NET_L4_ENUM(F_SRC), NET_L4_ENUM(F_DST),
	F_STATE, F_STATE_RAW, F_TCPFLAGS, F_TCPFLAGS_RAW, F_REASON, F_REASON_RAW, NET_NETNS_ENUM(F_NETNS),
};

static const struct field tcpdrop_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_STATE]        = { "state", "STATE", NULL, FT_STR, 11, FF_DEFAULT },
	[F_STATE_RAW]    = { "state_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	[F_TCPFLAGS]     = { "tcpflags", "TCPFLAGS", "flags", FT_STR, 12, FF_DEFAULT },
	[F_TCPFLAGS_RAW] = { "tcpflags_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	[F_REASON]       = { "reason", "REASON", NULL, FT_STR, 30, FF_DEFAULT },
	[F_REASON_RAW]   = { "reason_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	NET_NETNS_FIELDS(F_NETNS),
};

#define TCPDROP_DEFAULT_FIELDS \
	"runtime.containerName,src.endpoint,dst.endpoint,proc.comm,proc.pid,proc.tid,state,tcpflags,reason"

/* The running kernel's drop reasons by number: their values change
 * between kernels, so they are read from the tracepoint's format, which
 * lists them ({ 2, "NOT_SPECIFIED" }, ...). */
#define TCPDROP_REASONS_MAX 512
static char *reason_names[TCPDROP_REASONS_MAX];

/* Parse the format's symbol list into names[] (prefixed with
 * SKB_DROP_REASON_, as the kernel's enum spells them); returns how many. */
int tcpdrop_parse_reasons(const char *fmt, char **names, size_t n)
{
	const char *p = strstr(fmt, "__print_symbolic(REC->reason,");
	int count = 0;

	while (p && (p = strchr(p, '{'))) {
		unsigned int v;
		char name[80];
		int used = 0;

		if (sscanf(p, "{ %u , \"%79[A-Za-z0-9_]\" }%n", &v, name, &used) != 2 || !used)
			break;
		p += used;
		if (v >= n || names[v])
			continue;
		if (asprintf(&names[v], "%s%s", strncmp(name, "SKB_", 4) ? "SKB_DROP_REASON_" : "",
			     name) < 0) {
			names[v] = NULL;
			break;
		}
		count++;
	}
	return count;
}

static void load_reasons(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/events/skb/kfree_skb/format",
		"/sys/kernel/debug/tracing/events/skb/kfree_skb/format",
	};
	char buf[65536];

	for (size_t i = 0; i < ARRAY_SIZE(paths) && !reason_names[2]; i++) {
		FILE *f = fopen(paths[i], "re");
		size_t len;

		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[len] = 0;
		if (tcpdrop_parse_reasons(buf, reason_names, TCPDROP_REASONS_MAX) <= 0)
			ig_info("trace_tcpdrop: no drop reason names in %s: numbers are shown",
				paths[i]);
	}
}

IG_SKEL_OPS(trace_tcpdrop);

static int tcpdrop_loaded(struct gadget_ctx *ctx, void *skel)
{
	(void)ctx;
	(void)skel;
	load_reasons();
	return 0;
}

static int tcpdrop_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct tcpdrop_event *e = data;
	const char *state;
	char flags[40];

	if (size < sizeof(*e) || (e->src.version != 4 && e->src.version != 6))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	if (!e->has_owner)
		r->mntns_key = 0;   /* no process: the netns names the container */
	net_set_l4(r, GF(F_SRC_EP), &e->src);
	net_set_l4(r, GF(F_DST_EP), &e->dst);
	state = e->state == TCPDROP_STATE_NONE ? "" : net_tcp_state(e->state);
	if (state)
		row_set_str(r, GF(F_STATE), state, strlen(state));
	else
		row_set_fmt(r, GF(F_STATE), "%u", e->state);
	row_set_uint(r, GF(F_STATE_RAW), e->state);
	net_tcp_flags(e->tcpflags, flags, sizeof(flags));
	row_set_fmt(r, GF(F_TCPFLAGS), "%s", flags);
	row_set_uint(r, GF(F_TCPFLAGS_RAW), e->tcpflags);
	if (e->reason < TCPDROP_REASONS_MAX && reason_names[e->reason])
		row_set_str(r, GF(F_REASON), reason_names[e->reason], strlen(reason_names[e->reason]));
	else
		row_set_fmt(r, GF(F_REASON), "%u", e->reason);
	row_set_uint(r, GF(F_REASON_RAW), e->reason);
	net_set_netns(r, GF(F_NETNS), e->netns_id);
	return 1;
}

IG_GADGET(trace_tcpdrop) = {
	.name = "trace_tcpdrop",
	.aliases = "tcpdrop",
	.description = "trace TCP packets the kernel drops, with its reason",
	.kind = GK_TRACE,
	.fields = tcpdrop_fields,
	.nfields = ARRAY_SIZE(tcpdrop_fields),
	.default_fields = TCPDROP_DEFAULT_FIELDS,
	.skel = &trace_tcpdrop_skel_ops,
	.loaded = tcpdrop_loaded,
	.decode = tcpdrop_decode,
};
