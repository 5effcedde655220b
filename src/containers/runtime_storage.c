// SPDX-License-Identifier: Apache-2.0
/*
 * Podman and CRI-O share containers/storage. What each one writes, seen on
 * Podman 4.3 and in CRI-O's sources:
 *
 *   run root   /run/containers/storage/overlay-containers/<id>/userdata/
 *              pidfile (the container's init, written by conmon) for both;
 *              config.json, the OCI bundle, for CRI-O only
 *   graph root /var/lib/containers/storage/overlay-containers/<id>/userdata/
 *              config.json for both (Podman's bundle, CRI-O's copy)
 *   graph root overlay-containers/containers.json: every container's id,
 *              names, image ID and "metadata" (a JSON string: image-name,
 *              and for CRI-O pod-name, pod-id, ...)
 *   graph root overlay-images/images.json: every image's id and names
 *
 * Podman's name and image are only in the storage files: its config.json
 * annotations say "io.container.manager": "libpod" and little else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct_internal.h"

#define STORAGE_RUN "/run/containers/storage/overlay-containers"
#define STORAGE_GRAPH "/var/lib/containers/storage/overlay-containers"
#define STORAGE_DB STORAGE_GRAPH "/containers.json"
#define STORAGE_IMAGES "/var/lib/containers/storage/overlay-images/images.json"
#define RUNC_STATE "/run/runc/%s/state.json"

static const struct ct_keep db_keep[] = {
	{ { "[]", "id" } }, { { "[]", "names" } }, { { "[]", "image" } }, { { "[]", "metadata" } },
};

static const struct ct_keep images_keep[] = {
	{ { "[]", "id" } }, { { "[]", "names" } },
};

/* containers.json and images.json, read at most once per scan. */
struct storage {
	json_t *db;
	json_t *images;
	bool images_read;
};

static json_t *load_graph_file(struct container_table *t, const char *rel,
			       const struct ct_keep *keep, size_t nkeep)
{
	char path[4200];
	int err;

	if (ct_path(t, path, sizeof(path), "%s", rel) < 0)
		return NULL;
	return ct_load_json_keep(t, path, keep, nkeep, &err);
}

static const json_t *entry_by_id(const json_t *list, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *eid = ct_json_str(e, "id");

		if (eid && strcmp(eid, id) == 0)
			return e;
	}
	return NULL;
}

static const char *first_name(const json_t *e)
{
	return json_string_value(json_array_get(json_object_get(e, "names"), 0));
}

/* "metadata" is a JSON document inside a string. */
static void image_from_metadata(const json_t *e, struct container *c)
{
	const char *meta = ct_json_str(e, "metadata");
	json_t *m;
	int err;

	if (!meta)
		return;
	m = ct_parse_json(meta, strlen(meta), &err);
	if (m && ct_json_str(m, "image-name"))
		ct_copy_str(c->image, sizeof(c->image), ct_json_str(m, "image-name"));
	json_decref(m);
}

/* Name and image of container id from containers.json and, for an image
 * the metadata does not name, images.json (either may be NULL). */
static void apply_storage(const json_t *db, const json_t *images, const char *id,
			  struct container *c)
{
	const json_t *e = entry_by_id(db, id);
	const char *name = first_name(e), *image_id;

	if (!e)
		return;
	/* CRI-O's storage name is "k8s_<container>_<pod>_..."; its verified
	 * annotations already gave the Kubernetes name. */
	if (name && !c->k8s_container[0])
		ct_copy_str(c->name, sizeof(c->name), name);
	if (!c->image[0])
		image_from_metadata(e, c);
	image_id = ct_json_str(e, "image");
	if (!c->image[0] && image_id)
		ct_copy_str(c->image, sizeof(c->image), first_name(entry_by_id(images, image_id)));
}

int ct_parse_storage(const char *containers_json, size_t len, const char *images_json,
		     size_t images_len, const char *id, struct container *c)
{
	json_t *db, *images = NULL;
	int err;

	db = ct_parse_json_keep(containers_json, len, db_keep, CT_NKEEP(db_keep), &err);
	if (!db)
		return err;
	if (images_json)
		images = ct_parse_json_keep(images_json, images_len, images_keep,
					    CT_NKEEP(images_keep), &err);
	if (!json_is_array(db) || (images_json && !json_is_array(images)))
		err = -EINVAL;
	else
		apply_storage(db, images, id, c);
	json_decref(db);
	json_decref(images);
	return err;
}

