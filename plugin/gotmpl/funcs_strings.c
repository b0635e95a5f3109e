/*
 * funcs_strings.c - Sprig v3.3.0's string functions, with the Go behaviour
 * of the functions Sprig wraps: strings.* (rune-aware, invalid UTF-8 bytes
 * read as U+FFFD), Masterminds/goutils (abbrev, wrap, initials, nospace,
 * swapcase, untitle, the rand* family) and huandu/xstrings v1.5.0
 * (snakecase, kebabcase, camelcase = ToPascalCase, shuffle).
 *
 * Parameter types follow the Go signatures, so `trunc .Values.n "x"` with a
 * float64 from values.yaml fails exactly as in Helm (arc_tpl_arg_*).  Byte
 * versus rune semantics follow Go: trunc, substr, abbrev, wrap, initials and
 * nospace work on bytes; upper, lower, title, swapcase and the case
 * converters on runes.  Go panics (substr out of range, negative repeat)
 * become the "error calling NAME: …" texts Go's template package gives.
 */
#include "funcs.h"
#include "regex.h"
#include "../value/codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the largest string these functions build (size budgets, func.h) */
#define MAX_OUT ARC_TPL_MAX_VALUE

/* a result that would pass the budget, refused before it is built */
static int too_large(void)
{
	return arc_tpl_err_too_large();
}

/* the result of a function that built it in a bounded buffer (func.h) */
static int ret_buf(arc_value **out, struct arc_buf *b)
{
	if (b->over) {
		arc_buf_release(b);
		return arc_tpl_err_too_large();
	}
	*out = arc_v_str_buf(b);
	return 0;
}

static arc_value *new_str(const char *s, size_t n)
{
	return arc_v_strn(s, n);
}

/* ---- rune helpers ---- */

static int is_space(int32_t r)
{
	return arc_uni_is(ARC_UNI_SPACE, r);
}

/* decode the rune ending at s[len-1] (utf8.DecodeLastRuneInString) */
static int decode_last(const char *s, size_t len, int32_t *r)
{
	size_t start, lim;
	int w;
	if ((unsigned char)s[len - 1] < 0x80) {
		*r = (unsigned char)s[len - 1];
		return 1;
	}
	lim = len >= 4 ? len - 4 : 0;
	start = len - 1;
	while (start > lim && ((unsigned char)s[start] & 0xC0) == 0x80)
		start--;
	w = arc_utf8_decode(s + start, len - start, r);
	if (start + (size_t)w != len) {
		*r = ARC_RUNE_ERROR;
		return 1;
	}
	return w;
}

/* strings.Map(f, s) for the case mappers: every rune mapped, invalid bytes as U+FFFD */
static arc_value *map_runes(const char *s, size_t n, int32_t (*f)(int32_t))
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t i = 0;
	arc_buf_add(&b, "", 0);
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		arc_utf8_put(&b, f(r));
		i += (size_t)w;
	}
	return arc_v_str_buf(&b);
}

/* ---- abbrev, abbrevboth (goutils AbbreviateFull) ---- */

static void abbreviate(struct arc_buf *b, const char *s, size_t n, int64_t offset, int64_t width)
{
	int64_t len = (int64_t)n;
	if (n == 0)
		return;
	if (offset < -1)
		offset = -1; /* every negative offset behaves alike; avoids overflow below */
	if (width < 4)
		return; /* goutils returns an error; Sprig shows "" */
	if (len <= width) {
		arc_buf_add(b, s, n);
		return;
	}
	if (offset > len)
		offset = len;
	if (len - offset < width - 3)
		offset = len - (width - 3);
	if (offset <= 4) {
		arc_buf_add(b, s, (size_t)(width - 3));
		arc_buf_puts(b, "...");
		return;
	}
	if (width < 7)
		return;
	if (offset + width - 3 < len) {
		arc_buf_puts(b, "...");
		abbreviate(b, s + offset, (size_t)(len - offset), 0, width - 3);
		return;
	}
	arc_buf_puts(b, "...");
	arc_buf_add(b, s + (len - (width - 3)), (size_t)(width - 3));
}

static int fn_abbrev(struct arc_tpl_call *c, arc_value **out)
{
	int64_t w;
	const char *s;
	size_t n;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &w)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if (w < 4) {
		*out = new_str(s, n);
		return 0;
	}
	arc_buf_add(&b, "", 0);
	abbreviate(&b, s, n, 0, w);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_abbrevboth(struct arc_tpl_call *c, arc_value **out)
{
	int64_t l, r;
	const char *s;
	size_t n;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &l)) < 0 || (rc = arc_tpl_arg_int(c, 1, &r)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &s, &n)) < 0)
		return rc;
	if (r < 4 || (l > 0 && r < 7)) {
		*out = new_str(s, n);
		return 0;
	}
	arc_buf_add(&b, "", 0);
	abbreviate(&b, s, n, l, r);
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- trunc, substr ---- */

static int fn_trunc(struct arc_tpl_call *c, arc_value **out)
{
	int64_t k, len;
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &k)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	len = (int64_t)n;
	if (k < 0 && len + k > 0)
		*out = new_str(s + (len + k), (size_t)(-k));
	else if (k >= 0 && len > k)
		*out = new_str(s, (size_t)k);
	else
		*out = new_str(s, n);
	return 0;
}

