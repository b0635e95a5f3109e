/* internal.h - private parts of the kube module shared between its files */
#ifndef ARC_KUBE_INTERNAL_H
#define ARC_KUBE_INTERNAL_H

#include <time.h>

#include "kube.h"

/* credentials from an exec plugin (secret: cleared on free) */
struct arc_kube_cred {
	int valid;
	char *token;
	char *cert, *key; /* PEM */
	size_t cert_len, key_len;
	time_t expiry; /* 0 = no expiry given */
};

int arc_kube_exec_run(const struct arc_kube_config *c, struct arc_kube_cred *cred);
void arc_kube_cred_clear(struct arc_kube_cred *cred);

/* the client's slot for api.c's discovery map (owned by the client) */
arc_value **arc_kube_discovery_slot(struct arc_kube *k);

#endif
