/* fuzz_github.c - the parsers of GitHub API answers (github/github.h): a
 * runners page, a {"token": …} answer, a Link header, and the error message
 * of non-2xx answers, all on the same bytes (not NUL-terminated). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "github/github.h"
#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const long statuses[] = { 401, 403, 404, 422, 429, 500, 503 };
	arc_value *all = arc_v_list();
	struct arc_buf b = ARC_BUF_INIT;
	char *copy, *token = NULL, *next;
	size_t i;

	if (size > (1u << 20))
		return 0;
	copy = xmalloc(size ? size : 1);
	memcpy(copy, data, size);
	if (arc_gh_parse_runners(all, "listing runners of repos/o/r", copy, size) == 0) {
		for (i = 0; i < arc_v_list_len(all); i++) {
			arc_value *r = arc_v_list_at(all, i);
			if (r->kind == ARC_MAP && arc_v_map_get(r, "name"))
				arc_fmt_v(&b, arc_v_map_get(r, "name"));
		}
		arc_json_dump(&b, all, 0);
	}
	arc_error_clear();
	if (arc_gh_parse_token("getting a token", copy, size, &token) == 0) {
		if (!token || !*token)
			abort();
		free(token);
	}
	arc_error_clear();
	next = arc_gh_parse_link_next(copy, size);
	free(next);
	for (i = 0; i < ARC_ARRAY_LEN(statuses); i++) {
		const char *m;
		if (arc_gh_answer_error(statuses[i], copy, size, i % 2 ? 0 : -1, (long)size,
					"listing runners") >= 0)
			abort();
		for (m = arc_error_last(); *m; m++)
			if (*m == '\n')
				abort(); /* messages are one line */
	}
	arc_v_unref(all);
	arc_buf_release(&b);
	free(copy);
	arc_error_clear();
	return 0;
}
