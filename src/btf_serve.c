// SPDX-License-Identifier: Apache-2.0
/*
 * The minimized BTF for this process (btf_cache.h): looked up once, in a
 * thread from the moment the command line is parsed; libbpf's vmlinux BTF
 * served from it; and, when there was no valid entry, the entry built after
 * the programs are attached.
 */
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <bpf/btf.h>
#include "btf_cache_int.h"
#include "ig.h"

/* The once-per-process answer, maybe computed by a prefetch thread. */
static struct {
	pthread_once_t heap_once;
	pthread_mutex_t lock;
	pthread_t thread, builder;
	bool started, joined, done, building;
	const char *src;
	enum btf_cache_result res;
	struct src_bytes raw;   /* what the lookup read, until libbpf takes it */
	struct btf *parsed;     /* raw, parsed by the prefetch thread */
	char path[PATH_MAX];
} memo = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER };

/* libbpf reads each BTF into a new buffer and copies it; from the heap
 * rather than fresh mmaps, the next read reuses the pages the last one
 * touched instead of faulting in new ones (dear on a VM), and one arena
 * serves the prefetch thread too. run.c gives the heap back once the
 * programs are loaded (malloc_trim). */
/*
 * The BTF buffers of a start (the cache file read whole, libbpf's copy of
 * it, its index of types: ~2 MB) land in fresh heap pages, and each page's
 * first touch is a fault, dear on a VM. Populating them in one call
 * (btf_prefault) is cheaper; freed, they stay at the heap's top
 * (M_TRIM_THRESHOLD) for those buffers, and run.c's malloc_trim gives them
 * back after loading.
 */
#define PREFAULT_BYTES (2u << 20)

static void prefault_heap(size_t len)
{
	char *p = malloc(len);

	btf_prefault(p, len);
	free(p);
}

static void heap_for_btf(void)
{
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_ARENA_MAX, 1);
	prefault_heap(PREFAULT_BYTES);
}

static const char *cache_root(void)
{
	const char *dir = getenv("IG_CACHE_DIR");

	return dir && *dir ? dir : IG_CACHE_DIR_DEFAULT;
}

/*
 * At start, only look: a valid entry is used; for a missing or stale one,
 * the minimized BTF is built in memory from the kernel's BTF (mapped, not
 * parsed by libbpf: cheaper than libbpf's parse of it alone) and libbpf
 * gets that; the entry is written after the programs are attached
 * (btf_cache_build_later), off the start's path.
 */
static void compute(void)
{
	const char *mode = getenv("IG_BTF_CACHE");

	memo.res = BTF_CACHE_FAILED;
	if (mode && !strcmp(mode, "off"))
		return;
	memo.res = btf_cache_lookup_mode(memo.src, cache_root(), memo.path, sizeof(memo.path),
					 MISS_REPORT, &memo.raw);
	ig_info("BTF cache: %s %s", memo.res == BTF_CACHE_HIT ? "using" :
		memo.res == BTF_CACHE_LATER ? "no valid entry yet, built after attaching:" :
		"none; using the full BTF", memo.res == BTF_CACHE_FAILED ? "" : memo.path);
}

/* libbpf's copy and index of the bytes read: for the full BTF (a miss),
 * in populated pages. */
static struct btf *parse_raw(const struct src_bytes *raw)
{
	if (raw->size > PREFAULT_BYTES / 2)
		prefault_heap(raw->size + raw->size / 4);
	return btf__new(raw->data, raw->size);
}

/* The lookup, then libbpf's parse of what it read (3 ms for the minimized
 * BTF here): both off the main thread, which meanwhile discovers
 * containers and opens the BPF object. The raw bytes stay for the kernel
 * feature probes' scan. */
static void *prefetch_main(void *arg)
{
	(void)arg;
	compute();
	if (memo.raw.data && !memo.src)
		memo.parsed = parse_raw(&memo.raw);
	return NULL;
}

void btf_cache_prefetch(const char *src)
{
	pthread_once(&memo.heap_once, heap_for_btf);
	pthread_mutex_lock(&memo.lock);
	if (!memo.started && !memo.done) {
		memo.src = src;
		memo.started = !pthread_create(&memo.thread, NULL, prefetch_main, NULL);
	}
	pthread_mutex_unlock(&memo.lock);
}

static enum btf_cache_result get_locked(const char *src)
{
	if (memo.started && !memo.joined) {
		pthread_join(memo.thread, NULL);
		memo.joined = memo.done = true;
	} else if (!memo.done) {
		memo.src = src;
		compute();
		memo.done = true;
	}
	return memo.res;
}

