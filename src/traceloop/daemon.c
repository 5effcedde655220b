// SPDX-License-Identifier: Apache-2.0
/*
 * ig daemon: record every container's syscalls (traceloop) for as long as
 * it runs, and answer "ig traceloop list|show|close" on a unix socket that
 * only root may use: the traces hold what containers read and wrote.
 *
 * One thread: the socket is polled with the recorder, and a request is
 * answered in full before the next (its reads and writes time out, so a
 * stuck client cannot stop the daemon for long). BPF keeps recording into
 * the rings meanwhile; only new containers wait for their ring.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "enrich.h"
#include "escape.h"
#include "sys.h"
#include "sink.h"
#include "traceloop/print.h"
#include "traceloop/proto.h"
#include "traceloop/tl.h"

#define IO_TIMEOUT_SEC 10
#define FLUSH_BYTES    (1 << 20)

struct daemon_opts {
	const char *socket;
	uint64_t buffer_size;
	uint64_t max_exited;
	uint64_t max_exited_bytes;
	const char *syscalls;
};

static const struct gadget_flag daemon_flags[] = {
	IG_FLAG_STR(struct daemon_opts, socket, "socket", TL_DEFAULT_SOCKET,
		    "listen here (the directory is made root-only)"),
	IG_FLAG_SIZE(struct daemon_opts, buffer_size, "buffer-size", "1M",
		     "traceloop buffer of each container (k, M, G suffixes)"),
	IG_FLAG_UINT(struct daemon_opts, max_exited, "max-exited", "64",
		     "traces of exited containers kept; the oldest go first"),
	IG_FLAG_SIZE(struct daemon_opts, max_exited_bytes, "max-exited-bytes", "256M",
		     "memory for the traces of exited containers"),
	IG_FLAG_STR(struct daemon_opts, syscalls, "syscall-filters", NULL,
		    "record only these syscalls (comma list)"),
};

enum { LF_ID, LF_STATE, LF_RECORDS, LF_DROPPED, LF_BUFFER, LF_COUNT };

static const struct field list_fields[] = {
	[LF_ID]      = { "id", "ID", NULL, FT_UINT, 4, FF_RIGHT },
	[LF_STATE]   = { "state", "STATE", NULL, FT_STR, 7, 0 },
	[LF_RECORDS] = { "records", "RECORDS", NULL, FT_UINT, 8, FF_RIGHT },
	[LF_DROPPED] = { "dropped", "DROPPED", NULL, FT_UINT, 8, FF_RIGHT },
	[LF_BUFFER]  = { "buffer", "BUFFER", NULL, FT_UINT, 9, FF_RIGHT },
};

#define LIST_DEFAULT_FIELDS \
	"id,runtime.containerName,runtime.runtimeName,runtime.containerId," \
	"k8s.namespace,k8s.podName,state,records,dropped"


/* ---- the socket --------------------------------------------------------- */

/* The directory must be root's and closed to others: the socket's own mode
 * is a second line, the peer credentials a third. */
static int secure_dir(const char *sock)
{
	char *copy = strdup(sock), *dir;
	struct stat st;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (mkdir(dir, 0700) && errno != EEXIST)
		err = -errno;
	else if (lstat(dir, &st))
		err = -errno;
	else if (!S_ISDIR(st.st_mode) || st.st_uid != 0)
		err = -EPERM;
	else if ((st.st_mode & 077) && chmod(dir, 0700))
		err = -errno;
	if (err)
		ig_err("daemon: %s must be a directory owned by root (mode 0700): %s", dir,
		       strerror(-err));
	free(copy);
	return err;
}

static int sock_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path)) {
		ig_err("daemon: socket path \"%s\" is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(a->sun_path, path);
	return 0;
}

/* A socket file nobody listens on is left over from a daemon that died. */
static int clear_stale(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)a, sizeof(*a))) {
		ig_err("daemon: another ig daemon listens on %s", a->sun_path);
		ret = -EADDRINUSE;
	} else if (errno == ECONNREFUSED) {
		unlink(a->sun_path);
	}
	close(fd);
	return ret;
}

