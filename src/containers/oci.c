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

/* The annotation keys one Kubernetes runtime writes into config.json. */
struct cri_keys {
	const char *runtime;
	const char *type, *name, *pod, *ns, *image, *image_fallback;
};

/* containerd's CRI plugin (Kubernetes with containerd), then CRI-O. */
static const struct cri_keys cri_runtimes[] = {
	{ "containerd", "io.kubernetes.cri.container-type", "io.kubernetes.cri.container-name",
	  "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	  "io.kubernetes.cri.image-name", NULL },
	{ "cri-o", "io.kubernetes.cri-o.ContainerType", "io.kubernetes.container.name",
	  "io.kubernetes.pod.name", "io.kubernetes.pod.namespace",
	  "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri-o.Image" },
};

static bool from_cri(const json_t *a, const struct cri_keys *k, struct container *c,
		     bool *is_sandbox)
{
	const char *type = ct_json_str(a, k->type);
	const char *name = ct_json_str(a, k->name);
	const char *pod = ct_json_str(a, k->pod);
	const char *image = ct_json_str(a, k->image);

	if (!type && !name && !pod)
		return false;
	if (!image && k->image_fallback)
		image = ct_json_str(a, k->image_fallback);
	*is_sandbox = is_sandbox_type(type);
	copy_if(c->name, sizeof(c->name), name);
	copy_if(c->k8s_container, sizeof(c->k8s_container), name);
	copy_if(c->k8s_pod, sizeof(c->k8s_pod), pod);
	copy_if(c->k8s_namespace, sizeof(c->k8s_namespace), ct_json_str(a, k->ns));
	copy_if(c->image, sizeof(c->image), image);
	c->runtime = k->runtime;
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
	for (size_t i = 0; i < sizeof(cri_runtimes) / sizeof(cri_runtimes[0]); i++)
		if (from_cri(a, &cri_runtimes[i], c, is_sandbox))
			break;
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
