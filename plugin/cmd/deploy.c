/* deploy.c - applying, deleting and waiting for a set of objects: CRDs first,
 * then kind by kind in Helm's order, same-kind objects in parallel */
#include "deploy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../chart/manifest.h"
#include "../value/codec.h"

#define MAX_OBJECTS 5000
#define RETRY_CAP_MS 60000L

enum { OUT_NONE = 0, OUT_CREATED, OUT_CHANGED, OUT_UNCHANGED, OUT_SKIPPED };

struct item {
	arc_value *obj; /* our copy: ownership metadata and namespace filled in */
	char *what;     /* "Deployment ns/x" */
	char *ns;       /* effective namespace (namespaced kinds) */
	const char *name;
	struct arc_kube_res res;
	int resolved, own; /* own: obj is our private copy */
	int is_crd, create_only;
	int established; /* a CRD found Established (no wait needed) */
	/* the JSON body, made on the main thread before the workers start: the value module's
	 * sorted-key iteration (JSON output) is not thread-safe */
	struct arc_buf body;
	int order;
	int outcome, rc;
	char *err;
};

/* Helm's UninstallOrder (releaseutil.UninstallOrder).  chart/manifest.h exports only the
 * InstallOrder (arc_manifest_kind_order); this table is the one copy of the uninstall order. */
static const char *const uninstall_order[] = {
	"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "Ingress", "IngressClass",
	"Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler", "Deployment", "ReplicaSet",
	"ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding", "RoleList", "Role",
	"ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole", "CustomResourceDefinition",
	"PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap", "SecretList", "Secret",
	"ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange", "ResourceQuota", "NetworkPolicy",
	"Namespace", "PriorityClass",
};

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int uninstall_index(const char *kind)
{
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(uninstall_order); i++)
		if (!strcmp(uninstall_order[i], kind))
			return (int)i;
	return -1;
}

static const char *kind_of(arc_value *obj)
{
	const char *k = arc_obj_str(obj, "kind");
	return k ? k : "";
}

char *arc_deploy_describe(arc_value *obj, const char *default_ns)
{
	const char *ns = arc_obj_str(obj, "metadata.namespace"), *name = arc_obj_str(obj, "metadata.name");
	if (!ns || !*ns)
		ns = default_ns;
	if (ns && *ns)
		return xasprintf("%s %s/%s", kind_of(obj), ns, name ? name : "?");
	return xasprintf("%s %s", kind_of(obj), name ? name : "?");
}

char *arc_deploy_key(arc_value *obj, const char *default_ns)
{
	const char *av = arc_obj_str(obj, "apiVersion"), *slash = av ? strchr(av, '/') : NULL;
	const char *ns = arc_obj_str(obj, "metadata.namespace"), *name = arc_obj_str(obj, "metadata.name");
	if (!ns || !*ns)
		ns = default_ns ? default_ns : "";
	return xasprintf("%.*s/%s/%s/%s", slash ? (int)(slash - av) : 0, slash ? av : "", kind_of(obj), ns,
			 name ? name : "");
}

int arc_deploy_load_docs(arc_value *list, const char *name, const char *text, size_t len)
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

int arc_deploy_parse_manifest(arc_value **out, const char *text, size_t len)
{
	arc_value *list = arc_v_list();
	int rc = arc_deploy_load_docs(list, "manifest", text, len);
	if (rc) {
		arc_v_unref(list);
		return rc;
	}
	*out = list;
	return 0;
}

void arc_deploy_hint(long status, const char *ns)
{
	const char *m = arc_error_last();
	char *msg;
	const char *hint = NULL;
	char buf[400];
	if (strstr(m, "failed calling webhook") && strstr(m, "cert-manager"))
		hint = "cert-manager's webhook is not answering yet: wait a minute and re-run, or check "
		       "`kubectl -n cert-manager get pods`";
	else if (strstr(m, "failed calling webhook") || strstr(m, "no endpoints available for service"))
		hint = "an admission webhook does not answer: check that its pods are Ready, then re-run";
	else if (strstr(m, "exceeded quota")) {
		/* a quota refusal is a 403 too: before the RBAC case */
		snprintf(buf, sizeof(buf), "a ResourceQuota in namespace %s is exhausted: raise it, or lower what the "
					   "values ask for (replicaCount, resources)", ns && *ns ? ns : "?");
		hint = buf;
	} else if (status == 403 || strstr(m, "forbidden"))
		hint = "your Kubernetes user lacks an RBAC permission for this: ask a cluster admin, or check with "
		       "`kubectl auth can-i`";
	else if (status == 422)
		hint = "the object is invalid for this cluster: check the values that produce it";
	if (!hint)
		return;
	msg = xstrdup(m);
	arc_error_code(ARC_E_HTTP, "%s (%s)", msg, hint);
	free(msg);
}

