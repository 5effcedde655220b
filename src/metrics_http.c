// SPDX-License-Identifier: Apache-2.0
/*
 * /metrics over HTTP, by libmicrohttpd in a thread of its own: the event
 * loop never waits on a scraper. GET /metrics is the text exposition
 * format, GET /healthz says "ok" (the DaemonSet's liveness probe).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "ig.h"
#include "metrics_int.h"

#define MAX_CONNECTIONS 16
#define CONNECTION_TIMEOUT_S 10
#define THREAD_STACK (256 * 1024)

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     void *body, size_t len, enum MHD_ResponseMemoryMode mem)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mem);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload, size_t *upload_size, void **state)
{
	struct ig_metrics *m = cls;
	static const char text[] = "text/plain; charset=utf-8";
	size_t len;
	char *body;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, text, "only GET\n", 9,
			     MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/healthz"))
		return reply(c, MHD_HTTP_OK, text, "ok\n", 3, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, text, "not found: try /metrics\n", 24,
			     MHD_RESPMEM_PERSISTENT);
	body = metrics_render(m, &len);
	if (!body)
		return MHD_NO;
	return reply(c, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", body, len,
		     MHD_RESPMEM_MUST_FREE);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	char msg[256];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = 0;
	ig_info("metrics: %s", msg);
}

/* "ADDR:PORT", ":PORT" (every address) or "[V6]:PORT" into an address:
 * numbers only (a static binary has no resolver). */
int metrics_parse_listen(const char *spec, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	const char *colon = strrchr(spec, ':'), *host = spec;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char addr[64], *end;
	unsigned long port;
	size_t hlen;

	memset(ss, 0, sizeof(*ss));
	if (!colon)
		goto bad;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
		goto bad;
	hlen = colon - spec;
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']')
		host++, hlen -= 2;
	if (hlen >= sizeof(addr))
		goto bad;
	memcpy(addr, host, hlen);
	addr[hlen] = 0;
	if (!hlen || inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
bad:
	snprintf(err, errlen, "invalid --metrics-listen \"%s\": expected ADDR:PORT with a numeric address (:PORT for every address)", spec);
	return -1;
}

int metrics_listen(struct ig_metrics *m, const char *addr_port)
{
	struct sockaddr_storage ss = { 0 };
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG;
	char err[256];

	if (metrics_parse_listen(addr_port, &ss, err, sizeof(err))) {
		ig_err("%s", err);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	m->httpd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, m,
				    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
				    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
				    MHD_OPTION_THREAD_STACK_SIZE, (size_t)THREAD_STACK,
				    MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
				    MHD_OPTION_END);
	if (!m->httpd) {
		ig_err("--metrics-listen %s: cannot listen there (in use, or not this host's address?)",
		       addr_port);
		return -1;
	}
	ig_info("metrics: serving http://%s/metrics", addr_port);
	return 0;
}

void metrics_http_stop(struct ig_metrics *m)
{
	if (m->httpd)
		MHD_stop_daemon(m->httpd);
	m->httpd = NULL;
}
