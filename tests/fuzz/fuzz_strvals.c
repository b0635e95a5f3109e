/* fuzz_strvals.c - the --set family (chart/strvals.h).  The first byte picks
 * the flag (--set, --set-string, --set-json, --set-file, --set-literal); the
 * rest is split on newlines, each line one flag argument parsed into the same
 * map, as helm applies repeated flags.  --set-file reads through a callback
 * (no file system).  What parsed is dumped as YAML and JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chart/strvals.h"
#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int reader(void *ctx, const char *path, char **data, size_t *len)
{
	(void)ctx;
	if (path[0] == 'x') /* some paths are missing, as on disk */
		return arc_error_code(ARC_E_IO, "open %s: no such file or directory", path);
	*data = xasprintf("contents of %s\n", path);
	*len = strlen(*data);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arc_value *dest;
	struct arc_buf b = ARC_BUF_INIT;
	enum arc_set_kind kind;
	size_t pos = 1;

	if (size < 1 || size > 16384)
		return 0;
	kind = (enum arc_set_kind)(data[0] % 5);
	dest = arc_v_map();
	while (pos <= size) {
		const uint8_t *nl = memchr(data + pos, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - (data + pos)) : size - pos;
		char *line = xstrndup((const char *)data + pos, n);
		arc_strvals_parse_with(dest, line, kind, reader, NULL);
		free(line);
		arc_error_clear();
		pos += n + 1;
	}
	arc_yaml_dump(&b, dest);
	arc_json_dump(&b, dest, ARC_JSON_HTML);
	arc_v_unref(dest);
	arc_buf_release(&b);
	arc_error_clear();
	return 0;
}
