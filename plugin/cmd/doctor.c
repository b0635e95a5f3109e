/* doctor.c - `kubectl arc doctor`: checks everything ARC needs, in the order one
 * depends on the other, and says how to fix what fails (see doctor.h). */
#include "doctor.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/encoding.h"
#include "../chart/release.h"
#include "../github/github.h"
#include "../kube/api.h"
#include "../value/codec.h"
#include "auth.h"
#include "certmanager.h"
#include "cmd.h"
#include "deploy.h"
#include "kubeflags.h"
#include "output.h"
#include "runners.h"

#define DEFAULT_RELEASE "actions-runner-controller"
#define DEFAULT_NAMESPACE "actions-runner-system"
#define DEFAULT_SECRET "controller-manager"
#define ARC_GROUP "actions.summerwind.dev"
#define NAME_LABEL "app.kubernetes.io/name=actions-runner-controller"
#define TITLE_WIDTH 22

/* ---- the parts without a cluster (doctor.h) ------------------------------------------------ */

static int has_scope(const char *scopes, const char *want)
{
	const char *p = scopes;
	size_t n = strlen(want);
	while (p && *p) {
		size_t len;
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		len = strcspn(p, ", \t");
		if (len == n && !strncmp(p, want, n))
			return 1;
		p += len;
	}
	return 0;
}

int arc_doctor_missing_scopes(const char *scopes, unsigned need, struct arc_buf *missing)
{
	int n = 0;
	const char *s = scopes ? scopes : "";
	arc_buf_reset(missing);
	if ((need & ARC_DOCTOR_NEED_REPO) && !has_scope(s, "repo")) {
		arc_buf_puts(missing, "repo");
		n++;
	}
	if ((need & ARC_DOCTOR_NEED_ORG) && !has_scope(s, "admin:org")) {
		arc_buf_printf(missing, "%sadmin:org", n ? ", " : "");
		n++;
	}
	if ((need & ARC_DOCTOR_NEED_ENT) && !has_scope(s, "manage_runners:enterprise") &&
	    !has_scope(s, "admin:enterprise")) {
		arc_buf_printf(missing, "%smanage_runners:enterprise", n ? ", " : "");
		n++;
	}
	return n;
}

/* decoded value of data[key]: 1 present (out/len set, wiped by the caller), 0 absent, -1 not base64 */
static int secret_value(arc_value *data, const char *key, char **out, size_t *len)
{
	arc_value *v = data && data->kind == ARC_MAP ? arc_v_map_get(data, key) : NULL;
	struct arc_buf b = ARC_BUF_INIT;
	*out = NULL;
	*len = 0;
	if (!v || v->kind != ARC_STRING)
		return 0;
	if (v->u.s.len && arc_b64_decode(&b, v->u.s.ptr, v->u.s.len)) {
		if (b.ptr)
			memset(b.ptr, 0, b.len);
		arc_buf_release(&b);
		arc_error_clear();
		return -1;
	}
	arc_buf_cstr(&b);
	*out = arc_buf_detach(&b, len);
	return 1;
}

static void wipe_free(char *s, size_t n)
{
	if (s) {
		memset(s, 0, n);
		free(s);
	}
}

static int all_digits(const char *s, size_t n)
{
	size_t i;
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

const char *arc_doctor_secret_kind(arc_value *data, struct arc_buf *problems, int *fatal)
{
	static const char *const keys[] = { "github_token", "github_app_id", "github_app_installation_id",
					     "github_app_private_key", "github_basicauth_password" };
	char *val[5] = { NULL };
	size_t len[5] = { 0 };
	int have[5], i, napp;
	const char *kind = NULL;

	*fatal = 0;
	for (i = 0; i < 5; i++) {
		have[i] = secret_value(data, keys[i], &val[i], &len[i]);
		if (have[i] < 0) {
			arc_buf_printf(problems, "%s is not valid base64\n", keys[i]);
			*fatal = 1;
			have[i] = 0;
		}
	}
	napp = (have[1] > 0) + (have[2] > 0) + (have[3] > 0);
	if (have[4] > 0 && len[4]) {
		kind = "basicauth";
	} else if (have[0] > 0) {
		size_t n = len[0], k;
		kind = "token";
		if (!n) {
			arc_buf_puts(problems, "github_token is empty\n");
			*fatal = 1;
		} else if (isspace((unsigned char)val[0][n - 1]) || isspace((unsigned char)val[0][0])) {
			arc_buf_printf(problems, "github_token %s whitespace (a newline from `echo` or an editor): "
						 "GitHub refuses the token\n",
				       isspace((unsigned char)val[0][n - 1]) ? "ends with" : "starts with");
			*fatal = 1;
		} else {
			for (k = 0; k < n; k++)
				if ((unsigned char)val[0][k] < 0x21 || (unsigned char)val[0][k] > 0x7e) {
					arc_buf_puts(problems, "github_token holds spaces or non-ASCII characters\n");
					*fatal = 1;
					break;
				}
		}
		if (napp)
			arc_buf_puts(problems, "the Secret holds both github_token and GitHub App keys: ARC uses the "
					       "token and ignores the App\n");
	} else if (napp == 3) {
		kind = "app";
	} else if (napp) {
		for (i = 1; i <= 3; i++)
			if (!have[i])
				arc_buf_printf(problems, "%s is missing: a GitHub App needs github_app_id, "
							 "github_app_installation_id and github_app_private_key\n",
					       keys[i]);
		*fatal = 1;
	} else {
		arc_buf_puts(problems, "no credentials: neither github_token nor the github_app_* keys\n");
		*fatal = 1;
	}
	if (kind && !strcmp(kind, "app")) {
		if (!all_digits(val[1], len[1])) {
			arc_buf_puts(problems, "github_app_id is not a number (ARC needs the numeric App ID, not the "
					       "client ID)\n");
			*fatal = 1;
		}
		if (!all_digits(val[2], len[2])) {
			arc_buf_puts(problems, "github_app_installation_id is not a number\n");
			*fatal = 1;
		}
		if (!len[3]) {
			arc_buf_puts(problems, "github_app_private_key is empty\n");
			*fatal = 1;
		} else if (arc_gh_check_private_key(val[3], len[3]) != 0) {
			arc_error_clear();
			arc_buf_puts(problems, "github_app_private_key is not an RSA private key in PEM form\n");
			*fatal = 1;
		}
	}
	for (i = 0; i < 5; i++)
		wipe_free(val[i], len[i]);
	return *fatal && kind && strcmp(kind, "token") && strcmp(kind, "app") ? NULL : kind;
}

/* ---- options -------------------------------------------------------------------------------- */

static struct {
	const char *output, *auth_secret, *github_url, *token_file, *app_id, *installation_id, *key_file;
	int offline;
} o;

static const struct arc_opt doctor_opts[] = {
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT",
	  "Output format: json or yaml (every check, for scripts)", NULL, 0 },
	{ "auth-secret", 0, ARC_OPT_STRING, &o.auth_secret, "NAME",
	  "The Secret with ARC's GitHub credentials (default: the one the controller reads)", NULL, 0 },
	{ "github-url", 0, ARC_OPT_STRING, &o.github_url, "URL",
	  "GitHub (Enterprise Server) URL (default: the controller's, else https://github.com)", NULL, 0 },
	{ "github-token-file", 0, ARC_OPT_STRING, &o.token_file, "FILE",
	  "Check this token instead of the auth Secret's (e.g. before install)", NULL, 0 },
	{ "github-app-id", 0, ARC_OPT_STRING, &o.app_id, "ID", "Check this GitHub App instead of the auth Secret's",
	  NULL, 0 },
	{ "github-app-installation-id", 0, ARC_OPT_STRING, &o.installation_id, "ID", "GitHub App installation id",
	  NULL, 0 },
	{ "github-app-private-key-file", 0, ARC_OPT_STRING, &o.key_file, "FILE", "GitHub App private key (PEM)",
	  NULL, 0 },
	{ "offline", 0, ARC_OPT_BOOL, &o.offline, NULL, "Do not ask the GitHub API (its checks are skipped)", NULL,
	  0 },
	ARC_OPT_END,
};
static const struct arc_opt *const doctor_tables[] = { doctor_opts, arc_kube_opts, NULL };
const struct arc_cmd_spec arc_doctor_spec = {
	"doctor",
	"[NAME] [flags]",
	"Check the cluster, cert-manager, ARC, its GitHub credentials and the runners",
	"Runs every check ARC's common failures call for and explains how to fix each one that fails: the API "
	"server and its version; RBAC to install (SelfSubjectAccessReview); cert-manager and whether its webhook "
	"answers; ARC's CRDs; the release; the controller rollout; ARC's webhook Service endpoints (\"no "
	"endpoints available for service\"); the auth Secret's keys (never their values); the token or GitHub "
	"App against the GitHub API (classic token scopes, App installation token, a registration token per "
	"repository, organization or enterprise the runners use); GPU nodes and the NVIDIA device plugin when "
	"runners ask for GPUs; and whether the runners are registered with GitHub. NAME is the release "
	"(default actions-runner-controller), -n its namespace (default actions-runner-system). Exit status 1 "
	"when a check fails (warnings do not count). -o json|yaml prints {release, namespace, context, server, ok, "
	"summary: {pass, fail, warn, skip}, checks: [{name, title, status, message, details, fix}]}; status is "
	"pass, fail, warn or skip, and the names are stable: api-server, rbac, cert-manager, "
	"cert-manager-webhook, crds, release, controller, webhook, auth-secret, github-auth, registration-token, "
	"gpu, runners-registered.",
	"kubectl arc doctor\n"
	"kubectl arc doctor -n arc-system -o json\n"
	"kubectl arc doctor --github-token-file ~/.arc-token   # check a token before install\n"
	"kubectl arc doctor --offline",
	doctor_tables,
};

/* ---- the checks as data ------------------------------------------------------------------- */

struct doc {
	struct arc_kube *k;
	const char *ns, *name, *prog;
	arc_value *checks; /* list of maps */
	int text, color;
	int npass, nfail, nwarn, nskip;
	int api_ok;
	struct arc_release **hist;
	size_t nhist;
	struct arc_release *rel; /* the latest revision (borrowed from hist) */
	arc_value *manifest; /* the release's objects, or NULL */
	arc_value *deploys;  /* live controller Deployments */
	arc_value *hooks;    /* live ARC webhook configurations */
	int installed;       /* a release or a controller Deployment */
	char *read_err;      /* why the installation could not be read (permissions), or NULL */
	char *hooks_err;     /* why the webhook configurations could not be listed, or NULL */
	int cm_used;         /* ARC uses cert-manager (or will: not installed yet) */
	int crds_ok;
	arc_value *rds;      /* RunnerDeployments and RunnerSets, all namespaces */
	arc_value *runners;  /* Runner objects, all namespaces */
	char *secret_name;
	char *api;           /* GitHub API base */
	struct arc_gh *gh;   /* NULL: no usable credentials */
	int gh_ok;
	char *gh_kind;       /* "token", "app" */
};

