// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "asciicast.h"
#include "cli.h"

enum copt {
	C_OUTPUT, C_FIELDS, C_TIMEOUT, C_FILTER, C_PID, C_TID, C_UID, C_GID, C_COMM,
	C_CONTAINERNAME, C_K8S_POD, C_K8S_NS, C_K8S_CONTAINER, C_HOST, C_HOST_ROOT,
	C_BTF, C_RING_SIZE, C_VERBOSE, C_HELP,
};

struct copt_def {
	enum copt id;
	const char *name;
	char shortname;
	const char *arg;    /* NULL: a boolean flag */
	const char *help;
};

static const struct copt_def copts[] = {
	{ C_OUTPUT, "output", 'o', "MODE", "columns (default), json, jsonpretty, yaml, custom-columns=a,b,c, asciicast[=DIR]" },
	{ C_FIELDS, "fields", 0, "LIST", "columns to show: a,b (replace) or +a,-b (change the defaults); k8s = all k8s.*" },
	{ C_TIMEOUT, "timeout", 't', "SECONDS", "stop after this many seconds" },
	{ C_FILTER, "filter", 'F', "EXPR", "keep events matching field==v (also !=, >=, >, <=, <, ~, !~), comma = and" },
	{ C_PID, "pid", 0, "PID", "only this process (in the kernel)" },
	{ C_TID, "tid", 0, "TID", "only this thread (in the kernel)" },
	{ C_UID, "uid", 0, "UID", "only this user id (in the kernel)" },
	{ C_GID, "gid", 0, "GID", "only this group id (in the kernel)" },
	{ C_COMM, "comm", 0, "NAME", "only this command name (in the kernel)" },
	{ C_CONTAINERNAME, "containername", 'c', "NAMES", "only these containers (comma list, !NAME excludes)" },
	{ C_K8S_POD, "k8s-podname", 0, "NAME", "only this Kubernetes pod" },
	{ C_K8S_NS, "k8s-namespace", 0, "NAME", "only this Kubernetes namespace" },
	{ C_K8S_CONTAINER, "k8s-containername", 0, "NAME", "only this Kubernetes container" },
	{ C_HOST, "host", 0, NULL, "show host processes too, not only containers" },
	{ C_HOST_ROOT, "host-root", 0, "DIR", "the host's / is mounted here (default $HOST_ROOT or /)" },
	{ C_BTF, "btf", 0, "FILE", "kernel BTF to use instead of /sys/kernel/btf/vmlinux" },
	{ C_RING_SIZE, "ring-size", 0, "BYTES", "ring buffer size, a power of two (default 2097152)" },
	{ C_VERBOSE, "verbose", 'v', NULL, "log what ig does, with libbpf and verifier messages" },
	{ C_HELP, "help", 'h', NULL, "show this help" },
};

static int parse_u32(const char *s, __u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > UINT_MAX || *s == '-')
		return -1;
	*out = v;
	return 0;
}

static int check_host_root(const char *dir, char *err, size_t errlen)
{
	struct stat sb;

	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "--host-root %s: not a directory", dir);
		return -1;
	}
	return 0;
}

