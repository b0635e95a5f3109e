/* fuzz_watch.c - the Kubernetes watch stream (kube/api.c
 * arc_kube_watch_line): the input is the body of a watch answer, split into
 * lines as the client does; each line goes to the parser (as an exact-size,
 * non-NUL-terminated copy) until it asks to stop.  The event callback looks
 * at the object as the commands do and stops on a DELETED event. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kube/internal.h"
#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *ctx, const char *type, arc_value *obj)
{
	struct arc_buf *b = ctx;
	const char *name = arc_obj_str(obj, "metadata.name"), *ns = arc_obj_str(obj, "metadata.namespace");
	arc_buf_printf(b, "%s %s/%s %s\n", type, ns ? ns : "", name ? name : "",
		       arc_obj_str(obj, "metadata.resourceVersion") ? arc_obj_str(obj, "metadata.resourceVersion")
								     : "");
	arc_json_dump(b, obj, 0);
	if (arc_obj_at(obj, "status.conditions"))
		arc_fmt_v(b, arc_obj_at(obj, "status.conditions"));
	return strcmp(type, "DELETED") == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_buf b = ARC_BUF_INIT;
	struct arc_kube_watch_ctx w;
	size_t pos = 0;

	if (size > (1u << 20))
		return 0;
	memset(&w, 0, sizeof(w));
	w.fn = on_event;
	w.ctx = &b;
	while (pos < size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
		int stop = 0;
		if (n) {
			char *line = xmalloc(n);
			memcpy(line, data + pos, n);
			stop = arc_kube_watch_line(&w, line, n);
			free(line);
		}
		pos += n + 1;
		if (stop)
			break;
	}
	if (w.rc && !*arc_error_last())
		abort(); /* an error always comes with its message */
	arc_buf_release(&b);
	arc_error_clear();
	return 0;
}
