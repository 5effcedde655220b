// SPDX-License-Identifier: Apache-2.0
/* trace_process's bounded process cache (process_cache.h). */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "process_cache.h"

struct pc_cache {
	char node[128];
	size_t max, count;
	struct pc_proc **buckets;     /* by pid: every cached entry of that pid */
	size_t nbuckets;              /* a power of two */
	struct pc_proc *lru_head, *lru_tail;   /* head: most recently used */
	uint64_t boot_to_wall_ns;
	uint64_t ns_per_tick;
	char proc_root[64];
};

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void pc_exec_id(char *out, const char *node, uint64_t ktime, uint32_t pid)
{
	char raw[(PC_EXEC_ID_LEN - 1) / 4 * 3];
	int n = snprintf(raw, sizeof(raw), "%s:%llu:%u", node, (unsigned long long)ktime, pid);
	size_t o = 0;

	if (n < 0 || (size_t)n >= sizeof(raw))
		n = sizeof(raw) - 1;
	for (int i = 0; i < n; i += 3) {
		uint32_t v = (uint8_t)raw[i] << 16;
		int left = n - i;

		if (left > 1)
			v |= (uint8_t)raw[i + 1] << 8;
		if (left > 2)
			v |= (uint8_t)raw[i + 2];
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = left > 1 ? b64[v >> 6 & 63] : '=';
		out[o++] = left > 2 ? b64[v & 63] : '=';
	}
	out[o] = 0;
}

struct pc_cache *pc_new(const char *node, size_t max, uint64_t boot_to_wall_ns)
{
	struct pc_cache *c = calloc(1, sizeof(*c));
	long hz = sysconf(_SC_CLK_TCK);

	if (!c)
		return NULL;
	snprintf(c->node, sizeof(c->node), "%s", node);
	c->max = max ? max : 1;
	for (c->nbuckets = 64; c->nbuckets < c->max && c->nbuckets < (1u << 22);)
		c->nbuckets <<= 1;
	c->buckets = calloc(c->nbuckets, sizeof(*c->buckets));
	if (!c->buckets) {
		free(c);
		return NULL;
	}
	c->boot_to_wall_ns = boot_to_wall_ns;
	c->ns_per_tick = 1000000000ULL / (hz > 0 ? hz : 100);
	snprintf(c->proc_root, sizeof(c->proc_root), "/proc");
	return c;
}

const char *pc_node(const struct pc_cache *c)
{
	return c->node;
}

size_t pc_count(const struct pc_cache *c)
{
	return c->count;
}

static struct pc_proc **bucket(struct pc_cache *c, uint32_t pid)
{
	return &c->buckets[(pid * 2654435761u) & (c->nbuckets - 1)];
}

static void lru_unlink(struct pc_cache *c, struct pc_proc *p)
{
	if (p->lru_prev)
		p->lru_prev->lru_next = p->lru_next;
	else
		c->lru_head = p->lru_next;
	if (p->lru_next)
		p->lru_next->lru_prev = p->lru_prev;
	else
		c->lru_tail = p->lru_prev;
	p->lru_prev = p->lru_next = NULL;
}

static void lru_push(struct pc_cache *c, struct pc_proc *p)
{
	p->lru_prev = NULL;
	p->lru_next = c->lru_head;
	if (c->lru_head)
		c->lru_head->lru_prev = p;
	c->lru_head = p;
	if (!c->lru_tail)
		c->lru_tail = p;
}

static void touch(struct pc_cache *c, struct pc_proc *p)
{
	if (c->lru_head == p)
		return;
	lru_unlink(c, p);
	lru_push(c, p);
}

struct pc_proc *pc_find(struct pc_cache *c, uint32_t pid, uint64_t ktime)
{
	struct pc_proc *best = NULL;

	for (struct pc_proc *p = *bucket(c, pid); p; p = p->hnext) {
		if (p->pid != pid)
			continue;
		if (ktime ? p->ktime == ktime : p->alive && (!best || p->ktime > best->ktime))
			best = p;
		if (ktime && best)
			break;
	}
	if (best)
		touch(c, best);
	return best;
}

struct pc_proc *pc_parent(struct pc_cache *c, const struct pc_proc *p)
{
	struct pc_proc *q;

	if (!p->parent_ref)
		return NULL;
	q = pc_find(c, p->ppid, p->parent_ktime);
	return q != p ? q : NULL;
}

/* Out of the index (the hash and the LRU) and freed; the parent it held
 * loses a child, and goes too if that was its last reference. */
static void drop(struct pc_cache *c, struct pc_proc *p)
{
	struct pc_proc **pp = bucket(c, p->pid), *parent;

	while (*pp && *pp != p)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = p->hnext;
	lru_unlink(c, p);
	c->count--;
	parent = p->parent_ref ? pc_find(c, p->ppid, p->parent_ktime) : NULL;
	free(p->strings);
	free(p);
	if (parent && parent->refs && !--parent->refs)
		drop(c, parent);
}

