// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "btf_cache.h"
#include "cli.h"
#include "daemon/fleet.h"
#include "enrich.h"
#include "export.h"
#include "metrics.h"
#include "sink.h"
#include "skel.h"
#include "sys.h"

#define MAX_RUNNING 64
#define FLUSH_BYTES (1 << 16)   /* per gadget: several buffers, kept small */
#define ROUND_MAX 4096          /* records per gadget per turn: no gadget starves the rest */
#define ROUND_ENDED (-ECANCELED)
#define REPORT_NS 1000000000ULL
/* A gadget's ring unless its ring-size says otherwise: an eighth of ig
 * run's, as a node agent runs several and stays small (its pages count
 * twice in RSS: the kernel maps the ring twice, to read across the end). */
#define DAEMON_RING_SIZE (256 * 1024)

struct dgadget {
	struct fleet *f;
	const struct gadget *g;
	char *key;
	struct gadget_ctx ctx;
	struct run_opts opts;
	struct flag_value *flags;
	void *gopts;
	struct field *fields;      /* the gadget's, then "gadget" */
	struct sink sink;
	struct enricher *enr;
	struct ring_buffer *rb;
	struct metrics_gadget *mg;
	uint64_t lost_reported, bad;
	unsigned int round;
	bool draining;
};

struct fleet {
	struct ig_export *exp;
	struct ig_metrics *metrics;
	int epfd;
	struct dgadget *g[MAX_RUNNING];
	size_t n;
	uint64_t last_report;
	int write_err;
	const struct export_filter *allow, *deny;
};

static const struct field gadget_field = { "gadget", "GADGET", NULL, FT_STR, 12, 0 };

struct fleet *fleet_new(struct ig_export *exp, struct ig_metrics *metrics)
{
	struct fleet *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->exp = exp;
	f->metrics = metrics;
	f->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (f->epfd < 0) {
		free(f);
		return NULL;
	}
	return f;
}

void fleet_set_export_filters(struct fleet *f, const struct export_filter *allow,
			      const struct export_filter *deny)
{
	f->allow = allow;
	f->deny = deny;
	for (size_t i = 0; i < f->n; i++)
		sink_set_export_filters(&f->g[i]->sink, allow, deny);
}

int fleet_fd(const struct fleet *f)
{
	return f->n ? f->epfd : -1;
}

size_t fleet_count(const struct fleet *f)
{
	return f->n;
}

/* Whole records only: the buffer holds complete lines. */
static int write_out(struct dgadget *d)
{
	struct output *o = &d->sink.out;
	int err;

	if (!o->buf.len)
		return 0;
	if (d->f->write_err) {
		o->buf.len = 0;
		return d->f->write_err;
	}
	if (d->f->exp) {
		err = export_write(d->f->exp, o->buf.p, o->buf.len);
		o->buf.len = 0;
	} else {
		do
			err = output_flush(o, STDOUT_FILENO);
		while (err == -EINTR && !sys_drain_expired);
	}
	if (err && !d->f->write_err) {
		ig_err("daemon: writing the export failed: %s", strerror(-err));
		d->f->write_err = err;
	}
	return err;
}

/* Decode, enrich, filter, count and format one record. */
static void handle(struct dgadget *d, const void *data, size_t size)
{
	struct row *r = &d->sink.row;
	int ret;

	row_reset(r);
	ret = d->g->decode(&d->ctx, data, size, r);
	if (ret < 0)
		d->bad++;
	if (ret > 0 && enricher_apply(d->enr, r) && sink_match(&d->sink, r)) {
		row_set_str(r, GF(d->g->nfields), d->g->name, strlen(d->g->name));
		if (d->mg)
			metrics_event(d->mg, r);
		output_row(&d->sink.out, r);
		if (d->sink.out.buf.len >= FLUSH_BYTES)
			write_out(d);
	}
}

/* ctx->emit: a record the gadget made itself (trace_dns's timeouts). */
static int emit_own_record(struct gadget_ctx *ctx, const void *data, size_t size)
{
	struct dgadget *d = (struct dgadget *)((char *)ctx - offsetof(struct dgadget, ctx));

	handle(d, data, size);
	return 0;
}

static int on_event(void *arg, void *data, size_t size)
{
	struct dgadget *d = arg;

	handle(d, data, size);
	if (!d->draining && ++d->round >= ROUND_MAX)
		return ROUND_ENDED;
	return 0;
}

