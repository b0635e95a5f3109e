/* certmanager.c - detecting, installing and waiting for cert-manager */
#include "certmanager.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../chart/repo.h"
#include "../value/codec.h"

#define MAX_MANIFEST (32u << 20)

static const char *const cm_crds[] = {
	"certificates.cert-manager.io",
	"certificaterequests.cert-manager.io",
	"issuers.cert-manager.io",
	"clusterissuers.cert-manager.io",
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void arc_cm_state_release(struct arc_cm_state *st)
{
	free(st->webhook_ns);
	free(st->webhook_name);
	free(st->version);
	memset(st, 0, sizeof(*st));
}

char *arc_cm_manifest_url(const char *version)
{
	const char *v = version && *version ? version : ARC_CM_DEFAULT_VERSION;
	return xasprintf("https://github.com/cert-manager/cert-manager/releases/download/%s%s/cert-manager.yaml",
			 v[0] == 'v' ? "" : "v", v);
}

struct find_ctx {
	char *ns, *name, *version;
};

static int on_deploy(void *ctx, arc_value *d)
{
	struct find_ctx *f = ctx;
	if (f->name)
		return 0;
	f->ns = xstrdup(arc_obj_str(d, "metadata.namespace") ? arc_obj_str(d, "metadata.namespace") : "");
	f->name = xstrdup(arc_obj_str(d, "metadata.name") ? arc_obj_str(d, "metadata.name") : "");
	{
		arc_value *l = arc_obj_at(d, "metadata.labels"), *v;
		v = l && l->kind == ARC_MAP ? arc_v_map_get(l, "app.kubernetes.io/version") : NULL;
		if (v && v->kind == ARC_STRING)
			f->version = xstrdup(v->u.s.ptr);
	}
	return 0;
}

int arc_cm_detect(struct arc_kube *k, struct arc_cm_state *st)
{
	struct find_ctx f = { NULL, NULL, NULL };
	arc_value *d = NULL;
	size_t i;
	int rc;
	memset(st, 0, sizeof(*st));
	for (i = 0; i < ARC_ARRAY_LEN(cm_crds); i++) {
		arc_value *crd = NULL;
		rc = arc_kube_get(k, "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL, cm_crds[i], &crd);
		if (rc == ARC_E_NOTFOUND) {
			arc_error_clear();
			continue;
		}
		if (rc)
			return rc;
		st->crds_total++;
		if (arc_kube_pred_established(NULL, crd) > 0)
			st->crds_established++;
		arc_v_unref(crd);
	}
	/* the webhook: by the labels cert-manager's manifest and chart give it, else by its usual name */
	rc = arc_kube_list(k, "apps/v1", "Deployment", NULL,
			   "app.kubernetes.io/component=webhook,app.kubernetes.io/name=webhook", NULL, 0, on_deploy, &f,
			   NULL);
	if (rc && rc != ARC_E_NOTFOUND && rc != ARC_E_HTTP)
		return rc;
	arc_error_clear();
	if (!f.name) {
		rc = arc_kube_get(k, "apps/v1", "Deployment", "cert-manager", "cert-manager-webhook", &d);
		if (rc == 0)
			on_deploy(&f, d);
		else if (rc != ARC_E_NOTFOUND)
			return rc;
		arc_error_clear();
		arc_v_unref(d);
		d = NULL;
	}
	st->webhook_ns = f.ns;
	st->webhook_name = f.name;
	st->version = f.version;
	if (st->webhook_name) {
		rc = arc_kube_get(k, "apps/v1", "Deployment", st->webhook_ns, st->webhook_name, &d);
		if (rc == 0 && arc_kube_pred_rollout(NULL, d) > 0) {
			arc_value *av = arc_obj_at(d, "status.availableReplicas");
			st->webhook_available = av && ((av->kind == ARC_INT && av->u.i > 0) ||
						       (av->kind == ARC_FLOAT && av->u.f > 0));
		}
		arc_v_unref(d);
		arc_error_clear();
		rc = arc_deploy_service_ready(k, st->webhook_ns, st->webhook_name);
		if (rc < 0)
			return ARC_E_HTTP;
		st->endpoints = rc;
	}
	return st->crds_established == (int)ARC_ARRAY_LEN(cm_crds) && st->webhook_available && st->endpoints > 0;
}

char *arc_cm_describe(const struct arc_cm_state *st)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_printf(&b, "cert-manager%s%s: %d/%zu CRDs Established", st->version ? " " : "",
		       st->version ? st->version : "", st->crds_established, ARC_ARRAY_LEN(cm_crds));
	if (!st->webhook_name)
		arc_buf_puts(&b, ", no webhook Deployment found");
	else
		arc_buf_printf(&b, ", webhook %s/%s %s, %d ready endpoint%s", st->webhook_ns, st->webhook_name,
			       st->webhook_available ? "available" : "not available", st->endpoints,
			       st->endpoints == 1 ? "" : "s");
	return arc_buf_detach(&b, NULL);
}

static int read_manifest(const char *src, char **data, size_t *len)
{
	if (!strncmp(src, "http://", 7) || !strncmp(src, "https://", 8)) {
		struct arc_repo_http h;
		memset(&h, 0, sizeof(h));
		if (arc_repo_http_get(data, len, src, MAX_MANIFEST, &h) != 0) {
			arc_error_prefix("fetching the cert-manager manifest");
			return ARC_E_IO;
		}
		return 0;
	}
	if (arc_read_file(src, MAX_MANIFEST, data, len) != 0) {
		arc_error_prefix("reading the cert-manager manifest");
		return ARC_E_IO;
	}
	return 0;
}

int arc_cm_wait_webhook(struct arc_kube *k, const char *ns, long timeout_ms, struct arc_progress *p)
{
	long deadline = now_ms() + timeout_ms;
	arc_value *issuer = NULL;
	struct arc_kube_apply_opts ao = { "kubectl-arc", 1, 1, ns };
	static const char probe[] = "{\"apiVersion\":\"cert-manager.io/v1\",\"kind\":\"Issuer\",\"metadata\":"
				    "{\"name\":\"kubectl-arc-webhook-probe\"},\"spec\":{\"selfSigned\":{}}}";
	int rc;
	if (arc_json_load(&issuer, "probe", probe, sizeof(probe) - 1) != 0)
		return -1;
	if (p)
		arc_progress_detail(p, "cert-manager webhook: waiting until it admits an Issuer (server dry run)");
	for (;;) {
		rc = arc_kube_apply(k, issuer, &ao, NULL);
		if (rc == 0)
			break;
		if (now_ms() >= deadline) {
			char *m = xstrdup(arc_error_last());
			rc = arc_error_code(ARC_E_RANGE, "cert-manager's webhook did not answer within %ld s: %s "
							 "(check `kubectl -n cert-manager get pods`)", timeout_ms / 1000, m);
			free(m);
			break;
		}
		/* a webhook that is not up yet, or CRDs not yet served: try again */
		arc_kube_discovery_reset(k);
		usleep(1000000);
	}
	if (p)
		arc_progress_detail(p, NULL);
	arc_v_unref(issuer);
	return rc;
}

int arc_cm_install(struct arc_kube *k, const char *src, const struct arc_deploy_opts *o, long timeout_ms)
{
	struct arc_deploy_opts co = *o;
	struct arc_deploy_result r;
	char *data = NULL;
	size_t len = 0;
	arc_value *objs = NULL;
	long start = now_ms(), left;
	struct arc_cm_state st;
	char *probe_ns;
	int rc;

	if ((rc = read_manifest(src, &data, &len)) != 0)
		return rc;
	rc = arc_yaml_load(&objs, src, data, len, ARC_YAML_MULTI);
	free(data);
	if (rc) {
		arc_error_prefix("the cert-manager manifest");
		return rc;
	}
	/* plain manifest objects: no Helm ownership; ours to take over */
	co.release = NULL;
	co.release_ns = NULL;
	co.owned = NULL;
	co.force = 1;
	co.field_manager = "kubectl-arc";
	co.namespace = "cert-manager";
	co.timeout_ms = timeout_ms;
	rc = arc_deploy_apply(k, NULL, objs, &co, &r);
	if (rc) {
		arc_error_prefix("installing cert-manager");
		arc_v_unref(objs);
		return rc;
	}
	if (o->dry_run) {
		arc_v_unref(objs);
		return 0;
	}
	left = timeout_ms - (now_ms() - start);
	rc = arc_deploy_wait(k, objs, "cert-manager", left > 1000 ? left : 1000, o->progress);
	arc_v_unref(objs);
	if (rc) {
		arc_error_prefix("installing cert-manager");
		return rc;
	}
	/* the webhook Service of the manifest must have endpoints, then admit requests */
	rc = arc_cm_detect(k, &st);
	probe_ns = xstrdup(rc >= 0 && st.webhook_ns ? st.webhook_ns : "cert-manager");
	if (rc >= 0 && st.webhook_name && st.endpoints <= 0) {
		while (now_ms() - start < timeout_ms) {
			if (o->progress)
				arc_progress_detail(o->progress, "cert-manager webhook Service %s/%s: waiting for a ready "
								 "endpoint", st.webhook_ns, st.webhook_name);
			if (arc_deploy_service_ready(k, st.webhook_ns, st.webhook_name) > 0)
				break;
			usleep(250000);
		}
	}
	arc_cm_state_release(&st);
	arc_error_clear();
	left = timeout_ms - (now_ms() - start);
	rc = arc_cm_wait_webhook(k, probe_ns, left > 1000 ? left : 1000, o->progress);
	free(probe_ns);
	return rc;
}
