/* runners.c - `kubectl arc runners create|list|get|scale|delete`: RunnerDeployments and
 * their HorizontalRunnerAutoscalers, rendered from the embedded templates (templates/)
 * and applied with server-side apply; listed as kubectl does, page by page. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/encoding.h"
#include "../github/github.h"
#include "../kube/api.h"
#include "../value/codec.h"
#include "auth.h"
#include "cmd.h"
#include "kubeflags.h"
#include "output.h"
#include "runners.h"
#include "table.h"

#define AV ARC_RUNNERS_GROUP_VERSION
#define RD "RunnerDeployment"
#define HRA "HorizontalRunnerAutoscaler"
#define CRD_RD "runnerdeployments.actions.summerwind.dev"
#define CRD_HRA "horizontalrunnerautoscalers.actions.summerwind.dev"
#define MANAGER "kubectl-arc"
#define METRIC_QUEUED "TotalNumberOfQueuedAndInProgressWorkflowRuns"
#define METRIC_BUSY "PercentageRunnersBusy"
#define DEFAULT_ARC_NS "actions-runner-system"
#define DEFAULT_SECRET "controller-manager"
#define MAX_VALUES_FILE (4u << 20)

/* generated from templates/ by the Makefile (tools/bin2c) */
extern const unsigned char arc_runner_tpl_blob[];
extern const size_t arc_runner_tpl_blob_len;

/* ---- shared helpers ------------------------------------------------------------------ */

int arc_runner_templates(struct arc_tpl_set **out)
{
	struct arc_tpl_options opt;
	struct arc_tpl_set *set;
	const char *p = (const char *)arc_runner_tpl_blob, *end = p + arc_runner_tpl_blob_len;
	memset(&opt, 0, sizeof(opt));
	opt.max_output = 4u << 20;
	set = arc_tpl_set_new(&opt);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *nl2;
		char name[256], *e;
		unsigned long size;
		if (!nl || (size_t)(nl - p) >= sizeof(name))
			goto bad;
		memcpy(name, p, (size_t)(nl - p));
		name[nl - p] = '\0';
		nl2 = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
		if (!nl2)
			goto bad;
		errno = 0;
		size = strtoul(nl + 1, &e, 10);
		if (e != nl2 || errno || size > (unsigned long)(end - nl2 - 1))
			goto bad;
		if (arc_tpl_parse(set, name, nl2 + 1, size)) {
			arc_error_prefix("embedded template %s", name);
			arc_tpl_set_free(set);
			return ARC_E_PARSE;
		}
		p = nl2 + 1 + size;
	}
	*out = set;
	return 0;
bad:
	arc_tpl_set_free(set);
	return arc_error_code(ARC_E_PARSE, "the embedded runner templates are damaged");
}

long long arc_obj_int(arc_value *obj, const char *path, long long def)
{
	arc_value *v = obj ? arc_obj_at(obj, path) : NULL;
	if (!v)
		return def;
	if (v->kind == ARC_INT)
		return v->u.i;
	if (v->kind == ARC_FLOAT && isfinite(v->u.f))
		return (long long)v->u.f;
	if (v->kind == ARC_STRING)
		return strtoll(v->u.s.ptr, NULL, 10);
	return def;
}

void arc_rd_summarize(arc_value *rd, struct arc_rd_summary *s)
{
	arc_value *spec = arc_obj_at(rd, "spec.template.spec"), *v;
	static const char *const kinds[] = { "repository", "organization", "enterprise" };
	size_t i;
	memset(s, 0, sizeof(*s));
	if (!spec || spec->kind != ARC_MAP)
		return;
	for (i = 0; i < ARC_ARRAY_LEN(kinds); i++)
		if ((v = arc_v_map_get(spec, kinds[i])) && v->kind == ARC_STRING && v->u.s.len) {
			s->target_kind = kinds[i];
			s->target = v->u.s.ptr;
			break;
		}
	if ((v = arc_v_map_get(spec, "labels")) && v->kind == ARC_LIST)
		s->labels = v;
	if ((v = arc_v_map_get(spec, "group")) && v->kind == ARC_STRING && v->u.s.len)
		s->group = v->u.s.ptr;
	if ((v = arc_v_map_get(spec, "image")) && v->kind == ARC_STRING && v->u.s.len)
		s->image = v->u.s.ptr;
	s->dind = (v = arc_v_map_get(spec, "dockerdWithinRunnerContainer")) && v->kind == ARC_BOOL && v->u.b;
	if ((v = arc_obj_at(spec, "resources.limits")) && v->kind == ARC_MAP &&
	    (v = arc_v_map_get(v, "nvidia.com/gpu")))
		s->gpu = v->kind == ARC_STRING ? strtoll(v->u.s.ptr, NULL, 10)
			 : v->kind == ARC_INT ? v->u.i
			 : v->kind == ARC_FLOAT ? (long long)v->u.f : 0;
}

static int fail(void)
{
	fprintf(stderr, "Error: %s\n", arc_error_last());
	return 1;
}

static int usage_error(const char *sub)
{
	fprintf(stderr, "Error: %s\nSee '%s runners %s --help'.\n", arc_error_last(), arc_prog(), sub);
	return 2;
}

static void lower_ref(struct arc_buf *b, const char *kind, const char *name)
{
	const char *p;
	for (p = kind; *p; p++)
		arc_buf_putc(b, (char)tolower((unsigned char)*p));
	arc_buf_printf(b, ".actions.summerwind.dev/%s", name);
}

static int open_kube(struct arc_kube **k)
{
	struct arc_kube_flags kf;
	arc_kube_cli_flags(&kf);
	if (arc_kube_open(k, &kf))
		return -1;
	arc_kube_set_log(*k, arc_log_to_stderr, NULL);
	return 0;
}

/* the ARC CRDs must be there before anything is applied.  Asked through discovery, which
 * every authenticated user may read (reading the CRD objects needs cluster-wide rights that
 * a user of one namespace does not have). */
