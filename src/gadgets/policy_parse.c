// SPDX-License-Identifier: Apache-2.0
/*
 * The TracingPolicy subset, read with libyaml. Strict: every key is known
 * or refused by name (a field Tetragon has and ig does not is "not
 * supported", anything else "unknown"), every value has its type, and
 * limits are checked before anything is kept: the file's size, its
 * nesting, and YAML aliases (a "billion laughs" document expands through
 * them), which are refused outright before the document is built.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "policy.h"

struct pctx {
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t errlen;
	char path[256];         /* where we are: spec.tracepoints[0].args[1] */
};

static int fail(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "policy %s: %s%s%s", c->file, c->path, c->path[0] ? ": " : "", msg);
	return -1;
}

/* Enter a member (".key") or an item ("[i]") of the path; leave returns
 * the previous length. */
static size_t enter(struct pctx *c, const char *key, int item)
{
	size_t n = strlen(c->path);

	if (item >= 0)
		snprintf(c->path + n, sizeof(c->path) - n, "[%d]", item);
	else
		snprintf(c->path + n, sizeof(c->path) - n, "%s%s", n ? "." : "", key);
	return n;
}

static void leave(struct pctx *c, size_t n)
{
	c->path[n] = 0;
}

static yaml_node_t *node(struct pctx *c, int id)
{
	return yaml_document_get_node(c->doc, id);
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of key in a mapping, or NULL. */
static yaml_node_t *member(struct pctx *c, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));

		if (k && !strcmp(k, key))
			return node(c, p->value);
	}
	return NULL;
}

static int get_str(struct pctx *c, yaml_node_t *n, char *out, size_t size)
{
	const char *s = scalar(n);

	if (!s)
		return fail(c, "must be a string");
	if (strlen(s) >= size || n->data.scalar.length != strlen(s))
		return fail(c, "is longer than %zu bytes or holds a NUL", size - 1);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_int(struct pctx *c, yaml_node_t *n, long long min, long long max, long long *out)
{
	const char *s = scalar(n);
	char *end;

	if (!s || !*s)
		return fail(c, "must be a number");
	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || *end || *out < min || *out > max)
		return fail(c, "must be a number from %lld to %lld, not \"%.40s\"", min, max, s);
	return 0;
}

static int get_bool(struct pctx *c, yaml_node_t *n, bool *out)
{
	const char *s = scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "false"))) {
		*out = s[0] == 't';
		return 0;
	}
	return fail(c, "must be true or false");
}

/* Fields Tetragon has that ig does not: refused by name, never ignored. */
static bool in_list(const char *s, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

typedef int (*member_fn)(struct pctx *c, const char *key, yaml_node_t *v, void *arg);

/* Walk a mapping: each key must be in known (then fn handles it) or is
 * refused, as unsupported (a Tetragon field) or unknown. */
static int each_member(struct pctx *c, yaml_node_t *map, const char *const *known,
		       const char *const *unsupported, member_fn fn, void *arg)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return fail(c, "must be a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));
		size_t n;
		int ret;

		if (!k)
			return fail(c, "a key must be a string");
		if (in_list(k, unsupported))
			return fail(c, "%s is not supported by ig", k);
		if (!in_list(k, known))
			return fail(c, "unknown key \"%.40s\"", k);
		for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < p; q++)
			if (!strcmp(scalar(node(c, q->key)), k))
				return fail(c, "%s is given twice", k);
		n = enter(c, k, -1);
		ret = fn(c, k, node(c, p->value), arg);
		if (ret)
			return ret;
		leave(c, n);
	}
	return 0;
}

typedef int (*item_fn)(struct pctx *c, yaml_node_t *v, size_t i, void *arg);

static int each_item(struct pctx *c, yaml_node_t *seq, size_t max, item_fn fn, void *arg)
{
	size_t i = 0;

	if (!seq || seq->type != YAML_SEQUENCE_NODE)
		return fail(c, "must be a list");
	for (yaml_node_item_t *it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++, i++) {
		size_t n;
		int ret;

		if (i >= max)
			return fail(c, "has more than %zu entries (ig's limit)", max);
		n = enter(c, NULL, i);
		ret = fn(c, node(c, *it), i, arg);
		if (ret)
			return ret;
		leave(c, n);
	}
	return 0;
}

/* ---- values ----------------------------------------------------------- */

struct values {
	struct pol_selector *sel;
	struct pol_match *m;           /* matchArgs */
	bool string;                   /* the matched arg is a string */
	struct pol_spec_hook *h;
	size_t si;
};

