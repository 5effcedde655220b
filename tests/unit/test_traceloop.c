// SPDX-License-Identifier: Apache-2.0
/* Unit tests of traceloop's user space: the tracefs format parser, what it
 * decides about each argument, the value decoder, and the text renderer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "output.h"
#include "traceloop/recorder.h"
#include "traceloop/render.h"
#include "traceloop/syscalls.h"
#include "traceloop/tl.h"

/* ---- fixtures ------------------------------------------------------------ */

static const char *fixtures(void)
{
	static char dir[PATH_MAX];
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", __FILE__);
	snprintf(dir, sizeof(dir), "%s/../fixtures/traceloop", dirname(tmp));
	if (access(dir, R_OK))
		snprintf(dir, sizeof(dir), "tests/fixtures/traceloop");
	return dir;
}

static char *slurp(const char *name, size_t *len)
{
	char path[PATH_MAX + 64];
	FILE *f;
	char *buf = malloc(65536);

	snprintf(path, sizeof(path), "%s/%s", fixtures(), name);
	f = fopen(path, "r");
	assert_non_null(f);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = 0;
	fclose(f);
	return buf;
}

/* Parse a fixture as syscall "name" would be, and classify it. */
static int parse(const char *file, const char *name, struct tl_sysinfo *si)
{
	size_t len;
	char *text = slurp(file, &len);
	int n;

	memset(si, 0, sizeof(*si));
	si->name = name;
	n = tl_format_parse(text, len, si);
	if (n >= 0)
		tl_sysinfo_classify(si);
	free(text);
	return n;
}

/* ---- the format parser ------------------------------------------------- */

static void test_parse_openat(void **state)
{
	struct tl_sysinfo si;

	(void)state;
	assert_int_equal(parse("sys_enter_openat.format", "openat", &si), 4);
	assert_true(si.described);
	assert_string_equal(si.p[0].name, "dfd");
	assert_string_equal(si.p[0].type, "int");
	assert_string_equal(si.p[1].name, "filename");
	assert_string_equal(si.p[1].type, "const char *");
	assert_string_equal(si.p[2].name, "flags");
	assert_string_equal(si.p[3].name, "mode");
	assert_string_equal(si.p[3].type, "umode_t");
	assert_int_equal(si.p[0].fmt, TF_FD);
	assert_int_equal(si.p[1].kind, TL_K_STR);
	assert_int_equal(si.p[1].fmt, TF_PTR);
	assert_int_equal(si.p[2].fmt, TF_OPEN_FLAGS);
	assert_int_equal(si.p[3].fmt, TF_MODE);
	assert_int_equal(si.p[0].kind, TL_K_NONE);
}

static void test_buffers_write_read(void **state)
{
	struct tl_sysinfo w, r;
	struct tl_desc d;

	(void)state;
	assert_int_equal(parse("sys_enter_write.format", "write", &w), 3);
	assert_int_equal(w.p[1].kind, TL_K_BUF_ENTER);
	assert_int_equal(w.p[1].lenarg, 2);
	assert_int_equal(w.p[0].fmt, TF_FD);    /* "unsigned int fd" is still an fd */
	tl_sysinfo_desc(&w, &d);
	assert_int_equal(d.nenter, 1);
	assert_int_equal(d.exit_arg, TL_ARG_NONE);
	assert_int_equal(d.kind[1], TL_K_BUF_ENTER);
	assert_int_equal(d.lenarg[1], 2);

	assert_int_equal(parse("sys_enter_read.format", "read", &r), 3);
	assert_int_equal(r.p[1].kind, TL_K_BUF_EXIT);
	tl_sysinfo_desc(&r, &d);
	assert_int_equal(d.nenter, 0);
	assert_int_equal(d.exit_arg, 1);
	assert_int_equal(d.lenarg[1], TL_ARG_NONE);
}

