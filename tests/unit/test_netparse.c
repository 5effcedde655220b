// SPDX-License-Identifier: Apache-2.0
/*
 * The packet parsers (src/netparse.c): IP and transport headers, DNS
 * messages (compression, loops, hostile labels, cut captures), and the
 * server name of TLS ClientHellos.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../src/netparse.h"
#include "pkt_builder.h"

static void test_ip_udp_v4(void **state)
{
	struct pb p, m = { .n = 0 };
	struct np_packet pk;
	char a[64];

	(void)state;
	pb_dns_query(&m, 7, "a.b", 1);
	pb_ip(&p, 4, 17, "127.0.0.1", 40000, "127.0.0.53", 53, m.b, m.n);
	assert_int_equal(0, np_parse_ip(p.b, p.n, &pk));
	assert_int_equal(4, pk.version);
	assert_int_equal(17, pk.proto);
	assert_int_equal(40000, pk.sport);
	assert_int_equal(53, pk.dport);
	assert_int_equal(m.n, pk.payload_len);
	np_addr_text(&pk, false, a, sizeof(a));
	assert_string_equal("127.0.0.53", a);
	/* Trailing bytes past the IP length (Ethernet padding) are not payload. */
	p.n += 6;
	assert_int_equal(0, np_parse_ip(p.b, p.n, &pk));
	assert_int_equal(m.n, pk.payload_len);
}

static void test_ip_tcp_v6(void **state)
{
	struct pb p;
	struct np_packet pk;
	char a[64];

	(void)state;
	pb_ip(&p, 6, 6, "::1", 41000, "fd00::2", 443, "xyz", 3);
	assert_int_equal(0, np_parse_ip(p.b, p.n, &pk));
	assert_int_equal(6, pk.version);
	assert_int_equal(6, pk.proto);
	assert_int_equal(3, pk.payload_len);
	assert_memory_equal("xyz", pk.payload, 3);
	np_addr_text(&pk, true, a, sizeof(a));
	assert_string_equal("::1", a);
}

static void test_ip_rejects(void **state)
{
	struct pb p;
	struct np_packet pk;

	(void)state;
	pb_ip(&p, 4, 17, "1.2.3.4", 1, "1.2.3.4", 2, "", 0);
	assert_int_equal(-1, np_parse_ip(p.b, 10, &pk));        /* cut IP header */
	assert_int_equal(-1, np_parse_ip(p.b, 24, &pk));        /* cut UDP header */
	p.b[9] = 1;                                               /* ICMP */
	assert_int_equal(-1, np_parse_ip(p.b, p.n, &pk));
	p.b[0] = 0x55;                                            /* version 5 */
	assert_int_equal(-1, np_parse_ip(p.b, p.n, &pk));
	p.b[0] = 0x43;                                            /* IHL 3 */
	assert_int_equal(-1, np_parse_ip(p.b, p.n, &pk));
	assert_int_equal(-1, np_parse_ip(p.b, 0, &pk));
}

static void test_dns_query(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;

	(void)state;
	pb_dns_query(&m, 0xbeef, "www.example.com", 28);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_int_equal(0xbeef, d.id);
	assert_false(d.qr);
	assert_int_equal(28, d.qtype);
	assert_string_equal("www.example.com", d.name);
	assert_string_equal("AAAA", dns_type_name(d.qtype));
	assert_false(d.name_bad);
}

static void test_dns_response_addresses(void **state)
{
	struct pb m = { .n = 0 };
	uint8_t v4[4] = { 10, 1, 2, 3 }, v6[16] = { 0xfd, [15] = 5 };
	uint8_t cname[] = { 1, 'x', 0xc0, 12 };
	struct dns_msg d;

	(void)state;
	pb_dns_header(&m, 9, 0x8180, 1, 3);
	pb_name(&m, "foo.test");
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	pb_dns_answer(&m, 5, cname, sizeof(cname));
	pb_dns_answer(&m, 1, v4, 4);
	pb_dns_answer(&m, 28, v6, 16);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_true(d.qr);
	assert_int_equal(0, d.rcode);
	assert_string_equal("Success", dns_rcode_name(d.rcode));
	assert_int_equal(3, d.nanswers);
	assert_int_equal(2, d.naddrs);
	assert_string_equal("10.1.2.3", d.addrs[0]);
	assert_string_equal("fd00::5", d.addrs[1]);
	assert_false(d.answers_cut);
	/* Cut in the last answer: the first two are kept, the cut is said. */
	assert_int_equal(0, dns_parse(m.b, m.n - 3, &d));
	assert_int_equal(1, d.naddrs);
	assert_true(d.answers_cut);
}

static void test_dns_nxdomain(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;

	(void)state;
	pb_dns_header(&m, 1, 0x8183, 1, 0);
	pb_name(&m, "nope.test");
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_int_equal(3, d.rcode);
	assert_string_equal("NameError", dns_rcode_name(d.rcode));
	assert_null(dns_rcode_name(11));
	assert_null(dns_type_name(4242));
}

/* Dots, backslashes and bytes outside printable ASCII inside a label are
 * escaped, so the text names exactly one wire name. */