/* ---- items ---- */

static void item_free(struct item *it)
{
	arc_buf_release(&it->body);
	arc_v_unref(it->obj);
	free(it->what);
	free(it->ns);
	free(it->err);
}

static void set_owner(arc_value *obj, const struct arc_deploy_opts *o)
{
	arc_value *md = arc_v_map_get(obj, "metadata"), *l, *a;
	if (!md || md->kind != ARC_MAP)
		return;
	l = arc_v_map_get(md, "labels");
	if (!l || l->kind != ARC_MAP) {
		l = arc_v_map();
		arc_v_map_set(md, "labels", l);
	}
	a = arc_v_map_get(md, "annotations");
	if (!a || a->kind != ARC_MAP) {
		a = arc_v_map();
		arc_v_map_set(md, "annotations", a);
	}
	arc_v_map_set(l, "app.kubernetes.io/managed-by", arc_v_str("Helm"));
	arc_v_map_set(a, "meta.helm.sh/release-name", arc_v_str(o->release));
	arc_v_map_set(a, "meta.helm.sh/release-namespace", arc_v_str(o->release_ns ? o->release_ns : ""));
}

static int add_items(struct item **items, size_t *n, arc_value *list, int from_crds, int deleting,
		     const struct arc_deploy_opts *o)
{
	size_t i;
	if (!list)
		return 0;
	if (list->kind != ARC_LIST)
		return arc_error_code(ARC_E_TYPE, "internal: objects are not a list");
	for (i = 0; i < arc_v_list_len(list); i++) {
		arc_value *obj = arc_v_list_at(list, i);
		struct item *it;
		const char *kind;
		int ord;
		if (obj->kind != ARC_MAP || !arc_v_map_len(obj))
			continue;
		if (!arc_obj_str(obj, "apiVersion") || !arc_obj_str(obj, "kind") || !arc_obj_str(obj, "metadata.name")) {
			char *d = arc_deploy_describe(obj, NULL);
			int rc = arc_error_code(ARC_E_PARSE, "object %zu (%s) lacks apiVersion, kind or metadata.name",
						i + 1, d);
			free(d);
			return rc;
		}
		if (*n >= MAX_OBJECTS)
			return arc_error_code(ARC_E_RANGE, "more than %d objects", MAX_OBJECTS);
		*items = xrealloc(*items, (*n + 1) * sizeof(**items));
		it = &(*items)[(*n)++];
		memset(it, 0, sizeof(*it));
		it->obj = deleting ? arc_v_ref(obj) : arc_v_copy_deep(obj);
		it->own = !deleting;
		kind = kind_of(obj);
		it->is_crd = from_crds || (!strcmp(kind, "CustomResourceDefinition") &&
					   !strncmp(arc_obj_str(obj, "apiVersion"), "apiextensions.k8s.io/", 21));
		it->create_only = from_crds && o->crds_create_only;
		if (!deleting && o->release && !it->is_crd)
			set_owner(it->obj, o);
		else if (!deleting && o->release && it->is_crd && !from_crds)
			set_owner(it->obj, o); /* CRDs from templates/ are release objects too */
		ord = deleting ? uninstall_index(kind) : arc_manifest_kind_order(kind);
		it->order = it->is_crd && !deleting ? -1 : (ord < 0 ? 100000 : ord);
		it->name = arc_obj_str(it->obj, "metadata.name");
	}
	return 0;
}

/* stable: equal keys keep their order; unknown kinds last, by kind name */
static int item_less(const struct item *a, const struct item *b)
{
	if (a->order != b->order)
		return a->order < b->order;
	if (a->order == 100000)
		return strcmp(kind_of(a->obj), kind_of(b->obj)) < 0;
	return 0;
}

