// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "containers/containers.h"
#include "enrich.h"
#include "list.h"
#include "sys.h"

/* A namespace that no runtime claims this long is not a container. */
#define PENDING_NS     (2ULL * 1000000000ULL)
#define REFRESH_NS     (1ULL * 1000000000ULL)
#define LINGER_SEC     30
#define HINT_RETRY_NS  (250ULL * 1000000ULL)

enum ns_state { NS_PENDING, NS_ALLOW, NS_DENY };

struct ns_entry {
	uint64_t mntns;       /* 0: free slot */
	uint8_t state;
	bool container;
	uint64_t hint_at;     /* when the cgroup hint was last consulted (mono ns) */
	uint64_t first_seen;
};

#define NETNS_NAMES_MAX  512
#define NETNS_MEMO_SLOTS 4

/* Who runs in one network namespace, as of one container-table generation. */
struct netns_memo {
	uint64_t netns;       /* 0: empty */
	uint64_t generation;
	size_t n, len;
	const struct container *first;
	char names[NETNS_NAMES_MAX];
};

struct enricher {
	const struct run_opts *o;
	struct container_table *ct;
	int map_fd;
	int hints_fd;
	bool kernel_filter;
	char **incl, **excl;
	size_t nincl, nexcl;
	struct ns_entry *tab;     /* open addressing, power-of-two size */
	size_t cap, used;
	uint64_t host_mntns;
	uint64_t last_refresh;
	char node[256];
	struct netns_memo netns_memo[NETNS_MEMO_SLOTS];
};

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int push(char ***v, size_t *n, const char *s, size_t len)
{
	char **p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return -ENOMEM;
	*v = p;
	p[*n] = strndup(s, len);
	return p[(*n)++] ? 0 : -ENOMEM;
}

/* One name of -c: to include, or (!NAME) to exclude. */
static int add_name(const char *name, size_t len, void *arg)
{
	struct enricher *e = arg;

	if (name[0] == '!')
		return len > 1 ? push(&e->excl, &e->nexcl, name + 1, len - 1) : 0;
	return push(&e->incl, &e->nincl, name, len);
}

/* "-c a,b,!c": names to include, and names to exclude. */
static int parse_names(struct enricher *e, const char *list)
{
	return list_each(list, add_name, e, NULL, NULL);
}

static bool has_selectors(const struct run_opts *o)
{
	return o->containername || o->k8s_pod || o->k8s_namespace || o->k8s_container;
}

/* "-c web" with no container called web matches nothing, silently: say so
 * once. A container of that name started later is still shown. */
static void warn_unknown_names(const struct enricher *e)
{
	for (size_t i = 0; i < e->nincl; i++) {
		bool found = false;

		for (size_t j = 0; j < ct_count(e->ct) && !found; j++) {
			const struct container *c = ct_at(e->ct, j);

			found = !c->exited && !strcmp(c->name, e->incl[i]);
		}
		if (!found)
			ig_err("-c %s: no running container has this name (one started later will be shown)",
			       e->incl[i]);
	}
}

struct enricher *enricher_new(const struct run_opts *o)
{
	struct ct_options co = { .host_root = o->host_root, .verbose = ig_verbose,
				 .linger_sec = LINGER_SEC };
	struct enricher *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->o = o;
	e->map_fd = -1;
	e->hints_fd = -1;
	e->cap = 256;
	e->tab = calloc(e->cap, sizeof(*e->tab));
	e->ct = ct_new(&co);
	if (!e->tab || !e->ct || parse_names(e, o->containername)) {
		ig_err("out of memory");
		enricher_free(e);
		return NULL;
	}
	ct_refresh(e->ct);
	warn_unknown_names(e);
	e->host_mntns = ct_host_mntns(e->ct);
	e->kernel_filter = !o->host || has_selectors(o);
	e->last_refresh = sys_now_ns(CLOCK_MONOTONIC);
	if (getenv("NODE_NAME"))
		snprintf(e->node, sizeof(e->node), "%s", getenv("NODE_NAME"));
	else if (gethostname(e->node, sizeof(e->node) - 1))
		e->node[0] = 0;
	return e;
}

void enricher_free(struct enricher *e)
{
	if (!e)
		return;
	ct_free(e->ct);
	free(e->tab);
	free_list(e->incl, e->nincl);
	free_list(e->excl, e->nexcl);
	free(e);
}

bool enricher_filters_in_kernel(const struct enricher *e)
{
	return e->kernel_filter;
}

bool enricher_mntns_by_id(const struct enricher *e)
{
	return ct_mntns_by_id(e->ct);
}

