// SPDX-License-Identifier: Apache-2.0
/*
 * asciinema v2 output (https://docs.asciinema.org/manual/asciicast/v2/):
 * a header line, then one [seconds, "o", data] line per write. Data is a
 * JSON string made by esc_json, so the file is valid JSON whatever the
 * traced process wrote; bytes that are not UTF-8 become U+FFFD, which is
 * what a text format needs. A UTF-8 character cut between two writes is
 * held back and joined to the next write, so it is not lost as two U+FFFD.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "asciicast.h"
#include "escape.h"
#include "jsonw.h"
#include "ig.h"

/* What tells streams apart. Lengths are explicit: names may hold NULs. */
struct cast_key {
	const char *container; /* "" for the host */
	size_t clen;
	const char *tty;       /* "" if the gadget has no tty field */
	size_t tlen;
	uint64_t ino;
};

struct cast_stream {
	char *container, *tty; /* copies of the key, NUL-terminated */
	size_t clen, tlen;
	uint64_t ino;
	uint64_t start_ns;     /* wall time of the first write: t = 0 */
	uint64_t last_ns;      /* event times never go back */
	uint32_t cols, rows;   /* the size last announced */
	unsigned char held[4]; /* the start of a UTF-8 character cut by a write */
	size_t nheld;
	bool off;              /* not recorded: its writes are dropped */
	int fd;                /* directory mode; -1 on stdout */
	char *name;            /* file name in the directory */
	struct obuf buf;       /* directory mode: not yet written to fd */
};

struct asciicast {
	int i_buf, i_ino, i_container, i_time, i_cols, i_rows, i_tty, i_onlcr;   /* -1: absent */
	int dirfd;             /* -1: stdout */
	struct cast_stream *st;
	size_t n;
	uint64_t dropped;      /* rows of streams that are not recorded */
	bool full_said;
	int err;               /* first write error */
};

/* A directory that exists and we may write into: what -o asciicast=DIR
 * needs, or for a missing one, what it needs to be created. */
static bool writable_dir(const char *dir)
{
	struct stat sb;

	return !stat(dir, &sb) && S_ISDIR(sb.st_mode) && !access(dir, W_OK | X_OK);
}

/* Only checked here: the directory is made when a recording starts
 * (asciicast_new), so a command refused for another reason leaves no trace. */
int asciicast_check_dir(const char *dir, char *err, size_t errlen)
{
	if (!dir)
		return 0;
	if (!*dir) {
		snprintf(err, errlen, "-o asciicast=DIR needs a directory");
		return -1;
	}
	if (access(dir, F_OK) && errno == ENOENT) {
		char *copy = strdup(dir);
		const char *parent = copy ? dirname(copy) : ".";
		bool ok = copy && writable_dir(parent);

		if (!ok)
			snprintf(err, errlen, "-o asciicast: cannot create %s: %s is not a writable directory",
				 dir, parent);
		free(copy);
		if (!ok)
			return -1;
	} else if (!writable_dir(dir)) {
		snprintf(err, errlen, "-o asciicast: %s is not a writable directory", dir);
		return -1;
	}
	return 0;
}

static int find_field(const struct schema *s, const char *name)
{
	bool alias;
	int i = schema_find(s, name, strlen(name), &alias);

	return i >= 0 && !alias ? i : -1;
}

struct asciicast *asciicast_new(const struct schema *s, const char *dir)
{
	struct asciicast *c;
	int i_buf = find_field(s, "buf");

	if (i_buf < 0 || s->f[i_buf]->type != FT_STR) {
		ig_err("-o asciicast records a \"buf\" field; this gadget has none (use ttysnoop)");
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		ig_err("out of memory");
		return NULL;
	}
	c->i_buf = i_buf;
	c->i_ino = find_field(s, "ino");
	c->i_container = find_field(s, "runtime.containerName");
	c->i_time = find_field(s, "timestamp");
	c->i_cols = find_field(s, "winsize.cols");
	c->i_rows = find_field(s, "winsize.rows");
	c->i_tty = find_field(s, "tty");
	c->i_onlcr = find_field(s, "onlcr");
	c->dirfd = -1;
	if (dir) {
		if (mkdir(dir, 0700) && errno != EEXIST) {
			ig_err("-o asciicast: cannot create %s: %s", dir, strerror(errno));
			free(c);
			return NULL;
		}
		c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (c->dirfd < 0) {
			ig_err("-o asciicast: cannot open %s: %s", dir, strerror(errno));
			free(c);
			return NULL;
		}
	}
	return c;
}

