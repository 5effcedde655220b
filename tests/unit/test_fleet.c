// SPDX-License-Identifier: Apache-2.0
/* Unit tests of the fleet pieces: Prometheus counters and their text
 * (folding past the container cap, label escaping), and the export file's
 * rotation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "daemon/config.h"
#include "export.h"
#include "field.h"
#include "gadget.h"
#include "metrics.h"

enum { T_TYPE, T_ERROR };

static const struct field t_fields[] = {
	[T_TYPE]  = { "type", NULL, NULL, FT_STR, 7, 0 },
	[T_ERROR] = { "error", NULL, NULL, FT_STR, 7, 0 },
};

static const struct gadget_metric t_metrics[] = {
	{ "ig_t_total", "test", T_TYPE, "type", T_ERROR },
};

static const struct gadget t_gadget = {
	.name = "t", .kind = GK_TRACE, .fields = t_fields, .nfields = 2,
	.metrics = t_metrics, .nmetrics = 1,
};

static void event(struct metrics_gadget *mg, struct row *r, const char *ctr, const char *type,
		  const char *error)
{
	row_reset(r);
	row_set_str(r, CF_RT_CONTAINER_NAME, ctr, strlen(ctr));
	row_set_str(r, GF(T_TYPE), type, strlen(type));
	row_set_str(r, GF(T_ERROR), error, strlen(error));
	metrics_event(mg, r);
}

static void test_metrics_text(void **state)
{
	struct ig_metrics *m = metrics_new(2);
	struct metrics_gadget *mg = metrics_gadget(m, &t_gadget);
	struct schema s;
	struct row r;
	size_t len;
	char *text;

	(void)state;
	assert_non_null(mg);
	assert_ptr_equal(metrics_gadget(m, &t_gadget), mg);
	assert_int_equal(schema_init(&s, t_fields, 2, NULL), 0);
	assert_int_equal(row_init(&r, &s), 0);
	event(mg, &r, "a", "connect", "");
	event(mg, &r, "a", "connect", "ECONNREFUSED");
	event(mg, &r, "b\"\n\\", "accept", "");
	event(mg, &r, "c", "accept", "");      /* past the cap of 2 */
	event(mg, &r, "d", "accept", "");
	metrics_lost(mg, 7);
	metrics_gadget_restart(mg);
	metrics_lost(mg, 3);
	text = metrics_render(m, &len);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "ig_events_total{gadget=\"t\",container=\"a\"} 2\n"));
	assert_non_null(strstr(text, "ig_events_total{gadget=\"t\",container=\"b\\\"\\n\\\\\"} 1\n"));
	assert_non_null(strstr(text, "ig_events_total{gadget=\"t\",container=\"other\"} 2\n"));
	assert_non_null(strstr(text, "ig_metrics_folded_events_total{gadget=\"t\"} 2\n"));
	assert_non_null(strstr(text, "ig_metrics_container_cap 2\n"));
	assert_non_null(strstr(text, "ig_lost_events_total{gadget=\"t\"} 10\n"));
	assert_non_null(strstr(text, "ig_t_total{container=\"a\",type=\"connect\",result=\"error\"} 1\n"));
	assert_non_null(strstr(text, "ig_t_total{container=\"a\",type=\"connect\",result=\"ok\"} 1\n"));
	assert_non_null(strstr(text, "ig_t_total{container=\"other\",type=\"accept\",result=\"ok\"} 2\n"));
	assert_non_null(strstr(text, "# TYPE ig_t_total counter\n"));
	assert_null(strstr(text, "container=\"c\""));
	free(text);
	row_free(&r);
	schema_free(&s);
	metrics_free(m);
}

/* A histogram that counts only rows where T_QR is set, of T_LAT (ns), and
 * a counter of those rows by rcode: trace_dns's shape. */
enum { H_QR, H_RCODE, H_LAT };

static const struct field h_fields[] = {
	[H_QR]    = { "qr", NULL, NULL, FT_UINT, 1, 0 },
	[H_RCODE] = { "rcode", NULL, NULL, FT_STR, 8, 0 },
	[H_LAT]   = { "lat", NULL, NULL, FT_UINT, 8, 0 },
};

