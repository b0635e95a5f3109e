/*
 * certmanager.h - ARC's prerequisite: detect a working cert-manager (CRDs
 * Established, webhook Deployment available, webhook Service with a ready
 * endpoint), install it from its release manifest (a pinned version, or a
 * FILE or URL) with server-side apply, and wait until its webhook answers.
 *
 * OWNERSHIP: strings in struct arc_cm_state are owned by it
 * (arc_cm_state_release).
 */
#ifndef ARC_CMD_CERTMANAGER_H
#define ARC_CMD_CERTMANAGER_H

#include "deploy.h"

/* the cert-manager release kubectl-arc installs by default */
#define ARC_CM_DEFAULT_VERSION "v1.19.1"

struct arc_cm_state {
	int crds_total, crds_established; /* of the four cert-manager.io CRDs */
	char *webhook_ns, *webhook_name;  /* the webhook Deployment found (NULL: none) */
	int webhook_available;            /* its rollout is complete */
	int endpoints;                    /* ready endpoints of its Service */
	char *version;                    /* app.kubernetes.io/version label, if any */
};

/* 1 healthy, 0 absent or unhealthy (st says what is missing), < 0 API error */
int arc_cm_detect(struct arc_kube *k, struct arc_cm_state *st);
void arc_cm_state_release(struct arc_cm_state *st);
/* one line: "cert-manager v1.19.1: 4/4 CRDs Established, webhook cert-manager/cert-manager-webhook ready" */
char *arc_cm_describe(const struct arc_cm_state *st);

/* The release manifest URL of a version ("v1.19.1" or "1.19.1"); malloc'd */
char *arc_cm_manifest_url(const char *version);

/* Read `src` (a file, or an http(s) URL fetched with libcurl), apply it
 * (CRDs first, server-side apply, field manager kubectl-arc), then wait for
 * every Deployment of it, the webhook endpoints and a server dry run through
 * its webhook, all within timeout_ms.  `o` gives flags/progress/parallelism. */
int arc_cm_install(struct arc_kube *k, const char *src, const struct arc_deploy_opts *o, long timeout_ms);

/* Wait until cert-manager's webhook admits a (dry-run) Issuer in namespace ns. */
int arc_cm_wait_webhook(struct arc_kube *k, const char *ns, long timeout_ms, struct arc_progress *p);

#endif
