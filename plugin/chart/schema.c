/* schema.c - JSON Schema validation of chart values, reproducing the error
 * tree and texts of santhosh-tekuri/jsonschema v6 as helm 4 prints them. */
#include "schema.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../gotmpl/regex.h"
#include "../value/codec.h"

#define MAX_DEPTH 256

enum ekind { E_LEAF, E_GROUP, E_REF, E_SCHEMA };

struct verr {
	enum ekind k;
	char *loc; /* JSON pointer of the instance ("" = root) */
	char *msg;
	struct verr **c;
	size_t n, cap;
};

struct vctx {
	arc_value *root;
	int draft; /* 4, 6, 7, 2019, 2020 */
	int depth;
	int failed; /* schema error (bad $ref, bad regexp): message set */
};

static struct verr *verr_new(enum ekind k, const char *loc, char *msg_take)
{
	struct verr *e = xcalloc(1, sizeof(*e));
	e->k = k;
	e->loc = xstrdup(loc);
	e->msg = msg_take ? msg_take : xstrdup("");
	return e;
}

static void verr_add(struct verr *e, struct verr *c)
{
	if (!c)
		return;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 4;
		e->c = xrealloc(e->c, e->cap * sizeof(*e->c));
	}
	e->c[e->n++] = c;
}

static void verr_free(struct verr *e)
{
	size_t i;
	if (!e)
		return;
	for (i = 0; i < e->n; i++)
		verr_free(e->c[i]);
	free(e->c);
	free(e->loc);
	free(e->msg);
	free(e);
}

/* the error list of one validator run */
struct elist {
	struct verr **e;
	size_t n, cap;
};

static void el_add(struct elist *l, struct verr *e)
{
	if (!e)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->e = xrealloc(l->e, l->cap * sizeof(*l->e));
	}
	l->e[l->n++] = e;
}

