// SPDX-License-Identifier: Apache-2.0
/*
 * Container discovery: parsers against real-looking and broken state files
 * (test_ct_table.c has the table against fake host roots; test_ct_identity.c
 * what ties a namespace to a container and names it).
 */
#include "ct_fake.h"

/* ---- parsers ------------------------------------------------------------- */

static void test_fixture_ids(void **state)
{
	(void)state;
	assert_fixture_has("docker_config.v2.json", ID_WEB);
	assert_fixture_has("docker_created.v2.json", ID_STARTING);
	assert_fixture_has("storage_containers.json", ID_PODMAN);
	assert_fixture_has("storage_containers.json", ID_PODMAN2);
	assert_fixture_has("storage_containers.json", ID_CRIO);
	assert_fixture_has("docker_k8s.v2.json", ID_K8S);
	assert_fixture_has("docker_k8s.v2.json", ID_K8S_SB);
	assert_fixture_has("docker_k8s_sandbox.v2.json", ID_K8S_SB);
}

static void test_docker_config(void **state)
{
	struct container c = { 0 };
	size_t len;
	char *json = read_fixture("docker_config.v2.json", &len);

	(void)state;
	assert_int_equal(ct_parse_docker_config(json, len, &c), 0);
	assert_string_equal(c.id, ID_WEB);
	assert_string_equal(c.name, "web");
	assert_string_equal(c.image, "nginx:1.25");
	assert_string_equal(c.runtime, "docker");
	assert_int_equal(c.pid, 4242);
	assert_false(c.exited);
	assert_string_equal(c.k8s_pod, "");
	assert_string_equal(c.image_digest,
			    "sha256:d71607ca8b40ca6eb6cd798194dee730bbe1003561556745d983ff880bb915b8");
	/* State.StartedAt, 2026-11-22T02:28:41.182893033Z */
	assert_true(c.started_at_ns == 1795314521ULL * 1000000000ULL + 182893033ULL);
	free(json);
}

static void test_rfc3339(void **state)
{
	const uint64_t s = 1795314521ULL * 1000000000ULL;

	(void)state;
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41Z") == s);
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41.5Z") == s + 500000000ULL);
	/* Digits past the ns are dropped, not rounded into the seconds. */
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41.9999999999Z") == s + 999999999ULL);
	assert_true(ct_parse_rfc3339("2026-11-22T03:28:41.000000001+01:00") == s + 1);
	assert_true(ct_parse_rfc3339("2026-11-22T01:58:41-00:30") == s);
	/* Docker's "never": the zero time. */
	assert_true(ct_parse_rfc3339("0001-01-01T00:00:00Z") == 0);
	assert_true(ct_parse_rfc3339(NULL) == 0);
	assert_true(ct_parse_rfc3339("") == 0);
	assert_true(ct_parse_rfc3339("2026-11-22 02:28:41Z") == 0);
	assert_true(ct_parse_rfc3339("2026-13-22T02:28:41Z") == 0);
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41") == 0);
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41+01") == 0);
	assert_true(ct_parse_rfc3339("2026-11-22T02:28:41Zjunk") == 0);
}

static void test_docker_created(void **state)
{
	struct container c = { 0 };
	size_t len;
	char *json = read_fixture("docker_created.v2.json", &len);

	(void)state;
	assert_int_equal(ct_parse_docker_config(json, len, &c), 0);
	assert_string_equal(c.name, "starting");
	assert_int_equal(c.pid, 0);
	assert_true(c.exited);
	free(json);
}

static void test_docker_k8s_labels(void **state)
{
	struct container c = { 0 };
	size_t len;
	char *json = read_fixture("docker_k8s.v2.json", &len);

	(void)state;
	assert_int_equal(ct_parse_docker_config(json, len, &c), 0);
	assert_string_equal(c.name, "app");
	assert_string_equal(c.k8s_container, "app");
	assert_string_equal(c.k8s_pod, "frontend-5f7d8");
	assert_string_equal(c.k8s_namespace, "shop");
	assert_string_equal(c.image, "registry.example.com/frontend@sha256:aa11");
	assert_int_equal(c.pid, 4343);
	free(json);
}

