/* funcs_helm.c - Helm's own template functions (helm v4 pkg/engine): include,
 * tpl, required, fail, lookup, getHostByName, the YAML/TOML codecs, and every
 * JSON function (Helm's toJson/mustToJson/fromJson/fromJsonArray plus Sprig's
 * mustFromJson/toPrettyJson/toRawJson and their must forms). */
#include "funcs.h"
#include "template.h"
#include "../value/codec.h"
#include "../value/toml.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Helm marks fail/required messages so that its error cleanup can pull them out */
#define WARN_START "HELM_ERR_START"
#define WARN_END "HELM_ERR_END"
#define INCLUDE_MAX 1000 /* helm's recursionMaxNums */
#define TPL_ROOT "gotpl" /* the name of helm's root template */

static int call_err(const char *fmt, ...) ARC_PRINTF(1, 2);
static int call_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	arc_error_setv(fmt, ap);
	va_end(ap);
	return ARC_E_CALL;
}

static void strip_no_value(struct arc_buf *b)
{
	static const char nv[] = "<no value>";
	size_t i, j, n = sizeof(nv) - 1;
	if (!b->len || !memmem(b->ptr, b->len, nv, n))
		return;
	for (i = j = 0; i < b->len;) {
		if (b->len - i >= n && memcmp(b->ptr + i, nv, n) == 0) {
			i += n;
			continue;
		}
		b->ptr[j++] = b->ptr[i++];
	}
	arc_buf_truncate(b, j);
}

/* ---- include: nesting is counted per template name across one thread's
 * render (helm keeps one map per render; every include decrements on return,
 * so a per-thread table that empties itself is equivalent). ---- */

struct inc_count {
	char *name;
	int n;
};
static _Thread_local struct inc_count *inc_tab;
static _Thread_local size_t inc_len;

static struct inc_count *inc_find(const char *name)
{
	size_t i;
	for (i = 0; i < inc_len; i++)
		if (strcmp(inc_tab[i].name, name) == 0)
			return &inc_tab[i];
	return NULL;
}

static void inc_drop(const char *name)
{
	struct inc_count *e = inc_find(name);
	if (!e || --e->n > 0)
		return;
	free(e->name);
	*e = inc_tab[--inc_len];
	if (!inc_len) {
		free(inc_tab);
		inc_tab = NULL;
	}
}

