/* config.c - kubeconfig loading and merging as client-go's clientcmd does:
 * KUBECONFIG lists, first-definition-wins merging, relative paths resolved
 * against the file they came from, command-line overrides, in-cluster
 * service-account configuration as the last resort. */
#include "kube.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/encoding.h"
#include "../value/codec.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* one loaded kubeconfig file */
struct kfile {
	char *path;
	char *dir;
	arc_value *doc;
};

/* a named entry found in the merged files, with the file it came from */
struct entry {
	arc_value *body; /* borrowed from the file's doc */
	const struct kfile *file;
};

static void kfiles_free(struct kfile *f, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].dir);
		arc_v_unref(f[i].doc);
	}
	free(f);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

static int file_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static int load_file(const char *path, struct kfile *out)
{
	char *data;
	size_t len;
	arc_value *doc = NULL;
	int rc = arc_read_file(path, 16u << 20, &data, &len);
	if (rc)
		return rc;
	rc = arc_yaml_load(&doc, path, data, len, 0);
	free(data);
	if (rc) {
		arc_error_prefix("error loading config file \"%s\"", path);
		return rc;
	}
	if (doc->kind == ARC_NULL) {
		arc_v_unref(doc);
		doc = arc_v_map();
	}
	if (doc->kind != ARC_MAP) {
		arc_v_unref(doc);
		return arc_error_code(ARC_E_PARSE, "error loading config file \"%s\": not a kubeconfig (expected a "
						   "mapping at the top)", path);
	}
	out->path = xstrdup(path);
	out->dir = dir_of(path);
	out->doc = doc;
	return 0;
}

/* The files to read: --kubeconfig alone, else KUBECONFIG's list, else ~/.kube/config. */
static int load_files(const struct arc_kube_flags *fl, struct kfile **out, size_t *n)
{
	struct kfile *files = NULL;
	size_t nf = 0;
	const char *env = getenv("KUBECONFIG");
	int rc;

	*out = NULL;
	*n = 0;
	if (fl && fl->kubeconfig) {
		if (!file_exists(fl->kubeconfig))
			return arc_error_code(ARC_E_IO, "stat %s: no such file or directory (from --kubeconfig)",
					      fl->kubeconfig);
		files = xcalloc(1, sizeof(*files));
		if ((rc = load_file(fl->kubeconfig, &files[0])) != 0) {
			free(files);
			return rc;
		}
		*out = files;
		*n = 1;
		return 0;
	}
	if (env && *env) {
		char *list = xstrdup(env), *save = NULL, *p;
		for (p = strtok_r(list, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
			size_t i;
			int dup = 0;
			if (!*p)
				continue;
			for (i = 0; i < nf; i++)
				if (!strcmp(files[i].path, p))
					dup = 1;
			if (dup || !file_exists(p))
				continue; /* client-go skips missing files */
			files = xrealloc(files, (nf + 1) * sizeof(*files));
			memset(&files[nf], 0, sizeof(*files));
			if ((rc = load_file(p, &files[nf])) != 0) {
				free(list);
				kfiles_free(files, nf);
				return rc;
			}
			nf++;
		}
		free(list);
	} else {
		const char *home = getenv("HOME");
		if (home) {
			char *p = xasprintf("%s/.kube/config", home);
			if (file_exists(p)) {
				files = xcalloc(1, sizeof(*files));
				if ((rc = load_file(p, &files[0])) != 0) {
					free(files);
					free(p);
					return rc;
				}
				nf = 1;
			}
			free(p);
		}
	}
	*out = files;
	*n = nf;
	return 0;
}

static const char *str_at(arc_value *m, const char *key)
{
	arc_value *v = m && m->kind == ARC_MAP ? arc_v_map_get(m, key) : NULL;
	return v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
}

static int bool_at(arc_value *m, const char *key)
{
	arc_value *v = m && m->kind == ARC_MAP ? arc_v_map_get(m, key) : NULL;
	return v && arc_v_truthy(v);
}

/* first file that defines `name` in section `sect` ("clusters", "users", "contexts") */
static int find_entry(struct kfile *files, size_t nf, const char *sect, const char *inner, const char *name,
		      struct entry *out)
{
	size_t i, j;
	for (i = 0; i < nf; i++) {
		arc_value *list = arc_v_map_get(files[i].doc, sect);
		if (!list || list->kind != ARC_LIST)
			continue;
		for (j = 0; j < arc_v_list_len(list); j++) {
			arc_value *e = arc_v_list_at(list, j);
			const char *n = str_at(e, "name");
			if (n && !strcmp(n, name)) {
				arc_value *body = arc_v_map_get(e, inner);
				out->body = body && body->kind == ARC_MAP ? body : NULL;
				out->file = &files[i];
				return 1;
			}
		}
	}
	return 0;
}

static char *resolve_path(const struct kfile *f, const char *p)
{
	if (!p || !*p)
		return NULL;
	if (p[0] == '/' || !f)
		return xstrdup(p);
	if (p[0] == '~' && p[1] == '/' && getenv("HOME"))
		return xasprintf("%s%s", getenv("HOME"), p + 1);
	if (!strcmp(f->dir, "."))
		return xstrdup(p);
	return xasprintf("%s/%s", f->dir, p);
}

/* `<field>-data` (base64) beats `<field>` (a file path) */
static int read_data_or_file(const struct entry *e, const char *field, const char *flag_file, char **data,
			     size_t *len)
{
	char key[64];
	const char *b64, *file;
	char *path;
	int rc;

	if (flag_file) {
		rc = arc_read_file(flag_file, 1u << 20, data, len);
		return rc;
	}
	snprintf(key, sizeof(key), "%s-data", field);
	b64 = str_at(e->body, key);
	if (b64 && *b64) {
		struct arc_buf b = ARC_BUF_INIT;
		if (arc_b64_decode(&b, b64, strlen(b64))) {
			arc_buf_release(&b);
			return arc_error_code(ARC_E_PARSE, "%s: %s in %s is not valid base64", e->file->path, key,
					      "the kubeconfig");
		}
		*data = arc_buf_detach(&b, len);
		return 0;
	}
	file = str_at(e->body, field);
	if (file && *file) {
		path = resolve_path(e->file, file);
		rc = arc_read_file(path, 1u << 20, data, len);
		if (rc)
			arc_error_set("unable to read %s %s (from %s): %s", field, path, e->file->path,
				      strerror(errno ? errno : ENOENT));
		free(path);
		return rc;
	}
	*data = NULL;
	*len = 0;
	return 0;
}

static char **strv_from_list(arc_value *l)
{
	size_t i, n = l && l->kind == ARC_LIST ? arc_v_list_len(l) : 0;
	char **v = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		arc_value *s = arc_v_list_at(l, i);
		v[i] = xstrdup(s->kind == ARC_STRING ? s->u.s.ptr : "");
	}
	return v;
}

