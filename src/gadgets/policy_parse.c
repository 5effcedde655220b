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
#include "policy_yaml.h"

/* ---- values ----------------------------------------------------------- */

struct values {
	struct pol_selector *sel;
	struct pol_match *m;           /* matchArgs */
	bool string;                   /* the matched arg is a string */
	struct pol_spec_hook *h;
	size_t si;
};

static int bin_value(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct pol_selector *s = ((struct values *)arg)->sel;

	if (py_str(c, v, s->bins[i], POL_STR))
		return -1;
	s->bin_lens[i] = strlen(s->bins[i]);
	s->nbins = i + 1;
	return 0;
}

static int arg_value(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (vs->string) {
		if (py_str(c, v, vs->m->strs[i], POL_STR))
			return -1;
		vs->m->lens[i] = strlen(vs->m->strs[i]);
	} else {
		if (py_int(c, v, INT64_MIN, INT64_MAX, &n))
			return -1;
		vs->m->nums[i] = n;
	}
	vs->m->nvals = i + 1;
	return 0;
}

static int pid_value(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct pol_selector *s = ((struct values *)arg)->sel;
	long long n;

	if (py_int(c, v, 0, 4194304, &n))
		return -1;
	s->pids[i] = n;
	s->npids = i + 1;
	return 0;
}

static int ns_value(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (py_scalar(v) && !strcmp(py_scalar(v), "host_ns")) {
		vs->h->ns_host[vs->si][i] = true;
	} else {
		if (py_int(c, v, 1, UINT32_MAX, &n))
			return -1;
		vs->sel->ns[i] = n;
	}
	vs->sel->nns = i + 1;
	return 0;
}

static int set_op(struct pol_yaml *c, yaml_node_t *v, const char *const *names, const int *ops,
		  uint8_t *out)
{
	const char *s = py_scalar(v);

	for (size_t i = 0; s && names[i]; i++) {
		if (!strcmp(s, names[i])) {
			*out = ops[i];
			return 0;
		}
	}
	return py_fail(c, "unknown operator \"%.40s\"", s ? s : "(not a string)");
}

static const char *const in_names[] = { "In", "NotIn", NULL };
static const int in_ops[] = { POL_OP_IN, POL_OP_NOTIN };

/* ---- selectors -------------------------------------------------------- */

static const char *const k_in[] = { "operator", "values", NULL };

static int bin_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->bin_op);
	return py_each_item(c, v, POL_MAX_VALUES, bin_value, vs);
}

static const char *const arg_ops_names[] = { "Equal", "NotEqual", "Prefix", "Postfix", NULL };
static const int arg_ops[] = { POL_OP_EQUAL, POL_OP_NOTEQUAL, POL_OP_PREFIX, POL_OP_POSTFIX };

static int marg_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;
	long long n;

	if (!strcmp(k, "operator"))
		return set_op(c, v, arg_ops_names, arg_ops, &vs->m->op);
	if (!strcmp(k, "index")) {
		if (py_int(c, v, 0, (long long)vs->h->nargs - 1, &n))
			return vs->h->nargs ? -1 : py_fail(c, "the tracepoint has no args to match");
		vs->m->arg = n;
		vs->string = pol_type_is_string(vs->h->arg_type[n]);
		return 0;
	}
	return py_each_item(c, v, POL_MAX_VALUES, arg_value, vs);
}

static int pid_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct values *vs = arg;
	bool b = false;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->pid_op);
	if (!strcmp(k, "values"))
		return py_each_item(c, v, POL_MAX_PIDS, pid_value, vs);
	if (py_bool(c, v, &b))
		return -1;
	return b ? py_fail(c, "true is not supported by ig (global pids only, no fork following)") : 0;
}

static int ns_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const kinds[] = { "Mnt", "Net", "Uts", "Ipc", "Pid", "Cgroup", NULL };
	static const int kind_ids[] = { POL_NS_MNT, POL_NS_NET, POL_NS_UTS, POL_NS_IPC, POL_NS_PID,
					POL_NS_CGROUP };
	struct values *vs = arg;

	if (!strcmp(k, "operator"))
		return set_op(c, v, in_names, in_ops, &vs->sel->ns_op);
	if (!strcmp(k, "values"))
		return py_each_item(c, v, POL_MAX_NS, ns_value, vs);
	for (size_t i = 0; py_scalar(v) && kinds[i]; i++) {
		if (!strcmp(py_scalar(v), kinds[i])) {
			vs->sel->ns_kind = kind_ids[i];
			return 0;
		}
	}
	return py_fail(c, "unknown or unsupported namespace \"%.40s\" (Mnt, Net, Uts, Ipc, Pid, Cgroup)",
		    py_scalar(v) ? py_scalar(v) : "(not a string)");
}

