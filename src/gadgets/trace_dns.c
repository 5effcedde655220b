// SPDX-License-Identifier: Apache-2.0
/*
 * trace_dns: DNS queries and responses, paired, with latency and answer
 * addresses; a query that gets no response within --query-timeout is
 * reported as such. The BPF side (bpf/trace_dns.bpf.c) copies port-53
 * packets; they are parsed here (src/netparse.c), where a hostile packet
 * can only cost a bounded loop, never the kernel's verifier budget.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "skel.h"
#include "ig_net.h"
#include "netfmt.h"
#include "netparse.h"
#include "sockfilter_user.h"
#include "trace_dns.h"
#include "trace_dns.skel.h"

enum {
	NET_L4_ENUM(F_SRC),
	NET_L4_ENUM(F_DST),
	F_ID, F_QR, F_QR_RAW, F_QTYPE, F_QTYPE_RAW, F_NAME, F_RCODE, F_RCODE_RAW,
	F_LATENCY, F_LATENCY_RAW, F_ADDRESSES, F_NUM_ANSWERS, F_TIMEOUT, F_TRUNCATED,
	F_PKT_TYPE, NET_NETNS_ENUM(F_NETNS),
};

static const struct field dns_fields[] = {
	NET_L4_FIELDS(F_SRC, "src", "SRC", "saddr", "sport", FF_DEFAULT),
	NET_L4_FIELDS(F_DST, "dst", "DST", "daddr", "dport", FF_DEFAULT),
	[F_ID]          = { "id", "ID", NULL, FT_STR, 4, 0 },
	[F_QR]          = { "qr", "QR", NULL, FT_STR, 2, FF_DEFAULT },
	[F_QR_RAW]      = { "qr_raw", NULL, NULL, FT_UINT, 1, FF_RIGHT },
	[F_QTYPE]       = { "qtype", "QTYPE", NULL, FT_STR, 5, FF_DEFAULT },
	[F_QTYPE_RAW]   = { "qtype_raw", NULL, NULL, FT_UINT, 5, FF_RIGHT },
	[F_NAME]        = { "name", "NAME", NULL, FT_STR, 30, FF_DEFAULT },
	[F_RCODE]       = { "rcode", "RCODE", NULL, FT_STR, 13, FF_DEFAULT },
	[F_RCODE_RAW]   = { "rcode_raw", NULL, NULL, FT_UINT, 2, FF_RIGHT },
	[F_LATENCY]     = { "latency_ns", "LATENCY", "latency", FT_STR, 9, FF_DEFAULT | FF_RIGHT },
	[F_LATENCY_RAW] = { "latency_ns_raw", NULL, NULL, FT_UINT, 10, FF_RIGHT },
	[F_ADDRESSES]   = { "addresses", "ADDRESSES", NULL, FT_STR, 30, FF_DEFAULT },
	[F_NUM_ANSWERS] = { "num_answers", "ANSWERS", NULL, FT_UINT, 3, FF_RIGHT },
	[F_TIMEOUT]     = { "timeout", "TIMEOUT", NULL, FT_BOOL, 5, 0 },
	[F_TRUNCATED]   = { "truncated", NULL, NULL, FT_BOOL, 5, 0 },
	[F_PKT_TYPE]    = { "pkt_type", "PKT_TYPE", NULL, FT_STR, 8, 0 },
	NET_NETNS_FIELDS(F_NETNS),
};

#define DNS_DEFAULT_FIELDS                                                         \
	"runtime.containerName,src.endpoint,dst.endpoint,proc.comm,proc.pid,qr,qtype," \
	"name,rcode,latency_ns,addresses"

struct dns_opts {
	double query_timeout;
};

static const struct gadget_flag dns_flags[] = {
	IG_FLAG_SECONDS(struct dns_opts, query_timeout, "query-timeout", "5",
			"report a query with no response after this many seconds (0: never)"),
};

IG_SKEL_OPS(trace_dns);

/* ---- queries waiting for their response --------------------------------- */

#define PENDING_MAX     4096
#define PENDING_BUCKETS 1024

