/*
 * test_tpl.c - the template engine: lexer, parser, executor and builtins.
 * Expected texts are Go's (text/template as Helm 4 uses it: missingkey=zero).
 *
 * Also a small tool to try the engine by hand:
 *   build/tests/unit/test_tpl -e 'TEMPLATE' [VALUES.yaml]
 * renders TEMPLATE with {"Values": <values>} as dot and prints the output
 * (or the error, exit status 1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gotmpl/template.h"
#include "tap.h"
#include "value/codec.h"

static arc_value *values_from_yaml(const char *text)
{
	arc_value *v = NULL;
	if (arc_yaml_load(&v, "values.yaml", text, strlen(text), ARC_YAML_FLOATS) < 0) {
		printf("# bad test values: %s\n", arc_error_last());
		return arc_v_map();
	}
	if (v->kind == ARC_NULL) {
		arc_v_unref(v);
		return arc_v_map();
	}
	return v;
}

/* Render `tpl` as template "T" with {"Values": values}; returns a malloc'd
 * string: the output, or "ERR: " + the error. */
static char *render_with(struct arc_tpl_set *set, const char *tpl, const char *values)
{
	arc_value *data = arc_v_map();
	struct arc_buf out = ARC_BUF_INIT;
	char *res;
	int rc;
	arc_v_map_set(data, "Values", values_from_yaml(values ? values : ""));
	rc = arc_tpl_parse(set, "T", tpl, strlen(tpl));
	if (rc == 0)
		rc = arc_tpl_execute(set, "T", data, &out);
	if (rc < 0)
		res = xasprintf("ERR: %s", arc_error_last());
	else
		res = xstrdup(arc_buf_cstr(&out));
	arc_buf_release(&out);
	arc_v_unref(data);
	return res;
}

static char *render(const char *tpl, const char *values)
{
	struct arc_tpl_set *set = arc_tpl_set_new(NULL);
	char *r = render_with(set, tpl, values);
	arc_tpl_set_free(set);
	return r;
}

/* the template as a one-line test name */
static char *name_of(const char *tpl)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t n = strlen(tpl), i;
	for (i = 0; i < n && i < 90; i++) {
		if (tpl[i] == '\n')
			arc_buf_puts(&b, "\\n");
		else
			arc_buf_putc(&b, tpl[i]);
	}
	if (i < n)
		arc_buf_puts(&b, "...");
	return arc_buf_detach(&b, NULL);
}

#define T(tpl, values, want)                                                                     \
	do {                                                                                       \
		char *got_ = render((tpl), (values)), *name_ = name_of(tpl);                       \
		CHECK_STR(got_, (want), name_);                                                    \
		free(got_);                                                                        \
		free(name_);                                                                       \
	} while (0)

static void test_lexer(void)
{
	T("a  \n {{- 3 -}} \n b", NULL, "a3b");
	T("{{-3}}", NULL, "-3");
	T("a {{/* c */}} b", NULL, "a  b");
	T("a {{- /* c */ -}} b", NULL, "ab");
	T("{{ /* c */}}", NULL, "ERR: template: T:1: unexpected \"/\" in command");
	T("{{/* c */ }}", NULL, "ERR: template: T:1: comment ends before closing delimiter");
	T("{{/* c", NULL, "ERR: template: T:1: unclosed comment");
	T("{{ `a\nb` }}", NULL, "a\nb");
	T("{{ \"a\\tb\\u00e9\\x41\" }}", NULL, "a\tb\xc3\xa9" "A");
	T("{{ \"a\nb\" }}", NULL, "ERR: template: T:1: unterminated quoted string");
	T("{{ 'a' }} {{ '\\n' }}", NULL, "97 10");
	T("{{ 'ab' }}", NULL, "ERR: template: T:1: malformed character constant: 'ab'");
	T("{{ 0x10 }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}", NULL, "16 15 15 5 1000");
	T("{{ 1e3 }} {{ 1.5 }} {{ .5 }} {{ 0x1p3 }} {{ 1e6 }}", NULL, "1000 1.5 0.5 8 1e+06");
	T("{{ 2i }} {{ 1+2i }} {{ 0i }}", NULL, "(0+2i) (1+2i) (0+0i)");
	T("{{ 089 }}", NULL, "ERR: template: T:1: integer overflow: \"089\"");
	T("{{ 3x }}", NULL, "ERR: template: T:1: bad number syntax: \"3x\"");
	T("{{ 18446744073709551615 }}", NULL,
	  "ERR: template: T:1:3: executing \"T\" at <18446744073709551615>: 18446744073709551615 "
	    "overflows int");
	T("{{ .Values.foo-bar }}", NULL, "ERR: template: T:1: bad character U+002D '-'");
	T("{{ % }}", NULL, "ERR: template: T:1: unexpected \"%\" in command");
	T("{{ \x01 }}", NULL, "ERR: template: T:1: unrecognized character in action: U+0001");
	T("{{ \xe2\x9c\x93 }}", NULL,
	  "ERR: template: T:1: unrecognized character in action: U+2713 '\xe2\x9c\x93'");
	T("a{{ 1\n\n", NULL, "ERR: template: T:3: unclosed action started at T:1");
	T("{{ (1 }}", NULL, "ERR: template: T:1: unclosed left paren");
	T("{{ 1) }}", NULL, "ERR: template: T:1: unexpected right paren");
}

