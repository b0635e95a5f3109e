/*
 * release.c - Helm release records: the model, helm 4.1.4's JSON, base64(gzip(json)),
 * and the Secret storage driver with helm's storage rules (see release.h).
 *
 * The JSON writer follows the Go structs field by field (Release, Info, Chart, File, Hook,
 * HookExecution, Metadata, Maintainer, Dependency, Lock): struct fields in declaration
 * order, maps with sorted keys, encoding/json's HTML escaping.  Chart.yaml and Chart.lock
 * stay arc_value maps and are written through field tables, so keys a user wrote in any
 * order or case come out as helm writes them and unknown keys are dropped, as Go does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "../base/encoding.h"
#include "../gotmpl/gotime.h"
#include "../kube/api.h"
#include "../value/codec.h"
#include "chart.h"
#include "release.h"

#define RFC3339 "2006-01-02T15:04:05Z07:00"
#define RFC3339NANO "2006-01-02T15:04:05.999999999Z07:00"
#define MAX_DEPTH 64 /* nesting of values inside metadata fields (import-values) */

/* ---- the model ---- */

struct arc_release *arc_release_new(void)
{
	return xcalloc(1, sizeof(struct arc_release));
}

struct arc_release_chart *arc_release_chart_new(void)
{
	return xcalloc(1, sizeof(struct arc_release_chart));
}

static void free_strv(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_files(struct arc_release_file *f, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].data);
		free(f[i].modtime);
	}
	free(f);
}

void arc_release_chart_free(struct arc_release_chart *c)
{
	if (!c)
		return;
	arc_v_unref(c->metadata);
	arc_v_unref(c->lock);
	free_files(c->templates, c->ntemplates);
	arc_v_unref(c->values);
	free(c->schema);
	free(c->schemamodtime);
	free_files(c->files, c->nfiles);
	free(c->modtime);
	free(c);
}

static void free_hook(struct arc_release_hook *h)
{
	free(h->name);
	free(h->kind);
	free(h->path);
	free(h->manifest);
	free_strv(h->events, h->nevents);
	free(h->started_at);
	free(h->completed_at);
	free(h->phase);
	free_strv(h->delete_policies, h->ndelete_policies);
	free_strv(h->output_log_policies, h->noutput_log_policies);
}

void arc_release_free(struct arc_release *r)
{
	size_t i;
	if (!r)
		return;
	free(r->name);
	free(r->info.first_deployed);
	free(r->info.last_deployed);
	free(r->info.deleted);
	free(r->info.description);
	free(r->info.status);
	free(r->info.notes);
	arc_v_unref(r->info.resources);
	arc_release_chart_free(r->chart);
	arc_v_unref(r->config);
	free(r->manifest);
	for (i = 0; i < r->nhooks; i++)
		free_hook(&r->hooks[i]);
	free(r->hooks);
	free(r->namespace);
	free(r->apply_method);
	arc_v_unref(r->labels);
	free(r);
}

void arc_release_list_free(struct arc_release **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		arc_release_free(v[i]);
	free(v);
}

void arc_release_set_str(char **field, const char *s)
{
	char *old = *field;
	*field = s ? xstrdup(s) : NULL;
	free(old);
}

void arc_release_set_status(struct arc_release *r, const char *status, const char *description)
{
	arc_release_set_str(&r->info.status, status);
	if (description)
		arc_release_set_str(&r->info.description, description);
	if (status && !strcmp(status, ARC_RELEASE_UNINSTALLED)) {
		free(r->info.deleted);
		r->info.deleted = arc_release_now();
	}
}

/* ---- times ---- */

char *arc_release_now(void)
{
	struct arc_buf b = ARC_BUF_INIT;
	struct arc_gotime t = arc_gotime_now();
	arc_gotime_format(&b, &t, RFC3339NANO, strlen(RFC3339NANO));
	return arc_buf_detach(&b, NULL);
}

char *arc_release_time_normalize(const char *text)
{
	struct arc_gotime t;
	struct arc_buf b = ARC_BUF_INIT;
	/* Go's Time.UnmarshalJSON takes RFC 3339 with an optional fraction; the RFC3339
	 * layout accepts a fraction after the seconds as Go's Parse does */
	if (arc_gotime_parse(&t, RFC3339, strlen(RFC3339), text, strlen(text)) != 0) {
		arc_error_prefix("release time");
		return NULL;
	}
	arc_gotime_format(&b, &t, RFC3339NANO, strlen(RFC3339NANO));
	arc_gotime_loc_unref(t.loc);
	return arc_buf_detach(&b, NULL);
}

/* ---- JSON writing ---- */

static void put_str(struct arc_buf *b, const char *s, size_t n)
{
	arc_value *v = arc_v_strn(s ? s : "", s ? n : 0);
	arc_json_dump(b, v, ARC_JSON_HTML); /* a string cannot fail */
	arc_v_unref(v);
}

static void put_cstr(struct arc_buf *b, const char *s)
{
	put_str(b, s, s ? strlen(s) : 0);
}

static void put_bytes(struct arc_buf *b, const char *data, size_t len)
{
	if (!data) {
		arc_buf_puts(b, "null");
		return;
	}
	arc_buf_putc(b, '"');
	arc_b64_encode(b, data, len);
	arc_buf_putc(b, '"');
}

/* `"key":` with the comma before every field but the first */
static void key(struct arc_buf *b, int *first, const char *k)
{
	if (!*first)
		arc_buf_putc(b, ',');
	*first = 0;
	arc_buf_putc(b, '"');
	arc_buf_puts(b, k);
	arc_buf_puts(b, "\":");
}

static int empty(const char *s)
{
	return !s || !*s;
}

/* a string field with omitempty */
static void field_str(struct arc_buf *b, int *first, const char *k, const char *s)
{
	if (empty(s))
		return;
	key(b, first, k);
	put_cstr(b, s);
}

static void field_strv(struct arc_buf *b, int *first, const char *k, char **v, size_t n)
{
	size_t i;
	if (!n)
		return;
	key(b, first, k);
	arc_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i)
			arc_buf_putc(b, ',');
		put_cstr(b, v[i]);
	}
	arc_buf_putc(b, ']');
}

/* Go struct fields over an arc_value map: the field table of each helm type */
enum ftype { F_STR, F_STRS, F_BOOL, F_MAPSTR, F_MAINTS, F_DEPS, F_ANYS, F_TIME };
struct field {
	const char *name;
	unsigned char type, omitempty;
};

