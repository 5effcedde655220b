// SPDX-License-Identifier: Apache-2.0
/*
 * trace_dns's and trace_sni's decoders on hand-made records: a query and
 * its response paired with latency, answer addresses, DNS over TCP, the
 * timeout record, records to reject, packets that are not DNS or TLS, and
 * a server name with control bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "decoder_fixture.h"
#include "trace_dns.h"
#include "trace_sni.h"
#include "pkt_builder.h"

struct fixture {
	const struct gadget *g;
	struct gadget_ctx ctx;
	struct schema s;
	struct row r;
};

static int setup_gadget(void **state, const char *name)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	decoder_open(name, &f->g, &f->ctx, &f->s, &f->r);
	*state = f;
	return 0;
}

static int setup_dns(void **state) { return setup_gadget(state, "trace_dns"); }
static int setup_sni(void **state) { return setup_gadget(state, "trace_sni"); }

static int teardown(void **state)
{
	struct fixture *f = *state;

	decoder_close(&f->s, &f->r);
	free(f);
	return 0;
}

static const char *str(const struct fixture *f, const char *name)
{
	static char buf[512];

	return decoder_str(&f->s, &f->r, name, buf, sizeof(buf));
}

static uint64_t uval(const struct fixture *f, const char *name)
{
	return decoder_uval(&f->s, &f->r, name);
}

static int decode(struct fixture *f, const void *data, size_t size)
{
	row_reset(&f->r);
	return f->g->decode(&f->ctx, data, size, &f->r);
}

/* A record for an IP packet, owned by "nslookup" pid 42. */
static void fill(struct sf_packet *h, __u8 *data, size_t max, const struct pb *ip, __u64 ts,
		 __u8 pkt_type)
{
	memset(h, 0, sizeof(*h));
	assert_true(ip->n <= max);
	memcpy(data, ip->b, ip->n);
	h->caplen = (__u16)ip->n;
	h->len = (__u32)ip->n;
	h->timestamp = ts;
	h->netns_id = 4026531840u;
	h->pkt_type = pkt_type;
	h->ifindex = 1;
	h->proc.pid = 42;
	h->proc.tid = 42;
	memcpy(h->proc.comm, "nslookup", 9);
}

static void dns_record(struct dns_event *e, const struct pb *ip, __u64 ts)
{
	memset(e, 0, sizeof(*e));
	fill(&e->h, e->data, sizeof(e->data), ip, ts, SF_PACKET_OUTGOING);
}

static void test_dns_pairs_query_and_response(void **state)
{
	struct fixture *f = *state;
	struct pb m = { .n = 0 }, ip;
	uint8_t v4[4] = { 10, 1, 2, 3 };
	static struct dns_event e;

	pb_dns_query(&m, 0x1234, "foo.test", 1);
	pb_ip(&ip, 4, 17, "127.0.0.1", 40000, "127.0.0.1", 53, m.b, m.n);
	dns_record(&e, &ip, 1000000);
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("Q", str(f, "qr"));
	assert_string_equal("A", str(f, "qtype"));
	assert_string_equal("foo.test", str(f, "name"));
	assert_string_equal("", str(f, "rcode"));
	assert_string_equal("", str(f, "latency_ns"));
	assert_string_equal("127.0.0.1:40000", str(f, "src.endpoint"));
	assert_string_equal("127.0.0.1:53", str(f, "dst.endpoint"));
	assert_string_equal("1234", str(f, "id"));
	assert_string_equal("UDP", str(f, "src.proto"));
	assert_string_equal("OUTGOING", str(f, "pkt_type"));
	assert_string_equal("nslookup", str(f, "proc.comm"));
	assert_int_equal(42, uval(f, "proc.pid"));
	assert_int_equal(4026531840u, uval(f, "netns_id"));

	m.n = 0;
	pb_dns_header(&m, 0x1234, 0x8180, 1, 1);
	pb_name(&m, "foo.test");
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	pb_dns_answer(&m, 1, v4, 4);
	pb_ip(&ip, 4, 17, "127.0.0.1", 53, "127.0.0.1", 40000, m.b, m.n);
	dns_record(&e, &ip, 1000000 + 2500000);
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("R", str(f, "qr"));
	assert_string_equal("Success", str(f, "rcode"));
	assert_string_equal("10.1.2.3", str(f, "addresses"));
	assert_int_equal(1, uval(f, "num_answers"));
	assert_int_equal(2500000, uval(f, "latency_ns_raw"));
	assert_string_equal("2.5ms", str(f, "latency_ns"));

	/* The same response again: its query is paired already. */
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_int_equal(0, uval(f, "latency_ns_raw"));
}

