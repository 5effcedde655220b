// SPDX-License-Identifier: Apache-2.0
/* trace_tcp: decoder and declarations; the BPF side is bpf/trace_tcp.bpf.c. */
#include <arpa/inet.h>
#include <string.h>
#include "skel.h"
#include "trace_tcp.h"
#include "trace_tcp.skel.h"

/*
 * Each end is an object in JSON (src.addr, src.port, src.version, as in
 * Inspektor Gadget) plus src.endpoint, the "addr:port" text shown in the
 * SRC column: a column named "src" could not also be the JSON object.
 */
enum {
	F_TYPE, F_TYPE_RAW, F_TYPE_SHORT,
	F_SRC, F_SRC_ADDR, F_SRC_PORT, F_SRC_VERSION,
	F_DST, F_DST_ADDR, F_DST_PORT, F_DST_VERSION,
	F_NETNS, F_FD, F_ERROR, F_ERROR_RAW, F_EVENT_TYPE,
};

/* Aliases are the short names of the older tcptracer's custom-columns. */
static const struct field tcp_fields[] = {
	[F_TYPE]        = { "type", "TYPE", "operation", FT_STR, 7, FF_DEFAULT },
	[F_TYPE_RAW]    = { "type_raw", NULL, NULL, FT_UINT, 3, FF_RIGHT },
	[F_TYPE_SHORT]  = { "type_short", "T", "t", FT_STR, 1, 0 },
	[F_SRC]         = { "src.endpoint", "SRC", "src", FT_STR, 21, FF_DEFAULT },
	[F_SRC_ADDR]    = { "src.addr", NULL, "saddr", FT_STR, 15, 0 },
	[F_SRC_PORT]    = { "src.port", NULL, "sport", FT_UINT, 5, FF_RIGHT },
	[F_SRC_VERSION] = { "src.version", NULL, "ip,ipversion", FT_UINT, 2, FF_RIGHT },
	[F_DST]         = { "dst.endpoint", "DST", "dst", FT_STR, 21, FF_DEFAULT },
	[F_DST_ADDR]    = { "dst.addr", NULL, "daddr", FT_STR, 15, 0 },
	[F_DST_PORT]    = { "dst.port", NULL, "dport", FT_UINT, 5, FF_RIGHT },
	[F_DST_VERSION] = { "dst.version", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_NETNS]       = { "netns_id", "NETNS", "netns", FT_UINT, 10, FF_RIGHT },
	[F_FD]          = { "fd", "FD", NULL, FT_INT, 3, FF_RIGHT },
	[F_ERROR]       = IG_FIELD_ERROR,
	[F_ERROR_RAW]   = IG_FIELD_ERROR_RAW,
	/* Only for --legacy-json's "type": the older gadgets' record kind. */
	[F_EVENT_TYPE]  = { "event_type", NULL, NULL, FT_STR, 6, FF_HIDDEN },
};

/*
 * --legacy-json: the flat shape of the older tcptracer, as its guide shows
 * it ({"type":"normal","pid":..,"saddr":..,"operation":"connect"}), so
 * its jq filters work unchanged. "container" is the runtime's name.
 */
static const struct json_key tcp_legacy_json[] = {
	{ "type", "event_type" },
	{ "node", "k8s.node" },
	{ "namespace", "k8s.namespace" },
	{ "pod", "k8s.podName" },
	{ "container", "runtime.containerName" },
	{ "pid", "proc.pid" },
	{ "comm", "proc.comm" },
	{ "ipversion", "src.version" },
	{ "saddr", "src.addr" },
	{ "daddr", "dst.addr" },
	{ "sport", "src.port" },
	{ "dport", "dst.port" },
	{ "operation", "type" },
};

#define TCP_DEFAULT_FIELDS \
	"runtime.containerName,proc.comm,proc.pid,proc.tid,src.endpoint,dst.endpoint,type,error"

struct tcp_opts {
	bool connect_only;
	bool accept_only;
	bool failure_only;
	bool legacy_json;
};

static const struct gadget_flag tcp_flags[] = {
	IG_FLAG_BOOL(struct tcp_opts, connect_only, "connect-only", "false",
		     "show only connect events (with --accept-only: both)"),
	IG_FLAG_BOOL(struct tcp_opts, accept_only, "accept-only", "false",
		     "show only accept events (with --connect-only: both)"),
	IG_FLAG_BOOL(struct tcp_opts, failure_only, "failure-only", "false",
		     "show only failed connects (in the kernel)"),
	IG_FLAG_BOOL(struct tcp_opts, legacy_json, "legacy-json", "false",
		     "with -o json/jsonpretty/yaml: the older tcptracer's flat keys (saddr, dport, operation...)"),
};

IG_SKEL_OPS(trace_tcp);

/* The event kinds asked for: the -only flags add up. */
static __u32 wanted_events(const struct tcp_opts *o)
{
	__u32 want = 0;

	if (o->connect_only)
		want |= TCP_WANT_CONNECT;
	if (o->accept_only)
		want |= TCP_WANT_ACCEPT;
	if (o->failure_only)
		want = TCP_WANT_CONNECT;   /* only connects fail */
	return want ? want : TCP_WANT_CONNECT | TCP_WANT_ACCEPT | TCP_WANT_CLOSE;
}