static void el_free(struct elist *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		verr_free(l->e[i]);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

/* a leaf/group error carrying the list as causes (the list is emptied) */
static struct verr *with_causes(enum ekind k, const char *loc, char *msg, struct elist *l)
{
	struct verr *e = verr_new(k, loc, msg);
	size_t i;
	for (i = 0; i < l->n; i++)
		verr_add(e, l->e[i]);
	free(l->e);
	memset(l, 0, sizeof(*l));
	return e;
}

/* ---- texts ---- */

/* the library's quote(): Go %q with the quotes swapped for single quotes */
static void squote(struct arc_buf *b, const char *s, size_t n)
{
	struct arc_buf q = ARC_BUF_INIT;
	size_t i;
	arc_fmt_quote(&q, s, n);
	arc_buf_putc(b, '\'');
	for (i = 1; i + 1 < q.len; i++) {
		if (q.ptr[i] == '\\' && q.ptr[i + 1] == '"') {
			arc_buf_putc(b, '"');
			i++;
		} else if (q.ptr[i] == '\'') {
			arc_buf_puts(b, "\\'");
		} else {
			arc_buf_putc(b, q.ptr[i]);
		}
	}
	arc_buf_putc(b, '\'');
	arc_buf_release(&q);
}

/* display() of a schema value: strings quoted, numbers as the JSON text
 * (json.Number; we print the shortest plain decimal form) */
static void display(struct arc_buf *b, arc_value *v)
{
	if (v->kind == ARC_STRING)
		squote(b, v->u.s.ptr, v->u.s.len);
	else if (v->kind == ARC_LIST || v->kind == ARC_MAP)
		arc_buf_puts(b, "value");
	else if (v->kind == ARC_FLOAT)
		arc_fmt_float(b, v->u.f, 'f', -1);
	else
		arc_fmt_v(b, v);
}

/* digits with "," every three, as golang.org/x/text/message prints numbers in English */
static void put_grouped(struct arc_buf *b, const char *s, size_t n)
{
	size_t i, lead;
	if (n && s[0] == '-') {
		arc_buf_putc(b, '-');
		s++;
		n--;
	}
	lead = n % 3 ? n % 3 : 3;
	for (i = 0; i < n; i++) {
		if (i && i >= lead && (i - lead) % 3 == 0)
			arc_buf_putc(b, ',');
		arc_buf_putc(b, s[i]);
	}
}

static void put_int(struct arc_buf *b, long long v)
{
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%lld", v);
	put_grouped(b, tmp, strlen(tmp));
}

/* the message printer's %v of a float64: Go's shortest %g, with the integer
 * part grouped, or the exponent form written as "1.5×10⁰⁶" */
static void put_num(struct arc_buf *b, double d)
{
	static const char *const sup[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
	struct arc_buf t = ARC_BUF_INIT;
	const char *s, *e, *dot;
	arc_fmt_float(&t, d, 'g', -1);
	s = arc_buf_cstr(&t);
	e = strchr(s, 'e');
	if (e) {
		const char *x = e + 1;
		arc_buf_add(b, s, (size_t)(e - s));
		arc_buf_puts(b, "×10");
		if (*x == '-')
			arc_buf_puts(b, "⁻");
		if (*x == '-' || *x == '+')
			x++;
		for (; *x >= '0' && *x <= '9'; x++)
			arc_buf_puts(b, sup[*x - '0']);
	} else if (strchr(s, 'I') || strchr(s, 'N')) {
		arc_buf_puts(b, s);
	} else {
		dot = strchr(s, '.');
		put_grouped(b, s, dot ? (size_t)(dot - s) : strlen(s));
		if (dot)
			arc_buf_puts(b, dot);
	}
	arc_buf_release(&t);
}

static char *msgf(const char *fmt, ...) ARC_PRINTF(1, 2);
static char *msgf(const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	arc_buf_cstr(&b);
	return arc_buf_detach(&b, NULL);
}

static char *buf_str(struct arc_buf *b);

/* "WHAT: got N, want M" with the printer's grouped integers */
static char *got_want(const char *what, long long got, long long want)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_printf(&b, "%s: got ", what);
	put_int(&b, got);
	arc_buf_puts(&b, ", want ");
	put_int(&b, want);
	return buf_str(&b);
}

/* a grouped integer as a malloc'd string */
static char *gi(long long v)
{
	struct arc_buf b = ARC_BUF_INIT;
	put_int(&b, v);
	return buf_str(&b);
}

static char *buf_str(struct arc_buf *b)
{
	arc_buf_cstr(b);
	return arc_buf_detach(b, NULL);
}

/* ---- JSON helpers ---- */

static int is_num(const arc_value *v)
{
	return v->kind == ARC_INT || v->kind == ARC_FLOAT;
}

static double num(const arc_value *v)
{
	return v->kind == ARC_INT ? (double)v->u.i : v->u.f;
}

static const char *type_of(const arc_value *v)
{
	switch (v->kind) {
	case ARC_NULL:
		return "null";
	case ARC_BOOL:
		return "boolean";
	case ARC_INT:
	case ARC_FLOAT:
		return "number";
	case ARC_STRING:
		return "string";
	case ARC_LIST:
		return "array";
	case ARC_MAP:
		return "object";
	default:
		return "invalid";
	}
}

static int is_integer(const arc_value *v)
{
	if (v->kind == ARC_INT)
		return 1;
	return v->kind == ARC_FLOAT && isfinite(v->u.f) && floor(v->u.f) == v->u.f;
}

static int json_equal(const arc_value *a, const arc_value *b, int depth)
{
	size_t i;
	if (depth > MAX_DEPTH)
		return 0;
	if (is_num(a) && is_num(b))
		return num(a) == num(b);
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case ARC_NULL:
		return 1;
	case ARC_BOOL:
		return !a->u.b == !b->u.b;
	case ARC_STRING:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case ARC_LIST:
		if (arc_v_list_len(a) != arc_v_list_len(b))
			return 0;
		for (i = 0; i < arc_v_list_len(a); i++)
			if (!json_equal(arc_v_list_at(a, i), arc_v_list_at(b, i), depth + 1))
				return 0;
		return 1;
	case ARC_MAP:
		if (arc_v_map_len(a) != arc_v_map_len(b))
			return 0;
		for (i = 0; i < arc_v_map_len(a); i++) {
			arc_value *o = arc_v_map_getn(b, arc_v_map_key(a, i), arc_v_map_keylen(a, i));
			if (!o || !json_equal(arc_v_map_val(a, i), o, depth + 1))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

static arc_value *kw(arc_value *s, const char *k)
{
	return s->kind == ARC_MAP ? arc_v_map_get(s, k) : NULL;
}

static int kw_num(arc_value *s, const char *k, double *out)
{
	arc_value *v = kw(s, k);
	if (!v || !is_num(v))
		return 0;
	*out = num(v);
	return 1;
}

static void loc_push(struct arc_buf *b, const char *tok, size_t n)
{
	size_t i;
	arc_buf_putc(b, '/');
	for (i = 0; i < n; i++) {
		if (tok[i] == '~')
			arc_buf_puts(b, "~0");
		else if (tok[i] == '/')
			arc_buf_puts(b, "~1");
		else
			arc_buf_putc(b, tok[i]);
	}
}

/* ---- $ref ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static arc_value *resolve_ref(struct vctx *x, const char *ref)
{
	arc_value *cur = x->root;
	const char *p;
	if (ref[0] != '#')
		return NULL;
	p = ref + 1;
	if (*p == '\0')
		return cur;
	if (*p != '/')
		return NULL;
	while (*p == '/') {
		struct arc_buf tok = ARC_BUF_INIT;
		const char *e = strchr(p + 1, '/');
		const char *q;
		if (!e)
			e = p + strlen(p);
		for (q = p + 1; q < e; q++) {
			if (*q == '~' && q + 1 < e && (q[1] == '0' || q[1] == '1')) {
				arc_buf_putc(&tok, q[1] == '0' ? '~' : '/');
				q++;
			} else if (*q == '%' && q + 2 < e && hexval(q[1]) >= 0 && hexval(q[2]) >= 0) {
				arc_buf_putc(&tok, (char)(hexval(q[1]) * 16 + hexval(q[2])));
				q += 2;
			} else {
				arc_buf_putc(&tok, *q);
			}
		}
		arc_buf_cstr(&tok);
		if (cur->kind == ARC_MAP) {
			cur = arc_v_map_getn(cur, tok.ptr, tok.len);
		} else if (cur->kind == ARC_LIST) {
			char *end;
			long idx = strtol(tok.ptr, &end, 10);
			cur = (*end || tok.len == 0 || idx < 0 || (size_t)idx >= arc_v_list_len(cur))
				      ? NULL
				      : arc_v_list_at(cur, (size_t)idx);
		} else {
			cur = NULL;
		}
		arc_buf_release(&tok);
		if (!cur)
			return NULL;
		p = e;
	}
	return cur;
}

/* ---- formats (asserted for drafts before 2019-09) ---- */

static int all_digits(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Go's time.Parse("2006-01-02", s) errors (the common ones) */
static char *check_date(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct arc_buf q = ARC_BUF_INIT;
	char *r = NULL;
	int y, m, d, leap;
	arc_fmt_quote(&q, s, n);
	if (n < 4 || !all_digits(s, 4)) {
		r = msgf("parsing time %s as \"2006-01-02\": cannot parse %s as \"2006\"", arc_buf_cstr(&q),
			 arc_buf_cstr(&q));
	} else if (n != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s + 5, 2) || !all_digits(s + 8, 2)) {
		r = msgf("parsing time %s as \"2006-01-02\": cannot parse the rest", arc_buf_cstr(&q));
	} else {
		y = atoi(s);
		m = (s[5] - '0') * 10 + (s[6] - '0');
		d = (s[8] - '0') * 10 + (s[9] - '0');
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (m < 1 || m > 12)
			r = msgf("parsing time %s: month out of range", arc_buf_cstr(&q));
		else if (d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
			r = msgf("parsing time %s: day out of range", arc_buf_cstr(&q));
	}
	arc_buf_release(&q);
	return r;
}

static const char *format_err(const char *fmt, arc_value *v, char **owned)
{
	const char *s;
	size_t n, i;
	*owned = NULL;
	if (v->kind != ARC_STRING)
		return NULL;
	s = v->u.s.ptr;
	n = v->u.s.len;
	if (!strcmp(fmt, "date"))
		return *owned = check_date(s, n);
	if (!strcmp(fmt, "email")) {
		const char *at = memchr(s, '@', n);
		if (!at)
			return "missing @";
		return NULL;
	}
	if (!strcmp(fmt, "ipv4")) {
		int parts = 0;
		const char *p = s, *e = s + n;
		while (p <= e) {
			const char *dot = memchr(p, '.', (size_t)(e - p));
			const char *pe = dot ? dot : e;
			if (pe == p || pe - p > 3 || !all_digits(p, (size_t)(pe - p)))
				return parts == 0 && pe == p ? "expected four decimals" : "invalid decimal";
			if ((pe - p) > 1 && *p == '0')
				return "leading zeros";
			if (atoi(p) > 255)
				return "decimal must be between 0 and 255";
			parts++;
			if (!dot)
				break;
			p = dot + 1;
		}
		return parts == 4 ? NULL : "expected four decimals";
	}
	if (!strcmp(fmt, "uuid")) {
		static const size_t want[] = { 8, 4, 4, 4, 12 };
		const char *p = s, *e = s + n;
		size_t k = 0, parts = 1;
		for (i = 0; i < n; i++)
			parts += s[i] == '-';
		if (parts != 5)
			return "must have 5 elements";
		for (k = 0; k < 5; k++) {
			const char *d = memchr(p, '-', (size_t)(e - p));
			const char *pe = d ? d : e;
			const char *q;
			if ((size_t)(pe - p) != want[k])
				return *owned = msgf("element %zu must be %zu characters long", k + 1, want[k]);
			for (q = p; q < pe; q++)
				if (hexval(*q) < 0) {
					struct arc_buf m = ARC_BUF_INIT;
					int32_t r;
					int w = arc_utf8_decode(q, (size_t)(e - q), &r);
					arc_buf_puts(&m, "non-hex character '");
					arc_buf_add(&m, q, (size_t)w);
					arc_buf_putc(&m, '\'');
					return *owned = buf_str(&m);
				}
			p = pe + 1;
		}
		return NULL;
	}
	if (!strcmp(fmt, "regex")) {
		struct arc_re *re = NULL;
		if (arc_re_compile(&re, s, n) != 0) {
			*owned = xstrdup(arc_error_last());
			return *owned;
		}
		arc_re_free(re);
		return NULL;
	}
	return NULL;
}

/* ---- validation ---- */

static struct verr *validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc);

/* a schema applied to a member of v: the location grows by one token */
static struct verr *validate_val(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, const char *tok,
				 size_t tlen)
{
	size_t keep = loc->len;
	struct verr *e;
	loc_push(loc, tok, tlen);
	e = validate(x, s, v, loc);
	arc_buf_truncate(loc, keep);
	return e;
}

static struct verr *validate_ref(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc)
{
	arc_value *r = kw(s, "$ref"), *target;
	struct verr *e, *re;
	if (!r || r->kind != ARC_STRING)
		return NULL;
	target = resolve_ref(x, r->u.s.ptr);
	if (!target) {
		if (!x->failed)
			arc_error_code(ARC_E_PARSE, "jsonschema: cannot resolve $ref %s in file:///values.schema.json",
				       r->u.s.ptr);
		x->failed = 1;
		return NULL;
	}
	e = validate(x, target, v, loc);
	if (!e)
		return NULL;
	re = verr_new(E_REF, arc_buf_cstr(loc), xstrdup("validation failed"));
	if (e->k == E_GROUP) {
		size_t i;
		for (i = 0; i < e->n; i++)
			verr_add(re, e->c[i]);
		e->n = 0;
		verr_free(e);
	} else {
		verr_add(re, e);
	}
	return re;
}

static void obj_validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, struct elist *errs)
{
	const char *l = arc_buf_cstr(loc);
	arc_value *k, *props, *pprops, *addl;
	double d;
	size_t i, j;
	struct arc_buf extra = ARC_BUF_INIT;
	int nextra = 0;

	if (kw_num(s, "minProperties", &d) && (double)arc_v_map_len(v) < d)
		el_add(errs, verr_new(E_LEAF, l, got_want("minProperties", (long long)arc_v_map_len(v), (long long)d)));
	if (kw_num(s, "maxProperties", &d) && (double)arc_v_map_len(v) > d)
		el_add(errs, verr_new(E_LEAF, l, got_want("maxProperties", (long long)arc_v_map_len(v), (long long)d)));
	k = kw(s, "required");
	if (k && k->kind == ARC_LIST) {
		struct arc_buf m = ARC_BUF_INIT;
		int nmiss = 0;
		for (i = 0; i < arc_v_list_len(k); i++) {
			arc_value *r = arc_v_list_at(k, i);
			if (r->kind != ARC_STRING || arc_v_map_getn(v, r->u.s.ptr, r->u.s.len))
				continue;
			if (nmiss++)
				arc_buf_puts(&m, ", ");
			squote(&m, r->u.s.ptr, r->u.s.len);
		}
		if (nmiss)
			el_add(errs, verr_new(E_LEAF, l, msgf("missing propert%s %s", nmiss == 1 ? "y" : "ies",
							      arc_buf_cstr(&m))));
		arc_buf_release(&m);
	}
	/* dependencies (drafts up to 7) */
	k = x->draft < 2019 ? kw(s, "dependencies") : NULL;
	for (i = 0; k && k->kind == ARC_MAP && i < arc_v_map_len(k); i++) {
		arc_value *dep = arc_v_map_val(k, i);
		if (!arc_v_map_getn(v, arc_v_map_key(k, i), arc_v_map_keylen(k, i)))
			continue;
		if (dep->kind == ARC_LIST) {
			struct arc_buf m = ARC_BUF_INIT, p = ARC_BUF_INIT;
			int nmiss = 0;
			for (j = 0; j < arc_v_list_len(dep); j++) {
				arc_value *r = arc_v_list_at(dep, j);
				if (r->kind != ARC_STRING || arc_v_map_getn(v, r->u.s.ptr, r->u.s.len))
					continue;
				if (nmiss++)
					arc_buf_puts(&m, ", ");
				squote(&m, r->u.s.ptr, r->u.s.len);
			}
			squote(&p, arc_v_map_key(k, i), arc_v_map_keylen(k, i));
			if (nmiss)
				el_add(errs, verr_new(E_LEAF, l, msgf("properties %s required, if %s exists",
								      arc_buf_cstr(&m), arc_buf_cstr(&p))));
			arc_buf_release(&m);
			arc_buf_release(&p);
		} else {
			el_add(errs, validate(x, dep, v, loc));
			l = arc_buf_cstr(loc);
		}
	}
	props = kw(s, "properties");
	pprops = kw(s, "patternProperties");
	addl = kw(s, "additionalProperties");
	for (i = 0; i < arc_v_map_len(v); i++) {
		const char *pn = arc_v_map_key(v, i);
		size_t pl = arc_v_map_keylen(v, i);
		arc_value *pv = arc_v_map_val(v, i), *ps;
		int evaluated = 0;
		if (props && props->kind == ARC_MAP && (ps = arc_v_map_getn(props, pn, pl)) != NULL) {
			evaluated = 1;
			el_add(errs, validate_val(x, ps, pv, loc, pn, pl));
		}
		for (j = 0; pprops && pprops->kind == ARC_MAP && j < arc_v_map_len(pprops); j++) {
			struct arc_re *re = NULL;
			if (arc_re_compile(&re, arc_v_map_key(pprops, j), arc_v_map_keylen(pprops, j)) != 0) {
				x->failed = 1;
				continue;
			}
			if (arc_re_match(re, pn, pl)) {
				evaluated = 1;
				el_add(errs, validate_val(x, arc_v_map_val(pprops, j), pv, loc, pn, pl));
			}
			arc_re_free(re);
		}
		if (!evaluated && addl) {
			if (addl->kind == ARC_BOOL) {
				if (!addl->u.b) {
					if (nextra++)
						arc_buf_puts(&extra, ", ");
					squote(&extra, pn, pl);
				}
			} else {
				el_add(errs, validate_val(x, addl, pv, loc, pn, pl));
			}
		}
	}
	l = arc_buf_cstr(loc);
	if (nextra)
		el_add(errs, verr_new(E_LEAF, l, msgf("additional properties %s not allowed", arc_buf_cstr(&extra))));
	arc_buf_release(&extra);
	if (x->draft == 4)
		return;
	k = kw(s, "propertyNames");
	for (i = 0; k && i < arc_v_map_len(v); i++) {
		arc_value *name = arc_v_strn(arc_v_map_key(v, i), arc_v_map_keylen(v, i));
		struct arc_buf root = ARC_BUF_INIT;
		struct verr *e;
		arc_buf_cstr(&root);
		e = validate(x, k, name, &root);
		if (e) {
			struct arc_buf m = ARC_BUF_INIT;
			struct verr *pe;
			arc_buf_puts(&m, "invalid propertyName ");
			squote(&m, name->u.s.ptr, name->u.s.len);
			pe = verr_new(E_LEAF, "", buf_str(&m));
			if (e->k == E_GROUP) {
				for (j = 0; j < e->n; j++)
					verr_add(pe, e->c[j]);
				e->n = 0;
				verr_free(e);
			} else {
				verr_add(pe, e);
			}
			el_add(errs, pe);
		}
		arc_buf_release(&root);
		arc_v_unref(name);
	}
	if (x->draft == 6 || x->draft < 2019)
		return;
	k = kw(s, "dependentSchemas");
	for (i = 0; k && k->kind == ARC_MAP && i < arc_v_map_len(k); i++)
		if (arc_v_map_getn(v, arc_v_map_key(k, i), arc_v_map_keylen(k, i)))
			el_add(errs, validate(x, arc_v_map_val(k, i), v, loc));
	k = kw(s, "dependentRequired");
	for (i = 0; k && k->kind == ARC_MAP && i < arc_v_map_len(k); i++) {
		arc_value *dep = arc_v_map_val(k, i);
		struct arc_buf m = ARC_BUF_INIT, p = ARC_BUF_INIT;
		int nmiss = 0;
		if (!arc_v_map_getn(v, arc_v_map_key(k, i), arc_v_map_keylen(k, i)) || dep->kind != ARC_LIST)
			continue;
		for (j = 0; j < arc_v_list_len(dep); j++) {
			arc_value *r = arc_v_list_at(dep, j);
			if (r->kind != ARC_STRING || arc_v_map_getn(v, r->u.s.ptr, r->u.s.len))
				continue;
			if (nmiss++)
				arc_buf_puts(&m, ", ");
			squote(&m, r->u.s.ptr, r->u.s.len);
		}
		squote(&p, arc_v_map_key(k, i), arc_v_map_keylen(k, i));
		if (nmiss)
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc),
					      msgf("properties %s required, if %s exists", arc_buf_cstr(&m),
						   arc_buf_cstr(&p))));
		arc_buf_release(&m);
		arc_buf_release(&p);
	}
}

