/* test_mathdate.c - math, semver, date, url and encoding functions called
 * directly; every expected value here is one helm v4.1.4 printed for the
 * same input (see tests/conformance/cases/{math,semver,date,url,encoding}.test). */
#include "tap.h"

#include "gotmpl/decimal.h"
#include "gotmpl/func.h"
#include "gotmpl/gotime.h"
#include "gotmpl/semver.h"
#include "value/codec.h"

#include <math.h>
#include <stdlib.h>

/* call NAME with args, return its result printed with %v (or "ERR: msg") */
static char *call(const char *name, int nargs, arc_value **args)
{
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	struct arc_tpl_call c = { NULL, name, nargs, args, -1 };
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *out = NULL;
	int i, rc;

	if (!f)
		return xstrdup("ERR: no such function");
	rc = f->fn(&c, &out);
	if (rc < 0)
		arc_buf_printf(&b, "ERR: %s", arc_error_last());
	else
		arc_fmt_v(&b, out);
	arc_v_unref(out);
	for (i = 0; i < nargs; i++)
		arc_v_unref(args[i]);
	return arc_buf_detach(&b, NULL);
}

static arc_value *lit(arc_value *v)
{
	v->flags |= ARC_VF_CONST;
	return v;
}

static void check_call(const char *name, int nargs, arc_value **args, const char *want)
{
	char *got = call(name, nargs, args);
	char what[128];
	snprintf(what, sizeof(what), "%s → %s", name, want);
	CHECK_STR(got, want, what);
	free(got);
}

static void test_math(void)
{
	arc_value *a[4];

	a[0] = lit(arc_v_float(0.1)), a[1] = lit(arc_v_float(0.2));
	check_call("addf", 2, a, "0.3");
	a[0] = lit(arc_v_int(1)), a[1] = lit(arc_v_int(3));
	check_call("divf", 2, a, "0.3333333333333333");
	a[0] = lit(arc_v_float(1e-20)), a[1] = lit(arc_v_int(3));
	check_call("divf", 2, a, "0");
	a[0] = lit(arc_v_float(1e20)), a[1] = lit(arc_v_int(3));
	check_call("divf", 2, a, "3.333333333333333e+19");
	a[0] = lit(arc_v_int(1)), a[1] = lit(arc_v_int(0));
	check_call("divf", 2, a, "ERR: decimal division by 0");
	a[0] = lit(arc_v_float(1e200)), a[1] = lit(arc_v_float(1e200));
	check_call("mulf", 2, a, "+Inf");
	a[0] = lit(arc_v_str("nan")), a[1] = lit(arc_v_int(1));
	check_call("addf", 2, a, "ERR: Cannot create a Decimal from NaN");
	a[0] = lit(arc_v_int(1)), a[1] = lit(arc_v_int(0));
	check_call("div", 2, a, "ERR: runtime error: integer divide by zero");
	a[0] = lit(arc_v_int(INT64_MIN)), a[1] = lit(arc_v_int(-1));
	check_call("div", 2, a, "-9223372036854775808");
	a[0] = lit(arc_v_str("3")), a[1] = lit(arc_v_str("0x10")), a[2] = lit(arc_v_str("010"));
	check_call("add", 3, a, "27");
	a[0] = lit(arc_v_str("1_000"));
	check_call("int", 1, a, "1000");
	a[0] = lit(arc_v_str("0x1p-2"));
	check_call("float64", 1, a, "0.25");
	a[0] = lit(arc_v_str("010"));
	check_call("atoi", 1, a, "10");
	a[0] = lit(arc_v_str("99999999999999999999"));
	check_call("atoi", 1, a, "9223372036854775807");
	a[0] = lit(arc_v_float(123.456)), a[1] = lit(arc_v_int(-1));
	check_call("round", 2, a, "120");
	a[0] = lit(arc_v_float(1.23456789)), a[1] = lit(arc_v_int(7));
	check_call("round", 2, a, "1.2345679");
	a[0] = lit(arc_v_int(10)), a[1] = lit(arc_v_int(-3)), a[2] = lit(arc_v_int(1));
	check_call("seq", 3, a, "10 7 4 1");
	a[0] = lit(arc_v_int(-3));
	check_call("until", 1, a, "[0 -1 -2]");
	a[0] = lit(arc_v_str("0777"));
	check_call("toDecimal", 1, a, "511");
	a[0] = lit(arc_v_int(5)), a[1] = lit(arc_v_int(5));
	check_call("randInt", 2, a, "ERR: invalid argument to Intn");
}