/* ---- values of a row, by field ------------------------------------------- */

static uint64_t row_u(const struct row *r, int i, uint64_t def)
{
	return i >= 0 ? r->v[i].u : def;
}

static const char *row_s(const struct row *r, int i, size_t *len)
{
	*len = i >= 0 && r->v[i].s ? r->v[i].len : 0;
	return *len ? r->v[i].s : "";
}

static uint64_t row_time(const struct asciicast *c, const struct row *r)
{
	struct timespec ts;

	if (c->i_time >= 0 && r->v[c->i_time].u)
		return r->v[c->i_time].u;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- streams --------------------------------------------------------------- */

/*
 * A stream is one (container, ino, tty): the tty name keeps apart terminals
 * that write through one shared inode (/dev/tty, /dev/ptmx).
 */
static struct cast_stream *find_stream(struct asciicast *c, const struct cast_key *k)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cast_stream *st = &c->st[i];

		if (st->ino == k->ino && st->clen == k->clen && st->tlen == k->tlen &&
		    !memcmp(st->container, k->container, k->clen) &&
		    !memcmp(st->tty, k->tty, k->tlen))
			return st;
	}
	return NULL;
}

static char *memdup0(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = 0;
	}
	return p;
}

static bool name_taken(const struct asciicast *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->st[i].name && !strcmp(c->st[i].name, name))
			return true;
	return false;
}

/*
 * "<container-or-host>-<ino>.cast". Container names come from whoever runs
 * containers: anything but [A-Za-z0-9_.-] becomes '_', and a leading '.'
 * too, so a name can never leave the directory or hide; two names that
 * clash get "-2", "-3"...
 */