static void arr_validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, struct elist *errs)
{
	size_t n = arc_v_list_len(v), i, j, evaluated = 0;
	arc_value *items, *k;
	double d;
	char tok[32];

	if (kw_num(s, "minItems", &d) && (double)n < d)
		el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), got_want("minItems", (long long)n, (long long)d)));
	if (kw_num(s, "maxItems", &d) && (double)n > d)
		el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), got_want("maxItems", (long long)n, (long long)d)));
	k = kw(s, "uniqueItems");
	if (k && k->kind == ARC_BOOL && k->u.b && n > 1) {
		int found = 0;
		for (i = 0; i < n && !found; i++)
			for (j = i + 1; j < n && !found; j++)
				if (json_equal(arc_v_list_at(v, i), arc_v_list_at(v, j), 0)) {
					char *a = gi((long long)i), *c = gi((long long)j);
					el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc),
							      msgf("items at %s and %s are equal", a, c)));
					free(a);
					free(c);
					found = 1;
				}
	}
	if (x->draft < 2020) {
		items = kw(s, "items");
		if (items && items->kind == ARC_LIST) {
			size_t m = n < arc_v_list_len(items) ? n : arc_v_list_len(items);
			for (i = 0; i < m; i++) {
				snprintf(tok, sizeof(tok), "%zu", i);
				el_add(errs, validate_val(x, arc_v_list_at(items, i), arc_v_list_at(v, i), loc, tok,
							  strlen(tok)));
			}
			evaluated = m;
		} else if (items) {
			for (i = 0; i < n; i++) {
				snprintf(tok, sizeof(tok), "%zu", i);
				el_add(errs, validate_val(x, items, arc_v_list_at(v, i), loc, tok, strlen(tok)));
			}
			evaluated = n;
		}
		k = kw(s, "additionalItems");
		if (k && items && items->kind == ARC_LIST) {
			if (k->kind == ARC_BOOL) {
				if (!k->u.b && evaluated != n) {
					char *c = gi((long long)(n - evaluated));
					el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc),
							      msgf("last %s additionalItem(s) not allowed", c)));
					free(c);
				}
			} else {
				/* the library numbers these from 0 again */
				for (i = evaluated; i < n; i++) {
					snprintf(tok, sizeof(tok), "%zu", i - evaluated);
					el_add(errs, validate_val(x, k, arc_v_list_at(v, i), loc, tok, strlen(tok)));
				}
			}
		}
	} else {
		k = kw(s, "prefixItems");
		if (k && k->kind == ARC_LIST) {
			evaluated = n < arc_v_list_len(k) ? n : arc_v_list_len(k);
			for (i = 0; i < evaluated; i++) {
				snprintf(tok, sizeof(tok), "%zu", i);
				el_add(errs, validate_val(x, arc_v_list_at(k, i), arc_v_list_at(v, i), loc, tok,
							  strlen(tok)));
			}
		}
		items = kw(s, "items");
		if (items) {
			for (i = evaluated; i < n; i++) {
				snprintf(tok, sizeof(tok), "%zu", i - evaluated);
				el_add(errs, validate_val(x, items, arc_v_list_at(v, i), loc, tok, strlen(tok)));
			}
		}
	}
	k = x->draft >= 6 ? kw(s, "contains") : NULL;
	if (k) {
		struct elist ce = { 0 };
		size_t matched = 0;
		struct arc_buf mlist = ARC_BUF_INIT;
		double minc = -1, maxc = -1;
		for (i = 0; i < n; i++) {
			struct verr *e;
			snprintf(tok, sizeof(tok), "%zu", i);
			e = validate_val(x, k, arc_v_list_at(v, i), loc, tok, strlen(tok));
			if (e) {
				el_add(&ce, e);
			} else {
				if (matched++)
					arc_buf_putc(&mlist, ' ');
				arc_buf_printf(&mlist, "%zu", i);
			}
		}
		if (x->draft >= 2019) {
			kw_num(s, "minContains", &minc);
			kw_num(s, "maxContains", &maxc);
		}
		if (minc >= 0) {
			if ((double)matched < minc) {
				char *m = matched ? msgf("min %d items required to match contains schema, but matched %zu "
							 "items at %s", (int)minc, matched, arc_buf_cstr(&mlist))
						  : msgf("min %d items required to match contains schema, but none "
							 "matched", (int)minc);
				el_add(errs, with_causes(E_LEAF, arc_buf_cstr(loc), m, &ce));
			}
		} else if (matched == 0) {
			el_add(errs, with_causes(E_LEAF, arc_buf_cstr(loc), xstrdup("no items match contains schema"),
						 &ce));
		}
		if (maxc >= 0 && (double)matched > maxc)
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc),
					      msgf("max %d items required to match contains schema, but matched %zu "
						   "items at %s", (int)maxc, matched, arc_buf_cstr(&mlist))));
		el_free(&ce);
		arc_buf_release(&mlist);
	}
}

