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

/* Look-up is by a hash index over the groups' own tables (built once:
 * ~300 names hashed, where sorting a merged copy cost ~0.1 M instructions
 * at every start); the sorted table is made only when asked for. */
static const struct arc_tpl_func **hidx;
static size_t hcap;
static pthread_once_t hidx_once = PTHREAD_ONCE_INIT;
static struct arc_tpl_func *table;
static size_t table_len;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static size_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

static void build_index(void)
{
	size_t g, n = 0, i, k;
	for (g = 0; g < ARC_ARRAY_LEN(groups); g++)
		for (i = 0; groups[g][i].name; i++)
			n++;
	hcap = 64;
	while (hcap < 2 * n)
		hcap *= 2;
	hidx = xcalloc(hcap, sizeof(*hidx));
	for (g = 0; g < ARC_ARRAY_LEN(groups); g++) {
		for (i = 0; groups[g][i].name; i++) {
			const struct arc_tpl_func *f = &groups[g][i];
			for (k = name_hash(f->name) & (hcap - 1); hidx[k]; k = (k + 1) & (hcap - 1))
				if (strcmp(hidx[k]->name, f->name) == 0)
					/* a programming error: the later group must not shadow */
					arc_die("template function %s is defined twice", f->name);
			hidx[k] = f;
		}
	}
}

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
}

const struct arc_tpl_func *arc_tpl_func_find(const char *name)
{
	size_t k;
	pthread_once(&hidx_once, build_index);
	for (k = name_hash(name) & (hcap - 1); hidx[k]; k = (k + 1) & (hcap - 1))
		if (strcmp(hidx[k]->name, name) == 0)
			return hidx[k];
	return NULL;
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
