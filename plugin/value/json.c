/*
 * json.c - JSON in and out with Go's encoding/json behaviour.
 *
 * In: what json.Unmarshal does into an interface {}: objects become maps
 * (duplicate keys: the last wins), arrays lists, numbers float64, invalid
 * UTF-8 in strings U+FFFD.  Syntax errors carry Go's scanner texts; as Go
 * checks the whole input before decoding, the first error by position wins,
 * and at the end of the input Go's trick of feeding one space decides between
 * "unexpected end of JSON input" and an "invalid character ' '" message.
 * The parser is iterative (an explicit stack), bounded at Go's nesting depth.
 *
 * Out: json.Marshal / json.Encoder without HTML escaping / MarshalIndent.
 */
#include "codec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 10000  /* Go's maxNestingDepth */
#define JSON_CYCLE_DEPTH 1000 /* Go starts looking for cycles past this many levels */

/* ---- decoding ---- */

struct jparse {
	const unsigned char *s;
	size_t n, i;
	const char *name;
	char *range_err; /* Go's error for the first number out of float64 range */
};

static int jerr(struct jparse *p, int code, const char *msg)
{
	if (p->name && *p->name)
		return arc_error_code(code, "%s: %s", p->name, msg);
	return arc_error_code(code, "%s", msg);
}

/* Go's quoteChar: the byte as a one-character quoted literal */
static void quote_char(struct arc_buf *b, unsigned char c)
{
	struct arc_buf t = ARC_BUF_INIT;
	char u[2];

	if (c == '\'') {
		arc_buf_puts(b, "'\\''");
		return;
	}
	if (c == '"') {
		arc_buf_puts(b, "'\"'");
		return;
	}
	/* the byte stands for the rune U+00XX */
	if (c < 0x80) {
		u[0] = (char)c;
		arc_fmt_quote(&t, u, 1);
	} else {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		arc_fmt_quote(&t, u, 2);
	}
	arc_buf_putc(b, '\'');
	arc_buf_add(b, t.ptr + 1, t.len - 2);
	arc_buf_putc(b, '\'');
	arc_buf_release(&t);
}

static int jerr_char(struct jparse *p, unsigned char c, const char *context)
{
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	arc_buf_puts(&b, "invalid character ");
	quote_char(&b, c);
	arc_buf_putc(&b, ' ');
	arc_buf_puts(&b, context);
	rc = jerr(p, ARC_E_PARSE, arc_buf_cstr(&b));
	arc_buf_release(&b);
	return rc;
}

/* the error at the current position, or at the end of input (Go feeds a space there) */
static int jerr_here(struct jparse *p, const char *context)
{
	return jerr_char(p, p->i < p->n ? p->s[p->i] : ' ', context);
}

static int jerr_eof(struct jparse *p)
{
	return jerr(p, ARC_E_PARSE, "unexpected end of JSON input");
}

static void skip_ws(struct jparse *p)
{
	while (p->i < p->n) {
		unsigned char c = p->s[p->i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			break;
		p->i++;
	}
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void put_utf8(struct arc_buf *b, uint32_t r)
{
	char t[4];

	if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		r = 0xFFFD;
	if (r < 0x80) {
		arc_buf_putc(b, (char)r);
	} else if (r < 0x800) {
		t[0] = (char)(0xC0 | (r >> 6));
		t[1] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 2);
	} else if (r < 0x10000) {
		t[0] = (char)(0xE0 | (r >> 12));
		t[1] = (char)(0x80 | ((r >> 6) & 0x3F));
		t[2] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 3);
	} else {
		t[0] = (char)(0xF0 | (r >> 18));
		t[1] = (char)(0x80 | ((r >> 12) & 0x3F));
		t[2] = (char)(0x80 | ((r >> 6) & 0x3F));
		t[3] = (char)(0x80 | (r & 0x3F));
		arc_buf_add(b, t, 4);
	}
}

/* length of a valid UTF-8 sequence at s (Go's rules), 0 if invalid */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 2;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 3;
	else
		return 0;
	if (n < need + 1)
		return 0;
	for (i = 1; i <= need; i++) {
		unsigned d = s[i], lo = 0x80, hi = 0xBF;
		if (i == 1) {
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
			else if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		}
		if (d < lo || d > hi)
			return 0;
	}
	return need + 1;
}