static const struct field maint_fields[] = {
	{ "name", F_STR, 1 }, { "email", F_STR, 1 }, { "url", F_STR, 1 },
};
static const struct field meta_fields[] = {
	{ "name", F_STR, 1 },        { "home", F_STR, 1 },           { "sources", F_STRS, 1 },
	{ "version", F_STR, 1 },     { "description", F_STR, 1 },    { "keywords", F_STRS, 1 },
	{ "maintainers", F_MAINTS, 1 }, { "icon", F_STR, 1 },        { "apiVersion", F_STR, 1 },
	{ "condition", F_STR, 1 },   { "tags", F_STR, 1 },           { "appVersion", F_STR, 1 },
	{ "deprecated", F_BOOL, 1 }, { "annotations", F_MAPSTR, 1 }, { "kubeVersion", F_STR, 1 },
	{ "dependencies", F_DEPS, 1 }, { "type", F_STR, 1 },
};
static const struct field dep_fields[] = {
	{ "name", F_STR, 0 },      { "version", F_STR, 1 }, { "repository", F_STR, 0 },
	{ "condition", F_STR, 1 }, { "tags", F_STRS, 1 },   { "enabled", F_BOOL, 1 },
	{ "import-values", F_ANYS, 1 }, { "alias", F_STR, 1 },
};
static const struct field lock_fields[] = {
	{ "generated", F_TIME, 0 }, { "digest", F_STR, 0 }, { "dependencies", F_DEPS, 0 },
};

/* Go's encoding/json matches a JSON key to a field exactly or, failing that,
 * case-insensitively; with several matching keys the last one in the object wins. */
static arc_value *fget(const arc_value *m, const char *name)
{
	size_t i, n = arc_v_map_len(m), nl = strlen(name);
	arc_value *hit = NULL;
	for (i = 0; i < n; i++) {
		if (arc_v_map_keylen(m, i) == nl && !strncasecmp(arc_v_map_key(m, i), name, nl))
			hit = arc_v_map_val(m, i);
	}
	if (hit && hit->kind == ARC_NULL)
		return NULL;
	return hit;
}

/* the text of a string field: strings as they are; numbers and booleans as Go's %v
 * (helm's loader turns `appVersion: 1.0` into "1"); NULL for anything else */
static char *scalar_text(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (v->kind == ARC_STRING)
		return xstrndup(arc_v_strptr(v), arc_v_strlen(v));
	if (v->kind != ARC_INT && v->kind != ARC_FLOAT && v->kind != ARC_BOOL)
		return NULL;
	arc_fmt_v(&b, v);
	return arc_buf_detach(&b, NULL);
}

static int type_err(const char *what, const char *field, const char *want)
{
	return arc_error_code(ARC_E_TYPE, "%s: field \"%s\": expected %s", what, field, want);
}

static int put_struct(struct arc_buf *b, arc_value *m, const struct field *f, size_t nf, const char *what,
		      int depth);

static int put_struct_list(struct arc_buf *b, arc_value *l, const struct field *f, size_t nf,
			   const char *what, int depth)
{
	size_t i;
	int rc = 0;
	arc_buf_putc(b, '[');
	for (i = 0; i < arc_v_list_len(l) && !rc; i++) {
		if (i)
			arc_buf_putc(b, ',');
		rc = put_struct(b, arc_v_list_at(l, i), f, nf, what, depth + 1);
	}
	arc_buf_putc(b, ']');
	return rc;
}

static int put_field(struct arc_buf *b, int *first, arc_value *v, const struct field *fd, const char *what,
		     int depth)
{
	size_t i, n;
	char *s;
	int rc = 0;
	switch (fd->type) {
	case F_STR:
		s = v ? scalar_text(v) : NULL;
		if (v && !s)
			return type_err(what, fd->name, "a string");
		if (!fd->omitempty || !empty(s)) {
			key(b, first, fd->name);
			put_cstr(b, s);
		}
		free(s);
		return 0;
	case F_TIME:
		s = v ? scalar_text(v) : NULL;
		if (v && !s)
			return type_err(what, fd->name, "a time");
		if (!empty(s)) {
			char *t = arc_release_time_normalize(s);
			free(s);
			if (!t)
				return ARC_E_PARSE;
			s = t;
		}
		if (!fd->omitempty || !empty(s)) {
			key(b, first, fd->name);
			put_cstr(b, empty(s) ? "0001-01-01T00:00:00Z" : s);
		}
		free(s);
		return 0;
	case F_BOOL:
		if (v && v->kind != ARC_BOOL)
			return type_err(what, fd->name, "a boolean");
		if (!fd->omitempty || (v && v->u.b)) {
			key(b, first, fd->name);
			arc_buf_puts(b, v && v->u.b ? "true" : "false");
		}
		return 0;
	case F_STRS:
		if (v && v->kind != ARC_LIST)
			return type_err(what, fd->name, "a list of strings");
		n = v ? arc_v_list_len(v) : 0;
		if (fd->omitempty && !n)
			return 0;
		key(b, first, fd->name);
		if (!v) {
			arc_buf_puts(b, "null");
			return 0;
		}
		arc_buf_putc(b, '[');
		for (i = 0; i < n; i++) {
			arc_value *e = arc_v_list_at(v, i);
			s = e->kind == ARC_NULL ? xstrdup("") : scalar_text(e);
			if (!s)
				return type_err(what, fd->name, "a list of strings");
			if (i)
				arc_buf_putc(b, ',');
			put_cstr(b, s);
			free(s);
		}
		arc_buf_putc(b, ']');
		return 0;
	case F_MAPSTR: {
		size_t *idx;
		if (v && v->kind != ARC_MAP)
			return type_err(what, fd->name, "a map of strings");
		n = v ? arc_v_map_len(v) : 0;
		if (fd->omitempty && !n)
			return 0;
		key(b, first, fd->name);
		if (!v) {
			arc_buf_puts(b, "null");
			return 0;
		}
		idx = arc_v_map_sorted(v);
		arc_buf_putc(b, '{');
		for (i = 0; i < n && !rc; i++) {
			size_t k = idx ? idx[i] : i;
			arc_value *e = arc_v_map_val(v, k);
			s = e->kind == ARC_NULL ? xstrdup("") : scalar_text(e);
			if (!s) {
				rc = type_err(what, fd->name, "a map of strings");
				break;
			}
			if (i)
				arc_buf_putc(b, ',');
			put_str(b, arc_v_map_key(v, k), arc_v_map_keylen(v, k));
			arc_buf_putc(b, ':');
			put_cstr(b, s);
			free(s);
		}
		arc_buf_putc(b, '}');
		free(idx);
		return rc;
	}
	case F_MAINTS:
	case F_DEPS:
	case F_ANYS:
		if (v && v->kind != ARC_LIST)
			return type_err(what, fd->name, "a list");
		n = v ? arc_v_list_len(v) : 0;
		if (fd->omitempty && !n)
			return 0;
		key(b, first, fd->name);
		if (!v) {
			arc_buf_puts(b, "null");
			return 0;
		}
		if (fd->type == F_ANYS)
			return arc_json_dump(b, v, ARC_JSON_HTML);
		if (fd->type == F_MAINTS)
			return put_struct_list(b, v, maint_fields, ARC_ARRAY_LEN(maint_fields), "maintainer",
					       depth);
		return put_struct_list(b, v, dep_fields, ARC_ARRAY_LEN(dep_fields), "dependency", depth);
	}
	return 0;
}

