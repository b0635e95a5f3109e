/*
 * runner.c - the conformance runner: reads the cases/ files (format: README.md),
 * lays each case out as the chart regen.py gives helm, loads it with the
 * chart loader, computes its values as helm install does and renders it with
 * plugin/chart, and compares NOTES.txt's output (or the error text) with what
 * helm produced, byte for byte (after the mapping of invalid UTF-8 that the
 * expectations went through, utf8_lossy).  Prints TAP; exits 0 when every
 * case passes.
 *
 * usage: runner FILE.test|DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "chart/chart.h"
#include "chart/deps.h"
#include "chart/load.h"
#include "chart/values.h"
#include "value/codec.h"

#define MARK "%%% "
#define NOTES "conf/templates/NOTES.txt"
#define CHART_YAML "apiVersion: v2\nname: conf\nversion: 0.1.0\nappVersion: 1.0.0\n"

struct section {
	char *path; /* for `file` sections */
	struct arc_buf text;
};

struct tcase {
	char *name;
	int line;
	int has_template, has_values, has_output, has_error;
	struct arc_buf template_, values, output, error;
	struct section *files;
	size_t nfiles;
};

static int tap_n, tap_failed;

static void case_release(struct tcase *c)
{
	size_t i;
	free(c->name);
	arc_buf_release(&c->template_);
	arc_buf_release(&c->values);
	arc_buf_release(&c->output);
	arc_buf_release(&c->error);
	for (i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		arc_buf_release(&c->files[i].text);
	}
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* print s escaped on one line */
static void put_escaped(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c == '\\')
			fputs("\\\\", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

/* print the line of s that holds byte `at` (lines start at ls), at most
 * DIFF_CTX bytes either side of the difference */
#define DIFF_CTX 120
static void put_window(const char *s, size_t n, size_t ls, size_t at)
{
	size_t e = ls, a = ls;
	while (e < n && s[e] != '\n')
		e++;
	if (at > ls + DIFF_CTX)
		a = at - DIFF_CTX;
	if (a > ls)
		fputs("...", stdout);
	if (e > at + DIFF_CTX) {
		put_escaped(s + a, at + DIFF_CTX - a);
		fputs("...", stdout);
	} else {
		put_escaped(s + a, e - a);
		if (e == n)
			fputs(" <end>", stdout);
	}
}

/* "# first difference at line L" with both lines */
static void show_diff(const char *want_kind, const char *want, size_t wn, const char *got_kind,
		      const char *got, size_t gn)
{
	size_t i = 0, ls = 0, line = 1;
	while (i < wn && i < gn && want[i] == got[i]) {
		if (want[i] == '\n') {
			ls = i + 1;
			line++;
		}
		i++;
	}
	printf("#   first difference at line %zu, byte %zu\n", line, i);
	printf("#   want %s: ", want_kind);
	put_window(want, wn, ls, i);
	printf("\n#   got %s:  ", got_kind);
	put_window(got, gn, ls, i);
	putchar('\n');
}

/* What reaches the case file of text with invalid UTF-8 in it.  regen.py
 * stores helm's output from its JSON release, where Go's encoder has put
 * U+FFFD for each byte that does not start a valid sequence (GO_BYTES), and
 * helm's error from its stderr decoded by Python with errors="replace",
 * which puts one U+FFFD for each maximal invalid subpart (Unicode 3.9,
 * PY_SUBPARTS): `\xe2\x82` is two in the first and one in the second.  The
 * engine's own text is compared after the same mapping. */
enum { GO_BYTES, PY_SUBPARTS };

/* length of the valid UTF-8 sequence at s (0 if none); *prefix receives the
 * length of its longest valid beginning (the maximal subpart) */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *prefix)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;
	*prefix = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		need = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		need = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
			return 0;
		*prefix = i + 1;
	}
	return need;
}

static void utf8_lossy(struct arc_buf *out, const char *text, size_t n, int mode)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, len, prefix;
	while (i < n) {
		len = utf8_seq(s + i, n - i, &prefix);
		if (len) {
			arc_buf_add(out, s + i, len);
			i += len;
		} else {
			arc_buf_puts(out, "\xEF\xBF\xBD");
			i += mode == PY_SUBPARTS ? prefix : 1;
		}
	}
}