static int listen_on(const char *path)
{
	struct sockaddr_un a;
	mode_t old;
	int fd, err;

	if (sock_addr(path, &a) || secure_dir(path) || clear_stale(&a))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		ig_err("daemon: socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0177);
	err = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (err || chmod(path, 0600) || listen(fd, 16)) {
		ig_err("daemon: cannot listen on %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- answering -------------------------------------------------------- */

struct conn {
	int fd;
	int err;          /* the first write error: stop writing */
};

static void send_frame(struct conn *c, char type, const void *data, size_t len)
{
	if (!c->err)
		c->err = tlp_send_frame(c->fd, type, data, len);
}

static void send_err(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void send_err(struct conn *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg) - 6)
		n = sizeof(msg) - 6;
	memmove(msg + 4, msg, n);
	memcpy(msg, "ig: ", 4);
	msg[n + 4] = '\n';
	send_frame(c, TLP_ERR, msg, n + 5);
}

static void note_to_client(void *arg, const char *msg)
{
	send_err(arg, "%s", msg);
}

static void flush_out(struct conn *c, struct output *o)
{
	if (o->buf.len)
		send_frame(c, TLP_OUT, o->buf.p, o->buf.len);
	o->buf.len = 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool matches(const struct tl_trace *t, const char *key)
{
	size_t n = strlen(key);
	char pod[2 * CT_K8S_LEN + 2];

	if (!strcmp(t->c.name, key))
		return true;
	if (n >= 6 && !strncmp(t->c.id, key, n))
		return true;
	snprintf(pod, sizeof(pod), "%s/%s", t->c.k8s_namespace, t->c.k8s_pod);
	return t->c.k8s_pod[0] && !strcmp(pod, key);
}

/* By trace ID, container name, container ID prefix or namespace/pod. */
static struct tl_trace *find_trace(struct tl_recorder *r, struct conn *c, const char *key)
{
	struct tl_trace *found = NULL;
	char ids[256] = "";
	size_t len = 0, n = 0;

	for (struct tl_trace *t = tl_recorder_traces(r); t; t = t->next) {
		if (all_digits(key) ? t->id != strtoul(key, NULL, 10) : !matches(t, key))
			continue;
		found = t;
		n++;
		if (len < sizeof(ids) - 16)
			len += snprintf(ids + len, sizeof(ids) - len, "%s%u", n > 1 ? ", " : "", t->id);
	}
	if (n == 1)
		return found;
	if (!n)
		send_err(c, "no trace \"%s\" (see ig traceloop list)", key);
	else
		send_err(c, "\"%s\" names traces %s: use the ID", key, ids);
	return NULL;
}

/* Parse a request's options like "ig run" flags, without touching the
 * daemon's own -v. */
static int parse_opts(struct conn *c, const struct cli_cmd *cmd, int argc, char **argv,
		      struct run_opts *o)
{
	int verbose = ig_verbose, ret;
	char err[512];

	ret = cli_parse(cmd, argc, argv, o, err, sizeof(err));
	ig_verbose = verbose;
	if (ret == FLAGS_HELP) {
		send_err(c, "see ig traceloop --help");
		return IG_EXIT_USAGE;
	}
	if (ret) {
		send_err(c, "%s", err);
		return IG_EXIT_USAGE;
	}
	return 0;
}

static void list_row(struct row *row, struct tl_recorder *r, const struct tl_trace *t)
{
	uint64_t in_buffer, total;

	tl_trace_counts(t, &in_buffer, &total);
	row_reset(row);
	row_set_uint(row, CF_TIMESTAMP, t->started_wall);
	row_set_uint(row, CF_TIMESTAMP_RAW, t->started_wall);
	row_set_uint(row, CF_MNTNS, t->mntns);
	enricher_fill_container(tl_recorder_enricher(r), row, &t->c);
	row_set_uint(row, GF(LF_ID), t->id);
	row_set_str(row, GF(LF_STATE), t->exited ? "exited" : "running", t->exited ? 6 : 7);
	row_set_uint(row, GF(LF_RECORDS), in_buffer);
	row_set_uint(row, GF(LF_DROPPED), total - in_buffer);
	row_set_uint(row, GF(LF_BUFFER), (uint64_t)t->nslots * TL_SLOT_SIZE);
}

static int cmd_list(struct tl_recorder *r, struct conn *c, int argc, char **argv)
{
	static const struct cli_cmd cmd = { .name = "traceloop list", .hint = "ig traceloop --help" };
	struct sink k = { 0 };
	struct run_opts o;
	char err[256];
	int ret = parse_opts(c, &cmd, argc, argv, &o);

	if (ret)
		return ret;
	if (!out_mode_structured(o.mode))
		o.mode = OUT_COLUMNS;
	o.filter = NULL;
	ret = sink_init(&k, list_fields, LF_COUNT, LIST_DEFAULT_FIELDS, &o, err, sizeof(err));
	if (ret) {
		send_err(c, "%s", err[0] ? err : "bad output");
		ret = ret == -ENOMEM ? IG_EXIT_RUNTIME : IG_EXIT_USAGE;
		goto out;
	}
	output_header(&k.out);
	for (struct tl_trace *t = tl_recorder_traces(r); t; t = t->next) {
		list_row(&k.row, r, t);
		output_row(&k.out, &k.row);
	}
	flush_out(c, &k.out);
out:
	sink_free(&k);
	return ret;
}

static int cmd_show(struct tl_recorder *r, struct conn *c, int argc, char **argv)
{
	struct tl_opts t_opts = { 0 };
	struct cli_cmd cmd = {
		.name = "traceloop show", .hint = "ig traceloop --help", .g = &gadget_traceloop,
		.flags = gadget_traceloop.flags, .nflags = gadget_traceloop.nflags, .opts = &t_opts,
	};
	struct tl_print p = { 0 };
	struct tl_trace *t;
	struct run_opts o;
	char err[512];
	int ret;

	if (argc < 2 || argv[1][0] == '-') {
		send_err(c, "usage: ig traceloop show ID|NAME [-o columns|json|jsonpretty|yaml] [--fields ...] [-F ...] [--syscall-filters ...]");
		return IG_EXIT_USAGE;
	}
	ret = parse_opts(c, &cmd, argc - 2, argv + 2, &o);
	if (ret)
		return ret;
	if (tl_print_init(&p, &gadget_traceloop, &o, !tl_output_given(argc - 2, argv + 2),
			  t_opts.syscalls, err, sizeof(err))) {
		send_err(c, "%s", err);
		ret = IG_EXIT_USAGE;
		goto out;
	}
	t = find_trace(r, c, argv[1]);
	if (!t) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	p.note = note_to_client;
	p.note_arg = c;
	tl_print_begin(&p);
	if (tl_print_trace(&p, r, t)) {
		send_err(c, "out of memory");
		ret = IG_EXIT_RUNTIME;
	}
	flush_out(c, &p.sink.out);
out:
	tl_print_free(&p);
	return ret;
}

static int cmd_close(struct tl_recorder *r, struct conn *c, int argc, char **argv)
{
	struct tl_trace *t;
	static const char closed[] = "closed\n";

	if (argc != 2) {
		send_err(c, "usage: ig traceloop close ID|NAME");
		return IG_EXIT_USAGE;
	}
	t = find_trace(r, c, argv[1]);
	if (!t)
		return IG_EXIT_RUNTIME;
	ig_info("daemon: closing trace %u (%s)", t->id, t->c.name);
	tl_recorder_close_trace(r, t);
	send_frame(c, TLP_OUT, closed, sizeof(closed) - 1);
	return 0;
}

static int dispatch(struct tl_recorder *r, struct conn *c, int argc, char **argv)
{
	if (argc < 1) {
		send_err(c, "empty request");
		return IG_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "list"))
		return cmd_list(r, c, argc - 1, argv + 1);
	if (!strcmp(argv[0], "show"))
		return cmd_show(r, c, argc, argv);
	if (!strcmp(argv[0], "close"))
		return cmd_close(r, c, argc, argv);
	send_err(c, "unknown traceloop command \"%s\" (use list, show or close)", argv[0]);
	return IG_EXIT_USAGE;
}

static bool peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) && cred.uid == 0;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_SEC };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void serve_one(struct tl_recorder *r, int lfd)
{
	struct conn c = { .fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC) };
	char *buf = NULL, *argv[TLP_MAX_ARGS];
	uint32_t len;
	int argc, code = IG_EXIT_USAGE;
	char ret;

	if (c.fd < 0)
		return;
	set_timeouts(c.fd);
	if (!peer_is_root(c.fd)) {
		send_err(&c, "permission denied: only root may use the ig daemon");
		code = IG_EXIT_RUNTIME;
		goto out;
	}
	if (tlp_read_all(c.fd, &len, sizeof(len)) || len > TLP_MAX_REQUEST ||
	    !(buf = malloc(len + 1)) || tlp_read_all(c.fd, buf, len) ||
	    (argc = tlp_split_args(buf, len, argv, TLP_MAX_ARGS)) < 0) {
		send_err(&c, "malformed request");
		goto out;
	}
	code = dispatch(r, &c, argc, argv);
out:
	ret = code;
	send_frame(&c, TLP_EXIT, &ret, 1);
	free(buf);
	close(c.fd);
}