static void strv_free(char **v)
{
	size_t i;
	if (!v)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

static int load_exec(const struct entry *user, const char *user_name, arc_value *ex, struct arc_kube_exec **out)
{
	struct arc_kube_exec *e;
	const char *cmd = str_at(ex, "command"), *api = str_at(ex, "apiVersion");
	const char *mode = str_at(ex, "interactiveMode");
	arc_value *env = arc_v_map_get(ex, "env");
	size_t i, n;

	if (!cmd || !*cmd)
		return arc_error_code(ARC_E_PARSE, "%s: exec plugin of user \"%s\" has no command", user->file->path,
				      user_name);
	if (!api || (strcmp(api, "client.authentication.k8s.io/v1") &&
		     strcmp(api, "client.authentication.k8s.io/v1beta1")))
		return arc_error_code(ARC_E_PARSE,
				      "%s: exec plugin of user \"%s\": invalid apiVersion \"%s\" (want "
				      "client.authentication.k8s.io/v1 or /v1beta1)",
				      user->file->path, user_name, api ? api : "");
	if (mode && *mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable") && strcmp(mode, "Always"))
		return arc_error_code(ARC_E_PARSE,
				      "%s: exec plugin of user \"%s\": invalid interactiveMode \"%s\" (want Never, "
				      "IfAvailable or Always)",
				      user->file->path, user_name, mode);
	if ((!mode || !*mode) && !strcmp(api, "client.authentication.k8s.io/v1"))
		return arc_error_code(ARC_E_PARSE,
				      "%s: exec plugin of user \"%s\": interactiveMode must be specified to use "
				      "exec authentication plugin",
				      user->file->path, user_name);
	if (mode && !strcmp(mode, "Always"))
		return arc_error_code(ARC_E_USAGE,
				      "exec plugin of user \"%s\" needs interactiveMode Always, which kubectl-arc "
				      "cannot provide (standard input is not passed to plugins)",
				      user_name);
	e = xcalloc(1, sizeof(*e));
	e->command = strchr(cmd, '/') ? resolve_path(user->file, cmd) : xstrdup(cmd);
	e->args = strv_from_list(arc_v_map_get(ex, "args"));
	n = env && env->kind == ARC_LIST ? arc_v_list_len(env) : 0;
	e->env = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		arc_value *kv = arc_v_list_at(env, i);
		const char *k = str_at(kv, "name"), *v = str_at(kv, "value");
		e->env[i] = xasprintf("%s=%s", k ? k : "", v ? v : "");
	}
	e->api_version = xstrdup(api);
	e->install_hint = str_at(ex, "installHint") ? xstrdup(str_at(ex, "installHint")) : NULL;
	e->provide_cluster_info = bool_at(ex, "provideClusterInfo");
	e->interactive_mode = xstrdup(mode && *mode ? mode : "IfAvailable");
	*out = e;
	return 0;
}

static void exec_free(struct arc_kube_exec *e)
{
	if (!e)
		return;
	free(e->command);
	strv_free(e->args);
	strv_free(e->env);
	free(e->api_version);
	free(e->install_hint);
	free(e->interactive_mode);
	free(e);
}

void arc_kube_config_free(struct arc_kube_config *c)
{
	if (!c)
		return;
	free(c->context);
	free(c->cluster_name);
	free(c->user_name);
	free(c->server);
	free(c->tls_server_name);
	free(c->ca_data);
	free(c->cert_data);
	if (c->key_data)
		memset(c->key_data, 0, c->key_len);
	free(c->key_data);
	if (c->token)
		memset(c->token, 0, strlen(c->token));
	free(c->token);
	free(c->token_file);
	free(c->username);
	if (c->password)
		memset(c->password, 0, strlen(c->password));
	free(c->password);
	exec_free(c->exec);
	free(c->proxy_url);
	free(c->namespace);
	free(c->impersonate);
	free(c->impersonate_uid);
	strv_free(c->impersonate_groups);
	free(c->origin);
	free(c);
}

static char *trim_dup(const char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	return xstrndup(s, n);
}

/* In-cluster: the pod's service account. */
static int load_in_cluster(struct arc_kube_config *c)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST"), *port = getenv("KUBERNETES_SERVICE_PORT");
	char *tok, *ns;
	size_t len;
	if (!host || !*host || !port || !*port)
		return ARC_E_NOTFOUND;
	if (arc_read_file(SA_DIR "/token", 1u << 20, &tok, &len))
		return ARC_E_NOTFOUND;
	c->token = trim_dup(tok, len);
	memset(tok, 0, len);
	free(tok);
	c->token_file = xstrdup(SA_DIR "/token");
	if (arc_read_file(SA_DIR "/ca.crt", 1u << 20, &c->ca_data, &c->ca_len))
		c->ca_data = NULL;
	c->server = strchr(host, ':') ? xasprintf("https://[%s]:%s", host, port)
				      : xasprintf("https://%s:%s", host, port);
	if (!arc_read_file(SA_DIR "/namespace", 4096, &ns, &len)) {
		c->namespace = trim_dup(ns, len);
		free(ns);
	}
	c->origin = xstrdup("in-cluster service account");
	c->context = xstrdup("");
	c->cluster_name = xstrdup("");
	c->user_name = xstrdup("");
	return 0;
}

