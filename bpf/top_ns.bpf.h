/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For top gadgets: a mount namespace user space has not classified yet,
 * seen as a new entry is made (once per entry and interval, never per
 * event), is left in ig_top_ns with one of its pids, for user space to
 * name within a tick (include/top_ns.h), and its cgroup names in
 * ig_mntns_hints for when even that is too late.
 */
#ifndef IG_TOP_NS_BPF_H
#define IG_TOP_NS_BPF_H

#include "common.bpf.h"
#include "top_ns.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TOP_NS_MAX);
	__type(key, __u64);
	__type(value, struct top_ns_seen);
} ig_top_ns SEC(".maps");

static __always_inline void ig_top_ns_note(__u64 mntns_key, __u32 pid)
{
	struct top_ns_seen v = { .pid = pid };

	if (bpf_map_lookup_elem(&ig_mntns, &mntns_key))
		return;
	if (!bpf_map_update_elem(&ig_top_ns, &mntns_key, &v, BPF_NOEXIST))
		ig_note_cgroups(mntns_key);
}

#endif
