/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hand-made packets for the packet parsers' and decoders' tests: DNS
 * messages, TLS ClientHellos, and the IPv4/IPv6 + UDP/TCP around them.
 */
#ifndef IG_TEST_PKT_BUILDER_H
#define IG_TEST_PKT_BUILDER_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

struct pb {
	uint8_t b[4096];
	size_t n;
};

static inline void pb_u8(struct pb *p, uint8_t v) { p->b[p->n++] = v; }
static inline void pb_u16(struct pb *p, uint16_t v) { pb_u8(p, v >> 8); pb_u8(p, v & 0xff); }
static inline void pb_u24(struct pb *p, uint32_t v) { pb_u8(p, v >> 16); pb_u16(p, v & 0xffff); }
static inline void pb_bytes(struct pb *p, const void *d, size_t n)
{
	memcpy(p->b + p->n, d, n);
	p->n += n;
}
static inline void pb_put16(struct pb *p, size_t at, uint16_t v)
{
	p->b[at] = v >> 8;
	p->b[at + 1] = v & 0xff;
}

/* "foo.test" as labels (no compression). */
static inline void pb_name(struct pb *p, const char *name)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		pb_u8(p, (uint8_t)l);
		pb_bytes(p, name, l);
		name += l + (dot ? 1 : 0);
	}
	pb_u8(p, 0);
}

static inline void pb_dns_header(struct pb *p, uint16_t id, uint16_t flags, uint16_t qd,
				 uint16_t an)
{
	pb_u16(p, id);
	pb_u16(p, flags);
	pb_u16(p, qd);
	pb_u16(p, an);
	pb_u16(p, 0);
	pb_u16(p, 0);
}

/* A query for name (type qtype, class IN). */
static inline void pb_dns_query(struct pb *p, uint16_t id, const char *name, uint16_t qtype)
{
	pb_dns_header(p, id, 0x0100, 1, 0);
	pb_name(p, name);
	pb_u16(p, qtype);
	pb_u16(p, 1);
}

/* An answer record for the question's name (pointer to offset 12). */
static inline void pb_dns_answer(struct pb *p, uint16_t type, const void *rdata, uint16_t len)
{
	pb_u16(p, 0xc00c);
	pb_u16(p, type);
	pb_u16(p, 1);
	pb_u16(p, 0);
	pb_u16(p, 60);
	pb_u16(p, len);
	pb_bytes(p, rdata, len);
}

/* IP + UDP (proto 17) or TCP (6, with a 20-byte header) around payload. */
static inline void pb_ip(struct pb *p, int version, uint8_t proto, const char *src,
			 uint16_t sport, const char *dst, uint16_t dport, const void *payload,
			 size_t len)
{
	size_t l4 = proto == 17 ? 8 : 20;

	p->n = 0;
	if (version == 4) {
		uint8_t a[4];

		pb_u8(p, 0x45);
		pb_u8(p, 0);
		pb_u16(p, (uint16_t)(20 + l4 + len));
		pb_u16(p, 0);
		pb_u16(p, 0x4000);
		pb_u8(p, 64);
		pb_u8(p, proto);
		pb_u16(p, 0);
		inet_pton(AF_INET, src, a);
		pb_bytes(p, a, 4);
		inet_pton(AF_INET, dst, a);
		pb_bytes(p, a, 4);
	} else {
		uint8_t a[16];

		pb_u8(p, 0x60);
		pb_u8(p, 0);
		pb_u16(p, 0);
		pb_u16(p, (uint16_t)(l4 + len));
		pb_u8(p, proto);
		pb_u8(p, 64);
		inet_pton(AF_INET6, src, a);
		pb_bytes(p, a, 16);
		inet_pton(AF_INET6, dst, a);
		pb_bytes(p, a, 16);
	}
	pb_u16(p, sport);
	pb_u16(p, dport);
	if (proto == 17) {
		pb_u16(p, (uint16_t)(8 + len));
		pb_u16(p, 0);
	} else {
		pb_u16(p, 0);
		pb_u16(p, 0);   /* seq */
		pb_u16(p, 0);
		pb_u16(p, 0);   /* ack */
		pb_u8(p, 5 << 4);
		pb_u8(p, 0x18);
		pb_u16(p, 512);
		pb_u16(p, 0);
		pb_u16(p, 0);
	}
	pb_bytes(p, payload, len);
}

/* A TLS record with a ClientHello; sni NULL: no server_name extension. An
 * extension of 20 bytes of type 0x000a comes before it. */
static inline void pb_client_hello(struct pb *p, const char *sni)
{
	size_t rec_len, hs_len, ext_len;
	uint8_t zero[32] = { 0 };

	p->n = 0;
	pb_u8(p, 0x16);
	pb_u16(p, 0x0301);
	rec_len = p->n;
	pb_u16(p, 0);
	pb_u8(p, 1);
	hs_len = p->n;
	pb_u24(p, 0);
	pb_u16(p, 0x0303);
	pb_bytes(p, zero, 32);
	pb_u8(p, 0);                   /* session id */
	pb_u16(p, 2);
	pb_u16(p, 0x1301);             /* one cipher suite */
	pb_u8(p, 1);
	pb_u8(p, 0);                   /* null compression */
	ext_len = p->n;
	pb_u16(p, 0);
	pb_u16(p, 0x000a);
	pb_u16(p, 20);
	pb_bytes(p, zero, 20);
	if (sni) {
		size_t l = strlen(sni);

		pb_u16(p, 0);
		pb_u16(p, (uint16_t)(l + 5));
		pb_u16(p, (uint16_t)(l + 3));
		pb_u8(p, 0);
		pb_u16(p, (uint16_t)l);
		pb_bytes(p, sni, l);
	}
	pb_put16(p, ext_len, (uint16_t)(p->n - ext_len - 2));
	pb_put16(p, hs_len + 1, (uint16_t)(p->n - hs_len - 3));
	pb_put16(p, rec_len, (uint16_t)(p->n - rec_len - 2));
}

#endif
