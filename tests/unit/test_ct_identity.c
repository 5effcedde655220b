// SPDX-License-Identifier: Apache-2.0
/*
 * What ties a mount namespace to a container and names it (issue 17): a
 * cgroup name is only a hint; Kubernetes names need a CRI runtime's whole
 * set; state files of any size are read in a bounded way; Podman's and
 * CRI-O's containers/storage as Podman 4.3 writes it.
 */
#include "ct_fake.h"

/* Issue 17, item 3: "docker run --label io.kubernetes.container.name=victim
 * --name imp" is Docker's "imp", not Kubernetes's "victim". So is any set of
 * labels that is not cri-dockerd's whole set with its naming. */
static void test_docker_k8s_label_alone(void **state)
{
	static const char *const labels[] = {
		"\"io.kubernetes.container.name\":\"victim\"",
		/* every label, but the name is not cri-dockerd's */
		"\"io.kubernetes.container.name\":\"victim\",\"io.kubernetes.pod.name\":\"p\","
		"\"io.kubernetes.pod.namespace\":\"n\",\"io.kubernetes.pod.uid\":\"u\","
		"\"io.kubernetes.docker.type\":\"container\",\"io.kubernetes.sandbox.id\":\"" ID_K8S_SB "\"",
	};
	char json[2048];
	size_t i;
	int n;

	(void)state;
	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		struct container c = { 0 };

		n = snprintf(json, sizeof(json),
			     "{\"ID\":\"%s\",\"Name\":\"/imp\",\"Config\":{\"Image\":\"busybox\","
			     "\"Labels\":{%s}},\"State\":{\"Running\":true,\"Pid\":9}}",
			     ID_WEB, labels[i]);
		assert_int_equal(ct_parse_docker_config(json, (size_t)n, &c), 0);
		assert_string_equal(c.name, "imp");
		assert_string_equal(c.k8s_container, "");
		assert_string_equal(c.k8s_pod, "");
		assert_string_equal(c.k8s_namespace, "");
	}
}

/* containers/storage as Podman 4.3 wrote it: the name is names[0], the
 * image metadata's image-name, else the image's first name in images.json. */
static void test_storage_files(void **state)
{
	size_t len, ilen;
	char *db = read_fixture("storage_containers.json", &len);
	char *images = read_fixture("storage_images.json", &ilen);
	struct container c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(ct_parse_storage(db, len, NULL, 0, ID_PODMAN, &c), 0);
	assert_string_equal(c.name, "igtest-pod1");
	assert_string_equal(c.image, "localhost/ig-busybox:latest");

	memset(&c, 0, sizeof(c));
	assert_int_equal(ct_parse_storage(db, len, NULL, 0, ID_PODMAN2, &c), 0);
	assert_string_equal(c.name, "cache");
	assert_string_equal(c.image, "");
	assert_int_equal(ct_parse_storage(db, len, images, ilen, ID_PODMAN2, &c), 0);
	assert_string_equal(c.image, "localhost/ig-busybox:latest");

	/* CRI-O's entry: its storage name, its image-name. */
	memset(&c, 0, sizeof(c));
	assert_int_equal(ct_parse_storage(db, len, images, ilen, ID_CRIO, &c), 0);
	assert_string_equal(c.image, "registry.k8s.io/coredns/coredns:v1.10.1");
	assert_true(strncmp(c.name, "k8s_coredns_", 12) == 0);

	memset(&c, 0, sizeof(c));
	assert_int_equal(ct_parse_storage(db, len, images, ilen, "nosuch", &c), 0);
	assert_string_equal(c.name, "");
	assert_int_equal(ct_parse_storage("{}", 2, NULL, 0, ID_PODMAN, &c), -EINVAL);
	assert_int_equal(ct_parse_storage("[", 1, NULL, 0, ID_PODMAN, &c), -EINVAL);
	free(db);
	free(images);
}

/* n labels of size bytes each, with a prefix on their keys, into a Docker
 * config.v2.json that names the container "big" and its image. */
static char *big_docker_config(size_t n, size_t size, const char *key_prefix, size_t *len)
{
	size_t cap = n * (size + 64) + 1024, off = 0, i;
	char *json = malloc(cap);

	assert_non_null(json);
	off += (size_t)sprintf(json + off, "{\"ID\":\"%s\",\"Config\":{\"Labels\":{", ID_WEB);
	for (i = 0; i < n; i++) {
		off += (size_t)sprintf(json + off, "%s\"%slabel%zu\":\"", i ? "," : "", key_prefix, i);
		memset(json + off, 'a' + (char)(i % 26), size);
		off += size;
		json[off++] = '"';
	}
	off += (size_t)sprintf(json + off, "},\"Image\":\"busybox:big\"},\"Name\":\"/big\","
			      "\"State\":{\"Running\":true,\"Pid\":4242}}");
	*len = off;
	return json;
}

