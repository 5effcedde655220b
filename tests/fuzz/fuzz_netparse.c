// SPDX-License-Identifier: Apache-2.0
/*
 * The packet parsers of trace_dns and trace_sni (src/netparse.c). The input
 * is read four ways: as an IP packet (then its payload as DNS, with and
 * without TCP's length prefix, and as a ClientHello), as a bare DNS
 * message, and as a bare TLS record.
 *
 * Invariants:
 * - a parsed packet's payload lies inside the input;
 * - a DNS name is NUL-terminated inside its buffer and is printable ASCII
 *   only (every other byte was escaped as \DDD), with no '.' that is not a
 *   label separator or escaped, and the answer addresses are terminated;
 * - a server name's length is below the output size and the output is
 *   terminated there.
 */
#include "../../src/netparse.h"
#include "fuzz_util.h"

static void check_dns(const uint8_t *p, size_t len)
{
	struct dns_msg m;
	size_t n;

	if (dns_parse(p, len, &m))
		return;
	n = strnlen(m.name, sizeof(m.name));
	FUZZ_CHECK(n < sizeof(m.name), "name not terminated");
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(m.name[i] > 0x20 && m.name[i] < 0x7f, "raw byte 0x%02x in the name",
			   (unsigned char)m.name[i]);
	FUZZ_CHECK(m.naddrs <= DNS_ADDRS_MAX, "%u addresses", m.naddrs);
	for (unsigned int i = 0; i < m.naddrs; i++)
		FUZZ_CHECK(strnlen(m.addrs[i], DNS_ADDR_TEXT) < DNS_ADDR_TEXT, "address %u", i);
}

static void check_sni(const uint8_t *p, size_t len)
{
	char out[256];
	int n;

	memset(out, 'x', sizeof(out));
	n = tls_sni_parse(p, len, out, sizeof(out));
	FUZZ_CHECK(n >= -1 && n < (int)sizeof(out), "length %d", n);
	if (n >= 0)
		FUZZ_CHECK(out[n] == 0, "not terminated at %d", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct np_packet pk;

	check_dns(data, size);
	check_sni(data, size);
	if (np_parse_ip(data, size, &pk))
		return 0;
	FUZZ_CHECK(pk.payload >= data && pk.payload + pk.payload_len <= data + size,
		   "payload outside the input");
	check_dns(pk.payload, pk.payload_len);
	if (pk.payload_len >= 2)
		check_dns(pk.payload + 2, pk.payload_len - 2);
	check_sni(pk.payload, pk.payload_len);
	return 0;
}
