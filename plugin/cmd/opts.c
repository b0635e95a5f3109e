/* opts.c - option tables: parsing, --help, suggestions, durations */
#include "opts.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../base/base.h"
#include "kubeflags.h"

const char *arc_prog(void)
{
	return getenv("HELM_PLUGIN_NAME") || getenv("HELM_PLUGIN_DIR") ? "helm arc" : "kubectl arc";
}

void arc_strlist_release(struct arc_strlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void strlist_add(struct arc_strlist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

long arc_parse_duration(const char *s)
{
	double total = 0;
	const char *p = s;
	char *end;
	if (!s || !*s)
		return -1;
	/* plain number: seconds (kubectl's --request-timeout accepts that) */
	{
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0)
			return v * 1000;
	}
	if (*p == '+')
		p++;
	if (!strcmp(p, "0"))
		return 0;
	while (*p) {
		/* Go's time.ParseDuration: [0-9]*(\.[0-9]*)? then a unit; no spaces,
		 * exponents, hex or signs between the parts */
		double v = 0, scale = 1;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				scale /= 10;
				v += (*p++ - '0') * scale;
				digits++;
			}
		}
		if (!digits || v > 9e15)
			return -1;
		if (!strncmp(p, "ms", 2)) {
			total += v;
			p += 2;
		} else if (!strncmp(p, "us", 2) || !strncmp(p, "µs", 3)) {
			total += v / 1000;
			p += p[0] == 'u' ? 2 : 3;
		} else if (!strncmp(p, "ns", 2)) {
			total += v / 1e6;
			p += 2;
		} else if (*p == 'h') {
			total += v * 3600000;
			p++;
		} else if (*p == 'm') {
			total += v * 60000;
			p++;
		} else if (*p == 's') {
			total += v * 1000;
			p++;
		} else {
			return -1;
		}
	}
	return total > 9e15 ? -1 : (long)total;
}

/* ---- suggestions ---- */

size_t arc_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[65], prev, tmp, r;
	if (la > 64 || lb > 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			r = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < r)
				r = row[j] + 1;
			if (row[j - 1] + 1 < r)
				r = row[j - 1] + 1;
			row[j] = r;
			prev = tmp;
		}
	}
	return row[lb];
}

const char *arc_opts_suggest(const struct arc_cmd_spec *spec, const char *name)
{
	const char *best = NULL;
	size_t bd = 3, t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++) {
			size_t d = arc_edit_distance(name, spec->tables[t][i].name);
			if (d < bd || (d <= 3 && strstr(spec->tables[t][i].name, name) && !best)) {
				bd = d;
				best = spec->tables[t][i].name;
			}
		}
	return best;
}

static const struct arc_opt *find_long(const struct arc_cmd_spec *spec, const char *name, size_t n)
{
	size_t t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++)
			if (strlen(spec->tables[t][i].name) == n && !strncmp(spec->tables[t][i].name, name, n))
				return &spec->tables[t][i];
	return NULL;
}

static const struct arc_opt *find_short(const struct arc_cmd_spec *spec, char c)
{
	size_t t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++)
			if (spec->tables[t][i].short_name == c)
				return &spec->tables[t][i];
	return NULL;
}

static int set_value(const struct arc_opt *o, const char *val, const char *shown)
{
	char *end;
	switch (o->type) {
	case ARC_OPT_BOOL:
		if (!val || !strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "t") || !strcmp(val, "TRUE"))
			*(int *)o->dest = 1;
		else if (!strcmp(val, "false") || !strcmp(val, "0") || !strcmp(val, "f") || !strcmp(val, "FALSE"))
			*(int *)o->dest = 0;
		else
			return arc_error_code(ARC_E_USAGE, "invalid argument \"%s\" for \"%s\" flag: want true or false",
					      val, shown);
		return 0;
	case ARC_OPT_STRING:
	case ARC_OPT_OPTSTR:
		*(const char **)o->dest = val;
		return 0;
	case ARC_OPT_INT:
		errno = 0;
		*(long *)o->dest = strtol(val, &end, 10);
		if (errno || *end || !*val)
			return arc_error_code(ARC_E_USAGE, "invalid argument \"%s\" for \"%s\" flag: not a whole number",
					      val, shown);
		return 0;
	case ARC_OPT_DURATION: {
		long ms = arc_parse_duration(val);
		if (ms < 0)
			return arc_error_code(ARC_E_USAGE,
					      "invalid argument \"%s\" for \"%s\" flag: want a duration such as 90s, 5m "
					      "or 1h",
					      val, shown);
		*(long *)o->dest = ms;
		return 0;
	}
	case ARC_OPT_LIST:
		strlist_add((struct arc_strlist *)o->dest, val);
		return 0;
	}
	return 0;
}