static int slice_err(const char *fmt, int64_t a, int64_t b)
{
	char msg[128];
	snprintf(msg, sizeof(msg), fmt, (long long)a, (long long)b);
	return arc_error_code(ARC_E_CALL, "runtime error: slice bounds out of range %s", msg);
}

static int fn_substr(struct arc_tpl_call *c, arc_value **out)
{
	int64_t start, end, len;
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &start)) < 0 || (rc = arc_tpl_arg_int(c, 1, &end)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &s, &n)) < 0)
		return rc;
	len = (int64_t)n;
	if (start < 0) {
		if (end < 0)
			return slice_err("[:%lld]", end, 0);
		if (end > len)
			return slice_err("[:%lld] with length %lld", end, len);
		*out = new_str(s, (size_t)end);
		return 0;
	}
	if (end < 0 || end > len) {
		if (start > len)
			return slice_err("[%lld:%lld]", start, len);
		*out = new_str(s + start, (size_t)(len - start));
		return 0;
	}
	if (start > end)
		return slice_err("[%lld:%lld]", start, end);
	*out = new_str(s + start, (size_t)(end - start));
	return 0;
}

/* ---- trim family ---- */

static int fn_trim(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		if (!is_space(r))
			break;
		i += (size_t)w;
	}
	while (n > i) {
		int32_t r;
		int w = decode_last(s, n, &r);
		if (!is_space(r))
			break;
		n -= (size_t)w;
	}
	*out = new_str(s + i, n - i);
	return 0;
}

static int in_cutset(const char *cut, size_t cn, int32_t r)
{
	size_t i = 0;
	while (i < cn) {
		int32_t x;
		int w = arc_utf8_decode(cut + i, cn - i, &x);
		if (x == r)
			return 1;
		i += (size_t)w;
	}
	return 0;
}

/* trimAll CUTSET S = strings.Trim(S, CUTSET) */
static int fn_trimall(struct arc_tpl_call *c, arc_value **out)
{
	const char *cut, *s;
	size_t cn, n, i = 0;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &cut, &cn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if (n == 0 || cn == 0) {
		*out = new_str(s, n);
		return 0;
	}
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		if (!in_cutset(cut, cn, r))
			break;
		i += (size_t)w;
	}
	while (n > i) {
		int32_t r;
		int w = decode_last(s, n, &r);
		if (!in_cutset(cut, cn, r))
			break;
		n -= (size_t)w;
	}
	*out = new_str(s + i, n - i);
	return 0;
}

static int fn_trimsuffix(struct arc_tpl_call *c, arc_value **out)
{
	const char *suf, *s;
	size_t sn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &suf, &sn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if (sn <= n && memcmp(s + n - sn, suf, sn) == 0)
		n -= sn;
	*out = new_str(s, n);
	return 0;
}

static int fn_trimprefix(struct arc_tpl_call *c, arc_value **out)
{
	const char *pre, *s;
	size_t pn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &pre, &pn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if (pn <= n && memcmp(s, pre, pn) == 0) {
		s += pn;
		n -= pn;
	}
	*out = new_str(s, n);
	return 0;
}

/* ---- case ---- */

static int fn_upper(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	*out = map_runes(s, n, arc_uni_upper);
	return 0;
}

static int fn_lower(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	*out = map_runes(s, n, arc_uni_lower);
	return 0;
}

/* strings.Title's word separator test */
static int title_sep(int32_t r)
{
	if (r <= 0x7F) {
		if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_')
			return 0;
		return 1;
	}
	if (arc_uni_is(ARC_UNI_LETTER, r) || arc_uni_is(ARC_UNI_DIGIT, r))
		return 0;
	return is_space(r);
}