static void add_file(struct arc_chart_file **v, size_t *n, const char *path, struct arc_buf *b)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n].path = xstrdup(path);
	(*v)[*n].len = b->len;
	(*v)[*n].data = xstrndup(b->ptr ? b->ptr : "", b->len);
	(*n)++;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct arc_chart_file *)a)->path, ((const struct arc_chart_file *)b)->path);
}

/* The case laid out as regen.py lays it out for helm (Chart.yaml, values.yaml,
 * templates/NOTES.txt and the `file` sections), loaded with the real loader and
 * rendered with the values helm 4's install computes (no user values). */
static void run_case(const char *file, struct tcase *c)
{
	struct arc_chart *ch = NULL;
	struct arc_chart_file *files = NULL;
	struct arc_render_opts opt;
	struct arc_render_result res;
	struct arc_buf chart_yaml = ARC_BUF_INIT, seen = ARC_BUF_INIT;
	arc_value *user = arc_v_map(), *vals = NULL;
	const char *got = NULL, *kind = "output";
	size_t gotn = 0, i, nfiles = 0;
	char *err = NULL;
	int r, ok, rendered = 0;

	memset(&opt, 0, sizeof(opt));
	opt.release.name = "r";
	opt.release.namespace = "default";
	opt.release.revision = 1;
	opt.release.is_install = 1;

	tap_n++;
	arc_buf_puts(&chart_yaml, CHART_YAML);
	add_file(&files, &nfiles, "Chart.yaml", &chart_yaml);
	add_file(&files, &nfiles, "values.yaml", &c->values);
	add_file(&files, &nfiles, "templates/NOTES.txt", &c->template_);
	for (i = 0; i < c->nfiles; i++) {
		size_t j;
		for (j = 0; j < nfiles && strcmp(files[j].path, c->files[i].path); j++)
			;
		if (j < nfiles) { /* a `file` section replaces a default file */
			free(files[j].data);
			files[j].len = c->files[i].text.len;
			files[j].data = xstrndup(c->files[i].text.ptr ? c->files[i].text.ptr : "", files[j].len);
			continue;
		}
		add_file(&files, &nfiles, c->files[i].path, &c->files[i].text);
	}
	qsort(files, nfiles, sizeof(*files), cmp_file);
	r = arc_chart_load_files(&ch, files, nfiles);
	if (!r)
		r = arc_deps_process(ch, user, NULL);
	if (!r)
		r = arc_values_for_render(&vals, ch, user, 0, NULL);
	if (!r) {
		opt.values = vals;
		r = arc_chart_render(&res, ch, &opt);
		rendered = !r;
	}
	if (r) {
		err = xstrdup(arc_error_last());
	} else {
		const struct arc_rendered *n = arc_render_result_get(&res, NOTES);
		if (n) {
			got = n->data;
			gotn = n->len;
		}
	}
	if (err) {
		got = err;
		gotn = strlen(err);
		kind = "error";
	}
	if (got) {
		utf8_lossy(&seen, got, gotn, err ? PY_SUBPARTS : GO_BYTES);
		got = arc_buf_cstr(&seen);
		gotn = seen.len;
	}

	if (!c->has_output && !c->has_error) {
		ok = 0;
	} else if (c->has_error) {
		ok = err && c->error.len == gotn && memcmp(c->error.ptr ? c->error.ptr : "", got, gotn) == 0;
	} else {
		ok = !err && got && c->output.len == gotn &&
		     memcmp(c->output.ptr ? c->output.ptr : "", got, gotn) == 0;
	}
	printf("%sok %d - %s:%d %s\n", ok ? "" : "not ", tap_n, file, c->line, c->name);
	if (!ok) {
		tap_failed++;
		if (!c->has_output && !c->has_error)
			printf("#   no expected output or error: regenerate with tests/conformance/regen.sh\n");
		else if (c->has_error)
			show_diff("error", c->error.ptr ? c->error.ptr : "", c->error.len, kind, got ? got : "", gotn);
		else
			show_diff("output", c->output.ptr ? c->output.ptr : "", c->output.len, kind, got ? got : "",
				  gotn);
	}
	if (rendered)
		arc_render_result_release(&res);
	free(err);
	arc_chart_free(ch);
	arc_v_unref(vals);
	arc_v_unref(user);
	arc_buf_release(&chart_yaml);
	arc_buf_release(&seen);
	for (i = 0; i < nfiles; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
}

/* Section text = lines between markers joined by '\n'. */
static void add_line(struct arc_buf *b, int *first, const char *s, size_t n)
{
	if (!*first)
		arc_buf_putc(b, '\n');
	*first = 0;
	arc_buf_add(b, s, n);
}

static int run_file(const char *path)
{
	char *data;
	size_t len, pos = 0;
	int lineno = 0, in_case = 0, first = 1;
	struct tcase c;
	struct arc_buf *sec = NULL;

	if (arc_read_file(path, 0, &data, &len)) {
		tap_n++;
		tap_failed++;
		printf("not ok %d - %s: %s\n", tap_n, path, arc_error_last());
		return -1;
	}
	memset(&c, 0, sizeof(c));
	/* a final newline ends the last line; it is not an empty line of its own */
	if (len && data[len - 1] == '\n')
		len--;
	while (pos <= len && len) {
		const char *l = data + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		lineno++;
		pos += n + 1;
		if (n >= 4 && memcmp(l, MARK, 4) == 0) {
			const char *w = l + 4, *sp = memchr(w, ' ', n - 4);
			size_t wn = sp ? (size_t)(sp - w) : n - 4;
			const char *rest = sp ? sp + 1 : w + wn;
			size_t rn = (size_t)(l + n - rest);
			sec = NULL;
			first = 1;
			if (wn == 4 && memcmp(w, "case", 4) == 0) {
				if (in_case) /* a case without `end`: run what we have */
					run_case(path, &c), case_release(&c);
				memset(&c, 0, sizeof(c));
				c.name = xstrndup(rest, rn);
				c.line = lineno;
				in_case = 1;
			} else if (wn == 3 && memcmp(w, "end", 3) == 0) {
				if (in_case)
					run_case(path, &c);
				case_release(&c);
				in_case = 0;
			} else if (!in_case) {
				tap_n++;
				tap_failed++;
				printf("not ok %d - %s:%d section outside a case\n", tap_n, path, lineno);
			} else if (wn == 8 && memcmp(w, "template", 8) == 0) {
				sec = &c.template_;
				arc_buf_reset(sec);
				c.has_template = 1;
			} else if (wn == 6 && memcmp(w, "values", 6) == 0) {
				sec = &c.values;
				arc_buf_reset(sec);
				c.has_values = 1;
			} else if (wn == 6 && memcmp(w, "output", 6) == 0) {
				sec = &c.output;
				arc_buf_reset(sec);
				c.has_output = 1;
			} else if (wn == 5 && memcmp(w, "error", 5) == 0) {
				sec = &c.error;
				arc_buf_reset(sec);
				c.has_error = 1;
			} else if (wn == 4 && memcmp(w, "file", 4) == 0) {
				c.files = xrealloc(c.files, (c.nfiles + 1) * sizeof(*c.files));
				c.files[c.nfiles].path = xstrndup(rest, rn);
				arc_buf_init(&c.files[c.nfiles].text);
				sec = &c.files[c.nfiles].text;
				c.nfiles++;
			} else {
				tap_n++;
				tap_failed++;
				printf("not ok %d - %s:%d unknown marker\n", tap_n, path, lineno);
			}
			if (!nl)
				break;
			continue;
		}
		if (sec)
			add_line(sec, &first, l, n);
		if (!nl)
			break;
	}
	if (in_case)
		run_case(path, &c);
	case_release(&c);
	free(data);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		char **names = NULL;
		size_t n = 0, i;
		if (!d) {
			tap_n++;
			tap_failed++;
			printf("not ok %d - %s: cannot open directory\n", tap_n, path);
			return;
		}
		while ((e = readdir(d)) != NULL) {
			size_t l = strlen(e->d_name);
			if (l > 5 && strcmp(e->d_name + l - 5, ".test") == 0) {
				names = xrealloc(names, (n + 1) * sizeof(*names));
				names[n++] = xasprintf("%s/%s", path, e->d_name);
			}
		}
		closedir(d);
		qsort(names, n, sizeof(*names), cmp_str);
		for (i = 0; i < n; i++) {
			run_file(names[i]);
			free(names[i]);
		}
		free(names);
		return;
	}
	run_file(path);
}

int main(int argc, char **argv)
{
	int i;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE.test|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("1..%d\n", tap_n);
	arc_error_clear(); /* the per-thread message buffer */
	return tap_failed ? 1 : 0;
}
