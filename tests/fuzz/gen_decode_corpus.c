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
#include "audit_seccomp.h"
#include "trace_exec.h"
#include "trace_mount.h"
#include "trace_oomkill.h"
#include "trace_open.h"
#include "trace_signal.h"
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
	/* Without --paths a record ends in fname; at most the whole of it. */
	const size_t whole = OPEN_EVENT_HDR_SIZE + OPEN_FNAME_MAX;
	struct open_event *e = calloc(1, sizeof(*e));

	proc(&e->proc, "cat");
	e->ret = 3;
	e->flags = 0100 | 01000;   /* O_CREAT|O_TRUNC */
	e->mode = 0644;
	strcpy(e->fname, "/etc/passwd");
	e->fname_len = 12;
	put("open_ok", e, OPEN_EVENT_HDR_SIZE + e->fname_len);
	/* --paths: the file's own path, then a failed relative name joined
	 * to its directory, cut at both ends, then lengths that lie. */
	strcpy(e->fname, "./link");
	e->fname_len = 7;
	strcpy(e->fpath, "/tmp/d/target");
	e->fpath_len = 14;
	e->fpath_flags = OPEN_FP_FILE;
	put("open_paths_file", e, OPEN_EVENT_PATHS_SIZE + e->fpath_len);
	e->ret = -2;
	strcpy(e->fname, "sub/\x1b]0;x\x07missing");
	e->fname_len = strlen(e->fname) + 1;
	strcpy(e->fpath, "/d9/d10/\xe2\x80\xae");
	e->fpath_len = strlen(e->fpath) + 1;
	e->fpath_flags = OPEN_FP_DIR | OPEN_FP_CUT_TOP | OPEN_FP_CUT_END | OPEN_FP_FNAME_CUT;
	put("open_paths_dir_cut", e, OPEN_EVENT_PATHS_SIZE + e->fpath_len);
	e->fpath_len = 0xffffffff;
	put("open_paths_len_lie", e, OPEN_EVENT_PATHS_SIZE + 16);
	memset(e->fpath, 0xff, OPEN_PATH_MAX);   /* no NUL at all */
	e->fpath_len = OPEN_PATH_MAX;
	put("open_paths_unterminated", e, sizeof(*e));
	e->fpath_flags = 0;
	e->fpath_len = 0;
	memcpy(e->fname, hostile, sizeof(hostile));
	e->fname_len = sizeof(hostile);
	put("open_hostile", e, whole);
	memset(e->fname, 0xff, sizeof(e->fname));   /* no NUL at all */
	e->fname_len = OPEN_FNAME_MAX;
	memset(e->proc.comm, 0x9b, sizeof(e->proc.comm));
	put("open_unterminated", e, whole);
	put("open_truncated", e, whole - 100);
	put("open_header_only", e, 20);
	free(e);
}

static void exec_seeds(void)
{
	static const char argv[] = "/bin/ls\0-l\0\xc3\x28\x1b]0;owned\x07\0";
	size_t hdr = offsetof(struct exec_event, tail);
	struct exec_event *e = calloc(1, sizeof(*e));

	proc(&e->proc, "ls");
	memcpy(e->tail + EXEC_PATHS_SIZE, argv, sizeof(argv));
	e->args_size = sizeof(argv);
	e->args_count = 3;
	strcpy(e->tail, "/root");
	strcpy(e->tail + EXEC_PATH_MAX, "/usr/bin/ls");
	e->flags = EXEC_F_PATHS;
	put("exec_ok", e, hdr + EXEC_PATHS_SIZE + e->args_size);
	put("exec_paths_cut", e, hdr + 100);
	e->args_size = 0;
	e->args_count = 0;
	put("exec_empty_argv", e, hdr + EXEC_PATHS_SIZE);
	e->args_size = 0xffffffff;   /* lies about the size */
	e->flags = EXEC_F_ARGS_TRUNCATED | EXEC_F_EXECVEAT;
	memset(e->tail, 'A', 64);
	put("exec_size_lie", e, hdr + 64);
	memset(e->tail, 0, EXEC_ARGS_MAX);
	e->args_size = EXEC_ARGS_MAX;
	put("exec_all_nul", e, hdr + EXEC_ARGS_MAX);
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

static void signal_seeds(void)
{
	struct signal_event e = {};

	proc(&e.proc, "sh");
	e.tpid = 77;
	e.sig = 10;
	e.via = SIGNAL_VIA_KILL;
	memcpy(e.tcomm, "\x1b[2Jsleep\xff", 11);
	put("signal_kill", &e, sizeof(e));
	e.sig = -1;
	e.via = 0xff;
	e.result = 0xfe;
	e.err = -5;
	memset(e.tcomm, 0x9b, sizeof(e.tcomm));   /* no NUL */
	put("signal_bogus", &e, sizeof(e));
}

static void mount_seeds(void)
{
	struct mount_event *e = calloc(1, sizeof(*e));

	proc(&e->proc, "mount");
	e->op = MOUNT_OP_MOUNT;
	e->flags = 0xc0ed0000 | 0x6;
	strcpy(e->src, "none");
	strcpy(e->target, "/mnt/\x1b]0;x\x07");
	strcpy(e->fs, "tmpfs");
	strcpy(e->data, "size=1m,\xc3\x28");
	put("mount_hostile", e, sizeof(*e));
	memset(e->src, 'a', sizeof(e->src));   /* no NUL anywhere */
	memset(e->target, 0xff, sizeof(e->target));
	memset(e->fs, '"', sizeof(e->fs));
	memset(e->data, 0x9b, sizeof(e->data));
	e->cut = 0xff;
	e->op = MOUNT_OP_FSMOUNT;
	e->flags = ~0ULL;
	e->attr = ~0U;
	e->ret = -(1LL << 62);
	put("mount_unterminated", e, sizeof(*e));
	put("mount_truncated", e, sizeof(*e) - 1);
	free(e);
}

static void oomkill_seeds(void)
{
	struct oomkill_event e = {};

	proc(&e.proc, "tail");
	e.tpid = 4243;
	e.pages = 8315;
	e.flags = OOM_HAS_TCOMM | OOM_HAS_PAGES | OOM_VICTIM_NS;
	memset(e.tcomm, 0xff, sizeof(e.tcomm));
	put("oomkill", &e, sizeof(e));
}

static void seccomp_seeds(void)
{
	struct seccomp_event e = {};

	proc(&e.proc, "mkdir");
	e.syscall = 83;
	e.code = SECCOMP_CODE_KILL;
	e.arch = 0xc000003e;
	put("seccomp_kill", &e, sizeof(e));
	e.syscall = 0xffffffff;
	e.code = SECCOMP_CODE_COUNT;
	put("seccomp_bogus", &e, sizeof(e));
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
	signal_seeds();
	mount_seeds();
	oomkill_seeds();
	seccomp_seeds();
	return 0;
}
