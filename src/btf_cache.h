/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cache of minimized kernel BTF (btf_min.h), one file per kernel BTF
 * and build of ig's BPF objects:
 *
 *   $IG_CACHE_DIR (default /var/cache/ig) / <release>-<BTF hash> /
 *       min-<objects hash>.btf
 *
 * docs/performance.md says how it is validated and how to clear it.
 */
#ifndef IG_BTF_CACHE_H
#define IG_BTF_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IG_CACHE_DIR_DEFAULT "/var/cache/ig"

/*
 * The path of a minimized BTF of src (NULL: the running kernel's) for this
 * build's BPF objects, to pass as btf_custom_path: the cached file when it
 * is valid. NULL when there is none (IG_BTF_CACHE=off, no source BTF, a
 * failure, or no valid entry yet: btf_cache_build_later() writes it after
 * attaching; meanwhile libbpf's vmlinux BTF is the same minimized BTF, built
 * in memory, see __wrap_btf__load_vmlinux_btf). Computed once per process. While a path is
 * returned, libbpf's own vmlinux BTF lookups (kfuncs, tp_btf targets) are
 * served from the same file, whose type IDs are the kernel's.
 */
const char *btf_cache_get(const char *src);

/* The minimized BTF btf_cache_get(NULL) returned, whose type IDs are the
 * running kernel's (kernel feature probes look up kfuncs there); NULL if
 * there is none. */
const char *btf_cache_kernel_path(void);

/* The raw bytes of the BTF the lookup read, if it kept them and their type
 * IDs are the kernel's (the cached minimized BTF; on a miss, the same built
 * in memory, or the kernel's own if that failed): borrowed, valid until
 * libbpf loads its vmlinux BTF. */
bool btf_cache_kernel_raw(const void **data, size_t *size);

/* After attaching: if there was no valid entry, build and store it in a
 * thread (below the event loop's priority); btf_cache_finish() waits for it
 * (at exit: the next start finds it) and frees what is left. */
void btf_cache_build_later(void);
void btf_cache_finish(void);

/* Start btf_cache_get(src)'s work in a thread, so that it overlaps the rest
 * of the start (container discovery, output setup); the next
 * btf_cache_get() waits for it. */
void btf_cache_prefetch(const char *src);

/*
 * Whether libbpf's own vmlinux BTF loads come here (a dynamically linked ig).
 * Then CO-RE needs no btf_custom_path: libbpf reads the minimized BTF once,
 * as vmlinux BTF, for relocations, kfuncs and attach targets alike.
 */
bool btf_cache_serves_vmlinux(void);

/* What btf_cache_get() did, for -v and tests. */
enum btf_cache_result {
	BTF_CACHE_NONE,       /* not asked, or disabled */
	BTF_CACHE_HIT,        /* a valid cached file */
	BTF_CACHE_BUILT,      /* built and written to the cache */
	BTF_CACHE_UNCACHED,   /* built, but the cache is not writable: in memory */
	BTF_CACHE_FAILED,     /* no minimized BTF: the full one is used */
	BTF_CACHE_LATER,      /* none valid yet: the full one now, built after attach */
};

/* The same, without the once-per-process memo: for tests. Fills path. */
enum btf_cache_result btf_cache_lookup(const char *src, const char *cache_dir,
				       char *path, size_t len);

/* A file's 64-bit content hash (the key of the cache), 0 on error. */
uint64_t btf_cache_file_hash(const char *path);

#endif
