/* deps.c - dependency processing (conditions, tags, aliases, import-values)
 * and the kubeVersion check, as helm v4's pkg/chart/v2/util/dependencies.go
 * and pkg/action. */
#include "deps.h"

#include <stdlib.h>
#include <string.h>

#include "../gotmpl/semver.h"
#include "../value/codec.h"

#define MAX_NEST 64

int arc_deps_compatible(const char *constraint, const char *version)
{
	struct arc_semver v;
	int ok = 0;
	if (!constraint || !version)
		return 0;
	if (arc_semver_parse(&v, version, strlen(version)) != 0) {
		arc_error_clear();
		return 0;
	}
	if (arc_semver_satisfies(constraint, strlen(constraint), &v, &ok) != 0) {
		arc_error_clear();
		ok = 0;
	}
	arc_semver_release(&v);
	return ok;
}

int arc_deps_check_kube_version(const struct arc_chart *c, const char *kube_version)
{
	arc_value *kv = c->metadata ? arc_v_map_get(c->metadata, "kubeVersion") : NULL;
	char *shown;
	int rc = 0;
	if (!kv || kv->kind != ARC_STRING || kv->u.s.len == 0)
		return 0;
	if (!kube_version)
		kube_version = "v1.35.0";
	/* helm prints the parsed version's String(), always with a leading v */
	{
		struct arc_semver v;
		if (arc_semver_parse(&v, kube_version, strlen(kube_version)) == 0) {
			char *s = arc_semver_string(&v);
			shown = xasprintf("v%s", s);
			free(s);
			arc_semver_release(&v);
		} else {
			arc_error_clear();
			shown = xstrdup(kube_version);
		}
	}
	if (!arc_deps_compatible(kv->u.s.ptr, shown))
		rc = arc_error_code(ARC_E_FAIL, "chart requires kubeVersion: %s which is incompatible with "
						"Kubernetes %s", kv->u.s.ptr, shown);
	free(shown);
	return rc;
}

/* ---- helpers ---- */

static const char *str_field(arc_value *m, const char *k)
{
	arc_value *v = m && m->kind == ARC_MAP ? arc_v_map_get(m, k) : NULL;
	return v && v->kind == ARC_STRING ? arc_v_strptr(v) : "";
}

static const char *chart_version(const struct arc_chart *c)
{
	return str_field(c->metadata, "version");
}

static arc_value *dep_list(const struct arc_chart *c)
{
	arc_value *d = c->metadata ? arc_v_map_get(c->metadata, "dependencies") : NULL;
	return d && d->kind == ARC_LIST ? d : NULL;
}

/* a copy of a chart: metadata deep-copied, values shared (helm shares them
 * too: they are replaced, never modified, later), files and subcharts copied */
static struct arc_chart *chart_clone(const struct arc_chart *c, int depth)
{
	struct arc_chart *n = arc_chart_new();
	size_t i;
	arc_chart_set_metadata(n, c->metadata ? arc_v_copy_deep(c->metadata) : arc_v_map());
	arc_chart_set_values(n, c->values ? arc_v_ref(c->values) : arc_v_map());
	for (i = 0; i < c->nfiles; i++)
		arc_chart_add_file(n, c->files[i].path, c->files[i].data, c->files[i].len);
	for (i = 0; depth < MAX_NEST && i < c->ndeps; i++)
		arc_chart_add_dep(n, chart_clone(c->deps[i], depth + 1));
	return n;
}

/* replaces c's subcharts with `list` (n entries, ownership moves to c) */
static void set_deps(struct arc_chart *c, struct arc_chart **list, size_t n)
{
	size_t i;
	free(c->deps);
	c->deps = list;
	c->ndeps = n;
	for (i = 0; i < n; i++)
		list[i]->parent = c;
}

static struct arc_value *table_lookup(arc_value *v, const char *path, char **failed)
{
	const char *p = path;
	arc_value *t = v;
	*failed = NULL;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		arc_value *x = t && t->kind == ARC_MAP ? arc_v_map_getn(t, p, n) : NULL;
		if (!x || x->kind != ARC_MAP) {
			*failed = xstrndup(p, n);
			return NULL;
		}
		t = x;
		if (!dot)
			return t;
		p = dot + 1;
	}
}

static char *quoted(const char *s)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_fmt_quote(&b, s, strlen(s));
	arc_buf_cstr(&b);
	return arc_buf_detach(&b, NULL);
}

/* ---- enabled / disabled ---- */