static char *stream_file_name(const struct asciicast *c, const char *container, size_t len,
			      uint64_t ino)
{
	char base[128], name[160];

	if (!len) {
		container = "host";
		len = 4;
	}
	if (len > sizeof(base) - 1)
		len = sizeof(base) - 1;
	for (size_t i = 0; i < len; i++) {
		char ch = container[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';

		base[i] = ok ? ch : '_';
	}
	base[len] = 0;
	if (base[0] == '.')
		base[0] = '_';   /* no hidden files, no ".." */
	snprintf(name, sizeof(name), "%s-%llu.cast", base, (unsigned long long)ino);
	for (int k = 2; name_taken(c, name); k++)
		snprintf(name, sizeof(name), "%s-%llu-%d.cast", base, (unsigned long long)ino, k);
	return strdup(name);
}

/* Recordings of terminals can show secrets: owner-only, and never through
 * a symlink someone planted in the directory. */
static int open_stream_file(struct asciicast *c, struct cast_stream *st)
{
	st->fd = openat(c->dirfd, st->name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			0600);
	if (st->fd < 0) {
		ig_err("-o asciicast: cannot create %s: %s", st->name, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The container name reaches the operator's terminal: escape it. */
static void say_dropped(const struct cast_stream *st)
{
	struct obuf name = { 0 };

	if (st->clen)
		esc_column(&name, st->container, st->clen, 64);
	else
		ob_puts(&name, "the host");
	ob_putc(&name, 0);
	ig_err("asciicast: stdout records the first tty only; dropping writes to ino %llu of %s "
	       "(use -o asciicast=DIR, or choose one with -F ino==N or -c NAME)",
	       (unsigned long long)st->ino, name.p ? name.p : "?");
	ob_free(&name);
}

/*
 * A new stream, or NULL when the table is full. A stream that cannot be
 * recorded (a second tty on stdout, a file that cannot be created) is kept,
 * marked off, so that its later writes are dropped without a new message.
 */
static struct cast_stream *add_stream(struct asciicast *c, const struct cast_key *k)
{
	struct cast_stream *st;
	void *p;

	if (c->n >= CAST_MAX_STREAMS)
		return NULL;
	p = realloc(c->st, (c->n + 1) * sizeof(*c->st));
	if (!p)
		return NULL;
	c->st = p;
	st = &c->st[c->n];
	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->ino = k->ino;
	st->clen = k->clen;
	st->tlen = k->tlen;
	st->container = memdup0(k->container, k->clen);
	st->tty = memdup0(k->tty, k->tlen);
	if (!st->container || !st->tty) {
		free(st->container);
		free(st->tty);
		return NULL;
	}
	c->n++;
	if (c->dirfd < 0) {
		st->off = c->n > 1;
		if (st->off)
			say_dropped(st);
		return st;
	}
	st->name = stream_file_name(c, k->container, k->clen, k->ino);
	st->off = !st->name || open_stream_file(c, st);
	if (!st->off)
		ig_info("asciicast: recording %s", st->name);
	return st;
}

/* ---- writing ----------------------------------------------------------------- */

static void put_header(struct obuf *b, const struct cast_stream *st)
{
	struct obuf title = { 0 };
	struct jsonw w;

	jsonw_init(&w, b, true);
	jsonw_object(&w);
	jsonw_name(&w, "version");
	jsonw_u64(&w, 2);
	jsonw_name(&w, "width");
	jsonw_u64(&w, st->cols);
	jsonw_name(&w, "height");
	jsonw_u64(&w, st->rows);
	jsonw_name(&w, "timestamp");
	jsonw_u64(&w, st->start_ns / 1000000000ULL);
	/* "ig: CONTAINER TTY ino N", names byte for byte (the writer escapes). */
	ob_puts(&title, "ig: ");
	if (st->clen)
		ob_write(&title, st->container, st->clen);
	else
		ob_puts(&title, "host");
	if (st->tlen) {
		ob_putc(&title, ' ');
		ob_write(&title, st->tty, st->tlen);
	}
	ob_puts(&title, " ino ");
	ob_u64(&title, st->ino);
	jsonw_name(&w, "title");
	jsonw_string(&w, title.p, title.len);
	jsonw_name(&w, "env");
	jsonw_object(&w);
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	ob_putc(b, '\n');
	ob_free(&title);
}

/* [time, "o", "data"]: time in seconds, to the microsecond. */
static void put_event(struct obuf *b, uint64_t t_ns, const char *type, const char *data,
		      size_t len)
{
	struct jsonw w;
	char t[32];
	int n = snprintf(t, sizeof(t), "%llu.%06llu", (unsigned long long)(t_ns / 1000000000ULL),
			 (unsigned long long)(t_ns % 1000000000ULL / 1000));

	jsonw_init(&w, b, true);
	jsonw_array(&w);
	jsonw_number(&w, t, n);
	jsonw_string(&w, type, strlen(type));
	jsonw_string(&w, data, len);
	jsonw_end_array(&w);
	ob_putc(b, '\n');
}

/* The size of this write's tty, or the last one known, or the default. */
static void row_size(const struct asciicast *c, const struct row *r, const struct cast_stream *st,
		     uint32_t *cols, uint32_t *rows)
{
	*cols = row_u(r, c->i_cols, 0);
	*rows = row_u(r, c->i_rows, 0);
	if (!*cols || !*rows) {
		*cols = st->cols ? st->cols : CAST_DEFAULT_COLS;
		*rows = st->rows ? st->rows : CAST_DEFAULT_ROWS;
	}
}

/* How many bytes at the end of s start a UTF-8 character that continues in
 * the next write (0 if none): a lead byte needing more bytes than follow. */
static size_t cut_utf8_tail(const unsigned char *s, size_t len)
{
	for (size_t k = 1; k <= 3 && k <= len; k++) {
		unsigned char ch = s[len - k];
		size_t need;

		if ((ch & 0xc0) == 0x80)
			continue;   /* a continuation byte: look further back */
		need = (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3 : (ch & 0xf8) == 0xf0 ? 4 : 0;
		return need > k ? k : 0;
	}
	return 0;
}

/*
 * What the terminal got: the tty's output processing still runs after the
 * write, and with ONLCR (the default) it sends each \n as \r\n. Without
 * this a replay would move down without returning to the first column.
 */
static void put_output(struct obuf *b, uint64_t t, const char *s, size_t len, bool onlcr)
{
	char *x = NULL;
	size_t n = 0;

	if (onlcr && memchr(s, '\n', len))
		x = malloc(2 * len);
	if (!x) {
		put_event(b, t, "o", s, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			x[n++] = '\r';
		x[n++] = s[i];
	}
	put_event(b, t, "o", x, n);
	free(x);
}

/* The data of one write, with what was held back from the last one. */
static void put_data(struct obuf *b, struct cast_stream *st, uint64_t t, const char *s,
		     size_t len, bool onlcr)
{
	char *joined = NULL;
	size_t tail;

	if (st->nheld) {
		joined = malloc(st->nheld + len);
		if (joined) {
			memcpy(joined, st->held, st->nheld);
			memcpy(joined + st->nheld, s, len);
			s = joined;
			len += st->nheld;
		}
		st->nheld = 0;
	}
	tail = cut_utf8_tail((const unsigned char *)s, len);
	len -= tail;
	if (len)
		put_output(b, t, s, len, onlcr);
	memcpy(st->held, s + len, tail);
	st->nheld = tail;
	free(joined);
}

void asciicast_row(struct asciicast *c, struct obuf *out, const struct row *r)
{
	struct cast_key k = { .ino = row_u(r, c->i_ino, 0) };
	size_t blen;
	const char *buf = row_s(r, c->i_buf, &blen);
	uint64_t now = row_time(c, r);
	struct cast_stream *st;
	bool is_new;
	uint32_t cols, rows;
	struct obuf *b;

	k.container = row_s(r, c->i_container, &k.clen);
	k.tty = row_s(r, c->i_tty, &k.tlen);
	st = find_stream(c, &k);
	is_new = !st;
	if (!st)
		st = add_stream(c, &k);
	if (!st && !c->full_said) {
		ig_err("asciicast: more than %d ttys (or out of memory); writes to new ones are dropped",
		       CAST_MAX_STREAMS);
		c->full_said = true;
	}
	if (!st || st->off) {
		c->dropped++;
		return;
	}
	b = st->fd >= 0 ? &st->buf : out;
	row_size(c, r, st, &cols, &rows);
	if (is_new) {
		st->start_ns = st->last_ns = now;
		st->cols = cols;
		st->rows = rows;
		put_header(b, st);
	}
	/* Events from different CPUs can arrive a little out of order. */
	if (now < st->last_ns)
		now = st->last_ns;
	st->last_ns = now;
	if (cols != st->cols || rows != st->rows) {
		char size[32];
		int n = snprintf(size, sizeof(size), "%ux%u", cols, rows);

		put_event(b, now - st->start_ns, "r", size, n);
		st->cols = cols;
		st->rows = rows;
	}
	put_data(b, st, now - st->start_ns, buf, blen, row_u(r, c->i_onlcr, 0));
}

static int write_all(int fd, struct obuf *b)
{
	size_t off = 0;

	while (off < b->len) {
		ssize_t n = write(fd, b->p + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			b->len = 0;
			return -errno;
		}
		off += n;
	}
	b->len = 0;
	return 0;
}

int asciicast_flush(struct asciicast *c)
{
	if (!c)
		return 0;
	for (size_t i = 0; i < c->n; i++) {
		int err = c->st[i].fd >= 0 ? write_all(c->st[i].fd, &c->st[i].buf) : 0;

		if (err && !c->err) {
			ig_err("-o asciicast: writing %s: %s", c->st[i].name, strerror(-err));
			c->err = err;
		}
	}
	return c->err;
}

void asciicast_free(struct asciicast *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct cast_stream *st = &c->st[i];

		/* A character still cut at the end: show it as U+FFFD. */
		if (st->fd >= 0 && st->nheld)
			put_event(&st->buf, st->last_ns - st->start_ns, "o", (char *)st->held, st->nheld);
	}
	asciicast_flush(c);
	for (size_t i = 0; i < c->n; i++) {
		if (c->st[i].fd >= 0)
			close(c->st[i].fd);
		ob_free(&c->st[i].buf);
		free(c->st[i].container);
		free(c->st[i].tty);
		free(c->st[i].name);
	}
	if (c->dropped)
		ig_err("asciicast: dropped %llu writes to ttys that were not recorded",
		       (unsigned long long)c->dropped);
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c->st);
	free(c);
}
