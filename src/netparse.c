// SPDX-License-Identifier: Apache-2.0
/* Packet parsers for trace_dns and trace_sni; see netparse.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "netparse.h"

#define DNS_HDR_LEN     12
#define DNS_MAX_JUMPS   16      /* compression pointers followed per name */
#define DNS_MAX_WIRE    255     /* a name's wire length (RFC 1035) */
#define DNS_MAX_ANSWERS 64      /* answer records read per message */
#define DNS_TYPE_A      1
#define DNS_TYPE_AAAA   28

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* ---- IP and transport ---------------------------------------------------- */

static int parse_l4(const uint8_t *p, size_t len, size_t off, struct np_packet *o)
{
	size_t hlen;

	if (o->proto == 17)
		hlen = 8;
	else if (o->proto == 6 && off + 13 <= len)
		hlen = (size_t)(p[off + 12] >> 4) * 4;
	else
		return -1;
	if (hlen < 8 || off + hlen > len)
		return -1;
	o->sport = get16(p + off);
	o->dport = get16(p + off + 2);
	o->payload = p + off + hlen;
	o->payload_len = len - off - hlen;
	return 0;
}

int np_parse_ip(const uint8_t *p, size_t len, struct np_packet *o)
{
	size_t off, total;

	memset(o, 0, sizeof(*o));
	if (len < 1)
		return -1;
	o->version = p[0] >> 4;
	if (o->version == 4) {
		if (len < 20 || (p[0] & 0xf) < 5)
			return -1;
		off = (size_t)(p[0] & 0xf) * 4;
		total = get16(p + 2);
		o->proto = p[9];
		memcpy(o->saddr, p + 12, 4);
		memcpy(o->daddr, p + 16, 4);
	} else if (o->version == 6) {
		if (len < 40)
			return -1;
		off = 40;
		total = 40 + (size_t)get16(p + 4);
		o->proto = p[6];
		memcpy(o->saddr, p + 8, 16);
		memcpy(o->daddr, p + 24, 16);
	} else {
		return -1;
	}
	/* What was captured, but nothing past the packet's own end. */
	if (total >= off && total < len)
		len = total;
	if (off > len)
		return -1;
	return parse_l4(p, len, off, o);
}

