/*
 * regex.c - an RE2-syntax regular expression engine with Go's semantics.
 *
 * Pipeline: parse (an operator-precedence stack parser that reports Go's
 * errors for the same inputs) → syntax tree → compile (Thompson
 * construction, counted repetition expanded as Go's Simplify does) →
 * match with a Pike VM (every thread advances in lock step over the input,
 * at most one thread per instruction, so time is O(len(text) ×
 * len(program)) whatever the pattern).  Thread priority gives Go's
 * leftmost-first ("Perl") semantics, captures included.
 */
#include "regex.h"

#include <stdlib.h>
#include <string.h>

struct uni_range {
	uint32_t lo, hi, stride;
};
struct uni_table {
	const char *name;
	int start, n;   /* the table's ranges in uni_ranges */
	int fstart, fn; /* extra fold-equivalent ranges (Go's FoldCategory / FoldScript) */
};
struct uni_case {
	uint32_t lo, hi;
	int32_t delta[3]; /* upper, lower, title; ARC_MAX_RUNE + 1 = alternating Upper/Lower */
};

#include "regex_unicode.h"

#define ARRAY_SIZE_TABLES ARC_ARRAY_LEN(uni_tables)
#define ARRAY_SIZE_CASES ARC_ARRAY_LEN(uni_cases)
#define ARRAY_SIZE_ORBIT ARC_ARRAY_LEN(uni_orbit)

/* ------------------------------------------------------------------ */
/* UTF-8 */

int arc_utf8_decode(const char *str, size_t len, int32_t *r)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0];
	int32_t v;
	if (c < 0x80) {
		*r = (int32_t)c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (len < 2 || (s[1] & 0xC0) != 0x80)
			goto bad;
		*r = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F; /* no surrogates */
		if (len < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			goto bad;
		v = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu));
		*r = v;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = 0x80, hi = 0xBF;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;
		if (len < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			goto bad;
		v = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) |
			      (s[3] & 0x3Fu));
		*r = v;
		return 4;
	}
bad:
	*r = ARC_RUNE_ERROR;
	return 1;
}

void arc_utf8_put(struct arc_buf *b, int32_t r)
{
	char t[4];
	if (r < 0 || r > ARC_MAX_RUNE || (r >= 0xD800 && r <= 0xDFFF))
		r = ARC_RUNE_ERROR;
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

/* ------------------------------------------------------------------ */
/* Unicode tables */

static const struct uni_table *uni_find(const char *name, size_t len)
{
	size_t lo = 0, hi = ARRAY_SIZE_TABLES;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *m = uni_tables[mid].name;
		int c = strncmp(m, name, len);
		if (c == 0)
			c = m[len] ? 1 : 0;
		if (c == 0)
			return &uni_tables[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int in_ranges(const struct uni_range *rs, int n, int32_t r)
{
	int lo = 0, hi = n;
	uint32_t u = (uint32_t)r;
	if (r < 0)
		return 0;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (u < rs[mid].lo)
			hi = mid;
		else if (u > rs[mid].hi)
			lo = mid + 1;
		else
			return rs[mid].stride == 1 || (u - rs[mid].lo) % rs[mid].stride == 0;
	}
	return 0;
}

static int in_table(const struct uni_table *t, int32_t r)
{
	return t && in_ranges(uni_ranges + t->start, t->n, r);
}

int arc_uni_is(enum arc_uni_prop p, int32_t r)
{
	static const struct uni_table *cache[8];
	static const char *const names[8] = { "Lu", "Ll", "Lt", "L", "Nd", "N", "P", "White_Space" };
	if (p == ARC_UNI_SPACE && r <= 0xFF)
		return r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == ' ' ||
		       r == 0x85 || r == 0xA0;
	if ((unsigned)p >= 8)
		return 0;
	if (!cache[p])
		cache[p] = uni_find(names[p], strlen(names[p]));
	return in_table(cache[p], r);
}

static int32_t uni_to(int which, int32_t r)
{
	int lo = 0, hi = (int)ARRAY_SIZE_CASES;
	if (r < 0 || r > ARC_MAX_RUNE)
		return r;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		const struct uni_case *c = &uni_cases[mid];
		if ((uint32_t)r < c->lo) {
			hi = mid;
		} else if ((uint32_t)r > c->hi) {
			lo = mid + 1;
		} else {
			int32_t d = c->delta[which];
			if (d > ARC_MAX_RUNE)
				return (int32_t)c->lo + ((((r - (int32_t)c->lo)) & ~1) | (which & 1));
			return r + d;
		}
	}
	return r;
}

int32_t arc_uni_upper(int32_t r) { return uni_to(0, r); }
int32_t arc_uni_lower(int32_t r) { return uni_to(1, r); }
int32_t arc_uni_title(int32_t r) { return uni_to(2, r); }

int32_t arc_uni_simple_fold(int32_t r)
{
	size_t lo = 0, hi = ARRAY_SIZE_ORBIT;
	int32_t l;
	if (r < 0 || r > ARC_MAX_RUNE)
		return r;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uint32_t)r < uni_orbit[mid][0])
			hi = mid;
		else if ((uint32_t)r > uni_orbit[mid][0])
			lo = mid + 1;
		else
			return (int32_t)uni_orbit[mid][1];
	}
	l = arc_uni_lower(r);
	if (l != r)
		return l;
	return arc_uni_upper(r);
}

/* ------------------------------------------------------------------ */
/* character classes: sorted lists of [lo, hi] pairs */

struct cls {
	int32_t *r; /* pairs */
	size_t n;   /* number of int32s (2 per range) */
	size_t cap;
};

static void cls_push(struct cls *c, int32_t lo, int32_t hi)
{
	if (c->n + 2 > c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->r = xrealloc(c->r, c->cap * sizeof(*c->r));
	}
	c->r[c->n++] = lo;
	c->r[c->n++] = hi;
}

/* add a range, merging with one of the last two ranges when they touch */
static void cls_add(struct cls *c, int32_t lo, int32_t hi)
{
	size_t i;
	for (i = 2; i <= 4; i += 2) {
		if (c->n >= i) {
			int32_t *p = &c->r[c->n - i];
			if (lo <= p[1] + 1 && p[0] <= hi + 1) {
				if (lo < p[0])
					p[0] = lo;
				if (hi > p[1])
					p[1] = hi;
				return;
			}
		}
	}
	cls_push(c, lo, hi);
}

static int cmp_pair(const void *a, const void *b)
{
	const int32_t *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	if (x[1] != y[1])
		return x[1] > y[1] ? -1 : 1;
	return 0;
}

static void cls_clean(struct cls *c)
{
	size_t w, i;
	if (c->n < 4)
		return;
	qsort(c->r, c->n / 2, 2 * sizeof(int32_t), cmp_pair);
	w = 2;
	for (i = 2; i < c->n; i += 2) {
		int32_t lo = c->r[i], hi = c->r[i + 1];
		if (lo <= c->r[w - 1] + 1) {
			if (hi > c->r[w - 1])
				c->r[w - 1] = hi;
			continue;
		}
		c->r[w] = lo;
		c->r[w + 1] = hi;
		w += 2;
	}
	c->n = w;
}

static void cls_negate(struct cls *c)
{
	int32_t next = 0;
	size_t w = 0, i;
	for (i = 0; i < c->n; i += 2) {
		int32_t lo = c->r[i], hi = c->r[i + 1];
		if (next <= lo - 1) {
			c->r[w] = next;
			c->r[w + 1] = lo - 1;
			w += 2;
		}
		next = hi + 1;
	}
	c->n = w;
	if (next <= ARC_MAX_RUNE)
		cls_push(c, next, ARC_MAX_RUNE);
}

#define MIN_FOLD 0x0041
#define MAX_FOLD 0x1e943

static void cls_add_folded(struct cls *c, int32_t lo, int32_t hi)
{
	int32_t x;
	if ((lo <= MIN_FOLD && hi >= MAX_FOLD) || hi < MIN_FOLD || lo > MAX_FOLD) {
		cls_add(c, lo, hi);
		return;
	}
	if (lo < MIN_FOLD) {
		cls_add(c, lo, MIN_FOLD - 1);
		lo = MIN_FOLD;
	}
	if (hi > MAX_FOLD) {
		cls_add(c, MAX_FOLD + 1, hi);
		hi = MAX_FOLD;
	}
	for (x = lo; x <= hi; x++) {
		int32_t f;
		cls_add(c, x, x);
		for (f = arc_uni_simple_fold(x); f != x; f = arc_uni_simple_fold(f))
			cls_add(c, f, f);
	}
}

