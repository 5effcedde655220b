// SPDX-License-Identifier: GPL-2.0
/*
 * trace_tcpdrop: TCP packets the kernel drops, with its reason, from
 * skb:kfree_skb (no kprobes). The ends and flags come from the packet's
 * own headers (the sender first); the socket, when the packet has one (or
 * the kernel names the receiving one, rx_sk on 6.12+), gives the state and
 * its owner (IG_NET_OWNERS). Most drops happen in softirq, where the
 * current task is nobody's.
 */
#define IG_NET_OWNERS
#include "common.bpf.h"
#include "net.bpf.h"
#include "trace_tcpdrop.h"

IG_NET_OWNER_PROGRAMS

#define ETH_P_IP   0x0800
#define ETH_P_IPV6 0x86DD

/* Linux 6.12 added the receiving socket. */
struct trace_event_raw_kfree_skb___rx {
	void *rx_sk;
} __attribute__((preserve_access_index));

/* The IPv4/IPv6 and TCP headers of skb: false if it carries no TCP. */
static __always_inline bool packet_ends(const struct sk_buff *skb, __u16 l3,
					struct tcpdrop_event *e)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	struct tcphdr tcp;
	__u8 proto = 0;

	if (l3 == ETH_P_IP) {
		struct iphdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh))
			return false;
		proto = ip.protocol;
		__builtin_memcpy(e->src.addr, &ip.saddr, 4);
		__builtin_memcpy(e->dst.addr, &ip.daddr, 4);
		e->src.version = e->dst.version = 4;
		if (th == (__u16)~0U || th <= nh)
			th = nh + ip.ihl * 4;
	} else {
		struct ipv6hdr ip6;

		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh))
			return false;
		proto = ip6.nexthdr;   /* extension headers are not walked */
		__builtin_memcpy(e->src.addr, &ip6.saddr, 16);
		__builtin_memcpy(e->dst.addr, &ip6.daddr, 16);
		e->src.version = e->dst.version = 6;
		if (th == (__u16)~0U || th <= nh)
			th = nh + sizeof(ip6);
	}
	if (proto != IG_IPPROTO_TCP || bpf_probe_read_kernel(&tcp, sizeof(tcp), head + th))
		return false;
	e->src.port = bpf_ntohs(tcp.source);
	e->dst.port = bpf_ntohs(tcp.dest);
	e->src.proto = e->dst.proto = IG_IPPROTO_TCP;
	e->tcpflags = ((__u8 *)&tcp)[13];
	return true;
}

/* The socket the packet belongs to, if it is a full TCP one. */
static __always_inline const struct sock *tcp_sock_of(struct trace_event_raw_kfree_skb *ctx,
						      const struct sk_buff *skb)
{
	const struct sock *sk = BPF_CORE_READ(skb, sk);
	__u8 state;

	if (!sk && bpf_core_field_exists(((struct trace_event_raw_kfree_skb___rx *)ctx)->rx_sk))
		sk = ((struct trace_event_raw_kfree_skb___rx *)ctx)->rx_sk;
	if (!sk)
		return NULL;
	/* TIME_WAIT and request socks end after struct sock_common. */
	state = BPF_CORE_READ(sk, __sk_common.skc_state);
	if (state == TCP_TIME_WAIT || state == TCP_NEW_SYN_RECV || !ig_sk_is_tcp(sk))
		return NULL;
	return sk;
}

SEC("tracepoint/skb/kfree_skb")
int ig_tcpdrop(struct trace_event_raw_kfree_skb *ctx)
{
	int not_specified = bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED);
	const struct sk_buff *skb = ctx->skbaddr;
	__u16 l3 = ctx->protocol;
	const struct sock *sk;
	struct ig_proc *owner = NULL;
	struct tcpdrop_event e = {};

	/* Cheapest first: most kfree_skb calls give no reason, or no IP. */
	if ((int)ctx->reason <= not_specified || (l3 != ETH_P_IP && l3 != ETH_P_IPV6))
		return 0;
	sk = tcp_sock_of(ctx, skb);
	if (sk)
		owner = ig_owner_of(sk);
	if (!ig_owner_matches(owner))
		return 0;
	if (!packet_ends(skb, l3, &e))
		return 0;
	if (owner)
		e.proc = *owner;
	e.proc.timestamp = bpf_ktime_get_boot_ns();
	e.has_owner = owner != NULL;
	e.reason = ctx->reason;
	e.state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : TCPDROP_STATE_NONE;
	e.netns_id = sk ? ig_sk_netns(sk) : BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
	ig_output(&e, sizeof(e));
	return 0;
}