/* a *Struct: null for a missing value */
static int put_struct(struct arc_buf *b, arc_value *m, const struct field *f, size_t nf, const char *what,
		      int depth)
{
	size_t i;
	int first = 1, rc = 0;
	if (depth > MAX_DEPTH)
		return arc_error_code(ARC_E_RANGE, "%s: nested too deeply", what);
	if (!m || m->kind == ARC_NULL) {
		arc_buf_puts(b, "null");
		return 0;
	}
	if (m->kind != ARC_MAP)
		return arc_error_code(ARC_E_TYPE, "%s: expected a map", what);
	arc_buf_putc(b, '{');
	for (i = 0; i < nf && !rc; i++)
		rc = put_field(b, &first, fget(m, f[i].name), &f[i], what, depth);
	arc_buf_putc(b, '}');
	return rc;
}

static int put_meta(struct arc_buf *b, arc_value *m)
{
	return put_struct(b, m, meta_fields, ARC_ARRAY_LEN(meta_fields), "chart metadata", 0);
}

static int put_lock(struct arc_buf *b, arc_value *m)
{
	return put_struct(b, m, lock_fields, ARC_ARRAY_LEN(lock_fields), "chart lock", 0);
}

static void put_files(struct arc_buf *b, const struct arc_release_file *f, size_t n, int empty_list)
{
	size_t i;
	if (!n) {
		arc_buf_puts(b, empty_list ? "[]" : "null");
		return;
	}
	arc_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		int first = 1;
		if (i)
			arc_buf_putc(b, ',');
		arc_buf_putc(b, '{');
		key(b, &first, "name");
		put_cstr(b, f[i].name);
		key(b, &first, "data");
		put_bytes(b, f[i].data, f[i].len);
		field_str(b, &first, "modtime", f[i].modtime);
		arc_buf_putc(b, '}');
	}
	arc_buf_putc(b, ']');
}

/* map[string]interface{} without omitempty: null for nil */
static int put_map(struct arc_buf *b, arc_value *m)
{
	if (!m) {
		arc_buf_puts(b, "null");
		return 0;
	}
	return arc_json_dump(b, m, ARC_JSON_HTML);
}

static int put_chart(struct arc_buf *b, const struct arc_release_chart *c)
{
	int first = 1, rc;
	arc_buf_putc(b, '{');
	key(b, &first, "metadata");
	rc = put_meta(b, c->metadata);
	if (rc)
		return rc;
	key(b, &first, "lock");
	rc = put_lock(b, c->lock);
	if (rc)
		return rc;
	key(b, &first, "templates");
	put_files(b, c->templates, c->ntemplates, c->templates_empty);
	key(b, &first, "values");
	if ((rc = put_map(b, c->values)) != 0)
		return rc;
	key(b, &first, "schema");
	put_bytes(b, c->schema, c->schema_len);
	/* helm 4: SchemaModTime has omitempty, which never omits a time: zero is written */
	key(b, &first, "schemamodtime");
	put_cstr(b, empty(c->schemamodtime) ? "0001-01-01T00:00:00Z" : c->schemamodtime);
	key(b, &first, "files");
	put_files(b, c->files, c->nfiles, c->files_empty);
	field_str(b, &first, "modtime", c->modtime);
	arc_buf_putc(b, '}');
	return 0;
}

static void put_hook(struct arc_buf *b, const struct arc_release_hook *h)
{
	int first = 1, f2 = 1;
	arc_buf_putc(b, '{');
	field_str(b, &first, "name", h->name);
	field_str(b, &first, "kind", h->kind);
	field_str(b, &first, "path", h->path);
	field_str(b, &first, "manifest", h->manifest);
	field_strv(b, &first, "events", h->events, h->nevents);
	key(b, &first, "last_run");
	arc_buf_putc(b, '{');
	field_str(b, &f2, "started_at", h->started_at);
	field_str(b, &f2, "completed_at", h->completed_at);
	key(b, &f2, "phase");
	put_cstr(b, h->phase);
	arc_buf_putc(b, '}');
	if (h->weight) {
		key(b, &first, "weight");
		arc_buf_printf(b, "%ld", h->weight);
	}
	field_strv(b, &first, "delete_policies", h->delete_policies, h->ndelete_policies);
	field_strv(b, &first, "output_log_policies", h->output_log_policies, h->noutput_log_policies);
	arc_buf_putc(b, '}');
}

int arc_release_to_json(struct arc_buf *out, const struct arc_release *r)
{
	struct arc_buf b = ARC_BUF_INIT;
	int first = 1, f2 = 1, rc = 0;
	size_t i;
	arc_buf_putc(&b, '{');
	field_str(&b, &first, "name", r->name);
	key(&b, &first, "info");
	arc_buf_putc(&b, '{');
	field_str(&b, &f2, "first_deployed", r->info.first_deployed);
	field_str(&b, &f2, "last_deployed", r->info.last_deployed);
	field_str(&b, &f2, "deleted", r->info.deleted);
	field_str(&b, &f2, "description", r->info.description);
	field_str(&b, &f2, "status", r->info.status);
	field_str(&b, &f2, "notes", r->info.notes);
	if (r->info.resources && r->info.resources->kind == ARC_MAP && arc_v_map_len(r->info.resources)) {
		key(&b, &f2, "resources");
		rc = arc_json_dump(&b, r->info.resources, ARC_JSON_HTML);
	}
	arc_buf_putc(&b, '}');
	if (!rc && r->chart) {
		key(&b, &first, "chart");
		rc = put_chart(&b, r->chart);
	}
	if (!rc && r->config && (r->config->kind != ARC_MAP || arc_v_map_len(r->config))) {
		if (r->config->kind != ARC_MAP)
			rc = arc_error_code(ARC_E_TYPE, "release config: expected a map");
		else {
			key(&b, &first, "config");
			rc = arc_json_dump(&b, r->config, ARC_JSON_HTML);
		}
	}
	if (rc) {
		arc_buf_release(&b);
		arc_error_prefix("encoding release %s", r->name ? r->name : "");
		return rc;
	}
	field_str(&b, &first, "manifest", r->manifest);
	if (r->nhooks) {
		key(&b, &first, "hooks");
		arc_buf_putc(&b, '[');
		for (i = 0; i < r->nhooks; i++) {
			if (i)
				arc_buf_putc(&b, ',');
			put_hook(&b, &r->hooks[i]);
		}
		arc_buf_putc(&b, ']');
	}
	if (r->version) {
		key(&b, &first, "version");
		arc_buf_printf(&b, "%d", r->version);
	}
	field_str(&b, &first, "namespace", r->namespace);
	field_str(&b, &first, "apply_method", r->apply_method);
	arc_buf_putc(&b, '}');
	arc_buf_add(out, b.ptr, b.len);
	arc_buf_release(&b);
	return 0;
}

