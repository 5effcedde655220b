// SPDX-License-Identifier: Apache-2.0
/*
 * Container discovery: the table against fake host roots (ct_fake.h):
 * every runtime at once, exits and lingering, namespaces reused, rescans
 * and their rate limit, hostile files. test_containers.c has the parsers,
 * test_ct_identity.c what ties a namespace to a container.
 */
#include "ct_fake.h"

/* ---- table over a fake host root ----------------------------------------- */

/* Every runtime at once, each also seen through the layers below it. */
static void populate_all(struct fake *f)
{
	/* Docker, plus its containerd "moby" bundle and runc state. */
	fk_copy(f, "docker_config.v2.json", "/var/lib/docker/containers/" ID_WEB "/config.v2.json");
	fk_copy(f, "containerd_plain.json", MOBY_TASKS "/" ID_WEB "/config.json");
	fk_printf(f, MOBY_TASKS "/" ID_WEB "/init.pid", "4242");
	fk_runc(f, "/run/docker/runtime-runc/moby", ID_WEB, 4242);
	fk_proc(f, 4242, 4026532001, "0::/system.slice/docker-" ID_WEB ".scope");

	/* Kubernetes on containerd: a container and its pause sandbox. */
	fk_copy(f, "containerd_config.json", TASKS "/k8s.io/" ID_NGINX "/config.json");
	fk_printf(f, TASKS "/k8s.io/" ID_NGINX "/init.pid", "4300\n");
	fk_proc(f, 4300, 4026532002, NULL);
	fk_copy(f, "containerd_sandbox.json", TASKS "/k8s.io/" ID_SANDBOX "/config.json");
	fk_printf(f, TASKS "/k8s.io/" ID_SANDBOX "/init.pid", "4301");
	fk_proc(f, 4301, 4026532003, NULL);

	/* CRI-O: container (also in /run/runc) and sandbox. */
	fk_copy(f, "crio_config.json", STORAGE "/" ID_CRIO "/userdata/config.json");
	fk_printf(f, STORAGE "/" ID_CRIO "/userdata/pidfile", "4400");
	fk_runc(f, "/run/runc", ID_CRIO, 4400);
	fk_proc(f, 4400, 4026532004, NULL);
	fk_copy(f, "crio_sandbox.json", STORAGE "/" ID_CRIO_SB "/userdata/config.json");
	fk_printf(f, STORAGE "/" ID_CRIO_SB "/userdata/pidfile", "4401");
	fk_proc(f, 4401, 4026532007, NULL);

	/* Podman 4.3, as it lays out containers/storage: the bundle in the
	 * graph root, conmon's pidfile in the run root, runc state, and the
	 * name and image in containers.json. */
	fk_copy(f, "podman_config.json", GRAPH "/" ID_PODMAN "/userdata/config.json");
	fk_printf(f, STORAGE "/" ID_PODMAN "/userdata/pidfile", "4500");
	fk_runc(f, "/run/runc", ID_PODMAN, 4500);
	fk_copy(f, "storage_containers.json", GRAPH "/containers.json");
	fk_copy(f, "storage_images.json", IMAGES);
	fk_proc(f, 4500, 4026532005, NULL);
	/* CRI-O writes its bundle to both roots. */
	fk_copy(f, "crio_config.json", GRAPH "/" ID_CRIO "/userdata/config.json");

	/* runc run, with an annotated bundle. */
	fk_copy(f, "runc_state.json", "/run/runc/rctr/state.json");
	fk_copy(f, "runc_bundle_annotated.json", "/srv/bundles/rctr/config.json");
	fk_proc(f, 4444, 4026532006, "0::/rctr");

	/* Not running: created only; pid gone; pid recycled into the host. */
	fk_copy(f, "docker_created.v2.json",
		"/var/lib/docker/containers/" ID_STARTING "/config.v2.json");
	fk_runc(f, "/run/runc", "gone", 4999);
	fk_runc(f, "/run/runc", "recycled", 1);
}

/* The wall clock time of boot, as ig computes a process's start. */
static int64_t boot_wall_ns(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (real.tv_sec - boot.tv_sec) * 1000000000LL + real.tv_nsec - boot.tv_nsec;
}

