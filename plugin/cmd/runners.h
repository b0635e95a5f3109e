/*
 * runners.h - what `runners` and `workflow` share: the embedded runner spec
 * templates (templates/ of the repository, packed into the binary at build
 * time) and a summary of a RunnerDeployment.
 *
 * OWNERSHIP: arc_runner_templates() returns a set the caller frees with
 * arc_tpl_set_free().  struct arc_rd_summary borrows from the object it was
 * made from (valid while that object lives).
 */
#ifndef ARC_CMD_RUNNERS_H
#define ARC_CMD_RUNNERS_H

#include "../gotmpl/template.h"
#include "../value/value.h"

#define ARC_RUNNERS_GROUP_VERSION "actions.summerwind.dev/v1alpha1"

/* The embedded templates parsed into one set (names: "runnerdeployment.yaml",
 * "horizontalrunnerautoscaler.yaml", "workflow.yaml", "_helpers.tpl"). */
int arc_runner_templates(struct arc_tpl_set **out);

struct arc_rd_summary {
	const char *target_kind; /* "repository", "organization", "enterprise" or NULL */
	const char *target;
	arc_value *labels;       /* list of strings, or NULL */
	const char *group;
	const char *image;       /* NULL: ARC's default image */
	int dind;                /* dockerdWithinRunnerContainer */
	long long gpu;           /* limits nvidia.com/gpu; 0 none */
};
void arc_rd_summarize(arc_value *rd, struct arc_rd_summary *s);
/* an integer field of an object (JSON numbers are floats); def when absent */
long long arc_obj_int(arc_value *obj, const char *path, long long def);

#endif