/* Issue 17, item 9: a config.v2.json of 5.4 MB (90 labels of 60 kB) still
 * names its container: only the fields used are kept while reading. */
static void test_huge_input(void **state)
{
	struct container c = { 0 };
	size_t len;
	char *json = big_docker_config(90, 60000, "com.example.", &len);

	(void)state;
	assert_true(len > CT_MAX_FILE);
	assert_int_equal(ct_parse_docker_config(json, len, &c), 0);
	assert_string_equal(c.name, "big");
	assert_string_equal(c.image, "busybox:big");
	assert_int_equal(c.pid, 4242);
	assert_int_equal(ct_parse_runc_state(json, len, &c, NULL, 0), -EINVAL);
	free(json);

	/* What is kept must still fit: 90 large Kubernetes labels do not. */
	json = big_docker_config(90, 60000, "io.kubernetes.", &len);
	assert_int_equal(ct_parse_docker_config(json, len, &c), -EFBIG);
	free(json);
}

/* Issue 17, item 2: a process in its own mount namespace, in a cgroup
 * named after a created-but-stopped container (delegated cgroups let an
 * unprivileged user do that), is not that container. The runtime has no
 * init pid for it, so the cgroup is only a hint, and the event says so. */
static void test_resolve_hint_stopped_container(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_created_docker(f);
	fk_proc(f, 4601, 4026532011, "0::/deleg/docker-" ID_STARTING ".scope");
	c = ct_resolve(f->t, 4026532011, 4601);
	assert_non_null(c);
	assert_true(c->hinted);
	assert_string_equal(c->name, "starting?");
	assert_string_equal(c->id, "");
	assert_string_equal(c->image, "");
	assert_null(c->runtime);
	assert_int_equal(c->pid, 0);
	assert_int_equal(c->mntns, 4026532011);
	/* No container is listed, and the hint is not the container. */
	assert_int_equal(ct_count(f->t), 0);
	assert_null(ct_at(f->t, 0));
	/* With no init pid, this may be a container that runc is still
	 * setting up: the hint stands for this event only. */
	assert_null(ct_lookup_mntns(f->t, 4026532011));
	c = ct_resolve(f->t, 4026532011, 4601);
	assert_non_null(c);
	assert_true(c->hinted);
	assert_true(ct_refresh(f->t) > 0);
	assert_int_equal(ct_count(f->t), 0);

	/* Gone before user space looked, through the BPF cgroup hint: the
	 * runtime has no init pid that the event's could be. */
	c = ct_resolve_cgroup(f->t, 4026532012, 4026532012, 4602,
			      "0::/deleg/docker-" ID_STARTING ".scope\n", 0);
	assert_non_null(c);
	assert_true(c->hinted);
	assert_string_equal(c->name, "starting?");
}

/* The same with a running container: the runtime's init pid lives in
 * another namespace than the event's. */
static void test_resolve_hint_running_container(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, "0::/system.slice/docker-" ID_WEB ".scope");
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 1);
	fk_proc(f, 4700, 4026532077, "0::/system.slice/docker-" ID_WEB ".scope/evil");
	c = ct_resolve(f->t, 4026532077, 4700);
	assert_non_null(c);
	assert_true(c->hinted);
	assert_string_equal(c->name, "web?");
	assert_null(c->runtime);
	/* The container runs elsewhere: the hint stands a moment. */
	assert_ptr_equal(ct_lookup_mntns(f->t, 4026532077), c);
	sleep_ms(CT_HINT_NS / 1000000 + 20);
	assert_null(ct_lookup_mntns(f->t, 4026532077));
	c = ct_resolve(f->t, 4026532077, 4700);
	assert_true(c->hinted);
	assert_int_equal(ct_count(f->t), 1);
	assert_string_equal(ct_at(f->t, 0)->name, "web");
	/* The real container keeps its own namespace. */
	c = must_lookup(f, 4026532001);
	assert_false(c->hinted);
	assert_string_equal(c->id, ID_WEB);
}