static int fn_include(struct arc_tpl_call *c, arc_value **out)
{
	const char *name;
	struct inc_count *e;
	struct arc_buf b = ARC_BUF_INIT;
	int r = arc_tpl_arg_str(c, 0, &name, NULL);
	if (r)
		return r;
	e = inc_find(name);
	if (e && e->n > INCLUDE_MAX)
		return call_err("rendering template has a nested reference name: %s: unable to execute template",
				name);
	if (e) {
		e->n++;
	} else {
		inc_tab = xrealloc(inc_tab, sizeof(*inc_tab) * (inc_len + 1));
		inc_tab[inc_len].name = xstrdup(name);
		inc_tab[inc_len].n = 1;
		inc_len++;
	}
	if (!arc_tpl_has(arc_tpl_exec_set(c->ex), name)) {
		struct arc_buf q = ARC_BUF_INIT;
		arc_fmt_quote(&q, name, strlen(name));
		r = call_err("template: no template %s associated with template \"" TPL_ROOT "\"",
			     arc_buf_cstr(&q));
		arc_buf_release(&q);
	} else {
		r = arc_tpl_exec_include(c->ex, name, c->args[1], &b);
		if (r && r != ARC_E_NOMEM)
			r = ARC_E_CALL; /* the message is the inner template's error */
	}
	inc_drop(name);
	if (r) {
		arc_buf_release(&b);
		return r;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_tpl(struct arc_tpl_call *c, arc_value **out)
{
	const char *text;
	size_t len;
	struct arc_buf b = ARC_BUF_INIT, q = ARC_BUF_INIT;
	int r = arc_tpl_arg_str(c, 0, &text, &len);
	if (r)
		return r;
	r = arc_tpl_exec_string(c->ex, TPL_ROOT, text, len, c->args[1], &b);
	if (r) {
		char *msg = xstrdup(arc_error_last());
		arc_fmt_quote(&q, text, len);
		if (r == ARC_E_PARSE)
			call_err("cannot parse template %s: %s", arc_buf_cstr(&q), msg);
		else
			call_err("error during tpl function execution for %s: %s", arc_buf_cstr(&q), msg);
		free(msg);
		arc_buf_release(&q);
		arc_buf_release(&b);
		return ARC_E_CALL;
	}
	strip_no_value(&b);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_required(struct arc_tpl_call *c, arc_value **out)
{
	const char *warn;
	arc_value *v = c->args[1];
	int r = arc_tpl_arg_str(c, 0, &warn, NULL);
	if (r)
		return r;
	if (v->kind == ARC_NULL || (v->kind == ARC_STRING && v->gotype != ARC_GO_BYTES && v->u.s.len == 0))
		return call_err(WARN_START "%s" WARN_END, warn);
	*out = arc_v_ref(v);
	return 0;
}

static int fn_fail(struct arc_tpl_call *c, arc_value **out)
{
	const char *msg;
	int r = arc_tpl_arg_str(c, 0, &msg, NULL);
	(void)out;
	if (r)
		return r;
	return call_err(WARN_START "%s" WARN_END, msg);
}

static int fn_lookup(struct arc_tpl_call *c, arc_value **out)
{
	const char *s[4];
	const struct arc_tpl_options *opt;
	int i, r;
	for (i = 0; i < 4; i++) {
		r = arc_tpl_arg_str(c, i, &s[i], NULL);
		if (r)
			return r;
	}
	opt = c->ex ? arc_tpl_exec_options(c->ex) : NULL;
	if (!opt || !opt->lookup) {
		*out = arc_v_map();
		return 0;
	}
	r = opt->lookup(opt->lookup_ctx, s[0], s[1], s[2], s[3], out);
	if (r)
		return r == ARC_E_NOMEM ? r : ARC_E_CALL;
	return 0;
}

/* DNS lookups are off unless helm runs with --enable-dns: always "" here */
static int fn_get_host_by_name(struct arc_tpl_call *c, arc_value **out)
{
	const char *name;
	int r = arc_tpl_arg_str(c, 0, &name, NULL);
	if (r)
		return r;
	*out = arc_v_str("");
	return 0;
}

/* ---- YAML ---- */

/* Decoder messages may start with the document name we passed; Helm's have none. */
static const char *strip_name(const char *msg, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(msg, name, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
		return msg + n + 2;
	return msg;
}

static const char *json_kind(const arc_value *v)
{
	switch (v->kind) {
	case ARC_LIST: return "array";
	case ARC_MAP: return "object";
	case ARC_STRING: return "string";
	case ARC_BOOL: return "bool";
	default: return "number";
	}
}

enum { WANT_MAP, WANT_LIST };

/* sigs.k8s.io/yaml.Unmarshal into a map or a list; *msg is set (malloc'd) on failure */
static arc_value *yaml_into(const char *s, size_t len, int want, char **msg)
{
	arc_value *v = NULL;
	int r = arc_yaml_load(&v, "fromYaml", s, len, ARC_YAML_FLOATS);
	*msg = NULL;
	if (r) {
		*msg = xasprintf("error converting YAML to JSON: %s", strip_name(arc_error_last(), "fromYaml"));
		return NULL;
	}
	if (v->kind == ARC_NULL) {
		arc_v_unref(v);
		return want == WANT_MAP ? arc_v_map() : arc_v_list();
	}
	if ((want == WANT_MAP && v->kind != ARC_MAP) || (want == WANT_LIST && v->kind != ARC_LIST)) {
		*msg = xasprintf("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal %s into Go "
				 "value of type %s",
				 json_kind(v), want == WANT_MAP ? "map[string]interface {}" : "[]interface {}");
		arc_v_unref(v);
		return NULL;
	}
	return v;
}

/* an encoder stopped at the size budget (func.h): an error even where Helm
 * swallows encoding errors */
static int over_budget(struct arc_buf *b)
{
	if (!b->over)
		return 0;
	arc_buf_release(b);
	return arc_tpl_err_too_large();
}

static int fn_to_yaml(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_tpl_buf_bound(&b);
	if (arc_yaml_dump_value(&b, c->args[0], 0, out)) {
		if (b.over)
			return over_budget(&b);
		arc_buf_release(&b);
		if (strcmp(c->name, "mustToYaml") == 0)
			return ARC_E_CALL;
		*out = arc_v_str("");
		return 0;
	}
	arc_buf_release(&b);
	return 0;
}

/* toYamlPretty: yaml.v3's encoder with indent 2 on the value itself (no JSON step) */
static int fn_to_yaml_pretty(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf p = ARC_BUF_INIT;
	arc_tpl_buf_bound(&p);
	if (arc_yaml_dump_value(&p, c->args[0], 1, out)) {
		if (p.over)
			return over_budget(&p);
		arc_buf_release(&p);
		arc_error_clear();
		*out = arc_v_str("");
		return 0;
	}
	arc_buf_release(&p);
	return 0;
}

static int fn_from_yaml(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	char *msg;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	v = yaml_into(s, len, WANT_MAP, &msg);
	if (!v) {
		v = arc_v_map();
		arc_v_map_set(v, "Error", arc_v_str(msg));
		free(msg);
	}
	*out = v;
	return 0;
}

static int fn_from_yaml_array(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	char *msg;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	v = yaml_into(s, len, WANT_LIST, &msg);
	if (!v) {
		v = arc_v_list();
		arc_v_list_push(v, arc_v_str(msg));
		free(msg);
	}
	*out = v;
	return 0;
}

/* ---- JSON ---- */

static int json_out(struct arc_tpl_call *c, arc_value **out, unsigned flags, int must)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_tpl_buf_bound(&b);
	if (arc_json_dump(&b, c->args[0], flags)) {
		if (b.over)
			return over_budget(&b);
		arc_buf_release(&b);
		if (must)
			return ARC_E_CALL;
		*out = arc_v_str("");
		return 0;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_to_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, ARC_JSON_HTML, 0);
}

static int fn_must_to_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, ARC_JSON_HTML, 1);
}

/* Sprig's toRawJson panics on an encoding error (a template error); toPrettyJson swallows it */
static int fn_to_raw_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, 0, 1);
}

