// SPDX-License-Identifier: Apache-2.0
/*
 * attach_wait: wait until process PID has BPF programs attached to every
 * tracepoint named, then print the CLOCK_REALTIME ns when that was seen.
 * The same test for every tracer (ig, libbpf-tools, bpftrace), so their
 * start times compare: none has to announce itself, and buffered output
 * does not delay the answer. Polls every 1 ms.
 *
 *   attach_wait [-t TIMEOUT_S] PID TRACEPOINT...
 *
 * Exit 0 when attached; 1 when the process died or the timeout passed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "attach.h"

static unsigned long long now_ns(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	struct timespec ms = { 0, 1000000 };
	unsigned long long deadline;
	double timeout = 30;
	pid_t pid;
	int opt, ntp;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't')
			goto usage;
		timeout = atof(optarg);
	}
	ntp = argc - optind - 1;
	if (ntp < 1 || ntp > BENCH_MAX_TP)
		goto usage;
	pid = atoi(argv[optind]);
	deadline = now_ns(CLOCK_MONOTONIC) + (unsigned long long)(timeout * 1e9);
	while (now_ns(CLOCK_MONOTONIC) < deadline) {
		int n = bench_attached(pid, argv + optind + 1, ntp);

		if (n == ntp) {
			printf("%llu\n", now_ns(CLOCK_REALTIME));
			return 0;
		}
		if (n < 0 || kill(pid, 0)) {
			fprintf(stderr, "attach_wait: process %d is gone\n", pid);
			return 1;
		}
		nanosleep(&ms, NULL);
	}
	fprintf(stderr, "attach_wait: %d not attached to %s... within %gs\n", pid,
		argv[optind + 1], timeout);
	return 1;
usage:
	fprintf(stderr, "usage: attach_wait [-t TIMEOUT_S] PID TRACEPOINT...\n");
	return 2;
}
