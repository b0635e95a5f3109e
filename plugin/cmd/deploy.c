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
	int order;
	int outcome, rc;
	char *err;
};

/* Helm's UninstallOrder */
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

int arc_deploy_parse_manifest(arc_value **out, const char *text, size_t len)
{
	struct arc_span *sp = NULL;
	size_t n = arc_manifest_split(text, len, &sp), i;
	arc_value *list = arc_v_list();
	for (i = 0; i < n; i++) {
		arc_value *doc = NULL;
		if (arc_yaml_load(&doc, "manifest", sp[i].p, sp[i].n, 0) != 0) {
			free(sp);
			arc_v_unref(list);
			return ARC_E_PARSE;
		}
		if (doc->kind == ARC_MAP && arc_v_map_len(doc))
			arc_v_list_push(list, doc);
		else
			arc_v_unref(doc);
	}
	free(sp);
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
	else if (status == 403 || strstr(m, "forbidden"))
		hint = "your Kubernetes user lacks an RBAC permission for this: ask a cluster admin, or check with "
		       "`kubectl auth can-i`";
	else if (strstr(m, "exceeded quota")) {
		snprintf(buf, sizeof(buf), "a ResourceQuota in namespace %s is exhausted: raise it or lower the "
					   "chart's resources (--set resources…)", ns && *ns ? ns : "?");
		hint = buf;
	} else if (status == 422)
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
	struct arc_buf path = ARC_BUF_INIT, body = ARC_BUF_INIT, resp = ARC_BUF_INIT, q = ARC_BUF_INIT;
	char *pre_rv = NULL, *post_rv = NULL;
	long status = 0, start = now_ms();
	long cap = o->timeout_ms > 0 && o->timeout_ms < RETRY_CAP_MS ? o->timeout_ms : RETRY_CAP_MS;
	int rc, existed = 0, tries = 0;
	const char *fm = o->field_manager ? o->field_manager : "kubectl-arc";

	if ((rc = arc_json_dump(&body, it->obj, 0)) != 0)
		goto out;
	if (it->create_only) {
		arc_kube_res_path(&it->res, NULL, NULL, &path);
		arc_buf_printf(&path, "?fieldManager=%s%s", fm, o->dry_run ? "&dryRun=All" : "");
		rc = arc_kube_do(k, "POST", path.ptr, "application/json", body.ptr, body.len, &status, &resp);
		if (rc)
			goto out;
		if (status == 409) {
			it->outcome = OUT_SKIPPED;
		} else if (status / 100 == 2) {
			it->outcome = OUT_CREATED;
		} else {
			char *w = xasprintf("creating %s", it->what);
			rc = arc_kube_status_error(status, &resp, w);
			free(w);
			arc_deploy_hint(status, it->ns);
		}
		goto out;
	}
	arc_kube_res_path(&it->res, it->ns, it->name, &path);
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
		rc = arc_kube_do(k, "PATCH", q.ptr, "application/apply-patch+yaml", body.ptr, body.len, &status, &resp);
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
	arc_buf_release(&body);
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
	if (it->rc)
		it->err = xstrdup(arc_error_last());
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
	size_t i;
	for (i = 0; i < n; i++) {
		long left = deadline - now_ms();
		if (!items[i].is_crd || items[i].rc)
			continue;
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

/* ---- Helm release records (stand-in until chart/release.h) ---- */

#include <zlib.h>

#include "../base/encoding.h"
#include "../chart/chart.h"

#define MAX_RELEASE (64u << 20)

char *arc_rel_now(void)
{
	struct timespec ts;
	struct tm tm;
	char frac[16];
	int n;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	if (n == 1)
		frac[0] = '\0';
	return xasprintf("%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

void arc_rel_set_status(arc_value *rel, const char *status, const char *description)
{
	arc_value *info = arc_v_map_get(rel, "info");
	if (!info || info->kind != ARC_MAP) {
		info = arc_v_map();
		arc_v_map_set(rel, "info", info);
	}
	arc_v_map_set(info, "status", arc_v_str(status));
	if (description)
		arc_v_map_set(info, "description", arc_v_str(description));
	if (!strcmp(status, "uninstalled"))
	{
		char *now = arc_rel_now();
		arc_v_map_set(info, "deleted", arc_v_str_take(now, strlen(now)));
	}
}

static arc_value *file_json(const struct arc_chart_file *f, const char *name)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *m = arc_v_map();
	arc_v_map_set(m, "name", arc_v_str(name ? name : f->path));
	arc_b64_encode(&b, f->data, f->len);
	arc_v_map_set(m, "data", arc_v_str_buf(&b));
	arc_buf_release(&b);
	return m;
}

arc_value *arc_rel_chart_json(const struct arc_chart *c)
{
	arc_value *ch = arc_v_map(), *tpls = arc_v_list(), *files = arc_v_list();
	size_t i;
	arc_value *lock = NULL;
	arc_v_map_set(ch, "metadata", c->metadata ? arc_v_ref(c->metadata) : arc_v_map());
	for (i = 0; i < c->nfiles; i++) {
		const struct arc_chart_file *f = &c->files[i];
		if (!strncmp(f->path, "templates/", 10))
			arc_v_list_push(tpls, file_json(f, NULL));
		else if (!strcmp(f->path, "values.yaml") || !strcmp(f->path, "Chart.yaml"))
			continue;
		else if (!strcmp(f->path, "values.schema.json")) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_b64_encode(&b, f->data, f->len);
			arc_v_map_set(ch, "schema", arc_v_str_buf(&b));
			arc_buf_release(&b);
		} else if (!strcmp(f->path, "Chart.lock") || !strcmp(f->path, "requirements.lock")) {
			arc_v_unref(lock);
			lock = NULL;
			if (arc_yaml_load(&lock, f->path, f->data, f->len, 0) != 0) {
				arc_error_clear();
				lock = NULL;
			}
			arc_v_list_push(files, file_json(f, NULL));
		} else if (strncmp(f->path, "charts/", 7) != 0) {
			arc_v_list_push(files, file_json(f, NULL));
		}
	}
	arc_v_map_set(ch, "lock", lock ? lock : arc_v_null());
	arc_v_map_set(ch, "templates", tpls);
	arc_v_map_set(ch, "values", c->values ? arc_v_ref(c->values) : arc_v_map());
	if (!arc_v_map_get(ch, "schema"))
		arc_v_map_set(ch, "schema", arc_v_null());
	arc_v_map_set(ch, "files", files);
	return ch;
}

static char *record_name(const char *name, int version)
{
	return xasprintf("sh.helm.release.v1.%s.v%d", name, version);
}

/* Release JSON → base64(gzip(json)) */
static int encode_release(arc_value *rel, struct arc_buf *out)
{
	struct arc_buf js = ARC_BUF_INIT;
	z_stream z;
	unsigned char *gz;
	size_t cap;
	int rc = arc_json_dump(&js, rel, 0);
	if (rc) {
		arc_buf_release(&js);
		return rc;
	}
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		arc_buf_release(&js);
		return arc_error_code(ARC_E_FAIL, "gzip: cannot initialise");
	}
	cap = deflateBound(&z, js.len) + 32;
	gz = xmalloc(cap);
	z.next_in = (unsigned char *)js.ptr;
	z.avail_in = (uInt)js.len;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(gz);
		arc_buf_release(&js);
		return arc_error_code(ARC_E_FAIL, "gzip: compression failed");
	}
	arc_b64_encode(out, gz, z.total_out);
	deflateEnd(&z);
	free(gz);
	arc_buf_release(&js);
	return 0;
}

