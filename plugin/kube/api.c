/* api.c - discovery (aggregated v2, falling back to per-group lists), the
 * kind→resource map, and the verbs: get, paginated list, server-side apply,
 * delete, watch and wait. */
#include "api.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../value/codec.h"
#include "internal.h"

#define WATCH_GRACE_MS 3000L /* a watch open this long past its timeoutSeconds is cut */
#define WAIT_WINDOW_S 30L     /* arc_kube_wait watches at most this long before it reads again */
#define ACCEPT_V2 "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

/* ---- object helpers ---- */

arc_value *arc_obj_at(arc_value *obj, const char *path)
{
	const char *p = path, *dot;
	arc_value *cur = obj;
	while (cur && *p) {
		if (cur->kind != ARC_MAP)
			return NULL;
		dot = strchr(p, '.');
		cur = arc_v_map_getn(cur, p, dot ? (size_t)(dot - p) : strlen(p));
		p = dot ? dot + 1 : p + strlen(p);
	}
	return cur;
}

const char *arc_obj_str(arc_value *obj, const char *path)
{
	arc_value *v = arc_obj_at(obj, path);
	return v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
}

static int64_t obj_int(arc_value *obj, const char *path, int64_t def)
{
	arc_value *v = arc_obj_at(obj, path);
	if (!v)
		return def;
	if (v->kind == ARC_INT)
		return v->u.i;
	if (v->kind == ARC_FLOAT) /* in range only: a cast of NaN or 1e300 is undefined */
		return v->u.f > -9e18 && v->u.f < 9e18 ? (int64_t)v->u.f : def;
	return def;
}

/* ---- discovery ---- */

static void add_resource(arc_value *map, const char *gv, const char *kind, const char *resource, int namespaced)
{
	char key[400];
	arc_value *e = arc_v_map();
	snprintf(key, sizeof(key), "%s/%s", gv, kind);
	if (arc_v_map_get(map, key))
		return; /* the first (preferred) mapping wins */
	arc_v_map_set(e, "resource", arc_v_str(resource));
	arc_v_map_set(e, "namespaced", arc_v_bool(namespaced));
	arc_v_map_set(map, key, e);
}

/* an APIGroupDiscoveryList (v2) */
static void from_v2(arc_value *map, arc_value *doc)
{
	arc_value *items = arc_v_map_get(doc, "items");
	size_t i, j, r;
	if (!items || items->kind != ARC_LIST)
		return;
	for (i = 0; i < arc_v_list_len(items); i++) {
		arc_value *g = arc_v_list_at(items, i), *vers = arc_v_map_get(g, "versions");
		const char *group = arc_obj_str(g, "metadata.name");
		if (!vers || vers->kind != ARC_LIST)
			continue;
		for (j = 0; j < arc_v_list_len(vers); j++) {
			arc_value *v = arc_v_list_at(vers, j), *res = arc_v_map_get(v, "resources");
			const char *ver = arc_obj_str(v, "version");
			char gv[200];
			if (!ver || !res || res->kind != ARC_LIST)
				continue;
			if (group && *group)
				snprintf(gv, sizeof(gv), "%s/%s", group, ver);
			else
				snprintf(gv, sizeof(gv), "%s", ver);
			for (r = 0; r < arc_v_list_len(res); r++) {
				arc_value *rr = arc_v_list_at(res, r);
				const char *name = arc_obj_str(rr, "resource"), *kind = arc_obj_str(rr, "responseKind.kind");
				const char *scope = arc_obj_str(rr, "scope");
				if (name && kind)
					add_resource(map, gv, kind, name, scope && !strcmp(scope, "Namespaced"));
			}
		}
	}
}

