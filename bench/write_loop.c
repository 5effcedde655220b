// SPDX-License-Identifier: Apache-2.0
/*
 * write_loop: write(2) of one byte to PATH (default /dev/null), COUNT times
 * (default 1,000,000; a missing PATH is created), at full speed or paced to
 * RATE per second. Run it
 * bare and under a tracer: the difference in ns_per_op is what the tracer
 * adds to each write. For ttysnoop this is the cost on writes that do not
 * go to a tty, the ones every process in the system makes.
 *
 *   write_loop [-n COUNT] [-r RATE] [-p PATH] [-w WARMUP]
 *
 * With -p getppid it calls getppid(2) instead of writing: a syscall that a
 * write tracer does not hook, to see what it costs every other syscall
 * (enabling any syscall tracepoint moves all syscalls to a slower path).
 *
 * Prints one line of key=value pairs (see bench_report in bench.h).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bench.h"

/* fd < 0: getppid. syscall() so that no libc caching can skip the kernel. */
static int one_op(int fd)
{
	if (fd < 0)
		return syscall(SYS_getppid) > 0 ? 0 : -1;
	return write(fd, "x", 1) == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 1000000, .path = "/dev/null" };
	bool ppid;
	struct bench_clock c;
	int fd = -1;

	if (bench_parse(argc, argv, &a))
		return 2;
	ppid = !strcmp(a.path, "getppid");
	if (!ppid && (fd = open(a.path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		perror(a.path);
		return 1;
	}
	for (long i = 0; i < a.warmup; i++)
		if (one_op(fd))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (one_op(fd)) {
			perror(ppid ? "getppid" : a.path);
			return 1;
		}
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	bench_report(ppid ? "getppid_loop" : "write_loop", &c, &a);
	return 0;
}