/* ---- JSON reading ---- */

struct rd {
	const char *ctx; /* "release", "release.info", … for messages */
	int rc;
};

static int rd_fail(struct rd *d, const char *field, const char *want)
{
	if (!d->rc)
		d->rc = arc_error_code(ARC_E_PARSE, "decoding %s: field \"%s\": expected %s", d->ctx, field,
				       want);
	return d->rc;
}

/* Go: a null leaves the zero value; a wrong type is an error */
static char *rd_str(struct rd *d, const arc_value *m, const char *k)
{
	arc_value *v = fget(m, k);
	if (!v)
		return NULL;
	if (v->kind != ARC_STRING) {
		rd_fail(d, k, "a string");
		return NULL;
	}
	return xstrndup(arc_v_strptr(v), arc_v_strlen(v));
}

/* a time: "" (helm 3's zero time) and null → NULL; else normalised as Go re-marshals it */
static char *rd_time(struct rd *d, const arc_value *m, const char *k)
{
	char *s = rd_str(d, m, k), *t;
	if (empty(s)) {
		free(s);
		return NULL;
	}
	t = arc_release_time_normalize(s);
	free(s);
	if (!t && !d->rc)
		d->rc = ARC_E_PARSE;
	return t;
}

static long rd_int(struct rd *d, const arc_value *m, const char *k, long lo, long hi)
{
	arc_value *v = fget(m, k);
	double f;
	if (!v)
		return 0;
	if (v->kind == ARC_INT)
		f = (double)v->u.i;
	else if (v->kind == ARC_FLOAT)
		f = v->u.f;
	else
		return rd_fail(d, k, "a number"), 0;
	if (!(f >= (double)lo && f <= (double)hi) || f != (double)(long)f)
		return rd_fail(d, k, "an integer in range"), 0;
	return (long)f;
}

static char **rd_strv(struct rd *d, const arc_value *m, const char *k, size_t *n)
{
	arc_value *v = fget(m, k);
	char **out;
	size_t i;
	*n = 0;
	if (!v)
		return NULL;
	if (v->kind != ARC_LIST)
		return rd_fail(d, k, "a list of strings"), NULL;
	out = xcalloc(arc_v_list_len(v) + 1, sizeof(*out));
	for (i = 0; i < arc_v_list_len(v); i++) {
		arc_value *e = arc_v_list_at(v, i);
		if (e->kind == ARC_NULL)
			out[i] = xstrdup("");
		else if (e->kind == ARC_STRING)
			out[i] = xstrndup(arc_v_strptr(e), arc_v_strlen(e));
		else {
			free_strv(out, i);
			return rd_fail(d, k, "a list of strings"), NULL;
		}
	}
	*n = i;
	return out;
}

/* a map-typed field: NULL for null/absent; a new reference */
static arc_value *rd_map(struct rd *d, const arc_value *m, const char *k)
{
	arc_value *v = fget(m, k);
	if (!v)
		return NULL;
	if (v->kind != ARC_MAP)
		return rd_fail(d, k, "an object"), NULL;
	return arc_v_ref(v);
}

/* []byte: base64 text; NULL for null (Go's nil slice) */
static char *rd_bytes(struct rd *d, const arc_value *m, const char *k, size_t *len)
{
	arc_value *v = fget(m, k);
	struct arc_buf b = ARC_BUF_INIT;
	*len = 0;
	if (!v)
		return NULL;
	if (v->kind != ARC_STRING)
		return rd_fail(d, k, "base64 text"), NULL;
	if (arc_b64_decode(&b, arc_v_strptr(v), arc_v_strlen(v)) != 0) {
		arc_buf_release(&b);
		if (!d->rc)
			d->rc = arc_error_code(ARC_E_PARSE, "decoding %s: field \"%s\": %s", d->ctx, k,
					       arc_error_last());
		return NULL;
	}
	arc_buf_add(&b, "", 0);
	return arc_buf_detach(&b, len);
}

static struct arc_release_file *rd_files(struct rd *d, const arc_value *m, const char *k, size_t *n,
					 int *empty_list)
{
	arc_value *v = fget(m, k);
	struct arc_release_file *f;
	size_t i, j = 0;
	*n = 0;
	*empty_list = 0;
	if (!v)
		return NULL;
	if (v->kind != ARC_LIST)
		return rd_fail(d, k, "a list of files"), NULL;
	if (!arc_v_list_len(v)) {
		*empty_list = 1;
		return NULL;
	}
	f = xcalloc(arc_v_list_len(v), sizeof(*f));
	for (i = 0; i < arc_v_list_len(v) && !d->rc; i++) {
		arc_value *e = arc_v_list_at(v, i);
		if (e->kind == ARC_NULL)
			continue; /* a nil *File: nothing helm could use */
		if (e->kind != ARC_MAP) {
			rd_fail(d, k, "a list of files");
			break;
		}
		f[j].name = rd_str(d, e, "name");
		f[j].data = rd_bytes(d, e, "data", &f[j].len);
		f[j].modtime = rd_time(d, e, "modtime");
		j++;
	}
	*n = j;
	if (d->rc) {
		free_files(f, j);
		*n = 0;
		return NULL;
	}
	return f;
}

static struct arc_release_chart *rd_chart(struct rd *d, const arc_value *m)
{
	struct arc_release_chart *c = arc_release_chart_new();
	const char *saved = d->ctx;
	d->ctx = "release.chart";
	c->metadata = rd_map(d, m, "metadata");
	c->lock = rd_map(d, m, "lock");
	c->templates = rd_files(d, m, "templates", &c->ntemplates, &c->templates_empty);
	c->values = rd_map(d, m, "values");
	c->schema = rd_bytes(d, m, "schema", &c->schema_len);
	c->schemamodtime = rd_time(d, m, "schemamodtime");
	c->files = rd_files(d, m, "files", &c->nfiles, &c->files_empty);
	c->modtime = rd_time(d, m, "modtime");
	/* metadata and lock are written through their field tables: check their types now */
	if (!d->rc && (c->metadata || c->lock)) {
		struct arc_buf t = ARC_BUF_INIT;
		int rc = put_meta(&t, c->metadata);
		if (!rc)
			rc = put_lock(&t, c->lock);
		arc_buf_release(&t);
		if (rc) {
			arc_error_prefix("decoding release");
			d->rc = ARC_E_PARSE;
		}
	}
	d->ctx = saved;
	return c;
}

