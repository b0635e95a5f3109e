/* man.c - the hidden `__man` command: kubectl-arc.1 in roff, generated from the
 * command table and the option tables (`make man`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "completion.h"
#include "kubeflags.h"

#ifndef ARC_VERSION
#define ARC_VERSION "0.0.0-dev"
#endif

/* text for roff: backslashes escaped, dashes as \-, no control line at a line start */
static void esc(FILE *f, const char *s, size_t n)
{
	size_t i;
	int bol = 1;
	for (i = 0; i < n && s[i]; i++) {
		char c = s[i];
		if (bol && (c == '.' || c == '\''))
			fputs("\\&", f);
		bol = c == '\n';
		if ((unsigned char)c >= 0xc0 && i + 1 < n) {
			/* UTF-8 → \[uXXXX] (troff reads bytes) */
			unsigned char u = (unsigned char)c;
			size_t len = u >= 0xf0 ? 4 : u >= 0xe0 ? 3 : 2, k;
			unsigned long cp = u & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
			for (k = 1; k < len && i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80; k++)
				cp = cp << 6 | ((unsigned char)s[i + k] & 0x3f);
			if (k == len) {
				fprintf(f, "\\[u%04lX]", cp);
				i += len - 1;
				continue;
			}
			fputc('?', f);
		} else if ((unsigned char)c >= 0x80) {
			fputc('?', f);
		} else if (c == '\\')
			fputs("\\e", f);
		else if (c == '-')
			fputs("\\-", f);
		else
			fputc(c, f);
	}
}

static void escs(FILE *f, const char *s)
{
	esc(f, s, strlen(s));
}

/* a paragraph per "\n" of the text */
static void paragraphs(FILE *f, const char *text)
{
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			fputs(".PP\n", f);
			esc(f, p, n);
			fputc('\n', f);
		}
		p += n + (nl ? 1 : 0);
	}
}

static int is_kube_opt(const char *name)
{
	size_t i;
	for (i = 0; arc_kube_opts[i].name; i++)
		if (!strcmp(arc_kube_opts[i].name, name))
			return 1;
	return 0;
}