static uint32_t read_pid(struct container_table *t, const char *path)
{
	char buf[32];
	long v;

	if (ct_read_small(t, path, buf, sizeof(buf)) < 0)
		return 0;
	v = strtol(buf, NULL, 10);
	return v > 0 && v <= CT_PID_MAX ? (uint32_t)v : 0;
}

static uint32_t storage_pid(struct container_table *t, const char *id)
{
	char path[4200];
	uint32_t pid = 0;

	if (ct_path(t, path, sizeof(path), STORAGE_RUN "/%s/userdata/pidfile", id) == 0 &&
	    (pid = read_pid(t, path)))
		return pid;
	/* conmon writes the pidfile after "runc create" returns. */
	if (ct_path(t, path, sizeof(path), RUNC_STATE, id) == 0)
		ct_runc_state_pid(t, path, &pid);
	return pid;
}

/* CRI-O's bundle is in the run root, Podman's in the graph root. */
static int load_config(struct container_table *t, const char *id, struct ct_oci *o)
{
	static const char *const dirs[] = { STORAGE_RUN, STORAGE_GRAPH };
	char path[4200];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (ct_path(t, path, sizeof(path), "%s/%s/userdata/config.json", dirs[i], id) == 0 &&
		    ct_oci_load(t, path, o) == 0)
			return 0;
	return -ENOENT;
}

/* CRI-O's pod sandbox (the infra container) is in the same store. */
static bool sandbox_ok(struct container_table *t, const struct ct_oci *o)
{
	struct container scratch = { 0 };
	struct ct_oci sb = { .c = &scratch };

	return ct_valid_id(o->sandbox_id) && load_config(t, o->sandbox_id, &sb) == 0 &&
	       ct_oci_sandbox_matches(&sb, o->c);
}

static int storage_load_with(struct container_table *t, const char *id, struct storage *st,
			     struct container *c)
{
	struct ct_oci o = { .c = c };

	memset(c, 0, sizeof(*c));
	if (load_config(t, id, &o) < 0 || o.is_sandbox)
		return -ENOENT;
	if (o.sandbox_id[0] && !sandbox_ok(t, &o))
		ct_oci_drop_k8s(c);
	/* Podman marks its containers; CRI-O's are known by their Kubernetes
	 * annotations. Anything else in the store is taken as Podman's. */
	if (!c->runtime || strcmp(c->runtime, "cri-o") != 0)
		c->runtime = "podman";
	ct_copy_str(c->id, sizeof(c->id), id);
	if (!c->image[0] && !st->images_read) {
		st->images = load_graph_file(t, STORAGE_IMAGES, images_keep, CT_NKEEP(images_keep));
		st->images_read = true;
	}
	apply_storage(st->db, st->images, id, c);
	if (!c->name[0])
		ct_copy_str(c->name, sizeof(c->name), id);
	c->pid = storage_pid(t, id);
	return 0;
}

static void storage_open(struct container_table *t, struct storage *st)
{
	st->db = load_graph_file(t, STORAGE_DB, db_keep, CT_NKEEP(db_keep));
	st->images = NULL;
	st->images_read = false;
}

static void storage_close(struct storage *st)
{
	json_decref(st->db);
	json_decref(st->images);
}

int ct_storage_load(struct container_table *t, const char *id, struct container *c)
{
	struct storage st;
	char path[4200];
	int err;

	/* ct_resolve() probes every runtime for an ID: only read the storage
	 * files (they list every container) when this one is in the store. */
	if (ct_path(t, path, sizeof(path), STORAGE_RUN "/%s/userdata", id) < 0 ||
	    access(path, F_OK) != 0)
		return -ENOENT;
	storage_open(t, &st);
	err = storage_load_with(t, id, &st, c);
	storage_close(&st);
	return err;
}

struct storage_walk {
	struct ct_scan *s;
	struct storage st;
};

static int storage_scan_one(struct container_table *t, const char *id, void *arg)
{
	struct storage_walk *w = arg;
	struct container c;

	if (storage_load_with(t, id, &w->st, &c) < 0)
		return 0;
	return ct_scan_add(t, w->s, &c);
}

int ct_storage_scan(struct container_table *t, struct ct_scan *s)
{
	struct storage_walk w = { .s = s };
	char path[4200];
	int err;

	err = ct_path(t, path, sizeof(path), STORAGE_RUN);
	if (err)
		return err;
	storage_open(t, &w.st);
	err = ct_each_entry(t, path, storage_scan_one, &w);
	storage_close(&w.st);
	return err;
}