static int action_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const names[] = { "Post", "NoPost", "Sigkill", "Signal", NULL };
	static const int ids[] = { POL_ACT_POST, POL_ACT_NOPOST, POL_ACT_SIGKILL, POL_ACT_SIGNAL };
	struct pol_selector *s = ((struct values *)arg)->sel;
	long long n;
	uint8_t a;

	if (!strcmp(k, "argSig")) {
		if (py_int(c, v, 1, 64, &n))
			return -1;
		s->sig = n;
		return 0;
	}
	if (set_op(c, v, names, ids, &a))
		return py_fail(c, "unknown or unsupported action \"%.40s\" (Post, NoPost, Sigkill, Signal)",
			    py_scalar(v) ? py_scalar(v) : "(not a string)");
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

static int one_entry(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	struct entry *e = arg;

	struct pol_selector *s = e->vs->sel;
	yaml_node_t *index = py_member(c, v, "index");
	uint8_t op;

	if (e->kind == 1) {
		e->vs->m = &s->m[i];
		s->nmatch = i + 1;
		e->vs->string = false;
		/* the index first: it says whether the values are strings */
		size_t n;

		if (!index)
			return py_fail(c, "needs index");
		n = py_enter(c, "index", -1);
		if (e->fn(c, "index", index, e->vs))
			return -1;
		py_leave(c, n);
	}
	if (i && (e->kind == 0 || e->kind == 2 || e->kind == 3))
		return py_fail(c, "more than one entry: ig takes one per selector");
	if (py_each_member(c, v, e->known, e->unsupported, e->fn, e->vs))
		return -1;
	if (e->kind == 4 && !py_member(c, v, "action"))
		return py_fail(c, "needs action");
	if (e->kind == 4 && s->action == POL_ACT_SIGNAL && !s->sig)
		return py_fail(c, "Signal needs argSig");
	op = e->kind == 0 ? s->bin_op : e->kind == 1 ? e->vs->m->op : e->kind == 2 ? s->pid_op :
	     e->kind == 3 ? s->ns_op : 1;
	if (!op)
		return py_fail(c, "needs an operator");
	if (e->kind == 1 && !e->vs->string && (op == POL_OP_PREFIX || op == POL_OP_POSTFIX))
		return py_fail(c, "Prefix and Postfix compare strings: args[%u] is an integer", e->vs->m->arg);
	if (e->kind == 3 && !s->ns_kind)
		return py_fail(c, "needs namespace");
	if (e->kind != 4 && !py_member(c, v, "values"))
		return py_fail(c, "needs values");
	return 0;
}

static int selector_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
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
	return py_each_item(c, v, e.kind == 1 ? POL_MAX_MATCH : e.kind == 4 ? 4 : 1, one_entry, &e);
}

static int one_selector(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
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
	return py_each_member(c, v, known, unsupported, selector_member, &vs);
}

/* ---- tracepoints ------------------------------------------------------- */

bool pol_type_is_string(const char *type)
{
	return !strcmp(type, "string");
}

static int one_arg(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg);

static int arg_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const types[] = { "string", "int", "int8", "int16", "int32", "int64",
					     "uint8", "uint16", "uint32", "uint64", "size_t",
					     "long", "s8", "s16", "s32", "s64", "u8", "u16",
					     "u32", "u64", NULL };
	struct { struct pol_spec_hook *h; size_t i; } *a = arg;
	long long n;

	if (!strcmp(k, "index")) {
		if (py_int(c, v, 0, 63, &n))
			return -1;
		a->h->arg_index[a->i] = n;
		return 0;
	}
	if (py_str(c, v, a->h->arg_type[a->i], sizeof(a->h->arg_type[0])))
		return -1;
	if (!py_in_list(a->h->arg_type[a->i], types))
		return py_fail(c, "unsupported type \"%s\" (string, or an integer type)", a->h->arg_type[a->i]);
	return 0;
}

static int one_arg(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "index", "type", NULL };
	static const char *const unsupported[] = { "label", "maxData", "returnCopy", "sizeArgIndex",
						   "resolve", NULL };
	struct { struct pol_spec_hook *h; size_t i; } a = { arg, i };

	a.h->arg_index[i] = -1;
	a.h->arg_type[i][0] = 0;
	a.h->nargs = i + 1;
	if (py_each_member(c, v, known, unsupported, arg_member, &a))
		return -1;
	if (a.h->arg_index[i] < 0 || !a.h->arg_type[i][0])
		return py_fail(c, "needs index and type");
	return 0;
}

static int tp_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct pol_spec_hook *h = arg;

	if (!strcmp(k, "subsystem"))
		return py_str(c, v, h->subsys, sizeof(h->subsys));
	if (!strcmp(k, "event"))
		return py_str(c, v, h->event, sizeof(h->event));
	if (!strcmp(k, "args"))
		return 0;   /* read first, by one_tracepoint */
	return py_each_item(c, v, POL_MAX_SELECTORS, one_selector, h);
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

