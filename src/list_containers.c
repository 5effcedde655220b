// SPDX-License-Identifier: Apache-2.0
/* ig list-containers [-o columns|json|jsonpretty|yaml] [-w] [--host-root DIR]:
 * the container table, printed through the same field model as events. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "containers/containers.h"
#include "enrich.h"
#include "list_containers.h"
#include "sink.h"
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

struct list_opts {
	bool watch;
};

static const struct gadget_flag list_flags[] = {
	{ "watch", GF_BOOL, NULL, "print containers as they start and stop", true,
	  offsetof(struct list_opts, watch), 'w' },
};

static void usage(void)
{
	printf("Usage: ig list-containers [-o columns|json|jsonpretty|yaml] [-w|--watch] [-c NAMES] [--host-root DIR]\n");
}

/* The chain of the table: an explicit selection keeps JSON and YAML to the
 * container fields; --watch adds the event. */
static int open_sink(struct sink *k, struct run_opts *o, bool watching)
{
	char spec[512], err[256];
	int ret;

	snprintf(spec, sizeof(spec), "%s%s", watching ? "event," : "",
		 o->fields ? o->fields : o->mode == OUT_COLUMNS ? list_columns : list_json_fields);
	o->fields = spec;
	ret = sink_init(k, list_fields, ARRAY_SIZE(list_fields), NULL, o, err, sizeof(err));
	o->fields = NULL;
	if (ret && err[0])
		ig_err("%s", err);
	return ret == -ENOMEM ? IG_EXIT_RUNTIME : ret ? IG_EXIT_USAGE : 0;
}

int cmd_list_containers(int argc, char **argv)
{
	struct cli_cmd cmd = {
		.name = "list-containers", .hint = "ig list-containers --help",
		.flags = list_flags, .nflags = ARRAY_SIZE(list_flags),
	};
	struct list_opts lo = { 0 };
	struct sink k = { 0 };
	struct run_opts o;
	struct enricher *e = NULL;
	char err[256];
	int ret;

	cmd.opts = &lo;
	ret = cli_parse(&cmd, argc, argv, &o, err, sizeof(err));
	if (ret) {
		if (ret < 0)
			ig_err("%s", err);
		else
			usage();
		return ret < 0 ? IG_EXIT_USAGE : 0;
	}
	ret = open_sink(&k, &o, lo.watch);
	if (ret)
		goto out;
	/* Other users' /proc/<pid>/ns/mnt is root's to read. */
	if (geteuid() != 0) {
		ig_err("permission denied: ig list-containers needs root to read containers' namespaces");
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	o.host = true;
	e = enricher_new(&o);   /* says why it failed */
	if (!e) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	output_header(&k.out);
	for (size_t i = 0; i < enricher_table_count(e); i++) {
		const struct container *c = enricher_table_at(e, i);

		if (c->exited || !enricher_selects(e, c))
			continue;
		container_row(e, &k.row, c, "added");
		output_row(&k.out, &k.row);
	}
	ret = output_flush(&k.out, STDOUT_FILENO) ? IG_EXIT_RUNTIME : 0;
	if (!ret && lo.watch)
		ret = watch(&k.out, &k.row, enricher_table(e), e);
out:
	sink_free(&k);
	enricher_free(e);
	return ret;
}
