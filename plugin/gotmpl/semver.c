/* semver.c - Masterminds/semver v3.4.0 versions and constraints (see semver.h) */
#include "semver.h"

#include "../base/base.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CONSTRAINT_LEN 65536

void arc_semver_release(struct arc_semver *v)
{
	free(v->pre);
	free(v->meta);
	free(v->original);
	memset(v, 0, sizeof(*v));
}

void arc_semver_copy(struct arc_semver *dst, const struct arc_semver *src)
{
	*dst = *src;
	dst->pre = xstrdup(src->pre ? src->pre : "");
	dst->meta = xstrdup(src->meta ? src->meta : "");
	dst->original = xstrdup(src->original ? src->original : "");
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* Go regexp \s */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* length of `ID(\.ID)*` at s (ID = [0-9A-Za-z-]+), 0 if none; greedy as RE2 */
static size_t idents_len(const char *s, const char *end)
{
	const char *p = s, *ok = s;
	for (;;) {
		const char *q = p;
		while (q < end && is_ident(*q))
			q++;
		if (q == p)
			break;
		ok = q;
		if (q < end && *q == '.')
			p = q + 1;
		else
			break;
	}
	return (size_t)(ok - s);
}

/* strconv.ParseUint(s, 10, 64) of a digit run */
static int parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return arc_error_set("error parsing version segment: strconv.ParseUint: parsing \"%.*s\": "
					     "value out of range", (int)n, s);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int arc_semver_check_prerelease(const char *p)
{
	const char *s = p;
	for (;;) {
		const char *e = strchr(s, '.');
		size_t n = e ? (size_t)(e - s) : strlen(s), i;
		int numeric = 1, allowed = 1;
		if (n == 0)
			return arc_error_set("invalid prerelease string");
		for (i = 0; i < n; i++) {
			if (!is_digit(s[i]))
				numeric = 0;
			if (!is_ident(s[i]))
				allowed = 0;
		}
		if (numeric) {
			if (n > 1 && s[0] == '0')
				return arc_error_set("version segment starts with 0");
		} else if (!allowed) {
			return arc_error_set("invalid prerelease string");
		}
		if (!e)
			return 0;
		s = e + 1;
	}
}

int arc_semver_check_metadata(const char *m)
{
	const char *s = m;
	for (;;) {
		const char *e = strchr(s, '.');
		size_t n = e ? (size_t)(e - s) : strlen(s), i;
		if (n == 0)
			return arc_error_set("invalid metadata string");
		for (i = 0; i < n; i++)
			if (!is_ident(s[i]))
				return arc_error_set("invalid metadata string");
		if (!e)
			return 0;
		s = e + 1;
	}
}

/* coerceNewVersion: ^v?(\d+)(\.\d+)?(\.\d+)?(-IDS)?(\+IDS)?$ */
int arc_semver_parse(struct arc_semver *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *num[3] = { NULL, NULL, NULL };
	size_t nlen[3] = { 0, 0, 0 }, k;
	const char *pre = NULL, *meta = NULL;
	size_t prelen = 0, metalen = 0;
	uint64_t parts[3] = { 0, 0, 0 };
	int i, rc;

	memset(out, 0, sizeof(*out));
	if (memchr(s, '\0', len))
		return arc_error_set("invalid semantic version");
	if (p < end && *p == 'v')
		p++;
	for (i = 0; i < 3; i++) {
		const char *q;
		if (i > 0) {
			if (p + 1 < end && *p == '.' && is_digit(p[1]))
				p++;
			else
				break;
		}
		q = p;
		while (q < end && is_digit(*q))
			q++;
		if (q == p)
			return arc_error_set("invalid semantic version");
		num[i] = p;
		nlen[i] = (size_t)(q - p);
		p = q;
	}
	if (p < end && *p == '-') {
		k = idents_len(p + 1, end);
		if (k == 0)
			return arc_error_set("invalid semantic version");
		pre = p + 1;
		prelen = k;
		p += 1 + k;
	}
	if (p < end && *p == '+') {
		k = idents_len(p + 1, end);
		if (k == 0)
			return arc_error_set("invalid semantic version");
		meta = p + 1;
		metalen = k;
		p += 1 + k;
	}
	if (p != end)
		return arc_error_set("invalid semantic version");
	for (i = 0; i < 3; i++)
		if (num[i] && (rc = parse_u64(num[i], nlen[i], &parts[i])) < 0)
			return rc;
	out->pre = pre ? xstrndup(pre, prelen) : xstrdup("");
	out->meta = meta ? xstrndup(meta, metalen) : xstrdup("");
	if (out->pre[0] && (rc = arc_semver_check_prerelease(out->pre)) < 0) {
		arc_semver_release(out);
		return rc;
	}
	out->major = parts[0];
	out->minor = parts[1];
	out->patch = parts[2];
	out->original = xstrndup(s, len);
	return 0;
}

char *arc_semver_string(const struct arc_semver *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_printf(&b, "%llu.%llu.%llu", (unsigned long long)v->major, (unsigned long long)v->minor,
		       (unsigned long long)v->patch);
	if (v->pre && v->pre[0])
		arc_buf_printf(&b, "-%s", v->pre);
	if (v->meta && v->meta[0])
		arc_buf_printf(&b, "+%s", v->meta);
	return arc_buf_detach(&b, NULL);
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* comparePrePart: numbers (that fit uint64) sort before strings */
static int compare_pre_part(const char *s, size_t sn, const char *o, size_t on)
{
	uint64_t si = 0, oi = 0;
	int snum, onum;
	if (sn == on && memcmp(s, o, sn) == 0)
		return 0;
	if (sn == 0)
		return -1;
	if (on == 0)
		return 1;
	snum = all_digits(s, sn) && parse_u64(s, sn, &si) == 0;
	onum = all_digits(o, on) && parse_u64(o, on, &oi) == 0;
	arc_error_clear();
	if (!snum && !onum) {
		size_t n = sn < on ? sn : on;
		int c = memcmp(s, o, n);
		if (c == 0)
			c = sn < on ? -1 : 1;
		return c > 0 ? 1 : -1;
	}
	if (!onum)
		return -1;
	if (!snum)
		return 1;
	return si > oi ? 1 : -1;
}

static int compare_prerelease(const char *a, const char *b)
{
	for (;;) {
		const char *ea = a ? strchr(a, '.') : NULL, *eb = b ? strchr(b, '.') : NULL;
		size_t na = a ? (ea ? (size_t)(ea - a) : strlen(a)) : 0;
		size_t nb = b ? (eb ? (size_t)(eb - b) : strlen(b)) : 0;
		int d;
		if (!a && !b)
			return 0;
		d = compare_pre_part(a ? a : "", na, b ? b : "", nb);
		if (d)
			return d;
		a = ea ? ea + 1 : NULL;
		b = eb ? eb + 1 : NULL;
	}
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int arc_semver_compare(const struct arc_semver *a, const struct arc_semver *b)
{
	int d;
	if ((d = cmp_u64(a->major, b->major)) || (d = cmp_u64(a->minor, b->minor)) ||
	    (d = cmp_u64(a->patch, b->patch)))
		return d;
	if (!a->pre[0] && !b->pre[0])
		return 0;
	if (!a->pre[0])
		return 1;
	if (!b->pre[0])
		return -1;
	return compare_prerelease(a->pre, b->pre);
}

/* ---- constraints ---- */

enum op { OP_EQ, OP_NE, OP_GT, OP_LT, OP_GE, OP_LE, OP_TILDE, OP_CARET };

struct constraint {
	enum op op;
	struct arc_semver con;
	int dirty, minor_dirty, patch_dirty;
};

/* the operator alternation: the longest operator a version can follow */
static size_t scan_op(const char *p, const char *end, enum op *op)
{
	static const struct {
		const char *s;
		enum op op;
	} ops[] = {
		{ "!=", OP_NE }, { ">=", OP_GE }, { "=>", OP_GE }, { "<=", OP_LE }, { "=<", OP_LE },
		{ "~>", OP_TILDE }, { "=", OP_EQ }, { ">", OP_GT }, { "<", OP_LT }, { "~", OP_TILDE },
		{ "^", OP_CARET },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(ops); i++) {
		size_t n = strlen(ops[i].s);
		if ((size_t)(end - p) >= n && memcmp(p, ops[i].s, n) == 0) {
			*op = ops[i].op;
			return n;
		}
	}
	*op = OP_EQ;
	return 0;
}

static int is_xchar(char c)
{
	return is_digit(c) || c == '|' || c == 'x' || c == 'X' || c == '*';
}

/* the constraint version pattern: v?X+(\.X+)?(\.X+)?(-IDS)?(\+IDS)?
 * Returns its length (0 = no match) and the spans of its parts. */
struct cv {
	const char *major, *minor, *patch, *pre; /* minor/patch include the dot; pre the dash */
	size_t nmajor, nminor, npatch, npre;
};

static size_t scan_cv(const char *s, const char *end, struct cv *cv)
{
	const char *p = s, *q;
	size_t k;
	memset(cv, 0, sizeof(*cv));
	if (p < end && *p == 'v')
		p++;
	q = p;
	while (q < end && is_xchar(*q))
		q++;
	if (q == p)
		return 0;
	cv->major = p;
	cv->nmajor = (size_t)(q - p);
	p = q;
	if (p + 1 < end && *p == '.' && is_xchar(p[1])) {
		q = p + 1;
		while (q < end && is_xchar(*q))
			q++;
		cv->minor = p;
		cv->nminor = (size_t)(q - p);
		p = q;
		if (p + 1 < end && *p == '.' && is_xchar(p[1])) {
			q = p + 1;
			while (q < end && is_xchar(*q))
				q++;
			cv->patch = p;
			cv->npatch = (size_t)(q - p);
			p = q;
		}
	}
	if (p < end && *p == '-' && (k = idents_len(p + 1, end)) > 0) {
		cv->pre = p;
		cv->npre = k + 1;
		p += k + 1;
	}
	if (p < end && *p == '+' && (k = idents_len(p + 1, end)) > 0)
		p += k + 1;
	return (size_t)(p - s);
}

static int is_x(const char *s, size_t n)
{
	return n == 1 && (*s == 'x' || *s == 'X' || *s == '*');
}

static int parse_constraint(struct constraint *c, enum op op, const char *v, size_t vlen, const struct cv *cv)
{
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	c->op = op;
	if (is_x(cv->major, cv->nmajor)) {
		arc_buf_puts(&b, "0.0.0");
		c->dirty = 1;
	} else if (!cv->minor || is_x(cv->minor + 1, cv->nminor - 1)) {
		arc_buf_add(&b, cv->major, cv->nmajor);
		arc_buf_puts(&b, ".0.0");
		c->dirty = c->minor_dirty = 1;
	} else if (!cv->patch || is_x(cv->patch + 1, cv->npatch - 1)) {
		arc_buf_add(&b, cv->major, cv->nmajor);
		arc_buf_add(&b, cv->minor, cv->nminor);
		arc_buf_puts(&b, ".0");
		c->dirty = c->patch_dirty = 1;
	} else {
		arc_buf_add(&b, v, vlen);
	}
	if (c->dirty && cv->pre)
		arc_buf_add(&b, cv->pre, cv->npre);
	rc = arc_semver_parse(&c->con, arc_buf_cstr(&b), b.len);
	arc_buf_release(&b);
	if (rc < 0)
		return arc_error_set("constraint parser error");
	return 0;
}

static int check_tilde(const struct arc_semver *v, const struct constraint *c)
{
	const struct arc_semver *k = &c->con;
	if (arc_semver_compare(v, k) < 0)
		return 0;
	if (k->major == 0 && k->minor == 0 && k->patch == 0 && !c->minor_dirty && !c->patch_dirty)
		return 1;
	if (v->major != k->major)
		return 0;
	if (v->minor != k->minor && !c->minor_dirty)
		return 0;
	return 1;
}

static int check(const struct arc_semver *v, const struct constraint *c, int include_pre)
{
	const struct arc_semver *k = &c->con;
	if (v->pre[0] && !include_pre)
		return 0;
	switch (c->op) {
	case OP_EQ:
		if (c->dirty)
			return check_tilde(v, c);
		return arc_semver_compare(v, k) == 0;
	case OP_NE:
		if (c->dirty) {
			if (k->major != v->major)
				return 1;
			if (k->minor != v->minor && !c->minor_dirty)
				return 1;
			else if (c->minor_dirty)
				return 0;
			else if (k->patch != v->patch && !c->patch_dirty)
				return 1;
			else if (c->patch_dirty) {
				if (v->pre[0] || k->pre[0])
					return compare_prerelease(v->pre, k->pre) != 0;
				return 0;
			}
		}
		return arc_semver_compare(v, k) != 0;
	case OP_GT:
		if (!c->dirty)
			return arc_semver_compare(v, k) == 1;
		if (v->major > k->major)
			return 1;
		if (v->major < k->major)
			return 0;
		if (c->minor_dirty)
			return 0;
		if (c->patch_dirty)
			return v->minor > k->minor;
		return arc_semver_compare(v, k) == 1;
	case OP_LT:
		return arc_semver_compare(v, k) < 0;
	case OP_GE:
		return arc_semver_compare(v, k) >= 0;
	case OP_LE:
		if (!c->dirty)
			return arc_semver_compare(v, k) <= 0;
		if (v->major > k->major)
			return 0;
		if (v->major == k->major && v->minor > k->minor && !c->minor_dirty)
			return 0;
		return 1;
	case OP_TILDE:
		return check_tilde(v, c);
	case OP_CARET:
		if (arc_semver_compare(v, k) < 0)
			return 0;
		if (k->major > 0 || c->minor_dirty)
			return v->major == k->major;
		if (k->major == 0 && v->major > 0)
			return 0;
		if (k->minor > 0 || c->patch_dirty)
			return v->minor == k->minor;
		if (k->minor == 0 && v->minor > 0)
			return 0;
		return k->patch == v->patch;
	}
	return 0;
}

/* rewriteRange: every "CV - CV" (with surrounding whitespace) becomes
 * ">= CV, <= CV " (first occurrence of the matched text each time) */
static char *rewrite_range(const char *s, size_t len)
{
	struct arc_buf out = ARC_BUF_INIT;
	struct {
		size_t start, end;
		size_t a, alen, b, blen;
	} m[256];
	size_t nm = 0, pos = 0, i;
	char *cur;

	/* find all non-overlapping matches of \s*(CV)\s+-\s+(CV)\s* leftmost first */
	while (pos <= len && nm < ARC_ARRAY_LEN(m)) {
		size_t st, p, a, alen, b, blen, q;
		struct cv cv;
		int found = 0;
		for (st = pos; st < len && !found; st++) {
			p = st;
			while (p < len && is_space(s[p]))
				p++;
			a = p;
			alen = scan_cv(s + p, s + len, &cv);
			if (!alen)
				continue;
			q = a + alen;
			if (q >= len || !is_space(s[q]))
				continue;
			while (q < len && is_space(s[q]))
				q++;
			if (q >= len || s[q] != '-')
				continue;
			q++;
			if (q >= len || !is_space(s[q]))
				continue;
			while (q < len && is_space(s[q]))
				q++;
			b = q;
			blen = scan_cv(s + q, s + len, &cv);
			if (!blen)
				continue;
			q = b + blen;
			while (q < len && is_space(s[q]))
				q++;
			m[nm].start = st;
			m[nm].end = q;
			m[nm].a = a;
			m[nm].alen = alen;
			m[nm].b = b;
			m[nm].blen = blen;
			nm++;
			found = 1;
			pos = q > st ? q : st + 1;
		}
		if (!found)
			break;
	}
	cur = xstrndup(s, len);
	for (i = 0; i < nm; i++) {
		char *hit, *pat = xstrndup(s + m[i].start, m[i].end - m[i].start);
		size_t clen = strlen(cur);
		hit = strstr(cur, pat);
		if (hit) {
			arc_buf_reset(&out);
			arc_buf_add(&out, cur, (size_t)(hit - cur));
			arc_buf_puts(&out, ">= ");
			arc_buf_add(&out, s + m[i].a, m[i].alen);
			arc_buf_puts(&out, ", <= ");
			arc_buf_add(&out, s + m[i].b, m[i].blen);
			arc_buf_puts(&out, " ");
			arc_buf_add(&out, hit + strlen(pat), clen - (size_t)(hit - cur) - strlen(pat));
			free(cur);
			cur = arc_buf_detach(&out, NULL);
		}
		free(pat);
	}
	arc_buf_release(&out);
	return cur;
}

struct elem {
	enum op op;
	const char *v; /* the CV text */
	size_t vlen;
	struct cv cv;
};

/* validConstraintRegex and findConstraintRegex in one pass: the segment must
 * be OP? ws* CV, then repeatedly (ws+ | ws* "," ws*) OP? ws* CV, ws* at the ends */
static int split_and(const char *s, size_t len, struct elem **out, size_t *n)
{
	size_t p = 0, cap = 0;
	struct elem *e = NULL;
	*n = 0;
	while (p < len && is_space(s[p]))
		p++;
	for (;;) {
		struct elem x;
		size_t k;
		p += scan_op(s + p, s + len, &x.op);
		while (p < len && is_space(s[p]))
			p++;
		k = scan_cv(s + p, s + len, &x.cv);
		if (!k)
			goto bad;
		x.v = s + p;
		x.vlen = k;
		p += k;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			e = xrealloc(e, cap * sizeof(*e));
		}
		e[(*n)++] = x;
		k = p;
		while (p < len && is_space(s[p]))
			p++;
		if (p == len)
			break;
		if (s[p] == ',') {
			p++;
			while (p < len && is_space(s[p]))
				p++;
		} else if (p == k) {
			goto bad;
		}
	}
	*out = e;
	return 0;
bad:
	free(e);
	*out = NULL;
	return -1;
}

int arc_semver_satisfies(const char *constraint, size_t len, const struct arc_semver *v, int *ok)
{
	char *c;
	const char *seg;
	int rc = 0, any = 0;

	*ok = 0;
	if (len > MAX_CONSTRAINT_LEN)
		return arc_error_set("improper constraint: constraint of more than %d bytes", MAX_CONSTRAINT_LEN);
	c = rewrite_range(constraint, len);
	/* every "||" group must be valid before any is checked */
	for (int pass = 0; pass < 2 && rc == 0; pass++) {
		seg = c;
		for (;;) {
			const char *bar = strstr(seg, "||");
			size_t slen = bar ? (size_t)(bar - seg) : strlen(seg), n = 0, i;
			struct elem *e = NULL;
			struct constraint *cs;
			int has_pre = 0, all = 1;

			if (split_and(seg, slen, &e, &n) < 0) {
				rc = arc_error_set("improper constraint: %.*s", (int)slen, seg);
				break;
			}
			cs = xcalloc(n, sizeof(*cs));
			for (i = 0; i < n && rc == 0; i++) {
				rc = parse_constraint(&cs[i], e[i].op, e[i].v, e[i].vlen, &e[i].cv);
				if (rc == 0 && cs[i].con.pre[0])
					has_pre = 1;
			}
			if (rc == 0 && pass == 1 && !any) {
				for (i = 0; i < n && all; i++)
					all = check(v, &cs[i], has_pre);
				if (all)
					any = 1;
			}
			for (i = 0; i < n; i++)
				arc_semver_release(&cs[i].con);
			free(cs);
			free(e);
			if (rc < 0 || !bar)
				break;
			seg = bar + 2;
		}
	}
	free(c);
	if (rc == 0)
		*ok = any;
	return rc;
}
