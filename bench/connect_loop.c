// SPDX-License-Identifier: Apache-2.0
/*
 * connect_loop: a loopback TCP connect(2), accept(2) and two close(2)s,
 * COUNT times, at full speed or paced to RATE per second. The listener is
 * 127.0.0.1 on a port the kernel picks; both ends are in this process, so
 * a TCP tracer sees one connect and one accept per iteration.
 *
 *   connect_loop [-n COUNT] [-r RATE] [-w WARMUP]
 *
 * SO_LINGER 0 on the client resets the connection at close, so the loop
 * does not pile up TIME_WAIT sockets and run out of local ports.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench.h"

static int listen_loopback(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	addr->sin_family = AF_INET;
	addr->sin_port = 0;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 128) || getsockname(fd, (struct sockaddr *)addr, &len)) {
		perror("connect_loop: listen");
		return -1;
	}
	return fd;
}

static int one_connect(int lfd, const struct sockaddr_in *addr)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	int c = socket(AF_INET, SOCK_STREAM, 0), s;

	if (c < 0 || connect(c, (const struct sockaddr *)addr, sizeof(*addr))) {
		perror("connect_loop: connect");
		return -1;
	}
	s = accept(lfd, NULL, NULL);
	if (s < 0) {
		perror("connect_loop: accept");
		return -1;
	}
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	close(c);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 100000 };
	struct sockaddr_in addr;
	struct bench_clock c;
	int lfd;

	if (bench_parse(argc, argv, &a))
		return 2;
	lfd = listen_loopback(&addr);
	if (lfd < 0)
		return 1;
	for (long i = 0; i < a.warmup; i++)
		if (one_connect(lfd, &addr))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (one_connect(lfd, &addr))
			return 1;
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	bench_report("connect_loop", &c, &a);
	return 0;
}
