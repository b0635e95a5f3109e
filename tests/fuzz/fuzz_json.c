/* fuzz_json.c - JSON load, then encode the result both ways and print it with %v */
#include <stdint.h>

#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arc_value *v = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_json_load(&v, "fuzz.json", (const char *)data, size) == 0) {
		arc_json_dump(&b, v, ARC_JSON_INDENT);
		arc_json_dump(&b, v, 0);
		arc_fmt_v(&b, v);
		arc_yaml_dump(&b, v);
		arc_v_unref(v);
	}
	arc_buf_release(&b);
	arc_error_clear();
	return 0;
}