static void process_tags(arc_value *reqs, unsigned char *enabled, arc_value *cvals, struct arc_warnings *w)
{
	arc_value *vt = arc_v_map_get(cvals, "tags");
	size_t i, j;
	if (!vt || vt->kind != ARC_MAP)
		return;
	for (i = 0; i < arc_v_list_len(reqs); i++) {
		arc_value *r = arc_v_list_at(reqs, i), *tags = r->kind == ARC_MAP ? arc_v_map_get(r, "tags") : NULL;
		int has_true = 0, has_false = 0;
		for (j = 0; tags && tags->kind == ARC_LIST && j < arc_v_list_len(tags); j++) {
			arc_value *k = arc_v_list_at(tags, j), *b;
			if (k->kind != ARC_STRING)
				continue;
			b = arc_v_map_get(vt, arc_v_strptr(k));
			if (!b)
				continue;
			if (b->kind == ARC_BOOL) {
				if (b->u.b)
					has_true = 1;
				else
					has_false = 1;
			} else {
				arc_warnings_log(w, "WARN", "returned non-bool value", "tag", arc_v_strptr(k), "chart",
						 str_field(r, "name"), (const char *)NULL);
			}
		}
		if (!has_true && has_false)
			enabled[i] = 0;
		else
			enabled[i] = 1;
	}
}

static void process_conditions(arc_value *reqs, unsigned char *enabled, arc_value *cvals, const char *cpath,
			       struct arc_warnings *w)
{
	size_t i;
	for (i = 0; i < arc_v_list_len(reqs); i++) {
		arc_value *r = arc_v_list_at(reqs, i);
		const char *cond = str_field(r, "condition"), *p, *e;
		size_t n;
		/* strings.TrimSpace, then split on ","; the pieces are not trimmed */
		while (*cond == ' ' || *cond == '\t' || *cond == '\n' || *cond == '\r' || *cond == '\v' || *cond == '\f')
			cond++;
		n = strlen(cond);
		while (n && (cond[n - 1] == ' ' || cond[n - 1] == '\t' || cond[n - 1] == '\n' || cond[n - 1] == '\r' ||
			     cond[n - 1] == '\v' || cond[n - 1] == '\f'))
			n--;
		for (p = cond; p < cond + n; p = e + 1) {
			char *one, *path;
			arc_value *vv = NULL;
			e = memchr(p, ',', (size_t)(cond + n - p));
			if (!e)
				e = cond + n;
			if (e == p)
				continue;
			one = xstrndup(p, (size_t)(e - p));
			path = xasprintf("%s%s", cpath, one);
			if (arc_values_path_value(cvals, path, &vv) == 0) {
				if (vv->kind == ARC_BOOL) {
					enabled[i] = vv->u.b != 0;
					free(one);
					free(path);
					break;
				}
				arc_warnings_log(w, "WARN", "returned non-bool value", "path", one, "chart",
						 str_field(r, "name"), (const char *)NULL);
			}
			free(one);
			free(path);
		}
	}
}

/* getAliasDependency: the first subchart named like the dependency whose
 * version fits its range, copied, renamed to the alias */
static struct arc_chart *alias_dep(struct arc_chart **deps, size_t n, arc_value *req)
{
	size_t i;
	for (i = 0; i < n; i++) {
		struct arc_chart *c = deps[i], *out;
		const char *alias;
		if (strcmp(arc_chart_name(c), str_field(req, "name")) != 0)
			continue;
		if (!arc_deps_compatible(str_field(req, "version"), chart_version(c)))
			continue;
		out = chart_clone(c, 0);
		alias = str_field(req, "alias");
		if (*alias)
			arc_v_map_set(out->metadata, "name", arc_v_str(alias));
		return out;
	}
	return NULL;
}

