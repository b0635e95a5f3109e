/* values.c - values files, user values and coalescing, as helm v4
 * (pkg/chart/v2/loader LoadValues/MergeMaps, pkg/cli/values options.go,
 * pkg/chart/common/util/coalesce.go, common/values.go). */
#include "values.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../value/codec.h"
#include "schema.h"
#include "strvals.h"

#define MAX_VALUES_FILE (64u << 20)

/* ================= warnings ================= */

void arc_warnings_release(struct arc_warnings *w)
{
	size_t i;
	if (!w)
		return;
	for (i = 0; i < w->n; i++)
		free(w->lines[i]);
	free(w->lines);
	memset(w, 0, sizeof(*w));
}

void arc_warnings_add(struct arc_warnings *w, const char *line)
{
	if (!w)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->lines = xrealloc(w->lines, w->cap * sizeof(char *));
	}
	w->lines[w->n++] = xstrdup(line);
}

/* slog's text handler quotes a value when it is empty or holds a space, '=',
 * '"', a control character or non-ASCII that is not printable */
static void slog_value(struct arc_buf *b, const char *s)
{
	const unsigned char *p;
	int quote = *s == '\0';
	for (p = (const unsigned char *)s; *p && !quote; p++)
		if (*p <= ' ' || *p == '=' || *p == '"' || *p == 0x7f)
			quote = 1;
	if (quote)
		arc_fmt_quote(b, s, strlen(s));
	else
		arc_buf_puts(b, s);
}

void arc_warnings_log(struct arc_warnings *w, const char *level, const char *msg, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	const char *k;
	if (!w)
		return;
	arc_buf_printf(&b, "level=%s msg=", level);
	slog_value(&b, msg);
	va_start(ap, msg);
	while ((k = va_arg(ap, const char *)) != NULL) {
		const char *v = va_arg(ap, const char *);
		arc_buf_printf(&b, " %s=", k);
		slog_value(&b, v ? v : "");
	}
	va_end(ap);
	arc_warnings_add(w, arc_buf_cstr(&b));
	arc_buf_release(&b);
}

/* log.Printf routed to slog: level INFO */
static void warnf(struct arc_warnings *w, const char *fmt, ...) ARC_PRINTF(2, 3);
static void warnf(struct arc_warnings *w, const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int n;
	if (!w)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	msg = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	arc_warnings_log(w, "INFO", msg, (const char *)NULL);
	free(msg);
}

/* Go's %v of a value, as a malloc'd string */
static char *fmt_v(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_fmt_v(&b, v);
	arc_buf_cstr(&b);
	return arc_buf_detach(&b, NULL);
}

/* ================= values files ================= */

static int is_table(const arc_value *v)
{
	return v && v->kind == ARC_MAP;
}

arc_value *arc_values_merge_maps(arc_value *a, arc_value *b)
{
	arc_value *out = arc_v_map();
	size_t i;
	for (i = 0; a && i < arc_v_map_len(a); i++)
		arc_v_map_setn(out, arc_v_map_key(a, i), arc_v_map_keylen(a, i), arc_v_ref(arc_v_map_val(a, i)));
	for (i = 0; b && i < arc_v_map_len(b); i++) {
		const char *k = arc_v_map_key(b, i);
		size_t kl = arc_v_map_keylen(b, i);
		arc_value *v = arc_v_map_val(b, i), *cur = arc_v_map_getn(out, k, kl);
		if (is_table(v) && is_table(cur))
			arc_v_map_setn(out, k, kl, arc_values_merge_maps(cur, v));
		else
			arc_v_map_setn(out, k, kl, arc_v_ref(v));
	}
	return out;
}

static const char *json_kind(const arc_value *v)
{
	switch (v->kind) {
	case ARC_LIST:
		return "array";
	case ARC_STRING:
		return "string";
	case ARC_BOOL:
		return "bool";
	case ARC_INT:
	case ARC_FLOAT:
		return "number";
	default:
		return "object";
	}
}