static void test_parser(void)
{
	T("{{ }}", NULL, "ERR: template: T:1: missing value for command");
	T("{{ if }}{{ end }}", NULL, "ERR: template: T:1: missing value for if");
	T("{{ if 1 }}", NULL, "ERR: template: T:1: unexpected EOF");
	T("{{ end }}", NULL, "ERR: template: T:1: unexpected {{end}}");
	T("{{ nope }}", NULL, "ERR: template: T:1: function \"nope\" not defined");
	T("{{ $x }}", NULL, "ERR: template: T:1: undefined variable \"$x\"");
	T("{{ break }}", NULL, "ERR: template: T:1: {{break}} outside {{range}}");
	T("{{ 1 | 2 }}", NULL, "ERR: template: T:1: non executable command in pipeline stage 2");
	T("{{ \"x\".y }}", NULL, "ERR: template: T:1: unexpected . after term \"\\\"x\\\"\"");
	T("{{ $x, $y := 1 }}", NULL, "ERR: template: T:1: too many declarations in command");
	T("{{ range $a, 3 }}{{ end }}", NULL, "ERR: template: T:1: range can only initialize variables");
	T("{{ if 1 }}{{ else }}{{ else }}{{ end }}", NULL,
	  "ERR: template: T:1: expected end; found {{else}}");
	T("{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}", NULL,
	  "ERR: template: T:1: template: multiple definition of template \"x\"");
	T("{{ define \"x\" }}a{{ end }}{{ define \"x\" }} {{ end }}{{ template \"x\" }}", NULL, "a");
	T("{{ print (((1))) }}", NULL, "1");
}

static void test_depth(void)
{
	struct arc_buf b = ARC_BUF_INIT;
	char *got;
	int i;
	arc_buf_puts(&b, "{{ ");
	for (i = 0; i < 10001; i++)
		arc_buf_putc(&b, '(');
	arc_buf_putc(&b, '1');
	for (i = 0; i < 10001; i++)
		arc_buf_putc(&b, ')');
	arc_buf_puts(&b, " }}");
	got = render(arc_buf_cstr(&b), NULL);
	CHECK_STR(got, "ERR: template: T:1: max expression depth exceeded", "10001 parentheses");
	free(got);
	arc_buf_reset(&b);
	for (i = 0; i < 5000; i++)
		arc_buf_puts(&b, "{{ if true }}");
	arc_buf_putc(&b, 'x');
	for (i = 0; i < 5000; i++)
		arc_buf_puts(&b, "{{ end }}");
	got = render(arc_buf_cstr(&b), NULL);
	CHECK_STR(got, "x", "5000 nested ifs");
	free(got);
	arc_buf_release(&b);
	T("{{ define \"r\" }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}", NULL,
	  "ERR: template: T:1:28: executing \"r\" at <{{template \"r\" .}}>: exceeded maximum "
	    "template depth (100000)");
}

