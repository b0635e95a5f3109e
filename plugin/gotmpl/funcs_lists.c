/*
 * funcs_lists.c - Sprig's list functions: list tuple append/push prepend
 * first rest last initial reverse uniq without has slice concat chunk
 * compact, each with its must* twin.
 *
 * Sprig takes `interface{}` and walks it with reflection, so any Go slice
 * is a list: []interface{}, []string, []int and also []byte.  Anything else
 * is an error naming the reflect.Kind ("Cannot find first on type string").
 * A nil argument makes Sprig call .Kind() on a nil reflect.Type; the panic
 * reaches the template as "runtime error: invalid memory address or nil
 * pointer dereference".  The plain and must forms behave alike in Helm: the
 * plain form panics with the same error the must form returns, and
 * text/template turns either into "error calling NAME: …".
 *
 * New lists are []interface{} whatever the input type, except slice, which
 * keeps it (a []string stays []string).  Go distinguishes a nil slice from
 * an empty one (toJson gives null vs []); the value model has no nil slice,
 * so rest/initial of an empty list and concat of nothing return empty lists.
 */
#include "funcs.h"

#include <math.h>
#include <string.h>

#define NIL_DEREF "runtime error: invalid memory address or nil pointer dereference"

/* ---- Go slices seen through reflection ---- */

static int is_seq(const arc_value *v)
{
	return v->kind == ARC_LIST || (v->kind == ARC_STRING && v->gotype == ARC_GO_BYTES);
}

static size_t seq_len(const arc_value *v)
{
	return v->kind == ARC_LIST ? arc_v_list_len(v) : arc_v_strlen(v);
}

/* element i as a new reference */
static arc_value *seq_item(const arc_value *v, size_t i)
{
	if (v->kind == ARC_LIST)
		return arc_v_ref(arc_v_list_at(v, i));
	return arc_v_int_typed((unsigned char)arc_v_strptr(v)[i], ARC_GO_UINT8);
}

/* The error for a non-slice argument: "<pre><kind><post>", or the nil
 * dereference panic for nil. */
static int not_seq(const arc_value *v, const char *pre, const char *post)
{
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_CALL, NIL_DEREF);
	return arc_error_code(ARC_E_CALL, "%s%s%s", pre, arc_v_gokind_name(v), post);
}

#define CHECK_SEQ(v, pre, post)                        \
	do {                                           \
		if (!is_seq(v))                        \
			return not_seq((v), pre, post); \
	} while (0)

/* Sprig's empty(): nil, false, 0, "", and empty collections */
static int is_empty(const arc_value *v)
{
	return !arc_v_truthy(v);
}

/* ---- list, tuple ---- */

static int fn_list(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *l = arc_v_list();
	int i;
	for (i = 0; i < c->nargs; i++)
		arc_v_list_push(l, arc_tpl_unconst(c->args[i]));
	*out = l;
	return 0;
}

/* ---- append/push, prepend ---- */

static int fn_push(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t i, n;
	CHECK_SEQ(src, "Cannot push on type ", "");
	l = arc_v_list();
	n = seq_len(src);
	for (i = 0; i < n; i++)
		arc_v_list_push(l, seq_item(src, i));
	arc_v_list_push(l, arc_tpl_unconst(c->args[1]));
	*out = l;
	return 0;
}

static int fn_prepend(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t i, n;
	CHECK_SEQ(src, "Cannot prepend on type ", "");
	l = arc_v_list();
	arc_v_list_push(l, arc_tpl_unconst(c->args[1]));
	n = seq_len(src);
	for (i = 0; i < n; i++)
		arc_v_list_push(l, seq_item(src, i));
	*out = l;
	return 0;
}

/* ---- first, last, rest, initial, reverse ---- */

static int fn_first(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0];
	CHECK_SEQ(src, "Cannot find first on type ", "");
	*out = seq_len(src) ? seq_item(src, 0) : arc_v_null();
	return 0;
}

static int fn_last(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0];
	size_t n;
	CHECK_SEQ(src, "Cannot find last on type ", "");
	n = seq_len(src);
	*out = n ? seq_item(src, n - 1) : arc_v_null();
	return 0;
}

/* elements [from, to) of src as a new []interface{} */
static arc_value *sub_list(const arc_value *src, size_t from, size_t to)
{
	arc_value *l = arc_v_list();
	size_t i;
	for (i = from; i < to; i++)
		arc_v_list_push(l, seq_item(src, i));
	return l;
}

/* Go's nil []interface{} (Sprig returns one for rest and initial of an
 * empty list): JSON null, not DeepEqual to an empty list */