static void sort_items(struct item *v, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		struct item t = v[i];
		for (j = i; j > 0 && item_less(&t, &v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
}

static int same_group(const struct item *a, const struct item *b)
{
	return a->order == b->order && (a->order != 100000 || !strcmp(kind_of(a->obj), kind_of(b->obj)));
}

static int resolve_item(struct arc_kube *k, struct item *it, const struct arc_deploy_opts *o)
{
	arc_value *md;
	int rc = arc_kube_resolve(k, arc_obj_str(it->obj, "apiVersion"), kind_of(it->obj), &it->res);
	if (rc)
		return rc;
	it->resolved = 1;
	md = arc_v_map_get(it->obj, "metadata");
	if (it->res.namespaced) {
		const char *ns = arc_obj_str(it->obj, "metadata.namespace");
		if (!ns || !*ns) {
			ns = o->namespace ? o->namespace : arc_kube_cfg(k)->namespace;
			if (md && md->kind == ARC_MAP && it->own)
				arc_v_map_set(md, "namespace", arc_v_str(ns));
		}
		it->ns = xstrdup(ns);
	} else if (md && md->kind == ARC_MAP && it->own) {
		arc_v_map_del(md, "namespace"); /* as kubectl: cluster-scoped objects have none */
	}
	free(it->what);
	it->what = it->ns ? xasprintf("%s %s/%s", it->res.kind, it->ns, it->name)
			  : xasprintf("%s %s", it->res.kind, it->name);
	return 0;
}

/* ---- one object ---- */

static int is_transient(long status, const struct arc_buf *resp)
{
	const char *b = resp->ptr ? resp->ptr : "";
	if (status == 500 && (strstr(b, "failed calling webhook") || strstr(b, "no endpoints available")))
		return 1;
	return status == 503 || status == 504 || status == 429;
}

static int check_ownership(struct item *it, arc_value *live, const struct arc_deploy_opts *o)
{
	arc_value *labels = arc_obj_at(live, "metadata.labels"), *ann = arc_obj_at(live, "metadata.annotations");
	arc_value *v;
	struct arc_buf e = ARC_BUF_INIT;
	int bad = 0;
	char *key;
	if (!o->release || o->take_ownership)
		return 0;
	key = arc_deploy_key(it->obj, it->ns);
	if (o->owned && arc_v_map_get(o->owned, key)) {
		free(key);
		return 0;
	}
	free(key);
	v = labels && labels->kind == ARC_MAP ? arc_v_map_get(labels, "app.kubernetes.io/managed-by") : NULL;
	if (!v || v->kind != ARC_STRING || strcmp(v->u.s.ptr, "Helm")) {
		arc_buf_printf(&e, "; label validation error: %s \"app.kubernetes.io/managed-by\": must be set to \"Helm\"",
			       v ? "key" : "missing key");
		bad = 1;
	}
	v = ann && ann->kind == ARC_MAP ? arc_v_map_get(ann, "meta.helm.sh/release-name") : NULL;
	if (!v || v->kind != ARC_STRING || strcmp(v->u.s.ptr, o->release)) {
		if (v && v->kind == ARC_STRING)
			arc_buf_printf(&e, "; annotation validation error: key \"meta.helm.sh/release-name\" must equal "
					   "\"%s\": current value is \"%s\"", o->release, v->u.s.ptr);
		else
			arc_buf_printf(&e, "; annotation validation error: missing key \"meta.helm.sh/release-name\": "
					   "must be set to \"%s\"", o->release);
		bad = 1;
	}
	v = ann && ann->kind == ARC_MAP ? arc_v_map_get(ann, "meta.helm.sh/release-namespace") : NULL;
	if (!v || v->kind != ARC_STRING || strcmp(v->u.s.ptr, o->release_ns ? o->release_ns : "")) {
		if (v && v->kind == ARC_STRING)
			arc_buf_printf(&e, "; annotation validation error: key \"meta.helm.sh/release-namespace\" must "
					   "equal \"%s\": current value is \"%s\"", o->release_ns, v->u.s.ptr);
		else
			arc_buf_printf(&e, "; annotation validation error: missing key \"meta.helm.sh/release-namespace\": "
					   "must be set to \"%s\"", o->release_ns);
		bad = 1;
	}
	if (bad)
		arc_error_code(ARC_E_FAIL, "%s exists and cannot be imported into the current release: invalid ownership "
					   "metadata%s (delete it, or re-run with --take-ownership to adopt it)",
			       it->what, arc_buf_cstr(&e));
	arc_buf_release(&e);
	return bad ? ARC_E_FAIL : 0;
}

static char *dup_rv(arc_value *obj)
{
	const char *rv = obj ? arc_obj_str(obj, "metadata.resourceVersion") : NULL;
	return rv ? xstrdup(rv) : NULL;
}

static int apply_item(struct arc_kube *k, struct item *it, const struct arc_deploy_opts *o)
{
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT, q = ARC_BUF_INIT;
	const struct arc_buf *body = &it->body;
	char *pre_rv = NULL, *post_rv = NULL;
	long status = 0, start = now_ms();
	long cap = o->timeout_ms > 0 && o->timeout_ms < RETRY_CAP_MS ? o->timeout_ms : RETRY_CAP_MS;
	int rc, existed = 0, tries = 0;
	const char *fm = o->field_manager ? o->field_manager : "kubectl-arc";

	if (!body->ptr)
		return arc_error_code(ARC_E_FAIL, "internal: %s has no request body", it->what);
	arc_kube_res_path(&it->res, it->ns, it->name, &path);
	if (it->create_only) {
		/* Helm's crds/: created when absent, never updated.  Created with server-side apply, as
		 * helm 4 does: a later helm 4 install applies them again as the same manager, while a
		 * POST (an Update operation) would leave fields helm 4's apply conflicts with. */
		rc = arc_kube_do(k, "GET", path.ptr, NULL, NULL, 0, &status, &resp);
		if (rc)
			goto out;
		if (status == 200) {
			arc_value *live = NULL;
			it->outcome = OUT_SKIPPED;
			if (arc_json_load(&live, it->what, resp.ptr, resp.len) == 0)
				it->established = arc_kube_pred_established(NULL, live) > 0;
			arc_error_clear();
			arc_v_unref(live);
			goto out;
		}
		if (status != 404) {
			char *w = xasprintf("reading %s", it->what);
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			arc_deploy_hint(status, it->ns);
			goto out;
		}
		arc_buf_add(&q, path.ptr, path.len);
		arc_buf_printf(&q, "?fieldManager=%s%s", fm, o->dry_run ? "&dryRun=All" : "");
		arc_buf_reset(&resp);
		rc = arc_kube_do(k, "PATCH", q.ptr, "application/apply-patch+yaml", body->ptr, body->len, &status, &resp);
		if (rc)
			goto out;
		if (status / 100 == 2) {
			it->outcome = OUT_CREATED;
		} else {
			char *w = xasprintf("creating %s", it->what);
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			arc_deploy_hint(status, it->ns);
		}
		goto out;
	}
	if (!it->is_crd) {
		rc = arc_kube_do(k, "GET", path.ptr, NULL, NULL, 0, &status, &resp);
		if (rc)
			goto out;
		if (status == 200) {
			arc_value *live = NULL;
			existed = 1;
			if (arc_json_load(&live, it->what, resp.ptr, resp.len) == 0) {
				pre_rv = dup_rv(live);
				rc = check_ownership(it, live, o);
			}
			arc_v_unref(live);
			if (rc)
				goto out;
		} else if (status != 404) {
			char *w = xasprintf("reading %s", it->what);
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			arc_deploy_hint(status, it->ns);
			goto out;
		}
	}
	arc_buf_add(&q, path.ptr, path.len);
	arc_buf_printf(&q, "?fieldManager=%s%s%s", fm, o->force ? "&force=true" : "", o->dry_run ? "&dryRun=All" : "");
	for (;;) {
		arc_buf_reset(&resp);
		rc = arc_kube_do(k, "PATCH", q.ptr, "application/apply-patch+yaml", body->ptr, body->len, &status, &resp);
		if (rc)
			goto out;
		if (status / 100 == 2)
			break;
		if (is_transient(status, &resp) && now_ms() - start < cap) {
			tries++;
			if (o->progress)
				arc_progress_detail(o->progress, "%s: the server is not ready (HTTP %ld), retrying", it->what,
						    status);
			usleep(tries < 3 ? 500000 : 1000000);
			continue;
		}
		{
			char *w = xasprintf("applying %s", it->what);
			char reason[64];
			arc_kube_status_reason(&resp, reason, sizeof(reason));
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			if (status == 409 && !strcmp(reason, "Conflict") && !o->force) {
				char *m = xstrdup(arc_error_last());
				arc_error_code(rc, "%s (another field manager owns these fields: re-run with "
						   "--force-conflicts to take them over)", m);
				free(m);
			} else {
				arc_deploy_hint(status, it->ns);
			}
		}
		goto out;
	}
	if (!existed) {
		it->outcome = OUT_CREATED;
	} else {
		arc_value *res = NULL;
		if (arc_json_load(&res, it->what, resp.ptr, resp.len) == 0)
			post_rv = dup_rv(res);
		arc_v_unref(res);
		it->outcome = pre_rv && post_rv && !strcmp(pre_rv, post_rv) ? OUT_UNCHANGED : OUT_CHANGED;
	}
out:
	free(pre_rv);
	free(post_rv);
	arc_buf_release(&path);
	arc_buf_release(&q);
	arc_buf_release(&resp);
	return rc;
}

static int delete_item(struct arc_kube *k, struct item *it, const struct arc_deploy_opts *o)
{
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	const char *body = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}";
	long status = 0;
	int rc;
	arc_kube_res_path(&it->res, it->ns, it->name, &path);
	if (o->release) {
		/* only what this release owns: an object another release (or nobody) owns stays */
		rc = arc_kube_do(k, "GET", path.ptr, NULL, NULL, 0, &status, &resp);
		if (rc == 0 && status == 404) {
			it->outcome = OUT_UNCHANGED;
			goto done;
		}
		if (rc == 0 && status == 200) {
			arc_value *live = NULL, *ann;
			const char *rn = NULL, *rns = NULL;
			if (arc_json_load(&live, it->what, resp.ptr, resp.len) == 0) {
				ann = arc_obj_at(live, "metadata.annotations");
				if (ann && ann->kind == ARC_MAP) {
					arc_value *a = arc_v_map_get(ann, "meta.helm.sh/release-name");
					arc_value *b = arc_v_map_get(ann, "meta.helm.sh/release-namespace");
					rn = a && a->kind == ARC_STRING ? a->u.s.ptr : NULL;
					rns = b && b->kind == ARC_STRING ? b->u.s.ptr : NULL;
				}
				if ((rn && strcmp(rn, o->release)) || (rns && strcmp(rns, o->release_ns))) {
					it->outcome = OUT_SKIPPED;
					arc_v_unref(live);
					goto done;
				}
			}
			arc_v_unref(live);
		}
		arc_error_clear();
		rc = 0;
		arc_buf_reset(&resp);
	}
	if (o->dry_run)
		arc_buf_puts(&path, "?dryRun=All");
	rc = arc_kube_do(k, "DELETE", path.ptr, "application/json", body, strlen(body), &status, &resp);
	if (rc == 0) {
		if (status == 404)
			it->outcome = OUT_UNCHANGED;
		else if (status / 100 == 2)
			it->outcome = OUT_CHANGED;
		else {
			char *w = xasprintf("deleting %s", it->what);
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			arc_deploy_hint(status, it->ns);
		}
	}
done:
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

/* ---- groups in parallel ---- */

struct pool {
	struct arc_kube **k;
	size_t n;
};

struct group {
	struct item **items;
	size_t n, next;
	int deleting;
	const struct arc_deploy_opts *o;
	pthread_mutex_t mu;
};

struct worker {
	struct group *g;
	struct arc_kube *k;
};

static void run_item(struct arc_kube *k, struct item *it, const struct arc_deploy_opts *o, int deleting)
{
	it->rc = deleting ? delete_item(k, it, o) : apply_item(k, it, o);
	if (it->rc) {
		/* the server's refusals already name the object; a lost connection or a timeout does not */
		if (!strstr(arc_error_last(), it->what))
			arc_error_prefix("%s %s", deleting ? "deleting" : "applying", it->what);
		it->err = xstrdup(arc_error_last());
	}
	if (o->progress)
		arc_progress_add_done(o->progress, 1);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct group *g = w->g;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&g->mu);
		i = g->next++;
		pthread_mutex_unlock(&g->mu);
		if (i >= g->n)
			break;
		run_item(w->k, g->items[i], g->o, g->deleting);
	}
	arc_error_clear(); /* the error slot is per thread: its message was copied into the item */
	return NULL;
}