/* client-go's rule: a token and basic auth exclude each other; a client certificate may
 * come along with either (AKS admin credentials carry both a certificate and a token). */
static int count_auth(const struct arc_kube_config *c, struct arc_buf *which)
{
	int n = 0;
	if (c->token || c->token_file)
		arc_buf_puts(which, n++ ? " token" : "token");
	if (c->username || c->password)
		arc_buf_puts(which, n++ ? " basicAuth" : "basicAuth");
	return n;
}

int arc_kube_config_load(struct arc_kube_config **out, const struct arc_kube_flags *fl)
{
	static const struct arc_kube_flags none;
	struct kfile *files = NULL;
	size_t nf = 0, i;
	struct arc_kube_config *c = xcalloc(1, sizeof(*c));
	struct entry ctx = { 0 }, cl = { 0 }, us = { 0 };
	const char *ctx_name = NULL, *cl_name, *us_name, *s;
	arc_value *auth_provider = NULL;
	int rc;

	if (!fl)
		fl = &none;
	if ((rc = load_files(fl, &files, &nf)) != 0)
		goto fail;

	if (nf == 0) {
		if (load_in_cluster(c) == 0)
			goto overrides;
		if (!fl->server) {
			rc = arc_error_code(ARC_E_NOTFOUND,
					    "no kubeconfig found: set KUBECONFIG, pass --kubeconfig, or create "
					    "~/.kube/config (and no in-cluster service account is available)");
			goto fail;
		}
		c->origin = xstrdup("command-line flags");
		goto overrides;
	}

	/* context: --context, else the first non-empty current-context */
	ctx_name = fl->context;
	for (i = 0; !ctx_name && i < nf; i++) {
		s = str_at(files[i].doc, "current-context");
		if (s && *s)
			ctx_name = s;
	}
	if (ctx_name && *ctx_name) {
		if (!find_entry(files, nf, "contexts", "context", ctx_name, &ctx)) {
			rc = arc_error_code(ARC_E_NOTFOUND, "context \"%s\" does not exist", ctx_name);
			goto fail;
		}
	} else if (!fl->cluster && !fl->server) {
		rc = arc_error_code(ARC_E_NOTFOUND,
				    "no context is selected: the kubeconfig (%s%s) has no current-context; pass "
				    "--context NAME",
				    files[0].path, nf > 1 ? ", …" : "");
		goto fail;
	}
	c->context = xstrdup(ctx_name ? ctx_name : "");
	cl_name = fl->cluster ? fl->cluster : str_at(ctx.body, "cluster");
	us_name = fl->user ? fl->user : str_at(ctx.body, "user");
	if (cl_name && *cl_name && !find_entry(files, nf, "clusters", "cluster", cl_name, &cl)) {
		if (fl->cluster || !fl->server) {
			rc = arc_error_code(ARC_E_NOTFOUND, "cluster \"%s\" does not exist%s%s%s", cl_name,
					    fl->cluster ? "" : " (named by context \"", fl->cluster ? "" : c->context,
					    fl->cluster ? "" : "\")");
			goto fail;
		}
	}
	if (us_name && *us_name && !find_entry(files, nf, "users", "user", us_name, &us)) {
		if (fl->user) {
			rc = arc_error_code(ARC_E_NOTFOUND, "auth info \"%s\" does not exist", us_name);
			goto fail;
		}
	}
	c->cluster_name = xstrdup(cl_name ? cl_name : "");
	c->user_name = xstrdup(us_name ? us_name : "");
	c->origin = xstrdup(cl.file ? cl.file->path : ctx.file ? ctx.file->path : files[0].path);

	/* cluster */
	if (cl.body) {
		s = str_at(cl.body, "server");
		c->server = s && *s ? xstrdup(s) : NULL;
		s = str_at(cl.body, "tls-server-name");
		c->tls_server_name = s && *s ? xstrdup(s) : NULL;
		c->insecure = bool_at(cl.body, "insecure-skip-tls-verify");
		s = str_at(cl.body, "proxy-url");
		c->proxy_url = s && *s ? xstrdup(s) : NULL;
		c->disable_compression = bool_at(cl.body, "disable-compression");
		if (!fl->ca_file && (rc = read_data_or_file(&cl, "certificate-authority", NULL, &c->ca_data,
							     &c->ca_len)) != 0)
			goto fail;
	}
	/* user */
	if (us.body) {
		arc_value *ex = arc_v_map_get(us.body, "exec");
		if (!fl->cert_file &&
		    (rc = read_data_or_file(&us, "client-certificate", NULL, &c->cert_data, &c->cert_len)) != 0)
			goto fail;
		if (!fl->key_file && (rc = read_data_or_file(&us, "client-key", NULL, &c->key_data, &c->key_len)) != 0)
			goto fail;
		s = str_at(us.body, "token");
		if (s && *s)
			c->token = xstrdup(s);
		s = str_at(us.body, "tokenFile");
		if (s && *s)
			c->token_file = resolve_path(us.file, s);
		s = str_at(us.body, "username");
		if (s && *s)
			c->username = xstrdup(s);
		s = str_at(us.body, "password");
		if (s && *s)
			c->password = xstrdup(s);
		s = str_at(us.body, "as");
		if (s && *s)
			c->impersonate = xstrdup(s);
		s = str_at(us.body, "as-uid");
		if (s && *s)
			c->impersonate_uid = xstrdup(s);
		if (arc_v_map_get(us.body, "as-groups"))
			c->impersonate_groups = strv_from_list(arc_v_map_get(us.body, "as-groups"));
		if (ex && ex->kind == ARC_MAP && (rc = load_exec(&us, us_name ? us_name : "", ex, &c->exec)) != 0)
			goto fail;
		auth_provider = arc_v_map_get(us.body, "auth-provider");
		if (auth_provider && auth_provider->kind != ARC_MAP)
			auth_provider = NULL;
	}
	{
		struct arc_buf which = ARC_BUF_INIT;
		if (count_auth(c, &which) > 1) {
			rc = arc_error_code(ARC_E_PARSE,
					    "more than one authentication method found for \"%s\"; found [%s], only "
					    "one is allowed",
					    c->user_name, arc_buf_cstr(&which));
			arc_buf_release(&which);
			goto fail;
		}
		arc_buf_release(&which);
		if (auth_provider && c->exec) {
			rc = arc_error_code(ARC_E_PARSE,
					    "user \"%s\": an auth-provider cannot be combined with an exec plugin",
					    c->user_name);
			goto fail;
		}
		if (auth_provider) {
			rc = arc_error_code(ARC_E_PARSE,
					    "user \"%s\" uses an auth-provider, which kubectl-arc does not support: "
					    "use an exec credential plugin (client.authentication.k8s.io)",
					    c->user_name);
			goto fail;
		}
		/* as client-go: static credentials given, the exec plugin is not run */
		if (c->exec && (c->token || c->token_file || c->username || c->password || c->cert_data)) {
			exec_free(c->exec);
			c->exec = NULL;
		}
	}
	s = str_at(ctx.body, "namespace");
	if (s && *s)
		c->namespace = xstrdup(s);

overrides:
	if (fl->server) {
		free(c->server);
		c->server = xstrdup(fl->server);
	}
	if (fl->tls_server_name) {
		free(c->tls_server_name);
		c->tls_server_name = xstrdup(fl->tls_server_name);
	}
	if (fl->insecure)
		c->insecure = 1;
	if (fl->ca_file) {
		free(c->ca_data);
		if ((rc = arc_read_file(fl->ca_file, 1u << 20, &c->ca_data, &c->ca_len)) != 0)
			goto fail;
	}
	if (fl->cert_file) {
		free(c->cert_data);
		if ((rc = arc_read_file(fl->cert_file, 1u << 20, &c->cert_data, &c->cert_len)) != 0)
			goto fail;
	}
	if (fl->key_file) {
		free(c->key_data);
		if ((rc = arc_read_file(fl->key_file, 1u << 20, &c->key_data, &c->key_len)) != 0)
			goto fail;
	}
	if (fl->token) {
		/* a flag token replaces every other credential of the user */
		free(c->token);
		free(c->token_file);
		c->token_file = NULL;
		exec_free(c->exec);
		c->exec = NULL;
		c->token = xstrdup(fl->token);
	}
	if (fl->username) {
		free(c->username);
		c->username = xstrdup(fl->username);
	}
	if (fl->password) {
		free(c->password);
		c->password = xstrdup(fl->password);
	}
	if (fl->as) {
		free(c->impersonate);
		c->impersonate = xstrdup(fl->as);
	}
	if (fl->as_uid) {
		free(c->impersonate_uid);
		c->impersonate_uid = xstrdup(fl->as_uid);
	}
	if (fl->n_as_groups) {
		strv_free(c->impersonate_groups);
		c->impersonate_groups = xcalloc(fl->n_as_groups + 1, sizeof(char *));
		for (i = 0; i < fl->n_as_groups; i++)
			c->impersonate_groups[i] = xstrdup(fl->as_groups[i]);
	}
	if (fl->namespace && *fl->namespace) {
		free(c->namespace);
		c->namespace = xstrdup(fl->namespace);
		c->namespace_explicit = 1;
	}
	if (!c->namespace)
		c->namespace = xstrdup("default");
	c->timeout_ms = fl->request_timeout_ms;
	c->verbosity = fl->verbosity;
	if (!c->server || !*c->server) {
		rc = arc_error_code(ARC_E_NOTFOUND, "cluster \"%s\" has no server address (context \"%s\" in %s)",
				    c->cluster_name ? c->cluster_name : "", c->context ? c->context : "",
				    c->origin ? c->origin : "the kubeconfig");
		goto fail;
	}
	if ((c->token || c->password) && !strncmp(c->server, "http://", 7)) {
		rc = arc_error_code(ARC_E_USAGE, "refusing to send credentials over plain HTTP to %s", c->server);
		goto fail;
	}
	kfiles_free(files, nf);
	*out = c;
	return 0;
fail:
	kfiles_free(files, nf);
	arc_kube_config_free(c);
	return rc ? rc : ARC_E_FAIL;
}
