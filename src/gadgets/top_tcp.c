// SPDX-License-Identifier: Apache-2.0
/* top_tcp: the connections' readings, and the bytes each moved since the
 * last (include/top_tcp.h); the BPF side is bpf/top_tcp.bpf.c. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "skel.h"
#include "netfmt.h"
#include "top_ns.h"
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

/* What was last shown of a connection (by id, sorted). */
struct tt_seen {
	__u64 id;
	__u32 sent;
	__u32 rcvd;
	__u64 read_ns;      /* when a walk last read it (CLOCK_MONOTONIC) */
};

/* A connection no walk reads is kept this long for its close to come:
 * once its process closed the fd, nobody holds it, but TCP still finishes
 * it (FIN_WAIT2 waits for the peer, LAST_ACK for its ACK, ~60 s at most by
 * default); its last numbers must be taken from what was shown, not from
 * its base again. */
#define TT_KEEP_NS (300ULL * 1000000000ULL)

/* A connection's reading this interval: live (the walk) or last (it
 * closed). */
struct tt_reading {
	struct top_tcp_record r;
	bool closed;
};

static struct {
	struct tt_seen *seen;      /* sorted by id */
	size_t nseen;
	struct tt_reading *rd;
	size_t nrd, cap;
	__u64 lost_reported;       /* closed connections not shown */
	__u64 full_reported;       /* connections not followed */
} tt;

static int top_tcp_configure(struct gadget_ctx *ctx, void *s)
{
	const struct top_tcp_opts *o = ctx->gopts;
	struct top_tcp_bpf *skel = s;

	if (strcmp(o->family, "-1") && strcmp(o->family, "4") && strcmp(o->family, "6")) {
		ig_err("invalid --family \"%s\": expected 4, 6 or -1", o->family);
		return -EINVAL;
	}
	skel->rodata->target_family = atoi(o->family);
	/* The walk is attached at load, to count from there (loaded). */
	bpf_program__set_autoattach(skel->progs.ig_toptcp_walk, false);
	return 0;
}

/* Run an iterator; each whole record of size bytes goes to each(). */
static int tt_iter(struct bpf_link *link, void *rec, size_t size,
		   int (*each)(const void *rec))
{
	int fd = bpf_iter_create(bpf_link__fd(link)), err = 0;
	size_t have = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	/* The kernel writes whole records; a read may still end mid-record. */
	while ((n = read(fd, (char *)rec + have, size - have)) > 0) {
		have += n;
		if (have < size)
			continue;
		have = 0;
		if (each && (err = each(rec)))
			break;
	}
	if (n < 0 && !err)
		err = -errno;
	close(fd);
	return err;
}

static int top_tcp_loaded(struct gadget_ctx *ctx, void *s)
{
	struct top_tcp_bpf *skel = s;

	(void)ctx;
	memset(&tt, 0, sizeof(tt));
	skel->links.ig_toptcp_walk = bpf_program__attach_iter(skel->progs.ig_toptcp_walk, NULL);
	if (!skel->links.ig_toptcp_walk)
		return -errno;
	/* A first walk: the connections established before ig are counted
	 * from here (the first collect's walk takes those made until the
	 * state program is attached). Its readings are not needed. */
	return tt_iter(skel->links.ig_toptcp_walk, &(struct top_tcp_record){ 0 },
		       sizeof(struct top_tcp_record), NULL);
}

static void top_tcp_detach(struct gadget_ctx *ctx)
{
	(void)ctx;
	free(tt.seen);
	free(tt.rd);
	memset(&tt, 0, sizeof(tt));
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

static int tt_add_reading(const struct top_tcp_record *r, bool closed)
{
	if (tt.nrd == tt.cap) {
		size_t cap = tt.cap ? 2 * tt.cap : 256;
		void *p = realloc(tt.rd, cap * sizeof(*tt.rd));

		if (!p)
			return -ENOMEM;
		tt.rd = p;
		tt.cap = cap;
	}
	tt.rd[tt.nrd].r = *r;
	tt.rd[tt.nrd++].closed = closed;
	return 0;
}

static int tt_live(const void *rec)
{
	return tt_add_reading(rec, false);
}

/* The connections that closed since the last collect: taken out of the
 * map as they are read. */
static int tt_drain_closed(struct top_tcp_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.closed), err;
	struct top_tcp_record r;
	__u64 id;

	while (!bpf_map_get_next_key(fd, NULL, &id)) {
		if (!bpf_map_lookup_and_delete_elem(fd, &id, &r) && (err = tt_add_reading(&r, true)))
			return err;
	}
	return 0;
}

/* By id; of one id, the last numbers (closed) after a live reading. */
static int cmp_reading(const void *a, const void *b)
{
	const struct tt_reading *x = a, *y = b;

	if (x->r.conn.id != y->r.conn.id)
		return x->r.conn.id < y->r.conn.id ? -1 : 1;
	return (int)x->closed - (int)y->closed;
}

