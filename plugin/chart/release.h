/*
 * release.h - Helm release records, stored exactly as helm v4.1.4 stores them, so that
 * real helm (v4 and v3) lists, shows, upgrades and uninstalls kubectl-arc's releases, and
 * kubectl-arc reads the ones helm wrote.
 *
 * The model mirrors Helm's Release (pkg/release/v1), Chart (pkg/chart/v2) and Hook types.
 * arc_release_to_json() writes the JSON helm 4.1.4 writes: fields in Go struct order,
 * Go's omitempty/omitzero rules, HTML-escaped strings, []byte fields in base64, map keys
 * sorted, times as RFC3339Nano text.  The stored form (Secret data.release before the API's
 * own base64) is base64(gzip(json)); readers accept plain JSON too (gzip magic 1f 8b 08
 * decides), as helm does.
 *
 * Records are Secrets `sh.helm.release.v1.<name>.v<version>`, type helm.sh/release.v1, whose
 * labels are merged as helm's Secret driver (v3.17 and v4.1) merges them: createdAt (create) or
 * modifiedAt (update) = now in unix seconds, then the release's `labels` over it, then name,
 * owner=helm, status (= info.status) and version.  Since records read by history/list carry
 * every label of their Secret, an updated record keeps the modifiedAt it was read with, and a
 * new revision made from the last one (as helm's upgrade does) inherits it: real helm records
 * show exactly that.
 *
 * Times are kept as the text Go writes (time.Time.MarshalJSON): NULL or "" = the zero time,
 * which helm 4 omits ("deleted" appears only once set).  Decoding normalises each time
 * through Go's RFC3339 parse and RFC3339Nano format (helm 3's "" becomes NULL).
 *
 * OWNERSHIP
 *   - A struct arc_release owns every string, array and arc_value it points to;
 *     arc_release_free() frees it all.  Fill it with malloc'd strings (xstrdup) and
 *     references you hand over (arc_v_ref when you keep your own).
 *   - Functions returning a release or a list through ** give it to the caller
 *     (arc_release_free / arc_release_list_free).  Parameters are borrowed.
 *   - Errors: negative ARC_E_* with a one-line message; ARC_E_NOTFOUND when a release or
 *     revision does not exist, ARC_E_RANGE for an existing record on create ("already
 *     exists") and for a record too big for a Secret.
 */
#ifndef ARC_CHART_RELEASE_H
#define ARC_CHART_RELEASE_H

#include "../base/base.h"
#include "../value/value.h"

/* Helm's release statuses (the `status` JSON field and label) */
#define ARC_RELEASE_UNKNOWN "unknown"
#define ARC_RELEASE_DEPLOYED "deployed"
#define ARC_RELEASE_UNINSTALLED "uninstalled"
#define ARC_RELEASE_SUPERSEDED "superseded"
#define ARC_RELEASE_FAILED "failed"
#define ARC_RELEASE_UNINSTALLING "uninstalling"
#define ARC_RELEASE_PENDING_INSTALL "pending-install"
#define ARC_RELEASE_PENDING_UPGRADE "pending-upgrade"
#define ARC_RELEASE_PENDING_ROLLBACK "pending-rollback"

/* Helm's record Secrets */
#define ARC_RELEASE_SECRET_TYPE "helm.sh/release.v1"
#define ARC_RELEASE_SECRET_PREFIX "sh.helm.release.v1."
/* The field manager the API server records for the Secret writes (helm's user agent
 * gives "Helm"; keeping it makes kubectl-arc's records indistinguishable). */
#define ARC_RELEASE_FIELD_MANAGER "Helm"
/* Secret data is limited to 1 MiB by the API server; checked before sending */
#define ARC_RELEASE_MAX_SECRET (1u << 20)
/* Bound on a decoded (decompressed) release */
#define ARC_RELEASE_MAX_JSON (256u << 20)

