// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpconnect: TCP connections this host opens, with the handshake's
 * latency, on one tracepoint (sock:inet_sock_set_state, no kprobes).
 *
 * connect() moves the socket from CLOSE to SYN_SENT in the caller's
 * context: the process and the time are noted then, by socket. Leaving
 * SYN_SENT ends the handshake, usually in softirq when the SYN-ACK (or the
 * RST) arrives: ESTABLISHED is a connection, CLOSE with sk_err a failure
 * (ECONNREFUSED, ETIMEDOUT). A blocking and a non-blocking connect() look
 * the same here, and the latency is the network's, not the syscall's.
 */
#include "common.bpf.h"
#include "net.bpf.h"
#include "trace_tcpconnect.h"

const volatile __u64 min_latency_ns = 0;

struct syn_sent {
	struct ig_proc proc;
	__u64 start_ns;
};

/* LRU: a socket that vanishes unseen cannot fill it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct syn_sent);
} syn_sent SEC(".maps");

static __always_inline void handshake_started(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct syn_sent s = {};

	if (!ig_ids_match())
		return;
	ig_fill_proc(&s.proc);
	s.start_ns = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&syn_sent, &key, &s, BPF_ANY);
}

static __always_inline void handshake_done(const struct sock *sk, int newstate)
{
	__u64 key = (__u64)sk, now = bpf_ktime_get_boot_ns();
	struct syn_sent *s = bpf_map_lookup_elem(&syn_sent, &key);
	struct tcpconnect_event *e;
	__s32 err = 0;

	if (!s)
		return;
	if (newstate != TCP_ESTABLISHED) {
		err = BPF_CORE_READ(sk, sk_err);
		/* 0: the caller closed the socket before the answer came,
		 * which is neither a connection nor a failure to report. */
		if (!err)
			goto done;
	}
	if (now - s->start_ns < min_latency_ns)
		goto done;
	e = ig_reserve(sizeof(*e));
	if (!e)
		goto done;
	e->proc = s->proc;
	e->proc.timestamp = now;
	ig_sk_ends(sk, &e->src, &e->dst);
	e->latency_ns = now - s->start_ns;
	e->netns_id = ig_sk_netns(sk);
	e->error = err;
	ig_submit(e);
done:
	bpf_map_delete_elem(&syn_sent, &key);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(ig_tcpconnect_state, const struct sock *sk, const int oldstate, const int newstate)
{
	if (!ig_sk_is_tcp(sk))
		return 0;
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		handshake_started(sk);
	else if (oldstate == TCP_SYN_SENT)
		handshake_done(sk, newstate);
	return 0;
}