static void test_semver(void)
{
	static const struct {
		const char *c, *v;
		int want;
	} cases[] = {
		{ ">=1.20.0-0", "1.25.3-gke.100", 1 }, { ">=1.20.0", "1.25.3-gke.100", 0 },
		{ "^0.2.3", "0.3.0", 0 }, { "~1.2.3", "1.2.9", 1 }, { "1.2 - 1.4", "1.4.9", 1 },
		{ ">=1.0.0 <2.0.0-0", "1.5.0-rc.1", 1 }, { ">=1.0.0 || >=2.0.0-0", "1.5.0-rc.1", 0 },
		{ "!=1.2.x", "1.2.9", 0 }, { ">1.2", "1.2.9", 0 }, { "<=1.2", "1.2.9", 1 },
		{ "*", "3.0.0-beta", 0 }, { ">= 1.1 , < 1.3", "1.3.0", 0 },
	};
	size_t i;
	struct arc_semver v;
	char *s;
	int ok;
	arc_value *a[2];

	for (i = 0; i < ARC_ARRAY_LEN(cases); i++) {
		ok = -1;
		if (arc_semver_parse(&v, cases[i].v, strlen(cases[i].v)) == 0) {
			arc_semver_satisfies(cases[i].c, strlen(cases[i].c), &v, &ok);
			arc_semver_release(&v);
		}
		CHECK(ok == cases[i].want, "semverCompare %s %s = %d", cases[i].c, cases[i].v, cases[i].want);
	}
	CHECK(arc_semver_parse(&v, "01.02.03", 8) == 0, "leading zeros are coerced");
	s = arc_semver_string(&v);
	CHECK_STR(s, "1.2.3", "coerced version prints canonically");
	free(s);
	arc_semver_release(&v);
	CHECK(arc_semver_parse(&v, "1.2.3-01", 8) < 0, "prerelease with a leading zero fails");
	CHECK_STR(arc_error_last(), "version segment starts with 0", "its message");
	a[0] = lit(arc_v_str("bad constraint")), a[1] = lit(arc_v_str("1.0.0"));
	check_call("semverCompare", 2, a, "ERR: improper constraint: bad constraint");
	a[0] = lit(arc_v_str(">=1.0 || foo")), a[1] = lit(arc_v_str("1.0.0"));
	check_call("semverCompare", 2, a, "ERR: improper constraint:  foo");
	a[0] = lit(arc_v_str("v1.2"));
	check_call("semver", 1, a, "1.2.0");
	a[0] = lit(arc_v_str("99999999999999999999.0.0"));
	check_call("semver", 1, a,
		   "ERR: error parsing version segment: strconv.ParseUint: parsing \"99999999999999999999\": value "
		   "out of range");
}

static void fmt_time(struct arc_buf *b, const struct arc_gotime *t, const char *layout)
{
	arc_gotime_format(b, t, layout, strlen(layout));
}

