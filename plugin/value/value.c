/* value.c - reference-counted values; lists; insertion-ordered hashed maps */
#include "value.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static arc_value v_null = { 0, ARC_NULL, 0, 0, { 0 } };
static arc_value v_null_const = { 0, ARC_NULL, 0, ARC_VF_CONST, { 0 } };
static arc_value v_true = { 0, ARC_BOOL, 0, 0, { .b = 1 } };
static arc_value v_false = { 0, ARC_BOOL, 0, 0, { .b = 0 } };

static arc_value *vnew(arc_vkind k)
{
	arc_value *v = xcalloc(1, sizeof(*v));
	v->refcnt = 1;
	v->kind = (uint8_t)k;
	return v;
}

arc_value *arc_v_null(void) { return &v_null; }
arc_value *arc_v_null_const(void) { return &v_null_const; }
arc_value *arc_v_bool(int b) { return b ? &v_true : &v_false; }

arc_value *arc_v_int(int64_t i)
{
	arc_value *v = vnew(ARC_INT);
	v->u.i = i;
	return v;
}

arc_value *arc_v_int_typed(int64_t i, int gotype)
{
	arc_value *v = arc_v_int(i);
	v->gotype = (uint8_t)gotype;
	return v;
}

arc_value *arc_v_float(double f)
{
	arc_value *v = vnew(ARC_FLOAT);
	v->u.f = f;
	return v;
}

arc_value *arc_v_str_take(char *s, size_t len)
{
	arc_value *v = vnew(ARC_STRING);
	v->u.s.ptr = s;
	v->u.s.len = len;
	return v;
}

arc_value *arc_v_strn(const char *s, size_t len)
{
	return arc_v_str_take(xstrndup(s, len), len);
}

arc_value *arc_v_str(const char *s)
{
	return arc_v_strn(s, strlen(s));
}

arc_value *arc_v_str_buf(struct arc_buf *b)
{
	size_t len;
	char *p = arc_buf_detach(b, &len);
	return arc_v_str_take(p, len);
}

arc_value *arc_v_list(void) { return vnew(ARC_LIST); }
arc_value *arc_v_map(void) { return vnew(ARC_MAP); }

arc_value *arc_v_object(const struct arc_vclass *cls, void *data)
{
	arc_value *v = vnew(ARC_OBJECT);
	v->u.o.cls = cls;
	v->u.o.data = data;
	return v;
}

arc_value *arc_v_ref(arc_value *v)
{
	if (v && v->refcnt)
		v->refcnt++;
	return v;
}

static void vfree(arc_value *v)
{
	size_t i;
	switch (v->kind) {
	case ARC_STRING:
		free(v->u.s.ptr);
		break;
	case ARC_LIST:
		for (i = 0; i < v->u.l.len; i++)
			arc_v_unref(v->u.l.items[i]);
		free(v->u.l.items);
		break;
	case ARC_MAP:
		for (i = 0; i < v->u.m.len; i++) {
			free(v->u.m.ents[i].key);
			arc_v_unref(v->u.m.ents[i].val);
		}
		free(v->u.m.ents);
		free(v->u.m.index);
		break;
	case ARC_OBJECT:
		if (v->u.o.cls && v->u.o.cls->free)
			v->u.o.cls->free(v->u.o.data);
		break;
	default:
		break;
	}
	free(v);
}

void arc_v_unref(arc_value *v)
{
	if (!v || !v->refcnt)
		return;
	if (--v->refcnt == 0)
		vfree(v);
}

const char *arc_v_gotype_name(const arc_value *v)
{
	switch (v->kind) {
	case ARC_NULL:
		return "<nil>";
	case ARC_BOOL:
		return "bool";
	case ARC_INT:
		switch (v->gotype) {
		case ARC_GO_INT64: return "int64";
		case ARC_GO_INT32: return "int32";
		case ARC_GO_UINT8: return "uint8";
		case ARC_GO_UINT64: return "uint64";
		default: return "int";
		}
	case ARC_FLOAT:
		return "float64";
	case ARC_STRING:
		return v->gotype == ARC_GO_BYTES ? "[]uint8" : "string";
	case ARC_LIST:
		switch (v->gotype) {
		case ARC_GO_STRINGS: return "[]string";
		case ARC_GO_INTS: return "[]int";
		case ARC_GO_LISTS: return "[][]interface {}";
		default: return "[]interface {}";
		}
	case ARC_MAP:
		switch (v->gotype) {
		case ARC_GO_VALUES: return "common.Values"; /* helm 4 */
		case ARC_GO_MAPSTR: return "map[string]string";
		default: return "map[string]interface {}";
		}
	case ARC_OBJECT:
		return v->u.o.cls && v->u.o.cls->gotype ? v->u.o.cls->gotype : "struct {}";
	}
	return "<nil>";
}

