/* fuzz_kubeconfig.c - kubeconfig loading (kube/kube.h arc_kube_config_load)
 * with --kubeconfig semantics: the input is written to a file in a private
 * directory under /tmp (relative certificate paths resolve there) and loaded
 * twice, once as is and once with flag overrides (context "fuzz", -n, a
 * token, --insecure-skip-tls-verify).  Nothing touches the network and no
 * exec plugin runs: loading only reads files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kube/kube.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[96];

static void cleanup(void)
{
	char p[128];
	unlink(path);
	snprintf(p, sizeof(p), "%s/ca.crt", dir);
	unlink(p);
	rmdir(dir);
}

static void setup(void)
{
	char p[128];
	FILE *f;
	if (mkdtemp(strcpy(dir, "/tmp/arc-fuzz-kubeconfig.XXXXXX")) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/config", dir);
	/* a file a kubeconfig may name by a relative path */
	snprintf(p, sizeof(p), "%s/ca.crt", dir);
	if ((f = fopen(p, "w")) != NULL) {
		fputs("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", f);
		fclose(f);
	}
	/* no in-cluster fallback, no KUBECONFIG list; ~ is the private directory */
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("KUBECONFIG");
	setenv("HOME", dir, 1);
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_kube_flags fl;
	struct arc_kube_config *c = NULL;
	FILE *f;

	if (size > (1u << 20))
		return 0;
	if (!dir[0])
		setup();
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);

	memset(&fl, 0, sizeof(fl));
	fl.kubeconfig = path;
	if (arc_kube_config_load(&c, &fl) == 0) {
		if (!c->server || !c->namespace)
			abort(); /* a loaded config is usable */
		arc_kube_config_free(c);
	} else if (!*arc_error_last()) {
		abort(); /* an error always comes with its message */
	}
	arc_error_clear();

	c = NULL;
	fl.context = "fuzz";
	fl.namespace = "ns";
	fl.token = "fuzz-token";
	fl.insecure = 1;
	if (arc_kube_config_load(&c, &fl) == 0)
		arc_kube_config_free(c);
	arc_error_clear();
	return 0;
}