static int fn_title(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0;
	int32_t prev = ' ';
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		arc_utf8_put(&b, title_sep(prev) ? arc_uni_title(r) : r);
		prev = r;
		i += (size_t)w;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_untitle(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0;
	int next = 1;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		if (is_space(r)) {
			next = 1;
		} else if (next) {
			r = arc_uni_lower(r);
			next = 0;
		}
		arc_utf8_put(&b, r);
		i += (size_t)w;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

/* goutils SwapCase */
static int fn_swapcase(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0;
	int ws = 1;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		if (arc_uni_is(ARC_UNI_UPPER, r) || arc_uni_is(ARC_UNI_TITLE, r)) {
			r = arc_uni_lower(r);
			ws = 0;
		} else if (arc_uni_is(ARC_UNI_LOWER, r)) {
			r = ws ? arc_uni_title(r) : arc_uni_upper(r);
			ws = 0;
		} else {
			ws = is_space(r);
		}
		arc_utf8_put(&b, r);
		i += (size_t)w;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- repeat, nospace, initials ---- */

static int repeat_into(struct arc_buf *b, const char *s, size_t n, int64_t count)
{
	int64_t k;
	if (count < 0)
		return arc_error_code(ARC_E_CALL, "strings: negative Repeat count");
	if (n > 0 && (uint64_t)count > (uint64_t)INT64_MAX / n)
		return arc_error_code(ARC_E_CALL, "strings: Repeat output length overflow");
	if ((uint64_t)count * n > MAX_OUT)
		return too_large();
	for (k = 0; k < count; k++)
		arc_buf_add(b, s, n);
	return 0;
}

static int fn_repeat(struct arc_tpl_call *c, arc_value **out)
{
	int64_t k;
	const char *s;
	size_t n;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &k)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	if ((rc = repeat_into(&b, s, n, k)) < 0) {
		arc_buf_release(&b);
		return rc;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

/* goutils DeleteWhiteSpace: works on bytes, each kept byte written as the rune of its value */
static int fn_nospace(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i, kept = 0;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		int32_t r = (unsigned char)s[i];
		if (!is_space(r)) {
			arc_utf8_put(&b, r);
			kept++;
		}
	}
	if (kept == n) {
		arc_buf_release(&b);
		*out = new_str(s, n);
		return 0;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

/* goutils Initials: bytes again */
static int fn_initials(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i;
	int gap = 1;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		int32_t r = (unsigned char)s[i];
		if (is_space(r)) {
			gap = 1;
		} else if (gap) {
			arc_utf8_put(&b, r);
			gap = 0;
		}
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- random strings (goutils CryptoRandom*) ---- */


/* uniform random index below n (n <= 256) by rejection */
static unsigned rand_below(unsigned n, unsigned char *pool, size_t *avail)
{
	unsigned lim = 256 - 256 % n;
	for (;;) {
		unsigned v;
		if (*avail == 0) {
			arc_random_bytes(pool, 256);
			*avail = 256;
		}
		v = pool[--*avail];
		if (v < lim)
			return v % n;
	}
}

static int rand_string(struct arc_tpl_call *c, arc_value **out, const char *set)
{
	int64_t count, k;
	struct arc_buf b = ARC_BUF_INIT;
	unsigned char pool[256];
	size_t avail = 0, setlen = strlen(set);
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &count)) < 0)
		return rc;
	if (count > 0 && (uint64_t)count > MAX_OUT)
		return too_large();
	arc_buf_add(&b, "", 0);
	for (k = 0; k < count; k++)
		arc_buf_putc(&b, set[rand_below((unsigned)setlen, pool, &avail)]);
	*out = arc_v_str_buf(&b);
	return 0;
}

#define SET_UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define SET_LOWER "abcdefghijklmnopqrstuvwxyz"
#define SET_DIGIT "0123456789"

static int fn_randalphanum(struct arc_tpl_call *c, arc_value **out)
{
	return rand_string(c, out, SET_DIGIT SET_UPPER SET_LOWER);
}

static int fn_randalpha(struct arc_tpl_call *c, arc_value **out)
{
	return rand_string(c, out, SET_UPPER SET_LOWER);
}

static int fn_randnumeric(struct arc_tpl_call *c, arc_value **out)
{
	return rand_string(c, out, SET_DIGIT);
}

static int fn_randascii(struct arc_tpl_call *c, arc_value **out)
{
	return rand_string(c, out,
			   " !\"#$%&'()*+,-./" SET_DIGIT ":;<=>?@" SET_UPPER "[\\]^_`" SET_LOWER "{|}~");
}

/* xstrings Shuffle: a Fisher-Yates shuffle of the runes */
static int fn_shuffle(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0, nr = 0, k;
	int32_t *runes;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	runes = xmalloc((n ? n : 1) * sizeof(*runes));
	while (i < n) {
		int w = arc_utf8_decode(s + i, n - i, &runes[nr++]);
		i += (size_t)w;
	}
	for (k = nr; k > 1; k--) {
		uint64_t rnd, j;
		int32_t t;
		arc_random_bytes((unsigned char *)&rnd, sizeof(rnd));
		j = rnd % k; /* bias below 2^-40 for any string that fits in memory */
		t = runes[k - 1];
		runes[k - 1] = runes[j];
		runes[j] = t;
	}
	arc_buf_add(&b, "", 0);
	for (k = 0; k < nr; k++)
		arc_utf8_put(&b, runes[k]);
	free(runes);
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- xstrings case conversion ---- */

static int x_connector(int32_t r)
{
	return r == '-' || r == '_' || is_space(r);
}

/* xstrings isAlphabet: letters except the CJK ideograph blocks */
static int x_alphabet(int32_t r)
{
	if (!arc_uni_is(ARC_UNI_LETTER, r))
		return 0;
	if (r < 0x3400)
		return 1;
	if (r >= 0x4E00 && r <= 0x9FCC)
		return 0;
	if (r >= 0x3400 && r <= 0x4D85)
		return 0;
	if (r >= 0x20000 && r <= 0x2B81D)
		return 0;
	return 1;
}

enum { W_INVALID, W_NUMBER, W_UPPER, W_ALPHA, W_CONNECTOR, W_PUNCT, W_OTHER };

/* the next valid rune of s[0..n): invalid ones (and U+FFFD) are skipped and
 * counted in *size; with none left, prev and the whole length */
static int32_t x_next_valid(const char *s, size_t n, int32_t prev, size_t *size)
{
	size_t i = 0;
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		i += (size_t)w;
		if (r != ARC_RUNE_ERROR) {
			*size = i;
			return r;
		}
	}
	*size = i;
	return prev;
}

/* xstrings nextWord: the type and byte length of the first word of s */
static int x_next_word(const char *s, size_t n, size_t *wlen)
{
	size_t off, size;
	int32_t r;
	int wt;
	if (n == 0) {
		*wlen = 0;
		return W_INVALID;
	}
	r = x_next_valid(s, n, ARC_RUNE_ERROR, &size);
	off = size;
	if (r == ARC_RUNE_ERROR) {
		*wlen = off;
		return W_INVALID;
	}
#define X_EXTEND(stop)                                                  \
	while (off < n) {                                               \
		r = x_next_valid(s + off, n - off, r, &size);           \
		if (stop)                                               \
			break;                                          \
		off += size;                                            \
	}
	if (x_connector(r)) {
		wt = W_CONNECTOR;
		X_EXTEND(!x_connector(r));
	} else if (arc_uni_is(ARC_UNI_PUNCT, r)) {
		wt = W_PUNCT;
		X_EXTEND(!arc_uni_is(ARC_UNI_PUNCT, r));
	} else if (arc_uni_is(ARC_UNI_UPPER, r)) {
		wt = W_UPPER;
		if (off < n) {
			r = x_next_valid(s + off, n - off, r, &size);
			if (arc_uni_is(ARC_UNI_UPPER, r)) {
				size_t prev_size = size;
				off += size;
				while (off < n) {
					r = x_next_valid(s + off, n - off, r, &size);
					if (!arc_uni_is(ARC_UNI_UPPER, r))
						break;
					prev_size = size;
					off += size;
				}
				if (off < n && x_alphabet(r))
					off -= prev_size;
			} else if (x_alphabet(r)) {
				off += size;
				X_EXTEND(!x_alphabet(r) || arc_uni_is(ARC_UNI_UPPER, r));
			}
		}
	} else if (x_alphabet(r)) {
		wt = W_ALPHA;
		X_EXTEND(!x_alphabet(r) || arc_uni_is(ARC_UNI_UPPER, r));
	} else if (arc_uni_is(ARC_UNI_NUMBER, r)) {
		wt = W_NUMBER;
		X_EXTEND(!arc_uni_is(ARC_UNI_NUMBER, r));
	} else {
		wt = W_OTHER;
		X_EXTEND(size == 0 || x_connector(r) || x_alphabet(r) || arc_uni_is(ARC_UNI_NUMBER, r) ||
			 arc_uni_is(ARC_UNI_PUNCT, r));
	}
#undef X_EXTEND
	*wlen = off;
	return wt;
}

/* xstrings toLower: upper-case and connector words are lowered rune by rune */
static void x_lower(struct arc_buf *b, int wt, const char *w, size_t n, char conn)
{
	size_t i = 0;
	if (wt != W_UPPER && wt != W_CONNECTOR) {
		arc_buf_add(b, w, n);
		return;
	}
	while (i < n) {
		int32_t r;
		int k = arc_utf8_decode(w + i, n - i, &r);
		i += (size_t)k;
		if (x_connector(r))
			arc_buf_putc(b, conn);
		else if (arc_uni_is(ARC_UNI_UPPER, r))
			arc_utf8_put(b, arc_uni_lower(r));
		else
			arc_utf8_put(b, r);
	}
}

struct xword {
	const char *s; /* the rest of the input */
	size_t n;
	int wt;
	const char *w;
	size_t wn;
};

static void x_advance(struct xword *x)
{
	size_t wl;
	x->wt = x_next_word(x->s, x->n, &wl);
	x->w = x->s;
	x->wn = wl;
	x->s += wl;
	x->n -= wl;
}

/* xstrings camelCaseToLowerCase: snake_case / kebab-case */
static arc_value *to_lower_case(const char *s, size_t n, char conn)
{
	struct arc_buf b = ARC_BUF_INIT;
	struct xword x;
	arc_buf_add(&b, "", 0);
	if (n == 0)
		return arc_v_str_buf(&b);
	x.s = s;
	x.n = n;
	x_advance(&x);
	while (x.n > 0) {
		int prev = x.wt;
		const char *last = x.w;
		size_t lastn = x.wn;
		if (x.wt != W_CONNECTOR)
			x_lower(&b, x.wt, x.w, x.wn, conn);
		x_advance(&x);
		switch (prev) {
		case W_NUMBER:
			while (x.wt == W_ALPHA || x.wt == W_NUMBER) {
				x_lower(&b, x.wt, x.w, x.wn, conn);
				x_advance(&x);
			}
			if (x.wt != W_INVALID && x.wt != W_PUNCT && x.wt != W_CONNECTOR)
				arc_buf_putc(&b, conn);
			break;
		case W_CONNECTOR:
			x_lower(&b, prev, last, lastn, conn);
			break;
		case W_PUNCT:
			break;
		default:
			if (x.wt != W_NUMBER) {
				if (x.wt != W_CONNECTOR && x.wt != W_PUNCT)
					arc_buf_putc(&b, conn);
				break;
			}
			if (x.n == 0)
				break;
			last = x.w;
			lastn = x.wn;
			x_advance(&x);
			if (x.wt != W_ALPHA) {
				x_lower(&b, W_NUMBER, last, lastn, conn);
				if (x.wt != W_CONNECTOR && x.wt != W_PUNCT)
					arc_buf_putc(&b, conn);
				break;
			}
			arc_buf_putc(&b, conn);
			x_lower(&b, W_NUMBER, last, lastn, conn);
			while (x.wt == W_ALPHA || x.wt == W_NUMBER) {
				x_lower(&b, x.wt, x.w, x.wn, conn);
				x_advance(&x);
			}
			if (x.wt != W_INVALID && x.wt != W_CONNECTOR && x.wt != W_PUNCT)
				arc_buf_putc(&b, conn);
			break;
		}
	}
	x_lower(&b, x.wt, x.w, x.wn, conn);
	return arc_v_str_buf(&b);
}

static int fn_snakecase(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	*out = to_lower_case(s, n, '_');
	return 0;
}

static int fn_kebabcase(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	*out = to_lower_case(s, n, '-');
	return 0;
}

/* xstrings ToPascalCase (Sprig's camelcase) */
static int fn_camelcase(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i = 0;
	int first_upper = 0, w = 0;
	int32_t r0 = 0, r1;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	if (n == 0) {
		*out = arc_v_str_buf(&b);
		return 0;
	}
	while (i < n) {
		w = arc_utf8_decode(s + i, n - i, &r0);
		i += (size_t)w;
		if (!x_connector(r0)) {
			first_upper = arc_uni_is(ARC_UNI_UPPER, r0);
			r0 = arc_uni_upper(r0);
			break;
		}
		arc_utf8_put(&b, r0);
	}
	if (i >= n) {
		if (w != 0)
			arc_utf8_put(&b, r0);
		*out = arc_v_str_buf(&b);
		return 0;
	}
	while (i < n) {
		r1 = r0;
		w = arc_utf8_decode(s + i, n - i, &r0);
		i += (size_t)w;
		if (x_connector(r0) && x_connector(r1)) {
			arc_utf8_put(&b, r1);
			continue;
		}
		if (x_connector(r1)) {
			first_upper = arc_uni_is(ARC_UNI_UPPER, r0);
			r0 = arc_uni_upper(r0);
		} else {
			if (first_upper) {
				if (arc_uni_is(ARC_UNI_UPPER, r0))
					r0 = arc_uni_lower(r0);
				else
					first_upper = 0;
			}
			arc_utf8_put(&b, r1);
		}
	}
	arc_utf8_put(&b, r0);
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- wrap (goutils WrapCustom) ---- */

static arc_value *wrap_custom(const char *s, size_t n, int64_t wl, const char *nl, size_t nln, int long_words)
{
	struct arc_buf b = ARC_BUF_INIT;
	int64_t len = (int64_t)n, off = 0;
	arc_buf_add(&b, "", 0);
	if (n == 0)
		return arc_v_str_buf(&b);
	if (nln == 0) {
		nl = "\n";
		nln = 1;
	}
	if (wl < 1)
		wl = 1;
	while (len - off > wl) {
		int64_t end, at = -1, k;
		if (s[off] == ' ') {
			off++;
			continue;
		}
		end = wl + off + 1;
		for (k = end - 1; k >= off; k--) {
			if (s[k] == ' ') {
				at = k;
				break;
			}
		}
		if (at >= off) {
			arc_buf_add(&b, s + off, (size_t)(at - off));
			arc_buf_add(&b, nl, nln);
			off = at + 1;
		} else if (long_words) {
			arc_buf_add(&b, s + off, (size_t)wl);
			arc_buf_add(&b, nl, nln);
			off += wl;
		} else {
			const char *sp;
			end = wl + off;
			sp = memchr(s + end, ' ', (size_t)(len - end));
			if (!sp) {
				arc_buf_add(&b, s + off, (size_t)(len - off));
				off = len;
			} else {
				at = sp - s;
				arc_buf_add(&b, s + off, (size_t)(at - off));
				arc_buf_add(&b, nl, nln);
				off = at + 1;
			}
		}
	}
	arc_buf_add(&b, s + off, (size_t)(len - off));
	return arc_v_str_buf(&b);
}

static int fn_wrap(struct arc_tpl_call *c, arc_value **out)
{
	int64_t w;
	const char *s;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &w)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = wrap_custom(s, n, w, "", 0, 0);
	return 0;
}

static int fn_wrapwith(struct arc_tpl_call *c, arc_value **out)
{
	int64_t w;
	const char *sep, *s;
	size_t sn, n;
	int rc;
	if ((rc = arc_tpl_arg_int(c, 0, &w)) < 0 || (rc = arc_tpl_arg_str(c, 1, &sep, &sn)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &s, &n)) < 0)
		return rc;
	*out = wrap_custom(s, n, w, sep, sn, 1);
	return 0;
}

/* ---- predicates ---- */

static const char *find_sub(const char *h, size_t hn, const char *nd, size_t nn)
{
	if (nn == 0)
		return h;
	return memmem(h, hn, nd, nn);
}

static int fn_contains(struct arc_tpl_call *c, arc_value **out)
{
	const char *sub, *s;
	size_t sn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &sub, &sn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = arc_v_bool(find_sub(s, n, sub, sn) != NULL);
	return 0;
}

static int fn_hasprefix(struct arc_tpl_call *c, arc_value **out)
{
	const char *p, *s;
	size_t pn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &p, &pn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = arc_v_bool(pn <= n && memcmp(s, p, pn) == 0);
	return 0;
}

static int fn_hassuffix(struct arc_tpl_call *c, arc_value **out)
{
	const char *p, *s;
	size_t pn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &p, &pn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = arc_v_bool(pn <= n && memcmp(s + n - pn, p, pn) == 0);
	return 0;
}

/* ---- quote, squote, cat ---- */

static int fn_quote(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT, t = ARC_BUF_INIT;
	int i, first = 1;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	for (i = 0; i < c->nargs && !b.over; i++) {
		if (c->args[i]->kind == ARC_NULL)
			continue;
		if (!first)
			arc_buf_putc(&b, ' ');
		first = 0;
		if (c->args[i]->kind == ARC_STRING) { /* strval of a string is its bytes */
			arc_fmt_quote(&b, c->args[i]->u.s.ptr, c->args[i]->u.s.len);
			continue;
		}
		arc_buf_reset(&t);
		arc_tpl_buf_bound(&t);
		arc_cast_str(&t, c->args[i]);
		if (t.over)
			b.over = 1;
		else
			arc_fmt_quote(&b, t.ptr ? t.ptr : "", t.len);
	}
	arc_buf_release(&t);
	return ret_buf(out, &b);
}

static int fn_squote(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	int i, first = 1;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	for (i = 0; i < c->nargs; i++) {
		if (c->args[i]->kind == ARC_NULL)
			continue;
		if (!first)
			arc_buf_putc(&b, ' ');
		first = 0;
		arc_buf_putc(&b, '\'');
		arc_fmt_v(&b, c->args[i]);
		arc_buf_putc(&b, '\'');
	}
	return ret_buf(out, &b);
}

static int fn_cat(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	int i, first = 1;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	for (i = 0; i < c->nargs; i++) {
		if (c->args[i]->kind == ARC_NULL)
			continue;
		if (!first)
			arc_buf_putc(&b, ' ');
		first = 0;
		arc_fmt_v(&b, c->args[i]);
	}
	return ret_buf(out, &b);
}

/* ---- indent, nindent, replace ---- */

/* Remembered indents.  `toYaml .Values.x | nindent 4` in many templates
 * indents the same text again and again (toYaml hands out one string value
 * while the value is unchanged, yaml_out.c).  Strings are immutable: the
 * last few large inputs are kept (a reference) with the pad and result, and
 * the same string value with the same pad gets the kept result. */
#define INDENT_MEMO_SLOTS 4
#define INDENT_MEMO_MIN 512

static _Thread_local struct {
	struct {
		arc_value *in, *out; /* references, or NULL */
		int64_t pad;
		int lead_nl;
	} slot[INDENT_MEMO_SLOTS];
	unsigned next;
	int registered;
} imemo;

static void imemo_free(void)
{
	unsigned i;
	for (i = 0; i < INDENT_MEMO_SLOTS; i++) {
		arc_v_unref(imemo.slot[i].in);
		arc_v_unref(imemo.slot[i].out);
		imemo.slot[i].in = imemo.slot[i].out = NULL;
	}
}

static void imemo_put(arc_value *in, int64_t pad, int lead_nl, arc_value *out)
{
	unsigned i = imemo.next++ % INDENT_MEMO_SLOTS;
	if (!imemo.registered) {
		imemo.registered = 1;
		atexit(imemo_free); /* only the main thread's slots are freed; others die with it */
	}
	arc_v_unref(imemo.slot[i].in);
	arc_v_unref(imemo.slot[i].out);
	imemo.slot[i].in = arc_v_ref(in);
	imemo.slot[i].out = arc_v_ref(out);
	imemo.slot[i].pad = pad;
	imemo.slot[i].lead_nl = lead_nl;
}

static int do_indent(struct arc_tpl_call *c, arc_value **out, int lead_nl)
{
	int64_t k;
	const char *s, *p, *end;
	char *o, *w;
	size_t n, lines = 1, pad, total;
	arc_value *in = c->args[1];
	int rc, memo;
	unsigned i;
	if ((rc = arc_tpl_arg_int(c, 0, &k)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	memo = in->kind == ARC_STRING && in->refcnt && n >= INDENT_MEMO_MIN;
	if (memo) {
		for (i = 0; i < INDENT_MEMO_SLOTS; i++) {
			if (imemo.slot[i].in == in && imemo.slot[i].pad == k && imemo.slot[i].lead_nl == lead_nl) {
				*out = arc_v_ref(imemo.slot[i].out);
				return 0;
			}
		}
	}
	if (k < 0) /* strings.Repeat panics */
		return arc_error_code(ARC_E_CALL, "strings: negative Repeat count");
	if ((uint64_t)k > MAX_OUT)
		return too_large();
	pad = (size_t)k;
	for (p = s, end = s + n; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		lines++;
	if (pad > 0 && lines > MAX_OUT / pad)
		return too_large();
	/* the exact size at once, then a line and the pad after its newline at a time */
	total = (size_t)lead_nl + pad * lines + n;
	o = w = xmalloc(total + 1);
	if (lead_nl)
		*w++ = '\n';
	memset(w, ' ', pad);
	w += pad;
	for (p = s; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		memcpy(w, p, len);
		w += len;
		p += len;
		if (nl) {
			memset(w, ' ', pad);
			w += pad;
		}
	}
	*w = '\0';
	*out = arc_v_str_take(o, total);
	if (memo)
		imemo_put(in, k, lead_nl, *out);
	return 0;
}

static int fn_indent(struct arc_tpl_call *c, arc_value **out)
{
	return do_indent(c, out, 0);
}

static int fn_nindent(struct arc_tpl_call *c, arc_value **out)
{
	return do_indent(c, out, 1);
}

/* strings.Replace(src, old, new, -1); an empty old inserts new around every rune */
static int fn_replace(struct arc_tpl_call *c, arc_value **out)
{
	const char *old, *nw, *s;
	size_t on, nn, n, i = 0;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &old, &on)) < 0 || (rc = arc_tpl_arg_str(c, 1, &nw, &nn)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &s, &n)) < 0)
		return rc;
	arc_buf_add(&b, "", 0);
	if (on == 0) {
		if (nn > 0 && (n + 1) > MAX_OUT / nn)
			return too_large();
		arc_buf_add(&b, nw, nn);
		while (i < n) {
			int32_t r;
			int w = arc_utf8_decode(s + i, n - i, &r);
			arc_buf_add(&b, s + i, (size_t)w);
			arc_buf_add(&b, nw, nn);
			i += (size_t)w;
		}
	} else {
		while (i < n) {
			const char *hit = memmem(s + i, n - i, old, on);
			if (!hit)
				break;
			arc_buf_add(&b, s + i, (size_t)(hit - (s + i)));
			arc_buf_add(&b, nw, nn);
			i = (size_t)(hit - s) + on;
			if (b.len > MAX_OUT) {
				arc_buf_release(&b);
				return too_large();
			}
		}
		arc_buf_add(&b, s + i, n - i);
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_plural(struct arc_tpl_call *c, arc_value **out)
{
	const char *one, *many;
	size_t on, mn;
	int64_t k;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &one, &on)) < 0 || (rc = arc_tpl_arg_str(c, 1, &many, &mn)) < 0 ||
	    (rc = arc_tpl_arg_int(c, 2, &k)) < 0)
		return rc;
	*out = k == 1 ? new_str(one, on) : new_str(many, mn);
	return 0;
}

