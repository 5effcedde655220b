// SPDX-License-Identifier: Apache-2.0
/*
 * What /proc tells us about a pid: its mount namespace and the container ID
 * hidden in its cgroup path.
 */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ct_internal.h"

int ct_parse_mntns_link(const char *s, uint64_t *mntns)
{
	unsigned long long v;
	char *end;

	if (strncmp(s, "mnt:[", 5) != 0 || s[5] < '0' || s[5] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s + 5, &end, 10);
	if (errno || end[0] != ']' || end[1] != '\0' || v == 0)
		return -EINVAL;
	*mntns = v;
	return 0;
}

/* readlink, not stat: the link text is all we need, and a fake host root
 * in tests can hold a plain symlink with the same text. */
static int read_mntns_link(const char *path, uint64_t *mntns)
{
	char buf[64];
	ssize_t n;

	n = readlink(path, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return ct_parse_mntns_link(buf, mntns);
}

int ct_pid_mntns(const struct container_table *t, uint32_t pid, uint64_t *mntns)
{
	char path[4200];
	int err;

	if (pid == 0)
		return -ESRCH;
	err = ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/ns/mnt", pid);
	return err ? err : read_mntns_link(path, mntns);
}

uint64_t ct_ns_link_inode(const char *path)
{
	unsigned long long v;
	const char *open;
	char buf[64], *end;
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	open = strchr(buf, '[');
	if (!open || open[1] < '0' || open[1] > '9')
		return 0;
	errno = 0;
	v = strtoull(open + 1, &end, 10);
	return errno || *end != ']' ? 0 : v;
}

uint64_t ct_host_ns_inode(const char *kind)
{
	char path[64];
	uint64_t v;

	snprintf(path, sizeof(path), "/proc/1/ns/%s", kind);
	v = ct_ns_link_inode(path);
	if (v)
		return v;
	snprintf(path, sizeof(path), "/proc/self/ns/%s", kind);
	return ct_ns_link_inode(path);
}

uint64_t ct_pid_netns(const struct container_table *t, uint32_t pid)
{
	char path[4200];

	if (pid == 0 || ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/ns/net", pid))
		return 0;
	return ct_ns_link_inode(path);
}

uint64_t ct_self_netns(const struct container_table *t)
{
	char path[4200];

	if (ct_path(t, path, sizeof(path), "/proc/self/ns/net"))
		return 0;
	return ct_ns_link_inode(path);
}

/* Linux 6.8+: the unique, never reused id of a mount namespace. */
#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, __u64)
#endif

static int read_mntns_id(const char *path, uint64_t *id)
{
	__u64 v = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, NS_GET_MNTNS_ID, &v) < 0)
		err = -errno;
	close(fd);
	if (!err && !v)
		err = -EINVAL;
	*id = v;
	return err;
}

bool ct_probe_ns_ids(const struct container_table *t)
{
	char path[4200];
	uint64_t id;

	return ct_path(t, path, sizeof(path), "/proc/self/ns/mnt") == 0 &&
	       read_mntns_id(path, &id) == 0;
}

int ct_pid_mntns_key(const struct container_table *t, uint32_t pid, uint64_t inum, uint64_t *key)
{
	char path[4200];
	int err;

	if (!t->ns_ids) {
		*key = inum;
		return 0;
	}
	if (pid == 0)
		return -ESRCH;
	err = ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/ns/mnt", pid);
	return err ? err : read_mntns_id(path, key);
}

/* pid 1 is the answer; our own namespace is a fallback for sandboxes where
 * pid 1 belongs to a supervisor we may not inspect. */
uint64_t ct_read_host_mntns(const struct container_table *t)
{
	static const char *const paths[] = { "/proc/1/ns/mnt", "/proc/self/ns/mnt" };
	char path[4200];
	uint64_t mntns = 0;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (ct_path(t, path, sizeof(path), "%s", paths[i]) ||
		    read_mntns_link(path, &mntns))
			continue;
		if (!t->ns_ids)
			return mntns;
		if (read_mntns_id(path, &mntns) == 0)
			return mntns;
	}
	return 0;
}

