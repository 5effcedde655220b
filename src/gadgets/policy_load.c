// SPDX-License-Identifier: Apache-2.0
/*
 * Policies into the kernel: each spec.tracepoints entry is resolved against
 * its tracefs format (Tetragon counts args as the format's fields, common
 * fields included: in syscalls/sys_enter_openat, filename is index 6),
 * written to pol_hooks, and the policy program is attached to the
 * tracepoint with the entry's index as its bpf_cookie.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "containers/containers.h"
#include "ig.h"
#include "policy_load.h"

#define TRACEFS_EVENTS "/sys/kernel/tracing/events"
#define FMT_MAX_FIELDS 64

struct fmt_field {
	char type[64];
	char name[64];
	unsigned int off, size;
	bool is_signed, array;
};

static struct bpf_link *links[POL_MAX_HOOKS];

/* "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;" */
static int parse_field(const char *line, struct fmt_field *f)
{
	const char *decl = strstr(line, "field:"), *semi, *name;
	const char *o = strstr(line, "offset:"), *s = strstr(line, "size:"), *g = strstr(line, "signed:");
	size_t dlen, tlen;

	if (!decl || !o || !s)
		return -1;
	decl += 6;
	semi = strchr(decl, ';');
	if (!semi)
		return -1;
	dlen = semi - decl;
	f->array = memchr(decl, '[', dlen) != NULL;
	if (f->array)
		dlen = (const char *)memchr(decl, '[', dlen) - decl;
	name = decl + dlen;
	while (name > decl && (name[-1] == '_' || (name[-1] >= 'a' && name[-1] <= 'z') ||
			       (name[-1] >= 'A' && name[-1] <= 'Z') || (name[-1] >= '0' && name[-1] <= '9')))
		name--;
	tlen = name - decl;
	while (tlen && decl[tlen - 1] == ' ')
		tlen--;
	if (!tlen || tlen >= sizeof(f->type) || (size_t)(decl + dlen - name) >= sizeof(f->name))
		return -1;
	memcpy(f->type, decl, tlen);
	f->type[tlen] = 0;
	memcpy(f->name, name, decl + dlen - name);
	f->name[decl + dlen - name] = 0;
	f->off = strtoul(o + 7, NULL, 10);
	f->size = strtoul(s + 5, NULL, 10);
	f->is_signed = g && g[7] == '1';
	return 0;
}

/* The fields of subsys/event in their tracefs order; -1 if there is no
 * such tracepoint. */
static int read_format(const char *subsys, const char *event, struct fmt_field *out, size_t max)
{
	char path[256], buf[8192];
	ssize_t n;
	int fd, count = 0;

	snprintf(path, sizeof(path), TRACEFS_EVENTS "/%s/%s/format", subsys, event);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	for (char *line = strtok(buf, "\n"); line && (size_t)count < max; line = strtok(NULL, "\n")) {
		if (!strstr(line, "field:"))
			continue;
		if (parse_field(line, &out[count]))
			return -1;
		count++;
	}
	return count;
}

static int resolve_arg(const struct pol_spec_hook *sh, size_t i, const struct fmt_field *fields,
		       int nfields, struct pol_arg *a, char *err, size_t errlen)
{
	const struct fmt_field *f;
	bool want_str = pol_type_is_string(sh->arg_type[i]);
	bool loc, ptr;

	if (sh->arg_index[i] >= nfields) {
		snprintf(err, errlen, "%s/%s: args[%zu]: index %d is beyond its %d fields (common fields count)",
			 sh->subsys, sh->event, i, sh->arg_index[i], nfields);
		return -1;
	}
	f = &fields[sh->arg_index[i]];
	loc = !strncmp(f->type, "__data_loc", 10);
	ptr = strchr(f->type, '*') != NULL;
	a->off = f->off;
	a->size = f->size;
	if (want_str && loc && strstr(f->type, "char")) {
		a->kind = POL_ARG_LOCSTR;
	} else if (want_str && ptr && strstr(f->type, "char") && f->size == 8) {
		a->kind = POL_ARG_USTR;
	} else if (!want_str && !loc && !f->array && (f->size == 1 || f->size == 2 || f->size == 4 ||
						     f->size == 8)) {
		a->kind = f->is_signed ? POL_ARG_INT : POL_ARG_UINT;
	} else {
		snprintf(err, errlen, "%s/%s: args[%zu]: field %d is \"%s %s\", which type %s cannot read",
			 sh->subsys, sh->event, i, sh->arg_index[i], f->type, f->name, sh->arg_type[i]);
		return -1;
	}
	return 0;
}

static const char *const ns_files[] = {
	[POL_NS_MNT] = "mnt", [POL_NS_NET] = "net", [POL_NS_UTS] = "uts", [POL_NS_IPC] = "ipc",
	[POL_NS_PID] = "pid", [POL_NS_CGROUP] = "cgroup",
};

/* "host_ns": the host's namespace of that kind. */
static uint64_t host_ns(unsigned int kind)
{
	if (kind >= ARRAY_SIZE(ns_files) || !ns_files[kind])
		return 0;
	return ct_host_ns_inode(ns_files[kind]);
}

static bool same_tracepoint(const struct pol_spec_hook *a, const struct pol_spec_hook *b)
{
	return !strcmp(a->subsys, b->subsys) && !strcmp(a->event, b->event);
}

/* Each hook names the next on its tracepoint (struct pol_hook.next). */
static void chain_hooks(const struct pol_set *set, struct pol_hook *out)
{
	for (size_t h = 0; h < set->nhooks; h++)
		for (size_t j = h + 1; j < set->nhooks; j++)
			if (same_tracepoint(&set->hooks[h], &set->hooks[j])) {
				out[h].next = j + 1;
				break;
			}
}

