// SPDX-License-Identifier: Apache-2.0
/*
 * The network gadgets' decoders on hand-made records (trace_bind,
 * trace_tcpconnect, trace_tcpretrans, trace_tcpdrop, top_tcp,
 * snapshot_socket): every field lands in its column and JSON member, short
 * and malformed records are rejected, and the shared formatting of ends,
 * TCP states and flags.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decoder_fixture.h"
#include "../../src/gadgets/netfmt.h"
#include "trace_bind.h"
#include "trace_tcpconnect.h"
#include "trace_tcpretrans.h"
#include "trace_tcpdrop.h"
#include "top_tcp.h"
#include "snapshot_socket.h"

int tcpdrop_parse_reasons(const char *fmt, char **names, size_t n);
bool snapshot_socket_parse_proc(const char *line, bool v6, __u8 proto, struct sock_entry *e);
void top_tcp_fill_row(const struct gadget_ctx *ctx, struct row *r, const struct top_tcp_val *v);
__u32 top_tcp_since(__u32 now, __u32 *last);

struct fixture {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
};

static struct fixture *open_gadget(const char *name)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open(name, &f->g, &f->ctx, &f->s, &f->r);
	return f;
}

static void close_gadget(struct fixture *f)
{
	decoder_close(&f->s, &f->r);
	free(f);
}

static const char *str(const struct fixture *f, const char *name)
{
	static char buf[256];

	return decoder_str(&f->s, &f->r, name, buf, sizeof(buf));
}

static uint64_t uval(const struct fixture *f, const char *name)
{
	return decoder_uval(&f->s, &f->r, name);
}

static int64_t ival(const struct fixture *f, const char *name)
{
	return decoder_ival(&f->s, &f->r, name);
}

static int decode(struct fixture *f, const void *data, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, data, size, &f->r);
}

static struct ig_l4 l4(const char *addr, __u16 port, __u8 proto)
{
	struct ig_l4 e;
	bool v6 = strchr(addr, ':') != NULL;

	memset(&e, 0, sizeof(e));
	assert_int_equal(1, inet_pton(v6 ? AF_INET6 : AF_INET, addr, e.addr));
	e.port = port;
	e.version = v6 ? 6 : 4;
	e.proto = proto;
	return e;
}

static void fill_proc(struct ig_proc *p)
{
	p->pid = 42;
	p->tid = 43;
	p->mntns_id = 4026531840u;
	memcpy(p->comm, "nc", 3);
}

/* ---- shared formatting ---------------------------------------------------- */

static void test_netfmt_flags_states(void **state)
{
	char buf[40];

	(void)state;
	net_tcp_flags(IG_TCP_SYN | IG_TCP_ACK, buf, sizeof(buf));
	assert_string_equal("SYN|ACK", buf);
	net_tcp_flags(0, buf, sizeof(buf));
	assert_string_equal("", buf);
	net_tcp_flags(0xff, buf, sizeof(buf));
	assert_string_equal("FIN|SYN|RST|PSH|ACK|URG|ECE|CWR", buf);
	net_tcp_flags(0xff, buf, 8);    /* cut at a whole name, still terminated */
	assert_string_equal("FIN|SYN", buf);
	assert_string_equal("ESTABLISHED", net_tcp_state(1));
	assert_string_equal("LISTEN", net_tcp_state(10));
	assert_string_equal("NEW_SYN_RECV", net_tcp_state(12));
	assert_null(net_tcp_state(0));
	assert_null(net_tcp_state(13));
	assert_null(net_tcp_state(~0u));
}

/* ---- trace_bind ----------------------------------------------------------- */

static struct bind_event bind_event(const char *addr, __u16 port, __u8 proto)
{
	struct bind_event e;

	memset(&e, 0, sizeof(e));
	fill_proc(&e.proc);
	e.addr = l4(addr, port, proto);
	e.netns_id = 4026531833u;
	e.fd = 3;
	return e;
}