/* append a clean class x (pairs) */
static void cls_add_class(struct cls *c, const int32_t *x, size_t n, int negated)
{
	size_t i;
	if (!negated) {
		for (i = 0; i < n; i += 2)
			cls_add(c, x[i], x[i + 1]);
	} else {
		int32_t next = 0;
		for (i = 0; i < n; i += 2) {
			if (next <= x[i] - 1)
				cls_add(c, next, x[i] - 1);
			next = x[i + 1] + 1;
		}
		if (next <= ARC_MAX_RUNE)
			cls_add(c, next, ARC_MAX_RUNE);
	}
}

static void cls_add_ranges(struct cls *c, const struct uni_range *rs, int n)
{
	int i;
	for (i = 0; i < n; i++) {
		if (rs[i].stride == 1) {
			cls_add(c, (int32_t)rs[i].lo, (int32_t)rs[i].hi);
		} else {
			uint32_t x;
			for (x = rs[i].lo; x <= rs[i].hi; x += rs[i].stride)
				cls_add(c, (int32_t)x, (int32_t)x);
		}
	}
}

/* ------------------------------------------------------------------ */
/* syntax tree */

enum {
	OP_EMPTY = 1,
	OP_LIT,    /* rune (folded when FL_FOLD) */
	OP_CLASS,  /* cls */
	OP_ANYNL,  /* . without s */
	OP_ANY,    /* (?s). */
	OP_BOL,
	OP_EOL,
	OP_BOT,
	OP_EOT,
	OP_WB,
	OP_NWB,
	OP_CAP,
	OP_STAR,
	OP_PLUS,
	OP_QUEST,
	OP_REPEAT,
	OP_CONCAT,
	OP_ALT,
	OP_PSEUDO, /* markers below */
	OP_LPAREN,
	OP_VBAR
};

enum { FL_FOLD = 1, FL_DOTNL = 2, FL_ONELINE = 4, FL_NONGREEDY = 8 };

struct node {
	int op;
	int flags;
	int32_t rune;
	struct cls cls;
	int min, max;
	int cap;
	char *name;
	struct node **sub;
	int nsub;
	struct node *all; /* allocation chain */
};

#define MAX_REPEAT 1000
#define MAX_DEPTH 1000
#define MAX_INSTS (1 << 21)

struct parser {
	const char *whole;
	size_t wlen;
	int flags;
	struct node **stack;
	size_t n, cap;
	struct node *all;
	int ncap;
	int depth;
	char **names; /* names[i] for group i+1 */
	int nnames;
};

static struct node *node_new(struct parser *p, int op)
{
	struct node *n = xcalloc(1, sizeof(*n));
	n->op = op;
	n->flags = p->flags;
	n->all = p->all;
	p->all = n;
	return n;
}

static void nodes_free(struct node *n)
{
	while (n) {
		struct node *next = n->all;
		free(n->cls.r);
		free(n->sub);
		free(n);
		n = next;
	}
}

static void push(struct parser *p, struct node *n)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 32;
		p->stack = xrealloc(p->stack, p->cap * sizeof(*p->stack));
	}
	p->stack[p->n++] = n;
}

static void node_add_sub(struct node *n, struct node *s)
{
	n->sub = xrealloc(n->sub, (size_t)(n->nsub + 1) * sizeof(*n->sub));
	n->sub[n->nsub++] = s;
}

static const char *const err_text[] = {
	"missing closing )",                       /* 0 */
	"unexpected )",                            /* 1 */
	"missing closing ]",                       /* 2 */
	"missing argument to repetition operator", /* 3 */
	"invalid nested repetition operator",      /* 4 */
	"invalid repeat count",                    /* 5 */
	"invalid escape sequence",                 /* 6 */
	"invalid or unsupported Perl syntax",      /* 7 */
	"invalid character class range",           /* 8 */
	"invalid named capture",                   /* 9 */
	"trailing backslash at end of expression", /* 10 */
	"invalid UTF-8",                           /* 11 */
	"expression nests too deeply",             /* 12 */
	"expression too large",                    /* 13 */
	"invalid character class"                  /* 14 */
};
enum {
	E_MISSING_PAREN,
	E_UNEXPECTED_PAREN,
	E_MISSING_BRACKET,
	E_MISSING_REPEAT_ARG,
	E_REPEAT_OP,
	E_REPEAT_SIZE,
	E_ESCAPE,
	E_PERL_OP,
	E_CHAR_RANGE,
	E_NAMED_CAPTURE,
	E_TRAILING_BACKSLASH,
	E_UTF8,
	E_NESTING,
	E_LARGE
};

static int perr(int code, const char *expr, size_t len)
{
	return arc_error_code(ARC_E_PARSE, "error parsing regexp: %s: `%.*s`", err_text[code], (int)len, expr);
}

/* next rune of t[0..len), with Go's invalid UTF-8 error (expr = the rest) */
static int next_rune(const char *t, size_t len, int32_t *r, int *w)
{
	*w = arc_utf8_decode(t, len, r);
	if (*r == ARC_RUNE_ERROR && *w == 1)
		return perr(E_UTF8, t, len);
	return 0;
}

static int check_utf8(const char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		int32_t r;
		int w;
		if (next_rune(t + i, len - i, &r, &w) < 0)
			return ARC_E_PARSE;
		i += (size_t)w;
	}
	return 0;
}

static void literal(struct parser *p, int32_t r)
{
	struct node *n = node_new(p, OP_LIT);
	n->rune = r;
	push(p, n);
}

/* collapse everything above the topmost marker into one concatenation */
static void do_concat(struct parser *p)
{
	size_t i = p->n, k;
	struct node *n;
	while (i > 0 && p->stack[i - 1]->op < OP_PSEUDO)
		i--;
	if (p->n - i == 1)
		return;
	if (p->n == i) {
		n = node_new(p, OP_EMPTY);
	} else {
		n = node_new(p, OP_CONCAT);
		for (k = i; k < p->n; k++)
			node_add_sub(n, p->stack[k]);
	}
	p->n = i;
	push(p, n);
}

/* collapse "x | y | z" above the topmost left paren into one alternation */
static void do_alternate(struct parser *p)
{
	size_t i = p->n, k;
	struct node *n;
	while (i > 0 && p->stack[i - 1]->op != OP_LPAREN)
		i--;
	if (p->n - i == 1)
		return;
	n = node_new(p, OP_ALT);
	for (k = i; k < p->n; k++)
		if (p->stack[k]->op != OP_VBAR)
			node_add_sub(n, p->stack[k]);
	p->n = i;
	push(p, n);
}

static int repeat_valid(const struct node *n, int lim)
{
	int i;
	if (n->op == OP_REPEAT) {
		int m = n->max;
		if (m == 0)
			return 1;
		if (m < 0)
			m = n->min;
		if (m > lim)
			return 0;
		if (m > 0)
			lim /= m;
	}
	for (i = 0; i < n->nsub; i++)
		if (!repeat_valid(n->sub[i], lim))
			return 0;
	return 1;
}

/* apply a repetition operator; before..after is the operator text */
static int do_repeat(struct parser *p, int op, int min, int max, const char *before, const char **after,
		     const char *end, const char *last_repeat)
{
	int flags = p->flags;
	struct node *n, *sub;
	if (*after < end && **after == '?') {
		(*after)++;
		flags ^= FL_NONGREEDY;
	}
	if (last_repeat)
		return perr(E_REPEAT_OP, last_repeat, (size_t)(*after - last_repeat));
	if (p->n == 0 || p->stack[p->n - 1]->op >= OP_PSEUDO)
		return perr(E_MISSING_REPEAT_ARG, before, (size_t)(*after - before));
	sub = p->stack[p->n - 1];
	n = node_new(p, op);
	n->flags = flags;
	n->min = min;
	n->max = max;
	node_add_sub(n, sub);
	p->stack[p->n - 1] = n;
	if (op == OP_REPEAT && (min >= 2 || max >= 2) && !repeat_valid(n, MAX_REPEAT))
		return perr(E_REPEAT_SIZE, before, (size_t)(*after - before));
	return 0;
}

/* {n}, {n,}, {n,m}: returns 1 when parsed (min/max -1 = too big) */
static int parse_int(const char **s, const char *end, int *out)
{
	const char *t = *s;
	int v = 0;
	if (t >= end || *t < '0' || *t > '9')
		return 0;
	if (end - t >= 2 && t[0] == '0' && t[1] >= '0' && t[1] <= '9')
		return 0;
	while (t < end && *t >= '0' && *t <= '9') {
		if (v >= 100000000)
			v = -1;
		else if (v >= 0)
			v = v * 10 + (*t - '0');
		t++;
	}
	*s = t;
	*out = v;
	return 1;
}