static size_t rune_count(const char *s, size_t n)
{
	size_t i = 0, c = 0;
	while (i < n) {
		int32_t r;
		i += (size_t)arc_utf8_decode(s + i, n - i, &r);
		c++;
	}
	return c;
}

static void str_validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, struct elist *errs)
{
	double d;
	arc_value *p;
	size_t len = 0;
	int counted = 0;
	if (kw_num(s, "minLength", &d)) {
		len = rune_count(v->u.s.ptr, v->u.s.len);
		counted = 1;
		if ((double)len < d)
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), got_want("minLength", (long long)len, (long long)d)));
	}
	if (kw_num(s, "maxLength", &d)) {
		if (!counted)
			len = rune_count(v->u.s.ptr, v->u.s.len);
		if ((double)len > d)
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), got_want("maxLength", (long long)len, (long long)d)));
	}
	p = kw(s, "pattern");
	if (p && p->kind == ARC_STRING) {
		struct arc_re *re = NULL;
		if (arc_re_compile(&re, p->u.s.ptr, p->u.s.len) != 0) {
			if (!x->failed)
				arc_error_code(ARC_E_PARSE, "jsonschema: invalid regular expression %s in "
							    "file:///values.schema.json", p->u.s.ptr);
			x->failed = 1;
			return;
		}
		if (!arc_re_match(re, v->u.s.ptr, v->u.s.len)) {
			struct arc_buf m = ARC_BUF_INIT;
			squote(&m, v->u.s.ptr, v->u.s.len);
			arc_buf_puts(&m, " does not match pattern ");
			squote(&m, p->u.s.ptr, p->u.s.len);
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m)));
		}
		arc_re_free(re);
	}
}