void np_addr_text(const struct np_packet *pk, bool src, char *buf, size_t size)
{
	const uint8_t *a = src ? pk->saddr : pk->daddr;

	if (!inet_ntop(pk->version == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

/* ---- DNS ----------------------------------------------------------------- */

struct name_out {
	char *s;
	size_t n, size;
};

static void put_label_byte(struct name_out *o, uint8_t c)
{
	if (o->n + 5 > o->size)
		return;
	if (c == '.' || c == '\\') {
		o->s[o->n++] = '\\';
		o->s[o->n++] = (char)c;
	} else if (c > 0x20 && c < 0x7f) {
		o->s[o->n++] = (char)c;
	} else {
		o->n += (size_t)snprintf(o->s + o->n, o->size - o->n, "\\%03u", c);
	}
}

/*
 * Read the name at *off; write it (when o) in presentation form. Pointers
 * must go strictly backwards (no loops), at most DNS_MAX_JUMPS of them, and
 * the name at most DNS_MAX_WIRE bytes. *off moves past the name as it sits
 * in the message. Returns 0, or -1 (o holds what was read).
 */
static int dns_name(const uint8_t *p, size_t len, size_t *off, struct name_out *o)
{
	size_t pos = *off, wire = 0, limit = pos;
	bool jumped = false;
	int jumps = 0;

	for (;;) {
		uint8_t l;

		if (pos >= len)
			return -1;
		l = p[pos];
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (pos + 1 >= len || ++jumps > DNS_MAX_JUMPS)
				return -1;
			target = (size_t)(l & 0x3f) << 8 | p[pos + 1];
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			if (target >= limit)   /* forwards or onto itself: a loop */
				return -1;
			limit = target;
			pos = target;
			continue;
		}
		if (l & 0xc0)          /* 0x40, 0x80: extended label types */
			return -1;
		if (l == 0) {
			if (!jumped)
				*off = pos + 1;
			if (o && o->n == 0 && o->size > 1)
				o->s[o->n++] = '.';
			return 0;
		}
		wire += (size_t)l + 1;
		if (wire > DNS_MAX_WIRE || pos + 1 + l > len)
			return -1;
		if (o && o->n && o->n + 1 < o->size)
			o->s[o->n++] = '.';   /* between labels */
		for (size_t i = 0; o && i < l; i++)
			put_label_byte(o, p[pos + 1 + i]);
		pos += 1 + (size_t)l;
	}
}

static void dns_add_addr(struct dns_msg *m, int family, const uint8_t *a)
{
	if (m->naddrs >= DNS_ADDRS_MAX)
		return;
	if (inet_ntop(family, a, m->addrs[m->naddrs], DNS_ADDR_TEXT))
		m->naddrs++;
}

/* The answer section: A and AAAA addresses, at most DNS_MAX_ANSWERS
 * records; CNAMEs and the rest are skipped. */
static void dns_answers(const uint8_t *p, size_t len, size_t off, struct dns_msg *m)
{
	for (unsigned int i = 0; i < m->ancount && i < DNS_MAX_ANSWERS; i++) {
		uint16_t type, rdlen;

		if (dns_name(p, len, &off, NULL) || off + 10 > len)
			goto cut;
		type = get16(p + off);
		rdlen = get16(p + off + 8);
		off += 10;
		if (off + rdlen > len)
			goto cut;
		if (type == DNS_TYPE_A && rdlen == 4)
			dns_add_addr(m, AF_INET, p + off);
		else if (type == DNS_TYPE_AAAA && rdlen == 16)
			dns_add_addr(m, AF_INET6, p + off);
		off += rdlen;
		m->nanswers++;
	}
	return;
cut:
	m->answers_cut = true;
}

int dns_parse(const uint8_t *p, size_t len, struct dns_msg *m)
{
	struct name_out o = { m->name, 0, sizeof(m->name) };
	size_t off = DNS_HDR_LEN;

	memset(m, 0, sizeof(*m));
	if (len < DNS_HDR_LEN)
		return -1;
	m->id = get16(p);
	m->qr = p[2] >> 7;
	m->opcode = (p[2] >> 3) & 0xf;
	m->tc = (p[2] >> 1) & 1;
	m->rcode = p[3] & 0xf;
	m->qdcount = get16(p + 4);
	m->ancount = get16(p + 6);
	if (!m->qdcount)
		return 0;   /* legal, if odd: no question, nothing more to say */
	if (dns_name(p, len, &off, &o))
		m->name_bad = true;
	m->name[o.n < sizeof(m->name) ? o.n : sizeof(m->name) - 1] = 0;
	if (m->name_bad)
		return o.n ? 0 : -1;
	if (off + 4 > len)
		return 0;
	m->qtype = get16(p + off);
	off += 4;
	/* Further questions (never seen in practice) are skipped. */
	for (unsigned int i = 1; i < m->qdcount && i < DNS_MAX_ANSWERS; i++) {
		if (dns_name(p, len, &off, NULL) || off + 4 > len) {
			m->answers_cut = true;
			return 0;
		}
		off += 4;
	}
	if (m->qr)
		dns_answers(p, len, off, m);
	return 0;
}

const char *dns_type_name(uint16_t type)
{
	static const struct { uint16_t t; const char *n; } names[] = {
		{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
		{ 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" }, { 33, "SRV" }, { 35, "NAPTR" },
		{ 41, "OPT" }, { 43, "DS" }, { 46, "RRSIG" }, { 48, "DNSKEY" },
		{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" }, { 251, "IXFR" },
		{ 252, "AXFR" }, { 255, "ANY" }, { 257, "CAA" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].t == type)
			return names[i].n;
	return NULL;
}

const char *dns_rcode_name(uint8_t rcode)
{
	static const char *const names[] = {
		"Success", "FormatError", "ServerFailure", "NameError", "NotImplemented",
		"Refused",
	};

	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}

/* ---- TLS ClientHello ------------------------------------------------------ */

#define TLS_HANDSHAKE     0x16
#define TLS_CLIENT_HELLO  1
#define TLS_EXT_SNI       0
#define TLS_SNI_HOST_NAME 0
#define TLS_MAX_EXTS      128   /* extensions looked at */

/* Skip a vector with an n-byte length at *off; false if it runs out. */
static bool skip_vec(const uint8_t *p, size_t len, size_t *off, int n)
{
	size_t l;

	if (*off + (size_t)n > len)
		return false;
	l = n == 1 ? p[*off] : get16(p + *off);
	*off += (size_t)n + l;
	return *off <= len;
}

/* The host_name of a server_name extension's body. */
static int sni_from_ext(const uint8_t *p, size_t len, char *out, size_t outsize)
{
	size_t off = 2, l;

	/* ServerNameList: list length, then (type, name length, name)... */
	if (len < 2)
		return -1;
	while (off + 3 <= len) {
		uint8_t type = p[off];

		l = get16(p + off + 1);
		off += 3;
		if (off + l > len)
			return -1;
		if (type == TLS_SNI_HOST_NAME) {
			if (l >= outsize)
				l = outsize - 1;
			memcpy(out, p + off, l);
			out[l] = 0;
			return (int)l;
		}
		off += l;
	}
	return 0;
}

int tls_sni_parse(const uint8_t *p, size_t len, char *out, size_t outsize)
{
	size_t off = 5 + 4, ext_end;

	if (!outsize)
		return -1;
	out[0] = 0;
	/* Record header (type, version, length), handshake header (type,
	 * 3-byte length): only the record's first fragment is looked at. */
	if (len < off || p[0] != TLS_HANDSHAKE || p[1] != 3 || p[5] != TLS_CLIENT_HELLO)
		return -1;
	off += 2 + 32;                 /* client_version, random */
	if (!skip_vec(p, len, &off, 1) ||      /* session_id */
	    !skip_vec(p, len, &off, 2) ||      /* cipher_suites */
	    !skip_vec(p, len, &off, 1))        /* compression_methods */
		return -1;
	if (off == len)
		return 0;                      /* no extensions at all */
	if (off + 2 > len)
		return -1;
	ext_end = off + 2 + get16(p + off);
	if (ext_end > len)
		ext_end = len;                 /* cut by the capture: read what is there */
	off += 2;
	for (int i = 0; i < TLS_MAX_EXTS && off + 4 <= ext_end; i++) {
		uint16_t type = get16(p + off), l = get16(p + off + 2);

		off += 4;
		if (off + l > ext_end)
			return -1;
		if (type == TLS_EXT_SNI)
			return sni_from_ext(p + off, l, out, outsize);
		off += l;
	}
	return 0;
}
