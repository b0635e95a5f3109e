/*
 * chartsrc.h - the chart pipeline that `template`, `install` and `upgrade` share, in helm 4's
 * order: locate and load the chart (LocateChart + loader.Load), check it is installable with
 * its dependencies present, then ProcessDependencies → CoalesceValues (+ values.schema.json) →
 * the chart's kubeVersion check → engine.Render → SortManifests.  `template` prints the result
 * (manifest.h's arc_manifest_output); `install` applies it and stores it in a release.
 *
 * OWNERSHIP: struct arc_chartsrc owns its render result and sorted manifests
 * (arc_chartsrc_release, safe on a partly filled or zeroed struct).  The chart, user values and
 * options are borrowed; arc_deps_process rewrites the chart's values as helm does.  Errors:
 * negative ARC_E_* with helm's text in arc_error_last().
 */
#ifndef ARC_CMD_CHARTSRC_H
#define ARC_CMD_CHARTSRC_H

#include "../chart/manifest.h"
#include "../chart/repo.h"
#include "../chart/values.h"
#include "opts.h"

/* The -f / --set family of flags, as the option tables fill them */
struct arc_chartsrc_values {
	struct arc_strlist values, set, set_string, set_json, set_file, set_literal;
};
/* point vo at the lists (vo is cleared first; the lists stay owned by v) */
void arc_chartsrc_values_opts(struct arc_values_opts *vo, const struct arc_chartsrc_values *v);
/* 1 when any of the flags was given */
int arc_chartsrc_values_given(const struct arc_chartsrc_values *v);
void arc_chartsrc_values_release(struct arc_chartsrc_values *v);

/* LocateChart + Load: chart NULL = the bundled chart; with repo, CHART is pulled from that
 * repository URL; else a directory or .tgz path, or REPO/CHART of the repositories `repo add`
 * registered.  version: a constraint (NULL = the latest). */
int arc_chartsrc_load(struct arc_chart **out, const char *chart, const char *repo, const char *version,
		      const struct arc_repo_http *h);

/* chartutil.ValidateReleaseName: 1 when `s` may name a release (DNS-1123 subdomain, <= 53) */
int arc_chartsrc_valid_release_name(const char *s);

/* checkIfInstallable + CheckDependencies */
int arc_chartsrc_check(const struct arc_chart *c);

/* where arc_chartsrc_render stopped (helm adds its --debug hint from KUBE_VERSION on) */
enum arc_chartsrc_step {
	ARC_CHARTSRC_OK = 0,
	ARC_CHARTSRC_DEPS,         /* ProcessDependencies */
	ARC_CHARTSRC_VALUES,       /* CoalesceValues, schema */
	ARC_CHARTSRC_KUBE_VERSION, /* Chart.yaml kubeVersion */
	ARC_CHARTSRC_RENDER,       /* engine.Render */
	ARC_CHARTSRC_SORT          /* SortManifests (res is kept for --debug) */
};

struct arc_chartsrc_opts {
	struct arc_release_info release;
	struct arc_capabilities caps;
	struct arc_tpl_options tpl; /* lookup callback (install), else zero */
	int skip_schema;
};

struct arc_chartsrc {
	struct arc_render_result res;
	struct arc_manifests man;
	enum arc_chartsrc_step failed_at;
	int rendered, sorted;
};

/* Render `c` with the user values `user` (NULL = none).  Warnings (helm's log lines) go to w. */
int arc_chartsrc_render(struct arc_chartsrc *out, struct arc_chart *c, arc_value *user,
			const struct arc_chartsrc_opts *o, struct arc_warnings *w);
void arc_chartsrc_release(struct arc_chartsrc *s);

/* The rendered NOTES.txt of the top chart, or NULL (borrowed from s) */
const char *arc_chartsrc_notes(const struct arc_chartsrc *s, const struct arc_chart *c, size_t *len);

/* The release manifest as helm stores it: "---\n# Source: PATH\nCONTENT\n" per sorted
 * manifest (hooks are not part of it), appended to out */
void arc_chartsrc_manifest(struct arc_buf *out, const struct arc_chartsrc *s);

#endif
