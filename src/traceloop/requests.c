// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's answers to "ig traceloop list|show|close". A request is
 * checked in full before anything is done for it. An answer is a sequence
 * of frames (proto.h) that the server sends as the client takes them; a
 * trace is printed a piece at a time, so the daemon never holds a whole
 * answer, however large the trace.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "enrich.h"
#include "sink.h"
#include "traceloop/print.h"
#include "traceloop/proto.h"
#include "traceloop/requests.h"
#include "traceloop/tl.h"

enum { LF_ID, LF_STATE, LF_RECORDS, LF_DROPPED, LF_LOST, LF_BUFFER, LF_COUNT };

static const struct field list_fields[] = {
	[LF_ID]      = { "id", "ID", NULL, FT_UINT, 4, FF_RIGHT },
	[LF_STATE]   = { "state", "STATE", NULL, FT_STR, 7, 0 },
	[LF_RECORDS] = { "records", "RECORDS", NULL, FT_UINT, 8, FF_RIGHT },
	[LF_DROPPED] = { "dropped", "DROPPED", NULL, FT_UINT, 8, FF_RIGHT },
	/* Lost before its ring was ready, while the daemon was behind: an
	 * upper bound (the staging ring is shared). */
	[LF_LOST]    = { "lost", "LOST", NULL, FT_UINT, 8, FF_RIGHT },
	[LF_BUFFER]  = { "buffer", "BUFFER", NULL, FT_UINT, 9, FF_RIGHT },
};

#define LIST_DEFAULT_FIELDS \
	"id,runtime.containerName,runtime.runtimeName,runtime.containerId," \
	"k8s.namespace,k8s.podName,state,records,dropped,lost"

/* ---- frames ------------------------------------------------------------ */