static void pool_close(struct pool *p)
{
	size_t i;
	for (i = 0; i < p->n; i++)
		arc_kube_close(p->k[i]);
	free(p->k);
	p->k = NULL;
	p->n = 0;
}

/* run every item of the group; returns the number of failures */
static size_t run_group(struct arc_kube *k, struct pool *pool, struct item **items, size_t n, int deleting,
			const struct arc_deploy_opts *o)
{
	size_t want = o->max_parallel > 0 ? (size_t)o->max_parallel : 8, i, failed = 0;
	if (want > n)
		want = n;
	/* open worker clients as needed (the first worker is the caller's client) */
	while (o->flags && want > 1 && pool->n < want - 1) {
		struct arc_kube *wk = NULL;
		if (arc_kube_open(&wk, o->flags) != 0) {
			arc_error_clear();
			break;
		}
		if (o->log_fn)
			arc_kube_set_log(wk, o->log_fn, o->log_ctx);
		pool->k = xrealloc(pool->k, (pool->n + 1) * sizeof(*pool->k));
		pool->k[pool->n++] = wk;
	}
	if (want > pool->n + 1)
		want = pool->n + 1;
	if (want <= 1) {
		for (i = 0; i < n; i++)
			run_item(k, items[i], o, deleting);
	} else {
		struct group g;
		struct worker *ws = xcalloc(want, sizeof(*ws));
		pthread_t *th = xcalloc(want, sizeof(*th));
		int *started = xcalloc(want, sizeof(int));
		g.items = items;
		g.n = n;
		g.next = 0;
		g.deleting = deleting;
		g.o = o;
		pthread_mutex_init(&g.mu, NULL);
		for (i = 1; i < want; i++) {
			ws[i].g = &g;
			ws[i].k = pool->k[i - 1];
			started[i] = pthread_create(&th[i], NULL, work, &ws[i]) == 0;
		}
		ws[0].g = &g;
		ws[0].k = k;
		work(&ws[0]);
		for (i = 1; i < want; i++)
			if (started[i])
				pthread_join(th[i], NULL);
		pthread_mutex_destroy(&g.mu);
		free(ws);
		free(th);
		free(started);
	}
	for (i = 0; i < n; i++)
		if (items[i]->rc)
			failed++;
	return failed;
}