static void test_bind_v4(void **state)
{
	struct fixture *f = open_gadget("trace_bind");
	struct bind_event e = bind_event("0.0.0.0", 4242, IG_IPPROTO_TCP);

	(void)state;
	e.bound_dev_if = 2;
	e.opts = BIND_OPT_REUSEADDR | BIND_OPT_REUSEPORT;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("0.0.0.0:4242", str(f, "addr.endpoint"));
	assert_string_equal("0.0.0.0", str(f, "addr.addr"));
	assert_int_equal(4242, uval(f, "addr.port"));
	assert_int_equal(4, uval(f, "addr.version"));
	assert_string_equal("TCP", str(f, "addr.proto"));
	assert_int_equal(2, uval(f, "bound_dev_if"));
	assert_string_equal("REUSEADDR|REUSEPORT", str(f, "opts"));
	assert_int_equal(0x18, uval(f, "opts_raw"));
	assert_int_equal(4026531833u, uval(f, "netns_id"));
	assert_int_equal(4026531833u, f->r.netns);
	assert_int_equal(3, ival(f, "fd"));
	assert_string_equal("", str(f, "error"));
	assert_string_equal("nc", str(f, "proc.comm"));
	assert_int_equal(42, uval(f, "proc.pid"));
	assert_int_equal(43, uval(f, "proc.tid"));
	close_gadget(f);
}

static void test_bind_v6_udp_failed(void **state)
{
	struct fixture *f = open_gadget("trace_bind");
	struct bind_event e = bind_event("::1", 53, IG_IPPROTO_UDP);

	(void)state;
	e.error = 98;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("[::1]:53", str(f, "addr.endpoint"));
	assert_string_equal("UDP", str(f, "addr.proto"));
	assert_int_equal(6, uval(f, "addr.version"));
	assert_string_equal("EADDRINUSE", str(f, "error"));
	assert_int_equal(98, ival(f, "error_raw"));
	assert_string_equal("", str(f, "opts"));
	/* A failed bind whose sockaddr was unreadable: no address, still shown. */
	memset(&e.addr, 0, sizeof(e.addr));
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("", str(f, "addr.endpoint"));
	close_gadget(f);
}

static void test_bind_rejects(void **state)
{
	struct fixture *f = open_gadget("trace_bind");
	struct bind_event e = bind_event("127.0.0.1", 1, IG_IPPROTO_TCP);

	(void)state;
	assert_int_equal(-1, decode(f, &e, sizeof(e) - 1));
	assert_int_equal(-1, decode(f, &e, 0));
	e.addr.version = 5;    /* a success with no address is malformed */
	assert_int_equal(-1, decode(f, &e, sizeof(e)));
	close_gadget(f);
}

/* ---- trace_tcpconnect ----------------------------------------------------- */

static void test_tcpconnect(void **state)
{
	struct fixture *f = open_gadget("trace_tcpconnect");
	struct tcpconnect_event e;

	(void)state;
	memset(&e, 0, sizeof(e));
	fill_proc(&e.proc);
	e.src = l4("10.0.0.1", 40000, IG_IPPROTO_TCP);
	e.dst = l4("10.0.0.2", 80, IG_IPPROTO_TCP);
	e.latency_ns = 123456;
	e.netns_id = 7;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("10.0.0.1:40000", str(f, "src.endpoint"));
	assert_string_equal("10.0.0.2:80", str(f, "dst.endpoint"));
	assert_int_equal(80, uval(f, "dport"));
	assert_int_equal(4, uval(f, "src.version"));
	assert_int_equal(123456, uval(f, "latency"));
	assert_int_equal(7, uval(f, "netns_id"));
	assert_string_equal("", str(f, "error"));
	e.error = 111;
	e.src = l4("::1", 1, IG_IPPROTO_TCP);
	e.dst = l4("::ffff:127.0.0.1", 2, IG_IPPROTO_TCP);
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("ECONNREFUSED", str(f, "error"));
	assert_string_equal("[::ffff:127.0.0.1]:2", str(f, "dst.endpoint"));
	assert_int_equal(-1, decode(f, &e, sizeof(e) - 1));
	e.src.version = 0;
	assert_int_equal(-1, decode(f, &e, sizeof(e)));
	close_gadget(f);
}