static void test_buffers_sendto_recvfrom(void **state)
{
	struct tl_sysinfo s;

	(void)state;
	/* The kernel declares sendto's buffer "void *", not const. */
	assert_int_equal(parse("sys_enter_sendto.format", "sendto", &s), 6);
	assert_string_equal(s.p[1].name, "buff");
	assert_int_equal(s.p[1].kind, TL_K_BUF_ENTER);
	assert_int_equal(s.p[1].lenarg, 2);
	assert_int_equal(s.p[4].kind, TL_K_NONE);   /* struct sockaddr * */
	assert_int_equal(s.p[4].fmt, TF_PTR);
	assert_int_equal(parse("sys_enter_recvfrom.format", "recvfrom", &s), 6);
	assert_int_equal(s.p[1].kind, TL_K_BUF_EXIT);
	assert_int_equal(parse("sys_enter_setsockopt.format", "setsockopt", &s), 5);
	assert_int_equal(s.p[3].kind, TL_K_BUF_ENTER);
	assert_int_equal(s.p[3].lenarg, 4);
	assert_int_equal(parse("sys_enter_getcwd.format", "getcwd", &s), 2);
	assert_int_equal(s.p[0].kind, TL_K_BUF_EXIT);
}

static void test_strings_and_not_strings(void **state)
{
	struct tl_sysinfo s;
	struct tl_desc d;

	(void)state;
	assert_int_equal(parse("sys_enter_execve.format", "execve", &s), 3);
	assert_int_equal(s.p[0].kind, TL_K_STR);
	assert_string_equal(s.p[1].type, "const char *const *");
	assert_int_equal(s.p[1].kind, TL_K_NONE);    /* argv: pointers, not text */
	/* mount's strings are "char *" in the kernel's prototype. */
	assert_int_equal(parse("sys_enter_mount.format", "mount", &s), 5);
	assert_int_equal(s.p[0].kind, TL_K_STR);
	assert_int_equal(s.p[1].kind, TL_K_STR);
	assert_int_equal(s.p[2].kind, TL_K_STR);
	assert_int_equal(s.p[4].kind, TL_K_NONE);    /* void *data */
	tl_sysinfo_desc(&s, &d);
	assert_int_equal(d.nenter, 3);
	assert_int_equal(parse("sys_enter_newfstatat.format", "newfstatat", &s), 4);
	assert_int_equal(s.p[3].fmt, TF_AT_FLAGS);
	assert_int_equal(s.p[2].kind, TL_K_NONE);    /* struct stat * */
	assert_int_equal(parse("sys_enter_mmap.format", "mmap", &s), 6);
	assert_int_equal(s.p[0].fmt, TF_HEX);
	assert_int_equal(s.p[2].fmt, TF_PROT);
	assert_int_equal(s.p[3].fmt, TF_MMAP_FLAGS);
	assert_int_equal(s.p[4].fmt, TF_FD);
	assert_true(s.ret_ptr);
	assert_int_equal(parse("sys_enter_clone.format", "clone", &s), 5);
	assert_int_equal(s.p[0].fmt, TF_CLONE_FLAGS);
}

static void test_parse_rejects(void **state)
{
	struct tl_sysinfo s;

	(void)state;
	assert_int_equal(parse("no_syscall_nr.format", "x", &s), -EINVAL);
	assert_int_equal(parse("too_many.format", "x", &s), -EINVAL);
	assert_int_equal(parse("malformed.format", "x", &s), -EINVAL);
	assert_false(s.described);
	/* Extra spaces and CRLF line ends are tolerated. */
	assert_int_equal(parse("spaces_crlf.format", "x", &s), 1);
	assert_string_equal(s.p[0].name, "fd");
	assert_string_equal(s.p[0].type, "unsigned int");
	assert_int_equal(tl_format_parse("", 0, &s), -EINVAL);
}

static void test_parse_long_names(void **state)
{
	char text[512];
	struct tl_sysinfo s;

	(void)state;
	snprintf(text, sizeof(text), "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
		 "\tfield:int %0*d;\toffset:16;\tsize:8;\tsigned:0;\n", TL_NAME_LEN, 7);
	assert_int_equal(tl_format_parse(text, strlen(text), &s), -EINVAL);
	snprintf(text, sizeof(text), "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
		 "\tfield:int;\toffset:16;\tsize:8;\tsigned:0;\n");
	assert_int_equal(tl_format_parse(text, strlen(text), &s), -EINVAL);
}

/* A tracefs tree in a temp dir: the loader reads sys_enter_X/format, and
 * "stat" is the "newstat" event. */
