/* test_fmt.c - Go's fmt in C: Sprintf verbs, flags and error forms, %v of
 * values, strconv.FormatFloat and strconv.Quote.  Every expected string
 * below was printed by helm v4.1.4 (tests/conformance/cases/printf.test). */
#include "tap.h"
#include "value/codec.h"

#include <math.h>
#include <stdlib.h>

/* an argument from a short spec: "i:42" int, "I:5" int64, "f:1.5" float64,
 * "s:text" string, "b:1" bool, "n" nil */
static arc_value *arg(const char *spec)
{
	switch (spec[0]) {
	case 'i': return arc_v_int(strtoll(spec + 2, NULL, 0));
	case 'I': return arc_v_int_typed(strtoll(spec + 2, NULL, 0), ARC_GO_INT64);
	case 'f': return arc_v_float(strtod(spec + 2, NULL));
	case 's': return arc_v_str(spec + 2);
	case 'b': return arc_v_bool(spec[2] == '1');
	default: return arc_v_null();
	}
}

struct pcase {
	const char *fmt;
	const char *args[8];
	const char *want;
};

static const struct pcase pcases[] = {
	{ "%v", { "f:1e6" }, "1e+06" },
	{ "%v", { "f:1e20" }, "1e+20" },
	{ "%v", { "f:1e-4" }, "0.0001" },
	{ "%v", { "f:1e-5" }, "1e-05" },
	{ "%v", { "f:123456" }, "123456" },
	{ "%v", { "f:1234567" }, "1.234567e+06" },
	{ "%v", { "f:12345678901234567890" }, "1.2345678901234567e+19" },
	{ "%v", { "f:-0.0" }, "-0" },
	{ "%v", { "f:5e-324" }, "5e-324" },
	{ "%v", { "f:1.7976931348623157e308" }, "1.7976931348623157e+308" },
	{ "%v %v %v %v %v", { "f:9007199254740992", "f:9007199254740993", "f:1e23", "f:8.41e21", "f:5e-310" },
	  "9.007199254740992e+15 9.007199254740992e+15 1e+23 8.41e+21 5e-310" },
	{ "%v", { "i:-9223372036854775808" }, "-9223372036854775808" },
	{ "%5d|%-5d|%05d|%+d|% d", { "i:42", "i:42", "i:42", "i:42", "i:42" }, "   42|42   |00042|+42| 42" },
	{ "%x %X %#x %#X %o", { "i:42", "i:42", "i:42", "i:42", "i:42" }, "2a 2A 0x2a 0X2A 52" },
	{ "%#o %O %b %#b", { "i:42", "i:42", "i:42", "i:42" }, "052 0o52 101010 0b101010" },
	{ "%c %q %U %#U", { "i:42", "i:42", "i:42", "i:42" }, "* '*' U+002A U+002A '*'" },
	{ "%.3d|%8.3d|%+05d", { "i:42", "i:42", "i:42" }, "042|     042|+0042" },
	{ "%e", { "i:42" }, "%!e(int=42)" },
	{ "%10T|", { "i:42" }, "       int|" },
	{ "%U", { "i:-42" }, "U+FFFFFFFFFFFFFFD6" },
	{ "%c %c %c", { "i:0x1F600", "i:0x10FFFF", "i:0x110000" },
	  "\xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf \xef\xbf\xbd" },
	{ "%q %q %q %q", { "i:10", "i:39", "i:34", "i:0x7f" }, "'\\n' '\\'' '\"' '\\x7f'" },
	{ "%.6U %#U %#U", { "i:0x41", "i:0x41", "i:10" }, "U+000041 U+0041 'A' U+000A" },
	{ "[%.0d] [%5.0d] [%.0x]", { "i:0", "i:0", "i:0" }, "[] [     ] []" },
	{ "%#o %#o %#O %O %#b %#08x %08x", { "i:0", "i:8", "i:8", "i:-8", "i:0", "i:255", "i:-255" },
	  "0 010 0o010 -0o10 0b0 0x000000ff -00000ff" },
	{ "%08.3d|%-8.3d|%.5x|%#.5x", { "i:7", "i:7", "i:255", "i:255" }, "     007|007     |000ff|0x000ff" },
	{ "%8.3f|%-8.3f|%08.3f|%+f|% f", { "f:3.14159", "f:3.14159", "f:3.14159", "f:3.14159", "f:3.14159" },
	  "   3.142|3.142   |0003.142|+3.141590| 3.141590" },
	{ "%e %E %.3e %g %.3g %#g %#.0f %#.0e", { "f:3.14159", "f:3.14159", "f:3.14159", "f:3.14159",
	  "f:3.14159",
						 "f:3.14159" },
	  "3.141590e+00 3.141590E+00 3.142e+00 3.14159 3.14 3.14159 %!f(MISSING) %!e(MISSING)" },
	{ "%#.0f %#.0e %6.2v| %010v", { "f:3.14159", "f:3.14159", "f:3.14159", "f:3.14159" },
	  "3. 3.e+00    3.1| 0003.14159" },
	{ "%x %X %b", { "f:3.14159", "f:3.14159", "f:3.14159" },
	  "0x1.921f9f01b866ep+01 0X1.921F9F01B866EP+01 7074231776675438p-51" },
	{ "%#x %x %X %.2x %.0x %#.2x", { "f:1", "f:-0.5", "f:255", "f:3.14159", "f:1.5", "f:0" },
	  "0x1.0000p+00 -0x1p-01 0X1.FEP+07 0x1.92p+01 0x1p+01 0x0.00p+00" },
	{ "%e %f %g %v %x %b", { "f:0", "f:0", "f:0", "f:0", "f:0", "f:0" },
	  "0.000000e+00 0.000000 0 0 0x0p+00 0p-1074" },
	{ "%.0f %.0f %.0f %.0f %.1f %.1f %.2f", { "f:0.5", "f:1.5", "f:2.5", "f:3.5", "f:0.25", "f:0.35" },
	  "0 2 2 4 0.2 0.3 %!f(MISSING)" },
	{ "%.1g %.2g %.5g %.10g %.20g %g", { "f:9.99", "f:9.99", "f:100", "f:0.1", "f:0.1", "f:1e-5" },
	  "1e+01 10 100 0.1 0.10000000000000000555 1e-05" },
	{ "%.30f|%.25e|%.40g", { "f:0.1", "f:0.1", "f:0.1" },
	  "0.100000000000000005551115123126|1.0000000000000000555111512e-01|"
	  "0.1000000000000000055511151231257827021182" },
	{ "%06.2f|%-06.2f|%+06.1f|% 06.1f", { "f:-1.5", "f:-1.5", "f:1.5", "f:1.5" },
	  "-01.50|-1.50 |+001.5| 001.5" },
	{ "%f %f", { "f:1e21", "f:1e-7" }, "1000000000000000000000.000000 0.000000" },
	{ "%d", { "f:3" }, "%!d(float64=3)" },
	{ "%x|% x|%# x|%#x|%.2X|%# .3x", { "s:h\xc3\xa9llo", "s:h\xc3\xa9llo", "s:h\xc3\xa9llo",
	  "s:h\xc3\xa9llo",
					  "s:abcdef", "s:abcdef" },
	  "68c3a96c6c6f|68 c3 a9 6c 6c 6f|0x68 0xc3 0xa9 0x6c 0x6c 0x6f|0x68c3a96c6c6f|6162|0x61 0x62 0x63" },
	{ "%10s|%-10s|%.2s|%010s|%5.1q|%#q|%+q", { "s:h\xc3\xa9llo", "s:h\xc3\xa9llo", "s:h\xc3\xa9llo",
	  "s:h\xc3\xa9llo",
						  "s:h\xc3\xa9llo", "s:h\xc3\xa9llo" },
	  "     h\xc3\xa9llo|h\xc3\xa9llo     |h\xc3\xa9|00000h\xc3\xa9llo|"
	  "  \"h\"|`h\xc3\xa9llo`|%!q(MISSING)" },
	{ "%+q %08q %-05s|", { "s:h\xc3\xa9llo", "s:h\xc3\xa9llo", "s:h\xc3\xa9llo" },
	  "\"h\\u00e9llo\" 0\"h\xc3\xa9llo\" h\xc3\xa9llo|" },
	{ "%#q %#q %#q", { "s:with`tick", "s:tab\there", "s:nl\n" }, "\"with`tick\" `tab\there` \"nl\\n\"" },
	{ "%q %x %+q %x", { "s:a\xff" "b\xc3", "s:\xff", "s:\xe2\x82", "s:\xed\xa0\x80" },
	  "\"a\\xffb\\xc3\" ff \"\\xe2\\x82\" eda080" },
	{ "[%x] [%5x] [% x]", { "s:", "s:", "s:" }, "[] [     ] []" },
	{ "%d %t %5t| %T %#v", { "b:1", "b:1", "b:1", "b:1", "b:1" },
	  "%!d(bool=true) true  true| bool true" },
	{ "%v %s %d %T %#v %5v|", { "n", "n", "n", "n", "n", "n" },
	  "<nil> %!s(<nil>) %!d(<nil>) <nil> <nil> <nil>|" },
	{ "%d %s", { "i:1" }, "1 %!s(MISSING)" },
	{ "%d", { "i:1", "i:2", "s:x", "n" }, "1%!(EXTRA int=2, string=x, <nil>)" },
	{ "abc%", { NULL }, "abc%!(NOVERB)" },
	{ "abc%-5", { "i:1" }, "abc%!(NOVERB)%!(EXTRA int=1)" },
	{ "100%% %5%|%-5%|%d%%", { "i:3" }, "100% %|%|3%" },
	{ "%*d", { "s:x", "i:5" }, "%!(BADWIDTH)5" },
	{ "%.*d", { "s:x", "i:5" }, "%!(BADPREC)5" },
	{ "%*d", { "f:5", "i:3" }, "%!(BADWIDTH)3" },
	{ "%*d", { "i:10000000", "i:1" }, "%!(BADWIDTH)1" },
	{ "%.*f", { "i:-1", "f:3.14159" }, "%!(BADPREC)3.141590" },
	{ "[%*d] [%-*d] [%*d]", { "i:5", "i:1", "i:5", "i:2", "i:-5", "i:3" }, "[    1] [2    ] [3    ]" },
	{ "%[2]d %[1]d %d %[1]d", { "i:1", "i:2" }, "2 1 2 1" },
	{ "%[3]d %[0]d %[x]d %[1d", { "i:1", "i:2" },
	  "%!d(BADINDEX) %!d(BADINDEX) %!d(BADINDEX) %!d(BADINDEX)" },
	{ "%[2]*[1]d|%[3]*.[2]*[1]f", { "i:12", "i:5", "i:8" }, "   12|%!f(int=   00012)" },
	{ "%[1]d", { "i:1", "i:2", "i:3" }, "1" },
	{ "%[1]5d", { "i:1" }, "%!d(BADINDEX)" },
	{ "%z %y %!", { "i:1", "s:a" }, "%!z(int=1) %!y(string=a) %!!(MISSING)" },
	{ "%\xc3\xa9", { "i:1" }, "%!\xc3\xa9(int=1)" },
	{ "%5d|%-8d|%+d|%#d", { "s:x", "s:y", "s:z", "f:2.5" },
	  "%!d(string=    x)|%!d(string=y       )|%!d(string=z)|%!d(float64=2.50000)" },
	{ "%100000000d", { "i:1" }, "%!(NOVERB)%!(EXTRA int=1)" },
	{ "%d %", { "i:1", "i:2" }, "1 %!(NOVERB)%!(EXTRA int=2)" },
	{ "%p", { "i:1" }, "%!p(int=1)" },
	{ "%T %v %d", { "I:5", "I:5", "I:-5" }, "int64 5 -5" },
	{ "%x %o", { "i:9223372036854775807", "i:-9223372036854775808" },
	  "7fffffffffffffff -1000000000000000000000" },
};

