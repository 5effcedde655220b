// SPDX-License-Identifier: Apache-2.0
/*
 * containerd: every task has a shim v2 bundle <state>/io.containerd.runtime.v2.task/
 * <namespace>/<id>/ holding the OCI config.json and the init's init.pid. The
 * Kubernetes identity is in the CRI plugin's annotations.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"

/* The system containerd, Docker's private one, and k3s's. */
static const char *const task_roots[] = {
	"/run/containerd/io.containerd.runtime.v2.task",
	"/run/docker/containerd/daemon/io.containerd.runtime.v2.task",
	"/run/k3s/containerd/io.containerd.runtime.v2.task",
};

#define N_ROOTS (sizeof(task_roots) / sizeof(task_roots[0]))

static uint32_t read_init_pid(struct container_table *t, const char *bundle)
{
	char path[4200], buf[32];
	long v;

	if (snprintf(path, sizeof(path), "%s/init.pid", bundle) >= (int)sizeof(path) ||
	    ct_read_small(t, path, buf, sizeof(buf)) < 0)
		return 0;
	v = strtol(buf, NULL, 10);
	return (v > 0 && v <= CT_PID_MAX) ? (uint32_t)v : 0;
}

/* The CRI plugin keeps the pod's sandbox as a task of the same namespace. */
static bool sandbox_ok(struct container_table *t, const char *bundle, const struct ct_oci *o)
{
	struct container scratch = { 0 };
	struct ct_oci sb = { .c = &scratch };
	const char *slash = strrchr(bundle, '/');
	char path[4200];

	if (!slash || snprintf(path, sizeof(path), "%.*s/%s/config.json", (int)(slash - bundle),
			       bundle, o->sandbox_id) >= (int)sizeof(path))
		return false;
	return ct_oci_load(t, path, &sb) == 0 && ct_oci_sandbox_matches(&sb, o->c);
}

/* bundle is already prefixed with the host root. */
static int load_bundle(struct container_table *t, const char *bundle, const char *id,
		       struct container *c)
{
	struct ct_oci o = { .c = c };
	char path[4200];

	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	memset(c, 0, sizeof(*c));
	if (ct_oci_load(t, path, &o) < 0)
		return -ENOENT;
	/* Pause containers only hold the pod's namespaces. */
	if (o.is_sandbox)
		return -ENOENT;
	if (o.sandbox_id[0] && !sandbox_ok(t, bundle, &o))
		ct_oci_drop_k8s(c);
	ct_copy_str(c->id, sizeof(c->id), id);
	if (!c->name[0])
		ct_copy_str(c->name, sizeof(c->name), id);
	c->runtime = "containerd";
	c->pid = read_init_pid(t, bundle);
	return 0;
}

struct ns_walk {
	const char *root;            /* host-prefixed task root */
	const char *id;              /* NULL: every container; else just this one */
	struct ct_scan *scan;
	struct container *found;
	int status;
};

static int scan_container(struct container_table *t, const char *id, void *arg)
{
	struct ns_walk *w = arg;
	char bundle[4200];
	struct container c;

	if (snprintf(bundle, sizeof(bundle), "%s/%s", w->root, id) >= (int)sizeof(bundle))
		return 0;
	if (load_bundle(t, bundle, id, &c) < 0)
		return 0;
	return ct_scan_add(t, w->scan, &c);
}

static int walk_namespace(struct container_table *t, const char *ns, void *arg)
{
	struct ns_walk *w = arg, inner = *w;
	char dir[4200];

	if (!w->id) {
		if (snprintf(dir, sizeof(dir), "%s/%s", w->root, ns) >= (int)sizeof(dir))
			return 0;
		inner.root = dir;
		return ct_each_entry(t, dir, scan_container, &inner);
	}
	/* Looking for one ID: the first namespace that has it wins. */
	if (w->status != 0 &&
	    snprintf(dir, sizeof(dir), "%s/%s/%s", w->root, ns, w->id) < (int)sizeof(dir))
		w->status = load_bundle(t, dir, w->id, w->found);
	return 0;
}

static int walk_roots(struct container_table *t, struct ns_walk *w)
{
	char root[4200];
	size_t i;
	int err;

	for (i = 0; i < N_ROOTS; i++) {
		if (ct_path(t, root, sizeof(root), "%s", task_roots[i]) < 0)
			continue;
		w->root = root;
		err = ct_each_entry(t, root, walk_namespace, w);
		if (err == -ENOMEM)
			return err;
		if (w->id && w->status == 0)
			return 0;
	}
	return 0;
}

int ct_containerd_scan(struct container_table *t, struct ct_scan *s)
{
	struct ns_walk w = { .scan = s };

	return walk_roots(t, &w);
}

int ct_containerd_load(struct container_table *t, const char *id, struct container *c)
{
	struct ns_walk w = { .id = id, .found = c, .status = -ENOENT };

	walk_roots(t, &w);
	return w.status;
}
