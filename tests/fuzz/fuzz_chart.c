/* fuzz_chart.c - chart archive loading (chart/load.h arc_chart_load_archive)
 * and what `template` does next with the chart: dependency processing,
 * values coalescing with schema validation, and rendering (bounded output).
 * An input that is not gzip is gzipped here first, so the fuzzer mutates the
 * tar stream itself; a gzip input is loaded as is (corrupt streams too). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "chart/chart.h"
#include "chart/deps.h"
#include "chart/load.h"
#include "chart/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int gzip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen)
{
	z_stream z;
	size_t cap = n + n / 100 + 64;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	*out = xmalloc(cap);
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = *out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		free(*out);
		return -1;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arc_chart *c = NULL;
	uint8_t *gz = NULL;
	size_t gzlen = 0;
	arc_value *user, *vals = NULL;
	struct arc_warnings w = { 0 };

	if (size > (4u << 20))
		return 0;
	if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		gz = xmalloc(size);
		memcpy(gz, data, size);
		gzlen = size;
	} else if (gzip(data, size, &gz, &gzlen) != 0) {
		return 0;
	}
	if (arc_chart_load_archive(&c, "fuzz.tgz", gz, gzlen) == 0) {
		user = arc_v_map();
		if (arc_deps_process(c, user, &w) == 0 && arc_values_for_render(&vals, c, user, 0, &w) == 0) {
			struct arc_render_opts opt;
			struct arc_render_result res;
			memset(&opt, 0, sizeof(opt));
			opt.values = vals;
			opt.tpl.max_output = 1u << 20;
			if (arc_chart_render(&res, c, &opt) == 0)
				arc_render_result_release(&res);
			arc_v_unref(vals);
		}
		arc_v_unref(user);
		arc_chart_free(c);
	} else if (!*arc_error_last()) {
		abort(); /* an error always comes with its message */
	}
	arc_warnings_release(&w);
	free(gz);
	arc_error_clear();
	return 0;
}