static void num_msg(struct elist *errs, struct arc_buf *loc, const char *what, double got, double want)
{
	struct arc_buf m = ARC_BUF_INIT;
	arc_buf_printf(&m, "%s: got ", what);
	put_num(&m, got);
	arc_buf_puts(&m, ", want ");
	put_num(&m, want);
	el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m)));
}

/* a number's shortest round-trip decimal form as digits * 10^exp */
static void decimal_of(double f, unsigned __int128 *digits, int *exp)
{
	char tmp[64], *p, *dot, *ep;
	int prec, frac;
	unsigned __int128 m = 0;
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec - 1, fabs(f));
		if (strtod(tmp, NULL) == fabs(f))
			break;
	}
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p != '.')
			m = m * 10 + (unsigned)(*p - '0');
	dot = strchr(tmp, '.');
	ep = strchr(tmp, 'e');
	frac = dot && ep ? (int)(ep - dot - 1) : 0;
	*digits = m;
	*exp = (ep ? atoi(ep + 1) : 0) - frac;
}

/* big.Rat's exact test: n / d is an integer (decimal forms, as the library
 * parses the numbers' text) */
static int is_multiple(double n, double d)
{
	unsigned __int128 a, b;
	int ea, eb, k;
	if (!isfinite(n) || !isfinite(d))
		return 0;
	if (n == 0)
		return 1;
	decimal_of(n, &a, &ea);
	decimal_of(d, &b, &eb);
	if (b == 0)
		return 0;
	/* n/d = a/b * 10^(ea-eb) */
	k = ea - eb;
	if (k >= 0) {
		/* a * 10^k divisible by b: reduce b by gcd with 10s */
		while (k > 0 && b % 10 == 0 && b > 1) {
			b /= 10;
			k--;
		}
		while (k > 0 && (b % 2 == 0 || b % 5 == 0)) {
			if (b % 2 == 0)
				b /= 2;
			if (b % 5 == 0)
				b /= 5;
			k--;
		}
		return a % b == 0;
	}
	/* a divisible by b * 10^-k */
	for (; k < 0; k++) {
		if (b > (((unsigned __int128)1) << 120))
			return 0;
		b *= 10;
	}
	return a % b == 0;
}

