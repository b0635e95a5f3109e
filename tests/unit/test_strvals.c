/* test_strvals.c - Helm's --set family parser against real helm: each line
 * of tests/conformance/values/strvals.txt ("FLAG<TAB>ARGUMENT") is parsed
 * into an empty map and compared with helm's toJson .Values (or error) in
 * expected/strvals.txt (regen-strvals.sh). */
#include "tap.h"

#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	char *cases = NULL, *want = NULL, *cp, *wp, *line;
	size_t n;
	int count = 0;

	if (arc_read_file(DIR "strvals.txt", 1u << 20, &cases, &n) != 0 ||
	    arc_read_file(DIR "expected/strvals.txt", 1u << 20, &want, &n) != 0) {
		printf("not ok 1 - read %sstrvals.txt and expected/strvals.txt\n", DIR);
		return 1;
	}
	cp = cases;
	wp = want;
	while ((line = next_line(&cp)) != NULL) {
		char *tab = strchr(line, '\t'), *w, *arg;
		struct arc_values_opts o;
		const char *one[1];
		arc_value *v = NULL;
		struct arc_buf got = ARC_BUF_INIT;
		char *what;
		if (line[0] == '#' || !tab)
			continue;
		*tab = '\0';
		arg = tab + 1;
		w = next_line(&wp);
		if (!w) {
			CHECK(0, "expected/strvals.txt has a line for %s %s", line, arg);
			break;
		}
		memset(&o, 0, sizeof(o));
		one[0] = arg;
		if (!strcmp(line, "--set"))
			o.set = one, o.nset = 1;
		else if (!strcmp(line, "--set-string"))
			o.set_string = one, o.nset_string = 1;
		else if (!strcmp(line, "--set-json"))
			o.set_json = one, o.nset_json = 1;
		else if (!strcmp(line, "--set-literal"))
			o.set_literal = one, o.nset_literal = 1;
		else if (!strcmp(line, "--set-file"))
			o.set_file = one, o.nset_file = 1;
		if (arc_values_user(&v, &o) == 0) {
			arc_buf_puts(&got, "ok ");
			arc_json_dump(&got, v, ARC_JSON_HTML);
			arc_v_unref(v);
		} else {
			arc_buf_printf(&got, "error %s", arc_error_last());
		}
		what = xasprintf("%s %s", line, arg);
		CHECK_STR(arc_buf_cstr(&got), w, what);
		free(what);
		arc_buf_release(&got);
		count++;
	}
	CHECK(count > 50, "%d --set lines checked", count);
	free(cases);
	free(want);
	return tap_done();
}
