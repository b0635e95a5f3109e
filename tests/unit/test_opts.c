/* test_opts.c - the option tables (plugin/cmd/opts.c) and what is generated from
 * them (plugin/cmd/completion.c): flag parsing in kubectl/cobra style, Go durations
 * (expected values are Go's time.ParseDuration in milliseconds), nearest-name
 * suggestions, reading --help back into a spec, and the __complete protocol. */
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugin/cmd/completion.h"
#include "../../plugin/cmd/kubeflags.h"
#include "../../plugin/cmd/opts.h"

/* ---- a command of our own ---- */

static struct {
	int force, quiet;
	const char *output, *name, *dry_run;
	long replicas, timeout_ms;
	struct arc_strlist labels;
} o;

static const struct arc_opt test_opts[] = {
	{ "force", 0, ARC_OPT_BOOL, &o.force, NULL, "Force it", NULL, 0 },
	{ "quiet", 'q', ARC_OPT_BOOL, &o.quiet, NULL, "No progress", NULL, 0 },
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "Output format: json, yaml or name", NULL, 0 },
	{ "name", 0, ARC_OPT_STRING, &o.name, "NAME", "The name", "arc", 0 },
	{ "replicas", 'r', ARC_OPT_INT, &o.replicas, "N", "How many", "1", 0 },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "How long to wait", "5m", 0 },
	{ "label", 'l', ARC_OPT_LIST, &o.labels, "KEY=VAL", "A label (repeatable)", NULL, 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, "MODE", "client or server", "client", 0 },
	{ "secret-thing", 0, ARC_OPT_STRING, &o.name, "X", "hidden", NULL, ARC_OPT_HIDDEN },
	{ "values-file", 'f', ARC_OPT_STRING, &o.name, "FILE", "Values file", NULL, 0 },
	{ "chart-dir", 0, ARC_OPT_STRING, &o.name, "DIR", "A directory", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const test_tables[] = { test_opts, NULL };
static const struct arc_cmd_spec test_spec = {
	"widget", "(create NAME | delete NAME | list) [flags]", "Manage widgets",
	"Widgets are made here.\nA second paragraph.",
	"kubectl arc widget create w1\nkubectl arc widget list",
	test_tables,
};

static char *keep[256];
static size_t nkeep;

static int parse(struct arc_strlist *pos, const char *args)
{
	char *copy = strdup(args), *argv[64], *save = NULL, *p;
	int argc = 0, rc;
	argv[argc++] = (char *)"widget";
	for (p = strtok_r(copy, " ", &save); p && argc < 63; p = strtok_r(NULL, " ", &save))
		argv[argc++] = p;
	argv[argc] = NULL;
	memset(&o, 0, sizeof(o));
	pos->v = NULL;
	pos->n = 0;
	rc = arc_opts_parse(&test_spec, argc, argv, pos);
	/* positional words point into copy: keep it until the end of the test */
	if (nkeep < 256)
		keep[nkeep++] = copy;
	else
		free(copy);
	return rc;
}

static void test_parse(void)
{
	struct arc_strlist pos;
	int rc;

	rc = parse(&pos, "create w1 --force -o json --name=x -r 3 --timeout 90s -l a=1 -lb=2 --label c=3");
	CHECK(rc == 0, "a mix of flag forms parses");
	CHECK(o.force == 1 && o.output && !strcmp(o.output, "json") && o.name && !strcmp(o.name, "x"),
	      "bool, short string, --name=value");
	CHECK(o.replicas == 3 && o.timeout_ms == 90000, "-r 3 and --timeout 90s");
	CHECK(o.labels.n == 3 && !strcmp(o.labels.v[0], "a=1") && !strcmp(o.labels.v[1], "b=2") &&
		      !strcmp(o.labels.v[2], "c=3"),
	      "a list flag repeats (-l x, -lx, --label x)");
	CHECK(pos.n == 2 && !strcmp(pos.v[0], "create") && !strcmp(pos.v[1], "w1"),
	      "positional words kept in order");
	arc_strlist_release(&pos);
	arc_strlist_release(&o.labels);

	rc = parse(&pos, "--force=false -q=true list");
	CHECK(rc == 0 && o.force == 0 && o.quiet == 1 && pos.n == 1, "--flag=false and -q=true");
	arc_strlist_release(&pos);

	rc = parse(&pos, "--force=maybe");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "invalid argument \"maybe\" for \"--force\""),
	      "a bad boolean is a usage error: %s", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "--dry-run");
	CHECK(rc == 0 && o.dry_run && !strcmp(o.dry_run, "client"), "an optional value defaults (--dry-run)");
	arc_strlist_release(&pos);
	rc = parse(&pos, "--dry-run=server x");
	CHECK(rc == 0 && !strcmp(o.dry_run, "server") && pos.n == 1,
	      "--dry-run=server; the next word stays positional");
	arc_strlist_release(&pos);

	rc = parse(&pos, "list -- --force -x");
	CHECK(rc == 0 && !o.force && pos.n == 3 && !strcmp(pos.v[1], "--force"), "-- ends the flags");
	arc_strlist_release(&pos);

	rc = parse(&pos, "-r abc");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "not a whole number"),
	      "-r abc: %s", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "--timeout 5 --name");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "flag needs an argument: --name"),
	      "a missing value: %s", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "--timeout=forever");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "--timeout"),
	      "a bad duration: %s", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "--ouput json");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "unknown flag: --ouput (did you mean --output?)"),
	      "an unknown flag suggests the nearest: %s", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "--zzzzzzzzzz");
	CHECK(rc == ARC_E_USAGE && !strstr(arc_error_last(), "did you mean"),
	      "nothing near: no suggestion (%s)", arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "-Z");
	CHECK(rc == ARC_E_USAGE && strstr(arc_error_last(), "unknown shorthand flag: 'Z'"), "-Z: %s",
	      arc_error_last());
	arc_strlist_release(&pos);

	rc = parse(&pos, "-qZ");
	CHECK(rc == ARC_E_USAGE, "-qZ: Z is unknown after a boolean shorthand");
	arc_strlist_release(&pos);
}

