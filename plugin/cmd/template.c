/* template.c - `kubectl arc template [NAME] [CHART] [flags]`: render a chart
 * locally exactly as `helm template` (helm v4.1.4) does; without CHART the
 * chart bundled in the binary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../gotmpl/template.h"
#include "../kube/kube.h"
#include "chartsrc.h"
#include "cmd.h"
#include "opts.h"

#define DEBUG_HINT "\n\nUse --debug flag to render out invalid YAML"

static struct {
	struct arc_chartsrc_values vals;
	struct arc_strlist show_only, api_versions;
	const char *namespace, *name_template, *kube_version, *output_dir, *repo, *version, *kubeconfig,
		*kube_context, *ca_file, *cert_file, *key_file, *username, *password, *dry_run, *wait, *ignored_s;
	struct arc_strlist ignored_l;
	long ignored_i, timeout;
	int generate_name, include_crds, skip_crds, no_hooks, skip_tests, is_upgrade, release_name, debug, devel,
		dependency_update, skip_schema, insecure, pass_credentials, plain_http, verify, ignored_b;
} o;

/* helm template's own flags, then helm install's, then the global ones */
static const struct arc_opt template_opts[] = {
	{ "values", 'f', ARC_OPT_LIST, &o.vals.values, "FILE",
	  "Values from a YAML file or URL (repeatable; comma-separated)", NULL, 0 },
	{ "set", 0, ARC_OPT_LIST, &o.vals.set, "KEY=VAL", "Set values (repeatable; key1=val1,key2=val2)", NULL, 0 },
	{ "set-string", 0, ARC_OPT_LIST, &o.vals.set_string, "KEY=VAL", "Set STRING values (repeatable)", NULL, 0 },
	{ "set-json", 0, ARC_OPT_LIST, &o.vals.set_json, "KEY=JSON", "Set JSON values (repeatable)", NULL, 0 },
	{ "set-file", 0, ARC_OPT_LIST, &o.vals.set_file, "KEY=PATH", "Set values from files (repeatable)", NULL, 0 },
	{ "set-literal", 0, ARC_OPT_LIST, &o.vals.set_literal, "KEY=VAL", "Set a literal STRING value", NULL, 0 },
	{ "namespace", 'n', ARC_OPT_STRING, &o.namespace, "NS", "Namespace of the release (.Release.Namespace)",
	  NULL, 0 },
	{ "generate-name", 'g', ARC_OPT_BOOL, &o.generate_name, NULL,
	  "Omit NAME (helm template then names the release release-name)", NULL, 0 },
	{ "name-template", 0, ARC_OPT_STRING, &o.name_template, "TPL", "Template used to name the release", NULL,
	  0 },
	{ "show-only", 's', ARC_OPT_LIST, &o.show_only, "PATH",
	  "Only show manifests rendered from the given templates (repeatable; globs)", NULL, 0 },
	{ "include-crds", 0, ARC_OPT_BOOL, &o.include_crds, NULL, "Include the chart's crds/ in the output", NULL,
	  0 },
	{ "skip-crds", 0, ARC_OPT_BOOL, &o.skip_crds, NULL, "Accepted for helm compatibility (no effect here)", NULL,
	  0 },
	{ "no-hooks", 0, ARC_OPT_BOOL, &o.no_hooks, NULL, "Leave hooks out of the output", NULL, 0 },
	{ "skip-tests", 0, ARC_OPT_BOOL, &o.skip_tests, NULL, "Leave test hooks out of the output", NULL, 0 },
	{ "output-dir", 0, ARC_OPT_STRING, &o.output_dir, "DIR", "Write the manifests to files under DIR", NULL, 0 },
	{ "release-name", 0, ARC_OPT_BOOL, &o.release_name, NULL, "Use the release name in the --output-dir path",
	  NULL, 0 },
	{ "kube-version", 0, ARC_OPT_STRING, &o.kube_version, "VERSION",
	  "Kubernetes version for .Capabilities.KubeVersion", "v1.35.0", 0 },
	{ "api-versions", 'a', ARC_OPT_LIST, &o.api_versions, "GV",
	  "Extra API versions for .Capabilities.APIVersions (repeatable; comma-separated)", NULL, 0 },
	{ "is-upgrade", 0, ARC_OPT_BOOL, &o.is_upgrade, NULL, "Set .Release.IsUpgrade instead of .Release.IsInstall",
	  NULL, 0 },
	{ "skip-schema-validation", 0, ARC_OPT_BOOL, &o.skip_schema, NULL, "Do not validate values.schema.json",
	  NULL, 0 },
	{ "repo", 0, ARC_OPT_STRING, &o.repo, "URL", "Chart repository URL where CHART is found", NULL, 0 },
	{ "version", 0, ARC_OPT_STRING, &o.version, "CONSTRAINT",
	  "Chart version constraint (with --repo or REPO/CHART); latest when empty", NULL, 0 },
	{ "devel", 0, ARC_OPT_BOOL, &o.devel, NULL, "Use development versions too (>0.0.0-0) unless --version",
	  NULL, 0 },
	{ "ca-file", 0, ARC_OPT_STRING, &o.ca_file, "FILE", "CA bundle for HTTPS repositories", NULL, 0 },
	{ "cert-file", 0, ARC_OPT_STRING, &o.cert_file, "FILE", "Client certificate for HTTPS repositories", NULL,
	  0 },
	{ "key-file", 0, ARC_OPT_STRING, &o.key_file, "FILE", "Client key for HTTPS repositories", NULL, 0 },
	{ "insecure-skip-tls-verify", 0, ARC_OPT_BOOL, &o.insecure, NULL,
	  "Skip certificate checks for the chart download", NULL, 0 },
	{ "username", 0, ARC_OPT_STRING, &o.username, "USER", "Chart repository username", NULL, 0 },
	{ "password", 0, ARC_OPT_STRING, &o.password, "PASSWORD", "Chart repository password", NULL, 0 },
	{ "pass-credentials", 0, ARC_OPT_BOOL, &o.pass_credentials, NULL, "Pass credentials to all domains", NULL,
	  0 },
	{ "debug", 0, ARC_OPT_BOOL, &o.debug, NULL, "On a manifest error, print the rendered files too", NULL, 0 },
	{ "kubeconfig", 0, ARC_OPT_STRING, &o.kubeconfig, "FILE", "Kubeconfig whose context gives the namespace",
	  NULL, 0 },
	{ "kube-context", 0, ARC_OPT_STRING, &o.kube_context, "NAME", "Kubeconfig context", NULL, 0 },
	/* helm install flags that change nothing in a local render */
	{ "dependency-update", 0, ARC_OPT_BOOL, &o.dependency_update, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "plain-http", 0, ARC_OPT_BOOL, &o.plain_http, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "verify", 0, ARC_OPT_BOOL, &o.verify, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, NULL, "", "unset", ARC_OPT_HIDDEN },
	{ "wait", 0, ARC_OPT_OPTSTR, &o.wait, NULL, "", "watcher", ARC_OPT_HIDDEN },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "labels", 'l', ARC_OPT_LIST, &o.ignored_l, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "post-renderer-args", 0, ARC_OPT_LIST, &o.ignored_l, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "description", 0, ARC_OPT_STRING, &o.ignored_s, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "keyring", 0, ARC_OPT_STRING, &o.ignored_s, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "burst-limit", 0, ARC_OPT_INT, &o.ignored_i, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "qps", 0, ARC_OPT_STRING, &o.ignored_s, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "color", 0, ARC_OPT_STRING, &o.ignored_s, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "colour", 0, ARC_OPT_STRING, &o.ignored_s, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "create-namespace", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "disable-openapi-validation", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "enable-dns", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "force-conflicts", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "force-replace", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "hide-notes", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "render-subchart-notes", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "replace", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "rollback-on-failure", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "server-side", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "take-ownership", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	{ "wait-for-jobs", 0, ARC_OPT_BOOL, &o.ignored_b, NULL, "", NULL, ARC_OPT_HIDDEN },
	ARC_OPT_END,
};
static const struct arc_opt *const template_tables[] = { template_opts, NULL };
extern const struct arc_cmd_spec arc_template_spec;
const struct arc_cmd_spec arc_template_spec = {
	"template",
	"[NAME] [CHART] [flags]",
	"Render chart templates locally and print the manifests, as `helm template` does",
	"Takes helm template's arguments and prints byte for byte what helm v4.1.4 prints. CHART is a chart "
	"directory, a .tgz archive, REPO/CHART after `kubectl arc repo add`, or a chart name with --repo URL. "
	"Without CHART the chart bundled in kubectl-arc is rendered; a single argument that is neither a path "
	"nor REPO/CHART is the release NAME for the bundled chart.",
	"kubectl arc template\n"
	"kubectl arc template arc --include-crds -n arc-system\n"
	"kubectl arc template my ./mychart -f values.yaml --set image.tag=v2\n"
	"kubectl arc template my mychart --repo https://charts.example.com --version '^1.2'\n"
	"kubectl arc template my ./mychart -s templates/deployment.yaml",
	template_tables,
};

