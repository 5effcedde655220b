// SPDX-License-Identifier: Apache-2.0
/* The BPF objects this build embeds: what the minimized BTF must serve. */
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
