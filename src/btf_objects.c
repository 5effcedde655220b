// SPDX-License-Identifier: Apache-2.0
/* The BPF objects this build embeds: what the minimized BTF must serve.
 * They are the registered gadgets' (IG_GADGET), so a new gadget is here
 * without being named. */
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/types.h>
#include "btf_min.h"
#include "gadget.h"
#include "skel.h"
#include "bpf_objects_hash.h"

#define MAX_BLOBS 64

const struct bpf_blob *ig_bpf_blobs(size_t *n)
{
	static struct bpf_blob blobs[MAX_BLOBS];
	static size_t count;

	if (!count) {
		size_t ng;
		const struct gadget *const *list = gadget_list(&ng);

		for (size_t i = 0; i < ng && count < MAX_BLOBS; i++) {
			size_t sz;

			if (!list[i]->skel)
				continue;
			blobs[count].data = list[i]->skel->elf(&sz);
			blobs[count++].size = sz;
		}
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
