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

/* What discovery reads of an OCI config.json. */
static const struct ct_keep oci_keep[] = {
	{ { "annotations", "io.kubernetes.*" } },
	{ { "annotations", "io.container.manager" } },
};

/* The annotation keys one Kubernetes runtime writes into config.json. */
struct cri_keys {
	const char *runtime;
	const char *type, *name, *pod, *ns, *sandbox_id, *image, *image_fallback;
};

/* containerd's CRI plugin (Kubernetes with containerd), then CRI-O. */
static const struct cri_keys cri_runtimes[] = {
	{ "containerd", "io.kubernetes.cri.container-type", "io.kubernetes.cri.container-name",
	  "io.kubernetes.cri.sandbox-name", "io.kubernetes.cri.sandbox-namespace",
	  "io.kubernetes.cri.sandbox-id", "io.kubernetes.cri.image-name", NULL },
	{ "cri-o", "io.kubernetes.cri-o.ContainerType", "io.kubernetes.container.name",
	  "io.kubernetes.pod.name", "io.kubernetes.pod.namespace",
	  "io.kubernetes.cri-o.SandboxID", "io.kubernetes.cri-o.ImageName",
	  "io.kubernetes.cri-o.Image" },
};

static bool nonempty(const char *s)
{
	return s && s[0];
}

/* A CRI runtime writes the whole set for every container of a pod: its
 * type, its name, and the pod's sandbox, name and namespace. One key alone
 * is something anybody who starts a container can set. */
static bool from_cri(const json_t *a, const struct cri_keys *k, struct ct_oci *o)
{
	const char *type = ct_json_str(a, k->type);
	const char *name = ct_json_str(a, k->name);
	const char *pod = ct_json_str(a, k->pod);
	const char *ns = ct_json_str(a, k->ns);
	const char *sandbox = ct_json_str(a, k->sandbox_id);
	const char *image = ct_json_str(a, k->image);
	struct container *c = o->c;

	if (is_sandbox_type(type)) {
		o->is_sandbox = true;
		copy_if(o->pod, sizeof(o->pod), pod);
		copy_if(o->ns, sizeof(o->ns), ns);
		c->runtime = k->runtime;
		return true;
	}
	if (!type || strcmp(type, "container") != 0 || !nonempty(name) || !nonempty(pod) ||
	    !nonempty(ns) || !ct_valid_id(sandbox))
		return false;
	if (!image && k->image_fallback)
		image = ct_json_str(a, k->image_fallback);
	ct_copy_str(o->sandbox_id, sizeof(o->sandbox_id), sandbox);
	copy_if(c->name, sizeof(c->name), name);
	copy_if(c->k8s_container, sizeof(c->k8s_container), name);
	copy_if(c->k8s_pod, sizeof(c->k8s_pod), pod);
	copy_if(c->k8s_namespace, sizeof(c->k8s_namespace), ns);
	copy_if(c->image, sizeof(c->image), image);
	c->runtime = k->runtime;
	return true;
}

int ct_oci_from_json(const json_t *root, struct ct_oci *o)
{
	const json_t *a;
	const char *mgr;

	o->is_sandbox = false;
	o->sandbox_id[0] = o->pod[0] = o->ns[0] = '\0';
	if (!json_is_object(root))
		return -EINVAL;
	a = json_object_get(root, "annotations");
	if (!json_is_object(a))
		return 0;
	/* Podman reuses some CRI-O keys (and marks pod infra containers with
	 * CRI-O's ContainerType), so its own marker is checked first. */
	mgr = ct_json_str(a, "io.container.manager");
	if (mgr && strcmp(mgr, "libpod") == 0) {
		o->is_sandbox = is_sandbox_type(ct_json_str(a, "io.kubernetes.cri-o.ContainerType"));
		o->c->runtime = "podman";
		return 0;
	}
	for (size_t i = 0; i < sizeof(cri_runtimes) / sizeof(cri_runtimes[0]); i++)
		if (from_cri(a, &cri_runtimes[i], o))
			break;
	return 0;
}

/* Whether a container's Kubernetes identity holds: its pod's sandbox is
 * there, is a sandbox, and is the same pod. */
bool ct_oci_sandbox_matches(const struct ct_oci *sandbox, const struct container *c)
{
	return sandbox->is_sandbox && strcmp(sandbox->pod, c->k8s_pod) == 0 &&
	       strcmp(sandbox->ns, c->k8s_namespace) == 0;
}

/* Forget a Kubernetes identity that did not hold. */
void ct_oci_drop_k8s(struct container *c)
{
	c->name[0] = c->image[0] = '\0';
	c->k8s_container[0] = c->k8s_pod[0] = c->k8s_namespace[0] = '\0';
}

int ct_parse_oci_config(const char *json, size_t len, struct container *c, bool *is_sandbox)
{
	struct ct_oci o = { .c = c };
	json_t *root;
	int err;

	root = ct_parse_json_keep(json, len, oci_keep, CT_NKEEP(oci_keep), &err);
	if (!root)
		return err;
	err = ct_oci_from_json(root, &o);
	json_decref(root);
	if (is_sandbox)
		*is_sandbox = o.is_sandbox;
	return err;
}

/* A bundle's config.json on the host; -ENOENT if missing or unreadable. */
int ct_oci_load(struct container_table *t, const char *path, struct ct_oci *o)
{
	json_t *root;
	int err;

	o->is_sandbox = false;
	root = ct_load_json_keep(t, path, oci_keep, CT_NKEEP(oci_keep), &err);
	if (!root)
		return -ENOENT;
	err = ct_oci_from_json(root, o);
	json_decref(root);
	return err;
}
