/* funcs.c - the one sorted function table, merged from each group's table */
#include "funcs.h"
#include "template.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const struct arc_tpl_func *const groups[] = {
	arc_tpl_funcs_builtin,  arc_tpl_funcs_strings, arc_tpl_funcs_regex,  arc_tpl_funcs_lists,
	arc_tpl_funcs_dicts,    arc_tpl_funcs_defaults, arc_tpl_funcs_reflect, arc_tpl_funcs_paths,
	arc_tpl_funcs_encoding, arc_tpl_funcs_math,    arc_tpl_funcs_semver, arc_tpl_funcs_date,
	arc_tpl_funcs_crypto,   arc_tpl_funcs_url,     arc_tpl_funcs_helm,
};

static struct arc_tpl_func *table;
static size_t table_len;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct arc_tpl_func *)a)->name, ((const struct arc_tpl_func *)b)->name);
}

static void build_table(void)
{
	size_t g, n = 0, i;
	for (g = 0; g < ARC_ARRAY_LEN(groups); g++)
		for (i = 0; groups[g][i].name; i++)
			n++;
	table = xcalloc(n, sizeof(*table));
	for (g = 0; g < ARC_ARRAY_LEN(groups); g++)
		for (i = 0; groups[g][i].name; i++)
			table[table_len++] = groups[g][i];
	qsort(table, table_len, sizeof(*table), cmp_func);
	/* a name defined twice is a programming error: the later group must not shadow */
	for (i = 1; i < table_len; i++)
		if (strcmp(table[i - 1].name, table[i].name) == 0)
			arc_die("template function %s is defined twice", table[i].name);
}

const struct arc_tpl_func *arc_tpl_func_find(const char *name)
{
	struct arc_tpl_func key;
	pthread_once(&table_once, build_table);
	key.name = name;
	return bsearch(&key, table, table_len, sizeof(*table), cmp_func);
}

size_t arc_tpl_func_count(void)
{
	pthread_once(&table_once, build_table);
	return table_len;
}

const struct arc_tpl_func *arc_tpl_func_at(size_t i)
{
	pthread_once(&table_once, build_table);
	return i < table_len ? &table[i] : NULL;
}

/* ---- size budgets (func.h) ---- */

void arc_tpl_buf_bound(struct arc_buf *b)
{
	if (!b->max || b->max > b->len + ARC_TPL_MAX_VALUE)
		b->max = b->len + ARC_TPL_MAX_VALUE;
}

int arc_tpl_err_too_large(void)
{
	return arc_error_code(ARC_E_CALL, "result too large: more than %zu bytes in one value", ARC_TPL_MAX_VALUE);
}

int arc_tpl_err_too_many(void)
{
	return arc_error_code(ARC_E_CALL, "result too large: more than %zu elements in one list or map",
			      ARC_TPL_MAX_ITEMS);
}

/* ---- pairs of containers already visited (deepEqual, merge) ---- */

static size_t pair_hash(const void *a, const void *b)
{
	uint64_t h = (uint64_t)(uintptr_t)a * 0x9E3779B97F4A7C15ull;
	h ^= (uint64_t)(uintptr_t)b * 0xC2B2AE3D27D4EB4Full;
	return (size_t)(h ^ (h >> 29));
}

int tpl_pairset_add(struct tpl_pairset *s, const void *a, const void *b)
{
	size_t i, mask;
	if ((s->n + 1) * 2 > s->cap) {
		const void **old = s->k;
		size_t oc = s->cap, j;
		s->cap = oc ? oc * 2 : 64;
		s->k = xcalloc(s->cap * 2, sizeof(*s->k));
		s->n = 0;
		for (j = 0; j < oc; j++)
			if (old[2 * j])
				tpl_pairset_add(s, old[2 * j], old[2 * j + 1]);
		free(old);
	}
	mask = s->cap - 1;
	for (i = pair_hash(a, b) & mask; s->k[2 * i]; i = (i + 1) & mask)
		if (s->k[2 * i] == a && s->k[2 * i + 1] == b)
			return 1;
	s->k[2 * i] = a;
	s->k[2 * i + 1] = b;
	s->n++;
	return 0;
}

int tpl_pairset_has(const struct tpl_pairset *s, const void *a, const void *b)
{
	size_t i, mask;
	if (!s->cap)
		return 0;
	mask = s->cap - 1;
	for (i = pair_hash(a, b) & mask; s->k[2 * i]; i = (i + 1) & mask)
		if (s->k[2 * i] == a && s->k[2 * i + 1] == b)
			return 1;
	return 0;
}

void tpl_pairset_free(struct tpl_pairset *s)
{
	free(s->k);
	memset(s, 0, sizeof(*s));
}