static int parse_repeat(const char *s, const char *end, int *min, int *max, const char **rest)
{
	if (s >= end || *s != '{')
		return 0;
	s++;
	if (!parse_int(&s, end, min))
		return 0;
	if (s >= end)
		return 0;
	if (*s != ',') {
		*max = *min;
	} else {
		s++;
		if (s >= end)
			return 0;
		if (*s == '}') {
			*max = -1;
		} else {
			if (!parse_int(&s, end, max))
				return 0;
			if (*max < 0)
				*min = -1;
		}
	}
	if (s >= end || *s != '}')
		return 0;
	*rest = s + 1;
	return 1;
}

static int is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int unhex(int32_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* an escape at s (s[0] == '\\'); *rest is set past it */
static int parse_escape(const char *s, const char *end, int32_t *out, const char **rest)
{
	const char *t = s + 1;
	int32_t c;
	int w, rc;
	if (t >= end)
		return perr(E_TRAILING_BACKSLASH, "", 0);
	if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
		return rc;
	t += w;
	switch (c) {
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (t >= end || *t < '0' || *t > '7')
			break;
		/* fall through */
	case '0': {
		int32_t r = c - '0';
		int i;
		for (i = 1; i < 3; i++) {
			if (t >= end || *t < '0' || *t > '7')
				break;
			r = r * 8 + (*t - '0');
			t++;
		}
		*out = r;
		*rest = t;
		return 0;
	}
	case 'x': {
		int x, y;
		if (t >= end)
			break;
		if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
			return rc;
		t += w;
		if (c == '{') {
			int nhex = 0;
			int32_t r = 0;
			for (;;) {
				int v;
				if (t >= end)
					goto bad;
				if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
					return rc;
				t += w;
				if (c == '}')
					break;
				v = unhex(c);
				if (v < 0)
					goto bad;
				r = r * 16 + v;
				if (r > ARC_MAX_RUNE)
					goto bad;
				nhex++;
			}
			if (nhex == 0)
				goto bad;
			*out = r;
			*rest = t;
			return 0;
		}
		x = unhex(c);
		if (t >= end) {
			c = ARC_RUNE_ERROR;
		} else {
			if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
				return rc;
			t += w;
		}
		y = unhex(c);
		if (x < 0 || y < 0)
			break;
		*out = x * 16 + y;
		*rest = t;
		return 0;
	}
	case 'a': *out = '\a'; *rest = t; return 0;
	case 'f': *out = '\f'; *rest = t; return 0;
	case 'n': *out = '\n'; *rest = t; return 0;
	case 'r': *out = '\r'; *rest = t; return 0;
	case 't': *out = '\t'; *rest = t; return 0;
	case 'v': *out = '\v'; *rest = t; return 0;
	default:
		if (c < 0x80 && !is_alnum(c)) {
			*out = c;
			*rest = t;
			return 0;
		}
		break;
	}
bad:
	return perr(E_ESCAPE, s, (size_t)(t - s));
}

/* ASCII groups: pairs */
static const int32_t g_digit[] = { '0', '9' };
static const int32_t g_space[] = { '\t', '\n', '\f', '\r', ' ', ' ' };
static const int32_t g_word[] = { '0', '9', 'A', 'Z', '_', '_', 'a', 'z' };

static const struct {
	const char *name;
	int32_t r[8];
	int n;
} posix_groups[] = {
	{ "alnum", { '0', '9', 'A', 'Z', 'a', 'z' }, 6 },
	{ "alpha", { 'A', 'Z', 'a', 'z' }, 4 },
	{ "ascii", { 0, 0x7F }, 2 },
	{ "blank", { '\t', '\t', ' ', ' ' }, 4 },
	{ "cntrl", { 0, 0x1F, 0x7F, 0x7F }, 4 },
	{ "digit", { '0', '9' }, 2 },
	{ "graph", { '!', '~' }, 2 },
	{ "lower", { 'a', 'z' }, 2 },
	{ "print", { ' ', '~' }, 2 },
	{ "punct", { '!', '/', ':', '@', '[', '`', '{', '~' }, 8 },
	{ "space", { '\t', '\r', ' ', ' ' }, 4 },
	{ "upper", { 'A', 'Z' }, 2 },
	{ "word", { '0', '9', 'A', 'Z', 'a', 'z', '_', '_' }, 8 },
	{ "xdigit", { '0', '9', 'A', 'F', 'a', 'f' }, 6 },
};

static void add_group(struct parser *p, struct cls *c, const int32_t *g, size_t n, int negated)
{
	if (!(p->flags & FL_FOLD)) {
		cls_add_class(c, g, n, negated);
	} else {
		struct cls tmp = { 0 };
		size_t i;
		for (i = 0; i < n; i += 2)
			cls_add_folded(&tmp, g[i], g[i + 1]);
		cls_clean(&tmp);
		cls_add_class(c, tmp.r, tmp.n, negated);
		free(tmp.r);
	}
}

/* \d \s \w and negations at s; returns 1 when one was added */
static int perl_class(struct parser *p, const char *s, const char *end, struct cls *c)
{
	int neg;
	if (end - s < 2 || s[0] != '\\')
		return 0;
	neg = s[1] == 'D' || s[1] == 'S' || s[1] == 'W';
	switch (s[1]) {
	case 'd': case 'D': add_group(p, c, g_digit, 2, neg); return 1;
	case 's': case 'S': add_group(p, c, g_space, 6, neg); return 1;
	case 'w': case 'W': add_group(p, c, g_word, 8, neg); return 1;
	default: return 0;
	}
}

/* [:alpha:] at s; 1 = added (*rest set), 0 = not a named class, <0 error */
static int named_class(struct parser *p, const char *s, const char *end, struct cls *c, const char **rest)
{
	const char *q;
	size_t i, nlen;
	int neg = 0;
	const char *name;
	if (end - s < 2 || s[0] != '[' || s[1] != ':')
		return 0;
	for (q = s + 2; q + 1 < end; q++)
		if (q[0] == ':' && q[1] == ']')
			break;
	if (q + 1 >= end)
		return 0;
	name = s + 2;
	nlen = (size_t)(q - name);
	if (nlen > 0 && name[0] == '^') {
		neg = 1;
		name++;
		nlen--;
	}
	for (i = 0; i < ARC_ARRAY_LEN(posix_groups); i++) {
		if (strlen(posix_groups[i].name) == nlen && memcmp(posix_groups[i].name, name, nlen) == 0) {
			add_group(p, c, posix_groups[i].r, (size_t)posix_groups[i].n, neg);
			*rest = q + 2;
			return 1;
		}
	}
	return perr(E_CHAR_RANGE, s, (size_t)(q + 2 - s));
}

/* Go's canonical name for \p lookups: first letter upper, rest lower, no _ - or space */
static size_t canon_name(const char *s, size_t n, char *out, size_t outcap)
{
	size_t i, w = 0;
	int first = 1;
	for (i = 0; i < n && w + 1 < outcap; i++) {
		char ch = s[i];
		if (ch == '_' || ch == '-' || ch == ' ')
			continue;
		if (first) {
			if (ch >= 'a' && ch <= 'z')
				ch = (char)(ch - 32);
			first = 0;
		} else if (ch >= 'A' && ch <= 'Z') {
			ch = (char)(ch + 32);
		}
		out[w++] = ch;
	}
	out[w] = 0;
	return w;
}

/* Go's category aliases ("Letter", "Uppercase_Letter"), compared by canonical name */
static const struct uni_table *uni_alias(const char *canon, size_t clen)
{
	size_t i;
	char buf[80];
	for (i = 0; i < ARC_ARRAY_LEN(uni_aliases); i++) {
		size_t l = canon_name(uni_aliases[i][0], strlen(uni_aliases[i][0]), buf, sizeof(buf));
		if (l == clen && memcmp(buf, canon, clen) == 0)
			return uni_find(uni_aliases[i][1], strlen(uni_aliases[i][1]));
	}
	return NULL;
}

/* \pL \p{Name} \P{..} at s; 1 = added, 0 = not one, <0 error */
static int unicode_class(struct parser *p, const char *s, const char *end, struct cls *c, const char **rest)
{
	int sign = 1, rc, w;
	const char *t, *name, *seq_end;
	size_t nlen, clen;
	int32_t ch;
	char canon[80];
	const struct uni_table *tab = NULL;
	static const int32_t any[] = { 0, ARC_MAX_RUNE };
	static const int32_t ascii[] = { 0, 0x7F };
	static const int32_t ascii_fold[] = { 0, 0x7F, 0x17F, 0x17F, 0x212A, 0x212A };
	const int32_t *special = NULL, *special_fold = NULL;
	size_t special_n = 0, special_fold_n = 0;

	if (end - s < 2 || s[0] != '\\' || (s[1] != 'p' && s[1] != 'P'))
		return 0;
	if (s[1] == 'P')
		sign = -1;
	t = s + 2;
	if (t >= end) {
		/* Go's nextRune on "" gives RuneError without error, then looks up the
		 * name "" which fails */
		return perr(E_CHAR_RANGE, s, (size_t)(end - s));
	}
	if ((rc = next_rune(t, (size_t)(end - t), &ch, &w)) < 0)
		return rc;
	if (ch != '{') {
		name = t;
		nlen = (size_t)w;
		seq_end = t + w;
	} else {
		const char *q = memchr(s, '}', (size_t)(end - s));
		if (!q) {
			if ((rc = check_utf8(s, (size_t)(end - s))) < 0)
				return rc;
			return perr(E_CHAR_RANGE, s, (size_t)(end - s));
		}
		name = s + 3;
		nlen = (size_t)(q - name);
		seq_end = q + 1;
		if ((rc = check_utf8(name, nlen)) < 0)
			return rc;
	}
	if (nlen > 0 && name[0] == '^') {
		sign = -sign;
		name++;
		nlen--;
	}
	clen = canon_name(name, nlen, canon, sizeof(canon));
	if (nlen >= sizeof(canon) - 1)
		clen = 0, canon[0] = 0;
	if (clen == 3 && memcmp(canon, "Any", 3) == 0) {
		special = any;
		special_n = 2;
		special_fold = any;
		special_fold_n = 2;
	} else if (clen == 8 && memcmp(canon, "Assigned", 8) == 0) {
		tab = uni_find("Cn", 2);
		sign = -sign;
	} else if (clen == 5 && memcmp(canon, "Ascii", 5) == 0) {
		special = ascii;
		special_n = 2;
		special_fold = ascii_fold;
		special_fold_n = 6;
	} else if (clen == 2 && memcmp(canon, "Lc", 2) == 0) {
		tab = uni_find("LC", 2);
	} else if (clen > 0) {
		/* categories and scripts by their (canonical) name, then aliases */
		tab = uni_find(canon, clen);
		if (tab && (strcmp(tab->name, "White_Space") == 0 || strcmp(tab->name, "LC") == 0))
			tab = NULL;
		if (!tab)
			tab = uni_alias(canon, clen);
	}
	if (!tab && !special)
		return perr(E_CHAR_RANGE, s, (size_t)(seq_end - s));

	if (!(p->flags & FL_FOLD) || (tab && tab->fn == 0 && !special)) {
		if (special) {
			cls_add_class(c, special, special_n, sign < 0);
		} else if (sign > 0) {
			cls_add_ranges(c, uni_ranges + tab->start, tab->n);
		} else {
			struct cls tmp = { 0 };
			cls_add_ranges(&tmp, uni_ranges + tab->start, tab->n);
			cls_clean(&tmp);
			cls_add_class(c, tmp.r, tmp.n, 1);
			free(tmp.r);
		}
	} else {
		struct cls tmp = { 0 };
		if (special) {
			cls_add_class(&tmp, special, special_n, 0);
			cls_add_class(&tmp, special_fold, special_fold_n, 0);
		} else {
			cls_add_ranges(&tmp, uni_ranges + tab->start, tab->n);
			cls_add_ranges(&tmp, uni_ranges + tab->fstart, tab->fn);
		}
		cls_clean(&tmp);
		cls_add_class(c, tmp.r, tmp.n, sign < 0);
		free(tmp.r);
	}
	*rest = seq_end;
	return 1;
}

static int parse_class_char(const char *t, const char *end, const char *whole, int32_t *r, const char **rest)
{
	int w, rc;
	if (t >= end)
		return perr(E_MISSING_BRACKET, whole, (size_t)(end - whole));
	if (*t == '\\')
		return parse_escape(t, end, r, rest);
	if ((rc = next_rune(t, (size_t)(end - t), r, &w)) < 0)
		return rc;
	*rest = t + w;
	return 0;
}

static int parse_class(struct parser *p, const char *s, const char *end, const char **rest)
{
	const char *t = s + 1;
	struct node *n = node_new(p, OP_CLASS);
	struct cls *c = &n->cls;
	int sign = 1, first = 1, rc;
	if (t < end && *t == '^') {
		sign = -1;
		t++;
	}
	while (t >= end || *t != ']' || first) {
		const char *nt = NULL, *rng;
		int32_t lo, hi;
		first = 0;
		if (end - t > 2 && t[0] == '[' && t[1] == ':') {
			rc = named_class(p, t, end, c, &nt);
			if (rc < 0)
				return rc;
			if (rc > 0) {
				t = nt;
				continue;
			}
		}
		rc = unicode_class(p, t, end, c, &nt);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			t = nt;
			continue;
		}
		if (perl_class(p, t, end, c)) {
			t += 2;
			continue;
		}
		rng = t;
		if ((rc = parse_class_char(t, end, s, &lo, &t)) < 0)
			return rc;
		hi = lo;
		if (end - t >= 2 && t[0] == '-' && t[1] != ']') {
			t++;
			if ((rc = parse_class_char(t, end, s, &hi, &t)) < 0)
				return rc;
			if (hi < lo)
				return perr(E_CHAR_RANGE, rng, (size_t)(t - rng));
		}
		if (p->flags & FL_FOLD)
			cls_add_folded(c, lo, hi);
		else
			cls_add(c, lo, hi);
	}
	t++;
	cls_clean(c);
	if (sign < 0)
		cls_negate(c);
	push(p, n);
	*rest = t;
	return 0;
}

