/* chartsrc.c - the chart pipeline shared by `template`, `install` and `upgrade` */
#include "chartsrc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../chart/deps.h"
#include "../chart/load.h"

void arc_chartsrc_values_opts(struct arc_values_opts *vo, const struct arc_chartsrc_values *v)
{
	memset(vo, 0, sizeof(*vo));
	vo->files = v->values.v;
	vo->nfiles = v->values.n;
	vo->set_json = v->set_json.v;
	vo->nset_json = v->set_json.n;
	vo->set = v->set.v;
	vo->nset = v->set.n;
	vo->set_string = v->set_string.v;
	vo->nset_string = v->set_string.n;
	vo->set_file = v->set_file.v;
	vo->nset_file = v->set_file.n;
	vo->set_literal = v->set_literal.v;
	vo->nset_literal = v->set_literal.n;
}

int arc_chartsrc_values_given(const struct arc_chartsrc_values *v)
{
	return v->values.n || v->set.n || v->set_string.n || v->set_json.n || v->set_file.n || v->set_literal.n;
}

void arc_chartsrc_values_release(struct arc_chartsrc_values *v)
{
	arc_strlist_release(&v->values);
	arc_strlist_release(&v->set);
	arc_strlist_release(&v->set_string);
	arc_strlist_release(&v->set_json);
	arc_strlist_release(&v->set_file);
	arc_strlist_release(&v->set_literal);
}

/* chartutil.ValidateReleaseName */
int arc_chartsrc_valid_release_name(const char *s)
{
	size_t n = strlen(s), i;
	int seg_start = 1;
	if (n == 0 || n > 53)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (seg_start) {
			if (!alnum)
				return 0;
			seg_start = 0;
		} else if (c == '.') {
			if (s[i - 1] == '-')
				return 0;
			seg_start = 1;
		} else if (!alnum && c != '-') {
			return 0;
		}
	}
	return !seg_start && s[n - 1] != '-';
}

static int is_path(const char *s)
{
	struct stat st;
	return stat(s, &st) == 0;
}

/* REPO/CHART: the index `repo add`/`repo update` cached, else a fresh one */
static int load_from_repo_name(struct arc_chart **out, const char *chart, const char *slash, const char *version,
			       const struct arc_repo_http *h)
{
	struct arc_repo_file rf;
	char *cfg = arc_repo_config_path(), *rname = xstrndup(chart, (size_t)(slash - chart));
	const struct arc_repo *r;
	int rc = arc_repo_file_load(&rf, cfg);
	free(cfg);
	if (rc) {
		free(rname);
		return rc;
	}
	r = arc_repo_file_get(&rf, rname);
	if (!r) {
		rc = arc_error_code(ARC_E_NOTFOUND, "repo %s not found", rname);
	} else {
		char *cache = arc_repo_cache_path(rname), *data = NULL;
		size_t len = 0;
		arc_value *ix = NULL;
		if (arc_read_file(cache, ARC_REPO_MAX_INDEX, &data, &len) == 0 &&
		    arc_repo_index_parse(&ix, data, len, r->url) == 0) {
			rc = arc_repo_pull(out, r->url, ix, slash + 1, version, h);
		} else {
			arc_error_clear();
			rc = arc_repo_pull(out, r->url, NULL, slash + 1, version, h);
		}
		arc_v_unref(ix);
		free(data);
		free(cache);
	}
	free(rname);
	arc_repo_file_release(&rf);
	return rc;
}

int arc_chartsrc_load(struct arc_chart **out, const char *chart, const char *repo, const char *version,
		      const struct arc_repo_http *h)
{
	const char *slash;
	if (!chart)
		return arc_chart_load_bundled(out);
	if (repo)
		return arc_repo_pull(out, repo, NULL, chart, version, h);
	if (is_path(chart))
		return arc_chart_load_path(out, chart);
	if (chart[0] == '/' || chart[0] == '.')
		return arc_error_code(ARC_E_IO, "path \"%s\" not found", chart);
	slash = strchr(chart, '/');
	if (slash && !strchr(slash + 1, '/') && strncmp(chart, "oci:", 4) != 0)
		return load_from_repo_name(out, chart, slash, version, h);
	return arc_error_code(ARC_E_NOTFOUND,
			      "non-absolute URLs should be in form of repo_name/path_to_chart, got: %s", chart);
}

int arc_chartsrc_check(const struct arc_chart *c)
{
	arc_value *t = c->metadata ? arc_v_map_get(c->metadata, "type") : NULL;
	if (t && t->kind == ARC_STRING && arc_v_strlen(t) && strcmp(arc_v_strptr(t), "application") != 0)
		return arc_error_code(ARC_E_USAGE, "%s charts are not installable", arc_v_strptr(t));
	return arc_deps_check_missing(c);
}

int arc_chartsrc_render(struct arc_chartsrc *out, struct arc_chart *c, arc_value *user,
			const struct arc_chartsrc_opts *o, struct arc_warnings *w)
{
	struct arc_render_opts ro;
	arc_value *vals = NULL, *none = NULL;
	int rc;
	memset(out, 0, sizeof(*out));
	if (!user)
		user = none = arc_v_map();
	out->failed_at = ARC_CHARTSRC_DEPS;
	if ((rc = arc_deps_process(c, user, w)) != 0)
		goto out;
	out->failed_at = ARC_CHARTSRC_VALUES;
	if ((rc = arc_values_for_render(&vals, c, user, o->skip_schema, w)) != 0)
		goto out;
	out->failed_at = ARC_CHARTSRC_KUBE_VERSION;
	if ((rc = arc_deps_check_kube_version(c, o->caps.kube_version)) != 0)
		goto out;
	memset(&ro, 0, sizeof(ro));
	ro.release = o->release;
	ro.caps = o->caps;
	ro.tpl = o->tpl;
	ro.values = vals;
	out->failed_at = ARC_CHARTSRC_RENDER;
	if ((rc = arc_chart_render(&out->res, c, &ro)) != 0)
		goto out;
	out->rendered = 1;
	out->failed_at = ARC_CHARTSRC_SORT;
	if ((rc = arc_manifests_sort(&out->man, &out->res, w)) != 0)
		goto out;
	out->sorted = 1;
	out->failed_at = ARC_CHARTSRC_OK;
out:
	arc_v_unref(vals);
	arc_v_unref(none);
	return rc;
}

void arc_chartsrc_release(struct arc_chartsrc *s)
{
	if (s->sorted)
		arc_manifests_release(&s->man);
	if (s->rendered)
		arc_render_result_release(&s->res);
	memset(s, 0, sizeof(*s));
}

const char *arc_chartsrc_notes(const struct arc_chartsrc *s, const struct arc_chart *c, size_t *len)
{
	char *name;
	const struct arc_rendered *nf;
	*len = 0;
	if (!s->rendered)
		return NULL;
	name = xasprintf("%s/templates/NOTES.txt", arc_chart_name(c));
	nf = arc_render_result_get(&s->res, name);
	free(name);
	if (!nf || !nf->len)
		return NULL;
	*len = nf->len;
	return nf->data;
}

void arc_chartsrc_manifest(struct arc_buf *out, const struct arc_chartsrc *s)
{
	size_t i;
	for (i = 0; s->sorted && i < s->man.nmanifests; i++)
		arc_buf_printf(out, "---\n# Source: %s\n%s\n", s->man.manifests[i].path, s->man.manifests[i].content);
}
