/* uninstall.c - `kubectl arc uninstall [NAME]`: the release's objects deleted
 * in Helm's UninstallOrder (resource-policy keep honoured), the auth Secret,
 * the release records (or, with --keep-history, their status), and the CRDs
 * only with --crds after a confirmation, since that deletes every runner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../chart/release.h"
#include "../value/codec.h"
#include "cmd.h"
#include "deploy.h"
#include "kubeflags.h"
#include "hooks.h"
#include "output.h"
#include "progress.h"

static struct {
	int keep_history, crds, yes, quiet, keep_secret, wait, no_hooks;
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
	{ "no-hooks", 0, ARC_OPT_BOOL, &o.no_hooks, NULL, "Do not run the release's pre-delete and post-delete hooks",
	  NULL, 0 },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "How long to wait", "5m", 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, "client|server", "Show what would be deleted", "client", 0 },
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "json: a machine-readable summary", NULL, 0 },
	{ "quiet", 'q', ARC_OPT_BOOL, &o.quiet, NULL, "Errors only", NULL, 0 },
	{ "parallel", 0, ARC_OPT_INT, &o.parallel, "N", "Objects of one kind deleted at once", "8", 0 },
	ARC_OPT_END,
};
static const struct arc_opt *const uninstall_tables[] = { uninstall_opts, arc_kube_opts, NULL };
extern const struct arc_cmd_spec arc_uninstall_spec;
const struct arc_cmd_spec arc_uninstall_spec = {
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
static arc_value *release_crds(const struct arc_release *rel)
{
	arc_value *out = arc_v_list();
	size_t i, j;
	for (i = 0; rel->chart && i < rel->chart->nfiles; i++) {
		const struct arc_release_file *f = &rel->chart->files[i];
		arc_value *docs = NULL;
		if (!f->name || strncmp(f->name, "crds/", 5))
			continue;
		if (arc_deploy_parse_manifest(&docs, f->data ? f->data : "", f->len) == 0) {
			for (j = 0; j < arc_v_list_len(docs); j++) {
				arc_value *d = arc_v_list_at(docs, j);
				const char *k = arc_obj_str(d, "kind");
				if (k && !strcmp(k, "CustomResourceDefinition"))
					arc_v_list_push(out, arc_v_ref(d));
			}
		}
		arc_error_clear();
		arc_v_unref(docs);
	}
	return out;
}

struct found {
	arc_value *names;
	const char *ns;
};

static int on_serving(void *ctx, arc_value *s)
{
	struct found *f = ctx;
	const char *rns = NULL, *name = arc_obj_str(s, "metadata.name");
	arc_value *ann = arc_obj_at(s, "metadata.annotations"), *v;
	v = ann && ann->kind == ARC_MAP ? arc_v_map_get(ann, "meta.helm.sh/release-namespace") : NULL;
	rns = v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
	if (name && rns && !strcmp(rns, f->ns))
		arc_v_list_push(f->names, arc_v_str(name));
	return 0;
}

/* Secrets kubectl-arc made for the release beside its manifest: the webhook serving
 * certificate it keeps when cert-manager is not used (install.c) */
static int generated_secrets(struct arc_kube *k, const char *ns, const char *name, arc_value **out)
{
	struct found f;
	char *sel = xasprintf("kubectl-arc/generated=webhook-serving-cert,app.kubernetes.io/instance=%s", name);
	int rc;
	f.names = arc_v_list();
	f.ns = ns;
	rc = arc_kube_list(k, "v1", "Secret", ns, sel, NULL, 0, on_serving, &f, NULL);
	free(sel);
	if (rc) {
		arc_v_unref(f.names);
		*out = NULL;
		return rc;
	}
	*out = f.names;
	return 0;
}

/* the step failed: the record says so (with the error), and the error line is printed */
static void failed(struct arc_kube *k, struct arc_progress *p, struct arc_release *last, const char *note)
{
	char *m = xstrdup(arc_error_last());
	arc_progress_done(p, 0, NULL);
	arc_release_set_status(last, ARC_RELEASE_FAILED, m);
	if (arc_release_update(k, last) != 0)
		arc_error_clear();
	fprintf(stderr, "Error: %s%s\n", m, note);
	free(m);
}