/* ---- conversions and lists of strings ---- */

static int fn_tostring(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	arc_cast_str(&b, c->args[0]);
	return ret_buf(out, &b);
}

static arc_value *new_strings(void)
{
	arc_value *l = arc_v_list();
	l->gotype = ARC_GO_STRINGS;
	return l;
}

/* Sprig's strval of v appended to l.  Strings are shared, not copied; the
 * text made for other values counts against *budget (one list of strings
 * holds at most ARC_TPL_MAX_VALUE bytes of new text): 0, or the error. */
static int push_strval(arc_value *l, arc_value *v, size_t *budget)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (v->kind == ARC_STRING && v->gotype != ARC_GO_BYTES && !(v->flags & ARC_VF_CONST)) {
		arc_v_list_push(l, arc_v_ref(v));
		return 0;
	}
	b.max = *budget ? *budget : 1;
	arc_buf_add(&b, "", 0);
	arc_cast_str(&b, v);
	if (b.over) {
		arc_buf_release(&b);
		return arc_tpl_err_too_large();
	}
	*budget -= b.len;
	arc_v_list_push(l, arc_v_str_buf(&b));
	return 0;
}

/* Sprig's strslice: a []string from a slice (nils dropped) or a single value */
static int strslice(arc_value *v, arc_value **out)
{
	arc_value *l = new_strings();
	size_t i, budget = ARC_TPL_MAX_VALUE;
	int rc = 0;
	if (v->kind == ARC_LIST) {
		for (i = 0; i < arc_v_list_len(v) && !rc; i++) {
			arc_value *e = arc_v_list_at(v, i);
			if (e->kind != ARC_NULL)
				rc = push_strval(l, e, &budget);
		}
	} else if (v->kind == ARC_STRING && v->gotype == ARC_GO_BYTES) {
		for (i = 0; i < v->u.s.len; i++) {
			char t[8];
			snprintf(t, sizeof(t), "%u", (unsigned char)v->u.s.ptr[i]);
			arc_v_list_push(l, arc_v_str(t));
		}
	} else if (v->kind != ARC_NULL) {
		rc = push_strval(l, v, &budget);
	}
	if (rc) {
		arc_v_unref(l);
		return rc;
	}
	*out = l;
	return 0;
}

