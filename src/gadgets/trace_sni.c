// SPDX-License-Identifier: Apache-2.0
/*
 * trace_sni: the server name (SNI) of every TLS ClientHello. The BPF side
 * (bpf/trace_sni.bpf.c) copies the packets that start a ClientHello; the
 * name is read here (src/netparse.c).
 */
#include <string.h>
#include "skel.h"
#include "ig_net.h"
#include "netfmt.h"
#include "netparse.h"
#include "sockfilter_user.h"
#include "trace_sni.h"
#include "trace_sni.skel.h"

enum {
	F_NAME,
	NET_L4_ENUM(F_SRC),
	NET_L4_ENUM(F_DST),
	F_PKT_TYPE, NET_NETNS_ENUM(F_NETNS),
};

static const struct field sni_fields[] = {
	[F_NAME]        = { "name", "NAME", NULL, FT_STR, 30, FF_DEFAULT },
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", 0),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", 0),
	[F_PKT_TYPE]    = { "pkt_type", "PKT_TYPE", NULL, FT_STR, 8, 0 },
	NET_NETNS_FIELDS(F_NETNS),
};

#define SNI_DEFAULT_FIELDS "runtime.containerName,proc.comm,proc.pid,proc.tid,name"

IG_SKEL_OPS(trace_sni);

static struct sf_attach sni_sf;
static bool sni_started;

/* The row points into these until it is printed, right after decode. */
static struct ig_proc sni_proc;
static char sni_name[256];

static int sni_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct sni_event *e = data;
	struct ig_l4 src, dst;
	struct np_packet pk;
	int n;

	if (size < offsetof(struct sni_event, data) || e->h.caplen > SNI_PKT_MAX ||
	    size < offsetof(struct sni_event, data) + e->h.caplen)
		return -1;
	if (np_parse_ip(e->data, e->h.caplen, &pk) || pk.proto != SF_PROTO_TCP)
		return 0;
	n = tls_sni_parse(pk.payload, pk.payload_len, sni_name, sizeof(sni_name));
	if (n <= 0)
		return 0;   /* not a ClientHello after all, or one without a name */
	sni_proc = e->h.proc;
	if (!sni_proc.pid)
		sf_owner_lookup(&sni_sf, e->h.netns_id, SF_PROTO_TCP,
				e->h.pkt_type == SF_PACKET_OUTGOING ? pk.sport : pk.dport, &sni_proc);
	sni_proc.timestamp = e->h.timestamp;
	row_set_proc(ctx, r, &sni_proc);
	row_set_str(r, GF(F_NAME), sni_name, (size_t)n);
	sf_ends(&pk, &src, &dst);
	net_set_l4(r, GF(F_SRC_EP), &src);
	net_set_l4(r, GF(F_DST_EP), &dst);
	row_set_str(r, GF(F_PKT_TYPE), sf_pkt_type_name(e->h.pkt_type),
		    strlen(sf_pkt_type_name(e->h.pkt_type)));
	net_set_netns(r, GF(F_NETNS), e->h.netns_id);
	return 1;
}

static int sni_loaded(struct gadget_ctx *ctx, void *s)
{
	struct trace_sni_bpf *skel = s;

	if (sf_start(&sni_sf, ctx->opts->host_root, bpf_program__fd(skel->progs.ig_sni_filter),
		     bpf_map__fd(skel->maps.sf_progs), bpf_map__fd(skel->maps.sf_owners)))
		return -1;
	sni_started = true;
	return 0;
}

static void sni_tick(struct gadget_ctx *ctx, __u64 now_ns)
{
	(void)ctx;
	if (sni_started)
		sf_tick(&sni_sf, now_ns);
}

static void sni_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	if (sni_started)
		sf_stop(&sni_sf);
	sni_started = false;
}

IG_GADGET(trace_sni) = {
	.name = "trace_sni",
	.aliases = "snisnoop,sni",
	.description = "trace the server names (SNI) of TLS ClientHellos",
	.kind = GK_TRACE,
	.fields = sni_fields,
	.nfields = ARRAY_SIZE(sni_fields),
	.default_fields = SNI_DEFAULT_FIELDS,
	.skel = &trace_sni_skel_ops,
	.loaded = sni_loaded,
	.decode = sni_decode,
	.tick = sni_tick,
	.detach = sni_detach,
};
