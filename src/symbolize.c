// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "symbolize.h"

/* ---- names kept in one growing buffer, referred to by offset ------------- */

struct names {
	char *p;
	size_t len, cap;
};

static int64_t names_add(struct names *n, const char *s, size_t len)
{
	size_t off = n->len;

	if (n->len + len + 1 > n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 4096;
		char *p;

		while (cap < n->len + len + 1)
			cap *= 2;
		p = realloc(n->p, cap);
		if (!p)
			return -1;
		n->p = p;
		n->cap = cap;
	}
	memcpy(n->p + off, s, len);
	n->p[off + len] = 0;
	n->len += len + 1;
	return off;
}

struct sym {
	uint64_t addr, size;
	uint32_t name;      /* offset in names */
};

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

/* The last symbol at or below addr, or NULL. */
static const struct sym *sym_find(const struct sym *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
}

static int sym_push(struct sym **v, size_t *n, size_t *cap, struct sym s)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct sym *p = realloc(*v, c * sizeof(*p));

		if (!p)
			return -1;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = s;
	return 0;
}

/* ---- the kernel ---------------------------------------------------------- */

struct ksyms {
	struct sym *v;
	size_t n;
	struct names names;
};

static bool is_text_type(char t)
{
	return t == 't' || t == 'T' || t == 'w' || t == 'W';
}

struct ksyms *ksyms_parse(const char *text, size_t len)
{
	struct ksyms *k = calloc(1, sizeof(*k));
	const char *p = text, *end = text + len;
	size_t cap = 0;

	if (!k)
		return NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *eol = nl ? nl : end, *q = p, *name;
		uint64_t addr = 0;
		size_t nlen;
		int digits = 0;
		int64_t off;

		for (; q < eol && digits < 16; q++, digits++) {
			int d = *q >= '0' && *q <= '9' ? *q - '0' :
				*q >= 'a' && *q <= 'f' ? *q - 'a' + 10 :
				*q >= 'A' && *q <= 'F' ? *q - 'A' + 10 : -1;

			if (d < 0)
				break;
			addr = addr << 4 | d;
		}
		/* "ADDR T NAME": a space, a type letter, a space, a name. */
		if (!digits || eol - q < 4 || q[0] != ' ' || q[2] != ' ' || !addr ||
		    !is_text_type(q[1]))
			goto next;
		name = q + 3;
		/* The text needs no NUL: scan up to the end of the line. */
		for (nlen = 0; name + nlen < eol && name[nlen] != ' ' && name[nlen] != '\t' &&
			       name[nlen]; nlen++)
			;
		if (!nlen)
			goto next;
		off = names_add(&k->names, name, nlen);
		if (off < 0 || off > UINT32_MAX ||
		    sym_push(&k->v, &k->n, &cap, (struct sym){ addr, 0, (uint32_t)off }))
			goto nomem;
next:
		p = eol + 1;
	}
	if (k->n)
		qsort(k->v, k->n, sizeof(*k->v), sym_cmp);
	return k;
nomem:
	ksyms_free(k);
	return NULL;
}

struct ksyms *ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char *text = NULL;
	size_t cap = 0;
	ssize_t len;
	struct ksyms *k;

	if (!f)
		return NULL;
	/* /proc files have no size: read it as one delimiter-less line. */
	len = getdelim(&text, &cap, '\0', f);
	fclose(f);
	if (len <= 0) {
		free(text);
		return NULL;
	}
	k = ksyms_parse(text, len);
	free(text);
	return k;
}

size_t ksyms_count(const struct ksyms *k)
{
	return k ? k->n : 0;
}

const char *ksyms_lookup(const struct ksyms *k, uint64_t addr, uint64_t *off)
{
	const struct sym *s = k ? sym_find(k->v, k->n, addr) : NULL;

	if (!s)
		return NULL;
	if (off)
		*off = addr - s->addr;
	return k->names.p + s->name;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	free(k->v);
	free(k->names.p);
	free(k);
}

/* ---- one ELF file -------------------------------------------------------- */

struct seg {
	uint64_t off, vaddr, size;
};

struct elf_syms {
	struct sym *v;
	size_t n;
	struct seg *segs;
	size_t nsegs;
	struct names names;
};

static int read_segments(Elf *e, struct elf_syms *s)
{
	size_t n;

	if (elf_getphdrnum(e, &n) || !n)
		return 0;
	s->segs = calloc(n, sizeof(*s->segs));
	if (!s->segs)
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(e, i, &ph) && ph.p_type == PT_LOAD)
			s->segs[s->nsegs++] = (struct seg){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
	return 0;
}

/* The function symbols of one symbol table section. */
static int read_symtab(Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_syms *s, size_t *cap)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t count;

	if (!d || !sh->sh_entsize)
		return 0;
	count = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym sym;
		const char *name;
		int64_t off;
		int type;

		if (!gelf_getsym(d, i, &sym))
			break;
		type = GELF_ST_TYPE(sym.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !sym.st_value ||
		    sym.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		off = names_add(&s->names, name, strnlen(name, 1024));
		if (off < 0 || off > UINT32_MAX ||
		    sym_push(&s->v, &s->n, cap, (struct sym){ sym.st_value, sym.st_size, (uint32_t)off }))
			return -1;
	}
	return 0;
}

/* .symtab if there is one (it holds .dynsym's too), else .dynsym. */
static struct elf_syms *elf_syms_build(Elf *e)
{
	struct elf_syms *s;
	Elf_Scn *scn = NULL, *dyn = NULL, *tab = NULL;
	GElf_Shdr sh, dynsh, tabsh;
	size_t cap = 0;
	int err = 0;

