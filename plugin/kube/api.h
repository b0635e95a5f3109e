/*
 * api.h - the API verbs over the client: discovery and kind→resource mapping,
 * get, list (paginated), server-side apply, delete, watch and wait.
 *
 * OWNERSHIP as in kube.h: objects passed in are borrowed; objects returned
 * through arc_value** belong to the caller.  Callbacks receive borrowed
 * values valid for the duration of the call.
 */
#ifndef ARC_KUBE_API_H
#define ARC_KUBE_API_H

#include "kube.h"

struct arc_kube_res {
	char resource[128];   /* "deployments" */
	char gv[160];         /* "apps/v1", or "v1" for the core group */
	char kind[128];
	int namespaced;
};

/* Map apiVersion + kind to a resource, discovering on first use and once
 * more when the kind is unknown (CRDs just created).  ARC_E_NOTFOUND with
 * `no matches for kind "X" in version "Y"` when the server does not know it. */
int arc_kube_resolve(struct arc_kube *k, const char *apiversion, const char *kind, struct arc_kube_res *out);
void arc_kube_discovery_reset(struct arc_kube *k);
/* Take the mapping of KIND in APIVERSION as known without asking discovery (a command that
 * works on kinds whose resource names it knows saves the two discovery requests).  Requests
 * for it then answer 404 when the server does not serve it after all; any other kind is still
 * discovered on first use. */
void arc_kube_assume(struct arc_kube *k, const char *apiversion, const char *kind, const char *resource,
		     int namespaced);
/* Wait until discovery serves KIND in APIVERSION (a CRD can be Established a moment before the
 * API server's discovery lists it), polling for at most timeout_ms; 0 or ARC_E_NOTFOUND. */
int arc_kube_wait_served(struct arc_kube *k, const char *apiversion, const char *kind, long timeout_ms);
/* Helm's capabilities version set (action.GetVersionSet): every "group/version" and
 * "group/version/Kind" the server serves ("v1", "v1/Pod", "apps/v1/Deployment"), discovering
 * when needed.  *out: a new list of strings. */
int arc_kube_api_versions(struct arc_kube *k, arc_value **out);

/* "/apis/apps/v1/namespaces/NS/deployments[/NAME]" into path (appended) */
void arc_kube_res_path(const struct arc_kube_res *r, const char *ns, const char *name, struct arc_buf *path);

int arc_kube_get(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		 arc_value **out);

/* List every object (following `continue`), calling fn per item; `limit` per
 * page (0 = 500).  The list's resourceVersion is returned in *rv when rv != NULL. */
typedef int (*arc_kube_item_fn)(void *ctx, arc_value *item);
int arc_kube_list(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns,
		  const char *label_selector, const char *field_selector, long limit, arc_kube_item_fn fn, void *ctx,
		  char **rv);

struct arc_kube_apply_opts {
	const char *field_manager; /* "kubectl-arc" when NULL */
	int force;                 /* take fields owned by other managers */
	int dry_run;               /* dryRun=All */
	const char *namespace;     /* for namespaced objects without metadata.namespace */
};
/* Server-side apply of one object; *out (may be NULL) receives the result. */
int arc_kube_apply(struct arc_kube *k, arc_value *obj, const struct arc_kube_apply_opts *o, arc_value **out);

/* DELETE with a propagation policy ("Background" when NULL).  A missing object is
 * not an error: *existed tells (may be NULL). */
int arc_kube_delete(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		    const char *propagation, int *existed);

/* Watch events ("ADDED", "MODIFIED", "DELETED", "BOOKMARK") from resourceVersion rv
 * for at most timeout_s seconds; fn returns non-zero to stop.  A 410 Gone or an
 * ERROR event returns ARC_E_RANGE (the caller lists again). */
typedef int (*arc_kube_event_fn)(void *ctx, const char *type, arc_value *obj);
int arc_kube_watch(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns,
		   const char *field_selector, const char *rv, long timeout_s, arc_kube_event_fn fn, void *ctx);

/* Wait until pred(obj) says done (1), failed (-1, with a message set), or the
 * timeout passes.  pred gets NULL while the object does not exist.  progress
 * (may be NULL) is called with a short description of what is awaited. */
typedef int (*arc_kube_pred_fn)(void *ctx, arc_value *obj);
int arc_kube_wait(struct arc_kube *k, const char *apiversion, const char *kind, const char *ns, const char *name,
		  arc_kube_pred_fn pred, void *ctx, long timeout_ms);

/* ready-made predicates */
int arc_kube_pred_established(void *ctx, arc_value *crd);   /* CRD condition Established=True */
int arc_kube_pred_rollout(void *ctx, arc_value *deploy);    /* as `kubectl rollout status` */
int arc_kube_pred_condition(void *ctx, arc_value *obj);     /* ctx: "Ready" or "Ready=False" */
int arc_kube_pred_exists(void *ctx, arc_value *obj);
int arc_kube_pred_gone(void *ctx, arc_value *obj);

/* helpers on objects */
const char *arc_obj_str(arc_value *obj, const char *path); /* "metadata.name" → borrowed or NULL */
arc_value *arc_obj_at(arc_value *obj, const char *path);   /* borrowed or NULL */

#endif