/* chart.File: templates and files (modtime: helm 4 only, omitted when NULL/"") */
struct arc_release_file {
	char *name;
	char *data; /* bytes (NUL-terminated for convenience), base64 in JSON */
	size_t len;
	char *modtime;
};

/* release.Hook */
struct arc_release_hook {
	char *name, *kind, *path, *manifest;
	char **events; /* "post-install", … */
	size_t nevents;
	char *started_at, *completed_at; /* last_run; NULL = zero time (omitted) */
	char *phase;                     /* last_run.phase, always written ("" when NULL) */
	long weight;
	char **delete_policies;
	size_t ndelete_policies;
	char **output_log_policies;
	size_t noutput_log_policies;
};

/* chart.Chart as stored in a release (subcharts are not part of it, as in helm) */
struct arc_release_chart {
	arc_value *metadata; /* Chart.yaml as a map; written in Metadata's field order */
	arc_value *lock;     /* Chart.lock as a map, or NULL (null) */
	struct arc_release_file *templates;
	size_t ntemplates;
	arc_value *values; /* map, or NULL (null) */
	char *schema;      /* values.schema.json bytes, NULL = null */
	size_t schema_len;
	char *schemamodtime; /* helm 4; NULL is written as the zero time (Go omitempty on a struct) */
	struct arc_release_file *files;
	size_t nfiles;
	char *modtime; /* helm 4 */
	/* a decoded `[]` (not null) for templates / files; written back the same way */
	int templates_empty, files_empty;
};

struct arc_release {
	char *name;
	struct {
		char *first_deployed, *last_deployed, *deleted; /* RFC3339Nano or NULL */
		char *description;
		char *status; /* ARC_RELEASE_* */
		char *notes;
		arc_value *resources; /* helm 4's in-memory resources map; normally NULL */
	} info;
	struct arc_release_chart *chart; /* NULL: no "chart" field */
	arc_value *config;               /* the user-supplied values (helm get values); NULL/{} omitted */
	char *manifest;
	struct arc_release_hook *hooks;
	size_t nhooks;
	int version;
	char *namespace;
	char *apply_method; /* helm 4: "ssa" | "csa"; NULL omitted */
	/* Labels: not in the JSON; the Secret's labels.  As helm's driver does, records read by
	 * history/list carry ALL the Secret's labels (system ones included), a record read by
	 * arc_release_get(version > 0) only the custom ones.  Map of strings or NULL. */
	arc_value *labels;
};

/* ---- the model ---- */
struct arc_release *arc_release_new(void);
void arc_release_free(struct arc_release *r);
void arc_release_list_free(struct arc_release **v, size_t n);
struct arc_release_chart *arc_release_chart_new(void);
void arc_release_chart_free(struct arc_release_chart *c);
/* set a string field: frees the old value, copies s (NULL clears) */
void arc_release_set_str(char **field, const char *s);
/* info.status and info.description (description NULL: unchanged), as Release.SetStatus;
 * status "uninstalled" also sets info.deleted to now, as helm's uninstall does */
void arc_release_set_status(struct arc_release *r, const char *status, const char *description);

/* time.Now() formatted as Go's time.Time.MarshalJSON (RFC3339Nano, local zone); malloc'd */
char *arc_release_now(void);
/* Go's MarshalJSON of a time parsed from RFC3339 text (time.Time.UnmarshalJSON); malloc'd,
 * or NULL with ARC_E_PARSE and Go's parse message */
char *arc_release_time_normalize(const char *text);

/* Chart as helm's loader splits it (chart/v2/loader): Chart.yaml → metadata,
 * Chart.lock / requirements.lock → lock, values.schema.json → schema, templates/ →
 * templates, charts/ dropped (except *.prov), every other file → files; values.yaml is not a
 * file: `values` (borrowed; NULL = the chart's own values) becomes chart.values.
 * struct arc_chart is chart.h's; only the root chart is stored, as in helm. */