static arc_value *nil_list(void)
{
	arc_value *l = arc_v_list();
	l->flags |= ARC_VF_NIL;
	return l;
}

static int fn_rest(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0];
	size_t n;
	CHECK_SEQ(src, "Cannot find rest on type ", "");
	n = seq_len(src);
	*out = n ? sub_list(src, 1, n) : nil_list();
	return 0;
}

static int fn_initial(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0];
	size_t n;
	CHECK_SEQ(src, "Cannot find initial on type ", "");
	n = seq_len(src);
	*out = n ? sub_list(src, 0, n - 1) : nil_list();
	return 0;
}

static int fn_reverse(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t n;
	CHECK_SEQ(src, "Cannot find reverse on type ", "");
	l = arc_v_list();
	for (n = seq_len(src); n > 0; n--)
		arc_v_list_push(l, seq_item(src, n - 1));
	*out = l;
	return 0;
}

/* ---- uniq, without, has (reflect.DeepEqual) ---- */

static int in_list(const arc_value *hay, const arc_value *needle)
{
	size_t i, n = arc_v_list_len(hay);
	for (i = 0; i < n; i++)
		if (arc_tpl_deep_equal(needle, arc_v_list_at(hay, i)))
			return 1;
	return 0;
}

static int fn_uniq(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t i, n;
	CHECK_SEQ(src, "Cannot find uniq on type ", "");
	l = arc_v_list();
	n = seq_len(src);
	for (i = 0; i < n; i++) {
		arc_value *it = seq_item(src, i);
		if (in_list(l, it))
			arc_v_unref(it);
		else
			arc_v_list_push(l, it);
	}
	*out = l;
	return 0;
}

static int omitted(struct arc_tpl_call *c, const arc_value *it)
{
	int i;
	for (i = 1; i < c->nargs; i++)
		if (arc_tpl_deep_equal(it, c->args[i]))
			return 1;
	return 0;
}

static int fn_without(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t i, n;
	CHECK_SEQ(src, "Cannot find without on type ", "");
	l = arc_v_list();
	n = seq_len(src);
	for (i = 0; i < n; i++) {
		arc_value *it = seq_item(src, i);
		if (omitted(c, it))
			arc_v_unref(it);
		else
			arc_v_list_push(l, it);
	}
	*out = l;
	return 0;
}

/* has NEEDLE HAYSTACK: a nil haystack is simply false */
static int fn_has(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *hay = c->args[1];
	size_t i, n;
	int found = 0;
	if (hay->kind == ARC_NULL) {
		*out = arc_v_bool(0);
		return 0;
	}
	CHECK_SEQ(hay, "Cannot find has on type ", "");
	n = seq_len(hay);
	for (i = 0; i < n && !found; i++) {
		arc_value *it = seq_item(hay, i);
		found = arc_tpl_deep_equal(c->args[0], it);
		arc_v_unref(it);
	}
	*out = arc_v_bool(found);
	return 0;
}

/* ---- slice LIST [START [END]] ----
 * Indices go through cast.ToInt (floats truncate, strings parse); extra
 * indices are ignored.  Bounds follow reflect.Value.Slice, which panics
 * unless 0 <= start <= end <= len.  An empty list gives nil. */
static int fn_slice(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *r;
	int64_t start = 0, end;
	size_t n;
	CHECK_SEQ(src, "list should be type of slice or array but ", "");
	n = seq_len(src);
	if (n == 0) {
		*out = arc_v_null();
		return 0;
	}
	end = (int64_t)n;
	if (c->nargs > 1)
		start = arc_cast_int64(c->args[1]);
	if (c->nargs > 2)
		end = arc_cast_int64(c->args[2]);
	if (start < 0 || end < start || end > (int64_t)n)
		return arc_error_code(ARC_E_CALL, "reflect.Value.Slice: slice index out of bounds");
	if (src->kind == ARC_STRING) {
		r = arc_v_strn(arc_v_strptr(src) + start, (size_t)(end - start));
		r->gotype = ARC_GO_BYTES;
	} else {
		r = sub_list(src, (size_t)start, (size_t)end);
		r->gotype = src->gotype;
	}
	*out = r;
	return 0;
}

/* ---- concat LIST... ---- */

static int fn_concat(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *l;
	size_t j, n;
	int i;
	size_t total = 0;
	for (i = 0; i < c->nargs; i++)
		if (!is_seq(c->args[i]))
			return not_seq(c->args[i], "Cannot concat type ", " as list");
	for (i = 0; i < c->nargs; i++)
		total += seq_len(c->args[i]); /* each below 2^32: no overflow */
	if (total > ARC_TPL_MAX_ITEMS)
		return arc_tpl_err_too_many();
	if (total == 0) {
		*out = nil_list(); /* Sprig appends to a nil slice */
		return 0;
	}
	l = arc_v_list();
	for (i = 0; i < c->nargs; i++) {
		n = seq_len(c->args[i]);
		for (j = 0; j < n; j++)
			arc_v_list_push(l, seq_item(c->args[i], j));
	}
	*out = l;
	return 0;
}

