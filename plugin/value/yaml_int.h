/*
 * yaml_int.h - helpers shared by yaml_in.c and yaml_out.c (not a public API).
 *
 * Both halves of the YAML codec need Go's float formatting and Go's view of
 * UTF-8, because Helm's YAML path runs through encoding/json and yaml.v2.
 */
#ifndef ARC_VALUE_YAML_INT_H
#define ARC_VALUE_YAML_INT_H

#include <stddef.h>
#include <stdint.h>

#include "../base/base.h"

/* strconv.FormatFloat(f, 'g', -1, bits) for bits 32 or 64 ("+Inf", "NaN" …). */
void arc_yaml_gofloat(struct arc_buf *b, double f, int bits);

/* strconv's shortest round-trip digits of a (a > 0, finite), as Go's
 * FormatFloat(a, _, -1, 64) finds them: d gets nd (<= 17) digits without
 * trailing zeros and a NUL; a = 0.d × 10^dp (fmt.c). */
void arc_float_shortest(double a, char *d, int *nd, int *dp);

/* Decode one rune the way Go's utf8.DecodeRune does: returns the rune and
 * sets *size; an invalid or truncated sequence gives 0xFFFD with *size 1. */
uint32_t arc_yaml_rune(const unsigned char *s, size_t len, size_t *size);

/* Append s to b with every invalid UTF-8 byte replaced by U+FFFD, as Go's
 * encoding/json does when it marshals a string. */
void arc_yaml_utf8_fix(struct arc_buf *b, const char *s, size_t len);

#endif
