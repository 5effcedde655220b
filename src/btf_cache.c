// SPDX-License-Identifier: Apache-2.0
/*
 * The minimized-BTF cache (btf_cache.h). A cached file is the raw BTF that
 * libbpf reads, followed by a trailer libbpf ignores (it reads only what the
 * BTF header covers) that says what the file was built from:
 *
 *   magic "IGMINBTF", version, BTF size, hash of the source BTF, hash of
 *   the BPF objects of the build, hash of the BTF bytes.
 *
 * A file is used only if all of these match the running kernel's BTF and
 * this binary's objects, and the BTF header is sane; otherwise it is rebuilt
 * and replaced (a temporary file renamed over it: readers never see half a
 * file). A cache directory ig cannot create or write is no error: the BTF is
 * built in memory (a memfd) for this run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "btf_cache.h"
#include "btf_cache_int.h"
#include "btf_min.h"
#include "ig.h"

#define KERNEL_BTF "/sys/kernel/btf/vmlinux"
#define TRAILER_MAGIC "IGMINBTF"
#define TRAILER_VERSION 1
#define MAX_FILE (64u << 20)
#define MAX_SRC (1u << 30)

struct trailer {
	char magic[8];
	uint32_t version;
	uint32_t btf_size;
	uint64_t src_hash;
	uint64_t obj_hash;
	uint64_t btf_hash;
};

static int mem_fd = -1;   /* the in-memory BTF when the cache is not writable */

/* ------------------------------------------------------------- hashing */

struct hash {
	uint64_t h;
};