/* --min takes a duration, as the older CLI did. */
static void test_tcpconnect_min_flag(void **state)
{
	const struct gadget *g = gadget_find("trace_tcpconnect");
	const struct gadget_flag *min = NULL;
	struct { uint64_t min_ns; bool latency; } o;
	char err[128];

	(void)state;
	assert_non_null(g);
	for (size_t i = 0; i < g->nflags; i++)
		if (!strcmp(g->flags[i].name, "min"))
			min = &g->flags[i];
	assert_non_null(min);
	assert_int_equal(0, min->set(&o, "10ms", err, sizeof(err)));
	assert_int_equal(10000000, o.min_ns);
	assert_int_equal(0, min->set(&o, "1.5s", err, sizeof(err)));
	assert_int_equal(1500000000, o.min_ns);
	assert_int_equal(0, min->set(&o, "250us", err, sizeof(err)));
	assert_int_equal(250000, o.min_ns);
	assert_int_equal(0, min->set(&o, "0", err, sizeof(err)));
	assert_int_equal(0, o.min_ns);
	assert_int_equal(-1, min->set(&o, "10", err, sizeof(err)));
	assert_non_null(strstr(err, "--min"));
	assert_int_equal(-1, min->set(&o, "-1ms", err, sizeof(err)));
	assert_int_equal(-1, min->set(&o, "ms", err, sizeof(err)));
	assert_int_equal(-1, min->set(&o, "1h", err, sizeof(err)));
}

/* ---- trace_tcpretrans ----------------------------------------------------- */

static void test_tcpretrans(void **state)
{
	struct fixture *f = open_gadget("trace_tcpretrans");
	struct tcpretrans_event e;

	(void)state;
	memset(&e, 0, sizeof(e));
	fill_proc(&e.proc);
	e.has_owner = 1;
	e.src = l4("10.231.0.1", 44402, IG_IPPROTO_TCP);
	e.dst = l4("10.231.0.2", 9000, IG_IPPROTO_TCP);
	e.state = 1;
	e.tcpflags = IG_TCP_PSH | IG_TCP_ACK;
	e.ca_state = TCPRETRANS_CA_LOSS;
	e.netns_id = 99;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("10.231.0.1:44402", str(f, "src.endpoint"));
	assert_string_equal("10.231.0.2:9000", str(f, "dst.endpoint"));
	assert_string_equal("ESTABLISHED", str(f, "state"));
	assert_int_equal(1, uval(f, "state_raw"));
	assert_string_equal("timeout", str(f, "reason"));
	assert_int_equal(4, uval(f, "reason_raw"));
	assert_string_equal("PSH|ACK", str(f, "tcpflags"));
	assert_int_equal(0x18, uval(f, "tcpflags_raw"));
	assert_string_equal("RETRANS", str(f, "type"));
	assert_int_equal(0, uval(f, "type_raw"));
	assert_string_equal("", str(f, "error"));
	assert_string_equal("nc", str(f, "proc.comm"));
	assert_int_equal(4026531840u, f->r.mntns_key);
	assert_int_equal(99, f->r.netns);
	/* No known owner: no process, and the netns alone names the container. */
	e.has_owner = 0;
	memset(&e.proc, 0, sizeof(e.proc));
	e.ca_state = TCPRETRANS_CA_RECOVERY;
	e.state = 2;
	e.tcpflags = IG_TCP_SYN;
	e.error = 105;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_int_equal(0, f->r.mntns_key);
	assert_string_equal("fast", str(f, "reason"));
	assert_string_equal("SYN_SENT", str(f, "state"));
	assert_string_equal("SYN", str(f, "tcpflags"));
	assert_string_equal("ENOBUFS", str(f, "error"));
	assert_string_equal("", str(f, "proc.comm"));
	/* Numbers past the tables stay numbers. */
	e.ca_state = 9;
	e.state = 77;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("9", str(f, "reason"));
	assert_string_equal("77", str(f, "state"));
	e.ca_state = TCPRETRANS_CA_OPEN;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("probe", str(f, "reason"));
	assert_int_equal(-1, decode(f, &e, sizeof(e) - 1));
	e.type = 2;
	assert_int_equal(-1, decode(f, &e, sizeof(e)));
	close_gadget(f);
}

/* ---- trace_tcpdrop -------------------------------------------------------- */

