/* internal.h - private parts of the kube module shared between its files */
#ifndef ARC_KUBE_INTERNAL_H
#define ARC_KUBE_INTERNAL_H

#include <time.h>

#include "api.h"
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

/* Parse what an exec plugin printed (stdout, len bytes, need not be
 * NUL-terminated) as an ExecCredential of `api_version`: 0 and cred filled, or
 * ARC_E_PARSE naming `command`.  Exposed for tests and the fuzz harness. */
int arc_kube_exec_parse(const char *command, const char *api_version, const char *data, size_t len,
			struct arc_kube_cred *cred);

/* One line of a watch stream (api.c): an event is passed to fn; an ERROR
 * event or a Status sets gone (410) or rc and stops.  Returns non-zero to
 * stop the stream.  Exposed for tests and the fuzz harness. */
struct arc_kube_watch_ctx {
	arc_kube_event_fn fn;
	void *ctx;
	int gone;
	int rc;
	int stopped;
};
int arc_kube_watch_line(void *ud, const char *line, size_t len);

/* arc_kube_stream whose whole run, retries included, ends after max_ms (0: as long as the server
 * keeps the stream open).  A watch passes its timeoutSeconds plus a little: a stalled server or
 * network then ends in ARC_E_IO instead of a hang. */
int arc_kube_stream_for(struct arc_kube *k, const char *path, arc_kube_line_fn fn, void *ctx, long *status,
			long max_ms);

/* the client's slot for api.c's discovery map (owned by the client) */
arc_value **arc_kube_discovery_slot(struct arc_kube *k);

#endif
