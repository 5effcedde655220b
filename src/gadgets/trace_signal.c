// SPDX-License-Identifier: Apache-2.0
/* trace_signal (sigsnoop): decoder and declarations; the BPF side is
 * bpf/trace_signal.bpf.c. */
#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "skel.h"
#include "trace_signal.h"
#include "trace_signal.skel.h"

enum { F_TCOMM, F_TPID, F_SIG, F_SIG_RAW, F_VIA, F_RESULT, F_ERROR, F_ERROR_RAW };

static const struct field signal_fields[] = {
	[F_TCOMM]     = { "tcomm", "TCOMM", NULL, FT_STR, 16, FF_DEFAULT },
	[F_TPID]      = { "tpid", "TPID", NULL, FT_INT, 7, FF_DEFAULT | FF_RIGHT },
	[F_SIG]       = { "sig", "SIG", NULL, FT_STR, 10, FF_DEFAULT },
	[F_SIG_RAW]   = { "sig_raw", NULL, NULL, FT_INT, 3, FF_RIGHT },
	[F_VIA]       = { "via", "VIA", NULL, FT_STR, 8, 0 },
	[F_RESULT]    = { "result", "RESULT", NULL, FT_STR, 15, 0 },
	[F_ERROR]     = IG_FIELD_ERROR,
	[F_ERROR_RAW] = IG_FIELD_ERROR_RAW,
};

struct signal_opts {
	bool failed;
	bool kill_only;
	bool has_sig;
	int sig;
};

#define SIG_MAX 64   /* _NSIG on x86_64 */

/* "SIGUSR1" for 10, as the kernel numbers them (SIGRTMIN is 32 there;
 * glibc keeps 32 and 33 for itself). "0" is kill's existence check. */
static int signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 && sig < 32 ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		return snprintf(buf, len, "SIG%s", abbrev);
	if (sig >= 32 && sig <= SIG_MAX)
		return snprintf(buf, len, sig == 32 ? "SIGRTMIN" : "SIGRTMIN+%d", sig - 32);
	return snprintf(buf, len, "%d", sig);
}

/* --signal: a number, or a name with or without "SIG" (USR1, sigusr1). */
static int parse_signal(const char *v, int *out)
{
	char buf[24];
	char *end;
	long n;

	if (isdigit((unsigned char)v[0])) {
		n = strtol(v, &end, 10);
		if (*end || n > SIG_MAX)
			return -1;
		*out = n;
		return 0;
	}
	for (int sig = 1; sig <= SIG_MAX; sig++) {
		signal_name(sig, buf, sizeof(buf));
		if (!strcasecmp(v, buf) || !strcasecmp(v, buf + 3))
			return *out = sig, 0;
	}
	return -1;
}

static int set_signal(void *opts, const char *v, char *err, size_t errlen)
{
	struct signal_opts *o = opts;

	if (parse_signal(v, &o->sig)) {
		snprintf(err, errlen, "--signal: \"%s\" is not a signal (a name such as SIGUSR1 or USR1, or 0 to %d)",
			 v, SIG_MAX);
		return -1;
	}
	o->has_sig = true;
	return 0;
}

static const struct gadget_flag signal_flags[] = {
	IG_FLAG_BOOL(struct signal_opts, failed, "failed", "false",
		     "show only failed kill-family calls and signals that could not be queued"),
	IG_FLAG_BOOL(struct signal_opts, kill_only, "kill-only", "false",
		     "show only signals sent with kill, tkill and tgkill"),
	{ "signal", GF_STRING, NULL, "show only this signal (SIGUSR1, USR1 or 10; in the kernel)",
	  .arg = "SIG", .set = set_signal },
};

IG_SKEL_OPS(trace_signal);

static int signal_configure(struct gadget_ctx *ctx, void *s)
{
	const struct signal_opts *o = ctx->gopts;
	struct trace_signal_bpf *skel = s;

	skel->rodata->failed_only = o->failed;
	skel->rodata->kill_only = o->kill_only;
	skel->rodata->target_signal = o->has_sig ? o->sig : -1;
	return 0;
}

static const char *const via_names[] = {
	[SIGNAL_VIA_GENERATE] = "kernel",
	[SIGNAL_VIA_KILL] = "kill",
	[SIGNAL_VIA_TKILL] = "tkill",
	[SIGNAL_VIA_TGKILL] = "tgkill",
};

/* TRACE_SIGNAL_* (include/trace/events/signal.h). */
static const char *const result_names[] = {
	"delivered", "ignored", "already_pending", "overflow_fail", "lose_info",
};

static int signal_decode(struct gadget_ctx *ctx, const void *data, size_t size, struct row *r)
{
	const struct signal_event *e = data;
	char *buf;

	if (size < sizeof(*e) || e->via >= ARRAY_SIZE(via_names))
		return -1;
	row_set_proc(ctx, r, &e->proc);
	row_set_buf(r, GF(F_TCOMM), e->tcomm, sizeof(e->tcomm));
	row_set_int(r, GF(F_TPID), e->tpid);
	row_set_int(r, GF(F_SIG_RAW), e->sig);
	buf = row_alloc(r, 24);
	if (buf)
		row_set_str(r, GF(F_SIG), buf, signal_name(e->sig, buf, 24));
	row_set_str(r, GF(F_VIA), via_names[e->via], strlen(via_names[e->via]));
	if (e->result < ARRAY_SIZE(result_names))
		row_set_str(r, GF(F_RESULT), result_names[e->result], strlen(result_names[e->result]));
	else if (e->result != SIGNAL_RESULT_NONE)
		row_set_fmt(r, GF(F_RESULT), "%u", e->result);
	row_set_error(r, GF(F_ERROR), GF(F_ERROR_RAW), e->err);
	return 1;
}

IG_GADGET(trace_signal) = {
	.name = "trace_signal",
	.aliases = "sigsnoop",
	.description = "trace signals: kill, tkill, tgkill with their errors, and those the kernel generates",
	.kind = GK_TRACE,
	.fields = signal_fields,
	.nfields = ARRAY_SIZE(signal_fields),
	.flags = signal_flags,
	.nflags = ARRAY_SIZE(signal_flags),
	.opts_size = sizeof(struct signal_opts),
	.skel = &trace_signal_skel_ops,
	.configure = signal_configure,
	.decode = signal_decode,
};