/* ---- main ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "ig daemon: record every container's syscalls (traceloop) and serve them\n\n"
		   "Usage: ig daemon [flags]\n\n"
		   "Then, as root: ig traceloop list | show ID|NAME | close ID|NAME\n\nFlags:\n");
	flags_help(f, daemon_flags, ARRAY_SIZE(daemon_flags), GK_TRACE);
	fprintf(f, "\nCommon flags:\n");
	flags_help(f, cli_common_flags, cli_ncommon_flags, GK_TRACE);
}

static int make_config(const struct daemon_opts *d, struct tl_config *cfg, uint8_t *syscalls)
{
	char err[256];

	memset(cfg, 0, sizeof(*cfg));
	cfg->buffer_bytes = d->buffer_size;
	if (cfg->buffer_bytes < TL_MIN_BUFFER || cfg->buffer_bytes > TL_MAX_BUFFER) {
		ig_err("invalid --buffer-size: %llu bytes; expected %u bytes to 1G",
		       (unsigned long long)cfg->buffer_bytes, TL_MIN_BUFFER);
		return -EINVAL;
	}
	cfg->max_exited_bytes = d->max_exited_bytes;
	cfg->max_exited = d->max_exited > UINT32_MAX ? UINT32_MAX : d->max_exited;
	if (d->syscalls) {
		if (tl_parse_syscalls(d->syscalls, syscalls, err, sizeof(err))) {
			ig_err("%s", err);
			return -EINVAL;
		}
		cfg->syscalls = syscalls;
	}
	return 0;
}

static int serve(struct tl_recorder *r, int lfd, double timeout)
{
	uint64_t deadline = timeout > 0 ?
		sys_now_ns(CLOCK_MONOTONIC) + (uint64_t)(timeout * 1e9) : 0;

	while (!sys_stop_signal) {
		struct pollfd fds[2] = {
			{ .fd = lfd, .events = POLLIN },
			{ .fd = tl_recorder_fd(r), .events = POLLIN },
		};
		int err;

		if (poll(fds, 2, 100) < 0 && errno != EINTR) {
			ig_err("daemon: poll: %s", strerror(errno));
			return IG_EXIT_RUNTIME;
		}
		err = tl_recorder_poll(r, 0);
		if (err) {
			ig_err("daemon: reading BPF notifications failed: %s", strerror(-err));
			return IG_EXIT_RUNTIME;
		}
		if (fds[0].revents & POLLIN)
			serve_one(r, lfd);
		if (deadline && sys_now_ns(CLOCK_MONOTONIC) >= deadline)
			break;
	}
	return 0;
}

int tl_daemon_main(int argc, char **argv)
{
	struct daemon_opts d = { 0 };
	struct cli_cmd cmd = {
		.name = "daemon", .hint = "ig daemon --help",
		.flags = daemon_flags, .nflags = ARRAY_SIZE(daemon_flags), .opts = &d,
	};
	uint8_t syscalls[TL_NR_MAX];
	struct tl_recorder *r = NULL;
	struct tl_config cfg;
	struct run_opts o;
	const char *path;
	char err[512];
	int ret, lfd = -1;

	ret = cli_parse(&cmd, argc, argv, &o, err, sizeof(err));
	if (ret == FLAGS_HELP) {
		usage(stdout);
		return 0;
	}
	if (ret) {
		ig_err("%s", err);
		return IG_EXIT_USAGE;
	}
	if (o.host) {
		ig_err("the daemon records containers; --host is not supported");
		return IG_EXIT_USAGE;
	}
	if (make_config(&d, &cfg, syscalls))
		return IG_EXIT_USAGE;
	path = d.socket;
	if (sys_check_privileges() || sys_check_btf(o.btf) || sys_ensure_tracefs())
		return IG_EXIT_RUNTIME;
	sys_install_stop_signals();
	lfd = listen_on(path);
	if (lfd < 0)
		return IG_EXIT_RUNTIME;
	ig_bpf_setup_logging();
	r = tl_recorder_start(&gadget_traceloop, &o, &cfg);
	if (!r) {
		ret = IG_EXIT_RUNTIME;
		goto out;
	}
	ig_info("daemon: attached; listening on %s", path);
	ret = serve(r, lfd, o.timeout);
out:
	tl_recorder_free(r);
	close(lfd);
	unlink(path);
	return ret;
}