static void count(struct arc_deploy_result *r, const struct item *it)
{
	switch (it->rc ? -1 : it->outcome) {
	case OUT_CREATED:
		r->created++;
		break;
	case OUT_CHANGED:
		r->changed++;
		break;
	case OUT_UNCHANGED:
		r->unchanged++;
		break;
	case OUT_SKIPPED:
		r->skipped++;
		break;
	case -1:
		r->failed++;
		break;
	default:
		break;
	}
}

/* the first failure's message, "(and N more)" when there were several */
static int report_failures(struct item **v, size_t n, size_t failed)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i]->rc) {
			if (failed > 1)
				arc_error_code(v[i]->rc, "%s (and %zu more failures)", v[i]->err, failed - 1);
			else
				arc_error_code(v[i]->rc, "%s", v[i]->err);
			return v[i]->rc;
		}
	return 0;
}

static int wait_crds(struct arc_kube *k, struct item *items, size_t n, const struct arc_deploy_opts *o)
{
	long deadline = now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 60000);
	size_t i, waited = 0;
	for (i = 0; i < n; i++) {
		long left = deadline - now_ms();
		if (!items[i].is_crd || items[i].rc || items[i].established)
			continue;
		waited++;
		if (o->progress)
			arc_progress_detail(o->progress, "CustomResourceDefinition %s: waiting until Established",
					    items[i].name);
		if (arc_kube_wait(k, "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL, items[i].name,
				  arc_kube_pred_established, NULL, left > 1000 ? left : 1000) != 0) {
			arc_error_prefix("waiting for CustomResourceDefinition %s to be Established", items[i].name);
			return -1;
		}
	}
	if (o->progress)
		arc_progress_detail(o->progress, NULL);
	/* new or changed CRDs: their kinds are discovered again (served ones were already) */
	if (waited)
		arc_kube_discovery_reset(k);
	return 0;
}

