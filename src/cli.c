// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include "asciicast.h"
#include "cli.h"
#include "export.h"
#include "metrics.h"
#include "flags.h"

/* ---- the common flags of ig run, bound to struct run_opts ------------------ */

#define RUN_OPT(m) offsetof(struct run_opts, m)
#define KIND_TOP (1u << GK_TOP)
#define KIND_TRACE (1u << GK_TRACE)

static int set_output(void *opts, const char *v, char *err, size_t errlen)
{
	struct run_opts *o = opts;

	if (!strncmp(v, "custom-columns=", 15)) {
		o->mode = OUT_COLUMNS;
		o->fields = v + 15;
		o->custom_columns = true;
		return 0;
	}
	if (output_mode_parse(v, &o->mode, &o->mode_arg)) {
		snprintf(err, errlen, "unknown output mode \"%s\" (use columns, json, jsonpretty, yaml, compact, tetragon, custom-columns=a,b or asciicast[=DIR])", v);
		return -1;
	}
	if (o->mode == OUT_ASCIICAST)
		return asciicast_check_dir(o->mode_arg, err, errlen);
	return 0;
}

static int parse_id(const char *name, const char *v, __u32 *out, char *err, size_t errlen)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || n > UINT_MAX) {
		snprintf(err, errlen, "invalid --%s \"%s\": expected a number", name, v);
		return -1;
	}
	*out = n;
	return 0;
}

static int set_uid(void *opts, const char *v, char *err, size_t errlen)
{
	struct run_opts *o = opts;

	o->has_uid = true;
	return parse_id("uid", v, &o->uid, err, errlen);
}

static int set_gid(void *opts, const char *v, char *err, size_t errlen)
{
	struct run_opts *o = opts;

	o->has_gid = true;
	return parse_id("gid", v, &o->gid, err, errlen);
}

static int set_comm(void *opts, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= IG_COMM_LEN) {
		snprintf(err, errlen, "--comm \"%s\" is longer than the kernel's %d-byte comm", v, IG_COMM_LEN - 1);
		return -1;
	}
	((struct run_opts *)opts)->comm = v;
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

static int set_host_root(void *opts, const char *v, char *err, size_t errlen)
{
	((struct run_opts *)opts)->host_root = v;
	return check_host_root(v, err, errlen);
}

static int set_ring_size(void *opts, const char *v, char *err, size_t errlen)
{
	struct run_opts *o = opts;
	uint64_t n;

	/* The kernel wants a power of two of whole pages. */
	if (parse_uint(v, &n) || n < 4096 || n > (1ULL << 30) || (n & (n - 1))) {
		snprintf(err, errlen, "invalid --ring-size \"%s\": expected a power of two from 4096 to 1073741824", v);
		return -1;
	}
	o->ring_size = n;
	return 0;
}

static int set_interval(void *opts, const char *v, char *err, size_t errlen)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (errno || end == v || *end || !(d > 0)) {
		snprintf(err, errlen, "invalid --interval \"%s\": expected seconds", v);
		return -1;
	}
	((struct run_opts *)opts)->interval = d;
	return 0;
}

static int set_metrics_listen(void *opts, const char *v, char *err, size_t errlen)
{
	struct sockaddr_storage ss;

	((struct run_opts *)opts)->metrics_listen = v;
	return metrics_parse_listen(v, &ss, err, errlen);
}

static int set_verbose(void *opts, const char *v, char *err, size_t errlen)
{
	(void)opts;
	if (parse_bool(v) < 0) {
		snprintf(err, errlen, "invalid --verbose \"%s\": expected true or false", v);
		return -1;
	}
	ig_verbose = parse_bool(v);
	return 0;
}

static int want_help(void *opts, const char *v, char *err, size_t errlen)
{
	(void)opts;
	(void)v;
	(void)err;
	(void)errlen;
	return FLAGS_HELP;
}

#define STR(m, name, sh, arg, help) \
	{ name, GF_STRING, NULL, help, true, RUN_OPT(m), sh, arg }
#define CUSTOM(name, sh, type, arg, fn, help) \
	{ name, type, NULL, help, false, 0, sh, arg, 0, fn }

