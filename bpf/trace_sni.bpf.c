// SPDX-License-Identifier: GPL-2.0
/*
 * trace_sni: TLS ClientHello packets (a TCP segment that starts a
 * handshake record of type client_hello), on any port, in every network
 * namespace ig attaches to; user space reads the server name from them.
 */
#include "sockfilter.bpf.h"
#include "trace_sni.h"

#define TLS_HANDSHAKE    0x16
#define TLS_CLIENT_HELLO 1

/* The owner of a TLS client's port: connect() gives it. */
SEC("tracepoint/syscalls/sys_enter_connect")
int ig_sni_connect(struct trace_event_raw_sys_enter *ctx)
{
	sf_enter(ctx->args[0], true);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int ig_sni_connect_exit(void *ctx)
{
	sf_exit();
	return 0;
}

static __always_inline bool is_client_hello(struct __sk_buff *skb, const struct sf_l4 *l)
{
	__u8 b[6];

	if (l->proto != SF_PROTO_TCP || l->payload + sizeof(b) > l->len)
		return false;
	if (!sf_load(skb, l->payload, b, sizeof(b)))
		return false;
	return b[0] == TLS_HANDSHAKE && b[1] == 3 && b[5] == TLS_CLIENT_HELLO;
}

SEC("socket")
int ig_sni_filter(struct __sk_buff *skb)
{
	struct sf_l4 l = {};
	const struct ig_proc *owner;
	struct sni_event *e;
	__u16 local;

	if (sf_loopback_duplicate(skb) || !sf_parse(skb, &l, 0) || !is_client_hello(skb, &l))
		return 0;
	/* The local end: the source of a packet leaving (and on loopback, the
	 * client), the destination of one arriving. */
	local = sf_leaving(skb) ? l.sport : l.dport;
	owner = sf_find_owner(skb, l.proto, local, l.dport);
	if (!sf_owner_passes(owner))
		return 0;
	e = ig_reserve(sizeof(*e));
	if (!e)
		return 0;
	if (!sf_fill(skb, &l, &e->h, e->data, SNI_PKT_MAX, owner)) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	bpf_ringbuf_submit(e, sf_wakeup_flags(e->h.timestamp));
	return 0;
}
