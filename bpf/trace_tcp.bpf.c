// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcp: TCP connect, accept and close, on tracepoints only (no kprobes).
 *
 * connect: the connect() syscall exit, in the caller's context. The socket
 *   comes from the caller's fd table, so the pid, the fd, the error and the
 *   4-tuple are exact. A non-blocking connect reports EINPROGRESS; if its
 *   handshake then fails, sock:inet_sock_set_state (SYN_SENT -> CLOSE, in
 *   softirq) reports a second connect event with the error, attributed to
 *   the process that called connect().
 * accept: the accept()/accept4() syscall exit: the returned fd is the new
 *   socket, in the accepting process's context (not the softirq that
 *   completed the handshake).
 * close: the local side closing an established connection. Only close()
 *   and shutdown() move a socket to FIN_WAIT1 or LAST_ACK, so those
 *   transitions are in the closer's context. An aborted connection (RST
 *   sent or received: ESTABLISHED/CLOSE_WAIT -> CLOSE) is reported when the
 *   socket is destroyed by the process that closes it (tcp:tcp_destroy_sock).
 *   A connect that never got established is not a close.
 */
#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "trace_tcp.h"

#define S_IFMT      00170000
#define S_IFSOCK    0140000
#define EINPROGRESS 115
#define AF_UNSPEC   0

const volatile __u32 want = TCP_WANT_CONNECT | TCP_WANT_ACCEPT | TCP_WANT_CLOSE;
const volatile bool failure_only = false;

/* A connect() between its syscall entry and exit, by thread. */
struct connect_args {
	__u64 sk;
	__u64 uaddr;           /* the user's sockaddr */
	__s32 fd;
	__u32 _pad;
};

/*
 * The three maps below are not preallocated: an entry is made and freed per
 * connect (or reset), and preallocating 10k entries each (two of them LRU)
 * cost ~8-25 ms of every start, more than the rest of the kernel's work.
 * None needs an LRU to stay clean: every entry has an end the programs see
 * (the thread's connect() exit; the socket leaving SYN_SENT, which every
 * TCP state change reports; the destruction of every TCP socket). Only an
 * end that passes while ig is attaching leaks an entry, once. A full map
 * refuses the newest entry where an LRU dropped the oldest: either way the
 * outcome of one of 10k handshakes in flight at once goes unreported.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct connect_args);
} connects SEC(".maps");

/*
 * A socket whose handshake outcome is not known yet: from connect() entry
 * until its exit, and after EINPROGRESS until SYN_SENT is left. Keyed by
 * the struct sock pointer.
 */
struct pending_connect {
	struct ig_proc proc;       /* valid once async */
	struct tcp_endpoints ep;   /* the ends when the handshake failed */
	__u32 netns_id;
	__s32 fd;
	__s32 error;               /* why the handshake failed; 0 while it has not */
	__u8 async;                /* connect() returned EINPROGRESS */
	__u8 _pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct pending_connect);
} pending SEC(".maps");

