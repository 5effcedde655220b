// SPDX-License-Identifier: Apache-2.0
/*
 * CRI-O and Podman share containers/storage: the run root holds each
 * container's OCI config.json and conmon's pidfile, the graph root's
 * containers.json holds the names (and, for Podman, the image name).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_internal.h"

#define STORAGE_RUN "/run/containers/storage/overlay-containers"
#define STORAGE_DB "/var/lib/containers/storage/overlay-containers/containers.json"
#define RUNC_STATE "/run/runc/%s/state.json"

static json_t *load_storage_db(struct container_table *t)
{
	char path[4200];

	if (ct_path(t, path, sizeof(path), STORAGE_DB) < 0)
		return NULL;
	return ct_load_json(t, path);
}

static const json_t *storage_entry(const json_t *db, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(db, i, e) {
		const char *eid = ct_json_str(e, "id");

		if (eid && strcmp(eid, id) == 0)
			return e;
	}
	return NULL;
}

/* Podman keeps its image name in the entry's "metadata", a JSON string. */
static void storage_image(const json_t *e, struct container *c)
{
	const char *meta = ct_json_str(e, "metadata");
	json_t *m;
	int err;

	if (!meta)
		return;
	m = ct_parse_json(meta, strlen(meta), &err);
	if (!m)
		return;
	if (ct_json_str(m, "image-name"))
		ct_copy_str(c->image, sizeof(c->image), ct_json_str(m, "image-name"));
	json_decref(m);
}

static void apply_storage(const json_t *db, const char *id, struct container *c)
{
	const json_t *e = storage_entry(db, id);
	const char *name = json_string_value(json_array_get(json_object_get(e, "names"), 0));

	if (!e)
		return;
	/* CRI-O's storage name is "k8s_<container>_<pod>_..."; the annotation
	 * already gave the Kubernetes name. */
	if (name && !c->k8s_container[0])
		ct_copy_str(c->name, sizeof(c->name), name);
	if (!c->image[0])
		storage_image(e, c);
}

static uint32_t conmon_pid(struct container_table *t, const char *id)
{
	char path[4200], buf[32];
	uint32_t pid = 0;
	long v;

	if (ct_path(t, path, sizeof(path), STORAGE_RUN "/%s/userdata/pidfile", id) == 0 &&
	    ct_read_small(t, path, buf, sizeof(buf)) == 0) {
		v = strtol(buf, NULL, 10);
		if (v > 0 && v <= CT_PID_MAX)
			return (uint32_t)v;
	}
	/* conmon writes the pidfile after "runc create" returns. */
	if (ct_path(t, path, sizeof(path), RUNC_STATE, id) == 0)
		ct_runc_state_pid(t, path, &pid);
	return pid;
}

static int crio_load_with(struct container_table *t, const char *id, const json_t *db,
			  struct container *c)
{
	char path[4200];
	bool sandbox;

	if (ct_path(t, path, sizeof(path), STORAGE_RUN "/%s/userdata/config.json", id) < 0)
		return -ENAMETOOLONG;
	memset(c, 0, sizeof(*c));
	/* Podman marks its containers; anything else here without CRI-O's
	 * annotations is also taken as Podman's. */
	c->runtime = "podman";
	if (ct_oci_load(t, path, c, &sandbox) < 0 || sandbox)
		return -ENOENT;
	ct_copy_str(c->id, sizeof(c->id), id);
	apply_storage(db, id, c);
	if (!c->name[0])
		ct_copy_str(c->name, sizeof(c->name), id);
	if (strcmp(c->runtime, "cri-o") != 0)
		c->runtime = "podman";
	c->pid = conmon_pid(t, id);
	return 0;
}

int ct_crio_load(struct container_table *t, const char *id, struct container *c)
{
	char path[4200];
	json_t *db;
	int err;

	/* ct_resolve() probes every runtime for an ID: only read the storage
	 * database (it lists every container) when this one is ours. */
	if (ct_path(t, path, sizeof(path), STORAGE_RUN "/%s/userdata/config.json", id) < 0 ||
	    access(path, F_OK) != 0)
		return -ENOENT;
	db = load_storage_db(t);
	err = crio_load_with(t, id, db, c);
	json_decref(db);
	return err;
}

struct crio_walk {
	struct ct_scan *s;
	json_t *db;                  /* containers.json, read once per scan */
};

static int crio_scan_one(struct container_table *t, const char *id, void *arg)
{
	struct crio_walk *a = arg;
	struct container c;

	if (crio_load_with(t, id, a->db, &c) < 0)
		return 0;
	return ct_scan_add(t, a->s, &c);
}

int ct_crio_scan(struct container_table *t, struct ct_scan *s)
{
	struct crio_walk arg = { s, NULL };
	char path[4200];
	int err;

	err = ct_path(t, path, sizeof(path), STORAGE_RUN);
	if (err)
		return err;
	arg.db = load_storage_db(t);
	err = ct_each_entry(t, path, crio_scan_one, &arg);
	json_decref(arg.db);
	return err;
}
