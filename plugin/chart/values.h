/*
 * values.h - Helm's values: values files (LoadValues: several YAML documents
 * merged), the user's values from -f and the --set family (MergeValues of
 * pkg/cli/values), and coalescing chart defaults with user values
 * (CoalesceValues / MergeValues of pkg/chart/common/util/coalesce.go),
 * subchart sections and globals included.
 *
 * What `kubectl arc template` calls, in this order (as helm 4 install does):
 *   1. arc_values_user(&user, &opts)                  -f files, then --set-json,
 *      --set, --set-string, --set-file, --set-literal (flag kind order, not argv)
 *   2. arc_chart_load_path() / _bundled()             load.h
 *      arc_deps_check_missing(chart)                  deps.h (declared but absent subcharts)
 *   3. arc_deps_process(chart, user, &warn)           deps.h: conditions, tags,
 *      aliases, import-values; disabled subcharts removed; chart->values rewritten
 *   4. arc_deps_check_kube_version(chart, kube_ver)   deps.h ("chart requires kubeVersion: …")
 *   5. arc_values_for_render(&vals, chart, user, skip_schema, &warn)
 *      = CoalesceValues + values.schema.json validation of the chart and every
 *      subchart ("values don't meet the specifications of the schema(s) …")
 *   6. render with .Values = vals for the top chart; a subchart's .Values is
 *      vals[<subchart name or alias>] (recursively), as helm's engine does.
 *   Print every warning line (arc_warnings) on stderr, each followed by "\n":
 *   they are already in helm's log format (`level=INFO msg="warning: …"`).
 *
 * OWNERSHIP: value.h rules.  *out receives a new reference owned by the
 * caller.  Input values are borrowed and never modified (copies are taken
 * where Helm copies).  Errors: negative ARC_E_* with Helm's exact text in
 * arc_error_last().
 */
#ifndef ARC_CHART_VALUES_H
#define ARC_CHART_VALUES_H

#include "chart.h"

/* Log lines helm prints on stderr while processing values, in helm's slog text
 * form: `level=INFO msg="warning: skipped value for a.b: Not a table."`,
 * `level=WARN msg="returned non-bool value" path=x.enabled chart=sub`. */
struct arc_warnings {
	char **lines;
	size_t n, cap;
};
void arc_warnings_release(struct arc_warnings *w);
/* adds one line (already formatted) */
void arc_warnings_add(struct arc_warnings *w, const char *line);
/* adds `level=LEVEL msg=MSG` followed by ` key=value` pairs (NULL-terminated
 * key, value list), each quoted as Go's slog text handler does */
void arc_warnings_log(struct arc_warnings *w, const char *level, const char *msg, ...);

/* LoadValues: split `data` on document separators (lines starting with
 * "---"), parse each document as a map and merge them in order (MergeMaps).
 * Errors: "error reading yaml document: invalid Yaml document separator: x",
 * "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line …",
 * "cannot unmarshal yaml document: error unmarshaling JSON: while decoding
 * JSON: json: cannot unmarshal array into Go value of type map[string]interface {}". */
int arc_values_load(arc_value **out, const char *data, size_t len);

/* MergeMaps(a, b): a new map with b over a, maps merged recursively (a and b
 * are not modified; untouched sub-maps are shared). */
arc_value *arc_values_merge_maps(arc_value *a, arc_value *b);

/* Reads a -f or --set-file operand: "-" is stdin; returns 0 or an error with
 * helm's text ("open PATH: no such file or directory").  http(s) URLs are
 * read through the hook when one is given, else refused. */
typedef int (*arc_values_reader)(void *ctx, const char *url, char **data, size_t *len);

struct arc_values_opts {
	const char *const *files;       /* -f/--values, in order */
	size_t nfiles;
	const char *const *set_json;    /* --set-json */
	size_t nset_json;
	const char *const *set;         /* --set */
	size_t nset;
	const char *const *set_string;  /* --set-string */
	size_t nset_string;
	const char *const *set_file;    /* --set-file */
	size_t nset_file;
	const char *const *set_literal; /* --set-literal */
	size_t nset_literal;
	arc_values_reader url_reader;   /* optional: reads http(s) URLs */
	void *url_ctx;
	/* optional: stdin replacement for "-" (tests); NULL reads stdin */
	const char *stdin_data;
	size_t stdin_len;
};

/* The user's values, as helm's values.Options.MergeValues: -f files merged
 * in order, then --set-json, --set, --set-string, --set-file, --set-literal.
 * Errors as helm: "failed to parse FILE: …", "failed parsing --set data: …",
 * "failed parsing --set-json data VALUE", "failed parsing --set-json data
 * JSON: VALUE", "failed parsing --set-string data: …", "failed parsing
 * --set-file data: …", "failed parsing --set-literal data: …". */
int arc_values_user(arc_value **out, const struct arc_values_opts *o);

/* CoalesceValues(chart, user) (merge == 0) or MergeValues (merge != 0):
 * the chart's defaults under the user's values, every dependency's section
 * coalesced recursively with its globals.  Warnings are appended to w (may
 * be NULL).  Error: "type mismatch on SUB: %!t(string=x)" when a subchart's
 * section is not a map. */
int arc_values_coalesce(arc_value **out, const struct arc_chart *c, arc_value *user, int merge,
			struct arc_warnings *w);

/* coalesceTablesFullKey(dst, src, "", merge): src merged under dst, in place;
 * returns dst (a new reference), or src when dst is NULL. */
arc_value *arc_values_coalesce_tables(arc_value *dst, arc_value *src, int merge, struct arc_warnings *w);

/* ToRenderValuesWithSchemaValidation's values half: CoalesceValues, then
 * (unless skip_schema) the chart's and subcharts' values.schema.json. */
int arc_values_for_render(arc_value **out, const struct arc_chart *c, arc_value *user, int skip_schema,
			  struct arc_warnings *w);

/* Values.Table(path) / PathValue(path) of helm's common.Values: borrowed
 * pointers or NULL (Table: dotted path of maps; PathValue: the non-map value
 * at the end, which may be null). */
arc_value *arc_values_table(arc_value *v, const char *path);
int arc_values_path_value(arc_value *v, const char *path, arc_value **found);

#endif