const struct gadget_flag cli_common_flags[] = {
	CUSTOM("output", 'o', GF_STRING, "MODE", set_output, "columns (default), json, jsonpretty, yaml, compact, tetragon, custom-columns=a,b,c, asciicast[=DIR]"),
	STR(fields, "fields", 0, "LIST", "columns to show: a,b (replace) or +a,-b (change the defaults); k8s = all k8s.*"),
	{ "timeout", GF_SECONDS, NULL, "stop after this many seconds", true, RUN_OPT(timeout), 't' },
	STR(filter, "filter", 'F', "EXPR", "keep events matching field==v (also !=, >=, >, <=, <, ~, !~), comma = and"),
	{ "pid", GF_U32, NULL, "only this process (in the kernel)", true, RUN_OPT(pid), 0, "PID" },
	{ "tid", GF_U32, NULL, "only this thread (in the kernel)", true, RUN_OPT(tid), 0, "TID" },
	CUSTOM("uid", 0, GF_STRING, "UID", set_uid, "only this user id (in the kernel)"),
	CUSTOM("gid", 0, GF_STRING, "GID", set_gid, "only this group id (in the kernel)"),
	CUSTOM("comm", 0, GF_STRING, "NAME", set_comm, "only this command name (in the kernel)"),
	STR(containername, "containername", 'c', "NAMES", "only these containers (comma list, !NAME excludes)"),
	STR(k8s_pod, "k8s-podname", 0, "NAME", "only this Kubernetes pod"),
	STR(k8s_namespace, "k8s-namespace", 0, "NAME", "only this Kubernetes namespace"),
	STR(k8s_container, "k8s-containername", 0, "NAME", "only this Kubernetes container"),
	{ "host", GF_BOOL, NULL, "show host processes too, not only containers", true, RUN_OPT(host) },
	CUSTOM("host-root", 0, GF_STRING, "DIR", set_host_root, "the host's / is mounted here (default $HOST_ROOT or /)"),
	STR(btf, "btf", 0, "FILE", "kernel BTF to use instead of /sys/kernel/btf/vmlinux"),
	CUSTOM("ring-size", 0, GF_STRING, "BYTES", set_ring_size, "ring buffer size, a power of two (default 2097152; 524288 for trace_exec and trace_process)"),
	CUSTOM("verbose", 'v', GF_BOOL, NULL, set_verbose, "log what ig does, with libbpf and verifier messages"),
	CUSTOM("help", 'h', GF_BOOL, NULL, want_help, "show this help"),
	{ "interval", GF_SECONDS, "1", "refresh the table this often", false, 0, 0, NULL, KIND_TOP, set_interval },
	{ "sort", GF_STRING, NULL, "order rows by these fields (comma list, -field: descending)", true, RUN_OPT(sort), 0, "FIELDS", KIND_TOP },
	{ "export-file", GF_STRING, NULL, "write the events here as JSON lines (mode 0600), rotated by size", true, RUN_OPT(export_file), 0, "FILE", KIND_TRACE },
	{ "export-rotate-size", GF_SIZE, "10M", "rotate the export file past this size (0: never)", true, RUN_OPT(export_rotate_size), 0, "BYTES", KIND_TRACE },
	{ "export-keep", GF_U32, "5", "rotated export files kept: FILE.1 (newest) to FILE.N", true, RUN_OPT(export_keep), 0, "N", KIND_TRACE },
	STR(export_allowlist, "export-allowlist", 0, "JSON", "print only events matching one of these Tetragon filters (JSON objects, one a line, or @FILE; docs/policies.md)"),
	STR(export_denylist, "export-denylist", 0, "JSON", "drop events matching one of these Tetragon filters (JSON lines or @FILE)"),
	{ "metrics-listen", GF_STRING, NULL, "serve Prometheus metrics on http://ADDR:PORT/metrics (off by default; :PORT is every address)", false, 0, 0, "ADDR:PORT", KIND_TRACE, set_metrics_listen },
	{ "metrics-max-containers", GF_U32, "100", "containers with their own metrics label per gadget; the rest count as \"other\"", true, RUN_OPT(metrics_max_containers), 0, "N", KIND_TRACE },
	{ "max-entries", GF_U32, "50", "show at most this many rows per refresh (0: all)", true, RUN_OPT(max_entries), 0, "N", KIND_TOP },
};
const size_t cli_ncommon_flags = ARRAY_SIZE(cli_common_flags);

