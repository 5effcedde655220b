// SPDX-License-Identifier: Apache-2.0
/*
 * advise_seccomp: the syscalls each container made while ig ran, as the
 * seccomp profile Docker, Podman and Kubernetes accept. The BPF side
 * (bpf/advise_seccomp.bpf.c) keeps a bitmap per mount namespace; at the end
 * each namespace becomes a row (its container, how many syscalls, the
 * profile) and, with --output-dir, a file <container>.json. Without it, in
 * the default output, stdout carries the profile documents themselves, so
 * `ig run advise_seccomp -c web > web.json` gives a file docker accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "batch.h"
#include "containers/containers.h"
#include "enrich.h"
#include "obuf.h"
#include "skel.h"
#include "sys.h"
#include "traceloop/syscalls.h"
#include "advise_seccomp.h"
#include "advise_seccomp.skel.h"

_Static_assert(TL_SYSCALL_COUNT <= ADV_NR_MAX, "every named syscall has a bit");

enum { F_SYSCALLS, F_FILE, F_NAMES, F_PROFILE };

static const struct field adv_fields[] = {
	[F_SYSCALLS] = { "syscalls", "SYSCALLS", NULL, FT_UINT, 8, FF_DEFAULT | FF_RIGHT },
	[F_FILE]     = { "file", "FILE", NULL, FT_STR, 40, FF_DEFAULT | FF_MIDDLE },
	[F_NAMES]    = { "names", "NAMES", NULL, FT_STR, 60, 0 },
	[F_PROFILE]  = { "profile", "PROFILE", NULL, FT_JSON, 60, 0 },
};

struct adv_opts {
	const char *output_dir;
};

/* A directory that is not there is a usage error, found before recording. */
static int set_output_dir(void *opts, const char *v, char *err, size_t errlen)
{
	struct stat st;

	if (stat(v, &st) || !S_ISDIR(st.st_mode) || access(v, W_OK)) {
		snprintf(err, errlen, "--output-dir \"%s\": not a writable directory", v);
		return -1;
	}
	((struct adv_opts *)opts)->output_dir = v;
	return 0;
}

static const struct gadget_flag adv_flags[] = {
	{ .name = "output-dir", .type = GF_STRING, .arg = "DIR", .set = set_output_dir,
	  .help = "write one profile per container, DIR/<container>.json (else: stdout)" },
};

IG_SKEL_OPS(advise_seccomp);

/* ---- the profile -------------------------------------------------------- */

static uint16_t sorted_nr[TL_SYSCALL_COUNT];   /* named syscalls, by name */
static size_t nsorted;

static int by_name(const void *a, const void *b)
{
	return strcmp(tl_syscall_names[*(const uint16_t *)a], tl_syscall_names[*(const uint16_t *)b]);
}

static void sort_names(void)
{
	if (nsorted)
		return;
	for (size_t nr = 0; nr < TL_SYSCALL_COUNT; nr++)
		if (tl_syscall_names[nr])
			sorted_nr[nsorted++] = nr;
	qsort(sorted_nr, nsorted, sizeof(*sorted_nr), by_name);
}

static bool bit_set(const __u64 *bits, size_t nwords, size_t nr)
{
	return nr / 64 < nwords && (bits[nr / 64] >> (nr % 64) & 1);
}

/* A line break and indentation in pretty mode, nothing in compact. */
static void nl(struct obuf *b, bool pretty, int depth)
{
	if (!pretty)
		return;
	ob_putc(b, '\n');
	ob_spaces(b, 2 * depth);
}

static void str_list(struct obuf *b, bool pretty, int depth, const char *const *v, size_t n)
{
	ob_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_putc(b, ',');
		nl(b, pretty, depth + 1);
		ob_putc(b, '"');
		ob_puts(b, v[i]);   /* syscall and arch names: [a-z0-9_], no escaping */
		ob_putc(b, '"');
	}
	if (n)
		nl(b, pretty, depth);
	ob_putc(b, ']');
}

