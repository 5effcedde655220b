// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "export.h"
#include "ig.h"

struct ig_export {
	char *path;
	char *name;             /* scratch: path.N */
	size_t name_cap;
	int fd;
	uint64_t size;          /* bytes in the current file */
	uint64_t rotate_size;
	unsigned int keep;
	uint64_t rotations;
};

/* The file the shipper tails: never through a symlink someone planted, a
 * regular file, and only root's to read (events name what processes did). */
static int open_current(struct ig_export *x, int extra)
{
	int fd = open(x->path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC | extra, 0600);
	struct stat sb;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((sb.st_mode & 077) && fchmod(fd, 0600)) {
		int err = -errno;

		close(fd);
		return err;
	}
	x->fd = fd;
	x->size = sb.st_size;
	return 0;
}

static const char *numbered(struct ig_export *x, unsigned int n)
{
	snprintf(x->name, x->name_cap, "%s.%u", x->path, n);
	return x->name;
}

/* path.keep goes, path.N becomes path.N+1, path becomes path.1, and a new
 * path is opened. The old file is complete: the last write was whole. */
static int rotate(struct ig_export *x)
{
	char *next;
	int err;

	if (x->keep) {
		next = strdup(numbered(x, x->keep));
		if (!next)
			return -ENOMEM;
		for (unsigned int n = x->keep; n > 1; n--) {
			const char *from = numbered(x, n - 1);

			if (rename(from, next) && errno != ENOENT) {
				err = -errno;
				free(next);
				return err;
			}
			strcpy(next, from);
		}
		free(next);
		if (rename(x->path, numbered(x, 1)))
			return -errno;
	} else if (unlink(x->path) && errno != ENOENT) {
		return -errno;
	}
	close(x->fd);
	x->fd = -1;
	err = open_current(x, O_TRUNC);
	if (!err)
		x->rotations++;
	return err;
}

struct ig_export *export_open(const char *path, uint64_t rotate_size, unsigned int keep)
{
	struct ig_export *x = calloc(1, sizeof(*x));
	int err;

	if (!x || !(x->path = strdup(path)))
		goto nomem;
	x->name_cap = strlen(path) + 16;
	x->name = malloc(x->name_cap);
	if (!x->name)
		goto nomem;
	x->rotate_size = rotate_size;
	x->keep = keep;
	x->fd = -1;
	err = open_current(x, 0);
	if (!err)
		return x;
	ig_err("--export-file %s: %s", path,
	       err == -EINVAL ? "not a regular file" : strerror(-err));
	export_close(x);
	return NULL;
nomem:
	ig_err("out of memory");
	export_close(x);
	return NULL;
}

static int write_all(struct ig_export *x, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(x->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;   /* a regular file: finish the records */
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
		x->size += n;
	}
	return 0;
}

/* How much of buf (whole lines) goes into the current file: 0 to rotate
 * first. A record longer than rotate_size gets a file of its own. */
static size_t fits(const struct ig_export *x, const char *buf, size_t len)
{
	const char *nl;

	if (!x->rotate_size || x->size + len <= x->rotate_size)
		return len;
	if (x->size < x->rotate_size &&
	    (nl = memrchr(buf, '\n', x->rotate_size - x->size)))
		return nl - buf + 1;
	if (x->size)
		return 0;
	nl = memchr(buf, '\n', len);
	return nl ? (size_t)(nl - buf + 1) : len;
}

int export_write(struct ig_export *x, const void *buf, size_t len)
{
	const char *p = buf;
	int err;

	while (len) {
		size_t n = fits(x, p, len);

		err = n ? write_all(x, p, n) : rotate(x);
		if (err)
			return err;
		p += n;
		len -= n;
	}
	return 0;
}

uint64_t export_rotations(const struct ig_export *x)
{
	return x->rotations;
}

void export_close(struct ig_export *x)
{
	if (!x)
		return;
	if (x->fd >= 0)
		close(x->fd);
	free(x->name);
	free(x->path);
	free(x);
}