static int run_all(struct arc_kube *k, struct item *items, size_t n, int deleting, const struct arc_deploy_opts *o,
		   struct arc_deploy_result *r)
{
	struct pool pool = { NULL, 0 };
	struct item **ptrs = xcalloc(n ? n : 1, sizeof(*ptrs));
	size_t i, j, ncrd = 0;
	int rc = 0, crds_done = 0;

	for (i = 0; i < n; i++)
		ptrs[i] = &items[i];
	if (o->progress)
		arc_progress_count(o->progress, 0, n);
	for (i = 0; i < n; i++)
		if (items[i].is_crd && !deleting)
			ncrd++;

	/* resolve everything we can before touching anything */
	for (i = 0; i < n; i++) {
		int r1 = resolve_item(k, &items[i], o);
		if (r1 == ARC_E_NOTFOUND && (deleting || ncrd)) {
			arc_error_clear(); /* a kind of a CRD applied below (or, deleting, already gone) */
			continue;
		}
		if (r1) {
			char *d = arc_deploy_describe(items[i].obj, o->namespace);
			char *m = xstrdup(arc_error_last());
			rc = arc_error_code(r1, "%s %s: %s (is the CRD that defines it installed?)",
					    deleting ? "deleting" : "applying", d, m);
			free(m);
			free(d);
			goto out;
		}
	}