static int valid_capture_name(const char *s, size_t n)
{
	size_t i;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] != '_' && !is_alnum((unsigned char)s[i]))
			return 0;
	return 1;
}

static int open_paren(struct parser *p, int cap, const char *name, size_t nlen)
{
	struct node *n;
	if (++p->depth > MAX_DEPTH)
		return perr(E_NESTING, p->whole, p->wlen);
	n = node_new(p, OP_LPAREN);
	n->cap = cap;
	if (name) {
		n->name = xstrndup(name, nlen);
	}
	if (cap) {
		p->names = xrealloc(p->names, (size_t)cap * sizeof(*p->names));
		p->names[cap - 1] = n->name ? n->name : NULL;
		p->nnames = cap;
	}
	push(p, n);
	return 0;
}

/* (?flags) (?flags:...) (?P<name>...) (?<name>...) at s */
static int parse_perl_flags(struct parser *p, const char *s, const char *end, const char **rest)
{
	const char *t = s;
	size_t len = (size_t)(end - s);
	int flags, sign = 1, saw = 0, rc, w;
	int32_t c;
	if ((len > 4 && t[2] == 'P' && t[3] == '<') || (len > 3 && t[2] == '<')) {
		const char *begin = t[2] == 'P' ? t + 4 : t + 3;
		const char *gt = memchr(t, '>', len);
		if (!gt) {
			if ((rc = check_utf8(t, len)) < 0)
				return rc;
			return perr(E_NAMED_CAPTURE, s, len);
		}
		if ((rc = check_utf8(begin, (size_t)(gt - begin))) < 0)
			return rc;
		if (!valid_capture_name(begin, (size_t)(gt - begin)))
			return perr(E_NAMED_CAPTURE, s, (size_t)(gt + 1 - s));
		p->ncap++;
		if ((rc = open_paren(p, p->ncap, begin, (size_t)(gt - begin))) < 0)
			return rc;
		*rest = gt + 1;
		return 0;
	}
	t += 2;
	flags = p->flags;
	while (t < end) {
		if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
			return rc;
		t += w;
		switch (c) {
		case 'i':
			flags = sign > 0 ? flags | FL_FOLD : flags & ~FL_FOLD;
			saw = 1;
			break;
		case 'm':
			flags = sign > 0 ? flags & ~FL_ONELINE : flags | FL_ONELINE;
			saw = 1;
			break;
		case 's':
			flags = sign > 0 ? flags | FL_DOTNL : flags & ~FL_DOTNL;
			saw = 1;
			break;
		case 'U':
			flags = sign > 0 ? flags | FL_NONGREEDY : flags & ~FL_NONGREEDY;
			saw = 1;
			break;
		case '-':
			if (sign < 0)
				goto bad;
			sign = -1;
			saw = 0;
			break;
		case ':':
		case ')':
			if (sign < 0 && !saw)
				goto bad;
			if (c == ':') {
				if ((rc = open_paren(p, 0, NULL, 0)) < 0)
					return rc;
			}
			p->flags = flags;
			*rest = t;
			return 0;
		default:
			goto bad;
		}
	}
bad:
	return perr(E_PERL_OP, s, (size_t)(t - s));
}