static int bin_value(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	struct pol_selector *s = ((struct values *)arg)->sel;

	if (get_str(c, v, s->bins[i], POL_STR))
		return -1;
	s->bin_lens[i] = strlen(s->bins[i]);
	s->nbins = i + 1;
	return 0;
}

static int arg_value(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (vs->string) {
		if (get_str(c, v, vs->m->strs[i], POL_STR))
			return -1;
		vs->m->lens[i] = strlen(vs->m->strs[i]);
	} else {
		if (get_int(c, v, INT64_MIN, INT64_MAX, &n))
			return -1;
		vs->m->nums[i] = n;
	}
	vs->m->nvals = i + 1;
	return 0;
}

static int pid_value(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	struct pol_selector *s = ((struct values *)arg)->sel;
	long long n;

	if (get_int(c, v, 0, 4194304, &n))
		return -1;
	s->pids[i] = n;
	s->npids = i + 1;
	return 0;
}

static int ns_value(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (scalar(v) && !strcmp(scalar(v), "host_ns")) {
		vs->h->ns_host[vs->si][i] = true;
	} else {
		if (get_int(c, v, 1, UINT32_MAX, &n))
			return -1;
		vs->sel->ns[i] = n;
	}
	vs->sel->nns = i + 1;
	return 0;
}

static int set_op(struct pctx *c, yaml_node_t *v, const char *const *names, const int *ops,
		  uint8_t *out)
{
	const char *s = scalar(v);

	for (size_t i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = ops[i];
			return 0;
		}
	}
	return fail(c, "unknown operator \"%.40s\"", s ? s : "(not a string)");
}

static const char *const in_names[] = { "In", "NotIn", NULL };
static const int in_ops[] = { POL_OP_IN, POL_OP_NOTIN };

/* ---- selectors -------------------------------------------------------- */

static const char *const k_in[] = { "operator", "values", NULL };

static int bin_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->bin_op);
	return each_item(c, v, POL_MAX_VALUES, bin_value, vs);
}

static const char *const arg_ops_names[] = { "Equal", "NotEqual", "Prefix", "Postfix", NULL };
static const int arg_ops[] = { POL_OP_EQUAL, POL_OP_NOTEQUAL, POL_OP_PREFIX, POL_OP_POSTFIX };

static int marg_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (!strcmp(k, "operator"))
		return set_op(c, v, arg_ops_names, arg_ops, &vs->m->op);
	if (!strcmp(k, "index")) {
		if (get_int(c, v, 0, (long long)vs->h->nargs - 1, &n))
			return vs->h->nargs ? -1 : fail(c, "the tracepoint has no args to match");
		vs->m->arg = n;
		vs->string = pol_type_is_string(vs->h->arg_type[n]);
		return 0;
	}
	return each_item(c, v, POL_MAX_VALUES, arg_value, vs);
}

static int pid_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;
	bool b = false;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->pid_op);
	if (!strcmp(k, "values"))
		return each_item(c, v, POL_MAX_PIDS, pid_value, vs);
	if (get_bool(c, v, &b))
		return -1;
	return b ? fail(c, "true is not supported by ig (global pids only, no fork following)") : 0;
}

static int ns_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const kinds[] = { "Mnt", "Net", "Uts", "Ipc", "Pid", "Cgroup", NULL };
	static const int kind_ids[] = { POL_NS_MNT, POL_NS_NET, POL_NS_UTS, POL_NS_IPC, POL_NS_PID,
					POL_NS_CGROUP };
	struct values *vs = arg;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->ns_op);
	if (!strcmp(k, "values"))
		return each_item(c, v, POL_MAX_NS, ns_value, vs);
	for (size_t i = 0; scalar(v) && kinds[i]; i++) {
		if (!strcmp(scalar(v), kinds[i])) {
			vs->sel->ns_kind = kind_ids[i];
			return 0;
		}
	}
	return fail(c, "unknown or unsupported namespace \"%.40s\" (Mnt, Net, Uts, Ipc, Pid, Cgroup)",
		    scalar(v) ? scalar(v) : "(not a string)");
}

static int action_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const names[] = { "Post", "NoPost", "Sigkill", "Signal", NULL };
	static const int ids[] = { POL_ACT_POST, POL_ACT_NOPOST, POL_ACT_SIGKILL, POL_ACT_SIGNAL };
	struct pol_selector *s = ((struct values *)arg)->sel;
	long long n;
	uint8_t a;

	if (!strcmp(k, "argSig")) {
		if (get_int(c, v, 1, 64, &n))
			return -1;
		s->sig = n;
		return 0;
	}
	if (set_op(c, v, names, ids, &a))
		return fail(c, "unknown or unsupported action \"%.40s\" (Post, NoPost, Sigkill, Signal)",
			    scalar(v) ? scalar(v) : "(not a string)");
	if (a == POL_ACT_NOPOST)
		s->post = 0;
	else if (a != POL_ACT_POST)
		s->action = a;
	return 0;
}

