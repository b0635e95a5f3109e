/* kubeflags.c - kubectl's global connection flags as one option table, and
 * the environment Helm passes to plugins (HELM_KUBECONTEXT, HELM_NAMESPACE …). */
#include <stdlib.h>
#include <string.h>

#include "kubeflags.h"

struct arc_kube_cli arc_kube_cli;

const struct arc_opt arc_kube_opts[] = {
	{ "kubeconfig", 0, ARC_OPT_STRING, &arc_kube_cli.kubeconfig, "FILE",
	  "Path to the kubeconfig file to use", NULL, 0 },
	{ "context", 0, ARC_OPT_STRING, &arc_kube_cli.context, "NAME", "The kubeconfig context to use", NULL, 0 },
	{ "cluster", 0, ARC_OPT_STRING, &arc_kube_cli.cluster, "NAME", "The kubeconfig cluster to use", NULL, 0 },
	{ "user", 0, ARC_OPT_STRING, &arc_kube_cli.user, "NAME", "The kubeconfig user to use", NULL, 0 },
	{ "namespace", 'n', ARC_OPT_STRING, &arc_kube_cli.namespace, "NS", "The namespace to work in", NULL, 0 },
	{ "server", 's', ARC_OPT_STRING, &arc_kube_cli.server, "URL", "The address of the Kubernetes API server",
	  NULL, 0 },
	{ "token", 0, ARC_OPT_STRING, &arc_kube_cli.token, "TOKEN", "Bearer token for the API server", NULL,
	  ARC_OPT_HIDDEN },
	{ "as", 0, ARC_OPT_STRING, &arc_kube_cli.as, "USER", "Username to impersonate", NULL, 0 },
	{ "as-group", 0, ARC_OPT_LIST, &arc_kube_cli.as_groups, "GROUP", "Group to impersonate (repeatable)", NULL,
	  0 },
	{ "as-uid", 0, ARC_OPT_STRING, &arc_kube_cli.as_uid, "UID", "UID to impersonate", NULL, 0 },
	{ "insecure-skip-tls-verify", 0, ARC_OPT_BOOL, &arc_kube_cli.insecure, NULL,
	  "Do not verify the server's certificate (insecure)", NULL, 0 },
	{ "tls-server-name", 0, ARC_OPT_STRING, &arc_kube_cli.tls_server_name, "NAME",
	  "Server name to use for certificate validation", NULL, 0 },
	{ "certificate-authority", 0, ARC_OPT_STRING, &arc_kube_cli.ca_file, "FILE",
	  "Path to a CA certificate file", NULL, 0 },
	{ "client-certificate", 0, ARC_OPT_STRING, &arc_kube_cli.cert_file, "FILE",
	  "Path to a client certificate file", NULL, 0 },
	{ "client-key", 0, ARC_OPT_STRING, &arc_kube_cli.key_file, "FILE", "Path to a client key file", NULL, 0 },
	{ "username", 0, ARC_OPT_STRING, &arc_kube_cli.username, "NAME", "Username for basic authentication", NULL,
	  ARC_OPT_HIDDEN },
	{ "password", 0, ARC_OPT_STRING, &arc_kube_cli.password, "PASSWORD", "Password for basic authentication",
	  NULL, ARC_OPT_HIDDEN },
	{ "request-timeout", 0, ARC_OPT_DURATION, &arc_kube_cli.request_timeout_ms, "DURATION",
	  "How long to wait for one API request (0: no limit)", "0", 0 },
	{ "v", 'v', ARC_OPT_INT, &arc_kube_cli.verbosity, "N", "Log level: 1 or more logs every API request", "0",
	  0 },
	{ "debug", 0, ARC_OPT_BOOL, &arc_kube_cli.debug, NULL, "Log every API request (secrets redacted)", NULL, 0 },
	ARC_OPT_END,
};

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

void arc_kube_cli_flags(struct arc_kube_flags *f)
{
	struct arc_kube_cli *c = &arc_kube_cli;
	int helm = getenv("HELM_PLUGIN_DIR") != NULL || getenv("HELM_PLUGIN_NAME") != NULL;
	memset(f, 0, sizeof(*f));
	f->kubeconfig = c->kubeconfig;
	f->context = c->context;
	f->cluster = c->cluster;
	f->user = c->user;
	f->namespace = c->namespace;
	f->server = c->server;
	f->token = c->token;
	f->as = c->as;
	f->as_uid = c->as_uid;
	f->tls_server_name = c->tls_server_name;
	f->ca_file = c->ca_file;
	f->cert_file = c->cert_file;
	f->key_file = c->key_file;
	f->username = c->username;
	f->password = c->password;
	f->as_groups = c->as_groups.v;
	f->n_as_groups = c->as_groups.n;
	f->insecure = c->insecure;
	f->request_timeout_ms = c->request_timeout_ms;
	f->verbosity = c->debug ? (c->verbosity > 1 ? (int)c->verbosity : 1) : (int)c->verbosity;
	if (!helm)
		return;
	/* Helm strips its global flags and passes them in the environment */
	if (!f->context)
		f->context = env("HELM_KUBECONTEXT");
	if (!f->namespace)
		f->namespace = env("HELM_NAMESPACE");
	if (!f->token)
		f->token = env("HELM_KUBETOKEN");
	if (!f->server)
		f->server = env("HELM_KUBEAPISERVER");
	if (!f->ca_file)
		f->ca_file = env("HELM_KUBECAFILE");
	if (!f->tls_server_name)
		f->tls_server_name = env("HELM_KUBETLS_SERVER_NAME");
	if (!f->as)
		f->as = env("HELM_KUBEASUSER");
	if (!f->insecure && env("HELM_KUBEINSECURE_SKIP_TLS_VERIFY"))
		f->insecure = !strcmp(env("HELM_KUBEINSECURE_SKIP_TLS_VERIFY"), "true");
	if (!f->verbosity && env("HELM_DEBUG") && !strcmp(env("HELM_DEBUG"), "true"))
		f->verbosity = 1;
	if (!f->n_as_groups && env("HELM_KUBEASGROUPS")) {
		/* comma-separated */
		char *dup = xstrdup(env("HELM_KUBEASGROUPS")), *save = NULL, *p;
		for (p = strtok_r(dup, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			c->as_groups.v = xrealloc(c->as_groups.v, (c->as_groups.n + 1) * sizeof(char *));
			c->as_groups.v[c->as_groups.n++] = xstrdup(p); /* lives for the process */
		}
		/* dup's pieces were copied; the copies are process-lifetime */
		free(dup);
		f->as_groups = c->as_groups.v;
		f->n_as_groups = c->as_groups.n;
	}
}
