/* toml.c - TOML encoder (BurntSushi/toml's layout) and decoder for toToml/fromToml */
#include "toml.h"
#include "codec.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOML_MAX_DEPTH 500
#define TOML_MAX_WORK 10000000 /* values looked at to choose layouts */

/* ================= encoder ================= */

struct tkey {
	const char *s;
	size_t len;
};

struct tenc {
	struct arc_buf *b;
	int written;
	size_t work; /* toml_type calls, bounded by TOML_MAX_WORK */
	struct tkey key[TOML_MAX_DEPTH];
	int nkey;
};

enum { T_NONE, T_SCALAR, T_ARRAY, T_HASH, T_ARRAYHASH, T_BAD };

static void ew(struct tenc *e, const char *s, size_t n)
{
	arc_buf_add(e->b, s, n);
	e->written = 1;
}

static void ews(struct tenc *e, const char *s)
{
	ew(e, s, strlen(s));
}

static void enl(struct tenc *e)
{
	if (e->written)
		ew(e, "\n", 1);
}

static int toml_type(struct tenc *e, arc_value *v, int *err, int depth);

/* every element a table (and at least one); a nil element is an error.  Like
 * BurntSushi/toml this looks at every element, and through nested lists: the
 * work is bounded (a list holding one list twice at each level is small in
 * memory but exponential to walk). */
static int is_table_array(struct tenc *e, arc_value *l, int *err, int depth)
{
	size_t i, n = arc_v_list_len(l);
	int ret = n > 0;
	for (i = 0; i < n; i++) {
		int t = toml_type(e, arc_v_list_at(l, i), err, depth + 1);
		if (*err)
			return 0;
		if (t == T_NONE) {
			*err = arc_error_set("toml: cannot encode array with nil element");
			return 0;
		}
		if (t != T_HASH)
			ret = 0;
	}
	return ret;
}

static int toml_type(struct tenc *e, arc_value *v, int *err, int depth)
{
	if (++e->work > TOML_MAX_WORK) {
		/* as much as a full bounded buffer (codec.h): the text would be as large */
		e->b->over = 1;
		*err = arc_error_code(ARC_E_RANGE, "toml: output too large");
		return T_BAD;
	}
	if (depth > TOML_MAX_DEPTH) {
		*err = arc_error_code(ARC_E_RANGE, "toml: value nested too deeply");
		return T_BAD;
	}
	switch (v->kind) {
	case ARC_NULL:
		return T_NONE;
	case ARC_LIST:
		return is_table_array(e, v, err, depth) ? T_ARRAYHASH : T_ARRAY;
	case ARC_MAP:
		return T_HASH;
	case ARC_OBJECT:
		return T_BAD;
	default:
		return T_SCALAR;
	}
}

