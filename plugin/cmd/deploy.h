/*
 * deploy.h - the apply engine shared by install, upgrade, uninstall and the
 * cert-manager installer: CRDs first (then waited for until Established and
 * discovery refreshed), then every other object kind by kind in Helm's
 * InstallOrder with the objects of one kind applied in parallel (one API
 * client per worker thread: a client is not thread-safe), server-side apply
 * throughout; deletion in Helm's UninstallOrder; and the readiness waits
 * (Deployment rollouts, webhook Services with ready endpoints).
 *
 * Errors name the step and the object ("applying Deployment ns/x: …") and,
 * where the cause is recognisable, say what to do (RBAC, quota, a webhook
 * that does not answer yet).
 *
 * OWNERSHIP: objects are borrowed (the engine copies what it changes);
 * result lists returned through arc_value** belong to the caller.
 */
#ifndef ARC_CMD_DEPLOY_H
#define ARC_CMD_DEPLOY_H

#include "../kube/api.h"
#include "progress.h"

struct arc_deploy_opts {
	const struct arc_kube_flags *flags; /* to open the worker clients; NULL = everything on `k` */
	arc_kube_log_fn log_fn;             /* for worker clients (warnings, -v lines); may be NULL */
	void *log_ctx;
	const char *field_manager;          /* "kubectl-arc" when NULL */
	int force;                          /* take fields from other managers */
	int dry_run;                        /* dryRun=All */
	const char *namespace;              /* for namespaced objects that name none */
	/* Helm release ownership: when release is set every object gets the label
	 * app.kubernetes.io/managed-by=Helm and the meta.helm.sh/release-*
	 * annotations, and an existing object that is not the release's is refused
	 * (unless take_ownership or it is in `owned`, the previous manifest). */
	const char *release, *release_ns;
	int take_ownership;
	arc_value *owned; /* map of arc_deploy_key() of objects the release already has; may be NULL */
	int crds_create_only;               /* the `crds` list: create when absent, never update (Helm) */
	int max_parallel;                   /* workers per kind; 0 = 8 */
	long timeout_ms;                    /* bound for CRD establishment and webhook retries */
	struct arc_progress *progress;      /* may be NULL */
};

struct arc_deploy_result {
	size_t created, changed, unchanged, skipped, failed;
};

/* Apply `crds` (objects of crds/, may be NULL) and `objs` (a list of maps;
 * objects of kind CustomResourceDefinition among them go first too).  Stops
 * after the first kind with a failure; the counts say what was done. */
int arc_deploy_apply(struct arc_kube *k, arc_value *crds, arc_value *objs, const struct arc_deploy_opts *o,
		     struct arc_deploy_result *r);

/* Delete `objs` in Helm's UninstallOrder (in parallel within a kind).  Objects
 * annotated helm.sh/resource-policy=keep are left alone and counted in
 * r->skipped; missing ones count as unchanged.  With o->release set, an
 * object whose meta.helm.sh/release-* annotations name another release is
 * left alone too (r->skipped).  `kept` (may be NULL) receives
 * descriptions of the kept objects. */
int arc_deploy_delete(struct arc_kube *k, arc_value *objs, const struct arc_deploy_opts *o,
		      struct arc_deploy_result *r, arc_value **kept);

/* Wait (shared deadline) until every Deployment among objs is rolled out and
 * every Service that a webhook configuration among objs calls has a ready
 * endpoint.  Progress details name what is awaited. */
int arc_deploy_wait(struct arc_kube *k, arc_value *objs, const char *default_ns, long timeout_ms,
		    struct arc_progress *p);

/* Ready endpoints of Service ns/name (EndpointSlices); -1 with a message on API errors */
int arc_deploy_service_ready(struct arc_kube *k, const char *ns, const char *name);

/* "Kind ns/name" or "Kind name" (malloc'd) and the identity key "apiGroup/Kind/ns/name" */
char *arc_deploy_describe(arc_value *obj, const char *default_ns);
char *arc_deploy_key(arc_value *obj, const char *default_ns);

/* Split a multi-document manifest (a release's `manifest`) into a list of maps. */
int arc_deploy_parse_manifest(arc_value **out, const char *text, size_t len);
/* The same, appending to `list`; `name` names the text in YAML errors (a template, a crds/ file) */
int arc_deploy_load_docs(arc_value *list, const char *name, const char *text, size_t len);

/* Add an error hint for common causes, in place (on the thread's error slot). */
void arc_deploy_hint(long status, const char *ns);

#endif