/* one document of a values file into a map (yaml.Unmarshal into map[string]interface{}) */
static int load_doc(arc_value **out, const char *data, size_t len)
{
	arc_value *v = NULL;
	int rc = arc_yaml_load(&v, "", data, len, ARC_YAML_FLOATS);
	if (rc) {
		if (rc == ARC_E_NOMEM)
			return rc;
		arc_error_prefix("cannot unmarshal yaml document: error converting YAML to JSON");
		return ARC_E_PARSE;
	}
	if (v->kind == ARC_NULL) {
		arc_v_unref(v);
		*out = arc_v_map();
		return 0;
	}
	if (v->kind != ARC_MAP) {
		rc = arc_error_code(ARC_E_PARSE, "cannot unmarshal yaml document: error unmarshaling JSON: while "
						 "decoding JSON: json: cannot unmarshal %s into Go value of type "
						 "map[string]interface {}", json_kind(v));
		arc_v_unref(v);
		return rc;
	}
	*out = v;
	return 0;
}

int arc_values_load(arc_value **out, const char *data, size_t len)
{
	arc_value *values = arc_v_map();
	size_t pos = 0, doc_start = 0, doc_len = 0;
	int rc = 0, have = 0;

	/* a document is the run of lines between separators; a separator line
	 * starts with "---" and may be followed only by blanks and a comment */
	for (;;) {
		const char *line = data + pos;
		const char *nl = pos < len ? memchr(line, '\n', len - pos) : NULL;
		size_t ll = nl ? (size_t)(nl - line) + 1 : len - pos;
		int eof = pos >= len, sep = 0;

		if (!eof && ll >= 3 && memcmp(line, "---", 3) == 0) {
			const char *s = line + 3, *e = line + ll;
			while (s < e && isspace((unsigned char)*s))
				s++;
			while (e > s && isspace((unsigned char)e[-1]))
				e--;
			if (e > s && *s != '#') {
				rc = arc_error_code(ARC_E_PARSE, "error reading yaml document: invalid Yaml document "
								 "separator: %.*s", (int)(e - s), s);
				goto fail;
			}
			sep = 1;
		}
		if (sep || eof) {
			if (have && doc_len) {
				arc_value *cur = NULL, *m;
				if ((rc = load_doc(&cur, data + doc_start, doc_len)) != 0)
					goto fail;
				m = arc_values_merge_maps(values, cur);
				arc_v_unref(cur);
				arc_v_unref(values);
				values = m;
			}
			have = 0;
			doc_len = 0;
			if (eof)
				break;
			pos += ll;
			continue;
		}
		if (!have) {
			have = 1;
			doc_start = pos;
		}
		doc_len += ll;
		pos += ll;
	}
	*out = values;
	return 0;
fail:
	arc_v_unref(values);
	return rc;
}

/* ================= user values ================= */

/* os.ReadFile's errors: "open PATH: no such file or directory" */
static int read_path(const char *path, char **data, size_t *len)
{
	struct stat st;
	FILE *f;
	struct arc_buf b = ARC_BUF_INIT;
	char chunk[65536];
	size_t n;
	char msg[256];

	f = fopen(path, "rb");
	if (!f) {
		snprintf(msg, sizeof(msg), "%s", strerror(errno));
		msg[0] = (char)tolower((unsigned char)msg[0]);
		return arc_error_code(ARC_E_IO, "open %s: %s", path, msg);
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return arc_error_code(ARC_E_IO, "read %s: is a directory", path);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > MAX_VALUES_FILE) {
			fclose(f);
			arc_buf_release(&b);
			return arc_error_code(ARC_E_RANGE, "read %s: file is larger than %u bytes", path,
					      MAX_VALUES_FILE);
		}
		arc_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		snprintf(msg, sizeof(msg), "%s", strerror(errno));
		msg[0] = (char)tolower((unsigned char)msg[0]);
		fclose(f);
		arc_buf_release(&b);
		return arc_error_code(ARC_E_IO, "read %s: %s", path, msg);
	}
	fclose(f);
	arc_buf_cstr(&b);
	*data = arc_buf_detach(&b, len);
	return 0;
}

