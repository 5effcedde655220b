// SPDX-License-Identifier: Apache-2.0
/*
 * Docker: /var/lib/docker/containers/<id>/config.v2.json is written when the
 * container is created and rewritten on every state change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"

#define DOCKER_CONTAINERS "/var/lib/docker/containers"
#define DOCKER_RUNC_STATE "/run/docker/runtime-runc/moby/%s/state.json"
#define DOCKER_INIT_PID "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/%s/init.pid"

/* What discovery reads of config.v2.json; labels only Kubernetes's. */
static const struct ct_keep docker_keep[] = {
	{ { "ID" } }, { { "Name" } }, { { "Image" } },
	{ { "State", "Pid" } }, { { "State", "Running" } }, { { "State", "StartedAt" } },
	{ { "State", "FinishedAt" } },
	{ { "Config", "Image" } }, { { "Config", "Labels", "io.kubernetes.*" } },
};

/* cri-dockerd (and dockershim before it) labels a pod's containers and
 * names them "k8s_<container>_<pod>_<namespace>_<uid>_<attempt>". Any
 * docker user can set one of those labels, so all of them must agree. */
static const char *name_part(const char *s, const char *part)
{
	size_t n = strlen(part);

	if (strncmp(s, part, n) != 0 || s[n] != '_')
		return NULL;
	return s + n + 1;
}

static bool cri_dockerd_name(const char *name, const char *ctr, const char *pod,
			     const char *ns, const char *uid)
{
	const char *parts[] = { "k8s", ctr, pod, ns, uid };

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && name; i++)
		name = name_part(name, parts[i]);
	return name && *name && strspn(name, "0123456789") == strlen(name);
}

/* The pod's sandbox ID when the labels are cri-dockerd's whole set. */
static const char *docker_k8s_sandbox(const json_t *labels, const char *name)
{
	const char *type = ct_json_str(labels, "io.kubernetes.docker.type");
	const char *ctr = ct_json_str(labels, "io.kubernetes.container.name");
	const char *pod = ct_json_str(labels, "io.kubernetes.pod.name");
	const char *ns = ct_json_str(labels, "io.kubernetes.pod.namespace");
	const char *uid = ct_json_str(labels, "io.kubernetes.pod.uid");
	const char *sandbox = ct_json_str(labels, "io.kubernetes.sandbox.id");

	if (!type || strcmp(type, "container") != 0 || !ctr || !ctr[0] || !pod || !pod[0] ||
	    !ns || !ns[0] || !uid || !uid[0] || !ct_valid_id(sandbox) || !name ||
	    !cri_dockerd_name(name, ctr, pod, ns, uid))
		return NULL;
	return sandbox;
}

static void docker_k8s_labels(const json_t *labels, struct container *c)
{
	const char *name = ct_json_str(labels, "io.kubernetes.container.name");

	ct_copy_str(c->k8s_container, sizeof(c->k8s_container), name);
	ct_copy_str(c->name, sizeof(c->name), name);
	ct_copy_str(c->k8s_pod, sizeof(c->k8s_pod), ct_json_str(labels, "io.kubernetes.pod.name"));
	ct_copy_str(c->k8s_namespace, sizeof(c->k8s_namespace),
		    ct_json_str(labels, "io.kubernetes.pod.namespace"));
}

/* "Name" without its leading '/'; NULL if there is none. */
static const char *docker_name(const json_t *root)
{
	const char *name = ct_json_str(root, "Name");

	if (name && name[0] == '/')
		name++;
	return name && name[0] ? name : NULL;
}

/* sandbox (may be NULL): set to the pod sandbox's ID when the labels claim
 * one, for the loader to check that it exists. */
static int docker_from_json(const json_t *root, struct container *c, char *sandbox)
{
	const json_t *cfg = json_object_get(root, "Config");
	const json_t *state = json_object_get(root, "State");
	const json_t *labels = json_object_get(cfg, "Labels");
	const char *id = ct_json_str(root, "ID");
	const char *name = docker_name(root);
	const char *sb;

	if (!ct_valid_id(id))
		return -EINVAL;
	ct_copy_str(c->id, sizeof(c->id), id);
	ct_copy_str(c->name, sizeof(c->name), name ? name : id);
	ct_copy_str(c->image, sizeof(c->image), ct_json_str(cfg, "Image"));
	c->pid = ct_json_pid(state, "Pid");
	ct_copy_str(c->image_digest, sizeof(c->image_digest), ct_json_str(root, "Image"));
	c->started_at_ns = ct_parse_rfc3339(ct_json_str(state, "StartedAt"));
	c->exited = !json_is_true(json_object_get(state, "Running"));
	/* A running container's is the zero time, which parses as unknown. */
	if (c->exited)
		c->finished_at_ns = ct_parse_rfc3339(ct_json_str(state, "FinishedAt"));
	c->runtime = "docker";
	sb = docker_k8s_sandbox(labels, name);
	if (sb)
		docker_k8s_labels(labels, c);
	if (sandbox)
		ct_copy_str(sandbox, CT_ID_LEN, sb);
	return 0;
}