/* four hex digits at s[i]; -1 if not all hex (the bad position in *bad) */
static long read_u4(struct jparse *p, size_t at, size_t *bad)
{
	long v = 0;
	int k;

	for (k = 0; k < 4; k++) {
		int h;
		if (at + (size_t)k >= p->n) {
			*bad = p->n;
			return -1;
		}
		h = hexval(p->s[at + (size_t)k]);
		if (h < 0) {
			*bad = at + (size_t)k;
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

/* a string starting at the opening quote; the decoded bytes go to *b */
static int parse_string(struct jparse *p, struct arc_buf *b)
{
	p->i++; /* opening quote */
	for (;;) {
		unsigned char c;
		if (p->i >= p->n)
			return jerr_eof(p);
		c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20)
			return jerr_char(p, c, "in string literal");
		if (c == '\\') {
			unsigned char e;
			p->i++;
			if (p->i >= p->n)
				return jerr_char(p, ' ', "in string escape code");
			e = p->s[p->i];
			switch (e) {
			case '"': case '\\': case '/': arc_buf_putc(b, (char)e); break;
			case 'b': arc_buf_putc(b, '\b'); break;
			case 'f': arc_buf_putc(b, '\f'); break;
			case 'n': arc_buf_putc(b, '\n'); break;
			case 'r': arc_buf_putc(b, '\r'); break;
			case 't': arc_buf_putc(b, '\t'); break;
			case 'u': {
				size_t bad = 0;
				long r = read_u4(p, p->i + 1, &bad);
				if (r < 0) {
					p->i = bad;
					return jerr_here(p, "in \\u hexadecimal character escape");
				}
				p->i += 5;
				if (r >= 0xD800 && r < 0xE000) {
					/* a surrogate: combine with a following \u low surrogate */
					long r2 = -1;
					if (r < 0xDC00 && p->i + 6 <= p->n && p->s[p->i] == '\\' &&
					    p->s[p->i + 1] == 'u')
						r2 = read_u4(p, p->i + 2, &bad);
					if (r2 >= 0xDC00 && r2 < 0xE000) {
						put_utf8(b, (uint32_t)(0x10000 + ((r - 0xD800) << 10) +
								       (r2 - 0xDC00)));
						p->i += 6;
					} else {
						put_utf8(b, 0xFFFD);
					}
				} else {
					put_utf8(b, (uint32_t)r);
				}
				continue;
			}
			default:
				return jerr_char(p, e, "in string escape code");
			}
			p->i++;
			continue;
		}
		if (c < 0x80) {
			/* a run of plain ASCII at once */
			size_t j = p->i + 1;
			while (j < p->n && p->s[j] >= 0x20 && p->s[j] < 0x80 && p->s[j] != '"' && p->s[j] != '\\')
				j++;
			arc_buf_add(b, p->s + p->i, j - p->i);
			p->i = j;
		} else {
			size_t w = utf8_valid_len(p->s + p->i, p->n - p->i);
			if (w == 0) {
				put_utf8(b, 0xFFFD);
				p->i++;
			} else {
				arc_buf_add(b, p->s + p->i, w);
				p->i += w;
			}
		}
	}
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(struct jparse *p, arc_value **out)
{
	size_t start = p->i;
	char small[64], *tmp;
	double f;
	size_t len;

	if (p->s[p->i] == '-') {
		p->i++;
		if (p->i >= p->n || !is_digit(p->s[p->i]))
			return jerr_here(p, "in numeric literal");
	}
	if (p->s[p->i] == '0') {
		p->i++;
	} else {
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (p->i >= p->n || !is_digit(p->s[p->i]))
			return jerr_here(p, "after decimal point in numeric literal");
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->n || !is_digit(p->s[p->i]))
			return jerr_here(p, "in exponent of numeric literal");
		while (p->i < p->n && is_digit(p->s[p->i]))
			p->i++;
	}
	len = p->i - start;
	tmp = len < sizeof(small) ? small : xmalloc(len + 1);
	memcpy(tmp, p->s + start, len);
	tmp[len] = 0;
	f = strtod(tmp, NULL);
	if (isinf(f)) {
		/* Go records the error, decodes the number as nil and carries on */
		if (!p->range_err)
			p->range_err = xasprintf("json: cannot unmarshal number %s "
						 "into Go value of type float64", tmp);
		*out = arc_v_null();
	} else {
		*out = arc_v_float(f);
	}
	if (tmp != small)
		free(tmp);
	return 0;
}

static int parse_literal(struct jparse *p, const char *word, arc_value **out, arc_value *v)
{
	size_t k, wl = strlen(word);
	char ctx[48];

	for (k = 1; k < wl; k++) {
		p->i++;
		if (p->i >= p->n || p->s[p->i] != (unsigned char)word[k]) {
			snprintf(ctx, sizeof(ctx), "in literal %s (expecting '%c')", word, word[k]);
			return jerr_here(p, ctx);
		}
	}
	p->i++;
	*out = v;
	return 0;
}

struct jframe {
	arc_value *c; /* the container being filled */
	size_t koff;  /* objects: the pending key, at koff in the key stack */
	size_t klen;
};

static int json_load(arc_value **out, const char *name, const char *data, size_t len, int partial)
{
	struct jparse p = { (const unsigned char *)data, len, 0, name, NULL };
	struct jframe *st = NULL;
	size_t depth = 0, cap = 0, k;
	struct arc_buf sb = ARC_BUF_INIT;
	struct arc_buf ks = ARC_BUF_INIT; /* the pending keys of the open objects, one after another */
	arc_value *v = NULL;
	long nodes = 0;
	int rc = 0;

	*out = NULL;
value:
	if (++nodes > ARC_JSON_MAX_NODES) {
		char msg[80];
		snprintf(msg, sizeof(msg), "json: document holds more than %d values", ARC_JSON_MAX_NODES);
		rc = jerr(&p, ARC_E_RANGE, msg);
		goto fail;
	}
	skip_ws(&p);
	if (p.i >= p.n) {
		rc = jerr_eof(&p);
		goto fail;
	}
	switch (p.s[p.i]) {
	case '{': case '[': {
		int obj = p.s[p.i] == '{';
		if (depth >= JSON_MAX_DEPTH) {
			rc = jerr_here(&p, "exceeded max depth");
			goto fail;
		}
		if (depth == cap) {
			cap = cap ? cap * 2 : 16;
			st = xrealloc(st, cap * sizeof(*st));
		}
		st[depth].c = obj ? arc_v_map() : arc_v_list();
		st[depth].koff = ks.len;
		st[depth].klen = 0;
		depth++;
		p.i++;
		skip_ws(&p);
		if (p.i >= p.n) {
			rc = jerr_eof(&p);
			goto fail;
		}
		if (p.s[p.i] == (obj ? '}' : ']')) {
			p.i++;
			v = st[--depth].c;
			goto have;
		}
		if (!obj)
			goto value;
		goto key;
	}
	case '"':
		arc_buf_reset(&sb);
		rc = parse_string(&p, &sb);
		if (rc)
			goto fail;
		v = arc_v_strn(arc_buf_cstr(&sb), sb.len);
		goto have;
	case 't':
		rc = parse_literal(&p, "true", &v, arc_v_bool(1));
		break;
	case 'f':
		rc = parse_literal(&p, "false", &v, arc_v_bool(0));
		break;
	case 'n':
		rc = parse_literal(&p, "null", &v, arc_v_null());
		break;
	default:
		if (p.s[p.i] == '-' || is_digit(p.s[p.i])) {
			rc = parse_number(&p, &v);
			break;
		}
		rc = jerr_here(&p, "looking for beginning of value");
		break;
	}
	if (rc)
		goto fail;
have:
	if (depth == 0) {
		skip_ws(&p);
		if (p.i < p.n) {
			rc = jerr_here(&p, "after top-level value");
			arc_v_unref(v);
			goto fail;
		}
		free(st);
		arc_buf_release(&sb);
		arc_buf_release(&ks);
		if (p.range_err) {
			rc = jerr(&p, ARC_E_TYPE, p.range_err);
			free(p.range_err);
			if (partial)
				*out = v;
			else
				arc_v_unref(v);
			return rc;
		}
		*out = v;
		return 0;
	}
	{
		struct jframe *f = &st[depth - 1];
		int obj = f->c->kind == ARC_MAP;
		if (obj) {
			arc_v_map_setn(f->c, ks.ptr + f->koff, f->klen, v);
		} else {
			arc_v_list_push(f->c, v);
		}
		v = NULL;
		skip_ws(&p);
		if (p.i >= p.n) {
			rc = jerr_eof(&p);
			goto fail;
		}
		if (p.s[p.i] == ',') {
			p.i++;
			if (!obj)
				goto value;
			skip_ws(&p);
			if (p.i >= p.n) {
				rc = jerr_eof(&p);
				goto fail;
			}
			goto key;
		}
		if (p.s[p.i] == (obj ? '}' : ']')) {
			p.i++;
			v = st[--depth].c;
			goto have;
		}
		rc = jerr_here(&p, obj ? "after object key:value pair" : "after array element");
		goto fail;
	}
key:
	/* at a non-space byte where an object key must start */
	if (p.s[p.i] != '"') {
		rc = jerr_here(&p, "looking for beginning of object key string");
		goto fail;
	}
	arc_buf_truncate(&ks, st[depth - 1].koff);
	rc = parse_string(&p, &ks);
	if (rc)
		goto fail;
	st[depth - 1].klen = ks.len - st[depth - 1].koff;
	arc_buf_add(&ks, "", 0); /* a buffer even for an empty first key */
	skip_ws(&p);
	if (p.i >= p.n) {
		rc = jerr_eof(&p);
		goto fail;
	}
	if (p.s[p.i] != ':') {
		rc = jerr_here(&p, "after object key");
		goto fail;
	}
	p.i++;
	goto value;
fail:
	for (k = 0; k < depth; k++)
		arc_v_unref(st[k].c);
	free(st);
	free(p.range_err);
	arc_buf_release(&sb);
	arc_buf_release(&ks);
	return rc;
}

int arc_json_load(arc_value **out, const char *name, const char *data, size_t len)
{
	return json_load(out, name, data, len, 0);
}

int arc_json_load_partial(arc_value **out, const char *name, const char *data, size_t len)
{
	return json_load(out, name, data, len, 1);
}

/* ---- encoding ---- */

static const char jhex[] = "0123456789abcdef";

static void json_string(struct arc_buf *b, const char *str, size_t n, int html)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0;

	arc_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			int safe = c >= 0x20 && c != '"' && c != '\\' &&
				   !(html && (c == '<' || c == '>' || c == '&'));
			if (safe) {
				i++;
				continue;
			}
			arc_buf_add(b, s + start, i - start);
			switch (c) {
			case '"': case '\\':
				arc_buf_putc(b, '\\');
				arc_buf_putc(b, (char)c);
				break;
			case '\b': arc_buf_puts(b, "\\b"); break;
			case '\f': arc_buf_puts(b, "\\f"); break;
			case '\n': arc_buf_puts(b, "\\n"); break;
			case '\r': arc_buf_puts(b, "\\r"); break;
			case '\t': arc_buf_puts(b, "\\t"); break;
			default:
				arc_buf_puts(b, "\\u00");
				arc_buf_putc(b, jhex[c >> 4]);
				arc_buf_putc(b, jhex[c & 0xF]);
				break;
			}
			i++;
			start = i;
			continue;
		}
		{
			size_t w = utf8_valid_len(s + i, n - i);
			if (w == 0) {
				arc_buf_add(b, s + start, i - start);
				arc_buf_puts(b, "\\ufffd");
				i++;
				start = i;
				continue;
			}
			/* U+2028 and U+2029: E2 80 A8 / E2 80 A9 */
			if (w == 3 && c == 0xE2 && s[i + 1] == 0x80 &&
			    (s[i + 2] == 0xA8 || s[i + 2] == 0xA9)) {
				arc_buf_add(b, s + start, i - start);
				arc_buf_puts(b, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029");
				i += 3;
				start = i;
				continue;
			}
			i += w;
		}
	}
	arc_buf_add(b, s + start, i - start);
	arc_buf_putc(b, '"');
}