static void num_validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, struct elist *errs)
{
	double n = num(v), d, min = 0, max = 0;
	int has_min = kw_num(s, "minimum", &min), has_max = kw_num(s, "maximum", &max);
	arc_value *k;
	if (x->draft == 4) {
		k = kw(s, "exclusiveMinimum");
		if (has_min && k && k->kind == ARC_BOOL && k->u.b) {
			if (n <= min)
				num_msg(errs, loc, "exclusiveMinimum", n, min);
			has_min = 0;
		}
		k = kw(s, "exclusiveMaximum");
		if (has_max && k && k->kind == ARC_BOOL && k->u.b) {
			if (n >= max)
				num_msg(errs, loc, "exclusiveMaximum", n, max);
			has_max = 0;
		}
	}
	/* the library checks minimum, maximum, then the exclusive ones */
	if (has_min && n < min)
		num_msg(errs, loc, "minimum", n, min);
	if (has_max && n > max)
		num_msg(errs, loc, "maximum", n, max);
	if (x->draft != 4) {
		if (kw_num(s, "exclusiveMinimum", &d) && n <= d)
			num_msg(errs, loc, "exclusiveMinimum", n, d);
		if (kw_num(s, "exclusiveMaximum", &d) && n >= d)
			num_msg(errs, loc, "exclusiveMaximum", n, d);
	}
	if (kw_num(s, "multipleOf", &d) && d != 0 && !is_multiple(n, d))
		num_msg(errs, loc, "multipleOf", n, d);
}

static void cond_validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc, struct elist *errs)
{
	arc_value *k;
	size_t i;
	struct verr *e;

	k = kw(s, "not");
	if (k) {
		e = validate(x, k, v, loc);
		if (!e)
			el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc), xstrdup("'not' failed")));
		verr_free(e);
	}
	k = kw(s, "allOf");
	if (k && k->kind == ARC_LIST && arc_v_list_len(k)) {
		struct elist l = { 0 };
		for (i = 0; i < arc_v_list_len(k); i++)
			el_add(&l, validate(x, arc_v_list_at(k, i), v, loc));
		if (l.n)
			el_add(errs, with_causes(E_LEAF, arc_buf_cstr(loc), xstrdup("'allOf' failed"), &l));
	}
	k = kw(s, "anyOf");
	if (k && k->kind == ARC_LIST && arc_v_list_len(k)) {
		struct elist l = { 0 };
		int matched = 0;
		for (i = 0; i < arc_v_list_len(k) && !matched; i++) {
			e = validate(x, arc_v_list_at(k, i), v, loc);
			if (e)
				el_add(&l, e);
			else
				matched = 1;
		}
		if (!matched)
			el_add(errs, with_causes(E_LEAF, arc_buf_cstr(loc), xstrdup("'anyOf' failed"), &l));
		el_free(&l);
	}
	k = kw(s, "oneOf");
	if (k && k->kind == ARC_LIST && arc_v_list_len(k)) {
		struct elist l = { 0 };
		long matched = -1;
		for (i = 0; i < arc_v_list_len(k); i++) {
			e = validate(x, arc_v_list_at(k, i), v, loc);
			if (e) {
				if (matched == -1)
					el_add(&l, e);
				else
					verr_free(e);
			} else if (matched == -1) {
				matched = (long)i;
			} else {
				el_add(errs, verr_new(E_LEAF, arc_buf_cstr(loc),
						      msgf("'oneOf' failed, subschemas %ld, %zu matched", matched, i)));
				break;
			}
		}
		if (matched == -1)
			el_add(errs, with_causes(E_LEAF, arc_buf_cstr(loc), xstrdup("'oneOf' failed, none matched"), &l));
		el_free(&l);
	}
	k = x->draft >= 7 ? kw(s, "if") : NULL;
	if (k) {
		e = validate(x, k, v, loc);
		if (!e) {
			arc_value *t = kw(s, "then");
			if (t)
				el_add(errs, validate(x, t, v, loc));
		} else {
			arc_value *el = kw(s, "else");
			verr_free(e);
			if (el)
				el_add(errs, validate(x, el, v, loc));
		}
	}
}

