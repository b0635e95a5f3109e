/*
 * kube.h - talking to a Kubernetes API server: kubeconfig loading as client-go
 * does it, an HTTP client over libcurl, and the API verbs kubectl-arc needs.
 *
 * The module knows nothing of charts or templates.  Objects are arc_values
 * (maps decoded from JSON).
 *
 * OWNERSHIP
 *   - arc_kube_config_load() returns a config the caller frees with
 *     arc_kube_config_free(); every string in it is owned by it.  It holds
 *     credentials: never print its token/password/key fields.
 *   - arc_kube_open() returns a client that owns its config, its curl handle
 *     and its discovery cache; arc_kube_close() frees all.
 *   - Values returned through `arc_value **out` belong to the caller.
 *   - Errors: negative ARC_E_* and a one-line message (arc_error_last()) that
 *     names the object or file at fault.  Secrets never appear in messages.
 */
#ifndef ARC_KUBE_H
#define ARC_KUBE_H

#include "../base/base.h"
#include "../value/value.h"

/* Command-line overrides (kubectl's global flags).  NULL/0 = not given. */
struct arc_kube_flags {
	const char *kubeconfig, *context, *cluster, *user, *namespace;
	const char *server, *token, *as, *as_uid, *tls_server_name;
	const char *ca_file, *cert_file, *key_file, *username, *password;
	const char *const *as_groups;
	size_t n_as_groups;
	int insecure;            /* --insecure-skip-tls-verify */
	long request_timeout_ms; /* --request-timeout; 0 = none */
	int verbosity;           /* --debug / -v N: 0 quiet; >= 1 logs each request */
};

struct arc_kube_exec {
	char *command;     /* resolved against the kubeconfig's directory when it contains '/' */
	char **args;       /* NULL-terminated */
	char **env;        /* "NAME=value", NULL-terminated */
	char *api_version; /* client.authentication.k8s.io/v1 or /v1beta1 */
	char *install_hint;
	int provide_cluster_info;
	char *interactive_mode;
};

struct arc_kube_config {
	char *context, *cluster_name, *user_name; /* names in the kubeconfig ("" when in-cluster) */
	char *server;                             /* https://host:port[/prefix] */
	char *tls_server_name;
	int insecure;
	char *ca_data;   /* PEM, or NULL for the system store */
	size_t ca_len;
	char *cert_data; /* client certificate PEM */
	size_t cert_len;
	char *key_data;  /* client key PEM (secret) */
	size_t key_len;
	char *token;     /* bearer token (secret) */
	char *token_file;
	char *username, *password; /* basic auth (password is secret) */
	struct arc_kube_exec *exec;
	char *proxy_url;
	int disable_compression;
	char *namespace; /* effective: -n, else the context's, else "default" */
	int namespace_explicit; /* given by -n */
	char *impersonate, *impersonate_uid;
	char **impersonate_groups; /* NULL-terminated */
	long timeout_ms;
	int verbosity;
	char *origin; /* where the config came from, for messages: a file, "in-cluster", … */
};

int arc_kube_config_load(struct arc_kube_config **out, const struct arc_kube_flags *flags);
void arc_kube_config_free(struct arc_kube_config *c);

/* ---- the client ---- */
struct arc_kube;

/* Called for each server warning (kubectl prints "Warning: TEXT") and, with
 * verbosity, for each request log line (already redacted). */
typedef void (*arc_kube_log_fn)(void *ctx, int is_warning, const char *line);

int arc_kube_open(struct arc_kube **out, const struct arc_kube_flags *flags);
void arc_kube_close(struct arc_kube *k);
struct arc_kube_config *arc_kube_cfg(struct arc_kube *k); /* borrowed */
void arc_kube_set_log(struct arc_kube *k, arc_kube_log_fn fn, void *ctx);

/* One HTTP request to the API server.  `path` starts with "/" (query allowed).
 * Retries 429/5xx carrying Retry-After and dropped connections (bounded);
 * re-runs an exec credential plugin after a 401.  Returns 0 with *status set
 * for any HTTP answer (callers decide what a 404 means); a negative code with
 * a message when no answer came (unreachable, TLS failure, timeout). */
int arc_kube_do(struct arc_kube *k, const char *method, const char *path, const char *content_type,
		const char *body, size_t blen, long *status, struct arc_buf *resp);

/* Several GETs at once, as streams of the client's HTTP/2 connection (bounded concurrency), all
 * with the same Accept header (NULL: JSON).  The caller fills g[i].path and initialises g[i].resp
 * (ARC_BUF_INIT), and releases every resp afterwards.  A transfer that meets a dropped connection,
 * a 429/5xx with Retry-After or a 401 (exec plugin) is done again with arc_kube_do's retries,
 * within what is left of --request-timeout.  0 when every GET got an HTTP answer (g[i].status);
 * else the error of the first in order that did not (later answers may be missing). */
struct arc_kube_get {
	const char *path;
	long status;
	struct arc_buf resp;
};
int arc_kube_get_many(struct arc_kube *k, const char *accept, struct arc_kube_get *g, size_t n);

/* Turn a non-2xx answer into one clear line, from the API's Status object
 * when there is one: sets the message and returns a negative code
 * (ARC_E_NOTFOUND for 404, ARC_E_HTTP otherwise).  `what` names the object
 * ("Deployment actions-runner-system/arc"), may be NULL. */
int arc_kube_status_error(long status, const struct arc_buf *resp, const char *what);
/* The Status reason of a failed answer ("AlreadyExists", "Conflict", …), or "" */
const char *arc_kube_status_reason(const struct arc_buf *resp, char *buf, size_t n);
/* Streaming GET (watch): fn is called with each line of the body; returning
 * non-zero stops the stream (not an error). */
typedef int (*arc_kube_line_fn)(void *ctx, const char *line, size_t len);
int arc_kube_stream(struct arc_kube *k, const char *path, arc_kube_line_fn fn, void *ctx, long *status);
/* arc_kube_do for GET with a chosen Accept header (discovery v2) */
int arc_kube_do_accept(struct arc_kube *k, const char *method, const char *path, const char *accept,
		       long *status, struct arc_buf *resp);

#endif