static int process_enabled(struct arc_chart *c, arc_value *v, const char *path, struct arc_warnings *w, int depth)
{
	arc_value *reqs = dep_list(c), *cvals = NULL, *kept_meta;
	struct arc_chart **list, **cd;
	size_t nlist = 0, ncd = 0, i, j;
	unsigned char *enabled, *keep_old;
	int rc = 0;

	if (depth > MAX_NEST)
		return arc_error_code(ARC_E_RANGE, "charts nested too deep");
	if (!reqs)
		return 0;
	list = xcalloc(c->ndeps + arc_v_list_len(reqs) + 1, sizeof(*list));
	keep_old = xcalloc(c->ndeps + 1, 1);
	for (i = 0; i < c->ndeps; i++) {
		int named = 0;
		for (j = 0; j < arc_v_list_len(reqs) && !named; j++) {
			arc_value *r = arc_v_list_at(reqs, j);
			if (r->kind != ARC_MAP)
				continue;
			named = !strcmp(arc_chart_name(c->deps[i]), str_field(r, "name")) &&
				arc_deps_compatible(str_field(r, "version"), chart_version(c->deps[i]));
		}
		if (!named)
			keep_old[i] = 1;
	}
	for (i = 0; i < c->ndeps; i++)
		if (keep_old[i])
			list[nlist++] = c->deps[i];
	for (j = 0; j < arc_v_list_len(reqs); j++) {
		arc_value *r = arc_v_list_at(reqs, j);
		struct arc_chart *a;
		if (r->kind != ARC_MAP)
			continue;
		a = alias_dep(c->deps, c->ndeps, r);
		if (a)
			list[nlist++] = a;
		if (*str_field(r, "alias"))
			arc_v_map_set(r, "name", arc_v_str(str_field(r, "alias")));
	}
	for (i = 0; i < c->ndeps; i++)
		if (!keep_old[i])
			arc_chart_free(c->deps[i]);
	free(keep_old);
	set_deps(c, list, nlist);

	enabled = xcalloc(arc_v_list_len(reqs) + 1, 1);
	memset(enabled, 1, arc_v_list_len(reqs));
	if ((rc = arc_values_coalesce(&cvals, c, v, 0, w)) != 0) {
		free(enabled);
		return rc;
	}
	process_tags(reqs, enabled, cvals, w);
	process_conditions(reqs, enabled, cvals, path, w);

	/* drop the disabled charts and their entries */
	cd = xcalloc(c->ndeps + 1, sizeof(*cd));
	for (i = 0; i < c->ndeps; i++) {
		int removed = 0;
		for (j = 0; j < arc_v_list_len(reqs) && !removed; j++)
			removed = !enabled[j] && arc_v_list_at(reqs, j)->kind == ARC_MAP &&
				  !strcmp(str_field(arc_v_list_at(reqs, j), "name"), arc_chart_name(c->deps[i]));
		if (removed)
			arc_chart_free(c->deps[i]);
		else
			cd[ncd++] = c->deps[i];
	}
	kept_meta = arc_v_list();
	for (j = 0; j < arc_v_list_len(reqs); j++) {
		arc_value *r = arc_v_list_at(reqs, j);
		int removed = 0;
		if (r->kind == ARC_MAP) {
			size_t k;
			for (k = 0; k < arc_v_list_len(reqs) && !removed; k++)
				removed = !enabled[k] && arc_v_list_at(reqs, k)->kind == ARC_MAP &&
					  !strcmp(str_field(arc_v_list_at(reqs, k), "name"), str_field(r, "name"));
			if (!removed)
				arc_v_map_set(r, "enabled", arc_v_bool(1));
		}
		if (!removed)
			arc_v_list_push(kept_meta, arc_v_ref(r));
	}
	free(enabled);
	set_deps(c, cd, ncd);
	for (i = 0; i < c->ndeps && rc == 0; i++) {
		char *sub = xasprintf("%s%s.", path, arc_chart_name(c->deps[i]));
		rc = process_enabled(c->deps[i], cvals, sub, w, depth + 1);
		free(sub);
	}
	arc_v_map_set(c->metadata, "dependencies", kept_meta);
	arc_v_unref(cvals);
	return rc;
}

/* ---- import-values ---- */

static arc_value *path_to_map(const char *path, arc_value *data)
{
	const char *end;
	arc_value *cur;
	if (!strcmp(path, "."))
		return arc_v_ref(data);
	cur = arc_v_ref(data);
	end = path + strlen(path);
	for (;;) {
		const char *dot = end;
		arc_value *m;
		while (dot > path && dot[-1] != '.')
			dot--;
		m = arc_v_map();
		arc_v_map_setn(m, dot, (size_t)(end - dot), cur);
		cur = m;
		if (dot == path)
			break;
		end = dot - 1;
	}
	return cur;
}

static char *fmt_v_str(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (!v)
		arc_buf_puts(&b, "<nil>");
	else
		arc_fmt_v(&b, v);
	arc_buf_cstr(&b);
	return arc_buf_detach(&b, NULL);
}

