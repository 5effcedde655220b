// SPDX-License-Identifier: Apache-2.0
/*
 * tcp_rw_loop: on one loopback TCP connection, send(2) one byte and recv(2)
 * it on the other end, COUNT times: one op is one send and one recv. Run it
 * bare and under top_tcp: half the difference in ns_per_op is what top_tcp
 * adds to each send or recv.
 *
 *   tcp_rw_loop [-n COUNT] [-r RATE] [-w WARMUP]
 *
 * Prints one line of key=value pairs (see bench_report in bench.h).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

/* A connected pair on 127.0.0.1: *c the client's end, *s the server's. */
static int pair(int *c, int *s)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int one = 1, l = socket(AF_INET, SOCK_STREAM, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&addr, len) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&addr, &len))
		return -1;
	*c = socket(AF_INET, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&addr, len))
		return -1;
	*s = accept(l, NULL, NULL);
	close(l);
	setsockopt(*c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return *s < 0 ? -1 : 0;
}

static int one_op(int c, int s)
{
	char b = 'x';

	return send(c, &b, 1, 0) == 1 && recv(s, &b, 1, 0) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 1000000 };
	struct bench_clock clk;
	int c, s;

	if (bench_parse(argc, argv, &a))
		return 2;
	if (pair(&c, &s)) {
		perror("tcp_rw_loop: connection");
		return 1;
	}
	for (long i = 0; i < a.warmup; i++)
		if (one_op(c, s))
			return 1;
	bench_start(&clk);
	for (long i = 0; i < a.count; i++) {
		if (one_op(c, s)) {
			perror("tcp_rw_loop: send/recv");
			return 1;
		}
		if (a.rate)
			bench_pace(&clk, &a, i + 1);
	}
	bench_report("tcp_rw_loop", &clk, &a);
	return 0;
}