static void hash_bytes(struct hash *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = s->h;

	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (; len; len--, p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	s->h = h;
}

static uint64_t hash_done(struct hash *s, uint64_t len)
{
	struct hash t = *s;

	hash_bytes(&t, &len, sizeof(len));
	return t.h ? t.h : 1;
}


#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void btf_prefault(void *p, size_t len)
{
	uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;

	if (p && len > a - (uintptr_t)p && !getenv("IG_NO_PREFAULT"))
		madvise((void *)a, len - (a - (uintptr_t)p), MADV_POPULATE_WRITE);
}

void src_bytes_free(struct src_bytes *b)
{
	if (b->mapped && b->data)
		munmap(b->data, b->size);
	else
		free(b->data);
	b->data = NULL;
	b->mapped = false;
}

/*
 * The file mapped read-only: the kernel's BTF can be mapped since Linux
 * 6.16, its pages as they are, where reading it copied 5.5 MB 4 KiB at a
 * time into fresh pages (~25 ms of CPU here, the most of a cold start).
 * Older kernels refuse: then it is read.
 */
static bool map_all(int fd, const struct stat *st, struct src_bytes *out)
{
	void *p;

	if (st->st_size <= 0 || (uint64_t)st->st_size > MAX_SRC)
		return false;
	p = mmap(NULL, st->st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return false;
	out->data = p;
	out->size = st->st_size;
	out->mapped = true;
	return true;
}

static int read_all(const char *path, struct src_bytes *out)
{
	size_t cap, len = 0;
	struct stat st;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	out->mapped = false;
	if (!fstat(fd, &st) && map_all(fd, &st, out)) {
		close(fd);
		return 0;
	}
	cap = !fstat(fd, &st) && st.st_size > 0 ? (size_t)st.st_size + 1 : 1 << 20;
	buf = malloc(cap);
	btf_prefault(buf, cap);
	while (buf && (n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap && cap < MAX_SRC) {
			char *more = realloc(buf, cap * 2);

			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	if (!buf || n < 0 || len == 0) {
		free(buf);
		return -EIO;
	}
	out->data = buf;
	out->size = len;
	return 0;
}

static uint64_t src_hash_of(const struct src_bytes *b)
{
	struct hash s = { 0x6a09e667f3bcc909ULL };

	hash_bytes(&s, b->data, b->size);
	return hash_done(&s, b->size);
}

uint64_t btf_cache_file_hash(const char *path)
{
	struct src_bytes b;
	uint64_t h;

	if (read_all(path, &b))
		return 0;
	h = src_hash_of(&b);
	src_bytes_free(&b);
	return h;
}

static uint64_t buf_hash(const void *data, size_t len)
{
	struct hash s = { 0x3c6ef372fe94f82bULL };

	hash_bytes(&s, data, len);
	return hash_done(&s, len);
}

/*
 * Hashing the kernel's BTF means reading megabytes from sysfs, 4 KiB a
 * read: milliseconds at every start. It cannot change while the kernel
 * runs, so its hash is computed once per boot and remembered, with the
 * boot's ID, in <cache>/kernel-btf-hash (written atomically, mode 0600).
 */
static bool read_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static int cache_store_bytes(const char *dir, const char *path, const void *data, size_t len);

/* Whether the cache has an entry directory for this kernel release: if not,
 * no entry can be valid, whatever the kernel BTF's hash. */
static bool release_seen(const char *cache_dir, const char *release)
{
	size_t n = strlen(release);
	DIR *d = opendir(cache_dir);
	struct dirent *e;
	bool seen = false;

	if (!d)
		return false;
	while (!seen && (e = readdir(d)))
		seen = !strncmp(e->d_name, release, n) && e->d_name[n] == '-';
	closedir(d);
	return seen;
}

/* The kernel BTF's hash; 0 on error. With only_if_useful, 0 also when no
 * entry for this release exists and the hash is not remembered: src then
 * holds the BTF, read but not hashed (a cold start needs no hash). */
static uint64_t kernel_btf_hash(const char *cache_dir, const char *release,
			       struct src_bytes *src, bool only_if_useful)
{
	char boot[64], memo[PATH_MAX], line[256], want[200];
	unsigned long long h = 0;
	size_t n;

	if (!read_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot)))
		return read_all(KERNEL_BTF, src) ? 0 : src_hash_of(src);
	n = snprintf(want, sizeof(want), "%s %s ", boot, release);
	snprintf(memo, sizeof(memo), "%s/kernel-btf-hash", cache_dir);
	if (n < sizeof(want) && read_line(memo, line, sizeof(line)) && !strncmp(line, want, n) &&
	    sscanf(line + n, "%16llx", &h) == 1 && h)
		return h;
	if (only_if_useful && !release_seen(cache_dir, release)) {
		read_all(KERNEL_BTF, src);
		return 0;
	}
	h = read_all(KERNEL_BTF, src) ? 0 : src_hash_of(src);
	if (h && n < sizeof(want)) {
		n = snprintf(line, sizeof(line), "%s%016llx\n", want, h);
		if (n < sizeof(line))
			cache_store_bytes(cache_dir, memo, line, n);   /* best effort */
	}
	return h;
}

/* ---------------------------------------------------------- validation */

static bool btf_header_ok(const void *data, size_t size)
{
	const struct btf_header *h = data;

	return size >= sizeof(*h) && h->magic == BTF_MAGIC && h->version == BTF_VERSION &&
	       h->hdr_len >= sizeof(*h) && h->hdr_len <= size &&
	       (uint64_t)h->type_off + h->type_len <= h->str_off &&
	       (uint64_t)h->hdr_len + h->str_off + h->str_len == size;
}

/* Is the file at path a cache entry for these hashes, intact? When keep is
 * given, the BTF bytes stay there (one read serves the check, the kernel
 * feature probes and libbpf); else the file is read in chunks. */
static bool cache_file_valid(const char *path, uint64_t src_hash, uint64_t obj_hash,
			     struct src_bytes *keep)
{
	struct hash s = { 0x3c6ef372fe94f82bULL };
	enum { CHUNK = 1 << 15 };
	char *buf = NULL;   /* not on the thread's stack: glibc keeps those */
	struct btf_header h;
	struct trailer tr;
	struct stat st;
	size_t btf_size, off = 0, cap;
	bool ok = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	/* Only a file we wrote: ours, not writable by others. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022) || st.st_size <= (off_t)(sizeof(tr) + sizeof(h)) ||
	    st.st_size > MAX_FILE)
		goto out;
	btf_size = st.st_size - sizeof(tr);
	if (pread(fd, &tr, sizeof(tr), btf_size) != sizeof(tr) ||
	    pread(fd, &h, sizeof(h), 0) != sizeof(h) ||
	    memcmp(tr.magic, TRAILER_MAGIC, 8) || tr.version != TRAILER_VERSION ||
	    tr.btf_size != btf_size || tr.src_hash != src_hash || tr.obj_hash != obj_hash ||
	    !btf_header_ok(&h, btf_size))
		goto out;
	cap = keep ? btf_size : CHUNK;
	buf = malloc(cap);
	while (buf && off < btf_size) {
		size_t want = btf_size - off < cap ? btf_size - off : cap;
		ssize_t n = pread(fd, keep ? buf + off : buf, want, off);

		if (n <= 0)
			goto out;
		/* whole words except at the end: the same hash as buf_hash() */
		if ((size_t)n != want && (n & 7))
			n &= ~(ssize_t)7;
		if (n == 0)
			goto out;
		hash_bytes(&s, keep ? buf + off : buf, n);
		off += n;
	}
	ok = buf && hash_done(&s, btf_size) == tr.btf_hash;
	if (ok && keep) {
		keep->data = buf;
		keep->size = btf_size;
		keep->mapped = false;
		buf = NULL;
	}
out:
	free(buf);
	close(fd);
	return ok;
}

/* ------------------------------------------------------------ building */

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int write_entry(int fd, const void *btf, uint32_t size, uint64_t src_hash,
		       uint64_t obj_hash)
{
	struct trailer tr = { .version = TRAILER_VERSION, .btf_size = size,
			      .src_hash = src_hash, .obj_hash = obj_hash,
			      .btf_hash = buf_hash(btf, size) };

	memcpy(tr.magic, TRAILER_MAGIC, 8);
	return write_all(fd, btf, size) || write_all(fd, &tr, sizeof(tr)) ? -1 : 0;
}

static int mkdir_private(const char *dir)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -1;
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0700) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0700) && errno != EEXIST ? -1 : 0;
}