const char *arc_v_gokind_name(const arc_value *v)
{
	switch (v->kind) {
	case ARC_NULL: return "invalid";
	case ARC_BOOL: return "bool";
	case ARC_INT:
		switch (v->gotype) {
		case ARC_GO_INT64: return "int64";
		case ARC_GO_INT32: return "int32";
		case ARC_GO_UINT8: return "uint8";
		case ARC_GO_UINT64: return "uint64";
		default: return "int";
		}
	case ARC_FLOAT: return "float64";
	case ARC_STRING: return v->gotype == ARC_GO_BYTES ? "slice" : "string";
	case ARC_LIST: return "slice";
	case ARC_MAP: return "map";
	case ARC_OBJECT: {
		const char *t = arc_v_gotype_name(v);
		arc_value *u;
		if (t[0] == '*')
			return "ptr";
		if ((u = arc_v_underlying((arc_value *)v)) != NULL) { /* lookup reads only */
			/* a named integer, map or slice type: its kind is the underlying one */
			t = u->kind == ARC_OBJECT ? "struct" : arc_v_gokind_name(u);
			arc_v_unref(u);
			return t;
		}
		return "struct";
	}
	}
	return "invalid";
}

int arc_v_truthy(const arc_value *v)
{
	switch (v->kind) {
	case ARC_NULL: return 0;
	case ARC_BOOL: return v->u.b;
	case ARC_INT: return v->u.i != 0;
	case ARC_FLOAT: return v->u.f != 0;
	case ARC_STRING: return v->u.s.len != 0;
	case ARC_LIST: return v->u.l.len != 0;
	case ARC_MAP: return v->u.m.len != 0;
	case ARC_OBJECT: return 1;
	}
	return 0;
}

int arc_v_equal(const arc_value *a, const arc_value *b)
{
	size_t i;
	if (a == b)
		return 1;
	if (a->kind != b->kind || a->gotype != b->gotype)
		return 0;
	switch (a->kind) {
	case ARC_NULL: return 1;
	case ARC_BOOL: return a->u.b == b->u.b;
	case ARC_INT: return a->u.i == b->u.i;
	case ARC_FLOAT: return a->u.f == b->u.f;
	case ARC_STRING:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
	case ARC_LIST:
		if (a->u.l.len != b->u.l.len)
			return 0;
		for (i = 0; i < a->u.l.len; i++)
			if (!arc_v_equal(a->u.l.items[i], b->u.l.items[i]))
				return 0;
		return 1;
	case ARC_MAP:
		if (a->u.m.len != b->u.m.len)
			return 0;
		for (i = 0; i < a->u.m.len; i++) {
			const struct arc_mapent *e = &a->u.m.ents[i];
			arc_value *o = arc_v_map_getn(b, e->key, e->klen);
			if (!o || !arc_v_equal(e->val, o))
				return 0;
		}
		return 1;
	case ARC_OBJECT:
		return a->u.o.data == b->u.o.data && a->u.o.cls == b->u.o.cls;
	}
	return 0;
}

/* ---- change tracking ---- */

static _Atomic uint64_t epoch;

uint64_t arc_v_epoch(void)
{
	return atomic_load_explicit(&epoch, memory_order_relaxed);
}

static inline void changed(arc_value *c)
{
	if (c->flags & ARC_VF_WATCHED)
		atomic_fetch_add_explicit(&epoch, 1, memory_order_relaxed);
}

void arc_v_touch(arc_value *c)
{
	changed(c);
}

int arc_v_watch(arc_value *v, int max_depth)
{
	size_t i;
	if (max_depth < 0)
		return -1;
	switch (v->kind) {
	case ARC_LIST:
		if (v->refcnt)
			v->flags |= ARC_VF_WATCHED;
		for (i = 0; i < v->u.l.len; i++)
			if (arc_v_watch(v->u.l.items[i], max_depth - 1))
				return -1;
		return 0;
	case ARC_MAP:
		if (v->refcnt)
			v->flags |= ARC_VF_WATCHED;
		for (i = 0; i < v->u.m.len; i++)
			if (arc_v_watch(v->u.m.ents[i].val, max_depth - 1))
				return -1;
		return 0;
	case ARC_OBJECT:
		return -1;
	default:
		return 0;
	}
}

/* ---- lists ---- */

size_t arc_v_list_len(const arc_value *l) { return l->u.l.len; }
arc_value *arc_v_list_at(const arc_value *l, size_t i) { return l->u.l.items[i]; }

