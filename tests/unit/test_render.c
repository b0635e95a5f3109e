/* test_render.c - Helm's layer: error rewriting, funcs_helm.c functions called
 * directly, TOML, and a small chart rendered in memory.  Expected texts are
 * what helm v4.1.4 printed for the same templates. */
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "gotmpl/func.h"
#include "value/codec.h"
#include "value/toml.h"

#include "tap.h"

static void check_exec_error(const char *raw, const char *want, const char *what)
{
	char *got = arc_chart_exec_error_text("conf/templates/NOTES.txt", raw);
	CHECK_STR(got, want, what);
	free(got);
}

static void test_error_texts(void)
{
	char *p;
	check_exec_error("template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
			 "<fail \"boom\">: error calling fail: HELM_ERR_STARTboomHELM_ERR_END",
			 "execution error at (conf/templates/NOTES.txt:1:3): boom", "fail is wrapped");
	check_exec_error("template: conf/templates/NOTES.txt:2:5: executing \"conf/templates/NOTES.txt\" at "
			 "<include \"x\" .>: error calling include: template: conf/templates/_h.tpl:3:3: executing "
			 "\"x\" at <required \"deep\" .Values.q>: error calling required: HELM_ERR_STARTdeepHELM_ERR_END",
			 "execution error at (conf/templates/NOTES.txt:2:5): deep", "required keeps the outer location");
	check_exec_error("template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
			 "<fail \"a\\nb\">: error calling fail: HELM_ERR_STARTa\nbHELM_ERR_END",
			 "execution error at (conf/templates/NOTES.txt:1:3): a\nb", "multi-line fail message");
	check_exec_error("template: conf/templates/NOTES.txt:2:10: executing \"conf/templates/NOTES.txt\" at "
			 "<.Values.x.y.z>: nil pointer evaluating interface {}.y",
			 "conf/templates/NOTES.txt:2:10\n  executing \"conf/templates/NOTES.txt\" at <.Values.x.y.z>:\n"
			 "    nil pointer evaluating interface {}.y",
			 "plain exec error is multi-line");
	check_exec_error("template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
			 "<include \"x\" .>: error calling include: template: conf/templates/_h.tpl:1:24: executing "
			 "\"x\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
			 "conf/templates/NOTES.txt:1:3\n  executing \"conf/templates/NOTES.txt\" at <include \"x\" .>:\n"
			 "    error calling include:\nconf/templates/_h.tpl:1:24\n  executing \"x\" at <.Values.a.b>:\n"
			 "    nil pointer evaluating interface {}.b",
			 "include chain");
	check_exec_error("template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
			 "<include \"x\" .>: error calling include: template: no template \"x\" associated with "
			 "template \"gotpl\"",
			 "conf/templates/NOTES.txt:1:3\n  executing \"conf/templates/NOTES.txt\" at <include \"x\" .>:\n"
			 "    error calling include:\ntemplate: no template \"x\" associated with template \"gotpl\"",
			 "include of a missing template");
	{
		const char *raw = "template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
				  "<semver \"bad\">: error calling semver: invalid semantic version";
		check_exec_error(raw, raw, "a function's own error stays raw");
	}
	{
		const char *raw = "template: conf/templates/NOTES.txt:1:3: executing \"conf/templates/NOTES.txt\" at "
				  "<tpl \"{{ .Values.a.b }}\" .>: error calling tpl: error during tpl function "
				  "execution for \"{{ .Values.a.b }}\": template: gotpl:1:10: executing \"gotpl\" at "
				  "<.Values.a.b>: nil pointer evaluating interface {}.b";
		check_exec_error(raw, raw, "tpl errors stay raw");
	}
	check_exec_error("something else", "something else", "non-template error unchanged");

	p = arc_chart_parse_error_text("conf/templates/NOTES.txt",
				       "template: conf/templates/NOTES.txt:1: missing value for if");
	CHECK_STR(p, "parse error at (conf/templates/NOTES.txt:1): missing value for if", "parse error text");
	free(p);
	p = arc_chart_parse_error_text("conf/templates/NOTES.txt",
				       "template: conf/templates/NOTES.txt:1: function \"x\" not defined");
	CHECK_STR(p, "parse error at (conf/templates/NOTES.txt:1): function \"x\" not defined", "parse error: func");
	free(p);
}

