// SPDX-License-Identifier: Apache-2.0
/* The BPF objects this build embeds: what the minimized BTF must serve. */
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include "btf_min.h"
/* Each skeleton needs its gadget's shared structs. */
#include "trace_exec.h"
#include "trace_open.h"
#include "trace_tcp.h"
#include "ttysnoop.h"
#include "traceloop.h"
#include "trace_exec.skel.h"
#include "trace_open.skel.h"
#include "trace_tcp.skel.h"
#include "ttysnoop.skel.h"
#include "traceloop.skel.h"
#include "bpf_objects_hash.h"

#define BLOB(name) { .data = name##_bpf__elf_bytes(&sz), .size = sz }

const struct bpf_blob *ig_bpf_blobs(size_t *n)
{
	static struct bpf_blob blobs[5];
	static size_t count;
	size_t sz;

	if (!count) {
		blobs[0] = (struct bpf_blob)BLOB(trace_exec);
		blobs[1] = (struct bpf_blob)BLOB(trace_open);
		blobs[2] = (struct bpf_blob)BLOB(trace_tcp);
		blobs[3] = (struct bpf_blob)BLOB(ttysnoop);
		blobs[4] = (struct bpf_blob)BLOB(traceloop);
		count = 5;
	}
	*n = count;
	return blobs;
}

uint64_t ig_bpf_objects_hash(void)
{
	return IG_BPF_OBJECTS_HASH;
}

/* Each read-only segment of the executable (no write, no exec): .rodata,
 * where the objects are, and the headers. */
static int drop_ro_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	long page = sysconf(_SC_PAGESIZE);

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_LOAD || ph->p_flags != PF_R)
			continue;
		start = (info->dlpi_addr + ph->p_vaddr + page - 1) & ~(uintptr_t)(page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(uintptr_t)(page - 1);
		if (end > start)
			madvise((void *)start, end - start, *(int *)arg);
	}
	return 1;   /* the first entry is the executable: done */
}

void ig_release_objects(void)
{
	int advice = MADV_DONTNEED;

	dl_iterate_phdr(drop_ro_segments, &advice);
}

void ig_rodata_random(void)
{
	int advice = MADV_RANDOM;

	dl_iterate_phdr(drop_ro_segments, &advice);
}
