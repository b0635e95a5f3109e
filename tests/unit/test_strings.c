/* test_strings.c - Sprig's string functions called directly through the
 * function table.  Expected values are the ones real helm 4.1.4 printed for
 * the same calls (tests/conformance/cases/strings.test). */
#include "gotmpl/funcs.h"
#include "gotmpl/regex.h"
#include "value/codec.h"
#include "tap.h"

#include <stdarg.h>
#include <stdlib.h>

/* template literals */
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

/* a float64 as values.yaml gives it */
static arc_value *F(double f)
{
	return arc_v_float(f);
}

static arc_value *L(int n, ...)
{
	va_list ap;
	arc_value *l = arc_v_list();
	int i;
	va_start(ap, n);
	for (i = 0; i < n; i++)
		arc_v_list_push(l, va_arg(ap, arc_value *));
	va_end(ap);
	return l;
}

static char last[4096];

/* call NAME with n arguments (consumed); the result printed with %v, or
 * "ERR <message>" */
static const char *call(const char *name, int n, ...)
{
	va_list ap;
	arc_value *args[16], *out = NULL;
	struct arc_tpl_call c;
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	int i, rc;
	va_start(ap, n);
	for (i = 0; i < n; i++)
		args[i] = va_arg(ap, arc_value *);
	va_end(ap);
	if (!f) {
		snprintf(last, sizeof(last), "NOFUNC");
		goto done;
	}
	if (n < f->min || (f->max >= 0 && n > f->max)) {
		snprintf(last, sizeof(last), "ARGS");
		goto done;
	}
	c.ex = NULL;
	c.name = name;
	c.nargs = n;
	c.args = args;
	rc = f->fn(&c, &out);
	if (rc < 0) {
		snprintf(last, sizeof(last), "ERR %s", arc_error_last());
	} else {
		struct arc_buf b = ARC_BUF_INIT;
		arc_fmt_v(&b, out);
		snprintf(last, sizeof(last), "%s", arc_buf_cstr(&b));
		arc_buf_release(&b);
		arc_v_unref(out);
	}
done:
	for (i = 0; i < n; i++)
		arc_v_unref(args[i]);
	return last;
}

static const char *gotype(const char *name, int n, arc_value *a, arc_value *b)
{
	arc_value *args[2] = { a, b }, *out = NULL;
	struct arc_tpl_call c = { NULL, name, n, args, -1 };
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	if (f->fn(&c, &out) < 0)
		snprintf(last, sizeof(last), "ERR");
	else
		snprintf(last, sizeof(last), "%s", arc_v_gotype_name(out));
	arc_v_unref(out);
	arc_v_unref(a);
	arc_v_unref(b);
	return last;
}

