/* fuzz_template.c - template lexer + parser on arbitrary text; what parses is
 * executed with a small values map and a bounded output. */
#include <stdint.h>

#include "gotmpl/template.h"
#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char values_yaml[] = "a: 1\nb: [x, y, {c: true}]\ns: \"text\"\nm: {k: v, n: null}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_tpl_options opt = { 0 };
	struct arc_tpl_set *set;
	struct arc_buf out = ARC_BUF_INIT;
	arc_value *vals = NULL, *root;

	if (size > 65536)
		return 0;
	opt.max_output = 1 << 20;
	set = arc_tpl_set_new(&opt);
	if (arc_tpl_parse(set, "fuzz", (const char *)data, size) == 0) {
		arc_yaml_load(&vals, "values.yaml", values_yaml, sizeof(values_yaml) - 1, ARC_YAML_FLOATS);
		root = arc_v_map();
		arc_v_map_set(root, "Values", vals ? vals : arc_v_map());
		arc_tpl_execute(set, "fuzz", root, &out);
		arc_v_unref(root);
	}
	arc_tpl_set_free(set);
	arc_buf_release(&out);
	arc_error_clear();
	return 0;
}
