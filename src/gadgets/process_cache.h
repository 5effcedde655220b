/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trace_process's process cache: what each process is (binary, argv, cwd,
 * exec_id) so an exit, which the kernel reports after the memory holding
 * argv is gone, and a child's exec can name it. Bounded: at most max
 * entries, the least recently used one evicted first. A process that exited
 * stays while a cached child still names it as its parent (a reference
 * count), so the child's exit still shows its parent; it goes with its last
 * child. Seeded from /proc at start; a parent missing later is read from
 * /proc when it still lives. Entries name their parent by key (pid and
 * ktime), not by pointer: an evicted parent leaves no dangling pointer, only
 * a parent_exec_id whose details are gone.
 */
#ifndef IG_PROCESS_CACHE_H
#define IG_PROCESS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PC_EXEC_ID_LEN 96    /* base64 of "node:ktime:pid", NUL included */

struct pc_proc {
	uint32_t pid;
	uint32_t ppid;
	uint64_t ktime;          /* exec (or fork) time, boot ns: the key with pid */
	uint64_t parent_ktime;   /* the parent's key */
	char exec_id[PC_EXEC_ID_LEN];
	char parent_exec_id[PC_EXEC_ID_LEN];
	const char *binary;      /* owned by the entry: binary, args, cwd in one block */
	const char *args;        /* argv[1..], space separated */
	const char *cwd;
	char flags[40];          /* Tetragon's: "execve clone", "procFS"... */
	uint32_t uid, auid;
	uint64_t start_wall_ns;  /* when it exec'd (or was forked) */
	uint64_t mntns_id;
	bool alive;              /* holds a reference until it exits or execs */
	bool exited;
	bool parent_ref;         /* holds one of its parent's references */
	unsigned int refs;       /* children naming it + 1 while alive */
	/* the cache's links */
	struct pc_proc *hnext;
	struct pc_proc *lru_prev, *lru_next;
	char *strings;
};

struct pc_cache;

/* node: Tetragon's node_name (part of each exec_id); max: entries. */
struct pc_cache *pc_new(const char *node, size_t max, uint64_t boot_to_wall_ns);
void pc_free(struct pc_cache *c);
size_t pc_count(const struct pc_cache *c);
const char *pc_node(const struct pc_cache *c);

/* What a new process is, as BPF (or /proc) tells it. */
struct pc_new_proc {
	uint32_t pid, ppid;
	uint64_t ktime, parent_ktime;   /* parent_ktime 0: the parent's current entry */
	const char *binary, *args, *cwd;
	size_t binary_len, args_len, cwd_len;
	uint32_t uid, auid;
	uint64_t mntns_id;
	const char *flags;              /* NULL: execve (+ clone, rootcwd) */
};

/* An exec: the new entry replaces the pid's current one. */
struct pc_proc *pc_exec(struct pc_cache *c, const struct pc_new_proc *n);
/* A fork: the child starts as a copy of its parent ("clone"). */
struct pc_proc *pc_fork(struct pc_cache *c, uint32_t child, uint64_t ktime, uint32_t parent,
			uint64_t parent_ktime);
/* An exit: the entry, marked exited (NULL when unknown). It stays valid
 * until pc_release(). */
struct pc_proc *pc_exit(struct pc_cache *c, uint32_t pid, uint64_t ktime);
/* Drop what pc_exit left: frees it once no cached child names it. */
void pc_release(struct pc_cache *c, struct pc_proc *p);
/* The entry with this key (ktime 0: the pid's current one), or NULL. */
struct pc_proc *pc_find(struct pc_cache *c, uint32_t pid, uint64_t ktime);
/* The parent of p, or NULL when it is not (or no longer) cached. */
struct pc_proc *pc_parent(struct pc_cache *c, const struct pc_proc *p);

/* Call fn for every cached process. */
void pc_each(struct pc_cache *c, void (*fn)(const struct pc_proc *p, void *arg), void *arg);

/* Every process in /proc (root: /proc's path); returns how many. */
size_t pc_seed_proc(struct pc_cache *c, const char *root);
/* One process from /proc (a parent nobody saw start), or NULL. */
struct pc_proc *pc_seed_pid(struct pc_cache *c, uint32_t pid);

/* base64("node:ktime:pid") into out (PC_EXEC_ID_LEN bytes). */
void pc_exec_id(char *out, const char *node, uint64_t ktime, uint32_t pid);

#endif