static void test_dns_name_escapes(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;
	const uint8_t label[] = { 6, 'a', '.', '\\', 0x1b, ' ', 0xff, 0 };

	(void)state;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_bytes(&m, label, sizeof(label));
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_string_equal("a\\.\\\\\\027\\032\\255", d.name);
}

static void test_dns_root_name(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;

	(void)state;
	pb_dns_query(&m, 1, "", 2);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_string_equal(".", d.name);
}

/* A pointer to itself, a pointer forwards, two pointers to each other:
 * the name is bad, the parse ends. */
static void test_dns_compression_loops(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;

	(void)state;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_u16(&m, 0xc00c);                      /* at 12, pointing at 12 */
	assert_int_equal(-1, dns_parse(m.b, m.n, &d));

	m.n = 0;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_u16(&m, 0xc00e);                      /* forwards, to 14 */
	pb_u16(&m, 0xc00c);                      /* back to 12: a loop */
	assert_int_equal(-1, dns_parse(m.b, m.n, &d));

	m.n = 0;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_u8(&m, 1);
	pb_u8(&m, 'a');
	pb_u16(&m, 0xc00c);                      /* "a" then back to itself */
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_true(d.name_bad);
	assert_string_equal("a", d.name);
}

/* Pointers that go backwards are fine, in a chain. */
static void test_dns_compression_chain(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;
	size_t first;

	(void)state;
	pb_dns_header(&m, 1, 0x0100, 2, 0);
	first = m.n;
	pb_name(&m, "example.com");
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	pb_u8(&m, 3);
	pb_bytes(&m, "www", 3);
	pb_u16(&m, (uint16_t)(0xc000 | first));
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_string_equal("example.com", d.name);
	assert_false(d.answers_cut);
}

/* Names longer than 255 wire bytes, extended label types, cut names. */
static void test_dns_bad_lengths(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;
	uint8_t l63[64];

	(void)state;
	memset(l63, 'x', sizeof(l63));
	l63[0] = 63;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	for (int i = 0; i < 5; i++)
		pb_bytes(&m, l63, sizeof(l63));  /* 320 bytes */
	pb_u8(&m, 0);
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_true(d.name_bad);
	assert_true(strlen(d.name) < DNS_NAME_TEXT_MAX);

	m.n = 0;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_u8(&m, 0x41);                          /* label type 01: extended */
	assert_int_equal(-1, dns_parse(m.b, m.n, &d));

	m.n = 0;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	pb_u8(&m, 10);
	pb_bytes(&m, "abc", 3);                   /* label runs past the end */
	assert_int_equal(-1, dns_parse(m.b, m.n, &d));
	assert_int_equal(-1, dns_parse(m.b, 11, &d));   /* no header */
}

/* A name of 127 one-byte labels, each a byte that escapes to 4: the text
 * is at its longest and still fits. */
static void test_dns_longest_text(void **state)
{
	struct pb m = { .n = 0 };
	struct dns_msg d;

	(void)state;
	pb_dns_header(&m, 1, 0x0100, 1, 0);
	for (int i = 0; i < 127; i++) {
		pb_u8(&m, 1);
		pb_u8(&m, 0x01);
	}
	pb_u8(&m, 0);
	pb_u16(&m, 1);
	pb_u16(&m, 1);
	assert_int_equal(0, dns_parse(m.b, m.n, &d));
	assert_false(d.name_bad);
	assert_int_equal(127 * 4 + 126, strlen(d.name));
}

static void test_tls_sni(void **state)
{
	struct pb p;
	char name[256];

	(void)state;
	pb_client_hello(&p, "example.org");
	assert_int_equal(11, tls_sni_parse(p.b, p.n, name, sizeof(name)));
	assert_string_equal("example.org", name);
	pb_client_hello(&p, NULL);
	assert_int_equal(0, tls_sni_parse(p.b, p.n, name, sizeof(name)));
	pb_client_hello(&p, "example.org");
	assert_int_equal(-1, tls_sni_parse(p.b, 40, name, sizeof(name)));   /* cut early */
	assert_int_equal(-1, tls_sni_parse(p.b, p.n - 4, name, sizeof(name))); /* cut in SNI */
	p.b[5] = 2;                                                           /* ServerHello */
	assert_int_equal(-1, tls_sni_parse(p.b, p.n, name, sizeof(name)));
}

/* A name longer than the output is cut to fit, NUL-terminated. */
static void test_tls_sni_long(void **state)
{
	struct pb p;
	char longname[300], name[256];

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	pb_client_hello(&p, longname);
	assert_int_equal(255, tls_sni_parse(p.b, p.n, name, sizeof(name)));
	assert_int_equal(255, strlen(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_udp_v4),
		cmocka_unit_test(test_ip_tcp_v6),
		cmocka_unit_test(test_ip_rejects),
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_dns_response_addresses),
		cmocka_unit_test(test_dns_nxdomain),
		cmocka_unit_test(test_dns_name_escapes),
		cmocka_unit_test(test_dns_root_name),
		cmocka_unit_test(test_dns_compression_loops),
		cmocka_unit_test(test_dns_compression_chain),
		cmocka_unit_test(test_dns_bad_lengths),
		cmocka_unit_test(test_dns_longest_text),
		cmocka_unit_test(test_tls_sni),
		cmocka_unit_test(test_tls_sni_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
