/*
 * test_yaml.c - the YAML codec against expectations produced by helm v4.1.4.
 *
 * Most checks replay tests/conformance/cases/yaml.test without the template
 * engine: a case whose template is one of
 *     {{ toYaml .Values }}
 *     {{ fromYaml .Values.doc | toYaml }}
 *     {{ fromYamlArray .Values.doc | toYaml }}
 * is evaluated here with arc_yaml_load (the values file, as Helm reads it)
 * and arc_yaml_dump, and compared with the output or error helm gave.  The
 * embedded checks below quote outputs copied from helm-generated cases of
 * that file (named in each comment).
 */
#include "value/codec.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASES "tests/conformance/cases/yaml.test"
#define VALUES_ERR "cannot load values.yaml: cannot unmarshal yaml document: error converting YAML to JSON: "

struct tcase {
	char *name, *template, *values, *output, *error;
};

static char *section(char **lines, size_t from, size_t to)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t i;
	for (i = from; i < to; i++) {
		if (i > from)
			arc_buf_putc(&b, '\n');
		arc_buf_puts(&b, lines[i]);
	}
	return arc_buf_detach(&b, NULL);
}

/* the case-file format of tests/conformance/README.md */
static size_t load_cases(const char *path, struct tcase **out)
{
	char *data, **lines = NULL, *p;
	size_t len, n = 0, cap = 0, i, nc = 0, ccap = 0;
	struct tcase *cs = NULL, *cur = NULL;
	char **slot = NULL;
	size_t start = 0;
	if (arc_read_file(path, 0, &data, &len))
		return 0;
	for (p = data; p < data + len;) {
		char *nl = memchr(p, '\n', (size_t)(data + len - p));
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			lines = xrealloc(lines, cap * sizeof(*lines));
		}
		lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	for (i = 0; i <= n; i++) {
		if (i < n && strncmp(lines[i], "%%% ", 4) != 0)
			continue;
		if (slot) {
			*slot = section(lines, start, i);
			slot = NULL;
		}
		if (i == n)
			break;
		const char *m = lines[i] + 4;
		if (strncmp(m, "case ", 5) == 0) {
			if (nc == ccap) {
				ccap = ccap ? ccap * 2 : 64;
				cs = xrealloc(cs, ccap * sizeof(*cs));
			}
			cur = &cs[nc++];
			memset(cur, 0, sizeof(*cur));
			cur->name = xstrdup(m + 5);
		} else if (cur && strcmp(m, "template") == 0) {
			slot = &cur->template;
		} else if (cur && strcmp(m, "values") == 0) {
			slot = &cur->values;
		} else if (cur && strcmp(m, "output") == 0) {
			slot = &cur->output;
		} else if (cur && strcmp(m, "error") == 0) {
			slot = &cur->error;
		}
		start = i + 1;
	}
	free(lines);
	free(data);
	*out = cs;
	return nc;
}

/* toYaml (or toYamlPretty): dump and trim one trailing newline; "" on failure */
static char *to_yaml_as(arc_value *v, int pretty)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (pretty ? arc_yaml_dump_pretty(&b, v) : arc_yaml_dump(&b, v)) {
		arc_buf_release(&b);
		return xstrdup("");
	}
	if (b.len && b.ptr[b.len - 1] == '\n')
		arc_buf_truncate(&b, b.len - 1);
	return arc_buf_detach(&b, NULL);
}

static char *to_yaml(arc_value *v)
{
	return to_yaml_as(v, 0);
}

/* fromYaml / fromYamlArray as Helm defines them */
static arc_value *from_yaml(const char *s, size_t n, int want_list)
{
	arc_value *v, *r;
	if (arc_yaml_load(&v, NULL, s, n, ARC_YAML_FLOATS)) {
		char *msg = xasprintf("error converting YAML to JSON: %s", arc_error_last());
		arc_value *e = arc_v_str(msg);
		free(msg);
		if (want_list) {
			r = arc_v_list();
			arc_v_list_push(r, e);
		} else {
			r = arc_v_map();
			arc_v_map_set(r, "Error", e);
		}
		return r;
	}
	if (v->kind == ARC_NULL) {
		arc_v_unref(v);
		return want_list ? arc_v_list() : arc_v_map();
	}
	if (v->kind != (want_list ? ARC_LIST : ARC_MAP)) {
		const char *k = v->kind == ARC_LIST ? "array" : v->kind == ARC_MAP ? "object"
			: v->kind == ARC_STRING ? "string" : v->kind == ARC_BOOL ? "bool" : "number";
		char *msg = xasprintf("error unmarshaling JSON: while decoding JSON: json: cannot "
				      "unmarshal %s into Go value of type %s", k,
				      want_list ? "[]interface {}" : "map[string]interface {}");
		arc_value *e = arc_v_str(msg);
		free(msg);
		arc_v_unref(v);
		if (want_list) {
			r = arc_v_list();
			arc_v_list_push(r, e);
		} else {
			r = arc_v_map();
			arc_v_map_set(r, "Error", e);
		}
		return r;
	}
	return v;
}