/* Docker's record of container "starting", running by its state with init
 * pid 4800, which is gone: no such process under the fake root. */
static void fk_starting(struct fake *f)
{
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_copy(f, "docker_created.v2.json",
		"/var/lib/docker/containers/" ID_STARTING "/config.v2.json");
	fk_runc(f, "/run/docker/runtime-runc/moby", ID_STARTING, 4800);
}

/* Namespace key (its inode too), seen from pid, whose cgroup names it. */
static const struct container *resolve_starting(struct fake *f, uint64_t key, uint32_t pid)
{
	return ct_resolve_cgroup(f->t, key, key, pid, "1:pids:/docker/" ID_STARTING "\n0::/\n", 0);
}

/* A container that lived a millisecond is gone when user space looks: the
 * runtime's state still names its init pid, and the event came from that
 * pid. That ties the namespace to it; another namespace, once it has one,
 * is only a hint. */
static void test_resolve_gone_init_pid(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_starting(f);
	c = resolve_starting(f, 4026532030, 4800);
	assert_non_null(c);
	assert_false(c->hinted);
	assert_string_equal(c->name, "starting");
	assert_string_equal(c->runtime, "docker");
	assert_int_equal(c->pid, 4800);

	c = resolve_starting(f, 4026532031, 4801);
	assert_non_null(c);
	assert_true(c->hinted);
	assert_string_equal(c->name, "starting?");
}

/* All of a container's processes died at once (an OOM kill), before ig
 * looked and before the runtime wrote down the end: its state still says
 * running, with an init pid that is gone. The namespace, seen from another
 * of its processes (the killed one), is the container's. */
static void test_resolve_ending_container(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_starting(f);
	c = resolve_starting(f, 4026532040, 4805);
	assert_non_null(c);
	assert_false(c->hinted);
	assert_string_equal(c->name, "starting");
	assert_int_equal(c->mntns_key, 4026532040);
	/* Its run has one namespace: another is only a hint. */
	c = resolve_starting(f, 4026532041, 4806);
	assert_non_null(c);
	assert_true(c->hinted);
}

/* docker clears an exited container's pid: a namespace seen while the
 * container ran (StartedAt..FinishedAt) is its, one seen long after is
 * only a hint. 1700000000 s is 2023-11-14T22:13:20Z. */
static void test_resolve_gone_exited_window(void **state)
{
	struct fake *f = *state;
	const struct container *c;
	const uint64_t start = 1700000000ULL * 1000000000ULL;

	fk_table(f, 60);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_printf(f, "/var/lib/docker/containers/" ID_STARTING "/config.v2.json",
		  "{\"ID\":\"%s\",\"Name\":\"/quick\",\"Config\":{\"Image\":\"busybox\"},"
		  "\"State\":{\"Running\":false,\"Pid\":0,"
		  "\"StartedAt\":\"2023-11-14T22:13:20.5Z\",\"FinishedAt\":\"2023-11-14T22:13:21Z\"}}",
		  ID_STARTING);
	/* Seen 0.2 s before the recorded start: runc set it up. */
	c = ct_resolve_cgroup(f->t, 4026532040, 4026532040, 4900,
			      "1:pids:/docker/" ID_STARTING "\n0::/\n", start + 300000000ULL);
	assert_non_null(c);
	assert_false(c->hinted);
	assert_true(c->exited);
	assert_string_equal(c->name, "quick");
	assert_ptr_equal(ct_lookup_mntns(f->t, 4026532040), c);
	/* Seen a minute after it finished: not its. */
	c = ct_resolve_cgroup(f->t, 4026532041, 4026532041, 4901,
			      "1:pids:/docker/" ID_STARTING "\n0::/\n", start + 61000000000ULL);
	assert_non_null(c);
	assert_true(c->hinted);
	/* Unknown time: not its either. */
	c = resolve_starting(f, 4026532042, 4902);
	assert_non_null(c);
	assert_true(c->hinted);
}

/* A hint gives way when the runtime claims the namespace. */
static void test_hint_replaced_by_container(void **state)
{
	struct fake *f = *state;

	fk_created_docker(f);
	fk_proc(f, 4601, 4026532011, "0::/docker/" ID_STARTING);
	assert_true(ct_resolve(f->t, 4026532011, 4601)->hinted);
	/* runc has written its state: the very next event is the container's. */
	fk_runc(f, "/run/docker/runtime-runc/moby", ID_STARTING, 4601);
	assert_false(ct_resolve(f->t, 4026532011, 4601)->hinted);
	assert_true(ct_refresh(f->t) > 0);
	assert_false(must_lookup(f, 4026532011)->hinted);
	assert_string_equal(must_lookup(f, 4026532011)->name, "starting");
	assert_int_equal(ct_count(f->t), 1);
}