	if (!e || elf_kind(e) != ELF_K_ELF)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			tab = scn;
			tabsh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dyn = scn;
			dynsh = sh;
		}
	}
	err = read_segments(e, s);
	if (!err && tab)
		err = read_symtab(e, tab, &tabsh, s, &cap);
	else if (!err && dyn)
		err = read_symtab(e, dyn, &dynsh, s, &cap);
	if (err) {
		elf_syms_free(s);
		return NULL;
	}
	if (s->n)   /* qsort(NULL, 0) is undefined */
		qsort(s->v, s->n, sizeof(*s->v), sym_cmp);
	return s;
}

static void elf_init(void)
{
	static bool done;

	if (!done) {
		elf_version(EV_CURRENT);
		done = true;
	}
}

struct elf_syms *elf_syms_from_mem(const void *buf, size_t size)
{
	Elf *e;
	struct elf_syms *s;

	elf_init();
	e = elf_memory((char *)buf, size);   /* read only: ELF_C_READ */
	s = elf_syms_build(e);
	elf_end(e);
	return s;
}

struct elf_syms *elf_syms_from_fd(int fd)
{
	Elf *e;
	struct elf_syms *s;

	elf_init();
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	s = elf_syms_build(e);
	elf_end(e);
	return s;
}

size_t elf_syms_count(const struct elf_syms *s)
{
	return s ? s->n : 0;
}

const char *elf_syms_lookup(const struct elf_syms *s, uint64_t file_off, uint64_t *sym_off)
{
	uint64_t vaddr = file_off;
	const struct sym *y;

	if (!s)
		return NULL;
	for (size_t i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		if (file_off >= g->off && file_off - g->off < g->size) {
			vaddr = file_off - g->off + g->vaddr;
			break;
		}
	}
	y = sym_find(s->v, s->n, vaddr);
	/* Past the end of a sized function: not in it. */
	if (!y || (y->size && vaddr - y->addr >= y->size))
		return NULL;
	if (sym_off)
		*sym_off = vaddr - y->addr;
	return s->names.p + y->name;
}

void elf_syms_free(struct elf_syms *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->segs);
	free(s->names.p);
	free(s);
}

/* ---- processes ----------------------------------------------------------- */

struct ufile {
	dev_t dev;
	ino_t ino;
	struct elf_syms *syms;   /* NULL: not ELF, or unreadable */
	char *label;             /* "[libc.so.6]" */
};

struct umap {
	uint64_t start, end, off;
	size_t file;             /* index in usyms.files */
};

struct uproc {
	uint32_t pid;
	struct umap *maps;
	size_t n;
};

struct usyms {
	struct uproc *procs;
	size_t nprocs;
	struct ufile *files;
	size_t nfiles;
};

struct usyms *usyms_new(void)
{
	return calloc(1, sizeof(struct usyms));
}

static char *label_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char *l;

	base = base ? base + 1 : path;
	if (asprintf(&l, "[%s]", base) < 0)
		return NULL;
	return l;
}

/* The file a mapping names, opened inside the process's root; its index
 * in the cache, or -1. */
static ssize_t file_of(struct usyms *u, uint32_t pid, const char *path)
{
	char full[4200];
	struct stat st;
	struct ufile *f;
	int fd;

	snprintf(full, sizeof(full), "/proc/%u/root%s", pid, path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i].dev == st.st_dev && u->files[i].ino == st.st_ino) {
			close(fd);
			return i;
		}
	f = realloc(u->files, (u->nfiles + 1) * sizeof(*f));
	if (!f) {
		close(fd);
		return -1;
	}
	u->files = f;
	f = &u->files[u->nfiles];
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->syms = elf_syms_from_fd(fd);
	f->label = label_of(path);
	close(fd);
	return u->nfiles++;
}

/* /proc/PID/maps: the executable mappings of files. */
static void load_maps(struct usyms *u, struct uproc *p)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/maps", p->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		unsigned long long start, end, off;
		char perms[8];
		int name_at = 0;
		ssize_t file;
		struct umap *m;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off,
			   &name_at) < 4 || !name_at || perms[2] != 'x' || line[name_at] != '/')
			continue;
		line[strcspn(line, "\n")] = 0;
		file = file_of(u, p->pid, line + name_at);
		if (file < 0)
			continue;
		m = realloc(p->maps, (p->n + 1) * sizeof(*m));
		if (!m)
			break;
		p->maps = m;
		p->maps[p->n++] = (struct umap){ start, end, off, (size_t)file };
	}
	free(line);
	fclose(f);
}

static struct uproc *proc_of(struct usyms *u, uint32_t pid)
{
	struct uproc *p;

	for (size_t i = 0; i < u->nprocs; i++)
		if (u->procs[i].pid == pid)
			return &u->procs[i];
	p = realloc(u->procs, (u->nprocs + 1) * sizeof(*p));
	if (!p)
		return NULL;
	u->procs = p;
	p = &u->procs[u->nprocs++];
	*p = (struct uproc){ .pid = pid };
	load_maps(u, p);
	return p;
}

const char *usyms_lookup(struct usyms *u, uint32_t pid, uint64_t addr)
{
	struct uproc *p = u ? proc_of(u, pid) : NULL;

	for (size_t i = 0; p && i < p->n; i++) {
		const struct umap *m = &p->maps[i];
		const struct ufile *f = &u->files[m->file];
		const char *name;

		if (addr < m->start || addr >= m->end)
			continue;
		name = elf_syms_lookup(f->syms, addr - m->start + m->off, NULL);
		return name ? name : f->label;
	}
	return NULL;
}

void usyms_free(struct usyms *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nprocs; i++)
		free(u->procs[i].maps);
	for (size_t i = 0; i < u->nfiles; i++) {
		elf_syms_free(u->files[i].syms);
		free(u->files[i].label);
	}
	free(u->procs);
	free(u->files);
	free(u);
}