/* Docker's own default profile names the same three. */
static const char *const adv_arches[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" };

size_t adv_profile_write(struct obuf *b, const __u64 *bits, size_t nwords, bool pretty,
			 size_t *unknown)
{
	const char *names[TL_SYSCALL_COUNT];
	const char *sep = pretty ? ": " : ":";
	size_t n = 0;

	sort_names();
	for (size_t i = 0; i < nsorted; i++)
		if (bit_set(bits, nwords, sorted_nr[i]))
			names[n++] = tl_syscall_names[sorted_nr[i]];
	*unknown = 0;
	for (size_t nr = 0; nr < nwords * 64; nr++)
		if (bit_set(bits, nwords, nr) && (nr >= TL_SYSCALL_COUNT || !tl_syscall_names[nr]))
			(*unknown)++;
	ob_putc(b, '{');
	nl(b, pretty, 1);
	ob_puts(b, "\"defaultAction\"");
	ob_puts(b, sep);
	ob_puts(b, "\"SCMP_ACT_ERRNO\",");
	nl(b, pretty, 1);
	ob_puts(b, "\"architectures\"");
	ob_puts(b, sep);
	str_list(b, pretty, 1, adv_arches, 3);
	ob_putc(b, ',');
	nl(b, pretty, 1);
	ob_puts(b, "\"syscalls\"");
	ob_puts(b, sep);
	ob_putc(b, '[');
	if (n) {
		nl(b, pretty, 2);
		ob_putc(b, '{');
		nl(b, pretty, 3);
		ob_puts(b, "\"names\"");
		ob_puts(b, sep);
		str_list(b, pretty, 3, names, n);
		ob_putc(b, ',');
		nl(b, pretty, 3);
		ob_puts(b, "\"action\"");
		ob_puts(b, sep);
		ob_puts(b, "\"SCMP_ACT_ALLOW\"");
		nl(b, pretty, 2);
		ob_putc(b, '}');
		nl(b, pretty, 1);
	}
	ob_putc(b, ']');
	nl(b, pretty, 0);
	ob_putc(b, '}');
	if (pretty)
		ob_putc(b, '\n');
	return n;
}

/* ---- the rows ----------------------------------------------------------- */

/* The row's values point into memory the row owns (row_set_str does not
 * copy). */
static void row_set_copy(struct row *r, int idx, const char *s, size_t len)
{
	char *p = row_alloc(r, len);

	if (p)
		memcpy(p, s, len);
	row_set_str(r, idx, p, p ? len : 0);
}

static uint64_t adv_start_wall;   /* when recording began */

static int adv_loaded(struct gadget_ctx *ctx, void *skel)
{
	(void)ctx;
	(void)skel;
	adv_start_wall = sys_now_ns(CLOCK_REALTIME);
	return 0;
}

/* The file name of a container's profile: its name (k8s: namespace_pod_
 * container), anything but [A-Za-z0-9_.-] as "_", or its mount namespace. */
static void profile_name(const struct row *r, char *buf, size_t len)
{
	const struct value *name = &r->v[CF_RT_CONTAINER_NAME], *pod = &r->v[CF_K8S_POD];
	size_t n;

	if (pod->len)
		n = snprintf(buf, len, "%.*s_%.*s_%.*s", (int)r->v[CF_K8S_NAMESPACE].len,
			     r->v[CF_K8S_NAMESPACE].s, (int)pod->len, pod->s,
			     (int)r->v[CF_K8S_CONTAINER].len, r->v[CF_K8S_CONTAINER].s);
	else if (name->len)
		n = snprintf(buf, len, "%.*s", (int)name->len, name->s);
	else
		n = snprintf(buf, len, "mntns-%llu", (unsigned long long)r->v[CF_MNTNS].u);
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", buf[i]) ||
		    (i == 0 && buf[i] == '.'))
			buf[i] = '_';
}