/* One entry of a match list: a mapping, checked by the walker. */
struct entry {
	const char *const *known;
	const char *const *unsupported;
	member_fn fn;
	struct values *vs;
	int kind;   /* 0 bins, 1 args, 2 pids, 3 ns, 4 actions */
};

static int one_entry(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	struct entry *e = arg;

	struct pol_selector *s = e->vs->sel;
	yaml_node_t *index = member(c, v, "index");
	uint8_t op;

	if (e->kind == 1) {
		e->vs->m = &s->m[i];
		s->nmatch = i + 1;
		e->vs->string = false;
		/* the index first: it says whether the values are strings */
		size_t n;

		if (!index)
			return fail(c, "needs index");
		n = enter(c, "index", -1);
		if (e->fn(c, "index", index, e->vs))
			return -1;
		leave(c, n);
	}
	if (i && (e->kind == 0 || e->kind == 2 || e->kind == 3))
		return fail(c, "more than one entry: ig takes one per selector");
	if (each_member(c, v, e->known, e->unsupported, e->fn, e->vs))
		return -1;
	if (e->kind == 4 && !member(c, v, "action"))
		return fail(c, "needs action");
	if (e->kind == 4 && s->action == POL_ACT_SIGNAL && !s->sig)
		return fail(c, "Signal needs argSig");
	op = e->kind == 0 ? s->bin_op : e->kind == 1 ? e->vs->m->op : e->kind == 2 ? s->pid_op :
	     e->kind == 3 ? s->ns_op : 1;
	if (!op)
		return fail(c, "needs an operator");
	if (e->kind == 1 && !e->vs->string && (op == POL_OP_PREFIX || op == POL_OP_POSTFIX))
		return fail(c, "Prefix and Postfix compare strings: args[%u] is an integer", e->vs->m->arg);
	if (e->kind == 3 && !s->ns_kind)
		return fail(c, "needs namespace");
	if (e->kind != 4 && !member(c, v, "values"))
		return fail(c, "needs values");
	return 0;
}

static int selector_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const k_args[] = { "index", "operator", "values", NULL };
	static const char *const k_pids[] = { "operator", "values", "isNamespacePID", "followForks", NULL };
	static const char *const k_ns[] = { "namespace", "operator", "values", NULL };
	static const char *const k_act[] = { "action", "argSig", NULL };
	static const char *const u_act[] = { "argFd", "argName", "argUrl", "argFqdn", "userStackTrace",
					     "kernelStackTrace", "rateLimit", NULL };
	struct values *vs = arg;
	struct entry e = { .vs = vs };

	if (!strcmp(k, "matchBinaries"))
		e = (struct entry){ k_in, NULL, bin_member, vs, 0 };
	else if (!strcmp(k, "matchArgs"))
		e = (struct entry){ k_args, NULL, marg_member, vs, 1 };
	else if (!strcmp(k, "matchPIDs"))
		e = (struct entry){ k_pids, NULL, pid_member, vs, 2 };
	else if (!strcmp(k, "matchNamespaces"))
		e = (struct entry){ k_ns, NULL, ns_member, vs, 3 };
	else
		e = (struct entry){ k_act, u_act, action_member, vs, 4 };
	return each_item(c, v, e.kind == 1 ? POL_MAX_MATCH : e.kind == 4 ? 4 : 1, one_entry, &e);
}

static int one_selector(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "matchBinaries", "matchArgs", "matchPIDs",
					     "matchNamespaces", "matchActions", NULL };
	static const char *const unsupported[] = { "matchCapabilities", "matchNamespaceChanges",
						   "matchCapabilityChanges", "matchReturnArgs",
						   "matchReturnActions", "matchParentBinaries", NULL };
	struct pol_spec_hook *h = arg;
	struct pol_selector *s = &h->sel[i];
	struct values vs = { .sel = s, .h = h, .si = i };

	s->used = 1;
	s->post = 1;
	s->action = POL_ACT_POST;
	h->nsel = i + 1;
	return each_member(c, v, known, unsupported, selector_member, &vs);
}

/* ---- tracepoints ------------------------------------------------------- */

bool pol_type_is_string(const char *type)
{
	return !strcmp(type, "string");
}

