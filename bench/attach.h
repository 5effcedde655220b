/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Has a process attached BPF programs to these tracepoints yet? Asked of
 * the kernel for each of its fds (BPF_TASK_FD_QUERY, as `bpftool perf`
 * does), so it works alike for every tracer, whatever it prints and
 * however it buffers its output.
 */
#ifndef BENCH_ATTACH_H
#define BENCH_ATTACH_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <bpf/bpf.h>

#define BENCH_MAX_TP 16

/* How many of the ntp tracepoints carry a program of pid; -1 if pid is gone. */
static inline int bench_attached(pid_t pid, char *const *tps, int ntp)
{
	bool seen[BENCH_MAX_TP] = { false };
	char dir[64], name[256];
	struct dirent *d;
	int n = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	fds = opendir(dir);
	if (!fds)
		return -1;
	while ((d = readdir(fds))) {
		__u32 len = sizeof(name), prog_id, type;
		__u64 off, addr;

		if (d->d_name[0] == '.')
			continue;
		if (bpf_task_fd_query(pid, atoi(d->d_name), 0, name, &len, &prog_id, &type,
				      &off, &addr))
			continue;
		for (int i = 0; i < ntp && i < BENCH_MAX_TP; i++)
			if (!seen[i] && !strcmp(name, tps[i])) {
				seen[i] = true;
				n++;
			}
	}
	closedir(fds);
	return n;
}

#endif