static int write_file(const char *dir, const char *name, const struct obuf *b, char *path,
		      size_t len)
{
	int fd, err = 0;

	snprintf(path, len, "%s/%s.json", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, b->p, b->len) != (ssize_t)b->len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* A container already running when recording began: what its runtime did
 * to start it (after the seccomp filter goes in) was not seen. */
static void warn_if_started_before(const struct row *r)
{
	uint64_t started = r->v[CF_RT_STARTED_AT].u;

	if (started && started < adv_start_wall)
		ig_err("advise_seccomp: container %.*s was already running when recording began: "
		       "its runtime's start-up syscalls are missing, and it may not start under "
		       "this profile (record from its start)",
		       (int)r->v[CF_RT_CONTAINER_NAME].len, r->v[CF_RT_CONTAINER_NAME].s);
}

int adv_fill_row(const struct gadget_ctx *ctx, struct row *r, __u64 key,
		 const struct adv_syscalls *v)
{
	struct obuf b = { 0 };
	size_t unknown, n, off = 0;
	char *names;

	row_set_task(r, v->first_ts + ctx->boot_to_wall_ns, v->comm, sizeof(v->comm), v->pid,
		     v->pid, v->mntns_id);
	r->mntns_key = key ? key : v->mntns_id;
	n = adv_profile_write(&b, v->bits, ADV_WORDS, false, &unknown);
	row_set_uint(r, GF(F_SYSCALLS), n);
	row_set_copy(r, GF(F_PROFILE), b.p, b.len);
	names = row_alloc(r, 32 * n + 1);
	for (size_t i = 0; names && i < TL_SYSCALL_COUNT; i++)
		if (tl_syscall_names[i] && bit_set(v->bits, ADV_WORDS, i))
			off += snprintf(names + off, 32 * n + 1 - off, "%s%s", off ? "," : "",
					tl_syscall_names[i]);
	if (names)
		row_set_str(r, GF(F_NAMES), names, off);
	if (unknown)
		ig_info("advise_seccomp: mntns %llu made %zu syscalls without a known name",
			(unsigned long long)v->mntns_id, unknown);
	ob_free(&b);
	return names && r->v[GF(F_PROFILE)].len ? 0 : -ENOMEM;
}

/* Rows print as usual, except in the default columns output without
 * --output-dir: there stdout is the profiles themselves. */
static bool prints_documents(const struct gadget_ctx *ctx)
{
	const struct adv_opts *o = ctx->gopts;

	return !o->output_dir && ctx->opts->mode == OUT_COLUMNS && !ctx->opts->fields;
}

/*
 * Containers named while their processes lived. At the end, a container
 * that lived a moment, or that was removed (docker run --rm), may be gone
 * from the container table; its profile still names it. Each namespace is
 * looked up on the ticks after its first syscall (through the last process
 * that made a syscall new to it), for up to ADV_NAME_TRIES ticks.
 */
#define ADV_NAME_TRIES 100   /* ticks of ~50 ms */

struct adv_named {
	__u64 key;
	unsigned int tries;
	bool found;
	struct container c;
};

static struct adv_named *adv_named;
static size_t adv_nnamed;

static struct adv_named *adv_named_find(__u64 key)
{
	for (size_t i = 0; i < adv_nnamed; i++)
		if (adv_named[i].key == key)
			return &adv_named[i];
	return NULL;
}

static struct adv_named *adv_named_add(__u64 key)
{
	struct adv_named *n = realloc(adv_named, (adv_nnamed + 1) * sizeof(*n));

	if (!n)
		return NULL;
	adv_named = n;
	n = &adv_named[adv_nnamed++];
	memset(n, 0, sizeof(*n));
	n->key = key;
	return n;
}

/* A namespace's bitmap: its slot in adv_slots, then the slot in adv_sets.
 * 0, or -1 when it has none. */
static int adv_read(struct advise_seccomp_bpf *skel, __u64 key, struct adv_syscalls *v)
{
	__u32 slot;

	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.adv_slots), &key, &slot))
		return -1;
	return bpf_map_lookup_elem(bpf_map__fd(skel->maps.adv_sets), &slot, v);
}

static void adv_tick(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct advise_seccomp_bpf *skel = ctx->skel;
	struct container_table *t = b->enr ? enricher_table(b->enr) : NULL;
	int fd = bpf_map__fd(skel->maps.adv_slots);
	__u64 key, prev;
	bool first = true;

	/* Without --host the host is denied for good (src/enrich.c): BPF
	 * then drops its syscalls with one compare, before any lookup. */
	if (t && !ctx->opts->host && !skel->bss->adv_skip_key)
		skel->bss->adv_skip_key = ct_host_mntns(t);
	while (t && !bpf_map_get_next_key(fd, first ? NULL : &prev, &key)) {
		struct adv_named *n = adv_named_find(key);
		const struct container *c;
		struct adv_syscalls v;

		first = false;
		prev = key;
		if (!n && !(n = adv_named_add(key)))
			return;
		if (n->found || n->tries >= ADV_NAME_TRIES || adv_read(skel, key, &v))
			continue;
		n->tries++;
		/* Its process may be gone already (under a slow ig, a short
		 * workload's), and docker run --rm drops the record soon. */
		c = enricher_name_ns(b->enr, key, v.pid);
		/* A hint (a cgroup names it, the runtime does not vouch for it
		 * yet: runc is still creating it) is not a name: try again. */
		if (c && !c->hinted) {
			n->c = *c;
			n->found = true;
			ig_info("advise_seccomp: mount namespace %llu is container %s",
				(unsigned long long)key, c->name);
		}
	}
}

