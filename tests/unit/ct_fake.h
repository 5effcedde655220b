/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by the container discovery unit tests: the fixtures in
 * tests/fixtures/containers, and fake host roots built in a temp dir. A fake
 * /proc/<pid>/ns/mnt is a plain symlink whose text is "mnt:[N]", exactly
 * what readlink() returns for the real one.
 */
#ifndef IG_TEST_CT_FAKE_H
#define IG_TEST_CT_FAKE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../src/containers/containers.h"
#include "../../src/containers/ct_internal.h"

#define HOST_MNTNS 4026531840ULL

/* snprintf that fails the test instead of truncating a path. */
#define FMT(buf, ...) assert_true((size_t)snprintf(buf, sizeof(buf), __VA_ARGS__) < sizeof(buf))

/* IDs used by the fixtures (sha256 of a word, like real IDs look). */
#define ID_WEB      "4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2"
#define ID_STARTING "406effb1e9c59672c66a598c2b21e331b23b16c54024e96d6df3e7c173549791"
#define ID_NGINX    "5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65"
#define ID_SANDBOX  "b7ad567477c83756aab9a542b2be04f77dbae25115d85f22070d74d8cc4779dc"
#define ID_CRIO     "c64064614423cb790e88b3e5492ff5ccf673b25ae823089f7a60c65cda24d809"
#define ID_CRIO_SB  "2ff36c3e88860cd6cfe0f108678080f8fcf390306f270eb073c6a4578eab8c87"
#define ID_PODMAN   "e7e619cbdc3723f17e0a6d17a8c33b806381a29fb54a6e5e1f3ad501f70a8f4f"
#define ID_PODMAN2  "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"
#define ID_K8S      "efd418cdea5242e8a2c533911799f5316df3680b83b5cd977bd9ba0078a26865"
#define ID_K8S_SB   "a347a88e289cda71d2a4d43bb507032398dc7db1629f80bc2c4ac04351517b77"

#define TASKS "/run/containerd/io.containerd.runtime.v2.task"
#define MOBY_TASKS "/run/docker/containerd/daemon/io.containerd.runtime.v2.task/moby"
#define STORAGE "/run/containers/storage/overlay-containers"
#define GRAPH "/var/lib/containers/storage/overlay-containers"
#define IMAGES "/var/lib/containers/storage/overlay-images/images.json"

/* ---- fixtures ------------------------------------------------------------ */

/* Looks for tests/fixtures/containers in each parent of dir. */
static inline bool find_up(const char *dir, char *out, size_t len)
{
	char base[PATH_MAX];
	int up;

	snprintf(base, sizeof(base), "%s", dir);
	for (up = 0; up < 8; up++) {
		if ((size_t)snprintf(out, len, "%s/tests/fixtures/containers", base) < len &&
		    access(out, R_OK) == 0)
			return true;
		if (strcmp(base, "/") == 0)
			break;
		snprintf(base, sizeof(base), "%s", dirname(base));
	}
	return false;
}

/* IG_FIXTURES, else next to this source file, else found upwards from the
 * working directory or the test binary, so any build layout works. */
static inline const char *fixtures_dir(void)
{
	static char dir[PATH_MAX];
	char tmp[PATH_MAX];
	ssize_t n;

	if (getenv("IG_FIXTURES"))
		return getenv("IG_FIXTURES");
	snprintf(tmp, sizeof(tmp), "%s", __FILE__);
	FMT(dir, "%s/../fixtures/containers", dirname(tmp));
	if (access(dir, R_OK) == 0)
		return dir;
	if (getcwd(tmp, sizeof(tmp)) && find_up(tmp, dir, sizeof(dir)))
		return dir;
	n = readlink("/proc/self/exe", tmp, sizeof(tmp) - 1);
	if (n > 0) {
		tmp[n] = '\0';
		if (find_up(dirname(tmp), dir, sizeof(dir)))
			return dir;
	}
	return "tests/fixtures/containers";
}