/* Helm 4 reads a values file as k8s' YAMLReader splits it ("---" lines),
 * each document into a map, deep-merged in order (chart loader LoadValues). */
static arc_value *merge_maps(arc_value *a, arc_value *b)
{
	size_t i;
	for (i = 0; i < arc_v_map_len(b); i++) {
		const char *k = arc_v_map_key(b, i);
		size_t kl = arc_v_map_keylen(b, i);
		arc_value *bv = arc_v_map_val(b, i), *av = arc_v_map_getn(a, k, kl);
		if (bv->kind == ARC_MAP && av && av->kind == ARC_MAP)
			merge_maps(av, bv);
		else
			arc_v_map_setn(a, k, kl, arc_v_ref(bv));
	}
	return a;
}

static int load_values(arc_value **out, const char *s)
{
	arc_value *all = arc_v_map();
	const char *p = s, *doc = s, *end = s + strlen(s);
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		int sep = end - p >= 3 && memcmp(p, "---", 3) == 0;
		if (sep || p >= end) {
			if (p > doc) {
				arc_value *v;
				if (arc_yaml_load(&v, "", doc, (size_t)(p - doc), ARC_YAML_FLOATS)) {
					arc_v_unref(all);
					return -1;
				}
				if (v->kind == ARC_MAP)
					merge_maps(all, v);
				else if (v->kind != ARC_NULL) {
					arc_v_unref(v);
					arc_v_unref(all);
					arc_error_set("not a map");
					return -2;
				}
				arc_v_unref(v);
			}
			doc = next;
		}
		if (p >= end)
			break;
		p = next;
	}
	*out = all;
	return 0;
}

static int run_case(struct tcase *c)
{
	int form;
	arc_value *vals = NULL, *v = NULL;
	char *got = NULL;
	const char *vs = c->values ? c->values : "";
	if (!c->template)
		return 0;
	if (strcmp(c->template, "{{ toYaml .Values }}") == 0)
		form = 0;
	else if (strcmp(c->template, "{{ fromYaml .Values.doc | toYaml }}") == 0)
		form = 1;
	else if (strcmp(c->template, "{{ fromYamlArray .Values.doc | toYaml }}") == 0)
		form = 2;
	else if (strcmp(c->template, "{{ toYamlPretty .Values }}") == 0)
		form = 3;
	else
		return 0;
	if (load_values(&vals, vs)) {
		if (!c->error || strncmp(c->error, VALUES_ERR, strlen(VALUES_ERR)) != 0) {
			CHECK(c->error != NULL, "%s: values fail to load", c->name);
			return 1;
		}
		char *msg = xasprintf(VALUES_ERR "%s", arc_error_last());
		CHECK_STR(msg, c->error, c->name);
		free(msg);
		return 1;
	}
	if (form == 0 || form == 3) {
		got = to_yaml_as(vals, form == 3);
	} else {
		arc_value *d = arc_v_map_get(vals, "doc");
		if (!d || d->kind != ARC_STRING) {
			arc_v_unref(vals);
			return 0;
		}
		v = from_yaml(arc_v_strptr(d), arc_v_strlen(d), form == 2);
		got = to_yaml(v);
		arc_v_unref(v);
	}
	CHECK_STR(got, c->output ? c->output : "(an error)", c->name);
	free(got);
	arc_v_unref(vals);
	return 1;
}

static void dump_check(arc_value *v, const char *want, const char *what)
{
	char *got = to_yaml(v);
	CHECK_STR(got, want, what);
	free(got);
	arc_v_unref(v);
}

