/*
 * funcs_builtin.c - text/template's own functions: and or not len index
 * print printf println eq ne lt le gt ge html js urlquery call, with
 * Go's results and error texts (Helm replaces the builtin slice with Sprig's,
 * in funcs_lists.c).  `and` and `or` are evaluated lazily by the
 * executor (they return the deciding operand); the entries here serve
 * direct callers only.  A nil that came out of a map or list is marked
 * ARC_VF_NILIFACE: Go's len and a few errors tell it apart from plain nil.
 */
#include "funcs.h"
#include "internal.h"
#include "../value/codec.h"

#include <string.h>

static int is_nil(const arc_value *v)
{
	return v->kind == ARC_NULL;
}

static int is_real_string(const arc_value *v)
{
	return v->kind == ARC_STRING && v->gotype != ARC_GO_BYTES;
}

static int ret_bool(arc_value **out, int b)
{
	*out = arc_v_bool(b);
	return 0;
}

/* the result of a function that built it in a bounded buffer (func.h) */
static int ret_buf(arc_value **out, struct arc_buf *b)
{
	if (b->over) {
		arc_buf_release(b);
		return arc_tpl_err_too_large();
	}
	*out = arc_v_str_buf(b);
	return 0;
}

/* ---- and, or, not ---- */

static int fn_and(struct arc_tpl_call *c, arc_value **out)
{
	int i;
	for (i = 0; i < c->nargs - 1; i++)
		if (!tpl_truth(c->args[i]))
			break;
	*out = arc_tpl_unconst(c->args[i]);
	return 0;
}

static int fn_or(struct arc_tpl_call *c, arc_value **out)
{
	int i;
	for (i = 0; i < c->nargs - 1; i++)
		if (tpl_truth(c->args[i]))
			break;
	*out = arc_tpl_unconst(c->args[i]);
	return 0;
}

static int fn_not(struct arc_tpl_call *c, arc_value **out)
{
	return ret_bool(out, !tpl_truth(c->args[0]));
}

/* ---- len, index, slice ---- */

static int fn_len(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *v = c->args[0], *cont = tpl_container(v);
	if (cont) {
		size_t n = cont->kind == ARC_MAP ? arc_v_map_len(cont) : arc_v_list_len(cont);
		*out = arc_v_int((int64_t)n);
		arc_v_unref(cont);
		return 0;
	}
	switch (v->kind) {
	case ARC_NULL:
		if (v->flags & ARC_VF_NILIFACE)
			return arc_error_code(ARC_E_CALL, "len of nil pointer");
		return arc_error_code(ARC_E_CALL, "reflect: call of reflect.Value.Type on zero Value");
	case ARC_STRING:
		*out = arc_v_int((int64_t)v->u.s.len);
		return 0;
	case ARC_LIST:
		*out = arc_v_int((int64_t)arc_v_list_len(v));
		return 0;
	case ARC_MAP:
		*out = arc_v_int((int64_t)arc_v_map_len(v));
		return 0;
	default:
		return arc_error_code(ARC_E_CALL, "len of type %s", arc_v_gotype_name(v));
	}
}

/* Go's indexArg: an int-kind index within [0, cap] */
static int index_arg(const arc_value *idx, size_t cap, size_t *out)
{
	int64_t x;
	if (idx->kind == ARC_NULL)
		return arc_error_code(ARC_E_CALL, "cannot index slice/array with nil");
	if (idx->kind != ARC_INT)
		return arc_error_code(ARC_E_CALL, "cannot index slice/array with type %s",
				      arc_v_gotype_name(idx));
	x = idx->u.i;
	if (idx->gotype == ARC_GO_UINT64 && x < 0)
		return arc_error_code(ARC_E_CALL, "index out of range: %lld", (long long)x);
	if (x < 0 || (uint64_t)x > cap)
		return arc_error_code(ARC_E_CALL, "index out of range: %lld", (long long)x);
	*out = (size_t)x;
	return 0;
}