/* What pairs a response with its query: the namespace, the transport, the
 * id, and both ends (client first). */
struct dns_key {
	__u32 netns;
	__u16 id;
	__u8 proto;
	__u8 _pad;
	__u8 client[16], server[16];
	__u16 cport, sport;
};

struct pending {
	struct pending *next;
	struct dns_key key;
	__u64 at;                      /* the query's boot-time ns */
	struct dns_event *query;       /* kept for the timeout report */
	size_t query_size;
};

/* The cgroup hooks of bpf/trace_dns.bpf.c (sf_cg_*), attached to the
 * root cgroup; the syscall tracepoints are the fallback. */
#define DNS_NCG 6

static struct {
	struct sf_attach sf;
	int cg_fd;                     /* the root cgroup, or -1: tracepoints */
	struct bpf_link *cg[DNS_NCG];
	bool started;
	struct pending *bucket[PENDING_BUCKETS];
	size_t npending;
	__u64 timeout_ns;
} dns = { .cg_fd = -1 };

static size_t key_hash(const struct dns_key *k)
{
	size_t h = k->id * 31u + k->cport * 17u + k->netns;

	return (h ^ (h >> 10)) % PENDING_BUCKETS;
}

static struct pending **pending_find(const struct dns_key *k)
{
	struct pending **pp = &dns.bucket[key_hash(k)];

	for (; *pp; pp = &(*pp)->next)
		if (!memcmp(&(*pp)->key, k, sizeof(*k)))
			return pp;
	return NULL;
}

static void pending_free(struct pending **pp)
{
	struct pending *p = *pp;

	*pp = p->next;
	free(p->query);
	free(p);
	dns.npending--;
}

/* Remember a query; a repeat (a retry with the same id and port) keeps the
 * first one's time. Past PENDING_MAX, new queries are not remembered: their
 * response then shows no latency. */
static void pending_add(const struct dns_key *k, const struct dns_event *e, size_t size)
{
	size_t h = key_hash(k);
	struct pending *p;

	if (pending_find(k) || dns.npending >= PENDING_MAX)
		return;
	p = calloc(1, sizeof(*p));
	if (!p)
		return;
	p->query = dns.timeout_ns ? malloc(size) : NULL;
	if (p->query)
		memcpy(p->query, e, size);
	p->query_size = p->query ? size : 0;
	p->key = *k;
	p->at = e->h.timestamp;
	p->next = dns.bucket[h];
	dns.bucket[h] = p;
	dns.npending++;
}

static void pending_clear(void)
{
	for (size_t i = 0; i < PENDING_BUCKETS; i++)
		while (dns.bucket[i])
			pending_free(&dns.bucket[i]);
}

/* ---- decoding ------------------------------------------------------------ */

static void make_key(struct dns_key *k, const struct sf_packet *h, const struct np_packet *pk,
		     const struct dns_msg *m)
{
	bool resp = m->qr;

	memset(k, 0, sizeof(*k));
	k->netns = h->netns_id;
	k->id = m->id;
	k->proto = pk->proto;
	memcpy(k->client, resp ? pk->daddr : pk->saddr, 16);
	memcpy(k->server, resp ? pk->saddr : pk->daddr, 16);
	k->cport = resp ? pk->dport : pk->sport;
	k->sport = resp ? pk->sport : pk->dport;
}

/* A duration as ig shows it: "850µs", "12.3ms", "1.5s". */
static void set_latency(struct row *r, __u64 ns)
{
	row_set_uint(r, GF(F_LATENCY_RAW), ns);
	if (ns < 1000000)
		row_set_fmt(r, GF(F_LATENCY), "%.0fµs", ns / 1e3);
	else if (ns < 1000000000)
		row_set_fmt(r, GF(F_LATENCY), "%.3gms", ns / 1e6);
	else
		row_set_fmt(r, GF(F_LATENCY), "%.3gs", ns / 1e9);
}

