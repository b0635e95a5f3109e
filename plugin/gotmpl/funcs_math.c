/* funcs_math.c - Sprig's math group: integer arithmetic through spf13/cast's
 * ToInt64 (floats truncate, strings ParseInt base 0), float arithmetic through
 * exact decimals (shopspring/decimal), until/seq ranges and conversions. */
#include "funcs.h"
#include "decimal.h"
#include "../value/codec.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RANGE_LEN ((int)ARC_TPL_MAX_ITEMS) /* until/untilStep/seq refuse longer ranges */

static arc_value *int64_val(int64_t i)
{
	return arc_v_int_typed(i, ARC_GO_INT64);
}

/* Go's wrapping int64 arithmetic, without C's undefined behaviour */
static int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wrap_sub(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a - (uint64_t)b);
}

static int64_t wrap_mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static int fn_add(struct arc_tpl_call *c, arc_value **out)
{
	int64_t a = 0;
	int i;
	for (i = 0; i < c->nargs; i++)
		a = wrap_add(a, arc_cast_int64(c->args[i]));
	*out = int64_val(a);
	return 0;
}

static int fn_add1(struct arc_tpl_call *c, arc_value **out)
{
	*out = int64_val(wrap_add(arc_cast_int64(c->args[0]), 1));
	return 0;
}

static int fn_sub(struct arc_tpl_call *c, arc_value **out)
{
	*out = int64_val(wrap_sub(arc_cast_int64(c->args[0]), arc_cast_int64(c->args[1])));
	return 0;
}

static int fn_mul(struct arc_tpl_call *c, arc_value **out)
{
	int64_t a = arc_cast_int64(c->args[0]);
	int i;
	for (i = 1; i < c->nargs; i++)
		a = wrap_mul(a, arc_cast_int64(c->args[i]));
	*out = int64_val(a);
	return 0;
}

static int divmod(struct arc_tpl_call *c, arc_value **out, int mod)
{
	int64_t a = arc_cast_int64(c->args[0]), b = arc_cast_int64(c->args[1]);
	if (b == 0)
		return arc_error_code(ARC_E_CALL, "runtime error: integer divide by zero");
	if (b == -1) /* Go: MinInt64 / -1 wraps to MinInt64, % -1 is 0 */
		*out = int64_val(mod ? 0 : wrap_sub(0, a));
	else
		*out = int64_val(mod ? a % b : a / b);
	return 0;
}

static int fn_div(struct arc_tpl_call *c, arc_value **out)
{
	return divmod(c, out, 0);
}

static int fn_mod(struct arc_tpl_call *c, arc_value **out)
{
	return divmod(c, out, 1);
}

static int fn_max(struct arc_tpl_call *c, arc_value **out)
{
	int64_t a = arc_cast_int64(c->args[0]);
	int i;
	for (i = 1; i < c->nargs; i++) {
		int64_t b = arc_cast_int64(c->args[i]);
		if (b > a)
			a = b;
	}
	*out = int64_val(a);
	return 0;
}

static int fn_min(struct arc_tpl_call *c, arc_value **out)
{
	int64_t a = arc_cast_int64(c->args[0]);
	int i;
	for (i = 1; i < c->nargs; i++) {
		int64_t b = arc_cast_int64(c->args[i]);
		if (b < a)
			a = b;
	}
	*out = int64_val(a);
	return 0;
}

/* Go's math.Max / math.Min: NaN wins, +0 beats -0 for Max, -0 for Min */
static double go_max(double a, double b)
{
	if (isinf(a) && a > 0)
		return a;
	if (isinf(b) && b > 0)
		return b;
	if (isnan(a) || isnan(b))
		return NAN;
	if (a == 0 && a == b)
		return signbit(a) ? b : a;
	return a > b ? a : b;
}

static double go_min(double a, double b)
{
	if (isinf(a) && a < 0)
		return a;
	if (isinf(b) && b < 0)
		return b;
	if (isnan(a) || isnan(b))
		return NAN;
	if (a == 0 && a == b)
		return signbit(a) ? a : b;
	return a < b ? a : b;
}

static int fn_maxf(struct arc_tpl_call *c, arc_value **out)
{
	double a = arc_cast_float64(c->args[0]);
	int i;
	for (i = 1; i < c->nargs; i++)
		a = go_max(a, arc_cast_float64(c->args[i]));
	*out = arc_v_float(a);
	return 0;
}

static int fn_minf(struct arc_tpl_call *c, arc_value **out)
{
	double a = arc_cast_float64(c->args[0]);
	int i;
	for (i = 1; i < c->nargs; i++)
		a = go_min(a, arc_cast_float64(c->args[i]));
	*out = arc_v_float(a);
	return 0;
}