/* Aborted connections waiting for the close() that destroys them: the ends
 * as they were when the connection was reset (a later tcp_disconnect()
 * clears them). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct tcp_endpoints);
} aborted SEC(".maps");

static __always_inline bool is_tcp(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	return BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP &&
	       BPF_CORE_READ(sk, sk_type) == SOCK_STREAM &&
	       (family == TCP_AF_INET || family == TCP_AF_INET6);
}

/* The TCP socket behind one of the current task's fds, or NULL. */
static __always_inline struct sock *fd_tcp_sock(long fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *file = NULL;
	struct socket *sock;
	struct sock *sk;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	if (!file || (BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	sk = BPF_CORE_READ(sock, sk);
	return sk && is_tcp(sk) ? sk : NULL;
}

static __always_inline void read_endpoints(const struct sock *sk, struct tcp_endpoints *ep)
{
	const struct inet_sock *inet = (const struct inet_sock *)sk;

	__builtin_memset(ep, 0, sizeof(*ep));   /* an IPv4 address fills 4 of 16 bytes */
	ep->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	/* inet_sport, not skc_num: unbinding at CLOSE zeroes skc_num. */
	ep->sport = bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
	ep->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (ep->family == TCP_AF_INET6) {
		BPF_CORE_READ_INTO(&ep->saddr, sk, __sk_common.skc_v6_rcv_saddr);
		BPF_CORE_READ_INTO(&ep->daddr, sk, __sk_common.skc_v6_daddr);
	} else {
		BPF_CORE_READ_INTO((__u32 *)ep->saddr, sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO((__u32 *)ep->daddr, sk, __sk_common.skc_daddr);
	}
}

static __always_inline __u32 sk_netns(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* Reserve an event with everything but the process and the ends. */
static __always_inline struct tcp_event *new_event(__u8 type, const struct sock *sk, __s32 fd,
						   __s32 error)
{
	struct tcp_event *e = ig_reserve(sizeof(*e));

	if (!e)
		return NULL;
	e->type = type;
	e->netns_id = sk_netns(sk);
	e->fd = fd;
	e->error = error;
	return e;
}

/* Report the current task acting on sk, with the ends as they are now. */
static __always_inline void emit_now(__u8 type, const struct sock *sk, __s32 fd, __s32 error)
{
	struct tcp_event *e = new_event(type, sk, fd, error);

	if (!e)
		return;
	ig_fill_proc(&e->proc);
	read_endpoints(sk, &e->ep);
	ig_submit(e);
}

/* ---- connect ------------------------------------------------------------ */

SEC("tracepoint/syscalls/sys_enter_connect")
int ig_connect_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_args a = { .uaddr = ctx->args[1], .fd = (__s32)ctx->args[0] };
	struct pending_connect fresh = {};
	struct sock *sk;

	if (!ig_should_trace())
		return 0;
	sk = fd_tcp_sock(a.fd);
	if (!sk)
		return 0;
	a.sk = (__u64)sk;
	bpf_map_update_elem(&connects, &tid, &a, BPF_ANY);
	/* NOEXIST: a connect() repeated during a non-blocking handshake
	 * (EALREADY) must not forget that the first one is pending. */
	bpf_map_update_elem(&pending, &a.sk, &fresh, BPF_NOEXIST);
	return 0;
}

/* The user's sockaddr family: connect(AF_UNSPEC) disconnects, it is not a
 * connect. The kernel has just copied it, so it is paged in. */
static __always_inline __u16 uaddr_family(const struct connect_args *a)
{
	__u16 family = 0xffff;

	bpf_probe_read_user(&family, sizeof(family), (void *)a->uaddr);
	return family;
}

/*
 * A failed connect may have lost its ends: tcp_disconnect() zeroes the peer
 * port and the source address. Prefer the snapshot taken when the handshake
 * failed; failing that, the address the caller asked for.
 */
static __always_inline void failed_endpoints(const struct connect_args *a,
					     const struct pending_connect *p,
					     struct tcp_endpoints *ep)
{
	struct sockaddr_in6 sa = {};

	if (p && p->error) {
		*ep = p->ep;
		return;
	}
	read_endpoints((struct sock *)a->sk, ep);
	if (ep->dport || bpf_probe_read_user(&sa, sizeof(sa), (void *)a->uaddr))
		return;
	if (sa.sin6_family != ep->family)
		return;
	ep->dport = bpf_ntohs(sa.sin6_port);
	if (sa.sin6_family == TCP_AF_INET6)
		__builtin_memcpy(ep->daddr, &sa.sin6_addr, 16);
	else
		__builtin_memcpy(ep->daddr, &((struct sockaddr_in *)&sa)->sin_addr, 4);
}

static __always_inline void emit_connect(const struct connect_args *a,
					 const struct pending_connect *p, __s32 err)
{
	struct sock *sk = (struct sock *)a->sk;
	struct tcp_event *e = new_event(TCP_EV_CONNECT, sk, a->fd, err);

	if (!e)
		return;
	ig_fill_proc(&e->proc);
	if (err)
		failed_endpoints(a, p, &e->ep);
	else
		read_endpoints(sk, &e->ep);
	ig_submit(e);
}

/* A handshake that failed after connect() returned, for the process that
 * called it. */
static __always_inline void emit_handshake_failure(const struct pending_connect *p)
{
	struct tcp_event *e = ig_reserve(sizeof(*e));

	if (!e)
		return;
	e->proc = p->proc;
	e->proc.timestamp = bpf_ktime_get_boot_ns();
	e->ep = p->ep;
	e->type = TCP_EV_CONNECT;
	e->netns_id = p->netns_id;
	e->fd = p->fd;
	e->error = p->error;
	ig_submit(e);
}

static __always_inline void connect_exit(const struct connect_args *a, long ret)
{
	struct pending_connect *p = bpf_map_lookup_elem(&pending, &a->sk);
	__s32 err = ret < 0 ? -ret : 0;

	if (uaddr_family(a) == AF_UNSPEC)
		goto done;
	if (!failure_only || (err && err != EINPROGRESS))
		emit_connect(a, p, err);
	if (!p || err != EINPROGRESS)
		goto done;
	ig_fill_proc(&p->proc);
	p->netns_id = sk_netns((struct sock *)a->sk);
	p->fd = a->fd;
	p->async = 1;
	/* The RST may come back before connect() returns (loopback). */
	if (p->error) {
		emit_handshake_failure(p);
		bpf_map_delete_elem(&pending, &a->sk);
	}
	return;
done:
	if (p && !p->async)
		bpf_map_delete_elem(&pending, &a->sk);
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ig_connect_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct connect_args *a = bpf_map_lookup_elem(&connects, &tid);

	if (!a)
		return 0;
	connect_exit(a, ctx->ret);
	bpf_map_delete_elem(&connects, &tid);
	return 0;
}

/* SYN_SENT left: established, or failed (sk_err says why; 0 when the
 * caller gave up by closing the socket, which is no failure to report). */
static __always_inline void handshake_done(const struct sock *sk, int newstate)
{
	__u64 key = (__u64)sk;
	struct pending_connect *p = bpf_map_lookup_elem(&pending, &key);

	if (!p)
		return;
	if (newstate == TCP_CLOSE) {
		p->error = BPF_CORE_READ(sk, sk_err);
		read_endpoints(sk, &p->ep);
	}
	/* While connect() runs, its exit reports and cleans up. */
	if (!p->async)
		return;
	if (p->error)
		emit_handshake_failure(p);
	bpf_map_delete_elem(&pending, &key);
}

/* ---- accept ------------------------------------------------------------- */

static __always_inline int accept_exit(long ret)
{
	struct sock *sk;

	if (ret < 0 || !ig_should_trace())
		return 0;
	sk = fd_tcp_sock(ret);
	if (sk)
		emit_now(TCP_EV_ACCEPT, sk, ret, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int ig_accept_exit(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int ig_accept4_exit(struct trace_event_raw_sys_exit *ctx)
{
	return accept_exit(ctx->ret);
}

/* ---- close -------------------------------------------------------------- */

static __always_inline void state_change_close(const struct sock *sk, int oldstate, int newstate)
{
	__u64 key = (__u64)sk;
	struct tcp_endpoints ep = {};

	/* Only tcp_close_state() (close(), shutdown()) makes these. It also
	 * "moves" FIN_WAIT1 and LAST_ACK to themselves when the last file
	 * reference goes after a shutdown() (a forked server's parent
	 * closing its copy): the first FIN is the one close. */
	if ((newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK) && oldstate != newstate) {
		if (ig_should_trace())
			emit_now(TCP_EV_CLOSE, sk, -1, 0);
		return;
	}
	if (newstate == TCP_CLOSE &&
	    (oldstate == TCP_ESTABLISHED || oldstate == TCP_CLOSE_WAIT)) {
		read_endpoints(sk, &ep);
		bpf_map_update_elem(&aborted, &key, &ep, BPF_ANY);
	}
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(ig_tcp_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (!is_tcp(sk))
		return 0;
	if (oldstate == TCP_SYN_SENT) {
		if (want & TCP_WANT_CONNECT)
			handshake_done(sk, newstate);
		return 0;
	}
	if ((want & TCP_WANT_CLOSE) && !failure_only)
		state_change_close(sk, oldstate, newstate);
	return 0;
}

/* Runs in the context that dropped the last reference: for an aborted
 * connection, the process closing it. */
SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(ig_tcp_destroy, struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct tcp_endpoints *ep = bpf_map_lookup_elem(&aborted, &key);
	struct tcp_event *e;

	if (!ep)
		return 0;
	if (ig_should_trace()) {
		e = new_event(TCP_EV_CLOSE, sk, -1, 0);
		if (e) {
			ig_fill_proc(&e->proc);
			e->ep = *ep;
			ig_submit(e);
		}
	}
	bpf_map_delete_elem(&aborted, &key);
	return 0;
}