static int one_tracepoint(struct pol_yaml *c, yaml_node_t *v, size_t i, void *arg)
{
	static const char *const known[] = { "subsystem", "event", "args", "selectors", NULL };
	static const char *const unsupported[] = { "raw", "message", "tags", "ignore", NULL };
	struct building *b = arg;
	struct pol_spec_hook *h;

	(void)i;
	if (b->set->nhooks >= POL_MAX_HOOKS)
		return py_fail(c, "more than %d tracepoints in all policies (ig's limit)", POL_MAX_HOOKS);
	h = &b->set->hooks[b->set->nhooks];
	memset(h, 0, sizeof(*h));
	h->policy = b->set->npolicies;
	/* args first, wherever they are: matchArgs needs their types */
	if (py_member(c, v, "args")) {
		size_t n = py_enter(c, "args", -1);

		if (py_each_item(c, py_member(c, v, "args"), POL_MAX_ARGS, one_arg, h))
			return -1;
		py_leave(c, n);
	}
	if (py_each_member(c, v, known, unsupported, tp_member, h))
		return -1;
	if (!h->subsys[0] || !h->event[0])
		return py_fail(c, "needs subsystem and event");
	if (!safe_name(h->subsys) || !safe_name(h->event) || strstr(h->subsys, "..") ||
	    strstr(h->event, "..") || strchr(h->subsys, '/') || strchr(h->event, '/'))
		return py_fail(c, "subsystem and event must be tracefs names");
	b->set->nhooks++;
	return 0;
}

static int spec_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct building *b = arg;

	if (!strcmp(k, "containerSelector"))
		return pol_scope_parse(c, v, &b->set->scopes[b->set->npolicies]);
	return py_each_item(c, v, POL_MAX_HOOKS, one_tracepoint, arg);
}

static int meta_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	struct building *b = arg;

	(void)k;
	if (py_str(c, v, b->set->names[b->set->npolicies], POL_NAME_MAX))
		return -1;
	if (!safe_name(b->set->names[b->set->npolicies]))
		return py_fail(c, "must be letters, digits, '-', '_', '.' or '/'");
	b->named = true;
	return 0;
}

static int top_member(struct pol_yaml *c, const char *k, yaml_node_t *v, void *arg)
{
	static const char *const spec_known[] = { "tracepoints", "containerSelector", NULL };
	static const char *const spec_unsupported[] = { "kprobes", "uprobes", "lsmhooks", "usdts",
							"podSelector", "options",
							"lists", "enforcers", "loader", NULL };
	static const char *const meta_known[] = { "name", NULL };
	static const char *const meta_unsupported[] = { "namespace", "labels", "annotations", NULL };
	char s[64];

	if (!strcmp(k, "apiVersion")) {
		if (py_str(c, v, s, sizeof(s)))
			return -1;
		return strcmp(s, "cilium.io/v1alpha1") ? py_fail(c, "must be cilium.io/v1alpha1") : 0;
	}
	if (!strcmp(k, "kind")) {
		if (py_str(c, v, s, sizeof(s)))
			return -1;
		return strcmp(s, "TracingPolicy") ? py_fail(c, "must be TracingPolicy") : 0;
	}
	if (!strcmp(k, "metadata"))
		return py_each_member(c, v, meta_known, meta_unsupported, meta_member, arg);
	return py_each_member(c, v, spec_known, spec_unsupported, spec_member, arg);
}

int pol_parse(struct pol_set *set, const char *text, size_t len, const char *file,
	      char *err, size_t errlen)
{
	static const char *const known[] = { "apiVersion", "kind", "metadata", "spec", NULL };
	struct pol_yaml c = { .file = file, .err = err, .errlen = errlen };
	struct building b = { .set = set, .first = set->nhooks };
	yaml_parser_t p;
	yaml_document_t doc;
	int ret;

	if (len > POL_MAX_FILE)
		return py_fail(&c, "larger than %d bytes", POL_MAX_FILE);
	if (set->npolicies >= POL_MAX_POLICIES)
		return py_fail(&c, "more than %d policies", POL_MAX_POLICIES);
	if (py_prescan(&c, text, len))
		return -1;
	memset(&set->scopes[set->npolicies], 0, sizeof(set->scopes[0]));
	if (!yaml_parser_initialize(&p))
		return py_fail(&c, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &doc)) {
		yaml_parser_delete(&p);
		return py_fail(&c, "not YAML");
	}
	c.doc = &doc;
	ret = py_each_member(&c, yaml_document_get_root_node(&doc), known, NULL, top_member, &b);
	if (!ret && !b.named)
		ret = py_fail(&c, "metadata.name is missing");
	if (!ret && set->nhooks == b.first)
		ret = py_fail(&c, "spec.tracepoints is missing or empty");
	for (size_t i = 0; !ret && i < set->npolicies; i++)
		if (!strcmp(set->names[i], set->names[set->npolicies]))
			ret = py_fail(&c, "a policy named %s is loaded already", set->names[i]);
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