static const char *status_word(const char *st)
{
	return !strcmp(st, "pass") ? "PASS" : !strcmp(st, "fail") ? "FAIL" : !strcmp(st, "warn") ? "WARN" : "SKIP";
}

static const char *status_color(const char *st)
{
	return !strcmp(st, "pass") ? "\033[32m" : !strcmp(st, "fail") ? "\033[31m" : !strcmp(st, "warn") ? "\033[33m"
														     : "\033[2m";
}

static arc_value *check_new(const char *id, const char *title)
{
	arc_value *c = arc_v_map();
	arc_v_map_set(c, "name", arc_v_str(id));
	arc_v_map_set(c, "title", arc_v_str(title));
	arc_v_map_set(c, "details", arc_v_list());
	return c;
}

static void ARC_PRINTF(2, 3) detail(arc_value *c, const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	arc_v_list_push(arc_v_map_get(c, "details"), arc_v_str_buf(&b));
}

/* Record (and in text mode print) the result of check c; takes c.  fix may be NULL. */
static void ARC_PRINTF(5, 6) done(struct doc *d, arc_value *c, const char *st, const char *fix, const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	arc_value *det = arc_v_map_get(c, "details");
	size_t i;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	arc_v_map_set(c, "status", arc_v_str(st));
	arc_v_map_set(c, "message", arc_v_str(arc_buf_cstr(&b)));
	if (fix && strcmp(st, "pass") && strcmp(st, "skip"))
		arc_v_map_set(c, "fix", arc_v_str(fix));
	if (!strcmp(st, "pass"))
		d->npass++;
	else if (!strcmp(st, "fail"))
		d->nfail++;
	else if (!strcmp(st, "warn"))
		d->nwarn++;
	else
		d->nskip++;
	if (d->text) {
		printf("%s%s%s  %-*s %s\n", d->color ? status_color(st) : "", status_word(st), d->color ? "\033[0m" : "",
		       TITLE_WIDTH, arc_obj_str(c, "title"), arc_buf_cstr(&b));
		for (i = 0; i < arc_v_list_len(det); i++)
			printf("%*s- %s\n", TITLE_WIDTH + 7, "", arc_v_strptr(arc_v_list_at(det, i)));
		if (arc_v_map_get(c, "fix"))
			printf("%*s%sfix:%s %s\n", TITLE_WIDTH + 7, "", d->color ? "\033[1m" : "", d->color ? "\033[0m" : "",
			       fix);
		fflush(stdout);
	}
	arc_buf_release(&b);
	arc_v_list_push(d->checks, c);
}

static long long num(arc_value *obj, const char *path, long long def)
{
	arc_value *v = arc_obj_at(obj, path);
	if (!v)
		return def;
	if (v->kind == ARC_INT)
		return (long long)v->u.i;
	if (v->kind == ARC_FLOAT)
		return (long long)v->u.f;
	if (v->kind == ARC_STRING)
		return strtoll(v->u.s.ptr, NULL, 10);
	return def;
}

static int truthy(arc_value *obj, const char *path)
{
	arc_value *v = arc_obj_at(obj, path);
	return v && v->kind == ARC_BOOL && v->u.b;
}

static const char *str_or(arc_value *obj, const char *path, const char *def)
{
	const char *s = arc_obj_str(obj, path);
	return s && *s ? s : def;
}

/* the error text of the last call, for a message (malloc'd), then cleared */
static char *take_error(void)
{
	char *m = xstrdup(arc_error_last() && *arc_error_last() ? arc_error_last() : "unknown error");
	arc_error_clear();
	return m;
}

static int push_item(void *ctx, arc_value *item)
{
	arc_v_list_push(ctx, arc_v_ref(item));
	return 0;
}

/* "k=v,k2=v2" from a matchLabels map */
static char *selector_of(arc_value *ml)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t i;
	for (i = 0; ml && ml->kind == ARC_MAP && i < arc_v_map_len(ml); i++) {
		arc_value *v = arc_v_map_val(ml, i);
		arc_buf_printf(&b, "%s%s=%s", i ? "," : "", arc_v_map_key(ml, i), v->kind == ARC_STRING ? v->u.s.ptr : "");
	}
	return arc_buf_detach(&b, NULL);
}

/* ---- 1. the API server ------------------------------------------------------------------------ */

static void check_api(struct doc *d, const struct arc_kube_flags *kf)
{
	arc_value *c = check_new("api-server", "API server"), *ver = NULL;
	struct arc_buf resp = ARC_BUF_INIT;
	struct arc_kube_config *cfg;
	long status = 0;
	char *fix;
	int rc;

	if (arc_kube_open(&d->k, kf) != 0) {
		char *m = take_error();
		fix = xasprintf("point kubectl at the cluster: check KUBECONFIG, --kubeconfig and --context "
				"(`kubectl config get-contexts`)");
		done(d, c, "fail", fix, "no usable kubeconfig: %s", m);
		free(fix);
		free(m);
		return;
	}
	arc_kube_set_log(d->k, arc_log_to_stderr, NULL);
	cfg = arc_kube_cfg(d->k);
	rc = arc_kube_do(d->k, "GET", "/version", NULL, NULL, 0, &status, &resp);
	if (rc != 0) {
		char *m = take_error();
		fix = xasprintf("check that the context is the right one (`kubectl config current-context`: %s), that "
				"the server is up and reachable from here (VPN, proxy, firewall), then `kubectl "
				"cluster-info`",
				cfg->context && *cfg->context ? cfg->context : "none");
		done(d, c, "fail", fix, "%s does not answer: %s", cfg->server, m);
		free(fix);
		free(m);
		goto out;
	}
	if (status == 401) {
		fix = cfg->user_name && *cfg->user_name
			      ? xasprintf("the credentials of kubeconfig user \"%s\" are refused: refresh them (a cloud "
					  "CLI's get-credentials, a new token or certificate)",
					  cfg->user_name)
			      : xasprintf("the credentials given (--token, --client-certificate) are refused: use valid "
					  "ones, or a kubeconfig context");
		done(d, c, "fail", fix, "%s answers 401 Unauthorized", cfg->server);
		free(fix);
		goto out;
	}
	if (status / 100 != 2 || arc_json_load(&ver, "/version", resp.ptr ? resp.ptr : "", resp.len) != 0) {
		arc_error_clear();
		/* some servers forbid /version to anonymous users; any answer means reachable */
		d->api_ok = status != 0;
		done(d, c, d->api_ok ? "warn" : "fail", "check the server address in the kubeconfig",
		     "%s answers HTTP %ld to GET /version", cfg->server, status);
		goto out;
	}
	d->api_ok = 1;
	{
		const char *gv = str_or(ver, "gitVersion", "?");
		long minor = strtol(str_or(ver, "minor", "0"), NULL, 10);
		if (minor && minor < 22 && !strcmp(str_or(ver, "major", "1"), "1")) {
			done(d, c, "fail", "upgrade the cluster: ARC 0.27 needs Kubernetes 1.22 or later (CRDs and "
					   "admission webhooks v1)",
			     "%s: Kubernetes %s is too old", cfg->server, gv);
		} else {
			detail(c, "context %s, user %s", cfg->context && *cfg->context ? cfg->context : "(none)",
			       cfg->user_name && *cfg->user_name ? cfg->user_name : "(none)");
			done(d, c, "pass", NULL, "%s answers: Kubernetes %s", cfg->server, gv);
		}
	}
out:
	arc_v_unref(ver);
	arc_buf_release(&resp);
}

/* ---- 2. RBAC ------------------------------------------------------------------------------------ */

struct perm {
	const char *group, *resource, *verb;
	int namespaced;
};

