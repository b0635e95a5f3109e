/* kubeflags.h - the kubeconfig flags every cluster command accepts */
#ifndef ARC_CMD_KUBEFLAGS_H
#define ARC_CMD_KUBEFLAGS_H

#include "../kube/kube.h"
#include "opts.h"

struct arc_kube_cli {
	const char *kubeconfig, *context, *cluster, *user, *namespace, *server, *token, *as, *as_uid;
	const char *tls_server_name, *ca_file, *cert_file, *key_file, *username, *password;
	struct arc_strlist as_groups;
	int insecure, debug;
	long request_timeout_ms, verbosity;
};

extern struct arc_kube_cli arc_kube_cli;
extern const struct arc_opt arc_kube_opts[];

/* Fill flags from the parsed options, then (as a Helm plugin) from Helm's environment. */
void arc_kube_cli_flags(struct arc_kube_flags *f);

#endif
