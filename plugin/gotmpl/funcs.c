/* funcs.c - the one sorted function table, merged from each group's table */
#include "funcs.h"

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