static void test_table_all_runtimes(void **state)
{
	struct fake *f = *state;
	const struct container *c;
	int64_t want;

	populate_all(f);
	/* containerd's state has no start time: the init process's is used
	 * (field 22, after a comm that holds ") " itself). */
	fk_printf(f, "/proc/4300/stat", "4300 (ngi) nx) S 1 4300 4300 0 -1 4194560 100 0 0 0 1 2 "
		  "0 0 20 0 1 0 12345 1000 10 0\n");
	fk_table(f, 0);
	assert_int_equal(ct_host_mntns(f->t), HOST_MNTNS);
	assert_int_equal(ct_refresh(f->t), 5);
	assert_int_equal(ct_count(f->t), 5);

	c = must_lookup(f, 4026532001);
	assert_string_equal(c->runtime, "docker");
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "nginx:1.25");
	assert_string_equal(c->id, ID_WEB);
	assert_int_equal(c->pid, 4242);

	c = must_lookup(f, 4026532002);
	assert_string_equal(c->runtime, "containerd");
	assert_string_equal(c->name, "nginx");
	assert_string_equal(c->k8s_pod, "web-7d4b9c6f5-x2x9q");
	assert_string_equal(c->k8s_namespace, "default");
	assert_string_equal(c->k8s_container, "nginx");
	assert_string_equal(c->image, "docker.io/library/nginx:1.25");
	assert_string_equal(c->id, ID_NGINX);
	assert_int_equal(c->pid, 4300);
	want = boot_wall_ns() + 12345LL * (1000000000LL / sysconf(_SC_CLK_TCK));
	assert_true(llabs((int64_t)c->started_at_ns - want) < 50000000LL);
	assert_string_equal(c->image_digest, "");

	assert_null(ct_lookup_mntns(f->t, 4026532003));   /* pause */
	assert_null(ct_lookup_mntns(f->t, 4026532007));   /* CRI-O infra */

	c = must_lookup(f, 4026532004);
	assert_string_equal(c->runtime, "cri-o");
	assert_string_equal(c->name, "coredns");
	assert_string_equal(c->k8s_namespace, "kube-system");

	c = must_lookup(f, 4026532005);
	assert_string_equal(c->runtime, "podman");
	assert_string_equal(c->id, ID_PODMAN);
	assert_string_equal(c->name, "igtest-pod1");
	assert_string_equal(c->image, "localhost/ig-busybox:latest");
	assert_int_equal(c->pid, 4500);

	/* runc alone is no CRI runtime: annotations in its bundle that look
	 * like one's name nothing. */
	c = must_lookup(f, 4026532006);
	assert_string_equal(c->runtime, "runc");
	assert_string_equal(c->id, "rctr");
	assert_string_equal(c->name, "rctr");
	assert_string_equal(c->k8s_pod, "");
	assert_int_equal(c->pid, 4444);
	assert_true(c->started_at_ns == 0);   /* no /proc/4444/stat here */

	assert_null(ct_lookup_mntns(f->t, HOST_MNTNS));
	assert_null(ct_lookup_mntns(f->t, 0));
	assert_null(ct_lookup_mntns(f->t, 12345));
	assert_null(ct_resolve(f->t, HOST_MNTNS, 1));

	/* Nothing changed: nothing to report. */
	assert_int_equal(ct_refresh(f->t), 0);
	assert_int_equal(ct_count(f->t), 5);
}

static void test_exit_and_linger(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	fk_docker(f, ID_STARTING, "other", true, 4243);
	fk_proc(f, 4243, 4026532002, NULL);
	fk_table(f, 1);
	assert_int_equal(ct_refresh(f->t), 2);

	fk_kill(f, 4242);
	assert_int_equal(ct_refresh(f->t), 1);
	c = must_lookup(f, 4026532001);
	assert_true(c->exited);
	assert_true(c->exited_at.tv_sec || c->exited_at.tv_nsec);
	/* running first, then exited */
	assert_false(ct_at(f->t, 0)->exited);
	assert_true(ct_at(f->t, 1)->exited);
	assert_null(ct_at(f->t, 2));
	/* still resolvable while it lingers */
	assert_ptr_equal(ct_resolve(f->t, 4026532001, 4242), c);
	assert_int_equal(ct_refresh(f->t), 0);

	sleep_ms(1100);
	assert_null(ct_lookup_mntns(f->t, 4026532001));
	assert_int_equal(ct_refresh(f->t), 1);
	assert_int_equal(ct_count(f->t), 1);
	assert_string_equal(ct_at(f->t, 0)->name, "other");
}

