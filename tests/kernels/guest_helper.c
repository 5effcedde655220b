// SPDX-License-Identifier: Apache-2.0
/*
 * The workloads of the kernel-matrix guest (tests/kernels/guest.sh), where
 * only busybox is at hand: a pty to write to, and TCP on loopback.
 *
 *   guest_helper pty TEXT      write TEXT-w with write() and TEXT-v with
 *                              writev() (two iovecs) to a new pty's slave
 *   guest_helper tcp ADDR      listen on ADDR (127.0.0.1 or ::1), connect,
 *                              accept, send two bytes, close both ends;
 *                              prints the port
 *   guest_helper refused       connect to a closed 127.0.0.1 port
 *   guest_helper listen ADDR   listen on ADDR (IPv4), print the port, wait
 *   guest_helper seccomp ACT   under a seccomp filter whose action for
 *                              getppid is ACT (trap, kill, kill-thread),
 *                              call getppid; kill-thread calls it from a
 *                              second thread and prints "survived"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static int die(const char *what)
{
	perror(what);
	return 1;
}

static int pty(const char *text)
{
	char name[64], wbuf[128], vbuf[128], drain[512];
	struct iovec iov[2];
	int m, s;

	m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, name, sizeof(name)))
		return die("pty master");
	s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0)
		return die(name);
	snprintf(wbuf, sizeof(wbuf), "%s-w\n", text);
	if (write(s, wbuf, strlen(wbuf)) < 0)
		return die("write");
	snprintf(vbuf, sizeof(vbuf), "%s-v", text);
	iov[0].iov_base = vbuf;
	iov[0].iov_len = strlen(vbuf);
	iov[1].iov_base = "\n";
	iov[1].iov_len = 1;
	if (writev(s, iov, 2) < 0)
		return die("writev");
	if (read(m, drain, sizeof(drain)) < 0)   /* the master side reads it */
		return die("read");
	close(s);
	close(m);
	return 0;
}

static int tcp(const char *addr)
{
	struct sockaddr_storage ss = {};
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	int l, c, a;
	char buf[2];

	if (family == AF_INET6) {
		in6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		len = sizeof(*in6);
	} else {
		in4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &in4->sin_addr);
		len = sizeof(*in4);
	}
	l = socket(family, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 1))
		return die("listen");
	if (getsockname(l, (struct sockaddr *)&ss, &len))
		return die("getsockname");
	printf("%u\n", ntohs(family == AF_INET6 ? in6->sin6_port : in4->sin_port));
	fflush(stdout);
	c = socket(family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
		return die("connect");
	a = accept(l, NULL, NULL);
	if (a < 0)
		return die("accept");
	/* A few bytes each way, for top_tcp. */
	if (write(c, "ig", 2) != 2 || read(a, buf, 2) != 2)
		return die("send");
	close(c);
	close(a);
	close(l);
	return 0;
}

/* Connect to a port nobody listens on (one just bound and closed): the
 * SYN is dropped with no socket (reason NO_SOCKET) and connect() is
 * refused. */
static int refused(void)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	socklen_t len = sizeof(in4);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &in4.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&in4, len) ||
	    getsockname(s, (struct sockaddr *)&in4, &len))
		return die("bind");
	close(s);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || !connect(s, (struct sockaddr *)&in4, len))
		return die("connect was not refused");
	printf("%u\n", ntohs(in4.sin_port));
	close(s);
	return 0;
}

/* Listen on ADDR (IPv4), print the port, and wait to be killed. */
static int listen_only(const char *addr)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	socklen_t len = sizeof(in4);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, addr, &in4.sin_addr);
	if (s < 0 || bind(s, (struct sockaddr *)&in4, len) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&in4, &len))
		return die("listen");
	printf("%u\n", ntohs(in4.sin_port));
	fflush(stdout);
	pause();
	return 0;
}

/* Only getppid gets the action; everything else is allowed. */
static int seccomp_filter(unsigned int action)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insns) / sizeof(insns[0]), .filter = insns };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return die("PR_SET_NO_NEW_PRIVS");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return die("PR_SET_SECCOMP");
	return 0;
}

static void *call_getppid(void *arg)
{
	(void)arg;
	syscall(SYS_getppid);
	return NULL;
}

static int seccomp_act(const char *act)
{
	pthread_t t;

	if (!strcmp(act, "kill-thread")) {
		if (seccomp_filter(SECCOMP_RET_KILL_THREAD))
			return 1;
		if (pthread_create(&t, NULL, call_getppid, NULL) || pthread_join(t, NULL))
			return die("pthread");
		printf("survived\n");
		return 0;
	}
	if (seccomp_filter(!strcmp(act, "trap") ? SECCOMP_RET_TRAP : SECCOMP_RET_KILL_PROCESS))
		return 1;
	syscall(SYS_getppid);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return listen_only(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "refused"))
		return refused();
	if (argc == 3 && !strcmp(argv[1], "pty"))
		return pty(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "tcp"))
		return tcp(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "seccomp"))
		return seccomp_act(argv[2]);
	fprintf(stderr, "usage: guest_helper pty TEXT | tcp ADDR | refused | listen ADDR | seccomp trap|kill|kill-thread\n");
	return 2;
}
