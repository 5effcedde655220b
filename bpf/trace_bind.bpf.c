// SPDX-License-Identifier: GPL-2.0
/*
 * trace_bind: bind() on IPv4 and IPv6 sockets, from the syscall's
 * tracepoints (no kprobes). The entry keeps the fd and the caller's
 * sockaddr; the exit reads the bound address from the socket (the kernel
 * has chosen the port by then) or, when bind failed, from the sockaddr.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "trace_bind.h"

const volatile bool ignore_errors = true;

struct bind_args {
	__u64 uaddr;
	__s32 fd;
	__u32 _pad;
};

/* Not preallocated: an entry lives from a bind() entry to its exit, and
 * preallocating 10k of them cost ~2-5 ms of every start. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct bind_args);
} binds SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_bind")
int ig_bind_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args a = { .uaddr = ctx->args[1], .fd = (__s32)ctx->args[0] };

	if (!ig_ids_match())
		return 0;
	bpf_map_update_elem(&binds, &tid, &a, BPF_ANY);
	return 0;
}

/* The address the caller asked for: what a failed bind reports. */
static __always_inline void asked_addr(const struct bind_args *a, __u16 family, struct ig_l4 *e)
{
	struct sockaddr_in6 sa = {};

	if (bpf_probe_read_user(&sa, sizeof(sa), (void *)a->uaddr) || sa.sin6_family != family)
		return;
	e->port = bpf_ntohs(sa.sin6_port);
	if (family == IG_AF_INET6) {
		__builtin_memcpy(e->addr, &sa.sin6_addr, 16);
		e->version = 6;
	} else {
		__builtin_memcpy(e->addr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
		e->version = 4;
	}
}

static __always_inline void emit(const struct bind_args *a, struct sock *sk, __s32 err)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	struct ig_l4 dst;
	struct bind_event *e;

	/* Nothing between the reservation and its check: the 6.1 verifier
	 * cannot tell a checked ring-buffer pointer is not NULL. */
	e = ig_reserve(sizeof(*e));
	if (!e)
		return;
	ig_fill_proc(&e->proc);
	ig_sk_ends(sk, &e->addr, &dst);
	if (err) {
		__builtin_memset(e->addr.addr, 0, sizeof(e->addr.addr));
		e->addr.port = 0;
		e->addr.version = 0;
		asked_addr(a, family, &e->addr);
	}
	e->netns_id = ig_sk_netns(sk);
	e->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->error = err;
	e->fd = a->fd;
	e->opts = (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse) ? BIND_OPT_REUSEADDR : 0) |
		  (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport) ? BIND_OPT_REUSEPORT : 0);
	__builtin_memset(e->_pad, 0, sizeof(e->_pad));
	ig_submit(e);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int ig_bind_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args *a = bpf_map_lookup_elem(&binds, &tid);
	long ret = ctx->ret;
	struct sock *sk;
	__u16 family;

	if (!a)
		return 0;
	if (ret && ignore_errors)
		goto done;
	sk = ig_fd_sock(a->fd);
	if (!sk)
		goto done;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family == IG_AF_INET || family == IG_AF_INET6)
		emit(a, sk, ret < 0 ? -ret : 0);
done:
	bpf_map_delete_elem(&binds, &tid);
	return 0;
}
