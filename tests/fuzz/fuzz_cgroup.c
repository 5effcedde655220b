// SPDX-License-Identifier: Apache-2.0
/*
 * /proc/<pid>/cgroup lines (ct_parse_cgroup_line) and, on the same text,
 * the /proc/<pid>/ns/mnt link parser. A process in a container chooses its
 * cgroup names (cgroup namespaces, delegated subtrees), so these are
 * attacker-controlled. Input: the text.
 *
 * Invariants: a found ID is exactly 64 lowercase hex digits (it becomes a
 * path component when the runtimes' state is looked up), the runtime hint is
 * one of the known names, and the output buffers are never overrun.
 */
#include "../../src/containers/ct_internal.h"
#include "fuzz_util.h"

static bool known_runtime(const char *rt)
{
	static const char *const names[] = { "docker", "containerd", "cri-o", "podman" };

	if (!rt)
		return true;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(rt, names[i]))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_strndup(data, size);
	char id[CT_ID_LEN];
	const char *hint = NULL;
	uint64_t mntns = 0;

	if (ct_parse_cgroup_line(line, id, sizeof(id), &hint) == 0) {
		FUZZ_CHECK(strlen(id) == 64, "id length %zu", strlen(id));
		for (size_t i = 0; i < 64; i++)
			FUZZ_CHECK((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'),
				   "id \"%s\" is not hex", id);
		FUZZ_CHECK(known_runtime(hint), "hint \"%s\"", hint);
	}
	/* The smallest buffer the API accepts is CT_ID_LEN; smaller is refused. */
	FUZZ_CHECK(ct_parse_cgroup_line(line, id, CT_ID_LEN - 1, NULL) < 0, "small buffer");
	if (ct_parse_mntns_link(line, &mntns) == 0)
		FUZZ_CHECK(mntns != 0, "mntns 0 accepted");
	free(line);
	return 0;
}