static int right_paren(struct parser *p)
{
	struct node *r1, *r2;
	do_concat(p);
	do_alternate(p);
	if (p->n < 2)
		return perr(E_UNEXPECTED_PAREN, p->whole, p->wlen);
	r1 = p->stack[p->n - 1];
	r2 = p->stack[p->n - 2];
	if (r2->op != OP_LPAREN)
		return perr(E_UNEXPECTED_PAREN, p->whole, p->wlen);
	p->n -= 2;
	p->depth--;
	p->flags = r2->flags;
	if (r2->cap == 0) {
		push(p, r1);
	} else {
		r2->op = OP_CAP;
		node_add_sub(r2, r1);
		push(p, r2);
	}
	return 0;
}

static int parse(struct parser *p, const char *s, size_t len, struct node **out)
{
	const char *t = s, *end = s + len;
	const char *last_repeat = NULL;
	int rc, w;
	int32_t c;
	p->whole = s;
	p->wlen = len;
	p->flags = FL_ONELINE;
	while (t < end) {
		const char *repeat = NULL;
		switch (*t) {
		case '(':
			if (end - t >= 2 && t[1] == '?') {
				if ((rc = parse_perl_flags(p, t, end, &t)) < 0)
					return rc;
				break;
			}
			p->ncap++;
			if ((rc = open_paren(p, p->ncap, NULL, 0)) < 0)
				return rc;
			t++;
			break;
		case '|':
			do_concat(p);
			push(p, node_new(p, OP_VBAR));
			t++;
			break;
		case ')':
			if ((rc = right_paren(p)) < 0)
				return rc;
			t++;
			break;
		case '^':
			push(p, node_new(p, (p->flags & FL_ONELINE) ? OP_BOT : OP_BOL));
			t++;
			break;
		case '$':
			push(p, node_new(p, (p->flags & FL_ONELINE) ? OP_EOT : OP_EOL));
			t++;
			break;
		case '.':
			push(p, node_new(p, (p->flags & FL_DOTNL) ? OP_ANY : OP_ANYNL));
			t++;
			break;
		case '[':
			if ((rc = parse_class(p, t, end, &t)) < 0)
				return rc;
			break;
		case '*':
		case '+':
		case '?': {
			const char *before = t, *after = t + 1;
			int op = *t == '*' ? OP_STAR : *t == '+' ? OP_PLUS : OP_QUEST;
			if ((rc = do_repeat(p, op, 0, 0, before, &after, end, last_repeat)) < 0)
				return rc;
			repeat = before;
			t = after;
			break;
		}
		case '{': {
			const char *before = t, *after;
			int min = 0, max = 0;
			if (!parse_repeat(t, end, &min, &max, &after)) {
				literal(p, '{');
				t++;
				break;
			}
			if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max))
				return perr(E_REPEAT_SIZE, before, (size_t)(after - before));
			if ((rc = do_repeat(p, OP_REPEAT, min, max, before, &after, end, last_repeat)) < 0)
				return rc;
			repeat = before;
			t = after;
			break;
		}
		case '\\': {
			struct node *n;
			const char *nt = NULL;
			if (end - t >= 2) {
				int op = 0;
				switch (t[1]) {
				case 'A': op = OP_BOT; break;
				case 'b': op = OP_WB; break;
				case 'B': op = OP_NWB; break;
				case 'z': op = OP_EOT; break;
				case 'C': return perr(E_ESCAPE, t, 2);
				case 'Q': {
					const char *lit = t + 2, *q = lit, *qend = end;
					for (; q + 1 < end; q++)
						if (q[0] == '\\' && q[1] == 'E')
							break;
					if (q + 1 < end) {
						qend = q;
						t = q + 2;
					} else {
						t = end;
					}
					while (lit < qend) {
						if ((rc = next_rune(lit, (size_t)(qend - lit), &c, &w)) < 0)
							return rc;
						literal(p, c);
						lit += w;
					}
					op = -1;
					break;
				}
				default:
					break;
				}
				if (op == -1)
					break;
				if (op) {
					push(p, node_new(p, op));
					t += 2;
					break;
				}
			}
			n = node_new(p, OP_CLASS);
			if (end - t >= 2 && (t[1] == 'p' || t[1] == 'P')) {
				rc = unicode_class(p, t, end, &n->cls, &nt);
				if (rc < 0)
					return rc;
				if (rc > 0) {
					cls_clean(&n->cls);
					push(p, n);
					t = nt;
					break;
				}
			}
			if (perl_class(p, t, end, &n->cls)) {
				cls_clean(&n->cls);
				push(p, n);
				t += 2;
				break;
			}
			if ((rc = parse_escape(t, end, &c, &t)) < 0)
				return rc;
			literal(p, c);
			break;
		}
		default:
			if ((rc = next_rune(t, (size_t)(end - t), &c, &w)) < 0)
				return rc;
			literal(p, c);
			t += w;
			break;
		}
		last_repeat = repeat;
	}
	do_concat(p);
	do_alternate(p);
	if (p->n != 1)
		return perr(E_MISSING_PAREN, s, len);
	*out = p->stack[0];
	return 0;
}

/* ------------------------------------------------------------------ */
/* program */

enum { I_FAIL, I_RUNE, I_CLASS, I_ANYNL, I_ANY, I_SPLIT, I_NOP, I_SAVE, I_EMPTY, I_MATCH };
enum { EW_BOL = 1, EW_EOL = 2, EW_BOT = 4, EW_EOT = 8, EW_WB = 16, EW_NWB = 32 };

struct inst {
	uint8_t op;
	uint32_t out, out1; /* I_SPLIT: out is preferred */
	int32_t arg;        /* rune, class index, save slot, empty-width flags */
};

struct arc_re {
	struct inst *prog;
	uint32_t ninst, cap;
	struct cls *classes;
	size_t nclass;
	uint32_t start;
	int ngroups;
	char **names;
	int anchored;   /* starts with \A: only a match at the search start is possible */
	int first_byte; /* every match starts with this byte, or -1 */
	int too_large;
};

struct frag {
	uint32_t start;
	uint32_t patch; /* list of holes: (inst << 1 | which), linked through the hole, 0 = none */
	int nullable;
};

static uint32_t emit(struct arc_re *re, int op, int32_t arg)
{
	struct inst *i;
	if (re->ninst >= MAX_INSTS) {
		re->too_large = 1;
		return 0;
	}
	if (re->ninst == re->cap) {
		re->cap = re->cap ? re->cap * 2 : 64;
		re->prog = xrealloc(re->prog, re->cap * sizeof(*re->prog));
	}
	i = &re->prog[re->ninst];
	i->op = (uint8_t)op;
	i->out = i->out1 = 0;
	i->arg = arg;
	return re->ninst++;
}

static uint32_t *hole(struct arc_re *re, uint32_t h)
{
	struct inst *i = &re->prog[h >> 1];
	return (h & 1) ? &i->out1 : &i->out;
}

static void patch(struct arc_re *re, uint32_t l, uint32_t target)
{
	while (l) {
		uint32_t *p = hole(re, l);
		uint32_t next = *p;
		*p = target;
		l = next;
	}
}

static uint32_t append_list(struct arc_re *re, uint32_t l1, uint32_t l2)
{
	uint32_t l;
	if (!l1)
		return l2;
	if (!l2)
		return l1;
	l = l1;
	for (;;) {
		uint32_t *p = hole(re, l);
		if (!*p) {
			*p = l2;
			break;
		}
		l = *p;
	}
	return l1;
}

static struct frag f_fail(void)
{
	struct frag f = { 0, 0, 0 };
	return f;
}

static struct frag f_inst(struct arc_re *re, int op, int32_t arg, int nullable)
{
	struct frag f;
	f.start = emit(re, op, arg);
	f.patch = f.start ? f.start << 1 : 0;
	f.nullable = nullable;
	return f;
}

static struct frag f_cat(struct arc_re *re, struct frag a, struct frag b)
{
	struct frag f;
	if (a.start == 0 || b.start == 0)
		return f_fail();
	patch(re, a.patch, b.start);
	f.start = a.start;
	f.patch = b.patch;
	f.nullable = a.nullable && b.nullable;
	return f;
}