static void test_help_output(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	arc_opts_help(&test_spec, f);
	fclose(f);
	CHECK(strstr(text, "Usage:\n  kubectl arc widget (create NAME") != NULL, "--help has the usage line");
	CHECK(strstr(text, "      --name NAME") && strstr(text, "The name (default arc)"),
	      "flags with defaults");
	CHECK(strstr(text, "  -o, --output FORMAT") != NULL, "short and long names");
	CHECK(!strstr(text, "secret-thing"), "hidden flags are not shown");
	CHECK(strstr(text, "Examples:\n  kubectl arc widget create w1") != NULL, "examples");
	free(text);
}

/* ---- durations: Go's time.ParseDuration, in ms; plain numbers are seconds ---- */

/* a command that also takes kubectl's connection flags: they get a section of their own,
 * after the command's flags and -h; a flag column of 33 characters or more wraps, so that at
 * least two spaces part a flag from its help; completion reads both sections back */
static void test_help_sections(void)
{
	static const struct arc_opt own[] = {
		{ "scale-down-delay", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "Wait this long", NULL, 0 },
		{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "json or yaml", NULL, 0 },
		ARC_OPT_END,
	};
	static const struct arc_opt *const tables[] = { own, arc_kube_opts, NULL };
	static const struct arc_cmd_spec spec = { "gadget", NULL, "Gadgets", NULL, NULL, tables };
	struct arc_cmd_info info;
	char *text = NULL;
	const char *flags, *conn, *helpl;
	size_t len = 0, i;
	int found_ctx = 0, found_out = 0;
	FILE *f = open_memstream(&text, &len);
	arc_opts_help(&spec, f);
	fclose(f);
	flags = strstr(text, "\nFlags:\n");
	conn = strstr(text, "\nConnection flags:\n");
	helpl = strstr(text, "  -h, --help                      help for gadget\n");
	CHECK(flags && conn && helpl && flags < helpl && helpl < conn, "Flags:, then -h, then Connection flags:");
	CHECK(conn && strstr(conn, "      --context NAME              The kubeconfig context to use\n") &&
		      !strstr(flags, "--context NAME") == 0 && strstr(flags, "--context") > conn,
	      "the kubeconfig flags are in the connection section only");
	CHECK(strstr(text, "      --scale-down-delay DURATION\n                                  Wait this long\n") !=
		      NULL,
	      "a 33-column flag wraps its help to the next line");
	CHECK(arc_cmd_info_from_help(&info, "gadget", text) == 0, "the sectioned help parses back");
	for (i = 0; info.spec->tables && info.spec->tables[0] && info.spec->tables[0][i].name; i++) {
		found_ctx |= !strcmp(info.spec->tables[0][i].name, "context");
		found_out |= !strcmp(info.spec->tables[0][i].name, "output");
	}
	CHECK(found_ctx && found_out, "… with the command's flags and the connection flags");
	arc_cmd_info_release(&info);
	free(text);
	setenv("HELM_PLUGIN_NAME", "arc", 1);
	text = NULL;
	f = open_memstream(&text, &len);
	arc_opts_help(&spec, f);
	fclose(f);
	unsetenv("HELM_PLUGIN_NAME");
	CHECK(strstr(text, "Usage:\n  helm arc gadget [flags]") &&
		      strstr(text, "Helm's own flags work too: helm --kube-context NAME -n NS --kubeconfig FILE --debug arc "
				   "gadget …\n"),
	      "as a Helm plugin: helm arc, and helm's flags are mentioned");
	free(text);
}

