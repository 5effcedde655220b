// SPDX-License-Identifier: Apache-2.0
/*
 * udp_loop: a UDP datagram sent to 127.0.0.1:PORT and received there, COUNT
 * times, at full speed or paced to RATE per second. The datagram is a DNS
 * query for bench.test (A), so with -p 53 trace_dns reports each one; with
 * another port it is what trace_dns costs UDP traffic it does not report.
 * The receiver answers nothing: a tracer sees one query per iteration.
 *
 *   udp_loop [-n COUNT] [-r RATE] [-w WARMUP] [-p PORT]
 *
 * Both sockets are this process's; the receiver binds 127.0.0.1:PORT (it
 * fails if something else has the port).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

static const unsigned char query[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	5, 'b', 'e', 'n', 'c', 'h', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
};

static int one_datagram(int tx, int rx, const struct sockaddr_in *to)
{
	unsigned char buf[512];

	if (sendto(tx, query, sizeof(query), 0, (const struct sockaddr *)to, sizeof(*to)) < 0 ||
	    recv(rx, buf, sizeof(buf), 0) < 0) {
		perror("udp_loop");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 100000 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct bench_clock c;
	int tx, rx;

	if (bench_parse(argc, argv, &a))
		return 2;
	to.sin_port = htons(a.path ? atoi(a.path) : 53);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	if (tx < 0 || rx < 0 || bind(rx, (struct sockaddr *)&to, sizeof(to))) {
		perror("udp_loop: bind 127.0.0.1");
		return 1;
	}
	for (long i = 0; i < a.warmup; i++)
		if (one_datagram(tx, rx, &to))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (one_datagram(tx, rx, &to))
			return 1;
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	bench_report("udp_loop", &c, &a);
	return 0;
}
