/* test_values.c - values files, the --set family, coalescing, dependencies
 * and values.schema.json, checked against real helm's `helm template`
 * output stored by tests/conformance/values/regen.sh.
 *
 * For every case of tests/conformance/values/cases.txt this runs the same
 * pipeline `kubectl arc template` will (values.h) and compares:
 *   - on success: for each rendered chart of the tree, its `# Source:` path,
 *     .Chart.Name and toJson .Values (every test chart prints them);
 *   - on failure: the error text after helm's "Error: ";
 *   - the warning lines helm logged (as a multiset: helm's order follows Go
 *     map order).
 */
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../plugin/chart/deps.h"
#include "../../plugin/chart/load.h"
#include "../../plugin/chart/values.h"
#include "../../plugin/value/codec.h"

#define DIR "tests/conformance/values"

struct strv {
	char **v;
	size_t n;
};

static void sv_push(struct strv *s, const char *x)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(char *));
	s->v[s->n++] = xstrdup(x);
}

static void sv_free(struct strv *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* POSIX shell words: '…', "…" (with \" \\ \$ \`), backslash escapes */
static void shell_words(const char *s, struct strv *out)
{
	struct arc_buf w = ARC_BUF_INIT;
	int in = 0;
	while (*s) {
		if (*s == ' ' || *s == '\t') {
			if (in) {
				sv_push(out, arc_buf_cstr(&w));
				arc_buf_reset(&w);
				in = 0;
			}
			s++;
			continue;
		}
		in = 1;
		if (*s == '\'') {
			for (s++; *s && *s != '\''; s++)
				arc_buf_putc(&w, *s);
			if (*s)
				s++;
		} else if (*s == '"') {
			for (s++; *s && *s != '"'; s++) {
				if (*s == '\\' && strchr("\"\\$`", s[1]))
					s++;
				arc_buf_putc(&w, *s);
			}
			if (*s)
				s++;
		} else if (*s == '\\' && s[1]) {
			arc_buf_putc(&w, s[1]);
			s += 2;
		} else {
			arc_buf_putc(&w, *s++);
		}
	}
	if (in)
		sv_push(out, arc_buf_cstr(&w));
	arc_buf_release(&w);
}

static char *trim(char *s)
{
	size_t n;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

static char *slurp(const char *path)
{
	char *d = NULL;
	size_t n;
	if (arc_read_file(path, 64u << 20, &d, &n) != 0) {
		arc_error_clear();
		return NULL;
	}
	return d;
}

/* records "SOURCE\tCHART\tJSON" of one chart tree */
static void records(struct strv *out, const struct arc_chart *c, arc_value *vals, const char *prefix, int depth)
{
	arc_value *t;
	size_t i;
	char *base = xasprintf("%s%s", prefix, arc_chart_name(c));
	arc_value *type = c->metadata ? arc_v_map_get(c->metadata, "type") : NULL;
	int library = type && type->kind == ARC_STRING && !strcmp(arc_v_strptr(type), "library");
	if (!library) {
		for (i = 0; i < c->nfiles; i++) {
			struct arc_buf b = ARC_BUF_INIT;
			if (strcmp(c->files[i].path, "templates/values.yaml") != 0)
				continue;
			arc_buf_printf(&b, "%s/templates/values.yaml\t%s\t", base, arc_chart_name(c));
			arc_json_dump(&b, vals, ARC_JSON_HTML);
			sv_push(out, arc_buf_cstr(&b));
			arc_buf_release(&b);
		}
	}
	for (i = 0; depth < 64 && i < c->ndeps; i++) {
		char *p = xasprintf("%s/charts/", base);
		t = arc_v_map_get(vals, arc_chart_name(c->deps[i]));
		if (t && t->kind == ARC_MAP) {
			records(out, c->deps[i], t, p, depth + 1);
		} else {
			arc_value *empty = arc_v_map();
			records(out, c->deps[i], empty, p, depth + 1);
			arc_v_unref(empty);
		}
		free(p);
	}
	free(base);
}

/* helm's stdout → records */
static void helm_records(struct strv *out, const char *text)
{
	const char *p = text;
	char *src = NULL, *chart = NULL;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 10 && !strncmp(p, "# Source: ", 10)) {
			free(src);
			src = xstrndup(p + 10, n - 10);
		} else if (n > 7 && !strncmp(p, "chart: ", 7)) {
			free(chart);
			chart = xstrndup(p + 7, n - 7);
		} else if (n > 8 && !strncmp(p, "values: ", 8) && src && chart) {
			char *v = xstrndup(p + 8, n - 8), *r = xasprintf("%s\t%s\t%s", src, chart, v);
			sv_push(out, r);
			free(r);
			free(v);
		}
		p = nl ? nl + 1 : NULL;
	}
	free(src);
	free(chart);
}

struct run {
	struct strv files, set, set_string, set_json, set_file, set_literal;
	const char *kube_version;
	int skip_schema;
};

static int run_case(const char *chart, struct strv *args, const char *stdin_file, struct strv *recs,
		    struct arc_warnings *w)
{
	struct run r;
	struct arc_values_opts o;
	struct arc_chart *c = NULL;
	arc_value *user = NULL, *vals = NULL;
	char *path, *in = NULL;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	for (i = 0; i < args->n; i++) {
		const char *a = args->v[i], *next = i + 1 < args->n ? args->v[i + 1] : "";
		struct strv *dst = NULL;
		if (!strcmp(a, "-f") || !strcmp(a, "--values"))
			dst = &r.files;
		else if (!strcmp(a, "--set"))
			dst = &r.set;
		else if (!strcmp(a, "--set-string"))
			dst = &r.set_string;
		else if (!strcmp(a, "--set-json"))
			dst = &r.set_json;
		else if (!strcmp(a, "--set-file"))
			dst = &r.set_file;
		else if (!strcmp(a, "--set-literal"))
			dst = &r.set_literal;
		else if (!strcmp(a, "--kube-version"))
			r.kube_version = next, i++;
		else if (!strcmp(a, "--skip-schema-validation"))
			r.skip_schema = 1;
		if (dst) {
			sv_push(dst, next);
			i++;
		}
	}
	memset(&o, 0, sizeof(o));
	o.files = (const char *const *)r.files.v, o.nfiles = r.files.n;
	o.set = (const char *const *)r.set.v, o.nset = r.set.n;
	o.set_string = (const char *const *)r.set_string.v, o.nset_string = r.set_string.n;
	o.set_json = (const char *const *)r.set_json.v, o.nset_json = r.set_json.n;
	o.set_file = (const char *const *)r.set_file.v, o.nset_file = r.set_file.n;
	o.set_literal = (const char *const *)r.set_literal.v, o.nset_literal = r.set_literal.n;
	if (stdin_file && *stdin_file) {
		in = slurp(stdin_file);
		o.stdin_data = in ? in : "";
		o.stdin_len = in ? strlen(in) : 0;
	}
	path = xasprintf("charts/%s", chart);
	rc = arc_values_user(&user, &o);
	if (rc == 0)
		rc = arc_chart_load_path(&c, path);
	if (rc == 0)
		rc = arc_deps_check_missing(c);
	if (rc == 0)
		rc = arc_deps_process(c, user, w);
	if (rc == 0)
		rc = arc_deps_check_kube_version(c, r.kube_version);
	if (rc == 0)
		rc = arc_values_for_render(&vals, c, user, r.skip_schema, w);
	if (rc == 0)
		records(recs, c, vals, "", 0);
	arc_v_unref(vals);
	arc_v_unref(user);
	arc_chart_free(c);
	free(path);
	free(in);
	sv_free(&r.files), sv_free(&r.set), sv_free(&r.set_string), sv_free(&r.set_json);
	sv_free(&r.set_file), sv_free(&r.set_literal);
	return rc;
}

static void check_case(const char *id, const char *chart, const char *argstr, const char *stdin_file)
{
	struct strv args = { 0 }, mine = { 0 }, theirs = { 0 }, hw = { 0 }, mw = { 0 };
	struct arc_warnings w = { 0 };
	char *p_out = xasprintf("expected/%s.out", id), *p_err = xasprintf("expected/%s.err", id),
	     *p_rc = xasprintf("expected/%s.rc", id);
	char *out = slurp(p_out), *err = slurp(p_err), *rcs = slurp(p_rc);
	const char *e, *line;
	size_t i;
	int want_rc, rc, same;

	if (!out || !err || !rcs) {
		CHECK(0, "%s: expected output missing (run regen.sh)", id);
		goto done;
	}
	want_rc = atoi(rcs);
	shell_words(argstr, &args);
	rc = run_case(chart, &args, stdin_file, &mine, &w);
	/* warnings helm logged */
	for (line = err; line && *line;) {
		const char *nl = strchr(line, '\n');
		char *l = xstrndup(line, nl ? (size_t)(nl - line) : strlen(line));
		if (!strncmp(l, "level=", 6))
			sv_push(&hw, l);
		free(l);
		line = nl ? nl + 1 : NULL;
	}
	for (i = 0; i < w.n; i++)
		sv_push(&mw, w.lines[i]);
	if (want_rc == 0) {
		if (rc != 0) {
			CHECK(0, "%s: succeeds", id);
			printf("#   error: %s\n", arc_error_last());
		} else {
			helm_records(&theirs, out);
			qsort(mine.v, mine.n, sizeof(char *), cmp_str);
			qsort(theirs.v, theirs.n, sizeof(char *), cmp_str);
			same = mine.n == theirs.n;
			for (i = 0; same && i < mine.n; i++)
				same = !strcmp(mine.v[i], theirs.v[i]);
			CHECK(same, "%s: values of %zu chart(s) as helm", id, theirs.n);
			for (i = 0; !same && i < (mine.n > theirs.n ? mine.n : theirs.n); i++) {
				const char *a = i < theirs.n ? theirs.v[i] : "", *b = i < mine.n ? mine.v[i] : "";
				if (strcmp(a, b))
					printf("#   helm: %s\n#   ours: %s\n", a, b);
			}
		}
	} else {
		e = strstr(err, "Error: ");
		if (rc == 0) {
			CHECK(0, "%s: fails as helm does", id);
			printf("#   helm: %s", e ? e : err);
		} else {
			static const char debug[] = "\n\nUse --debug flag to render out invalid YAML";
			char *want = xstrdup(e ? e + 7 : err);
			size_t n = strlen(want);
			if (n && want[n - 1] == '\n')
				want[--n] = '\0';
			/* added by `helm template` itself once rendering began */
			if (n >= sizeof(debug) - 1 && !strcmp(want + n - (sizeof(debug) - 1), debug))
				want[n - (sizeof(debug) - 1)] = '\0';
			CHECK_STR(arc_error_last(), want, id);
			free(want);
		}
	}
	if (hw.n > 1) /* qsort(NULL, 0, …) is undefined */
		qsort(hw.v, hw.n, sizeof(char *), cmp_str);
	if (mw.n > 1)
		qsort(mw.v, mw.n, sizeof(char *), cmp_str);
	same = hw.n == mw.n;
	for (i = 0; same && i < hw.n; i++)
		same = !strcmp(hw.v[i], mw.v[i]);
	CHECK(same, "%s: %zu warning line(s) as helm", id, hw.n);
	if (!same) {
		for (i = 0; i < hw.n; i++)
			printf("#   helm: %s\n", hw.v[i]);
		for (i = 0; i < mw.n; i++)
			printf("#   ours: %s\n", mw.v[i]);
	}
done:
	sv_free(&args), sv_free(&mine), sv_free(&theirs), sv_free(&hw), sv_free(&mw);
	arc_warnings_release(&w);
	free(out), free(err), free(rcs), free(p_out), free(p_err), free(p_rc);
}

int main(int argc, char **argv)
{
	char *cases, *line, *save = NULL;
	if (chdir(DIR) != 0) {
		printf("not ok 1 - chdir %s\n", DIR);
		return 1;
	}
	cases = slurp("cases.txt");
	if (!cases) {
		printf("not ok 1 - cases.txt\n");
		return 1;
	}
	for (line = strtok_r(cases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = { 0 }, *p = line;
		int k;
		if (*trim(line) == '#' || !*trim(line))
			continue;
		for (k = 0; k < 4 && p; k++) {
			char *bar = strchr(p, '|');
			if (bar)
				*bar = '\0';
			f[k] = trim(p);
			p = bar ? bar + 1 : NULL;
		}
		if (argc > 1) {
			int want = 0, a;
			for (a = 1; a < argc; a++)
				want |= !strcmp(argv[a], f[0]);
			if (!want)
				continue;
		}
		check_case(f[0], f[1] ? f[1] : "", f[2] ? f[2] : "", f[3]);
	}
	free(cases);
	return tap_done();
}
