/* args.c - converting template function arguments the way Go's reflection
 * call does, and Sprig's loose conversions (spf13/cast). */
#include "func.h"
#include "../value/codec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_int_kind(const arc_value *v)
{
	return v->kind == ARC_INT;
}

/* Go's text for a literal node in "expected X; found N" errors */
static char *literal_text(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (v->kind == ARC_STRING)
		arc_fmt_quote(&b, v->u.s.ptr, v->u.s.len);
	else
		arc_fmt_v(&b, v);
	return arc_buf_detach(&b, NULL);
}

static int bad_literal(arc_value *v, const char *what)
{
	if (v->kind == ARC_NULL) {
		/* Go names the parameter's type here */
		const char *t = !strcmp(what, "integer") ? "int" : !strcmp(what, "float") ? "float64" : what;
		return arc_error_code(ARC_E_EXEC, "cannot assign nil to %s", t);
	}
	char *t = literal_text(v);
	arc_error_code(ARC_E_EXEC, "expected %s; found %s", what, t);
	free(t);
	return ARC_E_EXEC;
}

static int wrong_type(arc_value *v, const char *want)
{
	if (v->kind == ARC_NULL && (v->flags & ARC_VF_NILIFACE))
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected %s; got interface {}", want);
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_EXEC, "invalid value; expected %s", want);
	return arc_error_code(ARC_E_EXEC, "wrong type for value; expected %s; got %s", want,
			      arc_v_gotype_name(v));
}

int arc_tpl_arg_int(struct arc_tpl_call *c, int i, int64_t *out)
{
	arc_value *v = c->args[i];
	if (v->flags & ARC_VF_CONST) {
		/* a literal such as 2.0 is an integer constant to Go */
		if (v->kind == ARC_FLOAT && v->u.f >= -9.2e18 && v->u.f <= 9.2e18 && v->u.f == (double)(int64_t)v->u.f) {
			*out = (int64_t)v->u.f;
			return 0;
		}
		if (v->kind != ARC_INT)
			return c->bad_arg = i, bad_literal(v, "integer");
		*out = v->u.i;
		return 0;
	}
	if (!is_int_kind(v) || v->gotype == ARC_GO_INT64)
		return c->bad_arg = i, wrong_type(v, "int");
	*out = v->u.i;
	return 0;
}

int arc_tpl_arg_str(struct arc_tpl_call *c, int i, const char **out, size_t *len)
{
	arc_value *v = c->args[i];
	if (v->flags & ARC_VF_CONST) {
		if (v->kind != ARC_STRING)
			return c->bad_arg = i, bad_literal(v, "string");
	} else if (v->kind != ARC_STRING || v->gotype == ARC_GO_BYTES) {
		return c->bad_arg = i, wrong_type(v, "string");
	}
	*out = v->u.s.ptr;
	if (len)
		*len = v->u.s.len;
	return 0;
}

int arc_tpl_arg_bool(struct arc_tpl_call *c, int i, int *out)
{
	arc_value *v = c->args[i];
	if (v->flags & ARC_VF_CONST) {
		if (v->kind != ARC_BOOL)
			return c->bad_arg = i, bad_literal(v, "bool");
	} else if (v->kind != ARC_BOOL) {
		return c->bad_arg = i, wrong_type(v, "bool");
	}
	*out = v->u.b;
	return 0;
}

int arc_tpl_arg_float(struct arc_tpl_call *c, int i, double *out)
{
	arc_value *v = c->args[i];
	if (v->flags & ARC_VF_CONST) {
		if (v->kind == ARC_FLOAT)
			*out = v->u.f;
		else if (v->kind == ARC_INT)
			*out = (double)v->u.i;
		else
			return c->bad_arg = i, bad_literal(v, "float");
		return 0;
	}
	if (v->kind != ARC_FLOAT)
		return c->bad_arg = i, wrong_type(v, "float64");
	*out = v->u.f;
	return 0;
}

/* a literal (string, number, bool) where Go wants a slice or map */
static int cant_handle(struct arc_tpl_call *c, int i, const char *type)
{
	char *t = literal_text(c->args[i]);
	c->bad_arg = i;
	arc_error_code(ARC_E_EXEC, "can't handle %s for arg of type %s", t, type);
	free(t);
	return ARC_E_EXEC;
}

int arc_tpl_arg_list(struct arc_tpl_call *c, int i, arc_value **out)
{
	if ((c->args[i]->flags & ARC_VF_CONST) && c->args[i]->kind != ARC_NULL)
		return cant_handle(c, i, "[]interface {}");
	arc_value *v = c->args[i];
	if (v->kind != ARC_LIST || (v->gotype != ARC_GO_DEFAULT)) {
		if (v->kind == ARC_NULL) {
			*out = v; /* a nil []interface{} */
			return 0;
		}
		return c->bad_arg = i, wrong_type(v, "[]interface {}");
	}
	*out = v;
	return 0;
}

int arc_tpl_arg_map(struct arc_tpl_call *c, int i, arc_value **out)
{
	if ((c->args[i]->flags & ARC_VF_CONST) && c->args[i]->kind != ARC_NULL)
		return cant_handle(c, i, "map[string]interface {}");
	arc_value *v = c->args[i];
	if (v->kind != ARC_MAP || (v->gotype != ARC_GO_DEFAULT)) {
		if (v->kind == ARC_NULL) {
			*out = v; /* a nil map */
			return 0;
		}
		return c->bad_arg = i, wrong_type(v, "map[string]interface {}");
	}
	*out = v;
	return 0;
}

/* ---- spf13/cast ---- */

/* strconv's underscoreOK: '_' only between digits, or between a base prefix
 * (0b 0o 0x) and a digit */