static void unref(struct pc_cache *c, struct pc_proc *p)
{
	if (p->refs && !--p->refs)
		drop(c, p);
}

/* Keep the bound: the least recently used entry goes, whatever holds it
 * (its children keep their parent_exec_id; only its details are gone). */
static void evict(struct pc_cache *c, const struct pc_proc *keep)
{
	while (c->count > c->max && c->lru_tail && c->lru_tail != keep)
		drop(c, c->lru_tail);
}

static char *dup_strings(const struct pc_new_proc *n, const char **bin, const char **args,
		  const char **cwd)
{
	char *s = malloc(n->binary_len + n->args_len + n->cwd_len + 3);

	if (!s)
		return NULL;
	memcpy(s, n->binary, n->binary_len);
	s[n->binary_len] = 0;
	memcpy(s + n->binary_len + 1, n->args, n->args_len);
	s[n->binary_len + 1 + n->args_len] = 0;
	memcpy(s + n->binary_len + n->args_len + 2, n->cwd, n->cwd_len);
	s[n->binary_len + n->args_len + 2 + n->cwd_len] = 0;
	*bin = s;
	*args = s + n->binary_len + 1;
	*cwd = s + n->binary_len + n->args_len + 2;
	return s;
}

static struct pc_proc *insert(struct pc_cache *c, const struct pc_new_proc *n)
{
	struct pc_proc *p = calloc(1, sizeof(*p)), *parent, **b;

	if (!p)
		return NULL;
	p->strings = dup_strings(n, &p->binary, &p->args, &p->cwd);
	if (!p->strings) {
		free(p);
		return NULL;
	}
	p->pid = n->pid;
	p->ppid = n->ppid;
	p->ktime = n->ktime;
	p->uid = n->uid;
	p->auid = n->auid;
	p->mntns_id = n->mntns_id;
	p->start_wall_ns = n->ktime + c->boot_to_wall_ns;
	p->alive = true;
	p->refs = 1;
	pc_exec_id(p->exec_id, c->node, p->ktime, p->pid);
	parent = n->ppid ? pc_find(c, n->ppid, n->parent_ktime) : NULL;
	if (!parent && n->ppid && n->parent_ktime)
		parent = pc_find(c, n->ppid, 0);
	if (!parent && n->ppid > 0)
		parent = pc_seed_pid(c, n->ppid);
	if (parent && parent->pid != n->pid) {
		p->parent_ktime = parent->ktime;
		memcpy(p->parent_exec_id, parent->exec_id, sizeof(p->exec_id));
		parent->refs++;
		p->parent_ref = true;
	} else if (n->ppid) {
		p->parent_ktime = n->parent_ktime;
		if (n->parent_ktime)
			pc_exec_id(p->parent_exec_id, c->node, n->parent_ktime, n->ppid);
	}
	b = bucket(c, p->pid);
	p->hnext = *b;
	*b = p;
	lru_push(c, p);
	c->count++;
	evict(c, p);
	return p;
}

/* The pid's current entry stops being alive: an exec replaced it. */
static const char *retire(struct pc_cache *c, uint32_t pid)
{
	struct pc_proc *old = pc_find(c, pid, 0);
	const char *was = "";

	if (!old)
		return was;
	was = strstr(old->flags, "clone") && !strstr(old->flags, "execve") ? "clone" : "";
	old->alive = false;
	unref(c, old);
	return was;
}

struct pc_proc *pc_exec(struct pc_cache *c, const struct pc_new_proc *n)
{
	const char *was = retire(c, n->pid);
	bool rootcwd = n->cwd_len == 1 && n->cwd[0] == '/';
	struct pc_proc *p = insert(c, n);

	if (!p)
		return NULL;
	if (n->flags)
		snprintf(p->flags, sizeof(p->flags), "%s", n->flags);
	else
		snprintf(p->flags, sizeof(p->flags), "execve%s%s%s", rootcwd ? " rootcwd" : "",
			 *was ? " " : "", was);
	return p;
}

struct pc_proc *pc_fork(struct pc_cache *c, uint32_t child, uint64_t ktime, uint32_t parent,
			uint64_t parent_ktime)
{
	struct pc_proc *par = pc_find(c, parent, parent_ktime), *p;
	struct pc_new_proc n = {
		.pid = child, .ppid = parent, .ktime = ktime, .parent_ktime = parent_ktime,
		.binary = "", .args = "", .cwd = "",
	};

	if (!par)
		par = pc_find(c, parent, 0);
	if (!par)
		par = pc_seed_pid(c, parent);
	if (par) {
		n.parent_ktime = par->ktime;
		n.binary = par->binary;
		n.binary_len = strlen(par->binary);
		n.args = par->args;
		n.args_len = strlen(par->args);
		n.cwd = par->cwd;
		n.cwd_len = strlen(par->cwd);
		n.uid = par->uid;
		n.auid = par->auid;
		n.mntns_id = par->mntns_id;
	}
	retire(c, child);   /* a pid reused before we saw its exit */
	p = insert(c, &n);
	if (p)
		snprintf(p->flags, sizeof(p->flags), "clone");
	return p;
}

