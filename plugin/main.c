/* main.c - mode detection (kubectl plugin, helm plugin, plain) and the command table
 *
 * Exit status: 0 success, 1 failure, 2 usage error (unknown command or flag, bad
 * argument).  The same binary is `kubectl arc` (kubectl execs kubectl-arc with the
 * words after `arc`), `helm arc` (Helm sets HELM_PLUGIN_NAME/HELM_PLUGIN_DIR and passes
 * its global flags in HELM_* variables: cmd/kubeflags.c) and `kubectl-arc`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/completion.h"
#include "cmd/kubeflags.h"
#include "cmd/opts.h"
#include "cmd/output.h"

static const struct arc_command commands[] = {
	{ "install", "Install ARC: cert-manager, the auth Secret and the controller, as a Helm release",
	  arc_cmd_install },
	{ "upgrade", "Upgrade the ARC release (new values or chart), as helm upgrade", arc_cmd_upgrade },
	{ "uninstall", "Remove the ARC release (CRDs are kept unless --crds)", arc_cmd_uninstall },
	{ "status", "Show the ARC release, controller, webhook, cert-manager, CRDs and runners", arc_cmd_status },
	{ "runners", "Create, list, inspect, scale and delete self-hosted runners", arc_cmd_runners },
	{ "workflow", "Print a GitHub Actions workflow that runs on a runner deployment", arc_cmd_workflow },
	{ "doctor", "Check the cluster, cert-manager, ARC, GitHub credentials and runners, with fixes", arc_cmd_doctor },
	{ "kube", "Low-level Kubernetes API calls (apply, get, list, delete, wait)", arc_cmd_kube },
	{ "repo", "Add, list, remove and update chart repositories", arc_cmd_repo },
	{ "template", "Render a chart locally (the bundled one by default), as helm template", arc_cmd_template },
	{ "version", "Print the version of kubectl-arc and its bundled chart", arc_cmd_version },
	{ "completion", "Print a shell completion script (bash, zsh or fish)", arc_cmd_completion },
};

/*
 * The option table of each command, for completion and the man page.  A command file
 * exports it as `const struct arc_cmd_spec arc_<name>_spec`; the references are weak
 * so that a command whose spec is still file-local links too (its pointer is then
 * NULL and completion/man read the command's --help, which opts.c prints from the
 * same table).
 */
#define ARC_WEAK_SPEC(n) extern const struct arc_cmd_spec n __attribute__((weak))
ARC_WEAK_SPEC(arc_version_spec);
ARC_WEAK_SPEC(arc_kube_spec);
ARC_WEAK_SPEC(arc_repo_spec);
ARC_WEAK_SPEC(arc_template_spec);
ARC_WEAK_SPEC(arc_install_spec);
ARC_WEAK_SPEC(arc_upgrade_spec);
ARC_WEAK_SPEC(arc_uninstall_spec);
ARC_WEAK_SPEC(arc_status_spec);
ARC_WEAK_SPEC(arc_runners_spec);
ARC_WEAK_SPEC(arc_workflow_spec);
ARC_WEAK_SPEC(arc_doctor_spec);

static const struct {
	const char *name;
	const struct arc_cmd_spec *spec;
} known_specs[] = {
	{ "version", &arc_version_spec },
	{ "kube", &arc_kube_spec },
	{ "repo", &arc_repo_spec },
	{ "template", &arc_template_spec },
	{ "install", &arc_install_spec },
	{ "upgrade", &arc_upgrade_spec },
	{ "uninstall", &arc_uninstall_spec },
	{ "status", &arc_status_spec },
	{ "runners", &arc_runners_spec },
	{ "workflow", &arc_workflow_spec },
	{ "doctor", &arc_doctor_spec },
	{ "completion", &arc_completion_spec },
};

static const struct arc_cmd_spec *specs[ARC_ARRAY_LEN(commands)];

static void register_table(void)
{
	size_t i, j;
	for (i = 0; i < ARC_ARRAY_LEN(commands); i++)
		for (j = 0; j < ARC_ARRAY_LEN(known_specs); j++)
			if (!strcmp(commands[i].name, known_specs[j].name))
				specs[i] = known_specs[j].spec; /* NULL: weak reference unresolved */
	arc_cmd_table_set(commands, ARC_ARRAY_LEN(commands), specs);
}

static const char *bold_on(FILE *f)
{
	return arc_use_color(fileno(f)) ? "\033[1m" : "";
}

static const char *bold_off(FILE *f)
{
	return arc_use_color(fileno(f)) ? "\033[0m" : "";
}

