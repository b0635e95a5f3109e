/* version.c - `kubectl arc version`: the binary, its commit, and the bundled chart and ARC versions */
#include <stdio.h>
#include <string.h>

#include "../chart/load.h"
#include "../value/codec.h"
#include "cmd.h"
#include "opts.h"

#ifndef ARC_VERSION
#define ARC_VERSION "0.0.0-dev"
#endif
#ifndef ARC_COMMIT
#define ARC_COMMIT "unknown"
#endif

static const char *output;
static int is_short;

static const struct arc_opt version_opts[] = {
	{ "output", 'o', ARC_OPT_STRING, &output, "FORMAT", "Output format: json or yaml", NULL, 0 },
	{ "short", 0, ARC_OPT_BOOL, &is_short, NULL, "Print only the version number", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const version_tables[] = { version_opts, NULL };
const struct arc_cmd_spec arc_version_spec = {
	"version", "[flags]", "Print the version of kubectl-arc and of the chart it bundles", NULL,
	"kubectl arc version\nkubectl arc version -o json", version_tables,
};

static const char *md_str(struct arc_chart *c, const char *key)
{
	arc_value *v = c ? arc_v_map_get(c->metadata, key) : NULL;
	return v && v->kind == ARC_STRING ? v->u.s.ptr : "unknown";
}

int arc_cmd_version(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_chart *c = NULL;
	int rc = arc_opts_parse(&arc_version_spec, argc, argv, &pos);
	arc_strlist_release(&pos);
	if (rc == 1)
		return 0;
	if (rc) {
		fprintf(stderr, "Error: %s\nSee '%s version --help'.\n", arc_error_last(), arc_prog());
		return 2;
	}
	if (is_short) {
		printf("%s\n", ARC_VERSION);
		return 0;
	}
	if (arc_chart_load_bundled(&c) != 0) {
		fprintf(stderr, "Warning: the bundled chart cannot be read: %s\n", arc_error_last());
		c = NULL;
	}
	if (output && (!strcmp(output, "json") || !strcmp(output, "yaml"))) {
		arc_value *m = arc_v_map();
		struct arc_buf b = ARC_BUF_INIT;
		arc_v_map_set(m, "version", arc_v_str(ARC_VERSION));
		arc_v_map_set(m, "gitCommit", arc_v_str(ARC_COMMIT));
		arc_v_map_set(m, "chartName", arc_v_str(md_str(c, "name")));
		arc_v_map_set(m, "chartVersion", arc_v_str(md_str(c, "version")));
		arc_v_map_set(m, "arcVersion", arc_v_str(md_str(c, "appVersion")));
		if (!strcmp(output, "json"))
			arc_json_dump(&b, m, ARC_JSON_INDENT);
		else
			arc_yaml_dump(&b, m);
		printf("%s%s", arc_buf_cstr(&b), !strcmp(output, "json") ? "\n" : "");
		arc_buf_release(&b);
		arc_v_unref(m);
	} else if (output) {
		fprintf(stderr, "Error: unknown output format \"%s\": use json or yaml\n", output);
		arc_chart_free(c);
		return 2;
	} else {
		printf("kubectl-arc %s (commit %s)\n", ARC_VERSION, ARC_COMMIT);
		printf("bundled chart: %s %s (actions-runner-controller v%s)\n", md_str(c, "name"),
		       md_str(c, "version"), md_str(c, "appVersion"));
	}
	arc_chart_free(c);
	return 0;
}