static int one_arg(struct pctx *c, yaml_node_t *v, size_t i, void *arg);

static int arg_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const types[] = { "string", "int", "int8", "int16", "int32", "int64",
					     "uint8", "uint16", "uint32", "uint64", "size_t",
					     "long", "s8", "s16", "s32", "s64", "u8", "u16",
					     "u32", "u64", NULL };
	struct { struct pol_spec_hook *h; size_t i; } *a = arg;
	long long n;

	if (!strcmp(k, "index")) {
		if (get_int(c, v, 0, 63, &n))
			return -1;
		a->h->arg_index[a->i] = n;
		return 0;
	}
	if (get_str(c, v, a->h->arg_type[a->i], sizeof(a->h->arg_type[0])))
		return -1;
	if (!in_list(a->h->arg_type[a->i], types))
		return fail(c, "unsupported type \"%s\" (string, or an integer type)", a->h->arg_type[a->i]);
	return 0;
}

static int one_arg(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "index", "type", NULL };
	static const char *const unsupported[] = { "label", "maxData", "returnCopy", "sizeArgIndex",
						   "resolve", NULL };
	struct { struct pol_spec_hook *h; size_t i; } a = { arg, i };

	a.h->arg_index[i] = -1;
	a.h->arg_type[i][0] = 0;
	a.h->nargs = i + 1;
	if (each_member(c, v, known, unsupported, arg_member, &a))
		return -1;
	if (a.h->arg_index[i] < 0 || !a.h->arg_type[i][0])
		return fail(c, "needs index and type");
	return 0;
}

static int tp_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	struct pol_spec_hook *h = arg;

	if (!strcmp(k, "subsystem"))
		return get_str(c, v, h->subsys, sizeof(h->subsys));
	if (!strcmp(k, "event"))
		return get_str(c, v, h->event, sizeof(h->event));
	if (!strcmp(k, "args"))
		return 0;   /* read first, by one_tracepoint */
	return each_item(c, v, POL_MAX_SELECTORS, one_selector, h);
}

struct building {
	struct pol_set *set;
	size_t first;     /* its hooks start here */
	bool named;
};

static bool safe_name(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.' || *s == '/'))
			return false;
	return true;
}

static int one_tracepoint(struct pctx *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "subsystem", "event", "args", "selectors", NULL };
	static const char *const unsupported[] = { "raw", "message", "tags", "ignore", NULL };
	struct building *b = arg;
	struct pol_spec_hook *h;

	(void)i;
	if (b->set->nhooks >= POL_MAX_HOOKS)
		return fail(c, "more than %d tracepoints in all policies (ig's limit)", POL_MAX_HOOKS);
	h = &b->set->hooks[b->set->nhooks];
	memset(h, 0, sizeof(*h));
	h->policy = b->set->npolicies;
	/* args first, wherever they are: matchArgs needs their types */
	if (member(c, v, "args")) {
		size_t n = enter(c, "args", -1);

		if (each_item(c, member(c, v, "args"), POL_MAX_ARGS, one_arg, h))
			return -1;
		leave(c, n);
	}
	if (each_member(c, v, known, unsupported, tp_member, h))
		return -1;
	if (!h->subsys[0] || !h->event[0])
		return fail(c, "needs subsystem and event");
	if (!safe_name(h->subsys) || !safe_name(h->event) || strstr(h->subsys, "..") ||
	    strstr(h->event, "..") || strchr(h->subsys, '/') || strchr(h->event, '/'))
		return fail(c, "subsystem and event must be tracefs names");
	b->set->nhooks++;
	return 0;
}

static int spec_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	(void)k;
	return each_item(c, v, POL_MAX_HOOKS, one_tracepoint, arg);
}

static int meta_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	struct building *b = arg;

	(void)k;
	if (get_str(c, v, b->set->names[b->set->npolicies], POL_NAME_MAX))
		return -1;
	if (!safe_name(b->set->names[b->set->npolicies]))
		return fail(c, "must be letters, digits, '-', '_', '.' or '/'");
	b->named = true;
	return 0;
}