static void test_systable_load(void **state)
{
	char dir[] = "/tmp/tl-unit-XXXXXX", path[PATH_MAX];
	static const char *const files[][2] = {
		{ "sys_enter_read", "sys_enter_read.format" },
		{ "sys_enter_openat", "sys_enter_openat.format" },
		{ "sys_enter_newstat", "sys_enter_openat.format" },   /* content does not matter */
	};
	struct tl_systable *t = calloc(1, sizeof(*t));
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < 3; i++) {
		char *text = slurp(files[i][1], &len);
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i][0]);
		mkdir(path, 0700);
		snprintf(path, sizeof(path), "%s/%s/format", dir, files[i][0]);
		f = fopen(path, "w");
		fwrite(text, 1, len, f);
		fclose(f);
		free(text);
	}
	assert_int_equal(tl_systable_load(t, dir), 3);
	assert_true(t->s[0].described);                  /* read */
	assert_string_equal(t->s[257].name, "openat");
	assert_true(t->s[257].described);
	assert_string_equal(t->s[4].name, "stat");
	assert_true(t->s[4].described);
	assert_false(t->s[1].described);                 /* write: no file */
	assert_string_equal(t->s[1].name, "write");
	assert_int_equal(tl_syscall_nr("openat", 6), 257);
	assert_int_equal(tl_syscall_nr("exit_group", 10), 231);
	assert_int_equal(tl_syscall_nr("file_setattr", 12), 469);
	assert_int_equal(tl_syscall_nr("nosuch", 6), -1);
	assert_int_equal(tl_systable_load(t, "/nonexistent"), -ENOENT);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	assert_int_equal(system(path), 0);
	free(t);
}

/* ---- values ------------------------------------------------------------ */

static const char *value(enum tl_fmt fmt, const char *type, uint64_t v)
{
	static char buf[256];
	struct tl_param p = { .fmt = fmt };

	snprintf(p.type, sizeof(p.type), "%s", type);
	tl_format_value(&p, v, buf, sizeof(buf));
	return buf;
}

