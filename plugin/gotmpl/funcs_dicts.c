/*
 * funcs_dicts.c - Sprig's dict functions: dict get set unset hasKey pluck
 * keys pick omit values merge mergeOverwrite mustMerge mustMergeOverwrite
 * dig deepCopy mustDeepCopy.
 *
 * Maps are shared and mutable (value.h): set, unset and merge change the
 * caller's map in place, as Go maps do.  keys and values follow the map's
 * insertion order; Go's is random, so charts sort them.
 *
 * Parameters typed map[string]interface{} in Go accept that type and
 * Helm's Values (a named map type, assignable to it); map[string]string
 * and lists are refused with text/template's own errors, and an untyped nil
 * becomes a nil map (reads see nothing, writes panic) while the nil interface{}
 * of a missing field (ARC_VF_NILIFACE) is a value of the wrong type.
 */
#include "funcs.h"
#include "../value/codec.h"

#include <stdlib.h>
#include <string.h>

/* nesting bound for merge and deepCopy: a map can contain itself */
#define MAX_DEPTH 10000

#define MAP_T "map[string]interface {}"

/* text/template's conversion of argument i to map[string]interface{};
 * *out is the map or a null value (a nil map). */
static int map_arg(struct arc_tpl_call *c, int i, arc_value **out)
{
	arc_value *v = c->args[i];
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if (v->kind == ARC_MAP && (v->gotype == ARC_GO_DEFAULT || v->gotype == ARC_GO_VALUES)) {
		*out = v;
		return 0;
	}
	if (v->kind == ARC_NULL && !(v->flags & ARC_VF_NILIFACE)) {
		*out = v;
		return 0;
	}
	c->bad_arg = i;
	if (v->kind == ARC_NULL) /* a nil interface{} from a field: a value of the wrong type */
		return arc_error_code(ARC_E_EXEC,
				      "wrong type for value; expected " MAP_T "; got interface {}");
	if (!(v->flags & ARC_VF_CONST))
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected " MAP_T "; got %s",
				      arc_v_gotype_name(v));
	/* a literal string, number or bool where a map is wanted */
	if (v->kind == ARC_STRING)
		arc_fmt_quote(&b, arc_v_strptr(v), arc_v_strlen(v));
	else
		arc_fmt_v(&b, v);
	rc = arc_error_code(ARC_E_EXEC, "can't handle %s for arg of type " MAP_T, arc_buf_cstr(&b));
	arc_buf_release(&b);
	return rc;
}

static int is_map(const arc_value *v)
{
	return v->kind == ARC_MAP;
}

/* mergo's isEmptyValue (dereferencing interfaces): nil, false, 0, "",
 * empty collections */
static int is_empty(const arc_value *v)
{
	return !arc_v_truthy(v);
}

/* ---- dict KEY VALUE ... ---- */

static int fn_dict(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d = arc_v_map();
	struct arc_buf key = ARC_BUF_INIT;
	int i;
	for (i = 0; i < c->nargs; i += 2) {
		arc_buf_reset(&key);
		arc_cast_str(&key, c->args[i]);
		arc_v_map_setn(d, arc_buf_cstr(&key), key.len,
			       i + 1 < c->nargs ? arc_tpl_unconst(c->args[i + 1]) : arc_v_str(""));
	}
	arc_buf_release(&key);
	*out = d;
	return 0;
}

/* ---- get, set, unset, hasKey ---- */

static int fn_get(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d, *v = NULL;
	const char *k;
	size_t kl;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = arc_tpl_arg_str(c, 1, &k, &kl)) < 0)
		return rc;
	if (is_map(d))
		v = arc_v_map_getn(d, k, kl);
	*out = v ? arc_v_ref(v) : arc_v_str("");
	return 0;
}

static int fn_set(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d;
	const char *k;
	size_t kl;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = arc_tpl_arg_str(c, 1, &k, &kl)) < 0)
		return rc;
	if (!is_map(d))
		return arc_error_code(ARC_E_CALL, "assignment to entry in nil map");
	arc_v_map_setn(d, k, kl, arc_tpl_unconst(c->args[2]));
	*out = arc_v_ref(d);
	return 0;
}

