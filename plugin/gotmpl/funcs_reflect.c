/*
 * funcs_reflect.c - Sprig's reflection functions: typeOf typeIs typeIsLike
 * kindOf kindIs deepEqual, and arc_tpl_deep_equal (Go's reflect.DeepEqual)
 * that the list functions share.
 *
 * typeOf is Go's %T ("<nil>" for nil), kindOf is reflect.Kind's name
 * ("invalid" for nil); value.h knows the Go type each value stands for.
 */
#include "funcs.h"

#include <string.h>

/* Recursion bound for the C stack (cycles end through the pair set, as in
 * Go): two structures still equal this deep are taken as equal. */
#define EQUAL_MAX_DEPTH 1000

/* Go's nil slice or map (value.h ARC_VF_NIL) */
static int is_nil_container(const arc_value *v)
{
	return (v->flags & ARC_VF_NIL) && (v->kind == ARC_LIST ? arc_v_list_len(v) : arc_v_map_len(v)) == 0;
}

/* Go's DeepEqual: a pair of containers compared once is not compared
 * again (taken as equal while in progress: cycles), so shared containers
 * cost one visit per pair */
static int deep_equal(const arc_value *a, const arc_value *b, int depth, struct tpl_pairset *seen)
{
	size_t i, n;
	if (a->kind != b->kind || a->gotype != b->gotype)
		return 0;
	/* an empty slice or map is not DeepEqual to a nil one */
	if ((a->kind == ARC_LIST || a->kind == ARC_MAP) && is_nil_container(a) != is_nil_container(b))
		return 0;
	if (depth > EQUAL_MAX_DEPTH)
		return 1;
	switch (a->kind) {
	case ARC_NULL:
		return 1;
	case ARC_BOOL:
		return a->u.b == b->u.b;
	case ARC_INT:
		return a->u.i == b->u.i;
	case ARC_FLOAT:
		return a->u.f == b->u.f; /* NaN != NaN, as in Go */
	case ARC_STRING:
		return a->u.s.len == b->u.s.len && memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len) == 0;
	case ARC_LIST:
		if (a == b || tpl_pairset_add(seen, a, b))
			return 1;
		n = arc_v_list_len(a);
		if (n != arc_v_list_len(b))
			return 0;
		for (i = 0; i < n; i++)
			if (!deep_equal(arc_v_list_at(a, i), arc_v_list_at(b, i), depth + 1, seen))
				return 0;
		return 1;
	case ARC_MAP:
		if (a == b || tpl_pairset_add(seen, a, b))
			return 1;
		n = arc_v_map_len(a);
		if (n != arc_v_map_len(b))
			return 0;
		for (i = 0; i < n; i++) {
			const arc_value *o = arc_v_map_getn(b, arc_v_map_key(a, i), arc_v_map_keylen(a, i));
			if (!o || !deep_equal(arc_v_map_val(a, i), o, depth + 1, seen))
				return 0;
		}
		return 1;
	case ARC_OBJECT: {
		arc_value *ua, *ub;
		int eq;
		if (a->u.o.cls != b->u.o.cls)
			return 0;
		if (a->u.o.data == b->u.o.data)
			return 1;
		/* two values of one named integer, map or slice type: by content */
		ua = arc_v_underlying((arc_value *)a);
		ub = ua ? arc_v_underlying((arc_value *)b) : NULL;
		eq = ua && ub && deep_equal(ua, ub, depth + 1, seen);
		arc_v_unref(ua);
		arc_v_unref(ub);
		return eq;
	}
	}
	return 0;
}

int arc_tpl_deep_equal(const arc_value *a, const arc_value *b)
{
	struct tpl_pairset seen = { NULL, 0, 0 };
	int eq = deep_equal(a, b, 0, &seen);
	tpl_pairset_free(&seen);
	return eq;
}

arc_value *arc_tpl_unconst(arc_value *v)
{
	arc_value *r;
	if (!(v->flags & ARC_VF_CONST))
		return arc_v_ref(v);
	switch (v->kind) {
	case ARC_BOOL:
		return arc_v_bool(v->u.b);
	case ARC_INT:
		return arc_v_int_typed(v->u.i, v->gotype);
	case ARC_FLOAT:
		return arc_v_float(v->u.f);
	case ARC_STRING:
		r = arc_v_strn(v->u.s.ptr, v->u.s.len);
		r->gotype = v->gotype;
		return r;
	case ARC_NULL:
		return arc_v_null();
	default:
		r = arc_v_copy_shallow(v);
		r->flags = (uint16_t)(r->flags & ~ARC_VF_CONST);
		return r;
	}
}

static int fn_typeOf(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_str(arc_v_gotype_name(c->args[0]));
	return 0;
}

static int fn_kindOf(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_str(arc_v_gokind_name(c->args[0]));
	return 0;
}

static int target_is(struct arc_tpl_call *c, const char *name, int like, arc_value **out)
{
	const char *t;
	size_t tl, nl = strlen(name);
	int rc, eq;
	if ((rc = arc_tpl_arg_str(c, 0, &t, &tl)) < 0)
		return rc;
	eq = tl == nl && memcmp(t, name, nl) == 0;
	/* typeIsLike: "T" also matches "*T" */
	if (!eq && like && nl == tl + 1 && name[0] == '*')
		eq = memcmp(t, name + 1, tl) == 0;
	*out = arc_v_bool(eq);
	return 0;
}

static int fn_typeIs(struct arc_tpl_call *c, arc_value **out)
{
	return target_is(c, arc_v_gotype_name(c->args[1]), 0, out);
}

static int fn_typeIsLike(struct arc_tpl_call *c, arc_value **out)
{
	return target_is(c, arc_v_gotype_name(c->args[1]), 1, out);
}

static int fn_kindIs(struct arc_tpl_call *c, arc_value **out)
{
	return target_is(c, arc_v_gokind_name(c->args[1]), 0, out);
}

static int fn_deepEqual(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_bool(arc_tpl_deep_equal(c->args[0], c->args[1]));
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_reflect[] = {
	{ "deepEqual", fn_deepEqual, 2, 2 },
	{ "kindIs", fn_kindIs, 2, 2 },
	{ "kindOf", fn_kindOf, 1, 1 },
	{ "typeIs", fn_typeIs, 2, 2 },
	{ "typeIsLike", fn_typeIsLike, 2, 2 },
	{ "typeOf", fn_typeOf, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
