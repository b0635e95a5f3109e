/* test_json.c - JSON in and out as Go's encoding/json.  Every expected
 * string below was produced by helm v4.1.4 (tests/conformance/cases/json.test). */
#include "tap.h"
#include "value/codec.h"

#include <math.h>
#include <stdlib.h>

/* load s, dump it again with flags; returns the text or "ERR: message" */
static char *roundtrip(const char *s, size_t n, unsigned flags)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *v = NULL;
	size_t len;

	if (arc_json_load(&v, NULL, s, n)) {
		arc_buf_printf(&b, "ERR: %s", arc_error_last());
	} else {
		if (arc_json_dump(&b, v, flags))
			arc_buf_printf(&b, "DUMPERR: %s", arc_error_last());
		arc_v_unref(v);
	}
	return arc_buf_detach(&b, &len);
}

static void check_rt(const char *in, unsigned flags, const char *want)
{
	char *s = roundtrip(in, strlen(in), flags);
	CHECK_STR(s, want, in);
	free(s);
}

static void check_err(const char *in, size_t n, const char *want)
{
	arc_value *v = NULL;
	int rc = arc_json_load(&v, NULL, in, n);
	char what[96];

	snprintf(what, sizeof(what), "error for %.60s", in);
	CHECK(rc < 0 && v == NULL, "%s fails", what);
	CHECK_STR(rc < 0 ? arc_error_last() : "(no error)", want, what);
}

static const struct {
	const char *in, *want;
} errs[] = {
	{ "", "unexpected end of JSON input" },
	{ "   ", "unexpected end of JSON input" },
	{ "{", "unexpected end of JSON input" },
	{ "{\"a\":}", "invalid character '}' looking for beginning of value" },
	{ "{\"a\" 1}", "invalid character '1' after object key" },
	{ "{\"a\":1,}", "invalid character '}' looking for beginning of object key string" },
	{ "{a:1}", "invalid character 'a' looking for beginning of object key string" },
	{ "{'a':1}", "invalid character '\\'' looking for beginning of object key string" },
	{ "tru", "invalid character ' ' in literal true (expecting 'e')" },
	{ "trux", "invalid character 'x' in literal true (expecting 'e')" },
	{ "nul", "invalid character ' ' in literal null (expecting 'l')" },
	{ "falsy", "invalid character 'y' in literal false (expecting 'e')" },
	{ "-", "invalid character ' ' in numeric literal" },
	{ "-a", "invalid character 'a' in numeric literal" },
	{ "1.", "invalid character ' ' after decimal point in numeric literal" },
	{ "1.x", "invalid character 'x' after decimal point in numeric literal" },
	{ "1e", "invalid character ' ' in exponent of numeric literal" },
	{ "1e+", "invalid character ' ' in exponent of numeric literal" },
	{ "1ex", "invalid character 'x' in exponent of numeric literal" },
	{ "01", "invalid character '1' after top-level value" },
	{ "+1", "invalid character '+' looking for beginning of value" },
	{ ".5", "invalid character '.' looking for beginning of value" },
	{ "0x10", "invalid character 'x' after top-level value" },
	{ "\"abc", "unexpected end of JSON input" },
	{ "\"\\x\"", "invalid character 'x' in string escape code" },
	{ "\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape" },
	{ "\"\\u12", "invalid character ' ' in \\u hexadecimal character escape" },
	{ "\"\\", "invalid character ' ' in string escape code" },
	{ "\"a\tb\"", "invalid character '\\t' in string literal" },
	{ "\"a\nb\"", "invalid character '\\n' in string literal" },
	{ "{\"a\":1}x", "invalid character 'x' after top-level value" },
	{ "{} {}", "invalid character '{' after top-level value" },
	{ "\xc3\xa9", "invalid character '\xc3\x83' looking for beginning of value" },
	{ "\xef\xbb\xbf{}", "invalid character '\xc3\xaf' looking for beginning of value" },
	{ "{\"a\":[1 2]}", "invalid character '2' after array element" },
	{ "{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair" },
	{ "{\"a\":[1}", "invalid character '}' after array element" },
	{ "{\"a\":[1", "unexpected end of JSON input" },
	{ "{\"a\"", "unexpected end of JSON input" },
	{ "{\"a\":", "unexpected end of JSON input" },
	{ "{\"a\":1'}", "invalid character '\\'' after object key:value pair" },
	{ "{1:2}", "invalid character '1' looking for beginning of object key string" },
	{ "NaN", "invalid character 'N' looking for beginning of value" },
	{ "{/*x*/}", "invalid character '/' looking for beginning of object key string" },
	{ "\x7f", "invalid character '\\x7f' looking for beginning of value" },
	{ "\xff", "invalid character '\xc3\xbf' looking for beginning of value" },
	{ "[1,]", "invalid character ']' looking for beginning of value" },
	{ "[[1,2}", "invalid character '}' after array element" },
	{ "[1]]", "invalid character ']' after top-level value" },
	{ "[1e500]", "json: cannot unmarshal number 1e500 into Go value of type float64" },
};