static const struct perm install_perms[] = {
	{ "apiextensions.k8s.io", "customresourcedefinitions", "create", 0 },
	{ "apiextensions.k8s.io", "customresourcedefinitions", "patch", 0 },
	{ "rbac.authorization.k8s.io", "clusterroles", "create", 0 },
	{ "rbac.authorization.k8s.io", "clusterroles", "patch", 0 },
	{ "rbac.authorization.k8s.io", "clusterrolebindings", "create", 0 },
	{ "rbac.authorization.k8s.io", "clusterrolebindings", "patch", 0 },
	{ "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "create", 0 },
	{ "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "patch", 0 },
	{ "admissionregistration.k8s.io", "validatingwebhookconfigurations", "create", 0 },
	{ "admissionregistration.k8s.io", "validatingwebhookconfigurations", "patch", 0 },
	{ "", "namespaces", "get", 0 },
	{ "", "namespaces", "create", 0 },
	{ "apps", "deployments", "create", 1 },
	{ "apps", "deployments", "patch", 1 },
	{ "", "services", "create", 1 },
	{ "", "services", "patch", 1 },
	{ "", "serviceaccounts", "create", 1 },
	{ "", "serviceaccounts", "patch", 1 },
	{ "", "secrets", "create", 1 },
	{ "", "secrets", "patch", 1 },
	{ "", "secrets", "list", 1 },
	{ "rbac.authorization.k8s.io", "roles", "create", 1 },
	{ "rbac.authorization.k8s.io", "rolebindings", "create", 1 },
	{ "cert-manager.io", "issuers", "create", 1 },
	{ "cert-manager.io", "certificates", "create", 1 },
};

/* 1 allowed, 0 denied, negative: could not ask */
static int can_i(struct arc_kube *k, const struct perm *p, const char *ns)
{
	arc_value *req = arc_v_map(), *spec = arc_v_map(), *ra = arc_v_map(), *ans = NULL;
	struct arc_buf body = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	long status = 0;
	int rc;
	arc_v_map_set(req, "apiVersion", arc_v_str("authorization.k8s.io/v1"));
	arc_v_map_set(req, "kind", arc_v_str("SelfSubjectAccessReview"));
	arc_v_map_set(ra, "group", arc_v_str(p->group));
	arc_v_map_set(ra, "resource", arc_v_str(p->resource));
	arc_v_map_set(ra, "verb", arc_v_str(p->verb));
	if (p->namespaced)
		arc_v_map_set(ra, "namespace", arc_v_str(ns));
	arc_v_map_set(spec, "resourceAttributes", ra);
	arc_v_map_set(req, "spec", spec);
	arc_json_dump(&body, req, 0);
	rc = arc_kube_do(k, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "application/json",
			 arc_buf_cstr(&body), body.len, &status, &resp);
	if (rc == 0 && status / 100 != 2)
		rc = arc_kube_status_error(status, &resp, "SelfSubjectAccessReview");
	if (rc == 0 && arc_json_load(&ans, "SelfSubjectAccessReview", resp.ptr ? resp.ptr : "", resp.len) != 0)
		rc = ARC_E_PARSE;
	if (rc == 0)
		rc = truthy(ans, "status.allowed");
	arc_v_unref(req);
	arc_v_unref(ans);
	arc_buf_release(&body);
	arc_buf_release(&resp);
	return rc;
}

static void check_rbac(struct doc *d)
{
	arc_value *c = check_new("rbac", "RBAC");
	struct arc_buf denied = ARC_BUF_INIT;
	size_t i, ndenied = 0;
	for (i = 0; i < ARC_ARRAY_LEN(install_perms); i++) {
		const struct perm *p = &install_perms[i];
		int r = can_i(d->k, p, d->ns);
		if (r < 0) {
			char *m = take_error();
			done(d, c, "warn", "ask your cluster admin which rights you have",
			     "cannot ask the API server what you may do: %s", m);
			free(m);
			arc_buf_release(&denied);
			return;
		}
		if (!r) {
			if (ndenied < 6)
				detail(c, "%s %s%s%s%s%s", p->verb, p->resource, *p->group ? "." : "", p->group,
				       p->namespaced ? " in namespace " : " (cluster-wide)", p->namespaced ? d->ns : "");
			ndenied++;
		}
	}
	if (ndenied) {
		char *fix;
		if (ndenied > 6)
			detail(c, "… and %zu more", ndenied - 6);
		fix = xasprintf("installing ARC creates CRDs, ClusterRoles and webhook configurations, which need "
				"cluster-admin rights: use an admin context (--context), or have an admin run `%s install`",
				d->prog);
		done(d, c, d->installed ? "warn" : "fail", fix, "%zu of the %zu permissions install needs are denied",
		     ndenied, ARC_ARRAY_LEN(install_perms));
		free(fix);
	} else {
		done(d, c, "pass", NULL, "allowed: all %zu permissions install needs (namespace %s and cluster-wide)",
		     ARC_ARRAY_LEN(install_perms), d->ns);
	}
	arc_buf_release(&denied);
}

/* ---- the installation: release, controller Deployments, webhook configurations ---------------- */

static int is_kind(arc_value *obj, const char *kind)
{
	const char *k = arc_obj_str(obj, "kind");
	return k && !strcmp(k, kind);
}

static void discover(struct doc *d)
{
	size_t i;
	const char *manifest;
	d->deploys = arc_v_list();
	d->hooks = arc_v_list();
	if (arc_release_history(d->k, d->ns, d->name, &d->hist, &d->nhist) != 0) {
		d->read_err = take_error();
		d->nhist = 0;
	}
	if (d->nhist) {
		d->rel = d->hist[d->nhist - 1];
		manifest = d->rel->manifest;
		if (manifest && arc_deploy_parse_manifest(&d->manifest, manifest, strlen(manifest)) != 0) {
			arc_error_clear();
			d->manifest = NULL;
		}
	}
	if (d->manifest) {
		for (i = 0; i < arc_v_list_len(d->manifest); i++) {
			arc_value *obj = arc_v_list_at(d->manifest, i), *live = NULL;
			const char *name = arc_obj_str(obj, "metadata.name");
			if (!name)
				continue;
			if (is_kind(obj, "Deployment")) {
				const char *dns = str_or(obj, "metadata.namespace", d->ns);
				if (arc_kube_get(d->k, "apps/v1", "Deployment", dns, name, &live) == 0) {
					arc_v_list_push(d->deploys, live);
				} else {
					/* missing: keep the manifest's object, marked */
					arc_value *m = arc_v_copy_deep(obj);
					arc_v_map_set(m, "doctorMissing", arc_v_bool(1));
					arc_v_list_push(d->deploys, m);
				}
				arc_error_clear();
			} else if (is_kind(obj, "MutatingWebhookConfiguration") ||
				   is_kind(obj, "ValidatingWebhookConfiguration")) {
				if (arc_kube_get(d->k, "admissionregistration.k8s.io/v1", arc_obj_str(obj, "kind"), NULL,
						 name, &live) == 0) {
					arc_v_list_push(d->hooks, live);
				} else {
					arc_value *m = arc_v_copy_deep(obj);
					arc_v_map_set(m, "doctorMissing", arc_v_bool(1));
					arc_v_list_push(d->hooks, m);
				}
				arc_error_clear();
			}
		}
	} else {
		/* installed without a release record (kubectl apply of a rendered chart): by label */
		arc_value *all = arc_v_list();
		if (arc_kube_list(d->k, "apps/v1", "Deployment", d->ns, NAME_LABEL, NULL, 0, push_item, d->deploys,
				  NULL) != 0) {
			free(d->read_err);
			d->read_err = take_error();
		}
		if (arc_kube_list(d->k, "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", NULL,
				  NAME_LABEL, NULL, 0, push_item, all, NULL) != 0 ||
		    arc_kube_list(d->k, "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", NULL,
				  NAME_LABEL, NULL, 0, push_item, all, NULL) != 0) {
			free(d->hooks_err);
			d->hooks_err = take_error();
		}
		/* only those whose services live in our namespace */
		for (i = 0; i < arc_v_list_len(all); i++) {
			arc_value *h = arc_v_list_at(all, i), *wh = arc_obj_at(h, "webhooks");
			size_t j;
			int ours = 0;
			for (j = 0; wh && wh->kind == ARC_LIST && j < arc_v_list_len(wh); j++) {
				const char *sns = arc_obj_str(arc_v_list_at(wh, j), "clientConfig.service.namespace");
				if (sns && !strcmp(sns, d->ns))
					ours = 1;
			}
			if (ours)
				arc_v_list_push(d->hooks, arc_v_ref(h));
		}
		arc_v_unref(all);
	}
	d->installed = d->nhist > 0 || arc_v_list_len(d->deploys) > 0;
	/* cert-manager: the release's value, else the webhook configurations' annotation */
	d->cm_used = 1;
	if (d->rel) {
		arc_value *cme = d->rel->config ? arc_obj_at(d->rel->config, "certManagerEnabled") : NULL;
		if (cme && cme->kind == ARC_BOOL && !cme->u.b)
			d->cm_used = 0;
	} else if (arc_v_list_len(d->hooks)) {
		d->cm_used = 0;
		for (i = 0; i < arc_v_list_len(d->hooks); i++) {
			arc_value *ann = arc_obj_at(arc_v_list_at(d->hooks, i), "metadata.annotations");
			if (ann && ann->kind == ARC_MAP && arc_v_map_get(ann, "cert-manager.io/inject-ca-from"))
				d->cm_used = 1;
		}
	}
}

/* ---- 3. cert-manager and its webhook -------------------------------------------------------------- */

static void check_cert_manager(struct doc *d)
{
	arc_value *c = check_new("cert-manager", "cert-manager");
	arc_value *w = check_new("cert-manager-webhook", "cert-manager webhook");
	struct arc_cm_state st;
	char *desc, *fix;
	int h;

	if (!d->cm_used) {
		done(d, c, "skip", NULL, "not used: ARC makes its own webhook certificate (certManagerEnabled=false)");
		done(d, w, "skip", NULL, "not used");
		return;
	}
	h = arc_cm_detect(d->k, &st);
	if (h < 0) {
		char *m = take_error();
		done(d, c, "fail", "doctor needs read access to CRDs, Deployments and EndpointSlices",
		     "cannot check: %s", m);
		done(d, w, "skip", NULL, "cert-manager could not be checked");
		free(m);
		arc_cm_state_release(&st);
		return;
	}
	desc = arc_cm_describe(&st);
	if (h > 0) {
		done(d, c, "pass", NULL, "%s", desc);
	} else if (!st.crds_total && !st.webhook_name) {
		fix = xasprintf("`%s install` installs it (--cert-manager=auto, the default); or `kubectl apply -f %s`; "
				"or install ARC with --cert-manager=none to use self-signed certificates",
				d->prog, "https://github.com/cert-manager/cert-manager/releases/download/" ARC_CM_DEFAULT_VERSION
					 "/cert-manager.yaml");
		done(d, c, d->installed ? "fail" : "warn", fix, "not installed%s",
		     d->installed ? "" : " (install will install it)");
		free(fix);
	} else {
		if (st.crds_established < 4)
			detail(c, "%d of its 4 CRDs are Established", st.crds_established);
		if (!st.webhook_name)
			detail(c, "no cert-manager webhook Deployment was found");
		else if (!st.webhook_available)
			detail(c, "Deployment %s/%s is not available", st.webhook_ns, st.webhook_name);
		if (st.webhook_name && st.endpoints <= 0)
			detail(c, "Service %s/%s has no ready endpoint", st.webhook_ns, st.webhook_name);
		fix = xasprintf("look at its pods: `kubectl -n %s get pods` and `kubectl -n %s describe deployment "
				"%s`; a half-applied manifest is completed by applying it again (or `%s install`)",
				st.webhook_ns ? st.webhook_ns : "cert-manager", st.webhook_ns ? st.webhook_ns : "cert-manager",
				st.webhook_name ? st.webhook_name : "cert-manager-webhook", d->prog);
		done(d, c, "fail", fix, "not ready: %s", desc);
		free(fix);
	}
	free(desc);

	/* the webhook answers: a server-side dry run of an Issuer goes through it */
	if (!st.crds_total) {
		done(d, w, "skip", NULL, "cert-manager is not installed");
	} else {
		static const char probe[] = "{\"apiVersion\":\"cert-manager.io/v1\",\"kind\":\"Issuer\",\"metadata\":"
					    "{\"name\":\"kubectl-arc-doctor-probe\"},\"spec\":{\"selfSigned\":{}}}";
		arc_value *issuer = NULL;
		const char *pns = st.webhook_ns && *st.webhook_ns ? st.webhook_ns : "cert-manager";
		struct arc_kube_apply_opts ao = { "kubectl-arc", 1, 1, pns };
		int rc = arc_json_load(&issuer, "probe", probe, sizeof(probe) - 1);
		if (rc == 0)
			rc = arc_kube_apply(d->k, issuer, &ao, NULL);
		if (rc == 0) {
			done(d, w, "pass", NULL, "answers: a dry-run Issuer in namespace %s was admitted", pns);
		} else {
			char *m = take_error();
			fix = xasprintf("until it answers, installing ARC fails with \"failed calling webhook "
					"webhook.cert-manager.io\": wait for `kubectl -n %s rollout status deployment %s`, "
					"then check its logs and that the API server can reach pods (network policies, "
					"firewalls on port 10250)",
					pns, st.webhook_name ? st.webhook_name : "cert-manager-webhook");
			done(d, w, "fail", fix, "does not answer: %s", m);
			free(fix);
			free(m);
		}
		arc_v_unref(issuer);
	}
	arc_cm_state_release(&st);
}

/* ---- 4. ARC's CRDs ------------------------------------------------------------------------------------ */

static const char *const arc_crds[] = {
	"horizontalrunnerautoscalers." ARC_GROUP, "runnerdeployments." ARC_GROUP, "runnerreplicasets." ARC_GROUP,
	"runners." ARC_GROUP, "runnersets." ARC_GROUP,
};

static void check_crds(struct doc *d)
{
	arc_value *c = check_new("crds", "ARC CRDs");
	size_t i, bad = 0, missing = 0;
	char *fix;
	for (i = 0; i < ARC_ARRAY_LEN(arc_crds); i++) {
		arc_value *crd = NULL;
		int rc = arc_kube_get(d->k, "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL, arc_crds[i], &crd);
		if (rc == ARC_E_NOTFOUND) {
			if (d->installed)
				detail(c, "%s is missing", arc_crds[i]);
			bad++;
			missing++;
		} else if (rc) {
			char *m = take_error();
			char *fx = xasprintf("doctor needs read access to CustomResourceDefinitions: use a context that "
					     "has it");
			done(d, c, "fail", fx, "cannot read the CRDs: %s", m);
			free(fx);
			free(m);
			d->crds_ok = 0;
			return;
		} else if (arc_kube_pred_established(NULL, crd) <= 0) {
			/* why: NamesAccepted=False names a conflict */
			arc_value *conds = arc_obj_at(crd, "status.conditions");
			const char *why = NULL;
			size_t j;
			/* the first condition that is not True, NamesAccepted (the conflict itself) first */
			for (j = 0; conds && conds->kind == ARC_LIST && j < arc_v_list_len(conds); j++) {
				arc_value *cd = arc_v_list_at(conds, j);
				if (strcmp(str_or(cd, "status", "True"), "True") && arc_obj_str(cd, "message") &&
				    (!why || !strcmp(str_or(cd, "type", ""), "NamesAccepted")))
					why = arc_obj_str(cd, "message");
			}
			detail(c, "%s is not Established%s%s", arc_crds[i], why ? ": " : "", why ? why : "");
			bad++;
		}
		arc_error_clear();
		arc_v_unref(crd);
	}
	d->crds_ok = !bad;
	if (!bad) {
		done(d, c, "pass", NULL, "all %zu present and Established", ARC_ARRAY_LEN(arc_crds));
		return;
	}
	fix = missing ? xasprintf("`%s install` (or `%s upgrade --crds`) applies them; kubectl's client-side apply "
				  "fails on them with \"metadata.annotations: Too long\": use server-side apply",
				  d->prog, d->prog)
		      : xasprintf("`kubectl describe crd NAME` shows the condition; a name conflict with another CRD "
				  "must be removed first");
	if (!d->installed && missing == ARC_ARRAY_LEN(arc_crds))
		done(d, c, "warn", fix, "not installed (install applies them)");
	else
		done(d, c, "fail", fix, "%zu of %zu %s", bad, ARC_ARRAY_LEN(arc_crds), missing == bad ? "missing" : "not usable");
	free(fix);
}

/* ---- 5. the release ----------------------------------------------------------------------------------- */

static void check_release(struct doc *d)
{
	arc_value *c = check_new("release", "ARC release");
	char *fix;
	if (d->nhist) {
		arc_value *md = d->rel->chart ? d->rel->chart->metadata : NULL;
		const char *st = d->rel->info.status ? d->rel->info.status : ARC_RELEASE_UNKNOWN;
		const char *chart = str_or(md, "name", "?"), *cv = str_or(md, "version", "?");
		const char *av = str_or(md, "appVersion", "?");
		if (!strcmp(st, "deployed")) {
			done(d, c, "pass", NULL, "%s in namespace %s: revision %d deployed, chart %s-%s (ARC %s)", d->name,
			     d->ns, d->rel->version, chart, cv, av);
			return;
		}
		fix = !strncmp(st, "pending", 7)
			      ? xasprintf("another install or upgrade is running, or was interrupted: wait, or run `%s "
					  "upgrade %s -n %s` again", d->prog, d->name, d->ns)
			      : xasprintf("the description above is the last error: fix its cause (the other checks "
					  "help), then `%s upgrade %s -n %s` again, or `helm rollback %s -n %s`",
					  d->prog, d->name, d->ns, d->name, d->ns);
		detail(c, "%s", d->rel->info.description && *d->rel->info.description ? d->rel->info.description
										  : "no description");
		done(d, c, "fail", fix, "%s in namespace %s: revision %d is %s", d->name, d->ns, d->rel->version, st);
		free(fix);
		return;
	}
	if (d->read_err && !arc_v_list_len(d->deploys)) {
		done(d, c, "fail", "doctor needs read access to Secrets and Deployments in ARC's namespace: use a "
				   "context that has it",
		     "cannot read the installation in namespace %s: %s", d->ns, d->read_err);
		return;
	}
	if (arc_v_list_len(d->deploys)) {
		done(d, c, "warn",
		     "kubectl-arc and helm manage only what has a release record: adopt it with `install "
		     "--take-ownership`",
		     "no Helm release \"%s\" in namespace %s, but ARC's controller is there (installed without Helm?)",
		     d->name, d->ns);
		return;
	}
	/* somewhere else? */
	{
		arc_value *any = arc_v_list();
		struct arc_buf where = ARC_BUF_INIT;
		size_t i;
		if (arc_kube_list(d->k, "apps/v1", "Deployment", NULL, NAME_LABEL, NULL, 0, push_item, any, NULL) != 0)
			arc_error_clear();
		for (i = 0; i < arc_v_list_len(any) && i < 3; i++)
			arc_buf_printf(&where, "%s%s", i ? ", " : "",
				       str_or(arc_v_list_at(any, i), "metadata.namespace", "?"));
		if (where.len)
			fix = xasprintf("ARC's controller runs in namespace %s: pass -n NAMESPACE (and the release NAME)",
					arc_buf_cstr(&where));
		else
			fix = xasprintf("`%s install --github-token-file FILE` installs it (cert-manager included)", d->prog);
		done(d, c, "fail", fix, "ARC is not installed: no release \"%s\" and no controller in namespace %s",
		     d->name, d->ns);
		free(fix);
		arc_buf_release(&where);
		arc_v_unref(any);
	}
}

/* ---- 6. the controller ---------------------------------------------------------------------------------- */

/* why the pods of deployment `dep` are not ready: details on c; returns the fix (malloc'd) or NULL */
static char *pod_problems(struct doc *d, arc_value *c, arc_value *dep)
{
	arc_value *pods = arc_v_list();
	char *sel = selector_of(arc_obj_at(dep, "spec.selector.matchLabels"));
	const char *dns = str_or(dep, "metadata.namespace", d->ns), *dname = str_or(dep, "metadata.name", "?");
	char *fix = NULL;
	size_t i, j;
	if (!*sel || arc_kube_list(d->k, "v1", "Pod", dns, sel, NULL, 0, push_item, pods, NULL) != 0)
		arc_error_clear();
	for (i = 0; i < arc_v_list_len(pods); i++) {
		arc_value *p = arc_v_list_at(pods, i), *conds = arc_obj_at(p, "status.conditions");
		arc_value *cs = arc_obj_at(p, "status.containerStatuses");
		const char *pname = str_or(p, "metadata.name", "?"), *phase = str_or(p, "status.phase", "Unknown");
		int ready = 0, said = 0;
		for (j = 0; conds && conds->kind == ARC_LIST && j < arc_v_list_len(conds); j++) {
			arc_value *cd = arc_v_list_at(conds, j);
			const char *t = str_or(cd, "type", ""), *s = str_or(cd, "status", "");
			if (!strcmp(t, "Ready") && !strcmp(s, "True"))
				ready = 1;
			if (!strcmp(t, "PodScheduled") && strcmp(s, "True")) {
				detail(c, "pod %s cannot be scheduled: %s", pname, str_or(cd, "message", "no reason given"));
				said = 1;
				if (!fix)
					fix = xasprintf("no node fits the controller pod: compare its nodeSelector, tolerations "
							"and resource requests (chart values nodeSelector, tolerations, "
							"resources) with the nodes (`kubectl describe nodes`)");
			}
		}
		if (ready)
			continue;
		for (j = 0; cs && cs->kind == ARC_LIST && j < arc_v_list_len(cs); j++) {
			arc_value *st = arc_v_list_at(cs, j);
			const char *reason = arc_obj_str(st, "state.waiting.reason");
			if (!reason)
				continue;
			detail(c, "pod %s container %s: %s%s%s", pname, str_or(st, "name", "?"), reason,
			       arc_obj_str(st, "state.waiting.message") ? ": " : "", str_or(st, "state.waiting.message", ""));
			if (fix)
				continue;
			if (strstr(reason, "ImagePull") || !strcmp(reason, "ErrImagePull") || !strcmp(reason, "InvalidImageName"))
				fix = xasprintf("the image cannot be pulled: check image.repository / image.tag and "
						"imagePullSecrets, and that nodes reach the registry");
			else if (!strcmp(reason, "CrashLoopBackOff"))
				fix = xasprintf("the controller exits: `kubectl -n %s logs deployment/%s -c manager "
						"--previous` says why (often the GitHub credentials)",
						dns, dname);
			else if (!strcmp(reason, "CreateContainerConfigError"))
				fix = xasprintf("a Secret or ConfigMap the pod needs is missing: `kubectl -n %s describe "
						"pod %s`", dns, pname);
		}
		if ((!cs || !arc_v_list_len(cs)) && !said)
			detail(c, "pod %s is %s", pname, phase);
	}
	arc_v_unref(pods);
	free(sel);
	return fix;
}

/* secret volumes the pod template needs (not optional) that do not exist: details; returns how many */
static int missing_secrets(struct doc *d, arc_value *c, arc_value *dep, char **cert)
{
	arc_value *vols = arc_obj_at(dep, "spec.template.spec.volumes");
	const char *dns = str_or(dep, "metadata.namespace", d->ns);
	size_t i;
	int n = 0;
	for (i = 0; vols && vols->kind == ARC_LIST && i < arc_v_list_len(vols); i++) {
		arc_value *v = arc_v_list_at(vols, i), *s = NULL;
		const char *sn = arc_obj_str(v, "secret.secretName");
		int rc;
		if (!sn || truthy(v, "secret.optional"))
			continue;
		rc = arc_kube_get(d->k, "v1", "Secret", dns, sn, &s);
		if (rc == ARC_E_NOTFOUND) {
			detail(c, "Secret %s/%s (volume %s) does not exist: the pod cannot start", dns, sn,
			       str_or(v, "name", "?"));
			if (!*cert && strstr(sn, "serving-cert"))
				*cert = xstrdup(sn);
			n++;
		}
		arc_error_clear();
		arc_v_unref(s);
	}
	return n;
}

static void check_controller(struct doc *d)
{
	arc_value *c = check_new("controller", "ARC controller");
	struct arc_buf ok = ARC_BUF_INIT;
	char *fix = NULL, *cert = NULL;
	const char *why = NULL;
	size_t i;
	int bad = 0;
	if (!d->installed) {
		done(d, c, "skip", NULL, "ARC is not installed");
		return;
	}
	if (!arc_v_list_len(d->deploys)) {
		fix = xasprintf("`%s upgrade %s -n %s` recreates it", d->prog, d->name, d->ns);
		done(d, c, "fail", fix, "the release has no controller Deployment");
		free(fix);
		return;
	}
	for (i = 0; i < arc_v_list_len(d->deploys); i++) {
		arc_value *dep = arc_v_list_at(d->deploys, i);
		const char *dname = str_or(dep, "metadata.name", "?"), *dns = str_or(dep, "metadata.namespace", d->ns);
		long long want = num(dep, "spec.replicas", 1), avail = num(dep, "status.availableReplicas", 0);
		long long upd = num(dep, "status.updatedReplicas", 0);
		int r, nsec;
		if (truthy(dep, "doctorMissing")) {
			detail(c, "Deployment %s/%s does not exist", dns, dname);
			why = why ? why : "its Deployment is missing";
			if (!fix)
				fix = xasprintf("`%s upgrade %s -n %s` recreates it", d->prog, d->name, d->ns);
			bad++;
			continue;
		}
		nsec = missing_secrets(d, c, dep, &cert);
		r = arc_kube_pred_rollout(NULL, dep);
		if (r < 0) {
			char *m = take_error();
			detail(c, "%s", m);
			free(m);
		}
		if (want == 0) {
			detail(c, "Deployment %s/%s is scaled to 0", dns, dname);
			why = why ? why : "scaled to 0: nothing serves the webhook or reconciles runners";
			if (!fix)
				fix = xasprintf("scale it up: `kubectl -n %s scale deployment %s --replicas=1` (or `%s upgrade "
						"--set replicaCount=1`)",
						dns, dname, d->prog);
			bad++;
		} else if (r > 0 && avail >= 1 && !nsec) {
			arc_buf_printf(&ok, "%s%s/%s %lld/%lld available", ok.len ? ", " : "", dns, dname, avail, want);
		} else {
			char *pf;
			if (r <= 0 || avail < 1)
				detail(c, "Deployment %s/%s: %lld/%lld updated, %lld available%s", dns, dname, upd, want,
				       avail, r > 0 ? "" : ", rollout not complete");
			pf = pod_problems(d, c, dep);
			why = why ? why : nsec ? "cannot start: a Secret it mounts is missing" : "not rolled out";
			if (!fix && cert)
				fix = xasprintf("cert-manager has not issued the webhook certificate: `kubectl -n %s describe "
						"certificate %s` (and cert-manager's own pods); the Secret appears once it is "
						"issued",
						dns, cert);
			if (!fix)
				fix = pf;
			else
				free(pf);
			if (!fix)
				fix = xasprintf("`kubectl -n %s rollout status deployment %s`, `kubectl -n %s describe "
						"deployment %s` and `kubectl -n %s logs deployment/%s -c manager`",
						dns, dname, dns, dname, dns, dname);
			bad++;
		}
	}
	if (bad)
		done(d, c, "fail", fix, "%s", why ? why : "not rolled out");
	else
		done(d, c, "pass", NULL, "rolled out: %s", arc_buf_cstr(&ok));
	free(fix);
	free(cert);
	arc_buf_release(&ok);
}

/* ---- 7. ARC's webhook Service ------------------------------------------------------------------------- */

static void check_webhook(struct doc *d)
{
	arc_value *c = check_new("webhook", "ARC webhook");
	arc_value *seen = arc_v_map();
	struct arc_buf ok = ARC_BUF_INIT;
	char *fix = NULL;
	size_t i, j;
	int bad = 0, nsvc = 0;
	if (!d->installed) {
		done(d, c, "skip", NULL, "ARC is not installed");
		arc_v_unref(seen);
		return;
	}
	if (!arc_v_list_len(d->hooks) && d->hooks_err) {
		done(d, c, "fail", "doctor needs read access to webhook configurations (cluster-wide)",
		     "cannot read ARC's webhook configurations: %s", d->hooks_err);
		arc_v_unref(seen);
		return;
	}
	if (!arc_v_list_len(d->hooks)) {
		fix = xasprintf("`%s upgrade %s -n %s` restores them", d->prog, d->name, d->ns);
		done(d, c, "fail", fix, "no webhook configuration of ARC was found: runner objects are not validated");
		free(fix);
		arc_v_unref(seen);
		return;
	}
	for (i = 0; i < arc_v_list_len(d->hooks); i++) {
		arc_value *h = arc_v_list_at(d->hooks, i), *wh = arc_obj_at(h, "webhooks");
		const char *hname = str_or(h, "metadata.name", "?");
		int empty_ca = 0;
		if (truthy(h, "doctorMissing")) {
			detail(c, "%s %s does not exist", str_or(h, "kind", "?"), hname);
			if (!fix)
				fix = xasprintf("`%s upgrade %s -n %s` restores it", d->prog, d->name, d->ns);
			bad++;
			continue;
		}
		for (j = 0; wh && wh->kind == ARC_LIST && j < arc_v_list_len(wh); j++) {
			arc_value *w = arc_v_list_at(wh, j);
			const char *sname = arc_obj_str(w, "clientConfig.service.name");
			const char *sns = str_or(w, "clientConfig.service.namespace", d->ns);
			const char *ca = arc_obj_str(w, "clientConfig.caBundle");
			char *key;
			if (!ca || !*ca)
				empty_ca = 1;
			if (!sname)
				continue;
			key = xasprintf("%s/%s", sns, sname);
			if (!arc_v_map_get(seen, key)) {
				arc_value *svc = NULL;
				int n, rc = arc_kube_get(d->k, "v1", "Service", sns, sname, &svc);
				arc_v_map_set(seen, key, arc_v_bool(1));
				nsvc++;
				if (rc == ARC_E_NOTFOUND) {
					detail(c, "Service %s does not exist", key);
					if (!fix)
						fix = xasprintf("`%s upgrade %s -n %s` recreates it", d->prog, d->name, d->ns);
					bad++;
				} else if ((n = arc_deploy_service_ready(d->k, sns, sname)) <= 0) {
					if (n < 0) {
						char *m = take_error();
						detail(c, "Service %s: %s", key, m);
						free(m);
					} else {
						detail(c, "Service %s has no ready endpoints: the API server answers \"no "
							  "endpoints available for service \\\"%s\\\"\" to every runner create "
							  "or update",
						       key, sname);
					}
					if (!fix)
						fix = xasprintf("the controller pod must be Ready first (see the controller "
								"check); if it is, the Service's selector must match the "
								"pod's labels: `kubectl -n %s get endpointslices -l "
								"kubernetes.io/service-name=%s` and `kubectl -n %s get pods "
								"--show-labels`",
								sns, sname, sns);
					bad++;
				} else {
					arc_buf_printf(&ok, "%s%s (%d ready endpoint%s)", ok.len ? ", " : "", key, n,
						       n == 1 ? "" : "s");
				}
				arc_error_clear();
				arc_v_unref(svc);
			}
			free(key);
		}
		if (empty_ca) {
			arc_value *ann = arc_obj_at(h, "metadata.annotations");
			arc_value *from = ann && ann->kind == ARC_MAP ? arc_v_map_get(ann, "cert-manager.io/inject-ca-from")
								      : NULL;
			detail(c, "%s %s has an empty caBundle: the API server cannot verify the webhook (x509: "
				  "certificate signed by unknown authority)",
			       str_or(h, "kind", "?"), hname);
			if (!fix)
				fix = from && from->kind == ARC_STRING
					      ? xasprintf("cert-manager's CA injector fills it from Certificate %s: check "
							  "that cert-manager-cainjector runs (`kubectl -n cert-manager get "
							  "pods`) and the Certificate is Ready",
							  from->u.s.ptr)
					      : xasprintf("set admissionWebHooks.caBundle, or use cert-manager: `%s "
							  "upgrade --set certManagerEnabled=true`",
							  d->prog);
			bad++;
		}
	}
	if (bad)
		done(d, c, "fail", fix, "%s", nsvc ? "the admission webhook cannot be called" : "broken configuration");
	else
		done(d, c, "pass", NULL, "%s", ok.len ? arc_buf_cstr(&ok) : "configured");
	free(fix);
	arc_buf_release(&ok);
	arc_v_unref(seen);
}

/* ---- 8. the auth Secret ---------------------------------------------------------------------------- */

/* the Secret the controller reads its credentials from */
static char *auth_secret_name(struct doc *d)
{
	size_t i, j;
	arc_value *cme;
	if (o.auth_secret)
		return xstrdup(o.auth_secret);
	for (i = 0; i < arc_v_list_len(d->deploys); i++) {
		arc_value *cs = arc_obj_at(arc_v_list_at(d->deploys, i), "spec.template.spec.containers");
		for (j = 0; cs && cs->kind == ARC_LIST && j < arc_v_list_len(cs); j++) {
			arc_value *env = arc_obj_at(arc_v_list_at(cs, j), "env");
			size_t e;
			for (e = 0; env && env->kind == ARC_LIST && e < arc_v_list_len(env); e++) {
				arc_value *ev = arc_v_list_at(env, e);
				const char *n = arc_obj_str(ev, "name");
				if (n && (!strcmp(n, "GITHUB_TOKEN") || !strcmp(n, "GITHUB_APP_ID")) &&
				    arc_obj_str(ev, "valueFrom.secretKeyRef.name"))
					return xstrdup(arc_obj_str(ev, "valueFrom.secretKeyRef.name"));
			}
		}
	}
	cme = d->rel && d->rel->config ? arc_obj_at(d->rel->config, "authSecret.name") : NULL;
	if (cme && cme->kind == ARC_STRING && cme->u.s.len)
		return xstrdup(cme->u.s.ptr);
	return xstrdup(DEFAULT_SECRET);
}

/* credentials from the Secret into a (caller releases) */
static int auth_from_secret(arc_value *data, struct arc_auth *a, const char *kind)
{
	char *v = NULL;
	size_t n = 0;
	if (!strcmp(kind, "token")) {
		if (secret_value(data, "github_token", &v, &n) <= 0)
			return ARC_E_NOTFOUND;
		a->token = v;
		return 0;
	}
	if (secret_value(data, "github_app_id", &v, &n) > 0)
		a->app_id = v;
	if (secret_value(data, "github_app_installation_id", &v, &n) > 0)
		a->installation_id = v;
	if (secret_value(data, "github_app_private_key", &v, &n) > 0) {
		a->private_key = v;
		a->key_len = n;
	}
	return a->app_id && a->installation_id && a->private_key ? 0 : ARC_E_NOTFOUND;
}

/* the GitHub API base: --github-url, else the controller's GITHUB_ENTERPRISE_URL / GITHUB_URL */
static char *github_api(struct doc *d)
{
	size_t i, j, e;
	if (o.github_url)
		return arc_gh_api_base(o.github_url);
	for (i = 0; i < arc_v_list_len(d->deploys); i++) {
		arc_value *cs = arc_obj_at(arc_v_list_at(d->deploys, i), "spec.template.spec.containers");
		for (j = 0; cs && cs->kind == ARC_LIST && j < arc_v_list_len(cs); j++) {
			arc_value *ctr = arc_v_list_at(cs, j), *env = arc_obj_at(ctr, "env");
			if (strcmp(str_or(ctr, "name", ""), "manager"))
				continue;
			for (e = 0; env && env->kind == ARC_LIST && e < arc_v_list_len(env); e++) {
				const char *n = arc_obj_str(arc_v_list_at(env, e), "name");
				const char *v = arc_obj_str(arc_v_list_at(env, e), "value");
				if (n && v && *v && !strcmp(n, "GITHUB_ENTERPRISE_URL"))
					return arc_gh_api_base(v);
			}
			for (e = 0; env && env->kind == ARC_LIST && e < arc_v_list_len(env); e++) {
				const char *n = arc_obj_str(arc_v_list_at(env, e), "name");
				const char *v = arc_obj_str(arc_v_list_at(env, e), "value");
				if (n && v && *v && !strcmp(n, "GITHUB_URL")) {
					/* ARC takes it as the API base itself */
					size_t len = strlen(v);
					while (len && v[len - 1] == '/')
						len--;
					return xstrndup(v, len);
				}
			}
		}
	}
	return arc_gh_api_base(NULL);
}

static void check_auth_secret(struct doc *d, struct arc_auth *a)
{
	arc_value *c = check_new("auth-secret", "auth Secret"), *sec = NULL, *data;
	struct arc_buf probs = ARC_BUF_INIT, keys = ARC_BUF_INIT;
	const char *kind;
	char *fix;
	int fatal = 0, rc;
	size_t i;

	d->secret_name = auth_secret_name(d);
	if (!d->installed && !o.auth_secret) {
		done(d, c, "skip", NULL, "ARC is not installed");
		return;
	}
	rc = arc_kube_get(d->k, "v1", "Secret", d->ns, d->secret_name, &sec);
	if (rc == ARC_E_NOTFOUND) {
		arc_error_clear();
		fix = xasprintf("store the credentials again: `%s upgrade %s -n %s --github-token-file FILE` (or the "
				"--github-app-* flags)",
				d->prog, d->name, d->ns);
		done(d, c, "fail", fix, "Secret %s/%s does not exist: the controller has no GitHub credentials", d->ns,
		     d->secret_name);
		free(fix);
		return;
	}
	if (rc) {
		char *m = take_error();
		done(d, c, "fail", "you need the right to get Secrets in ARC's namespace", "cannot read Secret %s/%s: %s",
		     d->ns, d->secret_name, m);
		free(m);
		return;
	}
	data = arc_obj_at(sec, "data");
	for (i = 0; data && data->kind == ARC_MAP && i < arc_v_map_len(data); i++)
		arc_buf_printf(&keys, "%s%s", i ? ", " : "", arc_v_map_key(data, i));
	kind = arc_doctor_secret_kind(data, &probs, &fatal);
	{
		/* one detail per problem line */
		char *p = probs.ptr, *nl;
		while (p && *p && (nl = strchr(p, '\n'))) {
			*nl = '\0';
			detail(c, "%s", p);
			p = nl + 1;
		}
	}
	if (fatal) {
		fix = xasprintf("write the Secret again with a consistent key set — github_token alone, or "
				"github_app_id + github_app_installation_id + github_app_private_key: `%s upgrade %s -n %s "
				"--github-token-file FILE` does it (the file may end with one newline; it is trimmed)",
				d->prog, d->name, d->ns);
		done(d, c, "fail", fix, "Secret %s/%s (keys: %s) cannot authenticate ARC", d->ns, d->secret_name,
		     keys.len ? arc_buf_cstr(&keys) : "none");
		free(fix);
	} else {
		done(d, c, probs.len ? "warn" : "pass", "remove the keys ARC does not use", "Secret %s/%s: %s (keys: %s)",
		     d->ns, d->secret_name,
		     !strcmp(kind, "token") ? "a personal access token"
		     : !strcmp(kind, "app") ? "a GitHub App"
					    : "basic authentication",
		     arc_buf_cstr(&keys));
		if (!a->token && !a->app_id && (!strcmp(kind, "token") || !strcmp(kind, "app"))) {
			if (auth_from_secret(data, a, kind) == 0)
				snprintf(a->source, sizeof(a->source), "Secret %s/%s", d->ns, d->secret_name);
			else
				arc_auth_release(a);
		}
	}
	arc_v_unref(sec);
	arc_buf_release(&probs);
	arc_buf_release(&keys);
}

/* ---- 9. GitHub: credentials, registration tokens, runners ------------------------------------------ */

static long long quantity(arc_value *v)
{
	if (!v)
		return 0;
	if (v->kind == ARC_STRING)
		return strtoll(v->u.s.ptr, NULL, 10);
	if (v->kind == ARC_INT)
		return (long long)v->u.i;
	if (v->kind == ARC_FLOAT)
		return (long long)v->u.f;
	return 0;
}

static char *scope_of(arc_value *obj, int *need)
{
	const char *r = arc_obj_str(obj, "spec.repository"), *org = arc_obj_str(obj, "spec.organization");
	const char *ent = arc_obj_str(obj, "spec.enterprise");
	if (r && *r) {
		*need |= ARC_DOCTOR_NEED_REPO;
		return xasprintf("repos/%s", r);
	}
	if (org && *org) {
		*need |= ARC_DOCTOR_NEED_ORG;
		return xasprintf("orgs/%s", org);
	}
	if (ent && *ent) {
		*need |= ARC_DOCTOR_NEED_ENT;
		return xasprintf("enterprises/%s", ent);
	}
	return NULL;
}

/* RunnerDeployments and RunnerSets as {kind, namespace, name, scope, need, gpu, runtimeClassName} */
static void add_spec(struct doc *d, const char *kind, arc_value *obj, const char *scope, int need, long long gpu,
		     const char *rclass)
{
	arc_value *e = arc_v_map();
	arc_v_map_set(e, "kind", arc_v_str(kind));
	arc_v_map_set(e, "name", arc_v_str(str_or(obj, "metadata.name", "?")));
	arc_v_map_set(e, "namespace", arc_v_str(str_or(obj, "metadata.namespace", "?")));
	arc_v_map_set(e, "scope", arc_v_str(scope ? scope : ""));
	arc_v_map_set(e, "need", arc_v_int(need));
	arc_v_map_set(e, "gpu", arc_v_int(gpu));
	arc_v_map_set(e, "runtimeClassName", arc_v_str(rclass ? rclass : ""));
	arc_v_list_push(d->rds, e);
}

static void load_runner_specs(struct doc *d)
{
	arc_value *rds = arc_v_list(), *sets = arc_v_list();
	size_t i, j;
	d->rds = arc_v_list();
	d->runners = arc_v_list();
	/* (a kind whose CRD is missing lists nothing: the CRD check says so) */
	if (arc_kube_list(d->k, ARC_GROUP "/v1alpha1", "RunnerDeployment", NULL, NULL, NULL, 0, push_item, rds, NULL))
		arc_error_clear();
	if (arc_kube_list(d->k, ARC_GROUP "/v1alpha1", "RunnerSet", NULL, NULL, NULL, 0, push_item, sets, NULL))
		arc_error_clear();
	if (arc_kube_list(d->k, ARC_GROUP "/v1alpha1", "Runner", NULL, NULL, NULL, 0, push_item, d->runners, NULL))
		arc_error_clear();
	for (i = 0; i < arc_v_list_len(rds); i++) {
		arc_value *rd = arc_v_list_at(rds, i);
		struct arc_rd_summary s;
		char *scope = NULL;
		int need = 0;
		arc_rd_summarize(rd, &s);
		if (s.target_kind && s.target) {
			if (!strcmp(s.target_kind, "repository")) {
				scope = xasprintf("repos/%s", s.target);
				need = ARC_DOCTOR_NEED_REPO;
			} else if (!strcmp(s.target_kind, "organization")) {
				scope = xasprintf("orgs/%s", s.target);
				need = ARC_DOCTOR_NEED_ORG;
			} else {
				scope = xasprintf("enterprises/%s", s.target);
				need = ARC_DOCTOR_NEED_ENT;
			}
		}
		add_spec(d, "RunnerDeployment", rd, scope, need, s.gpu,
			 arc_obj_str(rd, "spec.template.spec.runtimeClassName"));
		free(scope);
	}
	for (i = 0; i < arc_v_list_len(sets); i++) {
		arc_value *rs = arc_v_list_at(sets, i), *ctrs = arc_obj_at(rs, "spec.template.spec.containers");
		long long gpu = 0;
		int need = 0;
		char *scope;
		for (j = 0; ctrs && ctrs->kind == ARC_LIST && j < arc_v_list_len(ctrs); j++) {
			arc_value *lim = arc_obj_at(arc_v_list_at(ctrs, j), "resources.limits");
			gpu += quantity(lim && lim->kind == ARC_MAP ? arc_v_map_get(lim, "nvidia.com/gpu") : NULL);
		}
		scope = scope_of(rs, &need); /* a RunnerSet's spec names its target itself */
		add_spec(d, "RunnerSet", rs, scope, need, gpu, arc_obj_str(rs, "spec.template.spec.runtimeClassName"));
		free(scope);
	}
	arc_v_unref(rds);
	arc_v_unref(sets);
}

/* unique scopes of the runner specs → who uses it; *need gets what they need of a classic token */
static arc_value *runner_scopes(struct doc *d, int *need)
{
	arc_value *scopes = arc_v_map();
	size_t i;
	*need = ARC_DOCTOR_NEED_REPO;
	for (i = 0; i < arc_v_list_len(d->rds); i++) {
		arc_value *e = arc_v_list_at(d->rds, i);
		const char *s = arc_obj_str(e, "scope");
		*need |= (int)num(e, "need", 0);
		if (s && *s && !arc_v_map_get(scopes, s)) {
			char *who = xasprintf("%s %s/%s", arc_obj_str(e, "kind"), arc_obj_str(e, "namespace"),
					      arc_obj_str(e, "name"));
			arc_v_map_set(scopes, s, arc_v_str_take(who, strlen(who)));
		}
	}
	return scopes;
}

static char *gh_fix_for(struct doc *d, const char *msg, const char *scope)
{
	int app = d->gh_kind && !strcmp(d->gh_kind, "app");
	if (strstr(msg, "Bad credentials") || strstr(msg, "401"))
		return app ? xasprintf("GitHub refuses the App's credentials: check github_app_id (the numeric App "
				       "ID), that the private key belongs to that App and has not been revoked, and the "
				       "installation id (https://github.com/settings/installations)")
			   : xasprintf("the token is invalid, expired or revoked: create a new one and store it with `%s "
				       "upgrade %s -n %s --github-token-file FILE`",
				       d->prog, d->name, d->ns);
	if (strstr(msg, "rate limit"))
		return xasprintf("wait until the rate limit resets, or use a GitHub App (higher limits)");
	if (strstr(msg, "Not Found") || strstr(msg, "404"))
		return scope ? xasprintf("%s does not exist or the credentials cannot see it: check the name in the "
					 "runner spec%s",
					 scope,
					 app ? ", and that the App is installed on it" : ", and that the token's owner has admin "
										"access to it")
			     : xasprintf("check --github-url and the installation id");
	if (strstr(msg, "not accessible") || strstr(msg, "403"))
		return app ? xasprintf("the App lacks a permission: repository runners need \"Administration: read & "
				       "write\", organization runners \"Self-hosted runners: read & write\" (App settings → "
				       "Permissions), then accept the new permissions on the installation")
			   : xasprintf("the token lacks a permission: a classic token needs repo (and admin:org for "
				       "organization runners); a fine-grained one \"Administration: read & write\" on "
				       "the repositories");
	return xasprintf("check that this machine reaches %s (proxy, firewall) and that --github-url is right",
			 d->api);
}

static void check_github(struct doc *d, struct arc_auth *a)
{
	arc_value *c = check_new("github-auth", "GitHub credentials"), *scopes;
	struct arc_gh_auth ga;
	struct arc_buf missing = ARC_BUF_INIT;
	char *fix, *sc = NULL;
	int need, rc;

	scopes = runner_scopes(d, &need);
	if (o.offline) {
		done(d, c, "skip", NULL, "--offline");
		goto out;
	}
	if (!a->token && !a->app_id) {
		done(d, c, "skip", NULL, "no credentials to check (see the auth Secret check)");
		goto out;
	}
	d->gh_kind = xstrdup(a->token ? "token" : "app");
	memset(&ga, 0, sizeof(ga));
	ga.token = a->token;
	ga.app_id = a->app_id;
	ga.installation_id = a->installation_id;
	ga.private_key = a->private_key;
	ga.private_key_len = a->key_len;
	if (d->k && arc_kube_cfg(d->k)->verbosity > 0)
		ga.log = arc_log_to_stderr;
	rc = arc_gh_open(&d->gh, d->api, &ga);
	if (rc) {
		char *m = take_error();
		fix = gh_fix_for(d, m, NULL);
		if (rc == ARC_E_IO)
			done(d, c, "fail", fix, "cannot reach the GitHub API at %s: %s", d->api, m);
		else
			done(d, c, "fail", fix, "GitHub App %s (from %s): no installation token: %s", a->app_id, a->source,
			     m);
		free(fix);
		free(m);
		d->gh = NULL;
		goto out;
	}
	if (a->app_id) {
		/* the installation token works: it lists the installation's repositories */
		rc = arc_gh_token_scopes(d->gh, &sc);
		if (rc) {
			char *m = take_error();
			fix = gh_fix_for(d, m, NULL);
			done(d, c, "fail", fix, "GitHub App %s (from %s): its installation token is refused: %s", a->app_id,
			     a->source, m);
			free(fix);
			free(m);
			goto out;
		}
		d->gh_ok = 1;
		done(d, c, "pass", NULL, "GitHub App %s, installation %s (from %s): installation token minted and "
					 "accepted at %s",
		     a->app_id, a->installation_id, a->source, d->api);
		goto out;
	}
	rc = arc_gh_token_scopes(d->gh, &sc);
	if (rc) {
		char *m = take_error();
		fix = gh_fix_for(d, m, NULL);
		if (rc == ARC_E_IO)
			done(d, c, "fail", fix, "cannot reach the GitHub API at %s: %s", d->api, m);
		else
			done(d, c, "fail", fix, "the token (from %s) is refused by %s: %s", a->source, d->api, m);
		free(fix);
		free(m);
		goto out;
	}
	d->gh_ok = 1;
	if (!*sc) {
		done(d, c, "pass", NULL, "the token (from %s) is valid at %s (fine-grained: its permissions are checked "
					 "through the registration tokens)",
		     a->source, d->api);
	} else if (arc_doctor_missing_scopes(sc, (unsigned)need, &missing)) {
		detail(c, "the token has: %s", sc);
		fix = xasprintf("create a classic token with the scopes %s%s%s (https://github.com/settings/tokens/new) "
				"and store it: `%s upgrade %s -n %s --github-token-file FILE`",
				"repo", need & ARC_DOCTOR_NEED_ORG ? ", admin:org" : "",
				need & ARC_DOCTOR_NEED_ENT ? ", manage_runners:enterprise" : "", d->prog, d->name, d->ns);
		done(d, c, "fail", fix, "the token (from %s) lacks the scope%s %s", a->source,
		     strchr(arc_buf_cstr(&missing), ',') ? "s" : "", arc_buf_cstr(&missing));
		free(fix);
	} else {
		long rem, reset;
		arc_gh_rate(d->gh, &rem, &reset);
		if (rem >= 0 && rem < 100) {
			done(d, c, "warn", "ARC polls GitHub; with few requests left, autoscaling stalls until the reset: "
					   "use a GitHub App, or raise syncPeriod",
			     "the token (from %s) has scopes %s, but only %ld API requests left this hour", a->source, sc,
			     rem);
		} else {
			done(d, c, "pass", NULL, "the token (from %s) is valid at %s, scopes: %s", a->source, d->api, sc);
		}
	}
out:
	free(sc);
	arc_buf_release(&missing);
	arc_v_unref(scopes);
}

static void check_registration(struct doc *d)
{
	arc_value *c = check_new("registration-token", "registration tokens"), *scopes;
	struct arc_buf ok = ARC_BUF_INIT;
	char *fix = NULL;
	int need, bad = 0;
	size_t i;
	scopes = runner_scopes(d, &need);
	if (!arc_v_map_len(scopes)) {
		done(d, c, "skip", NULL, "no runner deployment yet");
		goto out;
	}
	if (!d->gh || !d->gh_ok) {
		done(d, c, "skip", NULL, "%s", o.offline ? "--offline" : "no valid GitHub credentials");
		goto out;
	}
	for (i = 0; i < arc_v_map_len(scopes); i++) {
		const char *scope = arc_v_map_key(scopes, i);
		char *tok = NULL;
		if (arc_gh_registration_token(d->gh, scope, &tok) == 0) {
			arc_buf_printf(&ok, "%s%s", ok.len ? ", " : "", scope);
		} else {
			char *m = take_error();
			detail(c, "%s (used by %s): %s", scope, arc_v_strptr(arc_v_map_val(scopes, i)), m);
			if (!fix)
				fix = gh_fix_for(d, m, scope);
			free(m);
			bad++;
		}
		if (tok) {
			memset(tok, 0, strlen(tok));
			free(tok);
		}
	}
	if (bad)
		done(d, c, "fail", fix, "%d of %zu scopes refuse a runner registration token: their runners cannot register",
		     bad, arc_v_map_len(scopes));
	else
		done(d, c, "pass", NULL, "obtainable for %s", arc_buf_cstr(&ok));
	free(fix);
out:
	arc_buf_release(&ok);
	arc_v_unref(scopes);
}

/* ---- 10. GPU nodes ---------------------------------------------------------------------------------- */

static int is_device_plugin(arc_value *ds)
{
	const char *name = str_or(ds, "metadata.name", "");
	arc_value *l = arc_obj_at(ds, "metadata.labels");
	arc_value *n = l && l->kind == ARC_MAP ? arc_v_map_get(l, "app.kubernetes.io/name") : NULL;
	arc_value *k = l && l->kind == ARC_MAP ? arc_v_map_get(l, "k8s-app") : NULL;
	return strstr(name, "nvidia-device-plugin") ||
	       (n && n->kind == ARC_STRING && strstr(n->u.s.ptr, "nvidia-device-plugin")) ||
	       (k && k->kind == ARC_STRING && strstr(k->u.s.ptr, "nvidia-device-plugin"));
}

static void check_gpu(struct doc *d)
{
	arc_value *c = check_new("gpu", "GPU nodes"), *nodes = arc_v_list(), *dss = arc_v_list();
	arc_value *rcs = arc_v_map();
	long long want_max = 0, have_total = 0, have_max = 0;
	size_t i, ngpu_nodes = 0, nrunners = 0;
	const char *who = NULL;
	char *fix = NULL;
	int bad = 0, warn = 0;

	for (i = 0; i < arc_v_list_len(d->rds); i++) {
		arc_value *e = arc_v_list_at(d->rds, i);
		long long g = num(e, "gpu", 0);
		const char *rc = arc_obj_str(e, "runtimeClassName");
		if (g <= 0)
			continue;
		nrunners++;
		if (g > want_max) {
			want_max = g;
			who = arc_obj_str(e, "name");
		}
		if (rc && *rc)
			arc_v_map_set(rcs, rc, arc_v_str(arc_obj_str(e, "name")));
	}
	if (!nrunners) {
		done(d, c, "skip", NULL, "no runner asks for nvidia.com/gpu");
		goto out;
	}
	if (arc_kube_list(d->k, "v1", "Node", NULL, NULL, NULL, 0, push_item, nodes, NULL) != 0) {
		char *m = take_error();
		done(d, c, "fail", "you need the right to list Nodes", "cannot list nodes: %s", m);
		free(m);
		goto out;
	}
	for (i = 0; i < arc_v_list_len(nodes); i++) {
		arc_value *alloc = arc_obj_at(arc_v_list_at(nodes, i), "status.allocatable");
		long long g = quantity(alloc && alloc->kind == ARC_MAP ? arc_v_map_get(alloc, "nvidia.com/gpu") : NULL);
		if (g > 0) {
			ngpu_nodes++;
			have_total += g;
			if (g > have_max)
				have_max = g;
		}
	}
	if (!ngpu_nodes) {
		detail(c, "%zu node%s, none with allocatable nvidia.com/gpu", arc_v_list_len(nodes),
		       arc_v_list_len(nodes) == 1 ? "" : "s");
		fix = xasprintf("GPU runners stay Pending until a node offers nvidia.com/gpu: add GPU nodes with the "
				"NVIDIA driver and the NVIDIA Container Toolkit, and deploy the NVIDIA device plugin (or "
				"the GPU Operator): `kubectl apply -f https://raw.githubusercontent.com/NVIDIA/"
				"k8s-device-plugin/v0.17.0/deployments/static/nvidia-device-plugin.yml`");
		bad++;
	} else if (want_max > have_max) {
		detail(c, "%s asks for %lld GPUs per runner; the largest GPU node has %lld", who, want_max, have_max);
		fix = xasprintf("lower --gpu of %s, or add nodes with more GPUs", who);
		bad++;
	}
	/* the device plugin DaemonSet */
	if (arc_kube_list(d->k, "apps/v1", "DaemonSet", NULL, NULL, NULL, 0, push_item, dss, NULL) != 0) {
		char *m = take_error();
		detail(c, "cannot list DaemonSets: %s", m);
		free(m);
		warn++;
	} else {
		arc_value *dp = NULL;
		for (i = 0; i < arc_v_list_len(dss) && !dp; i++)
			if (is_device_plugin(arc_v_list_at(dss, i)))
				dp = arc_v_list_at(dss, i);
		if (!dp) {
			detail(c, "no NVIDIA device plugin DaemonSet");
			if (!fix)
				fix = xasprintf("deploy the NVIDIA device plugin (or the GPU Operator): `kubectl apply -f "
						"https://raw.githubusercontent.com/NVIDIA/k8s-device-plugin/v0.17.0/"
						"deployments/static/nvidia-device-plugin.yml`");
			if (ngpu_nodes)
				warn++; /* something advertises the GPUs: a plugin under another name */
			else
				bad++;
		} else {
			long long want = num(dp, "status.desiredNumberScheduled", 0), ready = num(dp, "status.numberReady", 0);
			if (want == 0 || ready < want) {
				detail(c, "DaemonSet %s/%s: %lld/%lld ready", str_or(dp, "metadata.namespace", "?"),
				       str_or(dp, "metadata.name", "?"), ready, want);
				if (!fix)
					fix = xasprintf("`kubectl -n %s describe daemonset %s`: its pods run only on nodes "
							"its nodeSelector and tolerations allow (GPU nodes are often tainted)",
							str_or(dp, "metadata.namespace", "?"), str_or(dp, "metadata.name", "?"));
				bad++;
			} else {
				detail(c, "device plugin DaemonSet %s/%s: %lld/%lld ready", str_or(dp, "metadata.namespace", "?"),
				       str_or(dp, "metadata.name", "?"), ready, want);
			}
		}
	}
	/* runtime classes the GPU runners name */
	for (i = 0; i < arc_v_map_len(rcs); i++) {
		arc_value *rc = NULL;
		int r = arc_kube_get(d->k, "node.k8s.io/v1", "RuntimeClass", NULL, arc_v_map_key(rcs, i), &rc);
		if (r == ARC_E_NOTFOUND) {
			detail(c, "RuntimeClass %s (of %s) does not exist: its pods are refused", arc_v_map_key(rcs, i),
			       arc_v_strptr(arc_v_map_val(rcs, i)));
			if (!fix)
				fix = xasprintf("create the RuntimeClass %s (handler nvidia; the GPU Operator makes it), or "
						"drop --runtime-class from the runner",
						arc_v_map_key(rcs, i));
			bad++;
		}
		arc_error_clear();
		arc_v_unref(rc);
	}
	if (bad)
		done(d, c, "fail", fix, "%zu GPU runner spec%s cannot run here", nrunners, nrunners == 1 ? "" : "s");
	else
		done(d, c, warn ? "warn" : "pass", fix, "%zu node%s with %lld nvidia.com/gpu for %zu GPU runner spec%s",
		     ngpu_nodes, ngpu_nodes == 1 ? "" : "s", have_total, nrunners, nrunners == 1 ? "" : "s");
out:
	free(fix);
	arc_v_unref(nodes);
	arc_v_unref(dss);
	arc_v_unref(rcs);
}

/* ---- 11. runners registered with GitHub ----------------------------------------------------------- */

static void check_runners(struct doc *d)
{
	arc_value *c = check_new("runners-registered", "runners registered"), *gh_by_scope = arc_v_map();
	size_t i, total = 0, registered = 0, offline = 0, starting = 0, missing = 0;
	char *fix = NULL;
	int err = 0;
	for (i = 0; i < arc_v_list_len(d->runners); i++)
		if (!arc_obj_at(arc_v_list_at(d->runners, i), "metadata.deletionTimestamp"))
			total++;
	if (!total) {
		done(d, c, "skip", NULL, "no Runner objects yet");
		goto out;
	}
	if (!d->gh || !d->gh_ok) {
		done(d, c, "skip", NULL, "%s", o.offline ? "--offline" : "no valid GitHub credentials");
		goto out;
	}
	for (i = 0; i < arc_v_list_len(d->runners); i++) {
		arc_value *r = arc_v_list_at(d->runners, i), *list, *hit = NULL;
		const char *name = str_or(r, "metadata.name", "?"), *rns = str_or(r, "metadata.namespace", "?");
		const char *phase = str_or(r, "status.phase", "");
		int need = 0;
		char *scope;
		size_t j;
		if (arc_obj_at(r, "metadata.deletionTimestamp"))
			continue;
		scope = scope_of(r, &need);
		if (!scope)
			continue;
		list = arc_v_map_get(gh_by_scope, scope);
		if (!list) {
			arc_value *all = NULL;
			if (arc_gh_list_runners(d->gh, scope, &all) != 0) {
				char *m = take_error();
				detail(c, "%s: %s", scope, m);
				if (!fix)
					fix = gh_fix_for(d, m, scope);
				free(m);
				all = arc_v_list();
				err++;
			}
			arc_v_map_set(gh_by_scope, scope, all);
			list = all;
		}
		for (j = 0; j < arc_v_list_len(list) && !hit; j++)
			if (!strcmp(str_or(arc_v_list_at(list, j), "name", ""), name))
				hit = arc_v_list_at(list, j);
		if (hit) {
			registered++;
			if (strcmp(str_or(hit, "status", ""), "online")) {
				detail(c, "%s/%s is registered but %s", rns, name, str_or(hit, "status", "offline"));
				offline++;
			}
		} else if (!*phase || !strcmp(phase, "Pending") || !strcmp(phase, "Created")) {
			detail(c, "%s/%s is starting (phase %s): not registered yet", rns, name, *phase ? phase : "none");
			starting++;
		} else {
			const char *msg = arc_obj_str(r, "status.message");
			detail(c, "%s/%s (phase %s) is not registered with GitHub at %s%s%s", rns, name, phase, scope,
			       msg && *msg ? ": " : "", msg && *msg ? msg : "");
			missing++;
		}
		free(scope);
	}
	if (missing && !fix)
		fix = xasprintf("a runner registers itself when its pod starts: `%s runners get NAME -n NAMESPACE "
				"--github` and the runner container's log (`kubectl logs POD -c runner`) say why; common "
				"causes are a registration token GitHub refused (see above), no egress to GitHub from the "
				"pods, or a wrong runnerGithubURL",
				d->prog);
	if (missing || err)
		done(d, c, "fail", fix, "%zu of %zu runners registered with GitHub", registered, total);
	else if (offline || starting)
		done(d, c, "warn",
		     offline ? "offline runners have lost their connection to GitHub: restart their pods (`kubectl delete "
			       "pod`), ARC registers new ones"
			     : "wait a minute and run doctor again",
		     "%zu of %zu runners registered (%zu offline, %zu starting)", registered, total, offline, starting);
	else
		done(d, c, "pass", NULL, "all %zu runners registered and online", total);
out:
	free(fix);
	arc_v_unref(gh_by_scope);
}

/* ---- the command --------------------------------------------------------------------------------------- */

static void skip_rest(struct doc *d)
{
	static const char *const rest[][2] = {
		{ "rbac", "RBAC" },
		{ "cert-manager", "cert-manager" },
		{ "cert-manager-webhook", "cert-manager webhook" },
		{ "crds", "ARC CRDs" },
		{ "release", "ARC release" },
		{ "controller", "ARC controller" },
		{ "webhook", "ARC webhook" },
		{ "auth-secret", "auth Secret" },
		{ "github-auth", "GitHub credentials" },
		{ "registration-token", "registration tokens" },
		{ "gpu", "GPU nodes" },
		{ "runners-registered", "runners registered" },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(rest); i++)
		done(d, check_new(rest[i][0], rest[i][1]), "skip", NULL, "the API server cannot be reached");
}

int arc_cmd_doctor(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_kube_flags kf;
	struct arc_auth a;
	struct doc d;
	const char *hn;
	int rc, ret = 1;

	memset(&o, 0, sizeof(o));
	memset(&arc_kube_cli, 0, sizeof(arc_kube_cli));
	memset(&d, 0, sizeof(d));
	memset(&a, 0, sizeof(a));
	d.checks = arc_v_list();
	rc = arc_opts_parse(&arc_doctor_spec, argc, argv, &pos);
	if (rc == 1) {
		ret = 0;
		goto done;
	}
	if (rc || pos.n > 1 || (o.output && strcmp(o.output, "json") && strcmp(o.output, "yaml"))) {
		fprintf(stderr, "Error: %s\nSee '%s doctor --help'.\n",
			rc	  ? arc_error_last()
			: pos.n > 1 ? "expected at most one argument (the release NAME)"
				    : "--output must be json or yaml",
			arc_prog());
		ret = 2;
		goto done;
	}
	/* credentials given on the command line: read (and validated) before anything else */
	{
		struct arc_auth_opts ao = { o.token_file, o.app_id, o.installation_id, o.key_file, 1 };
		if (arc_auth_given(&ao) && arc_auth_read(&a, &ao) != 0) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			ret = 2;
			goto done;
		}
	}
	d.prog = arc_prog();
	d.name = pos.n ? pos.v[0] : DEFAULT_RELEASE;
	hn = getenv("HELM_NAMESPACE");
	d.ns = arc_kube_cli.namespace && *arc_kube_cli.namespace ? arc_kube_cli.namespace
	       : getenv("HELM_PLUGIN_NAME") && hn && *hn && strcmp(hn, "default") ? hn
										 : DEFAULT_NAMESPACE;
	d.text = !o.output;
	d.color = d.text && arc_use_color(1);
	arc_kube_cli_flags(&kf);
	kf.namespace = d.ns;
	if (d.text)
		printf("Checking ARC release %s in namespace %s\n\n", d.name, d.ns);

	check_api(&d, &kf);
	if (!d.api_ok) {
		skip_rest(&d);
	} else {
		discover(&d);
		check_rbac(&d);
		check_cert_manager(&d);
		check_crds(&d);
		check_release(&d);
		check_controller(&d);
		check_webhook(&d);
		check_auth_secret(&d, &a);
		d.api = github_api(&d);
		load_runner_specs(&d);
		check_github(&d, &a);
		check_registration(&d);
		check_gpu(&d);
		check_runners(&d);
	}

	if (d.text) {
		printf("\n%d check%s: %d passed, %d failed, %d warning%s, %d skipped\n", d.npass + d.nfail + d.nwarn + d.nskip,
		       d.npass + d.nfail + d.nwarn + d.nskip == 1 ? "" : "s", d.npass, d.nfail, d.nwarn,
		       d.nwarn == 1 ? "" : "s", d.nskip);
	} else {
		arc_value *out = arc_v_map(), *sum = arc_v_map();
		struct arc_kube_config *cfg = d.k ? arc_kube_cfg(d.k) : NULL;
		arc_v_map_set(out, "release", arc_v_str(d.name));
		arc_v_map_set(out, "namespace", arc_v_str(d.ns));
		arc_v_map_set(out, "context", arc_v_str(cfg && cfg->context ? cfg->context : ""));
		arc_v_map_set(out, "server", arc_v_str(cfg && cfg->server ? cfg->server : ""));
		arc_v_map_set(out, "ok", arc_v_bool(d.nfail == 0));
		arc_v_map_set(sum, "pass", arc_v_int(d.npass));
		arc_v_map_set(sum, "fail", arc_v_int(d.nfail));
		arc_v_map_set(sum, "warn", arc_v_int(d.nwarn));
		arc_v_map_set(sum, "skip", arc_v_int(d.nskip));
		arc_v_map_set(out, "summary", sum);
		arc_v_map_set(out, "checks", arc_v_ref(d.checks));
		arc_print_object(out, o.output);
		arc_v_unref(out);
	}
	ret = d.nfail ? 1 : 0;
done:
	fflush(stdout);
	arc_gh_close(d.gh);
	arc_auth_release(&a);
	free(d.api);
	free(d.secret_name);
	free(d.gh_kind);
	free(d.read_err);
	free(d.hooks_err);
	arc_v_unref(d.checks);
	arc_v_unref(d.manifest);
	arc_v_unref(d.deploys);
	arc_v_unref(d.hooks);
	arc_v_unref(d.rds);
	arc_v_unref(d.runners);
	arc_release_list_free(d.hist, d.nhist);
	arc_kube_close(d.k);
	arc_strlist_release(&pos);
	arc_strlist_release(&arc_kube_cli.as_groups);
	return ret;
}