/* an APIResourceList (v1 fallback) */
static void from_resource_list(arc_value *map, const char *gv, arc_value *doc)
{
	arc_value *res = arc_v_map_get(doc, "resources");
	size_t i;
	if (!res || res->kind != ARC_LIST)
		return;
	for (i = 0; i < arc_v_list_len(res); i++) {
		arc_value *r = arc_v_list_at(res, i), *ns = arc_v_map_get(r, "namespaced");
		const char *name = arc_obj_str(r, "name"), *kind = arc_obj_str(r, "kind");
		if (name && kind && !strchr(name, '/'))
			add_resource(map, gv, kind, name, ns && arc_v_truthy(ns));
	}
}

static int get_json(struct arc_kube *k, const char *path, const char *accept, arc_value **out)
{
	struct arc_buf resp = ARC_BUF_INIT;
	long status = 0;
	int rc = arc_kube_do_accept(k, "GET", path, accept, &status, &resp);
	if (rc == 0 && status / 100 != 2) {
		char *what = xasprintf("GET %s", path);
		rc = arc_kube_status_error(status, &resp, what);
		free(what);
	}
	if (rc == 0 && arc_json_load(out, path, resp.ptr, resp.len) != 0) {
		arc_error_prefix("decoding the answer to GET %s", path);
		rc = ARC_E_PARSE;
	}
	arc_buf_release(&resp);
	return rc;
}

static int discover(struct arc_kube *k)
{
	arc_value *map = arc_v_map(), *doc = NULL, **slot = arc_kube_discovery_slot(k);
	const char *roots[2] = { "/api", "/apis" };
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((rc = get_json(k, roots[i], ACCEPT_V2, &doc)) != 0)
			goto fail;
		if (arc_obj_str(doc, "kind") && !strcmp(arc_obj_str(doc, "kind"), "APIGroupDiscoveryList")) {
			from_v2(map, doc);
		} else if (i == 0) {
			/* APIVersions: core group */
			arc_value *sub = NULL;
			if ((rc = get_json(k, "/api/v1", NULL, &sub)) != 0)
				goto fail;
			from_resource_list(map, "v1", sub);
			arc_v_unref(sub);
		} else {
			arc_value *groups = arc_v_map_get(doc, "groups");
			size_t g, v;
			for (g = 0; groups && groups->kind == ARC_LIST && g < arc_v_list_len(groups); g++) {
				arc_value *vers = arc_v_map_get(arc_v_list_at(groups, g), "versions");
				for (v = 0; vers && vers->kind == ARC_LIST && v < arc_v_list_len(vers); v++) {
					const char *gv = arc_obj_str(arc_v_list_at(vers, v), "groupVersion");
					char *path;
					arc_value *sub = NULL;
					if (!gv)
						continue;
					path = xasprintf("/apis/%s", gv);
					rc = get_json(k, path, NULL, &sub);
					free(path);
					if (rc == 0)
						from_resource_list(map, gv, sub);
					arc_v_unref(sub);
					arc_error_clear(); /* an unavailable aggregated API is not fatal */
				}
			}
		}
		arc_v_unref(doc);
		doc = NULL;
	}
	arc_v_unref(*slot);
	*slot = map;
	return 0;
fail:
	arc_v_unref(doc);
	arc_v_unref(map);
	return rc;
}

void arc_kube_assume(struct arc_kube *k, const char *apiversion, const char *kind, const char *resource,
		     int namespaced)
{
	arc_value **slot = arc_kube_discovery_slot(k);
	if (!*slot)
		*slot = arc_v_map();
	add_resource(*slot, apiversion, kind, resource, namespaced);
}

void arc_kube_discovery_reset(struct arc_kube *k)
{
	arc_value **slot = arc_kube_discovery_slot(k);
	arc_v_unref(*slot);
	*slot = NULL;
}

int arc_kube_wait_served(struct arc_kube *k, const char *apiversion, const char *kind, long timeout_ms)
{
	const struct timespec step = { 0, 200 * 1000 * 1000 };
	struct arc_kube_res res;
	long waited = 0;
	int rc;
	for (;;) {
		arc_kube_discovery_reset(k);
		rc = arc_kube_resolve(k, apiversion, kind, &res);
		if (rc != ARC_E_NOTFOUND || waited >= timeout_ms)
			return rc;
		nanosleep(&step, NULL);
		waited += 200;
	}
}

