// SPDX-License-Identifier: GPL-2.0
/*
 * trace_capabilities: every capability check, with its verdict. There is
 * no tracepoint on cap_capable: this needs kprobes (user space refuses to
 * load it on a kernel without them). The entry keeps the arguments per
 * thread; the return sends the event.
 */
#include "common.bpf.h"
#include "trace_capabilities.h"

struct caps_args {
	__s32 cap;
	__u32 opts;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct caps_args);
} caps_inflight SEC(".maps");

SEC("kprobe/cap_capable")
int BPF_KPROBE(ig_caps_enter, const struct cred *cred, struct user_namespace *ns, int cap,
	       unsigned int opts)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct caps_args a = { .cap = cap, .opts = opts };

	if (!ig_should_trace())
		return 0;
	bpf_map_update_elem(&caps_inflight, &tid, &a, BPF_ANY);
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(ig_caps_exit, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct caps_args *a = bpf_map_lookup_elem(&caps_inflight, &tid);
	struct caps_event *e;

	if (!a)
		return 0;
	e = ig_reserve(sizeof(*e));
	if (e) {
		ig_fill_proc(&e->proc);
		e->cap = a->cap;
		e->opts = a->opts;
		e->ret = ret;
		e->_pad = 0;
		ig_submit(e);
	}
	bpf_map_delete_elem(&caps_inflight, &tid);
	return 0;
}
