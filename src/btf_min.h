/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimized kernel BTF: only the types and members ig's BPF objects need
 * (their CO-RE relocations, kfunc/ksym externs, tp_btf attach targets), in
 * the spirit of `bpftool gen min_core_btf`, built with libbpf's btf__add_*.
 *
 * Unlike bpftool's, every kept type keeps its kernel type ID: the IDs
 * between kept types are filled with one-word placeholders (an anonymous
 * pointer to void). So a bpf_core_type_id_kernel() relocation, a kfunc's
 * BTF ID and a tp_btf program's attach ID resolved against it are the
 * kernel's own, and libbpf can use it in place of the whole vmlinux BTF.
 */
#ifndef IG_BTF_MIN_H
#define IG_BTF_MIN_H

#include <stddef.h>
#include <stdint.h>

struct btf;

/* An ELF BPF object as the build embeds it (a skeleton's bytes). */
struct bpf_blob {
	const void *data;
	size_t size;
};

/* The objects of this build (src/btf_objects.c). */
const struct bpf_blob *ig_bpf_blobs(size_t *n);
/* Once the programs are loaded, libbpf is done with the objects' bytes:
 * drop the executable's read-only data (where they are, ~1 MB of it read
 * by a load or a BTF build, and mapped by whole page-cache folios) from
 * RSS. Clean file pages: what is read later faults back in. */
void ig_release_objects(void);
/* A hash of them, computed when they were built (Makefile). */
uint64_t ig_bpf_objects_hash(void);

/*
 * Build the minimized BTF of src for the objects; on success *out is a new
 * BTF the caller frees with btf__free(). -errno on failure (a malformed
 * object, or out of memory); a relocation src cannot satisfy is not an
 * error: libbpf will report it the same way with the full BTF.
 */
int btf_min_build(const struct btf *src, const struct bpf_blob *objs, size_t nobjs,
		  struct btf **out);

/* The same from src's raw bytes (as read from sysfs or a file), without
 * libbpf's parse of them; *out is the minimized BTF's raw bytes (malloc'd),
 * of *out_size bytes. -EINVAL also for malformed BTF. */
int btf_min_build_raw(const void *src, size_t size, const struct bpf_blob *objs, size_t nobjs,
		      void **out, uint32_t *out_size);

#endif