static int fn_index(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *item = c->args[0];
	int i, rc;
	if (is_nil(item))
		return arc_error_code(ARC_E_CALL, "index of untyped nil");
	item = arc_v_ref(item);
	for (i = 1; i < c->nargs; i++) {
		arc_value *idx = c->args[i], *next;
		size_t x;
		if (is_nil(item)) {
			arc_v_unref(item);
			return arc_error_code(ARC_E_CALL, "index of nil pointer");
		}
		if ((next = tpl_container(item)) != NULL) {
			arc_v_unref(item);
			item = next;
		}
		switch (item->kind) {
		case ARC_LIST:
			if ((rc = index_arg(idx, arc_v_list_len(item), &x)) != 0)
				goto fail;
			if (x >= arc_v_list_len(item)) {
				rc = arc_error_code(ARC_E_CALL, "reflect: slice index out of range");
				goto fail;
			}
			next = arc_v_ref(arc_v_list_at(item, x));
			break;
		case ARC_STRING:
			if ((rc = index_arg(idx, item->u.s.len, &x)) != 0)
				goto fail;
			if (x >= item->u.s.len) {
				rc = arc_error_code(ARC_E_CALL, "reflect: %s index out of range",
						    item->gotype == ARC_GO_BYTES ? "slice" : "string");
				goto fail;
			}
			next = arc_v_int_typed((unsigned char)item->u.s.ptr[x], ARC_GO_UINT8);
			break;
		case ARC_MAP: {
			arc_value *v;
			if (idx->kind == ARC_NULL) {
				rc = arc_error_code(ARC_E_CALL, "value is nil; should be of type string");
				goto fail;
			}
			if (!is_real_string(idx)) {
				rc = arc_error_code(ARC_E_CALL, "value has type %s; should be string",
						    arc_v_gotype_name(idx));
				goto fail;
			}
			v = arc_v_map_getn(item, idx->u.s.ptr, idx->u.s.len);
			if (v)
				next = arc_v_ref(v);
			else if (item->gotype == ARC_GO_MAPSTR)
				next = arc_v_str("");
			else
				next = arc_v_null();
			break;
		}
		default:
			rc = arc_error_code(ARC_E_CALL, "can't index item of type %s",
					    arc_v_gotype_name(item));
			goto fail;
		}
		arc_v_unref(item);
		item = next;
	}
	*out = arc_tpl_unconst(item);
	arc_v_unref(item);
	return 0;
fail:
	arc_v_unref(item);
	return rc;
}

/* ---- printing ---- */

/* fmt.Sprint: a space between operands when neither is a string */
static void sprint(struct arc_buf *b, arc_value **args, int n)
{
	int i, prev_string = 0;
	for (i = 0; i < n; i++) {
		int is_str = is_real_string(args[i]);
		if (i > 0 && !is_str && !prev_string)
			arc_buf_putc(b, ' ');
		if (is_str)
			arc_buf_add(b, args[i]->u.s.ptr, args[i]->u.s.len);
		else if (args[i]->kind == ARC_NULL)
			arc_buf_puts(b, "<nil>");
		else
			arc_fmt_v(b, args[i]);
		prev_string = is_str;
	}
}

static int fn_print(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_tpl_buf_bound(&b);
	sprint(&b, c->args, c->nargs);
	return ret_buf(out, &b);
}

static int fn_println(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	int i;
	arc_tpl_buf_bound(&b);
	for (i = 0; i < c->nargs; i++) {
		if (i > 0)
			arc_buf_putc(&b, ' ');
		if (is_real_string(c->args[i]))
			arc_buf_add(&b, c->args[i]->u.s.ptr, c->args[i]->u.s.len);
		else if (c->args[i]->kind == ARC_NULL)
			arc_buf_puts(&b, "<nil>");
		else
			arc_fmt_v(&b, c->args[i]);
	}
	arc_buf_putc(&b, '\n');
	return ret_buf(out, &b);
}

static int fn_printf(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	const char *f;
	size_t flen;
	int rc = arc_tpl_arg_str(c, 0, &f, &flen);
	if (rc)
		return rc;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	arc_fmt_sprintf(&b, f, flen, c->args + 1, c->nargs - 1);
	return ret_buf(out, &b);
}