struct pc_proc *pc_exit(struct pc_cache *c, uint32_t pid, uint64_t ktime)
{
	struct pc_proc *p = ktime ? pc_find(c, pid, ktime) : NULL;

	if (!p)
		p = pc_find(c, pid, 0);
	if (!p || p->exited)
		return NULL;
	p->exited = true;
	p->refs++;   /* the caller's, until pc_release */
	return p;
}

void pc_release(struct pc_cache *c, struct pc_proc *p)
{
	if (!p)
		return;
	if (p->alive) {
		p->alive = false;
		p->refs--;   /* never 0 here: the caller still holds one */
	}
	unref(c, p);
}

void pc_free(struct pc_cache *c)
{
	if (!c)
		return;
	for (struct pc_proc *p = c->lru_head, *next; p; p = next) {
		next = p->lru_next;
		free(p->strings);
		free(p);
	}
	free(c->buckets);
	free(c);
}

void pc_each(struct pc_cache *c, void (*fn)(const struct pc_proc *p, void *arg), void *arg)
{
	for (struct pc_proc *p = c->lru_head; p; p = p->lru_next)
		if (p->alive)
			fn(p, arg);
}

/* ---- /proc ---------------------------------------------------------------- */

static ssize_t read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* ppid (field 4) and starttime (field 22) from /proc/PID/stat; comm, in
 * parentheses, may hold anything, so fields count from its last ')'. */
static int read_stat(const char *dir, uint32_t *ppid, uint64_t *start_ticks)
{
	char path[160], buf[1024], *p;
	unsigned long long v[20];

	snprintf(path, sizeof(path), "%s/stat", dir);
	if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	if (sscanf(p + 2, "%*c %llu %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %*u %llu",
		   &v[0], &v[1]) != 2)
		return -1;
	*ppid = v[0];
	*start_ticks = v[1];
	return 0;
}

static uint32_t read_status_uid(const char *dir)
{
	char path[160], buf[4096], *p;

	snprintf(path, sizeof(path), "%s/status", dir);
	if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strstr(buf, "\nUid:")))
		return 0;
	return strtoul(p + 5, NULL, 10);
}

static size_t read_link(const char *dir, const char *name, char *buf, size_t size)
{
	char path[160];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, buf, size - 1);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	return n;
}

/* argv[1..] from /proc/PID/cmdline, space separated. */
static size_t read_args(const char *dir, char *buf, size_t size)
{
	char path[160];
	ssize_t n;
	char *first;

	snprintf(path, sizeof(path), "%s/cmdline", dir);
	n = read_file(path, buf, size);
	if (n <= 0)
		return 0;
	while (n && !buf[n - 1])
		n--;
	first = memchr(buf, 0, n);
	if (!first)
		return 0;
	n -= first + 1 - buf;
	memmove(buf, first + 1, n);
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	return n;
}

struct pc_proc *pc_seed_pid(struct pc_cache *c, uint32_t pid)
{
	char dir[80], bin[512], cwd[512], args[4096], mnt[128], auid[32];
	struct pc_new_proc n = { .pid = pid };
	uint64_t ticks;
	struct pc_proc *p;

	snprintf(dir, sizeof(dir), "%s/%u", c->proc_root, pid);
	if (read_stat(dir, &n.ppid, &ticks))
		return NULL;
	n.ktime = ticks * c->ns_per_tick;
	n.binary = bin;
	n.binary_len = read_link(dir, "exe", bin, sizeof(bin));
	n.cwd = cwd;
	n.cwd_len = read_link(dir, "cwd", cwd, sizeof(cwd));
	n.args = args;
	n.args_len = read_args(dir, args, sizeof(args));
	n.uid = read_status_uid(dir);
	snprintf(mnt, sizeof(mnt), "%s/loginuid", dir);
	n.auid = read_file(mnt, auid, sizeof(auid)) > 0 ? strtoul(auid, NULL, 10) : (uint32_t)-1;
	if (read_link(dir, "ns/mnt", mnt, sizeof(mnt)))
		n.mntns_id = strtoull(strchr(mnt, '[') ? strchr(mnt, '[') + 1 : mnt, NULL, 10);
	n.flags = "procFS";
	/* The parent first, so the child names it (pid 1's parent is 0). */
	if (n.ppid && !pc_find(c, n.ppid, 0) && n.ppid != pid)
		pc_seed_pid(c, n.ppid);
	if ((p = pc_find(c, pid, 0)))
		return p;   /* seeded meanwhile (as someone's parent) */
	return pc_exec(c, &n);
}

size_t pc_seed_proc(struct pc_cache *c, const char *root)
{
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if (root)
		snprintf(c->proc_root, sizeof(c->proc_root), "%s", root);
	d = opendir(c->proc_root);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end || !pid)
			continue;
		if (!pc_find(c, pid, 0) && pc_seed_pid(c, pid))
			n++;
	}
	closedir(d);
	return n;
}