static int fn_unset(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d;
	const char *k;
	size_t kl;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = arc_tpl_arg_str(c, 1, &k, &kl)) < 0)
		return rc;
	if (!is_map(d)) {
		*out = arc_v_map(); /* Go returns the nil map: prints map[] */
		return 0;
	}
	if (memchr(k, '\0', kl) == NULL) {
		arc_v_map_del(d, k);
	} else if (arc_v_map_getn(d, k, kl)) {
		/* arc_v_map_del takes a C string: rebuild without the key and swap */
		arc_value *copy = arc_v_map();
		size_t i, n = arc_v_map_len(d);
		unsigned char tmp[sizeof(d->u)];
		for (i = 0; i < n; i++) {
			size_t l = arc_v_map_keylen(d, i);
			if (l != kl || memcmp(arc_v_map_key(d, i), k, kl) != 0)
				arc_v_map_setn(copy, arc_v_map_key(d, i), l, arc_v_ref(arc_v_map_val(d, i)));
		}
		memcpy(tmp, &d->u, sizeof(d->u));
		memcpy(&d->u, &copy->u, sizeof(d->u));
		memcpy(&copy->u, tmp, sizeof(d->u));
		arc_v_unref(copy);
	}
	*out = arc_v_ref(d);
	return 0;
}

static int fn_hasKey(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d;
	const char *k;
	size_t kl;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = arc_tpl_arg_str(c, 1, &k, &kl)) < 0)
		return rc;
	*out = arc_v_bool(is_map(d) && arc_v_map_getn(d, k, kl) != NULL);
	return 0;
}

/* ---- pluck KEY DICT... ---- */

static int fn_pluck(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *l, *d, *v;
	const char *k;
	size_t kl;
	int i, rc;
	if ((rc = arc_tpl_arg_str(c, 0, &k, &kl)) < 0)
		return rc;
	for (i = 1; i < c->nargs; i++)
		if ((rc = map_arg(c, i, &d)) < 0)
			return rc;
	l = arc_v_list();
	for (i = 1; i < c->nargs; i++) {
		d = c->args[i];
		if (is_map(d) && (v = arc_v_map_getn(d, k, kl)) != NULL)
			arc_v_list_push(l, arc_v_ref(v));
	}
	*out = l;
	return 0;
}

/* ---- keys DICT..., values DICT ---- */

static int fn_keys(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *l, *d;
	size_t j;
	int i, rc;
	for (i = 0; i < c->nargs; i++)
		if ((rc = map_arg(c, i, &d)) < 0)
			return rc;
	l = arc_v_list();
	l->gotype = ARC_GO_STRINGS;
	for (i = 0; i < c->nargs; i++) {
		d = c->args[i];
		if (!is_map(d))
			continue;
		for (j = 0; j < arc_v_map_len(d); j++)
			arc_v_list_push(l, arc_v_strn(arc_v_map_key(d, j), arc_v_map_keylen(d, j)));
	}
	*out = l;
	return 0;
}

static int fn_values(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *l, *d;
	size_t j;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0)
		return rc;
	l = arc_v_list();
	if (is_map(d))
		for (j = 0; j < arc_v_map_len(d); j++)
			arc_v_list_push(l, arc_v_ref(arc_v_map_val(d, j)));
	*out = l;
	return 0;
}

/* ---- pick DICT KEY..., omit DICT KEY... ---- */

static int key_args(struct arc_tpl_call *c)
{
	const char *k;
	int i, rc;
	for (i = 1; i < c->nargs; i++)
		if ((rc = arc_tpl_arg_str(c, i, &k, NULL)) < 0)
			return rc;
	return 0;
}

static int fn_pick(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d, *r, *v;
	int i, rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = key_args(c)) < 0)
		return rc;
	r = arc_v_map();
	for (i = 1; i < c->nargs; i++) {
		const char *k = arc_v_strptr(c->args[i]);
		size_t kl = arc_v_strlen(c->args[i]);
		if (is_map(d) && (v = arc_v_map_getn(d, k, kl)) != NULL)
			arc_v_map_setn(r, k, kl, arc_v_ref(v));
	}
	*out = r;
	return 0;
}

static int omits(struct arc_tpl_call *c, const char *k, size_t kl)
{
	int i;
	for (i = 1; i < c->nargs; i++)
		if (arc_v_strlen(c->args[i]) == kl && memcmp(arc_v_strptr(c->args[i]), k, kl) == 0)
			return 1;
	return 0;
}

static int fn_omit(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d, *r;
	size_t j;
	int rc;
	if ((rc = map_arg(c, 0, &d)) < 0 || (rc = key_args(c)) < 0)
		return rc;
	r = arc_v_map();
	if (is_map(d))
		for (j = 0; j < arc_v_map_len(d); j++) {
			const char *k = arc_v_map_key(d, j);
			size_t kl = arc_v_map_keylen(d, j);
			if (!omits(c, k, kl))
				arc_v_map_setn(r, k, kl, arc_v_ref(arc_v_map_val(d, j)));
		}
	*out = r;
	return 0;
}