static int is_blank_dash(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '-')
		return 0;
	s++;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

static int read_operand(const struct arc_values_opts *o, const char *path, char **data, size_t *len)
{
	if (is_blank_dash(path)) {
		if (o->stdin_data) {
			*data = xstrndup(o->stdin_data, o->stdin_len);
			*len = o->stdin_len;
			return 0;
		}
		return read_path("/dev/stdin", data, len);
	}
	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8)) {
		if (!o->url_reader)
			return arc_error_code(ARC_E_USAGE, "reading %s: URLs are not supported here", path);
		return o->url_reader(o->url_ctx, path, data, len);
	}
	return read_path(path, data, len);
}

static int set_file_reader(void *ctx, const char *path, char **data, size_t *len)
{
	return read_operand(ctx, path, data, len);
}

int arc_values_user(arc_value **out, const struct arc_values_opts *o)
{
	arc_value *base = arc_v_map();
	size_t i;
	int rc = 0;

	for (i = 0; i < o->nfiles; i++) {
		char *data = NULL;
		size_t len = 0;
		arc_value *cur = NULL, *m;
		if ((rc = read_operand(o, o->files[i], &data, &len)) != 0)
			goto fail;
		rc = arc_values_load(&cur, data, len);
		free(data);
		if (rc) {
			arc_error_prefix("failed to parse %s", o->files[i]);
			goto fail;
		}
		m = arc_values_merge_maps(base, cur);
		arc_v_unref(cur);
		arc_v_unref(base);
		base = m;
	}
	for (i = 0; i < o->nset_json; i++) {
		const char *s = o->set_json[i];
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '{') {
			size_t n = strlen(s);
			arc_value *j = NULL, *m;
			while (n && isspace((unsigned char)s[n - 1]))
				n--;
			if (arc_json_load(&j, "", s, n) != 0 || j->kind != ARC_MAP) {
				arc_v_unref(j);
				rc = arc_error_code(ARC_E_PARSE, "failed parsing --set-json data JSON: %s", o->set_json[i]);
				goto fail;
			}
			m = arc_values_merge_maps(base, j);
			arc_v_unref(j);
			arc_v_unref(base);
			base = m;
		} else if (arc_strvals_parse(base, o->set_json[i], ARC_SET_JSON) != 0) {
			rc = arc_error_code(ARC_E_PARSE, "failed parsing --set-json data %s", o->set_json[i]);
			goto fail;
		}
	}
	for (i = 0; i < o->nset; i++)
		if ((rc = arc_strvals_parse(base, o->set[i], ARC_SET)) != 0) {
			arc_error_prefix("failed parsing --set data");
			goto fail;
		}
	for (i = 0; i < o->nset_string; i++)
		if ((rc = arc_strvals_parse(base, o->set_string[i], ARC_SET_STRING)) != 0) {
			arc_error_prefix("failed parsing --set-string data");
			goto fail;
		}
	for (i = 0; i < o->nset_file; i++)
		if ((rc = arc_strvals_parse_with(base, o->set_file[i], ARC_SET_FILE, set_file_reader, (void *)o)) != 0) {
			arc_error_prefix("failed parsing --set-file data");
			goto fail;
		}
	for (i = 0; i < o->nset_literal; i++)
		if ((rc = arc_strvals_parse(base, o->set_literal[i], ARC_SET_LITERAL)) != 0) {
			arc_error_prefix("failed parsing --set-literal data");
			goto fail;
		}
	*out = base;
	return 0;
fail:
	arc_v_unref(base);
	return rc;
}