static void test_durations(void)
{
	static const struct {
		const char *in;
		long ms;
	} cases[] = {
		{ "0", 0 },           { "0s", 0 },        { "90s", 90000 },        { "5m", 300000 },
		{ "1h30m", 5400000 }, { "1h2m3s4ms", 3723004 }, { "1.5s", 1500 }, { ".5s", 500 },
		{ "1.5h", 5400000 },  { "+5s", 5000 },    { "1ms", 1 },            { "1500us", 1 },
		{ "2000000ns", 2 },   { "5m0s", 300000 }, { "30", 30000 }, /* kubectl: plain seconds */
		{ "", -1 },           { "s", -1 },        { "5x", -1 },            { "1h 2m", -1 },
		{ "-5s", -1 }, /* negative: a usage error here */
	};
	static const char *const go_rejects[] = { "1e3s", "0x10s", "nans", "infs" };
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(cases); i++) {
		long got = arc_parse_duration(cases[i].in);
		CHECK(got == cases[i].ms,
		      "duration \"%s\" = %ld ms (got %ld)", cases[i].in, cases[i].ms, got);
	}
	for (i = 0; i < ARC_ARRAY_LEN(go_rejects); i++) {
		long got = arc_parse_duration(go_rejects[i]);
		CHECK(got == -1, "duration \"%s\" is rejected as Go does (got %ld)", go_rejects[i], got);
	}
}

/* ---- suggestions ---- */

