/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared between the container discovery sources; not part of the API.
 */
#ifndef IG_CT_INTERNAL_H
#define IG_CT_INTERNAL_H

#include <jansson.h>
#include <stddef.h>

#include "containers.h"

/* What is kept of a state file (the fields discovery reads) must fit in
 * this; small files are read whole up to it too. */
#define CT_MAX_FILE (4u << 20)
/* State files are streamed up to this size, keeping only the fields asked
 * for (json_prune.c): a Docker config.v2.json with large labels is bigger
 * than CT_MAX_FILE and must still name its container. */
#define CT_MAX_STREAM (64u << 20)

/* Full rescans triggered by ct_resolve() happen at most this often. */
#define CT_RESCAN_NS (20 * 1000 * 1000LL)

/* A mntns that a full rescan did not find triggers no other full rescan for
 * this long. Busy host services with a private mntns (systemd's PrivateTmp
 * and friends) would otherwise rescan every CT_RESCAN_NS. */
#define CT_NEGATIVE_NS (1000 * 1000 * 1000LL)
#define CT_NEGATIVE_SLOTS 64

#define CT_DEFAULT_LINGER_SEC 10

/* How long a hint (a namespace whose cgroup names a container the runtime
 * does not vouch for) stands before it is checked again. */
#define CT_HINT_NS (100 * 1000 * 1000LL)

/* pid 0 means "not known" everywhere; PID_MAX_LIMIT bounds real pids. */
#define CT_PID_MAX 4194304

struct ct_index {
	uint64_t key;                /* struct container.mntns_key */
	struct container *c;
};

struct container_table {
	char root[4096];             /* host_root without trailing '/' ("" for "/") */
	bool verbose;
	unsigned int linger_sec;
	uint64_t host_mntns;         /* a key, like struct container.mntns_key */
	uint64_t host_netns;         /* inode: --network host containers share it */
	bool ns_ids;                 /* keys are unique namespace ids, not inodes */
	struct container **v;        /* individually allocated: pointers stay valid */
	size_t n, cap;
	size_t nhints;               /* hinted entries, last in v */
	struct ct_index *idx;        /* sorted by mntns, for ct_lookup_mntns() */
	size_t nidx;                 /* 0 after a failed rebuild: never stale */
	struct timespec last_scan;
	bool scanned;
	int pending;                 /* changes made by ct_resolve() since ct_refresh() */
	char bypassed[16][CT_ID_LEN]; /* IDs that already skipped the rescan limit */
	unsigned int next_bypass;
	struct {
		uint64_t key;
		struct timespec at;
	} negative[CT_NEGATIVE_SLOTS];
	unsigned int next_negative;
	bool warned_too_large;       /* a state file too large even to stream */
	uint64_t generation;         /* bumped whenever entries may have changed */
};

/* Candidates found by one scan, most specific runtime first. */
struct ct_scan {
	struct container *v;
	size_t n, cap;
};

/* json_prune.c: the members to keep of a JSON document, as paths of up to
 * CT_KEEP_DEPTH segments: "[]" an array element, "*" any key, "prefix*"
 * keys with that prefix, else one key. A kept member is copied whole. */
#define CT_KEEP_DEPTH 4
struct ct_keep {
	const char *seg[CT_KEEP_DEPTH];
};
#define CT_NKEEP(a) (sizeof(a) / sizeof((a)[0]))
int ct_prune_mem(const char *json, size_t len, const struct ct_keep *keep, size_t nkeep,
		 size_t max_out, char **out, size_t *out_len);
int ct_prune_fd(int fd, const struct ct_keep *keep, size_t nkeep, size_t max_in,
		size_t max_out, char **out, size_t *out_len);
/* The matching rule, for the fuzz harness's reference projection. */
bool ct_keep_segment(const char *seg, const char *key, size_t klen, bool long_key);
uint32_t ct_keep_match(const struct ct_keep *keep, size_t nkeep, uint32_t live, size_t depth,
		       const char *key, size_t klen, bool *whole);