int ct_parse_docker_config(const char *json, size_t len, struct container *c)
{
	json_t *root;
	int err;

	root = ct_parse_json_keep(json, len, docker_keep, CT_NKEEP(docker_keep), &err);
	if (!root)
		return err;
	err = docker_from_json(root, c, NULL);
	json_decref(root);
	return err;
}

/* Between "runc create" and dockerd's next write of config.v2.json, State
 * says Pid 0 / not running although the container's init already exists
 * (and may be exec'ing): runc's and the shim's state know the pid first. */
static uint32_t docker_early_pid(struct container_table *t, const char *id)
{
	char path[4200], buf[32];
	uint32_t pid = 0;
	long v;

	if (ct_path(t, path, sizeof(path), DOCKER_RUNC_STATE, id) == 0 &&
	    ct_runc_state_pid(t, path, &pid) == 0 && pid)
		return pid;
	if (ct_path(t, path, sizeof(path), DOCKER_INIT_PID, id) == 0 &&
	    ct_read_small(t, path, buf, sizeof(buf)) == 0) {
		v = strtol(buf, NULL, 10);
		if (v > 0 && v <= CT_PID_MAX)
			return (uint32_t)v;
	}
	return 0;
}

/* The sandbox cri-dockerd made for the pod: same pod, and its own type. */
static bool docker_sandbox_ok(struct container_table *t, const char *sandbox,
			      const struct container *c)
{
	static const struct ct_keep keep[] = { { { "Config", "Labels", "io.kubernetes.*" } } };
	const json_t *labels;
	const char *type, *pod, *ns;
	char path[4200];
	json_t *root;
	bool ok;
	int err;

	if (ct_path(t, path, sizeof(path), DOCKER_CONTAINERS "/%s/config.v2.json", sandbox))
		return false;
	root = ct_load_json_keep(t, path, keep, CT_NKEEP(keep), &err);
	labels = json_object_get(json_object_get(root, "Config"), "Labels");
	type = ct_json_str(labels, "io.kubernetes.docker.type");
	pod = ct_json_str(labels, "io.kubernetes.pod.name");
	ns = ct_json_str(labels, "io.kubernetes.pod.namespace");
	ok = type && strcmp(type, "podsandbox") == 0 && pod && strcmp(pod, c->k8s_pod) == 0 &&
	     ns && strcmp(ns, c->k8s_namespace) == 0;
	json_decref(root);
	return ok;
}

/* Labels that claim a pod whose sandbox is not there name nothing. */
static void drop_k8s(struct container *c, const json_t *root)
{
	const char *name = docker_name(root);

	ct_copy_str(c->name, sizeof(c->name), name ? name : c->id);
	c->k8s_container[0] = c->k8s_pod[0] = c->k8s_namespace[0] = '\0';
}

/* A config.v2.json too large even to stream: the container is still
 * Docker's, known by its ID only, and said so once. */
static void docker_too_large(struct container_table *t, const char *id, struct container *c)
{
	memset(c, 0, sizeof(*c));
	ct_copy_str(c->id, sizeof(c->id), id);
	ct_copy_str(c->name, sizeof(c->name), id);
	c->runtime = "docker";
	c->exited = true;
	if (!t->warned_too_large) {
		t->warned_too_large = true;
		fprintf(stderr, "ig: Docker container %s: its config.v2.json is too large (over "
			"%u bytes, or over %u in the fields ig reads); it is named by its ID, "
			"without image\n", id, CT_MAX_STREAM, CT_MAX_FILE);
	}
}

int ct_docker_load(struct container_table *t, const char *id, struct container *c)
{
	char path[4200], sandbox[CT_ID_LEN] = "";
	json_t *root;
	uint32_t pid;
	int err;

	err = ct_path(t, path, sizeof(path), DOCKER_CONTAINERS "/%s/config.v2.json", id);
	if (err)
		return err;
	root = ct_load_json_keep(t, path, docker_keep, CT_NKEEP(docker_keep), &err);
	if (!root && err != -EFBIG)
		return -ENOENT;
	if (root) {
		memset(c, 0, sizeof(*c));
		err = docker_from_json(root, c, sandbox);
		if (!err && sandbox[0] && !docker_sandbox_ok(t, sandbox, c))
			drop_k8s(c, root);
		json_decref(root);
		if (err || strcmp(c->id, id) != 0)
			return -ENOENT;
	} else {
		docker_too_large(t, id, c);
	}
	if (c->exited || !c->pid) {
		pid = docker_early_pid(t, id);
		if (pid) {
			c->pid = pid;
			c->exited = false;
		}
	}
	return 0;
}

static int docker_scan_one(struct container_table *t, const char *id, void *arg)
{
	struct container c;

	if (ct_docker_load(t, id, &c) < 0)
		return 0;
	return ct_scan_add(t, arg, &c);
}

int ct_docker_scan(struct container_table *t, struct ct_scan *s)
{
	char path[4200];
	int err;

	err = ct_path(t, path, sizeof(path), DOCKER_CONTAINERS);
	return err ? err : ct_each_entry(t, path, docker_scan_one, s);
}