/* ================= coalescing ================= */

static char *concat_prefix(const char *a, const char *b)
{
	if (!a || !*a)
		return xstrdup(b);
	return xasprintf("%s.%s", a, b);
}

static int is_null(const arc_value *v)
{
	return v && v->kind == ARC_NULL;
}

/* keys of m, copied (maps change while we walk them) */
static char **keys_of(arc_value *m, size_t *n)
{
	size_t i, len = arc_v_map_len(m);
	char **k = xcalloc(len + 1, sizeof(char *));
	for (i = 0; i < len; i++)
		k[i] = xstrndup(arc_v_map_key(m, i), arc_v_map_keylen(m, i));
	*n = len;
	return k;
}

static void free_keys(char **k, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(k[i]);
	free(k);
}

static void coalesce_tables(struct arc_warnings *w, arc_value *dst, arc_value *src, const char *prefix, int merge,
			    int depth)
{
	size_t i, n, total;
	char **keys;
	unsigned char *nonnil;

	if (!src || !dst || depth > 10000)
		return;
	/* which keys of src were non-nil before dst's nils are copied into it */
	n = arc_v_map_len(src);
	nonnil = xcalloc(n + 1, 1);
	for (i = 0; i < n; i++)
		nonnil[i] = !is_null(arc_v_map_val(src, i));
	for (i = 0; i < arc_v_map_len(dst); i++)
		if (is_null(arc_v_map_val(dst, i)))
			arc_v_map_setn(src, arc_v_map_key(dst, i), arc_v_map_keylen(dst, i), arc_v_null());
	/* existing keys keep their place; added ones (all nil) come after the first n */
	keys = keys_of(src, &total);
	for (i = 0; i < total; i++) {
		const char *key = keys[i];
		arc_value *val = arc_v_map_get(src, key), *dv;
		char *full;
		if (!val)
			continue;
		dv = arc_v_map_get(dst, key);
		full = concat_prefix(prefix, key);
		if (dv && !merge && is_null(dv) && i < n && nonnil[i]) {
			arc_v_map_del(dst, key);
		} else if (!dv) {
			arc_v_map_set(dst, key, arc_v_ref(val));
		} else if (is_table(val)) {
			if (is_table(dv)) {
				coalesce_tables(w, dv, val, full, merge, depth + 1);
			} else {
				char *s = fmt_v(val);
				warnf(w, "warning: cannot overwrite table with non table for %s (%s)", full, s);
				free(s);
			}
		} else if (is_table(dv) && !is_null(val)) {
			char *s = fmt_v(val);
			warnf(w, "warning: destination for %s is a table. Ignoring non-table value (%s)", full, s);
			free(s);
		}
		free(full);
	}
	free_keys(keys, total);
	free(nonnil);
}

arc_value *arc_values_coalesce_tables(arc_value *dst, arc_value *src, int merge, struct arc_warnings *w)
{
	if (!src)
		return dst ? arc_v_ref(dst) : NULL;
	if (!dst)
		return arc_v_ref(src);
	coalesce_tables(w, dst, src, "", merge, 0);
	return arc_v_ref(dst);
}

static void clean_nils(arc_value *m, int depth)
{
	size_t i;
	if (depth > 10000)
		return;
	for (i = 0; i < arc_v_map_len(m);) {
		arc_value *v = arc_v_map_val(m, i);
		if (is_null(v)) {
			char *k = xstrndup(arc_v_map_key(m, i), arc_v_map_keylen(m, i));
			arc_v_map_del(m, k);
			free(k);
			continue;
		}
		if (is_table(v))
			clean_nils(v, depth + 1);
		i++;
	}
}

static int is_dep_name(const struct arc_chart *c, const char *key)
{
	size_t i;
	for (i = 0; i < c->ndeps; i++)
		if (!strcmp(arc_chart_name(c->deps[i]), key))
			return 1;
	return 0;
}