static void rd_hook(struct rd *d, const arc_value *m, struct arc_release_hook *h)
{
	arc_value *lr;
	h->name = rd_str(d, m, "name");
	h->kind = rd_str(d, m, "kind");
	h->path = rd_str(d, m, "path");
	h->manifest = rd_str(d, m, "manifest");
	h->events = rd_strv(d, m, "events", &h->nevents);
	lr = fget(m, "last_run");
	if (lr && lr->kind != ARC_MAP)
		rd_fail(d, "last_run", "an object");
	else if (lr) {
		h->started_at = rd_time(d, lr, "started_at");
		h->completed_at = rd_time(d, lr, "completed_at");
		h->phase = rd_str(d, lr, "phase");
	}
	h->weight = rd_int(d, m, "weight", -2147483647L - 1, 2147483647L);
	h->delete_policies = rd_strv(d, m, "delete_policies", &h->ndelete_policies);
	h->output_log_policies = rd_strv(d, m, "output_log_policies", &h->noutput_log_policies);
}

static int from_value(struct arc_release **out, arc_value *j)
{
	struct arc_release *r = arc_release_new();
	struct rd d = { "release", 0 };
	arc_value *v;
	if (j->kind != ARC_MAP) {
		arc_release_free(r);
		return arc_error_code(ARC_E_PARSE, "decoding release: expected a JSON object");
	}
	r->name = rd_str(&d, j, "name");
	v = fget(j, "info");
	if (v && v->kind != ARC_MAP)
		rd_fail(&d, "info", "an object");
	else if (v) {
		d.ctx = "release.info";
		r->info.first_deployed = rd_time(&d, v, "first_deployed");
		r->info.last_deployed = rd_time(&d, v, "last_deployed");
		r->info.deleted = rd_time(&d, v, "deleted");
		r->info.description = rd_str(&d, v, "description");
		r->info.status = rd_str(&d, v, "status");
		r->info.notes = rd_str(&d, v, "notes");
		r->info.resources = rd_map(&d, v, "resources");
		d.ctx = "release";
	}
	v = fget(j, "chart");
	if (v && v->kind != ARC_MAP)
		rd_fail(&d, "chart", "an object");
	else if (v && !d.rc)
		r->chart = rd_chart(&d, v);
	r->config = rd_map(&d, j, "config");
	r->manifest = rd_str(&d, j, "manifest");
	v = fget(j, "hooks");
	if (v && v->kind != ARC_LIST)
		rd_fail(&d, "hooks", "a list");
	else if (v && arc_v_list_len(v)) {
		size_t i;
		d.ctx = "release.hooks";
		r->hooks = xcalloc(arc_v_list_len(v), sizeof(*r->hooks));
		for (i = 0; i < arc_v_list_len(v) && !d.rc; i++) {
			arc_value *e = arc_v_list_at(v, i);
			if (e->kind == ARC_NULL)
				continue;
			if (e->kind != ARC_MAP) {
				rd_fail(&d, "hooks", "a list of objects");
				break;
			}
			rd_hook(&d, e, &r->hooks[r->nhooks++]);
		}
		d.ctx = "release";
	}
	r->version = (int)rd_int(&d, j, "version", -2147483647L - 1, 2147483647L);
	r->namespace = rd_str(&d, j, "namespace");
	r->apply_method = rd_str(&d, j, "apply_method");
	if (d.rc) {
		arc_release_free(r);
		return d.rc;
	}
	*out = r;
	return 0;
}

int arc_release_from_json(struct arc_release **out, const char *json, size_t len)
{
	arc_value *j = NULL;
	int rc;
	*out = NULL;
	if (len > ARC_RELEASE_MAX_JSON)
		return arc_error_code(ARC_E_RANGE, "release data larger than %u bytes", ARC_RELEASE_MAX_JSON);
	rc = arc_json_load(&j, "release", json ? json : "", json ? len : 0);
	if (rc) {
		arc_error_prefix("decoding release");
		return rc;
	}
	rc = from_value(out, j);
	arc_v_unref(j);
	return rc;
}

/* ---- gzip and base64 ---- */

static int gzip_bytes(struct arc_buf *out, const char *data, size_t len)
{
	z_stream z;
	gz_header h;
	unsigned char chunk[65536];
	int zr;
	memset(&z, 0, sizeof(z));
	/* Go's gzip.NewWriterLevel(BestCompression): no name, mtime 0, XFL 2, OS 255 */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return arc_error_code(ARC_E_FAIL, "gzip: cannot initialise");
	memset(&h, 0, sizeof(h));
	h.os = 255;
	deflateSetHeader(&z, &h);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = deflate(&z, Z_FINISH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			deflateEnd(&z);
			return arc_error_code(ARC_E_FAIL, "gzip: compression failed");
		}
		arc_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}

/* Go's gzip.Reader reads concatenated members (multistream) */
static int gunzip_bytes(struct arc_buf *out, const unsigned char *data, size_t len)
{
	z_stream z;
	unsigned char chunk[65536];
	int zr, rc = 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return arc_error_code(ARC_E_FAIL, "gzip: cannot initialise");
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			rc = arc_error_code(ARC_E_PARSE, zr == Z_BUF_ERROR ? "unexpected EOF" :
							       "gzip: invalid compressed release data");
			break;
		}
		arc_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
		if (out->len > ARC_RELEASE_MAX_JSON) {
			rc = arc_error_code(ARC_E_RANGE, "release data larger than %u bytes",
					    ARC_RELEASE_MAX_JSON);
			break;
		}
		if (zr == Z_STREAM_END) {
			if (z.avail_in == 0)
				break;
			if (z.avail_in < 10 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b) {
				rc = arc_error_code(ARC_E_PARSE, "gzip: invalid header");
				break;
			}
			inflateReset(&z);
		}
	}
	inflateEnd(&z);
	return rc;
}