static void report_lost(struct dgadget *d)
{
	uint64_t total = *d->ctx.lost, delta = total - d->lost_reported;

	if (d->mg)
		metrics_lost(d->mg, total);
	if (!delta)
		return;
	d->lost_reported = total;
	ig_err("daemon: %s lost %llu events (%llu in total): the ring buffer was full; try a larger ring-size",
	       d->g->name, (unsigned long long)delta, (unsigned long long)total);
	output_lost(&d->sink.out, delta, total, sys_now_ns(CLOCK_REALTIME));
}

int fleet_turn(struct fleet *f)
{
	uint64_t now = sys_now_ns(CLOCK_MONOTONIC);
	bool report = now - f->last_report >= REPORT_NS;

	if (report)
		f->last_report = now;
	for (size_t i = 0; i < f->n; i++) {
		struct dgadget *d = f->g[i];
		int err;

		d->round = 0;
		err = ring_buffer__consume(d->rb);
		if (err < 0 && err != ROUND_ENDED && err != -EINTR)
			ig_err("daemon: %s: reading events failed: %s", d->g->name, strerror(-err));
		/* as ig run's loop: time-driven work (timeouts, new
		 * network namespaces to watch) after every round */
		if (d->g->tick)
			d->g->tick(&d->ctx, now);
		enricher_tick(d->enr);
		if (report)
			report_lost(d);
		write_out(d);
	}
	return f->write_err && f->write_err != -EPIPE ? IG_EXIT_RUNTIME : 0;
}

/* ---- starting and stopping one gadget ------------------------------------ */

static void dgadget_free(struct dgadget *d)
{
	if (d->rb) {
		epoll_ctl(d->f->epfd, EPOLL_CTL_DEL, ring_buffer__epoll_fd(d->rb), NULL);
		ring_buffer__free(d->rb);
	}
	ig_skel_destroy(&d->ctx);
	enricher_free(d->enr);
	sink_free(&d->sink);
	free(d->fields);
	free(d->gopts);
	free(d->flags);
	free(d->key);
	free(d);
}

/* Detach, then drain what the ring still holds, so a gadget that leaves
 * loses nothing it saw. */
static void dgadget_stop(struct dgadget *d)
{
	ig_skel_detach(&d->ctx);
	d->draining = true;
	if (d->rb)
		ring_buffer__consume(d->rb);
	report_lost(d);
	if (d->bad)
		ig_err("daemon: %s: skipped %llu malformed records", d->g->name,
		       (unsigned long long)d->bad);
	write_out(d);
	ig_info("daemon: %s stopped", d->g->name);
	dgadget_free(d);
}

int fleet_check_spec(const struct gadget_spec *s, const struct gadget **gp, char *err, size_t errlen)
{
	const struct gadget *g = gadget_find(s->name);
	struct flag_value *flags;
	struct run_opts o;
	void *gopts;
	int ret;

	if (!g) {
		snprintf(err, errlen, "unknown gadget \"%s\" (see ig list-gadgets)", s->name);
		return -1;
	}
	*gp = g;
	if (g->run)
		return s->argc ? (snprintf(err, errlen, "%s takes the daemon's flags, not its own", g->name), -1) : 0;
	if (g->kind != GK_TRACE || !g->decode) {
		snprintf(err, errlen, "the daemon runs trace gadgets; %s is not one", g->name);
		return -1;
	}
	flags = calloc(g->nflags + 1, sizeof(*flags));
	gopts = calloc(1, g->opts_size + 1);
	ret = flags && gopts ? cli_parse_run(g, s->argc, s->argv, &o, gopts, flags, err, errlen) : -1;
	if (ret == FLAGS_HELP) {
		snprintf(err, errlen, "%s: --help is not a daemon setting", g->name);
		ret = -1;
	}
	if (!ret && (o.export_allowlist || o.export_denylist)) {
		snprintf(err, errlen, "%s: export filters are the whole daemon's: --export-allowlist/denylist or the config's keys of those names", g->name);
		ret = -1;
	}
	free(flags);
	free(gopts);
	return ret ? -1 : 0;
}