/* call a function from the table with the given arguments; returns its code */
static int call(const char *name, arc_value **args, int nargs, arc_value **out)
{
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	struct arc_tpl_call c;
	if (!f)
		return -100;
	memset(&c, 0, sizeof(c));
	c.name = name;
	c.nargs = nargs;
	c.args = args;
	*out = NULL;
	return f->fn(&c, out);
}

static void test_funcs(void)
{
	arc_value *a[4], *out;
	int r;

	a[0] = arc_v_str("need x");
	a[1] = arc_v_null();
	r = call("required", a, 2, &out);
	CHECK(r == ARC_E_CALL, "required fails on nil (%d)", r);
	CHECK_STR(arc_error_last(), "HELM_ERR_STARTneed xHELM_ERR_END", "required marks its message");
	arc_v_unref(a[1]);
	a[1] = arc_v_str("");
	r = call("required", a, 2, &out);
	CHECK(r == ARC_E_CALL, "required fails on \"\"");
	arc_v_unref(a[1]);
	a[1] = arc_v_int(0);
	r = call("required", a, 2, &out);
	CHECK(r == 0 && out == a[1], "required passes 0 through");
	arc_v_unref(out);
	arc_v_unref(a[1]);
	arc_v_unref(a[0]);

	a[0] = arc_v_str("boom");
	r = call("fail", a, 1, &out);
	CHECK(r == ARC_E_CALL, "fail fails");
	CHECK_STR(arc_error_last(), "HELM_ERR_STARTboomHELM_ERR_END", "fail marks its message");
	arc_v_unref(a[0]);

	a[0] = arc_v_str("v1");
	a[1] = arc_v_str("Pod");
	a[2] = arc_v_str("default");
	a[3] = arc_v_str("x");
	r = call("lookup", a, 4, &out);
	CHECK(r == 0 && out && out->kind == ARC_MAP && arc_v_map_len(out) == 0, "lookup gives an empty map offline");
	arc_v_unref(out);
	r = call("getHostByName", a, 1, &out);
	CHECK(r == 0 && out && out->kind == ARC_STRING && arc_v_strlen(out) == 0, "getHostByName gives \"\"");
	arc_v_unref(out);
	arc_v_unref(a[3]);
	a[3] = arc_v_int(1);
	a[3]->flags |= ARC_VF_CONST;
	r = call("lookup", a, 4, &out);
	CHECK(r == ARC_E_EXEC, "lookup rejects an int literal");
	CHECK_STR(arc_error_last(), "expected string; found 1", "lookup's argument error");
	for (r = 0; r < 4; r++)
		arc_v_unref(a[r]);

	CHECK(arc_tpl_func_find("mustToToml") == NULL, "helm 4.1.4 has no mustToToml");
	CHECK(arc_tpl_func_find("env") == NULL, "env is removed");
	CHECK(arc_tpl_func_find("toYamlPretty") != NULL, "toYamlPretty exists");
}