int arc_cmd_uninstall(int argc, char **argv)
{
	struct arc_strlist pos = { NULL, 0 };
	struct arc_kube_flags kf;
	struct arc_kube *k = NULL;
	struct arc_progress *p = NULL;
	struct arc_release **hist = NULL, *last = NULL;
	struct arc_deploy_opts dopt;
	struct arc_hooks_opts ho;
	struct arc_deploy_result dr, cr;
	char *post_err = NULL;
	arc_value *objs = NULL, *crds = NULL, *kept = NULL, *generated = NULL;
	const char *name, *ns, *secret;
	size_t nhist = 0, i, secrets_deleted = 0;
	int rc, ret = 1, dry, json, crds_deleted = 0;

	memset(&o, 0, sizeof(o));
	memset(&arc_kube_cli, 0, sizeof(arc_kube_cli));
	memset(&cr, 0, sizeof(cr));
	memset(&dr, 0, sizeof(dr));
	o.timeout_ms = 5 * 60 * 1000;
	o.parallel = 8;
	rc = arc_opts_parse(&arc_uninstall_spec, argc, argv, &pos);
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
	ns = arc_kube_cli.namespace && *arc_kube_cli.namespace ? arc_kube_cli.namespace : NULL;
	if (!ns) {
		const char *hn = getenv("HELM_NAMESPACE");
		ns = getenv("HELM_PLUGIN_NAME") && hn && *hn && strcmp(hn, "default") ? hn : "actions-runner-system";
	}
	dry = o.dry_run != NULL && strcmp(o.dry_run, "false") && strcmp(o.dry_run, "none");
	json = o.output && !strcmp(o.output, "json");
	if (o.output && !json) {
		fprintf(stderr, "Error: --output must be json\n");
		ret = 2;
		goto done;
	}
	p = arc_progress_new(o.quiet ? ARC_PROGRESS_QUIET : json ? ARC_PROGRESS_PLAIN : ARC_PROGRESS_AUTO);
	arc_kube_cli_flags(&kf);
	kf.namespace = ns;
	if (arc_kube_open(&k, &kf) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	arc_kube_set_log(k, arc_log_to_stderr, NULL);
	if (arc_release_history(k, ns, name, &hist, &nhist) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
	if (!nhist) {
		fprintf(stderr, "Error: uninstall: Release not loaded: %s: release: not found (namespace %s)\n", name, ns);
		goto done;
	}
	last = hist[nhist - 1];
	if (last->info.status && !strcmp(last->info.status, ARC_RELEASE_UNINSTALLED) && !o.crds && !o.keep_history) {
		/* helm: an uninstalled release kept in history is purged by a second uninstall */
		if (arc_release_delete_all(k, ns, name) != 0) {
			fprintf(stderr, "Error: removing the release records: %s\n", arc_error_last());
			goto done;
		}
		if (!json && !o.quiet)
			printf("release \"%s\" uninstalled (its kept history removed)\n", name);
		ret = 0;
		goto done;
	}
	if (last->info.status && !strcmp(last->info.status, ARC_RELEASE_UNINSTALLED) && !o.crds) {
		if (!json && !o.quiet)
			printf("release \"%s\" is already uninstalled (history kept)\n", name);
		ret = 0;
		goto done;
	}
	if (arc_deploy_parse_manifest(&objs, last->manifest ? last->manifest : "",
				      last->manifest ? strlen(last->manifest) : 0) != 0) {
		fprintf(stderr, "Error: reading the manifest of release %s: %s\n", name, arc_error_last());
		goto done;
	}
	crds = release_crds(last);
	if (generated_secrets(k, ns, name, &generated) != 0) {
		fprintf(stderr, "Error: %s\n", arc_error_last());
		goto done;
	}
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
	secret = o.auth_secret ? o.auth_secret : last->config ? arc_obj_str(last->config, "authSecret.name") : NULL;
	if (dry) {
		printf("# kubectl arc uninstall --dry-run: release %s in namespace %s (nothing is deleted)\n", name, ns);
		for (i = 0; i < arc_v_list_len(objs); i++) {
			char *d = arc_deploy_describe(arc_v_list_at(objs, i), ns);
			printf("would delete %s\n", d);
			free(d);
		}
		for (i = 0; i < arc_v_list_len(generated); i++)
			printf("would delete Secret %s/%s\n", ns, arc_v_strptr(arc_v_list_at(generated, i)));
		if (secret && !o.keep_secret)
			printf("would delete Secret %s/%s (the auth Secret, when kubectl-arc created it)\n", ns, secret);
		for (i = 0; o.crds && i < arc_v_list_len(crds); i++)
			printf("would delete CustomResourceDefinition %s\n",
			       arc_obj_str(arc_v_list_at(crds, i), "metadata.name"));
		ret = 0;
		goto done;
	}

	/* as helm: the record says uninstalling while it happens */
	arc_release_set_status(last, ARC_RELEASE_UNINSTALLING, "Deletion in progress (or silently failed)");
	if (arc_release_update(k, last) != 0) {
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
	memset(&ho, 0, sizeof(ho));
	ho.namespace = ns;
	ho.timeout_ms = o.timeout_ms;
	ho.progress = p;
	ho.write_record = 1;
	if (!o.no_hooks && arc_hooks_run(k, last, "pre-delete", &ho) != 0) {
		failed(k, p, last, " (nothing was deleted)");
		goto done;
	}
	arc_progress_step(p, "Deleting %zu objects of release %s", arc_v_list_len(objs), name);
	if (arc_deploy_delete(k, objs, &dopt, &dr, &kept) != 0) {
		failed(k, p, last, "");
		goto done;
	}
	arc_progress_done(p, 1, "Deleted %zu objects%s", dr.changed,
			  dr.skipped ? " (some left alone: resource-policy keep, or owned by another release)" : "");
	for (i = 0; kept && i < arc_v_list_len(kept); i++)
		arc_progress_note(p, "kept %s (helm.sh/resource-policy: keep)", arc_v_strptr(arc_v_list_at(kept, i)));

	/* the Secrets kubectl-arc created beside the release: the webhook certificate, the auth Secret */
	for (i = 0; i < arc_v_list_len(generated); i++) {
		const char *gn = arc_v_strptr(arc_v_list_at(generated, i));
		int existed = 0;
		if (arc_kube_delete(k, "v1", "Secret", ns, gn, NULL, &existed) != 0) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto done;
		}
		if (existed) {
			secrets_deleted++;
			arc_progress_note(p, "deleted the webhook certificate Secret %s/%s", ns, gn);
		}
	}
	if (secret && !o.keep_secret) {
		arc_value *s = NULL;
		rc = arc_kube_get(k, "v1", "Secret", ns, secret, &s);
		if (rc && rc != ARC_E_NOTFOUND) {
			/* the Secret holds the token: never report success while it may still be there (the record
			 * stays "uninstalling": the next uninstall finishes the job) */
			const char *m = arc_error_last();
			size_t pl = strlen("reading Secret ") + strlen(ns) + 1 + strlen(secret) + 2;
			char *pre = xasprintf("reading Secret %s/%s: ", ns, secret);
			if (!strncmp(m, pre, pl)) /* the client's own prefix: said below */
				m += pl;
			free(pre);
			fprintf(stderr, "Error: reading the auth Secret %s/%s: %s (run the uninstall again)\n", ns, secret,
				m);
			goto done;
		}
		if (rc == 0) {
			const char *mb = NULL;
			arc_value *l = arc_obj_at(s, "metadata.labels"), *v;
			int existed = 0;
			v = l && l->kind == ARC_MAP ? arc_v_map_get(l, "app.kubernetes.io/managed-by") : NULL;
			mb = v && v->kind == ARC_STRING ? v->u.s.ptr : NULL;
			if (o.auth_secret || (mb && !strcmp(mb, "kubectl-arc"))) {
				if (arc_kube_delete(k, "v1", "Secret", ns, secret, NULL, &existed) != 0) {
					fprintf(stderr, "Error: %s\n", arc_error_last());
					arc_v_unref(s);
					goto done;
				}
				if (existed)
					secrets_deleted++;
				arc_progress_note(p, "deleted the auth Secret %s/%s", ns, secret);
			}
		}
		arc_error_clear();
		arc_v_unref(s);
	}
	if (o.crds && arc_v_list_len(crds)) {
		struct arc_deploy_opts copt = dopt;
		arc_progress_step(p, "Deleting %zu CRDs", arc_v_list_len(crds));
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
	/* as helm: a post-delete hook that fails is reported after the records are done */
	if (!o.no_hooks && arc_hooks_run(k, last, "post-delete", &ho) != 0) {
		post_err = xstrdup(arc_error_last());
		arc_progress_done(p, 0, NULL);
	}
	/* the records */
	if (o.keep_history) {
		arc_release_set_status(last, ARC_RELEASE_UNINSTALLED, "Uninstallation complete");
		if (arc_release_update(k, last) != 0) {
			fprintf(stderr, "Error: %s\n", arc_error_last());
			goto done;
		}
		/* as helm: earlier revisions still marked deployed become superseded */
		for (i = 0; i + 1 < nhist; i++)
			if (hist[i]->info.status && !strcmp(hist[i]->info.status, ARC_RELEASE_DEPLOYED) &&
			    arc_release_mark(k, ns, name, hist[i]->version, ARC_RELEASE_SUPERSEDED, NULL) != 0)
				arc_error_clear();
	} else if (arc_release_delete_all(k, ns, name) != 0) {
		fprintf(stderr, "Error: removing the release records: %s\n", arc_error_last());
		goto done;
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
		arc_v_map_set(m, "secretsDeleted", arc_v_int((int64_t)secrets_deleted));
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
	if (post_err) {
		fprintf(stderr, "Error: the release was uninstalled, but a post-delete hook failed: %s\n", post_err);
		ret = 1;
	}
done:
	free(post_err);
	arc_progress_free(p);
	fflush(stdout);
	arc_v_unref(objs);
	arc_v_unref(crds);
	arc_v_unref(kept);
	arc_v_unref(generated);
	arc_release_list_free(hist, nhist);
	arc_kube_close(k);
	arc_strlist_release(&pos);
	arc_strlist_release(&arc_kube_cli.as_groups);
	return ret;
}