void arc_v_list_push(arc_value *l, arc_value *take)
{
	changed(l);
	if (l->u.l.len == l->u.l.cap) {
		l->u.l.cap = l->u.l.cap ? l->u.l.cap * 2 : 4;
		l->u.l.items = xrealloc(l->u.l.items, l->u.l.cap * sizeof(*l->u.l.items));
	}
	l->u.l.items[l->u.l.len++] = take;
}

void arc_v_list_set(arc_value *l, size_t i, arc_value *take)
{
	arc_value *old = l->u.l.items[i];
	changed(l);
	l->u.l.items[i] = take;
	arc_v_unref(old);
}

/* ---- maps ---- */

#define MAP_INDEX_MIN 9 /* build a hash index from this many entries on */

static uint32_t hash_key(const char *k, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 16777619u;
	}
	return h;
}

static void index_rebuild(arc_value *m)
{
	size_t i, cap = 16;
	while (cap < m->u.m.len * 2 + 2)
		cap *= 2;
	free(m->u.m.index);
	m->u.m.index = xcalloc(cap, sizeof(uint32_t));
	m->u.m.icap = cap;
	for (i = 0; i < m->u.m.len; i++) {
		size_t p = m->u.m.ents[i].hash & (cap - 1);
		while (m->u.m.index[p])
			p = (p + 1) & (cap - 1);
		m->u.m.index[p] = (uint32_t)(i + 1);
	}
}

static long map_find(const arc_value *m, const char *key, size_t klen, uint32_t h)
{
	size_t i;
	if (m->u.m.index) {
		size_t cap = m->u.m.icap, p = h & (cap - 1);
		while (m->u.m.index[p]) {
			const struct arc_mapent *e = &m->u.m.ents[m->u.m.index[p] - 1];
			if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
				return (long)m->u.m.index[p] - 1;
			p = (p + 1) & (cap - 1);
		}
		return -1;
	}
	for (i = 0; i < m->u.m.len; i++) {
		const struct arc_mapent *e = &m->u.m.ents[i];
		if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0)
			return (long)i;
	}
	return -1;
}

size_t arc_v_map_len(const arc_value *m) { return m->u.m.len; }

arc_value *arc_v_map_getn(const arc_value *m, const char *key, size_t klen)
{
	long i = map_find(m, key, klen, hash_key(key, klen));
	return i < 0 ? NULL : m->u.m.ents[i].val;
}

arc_value *arc_v_map_get(const arc_value *m, const char *key)
{
	return arc_v_map_getn(m, key, strlen(key));
}

void arc_v_map_setn(arc_value *m, const char *key, size_t klen, arc_value *take)
{
	uint32_t h = hash_key(key, klen);
	long i = map_find(m, key, klen, h);
	struct arc_mapent *e;

	changed(m);
	if (i >= 0) {
		arc_value *old = m->u.m.ents[i].val;
		m->u.m.ents[i].val = take;
		arc_v_unref(old);
		return;
	}
	if (m->u.m.len == m->u.m.cap) {
		m->u.m.cap = m->u.m.cap ? m->u.m.cap * 2 : 4;
		m->u.m.ents = xrealloc(m->u.m.ents, m->u.m.cap * sizeof(*m->u.m.ents));
	}
	e = &m->u.m.ents[m->u.m.len++];
	e->key = xstrndup(key, klen);
	e->klen = klen;
	e->hash = h;
	e->val = take;
	if (m->u.m.len >= MAP_INDEX_MIN) {
		if (!m->u.m.index || m->u.m.len * 2 + 2 > m->u.m.icap) {
			index_rebuild(m);
		} else {
			size_t cap = m->u.m.icap, p = h & (cap - 1);
			while (m->u.m.index[p])
				p = (p + 1) & (cap - 1);
			m->u.m.index[p] = (uint32_t)m->u.m.len;
		}
	}
}

void arc_v_map_set(arc_value *m, const char *key, arc_value *take)
{
	arc_v_map_setn(m, key, strlen(key), take);
}

int arc_v_map_del(arc_value *m, const char *key)
{
	size_t klen = strlen(key);
	long i = map_find(m, key, klen, hash_key(key, klen));
	if (i < 0)
		return 0;
	changed(m);
	free(m->u.m.ents[i].key);
	arc_v_unref(m->u.m.ents[i].val);
	memmove(&m->u.m.ents[i], &m->u.m.ents[i + 1], (m->u.m.len - (size_t)i - 1) * sizeof(struct arc_mapent));
	m->u.m.len--;
	if (m->u.m.index) {
		if (m->u.m.len >= MAP_INDEX_MIN) {
			index_rebuild(m);
		} else {
			free(m->u.m.index);
			m->u.m.index = NULL;
			m->u.m.icap = 0;
		}
	}
	return 1;
}