/* text/template's evalArgs: Sprint of the arguments, nil printed as <no value> */
static void eval_args(struct arc_buf *b, struct arc_tpl_call *c)
{
	int i, prev_string = 0;
	if (c->nargs == 1 && is_real_string(c->args[0])) {
		arc_buf_add(b, c->args[0]->u.s.ptr, c->args[0]->u.s.len);
		return;
	}
	for (i = 0; i < c->nargs; i++) {
		arc_value *a = c->args[i];
		int is_str = is_real_string(a) || a->kind == ARC_NULL;
		if (i > 0 && !is_str && !prev_string)
			arc_buf_putc(b, ' ');
		if (a->kind == ARC_NULL)
			arc_buf_puts(b, "<no value>");
		else if (is_real_string(a))
			arc_buf_add(b, a->u.s.ptr, a->u.s.len);
		else
			arc_fmt_v(b, a);
		prev_string = is_str;
	}
}

static int fn_html(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf in = ARC_BUF_INIT, b = ARC_BUF_INIT;
	size_t i;
	arc_tpl_buf_bound(&in);
	arc_tpl_buf_bound(&b);
	eval_args(&in, c);
	if (in.over) {
		arc_buf_release(&in);
		return arc_tpl_err_too_large();
	}
	arc_buf_add(&b, "", 0);
	for (i = 0; i < in.len; i++) {
		switch (in.ptr[i]) {
		case '\0': arc_buf_puts(&b, "\xEF\xBF\xBD"); break;
		case '"': arc_buf_puts(&b, "&#34;"); break;
		case '\'': arc_buf_puts(&b, "&#39;"); break;
		case '&': arc_buf_puts(&b, "&amp;"); break;
		case '<': arc_buf_puts(&b, "&lt;"); break;
		case '>': arc_buf_puts(&b, "&gt;"); break;
		default: arc_buf_putc(&b, in.ptr[i]);
		}
	}
	arc_buf_release(&in);
	return ret_buf(out, &b);
}

static int fn_js(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf in = ARC_BUF_INIT, b = ARC_BUF_INIT;
	size_t i;
	arc_tpl_buf_bound(&in);
	arc_tpl_buf_bound(&b);
	eval_args(&in, c);
	if (in.over) {
		arc_buf_release(&in);
		return arc_tpl_err_too_large();
	}
	arc_buf_add(&b, "", 0);
	for (i = 0; i < in.len; i++) {
		unsigned char ch = (unsigned char)in.ptr[i];
		if (ch >= 0x80) {
			int32_t r;
			size_t w = tpl_utf8_decode(in.ptr + i, in.len - i, &r);
			if (tpl_is_print(r))
				arc_buf_add(&b, in.ptr + i, w);
			else
				arc_buf_printf(&b, "\\u%04X", (unsigned)r);
			i += w - 1;
			continue;
		}
		switch (ch) {
		case '\\': arc_buf_puts(&b, "\\\\"); break;
		case '\'': arc_buf_puts(&b, "\\'"); break;
		case '"': arc_buf_puts(&b, "\\\""); break;
		case '<': arc_buf_puts(&b, "\\u003C"); break;
		case '>': arc_buf_puts(&b, "\\u003E"); break;
		case '&': arc_buf_puts(&b, "\\u0026"); break;
		case '=': arc_buf_puts(&b, "\\u003D"); break;
		default:
			if (ch < ' ')
				arc_buf_printf(&b, "\\u00%02X", ch);
			else
				arc_buf_putc(&b, (char)ch);
		}
	}
	arc_buf_release(&in);
	return ret_buf(out, &b);
}

