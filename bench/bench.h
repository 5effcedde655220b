/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the bench workloads share: flags, pacing and the one-line report
 * that bench/run.sh parses. Header-only so that each workload is one file
 * and one compiler call.
 *
 * The report: "NAME ops=N wall_ns=N cpu_ns=N ns_per_op=F cpu_ns_per_op=F".
 * cpu_ns is user+system time of the workload and of the children it
 * waited for: a BPF program runs in the context of the task that hit the
 * tracepoint, so what a tracer adds in the kernel shows up here, and at a
 * paced rate (where wall time is mostly sleep) only here.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

struct bench_args {
	long count;
	long rate;          /* operations per second; 0: as fast as possible */
	long warmup;        /* untimed operations first; default count / 10 */
	const char *path;
};

struct bench_clock {
	struct timespec start;
	long batch;         /* operations per 1 ms slot when paced */
};

static inline unsigned long long bench_ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000ULL + t->tv_nsec;
}

static inline unsigned long long bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return bench_ns(&t);
}

static inline unsigned long long bench_cpu_ns(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1000000000ULL +
	       (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1000ULL;
}

static inline int bench_parse(int argc, char **argv, struct bench_args *a)
{
	int opt;

	a->warmup = -1;
	while ((opt = getopt(argc, argv, "n:r:p:w:")) != -1) {
		switch (opt) {
		case 'n': a->count = atol(optarg); break;
		case 'r': a->rate = atol(optarg); break;
		case 'p': a->path = optarg; break;
		case 'w': a->warmup = atol(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n COUNT] [-r RATE/s] [-p PATH] [-w WARMUP]\n",
				argv[0]);
			return -1;
		}
	}
	if (a->count <= 0 || a->rate < 0) {
		fprintf(stderr, "%s: COUNT must be positive and RATE not negative\n", argv[0]);
		return -1;
	}
	if (a->warmup < 0)
		a->warmup = a->rate ? 0 : a->count / 10;
	return 0;
}

static unsigned long long bench_cpu_start;

static inline void bench_start(struct bench_clock *c)
{
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	c->batch = 0;
	bench_cpu_start = bench_cpu_ns();
}

/* After `done` operations, sleep until they are due. Sleeping once per
 * 1 ms slot keeps the timer's own cost out of high rates. */
static inline void bench_pace(struct bench_clock *c, const struct bench_args *a, long done)
{
	unsigned long long due;
	struct timespec t;

	if (!c->batch)
		c->batch = a->rate >= 1000 ? a->rate / 1000 : 1;
	if (done % c->batch)
		return;
	due = bench_ns(&c->start) + (unsigned long long)done * 1000000000ULL / a->rate;
	t.tv_sec = due / 1000000000ULL;
	t.tv_nsec = due % 1000000000ULL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL))
		;
}

static inline void bench_report(const char *name, const struct bench_clock *c,
				const struct bench_args *a)
{
	unsigned long long wall = bench_now() - bench_ns(&c->start);
	unsigned long long cpu = bench_cpu_ns() - bench_cpu_start;

	printf("%s ops=%ld wall_ns=%llu cpu_ns=%llu ns_per_op=%.1f cpu_ns_per_op=%.1f\n",
	       name, a->count, wall, cpu, (double)wall / a->count, (double)cpu / a->count);
	fflush(stdout);
}

#endif