static void test_exec(void)
{
	const char *v = "name: arc\nnum: 3\nl: [a, b]\nm: {z: 1, a: 2}\nnul: null\nbig: 1000000\n";
	T("{{ .Values.name }} {{ .Values.num }} {{ .Values.big }} {{ .Values.l }} {{ .Values.m }}", v,
	  "arc 3 1e+06 [a b] map[a:2 z:1]");
	T("[{{ .Values.missing }}] [{{ .Values.nul }}]", v, "[<no value>] [<no value>]");
	T("{{ .Values.missing.x }}", v,
	  "ERR: template: T:1:10: executing \"T\" at <.Values.missing.x>: nil pointer evaluating "
	    "interface {}.x");
	T("{{ $x := .Values.missing }}[{{ $x.y }}]", v, "[<no value>]");
	T("{{ .Values.num.x }}", v,
	  "ERR: template: T:1:10: executing \"T\" at <.Values.num.x>: can't evaluate field x in "
	    "type interface {}");
	T("{{ $n := .Values.num }}{{ $n.x }}", v,
	  "ERR: template: T:1:28: executing \"T\" at <$n.x>: can't evaluate field x in type float64");
	T("{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}", v, "a=2;z=1;");
	T("{{ range $i, $e := .Values.l }}{{ $i }}{{ $e }}{{ end }}", v, "0a1b");
	T("{{ range .Values.missing }}x{{ else }}none{{ end }}", v, "none");
	T("{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}", v, "012|01");
	T("{{ range .Values.num }}{{ end }}", v,
	  "ERR: template: T:1:16: executing \"T\" at <.Values.num>: range can't iterate over 3");
	T("{{ range .Values.l }}{{ if eq . \"b\" }}{{ break }}{{ end }}{{ . }}{{ end }}", v, "a");
	T("{{ range .Values.l }}{{ if eq . \"a\" }}{{ continue }}{{ end }}{{ . }}{{ end }}", v, "b");
	T("{{ with .Values.name }}{{ . }}{{ else }}no{{ end }}", v, "arc");
	T("{{ with .Values.missing }}x{{ else with .Values.name }}{{ . }}{{ end }}", v, "arc");
	T("{{ if .Values.missing }}a{{ else if .Values.num }}b{{ end }}", v, "b");
	T("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", v, "2");
	T("{{ define \"t\" }}<{{ . }}>{{ end }}{{ template \"t\" .Values.name }}", v, "<arc>");
	T("{{ template \"nope\" }}", v, "ERR: template: T:1:12: executing \"T\" at <{{template \"nope\"}}>: "
				    "template \"nope\" not defined");
	T("{{ and 1 0 2 }} {{ or 0 \"\" 3 }} {{ and 1 2 }}", v, "0 3 2");
	T("{{ and false (index .Values.l 9) }}", v, "false");
	T("{{ not .Values.missing }} {{ len .Values.l }} {{ index .Values.m \"z\" }}", v, "true 2 1");
	T("{{ len .Values.missing }}", v,
	  "ERR: template: T:1:3: executing \"T\" at <len .Values.missing>: error calling len: len "
	    "of nil pointer");
	T("{{ index .Values.l 5 }}", v,
	  "ERR: template: T:1:3: executing \"T\" at <index .Values.l 5>: error calling index: index "
	    "out of range: 5");
	T("{{ print 1 2 \"a\" \"b\" 3 nil }}", v, "1 2ab3 <nil>");
	T("{{ printf \"%d-%s\" 3 \"x\" }}|{{ println 1 \"a\" }}", v, "3-x|1 a\n");
	T("{{ printf .Values.missing }}", v, "ERR: template: T:1:17: executing \"T\" at <.Values.missing>: "
					    "wrong type for value; expected string; got interface {}");
	T("{{ printf 3 }}", v, "ERR: template: T:1:10: executing \"T\" at <3>: expected string; found 3");
	T("{{ eq .Values.num 3.0 }} {{ eq 1 2 1 }} {{ eq .Values.missing nil }}", v, "true true true");
	T("{{ eq .Values.num 3 }}", v,
	  "ERR: template: T:1:3: executing \"T\" at <eq .Values.num 3>: error calling eq: "
				 "incompatible types for comparison: float64 and int");
	T("{{ lt nil 1 }}", v,
	  "ERR: template: T:1:3: executing \"T\" at <lt nil 1>: error calling lt: invalid type for "
	    "comparison");
	T("{{ html \"<a>&'\" }} {{ js \"<'\\\"=\" }} {{ urlquery \"a b/c\" }}", v,
	  "&lt;a&gt;&amp;&#39; \\u003C\\'\\\"\\u003D a+b%2Fc");
	T("{{ 1 | .Values.m.a }}", v, "ERR: template: T:1:14: executing \"T\" at <.Values.m.a>: "
				  "a is not a method but has arguments");
	T("{{ call .Values.num }}", v,
	  "ERR: template: T:1:3: executing \"T\" at <call .Values.num>: error calling call: "
				 "non-function .Values.num of type float64");
}