static void test_errors(void)
{
	size_t k;
	char *deep;
	arc_value *v = NULL;

	for (k = 0; k < ARC_ARRAY_LEN(errs); k++)
		check_err(errs[k].in, strlen(errs[k].in), errs[k].want);
	check_err("\0", 1, "invalid character '\\x00' looking for beginning of value");

	/* nesting: 10000 levels are fine, 10001 are not */
	deep = malloc(20002);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	CHECK(arc_json_load(&v, NULL, deep, 20000) == 0 && v, "10000 nested arrays load");
	arc_v_unref(v);
	memset(deep, '[', 10001);
	memset(deep + 10001, ']', 10001);
	check_err(deep, 20002, "invalid character '[' exceeded max depth");
	free(deep);

	/* the name prefixes the message */
	CHECK(arc_json_load(&v, "fromJson", "x", 1) < 0 &&
	      !strcmp(arc_error_last(), "fromJson: invalid character 'x' looking for beginning of value"),
	      "name prefixes the message");

	/* out-of-range numbers: Go keeps decoding; the partial form returns the value */
	v = NULL;
	CHECK(arc_json_load_partial(&v, NULL, "{\"a\":1,\"b\":1e400}", 17) == ARC_E_TYPE && v,
	      "partial load returns the value with the range error");
	CHECK_STR(arc_error_last(), "json: cannot unmarshal number 1e400 into Go value of type float64",
		  "range error text");
	if (v) {
		struct arc_buf b = ARC_BUF_INIT;
		arc_v_map_set(v, "Error", arc_v_str(arc_error_last()));
		arc_json_dump(&b, v, ARC_JSON_HTML);
		CHECK_STR(arc_buf_cstr(&b),
			  "{\"Error\":\"json: cannot unmarshal number 1e400 into Go value of type float64\","
			  "\"a\":1,\"b\":null}",
			  "fromJson keeps the partial map");
		arc_buf_release(&b);
		arc_v_unref(v);
	}
	v = NULL;
	CHECK(arc_json_load_partial(&v, NULL, "{\"a\":1,\"b\":-1e999,\"c\":2}", 24) == ARC_E_TYPE && v &&
	      arc_v_map_len(v) == 3 && !strcmp(arc_error_last(),
	      "json: cannot unmarshal number -1e999 into Go value of type float64"),
	      "first range error is kept");
	arc_v_unref(v);
	v = NULL;
	CHECK(arc_json_load_partial(&v, NULL, "[1e400,]", 8) == ARC_E_PARSE && v == NULL &&
	      !strcmp(arc_error_last(), "invalid character ']' looking for beginning of value"),
	      "a syntax error wins over a range error");
}

static void test_decode(void)
{
	check_rt("{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}", ARC_JSON_HTML,
		 "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}");
	check_rt(" \t\n\r{ \"a\" : 1 } \n", ARC_JSON_HTML, "{\"a\":1}");
	check_rt("{\"a\":1,\"a\":2,\"b\":{\"x\":1},\"b\":{\"y\":2}}",
		ARC_JSON_HTML, "{\"a\":2,\"b\":{\"y\":2}}");
	check_rt("{\"a\":1,\"b\":-0,\"c\":1.5e3,\"d\":1E-7,"
		 "\"e\":12345678901234567890,\"f\":0.1,\"g\":-1.0e+2}",
		 ARC_JSON_HTML,
		 "{\"a\":1,\"b\":-0,\"c\":1500,\"d\":1e-7,\"e\":12345678901234567000,\"f\":0.1,\"g\":-100}");
	check_rt("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u2028\"}", ARC_JSON_HTML,
		 "{\"a\":\"\\\"\\\\/\\b\\f\\n\\r\\t\xc3\xa9\\u2028\"}");
	check_rt("{\"a\":\"\\ud83d\\ude00\"}", ARC_JSON_HTML, "{\"a\":\"\xf0\x9f\x98\x80\"}");
	check_rt("{\"a\":\"\\ud800x\",\"b\":\"\\udc00\",\"c\":\"\\ud800\\u0041\",\"d\":\"\\ud800\\ud800\"}",
		ARC_JSON_HTML,
		 "{\"a\":\"\xef\xbf\xbdx\",\"b\":\"\xef\xbf\xbd\",\"c\":\"\xef\xbf\xbd" "A\","
		 "\"d\":\"\xef\xbf\xbd\xef\xbf\xbd\"}");
	check_rt("{\"a\":\"x\xffy\xc3\"}", ARC_JSON_HTML, "{\"a\":\"x\xef\xbf\xbdy\xef\xbf\xbd\"}");
	check_rt("{\"a\":\"x\\u0000y\"}", ARC_JSON_HTML, "{\"a\":\"x\\u0000y\"}");
	check_rt("{\"a\":[],\"b\":{},\"c\":[[]]}", ARC_JSON_HTML, "{\"a\":[],\"b\":{},\"c\":[[]]}");
	check_rt("{\"a\":1e308,\"b\":1e-400}", ARC_JSON_HTML, "{\"a\":1e+308,\"b\":0}");
	check_rt("null", ARC_JSON_HTML, "null");
	check_rt("{\"z\":1,\"a\":[1.5,\"x\",null,{\"k\":true}],\"m\":{}}", ARC_JSON_HTML,
		 "{\"a\":[1.5,\"x\",null,{\"k\":true}],\"m\":{},\"z\":1}");
	{
		arc_value *v = NULL;
		CHECK(arc_json_load(&v, NULL, "{\"a\":1}", 7) == 0 && v->kind == ARC_MAP &&
		      arc_v_map_get(v, "a")->kind == ARC_FLOAT, "numbers decode as float64");
		arc_v_unref(v);
	}
}