static void json_base64(struct arc_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	arc_buf_putc(b, '"');
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		arc_buf_putc(b, tab[v >> 18]);
		arc_buf_putc(b, tab[(v >> 12) & 63]);
		arc_buf_putc(b, tab[(v >> 6) & 63]);
		arc_buf_putc(b, tab[v & 63]);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		arc_buf_putc(b, tab[v >> 18]);
		arc_buf_putc(b, tab[(v >> 12) & 63]);
		arc_buf_puts(b, "==");
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		arc_buf_putc(b, tab[v >> 18]);
		arc_buf_putc(b, tab[(v >> 12) & 63]);
		arc_buf_putc(b, tab[(v >> 6) & 63]);
		arc_buf_putc(b, '=');
	}
	arc_buf_putc(b, '"');
}

static int json_float(struct arc_buf *b, double f)
{
	size_t start = b->len;
	double a = fabs(f);
	char fmt = 'f';

	if (isinf(f) || isnan(f)) {
		struct arc_buf t = ARC_BUF_INIT;
		int rc;
		arc_fmt_float(&t, f, 'g', -1);
		rc = arc_error_code(ARC_E_TYPE, "json: unsupported value: %s", arc_buf_cstr(&t));
		arc_buf_release(&t);
		return rc;
	}
	if (a != 0 && (a < 1e-6 || a >= 1e21))
		fmt = 'e';
	arc_fmt_float(b, f, fmt, -1);
	if (fmt == 'e') {
		/* e-07 → e-7 */
		size_t n = b->len - start;
		char *q = b->ptr + start;
		if (n >= 4 && q[n - 4] == 'e' && q[n - 3] == '-' && q[n - 2] == '0') {
			q[n - 2] = q[n - 1];
			arc_buf_truncate(b, b->len - 1);
		}
	}
	return 0;
}