static int type_matches(arc_value *t, arc_value *v)
{
	const char *got = type_of(v);
	if (t->kind != ARC_STRING)
		return 1;
	if (!strcmp(t->u.s.ptr, got))
		return 1;
	return !strcmp(t->u.s.ptr, "integer") && is_num(v) && is_integer(v);
}

static struct verr *validate(struct vctx *x, arc_value *s, arc_value *v, struct arc_buf *loc)
{
	struct elist errs = { 0 };
	arc_value *k;
	size_t i;
	struct verr *e;

	if (s->kind == ARC_BOOL)
		return s->u.b ? NULL : verr_new(E_LEAF, arc_buf_cstr(loc), xstrdup("false schema"));
	if (s->kind != ARC_MAP || x->failed)
		return NULL;
	if (x->draft < 2019 && kw(s, "$ref")) {
		/* before 2019-09 the siblings of $ref are ignored */
		if (++x->depth > MAX_DEPTH) {
			x->depth--;
			if (!x->failed)
				arc_error_code(ARC_E_RANGE, "jsonschema: schema references nest too deep (a $ref cycle?)");
			x->failed = 1;
			return NULL;
		}
		e = validate_ref(x, s, v, loc);
		x->depth--;
		return e;
	}
	if (++x->depth > MAX_DEPTH) {
		x->depth--;
		if (!x->failed)
			arc_error_code(ARC_E_RANGE, "jsonschema: schema references nest too deep (a $ref cycle?)");
		x->failed = 1;
		return NULL;
	}
	/* type */
	k = kw(s, "type");
	if (k && (k->kind == ARC_STRING || (k->kind == ARC_LIST && arc_v_list_len(k)))) {
		static const char *const order[] = { "null", "boolean", "number", "integer", "string", "array", "object" };
		int ok = 0;
		if (k->kind == ARC_STRING)
			ok = type_matches(k, v);
		for (i = 0; k->kind == ARC_LIST && i < arc_v_list_len(k) && !ok; i++)
			ok = type_matches(arc_v_list_at(k, i), v);
		if (!ok) {
			struct arc_buf m = ARC_BUF_INIT;
			size_t o, nw = 0;
			arc_buf_printf(&m, "got %s, want ", type_of(v));
			for (o = 0; o < ARC_ARRAY_LEN(order); o++) {
				int has = 0;
				if (k->kind == ARC_STRING)
					has = !strcmp(k->u.s.ptr, order[o]);
				for (i = 0; k->kind == ARC_LIST && i < arc_v_list_len(k) && !has; i++) {
					arc_value *t = arc_v_list_at(k, i);
					has = t->kind == ARC_STRING && !strcmp(t->u.s.ptr, order[o]);
				}
				if (has)
					arc_buf_printf(&m, "%s%s", nw++ ? " or " : "", order[o]);
			}
			x->depth--;
			return verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m));
		}
	}
	/* const */
	k = x->draft >= 6 ? arc_v_map_get(s, "const") : NULL;
	if (k && !json_equal(v, k, 0)) {
		struct arc_buf m = ARC_BUF_INIT;
		if (k->kind == ARC_LIST || k->kind == ARC_MAP) {
			arc_buf_puts(&m, "'const' failed");
		} else {
			arc_buf_puts(&m, "value must be ");
			display(&m, k);
		}
		x->depth--;
		return verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m));
	}
	/* enum */
	k = kw(s, "enum");
	if (k && k->kind == ARC_LIST) {
		int matched = 0, prim = 1;
		for (i = 0; i < arc_v_list_len(k) && !matched; i++)
			matched = json_equal(v, arc_v_list_at(k, i), 0);
		if (!matched) {
			struct arc_buf m = ARC_BUF_INIT;
			for (i = 0; i < arc_v_list_len(k); i++) {
				arc_value *it = arc_v_list_at(k, i);
				if (it->kind == ARC_LIST || it->kind == ARC_MAP)
					prim = 0;
			}
			if (!prim) {
				arc_buf_puts(&m, "'enum' failed");
			} else if (arc_v_list_len(k) == 1) {
				arc_buf_puts(&m, "value must be ");
				display(&m, arc_v_list_at(k, 0));
			} else {
				arc_buf_puts(&m, "value must be one of ");
				for (i = 0; i < arc_v_list_len(k); i++) {
					if (i)
						arc_buf_puts(&m, ", ");
					display(&m, arc_v_list_at(k, i));
				}
			}
			x->depth--;
			return verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m));
		}
	}
	/* format */
	k = x->draft < 2019 ? kw(s, "format") : NULL;
	if (k && k->kind == ARC_STRING) {
		char *owned = NULL;
		const char *fe = format_err(k->u.s.ptr, v, &owned);
		if (fe) {
			struct arc_buf m = ARC_BUF_INIT;
			display(&m, v);
			arc_buf_printf(&m, " is not valid %s: %s", k->u.s.ptr, fe);
			free(owned);
			x->depth--;
			return verr_new(E_LEAF, arc_buf_cstr(loc), buf_str(&m));
		}
	}
	/* $ref */
	if (kw(s, "$ref")) {
		e = validate_ref(x, s, v, loc);
		if (x->draft < 2019) {
			x->depth--;
			return e;
		}
		el_add(&errs, e);
	}
	switch (v->kind) {
	case ARC_MAP:
		obj_validate(x, s, v, loc, &errs);
		break;
	case ARC_LIST:
		arr_validate(x, s, v, loc, &errs);
		break;
	case ARC_STRING:
		str_validate(x, s, v, loc, &errs);
		break;
	case ARC_INT:
	case ARC_FLOAT:
		num_validate(x, s, v, loc, &errs);
		break;
	default:
		break;
	}
	cond_validate(x, s, v, loc, &errs);
	x->depth--;
	if (errs.n == 0) {
		free(errs.e);
		return NULL;
	}
	if (errs.n == 1) {
		e = errs.e[0];
		free(errs.e);
		return e;
	}
	return with_causes(E_GROUP, arc_buf_cstr(loc), xstrdup("validation failed"), &errs);
}

