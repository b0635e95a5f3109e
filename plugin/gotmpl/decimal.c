/* decimal.c - exact decimal arithmetic (see decimal.h), base-10 digit arrays. */
#include "decimal.h"

#include "../base/base.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void arc_dec_init(struct arc_dec *x)
{
	memset(x, 0, sizeof(*x));
}

void arc_dec_release(struct arc_dec *x)
{
	free(x->d);
	arc_dec_init(x);
}

/* drop leading zeros; trailing zeros move into the exponent */
static void normalize(struct arc_dec *x)
{
	size_t lead = 0, trail = 0;
	while (lead < x->n && x->d[lead] == 0)
		lead++;
	if (lead == x->n) {
		x->n = 0;
		x->neg = 0;
		x->exp = 0;
		return;
	}
	while (x->d[x->n - 1 - trail] == 0)
		trail++;
	if (lead)
		memmove(x->d, x->d + lead, x->n - lead);
	x->n -= lead + trail;
	x->exp += (int64_t)trail;
}

void arc_dec_from_double(struct arc_dec *x, double f)
{
	char buf[64];
	double a = fabs(f);
	int p, e;
	char *q;
	size_t n = 0;

	arc_dec_release(x);
	if (a == 0 || !isfinite(a))
		return;
	for (p = 1; p <= 17; p++) {
		snprintf(buf, sizeof(buf), "%.*e", p - 1, a);
		if (strtod(buf, NULL) == a)
			break;
	}
	x->d = xmalloc(32);
	for (q = buf; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			x->d[n++] = (uint8_t)(*q - '0');
	e = atoi(q + 1);
	x->n = n;
	x->exp = (int64_t)e - (int64_t)(n - 1);
	x->neg = f < 0;
	normalize(x);
}

double arc_dec_to_double(const struct arc_dec *x)
{
	struct arc_buf b = ARC_BUF_INIT;
	double r;
	size_t i;
	int64_t mag;

	if (x->n == 0)
		return 0;
	mag = x->exp + (int64_t)x->n; /* value < 10^mag */
	if (mag > 400)
		return x->neg ? -INFINITY : INFINITY;
	if (mag < -400)
		return x->neg ? -0.0 : 0.0;
	arc_buf_grow(&b, x->n + 32);
	if (x->neg)
		arc_buf_putc(&b, '-');
	for (i = 0; i < x->n; i++)
		arc_buf_putc(&b, (char)('0' + x->d[i]));
	arc_buf_printf(&b, "e%lld", (long long)x->exp);
	r = strtod(arc_buf_cstr(&b), NULL);
	arc_buf_release(&b);
	return r;
}

/* ---- magnitudes: little-endian digit vectors ---- */
struct mag {
	uint8_t *d;
	size_t n;
};

/* x's digits scaled by 10^shift, little-endian */
static int to_mag(struct mag *m, const struct arc_dec *x, int64_t shift)
{
	size_t i;
	if (shift < 0 || (uint64_t)shift + x->n > ARC_DEC_MAX_DIGITS)
		return ARC_E_RANGE;
	m->n = x->n + (size_t)shift;
	m->d = xcalloc(m->n + 1, 1);
	for (i = 0; i < x->n; i++)
		m->d[(size_t)shift + i] = x->d[x->n - 1 - i];
	return 0;
}

static void mag_trim(struct mag *m)
{
	while (m->n && m->d[m->n - 1] == 0)
		m->n--;
}

static int mag_cmp(const struct mag *a, const struct mag *b)
{
	size_t i;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (i = a->n; i-- > 0;)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

static void from_mag(struct arc_dec *out, struct mag *m, int64_t exp, int neg)
{
	size_t i;
	mag_trim(m);
	arc_dec_release(out);
	out->d = xmalloc(m->n + 1);
	for (i = 0; i < m->n; i++)
		out->d[i] = m->d[m->n - 1 - i];
	out->n = m->n;
	out->exp = exp;
	out->neg = neg;
	free(m->d);
	m->d = NULL;
	normalize(out);
}

/* a + b or a - b (sub) on signed decimals */
static int addsub(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b, int sub)
{
	struct mag ma, mb, r;
	int64_t e;
	int bneg = b->neg ^ (sub && b->n), rc, c;
	size_t i, n;

	if (b->n == 0 || a->n == 0) {
		const struct arc_dec *src = a->n ? a : b;
		int neg = a->n ? a->neg : bneg;
		arc_dec_release(out);
		if (src->n == 0)
			return 0;
		out->d = xmalloc(src->n);
		memcpy(out->d, src->d, src->n);
		out->n = src->n;
		out->exp = src->exp;
		out->neg = neg;
		return 0;
	}
	e = a->exp < b->exp ? a->exp : b->exp;
	if ((rc = to_mag(&ma, a, a->exp - e)) < 0)
		return rc;
	if ((rc = to_mag(&mb, b, b->exp - e)) < 0) {
		free(ma.d);
		return rc;
	}
	n = (ma.n > mb.n ? ma.n : mb.n) + 1;
	r.d = xcalloc(n, 1);
	r.n = n;
	if (a->neg == bneg) {
		int carry = 0;
		for (i = 0; i < n; i++) {
			int s = carry + (i < ma.n ? ma.d[i] : 0) + (i < mb.n ? mb.d[i] : 0);
			r.d[i] = (uint8_t)(s % 10);
			carry = s / 10;
		}
		from_mag(out, &r, e, a->neg);
	} else {
		struct mag *big = &ma, *small = &mb;
		int neg = a->neg, borrow = 0;
		c = mag_cmp(&ma, &mb);
		if (c < 0) {
			big = &mb;
			small = &ma;
			neg = bneg;
		}
		for (i = 0; i < n; i++) {
			int s = (i < big->n ? big->d[i] : 0) - borrow - (i < small->n ? small->d[i] : 0);
			borrow = s < 0;
			r.d[i] = (uint8_t)(s + (borrow ? 10 : 0));
		}
		from_mag(out, &r, e, c == 0 ? 0 : neg);
	}
	free(ma.d);
	free(mb.d);
	return 0;
}

int arc_dec_add(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b)
{
	return addsub(out, a, b, 0);
}

int arc_dec_sub(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b)
{
	return addsub(out, a, b, 1);
}

int arc_dec_mul(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b)
{
	struct mag r;
	uint32_t *acc;
	size_t i, j;

	if (a->n == 0 || b->n == 0) {
		arc_dec_release(out);
		return 0;
	}
	if (a->n + b->n > ARC_DEC_MAX_DIGITS)
		return ARC_E_RANGE;
	acc = xcalloc(a->n + b->n + 1, sizeof(*acc));
	for (i = 0; i < a->n; i++) {
		uint32_t da = a->d[a->n - 1 - i], carry = 0;
		for (j = 0; j < b->n; j++) {
			uint32_t t = acc[i + j] + da * b->d[b->n - 1 - j] + carry;
			acc[i + j] = t % 10;
			carry = t / 10;
		}
		for (j = i + b->n; carry; j++) {
			uint32_t t = acc[j] + carry;
			acc[j] = t % 10;
			carry = t / 10;
		}
	}
	r.n = a->n + b->n + 1;
	r.d = xmalloc(r.n);
	for (i = 0; i < r.n; i++)
		r.d[i] = (uint8_t)acc[i];
	free(acc);
	from_mag(out, &r, a->exp + b->exp, a->neg != b->neg);
	return 0;
}

/* r = r*10 + digit; returns nothing; r has room for one more digit */
static void mag_shift_in(struct mag *r, uint8_t digit)
{
	memmove(r->d + 1, r->d, r->n);
	r->d[0] = digit;
	r->n++;
	mag_trim(r);
}

/* r -= b, r >= b */
static void mag_sub_in(struct mag *r, const struct mag *b)
{
	size_t i;
	int borrow = 0;
	for (i = 0; i < r->n; i++) {
		int s = r->d[i] - borrow - (i < b->n ? b->d[i] : 0);
		borrow = s < 0;
		r->d[i] = (uint8_t)(s + (borrow ? 10 : 0));
	}
	mag_trim(r);
}

int arc_dec_div(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b)
{
	struct mag num, den, rem, q, twice;
	int64_t k;
	size_t i;
	int rc, up;

	if (b->n == 0)
		return arc_error_set("decimal division by 0");
	if (a->n == 0) {
		arc_dec_release(out);
		return 0;
	}
	/* N = |a| / |b| * 10^16 as an integer: a*10^k / b with k = ea - eb + 16 */
	k = a->exp - b->exp + ARC_DEC_DIVISION_PLACES;
	{
		struct arc_dec ua = *a, ub = *b;
		ua.exp = 0;
		ub.exp = 0;
		if ((rc = to_mag(&num, &ua, k > 0 ? k : 0)) < 0)
			return rc;
		if ((rc = to_mag(&den, &ub, k < 0 ? -k : 0)) < 0) {
			free(num.d);
			return rc;
		}
	}
	mag_trim(&num);
	mag_trim(&den);
	rem.d = xcalloc(den.n + 2, 1);
	rem.n = 0;
	q.d = xcalloc(num.n + 2, 1);
	q.n = num.n + 1;
	for (i = num.n; i-- > 0;) {
		uint8_t digit = 0;
		mag_shift_in(&rem, num.d[i]);
		while (mag_cmp(&rem, &den) >= 0) {
			mag_sub_in(&rem, &den);
			digit++;
		}
		q.d[i] = digit;
	}
	/* round half away from zero: 2*rem >= den */
	twice.d = xcalloc(rem.n + 2, 1);
	twice.n = rem.n + 1;
	{
		int carry = 0;
		for (i = 0; i < twice.n; i++) {
			int s = (i < rem.n ? rem.d[i] : 0) * 2 + carry;
			twice.d[i] = (uint8_t)(s % 10);
			carry = s / 10;
		}
		mag_trim(&twice);
	}
	up = mag_cmp(&twice, &den) >= 0;
	if (up) {
		for (i = 0; i < q.n; i++) {
			if (q.d[i] < 9) {
				q.d[i]++;
				break;
			}
			q.d[i] = 0;
		}
	}
	free(num.d);
	free(den.d);
	free(rem.d);
	free(twice.d);
	from_mag(out, &q, -ARC_DEC_DIVISION_PLACES, a->neg != b->neg);
	return 0;
}