static void test_oci_containerd(void **state)
{
	struct container c = { 0 };
	bool sandbox = true;
	size_t len;
	char *json = read_fixture("containerd_config.json", &len);

	(void)state;
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_false(sandbox);
	assert_string_equal(c.runtime, "containerd");
	assert_string_equal(c.name, "nginx");
	assert_string_equal(c.k8s_container, "nginx");
	assert_string_equal(c.k8s_pod, "web-7d4b9c6f5-x2x9q");
	assert_string_equal(c.k8s_namespace, "default");
	assert_string_equal(c.image, "docker.io/library/nginx:1.25");
	free(json);
}

static void test_oci_containerd_sandbox(void **state)
{
	struct container c = { 0 };
	bool sandbox = false;
	size_t len;
	char *json = read_fixture("containerd_sandbox.json", &len);

	(void)state;
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_true(sandbox);
	free(json);
}

static void test_oci_plain(void **state)
{
	struct container c = { .runtime = "unchanged" };
	bool sandbox = true;
	size_t len;
	char *json = read_fixture("containerd_plain.json", &len);

	(void)state;
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_false(sandbox);
	assert_string_equal(c.runtime, "unchanged");
	assert_string_equal(c.name, "");
	free(json);
}

static void test_oci_crio(void **state)
{
	struct container c = { 0 };
	bool sandbox = true;
	size_t len;
	char *json = read_fixture("crio_config.json", &len);

	(void)state;
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_false(sandbox);
	assert_string_equal(c.runtime, "cri-o");
	assert_string_equal(c.name, "coredns");
	assert_string_equal(c.k8s_pod, "coredns-5d78c9869d-8kq2w");
	assert_string_equal(c.k8s_namespace, "kube-system");
	assert_string_equal(c.image, "registry.k8s.io/coredns/coredns:v1.10.1");
	free(json);

	json = read_fixture("crio_sandbox.json", &len);
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_true(sandbox);
	free(json);
}

static void test_oci_podman(void **state)
{
	struct container c = { 0 };
	bool sandbox = true;
	size_t len;
	char *json = read_fixture("podman_config.json", &len);

	(void)state;
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_false(sandbox);
	assert_string_equal(c.runtime, "podman");
	assert_string_equal(c.k8s_pod, "");
	/* NULL is allowed for is_sandbox */
	assert_int_equal(ct_parse_oci_config(json, len, &c, NULL), 0);
	free(json);
}

static void test_runc_state(void **state)
{
	struct container c = { 0 };
	char bundle[PATH_MAX], tiny[8];
	size_t len;
	char *json = read_fixture("runc_state.json", &len);

	(void)state;
	assert_int_equal(ct_parse_runc_state(json, len, &c, bundle, sizeof(bundle)), 0);
	assert_string_equal(c.id, "rctr");
	assert_string_equal(c.name, "rctr");
	assert_string_equal(c.runtime, "runc");
	assert_int_equal(c.pid, 4444);
	assert_string_equal(bundle, "/srv/bundles/rctr");
	/* A bundle path that does not fit is dropped, not truncated. */
	assert_int_equal(ct_parse_runc_state(json, len, &c, tiny, sizeof(tiny)), 0);
	assert_string_equal(tiny, "");
	assert_int_equal(ct_parse_runc_state(json, len, &c, NULL, 0), 0);
	free(json);
}

static void test_broken_inputs(void **state)
{
	static const char *const broken[] = {
		"malformed.json", "truncated.json", "not_object.json", "empty.json",
		"nul_string.json",
	};
	struct container c;
	char bundle[64];
	bool sandbox;
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char *json = read_fixture(broken[i], &len);

		memset(&c, 0, sizeof(c));
		assert_true(ct_parse_docker_config(json, len, &c) < 0);
		/* What a parser does not read is skipped, not checked: the
		 * "\u0000" is in the ID, which an OCI config does not use. */
		if (strcmp(broken[i], "nul_string.json") != 0)
			assert_true(ct_parse_oci_config(json, len, &c, &sandbox) < 0);
		assert_true(ct_parse_runc_state(json, len, &c, bundle, sizeof(bundle)) < 0);
		free(json);
	}
	assert_true(ct_parse_docker_config(NULL, 0, &c) < 0);
}

static void test_wrong_types(void **state)
{
	struct container c = { 0 };
	char bundle[64];
	bool sandbox;
	size_t len;
	char *json = read_fixture("wrong_types.json", &len);

	(void)state;
	/* No string ID: not a container. A valid object without annotations
	 * is a fine OCI config with nothing to say. */
	assert_int_equal(ct_parse_docker_config(json, len, &c), -EINVAL);
	assert_int_equal(ct_parse_oci_config(json, len, &c, &sandbox), 0);
	assert_int_equal(ct_parse_runc_state(json, len, &c, bundle, sizeof(bundle)), -EINVAL);
	free(json);

	json = read_fixture("bad_id.json", &len);
	assert_int_equal(ct_parse_docker_config(json, len, &c), -EINVAL);
	free(json);
}