static void print_warnings(struct arc_warnings *w)
{
	size_t i;
	for (i = 0; i < w->n; i++)
		fprintf(stderr, "%s\n", w->lines[i]);
	arc_warnings_release(w);
}

/* StringSlice flags split their values on commas */
static void split_commas(struct arc_strlist *l, char ***owned, size_t *nowned)
{
	struct arc_strlist r = { NULL, 0 };
	size_t i;
	for (i = 0; i < l->n; i++) {
		const char *s = l->v[i];
		for (;;) {
			const char *c = strchr(s, ',');
			char *piece = c ? xstrndup(s, (size_t)(c - s)) : xstrdup(s);
			*owned = xrealloc(*owned, (*nowned + 1) * sizeof(char *));
			(*owned)[(*nowned)++] = piece;
			r.v = xrealloc(r.v, (r.n + 1) * sizeof(*r.v));
			r.v[r.n++] = piece;
			if (!c)
				break;
			s = c + 1;
		}
	}
	arc_strlist_release(l);
	*l = r;
}

/* action.TemplateName: the name template executed with Sprig, no data */
static int name_from_template(char **out, const char *tpl)
{
	struct arc_tpl_options topt;
	struct arc_tpl_set *set;
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *nil = arc_v_null();
	int rc;
	memset(&topt, 0, sizeof(topt));
	set = arc_tpl_set_new(&topt);
	rc = arc_tpl_parse(set, "name-template", tpl, strlen(tpl));
	if (!rc)
		rc = arc_tpl_execute(set, "name-template", nil, &b);
	arc_tpl_set_free(set);
	arc_v_unref(nil);
	if (rc) {
		arc_buf_release(&b);
		return rc;
	}
	*out = arc_buf_detach(&b, NULL);
	return 0;
}