/* objects: time.Month answers "" with its integer, time.Time has MarshalJSON */
static int obj_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		      arc_value **out)
{
	(void)is_call, (void)args, (void)nargs;
	if (self->u.o.data && !*name) {
		*out = arc_v_int_typed(3, ARC_GO_INT64);
		return 0;
	}
	if (!self->u.o.data && !strcmp(name, "MarshalJSON")) {
		*out = arc_v_str("\"2024-03-15T12:30:45.5+02:00\"");
		(*out)->gotype = ARC_GO_BYTES;
		return 0;
	}
	return arc_error_code(ARC_E_NOTFOUND, "no %s", name);
}

static const struct arc_vclass obj_class = { "time.Time", obj_lookup, NULL, NULL };
static const struct arc_vclass plain_class = { "chart.Plain", NULL, NULL, NULL };

static void check_dump(arc_value *v, unsigned flags, const char *want, const char *what);

static void test_objects(void)
{
	static int one = 1;
	arc_value *l = arc_v_list(), *p = arc_v_object(&plain_class, NULL);
	struct arc_buf b = ARC_BUF_INIT;

	arc_v_list_push(l, arc_v_object(&obj_class, &one));
	arc_v_list_push(l, arc_v_object(&obj_class, NULL));
	check_dump(l, ARC_JSON_HTML, "[3,\"2024-03-15T12:30:45.5+02:00\"]", "integer object and MarshalJSON");
	CHECK(arc_json_dump(&b, p, 0) < 0 && !strcmp(arc_error_last(), "json: unsupported type: chart.Plain"),
	      "other objects are unsupported");
	arc_buf_release(&b);
	arc_v_unref(p);
	arc_v_unref(l);
}

static void check_dump(arc_value *v, unsigned flags, const char *want, const char *what)
{
	struct arc_buf b = ARC_BUF_INIT;

	CHECK(arc_json_dump(&b, v, flags) == 0, "%s: dumps", what);
	CHECK_STR(arc_buf_cstr(&b), want, what);
	arc_buf_release(&b);
}