static void test_toml(void)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *m = arc_v_map(), *sub = arc_v_map(), *l = arc_v_list(), *t, *out = NULL;
	int r;

	arc_v_map_set(m, "name", arc_v_str("x"));
	arc_v_map_set(m, "a", arc_v_float(1));
	arc_v_list_push(l, arc_v_float(1));
	arc_v_list_push(l, arc_v_float(2));
	arc_v_map_set(m, "list", l);
	arc_v_map_set(sub, "k", arc_v_str("v"));
	t = arc_v_map();
	arc_v_map_set(t, "d", arc_v_bool(1));
	arc_v_map_set(sub, "deep", t);
	arc_v_map_set(m, "sub", sub);
	r = arc_toml_dump(&b, m);
	CHECK(r == 0, "toml dump");
	CHECK_STR(arc_buf_cstr(&b),
		  "a = 1.0\nlist = [1.0, 2.0]\nname = \"x\"\n\n[sub]\n  k = \"v\"\n  [sub.deep]\n    d = true\n",
		  "toml layout as BurntSushi writes it");
	arc_buf_reset(&b);

	l = arc_v_list();
	arc_v_list_push(l, arc_v_int(1));
	arc_v_list_push(l, arc_v_null());
	arc_v_map_set(m, "bad", l);
	r = arc_toml_dump(&b, m);
	CHECK(r == ARC_E_FAIL, "nil element is an encoder error");
	CHECK_STR(arc_error_last(), "toml: cannot encode array with nil element", "nil element message");
	arc_v_unref(m);
	arc_buf_release(&b);

	{
		static const char doc[] = "a = 1\nb = \"x\"\n[t]\nc = [1, 2]\n[[s]]\nn = 1\n[[s]]\nn = 2\n";
		r = arc_toml_load(&out, doc, sizeof(doc) - 1);
	}
	CHECK(r == 0 && out && out->kind == ARC_MAP, "toml load");
	if (r == 0) {
		arc_value *a = arc_v_map_get(out, "a"), *s = arc_v_map_get(out, "s");
		CHECK(a && a->kind == ARC_INT && a->gotype == ARC_GO_INT64 && a->u.i == 1, "integers are int64");
		CHECK(s && s->kind == ARC_LIST && arc_v_list_len(s) == 2, "array of tables");
		arc_v_unref(out);
	}
	r = arc_toml_load(&out, "a = 1\na = 2", 11);
	CHECK(r != 0, "duplicate key fails");
	CHECK_STR(arc_error_last(), "toml: line 2 (last key \"a\"): Key 'a' has already been defined.",
		  "duplicate key message");
	r = arc_toml_load(&out, "a = ", 4);
	CHECK_STR(arc_error_last(), "toml: line 1 (last key \"a\"): unexpected EOF; expected value", "EOF message");
}

static void test_render_chart(void)
{
	struct arc_chart *ch = arc_chart_new();
	struct arc_render_opts opt;
	struct arc_render_result res;
	arc_value *md = arc_v_map();
	static const char notes[] = "{{ include \"x\" . }} {{ .Release.Name }} {{ .Chart.Name }}[{{ .Values.no }}]";
	static const char helpers[] = "{{- define \"x\" -}}{{ .Files.Get \"files/a.txt\" }}{{- end -}}";
	int r;

	arc_v_map_set(md, "name", arc_v_str("conf"));
	arc_v_map_set(md, "version", arc_v_str("0.1.0"));
	arc_chart_set_metadata(ch, md);
	arc_chart_set_values(ch, arc_v_map());
	arc_chart_add_file(ch, "templates/NOTES.txt", notes, strlen(notes));
	arc_chart_add_file(ch, "templates/_helpers.tpl", helpers, strlen(helpers));
	arc_chart_add_file(ch, "files/a.txt", "A", 1);
	memset(&opt, 0, sizeof(opt));
	opt.release.name = "r";
	opt.release.is_install = 1;
	r = arc_chart_render(&res, ch, &opt);
	CHECK(r == 0, "render a small chart (%s)", r ? arc_error_last() : "ok");
	if (r == 0) {
		const struct arc_rendered *n = arc_render_result_get(&res, "conf/templates/NOTES.txt");
		CHECK(res.n == 1, "partials are not in the result");
		CHECK_STR(n ? n->data : NULL, "A r conf[]", "NOTES.txt rendered");
		arc_render_result_release(&res);
	}
	arc_chart_free(ch);

	ch = arc_chart_new();
	md = arc_v_map();
	arc_v_map_set(md, "name", arc_v_str("conf"));
	arc_chart_set_metadata(ch, md);
	arc_chart_add_file(ch, "templates/NOTES.txt", "x\n  {{ fail \"no\" }}", 19);
	r = arc_chart_render(&res, ch, &opt);
	CHECK(r == ARC_E_EXEC, "fail makes the render fail");
	CHECK_STR(arc_error_last(), "execution error at (conf/templates/NOTES.txt:2:5): no", "fail's error text");
	arc_chart_free(ch);
}

int main(void)
{
	test_error_texts();
	test_funcs();
	test_toml();
	test_render_chart();
	arc_error_clear();
	return tap_done();
}
