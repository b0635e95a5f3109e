/* install.c - `kubectl arc install` and `kubectl arc upgrade`: cert-manager,
 * the auth Secret, the chart rendered natively (chartsrc.h, the pipeline of
 * `kubectl arc template`) and applied (CRDs first, then kind by kind in Helm's
 * order), readiness waits, and a Helm release record (chart/release.h) that
 * real helm can list, upgrade and uninstall. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../chart/release.h"
#include "../value/codec.h"
#include "auth.h"
#include "certmanager.h"
#include "chartsrc.h"
#include "cmd.h"
#include "deploy.h"
#include "hooks.h"
#include "kubeflags.h"
#include "output.h"
#include "progress.h"

#define DEFAULT_RELEASE "actions-runner-controller"
#define DEFAULT_NAMESPACE "actions-runner-system"
#define DEFAULT_SECRET "controller-manager"
/* controller-runtime's webhook certificate directory: the Secret a controller mounts there is
 * its webhook serving certificate */
#define CERT_DIR "/tmp/k8s-webhook-server/serving-certs"

static struct {
	struct arc_chartsrc_values vals;
	const char *chart, *repo, *version, *cert_manager, *cm_version, *cm_manifest, *token_file, *app_id,
		*installation_id, *key_file, *github_url, *auth_secret, *dry_run, *output, *description, *wait_s;
	int create_ns, quiet, atomic, take_ownership, force_conflicts, crds, skip_crds, reuse_values,
		reset_values, reset_then_reuse, install, skip_schema, no_hooks;
	long timeout_ms, history_max, parallel;
} o;