static int fn_ceil(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_float(ceil(arc_cast_float64(c->args[0])));
	return 0;
}

static int fn_floor(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_float(floor(arc_cast_float64(c->args[0])));
	return 0;
}

/* Go's math.Pow(10, y) for an integral y: repeated squaring of the
 * normalized mantissa, then Ldexp (not libm's pow, which rounds differently) */
static double go_pow10(int64_t y)
{
	double a1 = 1, x1;
	int64_t ae = 0, xe;
	int e;
	uint64_t i;

	if (y == 0)
		return 1;
	if (y == 1)
		return 10;
	x1 = frexp(10.0, &e);
	xe = e;
	for (i = y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y; i != 0; i >>= 1) {
		if (xe < -(1 << 12) || (1 << 12) < xe) {
			ae += xe;
			break;
		}
		if (i & 1) {
			a1 *= x1;
			ae += xe;
		}
		x1 *= x1;
		xe <<= 1;
		if (x1 < .5) {
			x1 += x1;
			xe--;
		}
	}
	if (y < 0) {
		a1 = 1 / a1;
		ae = -ae;
	}
	if (ae > 100000)
		ae = 100000;
	if (ae < -100000)
		ae = -100000;
	return ldexp(a1, (int)ae);
}

static int fn_round(struct arc_tpl_call *c, arc_value **out)
{
	double round_on = .5, val, pow, digit, ip, frac, r;
	int64_t places;
	int rc;

	if ((rc = arc_tpl_arg_int(c, 1, &places)) < 0)
		return rc;
	if (c->nargs > 2 && (rc = arc_tpl_arg_float(c, 2, &round_on)) < 0)
		return rc;
	/* the remaining variadic float64 arguments are type-checked but unused */
	for (int i = 3; i < c->nargs; i++) {
		double unused;
		if ((rc = arc_tpl_arg_float(c, i, &unused)) < 0)
			return rc;
	}
	val = arc_cast_float64(c->args[0]);
	pow = go_pow10(places);
	digit = pow * val;
	frac = modf(digit, &ip);
	if (isinf(digit))
		frac = 0; /* Go's Modf(±Inf) = (±Inf, NaN); NaN >= x is false → Floor */
	if (frac >= round_on && !isinf(digit))
		r = ceil(digit);
	else
		r = floor(digit);
	*out = arc_v_float(r / pow);
	return 0;
}

/* ---- ranges ---- */

static arc_value *int_list(void)
{
	arc_value *l = arc_v_list();
	l->gotype = ARC_GO_INTS;
	return l;
}

/* Sprig's untilStep; appends to l (an []int) */
static int until_step(arc_value *l, int64_t start, int64_t stop, int64_t step)
{
	int64_t i;
	size_t n = 0;
	if (stop < start) {
		if (step >= 0)
			return 0;
		for (i = start; i > stop; i = wrap_add(i, step)) {
			if (++n > MAX_RANGE_LEN)
				return arc_error_code(ARC_E_CALL, "range of more than %d integers", MAX_RANGE_LEN);
			arc_v_list_push(l, arc_v_int(i));
			if (wrap_add(i, step) > i) /* wrapped around */
				break;
		}
		return 0;
	}
	if (step <= 0)
		return 0;
	for (i = start; i < stop; i = wrap_add(i, step)) {
		if (++n > MAX_RANGE_LEN)
			return arc_error_code(ARC_E_CALL, "range of more than %d integers", MAX_RANGE_LEN);
		arc_v_list_push(l, arc_v_int(i));
		if (wrap_add(i, step) < i)
			break;
	}
	return 0;
}

static int fn_until(struct arc_tpl_call *c, arc_value **out)
{
	int64_t count;
	arc_value *l;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &count)) < 0)
		return rc;
	l = int_list();
	if ((rc = until_step(l, 0, count, count < 0 ? -1 : 1)) < 0) {
		arc_v_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}

