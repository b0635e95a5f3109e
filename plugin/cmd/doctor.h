/*
 * doctor.h - `kubectl arc doctor`: the parts of its checks that need neither a
 * cluster nor the network, so that a unit test can reach them.
 *
 * The command (arc_cmd_doctor, cmd.h) runs its checks in order — API server,
 * RBAC, cert-manager and its webhook, CRDs, the release, the controller, ARC's
 * webhook Service, the auth Secret, the GitHub credentials, registration
 * tokens, GPU nodes, runner registration — and explains each failure with its
 * fix.  Output: a checklist, or -o json|yaml; exit status 1 when a check fails.
 *
 * SECRETS: these functions look at credential values (to say "empty", "ends
 * with a newline", "not a number") but only key names reach their messages.
 *
 * OWNERSHIP: results go into caller-owned struct arc_buf; nothing else is
 * allocated for the caller.
 */
#ifndef ARC_CMD_DOCTOR_H
#define ARC_CMD_DOCTOR_H

#include "../base/base.h"
#include "../value/value.h"

/* What the configured runners need of a classic personal access token */
enum {
	ARC_DOCTOR_NEED_REPO = 1 << 0, /* always: repo */
	ARC_DOCTOR_NEED_ORG = 1 << 1,  /* organization runners: admin:org */
	ARC_DOCTOR_NEED_ENT = 1 << 2   /* enterprise runners: manage_runners:enterprise */
};

/* Compare the X-OAuth-Scopes of a classic token ("repo, admin:org", any
 * spacing) with `need`; the missing scopes go to `missing`, ", "-separated
 * (left empty when none).  A broader scope covers its parts (admin:enterprise
 * covers manage_runners:enterprise).  Returns the number missing. */
int arc_doctor_missing_scopes(const char *scopes, unsigned need, struct arc_buf *missing);

/* Classify the `data` map of an auth Secret (values base64, as the API
 * returns them).  Returns "token", "app" or "basicauth" for the credential
 * ARC's controller will use (it prefers basic auth, then the token, then the
 * App, as its github.Config does), or NULL when there is no usable one.
 * Problems go to `problems`, one line each ("github_app_private_key is
 * missing: …"); *fatal is set when one of them stops ARC from authenticating
 * (the rest are warnings). */
const char *arc_doctor_secret_kind(arc_value *data, struct arc_buf *problems, int *fatal);

#endif
