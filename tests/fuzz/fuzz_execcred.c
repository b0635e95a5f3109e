/* fuzz_execcred.c - the ExecCredential an exec credential plugin prints
 * (kube/exec.c arc_kube_exec_parse).  The first byte picks the apiVersion the
 * kubeconfig asks for; the rest is the plugin's stdout, not NUL-terminated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_kube_cred cred;
	const char *av;
	char *copy;

	if (size < 1 || size > (1u << 20))
		return 0;
	av = data[0] & 1 ? "client.authentication.k8s.io/v1beta1" : "client.authentication.k8s.io/v1";
	/* an exact-size copy: reading past the end is caught by ASan */
	copy = xmalloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	memset(&cred, 0, sizeof(cred));
	if (arc_kube_exec_parse("fuzz-plugin", av, copy, size - 1, &cred) == 0) {
		if (!cred.valid || (!cred.token && !(cred.cert && cred.key)))
			abort(); /* success means usable credentials */
	} else if (cred.valid || cred.token || cred.cert || cred.key) {
		abort(); /* a failure leaves nothing behind */
	}
	arc_kube_cred_clear(&cred);
	free(copy);
	arc_error_clear();
	return 0;
}
