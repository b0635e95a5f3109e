/* install.c - `kubectl arc install` and `kubectl arc upgrade`: cert-manager,
 * the auth Secret, the chart rendered natively and applied (CRDs first, then
 * kind by kind in Helm's order), readiness waits, and a Helm-compatible
 * release record that real helm can list, upgrade and uninstall. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../chart/deps.h"
#include "../chart/load.h"
#include "../chart/manifest.h"
#include "../chart/repo.h"
#include "../chart/values.h"
#include "../value/codec.h"
#include "auth.h"
#include "certmanager.h"
#include "cmd.h"
#include "deploy.h"
#include "kubeflags.h"
#include "output.h"
#include "progress.h"

#define DEFAULT_RELEASE "actions-runner-controller"
#define DEFAULT_NAMESPACE "actions-runner-system"
#define DEFAULT_SECRET "controller-manager"

static struct {
	struct arc_strlist values, set, set_string, set_json, set_file, set_literal;
	const char *chart, *repo, *version, *cert_manager, *cm_version, *cm_manifest, *token_file, *app_id,
		*installation_id, *key_file, *github_url, *auth_secret, *dry_run, *output, *description, *wait_s;
	int create_ns, quiet, atomic, take_ownership, force_conflicts, crds, skip_crds, reuse_values,
		reset_values, reset_then_reuse, install, skip_schema;
	long timeout_ms, history_max, parallel;
} o;

static const struct arc_opt install_opts[] = {
	{ "values", 'f', ARC_OPT_LIST, &o.values, "FILE", "Values from a YAML file (repeatable)", NULL, 0 },
	{ "set", 0, ARC_OPT_LIST, &o.set, "KEY=VAL", "Set values (repeatable; key1=val1,key2=val2)", NULL, 0 },
	{ "set-string", 0, ARC_OPT_LIST, &o.set_string, "KEY=VAL", "Set STRING values (repeatable)", NULL, 0 },
	{ "set-json", 0, ARC_OPT_LIST, &o.set_json, "KEY=JSON", "Set JSON values (repeatable)", NULL, 0 },
	{ "set-file", 0, ARC_OPT_LIST, &o.set_file, "KEY=PATH", "Set values from files (repeatable)", NULL, 0 },
	{ "set-literal", 0, ARC_OPT_LIST, &o.set_literal, "KEY=VAL", "Set a literal STRING value", NULL, 0 },
	{ "chart", 0, ARC_OPT_STRING, &o.chart, "CHART",
	  "Chart directory, .tgz, or name with --repo (default: the bundled ARC chart)", NULL, 0 },
	{ "repo", 0, ARC_OPT_STRING, &o.repo, "URL", "Chart repository URL for --chart", NULL, 0 },
	{ "version", 0, ARC_OPT_STRING, &o.version, "CONSTRAINT", "Chart version constraint (with --repo)", NULL, 0 },
	{ "create-namespace", 0, ARC_OPT_BOOL, &o.create_ns, NULL, "Create the namespace when it is missing", "true",
	  0 },
	{ "cert-manager", 0, ARC_OPT_STRING, &o.cert_manager, "MODE",
	  "auto: use cert-manager, installing it when absent; skip: assume it is there; none: ARC's self-signed "
	  "certificates instead (certManagerEnabled=false)",
	  "auto", 0 },
	{ "cert-manager-version", 0, ARC_OPT_STRING, &o.cm_version, "VERSION", "cert-manager release to install",
	  ARC_CM_DEFAULT_VERSION, 0 },
	{ "cert-manager-manifest", 0, ARC_OPT_STRING, &o.cm_manifest, "FILE|URL",
	  "Install cert-manager from this manifest instead of its release download", NULL, 0 },
	{ "github-token-file", 0, ARC_OPT_STRING, &o.token_file, "FILE",
	  "File holding a GitHub personal access token ('-' = stdin); else GITHUB_TOKEN, else a prompt", NULL, 0 },
	{ "github-app-id", 0, ARC_OPT_STRING, &o.app_id, "ID", "GitHub App id (or client id)", NULL, 0 },
	{ "github-app-installation-id", 0, ARC_OPT_STRING, &o.installation_id, "ID", "GitHub App installation id",
	  NULL, 0 },
	{ "github-app-private-key-file", 0, ARC_OPT_STRING, &o.key_file, "FILE", "GitHub App private key (PEM)",
	  NULL, 0 },
	{ "github-url", 0, ARC_OPT_STRING, &o.github_url, "URL", "GitHub Enterprise Server URL", NULL, 0 },
	{ "auth-secret", 0, ARC_OPT_STRING, &o.auth_secret, "NAME", "Name of the Secret holding the credentials",
	  DEFAULT_SECRET, 0 },
	{ "wait", 0, ARC_OPT_OPTSTR, &o.wait_s, "BOOL",
	  "Wait until the controller is rolled out and its webhook has ready endpoints", "true", 0 },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "How long to wait in all", "5m", 0 },
	{ "atomic", 0, ARC_OPT_BOOL, &o.atomic, NULL,
	  "On failure, uninstall a new release or roll an upgrade back (same as --rollback-on-failure)", NULL, 0 },
	{ "rollback-on-failure", 0, ARC_OPT_BOOL, &o.atomic, NULL, "On failure, uninstall or roll back", NULL, 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, "client|server",
	  "client: print what would be applied, no cluster contact; server: a server-side dry run", "client", 0 },
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "json: a machine-readable summary on stdout", NULL, 0 },
	{ "quiet", 'q', ARC_OPT_BOOL, &o.quiet, NULL, "No progress, no notes: errors only", NULL, 0 },
	{ "description", 0, ARC_OPT_STRING, &o.description, "TEXT", "Description stored in the release", NULL, 0 },
	{ "take-ownership", 0, ARC_OPT_BOOL, &o.take_ownership, NULL,
	  "Adopt existing objects that no Helm release owns", NULL, 0 },
	{ "force-conflicts", 0, ARC_OPT_BOOL, &o.force_conflicts, NULL,
	  "Take over fields that other field managers own", NULL, 0 },
	{ "crds", 0, ARC_OPT_BOOL, &o.crds, NULL, "Update existing CRDs too (Helm never does)", NULL, 0 },
	{ "skip-crds", 0, ARC_OPT_BOOL, &o.skip_crds, NULL, "Do not create the chart's CRDs", NULL, 0 },
	{ "skip-schema-validation", 0, ARC_OPT_BOOL, &o.skip_schema, NULL, "Do not validate values.schema.json", NULL,
	  0 },
	{ "reuse-values", 0, ARC_OPT_BOOL, &o.reuse_values, NULL,
	  "Upgrade: merge the new values over the last release's values", NULL, 0 },
	{ "reset-values", 0, ARC_OPT_BOOL, &o.reset_values, NULL, "Upgrade: only the chart's defaults and new values",
	  NULL, 0 },
	{ "reset-then-reuse-values", 0, ARC_OPT_BOOL, &o.reset_then_reuse, NULL,
	  "Upgrade: the new chart's defaults, then the last values, then new values", NULL, 0 },
	{ "history-max", 0, ARC_OPT_INT, &o.history_max, "N", "Revisions to keep (0: no limit)", "10", 0 },
	{ "install", 'i', ARC_OPT_BOOL, &o.install, NULL, "Upgrade: install when the release does not exist", NULL,
	  0 },
	{ "parallel", 0, ARC_OPT_INT, &o.parallel, "N", "Objects of one kind applied at once", "8", 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const install_tables[] = { install_opts, arc_kube_opts, NULL };

static const struct arc_cmd_spec install_spec = {
	"install", "[NAME] [flags]", "Install ARC (cert-manager, auth Secret, controller) in one step",
	"Sets up GitHub Actions Runner Controller: checks or installs cert-manager, stores the GitHub credentials "
	"in a Secret of their own, renders the bundled chart (or --chart) natively, applies its CRDs and objects "
	"with server-side apply, waits until the controller runs, and records a Helm release that helm can list, "
	"upgrade and uninstall. Safe to re-run: an installed, unchanged release is left as it is. NAME defaults to "
	"actions-runner-controller, -n to actions-runner-system. The token is never passed on the command line: "
	"use --github-token-file, GITHUB_TOKEN or the prompt.",
	"kubectl arc install --github-token-file ~/.arc-token\n"
	"GITHUB_TOKEN=$(cat tok) kubectl arc install --cert-manager=none\n"
	"kubectl arc install --github-app-id 123 --github-app-installation-id 456 --github-app-private-key-file app.pem\n"
	"kubectl arc install --dry-run=client -f values.yaml",
	install_tables,
};

static const struct arc_cmd_spec upgrade_spec = {
	"upgrade", "[NAME] [flags]", "Upgrade an ARC release (new values, new chart), as helm upgrade",
	"Renders the chart with the new values and applies it as a new revision: objects that left the chart are "
	"deleted, the previous revision becomes superseded. Without -f/--set the last release's values are "
	"reused (as helm does); --reuse-values, --reset-values and --reset-then-reuse-values choose explicitly.",
	"kubectl arc upgrade --set replicaCount=2\nkubectl arc upgrade -f values.yaml --history-max 5",
	install_tables,
};

/* ---- small helpers ---- */

