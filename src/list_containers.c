// SPDX-License-Identifier: Apache-2.0
/* ig list-containers [-o columns|json|jsonpretty|yaml] [-w] [--host-root DIR]:
 * the container table, printed through the same field model as events. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "containers/containers.h"
#include "enrich.h"
#include "list_containers.h"
#include "sys.h"

enum { F_EVENT };

static const struct field list_fields[] = {
	[F_EVENT] = { "event", "EVENT", NULL, FT_STR, 7, 0 },
};

static const char list_columns[] =
	"runtime.runtimeName,runtime.containerId,runtime.containerName,"
	"runtime.containerImageName,runtime.containerPid,proc.mntns_id,"
	"k8s.namespace,k8s.podName,k8s.containerName";
/* JSON has room for what the table leaves out. */
static const char list_json_fields[] =
	"runtime.runtimeName,runtime.containerId,runtime.containerName,"
	"runtime.containerImageName,runtime.containerImageDigest,runtime.containerPid,"
	"runtime.containerStartedAt,proc.mntns_id,k8s.namespace,k8s.podName,k8s.containerName";

/* The same container fields as events get, and the list's own. */
static void container_row(const struct enricher *e, struct row *r, const struct container *c,
			  const char *event)
{
	row_reset(r);
	enricher_fill_container(e, r, c);
	row_set_uint(r, CF_MNTNS, c->mntns);
	row_set_str(r, GF(F_EVENT), event, strlen(event));
}

/* A container's identity across scans: its ID and whether it runs. */
struct seen {
	char id[CT_ID_LEN];
	bool running;
};

static bool seen_has(const struct seen *v, size_t n, const struct container *c)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, c->id) && v[i].running == !c->exited)
			return true;
	return false;
}

static size_t snapshot(struct container_table *ct, struct enricher *e, struct seen **out)
{
	size_t n = ct_count(ct), k = 0;
	struct seen *v = calloc(n + 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++) {
		const struct container *c = ct_at(ct, i);

		if (!enricher_selects(e, c))
			continue;
		memcpy(v[k].id, c->id, sizeof(v[k].id));
		v[k++].running = !c->exited;
	}
	*out = v;
	return v ? k : 0;
}

static int print_changes(struct output *o, struct row *r, struct container_table *ct,
			 struct enricher *e, struct seen *before, size_t nbefore)
{
	for (size_t i = 0; i < ct_count(ct); i++) {
		const struct container *c = ct_at(ct, i);

		if (!enricher_selects(e, c) || seen_has(before, nbefore, c))
			continue;
		container_row(e, r, c, c->exited ? "removed" : "added");
		output_row(o, r);
	}
	return output_flush(o, STDOUT_FILENO);
}

static int watch(struct output *o, struct row *r, struct container_table *ct, struct enricher *e)
{
	struct seen *before;
	size_t n = snapshot(ct, e, &before);

	sys_install_stop_signals();
	while (!sys_stop_signal) {
		struct timespec ts = { 0, 200 * 1000000L };

		nanosleep(&ts, NULL);
		if (ct_refresh(ct) <= 0)
			continue;
		if (print_changes(o, r, ct, e, before, n))
			break;
		free(before);
		n = snapshot(ct, e, &before);
	}
	free(before);
	return 0;
}

static const struct gadget list_gadget = {
	.name = "list-containers",
	.description = "list the containers on this host",
	.fields = list_fields,
	.nfields = 1,
};

int cmd_list_containers(int argc, char **argv)
{
	struct run_opts o;
	struct flag_value unused[1] = { 0 };
	struct schema s;
	struct selection sel;
	struct output out;
	struct row r;
	struct enricher *e;
	bool watching = false;
	char err[256];
	int ret = 0, nargs = 0;
	char **args = calloc(argc + 1, sizeof(*args));

	/* -w/--watch is ours; everything else is a common flag. */
	for (int i = 0; args && i < argc; i++) {
		if (!strcmp(argv[i], "-w") || !strcmp(argv[i], "--watch"))
			watching = true;
		else
			args[nargs++] = argv[i];
	}
	if (!args || schema_init(&s, list_fields, 1, NULL)) {
		ig_err("out of memory");
		free(args);
		return IG_EXIT_RUNTIME;
	}
	ret = cli_parse_run(&list_gadget, nargs, args, &o, unused, err, sizeof(err));
	free(args);
	if (ret) {
		if (ret < 0)
			ig_err("%s", err);
		else
			printf("Usage: ig list-containers [-o columns|json|jsonpretty|yaml] [-w|--watch] [-c NAMES] [--host-root DIR]\n");
		schema_free(&s);
		return ret < 0 ? IG_EXIT_USAGE : 0;
	}
	/* An explicit selection keeps JSON and YAML to the container fields. */
	char spec[512];

	snprintf(spec, sizeof(spec), "%s%s", watching ? "event," : "",
		 o.fields ? o.fields : o.mode == OUT_COLUMNS ? list_columns : list_json_fields);
	if (select_fields(&s, spec, &sel, err, sizeof(err))) {
		ig_err("%s", err);
		schema_free(&s);
		return IG_EXIT_USAGE;
	}
	/* Other users' /proc/<pid>/ns/mnt is root's to read. */
	if (geteuid() != 0) {
		ig_err("permission denied: ig list-containers needs root to read containers' namespaces");
		selection_free(&sel);
		schema_free(&s);
		return IG_EXIT_RUNTIME;
	}
	o.host = true;
	e = enricher_new(&o);
	if (!e || output_init(&out, o.mode, &s, &sel) || row_init(&r, &s)) {
		ig_err("out of memory");
		return IG_EXIT_RUNTIME;
	}
	output_header(&out);
	for (size_t i = 0; i < enricher_table_count(e); i++) {
		const struct container *c = enricher_table_at(e, i);

		if (c->exited || !enricher_selects(e, c))
			continue;
		container_row(e, &r, c, "added");
		output_row(&out, &r);
	}
	ret = output_flush(&out, STDOUT_FILENO) ? IG_EXIT_RUNTIME : 0;
	if (!ret && watching)
		ret = watch(&out, &r, enricher_table(e), e);
	row_free(&r);
	output_free(&out);
	selection_free(&sel);
	schema_free(&s);
	enricher_free(e);
	return ret;
}