static void test_suggestions(void)
{
	static const char *const cmds[] = { "install", "upgrade", "uninstall", "status", "kube", "repo",
					    "template", "version", "completion", "runners" };
	size_t n = ARC_ARRAY_LEN(cmds);
	CHECK(arc_edit_distance("kitten", "sitting") == 3, "edit distance kitten/sitting = 3");
	CHECK(arc_edit_distance("", "abc") == 3 && arc_edit_distance("abc", "abc") == 0,
	      "edit distance edges");
	CHECK_STR(arc_suggest("instal", cmds, n), "install", "instal → install");
	CHECK_STR(arc_suggest("isntall", cmds, n), "install", "isntall → install (two edits)");
	CHECK_STR(arc_suggest("stauts", cmds, n), "status", "stauts → status");
	CHECK_STR(arc_suggest("temp", cmds, n), "template", "temp → template (a prefix)");
	CHECK_STR(arc_suggest("runner", cmds, n), "runners", "runner → runners");
	CHECK_STR(arc_suggest("kub", cmds, n), "kube", "kub → kube");
	CHECK(arc_suggest("frobnicate", cmds, n) == NULL, "frobnicate: no suggestion");
	CHECK(arc_suggest("x", cmds, n) == NULL, "x: no suggestion");
	CHECK(arc_suggest("", cmds, n) == NULL, "empty: no suggestion");
	CHECK_STR(arc_opts_suggest(&test_spec, "replica"), "replicas", "flag replica → replicas");
	CHECK_STR(arc_opts_suggest(&test_spec, "ouptut"), "output", "flag ouptut → output");
}

/* ---- reading --help back ---- */

static void test_from_help(void)
{
	struct arc_cmd_info info;
	char *text = NULL;
	size_t len = 0, i, n = 0;
	FILE *f = open_memstream(&text, &len);
	arc_opts_help(&test_spec, f);
	fclose(f);
	CHECK(arc_cmd_info_from_help(&info, "widget", text) == 0, "the help text parses back");
	CHECK_STR(info.spec->summary, "Manage widgets", "summary");
	CHECK_STR(info.spec->usage, "(create NAME | delete NAME | list) [flags]",
	      "usage without the program name");
	CHECK(info.spec->examples && strstr(info.spec->examples, "kubectl arc widget list"), "examples");
	for (i = 0; info.spec->tables[0][i].name; i++)
		n++;
	CHECK(n == 10, "every visible flag comes back (%zu of 10)", n);
	for (i = 0; info.spec->tables[0][i].name; i++) {
		const struct arc_opt *b = &info.spec->tables[0][i];
		if (!strcmp(b->name, "name"))
			CHECK(b->def && !strcmp(b->def, "arc") && b->argname && !strcmp(b->argname, "NAME") &&
				      !strcmp(b->help, "The name"),
			      "--name NAME, its help and default");
		if (!strcmp(b->name, "output"))
			CHECK(b->short_name == 'o' && b->type == ARC_OPT_STRING, "-o/--output takes a value");
		if (!strcmp(b->name, "force"))
			CHECK(b->type == ARC_OPT_BOOL && !b->argname, "--force is a boolean");
	}
	CHECK(info.n_verbs == 3 && !strcmp(info.verbs[0].name, "create") &&
		      !strcmp(info.verbs[2].name, "list"),
	      "verbs from the usage alternatives");
	arc_cmd_info_release(&info);
	free(text);

	CHECK(arc_cmd_info_from_help(&info, "x",
				     "Group of things\n\nUsage:\n  helm arc x COMMAND\n\nCommands:\n"
				     "  create   Make one\n  list     List them\n\nFlags:\n"
				     "      --certificate-authority FILE\n"
				     "                                  Path to a CA certificate file\n"
				     "  -h, --help   help\n") == 0,
	      "a group help with subcommands parses");
	CHECK(info.n_verbs == 2 && info.verbs_have_help && !strcmp(info.verbs[1].summary, "List them"),
	      "subcommands with their summaries");
	CHECK(info.spec->tables[0][0].name &&
		      !strcmp(info.spec->tables[0][0].name, "certificate-authority") &&
		      !strcmp(info.spec->tables[0][0].help, "Path to a CA certificate file") &&
		      !info.spec->tables[0][1].name,
	      "a long flag whose help is on the next line; --help left out");
	arc_cmd_info_release(&info);
	CHECK(arc_cmd_info_from_help(&info, "x", "") != 0, "an empty help text is an error");
}

/* ---- __complete ---- */

static int widget_run(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	int rc = arc_opts_parse(&test_spec, argc, argv, &pos);
	arc_strlist_release(&pos);
	return rc == 1 ? 0 : rc ? 2 : 0;
}

