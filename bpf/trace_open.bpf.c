// SPDX-License-Identifier: GPL-2.0
/*
 * trace_open: open, openat and openat2 on syscall tracepoints. The entry
 * remembers the arguments; the exit reads the file name (the page was just
 * touched by the kernel), applies --failed and --prefixes, and reports.
 */
#include "common.bpf.h"
#include "trace_open.h"

const volatile bool failed_only = false;
const volatile bool use_prefixes = false;

struct open_start {
	__u64 fname;
	__u32 flags;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct open_start);
} open_starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, OPEN_PREFIX_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct open_prefix_key);
	__type(value, __u8);
} open_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_prefix_key);
} open_key_heap SEC(".maps");

static __always_inline int open_enter(const char *fname, __u64 flags, __u64 mode)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_start start = { .fname = (__u64)fname, .flags = flags, .mode = mode };

	if (!ig_should_trace())
		return 0;
	bpf_map_update_elem(&open_starts, &tid, &start, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int ig_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int ig_openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return open_enter((const char *)ctx->args[1], ctx->args[2], ctx->args[3]);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int ig_openat2_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how how = {};

	bpf_probe_read_user(&how, sizeof(how), (void *)ctx->args[2]);
	return open_enter((const char *)ctx->args[1], how.flags, how.mode);
}

static __always_inline bool prefix_matches(const struct open_event *e)
{
	__u32 zero = 0;
	struct open_prefix_key *key = bpf_map_lookup_elem(&open_key_heap, &zero);

	if (!key || e->fname_len < 1)
		return false;
	key->prefixlen = (e->fname_len - 1) * 8;
	__builtin_memcpy(key->path, e->fname, OPEN_FNAME_MAX);
	return bpf_map_lookup_elem(&open_prefixes, key) != NULL;
}

static __always_inline int open_exit(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_start *start;
	struct open_event *e;
	long n;

	start = bpf_map_lookup_elem(&open_starts, &tid);
	if (!start)
		return 0;
	if (failed_only && ret >= 0)
		goto out;
	e = ig_reserve(sizeof(*e));
	if (!e)
		goto out;
	ig_fill_proc(&e->proc);
	e->ret = ret;
	e->flags = start->flags;
	e->mode = start->mode;
	n = bpf_probe_read_user_str(e->fname, sizeof(e->fname), (const char *)start->fname);
	if (n < 0) {
		e->fname[0] = 0;
		n = 1;
	}
	e->fname_len = n;
	if (use_prefixes && !prefix_matches(e)) {
		ig_discard(e);
		goto out;
	}
	ig_submit(e);
out:
	bpf_map_delete_elem(&open_starts, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int ig_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int ig_openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int ig_openat2_exit(struct trace_event_raw_sys_exit *ctx)
{
	return open_exit(ctx->ret);
}