static bool in_list(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool enricher_selects(const struct enricher *e, const struct container *c)
{
	const struct run_opts *o = e->o;

	if (e->nincl && !in_list(e->incl, e->nincl, c->name))
		return false;
	if (in_list(e->excl, e->nexcl, c->name))
		return false;
	if (o->k8s_pod && strcmp(o->k8s_pod, c->k8s_pod))
		return false;
	if (o->k8s_namespace && strcmp(o->k8s_namespace, c->k8s_namespace))
		return false;
	if (o->k8s_container && strcmp(o->k8s_container, c->k8s_container))
		return false;
	return true;
}

static size_t slot_of(const struct enricher *e, uint64_t mntns)
{
	size_t i = (mntns * 0x9e3779b97f4a7c15ULL) >> 40;

	for (i &= e->cap - 1; e->tab[i].mntns && e->tab[i].mntns != mntns; i = (i + 1) & (e->cap - 1))
		;
	return i;
}

static int grow(struct enricher *e)
{
	struct ns_entry *old = e->tab;
	size_t old_cap = e->cap;

	e->tab = calloc(old_cap * 2, sizeof(*e->tab));
	if (!e->tab) {
		e->tab = old;
		return -ENOMEM;
	}
	e->cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].mntns)
			e->tab[slot_of(e, old[i].mntns)] = old[i];
	free(old);
	return 0;
}

static struct ns_entry *entry_for(struct enricher *e, uint64_t mntns)
{
	struct ns_entry *n;

	if (e->used * 2 >= e->cap && grow(e))
		return NULL;
	n = &e->tab[slot_of(e, mntns)];
	if (!n->mntns) {
		n->mntns = mntns;
		n->state = NS_PENDING;
		n->first_seen = sys_now_ns(CLOCK_MONOTONIC);
		e->used++;
	}
	return n;
}

/* Record a verdict, and tell the kernel when it changes. */
static void classify(struct enricher *e, struct ns_entry *n, enum ns_state st, bool container)
{
	__u8 v = st == NS_ALLOW ? IG_MNTNS_ALLOW : IG_MNTNS_DENY;   /* keyed like BPF */

	n->container = container;
	if (n->state == st)
		return;
	n->state = st;
	if (e->map_fd >= 0 && st != NS_PENDING &&
	    bpf_map_update_elem(e->map_fd, &n->mntns, &v, BPF_ANY))
		ig_info("classifying mntns %llu failed: %s", (unsigned long long)n->mntns, strerror(errno));
}

void enricher_attach_map(struct enricher *e, int map_fd, int hints_fd)
{
	struct ns_entry *n;

	e->map_fd = map_fd;
	e->hints_fd = hints_fd;
	if (e->host_mntns && (n = entry_for(e, e->host_mntns)))
		classify(e, n, e->o->host ? NS_ALLOW : NS_DENY, false);
	for (size_t i = 0; i < ct_count(e->ct); i++) {
		const struct container *c = ct_at(e->ct, i);

		if (c->mntns_key && (n = entry_for(e, c->mntns_key)))
			classify(e, n, enricher_selects(e, c) ? NS_ALLOW : NS_DENY, true);
	}
}

static void set_container_fields(const struct enricher *e, struct row *r, const struct container *c)
{
	row_set_buf(r, CF_RT_CONTAINER_NAME, c->name, sizeof(c->name));
	row_set_buf(r, CF_RT_CONTAINER_ID, c->id, sizeof(c->id));
	row_set_buf(r, CF_RT_IMAGE, c->image, sizeof(c->image));
	row_set_buf(r, CF_RT_RUNTIME, c->runtime ? c->runtime : "", 64);
	row_set_uint(r, CF_RT_PID, c->pid);
	row_set_buf(r, CF_RT_IMAGE_DIGEST, c->image_digest, sizeof(c->image_digest));
	row_set_uint(r, CF_RT_STARTED_AT, c->started_at_ns);
	row_set_buf(r, CF_K8S_NAMESPACE, c->k8s_namespace, sizeof(c->k8s_namespace));
	row_set_buf(r, CF_K8S_POD, c->k8s_pod, sizeof(c->k8s_pod));
	row_set_buf(r, CF_K8S_CONTAINER, c->k8s_container, sizeof(c->k8s_container));
	if (c->k8s_pod[0])
		row_set_buf(r, CF_K8S_NODE, e->node, sizeof(e->node));
}

void enricher_fill_container(const struct enricher *e, struct row *r, const struct container *c)
{
	set_container_fields(e, r, c);
}

/* Not a container (yet): the host, or a namespace no runtime has claimed. */
static bool apply_host(struct enricher *e, struct ns_entry *n, uint64_t mntns)
{
	bool is_host = mntns == e->host_mntns;

	if (n && n->state == NS_PENDING &&
	    (is_host || sys_now_ns(CLOCK_MONOTONIC) - n->first_seen > PENDING_NS))
		classify(e, n, e->o->host ? NS_ALLOW : NS_DENY, false);
	return e->o->host;
}