static void test_time(void)
{
	struct arc_gotime t;
	struct arc_buf b = ARC_BUF_INIT;
	struct arc_gotime_loc *loc;
	int64_t d;
	static const char rfc[] = "2006-01-02T15:04:05Z07:00";

	CHECK(arc_gotime_parse(&t, rfc, strlen(rfc), "2024-03-15T12:30:45Z", 20) == 0, "parse RFC 3339");
	fmt_time(&b, &t, "Mon Monday Jan January 01 1 02 2 _2 15 03 3 04 4 05 5 2006 06 PM pm MST");
	CHECK_STR(arc_buf_cstr(&b), "Fri Friday Mar March 03 3 15 15 15 12 12 12 30 30 45 45 2024 24 PM pm UTC",
		  "every layout token");
	arc_buf_reset(&b);
	fmt_time(&b, &t, "Janu Mond 200 0 1a 20066");
	CHECK_STR(arc_buf_cstr(&b), "Janu Mond 1500 0 3a 20246", "partial tokens stay literal");
	arc_buf_reset(&b);
	CHECK(arc_gotime_location("Asia/Kolkata", &loc) == 0, "load Asia/Kolkata");
	t.loc = loc;
	fmt_time(&b, &t, "2006-01-02 15:04:05 -07:00 MST Z07:00:00");
	CHECK_STR(arc_buf_cstr(&b), "2024-03-15 18:00:45 +05:30 IST +05:30:00", "half-hour zone");
	arc_buf_reset(&b);
	CHECK(arc_gotime_location("America/New_York", &loc) == 0, "load America/New_York");
	t.loc = loc;
	fmt_time(&b, &t, "2006-01-02 15:04 MST");
	CHECK_STR(arc_buf_cstr(&b), "2024-03-15 08:30 EDT", "daylight saving time");
	arc_buf_reset(&b);
	CHECK(arc_gotime_location("Mars/Olympus", &loc) < 0, "unknown zone fails");

	CHECK(arc_gotime_parse(&t, "2006-01-02", 10, "2024-13-01", 10) < 0, "month 13 fails");
	CHECK_STR(arc_error_last(), "parsing time \"2024-13-01\": month out of range", "month error text");
	CHECK(arc_gotime_parse(&t, "2006-01-02", 10, "abc", 3) < 0, "garbage fails");
	CHECK_STR(arc_error_last(), "parsing time \"abc\" as \"2006-01-02\": cannot parse \"abc\" as \"2006\"",
		  "cannot parse text");
	CHECK(arc_gotime_parse(&t, "2006-01-02 15:04 MST", 20, "2024-03-15 12:30 PST", 20) == 0,
	      "unknown abbreviation parses");
	arc_gotime_string(&b, &t);
	CHECK_STR(arc_buf_cstr(&b), "2024-03-15 12:30:00 +0000 PST", "as a zero-offset fixed zone");
	arc_buf_reset(&b);
	arc_gotime_loc_unref(t.loc);

	CHECK(arc_gotime_parse_duration("5x", 2, &d) < 0, "unknown unit");
	CHECK_STR(arc_error_last(), "time: unknown unit \"x\" in duration \"5x\"", "unknown unit text");
	CHECK(arc_gotime_parse_duration("1.5h", 4, &d) == 0 && d == 5400000000000LL, "1.5h");
	arc_gotime_duration_string(&b, (int64_t)((uint64_t)9999999999LL * 1000000000ull));
	CHECK_STR(arc_buf_cstr(&b), "-2346317h47m54.709551616s", "wrapped duration prints like Go");
	arc_buf_reset(&b);
	arc_gotime_duration_string(&b, 2000);
	CHECK_STR(arc_buf_cstr(&b), "2\xc2\xb5s", "microseconds use the micro sign");
	arc_buf_release(&b);
}

static void test_url_encoding(void)
{
	arc_value *a[2], *m;

	a[0] = lit(arc_v_str("http://[1.2.3.4]/"));
	check_call("urlParse", 1, a, "ERR: unable to parse url: parse \"http://[1.2.3.4]/\": invalid IP-literal");
	a[0] = lit(arc_v_str("HTTP://EXAMPLE.com/X"));
	check_call("urlParse", 1, a,
		   "map[fragment: host:EXAMPLE.com hostname:EXAMPLE.com opaque: path:/X query: scheme:http userinfo:]");
	m = arc_v_map();
	arc_v_map_set(m, "path", arc_v_str("a:b/c"));
	a[0] = m;
	check_call("urlJoin", 1, a, "./a:b/c");
	m = arc_v_map();
	arc_v_map_set(m, "scheme", arc_v_str("http"));
	arc_v_map_set(m, "host", arc_v_str("h"));
	arc_v_map_set(m, "path", arc_v_str("/\xc3\xa9/%/+;=$&"));
	arc_v_map_set(m, "fragment", arc_v_str("#?/"));
	a[0] = m;
	check_call("urlJoin", 1, a, "http://h/%C3%A9/%25/+;=$&#%23?/");

	a[0] = lit(arc_v_str("YQ==YQ=="));
	check_call("b64dec", 1, a, "illegal base64 data at input byte 4");
	a[0] = lit(arc_v_str("YQ==="));
	check_call("b64dec", 1, a, "illegal base64 data at input byte 4");
	a[0] = lit(arc_v_str("abcdef"));
	check_call("b32enc", 1, a, "MFRGGZDFMY======");
	a[0] = lit(arc_v_str("hello"));
	check_call("sha1sum", 1, a, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
	a[0] = lit(arc_v_int(5));
	check_call("b64enc", 1, a, "ERR: expected string; found 5");
}

int main(void)
{
	test_math();
	test_semver();
	test_time();
	test_url_encoding();
	return tap_done();
}