	for (i = 0; i < n; i = j) {
		size_t failed, g;
		for (j = i + 1; j < n && same_group(&items[i], &items[j]); j++)
			;
		if (!deleting && !crds_done && !items[i].is_crd && ncrd) {
			/* the CRDs are applied: wait until they are served, then resolve their kinds */
			crds_done = 1;
			if (!o->dry_run && wait_crds(k, items, n, o) != 0) {
				rc = -1;
				goto out;
			}
			for (g = i; g < n; g++) {
				int r1;
				if (items[g].resolved)
					continue;
				r1 = resolve_item(k, &items[g], o);
				if (r1) {
					char *d = arc_deploy_describe(items[g].obj, o->namespace);
					char *m = xstrdup(arc_error_last());
					rc = arc_error_code(r1, "applying %s: %s%s", d, m,
							    o->dry_run ? " (a server dry run cannot apply objects of "
									 "CRDs it did not create)"
								       : " (is the CRD that defines it installed?)");
					free(m);
					free(d);
					goto out;
				}
			}
		}
		/* deleting: kinds the server no longer knows have nothing left to delete */
		{
			size_t a = i, b;
			for (b = i; b < j; b++)
				if (items[b].resolved)
					ptrs[a++] = &items[b];
				else
					items[b].outcome = OUT_UNCHANGED;
			for (b = i; !deleting && b < a; b++) {
				arc_buf_reset(&ptrs[b]->body);
				if ((rc = arc_json_dump(&ptrs[b]->body, ptrs[b]->obj, 0)) != 0)
					goto out;
			}
			failed = a > i ? run_group(k, &pool, ptrs + i, a - i, deleting, o) : 0;
			for (b = i; b < j; b++)
				count(r, &items[b]);
			if (failed) {
				rc = report_failures(ptrs + i, a - i, failed);
				goto out;
			}
		}
	}
	if (!deleting && !crds_done && ncrd && !o->dry_run && wait_crds(k, items, n, o) != 0)
		rc = -1;
out:
	pool_close(&pool);
	free(ptrs);
	return rc;
}

int arc_deploy_apply(struct arc_kube *k, arc_value *crds, arc_value *objs, const struct arc_deploy_opts *o,
		     struct arc_deploy_result *r)
{
	struct item *items = NULL;
	size_t n = 0, i;
	int rc;
	memset(r, 0, sizeof(*r));
	rc = add_items(&items, &n, crds, 1, 0, o);
	if (!rc)
		rc = add_items(&items, &n, objs, 0, 0, o);
	if (!rc) {
		sort_items(items, n);
		rc = run_all(k, items, n, 0, o, r);
	}
	for (i = 0; i < n; i++)
		item_free(&items[i]);
	free(items);
	return rc;
}

int arc_deploy_delete(struct arc_kube *k, arc_value *objs, const struct arc_deploy_opts *o,
		      struct arc_deploy_result *r, arc_value **kept)
{
	struct item *items = NULL;
	arc_value *keep_list = arc_v_list(), *todo = arc_v_list();
	size_t n = 0, i;
	int rc;
	memset(r, 0, sizeof(*r));
	for (i = 0; objs && i < arc_v_list_len(objs); i++) {
		arc_value *obj = arc_v_list_at(objs, i);
		arc_value *ann = arc_obj_at(obj, "metadata.annotations"), *p;
		p = ann && ann->kind == ARC_MAP ? arc_v_map_get(ann, "helm.sh/resource-policy") : NULL;
		if (p && p->kind == ARC_STRING && !strcmp(p->u.s.ptr, "keep")) {
			{
				char *d = arc_deploy_describe(obj, o->namespace);
				arc_v_list_push(keep_list, arc_v_str_take(d, strlen(d)));
			}
			r->skipped++;
			continue;
		}
		arc_v_list_push(todo, arc_v_ref(obj));
	}
	rc = add_items(&items, &n, todo, 0, 1, o);
	if (!rc) {
		size_t skipped = r->skipped;
		sort_items(items, n);
		rc = run_all(k, items, n, 1, o, r);
		r->skipped += skipped;
	}
	for (i = 0; i < n; i++)
		item_free(&items[i]);
	free(items);
	arc_v_unref(todo);
	if (kept)
		*kept = keep_list;
	else
		arc_v_unref(keep_list);
	return rc;
}

/* ---- waiting ---- */

struct ready_ctx {
	int ready;
};

static int count_ready(void *ctx, arc_value *slice)
{
	struct ready_ctx *c = ctx;
	arc_value *eps = arc_v_map_get(slice, "endpoints");
	size_t i;
	for (i = 0; eps && eps->kind == ARC_LIST && i < arc_v_list_len(eps); i++) {
		arc_value *r = arc_obj_at(arc_v_list_at(eps, i), "conditions.ready");
		/* an absent `ready` means ready (discovery.k8s.io/v1) */
		if (!r || r->kind != ARC_BOOL || r->u.b)
			c->ready++;
	}
	return 0;
}

int arc_deploy_service_ready(struct arc_kube *k, const char *ns, const char *name)
{
	struct ready_ctx c = { 0 };
	char *sel = xasprintf("kubernetes.io/service-name=%s", name);
	int rc = arc_kube_list(k, "discovery.k8s.io/v1", "EndpointSlice", ns, sel, NULL, 0, count_ready, &c, NULL);
	free(sel);
	return rc ? -1 : c.ready;
}

struct rollout_ctx {
	struct arc_progress *p;
	const char *what;
};