static void test_tcpdrop_reason_parser(void **state)
{
	static const char fmt[] =
		"print fmt: \"skbaddr=%p reason: %s\", REC->skbaddr, "
		"__print_symbolic(REC->reason, { 2, \"NOT_SPECIFIED\" }, { 3, \"NO_SOCKET\" }, "
		"{ 12, \"NETFILTER_DROP\" }, { 3, \"DUPLICATE\" }, { 999, \"TOO_BIG\" }, "
		"{ 13, \"BAD\\\"QUOTE\" }, { 14, \"AFTER\" })";
	char *names[16] = { 0 };

	(void)state;
	/* Duplicates and numbers out of range are skipped; a malformed entry
	 * ends the list. */
	assert_int_equal(3, tcpdrop_parse_reasons(fmt, names, 16));
	assert_string_equal("SKB_DROP_REASON_NOT_SPECIFIED", names[2]);
	assert_string_equal("SKB_DROP_REASON_NO_SOCKET", names[3]);
	assert_string_equal("SKB_DROP_REASON_NETFILTER_DROP", names[12]);
	assert_null(names[13]);
	assert_null(names[14]);
	for (size_t i = 0; i < 16; i++)
		free(names[i]);
	assert_int_equal(0, tcpdrop_parse_reasons("no list here { 1, \"X\" }", names, 16));
	assert_int_equal(0, tcpdrop_parse_reasons("__print_symbolic(REC->reason,", names, 16));
}

static void test_tcpdrop(void **state)
{
	struct fixture *f = open_gadget("trace_tcpdrop");
	struct tcpdrop_event e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.src = l4("127.0.0.1", 55130, IG_IPPROTO_TCP);
	e.dst = l4("127.0.0.1", 1, IG_IPPROTO_TCP);
	e.state = TCPDROP_STATE_NONE;
	e.tcpflags = IG_TCP_SYN;
	e.reason = 400;   /* past any kernel's table: its number */
	e.netns_id = 5;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("127.0.0.1:55130", str(f, "src.endpoint"));
	assert_string_equal("127.0.0.1:1", str(f, "dst.endpoint"));
	assert_string_equal("", str(f, "state"));
	assert_int_equal(255, uval(f, "state_raw"));
	assert_string_equal("SYN", str(f, "tcpflags"));
	assert_string_equal("400", str(f, "reason"));
	assert_int_equal(400, uval(f, "reason_raw"));
	assert_int_equal(0, f->r.mntns_key);
	assert_int_equal(5, f->r.netns);
	e.has_owner = 1;
	fill_proc(&e.proc);
	e.state = 10;
	e.src = l4("::1", 80, IG_IPPROTO_TCP);
	e.dst = l4("::1", 5000, IG_IPPROTO_TCP);
	e.reason = 100000;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("LISTEN", str(f, "state"));
	assert_string_equal("[::1]:80", str(f, "src.endpoint"));
	assert_string_equal("nc", str(f, "proc.comm"));
	assert_int_equal(4026531840u, f->r.mntns_key);
	assert_int_equal(-1, decode(f, &e, sizeof(e) - 1));
	e.src.version = 0;
	assert_int_equal(-1, decode(f, &e, sizeof(e)));
	close_gadget(f);
}

/* ---- top_tcp --------------------------------------------------------------- */

/* Bytes between two readings of a sequence number: across the wrap at
 * 2^32, and a reading that went back (a FIN's state read before its
 * number) counts nothing and is not remembered. */
static void test_top_tcp_since(void **state)
{
	__u32 last = 0xfffffff0u;

	(void)state;
	assert_int_equal(0x20, top_tcp_since(0x10, &last));
	assert_int_equal(0x10, last);
	assert_int_equal(0, top_tcp_since(0x10, &last));
	assert_int_equal(0, top_tcp_since(0x0f, &last));
	assert_int_equal(0x10, last);
	assert_int_equal(1, top_tcp_since(0x11, &last));
}