static void test_sprintf(void)
{
	size_t k;

	for (k = 0; k < ARC_ARRAY_LEN(pcases); k++) {
		const struct pcase *c = &pcases[k];
		struct arc_buf b = ARC_BUF_INIT;
		arc_value *a[8];
		int n = 0, i;
		while (n < 8 && c->args[n])
			n++;
		for (i = 0; i < n; i++)
			a[i] = arg(c->args[i]);
		arc_fmt_sprintf(&b, c->fmt, strlen(c->fmt), a, n);
		CHECK_STR(arc_buf_cstr(&b), c->want, c->fmt);
		for (i = 0; i < n; i++)
			arc_v_unref(a[i]);
		arc_buf_release(&b);
	}
}

static char *sprint(const char *fmt, arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t n;

	arc_fmt_sprintf(&b, fmt, strlen(fmt), &v, 1);
	return arc_buf_detach(&b, &n);
}

static void check_fmt(const char *fmt, arc_value *v, const char *want)
{
	char *s = sprint(fmt, v);
	CHECK_STR(s, want, fmt);
	free(s);
}

static char *vstr(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t n;

	arc_fmt_v(&b, v);
	return arc_buf_detach(&b, &n);
}

static void test_containers(void)
{
	/* values.yaml  l: [a, 1, null, 2.5]  m: {b: [x, y], a: 1, c: null, d: {e: f}} (y is YAML 1.1 true) */
	arc_value *l = arc_v_list(), *m = arc_v_map(), *bl = arc_v_list(), *d = arc_v_map(), *cyc;
	arc_value *bytes = arc_v_strn("hi\"<", 4);
	char *s;

	arc_v_list_push(l, arc_v_str("a"));
	arc_v_list_push(l, arc_v_float(1));
	arc_v_list_push(l, arc_v_null());
	arc_v_list_push(l, arc_v_float(2.5));
	arc_v_list_push(bl, arc_v_str("x"));
	arc_v_list_push(bl, arc_v_bool(1));
	arc_v_map_set(d, "e", arc_v_str("f"));
	arc_v_map_set(m, "b", bl);
	arc_v_map_set(m, "a", arc_v_float(1));
	arc_v_map_set(m, "c", arc_v_null());
	arc_v_map_set(m, "d", d);

	s = vstr(l);
	CHECK_STR(s, "[a 1 <nil> 2.5]", "%v of a list with nil");
	free(s);
	s = vstr(m);
	CHECK_STR(s, "map[a:1 b:[x true] c:<nil> d:map[e:f]]", "%v of a map: sorted keys, nested");
	free(s);
	check_fmt("%d", l, "[%!d(string=a) %!d(float64=1) <nil> %!d(float64=2.5)]");
	check_fmt("%s", l, "[a %!s(float64=1) <nil> %!s(float64=2.5)]");
	check_fmt("%q", l, "[\"a\" %!q(float64=1) <nil> %!q(float64=2.5)]");
	check_fmt("%x", l, "[61 0x1p+00 <nil> 0x1.4p+01]");
	check_fmt("%#v", l, "[]interface {}{\"a\", 1, interface {}(nil), 2.5}");
	check_fmt("%T", l, "[]interface {}");
	check_fmt("%5v", l, "[    a     1 <nil>   2.5]");
	check_fmt("%.1f", l, "[%!f(string=a) 1.0 <nil> 2.5]");
	check_fmt("%#v", m,
		  "map[string]interface {}{\"a\":1, \"b\":[]interface {}{\"x\", true}, "
		  "\"c\":interface {}(nil), \"d\":map[string]interface {}{\"e\":\"f\"}}");
	check_fmt("%d", m, "map[%!d(string=a):%!d(float64=1) %!d(string=b):[%!d(string=x) %!d(bool=true)] "
			   "%!d(string=c):<nil> %!d(string=d):map[%!d(string=e):%!d(string=f)]]");
	check_fmt("%6v",
		m, "map[     a:     1      b:[     x   true]      c:<nil>      d:map[     e:     f]]");

	/* []byte, as .Files.GetBytes returns it */
	bytes->gotype = ARC_GO_BYTES;
	s = vstr(bytes);
	CHECK_STR(s, "[104 105 34 60]", "%v of []byte");
	free(s);
	check_fmt("%s", bytes, "hi\"<");
	check_fmt("%x", bytes, "6869223c");
	check_fmt("% X", bytes, "68 69 22 3C");
	check_fmt("%q", bytes, "\"hi\\\"<\"");
	check_fmt("%T", bytes, "[]uint8");
	check_fmt("%#v", bytes, "[]byte{0x68, 0x69, 0x22, 0x3c}");
	check_fmt("%5v", bytes, "[  104   105    34    60]");
	check_fmt("%c", bytes, "[h i \" <]");

	/* a map holding itself must not recurse forever */
	cyc = arc_v_map();
	arc_v_map_set(cyc, "self", arc_v_ref(cyc));
	s = vstr(cyc);
	CHECK(s && strncmp(s, "map[self:map[self:", 18) == 0, "a cyclic map prints a bounded text");
	free(s);
	arc_v_map_del(cyc, "self");
	arc_v_unref(cyc);

	arc_v_unref(bytes);
	arc_v_unref(l);
	arc_v_unref(m);
}