static void print_warnings(struct arc_warnings *w)
{
	size_t i;
	for (i = 0; i < w->n; i++)
		fprintf(stderr, "%s\n", w->lines[i]);
	arc_warnings_release(w);
	memset(w, 0, sizeof(*w));
}

static int is_path(const char *s)
{
	struct stat st;
	return stat(s, &st) == 0;
}

static int load_chart(struct arc_chart **out)
{
	struct arc_repo_http h;
	memset(&h, 0, sizeof(h));
	if (!o.chart)
		return arc_chart_load_bundled(out);
	if (o.repo)
		return arc_repo_pull(out, o.repo, NULL, o.chart, o.version, &h);
	if (is_path(o.chart))
		return arc_chart_load_path(out, o.chart);
	return arc_error_code(ARC_E_NOTFOUND, "chart \"%s\" not found (a directory, a .tgz, or a name with --repo)",
			      o.chart);
}

static arc_value *map_at(arc_value *m, const char *key)
{
	arc_value *v = m && m->kind == ARC_MAP ? arc_v_map_get(m, key) : NULL;
	return v && v->kind == ARC_MAP ? v : NULL;
}

static arc_value *ensure_map(arc_value *m, const char *key)
{
	arc_value *v = map_at(m, key);
	if (!v) {
		v = arc_v_map();
		arc_v_map_set(m, key, v);
	}
	return v;
}

/* chartutil.ValidateReleaseName */
static int valid_release_name(const char *s)
{
	size_t n = strlen(s), i;
	if (n == 0 || n > 53)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && c != '-' && c != '.')
			return 0;
		if (!alnum && (i == 0 || i == n - 1))
			return 0;
	}
	return 1;
}

/* ---- the cluster's capabilities ---- */

struct caps {
	char *kube_version;
	char **gv;
	size_t ngv;
};

static void caps_release(struct caps *c)
{
	size_t i;
	free(c->kube_version);
	for (i = 0; i < c->ngv; i++)
		free(c->gv[i]);
	free(c->gv);
	memset(c, 0, sizeof(*c));
}

static int get_caps(struct arc_kube *k, struct caps *c)
{
	struct arc_buf resp = ARC_BUF_INIT;
	arc_value *doc = NULL, *groups;
	long status = 0;
	size_t i, j;
	int rc = arc_kube_do(k, "GET", "/version", NULL, NULL, 0, &status, &resp);
	if (rc)
		goto out;
	if (status != 200) {
		rc = arc_kube_status_error(status, &resp, "reading the server version");
		goto out;
	}
	if (arc_json_load(&doc, "/version", resp.ptr, resp.len) == 0 && arc_obj_str(doc, "gitVersion")) {
		/* "v1.37.2+k3s1" → Helm keeps the semver as given */
		c->kube_version = xstrdup(arc_obj_str(doc, "gitVersion"));
	}
	arc_v_unref(doc);
	doc = NULL;
	arc_buf_reset(&resp);
	rc = arc_kube_do_accept(k, "GET", "/apis", "application/json", &status, &resp);
	if (rc)
		goto out;
	if (status == 200 && arc_json_load(&doc, "/apis", resp.ptr, resp.len) == 0 &&
	    (groups = arc_v_map_get(doc, "groups")) && groups->kind == ARC_LIST) {
		for (i = 0; i < arc_v_list_len(groups); i++) {
			arc_value *vers = arc_v_map_get(arc_v_list_at(groups, i), "versions");
			for (j = 0; vers && vers->kind == ARC_LIST && j < arc_v_list_len(vers); j++) {
				const char *gv = arc_obj_str(arc_v_list_at(vers, j), "groupVersion");
				if (!gv)
					continue;
				c->gv = xrealloc(c->gv, (c->ngv + 1) * sizeof(char *));
				c->gv[c->ngv++] = xstrdup(gv);
			}
		}
	}
	arc_error_clear();
out:
	arc_v_unref(doc);
	arc_buf_release(&resp);
	return rc;
}

static int collect_item(void *ctx, arc_value *item)
{
	arc_v_list_push(ctx, arc_v_ref(item));
	return 0;
}

/* Helm's lookup during install/upgrade: the live object, a list, or {} */
static int do_lookup(void *ctx, const char *av, const char *kind, const char *ns, const char *name, arc_value **out)
{
	struct arc_kube *k = ctx;
	arc_value *items, *res;
	char *lk;
	int rc;
	if (name && *name) {
		rc = arc_kube_get(k, av, kind, ns && *ns ? ns : NULL, name, out);
		if (rc == ARC_E_NOTFOUND) {
			arc_error_clear();
			*out = arc_v_map();
			return 0;
		}
		return rc;
	}
	items = arc_v_list();
	rc = arc_kube_list(k, av, kind, ns && *ns ? ns : NULL, NULL, NULL, 0, collect_item, items, NULL);
	if (rc == ARC_E_NOTFOUND) {
		arc_error_clear();
		arc_v_unref(items);
		*out = arc_v_map();
		return 0;
	}
	if (rc) {
		arc_v_unref(items);
		return rc;
	}
	res = arc_v_map();
	lk = xasprintf("%sList", kind);
	arc_v_map_set(res, "apiVersion", arc_v_str(av));
	arc_v_map_set(res, "kind", arc_v_str_take(lk, strlen(lk)));
	arc_v_map_set(res, "items", items);
	*out = res;
	return 0;
}

/* ---- rendering (the same pipeline as `kubectl arc template`) ---- */

struct rendered {
	arc_value *crds; /* objects of the chart tree's crds/ */
	arc_value *objs; /* the release's objects, in InstallOrder */
	struct arc_buf manifest;
	char *notes;
	size_t nhooks;
};