static void show(struct arc_buf *b, struct verr *e, int indent)
{
	size_t i;
	int skip = e->k == E_REF && e->n == 1;
	if (!skip) {
		if (indent > 0) {
			int j;
			arc_buf_putc(b, '\n');
			for (j = 0; j < indent - 1; j++)
				arc_buf_puts(b, "  ");
			arc_buf_puts(b, "- ");
		}
		indent++;
		if (e->k == E_SCHEMA) {
			arc_buf_puts(b, e->msg);
		} else {
			arc_buf_puts(b, "at ");
			squote(b, e->loc, strlen(e->loc));
			arc_buf_printf(b, ": %s", e->msg);
		}
	}
	for (i = 0; i < e->n; i++)
		show(b, e->c[i], indent);
}

static int draft_of(arc_value *schema)
{
	arc_value *s = kw(schema, "$schema");
	const char *u;
	if (!s || s->kind != ARC_STRING)
		return 2020;
	u = s->u.s.ptr;
	if (strstr(u, "draft-04"))
		return 4;
	if (strstr(u, "draft-06"))
		return 6;
	if (strstr(u, "draft-07"))
		return 7;
	if (strstr(u, "2019-09"))
		return 2019;
	return 2020;
}

int arc_schema_validate(const char *schema, size_t len, arc_value *values)
{
	arc_value *doc = NULL;
	struct vctx x;
	struct arc_buf loc = ARC_BUF_INIT;
	struct verr *e, *top;
	int rc;

	if ((rc = arc_json_load(&doc, "", schema, len)) != 0)
		return rc;
	memset(&x, 0, sizeof(x));
	x.root = doc;
	x.draft = doc->kind == ARC_MAP ? draft_of(doc) : 2020;
	arc_buf_cstr(&loc);
	e = validate(&x, doc, values, &loc);
	arc_buf_release(&loc);
	if (x.failed) {
		verr_free(e);
		arc_v_unref(doc);
		return ARC_E_PARSE;
	}
	arc_v_unref(doc);
	if (!e)
		return 0;
	top = verr_new(E_SCHEMA, "", xstrdup("jsonschema validation failed with 'file:///values.schema.json#'"));
	if (e->k == E_GROUP) {
		size_t i;
		for (i = 0; i < e->n; i++)
			verr_add(top, e->c[i]);
		e->n = 0;
		verr_free(e);
	} else {
		verr_add(top, e);
	}
	{
		struct arc_buf b = ARC_BUF_INIT;
		static const char head[] = "jsonschema validation failed with 'file:///values.schema.json#'\n";
		const char *s;
		show(&b, top, 0);
		s = arc_buf_cstr(&b);
		if (!strncmp(s, head, sizeof(head) - 1))
			s += sizeof(head) - 1;
		rc = arc_error_code(ARC_E_PARSE, "%s\n", s);
		arc_buf_release(&b);
	}
	verr_free(top);
	return rc;
}

static const struct arc_chart_file *find_schema(const struct arc_chart *c)
{
	size_t i;
	for (i = 0; i < c->nfiles; i++)
		if (!strcmp(c->files[i].path, "values.schema.json"))
			return &c->files[i];
	return NULL;
}

static int validate_chart(const struct arc_chart *c, arc_value *values, struct arc_buf *sb, int depth)
{
	const struct arc_chart_file *f = find_schema(c);
	size_t i;
	int rc;

	if (depth > 64)
		return arc_error_code(ARC_E_RANGE, "charts nested too deep");
	if (f) {
		rc = arc_schema_validate(f->data, f->len, values);
		if (rc == ARC_E_NOMEM)
			return rc;
		if (rc) {
			arc_buf_printf(sb, "%s:\n%s", arc_chart_name(c), arc_error_last());
		}
	}
	for (i = 0; i < c->ndeps; i++) {
		const char *name = arc_chart_name(c->deps[i]);
		arc_value *sv = values && values->kind == ARC_MAP ? arc_v_map_get(values, name) : NULL;
		if (!sv || sv->kind == ARC_NULL)
			continue;
		if (sv->kind != ARC_MAP) {
			arc_buf_printf(sb, "%s:\ninvalid type for values: expected object (map), got %s\n", name,
				       arc_v_gotype_name(sv));
			continue;
		}
		if ((rc = validate_chart(c->deps[i], sv, sb, depth + 1)) != 0)
			return rc;
	}
	return 0;
}

int arc_schema_validate_chart(const struct arc_chart *c, arc_value *values)
{
	struct arc_buf sb = ARC_BUF_INIT;
	int rc = validate_chart(c, values, &sb, 0);
	if (rc == 0 && sb.len)
		rc = arc_error_code(ARC_E_PARSE, "%s", arc_buf_cstr(&sb));
	arc_buf_release(&sb);
	return rc;
}