/* Kubernetes names need the pod's sandbox from the same runtime, too. */
static void test_k8s_needs_sandbox(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_copy(f, "docker_k8s.v2.json", "/var/lib/docker/containers/" ID_K8S "/config.v2.json");
	fk_proc(f, 4343, 4026532001, NULL);
	fk_copy(f, "containerd_config.json", TASKS "/k8s.io/" ID_NGINX "/config.json");
	fk_printf(f, TASKS "/k8s.io/" ID_NGINX "/init.pid", "4300");
	fk_proc(f, 4300, 4026532002, NULL);
	fk_copy(f, "crio_config.json", STORAGE "/" ID_CRIO "/userdata/config.json");
	fk_printf(f, STORAGE "/" ID_CRIO "/userdata/pidfile", "4400");
	fk_proc(f, 4400, 4026532004, NULL);
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 3);
	c = must_lookup(f, 4026532001);
	assert_string_equal(c->name, "k8s_app_frontend-5f7d8_shop_0b1c2d3e-1111-2222-3333-444455556666_0");
	assert_string_equal(c->k8s_pod, "");
	c = must_lookup(f, 4026532002);
	assert_string_equal(c->name, ID_NGINX);
	assert_string_equal(c->k8s_pod, "");
	assert_string_equal(c->image, "");
	c = must_lookup(f, 4026532004);
	assert_string_equal(c->runtime, "cri-o");
	assert_string_equal(c->k8s_pod, "");

	/* With their sandboxes, they are the pods' containers. */
	fk_copy(f, "docker_k8s_sandbox.v2.json",
		"/var/lib/docker/containers/" ID_K8S_SB "/config.v2.json");
	fk_copy(f, "containerd_sandbox.json", TASKS "/k8s.io/" ID_SANDBOX "/config.json");
	fk_copy(f, "crio_sandbox.json", GRAPH "/" ID_CRIO_SB "/userdata/config.json");
	ct_refresh(f->t);
	assert_string_equal(must_lookup(f, 4026532001)->name, "app");
	assert_string_equal(must_lookup(f, 4026532001)->k8s_pod, "frontend-5f7d8");
	assert_string_equal(must_lookup(f, 4026532002)->k8s_pod, "web-7d4b9c6f5-x2x9q");
	assert_string_equal(must_lookup(f, 4026532004)->k8s_pod, "coredns-5d78c9869d-8kq2w");
}

/* A config.v2.json too large even to stream is still Docker's container,
 * named by its ID (and said so on stderr), not the layer below's. */
static void test_docker_config_too_large(void **state)
{
	struct fake *f = *state;
	const struct container *c;
	char path[PATH_MAX];
	int fd;

	FMT(path, "%s/var/lib/docker/containers/%s/config.v2.json", f->root, ID_WEB);
	fk_parent(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"ID\":\"", 7), 7);
	assert_int_equal(ftruncate(fd, (off_t)CT_MAX_STREAM + 1), 0);
	close(fd);
	fk_copy(f, "containerd_plain.json", MOBY_TASKS "/" ID_WEB "/config.json");
	fk_printf(f, MOBY_TASKS "/" ID_WEB "/init.pid", "4242");
	fk_runc(f, "/run/docker/runtime-runc/moby", ID_WEB, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 1);
	c = must_lookup(f, 4026532001);
	assert_string_equal(c->runtime, "docker");
	assert_string_equal(c->name, ID_WEB);
	assert_int_equal(c->pid, 4242);
}

#define FAKE(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_k8s_label_alone),
		cmocka_unit_test(test_storage_files),
		cmocka_unit_test(test_huge_input),
		FAKE(test_resolve_hint_stopped_container),
		FAKE(test_resolve_hint_running_container),
		FAKE(test_resolve_gone_init_pid),
		FAKE(test_resolve_ending_container),
		FAKE(test_resolve_gone_exited_window),
		FAKE(test_hint_replaced_by_container),
		FAKE(test_k8s_needs_sandbox),
		FAKE(test_docker_config_too_large),
	};

	return cmocka_run_group_tests_name("container identity", tests, NULL, NULL);
}