static const struct container *name_from_cgroups(struct enricher *e, uint64_t key, uint64_t inum,
						 uint32_t pid)
{
	char text[2 * IG_CGROUP_NAME_LEN + 32];
	struct ig_mntns_hint hint;
	const struct container *c;

	if (e->hints_fd < 0)
		return NULL;
	if (bpf_map_lookup_elem(e->hints_fd, &key, &hint)) {
		ig_info("mntns %llu: pid %u left no cgroup hint", (unsigned long long)inum, pid);
		return NULL;
	}
	hint.dfl[sizeof(hint.dfl) - 1] = 0;
	hint.pids[sizeof(hint.pids) - 1] = 0;
	snprintf(text, sizeof(text), "1:pids:/%s\n0::/%s\n", hint.pids, hint.dfl);
	/* When BPF saw the namespace, not when user space looks: a tick, or
	 * an event read late, may come after the runtime recorded the
	 * container's end. */
	c = ct_resolve_cgroup(e->ct, key, inum, pid, text,
			      hint.seen_boot_ns + sys_boot_to_wall_ns());
	if (!c)
		ig_info("mntns %llu: pid %u: its cgroups (%s, %s) name no container",
			(unsigned long long)inum, pid, hint.dfl, hint.pids);
	return c;
}

/* The process may be gone, or a zombie (a container that lived for a
 * millisecond): name the container from the cgroups BPF noted for its
 * namespace. Tried at most every HINT_RETRY_NS per namespace: host services
 * with a private mount namespace would otherwise pay for it on every event
 * until classified, and the runtime may write the record the cgroup names
 * only after the namespace's first events (a slow runtime, or ig). */
static const struct container *resolve_from_hint(struct enricher *e, struct ns_entry *n,
						 uint64_t key, uint64_t inum, uint32_t pid)
{
	uint64_t now = sys_now_ns(CLOCK_MONOTONIC);

	if (!n || (n->hint_at && now - n->hint_at < HINT_RETRY_NS))
		return NULL;
	n->hint_at = now;
	return name_from_cgroups(e, key, inum, pid);
}

const struct container *enricher_name_ns(struct enricher *e, uint64_t key, uint32_t pid)
{
	const struct container *c = ct_lookup_mntns(e->ct, key);

	if (c || key == ct_host_mntns(e->ct))
		return c;
	c = ct_resolve(e->ct, key, pid);
	return c ? c : name_from_cgroups(e, key, 0, pid);
}

static void fill_netns_memo(const struct enricher *e, struct netns_memo *m, uint64_t netns)
{
	m->netns = netns;
	m->generation = ct_generation(e->ct);
	m->n = m->len = 0;
	m->first = NULL;
	m->names[0] = 0;
	for (size_t i = 0; i < ct_count(e->ct); i++) {
		const struct container *c = ct_at(e->ct, i);
		int w;

		if (c->exited || c->netns != netns)
			continue;
		if (!m->first)
			m->first = c;
		m->n++;
		w = snprintf(m->names + m->len, sizeof(m->names) - m->len, "%s%s",
			     m->len ? "," : "", c->name);
		if (w < 0 || (size_t)w >= sizeof(m->names) - m->len) {
			m->names[m->len] = 0;
			break;
		}
		m->len += w;
	}
}

/* The names of the running containers in network namespace netns, comma-
 * separated, in the row's scratch (NULL if full); *n: how many. Every row
 * of a network gadget asks, so the answer is kept per namespace until the
 * container table changes (ct_generation). */
static char *netns_names(struct enricher *e, struct row *r, uint64_t netns, size_t *n,
			 size_t *len, const struct container **first)
{
	struct netns_memo *m = &e->netns_memo[netns % NETNS_MEMO_SLOTS];
	char *names;

	if (m->netns != netns || m->generation != ct_generation(e->ct))
		fill_netns_memo(e, m, netns);
	*n = m->n;
	*len = m->len;
	*first = m->first;
	names = row_alloc(r, m->len + 1);
	if (names)
		memcpy(names, m->names, m->len + 1);
	return names;
}

/* A network gadget's row (r->netns_idx set): who shares its namespace, in
 * netns_shared and netns_containers (gadgets/netfmt.h), however the row
 * was attributed. The host's namespace names no container. */