static int set_common(struct run_opts *o, enum copt id, const char *v, char *err, size_t errlen)
{
	char *end;

	switch (id) {
	case C_OUTPUT:
		if (!strcmp(v, "columns"))
			o->mode = OUT_COLUMNS;
		else if (!strcmp(v, "json"))
			o->mode = OUT_JSON;
		else if (!strcmp(v, "jsonpretty"))
			o->mode = OUT_JSONPRETTY;
		else if (!strcmp(v, "yaml"))
			o->mode = OUT_YAML;
		else if (!strcmp(v, "asciicast") || !strncmp(v, "asciicast=", 10)) {
			o->mode = OUT_ASCIICAST;
			if (asciicast_set_dir(v[9] ? v + 10 : NULL, err, errlen))
				return -1;
		} else if (!strncmp(v, "custom-columns=", 15)) {
			o->mode = OUT_COLUMNS;
			o->fields = v + 15;
		} else {
			snprintf(err, errlen, "unknown output mode \"%s\" (use columns, json, jsonpretty, yaml, custom-columns=a,b or asciicast[=DIR])", v);
			return -1;
		}
		return 0;
	case C_FIELDS: o->fields = v; return 0;
	case C_FILTER: o->filter = v; return 0;
	case C_TIMEOUT:
		errno = 0;
		o->timeout = strtod(v, &end);
		if (errno || end == v || *end || o->timeout < 0) {
			snprintf(err, errlen, "invalid --timeout \"%s\": expected seconds", v);
			return -1;
		}
		return 0;
	case C_PID: case C_TID: case C_UID: case C_GID: {
		__u32 *dst = id == C_PID ? &o->pid : id == C_TID ? &o->tid : id == C_UID ? &o->uid : &o->gid;

		if (parse_u32(v, dst)) {
			snprintf(err, errlen, "invalid --%s \"%s\": expected a number", copts[id].name, v);
			return -1;
		}
		o->has_uid |= id == C_UID;
		o->has_gid |= id == C_GID;
		return 0;
	}
	case C_COMM:
		if (strlen(v) >= IG_COMM_LEN) {
			snprintf(err, errlen, "--comm \"%s\" is longer than the kernel's %d-byte comm", v, IG_COMM_LEN - 1);
			return -1;
		}
		o->comm = v;
		return 0;
	case C_CONTAINERNAME: o->containername = v; return 0;
	case C_K8S_POD: o->k8s_pod = v; return 0;
	case C_K8S_NS: o->k8s_namespace = v; return 0;
	case C_K8S_CONTAINER: o->k8s_container = v; return 0;
	case C_HOST_ROOT: o->host_root = v; return check_host_root(v, err, errlen);
	case C_BTF: o->btf = v; return 0;
	case C_RING_SIZE:
		errno = 0;
		o->ring_size = strtoull(v, &end, 0);
		/* The kernel wants a power of two of whole pages. */
		if (errno || end == v || *end || *v == '-' || o->ring_size < 4096 ||
		    o->ring_size > (1ULL << 30) || (o->ring_size & (o->ring_size - 1))) {
			snprintf(err, errlen, "invalid --ring-size \"%s\": expected a power of two from 4096 to 1073741824", v);
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

static const struct copt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(copts); i++)
		if (strlen(copts[i].name) == len && !strncmp(copts[i].name, name, len))
			return &copts[i];
	return NULL;
}

static const struct copt_def *find_short(char c)
{
	for (size_t i = 0; i < ARRAY_SIZE(copts); i++)
		if (copts[i].shortname && copts[i].shortname == c)
			return &copts[i];
	return NULL;
}

static int find_gflag(const struct gadget *g, const char *name, size_t len)
{
	for (size_t i = 0; i < g->nflags; i++)
		if (strlen(g->flags[i].name) == len && !strncmp(g->flags[i].name, name, len))
			return i;
	return -1;
}

static int check_gflag(const struct gadget_flag *f, const char *v, char *err, size_t errlen)
{
	char *end;

	if (f->type == GF_BOOL && parse_bool(v) < 0) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected true or false", f->name, v);
		return -1;
	}
	if (f->type == GF_UINT) {
		errno = 0;
		strtoull(v, &end, 0);
		if (errno || end == v || *end || *v == '-') {
			snprintf(err, errlen, "invalid --%s \"%s\": expected a number", f->name, v);
			return -1;
		}
	}
	return 0;
}

/* A flag's value: after '=', or the next argument. */
static const char *take_value(const char *eq, int argc, char **argv, int *i)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

static int parse_long(const struct gadget *g, int argc, char **argv, int *i,
		      struct run_opts *o, struct flag_value *gflags, char *err, size_t errlen)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct copt_def *c = find_long(name, len);
	int gi = c ? -1 : find_gflag(g, name, len);
	const char *v;

	if (!c && gi < 0) {
		snprintf(err, errlen, "unknown flag \"--%.*s\" for %s (see ig run %s --help)",
			 (int)len, name, g->name, g->name);
		return -1;
	}
	if (c && c->id == C_HELP)
		return 1;
	if (c && !c->arg) {
		if (eq && parse_bool(eq + 1) < 0) {
			snprintf(err, errlen, "invalid --%s \"%s\": expected true or false", c->name, eq + 1);
			return -1;
		}
		bool on = !eq || parse_bool(eq + 1) == 1;

		if (c->id == C_VERBOSE)
			ig_verbose = on;
		else if (c->id == C_HOST)
			o->host = on;
		return 0;
	}
	if (gi >= 0 && g->flags[gi].type == GF_BOOL && !eq)
		v = "true";
	else
		v = take_value(eq, argc, argv, i);
	if (!v) {
		snprintf(err, errlen, "flag \"--%.*s\" needs a value", (int)len, name);
		return -1;
	}
	if (c)
		return set_common(o, c->id, v, err, errlen);
	if (check_gflag(&g->flags[gi], v, err, errlen))
		return -1;
	gflags[gi].str = v;
	gflags[gi].set = true;
	return 0;
}

static int parse_short(int argc, char **argv, int *i, struct run_opts *o, char *err, size_t errlen)
{
	const char *a = argv[*i];
	const struct copt_def *c = find_short(a[1]);
	const char *v;

	if (!c) {
		snprintf(err, errlen, "unknown flag \"%s\"", a);
		return -1;
	}
	if (c->id == C_HELP)
		return 1;
	if (!c->arg) {
		if (a[2]) {
			snprintf(err, errlen, "unknown flag \"%s\"", a);
			return -1;
		}
		if (c->id == C_VERBOSE)
			ig_verbose = 1;
		return 0;
	}
	v = a[2] ? a + 2 + (a[2] == '=') : (*i + 1 < argc ? argv[++*i] : NULL);
	if (!v) {
		snprintf(err, errlen, "flag \"-%c\" needs a value", c->shortname);
		return -1;
	}
	return set_common(o, c->id, v, err, errlen);
}