static int fn_tostrings(struct arc_tpl_call *c, arc_value **out)
{
	return strslice(c->args[0], out);
}

static void list_join(struct arc_buf *b, arc_value *l, const char *sep, size_t sn)
{
	size_t i;
	for (i = 0; i < arc_v_list_len(l) && !b->over; i++) {
		arc_value *e = arc_v_list_at(l, i);
		if (i)
			arc_buf_add(b, sep, sn);
		arc_buf_add(b, e->u.s.ptr, e->u.s.len);
	}
}

static int fn_join(struct arc_tpl_call *c, arc_value **out)
{
	const char *sep;
	size_t sn;
	arc_value *l;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &sep, &sn)) < 0 || (rc = strslice(c->args[1], &l)) < 0)
		return rc;
	arc_tpl_buf_bound(&b);
	arc_buf_add(&b, "", 0);
	list_join(&b, l, sep, sn);
	arc_v_unref(l);
	return ret_buf(out, &b);
}

static int cmp_strval(const void *a, const void *b)
{
	const arc_value *x = *(arc_value *const *)a, *y = *(arc_value *const *)b;
	size_t n = x->u.s.len < y->u.s.len ? x->u.s.len : y->u.s.len;
	int r = memcmp(x->u.s.ptr, y->u.s.ptr, n);
	if (r)
		return r;
	return x->u.s.len < y->u.s.len ? -1 : x->u.s.len > y->u.s.len;
}