static int fn_must_to_raw_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, 0, 1);
}

static int fn_to_pretty_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, ARC_JSON_HTML | ARC_JSON_INDENT, 0);
}

static int fn_must_to_pretty_json(struct arc_tpl_call *c, arc_value **out)
{
	return json_out(c, out, ARC_JSON_HTML | ARC_JSON_INDENT, 1);
}

/* json.Unmarshal into interface{} (want < 0), a map or a list */
static arc_value *json_into(const char *s, size_t len, int want, char **msg)
{
	arc_value *v = NULL, *nil;
	int rc;
	*msg = NULL;
	rc = want < 0 ? arc_json_load(&v, "fromJson", s, len) : arc_json_load_partial(&v, "fromJson", s, len);
	if (rc == ARC_E_TYPE && v && v->kind == (want == WANT_MAP ? ARC_MAP : ARC_LIST) && want == WANT_MAP) {
		/* Go keeps what it decoded around a number out of range, and reports the error */
		arc_v_map_set(v, "Error", arc_v_str(strip_name(arc_error_last(), "fromJson")));
		return v;
	}
	if (rc) {
		arc_v_unref(v);
		*msg = xstrdup(strip_name(arc_error_last(), "fromJson"));
		return NULL;
	}
	if (want < 0)
		return v;
	if (v->kind == ARC_NULL) {
		/* Go leaves the map or slice nil */
		arc_v_unref(v);
		nil = want == WANT_MAP ? arc_v_map() : arc_v_list();
		nil->flags |= ARC_VF_NIL;
		return nil;
	}
	if ((want == WANT_MAP && v->kind != ARC_MAP) || (want == WANT_LIST && v->kind != ARC_LIST)) {
		*msg = xasprintf("json: cannot unmarshal %s into Go value of type %s", json_kind(v),
				 want == WANT_MAP ? "map[string]interface {}" : "[]interface {}");
		arc_v_unref(v);
		return NULL;
	}
	return v;
}