static void send_err(struct tl_answer *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One "ig: ..." line for the client's stderr. */
static void send_err(struct tl_answer *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	memcpy(msg, "ig: ", 4);
	va_start(ap, fmt);
	n = vsnprintf(msg + 4, sizeof(msg) - 5, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(msg) - 6)
		n = sizeof(msg) - 6;
	msg[4 + n] = '\n';
	tlp_frame(&a->out, TLP_ERR, msg, n + 5);
}

static void finish(struct tl_answer *a, int code)
{
	char c = code;

	tlp_frame(&a->out, TLP_EXIT, &c, 1);
	a->done = true;
}

void tl_answer_error(struct tl_answer *a, int code, const char *msg)
{
	send_err(a, "%s", msg);
	finish(a, code);
}

void tl_answer_abort(struct tl_answer *a, const char *msg)
{
	if (!a->show || a->done)
		return;
	tl_print_free(a->show);
	free(a->show);
	a->show = NULL;
	tl_answer_error(a, IG_EXIT_RUNTIME, msg);
}

static void note_to_client(void *arg, const char *msg)
{
	send_err(arg, "%s", msg);
}

static void send_out(struct tl_answer *a, struct output *o)
{
	if (o->buf.len)
		tlp_frame(&a->out, TLP_OUT, o->buf.p, o->buf.len);
	o->buf.len = 0;
}

/* ---- finding a trace ------------------------------------------------- */

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool matches(const struct tl_trace *t, const char *key)
{
	size_t n = strlen(key);
	char pod[2 * CT_K8S_LEN + 2];

	if (!strcmp(t->c.name, key))
		return true;
	if (n >= 6 && !strncmp(t->c.id, key, n))
		return true;
	snprintf(pod, sizeof(pod), "%s/%s", t->c.k8s_namespace, t->c.k8s_pod);
	return t->c.k8s_pod[0] && !strcmp(pod, key);
}

/* By trace ID, container name, container ID prefix or namespace/pod. */
static struct tl_trace *find_trace(struct tl_recorder *r, struct tl_answer *a, const char *key)
{
	struct tl_trace *found = NULL;
	char ids[256] = "";
	size_t len = 0, n = 0;

	for (struct tl_trace *t = tl_recorder_traces(r); t; t = t->next) {
		if (all_digits(key) ? t->id != strtoul(key, NULL, 10) : !matches(t, key))
			continue;
		found = t;
		n++;
		if (len < sizeof(ids) - 16)
			len += snprintf(ids + len, sizeof(ids) - len, "%s%u", n > 1 ? ", " : "", t->id);
	}
	if (n == 1)
		return found;
	if (!n)
		send_err(a, "no trace \"%s\" (see ig traceloop list)", key);
	else
		send_err(a, "\"%s\" names traces %s: use the ID", key, ids);
	return NULL;
}

/* Parse a request's options like "ig run" flags, without touching the
 * daemon's own -v. Nothing may happen yet: -o asciicast=DIR, for one,
 * creates nothing until an output is opened. */
static int parse_opts(struct tl_answer *a, const struct cli_cmd *cmd, int argc, char **argv,
		      struct run_opts *o)
{
	int verbose = ig_verbose, ret;
	char err[512];

	ret = cli_parse(cmd, argc, argv, o, err, sizeof(err));
	ig_verbose = verbose;
	if (ret == FLAGS_HELP) {
		send_err(a, "see ig traceloop --help");
		return IG_EXIT_USAGE;
	}
	if (ret) {
		send_err(a, "%s", err);
		return IG_EXIT_USAGE;
	}
	if (o->mode != OUT_COLUMNS && !out_mode_structured(o->mode)) {
		send_err(a, "traceloop prints columns, json, jsonpretty or yaml");
		return IG_EXIT_USAGE;
	}
	return 0;
}

/* ---- list ------------------------------------------------------------- */

static void list_row(struct row *row, struct tl_recorder *r, const struct tl_trace *t)
{
	uint64_t in_buffer, total;

	tl_trace_counts(t, &in_buffer, &total);
	row_reset(row);
	row_set_uint(row, CF_TIMESTAMP, t->started_wall);
	row_set_uint(row, CF_TIMESTAMP_RAW, t->started_wall);
	row_set_uint(row, CF_MNTNS, t->mntns);
	enricher_fill_container(tl_recorder_enricher(r), row, &t->c);
	row_set_uint(row, GF(LF_ID), t->id);
	row_set_str(row, GF(LF_STATE), t->exited ? "exited" : "running", t->exited ? 6 : 7);
	row_set_uint(row, GF(LF_RECORDS), in_buffer);
	row_set_uint(row, GF(LF_DROPPED), total - in_buffer);
	row_set_uint(row, GF(LF_LOST), t->maybe_lost);
	row_set_uint(row, GF(LF_BUFFER), (uint64_t)t->nslots * TL_SLOT_SIZE);
}

static int cmd_list(struct tl_recorder *r, struct tl_answer *a, int argc, char **argv)
{
	static const struct cli_cmd cmd = { .name = "traceloop list", .hint = "ig traceloop --help" };
	struct sink k = { 0 };
	struct run_opts o;
	char err[256];
	int ret = parse_opts(a, &cmd, argc, argv, &o);

	if (ret)
		return ret;
	o.filter = NULL;
	ret = sink_init(&k, list_fields, LF_COUNT, LIST_DEFAULT_FIELDS, &o, err, sizeof(err));
	if (ret) {
		send_err(a, "%s", err[0] ? err : "bad output");
		ret = ret == -ENOMEM ? IG_EXIT_RUNTIME : IG_EXIT_USAGE;
		goto out;
	}
	output_header(&k.out);
	for (struct tl_trace *t = tl_recorder_traces(r); t; t = t->next) {
		list_row(&k.row, r, t);
		output_row(&k.out, &k.row);
	}
	send_out(a, &k.out);
	if (tl_recorder_staging_lost(r))
		send_err(a, "%llu records of starting containers were lost while the daemon was behind (LOST: which traces they may have been)",
			 (unsigned long long)tl_recorder_staging_lost(r));
out:
	sink_free(&k);
	return ret;
}

/* ---- show ------------------------------------------------------------- */

/* Checks everything, then takes the snapshot: the printing is for
 * tl_answer_more. Returns an exit code, or -1 when printing goes on. */
static int cmd_show(struct tl_recorder *r, struct tl_answer *a, int argc, char **argv)
{
	struct tl_opts t_opts = { 0 };
	struct cli_cmd cmd = {
		.name = "traceloop show", .hint = "ig traceloop --help", .g = &gadget_traceloop,
		.flags = gadget_traceloop.flags, .nflags = gadget_traceloop.nflags, .opts = &t_opts,
	};
	struct tl_print *p;
	struct tl_trace *t;
	struct run_opts o;
	char err[512];
	int ret;

	if (argc < 2 || argv[1][0] == '-') {
		send_err(a, "usage: ig traceloop show ID|NAME [-o columns|json|jsonpretty|yaml] [--fields ...] [-F ...] [--syscall-filters ...]");
		return IG_EXIT_USAGE;
	}
	ret = parse_opts(a, &cmd, argc - 2, argv + 2, &o);
	if (ret)
		return ret;
	p = calloc(1, sizeof(*p));
	if (!p) {
		send_err(a, "out of memory");
		return IG_EXIT_RUNTIME;
	}
	if (tl_print_init(p, &gadget_traceloop, &o, !tl_output_given(argc - 2, argv + 2),
			  t_opts.syscalls, err, sizeof(err))) {
		send_err(a, "%s", err);
		ret = IG_EXIT_USAGE;
		goto fail;
	}
	t = find_trace(r, a, argv[1]);
	if (!t) {
		ret = IG_EXIT_RUNTIME;
		goto fail;
	}
	p->note = note_to_client;
	p->note_arg = a;
	tl_print_begin(p);
	if (tl_print_start(p, r, t)) {
		send_err(a, "out of memory");
		ret = IG_EXIT_RUNTIME;
		goto fail;
	}
	a->show = p;
	return -1;
fail:
	tl_print_free(p);
	free(p);
	return ret;
}

void tl_answer_more(struct tl_answer *a)
{
	struct tl_print *p = a->show;
	bool done;

	if (!p || a->done)
		return;
	done = tl_print_more(p, TL_ANSWER_CHUNK);
	send_out(a, &p->sink.out);
	if (!done)
		return;
	tl_print_free(p);
	free(p);
	a->show = NULL;
	finish(a, 0);
}

/* ---- close ------------------------------------------------------------ */

static int cmd_close(struct tl_recorder *r, struct tl_answer *a, int argc, char **argv)
{
	struct tl_trace *t;
	static const char closed[] = "closed\n";

	if (argc != 2) {
		send_err(a, "usage: ig traceloop close ID|NAME");
		return IG_EXIT_USAGE;
	}
	t = find_trace(r, a, argv[1]);
	if (!t)
		return IG_EXIT_RUNTIME;
	ig_info("daemon: closing trace %u (%s)", t->id, t->c.name);
	tl_recorder_close_trace(r, t);
	tlp_frame(&a->out, TLP_OUT, closed, sizeof(closed) - 1);
	return 0;
}

void tl_answer_request(struct tl_answer *a, struct tl_recorder *r, int argc, char **argv)
{
	int code;

	if (argc < 1) {
		send_err(a, "empty request");
		code = IG_EXIT_USAGE;
	} else if (!strcmp(argv[0], "list")) {
		code = cmd_list(r, a, argc - 1, argv + 1);
	} else if (!strcmp(argv[0], "show")) {
		code = cmd_show(r, a, argc, argv);
	} else if (!strcmp(argv[0], "close")) {
		code = cmd_close(r, a, argc, argv);
	} else {
		send_err(a, "unknown traceloop command \"%s\" (use list, show or close)", argv[0]);
		code = IG_EXIT_USAGE;
	}
	if (code >= 0)
		finish(a, code);
}

void tl_answer_free(struct tl_answer *a)
{
	if (a->show) {
		tl_print_free(a->show);
		free(a->show);
	}
	ob_free(&a->out);
	memset(a, 0, sizeof(*a));
}