static const uint64_t h_buckets[] = { 1000, 1000000 };

static const struct gadget_metric h_metrics[] = {
	{ .name = "ig_h_responses_total", .help = "test", .label_field = H_RCODE, .label = "rcode",
	  .error_field = -1, .when = 1 + H_QR },
	{ .name = "ig_h_seconds", .help = "test", .label_field = -1, .error_field = -1,
	  .when = 1 + H_QR, .histogram = 1 + H_LAT, .buckets = h_buckets, .nbuckets = 2,
	  .unit = 1e-9 },
};

static const struct gadget h_gadget = {
	.name = "h", .kind = GK_TRACE, .fields = h_fields, .nfields = 3,
	.metrics = h_metrics, .nmetrics = 2,
};

static void h_event(struct metrics_gadget *mg, struct row *r, const char *ctr, unsigned qr,
		    const char *rcode, uint64_t lat)
{
	row_reset(r);
	row_set_str(r, CF_RT_CONTAINER_NAME, ctr, strlen(ctr));
	row_set_uint(r, GF(H_QR), qr);
	row_set_str(r, GF(H_RCODE), rcode, strlen(rcode));
	row_set_uint(r, GF(H_LAT), lat);
	metrics_event(mg, r);
}

static void test_metrics_histogram(void **state)
{
	struct ig_metrics *m = metrics_new(1);
	struct metrics_gadget *mg = metrics_gadget(m, &h_gadget);
	struct schema s;
	struct row r;
	size_t len;
	char *text;

	(void)state;
	assert_int_equal(schema_init(&s, h_fields, 3, NULL), 0);
	assert_int_equal(row_init(&r, &s), 0);
	h_event(mg, &r, "a", 0, "", 0);               /* a query: not counted */
	h_event(mg, &r, "a", 1, "NOERROR", 500);      /* <= 1µs */
	h_event(mg, &r, "a", 1, "NXDOMAIN", 1000);    /* a bound is inclusive */
	h_event(mg, &r, "a", 1, "NOERROR", 2000000);  /* +Inf */
	h_event(mg, &r, "a", 1, "NOERROR", 0);        /* unpaired: no latency */
	h_event(mg, &r, "b", 1, "SERVFAIL", 5000);    /* past the cap: other */
	text = metrics_render(m, &len);
	assert_non_null(strstr(text, "# TYPE ig_h_seconds histogram\n"));
	assert_non_null(strstr(text, "ig_h_seconds_bucket{container=\"a\",le=\"1e-06\"} 2\n"));
	assert_non_null(strstr(text, "ig_h_seconds_bucket{container=\"a\",le=\"0.001\"} 2\n"));
	assert_non_null(strstr(text, "ig_h_seconds_bucket{container=\"a\",le=\"+Inf\"} 3\n"));
	assert_non_null(strstr(text, "ig_h_seconds_count{container=\"a\"} 3\n"));
	assert_non_null(strstr(text, "ig_h_seconds_sum{container=\"a\"} 0.0020015\n"));
	assert_non_null(strstr(text, "ig_h_seconds_bucket{container=\"other\",le=\"0.001\"} 1\n"));
	assert_non_null(strstr(text, "ig_h_responses_total{container=\"a\",rcode=\"NOERROR\"} 3\n"));
	assert_non_null(strstr(text, "ig_h_responses_total{container=\"a\",rcode=\"NXDOMAIN\"} 1\n"));
	assert_non_null(strstr(text, "ig_h_responses_total{container=\"other\",rcode=\"SERVFAIL\"} 1\n"));
	assert_non_null(strstr(text, "ig_events_total{gadget=\"h\",container=\"a\"} 5\n"));
	free(text);
	row_free(&r);
	schema_free(&s);
	metrics_free(m);
}

/* --gadget 'NAME --flag ...': the name, then the words as argv, in the key
 * (equal keys: the same gadget). */