/* Write path (in dir) atomically: a temporary file renamed over the old
 * one, so a reader sees the old file or the new one, whole. */
static int store_atomic(const char *dir, const char *path,
			int (*fill)(int fd, const void *arg), const void *arg)
{
	char tmp[PATH_MAX];
	int fd;

	if (mkdir_private(dir) ||
	    snprintf(tmp, sizeof(tmp), "%s/.tmp-XXXXXX", dir) >= (int)sizeof(tmp))
		return -1;
	fd = mkstemp(tmp);   /* mode 0600 */
	if (fd < 0)
		return -1;
	/* No fsync: a file cut short by a crash fails validation, and is
	 * rebuilt; a start should not wait for the disk. */
	if (fill(fd, arg)) {
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct bytes {
	const void *data;
	size_t len;
};

static int fill_bytes(int fd, const void *arg)
{
	const struct bytes *b = arg;

	return write_all(fd, b->data, b->len);
}

static int cache_store_bytes(const char *dir, const char *path, const void *data, size_t len)
{
	struct bytes b = { data, len };

	return store_atomic(dir, path, fill_bytes, &b);
}

struct entry {
	const void *btf;
	uint32_t size;
	uint64_t src_hash, obj_hash;
};

static int fill_entry(int fd, const void *arg)
{
	const struct entry *e = arg;

	return write_entry(fd, e->btf, e->size, e->src_hash, e->obj_hash);
}

static int cache_store(const char *dir, const char *path, const void *btf, uint32_t size,
		       uint64_t src_hash, uint64_t obj_hash)
{
	struct entry e = { btf, size, src_hash, obj_hash };

	return store_atomic(dir, path, fill_entry, &e);
}

/* No writable cache: the same bytes in an anonymous file, for this run. */
static int memory_store(char *path, size_t len, const void *btf, uint32_t size,
			uint64_t src_hash, uint64_t obj_hash)
{
	int fd = memfd_create("ig-min-btf", MFD_CLOEXEC);

	if (fd < 0 || write_entry(fd, btf, size, src_hash, obj_hash)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (mem_fd >= 0)
		close(mem_fd);
	mem_fd = fd;
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return 0;
}

/* The minimized BTF of src (its bytes when read already: they are freed),
 * from the raw bytes: no libbpf parse of the full BTF. */
static int build(const char *src, struct src_bytes *bytes, void **min, uint32_t *size)
{
	const struct bpf_blob *objs;
	size_t n;
	int err;

	if (!bytes->data && (err = read_all(src, bytes)))
		return err;
	objs = ig_bpf_blobs(&n);
	err = btf_min_build_raw(bytes->data, bytes->size, objs, n, min, size);
	src_bytes_free(bytes);   /* megabytes: not a moment longer */
	return err;
}

/*
 * A miss at start: libbpf gets the minimized BTF built in memory from the
 * source bytes just read (its type IDs are the source's), rather than the
 * source itself, whose parse by libbpf, and CO-RE's search among its 126k
 * types, cost more than this build (docs/performance.md). The entry is
 * still written after attaching. If the build fails, the source bytes.
 */
static void keep_minimized(struct src_bytes *bytes, struct src_bytes *keep)
{
	const struct bpf_blob *objs;
	uint32_t size;
	void *min;
	size_t n;

	objs = ig_bpf_blobs(&n);
	if (!btf_min_build_raw(bytes->data, bytes->size, objs, n, &min, &size)) {
		src_bytes_free(bytes);
		bytes->data = min;
		bytes->size = size;
	}
	*keep = *bytes;
}

/*
 * keep (optional) gets the bytes this lookup read that libbpf can use in
 * place of a file: the cached BTF on a hit; on a miss, the source BTF when
 * it had to be read for its hash.
 */
enum btf_cache_result btf_cache_lookup_mode(const char *src, const char *cache_dir, char *path,
					    size_t len, enum miss miss, struct src_bytes *keep)
{
	uint64_t src_hash, obj_hash = ig_bpf_objects_hash();
	struct src_bytes bytes = { NULL, 0, false };
	enum btf_cache_result res;
	char dir[PATH_MAX];
	struct utsname u;
	uint32_t size;
	void *min;

	src = src ? src : KERNEL_BTF;
	if (uname(&u))
		return BTF_CACHE_FAILED;
	if (strcmp(src, KERNEL_BTF))
		src_hash = read_all(src, &bytes) ? 0 : src_hash_of(&bytes);
	else
		src_hash = kernel_btf_hash(cache_dir, u.release, &bytes, miss == MISS_REPORT);
	if (!src_hash && bytes.data && miss == MISS_REPORT && keep) {
		/* Nothing cached for this kernel: no hash needed to know. */
		snprintf(path, len, "%s/%s-*", cache_dir, u.release);
		keep_minimized(&bytes, keep);
		return BTF_CACHE_LATER;
	}
	if (!src_hash) {
		src_bytes_free(&bytes);
		return BTF_CACHE_FAILED;
	}
	/* A --btf file is not the running kernel's: its hash says which. */
	snprintf(dir, sizeof(dir), "%s/%s-%016llx", cache_dir,
		 !strcmp(src, KERNEL_BTF) ? u.release : "btf",
		 (unsigned long long)src_hash);
	if (snprintf(path, len, "%s/min-%016llx.btf", dir, (unsigned long long)obj_hash) >= (int)len) {
		src_bytes_free(&bytes);
		return BTF_CACHE_FAILED;
	}
	if (cache_file_valid(path, src_hash, obj_hash, keep)) {
		src_bytes_free(&bytes);
		return BTF_CACHE_HIT;
	}
	if (miss == MISS_REPORT) {
		if (keep && bytes.data)
			keep_minimized(&bytes, keep);
		else
			src_bytes_free(&bytes);
		return BTF_CACHE_LATER;
	}
	if (miss == MISS_STORE && (mkdir_private(dir) || access(dir, W_OK))) {
		src_bytes_free(&bytes);   /* nowhere to store it: not worth building */
		return BTF_CACHE_FAILED;
	}
	ig_info("BTF cache: no valid %s, building it", path);
	if (build(src, &bytes, &min, &size))
		return BTF_CACHE_FAILED;
	res = BTF_CACHE_FAILED;
	if (!cache_store(dir, path, min, size, src_hash, obj_hash))
		res = BTF_CACHE_BUILT;
	else if (miss == MISS_BUILD && !memory_store(path, len, min, size, src_hash, obj_hash))
		res = BTF_CACHE_UNCACHED;
	free(min);
	return res;
}

enum btf_cache_result btf_cache_lookup(const char *src, const char *cache_dir, char *path,
				       size_t len)
{
	return btf_cache_lookup_mode(src, cache_dir, path, len, MISS_BUILD, NULL);
}
