// SPDX-License-Identifier: Apache-2.0
/*
 * The daemon's loop: BPF's news and the clients, in one thread, and no
 * client can hold it up. Client sockets are non-blocking; an answer is
 * sent as the client takes it, and a trace is printed a piece at a time
 * between the recorder's turns. A client that does not send its request
 * within --client-timeout seconds, or takes nothing of its answer for as
 * long, is dropped; beyond MAX_CLIENTS, new ones are told so and closed.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ig.h"
#include "sys.h"
#include "traceloop/proto.h"
#include "traceloop/recorder.h"
#include "traceloop/requests.h"
#include "traceloop/serve.h"

#define MAX_CLIENTS  32
#define MAX_SHOWS    4     /* traces printed at once: each holds a snapshot */
#define ACCEPT_BURST 64
#define TICK_MS      100

struct client {
	int fd;
	uint64_t deadline;            /* CLOCK_MONOTONIC ns */
	char len_buf[4];              /* the request: its length, then it */
	uint32_t len;
	size_t got;                   /* bytes of length and request read */
	char *req;
	bool answering;
	struct tl_answer a;
};

struct server {
	struct tl_recorder *r;        /* NULL: no traceloop */
	struct tl_serve_hook *hook;
	int lfd;
	uint64_t timeout_ns;          /* --client-timeout */
	struct client *c[MAX_CLIENTS];
	size_t n;
};

static void client_drop(struct server *s, size_t i)
{
	struct client *c = s->c[i];

	close(c->fd);
	free(c->req);
	tl_answer_free(&c->a);
	free(c);
	s->c[i] = s->c[--s->n];
}

static bool peer_is_root(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	return !getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) && cred.uid == 0;
}

/* A short answer to a client we will not serve: the socket's buffer is
 * empty, so it fits, or the client misses it. */
static void turn_away(int fd, const char *msg)
{
	struct tl_answer a = { 0 };

	tl_answer_error(&a, IG_EXIT_RUNTIME, msg);
	send(fd, a.out.p, a.out.len, MSG_DONTWAIT | MSG_NOSIGNAL);
	tl_answer_free(&a);
	close(fd);
}

static void accept_clients(struct server *s, uint64_t now)
{
	for (int k = 0; k < ACCEPT_BURST; k++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		struct client *c;

		if (fd < 0)
			return;   /* EAGAIN, or a client that gave up meanwhile */
		if (!peer_is_root(fd)) {
			turn_away(fd, "permission denied: only root may use the ig daemon");
			continue;
		}
		if (s->n == MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
			ig_info("daemon: turning a client away: %d clients already", MAX_CLIENTS);
			turn_away(fd, "the ig daemon serves too many clients at once; try again later");
			continue;
		}
		c->fd = fd;
		c->deadline = now + s->timeout_ns;
		s->c[s->n++] = c;
	}
}

static size_t shows(const struct server *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++)
		n += s->c[i]->a.show != NULL;
	return n;
}

static void answer(struct server *s, struct client *c)
{
	char *argv[TLP_MAX_ARGS];
	int argc = tlp_split_args(c->req, c->len, argv, TLP_MAX_ARGS);

	c->answering = true;
	if (argc < 0)
		tl_answer_error(&c->a, IG_EXIT_USAGE, "malformed request");
	else if (argc && !strcmp(argv[0], "show") && shows(s) >= MAX_SHOWS)
		tl_answer_error(&c->a, IG_EXIT_RUNTIME,
				"the ig daemon is printing too many traces at once; try again later");
	else if (!s->r)
		tl_answer_error(&c->a, IG_EXIT_RUNTIME,
				"this ig daemon does not run traceloop (add it to its gadgets)");
	else
		tl_answer_request(&c->a, s->r, argc, argv);
	free(c->req);
	c->req = NULL;
}

/* Read what the client sent. Returns false to drop it. */
static bool on_readable(struct server *s, struct client *c)
{
	for (;;) {
		bool in_len = c->got < 4;
		char *dst = in_len ? c->len_buf + c->got : c->req + (c->got - 4);
		size_t want = in_len ? 4 - c->got : c->len - (c->got - 4);
		ssize_t n = want ? recv(c->fd, dst, want, MSG_DONTWAIT) : 0;

		if (want && n <= 0)
			return n < 0 && (errno == EAGAIN || errno == EINTR);
		c->got += n;
		if (in_len && c->got == 4) {
			memcpy(&c->len, c->len_buf, 4);
			if (c->len > TLP_MAX_REQUEST || !(c->req = malloc(c->len + 1))) {
				c->answering = true;
				tl_answer_error(&c->a, IG_EXIT_USAGE, "malformed request");
				return true;
			}
		}
		if (c->got == 4 + (size_t)c->len && c->req) {
			answer(s, c);
			return true;
		}
	}
}