/* A process's network namespace link, as readlink() shows the real one. */
static void fk_netns(const struct fake *f, uint32_t pid, uint64_t netns)
{
	char path[PATH_MAX], target[64];

	FMT(path, "%s/proc/%" PRIu32 "/ns/net", f->root, pid);
	unlink(path);
	snprintf(target, sizeof(target), "net:[%" PRIu64 "]", netns);
	assert_int_equal(symlink(target, path), 0);
}

/* ct_lookup_netns: the containers of a network namespace (a pod's share
 * one); the host's is nobody's, even a --network host container's; an
 * exited container's is forgotten. */
static void test_lookup_netns(void **state)
{
	struct fake *f = *state;
	const struct container *c;
	uint64_t gen;
	size_t n;

	fk_netns(f, 1, 4026531999);
	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	fk_netns(f, 4242, 4026532100);
	fk_docker(f, ID_STARTING, "sidecar", true, 4243);
	fk_proc(f, 4243, 4026532002, NULL);
	fk_netns(f, 4243, 4026532100);
	fk_docker(f, ID_NGINX, "alone", true, 4244);
	fk_proc(f, 4244, 4026532003, NULL);
	fk_netns(f, 4244, 4026532200);
	fk_docker(f, ID_CRIO, "hostnet", true, 4245);
	fk_proc(f, 4245, 4026532004, NULL);
	fk_netns(f, 4245, 4026531999);
	fk_table(f, 1);
	assert_int_equal(ct_refresh(f->t), 4);

	c = ct_lookup_netns(f->t, 4026532100, &n);
	assert_non_null(c);
	assert_int_equal(n, 2);
	assert_true(!strcmp(c->name, "web") || !strcmp(c->name, "sidecar"));
	c = ct_lookup_netns(f->t, 4026532200, &n);
	assert_non_null(c);
	assert_int_equal(n, 1);
	assert_string_equal(c->name, "alone");
	assert_null(ct_lookup_netns(f->t, 4026531999, &n));
	assert_int_equal(n, 0);
	assert_null(ct_lookup_netns(f->t, 0, &n));
	assert_null(ct_lookup_netns(f->t, 12345, &n));
	assert_int_equal(n, 0);

	/* what the enricher derived from the table (its netns memo) goes stale
	 * exactly when the generation moves: a lookup does not move it, an
	 * exit does */
	gen = ct_generation(f->t);
	assert_non_null(ct_lookup_netns(f->t, 4026532100, &n));
	assert_int_equal(ct_generation(f->t), gen);
	fk_kill(f, 4243);
	assert_int_equal(ct_refresh(f->t), 1);
	assert_true(ct_generation(f->t) != gen);
	c = ct_lookup_netns(f->t, 4026532100, &n);
	assert_non_null(c);
	assert_int_equal(n, 1);
	assert_string_equal(c->name, "web");
}

static void test_restart_keeps_old_namespace(void **state)
{
	struct fake *f = *state;

	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 1);

	fk_kill(f, 4242);
	fk_docker(f, ID_WEB, "web", true, 5252);
	fk_proc(f, 5252, 4026532011, NULL);
	assert_int_equal(ct_refresh(f->t), 2);
	assert_int_equal(ct_count(f->t), 2);
	assert_false(must_lookup(f, 4026532011)->exited);
	assert_true(must_lookup(f, 4026532001)->exited);
}

/* Namespace inodes are recycled; a new container's claim wins. */
static void test_mntns_reuse(void **state)
{
	struct fake *f = *state;

	fk_docker(f, ID_WEB, "old", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 1);
	fk_kill(f, 4242);
	fk_rm(f, "/var/lib/docker/containers/" ID_WEB);
	assert_int_equal(ct_refresh(f->t), 1);

	fk_docker(f, ID_STARTING, "new", true, 4343);
	fk_proc(f, 4343, 4026532001, NULL);
	assert_int_equal(ct_refresh(f->t), 2);
	assert_int_equal(ct_count(f->t), 1);
	assert_string_equal(must_lookup(f, 4026532001)->name, "new");
}