/* ---- merge, mergeOverwrite (dario.cat/mergo semantics) ----
 * For each key of src:
 *   - a nil src value is skipped, or stored as nil when overwriting;
 *   - a map src value merges recursively into a map dst value (in place),
 *     and a non-empty dst map is then kept even when overwriting;
 *   - otherwise src is stored when overwriting, or when dst lacks the key
 *     or holds an empty value (nil, "", 0, false, empty list or map).
 * Lists are never merged element-wise.  Stored values are shared, not
 * copied (a src map placed into dst is the same map). */
static int merge_into(arc_value *dst, arc_value *src, int overwrite, int depth, struct tpl_pairset *seen)
{
	size_t i;
	int rc = 0;
	if (depth > MAX_DEPTH)
		return arc_error_code(ARC_E_CALL, "merge: maps nested deeper than %d levels", MAX_DEPTH);
	/* merging src into dst again changes nothing: a pair of shared maps is
	 * merged once (*seen holds the pairs done; a cycle still recurses into
	 * the depth error, as before) */
	if (tpl_pairset_has(seen, dst, src))
		return 0;
	for (i = 0; i < arc_v_map_len(src) && rc == 0; i++) {
		/* keys are never deleted here, so k stays valid; s and d are held
		 * because dst and src may share maps (merge $d $d, cycles) */
		const char *k = arc_v_map_key(src, i);
		size_t kl = arc_v_map_keylen(src, i);
		arc_value *s = arc_v_ref(arc_v_map_val(src, i));
		arc_value *d = arc_v_map_getn(dst, k, kl);

		if (d)
			arc_v_ref(d);
		if (s->kind == ARC_NULL) {
			if (overwrite)
				arc_v_map_setn(dst, k, kl, arc_v_null());
			goto next;
		}
		if (is_map(s) && d && is_map(d)) {
			if ((rc = merge_into(d, s, overwrite, depth + 1, seen)) < 0)
				goto next;
			if (!is_empty(d))
				goto next;
		}
		if (overwrite || !d || is_empty(d))
			arc_v_map_setn(dst, k, kl, arc_v_ref(s));
next:
		arc_v_unref(d);
		arc_v_unref(s);
	}
	if (rc == 0)
		tpl_pairset_add(seen, dst, src);
	return rc;
}

static int do_merge(struct arc_tpl_call *c, arc_value **out, int overwrite)
{
	arc_value *dst, *src;
	int i, rc;
	if ((rc = map_arg(c, 0, &dst)) < 0)
		return rc;
	for (i = 1; i < c->nargs; i++)
		if ((rc = map_arg(c, i, &src)) < 0)
			return rc;
	/* a nil dst becomes a new map (mergo allocates through the pointer) */
	dst = is_map(dst) ? arc_v_ref(dst) : arc_v_map();
	for (i = 1; i < c->nargs; i++) {
		struct tpl_pairset seen = { NULL, 0, 0 };
		src = c->args[i];
		rc = is_map(src) ? merge_into(dst, src, overwrite, 0, &seen) : 0;
		tpl_pairset_free(&seen);
		if (rc < 0) {
			arc_v_unref(dst);
			return rc;
		}
	}
	*out = dst;
	return 0;
}

static int fn_merge(struct arc_tpl_call *c, arc_value **out)
{
	return do_merge(c, out, 0);
}

static int fn_mergeOverwrite(struct arc_tpl_call *c, arc_value **out)
{
	return do_merge(c, out, 1);
}

/* ---- dig KEY... DEFAULT DICT ----
 * Sprig type-asserts: the dict and every map on the way must be exactly
 * map[string]interface{} (not Helm's Values), every key a string. */
static int iface_conversion(const arc_value *v, const char *want)
{
	return arc_error_code(ARC_E_CALL, "interface conversion: interface {} is %s, not %s",
			      v->kind == ARC_NULL ? "nil" : arc_v_gotype_name(v), want);
}

static int is_plain_map(const arc_value *v)
{
	return v->kind == ARC_MAP && v->gotype == ARC_GO_DEFAULT;
}