static int parse_args(const struct arc_cmd_spec *spec, int argc, char **argv, struct arc_strlist *pos)
{
	int i, rc;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct arc_opt *o;
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				strlist_add(pos, argv[i]);
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			arc_opts_help(spec, stdout);
			return 1;
		}
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			char *eq = strchr(a + 2, '=');
			size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			char shown[128];
			o = find_long(spec, a + 2, n);
			snprintf(shown, sizeof(shown), "--%.*s", (int)n, a + 2);
			if (!o) {
				char *name = xstrndup(a + 2, n);
				const char *sug = arc_opts_suggest(spec, name);
				if (sug)
					arc_error_code(ARC_E_USAGE, "unknown flag: --%s (did you mean --%s?)", name, sug);
				else
					arc_error_code(ARC_E_USAGE, "unknown flag: --%s", name);
				free(name);
				return ARC_E_USAGE;
			}
			if (o->type == ARC_OPT_BOOL || o->type == ARC_OPT_OPTSTR) {
				rc = set_value(o, eq ? eq + 1 : (o->type == ARC_OPT_OPTSTR ? o->def : NULL), shown);
			} else if (eq) {
				rc = set_value(o, eq + 1, shown);
			} else {
				if (i + 1 >= argc)
					return arc_error_code(ARC_E_USAGE, "flag needs an argument: %s", shown);
				rc = set_value(o, argv[++i], shown);
			}
			if (rc)
				return rc;
			continue;
		}
		if (a[0] == '-' && a[1] && a[1] != '-') {
			char shown[4] = { '-', a[1], 0, 0 };
			o = find_short(spec, a[1]);
			if (!o)
				return arc_error_code(ARC_E_USAGE, "unknown shorthand flag: '%c' in %s", a[1], a);
			if (o->type == ARC_OPT_BOOL) {
				rc = set_value(o, a[2] == '=' ? a + 3 : NULL, shown);
				if (!rc && a[2] && a[2] != '=')
					return arc_error_code(ARC_E_USAGE, "unknown shorthand flag: '%c' in %s", a[2], a);
			} else if (a[2]) {
				rc = set_value(o, a[2] == '=' ? a + 3 : a + 2, shown);
			} else {
				if (i + 1 >= argc)
					return arc_error_code(ARC_E_USAGE, "flag needs an argument: '%c' in %s", a[1], a);
				rc = set_value(o, argv[++i], shown);
			}
			if (rc)
				return rc;
			continue;
		}
		strlist_add(pos, a);
	}
	return 0;
}

int arc_opts_parse(const struct arc_cmd_spec *spec, int argc, char **argv, struct arc_strlist *pos)
{
	int rc = parse_args(spec, argc, argv, pos);
	const struct arc_opt *const *t;
	const struct arc_opt *o;
	if (!rc)
		return 0;
	/* help shown or a usage error: the caller returns at once, so nothing parsed is kept */
	arc_strlist_release(pos);
	for (t = spec->tables; t && *t; t++)
		for (o = *t; o->name; o++)
			if (o->type == ARC_OPT_LIST)
				arc_strlist_release(o->dest);
	return rc;
}

static void wrap(FILE *f, const char *text, int indent, int width)
{
	const char *p = text;
	int col = indent;
	while (*p) {
		const char *w = p;
		size_t n;
		if (*p == '\n') {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
			p++;
			continue;
		}
		while (*p && *p != ' ' && *p != '\n')
			p++;
		n = (size_t)(p - w);
		if (col > indent && col + (int)n + 1 > width) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', f);
			col++;
		}
		fwrite(w, 1, n, f);
		col += (int)n;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* one option line: "  -o, --output FORMAT" padded to column 34 (at least two spaces), then the
 * help wrapped at 110 columns with "(default X)" */
static void help_line(FILE *f, const struct arc_opt *o)
{
	char left[96];
	int n;
	if (o->short_name)
		n = snprintf(left, sizeof(left), "  -%c, --%s%s%s", o->short_name, o->name, o->argname ? " " : "",
			     o->argname ? o->argname : "");
	else
		n = snprintf(left, sizeof(left), "      --%s%s%s", o->name, o->argname ? " " : "",
			     o->argname ? o->argname : "");
	if (n <= 32)
		fprintf(f, "%-34s", left);
	else
		fprintf(f, "%s\n%34s", left, "");
	if (o->def && o->type != ARC_OPT_OPTSTR) {
		char *h = xasprintf("%s (default %s)", o->help, o->def);
		wrap(f, h, 34, 110);
		free(h);
	} else {
		wrap(f, o->help, 34, 110);
	}
}

void arc_opts_help(const struct arc_cmd_spec *spec, FILE *f)
{
	size_t t, i;
	const char *prog = arc_prog();
	int conn = 0;
	fprintf(f, "%s\n\n", spec->summary);
	if (spec->description) {
		wrap(f, spec->description, 0, 100);
		fputc('\n', f);
	}
	fprintf(f, "Usage:\n  %s %s %s\n", prog, spec->path, spec->usage ? spec->usage : "[flags]");
	if (spec->examples) {
		const char *p = spec->examples;
		fprintf(f, "\nExamples:\n");
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			/* examples are written with "kubectl arc"; show the name we run under */
			if (n > 12 && !strncmp(p, "kubectl arc ", 12))
				fprintf(f, "  %s %.*s\n", prog, (int)(n - 12), p + 12);
			else
				fprintf(f, "  %.*s\n", (int)n, p);
			p += n + (nl ? 1 : 0);
		}
	}
	/* the command's own flags, then kubectl's connection flags in a section of their own */
	fprintf(f, "\nFlags:\n");
	for (t = 0; spec->tables && spec->tables[t]; t++) {
		if (spec->tables[t] == arc_kube_opts) {
			conn = 1;
			continue;
		}
		for (i = 0; spec->tables[t][i].name; i++)
			if (!(spec->tables[t][i].flags & ARC_OPT_HIDDEN))
				help_line(f, &spec->tables[t][i]);
	}
	fprintf(f, "  -h, --help                      help for %s\n", spec->path);
	if (conn) {
		fprintf(f, "\nConnection flags:\n");
		for (i = 0; arc_kube_opts[i].name; i++)
			if (!(arc_kube_opts[i].flags & ARC_OPT_HIDDEN))
				help_line(f, &arc_kube_opts[i]);
		if (!strcmp(prog, "helm arc"))
			fprintf(f, "\nHelm's own flags work too: helm --kube-context NAME -n NS --kubeconfig FILE --debug "
				   "arc %s …\n",
				spec->path);
	}
}
