// SPDX-License-Identifier: Apache-2.0
/* ig traceloop list|show|close: ask the daemon (ig daemon), print what it
 * answers, exit with its code. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "escape.h"
#include "ig.h"
#include "traceloop/proto.h"
#include "traceloop/tl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"ig traceloop: read the traces of a running ig daemon (as root)\n\n"
		"Usage:\n"
		"  ig traceloop list [-o columns|json|jsonpretty|yaml]   the traces, including exited containers'\n"
		"  ig traceloop show ID|NAME [flags]                       print one trace\n"
		"  ig traceloop close ID|NAME                              forget a trace, free its buffer\n\n"
		"ID is the trace ID from list; NAME a container name, a container ID prefix\n"
		"or namespace/pod.\n\n"
		"Flags of show:\n"
		"  -o, --output MODE          columns, json, jsonpretty, yaml, custom-columns=a,b\n"
		"                             (default: strace-like text)\n"
		"      --fields LIST          columns to show\n"
		"  -F, --filter EXPR          keep syscalls matching field==v (also !=, ~, ...)\n"
		"      --syscall-filters LIST only these syscalls, e.g. openat,write\n\n"
		"Every command:\n"
		"      --socket PATH          the daemon's socket (default %s)\n",
		TL_DEFAULT_SOCKET);
}

/* Whatever answers is printed to root's terminal: it must be root's. */
static bool daemon_is_root(int fd, const char *path)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len)) {
		ig_err("%s: cannot tell who listens there: %s", path, strerror(errno));
		return false;
	}
	if (cred.uid != 0) {
		ig_err("%s: the process listening there runs as uid %u, not root: not an ig daemon",
		       path, (unsigned)cred.uid);
		return false;
	}
	return true;
}

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(a.sun_path)) {
		ig_err("socket path \"%s\" is too long", path);
		return -1;
	}
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = errno;

		if (err == ENOENT || err == ECONNREFUSED)
			ig_err("no ig daemon listens on %s (start one as root: ig daemon)", path);
		else if (err == EACCES || err == EPERM)
			ig_err("%s: permission denied: the ig daemon answers root only", path);
		else
			ig_err("connecting to %s: %s", path, strerror(err));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!daemon_is_root(fd, path)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The request: the arguments, NUL-terminated, after their total length. */
static int send_request(int fd, int argc, char **argv)
{
	size_t len = 0, off = 4;
	uint32_t l;
	char *buf;
	int err;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if (len > TLP_MAX_REQUEST || argc > TLP_MAX_ARGS) {
		ig_err("too many arguments");
		return -E2BIG;
	}
	buf = malloc(len + 4);
	if (!buf)
		return -ENOMEM;
	l = len;
	memcpy(buf, &l, 4);
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]) + 1;

		memcpy(buf + off, argv[i], n);
		off += n;
	}
	err = tlp_write_all(fd, buf, len + 4);
	free(buf);
	return err;
}

/* The daemon's messages name containers: escape them for the terminal as
 * ig's own stderr is (log.c), line by line. */
static void relay_err(const char *data, size_t len)
{
	struct obuf b = { 0 };

	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;

		esc_column(&b, data, n, 0);
		ob_putc(&b, '\n');
		data += n + !!nl;
		len -= n + !!nl;
	}
	tlp_write_all(STDERR_FILENO, b.p, b.len);
	ob_free(&b);
}

/* Copy the frames to stdout and stderr; the last one is the exit code. */
static int relay(int fd)
{
	char hdr[5], *data = NULL;
	int code = IG_EXIT_RUNTIME;

	for (;;) {
		uint32_t len;
		char *p;
		int err = tlp_read_all(fd, hdr, sizeof(hdr));

		if (err) {
			ig_err("the daemon closed the connection early: %s", strerror(-err));
			break;
		}
		memcpy(&len, hdr + 1, 4);
		if (len > TLP_MAX_FRAME || !(p = realloc(data, len ? len : 1))) {
			ig_err("malformed answer from the daemon");
			break;
		}
		data = p;
		if (tlp_read_all(fd, data, len)) {
			ig_err("the daemon closed the connection early");
			break;
		}
		if (hdr[0] == TLP_EXIT) {
			code = len ? (unsigned char)data[0] : IG_EXIT_RUNTIME;
			break;
		}
		/* A closed stdout (| head) is not an error of ours. */
		if (hdr[0] == TLP_ERR)
			relay_err(data, len);
		else
			tlp_write_all(STDOUT_FILENO, data, len);
	}
	free(data);
	return code;
}

int tl_client_main(int argc, char **argv)
{
	const char *path = getenv("IG_SOCKET");
	char **args = calloc(argc + 1, sizeof(*args));
	int n = 0, fd, err, ret = IG_EXIT_USAGE;

	if (!args)
		return IG_EXIT_RUNTIME;
	if (!path || !*path)
		path = TL_DEFAULT_SOCKET;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--socket=", 9))
			path = argv[i] + 9;
		else
			args[n++] = argv[i];
	}
	if (!n || !strcmp(args[0], "-h") || !strcmp(args[0], "--help") || !strcmp(args[0], "help")) {
		usage(n ? stdout : stderr);
		ret = n ? 0 : IG_EXIT_USAGE;
		goto out;
	}
	if (strcmp(args[0], "list") && strcmp(args[0], "show") && strcmp(args[0], "close")) {
		ig_err("unknown traceloop command \"%s\" (use list, show or close)", args[0]);
		goto out;
	}
	for (int i = 1; i < n; i++) {
		if (!strcmp(args[i], "-h") || !strcmp(args[i], "--help")) {
			usage(stdout);
			ret = 0;
			goto out;
		}
	}
	fd = connect_to(path);
	if (fd < 0) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	/* A daemon that turns us away may close before it reads the request:
	 * what it said is still to be read. */
	err = send_request(fd, n, args);
	ret = err && err != -EPIPE && err != -ECONNRESET ? IG_EXIT_RUNTIME : relay(fd);
	close(fd);
out:
	free(args);
	return ret;
}
