// SPDX-License-Identifier: Apache-2.0
/*
 * Docker: /var/lib/docker/containers/<id>/config.v2.json is written when the
 * container is created and rewritten on every state change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"

#define DOCKER_CONTAINERS "/var/lib/docker/containers"
#define DOCKER_RUNC_STATE "/run/docker/runtime-runc/moby/%s/state.json"
#define DOCKER_INIT_PID "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby/%s/init.pid"

/* Pods run through cri-dockerd carry the Kubernetes identity as labels. */
static void docker_k8s_labels(const json_t *labels, struct container *c)
{
	const char *name = ct_json_str(labels, "io.kubernetes.container.name");
	const char *pod = ct_json_str(labels, "io.kubernetes.pod.name");
	const char *ns = ct_json_str(labels, "io.kubernetes.pod.namespace");

	if (name) {
		ct_copy_str(c->k8s_container, sizeof(c->k8s_container), name);
		ct_copy_str(c->name, sizeof(c->name), name);
	}
	if (pod)
		ct_copy_str(c->k8s_pod, sizeof(c->k8s_pod), pod);
	if (ns)
		ct_copy_str(c->k8s_namespace, sizeof(c->k8s_namespace), ns);
}

static int docker_from_json(const json_t *root, struct container *c)
{
	const json_t *cfg = json_object_get(root, "Config");
	const json_t *state = json_object_get(root, "State");
	const char *id = ct_json_str(root, "ID");
	const char *name = ct_json_str(root, "Name");

	if (!ct_valid_id(id))
		return -EINVAL;
	ct_copy_str(c->id, sizeof(c->id), id);
	if (name && name[0] == '/')
		name++;
	ct_copy_str(c->name, sizeof(c->name), name && name[0] ? name : id);
	ct_copy_str(c->image, sizeof(c->image), ct_json_str(cfg, "Image"));
	c->pid = ct_json_pid(state, "Pid");
	ct_copy_str(c->image_digest, sizeof(c->image_digest), ct_json_str(root, "Image"));
	c->started_at_ns = ct_parse_rfc3339(ct_json_str(state, "StartedAt"));
	c->exited = !json_is_true(json_object_get(state, "Running"));
	c->runtime = "docker";
	docker_k8s_labels(json_object_get(cfg, "Labels"), c);
	return 0;
}

int ct_parse_docker_config(const char *json, size_t len, struct container *c)
{
	json_t *root;
	int err;

	root = ct_parse_json(json, len, &err);
	if (!root)
		return err;
	err = docker_from_json(root, c);
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

int ct_docker_load(struct container_table *t, const char *id, struct container *c)
{
	char path[4200];
	json_t *root;
	uint32_t pid;
	int err;

	err = ct_path(t, path, sizeof(path), DOCKER_CONTAINERS "/%s/config.v2.json", id);
	if (err)
		return err;
	root = ct_load_json(t, path);
	if (!root)
		return -ENOENT;
	memset(c, 0, sizeof(*c));
	err = docker_from_json(root, c);
	json_decref(root);
	if (err || strcmp(c->id, id) != 0)
		return -ENOENT;
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
