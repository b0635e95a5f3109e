/*
 * chart.h - a chart in memory and the render driver (Helm's engine.Render):
 * builds Helm's render context, parses every template in Helm's order,
 * executes the non-partials and reports Helm 4's error texts.
 *
 * The whole tree is rendered: every dependency in `deps` (the enabled ones:
 * deps processing removes the others before rendering) gets its own context
 * (.Values = its section of the parent's values, .Chart, .Files,
 * .Subcharts, .Template.BasePath) and its templates are named
 * "<parent>/charts/<name-or-alias>/templates/…".  All templates of the tree
 * are parsed into one set, deepest paths first (so a parent's define wins);
 * library charts contribute only their `_` files.  Subchart NOTES.txt files
 * are rendered like any template (errors count); manifest.h drops them.
 *
 * OWNERSHIP
 *   - arc_chart_new() returns a chart the caller frees with arc_chart_free().
 *     It owns its files (arc_chart_add_file copies the bytes,
 *     arc_chart_add_file_take takes a malloc'd block), its metadata
 *     and values (set with *_take: the chart consumes the caller's reference),
 *     and its dependencies (arc_chart_add_dep takes the child).  The files of
 *     a chart read from an archive may instead point into a store, the
 *     archive's bytes shared by the chart tree (arc_chart_use_store, a
 *     reference each); the last chart to go frees it.
 *   - arc_chart_render() borrows the chart and options; the result's strings
 *     belong to the result, released with arc_render_result_release().
 *   - Errors: a negative ARC_E_* with the message (Helm's exact text, e.g.
 *     "execution error at (conf/templates/x.yaml:1:3): boom") readable with
 *     arc_error_last().
 */
#ifndef ARC_CHART_CHART_H
#define ARC_CHART_CHART_H

#include "../base/base.h"
#include "../gotmpl/template.h"
#include "../value/value.h"

struct arc_chart_file {
	char *path; /* relative to the chart root, '/'-separated: "templates/x.yaml" */
	char *data;
	size_t len;
};

struct arc_chart {
	arc_value *metadata; /* Chart.yaml as a map (keys as written: name, version, appVersion…) */
	arc_value *values;   /* the values the chart renders with (.Values); a map */
	/* every file of the chart except Chart.yaml: templates/…, values.yaml, files/…, crds/… */
	struct arc_chart_file *files;
	size_t nfiles, capfiles;
	struct arc_chart **deps; /* subcharts (rendering them comes later) */
	size_t ndeps;
	struct arc_chart *parent; /* borrowed back pointer */
	struct arc_chart_store *store; /* bytes files may point into (NULL: every file owns its bytes) */
};

struct arc_chart *arc_chart_new(void);
void arc_chart_free(struct arc_chart *c);
void arc_chart_add_file(struct arc_chart *c, const char *path, const char *data, size_t len);

/* A file whose bytes the chart takes: a malloc'd block with take[len] == '\0' */
void arc_chart_add_file_take(struct arc_chart *c, const char *path, char *take, size_t len);

/* A store of len bytes at p, read-only: `take` is the malloc'd block that holds
 * them (freed with the last reference), or NULL for bytes that never go away. */
struct arc_chart_store *arc_chart_store_new(char *take, const char *p, size_t len);
void arc_chart_store_unref(struct arc_chart_store *s);
/* c takes a reference to s (a chart uses one store at most) */
void arc_chart_use_store(struct arc_chart *c, struct arc_chart_store *s);
/* A file whose bytes stay in c's store: data[0..len] lies in it and data[len]
 * is '\0' (otherwise the bytes are copied, as arc_chart_add_file does). */
void arc_chart_add_file_shared(struct arc_chart *c, const char *path, const char *data, size_t len);
void arc_chart_set_metadata(struct arc_chart *c, arc_value *take);
void arc_chart_set_values(struct arc_chart *c, arc_value *take);
void arc_chart_add_dep(struct arc_chart *c, struct arc_chart *take);
/* the chart's name from its metadata ("" when none); borrowed */
const char *arc_chart_name(const struct arc_chart *c);

/* .Release */
struct arc_release_info {
	const char *name;      /* "release-name" when NULL */
	const char *namespace; /* "default" when NULL */
	int revision;          /* 1 when 0 */
	int is_install, is_upgrade;
};

/* .Capabilities: what the cluster (or --kube-version / --api-versions) says */
struct arc_capabilities {
	const char *kube_version;       /* "v1.35.0" (helm 4.1.4's default) when NULL */
	const char *kube_major, *kube_minor; /* when NULL: taken from kube_version */
	const char *const *api_versions; /* extra group/versions, appended to the built-in list */
	size_t n_api_versions;
};

struct arc_render_opts {
	struct arc_release_info release;
	struct arc_capabilities caps;
	struct arc_tpl_options tpl; /* strict (missingkey=error), lookup callback, output bound */
	/* .Values of the top chart (the coalesced values, values.h); borrowed.
	 * NULL: the chart's own `values`.  Subcharts get values[<name>]. */
	arc_value *values;
};

struct arc_rendered {
	char *name; /* "<chart>/templates/x.yaml" */
	char *data; /* rendered text, "<no value>" removed */
	size_t len;
};

struct arc_render_result {
	struct arc_rendered *files; /* in Helm's parse order: deepest paths first, then descending names */
	size_t n;
};

/* "library" charts (Chart.yaml type, case-insensitive) */
int arc_chart_is_library(const struct arc_chart *c);
/* Helm's ChartFullPath: "<root>/charts/<sub>/charts/<subsub>"; malloc'd */
char *arc_chart_full_path(const struct arc_chart *c);

/* Render every non-partial template of the chart.  On success *out holds them. */
int arc_chart_render(struct arc_render_result *out, const struct arc_chart *c,
		     const struct arc_render_opts *opt);
void arc_render_result_release(struct arc_render_result *r);
/* The rendered text of NAME or NULL; borrowed. */
const struct arc_rendered *arc_render_result_get(const struct arc_render_result *r, const char *name);

/* Helm 4's rewriting of a template execution error (engine.go): fail/required
 * messages become "execution error at (LOC): msg"; chains of include errors
 * become the indented multi-line form; anything else is returned unchanged.
 * Returns a malloc'd string. */
char *arc_chart_exec_error_text(const char *filename, const char *err);
/* Helm's rewriting of a parse error: "parse error at (NAME:LINE): msg".  malloc'd. */
char *arc_chart_parse_error_text(const char *filename, const char *err);

#endif
