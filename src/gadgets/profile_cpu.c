// SPDX-License-Identifier: Apache-2.0
/*
 * profile_cpu: where processes spend CPU time. A perf event per CPU
 * samples at --frequency (49 Hz: off the beat of periodic work at 50 or
 * 100 Hz); bpf/profile_cpu.bpf.c counts each (process, user stack, kernel
 * stack); at the end the stacks are symbolized here (src/symbolize.c:
 * /proc/kallsyms, and the ELF symbols of the files each process maps) and
 * printed as rows, or with --folded as folded stacks for flame graphs.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "batch.h"
#include "enrich.h"
#include "obuf.h"
#include "skel.h"
#include "symbolize.h"
#include "profile_cpu.h"
#include "profile_cpu.skel.h"

enum { F_SAMPLES, F_USER_STACK, F_KERN_STACK };

static const struct field pc_fields[] = {
	[F_SAMPLES]    = { "samples", "SAMPLES", "count", FT_UINT, 7, FF_DEFAULT | FF_RIGHT },
	[F_USER_STACK] = { "user_stack", "USER_STACK", "ustack", FT_STR, 50, FF_DEFAULT | FF_MIDDLE },
	[F_KERN_STACK] = { "kern_stack", "KERN_STACK", "kstack", FT_STR, 50, FF_DEFAULT | FF_MIDDLE },
};

struct pc_opts {
	uint32_t frequency;
	bool folded;
	bool user_only;
	bool kernel_only;
};

/* Usage errors, found while parsing: a frequency out of range, or both
 * "only" flags (whichever comes second sees the first). */
static int set_frequency(void *opts, const char *v, char *err, size_t errlen)
{
	uint64_t f;

	if (parse_uint(v, &f) || !f || f > 10000) {
		snprintf(err, errlen, "invalid --frequency \"%s\": expected 1 to 10000 (samples per second)", v);
		return -1;
	}
	((struct pc_opts *)opts)->frequency = f;
	return 0;
}

static int set_only(struct pc_opts *o, bool *mine, const bool *other, const char *v, char *err,
		    size_t errlen)
{
	int b = parse_bool(v);

	if (b < 0) {
		snprintf(err, errlen, "invalid value \"%s\": expected true or false", v);
		return -1;
	}
	if (b && *other) {
		snprintf(err, errlen, "--user-stacks-only and --kernel-stacks-only exclude each other");
		return -1;
	}
	(void)o;
	*mine = b;
	return 0;
}

static int set_user_only(void *opts, const char *v, char *err, size_t errlen)
{
	struct pc_opts *o = opts;

	return set_only(o, &o->user_only, &o->kernel_only, v, err, errlen);
}

static int set_kernel_only(void *opts, const char *v, char *err, size_t errlen)
{
	struct pc_opts *o = opts;

	return set_only(o, &o->kernel_only, &o->user_only, v, err, errlen);
}

static const struct gadget_flag pc_flags[] = {
	{ .name = "frequency", .type = GF_U32, .def = "49" /* PC_DEFAULT_HZ */, .arg = "HZ", .set = set_frequency,
	  .help = "samples per second on each CPU (1 to 10000)" },
	IG_FLAG_BOOL(struct pc_opts, folded, "folded", "false",
		     "print folded stacks (comm;outer;...;inner COUNT), the input of flame graph tools"),
	{ .name = "user-stacks-only", .type = GF_BOOL, .def = "false", .set = set_user_only,
	  .help = "only user stacks" },
	{ .name = "kernel-stacks-only", .type = GF_BOOL, .def = "false", .set = set_kernel_only,
	  .help = "only kernel stacks" },
};

IG_SKEL_OPS(profile_cpu);

#define PC_DEFAULT_HZ 49

/* The perf events' links: the programs are attached here, not by the
 * skeleton (perf_event programs have no attach point of their own). */
static struct bpf_link **pc_links;
static int pc_nlinks;