static void test_escapes_and_bad_pid(void **state)
{
	struct container c = { 0 };
	size_t len;
	char *json = read_fixture("escapes.json", &len);

	(void)state;
	assert_int_equal(ct_parse_docker_config(json, len, &c), 0);
	assert_string_equal(c.name, "a?[31mred?");
	assert_int_equal(c.pid, 0);
	free(json);
}

static void test_long_utf8_truncated_cleanly(void **state)
{
	char json[1200], name[700];
	struct container c = { 0 };
	size_t i, n;

	(void)state;
	/* 300 two-byte characters do not fit CT_NAME_LEN-1 bytes. */
	for (i = 0, n = 0; i < 300; i++) {
		name[n++] = (char)0xc3;
		name[n++] = (char)0xa9;
	}
	name[n] = '\0';
	n = (size_t)snprintf(json, sizeof(json), "{\"ID\":\"%s\",\"Name\":\"/%s\"}", ID_WEB, name);
	assert_int_equal(ct_parse_docker_config(json, n, &c), 0);
	assert_int_equal(strlen(c.name) % 2, 0);
	assert_true(strlen(c.name) <= CT_NAME_LEN - 1);
}

static void test_deep_nesting(void **state)
{
	size_t depth = 200000, i;
	char *json = malloc(depth * 2 + 1);
	struct container c = { 0 };
	bool sandbox;

	(void)state;
	assert_non_null(json);
	for (i = 0; i < depth; i++) {
		json[i] = '[';
		json[depth * 2 - 1 - i] = ']';
	}
	json[depth * 2] = '\0';
	assert_true(ct_parse_oci_config(json, depth * 2, &c, &sandbox) < 0);
	free(json);
}

/* tests/fixtures/containers/cgroup_cases.txt: "expected-id|hint|line". */
static void test_cgroup_lines(void **state)
{
	size_t len, cases = 0;
	char *buf = read_fixture("cgroup_cases.txt", &len), *save = NULL, *ln;

	(void)state;
	for (ln = strtok_r(buf, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
		char *want = ln, *hint, *line, id[CT_ID_LEN] = "";
		const char *got_hint = "unset";
		int r;

		if (ln[0] == '#')
			continue;
		hint = strchr(want, '|');
		assert_non_null(hint);
		*hint++ = '\0';
		line = strchr(hint, '|');
		assert_non_null(line);
		*line++ = '\0';
		r = ct_parse_cgroup_line(line, id, sizeof(id), &got_hint);
		if (strcmp(want, "-") == 0) {
			if (r == 0)
				fail_msg("'%s' gave ID %s", line, id);
		} else {
			if (r != 0)
				fail_msg("'%s' gave no ID (%d)", line, r);
			assert_string_equal(id, want);
			if (strcmp(hint, "-") == 0)
				assert_null(got_hint);
			else
				assert_string_equal(got_hint, hint);
		}
		cases++;
	}
	assert_true(cases >= 25);
	free(buf);
}

static void test_cgroup_line_args(void **state)
{
	char small[16];

	(void)state;
	assert_true(ct_parse_cgroup_line("0::/docker/" ID_WEB, small, sizeof(small), NULL) < 0);
	assert_true(ct_parse_cgroup_line(NULL, small, sizeof(small), NULL) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_ids),
		cmocka_unit_test(test_docker_config),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_docker_created),
		cmocka_unit_test(test_docker_k8s_labels),
		cmocka_unit_test(test_oci_containerd),
		cmocka_unit_test(test_oci_containerd_sandbox),
		cmocka_unit_test(test_oci_plain),
		cmocka_unit_test(test_oci_crio),
		cmocka_unit_test(test_oci_podman),
		cmocka_unit_test(test_runc_state),
		cmocka_unit_test(test_broken_inputs),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_escapes_and_bad_pid),
		cmocka_unit_test(test_long_utf8_truncated_cleanly),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_cgroup_lines),
		cmocka_unit_test(test_cgroup_line_args),
	};

	return cmocka_run_group_tests_name("containers", tests, NULL, NULL);
}