struct arc_chart;
int arc_release_chart_from(struct arc_release_chart **out, const struct arc_chart *c, arc_value *values);

/* ---- JSON and the stored encoding ---- */
/* the JSON helm 4.1.4 writes for r (appended to out) */
int arc_release_to_json(struct arc_buf *out, const struct arc_release *r);
/* parse helm's JSON (v3 or v4); unknown fields are ignored, field names match
 * case-insensitively as with Go's encoding/json */
int arc_release_from_json(struct arc_release **out, const char *json, size_t len);
/* base64(gzip(json)) — the value of the Secret's data.release (before the API's base64) */
int arc_release_encode(struct arc_buf *out, const struct arc_release *r);
/* inverse of arc_release_encode; plain (non-gzipped) JSON inside the base64 is accepted */
int arc_release_decode(struct arc_release **out, const char *b64, size_t len);

/* The Secret object for r (apiVersion, kind, metadata {name, namespace, labels}, type,
 * data.release); `stamp` is "createdAt" or "modifiedAt" (or NULL: none) set to now */
int arc_release_secret(arc_value **out, const struct arc_release *r, const char *stamp);
/* "sh.helm.release.v1.<name>.v<version>"; malloc'd */
char *arc_release_key(const char *name, int version);

/* ---- storage in the cluster (helm's Secret driver and storage rules) ---- */
struct arc_kube;
/* Create the record of r (POST).  ARC_E_RANGE "release: already exists" if it exists. */
int arc_release_create(struct arc_kube *k, const struct arc_release *r);
/* Replace the record of r (PUT, unconditional like helm's Update) */
int arc_release_update(struct arc_kube *k, const struct arc_release *r);
/* Every revision of `name` in ns (selector owner=helm,name=NAME), ascending by version;
 * unreadable records are skipped as helm skips them.  No record: 0 with *n == 0. */
int arc_release_history(struct arc_kube *k, const char *ns, const char *name, struct arc_release ***out,
			size_t *n);
/* Every record in ns (NULL or "": all namespaces), selector owner=helm; by name, then version */
int arc_release_list(struct arc_kube *k, const char *ns, struct arc_release ***out, size_t *n);
/* One revision (version > 0: GET of the key), or the last one (version 0).
 * ARC_E_NOTFOUND "release: not found" when absent. */
int arc_release_get(struct arc_kube *k, const char *ns, const char *name, int version,
		    struct arc_release **out);
/* The highest revision with status label deployed (storage.Deployed); ARC_E_NOTFOUND
 * "<name>: no deployed releases" when none */
int arc_release_deployed(struct arc_kube *k, const char *ns, const char *name, struct arc_release **out);
/* Fetch revision `version`, set its status (and description when non-NULL), update it */
int arc_release_mark(struct arc_kube *k, const char *ns, const char *name, int version, const char *status,
		     const char *description);
/* Delete one record; a missing one is not an error (*existed tells, may be NULL) */
int arc_release_delete(struct arc_kube *k, const char *ns, const char *name, int version, int *existed);
/* Delete every record of the release (helm uninstall without --keep-history) */
int arc_release_delete_all(struct arc_kube *k, const char *ns, const char *name);
/* Helm's removeLeastRecent(name, max): when more than `max` records exist, delete the
 * oldest ones except the last deployed revision until `max` remain.  Before creating
 * a new revision with --history-max H (H > 0), call it with max = H - 1, as helm's
 * Storage.Create does.  max < 0: nothing.  *deleted (may be NULL) counts deletions. */
int arc_release_prune(struct arc_kube *k, const char *ns, const char *name, int max, size_t *deleted);
/* The choice arc_release_prune makes, on a history sorted ascending: the versions to delete
 * written to victims (room for n), their count returned */
size_t arc_release_prune_select(struct arc_release **h, size_t n, int max, int *victims);

#endif