static int top_member(struct pctx *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const spec_known[] = { "tracepoints", NULL };
	static const char *const spec_unsupported[] = { "kprobes", "uprobes", "lsmhooks", "usdts",
							"podSelector", "containerSelector", "options",
							"lists", "enforcers", "loader", NULL };
	static const char *const meta_known[] = { "name", NULL };
	static const char *const meta_unsupported[] = { "namespace", "labels", "annotations", NULL };
	char s[64];

	if (!strcmp(k, "apiVersion")) {
		if (get_str(c, v, s, sizeof(s)))
			return -1;
		return strcmp(s, "cilium.io/v1alpha1") ? fail(c, "must be cilium.io/v1alpha1") : 0;
	}
	if (!strcmp(k, "kind")) {
		if (get_str(c, v, s, sizeof(s)))
			return -1;
		return strcmp(s, "TracingPolicy") ? fail(c, "must be TracingPolicy") : 0;
	}
	if (!strcmp(k, "metadata"))
		return each_member(c, v, meta_known, meta_unsupported, meta_member, arg);
	return each_member(c, v, spec_known, spec_unsupported, spec_member, arg);
}

/* Before building the document: no aliases (they expand), bounded depth. */
static int prescan(struct pctx *c, const char *text, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, ret = 0;
	bool done = false;

	if (!yaml_parser_initialize(&p))
		return fail(c, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !ret) {
		if (!yaml_parser_parse(&p, &ev)) {
			ret = fail(c, "not YAML: %s at line %zu", p.problem ? p.problem : "error",
				   p.problem_mark.line + 1);
			break;
		}
		if (ev.type == YAML_ALIAS_EVENT ||
		    ((ev.type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
		     (ev.type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
		     (ev.type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor)))
			ret = fail(c, "YAML anchors and aliases are not accepted");
		else if ((ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) &&
			 ++depth > POL_MAX_DEPTH)
			ret = fail(c, "nested deeper than %d levels", POL_MAX_DEPTH);
		else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
			depth--;
		else if (ev.type == YAML_DOCUMENT_START_EVENT && done)
			ret = fail(c, "one document per file");
		done = ev.type == YAML_STREAM_END_EVENT;
		if (ev.type == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			if (!yaml_parser_parse(&p, &ev))
				ret = fail(c, "not YAML after the document");
			else if (ev.type != YAML_STREAM_END_EVENT)
				ret = fail(c, "one document per file");
			done = true;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ret;
}

int pol_parse(struct pol_set *set, const char *text, size_t len, const char *file,
	      char *err, size_t errlen)
{
	static const char *const known[] = { "apiVersion", "kind", "metadata", "spec", NULL };
	struct pctx c = { .file = file, .err = err, .errlen = errlen };
	struct building b = { .set = set, .first = set->nhooks };
	yaml_parser_t p;
	yaml_document_t doc;
	int ret;

	if (len > POL_MAX_FILE)
		return fail(&c, "larger than %d bytes", POL_MAX_FILE);
	if (set->npolicies >= POL_MAX_POLICIES)
		return fail(&c, "more than %d policies", POL_MAX_POLICIES);
	if (prescan(&c, text, len))
		return -1;
	if (!yaml_parser_initialize(&p))
		return fail(&c, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return fail(&c, "not YAML");
	}
	c.doc = &doc;
	ret = each_member(&c, yaml_document_get_root_node(&doc), known, NULL, top_member, &b);
	if (!ret && !b.named)
		ret = fail(&c, "metadata.name is missing");
	if (!ret && set->nhooks == b.first)
		ret = fail(&c, "spec.tracepoints is missing or empty");
	for (size_t i = 0; !ret && i < set->npolicies; i++)
		if (!strcmp(set->names[i], set->names[set->npolicies]))
			ret = fail(&c, "a policy named %s is loaded already", set->names[i]);
	yaml_document_delete(&doc);
	yaml_parser_delete(&p);
	if (ret) {
		set->nhooks = b.first;   /* nothing of it is kept */
		return -1;
	}
	set->npolicies++;
	return 0;
}

int pol_parse_file(struct pol_set *set, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	char *text;
	ssize_t n;
	int ret;

	if (fd < 0 || fstat(fd, &sb)) {
		snprintf(err, errlen, "policy %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > POL_MAX_FILE) {
		snprintf(err, errlen, "policy %s: %s", path,
			 S_ISREG(sb.st_mode) ? "larger than 262144 bytes" : "not a regular file");
		close(fd);
		return -1;
	}
	text = malloc(sb.st_size + 1);
	n = text ? read(fd, text, sb.st_size) : -1;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "policy %s: cannot read it", path);
		free(text);
		return -1;
	}
	ret = pol_parse(set, text, n, path, err, errlen);
	free(text);
	return ret;
}

const char *pol_action_name(unsigned int action)
{
	switch (action) {
	case POL_ACT_SIGKILL: return "Sigkill";
	case POL_ACT_SIGNAL:  return "Signal";
	case POL_ACT_NOPOST:  return "NoPost";
	default:              return "Post";
	}
}