static int bare_key(const char *s, size_t n)
{
	size_t i;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static void quoted(struct tenc *e, const char *s, size_t n)
{
	size_t i;
	ew(e, "\"", 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		switch (c) {
		case '"': ews(e, "\\\""); break;
		case '\\': ews(e, "\\\\"); break;
		case '\b': ews(e, "\\b"); break;
		case '\t': ews(e, "\\t"); break;
		case '\n': ews(e, "\\n"); break;
		case '\f': ews(e, "\\f"); break;
		case '\r': ews(e, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", c);
				ews(e, tmp);
			} else {
				ew(e, (const char *)&s[i], 1);
			}
		}
	}
	ew(e, "\"", 1);
}

static void key_part(struct tenc *e, const struct tkey *k)
{
	if (bare_key(k->s, k->len))
		ew(e, k->s, k->len);
	else
		quoted(e, k->s, k->len);
}

static void indent(struct tenc *e)
{
	int i;
	for (i = 1; i < e->nkey; i++)
		ews(e, "  ");
}

static void key_path(struct tenc *e)
{
	int i;
	for (i = 0; i < e->nkey; i++) {
		if (i)
			ew(e, ".", 1);
		key_part(e, &e->key[i]);
	}
}

static int element(struct tenc *e, arc_value *v, int depth);
static int element_object(struct tenc *e, arc_value *v, int depth);
static int emap(struct tenc *e, arc_value *m, int inline_, int depth);

static int element(struct tenc *e, arc_value *v, int depth)
{
	struct arc_buf t = ARC_BUF_INIT;
	size_t i, n;
	if (e->b->over)
		return arc_error_code(ARC_E_RANGE, "toml: output too large"); /* bounded buffer full (codec.h) */
	if (depth > TOML_MAX_DEPTH)
		return arc_error_code(ARC_E_RANGE, "toml: value nested too deeply");
	switch (v->kind) {
	case ARC_STRING:
		if (v->gotype == ARC_GO_BYTES) {
			ew(e, "[", 1);
			for (i = 0; i < v->u.s.len; i++) {
				char tmp[8];
				snprintf(tmp, sizeof(tmp), "%s%u", i ? ", " : "", (unsigned char)v->u.s.ptr[i]);
				ews(e, tmp);
			}
			ew(e, "]", 1);
		} else {
			quoted(e, v->u.s.ptr, v->u.s.len);
		}
		return 0;
	case ARC_BOOL:
		ews(e, v->u.b ? "true" : "false");
		return 0;
	case ARC_INT: {
		char tmp[32];
		if (v->gotype == ARC_GO_UINT64)
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)(uint64_t)v->u.i);
		else
			snprintf(tmp, sizeof(tmp), "%lld", (long long)v->u.i);
		ews(e, tmp);
		return 0;
	}
	case ARC_FLOAT: {
		double f = v->u.f;
		if (isnan(f)) {
			ews(e, signbit(f) ? "-nan" : "nan");
		} else if (isinf(f)) {
			ews(e, f < 0 ? "-inf" : "inf");
		} else {
			arc_fmt_float(&t, f, 'g', -1);
			ews(e, arc_buf_cstr(&t));
			if (!strpbrk(arc_buf_cstr(&t), ".eE"))
				ews(e, ".0");
			arc_buf_release(&t);
		}
		return 0;
	}
	case ARC_LIST:
		n = arc_v_list_len(v);
		ew(e, "[", 1);
		for (i = 0; i < n; i++) {
			arc_value *x = arc_v_list_at(v, i);
			int r;
			if (x->kind == ARC_NULL)
				return arc_error_code(ARC_E_TYPE, "reflect: call of reflect.Value.Interface on zero Value");
			r = element(e, x, depth + 1);
			if (r)
				return r;
			if (i + 1 != n)
				ews(e, ", ");
		}
		ew(e, "]", 1);
		return 0;
	case ARC_MAP: {
		int r;
		ew(e, "{", 1);
		r = emap(e, v, 1, depth + 1);
		ew(e, "}", 1);
		return r;
	}
	case ARC_NULL:
		return arc_error_code(ARC_E_TYPE, "reflect: call of reflect.Value.Type on zero Value");
	case ARC_OBJECT:
		return element_object(e, v, depth);
	default:
		return arc_error_set("toml: unsupported type: %s", arc_v_gotype_name(v));
	}
}

/* An object, through its class hooks (value.h), as BurntSushi/toml writes
 * Go values: a time.Duration as its quoted String(), a named integer type
 * as its integer, a time.Time as a bare RFC 3339 datetime, a text marshaler
 * (its JSON is a string: *semver.Version) as that string, quoted. */
static int element_object(struct tenc *e, arc_value *v, int depth)
{
	const char *type = arc_v_gotype_name(v);
	arc_value *u = NULL, *parsed = NULL;
	int r;

	if (!strcmp(type, "time.Duration") && v->u.o.cls->format) {
		struct arc_buf t = ARC_BUF_INIT;
		v->u.o.cls->format(v, &t);
		quoted(e, t.ptr ? t.ptr : "", t.len);
		arc_buf_release(&t);
		return 0;
	}
	if ((u = arc_v_underlying(v)) != NULL) {
		r = element(e, u, depth);
		arc_v_unref(u);
		return r;
	}
	r = arc_v_marshal_json(v, &u);
	if (r == 0) {
		r = arc_json_load(&parsed, NULL, arc_v_strptr(u), arc_v_strlen(u));
		arc_v_unref(u);
	}
	arc_error_clear();
	if (r < 0 || arc_v_kind(parsed) != ARC_STRING) {
		arc_v_unref(parsed);
		return arc_error_set("toml: unsupported type: %s", type);
	}
	if (!strcmp(type, "time.Time"))
		ew(e, arc_v_strptr(parsed), arc_v_strlen(parsed));
	else
		quoted(e, arc_v_strptr(parsed), arc_v_strlen(parsed));
	arc_v_unref(parsed);
	return 0;
}

static int key_value(struct tenc *e, arc_value *v, int inline_, int depth)
{
	int r;
	if (e->nkey == 0)
		return element(e, v, depth);
	indent(e);
	key_part(e, &e->key[e->nkey - 1]);
	ews(e, " = ");
	r = element(e, v, depth);
	if (!inline_)
		enl(e);
	return r;
}

static int encode(struct tenc *e, arc_value *v, int depth);