bool ct_is_hex_id(const char *id)
{
	size_t i;

	for (i = 0; i < 64; i++) {
		char ch = id[i];

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f')))
			return false;
	}
	return id[64] == '\0';
}

struct cg_prefix {
	const char *prefix;
	const char *runtime;
};

/* systemd cgroup drivers name a container's scope "<prefix><id>.scope". The
 * conmon monitors of CRI-O and Podman get scopes too, but are not inside the
 * container, so they are listed first and rejected. */
static const struct cg_prefix cg_prefixes[] = {
	{ "crio-conmon-", NULL },
	{ "libpod-conmon-", NULL },
	{ "docker-", "docker" },
	{ "cri-containerd-", "containerd" },
	{ "crio-", "cri-o" },
	{ "libpod-", "podman" },
};

/* One path component → 64-hex ID, or false. */
static bool component_id(const char *comp, size_t len, const char *parent, size_t plen,
			 char *id, const char **hint)
{
	const char *rt = NULL;
	size_t i, pl;

	if (len > 6 && memcmp(comp + len - 6, ".scope", 6) == 0)
		len -= 6;
	for (i = 0; i < sizeof(cg_prefixes) / sizeof(cg_prefixes[0]); i++) {
		pl = strlen(cg_prefixes[i].prefix);
		if (len > pl && memcmp(comp, cg_prefixes[i].prefix, pl) == 0) {
			if (!cg_prefixes[i].runtime)
				return false;
			rt = cg_prefixes[i].runtime;
			comp += pl;
			len -= pl;
			break;
		}
	}
	if (len != 64)
		return false;
	memcpy(id, comp, 64);
	id[64] = '\0';
	if (!ct_is_hex_id(id))
		return false;
	/* cgroupfs driver: docker puts containers under /docker/<id>. */
	if (!rt && plen == 6 && memcmp(parent, "docker", 6) == 0)
		rt = "docker";
	*hint = rt;
	return true;
}

/* Index just after the '/' that precedes path[end]. */
static size_t comp_start(const char *path, size_t end)
{
	while (end > 0 && path[end - 1] != '/')
		end--;
	return end;
}

/* Walks the path from the leaf up, so nested cgroups inside a container
 * (e.g. systemd's init.scope) still find the container's own component. */
static int path_id(const char *path, size_t len, char *id, const char **hint)
{
	size_t end = len, start, pend, pstart;

	while (end > 0) {
		start = comp_start(path, end);
		pend = start ? start - 1 : 0;
		pstart = comp_start(path, pend);
		if (end > start && component_id(path + start, end - start, path + pstart,
						 pend - pstart, id, hint))
			return 0;
		end = pend;
	}
	return -ENOENT;
}

int ct_parse_cgroup_line(const char *line, char *id, size_t id_len, const char **runtime_hint)
{
	const char *hint = NULL, *path;
	char tmp[CT_ID_LEN];
	size_t len;
	int err;

	if (!line || !id || id_len < CT_ID_LEN)
		return -EINVAL;
	path = strchr(line, ':');
	path = path ? strchr(path + 1, ':') : NULL;
	if (!path || path[1] != '/')
		return -EINVAL;
	path++;
	len = strcspn(path, "\n");
	err = path_id(path, len, tmp, &hint);
	if (err)
		return err;
	memcpy(id, tmp, CT_ID_LEN);
	if (runtime_hint)
		*runtime_hint = hint;
	return 0;
}

static bool is_systemd_unit(const char *s, size_t len)
{
	static const char *const suffixes[] = { ".scope", ".slice", ".service", ".mount",
						".socket" };
	size_t i, sl;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		sl = strlen(suffixes[i]);
		if (len >= sl && memcmp(s + len - sl, suffixes[i], sl) == 0)
			return true;
	}
	return false;
}