static struct frag f_alt(struct arc_re *re, struct frag a, struct frag b)
{
	struct frag f;
	if (a.start == 0)
		return b;
	if (b.start == 0)
		return a;
	f.start = emit(re, I_SPLIT, 0);
	if (!f.start)
		return f_fail();
	re->prog[f.start].out = a.start;
	re->prog[f.start].out1 = b.start;
	f.patch = append_list(re, a.patch, b.patch);
	f.nullable = a.nullable || b.nullable;
	return f;
}

static struct frag f_quest(struct arc_re *re, struct frag a, int nongreedy)
{
	struct frag f;
	f.start = emit(re, I_SPLIT, 0);
	if (!f.start)
		return f_fail();
	if (nongreedy) {
		re->prog[f.start].out1 = a.start;
		f.patch = f.start << 1;
	} else {
		re->prog[f.start].out = a.start;
		f.patch = f.start << 1 | 1;
	}
	if (a.start)
		f.patch = append_list(re, f.patch, a.patch);
	f.nullable = 1;
	return f;
}

/* the loop of x+ / x*: a split after x that goes back to x */
static struct frag f_loop(struct arc_re *re, struct frag a, int nongreedy)
{
	struct frag f;
	f.start = emit(re, I_SPLIT, 0);
	if (!f.start)
		return f_fail();
	if (nongreedy) {
		re->prog[f.start].out1 = a.start;
		f.patch = f.start << 1;
	} else {
		re->prog[f.start].out = a.start;
		f.patch = f.start << 1 | 1;
	}
	patch(re, a.patch, f.start);
	f.nullable = 1;
	return f;
}

static struct frag f_plus(struct arc_re *re, struct frag a, int nongreedy)
{
	struct frag f;
	if (a.start == 0)
		return f_fail();
	f = f_loop(re, a, nongreedy);
	f.start = a.start;
	f.nullable = a.nullable;
	return f;
}

static struct frag f_star(struct arc_re *re, struct frag a, int nongreedy)
{
	if (a.start == 0) /* x* with x impossible matches empty */
		return f_inst(re, I_NOP, 0, 1);
	if (a.nullable)
		return f_quest(re, f_plus(re, a, nongreedy), nongreedy);
	return f_loop(re, a, nongreedy);
}

static struct frag compile_node(struct arc_re *re, const struct node *n);

static struct frag compile_repeat(struct arc_re *re, const struct node *n)
{
	const struct node *x = n->sub[0];
	int ng = (n->flags & FL_NONGREEDY) != 0;
	int i;
	struct frag f = { 0, 0, 1 }, suffix;
	int have = 0;
	if (n->min == 0 && n->max == 0)
		return f_inst(re, I_NOP, 0, 1);
	if (n->max == -1) {
		if (n->min == 0)
			return f_star(re, compile_node(re, x), ng);
		for (i = 0; i < n->min - 1; i++) {
			struct frag c = compile_node(re, x);
			f = have ? f_cat(re, f, c) : c;
			have = 1;
		}
		suffix = f_plus(re, compile_node(re, x), ng);
		return have ? f_cat(re, f, suffix) : suffix;
	}
	if (n->min == 1 && n->max == 1)
		return compile_node(re, x);
	for (i = 0; i < n->min; i++) {
		struct frag c = compile_node(re, x);
		f = have ? f_cat(re, f, c) : c;
		have = 1;
	}
	if (n->max > n->min) {
		/* x{n,m}: (x(x(x)?)?)? for the optional part, built inside out */
		suffix = f_quest(re, compile_node(re, x), ng);
		for (i = n->min + 1; i < n->max; i++)
			suffix = f_quest(re, f_cat(re, compile_node(re, x), suffix), ng);
		f = have ? f_cat(re, f, suffix) : suffix;
	}
	if (re->too_large)
		return f_fail();
	return f;
}

static uint32_t add_class(struct arc_re *re, const struct cls *c)
{
	struct cls *d;
	re->classes = xrealloc(re->classes, (re->nclass + 1) * sizeof(*re->classes));
	d = &re->classes[re->nclass];
	d->n = c->n;
	d->cap = c->n;
	d->r = xmalloc((c->n ? c->n : 1) * sizeof(int32_t));
	if (c->n)
		memcpy(d->r, c->r, c->n * sizeof(int32_t));
	return (uint32_t)re->nclass++;
}

static struct frag compile_node(struct arc_re *re, const struct node *n)
{
	struct frag f, g;
	int i;
	if (re->too_large)
		return f_fail();
	switch (n->op) {
	case OP_EMPTY:
		return f_inst(re, I_NOP, 0, 1);
	case OP_LIT:
		if ((n->flags & FL_FOLD) && arc_uni_simple_fold(n->rune) != n->rune) {
			struct cls c = { 0 };
			uint32_t idx;
			cls_add_folded(&c, n->rune, n->rune);
			cls_clean(&c);
			idx = add_class(re, &c);
			free(c.r);
			return f_inst(re, I_CLASS, (int32_t)idx, 0);
		}
		return f_inst(re, I_RUNE, n->rune, 0);
	case OP_CLASS:
		return f_inst(re, I_CLASS, (int32_t)add_class(re, &n->cls), 0);
	case OP_ANYNL:
		return f_inst(re, I_ANYNL, 0, 0);
	case OP_ANY:
		return f_inst(re, I_ANY, 0, 0);
	case OP_BOL: return f_inst(re, I_EMPTY, EW_BOL, 1);
	case OP_EOL: return f_inst(re, I_EMPTY, EW_EOL, 1);
	case OP_BOT: return f_inst(re, I_EMPTY, EW_BOT, 1);
	case OP_EOT: return f_inst(re, I_EMPTY, EW_EOT, 1);
	case OP_WB: return f_inst(re, I_EMPTY, EW_WB, 1);
	case OP_NWB: return f_inst(re, I_EMPTY, EW_NWB, 1);
	case OP_CAP:
		f = f_inst(re, I_SAVE, 2 * n->cap, 1);
		g = compile_node(re, n->sub[0]);
		f = f_cat(re, f, g);
		f.nullable = g.nullable;
		g = f_inst(re, I_SAVE, 2 * n->cap + 1, 1);
		{
			int nl = f.nullable;
			f = f_cat(re, f, g);
			f.nullable = nl;
		}
		return f;
	case OP_STAR:
		return f_star(re, compile_node(re, n->sub[0]), (n->flags & FL_NONGREEDY) != 0);
	case OP_PLUS:
		return f_plus(re, compile_node(re, n->sub[0]), (n->flags & FL_NONGREEDY) != 0);
	case OP_QUEST:
		return f_quest(re, compile_node(re, n->sub[0]), (n->flags & FL_NONGREEDY) != 0);
	case OP_REPEAT:
		return compile_repeat(re, n);
	case OP_CONCAT:
		f = compile_node(re, n->sub[0]);
		for (i = 1; i < n->nsub; i++)
			f = f_cat(re, f, compile_node(re, n->sub[i]));
		return f;
	case OP_ALT:
		/* a|b|c = split(a, split(b, c)), built from the right */
		f = compile_node(re, n->sub[n->nsub - 1]);
		for (i = n->nsub - 2; i >= 0; i--) {
			g = compile_node(re, n->sub[i]);
			if (g.start == 0)
				continue;
			if (f.start == 0) {
				f = g;
				continue;
			}
			f = f_alt(re, g, f);
		}
		return f;
	default:
		return f_fail();
	}
}

void arc_re_free(struct arc_re *re)
{
	size_t i;
	if (!re)
		return;
	for (i = 0; i < re->nclass; i++)
		free(re->classes[i].r);
	free(re->classes);
	for (i = 0; i < (size_t)re->ngroups; i++)
		free(re->names[i]);
	free(re->names);
	free(re->prog);
	free(re);
}