static int rollout_pred(void *ctx, arc_value *d)
{
	struct rollout_ctx *c = ctx;
	int r = arc_kube_pred_rollout(NULL, d);
	if (d && c->p && r == 0) {
		arc_value *a = arc_obj_at(d, "status.availableReplicas"), *s = arc_obj_at(d, "spec.replicas");
		long av = a && a->kind == ARC_INT ? (long)a->u.i : a && a->kind == ARC_FLOAT ? (long)a->u.f : 0;
		long want = s && s->kind == ARC_INT ? (long)s->u.i : s && s->kind == ARC_FLOAT ? (long)s->u.f : 1;
		arc_progress_detail(c->p, "%s: rolling out, %ld/%ld available", c->what, av, want);
	}
	return r;
}

static void add_unique(arc_value *list, const char *ns, const char *name)
{
	size_t i;
	char *key = xasprintf("%s/%s", ns, name);
	for (i = 0; i < arc_v_list_len(list); i++)
		if (!strcmp(arc_v_strptr(arc_v_list_at(list, i)), key)) {
			free(key);
			return;
		}
	arc_v_list_push(list, arc_v_str_take(key, strlen(key)));
}

int arc_deploy_wait(struct arc_kube *k, arc_value *objs, const char *default_ns, long timeout_ms,
		    struct arc_progress *p)
{
	long deadline = now_ms() + timeout_ms;
	arc_value *svcs = arc_v_list();
	size_t i, j;
	int rc = 0;
	for (i = 0; objs && i < arc_v_list_len(objs) && !rc; i++) {
		arc_value *obj = arc_v_list_at(objs, i);
		const char *kind = kind_of(obj);
		if (!strcmp(kind, "Deployment")) {
			const char *ns = arc_obj_str(obj, "metadata.namespace"), *name = arc_obj_str(obj, "metadata.name");
			char *what;
			struct rollout_ctx rc1;
			long left = deadline - now_ms();
			if (!ns || !*ns)
				ns = default_ns;
			what = xasprintf("Deployment %s/%s", ns, name);
			rc1.p = p;
			rc1.what = what;
			if (p)
				arc_progress_detail(p, "%s: rolling out", what);
			rc = arc_kube_wait(k, "apps/v1", "Deployment", ns, name, rollout_pred, &rc1, left > 0 ? left : 1);
			if (rc == ARC_E_RANGE)
				arc_error_code(rc, "waiting for %s: not rolled out after %ld s (its pods are not Ready: see "
						   "`kubectl -n %s describe deployment %s` and the pods' events; "
						   "--timeout sets the limit)",
					       what, (timeout_ms + 999) / 1000, ns, name);
			else if (rc)
				arc_error_prefix("waiting for %s", what);
			free(what);
		} else if (!strcmp(kind, "MutatingWebhookConfiguration") ||
			   !strcmp(kind, "ValidatingWebhookConfiguration")) {
			arc_value *hooks = arc_v_map_get(obj, "webhooks");
			for (j = 0; hooks && hooks->kind == ARC_LIST && j < arc_v_list_len(hooks); j++) {
				arc_value *svc = arc_obj_at(arc_v_list_at(hooks, j), "clientConfig.service");
				const char *sns = svc ? arc_obj_str(svc, "namespace") : NULL;
				const char *sname = svc ? arc_obj_str(svc, "name") : NULL;
				if (sname)
					add_unique(svcs, sns && *sns ? sns : default_ns, sname);
			}
		}
	}
	for (i = 0; !rc && i < arc_v_list_len(svcs); i++) {
		const char *key = arc_v_strptr(arc_v_list_at(svcs, i)), *slash = strchr(key, '/');
		char *ns = xstrndup(key, (size_t)(slash - key));
		if (p)
			arc_progress_detail(p, "webhook Service %s: waiting for a ready endpoint", key);
		for (;;) {
			int n = arc_deploy_service_ready(k, ns, slash + 1);
			if (n > 0)
				break;
			if (n < 0) {
				arc_error_prefix("waiting for webhook Service %s", key);
				rc = -1;
				break;
			}
			if (now_ms() >= deadline) {
				rc = arc_error_code(ARC_E_RANGE, "waiting for webhook Service %s: no ready endpoint after %ld "
								 "s (the pods behind it are not Ready: `kubectl -n %s get "
								 "pods`; --timeout sets the limit)",
						    key, (timeout_ms + 999) / 1000, ns);
				break;
			}
			usleep(250000);
		}
		free(ns);
	}
	if (p)
		arc_progress_detail(p, NULL);
	arc_v_unref(svcs);
	return rc;
}
