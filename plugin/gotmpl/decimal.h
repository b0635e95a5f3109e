/*
 * decimal.h - exact decimal arithmetic for Sprig's addf/subf/mulf/divf,
 * which go through shopspring/decimal: each float64 operand becomes the
 * shortest decimal that reads back as that float, the operations are exact
 * (division rounds half away from zero to 16 places) and the result is read
 * back as the nearest float64.
 *
 * Ownership: an arc_dec owns its digit array; arc_dec_release() frees it.
 */
#ifndef ARC_GOTMPL_DECIMAL_H
#define ARC_GOTMPL_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* value = (neg ? -1 : 1) * digits * 10^exp; digits most significant first,
 * no leading zeros; zero has n == 0 */
struct arc_dec {
	int neg;
	int64_t exp;
	size_t n;
	uint8_t *d;
};

#define ARC_DEC_DIVISION_PLACES 16
#define ARC_DEC_MAX_DIGITS 200000 /* operations past this fail with ARC_E_RANGE */

void arc_dec_init(struct arc_dec *x);
void arc_dec_release(struct arc_dec *x);
/* The shortest decimal that parses back to f; f must be finite. */
void arc_dec_from_double(struct arc_dec *x, double f);
/* The float64 nearest to x (±Inf when too large). */
double arc_dec_to_double(const struct arc_dec *x);
/* *out = a op b; out may alias neither operand.  Return 0, ARC_E_RANGE when the
 * result would exceed ARC_DEC_MAX_DIGITS, ARC_E_FAIL for division by zero. */
int arc_dec_add(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b);
int arc_dec_sub(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b);
int arc_dec_mul(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b);
int arc_dec_div(struct arc_dec *out, const struct arc_dec *a, const struct arc_dec *b);

#endif
