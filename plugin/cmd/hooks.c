/* hooks.c - chart hooks: the release's Hook entries and running them (see hooks.h) */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "deploy.h"
#include "hooks.h"

#define FIELD_MANAGER "kubectl-arc"

/* ---- the record's hooks ---- */

static char **strv_push(char **v, size_t *n, const char *s, size_t len)
{
	v = xrealloc(v, (*n + 1) * sizeof(*v));
	v[(*n)++] = xstrndup(s, len);
	return v;
}

/* "a, B ,c" → ["a", "b", "c"] (lower case, spaces trimmed), as helm splits its annotations */
static char **split_lower(const char *s, size_t *n)
{
	char **v = NULL;
	*n = 0;
	for (;;) {
		const char *comma = strchr(s, ','), *e = comma ? comma : s + strlen(s), *b = s;
		size_t i, len;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		len = (size_t)(e - b);
		v = strv_push(v, n, b, len);
		for (i = 0; i < len; i++)
			v[*n - 1][i] = (char)tolower((unsigned char)v[*n - 1][i]);
		if (!comma)
			break;
		s = comma + 1;
	}
	return v;
}

static const char *annotation(arc_value *obj, const char *key)
{
	arc_value *ann = arc_obj_at(obj, "metadata.annotations"), *v;
	if (!ann || ann->kind != ARC_MAP)
		return NULL;
	v = arc_v_map_get(ann, key);
	return v && v->kind == ARC_STRING ? arc_v_strptr(v) : NULL;
}

int arc_hooks_from_manifests(const struct arc_manifests *m, struct arc_release_hook **out, size_t *n)
{
	struct arc_release_hook *hv = NULL;
	size_t i, nh = 0;
	*out = NULL;
	*n = 0;
	if (!m->nhooks)
		return 0;
	hv = xcalloc(m->nhooks, sizeof(*hv));
	for (i = 0; i < m->nhooks; i++) {
		const struct arc_manifest *mf = &m->hooks[i];
		struct arc_release_hook *h = &hv[nh];
		arc_value *docs = NULL, *obj;
		const char *a;
		if (arc_deploy_load_docs(docs = arc_v_list(), mf->path, mf->content, mf->len) != 0) {
			arc_v_unref(docs);
			arc_hooks_free(hv, nh);
			return ARC_E_PARSE;
		}
		obj = arc_v_list_len(docs) ? arc_v_list_at(docs, 0) : NULL;
		h->name = xstrdup(mf->name ? mf->name : "");
		h->kind = xstrdup(mf->kind ? mf->kind : "");
		h->path = xstrdup(mf->path);
		h->manifest = xstrndup(mf->content, mf->len);
		h->weight = mf->weight;
		h->phase = xstrdup("");
		a = obj ? annotation(obj, "helm.sh/hook") : NULL;
		if (a)
			h->events = split_lower(a, &h->nevents);
		a = obj ? annotation(obj, "helm.sh/hook-delete-policy") : NULL;
		if (a)
			h->delete_policies = split_lower(a, &h->ndelete_policies);
		a = obj ? annotation(obj, "helm.sh/hook-output-log-policy") : NULL;
		if (a)
			h->output_log_policies = split_lower(a, &h->noutput_log_policies);
		arc_v_unref(docs);
		nh++;
	}
	*out = hv;
	*n = nh;
	return 0;
}