int arc_release_encode(struct arc_buf *out, const struct arc_release *r)
{
	struct arc_buf js = ARC_BUF_INIT, gz = ARC_BUF_INIT;
	int rc = arc_release_to_json(&js, r);
	if (!rc && js.len > ARC_RELEASE_MAX_JSON)
		rc = arc_error_code(ARC_E_RANGE, "release %s: %zu bytes of JSON is too large",
				    r->name ? r->name : "", js.len);
	if (!rc)
		rc = gzip_bytes(&gz, js.ptr ? js.ptr : "", js.len);
	if (!rc)
		arc_b64_encode(out, gz.ptr ? gz.ptr : "", gz.len);
	arc_buf_release(&js);
	arc_buf_release(&gz);
	return rc;
}

int arc_release_decode(struct arc_release **out, const char *b64, size_t len)
{
	struct arc_buf raw = ARC_BUF_INIT, js = ARC_BUF_INIT;
	int rc;
	*out = NULL;
	if (len > (size_t)ARC_RELEASE_MAX_JSON)
		return arc_error_code(ARC_E_RANGE, "release data larger than %u bytes", ARC_RELEASE_MAX_JSON);
	rc = arc_b64_decode(&raw, b64 ? b64 : "", b64 ? len : 0);
	if (rc) {
		arc_error_prefix("decoding release");
		goto done;
	}
	if (raw.len >= 3 && (unsigned char)raw.ptr[0] == 0x1f && (unsigned char)raw.ptr[1] == 0x8b &&
	    (unsigned char)raw.ptr[2] == 0x08) {
		rc = gunzip_bytes(&js, (const unsigned char *)raw.ptr, raw.len);
		if (rc) {
			arc_error_prefix("decoding release");
			goto done;
		}
		rc = arc_release_from_json(out, js.ptr ? js.ptr : "", js.len);
	} else {
		rc = arc_release_from_json(out, raw.ptr ? raw.ptr : "", raw.len);
	}
done:
	arc_buf_release(&raw);
	arc_buf_release(&js);
	return rc;
}

/* ---- the chart part from a loaded chart ---- */

