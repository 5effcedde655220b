// SPDX-License-Identifier: Apache-2.0
/*
 * Writes seed records for fuzz_decode: well-formed events of each gadget
 * (from the shared headers, so they follow struct changes), hostile ones
 * (escape sequences, invalid UTF-8, sizes that lie) and truncated ones.
 * `make fuzz-corpus` runs it into tests/fuzz/corpus/decode/.
 */
#include <linux/types.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_exec.h"
#include "trace_open.h"
#include "trace_tcp.h"
#include "ttysnoop.h"

static const char *dir;

static void put(const char *name, const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void proc(struct ig_proc *p, const char *comm)
{
	p->timestamp = 123456789;
	p->mntns_id = 4026531841ULL;
	p->pid = p->tid = 4242;
	p->ppid = 1;
	strncpy(p->comm, comm, sizeof(p->comm));
	strncpy(p->pcomm, "bash", sizeof(p->pcomm));
}

static void open_seeds(void)
{
	static const char hostile[] = "/tmp/a\x1b[1A\x1b[2K/etc/shadow";
	struct open_event e = {};

	proc(&e.proc, "cat");
	e.ret = 3;
	e.flags = 0100 | 01000;   /* O_CREAT|O_TRUNC */
	e.mode = 0644;
	strcpy(e.fname, "/etc/passwd");
	e.fname_len = 12;
	put("open_ok", &e, sizeof(e));
	memcpy(e.fname, hostile, sizeof(hostile));
	e.ret = -2;
	put("open_hostile", &e, sizeof(e));
	memset(e.fname, 0xff, sizeof(e.fname));   /* no NUL at all */
	memset(e.proc.comm, 0x9b, sizeof(e.proc.comm));
	put("open_unterminated", &e, sizeof(e));
	put("open_truncated", &e, sizeof(e) - 100);
	put("open_header_only", &e, 20);
}

static void exec_seeds(void)
{
	static const char argv[] = "/bin/ls\0-l\0\xc3\x28\x1b]0;owned\x07\0";
	size_t hdr = offsetof(struct exec_event, args);
	struct exec_event *e = calloc(1, sizeof(*e));

	proc(&e->proc, "ls");
	memcpy(e->args, argv, sizeof(argv));
	e->args_size = sizeof(argv);
	e->args_count = 3;
	strcpy(e->cwd, "/root");
	strcpy(e->exepath, "/usr/bin/ls");
	e->flags = EXEC_F_PATHS;
	put("exec_ok", e, hdr + e->args_size);
	e->args_size = 0;
	e->args_count = 0;
	put("exec_empty_argv", e, hdr);
	e->args_size = 0xffffffff;   /* lies about the size */
	e->flags = EXEC_F_ARGS_TRUNCATED | EXEC_F_EXECVEAT;
	memset(e->args, 'A', 64);
	put("exec_size_lie", e, hdr + 64);
	memset(e->args, 0, EXEC_ARGS_MAX);
	e->args_size = EXEC_ARGS_MAX;
	put("exec_all_nul", e, sizeof(*e));
	e->retval = -13;
	put("exec_truncated", e, hdr - 8);
	free(e);
}

static void tcp_seeds(void)
{
	struct tcp_event e = {};

	proc(&e.proc, "curl");
	e.ep.family = TCP_AF_INET;
	e.ep.saddr[0] = 127;
	e.ep.saddr[3] = 1;
	e.ep.daddr[0] = 127;
	e.ep.daddr[3] = 1;
	e.ep.sport = 40000;
	e.ep.dport = 80;
	e.type = TCP_EV_CONNECT;
	put("tcp_connect4", &e, sizeof(e));
	e.ep.family = TCP_AF_INET6;
	e.ep.daddr[15] = 1;
	e.type = TCP_EV_ACCEPT;
	e.error = 111;
	put("tcp_accept6", &e, sizeof(e));
	e.ep.family = 0xffff;
	e.type = 0xff;
	e.error = -1;
	put("tcp_bogus", &e, sizeof(e));
}

static void tty_seeds(void)
{
	static const char text[] = "\x1b[2J\x1b]52;c;ZXZpbA==\x07hello\r\n\xe2\x80\xae";
	size_t hdr = offsetof(struct tty_event, buf);
	struct tty_event *e = calloc(1, sizeof(*e));

	proc(&e->proc, "bash");
	e->dev = (136u << TTY_MINORBITS) | 3;
	strcpy(e->tty, "pts3");
	e->cols = 80;
	e->rows = 24;
	memcpy(e->buf, text, sizeof(text) - 1);
	e->len = e->buf_size = sizeof(text) - 1;
	put("tty_escapes", e, hdr + e->buf_size);
	e->buf_size = 0xffffffff;
	e->len = ~0ULL;
	e->flags = 0xffffffff;
	memset(e->tty, 'x', sizeof(e->tty));
	put("tty_size_lie", e, hdr + 16);
	free(e);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	open_seeds();
	exec_seeds();
	tcp_seeds();
	tty_seeds();
	return 0;
}