static int decode_release(const char *b64, size_t len, arc_value **out)
{
	struct arc_buf raw = ARC_BUF_INIT, js = ARC_BUF_INIT;
	int rc = arc_b64_decode(&raw, b64, len);
	if (rc)
		goto done;
	if (raw.len >= 3 && (unsigned char)raw.ptr[0] == 0x1f && (unsigned char)raw.ptr[1] == 0x8b &&
	    (unsigned char)raw.ptr[2] == 0x08) {
		z_stream z;
		unsigned char chunk[65536];
		int zr;
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 15 + 16) != Z_OK) {
			rc = arc_error_code(ARC_E_FAIL, "gunzip: cannot initialise");
			goto done;
		}
		z.next_in = (unsigned char *)raw.ptr;
		z.avail_in = (uInt)raw.len;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof(chunk);
			zr = inflate(&z, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END) {
				inflateEnd(&z);
				rc = arc_error_code(ARC_E_PARSE, "gunzip: corrupt release data");
				goto done;
			}
			arc_buf_add(&js, chunk, sizeof(chunk) - z.avail_out);
			if (js.len > MAX_RELEASE) {
				inflateEnd(&z);
				rc = arc_error_code(ARC_E_RANGE, "release data larger than %u bytes", MAX_RELEASE);
				goto done;
			}
		} while (zr != Z_STREAM_END);
		inflateEnd(&z);
	} else {
		arc_buf_add(&js, raw.ptr, raw.len);
	}
	rc = arc_json_load(out, "release", js.ptr ? js.ptr : "", js.len);
done:
	arc_buf_release(&raw);
	arc_buf_release(&js);
	return rc;
}

struct hist_ctx {
	struct arc_rel *v;
	size_t n;
	int rc;
};

