/* workflow.c - `kubectl arc workflow [RUNNER]`: a ready-to-commit GitHub Actions workflow
 * whose runs-on targets a RunnerDeployment's labels (and checks the GPUs of GPU runners),
 * rendered from the embedded templates/workflow.yaml. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kube/api.h"
#include "cmd.h"
#include "kubeflags.h"
#include "output.h"
#include "runners.h"

static struct {
	struct arc_strlist labels;
	const char *group, *name;
	long gpu;
	int dind;
} w;

static const struct arc_opt workflow_opts[] = {
	{ "labels", 0, ARC_OPT_LIST, &w.labels, "A,B", "Without RUNNER: the runner labels to target", NULL,
			0 },
	{ "group", 0, ARC_OPT_STRING, &w.group, "GROUP", "Without RUNNER: the runner group", NULL, 0 },
	{ "gpu", 0, ARC_OPT_INT, &w.gpu, "N", "Without RUNNER: the runners have N GPUs (adds a GPU check "
			"step)", NULL,
	  0 },
	{ "dind", 0, ARC_OPT_BOOL, &w.dind, NULL, "Without RUNNER: the runners run Docker in Docker", NULL,
			0 },
	{ "name", 0, ARC_OPT_STRING, &w.name, "NAME", "Workflow name (and file name)", "the runner's name",
			0 },
	ARC_OPT_END,
};
static const struct arc_opt *const workflow_tables[] = { workflow_opts, arc_kube_opts, NULL };
const struct arc_cmd_spec arc_workflow_spec = {
	"workflow", "[RUNNER] [flags]", "Print a GitHub Actions workflow for a runner deployment",
	"Prints a .github/workflows/*.yml whose runs-on uses the labels (and group) of the RunnerDeployment "
		"RUNNER, read from the cluster, with a GPU check step for GPU runners. Without RUNNER, "
		"--labels, --group, --gpu and --dind describe the runners and no cluster is contacted.",
	"kubectl arc workflow web > .github/workflows/web.yml\n"
	"kubectl arc workflow --labels linux,gpu --gpu 1 --name train",
	workflow_tables,
};

static int valid_file_name(const char *s)
{
	const char *p;
	if (!*s || strlen(s) > 100 || *s == '.')
		return 0;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

int arc_cmd_workflow(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	struct arc_tpl_set *set = NULL;
	struct arc_buf out = ARC_BUF_INIT;
	arc_value *data = arc_v_map(), *labels = arc_v_list(), *rd = NULL;
	const char *name;
	char *file = NULL;
	int rc, status = 1, gpu = 0, dind = 0;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.gpu = -1;
	rc = arc_opts_parse(&arc_workflow_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc || pos.n > 1) {
		if (!rc)
			arc_error_code(ARC_E_USAGE, "workflow takes at most one RUNNER");
		fprintf(stderr, "Error: %s\nSee '%s workflow --help'.\n", arc_error_last(), arc_prog());
		status = 2;
		goto out;
	}
	if (pos.n == 1) {
		struct arc_kube_flags kf;
		struct arc_rd_summary sum;
		const char *ns;
		if (w.labels.n || w.group || w.gpu != -1 || w.dind) {
			fprintf(stderr, "Error: --labels, --group, --gpu and --dind are for a workflow "
					"without RUNNER (the runner deployment says them)\n");
			status = 2;
			goto out;
		}
		arc_kube_cli_flags(&kf);
		if (arc_kube_open(&k, &kf)) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto out;
		}
		arc_kube_set_log(k, arc_log_to_stderr, NULL);
		ns = arc_kube_cfg(k)->namespace;
		rc = arc_kube_get(k, ARC_RUNNERS_GROUP_VERSION, "RunnerDeployment", ns, pos.v[0], &rd);
		if (rc == ARC_E_NOTFOUND && !strncmp(arc_error_last(), "no matches for kind", 19))
			arc_error_code(rc, "the ARC CRDs are not installed: run kubectl arc install first");
		else if (rc == ARC_E_NOTFOUND)
			arc_error_code(rc, "runner deployment \"%s\" not found in namespace %s", pos.v[0],
					ns);
		if (rc) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto out;
		}
		arc_rd_summarize(rd, &sum);
		for (i = 0; sum.labels && i < arc_v_list_len(sum.labels); i++)
			if (arc_v_list_at(sum.labels, i)->kind == ARC_STRING &&
			    strcmp(arc_v_list_at(sum.labels, i)->u.s.ptr, "self-hosted"))
				arc_v_list_push(labels, arc_v_ref(arc_v_list_at(sum.labels, i)));
		arc_v_map_set(data, "Group", arc_v_str(sum.group ? sum.group : ""));
		arc_v_map_set(data, "Namespace", arc_v_str(ns));
		gpu = (int)(sum.gpu > 0 && sum.gpu < 1000 ? sum.gpu : 0);
		dind = sum.dind;
		name = pos.v[0];
		if (!arc_v_list_len(labels))
			fprintf(stderr, "Warning: runner deployment %s has no labels: runs-on: "
					"[self-hosted] takes any self-hosted runner of %s %s (give it "
					"labels: %s runners create %s … --labels A,B)\n", name,
					sum.target_kind ? sum.target_kind : "its", sum.target ? sum.target : "scope",
					arc_prog(), name);
	} else {
		if (w.gpu == 0 || w.gpu < -1 || w.gpu > 64) {
			fprintf(stderr, "Error: invalid --gpu %ld: the GPU count must be more than 0\n",
					w.gpu);
			status = 2;
			goto out;
		}
		for (i = 0; i < w.labels.n; i++) {
			const char *p = w.labels.v[i];
			while (*p) {
				const char *e = strchr(p, ',');
				size_t n = e ? (size_t)(e - p) : strlen(p);
				if (n && !(n == 11 && !strncmp(p, "self-hosted", 11)))
					arc_v_list_push(labels, arc_v_strn(p, n));
				p += n + (e ? 1 : 0);
			}
		}
		arc_v_map_set(data, "Group", arc_v_str(w.group ? w.group : ""));
		arc_v_map_set(data, "Namespace", arc_v_str(""));
		gpu = w.gpu > 0 ? (int)w.gpu : 0;
		dind = w.dind;
		name = "self-hosted";
	}
	if (w.name)
		name = w.name;
	if (!valid_file_name(name)) {
		fprintf(stderr, "Error: invalid workflow name \"%s\": use letters, digits, '-', '_' and "
				"'.'\n", name);
		status = 2;
		goto out;
	}
	file = xasprintf(".github/workflows/%s.yml", name);
	arc_v_map_set(data, "Name", arc_v_str(name));
	arc_v_map_set(data, "File", arc_v_str(file));
	arc_v_map_set(data, "Labels", arc_v_ref(labels));
	arc_v_map_set(data, "GPU", arc_v_int(gpu));
	arc_v_map_set(data, "DinD", arc_v_bool(dind));
	if (arc_runner_templates(&set) || arc_tpl_execute(set, "workflow.yaml", data, &out)) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto out;
	}
	fwrite(arc_buf_cstr(&out), 1, out.len, stdout);
	if (out.len && out.ptr[out.len - 1] != '\n')
		fputc('\n', stdout);
	status = 0;
out:
	free(file);
	arc_buf_release(&out);
	arc_tpl_set_free(set);
	arc_v_unref(data);
	arc_v_unref(labels);
	arc_v_unref(rd);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	arc_strlist_release(&w.labels);
	return status;
}
