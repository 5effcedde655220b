/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Container discovery from the host's own state (no runtime sockets).
 *
 * A container is keyed by the inode number of its mount namespace, which is
 * what BPF programs read cheaply from task->nsproxy->mnt_ns->ns.inum.
 */
#ifndef IG_CONTAINERS_H
#define IG_CONTAINERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define CT_ID_LEN    65
#define CT_NAME_LEN  256
#define CT_IMAGE_LEN 256
#define CT_K8S_LEN   254
#define CT_DIGEST_LEN 80        /* "sha256:" and 64 hex digits */

struct container {
	char id[CT_ID_LEN];          /* full runtime ID (64 hex for docker) */
	char name[CT_NAME_LEN];      /* docker: without the leading '/' */
	char image[CT_IMAGE_LEN];
	char image_digest[CT_DIGEST_LEN]; /* docker: the image ID; "" where the state has none */
	uint64_t started_at_ns;      /* wall clock, ns since the epoch; 0 if unknown */
	uint64_t finished_at_ns;     /* wall clock; 0 if running or unknown (docker
				      * keeps it in an exited container's state) */
	const char *runtime;         /* "docker", "containerd", "cri-o", "podman", "runc" */
	char k8s_namespace[CT_K8S_LEN];
	char k8s_pod[CT_K8S_LEN];
	char k8s_container[CT_K8S_LEN];
	uint32_t pid;                /* init process pid on the host */
	uint64_t mntns;              /* mount namespace inode of pid (what /proc shows) */
	uint64_t mntns_key;          /* identity: the kernel's unique mount namespace id
				      * where it has one (never reused, unlike inode
				      * numbers), else the inode; see ct_mntns_by_id() */
	uint64_t netns;              /* network namespace inode of pid; 0 if unknown
				      * (a pod's containers share one) */
	bool exited;                 /* no longer running; kept for late events */
	bool hinted;                 /* only a cgroup named a container here, and the
				      * runtime does not vouch for it: the name is
				      * the claimed one and "?", nothing else is set */
	struct timespec exited_at;   /* CLOCK_MONOTONIC when first seen gone */
};

struct ct_options {
	const char *host_root;       /* prefix for /proc, /run, /var/lib ("" or NULL = "/") */
	bool verbose;                /* -v: report skipped/malformed state files on stderr */
	unsigned int linger_sec;     /* how long exited containers stay resolvable */
};

struct container_table;

struct container_table *ct_new(const struct ct_options *opts);
void ct_free(struct container_table *t);

/* Rescan every runtime's state. Returns the number of containers added or
 * marked exited since the last scan, or a negative errno. */
int ct_refresh(struct container_table *t);

/* Whether mount namespaces are keyed by the kernel's unique id (Linux 6.8+:
 * NS_GET_MNTNS_ID) rather than by inode number. BPF must key the same way. */
bool ct_mntns_by_id(const struct container_table *t);

/* Find a container by mount namespace key (struct container.mntns_key);
 * NULL for the host or unknown. */
const struct container *ct_lookup_mntns(const struct container_table *t, uint64_t key);

/* The running containers whose network namespace is netns (inode): the
 * first, and in *n how many share it (a pod, --network container:X).
 * NULL for 0, the host's or an unknown one. */
const struct container *ct_lookup_netns(const struct container_table *t, uint64_t netns,
					size_t *n);

/* Resolve an unknown mntns key seen in an event from host pid `pid`: rescans
 * (rate limited) and returns the container, or NULL if it is not one. */
const struct container *ct_resolve(struct container_table *t, uint64_t key, uint32_t pid);

/* Returned pointers stay valid until the container is dropped, which only
 * happens inside ct_refresh() and ct_resolve() (after linger_sec, or when a
 * new container reuses its mntns). Not thread-safe: one thread per table.
 * ct_new() does not scan; call ct_refresh() once to fill the table. */

/* Resolve a namespace whose process (the event's pid) is already gone,
 * from the cgroup paths the kernel reported for it, in /proc/<pid>/cgroup
 * form ("0::/docker/ID"). seen_ns: when the namespace was seen (wall clock,
 * 0 if unknown); it lets a container that has exited already claim it. */
const struct container *ct_resolve_cgroup(struct container_table *t, uint64_t key, uint64_t inum,
					  uint32_t pid, const char *cgroup_text, uint64_t seen_ns);

/* Changes whenever the table's entries may have changed (every change
 * ends in a reindex): what a caller derived from them is stale then. */
uint64_t ct_generation(const struct container_table *t);

/* Iterate containers (running first, then exited); hints are left out. */
size_t ct_count(const struct container_table *t);
const struct container *ct_at(const struct container_table *t, size_t i);

/* The mount namespace key of the host (of pid 1 under host_root). */
uint64_t ct_host_mntns(const struct container_table *t);

/* The inode number a namespace link (/proc/PID/ns/KIND: "net:[N]") names;
 * 0 if it cannot be read. */
uint64_t ct_ns_link_inode(const char *path);

/* The host's namespace of a kind ("net", "mnt", "pid", ...): pid 1's, or
 * where pid 1 may not be looked at (a sandbox, a container without the
 * host's pid namespace), ig's own. Ignores host_root: for ig's own host. */
uint64_t ct_host_ns_inode(const char *kind);

/* Parsers, exposed for unit tests and fuzzing. Each fills what it knows into
 * *c and returns 0, or a negative errno for malformed/oversized input. */
int ct_parse_docker_config(const char *json, size_t len, struct container *c);
int ct_parse_oci_config(const char *json, size_t len, struct container *c, bool *is_sandbox);
int ct_parse_runc_state(const char *json, size_t len, struct container *c, char *bundle, size_t bundle_len);
/* containers/storage (Podman, CRI-O): name and image of container id from
 * containers.json and, if given, images.json. */
int ct_parse_storage(const char *containers_json, size_t len, const char *images_json,
		     size_t images_len, const char *id, struct container *c);
/* Extract a container ID from one /proc/<pid>/cgroup line; 0 on success. */
int ct_parse_cgroup_line(const char *line, char *id, size_t id_len, const char **runtime_hint);

#endif
