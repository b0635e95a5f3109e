/* uninstall.c - `kubectl arc uninstall [NAME]`: the release's objects deleted
 * in Helm's UninstallOrder (resource-policy keep honoured), the auth Secret,
 * the release records (or, with --keep-history, their status), and the CRDs
 * only with --crds after a confirmation, since that deletes every runner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/encoding.h"
#include "../value/codec.h"
#include "cmd.h"
#include "deploy.h"
#include "kubeflags.h"
#include "output.h"
#include "progress.h"

static struct {
	int keep_history, crds, yes, quiet, keep_secret, wait;
	const char *dry_run, *output, *auth_secret;
	long timeout_ms, parallel;
} o;

static const struct arc_opt uninstall_opts[] = {
	{ "keep-history", 0, ARC_OPT_BOOL, &o.keep_history, NULL,
	  "Keep the release records (status uninstalled), as helm uninstall --keep-history", NULL, 0 },
	{ "crds", 0, ARC_OPT_BOOL, &o.crds, NULL,
	  "Delete the chart's CRDs too: this deletes every runner and autoscaler (asks first)", NULL, 0 },
	{ "yes", 'y', ARC_OPT_BOOL, &o.yes, NULL, "Do not ask for confirmation", NULL, 0 },
	{ "keep-auth-secret", 0, ARC_OPT_BOOL, &o.keep_secret, NULL, "Leave the auth Secret in place", NULL, 0 },
	{ "auth-secret", 0, ARC_OPT_STRING, &o.auth_secret, "NAME",
	  "The auth Secret (default: the one the release names)", NULL, 0 },
	{ "wait", 0, ARC_OPT_BOOL, &o.wait, NULL, "Wait until the deleted objects are gone", NULL, 0 },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "How long to wait", "5m", 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, "client|server", "Show what would be deleted", "client", 0 },
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "json: a machine-readable summary", NULL, 0 },
	{ "quiet", 'q', ARC_OPT_BOOL, &o.quiet, NULL, "Errors only", NULL, 0 },
	{ "parallel", 0, ARC_OPT_INT, &o.parallel, "N", "Objects of one kind deleted at once", "8", 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const uninstall_tables[] = { uninstall_opts, arc_kube_opts, NULL };
static const struct arc_cmd_spec uninstall_spec = {
	"uninstall", "[NAME] [flags]", "Remove the ARC release, as helm uninstall",
	"Deletes the release's objects in Helm's uninstall order (objects annotated "
	"helm.sh/resource-policy: keep stay), the auth Secret kubectl-arc created, and the release records. "
	"The CRDs stay unless --crds: deleting them deletes every Runner, RunnerDeployment and "
	"HorizontalRunnerAutoscaler in the cluster.",
	"kubectl arc uninstall\nkubectl arc uninstall --keep-history\nkubectl arc uninstall --crds --yes",
	uninstall_tables,
};

static int confirm(const char *what)
{
	char buf[16];
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return 0;
	fprintf(tty, "%s\nType \"yes\" to continue: ", what);
	fflush(tty);
	if (!fgets(buf, sizeof(buf), tty)) {
		fclose(tty);
		return 0;
	}
	fclose(tty);
	return !strcmp(buf, "yes\n") || !strcmp(buf, "yes");
}

/* the CRD objects of crds/ files the release's chart carries */
static arc_value *release_crds(arc_value *rel)
{
	arc_value *files = arc_obj_at(rel, "chart.files"), *out = arc_v_list();
	size_t i, j;
	for (i = 0; files && files->kind == ARC_LIST && i < arc_v_list_len(files); i++) {
		arc_value *f = arc_v_list_at(files, i), *docs = NULL;
		const char *name = arc_obj_str(f, "name"), *data = arc_obj_str(f, "data");
		struct arc_buf raw = ARC_BUF_INIT;
		if (!name || !data || strncmp(name, "crds/", 5))
			continue;
		if (arc_b64_decode(&raw, data, strlen(data)) == 0 &&
		    arc_deploy_parse_manifest(&docs, raw.ptr ? raw.ptr : "", raw.len) == 0) {
			for (j = 0; j < arc_v_list_len(docs); j++) {
				arc_value *d = arc_v_list_at(docs, j);
				const char *k = arc_obj_str(d, "kind");
				if (k && !strcmp(k, "CustomResourceDefinition"))
					arc_v_list_push(out, arc_v_ref(d));
			}
		}
		arc_error_clear();
		arc_v_unref(docs);
		arc_buf_release(&raw);
	}
	return out;
}