static void test_top_tcp_row(void **state)
{
	struct fixture *f = open_gadget("top_tcp");
	struct top_tcp_val v;

	(void)state;
	memset(&v, 0, sizeof(v));
	v.src = l4("::1", 8080, IG_IPPROTO_TCP);
	v.dst = l4("::1", 40000, IG_IPPROTO_TCP);
	v.netns_id = 77;
	fill_proc(&v.proc);
	v.sent = 1ULL << 40;
	v.received = 3;
	row_reset(&f->r);
	top_tcp_fill_row(&f->ctx, &f->r, &v);
	assert_string_equal("[::1]:8080", str(f, "src.endpoint"));
	assert_string_equal("[::1]:40000", str(f, "dst.endpoint"));
	assert_int_equal(1ULL << 40, uval(f, "sent"));
	assert_int_equal(3, uval(f, "received_raw"));
	assert_int_equal(42, uval(f, "proc.pid"));
	assert_string_equal("nc", str(f, "proc.comm"));
	assert_int_equal(77, uval(f, "netns_id"));
	assert_int_equal(77, f->r.netns);
	assert_string_equal("-sent,-received", f->g->default_sort);
	assert_int_equal(GK_TOP, f->g->kind);
	close_gadget(f);
}

/* ---- snapshot_socket ---------------------------------------------------- */

static void test_snapshot_socket_proc_lines(void **state)
{
	struct sock_entry e;
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_false(snapshot_socket_parse_proc(
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
		false, IG_IPPROTO_TCP, &e));
	assert_true(snapshot_socket_parse_proc(
		"   0: 0100007F:1F90 0200007F:A2B4 01 00000000:00000000 00:00000000 00000000     0        0 12345 1 0000000000000000 20 4 30 10 -1",
		false, IG_IPPROTO_TCP, &e));
	assert_string_equal("127.0.0.1", inet_ntop(AF_INET, e.src.addr, a, sizeof(a)));
	assert_string_equal("127.0.0.2", inet_ntop(AF_INET, e.dst.addr, a, sizeof(a)));
	assert_int_equal(8080, e.src.port);
	assert_int_equal(41652, e.dst.port);
	assert_int_equal(1, e.state);
	assert_int_equal(12345, e.ino);
	assert_int_equal(4, e.src.version);
	assert_int_equal(IG_IPPROTO_TCP, e.dst.proto);
	/* ::1 is 00000000 00000000 00000000 01000000 on a little-endian host. */
	assert_true(snapshot_socket_parse_proc(
		"   1: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 777 2 0000000000000000 0",
		true, IG_IPPROTO_UDP, &e));
	assert_string_equal("::1", inet_ntop(AF_INET6, e.src.addr, a, sizeof(a)));
	assert_string_equal("::", inet_ntop(AF_INET6, e.dst.addr, a, sizeof(a)));
	assert_int_equal(53, e.src.port);
	assert_int_equal(7, e.state);
	assert_int_equal(6, e.src.version);
	assert_int_equal(IG_IPPROTO_UDP, e.src.proto);
	/* An IPv6 address where IPv4 is expected, bad hex, a huge port. */
	assert_false(snapshot_socket_parse_proc(
		"   1: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 1",
		false, IG_IPPROTO_UDP, &e));
	assert_false(snapshot_socket_parse_proc(
		"   0: 0100007G:1F90 0200007F:A2B4 01 00000000:00000000 00:00000000 00000000 0 0 1", false,
		IG_IPPROTO_TCP, &e));
	assert_false(snapshot_socket_parse_proc(
		"   0: 0100007F:11F90 0200007F:A2B4 01 00000000:00000000 00:00000000 00000000 0 0 1", false,
		IG_IPPROTO_TCP, &e));
	assert_false(snapshot_socket_parse_proc("", false, IG_IPPROTO_TCP, &e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_netfmt_flags_states),
		cmocka_unit_test(test_bind_v4),
		cmocka_unit_test(test_bind_v6_udp_failed),
		cmocka_unit_test(test_bind_rejects),
		cmocka_unit_test(test_tcpconnect),
		cmocka_unit_test(test_tcpconnect_min_flag),
		cmocka_unit_test(test_tcpretrans),
		cmocka_unit_test(test_tcpdrop_reason_parser),
		cmocka_unit_test(test_tcpdrop),
		cmocka_unit_test(test_top_tcp_row),
		cmocka_unit_test(test_top_tcp_since),
		cmocka_unit_test(test_snapshot_socket_proc_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
