/*
 * repo.h - Helm chart repositories over HTTP(S): index.yaml, version choice
 * with semver constraints (Masterminds rules, as helm's IndexFile.Get),
 * download of the chart archive, sha256 check against the index's digest,
 * and the list of named repositories (`kubectl arc repo add NAME URL`) kept in
 * $XDG_CONFIG_HOME/kubectl-arc/repositories.yaml (~/.config when unset) with
 * index copies in $XDG_CACHE_HOME/kubectl-arc/repository/NAME-index.yaml.
 *
 * Nothing downloaded is written to disk except index copies; archives are
 * loaded in memory (load.h).
 *
 * OWNERSHIP: out-parameters belong to the caller (free(), arc_v_unref(),
 * arc_chart_free(), arc_repo_file_release()).  Errors: negative ARC_E_* with
 * a message naming the URL (helm's wording where helm has one).
 */
#ifndef ARC_CHART_REPO_H
#define ARC_CHART_REPO_H

#include "chart.h"

#define ARC_REPO_MAX_INDEX (64u << 20)

/* TLS and credentials for repository requests (helm's ChartPathOptions) */
struct arc_repo_http {
	const char *ca_file, *cert_file, *key_file;
	int insecure; /* --insecure-skip-tls-verify */
	const char *username, *password;
	int pass_credentials; /* send credentials to other hosts too */
};

/* GET url into memory, following redirects, at most max bytes.  An HTTP
 * status >= 400 is an error ("failed to fetch URL : 404 Not Found"). */
int arc_repo_http_get(char **data, size_t *len, const char *url, size_t max, const struct arc_repo_http *h);

/* index.yaml of a repository: a map (apiVersion, entries: name → list of
 * chart versions, newest first as helm sorts them). */
int arc_repo_index_parse(arc_value **out, const char *data, size_t len, const char *url);
int arc_repo_index_fetch(arc_value **out, const char *repo_url, const struct arc_repo_http *h);

/* IndexFile.Get: the chart version entry (borrowed from index) for `name`
 * and the constraint `version` ("" = latest stable).  Error as helm:
 * `chart "x" version "1.2" not found in URL repository`. */
int arc_repo_index_get(arc_value **entry, arc_value *index, const char *name, const char *version,
		       const char *repo_url);

/* ResolveReferenceURL(repo_url, ref): malloc'd */
char *arc_repo_resolve_url(const char *repo_url, const char *ref);

/* --repo URL [--version V] CHART: fetch the index, pick the version, download
 * the archive, check its digest, load it.  `index` may be given (a cached
 * index for a named repository) or NULL to fetch it. */
int arc_repo_pull(struct arc_chart **out, const char *repo_url, arc_value *index, const char *name,
		  const char *version, const struct arc_repo_http *h);

/* ---- named repositories ---- */
struct arc_repo {
	char *name, *url;
};
struct arc_repo_file {
	struct arc_repo *v;
	size_t n;
};
/* the config file path (malloc'd) */
char *arc_repo_config_path(void);
/* the cached index path of repository NAME (malloc'd) */
char *arc_repo_cache_path(const char *name);
/* a missing file is an empty list */
int arc_repo_file_load(struct arc_repo_file *out, const char *path);
int arc_repo_file_save(const struct arc_repo_file *f, const char *path);
void arc_repo_file_release(struct arc_repo_file *f);
const struct arc_repo *arc_repo_file_get(const struct arc_repo_file *f, const char *name);
/* adds or replaces; removes; 0 or ARC_E_NOTFOUND */
void arc_repo_file_set(struct arc_repo_file *f, const char *name, const char *url);
int arc_repo_file_remove(struct arc_repo_file *f, const char *name);

/* sha256 of data as 64 lowercase hex digits into hex[65] */
void arc_repo_sha256(char hex[65], const void *data, size_t len);

#endif
