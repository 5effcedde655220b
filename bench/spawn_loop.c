// SPDX-License-Identifier: Apache-2.0
/*
 * spawn_loop: vfork(2), execve(2) of PATH in the child, waitpid(2) in the
 * parent; COUNT times. exec_loop's fork copies the parent's page tables,
 * which on a VM without nested paging costs milliseconds; vfork shares
 * them until the exec, so the new process costs only its own exec and
 * exit. Each iteration is still one real process: a new pid, an exec of a
 * new image, an exit reaped by the parent (bench/procrss.py).
 *
 *   spawn_loop [-n COUNT] [-p PATH] [-w WARMUP]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static int one_spawn(const char *path)
{
	char *const argv[] = { (char *)path, NULL };
	char *const envp[] = { NULL };
	int status;
	pid_t pid = vfork();

	if (pid < 0) {
		perror("vfork");
		return -1;
	}
	if (!pid) {
		execve(path, argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "spawn_loop: %s did not exit with 0\n", path);
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
		if (one_spawn(a.path))
			return 1;
	bench_start(&c);
	for (long i = 0; i < a.count; i++)
		if (one_spawn(a.path))
			return 1;
	bench_report("spawn_loop", &c, &a);
	return 0;
}