static int underscore_ok(const char *s)
{
	char saw = '^';
	int hex = 0;
	if (*s == '+' || *s == '-')
		s++;
	if (s[0] == '0' && s[1] && strchr("bBoOxX", s[1])) {
		hex = s[1] == 'x' || s[1] == 'X';
		s += 2;
		saw = '0';
	}
	for (; *s; s++) {
		if ((*s >= '0' && *s <= '9') || (hex && strchr("abcdefABCDEF", *s))) {
			saw = '0';
			continue;
		}
		if (*s == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return 0;
		saw = '!';
	}
	return saw != '_';
}

/* cast's string→int: strconv.ParseInt(trimZeroDecimal(s), 0, 0) */
static int parse_int_base0(const char *s, size_t len, int64_t *out)
{
	char *t = xstrndup(s, len);
	size_t n = len;
	int neg = 0, base = 10;
	const char *p;
	uint64_t acc = 0;
	int any = 0, ok = 1, underscores = 0;

	/* trimZeroDecimal: "12.000" → "12" (only when every digit after '.' is 0) */
	{
		char *dot = strchr(t, '.');
		if (dot && dot != t) {
			char *q = dot + 1;
			int zeros = *q != '\0';
			for (; *q; q++)
				if (*q != '0')
					zeros = 0;
			if (zeros) {
				*dot = '\0';
				n = (size_t)(dot - t);
			}
		}
	}
	p = t;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p += 1;
	}
	for (; *p; p++) {
		int d;
		if (*p == '_') { /* base 0: digit separators, checked below as Go does */
			underscores = 1;
			continue;
		}
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'z')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'Z')
			d = *p - 'A' + 10;
		else {
			ok = 0;
			break;
		}
		if (d >= base) {
			ok = 0;
			break;
		}
		if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			ok = 0;
			break;
		}
		acc = acc * (uint64_t)base + (uint64_t)d;
		any = 1;
	}

	(void)n;
	if (ok && underscores && !underscore_ok(t))
		ok = 0;
	free(t);
	if (!any && base == 8 && ok) /* "0" alone */
		any = 1;
	if (!ok || !any)
		return -1;
	if (!neg && acc > INT64_MAX)
		return -1;
	if (neg && acc > (uint64_t)INT64_MAX + 1)
		return -1;
	*out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
	return 0;
}

/* spf13/cast's toInt knows two named integer types: time.Month and
 * time.Weekday (not time.Duration, which casts to 0) */
static int cast_int_object(arc_value *v, int64_t *out)
{
	const char *t = arc_v_gotype_name(v);
	return (!strcmp(t, "time.Month") || !strcmp(t, "time.Weekday")) && arc_v_object_int(v, out);
}

int64_t arc_cast_int64(arc_value *v)
{
	int64_t r;
	switch (v->kind) {
	case ARC_INT:
		return v->u.i;
	case ARC_FLOAT:
		if (isnan(v->u.f))
			return INT64_MIN;
		if (v->u.f >= 9223372036854775808.0 || v->u.f < -9223372036854775808.0)
			return INT64_MIN; /* Go's conversion of an out-of-range float on amd64 */
		return (int64_t)v->u.f;
	case ARC_BOOL:
		return v->u.b ? 1 : 0;
	case ARC_STRING:
		if (v->gotype == ARC_GO_BYTES)
			return 0;
		if (parse_int_base0(v->u.s.ptr, v->u.s.len, &r) == 0)
			return r;
		return 0;
	case ARC_OBJECT:
		return cast_int_object(v, &r) ? r : 0;
	default:
		return 0;
	}
}

double arc_cast_float64(arc_value *v)
{
	int64_t r;
	switch (v->kind) {
	case ARC_OBJECT:
		return cast_int_object(v, &r) ? (double)r : 0;
	case ARC_INT:
		return (double)v->u.i;
	case ARC_FLOAT:
		return v->u.f;
	case ARC_BOOL:
		return v->u.b ? 1 : 0;
	case ARC_STRING: {
		/* strconv.ParseFloat(s, 64); errors → 0 */
		char *end;
		const char *s = v->u.s.ptr;
		double d;
		if (v->u.s.len == 0 || v->gotype == ARC_GO_BYTES || strchr(" \t\n\r\f\v", s[0]))
			return 0;
		if (strchr(s, '(') || memchr(s, '\0', v->u.s.len))
			return 0; /* strtod's nan(…) is not Go syntax */
		{
			/* ParseFloat: a hex mantissa needs a 'p' exponent; '_' is a
			 * digit separator (underscoreOK); strtod takes the rest as Go does */
			const char *m = s + (s[0] == '+' || s[0] == '-');
			int hexf = m[0] == '0' && (m[1] == 'x' || m[1] == 'X');
			if (hexf && !strpbrk(m, "pP"))
				return 0;
			if (strchr(s, '_')) {
				char *clean, *w;
				const char *q;
				if (!underscore_ok(s))
					return 0;
				clean = xstrdup(s);
				for (q = s, w = clean; *q; q++)
					if (*q != '_')
						*w++ = *q;
				*w = '\0';
				errno = 0;
				d = strtod(clean, &end);
				if (*end || (errno == ERANGE && fabs(d) > 1)) {
					free(clean);
					return 0;
				}
				free(clean);
				return d;
			}
		}
		errno = 0;
		d = strtod(s, &end);
		if (*end || (size_t)(end - s) != v->u.s.len)
			return 0;
		if (errno == ERANGE && fabs(d) > 1)
			return 0;
		return d;
	}
	default:
		return 0;
	}
}

void arc_cast_str(struct arc_buf *b, arc_value *v)
{
	if (v->kind == ARC_STRING) {
		arc_buf_add(b, v->u.s.ptr, v->u.s.len);
		return;
	}
	arc_fmt_v(b, v);
}