/* common.ParseKubeVersion (k8s version.ParseGeneric): at least two numeric
 * components after an optional "v"; the text is kept, "v" added when missing */
static int parse_kube_version(const char *s, char **version, char **major, char **minor)
{
	const char *p = s, *q;
	unsigned long long comp[2] = { 0, 0 };
	size_t ncomp = 0;
	if (strchr(s, '\n'))
		return arc_error_code(ARC_E_USAGE, "could not parse \"%s\" as version", s);
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == 'v')
		p++;
	if (*p < '0' || *p > '9')
		return arc_error_code(ARC_E_USAGE, "could not parse \"%s\" as version", s);
	/* the numeric part: digits separated by single dots */
	for (q = p;;) {
		const char *d = q;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q == d)
			break;
		if (q[0] != '.' || q[1] < '0' || q[1] > '9') {
			ncomp++;
			break;
		}
		ncomp++;
		q++;
	}
	if (ncomp < 2)
		return arc_error_code(ARC_E_USAGE, "illegal version string \"%s\"", s);
	for (q = p, ncomp = 0;; ncomp++) {
		const char *d = q;
		char *e;
		while (*q >= '0' && *q <= '9')
			q++;
		if (q == d)
			break;
		if (ncomp == 0 && *d == '0' && q - d > 1)
			return arc_error_code(ARC_E_USAGE, "illegal zero-prefixed version component \"%.*s\" in \"%s\"",
					      (int)(q - d), d, s);
		if (q - d > 20 || (ncomp < 2 && (comp[ncomp] = strtoull(d, &e, 10)) == ~0ULL))
			return arc_error_code(ARC_E_USAGE,
					      "illegal non-numeric version component \"%.*s\" in \"%s\": strconv.ParseUint: "
					      "parsing \"%.*s\": value out of range",
					      (int)(q - d), d, s, (int)(q - d), d);
		if (q[0] != '.' || q[1] < '0' || q[1] > '9')
			break;
		q++;
	}
	*version = s[0] == 'v' ? xstrdup(s) : xasprintf("v%s", s);
	*major = xasprintf("%llu", comp[0]);
	*minor = xasprintf("%llu", comp[1]);
	return 0;
}

