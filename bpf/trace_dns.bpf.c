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

/* The same owners from cgroup hooks on the root cgroup, where cgroup v2
 * is (src/gadgets/trace_dns.c attaches them, and then none of the syscall
 * tracepoints above but sys_exit_connect). A datagram to another port
 * costs one program run and two compares. Always 1: allow. */
SEC("cgroup/sendmsg4")
int ig_dns_cg_sendmsg4(struct bpf_sock_addr *ctx)
{
	sf_cg_send(ctx, DNS_PORT);
	return 1;
}

SEC("cgroup/sendmsg6")
int ig_dns_cg_sendmsg6(struct bpf_sock_addr *ctx)
{
	sf_cg_send(ctx, DNS_PORT);
	return 1;
}

SEC("cgroup/connect4")
int ig_dns_cg_connect4(struct bpf_sock_addr *ctx)
{
	sf_cg_connect(ctx, DNS_PORT);
	return 1;
}

SEC("cgroup/connect6")
int ig_dns_cg_connect6(struct bpf_sock_addr *ctx)
{
	sf_cg_connect(ctx, DNS_PORT);
	return 1;
}

SEC("cgroup/post_bind4")
int ig_dns_cg_bind4(struct bpf_sock *sk)
{
	sf_cg_bound(sk, DNS_PORT);
	return 1;
}

SEC("cgroup/post_bind6")
int ig_dns_cg_bind6(struct bpf_sock *sk)
{
	sf_cg_bound(sk, DNS_PORT);
	return 1;
}

/* Reserve a record for cap bytes of packet (a constant), fill and submit
 * it. */
static __always_inline void dns_output(struct __sk_buff *skb, const struct sf_l4 *l,
				       const struct ig_proc *owner, const __u32 cap)
{
	struct sf_packet *h = ig_reserve(sizeof(*h) + cap);

	if (!h)
		return;
	if (!sf_fill(skb, l, h, (__u8 *)(h + 1), cap, owner)) {
		bpf_ringbuf_discard(h, 0);
		return;
	}
	bpf_ringbuf_submit(h, sf_wakeup_flags(h->timestamp));
}

/* Tail-called by each namespace's dispatcher. Returns 0: the packet
 * socket itself never queues anything. */
SEC("socket")
int ig_dns_filter(struct __sk_buff *skb)
{
	const struct ig_proc *owner;
	struct sf_l4 l = {};
	__u16 client, local;
	__u32 len;

	if (sf_loopback_duplicate(skb) || !sf_parse(skb, &l, DNS_PORT))
		return 0;
	if (l.proto == SF_PROTO_TCP && l.payload + 14 > l.len)
		return 0;   /* no DNS header in this segment: a bare ACK, FIN... */
	/* The local end is the source of a packet leaving and the destination
	 * of one arriving; on loopback both are local: the client first. */
	client = l.sport == DNS_PORT ? l.dport : l.sport;
	if (skb->ifindex == SF_LO_IFINDEX)
		local = client;
	else
		local = sf_leaving(skb) ? l.sport : l.dport;
	owner = sf_find_owner(skb, l.proto, local, client == l.sport ? l.dport : l.sport);
	if (!sf_owner_passes(owner))
		return 0;
	/* A record the packet's size (most DNS packets are small), not
	 * always DNS_PKT_MAX: less ring to write, to read, to wrap. The size
	 * is chosen on an opaque copy of the length: from l.len itself the
	 * compiler would learn its bound and drop sf_fill's clamp, which 6.1's
	 * verifier needs to see. */
	len = l.len;
	barrier_var(len);
	if (len <= DNS_PKT_SMALL)
		dns_output(skb, &l, owner, DNS_PKT_SMALL);
	else
		dns_output(skb, &l, owner, DNS_PKT_MAX);
	return 0;
}
