// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpretrans: TCP segments sent again, from tcp:tcp_retransmit_skb
 * (no kprobes). It fires mostly from the retransmission timer, in softirq:
 * the process is the socket's owner, noted when it called connect() or
 * accept() (IG_NET_OWNERS); the container is found from it or from the
 * socket's network namespace, in user space.
 */
#define IG_NET_OWNERS
#include "common.bpf.h"
#include "net.bpf.h"
#include "trace_tcpretrans.h"

IG_NET_OWNER_PROGRAMS

/* Linux 6.14 added the result of the retransmission. */
struct trace_event_raw_tcp_retransmit_skb___err {
	int err;
} __attribute__((preserve_access_index));

SEC("tracepoint/tcp/tcp_retransmit_skb")
int ig_tcpretrans(struct trace_event_raw_tcp_retransmit_skb *ctx)
{
	const struct sock *sk = ctx->skaddr;
	const struct sk_buff *skb = ctx->skbaddr;
	struct ig_proc *owner = ig_owner_of(sk);
	struct tcpretrans_event *e;
	struct tcp_skb_cb *cb;

	if (ctx->family != IG_AF_INET && ctx->family != IG_AF_INET6)
		return 0;
	if (!ig_owner_matches(owner))
		return 0;
	e = ig_reserve(sizeof(*e));
	if (!e)
		return 0;
	if (owner) {
		e->proc = *owner;
	} else {
		__builtin_memset(&e->proc, 0, sizeof(e->proc));
	}
	e->proc.timestamp = bpf_ktime_get_boot_ns();
	e->has_owner = owner != NULL;
	ig_sk_ends(sk, &e->src, &e->dst);
	e->netns_id = ig_sk_netns(sk);
	e->state = ctx->state;
	/* The header is built on a clone: the flags are in the control block. */
	cb = (struct tcp_skb_cb *)&skb->cb[0];
	e->tcpflags = BPF_CORE_READ(cb, tcp_flags);
	e->ca_state = BPF_CORE_READ_BITFIELD_PROBED((struct inet_connection_sock *)sk, icsk_ca_state);
	e->type = TCPRETRANS_RETRANS;
	e->error = 0;
	if (bpf_core_field_exists(((struct trace_event_raw_tcp_retransmit_skb___err *)ctx)->err))
		e->error = -((struct trace_event_raw_tcp_retransmit_skb___err *)ctx)->err;
	__builtin_memset(e->_pad, 0, sizeof(e->_pad));
	ig_submit(e);
	return 0;
}
