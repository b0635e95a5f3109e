/*
 * manifest.h - from rendered templates to what `helm template` prints
 * (helm v4 pkg/release/v1/util: SplitManifests, SortManifests, InstallOrder;
 * pkg/action renderResources; pkg/cmd/template.go).
 *
 *   1. every rendered file except NOTES.txt files and partials, in path order,
 *      is split on the regular expression `(?:^|\s*\n)---\s*`; the pieces are
 *      TrimSpace'd and empty ones dropped (comment-only pieces stay: kind "");
 *   2. each piece's head (apiVersion, kind, metadata.name, metadata.annotations)
 *      is decoded as sigs.k8s.io/yaml into helm's SimpleHead would, with the same
 *      error texts ("YAML parse error on <file>: …"); plain block YAML is checked
 *      and read by a line scanner, anything else by the full YAML decoder;
 *   3. pieces annotated `helm.sh/hook` are hooks (unknown hook names: the piece
 *      is skipped with an INFO log line), the rest manifests; both lists are
 *      stable-sorted by kind in InstallOrder, unknown kinds last alphabetically;
 *   4. arc_manifest_output() assembles stdout exactly as `helm template` does:
 *      crds/ files (with include_crds), manifests, hooks, --show-only filtering
 *      on the assembled text, --output-dir writing.
 *
 * OWNERSHIP: struct arc_manifests owns its strings (arc_manifests_release)
 * except the documents: each manifest's `content` points into the render
 * result's text, which must outlive the manifests.  To end each document with a
 * NUL, arc_manifests_sort writes one over the white space that follows it in
 * the render result, and arc_manifests_release (or a failing sort) puts the
 * byte back; until then a rendered file read as a C string stops at its first
 * document.  The chart is borrowed.  Errors: negative ARC_E_* with helm's text
 * in arc_error_last().
 */
#ifndef ARC_CHART_MANIFEST_H
#define ARC_CHART_MANIFEST_H

#include "chart.h"
#include "values.h"

/* hook events (release.HookEvent) */
enum {
	ARC_HOOK_PRE_INSTALL = 1 << 0,
	ARC_HOOK_POST_INSTALL = 1 << 1,
	ARC_HOOK_PRE_DELETE = 1 << 2,
	ARC_HOOK_POST_DELETE = 1 << 3,
	ARC_HOOK_PRE_UPGRADE = 1 << 4,
	ARC_HOOK_POST_UPGRADE = 1 << 5,
	ARC_HOOK_PRE_ROLLBACK = 1 << 6,
	ARC_HOOK_POST_ROLLBACK = 1 << 7,
	ARC_HOOK_TEST = 1 << 8
};

struct arc_manifest {
	char *path;    /* the template: "<chart>/templates/x.yaml" */
	char *content; /* the document, trimmed and NUL-terminated; borrowed from the render result */
	size_t len;
	char *api_version, *kind, *name; /* "" when absent */
	unsigned events;                 /* hooks only: ARC_HOOK_* bits */
	int weight;                      /* hooks only: helm.sh/hook-weight */
	char *nul_at, nul_was;           /* private: the render result's byte under content's NUL */
};

struct arc_manifests {
	struct arc_manifest *manifests;
	size_t nmanifests;
	struct arc_manifest *hooks;
	size_t nhooks;
};

/* One piece of a split file: a span of the input. */
struct arc_span {
	const char *p;
	size_t n;
};

/* SplitManifests: the non-empty, TrimSpace'd pieces of `s`, in order.
 * *out is malloc'd (free it); returns the count. */
size_t arc_manifest_split(const char *s, size_t n, struct arc_span **out);

/* Position of KIND in InstallOrder, or -1 when unknown. */
int arc_manifest_kind_order(const char *kind);

/* SortManifests over a render result (NOTES.txt files and partials are left
 * out).  Log lines (skipped unknown hooks) go to w, which may be NULL.  The
 * manifests borrow r's text (see OWNERSHIP above): release them before r. */
int arc_manifests_sort(struct arc_manifests *out, const struct arc_render_result *r, struct arc_warnings *w);
void arc_manifests_release(struct arc_manifests *m);

/* A crds/ file of the chart tree (Chart.CRDObjects): the chart's own, then its
 * dependencies' (recursively).  `filename` is "<chart full path>/crds/x.yaml". */
struct arc_crd {
	char *filename;
	const struct arc_chart_file *file; /* borrowed from the chart */
};
size_t arc_chart_crds(const struct arc_chart *c, struct arc_crd **out);
void arc_crds_free(struct arc_crd *v, size_t n);

struct arc_output_opts {
	int include_crds;
	int no_hooks;
	int skip_tests;
	const char *const *show_only; /* --show-only patterns (filepath.Match on "templates/x.yaml") */
	size_t nshow_only;
	const char *output_dir;       /* --output-dir: write files instead */
	int use_release_name;         /* --release-name: <output-dir>/<release>/… */
	const char *release_name;
};

/* What `helm template` prints on stdout, appended to out ("wrote <file>" lines
 * included when writing to output_dir).  Errors: "could not find template X in
 * chart", file write errors. */
int arc_manifest_output(struct arc_buf *out, const struct arc_chart *c, const struct arc_manifests *m,
			const struct arc_output_opts *o);

/* The same output handed to `sink` piece by piece as it is produced, without
 * assembling it (with --show-only it is assembled first, to select from).  The
 * sink returns 0, or a negative ARC_E_* with a message set, which stops the
 * output and is returned. */
typedef int (*arc_manifest_sink)(void *ctx, const char *p, size_t n);
int arc_manifest_emit(arc_manifest_sink sink, void *ctx, const struct arc_chart *c, const struct arc_manifests *m,
		      const struct arc_output_opts *o);

/* Go's path/filepath.Match ('/' separators): 1 on a match, 0 otherwise (a bad
 * pattern does not match). */
int arc_path_match(const char *pattern, const char *name);

#endif
