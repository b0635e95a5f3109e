/*
 * hooks.h - chart hooks at install, upgrade, uninstall and the rollback of --atomic, with Helm's
 * rules.
 *
 * A release record keeps its hooks (release.Hook): the documents annotated helm.sh/hook,
 * with their events, helm.sh/hook-weight, helm.sh/hook-delete-policy and
 * helm.sh/hook-output-log-policy.  Running the hooks of one event ("pre-install", …):
 *   - the hooks of that event, by weight then name (stable over the kind order the
 *     record keeps);
 *   - each one: no delete policy means before-hook-creation (and the record says so
 *     afterwards, as helm's does); with before-hook-creation an existing object is
 *     deleted and waited for; last_run becomes {started_at: now, phase: Running} and the
 *     record is written; the object is created (server-side apply); a Job is waited for
 *     until its Complete condition (Failed: the hook failed), a Pod until phase
 *     Succeeded (Failed: failed), anything else is done once created; last_run gets
 *     completed_at and Succeeded or Failed;
 *   - the first failure stops the event: that hook is deleted if it has hook-failed, the
 *     ones that succeeded before it if they have hook-succeeded;
 *   - when all succeed, those with hook-succeeded are deleted, last first.
 * CustomResourceDefinition hooks are never deleted.  Hook objects get no Helm ownership
 * labels (they are not part of the release's manifest), as with helm.
 *
 * Not done: helm.sh/hook-output-log-policy is recorded but pod logs are not printed.
 *
 * OWNERSHIP: the release is borrowed and updated in place (its hooks' last_run and
 * delete_policies); hook arrays returned through ** belong to the caller
 * (arc_hooks_free).
 */
#ifndef ARC_CMD_HOOKS_H
#define ARC_CMD_HOOKS_H

#include "../chart/manifest.h"
#include "../chart/release.h"
#include "../kube/api.h"
#include "progress.h"

/* The release hooks of a sorted render (m->hooks, in their order), as helm's manifest sorter
 * makes them.  An unreadable hook document is an error naming its template. */
int arc_hooks_from_manifests(const struct arc_manifests *m, struct arc_release_hook **out, size_t *n);
/* A deep copy of n hooks */
struct arc_release_hook *arc_hooks_copy(const struct arc_release_hook *h, size_t n);
void arc_hooks_free(struct arc_release_hook *h, size_t n);
/* How many of rel's hooks run at `event` */
size_t arc_hooks_count(const struct arc_release *rel, const char *event);

struct arc_hooks_opts {
	const char *namespace;     /* for hook objects that name none */
	long timeout_ms;           /* for the whole event */
	struct arc_progress *progress; /* may be NULL */
	int write_record;          /* update rel's record as each hook starts (as helm does) */
	const char *field_manager; /* "kubectl-arc" when NULL */
};

/* Run rel's hooks for `event`.  0 when every one succeeded (or there are none); else the
 * error of the hook that failed: "<event> hook <template> (<Kind ns/name>): …". */
int arc_hooks_run(struct arc_kube *k, struct arc_release *rel, const char *event, const struct arc_hooks_opts *o);

#endif
