// SPDX-License-Identifier: Apache-2.0
/*
 * open_loop: open(2)+close(2) of one path, COUNT times, at full speed or
 * paced to RATE pairs per second. Run it bare and under a tracer; the
 * difference per pair is what the tracer costs per event.
 *
 *   open_loop [-n COUNT] [-r RATE] [-p PATH] [-w WARMUP]
 *
 * Prints one line of key=value pairs (see bench_report in bench.h).
 * Pacing works in 1 ms slots so that a high rate is not bounded by the
 * resolution of sleeping; a slot's pairs run back to back.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "bench.h"

static int one_pair(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		perror(path);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 1000000, .path = "/dev/null" };
	struct bench_clock c;

	if (bench_parse(argc, argv, &a))
		return 2;
	for (long i = 0; i < a.warmup; i++)
		if (one_pair(a.path))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (one_pair(a.path))
			return 1;
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	bench_report("open_loop", &c, &a);
	return 0;
}