static int pc_configure(struct gadget_ctx *ctx, void *s)
{
	const struct pc_opts *o = ctx->gopts;
	struct profile_cpu_bpf *skel = s;

	skel->rodata->user_stacks = !o->kernel_only;
	skel->rodata->kernel_stacks = !o->user_only;
	return 0;
}

static int perf_open(uint32_t freq, int cpu)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(a),
		.freq = 1,
		.sample_freq = freq,
	};

	return syscall(__NR_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* One sampling event per CPU, each running the program. */
static int pc_loaded(struct gadget_ctx *ctx, void *s)
{
	const struct pc_opts *o = ctx->gopts;
	struct profile_cpu_bpf *skel = s;
	int ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		return -EINVAL;
	pc_links = calloc(ncpu, sizeof(*pc_links));
	if (!pc_links)
		return -ENOMEM;
	for (int cpu = 0; cpu < ncpu; cpu++) {
		/* A flag with a setter gets no default: 0 is "not given". */
		int fd = perf_open(o->frequency ? o->frequency : PC_DEFAULT_HZ, cpu);
		struct bpf_link *l;

		if (fd < 0) {
			if (errno == ENODEV)
				continue;   /* a possible CPU that is offline */
			ig_err("profile_cpu: perf_event_open on CPU %d: %s", cpu, strerror(errno));
			return -errno;
		}
		l = bpf_program__attach_perf_event(skel->progs.ig_pc_sample, fd);
		if (!l) {
			int err = -errno;

			close(fd);
			ig_err("profile_cpu: attaching to CPU %d's perf event: %s", cpu, strerror(-err));
			return err;
		}
		pc_links[pc_nlinks++] = l;   /* the link owns fd */
	}
	return 0;
}

static void pc_stop_sampling(void)
{
	for (int i = 0; i < pc_nlinks; i++)
		bpf_link__destroy(pc_links[i]);
	free(pc_links);
	pc_links = NULL;
	pc_nlinks = 0;
}

/* ---- stacks to text ----------------------------------------------------- */

/* Folded stacks separate frames with ';' and end with " COUNT": a name
 * keeps neither, nor control or non-ASCII bytes (names come from the
 * traced world). */
void pc_put_frame(struct obuf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		ob_putc(b, *p < 0x20 || *p >= 0x7f || *p == ';' || *p == ' ' ? '_' : *p);
}

struct pc_sym {
	struct ksyms *k;
	struct usyms *u;
};

/* The frames of stack id (innermost first in the map), outermost first,
 * ';' between. Nothing for a missing stack. */
static void stack_text(struct obuf *b, int fd, int32_t id, bool user, uint32_t pid,
		       const struct pc_sym *sy)
{
	uint64_t ips[PC_MAX_DEPTH] = { 0 };
	int n = 0;

	if (id < 0 || bpf_map_lookup_elem(fd, &id, ips))
		return;
	while (n < PC_MAX_DEPTH && ips[n])
		n++;
	for (int i = n - 1; i >= 0; i--) {
		const char *name = user ? usyms_lookup(sy->u, pid, ips[i]) : ksyms_lookup(sy->k, ips[i], NULL);

		if (b->len)
			ob_putc(b, ';');
		pc_put_frame(b, name ? name : "[unknown]");
	}
}

/* One process and stack pair, as text. Samples at different addresses of
 * the same functions have different stack ids but the same text: they
 * are merged. */
struct pc_stack {
	struct pc_count c;
	char *ustack, *kstack;
};

static int pc_stack_cmp(const void *pa, const void *pb)
{
	const struct pc_stack *a = pa, *b = pb;
	int c;

	if (a->c.proc.pid != b->c.proc.pid)
		return a->c.proc.pid < b->c.proc.pid ? -1 : 1;
	c = strcmp(a->ustack, b->ustack);
	return c ? c : strcmp(a->kstack, b->kstack);
}

static char *obuf_str(struct obuf *b)
{
	char *s = strndup(b->len ? b->p : "", b->len);

	ob_free(b);
	return s;
}

/* Its row, or with --folded its line. */
static int pc_emit(struct gadget_ctx *ctx, struct ig_batch *b, const struct pc_stack *e)
{
	const struct pc_opts *o = ctx->gopts;
	struct row *r = batch_row(b);
	struct obuf *out = &b->sink->out.buf;
	char comm[IG_COMM_LEN + 1] = { 0 };

	row_set_proc(ctx, r, &e->c.proc);
	row_set_uint(r, GF(F_SAMPLES), e->c.samples);
	row_set_str(r, GF(F_USER_STACK), e->ustack, strlen(e->ustack));
	row_set_str(r, GF(F_KERN_STACK), e->kstack, strlen(e->kstack));
	if (!o->folded)
		return batch_add(b);
	if ((b->enr && !enricher_apply(b->enr, r)) || !sink_match(b->sink, r))
		return 0;
	memcpy(comm, e->c.proc.comm, IG_COMM_LEN);
	pc_put_frame(out, comm);
	if (*e->ustack)
		ob_putc(out, ';');
	ob_puts(out, e->ustack);
	if (*e->kstack)
		ob_putc(out, ';');
	ob_puts(out, e->kstack);
	ob_putc(out, ' ');
	ob_u64(out, e->c.samples);
	ob_putc(out, '\n');
	return 0;
}

static int pc_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	const struct pc_opts *o = ctx->gopts;
	struct profile_cpu_bpf *skel = ctx->skel;
	int fd = bpf_map__fd(skel->maps.pc_counts), sfd = bpf_map__fd(skel->maps.pc_stacks);
	static struct pc_key keys[PC_MAX_ENTRIES];
	struct pc_sym sy = { NULL, usyms_new() };
	struct pc_stack *v;
	size_t n = 0, m = 0;
	int err = 0;

	pc_stop_sampling();
	if (!o->user_only && !(sy.k = ksyms_load()))
		ig_err("profile_cpu: /proc/kallsyms is unreadable: kernel frames are not named");
	while (n < PC_MAX_ENTRIES && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++) {
		struct obuf us = { 0 }, ks = { 0 };

		if (bpf_map_lookup_elem(fd, &keys[i], &v[m].c))
			continue;
		stack_text(&us, sfd, keys[i].user_stack, true, keys[i].pid, &sy);
		stack_text(&ks, sfd, keys[i].kern_stack, false, keys[i].pid, &sy);
		v[m].ustack = obuf_str(&us);
		v[m].kstack = obuf_str(&ks);
		if (!v[m].ustack || !v[m].kstack) {
			free(v[m].ustack);
			free(v[m].kstack);
			err = -ENOMEM;
			break;
		}
		m++;
	}
	if (!v)
		err = -ENOMEM;
	ksyms_free(sy.k);
	usyms_free(sy.u);
	if (v)
		qsort(v, m, sizeof(*v), pc_stack_cmp);
	for (size_t i = 0; i < m; i++) {
		if (i + 1 < m && !pc_stack_cmp(&v[i], &v[i + 1])) {
			v[i + 1].c.samples += v[i].c.samples;
			continue;
		}
		if (!err)
			err = pc_emit(ctx, b, &v[i]);
	}
	for (size_t i = 0; i < m; i++) {
		free(v[i].ustack);
		free(v[i].kstack);
	}
	free(v);
	if (err)
		return err;
	return o->folded ? 1 : 0;
}

IG_GADGET(profile_cpu) = {
	.name = "profile_cpu",
	.aliases = "profile",
	.description = "sample on-CPU stacks at --frequency; print them at Ctrl-C or --timeout",
	.kind = GK_PROFILE,
	.fields = pc_fields,
	.nfields = ARRAY_SIZE(pc_fields),
	.default_fields = "runtime.containerName,proc.comm,proc.pid,samples,user_stack,kern_stack",
	.flags = pc_flags,
	.nflags = ARRAY_SIZE(pc_flags),
	.opts_size = sizeof(struct pc_opts),
	.default_sort = "-samples",
	.skel = &profile_cpu_skel_ops,
	.configure = pc_configure,
	.loaded = pc_loaded,
	.collect = pc_collect,
};
