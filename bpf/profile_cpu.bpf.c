// SPDX-License-Identifier: GPL-2.0
/*
 * profile_cpu: a perf event per CPU (user space opens them, at 49 Hz by
 * default) runs this on each sample; it counts the pair of stacks (user,
 * kernel) of the running process. The idle task is not counted.
 */
#include "common.bpf.h"
#include "profile_cpu.h"

const volatile bool user_stacks = true;
const volatile bool kernel_stacks = true;

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, PC_MAX_STACKS);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PC_MAX_DEPTH * sizeof(__u64));
} pc_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PC_MAX_ENTRIES);
	__type(key, struct pc_key);
	__type(value, struct pc_count);
} pc_counts SEC(".maps");

SEC("perf_event")
int ig_pc_sample(struct bpf_perf_event_data *ctx)
{
	struct pc_key k = { .pid = bpf_get_current_pid_tgid() >> 32 };
	struct pc_count *c;

	if (!bpf_get_current_pid_tgid() || !ig_should_trace())
		return 0;
	k.user_stack = user_stacks ? bpf_get_stackid(ctx, &pc_stacks, BPF_F_USER_STACK) : -1;
	k.kern_stack = kernel_stacks ? bpf_get_stackid(ctx, &pc_stacks, 0) : -1;
	c = bpf_map_lookup_elem(&pc_counts, &k);
	if (!c) {
		struct pc_count v = { .samples = 0 };

		ig_fill_proc(&v.proc);
		bpf_map_update_elem(&pc_counts, &k, &v, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&pc_counts, &k);
		if (!c)
			return 0;
	}
	__sync_fetch_and_add(&c->samples, 1);
	return 0;
}