static void usage(FILE *f)
{
	size_t i;
	const char *prog = arc_prog();
	fprintf(f, "kubectl-arc sets up GitHub Actions Runner Controller (ARC) on Kubernetes and manages its "
		   "runners.\n\n");
	fprintf(f, "%sUsage:%s\n  %s COMMAND [flags]\n\n", bold_on(f), bold_off(f), prog);
	fprintf(f, "%sCommands:%s\n", bold_on(f), bold_off(f));
	for (i = 0; i < ARC_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "help", "Help about any command");
	fprintf(f, "\n%sFlags:%s\n", bold_on(f), bold_off(f));
	fprintf(f, "  -h, --help      help for %s\n", prog);
	fprintf(f, "      --version   print the version (as `%s version`)\n", prog);
	fprintf(f, "\nThe commands that talk to a cluster take kubectl's connection flags after the command "
		   "name\n(--kubeconfig, --context, -n/--namespace, --server, --token, --as, …)%s.\n",
		!strcmp(prog, "helm arc") ? "; helm's own (--kube-context, -n, --kubeconfig, --debug, …) too"
					  : "");
	fprintf(f, "\nExit status: 0 success, 1 failure, 2 usage error.\n");
	fprintf(f, "Use \"%s COMMAND --help\" for more about a command.\n", prog);
}

/* "Error: MESSAGE (did you mean X?)" and a pointer to --help; exit status 2 */
static int usage_error(char *msg, const char *quote, const char *suggestion)
{
	const char *prog = arc_prog();
	int color = arc_use_color(2);
	fprintf(stderr, "%sError:%s %s", color ? "\033[31m" : "", color ? "\033[0m" : "", msg);
	if (suggestion)
		fprintf(stderr, " (did you mean %s%s%s?)", quote, suggestion,
			!strcmp(quote, "\"") ? "\"" : "");
	fprintf(stderr, "\nRun '%s --help' for usage.\n", prog);
	free(msg);
	return 2;
}

static int unknown_command(const char *cmd)
{
	return usage_error(xasprintf("unknown command \"%s\" for \"%s\"", cmd, arc_prog()), "\"",
			   arc_cmd_suggest(cmd));
}

/* kubectl's connection flags given before the command (`kubectl arc -n x status`):
 * moved after the command name, where its option table parses them.  Returns the
 * index of the command word in argv, or argc when there is none. */
static int hoist_kube_flags(int argc, char **argv)
{
	int i = 1, c, j;
	while (i < argc && argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--")) {
		const char *a = argv[i], *name = a[1] == '-' ? a + 2 : NULL;
		const char *eq = name ? strchr(name, '=') : NULL;
		size_t n = name ? (eq ? (size_t)(eq - name) : strlen(name)) : 0, k;
		const struct arc_opt *o = NULL;
		for (k = 0; arc_kube_opts[k].name && !o; k++) {
			const struct arc_opt *ko = &arc_kube_opts[k];
			if (name ? strlen(ko->name) == n && !strncmp(ko->name, name, n)
				 : ko->short_name == a[1])
				o = ko;
		}
		if (!o)
			return -i; /* not a connection flag: the caller reports it */
		i++;
		if (o->type != ARC_OPT_BOOL && !eq && !(!name && a[2]))
			i++;
	}
	if (i >= argc)
		return argc;
	/* rotate argv[1..i] so that the command word comes first */
	c = i;
	{
		char *cmd = argv[c];
		for (j = c; j > 1; j--)
			argv[j] = argv[j - 1];
		argv[1] = cmd;
	}
	return 1;
}

static int run(int argc, char **argv)
{
	size_t i;
	const char *cmd;
	const char *top_flags[] = { "help", "version" };
	int ci;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version"))
		return arc_cmd_version(argc - 1, argv + 1);
	/* hidden commands for the shell completion scripts and the man page */
	if (!strcmp(cmd, "__complete") || !strcmp(cmd, "__completeNoDesc"))
		return arc_cmd_complete(argc - 1, argv + 1);
	if (!strcmp(cmd, "__man"))
		return arc_cmd_man(argc - 1, argv + 1);
	if (!strcmp(cmd, "help")) {
		const struct arc_command *c;
		char *hargv[3];
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		c = arc_cmd_find(argv[2]);
		if (!c)
			return unknown_command(argv[2]);
		hargv[0] = argv[2];
		hargv[1] = (char *)"--help";
		hargv[2] = NULL;
		return c->run(2, hargv);
	}
	if (cmd[0] == '-') {
		ci = hoist_kube_flags(argc, argv);
		if (ci < 0) {
			const char *a = argv[-ci];
			if (a[1] == '-') {
				char name[64];
				const char *eq = strchr(a + 2, '=');
				int len = (int)(eq ? eq - a - 2 : (long)strlen(a + 2));
				snprintf(name, sizeof(name), "%.*s", len, a + 2);
				return usage_error(xasprintf("unknown flag: --%s", name), "--",
						   arc_suggest(name, top_flags, 2));
			}
			return usage_error(xasprintf("unknown shorthand flag: '%c' in %s", a[1], a), "",
					   NULL);
		}
		if (ci >= argc) {
			fprintf(stderr, "Error: a command is required\n");
			usage(stderr);
			return 2;
		}
		cmd = argv[1];
	}
	for (i = 0; i < ARC_ARRAY_LEN(commands); i++)
		if (!strcmp(cmd, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return unknown_command(cmd);
}

int main(int argc, char **argv)
{
	int rc;
	register_table();
	rc = run(argc, argv);
	fflush(stdout);
	arc_cmd_table_release();
	return rc;
}
