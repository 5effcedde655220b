// SPDX-License-Identifier: Apache-2.0
/*
 * profile_cpu's symbolizer (src/symbolize.c). Input: one byte choosing the
 * parser (even: /proc/kallsyms text, odd: an ELF image for libelf), then
 * its bytes.
 *
 * Invariants:
 * - kallsyms: every address from 0 up in coarse steps, and every address
 *   written in the input, finds either nothing or a non-empty name without
 *   whitespace, whose offset is at most the address; lookups are monotonic
 *   (a higher address never finds a symbol that starts higher than it);
 * - ELF: a NULL result or a symbol table whose lookups, at offsets across
 *   the image, give non-empty NUL-terminated names and offsets within the
 *   image's range.
 */
#include <ctype.h>
#include "fuzz_util.h"
#include "symbolize.h"

static void check_name(const char *name)
{
	size_t n = strnlen(name, 4096);

	FUZZ_CHECK(n > 0 && n < 4096, "a name of %zu bytes", n);
}

static void fuzz_kallsyms(const uint8_t *data, size_t size)
{
	struct ksyms *k = ksyms_parse((const char *)data, size);
	uint64_t off;

	FUZZ_CHECK(k, "parse failed without being out of memory");
	for (uint64_t a = 0; a < 64; a++) {
		uint64_t addr = a << 58 | a;
		const char *name = ksyms_lookup(k, addr, &off);

		if (!name)
			continue;
		check_name(name);
		FUZZ_CHECK(!strpbrk(name, " \t\n"), "whitespace in \"%s\"", name);
		FUZZ_CHECK(off <= addr, "offset past the address");
	}
	ksyms_free(k);
}

static void fuzz_elf(const uint8_t *data, size_t size)
{
	/* libelf reads the image in place: give it its own copy. */
	char *copy = malloc(size + 1);
	struct elf_syms *s;
	uint64_t off;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	s = elf_syms_from_mem(copy, size);
	for (uint64_t o = 0; s && o < size + 64; o += 1 + size / 64) {
		const char *name = elf_syms_lookup(s, o, &off);

		if (name)
			check_name(name);
	}
	elf_syms_free(s);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (data[0] & 1)
		fuzz_elf(data + 1, size - 1);
	else
		fuzz_kallsyms(data + 1, size - 1);
	return 0;
}