const char *btf_cache_get(const char *src)
{
	enum btf_cache_result res;

	pthread_once(&memo.heap_once, heap_for_btf);
	pthread_mutex_lock(&memo.lock);
	res = get_locked(src);
	pthread_mutex_unlock(&memo.lock);
	return res == BTF_CACHE_HIT ? memo.path : NULL;
}

const char *btf_cache_kernel_path(void)
{
	const char *p = btf_cache_get(NULL);

	/* Built from a --btf file, its IDs are not the running kernel's. */
	return p && !memo.src ? p : NULL;
}

bool btf_cache_kernel_raw(const void **data, size_t *size)
{
	bool ok;

	pthread_once(&memo.heap_once, heap_for_btf);
	pthread_mutex_lock(&memo.lock);
	get_locked(NULL);
	ok = memo.raw.data && !memo.src;
	if (ok) {
		*data = memo.raw.data;
		*size = memo.raw.size;
	}
	pthread_mutex_unlock(&memo.lock);
	return ok;
}

/* The bytes the lookup read, as a parsed BTF for libbpf (which copies
 * them): the file is not read again. */
static struct btf *take_raw(void)
{
	struct btf *b = NULL;

	pthread_mutex_lock(&memo.lock);
	b = memo.parsed;
	memo.parsed = NULL;
	if (!b && memo.raw.data)
		b = parse_raw(&memo.raw);
	src_bytes_free(&memo.raw);
	pthread_mutex_unlock(&memo.lock);
	return b;
}

/* ------------------------------------------------- building after attach */

static void *builder_main(void *arg)
{
	char path[PATH_MAX];
	enum btf_cache_result res;

	(void)arg;
	/* Behind the event loop: this thread only, not the process. */
	setpriority(PRIO_PROCESS, gettid(), 10);
	res = btf_cache_lookup_mode(memo.src, cache_root(), path, sizeof(path), MISS_STORE, NULL);
	ig_info("BTF cache: %s %s", res == BTF_CACHE_BUILT ? "built" : res == BTF_CACHE_HIT ?
		"found (another ig built it)" : "could not build", path);
	if (res == BTF_CACHE_BUILT || res == BTF_CACHE_HIT) {
		/* The next load in this process (the daemon's next gadget) uses it. */
		pthread_mutex_lock(&memo.lock);
		snprintf(memo.path, sizeof(memo.path), "%s", path);
		memo.res = BTF_CACHE_HIT;
		pthread_mutex_unlock(&memo.lock);
	}
	malloc_trim(0);   /* the full BTF it parsed */
	return NULL;
}

void btf_cache_build_later(void)
{
	pthread_mutex_lock(&memo.lock);
	if (memo.done && memo.res == BTF_CACHE_LATER && !memo.building)
		memo.building = !pthread_create(&memo.builder, NULL, builder_main, NULL);
	pthread_mutex_unlock(&memo.lock);
}

void btf_cache_finish(void)
{
	bool building;

	pthread_mutex_lock(&memo.lock);
	building = memo.building;
	pthread_mutex_unlock(&memo.lock);
	if (building)   /* unlocked: the builder takes the lock as it ends */
		pthread_join(memo.builder, NULL);
	pthread_mutex_lock(&memo.lock);
	memo.building = false;
	src_bytes_free(&memo.raw);
	btf__free(memo.parsed);
	memo.parsed = NULL;
	pthread_mutex_unlock(&memo.lock);
}

/*
 * libbpf 1.1 reads the whole vmlinux BTF (megabytes) whenever an object has
 * a kfunc or a tp_btf program, whatever btf_custom_path says, only to look
 * up those few names. The minimized BTF has them at their kernel IDs, so
 * while there is one, it answers instead: ig is linked with
 * --wrap=btf__load_vmlinux_btf (Makefile), so libbpf's calls come here.
 * Without a valid entry, the bytes the lookup kept: the minimized BTF
 * built in memory (or, if that failed, the full BTF it read).
 */
struct btf *__real_btf__load_vmlinux_btf(void);
struct btf *__wrap_btf__load_vmlinux_btf(void);

struct btf *__wrap_btf__load_vmlinux_btf(void)
{
	const char *min = btf_cache_get(memo.src);
	struct btf *b = take_raw();

	if (!b && min)
		b = btf__parse(min, NULL);
	if (!b && memo.src)
		b = btf__parse(memo.src, NULL);
	return b ? b : __real_btf__load_vmlinux_btf();
}

bool btf_cache_serves_vmlinux(void)
{
	return true;
}