static int on_record(void *ctx, arc_value *s)
{
	struct hist_ctx *h = ctx;
	const char *data = arc_obj_str(s, "data.release");
	arc_value *rel = NULL, *ver;
	struct arc_buf once = ARC_BUF_INIT;
	const char *st;
	if (!data)
		return 0;
	/* Secret data arrives base64-encoded: decode that layer, then the record's own */
	if (arc_b64_decode(&once, data, strlen(data)) != 0 || decode_release(once.ptr ? once.ptr : "", once.len, &rel)) {
		arc_buf_release(&once);
		arc_error_clear();
		return 0; /* not ours to judge: skip unreadable records */
	}
	arc_buf_release(&once);
	if (rel->kind != ARC_MAP) {
		arc_v_unref(rel);
		return 0;
	}
	h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
	memset(&h->v[h->n], 0, sizeof(h->v[h->n]));
	ver = arc_v_map_get(rel, "version");
	h->v[h->n].version = ver && ver->kind == ARC_FLOAT ? (int)ver->u.f : ver && ver->kind == ARC_INT ? (int)ver->u.i : 0;
	st = arc_obj_str(rel, "info.status");
	snprintf(h->v[h->n].status, sizeof(h->v[h->n].status), "%s", st ? st : "unknown");
	h->v[h->n].rel = rel;
	h->n++;
	return 0;
}

int arc_rel_history(struct arc_kube *k, const char *ns, const char *name, struct arc_rel **out, size_t *n)
{
	struct hist_ctx h = { NULL, 0, 0 };
	char *sel = xasprintf("owner=helm,name=%s", name);
	size_t i, j;
	int rc = arc_kube_list(k, "v1", "Secret", ns, sel, NULL, 0, on_record, &h, NULL);
	free(sel);
	if (rc) {
		arc_rel_history_free(h.v, h.n);
		arc_error_prefix("reading the release history of %s", name);
		return rc;
	}
	for (i = 1; i < h.n; i++) {
		struct arc_rel t = h.v[i];
		for (j = i; j > 0 && h.v[j - 1].version > t.version; j--)
			h.v[j] = h.v[j - 1];
		h.v[j] = t;
	}
	*out = h.v;
	*n = h.n;
	return 0;
}

void arc_rel_history_free(struct arc_rel *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		arc_v_unref(v[i].rel);
	free(v);
}

int arc_rel_write(struct arc_kube *k, arc_value *rel, int created)
{
	const char *name = arc_obj_str(rel, "name"), *ns = arc_obj_str(rel, "namespace");
	const char *status = arc_obj_str(rel, "info.status");
	arc_value *ver = arc_v_map_get(rel, "version"), *sec, *md, *labels, *data, *res = NULL;
	struct arc_buf enc = ARC_BUF_INIT, wire = ARC_BUF_INIT;
	struct arc_kube_apply_opts ao = { "helm", 1, 0, NULL };
	int version = ver && ver->kind == ARC_INT ? (int)ver->u.i : ver && ver->kind == ARC_FLOAT ? (int)ver->u.f : 0;
	char *rname, buf[32];
	int rc;
	if (!name || !ns || !version)
		return arc_error_code(ARC_E_FAIL, "internal: release without name, namespace or version");
	if ((rc = encode_release(rel, &enc)) != 0)
		return rc;
	arc_b64_encode(&wire, enc.ptr, enc.len);
	arc_buf_release(&enc);
	rname = record_name(name, version);
	sec = arc_v_map();
	md = arc_v_map();
	labels = arc_v_map();
	data = arc_v_map();
	arc_v_map_set(sec, "apiVersion", arc_v_str("v1"));
	arc_v_map_set(sec, "kind", arc_v_str("Secret"));
	arc_v_map_set(md, "name", arc_v_str(rname));
	arc_v_map_set(md, "namespace", arc_v_str(ns));
	arc_v_map_set(labels, "name", arc_v_str(name));
	arc_v_map_set(labels, "owner", arc_v_str("helm"));
	arc_v_map_set(labels, "status", arc_v_str(status ? status : "unknown"));
	snprintf(buf, sizeof(buf), "%d", version);
	arc_v_map_set(labels, "version", arc_v_str(buf));
	snprintf(buf, sizeof(buf), "%lld", (long long)time(NULL));
	arc_v_map_set(labels, created ? "createdAt" : "modifiedAt", arc_v_str(buf));
	arc_v_map_set(md, "labels", labels);
	arc_v_map_set(sec, "metadata", md);
	arc_v_map_set(sec, "type", arc_v_str("helm.sh/release.v1"));
	arc_v_map_set(data, "release", arc_v_str_buf(&wire));
	arc_v_map_set(sec, "data", data);
	rc = arc_kube_apply(k, sec, &ao, &res);
	if (rc) {
		char *m = xstrdup(arc_error_last());
		arc_error_code(rc, "recording release %s revision %d (%s): %s", name, version, status ? status : "?", m);
		free(m);
	}
	arc_v_unref(res);
	arc_v_unref(sec);
	arc_buf_release(&wire);
	free(rname);
	return rc;
}

int arc_rel_delete(struct arc_kube *k, const char *ns, const char *name, int version)
{
	char *rname = record_name(name, version);
	int rc = arc_kube_delete(k, "v1", "Secret", ns, rname, NULL, NULL);
	free(rname);
	return rc;
}