static void add_file(struct arc_release_file **v, size_t *n, const struct arc_chart_file *f)
{
	struct arc_release_file *e;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	e = &(*v)[(*n)++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(f->path);
	e->data = xmalloc(f->len + 1);
	if (f->len)
		memcpy(e->data, f->data, f->len);
	e->data[f->len] = '\0';
	e->len = f->len;
}

int arc_release_chart_from(struct arc_release_chart **out, const struct arc_chart *c, arc_value *values)
{
	struct arc_release_chart *rc = arc_release_chart_new();
	const char *api = c->metadata ? arc_obj_str(c->metadata, "apiVersion") : NULL;
	int v1 = api && !strcmp(api, "v1");
	size_t i;
	*out = NULL;
	rc->metadata = c->metadata ? arc_v_ref(c->metadata) : NULL;
	if (values)
		rc->values = arc_v_ref(values);
	else if (c->values)
		rc->values = arc_v_ref(c->values);
	for (i = 0; i < c->nfiles; i++) {
		const struct arc_chart_file *f = &c->files[i];
		const char *p = f->path;
		if (!strcmp(p, "Chart.yaml") || !strcmp(p, "values.yaml"))
			continue;
		if (!strcmp(p, "Chart.lock") || !strcmp(p, "requirements.lock")) {
			arc_value *lock = NULL;
			if (arc_yaml_load(&lock, p, f->data, f->len, 0) != 0) {
				arc_error_prefix("cannot load %s", p);
				arc_release_chart_free(rc);
				return ARC_E_PARSE;
			}
			arc_v_unref(rc->lock);
			rc->lock = lock;
			if (lock && lock->kind == ARC_NULL) {
				arc_v_unref(lock);
				rc->lock = NULL;
			}
			if (v1 && !strcmp(p, "requirements.lock"))
				add_file(&rc->files, &rc->nfiles, f);
		} else if (!strcmp(p, "values.schema.json")) {
			free(rc->schema);
			rc->schema = xmalloc(f->len + 1);
			if (f->len)
				memcpy(rc->schema, f->data, f->len);
			rc->schema[f->len] = '\0';
			rc->schema_len = f->len;
		} else if (!strcmp(p, "requirements.yaml")) {
			if (v1)
				add_file(&rc->files, &rc->nfiles, f);
		} else if (!strncmp(p, "templates/", 10)) {
			add_file(&rc->templates, &rc->ntemplates, f);
		} else if (!strncmp(p, "charts/", 7)) {
			size_t n = strlen(p);
			if (n > 5 && !strcmp(p + n - 5, ".prov"))
				add_file(&rc->files, &rc->nfiles, f);
		} else {
			add_file(&rc->files, &rc->nfiles, f);
		}
	}
	/* check metadata and lock types now rather than when the record is written */
	{
		struct arc_buf t = ARC_BUF_INIT;
		int e = put_chart(&t, rc);
		arc_buf_release(&t);
		if (e) {
			arc_release_chart_free(rc);
			return e;
		}
	}
	*out = rc;
	return 0;
}

/* ---- the Secret ---- */

char *arc_release_key(const char *name, int version)
{
	return xasprintf(ARC_RELEASE_SECRET_PREFIX "%s.v%d", name ? name : "", version);
}

int arc_release_secret(arc_value **out, const struct arc_release *r, const char *stamp)
{
	struct arc_buf enc = ARC_BUF_INIT, wire = ARC_BUF_INIT;
	arc_value *sec, *md, *labels, *data;
	char buf[32];
	size_t i;
	int rc;
	*out = NULL;
	if (empty(r->name) || empty(r->namespace) || r->version <= 0)
		return arc_error_code(ARC_E_FAIL, "release record without a name, namespace or version");
	if ((rc = arc_release_encode(&enc, r)) != 0)
		return rc;
	if (enc.len > ARC_RELEASE_MAX_SECRET) {
		rc = arc_error_code(ARC_E_RANGE,
				    "release %s revision %d is %zu bytes encoded; a Secret holds at most %u",
				    r->name, r->version, enc.len, ARC_RELEASE_MAX_SECRET);
		arc_buf_release(&enc);
		return rc;
	}
	arc_b64_encode(&wire, enc.ptr ? enc.ptr : "", enc.len);
	arc_buf_release(&enc);
	/* helm's driver: the stamp first, the release's labels over it, then the system labels */
	labels = arc_v_map();
	if (stamp) {
		snprintf(buf, sizeof(buf), "%lld", (long long)time(NULL));
		arc_v_map_set(labels, stamp, arc_v_str(buf));
	}
	if (r->labels && r->labels->kind == ARC_MAP) {
		for (i = 0; i < arc_v_map_len(r->labels); i++) {
			arc_value *v = arc_v_map_val(r->labels, i);
			if (v->kind == ARC_STRING)
				arc_v_map_setn(labels, arc_v_map_key(r->labels, i),
					       arc_v_map_keylen(r->labels, i), arc_v_ref(v));
		}
	}
	arc_v_map_set(labels, "name", arc_v_str(r->name));
	arc_v_map_set(labels, "owner", arc_v_str("helm"));
	arc_v_map_set(labels, "status", arc_v_str(r->info.status ? r->info.status : ""));
	snprintf(buf, sizeof(buf), "%d", r->version);
	arc_v_map_set(labels, "version", arc_v_str(buf));
	sec = arc_v_map();
	md = arc_v_map();
	data = arc_v_map();
	arc_v_map_set(sec, "apiVersion", arc_v_str("v1"));
	arc_v_map_set(sec, "kind", arc_v_str("Secret"));
	{
		char *key = arc_release_key(r->name, r->version);
		arc_v_map_set(md, "name", arc_v_str(key));
		free(key);
	}
	arc_v_map_set(md, "namespace", arc_v_str(r->namespace));
	arc_v_map_set(md, "labels", labels);
	arc_v_map_set(sec, "metadata", md);
	arc_v_map_set(sec, "type", arc_v_str(ARC_RELEASE_SECRET_TYPE));
	arc_v_map_set(data, "release", arc_v_str_buf(&wire));
	arc_v_map_set(sec, "data", data);
	*out = sec;
	return 0;
}

/* ---- storage ---- */

/* After a 409 on create: 1 when the stored record is the one just sent (an earlier attempt of
 * this POST reached the server before the connection broke and the client sent it again) */
static int record_is_ours(struct arc_kube *k, const char *path, arc_value *sec)
{
	struct arc_buf resp = ARC_BUF_INIT;
	arc_value *got = NULL;
	long status = 0;
	int same = 0;
	if (arc_kube_do(k, "GET", path, NULL, NULL, 0, &status, &resp) == 0 && status == 200 &&
	    arc_json_load(&got, path, resp.ptr ? resp.ptr : "", resp.len) == 0) {
		arc_value *a = arc_obj_at(got, "data"), *b = arc_obj_at(sec, "data");
		arc_value *la = arc_obj_at(got, "metadata.labels"), *lb = arc_obj_at(sec, "metadata.labels");
		same = a && b && la && lb && arc_v_equal(a, b) && arc_v_equal(la, lb);
	}
	arc_error_clear();
	arc_v_unref(got);
	arc_buf_release(&resp);
	return same;
}

static int write_record(struct arc_kube *k, const struct arc_release *r, int create)
{
	arc_value *sec = NULL;
	struct arc_buf body = ARC_BUF_INIT, path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	long status = 0;
	char reason[64];
	int rc = arc_release_secret(&sec, r, create ? "createdAt" : "modifiedAt");
	if (rc)
		return rc;
	rc = arc_json_dump(&body, sec, 0);
	if (rc)
		goto done;
	arc_buf_printf(&path, "/api/v1/namespaces/%s/secrets", r->namespace);
	if (!create)
		arc_buf_printf(&path, "/%s", arc_obj_str(sec, "metadata.name"));
	arc_buf_puts(&path, "?fieldManager=" ARC_RELEASE_FIELD_MANAGER);
	rc = arc_kube_do(k, create ? "POST" : "PUT", path.ptr, "application/json", body.ptr, body.len,
			 &status, &resp);
	if (rc == 0 && status / 100 != 2) {
		char *what = xasprintf("Secret %s/%s", r->namespace, arc_obj_str(sec, "metadata.name"));
		if (create && status == 409 && !strcmp(arc_kube_status_reason(&resp, reason, sizeof(reason)),
							 "AlreadyExists")) {
			char *one = xasprintf("/api/v1/namespaces/%s/secrets/%s", r->namespace,
					      arc_obj_str(sec, "metadata.name"));
			if (!record_is_ours(k, one, sec))
				rc = arc_error_code(ARC_E_RANGE, "release: already exists");
			free(one);
		} else
			rc = arc_kube_status_error(status, &resp, what);
		free(what);
	}
	if (rc)
		arc_error_prefix("%s release %s revision %d (%s)", create ? "recording" : "updating", r->name,
				 r->version, r->info.status ? r->info.status : "");
done:
	arc_v_unref(sec);
	arc_buf_release(&body);
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

int arc_release_create(struct arc_kube *k, const struct arc_release *r)
{
	return write_record(k, r, 1);
}

int arc_release_update(struct arc_kube *k, const struct arc_release *r)
{
	return write_record(k, r, 0);
}

/* the release in a Secret object; labels: all of them (filter = 0) or the custom ones */
static int from_secret(struct arc_release **out, arc_value *s, int filter)
{
	static const char *const system[] = {
		"name", "owner", "status", "version", "createdAt", "modifiedAt",
	};
	const char *data = arc_obj_str(s, "data.release");
	struct arc_buf once = ARC_BUF_INIT;
	arc_value *labels = arc_obj_at(s, "metadata.labels");
	struct arc_release *r = NULL;
	size_t i, j;
	int rc;
	*out = NULL;
	if (!data)
		return arc_error_code(ARC_E_PARSE, "decoding release: the Secret has no data.release");
	/* Secret data arrives base64-encoded: undo that layer, then the record's own */
	rc = arc_b64_decode(&once, data, strlen(data));
	if (!rc)
		rc = arc_release_decode(&r, once.ptr ? once.ptr : "", once.len);
	arc_buf_release(&once);
	if (rc)
		return rc;
	if (labels && labels->kind == ARC_MAP) {
		r->labels = arc_v_map();
		for (i = 0; i < arc_v_map_len(labels); i++) {
			const char *kname = arc_v_map_key(labels, i);
			int sys = 0;
			for (j = 0; filter && j < ARC_ARRAY_LEN(system); j++)
				sys |= !strcmp(kname, system[j]);
			if (!sys)
				arc_v_map_set(r->labels, kname, arc_v_ref(arc_v_map_val(labels, i)));
		}
	}
	*out = r;
	return 0;
}

struct collect {
	struct arc_release **v;
	size_t n, cap;
};

static int on_secret(void *ctx, arc_value *item)
{
	struct collect *c = ctx;
	struct arc_release *r = NULL;
	if (from_secret(&r, item, 0) != 0) {
		arc_error_clear(); /* helm skips records it cannot decode */
		return 0;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = r;
	return 0;
}

static int cmp_rel(const void *a, const void *b)
{
	const struct arc_release *x = *(struct arc_release *const *)a, *y = *(struct arc_release *const *)b;
	int c = strcmp(x->namespace ? x->namespace : "", y->namespace ? y->namespace : "");
	if (!c)
		c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	if (!c)
		c = (x->version > y->version) - (x->version < y->version);
	return c;
}

static int query(struct arc_kube *k, const char *ns, const char *selector, struct arc_release ***out,
		 size_t *n)
{
	struct collect c = { NULL, 0, 0 };
	int rc = arc_kube_list(k, "v1", "Secret", ns && *ns ? ns : NULL, selector, NULL, 0, on_secret, &c,
			       NULL);
	if (rc) {
		arc_release_list_free(c.v, c.n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(*c.v), cmp_rel);
	*out = c.v;
	*n = c.n;
	return 0;
}

/* a label value as Kubernetes validates it (helm's Query refuses invalid ones) */
static int valid_label_value(const char *s)
{
	size_t i, n = strlen(s);
	if (n > 63)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = s[i];
		int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
		if (!alnum && ((i == 0 || i == n - 1) || (ch != '-' && ch != '_' && ch != '.')))
			return 0;
	}
	return 1;
}

int arc_release_history(struct arc_kube *k, const char *ns, const char *name, struct arc_release ***out,
			size_t *n)
{
	char *sel;
	int rc;
	*out = NULL;
	*n = 0;
	if (!name || !valid_label_value(name))
		return arc_error_code(ARC_E_USAGE, "invalid label value: \"%s\"", name ? name : "");
	sel = xasprintf("name=%s,owner=helm", name);
	rc = query(k, ns, sel, out, n);
	free(sel);
	if (rc)
		arc_error_prefix("reading the history of release %s", name);
	return rc;
}

int arc_release_list(struct arc_kube *k, const char *ns, struct arc_release ***out, size_t *n)
{
	int rc = query(k, ns, "owner=helm", out, n);
	if (rc)
		arc_error_prefix("listing releases");
	return rc;
}

int arc_release_get(struct arc_kube *k, const char *ns, const char *name, int version,
		    struct arc_release **out)
{
	struct arc_release **h = NULL;
	size_t n = 0;
	arc_value *s = NULL;
	char *key;
	int rc;
	*out = NULL;
	if (version <= 0) {
		rc = arc_release_history(k, ns, name, &h, &n);
		if (rc)
			return rc;
		if (!n)
			return arc_error_code(ARC_E_NOTFOUND, "release: not found");
		*out = h[n - 1];
		h[n - 1] = NULL;
		arc_release_list_free(h, n);
		return 0;
	}
	key = arc_release_key(name, version);
	rc = arc_kube_get(k, "v1", "Secret", ns, key, &s);
	if (rc == ARC_E_NOTFOUND)
		rc = arc_error_code(ARC_E_NOTFOUND, "release: not found");
	else if (rc)
		arc_error_prefix("get: failed to get \"%s\"", key);
	if (!rc) {
		rc = from_secret(out, s, 1);
		if (rc)
			arc_error_prefix("get: failed to decode data \"%s\"", key);
	}
	arc_v_unref(s);
	free(key);
	return rc;
}

static const char *label_status(const struct arc_release *r)
{
	arc_value *v = r->labels && r->labels->kind == ARC_MAP ? arc_v_map_get(r->labels, "status") : NULL;
	if (v && v->kind == ARC_STRING)
		return arc_v_strptr(v);
	return r->info.status ? r->info.status : "";
}

/* the index of the last deployed revision in an ascending history, or -1 */
static long last_deployed(struct arc_release **h, size_t n)
{
	size_t i;
	long best = -1;
	for (i = 0; i < n; i++)
		if (!strcmp(label_status(h[i]), ARC_RELEASE_DEPLOYED) &&
		    (best < 0 || h[i]->version >= h[best]->version))
			best = (long)i;
	return best;
}

int arc_release_deployed(struct arc_kube *k, const char *ns, const char *name, struct arc_release **out)
{
	struct arc_release **h = NULL;
	size_t n = 0;
	long i;
	int rc = arc_release_history(k, ns, name, &h, &n);
	*out = NULL;
	if (rc)
		return rc;
	i = last_deployed(h, n);
	if (i < 0) {
		arc_release_list_free(h, n);
		return arc_error_code(ARC_E_NOTFOUND, "%s: no deployed releases", name);
	}
	*out = h[i];
	h[i] = NULL;
	arc_release_list_free(h, n);
	return 0;
}

int arc_release_mark(struct arc_kube *k, const char *ns, const char *name, int version, const char *status,
		     const char *description)
{
	struct arc_release *r = NULL;
	int rc = arc_release_get(k, ns, name, version, &r);
	if (rc)
		return rc;
	arc_release_set_status(r, status, description);
	rc = arc_release_update(k, r);
	arc_release_free(r);
	return rc;
}

int arc_release_delete(struct arc_kube *k, const char *ns, const char *name, int version, int *existed)
{
	char *key = arc_release_key(name, version);
	int rc = arc_kube_delete(k, "v1", "Secret", ns, key, NULL, existed);
	free(key);
	return rc;
}

int arc_release_delete_all(struct arc_kube *k, const char *ns, const char *name)
{
	struct arc_release **h = NULL;
	size_t n = 0, i;
	int rc = arc_release_history(k, ns, name, &h, &n);
	for (i = 0; !rc && i < n; i++)
		rc = arc_release_delete(k, ns, name, h[i]->version, NULL);
	arc_release_list_free(h, n);
	return rc;
}

size_t arc_release_prune_select(struct arc_release **h, size_t n, int max, int *victims)
{
	long keep = last_deployed(h, n);
	size_t i, nv = 0;
	if (max < 0 || n <= (size_t)max)
		return 0;
	for (i = 0; i < n; i++) {
		if (n - nv == (size_t)max)
			break;
		if ((long)i != keep)
			victims[nv++] = h[i]->version;
	}
	return nv;
}

int arc_release_prune(struct arc_kube *k, const char *ns, const char *name, int max, size_t *deleted)
{
	struct arc_release **h = NULL;
	size_t n = 0, nv, i, done = 0;
	int *victims, rc, first = 0;
	if (deleted)
		*deleted = 0;
	if (max < 0)
		return 0;
	rc = arc_release_history(k, ns, name, &h, &n);
	if (rc)
		return rc;
	victims = xcalloc(n + 1, sizeof(*victims));
	nv = arc_release_prune_select(h, n, max, victims);
	/* delete as many as possible; report the first failure */
	for (i = 0; i < nv; i++) {
		int e = arc_release_delete(k, ns, name, victims[i], NULL);
		if (e && !first)
			first = e;
		else if (!e)
			done++;
	}
	free(victims);
	arc_release_list_free(h, n);
	if (deleted)
		*deleted = done;
	return first;
}