static int fn_urlquery(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf in = ARC_BUF_INIT, b = ARC_BUF_INIT;
	size_t i;
	arc_tpl_buf_bound(&in);
	arc_tpl_buf_bound(&b);
	eval_args(&in, c);
	if (in.over) {
		arc_buf_release(&in);
		return arc_tpl_err_too_large();
	}
	arc_buf_add(&b, "", 0);
	for (i = 0; i < in.len; i++) {
		unsigned char ch = (unsigned char)in.ptr[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~')
			arc_buf_putc(&b, (char)ch);
		else if (ch == ' ')
			arc_buf_putc(&b, '+');
		else
			arc_buf_printf(&b, "%%%02X", ch);
	}
	arc_buf_release(&in);
	return ret_buf(out, &b);
}

/* ---- comparisons ---- */

enum bkind { K_INVALID, K_BOOL, K_COMPLEX, K_INT, K_FLOAT, K_STRING, K_UINT };

static enum bkind basic_kind(const arc_value *v)
{
	double re, im;
	int64_t i;
	switch (v->kind) {
	case ARC_BOOL:
		return K_BOOL;
	case ARC_INT:
		return v->gotype == ARC_GO_UINT64 || v->gotype == ARC_GO_UINT8 ? K_UINT : K_INT;
	case ARC_FLOAT:
		return K_FLOAT;
	case ARC_STRING:
		return v->gotype == ARC_GO_BYTES ? K_INVALID : K_STRING;
	case ARC_OBJECT:
		if (tpl_complex_get(v, &re, &im))
			return K_COMPLEX;
		/* a named integer type (time.Month) compares as its integer */
		return arc_v_object_int((arc_value *)v, &i) ? K_INT : K_INVALID;
	default:
		return K_INVALID;
	}
}

/* the integer of an int-kind value (K_INT, K_UINT) */
static int64_t ival(const arc_value *v)
{
	int64_t i = 0;
	if (v->kind == ARC_OBJECT)
		arc_v_object_int((arc_value *)v, &i);
	else
		i = v->u.i;
	return i;
}

/* Go's reflect.Kind name, for "can compare" */
static const char *rkind(const arc_value *v)
{
	return v->kind == ARC_NULL ? "invalid" : arc_v_gokind_name(v);
}

static int str_cmp(const arc_value *a, const arc_value *b)
{
	size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len;
	int c = memcmp(a->u.s.ptr, b->u.s.ptr, n);
	if (c)
		return c;
	return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
}

static int incompatible(const arc_value *a, const arc_value *b)
{
	return arc_error_code(ARC_E_CALL, "incompatible types for comparison: %s and %s",
			      arc_v_gotype_name(a), arc_v_gotype_name(b));
}

/* a Go %s of a value (for the non-comparable messages) */
static void fmt_s(struct arc_buf *b, arc_value *v)
{
	arc_fmt_sprintf(b, "%s", 2, &v, 1);
}

/* eq a b: *res = a == b, or an error */
static int eq2(arc_value *a, arc_value *b, enum bkind k1, int *res)
{
	enum bkind k2 = basic_kind(b);
	double r1, i1, r2, i2;
	*res = 0;
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*res = ival(a) >= 0 && ival(a) == ival(b);
		else if (k1 == K_UINT && k2 == K_INT)
			*res = ival(b) >= 0 && ival(a) == ival(b);
		else if (!is_nil(a) && !is_nil(b))
			return incompatible(a, b);
		return 0;
	}
	switch (k1) {
	case K_BOOL:
		*res = a->u.b == b->u.b;
		break;
	case K_COMPLEX:
		tpl_complex_get(a, &r1, &i1);
		tpl_complex_get(b, &r2, &i2);
		*res = r1 == r2 && i1 == i2;
		break;
	case K_FLOAT:
		*res = a->u.f == b->u.f;
		break;
	case K_INT:
	case K_UINT:
		*res = ival(a) == ival(b);
		break;
	case K_STRING:
		*res = str_cmp(a, b) == 0;
		break;
	default:
		if (!is_nil(a) && !is_nil(b) && strcmp(rkind(a), rkind(b)) != 0) {
			struct arc_buf m = ARC_BUF_INIT;
			arc_buf_puts(&m, "non-comparable types ");
			fmt_s(&m, a);
			arc_buf_printf(&m, ": %s, %s: ", arc_v_gotype_name(a), arc_v_gotype_name(b));
			arc_fmt_v(&m, b);
			arc_error_code(ARC_E_CALL, "%s", arc_buf_cstr(&m));
			arc_buf_release(&m);
			return ARC_E_CALL;
		}
		if (is_nil(a) || is_nil(b)) {
			*res = is_nil(a) == is_nil(b);
		} else if (a->kind == ARC_OBJECT) {
			*res = a == b || a->u.o.data == b->u.o.data;
		} else {
			struct arc_buf m = ARC_BUF_INIT;
			arc_buf_puts(&m, "non-comparable type ");
			fmt_s(&m, b);
			arc_buf_printf(&m, ": %s", arc_v_gotype_name(b));
			arc_error_code(ARC_E_CALL, "%s", arc_buf_cstr(&m));
			arc_buf_release(&m);
			return ARC_E_CALL;
		}
	}
	return 0;
}