struct jenc {
	struct arc_buf *b;
	unsigned flags;
	const arc_value **path; /* containers being encoded, for cycle detection */
	size_t depth, cap;
};

static int json_value(struct jenc *e, arc_value *v);

static int enc_enter(struct jenc *e, arc_value *v)
{
	size_t k;

	if (e->depth >= JSON_CYCLE_DEPTH) {
		for (k = 0; k < e->depth; k++) {
			if (e->path[k] == v)
				return arc_error_code(ARC_E_TYPE,
						      "json: unsupported value: encountered a cycle via %s",
						      arc_v_gotype_name(v));
		}
		if (e->depth >= JSON_MAX_DEPTH * 10)
			return arc_error_code(ARC_E_RANGE, "json: nesting too deep");
	}
	if (e->depth == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 32;
		e->path = xrealloc(e->path, e->cap * sizeof(*e->path));
	}
	e->path[e->depth++] = v;
	return 0;
}

/* An object: one of a Go map, slice or integer type encodes the value under
 * it, one with a MarshalJSON method the JSON text that method returns
 * (compacted and HTML-escaped as Go does), any other is an unsupported type
 * (class hooks, value.h). */
static int json_object(struct jenc *e, arc_value *v)
{
	arc_value *u = arc_v_underlying(v), *parsed = NULL;
	int rc;

	if (u) {
		rc = json_value(e, u);
		arc_v_unref(u);
		return rc;
	}
	rc = arc_v_marshal_json(v, &u);
	if (rc == ARC_E_NOTFOUND)
		return arc_error_code(ARC_E_TYPE, "json: unsupported type: %s", arc_v_gotype_name(v));
	if (rc == 0) {
		rc = arc_json_load(&parsed, NULL, u->u.s.ptr, u->u.s.len);
		if (rc && u->u.s.len == 0)
			arc_error_set("unexpected end of JSON input");
	}
	arc_v_unref(u);
	if (rc) {
		rc = arc_error_code(ARC_E_TYPE, "json: error calling MarshalJSON for type %s: %s",
				    arc_v_gotype_name(v), arc_error_last());
		return rc;
	}
	rc = json_value(e, parsed);
	arc_v_unref(parsed);
	return rc;
}