/* The first exec of a Docker container can beat dockerd's write of
 * State.Pid: runc's state.json already has the pid. */
static void test_resolve_docker_before_pid(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_created_docker(f);

	fk_runc(f, "/run/docker/runtime-runc/moby", ID_STARTING, 4600);
	fk_proc(f, 4600, 4026532010, "0::/system.slice/docker-" ID_STARTING ".scope");
	/* right after a scan: the cgroup's ID gets past the rate limit */
	c = ct_resolve(f->t, 4026532010, 4600);
	assert_non_null(c);
	assert_string_equal(c->name, "starting");
	assert_string_equal(c->runtime, "docker");
	assert_int_equal(c->pid, 4600);
	assert_int_equal(ct_refresh(f->t), 1);   /* the resolve's addition */
	assert_int_equal(ct_count(f->t), 1);
}

static void test_resolve_containerd_by_cgroup(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_copy(f, "containerd_config.json", TASKS "/k8s.io/" ID_NGINX "/config.json");
	fk_printf(f, TASKS "/k8s.io/" ID_NGINX "/init.pid", "4300");
	fk_copy(f, "containerd_sandbox.json", TASKS "/k8s.io/" ID_SANDBOX "/config.json");
	fk_proc(f, 4300, 4026532002,
		"0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podx.slice/"
		"cri-containerd-" ID_NGINX ".scope");
	c = ct_resolve(f->t, 4026532002, 4300);
	assert_non_null(c);
	assert_string_equal(c->k8s_pod, "web-7d4b9c6f5-x2x9q");
}

/* "runc run foo" puts the container in cgroup "/foo": a guess that is
 * tried without a full rescan. */
static void test_resolve_runc_by_cgroup_leaf(void **state)
{
	struct fake *f = *state;
	const struct container *c;

	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_runc(f, "/run/runc", "myctr", 4700);
	fk_proc(f, 4700, 4026532020, "0::/myctr");
	c = ct_resolve(f->t, 4026532020, 4700);
	assert_non_null(c);
	assert_string_equal(c->runtime, "runc");
	assert_string_equal(c->name, "myctr");
}

static void test_resolve_rate_limit(void **state)
{
	struct fake *f = *state;

	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	/* Nothing in the cgroup path leads to it: only a rescan finds it. */
	fk_runc(f, "/run/runc", "hidden", 4800);
	fk_proc(f, 4800, 4026532030, "0::/user.slice/user-0.slice/session-1.scope");
	assert_null(ct_resolve(f->t, 4026532030, 4800));
	sleep_ms(30);
	assert_non_null(ct_resolve(f->t, 4026532030, 4800));
	/* unknown, not a container: NULL, no crash, pid may be gone */
	sleep_ms(30);
	assert_null(ct_resolve(f->t, 4026532999, 99999));
	assert_null(ct_resolve(f->t, 0, 0));
}

/* A full rescan that misses a mntns is not repeated for it for a while
 * (busy host services have private mount namespaces), but the cheap lookup
 * through the event's cgroup still runs for every event. */
static void test_resolve_negative_cache(void **state)
{
	struct fake *f = *state;

	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_proc(f, 4800, 4026532030, "0::/system.slice/systemd-resolved.service");
	sleep_ms(30);
	assert_null(ct_resolve(f->t, 4026532030, 4800));     /* full rescan, miss */

	fk_runc(f, "/run/runc", "hidden", 4800);
	sleep_ms(30);
	assert_null(ct_resolve(f->t, 4026532030, 4800));     /* no rescan for it */
	assert_int_equal(ct_refresh(f->t), 1);               /* refresh always scans */
	assert_non_null(ct_resolve(f->t, 4026532030, 4800));

	fk_proc(f, 4801, 4026532031, "0::/system.slice/docker-" ID_WEB ".scope");
	sleep_ms(30);
	assert_null(ct_resolve(f->t, 4026532031, 4801));
	fk_docker(f, ID_WEB, "web", true, 4801);
	assert_non_null(ct_resolve(f->t, 4026532031, 4801)); /* via the cgroup ID */
}

