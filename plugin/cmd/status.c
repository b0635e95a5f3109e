/* status.c - `kubectl arc status [NAME]`: the release, the controller and its
 * webhook, cert-manager, the CRDs, the auth Secret (keys only) and runner counts */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../chart/release.h"
#include "../value/codec.h"
#include "certmanager.h"
#include "cmd.h"
#include "deploy.h"
#include "kubeflags.h"
#include "output.h"

static struct {
	const char *output;
} o;

static const struct arc_opt status_opts[] = {
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "json: machine-readable", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const status_tables[] = { status_opts, arc_kube_opts, NULL };
extern const struct arc_cmd_spec arc_status_spec;
const struct arc_cmd_spec arc_status_spec = {
	"status", "[NAME] [flags]", "Show the state of the ARC installation",
	"The release (revision, status, chart, app version, last deployed), the controller Deployment and its "
	"webhook endpoints, cert-manager, the CRDs, the auth Secret (its keys, never their values) and how many "
	"runners, runner deployments and autoscalers exist.",
	"kubectl arc status\nkubectl arc status -o json", status_tables,
};

static long num(arc_value *obj, const char *path)
{
	arc_value *v = arc_obj_at(obj, path);
	return !v ? 0 : v->kind == ARC_INT ? (long)v->u.i : v->kind == ARC_FLOAT ? (long)v->u.f : 0;
}

struct counter {
	long n, ready;
};

static int count_obj(void *ctx, arc_value *item)
{
	struct counter *c = ctx;
	arc_value *r = arc_obj_at(item, "status.ready");
	c->n++;
	if (r && r->kind == ARC_BOOL && r->u.b)
		c->ready++;
	return 0;
}

/* a read that failed for another reason than absence: say so instead of "missing" */
static void read_error(arc_value *e, int rc)
{
	const char *m = arc_error_last();
	if (rc == 0 || rc == ARC_E_NOTFOUND)
		return;
	arc_v_map_set(e, "error", arc_v_str(strstr(m, "forbidden") ? "forbidden to your Kubernetes user" : m));
}

static const char *unreadable(arc_value *e)
{
	arc_value *v = arc_v_map_get(e, "error");
	return v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
}

/* CRDs the release's chart carries (crds/ files in the stored chart) */
static arc_value *crd_names(const struct arc_release *rel)
{
	arc_value *out = arc_v_list();
	size_t i, j;
	for (i = 0; rel->chart && i < rel->chart->nfiles; i++) {
		const struct arc_release_file *f = &rel->chart->files[i];
		arc_value *docs = NULL;
		if (!f->name || strncmp(f->name, "crds/", 5))
			continue;
		if (arc_deploy_parse_manifest(&docs, f->data ? f->data : "", f->len) == 0)
			for (j = 0; j < arc_v_list_len(docs); j++) {
				arc_value *d = arc_v_list_at(docs, j);
				if (arc_obj_str(d, "kind") && !strcmp(arc_obj_str(d, "kind"), "CustomResourceDefinition"))
					arc_v_list_push(out, arc_v_ref(d));
			}
		arc_error_clear();
		arc_v_unref(docs);
	}
	return out;
}

static const char *md_str(const struct arc_release *rel, const char *key)
{
	const char *v = rel->chart && rel->chart->metadata ? arc_obj_str(rel->chart->metadata, key) : NULL;
	return v ? v : "";
}

int arc_cmd_status(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_kube_flags kf;
	struct arc_kube *k = NULL;
	struct arc_release **hist = NULL, *rel;
	size_t nhist = 0, i, j;
	arc_value *objs = NULL, *out = arc_v_map(), *ctl = arc_v_list(), *hooks = arc_v_list();
	arc_value *crds = NULL, *crdout = arc_v_list(), *runners = arc_v_map();
	const char *name, *ns, *secret;
	int rc, ret = 1, json;
	struct arc_buf b = ARC_BUF_INIT;

	memset(&o, 0, sizeof(o));
	memset(&arc_kube_cli, 0, sizeof(arc_kube_cli));
	rc = arc_opts_parse(&arc_status_spec, argc, argv, &pos);
	if (rc == 1) {
		ret = 0;
		goto done;
	}
	if (rc || pos.n > 1) {
		fprintf(stderr, "Error: %s\nSee '%s status --help'.\n",
			rc ? arc_error_last() : "expected at most one argument (the release NAME)", arc_prog());
		ret = 2;
		goto done;
	}
	json = o.output && !strcmp(o.output, "json");
	name = pos.n ? pos.v[0] : "actions-runner-controller";
	ns = arc_kube_cli.namespace && *arc_kube_cli.namespace ? arc_kube_cli.namespace : NULL;
	if (!ns) {
		const char *hn = getenv("HELM_NAMESPACE");
		ns = getenv("HELM_PLUGIN_NAME") && hn && *hn && strcmp(hn, "default") ? hn : "actions-runner-system";
	}
	arc_kube_cli_flags(&kf);
	kf.namespace = ns;
	if (arc_kube_open(&k, &kf) != 0 || arc_release_history(k, ns, name, &hist, &nhist) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	arc_kube_set_log(k, arc_log_to_stderr, NULL);
	if (!nhist) {
		fprintf(stderr, "Error: release \"%s\" not found in namespace %s (install it with `%s install`)\n", name, ns,
			arc_prog());
		goto done;
	}
	rel = hist[nhist - 1];
	arc_v_map_set(out, "name", arc_v_str(name));
	arc_v_map_set(out, "namespace", arc_v_str(ns));
	arc_v_map_set(out, "revision", arc_v_int(rel->version));
	arc_v_map_set(out, "status", arc_v_str(rel->info.status ? rel->info.status : ARC_RELEASE_UNKNOWN));
	arc_v_map_set(out, "description", arc_v_str(rel->info.description ? rel->info.description : ""));
	arc_v_map_set(out, "chart", arc_v_str(md_str(rel, "name")));
	arc_v_map_set(out, "chartVersion", arc_v_str(md_str(rel, "version")));
	arc_v_map_set(out, "appVersion", arc_v_str(md_str(rel, "appVersion")));
	arc_v_map_set(out, "lastDeployed", arc_v_str(rel->info.last_deployed ? rel->info.last_deployed : ""));

	/* controller Deployments and webhook Services of the manifest */
	if (rel->manifest && arc_deploy_parse_manifest(&objs, rel->manifest, strlen(rel->manifest)) != 0) {
		arc_error_clear();
		objs = NULL;
	}
	for (i = 0; objs && i < arc_v_list_len(objs); i++) {
		arc_value *obj = arc_v_list_at(objs, i);
		const char *kind = arc_obj_str(obj, "kind");
		if (kind && !strcmp(kind, "Deployment")) {
			const char *dns = arc_obj_str(obj, "metadata.namespace");
			arc_value *d = NULL, *e = arc_v_map();
			arc_v_map_set(e, "name", arc_v_str(arc_obj_str(obj, "metadata.name")));
			rc = arc_kube_get(k, "apps/v1", "Deployment", dns ? dns : ns, arc_obj_str(obj, "metadata.name"), &d);
			if (rc == 0) {
				arc_v_map_set(e, "replicas", arc_v_int(num(d, "spec.replicas")));
				arc_v_map_set(e, "ready", arc_v_int(num(d, "status.readyReplicas")));
				arc_v_map_set(e, "available", arc_v_int(num(d, "status.availableReplicas")));
				arc_v_map_set(e, "rolledOut", arc_v_bool(arc_kube_pred_rollout(NULL, d) > 0));
			} else {
				arc_v_map_set(e, "missing", arc_v_bool(rc == ARC_E_NOTFOUND));
				read_error(e, rc);
			}
			arc_error_clear();
			arc_v_unref(d);
			arc_v_list_push(ctl, e);
		} else if (kind && (!strcmp(kind, "MutatingWebhookConfiguration") ||
				    !strcmp(kind, "ValidatingWebhookConfiguration"))) {
			arc_value *wh = arc_v_map_get(obj, "webhooks");
			for (j = 0; wh && wh->kind == ARC_LIST && j < arc_v_list_len(wh); j++) {
				arc_value *svc = arc_obj_at(arc_v_list_at(wh, j), "clientConfig.service");
				const char *sname = svc ? arc_obj_str(svc, "name") : NULL, *sns;
				size_t x;
				int dup = 0;
				if (!sname)
					continue;
				sns = arc_obj_str(svc, "namespace") ? arc_obj_str(svc, "namespace") : ns;
				for (x = 0; x < arc_v_list_len(hooks); x++)
					if (!strcmp(arc_obj_str(arc_v_list_at(hooks, x), "name"), sname))
						dup = 1;
				if (!dup) {
					arc_value *e = arc_v_map();
					int n = arc_deploy_service_ready(k, sns, sname);
					arc_error_clear();
					arc_v_map_set(e, "name", arc_v_str(sname));
					arc_v_map_set(e, "namespace", arc_v_str(sns));
					arc_v_map_set(e, "readyEndpoints", arc_v_int(n < 0 ? 0 : n));
					arc_v_list_push(hooks, e);
				}
			}
		}
	}
	arc_v_map_set(out, "controller", arc_v_ref(ctl));
	arc_v_map_set(out, "webhooks", arc_v_ref(hooks));

	/* cert-manager */
	{
		arc_value *cme = rel->config ? arc_obj_at(rel->config, "certManagerEnabled") : NULL, *cm = arc_v_map();
		if (cme && cme->kind == ARC_BOOL && !cme->u.b) {
			arc_v_map_set(cm, "used", arc_v_bool(0));
		} else {
			struct arc_cm_state st;
			int h = arc_cm_detect(k, &st);
			char *d = h >= 0 ? arc_cm_describe(&st) : xstrdup(arc_error_last());
			arc_error_clear();
			arc_v_map_set(cm, "used", arc_v_bool(1));
			arc_v_map_set(cm, "healthy", arc_v_bool(h > 0));
			arc_v_map_set(cm, "summary", arc_v_str_take(d, strlen(d)));
			arc_cm_state_release(&st);
		}
		arc_v_map_set(out, "certManager", cm);
	}

	/* CRDs and the objects of their kinds */
	crds = crd_names(rel);
	for (i = 0; i < arc_v_list_len(crds); i++) {
		arc_value *c = arc_v_list_at(crds, i), *live = NULL, *e = arc_v_map();
		const char *cname = arc_obj_str(c, "metadata.name"), *group = arc_obj_str(c, "spec.group");
		const char *kind = arc_obj_str(c, "spec.names.kind");
		arc_value *vers = arc_obj_at(c, "spec.versions");
		const char *ver = NULL;
		for (j = 0; vers && vers->kind == ARC_LIST && j < arc_v_list_len(vers); j++) {
			arc_value *sv = arc_obj_at(arc_v_list_at(vers, j), "storage");
			if (!ver || (sv && sv->kind == ARC_BOOL && sv->u.b))
				ver = arc_obj_str(arc_v_list_at(vers, j), "name");
		}
		arc_v_map_set(e, "name", arc_v_str(cname ? cname : ""));
		rc = arc_kube_get(k, "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL, cname ? cname : "",
				  &live);
		arc_v_map_set(e, "present", arc_v_bool(rc == 0));
		read_error(e, rc);
		arc_v_map_set(e, "established", arc_v_bool(rc == 0 && arc_kube_pred_established(NULL, live) > 0));
		if (rc == 0 && group && kind && ver) {
			struct counter cnt = { 0, 0 };
			char *av = xasprintf("%s/%s", group, ver);
			if (arc_kube_list(k, av, kind, NULL, NULL, NULL, 0, count_obj, &cnt, NULL) == 0) {
				arc_value *r = arc_v_map();
				arc_v_map_set(r, "count", arc_v_int(cnt.n));
				if (!strcmp(kind, "Runner"))
					arc_v_map_set(r, "ready", arc_v_int(cnt.ready));
				arc_v_map_set(runners, kind, r);
			}
			free(av);
		}
		arc_error_clear();
		arc_v_unref(live);
		arc_v_list_push(crdout, e);
	}
	arc_v_map_set(out, "crds", arc_v_ref(crdout));
	arc_v_map_set(out, "runners", arc_v_ref(runners));

	/* the auth Secret: keys only */
	secret = rel->config ? arc_obj_str(rel->config, "authSecret.name") : NULL;
	{
		arc_value *s = NULL, *e = arc_v_map(), *keys = arc_v_list();
		if (!secret)
			secret = "controller-manager";
		arc_v_map_set(e, "name", arc_v_str(secret));
		rc = arc_kube_get(k, "v1", "Secret", ns, secret, &s);
		if (rc == 0) {
			arc_value *data = arc_v_map_get(s, "data");
			for (i = 0; data && data->kind == ARC_MAP && i < arc_v_map_len(data); i++)
				arc_v_list_push(keys, arc_v_str(arc_v_map_key(data, i)));
			arc_v_map_set(e, "present", arc_v_bool(1));
		} else {
			arc_v_map_set(e, "present", arc_v_bool(0));
			read_error(e, rc);
		}
		arc_error_clear();
		arc_v_unref(s);
		arc_v_map_set(e, "keys", keys);
		arc_v_map_set(out, "authSecret", e);
	}

	if (json) {
		arc_json_dump(&b, out, ARC_JSON_INDENT);
		printf("%s\n", arc_buf_cstr(&b));
	} else {
		arc_value *sec = arc_v_map_get(out, "authSecret"), *cm = arc_v_map_get(out, "certManager");
		printf("NAME: %s\nNAMESPACE: %s\nREVISION: %d\nSTATUS: %s\n", name, ns, rel->version,
		       arc_obj_str(out, "status"));
		if (rel->info.description && *rel->info.description)
			printf("DESCRIPTION: %s\n", rel->info.description);
		printf("CHART: %s-%s\nAPP VERSION: %s\nLAST DEPLOYED: %s\n", arc_obj_str(out, "chart"),
		       arc_obj_str(out, "chartVersion"), arc_obj_str(out, "appVersion"), arc_obj_str(out, "lastDeployed"));
		for (i = 0; i < arc_v_list_len(ctl); i++) {
			arc_value *e = arc_v_list_at(ctl, i);
			if (unreadable(e))
				printf("CONTROLLER: Deployment %s/%s UNKNOWN (cannot read it: %s)\n", ns, arc_obj_str(e, "name"),
				       unreadable(e));
			else if (arc_v_map_get(e, "missing"))
				printf("CONTROLLER: Deployment %s/%s is missing\n", ns, arc_obj_str(e, "name"));
			else
				printf("CONTROLLER: Deployment %s/%s %ld/%ld ready%s\n", ns, arc_obj_str(e, "name"),
				       num(e, "ready"), num(e, "replicas"),
				       arc_v_truthy(arc_v_map_get(e, "rolledOut")) ? ", rolled out" : ", rolling out");
		}
		for (i = 0; i < arc_v_list_len(hooks); i++) {
			arc_value *e = arc_v_list_at(hooks, i);
			printf("WEBHOOK: Service %s/%s, %ld ready endpoint%s\n", arc_obj_str(e, "namespace"),
			       arc_obj_str(e, "name"), num(e, "readyEndpoints"), num(e, "readyEndpoints") == 1 ? "" : "s");
		}
		if (arc_v_truthy(arc_v_map_get(cm, "used")))
			printf("CERT-MANAGER: %s%s\n", arc_obj_str(cm, "summary"),
			       arc_v_truthy(arc_v_map_get(cm, "healthy")) ? "" : " (NOT READY)");
		else
			printf("CERT-MANAGER: not used (certManagerEnabled=false)\n");
		for (i = 0; i < arc_v_list_len(crdout); i++) {
			arc_value *e = arc_v_list_at(crdout, i);
			if (unreadable(e)) {
				printf("CRD: %s UNKNOWN (cannot read it: %s)\n", arc_obj_str(e, "name"), unreadable(e));
				continue;
			}
			printf("CRD: %s %s\n", arc_obj_str(e, "name"),
			       !arc_v_truthy(arc_v_map_get(e, "present"))       ? "MISSING"
			       : arc_v_truthy(arc_v_map_get(e, "established")) ? "Established"
									   : "not Established");
		}
		printf("AUTH SECRET: %s/%s", ns, secret);
		if (arc_v_truthy(arc_v_map_get(sec, "present"))) {
			arc_value *keys = arc_v_map_get(sec, "keys");
			printf(" (keys:");
			for (i = 0; i < arc_v_list_len(keys); i++)
				printf(" %s", arc_v_strptr(arc_v_list_at(keys, i)));
			printf(")\n");
		} else if (unreadable(sec)) {
			printf(" UNKNOWN (cannot read it: %s)\n", unreadable(sec));
		} else {
			printf(" MISSING\n");
		}
		for (i = 0; i < arc_v_map_len(runners); i++) {
			arc_value *r = arc_v_map_val(runners, i);
			printf("%s: %ld", arc_v_map_key(runners, i), num(r, "count"));
			if (arc_v_map_get(r, "ready"))
				printf(" (%ld ready)", num(r, "ready"));
			printf("\n");
		}
	}
	ret = 0;
done:
	fflush(stdout);
	arc_buf_release(&b);
	arc_v_unref(objs);
	arc_v_unref(out);
	arc_v_unref(ctl);
	arc_v_unref(hooks);
	arc_v_unref(crds);
	arc_v_unref(crdout);
	arc_v_unref(runners);
	arc_release_list_free(hist, nhist);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	arc_strlist_release(&arc_kube_cli.as_groups);
	return ret;
}