static int table(struct tenc *e, arc_value *m, int depth)
{
	if (e->nkey == 1)
		enl(e);
	if (e->nkey > 0) {
		indent(e);
		ew(e, "[", 1);
		key_path(e);
		ew(e, "]", 1);
		enl(e);
	}
	return emap(e, m, 0, depth);
}

static int array_of_tables(struct tenc *e, arc_value *l, int depth)
{
	size_t i, n = arc_v_list_len(l);
	int r;
	if (e->nkey == 0)
		return arc_error_set("toml: top-level values must be Go maps or structs");
	for (i = 0; i < n; i++) {
		arc_value *x = arc_v_list_at(l, i);
		if (x->kind == ARC_NULL)
			continue;
		enl(e);
		indent(e);
		ews(e, "[[");
		key_path(e);
		ews(e, "]]");
		enl(e);
		r = emap(e, x, 0, depth + 1);
		if (r)
			return r;
	}
	return 0;
}

static int encode(struct tenc *e, arc_value *v, int depth)
{
	int err = 0, t;
	if (e->b->over)
		return arc_error_code(ARC_E_RANGE, "toml: output too large"); /* bounded buffer full (codec.h) */
	if (depth > TOML_MAX_DEPTH)
		return arc_error_code(ARC_E_RANGE, "toml: value nested too deeply");
	switch (v->kind) {
	case ARC_NULL:
		return 0;
	case ARC_LIST:
		t = toml_type(e, v, &err, 0);
		if (err)
			return err;
		if (t == T_ARRAYHASH)
			return array_of_tables(e, v, depth);
		return key_value(e, v, 0, depth);
	case ARC_MAP:
		return table(e, v, depth);
	case ARC_OBJECT: /* written by element_object */
	default:
		return key_value(e, v, 0, depth);
	}
}

static int cmp_key(const void *a, const void *b, void *m)
{
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	size_t la = arc_v_map_keylen(m, ia), lb = arc_v_map_keylen(m, ib);
	int c = memcmp(arc_v_map_key(m, ia), arc_v_map_key(m, ib), la < lb ? la : lb);
	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

static void sort_idx(size_t *idx, size_t n, arc_value *m)
{
	size_t i, j;
	/* insertion sort keeps this free of qsort_r portability concerns; maps are small */
	for (i = 1; i < n; i++) {
		size_t x = idx[i];
		for (j = i; j > 0 && cmp_key(&idx[j - 1], &x, m) > 0; j--)
			idx[j] = idx[j - 1];
		idx[j] = x;
	}
}

static int write_keys(struct tenc *e, arc_value *m, size_t *idx, size_t n, int inline_, int trail, int depth)
{
	size_t i;
	int r;
	sort_idx(idx, n, m);
	for (i = 0; i < n; i++) {
		arc_value *v = arc_v_map_val(m, idx[i]);
		if (v->kind == ARC_NULL)
			continue;
		if (e->nkey >= TOML_MAX_DEPTH)
			return arc_error_code(ARC_E_RANGE, "toml: value nested too deeply");
		if (inline_) {
			struct tkey one;
			one.s = arc_v_map_key(m, idx[i]);
			one.len = arc_v_map_keylen(m, idx[i]);
			key_part(e, &one);
			ews(e, " = ");
			r = element(e, v, depth + 1);
			if (r)
				return r;
			if (trail || i != n - 1)
				ews(e, ", ");
		} else {
			e->key[e->nkey].s = arc_v_map_key(m, idx[i]);
			e->key[e->nkey].len = arc_v_map_keylen(m, idx[i]);
			e->nkey++;
			r = encode(e, v, depth + 1);
			e->nkey--;
			if (r)
				return r;
		}
	}
	return 0;
}

static int emap(struct tenc *e, arc_value *m, int inline_, int depth)
{
	size_t n = arc_v_map_len(m), i, nd = 0, ns = 0;
	size_t *direct, *sub;
	int r = 0, err = 0;
	if (depth > TOML_MAX_DEPTH)
		return arc_error_code(ARC_E_RANGE, "toml: value nested too deeply");
	direct = xcalloc(n + 1, sizeof(*direct));
	sub = xcalloc(n + 1, sizeof(*sub));
	for (i = 0; i < n; i++) {
		int t = toml_type(e, arc_v_map_val(m, i), &err, 0);
		if (err) {
			r = err;
			goto out;
		}
		if (t == T_HASH || t == T_ARRAYHASH)
			sub[ns++] = i;
		else
			direct[nd++] = i;
	}
	r = write_keys(e, m, direct, nd, inline_, ns > 0, depth);
	if (!r)
		r = write_keys(e, m, sub, ns, inline_, 0, depth);
out:
	free(direct);
	free(sub);
	return r;
}

int arc_toml_dump(struct arc_buf *b, arc_value *v)
{
	struct tenc *e;
	int r;
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_TYPE, "reflect: call of reflect.Value.Type on zero Value");
	e = xcalloc(1, sizeof(*e));
	e->b = b;
	r = encode(e, v, 0);
	free(e);
	return r;
}

