// SPDX-License-Identifier: Apache-2.0
/*
 * OCI runtime-spec config.json: the runtimes record who a container is in its
 * annotations, each with its own keys.
 */
#include <errno.h>
#include <string.h>

#include "ct_internal.h"

static void copy_if(char *dst, size_t size, const char *src)
{
	if (src && src[0])
		ct_copy_str(dst, size, src);
}

static bool is_sandbox_type(const char *type)
{
	return type && strcmp(type, "sandbox") == 0;
}

/* containerd's CRI plugin (Kubernetes with containerd). */
static bool from_containerd_cri(const json_t *a, struct container *c, bool *is_sandbox)
{
	const char *type = ct_json_str(a, "io.kubernetes.cri.container-type");
	const char *name = ct_json_str(a, "io.kubernetes.cri.container-name");
	const char *pod = ct_json_str(a, "io.kubernetes.cri.sandbox-name");

	if (!type && !name && !pod)
		return false;
	*is_sandbox = is_sandbox_type(type);
	copy_if(c->name, sizeof(c->name), name);
	copy_if(c->k8s_container, sizeof(c->k8s_container), name);
	copy_if(c->k8s_pod, sizeof(c->k8s_pod), pod);
	copy_if(c->k8s_namespace, sizeof(c->k8s_namespace),
		ct_json_str(a, "io.kubernetes.cri.sandbox-namespace"));
	copy_if(c->image, sizeof(c->image), ct_json_str(a, "io.kubernetes.cri.image-name"));
	c->runtime = "containerd";
	return true;
}

static bool from_crio(const json_t *a, struct container *c, bool *is_sandbox)
{
	const char *type = ct_json_str(a, "io.kubernetes.cri-o.ContainerType");
	const char *name = ct_json_str(a, "io.kubernetes.container.name");
	const char *pod = ct_json_str(a, "io.kubernetes.pod.name");
	const char *image = ct_json_str(a, "io.kubernetes.cri-o.ImageName");

	if (!type && !name && !pod)
		return false;
	*is_sandbox = is_sandbox_type(type);
	copy_if(c->name, sizeof(c->name), name);
	copy_if(c->k8s_container, sizeof(c->k8s_container), name);
	copy_if(c->k8s_pod, sizeof(c->k8s_pod), pod);
	copy_if(c->k8s_namespace, sizeof(c->k8s_namespace),
		ct_json_str(a, "io.kubernetes.pod.namespace"));
	copy_if(c->image, sizeof(c->image),
		image ? image : ct_json_str(a, "io.kubernetes.cri-o.Image"));
	c->runtime = "cri-o";
	return true;
}

int ct_oci_from_json(const json_t *root, struct container *c, bool *is_sandbox)
{
	const json_t *a;
	const char *mgr;

	*is_sandbox = false;
	if (!json_is_object(root))
		return -EINVAL;
	a = json_object_get(root, "annotations");
	if (!json_is_object(a))
		return 0;
	/* Podman reuses some CRI-O keys (and marks pod infra containers with
	 * CRI-O's ContainerType), so its own marker is checked first. */
	mgr = ct_json_str(a, "io.container.manager");
	if (mgr && strcmp(mgr, "libpod") == 0) {
		*is_sandbox = is_sandbox_type(ct_json_str(a, "io.kubernetes.cri-o.ContainerType"));
		c->runtime = "podman";
		return 0;
	}
	if (!from_containerd_cri(a, c, is_sandbox))
		from_crio(a, c, is_sandbox);
	return 0;
}

int ct_parse_oci_config(const char *json, size_t len, struct container *c, bool *is_sandbox)
{
	bool sandbox = false;
	json_t *root;
	int err;

	root = ct_parse_json(json, len, &err);
	if (!root)
		return err;
	err = ct_oci_from_json(root, c, &sandbox);
	json_decref(root);
	if (is_sandbox)
		*is_sandbox = sandbox;
	return err;
}

/* A bundle's config.json on the host; -ENOENT if missing or unreadable. */
int ct_oci_load(struct container_table *t, const char *path, struct container *c,
		bool *is_sandbox)
{
	json_t *root;
	int err;

	*is_sandbox = false;
	root = ct_load_json(t, path);
	if (!root)
		return -ENOENT;
	err = ct_oci_from_json(root, c, is_sandbox);
	json_decref(root);
	return err;
}