/* the output buffer is bounded and full (codec.h) */
static int json_full(const struct arc_buf *b)
{
	return b->over ? arc_error_code(ARC_E_RANGE, "json: output too large") : 0;
}

static int json_value(struct jenc *e, arc_value *v)
{
	struct arc_buf *b = e->b;
	size_t i, n;
	int rc = 0;

	switch (v->kind) {
	case ARC_NULL:
		arc_buf_puts(b, "null");
		return 0;
	case ARC_BOOL:
		arc_buf_puts(b, v->u.b ? "true" : "false");
		return 0;
	case ARC_INT:
		if (v->gotype == ARC_GO_UINT64)
			arc_buf_printf(b, "%llu", (unsigned long long)(uint64_t)v->u.i);
		else if (v->gotype == ARC_GO_UINT8)
			arc_buf_printf(b, "%u", (unsigned)(v->u.i & 0xFF));
		else if (v->gotype == ARC_GO_INT32)
			arc_buf_printf(b, "%d", (int)(int32_t)v->u.i);
		else
			arc_buf_printf(b, "%lld", (long long)v->u.i);
		return 0;
	case ARC_FLOAT:
		return json_float(b, v->u.f);
	case ARC_STRING:
		if (v->gotype == ARC_GO_BYTES)
			json_base64(b, (const unsigned char *)v->u.s.ptr, v->u.s.len);
		else
			json_string(b, v->u.s.ptr, v->u.s.len, e->flags & ARC_JSON_HTML);
		return 0;
	case ARC_LIST:
		if ((v->flags & ARC_VF_NIL) && v->u.l.len == 0) {
			arc_buf_puts(b, "null");
			return 0;
		}
		rc = enc_enter(e, v);
		if (rc)
			return rc;
		arc_buf_putc(b, '[');
		n = v->u.l.len;
		for (i = 0; i < n && !rc && !(rc = json_full(b)); i++) {
			if (i)
				arc_buf_putc(b, ',');
			rc = json_value(e, v->u.l.items[i]);
		}
		arc_buf_putc(b, ']');
		e->depth--;
		return rc;
	case ARC_MAP: {
		size_t *idx;
		if ((v->flags & ARC_VF_NIL) && v->u.m.len == 0) {
			arc_buf_puts(b, "null");
			return 0;
		}
		rc = enc_enter(e, v);
		if (rc)
			return rc;
		idx = arc_v_map_sorted(v);
		n = arc_v_map_len(v);
		arc_buf_putc(b, '{');
		for (i = 0; i < n && !rc && !(rc = json_full(b)); i++) {
			size_t k = idx ? idx[i] : i;
			if (i)
				arc_buf_putc(b, ',');
			json_string(b, arc_v_map_key(v, k), arc_v_map_keylen(v, k), e->flags & ARC_JSON_HTML);
			arc_buf_putc(b, ':');
			rc = json_value(e, arc_v_map_val(v, k));
		}
		arc_buf_putc(b, '}');
		free(idx);
		e->depth--;
		return rc;
	}
	case ARC_OBJECT:
		return json_object(e, v);
	}
	return 0;
}

