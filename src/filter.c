// SPDX-License-Identifier: Apache-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"

static const struct {
	const char *tok;
	enum filter_op op;
} ops[] = {   /* longest first */
	{ "==", FOP_EQ }, { "!=", FOP_NE }, { ">=", FOP_GE }, { "<=", FOP_LE },
	{ "!~", FOP_NRE }, { "~", FOP_RE }, { ">", FOP_GT }, { "<", FOP_LT },
};

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

static int parse_number(const char *s, const struct field *f, int64_t *out)
{
	char *end;

	errno = 0;
	if (f->type == FT_INT)
		*out = strtoll(s, &end, 0);
	else
		*out = (int64_t)strtoull(s, &end, 0);
	if (errno || end == s || *end || (f->type != FT_INT && *s == '-'))
		return -1;
	return 0;
}

static int parse_bool_value(const char *s, int64_t *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_term(struct filter_term *t, const struct schema *s, const char *item,
		      char *err, size_t errlen)
{
	size_t nlen = 0;
	const char *rest;
	bool by_alias;
	size_t k;

	while (is_name_char(item[nlen]))
		nlen++;
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
		if (!strncmp(item + nlen, ops[k].tok, strlen(ops[k].tok)))
			break;
	/* A single "=" is refused, not read as "==": ig's own syntax has no
	 * "=", and a typo must not silently change what is shown. */
	if (nlen && k == sizeof(ops) / sizeof(ops[0]) && item[nlen] == '=') {
		snprintf(err, errlen, "bad filter \"%s\": use == to compare (a single = is not an operator)", item);
		return -1;
	}
	if (!nlen || k == sizeof(ops) / sizeof(ops[0])) {
		snprintf(err, errlen, "bad filter \"%s\": expected field==value (or !=, >=, >, <=, <, ~, !~)", item);
		return -1;
	}
	t->idx = schema_find(s, item, nlen, &by_alias);
	if (t->idx < 0) {
		snprintf(err, errlen, "bad filter \"%s\": unknown field \"%.*s\"", item, (int)nlen, item);
		return -1;
	}
	t->op = ops[k].op;
	rest = item + nlen + strlen(ops[k].tok);
	t->str = strdup(rest);
	if (!t->str) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (t->op == FOP_RE || t->op == FOP_NRE) {
		if (regcomp(&t->re, rest, REG_EXTENDED | REG_NOSUB)) {
			snprintf(err, errlen, "bad filter \"%s\": invalid regular expression", item);
			return -1;
		}
		t->regex_ok = true;
		return 0;
	}
	if (s->f[t->idx]->type == FT_BOOL && parse_bool_value(rest, &t->num)) {
		snprintf(err, errlen, "bad filter \"%s\": %s is true or false", item, s->f[t->idx]->name);
		return -1;
	}
	if (s->f[t->idx]->type != FT_STR && s->f[t->idx]->type != FT_JSON &&
	    s->f[t->idx]->type != FT_BOOL && parse_number(rest, s->f[t->idx], &t->num)) {
		snprintf(err, errlen, "bad filter \"%s\": %s is a number", item, s->f[t->idx]->name);
		return -1;
	}
	return 0;
}

int filter_parse(struct filter *f, const struct schema *s, const char *expr,
		 char *err, size_t errlen)
{
	char *copy = strdup(expr), *save = NULL, *item;
	int ret = 0;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		struct filter_term *t;
		void *p = realloc(f->t, (f->n + 1) * sizeof(*f->t));

		if (!p) {
			snprintf(err, errlen, "out of memory");
			ret = -1;
			break;
		}
		f->t = p;
		t = &f->t[f->n++];
		memset(t, 0, sizeof(*t));
		if (parse_term(t, s, item, err, errlen)) {
			ret = -1;
			break;
		}
	}
	if (!ret && !f->n) {
		snprintf(err, errlen, "bad filter \"%s\": empty", expr);
		ret = -1;
	}
	free(copy);
	return ret;
}

static int cmp_values(const struct filter_term *t, const struct field *f, const struct value *v)
{
	if (f->type == FT_STR || f->type == FT_JSON) {
		size_t len = strlen(t->str), n = v->len < len ? v->len : len;
		int c = n ? memcmp(v->s, t->str, n) : 0;

		if (c)
			return c;
		return (v->len > len) - (v->len < len);
	}
	if (f->type == FT_INT)
		return (v->i > t->num) - (v->i < t->num);
	return (v->u > (uint64_t)t->num) - (v->u < (uint64_t)t->num);
}

static bool regex_matches(const struct filter_term *t, const struct field *f, const struct value *v)
{
	char buf[4096];

	if (f->type == FT_STR || f->type == FT_JSON) {
		size_t n = v->len < sizeof(buf) - 1 ? v->len : sizeof(buf) - 1;

		memcpy(buf, v->s ? v->s : "", n);
		buf[n] = 0;
	} else if (f->type == FT_INT) {
		snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
	} else {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v->u);
	}
	return regexec(&t->re, buf, 0, NULL, 0) == 0;
}

static bool term_matches(const struct filter_term *t, const struct field *f, const struct value *v)
{
	switch (t->op) {
	case FOP_EQ: return cmp_values(t, f, v) == 0;
	case FOP_NE: return cmp_values(t, f, v) != 0;
	case FOP_GE: return cmp_values(t, f, v) >= 0;
	case FOP_GT: return cmp_values(t, f, v) > 0;
	case FOP_LE: return cmp_values(t, f, v) <= 0;
	case FOP_LT: return cmp_values(t, f, v) < 0;
	case FOP_RE: return regex_matches(t, f, v);
	case FOP_NRE: return !regex_matches(t, f, v);
	}
	return false;
}

bool filter_match(const struct filter *f, const struct schema *s, const struct row *r)
{
	for (size_t i = 0; i < f->n; i++) {
		const struct filter_term *t = &f->t[i];

		if (!term_matches(t, s->f[t->idx], &r->v[t->idx]))
			return false;
	}
	return true;
}

void filter_free(struct filter *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->t[i].str);
		if (f->t[i].regex_ok)
			regfree(&f->t[i].re);
	}
	free(f->t);
	f->t = NULL;
	f->n = 0;
}
