/*
 * deps.h - chart dependencies as helm 4 processes them before rendering
 * (pkg/chart/v2/util/dependencies.go ProcessDependenciesWithMerge):
 *
 *   - the `dependencies` of Chart.yaml (apiVersion v2) or requirements.yaml
 *     (v1; the loader merges it into the metadata) are matched with the
 *     charts under charts/ by name and version range; a dependency with an
 *     `alias` renders a copy of the chart under the alias name (its
 *     .Chart.Name and template paths use the alias); charts under charts/
 *     that no dependency names stay as they are;
 *   - `tags` (values .tags.<tag>) then `condition` (comma-separated value
 *     paths, the first one that resolves to a value wins; a non-bool value
 *     logs a warning) enable or disable each dependency; disabled ones are
 *     removed from the chart, recursively;
 *   - `import-values` (maps {child, parent} and plain strings meaning
 *     exports.<name>) copy child values into the parent's values, below the
 *     parent's own values; every chart with dependencies gets its values
 *     rewritten to the merged tree (subchart sections and globals included),
 *     as helm does.
 *
 * Call order for the template command: see values.h.
 *
 * OWNERSHIP: the chart is modified in place (dependencies replaced or freed,
 * metadata `dependencies` rewritten, `values` replaced); `user` is borrowed.
 */
#ifndef ARC_CHART_DEPS_H
#define ARC_CHART_DEPS_H

#include "chart.h"
#include "values.h"

/* ProcessDependenciesWithMerge(chart, user).  Warnings (helm's log lines) go
 * to w (may be NULL).  Errors carry helm's text as `helm template` prints it
 * ("chart dependencies processing failed: type mismatch on x: %!t(int64=5)"),
 * and helm's level=ERROR log line is added to w. */
int arc_deps_process(struct arc_chart *c, arc_value *user, struct arc_warnings *w);

/* helm's CheckDependencies on the loaded chart (top level only): every
 * declared dependency must be present under charts/.  Error text as
 * `helm template` prints it ("an error occurred while checking for chart
 * dependencies. … missing in charts/ directory: a, b"). */
int arc_deps_check_missing(const struct arc_chart *c);

/* Chart.yaml kubeVersion against the target cluster version ("v1.35.0" or
 * "1.35.0"; NULL = helm 4.1.4's default v1.35.0).  Error text as helm:
 * "chart requires kubeVersion: >=1.40 which is incompatible with Kubernetes v1.35.0".
 * `helm template` appends "\n\nUse --debug flag to render out invalid YAML" to
 * this error (as to every error raised once rendering began); the caller adds it. */
int arc_deps_check_kube_version(const struct arc_chart *c, const char *kube_version);

/* chartutil.IsCompatibleRange: 1 when version satisfies the semver range
 * constraint (either failing to parse gives 0). */
int arc_deps_compatible(const char *constraint, const char *version);

#endif