/* Send what the client will take, printing at most one more piece of a
 * trace. Returns false once the answer is sent, or on an error. */
static bool on_writable(struct client *c, uint64_t now, uint64_t timeout_ns)
{
	struct tl_answer *a = &c->a;
	bool printed = false;

	for (;;) {
		ssize_t n;

		if (a->sent == a->out.len) {
			a->sent = a->out.len = 0;
			if (a->done)
				return false;
			if (printed)
				return true;
			tl_answer_more(a);
			printed = true;
			continue;
		}
		n = send(c->fd, a->out.p + a->sent, a->out.len - a->sent,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		a->sent += n;
		c->deadline = now + timeout_ns;
	}
}

static void serve_clients(struct server *s, const struct pollfd *fds, uint64_t now)
{
	for (size_t i = s->n; i-- > 0;) {
		struct client *c = s->c[i];
		short re = fds[i].revents;
		bool keep = true;

		if (!c->answering && (re & (POLLIN | POLLHUP | POLLERR)))
			keep = on_readable(s, c);
		if (keep && c->answering && !(re & (POLLERR | POLLHUP)))
			keep = on_writable(c, now, s->timeout_ns);
		else if (c->answering)
			keep = false;   /* the client went away */
		if (keep && now >= c->deadline) {
			ig_info("daemon: dropping a client that %s nothing for %llu s",
				c->answering ? "took" : "sent",
				(unsigned long long)(s->timeout_ns / 1000000000));
			keep = false;
		}
		if (!keep)
			client_drop(s, i);
	}
}

/* The hook's turn started or stopped traceloop. A show in progress holds
 * pointers into the old recorder (its syscall table, its enricher): it
 * ends here, with a message, before anything prints more of it. */
static void switch_recorder(struct server *s)
{
	for (size_t i = 0; s->r && i < s->n; i++)
		tl_answer_abort(&s->c[i]->a, "traceloop was stopped by a reload of the daemon's config; the trace ends here");
	s->r = s->hook->r;
}

/* How long poll may sleep: not past a client's deadline. */
static int poll_ms(const struct server *s, uint64_t now)
{
	uint64_t ms = TICK_MS;

	for (size_t i = 0; i < s->n; i++) {
		const struct client *c = s->c[i];
		uint64_t left = c->deadline > now ? (c->deadline - now) / 1000000 + 1 : 0;

		if (left < ms)
			ms = left;
	}
	return ms;
}

static int loop(struct server *s, uint64_t deadline)
{
	struct pollfd fds[MAX_CLIENTS + 3];

	while (!sys_stop_signal) {
		uint64_t now = sys_now_ns(CLOCK_MONOTONIC);
		size_t n = s->n;
		int err;

		for (size_t i = 0; i < n; i++) {
			const struct client *c = s->c[i];

			fds[i] = (struct pollfd){ .fd = c->fd,
						  .events = c->answering ? POLLOUT : POLLIN };
		}
		fds[n] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		fds[n + 1] = (struct pollfd){ .fd = s->r ? tl_recorder_fd(s->r) : -1, .events = POLLIN };
		fds[n + 2] = (struct pollfd){ .fd = s->hook ? s->hook->fd : -1, .events = POLLIN };
		if (poll(fds, n + 3, poll_ms(s, now)) < 0 && errno != EINTR) {
			ig_err("daemon: poll: %s", strerror(errno));
			return IG_EXIT_RUNTIME;
		}
		err = s->r ? tl_recorder_poll(s->r, 0) : 0;
		if (err) {
			ig_err("daemon: reading BPF notifications failed: %s", strerror(-err));
			return IG_EXIT_RUNTIME;
		}
		if (s->hook && (err = s->hook->turn(s->hook->arg)))
			return err;
		if (s->hook && s->hook->r != s->r)
			switch_recorder(s);
		now = sys_now_ns(CLOCK_MONOTONIC);
		serve_clients(s, fds, now);
		if (fds[n].revents & POLLIN)
			accept_clients(s, now);
		if (deadline && now >= deadline)
			break;
	}
	return 0;
}

int tl_serve(struct tl_recorder *r, int lfd, double timeout, double client_timeout,
	     struct tl_serve_hook *hook)
{
	struct server s = { .r = r, .lfd = lfd, .hook = hook,
			    .timeout_ns = (uint64_t)(client_timeout * 1e9) };
	uint64_t deadline = timeout > 0 ?
		sys_now_ns(CLOCK_MONOTONIC) + (uint64_t)(timeout * 1e9) : 0;
	int ret = loop(&s, deadline);

	while (s.n)
		client_drop(&s, s.n - 1);
	return ret;
}
