/* fuzz_yaml.c - YAML load (values semantics and multi-document), then dump what loaded */
#include <stdint.h>

#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arc_value *v = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_yaml_load(&v, "fuzz.yaml", (const char *)data, size, ARC_YAML_FLOATS) == 0) {
		arc_yaml_dump(&b, v);
		arc_json_dump(&b, v, ARC_JSON_HTML);
		arc_v_unref(v);
	}
	v = NULL;
	if (arc_yaml_load(&v, "fuzz.yaml", (const char *)data, size, ARC_YAML_MULTI) == 0)
		arc_v_unref(v);
	arc_buf_release(&b);
	arc_error_clear();
	return 0;
}