static int plain_run(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--help"))
		printf("Do plain things\n\nUsage:\n  kubectl arc plain CHART [flags]\n\nFlags:\n"
		       "      --kubeconfig FILE   A kubeconfig\n      --verbose           Say more\n");
	return 0;
}

static const struct arc_command test_cmds[] = {
	{ "widget", "Manage widgets", widget_run },
	{ "plain", "Do plain things", plain_run },
};
static const struct arc_cmd_spec *const test_specs[] = { &test_spec, NULL };

static char *complete(const char *line)
{
	struct arc_buf out = ARC_BUF_INIT;
	char *copy = strdup(line), *words[32], *p = copy, *sp;
	int n = 0;
	/* words separated by single spaces; a trailing space means a new, empty word */
	for (;;) {
		sp = strchr(p, ' ');
		words[n++] = p;
		if (!sp || n >= 31)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	arc_complete(&out, n, words);
	free(copy);
	return arc_buf_detach(&out, NULL);
}

static void test_complete(void)
{
	char *r;
	arc_cmd_table_set(test_cmds, ARC_ARRAY_LEN(test_cmds), test_specs);

	r = complete("");
	CHECK_STR(r, "widget\tManage widgets\nplain\tDo plain things\nhelp\tHelp about any command\n:4\n",
		  "commands with their summaries, no files");
	free(r);
	r = complete("wi");
	CHECK_STR(r, "widget\tManage widgets\n:4\n", "a prefix filters");
	free(r);
	r = complete("--v");
	CHECK_STR(r, "--version\tPrint the version\n:4\n", "top-level flags");
	free(r);
	r = complete("widget ");
	CHECK_STR(r, "create\ndelete\nlist\n:4\n", "verbs from the usage line");
	free(r);
	r = complete("widget create --rep");
	CHECK_STR(r, "--replicas\tHow many\n:4\n", "a flag by prefix");
	free(r);
	r = complete("widget --secret");
	CHECK_STR(r, ":4\n", "hidden flags are not offered");
	free(r);
	r = complete("widget -");
	CHECK(strstr(r, "--force\tForce it\n") && strstr(r, "\n-o\tOutput format") && strstr(r, "--help\t"),
	      "'-' offers long and short flags");
	free(r);
	r = complete("widget -o ");
	CHECK_STR(r, "json\nyaml\nname\n:4\n", "output formats from the flag's help");
	free(r);
	r = complete("widget --output=y");
	CHECK_STR(r, "--output=yaml\n:4\n", "--flag=value completes the value");
	free(r);
	r = complete("widget -f ");
	CHECK_STR(r, ":0\n", "a FILE value: the shell completes files");
	free(r);
	r = complete("widget --chart-dir ");
	CHECK_STR(r, ":16\n", "a DIR value: directories");
	free(r);
	r = complete("widget --name ");
	CHECK_STR(r, ":4\n", "a free-form value: nothing, no files");
	free(r);
	r = complete("widget -o json create ");
	CHECK_STR(r, ":4\n", "after the verb: nothing more");
	free(r);
	r = complete("plain ");
	CHECK_STR(r, ":0\n", "a command without a spec: its --help says CHART, so files");
	free(r);
	r = complete("plain --v");
	CHECK_STR(r, "--verbose\tSay more\n:4\n", "a command without a spec: flags read from its --help");
	free(r);
	r = complete("help w");
	CHECK_STR(r, "widget\tManage widgets\n:4\n", "help COMMAND");
	free(r);
	r = complete("nosuch ");
	CHECK_STR(r, ":4\n", "an unknown command: nothing");
	free(r);
	CHECK_STR(arc_cmd_suggest("widgte"), "widget", "the command table suggests");
	arc_cmd_table_release();
}

int main(void)
{
	test_parse();
	test_help_output();
	test_durations();
	test_suggestions();
	test_from_help();
	test_help_sections();
	test_complete();
	while (nkeep)
		free(keep[--nkeep]);
	return tap_done();
}