static int tcp_configure(struct gadget_ctx *ctx, void *s)
{
	const struct tcp_opts *o = ctx->gopts;
	struct trace_tcp_bpf *skel = s;
	__u32 want = wanted_events(o);

	skel->rodata->want = want;
	skel->rodata->failure_only = o->failure_only;
	/* Programs for unwanted events are not even loaded. */
	bpf_program__set_autoload(skel->progs.ig_connect_enter, want & TCP_WANT_CONNECT);
	bpf_program__set_autoload(skel->progs.ig_connect_exit, want & TCP_WANT_CONNECT);
	bpf_program__set_autoload(skel->progs.ig_accept_exit, want & TCP_WANT_ACCEPT);
	bpf_program__set_autoload(skel->progs.ig_accept4_exit, want & TCP_WANT_ACCEPT);
	bpf_program__set_autoload(skel->progs.ig_tcp_state,
				  want & (TCP_WANT_CONNECT | TCP_WANT_CLOSE));
	bpf_program__set_autoload(skel->progs.ig_tcp_destroy, want & TCP_WANT_CLOSE);
	return 0;
}

/* One end: addr, port, version, and the "addr:port" text ("[::1]:80"). */
static void set_end(struct row *r, int f_end, int f_addr, int f_port, int f_version,
		    bool v6, const __u8 *addr, __u16 port)
{
	char *a = row_alloc(r, INET6_ADDRSTRLEN);

	if (!a || !inet_ntop(v6 ? AF_INET6 : AF_INET, addr, a, INET6_ADDRSTRLEN))
		return;
	row_set_str(r, GF(f_addr), a, strlen(a));
	row_set_uint(r, GF(f_port), port);
	row_set_uint(r, GF(f_version), v6 ? 6 : 4);
	row_set_fmt(r, GF(f_end), v6 ? "[%s]:%u" : "%s:%u", a, port);
}

static int tcp_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	static const char *const names[] = { "connect", "accept", "close" };
	static const char *const letters[] = { "C", "A", "X" };
	const struct tcp_event *e = data;
	bool v6;

	if (size < sizeof(*e) || e->type > TCP_EV_CLOSE ||
	    (e->ep.family != TCP_AF_INET && e->ep.family != TCP_AF_INET6))
		return -1;
	v6 = e->ep.family == TCP_AF_INET6;
	row_set_proc(ctx, r, &e->proc);
	row_set_str(r, GF(F_TYPE), names[e->type], strlen(names[e->type]));
	row_set_uint(r, GF(F_TYPE_RAW), e->type);
	row_set_str(r, GF(F_TYPE_SHORT), letters[e->type], 1);
	set_end(r, F_SRC, F_SRC_ADDR, F_SRC_PORT, F_SRC_VERSION, v6, e->ep.saddr, e->ep.sport);
	set_end(r, F_DST, F_DST_ADDR, F_DST_PORT, F_DST_VERSION, v6, e->ep.daddr, e->ep.dport);
	row_set_uint(r, GF(F_NETNS), e->netns_id);
	row_set_int(r, GF(F_FD), e->fd);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->error);
	row_set_str(r, GF(F_EVENT_TYPE), "normal", 6);
	return 1;
}

/* -o compact: Tetragon's network lines. */
static const struct compact_form tcp_compact[] = {
	{ "type", "connect", "\xf0\x9f\x94\x8c", "connect", "comm,src,dst" },  /* 🔌 */
	{ "type", "accept", "\xf0\x9f\x93\xa5", "accept", "comm,src,dst" },    /* 📥 */
	{ "type", "close", "\xf0\x9f\xa7\xb9", "close", "comm,src,dst" },      /* 🧹 */
};

static const struct gadget_metric tcp_metrics[] = {
	{ "ig_tcp_events_total",
	  "TCP connects, accepts and closes, by container, type and result (error: a failed connect or accept).",
	  F_TYPE, "type", F_ERROR },
};

IG_GADGET(trace_tcp) = {
	.name = "trace_tcp",
	.aliases = "tcptracer",
	.description = "trace TCP connect, accept and close",
	.kind = GK_TRACE,
	.fields = tcp_fields,
	.nfields = ARRAY_SIZE(tcp_fields),
	.default_fields = TCP_DEFAULT_FIELDS,
	.flags = tcp_flags,
	.nflags = ARRAY_SIZE(tcp_flags),
	.opts_size = sizeof(struct tcp_opts),
	.skel = &trace_tcp_skel_ops,
	.configure = tcp_configure,
	.decode = tcp_decode,
	.legacy_json = tcp_legacy_json,
	.nlegacy_json = ARRAY_SIZE(tcp_legacy_json),
	.forms = { tcp_compact, ARRAY_SIZE(tcp_compact), NULL },
	.metrics = tcp_metrics,
	.nmetrics = ARRAY_SIZE(tcp_metrics),
};