int main(void)
{
	/* abbrev family */
	CHECK_STR(call("abbrev", 2, I(5), S("hello world")), "he...", "abbrev 5");
	CHECK_STR(call("abbrev", 2, I(3), S("hello world")), "hello world", "abbrev below 4");
	CHECK_STR(call("abbrev", 2, I(20), S("hello")), "hello", "abbrev wide");
	CHECK_STR(call("abbrev", 2, F(3), S("x")), "ERR wrong type for value; expected int; got float64",
		  "abbrev float width");
	CHECK_STR(call("abbrevboth", 3, I(5), I(10), S("1234 5678 9123")), "...5678...", "abbrevboth");
	CHECK_STR(call("abbrevboth", 3, I(0), I(4), S("abcdefgh")), "a...", "abbrevboth small");
	CHECK_STR(call("abbrevboth", 3, I(3), I(8), S("abcdefghijklmno")), "abcde...", "abbrevboth 3 8");
	CHECK_STR(call("abbrevboth", 3, I(1), I(5), S("abcdefghij")), "abcdefghij", "abbrevboth guard");
	CHECK_STR(call("abbrevboth", 3, I(10), I(10), S("abcdefghijklmno")), "...ijklmno", "abbrevboth 10 10");
	CHECK_STR(call("abbrevboth", 3, I(50), I(8), S("abcdefghijklmno")), "...klmno", "abbrevboth far");
	CHECK_STR(call("abbrevboth", 3, I(6), I(7), S("abcdefghijklmnop")), "...g...", "abbrevboth 6 7");
	CHECK_STR(call("abbrevboth", 3, I(5), I(9), S("abcdefghijklmnopqrstuvwxyz")), "...fgh...", "abbrevboth 5 9");
	CHECK_STR(call("abbrevboth", 3, I(-9000000000000000000LL), I(8), S("abcdefghijklmno")), "abcde...",
		  "abbrevboth huge negative offset");

	/* trunc, substr */
	CHECK_STR(call("trunc", 2, I(5), S("hello world")), "hello", "trunc 5");
	CHECK_STR(call("trunc", 2, I(-5), S("hello world")), "world", "trunc -5");
	CHECK_STR(call("trunc", 2, I(-50), S("abc")), "abc", "trunc -50");
	CHECK_STR(call("trunc", 2, I(0), S("abc")), "", "trunc 0");
	CHECK_STR(call("trunc", 2, S("2"), S("abc")), "ERR expected integer; found \"2\"", "trunc string literal");
	CHECK_STR(call("substr", 3, I(0), I(5), S("hello world")), "hello", "substr 0 5");
	CHECK_STR(call("substr", 3, I(6), I(-1), S("hello world")), "world", "substr 6 -1");
	CHECK_STR(call("substr", 3, I(-1), I(3), S("hello")), "hel", "substr -1 3");
	CHECK_STR(call("substr", 3, I(5), I(2), S("hello")),
		  "ERR runtime error: slice bounds out of range [5:2]", "substr 5 2");
	CHECK_STR(call("substr", 3, I(10), I(20), S("abc")),
		  "ERR runtime error: slice bounds out of range [10:3]", "substr 10 20");
	CHECK_STR(call("substr", 3, I(-1), I(10), S("abc")),
		  "ERR runtime error: slice bounds out of range [:10] with length 3", "substr -1 10");
	CHECK_STR(call("substr", 3, I(-1), I(-1), S("abc")),
		  "ERR runtime error: slice bounds out of range [:-1]", "substr -1 -1");

	/* trim family */
	CHECK_STR(call("trim", 1, S("  hi there \n\t")), "hi there", "trim");
	CHECK_STR(call("trim", 1, S("\xc2\xa0\xe2\x80\x83x\xe3\x80\x80")), "x", "trim unicode spaces");
	CHECK_STR(call("trimAll", 2, S("$"), S("$$5.00$")), "5.00", "trimAll");
	CHECK_STR(call("trimall", 2, S("ab"), S("abcba")), "c", "trimall");
	CHECK_STR(call("trimAll", 2, S("\xc3\xa9\xc3\xa0"), S("\xc3\xa9\xc3\xa0xyz\xc3\xa0\xc3\xa9")), "xyz",
		  "trimAll unicode cutset");
	CHECK_STR(call("trimSuffix", 2, S(".yaml"), S("a.yaml.yaml")), "a.yaml", "trimSuffix");
	CHECK_STR(call("trimPrefix", 2, S("v"), S("v1.2.3")), "1.2.3", "trimPrefix");

	/* case */
	CHECK_STR(call("upper", 1, S("hello W\xc3\xb6rld \xc3\x9f \xc7\x86")),
		  "HELLO W\xc3\x96RLD \xc3\x9f \xc7\x84", "upper unicode");
	CHECK_STR(call("lower", 1, S("HELLO W\xc3\x96RLD \xc4\xb0 \xce\xa3 \xc7\x85")),
		  "hello w\xc3\xb6rld i \xcf\x83 \xc7\x86", "lower unicode");
	CHECK_STR(call("upper", 1, S("\xff")), "\xef\xbf\xbd", "upper invalid byte becomes U+FFFD");
	CHECK_STR(call("upper", 1, F(1)), "ERR wrong type for value; expected string; got float64", "upper float");
	CHECK_STR(call("title", 1, S("hello world-foo bar_baz o'neil 3am x.y")),
		  "Hello World-Foo Bar_baz O'Neil 3am X.Y", "title");
	CHECK_STR(call("title", 1, S("\xc3\xa9lan \xc7\x86ungla \xc3\xb1u")), "\xc3\x89lan \xc7\x85ungla \xc3\x91u",
		  "title unicode uses title case");
	CHECK_STR(call("untitle", 1, S("Hello World FOO")), "hello world fOO", "untitle");
	CHECK_STR(call("swapcase", 1, S("Hello World abc  dEF")), "hELLO wORLD ABC  Def", "swapcase");
	CHECK_STR(call("swapcase", 1, S("\xc7\x85" "a \xc7\x86" "b \xc3\xa9\xc3\x89")),
		  "\xc7\x86" "A \xc7\x85" "B \xc3\x89\xc3\xa9", "swapcase title case");

	/* repeat, nospace, initials */
	CHECK_STR(call("repeat", 2, I(3), S("ab")), "ababab", "repeat");
	CHECK_STR(call("repeat", 2, I(-1), S("ab")), "ERR strings: negative Repeat count", "repeat negative");
	CHECK(strncmp(call("repeat", 2, I(1000000000000LL), S("ab")), "ERR ", 4) == 0, "repeat huge is bounded");
	CHECK_STR(call("nospace", 1, S(" h e\tl\nl o ")), "hello", "nospace");
	CHECK_STR(call("nospace", 1, S("\xc3\xa9 x")), "\xc3\x83\xc2\xa9x", "nospace works on bytes");
	CHECK_STR(call("nospace", 1, S("\xc3\xa9")), "\xc3\xa9", "nospace unchanged when no space");
	CHECK_STR(call("initials", 1, S("hello world foo")), "hwf", "initials");
	CHECK_STR(call("initials", 1, S("\xc3\x89lan vital")), "\xc3\x83v", "initials bytes");

	/* random strings: properties */
	{
		struct arc_re *re;
		const char *r;
		arc_re_compile(&re, "^[a-zA-Z0-9]{40}$", 17);
		r = call("randAlphaNum", 1, I(40));
		CHECK(arc_re_match(re, r, strlen(r)), "randAlphaNum charset and length");
		arc_re_free(re);
		arc_re_compile(&re, "^[a-zA-Z]{30}$", 14);
		r = call("randAlpha", 1, I(30));
		CHECK(arc_re_match(re, r, strlen(r)), "randAlpha charset");
		arc_re_free(re);
		arc_re_compile(&re, "^[0-9]{25}$", 11);
		r = call("randNumeric", 1, I(25));
		CHECK(arc_re_match(re, r, strlen(r)), "randNumeric charset");
		arc_re_free(re);
		arc_re_compile(&re, "^[ -~]{50}$", 11);
		r = call("randAscii", 1, I(50));
		CHECK(arc_re_match(re, r, strlen(r)), "randAscii charset");
		arc_re_free(re);
		CHECK_STR(call("randAlpha", 1, I(-3)), "", "randAlpha negative");
		CHECK_STR(call("randAlpha", 1, F(3)), "ERR wrong type for value; expected int; got float64",
			  "randAlpha float");
		r = call("shuffle", 1, S("hello w\xc3\xb6rld"));
		CHECK(strlen(r) == 12 && strchr(r, 'w') && strstr(r, "\xc3\xb6"), "shuffle keeps runes: %s", r);
	}

	/* xstrings */
	CHECK_STR(call("snakecase", 1, S("FirstName")), "first_name", "snakecase FirstName");
	CHECK_STR(call("snakecase", 1, S("HTTPServer")), "http_server", "snakecase HTTPServer");
	CHECK_STR(call("snakecase", 1, S("userID2FA")), "user_id2_fa", "snakecase userID2FA");
	CHECK_STR(call("snakecase", 1, S("abc123def")), "abc_123def", "snakecase abc123def");
	CHECK_STR(call("snakecase", 1, S("Abc123Def")), "abc123_def", "snakecase Abc123Def");
	CHECK_STR(call("snakecase", 1, S("a1b2")), "a_1b2", "snakecase a1b2");
	CHECK_STR(call("snakecase", 1, S("v2Beta")), "v2_beta", "snakecase v2Beta");
	CHECK_STR(call("snakecase", 1, S("x--y")), "x__y", "snakecase connectors");
	CHECK_STR(call("snakecase", 1, S("  lead")), "__lead", "snakecase leading spaces");
	CHECK_STR(call("snakecase", 1, S("Foo.Bar")), "foo.bar", "snakecase punctuation");
	CHECK_STR(call("snakecase", 1, S("\xe4\xb8\xad\xe6\x96\x87Word")), "\xe4\xb8\xad\xe6\x96\x87_word",
		  "snakecase CJK");
	CHECK_STR(call("snakecase", 1, S("a+b")), "a_+_b", "snakecase symbol");
	CHECK_STR(call("snakecase", 1, S("HTTPs")), "htt_ps", "snakecase HTTPs");
	CHECK_STR(call("snakecase", 1, S("Ab1cD")), "ab_1c_d", "snakecase Ab1cD");
	CHECK_STR(call("snakecase", 1, S("a \xe2\x82\xac" "b")), "a_\xe2\x82\xac_b", "snakecase currency");
	CHECK_STR(call("kebabcase", 1, S("k8sCluster")), "k-8s-cluster", "kebabcase k8sCluster");
	CHECK_STR(call("kebabcase", 1, S("K8S")), "k8-s", "kebabcase K8S");
	CHECK_STR(call("camelcase", 1, S("hello_world")), "HelloWorld", "camelcase");
	CHECK_STR(call("camelcase", 1, S("-hello--world-")), "-Hello-World-", "camelcase connectors");
	CHECK_STR(call("camelcase", 1, S("_")), "__", "camelcase lone connector");
	CHECK_STR(call("camelcase", 1, S("HTTPServer")), "Httpserver", "camelcase HTTPServer");
	CHECK_STR(call("camelcase", 1, S("ABc_dEF")), "AbcDEF", "camelcase ABc_dEF");
	CHECK_STR(call("camelcase", 1, S("  x  y ")), "  X Y ", "camelcase spaces");

	/* wrap */
	CHECK_STR(call("wrap", 2, I(10), S("The quick brown fox jumps over the lazy dog")),
		  "The quick\nbrown fox\njumps over\nthe lazy\ndog", "wrap 10");
	CHECK_STR(call("wrap", 2, I(5), S("  leading spaces  here   ok")), "leading\nspaces\nhere \n ok",
		  "wrap leading spaces");
	CHECK_STR(call("wrapWith", 3, I(4), S("<br>"), S("abcdefghijkl mn")), "abcd<br>efgh<br>ijkl<br>mn",
		  "wrapWith long words");
	CHECK_STR(call("wrapWith", 3, I(10), S("\n"), S("see http://example.com/a/very/long/path for details")),
		  "see\nhttp://exa\nmple.com/a\n/very/long\n/path for\ndetails", "wrapWith url");

	/* predicates */
	CHECK_STR(call("contains", 2, S("ell"), S("hello")), "true", "contains");
	CHECK_STR(call("contains", 2, S(""), S("")), "true", "contains empty");
	CHECK_STR(call("hasPrefix", 2, S("lo"), S("hello")), "false", "hasPrefix");
	CHECK_STR(call("hasSuffix", 2, S("lo"), S("hello")), "true", "hasSuffix");

	/* quote, squote, cat */
	CHECK_STR(call("quote", 5, S("1"), F(2.5), arc_v_bool(1), arc_v_null(), S("x")),
		  "\"1\" \"2.5\" \"true\" \"x\"", "quote drops nil");
	CHECK_STR(call("quote", 1, F(1000000)), "\"1e+06\"", "quote float %v");
	CHECK_STR(call("quote", 0), "", "quote nothing");
	CHECK_STR(call("squote", 3, S("a'b"), I(3), arc_v_null()), "'a'b' '3'", "squote");
	CHECK_STR(call("cat", 5, S("a"), I(1), arc_v_null(), S("b"), F(2.5)), "a 1 b 2.5", "cat");
	CHECK_STR(call("cat", 2, arc_v_null(), arc_v_null()), "", "cat of nils");

	/* indent, replace, plural */
	CHECK_STR(call("indent", 2, I(4), S("a\nb\n\nc")), "    a\n    b\n    \n    c", "indent");
	CHECK_STR(call("nindent", 2, I(2), S("x\ny")), "\n  x\n  y", "nindent");
	CHECK_STR(call("indent", 2, I(-1), S("x")), "ERR strings: negative Repeat count", "indent negative");
	CHECK_STR(call("indent", 2, F(2), S("x")), "ERR wrong type for value; expected int; got float64",
		  "indent float");
	CHECK_STR(call("replace", 3, S(""), S("x"), S("abc")), "xaxbxcx", "replace empty old");
	CHECK_STR(call("replace", 3, S("\xc3\xa9"), S(""), S("\xc3\xa9" "a\xc3\xa9")), "a", "replace unicode");
	CHECK_STR(call("plural", 3, S("one"), S("many"), I(1)), "one", "plural 1");
	CHECK_STR(call("plural", 3, S("one"), S("many"), I(0)), "many", "plural 0");

	/* conversions and lists */
	CHECK_STR(call("toString", 1, arc_v_null()), "<nil>", "toString nil");
	CHECK_STR(call("toString", 1, F(1000000)), "1e+06", "toString float");
	CHECK_STR(call("toStrings", 1, L(4, I(1), S("a"), arc_v_null(), F(2.5))), "[1 a 2.5]", "toStrings");
	CHECK_STR(call("toStrings", 1, arc_v_null()), "[]", "toStrings nil");
	CHECK_STR(gotype("toStrings", 1, S("x"), NULL), "[]string", "toStrings type");
	CHECK_STR(call("split", 2, S(","), S("a,b,c")), "map[_0:a _1:b _2:c]", "split");
	CHECK_STR(call("split", 2, S(""), S("h\xc3\xa9y")), "map[_0:h _1:\xc3\xa9 _2:y]", "split runes");
	CHECK_STR(gotype("split", 2, S(","), S("a")), "map[string]string", "split type");
	CHECK_STR(call("splitList", 2, S(","), S("a,b,,c")), "[a b  c]", "splitList");
	CHECK_STR(call("splitList", 2, S(","), S("")), "[]", "splitList of empty is one empty string");
	CHECK_STR(gotype("splitList", 2, S("::"), S("a::b")), "[]string", "splitList type");
	CHECK_STR(call("splitn", 3, S(","), I(2), S("a,b,c")), "map[_0:a _1:b,c]", "splitn 2");
	CHECK_STR(call("splitn", 3, S(","), I(0), S("a,b")), "map[]", "splitn 0");
	CHECK_STR(call("splitn", 3, S(","), I(-1), S("a,b,c")), "map[_0:a _1:b _2:c]", "splitn -1");
	CHECK_STR(call("join", 2, S("-"), L(5, I(1), S("a"), arc_v_null(), F(2.5), arc_v_bool(1))), "1-a-2.5-true",
		  "join mixed");
	CHECK_STR(call("join", 2, S(","), S("abc")), "abc", "join string");
	CHECK_STR(call("join", 2, S(","), arc_v_null()), "", "join nil");
	CHECK_STR(call("sortAlpha", 1, L(6, S("b"), S("a"), S("C"), I(10), I(2), S(""))), "[ 10 2 C a b]",
		  "sortAlpha");
	CHECK_STR(call("sortAlpha", 1, arc_v_null()), "[<nil>]", "sortAlpha nil");
	CHECK_STR(call("sortAlpha", 1, S("x")), "[x]", "sortAlpha scalar");

	/* the table */
	CHECK(arc_tpl_func_find("trimAll") && arc_tpl_func_find("trimAll")->min == 2, "trimAll registered");
	CHECK(arc_tpl_func_find("quote")->max == -1, "quote is variadic");
	return tap_done();
}