int arc_re_compile(struct arc_re **out, const char *pat, size_t len)
{
	struct parser p;
	struct node *tree = NULL;
	struct arc_re *re;
	struct frag f, m;
	int rc, i;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	rc = parse(&p, pat, len, &tree);
	if (rc < 0) {
		size_t k;
		for (k = 0; k < (size_t)p.nnames; k++)
			free(p.names[k]);
		free(p.names);
		free(p.stack);
		/* names are owned by p.names only; nodes keep borrowed pointers */
		nodes_free(p.all);
		return rc;
	}
	re = xcalloc(1, sizeof(*re));
	re->ngroups = p.ncap;
	re->names = xcalloc((size_t)(p.ncap ? p.ncap : 1), sizeof(char *));
	for (i = 0; i < p.ncap; i++)
		re->names[i] = p.names[i] ? p.names[i] : xstrdup("");
	free(p.names);
	free(p.stack);
	emit(re, I_FAIL, 0); /* inst 0: fail, so that 0 can mean "no target" */
	f = f_inst(re, I_SAVE, 0, 1);
	f = f_cat(re, f, compile_node(re, tree));
	m = f_inst(re, I_SAVE, 1, 1);
	f = f_cat(re, f, m);
	m = f_inst(re, I_MATCH, 0, 1);
	f = f_cat(re, f, m);
	nodes_free(p.all);
	if (re->too_large) {
		arc_re_free(re);
		return perr(E_LARGE, pat, len);
	}
	re->start = f.start;
	/* a program that must start at the beginning of the text */
	if (f.start) {
		uint32_t pc = re->prog[f.start].out; /* after SAVE 0 */
		while (pc && re->prog[pc].op == I_NOP)
			pc = re->prog[pc].out;
		if (pc && re->prog[pc].op == I_EMPTY && re->prog[pc].arg == EW_BOT)
			re->anchored = 1;
		re->first_byte = -1;
		if (pc && re->prog[pc].op == I_RUNE && re->prog[pc].arg >= 0 && re->prog[pc].arg < 0x80)
			re->first_byte = re->prog[pc].arg;
	}
	*out = re;
	return 0;
}

int arc_re_ngroups(const struct arc_re *re)
{
	return re->ngroups;
}

const char *arc_re_group_name(const struct arc_re *re, int i)
{
	if (i < 1 || i > re->ngroups)
		return "";
	return re->names[i - 1];
}

/* ------------------------------------------------------------------ */
/* Pike VM */

struct thread {
	uint32_t pc;
	long *caps; /* NULL for non-consuming instructions */
};

struct queue {
	uint32_t *sparse;
	struct thread *dense;
	uint32_t n;
	long *slab; /* ninst * ncap2 */
};

struct vm {
	const struct arc_re *re;
	const char *s;
	size_t len;
	int ncap2;
	struct queue q[2];
	uint32_t *stack; /* add() work stack: (pc << 1) or restore frames */
	long *restore;   /* saved slot values for restore frames */
	size_t sp, scap;
	long *tmpcaps;
	long *matchcaps;
	int matched;
};

static int q_has(const struct queue *q, uint32_t pc)
{
	uint32_t i = q->sparse[pc];
	return i < q->n && q->dense[i].pc == pc;
}

static int is_word(int32_t r)
{
	return r >= 0 && r < 0x80 && (is_alnum(r) || r == '_');
}

static int empty_ok(int flags, int32_t before, int32_t after)
{
	if ((flags & EW_BOL) && !(before == -1 || before == '\n'))
		return 0;
	if ((flags & EW_EOL) && !(after == -1 || after == '\n'))
		return 0;
	if ((flags & EW_BOT) && before != -1)
		return 0;
	if ((flags & EW_EOT) && after != -1)
		return 0;
	if ((flags & EW_WB) && is_word(before) == is_word(after))
		return 0;
	if ((flags & EW_NWB) && is_word(before) != is_word(after))
		return 0;
	return 1;
}

static void vm_spush(struct vm *m, uint32_t v, long old)
{
	if (m->sp == m->scap) {
		m->scap = m->scap ? m->scap * 2 : 64;
		m->stack = xrealloc(m->stack, m->scap * sizeof(*m->stack));
		m->restore = xrealloc(m->restore, m->scap * sizeof(*m->restore));
	}
	m->stack[m->sp] = v;
	m->restore[m->sp] = old;
	m->sp++;
}

/* follow empty transitions from pc at position pos, adding threads to q in
 * priority order; caps is the thread's capture array (modified and restored) */
static void vm_add(struct vm *m, struct queue *q, uint32_t pc0, size_t pos, long *caps, int32_t before,
		   int32_t after)
{
	const struct inst *prog = m->re->prog;
	m->sp = 0;
	vm_spush(m, pc0 << 1, 0);
	while (m->sp > 0) {
		uint32_t v;
		long old;
		uint32_t pc;
		const struct inst *i;
		struct thread *t;
		m->sp--;
		v = m->stack[m->sp];
		old = m->restore[m->sp];
		if (v & 1) { /* restore a capture slot */
			caps[v >> 1] = old;
			continue;
		}
		pc = v >> 1;
		if (pc == 0 || q_has(q, pc))
			continue;
		q->sparse[pc] = q->n;
		t = &q->dense[q->n++];
		t->pc = pc;
		t->caps = NULL;
		i = &prog[pc];
		switch (i->op) {
		case I_NOP:
			vm_spush(m, i->out << 1, 0);
			break;
		case I_SPLIT:
			vm_spush(m, i->out1 << 1, 0);
			vm_spush(m, i->out << 1, 0);
			break;
		case I_EMPTY:
			if (empty_ok(i->arg, before, after))
				vm_spush(m, i->out << 1, 0);
			break;
		case I_SAVE:
			if (i->arg < m->ncap2) {
				vm_spush(m, (uint32_t)i->arg << 1 | 1, caps[i->arg]);
				caps[i->arg] = (long)pos;
			}
			vm_spush(m, i->out << 1, 0);
			break;
		case I_FAIL:
			break;
		default: /* consuming instructions and match keep a copy of the captures */
			if (m->ncap2) {
				t->caps = q->slab + (size_t)(t - q->dense) * (size_t)m->ncap2;
				memcpy(t->caps, caps, (size_t)m->ncap2 * sizeof(long));
			}
			break;
		}
	}
}

static int class_has(const struct cls *c, int32_t r)
{
	size_t lo = 0, hi = c->n / 2;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r < c->r[2 * mid])
			hi = mid;
		else if (r > c->r[2 * mid + 1])
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

static void vm_step(struct vm *m, struct queue *run, struct queue *next, size_t pos, size_t npos, int32_t r,
		    int32_t r1)
{
	const struct inst *prog = m->re->prog;
	uint32_t j;
	for (j = 0; j < run->n; j++) {
		struct thread *t = &run->dense[j];
		const struct inst *i = &prog[t->pc];
		int ok = 0;
		switch (i->op) {
		case I_MATCH:
			if (m->ncap2) {
				memcpy(m->matchcaps, t->caps, (size_t)m->ncap2 * sizeof(long));
				if (m->ncap2 > 1)
					m->matchcaps[1] = (long)pos;
			}
			m->matched = 1;
			run->n = 0; /* leftmost-first: drop every lower-priority thread */
			return;
		case I_RUNE:
			ok = r == i->arg;
			break;
		case I_CLASS:
			ok = r >= 0 && class_has(&m->re->classes[i->arg], r);
			break;
		case I_ANYNL:
			ok = r >= 0 && r != '\n';
			break;
		case I_ANY:
			ok = r >= 0;
			break;
		default:
			break;
		}
		if (ok)
			vm_add(m, next, i->out, npos, t->caps ? t->caps : m->tmpcaps, r, r1);
	}
	run->n = 0;
}

static int32_t rune_at(const char *s, size_t len, size_t pos, int *w)
{
	int32_t r;
	if (pos >= len) {
		*w = 0;
		return -1;
	}
	*w = arc_utf8_decode(s + pos, len - pos, &r);
	return r;
}

static int32_t rune_before(const char *s, size_t pos)
{
	unsigned char c;
	if (pos == 0)
		return -1;
	c = (unsigned char)s[pos - 1];
	/* only '\n' and ASCII word characters matter to the assertions */
	return c < 0x80 ? (int32_t)c : ARC_RUNE_ERROR;
}

static void vm_init(struct vm *m, const struct arc_re *re, int ncap)
{
	int k;
	memset(m, 0, sizeof(*m));
	m->re = re;
	if (ncap > re->ngroups + 1)
		ncap = re->ngroups + 1;
	if (ncap < 0)
		ncap = 0;
	m->ncap2 = 2 * ncap;
	for (k = 0; k < 2; k++) {
		m->q[k].sparse = xcalloc(re->ninst, sizeof(uint32_t));
		m->q[k].dense = xmalloc(re->ninst * sizeof(struct thread));
		m->q[k].slab = xmalloc((size_t)re->ninst * (size_t)(m->ncap2 ? m->ncap2 : 1) * sizeof(long));
	}
	m->tmpcaps = xmalloc((size_t)(m->ncap2 ? m->ncap2 : 1) * sizeof(long));
	m->matchcaps = xmalloc((size_t)(m->ncap2 ? m->ncap2 : 1) * sizeof(long));
}

static void vm_release(struct vm *m)
{
	int k;
	for (k = 0; k < 2; k++) {
		free(m->q[k].sparse);
		free(m->q[k].dense);
		free(m->q[k].slab);
	}
	free(m->tmpcaps);
	free(m->matchcaps);
	free(m->stack);
	free(m->restore);
}