/* settings.Namespace(): -n, HELM_NAMESPACE, the kubeconfig context's, "default" */
static char *release_namespace(void)
{
	struct arc_kube_flags kf;
	struct arc_kube_config *cfg = NULL;
	const char *env = getenv("HELM_NAMESPACE");
	char *ns;
	if (o.namespace && *o.namespace)
		return xstrdup(o.namespace);
	if (env && *env)
		return xstrdup(env);
	memset(&kf, 0, sizeof(kf));
	kf.kubeconfig = o.kubeconfig;
	kf.context = o.kube_context ? o.kube_context : getenv("HELM_KUBECONTEXT");
	if (arc_kube_config_load(&cfg, &kf) != 0) {
		arc_error_clear();
		return xstrdup("default");
	}
	ns = xstrdup(cfg->namespace && *cfg->namespace ? cfg->namespace : "default");
	arc_kube_config_free(cfg);
	return ns;
}

static int is_path(const char *s)
{
	struct stat st;
	return stat(s, &st) == 0;
}

/* -f https://…: values files over HTTP(S), with the repository TLS options */
static int read_url(void *ctx, const char *url, char **data, size_t *len)
{
	return arc_repo_http_get(data, len, url, 64u << 20, ctx);
}

/* the manifests go to stdout as they are produced (write errors show when stdout is
 * flushed, as before) */
static int stdout_sink(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	fwrite(p, 1, n, stdout);
	return 0;
}