static int fn_from_json(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	char *msg;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	v = json_into(s, len, WANT_MAP, &msg);
	if (!v) {
		v = arc_v_map();
		arc_v_map_set(v, "Error", arc_v_str(msg));
		free(msg);
	}
	*out = v;
	return 0;
}

static int fn_from_json_array(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	char *msg;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	v = json_into(s, len, WANT_LIST, &msg);
	if (!v) {
		v = arc_v_list();
		arc_v_list_push(v, arc_v_str(msg));
		free(msg);
	}
	*out = v;
	return 0;
}

static int fn_must_from_json(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	char *msg;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	v = json_into(s, len, -1, &msg);
	if (!v) {
		call_err("%s", msg);
		free(msg);
		return ARC_E_CALL;
	}
	*out = v;
	return 0;
}

/* ---- TOML ---- */

static int fn_to_toml(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	int r;
	arc_tpl_buf_bound(&b);
	r = arc_toml_dump(&b, c->args[0]);
	if (b.over)
		return over_budget(&b);
	if (r == ARC_E_TYPE) {
		arc_buf_release(&b);
		return ARC_E_CALL; /* Go's encoder panics: a template error */
	}
	if (r) {
		arc_buf_release(&b);
		*out = arc_v_str(arc_error_last()); /* toToml prints the error text */
		return 0;
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_from_toml(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len;
	arc_value *v;
	int r = arc_tpl_arg_str(c, 0, &s, &len);
	if (r)
		return r;
	if (arc_toml_load(&v, s, len)) {
		v = arc_v_map();
		arc_v_map_set(v, "Error", arc_v_str(arc_error_last()));
	}
	*out = v;
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_helm[] = {
	{ "fail", fn_fail, 1, 1 },
	{ "fromJson", fn_from_json, 1, 1 },
	{ "fromJsonArray", fn_from_json_array, 1, 1 },
	{ "fromToml", fn_from_toml, 1, 1 },
	{ "fromYaml", fn_from_yaml, 1, 1 },
	{ "fromYamlArray", fn_from_yaml_array, 1, 1 },
	{ "getHostByName", fn_get_host_by_name, 1, 1 },
	{ "include", fn_include, 2, 2 },
	{ "lookup", fn_lookup, 4, 4 },
	{ "mustFromJson", fn_must_from_json, 1, 1 },
	{ "mustToJson", fn_must_to_json, 1, 1 },
	{ "mustToPrettyJson", fn_must_to_pretty_json, 1, 1 },
	{ "mustToRawJson", fn_must_to_raw_json, 1, 1 },
	{ "mustToYaml", fn_to_yaml, 1, 1 },
	{ "required", fn_required, 2, 2 },
	{ "toJson", fn_to_json, 1, 1 },
	{ "toPrettyJson", fn_to_pretty_json, 1, 1 },
	{ "toRawJson", fn_to_raw_json, 1, 1 },
	{ "toToml", fn_to_toml, 1, 1 },
	{ "toYaml", fn_to_yaml, 1, 1 },
	{ "toYamlPretty", fn_to_yaml_pretty, 1, 1 },
	{ "tpl", fn_tpl, 2, 2 },
	{ NULL, NULL, 0, 0 },
};