static void test_sets(void)
{
	struct arc_tpl_set *set = arc_tpl_set_new(NULL);
	arc_value *data = arc_v_map();
	struct arc_buf out = ARC_BUF_INIT;
	int rc;
	/* across parses a later non-empty define wins; an empty one does not */
	rc = arc_tpl_parse(set, "a", "{{ define \"x\" }}A{{ end }}", 26);
	CHECK(rc == 0, "parse a");
	rc = arc_tpl_parse(set, "b", "{{ define \"x\" }}B{{ end }}", 26);
	CHECK(rc == 0, "parse b");
	rc = arc_tpl_parse(set, "c", "{{ define \"x\" }} {{ end }}{{ template \"x\" }}", 44);
	CHECK(rc == 0, "parse c");
	CHECK(arc_tpl_has(set, "x") && arc_tpl_has(set, "c") && !arc_tpl_has(set, "zz"), "has");
	rc = arc_tpl_execute(set, "c", data, &out);
	CHECK(rc == 0, "execute c");
	CHECK_STR(arc_buf_cstr(&out), "B", "later non-empty define wins, empty does not");
	rc = arc_tpl_execute(set, "nope", data, &out);
	CHECK(rc == ARC_E_NOTFOUND, "execute unknown name");
	CHECK_STR(arc_error_last(), "template: no template \"nope\" associated with template \"gotpl\"",
		  "unknown template message");
	/* a failed parse leaves the set as it was */
	rc = arc_tpl_parse(set, "d", "{{ define \"x\" }}D{{ end }}{{ if }}", 34);
	CHECK(rc == ARC_E_PARSE, "failed parse");
	arc_buf_reset(&out);
	arc_tpl_execute(set, "c", data, &out);
	CHECK_STR(arc_buf_cstr(&out), "B", "failed parse adds nothing");
	arc_buf_release(&out);
	arc_v_unref(data);
	arc_tpl_set_free(set);
}

static void test_output_limit(void)
{
	struct arc_tpl_options opt;
	struct arc_tpl_set *set;
	char *got;
	memset(&opt, 0, sizeof(opt));
	opt.max_output = 100;
	set = arc_tpl_set_new(&opt);
	got = render_with(set, "{{ range 1000 }}abcdef{{ end }}", NULL);
	CHECK(strncmp(got, "ERR: template: T:1:16: executing \"T\" at <abcdef>: output exceeds", 64) == 0,
	      "output limit: %s", got);
	free(got);
	arc_tpl_set_free(set);
}

static void test_missingkey_error(void)
{
	struct arc_tpl_options opt;
	struct arc_tpl_set *set;
	char *got;
	memset(&opt, 0, sizeof(opt));
	opt.missingkey_error = 1;
	set = arc_tpl_set_new(&opt);
	got = render_with(set, "{{ .Values.nope }}", "a: 1\n");
	CHECK_STR(got,
		  "ERR: template: T:1:10: executing \"T\" at <.Values.nope>: map has no entry for "
		    "key \"nope\"",
		  "missingkey=error");
	free(got);
	arc_tpl_set_free(set);
}

/* a big template and many includes must stay fast (no quadratic work) */
static void test_scale(void)
{
	struct arc_buf b = ARC_BUF_INIT;
	char *got;
	int i;
	for (i = 0; i < 2000; i++)
		arc_buf_printf(&b, "{{ define \"d%d\" }}{{ . }}{{ end }}", i);
	for (i = 0; i < 2000; i++)
		arc_buf_printf(&b, "{{ template \"d%d\" %d }}", i, i % 10);
	got = render(arc_buf_cstr(&b), NULL);
	CHECK(strlen(got) == 2000 && strncmp(got, "0123456789", 10) == 0, "2000 defines and calls");
	free(got);
	arc_buf_release(&b);
	got = render("{{ range $i := 200000 }}{{ $i }}{{ end }}", NULL);
	CHECK(strlen(got) == 1088890 && strncmp(got, "0123456789101112", 16) == 0, "range over 200000");
	free(got);
}

static int tool(int argc, char **argv)
{
	char *values = NULL, *out;
	size_t n;
	int bad;
	if (argc > 3 && arc_read_file(argv[3], 0, &values, &n) < 0) {
		fprintf(stderr, "%s\n", arc_error_last());
		return 2;
	}
	out = render(argv[2], values);
	bad = strncmp(out, "ERR: ", 5) == 0;
	fputs(bad ? out + 5 : out, bad ? stderr : stdout);
	if (bad)
		fputc('\n', stderr);
	free(out);
	free(values);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "-e") == 0)
		return tool(argc, argv);
	test_lexer();
	test_parser();
	test_depth();
	test_exec();
	test_sets();
	test_output_limit();
	test_missingkey_error();
	test_scale();
	return tap_done();
}
