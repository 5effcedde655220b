// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's socket, and the directory that holds it.
 *
 * Clients trust whatever answers on the socket (traces go to root's
 * terminal), so only root may be able to put a socket there: the directory
 * and every directory above it must be root's and closed to others. Above
 * it, a sticky directory (/tmp) is fine too: others cannot rename or
 * remove root's entries in it. The directory itself must not be sticky and
 * writable, or anyone could plant a socket there while no daemon runs.
 *
 * A missing directory is created root-only; an existing one is checked,
 * never changed: its mode is its owner's business.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "ig.h"
#include "traceloop/listen.h"

/* Why st may not hold (last) or lead to the socket, or NULL. */
static const char *dir_problem(const struct stat *st, bool last)
{
	if (!S_ISDIR(st->st_mode))
		return "is not a directory";
	if (st->st_uid != 0)
		return "is not owned by root";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st->st_mode & S_ISVTX)))
		return "is writable by group or others";
	return NULL;
}

static int check_one(const char *dir, bool last, char *err, size_t errlen)
{
	struct stat st;
	const char *why;

	if (lstat(dir, &st)) {
		int ret = -errno;

		snprintf(err, errlen, "%s: %s", dir, strerror(-ret));
		return ret;
	}
	why = dir_problem(&st, last);
	if (!why)
		return 0;
	snprintf(err, errlen, "%s %s %s (mode %04o, owner %u): the socket needs a directory only root can change (a missing one is created root-only)",
		 last ? "socket directory" : "directory", dir, why,
		 (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
	return -EPERM;
}

/* Check real (a resolved directory) and each directory above it: "/",
 * then "/a", "/a/b", ... */
static int check_chain(const char *real, char *err, size_t errlen)
{
	char prefix[PATH_MAX];
	size_t len = strlen(real);
	int ret = check_one("/", len == 1, err, errlen);

	for (size_t i = 1; !ret && len > 1 && i <= len; i++) {
		if (i < len && real[i] != '/')
			continue;
		memcpy(prefix, real, i);
		prefix[i] = 0;
		ret = check_one(prefix, i == len, err, errlen);
	}
	return ret;
}

int tl_socket_path(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	char copy[PATH_MAX], real[PATH_MAX], *dir, *base;
	size_t n = strlen(path);
	int ret;

	if (!n || path[n - 1] == '/' || n >= sizeof(copy)) {
		snprintf(err, errlen, "--socket \"%s\": expected the path of a socket file", path);
		return -EINVAL;
	}
	memcpy(copy, path, n + 1);
	base = strrchr(copy, '/');
	if (base) {
		*base++ = 0;
		dir = base - 1 == copy ? "/" : copy;
	} else {
		base = copy;
		dir = ".";
	}
	if (!strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "--socket \"%s\": expected the path of a socket file", path);
		return -EINVAL;
	}
	/* Only a directory made here gets a mode, and that one is new. */
	if (mkdir(dir, 0700) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "cannot create the socket directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	if (!realpath(dir, real)) {
		ret = -errno;
		snprintf(err, errlen, "socket directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	ret = check_chain(real, err, errlen);
	if (ret)
		return ret;
	if ((size_t)snprintf(out, outlen, "%s/%s", strcmp(real, "/") ? real : "", base) >= outlen) {
		snprintf(err, errlen, "socket path %s/%s is too long (at most %zu bytes)", real, base,
			 outlen - 1);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* Clear the way: a socket nobody listens on is left over from a daemon
 * that died; anything else at the path is not ours to remove. */
static int clear_stale(const struct sockaddr_un *a, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret = 0;

	if (lstat(a->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket: not removing it", a->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)a, sizeof(*a))) {
		snprintf(err, errlen, "another ig daemon listens on %s", a->sun_path);
		ret = -EADDRINUSE;
	} else if (errno == ECONNREFUSED) {
		unlink(a->sun_path);
	}
	close(fd);
	return ret;
}

int tl_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, ret;

	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long (at most %zu bytes)", path,
			 sizeof(a.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(a.sun_path, path);
	ret = clear_stale(&a, err, errlen);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "socket: %s", strerror(-ret));
		return ret;
	}
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (ret || chmod(path, 0600) || listen(fd, 64)) {
		ret = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", path, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}