static void set_addresses(struct row *r, const struct dns_msg *m)
{
	size_t n = 0;
	char *s = row_alloc(r, DNS_ADDRS_MAX * DNS_ADDR_TEXT);

	if (!s)
		return;
	for (unsigned int i = 0; i < m->naddrs; i++)
		n += (size_t)snprintf(s + n, DNS_ADDRS_MAX * DNS_ADDR_TEXT - n, "%s%s",
				      i ? "," : "", m->addrs[i]);
	row_set_str(r, GF(F_ADDRESSES), s, n);
}

/* The process: BPF's, else the owner of the local end as known now (the
 * socket got its port during the send that carried this packet). The row
 * points into it until it is printed, right after decode: static. */
static void set_owner(struct gadget_ctx *ctx, struct row *r, const struct dns_event *e,
		      const struct np_packet *pk, const struct dns_msg *m)
{
	static struct ig_proc p;
	__u16 client = m->qr ? pk->dport : pk->sport, server = m->qr ? pk->sport : pk->dport;

	p = e->h.proc;
	if (!p.pid && !sf_owner_lookup(&dns.sf, e->h.netns_id, pk->proto, client, &p))
		sf_owner_lookup(&dns.sf, e->h.netns_id, pk->proto, server, &p);
	p.timestamp = e->h.timestamp;
	row_set_proc(ctx, r, &p);
}

static void set_message(struct row *r, const struct dns_msg *m, bool timeout)
{
	const char *t = dns_type_name(m->qtype), *rc = dns_rcode_name(m->rcode);

	row_set_fmt(r, GF(F_ID), "%04x", m->id);
	row_set_str(r, GF(F_QR), m->qr ? "R" : "Q", 1);
	row_set_uint(r, GF(F_QR_RAW), m->qr);
	if (t)
		row_set_str(r, GF(F_QTYPE), t, strlen(t));
	else
		row_set_fmt(r, GF(F_QTYPE), "TYPE%u", m->qtype);
	row_set_uint(r, GF(F_QTYPE_RAW), m->qtype);
	row_set_fmt(r, GF(F_NAME), "%s", m->name);   /* a copy: m is on the stack */
	if (timeout) {
		row_set_str(r, GF(F_RCODE), "Timeout", 7);
	} else if (m->qr) {
		if (rc)
			row_set_str(r, GF(F_RCODE), rc, strlen(rc));
		else
			row_set_fmt(r, GF(F_RCODE), "RCODE%u", m->rcode);
		row_set_uint(r, GF(F_RCODE_RAW), m->rcode);
		set_addresses(r, m);
		row_set_uint(r, GF(F_NUM_ANSWERS), m->nanswers);
	}
	row_set_uint(r, GF(F_TIMEOUT), timeout);
	row_set_uint(r, GF(F_TRUNCATED), m->tc || m->answers_cut || m->name_bad);
}

/* The DNS message in a packet: over TCP, after its 2-byte length (only a
 * message that starts a segment is seen; see the doc). */
static int dns_payload(const struct np_packet *pk, const uint8_t **p, size_t *len)
{
	*p = pk->payload;
	*len = pk->payload_len;
	if (pk->proto != SF_PROTO_TCP)
		return 0;
	if (*len < 2)
		return -1;
	*p += 2;
	*len -= 2;
	return 0;
}

static void pair(struct row *r, const struct dns_event *e, size_t size,
		 const struct np_packet *pk, const struct dns_msg *m)
{
	struct dns_key k;
	struct pending **pp;

	make_key(&k, &e->h, pk, m);
	if (!m->qr) {
		pending_add(&k, e, size);
		return;
	}
	pp = pending_find(&k);
	if (!pp)
		return;
	if (e->h.timestamp >= (*pp)->at)
		set_latency(r, e->h.timestamp - (*pp)->at);
	pending_free(pp);
}