static void test_values(void **state)
{
	(void)state;
	/* fds are 32-bit and signed, whatever the field says. */
	assert_string_equal(value(TF_FD, "int", (uint64_t)-100), "-100");
	assert_string_equal(value(TF_FD, "unsigned int", 0xffffff9cULL), "-100");
	assert_string_equal(value(TF_FD, "unsigned int", 3), "3");
	assert_string_equal(value(TF_S32, "int", 0xffffffffULL), "-1");
	assert_string_equal(value(TF_U32, "uid_t", 0xfffffffeULL), "4294967294");
	assert_string_equal(value(TF_S64, "long", (uint64_t)-5), "-5");
	assert_string_equal(value(TF_U64, "size_t", 4096), "4096");
	assert_string_equal(value(TF_MODE, "umode_t", 0666), "0666");
	assert_string_equal(value(TF_MODE, "umode_t", 04755), "04755");
	assert_string_equal(value(TF_OPEN_FLAGS, "int", 01101), "O_WRONLY|O_CREAT|O_TRUNC");
	assert_string_equal(value(TF_OPEN_FLAGS, "int", 02000000), "O_RDONLY|O_CLOEXEC");
	assert_string_equal(value(TF_AT_FLAGS, "int", 0x100), "AT_SYMLINK_NOFOLLOW");
	assert_string_equal(value(TF_AT_FLAGS, "int", 0x1000 | 0x4), "AT_EMPTY_PATH|0x4");
	assert_string_equal(value(TF_AT_FLAGS, "int", 0), "0");
	assert_string_equal(value(TF_PROT, "unsigned long", 3), "PROT_READ|PROT_WRITE");
	assert_string_equal(value(TF_PROT, "unsigned long", 0), "PROT_NONE");
	assert_string_equal(value(TF_MMAP_FLAGS, "unsigned long", 0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
	assert_string_equal(value(TF_MMAP_FLAGS, "unsigned long", 0x01), "MAP_SHARED");
	assert_string_equal(value(TF_CLONE_FLAGS, "unsigned long", 0x01200011),
			    "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
	assert_string_equal(value(TF_CLONE_FLAGS, "unsigned long", 0x8011), "CLONE_PARENT|SIGCHLD");
	assert_string_equal(value(TF_CLONE_FLAGS, "unsigned long", 0x20000), "CLONE_NEWNS");
	assert_string_equal(value(TF_CLONE_FLAGS, "unsigned long", 0), "0");
	assert_string_equal(value(TF_PTR, "char *", 0), "NULL");
	assert_string_equal(value(TF_PTR, "char *", 0x7ffd5e4c), "0x7ffd5e4c");
	assert_string_equal(value(TF_HEX, "unsigned long", 0), "NULL");
	assert_string_equal(value(TF_HEX, "unsigned long", 0xc000000000ULL), "0xc000000000");
}

static void test_values_small_buffer(void **state)
{
	struct tl_param p = { .fmt = TF_OPEN_FLAGS };
	char buf[8];

	(void)state;
	assert_true(tl_format_value(&p, 01101, buf, sizeof(buf)) < sizeof(buf));
	assert_int_equal(strlen(buf), 7);
	p.fmt = TF_CLONE_FLAGS;
	assert_true(tl_format_value(&p, 0x01200011, buf, sizeof(buf)) < sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
}

static void test_ret(void **state)
{
	struct tl_sysinfo mmap = { .name = "mmap", .ret_ptr = true }, rd = { .name = "read" };
	char buf[64];
	int err;

	(void)state;
	tl_format_ret(&rd, -2, &err, buf, sizeof(buf));
	assert_string_equal(buf, "-1 ENOENT");
	assert_int_equal(err, 2);
	tl_format_ret(&rd, 3, &err, buf, sizeof(buf));
	assert_string_equal(buf, "3");
	assert_int_equal(err, 0);
	tl_format_ret(&rd, -4095, &err, buf, sizeof(buf));
	assert_string_equal(buf, "-1 E4095");
	tl_format_ret(&rd, -4096, &err, buf, sizeof(buf));   /* not an errno */
	assert_string_equal(buf, "-4096");
	assert_int_equal(err, 0);
	tl_format_ret(&mmap, 0x7f5a3c000000LL, &err, buf, sizeof(buf));
	assert_string_equal(buf, "0x7f5a3c000000");
	tl_format_ret(&mmap, -12, &err, buf, sizeof(buf));
	assert_string_equal(buf, "-1 ENOMEM");
	tl_format_ret(NULL, 0, &err, buf, sizeof(buf));
	assert_string_equal(buf, "0");
}

/* ---- strings ------------------------------------------------------------- */

static char *quoted(const char *s, size_t len, bool truncated)
{
	static char out[1024];
	struct obuf b = { 0 };

	tl_quote(&b, s, len, truncated);
	memcpy(out, b.p, b.len);
	out[b.len] = 0;
	ob_free(&b);
	return out;
}

static void test_quote_escapes(void **state)
{
	(void)state;
	assert_string_equal(quoted("42\n", 3, false), "\"42\\n\"");
	/* A terminal escape never reaches the terminal. */
	assert_string_equal(quoted("a\x1b[2Jb", 6, false), "\"a\\x1b[2Jb\"");
	assert_string_equal(quoted("{\"type\":1}", 10, false), "\"{\\\"type\\\":1}\"");
	assert_string_equal(quoted("back\\slash", 10, false), "\"back\\\\slash\"");
	assert_string_equal(quoted("nul\0byte", 8, false), "\"nul\\x00byte\"");
	assert_string_equal(quoted("\xff\xfe", 2, false), "\"\\xff\\xfe\"");
	assert_string_equal(quoted("\"", 1, false), "\"\\\"\"");
	assert_string_equal(quoted("cut", 3, true), "\"cut\"...");
	assert_string_equal(quoted("", 0, false), "\"\"");
}

static struct tl_rec content(uint8_t kind, uint8_t arg, const char *s, size_t len, uint8_t flags)
{
	struct tl_rec r = { .kind = kind, .arg = arg, .flags = flags, .len = len };

	memcpy(r.data, s, len);
	return r;
}

static char *args_text(const struct tl_sysinfo *si, const __u64 *args,
		       const struct tl_rec *const *c, bool quoted_, bool exit_only)
{
	static char out[2048];
	struct obuf b = { 0 };

	tl_format_args(&b, si, args, c, quoted_, exit_only);
	memcpy(out, b.p ? b.p : "", b.len);
	out[b.len] = 0;
	ob_free(&b);
	return out;
}

static void test_args(void **state)
{
	struct tl_sysinfo op, rd;
	__u64 args[TL_NARGS] = { (__u64)-100, 0x1234, 01101, 0666 };
	struct tl_rec fname = content(TL_ENTER, 1, "/tmp/file-1889", 14, 0);
	struct tl_rec evil = content(TL_ENTER, 1, "/tmp/\x1b]0;x\a\"", 12, TL_F_TRUNC);
	struct tl_rec fault = content(TL_ENTER, 1, "", 0, TL_F_FAULT);
	struct tl_rec got = content(TL_EXIT, 1, "42\n", 3, 0);
	const struct tl_rec *c[TL_NARGS] = { 0 };
	struct obuf b = { 0 };

	(void)state;
	parse("sys_enter_openat.format", "openat", &op);
	c[1] = &fname;
	assert_string_equal(args_text(&op, args, c, true, false),
			    "dfd=-100, filename=\"/tmp/file-1889\", flags=O_WRONLY|O_CREAT|O_TRUNC, mode=0666");
	c[1] = &evil;
	assert_string_equal(args_text(&op, args, c, true, false),
			    "dfd=-100, filename=\"/tmp/\\x1b]0;x\\x07\\\"\"..., flags=O_WRONLY|O_CREAT|O_TRUNC, mode=0666");
	/* Raw for the columns printer, which escapes the whole cell. */
	assert_string_equal(args_text(&op, args, c, false, false),
			    "dfd=-100, filename=\"/tmp/\x1b]0;x\a\"\"..., flags=O_WRONLY|O_CREAT|O_TRUNC, mode=0666");
	c[1] = &fault;   /* unreadable: the address */
	assert_string_equal(args_text(&op, args, c, true, false),
			    "dfd=-100, filename=0x1234, flags=O_WRONLY|O_CREAT|O_TRUNC, mode=0666");

	parse("sys_enter_read.format", "read", &rd);
	args[0] = 3;
	args[2] = 4096;
	memset(c, 0, sizeof(c));
	c[1] = &got;
	assert_string_equal(args_text(&rd, args, c, true, false), "fd=3, buf=\"42\\n\", count=4096");
	assert_string_equal(args_text(&rd, args, c, true, true), "buf=\"42\\n\"");
	/* An exit without its enter knows only the content it read. */
	assert_string_equal(args_text(&rd, NULL, c, true, false), "buf=\"42\\n\"");

	c[1] = &fname;
	tl_format_args_json(&b, &op, (__u64[TL_NARGS]){ (__u64)-100, 0x1234, 0, 0 }, c);
	ob_putc(&b, 0);
	assert_string_equal(b.p,
			    "[{\"name\":\"dfd\",\"value\":\"-100\",\"content\":null},"
			    "{\"name\":\"filename\",\"value\":\"0x1234\",\"content\":\"/tmp/file-1889\",\"truncated\":false},"
			    "{\"name\":\"flags\",\"value\":\"O_RDONLY\",\"content\":null},"
			    "{\"name\":\"mode\",\"value\":\"0000\",\"content\":null}]");
	b.len = 0;
	c[1] = &evil;
	tl_format_args_json(&b, &op, args, c);
	ob_putc(&b, 0);
	assert_non_null(strstr(b.p, "\"content\":\"/tmp/\\u001b]0;x\\u0007\\\"\",\"truncated\":true"));
	ob_free(&b);
}

/* ---- parsing flags ------------------------------------------------------- */

static void test_sizes_and_syscall_lists(void **state)
{
	uint8_t flags[TL_NR_MAX];
	uint64_t v;
	char err[128];

	(void)state;
	assert_int_equal(parse_size("16k", &v), 0);
	assert_int_equal(v, 16384);
	assert_int_equal(parse_size("1M", &v), 0);
	assert_int_equal(v, 1 << 20);
	assert_int_equal(parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("1x", &v), -EINVAL);
	assert_int_equal(parse_size("-1", &v), -EINVAL);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(tl_parse_syscalls("openat,write,,read", flags, err, sizeof(err)), 0);
	assert_true(flags[257] && flags[1] && flags[0]);
	assert_false(flags[2]);
	assert_int_equal(tl_parse_syscalls("openat,bogus", flags, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "\"bogus\""));
}

/* ---- the text renderer ---------------------------------------------------- */

struct rfix {
	struct tl_systable *sys;
	struct schema schema;
	struct selection cols;
	struct output out;
	struct row row;
	struct tl_render rd;
	struct tl_trace trace;
};

static int rsetup(void **state)
{
	struct rfix *f = calloc(1, sizeof(*f));
	char err[64];

	f->sys = calloc(1, sizeof(*f->sys));
	parse("sys_enter_read.format", "read", &f->sys->s[0]);
	parse("sys_enter_write.format", "write", &f->sys->s[1]);
	parse("sys_enter_openat.format", "openat", &f->sys->s[257]);
	f->sys->s[231] = (struct tl_sysinfo){ .name = "exit_group", .described = true, .nargs = 1 };
	strcpy(f->sys->s[231].p[0].name, "error_code");
	strcpy(f->sys->s[231].p[0].type, "int");
	tl_sysinfo_classify(&f->sys->s[231]);
	schema_init(&f->schema, gadget_traceloop.fields, gadget_traceloop.nfields,
		    gadget_traceloop.default_fields);
	select_fields(&f->schema, NULL, &f->cols, err, sizeof(err));
	output_init(&f->out, OUT_COLUMNS, &f->schema, &f->cols);
	row_init(&f->row, &f->schema);
	f->rd = (struct tl_render){ .sys = f->sys, .text = true, .out = &f->out,
				    .schema = &f->schema, .row = &f->row };
	*state = f;
	return 0;
}

static int rteardown(void **state)
{
	struct rfix *f = *state;

	tl_render_free(&f->rd);
	output_free(&f->out);
	row_free(&f->row);
	selection_free(&f->cols);
	schema_free(&f->schema);
	free(f->sys);
	free(f);
	return 0;
}

static struct tl_rec rec(uint8_t kind, uint64_t ts, uint32_t tid, uint16_t nr, const char *comm)
{
	struct tl_rec r = { .kind = kind, .ts = ts, .pid = tid, .tid = tid, .nr = nr,
			    .arg = TL_ARG_NONE };

	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	return r;
}

static char *render(struct rfix *f, struct tl_rec *recs, size_t n)
{
	static char out[8192];
	struct tl_snapshot s = { .recs = recs, .n = n };

	f->out.buf.len = 0;
	tl_sort_records(recs, n);
	assert_int_equal(tl_render_trace(&f->rd, &f->trace, &s), 0);
	memcpy(out, f->out.buf.p, f->out.buf.len);
	out[f->out.buf.len] = 0;
	return out;
}

static void test_render_combined_and_failed(void **state)
{
	struct rfix *f = *state;
	struct tl_rec r[4];

	r[0] = rec(TL_ENTER, 1000000000, 7, 257, "cat");
	r[0].args[0] = (__u64)-100;
	r[0].args[2] = 0;
	r[0].arg = 1;
	r[0].len = 14;
	memcpy(r[0].data, "/tmp/file-3240", 14);
	r[1] = rec(TL_EXIT, 1000002000, 7, 257, "cat");
	r[1].args[0] = (__u64)-2;
	r[2] = rec(TL_ENTER, 1070713699, 7, 231, "cat");
	r[2].args[0] = 1;
	/* The enter is first in the buffer, so times count from it. */
	assert_string_equal(render(f, r, 3),
			    "00:00.000000000 cpu#0 pid 7 [cat] openat(dfd=-100, filename=\"/tmp/file-3240\", flags=O_RDONLY, mode=0000) = -1 ENOENT (No such file or directory)\n"
			    "00:00.070713699 cpu#0 pid 7 [cat] exit_group(error_code=1) = ?\n");
}

static void test_render_interleaved(void **state)
{
	struct rfix *f = *state;
	struct tl_rec r[6];

	r[0] = rec(TL_ENTER, 100, 10, 1, "sh");        /* write, tid 10 */
	r[0].args[0] = 4;
	r[0].args[2] = 20;
	r[0].arg = 1;
	r[0].len = 20;
	memcpy(r[0].data, "{\"type\":\"procReady\"}", 20);
	r[1] = rec(TL_ENTER, 200, 11, 0, "bc");        /* read, tid 11 */
	r[1].args[0] = 0;
	r[1].args[1] = 0x1000;
	r[1].args[2] = 4096;
	r[2] = rec(TL_EXIT, 300, 10, 1, "sh");
	r[2].args[0] = 20;
	r[3] = rec(TL_EXIT, 400, 11, 0, "bc");
	r[3].args[0] = 6;
	r[3].arg = 1;
	r[3].len = 6;
	memcpy(r[3].data, "3*7*2\n", 6);
	r[4] = rec(TL_ENTER, 500, 12, 0, "cat");       /* never returns */
	r[4].args[2] = 1;
	r[5] = rec(TL_EXIT, 50, 13, 1, "sh");          /* its enter was overwritten */
	r[5].args[0] = 3;
	assert_string_equal(render(f, r, 6),
			    "00:00.000000000 cpu#0 pid 13 [sh] ... write() = 3\n"
			    "00:00.000000050 cpu#0 pid 10 [sh] write(fd=4, buf=\"{\\\"type\\\":\\\"procReady\\\"}\", count=20) ...\n"
			    "00:00.000000150 cpu#0 pid 11 [bc] read(fd=0, buf=0x1000, count=4096) ...\n"
			    "00:00.000000250 cpu#0 pid 10 [sh] ... write() = 20\n"
			    "00:00.000000350 cpu#0 pid 11 [bc] ... read(buf=\"3*7*2\\n\") = 6\n"
			    "00:00.000000450 cpu#0 pid 12 [cat] read(fd=0, buf=NULL, count=1) unfinished\n");
	/* As rows: one per syscall, whatever came in between. */
	f->rd.text = false;
	{
		const char *rows = render(f, r, 6), *p = rows;
		int n = 0;

		while ((p = strchr(p, '\n')) && ++p)
			n++;
		assert_int_equal(n, 4);
		assert_non_null(strstr(rows, "fd=0, buf=\"3*7*2\\n\", count=4096"));
		assert_non_null(strstr(rows, "unfinished"));
	}
	f->rd.text = true;
}

static void test_render_contents_and_filters(void **state)
{
	struct rfix *f = *state;
	struct tl_rec r[3];
	uint8_t only_read[TL_NR_MAX] = { [0] = 1 };

	/* An enter whose string could not be read, and the exit that read
	 * it again (a content record at the exit's time). */
	r[0] = rec(TL_ENTER, 10, 5, 257, "sh");
	r[0].args[0] = (__u64)-100;
	r[0].args[1] = 0x5c2c98;
	r[0].arg = 1;
	r[0].flags = TL_F_FAULT;
	r[1] = rec(TL_CONT, 20, 5, 257, "sh");
	r[1].arg = 1;
	r[1].len = 4;
	memcpy(r[1].data, "/bin", 4);
	r[2] = rec(TL_EXIT, 20, 5, 257, "sh");
	r[2].args[0] = 3;
	assert_string_equal(render(f, r, 3),
			    "00:00.000000000 cpu#0 pid 5 [sh] openat(dfd=-100, filename=\"/bin\", flags=O_RDONLY, mode=0000) = 3\n");
	f->rd.syscalls = only_read;
	assert_string_equal(render(f, r, 3), "");
	f->rd.syscalls = NULL;
}

static void test_sort_keeps_enter_content_exit(void **state)
{
	struct tl_rec r[4];

	(void)state;
	r[0] = rec(TL_EXIT, 5, 1, 0, "a");
	r[1] = rec(TL_CONT, 5, 1, 0, "a");
	r[2] = rec(TL_ENTER, 5, 1, 0, "a");
	r[3] = rec(TL_ENTER, 4, 2, 0, "b");
	tl_sort_records(r, 4);
	assert_int_equal(r[0].tid, 2);
	assert_int_equal(r[1].kind, TL_ENTER);
	assert_int_equal(r[2].kind, TL_CONT);
	assert_int_equal(r[3].kind, TL_EXIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_openat),
		cmocka_unit_test(test_buffers_write_read),
		cmocka_unit_test(test_buffers_sendto_recvfrom),
		cmocka_unit_test(test_strings_and_not_strings),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_long_names),
		cmocka_unit_test(test_systable_load),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_values_small_buffer),
		cmocka_unit_test(test_ret),
		cmocka_unit_test(test_quote_escapes),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_sizes_and_syscall_lists),
		cmocka_unit_test_setup_teardown(test_render_combined_and_failed, rsetup, rteardown),
		cmocka_unit_test_setup_teardown(test_render_interleaved, rsetup, rteardown),
		cmocka_unit_test_setup_teardown(test_render_contents_and_filters, rsetup, rteardown),
		cmocka_unit_test(test_sort_keeps_enter_content_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