static inline char *read_fixture(const char *name, size_t *len)
{
	char path[PATH_MAX];
	struct stat st;
	char *buf;
	FILE *f;

	FMT(path, "%s/%s", fixtures_dir(), name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("missing fixture %s (set IG_FIXTURES)", path);
	assert_int_equal(fstat(fileno(f), &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)st.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Fixture-specific IDs are derived once so the #defines above can be
 * checked against the files instead of trusted. */
static inline void assert_fixture_has(const char *name, const char *needle)
{
	size_t len;
	char *buf = read_fixture(name, &len);

	if (!strstr(buf, needle))
		fail_msg("%s does not contain %s", name, needle);
	free(buf);
}

/* ---- fake host root ------------------------------------------------------ */

struct fake {
	char root[PATH_MAX];
	struct container_table *t;
};

static inline void mkdirs(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	mkdir(tmp, 0755);
}

static inline void fk_path(const struct fake *f, char *out, const char *fmt, va_list ap)
{
	char rel[PATH_MAX];

	vsnprintf(rel, sizeof(rel), fmt, ap);
	assert_true(snprintf(out, PATH_MAX, "%s%s", f->root, rel) < PATH_MAX);
}

static inline void fk_parent(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	mkdirs(dirname(tmp));
}

static inline void fk_write(const struct fake *f, const char *data, size_t len, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *out;

	va_start(ap, fmt);
	fk_path(f, path, fmt, ap);
	va_end(ap);
	fk_parent(path);
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(data, 1, len, out), len);
	fclose(out);
}

static inline void fk_printf(const struct fake *f, const char *rel, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fk_write(f, buf, (size_t)n, "%s", rel);
}

static inline void fk_copy(const struct fake *f, const char *fixture, const char *rel)
{
	size_t len;
	char *buf = read_fixture(fixture, &len);

	fk_write(f, buf, len, "%s", rel);
	free(buf);
}

/* A process: its mount namespace link and its cgroup file. */
static inline void fk_proc(const struct fake *f, uint32_t pid, uint64_t mntns, const char *cgroup)
{
	char path[PATH_MAX], target[64], rel[64];

	FMT(path, "%s/proc/%" PRIu32 "/ns", f->root, pid);
	mkdirs(path);
	strcat(path, "/mnt");
	unlink(path);
	snprintf(target, sizeof(target), "mnt:[%" PRIu64 "]", mntns);
	assert_int_equal(symlink(target, path), 0);
	snprintf(rel, sizeof(rel), "/proc/%" PRIu32 "/cgroup", pid);
	fk_printf(f, rel, "%s\n", cgroup ? cgroup : "0::/");
}

static inline int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline void fk_kill(const struct fake *f, uint32_t pid)
{
	char path[PATH_MAX];

	FMT(path, "%s/proc/%" PRIu32, f->root, pid);
	rm_rf(path);
}

static inline void fk_rm(const struct fake *f, const char *rel)
{
	char path[PATH_MAX];

	FMT(path, "%s%s", f->root, rel);
	rm_rf(path);
}

static inline void fk_docker(const struct fake *f, const char *id, const char *name, bool running,
		      uint32_t pid)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "/var/lib/docker/containers/%s/config.v2.json", id);
	fk_printf(f, rel,
		  "{\"ID\":\"%s\",\"Name\":\"/%s\",\"Config\":{\"Image\":\"busybox\"},"
		  "\"State\":{\"Running\":%s,\"Pid\":%" PRIu32 "}}",
		  id, name, running ? "true" : "false", pid);
}

static inline void fk_runc(const struct fake *f, const char *root, const char *id, uint32_t pid)
{
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/%s/state.json", root, id);
	fk_printf(f, rel,
		  "{\"id\":\"%s\",\"init_process_pid\":%" PRIu32 ",\"init_process_start\":777,"
		  "\"config\":{\"labels\":[\"bundle=/srv/bundles/%s\"]}}",
		  id, pid, id);
}

static inline struct container_table *fk_table(struct fake *f, unsigned int linger)
{
	struct ct_options o = { .host_root = f->root, .verbose = true, .linger_sec = linger };

	ct_free(f->t);
	f->t = ct_new(&o);
	assert_non_null(f->t);
	return f->t;
}

/* A Docker container created but never started (no pid anywhere), and a
 * fresh table that has scanned it: nothing running. */
static inline void fk_created_docker(struct fake *f)
{
	fk_copy(f, "docker_created.v2.json",
		"/var/lib/docker/containers/" ID_STARTING "/config.v2.json");
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
}

static inline int fake_setup(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "/tmp/ig-ct-test-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	fk_proc(f, 1, HOST_MNTNS, "0::/init.scope");
	*state = f;
	return 0;
}

static inline int fake_teardown(void **state)
{
	struct fake *f = *state;

	ct_free(f->t);
	rm_rf(f->root);
	free(f);
	return 0;
}

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}


static inline const struct container *must_lookup(struct fake *f, uint64_t mntns)
{
	const struct container *c = ct_lookup_mntns(f->t, mntns);

	if (!c)
		fail_msg("mntns %" PRIu64 " not found", mntns);
	return c;
}

#endif
