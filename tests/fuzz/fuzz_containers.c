// SPDX-License-Identifier: Apache-2.0
/*
 * Runtime state files (ct_parse_* in src/containers/containers.h): Docker
 * config.v2.json, OCI config.json, runc state.json, and containers/storage's
 * containers.json with images.json (the same text as both). These are written by
 * other programs, inside or next to containers, and may be hostile. Input:
 * one byte choosing the parser, then the file.
 *
 * Invariants: every string in the container is NUL-terminated inside its
 * array, holds no C0 control or DEL (names reach terminals), and is valid
 * UTF-8 if the file was; on success an ID is a safe path component and the
 * pid is a possible pid; the runc bundle path fits its buffer.
 */
#include <stdbool.h>
#include "../../src/containers/containers.h"
#include "fuzz_util.h"

#define CHECK_STR(field)                                                          \
	do {                                                                      \
		size_t n_ = strnlen((field), sizeof(field));                      \
		FUZZ_CHECK(n_ < sizeof(field), #field " not terminated");         \
		for (size_t i_ = 0; i_ < n_; i_++)                                \
			FUZZ_CHECK((unsigned char)(field)[i_] >= 0x20 &&          \
				   (unsigned char)(field)[i_] != 0x7f,            \
				   #field " has control byte 0x%02x",             \
				   (unsigned char)(field)[i_]);                   \
		FUZZ_CHECK(fuzz_valid_utf8((field), n_), #field " cut inside a character"); \
	} while (0)

/* What ct_valid_id promises: [A-Za-z0-9_.+-]{1,64}, no leading dot. */
static bool safe_component(const char *id)
{
	size_t n = strlen(id);

	if (!n || n > 64 || id[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-",
			    id[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container c;
	char bundle[64];
	bool sandbox = false;
	const char *json;
	size_t len;
	int err = 0;

	if (size < 1)
		return 0;
	json = (const char *)data + 1;
	len = size - 1;
	memset(&c, 0, sizeof(c));
	memset(bundle, 'x', sizeof(bundle));
	switch (data[0] % 4) {
	case 0:
		err = ct_parse_docker_config(json, len, &c);
		break;
	case 1:
		err = ct_parse_oci_config(json, len, &c, &sandbox);
		break;
	case 2:
		err = ct_parse_runc_state(json, len, &c, bundle, sizeof(bundle));
		if (!err)
			FUZZ_CHECK(memchr(bundle, 0, sizeof(bundle)), "bundle not terminated");
		break;
	case 3:
		err = ct_parse_storage(json, len, json, len,
				       "e7e619cbdc3723f17e0a6d17a8c33b806381a29fb54a6e5e1f3ad501f70a8f4f",
				       &c);
		break;
	}
	FUZZ_CHECK(err <= 0, "positive return %d", err);
	CHECK_STR(c.name);
	CHECK_STR(c.image);
	CHECK_STR(c.k8s_namespace);
	CHECK_STR(c.k8s_pod);
	CHECK_STR(c.k8s_container);
	FUZZ_CHECK(memchr(c.id, 0, sizeof(c.id)), "id not terminated");
	if (!err && data[0] % 4 != 1 && data[0] % 4 != 3)
		FUZZ_CHECK(safe_component(c.id), "unsafe id \"%s\"", c.id);
	FUZZ_CHECK(c.pid <= 4194304, "pid %u", c.pid);
	return 0;
}