/* util.c */
void ct_warn(const struct container_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ct_path(const struct container_table *t, char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int ct_read_file(const struct container_table *t, const char *path, char **buf, size_t *len);
int ct_read_small(const struct container_table *t, const char *path, char *buf, size_t len);
json_t *ct_parse_json(const char *json, size_t len, int *err);
/* The kept members of a document in memory, or of a file streamed in a
 * bounded way. *err: -EFBIG when the file or what is kept is too large. */
json_t *ct_parse_json_keep(const char *json, size_t len, const struct ct_keep *keep,
			   size_t nkeep, int *err);
json_t *ct_load_json_keep(const struct container_table *t, const char *path,
			  const struct ct_keep *keep, size_t nkeep, int *err);
void ct_copy_str(char *dst, size_t size, const char *src);
const char *ct_json_str(const json_t *obj, const char *key);
uint32_t ct_json_pid(const json_t *obj, const char *key);
bool ct_valid_id(const char *id);
int ct_each_entry(struct container_table *t, const char *dir,
		  int (*fn)(struct container_table *t, const char *name, void *arg), void *arg);

/* proc.c */
int ct_parse_mntns_link(const char *s, uint64_t *mntns);
/* The start time of pid, wall clock ns since the epoch; 0 if unknown. */
uint64_t ct_pid_start_ns(const struct container_table *t, uint32_t pid);
/* "2026-12-02T02:30:00.123456789Z" (or with an offset): ns since the
 * epoch; 0 for NULL, malformed or Docker's "0001-01-01T00:00:00Z". */
uint64_t ct_parse_rfc3339(const char *s);
int ct_pid_mntns(const struct container_table *t, uint32_t pid, uint64_t *mntns);
/* The network namespace inode of pid, or 0 if it cannot be read. */
uint64_t ct_pid_netns(const struct container_table *t, uint32_t pid);
uint64_t ct_self_netns(const struct container_table *t);
/* The key of pid's mount namespace (its unique id, or inum without ids). */
int ct_pid_mntns_key(const struct container_table *t, uint32_t pid, uint64_t inum, uint64_t *key);
bool ct_probe_ns_ids(const struct container_table *t);
int ct_cgroup_text_id(char *buf, char *id, size_t id_len, bool *is_hex);
int ct_pid_cgroup_id(const struct container_table *t, uint32_t pid, char *id, size_t id_len,
		     bool *is_hex);
bool ct_is_hex_id(const char *id);
uint64_t ct_read_host_mntns(const struct container_table *t);

/* oci.c: annotations of an OCI config.json. c->runtime is set only when
 * the annotations say which runtime wrote them; Kubernetes names only when
 * a CRI runtime's whole set of annotations is there, and then sandbox_id is
 * the pod's sandbox, which the caller checks with ct_oci_sandbox_matches(). */
struct ct_oci {
	struct container *c;
	bool is_sandbox;
	char sandbox_id[CT_ID_LEN];  /* a container's pod sandbox, "" if none */
	char pod[CT_K8S_LEN];        /* a sandbox's pod name and namespace */
	char ns[CT_K8S_LEN];
};
int ct_oci_from_json(const json_t *root, struct ct_oci *o);
int ct_oci_load(struct container_table *t, const char *path, struct ct_oci *o);
bool ct_oci_sandbox_matches(const struct ct_oci *sandbox, const struct container *c);
void ct_oci_drop_k8s(struct container *c);

/* containers.c */
int ct_scan_add(struct container_table *t, struct ct_scan *s, struct container *c);

/* One source per runtime. *_scan() adds every running container to s;
 * *_load() fills c for one ID (pid may still be 0) and returns 0, or
 * -ENOENT when that runtime does not know the ID. */
int ct_docker_scan(struct container_table *t, struct ct_scan *s);
int ct_docker_load(struct container_table *t, const char *id, struct container *c);
int ct_storage_scan(struct container_table *t, struct ct_scan *s);
int ct_storage_load(struct container_table *t, const char *id, struct container *c);
int ct_containerd_scan(struct container_table *t, struct ct_scan *s);
int ct_containerd_load(struct container_table *t, const char *id, struct container *c);
int ct_runc_scan(struct container_table *t, struct ct_scan *s);
int ct_runc_load(struct container_table *t, const char *id, struct container *c);

/* runtime_runc.c, also used for Docker's own runc state. */
int ct_runc_state_pid(struct container_table *t, const char *state_path, uint32_t *pid);

#endif