static int fn_until_step(struct arc_tpl_call *c, arc_value **out)
{
	int64_t a[3];
	arc_value *l;
	int rc, i;
	for (i = 0; i < 3; i++)
		if ((rc = arc_tpl_arg_int(c, i, &a[i])) < 0)
			return rc;
	l = int_list();
	if ((rc = until_step(l, a[0], a[1], a[2])) < 0) {
		arc_v_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}

static int fn_seq(struct arc_tpl_call *c, arc_value **out)
{
	int64_t p[3] = { 0, 0, 0 }, start = 0, end = 0, step = 1, inc = 1;
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *l;
	size_t i;
	int rc, k;

	for (k = 0; k < c->nargs; k++) {
		int64_t v;
		if ((rc = arc_tpl_arg_int(c, k, &v)) < 0)
			return rc;
		if (k < 3)
			p[k] = v;
	}
	switch (c->nargs) {
	case 1:
		start = 1;
		end = p[0];
		if (end < start)
			inc = -1;
		step = inc;
		break;
	case 2:
		start = p[0];
		end = p[1];
		if (end < start)
			inc = -1;
		step = inc;
		break;
	case 3:
		start = p[0];
		step = p[1];
		end = p[2];
		if (end < start) {
			inc = -1;
			if (step > 0) {
				*out = arc_v_str("");
				return 0;
			}
		}
		break;
	default:
		*out = arc_v_str("");
		return 0;
	}
	l = int_list();
	if ((rc = until_step(l, start, wrap_add(end, inc), step)) < 0) {
		arc_v_unref(l);
		return rc;
	}
	for (i = 0; i < arc_v_list_len(l); i++)
		arc_buf_printf(&b, "%s%lld", i ? " " : "", (long long)arc_v_list_at(l, i)->u.i);
	arc_v_unref(l);
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- conversions ---- */

static int fn_atoi(struct arc_tpl_call *c, arc_value **out)
{
	const char *s, *p;
	size_t len;
	uint64_t acc = 0;
	int neg = 0, rc, over = 0;

	if ((rc = arc_tpl_arg_str(c, 0, &s, &len)) < 0)
		return rc;
	/* strconv.Atoi: optional sign, decimal digits only; out of range clamps */
	p = s;
	if (len && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	if (p == s + len) {
		*out = arc_v_int(0);
		return 0;
	}
	for (; p < s + len; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (*p < '0' || *p > '9') {
			*out = arc_v_int(0);
			return 0;
		}
		if (acc > (UINT64_MAX - d) / 10) { /* ParseUint stops at the overflow */
			over = 1;
			break;
		}
		acc = acc * 10 + d;
	}
	if (!neg && (over || acc > INT64_MAX))
		*out = arc_v_int(INT64_MAX);
	else if (neg && (over || acc > (uint64_t)INT64_MAX + 1))
		*out = arc_v_int(INT64_MIN);
	else
		*out = arc_v_int(neg ? (int64_t)(0 - acc) : (int64_t)acc);
	return 0;
}

static int fn_int(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_int(arc_cast_int64(c->args[0]));
	return 0;
}

static int fn_int64(struct arc_tpl_call *c, arc_value **out)
{
	*out = int64_val(arc_cast_int64(c->args[0]));
	return 0;
}

static int fn_float64(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_float(arc_cast_float64(c->args[0]));
	return 0;
}

/* strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 on any error */
static int fn_to_decimal(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	const char *s, *p;
	uint64_t acc = 0;
	int neg = 0, ok = 1;

	arc_fmt_v(&b, c->args[0]);
	s = arc_buf_cstr(&b);
	p = s;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (!*p)
		ok = 0;
	for (; *p && ok; p++) {
		if (*p < '0' || *p > '7' || acc > (UINT64_MAX >> 3))
			ok = 0;
		else
			acc = acc * 8 + (uint64_t)(*p - '0');
	}
	if (ok && ((!neg && acc > INT64_MAX) || (neg && acc > (uint64_t)INT64_MAX + 1)))
		ok = 0;
	if ((size_t)(p - s) != b.len)
		ok = 0;
	arc_buf_release(&b);
	*out = int64_val(ok ? (neg ? (int64_t)(0 - acc) : (int64_t)acc) : 0);
	return 0;
}

/* ---- random ---- */

static uint64_t rng_next(void)
{
	static uint64_t state;
	uint64_t z;
	if (!state) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		state = ((uint64_t)ts.tv_sec * 1000000007u) ^ (uint64_t)ts.tv_nsec ^ (uint64_t)(uintptr_t)&ts;
		if (!state)
			state = 1;
	}
	z = (state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int fn_rand_int(struct arc_tpl_call *c, arc_value **out)
{
	int64_t lo, hi, n;
	uint64_t limit, r;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &lo)) < 0 || (rc = arc_tpl_arg_int(c, 1, &hi)) < 0)
		return rc;
	n = wrap_sub(hi, lo);
	if (n <= 0)
		return arc_error_code(ARC_E_CALL, "invalid argument to Intn");
	limit = UINT64_MAX - UINT64_MAX % (uint64_t)n;
	do
		r = rng_next();
	while (r >= limit);
	*out = arc_v_int(wrap_add((int64_t)(r % (uint64_t)n), lo));
	return 0;
}

/* ---- decimal float arithmetic ---- */

enum dec_op { DEC_ADD, DEC_SUB, DEC_MUL, DEC_DIV };

static int to_dec(struct arc_dec *d, arc_value *v)
{
	double f = arc_cast_float64(v);
	if (isnan(f))
		return arc_error_code(ARC_E_CALL, "Cannot create a Decimal from NaN");
	if (isinf(f))
		return arc_error_code(ARC_E_CALL, "Cannot create a Decimal from %sInf", f > 0 ? "+" : "-");
	arc_dec_from_double(d, f);
	return 0;
}

/* Sprig's execDecimalOp: acc = first; acc = acc op each of rest */
static int dec_fold(arc_value *first, arc_value **rest, int nrest, enum dec_op op, arc_value **out)
{
	struct arc_dec acc, x, r;
	int i, rc = 0;

	arc_dec_init(&acc);
	arc_dec_init(&x);
	arc_dec_init(&r);
	if (first)
		rc = to_dec(&acc, first);
	for (i = 0; rc == 0 && i < nrest; i++) {
		if ((rc = to_dec(&x, rest[i])) < 0)
			break;
		switch (op) {
		case DEC_ADD:
			rc = arc_dec_add(&r, &acc, &x);
			break;
		case DEC_SUB:
			rc = arc_dec_sub(&r, &acc, &x);
			break;
		case DEC_MUL:
			rc = arc_dec_mul(&r, &acc, &x);
			break;
		case DEC_DIV:
			rc = arc_dec_div(&r, &acc, &x);
			break;
		}
		if (rc == ARC_E_RANGE)
			rc = arc_error_code(ARC_E_CALL, "decimal result of more than %d digits",
					    ARC_DEC_MAX_DIGITS);
		else if (rc < 0)
			rc = arc_error_code(ARC_E_CALL, "%s", arc_error_last());
		if (rc == 0) {
			struct arc_dec t = acc;
			acc = r;
			r = t;
		}
	}
	if (rc == 0)
		*out = arc_v_float(arc_dec_to_double(&acc));
	arc_dec_release(&acc);
	arc_dec_release(&x);
	arc_dec_release(&r);
	return rc;
}

static int fn_addf(struct arc_tpl_call *c, arc_value **out)
{
	return dec_fold(NULL, c->args, c->nargs, DEC_ADD, out);
}

static int fn_add1f(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *one = arc_v_int(1);
	int rc = dec_fold(c->args[0], &one, 1, DEC_ADD, out);
	arc_v_unref(one);
	return rc;
}

static int fn_subf(struct arc_tpl_call *c, arc_value **out)
{
	return dec_fold(c->args[0], c->args + 1, c->nargs - 1, DEC_SUB, out);
}

static int fn_mulf(struct arc_tpl_call *c, arc_value **out)
{
	return dec_fold(c->args[0], c->args + 1, c->nargs - 1, DEC_MUL, out);
}

static int fn_divf(struct arc_tpl_call *c, arc_value **out)
{
	return dec_fold(c->args[0], c->args + 1, c->nargs - 1, DEC_DIV, out);
}

const struct arc_tpl_func arc_tpl_funcs_math[] = {
	{ "add", fn_add, 0, -1 },
	{ "add1", fn_add1, 1, 1 },
	{ "add1f", fn_add1f, 1, 1 },
	{ "addf", fn_addf, 0, -1 },
	{ "atoi", fn_atoi, 1, 1 },
	{ "biggest", fn_max, 1, -1 },
	{ "ceil", fn_ceil, 1, 1 },
	{ "div", fn_div, 2, 2 },
	{ "divf", fn_divf, 1, -1 },
	{ "float64", fn_float64, 1, 1 },
	{ "floor", fn_floor, 1, 1 },
	{ "int", fn_int, 1, 1 },
	{ "int64", fn_int64, 1, 1 },
	{ "max", fn_max, 1, -1 },
	{ "maxf", fn_maxf, 1, -1 },
	{ "min", fn_min, 1, -1 },
	{ "minf", fn_minf, 1, -1 },
	{ "mod", fn_mod, 2, 2 },
	{ "mul", fn_mul, 1, -1 },
	{ "mulf", fn_mulf, 1, -1 },
	{ "randInt", fn_rand_int, 2, 2 },
	{ "round", fn_round, 2, -1 },
	{ "seq", fn_seq, 0, -1 },
	{ "sub", fn_sub, 2, 2 },
	{ "subf", fn_subf, 1, -1 },
	{ "toDecimal", fn_to_decimal, 1, 1 },
	{ "until", fn_until, 1, 1 },
	{ "untilStep", fn_until_step, 3, 3 },
	{ NULL, NULL, 0, 0 },
};