static void option(FILE *f, const struct arc_opt *o)
{
	fputs(".TP\n", f);
	if (o->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
	fputs("\\fB\\-\\-", f);
	escs(f, o->name);
	fputs("\\fR", f);
	if (o->argname) {
		fputs(" \\fI", f);
		escs(f, o->argname);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	escs(f, o->help ? o->help : "");
	if (o->def && o->type != ARC_OPT_OPTSTR) {
		fputs(" (default ", f);
		escs(f, o->def);
		fputc(')', f);
	}
	fputc('\n', f);
}

static int has_opt(const struct arc_cmd_spec *spec, const char *name)
{
	size_t t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++)
			if (!strcmp(spec->tables[t][i].name, name))
				return 1;
	return 0;
}

/* the options of a spec; the kubeconfig options are described once, in their own section
 * (a spec read back from --help has them inline: recognised by --kubeconfig) */
static int options(FILE *f, const struct arc_cmd_spec *spec)
{
	size_t t, i;
	int kube = has_opt(spec, "kubeconfig"), any = 0;
	for (t = 0; spec->tables && spec->tables[t]; t++) {
		if (spec->tables[t] == arc_kube_opts)
			continue;
		for (i = 0; spec->tables[t][i].name; i++) {
			const struct arc_opt *o = &spec->tables[t][i];
			if (o->flags & ARC_OPT_HIDDEN)
				continue;
			if (kube && is_kube_opt(o->name))
				continue;
			if (!any++)
				fputs(".PP\nOptions:\n", f);
			option(f, o);
		}
	}
	return kube;
}

static void command(FILE *f, const struct arc_cmd_info *info)
{
	const struct arc_cmd_spec *spec = info->spec;
	fputs(".SS \"kubectl arc ", f);
	escs(f, info->path);
	fputs("\"\n", f);
	escs(f, spec->summary ? spec->summary : "");
	fputs(".\n", f);
	fputs(".PP\n.B kubectl arc ", f);
	escs(f, info->path);
	fputc('\n', f);
	if (spec->usage && *spec->usage) {
		escs(f, spec->usage);
		fputc('\n', f);
	}
	if (spec->description)
		paragraphs(f, spec->description);
	if (options(f, spec))
		fputs(".PP\nAnd the connection options of\n.BR \"KUBECONFIG OPTIONS\" .\n", f);
	if (spec->examples) {
		fputs(".PP\nExamples:\n.RS\n.nf\n", f);
		escs(f, spec->examples);
		fputs("\n.fi\n.RE\n", f);
	}
}

static const char *const env_doc[][2] = {
	{ "KUBECONFIG",
	  "Colon-separated kubeconfig files, merged as kubectl does (default ~/.kube/config)." },
	{ "NO_COLOR", "When set (to anything but the empty string), no colours, even on a terminal." },
	{ "HELM_NAMESPACE", "As a Helm plugin: the namespace of helm's -n/--namespace." },
	{ "HELM_KUBECONTEXT", "As a Helm plugin: helm's --kube-context." },
	{ "HELM_KUBETOKEN", "As a Helm plugin: helm's --kube-token." },
	{ "HELM_KUBEAPISERVER", "As a Helm plugin: helm's --kube-apiserver." },
	{ "HELM_KUBECAFILE", "As a Helm plugin: helm's --kube-ca-file." },
	{ "HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "As a Helm plugin: helm's --kube-insecure-skip-tls-verify." },
	{ "HELM_KUBETLS_SERVER_NAME", "As a Helm plugin: helm's --kube-tls-server-name." },
	{ "HELM_KUBEASUSER, HELM_KUBEASGROUPS",
	  "As a Helm plugin: helm's --kube-as-user and --kube-as-group." },
	{ "HELM_DEBUG", "As a Helm plugin: helm's --debug; logs every API request." },
	{ "HELM_PLUGIN_NAME, HELM_PLUGIN_DIR", "Set by Helm: usage texts then say \"helm arc\"." },
};

int arc_cmd_man(int argc, char **argv)
{
	FILE *f = stdout;
	size_t n, i;
	const struct arc_command *cmds = arc_cmd_table(&n);
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char date[32] = "";
	(void)argc;
	(void)argv;
	if (sde && *sde) {
		time_t t = (time_t)strtoll(sde, NULL, 10);
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	}
	fputs(".\\\" Generated by `kubectl-arc __man` from the command and option tables; do not edit.\n", f);
	fprintf(f, ".TH KUBECTL\\-ARC 1 \"%s\" \"kubectl\\-arc ", date);
	escs(f, ARC_VERSION);
	fputs("\" \"kubectl\\-arc manual\"\n", f);
	fputs(".SH NAME\nkubectl\\-arc \\- set up GitHub Actions Runner Controller on Kubernetes "
	      "(a kubectl and Helm plugin)\n", f);
	fputs(".SH SYNOPSIS\n.B kubectl arc\n.I COMMAND\n.RI [ flags ]\n.br\n.B helm arc\n.I COMMAND\n"
	      ".RI [ flags ]\n.br\n.B kubectl\\-arc\n.I COMMAND\n.RI [ flags ]\n", f);
	fputs(".SH DESCRIPTION\nkubectl\\-arc installs ARC (cert\\-manager, the GitHub credentials Secret\n"
	      "and the controller) by rendering the bundled Helm chart natively,\n"
	      "and manages its runners, with no helm or kubectl binary at run time.\n"
	      ".PP\nIt runs as a kubectl plugin (an executable \\fBkubectl\\-arc\\fR on PATH:\n"
	      "kubectl passes every argument after \\fBarc\\fR, so the connection flags come after it),\n"
	      "as a Helm plugin (helm passes its global flags in the environment, see \\fBENVIRONMENT\\fR)\n"
	      "or on its own.\n", f);
	fputs(".SH COMMANDS\n", f);
	for (i = 0; i < n; i++) {
		const struct arc_cmd_info *info = arc_cmd_info(&cmds[i], NULL);
		size_t v;
		command(f, info);
		if (!info->verbs_have_help)
			continue;
		for (v = 0; v < info->n_verbs; v++)
			command(f, arc_cmd_info(&cmds[i], info->verbs[v].name));
	}
	fputs(".SH \"KUBECONFIG OPTIONS\"\nThe commands that talk to a cluster accept kubectl's connection "
	      "options, after the command name:\n", f);
	for (i = 0; arc_kube_opts[i].name; i++)
		if (!(arc_kube_opts[i].flags & ARC_OPT_HIDDEN))
			option(f, &arc_kube_opts[i]);
	fputs(".SH \"EXIT STATUS\"\n.TP\n.B 0\nSuccess.\n.TP\n.B 1\n"
	      "Failure (the cluster, the network, a file, a check).\n.TP\n.B 2\n"
	      "Usage error: an unknown command or flag, a missing or bad argument. The "
	      "message suggests the nearest command or flag.\n", f);
	fputs(".SH ENVIRONMENT\n", f);
	for (i = 0; i < ARC_ARRAY_LEN(env_doc); i++) {
		fputs(".TP\n.B ", f);
		escs(f, env_doc[i][0]);
		fputc('\n', f);
		escs(f, env_doc[i][1]);
		fputc('\n', f);
	}
	fputs(".SH FILES\n.TP\n.I ~/.kube/config\nThe default kubeconfig.\n.TP\n.I kubectl_complete\\-arc\n"
	      "Next to kubectl\\-arc on PATH: completes \\fBkubectl arc\\fR words for kubectl's own shell "
	      "completion.\n", f);
	fputs(".SH \"SEE ALSO\"\n.BR kubectl (1),\n.BR helm (1)\n", f);
	return ferror(f) ? 1 : 0;
}
