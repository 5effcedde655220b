/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Addresses to function names, for sampled stacks (profile_cpu): the
 * kernel's from /proc/kallsyms, a process's from the ELF symbol tables
 * (.symtab, else .dynsym) of the files its /proc/PID/maps names, read with
 * libelf through /proc/PID/root (a container's files).
 */
#ifndef IG_SYMBOLIZE_H
#define IG_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

/* ---- the kernel ---------------------------------------------------------- */

struct ksyms;

/* The text of /proc/kallsyms ("ffffffff81000000 T _stext [mod]" lines);
 * malformed lines are skipped. NULL only without memory. */
struct ksyms *ksyms_parse(const char *text, size_t len);
/* /proc/kallsyms itself; NULL if unreadable. */
struct ksyms *ksyms_load(void);
size_t ksyms_count(const struct ksyms *k);
/* The function at addr (the last symbol at or below it), or NULL. */
const char *ksyms_lookup(const struct ksyms *k, uint64_t addr, uint64_t *off);
void ksyms_free(struct ksyms *k);

/* ---- one ELF file -------------------------------------------------------- */

struct elf_syms;

/* The function symbols and loadable segments of an ELF image in memory,
 * or of an open file; NULL if it is not ELF (or no memory). */
struct elf_syms *elf_syms_from_mem(const void *buf, size_t size);
struct elf_syms *elf_syms_from_fd(int fd);
size_t elf_syms_count(const struct elf_syms *s);
/* The function containing the byte at file offset off (a mapping's offset
 * plus the distance into it), or NULL. */
const char *elf_syms_lookup(const struct elf_syms *s, uint64_t file_off, uint64_t *sym_off);
void elf_syms_free(struct elf_syms *s);

/* ---- processes ----------------------------------------------------------- */

struct usyms;

/* A cache of processes' maps and their files' symbols, for one report. */
struct usyms *usyms_new(void);
/* The name of addr in process pid: a function, "[file]" when the file has
 * no symbol there, or NULL when no mapping holds it (or the process is
 * gone). The string lives as long as the cache. */
const char *usyms_lookup(struct usyms *u, uint32_t pid, uint64_t addr);
void usyms_free(struct usyms *u);

#endif
