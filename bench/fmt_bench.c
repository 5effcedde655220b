// SPDX-License-Identifier: Apache-2.0
/*
 * fmt_bench: how many trace_open events per second the output layer turns
 * into text on one core. Each event is a real struct open_event, decoded by
 * the gadget into a row as `ig run` does; the timed part is output_row plus
 * output_flush to /dev/null whenever 256 KiB is buffered (as src/run.c does).
 * Decoding is timed separately, so both costs are visible. The events are
 * formatted in 5 rounds and the fastest counts: on a shared machine other
 * processes can only add time.
 *
 *   fmt_bench [-n EVENTS] [-o json|columns|jsonpretty]...
 *
 * Prints, per mode: "fmt_bench mode=json events=N ns_per_event=F
 * events_per_s=F bytes_per_event=F decode_ns_per_event=F".
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "gadget.h"
#include "output.h"
#include "trace_open.h"

#define FLUSH_BYTES (1 << 18)   /* as src/run.c */
#define NAMES 64
#define REPEAT 5

static unsigned long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/* Events like a busy host's: a few paths of different lengths, some
 * failures, a creation with a mode. */
static void make_events(struct open_event *ev, size_t n)
{
	static const char *const paths[] = {
		"/dev/null", "/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6",
		"/proc/self/status", "/usr/share/zoneinfo/Europe/Berlin",
		"/var/lib/docker/overlay2/3f0c9e5d8a7b6c5d4e3f2a1b0c9d8e7f/merged/etc/passwd",
		"/tmp/ig-bench/file with spaces and \"quotes\"", "/nonexistent",
	};

	memset(ev, 0, n * sizeof(*ev));
	for (size_t i = 0; i < n; i++) {
		struct open_event *e = &ev[i];
		const char *p = paths[i % (sizeof(paths) / sizeof(paths[0]))];

		e->proc.timestamp = 1000000000ULL * 3600 + i * 3333;
		e->proc.pid = 4000 + i;
		e->proc.tid = 4000 + i;
		e->proc.ppid = 1234;
		e->proc.mntns_id = 4026531841ULL;
		strcpy(e->proc.comm, i % 3 ? "open_loop" : "systemd-journal");
		strcpy(e->proc.pcomm, "bash");
		e->ret = i % 8 == 7 ? -2 : 3 + (int)(i % 5);
		e->flags = i % 4 == 1 ? 01101 /* O_WRONLY|O_CREAT|O_TRUNC */ : 02000000;
		e->mode = 0644;
		e->fname_len = strlen(p) + 1;
		memcpy(e->fname, p, e->fname_len);
	}
}

struct setup {
	struct run_opts opts;
	struct gadget_ctx ctx;
	struct flag_value flags[8];
	struct schema s;
	struct selection cols;
	struct output out;
	struct row rows[NAMES];
};

static void teardown(struct setup *su)
{
	output_free(&su->out);
	for (int i = 0; i < NAMES; i++)
		row_free(&su->rows[i]);
	selection_free(&su->cols);
	schema_free(&su->s);
}

static int setup(struct setup *su, enum out_mode mode)
{
	const struct gadget *g = gadget_find("trace_open");
	char err[256];

	memset(su, 0, sizeof(*su));
	if (!g || g->nflags > 8) {
		fprintf(stderr, "fmt_bench: no trace_open gadget\n");
		return -1;
	}
	su->opts.mode = mode;
	su->opts.host = true;
	su->ctx.g = g;
	su->ctx.opts = &su->opts;
	su->ctx.flags = su->flags;
	su->ctx.boot_to_wall_ns = 1763700000ULL * 1000000000ULL;
	if (schema_init(&su->s, g->fields, g->nfields, g->default_fields) ||
	    select_fields(&su->s, NULL, &su->cols, err, sizeof(err)) ||
	    output_init(&su->out, mode, &su->s, &su->cols))
		goto fail;
	for (int i = 0; i < NAMES; i++)
		if (row_init(&su->rows[i], &su->s))
			goto fail;
	return 0;
fail:
	fprintf(stderr, "fmt_bench: setting up the output failed\n");
	teardown(su);
	return -1;
}

/* Decoding, alone: what `ig run` adds per event before formatting. */
static double decode_ns(struct setup *su, const struct open_event *ev, long n)
{
	unsigned long long t0 = now_ns();

	for (long i = 0; i < n; i++) {
		struct row *r = &su->rows[i % NAMES];

		const struct open_event *e = &ev[i % NAMES];

		row_reset(r);
		/* At its real length, as without --paths. */
		su->ctx.g->decode(&su->ctx, e, OPEN_EVENT_HDR_SIZE + e->fname_len, r);
	}
	return (double)(now_ns() - t0) / n;
}

/* Format n rows, flushing as src/run.c does; ns per row. */
static double format_rows(struct setup *su, long n, int devnull, unsigned long long *bytes)
{
	unsigned long long t0 = now_ns();

	for (long i = 0; i < n; i++) {
		output_row(&su->out, &su->rows[i % NAMES]);
		if (su->out.buf.len >= FLUSH_BYTES) {
			*bytes += su->out.buf.len;
			output_flush(&su->out, devnull);
		}
	}
	*bytes += su->out.buf.len;
	output_flush(&su->out, devnull);
	return (double)(now_ns() - t0) / n;
}

/* The best of REPEAT rounds: on a shared machine, others only add time. */
static int run_mode(const char *name, enum out_mode mode, long n,
		    const struct open_event *ev, int devnull)
{
	unsigned long long bytes = 0;
	double dec, fmt = 0;
	struct setup su;

	if (setup(&su, mode))
		return -1;
	dec = decode_ns(&su, ev, n < 100000 ? n : 100000);
	output_header(&su.out);
	output_flush(&su.out, devnull);
	for (int i = 0; i < REPEAT; i++) {
		double t = format_rows(&su, n / REPEAT, devnull, &bytes);

		if (!i || t < fmt)
			fmt = t;
	}
	printf("fmt_bench mode=%s events=%ld ns_per_event=%.1f events_per_s=%.0f "
	       "bytes_per_event=%.1f decode_ns_per_event=%.1f\n",
	       name, n / REPEAT * REPEAT, fmt, 1e9 / fmt,
	       (double)bytes / (n / REPEAT * REPEAT), dec);
	teardown(&su);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct { const char *name; enum out_mode mode; } modes[] = {
		{ "json", OUT_JSON }, { "columns", OUT_COLUMNS }, { "jsonpretty", OUT_JSONPRETTY },
	};
	struct open_event *ev = calloc(NAMES, sizeof(*ev));
	const char *only[8];
	int nonly = 0, opt, devnull = open("/dev/null", O_WRONLY);
	long n = 2000000;

	while ((opt = getopt(argc, argv, "n:o:")) != -1) {
		if (opt == 'n')
			n = atol(optarg);
		else if (opt == 'o' && nonly < 8)
			only[nonly++] = optarg;
		else {
			fprintf(stderr, "usage: fmt_bench [-n EVENTS] [-o MODE]...\n");
			return 2;
		}
	}
	if (!ev || devnull < 0 || n < REPEAT)
		return 1;
	make_events(ev, NAMES);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		bool want = !nonly;

		for (int i = 0; i < nonly; i++)
			want |= !strcmp(only[i], modes[m].name);
		if (want && run_mode(modes[m].name, modes[m].mode, n, ev, devnull))
			return 1;
	}
	free(ev);
	return 0;
}