/* an object of a Go integer type with a String method, like time.Month */
static int month_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			arc_value **out)
{
	(void)self, (void)is_call, (void)args, (void)nargs;
	if (!*name) {
		*out = arc_v_int_typed(3, ARC_GO_INT64);
		return 0;
	}
	return ARC_E_NOTFOUND;
}

static void month_format(arc_value *self, struct arc_buf *b)
{
	(void)self;
	arc_buf_puts(b, "March");
}

static const struct arc_vclass month_class = { "time.Month", month_lookup, month_format, NULL };

static void test_objects(void)
{
	static const char f[] = "%v|%s|%d|%x|%q|%c|%#v|%T|%f|%05d|%U|%6v|%-4d|";
	arc_value *m = arc_v_object(&month_class, NULL), *a[13], *l = arc_v_list();
	struct arc_buf b = ARC_BUF_INIT;
	int i;

	for (i = 0; i < 13; i++)
		a[i] = m;
	arc_fmt_sprintf(&b, f, strlen(f), a, 13);
	CHECK_STR(arc_buf_cstr(&b), "March|March|3|4d61726368|\"March\"|\x03|3|time.Month|"
		  "%!f(time.Month=3)|00003|U+0003| March|3   |",
		  "integer object: String for string verbs, the number otherwise");
	arc_v_list_push(l, arc_v_ref(m));
	arc_v_list_push(l, arc_v_int(1));
	check_fmt("%d", l, "[3 1]");
	check_fmt("%v", l, "[March 1]");
	check_fmt("%s", l, "[March %!s(int=1)]");
	arc_buf_release(&b);
	arc_v_unref(l);
	arc_v_unref(m);
}