/* ---- chunk SIZE LIST ----
 * Sprig sizes the chunks with float arithmetic; reproduce it exactly,
 * including what a zero or negative size does (Go's int() of an infinite
 * or out-of-range float is the minimum int64 on amd64, and make() of a
 * negative length panics). */
static int64_t go_float_to_int(double d)
{
	if (isnan(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)d;
}

static int fn_chunk(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[1], *l;
	int64_t size, cs, i, j, clen, n;
	int rc;

	if ((rc = arc_tpl_arg_int(c, 0, &size)) < 0)
		return rc;
	CHECK_SEQ(src, "Cannot chunk type ", "");
	n = (int64_t)seq_len(src);
	cs = go_float_to_int(floor((double)(n - 1) / (double)size) + 1);
	if (cs < 0 || cs > n + 1)
		return arc_error_code(ARC_E_CALL, "runtime error: makeslice: len out of range");
	l = arc_v_list();
	l->gotype = ARC_GO_LISTS;
	for (i = 0; i < cs; i++) {
		arc_value *part;
		clen = size;
		if (i == cs - 1) {
			/* math.Floor(math.Mod(float64(n), float64(size))): for 0 <= n < 2^53 and size != 0
			 * (a size of 0 failed above) that is n % size */
			clen = size ? n % size : 0;
			if (clen == 0)
				clen = size;
		}
		if (clen < 0 || clen > n) {
			arc_v_unref(l);
			return arc_error_code(ARC_E_CALL, "runtime error: makeslice: len out of range");
		}
		part = arc_v_list();
		arc_v_list_push(l, part);
		for (j = 0; j < clen; j++) {
			int64_t ix = i * size + j;
			if (ix < 0 || ix >= n) {
				arc_v_unref(l);
				return arc_error_code(ARC_E_CALL, "reflect: slice index out of range");
			}
			arc_v_list_push(part, seq_item(src, (size_t)ix));
		}
	}
	*out = l;
	return 0;
}

/* ---- compact: drop every empty() element ---- */

static int fn_compact(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *src = c->args[0], *l;
	size_t i, n;
	CHECK_SEQ(src, "Cannot compact on type ", "");
	l = arc_v_list();
	n = seq_len(src);
	for (i = 0; i < n; i++) {
		arc_value *it = seq_item(src, i);
		if (is_empty(it))
			arc_v_unref(it);
		else
			arc_v_list_push(l, it);
	}
	*out = l;
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_lists[] = {
	{ "append", fn_push, 2, 2 },
	{ "chunk", fn_chunk, 2, 2 },
	{ "compact", fn_compact, 1, 1 },
	{ "concat", fn_concat, 0, -1 },
	{ "first", fn_first, 1, 1 },
	{ "has", fn_has, 2, 2 },
	{ "initial", fn_initial, 1, 1 },
	{ "last", fn_last, 1, 1 },
	{ "list", fn_list, 0, -1 },
	{ "mustAppend", fn_push, 2, 2 },
	{ "mustChunk", fn_chunk, 2, 2 },
	{ "mustCompact", fn_compact, 1, 1 },
	{ "mustFirst", fn_first, 1, 1 },
	{ "mustHas", fn_has, 2, 2 },
	{ "mustInitial", fn_initial, 1, 1 },
	{ "mustLast", fn_last, 1, 1 },
	{ "mustPrepend", fn_prepend, 2, 2 },
	{ "mustPush", fn_push, 2, 2 },
	{ "mustRest", fn_rest, 1, 1 },
	{ "mustReverse", fn_reverse, 1, 1 },
	{ "mustSlice", fn_slice, 1, -1 },
	{ "mustUniq", fn_uniq, 1, 1 },
	{ "mustWithout", fn_without, 1, -1 },
	{ "prepend", fn_prepend, 2, 2 },
	{ "push", fn_push, 2, 2 },
	{ "rest", fn_rest, 1, 1 },
	{ "reverse", fn_reverse, 1, 1 },
	{ "slice", fn_slice, 1, -1 },
	{ "tuple", fn_list, 0, -1 },
	{ "uniq", fn_uniq, 1, 1 },
	{ "without", fn_without, 1, -1 },
	{ NULL, NULL, 0, 0 },
};
