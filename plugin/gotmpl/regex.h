/*
 * regex.h - Go's regexp package in C: RE2 syntax, leftmost-first matching,
 * linear time (a Pike VM: no backtracking, no exponential blow-up), UTF-8
 * aware, with Go's exact parse error texts, plus the Unicode character
 * facts (categories, scripts, case mapping) that Go's unicode package has.
 *
 * Syntax (as Go's regexp/syntax with the Perl flags):
 *   literals, escapes \a \f \t \n \r \v \0 \123 \x7F \x{10FFFF} \Q…\E,
 *   . [..] [^..] [[:alpha:]] [[:^alpha:]] \d \D \s \S \w \W,
 *   \pL \p{Greek} \P{Lu} \p{^N} with every category, script and category
 *   alias Go knows (Unicode 15.0.0) plus Any, Assigned and ASCII,
 *   * + ? {n} {n,} {n,m} (each also lazy with a trailing ?; counts <= 1000),
 *   | ( ) (?:…) (?P<name>…) (?<name>…), flags (?imsU) (?-i) (?i:…),
 *   anchors ^ $ \A \z \b \B.
 *
 * Ownership: arc_re_compile gives the caller a compiled expression to free
 * with arc_re_free.  A compiled expression is read-only and may be used by
 * several matches at once.  Capture positions are byte offsets into the
 * subject (-1 for a group that did not take part in the match).
 */
#ifndef ARC_GOTMPL_REGEX_H
#define ARC_GOTMPL_REGEX_H

#include <stddef.h>
#include <stdint.h>

#include "../base/base.h"

struct arc_re;

/* Compile `pat`.  On failure returns ARC_E_PARSE with Go's error text set,
 * e.g. "error parsing regexp: missing closing ): `(a`". */
int arc_re_compile(struct arc_re **out, const char *pat, size_t len);
void arc_re_free(struct arc_re *re);

/* Number of capture groups (not counting the whole match). */
int arc_re_ngroups(const struct arc_re *re);
/* Name of group i (1-based), "" when unnamed. */
const char *arc_re_group_name(const struct arc_re *re, int i);

/* Leftmost-first match in s[0..len) starting the search at byte `pos`
 * (the text before pos still counts for ^, \b and friends).  `caps` has
 * room for 2*ncap offsets (ncap may be 0 when only "is there a match"
 * matters; ncap 1 = the whole match; ncap = ngroups+1 = every group).
 * Returns 1 on a match, 0 when none. */
int arc_re_exec(const struct arc_re *re, const char *s, size_t len, size_t pos, long *caps, int ncap);

/* Go's (*Regexp).MatchString. */
int arc_re_match(const struct arc_re *re, const char *s, size_t len);

/* Go's FindAll iteration (FindAllStringSubmatchIndex): at most n matches
 * (n < 0: all), empty matches right after a previous match skipped.  Calls
 * fn for each with 2*ncap offsets; fn returning non-zero stops early. */
typedef int (*arc_re_each_fn)(void *ctx, const long *caps);
void arc_re_find_all(const struct arc_re *re, const char *s, size_t len, long n, int ncap,
		     arc_re_each_fn fn, void *ctx);

/* Go's ReplaceAllString (literal == 0: $1 ${name} expansion) and
 * ReplaceAllLiteralString (literal != 0), appended to out. */
void arc_re_replace_all(struct arc_buf *out, const struct arc_re *re, const char *s, size_t len,
			const char *repl, size_t rlen, int literal);

/* Go's regexp.QuoteMeta, appended to out. */
void arc_re_quote_meta(struct arc_buf *out, const char *s, size_t len);

/* ---- UTF-8 and Unicode, as Go's unicode/utf8 and unicode packages ---- */
#define ARC_RUNE_ERROR 0xFFFD
#define ARC_MAX_RUNE 0x10FFFF
/* Decode one rune from s[0..len) (len > 0): invalid or short input gives
 * ARC_RUNE_ERROR with width 1, as utf8.DecodeRuneInString. Returns the width. */
int arc_utf8_decode(const char *s, size_t len, int32_t *r);
/* Append r as UTF-8 (invalid runes as U+FFFD), as utf8.AppendRune. */
void arc_utf8_put(struct arc_buf *b, int32_t r);

enum arc_uni_prop {
	ARC_UNI_UPPER,  /* unicode.IsUpper (Lu) */
	ARC_UNI_LOWER,  /* unicode.IsLower (Ll) */
	ARC_UNI_TITLE,  /* unicode.IsTitle (Lt) */
	ARC_UNI_LETTER, /* unicode.IsLetter (L) */
	ARC_UNI_DIGIT,  /* unicode.IsDigit (Nd) */
	ARC_UNI_NUMBER, /* unicode.IsNumber (N) */
	ARC_UNI_PUNCT,  /* unicode.IsPunct (P) */
	ARC_UNI_SPACE   /* unicode.IsSpace */
};
int arc_uni_is(enum arc_uni_prop p, int32_t r);
/* unicode.ToUpper / ToLower / ToTitle / SimpleFold */
int32_t arc_uni_upper(int32_t r);
int32_t arc_uni_lower(int32_t r);
int32_t arc_uni_title(int32_t r);
int32_t arc_uni_simple_fold(int32_t r);

#endif