static int dns_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct dns_event *e = data;
	struct ig_l4 src, dst;
	bool timeout;
	struct np_packet pk;
	struct dns_msg m;
	const uint8_t *msg;
	size_t len;

	if (size < offsetof(struct dns_event, data) || e->h.caplen > DNS_PKT_MAX ||
	    size < offsetof(struct dns_event, data) + e->h.caplen)
		return -1;
	timeout = e->h.flags & DNS_F_TIMEOUT;
	if (np_parse_ip(e->data, e->h.caplen, &pk) || (pk.sport != DNS_PORT && pk.dport != DNS_PORT) ||
	    dns_payload(&pk, &msg, &len) || dns_parse(msg, len, &m))
		return 0;   /* port 53, but not DNS as we know it */
	set_owner(ctx, r, e, &pk, &m);
	sf_ends(&pk, &src, &dst);
	net_set_l4(r, GF(F_SRC_EP), &src);
	net_set_l4(r, GF(F_DST_EP), &dst);
	set_message(r, &m, timeout);
	row_set_str(r, GF(F_PKT_TYPE), sf_pkt_type_name(e->h.pkt_type),
		    strlen(sf_pkt_type_name(e->h.pkt_type)));
	net_set_netns(r, GF(F_NETNS), e->h.netns_id);
	if (timeout)
		set_latency(r, dns.timeout_ns);
	else
		pair(r, e, size, &pk, &m);
	return 1;
}

/* ---- lifecycle ------------------------------------------------------------ */

static struct bpf_program **cg_progs(struct trace_dns_bpf *skel, struct bpf_program **p)
{
	p[0] = skel->progs.ig_dns_cg_sendmsg4;
	p[1] = skel->progs.ig_dns_cg_sendmsg6;
	p[2] = skel->progs.ig_dns_cg_connect4;
	p[3] = skel->progs.ig_dns_cg_connect6;
	p[4] = skel->progs.ig_dns_cg_bind4;
	p[5] = skel->progs.ig_dns_cg_bind6;
	return p;
}

/* The syscall tracepoints: attached unless the cgroup hooks are (then
 * only sys_exit_connect, which ends a connect the hooks saw start). They
 * are loaded either way, so that a failed cgroup attach can fall back. */
static void tracepoints_attach(struct trace_dns_bpf *skel, bool on)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, skel->obj)
		if (!strncmp(bpf_program__section_name(p), "tracepoint/", 11))
			bpf_program__set_autoattach(p, on || p == skel->progs.ig_dns_connect_exit);
}

/* cgroup v2's root, unless IG_DNS_FALLBACK is set (the tests' and make
 * bench's way to run the tracepoints where cgroup v2 is). */
static int dns_configure(struct gadget_ctx *ctx, void *s)
{
	const struct dns_opts *o = ctx->gopts;
	struct trace_dns_bpf *skel = s;
	struct bpf_program *cg[DNS_NCG];

	dns.timeout_ns = (__u64)(o->query_timeout * 1e9);
	dns.cg_fd = getenv("IG_DNS_FALLBACK") ? -1 : sf_cgroup_root();
	cg_progs(skel, cg);
	for (int i = 0; i < DNS_NCG; i++)
		bpf_program__set_autoload(cg[i], dns.cg_fd >= 0);
	tracepoints_attach(skel, dns.cg_fd < 0);
	return 0;
}

static void cg_detach(void)
{
	for (int i = 0; i < DNS_NCG; i++) {
		bpf_link__destroy(dns.cg[i]);
		dns.cg[i] = NULL;
	}
	if (dns.cg_fd >= 0)
		close(dns.cg_fd);
	dns.cg_fd = -1;
}

static void cg_attach(struct trace_dns_bpf *skel)
{
	struct bpf_program *cg[DNS_NCG];
	int err = 0;

	if (dns.cg_fd < 0) {
		ig_info("trace_dns: packet owners from the syscall tracepoints");
		return;
	}
	cg_progs(skel, cg);
	for (int i = 0; i < DNS_NCG && !err; i++) {
		dns.cg[i] = bpf_program__attach_cgroup(cg[i], dns.cg_fd);
		err = dns.cg[i] ? 0 : -errno;
		if (err)
			dns.cg[i] = NULL;
	}
	if (!err) {
		ig_info("trace_dns: packet owners from cgroup hooks on the root cgroup");
		return;
	}
	ig_info("trace_dns: cgroup hooks not attached (%s): syscall tracepoints instead",
		strerror(-err));
	cg_detach();
	tracepoints_attach(skel, true);
}