static void check_float(double f, char fmt, int prec, const char *want)
{
	struct arc_buf b = ARC_BUF_INIT;
	char what[64];

	arc_fmt_float(&b, f, fmt, prec);
	snprintf(what, sizeof(what), "FormatFloat(%.17g, '%c', %d)", f, fmt, prec);
	CHECK_STR(arc_buf_cstr(&b), want, what);
	arc_buf_release(&b);
}

static int count_digits(const char *s)
{
	int n = 0;

	for (; *s && *s != 'e'; s++)
		if (*s >= '0' && *s <= '9')
			n++;
	return n;
}

static void test_float(void)
{
	uint64_t x = 88172645463325252ULL;
	int i, bad_trip = 0, not_short = 0;

	check_float(1000000, 'g', -1, "1e+06");
	check_float(123456789, 'g', -1, "1.23456789e+08");
	check_float(NAN, 'g', -1, "NaN");
	check_float(INFINITY, 'f', 3, "+Inf");
	check_float(-INFINITY, 'e', -1, "-Inf");
	check_float(0.1, 'g', 20, "0.10000000000000000555");
	check_float(9.99, 'g', 1, "1e+01");
	check_float(1.0, 'x', -1, "0x1p+00");
	check_float(-0.1, 'b', -1, "-7205759403792794p-56");
	check_float(-1234.5678, 'g', 3, "-1.23e+03");
	check_float(2.2250738585072014e-308, 'e', 6, "2.225074e-308");
	check_float(1e21, 'f', 0, "1000000000000000000000");

	/* shortest digits: read back exactly, and one digit fewer never does */
	for (i = 0; i < 50000; i++) {
		struct arc_buf b = ARC_BUF_INIT;
		double f, back;
		char alt[64];
		int nd;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&f, &x, sizeof(f));
		if (isnan(f) || isinf(f))
			continue;
		arc_fmt_float(&b, f, 'e', -1);
		back = strtod(arc_buf_cstr(&b), NULL);
		if (back != f)
			bad_trip++;
		nd = count_digits(arc_buf_cstr(&b));
		if (nd > 1) {
			snprintf(alt, sizeof(alt), "%.*e", nd - 2, f);
			if (strtod(alt, NULL) == f)
				not_short++;
		}
		arc_buf_release(&b);
	}
	CHECK(bad_trip == 0, "shortest 'e' reads back exactly (%d failures)", bad_trip);
	CHECK(not_short == 0, "shortest 'e' has no shorter round-trip form (%d failures)", not_short);
}