static void rendered_release(struct rendered *r)
{
	arc_v_unref(r->crds);
	arc_v_unref(r->objs);
	arc_buf_release(&r->manifest);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

static int load_docs(arc_value *list, const char *name, const char *text, size_t len)
{
	struct arc_span *sp = NULL;
	size_t n = arc_manifest_split(text, len, &sp), i;
	for (i = 0; i < n; i++) {
		arc_value *doc = NULL;
		if (arc_yaml_load(&doc, name, sp[i].p, sp[i].n, 0) != 0) {
			free(sp);
			return ARC_E_PARSE;
		}
		if (doc->kind == ARC_MAP && arc_v_map_len(doc))
			arc_v_list_push(list, doc);
		else
			arc_v_unref(doc);
	}
	free(sp);
	return 0;
}

static int render(struct rendered *out, struct arc_chart *chart, arc_value *user, const char *name, const char *ns,
		  int revision, int is_upgrade, const struct caps *caps, struct arc_kube *k, struct arc_warnings *w)
{
	struct arc_render_opts ro;
	struct arc_render_result res = { NULL, 0 };
	struct arc_manifests man = { NULL, 0, NULL, 0 };
	struct arc_crd *crds = NULL;
	arc_value *vals = NULL;
	size_t i, ncrds;
	char *notes_name;
	int rc;

	memset(out, 0, sizeof(*out));
	out->crds = arc_v_list();
	out->objs = arc_v_list();
	if ((rc = arc_deps_check_missing(chart)) != 0 || (rc = arc_deps_process(chart, user, w)) != 0 ||
	    (rc = arc_values_for_render(&vals, chart, user, o.skip_schema, w)) != 0 ||
	    (rc = arc_deps_check_kube_version(chart, caps ? caps->kube_version : NULL)) != 0)
		goto out;
	memset(&ro, 0, sizeof(ro));
	ro.release.name = name;
	ro.release.namespace = ns;
	ro.release.revision = revision;
	ro.release.is_install = !is_upgrade;
	ro.release.is_upgrade = is_upgrade;
	ro.caps.kube_version = caps ? caps->kube_version : NULL;
	ro.caps.api_versions = caps ? (const char *const *)caps->gv : NULL;
	ro.caps.n_api_versions = caps ? caps->ngv : 0;
	ro.values = vals;
	if (k) {
		ro.tpl.lookup = do_lookup;
		ro.tpl.lookup_ctx = k;
	}
	if ((rc = arc_chart_render(&res, chart, &ro)) != 0)
		goto out;
	if ((rc = arc_manifests_sort(&man, &res, w)) != 0) {
		arc_render_result_release(&res);
		goto out;
	}
	out->nhooks = man.nhooks;
	for (i = 0; i < man.nmanifests; i++) {
		arc_buf_printf(&out->manifest, "---\n# Source: %s\n%s\n", man.manifests[i].path, man.manifests[i].content);
		if ((rc = load_docs(out->objs, man.manifests[i].path, man.manifests[i].content, man.manifests[i].len)) != 0)
			break;
	}
	notes_name = xasprintf("%s/templates/NOTES.txt", arc_chart_name(chart));
	{
		const struct arc_rendered *nf = arc_render_result_get(&res, notes_name);
		if (nf && nf->len)
			out->notes = xstrndup(nf->data, nf->len);
	}
	free(notes_name);
	arc_manifests_release(&man);
	arc_render_result_release(&res);
	if (rc)
		goto out;
	ncrds = arc_chart_crds(chart, &crds);
	for (i = 0; i < ncrds && !rc; i++)
		rc = load_docs(out->crds, crds[i].filename, crds[i].file->data, crds[i].file->len);
	arc_crds_free(crds, ncrds);
out:
	arc_v_unref(vals);
	if (rc)
		rendered_release(out);
	return rc;
}

/* ---- the command ---- */

enum cm_mode { CM_AUTO, CM_SKIP, CM_NONE };

struct run {
	int upgrade; /* the `upgrade` command */
	const char *name, *ns;
	struct arc_kube *k;
	struct arc_kube_flags kf;
	struct arc_progress *p;
	struct arc_chart *chart;
	struct arc_auth auth;
	arc_value *user;   /* values to store as the release's config */
	struct arc_rel *hist;
	size_t nhist;
	struct caps caps;
	struct rendered r;
	enum cm_mode cm;
	int arc_chart;     /* the chart has ARC's authSecret/certManagerEnabled values */
	int wait, dry_client, dry_server, json;
	/* what happened, for the summary */
	const char *cm_result;
	const char *secret_result;
	struct arc_deploy_result applied, deleted;
	int revision, nochange;
	const char *status;
};

static int fail_msg(struct run *R, const char *what)
{
	if (R->p)
		arc_progress_done(R->p, 0, NULL);
	fprintf(stderr, "Error: %s%s%s\n", what ? what : "", what ? ": " : "", arc_error_last());
	return 1;
}

static const struct arc_rel *last_rel(const struct run *R)
{
	return R->nhist ? &R->hist[R->nhist - 1] : NULL;
}

static const struct arc_rel *deployed_rel(const struct run *R)
{
	size_t i = R->nhist;
	while (i-- > 0)
		if (!strcmp(R->hist[i].status, "deployed"))
			return &R->hist[i];
	return NULL;
}

/* the user's values: flags, reuse rules of `helm upgrade`, credentials moved out, our injections */
static int build_values(struct run *R, const struct arc_rel *cur)
{
	struct arc_values_opts vo;
	arc_value *user = NULL, *old = cur ? arc_v_map_get(cur->rel, "config") : NULL;
	int given = o.values.n || o.set.n || o.set_string.n || o.set_json.n || o.set_file.n || o.set_literal.n;
	int rc;
	memset(&vo, 0, sizeof(vo));
	vo.files = o.values.v;
	vo.nfiles = o.values.n;
	vo.set_json = o.set_json.v;
	vo.nset_json = o.set_json.n;
	vo.set = o.set.v;
	vo.nset = o.set.n;
	vo.set_string = o.set_string.v;
	vo.nset_string = o.set_string.n;
	vo.set_file = o.set_file.v;
	vo.nset_file = o.set_file.n;
	vo.set_literal = o.set_literal.v;
	vo.nset_literal = o.set_literal.n;
	if ((rc = arc_values_user(&user, &vo)) != 0)
		return rc;
	if (old && old->kind == ARC_MAP) {
		if (o.reset_values) {
			/* only the new values */
		} else if (o.reuse_values || o.reset_then_reuse) {
			arc_value *base = arc_v_copy_deep(old);
			arc_value *merged = arc_values_coalesce_tables(user, base, 0, NULL);
			arc_v_unref(base);
			arc_v_unref(user);
			user = merged;
		} else if (!given && arc_v_map_len(old)) {
			arc_v_unref(user);
			user = arc_v_copy_deep(old);
		}
	}
	/* credentials in values never reach the release record */
	rc = arc_auth_from_values(&R->auth, user);
	if (rc < 0) {
		arc_v_unref(user);
		return rc;
	}
	if (R->arc_chart) {
		arc_value *as = ensure_map(user, "authSecret"), *prev;
		/* flags not given again on an upgrade keep what the last release chose */
		if (!o.cert_manager && old && (prev = arc_v_map_get(old, "certManagerEnabled")) && prev->kind == ARC_BOOL &&
		    !prev->u.b && !arc_v_map_get(user, "certManagerEnabled"))
			R->cm = CM_NONE;
		if (!o.auth_secret) {
			const char *pn = old ? arc_obj_str(old, "authSecret.name") : NULL;
			o.auth_secret = pn && *pn ? pn : DEFAULT_SECRET;
		}
		arc_v_map_set(as, "create", arc_v_bool(0));
		arc_v_map_set(as, "name", arc_v_str(o.auth_secret));
		if (R->cm == CM_NONE)
			arc_v_map_set(user, "certManagerEnabled", arc_v_bool(0));
		if (o.github_url && R->chart->values && arc_v_map_get(R->chart->values, "githubEnterpriseServerURL"))
			arc_v_map_set(user, "githubEnterpriseServerURL", arc_v_str(o.github_url));
	}
	if (!o.auth_secret)
		o.auth_secret = DEFAULT_SECRET;
	R->user = user;
	return 0;
}

/* certManagerEnabled after coalescing: the user's value, else the chart's */
static int wants_cert_manager(struct run *R)
{
	arc_value *v = R->user ? arc_v_map_get(R->user, "certManagerEnabled") : NULL;
	if (!R->arc_chart)
		return 0;
	if (!v && R->chart->values)
		v = arc_v_map_get(R->chart->values, "certManagerEnabled");
	return v && arc_v_truthy(v);
}

static int ensure_namespace(struct run *R)
{
	arc_value *nsobj = NULL;
	int rc = arc_kube_get(R->k, "v1", "Namespace", NULL, R->ns, &nsobj);
	arc_v_unref(nsobj);
	if (rc == 0)
		return 0;
	if (rc != ARC_E_NOTFOUND)
		return rc;
	arc_error_clear();
	if (R->dry_server)
		return arc_error_code(ARC_E_NOTFOUND, "--dry-run=server needs namespace \"%s\" to exist (the server "
						      "checks no namespaced object without it): create it, or use "
						      "--dry-run=client", R->ns);
	if (!o.create_ns)
		return arc_error_code(ARC_E_NOTFOUND, "namespace \"%s\" does not exist (drop --create-namespace=false to "
						      "create it)", R->ns);
	{
		arc_value *ns = arc_v_map(), *md = arc_v_map(), *labels = arc_v_map();
		struct arc_kube_apply_opts ao = { "helm", 1, R->dry_server, NULL };
		arc_v_map_set(ns, "apiVersion", arc_v_str("v1"));
		arc_v_map_set(ns, "kind", arc_v_str("Namespace"));
		arc_v_map_set(md, "name", arc_v_str(R->ns));
		arc_v_map_set(labels, "name", arc_v_str(R->ns)); /* as helm --create-namespace */
		arc_v_map_set(md, "labels", labels);
		arc_v_map_set(ns, "metadata", md);
		rc = arc_kube_apply(R->k, ns, &ao, NULL);
		arc_v_unref(ns);
		if (rc)
			arc_error_prefix("creating namespace %s", R->ns);
		else
			arc_progress_note(R->p, "created namespace %s", R->ns);
	}
	return rc;
}

/* the auth Secret's data keys, or NULL when it does not exist */
static int secret_keys(struct run *R, arc_value **keys)
{
	arc_value *s = NULL, *data;
	size_t i;
	int rc = arc_kube_get(R->k, "v1", "Secret", R->ns, o.auth_secret, &s);
	*keys = NULL;
	if (rc == ARC_E_NOTFOUND) {
		arc_error_clear();
		return 0;
	}
	if (rc)
		return rc;
	*keys = arc_v_list();
	data = arc_v_map_get(s, "data");
	for (i = 0; data && data->kind == ARC_MAP && i < arc_v_map_len(data); i++)
		arc_v_list_push(*keys, arc_v_str(arc_v_map_key(data, i)));
	arc_v_unref(s);
	return 0;
}

static int apply_secret(struct run *R)
{
	arc_value *sec = arc_auth_secret(&R->auth, o.auth_secret, R->ns, R->name), *res = NULL;
	struct arc_kube_apply_opts ao = { "kubectl-arc", 1, R->dry_server, NULL };
	arc_value *before = NULL;
	const char *rv0 = NULL, *rv1;
	int rc = arc_kube_get(R->k, "v1", "Secret", R->ns, o.auth_secret, &before);
	if (rc && rc != ARC_E_NOTFOUND) {
		arc_v_unref(sec);
		return rc;
	}
	arc_error_clear();
	rv0 = before ? arc_obj_str(before, "metadata.resourceVersion") : NULL;
	rc = arc_kube_apply(R->k, sec, &ao, &res);
	arc_v_unref(sec);
	if (rc == 0) {
		rv1 = res ? arc_obj_str(res, "metadata.resourceVersion") : NULL;
		R->secret_result = !before ? "created" : (rv0 && rv1 && !strcmp(rv0, rv1) ? "unchanged" : "updated");
	} else {
		/* the message names the Secret only: arc_kube_apply never quotes the body */
		arc_deploy_hint(0, R->ns);
	}
	arc_v_unref(before);
	arc_v_unref(res);
	return rc;
}

static arc_value *owned_keys(const char *manifest, size_t len, const char *ns)
{
	arc_value *objs = NULL, *m = arc_v_map();
	size_t i;
	if (!manifest || arc_deploy_parse_manifest(&objs, manifest, len) != 0) {
		arc_error_clear();
		return m;
	}
	for (i = 0; i < arc_v_list_len(objs); i++) {
		char *key = arc_deploy_key(arc_v_list_at(objs, i), ns);
		arc_v_map_set(m, key, arc_v_bool(1));
		free(key);
	}
	arc_v_unref(objs);
	return m;
}

/* objects of the old manifest that the new one no longer has */
static arc_value *removed_objects(const char *old_manifest, arc_value *new_objs, const char *ns)
{
	arc_value *old = NULL, *now = arc_v_map(), *gone = arc_v_list();
	size_t i;
	if (!old_manifest || arc_deploy_parse_manifest(&old, old_manifest, strlen(old_manifest)) != 0) {
		arc_error_clear();
		arc_v_unref(now);
		return gone;
	}
	for (i = 0; i < arc_v_list_len(new_objs); i++) {
		char *key = arc_deploy_key(arc_v_list_at(new_objs, i), ns);
		arc_v_map_set(now, key, arc_v_bool(1));
		free(key);
	}
	for (i = 0; i < arc_v_list_len(old); i++) {
		arc_value *obj = arc_v_list_at(old, i);
		char *key = arc_deploy_key(obj, ns);
		if (!arc_v_map_get(now, key))
			arc_v_list_push(gone, arc_v_ref(obj));
		free(key);
	}
	arc_v_unref(old);
	arc_v_unref(now);
	return gone;
}

static arc_value *new_release(struct run *R, const struct arc_rel *cur, int revision)
{
	arc_value *rel = arc_v_map(), *info = arc_v_map();
	char *now = arc_rel_now();
	const char *first = cur ? arc_obj_str(cur->rel, "info.first_deployed") : NULL;
	arc_v_map_set(rel, "name", arc_v_str(R->name));
	arc_v_map_set(info, "first_deployed", arc_v_str(first ? first : now));
	arc_v_map_set(info, "last_deployed", arc_v_str(now));
	arc_v_map_set(info, "deleted", arc_v_str("0001-01-01T00:00:00Z"));
	arc_v_map_set(info, "description", arc_v_str(cur ? "Preparing upgrade" : "Initial install underway"));
	arc_v_map_set(info, "status", arc_v_str(cur ? "pending-upgrade" : "pending-install"));
	if (R->r.notes)
		arc_v_map_set(info, "notes", arc_v_str(R->r.notes));
	arc_v_map_set(rel, "info", info);
	arc_v_map_set(rel, "chart", arc_rel_chart_json(R->chart));
	arc_v_map_set(rel, "config", arc_v_ref(R->user));
	arc_v_map_set(rel, "manifest", arc_v_str(arc_buf_cstr(&R->r.manifest)));
	arc_v_map_set(rel, "version", arc_v_int(revision));
	arc_v_map_set(rel, "namespace", arc_v_str(R->ns));
	arc_v_map_set(rel, "apply_method", arc_v_str("ssa"));
	free(now);
	return rel;
}

/* the stored chart (its metadata) against the chart's metadata */
static int same_chart(arc_value *stored, arc_value *md)
{
	const char *an = arc_obj_str(stored, "metadata.name"), *bn = md ? arc_obj_str(md, "name") : NULL;
	const char *av = arc_obj_str(stored, "metadata.version"), *bv = md ? arc_obj_str(md, "version") : NULL;
	return an && bn && av && bv && !strcmp(an, bn) && !strcmp(av, bv);
}

static void prune_history(struct run *R, int keep_version)
{
	size_t n = R->nhist + 1, i; /* with the new revision */
	if (o.history_max <= 0 || n <= (size_t)o.history_max)
		return;
	for (i = 0; i < R->nhist && n > (size_t)o.history_max; i++) {
		if (R->hist[i].version == keep_version || !strcmp(R->hist[i].status, "deployed"))
			continue;
		if (arc_rel_delete(R->k, R->ns, R->name, R->hist[i].version) == 0)
			n--;
		else
			arc_error_clear();
	}
}

static void print_summary(struct run *R, const char *status, long elapsed_ms)
{
	const char *cname = arc_chart_name(R->chart);
	const char *cver = R->chart->metadata ? arc_obj_str(R->chart->metadata, "version") : NULL;
	const char *appv = R->chart->metadata ? arc_obj_str(R->chart->metadata, "appVersion") : NULL;
	if (R->json) {
		arc_value *m = arc_v_map(), *objs = arc_v_map(), *sec = arc_v_map(), *keys = arc_v_list();
		struct arc_buf b = ARC_BUF_INIT;
		arc_v_map_set(m, "name", arc_v_str(R->name));
		arc_v_map_set(m, "namespace", arc_v_str(R->ns));
		arc_v_map_set(m, "revision", arc_v_int(R->revision));
		arc_v_map_set(m, "status", arc_v_str(status));
		arc_v_map_set(m, "chart", arc_v_str(cname));
		arc_v_map_set(m, "chartVersion", arc_v_str(cver ? cver : ""));
		arc_v_map_set(m, "appVersion", arc_v_str(appv ? appv : ""));
		arc_v_map_set(m, "changed", arc_v_bool(!R->nochange));
		arc_v_map_set(m, "dryRun", arc_v_str(R->dry_client ? "client" : R->dry_server ? "server" : "none"));
		arc_v_map_set(objs, "created", arc_v_int((int64_t)R->applied.created));
		arc_v_map_set(objs, "changed", arc_v_int((int64_t)R->applied.changed));
		arc_v_map_set(objs, "unchanged", arc_v_int((int64_t)R->applied.unchanged));
		arc_v_map_set(objs, "skipped", arc_v_int((int64_t)R->applied.skipped));
		arc_v_map_set(objs, "deleted", arc_v_int((int64_t)R->deleted.changed));
		arc_v_map_set(m, "objects", objs);
		arc_v_map_set(m, "certManager", arc_v_str(R->cm_result ? R->cm_result : "not needed"));
		arc_v_map_set(sec, "name", arc_v_str(o.auth_secret));
		arc_v_map_set(sec, "result", arc_v_str(R->secret_result ? R->secret_result : "unknown"));
		if (R->auth.token)
			arc_v_list_push(keys, arc_v_str("github_token"));
		else if (R->auth.private_key) {
			arc_v_list_push(keys, arc_v_str("github_app_id"));
			arc_v_list_push(keys, arc_v_str("github_app_installation_id"));
			arc_v_list_push(keys, arc_v_str("github_app_private_key"));
		}
		arc_v_map_set(sec, "keys", keys);
		arc_v_map_set(m, "authSecret", sec);
		arc_v_map_set(m, "elapsedSeconds", arc_v_float((double)elapsed_ms / 1000.0));
		arc_v_map_set(m, "notes", arc_v_str(R->r.notes ? R->r.notes : ""));
		arc_json_dump(&b, m, ARC_JSON_INDENT);
		printf("%s\n", arc_buf_cstr(&b));
		arc_buf_release(&b);
		arc_v_unref(m);
		return;
	}
	if (o.quiet)
		return;
	printf("NAME: %s\n", R->name);
	printf("NAMESPACE: %s\n", R->ns);
	printf("STATUS: %s\n", status);
	printf("REVISION: %d\n", R->revision);
	printf("CHART: %s-%s\n", cname, cver ? cver : "");
	if (R->nochange)
		printf("CHANGES: none (the release is up to date)\n");
	else
		printf("CHANGES: %zu created, %zu changed, %zu unchanged, %zu deleted\n", R->applied.created,
		       R->applied.changed, R->applied.unchanged + R->applied.skipped, R->deleted.changed);
	if (R->r.notes && *R->r.notes) {
		const char *n = R->r.notes;
		size_t len = strlen(n);
		while (len && (n[len - 1] == '\n' || n[len - 1] == ' '))
			len--;
		printf("NOTES:\n%.*s\n", (int)len, n);
	}
}

/* --dry-run=client: what would be applied, without the cluster */
static int dry_client(struct run *R)
{
	struct arc_warnings w = { NULL, 0, 0 };
	struct arc_buf b = ARC_BUF_INIT;
	size_t i;
	int rc;
	if ((rc = build_values(R, NULL)) != 0)
		return fail_msg(R, NULL);
	rc = render(&R->r, R->chart, R->user, R->name, R->ns, 1, R->upgrade, NULL, NULL, &w);
	print_warnings(&w);
	if (rc)
		return fail_msg(R, "rendering the chart");
	printf("# kubectl arc %s --dry-run=client: release %s in namespace %s (nothing was sent to a cluster)\n",
	       R->upgrade ? "upgrade" : "install", R->name, R->ns);
	if (wants_cert_manager(R))
		printf("# cert-manager: %s\n", R->cm == CM_SKIP ? "assumed present (--cert-manager=skip)"
								: "checked, installed from its release manifest when absent");
	if (R->arc_chart)
		printf("# Secret %s/%s: keys %s (values not shown)\n", R->ns, o.auth_secret,
		       R->auth.token ? "github_token"
		       : R->auth.private_key ? "github_app_id, github_app_installation_id, github_app_private_key"
					     : "(credentials not given: the existing Secret would be used, or a prompt)");
	for (i = 0; i < arc_v_list_len(R->r.crds); i++) {
		arc_buf_puts(&b, "---\n");
		arc_yaml_dump(&b, arc_v_list_at(R->r.crds, i));
	}
	fwrite(arc_buf_cstr(&b), 1, b.len, stdout);
	fwrite(arc_buf_cstr(&R->r.manifest), 1, R->r.manifest.len, stdout);
	if (R->r.notes && !o.quiet)
		printf("\nNOTES:\n%s\n", R->r.notes);
	arc_buf_release(&b);
	return 0;
}

/* what to do on failure with --atomic: a new release is uninstalled, an upgrade rolled back */
static void roll_back(struct run *R, arc_value *rel, const struct arc_rel *cur, const struct arc_deploy_opts *dopt)
{
	struct arc_deploy_result dr;
	arc_error_clear();
	if (!cur) {
		arc_progress_step(R->p, "Rolling back: uninstalling the failed release");
		if (arc_deploy_delete(R->k, R->r.objs, dopt, &dr, NULL) == 0 &&
		    arc_rel_delete(R->k, R->ns, R->name, R->revision) == 0)
			arc_progress_done(R->p, 1, "Uninstalled the failed release (--atomic)");
		else
			arc_progress_done(R->p, 0, "Rolling back failed: %s", arc_error_last());
		return;
	}
	{
		const char *man = arc_obj_str(cur->rel, "manifest");
		arc_value *objs = NULL, *gone, *back;
		struct arc_deploy_opts ro = *dopt;
		char *desc;
		arc_progress_step(R->p, "Rolling back to revision %d", cur->version);
		if (!man || arc_deploy_parse_manifest(&objs, man, strlen(man)) != 0) {
			arc_progress_done(R->p, 0, "Rolling back failed: the previous manifest cannot be read");
			return;
		}
		ro.owned = NULL;
		ro.take_ownership = 1;
		if (arc_deploy_apply(R->k, NULL, objs, &ro, &dr) != 0) {
			arc_progress_done(R->p, 0, "Rolling back failed: %s", arc_error_last());
			arc_v_unref(objs);
			return;
		}
		gone = removed_objects(arc_buf_cstr(&R->r.manifest), objs, R->ns);
		arc_deploy_delete(R->k, gone, dopt, &dr, NULL);
		arc_v_unref(gone);
		arc_v_unref(objs);
		arc_error_clear();
		/* a new revision with the old release's contents, as helm rollback */
		back = arc_v_copy_deep(cur->rel);
		arc_v_map_set(back, "version", arc_v_int(R->revision + 1));
		desc = xasprintf("Rollback to %d", cur->version);
		arc_rel_set_status(back, "deployed", desc);
		free(desc);
		{
			char *now = arc_rel_now();
			arc_value *info = arc_v_map_get(back, "info");
			arc_v_map_set(info, "last_deployed", arc_v_str_take(now, strlen(now)));
		}
		if (arc_rel_write(R->k, back, 1) == 0) {
			arc_value *old = arc_v_copy_deep(cur->rel);
			arc_rel_set_status(old, "superseded", NULL);
			arc_rel_write(R->k, old, 0);
			arc_v_unref(old);
		}
		arc_v_unref(back);
		arc_progress_done(R->p, 1, "Rolled back to revision %d (--atomic)", cur->version);
	}
	(void)rel;
}

static int run_cluster(struct run *R)
{
	struct arc_warnings w = { NULL, 0, 0 };
	struct arc_deploy_opts dopt;
	const struct arc_rel *last, *cur;
	arc_value *rel = NULL, *owned = NULL, *keys = NULL;
	long start_ms = arc_progress_elapsed_ms(R->p), left;
	int rc, revision, ret = 1, is_upgrade, need_cm;
	char *err = NULL;

	if (arc_kube_open(&R->k, &R->kf) != 0)
		return fail_msg(R, NULL);
	arc_kube_set_log(R->k, arc_log_to_stderr, NULL);

	arc_progress_step(R->p, "Connecting to %s", arc_kube_cfg(R->k)->server);
	if (get_caps(R->k, &R->caps) != 0)
		return fail_msg(R, NULL);
	if (arc_rel_history(R->k, R->ns, R->name, &R->hist, &R->nhist) != 0)
		return fail_msg(R, NULL);
	arc_progress_done(R->p, 1, "Connected to %s (Kubernetes %s)", arc_kube_cfg(R->k)->server,
			  R->caps.kube_version ? R->caps.kube_version : "?");

	last = last_rel(R);
	cur = deployed_rel(R);
	if (!cur && last && (!strcmp(last->status, "failed") || !strcmp(last->status, "superseded")))
		cur = NULL; /* a failed install: install again */
	if (last && !strcmp(last->status, "uninstalled"))
		last = NULL, cur = NULL;
	if (R->upgrade && !last && !o.install) {
		arc_error_code(ARC_E_NOTFOUND, "release \"%s\" not found in namespace %s: install it first "
					       "(`%s install`) or pass --install", R->name, R->ns, arc_prog());
		return fail_msg(R, NULL);
	}
	if (last && !strncmp(last->status, "pending-", 8))
		arc_progress_note(R->p, "revision %d was left %s (an interrupted run): completing it now",
				  last->version, last->status);
	is_upgrade = cur != NULL;
	revision = R->nhist ? R->hist[R->nhist - 1].version + 1 : 1;

	/* namespace, then the credentials (a prompt comes before any live display) */
	if (ensure_namespace(R) != 0)
		return fail_msg(R, NULL);
	if (build_values(R, cur ? cur : last) != 0)
		return fail_msg(R, "reading values");
	if (R->arc_chart && !R->auth.token && !R->auth.private_key) {
		if (secret_keys(R, &keys) != 0)
			return fail_msg(R, NULL);
		if (!keys) {
			int pr = isatty(0) && !o.quiet && !R->json ? arc_auth_prompt(&R->auth) : ARC_E_NOTFOUND;
			if (pr == ARC_E_NOTFOUND) {
				arc_error_code(ARC_E_USAGE, "no GitHub credentials: pass --github-token-file FILE, set "
							    "GITHUB_TOKEN, or --github-app-id/--github-app-installation-id/"
							    "--github-app-private-key-file (Secret %s/%s does not exist yet)",
					       R->ns, o.auth_secret);
				return fail_msg(R, NULL);
			}
			if (pr)
				return fail_msg(R, NULL);
		}
	}

	memset(&dopt, 0, sizeof(dopt));
	dopt.flags = &R->kf;
	dopt.log_fn = arc_log_to_stderr;
	dopt.field_manager = "helm";
	/* a revision written by client-side apply (helm 3, or helm 4 without SSA) left its fields to the "helm"
	 * manager's Update operation: server-side apply takes them over, as helm 4 does when it switches a
	 * release to SSA */
	{
		const struct arc_rel *src = cur ? cur : last;
		const char *am = src ? arc_obj_str(src->rel, "apply_method") : NULL;
		dopt.force = o.force_conflicts || (src && (!am || strcmp(am, "ssa")));
	}
	dopt.dry_run = R->dry_server;
	dopt.namespace = R->ns;
	dopt.release = R->name;
	dopt.release_ns = R->ns;
	dopt.take_ownership = o.take_ownership;
	dopt.crds_create_only = !o.crds;
	dopt.max_parallel = (int)o.parallel;
	dopt.timeout_ms = o.timeout_ms;
	dopt.progress = R->p;

	/* cert-manager */
	need_cm = wants_cert_manager(R);
	if (!need_cm) {
		R->cm_result = R->cm == CM_NONE ? "none (ARC's self-signed certificates)" : "not needed";
	} else if (R->cm == CM_SKIP) {
		R->cm_result = "skipped (--cert-manager=skip)";
	} else {
		struct arc_cm_state st;
		int healthy;
		arc_progress_step(R->p, "Checking cert-manager");
		healthy = arc_cm_detect(R->k, &st);
		if (healthy < 0) {
			arc_cm_state_release(&st);
			return fail_msg(R, "checking cert-manager");
		}
		if (healthy) {
			char *d = arc_cm_describe(&st);
			arc_progress_done(R->p, 1, "%s", d);
			free(d);
			R->cm_result = "present";
		} else {
			char *src = o.cm_manifest ? xstrdup(o.cm_manifest) : arc_cm_manifest_url(o.cm_version);
			char *d = arc_cm_describe(&st);
			arc_progress_done(R->p, 1, "cert-manager is not ready (%s)", d);
			free(d);
			arc_progress_step(R->p, "Installing cert-manager from %s", src);
			left = o.timeout_ms - (arc_progress_elapsed_ms(R->p) - start_ms);
			rc = arc_cm_install(R->k, src, &dopt, left > 1000 ? left : 1000);
			free(src);
			if (rc) {
				arc_cm_state_release(&st);
				return fail_msg(R, NULL);
			}
			arc_progress_done(R->p, 1, R->dry_server ? "cert-manager would be installed (server dry run)"
								 : "Installed cert-manager; its webhook answers");
			R->cm_result = R->dry_server ? "would be installed" : "installed";
		}
		arc_cm_state_release(&st);
	}

	/* the auth Secret, its own object */
	if (R->arc_chart) {
		if (R->auth.token || R->auth.private_key) {
			arc_progress_step(R->p, "Applying Secret %s/%s (from %s)", R->ns, o.auth_secret, R->auth.source);
			if (apply_secret(R) != 0)
				return fail_msg(R, NULL);
			arc_progress_done(R->p, 1, "Secret %s/%s %s (keys: %s)", R->ns, o.auth_secret, R->secret_result,
					  R->auth.token ? "github_token"
							: "github_app_id, github_app_installation_id, github_app_private_key");
		} else {
			struct arc_buf kb = ARC_BUF_INIT;
			size_t i;
			for (i = 0; keys && i < arc_v_list_len(keys); i++)
				arc_buf_printf(&kb, "%s%s", i ? ", " : "", arc_v_strptr(arc_v_list_at(keys, i)));
			arc_progress_note(R->p, "using the existing Secret %s/%s (keys: %s)", R->ns, o.auth_secret,
					  arc_buf_cstr(&kb));
			arc_buf_release(&kb);
			R->secret_result = "existing";
		}
	}
	arc_v_unref(keys);
	keys = NULL;

	/* render */
	arc_progress_step(R->p, "Rendering %s", arc_chart_name(R->chart));
	rc = render(&R->r, R->chart, R->user, R->name, R->ns, revision, is_upgrade, &R->caps, R->k, &w);
	if (w.n && R->p)
		arc_progress_done(R->p, rc == 0, NULL);
	print_warnings(&w);
	if (rc)
		return fail_msg(R, "rendering the chart");
	arc_progress_done(R->p, 1, "Rendered %zu objects and %zu CRDs", arc_v_list_len(R->r.objs),
			  arc_v_list_len(R->r.crds));
	if (R->r.nhooks)
		arc_progress_note(R->p, "warning: the chart has %zu hooks: kubectl-arc does not run hooks yet",
				  R->r.nhooks);

	/* nothing to do? (the same chart, values and manifest as the deployed revision) */
	if (cur && !R->dry_server && same_chart(arc_v_map_get(cur->rel, "chart"), R->chart->metadata) &&
	    arc_v_map_get(cur->rel, "config") && arc_v_equal(arc_v_map_get(cur->rel, "config"), R->user) &&
	    arc_obj_str(cur->rel, "manifest") && !strcmp(arc_obj_str(cur->rel, "manifest"), arc_buf_cstr(&R->r.manifest))) {
		struct arc_deploy_opts vo = dopt;
		owned = owned_keys(arc_obj_str(cur->rel, "manifest"), strlen(arc_obj_str(cur->rel, "manifest")), R->ns);
		vo.owned = owned;
		arc_progress_step(R->p, "Checking the %zu objects of revision %d", arc_v_list_len(R->r.objs),
				  cur->version);
		if (arc_deploy_apply(R->k, R->r.crds, R->r.objs, &vo, &R->applied) != 0) {
			arc_v_unref(owned);
			return fail_msg(R, NULL);
		}
		arc_v_unref(owned);
		owned = NULL;
		if (R->applied.created + R->applied.changed)
			arc_progress_done(R->p, 1, "Repaired %zu objects that had drifted or were missing",
					  R->applied.created + R->applied.changed);
		else
			arc_progress_done(R->p, 1, "All %zu objects are as revision %d left them",
					  arc_v_list_len(R->r.objs), cur->version);
		if (R->wait) {
			arc_progress_step(R->p, "Waiting for the controller");
			left = o.timeout_ms - (arc_progress_elapsed_ms(R->p) - start_ms);
			if (arc_deploy_wait(R->k, R->r.objs, R->ns, left > 1000 ? left : 1000, R->p) != 0)
				return fail_msg(R, NULL);
			arc_progress_done(R->p, 1, "The controller is ready");
		}
		R->revision = cur->version;
		R->nochange = R->applied.created + R->applied.changed == 0 &&
			      (!R->secret_result || !strcmp(R->secret_result, "unchanged") ||
			       !strcmp(R->secret_result, "existing"));
		if (!R->json && !o.quiet)
			fprintf(stderr, "%s\n", R->nochange ? "Nothing to do: the release is installed and up to date."
							    : "The release was up to date; drifted objects were repaired.");
		print_summary(R, "deployed", arc_progress_elapsed_ms(R->p));
		return 0;
	}

	R->revision = revision;
	rel = new_release(R, cur, revision);
	if (o.description)
		arc_rel_set_status(rel, is_upgrade ? "pending-upgrade" : "pending-install", o.description);
	if (!R->dry_server) {
		if (arc_rel_write(R->k, rel, 1) != 0) {
			arc_v_unref(rel);
			return fail_msg(R, NULL);
		}
		/* a stale pending record of an interrupted run is over */
		if (last && !strncmp(last->status, "pending-", 8)) {
			arc_value *old = arc_v_copy_deep(last->rel);
			arc_rel_set_status(old, "failed", "Interrupted before it completed; continued by a later revision");
			if (arc_rel_write(R->k, old, 0) != 0)
				arc_error_clear();
			arc_v_unref(old);
		}
	}

	/* apply */
	owned = cur ? owned_keys(arc_obj_str(cur->rel, "manifest"),
				 arc_obj_str(cur->rel, "manifest") ? strlen(arc_obj_str(cur->rel, "manifest")) : 0, R->ns)
		    : NULL;
	dopt.owned = owned;
	arc_progress_step(R->p, "Applying %zu objects%s", arc_v_list_len(R->r.objs) + arc_v_list_len(R->r.crds),
			  R->dry_server ? " (server dry run)" : "");
	rc = arc_deploy_apply(R->k, o.skip_crds ? NULL : R->r.crds, R->r.objs, &dopt, &R->applied);
	if (rc)
		goto failed;
	arc_progress_done(R->p, 1, "Applied: %zu created, %zu changed, %zu unchanged%s", R->applied.created,
			  R->applied.changed, R->applied.unchanged + R->applied.skipped,
			  R->dry_server ? " (server dry run)" : "");
	/* an upgrade deletes what left the chart */
	if (cur) {
		arc_value *gone = removed_objects(arc_obj_str(cur->rel, "manifest"), R->r.objs, R->ns);
		if (arc_v_list_len(gone)) {
			arc_value *kept = NULL;
			arc_progress_step(R->p, "Deleting %zu objects that left the chart", arc_v_list_len(gone));
			rc = arc_deploy_delete(R->k, gone, &dopt, &R->deleted, &kept);
			arc_v_unref(kept);
			if (rc) {
				arc_v_unref(gone);
				goto failed;
			}
			arc_progress_done(R->p, 1, "Deleted %zu objects", R->deleted.changed);
		}
		arc_v_unref(gone);
	}
	if (R->dry_server) {
		R->status = "pending (server dry run)";
		print_summary(R, "dry run complete", arc_progress_elapsed_ms(R->p));
		ret = 0;
		goto out;
	}
	if (R->wait) {
		arc_progress_step(R->p, "Waiting for the controller");
		left = o.timeout_ms - (arc_progress_elapsed_ms(R->p) - start_ms);
		rc = arc_deploy_wait(R->k, R->r.objs, R->ns, left > 1000 ? left : 1000, R->p);
		if (rc)
			goto failed;
		arc_progress_done(R->p, 1, "The controller is rolled out and its webhook has ready endpoints");
	}
	arc_rel_set_status(rel, "deployed", o.description ? o.description : is_upgrade ? "Upgrade complete"
											: "Install complete");
	if (arc_rel_write(R->k, rel, 0) != 0)
		goto failed;
	if (cur) {
		arc_value *old = arc_v_copy_deep(cur->rel);
		arc_rel_set_status(old, "superseded", NULL);
		if (arc_rel_write(R->k, old, 0) != 0)
			arc_error_clear();
		arc_v_unref(old);
	}
	prune_history(R, revision);
	print_summary(R, "deployed", arc_progress_elapsed_ms(R->p));
	ret = 0;
	goto out;

failed:
	err = xstrdup(arc_error_last());
	arc_progress_done(R->p, 0, NULL);
	if (!R->dry_server) {
		char *desc = xasprintf("Release \"%s\" failed: %s", R->name, err);
		arc_rel_set_status(rel, "failed", desc);
		free(desc);
		if (arc_rel_write(R->k, rel, 0) != 0)
			arc_error_clear();
		if (o.atomic)
			roll_back(R, rel, cur, &dopt);
	}
	fprintf(stderr, "Error: %s\n", err);
	ret = 1;
out:
	free(err);
	arc_v_unref(owned);
	arc_v_unref(rel);
	return ret;
}

static int run(int argc, char **argv, int upgrade)
{
	const struct arc_cmd_spec *spec = upgrade ? &upgrade_spec : &install_spec;
	struct arc_strlist pos = { NULL, 0 };
	struct arc_auth_opts ao;
	struct run R;
	int rc, ret = 1;

	memset(&o, 0, sizeof(o));
	memset(&arc_kube_cli, 0, sizeof(arc_kube_cli));
	memset(&R, 0, sizeof(R));
	o.create_ns = 1;
	o.timeout_ms = 5 * 60 * 1000;
	o.history_max = 10;
	o.parallel = 8;
	R.upgrade = upgrade;
	rc = arc_opts_parse(spec, argc, argv, &pos);
	if (rc == 1) {
		ret = 0;
		goto done;
	}
	if (rc) {
		fprintf(stderr, "Error: %s\nSee '%s %s --help'.\n", arc_error_last(), arc_prog(), spec->path);
		ret = 2;
		goto done;
	}
	if (pos.n > 1) {
		fprintf(stderr, "Error: expected at most one argument (the release NAME), got %zu\nSee '%s %s --help'.\n",
			pos.n, arc_prog(), spec->path);
		ret = 2;
		goto done;
	}
	R.name = pos.n ? pos.v[0] : DEFAULT_RELEASE;
	if (!valid_release_name(R.name)) {
		fprintf(stderr, "Error: release name \"%s\" is invalid: lowercase letters, digits, '-' and '.', at most "
				"53 characters\n", R.name);
		ret = 2;
		goto done;
	}
	R.ns = arc_kube_cli.namespace && *arc_kube_cli.namespace ? arc_kube_cli.namespace : NULL;
	if (!R.ns) {
		const char *hn = getenv("HELM_NAMESPACE");
		R.ns = getenv("HELM_PLUGIN_NAME") && hn && *hn && strcmp(hn, "default") ? hn : DEFAULT_NAMESPACE;
	}
	if (!o.cert_manager || !strcmp(o.cert_manager, "auto"))
		R.cm = CM_AUTO;
	else if (!strcmp(o.cert_manager, "skip"))
		R.cm = CM_SKIP;
	else if (!strcmp(o.cert_manager, "none"))
		R.cm = CM_NONE;
	else {
		fprintf(stderr, "Error: --cert-manager must be auto, skip or none, not \"%s\"\n", o.cert_manager);
		ret = 2;
		goto done;
	}
	if (o.dry_run) {
		if (!strcmp(o.dry_run, "client") || !strcmp(o.dry_run, "true"))
			R.dry_client = 1;
		else if (!strcmp(o.dry_run, "server"))
			R.dry_server = 1;
		else if (strcmp(o.dry_run, "none") && strcmp(o.dry_run, "false")) {
			fprintf(stderr, "Error: --dry-run must be client or server, not \"%s\"\n", o.dry_run);
			ret = 2;
			goto done;
		}
	}
	R.wait = !o.wait_s || strcmp(o.wait_s, "false");
	if (o.output && strcmp(o.output, "json")) {
		fprintf(stderr, "Error: --output must be json\n");
		ret = 2;
		goto done;
	}
	R.json = o.output != NULL;
	if (o.reuse_values + o.reset_values + o.reset_then_reuse > 1) {
		fprintf(stderr, "Error: --reuse-values, --reset-values and --reset-then-reuse-values are exclusive\n");
		ret = 2;
		goto done;
	}
	if (o.timeout_ms <= 0)
		o.timeout_ms = 5 * 60 * 1000;

	/* credentials first: an invalid token fails before anything else happens */
	memset(&ao, 0, sizeof(ao));
	ao.token_file = o.token_file;
	ao.app_id = o.app_id;
	ao.installation_id = o.installation_id;
	ao.key_file = o.key_file;
	rc = arc_auth_read(&R.auth, &ao);
	if (rc && rc != ARC_E_NOTFOUND) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	arc_error_clear();
	if (load_chart(&R.chart) != 0) {
		fprintf(stderr, "Error: loading the chart: %s\n", arc_error_last());
		goto done;
	}
	R.arc_chart = map_at(R.chart->values, "authSecret") != NULL;
	R.p = arc_progress_new(o.quiet || R.json ? (o.quiet ? ARC_PROGRESS_QUIET : ARC_PROGRESS_PLAIN)
						 : ARC_PROGRESS_AUTO);
	if (R.dry_client) {
		ret = dry_client(&R);
		goto done;
	}
	arc_kube_cli_flags(&R.kf);
	R.kf.namespace = R.ns;
	ret = run_cluster(&R);
done:
	arc_progress_free(R.p);
	fflush(stdout);
	rendered_release(&R.r);
	arc_rel_history_free(R.hist, R.nhist);
	caps_release(&R.caps);
	arc_kube_close(R.k);
	arc_chart_free(R.chart);
	arc_v_unref(R.user);
	arc_auth_release(&R.auth);
	arc_strlist_release(&pos);
	arc_strlist_release(&o.values);
	arc_strlist_release(&o.set);
	arc_strlist_release(&o.set_string);
	arc_strlist_release(&o.set_json);
	arc_strlist_release(&o.set_file);
	arc_strlist_release(&o.set_literal);
	arc_strlist_release(&arc_kube_cli.as_groups);
	return ret;
}

int arc_cmd_install(int argc, char **argv)
{
	return run(argc, argv, 0);
}

int arc_cmd_upgrade(int argc, char **argv)
{
	return run(argc, argv, 1);
}