static int eq_any(struct arc_tpl_call *c, int *res)
{
	arc_value *a = c->args[0];
	enum bkind k1 = basic_kind(a);
	int i, rc;
	*res = 0;
	if (c->nargs < 2)
		return arc_error_code(ARC_E_CALL, "missing argument for comparison");
	for (i = 1; i < c->nargs; i++) {
		if ((rc = eq2(a, c->args[i], k1, res)) != 0)
			return rc;
		if (*res)
			return 0;
	}
	return 0;
}

static int fn_eq(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = eq_any(c, &res);
	if (rc)
		return rc;
	return ret_bool(out, res);
}

static int fn_ne(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = eq_any(c, &res);
	if (rc)
		return rc;
	return ret_bool(out, !res);
}

static int lt2(arc_value *a, arc_value *b, int *res)
{
	enum bkind k1 = basic_kind(a), k2 = basic_kind(b);
	*res = 0;
	if (k1 == K_INVALID || k2 == K_INVALID)
		return arc_error_code(ARC_E_CALL, "invalid type for comparison");
	if (k1 != k2) {
		if (k1 == K_INT && k2 == K_UINT)
			*res = ival(a) < 0 || (uint64_t)ival(a) < (uint64_t)ival(b);
		else if (k1 == K_UINT && k2 == K_INT)
			*res = ival(b) >= 0 && (uint64_t)ival(a) < (uint64_t)ival(b);
		else
			return incompatible(a, b);
		return 0;
	}
	switch (k1) {
	case K_BOOL:
	case K_COMPLEX:
		return arc_error_code(ARC_E_CALL, "invalid type for comparison");
	case K_FLOAT:
		*res = a->u.f < b->u.f;
		break;
	case K_INT:
		*res = ival(a) < ival(b);
		break;
	case K_UINT:
		*res = (uint64_t)ival(a) < (uint64_t)ival(b);
		break;
	case K_STRING:
		*res = str_cmp(a, b) < 0;
		break;
	default:
		break;
	}
	return 0;
}

static int le2(arc_value *a, arc_value *b, int *res)
{
	int rc = lt2(a, b, res);
	if (rc || *res)
		return rc;
	return eq2(a, b, basic_kind(a), res);
}

static int fn_lt(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = lt2(c->args[0], c->args[1], &res);
	return rc ? rc : ret_bool(out, res);
}

static int fn_le(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = le2(c->args[0], c->args[1], &res);
	return rc ? rc : ret_bool(out, res);
}

static int fn_gt(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = le2(c->args[0], c->args[1], &res);
	return rc ? rc : ret_bool(out, !res);
}

static int fn_ge(struct arc_tpl_call *c, arc_value **out)
{
	int res, rc = lt2(c->args[0], c->args[1], &res);
	return rc ? rc : ret_bool(out, !res);
}

/* call NAME FN args...: the executor puts the callee's name first.  No
 * template value is a function here, so every call is Go's error. */
static int fn_call(struct arc_tpl_call *c, arc_value **out)
{
	const char *name = c->nargs > 0 && c->args[0]->kind == ARC_STRING ? c->args[0]->u.s.ptr : "";
	arc_value *fn = c->nargs > 1 ? c->args[1] : arc_v_null();
	if (is_nil(fn))
		return arc_error_code(ARC_E_CALL, "call of nil");
	return arc_error_code(ARC_E_CALL, "non-function %s of type %s", name, arc_v_gotype_name(fn));
}

const struct arc_tpl_func arc_tpl_funcs_builtin[] = {
	{ "and", fn_and, 1, -1 },
	{ "call", fn_call, 1, -1 },
	{ "eq", fn_eq, 1, -1 },
	{ "ge", fn_ge, 2, 2 },
	{ "gt", fn_gt, 2, 2 },
	{ "html", fn_html, 0, -1 },
	{ "index", fn_index, 1, -1 },
	{ "js", fn_js, 0, -1 },
	{ "le", fn_le, 2, 2 },
	{ "len", fn_len, 1, 1 },
	{ "lt", fn_lt, 2, 2 },
	{ "ne", fn_ne, 2, 2 },
	{ "not", fn_not, 1, 1 },
	{ "or", fn_or, 1, -1 },
	{ "print", fn_print, 0, -1 },
	{ "printf", fn_printf, 1, -1 },
	{ "println", fn_println, 0, -1 },
	{ "urlquery", fn_urlquery, 0, -1 },
	{ NULL, NULL, 0, 0 },
};
