// SPDX-License-Identifier: Apache-2.0
/* The BPF objects this build embeds: what the minimized BTF must serve.
 * They are the registered gadgets' (IG_GADGET), so a new gadget is here
 * without being named. */
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