static const struct arc_opt install_opts[] = {
	{ "values", 'f', ARC_OPT_LIST, &o.vals.values, "FILE", "Values from a YAML file (repeatable)", NULL, 0 },
	{ "set", 0, ARC_OPT_LIST, &o.vals.set, "KEY=VAL", "Set values (repeatable; key1=val1,key2=val2)", NULL, 0 },
	{ "set-string", 0, ARC_OPT_LIST, &o.vals.set_string, "KEY=VAL", "Set STRING values (repeatable)", NULL, 0 },
	{ "set-json", 0, ARC_OPT_LIST, &o.vals.set_json, "KEY=JSON", "Set JSON values (repeatable)", NULL, 0 },
	{ "set-file", 0, ARC_OPT_LIST, &o.vals.set_file, "KEY=PATH", "Set values from files (repeatable)", NULL, 0 },
	{ "set-literal", 0, ARC_OPT_LIST, &o.vals.set_literal, "KEY=VAL", "Set a literal STRING value", NULL, 0 },
	{ "chart", 0, ARC_OPT_STRING, &o.chart, "CHART",
	  "Chart directory, .tgz, REPO/CHART, or a name with --repo (default: the bundled ARC chart)", NULL, 0 },
	{ "repo", 0, ARC_OPT_STRING, &o.repo, "URL", "Chart repository URL for --chart", NULL, 0 },
	{ "version", 0, ARC_OPT_STRING, &o.version, "CONSTRAINT", "Chart version constraint (with --repo or REPO/CHART)", NULL, 0 },
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
	{ "no-hooks", 0, ARC_OPT_BOOL, &o.no_hooks, NULL,
	  "Do not run the chart's hooks (they are still recorded in the release)", NULL, 0 },
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

extern const struct arc_cmd_spec arc_install_spec, arc_upgrade_spec;
const struct arc_cmd_spec arc_install_spec = {
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

const struct arc_cmd_spec arc_upgrade_spec = {
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

static const char *status_of(const struct arc_release *r)
{
	return r && r->info.status ? r->info.status : ARC_RELEASE_UNKNOWN;
}

/* Go-compatible JSON of a value: equal texts = equal values (an int 2 and a decoded 2.0 too) */
static char *json_text(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (!v || arc_json_dump(&b, v, 0) != 0) {
		arc_error_clear();
		arc_buf_release(&b);
		return xstrdup("");
	}
	return arc_buf_detach(&b, NULL);
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

/* .Capabilities as helm install fills them: the server's gitVersion and its version set */
static int get_caps(struct arc_kube *k, struct caps *c)
{
	struct arc_buf resp = ARC_BUF_INIT;
	arc_value *doc = NULL, *set = NULL;
	long status = 0;
	size_t i;
	int rc = arc_kube_do(k, "GET", "/version", NULL, NULL, 0, &status, &resp);
	if (rc)
		goto out;
	if (status != 200) {
		rc = arc_kube_status_error(status, &resp, "reading the server version");
		goto out;
	}
	if (arc_json_load(&doc, "/version", resp.ptr, resp.len) == 0 && arc_obj_str(doc, "gitVersion"))
		c->kube_version = xstrdup(arc_obj_str(doc, "gitVersion"));
	arc_error_clear();
	if ((rc = arc_kube_api_versions(k, &set)) != 0) {
		arc_error_prefix("discovering the server's API versions");
		goto out;
	}
	c->gv = xcalloc(arc_v_list_len(set) + 1, sizeof(char *));
	for (i = 0; i < arc_v_list_len(set); i++)
		c->gv[c->ngv++] = xstrdup(arc_v_strptr(arc_v_list_at(set, i)));
out:
	arc_v_unref(set);
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

/* ---- rendering: chartsrc's pipeline, turned into objects to apply ---- */

struct rendered {
	arc_value *crds; /* objects of the chart tree's crds/ */
	arc_value *objs; /* the release's objects, in InstallOrder */
	struct arc_buf manifest;
	char *notes;
	struct arc_release_hook *hooks; /* the chart's hooks, as the release records them */
	size_t nhooks;
};

static void rendered_release(struct rendered *r)
{
	arc_v_unref(r->crds);
	arc_v_unref(r->objs);
	arc_buf_release(&r->manifest);
	free(r->notes);
	arc_hooks_free(r->hooks, r->nhooks);
	memset(r, 0, sizeof(*r));
}

static int render(struct rendered *out, struct arc_chart *chart, arc_value *user, const char *name, const char *ns,
		  int revision, int is_upgrade, const struct caps *caps, struct arc_kube *k, int skip_schema,
		  struct arc_warnings *w)
{
	struct arc_chartsrc_opts so;
	struct arc_chartsrc src;
	struct arc_crd *crds = NULL;
	const char *notes;
	size_t i, ncrds, nlen;
	int rc;

	memset(out, 0, sizeof(*out));
	out->crds = arc_v_list();
	out->objs = arc_v_list();
	memset(&so, 0, sizeof(so));
	so.release.name = name;
	so.release.namespace = ns;
	so.release.revision = revision;
	so.release.is_install = !is_upgrade;
	so.release.is_upgrade = is_upgrade;
	so.caps.kube_version = caps ? caps->kube_version : NULL;
	so.caps.api_versions = caps ? (const char *const *)caps->gv : NULL;
	so.caps.n_api_versions = caps ? caps->ngv : 0;
	so.skip_schema = skip_schema;
	if (k) {
		so.tpl.lookup = do_lookup;
		so.tpl.lookup_ctx = k;
	}
	rc = arc_chartsrc_render(&src, chart, user, &so, w);
	if (rc == 0) {
		rc = arc_hooks_from_manifests(&src.man, &out->hooks, &out->nhooks);
		arc_chartsrc_manifest(&out->manifest, &src);
		for (i = 0; i < src.man.nmanifests && !rc; i++)
			rc = arc_deploy_load_docs(out->objs, src.man.manifests[i].path, src.man.manifests[i].content,
				       src.man.manifests[i].len);
		notes = arc_chartsrc_notes(&src, chart, &nlen);
		if (notes)
			out->notes = xstrndup(notes, nlen);
	}
	arc_chartsrc_release(&src);
	if (rc == 0) {
		ncrds = arc_chart_crds(chart, &crds);
		for (i = 0; i < ncrds && !rc; i++)
			rc = arc_deploy_load_docs(out->crds, crds[i].filename, crds[i].file->data, crds[i].file->len);
		arc_crds_free(crds, ncrds);
	}
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
	struct arc_release **hist;
	size_t nhist;
	struct caps caps;
	struct rendered r;
	enum cm_mode cm;
	int arc_chart;     /* the chart has ARC's authSecret/certManagerEnabled values */
	int wait, dry_client, dry_server, json;
	int ca_given;      /* admissionWebHooks.caBundle came from this run's -f/--set */
	char *serving;     /* "ns/name" of the webhook serving Secret kubectl-arc keeps */
	/* what happened, for the summary */
	const char *cm_result;
	const char *secret_result;
	const char *serving_result;
	struct arc_deploy_result applied, deleted;
	int revision, nochange;
};

static int fail_msg(struct run *R, const char *what)
{
	if (R->p)
		arc_progress_done(R->p, 0, NULL);
	fprintf(stderr, "Error: %s%s%s\n", what ? what : "", what ? ": " : "", arc_error_last());
	return 1;
}

static struct arc_release *last_rel(const struct run *R)
{
	return R->nhist ? R->hist[R->nhist - 1] : NULL;
}

/* the revision helm's upgrade starts from: the last deployed one */
static struct arc_release *deployed_rel(const struct run *R)
{
	size_t i = R->nhist;
	while (i-- > 0)
		if (!strcmp(status_of(R->hist[i]), ARC_RELEASE_DEPLOYED))
			return R->hist[i];
	return NULL;
}

/* the user's values: flags, reuse rules of `helm upgrade`, credentials moved out, our injections */
static int is_public_github(const char *url)
{
	static const char *const hosts[] = {"https://github.com", "https://api.github.com"};
	size_t i, n;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		n = strlen(hosts[i]);
		if (!strncmp(url, hosts[i], n) && (!url[n] || !strcmp(url + n, "/")))
			return 1;
	}
	return 0;
}

static int build_values(struct run *R, const struct arc_release *cur)
{
	struct arc_values_opts vo;
	arc_value *user = NULL, *old = cur ? cur->config : NULL;
	int given = arc_chartsrc_values_given(&o.vals);
	int rc, cme_given;
	arc_chartsrc_values_opts(&vo, &o.vals);
	if ((rc = arc_values_user(&user, &vo)) != 0)
		return rc;
	R->ca_given = arc_obj_str(user, "admissionWebHooks.caBundle") != NULL;
	cme_given = arc_v_map_get(user, "certManagerEnabled") != NULL;
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
		/* --cert-manager=auto|skip given again after a release without it: back to cert-manager (the
		 * CA kubectl-arc kept for the self-signed path goes too, not one the values gave) */
		if (o.cert_manager && R->cm != CM_NONE && !cme_given &&
		    (prev = arc_v_map_get(user, "certManagerEnabled")) && prev->kind == ARC_BOOL && !prev->u.b) {
			arc_v_map_del(user, "certManagerEnabled");
			if (!R->ca_given && map_at(user, "admissionWebHooks"))
				arc_v_map_del(map_at(user, "admissionWebHooks"), "caBundle");
		}
		if (!o.auth_secret) {
			const char *pn = old ? arc_obj_str(old, "authSecret.name") : NULL;
			o.auth_secret = pn && *pn ? pn : DEFAULT_SECRET;
		}
		arc_v_map_set(as, "create", arc_v_bool(0));
		arc_v_map_set(as, "name", arc_v_str(o.auth_secret));
		if (R->cm == CM_NONE)
			arc_v_map_set(user, "certManagerEnabled", arc_v_bool(0));
		/* the controller talks to GitHub Enterprise Server when the chart is given its URL;
		 * github.com itself needs nothing */
		if (o.github_url && !is_public_github(o.github_url))
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

/* apply `obj` (a Secret) as its own object; *result: created / updated / unchanged */
static int apply_own_secret(struct run *R, arc_value *obj, const char *ns, const char *name, const char **result)
{
	struct arc_kube_apply_opts ao = { "kubectl-arc", 1, R->dry_server, NULL };
	arc_value *before = NULL, *res = NULL;
	const char *rv0, *rv1;
	int rc = arc_kube_get(R->k, "v1", "Secret", ns, name, &before);
	if (rc && rc != ARC_E_NOTFOUND)
		return rc;
	arc_error_clear();
	rv0 = before ? arc_obj_str(before, "metadata.resourceVersion") : NULL;
	rc = arc_kube_apply(R->k, obj, &ao, &res);
	if (rc == 0) {
		rv1 = res ? arc_obj_str(res, "metadata.resourceVersion") : NULL;
		*result = !before ? "created" : (rv0 && rv1 && !strcmp(rv0, rv1) ? "unchanged" : "updated");
	} else {
		/* the message names the Secret only: arc_kube_apply never quotes the body */
		arc_deploy_hint(0, ns);
	}
	arc_v_unref(before);
	arc_v_unref(res);
	return rc;
}

static int apply_auth_secret(struct run *R)
{
	arc_value *sec = arc_auth_secret(&R->auth, o.auth_secret, R->ns, R->name);
	int rc = apply_own_secret(R, sec, R->ns, o.auth_secret, &R->secret_result);
	arc_v_unref(sec);
	return rc;
}

/* ---- the webhook serving certificate without cert-manager ----
 * With certManagerEnabled=false the chart makes a new CA and serving certificate on every
 * render (into a kubernetes.io/tls Secret and the webhooks' caBundle), so no two renders
 * are alike and every re-run would be a new revision with a new CA.  kubectl-arc keeps the
 * first certificate instead: the Secret is applied as its own object (labelled for Helm so
 * that helm can adopt it, and kubectl-arc/generated so that uninstall finds it), and its CA
 * goes into the values as admissionWebHooks.caBundle, with which the chart renders the same
 * webhooks every time and no Secret (the private key stays out of the release record). */

/* the Secret a Deployment of objs mounts at controller-runtime's webhook certificate directory */
static int serving_secret_name(arc_value *objs, const char *def_ns, const char **ns, const char **name)
{
	size_t i, c, m, v;
	for (i = 0; i < arc_v_list_len(objs); i++) {
		arc_value *d = arc_v_list_at(objs, i), *ctrs, *vols;
		const char *kind = arc_obj_str(d, "kind");
		if (!kind || strcmp(kind, "Deployment"))
			continue;
		ctrs = arc_obj_at(d, "spec.template.spec.containers");
		vols = arc_obj_at(d, "spec.template.spec.volumes");
		for (c = 0; ctrs && ctrs->kind == ARC_LIST && c < arc_v_list_len(ctrs); c++) {
			arc_value *mounts = arc_v_map_get(arc_v_list_at(ctrs, c), "volumeMounts");
			for (m = 0; mounts && mounts->kind == ARC_LIST && m < arc_v_list_len(mounts); m++) {
				arc_value *mt = arc_v_list_at(mounts, m);
				const char *path = arc_obj_str(mt, "mountPath"), *vname = arc_obj_str(mt, "name");
				if (!path || !vname || strcmp(path, CERT_DIR))
					continue;
				for (v = 0; vols && vols->kind == ARC_LIST && v < arc_v_list_len(vols); v++) {
					arc_value *vol = arc_v_list_at(vols, v);
					const char *vn = arc_obj_str(vol, "name");
					const char *sn = arc_obj_str(vol, "secret.secretName");
					if (vn && sn && !strcmp(vn, vname)) {
						*ns = arc_obj_str(d, "metadata.namespace");
						if (!*ns || !**ns)
							*ns = def_ns;
						*name = sn;
						return 1;
					}
				}
			}
		}
	}
	return 0;
}

static arc_value *find_secret(arc_value *objs, const char *name)
{
	size_t i;
	for (i = 0; i < arc_v_list_len(objs); i++) {
		arc_value *s = arc_v_list_at(objs, i);
		const char *kind = arc_obj_str(s, "kind"), *n = arc_obj_str(s, "metadata.name");
		if (kind && n && !strcmp(kind, "Secret") && !strcmp(n, name))
			return s;
	}
	return NULL;
}

/* data[key] of a Secret (keys contain dots: no path lookup) */
static const char *secret_data(arc_value *s, const char *key)
{
	arc_value *d = s ? arc_v_map_get(s, "data") : NULL, *v;
	v = d && d->kind == ARC_MAP ? arc_v_map_get(d, key) : NULL;
	return v && v->kind == ARC_STRING && v->u.s.len ? v->u.s.ptr : NULL;
}

static void set_serving_labels(arc_value *obj, const struct run *R)
{
	arc_value *md = ensure_map(obj, "metadata");
	arc_value *l = ensure_map(md, "labels"), *a = ensure_map(md, "annotations");
	arc_v_map_set(l, "app.kubernetes.io/managed-by", arc_v_str("Helm"));
	arc_v_map_set(l, "app.kubernetes.io/instance", arc_v_str(R->name));
	arc_v_map_set(l, "kubectl-arc/generated", arc_v_str("webhook-serving-cert"));
	arc_v_map_set(a, "meta.helm.sh/release-name", arc_v_str(R->name));
	arc_v_map_set(a, "meta.helm.sh/release-namespace", arc_v_str(R->ns));
}

/* *rerender = 1 when the values changed and the chart must be rendered again */
static int pin_serving_cert(struct run *R, int *rerender)
{
	const char *ns = NULL, *name = NULL, *ca;
	arc_value *rendered, *live = NULL, *obj;
	int rc;
	*rerender = 0;
	if (!R->arc_chart || wants_cert_manager(R) || R->ca_given ||
	    !serving_secret_name(R->r.objs, R->ns, &ns, &name))
		return 0;
	rc = arc_kube_get(R->k, "v1", "Secret", ns, name, &live);
	if (rc && rc != ARC_E_NOTFOUND)
		return rc;
	arc_error_clear();
	rendered = find_secret(R->r.objs, name);
	if (!rendered) {
		/* the chart took the caBundle kept in the values: fine while its Secret is there */
		if (!live && arc_obj_str(R->user, "admissionWebHooks.caBundle")) {
			arc_v_map_del(map_at(R->user, "admissionWebHooks"), "caBundle");
			arc_progress_note(R->p, "the webhook serving certificate Secret %s/%s is gone: making a new one",
					  ns, name);
			*rerender = 1;
		}
		arc_v_unref(live);
		return 0;
	}
	free(R->serving);
	R->serving = xasprintf("%s/%s", ns, name);
	if (live && secret_data(live, "ca.crt") && secret_data(live, "tls.crt") && secret_data(live, "tls.key")) {
		/* keep the certificate that is there (ours, or one an earlier helm revision made) */
		arc_value *md, *labels = arc_obj_at(live, "metadata.labels");
		ca = secret_data(live, "ca.crt");
		/* the whole Secret as it is: applied as kubectl-arc's, with a field left out, server-side
		 * apply would drop what kubectl-arc applied before (the key, the type) */
		obj = arc_v_map();
		arc_v_map_set(obj, "apiVersion", arc_v_str("v1"));
		arc_v_map_set(obj, "kind", arc_v_str("Secret"));
		md = ensure_map(obj, "metadata");
		arc_v_map_set(md, "name", arc_v_str(name));
		arc_v_map_set(md, "namespace", arc_v_str(ns));
		if (labels && labels->kind == ARC_MAP)
			arc_v_map_set(md, "labels", arc_v_copy_deep(labels));
		arc_v_map_set(obj, "type", arc_v_str(arc_obj_str(live, "type") ? arc_obj_str(live, "type") : "kubernetes.io/tls"));
		arc_v_map_set(obj, "data", arc_v_copy_deep(arc_v_map_get(live, "data")));
		set_serving_labels(obj, R);
		rc = apply_own_secret(R, obj, ns, name, &R->serving_result);
		if (!strcmp(R->serving_result ? R->serving_result : "", "updated"))
			R->serving_result = "kept (labels updated)";
		else
			R->serving_result = "kept";
	} else {
		ca = secret_data(rendered, "ca.crt");
		obj = arc_v_copy_deep(rendered);
		set_serving_labels(obj, R);
		{
			arc_value *md = ensure_map(obj, "metadata");
			arc_v_map_set(md, "namespace", arc_v_str(ns));
		}
		rc = apply_own_secret(R, obj, ns, name, &R->serving_result);
	}
	arc_v_unref(obj);
	if (rc) {
		arc_error_prefix("keeping the webhook serving certificate");
		arc_v_unref(live);
		return rc;
	}
	if (!ca) {
		arc_v_unref(live);
		return arc_error_code(ARC_E_PARSE, "the chart's webhook serving certificate Secret %s/%s has no ca.crt",
				      ns, name);
	}
	arc_v_map_set(ensure_map(R->user, "admissionWebHooks"), "caBundle", arc_v_str(ca));
	arc_v_unref(live);
	*rerender = 1;
	return 0;
}

/* ---- the previous manifest ---- */

static arc_value *owned_keys(const char *manifest, const char *ns)
{
	arc_value *objs = NULL, *m = arc_v_map();
	size_t i;
	if (!manifest || arc_deploy_parse_manifest(&objs, manifest, strlen(manifest)) != 0) {
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

/* objects of the old manifest that the new one no longer has (`keep`: "ns/name" of a Secret
 * that stays although it left the manifest, or NULL) */
static arc_value *removed_objects(const char *old_manifest, arc_value *new_objs, const char *ns, const char *keep)
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
	if (keep) {
		char *key = xasprintf("/Secret/%s", keep);
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

/* the next revision, pending, as helm's install / upgrade prepares it */
static int new_release(struct run *R, const struct arc_release *cur, const struct arc_release *last, int revision,
		       struct arc_release **out)
{
	struct arc_release *r = arc_release_new();
	int rc;
	*out = NULL;
	if ((rc = arc_release_chart_from(&r->chart, R->chart, NULL)) != 0) {
		arc_release_free(r);
		return rc;
	}
	r->name = xstrdup(R->name);
	r->namespace = xstrdup(R->ns);
	r->version = revision;
	r->apply_method = xstrdup("ssa");
	r->config = arc_v_ref(R->user);
	r->manifest = xstrdup(arc_buf_cstr(&R->r.manifest));
	r->hooks = arc_hooks_copy(R->r.hooks, R->r.nhooks);
	r->nhooks = R->r.nhooks;
	r->info.notes = R->r.notes ? xstrdup(R->r.notes) : NULL;
	r->info.last_deployed = arc_release_now();
	r->info.first_deployed =
		xstrdup(cur && cur->info.first_deployed ? cur->info.first_deployed : r->info.last_deployed);
	/* helm's upgrade carries the last record's labels over */
	if (cur && last && last->labels)
		r->labels = arc_v_ref(last->labels);
	arc_release_set_status(r, cur ? ARC_RELEASE_PENDING_UPGRADE : ARC_RELEASE_PENDING_INSTALL,
			       o.description ? o.description : cur ? "Preparing upgrade" : "Initial install underway");
	*out = r;
	return 0;
}

/* the stored chart (its metadata) against the chart's metadata */
static int same_chart(const struct arc_release *cur, arc_value *md)
{
	arc_value *smd = cur->chart ? cur->chart->metadata : NULL;
	const char *an = smd ? arc_obj_str(smd, "name") : NULL, *bn = md ? arc_obj_str(md, "name") : NULL;
	const char *av = smd ? arc_obj_str(smd, "version") : NULL, *bv = md ? arc_obj_str(md, "version") : NULL;
	return an && bn && av && bv && !strcmp(an, bn) && !strcmp(av, bv);
}

/* the deployed revision already has this chart, these values and this manifest */
static int unchanged(struct run *R, const struct arc_release *cur)
{
	char *a, *b;
	int same;
	if (!cur || cur != last_rel(R) || !cur->manifest || !same_chart(cur, R->chart->metadata) ||
	    strcmp(cur->manifest, arc_buf_cstr(&R->r.manifest)))
		return 0;
	a = json_text(cur->config ? cur->config : NULL);
	b = json_text(R->user);
	/* an empty config is stored as none */
	same = !strcmp(a, b) || ((!*a || !strcmp(a, "null") || !strcmp(a, "{}")) && !strcmp(b, "{}"));
	free(a);
	free(b);
	return same;
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
		if (R->serving) {
			arc_value *sc = arc_v_map();
			arc_v_map_set(sc, "secret", arc_v_str(R->serving));
			arc_v_map_set(sc, "result", arc_v_str(R->serving_result ? R->serving_result : "kept"));
			arc_v_map_set(m, "webhookCertificate", sc);
		}
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
	rc = render(&R->r, R->chart, R->user, R->name, R->ns, 1, R->upgrade, NULL, NULL, o.skip_schema, &w);
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
	for (i = 0; i < R->r.nhooks; i++) {
		const struct arc_release_hook *h = &R->r.hooks[i];
		size_t j;
		printf("---\n# Source: %s\n# hook%s:", h->path, o.no_hooks ? " (not run: --no-hooks)" : "");
		for (j = 0; j < h->nevents; j++)
			printf("%s %s", j ? "," : "", h->events[j]);
		printf("\n%s\n", h->manifest);
	}
	if (R->r.notes && !o.quiet)
		printf("\nNOTES:\n%s\n", R->r.notes);
	arc_buf_release(&b);
	return 0;
}

/* the hooks of `event` in rel, within what is left of --timeout (none with --no-hooks or a dry run) */
static int run_hooks(struct run *R, struct arc_release *rel, const char *event, long start_ms)
{
	struct arc_hooks_opts ho;
	if (R->dry_server || o.no_hooks || !arc_hooks_count(rel, event))
		return 0;
	memset(&ho, 0, sizeof(ho));
	ho.namespace = R->ns;
	ho.timeout_ms = o.timeout_ms - (arc_progress_elapsed_ms(R->p) - start_ms);
	if (ho.timeout_ms < 1000)
		ho.timeout_ms = 1000;
	ho.progress = R->p;
	ho.write_record = 1;
	return arc_hooks_run(R->k, rel, event, &ho);
}

/* --atomic after a failure: a new release is uninstalled, an upgrade rolled back to `cur` as a
 * new revision (helm's rollback: the rolled-back-to contents, "Rollback to N") */
static void roll_back(struct run *R, const struct arc_release *cur, struct arc_release *rel,
		      const struct arc_deploy_opts *dopt)
{
	struct arc_deploy_result dr;
	struct arc_release *back = NULL;
	arc_value *objs = NULL, *gone;
	struct arc_deploy_opts ro = *dopt;
	char *desc;
	arc_error_clear();
	if (!cur) {
		/* as helm's uninstall: with the release's pre-delete and post-delete hooks */
		int ok = run_hooks(R, rel, "pre-delete", arc_progress_elapsed_ms(R->p)) == 0;
		if (ok) {
			arc_progress_step(R->p, "Rolling back: uninstalling the failed release");
			ok = arc_deploy_delete(R->k, R->r.objs, dopt, &dr, NULL) == 0 &&
			     arc_release_delete(R->k, R->ns, R->name, R->revision, NULL) == 0;
		}
		if (ok)
			arc_progress_done(R->p, 1, "Uninstalled the failed release (--atomic)");
		else
			arc_progress_done(R->p, 0, "Rolling back failed: %s", arc_error_last());
		if (ok && run_hooks(R, rel, "post-delete", arc_progress_elapsed_ms(R->p)) != 0)
			arc_progress_done(R->p, 0, "Rolling back: %s", arc_error_last());
		return;
	}
	/* as helm's rollback: a new revision with the contents of `cur`, pending-rollback while its
	 * pre-rollback hooks run, the objects are put back and its post-rollback hooks run */
	if (!cur->manifest || arc_deploy_parse_manifest(&objs, cur->manifest, strlen(cur->manifest)) != 0) {
		arc_progress_done(R->p, 0, "Rolling back failed: the manifest of revision %d cannot be read", cur->version);
		return;
	}
	if (arc_release_get(R->k, R->ns, R->name, cur->version, &back) != 0) {
		arc_progress_done(R->p, 0, "Rolling back failed: %s", arc_error_last());
		arc_v_unref(objs);
		return;
	}
	back->version = R->revision + 1;
	arc_release_set_str(&back->info.deleted, NULL);
	free(back->info.last_deployed);
	back->info.last_deployed = arc_release_now();
	desc = xasprintf("Rollback to %d", cur->version);
	arc_release_set_status(back, ARC_RELEASE_PENDING_ROLLBACK, desc);
	if (arc_release_create(R->k, back) != 0) {
		arc_progress_done(R->p, 0, "Rolling back failed: %s", arc_error_last());
		goto out;
	}
	if (run_hooks(R, back, "pre-rollback", arc_progress_elapsed_ms(R->p)) != 0)
		goto failed;
	arc_progress_step(R->p, "Rolling back to revision %d", cur->version);
	ro.owned = NULL;
	ro.take_ownership = 1;
	if (arc_deploy_apply(R->k, NULL, objs, &ro, &dr) != 0)
		goto failed;
	gone = removed_objects(arc_buf_cstr(&R->r.manifest), objs, R->ns, R->serving);
	if (arc_deploy_delete(R->k, gone, dopt, &dr, NULL) != 0)
		arc_error_clear();
	arc_v_unref(gone);
	arc_progress_done(R->p, 1, "Put back the objects of revision %d", cur->version);
	if (run_hooks(R, back, "post-rollback", arc_progress_elapsed_ms(R->p)) != 0)
		goto failed;
	arc_release_set_status(back, ARC_RELEASE_DEPLOYED, desc);
	if (arc_release_update(R->k, back) != 0 ||
	    arc_release_mark(R->k, R->ns, R->name, cur->version, ARC_RELEASE_SUPERSEDED, NULL) != 0)
		arc_progress_note(R->p, "Rolling back failed: %s", arc_error_last());
	else
		arc_progress_note(R->p, "Rolled back to revision %d (--atomic)", cur->version);
	goto out;
failed:
	{
		char *m = xasprintf("Rollback \"%s\" failed: %s", R->name, arc_error_last());
		arc_progress_done(R->p, 0, "%s", m);
		arc_release_set_status(back, ARC_RELEASE_FAILED, m);
		if (arc_release_update(R->k, back) != 0)
			arc_error_clear();
		free(m);
	}
out:
	free(desc);
	arc_v_unref(objs);
	arc_release_free(back);
}

/* render, then keep the webhook serving certificate stable (at most two more renders) */
static int render_release(struct run *R, int revision, int is_upgrade, struct arc_warnings *w)
{
	int pass, again = 0, rc;
	for (pass = 0; pass < 3; pass++) {
		rendered_release(&R->r);
		rc = render(&R->r, R->chart, R->user, R->name, R->ns, revision, is_upgrade, &R->caps, R->k,
			    o.skip_schema, w);
		if (rc) {
			arc_error_prefix("rendering the chart");
			return rc;
		}
		if (pass == 2)
			break;
		if ((rc = pin_serving_cert(R, &again)) != 0)
			return rc;
		if (!again)
			break;
	}
	return 0;
}

static int run_cluster(struct run *R)
{
	struct arc_warnings w = { NULL, 0, 0 };
	struct arc_deploy_opts dopt;
	struct arc_release *last, *cur, *rel = NULL;
	arc_value *owned = NULL, *keys = NULL;
	long start_ms = arc_progress_elapsed_ms(R->p), left;
	int rc, revision, ret = 1, is_upgrade, need_cm;
	char *err = NULL;

	if (arc_kube_open(&R->k, &R->kf) != 0)
		return fail_msg(R, NULL);
	arc_kube_set_log(R->k, arc_log_to_stderr, NULL);

	arc_progress_step(R->p, "Connecting to %s", arc_kube_cfg(R->k)->server);
	if (get_caps(R->k, &R->caps) != 0)
		return fail_msg(R, NULL);
	if (arc_release_history(R->k, R->ns, R->name, &R->hist, &R->nhist) != 0)
		return fail_msg(R, NULL);
	arc_progress_done(R->p, 1, "Connected to %s (Kubernetes %s)", arc_kube_cfg(R->k)->server,
			  R->caps.kube_version ? R->caps.kube_version : "?");

	last = last_rel(R);
	cur = deployed_rel(R);
	if (last && !strcmp(status_of(last), ARC_RELEASE_UNINSTALLED))
		last = NULL, cur = NULL;
	if (R->upgrade && !last && !o.install) {
		arc_error_code(ARC_E_NOTFOUND, "release \"%s\" not found in namespace %s: install it first "
					       "(`%s install`) or pass --install", R->name, R->ns, arc_prog());
		return fail_msg(R, NULL);
	}
	if (last && !strncmp(status_of(last), "pending-", 8))
		arc_progress_note(R->p, "revision %d was left %s (an interrupted run): completing it now",
				  last->version, status_of(last));
	is_upgrade = cur != NULL;
	revision = R->nhist ? R->hist[R->nhist - 1]->version + 1 : 1;

	/* the values, then the credentials (a prompt comes before any live display), then the namespace */
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
	if (ensure_namespace(R) != 0) {
		arc_v_unref(keys);
		return fail_msg(R, NULL);
	}

	memset(&dopt, 0, sizeof(dopt));
	dopt.flags = &R->kf;
	dopt.log_fn = arc_log_to_stderr;
	dopt.field_manager = "helm";
	/* a revision written by client-side apply (helm 3, or helm 4 without SSA) left its fields to the "helm"
	 * manager's Update operation: server-side apply takes them over, as helm 4 does when it switches a
	 * release to SSA */
	{
		const struct arc_release *src = cur ? cur : last;
		dopt.force = o.force_conflicts || (src && (!src->apply_method || strcmp(src->apply_method, "ssa")));
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
		R->cm_result = R->cm == CM_NONE || R->arc_chart ? "none (ARC's self-signed certificates)" : "not needed";
	} else if (R->cm == CM_SKIP) {
		R->cm_result = "skipped (--cert-manager=skip)";
	} else {
		struct arc_cm_state st;
		int healthy;
		arc_progress_step(R->p, "Checking cert-manager");
		healthy = arc_cm_detect(R->k, &st);
		if (healthy < 0) {
			arc_cm_state_release(&st);
			arc_v_unref(keys);
			arc_deploy_hint(0, R->ns);
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
				arc_v_unref(keys);
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
			if (apply_auth_secret(R) != 0) {
				arc_v_unref(keys);
				return fail_msg(R, NULL);
			}
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
	rc = render_release(R, revision, is_upgrade, &w);
	if (w.n && R->p)
		arc_progress_done(R->p, rc == 0, NULL);
	print_warnings(&w);
	if (rc)
		return fail_msg(R, NULL);
	arc_progress_done(R->p, 1, "Rendered %zu objects and %zu CRDs", arc_v_list_len(R->r.objs),
			  arc_v_list_len(R->r.crds));

	/* nothing to do? (the same chart, values and manifest as the deployed revision) */
	if (!R->dry_server && unchanged(R, cur)) {
		struct arc_deploy_opts vo = dopt;
		owned = owned_keys(cur->manifest, R->ns);
		vo.owned = owned;
		arc_progress_step(R->p, "Checking the %zu objects of revision %d", arc_v_list_len(R->r.objs),
				  cur->version);
		if (arc_deploy_apply(R->k, o.skip_crds ? NULL : R->r.crds, R->r.objs, &vo, &R->applied) != 0) {
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
			       !strcmp(R->secret_result, "existing")) &&
			      (!R->serving_result || !strcmp(R->serving_result, "kept"));
		if (!R->json && !o.quiet)
			fprintf(stderr, "%s\n", R->nochange ? "Nothing to do: the release is installed and up to date."
							    : "The release was up to date; drifted objects were repaired.");
		print_summary(R, ARC_RELEASE_DEPLOYED, arc_progress_elapsed_ms(R->p));
		return 0;
	}

	R->revision = revision;
	if (new_release(R, cur, last, revision, &rel) != 0)
		return fail_msg(R, "recording the release");
	if (!R->dry_server) {
		/* helm's Storage.Create: prune to --history-max before the new record */
		if (o.history_max > 0 && arc_release_prune(R->k, R->ns, R->name, (int)o.history_max - 1, NULL) != 0)
			arc_error_clear();
		if (arc_release_create(R->k, rel) != 0) {
			arc_release_free(rel);
			return fail_msg(R, NULL);
		}
		/* a stale pending record of an interrupted run is over */
		if (last && !strncmp(status_of(last), "pending-", 8) &&
		    arc_release_mark(R->k, R->ns, R->name, last->version, ARC_RELEASE_FAILED,
				     "Interrupted before it completed; continued by a later revision") != 0)
			arc_error_clear();
	}

	/* pre-install or pre-upgrade hooks */
	if (run_hooks(R, rel, cur ? "pre-upgrade" : "pre-install", start_ms) != 0)
		goto failed;

	/* apply */
	owned = cur ? owned_keys(cur->manifest, R->ns) : NULL;
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
		arc_value *gone = removed_objects(cur->manifest, R->r.objs, R->ns, R->serving);
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
	if (run_hooks(R, rel, cur ? "post-upgrade" : "post-install", start_ms) != 0)
		goto failed;
	arc_release_set_status(rel, ARC_RELEASE_DEPLOYED,
			       o.description ? o.description : is_upgrade ? "Upgrade complete" : "Install complete");
	if (arc_release_update(R->k, rel) != 0)
		goto failed;
	if (cur && arc_release_mark(R->k, R->ns, R->name, cur->version, ARC_RELEASE_SUPERSEDED, NULL) != 0)
		arc_error_clear();
	print_summary(R, ARC_RELEASE_DEPLOYED, arc_progress_elapsed_ms(R->p));
	ret = 0;
	goto out;

failed:
	err = xstrdup(arc_error_last());
	arc_progress_done(R->p, 0, NULL);
	if (!R->dry_server) {
		char *desc = xasprintf("Release \"%s\" failed: %s", R->name, err);
		arc_release_set_status(rel, ARC_RELEASE_FAILED, desc);
		free(desc);
		if (arc_release_update(R->k, rel) != 0)
			arc_error_clear();
		if (o.atomic)
			roll_back(R, cur, rel, &dopt);
	}
	fprintf(stderr, "Error: %s\n", err);
	ret = 1;
out:
	free(err);
	arc_v_unref(owned);
	arc_release_free(rel);
	return ret;
}

static int run(int argc, char **argv, int upgrade)
{
	const struct arc_cmd_spec *spec = upgrade ? &arc_upgrade_spec : &arc_install_spec;
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
	if (!arc_chartsrc_valid_release_name(R.name)) {
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
	if (R.auth.warning[0] && !o.quiet)
		fprintf(stderr, "%s\n", R.auth.warning);
	{
		struct arc_repo_http h;
		memset(&h, 0, sizeof(h));
		if (arc_chartsrc_load(&R.chart, o.chart, o.repo, o.version, &h) != 0 || arc_chartsrc_check(R.chart) != 0) {
			fprintf(stderr, "Error: loading the chart: %s\n", arc_error_last());
			goto done;
		}
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
	arc_release_list_free(R.hist, R.nhist);
	free(R.serving);
	caps_release(&R.caps);
	arc_kube_close(R.k);
	arc_chart_free(R.chart);
	arc_v_unref(R.user);
	arc_auth_release(&R.auth);
	arc_strlist_release(&pos);
	arc_chartsrc_values_release(&o.vals);
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
