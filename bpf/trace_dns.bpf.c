// SPDX-License-Identifier: GPL-2.0
/*
 * trace_dns: DNS packets (UDP and TCP port 53) in every network namespace
 * ig attaches to, copied to user space, which parses and pairs them. The
 * filter only finds port 53 and who owns the local end (sockfilter.bpf.h).
 */
#include "sockfilter.bpf.h"
#include "trace_dns.h"

/* The owner of a DNS client's port: the sends that may give an unbound
 * socket its port (connect, bind, send*), entry and exit. */
/* Whether a sendto()'s destination (the user's sockaddr, family then port
 * in both sockaddr_in and sockaddr_in6) may be a DNS server: true unless it
 * can be read and names another port. */
static __always_inline bool dest_may_be_dns(const void *uaddr)
{
	__u16 sa[2];

	if (bpf_probe_read_user(sa, sizeof(sa), uaddr))
		return true;
	return sa[1] == bpf_htons(DNS_PORT);
}

/* The hottest of these hooks: a datagram sent to an address that is not
 * port 53 skips the socket walk (a DNS server replying with sendto() is
 * known by its bind() or its sendmsg() instead). */
SEC("tracepoint/syscalls/sys_enter_sendto")
int ig_dns_sendto(struct trace_event_raw_sys_enter *ctx)
{
	if (ctx->args[4] && !dest_may_be_dns((const void *)ctx->args[4]))
		return 0;
	sf_enter(ctx->args[0], false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendto")
int ig_dns_sendto_exit(void *ctx)
{
	sf_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int ig_dns_sendmsg(struct trace_event_raw_sys_enter *ctx)
{
	sf_enter(ctx->args[0], false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmsg")
int ig_dns_sendmsg_exit(void *ctx)
{
	sf_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sendmmsg")
int ig_dns_sendmmsg(struct trace_event_raw_sys_enter *ctx)
{
	sf_enter(ctx->args[0], false);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_sendmmsg")
int ig_dns_sendmmsg_exit(void *ctx)
{
	sf_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int ig_dns_connect(struct trace_event_raw_sys_enter *ctx)
{
	sf_enter(ctx->args[0], true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ig_dns_connect_exit(void *ctx)
{
	sf_exit();
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_bind")
int ig_dns_bind(struct trace_event_raw_sys_enter *ctx)
{
	sf_enter(ctx->args[0], true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_bind")
int ig_dns_bind_exit(void *ctx)
{
	sf_exit();
	return 0;
}

/* Tail-called by each namespace's dispatcher. Returns 0: the packet
 * socket itself never queues anything. */
SEC("socket")
int ig_dns_filter(struct __sk_buff *skb)
{
	struct sf_l4 l = {};
	struct dns_event *e;
	__u16 client, server;

	if (sf_loopback_duplicate(skb) || !sf_parse(skb, &l, DNS_PORT))
		return 0;
	if (l.proto == SF_PROTO_TCP && l.payload + 14 > l.len)
		return 0;   /* no DNS header in this segment: a bare ACK, FIN... */
	client = l.sport == DNS_PORT ? l.dport : l.sport;
	server = l.sport == DNS_PORT ? l.sport : l.dport;
	e = ig_reserve(sizeof(*e));
	if (!e)
		return 0;
	/* The local end is the source of a packet leaving and the destination
	 * of one arriving; on loopback both are local: the client first. */
	if (skb->ifindex == SF_LO_IFINDEX) {
		if (!sf_fill(skb, &l, &e->h, e->data, DNS_PKT_MAX, client, server))
			goto discard;
	} else if (!sf_fill(skb, &l, &e->h, e->data, DNS_PKT_MAX,
			    skb->pkt_type == SF_PACKET_OUTGOING ? l.sport : l.dport, 0)) {
		goto discard;
	}
	bpf_ringbuf_submit(e, sf_wakeup_flags(e->h.timestamp));
	return 0;
discard:
	bpf_ringbuf_discard(e, 0);
	return 0;
}