/* Bytes since the last reading shown; a sequence number that went back
 * (read between a change of state and the FIN it brings) counts nothing
 * until it passes the old one again. Sequence numbers wrap: the
 * difference is taken modulo 2^32. (Not static: the unit tests call it.) */
__u32 top_tcp_since(__u32 now, __u32 *last);
__u32 top_tcp_since(__u32 now, __u32 *last)
{
	__s32 d = (__s32)(now - *last);

	if (d <= 0)
		return 0;
	*last = now;
	return (__u32)d;
}

/* One reading against what was shown of it (prev, or NULL: the base). */
static int tt_account(struct gadget_ctx *ctx, struct ig_batch *b, const struct tt_reading *rd,
		      const struct tt_seen *prev, struct tt_seen *next, __u64 now_ns)
{
	const struct top_tcp_conn *c = &rd->r.conn;
	struct top_tcp_val v = { .src = c->src, .dst = c->dst, .netns_id = c->netns_id };
	struct tt_seen s = { .id = c->id, .sent = c->base_sent, .rcvd = c->base_rcvd };

	if (prev)
		s = *prev;
	v.sent = top_tcp_since(rd->r.sent, &s.sent);
	v.received = top_tcp_since(rd->r.rcvd, &s.rcvd);
	s.read_ns = now_ns;
	*next = s;
	if (!v.sent && !v.received)
		return 0;
	/* No owner: a connection no process was seen holding, on a listener
	 * no walk saw either (its bytes are shown all the same). */
	if (c->owner != TOP_TCP_UNOWNED)
		v.proc = c->proc;
	top_tcp_fill_row(ctx, batch_row(b), &v);
	return batch_add(b);
}

/* A connection not read this time: kept (1) while its close may still
 * come. */
static int tt_keep(const struct tt_seen *s, struct tt_seen *next, __u64 now_ns)
{
	if (now_ns - s->read_ns > TT_KEEP_NS)
		return 0;
	*next = *s;
	return 1;
}

/* Every interval: read the live connections and the closed ones, show what
 * each moved since the last reading, remember the numbers of those not
 * closed. */
static int top_tcp_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct top_tcp_bpf *skel = ctx->skel;
	struct top_tcp_record rec;
	struct tt_seen *next;
	size_t i, j = 0, nnext = 0;
	struct timespec ts;
	__u64 now;
	int err;

	tt.nrd = 0;
	if ((err = tt_iter(skel->links.ig_toptcp_walk, &rec, sizeof(rec), tt_live)) ||
	    (err = tt_drain_closed(skel)))
		return err;
	if (tt.nrd)
		qsort(tt.rd, tt.nrd, sizeof(*tt.rd), cmp_reading);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	next = calloc(tt.nrd + tt.nseen + 1, sizeof(*next));
	if (!next)
		return -ENOMEM;
	for (i = 0; i < tt.nrd && !err; i++) {
		const struct tt_reading *rd = &tt.rd[i];
		const struct tt_seen *prev = NULL;

		/* Of one id (held by several processes, or read live and then
		 * closed before the map was drained), the last reading. */
		if (i + 1 < tt.nrd && tt.rd[i + 1].r.conn.id == rd->r.conn.id)
			continue;
		while (j < tt.nseen && tt.seen[j].id < rd->r.conn.id)
			nnext += tt_keep(&tt.seen[j++], &next[nnext], now);
		if (j < tt.nseen && tt.seen[j].id == rd->r.conn.id)
			prev = &tt.seen[j++];
		err = tt_account(ctx, b, rd, prev, &next[nnext], now);
		nnext += !rd->closed;
	}
	while (j < tt.nseen)
		nnext += tt_keep(&tt.seen[j++], &next[nnext], now);
	free(tt.seen);
	tt.seen = next;
	tt.nseen = nnext;
	if (skel->bss->tt_conns_full != tt.full_reported) {
		ig_err("top_tcp: %llu connections found no room (%d followed at most); they are not shown",
		       (unsigned long long)(skel->bss->tt_conns_full - tt.full_reported),
		       TOP_TCP_MAX_CONNS);
		tt.full_reported = skel->bss->tt_conns_full;
	}
	if (skel->bss->tt_closed_lost != tt.lost_reported) {
		ig_err("top_tcp: %llu closed connections found no room; their last bytes are not shown",
		       (unsigned long long)(skel->bss->tt_closed_lost - tt.lost_reported));
		tt.lost_reported = skel->bss->tt_closed_lost;
	}
	return err;
}

static void top_tcp_tick(struct gadget_ctx *ctx, struct ig_batch *b)
{
	top_ns_tick(b, bpf_map__fd(((struct top_tcp_bpf *)ctx->skel)->maps.ig_top_ns));
}

IG_GADGET(top_tcp) = {
	.name = "top_tcp",
	.aliases = "tcptop",
	.description = "bytes sent and received per process and TCP connection, every interval",
	.kind = GK_TOP,
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
	.collect_tick = top_tcp_tick,
	.collect = top_tcp_collect,
	.detach = top_tcp_detach,
};
