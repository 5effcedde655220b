// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "flags.h"

static bool applies(const struct gadget_flag *f, unsigned int kind)
{
	return !f->kinds || (f->kinds & (1u << kind));
}

static int bad_value(const struct gadget_flag *f, const char *v, const char *want, char *err,
		     size_t errlen)
{
	snprintf(err, errlen, "invalid --%s \"%s\": expected %s", f->name, v, want);
	return -1;
}

/* Write v, parsed as f's type, into its member. */
static int store(const struct gadget_flag *f, void *opts, const char *v, char *err,
		 size_t errlen)
{
	char *dst = (char *)opts + f->off, *end;
	uint64_t u;
	double d;

	if (gflag_check(f, v, err, errlen))
		return -1;
	switch (f->type) {
	case GF_BOOL:
		*(bool *)dst = parse_bool(v) == 1;
		return 0;
	case GF_STRING:
		*(const char **)dst = v;
		return 0;
	case GF_UINT:
		return parse_uint(v, (uint64_t *)dst);
	case GF_SIZE:
		return parse_size(v, (uint64_t *)dst);
	case GF_U32:
		errno = 0;
		u = strtoull(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || u > UINT32_MAX)
			return bad_value(f, v, "a number", err, errlen);
		*(uint32_t *)dst = u;
		return 0;
	case GF_SECONDS:
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !(d >= 0))
			return bad_value(f, v, "seconds", err, errlen);
		*(double *)dst = d;
		return 0;
	}
	return 0;
}

int flags_set(const struct flag_set *set, const struct gadget_flag *f, const char *v,
	      char *err, size_t errlen)
{
	int ret;

	if (f->set)
		ret = f->set(set->opts, v, err, errlen);
	else if (f->bound)
		ret = store(f, set->opts, v, err, errlen);
	else
		ret = gflag_check(f, v, err, errlen);
	if (!ret && set->given)
		set->given[f - set->flags] = (struct flag_value){ v, true };
	return ret;
}

static int set_defaults(const struct flag_set *set, char *err, size_t errlen)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct gadget_flag *f = &set->flags[i];

		if (f->bound && f->def && !f->set && store(f, set->opts, f->def, err, errlen))
			return -1;
	}
	return 0;
}

struct found {
	const struct flag_set *set;
	const struct gadget_flag *f;
};

static struct found find(const struct flag_set *sets, size_t nsets, unsigned int kind,
			 const char *name, size_t len, char shortname)
{
	for (size_t s = 0; s < nsets; s++) {
		for (size_t i = 0; i < sets[s].n; i++) {
			const struct gadget_flag *f = &sets[s].flags[i];
			bool match = shortname ? f->shortname == shortname :
				     strlen(f->name) == len && !strncmp(f->name, name, len);

			if (match && applies(f, kind))
				return (struct found){ &sets[s], f };
		}
	}
	return (struct found){ NULL, NULL };
}

/* The value of argv[*i]'s flag: after '=' (eq), or the next argument; a
 * boolean takes only the first. */
static const char *value_of(const struct gadget_flag *f, const char *eq, int argc, char **argv,
			    int *i)
{
	if (eq)
		return eq + 1;
	if (f->type == GF_BOOL)
		return "true";
	return *i + 1 < argc ? argv[++*i] : NULL;
}

static int parse_one(const struct flag_set *sets, size_t nsets, unsigned int kind, int argc,
		     char **argv, int *i, const char *who, const char *hint, char *err,
		     size_t errlen)
{
	const char *a = argv[*i], *name, *eq, *v;
	bool is_long = a[1] == '-';
	struct found fd;
	size_t len;

	name = a + (is_long ? 2 : 1);
	eq = is_long ? strchr(name, '=') : (name[1] ? name + 1 - (name[1] != '=') : NULL);
	len = is_long ? (eq ? (size_t)(eq - name) : strlen(name)) : 1;
	fd = find(sets, nsets, kind, name, len, is_long ? 0 : name[0]);
	if (!fd.f) {
		if (is_long)
			snprintf(err, errlen, "unknown flag \"--%.*s\" for %s (see %s)", (int)len,
				 name, who, hint);
		else
			snprintf(err, errlen, "unknown flag \"%s\"", a);
		return -1;
	}
	/* -vx is not -v x: a short boolean stands alone. */
	if (!is_long && fd.f->type == GF_BOOL && name[1]) {
		snprintf(err, errlen, "unknown flag \"%s\"", a);
		return -1;
	}
	v = value_of(fd.f, eq, argc, argv, i);
	if (!v) {
		if (is_long)
			snprintf(err, errlen, "flag \"--%.*s\" needs a value", (int)len, name);
		else
			snprintf(err, errlen, "flag \"-%c\" needs a value", name[0]);
		return -1;
	}
	return flags_set(fd.set, fd.f, v, err, errlen);
}

int flags_parse(const struct flag_set *sets, size_t nsets, unsigned int kind, int argc,
		char **argv, const char *who, const char *hint, char *err, size_t errlen)
{
	for (size_t s = 0; s < nsets; s++)
		if (set_defaults(&sets[s], err, errlen))
			return -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int ret;

		if (a[0] != '-' || !a[1]) {
			snprintf(err, errlen, "unexpected argument \"%s\"", a);
			return -1;
		}
		ret = parse_one(sets, nsets, kind, argc, argv, &i, who, hint, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static const char *type_arg(const struct gadget_flag *f)
{
	static const char *const args[] = {
		[GF_BOOL] = NULL, [GF_STRING] = "VALUE", [GF_UINT] = "N", [GF_SIZE] = "SIZE",
		[GF_U32] = "N", [GF_SECONDS] = "SECONDS",
	};

	return f->arg ? f->arg : args[f->type];
}

void flags_help(FILE *out, const struct gadget_flag *flags, size_t n, unsigned int kind)
{
	for (size_t i = 0; i < n; i++) {
		const struct gadget_flag *f = &flags[i];
		const char *arg = type_arg(f);
		char left[64];

		if (!applies(f, kind))
			continue;
		if (f->shortname)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", f->shortname, f->name,
				 arg ? " " : "", arg ? arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", f->name, arg ? " " : "",
				 arg ? arg : "");
		fprintf(out, "  %-32s %s", left, f->help);
		if (f->def)
			fprintf(out, " (default %s)", f->def);
		fputc('\n', out);
	}
}