static void test_runc_recycled_pid(void **state)
{
	struct fake *f = *state;

	fk_runc(f, "/run/runc", "r1", 4900);
	fk_proc(f, 4900, 4026532040, NULL);
	/* comm with spaces and ')' must not shift the fields */
	fk_printf(f, "/proc/4900/stat",
		  "4900 (a) b) S 1 4900 4900 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 888 1 1\n");
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 0);
	fk_printf(f, "/proc/4900/stat",
		  "4900 (a) b) S 1 4900 4900 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 777 1 1\n");
	assert_int_equal(ct_refresh(f->t), 1);
}

static void test_hostile_files(void **state)
{
	struct fake *f = *state;
	char path[PATH_MAX];
	int fd;

	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	/* oversized (sparse) config: refused before reading */
	FMT(path, "%s/var/lib/docker/containers/%s/config.v2.json", f->root, ID_STARTING);
	fk_parent(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"ID\":\"", 7), 7);
	assert_int_equal(ftruncate(fd, 5 << 20), 0);
	close(fd);
	/* a FIFO where a state file should be must not block */
	FMT(path, "%s/run/runc/fifo/state.json", f->root);
	fk_parent(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	/* malformed and truncated files */
	fk_copy(f, "truncated.json", TASKS "/k8s.io/trunc/config.json");
	fk_printf(f, TASKS "/k8s.io/trunc/init.pid", "4242");
	fk_copy(f, "malformed.json", STORAGE "/bad/userdata/config.json");
	fk_printf(f, STORAGE "/bad/userdata/pidfile", "not a pid");
	fk_copy(f, "malformed.json",
		"/var/lib/containers/storage/overlay-containers/containers.json");
	/* path traversal attempts as directory names are ignored */
	fk_copy(f, "bad_id.json", "/var/lib/docker/containers/..evil/config.v2.json");

	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 1);
	assert_string_equal(ct_at(f->t, 0)->name, "web");
}

static void test_host_root_forms(void **state)
{
	struct fake *f = *state;
	struct ct_options o = { 0 };
	struct container_table *t;
	char root[PATH_MAX + 2];

	fk_docker(f, ID_WEB, "web", true, 4242);
	fk_proc(f, 4242, 4026532001, NULL);
	snprintf(root, sizeof(root), "%s//", f->root);
	o.host_root = root;
	t = ct_new(&o);
	assert_non_null(t);
	assert_int_equal(ct_host_mntns(t), HOST_MNTNS);
	assert_int_equal(ct_refresh(t), 1);
	ct_free(t);

	/* NULL options and NULL tables are tolerated */
	t = ct_new(NULL);
	assert_non_null(t);
	ct_free(t);
	ct_free(NULL);
	assert_int_equal(ct_count(NULL), 0);
	assert_null(ct_at(NULL, 0));
	assert_null(ct_lookup_mntns(NULL, 1));
	assert_null(ct_resolve(NULL, 1, 1));
	assert_true(ct_refresh(NULL) < 0);
}

static void test_many_containers(void **state)
{
	struct fake *f = *state;
	char id[CT_ID_LEN];
	uint32_t i;

	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "c%03" PRIu32, i);
		fk_runc(f, "/run/runc", id, 10000 + i);
		fk_proc(f, 10000 + i, 4026540000ULL + i * 7, NULL);
	}
	fk_table(f, 0);
	assert_int_equal(ct_refresh(f->t), 300);
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "c%03" PRIu32, i);
		assert_string_equal(must_lookup(f, 4026540000ULL + i * 7)->id, id);
	}
}

#define FAKE(fn) cmocka_unit_test_setup_teardown(fn, fake_setup, fake_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FAKE(test_table_all_runtimes),
		FAKE(test_exit_and_linger),
		FAKE(test_restart_keeps_old_namespace),
		FAKE(test_lookup_netns),
		FAKE(test_mntns_reuse),
		FAKE(test_resolve_docker_before_pid),
		FAKE(test_resolve_containerd_by_cgroup),
		FAKE(test_resolve_runc_by_cgroup_leaf),
		FAKE(test_resolve_rate_limit),
		FAKE(test_resolve_negative_cache),
		FAKE(test_runc_recycled_pid),
		FAKE(test_hostile_files),
		FAKE(test_host_root_forms),
		FAKE(test_many_containers),
	};

	return cmocka_run_group_tests_name("ct_table", tests, NULL, NULL);
}