static void coalesce_values(struct arc_warnings *w, const struct arc_chart *c, arc_value *v, const char *prefix,
			    int merge)
{
	char *sub_prefix = concat_prefix(prefix, arc_chart_name(c));
	arc_value *vc = c->values && c->values->kind == ARC_MAP ? arc_v_copy_deep(c->values) : arc_v_map();
	size_t i;

	for (i = 0; i < arc_v_map_len(vc); i++) {
		char *key = xstrndup(arc_v_map_key(vc, i), arc_v_map_keylen(vc, i));
		arc_value *val = arc_v_map_val(vc, i);
		arc_value *value = arc_v_map_get(v, key);
		if (value) {
			if (is_null(value) && !merge) {
				arc_v_map_del(v, key);
			} else if (is_table(value)) {
				if (!is_table(val)) {
					if (!is_null(val))
						warnf(w, "warning: skipped value for %s.%s: Not a table.", sub_prefix, key);
				} else {
					int m2 = is_dep_name(c, key) ? 1 : merge;
					char *full = concat_prefix(sub_prefix, key);
					if (!m2 && *prefix)
						clean_nils(val, 0);
					coalesce_tables(w, value, val, full, m2, 0);
					free(full);
				}
			}
		} else {
			int skip = 0;
			if (!merge && *prefix) {
				if (is_null(val))
					skip = 1;
				else if (is_table(val))
					clean_nils(val, 0);
			}
			if (!skip)
				arc_v_map_set(v, key, arc_v_ref(val));
		}
		free(key);
	}
	arc_v_unref(vc);
	free(sub_prefix);
}

static void coalesce_globals(struct arc_warnings *w, arc_value *dest, arc_value *src, const char *prefix)
{
	arc_value *dg, *sg, *g;
	size_t i;

	g = arc_v_map_get(dest, "global");
	if (!g) {
		dg = arc_v_map();
	} else if (!is_table(g)) {
		warnf(w, "warning: skipping globals because destination %s is not a table.", "global");
		return;
	} else {
		dg = arc_v_ref(g);
	}
	g = arc_v_map_get(src, "global");
	if (!g) {
		sg = arc_v_map();
	} else if (!is_table(g)) {
		warnf(w, "warning: skipping globals because source %s is not a table.", "global");
		arc_v_unref(dg);
		return;
	} else {
		sg = arc_v_ref(g);
	}
	for (i = 0; i < arc_v_map_len(sg); i++) {
		char *key = xstrndup(arc_v_map_key(sg, i), arc_v_map_keylen(sg, i));
		arc_value *val = arc_v_map_val(sg, i), *destv = arc_v_map_get(dg, key);
		if (is_table(val)) {
			arc_value *vv = arc_v_copy_shallow(val);
			if (!destv) {
				arc_v_map_set(dg, key, vv);
			} else if (!is_table(destv)) {
				struct arc_buf q = ARC_BUF_INIT;
				arc_fmt_quote(&q, key, strlen(key));
				warnf(w, "Conflict: cannot merge map onto non-map for %s. Skipping.", arc_buf_cstr(&q));
				arc_buf_release(&q);
				arc_v_unref(vv);
			} else {
				char *sp = concat_prefix(prefix, key);
				coalesce_tables(w, vv, destv, sp, 1, 0);
				free(sp);
				arc_v_map_set(dg, key, vv);
			}
		} else if (destv && is_table(destv)) {
			warnf(w, "key %s is table. Skipping", key);
		} else {
			arc_v_map_set(dg, key, arc_v_ref(val));
		}
		free(key);
	}
	arc_v_map_set(dest, "global", dg);
	arc_v_unref(sg);
}

static int coalesce_rec(struct arc_warnings *w, const struct arc_chart *c, arc_value *dest, const char *prefix,
			int merge, int depth);

