/* test_schema.c - values.schema.json validation against real helm: each line
 * of tests/conformance/values/schema.txt ("SCHEMA<TAB>VALUES") is validated
 * with the C validator, the error wrapped as helm's install does, and
 * compared with helm's verdict in expected/schema.txt (regen-schema.sh).
 * Lines starting with "!" are known differences: reported, not failed.
 * Also: robustness of the validator on hostile schemas. */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#include "../../plugin/chart/schema.h"
#include "../../plugin/chart/values.h"
#include "../../plugin/value/codec.h"

#define DIR "tests/conformance/values/"

static char *next_line(char **p)
{
	char *s = *p, *nl;
	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/* helm's verdict line: "ok" or "error " + text with "\n" and "\\" escaped */
static char *unescape(const char *s)
{
	struct arc_buf b = ARC_BUF_INIT;
	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') {
			arc_buf_putc(&b, '\n');
			s++;
		} else if (*s == '\\' && s[1] == '\\') {
			arc_buf_putc(&b, '\\');
			s++;
		} else {
			arc_buf_putc(&b, *s);
		}
	}
	arc_buf_cstr(&b);
	return arc_buf_detach(&b, NULL);
}

static void table(void)
{
	char *cases = NULL, *want = NULL, *cp, *wp, *line;
	size_t n;
	int count = 0, known = 0;

	if (arc_read_file(DIR "schema.txt", 1u << 20, &cases, &n) != 0 ||
	    arc_read_file(DIR "expected/schema.txt", 1u << 20, &want, &n) != 0) {
		CHECK(0, "read %sschema.txt and expected/schema.txt", DIR);
		return;
	}
	cp = cases;
	wp = want;
	while ((line = next_line(&cp)) != NULL) {
		char *tab = strchr(line, '\t'), *w, *expect, *got;
		int is_known = line[0] == '!';
		arc_value *vals = NULL;
		int rc;
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		if (is_known)
			line++;
		w = next_line(&wp);
		if (!w) {
			CHECK(0, "expected/schema.txt has a line for %s", line);
			break;
		}
		expect = !strcmp(w, "ok") ? xstrdup("ok") : unescape(w + 6);
		if (arc_values_load(&vals, tab + 1, strlen(tab + 1)) != 0) {
			CHECK(0, "values of %s load: %s", line, arc_error_last());
			free(expect);
			continue;
		}
		rc = arc_schema_validate(line, strlen(line), vals);
		if (rc == 0) {
			got = xstrdup("ok");
		} else {
			struct arc_buf b = ARC_BUF_INIT;
			arc_buf_printf(&b, "values don't meet the specifications of the schema(s) in the following "
					   "chart(s):\nprobe:\n%s", arc_error_last());
			arc_buf_cstr(&b);
			got = arc_buf_detach(&b, NULL);
		}
		if (is_known && strcmp(got, expect) != 0) {
			printf("# known difference: %s\n", line);
			known++;
		} else {
			CHECK_STR(got, expect, line);
		}
		count++;
		free(got);
		free(expect);
		arc_v_unref(vals);
	}
	CHECK(count > 60 && known < 5, "%d schema lines checked (%d known differences)", count, known);
	free(cases);
	free(want);
}

/* hostile schemas fail cleanly */
static void robustness(void)
{
	static const char *const bad[] = {
		"{\"$ref\": \"#\"}",
		"{\"$ref\": \"#/definitions/a\", \"definitions\": {\"a\": {\"$ref\": \"#/definitions/a\"}}}",
		"{\"$ref\": \"#/nowhere\"}",
		"{\"$ref\": \"other.json\"}",
		"{\"properties\": {\"a\": {\"pattern\": \"(\"}}}",
		"{\"type\": \"object\",}",
		"[1, 2]",
	};
	arc_value *v = NULL;
	size_t i;
	arc_values_load(&v, "a: x\n", 5);
	for (i = 0; i < ARC_ARRAY_LEN(bad); i++) {
		int rc = arc_schema_validate(bad[i], strlen(bad[i]), v);
		CHECK(rc != 0 || i == 6, "hostile schema %zu refused (%s)", i, rc ? arc_error_last() : "accepted");
	}
	arc_v_unref(v);
}

int main(void)
{
	table();
	robustness();
	return tap_done();
}