int arc_kube_api_versions(struct arc_kube *k, arc_value **out)
{
	arc_value **slot = arc_kube_discovery_slot(k), *seen, *list;
	size_t i;
	int rc;
	*out = NULL;
	if (!*slot && (rc = discover(k)) != 0)
		return rc;
	seen = arc_v_map();
	list = arc_v_list();
	for (i = 0; i < arc_v_map_len(*slot); i++) {
		const char *key = arc_v_map_key(*slot, i), *slash = strrchr(key, '/');
		if (slash && !arc_v_map_getn(seen, key, (size_t)(slash - key))) {
			arc_v_map_setn(seen, key, (size_t)(slash - key), arc_v_bool(1));
			arc_v_list_push(list, arc_v_strn(key, (size_t)(slash - key)));
		}
		arc_v_list_push(list, arc_v_str(key));
	}
	arc_v_unref(seen);
	*out = list;
	return 0;
}

int arc_kube_resolve(struct arc_kube *k, const char *apiversion, const char *kind, struct arc_kube_res *out)
{
	arc_value **slot = arc_kube_discovery_slot(k), *e = NULL;
	char key[400];
	int pass, rc;

	snprintf(key, sizeof(key), "%s/%s", apiversion, kind);
	for (pass = 0; pass < 2; pass++) {
		if (!*slot || pass == 1) {
			if ((rc = discover(k)) != 0)
				return rc;
		}
		e = arc_v_map_get(*slot, key);
		if (e)
			break;
	}
	if (!e)
		return arc_error_code(ARC_E_NOTFOUND,
				      "no matches for kind \"%s\" in version \"%s\" (is its CustomResourceDefinition "
				      "installed?)",
				      kind, apiversion);
	snprintf(out->resource, sizeof(out->resource), "%s", arc_obj_str(e, "resource"));
	snprintf(out->gv, sizeof(out->gv), "%s", apiversion);
	snprintf(out->kind, sizeof(out->kind), "%s", kind);
	out->namespaced = arc_v_truthy(arc_v_map_get(e, "namespaced"));
	return 0;
}

static void put_escaped(struct arc_buf *b, const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0);
	arc_buf_puts(b, e ? e : s);
	curl_free(e);
}

void arc_kube_res_path(const struct arc_kube_res *r, const char *ns, const char *name, struct arc_buf *path)
{
	arc_buf_puts(path, strchr(r->gv, '/') ? "/apis/" : "/api/");
	arc_buf_puts(path, r->gv);
	if (r->namespaced && ns && *ns) {
		arc_buf_puts(path, "/namespaces/");
		put_escaped(path, ns);
	}
	arc_buf_putc(path, '/');
	arc_buf_puts(path, r->resource);
	if (name) {
		arc_buf_putc(path, '/');
		put_escaped(path, name);
	}
}

static char *describe(const char *kind, const char *ns, const char *name, int namespaced)
{
	if (namespaced && ns && *ns)
		return xasprintf("%s %s/%s", kind, ns, name ? name : "");
	return xasprintf("%s %s", kind, name ? name : "");
}

