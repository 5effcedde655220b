/* SPDX-License-Identifier: Apache-2.0 */
/* Comma lists such as "a,b,c", as flags take them: one walker for all. */
#ifndef IG_LIST_H
#define IG_LIST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Call fn(item, len, arg) for each non-empty item of list. Stops at the
 * first non-zero return and returns it, with the item in *bad and *badlen
 * (either may be NULL). A NULL list has no items.
 */
int list_each(const char *list, int (*fn)(const char *item, size_t len, void *arg), void *arg,
	      const char **bad, size_t *badlen);
/* How many items list has, counting empty ones: an upper bound. */
size_t list_count(const char *list);
/* Whether list has the item word (len bytes), in any case if fold_case. */
bool list_has(const char *list, const char *word, size_t len, bool fold_case);

#endif