/* --debug after a manifest error: every rendered file, as renderResources dumps them */
static void debug_dump(const struct arc_render_result *res)
{
	size_t i;
	for (i = 0; i < res->n; i++) {
		const char *p = res->files[i].data, *e = p + res->files[i].len;
		const char *slash = strrchr(res->files[i].name, '/');
		size_t nl = strlen(res->files[i].name);
		if ((slash && slash[1] == '_') || (nl >= 9 && !strcmp(res->files[i].name + nl - 9, "NOTES.txt")))
			continue;
		while (p < e && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
			p++;
		if (p == e)
			continue;
		printf("---\n# Source: %s\n%s\n", res->files[i].name, res->files[i].data);
	}
}

int arc_cmd_template(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_warnings warn = { NULL, 0, 0 };
	struct arc_values_opts vo;
	struct arc_chartsrc_opts so;
	struct arc_chartsrc src;
	struct arc_output_opts oo;
	struct arc_repo_http http;
	struct arc_chart *chart = NULL;
	arc_value *user = NULL;
	char **owned = NULL, *name = NULL, *ns = NULL, *kube_ver = NULL, *kube_major = NULL, *kube_minor = NULL;
	const char *chart_arg = NULL;
	size_t nowned = 0, i;
	int rc, status = 1, hint = 0;

	memset(&o, 0, sizeof(o));
	memset(&src, 0, sizeof(src));
	rc = arc_opts_parse(&arc_template_spec, argc, argv, &pos);
	if (rc == 1) {
		arc_strlist_release(&pos);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "Error: %s\nSee '%s template --help'.\n", arc_error_last(), arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	split_commas(&o.vals.values, &owned, &nowned);
	split_commas(&o.api_versions, &owned, &nowned);

	/* the kube version first, as helm's RunE does */
	if (o.kube_version && *o.kube_version &&
	    parse_kube_version(o.kube_version, &kube_ver, &kube_major, &kube_minor) != 0) {
		arc_error_prefix("invalid kube version '%s'", o.kube_version);
		goto fail;
	}

	/* NameAndChart */
	if (pos.n > 2) {
		struct arc_buf b = ARC_BUF_INIT;
		for (i = 2; i < pos.n; i++)
			arc_buf_printf(&b, "%s%s", i > 2 ? "," : "", pos.v[i]);
		arc_error_code(ARC_E_USAGE, "expected at most two arguments, unexpected arguments: %s", arc_buf_cstr(&b));
		arc_buf_release(&b);
		goto fail;
	}
	if (pos.n == 2) {
		if (o.generate_name) {
			arc_error_code(ARC_E_USAGE, "cannot set --generate-name and also specify a name");
			goto fail;
		}
		if (o.name_template) {
			arc_error_code(ARC_E_USAGE, "cannot set --name-template and also specify a name");
			goto fail;
		}
		name = xstrdup(pos.v[0]);
		chart_arg = pos.v[1];
	} else {
		if (pos.n == 1) {
			const char *a = pos.v[0];
			/* one argument: the CHART (as helm), unless it can only be a NAME for the bundled chart */
			if (o.repo || o.generate_name || o.name_template || is_path(a) || strchr(a, '/') ||
			    strstr(a, ".tgz"))
				chart_arg = a;
			else
				name = xstrdup(a);
		}
		if (!name) {
			if (o.name_template) {
				if (name_from_template(&name, o.name_template) != 0)
					goto fail;
			} else {
				/* helm template presets the name, so --generate-name changes nothing */
				name = xstrdup("release-name");
			}
		}
	}

	memset(&http, 0, sizeof(http));
	http.ca_file = o.ca_file;
	http.cert_file = o.cert_file;
	http.key_file = o.key_file;
	http.insecure = o.insecure;
	http.username = o.username;
	http.password = o.password;
	http.pass_credentials = o.pass_credentials;
	{
		const char *version = o.version && *o.version ? o.version : (o.devel ? ">0.0.0-0" : NULL);
		if (arc_chartsrc_load(&chart, chart_arg, o.repo, version, &http) != 0)
			goto fail;
	}

	/* MergeValues (helm reads the values before loading the chart; both fail the same way) */
	arc_chartsrc_values_opts(&vo, &o.vals);
	vo.url_reader = read_url;
	vo.url_ctx = &http;
	if (arc_values_user(&user, &vo) != 0)
		goto fail;

	/* checkIfInstallable, CheckDependencies */
	if (arc_chartsrc_check(chart) != 0)
		goto fail;
	ns = release_namespace();

	/* Install.RunWithContext */
	if (!arc_chartsrc_valid_release_name(name)) {
		char *msg = xasprintf("release name \"%s\": invalid release name, must match regex "
				      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length "
				      "must not be longer than 53", name);
		arc_warnings_log(&warn, "ERROR", "release name check failed", "error", msg, (const char *)NULL);
		arc_error_code(ARC_E_USAGE, "release name check failed: %s", msg);
		free(msg);
		goto fail;
	}

	memset(&so, 0, sizeof(so));
	so.release.name = name;
	so.release.namespace = ns;
	so.release.revision = 1;
	so.release.is_install = !o.is_upgrade;
	so.release.is_upgrade = o.is_upgrade;
	so.caps.kube_version = kube_ver;
	so.caps.kube_major = kube_major;
	so.caps.kube_minor = kube_minor;
	so.caps.api_versions = o.api_versions.v;
	so.caps.n_api_versions = o.api_versions.n;
	so.skip_schema = o.skip_schema;
	if (arc_chartsrc_render(&src, chart, user, &so, &warn) != 0) {
		hint = src.failed_at >= ARC_CHARTSRC_KUBE_VERSION;
		if (src.failed_at == ARC_CHARTSRC_SORT && o.debug)
			debug_dump(&src.res);
		goto fail;
	}

	memset(&oo, 0, sizeof(oo));
	oo.include_crds = o.include_crds;
	oo.no_hooks = o.no_hooks;
	oo.skip_tests = o.skip_tests;
	oo.show_only = o.show_only.v;
	oo.nshow_only = o.show_only.n;
	oo.output_dir = o.output_dir;
	oo.use_release_name = o.release_name;
	oo.release_name = name;
	hint = 0;
	print_warnings(&warn);
	if (arc_manifest_emit(stdout_sink, NULL, chart, &src.man, &oo) != 0)
		goto fail;
	status = 0;
	goto done;
fail:
	print_warnings(&warn);
	fflush(stdout);
	fprintf(stderr, "Error: %s%s\n", arc_error_last(), hint && !o.debug ? DEBUG_HINT : "");
done:
	fflush(stdout);
	arc_chartsrc_release(&src);
	arc_chart_free(chart);
	arc_v_unref(user);
	free(name);
	free(ns);
	free(kube_ver);
	free(kube_major);
	free(kube_minor);
	for (i = 0; i < nowned; i++)
		free(owned[i]);
	free(owned);
	arc_strlist_release(&pos);
	arc_chartsrc_values_release(&o.vals);
	arc_strlist_release(&o.show_only);
	arc_strlist_release(&o.api_versions);
	arc_strlist_release(&o.ignored_l);
	arc_warnings_release(&warn);
	arc_error_clear();
	return status;
}
