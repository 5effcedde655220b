/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Between btf_cache.c (the entries: hashing, validation, building) and
 * btf_serve.c (the once-per-process answer, and libbpf's vmlinux BTF).
 */
#ifndef IG_BTF_CACHE_INT_H
#define IG_BTF_CACHE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "btf_cache.h"

/* A source BTF, read whole: hashed, and parsed from the same bytes if the
 * cache must be rebuilt, so sysfs is read once (4 KiB a read call). */
struct src_bytes {
	char *data;
	size_t size;
	bool mapped;   /* a read-only mapping of the file, not the heap */
};

/* Give back what data holds (unmapped or freed), and clear it. */
void src_bytes_free(struct src_bytes *b);


/* How lookup() treats a missing or invalid entry. */
enum miss {
	MISS_BUILD,       /* build it; in memory if the cache is not writable */
	MISS_STORE,       /* build it only to store it (the background build) */
	MISS_REPORT,      /* build nothing: BTF_CACHE_LATER */
};


/* Map the pages of a fresh buffer in one call (MADV_POPULATE_WRITE)
 * rather than a fault per page; best effort (kernels < 5.14 just fault),
 * and off with IG_NO_PREFAULT=1 (for A/B measures). */
void btf_prefault(void *p, size_t len);

/*
 * btf_cache_lookup() with a choice of what a miss does. keep (optional)
 * gets the bytes this lookup read that libbpf can use in place of a file:
 * the cached BTF on a hit; on a miss, the source BTF when it was read.
 */
enum btf_cache_result btf_cache_lookup_mode(const char *src, const char *cache_dir, char *path,
					    size_t len, enum miss miss, struct src_bytes *keep);

#endif