/* Runtimes without a systemd or /docker convention (runc run, ctr run) put
 * the container in "/<id>" or "/<namespace>/<id>": the leaf is a guess worth
 * a few stat() calls, never proof. */
static void leaf_guess(const char *line, char *id, size_t id_len)
{
	const char *path = strchr(line, ':');
	size_t end, start;

	id[0] = '\0';
	path = path ? strchr(path + 1, ':') : NULL;
	if (!path || path[1] != '/')
		return;
	path++;
	end = strcspn(path, "\n");
	start = comp_start(path, end);
	if (end == start || end - start >= id_len || is_systemd_unit(path + start, end - start))
		return;
	memcpy(id, path + start, end - start);
	id[end - start] = '\0';
	if (!ct_valid_id(id))
		id[0] = '\0';
}

/* The container ID named by /proc/<pid>/cgroup-style text (edited in place). */
int ct_cgroup_text_id(char *buf, char *id, size_t id_len, bool *is_hex)
{
	char guess[CT_ID_LEN] = "", *line, *save = NULL;
	bool unified = false;
	int err = -ENOENT;

	if (id_len < CT_ID_LEN)
		return -EINVAL;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (ct_parse_cgroup_line(line, id, id_len, NULL) == 0) {
			*is_hex = true;
			return 0;
		}
		/* The unified (v2) line, when present, is the one runc and
		 * containerd name after the container. */
		if (strncmp(line, "0::", 3) == 0) {
			leaf_guess(line, guess, sizeof(guess));
			unified = true;
		} else if (!unified && !guess[0]) {
			leaf_guess(line, guess, sizeof(guess));
		}
	}
	if (guess[0]) {
		memcpy(id, guess, sizeof(guess));
		*is_hex = false;
		err = 0;
	}
	return err;
}

int ct_pid_cgroup_id(const struct container_table *t, uint32_t pid, char *id, size_t id_len,
		     bool *is_hex)
{
	char path[4200], *buf;
	size_t len;
	int err;

	if (pid == 0 || id_len < CT_ID_LEN)
		return -EINVAL;
	err = ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/cgroup", pid);
	if (!err)
		err = ct_read_file(t, path, &buf, &len);
	if (err)
		return err;
	err = ct_cgroup_text_id(buf, id, id_len, is_hex);
	free(buf);
	return err;
}

/* Field 22 of /proc/PID/stat, in clock ticks since boot; the comm before
 * it is in parentheses and may hold anything, so count from the last ')'. */
static int stat_start_ticks(const char *stat, unsigned long long *ticks)
{
	const char *p = strrchr(stat, ')');
	int field;

	if (!p)
		return -EINVAL;
	p++;
	for (field = 3; field < 22; field++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
		if (!*p)
			return -EINVAL;
	}
	errno = 0;
	*ticks = strtoull(p, NULL, 10);
	return errno || !*ticks ? -EINVAL : 0;
}

uint64_t ct_pid_start_ns(const struct container_table *t, uint32_t pid)
{
	char path[4200], buf[1024];
	struct timespec real, boot;
	unsigned long long ticks;
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t boot_ns;

	if (pid == 0 || hz <= 0 ||
	    ct_path(t, path, sizeof(path), "/proc/%" PRIu32 "/stat", pid) ||
	    ct_read_small(t, path, buf, sizeof(buf)) || stat_start_ticks(buf, &ticks) ||
	    clock_gettime(CLOCK_REALTIME, &real) || clock_gettime(CLOCK_BOOTTIME, &boot))
		return 0;
	/* The wall clock time of boot, then the process's offset from it. */
	boot_ns = (uint64_t)real.tv_sec * 1000000000ULL + real.tv_nsec -
		  ((uint64_t)boot.tv_sec * 1000000000ULL + boot.tv_nsec);
	return boot_ns + ticks * (1000000000ULL / hz);
}