static int fn_dig(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *d, *def, *step;
	int i, nkeys;
	if (c->nargs < 3)
		return arc_error_code(ARC_E_CALL, "dig needs at least three arguments");
	d = c->args[c->nargs - 1];
	def = c->args[c->nargs - 2];
	nkeys = c->nargs - 2;
	if (!is_plain_map(d))
		return iface_conversion(d, MAP_T);
	for (i = 0; i < nkeys; i++)
		if (c->args[i]->kind != ARC_STRING || c->args[i]->gotype == ARC_GO_BYTES)
			return iface_conversion(c->args[i], "string");
	for (i = 0; i < nkeys; i++) {
		step = arc_v_map_getn(d, arc_v_strptr(c->args[i]), arc_v_strlen(c->args[i]));
		if (!step) {
			*out = arc_tpl_unconst(def);
			return 0;
		}
		if (i == nkeys - 1) {
			*out = arc_v_ref(step);
			return 0;
		}
		if (!is_plain_map(step))
			return iface_conversion(step, MAP_T);
		d = step;
	}
	*out = arc_tpl_unconst(def); /* not reached: nkeys >= 1 */
	return 0;
}

/* ---- deepCopy, mustDeepCopy (mitchellh/copystructure) ----
 * Lists and maps are copied recursively keeping their Go types; scalars
 * and objects are shared (they are immutable here).  The copy holds at
 * most ARC_YAML_MAX_NODES elements in all (*budget), as many as any
 * values file can: a map that holds one map twice at every level is
 * small, its copy exponential. */
static int copy_deep(arc_value *v, int depth, size_t *budget, arc_value **out)
{
	arc_value *r;
	size_t i;
	int rc;
	if (depth > MAX_DEPTH)
		return arc_error_code(ARC_E_CALL, "deepCopy: value nested deeper than %d levels", MAX_DEPTH);
	if ((v->kind == ARC_LIST || v->kind == ARC_MAP) && *budget < (v->kind == ARC_LIST ? arc_v_list_len(v) : arc_v_map_len(v)))
		return arc_error_code(ARC_E_CALL, "result too large: more than %d values in one copy",
				      ARC_YAML_MAX_NODES);
	if (v->kind == ARC_LIST || v->kind == ARC_MAP)
		*budget -= (v->kind == ARC_LIST ? arc_v_list_len(v) : arc_v_map_len(v));
	switch (v->kind) {
	case ARC_LIST:
		r = arc_v_list();
		r->gotype = v->gotype;
		for (i = 0; i < arc_v_list_len(v); i++) {
			arc_value *e;
			if ((rc = copy_deep(arc_v_list_at(v, i), depth + 1, budget, &e)) < 0) {
				arc_v_unref(r);
				return rc;
			}
			arc_v_list_push(r, e);
		}
		break;
	case ARC_MAP:
		r = arc_v_map();
		r->gotype = v->gotype;
		for (i = 0; i < arc_v_map_len(v); i++) {
			arc_value *e;
			if ((rc = copy_deep(arc_v_map_val(v, i), depth + 1, budget, &e)) < 0) {
				arc_v_unref(r);
				return rc;
			}
			arc_v_map_setn(r, arc_v_map_key(v, i), arc_v_map_keylen(v, i), e);
		}
		break;
	default:
		r = arc_tpl_unconst(v);
		break;
	}
	*out = r;
	return 0;
}

static int fn_deepCopy(struct arc_tpl_call *c, arc_value **out)
{
	if (c->args[0]->kind == ARC_NULL)
		return arc_error_code(ARC_E_CALL, "reflect: call of reflect.Value.Type on zero Value");
	size_t budget = ARC_YAML_MAX_NODES;
	return copy_deep(c->args[0], 0, &budget, out);
}

const struct arc_tpl_func arc_tpl_funcs_dicts[] = {
	{ "deepCopy", fn_deepCopy, 1, 1 },
	{ "dict", fn_dict, 0, -1 },
	{ "dig", fn_dig, 0, -1 },
	{ "get", fn_get, 2, 2 },
	{ "hasKey", fn_hasKey, 2, 2 },
	{ "keys", fn_keys, 0, -1 },
	{ "merge", fn_merge, 1, -1 },
	{ "mergeOverwrite", fn_mergeOverwrite, 1, -1 },
	{ "mustDeepCopy", fn_deepCopy, 1, 1 },
	{ "mustMerge", fn_merge, 1, -1 },
	{ "mustMergeOverwrite", fn_mergeOverwrite, 1, -1 },
	{ "omit", fn_omit, 1, -1 },
	{ "pick", fn_pick, 1, -1 },
	{ "pluck", fn_pluck, 1, -1 },
	{ "set", fn_set, 3, 3 },
	{ "unset", fn_unset, 2, 2 },
	{ "values", fn_values, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
