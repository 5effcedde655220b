/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Parsers for the packets the packet gadgets copy (trace_dns, trace_sni):
 * IP and transport headers, DNS messages, TLS ClientHello. Pure functions
 * of bytes that came from the network: every length is checked against the
 * buffer, every loop is bounded, and nothing is trusted to be text. Fuzzed
 * (tests/fuzz/fuzz_netparse.c).
 */
#ifndef IG_NETPARSE_H
#define IG_NETPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct np_packet {
	uint8_t version;             /* 4 or 6 */
	uint8_t proto;               /* 6 TCP, 17 UDP */
	uint8_t saddr[16], daddr[16];/* IPv4: the first 4 bytes */
	uint16_t sport, dport;
	const uint8_t *payload;      /* the transport payload, as captured */
	size_t payload_len;
};

/* IPv4/IPv6 + TCP/UDP from the network header on; 0, or -1. */
int np_parse_ip(const uint8_t *p, size_t len, struct np_packet *out);

/* "addr" text of one end ("::1", "127.0.0.1") into buf (>= 46 bytes). */
void np_addr_text(const struct np_packet *pk, bool src, char *buf, size_t size);

/* A name in presentation form: labels joined by '.', a '.' or '\' inside a
 * label escaped with '\', other bytes outside printable ASCII as \DDD. At
 * most 255 wire bytes, 4 text bytes each. */
#define DNS_NAME_TEXT_MAX (255 * 4 + 2)
#define DNS_ADDRS_MAX 8              /* answer addresses kept */
#define DNS_ADDR_TEXT 46

struct dns_msg {
	uint16_t id;
	bool qr;                     /* a response */
	uint8_t opcode;
	uint8_t rcode;
	bool tc;                     /* the server truncated it */
	uint16_t qdcount, ancount;
	uint16_t qtype;
	char name[DNS_NAME_TEXT_MAX];/* the first question's */
	bool name_bad;               /* loop, bad pointer, too long: name is cut */
	uint16_t naddrs;             /* A/AAAA answers kept */
	uint16_t nanswers;           /* answer records read */
	bool answers_cut;            /* the capture or a bad record ended them */
	char addrs[DNS_ADDRS_MAX][DNS_ADDR_TEXT];
};

/* A DNS message (no TCP length prefix). 0, or -1 if not even the header
 * and the question's name are there. */
int dns_parse(const uint8_t *p, size_t len, struct dns_msg *m);
/* "A", "AAAA", ... or NULL for a type without a name here. */
const char *dns_type_name(uint16_t type);
/* "Success", "NameError", ... (Inspektor Gadget's names) or NULL. */
const char *dns_rcode_name(uint8_t rcode);

/* The server name a TLS ClientHello asks for (SNI), raw bytes, at most 255
 * and out must hold 256: its length, 0 if the hello has none, -1 if this is
 * not a ClientHello (or it is cut before the extension). */
int tls_sni_parse(const uint8_t *p, size_t len, char *out, size_t outsize);

#endif