const char *arc_v_map_key(const arc_value *m, size_t i) { return m->u.m.ents[i].key; }
size_t arc_v_map_keylen(const arc_value *m, size_t i) { return m->u.m.ents[i].klen; }
arc_value *arc_v_map_val(const arc_value *m, size_t i) { return m->u.m.ents[i].val; }

static _Thread_local const struct arc_mapent *sort_ents; /* per thread: JSON may be encoded on apply workers */

static int cmp_ents(const struct arc_mapent *x, const struct arc_mapent *y)
{
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int cmp_idx(const void *a, const void *b)
{
	return cmp_ents(&sort_ents[*(const size_t *)a], &sort_ents[*(const size_t *)b]);
}

size_t *arc_v_map_sorted(const arc_value *m)
{
	size_t i, j, n = m->u.m.len;
	size_t *idx = xmalloc((n ? n : 1) * sizeof(size_t));
	const struct arc_mapent *ents = m->u.m.ents;
	if (n <= 16) {
		/* small maps (nearly all): insertion sort, keys are distinct */
		for (i = 0; i < n; i++) {
			for (j = i; j > 0 && cmp_ents(&ents[idx[j - 1]], &ents[i]) > 0; j--)
				idx[j] = idx[j - 1];
			idx[j] = i;
		}
		return idx;
	}
	for (i = 0; i < n; i++)
		idx[i] = i;
	/* qsort has no context argument in C11: the array goes through a thread-local */
	sort_ents = ents;
	qsort(idx, n, sizeof(size_t), cmp_idx);
	sort_ents = NULL;
	return idx;
}

/* ---- objects ---- */

arc_value *arc_v_underlying(arc_value *v)
{
	arc_value *u = NULL;
	if (v->kind != ARC_OBJECT || !v->u.o.cls || !v->u.o.cls->lookup)
		return NULL;
	if (v->u.o.cls->lookup(v, "", 0, NULL, 0, &u) != 0) {
		arc_error_clear();
		return NULL;
	}
	if (u && (u->kind == ARC_INT || u->kind == ARC_MAP || u->kind == ARC_LIST))
		return u;
	arc_v_unref(u);
	return NULL;
}

int arc_v_object_int(arc_value *v, int64_t *out)
{
	arc_value *u = arc_v_underlying(v);
	int ok = u && u->kind == ARC_INT;
	if (ok)
		*out = u->u.i;
	arc_v_unref(u);
	return ok;
}

int arc_v_marshal_json(arc_value *v, arc_value **out)
{
	arc_value *u = NULL;
	int rc;
	*out = NULL;
	if (v->kind != ARC_OBJECT || !v->u.o.cls || !v->u.o.cls->lookup)
		return ARC_E_NOTFOUND;
	rc = v->u.o.cls->lookup(v, "MarshalJSON", 1, NULL, 0, &u);
	if (rc == ARC_E_NOTFOUND || (rc == 0 && (!u || u->kind != ARC_STRING))) {
		arc_v_unref(u);
		arc_error_clear();
		return ARC_E_NOTFOUND;
	}
	if (rc < 0)
		return rc;
	*out = u;
	return 0;
}

/* ---- copies ---- */

arc_value *arc_v_copy_shallow(arc_value *v)
{
	arc_value *c;
	size_t i;
	switch (v->kind) {
	case ARC_LIST:
		c = arc_v_list();
		c->gotype = v->gotype;
		for (i = 0; i < v->u.l.len; i++)
			arc_v_list_push(c, arc_v_ref(v->u.l.items[i]));
		return c;
	case ARC_MAP:
		c = arc_v_map();
		c->gotype = v->gotype;
		for (i = 0; i < v->u.m.len; i++)
			arc_v_map_setn(c, v->u.m.ents[i].key, v->u.m.ents[i].klen, arc_v_ref(v->u.m.ents[i].val));
		return c;
	default:
		return arc_v_ref(v);
	}
}

arc_value *arc_v_copy_deep(arc_value *v)
{
	arc_value *c;
	size_t i;
	switch (v->kind) {
	case ARC_LIST:
		c = arc_v_list();
		c->gotype = v->gotype;
		for (i = 0; i < v->u.l.len; i++)
			arc_v_list_push(c, arc_v_copy_deep(v->u.l.items[i]));
		return c;
	case ARC_MAP:
		c = arc_v_map();
		c->gotype = v->gotype;
		for (i = 0; i < v->u.m.len; i++)
			arc_v_map_setn(c, v->u.m.ents[i].key, v->u.m.ents[i].klen,
				       arc_v_copy_deep(v->u.m.ents[i].val));
		return c;
	default:
		return arc_v_ref(v);
	}
}