/* json.Indent(dst, src, "", "  ") of compact, valid JSON */
static void json_indent(struct arc_buf *b, const char *s, size_t n)
{
	size_t i, depth = 0, k;
	int in_str = 0, esc = 0, need_nl = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (in_str) {
			arc_buf_putc(b, c);
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
			continue;
		}
		if (need_nl && c != ']' && c != '}') {
			need_nl = 0;
			arc_buf_putc(b, '\n');
			for (k = 0; k < depth; k++)
				arc_buf_puts(b, "  ");
		}
		switch (c) {
		case '"':
			in_str = 1;
			arc_buf_putc(b, c);
			break;
		case '{': case '[':
			arc_buf_putc(b, c);
			depth++;
			need_nl = 1;
			break;
		case ',':
			arc_buf_putc(b, c);
			arc_buf_putc(b, '\n');
			for (k = 0; k < depth; k++)
				arc_buf_puts(b, "  ");
			break;
		case ':':
			arc_buf_puts(b, ": ");
			break;
		case '}': case ']':
			if (need_nl) {
				/* empty container stays compact */
				need_nl = 0;
				depth--;
			} else {
				depth--;
				arc_buf_putc(b, '\n');
				for (k = 0; k < depth; k++)
					arc_buf_puts(b, "  ");
			}
			arc_buf_putc(b, c);
			break;
		default:
			arc_buf_putc(b, c);
			break;
		}
	}
}

int arc_json_dump(struct arc_buf *b, arc_value *v, unsigned flags)
{
	struct arc_buf t = ARC_BUF_INIT;
	struct jenc e = { &t, flags, NULL, 0, 0 };
	int rc;

	if (b->max) /* the compact text is never longer than what b receives */
		t.max = b->max > b->len ? b->max - b->len : 1;
	rc = json_value(&e, v);
	if (!rc)
		rc = json_full(&t);
	free(e.path);
	if (rc) {
		if (t.over)
			b->over = 1; /* b's bound was reached (in the scratch buffer) */
		arc_buf_release(&t);
		return rc;
	}
	if (flags & ARC_JSON_INDENT)
		json_indent(b, t.ptr, t.len);
	else
		arc_buf_add(b, t.ptr, t.len);
	arc_buf_release(&t);
	return json_full(b);
}