/* The export is JSON lines: -o json by default, and no other mode. */
static int check_export(struct run_opts *o, bool output_given, char *err, size_t errlen)
{
	if (!o->export_file)
		return 0;
	if (!*o->export_file) {
		snprintf(err, errlen, "--export-file needs a file name");
		return -1;
	}
	if (output_given && o->mode != OUT_JSON) {
		snprintf(err, errlen, "--export-file writes JSON lines: use -o json or no -o");
		return -1;
	}
	if (o->export_keep > EXPORT_MAX_KEEP) {
		snprintf(err, errlen, "invalid --export-keep %u: at most %d", o->export_keep,
			 EXPORT_MAX_KEEP);
		return -1;
	}
	o->mode = OUT_JSON;
	return 0;
}

static void init_run_opts(struct run_opts *o, const struct gadget *g)
{
	const char *host_root = getenv("HOST_ROOT");

	memset(o, 0, sizeof(*o));
	o->interval = 1;
	o->sort = g ? g->default_sort : NULL;
	o->host_root = host_root && *host_root ? host_root : NULL;
}

static bool given(const struct flag_value *v, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(cli_common_flags); i++)
		if (!strcmp(cli_common_flags[i].name, name))
			return v[i].set;
	return false;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, struct run_opts *o,
	      char *err, size_t errlen)
{
	struct flag_value common_given[ARRAY_SIZE(cli_common_flags)] = { 0 };
	struct flag_set sets[2] = {
		{ cli_common_flags, ARRAY_SIZE(cli_common_flags), o, common_given },
		{ cmd->flags, cmd->nflags, cmd->opts, cmd->given },
	};
	int ret;

	init_run_opts(o, cmd->g);
	if (o->host_root && check_host_root(o->host_root, err, errlen)) {
		snprintf(err, errlen, "HOST_ROOT=%s: not a directory", o->host_root);
		return -1;
	}
	ret = flags_parse(sets, cmd->nflags ? 2 : 1, cmd->g ? cmd->g->kind : GK_TRACE, argc, argv,
			  cmd->name, cmd->hint, err, errlen);
	if (ret)
		return ret;
	if (o->custom_columns && given(common_given, "fields")) {
		snprintf(err, errlen, "use either --fields or -o custom-columns=, not both");
		return -1;
	}
	return check_export(o, given(common_given, "output"), err, errlen);
}

int cli_parse_run(const struct gadget *g, int argc, char **argv, struct run_opts *o,
		  void *gopts, struct flag_value *gflags, char *err, size_t errlen)
{
	char hint[96];
	struct cli_cmd cmd = {
		.name = g->name, .hint = hint, .g = g,
		.flags = g->flags, .nflags = g->nflags, .opts = gopts, .given = gflags,
	};

	snprintf(hint, sizeof(hint), "ig run %s --help", g->name);
	return cli_parse(&cmd, argc, argv, o, err, errlen);
}

static void print_features(FILE *f, unsigned int features)
{
	const char *sep = "";

	fprintf(f, "Kernel features: ");
	for (int i = 0; i < IG_KF_COUNT; i++) {
		const struct ig_kfeature_info *k = ig_kfeature_info(i);

		if (features & IG_KF_BIT(i)) {
			fprintf(f, "%s%s (Linux %s)", sep, k->name, k->since);
			sep = ", ";
		}
	}
	fputc('\n', f);
}

void cli_print_gadget_help(FILE *f, const struct gadget *g)
{
	struct schema s;

	fprintf(f, "%s: %s\n\nUsage: ig run %s [flags]\n", g->name, g->description, g->name);
	if (g->aliases)
		fprintf(f, "Aliases: %s\n", g->aliases);
	print_features(f, g->features | IG_KF_COMMON);
	if (g->nflags) {
		fprintf(f, "\nFlags of %s:\n", g->name);
		flags_help(f, g->flags, g->nflags, g->kind);
	}
	fprintf(f, "\nCommon flags:\n");
	flags_help(f, cli_common_flags, ARRAY_SIZE(cli_common_flags), g->kind);
	if (g->default_sort)
		fprintf(f, "  (--sort default: %s)\n", g->default_sort);
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
		"                            (also ig trace bind, ig top tcp, ig snapshot socket...)\n"
		"  ig list-gadgets           list the gadgets\n"
		"  ig list-containers [-w]   list (and watch) the containers on this host\n"
		"  ig daemon                 the node agent: gadgets to a JSON export, metrics, traceloop\n"
		"  ig traceloop list|show|close [ID|NAME]   read the daemon's traces\n"
		"  ig help [GADGET]          show help (also: ig run GADGET --help)\n"
		"  ig version                print the version\n\n"
		"Gadgets:\n");
	size_t n;
	const struct gadget *const *list = gadget_list(&n);

	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-16s %s\n", list[i]->name, list[i]->description);
}
