// SPDX-License-Identifier: Apache-2.0
/*
 * latency: how long after an open() its line appears on ig's stdout.
 * Starts the command given (an `ig run trace_open ...` writing to a pipe),
 * waits until it is attached, then opens a marker path now and then and
 * times each until a line naming it arrives on the pipe.
 *
 *   latency [-n SAMPLES] [-i INTERVAL_MS] [-r BG_RATE] [-b] -- CMD ARGS...
 *
 * -r runs a background open()+close() loop at BG_RATE pairs/s meanwhile, in
 *    a child of the same name (so `--comm latency` keeps it): the batching
 *    regime. Without it, markers come INTERVAL_MS apart: the interactive one.
 * -b opens /dev/null 1 ms before each marker: the marker then comes right
 *    after a wakeup, the worst case for the adaptive wakeup, which must fall
 *    back on the reader's poll timeout.
 *
 * Prints "latency samples=N missed=N bg_rate=N burst=0|1 min_ms=F p50_ms=F
 * p90_ms=F p99_ms=F max_ms=F". A marker not seen within 5 s is missed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "attach.h"
#include "bench.h"

#define MARKER_DIR "/nonexistent-ig-latency"
#define TIMEOUT_NS 5000000000ULL

struct reader {
	int fd;
	char buf[1 << 16];
	size_t len;
	bool eof;
};

/* Read what the pipe has (waiting up to wait_ms); true if `needle` came. */
static bool read_some(struct reader *r, const char *needle, int wait_ms)
{
	size_t keep = strlen(needle);
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	ssize_t n;

	if (r->eof || poll(&p, 1, wait_ms) <= 0)
		return false;
	n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	if (n <= 0) {
		r->eof = n == 0 || errno != EINTR;
		return false;
	}
	r->len += n;
	if (needle[0] && memmem(r->buf, r->len, needle, keep)) {
		r->len = 0;   /* markers are unique: nothing after it matters */
		return true;
	}
	/* Keep a tail: a marker may straddle two reads. */
	if (r->len > keep) {
		memmove(r->buf, r->buf + r->len - keep, keep);
		r->len = keep;
	}
	return false;
}

static pid_t spawn(char **cmd, int *out_fd)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	close(p[1]);
	*out_fd = p[0];
	return pid;
}

static pid_t background_load(long rate)
{
	struct bench_args a = { .count = 1L << 40, .rate = rate };
	struct bench_clock c;
	pid_t pid = fork();

	if (pid)
		return pid;
	bench_start(&c);
	for (long i = 0;; i++) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0)
			close(fd);
		bench_pace(&c, &a, i + 1);
	}
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static double pct(const unsigned long long *v, int n, double p)
{
	int i = (int)(p * (n - 1) + 0.5);

	return n ? v[i] / 1e6 : 0;
}

static bool wait_attached(pid_t pid)
{
	char *tp[] = { "sys_exit_openat" };
	struct timespec ms = { 0, 1000000 };

	for (int i = 0; i < 30000; i++) {
		int n = bench_attached(pid, tp, 1);

		if (n == 1)
			return true;
		if (n < 0)
			return false;
		nanosleep(&ms, NULL);
	}
	return false;
}

int main(int argc, char **argv)
{
	int samples = 20, interval_ms = 200, opt, missed = 0, got = 0;
	long bg_rate = 0;
	bool burst = false;
	static struct reader r;
	unsigned long long *lat;
	pid_t tracer, load = 0;

	while ((opt = getopt(argc, argv, "+n:i:r:b")) != -1) {
		switch (opt) {
		case 'n': samples = atoi(optarg); break;
		case 'i': interval_ms = atoi(optarg); break;
		case 'r': bg_rate = atol(optarg); break;
		case 'b': burst = true; break;
		default: goto usage;
		}
	}
	if (optind >= argc || samples <= 0 || interval_ms <= 0)
		goto usage;
	lat = calloc(samples, sizeof(*lat));
	tracer = spawn(argv + optind, &r.fd);
	if (!lat || tracer < 0 || !wait_attached(tracer)) {
		fprintf(stderr, "latency: %s did not attach\n", argv[optind]);
		return 1;
	}
	if (bg_rate)
		load = background_load(bg_rate);
	for (int i = 0; i < samples; i++) {
		unsigned long long t0, next = bench_now() + interval_ms * 1000000ULL;
		char marker[96];
		bool seen = false;
		int fd;

		snprintf(marker, sizeof(marker), MARKER_DIR "/%d/%d/", getpid(), i);
		if (burst) {
			fd = open("/dev/null", O_RDONLY);
			if (fd >= 0)
				close(fd);
			usleep(1000);
		}
		t0 = bench_now();
		fd = open(marker, O_RDONLY);
		if (fd >= 0)
			close(fd);
		while (!seen && !r.eof && bench_now() - t0 < TIMEOUT_NS)
			seen = read_some(&r, marker, 100);
		if (seen)
			lat[got++] = bench_now() - t0;
		else
			missed++;
		/* Keep draining until the next sample: the pipe must not fill. */
		while (!r.eof && bench_now() < next)
			read_some(&r, "", 10);
	}
	if (load) {
		kill(load, SIGKILL);
		waitpid(load, NULL, 0);
	}
	kill(tracer, SIGINT);
	while (!r.eof)
		read_some(&r, "", 1000);
	waitpid(tracer, NULL, 0);
	qsort(lat, got, sizeof(*lat), cmp_ull);
	printf("latency samples=%d missed=%d bg_rate=%ld burst=%d min_ms=%.3f p50_ms=%.3f "
	       "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", got, missed, bg_rate, burst,
	       pct(lat, got, 0), pct(lat, got, 0.5), pct(lat, got, 0.9), pct(lat, got, 0.99),
	       pct(lat, got, 1));
	free(lat);
	return missed ? 1 : 0;
usage:
	fprintf(stderr, "usage: latency [-n SAMPLES] [-i INTERVAL_MS] [-r BG_RATE] [-b] -- CMD ARGS...\n");
	return 2;
}
