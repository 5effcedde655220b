// SPDX-License-Identifier: Apache-2.0
#include <string.h>
#include <strings.h>
#include "list.h"

int list_each(const char *list, int (*fn)(const char *item, size_t len, void *arg), void *arg,
	      const char **bad, size_t *badlen)
{
	while (list && *list) {
		size_t len = strcspn(list, ",");
		int ret = len ? fn(list, len, arg) : 0;

		if (ret) {
			if (bad)
				*bad = list;
			if (badlen)
				*badlen = len;
			return ret;
		}
		list += len + (list[len] == ',');
	}
	return 0;
}

size_t list_count(const char *list)
{
	size_t n = 1;

	if (!list || !*list)
		return 0;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

struct wanted {
	const char *word;
	size_t len;
	bool fold_case;
};

static int same(const char *item, size_t len, void *arg)
{
	const struct wanted *w = arg;

	if (len != w->len)
		return 0;
	return w->fold_case ? !strncasecmp(item, w->word, len) : !memcmp(item, w->word, len);
}

bool list_has(const char *list, const char *word, size_t len, bool fold_case)
{
	struct wanted w = { word, len, fold_case };

	return list_each(list, same, &w, NULL, NULL) != 0;
}