static struct dgadget *dgadget_new(struct fleet *f, const struct gadget *g,
				   const struct gadget_spec *s, char *err, size_t errlen)
{
	struct dgadget *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->f = f;
	d->g = g;
	d->key = strdup(s->key);
	d->flags = calloc(g->nflags + 1, sizeof(*d->flags));
	d->gopts = calloc(1, g->opts_size + 1);
	d->fields = calloc(g->nfields + 1, sizeof(*d->fields));
	if (!d->key || !d->flags || !d->gopts || !d->fields ||
	    cli_parse_run(g, s->argc, s->argv, &d->opts, d->gopts, d->flags, err, errlen)) {
		free(d->key), free(d->flags), free(d->gopts), free(d->fields), free(d);
		return NULL;
	}
	memcpy(d->fields, g->fields, g->nfields * sizeof(*d->fields));
	d->fields[g->nfields] = gadget_field;
	d->opts.mode = OUT_JSON;   /* the export is JSON lines */
	d->opts.gadget_name = g->name;   /* event_set names */
	if (!d->opts.ring_size)
		d->opts.ring_size = DAEMON_RING_SIZE;
	d->ctx.g = g;
	d->ctx.opts = &d->opts;
	d->ctx.flags = d->flags;
	d->ctx.gopts = d->gopts;
	d->ctx.emit = emit_own_record;
	return d;
}

static int dgadget_start(struct fleet *f, const struct gadget *g, const struct gadget_spec *s)
{
	char err[512] = "out of memory";
	struct dgadget *d = dgadget_new(f, g, s, err, sizeof(err));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!d)
		goto fail_msg;
	if (sink_init(&d->sink, d->fields, g->nfields + 1, g->default_fields, &d->opts, err,
		      sizeof(err)))
		goto fail;
	sink_set_export_filters(&d->sink, f->allow, f->deny);
	if (output_lost_gadget(&d->sink.out, g->name))
		goto fail_quiet;
	d->enr = enricher_new(&d->opts);
	if (!d->enr)
		goto fail_quiet;
	d->ctx.enr = d->enr;
	d->opts.filter_mntns = enricher_filters_in_kernel(d->enr);
	d->opts.mntns_by_id = enricher_mntns_by_id(d->enr);
	d->ctx.boot_to_wall_ns = sys_boot_to_wall_ns();
	if (gadget_start(&d->ctx))
		goto fail_quiet;
	enricher_attach_map(d->enr, d->ctx.mntns_fd, d->ctx.hints_fd);
	d->rb = ring_buffer__new(d->ctx.events_fd, on_event, d, NULL);
	if (!d->rb) {
		snprintf(err, sizeof(err), "cannot read the ring buffer: %s", strerror(errno));
		goto fail;
	}
	ev.data.ptr = d;
	if (epoll_ctl(f->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(d->rb), &ev)) {
		snprintf(err, sizeof(err), "epoll: %s", strerror(errno));
		goto fail;
	}
	d->mg = f->metrics ? metrics_gadget(f->metrics, g) : NULL;
	if (d->mg)
		metrics_gadget_restart(d->mg);
	f->g[f->n++] = d;
	malloc_trim(0);   /* loading parsed the kernel's BTF */
	btf_cache_build_later();   /* no valid entry yet: built now, in a thread */
	ig_info("daemon: %s attached", g->name);
	return 0;
fail:
	ig_err("daemon: %s: %s", g->name, err);
fail_quiet:
	dgadget_free(d);
	return -1;
fail_msg:
	ig_err("daemon: %s: %s", g->name, err);
	return -1;
}

int fleet_apply(struct fleet *f, const struct daemon_config *c)
{
	int failed = 0;

	for (size_t i = f->n; i-- > 0;) {
		if (config_find(c, f->g[i]->key))
			continue;
		dgadget_stop(f->g[i]);
		f->g[i] = f->g[--f->n];
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct gadget *g;
		char err[512];
		bool running = false;

		for (size_t k = 0; k < f->n; k++)
			running |= !strcmp(f->g[k]->key, c->g[i].key);
		if (running)
			continue;
		if (fleet_check_spec(&c->g[i], &g, err, sizeof(err))) {
			ig_err("daemon: %s", err);
			failed++;
			continue;
		}
		if (g->run)
			continue;   /* traceloop: the caller's */
		if (f->n == MAX_RUNNING) {
			ig_err("daemon: more than %d gadgets", MAX_RUNNING);
			failed++;
			continue;
		}
		failed += dgadget_start(f, g, &c->g[i]) != 0;
	}
	return failed;
}

void fleet_free(struct fleet *f)
{
	if (!f)
		return;
	while (f->n)
		dgadget_stop(f->g[--f->n]);
	close(f->epfd);
	free(f);
	btf_cache_finish();   /* a cache being built is written before exit */
}