static int fn_sortalpha(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *v = c->args[0], *l;
	size_t budget = ARC_TPL_MAX_VALUE;
	int rc;
	if (v->kind == ARC_LIST || (v->kind == ARC_STRING && v->gotype == ARC_GO_BYTES)) {
		if ((rc = strslice(v, &l)) < 0)
			return rc;
		if (l->u.l.len > 1)
			qsort(l->u.l.items, l->u.l.len, sizeof(arc_value *), cmp_strval);
	} else {
		l = new_strings();
		if ((rc = push_strval(l, v, &budget)) < 0) { /* nil gives "<nil>" here */
			arc_v_unref(l);
			return rc;
		}
	}
	*out = l;
	return 0;
}

/* strings.SplitN(s, sep, n) as a list of pieces (n < 0: all) */
static arc_value *split_n(const char *s, size_t n, const char *sep, size_t sn, int64_t max)
{
	arc_value *l = new_strings();
	size_t i = 0;
	if (max == 0)
		return l;
	if (sn == 0) {
		int64_t k = 0;
		while (i < n && arc_v_list_len(l) <= ARC_TPL_MAX_ITEMS) { /* past it: the executor refuses */
			int32_t r;
			int w = arc_utf8_decode(s + i, n - i, &r);
			if (max > 0 && k == max - 1) {
				arc_v_list_push(l, arc_v_strn(s + i, n - i));
				return l;
			}
			arc_v_list_push(l, arc_v_strn(s + i, (size_t)w));
			i += (size_t)w;
			k++;
		}
		return l;
	}
	for (;;) {
		const char *hit;
		if ((max > 0 && (int64_t)arc_v_list_len(l) == max - 1) || arc_v_list_len(l) > ARC_TPL_MAX_ITEMS)
			break;
		hit = memmem(s + i, n - i, sep, sn);
		if (!hit)
			break;
		arc_v_list_push(l, arc_v_strn(s + i, (size_t)(hit - (s + i))));
		i = (size_t)(hit - s) + sn;
	}
	arc_v_list_push(l, arc_v_strn(s + i, n - i));
	return l;
}