static void test_encode(void)
{
	static const double fl[] = { 0.1, 0.5, 1e20, 1e21, 1e-6, 1e-7, 123456789.0, 1.2345678912345678e-8,
				     5e-324,
				     1.7976931348623157e308, 1000000 };
	static const char *strs[] = { "a<b>c&d", "\xe2\x80\xa8\xe2\x80\xa9", "\x00\x1f\x7f", "tab\there",
				      "\xff\xfeok", "\xed\xa0\x80", "emoji \xf0\x9f\x98\x80" };
	static const size_t slen[] = { 7, 6, 3, 8, 4, 3, 10 };
	arc_value *l = arc_v_list(), *s = arc_v_list(), *m = arc_v_map(), *e, *bytes, *nan;
	struct arc_buf b = ARC_BUF_INIT;
	size_t k;

	for (k = 0; k < ARC_ARRAY_LEN(fl); k++)
		arc_v_list_push(l, arc_v_float(fl[k]));
	check_dump(l, ARC_JSON_HTML,
		   "[0.1,0.5,100000000000000000000,1e+21,0.000001,1e-7,123456789,1.2345678912345678e-8,"
		   "5e-324,"
		   "1.7976931348623157e+308,1000000]",
		   "float formatting");
	for (k = 0; k < ARC_ARRAY_LEN(strs); k++)
		arc_v_list_push(s, arc_v_strn(strs[k], slen[k]));
	check_dump(s, ARC_JSON_HTML,
		   "[\"a\\u003cb\\u003ec\\u0026d\",\"\\u2028\\u2029\",\"\\u0000\\u001f\x7f\",\"tab\\there\","
		   "\"\\ufffd\\ufffdok\",\"\\ufffd\\ufffd\\ufffd\",\"emoji \xf0\x9f\x98\x80\"]",
		   "string escapes with HTML");
	check_dump(s, 0,
		   "[\"a<b>c&d\",\"\\u2028\\u2029\",\"\\u0000\\u001f\x7f\",\"tab\\there\","
		   "\"\\ufffd\\ufffdok\",\"\\ufffd\\ufffd\\ufffd\",\"emoji \xf0\x9f\x98\x80\"]",
		   "string escapes without HTML");
	e = arc_v_str("a\x01" "b\tc\nd\re\bf\fg\x1f\x7f");
	check_dump(e, ARC_JSON_HTML, "\"a\\u0001b\\tc\\nd\\re\\bf\\fg\\u001f\x7f\"", "control characters");
	arc_v_unref(e);

	arc_v_map_set(m, "b", arc_v_int(1));
	e = arc_v_list();
	arc_v_list_push(e, arc_v_int(1));
	arc_v_list_push(e, arc_v_int(2));
	arc_v_map_set(m, "a", e);
	arc_v_map_set(m, "\xc3\xa9", arc_v_str("x"));
	arc_v_map_set(m, "B", arc_v_int(2));
	arc_v_map_set(m, "_", arc_v_int(3));
	arc_v_map_set(m, "", arc_v_int(4));
	check_dump(m, ARC_JSON_HTML, "{\"\":4,\"B\":2,\"_\":3,\"a\":[1,2],\"b\":1,\"\xc3\xa9\":\"x\"}",
		"sorted keys");
	check_dump(m, ARC_JSON_HTML | ARC_JSON_INDENT,
		   "{\n  \"\": 4,\n  \"B\": 2,\n  \"_\": 3,\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": 1,\n"
		   "  \"\xc3\xa9\": \"x\"\n}",
		   "indented");
	arc_v_unref(m);

	/* {"a": [[], {}, [1, {"b": [{}]}]], "c": "d"} */
	m = arc_v_map();
	e = arc_v_list();
	arc_v_list_push(e, arc_v_list());
	arc_v_list_push(e, arc_v_map());
	{
		arc_value *in = arc_v_list(), *d = arc_v_map(), *bl = arc_v_list();
		arc_v_list_push(bl, arc_v_map());
		arc_v_map_set(d, "b", bl);
		arc_v_list_push(in, arc_v_int(1));
		arc_v_list_push(in, d);
		arc_v_list_push(e, in);
	}
	arc_v_map_set(m, "a", e);
	arc_v_map_set(m, "c", arc_v_str("d"));
	check_dump(m, ARC_JSON_HTML | ARC_JSON_INDENT,
		   "{\n  \"a\": [\n    [],\n    {},\n    [\n      1,\n      {\n"
		   "        \"b\": [\n          {}\n"
		   "        ]\n      }\n    ]\n  ],\n  \"c\": \"d\"\n}",
		   "indented, empty containers compact");
	arc_v_unref(m);

	bytes = arc_v_str("hello\nworld");
	bytes->gotype = ARC_GO_BYTES;
	check_dump(bytes, ARC_JSON_HTML, "\"aGVsbG8Kd29ybGQ=\"", "[]byte as base64");
	arc_v_unref(bytes);

	nan = arc_v_float(NAN);
	CHECK(arc_json_dump(&b, nan, 0) < 0 && !strcmp(arc_error_last(), "json: unsupported value: NaN"),
	      "NaN fails");
	arc_v_unref(nan);
	nan = arc_v_list();
	arc_v_list_push(nan, arc_v_int(1));
	arc_v_list_push(nan, arc_v_float(-INFINITY));
	arc_buf_reset(&b);
	CHECK(arc_json_dump(&b, nan, 0) < 0 && !strcmp(arc_error_last(), "json: unsupported value: -Inf"),
	      "nested -Inf fails");
	arc_v_unref(nan);

	/* a cycle is an error, not a crash */
	m = arc_v_map();
	arc_v_map_set(m, "self", arc_v_ref(m));
	arc_buf_reset(&b);
	CHECK(arc_json_dump(&b, m, 0) < 0 && strstr(arc_error_last(), "encountered a cycle"),
	      "cycle detected");
	arc_v_map_del(m, "self");
	arc_v_unref(m);

	arc_buf_release(&b);
	arc_v_unref(l);
	arc_v_unref(s);
}

int main(void)
{
	test_errors();
	test_decode();
	test_encode();
	test_objects();
	return tap_done();
}