static int dns_loaded(struct gadget_ctx *ctx, void *s)
{
	struct trace_dns_bpf *skel = s;

	if (sf_start(&dns.sf, ctx->opts->host_root, bpf_program__fd(skel->progs.ig_dns_filter),
		     bpf_map__fd(skel->maps.sf_progs), bpf_map__fd(skel->maps.sf_owners)))
		return -1;
	dns.started = true;
	cg_attach(skel);
	return 0;
}

static __u64 boot_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Report the queries whose response is overdue, once each. */
static void report_timeouts(struct gadget_ctx *ctx)
{
	__u64 now = boot_now_ns();

	for (size_t i = 0; i < PENDING_BUCKETS; i++) {
		struct pending **pp = &dns.bucket[i];

		while (*pp) {
			struct pending *p = *pp;

			if (now - p->at < dns.timeout_ns) {
				pp = &p->next;
				continue;
			}
			if (p->query && ctx->emit) {
				p->query->h.flags |= DNS_F_TIMEOUT;
				p->query->h.timestamp = now;
				ctx->emit(ctx, p->query, p->query_size);
			}
			pending_free(pp);
		}
	}
}

static void dns_tick(struct gadget_ctx *ctx, __u64 now_ns)
{
	if (!dns.started)
		return;
	sf_tick(&dns.sf, now_ns);
	if (dns.timeout_ns)
		report_timeouts(ctx);
}

static void dns_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	if (dns.started)
		sf_stop(&dns.sf);
	dns.started = false;
	cg_detach();
	pending_clear();
}

/* Response latency buckets, in ns: a cache on the node answers in tens of
 * microseconds, an upstream resolver in milliseconds, a retry in seconds. */
static const uint64_t dns_latency_buckets[] = {
	50000, 100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
	25000000, 50000000, 100000000, 250000000, 500000000, 1000000000,
	2500000000ULL, 5000000000ULL,
};

/* The metrics' rcode label: IANA's mnemonics, as CoreDNS's
 * coredns_dns_responses_total has them (the rcode column says "NameError"
 * as Inspektor Gadget does; dashboards and alerts know NXDOMAIN). */
static const char *const dns_rcode_mnemonics[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
	"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
};

static const struct gadget_metric dns_metrics[] = {
	{ .name = "ig_dns_responses_total",
	  .help = "DNS responses, by container and rcode (NOERROR, NXDOMAIN, SERVFAIL, ...).",
	  .label_field = F_RCODE_RAW, .label = "rcode", .error_field = -1, .when = 1 + F_QR_RAW,
	  .label_names = dns_rcode_mnemonics, .nlabel_names = ARRAY_SIZE(dns_rcode_mnemonics) },
	{ .name = "ig_dns_timeouts_total",
	  .help = "DNS queries with no response within --query-timeout, by container.",
	  .label_field = -1, .error_field = -1, .when = 1 + F_TIMEOUT },
	{ .name = "ig_dns_latency_seconds",
	  .help = "Time from a DNS query to its response, by container (responses paired with a query seen).",
	  .label_field = -1, .error_field = -1, .when = 1 + F_QR_RAW,
	  .histogram = 1 + F_LATENCY_RAW, .buckets = dns_latency_buckets,
	  .nbuckets = ARRAY_SIZE(dns_latency_buckets), .unit = 1e-9 },
};

IG_GADGET(trace_dns) = {
	.name = "trace_dns",
	.aliases = "dns",
	.description = "trace DNS queries and responses, with latency and unanswered queries",
	.kind = GK_TRACE,
	.fields = dns_fields,
	.nfields = ARRAY_SIZE(dns_fields),
	.default_fields = DNS_DEFAULT_FIELDS,
	.flags = dns_flags,
	.nflags = ARRAY_SIZE(dns_flags),
	.opts_size = sizeof(struct dns_opts),
	.skel = &trace_dns_skel_ops,
	.configure = dns_configure,
	.loaded = dns_loaded,
	.decode = dns_decode,
	.tick = dns_tick,
	.detach = dns_detach,
	.metrics = dns_metrics,
	.nmetrics = ARRAY_SIZE(dns_metrics),
};
