/* main.c - mode detection (kubectl plugin, helm plugin, plain) and the command table */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct arc_command commands[] = {
	{ "kube", "Low-level Kubernetes API calls (apply, get, list, delete, wait)", arc_cmd_kube },
	{ "repo", "Add, list, remove and update chart repositories", arc_cmd_repo },
	{ "template", "Render a chart locally (the bundled one by default), as helm template", arc_cmd_template },
	{ "version", "Print the version of kubectl-arc and its bundled chart", arc_cmd_version },
};

static const char *prog_name(void)
{
	/* Helm sets HELM_PLUGIN_NAME when it runs us as a plugin */
	return getenv("HELM_PLUGIN_NAME") ? "helm arc" : "kubectl arc";
}

static void usage(FILE *f)
{
	size_t i;
	fprintf(f, "kubectl-arc sets up GitHub Actions Runner Controller on Kubernetes.\n\n");
	fprintf(f, "Usage:\n  %s COMMAND [flags]\n\nCommands:\n", prog_name());
	for (i = 0; i < ARC_ARRAY_LEN(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nUse \"%s COMMAND --help\" for more about a command.\n", prog_name());
}

int main(int argc, char **argv)
{
	size_t i;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version"))
		return arc_cmd_version(argc - 1, argv + 1);
	for (i = 0; i < ARC_ARRAY_LEN(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "Error: unknown command \"%s\" for \"%s\"\n", argv[1], prog_name());
	fprintf(stderr, "Run '%s --help' for usage.\n", prog_name());
	return 2;
}