static char **strv_copy(char *const *v, size_t n)
{
	char **c;
	size_t i;
	if (!n)
		return NULL;
	c = xcalloc(n, sizeof(*c));
	for (i = 0; i < n; i++)
		c[i] = xstrdup(v[i]);
	return c;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct arc_release_hook *arc_hooks_copy(const struct arc_release_hook *h, size_t n)
{
	struct arc_release_hook *c;
	size_t i;
	if (!n)
		return NULL;
	c = xcalloc(n, sizeof(*c));
	for (i = 0; i < n; i++) {
		c[i].name = dup_or_null(h[i].name);
		c[i].kind = dup_or_null(h[i].kind);
		c[i].path = dup_or_null(h[i].path);
		c[i].manifest = dup_or_null(h[i].manifest);
		c[i].events = strv_copy(h[i].events, h[i].nevents);
		c[i].nevents = h[i].nevents;
		c[i].started_at = dup_or_null(h[i].started_at);
		c[i].completed_at = dup_or_null(h[i].completed_at);
		c[i].phase = dup_or_null(h[i].phase);
		c[i].weight = h[i].weight;
		c[i].delete_policies = strv_copy(h[i].delete_policies, h[i].ndelete_policies);
		c[i].ndelete_policies = h[i].ndelete_policies;
		c[i].output_log_policies = strv_copy(h[i].output_log_policies, h[i].noutput_log_policies);
		c[i].noutput_log_policies = h[i].noutput_log_policies;
	}
	return c;
}

static void strv_free(char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void arc_hooks_free(struct arc_release_hook *h, size_t n)
{
	size_t i;
	for (i = 0; h && i < n; i++) {
		free(h[i].name);
		free(h[i].kind);
		free(h[i].path);
		free(h[i].manifest);
		strv_free(h[i].events, h[i].nevents);
		free(h[i].started_at);
		free(h[i].completed_at);
		free(h[i].phase);
		strv_free(h[i].delete_policies, h[i].ndelete_policies);
		strv_free(h[i].output_log_policies, h[i].noutput_log_policies);
	}
	free(h);
}

static int has(char *const *v, size_t n, const char *s)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (v[i] && !strcmp(v[i], s))
			return 1;
	return 0;
}

size_t arc_hooks_count(const struct arc_release *rel, const char *event)
{
	size_t i, c = 0;
	for (i = 0; i < rel->nhooks; i++)
		c += has(rel->hooks[i].events, rel->hooks[i].nevents, event) != 0;
	return c;
}

/* ---- running them ---- */

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

struct runner {
	struct arc_kube *k;
	struct arc_release *rel;
	const char *event;
	const struct arc_hooks_opts *o;
	long deadline;
};

static long left_ms(const struct runner *R)
{
	long l = R->deadline - now_ms();
	return l > 1000 ? l : 1000;
}

/* where an object of the hook lives: its namespace, or the release's when namespaced and
 * unnamed, or "" when cluster-scoped */
static int locate(struct runner *R, arc_value *obj, const char **ns)
{
	struct arc_kube_res res;
	const char *av = arc_obj_str(obj, "apiVersion"), *kind = arc_obj_str(obj, "kind");
	int rc;
	if (!av || !kind)
		return arc_error_code(ARC_E_PARSE, "the document has no apiVersion or kind");
	if ((rc = arc_kube_resolve(R->k, av, kind, &res)) != 0)
		return rc;
	*ns = "";
	if (res.namespaced) {
		*ns = arc_obj_str(obj, "metadata.namespace");
		if (!*ns || !**ns)
			*ns = R->o->namespace;
	}
	return 0;
}

static int parse_hook(const struct arc_release_hook *h, arc_value **docs)
{
	*docs = arc_v_list();
	if (!h->manifest)
		return 0;
	return arc_deploy_load_docs(*docs, h->path ? h->path : "hook", h->manifest, strlen(h->manifest));
}

/* delete the hook's objects when it has `policy`, and wait until they are gone */
static int delete_by_policy(struct runner *R, struct arc_release_hook *h, const char *policy)
{
	arc_value *docs = NULL;
	size_t i;
	int rc;
	if (h->kind && !strcmp(h->kind, "CustomResourceDefinition"))
		return 0;
	if (!has(h->delete_policies, h->ndelete_policies, policy))
		return 0;
	if ((rc = parse_hook(h, &docs)) != 0)
		goto out;
	for (i = 0; i < arc_v_list_len(docs) && !rc; i++) {
		arc_value *obj = arc_v_list_at(docs, i);
		const char *ns = NULL, *name = arc_obj_str(obj, "metadata.name");
		int existed = 0;
		if ((rc = locate(R, obj, &ns)) != 0)
			break;
		rc = arc_kube_delete(R->k, arc_obj_str(obj, "apiVersion"), arc_obj_str(obj, "kind"), ns, name,
				     "Background", &existed);
		if (!rc && existed)
			rc = arc_kube_wait(R->k, arc_obj_str(obj, "apiVersion"), arc_obj_str(obj, "kind"), ns, name,
					   arc_kube_pred_gone, NULL, left_ms(R));
	}
out:
	if (rc) {
		char *d = docs && arc_v_list_len(docs) ? arc_deploy_describe(arc_v_list_at(docs, 0), R->o->namespace)
							: xstrdup(h->path ? h->path : "");
		arc_error_prefix("deleting %s hook %s (%s, policy %s)", R->event, h->path ? h->path : "", d, policy);
		free(d);
	}
	arc_v_unref(docs);
	return rc;
}

/* Job: Complete → done, Failed → failed; Pod: Succeeded → done, Failed → failed */
static int pred_job(void *ctx, arc_value *job)
{
	arc_value *conds = job ? arc_obj_at(job, "status.conditions") : NULL;
	size_t i;
	(void)ctx;
	for (i = 0; conds && conds->kind == ARC_LIST && i < arc_v_list_len(conds); i++) {
		arc_value *c = arc_v_list_at(conds, i);
		const char *t = arc_obj_str(c, "type"), *s = arc_obj_str(c, "status");
		if (!t || !s || strcmp(s, "True"))
			continue;
		if (!strcmp(t, "Complete"))
			return 1;
		if (!strcmp(t, "Failed")) {
			const char *why = arc_obj_str(c, "reason"), *msg = arc_obj_str(c, "message");
			arc_error_code(ARC_E_FAIL, "job %s failed: %s%s%s", arc_obj_str(job, "metadata.name"),
				       why ? why : "", msg && *msg ? ": " : "", msg ? msg : "");
			return -1;
		}
	}
	return 0;
}

static int pred_pod(void *ctx, arc_value *pod)
{
	const char *phase = pod ? arc_obj_str(pod, "status.phase") : NULL;
	(void)ctx;
	if (!phase)
		return 0;
	if (!strcmp(phase, "Succeeded"))
		return 1;
	if (!strcmp(phase, "Failed")) {
		const char *why = arc_obj_str(pod, "status.reason"), *msg = arc_obj_str(pod, "status.message");
		arc_error_code(ARC_E_FAIL, "pod %s failed%s%s%s%s", arc_obj_str(pod, "metadata.name"), why ? ": " : "",
			       why ? why : "", msg && *msg ? ": " : "", msg ? msg : "");
		return -1;
	}
	return 0;
}

/* create the hook's objects and wait for the ones that run to completion */
static int create_and_watch(struct runner *R, struct arc_release_hook *h)
{
	struct arc_kube_apply_opts ao;
	arc_value *docs = NULL;
	size_t i;
	int rc;
	char *d = NULL;
	memset(&ao, 0, sizeof(ao));
	ao.field_manager = R->o->field_manager ? R->o->field_manager : FIELD_MANAGER;
	ao.namespace = R->o->namespace;
	if ((rc = parse_hook(h, &docs)) != 0)
		goto out;
	for (i = 0; i < arc_v_list_len(docs) && !rc; i++) {
		arc_value *obj = arc_v_list_at(docs, i);
		if ((rc = arc_kube_apply(R->k, obj, &ao, NULL)) != 0)
			d = arc_deploy_describe(obj, R->o->namespace);
	}
	for (i = 0; i < arc_v_list_len(docs) && !rc; i++) {
		arc_value *obj = arc_v_list_at(docs, i);
		const char *kind = arc_obj_str(obj, "kind"), *ns = NULL;
		arc_kube_pred_fn pred = NULL;
		if (kind && !strcmp(kind, "Job"))
			pred = pred_job;
		else if (kind && !strcmp(kind, "Pod"))
			pred = pred_pod;
		if (!pred)
			continue;
		d = arc_deploy_describe(obj, R->o->namespace);
		arc_progress_detail(R->o->progress, "waiting for %s to %s", d, pred == pred_job ? "complete" : "succeed");
		if ((rc = locate(R, obj, &ns)) == 0)
			rc = arc_kube_wait(R->k, arc_obj_str(obj, "apiVersion"), kind, ns, arc_obj_str(obj, "metadata.name"),
					   pred, NULL, left_ms(R));
		if (!rc) {
			free(d);
			d = NULL;
		}
	}
out:
	if (rc) {
		if (!d)
			d = xstrdup(h->kind ? h->kind : "");
		arc_error_prefix("%s hook %s (%s)", R->event, h->path ? h->path : "", d);
	}
	free(d);
	arc_v_unref(docs);
	return rc;
}

static void record(struct runner *R)
{
	if (R->o->write_record && arc_release_update(R->k, R->rel) != 0)
		arc_error_clear(); /* helm goes on too: the final record is written afterwards */
}

int arc_hooks_run(struct arc_kube *k, struct arc_release *rel, const char *event, const struct arc_hooks_opts *o)
{
	struct runner R = { k, rel, event, o, now_ms() + (o->timeout_ms > 0 ? o->timeout_ms : 300000) };
	size_t *ix, n = 0, i, j;
	int rc = 0;

	ix = xcalloc(rel->nhooks + 1, sizeof(*ix));
	for (i = 0; i < rel->nhooks; i++)
		if (has(rel->hooks[i].events, rel->hooks[i].nevents, event))
			ix[n++] = i;
	/* by weight, then name; stable over the record's kind order */
	for (i = 1; i < n; i++) {
		size_t v = ix[i];
		for (j = i; j > 0; j--) {
			const struct arc_release_hook *a = &rel->hooks[ix[j - 1]], *b = &rel->hooks[v];
			int later = a->weight > b->weight ||
				    (a->weight == b->weight && strcmp(a->name ? a->name : "", b->name ? b->name : "") > 0);
			if (!later)
				break;
			ix[j] = ix[j - 1];
		}
		ix[j] = v;
	}
	if (n)
		arc_progress_step(o->progress, "Running %zu %s hook%s", n, event, n == 1 ? "" : "s");
	for (i = 0; i < n && !rc; i++) {
		struct arc_release_hook *h = &rel->hooks[ix[i]];
		if (!h->ndelete_policies) {
			h->delete_policies = strv_push(NULL, &h->ndelete_policies, "before-hook-creation",
						       strlen("before-hook-creation"));
		}
		if ((rc = delete_by_policy(&R, h, "before-hook-creation")) != 0)
			break;
		arc_progress_detail(o->progress, "%s (%s %s)", h->path ? h->path : "", h->kind ? h->kind : "",
				    h->name ? h->name : "");
		free(h->started_at);
		free(h->completed_at);
		h->started_at = arc_release_now();
		h->completed_at = NULL;
		arc_release_set_str(&h->phase, "Running");
		record(&R);
		arc_release_set_str(&h->phase, "Unknown");
		rc = create_and_watch(&R, h);
		h->completed_at = arc_release_now();
		if (rc) {
			char *err = xstrdup(arc_error_last());
			arc_release_set_str(&h->phase, "Failed");
			/* the failure is what counts: cleaning up after it only adds a note */
			if (delete_by_policy(&R, h, "hook-failed") != 0)
				arc_progress_note(o->progress, "warning: %s", arc_error_last());
			for (j = 0; j < i; j++)
				if (delete_by_policy(&R, &rel->hooks[ix[j]], "hook-succeeded") != 0)
					arc_progress_note(o->progress, "warning: %s", arc_error_last());
			arc_error_code(rc, "%s", err);
			free(err);
			break;
		}
		arc_release_set_str(&h->phase, "Succeeded");
	}
	for (i = n; i > 0 && !rc; i--)
		rc = delete_by_policy(&R, &rel->hooks[ix[i - 1]], "hook-succeeded");
	if (n && !rc) /* a failure leaves the step open for the caller's error */
		arc_progress_done(o->progress, 1, "Ran %zu %s hook%s", n, event, n == 1 ? "" : "s");
	free(ix);
	return rc;
}
