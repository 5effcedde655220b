// SPDX-License-Identifier: Apache-2.0
/*
 * exec_loop: fork(2), execve(2) of PATH (default /bin/true) in the child,
 * waitpid(2) in the parent; COUNT times, at full speed or paced to RATE
 * per second. One event per iteration for an exec tracer.
 *
 *   exec_loop [-n COUNT] [-r RATE] [-p PATH] [-w WARMUP]
 *
 * Built with -DEXEC_LOOP_VFORK, it is spawn_loop: vfork(2) instead of
 * fork. A fork copies the parent's page tables, which on a VM without
 * nested paging costs milliseconds; vfork shares them until the exec, so
 * the new process costs only its own exec and exit. Each iteration is
 * still one real process: a new pid, an exec of a new image, an exit
 * reaped by the parent (bench/procrss.py).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

#ifdef EXEC_LOOP_VFORK
#define LOOP_NAME "spawn_loop"
#define new_process vfork
#else
#define LOOP_NAME "exec_loop"
#define new_process fork
#endif

static int one_exec(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid = new_process();

	if (pid < 0) {
		perror(LOOP_NAME);
		return -1;
	}
	if (!pid) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, LOOP_NAME ": %s did not exit with 0\n", path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_args a = { .count = 2000, .path = "/bin/true" };
	struct bench_clock c;

	if (bench_parse(argc, argv, &a))
		return 2;
	for (long i = 0; i < a.warmup; i++)
		if (one_exec(a.path))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++) {
		if (one_exec(a.path))
			return 1;
		if (a.rate)
			bench_pace(&c, &a, i + 1);
	}
	bench_report(LOOP_NAME, &c, &a);
	return 0;
}