static void test_config_gadget_spec(void **state)
{
	struct daemon_config c;
	char err[256];

	(void)state;
	assert_int_equal(config_from_list(&c, "trace_exec", err, sizeof(err)), 0);
	assert_int_equal(config_add_spec(&c, " trace_open  --failed\t--comm nginx ", err, sizeof(err)), 0);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.g[1].name, "trace_open");
	assert_int_equal(c.g[1].argc, 3);
	assert_string_equal(c.g[1].argv[0], "--failed");
	assert_string_equal(c.g[1].argv[1], "--comm");
	assert_string_equal(c.g[1].argv[2], "nginx");
	assert_null(c.g[1].argv[3]);
	assert_string_equal(c.g[1].key, "trace_open --failed --comm nginx");
	assert_non_null(config_find(&c, "trace_exec"));
	assert_int_equal(config_add_spec(&c, "trace_exec --paths", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "listed twice"));
	assert_int_equal(config_add_spec(&c, "  ", err, sizeof(err)), -1);
	assert_int_equal(config_add_spec(&c, "--failed", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected a gadget name"));
	config_free(&c);
}

static void test_metrics_listen_parse(void **state)
{
	struct sockaddr_storage ss;
	char err[256];

	(void)state;
	assert_int_equal(metrics_parse_listen("127.0.0.1:2224", &ss, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(metrics_parse_listen(":2224", &ss, err, sizeof(err)), 0);
	assert_int_equal(metrics_parse_listen("[::1]:2224", &ss, err, sizeof(err)), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(metrics_parse_listen("2224", &ss, err, sizeof(err)), -1);
	assert_int_equal(metrics_parse_listen("host.example:80", &ss, err, sizeof(err)), -1);
	assert_int_equal(metrics_parse_listen("127.0.0.1:", &ss, err, sizeof(err)), -1);
}

static void test_export_rotates_whole_writes(void **state)
{
	char dir[] = "/tmp/ig-unit-export.XXXXXX", path[64], name[80];
	struct ig_export *x;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.jsonl", dir);
	x = export_open(path, 10, 2);
	assert_non_null(x);
	assert_int_equal(export_write(x, "{\"a\":1}\n", 8), 0);
	assert_int_equal(export_write(x, "{\"b\":2}\n", 8), 0);   /* rotates first */
	assert_int_equal(export_write(x, "{\"c\":3}\n", 8), 0);
	assert_int_equal(export_write(x, "{\"d\":4}\n", 8), 0);
	assert_int_equal(export_rotations(x), 3);
	export_close(x);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 8);
	snprintf(name, sizeof(name), "%s.1", path);
	assert_int_equal(stat(name, &sb), 0);
	snprintf(name, sizeof(name), "%s.3", path);
	assert_int_not_equal(stat(name, &sb), 0);   /* keep 2: a dropped */
	snprintf(name, sizeof(name), "rm -rf %s", dir);
	assert_int_equal(system(name), 0);
}

/* One write of several records is cut at record ends, not past the size. */
static void test_export_splits_a_write_at_record_ends(void **state)
{
	char dir[] = "/tmp/ig-unit-export.XXXXXX", path[64], name[80];
	struct ig_export *x;
	struct stat sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.jsonl", dir);
	x = export_open(path, 20, 5);
	assert_non_null(x);
	assert_int_equal(export_write(x, "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n", 24), 0);
	assert_int_equal(export_rotations(x), 1);
	export_close(x);
	snprintf(name, sizeof(name), "%s.1", path);
	assert_int_equal(stat(name, &sb), 0);
	assert_int_equal(sb.st_size, 16);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, 8);
	snprintf(name, sizeof(name), "rm -rf %s", dir);
	assert_int_equal(system(name), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_text),
		cmocka_unit_test(test_metrics_histogram),
		cmocka_unit_test(test_metrics_listen_parse),
		cmocka_unit_test(test_config_gadget_spec),
		cmocka_unit_test(test_export_rotates_whole_writes),
		cmocka_unit_test(test_export_splits_a_write_at_record_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