int arc_kube_get(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		 arc_value **out)
{
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	long status = 0;
	int rc = arc_kube_resolve(k, apiversion, kind, &r);
	if (rc)
		return rc;
	arc_kube_res_path(&r, ns, name, &path);
	rc = arc_kube_do(k, "GET", path.ptr, NULL, NULL, 0, &status, &resp);
	if (rc) { /* a transport error names the URL, not the object */
		char *what = describe(kind, ns, name, r.namespaced);
		arc_error_prefix("reading %s", what);
		free(what);
	}
	if (rc == 0 && status / 100 != 2) {
		char *what = describe(kind, ns, name, r.namespaced);
		rc = arc_kube_status_error(status, &resp, what);
		free(what);
	}
	if (rc == 0 && arc_json_load(out, path.ptr, resp.ptr, resp.len) != 0)
		rc = ARC_E_PARSE;
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

int arc_kube_list(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns,
		  const char *label_selector, const char *field_selector, long limit, arc_kube_item_fn fn, void *ctx,
		  char **rv)
{
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	char *cont = NULL;
	long status = 0;
	int rc = arc_kube_resolve(k, apiversion, kind, &r);
	if (rc)
		return rc;
	if (rv)
		*rv = NULL;
	for (;;) {
		arc_value *doc = NULL, *items;
		const char *c;
		size_t i;
		arc_buf_reset(&path);
		arc_kube_res_path(&r, ns, NULL, &path);
		arc_buf_printf(&path, "?limit=%ld", limit > 0 ? limit : 500);
		if (label_selector && *label_selector) {
			arc_buf_puts(&path, "&labelSelector=");
			put_escaped(&path, label_selector);
		}
		if (field_selector && *field_selector) {
			arc_buf_puts(&path, "&fieldSelector=");
			put_escaped(&path, field_selector);
		}
		if (cont) {
			arc_buf_puts(&path, "&continue=");
			put_escaped(&path, cont);
		}
		rc = arc_kube_do(k, "GET", path.ptr, NULL, NULL, 0, &status, &resp);
		if (rc)
			arc_error_prefix("listing %s", r.resource);
		if (rc == 0 && status == 410) {
			rc = arc_error_code(ARC_E_RANGE, "listing %s: the continue token expired; list again", r.resource);
			break;
		}
		if (rc == 0 && status / 100 != 2) {
			char *what = xasprintf("listing %s", r.resource);
			rc = arc_kube_status_error(status, &resp, what);
			free(what);
		}
		if (rc == 0 && arc_json_load(&doc, path.ptr, resp.ptr, resp.len) != 0)
			rc = ARC_E_PARSE;
		if (rc)
			break;
		items = arc_v_map_get(doc, "items");
		for (i = 0; items && items->kind == ARC_LIST && i < arc_v_list_len(items) && rc == 0; i++)
			rc = fn(ctx, arc_v_list_at(items, i));
		free(cont);
		cont = NULL;
		c = arc_obj_str(doc, "metadata.continue");
		if (c && *c)
			cont = xstrdup(c);
		if (rv && (c = arc_obj_str(doc, "metadata.resourceVersion"))) {
			free(*rv);
			*rv = xstrdup(c);
		}
		arc_v_unref(doc);
		if (rc || !cont)
			break;
	}
	free(cont);
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

int arc_kube_apply(struct arc_kube *k, arc_value *obj, const struct arc_kube_apply_opts *o, arc_value **out)
{
	static const struct arc_kube_apply_opts defaults;
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT, body = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	const char *av = arc_obj_str(obj, "apiVersion"), *kind = arc_obj_str(obj, "kind");
	const char *name = arc_obj_str(obj, "metadata.name"), *ns = arc_obj_str(obj, "metadata.namespace");
	char *what = NULL;
	long status = 0;
	int rc;

	if (!o)
		o = &defaults;
	if (!av || !kind || !name)
		return arc_error_code(ARC_E_PARSE, "object is missing %s", !av ? "apiVersion" : !kind ? "kind"
											   : "metadata.name");
	if ((rc = arc_kube_resolve(k, av, kind, &r)) != 0)
		return rc;
	if (r.namespaced && (!ns || !*ns))
		ns = o->namespace ? o->namespace : arc_kube_cfg(k)->namespace;
	what = describe(kind, ns, name, r.namespaced);
	arc_kube_res_path(&r, ns, name, &path);
	arc_buf_printf(&path, "?fieldManager=%s", o->field_manager ? o->field_manager : "kubectl-arc");
	if (o->force)
		arc_buf_puts(&path, "&force=true");
	if (o->dry_run)
		arc_buf_puts(&path, "&dryRun=All");
	if ((rc = arc_json_dump(&body, obj, 0)) != 0)
		goto out;
	rc = arc_kube_do(k, "PATCH", path.ptr, "application/apply-patch+yaml", body.ptr, body.len, &status, &resp);
	if (rc == 0 && status / 100 != 2) {
		char reason[64], *w2 = xasprintf("applying %s", what);
		arc_kube_status_reason(&resp, reason, sizeof(reason));
		rc = arc_kube_status_error(status, &resp, w2);
		free(w2);
		if (status == 409 && !strcmp(reason, "Conflict") && !o->force) {
			struct arc_buf m = ARC_BUF_INIT;
			arc_buf_puts(&m, arc_error_last());
			arc_error_code(rc, "%s (another field manager owns these fields: re-run with "
					   "--force-conflicts to take them over)", arc_buf_cstr(&m));
			arc_buf_release(&m);
		}
		goto done;
	}
	if (rc == 0 && out && arc_json_load(out, what, resp.ptr, resp.len) != 0)
		rc = ARC_E_PARSE;
out:
	if (rc)
		arc_error_prefix("applying %s", what);
done:
	free(what);
	arc_buf_release(&path);
	arc_buf_release(&body);
	arc_buf_release(&resp);
	return rc;
}

int arc_kube_delete(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		    const char *propagation, int *existed)
{
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	char *body, *what;
	long status = 0;
	int rc = arc_kube_resolve(k, apiversion, kind, &r);
	if (existed)
		*existed = 0;
	if (rc)
		return rc;
	arc_kube_res_path(&r, ns, name, &path);
	body = xasprintf("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"%s\"}",
			 propagation ? propagation : "Background");
	rc = arc_kube_do(k, "DELETE", path.ptr, "application/json", body, strlen(body), &status, &resp);
	if (rc) {
		what = describe(kind, ns, name, r.namespaced);
		arc_error_prefix("deleting %s", what);
		free(what);
		what = NULL;
	}
	if (rc == 0 && status / 100 == 2 && existed)
		*existed = 1;
	if (rc == 0 && status / 100 != 2 && status != 404) {
		what = describe(kind, ns, name, r.namespaced);
		rc = arc_kube_status_error(status, &resp, what);
		arc_error_prefix("deleting");
		free(what);
	}
	free(body);
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

/* ---- watch ---- */

/* one line of the stream: an event, or a Status when the server refuses */
int arc_kube_watch_line(void *ud, const char *line, size_t len)
{
	struct arc_kube_watch_ctx *w = ud;
	arc_value *ev = NULL, *obj;
	const char *type;
	int stop = 0;
	if (arc_json_load(&ev, "watch", line, len) != 0 || ev->kind != ARC_MAP) {
		arc_v_unref(ev);
		w->rc = arc_error_code(ARC_E_PARSE, "malformed watch event from the server");
		return 1;
	}
	type = arc_obj_str(ev, "type");
	obj = arc_v_map_get(ev, "object");
	if (!type) { /* a Status instead of an event */
		if (obj == NULL && arc_obj_str(ev, "kind") && !strcmp(arc_obj_str(ev, "kind"), "Status")) {
			if (obj_int(ev, "code", 0) == 410)
				w->gone = 1;
			else
				w->rc = arc_error_code(obj_int(ev, "code", 0) == 404 ? ARC_E_NOTFOUND : ARC_E_HTTP,
						       "watch: %s", arc_obj_str(ev, "message") ? arc_obj_str(ev, "message")
											 : "refused by the server");
		}
		arc_v_unref(ev);
		return 1;
	}
	if (!strcmp(type, "ERROR")) {
		if (obj_int(obj, "code", 0) == 410)
			w->gone = 1;
		else
			w->rc = arc_error_code(ARC_E_HTTP, "watch error: %s",
					       arc_obj_str(obj, "message") ? arc_obj_str(obj, "message") : "unknown");
		arc_v_unref(ev);
		return 1;
	}
	if (obj) {
		int r = w->fn(w->ctx, type, obj);
		if (r < 0) {
			w->rc = r;
			stop = 1;
		} else if (r > 0) {
			w->stopped = 1;
			stop = 1;
		}
	}
	arc_v_unref(ev);
	return stop;
}

int arc_kube_watch(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns,
		   const char *field_selector, const char *rv, long timeout_s, arc_kube_event_fn fn, void *ctx)
{
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT;
	struct arc_kube_watch_ctx w = { fn, ctx, 0, 0, 0 };
	long status = 0;
	int rc = arc_kube_resolve(k, apiversion, kind, &r);
	if (rc)
		return rc;
	arc_kube_res_path(&r, ns, NULL, &path);
	arc_buf_printf(&path, "?watch=1&allowWatchBookmarks=true&timeoutSeconds=%ld", timeout_s > 0 ? timeout_s : 60);
	if (rv && *rv) {
		arc_buf_puts(&path, "&resourceVersion=");
		put_escaped(&path, rv);
	}
	if (field_selector && *field_selector) {
		arc_buf_puts(&path, "&fieldSelector=");
		put_escaped(&path, field_selector);
	}
	/* the server ends the watch after timeoutSeconds; one that stays open (a stalled server or
	 * network) is cut a little later, so that no caller hangs past its own timeout */
	rc = arc_kube_stream_for(k, path.ptr, arc_kube_watch_line, &w, &status,
				 (timeout_s > 0 ? timeout_s : 60) * 1000L + WATCH_GRACE_MS);
	arc_buf_release(&path);
	if (rc)
		return rc;
	if (w.rc)
		return w.rc;
	if (w.gone || status == 410)
		return arc_error_code(ARC_E_RANGE, "watch of %s: resource version too old", r.resource);
	if (status / 100 != 2 && !w.stopped)
		return arc_kube_status_error(status, NULL, "watch");
	return w.stopped ? 1 : 0;
}

/* ---- wait ---- */

struct wait_ctx {
	arc_kube_pred_fn pred;
	void *ctx;
	int result;
};

static int on_wait_event(void *ud, const char *type, arc_value *obj)
{
	struct wait_ctx *w = ud;
	if (!strcmp(type, "BOOKMARK"))
		return 0;
	w->result = w->pred(w->ctx, strcmp(type, "DELETED") ? obj : NULL);
	return w->result != 0 ? (w->result < 0 ? w->result : 1) : 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int arc_kube_wait(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		  arc_kube_pred_fn pred, void *ctx, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	char *fs = xasprintf("metadata.name=%s", name);
	int rc = 0;

	for (;;) {
		arc_value *obj = NULL;
		struct wait_ctx w = { pred, ctx, 0 };
		const char *rv;
		long left;
		int r;

		rc = arc_kube_get(k, apiversion, kind, ns, name, &obj);
		if (rc && rc != ARC_E_NOTFOUND)
			break;
		arc_error_clear();
		r = pred(ctx, rc == ARC_E_NOTFOUND ? NULL : obj);
		if (r != 0) {
			arc_v_unref(obj);
			rc = r > 0 ? 0 : r;
			break;
		}
		rv = obj ? arc_obj_str(obj, "metadata.resourceVersion") : NULL;
		left = deadline - now_ms();
		if (left <= 0) {
			arc_v_unref(obj);
			rc = ARC_E_RANGE;
			break;
		}
		if (!obj) {
			/* no object to watch from: poll */
			usleep(left > 500 ? 500000 : (useconds_t)left * 1000);
			continue;
		}
		{
			char *rvcopy = rv ? xstrdup(rv) : NULL;
			arc_v_unref(obj);
			/* in windows: a watch that a stalled server or network keeps silent costs at most one
			 * window before the object is read again */
			rc = arc_kube_watch(k, apiversion, kind, ns, fs, rvcopy,
					    left / 1000 + 1 < WAIT_WINDOW_S ? left / 1000 + 1 : WAIT_WINDOW_S, on_wait_event,
					    &w);
			free(rvcopy);
		}
		if (rc < 0 && rc != ARC_E_RANGE && rc != ARC_E_IO)
			break;
		if (w.result > 0) {
			rc = 0;
			break;
		}
		if (w.result < 0) {
			rc = w.result;
			break;
		}
		if (now_ms() >= deadline) {
			rc = ARC_E_RANGE;
			break;
		}
		if (rc == ARC_E_IO) /* dropped watch: back off a little, then look again */
			usleep(200000);
		arc_error_clear();
		rc = 0;
	}
	free(fs);
	if (rc == ARC_E_RANGE)
		arc_error_code(ARC_E_RANGE, "timed out after %ld s waiting for %s %s%s%s", timeout_ms / 1000, kind,
			       ns && *ns ? ns : "", ns && *ns ? "/" : "", name);
	return rc;
}

/* ---- predicates ---- */

static arc_value *find_condition(arc_value *obj, const char *type)
{
	arc_value *conds = arc_obj_at(obj, "status.conditions");
	size_t i;
	for (i = 0; conds && conds->kind == ARC_LIST && i < arc_v_list_len(conds); i++) {
		arc_value *c = arc_v_list_at(conds, i);
		const char *t = arc_obj_str(c, "type");
		if (t && !strcmp(t, type))
			return c;
	}
	return NULL;
}

int arc_kube_pred_established(void *ctx, arc_value *crd)
{
	arc_value *c;
	(void)ctx;
	if (!crd)
		return 0;
	c = find_condition(crd, "Established");
	return c && arc_obj_str(c, "status") && !strcmp(arc_obj_str(c, "status"), "True");
}

int arc_kube_pred_condition(void *ctx, arc_value *obj)
{
	const char *spec = ctx, *eq = strchr(spec, '='), *want = eq ? eq + 1 : "True", *st;
	char type[128];
	arc_value *conds, *c = NULL;
	int64_t gen, ogen;
	size_t i;
	if (!obj)
		return 0;
	/* "Ready" or "Ready=False"; compared without regard to case, as kubectl wait does */
	snprintf(type, sizeof(type), "%.*s", eq ? (int)(eq - spec) : (int)strlen(spec), spec);
	conds = arc_obj_at(obj, "status.conditions");
	for (i = 0; conds && conds->kind == ARC_LIST && i < arc_v_list_len(conds); i++) {
		const char *t = arc_obj_str(arc_v_list_at(conds, i), "type");
		if (t && !strcasecmp(t, type)) {
			c = arc_v_list_at(conds, i);
			break;
		}
	}
	st = c ? arc_obj_str(c, "status") : NULL;
	if (!st || strcasecmp(st, want))
		return 0;
	/* a condition observed for an older generation does not count */
	gen = obj_int(obj, "metadata.generation", 0);
	ogen = obj_int(c, "observedGeneration", gen);
	return ogen >= gen;
}

int arc_kube_pred_rollout(void *ctx, arc_value *d)
{
	int64_t gen, ogen, want, updated, replicas, available;
	arc_value *prog;
	(void)ctx;
	if (!d)
		return 0;
	gen = obj_int(d, "metadata.generation", 0);
	ogen = obj_int(d, "status.observedGeneration", 0);
	if (gen > ogen)
		return 0;
	prog = find_condition(d, "Progressing");
	if (prog && arc_obj_str(prog, "reason") && !strcmp(arc_obj_str(prog, "reason"), "ProgressDeadlineExceeded"))
		return arc_error_code(ARC_E_FAIL, "deployment \"%s\" exceeded its progress deadline",
				      arc_obj_str(d, "metadata.name"));
	want = obj_int(d, "spec.replicas", 1);
	updated = obj_int(d, "status.updatedReplicas", 0);
	replicas = obj_int(d, "status.replicas", 0);
	available = obj_int(d, "status.availableReplicas", 0);
	if (updated < want)
		return 0;
	if (replicas > updated)
		return 0;
	if (available < updated)
		return 0;
	return 1;
}

int arc_kube_pred_exists(void *ctx, arc_value *obj)
{
	(void)ctx;
	return obj != NULL;
}

int arc_kube_pred_gone(void *ctx, arc_value *obj)
{
	(void)ctx;
	return obj == NULL;
}
