// SPDX-License-Identifier: Apache-2.0
/*
 * runc's own state (/run/runc/<id>/state.json): the only trace of containers
 * started with "runc run" and no engine above it. runc writes it at create,
 * before the container's first exec.
 */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"

#define RUNC_ROOT "/run/runc"

/* What discovery reads of state.json (its labels hold the bundle path). */
static const struct ct_keep runc_keep[] = {
	{ { "id" } }, { { "init_process_pid" } }, { { "init_process_start" } },
	{ { "config", "labels" } },
};

static const char *runc_bundle(const json_t *root)
{
	const json_t *labels = json_object_get(json_object_get(root, "config"), "labels");
	const char *s;
	size_t i;

	for (i = 0; i < json_array_size(labels); i++) {
		s = json_string_value(json_array_get(labels, i));
		if (s && strncmp(s, "bundle=", 7) == 0)
			return s + 7;
	}
	return NULL;
}

static int runc_from_json(const json_t *root, struct container *c, char *bundle,
			  size_t bundle_len)
{
	const char *id = ct_json_str(root, "id"), *b;

	if (!ct_valid_id(id))
		return -EINVAL;
	ct_copy_str(c->id, sizeof(c->id), id);
	ct_copy_str(c->name, sizeof(c->name), id);
	c->pid = ct_json_pid(root, "init_process_pid");
	c->runtime = "runc";
	if (bundle && bundle_len) {
		b = runc_bundle(root);
		/* A truncated path would name some other directory. */
		if (b && strlen(b) < bundle_len)
			strcpy(bundle, b);
		else
			bundle[0] = '\0';
	}
	return 0;
}

int ct_parse_runc_state(const char *json, size_t len, struct container *c, char *bundle,
			size_t bundle_len)
{
	json_t *root;
	int err;

	root = ct_parse_json_keep(json, len, runc_keep, CT_NKEEP(runc_keep), &err);
	if (!root)
		return err;
	err = runc_from_json(root, c, bundle, bundle_len);
	json_decref(root);
	return err;
}

/* Field 22 of /proc/<pid>/stat, after the parenthesised comm that may itself
 * contain spaces and parentheses. */
static int pid_start_time(const struct container_table *t, uint32_t pid, uint64_t *start)
{
	char path[4200], buf[1024], *p;
	int i, err;

	err = ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/stat", pid);
	if (!err)
		err = ct_read_small(t, path, buf, sizeof(buf));
	if (err)
		return err;
	p = strrchr(buf, ')');
	for (i = 0; p && i < 20; i++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EINVAL;
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

/* runc records the init's start time so a recycled pid is not mistaken for
 * a container whose state was never cleaned up. Unknown counts as alive. */
static bool same_process(const struct container_table *t, const json_t *root, uint32_t pid)
{
	const json_t *v = json_object_get(root, "init_process_start");
	uint64_t start;

	if (!json_is_integer(v) || pid_start_time(t, pid, &start) < 0)
		return true;
	return (uint64_t)json_integer_value(v) == start;
}

int ct_runc_state_pid(struct container_table *t, const char *state_path, uint32_t *pid)
{
	struct container c = { 0 };
	json_t *root;
	int err;

	root = ct_load_json_keep(t, state_path, runc_keep, CT_NKEEP(runc_keep), &err);
	if (!root)
		return -ENOENT;
	err = runc_from_json(root, &c, NULL, 0);
	if (!err && c.pid && !same_process(t, root, c.pid))
		c.pid = 0;
	json_decref(root);
	*pid = c.pid;
	return err;
}

/* A pod's sandbox is no workload, whichever source finds it. The bundle's
 * annotations name nothing else: runc alone is no CRI runtime, and whoever
 * ran it wrote them. */
static bool runc_bundle_is_sandbox(struct container_table *t, const char *bundle)
{
	struct container scratch = { 0 };
	struct ct_oci o = { .c = &scratch };
	char path[4200];

	if (!bundle[0] || ct_path(t, path, sizeof(path), "%s/config.json", bundle) < 0)
		return false;
	return ct_oci_load(t, path, &o) == 0 && o.is_sandbox;
}

int ct_runc_load(struct container_table *t, const char *id, struct container *c)
{
	char path[4200], bundle[4096];
	json_t *root;
	int err;

	err = ct_path(t, path, sizeof(path), RUNC_ROOT "/%s/state.json", id);
	if (err)
		return err;
	root = ct_load_json_keep(t, path, runc_keep, CT_NKEEP(runc_keep), &err);
	if (!root)
		return -ENOENT;
	memset(c, 0, sizeof(*c));
	err = runc_from_json(root, c, bundle, sizeof(bundle));
	if (!err && c->pid && !same_process(t, root, c->pid))
		c->pid = 0;
	json_decref(root);
	if (err || strcmp(c->id, id) != 0)
		return -ENOENT;
	return runc_bundle_is_sandbox(t, bundle) ? -ENOENT : 0;
}

static int runc_scan_one(struct container_table *t, const char *id, void *arg)
{
	struct container c;

	if (ct_runc_load(t, id, &c) < 0)
		return 0;
	return ct_scan_add(t, arg, &c);
}

int ct_runc_scan(struct container_table *t, struct ct_scan *s)
{
	char path[4200];
	int err;

	err = ct_path(t, path, sizeof(path), RUNC_ROOT);
	return err ? err : ct_each_entry(t, path, runc_scan_one, s);
}