int arc_cmd_uninstall(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_kube_flags kf;
	struct arc_kube *k = NULL;
	struct arc_progress *p = NULL;
	struct arc_rel *hist = NULL;
	struct arc_deploy_opts dopt;
	struct arc_deploy_result dr, cr;
	arc_value *objs = NULL, *crds = NULL, *kept = NULL, *last = NULL;
	const char *name, *ns, *manifest, *secret;
	size_t nhist = 0, i;
	int rc, ret = 1, dry, json, secret_deleted = 0, crds_deleted = 0;

	memset(&o, 0, sizeof(o));
	memset(&arc_kube_cli, 0, sizeof(arc_kube_cli));
	memset(&cr, 0, sizeof(cr));
	memset(&dr, 0, sizeof(dr));
	o.timeout_ms = 5 * 60 * 1000;
	o.parallel = 8;
	rc = arc_opts_parse(&uninstall_spec, argc, argv, &pos);
	if (rc == 1) {
		arc_strlist_release(&pos);
		return 0;
	}
	if (rc || pos.n > 1) {
		fprintf(stderr, "Error: %s\nSee '%s uninstall --help'.\n",
			rc ? arc_error_last() : "expected at most one argument (the release NAME)", arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	name = pos.n ? pos.v[0] : "actions-runner-controller";
	ns = arc_kube_cli.namespace && *arc_kube_cli.namespace ? arc_kube_cli.namespace : "actions-runner-system";
	dry = o.dry_run != NULL && strcmp(o.dry_run, "false") && strcmp(o.dry_run, "none");
	json = o.output && !strcmp(o.output, "json");
	if (o.output && !json) {
		fprintf(stderr, "Error: --output must be json\n");
		goto done;
	}
	p = arc_progress_new(o.quiet ? ARC_PROGRESS_QUIET : json ? ARC_PROGRESS_PLAIN : ARC_PROGRESS_AUTO);
	arc_kube_cli_flags(&kf);
	kf.namespace = ns;
	if (arc_kube_open(&k, &kf) != 0 || arc_rel_history(k, ns, name, &hist, &nhist) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	arc_kube_set_log(k, arc_log_to_stderr, NULL);
	if (!nhist) {
		fprintf(stderr, "Error: uninstall: Release not loaded: %s: release: not found (namespace %s)\n", name, ns);
		goto done;
	}
	last = arc_v_copy_deep(hist[nhist - 1].rel);
	if (!strcmp(hist[nhist - 1].status, "uninstalled") && !o.crds) {
		if (!json && !o.quiet)
			printf("release \"%s\" is already uninstalled (history kept)\n", name);
		ret = 0;
		goto done;
	}
	manifest = arc_obj_str(last, "manifest");
	if (arc_deploy_parse_manifest(&objs, manifest ? manifest : "", manifest ? strlen(manifest) : 0) != 0) {
		fprintf(stderr, "Error: reading the manifest of release %s: %s\n", name, arc_error_last());
		goto done;
	}
	crds = release_crds(last);
	if (o.crds && arc_v_list_len(crds) && !dry && !o.yes) {
		struct arc_buf q = ARC_BUF_INIT;
		arc_buf_printf(&q, "--crds deletes %zu CRDs (", arc_v_list_len(crds));
		for (i = 0; i < arc_v_list_len(crds); i++)
			arc_buf_printf(&q, "%s%s", i ? ", " : "", arc_obj_str(arc_v_list_at(crds, i), "metadata.name"));
		arc_buf_puts(&q, ") and with them every runner and autoscaler in the cluster.");
		if (!isatty(0) || !confirm(arc_buf_cstr(&q))) {
			fprintf(stderr, "Error: not confirmed: --crds deletes every runner; pass --yes to confirm without "
					"a terminal\n");
			arc_buf_release(&q);
			goto done;
		}
		arc_buf_release(&q);
	}
	if (dry) {
		printf("# kubectl arc uninstall --dry-run: release %s in namespace %s (nothing is deleted)\n", name, ns);
		for (i = 0; i < arc_v_list_len(objs); i++) {
			char *d = arc_deploy_describe(arc_v_list_at(objs, i), ns);
			printf("would delete %s\n", d);
			free(d);
		}
		for (i = 0; o.crds && i < arc_v_list_len(crds); i++)
			printf("would delete CustomResourceDefinition %s\n",
			       arc_obj_str(arc_v_list_at(crds, i), "metadata.name"));
		ret = 0;
		goto done;
	}

	/* as helm: the record says uninstalling while it happens */
	arc_rel_set_status(last, "uninstalling", "Deletion in progress (or silently failed)");
	if (arc_rel_write(k, last, 0) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	memset(&dopt, 0, sizeof(dopt));
	dopt.flags = &kf;
	dopt.log_fn = arc_log_to_stderr;
	dopt.namespace = ns;
	dopt.release = name;
	dopt.release_ns = ns;
	dopt.max_parallel = (int)o.parallel;
	dopt.timeout_ms = o.timeout_ms;
	dopt.progress = p;
	arc_progress_step(p, "Deleting %zu objects of release %s", arc_v_list_len(objs), name);
	if (arc_deploy_delete(k, objs, &dopt, &dr, &kept) != 0) {
		char *m = xstrdup(arc_error_last());
		arc_progress_done(p, 0, NULL);
		arc_rel_set_status(last, "failed", m);
		arc_rel_write(k, last, 0);
		fprintf(stderr, "Error: %s\n", m);
		free(m);
		goto done;
	}
	arc_progress_done(p, 1, "Deleted %zu objects%s", dr.changed,
			  dr.skipped ? " (some left alone: resource-policy keep, or owned by another release)" : "");
	for (i = 0; kept && i < arc_v_list_len(kept); i++)
		arc_progress_note(p, "kept %s (helm.sh/resource-policy: keep)", arc_v_strptr(arc_v_list_at(kept, i)));

	/* the auth Secret kubectl-arc created for this release */
	secret = o.auth_secret ? o.auth_secret : arc_obj_str(last, "config.authSecret.name");
	if (secret && !o.keep_secret) {
		arc_value *s = NULL;
		if (arc_kube_get(k, "v1", "Secret", ns, secret, &s) == 0) {
			const char *mb = NULL;
			arc_value *l = arc_obj_at(s, "metadata.labels"), *v;
			v = l && l->kind == ARC_MAP ? arc_v_map_get(l, "app.kubernetes.io/managed-by") : NULL;
			mb = v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
			if (o.auth_secret || (mb && !strcmp(mb, "kubectl-arc"))) {
				if (arc_kube_delete(k, "v1", "Secret", ns, secret, NULL, &secret_deleted) != 0) {
					fprintf(stderr, "Error: %s\n", arc_error_last());
					arc_v_unref(s);
					goto done;
				}
				arc_progress_note(p, "deleted the auth Secret %s/%s", ns, secret);
			}
		}
		arc_error_clear();
		arc_v_unref(s);
	}
	if (o.crds && arc_v_list_len(crds)) {
		arc_progress_step(p, "Deleting %zu CRDs", arc_v_list_len(crds));
		struct arc_deploy_opts copt = dopt;
		copt.release = NULL; /* crds/ objects carry no release annotations */
		if (arc_deploy_delete(k, crds, &copt, &cr, NULL) != 0) {
			arc_progress_done(p, 0, NULL);
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto done;
		}
		crds_deleted = (int)cr.changed;
		arc_progress_done(p, 1, "Deleted %zu CRDs", cr.changed);
	}
	if (o.wait) {
		arc_progress_step(p, "Waiting until the objects are gone");
		for (i = 0; i < arc_v_list_len(objs); i++) {
			arc_value *obj = arc_v_list_at(objs, i);
			const char *ons = arc_obj_str(obj, "metadata.namespace");
			struct arc_kube_res r;
			if (arc_kube_resolve(k, arc_obj_str(obj, "apiVersion"), arc_obj_str(obj, "kind"), &r) != 0) {
				arc_error_clear();
				continue;
			}
			if (arc_kube_wait(k, arc_obj_str(obj, "apiVersion"), arc_obj_str(obj, "kind"),
					  r.namespaced ? (ons ? ons : ns) : NULL, arc_obj_str(obj, "metadata.name"),
					  arc_kube_pred_gone, NULL, o.timeout_ms) != 0) {
				arc_progress_done(p, 0, NULL);
				fprintf(stderr, "Error: %s\n", arc_error_last());
				goto done;
			}
		}
		arc_progress_done(p, 1, "Everything is gone");
	}
	/* the records */
	if (o.keep_history) {
		arc_rel_set_status(last, "uninstalled", "Uninstallation complete");
		if (arc_rel_write(k, last, 0) != 0) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto done;
		}
	} else {
		for (i = 0; i < nhist; i++)
			if (arc_rel_delete(k, ns, name, hist[i].version) != 0) {
				fprintf(stderr, "Error: removing the release records: %s\n", arc_error_last());
				goto done;
			}
	}
	arc_progress_free(p);
	p = NULL;
	if (json) {
		arc_value *m = arc_v_map();
		struct arc_buf b = ARC_BUF_INIT;
		arc_v_map_set(m, "name", arc_v_str(name));
		arc_v_map_set(m, "namespace", arc_v_str(ns));
		arc_v_map_set(m, "deleted", arc_v_int((int64_t)dr.changed));
		arc_v_map_set(m, "kept", kept ? arc_v_ref(kept) : arc_v_list());
		arc_v_map_set(m, "authSecretDeleted", arc_v_bool(secret_deleted));
		arc_v_map_set(m, "crdsDeleted", arc_v_int(crds_deleted));
		arc_v_map_set(m, "historyKept", arc_v_bool(o.keep_history));
		arc_json_dump(&b, m, ARC_JSON_INDENT);
		printf("%s\n", arc_buf_cstr(&b));
		arc_buf_release(&b);
		arc_v_unref(m);
	} else if (!o.quiet) {
		printf("release \"%s\" uninstalled\n", name);
		if (!o.crds && arc_v_list_len(crds))
			printf("The %zu CRDs stay (runners and autoscalers keep existing); remove them with "
			       "`%s uninstall --crds` after a reinstall, or `kubectl delete crd …`.\n",
			       arc_v_list_len(crds), arc_prog());
	}
	ret = 0;
done:
	arc_progress_free(p);
	fflush(stdout);
	arc_v_unref(objs);
	arc_v_unref(crds);
	arc_v_unref(kept);
	arc_v_unref(last);
	arc_rel_history_free(hist, nhist);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	arc_strlist_release(&arc_kube_cli.as_groups);
	return ret;
}
