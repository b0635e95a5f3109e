/* test_regex.c - the RE2-syntax engine (regex.c) and Sprig's regex functions.
 * Expected values are what real helm 4.1.4 (Go's regexp) printed for the
 * same patterns (tests/conformance/cases/regex.test). */
#include "gotmpl/funcs.h"
#include "gotmpl/regex.h"
#include "value/codec.h"
#include "tap.h"

#include <stdlib.h>
#include <time.h>

static char out[8192];

/* compile error text, or "" */
static const char *cerr(const char *pat)
{
	struct arc_re *re;
	if (arc_re_compile(&re, pat, strlen(pat)) == 0) {
		arc_re_free(re);
		return "";
	}
	snprintf(out, sizeof(out), "%s", arc_error_last());
	return out;
}

static int match(const char *pat, const char *s)
{
	struct arc_re *re;
	int m;
	if (arc_re_compile(&re, pat, strlen(pat)) < 0)
		return -1;
	m = arc_re_match(re, s, strlen(s));
	arc_re_free(re);
	return m;
}

static int add_match(void *ctx, const long *caps)
{
	struct arc_buf *b = ctx;
	arc_buf_printf(b, "[%ld %ld]", caps[0], caps[1]);
	return 0;
}

/* all matches as "[a b][c d]" */
static const char *all(const char *pat, const char *s)
{
	struct arc_re *re;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_re_compile(&re, pat, strlen(pat)) < 0)
		return "ERR";
	arc_buf_add(&b, "", 0);
	arc_re_find_all(re, s, strlen(s), -1, 1, add_match, &b);
	snprintf(out, sizeof(out), "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	arc_re_free(re);
	return out;
}

static const char *replace(const char *pat, const char *s, const char *repl, int literal)
{
	struct arc_re *re;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_re_compile(&re, pat, strlen(pat)) < 0)
		return "ERR";
	arc_re_replace_all(&b, re, s, strlen(s), repl, strlen(repl), literal);
	snprintf(out, sizeof(out), "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	arc_re_free(re);
	return out;
}

static arc_value *S(const char *s)
{
	arc_value *v = arc_v_str(s);
	v->flags |= ARC_VF_CONST;
	return v;
}

static arc_value *I(int64_t i)
{
	arc_value *v = arc_v_int(i);
	v->flags |= ARC_VF_CONST;
	return v;
}

/* call a template function with 1-3 arguments (consumed) */
static const char *fn(const char *name, int n, arc_value *a, arc_value *b, arc_value *c)
{
	arc_value *args[3] = { a, b, c }, *res = NULL;
	struct arc_tpl_call call = { NULL, name, n, args, -1 };
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	int i;
	if (!f) {
		snprintf(out, sizeof(out), "NOFUNC");
	} else if (f->fn(&call, &res) < 0) {
		snprintf(out, sizeof(out), "ERR %s", arc_error_last());
	} else {
		struct arc_buf buf = ARC_BUF_INIT;
		arc_fmt_v(&buf, res);
		snprintf(out, sizeof(out), "%s", arc_buf_cstr(&buf));
		arc_buf_release(&buf);
		arc_v_unref(res);
	}
	for (i = 0; i < n; i++)
		arc_v_unref(args[i]);
	return out;
}