static arc_value *pieces_map(arc_value *l)
{
	arc_value *m = arc_v_map();
	size_t i;
	m->gotype = ARC_GO_MAPSTR;
	for (i = 0; i < arc_v_list_len(l) && i <= ARC_TPL_MAX_ITEMS; i++) {
		char key[32];
		snprintf(key, sizeof(key), "_%zu", i);
		arc_v_map_set(m, key, arc_v_ref(arc_v_list_at(l, i)));
	}
	arc_v_unref(l);
	return m;
}

static int fn_split(struct arc_tpl_call *c, arc_value **out)
{
	const char *sep, *s;
	size_t sn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &sep, &sn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = pieces_map(split_n(s, n, sep, sn, -1));
	return 0;
}

static int fn_splitlist(struct arc_tpl_call *c, arc_value **out)
{
	const char *sep, *s;
	size_t sn, n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &sep, &sn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	*out = split_n(s, n, sep, sn, -1);
	return 0;
}

static int fn_splitn(struct arc_tpl_call *c, arc_value **out)
{
	const char *sep, *s;
	size_t sn, n;
	int64_t k;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &sep, &sn)) < 0 || (rc = arc_tpl_arg_int(c, 1, &k)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &s, &n)) < 0)
		return rc;
	*out = pieces_map(split_n(s, n, sep, sn, k));
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_strings[] = {
	{ "abbrev", fn_abbrev, 2, 2 },
	{ "abbrevboth", fn_abbrevboth, 3, 3 },
	{ "trunc", fn_trunc, 2, 2 },
	{ "trim", fn_trim, 1, 1 },
	{ "upper", fn_upper, 1, 1 },
	{ "lower", fn_lower, 1, 1 },
	{ "title", fn_title, 1, 1 },
	{ "untitle", fn_untitle, 1, 1 },
	{ "substr", fn_substr, 3, 3 },
	{ "repeat", fn_repeat, 2, 2 },
	{ "trimall", fn_trimall, 2, 2 },
	{ "trimAll", fn_trimall, 2, 2 },
	{ "trimSuffix", fn_trimsuffix, 2, 2 },
	{ "trimPrefix", fn_trimprefix, 2, 2 },
	{ "nospace", fn_nospace, 1, 1 },
	{ "initials", fn_initials, 1, 1 },
	{ "randAlphaNum", fn_randalphanum, 1, 1 },
	{ "randAlpha", fn_randalpha, 1, 1 },
	{ "randAscii", fn_randascii, 1, 1 },
	{ "randNumeric", fn_randnumeric, 1, 1 },
	{ "swapcase", fn_swapcase, 1, 1 },
	{ "shuffle", fn_shuffle, 1, 1 },
	{ "snakecase", fn_snakecase, 1, 1 },
	{ "camelcase", fn_camelcase, 1, 1 },
	{ "kebabcase", fn_kebabcase, 1, 1 },
	{ "wrap", fn_wrap, 2, 2 },
	{ "wrapWith", fn_wrapwith, 3, 3 },
	{ "contains", fn_contains, 2, 2 },
	{ "hasPrefix", fn_hasprefix, 2, 2 },
	{ "hasSuffix", fn_hassuffix, 2, 2 },
	{ "quote", fn_quote, 0, -1 },
	{ "squote", fn_squote, 0, -1 },
	{ "cat", fn_cat, 0, -1 },
	{ "indent", fn_indent, 2, 2 },
	{ "nindent", fn_nindent, 2, 2 },
	{ "replace", fn_replace, 3, 3 },
	{ "plural", fn_plural, 3, 3 },
	{ "toString", fn_tostring, 1, 1 },
	{ "toStrings", fn_tostrings, 1, 1 },
	{ "split", fn_split, 2, 2 },
	{ "splitList", fn_splitlist, 2, 2 },
	{ "splitn", fn_splitn, 3, 3 },
	{ "join", fn_join, 2, 2 },
	{ "sortAlpha", fn_sortalpha, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
