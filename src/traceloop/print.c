// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "escape.h"
#include "sys.h"
#include "traceloop/print.h"
#include "traceloop/tl.h"

bool tl_output_given(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		/* Choosing fields asks for the table, as in the other gadgets. */
		if (!strncmp(a, "-o", 2) || !strcmp(a, "--output") || !strncmp(a, "--output=", 9) ||
		    !strcmp(a, "--fields") || !strncmp(a, "--fields=", 9))
			return true;
	}
	return false;
}

int tl_print_init(struct tl_print *p, const struct gadget *g, const struct run_opts *o, bool text,
		  const char *syscalls, char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (o->mode != OUT_COLUMNS && !out_mode_structured(o->mode)) {
		snprintf(err, errlen, "traceloop prints columns, json, jsonpretty or yaml");
		return -EINVAL;
	}
	ret = sink_init(&p->sink, g->fields, g->nfields, g->default_fields, o, err, errlen);
	if (ret)
		return ret;
	if (syscalls && tl_parse_syscalls(syscalls, p->syscalls, err, errlen))
		return -EINVAL;
	p->rd.text = text;
	p->rd.out = &p->sink.out;
	p->rd.schema = &p->sink.schema;
	p->rd.row = &p->sink.row;
	p->rd.filter = &p->sink.filter;
	p->rd.syscalls = syscalls ? p->syscalls : NULL;
	return 0;
}

void tl_print_begin(struct tl_print *p)
{
	if (!p->rd.text)
		output_header(&p->sink.out);
}

static void note(struct tl_print *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct tl_print *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->note)
		p->note(p->note_arg, msg);
	else
		ig_err("%s", msg);
}

/* "# trace 2: container web (docker 3f2a1b9c8d7e, mntns 4026532310, exited)". */
static void put_header(struct obuf *b, const struct tl_trace *t, const struct tl_snapshot *s)
{
	char tmp[160];

	ob_puts(b, "# trace ");
	ob_u64(b, t->id);
	ob_puts(b, ": container ");
	esc_column(b, t->c.name, strnlen(t->c.name, sizeof(t->c.name)), 0);
	snprintf(tmp, sizeof(tmp), " (%s %.12s, mntns %llu%s): %zu records, %llu dropped\n",
		 t->c.runtime ? t->c.runtime : "?", t->c.id, (unsigned long long)t->mntns,
		 t->exited ? ", exited" : "", s->n, (unsigned long long)s->dropped);
	ob_puts(b, tmp);
}

int tl_print_start(struct tl_print *p, struct tl_recorder *r, const struct tl_trace *t)
{
	struct tl_snapshot s;
	int err = tl_trace_snapshot(t, &s);

	if (err)
		return err;
	p->rd.sys = tl_recorder_systable(r);
	p->rd.enr = tl_recorder_enricher(r);
	p->rd.boot_to_wall = tl_recorder_boot_to_wall(r);
	if (s.dropped) {
		note(p, "traceloop: trace %u (%s): %llu older records were overwritten; a larger --buffer-size keeps more",
		     t->id, t->c.name, (unsigned long long)s.dropped);
		output_lost(&p->sink.out, s.dropped, s.total, sys_now_ns(CLOCK_REALTIME));
	}
	if (t->maybe_lost)
		note(p, "traceloop: trace %u (%s): up to %llu of its first records were lost while ig was behind (the staging buffer of starting containers overflowed)",
		     t->id, t->c.name, (unsigned long long)t->maybe_lost);
	if (p->rd.text && p->header)
		put_header(&p->sink.out.buf, t, &s);
	return tl_render_start(&p->rd, t, &s);
}

bool tl_print_more(struct tl_print *p, size_t max)
{
	return tl_render_more(&p->rd, max);
}

int tl_print_trace(struct tl_print *p, struct tl_recorder *r, const struct tl_trace *t)
{
	int err = tl_print_start(p, r, t);

	if (!err)
		tl_print_more(p, SIZE_MAX);
	return err;
}

void tl_print_free(struct tl_print *p)
{
	tl_render_free(&p->rd);
	sink_free(&p->sink);
}
