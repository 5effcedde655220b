// SPDX-License-Identifier: Apache-2.0
/*
 * tty_loop: write(2) of a short line to a pty, COUNT times, at full speed
 * or paced to RATE per second. The pty's master side is opened here and
 * drained by a child, so the writes never block on a full line buffer.
 *
 *   tty_loop [-n COUNT] [-r RATE] [-w WARMUP]
 *
 * The slave is put in raw mode: no echo, no line discipline work that
 * would make the baseline depend on the terminal settings.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* posix_openpt, ptsname */
#endif
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "bench.h"

static const char line[] = "tty_loop: hello\n";

static int open_pty(pid_t *drainer)
{
	struct termios t;
	int master = posix_openpt(O_RDWR | O_NOCTTY), slave;
	char buf[65536];

	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("tty_loop: posix_openpt");
		return -1;
	}
	slave = open(ptsname(master), O_WRONLY | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &t)) {
		perror("tty_loop: open pty");
		return -1;
	}
	cfmakeraw(&t);
	tcsetattr(slave, TCSANOW, &t);
	*drainer = fork();
	if (*drainer < 0) {
		perror("tty_loop: fork");
		return -1;
	}
	if (!*drainer) {
		close(slave);
		while (read(master, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(master);
	return slave;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 200000 };
	struct bench_clock c;
	pid_t drainer;
	int fd;

	if (bench_parse(argc, argv, &a))
		return 2;
	fd = open_pty(&drainer);
	if (fd < 0)
		return 1;
	for (long i = 0; i < a.warmup; i++)
		if (write(fd, line, sizeof(line) - 1) < 0)
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (write(fd, line, sizeof(line) - 1) < 0) {
			perror("tty_loop: write");
			return 1;
		}
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	/* The report must not count the drainer's CPU: it is not waited yet. */
	bench_report("tty_loop", &c, &a);
	close(fd);
	kill(drainer, SIGTERM);
	waitpid(drainer, NULL, 0);
	return 0;
}
