// SPDX-License-Identifier: Apache-2.0
/*
 * File, path and JSON helpers for container discovery. Everything here reads
 * files written by other programs, so sizes, types and encodings are checked
 * rather than trusted.
 */
#ifndef _GNU_SOURCE
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ct_internal.h"
#include "ig.h"

void ct_warn(const struct container_table *t, const char *fmt, ...)
{
	va_list ap;

	if (!t->verbose)
		return;
	va_start(ap, fmt);
	ig_vlog(fmt, ap);   /* escaped: state files name containers */
	va_end(ap);
}

int ct_path(const struct container_table *t, char *buf, size_t len, const char *fmt, ...)
{
	size_t rl = strlen(t->root);
	va_list ap;
	int n;

	if (rl >= len)
		return -ENAMETOOLONG;
	memcpy(buf, t->root, rl);
	va_start(ap, fmt);
	n = vsnprintf(buf + rl, len - rl, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - rl)
		return -ENAMETOOLONG;
	return 0;
}

/* O_NONBLOCK: a FIFO planted where a state file should be (runc keeps an
 * exec.fifo next to state.json) must not hang the scan. */
static int open_regular(const char *path, off_t *size)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*size = st.st_size;
	return fd;
}

/* Reads until EOF rather than trusting st_size: procfs reports 0. */
static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1), *nb;
	ssize_t r;

	if (!b)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			/* One byte past the limit is enough to know it is too big. */
			if (cap > CT_MAX_FILE) {
				free(b);
				return -EFBIG;
			}
			cap = cap * 2 > CT_MAX_FILE ? CT_MAX_FILE + 1 : cap * 2;
			nb = realloc(b, cap + 1);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = -errno;
			free(b);
			return (int)r;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CT_MAX_FILE) {
		free(b);
		return -EFBIG;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int ct_read_file(const struct container_table *t, const char *path, char **buf, size_t *len)
{
	off_t size;
	int fd, err;

	fd = open_regular(path, &size);
	if (fd == -EINVAL)
		ct_warn(t, "skipping %s: not a regular file", path);
	if (fd < 0)
		return fd;
	if (size > (off_t)CT_MAX_FILE)
		err = -EFBIG;
	else
		err = read_all(fd, buf, len);
	close(fd);
	if (err == -EFBIG)
		ct_warn(t, "skipping %s: larger than %u bytes", path, CT_MAX_FILE);
	return err;
}

int ct_read_small(const struct container_table *t, const char *path, char *buf, size_t len)
{
	off_t size;
	ssize_t r;
	int fd;

	(void)t;
	fd = open_regular(path, &size);
	if (fd < 0)
		return fd;
	do
		r = read(fd, buf, len - 1);
	while (r < 0 && errno == EINTR);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	return 0;
}

json_t *ct_parse_json(const char *json, size_t len, int *err)
{
	json_error_t jerr;
	json_t *root;

	if (!json || len > CT_MAX_FILE) {
		*err = json ? -EFBIG : -EINVAL;
		return NULL;
	}
	/* Without JSON_ALLOW_NUL, jansson rejects "\u0000", so every string we
	 * copy is a proper C string. Nesting depth is capped by jansson. */
	root = json_loadb(json, len, 0, &jerr);
	*err = root ? 0 : -EINVAL;
	return root;
}

json_t *ct_parse_json_keep(const char *json, size_t len, const struct ct_keep *keep,
			   size_t nkeep, int *err)
{
	json_t *root;
	size_t n;
	char *out;

	*err = ct_prune_mem(json, len, keep, nkeep, CT_MAX_FILE, &out, &n);
	if (*err)
		return NULL;
	root = ct_parse_json(out, n, err);
	free(out);
	return root;
}

json_t *ct_load_json_keep(const struct container_table *t, const char *path,
			  const struct ct_keep *keep, size_t nkeep, int *err)
{
	json_t *root = NULL;
	size_t n;
	off_t size;
	char *out;
	int fd;

	fd = open_regular(path, &size);
	if (fd == -EINVAL)
		ct_warn(t, "skipping %s: not a regular file", path);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	*err = size > (off_t)CT_MAX_STREAM ? -EFBIG :
	       ct_prune_fd(fd, keep, nkeep, CT_MAX_STREAM, CT_MAX_FILE, &out, &n);
	close(fd);
	if (!*err) {
		root = ct_parse_json(out, n, err);
		free(out);
	}
	if (*err == -EFBIG)
		ct_warn(t, "skipping %s: larger than %u bytes, or what ig needs of it larger than %u",
			path, CT_MAX_STREAM, CT_MAX_FILE);
	else if (*err == -EINVAL)
		ct_warn(t, "skipping %s: malformed JSON", path);
	else if (*err && *err != -ENOENT)
		ct_warn(t, "skipping %s: %s", path, strerror(-*err));
	return root;
}

/* Control bytes become '?' so names cannot smuggle terminal escapes into
 * columns output; truncation never splits a UTF-8 sequence. */
void ct_copy_str(char *dst, size_t size, const char *src)
{
	size_t n, i;

	if (!size)
		return;
	if (!src)
		src = "";
	n = strnlen(src, size);
	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[i] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	dst[n] = '\0';
}

const char *ct_json_str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

uint32_t ct_json_pid(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);
	json_int_t pid;

	if (!json_is_integer(v))
		return 0;
	pid = json_integer_value(v);
	return (pid > 0 && pid <= CT_PID_MAX) ? (uint32_t)pid : 0;
}

/* IDs become path components, so this is what keeps "../" out of paths. */
bool ct_valid_id(const char *id)
{
	size_t i, n;

	if (!id)
		return false;
	n = strlen(id);
	if (n == 0 || n >= CT_ID_LEN || id[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char ch = id[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ||
		      ch == '.' || ch == '+'))
			return false;
	}
	return true;
}

int ct_each_entry(struct container_table *t, const char *dir,
		  int (*fn)(struct container_table *t, const char *name, void *arg), void *arg)
{
	struct dirent *de;
	int err = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!ct_valid_id(de->d_name))
			continue;
		err = fn(t, de->d_name, arg);
		if (err == -ENOMEM)
			break;
		err = 0;
	}
	closedir(d);
	return err;
}

uint64_t ct_parse_rfc3339(const char *s)
{
	struct tm tm = { 0 };
	int year, mon, day, hh, mm, ss, n = 0, oh, om;
	uint64_t frac = 0, scale = 1000000000ULL;
	long long off = 0;
	time_t secs;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &mon, &day, &hh, &mm, &ss, &n) != 6 ||
	    n != 19 || year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 ||
	    mm > 59 || ss > 60)
		return 0;
	s += n;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++)
			if (scale > 1) {
				scale /= 10;
				frac += (uint64_t)(*s - '0') * scale;
			}
	}
	if (*s == '+' || *s == '-') {
		if (sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5 || s[6] || oh > 23 || om > 59)
			return 0;
		off = (oh * 3600LL + om * 60) * (*s == '-' ? -1 : 1);
	} else if (strcmp(s, "Z") != 0) {
		return 0;
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	secs = timegm(&tm);
	if (secs == (time_t)-1 || secs - off < 0)
		return 0;
	return (uint64_t)(secs - off) * 1000000000ULL + frac;
}