/* Over TCP, after the 2-byte length; IPv6. */
static void test_dns_tcp_v6(void **state)
{
	struct fixture *f = *state;
	struct pb m = { .n = 2 }, ip;
	static struct dns_event e;

	pb_dns_query(&m, 7, "v6.test", 28);
	pb_put16(&m, 0, (uint16_t)(m.n - 2));
	pb_ip(&ip, 6, 6, "::1", 41000, "::1", 53, m.b, m.n);
	dns_record(&e, &ip, 5);
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("TCP", str(f, "dst.proto"));
	assert_string_equal("AAAA", str(f, "qtype"));
	assert_string_equal("v6.test", str(f, "name"));
	assert_string_equal("[::1]:41000", str(f, "src.endpoint"));
}

/* The record user space makes for a query that got no response. */
static void test_dns_timeout_record(void **state)
{
	struct fixture *f = *state;
	struct pb m = { .n = 0 }, ip;
	static struct dns_event e;

	pb_dns_query(&m, 9, "slow.test", 1);
	pb_ip(&ip, 4, 17, "127.0.0.1", 40001, "127.0.0.1", 53, m.b, m.n);
	dns_record(&e, &ip, 5);
	e.h.flags = DNS_F_TIMEOUT;
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("Q", str(f, "qr"));
	assert_string_equal("Timeout", str(f, "rcode"));
	assert_int_equal(1, uval(f, "timeout"));
	assert_string_equal("slow.test", str(f, "name"));
}

static void test_dns_rejects(void **state)
{
	struct fixture *f = *state;
	struct pb m = { .n = 0 }, ip;
	static struct dns_event e;

	pb_dns_query(&m, 9, "x.test", 1);
	pb_ip(&ip, 4, 17, "127.0.0.1", 40001, "127.0.0.1", 53, m.b, m.n);
	dns_record(&e, &ip, 5);
	assert_int_equal(-1, decode(f, &e, offsetof(struct dns_event, data) - 1));
	assert_int_equal(-1, decode(f, &e, offsetof(struct dns_event, data) + 10));
	e.h.caplen = DNS_PKT_MAX + 1;
	assert_int_equal(-1, decode(f, &e, sizeof(e)));
	/* Not DNS on port 53: skipped, not malformed. */
	pb_ip(&ip, 4, 17, "127.0.0.1", 40001, "127.0.0.1", 53, "hello", 5);
	dns_record(&e, &ip, 5);
	assert_int_equal(0, decode(f, &e, sizeof(e)));
	/* Not port 53 at all. */
	pb_ip(&ip, 4, 17, "127.0.0.1", 40001, "127.0.0.1", 54, m.b, m.n);
	dns_record(&e, &ip, 5);
	assert_int_equal(0, decode(f, &e, sizeof(e)));
}

static void sni_record(struct sni_event *e, const char *name)
{
	struct pb hello, ip;

	pb_client_hello(&hello, name);
	pb_ip(&ip, 4, 6, "127.0.0.1", 45000, "127.0.0.1", 8443, hello.b, hello.n);
	memset(e, 0, sizeof(*e));
	fill(&e->h, e->data, sizeof(e->data), &ip, 5, SF_PACKET_OUTGOING);
	memcpy(e->h.proc.comm, "openssl", 8);
}

static void test_sni_name(void **state)
{
	struct fixture *f = *state;
	static struct sni_event e;

	sni_record(&e, "example.org");
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("example.org", str(f, "name"));
	assert_string_equal("openssl", str(f, "proc.comm"));
	assert_int_equal(42, uval(f, "proc.tid"));
	assert_string_equal("127.0.0.1:8443", str(f, "dst.endpoint"));
}

/* The raw bytes reach the row; the output layer escapes them. */
static void test_sni_hostile_name(void **state)
{
	struct fixture *f = *state;
	static struct sni_event e;

	sni_record(&e, "evil\x1b[31m\n.test");
	assert_int_equal(1, decode(f, &e, sizeof(e)));
	assert_string_equal("evil\x1b[31m\n.test", str(f, "name"));
}

static void test_sni_rejects(void **state)
{
	struct fixture *f = *state;
	static struct sni_event e;

	sni_record(&e, NULL);
	assert_int_equal(0, decode(f, &e, sizeof(e)));   /* a hello without a name */
	sni_record(&e, "a.test");
	assert_int_equal(-1, decode(f, &e, offsetof(struct sni_event, data) + 3));
	e.data[40 + 5] = 2;                               /* a ServerHello */
	assert_int_equal(0, decode(f, &e, sizeof(e)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dns_pairs_query_and_response, setup_dns, teardown),
		cmocka_unit_test_setup_teardown(test_dns_tcp_v6, setup_dns, teardown),
		cmocka_unit_test_setup_teardown(test_dns_timeout_record, setup_dns, teardown),
		cmocka_unit_test_setup_teardown(test_dns_rejects, setup_dns, teardown),
		cmocka_unit_test_setup_teardown(test_sni_name, setup_sni, teardown),
		cmocka_unit_test_setup_teardown(test_sni_hostile_name, setup_sni, teardown),
		cmocka_unit_test_setup_teardown(test_sni_rejects, setup_sni, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