static void set_netns_sharing(struct enricher *e, struct row *r)
{
	const struct container *first;
	size_t n, len;
	char *names;

	if (!r->netns_idx || !ct_lookup_netns(e->ct, r->netns, &n))
		return;
	names = netns_names(e, r, r->netns, &n, &len, &first);
	if (!names)
		return;
	row_set_uint(r, r->netns_idx + 1, n > 1);
	row_set_str(r, r->netns_idx + 2, names, len);
}

/* Several containers in one network namespace (a pod, docker's
 * --network container:X) and nothing to say which one: the row names them
 * all ("a,b"), and the pod when they share one. */
static void set_shared_fields(struct enricher *e, struct row *r, uint64_t netns)
{
	const struct container *first;
	size_t n, len;
	char *names = netns_names(e, r, netns, &n, &len, &first);

	if (!names)
		return;
	row_set_str(r, CF_RT_CONTAINER_NAME, names, len);
	if (first && first->k8s_pod[0]) {
		row_set_buf(r, CF_K8S_NAMESPACE, first->k8s_namespace, sizeof(first->k8s_namespace));
		row_set_buf(r, CF_K8S_POD, first->k8s_pod, sizeof(first->k8s_pod));
		row_set_buf(r, CF_K8S_NODE, e->node, sizeof(e->node));
	}
}

/* A packet's network namespace names the container when its process does
 * not: a softirq with no process of its own, or a host process entered
 * into a container's network namespace (nsenter --net). Shown if any of
 * the containers sharing the namespace is selected. */
static int apply_netns(struct enricher *e, struct row *r)
{
	size_t shared = 0, selected = 0;
	const struct container *c = ct_lookup_netns(e->ct, r->netns, &shared);

	if (!c)
		return -1;
	for (size_t i = 0; i < ct_count(e->ct) && shared > 1; i++) {
		const struct container *o = ct_at(e->ct, i);

		if (!o->exited && o->netns == r->netns && enricher_selects(e, o))
			selected++;
	}
	if (shared == 1 ? !enricher_selects(e, c) : !selected)
		return 0;
	if (shared == 1)
		set_container_fields(e, r, c);
	else
		set_shared_fields(e, r, r->netns);
	return 1;
}

static bool apply(struct enricher *e, struct row *r);

bool enricher_apply(struct enricher *e, struct row *r)
{
	if (!apply(e, r))
		return false;
	set_netns_sharing(e, r);
	return true;
}

static bool apply(struct enricher *e, struct row *r)
{
	uint64_t mntns = r->mntns_key;
	uint32_t pid = r->v[CF_PID].u;
	const struct container *c = mntns ? ct_lookup_mntns(e->ct, mntns) : NULL;
	struct ns_entry *n = NULL;
	bool selected;
	int by_net;

	if (mntns) {
		if (!c && mntns != e->host_mntns)
			c = ct_resolve(e->ct, mntns, pid);
		n = entry_for(e, mntns);
		if (!c && mntns != e->host_mntns)
			c = resolve_from_hint(e, n, mntns, r->v[CF_MNTNS].u, pid);
	}
	if (!c) {
		bool host = mntns ? apply_host(e, n, mntns) : e->o->host;

		by_net = r->netns ? apply_netns(e, r) : -1;
		return by_net >= 0 ? by_net : host;
	}
	selected = enricher_selects(e, c);
	/* A hint is no verdict: the namespace may be a container that runc is
	 * still setting up, so its events keep coming here to be looked at. */
	if (n && !c->hinted)
		classify(e, n, selected ? NS_ALLOW : NS_DENY, true);
	if (selected)
		set_container_fields(e, r, c);
	return selected;
}

/* Forget namespaces of containers the table dropped, so a reused inode
 * number is classified afresh. */
static void forget_gone(struct enricher *e)
{
	for (size_t i = 0; i < e->cap; i++) {
		struct ns_entry *n = &e->tab[i];

		if (!n->mntns || !n->container || ct_lookup_mntns(e->ct, n->mntns))
			continue;
		if (e->map_fd >= 0)
			bpf_map_delete_elem(e->map_fd, &n->mntns);
		n->state = NS_PENDING;
		n->container = false;
		n->hint_at = 0;
		n->first_seen = sys_now_ns(CLOCK_MONOTONIC);
	}
}

void enricher_tick(struct enricher *e)
{
	uint64_t now = sys_now_ns(CLOCK_MONOTONIC);

	if (now - e->last_refresh < REFRESH_NS)
		return;
	e->last_refresh = now;
	if (ct_refresh(e->ct) > 0)
		forget_gone(e);
}

struct container_table *enricher_table(struct enricher *e)
{
	return e->ct;
}

size_t enricher_table_count(const struct enricher *e)
{
	return ct_count(e->ct);
}

const struct container *enricher_table_at(const struct enricher *e, size_t i)
{
	return ct_at(e->ct, i);
}