int cli_parse_run(const struct gadget *g, int argc, char **argv, struct run_opts *o,
		  struct flag_value *gflags, char *err, size_t errlen)
{
	const char *host_root = getenv("HOST_ROOT");
	const char *fields_flag = NULL, *custom = NULL;

	memset(o, 0, sizeof(*o));
	o->host_root = host_root && *host_root ? host_root : NULL;
	if (o->host_root && check_host_root(o->host_root, err, errlen)) {
		snprintf(err, errlen, "HOST_ROOT=%s: not a directory", o->host_root);
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int ret;

		if (a[0] != '-' || !a[1]) {
			snprintf(err, errlen, "unexpected argument \"%s\"", a);
			return -1;
		}
		ret = a[1] == '-' ? parse_long(g, argc, argv, &i, o, gflags, err, errlen)
				  : parse_short(argc, argv, &i, o, err, errlen);
		if (ret)
			return ret;
		if (!strncmp(a, "--fields", 8))
			fields_flag = o->fields;
		if (!strncmp(a, "-o", 2) || !strncmp(a, "--output", 8))
			custom = o->fields;
	}
	if (fields_flag && custom) {
		snprintf(err, errlen, "use either --fields or -o custom-columns=, not both");
		return -1;
	}
	return 0;
}

static void print_flag(FILE *f, char shortname, const char *name, const char *arg,
		       const char *help, const char *def)
{
	char left[64];

	if (shortname)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", shortname, name, arg ? " " : "", arg ? arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", name, arg ? " " : "", arg ? arg : "");
	fprintf(f, "  %-32s %s", left, help);
	if (def)
		fprintf(f, " (default %s)", def);
	fputc('\n', f);
}

static const char *type_arg(enum gflag_type t)
{
	return t == GF_BOOL ? NULL : t == GF_UINT ? "N" : "VALUE";
}

void cli_print_gadget_help(FILE *f, const struct gadget *g)
{
	struct schema s;

	fprintf(f, "%s: %s\n\nUsage: ig run %s [flags]\n", g->name, g->description, g->name);
	if (g->aliases)
		fprintf(f, "Aliases: %s\n", g->aliases);
	if (g->nflags) {
		fprintf(f, "\nFlags of %s:\n", g->name);
		for (size_t i = 0; i < g->nflags; i++)
			print_flag(f, 0, g->flags[i].name, type_arg(g->flags[i].type),
				   g->flags[i].help, g->flags[i].def);
	}
	fprintf(f, "\nCommon flags:\n");
	for (size_t i = 0; i < ARRAY_SIZE(copts); i++)
		print_flag(f, copts[i].shortname, copts[i].name, copts[i].arg, copts[i].help, NULL);
	if (schema_init(&s, g->fields, g->nfields, g->default_fields))
		return;
	fprintf(f, "\nFields (* = default column; short aliases in brackets):\n");
	for (size_t i = 0; i < s.n; i++) {
		struct selection sel;
		char err[8];
		bool dflt = false;

		if (!select_fields(&s, NULL, &sel, err, sizeof(err))) {
			for (size_t j = 0; j < sel.n; j++)
				dflt |= sel.c[j].idx == (int)i;
			selection_free(&sel);
		}
		fprintf(f, "  %c %-28s", dflt ? '*' : ' ', s.f[i]->name);
		if (s.f[i]->aliases)
			fprintf(f, " [%s]", s.f[i]->aliases);
		fputc('\n', f);
	}
	schema_free(&s);
}

void cli_print_usage(FILE *f)
{
	fprintf(f,
		"ig: trace what processes and containers do, with eBPF\n\n"
		"Usage:\n"
		"  ig run GADGET [flags]     run a gadget until Ctrl-C or --timeout; GADGET may be\n"
		"                            written as an image: trace_open:latest,\n"
		"                            ghcr.io/inspektor-gadget/gadget/trace_open:TAG\n"
		"  ig trace exec|open|tcp    the older form of ig run trace_exec|trace_open|trace_tcp\n"
		"  ig list-gadgets           list the gadgets\n"
		"  ig list-containers [-w]   list (and watch) the containers on this host\n"
		"  ig daemon                 record every container's syscalls (traceloop), serve them\n"
		"  ig traceloop list|show|close [ID|NAME]   read the daemon's traces\n"
		"  ig help [GADGET]          show help (also: ig run GADGET --help)\n"
		"  ig version                print the version\n\n"
		"Gadgets:\n");
	for (size_t i = 0; i < ig_ngadgets; i++)
		fprintf(f, "  %-16s %s\n", ig_gadgets[i]->name, ig_gadgets[i]->description);
}