/* ================= decoder ================= */

struct tdec {
	const char *p, *end;
	int line;
	char *lastkey;
	int depth;
	arc_value *root;
	arc_value *defined; /* set of table paths defined by headers: map path → true */
};

static int derr(struct tdec *d, const char *fmt, ...) ARC_PRINTF(2, 3);
static int derr(struct tdec *d, const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	arc_buf_printf(&b, "toml: line %d", d->line);
	if (d->lastkey)
		arc_buf_printf(&b, " (last key \"%s\")", d->lastkey);
	arc_buf_puts(&b, ": ");
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	arc_error_code(ARC_E_PARSE, "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return ARC_E_PARSE;
}

static void set_lastkey(struct tdec *d, struct arc_buf *path)
{
	free(d->lastkey);
	d->lastkey = xstrdup(arc_buf_cstr(path));
}

static void skip_ws(struct tdec *d)
{
	while (d->p < d->end && (*d->p == ' ' || *d->p == '\t'))
		d->p++;
}

static void skip_comment(struct tdec *d)
{
	if (d->p < d->end && *d->p == '#')
		while (d->p < d->end && *d->p != '\n')
			d->p++;
}

/* whitespace, newlines and comments (inside arrays) */
static void skip_all(struct tdec *d)
{
	for (;;) {
		skip_ws(d);
		skip_comment(d);
		if (d->p < d->end && *d->p == '\r' && d->p + 1 < d->end && d->p[1] == '\n')
			d->p++;
		if (d->p < d->end && *d->p == '\n') {
			d->line++;
			d->p++;
			continue;
		}
		return;
	}
}

static int is_bare(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

static void put_utf8(struct arc_buf *b, unsigned long cp)
{
	char t[4];
	if (cp < 0x80) {
		t[0] = (char)cp;
		arc_buf_add(b, t, 1);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		arc_buf_add(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		arc_buf_add(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		arc_buf_add(b, t, 4);
	}
}

/* a string starting at d->p (one of " ' """ '''); appends its value to out */
static int parse_string(struct tdec *d, struct arc_buf *out, int allow_multi)
{
	char q = *d->p;
	int multi = 0;
	if (allow_multi && d->end - d->p >= 3 && d->p[1] == q && d->p[2] == q) {
		multi = 1;
		d->p += 3;
		/* a newline right after the opening delimiter is trimmed */
		if (d->p < d->end && *d->p == '\n') {
			d->p++;
			d->line++;
		} else if (d->end - d->p >= 2 && d->p[0] == '\r' && d->p[1] == '\n') {
			d->p += 2;
			d->line++;
		}
	} else {
		d->p++;
	}
	arc_buf_add(out, "", 0);
	for (;;) {
		char c;
		if (d->p >= d->end)
			return derr(d, "unexpected EOF; expected '%c'", q);
		c = *d->p;
		if (c == q) {
			if (!multi) {
				d->p++;
				return 0;
			}
			if (d->end - d->p >= 3 && d->p[1] == q && d->p[2] == q) {
				/* up to two extra quotes may close the string */
				int extra = 0;
				while (extra < 2 && d->end - d->p >= 4 && d->p[3] == q) {
					arc_buf_putc(out, q);
					d->p++;
					extra++;
				}
				d->p += 3;
				return 0;
			}
			arc_buf_putc(out, c);
			d->p++;
			continue;
		}
		if (c == '\n') {
			if (!multi)
				return derr(d, "strings cannot contain newlines");
			d->line++;
			arc_buf_putc(out, c);
			d->p++;
			continue;
		}
		if (c == '\\' && q == '"') {
			unsigned long cp = 0;
			int n = 0, i;
			d->p++;
			if (d->p >= d->end)
				return derr(d, "unexpected EOF; expected '%c'", q);
			c = *d->p++;
			switch (c) {
			case 'b': arc_buf_putc(out, '\b'); continue;
			case 't': arc_buf_putc(out, '\t'); continue;
			case 'n': arc_buf_putc(out, '\n'); continue;
			case 'f': arc_buf_putc(out, '\f'); continue;
			case 'r': arc_buf_putc(out, '\r'); continue;
			case 'e': arc_buf_putc(out, 0x1b); continue;
			case '"': arc_buf_putc(out, '"'); continue;
			case '\\': arc_buf_putc(out, '\\'); continue;
			case 'u': n = 4; break;
			case 'U': n = 8; break;
			case ' ': case '\t': case '\r': case '\n':
				if (multi) {
					/* line-ending backslash: trim whitespace up to the next text */
					const char *s = d->p - 1;
					int nl = 0;
					while (s < d->end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
						if (*s == '\n') {
							nl = 1;
							d->line++;
						}
						s++;
					}
					if (!nl)
						return derr(d, "invalid escape: '\\%c'", c);
					d->p = s;
					continue;
				}
				/* fallthrough */
			default:
				return derr(d, "invalid escape in string '\\%c'", c);
			}
			for (i = 0; i < n; i++) {
				char h = d->p < d->end ? *d->p : 0;
				int v;
				if (h >= '0' && h <= '9')
					v = h - '0';
				else if (h >= 'a' && h <= 'f')
					v = h - 'a' + 10;
				else if (h >= 'A' && h <= 'F')
					v = h - 'A' + 10;
				else
					return derr(d, "invalid escape: '\\%c'", c);
				cp = cp * 16 + (unsigned long)v;
				d->p++;
			}
			if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
				return derr(d, "invalid unicode escape: '\\%c%.*s'", c, n, d->p - n);
			put_utf8(out, cp);
			continue;
		}
		if ((unsigned char)c < 0x20 && c != '\t' && !(multi && c == '\r'))
			return derr(d, "control characters are not allowed in strings: 0x%02x", (unsigned char)c);
		arc_buf_putc(out, c);
		d->p++;
	}
}

/* one key part (bare or quoted) appended to out */
static int parse_key_part(struct tdec *d, struct arc_buf *out)
{
	if (d->p < d->end && (*d->p == '"' || *d->p == '\''))
		return parse_string(d, out, 0);
	if (d->p >= d->end || !is_bare(*d->p)) {
		if (d->p >= d->end)
			return derr(d, "unexpected EOF; expected key");
		return derr(d, "bare keys cannot contain '%c'", *d->p);
	}
	arc_buf_add(out, "", 0);
	while (d->p < d->end && is_bare(*d->p))
		arc_buf_putc(out, *d->p++);
	return 0;
}

struct keyparts {
	char **s;
	size_t *len;
	int n;
};

static void keyparts_free(struct keyparts *k)
{
	int i;
	for (i = 0; i < k->n; i++)
		free(k->s[i]);
	free(k->s);
	free(k->len);
	k->s = NULL;
	k->len = NULL;
	k->n = 0;
}

static int parse_key(struct tdec *d, struct keyparts *k, struct arc_buf *path)
{
	int r;
	for (;;) {
		struct arc_buf part = ARC_BUF_INIT;
		skip_ws(d);
		r = parse_key_part(d, &part);
		if (r) {
			arc_buf_release(&part);
			return r;
		}
		if (k->n >= TOML_MAX_DEPTH) {
			arc_buf_release(&part);
			return derr(d, "key has too many parts");
		}
		k->s = xrealloc(k->s, sizeof(*k->s) * (size_t)(k->n + 1));
		k->len = xrealloc(k->len, sizeof(*k->len) * (size_t)(k->n + 1));
		k->len[k->n] = part.len;
		if (path->len)
			arc_buf_putc(path, '.');
		arc_buf_add(path, arc_buf_cstr(&part), part.len);
		k->s[k->n++] = arc_buf_detach(&part, NULL);
		skip_ws(d);
		if (d->p < d->end && *d->p == '.') {
			d->p++;
			continue;
		}
		return 0;
	}
}

static int parse_value(struct tdec *d, arc_value **out);

static int digits_ok(const char *s, size_t n, int base)
{
	size_t i;
	int prev_us = 1;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int v;
		if (c == '_') {
			if (prev_us)
				return 0;
			prev_us = 1;
			continue;
		}
		prev_us = 0;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return 0;
		if (v >= base)
			return 0;
	}
	return !prev_us;
}

static int parse_number(struct tdec *d, const char *s, size_t n, arc_value **out)
{
	char *t;
	size_t i, j;
	int is_float = 0, base = 10;
	const char *q = s;
	size_t qn = n;
	if (n == 0)
		return derr(d, "expected value but found nothing");
	if (*q == '+' || *q == '-') {
		q++;
		qn--;
	}
	if (qn == 3 && (memcmp(q, "inf", 3) == 0 || memcmp(q, "nan", 3) == 0)) {
		double f = q[0] == 'i' ? INFINITY : NAN;
		if (*s == '-')
			f = -f;
		*out = arc_v_float(f);
		return 0;
	}
	if (qn > 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'o' || q[1] == 'b')) {
		if (q != s)
			return derr(d, "invalid number: '%.*s'", (int)n, s);
		base = q[1] == 'x' ? 16 : q[1] == 'o' ? 8 : 2;
		if (!digits_ok(q + 2, qn - 2, base))
			return derr(d, "invalid number: '%.*s'", (int)n, s);
	} else {
		for (i = 0; i < qn; i++)
			if (q[i] == '.' || q[i] == 'e' || q[i] == 'E')
				is_float = 1;
		if (qn > 1 && q[0] == '0' && q[1] != '.' && q[1] != 'e' && q[1] != 'E')
			return derr(d, "invalid number: '%.*s'", (int)n, s);
		for (i = 0; i < qn; i++) {
			char c = q[i];
			if (!((c >= '0' && c <= '9') || c == '_' || c == '.' || c == 'e' || c == 'E' || c == '+' ||
			      c == '-'))
				return derr(d, "invalid number: '%.*s'", (int)n, s);
			if (c == '_' && (i == 0 || i + 1 == qn || !(q[i - 1] >= '0' && q[i - 1] <= '9') ||
					 !(q[i + 1] >= '0' && q[i + 1] <= '9')))
				return derr(d, "invalid number: '%.*s'", (int)n, s);
			if (c == '.' && (i == 0 || i + 1 == qn || !(q[i + 1] >= '0' && q[i + 1] <= '9')))
				return derr(d, "float must have digits around '.': '%.*s'", (int)n, s);
		}
	}
	t = xmalloc(n + 1);
	for (i = j = 0; i < n; i++)
		if (s[i] != '_')
			t[j++] = s[i];
	t[j] = '\0';
	if (is_float) {
		char *end;
		double f = strtod(t, &end);
		if (*end) {
			free(t);
			return derr(d, "invalid float: '%.*s'", (int)n, s);
		}
		*out = arc_v_float(f);
	} else {
		char *end;
		const char *digits = t;
		int neg = 0;
		unsigned long long u;
		if (*digits == '+' || *digits == '-') {
			neg = *digits == '-';
			digits++;
		}
		if (base != 10)
			digits += 2;
		u = strtoull(digits, &end, base);
		if (*end || (!neg && u > INT64_MAX) || (neg && u > (unsigned long long)INT64_MAX + 1)) {
			free(t);
			return derr(d, "value is out of range for int64: '%.*s'", (int)n, s);
		}
		*out = arc_v_int_typed(neg ? (int64_t)(0 - u) : (int64_t)u, ARC_GO_INT64);
	}
	free(t);
	return 0;
}

static int parse_array(struct tdec *d, arc_value **out)
{
	arc_value *l = arc_v_list();
	int r;
	d->p++; /* [ */
	if (++d->depth > TOML_MAX_DEPTH) {
		arc_v_unref(l);
		return derr(d, "arrays nested too deeply");
	}
	for (;;) {
		arc_value *v;
		skip_all(d);
		if (d->p >= d->end) {
			arc_v_unref(l);
			return derr(d, "unexpected EOF; expected array separator ',' or ']'");
		}
		if (*d->p == ']') {
			d->p++;
			break;
		}
		r = parse_value(d, &v);
		if (r) {
			arc_v_unref(l);
			return r;
		}
		arc_v_list_push(l, v);
		skip_all(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == ']') {
			d->p++;
			break;
		}
		arc_v_unref(l);
		if (d->p >= d->end)
			return derr(d, "unexpected EOF; expected array separator ',' or ']'");
		return derr(d, "expected a comma (',') or array terminator (']'), but got '%c'", *d->p);
	}
	d->depth--;
	*out = l;
	return 0;
}

/* the table reached from `m` by keys[0..n-1], creating maps (implicit tables) */
static int descend(struct tdec *d, arc_value *m, struct keyparts *k, int n, arc_value **out)
{
	int i;
	for (i = 0; i < n; i++) {
		arc_value *x = arc_v_map_getn(m, k->s[i], k->len[i]);
		if (!x) {
			x = arc_v_map();
			arc_v_map_setn(m, k->s[i], k->len[i], x);
		} else if (x->kind == ARC_LIST && arc_v_list_len(x) > 0 &&
			   arc_v_list_at(x, arc_v_list_len(x) - 1)->kind == ARC_MAP &&
			   (x->flags & 0x100)) {
			x = arc_v_list_at(x, arc_v_list_len(x) - 1);
		} else if (x->kind != ARC_MAP) {
			return derr(d, "key '%s' is already defined as a non-table value", k->s[i]);
		}
		m = x;
	}
	*out = m;
	return 0;
}

static int parse_inline_table(struct tdec *d, arc_value **out)
{
	arc_value *m = arc_v_map();
	int r, first = 1;
	d->p++; /* { */
	if (++d->depth > TOML_MAX_DEPTH) {
		arc_v_unref(m);
		return derr(d, "inline tables nested too deeply");
	}
	for (;;) {
		struct keyparts k = { NULL, NULL, 0 };
		struct arc_buf path = ARC_BUF_INIT;
		arc_value *t, *v;
		skip_ws(d);
		if (d->p < d->end && *d->p == '}' && first) {
			d->p++;
			break;
		}
		first = 0;
		r = parse_key(d, &k, &path);
		if (!r) {
			set_lastkey(d, &path);
			skip_ws(d);
			if (d->p >= d->end || *d->p != '=')
				r = derr(d, "expected '=' after key");
			else
				d->p++;
		}
		if (!r) {
			skip_ws(d);
			r = descend(d, m, &k, k.n - 1, &t);
		}
		if (!r && arc_v_map_getn(t, k.s[k.n - 1], k.len[k.n - 1]))
			r = derr(d, "Key '%s' has already been defined.", arc_buf_cstr(&path));
		if (!r)
			r = parse_value(d, &v);
		if (!r)
			arc_v_map_setn(t, k.s[k.n - 1], k.len[k.n - 1], v);
		keyparts_free(&k);
		arc_buf_release(&path);
		if (r) {
			arc_v_unref(m);
			return r;
		}
		skip_ws(d);
		if (d->p < d->end && *d->p == ',') {
			d->p++;
			continue;
		}
		if (d->p < d->end && *d->p == '}') {
			d->p++;
			break;
		}
		arc_v_unref(m);
		return derr(d, "expected a comma or an inline table terminator '}'");
	}
	d->depth--;
	*out = m;
	return 0;
}

static int is_datetime(const char *s, size_t n)
{
	/* 1979-05-27 / 07:32:00 starts */
	if (n >= 10 && s[4] == '-' && s[7] == '-')
		return 1;
	if (n >= 8 && s[2] == ':' && s[5] == ':')
		return 1;
	return 0;
}

static int parse_value(struct tdec *d, arc_value **out)
{
	const char *s;
	int r;
	if (d->p >= d->end)
		return derr(d, "unexpected EOF; expected value");
	switch (*d->p) {
	case '"':
	case '\'': {
		struct arc_buf b = ARC_BUF_INIT;
		r = parse_string(d, &b, 1);
		if (r) {
			arc_buf_release(&b);
			return r;
		}
		*out = arc_v_str_buf(&b);
		return 0;
	}
	case '[':
		return parse_array(d, out);
	case '{':
		return parse_inline_table(d, out);
	case '\n':
	case '#':
		return derr(d, "expected value but found '%c' instead", *d->p);
	default:
		break;
	}
	s = d->p;
	while (d->p < d->end && *d->p != ',' && *d->p != ']' && *d->p != '}' && *d->p != '\n' &&
	       *d->p != '#' && *d->p != '\r' && *d->p != ' ' && *d->p != '\t')
		d->p++;
	/* a date and a time may be separated by one space */
	if (is_datetime(s, (size_t)(d->p - s)) && d->end - d->p >= 3 && *d->p == ' ' && d->p[1] >= '0' &&
	    d->p[1] <= '9' && d->p[3] == ':') {
		d->p++;
		while (d->p < d->end && *d->p != ',' && *d->p != ']' && *d->p != '}' && *d->p != '\n' &&
		       *d->p != '#' && *d->p != ' ' && *d->p != '\t' && *d->p != '\r')
			d->p++;
	}
	if (d->p - s == 4 && memcmp(s, "true", 4) == 0) {
		*out = arc_v_bool(1);
		return 0;
	}
	if (d->p - s == 5 && memcmp(s, "false", 5) == 0) {
		*out = arc_v_bool(0);
		return 0;
	}
	if (is_datetime(s, (size_t)(d->p - s))) {
		*out = arc_v_strn(s, (size_t)(d->p - s));
		return 0;
	}
	if (d->p == s)
		return derr(d, "expected value but found '%c' instead", *d->p);
	return parse_number(d, s, (size_t)(d->p - s), out);
}

/* end of a line: optional whitespace and comment, then newline or EOF */
static int end_of_line(struct tdec *d)
{
	skip_ws(d);
	skip_comment(d);
	if (d->p < d->end && *d->p == '\r' && d->p + 1 < d->end && d->p[1] == '\n')
		d->p++;
	if (d->p >= d->end)
		return 0;
	if (*d->p == '\n') {
		d->p++;
		d->line++;
		return 0;
	}
	return derr(d, "expected a top-level item to end with a newline, comment, or EOF, but got '%c' instead",
		    *d->p);
}

static int header(struct tdec *d, arc_value **cur)
{
	struct keyparts k = { NULL, NULL, 0 };
	struct arc_buf path = ARC_BUF_INIT;
	int array = 0, r;
	arc_value *parent, *x;
	d->p++;
	if (d->p < d->end && *d->p == '[') {
		array = 1;
		d->p++;
	}
	r = parse_key(d, &k, &path);
	if (r)
		goto out;
	set_lastkey(d, &path);
	if (d->p >= d->end || *d->p != ']' || (array && (d->end - d->p < 2 || d->p[1] != ']'))) {
		r = derr(d, "expected '%s' to close the table name", array ? "]]" : "]");
		goto out;
	}
	d->p += array ? 2 : 1;
	r = descend(d, d->root, &k, k.n - 1, &parent);
	if (r)
		goto out;
	x = arc_v_map_getn(parent, k.s[k.n - 1], k.len[k.n - 1]);
	if (array) {
		arc_value *m;
		if (!x) {
			x = arc_v_list();
			x->flags |= 0x100; /* an array of tables: headers below descend into its last element */
			arc_v_map_setn(parent, k.s[k.n - 1], k.len[k.n - 1], x);
		} else if (x->kind != ARC_LIST || !(x->flags & 0x100)) {
			r = derr(d, "key '%s' was already created and cannot be used as an array", arc_buf_cstr(&path));
			goto out;
		}
		m = arc_v_map();
		arc_v_list_push(x, m);
		*cur = m;
	} else {
		if (arc_v_map_get(d->defined, arc_buf_cstr(&path)) || (x && x->kind != ARC_MAP)) {
			r = derr(d, "Key '%s' has already been defined.", arc_buf_cstr(&path));
			goto out;
		}
		arc_v_map_set(d->defined, arc_buf_cstr(&path), arc_v_bool(1));
		if (!x) {
			x = arc_v_map();
			arc_v_map_setn(parent, k.s[k.n - 1], k.len[k.n - 1], x);
		}
		*cur = x;
	}
	r = end_of_line(d);
out:
	keyparts_free(&k);
	arc_buf_release(&path);
	return r;
}

static void clear_marks(arc_value *v, int depth)
{
	size_t i;
	if (depth > TOML_MAX_DEPTH + 10)
		return;
	if (v->kind == ARC_LIST) {
		v->flags &= (uint16_t)~0x100;
		for (i = 0; i < arc_v_list_len(v); i++)
			clear_marks(arc_v_list_at(v, i), depth + 1);
	} else if (v->kind == ARC_MAP) {
		for (i = 0; i < arc_v_map_len(v); i++)
			clear_marks(arc_v_map_val(v, i), depth + 1);
	}
}

int arc_toml_load(arc_value **out, const char *data, size_t len)
{
	struct tdec d;
	arc_value *cur;
	int r = 0;
	memset(&d, 0, sizeof(d));
	d.p = data;
	d.end = data + len;
	d.line = 1;
	d.root = arc_v_map();
	d.defined = arc_v_map();
	cur = d.root;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		d.p += 3;
	while (!r) {
		skip_all(&d);
		if (d.p >= d.end)
			break;
		if (*d.p == '[') {
			r = header(&d, &cur);
			continue;
		}
		{
			struct keyparts k = { NULL, NULL, 0 };
			struct arc_buf path = ARC_BUF_INIT;
			arc_value *t, *v;
			r = parse_key(&d, &k, &path);
			if (!r) {
				set_lastkey(&d, &path);
				skip_ws(&d);
				if (d.p >= d.end || *d.p != '=')
					r = derr(&d, "expected key separator '=', but got '%c' instead",
						 d.p < d.end ? *d.p : ' ');
				else
					d.p++;
			}
			if (!r) {
				skip_ws(&d);
				r = descend(&d, cur, &k, k.n - 1, &t);
			}
			if (!r && arc_v_map_getn(t, k.s[k.n - 1], k.len[k.n - 1]))
				r = derr(&d, "Key '%s' has already been defined.", arc_buf_cstr(&path));
			if (!r)
				r = parse_value(&d, &v);
			if (!r)
				arc_v_map_setn(t, k.s[k.n - 1], k.len[k.n - 1], v);
			keyparts_free(&k);
			arc_buf_release(&path);
			if (!r)
				r = end_of_line(&d);
		}
	}
	free(d.lastkey);
	arc_v_unref(d.defined);
	clear_marks(d.root, 0);
	if (r) {
		arc_v_unref(d.root);
		return r;
	}
	*out = d.root;
	return 0;
}