int pol_resolve(const struct pol_set *set, struct pol_hook *out, char *err, size_t errlen)
{
	static struct fmt_field fields[FMT_MAX_FIELDS];

	for (size_t h = 0; h < set->nhooks; h++) {
		const struct pol_spec_hook *sh = &set->hooks[h];
		struct pol_hook *k = &out[h];
		int n = read_format(sh->subsys, sh->event, fields, FMT_MAX_FIELDS);
		char why[256];

		memset(k, 0, sizeof(*k));
		if (n < 0) {
			snprintf(err, errlen, "policy %s: no tracepoint %s/%s in this kernel",
				 set->names[sh->policy], sh->subsys, sh->event);
			return -1;
		}
		k->policy = sh->policy;
		k->nargs = sh->nargs;
		k->scope_bit = set->scopes[sh->policy].set ? pol_scope_bit(sh->policy) : 0;
		for (size_t i = 0; i < sh->nargs; i++) {
			if (resolve_arg(sh, i, fields, n, &k->args[i], why, sizeof(why))) {
				snprintf(err, errlen, "policy %s: %s", set->names[sh->policy], why);
				return -1;
			}
		}
		memcpy(k->sel, sh->sel, sizeof(k->sel));
		for (size_t s = 0; s < sh->nsel; s++) {
			k->want_bin |= k->sel[s].bin_op != POL_OP_NONE;
			for (size_t v = 0; v < POL_MAX_NS; v++)
				if (sh->ns_host[s][v])
					k->sel[s].ns[v] = host_ns(k->sel[s].ns_kind);
		}
	}
	chain_hooks(set, out);
	return 0;
}

/* A namespace's bits: those of its running container. */
struct scope_want {
	__u64 key;
	__u32 bits;
	const struct container *c;
};

static int want_cmp(const void *a, const void *b)
{
	const struct scope_want *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* The namespaces of the running containers some policy selects, sorted by
 * key: one walk of the table, then a search per map entry, so a sync is
 * O((containers + entries) log containers). NULL with *n = 0 when none
 * (or out of memory: then every entry goes, and none is added). */
static struct scope_want *wanted_scopes(const struct pol_set *set, struct container_table *t,
					size_t *n)
{
	struct scope_want *w = calloc(ct_count(t) ? ct_count(t) : 1, sizeof(*w));

	*n = 0;
	if (!w)
		return NULL;
	for (size_t i = 0; i < ct_count(t); i++) {
		const struct container *c = ct_at(t, i);
		__u32 bits = c->exited ? 0 : pol_scope_bits(set, c->name);

		if (bits)
			w[(*n)++] = (struct scope_want){ c->mntns_key, bits, c };
	}
	qsort(w, *n, sizeof(*w), want_cmp);
	return w;
}

void pol_scope_sync(int fd, const struct pol_set *set, struct container_table *t)
{
	size_t n;
	struct scope_want *w = wanted_scopes(set, t, &n), *hit, probe = { 0 };
	__u64 key, next;
	__u32 have;
	bool more = !bpf_map_get_next_key(fd, NULL, &key);

	while (more) {   /* next first: deleting key would restart the walk */
		more = !bpf_map_get_next_key(fd, &key, &next);
		probe.key = key;
		if (!n || !bsearch(&probe, w, n, sizeof(*w), want_cmp))
			bpf_map_delete_elem(fd, &key);
		key = next;
	}
	for (hit = w; hit && hit < w + n; hit++) {
		if (!bpf_map_lookup_elem(fd, &hit->key, &have) && have == hit->bits)
			continue;
		if (bpf_map_update_elem(fd, &hit->key, &hit->bits, BPF_ANY))
			ig_err("policy scope of container %s: %s", hit->c->name, strerror(errno));
		else
			ig_info("policy scope: container %s (mntns %llu): policies 0x%x", hit->c->name,
				(unsigned long long)hit->key, hit->bits);
	}
	free(w);
}

/* Whether hook h's tracepoint has an earlier hook: the kernel takes a
 * program once per tracepoint, so that one's attachment runs both. */
static bool chained(const struct pol_set *set, size_t h)
{
	for (size_t j = 0; j < h; j++)
		if (same_tracepoint(&set->hooks[j], &set->hooks[h]))
			return true;
	return false;
}

int pol_attach(struct bpf_program *prog, int hooks_fd, const struct pol_set *set,
	       const struct pol_hook *hooks)
{
	for (__u32 h = 0; h < set->nhooks; h++) {
		LIBBPF_OPTS(bpf_tracepoint_opts, o, .bpf_cookie = h);

		if (bpf_map_update_elem(hooks_fd, &h, &hooks[h], BPF_ANY)) {
			ig_err("policy %s: cannot fill its map: %s", set->names[hooks[h].policy],
			       strerror(errno));
			return -1;
		}
		if (chained(set, h))
			continue;
		links[h] = bpf_program__attach_tracepoint_opts(prog, set->hooks[h].subsys,
							       set->hooks[h].event, &o);
		if (!links[h]) {
			ig_err("policy %s: cannot attach to %s/%s: %s", set->names[hooks[h].policy],
			       set->hooks[h].subsys, set->hooks[h].event, strerror(errno));
			return -1;
		}
	}
	return 0;
}

void pol_detach(void)
{
	for (size_t h = 0; h < POL_MAX_HOOKS; h++) {
		bpf_link__destroy(links[h]);
		links[h] = NULL;
	}
}
