// SPDX-License-Identifier: Apache-2.0
/*
 * The minimized-BTF cache against the running kernel's BTF: built once,
 * then found; a corrupt entry, an entry made from another BTF (another
 * kernel) and a stale per-boot hash memo are rebuilt, never used; a cache
 * directory that cannot be written means an in-memory BTF, no error. And
 * the minimized BTF keeps what the objects need at the kernel's type IDs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <bpf/btf.h>
#include "btf_cache.h"
#include "btf_min.h"

#define KBTF "/sys/kernel/btf/vmlinux"

static char dir[256];   /* short: room for the names under it */

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ig-btf-cache-test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void need_kernel_btf(void)
{
	if (access(KBTF, R_OK))
		skip();
}

static enum btf_cache_result lookup(const char *src, const char *cdir, char *path)
{
	return btf_cache_lookup(src, cdir, path, PATH_MAX);
}

static void flip_byte(const char *path, off_t at)
{
	int fd = open(path, O_RDWR);
	unsigned char c;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x5a;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);
}

static void test_built_then_found(void **state)
{
	char path[PATH_MAX], again[PATH_MAX], sub[PATH_MAX];
	struct stat st;

	(void)state;
	need_kernel_btf();
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(sub, sizeof(sub), "%s", path);
	*strrchr(sub, '/') = 0;
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(lookup(NULL, dir, again), BTF_CACHE_HIT);
	assert_string_equal(path, again);
}

/* What the objects need is there, at the kernel's IDs; the rest is not. */
static void test_minimized_keeps_kernel_ids(void **state)
{
	char path[PATH_MAX];
	struct btf *k, *m;
	const char *names[] = { "task_struct", "mnt_namespace", "file" };
	int kid, mid;

	(void)state;
	need_kernel_btf();
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	k = btf__parse(KBTF, NULL);
	m = btf__parse(path, NULL);
	assert_non_null(k);
	assert_non_null(m);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		kid = btf__find_by_name_kind(k, names[i], BTF_KIND_STRUCT);
		mid = btf__find_by_name_kind(m, names[i], BTF_KIND_STRUCT);
		assert_true(kid > 0);
		assert_int_equal(mid, kid);
		assert_int_equal(btf__type_by_id(m, mid)->size, btf__type_by_id(k, kid)->size);
		/* only some members */
		assert_true(btf_vlen(btf__type_by_id(m, mid)) < btf_vlen(btf__type_by_id(k, kid)));
	}
	kid = btf__find_by_name_kind(k, "bpf_rdonly_cast", BTF_KIND_FUNC);
	if (kid > 0)
		assert_int_equal(btf__find_by_name_kind(m, "bpf_rdonly_cast", BTF_KIND_FUNC), kid);
	/* a type no object uses */
	assert_true(btf__find_by_name_kind(k, "bpf_prog_aux", BTF_KIND_STRUCT) > 0);
	assert_true(btf__find_by_name_kind(m, "bpf_prog_aux", BTF_KIND_STRUCT) < 0);
	btf__free(k);
	btf__free(m);
}

static void test_corrupt_entry_rebuilt(void **state)
{
	char path[PATH_MAX];
	struct stat st;

	(void)state;
	need_kernel_btf();
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(stat(path, &st), 0);
	flip_byte(path, st.st_size / 2);                 /* in the types */
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_HIT);
	flip_byte(path, 0);                              /* the BTF magic */
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(truncate(path, st.st_size - 7), 0);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_HIT);
}

/* An entry made from another BTF, under this kernel's name, is not used. */
static void test_other_kernel_entry_rebuilt(void **state)
{
	char path[PATH_MAX], other_src[PATH_MAX], other[PATH_MAX], cmd[3 * PATH_MAX];
	struct btf *k;
	const void *raw;
	uint32_t size;
	FILE *f;

	(void)state;
	need_kernel_btf();
	/* "another kernel": the same BTF with one type more */
	k = btf__parse(KBTF, NULL);
	assert_non_null(k);
	assert_true(btf__add_int(k, "ig_other_kernel_int", 4, 0) > 0);
	raw = btf__raw_data(k, &size);
	snprintf(other_src, sizeof(other_src), "%s/other.btf", dir);
	f = fopen(other_src, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(raw, 1, size, f), size);
	fclose(f);
	btf__free(k);
	assert_int_equal(lookup(other_src, dir, other), BTF_CACHE_BUILT);
	assert_int_equal(lookup(other_src, dir, other), BTF_CACHE_HIT);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_string_not_equal(path, other);
	/* put the other kernel's entry where this kernel's is */
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", other, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_BUILT);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_HIT);
}

/* The per-boot memo of the kernel BTF's hash: a wrong one is recomputed. */
static void test_stale_hash_memo(void **state)
{
	char path[PATH_MAX], good[PATH_MAX], memo[PATH_MAX];
	FILE *f;

	(void)state;
	need_kernel_btf();
	assert_int_equal(lookup(NULL, dir, good), BTF_CACHE_BUILT);
	snprintf(memo, sizeof(memo), "%s/kernel-btf-hash", dir);
	f = fopen(memo, "w");
	assert_non_null(f);
	fputs("00000000-0000-0000-0000-000000000000 0.0 1234567890abcdef\n", f);
	fclose(f);
	assert_int_equal(lookup(NULL, dir, path), BTF_CACHE_HIT);
	assert_string_equal(path, good);
}

static void check_readonly(const char *cdir)
{
	char path[PATH_MAX];
	struct btf *b;

	assert_int_equal(lookup(NULL, cdir, path), BTF_CACHE_UNCACHED);
	assert_string_equal(strstr(path, "/proc/self/fd/") ? "memfd" : path, "memfd");
	b = btf__parse(path, NULL);
	assert_non_null(b);
	assert_true(btf__find_by_name_kind(b, "task_struct", BTF_KIND_STRUCT) > 0);
	btf__free(b);
}

/* A read-only cache directory: the BTF is built in memory, no error. Root
 * writes anywhere it has permission bits for, so the directory is a
 * read-only tmpfs, mounted in a mount namespace of a child. */
static void test_readonly_dir_means_no_cache(void **state)
{
	char ro[PATH_MAX];
	int status;
	pid_t pid;

	(void)state;
	need_kernel_btf();
	snprintf(ro, sizeof(ro), "%s/ro", dir);
	assert_int_equal(mkdir(ro, 0700), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("tmpfs", ro, "tmpfs", MS_RDONLY, NULL))
			_exit(77);
		check_readonly(ro);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		/* no mount namespaces here: a directory that cannot be made */
		check_readonly("/proc/self/ig-cache");
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A malformed object is an error, not a crash. */
static void test_malformed_object(void **state)
{
	static const char junk[] = "\177ELF not really";
	struct bpf_blob o = { junk, sizeof(junk) };
	struct btf *k, *m = NULL;

	(void)state;
	need_kernel_btf();
	k = btf__parse(KBTF, NULL);
	assert_non_null(k);
	assert_true(btf_min_build(k, &o, 1, &m) < 0);
	assert_null(m);
	btf__free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_built_then_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_minimized_keeps_kernel_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_entry_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_kernel_entry_rebuilt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_hash_memo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_dir_means_no_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_object, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