/* Name the row's container: from the table, or as it was named while it
 * ran. false: not selected (-c, --k8s-*, or not a container without
 * --host). */
static bool adv_enrich(struct ig_batch *b, struct row *r, __u64 key)
{
	const struct adv_named *n = adv_named_find(key);
	bool selected;

	if (!b->enr)
		return true;
	if (!n || !n->found)
		return enricher_apply(b->enr, r);
	/* Named while it ran: that name, even where the table now has only
	 * a hint for an exited container. */
	selected = enricher_selects(b->enr, &n->c);
	if (selected)
		enricher_fill_container(b->enr, r, &n->c);
	return selected;
}

/* The profile as a document: into DIR/<name>.json, or stdout's buffer. */
static int adv_emit(struct gadget_ctx *ctx, struct ig_batch *b, struct row *r,
		    const struct adv_syscalls *v)
{
	const struct adv_opts *o = ctx->gopts;
	struct obuf doc = { 0 };
	char name[256], path[4096 + 256];
	size_t unknown;
	int err = 0;

	warn_if_started_before(r);
	if (!o->output_dir) {
		if (prints_documents(ctx))
			adv_profile_write(&b->sink->out.buf, v->bits, ADV_WORDS, true, &unknown);
		return 0;
	}
	profile_name(r, name, sizeof(name));
	adv_profile_write(&doc, v->bits, ADV_WORDS, true, &unknown);
	err = write_file(o->output_dir, name, &doc, path, sizeof(path));
	ob_free(&doc);
	if (err) {
		ig_err("advise_seccomp: cannot write %s: %s", path, strerror(-err));
		return err;
	}
	row_set_copy(r, GF(F_FILE), path, strlen(path));
	return 0;
}

static int adv_collect(struct gadget_ctx *ctx, struct ig_batch *b)
{
	struct advise_seccomp_bpf *skel = ctx->skel;
	int fd = bpf_map__fd(skel->maps.adv_slots), err = 0;
	static uint64_t keys[ADV_MAX_NS];
	struct adv_syscalls v;
	size_t n = 0, docs = 0;

	while (n < ADV_MAX_NS && !bpf_map_get_next_key(fd, n ? &keys[n - 1] : NULL, &keys[n]))
		n++;
	if (skel->bss->adv_ns_dropped)
		ig_err("advise_seccomp: %llu syscalls of mount namespaces were not recorded (more than %d namespaces)",
		       (unsigned long long)skel->bss->adv_ns_dropped, ADV_MAX_NS);
	for (size_t i = 0; i < n && !err; i++) {
		struct row *r;

		if (adv_read(skel, keys[i], &v))
			continue;
		r = batch_row(b);
		if (adv_fill_row(ctx, r, keys[i], &v))
			return -ENOMEM;
		/* Enriched here, not by batch_add: the container's name is
		 * needed for its file, and may come from adv_named. */
		if (!adv_enrich(b, r, keys[i]) || !sink_match(b->sink, r))
			continue;
		err = adv_emit(ctx, b, r, &v);
		docs++;
		if (!err && !prints_documents(ctx)) {
			struct enricher *enr = b->enr;

			b->enr = NULL;
			err = batch_add(b);
			b->enr = enr;
		}
	}
	if (!docs)
		ig_err("advise_seccomp: no container made a syscall while recording");
	else if (docs > 1 && prints_documents(ctx))
		ig_err("advise_seccomp: %zu profiles on stdout, one after the other; "
		       "--output-dir writes one file each", docs);
	if (err)
		return err;
	return prints_documents(ctx) ? 1 : 0;
}

IG_GADGET(advise_seccomp) = {
	.name = "advise_seccomp",
	.aliases = "seccomp-advisor,advise_seccomp_profile",
	.description = "record the syscalls of containers and write a seccomp profile for each",
	.kind = GK_ADVISE,
	.fields = adv_fields,
	.nfields = ARRAY_SIZE(adv_fields),
	.default_fields = "runtime.containerName,proc.mntns_id,syscalls,file",
	.flags = adv_flags,
	.nflags = ARRAY_SIZE(adv_flags),
	.opts_size = sizeof(struct adv_opts),
	.skel = &advise_seccomp_skel_ops,
	.loaded = adv_loaded,
	.collect_tick = adv_tick,
	.collect = adv_collect,
};