static int coalesce_deps(struct arc_warnings *w, const struct arc_chart *c, arc_value *dest, const char *prefix,
			 int merge, int depth)
{
	size_t i;
	for (i = 0; i < c->ndeps; i++) {
		const struct arc_chart *sub = c->deps[i];
		const char *name = arc_chart_name(sub);
		arc_value *cur = arc_v_map_get(dest, name), *dv;
		char *sub_prefix;
		int rc;
		if (!cur) {
			arc_v_map_set(dest, name, arc_v_map());
		} else if (!is_table(cur)) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_value *args[1];
			args[0] = cur;
			arc_fmt_sprintf(&b, "%t", 2, args, 1);
			rc = arc_error_code(ARC_E_TYPE, "type mismatch on %s: %s", name, arc_buf_cstr(&b));
			arc_buf_release(&b);
			return rc;
		}
		dv = arc_v_ref(arc_v_map_get(dest, name));
		sub_prefix = concat_prefix(prefix, arc_chart_name(c));
		coalesce_globals(w, dv, dest, sub_prefix);
		rc = coalesce_rec(w, sub, dv, sub_prefix, merge, depth + 1);
		free(sub_prefix);
		if (rc) {
			arc_v_unref(dv);
			return rc;
		}
		arc_v_map_set(dest, name, dv);
	}
	return 0;
}

static int coalesce_rec(struct arc_warnings *w, const struct arc_chart *c, arc_value *dest, const char *prefix,
			int merge, int depth)
{
	if (depth > 64)
		return arc_error_code(ARC_E_RANGE, "charts nested too deep");
	coalesce_values(w, c, dest, prefix, merge);
	return coalesce_deps(w, c, dest, prefix, merge, depth);
}

int arc_values_coalesce(arc_value **out, const struct arc_chart *c, arc_value *user, int merge,
			struct arc_warnings *w)
{
	arc_value *v = user && user->kind == ARC_MAP ? arc_v_copy_deep(user) : arc_v_map();
	int rc = coalesce_rec(w, c, v, "", merge, 0);
	if (rc) {
		arc_v_unref(v);
		return rc;
	}
	*out = v;
	return 0;
}

int arc_values_for_render(arc_value **out, const struct arc_chart *c, arc_value *user, int skip_schema,
			  struct arc_warnings *w)
{
	arc_value *v = NULL;
	int rc = arc_values_coalesce(&v, c, user, 0, w);
	if (rc)
		return rc;
	if (!skip_schema && (rc = arc_schema_validate_chart(c, v)) != 0) {
		if (rc != ARC_E_NOMEM) {
			char *msg = xstrdup(arc_error_last());
			rc = arc_error_code(rc, "values don't meet the specifications of the schema(s) in the "
					    "following chart(s):\n%s", msg);
			free(msg);
		}
		arc_v_unref(v);
		return rc;
	}
	*out = v;
	return 0;
}

/* ================= Table / PathValue ================= */

arc_value *arc_values_table(arc_value *v, const char *path)
{
	const char *p = path;
	arc_value *t = v;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		arc_value *x = is_table(t) ? arc_v_map_getn(t, p, n) : NULL;
		if (!is_table(x))
			return NULL;
		t = x;
		if (!dot)
			return t;
		p = dot + 1;
	}
}

int arc_values_path_value(arc_value *v, const char *path, arc_value **found)
{
	const char *last = strrchr(path, '.');
	arc_value *t = v, *x;
	*found = NULL;
	if (!*path)
		return ARC_E_NOTFOUND;
	if (last) {
		char *head = xstrndup(path, (size_t)(last - path));
		t = arc_values_table(v, head);
		free(head);
		if (!t)
			return ARC_E_NOTFOUND;
		last++;
	} else {
		last = path;
	}
	x = is_table(t) ? arc_v_map_get(t, last) : NULL;
	if (!x || is_table(x))
		return ARC_E_NOTFOUND;
	*found = x;
	return 0;
}