int main(void)
{
	/* Go's parse errors, texts as helm printed them */
	CHECK_STR(cerr("(a"), "error parsing regexp: missing closing ): `(a`", "missing paren");
	CHECK_STR(cerr("ab)"), "error parsing regexp: unexpected ): `ab)`", "unexpected paren");
	CHECK_STR(cerr("[a"), "error parsing regexp: missing closing ]: `[a`", "missing bracket");
	CHECK_STR(cerr("[]"), "error parsing regexp: missing closing ]: `[]`", "empty class");
	CHECK_STR(cerr("*a"), "error parsing regexp: missing argument to repetition operator: `*`", "bare star");
	CHECK_STR(cerr("a**"), "error parsing regexp: invalid nested repetition operator: `**`", "a**");
	CHECK_STR(cerr("a?*"), "error parsing regexp: invalid nested repetition operator: `?*`", "a?*");
	CHECK_STR(cerr("a{1001}"), "error parsing regexp: invalid repeat count: `{1001}`", "repeat > 1000");
	CHECK_STR(cerr("x{2,1}"), "error parsing regexp: invalid repeat count: `{2,1}`", "repeat min > max");
	CHECK_STR(cerr("(a{500}){500}"), "error parsing regexp: invalid repeat count: `{500}`", "nested repeat");
	CHECK_STR(cerr("\\8"), "error parsing regexp: invalid escape sequence: `\\8`", "bad escape");
	CHECK_STR(cerr("(a)\\1"), "error parsing regexp: invalid escape sequence: `\\1`", "backreference");
	CHECK_STR(cerr("(?z)a"), "error parsing regexp: invalid or unsupported Perl syntax: `(?z`", "bad flag");
	CHECK_STR(cerr("a(?=b)"), "error parsing regexp: invalid or unsupported Perl syntax: `(?=`", "lookahead");
	CHECK_STR(cerr("(?"), "error parsing regexp: invalid or unsupported Perl syntax: `(?`", "bare (?");
	CHECK_STR(cerr("[z-a]"), "error parsing regexp: invalid character class range: `z-a`", "bad range");
	CHECK_STR(cerr("\\p{Foo}"), "error parsing regexp: invalid character class range: `\\p{Foo}`",
		  "bad unicode class");
	CHECK_STR(cerr("[[:foo:]]"), "error parsing regexp: invalid character class range: `[:foo:]`",
		  "bad posix class");
	CHECK_STR(cerr("(?P<>a)"), "error parsing regexp: invalid named capture: `(?P<>`", "empty name");
	CHECK_STR(cerr("(?P<name"), "error parsing regexp: invalid named capture: `(?P<name`", "unclosed name");
	CHECK_STR(cerr("a\\"), "error parsing regexp: trailing backslash at end of expression: ``", "trailing \\");
	CHECK_STR(cerr("[a-\\d]"), "error parsing regexp: invalid escape sequence: `\\d`", "class range to \\d");
	CHECK_STR(cerr("(?P<n>a)(?P<n>b)"), "", "duplicate names are accepted");
	CHECK_STR(cerr("\xff"), "error parsing regexp: invalid UTF-8: `\xff`", "invalid UTF-8");
	{
		char deep[3000];
		memset(deep, '(', 1500);
		memset(deep + 1500, ')', 1500);
		deep[2999] = 0;
		deep[2998] = 0;
		CHECK(strstr(cerr(deep), "expression nests too deeply") != NULL, "nesting limit");
	}

	/* matching */
	CHECK(match("^[a-z]+$", "abc") == 1 && match("^[a-z]+$", "ABC") == 0, "class");
	CHECK(match("a$", "a\n") == 0 && match("(?m)a$", "a\n") == 1, "$ is end of text without m");
	CHECK(match("(?s)a.b", "a\nb") == 1 && match("a.b", "a\nb") == 0, "dot and newline");
	CHECK(match("^\\d$", "\xd9\xa3") == 0, "\\d is ASCII only");
	CHECK(match("^\\p{Greek}+$", "\xce\xb1\xce\xb2\xce\xb3") == 1, "\\p{Greek}");
	CHECK(match("^\\p{Letter}+$", "abc") == 1 && match("^\\p{greek}+$", "\xce\xb1") == 1,
	      "category aliases and canonical names");
	CHECK(match("^[[:^alpha:]]+$", "123") == 1, "negated posix class");
	CHECK(match("\\bfoo\\b", "a foo b") == 1 && match("\\bfoo\\b", "afoob") == 0, "word boundary");
	CHECK(match("\\b\xc3\xa9", "\xc3\xa9") == 0, "word boundary is ASCII");
	CHECK(match("(?i)k", "\xe2\x84\xaa") == 1 && match("(?i)\xcf\x83", "\xcf\x82") == 1, "simple case folding");
	CHECK(match("(?i)stra\xc3\x9f" "e", "STRASSE") == 0, "no full case folding");
	CHECK(match("(?i)^\\p{Lu}+$", "abc") == 1 && match("(?i)^\\P{Lu}+$", "ABC") == 0, "folded \\p");
	CHECK(match("^\\x41\\x{42}\\101\\t$", "ABA\t") == 1, "escapes");
	CHECK(match("^\\Q.*\\E$", ".*") == 1, "\\Q..\\E");
	CHECK(match("^a{1000}$", "") == 0, "a{1000} compiles");

	/* leftmost-first, greedy and lazy */
	CHECK_STR(all("a|ab", "ab"), "[0 1]", "alternation prefers the left");
	CHECK_STR(all("(a|ab)(c|bcd)", "abcd"), "[0 4]", "leftmost-first overall");
	CHECK_STR(all("<.*?>", "<a><b>"), "[0 3][3 6]", "lazy star");
	CHECK_STR(all("a*", "baaab"), "[0 0][1 4][5 5]", "empty matches around a match");
	CHECK_STR(all("", "abc"), "[0 0][1 1][2 2][3 3]", "empty pattern");
	CHECK_STR(all(".", "\xff" "a"), "[0 1][1 2]", "invalid UTF-8 byte is one rune");

	/* replacement */
	CHECK_STR(replace("a(x*)b", "-ab-axxb-", "${1}W", 0), "-W-xxW-", "${1}W");
	CHECK_STR(replace("a(x*)b", "-ab-axxb-", "$1W", 0), "---", "$1W names group 1W");
	CHECK_STR(replace("(?P<first>\\w+) (?P<last>\\w+)", "John Smith", "$last, $first", 0), "Smith, John",
		  "named groups");
	CHECK_STR(replace("(b)", "abc", "$$", 0), "a$c", "$$");
	CHECK_STR(replace("(b)", "abc", "${1", 0), "a${1c", "unclosed brace is literal");
	CHECK_STR(replace("(b)", "abc", "$0$0", 0), "abbc", "$0");
	CHECK_STR(replace("(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)", "abcdefghijk", "$11-$10-${1}0", 0), "k-j-a0",
		  "two-digit groups");
	CHECK_STR(replace("x*", "abc", "-", 0), "-a-b-c-", "empty matches replaced");
	CHECK_STR(replace("b*", "abbc", "X", 0), "XaXcX", "no empty match right after a match");
	CHECK_STR(replace("a(x*)b", "-ab-axxb-", "${1}", 1), "-${1}-${1}-", "literal replacement");
	CHECK_STR(replace("(a+?)(a*)", "aaaa", "[$1|$2]", 0), "[a|aaa]", "lazy capture");
	CHECK_STR(replace("(a|b)*", "abab", "[$1]", 0), "[b]", "last iteration captured");
	CHECK_STR(replace("(a+|b+)*c", "aabbc", "[$1]", 0), "[bb]", "captures in star");
	CHECK_STR(replace("a(|b)c", "ac abc", "[$1]", 0), "[] [b]", "empty alternative");

	/* quote meta */
	{
		struct arc_buf b = ARC_BUF_INIT;
		arc_re_quote_meta(&b, "1.5-2.0?[x]{y}(z)|^$*+\\", 24);
		CHECK_STR(arc_buf_cstr(&b), "1\\.5-2\\.0\\?\\[x\\]\\{y\\}\\(z\\)\\|\\^\\$\\*\\+\\\\", "QuoteMeta");
		arc_buf_release(&b);
	}

	/* linear time on patterns that make backtrackers explode */
	{
		char text[20001];
		clock_t t0 = clock();
		memset(text, 'a', 20000);
		text[20000] = 0;
		CHECK(match("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab") == 0, "(a+)+$");
		CHECK(match("(x+x+)+y", text) == 0, "(x+x+)+y");
		CHECK(match("(a|a)*c", text) == 0, "(a|a)*c on 20000 a");
		CHECK(match("(a*)*b", text) == 0, "(a*)*b on 20000 a");
		CHECK(match("^(a?){30}a{30}$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") == 1, "a?^n a^n");
		CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0, "hostile patterns finish quickly");
	}

	/* Sprig functions */
	CHECK_STR(fn("regexMatch", 2, S("(a"), S("a"), NULL), "false", "regexMatch swallows errors");
	CHECK_STR(fn("mustRegexMatch", 2, S("(a"), S("a"), NULL),
		  "ERR error parsing regexp: missing closing ): `(a`", "mustRegexMatch error");
	CHECK_STR(fn("regexFind", 2, S("(a"), S("a"), NULL),
		  "ERR regexp: Compile(`(a`): error parsing regexp: missing closing ): `(a`", "regexFind panic text");
	CHECK_STR(fn("regexFind", 2, S("`("), S("a"), NULL),
		  "ERR regexp: Compile(\"`(\"): error parsing regexp: missing closing ): ``(`",
		  "regexFind quotes a pattern with a backquote");
	CHECK_STR(fn("regexFind", 2, S("[a-z]+"), S("123abc456def"), NULL), "abc", "regexFind");
	CHECK_STR(fn("regexFindAll", 3, S("[0-9]+"), S("a1b22c333"), I(2)), "[1 22]", "regexFindAll n");
	CHECK_STR(fn("regexFindAll", 3, S("[0-9]+"), S("a1"), I(0)), "[]", "regexFindAll 0");
	CHECK_STR(fn("regexSplit", 3, S("z+"), S("pizza"), I(-1)), "[pi a]", "regexSplit");
	CHECK_STR(fn("regexSplit", 3, S("z+"), S("pizza"), I(1)), "[pizza]", "regexSplit 1");
	CHECK_STR(fn("regexSplit", 3, S("a"), S("abaca"), I(-1)), "[ b c ]", "regexSplit edges");
	CHECK_STR(fn("regexSplit", 3, S(""), S("abc"), I(-1)), "[a b c]", "regexSplit empty pattern");
	CHECK_STR(fn("regexSplit", 3, S(","), S(""), I(-1)), "[]", "regexSplit of empty text");
	CHECK_STR(fn("regexReplaceAll", 3, S("(?<k>\\w+)=(?<v>\\w+)"), S("a=1 b=2"), S("${v}:${k}")), "1:a 2:b",
		  "regexReplaceAll (?<name>)");
	CHECK_STR(fn("regexReplaceAllLiteral", 3, S("b"), S("abc"), S("$$")), "a$$c", "regexReplaceAllLiteral");
	CHECK_STR(fn("regexQuoteMeta", 1, S("a.b"), NULL, NULL), "a\\.b", "regexQuoteMeta");
	CHECK_STR(fn("regexFindAll", 3, S("a"), S("aaa"), arc_v_float(2)),
		  "ERR wrong type for value; expected int; got float64", "regexFindAll float n");
	return tap_done();
}