static void embedded(void)
{
	arc_value *m, *l, *v;
	/* case "lit ints and floats" */
	m = arc_v_map();
	arc_v_map_set(m, "i", arc_v_int(1));
	arc_v_map_set(m, "f", arc_v_float(2.5));
	arc_v_map_set(m, "g", arc_v_float(3.0));
	arc_v_map_set(m, "n", arc_v_int(-7));
	arc_v_map_set(m, "big", arc_v_float(1e21));
	arc_v_map_set(m, "e", arc_v_float(1e20));
	arc_v_map_set(m, "s", arc_v_str("x"));
	dump_check(m, "big: 1e+21\ne: 1e+20\nf: 2.5\ng: 3\ni: 1\n\"n\": -7\ns: x", "literal ints and floats");
	/* case "lit list mixed" */
	l = arc_v_list();
	arc_v_list_push(l, arc_v_int(1));
	arc_v_list_push(l, arc_v_str("two"));
	arc_v_list_push(l, arc_v_bool(1));
	arc_v_list_push(l, arc_v_null());
	arc_v_list_push(l, arc_v_float(4.5));
	arc_v_list_push(l, arc_v_list());
	arc_v_list_push(l, arc_v_map());
	dump_check(l, "- 1\n- two\n- true\n- null\n- 4.5\n- []\n- {}", "literal list mixed");
	/* case "lit empty collections": toYaml (dict "a" (dict)) */
	m = arc_v_map();
	arc_v_map_set(m, "a", arc_v_map());
	dump_check(m, "a: {}", "empty map value");
	/* case "lit rejected characters": a DEL makes toYaml fail (helm prints "") */
	m = arc_v_map();
	arc_v_map_set(m, "a", arc_v_str("x\x7fy"));
	dump_check(m, "", "DEL does not survive the JSON round trip");
	/* case "lit nel folding": printf "x%cy" 0x85 → x y */
	dump_check(arc_v_str("x\xC2\x85y"), "x y", "NEL folds to a space");
	/* an object cannot be written */
	v = arc_v_float(0.0 / 0.0);
	{
		struct arc_buf b = ARC_BUF_INIT;
		CHECK(arc_yaml_dump(&b, v) != 0, "NaN is refused like json.Marshal does");
		arc_buf_release(&b);
	}
	arc_v_unref(v);
	/* multi-document load */
	{
		static const char docs[] = "a: 1\n---\nb: 2\n---\n";
		CHECK(arc_yaml_load(&v, "x.yaml", docs, sizeof(docs) - 1, ARC_YAML_MULTI) == 0, "multi load");
		CHECK(v->kind == ARC_LIST && arc_v_list_len(v) == 3, "three documents");
		CHECK(arc_v_list_at(v, 0)->kind == ARC_MAP &&
			      arc_v_map_get(arc_v_list_at(v, 0), "a")->kind == ARC_INT,
		      "ints stay ints without ARC_YAML_FLOATS");
		CHECK(arc_v_list_at(v, 2)->kind == ARC_NULL, "an empty document is null");
		arc_v_unref(v);
	}
	/* errors name the document */
	{
		static const char bad[] = "a: 1\n  b: 2\n";
		CHECK(arc_yaml_load(&v, "values.yaml", bad, sizeof(bad) - 1, 0) == ARC_E_PARSE,
		      "parse error");
		CHECK_STR(arc_error_last(),
			  "values.yaml: yaml: line 2: mapping values are not allowed in this context",
			  "error names the file and line");
	}
}

/* output size grows linearly: a long list of maps takes one pass */
static void big(void)
{
	arc_value *l = arc_v_list(), *back = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	size_t i;
	for (i = 0; i < 50000; i++) {
		arc_value *m = arc_v_map();
		arc_v_map_set(m, "name", arc_v_str("item"));
		arc_v_map_set(m, "n", arc_v_int((int64_t)i));
		arc_v_list_push(l, m);
	}
	CHECK(arc_yaml_dump(&b, l) == 0, "large dump");
	CHECK(arc_yaml_load(&back, "big", b.ptr, b.len, 0) == 0 && arc_v_equal(back, l), "large round trip");
	arc_v_unref(back);
	arc_v_unref(l);
	arc_buf_release(&b);
}

int main(int argc, char **argv)
{
	struct tcase *cs = NULL;
	size_t n = load_cases(argc > 1 ? argv[1] : CASES, &cs), i, ran = 0;
	CHECK(n > 0, "read %s", CASES);
	for (i = 0; i < n; i++) {
		ran += (size_t)run_case(&cs[i]);
		free(cs[i].name);
		free(cs[i].template);
		free(cs[i].values);
		free(cs[i].output);
		free(cs[i].error);
	}
	free(cs);
	CHECK(ran >= 80, "replayed %zu helm cases", ran);
	embedded();
	big();
	return tap_done();
}