/* one leftmost-first search from pos; caps gets m->ncap2 offsets */
static int vm_run(struct vm *m, const char *s, size_t len, size_t pos, long *caps)
{
	const struct arc_re *re = m->re;
	struct queue *run = &m->q[0], *next = &m->q[1];
	int32_t r, r1, before;
	int w, w1 = 0, k;

	if (pos > len || re->start == 0)
		return 0;
	m->s = s;
	m->len = len;
	m->matched = 0;
	run->n = next->n = 0;
	for (k = 0; k < m->ncap2; k++)
		m->matchcaps[k] = -1;
	if (re->first_byte >= 0 && !re->anchored) {
		const char *hit = memchr(s + pos, re->first_byte, len - pos);
		if (!hit)
			return 0;
		pos = (size_t)(hit - s);
	}
	r = rune_at(s, len, pos, &w);
	r1 = r >= 0 ? rune_at(s, len, pos + (size_t)w, &w1) : -1;
	before = rune_before(s, pos);
	for (;;) {
		if (run->n == 0) {
			if (m->matched)
				break;
			if (re->anchored && pos != 0)
				break;
			if (re->first_byte >= 0 && w > 0 && (unsigned char)s[pos] != re->first_byte) {
				/* no thread alive: jump to the next place a match can start */
				const char *hit = memchr(s + pos, re->first_byte, len - pos);
				if (!hit)
					break;
				pos = (size_t)(hit - s);
				before = rune_before(s, pos);
				r = rune_at(s, len, pos, &w);
				r1 = r >= 0 ? rune_at(s, len, pos + (size_t)w, &w1) : -1;
			}
		}
		if (!m->matched && (pos == 0 || !re->anchored)) {
			for (k = 0; k < m->ncap2; k++)
				m->tmpcaps[k] = -1;
			vm_add(m, run, re->start, pos, m->tmpcaps, before, r);
		}
		vm_step(m, run, next, pos, pos + (size_t)w, r, r1);
		if (w == 0)
			break;
		if (m->ncap2 == 0 && m->matched)
			break;
		pos += (size_t)w;
		before = r;
		r = r1;
		w = w1;
		if (r >= 0)
			r1 = rune_at(s, len, pos + (size_t)w, &w1);
		else
			r1 = -1, w1 = 0;
		{
			struct queue *tmp = run;
			run = next;
			next = tmp;
		}
	}
	run->n = next->n = 0;
	for (k = 0; k < m->ncap2; k++)
		caps[k] = m->matchcaps[k];
	return m->matched;
}

int arc_re_exec(const struct arc_re *re, const char *s, size_t len, size_t pos, long *caps, int ncap)
{
	struct vm m;
	int rc;
	vm_init(&m, re, ncap);
	rc = vm_run(&m, s, len, pos, caps);
	vm_release(&m);
	return rc;
}

int arc_re_match(const struct arc_re *re, const char *s, size_t len)
{
	return arc_re_exec(re, s, len, 0, NULL, 0);
}

void arc_re_find_all(const struct arc_re *re, const char *s, size_t len, long n, int ncap, arc_re_each_fn fn,
		     void *ctx)
{
	size_t pos = 0;
	long prev_end = -1, count = 0;
	long *caps;
	struct vm m;
	if (ncap < 1)
		ncap = 1;
	if (ncap > re->ngroups + 1)
		ncap = re->ngroups + 1;
	if (n < 0)
		n = (long)len + 1;
	caps = xmalloc((size_t)ncap * 2 * sizeof(long));
	vm_init(&m, re, ncap);
	while (count < n && pos <= len) {
		int accept = 1;
		if (!vm_run(&m, s, len, pos, caps))
			break;
		if ((size_t)caps[1] == pos) {
			int32_t r;
			if (caps[0] == prev_end)
				accept = 0;
			if (pos < len)
				pos += (size_t)arc_utf8_decode(s + pos, len - pos, &r);
			else
				pos = len + 1;
		} else {
			pos = (size_t)caps[1];
		}
		prev_end = caps[1];
		if (accept) {
			count++;
			if (fn(ctx, caps))
				break;
		}
	}
	vm_release(&m);
	free(caps);
}

/* Go's extract(): a group reference after '$' at t; returns bytes used or 0 */
static size_t extract_ref(const char *t, size_t n, const char **name, size_t *nlen, int *num)
{
	size_t i = 0, start;
	int brace = 0;
	if (n < 2 || t[0] != '$')
		return 0;
	if (t[1] == '{') {
		brace = 1;
		start = 2;
	} else {
		start = 1;
	}
	i = start;
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(t + i, n - i, &r);
		if (!arc_uni_is(ARC_UNI_LETTER, r) && !arc_uni_is(ARC_UNI_DIGIT, r) && r != '_')
			break;
		i += (size_t)w;
	}
	if (i == start)
		return 0;
	*name = t + start;
	*nlen = i - start;
	if (brace) {
		if (i >= n || t[i] != '}')
			return 0;
		i++;
	}
	{
		size_t j;
		long v = 0;
		*num = 0;
		for (j = 0; j < *nlen; j++) {
			char ch = (*name)[j];
			if (ch < '0' || ch > '9' || v >= 100000000) {
				v = -1;
				break;
			}
			v = v * 10 + (ch - '0');
		}
		if ((*name)[0] == '0' && *nlen > 1)
			v = -1;
		*num = (int)v;
	}
	return i;
}

static void expand(struct arc_buf *out, const struct arc_re *re, const char *tmpl, size_t tlen,
		   const char *src, const long *caps, int ncap)
{
	size_t i = 0;
	while (i < tlen) {
		const char *d = memchr(tmpl + i, '$', tlen - i);
		const char *name;
		size_t nlen, used;
		int num;
		if (!d)
			break;
		arc_buf_add(out, tmpl + i, (size_t)(d - (tmpl + i)));
		i = (size_t)(d - tmpl);
		if (tlen - i > 1 && tmpl[i + 1] == '$') {
			arc_buf_putc(out, '$');
			i += 2;
			continue;
		}
		used = extract_ref(tmpl + i, tlen - i, &name, &nlen, &num);
		if (!used) {
			arc_buf_putc(out, '$');
			i++;
			continue;
		}
		i += used;
		if (num >= 0) {
			if (num < ncap && caps[2 * num] >= 0)
				arc_buf_add(out, src + caps[2 * num], (size_t)(caps[2 * num + 1] - caps[2 * num]));
		} else {
			int g;
			for (g = 1; g <= re->ngroups && g < ncap; g++) {
				const char *gn = re->names[g - 1];
				if (strlen(gn) == nlen && memcmp(gn, name, nlen) == 0) {
					if (caps[2 * g] >= 0)
						arc_buf_add(out, src + caps[2 * g],
							    (size_t)(caps[2 * g + 1] - caps[2 * g]));
					break;
				}
			}
		}
	}
	arc_buf_add(out, tmpl + i, tlen - i);
}

void arc_re_replace_all(struct arc_buf *out, const struct arc_re *re, const char *s, size_t len,
			const char *repl, size_t rlen, int literal)
{
	size_t last_end = 0, search = 0;
	int ncap = (!literal && memchr(repl, '$', rlen)) ? re->ngroups + 1 : 1;
	long *caps = xmalloc((size_t)ncap * 2 * sizeof(long));
	struct vm m;
	vm_init(&m, re, ncap);
	arc_buf_add(out, "", 0);
	while (search <= len) {
		size_t w = 0;
		if (!vm_run(&m, s, len, search, caps))
			break;
		arc_buf_add(out, s + last_end, (size_t)caps[0] - last_end);
		if ((size_t)caps[1] > last_end || caps[0] == 0) {
			if (literal)
				arc_buf_add(out, repl, rlen);
			else
				expand(out, re, repl, rlen, s, caps, ncap);
		}
		last_end = (size_t)caps[1];
		if (search < len) {
			int32_t r;
			w = (size_t)arc_utf8_decode(s + search, len - search, &r);
		}
		if (search + w > (size_t)caps[1])
			search += w;
		else if (search + 1 > (size_t)caps[1])
			search++;
		else
			search = (size_t)caps[1];
	}
	arc_buf_add(out, s + last_end, len - last_end);
	vm_release(&m);
	free(caps);
}

void arc_re_quote_meta(struct arc_buf *out, const char *s, size_t len)
{
	size_t i;
	arc_buf_add(out, "", 0);
	for (i = 0; i < len; i++) {
		if (strchr("\\.+*?()|[]{}^$", s[i]) && s[i])
			arc_buf_putc(out, '\\');
		arc_buf_putc(out, s[i]);
	}
}