static int check_crds(struct arc_kube *k, int need_hra)
{
	static const char *const kinds[2] = { RD, HRA }, *const names[2] = { CRD_RD, CRD_HRA };
	int i;
	for (i = 0; i < (need_hra ? 2 : 1); i++) {
		struct arc_kube_res r;
		int rc = arc_kube_resolve(k, AV, kinds[i], &r);
		if (rc == ARC_E_NOTFOUND)
			return arc_error_code(ARC_E_NOTFOUND, "the ARC CRDs are not installed "
					"(CustomResourceDefinition %s not found): run kubectl arc install "
					"first", names[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* split "a,b" items of a repeatable flag into trimmed, non-empty-checked strings */
static int split_list(const struct arc_strlist *l, const char *flag, arc_value *out, int allow_empty_items)
{
	size_t i;
	for (i = 0; i < l->n; i++) {
		const char *p = l->v[i];
		for (;;) {
			const char *e = strchr(p, ','), *s = p, *t;
			if (!e)
				e = p + strlen(p);
			t = e;
			while (s < t && isspace((unsigned char)*s))
				s++;
			while (t > s && isspace((unsigned char)t[-1]))
				t--;
			if (s == t) {
				if (!allow_empty_items)
					return arc_error_code(ARC_E_USAGE, "%s \"%s\": empty item", flag,
							l->v[i]);
			} else {
				arc_v_list_push(out, arc_v_strn(s, (size_t)(t - s)));
			}
			if (!*e)
				break;
			p = e + 1;
		}
	}
	return 0;
}

/* ---- validation ------------------------------------------------------------------------- */

static int is_dns_label(const char *s, size_t max)
{
	size_t n = strlen(s), i;
	if (!n || n > max || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

static int valid_name(const char *name)
{
	if (!is_dns_label(name, 63))
		return arc_error_code(ARC_E_USAGE, "invalid runner name \"%s\": use at most 63 lower-case "
				"letters, digits and '-', starting and ending with a letter or digit", name);
	return 0;
}

static int gh_name_ok(const char *s, size_t n, int repo)
{
	size_t i;
	if (!n || n > (repo ? 100u : 39u))
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (isalnum((unsigned char)c) || c == '-' || (repo && (c == '_' || c == '.')))
			continue;
		return 0;
	}
	return repo ? !(n == 1 && s[0] == '.') && !(n == 2 && !memcmp(s, "..", 2)) : s[0] != '-';
}

static int valid_target(const char *repo, const char *org, const char *ent)
{
	int n = !!repo + !!org + !!ent;
	if (n != 1)
		return arc_error_code(ARC_E_USAGE, n ? "--repo, --org and --enterprise are exclusive: give "
				"exactly one"
				: "a target is required: --repo OWNER/NAME, --org ORG or --enterprise "
				"ENTERPRISE");
	if (repo) {
		const char *slash = strchr(repo, '/');
		if (!slash || strchr(slash + 1, '/') || !gh_name_ok(repo, (size_t)(slash - repo), 0) ||
		    !gh_name_ok(slash + 1, strlen(slash + 1), 1))
			return arc_error_code(ARC_E_USAGE, "invalid --repo \"%s\": want OWNER/NAME (for "
					"example octo-org/hello-world)", repo);
	}
	if (org && !gh_name_ok(org, strlen(org), 0))
		return arc_error_code(ARC_E_USAGE, "invalid --org \"%s\": an organization name is letters, "
				"digits and '-'%s", org,
				strchr(org, '/') ? " (for a repository use --repo)" : "");
	if (ent && !gh_name_ok(ent, strlen(ent), 0))
		return arc_error_code(ARC_E_USAGE, "invalid --enterprise \"%s\": an enterprise slug is "
				"letters, digits and '-'", ent);
	return 0;
}

static int valid_label(const char *l)
{
	const char *p;
	if (strlen(l) > 256)
		return arc_error_code(ARC_E_USAGE, "invalid runner label \"%.40s…\": longer than 256 "
				"characters", l);
	for (p = l; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '+' ||
				c >= 0x80)
			continue;
		return arc_error_code(ARC_E_USAGE, "invalid runner label \"%s\": labels are letters, "
				"digits, '-', '_', '.', '/', ':' and '+', separated by commas (no spaces)",
				l);
	}
	return 0;
}

/* A Kubernetes resource quantity ("500m", "2", "1.5Gi", "1e3"); its value in *out */
static int parse_quantity(const char *s, double *out)
{
	static const struct {
		const char *suf;
		double mul;
	} sufs[] = { { "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		     { "Pi", 1125899906842624.0 }, { "Ei", 1152921504606846976.0 }, { "n", 1e-9 },
		     { "u", 1e-6 },
		     { "m", 1e-3 }, { "k", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "T", 1e12 }, { "P", 1e15 },
		     { "E", 1e18 }, { "", 1.0 } };
	const char *p = s, *num;
	size_t digits = 0, i;
	char *end;
	double v;
	if (*p == '+')
		p++;
	num = p;
	while (isdigit((unsigned char)*p)) {
		p++;
		digits++;
	}
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits++;
		}
	}
	if (!digits || p - num > 40)
		return -1;
	v = strtod(num, &end);
	if (end != p)
		return -1;
	if ((*p == 'e' || *p == 'E') && p[1]) {
		const char *q = p + 1;
		long ex;
		if (*q == '+' || *q == '-')
			q++;
		if (!isdigit((unsigned char)*q))
			return -1;
		ex = strtol(p + 1, &end, 10);
		if (*end || ex > 300 || ex < -300)
			return -1;
		{
			/* 10^ex correctly rounded, as pow gives it, without libm */
			char p10[16];
			snprintf(p10, sizeof(p10), "1e%ld", ex);
			*out = v * strtod(p10, NULL);
		}
		return 0;
	}
	for (i = 0; i < ARC_ARRAY_LEN(sufs); i++)
		if (!strcmp(p, sufs[i].suf)) {
			*out = v * sufs[i].mul;
			return 0;
		}
	return -1;
}

static int valid_quantity(const char *flag, const char *q, double *v)
{
	if (parse_quantity(q, v))
		return arc_error_code(ARC_E_USAGE, "invalid %s \"%s\": not a resource quantity (examples: "
				"500m, 2, 512Mi, 4Gi)", flag, q);
	if (*v <= 0)
		return arc_error_code(ARC_E_USAGE, "invalid %s \"%s\": must be more than zero", flag, q);
	return 0;
}

/* [prefix/]name of a label key; value: empty or a name */
static int label_name_ok(const char *s, size_t n)
{
	size_t i;
	if (!n || n > 63 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return 0;
	return 1;
}

static int label_key_ok(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	size_t i;
	if (!slash)
		return label_name_ok(s, n);
	if (slash == s || (size_t)(slash - s) > 253)
		return 0;
	for (i = 0; i < (size_t)(slash - s); i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-' &&
				s[i] != '.')
			return 0;
	return label_name_ok(slash + 1, n - (size_t)(slash - s) - 1);
}

static int env_name_ok(const char *s, size_t n)
{
	size_t i;
	if (!n || isdigit((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* "0.75": a decimal in [lo, hi] */
static int valid_decimal(const char *flag, const char *s, double lo, double hi, int lo_open)
{
	char *e;
	double v;
	errno = 0;
	v = s && *s ? strtod(s, &e) : 0;
	if (!s || !*s || *e || errno || !isfinite(v) || v < lo || v > hi || (lo_open && v == lo) ||
	    strchr(s, 'x') || strchr(s, 'X') || isspace((unsigned char)*s))
		return arc_error_code(ARC_E_USAGE, "invalid %s \"%s\": want a number %s %g%s", flag,
				s ? s : "",
				lo_open ? "above" : "from", lo, hi < 1e9 ? (hi == 1 ? " to 1" : "") : "");
	return 0;
}

/* ---- create ------------------------------------------------------------------------------- */

static struct {
	const char *repo, *org, *enterprise, *group, *image, *cpu, *memory, *cpu_limit, *memory_limit, *sa;
	const char *work_dir, *mirror, *values, *runtime_class, *metric, *up_thr, *down_thr, *up_fac,
			*down_fac;
	const char *dry_run, *output;
	struct arc_strlist labels, env, node_selector, tolerations, repositories;
	long replicas, gpu, min, max, scale_down_delay_ms, trigger_ms;
	int ephemeral, dind, on_workflow_job;
} c;

static const struct arc_opt create_opts[] = {
	{ "repo", 0, ARC_OPT_STRING, &c.repo, "OWNER/NAME", "Runners for one repository", NULL, 0 },
	{ "org", 0, ARC_OPT_STRING, &c.org, "ORG", "Runners for an organization", NULL, 0 },
	{ "enterprise", 0, ARC_OPT_STRING, &c.enterprise, "ENT", "Runners for an enterprise", NULL, 0 },
	{ "labels", 0, ARC_OPT_LIST, &c.labels, "A,B", "Runner labels (self-hosted is implied by GitHub)",
			NULL, 0 },
	{ "group", 0, ARC_OPT_STRING, &c.group, "GROUP", "Runner group", NULL, 0 },
	{ "replicas", 0, ARC_OPT_INT, &c.replicas, "N", "Number of runners (without --max)", "1", 0 },
	{ "image", 0, ARC_OPT_STRING, &c.image, "IMAGE", "Runner image", "ARC's default", 0 },
	{ "ephemeral", 0, ARC_OPT_BOOL, &c.ephemeral, NULL, "One job per runner (--ephemeral=false: reuse "
			"runners)",
	  "ARC's default: true", 0 },
	{ "env", 'e', ARC_OPT_LIST, &c.env, "K=V", "Environment variable of the runner (repeatable)", NULL,
			0 },
	{ "cpu", 0, ARC_OPT_STRING, &c.cpu, "QTY", "CPU request of the runner container", NULL, 0 },
	{ "memory", 0, ARC_OPT_STRING, &c.memory, "QTY", "Memory request of the runner container", NULL, 0 },
	{ "cpu-limit", 0, ARC_OPT_STRING, &c.cpu_limit, "QTY", "CPU limit of the runner container", NULL, 0 },
	{ "memory-limit", 0, ARC_OPT_STRING, &c.memory_limit, "QTY", "Memory limit of the runner container",
			NULL,
	  0 },
	{ "node-selector", 0, ARC_OPT_LIST, &c.node_selector, "K=V", "Node selector (repeatable, or "
			"K=V,K2=V2)", NULL,
	  0 },
	{ "toleration", 0, ARC_OPT_LIST, &c.tolerations, "KEY[=VALUE]:EFFECT",
	  "Toleration (repeatable); EFFECT is NoSchedule, PreferNoSchedule or NoExecute", NULL, 0 },
	{ "service-account", 0, ARC_OPT_STRING, &c.sa, "NAME", "Service account of the runner pods", NULL,
			0 },
	{ "work-dir", 0, ARC_OPT_STRING, &c.work_dir, "DIR", "Work directory of the runner", NULL, 0 },
	{ "docker-registry-mirror", 0, ARC_OPT_STRING, &c.mirror, "URL", "Docker registry mirror for the "
			"runner's Docker", NULL, 0 },
	{ "values", 'f', ARC_OPT_STRING, &c.values, "FILE", "YAML file with any other RunnerPodSpec fields "
			"(volumes, affinity, sidecarContainers, …); flags win", NULL, 0 },
	{ "dind", 0, ARC_OPT_BOOL, &c.dind, NULL, "Docker-in-Docker preset: summerwind/actions-runner-dind "
			"with dockerd inside the (privileged) runner container", NULL, 0 },
	{ "gpu", 0, ARC_OPT_INT, &c.gpu, "N", "GPU preset: limits nvidia.com/gpu: N, scheduled on GPU nodes",
			NULL, 0 },
	{ "runtime-class", 0, ARC_OPT_STRING, &c.runtime_class, "NAME", "Runtime class of the runner pods "
			"(e.g. nvidia)", NULL, 0 },
	{ "min", 0, ARC_OPT_INT, &c.min, "N", "Autoscaler: minimum runners", "0", 0 },
	{ "max", 0, ARC_OPT_INT, &c.max, "N", "Autoscaler: maximum runners (creates a "
			"HorizontalRunnerAutoscaler)",
	  NULL, 0 },
	{ "metric", 0, ARC_OPT_STRING, &c.metric, "queued|busy|none", "Autoscaler metric: queued and "
			"in-progress workflow runs, or the share of busy runners", "queued", 0 },
	{ "repositories", 0, ARC_OPT_LIST, &c.repositories, "A,B", "Autoscaler (--org, --metric queued): "
			"the repositories whose workflow runs count", NULL, 0 },
	{ "scale-up-threshold", 0, ARC_OPT_STRING, &c.up_thr, "X", "--metric busy: scale up above this share",
	  "0.8", 0 },
	{ "scale-down-threshold", 0, ARC_OPT_STRING, &c.down_thr, "X", "--metric busy: scale down below "
			"this share",
	  "0.3", 0 },
	{ "scale-up-factor", 0, ARC_OPT_STRING, &c.up_fac, "X", "--metric busy: multiply runners by this",
			"1.3", 0 },
	{ "scale-down-factor", 0, ARC_OPT_STRING, &c.down_fac, "X", "--metric busy: multiply runners by this",
			"0.7",
	  0 },
	{ "scale-down-delay", 0, ARC_OPT_DURATION, &c.scale_down_delay_ms, "DURATION", "Autoscaler: wait "
			"this long after a scale-up before scaling down", "the controller's (10m)", 0 },
	{ "on-workflow-job", 0, ARC_OPT_BOOL, &c.on_workflow_job, NULL, "Autoscaler: scale up on "
			"workflow_job webhook events (ARC's GitHub webhook server)", NULL, 0 },
	{ "trigger-duration", 0, ARC_OPT_DURATION, &c.trigger_ms, "DURATION", "With --on-workflow-job: how "
			"long a scale-up lasts", "30m", 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &c.dry_run, "client|server", "client: print the objects only; "
			"server: let the API server validate them, store nothing", "client", 0 },
	{ "output", 'o', ARC_OPT_STRING, &c.output, "yaml|json|name", "Print the objects", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const create_tables[] = { create_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec create_spec = {
	"runners create", "NAME (--repo OWNER/NAME | --org ORG | --enterprise ENT) [flags]",
	"Create or update a RunnerDeployment (and its HorizontalRunnerAutoscaler with --max)",
	"Renders the runner spec templates and applies them with server-side apply: running the same "
		"command again changes nothing, running it with other flags updates the runners in place. "
		"Everything is checked before anything is applied. --dind and --gpu are presets; -f adds "
		"any other RunnerPodSpec field.",
	"kubectl arc runners create web --repo octo-org/web --labels linux,x64\n"
	"kubectl arc runners create ci --org octo-org --max 10 --repositories web,api\n"
	"kubectl arc runners create build --repo octo-org/web --dind --cpu 2 --memory 4Gi\n"
	"kubectl arc runners create ml --repo octo-org/ml --gpu 1 --dind --runtime-class nvidia\n"
	"kubectl arc runners create web --repo octo-org/web --dry-run=client -o yaml",
	create_tables,
};

static int parse_env(arc_value *out)
{
	size_t i, j;
	for (i = 0; i < c.env.n; i++) {
		const char *kv = c.env.v[i], *eq = strchr(kv, '=');
		arc_value *e;
		if (!eq || !env_name_ok(kv, (size_t)(eq - kv)))
			return arc_error_code(ARC_E_USAGE, "invalid --env \"%s\": want NAME=VALUE with NAME "
					"of letters, digits, '_', '-' and '.'", kv);
		for (j = 0; j < arc_v_list_len(out); j++) {
			arc_value *old = arc_v_map_get(arc_v_list_at(out, j), "name");
			if (old->u.s.len == (size_t)(eq - kv) && !memcmp(old->u.s.ptr, kv, old->u.s.len))
				break;
		}
		e = arc_v_map();
		arc_v_map_set(e, "name", arc_v_strn(kv, (size_t)(eq - kv)));
		arc_v_map_set(e, "value", arc_v_str(eq + 1));
		if (j < arc_v_list_len(out))
			arc_v_list_set(out, j, e); /* the last one wins */
		else
			arc_v_list_push(out, e);
	}
	return 0;
}

static int parse_node_selector(arc_value *out)
{
	arc_value *items = arc_v_list();
	size_t i;
	int rc = split_list(&c.node_selector, "--node-selector", items, 0);
	for (i = 0; !rc && i < arc_v_list_len(items); i++) {
		const char *kv = arc_v_list_at(items, i)->u.s.ptr, *eq = strchr(kv, '=');
		if (!eq || !label_key_ok(kv, (size_t)(eq - kv)) || (eq[1] && !label_name_ok(eq + 1,
				strlen(eq + 1))))
			rc = arc_error_code(ARC_E_USAGE, "invalid --node-selector \"%s\": want KEY=VALUE "
					"with a label key and value", kv);
		else
			arc_v_map_setn(out, kv, (size_t)(eq - kv), arc_v_str(eq + 1));
	}
	arc_v_unref(items);
	return rc;
}

static int parse_tolerations(arc_value *out)
{
	size_t i;
	for (i = 0; i < c.tolerations.n; i++) {
		const char *t = c.tolerations.v[i], *colon = strrchr(t, ':'), *eq;
		arc_value *m;
		if (!colon || (strcmp(colon + 1, "NoSchedule") && strcmp(colon + 1, "PreferNoSchedule") &&
			       strcmp(colon + 1, "NoExecute")))
			return arc_error_code(ARC_E_USAGE, "invalid --toleration \"%s\": want "
					"KEY[=VALUE]:EFFECT with EFFECT NoSchedule, PreferNoSchedule or "
					"NoExecute", t);
		eq = memchr(t, '=', (size_t)(colon - t));
		if (!label_key_ok(t, (size_t)((eq ? eq : colon) - t)) ||
		    (eq && eq + 1 < colon && !label_name_ok(eq + 1, (size_t)(colon - eq - 1))))
			return arc_error_code(ARC_E_USAGE, "invalid --toleration \"%s\": the key or value "
					"is not a valid label key or value", t);
		m = arc_v_map();
		arc_v_map_set(m, "key", arc_v_strn(t, (size_t)((eq ? eq : colon) - t)));
		arc_v_map_set(m, "operator", arc_v_str(eq ? "Equal" : "Exists"));
		if (eq)
			arc_v_map_set(m, "value", arc_v_strn(eq + 1, (size_t)(colon - eq - 1)));
		arc_v_map_set(m, "effect", arc_v_str(colon + 1));
		arc_v_list_push(out, m);
	}
	return 0;
}

static int load_values_file(arc_value **out)
{
	char *data = NULL;
	size_t len = 0;
	arc_value *v = NULL;
	static const char *const forbidden[] = { "repository", "organization", "enterprise" };
	size_t i;
	*out = arc_v_map();
	if (!c.values)
		return 0;
	if (!strcmp(c.values, "-")) {
		struct arc_buf b = ARC_BUF_INIT;
		char chunk[8192];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0 && b.len <= MAX_VALUES_FILE)
			arc_buf_add(&b, chunk, n);
		if (b.len > MAX_VALUES_FILE) {
			arc_buf_release(&b);
			return arc_error_code(ARC_E_RANGE, "-f -: standard input is larger than 4 MiB");
		}
		data = arc_buf_detach(&b, &len);
	} else if (arc_read_file(c.values, MAX_VALUES_FILE, &data, &len)) {
		return -1;
	}
	if (arc_yaml_load(&v, c.values, data, len, 0)) {
		free(data);
		return -1;
	}
	free(data);
	if (v->kind == ARC_NULL) {
		arc_v_unref(v);
		return 0;
	}
	if (v->kind != ARC_MAP) {
		arc_v_unref(v);
		return arc_error_code(ARC_E_USAGE, "%s: want a map of RunnerPodSpec fields (volumes, "
				"affinity, …)",
				      c.values);
	}
	for (i = 0; i < ARC_ARRAY_LEN(forbidden); i++)
		if (arc_v_map_get(v, forbidden[i])) {
			arc_v_unref(v);
			return arc_error_code(ARC_E_USAGE, "%s: sets %s: give the target with --repo, --org "
					"or --enterprise instead", c.values, forbidden[i]);
		}
	arc_v_unref(*out);
	*out = v;
	return 0;
}

/* All flag checks; builds .Runner and .HRA of the template data */
static int build_create_data(const char *name, arc_value **runner, arc_value **hra)
{
	arc_value *r = arc_v_map(), *labels = arc_v_list(), *env = arc_v_list(), *ns = arc_v_map(),
		  *tol = arc_v_list(), *res = arc_v_map(), *req = arc_v_map(), *lim = arc_v_map(), *h = NULL;
	double cpu = 0, cpul = 0, mem = 0, meml = 0;
	size_t i;
	int rc;
	*runner = *hra = NULL;
	if ((rc = valid_name(name)) || (rc = valid_target(c.repo, c.org, c.enterprise)))
		goto out;
	if ((rc = split_list(&c.labels, "--labels", labels, 0)))
		goto out;
	for (i = 0; i < arc_v_list_len(labels); i++)
		if ((rc = valid_label(arc_v_list_at(labels, i)->u.s.ptr)))
			goto out;
	if (c.replicas != -1 && c.replicas < 0) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --replicas %ld: must be 0 or more", c.replicas);
		goto out;
	}
	if (c.gpu != -1 && c.gpu <= 0) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --gpu %ld: the GPU count must be more than 0",
				c.gpu);
		goto out;
	}
	if (c.gpu > 64) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --gpu %ld: more GPUs than any node has", c.gpu);
		goto out;
	}
	if ((c.cpu && (rc = valid_quantity("--cpu", c.cpu, &cpu))) ||
	    (c.cpu_limit && (rc = valid_quantity("--cpu-limit", c.cpu_limit, &cpul))) ||
	    (c.memory && (rc = valid_quantity("--memory", c.memory, &mem))) ||
	    (c.memory_limit && (rc = valid_quantity("--memory-limit", c.memory_limit, &meml))))
		goto out;
	if (c.cpu && c.cpu_limit && cpu > cpul) {
		rc = arc_error_code(ARC_E_USAGE, "--cpu %s is more than --cpu-limit %s", c.cpu, c.cpu_limit);
		goto out;
	}
	if (c.memory && c.memory_limit && mem > meml) {
		rc = arc_error_code(ARC_E_USAGE, "--memory %s is more than --memory-limit %s", c.memory,
				c.memory_limit);
		goto out;
	}
	if ((rc = parse_env(env)) || (rc = parse_node_selector(ns)) || (rc = parse_tolerations(tol)))
		goto out;
	if (c.work_dir && c.work_dir[0] != '/') {
		rc = arc_error_code(ARC_E_USAGE, "invalid --work-dir \"%s\": want an absolute path",
				c.work_dir);
		goto out;
	}
	if (c.sa && !is_dns_label(c.sa, 253)) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --service-account \"%s\": not a valid name", c.sa);
		goto out;
	}
	if (c.runtime_class && !is_dns_label(c.runtime_class, 253)) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --runtime-class \"%s\": not a valid name",
				c.runtime_class);
		goto out;
	}
	if (c.image && (!*c.image || strpbrk(c.image, " \t\n"))) {
		rc = arc_error_code(ARC_E_USAGE, "invalid --image \"%s\"", c.image);
		goto out;
	}

	/* autoscaler */
	if (c.max == -1) {
		const char *hra_flag = c.min != -1			? "--min"
				       : c.metric			? "--metric"
				       : c.repositories.n		? "--repositories"
				       : c.up_thr			? "--scale-up-threshold"
				       : c.down_thr			? "--scale-down-threshold"
				       : c.up_fac			? "--scale-up-factor"
				       : c.down_fac			? "--scale-down-factor"
				       : c.scale_down_delay_ms != -1	? "--scale-down-delay"
				       : c.on_workflow_job		? "--on-workflow-job"
				       : c.trigger_ms != -1		? "--trigger-duration"
								: NULL;
		if (hra_flag) {
			rc = arc_error_code(ARC_E_USAGE, "%s needs --max (it configures the autoscaler)",
					hra_flag);
			goto out;
		}
	} else {
		const char *metric;
		long min = c.min == -1 ? 0 : c.min;
		arc_value *repos = arc_v_list();
		if (c.max < 1 || min < 0) {
			arc_v_unref(repos);
			rc = arc_error_code(ARC_E_USAGE, c.max < 1 ? "invalid --max %ld: must be 1 or more"
								 : "invalid --min %ld: must be 0 or more",
					    c.max < 1 ? c.max : min);
			goto out;
		}
		if (min > c.max) {
			arc_v_unref(repos);
			rc = arc_error_code(ARC_E_USAGE, "--min %ld is more than --max %ld", min, c.max);
			goto out;
		}
		if (c.replicas != -1) {
			arc_v_unref(repos);
			rc = arc_error_code(ARC_E_USAGE, "--replicas and --max are exclusive: the "
					"autoscaler sets the number of runners (use --min)");
			goto out;
		}
		metric = c.metric ? c.metric : c.on_workflow_job ? "none" : "queued";
		h = arc_v_map();
		arc_v_map_set(h, "Min", arc_v_int(min));
		arc_v_map_set(h, "Max", arc_v_int(c.max));
		if (!strcmp(metric, "queued")) {
			if ((rc = split_list(&c.repositories, "--repositories", repos, 0))) {
				arc_v_unref(repos);
				goto out;
			}
			if (c.enterprise) {
				arc_v_unref(repos);
				rc = arc_error_code(ARC_E_USAGE, "--metric queued does not work for "
						"enterprise runners (ARC counts workflow runs per "
						"repository): use --metric busy");
				goto out;
			}
			if (c.repo && !arc_v_list_len(repos))
				arc_v_list_push(repos, arc_v_str(strchr(c.repo, '/') + 1));
			if (c.org && !arc_v_list_len(repos)) {
				arc_v_unref(repos);
				rc = arc_error_code(ARC_E_USAGE, "--metric queued with --org needs "
						"--repositories A,B (the repositories whose workflow runs "
						"count)");
				goto out;
			}
			for (i = 0; i < arc_v_list_len(repos); i++) {
				const char *rn = arc_v_list_at(repos, i)->u.s.ptr, *sl = strchr(rn, '/');
				if (!gh_name_ok(sl ? sl + 1 : rn, strlen(sl ? sl + 1 : rn), 1)) {
					rc = arc_error_code(ARC_E_USAGE, "invalid --repositories item "
							"\"%s\": want a repository name", rn);
					arc_v_unref(repos);
					goto out;
				}
			}
			arc_v_map_set(h, "Metric", arc_v_str(METRIC_QUEUED));
		} else if (!strcmp(metric, "busy")) {
			if (c.repositories.n) {
				arc_v_unref(repos);
				rc = arc_error_code(ARC_E_USAGE, "--repositories is for --metric queued");
				goto out;
			}
			if ((rc = valid_decimal("--scale-up-threshold", c.up_thr ? c.up_thr : "0.8", 0, 1,
					0)) ||
					(rc = valid_decimal("--scale-down-threshold",
					c.down_thr ? c.down_thr : "0.3", 0, 1, 0)) ||
					(rc = valid_decimal("--scale-up-factor", c.up_fac ? c.up_fac : "1.3",
					0, 1e12, 1)) ||
					(rc = valid_decimal("--scale-down-factor",
					c.down_fac ? c.down_fac : "0.7", 0, 1, 1))) {
				arc_v_unref(repos);
				goto out;
			}
			if (strtod(c.down_thr ? c.down_thr : "0.3",
					NULL) >= strtod(c.up_thr ? c.up_thr : "0.8", NULL)) {
				arc_v_unref(repos);
				rc = arc_error_code(ARC_E_USAGE, "--scale-down-threshold must be below "
						"--scale-up-threshold");
				goto out;
			}
			arc_v_map_set(h, "Metric", arc_v_str(METRIC_BUSY));
			arc_v_map_set(h, "ScaleUpThreshold", arc_v_str(c.up_thr ? c.up_thr : "0.8"));
			arc_v_map_set(h, "ScaleDownThreshold", arc_v_str(c.down_thr ? c.down_thr : "0.3"));
			arc_v_map_set(h, "ScaleUpFactor", arc_v_str(c.up_fac ? c.up_fac : "1.3"));
			arc_v_map_set(h, "ScaleDownFactor", arc_v_str(c.down_fac ? c.down_fac : "0.7"));
		} else if (!strcmp(metric, "none")) {
			if (!c.on_workflow_job) {
				arc_v_unref(repos);
				rc = arc_error_code(ARC_E_USAGE, "--metric none needs --on-workflow-job "
						"(else nothing would scale the runners)");
				goto out;
			}
			arc_v_map_set(h, "Metric", arc_v_str(""));
		} else {
			arc_v_unref(repos);
			rc = arc_error_code(ARC_E_USAGE, "invalid --metric \"%s\": use queued, busy or none",
					metric);
			goto out;
		}
		if (strcmp(metric, "busy") && (c.up_thr || c.down_thr || c.up_fac || c.down_fac)) {
			arc_v_unref(repos);
			rc = arc_error_code(ARC_E_USAGE, "the scale thresholds and factors are for --metric "
					"busy");
			goto out;
		}
		arc_v_map_set(h, "RepositoryNames", repos);
		if (c.scale_down_delay_ms != -1)
			arc_v_map_set(h, "ScaleDownDelay", arc_v_int(c.scale_down_delay_ms / 1000));
		arc_v_map_set(h, "OnWorkflowJob", arc_v_bool(c.on_workflow_job));
		if (c.trigger_ms != -1 && !c.on_workflow_job) {
			rc = arc_error_code(ARC_E_USAGE, "--trigger-duration needs --on-workflow-job");
			goto out;
		}
		if (c.trigger_ms != -1 && c.trigger_ms < 1000) {
			rc = arc_error_code(ARC_E_USAGE, "invalid --trigger-duration: must be at least 1s");
			goto out;
		}
		{
			long ms = c.trigger_ms == -1 ? 30 * 60 * 1000L : c.trigger_ms;
			char d[48];
			long s = ms / 1000;
			if (s % 3600 == 0)
				snprintf(d, sizeof(d), "%ldh", s / 3600);
			else if (s % 60 == 0)
				snprintf(d, sizeof(d), "%ldm", s / 60);
			else
				snprintf(d, sizeof(d), "%lds", s);
			arc_v_map_set(h, "TriggerDuration", arc_v_str(d));
		}
	}

	arc_v_map_set(r, "Labels", arc_v_ref(labels));
	arc_v_map_set(r, "Group", arc_v_str(c.group ? c.group : ""));
	if (c.replicas != -1)
		arc_v_map_set(r, "Replicas", arc_v_int(c.replicas));
	arc_v_map_set(r, "Image", arc_v_str(c.image ? c.image : ""));
	if (c.ephemeral != -1)
		arc_v_map_set(r, "Ephemeral", arc_v_bool(c.ephemeral));
	arc_v_map_set(r, "Env", arc_v_ref(env));
	if (c.cpu)
		arc_v_map_set(req, "cpu", arc_v_str(c.cpu));
	if (c.memory)
		arc_v_map_set(req, "memory", arc_v_str(c.memory));
	if (c.cpu_limit)
		arc_v_map_set(lim, "cpu", arc_v_str(c.cpu_limit));
	if (c.memory_limit)
		arc_v_map_set(lim, "memory", arc_v_str(c.memory_limit));
	if (arc_v_map_len(req))
		arc_v_map_set(res, "requests", arc_v_ref(req));
	if (arc_v_map_len(lim))
		arc_v_map_set(res, "limits", arc_v_ref(lim));
	arc_v_map_set(r, "Resources", arc_v_ref(res));
	arc_v_map_set(r, "NodeSelector", arc_v_ref(ns));
	arc_v_map_set(r, "Tolerations", arc_v_ref(tol));
	arc_v_map_set(r, "ServiceAccount", arc_v_str(c.sa ? c.sa : ""));
	arc_v_map_set(r, "WorkDir", arc_v_str(c.work_dir ? c.work_dir : ""));
	arc_v_map_set(r, "DockerRegistryMirror", arc_v_str(c.mirror ? c.mirror : ""));
	arc_v_map_set(r, "DinD", arc_v_bool(c.dind));
	arc_v_map_set(r, "GPU", arc_v_int(c.gpu == -1 ? 0 : c.gpu));
	arc_v_map_set(r, "RuntimeClass", arc_v_str(c.runtime_class ? c.runtime_class : ""));
	*runner = arc_v_ref(r);
	*hra = h ? arc_v_ref(h) : NULL;
	rc = 0;
out:
	arc_v_unref(h);
	arc_v_unref(r);
	arc_v_unref(labels);
	arc_v_unref(env);
	arc_v_unref(ns);
	arc_v_unref(tol);
	arc_v_unref(res);
	arc_v_unref(req);
	arc_v_unref(lim);
	return rc;
}

static int render_one(struct arc_tpl_set *set, const char *tpl, arc_value *data, arc_value *objs)
{
	struct arc_buf out = ARC_BUF_INIT;
	arc_value *obj = NULL;
	int rc = arc_tpl_execute(set, tpl, data, &out);
	if (!rc && (rc = arc_yaml_load(&obj, tpl, arc_buf_cstr(&out), out.len, 0)) == 0) {
		if (obj->kind != ARC_MAP)
			rc = arc_error_code(ARC_E_PARSE, "%s rendered no object", tpl);
		else
			arc_v_list_push(objs, arc_v_ref(obj));
	}
	arc_v_unref(obj);
	arc_buf_release(&out);
	return rc;
}

static void print_objects(arc_value *objs, const char *format)
{
	size_t i;
	if (!strcmp(format, "name")) {
		for (i = 0; i < arc_v_list_len(objs); i++) {
			struct arc_buf ref = ARC_BUF_INIT;
			arc_value *o = arc_v_list_at(objs, i);
			lower_ref(&ref, arc_obj_str(o, "kind"), arc_obj_str(o, "metadata.name"));
			printf("%s\n", arc_buf_cstr(&ref));
			arc_buf_release(&ref);
		}
	} else if (arc_v_list_len(objs) == 1) {
		arc_print_object(arc_v_list_at(objs, 0), format);
	} else {
		arc_value *lst = arc_v_map();
		arc_value *md = arc_v_map();
		arc_v_map_set(md, "resourceVersion", arc_v_str(""));
		arc_v_map_set(lst, "apiVersion", arc_v_str("v1"));
		arc_v_map_set(lst, "items", arc_v_ref(objs));
		arc_v_map_set(lst, "kind", arc_v_str("List"));
		arc_v_map_set(lst, "metadata", md);
		arc_print_object(lst, format);
		arc_v_unref(lst);
	}
}

/* kubectl hides managedFields unless --show-managed-fields */
static void strip_managed(arc_value *obj)
{
	arc_value *md = obj->kind == ARC_MAP ? arc_v_map_get(obj, "metadata") : NULL;
	if (md && md->kind == ARC_MAP)
		arc_v_map_del(md, "managedFields");
}

static int same_at(arc_value *a, arc_value *b, const char *path)
{
	arc_value *x = arc_obj_at(a, path), *y = arc_obj_at(b, path);
	if (!x || !y)
		return !x && !y;
	return arc_v_equal(x, y);
}

/* the same desired state: spec, labels and annotations */
static int same_object(arc_value *a, arc_value *b)
{
	return same_at(a, b, "spec") && same_at(a, b, "metadata.labels") && same_at(a, b,
			"metadata.annotations");
}

/* apply one object; prints kubectl's "<ref> created|configured|unchanged" unless -o */
static int apply_object(struct arc_kube *k, arc_value *obj, int server_dry, arc_value *results)
{
	struct arc_kube_apply_opts ao = { MANAGER, 1, server_dry, NULL };
	const char *kind = arc_obj_str(obj, "kind"), *name = arc_obj_str(obj, "metadata.name"),
		   *ns = arc_obj_str(obj, "metadata.namespace");
	arc_value *before = NULL, *after = NULL;
	char *rv_before = NULL;
	const char *verb;
	int rc = arc_kube_get(k, AV, kind, ns, name, &before);
	if (rc && rc != ARC_E_NOTFOUND)
		return rc;
	arc_error_clear();
	if (before && arc_obj_str(before, "metadata.resourceVersion"))
		rv_before = xstrdup(arc_obj_str(before, "metadata.resourceVersion"));
	if (before && !server_dry) {
		/* ARC's mutating webhook re-adds null fields that apply drops, so even an identical
		 * apply bumps the generation: ask for a dry run first and write only when the
		 * spec, labels or annotations would change */
		struct arc_kube_apply_opts dry = ao;
		arc_value *probe = NULL;
		dry.dry_run = 1;
		rc = arc_kube_apply(k, obj, &dry, &probe); /* its errors name the object */
		if (rc)
			goto out;
		if (same_object(before, probe)) {
			after = probe;
			verb = "unchanged";
			goto report;
		}
		arc_v_unref(probe);
	}
	rc = arc_kube_apply(k, obj, &ao, &after);
	if (rc)
		goto out;
	if (!before)
		verb = "created";
	else if (rv_before && arc_obj_str(after, "metadata.resourceVersion") &&
		 !strcmp(rv_before, arc_obj_str(after, "metadata.resourceVersion")))
		verb = "unchanged";
	else
		verb = "configured";
report:
	if (results) {
		strip_managed(after);
		arc_v_list_push(results, arc_v_ref(after));
	} else {
		struct arc_buf ref = ARC_BUF_INIT;
		lower_ref(&ref, kind, name);
		printf("%s %s%s\n", arc_buf_cstr(&ref), verb, server_dry ? " (server dry run)" : "");
		arc_buf_release(&ref);
		fflush(stdout);
	}
out:
	free(rv_before);
	arc_v_unref(before);
	arc_v_unref(after);
	return rc;
}

static int is_ours(arc_value *obj)
{
	arc_value *labels = arc_obj_at(obj, "metadata.labels"), *v;
	return labels && labels->kind == ARC_MAP &&
	       (v = arc_v_map_get(labels, "app.kubernetes.io/managed-by")) && v->kind == ARC_STRING &&
	       !strcmp(v->u.s.ptr, MANAGER);
}

static int runners_create(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	struct arc_kube_config *cfg = NULL;
	struct arc_tpl_set *set = NULL;
	arc_value *runner = NULL, *hra = NULL, *podspec = NULL, *data = NULL, *target = NULL,
			*objs = arc_v_list(),
		  *results = NULL;
	const char *ns;
	int rc, status = 1, client_dry, server_dry;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.replicas = c.gpu = c.min = c.max = -1;
	c.scale_down_delay_ms = c.trigger_ms = -1;
	c.ephemeral = -1;
	rc = arc_opts_parse(&create_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc) {
		status = usage_error("create");
		goto out;
	}
	if (pos.n != 1) {
		arc_error_code(ARC_E_USAGE, pos.n ? "create takes one NAME, got %zu arguments"
				: "a NAME is required (kubectl arc runners create NAME --repo OWNER/NAME)",
			       pos.n);
		status = usage_error("create");
		goto out;
	}
	if (c.output && strcmp(c.output, "yaml") && strcmp(c.output, "json") && strcmp(c.output, "name")) {
		arc_error_code(ARC_E_USAGE, "unknown output format \"%s\": use yaml, json or name", c.output);
		status = usage_error("create");
		goto out;
	}
	if (c.dry_run && !strcmp(c.dry_run, "none"))
		c.dry_run = NULL;
	if (c.dry_run && strcmp(c.dry_run, "client") && strcmp(c.dry_run, "server")) {
		arc_error_code(ARC_E_USAGE, "invalid --dry-run \"%s\": use client, server or none",
				c.dry_run);
		status = usage_error("create");
		goto out;
	}
	client_dry = c.dry_run && !strcmp(c.dry_run, "client");
	server_dry = c.dry_run && !strcmp(c.dry_run, "server");

	/* everything the flags say is checked before the cluster is contacted */
	if (build_create_data(pos.v[0], &runner, &hra) || load_values_file(&podspec)) {
		status = fail();
		goto out;
	}
	if (c.gpu > 0 && c.dind && !c.image && !arc_v_map_get(podspec, "image"))
		fprintf(stderr, "Warning: summerwind/actions-runner-dind has no NVIDIA container toolkit: "
				"the runner sees its GPUs, but `docker run --gpus` inside it needs an image "
				"with the toolkit (--image)\n");
	if (client_dry) {
		struct arc_kube_flags kf;
		arc_kube_cli_flags(&kf);
		if (arc_kube_config_load(&cfg, &kf) == 0)
			ns = cfg->namespace;
		else
			ns = arc_kube_cli.namespace &&
					*arc_kube_cli.namespace ? arc_kube_cli.namespace : "default";
		arc_error_clear();
	} else {
		if (open_kube(&k)) {
			status = fail();
			goto out;
		}
		ns = arc_kube_cfg(k)->namespace;
	}
	data = arc_v_map();
	arc_v_map_set(data, "Name", arc_v_str(pos.v[0]));
	arc_v_map_set(data, "Namespace", arc_v_str(ns));
	target = arc_v_map();
	arc_v_map_set(target, "Kind",
			arc_v_str(c.repo ? "repository" : c.org ? "organization" : "enterprise"));
	arc_v_map_set(target, "Value", arc_v_str(c.repo ? c.repo : c.org ? c.org : c.enterprise));
	arc_v_map_set(data, "Target", arc_v_ref(target));
	arc_v_map_set(data, "Runner", arc_v_ref(runner));
	arc_v_map_set(data, "PodSpec", arc_v_ref(podspec));
	if (hra)
		arc_v_map_set(data, "HRA", arc_v_ref(hra));
	if (arc_runner_templates(&set) || render_one(set, "runnerdeployment.yaml", data, objs) ||
	    (hra && render_one(set, "horizontalrunnerautoscaler.yaml", data, objs))) {
		status = fail();
		goto out;
	}
	if (client_dry) {
		if (c.output) {
			print_objects(objs, c.output);
		} else {
			for (i = 0; i < arc_v_list_len(objs); i++) {
				struct arc_buf ref = ARC_BUF_INIT;
				arc_value *o = arc_v_list_at(objs, i);
				lower_ref(&ref, arc_obj_str(o, "kind"), arc_obj_str(o, "metadata.name"));
				printf("%s created (dry run)\n", arc_buf_cstr(&ref));
				arc_buf_release(&ref);
			}
		}
		status = 0;
		goto out;
	}
	if (check_crds(k, hra != NULL)) {
		status = fail();
		goto out;
	}
	results = c.output ? arc_v_list() : NULL;
	for (i = 0; i < arc_v_list_len(objs); i++)
		if (apply_object(k, arc_v_list_at(objs, i), server_dry, results)) {
			status = fail();
			goto out;
		}
	if (!hra && !server_dry) {
		/* an autoscaler this command made earlier goes when --max is no longer given */
		arc_value *old = NULL;
		rc = arc_kube_get(k, AV, HRA, ns, pos.v[0], &old);
		if (rc == 0 && is_ours(old)) {
			const char *tgt = arc_obj_str(old, "spec.scaleTargetRef.name");
			if (tgt && !strcmp(tgt, pos.v[0])) {
				int existed = 0;
				if (arc_kube_delete(k, AV, HRA, ns, pos.v[0], NULL, &existed)) {
					arc_v_unref(old);
					status = fail();
					goto out;
				}
				if (existed && !c.output)
					printf("horizontalrunnerautoscaler.actions.summerwind.dev/%s "
							"deleted (no --max)\n",
					       pos.v[0]);
			}
		} else if (rc == 0) {
			fprintf(stderr, "Warning: HorizontalRunnerAutoscaler %s/%s (not made by kubectl "
					"arc) still scales this RunnerDeployment\n", ns, pos.v[0]);
		}
		arc_error_clear();
		arc_v_unref(old);
	}
	if (results)
		print_objects(results, c.output);
	status = 0;
out:
	arc_tpl_set_free(set);
	arc_v_unref(results);
	arc_v_unref(objs);
	arc_v_unref(target);
	arc_v_unref(data);
	arc_v_unref(runner);
	arc_v_unref(hra);
	arc_v_unref(podspec);
	arc_kube_close(k);
	arc_kube_config_free(cfg);
	arc_strlist_release(&pos);
	arc_strlist_release(&c.labels);
	arc_strlist_release(&c.env);
	arc_strlist_release(&c.node_selector);
	arc_strlist_release(&c.tolerations);
	arc_strlist_release(&c.repositories);
	return status;
}

/* ---- list ---------------------------------------------------------------------------------- */

static struct {
	const char *output, *selector;
	int all_ns, no_headers, no_color, watch;
	long chunk, watch_timeout_ms;
} l;

static const struct arc_opt list_opts[] = {
	{ "all-namespaces", 'A', ARC_OPT_BOOL, &l.all_ns, NULL, "List runners of every namespace", NULL, 0 },
	{ "selector", 'l', ARC_OPT_STRING, &l.selector, "SELECTOR", "Label selector of the RunnerDeployments",
			NULL,
	  0 },
	{ "output", 'o', ARC_OPT_STRING, &l.output, "wide|json|yaml|name", "Output format", NULL, 0 },
	{ "no-headers", 0, ARC_OPT_BOOL, &l.no_headers, NULL, "Do not print the header line", NULL, 0 },
	{ "no-color", 0, ARC_OPT_BOOL, &l.no_color, NULL, "No colours (else only on a terminal, and never "
			"with NO_COLOR set)", NULL, 0 },
	{ "watch", 'w', ARC_OPT_BOOL, &l.watch, NULL, "After listing, print each change", NULL, 0 },
	{ "watch-timeout", 0, ARC_OPT_DURATION, &l.watch_timeout_ms, "DURATION", "Stop watching after this "
			"long",
	  "no limit", 0 },
	{ "chunk-size", 0, ARC_OPT_INT, &l.chunk, "N", "Objects per page when listing", "500", 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const list_tables[] = { list_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec list_spec = {
	"runners list", "[-n NS | -A] [-l SELECTOR] [-o wide|json|yaml|name] [--watch] [flags]",
	"List RunnerDeployments with their autoscalers",
	"One row per RunnerDeployment: its target (repository, organization or enterprise), labels, "
		"desired, current and ready runners, and the min and max of its HorizontalRunnerAutoscaler. "
		"-o wide adds the image, DinD, GPUs and the autoscaling metric. Lists page by page, so "
		"memory stays small however many runners there are.",
		"kubectl arc runners list\n"
		"kubectl arc runners list -A -o wide\n"
		"kubectl arc runners list -l team=web -o name\n"
		"kubectl arc runners list --watch",
	list_tables,
};

/* HRAs by "ns/target": "min\tmax\tmetric" */
static int collect_hra(void *ud, arc_value *hra)
{
	arc_value *map = ud, *metrics = arc_obj_at(hra, "spec.metrics");
	arc_value *trig = arc_obj_at(hra, "spec.scaleUpTriggers");
	const char *kind = arc_obj_str(hra, "spec.scaleTargetRef.kind");
	const char *tgt = arc_obj_str(hra, "spec.scaleTargetRef.name");
	const char *metric = "-", *t = NULL;
	char key[512];
	if (!tgt || (kind && *kind && strcmp(kind, RD)))
		return 0;
	if (metrics && metrics->kind == ARC_LIST && arc_v_list_len(metrics))
		t = arc_obj_str(arc_v_list_at(metrics, 0), "type");
	if (t && !strcmp(t, METRIC_QUEUED))
		metric = "queued";
	else if (t && !strcmp(t, METRIC_BUSY))
		metric = "busy";
	else if (t)
		metric = t;
	else if (trig && trig->kind == ARC_LIST && arc_v_list_len(trig))
		metric = "workflow_job";
	{
		const char *hns = arc_obj_str(hra, "metadata.namespace");
		snprintf(key, sizeof(key), "%s/%s", hns ? hns : "", tgt);
	}
	{
		char val[128];
		long long mn = arc_obj_int(hra, "spec.minReplicas", -1);
		long long mx = arc_obj_int(hra, "spec.maxReplicas", -1);
		char a[24] = "-", b[24] = "-";
		if (mn >= 0)
			snprintf(a, sizeof(a), "%lld", mn);
		if (mx >= 0)
			snprintf(b, sizeof(b), "%lld", mx);
		snprintf(val, sizeof(val), "%s\t%s\t%s", a, b, metric);
		arc_v_map_set(map, key, arc_v_str(val));
	}
	return 0;
}

struct list_state {
	struct arc_table *table;
	arc_value *hras;
	/* --watch of the table: the RunnerDeployments seen so far ("ns/name" -> object), so that an
	 * autoscaler's change can print its RunnerDeployment's row again; mu orders the two watches */
	arc_value *rds;
	pthread_mutex_t mu;
	const char *format; /* NULL table, "wide", "json", "yaml", "name" */
	size_t n;
	long long now;
	int streamed; /* json/yaml: items printed so far */
	unsigned tflags;
};

#define LIST_COLS 14

static void row_cells(struct list_state *s, arc_value *rd, char cells[LIST_COLS][256])
{
	struct arc_rd_summary sum;
	const char *ns = arc_obj_str(rd, "metadata.namespace"), *name = arc_obj_str(rd, "metadata.name");
	arc_value *hv;
	char key[512];
	size_t i;
	struct arc_buf lb = ARC_BUF_INIT;
	arc_rd_summarize(rd, &sum);
	snprintf(cells[0], 256, "%s", ns ? ns : "");
	snprintf(cells[1], 256, "%s", name ? name : "");
	if (!sum.target_kind)
		snprintf(cells[2], 256, "<none>");
	else if (!strcmp(sum.target_kind, "repository"))
		snprintf(cells[2], 256, "%s", sum.target);
	else if (!strcmp(sum.target_kind, "organization"))
		snprintf(cells[2], 256, "org:%s", sum.target);
	else
		snprintf(cells[2], 256, "enterprise:%s", sum.target);
	for (i = 0; sum.labels && i < arc_v_list_len(sum.labels); i++) {
		arc_value *lv = arc_v_list_at(sum.labels, i);
		if (lv->kind != ARC_STRING)
			continue;
		if (lb.len)
			arc_buf_putc(&lb, ',');
		arc_buf_add(&lb, lv->u.s.ptr, lv->u.s.len);
	}
	snprintf(cells[3], 256, "%s", lb.len ? arc_buf_cstr(&lb) : "<none>");
	arc_buf_release(&lb);
	snprintf(cells[4], 256, "%lld", arc_obj_int(rd, "spec.replicas", 1));
	snprintf(cells[5], 256, "%lld", arc_obj_int(rd, "status.replicas", 0));
	snprintf(cells[6], 256, "%lld", arc_obj_int(rd, "status.readyReplicas", 0));
	snprintf(key, sizeof(key), "%s/%s", ns ? ns : "", name ? name : "");
	hv = s->hras ? arc_v_map_get(s->hras, key) : NULL;
	if (hv) {
		const char *t1 = strchr(hv->u.s.ptr, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		snprintf(cells[7], 256, "%.*s", (int)(t1 - hv->u.s.ptr), hv->u.s.ptr);
		snprintf(cells[8], 256, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
		snprintf(cells[13], 256, "%s", t2 + 1);
	} else {
		snprintf(cells[7], 256, "-");
		snprintf(cells[8], 256, "-");
		snprintf(cells[13], 256, "-");
	}
	arc_age(cells[9], 256, arc_obj_str(rd, "metadata.creationTimestamp"), s->now);
	snprintf(cells[10], 256, "%s", sum.image ? sum.image : "<default>");
	snprintf(cells[11], 256, "%s", sum.dind ? "yes" : "no");
	if (sum.gpu > 0)
		snprintf(cells[12], 256, "%lld", sum.gpu);
	else
		snprintf(cells[12], 256, "-");
}

static const char *list_color(void *ctx, size_t col, const char *const *row)
{
	struct list_state *s = ctx;
	size_t off = l.all_ns ? 0 : 1; /* without -A the NAMESPACE column is left out */
	(void)s;
	if (col + off == 6) { /* READY against DESIRED */
		long ready = strtol(row[6 - off], NULL, 10), desired = strtol(row[4 - off], NULL, 10);
		return ready >= desired ? "32" : ready ? "33" : "31";
	}
	return NULL;
}

static void table_row(struct list_state *s, arc_value *rd, int later)
{
	char cells[LIST_COLS][256];
	const char *row[LIST_COLS];
	size_t n = 0, i;
	int wide = s->format && !strcmp(s->format, "wide");
	row_cells(s, rd, cells);
	for (i = l.all_ns ? 0 : 1; i < 10; i++)
		row[n++] = cells[i];
	if (wide)
		for (i = 10; i < 14; i++)
			row[n++] = cells[i];
	if (later)
		arc_table_print_row(s->table, stdout, row, s->tflags);
	else
		arc_table_add(s->table, row);
}

/* an item of a JSON or YAML List, printed as it comes (kubectl's layout) */
static void stream_item(struct list_state *s, arc_value *item)
{
	struct arc_buf b = ARC_BUF_INIT;
	const char *p, *e;
	strip_managed(item);
	if (item->kind == ARC_MAP) {
		if (!arc_v_map_get(item, "apiVersion"))
			arc_v_map_set(item, "apiVersion", arc_v_str(AV));
		if (!arc_v_map_get(item, "kind"))
			arc_v_map_set(item, "kind", arc_v_str(RD));
	}
	if (!strcmp(s->format, "json")) {
		arc_json_dump(&b, item, ARC_JSON_INDENT);
		fputs(s->streamed ? ",\n" : "{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n", stdout);
		for (p = arc_buf_cstr(&b); *p; p = *e ? e + 1 : e) {
			size_t sp = 0;
			e = strchr(p, '\n');
			if (!e)
				e = p + strlen(p);
			while (p + sp < e && p[sp] == ' ')
				sp++;
			printf("%*s%.*s%s", (int)(8 + sp * 2), "", (int)(e - p - (long)sp), p + sp,
					*e ? "\n" : "");
		}
	} else {
		arc_yaml_dump(&b, item);
		if (!s->streamed)
			fputs("apiVersion: v1\nitems:\n", stdout);
		for (p = arc_buf_cstr(&b); *p; p = *e ? e + 1 : e) {
			e = strchr(p, '\n');
			if (!e)
				e = p + strlen(p);
			printf("%s%.*s\n", p == b.ptr ? "- " : "  ", (int)(e - p), p);
		}
	}
	s->streamed++;
	arc_buf_release(&b);
}

static void stream_end(struct list_state *s)
{
	if (!strcmp(s->format, "json"))
		fputs(s->streamed ? "\n    ],\n    \"kind\": \"List\",\n    \"metadata\": {\n        "
				"\"resourceVersion\": \"\"\n    }\n}\n"
				: "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": "
				"\"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    "
				"}\n}\n",
		      stdout);
	else
		fputs(s->streamed ? "kind: List\nmetadata:\n  resourceVersion: \"\"\n"
				: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: "
				"\"\"\n",
		      stdout);
}

static void cache_rd(struct list_state *s, arc_value *rd, int deleted)
{
	char key[512];
	const char *ns = arc_obj_str(rd, "metadata.namespace"), *name = arc_obj_str(rd, "metadata.name");
	if (!s->rds || !name)
		return;
	snprintf(key, sizeof(key), "%s/%s", ns ? ns : "", name);
	if (deleted)
		arc_v_map_del(s->rds, key);
	else
		arc_v_map_set(s->rds, key, arc_v_ref(rd));
}

static int on_rd(void *ud, arc_value *rd)
{
	struct list_state *s = ud;
	s->n++;
	if (!s->format || !strcmp(s->format, "wide")) {
		cache_rd(s, rd, 0);
		table_row(s, rd, 0);
	} else if (!strcmp(s->format, "name")) {
		printf("runnerdeployment.actions.summerwind.dev/%s\n", arc_obj_str(rd, "metadata.name"));
	} else {
		stream_item(s, rd);
	}
	return 0;
}

struct watch_ctx {
	struct list_state *s;
	char *rv;
};

static int on_rd_event(void *ud, const char *type, arc_value *obj)
{
	struct watch_ctx *w = ud;
	const char *rv = arc_obj_str(obj, "metadata.resourceVersion");
	if (rv) {
		free(w->rv);
		w->rv = xstrdup(rv);
	}
	if (!strcmp(type, "BOOKMARK"))
		return 0;
	w->s->now = now_s();
	if (!w->s->format || !strcmp(w->s->format, "wide")) {
		pthread_mutex_lock(&w->s->mu);
		cache_rd(w->s, obj, !strcmp(type, "DELETED"));
		table_row(w->s, obj, 1);
		fflush(stdout);
		pthread_mutex_unlock(&w->s->mu);
		return 0;
	} else if (!strcmp(w->s->format, "name")) {
		printf("runnerdeployment.actions.summerwind.dev/%s\n", arc_obj_str(obj, "metadata.name"));
	} else {
		arc_value *ev = arc_v_map();
		strip_managed(obj);
		if (obj->kind == ARC_MAP && !arc_v_map_get(obj, "apiVersion"))
			arc_v_map_set(obj, "apiVersion", arc_v_str(AV));
		if (obj->kind == ARC_MAP && !arc_v_map_get(obj, "kind"))
			arc_v_map_set(obj, "kind", arc_v_str(RD));
		arc_v_map_set(ev, "type", arc_v_str(type));
		arc_v_map_set(ev, "object", arc_v_ref(obj));
		arc_print_object(ev, w->s->format);
		if (!strcmp(w->s->format, "yaml"))
			fputs("---\n", stdout);
		arc_v_unref(ev);
	}
	fflush(stdout);
	return 0;
}

/* --watch of the table: the autoscalers are watched too (min, max and metric are theirs), on a
 * connection of their own in a thread; a change prints the row of the RunnerDeployment it scales */
struct hra_watch {
	struct list_state *s;
	struct arc_kube *k;
	const char *ns;
	char *rv;
	long deadline; /* monotonic ms; 0: none */
	volatile int stop;
	pthread_t th;
	int started;
};

static long mono_ms(void);

static int on_hra_event(void *ud, const char *type, arc_value *obj)
{
	struct hra_watch *h = ud;
	const char *rv = arc_obj_str(obj, "metadata.resourceVersion");
	const char *ns = arc_obj_str(obj, "metadata.namespace"), *tgt = arc_obj_str(obj, "spec.scaleTargetRef.name");
	char key[512];
	arc_value *rd;
	if (rv) {
		free(h->rv);
		h->rv = xstrdup(rv);
	}
	if (!strcmp(type, "BOOKMARK") || !tgt)
		return h->stop;
	snprintf(key, sizeof(key), "%s/%s", ns ? ns : "", tgt);
	pthread_mutex_lock(&h->s->mu);
	if (!strcmp(type, "DELETED"))
		arc_v_map_del(h->s->hras, key);
	else
		collect_hra(h->s->hras, obj);
	rd = arc_v_map_get(h->s->rds, key);
	if (rd) {
		h->s->now = now_s();
		table_row(h->s, rd, 1);
		fflush(stdout);
	}
	pthread_mutex_unlock(&h->s->mu);
	return h->stop;
}

static void *hra_watch_main(void *arg)
{
	struct hra_watch *h = arg;
	while (!h->stop) {
		long left = h->deadline ? h->deadline - mono_ms() : 3600L * 1000;
		int rc;
		if (left <= 0)
			break;
		/* short watches, so that the end of the command is noticed */
		rc = arc_kube_watch(h->k, AV, HRA, h->ns, NULL, h->rv, left < 5000 ? (left + 999) / 1000 : 5,
				    on_hra_event, h);
		if (rc) {
			if (rc == ARC_E_RANGE) {
				free(h->rv);
				h->rv = NULL;
			}
			arc_error_clear(); /* the RunnerDeployments' watch reports lasting trouble */
			usleep(200000);
		}
	}
	arc_error_clear();
	return NULL;
}

static long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ---- the fast path of the plain table: the API server's Table rows (printer columns, no
 * objects), per namespace.  Encoding whole objects (2-3 KB each, half of it managedFields) is
 * what costs the API server most; the CRD's printer columns hold all the plain table needs
 * (ARC's Available is its Ready: both count the running runners). */

#define TABLE_ACCEPT "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
#define FAST_MAX_NAMESPACES 200

static void url_escape(struct arc_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
			arc_buf_putc(b, (char)ch);
		else
			arc_buf_printf(b, "%%%02X", ch);
	}
}

/* the resourceVersion of the first (consistent) list of this run: later first pages ask for
 * "not older than" it, which the API server answers from its cache without waiting for it
 * to catch up with etcd again */
static char *fast_rv;

static void put_rv(struct arc_buf *b)
{
	if (fast_rv && *fast_rv) {
		arc_buf_puts(b, "&resourceVersionMatch=NotOlderThan&resourceVersion=");
		url_escape(b, fast_rv);
	}
}


/* an answer to a Table GET → *doc.  1: the server did not answer with a Table */
static int table_doc(const char *path, long st, struct arc_buf *resp, arc_value **doc, const char *what)
{
	const char *kind;
	*doc = NULL;
	if (st / 100 != 2)
		return arc_kube_status_error(st, resp, what);
	if (arc_json_load(doc, path, resp->ptr ? resp->ptr : "", resp->len))
		return ARC_E_PARSE;
	kind = arc_obj_str(*doc, "kind");
	if (!kind || strcmp(kind, "Table")) {
		arc_v_unref(*doc);
		*doc = NULL;
		return 1;
	}
	return 0;
}

/* GET a Table page; *doc receives it.  1: the server did not answer with a Table */
static int get_table(struct arc_kube *k, const char *path, arc_value **doc)
{
	struct arc_buf resp = ARC_BUF_INIT;
	long st = 0;
	int rc = arc_kube_do_accept(k, "GET", path, TABLE_ACCEPT, &st, &resp);
	*doc = NULL;
	if (rc == 0)
		rc = table_doc(path, st, &resp, doc, "listing runnerdeployments");
	arc_buf_release(&resp);
	return rc;
}

static long column(arc_value *doc, const char *name)
{
	arc_value *defs = arc_v_map_get(doc, "columnDefinitions");
	size_t i;
	for (i = 0; defs && defs->kind == ARC_LIST && i < arc_v_list_len(defs); i++) {
		const char *n = arc_obj_str(arc_v_list_at(defs, i), "name");
		if (n && !strcmp(n, name))
			return (long)i;
	}
	return -1;
}

static void cell_text(arc_value *cells, long i, char *out, size_t n, const char *def)
{
	arc_value *v = i >= 0 && (size_t)i < arc_v_list_len(cells) ? arc_v_list_at(cells, (size_t)i) : NULL;
	if (!v || v->kind == ARC_NULL || (v->kind == ARC_STRING && !v->u.s.len))
		snprintf(out, n, "%s", def);
	else if (v->kind == ARC_STRING)
		snprintf(out, n, "%s", v->u.s.ptr);
	else if (v->kind == ARC_INT)
		snprintf(out, n, "%lld", (long long)v->u.i);
	else if (v->kind == ARC_FLOAT && isfinite(v->u.f))
		snprintf(out, n, "%lld", (long long)v->u.f);
	else
		snprintf(out, n, "%s", def);
}

/* '["linux","x64"]' (the Labels printer column) → "linux,x64" */
static void labels_text(const char *json, char *out, size_t n)
{
	arc_value *v = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	size_t i;
	if (json && *json && arc_json_load(&v, "labels", json, strlen(json)) == 0 && v->kind == ARC_LIST) {
		for (i = 0; i < arc_v_list_len(v); i++) {
			arc_value *l = arc_v_list_at(v, i);
			if (l->kind != ARC_STRING)
				continue;
			if (b.len)
				arc_buf_putc(&b, ',');
			arc_buf_add(&b, l->u.s.ptr, l->u.s.len);
		}
	}
	arc_error_clear();
	snprintf(out, n, "%s", b.len ? arc_buf_cstr(&b) : "<none>");
	arc_buf_release(&b);
	arc_v_unref(v);
}

/* the rows of one Table page of namespace ns into t; 1 when they are not ARC's printer columns */
static int table_rows(arc_value *doc, const char *ns, struct list_state *s, struct arc_table *tab)
{
	long cn, ce, co, cr, cl, cd, cc, ca, cg;
	arc_value *rows;
	size_t i;
	cn = column(doc, "Name");
	ce = column(doc, "Enterprise");
	co = column(doc, "Organization");
	cr = column(doc, "Repository");
	cl = column(doc, "Labels");
	cd = column(doc, "Desired");
	cc = column(doc, "Current");
	ca = column(doc, "Available");
	cg = column(doc, "Age");
	if (cn < 0 || cr < 0 || cl < 0 || cd < 0 || cg < 0)
		return 1; /* not ARC's printer columns */
	rows = arc_v_map_get(doc, "rows");
	for (i = 0; rows && rows->kind == ARC_LIST && i < arc_v_list_len(rows); i++) {
		arc_value *cells = arc_v_map_get(arc_v_list_at(rows, i), "cells");
		char cell[10][256], t[240], key[512];
		const char *row[10];
		arc_value *hv;
		size_t n = 0, j;
		if (!cells || cells->kind != ARC_LIST)
			continue;
		snprintf(cell[0], 256, "%s", ns);
		cell_text(cells, cn, cell[1], 256, "");
		cell_text(cells, cr, t, sizeof(t), "");
		if (*t) {
			snprintf(cell[2], 256, "%s", t);
		} else {
			cell_text(cells, co, t, sizeof(t), "");
			if (*t) {
				snprintf(cell[2], 256, "org:%s", t);
			} else {
				cell_text(cells, ce, t, sizeof(t), "");
				if (*t)
					snprintf(cell[2], 256, "enterprise:%s", t);
				else
					snprintf(cell[2], 256, "<none>");
			}
		}
		cell_text(cells, cl, t, sizeof(t), "");
		labels_text(t, cell[3], 256);
		cell_text(cells, cd, cell[4], 256, "1");
		cell_text(cells, cc, cell[5], 256, "0");
		cell_text(cells, ca, cell[6], 256, "0");
		snprintf(key, sizeof(key), "%s/%s", ns, cell[1]);
		hv = s->hras ? arc_v_map_get(s->hras, key) : NULL;
		if (hv) {
			const char *t1 = strchr(hv->u.s.ptr, '\t'), *t2 = t1 ? strchr(t1 + 1,
					'\t') : NULL;
			snprintf(cell[7], 256, "%.*s", (int)(t1 - hv->u.s.ptr), hv->u.s.ptr);
			snprintf(cell[8], 256, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
		} else {
			snprintf(cell[7], 256, "-");
			snprintf(cell[8], 256, "-");
		}
		cell_text(cells, cg, cell[9], 256, "<unknown>");
		for (j = l.all_ns ? 0 : 1; j < 10; j++)
			row[n++] = cell[j];
		arc_table_add(tab, row);
	}
	return 0;
}

/* the path of a page of namespace ns's RunnerDeployment Table */
static char *page_path(const char *ns, const char *cont)
{
	struct arc_buf path = ARC_BUF_INIT;
	arc_buf_printf(&path, "/apis/%s/namespaces/", AV);
	url_escape(&path, ns);
	arc_buf_printf(&path, "/runnerdeployments?limit=%ld&includeObject=None", l.chunk > 0 ? l.chunk : 500);
	if (l.selector && *l.selector) {
		arc_buf_puts(&path, "&labelSelector=");
		url_escape(&path, l.selector);
	}
	if (cont) {
		arc_buf_puts(&path, "&continue=");
		url_escape(&path, cont);
	} else {
		put_rv(&path);
	}
	return arc_buf_detach(&path, NULL);
}

/* The rows of the n namespaces, in their order: the first Table page of every namespace is asked
 * for at once (streams of one HTTP/2 connection, so the API server serves them in parallel), then
 * the next pages as the continue tokens come, round by round; each namespace's rows are gathered
 * in a table of its own and appended to s->table at the end.  (Asking for each namespace's
 * autoscalers the same way instead of one list of all was measured slower: twice the requests.)
 * 1 when the server gives no Table (the caller falls back to whole objects), negative on errors. */
struct ns_state {
	struct arc_table *tab;
	char *cont;
	int done;
	long page; /* index in this round's requests, -1 none */
};

static int table_namespaces(struct arc_kube *k, char **names, size_t n, struct list_state *s)
{
	struct ns_state *st = xcalloc(n, sizeof(*st));
	struct arc_kube_get *g = xcalloc(n, sizeof(*g));
	size_t i, m;
	int rc = 0;

	for (i = 0; i < n; i++)
		st[i].tab = arc_table_new_like(s->table);
	for (;;) {
		for (i = 0, m = 0; i < n; i++) {
			st[i].page = -1;
			if (st[i].done)
				continue;
			g[m].path = page_path(names[i], st[i].cont);
			g[m].status = 0;
			g[m].resp = (struct arc_buf)ARC_BUF_INIT;
			st[i].page = (long)m++;
		}
		if (!m)
			break;
		rc = arc_kube_get_many(k, TABLE_ACCEPT, g, m);
		if (rc < 0)
			arc_error_prefix("listing runnerdeployments");
		for (i = 0; i < n && rc == 0; i++) {
			struct ns_state *t = &st[i];
			struct arc_kube_get *p = t->page >= 0 ? &g[t->page] : NULL;
			arc_value *doc = NULL;
			const char *c;
			char what[320];
			if (!p)
				continue;
			snprintf(what, sizeof(what), "listing the runnerdeployments of namespace %s", names[i]);
			rc = table_doc(p->path, p->status, &p->resp, &doc, what);
			if (rc == 0)
				rc = table_rows(doc, names[i], s, t->tab);
			if (rc == 0) {
				free(t->cont);
				t->cont = NULL;
				c = arc_obj_str(doc, "metadata.continue");
				if (c && *c)
					t->cont = xstrdup(c);
				else
					t->done = 1;
			}
			arc_v_unref(doc);
		}
		for (i = 0; i < m; i++) {
			arc_buf_release(&g[i].resp);
			free((char *)g[i].path);
		}
		if (rc)
			break;
	}
	for (i = 0; i < n; i++) {
		if (rc == 0)
			arc_table_append(s->table, st[i].tab);
		arc_table_free(st[i].tab);
		free(st[i].cont);
	}
	if (rc == 0)
		s->n = arc_table_rows(s->table);
	free(st);
	free(g);
	return rc;
}

/* 0 done, 1 not possible here (the caller lists whole objects), negative on errors */
static int list_fast(struct arc_kube *k, const char *ns, struct list_state *s)
{
	arc_value *doc = NULL, *rows;
	char **names = NULL;
	size_t n = 0, i;
	int rc;
	if (ns) {
		char *one = (char *)ns;
		return table_namespaces(k, &one, 1, s);
	}
	/* every namespace: their names first (a Table of names: small), then one Table each */
	{
		struct arc_buf p = ARC_BUF_INIT;
		arc_buf_puts(&p, "/api/v1/namespaces?limit=1000&includeObject=None");
		put_rv(&p);
		rc = get_table(k, p.ptr, &doc);
		arc_buf_release(&p);
	}
	if (rc) {
		arc_error_clear();
		return 1; /* no right to list namespaces, or no Tables: whole objects instead */
	}
	rows = arc_v_map_get(doc, "rows");
	if (!rows || rows->kind != ARC_LIST || arc_obj_str(doc, "metadata.continue") ||
	    arc_v_list_len(rows) > FAST_MAX_NAMESPACES) {
		arc_v_unref(doc);
		return 1; /* many namespaces: one paginated list of everything is cheaper */
	}
	names = xcalloc(arc_v_list_len(rows) + 1, sizeof(char *));
	for (i = 0; i < arc_v_list_len(rows); i++) {
		arc_value *cells = arc_v_map_get(arc_v_list_at(rows, i), "cells");
		char name[256];
		if (!cells || cells->kind != ARC_LIST)
			continue;
		cell_text(cells, 0, name, sizeof(name), "");
		if (*name)
			names[n++] = xstrdup(name);
	}
	arc_v_unref(doc);
	rc = n ? table_namespaces(k, names, n, s) : 0;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* every autoscaler of ns (NULL: all) into s->hras, in one consistent list whose resourceVersion the
 * later pages must not be older than; a 404 says the CRDs are missing */
static int list_hras(struct arc_kube *k, const char *ns, struct list_state *s)
{
	int rc = arc_kube_list(k, AV, HRA, ns, NULL, NULL, l.chunk, collect_hra, s->hras, &fast_rv);
	if (rc == ARC_E_NOTFOUND)
		arc_error_code(ARC_E_NOTFOUND, "the ARC CRDs are not installed: run kubectl arc install first");
	return rc;
}

static int runners_list(int argc, char **argv)
{
	static const char *const heads[] = { "NAMESPACE", "NAME", "TARGET", "LABELS", "DESIRED", "CURRENT",
			"READY",
					     "MIN", "MAX", "AGE", "IMAGE", "DIND", "GPU", "METRIC" };
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	struct list_state s;
	const char *h[LIST_COLS];
	char *rv = NULL;
	const char *ns;
	size_t nh = 0, i;
	int rc, status = 1, table, fast;
	struct hra_watch hw;

	memset(&l, 0, sizeof(l));
	memset(&s, 0, sizeof(s));
	memset(&hw, 0, sizeof(hw));
	pthread_mutex_init(&s.mu, NULL);
	rc = arc_opts_parse(&list_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc) {
		status = usage_error("list");
		goto out;
	}
	if (pos.n) {
		arc_error_code(ARC_E_USAGE, "list takes no arguments (use runners get NAME for one)");
		status = usage_error("list");
		goto out;
	}
	if (l.output && strcmp(l.output, "wide") && strcmp(l.output, "json") && strcmp(l.output, "yaml") &&
	    strcmp(l.output, "name")) {
		arc_error_code(ARC_E_USAGE, "unknown output format \"%s\": use wide, json, yaml or name",
				l.output);
		status = usage_error("list");
		goto out;
	}
	s.format = l.output;
	table = !l.output || !strcmp(l.output, "wide");
	if (open_kube(&k)) {
		status = fail();
		goto out;
	}
	ns = l.all_ns ? NULL : arc_kube_cfg(k)->namespace;
	s.now = now_s();
	/* ARC's resource names are fixed by its CRDs: no discovery round trips; a 404 on the first
	 * list says the CRDs are missing */
	arc_kube_assume(k, AV, HRA, "horizontalrunnerautoscalers", 1);
	arc_kube_assume(k, AV, RD, "runnerdeployments", 1);
	fast = table && strcmp(l.output ? l.output : "", "wide") && !l.watch;
	free(fast_rv);
	fast_rv = NULL;
	if (table || l.watch) {
		/* the autoscalers first (small), then the RunnerDeployments */
		s.hras = arc_v_map();
		if (list_hras(k, ns, &s)) {
			status = fail();
			goto out;
		}
	}
	for (i = l.all_ns ? 0 : 1; i < 10; i++)
		h[nh++] = heads[i];
	if (l.output && !strcmp(l.output, "wide"))
		for (i = 10; i < 14; i++)
			h[nh++] = heads[i];
	s.table = arc_table_new(h, nh);
	s.tflags = (l.no_headers ? ARC_TABLE_NO_HEADERS : 0) |
		   (!l.no_color && arc_use_color(1) ? ARC_TABLE_COLOR : 0);
	arc_table_set_color(s.table, list_color, &s);
	if (table && l.watch)
		s.rds = arc_v_map();
	rc = fast ? list_fast(k, ns, &s) : 1;
	if (rc == 1) {
		if (s.n) { /* start again with whole objects */
			arc_table_free(s.table);
			s.table = arc_table_new(h, nh);
			arc_table_set_color(s.table, list_color, &s);
			s.n = 0;
		}
		rc = arc_kube_list(k, AV, RD, ns, l.selector, NULL, l.chunk, on_rd, &s, &rv);
	}
	if (rc) {
		if (rc == ARC_E_NOTFOUND)
			arc_error_code(ARC_E_NOTFOUND, "the ARC CRDs are not installed: run kubectl arc "
					"install first");
		status = fail();
		goto out;
	}
	if (table) {
		if (s.n)
			arc_table_print(s.table, stdout, s.tflags);
		else if (!l.watch || 1)
			fprintf(stderr, "No runners found%s%s.\n", ns ? " in namespace " : "", ns ? ns : "");
	} else if (strcmp(l.output, "name") && !l.watch) {
		stream_end(&s);
	}
	fflush(stdout);
	status = 0;
	if (l.watch) {
		struct watch_ctx w = { &s, rv };
		long deadline = l.watch_timeout_ms > 0 ? mono_ms() + l.watch_timeout_ms : 0;
		if (!table && strcmp(l.output, "name"))
			stream_end(&s);
		rv = NULL;
		if (table && open_kube(&hw.k) == 0) {
			hw.s = &s;
			hw.ns = ns;
			hw.rv = fast_rv ? xstrdup(fast_rv) : NULL;
			hw.deadline = deadline;
			hw.started = pthread_create(&hw.th, NULL, hra_watch_main, &hw) == 0;
		} else {
			arc_error_clear(); /* no second connection: the autoscalers are not followed */
		}
		for (;;) {
			long left = deadline ? deadline - mono_ms() : 3600L * 1000;
			if (left <= 0)
				break;
			rc = arc_kube_watch(k, AV, RD, ns, NULL, w.rv, (left + 999) / 1000, on_rd_event, &w);
			if (rc == ARC_E_RANGE || rc == ARC_E_IO) {
				arc_error_clear();
				usleep(200000);
				if (rc == ARC_E_RANGE) {
					free(w.rv);
					w.rv = NULL;
				}
				continue;
			}
			if (rc) {
				status = fail();
				break;
			}
		}
		free(w.rv);
		if (hw.started) {
			hw.stop = 1;
			pthread_join(hw.th, NULL);
		}
	}
out:
	arc_kube_close(hw.k);
	free(hw.rv);
	free(rv);
	free(fast_rv);
	fast_rv = NULL;
	arc_table_free(s.table);
	arc_v_unref(s.hras);
	arc_v_unref(s.rds);
	pthread_mutex_destroy(&s.mu);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	return status;
}

/* ---- GitHub cross-check ------------------------------------------------------------------- */

static struct {
	const char *token_file, *app_id, *installation_id, *key_file, *github_url, *arc_ns, *auth_secret;
} g;

static const struct arc_opt github_opts[] = {
	{ "github-url", 0, ARC_OPT_STRING, &g.github_url, "URL", "GitHub (Enterprise Server) URL for "
			"--github",
	  "https://github.com", 0 },
	{ "github-token-file", 0, ARC_OPT_STRING, &g.token_file, "FILE",
	  "--github: a token file instead of the installed auth Secret", NULL, 0 },
	{ "github-app-id", 0, ARC_OPT_STRING, &g.app_id, "ID", "--github: GitHub App id", NULL, 0 },
	{ "github-app-installation-id", 0, ARC_OPT_STRING, &g.installation_id, "ID",
	  "--github: GitHub App installation id", NULL, 0 },
	{ "github-app-private-key-file", 0, ARC_OPT_STRING, &g.key_file, "FILE", "--github: GitHub App "
			"private key",
	  NULL, 0 },
	{ "arc-namespace", 0, ARC_OPT_STRING, &g.arc_ns, "NS", "Namespace of the ARC installation (its auth "
			"Secret)",
	  DEFAULT_ARC_NS, 0 },
	{ "auth-secret", 0, ARC_OPT_STRING, &g.auth_secret, "NAME", "Name of the auth Secret", DEFAULT_SECRET,
			0 },
	ARC_OPT_END,
};

static int secret_field(arc_value *sec, const char *key, char **out, size_t *len)
{
	arc_value *d = arc_obj_at(sec, "data"), *v;
	struct arc_buf b = ARC_BUF_INIT;
	*out = NULL;
	if (!d || d->kind != ARC_MAP || !(v = arc_v_map_get(d, key)) || v->kind != ARC_STRING)
		return 0;
	if (arc_b64_decode(&b, v->u.s.ptr, v->u.s.len)) {
		if (b.ptr)
			memset(b.ptr, 0, b.len);
		arc_buf_release(&b);
		return arc_error_code(ARC_E_PARSE, "the auth Secret's %s is not base64", key);
	}
	*out = arc_buf_detach(&b, len);
	return 1;
}

static void wipe_free(char *s, size_t n)
{
	if (s) {
		memset(s, 0, n);
		free(s);
	}
}

/* Open the GitHub client: flags, else the installed auth Secret, else GITHUB_TOKEN */
static int open_github(struct arc_kube *k, struct arc_gh **gh)
{
	struct arc_auth_opts ao = { g.token_file, g.app_id, g.installation_id, g.key_file, 1 };
	struct arc_auth a;
	struct arc_gh_auth ga;
	char *api = arc_gh_api_base(g.github_url);
	int rc;
	memset(&a, 0, sizeof(a));
	memset(&ga, 0, sizeof(ga));
	if (arc_auth_given(&ao)) {
		if ((rc = arc_auth_read(&a, &ao)) != 0)
			goto out;
	} else {
		arc_value *sec = NULL;
		const char *sns = g.arc_ns ? g.arc_ns : DEFAULT_ARC_NS, *sname = g.auth_secret ? g.auth_secret
											     : DEFAULT_SECRET;
		rc = arc_kube_get(k, "v1", "Secret", sns, sname, &sec);
		if (rc == 0) {
			size_t tl = 0, kl = 0, il = 0, al = 0;
			char *tok = NULL, *key = NULL, *iid = NULL, *aid = NULL;
			if (secret_field(sec, "github_token", &tok, &tl) < 0 ||
			    secret_field(sec, "github_app_private_key", &key, &kl) < 0 ||
			    secret_field(sec, "github_app_installation_id", &iid, &il) < 0 ||
			    secret_field(sec, "github_app_id", &aid, &al) < 0) {
				rc = -1;
			} else if (tok) {
				while (tl && (tok[tl - 1] == '\n' || tok[tl - 1] == '\r'))
					tok[--tl] = '\0';
				a.token = xstrndup(tok, tl);
				rc = arc_auth_check_token(a.token, tl, "the auth Secret");
			} else if (key && iid && aid) {
				a.private_key = xstrndup(key, kl);
				a.key_len = kl;
				a.installation_id = xstrndup(iid, il);
				a.app_id = xstrndup(aid, al);
				rc = 0;
			} else {
				rc = arc_error_code(ARC_E_NOTFOUND, "Secret %s/%s has no github_token nor "
						"GitHub App keys",
						    sns, sname);
			}
			wipe_free(tok, tl);
			wipe_free(key, kl);
			free(iid);
			free(aid);
			arc_v_unref(sec);
			if (rc)
				goto out;
		} else if (rc == ARC_E_NOTFOUND && getenv("GITHUB_TOKEN") && *getenv("GITHUB_TOKEN")) {
			ao.no_env = 0;
			if ((rc = arc_auth_read(&a, &ao)) != 0)
				goto out;
		} else if (rc == ARC_E_NOTFOUND) {
			rc = arc_error_code(ARC_E_NOTFOUND, "--github needs credentials: the auth Secret "
					"%s/%s does not exist (install ARC, or pass --github-token-file)",
					    sns, sname);
			goto out;
		} else {
			goto out;
		}
	}
	ga.token = a.token;
	ga.app_id = a.app_id;
	ga.installation_id = a.installation_id;
	ga.private_key = a.private_key;
	ga.private_key_len = a.key_len;
	if (arc_kube_cfg(k)->verbosity > 0)
		ga.log = arc_log_to_stderr;
	rc = arc_gh_open(gh, api, &ga);
out:
	arc_auth_release(&a);
	free(api);
	return rc;
}

static char *gh_scope(const struct arc_rd_summary *s)
{
	if (!s->target_kind)
		return NULL;
	if (!strcmp(s->target_kind, "repository"))
		return xasprintf("repos/%s", s->target);
	if (!strcmp(s->target_kind, "organization"))
		return xasprintf("orgs/%s", s->target);
	return xasprintf("enterprises/%s", s->target);
}

/* GitHub's runners of the RunnerDeployment's scope: name → {status, busy} */
static int github_runners(struct arc_kube *k, arc_value *rd, arc_value **by_name)
{
	struct arc_rd_summary sum;
	struct arc_gh *gh = NULL;
	arc_value *all = NULL;
	char *scope;
	size_t i;
	int rc;
	*by_name = NULL;
	arc_rd_summarize(rd, &sum);
	scope = gh_scope(&sum);
	if (!scope)
		return arc_error_code(ARC_E_NOTFOUND, "the RunnerDeployment has no repository, organization "
				"or enterprise");
	if ((rc = open_github(k, &gh)) == 0 && (rc = arc_gh_list_runners(gh, scope, &all)) == 0) {
		*by_name = arc_v_map();
		for (i = 0; all && i < arc_v_list_len(all); i++) {
			arc_value *r = arc_v_list_at(all, i);
			const char *n = arc_obj_str(r, "name");
			if (n)
				arc_v_map_set(*by_name, n, arc_v_ref(r));
		}
	}
	if (rc)
		arc_error_prefix("--github");
	arc_v_unref(all);
	arc_gh_close(gh);
	free(scope);
	return rc;
}

static const char *gh_state(arc_value *gh_runners, const char *name)
{
	arc_value *r = gh_runners && name ? arc_v_map_get(gh_runners, name) : NULL, *busy;
	const char *st;
	if (!r)
		return "not registered";
	st = arc_obj_str(r, "status");
	busy = arc_v_map_get(r, "busy");
	if (busy && busy->kind == ARC_BOOL && busy->u.b)
		return "busy";
	return st ? st : "unknown";
}

/* ---- get ------------------------------------------------------------------------------------ */

static struct {
	const char *output;
	int github;
} gt;

static const struct arc_opt get_opts[] = {
	{ "output", 'o', ARC_OPT_STRING, &gt.output, "json|yaml", "Print the objects instead of the summary",
			NULL,
	  0 },
	{ "github", 0, ARC_OPT_BOOL, &gt.github, NULL, "Cross-check with GitHub's view of the runners "
			"(online, busy)",
	  NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const get_tables[] = { get_opts, github_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec get_spec = {
	"runners get", "NAME [--github] [-o json|yaml] [flags]",
	"Show a RunnerDeployment, its autoscaler, its runners and recent warnings",
	"Each runner with its pod phase, node, registration, current workflow run and age, and the recent "
		"warning events of the runners and their pods. --github asks GitHub too (online or offline, "
		"busy), with the credentials of the installed auth Secret (or --github-token-file / "
		"--github-app-*).",
		"kubectl arc runners get web\n"
		"kubectl arc runners get web --github\n"
		"kubectl arc runners get web -o yaml",
	get_tables,
};

struct runners_ctx {
	arc_value *runners; /* list */
	arc_value *pods;    /* name → pod */
	const char *prefix; /* events of objects named NAME-… */
	arc_value *events;  /* list */
	size_t max_events;
};

static int collect_runner(void *ud, arc_value *r)
{
	struct runners_ctx *x = ud;
	if (arc_v_list_len(x->runners) < 10000)
		arc_v_list_push(x->runners, arc_v_ref(r));
	return 0;
}

static int collect_pod(void *ud, arc_value *p)
{
	struct runners_ctx *x = ud;
	const char *n = arc_obj_str(p, "metadata.name");
	if (n && arc_v_map_len(x->pods) < 10000)
		arc_v_map_set(x->pods, n, arc_v_ref(p));
	return 0;
}

static const char *ev_time(arc_value *e)
{
	const char *t = arc_obj_str(e, "lastTimestamp");
	if (!t)
		t = arc_obj_str(e, "eventTime");
	if (!t)
		t = arc_obj_str(e, "metadata.creationTimestamp");
	return t ? t : "";
}

static int collect_event(void *ud, arc_value *e)
{
	struct runners_ctx *x = ud;
	const char *n = arc_obj_str(e, "involvedObject.name");
	size_t pl = strlen(x->prefix);
	if (!n || (strcmp(n, x->prefix) && !(strncmp(n, x->prefix, pl) == 0 && n[pl] == '-')))
		return 0;
	arc_v_list_push(x->events, arc_v_ref(e));
	if (arc_v_list_len(x->events) > 4 * x->max_events) {
		/* keep the newest: drop the oldest half */
		arc_value *keep = arc_v_list();
		size_t i, j, n_ev = arc_v_list_len(x->events);
		char *taken = xcalloc(n_ev, 1);
		for (j = 0; j < x->max_events; j++) {
			size_t best = n_ev;
			for (i = 0; i < n_ev; i++)
				if (!taken[i] && (best == n_ev || strcmp(ev_time(arc_v_list_at(x->events, i)),
						ev_time(arc_v_list_at(x->events, best))) > 0))
					best = i;
			taken[best] = 1;
		}
		for (i = 0; i < n_ev; i++)
			if (taken[i])
				arc_v_list_push(keep, arc_v_ref(arc_v_list_at(x->events, i)));
		free(taken);
		arc_v_unref(x->events);
		x->events = keep;
	}
	return 0;
}

static int cmp_events(const void *a, const void *b)
{
	return strcmp(ev_time(*(arc_value *const *)a), ev_time(*(arc_value *const *)b));
}

/* the RunnerDeployment NAME in NS into *out; errors say whether it or the ARC CRDs are missing */
static int get_runner_deployment(struct arc_kube *k, const char *ns, const char *name, arc_value **out)
{
	int rc = arc_kube_get(k, AV, RD, ns, name, out);
	if (rc != ARC_E_NOTFOUND)
		return rc;
	if (!strncmp(arc_error_last(), "no matches for kind", 19))
		return arc_error_code(ARC_E_NOTFOUND, "the ARC CRDs are not installed: run kubectl arc install first");
	return arc_error_code(ARC_E_NOTFOUND, "runner deployment \"%s\" not found in namespace %s", name, ns);
}

static arc_value *find_hra(struct arc_kube *k, const char *ns, const char *name)
{
	arc_value *h = NULL;
	const char *tgt;
	if (arc_kube_get(k, AV, HRA, ns, name, &h) == 0 &&
	    (tgt = arc_obj_str(h, "spec.scaleTargetRef.name")) && !strcmp(tgt, name))
		return h;
	arc_v_unref(h);
	arc_error_clear();
	return NULL;
}

static void print_kv(const char *k, const char *v)
{
	printf("%-13s %s\n", k, v && *v ? v : "<none>");
}

static int runners_get(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	arc_value *rd = NULL, *hra = NULL, *gh = NULL;
	struct runners_ctx x = { arc_v_list(), arc_v_map(), NULL, arc_v_list(), 10 };
	struct arc_rd_summary sum;
	const char *ns, *name;
	char *sel = NULL;
	int rc, status = 1;
	size_t i;

	memset(&gt, 0, sizeof(gt));
	memset(&g, 0, sizeof(g));
	rc = arc_opts_parse(&get_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc) {
		status = usage_error("get");
		goto out;
	}
	if (pos.n != 1) {
		arc_error_code(ARC_E_USAGE, "get takes one NAME");
		status = usage_error("get");
		goto out;
	}
	if (gt.output && strcmp(gt.output, "json") && strcmp(gt.output, "yaml")) {
		arc_error_code(ARC_E_USAGE, "unknown output format \"%s\": use json or yaml", gt.output);
		status = usage_error("get");
		goto out;
	}
	name = pos.v[0];
	if (open_kube(&k)) {
		status = fail();
		goto out;
	}
	ns = arc_kube_cfg(k)->namespace;
	rc = get_runner_deployment(k, ns, name, &rd);
	if (rc) {
		status = fail();
		goto out;
	}
	hra = find_hra(k, ns, name);
	sel = xasprintf("runner-deployment-name=%s", name);
	x.prefix = name;
	if (arc_kube_list(k, AV, "Runner", ns, sel, NULL, 500, collect_runner, &x, NULL) ||
	    arc_kube_list(k, "v1", "Pod", ns, sel, NULL, 500, collect_pod, &x, NULL) ||
	    arc_kube_list(k, "v1", "Event", ns, NULL, "type=Warning", 500, collect_event, &x, NULL)) {
		status = fail();
		goto out;
	}
	if (gt.github && github_runners(k, rd, &gh)) {
		status = fail();
		goto out;
	}
	if (gt.output) {
		arc_value *items = arc_v_list(), *lst = arc_v_map(), *md = arc_v_map();
		strip_managed(rd);
		arc_v_list_push(items, arc_v_ref(rd));
		if (hra) {
			strip_managed(hra);
			arc_v_list_push(items, arc_v_ref(hra));
		}
		for (i = 0; i < arc_v_list_len(x.runners); i++) {
			arc_value *r = arc_v_list_at(x.runners, i);
			strip_managed(r);
			if (!arc_v_map_get(r, "apiVersion"))
				arc_v_map_set(r, "apiVersion", arc_v_str(AV));
			if (!arc_v_map_get(r, "kind"))
				arc_v_map_set(r, "kind", arc_v_str("Runner"));
			if (gh) {
				arc_value *ghr = arc_v_map_get(gh, arc_obj_str(r, "metadata.name"));
				arc_value *ann = arc_obj_at(r, "metadata.annotations");
				if (!ann || ann->kind != ARC_MAP) {
					ann = arc_v_map();
					arc_v_map_set(arc_v_map_get(r, "metadata"), "annotations", ann);
				}
				arc_v_map_set(ann, "kubectl-arc/github-status",
					      arc_v_str(gh_state(gh, arc_obj_str(r, "metadata.name"))));
				(void)ghr;
			}
			arc_v_list_push(items, arc_v_ref(r));
		}
		arc_v_map_set(md, "resourceVersion", arc_v_str(""));
		arc_v_map_set(lst, "apiVersion", arc_v_str("v1"));
		arc_v_map_set(lst, "items", items);
		arc_v_map_set(lst, "kind", arc_v_str("List"));
		arc_v_map_set(lst, "metadata", md);
		arc_print_object(lst, gt.output);
		arc_v_unref(lst);
		status = 0;
		goto out;
	}

	{
		long long now = now_s();
		char age[64], buf[512];
		struct arc_buf lb = ARC_BUF_INIT;
		arc_rd_summarize(rd, &sum);
		print_kv("Name:", name);
		print_kv("Namespace:", ns);
		if (sum.target_kind)
			snprintf(buf, sizeof(buf), "%s %s", sum.target_kind, sum.target);
		else
			snprintf(buf, sizeof(buf), "<none>");
		print_kv("Target:", buf);
		for (i = 0; sum.labels && i < arc_v_list_len(sum.labels); i++) {
			arc_value *lv = arc_v_list_at(sum.labels, i);
			if (lv->kind == ARC_STRING)
				arc_buf_printf(&lb, "%s%s", lb.len ? "," : "", lv->u.s.ptr);
		}
		print_kv("Labels:", lb.len ? arc_buf_cstr(&lb) : NULL);
		arc_buf_release(&lb);
		print_kv("Group:", sum.group);
		print_kv("Image:", sum.image ? sum.image : "<default>");
		print_kv("DinD:", sum.dind ? "yes (dockerd in the runner container)" : "no");
		if (sum.gpu > 0) {
			const char *rc_name = arc_obj_str(rd, "spec.template.spec.runtimeClassName");
			snprintf(buf, sizeof(buf), "%lld%s%s%s", sum.gpu, rc_name ? " (runtime class " : "",
				 rc_name ? rc_name : "", rc_name ? ")" : "");
			print_kv("GPUs:", buf);
		}
		snprintf(buf, sizeof(buf), "%lld desired, %lld current, %lld ready, %lld available",
			 arc_obj_int(rd, "spec.replicas", 1), arc_obj_int(rd, "status.replicas", 0),
			 arc_obj_int(rd, "status.readyReplicas", 0),
			 arc_obj_int(rd, "status.availableReplicas", 0));
		print_kv("Replicas:", buf);
		if (hra) {
			arc_value *tmp = arc_v_map(), *hv;
			char key[512];
			collect_hra(tmp, hra);
			snprintf(key, sizeof(key), "%s/%s", ns, name);
			hv = arc_v_map_get(tmp, key);
			if (hv) {
				char mn[24] = "", mx[24] = "", met[64] = "";
				sscanf(hv->u.s.ptr, "%23[^\t]\t%23[^\t]\t%63s", mn, mx, met);
				snprintf(buf, sizeof(buf), "%s: min %s, max %s, metric %s, desired %lld",
					 arc_obj_str(hra, "metadata.name"), mn, mx, met,
					 arc_obj_int(hra, "status.desiredReplicas", -1));
				if (arc_obj_int(hra, "status.desiredReplicas", -1) < 0)
					snprintf(buf + strlen(buf) - 2, sizeof(buf) - strlen(buf) + 2, "-");
			}
			arc_v_unref(tmp);
			print_kv("Autoscaler:", buf);
		} else {
			print_kv("Autoscaler:", "none (fixed replicas)");
		}
		arc_age(age, sizeof(age), arc_obj_str(rd, "metadata.creationTimestamp"), now);
		print_kv("Age:", age);

		printf("\nRunners:\n");
		if (!arc_v_list_len(x.runners)) {
			printf("  (none yet)\n");
		} else {
			static const char *const rh[] = { "NAME", "STATUS", "POD", "NODE", "REGISTRATION",
					"WORKFLOW",
							  "AGE", "GITHUB" };
			struct arc_table *t = arc_table_new(rh, gh ? 8 : 7);
			for (i = 0; i < arc_v_list_len(x.runners); i++) {
				arc_value *r = arc_v_list_at(x.runners, i);
				const char *rn = arc_obj_str(r, "metadata.name"), *cells[8];
				arc_value *pod = rn ? arc_v_map_get(x.pods, rn) : NULL;
				const char *phase = arc_obj_str(r, "status.phase");
				const char *exp = arc_obj_str(r, "status.registration.expiresAt");
				const char *wrepo = arc_obj_str(r, "status.workflow.repository"),
					   *wrun = arc_obj_str(r, "status.workflow.runID");
				char wf[300], reg[80], rage[64];
				if (wrun && *wrun)
					snprintf(wf, sizeof(wf), "%s#%s", wrepo ? wrepo : "", wrun);
				else
					snprintf(wf, sizeof(wf), "-");
				if (exp)
					snprintf(reg, sizeof(reg), "token until %s", exp);
				else
					snprintf(reg, sizeof(reg), "-");
				arc_age(rage, sizeof(rage), arc_obj_str(r, "metadata.creationTimestamp"),
						now);
				cells[0] = rn;
				cells[1] = phase && *phase ? phase : "Pending";
				if (!pod)
					cells[2] = "-";
				else if (!(cells[2] = arc_obj_str(pod, "status.phase")))
					cells[2] = "Pending";
				cells[3] = pod && arc_obj_str(pod, "spec.nodeName")
						   ? arc_obj_str(pod, "spec.nodeName") : "-";
				cells[4] = reg;
				cells[5] = wf;
				cells[6] = rage;
				cells[7] = gh ? gh_state(gh, rn) : "";
				arc_table_add(t, cells);
			}
			arc_table_print(t, stdout, 0);
			arc_table_free(t);
		}
		if (gh) {
			/* runners GitHub knows in this scope that no Runner object stands for */
			size_t extra = 0;
			for (i = 0; i < arc_v_map_len(gh); i++) {
				const char *gn = arc_v_map_key(gh, i);
				size_t j;
				int found = 0;
				if (strncmp(gn, name, strlen(name)) || gn[strlen(name)] != '-')
					continue;
				for (j = 0; j < arc_v_list_len(x.runners) && !found; j++)
					found = !strcmp(gn, arc_obj_str(arc_v_list_at(x.runners, j),
							"metadata.name"));
				if (!found) {
					if (!extra++)
						printf("\nOn GitHub only (no Runner object; stale "
								"registrations):\n");
					printf("  %s  %s\n", gn, gh_state(gh, gn));
				}
			}
		}
		printf("\nRecent warnings:\n");
		if (!arc_v_list_len(x.events)) {
			printf("  (none)\n");
		} else {
			static const char *const eh[] = { "LAST SEEN", "OBJECT", "REASON", "MESSAGE" };
			struct arc_table *t = arc_table_new(eh, 4);
			size_t n = arc_v_list_len(x.events), from;
			arc_value **evs = x.events->u.l.items;
			qsort(evs, n, sizeof(arc_value *), cmp_events);
			from = n > x.max_events ? n - x.max_events : 0;
			for (i = from; i < n; i++) {
				arc_value *e = evs[i];
				char seen[64], obj[400];
				const char *cells[4];
				const char *kind = arc_obj_str(e, "involvedObject.kind");
				arc_age(seen, sizeof(seen), ev_time(e), now);
				snprintf(obj, sizeof(obj), "%s/%s", kind ? kind : "?",
					 arc_obj_str(e, "involvedObject.name"));
				for (char *p = obj; *p && *p != '/'; p++)
					*p = (char)tolower((unsigned char)*p);
				cells[0] = seen;
				cells[1] = obj;
				cells[2] = arc_obj_str(e, "reason") ? arc_obj_str(e, "reason") : "";
				cells[3] = arc_obj_str(e, "message") ? arc_obj_str(e, "message") : "";
				arc_table_add(t, cells);
			}
			arc_table_print(t, stdout, 0);
			arc_table_free(t);
		}
	}
	status = 0;
out:
	free(sel);
	arc_v_unref(rd);
	arc_v_unref(hra);
	arc_v_unref(gh);
	arc_v_unref(x.runners);
	arc_v_unref(x.pods);
	arc_v_unref(x.events);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	return status;
}

/* ---- scale ---------------------------------------------------------------------------------- */

static struct {
	long replicas, min, max;
} sc;

static const struct arc_opt scale_opts[] = {
	{ "replicas", 0, ARC_OPT_INT, &sc.replicas, "N", "Number of runners (RunnerDeployments without an "
			"autoscaler)",
	  NULL, 0 },
	{ "min", 0, ARC_OPT_INT, &sc.min, "N", "Autoscaler minimum", NULL, 0 },
	{ "max", 0, ARC_OPT_INT, &sc.max, "N", "Autoscaler maximum", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const scale_tables[] = { scale_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec scale_spec = {
	"runners scale", "NAME (--replicas N | --min N --max N) [flags]",
	"Set the number of runners, or the autoscaler's bounds",
	"--replicas changes a RunnerDeployment without an autoscaler; --min and --max change its "
		"HorizontalRunnerAutoscaler.",
	"kubectl arc runners scale web --replicas 3\n"
	"kubectl arc runners scale ci --min 1 --max 20",
	scale_tables,
};

static int merge_patch(struct arc_kube *k, const char *kind, const char *ns, const char *name,
		const char *body)
{
	struct arc_kube_res r;
	struct arc_buf path = ARC_BUF_INIT, resp = ARC_BUF_INIT;
	long st = 0;
	int rc = arc_kube_resolve(k, AV, kind, &r);
	if (rc)
		return rc;
	arc_kube_res_path(&r, ns, name, &path);
	arc_buf_puts(&path, "?fieldManager=" MANAGER "-scale");
	rc = arc_kube_do(k, "PATCH", path.ptr, "application/merge-patch+json", body, strlen(body), &st,
			&resp);
	if (rc == 0 && st / 100 != 2) {
		char *what = xasprintf("%s %s/%s", kind, ns, name);
		rc = arc_kube_status_error(st, &resp, what);
		free(what);
	}
	arc_buf_release(&path);
	arc_buf_release(&resp);
	return rc;
}

static int runners_scale(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	arc_value *rd = NULL, *hra = NULL;
	const char *ns, *name;
	char body[160];
	int rc, status = 1;

	sc.replicas = sc.min = sc.max = -1;
	rc = arc_opts_parse(&scale_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc) {
		status = usage_error("scale");
		goto out;
	}
	if (pos.n != 1) {
		arc_error_code(ARC_E_USAGE, "scale takes one NAME");
		status = usage_error("scale");
		goto out;
	}
	name = pos.v[0];
	if (sc.replicas == -1 && sc.min == -1 && sc.max == -1) {
		arc_error_code(ARC_E_USAGE, "give --replicas N, or --min/--max for an autoscaled runner "
				"deployment");
		status = usage_error("scale");
		goto out;
	}
	if (sc.replicas != -1 && (sc.min != -1 || sc.max != -1)) {
		arc_error_code(ARC_E_USAGE, "--replicas and --min/--max are exclusive");
		status = fail();
		goto out;
	}
	if (sc.replicas < -1 || sc.min < -1 || sc.max < -1 || sc.max == 0) {
		arc_error_code(ARC_E_USAGE, "replica counts must be 0 or more (--max 1 or more)");
		status = fail();
		goto out;
	}
	if (open_kube(&k)) {
		status = fail();
		goto out;
	}
	ns = arc_kube_cfg(k)->namespace;
	rc = get_runner_deployment(k, ns, name, &rd);
	if (rc) {
		status = fail();
		goto out;
	}
	hra = find_hra(k, ns, name);
	if (sc.replicas != -1) {
		if (hra) {
			arc_error_code(ARC_E_USAGE, "%s is scaled by HorizontalRunnerAutoscaler %s: use "
					"--min/--max", name,
				       arc_obj_str(hra, "metadata.name"));
			status = fail();
			goto out;
		}
		snprintf(body, sizeof(body), "{\"spec\":{\"replicas\":%ld}}", sc.replicas);
		if (merge_patch(k, RD, ns, name, body)) {
			status = fail();
			goto out;
		}
		printf("runnerdeployment.actions.summerwind.dev/%s scaled\n", name);
	} else {
		long mn, mx;
		if (!hra) {
			arc_error_code(ARC_E_USAGE, "%s has no autoscaler: use --replicas, or runners "
					"create %s --max N",
				       name, name);
			status = fail();
			goto out;
		}
		mn = sc.min != -1 ? sc.min : (long)arc_obj_int(hra, "spec.minReplicas", 0);
		mx = sc.max != -1 ? sc.max : (long)arc_obj_int(hra, "spec.maxReplicas", 0);
		if (mn > mx) {
			arc_error_code(ARC_E_USAGE, "--min %ld is more than --max %ld", mn, mx);
			status = fail();
			goto out;
		}
		snprintf(body, sizeof(body), "{\"spec\":{\"minReplicas\":%ld,\"maxReplicas\":%ld}}", mn, mx);
		if (merge_patch(k, HRA, ns, arc_obj_str(hra, "metadata.name"), body)) {
			status = fail();
			goto out;
		}
		printf("horizontalrunnerautoscaler.actions.summerwind.dev/%s scaled (min %ld, max %ld)\n",
		       arc_obj_str(hra, "metadata.name"), mn, mx);
	}
	status = 0;
out:
	arc_v_unref(rd);
	arc_v_unref(hra);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	return status;
}

/* ---- delete --------------------------------------------------------------------------------- */

static struct {
	int yes, github;
} dl;

static const struct arc_opt delete_opts[] = {
	{ "yes", 'y', ARC_OPT_BOOL, &dl.yes, NULL, "Do not ask when runners are busy", NULL, 0 },
	{ "github", 0, ARC_OPT_BOOL, &dl.github, NULL, "Ask GitHub which runners are busy", NULL, 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const delete_tables[] = { delete_opts, github_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec delete_spec = {
	"runners delete", "NAME [--yes] [flags]", "Delete a RunnerDeployment and its autoscaler",
		"Asks first when runners are busy with a job (seen in the Runner status, or on GitHub with "
		"--github); --yes does not ask. Without a terminal to ask on, busy runners make the command "
		"fail unless --yes.",
	"kubectl arc runners delete web\n"
	"kubectl arc runners delete web --github --yes",
	delete_tables,
};

static int confirm(const char *question)
{
	FILE *tty = fopen("/dev/tty", "r+");
	char ans[16];
	int ok;
	if (!tty)
		return -1;
	fprintf(tty, "%s [y/N] ", question);
	fflush(tty);
	ok = fgets(ans, sizeof(ans), tty) && (ans[0] == 'y' || ans[0] == 'Y');
	fclose(tty);
	return ok;
}

static int runners_delete(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube *k = NULL;
	struct runners_ctx x = { arc_v_list(), arc_v_map(), NULL, arc_v_list(), 10 };
	arc_value *rd = NULL, *hra = NULL, *gh = NULL;
	const char *ns, *name;
	char *sel = NULL;
	size_t busy = 0, i;
	int rc, status = 1, existed = 0;

	memset(&dl, 0, sizeof(dl));
	memset(&g, 0, sizeof(g));
	rc = arc_opts_parse(&delete_spec, argc, argv, &pos);
	if (rc == 1) {
		status = 0;
		goto out;
	}
	if (rc) {
		status = usage_error("delete");
		goto out;
	}
	if (pos.n != 1) {
		arc_error_code(ARC_E_USAGE, "delete takes one NAME");
		status = usage_error("delete");
		goto out;
	}
	name = pos.v[0];
	if (open_kube(&k)) {
		status = fail();
		goto out;
	}
	ns = arc_kube_cfg(k)->namespace;
	rc = get_runner_deployment(k, ns, name, &rd);
	if (rc) {
		status = fail();
		goto out;
	}
	hra = find_hra(k, ns, name);
	sel = xasprintf("runner-deployment-name=%s", name);
	if (arc_kube_list(k, AV, "Runner", ns, sel, NULL, 500, collect_runner, &x, NULL)) {
		status = fail();
		goto out;
	}
	if (dl.github && github_runners(k, rd, &gh)) {
		status = fail();
		goto out;
	}
	for (i = 0; i < arc_v_list_len(x.runners); i++) {
		arc_value *r = arc_v_list_at(x.runners, i);
		const char *run = arc_obj_str(r, "status.workflow.runID");
		if ((run && *run) || (gh && !strcmp(gh_state(gh, arc_obj_str(r, "metadata.name")), "busy")))
			busy++;
	}
	if (busy && !dl.yes) {
		char q[400];
		int ok;
		snprintf(q, sizeof(q), "%zu runner%s of %s %s running a job: delete anyway?", busy,
				busy == 1 ? "" : "s",
			 name, busy == 1 ? "is" : "are");
		ok = isatty(0) ? confirm(q) : -1;
		if (ok < 0) {
			arc_error_code(ARC_E_USAGE, "%zu runner%s of %s %s busy running a job: pass --yes "
					"to delete anyway",
				       busy, busy == 1 ? "" : "s", name, busy == 1 ? "is" : "are");
			status = fail();
			goto out;
		}
		if (!ok) {
			fprintf(stderr, "Not deleted.\n");
			status = 1;
			goto out;
		}
	}
	if (hra) {
		if (arc_kube_delete(k, AV, HRA, ns, arc_obj_str(hra, "metadata.name"), NULL, &existed)) {
			status = fail();
			goto out;
		}
		if (existed)
			printf("horizontalrunnerautoscaler.actions.summerwind.dev/%s deleted\n",
			       arc_obj_str(hra, "metadata.name"));
	}
	if (arc_kube_delete(k, AV, RD, ns, name, NULL, &existed)) {
		status = fail();
		goto out;
	}
	printf("runnerdeployment.actions.summerwind.dev/%s deleted\n", name);
	status = 0;
out:
	free(sel);
	arc_v_unref(rd);
	arc_v_unref(hra);
	arc_v_unref(gh);
	arc_v_unref(x.runners);
	arc_v_unref(x.pods);
	arc_v_unref(x.events);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	return status;
}

/* ---- dispatch -------------------------------------------------------------------------------- */

static const struct {
	const char *name, *alias, *summary;
	int (*run)(int, char **);
} subs[] = {
	{ "create", NULL, "Create or update a RunnerDeployment (and autoscaler)", runners_create },
	{ "list", "ls", "List RunnerDeployments with their autoscalers", runners_list },
	{ "get", NULL, "Show one RunnerDeployment, its runners and warnings", runners_get },
	{ "scale", NULL, "Set replicas, or the autoscaler's min/max", runners_scale },
	{ "delete", "rm", "Delete a RunnerDeployment and its autoscaler", runners_delete },
};

int arc_cmd_runners(int argc, char **argv)
{
	size_t i;
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f, "Manage self-hosted runners (RunnerDeployments and "
				"HorizontalRunnerAutoscalers).\n\nUsage:\n  %s runners COMMAND "
				"[flags]\n\nCommands:\n", arc_prog());
		for (i = 0; i < ARC_ARRAY_LEN(subs); i++)
			fprintf(f, "  %-8s %s\n", subs[i].name, subs[i].summary);
		fprintf(f, "\nExamples:\n"
			   "  # autoscaled GPU runners with Docker for one repository, 0 to 4 of them\n"
			   "  %1$s runners create ml --repo octo-org/ml --gpu 1 --dind --max 4\n"
			   "  # what runs where\n"
			   "  %1$s runners list -A\n"
			   "  %1$s runners get ml --github\n"
			   "  %1$s runners scale ml --min 1 --max 8\n"
			   "  %1$s runners delete ml --yes\n",
			arc_prog());
		fprintf(f, "\nUse \"%s runners COMMAND --help\" for more about a command.\n", arc_prog());
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < ARC_ARRAY_LEN(subs); i++)
		if (!strcmp(argv[1], subs[i].name) || (subs[i].alias && !strcmp(argv[1], subs[i].alias)))
			return subs[i].run(argc - 1, argv + 1);
	fprintf(stderr, "Error: unknown command \"%s\" for \"%s runners\"\nRun '%s runners --help' for "
			"usage.\n",
		argv[1], arc_prog(), arc_prog());
	return 2;
}