static void check_quote(const char *in, size_t n, const char *want)
{
	struct arc_buf b = ARC_BUF_INIT;

	arc_fmt_quote(&b, in, n);
	CHECK_STR(arc_buf_cstr(&b), want, want);
	arc_buf_release(&b);
}

static void test_quote(void)
{
	static const char esc[] = "a\tb\nc\"d\\e\0\x7f\xc2\xa0\xe2\x80\xa8"
				  "\xf0\x9f\x98\x80 \xc3\xa9\a\b\f\v\r";

	check_quote(esc, sizeof(esc) - 1,
		    "\"a\\tb\\nc\\\"d\\\\e\\x00\\x7f\\u00a0\\u2028"
		    "\xf0\x9f\x98\x80 \xc3\xa9\\a\\b\\f\\v\\r\"");
	check_quote("h\xc3\xa9llo \xc2\xa0 \xf0\x9f\x98\x80",
		14, "\"h\xc3\xa9llo \\u00a0 \xf0\x9f\x98\x80\"");
	check_quote("\xe2\x80\x8b\xc2\xad\xef\xbb\xbf\xf3\xa0\x80\x81\xcd\xb8\xef\xbf\xbd", 17,
		    "\"\\u200b\\u00ad\\ufeff\\U000e0001\\u0378\xef\xbf\xbd\"");
	check_quote("a\xff" "b\xc3", 4, "\"a\\xffb\\xc3\"");
}

int main(void)
{
	test_sprintf();
	test_containers();
	test_objects();
	test_float();
	test_quote();
	return tap_done();
}