static int process_import(struct arc_chart *c, struct arc_warnings *w)
{
	arc_value *reqs = dep_list(c), *cvals = NULL, *b, *copy, *nv;
	size_t i, j;
	int rc;

	if (!reqs)
		return 0;
	if ((rc = arc_values_coalesce(&cvals, c, NULL, 1, w)) != 0)
		return rc;
	b = arc_v_map();
	for (i = 0; i < arc_v_list_len(reqs); i++) {
		arc_value *r = arc_v_list_at(reqs, i), *ivs, *outiv = NULL;
		const char *rname;
		if (r->kind != ARC_MAP)
			continue;
		rname = str_field(r, "name");
		ivs = arc_v_map_get(r, "import-values");
		for (j = 0; ivs && ivs->kind == ARC_LIST && j < arc_v_list_len(ivs); j++) {
			arc_value *iv = arc_v_list_at(ivs, j), *pair, *t, *src, *res;
			char *child, *parent, *tpath, *failed = NULL;
			if (iv->kind == ARC_MAP) {
				child = fmt_v_str(arc_v_map_get(iv, "child"));
				parent = fmt_v_str(arc_v_map_get(iv, "parent"));
			} else if (iv->kind == ARC_STRING) {
				child = xasprintf("exports.%s", arc_v_strptr(iv));
				parent = xstrdup(".");
			} else {
				continue;
			}
			if (!outiv)
				outiv = arc_v_list();
			pair = arc_v_map();
			pair->gotype = ARC_GO_MAPSTR;
			arc_v_map_set(pair, "child", arc_v_str(child));
			arc_v_map_set(pair, "parent", arc_v_str(parent));
			arc_v_list_push(outiv, pair);
			tpath = xasprintf("%s.%s", rname, child);
			t = table_lookup(cvals, tpath, &failed);
			if (!t) {
				char *q = quoted(failed), *err = xasprintf("%s is not a table", q);
				if (iv->kind == ARC_MAP)
					arc_warnings_log(w, "WARN", "ImportValues missing table from chart", "chart", rname,
							 "error", err, (const char *)NULL);
				else
					arc_warnings_log(w, "WARN", "ImportValues missing table", "error", err,
							 (const char *)NULL);
				free(q);
				free(err);
			} else {
				/* Values.AsMap: an empty table becomes a fresh map */
				arc_value *tm = arc_v_map_len(t) ? arc_v_ref(t) : arc_v_map();
				src = iv->kind == ARC_MAP ? path_to_map(parent, tm) : arc_v_ref(tm);
				res = arc_values_coalesce_tables(b, src, 1, w);
				arc_v_unref(res);
				arc_v_unref(src);
				arc_v_unref(tm);
			}
			free(failed);
			free(tpath);
			free(child);
			free(parent);
		}
		if (outiv)
			arc_v_map_set(r, "import-values", outiv);
		else
			arc_v_map_del(r, "import-values");
	}
	copy = arc_v_copy_deep(cvals);
	arc_v_unref(cvals);
	nv = arc_values_coalesce_tables(copy, b, 1, w);
	arc_v_unref(copy);
	arc_v_unref(b);
	arc_chart_set_values(c, nv);
	return 0;
}

static int process_import_rec(struct arc_chart *c, struct arc_warnings *w, int depth)
{
	size_t i;
	int rc;
	if (depth > MAX_NEST)
		return arc_error_code(ARC_E_RANGE, "charts nested too deep");
	for (i = 0; i < c->ndeps; i++)
		if ((rc = process_import_rec(c->deps[i], w, depth + 1)) != 0)
			return rc;
	return process_import(c, w);
}

int arc_deps_process(struct arc_chart *c, arc_value *user, struct arc_warnings *w)
{
	int rc = process_enabled(c, user, "", w, 0);
	if (rc == 0)
		rc = process_import_rec(c, w, 0);
	if (rc && rc != ARC_E_NOMEM) {
		char *msg = xstrdup(arc_error_last());
		arc_warnings_log(w, "ERROR", "chart dependencies processing failed", "error", msg, (const char *)NULL);
		rc = arc_error_code(rc, "chart dependencies processing failed: %s", msg);
		free(msg);
	}
	return rc;
}

int arc_deps_check_missing(const struct arc_chart *c)
{
	arc_value *reqs = dep_list(c);
	struct arc_buf miss = ARC_BUF_INIT;
	size_t i, j;
	int rc = 0;
	for (i = 0; reqs && i < arc_v_list_len(reqs); i++) {
		arc_value *r = arc_v_list_at(reqs, i);
		int found = 0;
		if (r->kind != ARC_MAP)
			continue;
		for (j = 0; j < c->ndeps && !found; j++)
			found = !strcmp(arc_chart_name(c->deps[j]), str_field(r, "name"));
		if (!found)
			arc_buf_printf(&miss, "%s%s", miss.len ? ", " : "", str_field(r, "name"));
	}
	if (miss.len)
		rc = arc_error_code(ARC_E_NOTFOUND, "an error occurred while checking for chart dependencies. You may "
						    "need to run `helm dependency build` to fetch missing dependencies: "
						    "found in Chart.yaml, but missing in charts/ directory: %s",
				    arc_buf_cstr(&miss));
	arc_buf_release(&miss);
	return rc;
}
