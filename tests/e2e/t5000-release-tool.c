/* t5000-release-tool.c - test-only driver of plugin/chart/release.[ch] for
 * t5000-release-records.sh (built by that script against build/libarc.a).  Until the install
 * command records releases itself, it plays kubectl-arc's part: applying a rendered manifest with
 * Helm's ownership metadata and writing, reading, marking and pruning the release records.
 *
 *   get NS NAME [VERSION]           print the release JSON (kubectl-arc's encoding of what it read)
 *   history NS NAME                 "VERSION STATUS LABEL-STATUS DESCRIPTION" per revision
 *   apply NS RELEASE MANIFEST       server-side apply (manager helm) with Helm's ownership metadata
 *   deploy NS NAME CHART MANIFEST CONFIG.json [NOTES [HISTORY-MAX]]
 *                                   record an install (pending-install, then deployed) or, when the
 *                                   release has revisions, an upgrade as helm does it
 *   prune NS NAME MAX               arc_release_prune; prints the number deleted
 *   delete-all NS NAME              delete every record of the release
 * Exit status 0 on success; errors on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "chart/load.h"
#include "chart/release.h"
#include "kube/api.h"
#include "value/codec.h"

static int fail(const char *what)
{
	fprintf(stderr, "error: %s: %s\n", what, arc_error_last());
	return 1;
}

static char *read_all(const char *path, size_t *len)
{
	char *d = NULL;
	if (arc_read_file(path, 0, &d, len) != 0)
		return NULL;
	return d;
}

static int cmd_get(struct arc_kube *k, char **av, int ac)
{
	struct arc_release *r = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_release_get(k, av[0], av[1], ac > 2 ? atoi(av[2]) : 0, &r) != 0)
		return fail("get");
	if (arc_release_to_json(&b, r) != 0)
		return fail("to_json");
	fwrite(b.ptr, 1, b.len, stdout);
	arc_buf_release(&b);
	arc_release_free(r);
	return 0;
}

static int cmd_history(struct arc_kube *k, char **av)
{
	struct arc_release **h = NULL;
	size_t n = 0, i;
	if (arc_release_history(k, av[0], av[1], &h, &n) != 0)
		return fail("history");
	for (i = 0; i < n; i++) {
		arc_value *l = h[i]->labels ? arc_v_map_get(h[i]->labels, "status") : NULL;
		printf("%d %s %s %s\n", h[i]->version, h[i]->info.status ? h[i]->info.status : "-",
		       l && l->kind == ARC_STRING ? arc_v_strptr(l) : "-",
		       h[i]->info.description ? h[i]->info.description : "");
	}
	arc_release_list_free(h, n);
	return 0;
}

static arc_value *sub_map(arc_value *m, const char *k)
{
	arc_value *v = arc_v_map_get(m, k);
	if (!v || v->kind != ARC_MAP) {
		v = arc_v_map();
		arc_v_map_set(m, k, v);
	}
	return v;
}

static int cmd_apply(struct arc_kube *k, char **av)
{
	size_t len, i;
	char *text = read_all(av[2], &len);
	arc_value *docs = NULL;
	struct arc_kube_apply_opts o = { "helm", 1, 0, av[0] };
	if (!text)
		return fail("read manifest");
	if (arc_yaml_load(&docs, av[2], text, len, ARC_YAML_MULTI) != 0)
		return fail("parse manifest");
	free(text);
	for (i = 0; i < arc_v_list_len(docs); i++) {
		arc_value *d = arc_v_list_at(docs, i), *md;
		if (d->kind != ARC_MAP)
			continue;
		md = sub_map(d, "metadata");
		arc_v_map_set(sub_map(md, "labels"), "app.kubernetes.io/managed-by", arc_v_str("Helm"));
		arc_v_map_set(sub_map(md, "annotations"), "meta.helm.sh/release-name", arc_v_str(av[1]));
		arc_v_map_set(sub_map(md, "annotations"), "meta.helm.sh/release-namespace", arc_v_str(av[0]));
		if (arc_kube_apply(k, d, &o, NULL) != 0)
			return fail("apply");
	}
	arc_v_unref(docs);
	return 0;
}

/* helm's install and upgrade, as far as the records go */
static int cmd_deploy(struct arc_kube *k, char **av, int ac)
{
	const char *ns = av[0], *name = av[1];
	struct arc_release **h = NULL, *r = arc_release_new(), *cur = NULL;
	struct arc_chart *c = NULL;
	size_t n = 0, len, i;
	char *text;
	int max = ac > 6 ? atoi(av[6]) : 0, upgrade;
	if (arc_release_history(k, ns, name, &h, &n) != 0)
		return fail("history");
	upgrade = n > 0;
	r->name = xstrdup(name);
	r->namespace = xstrdup(ns);
	r->apply_method = xstrdup("ssa");
	if (arc_chart_load_dir(&c, av[2]) != 0)
		return fail("load chart");
	if (arc_release_chart_from(&r->chart, c, NULL) != 0)
		return fail("chart");
	arc_chart_free(c);
	if (!(text = read_all(av[3], &len)))
		return fail("read manifest");
	r->manifest = text;
	if (!(text = read_all(av[4], &len)))
		return fail("read config");
	if (arc_json_load(&r->config, av[4], text, len) != 0)
		return fail("parse config");
	free(text);
	if (ac > 5 && *av[5]) {
		if (!(text = read_all(av[5], &len)))
			return fail("read notes");
		r->info.notes = text;
	}
	r->info.last_deployed = arc_release_now();
	if (!upgrade) {
		r->version = 1;
		r->info.first_deployed = xstrdup(r->info.last_deployed);
		arc_release_set_status(r, ARC_RELEASE_PENDING_INSTALL, "Initial install underway");
	} else {
		struct arc_release *last = h[n - 1];
		r->version = last->version + 1;
		/* helm: first_deployed from the deployed release, labels from the last one */
		for (i = n; i-- > 0;)
			if (h[i]->info.status && !strcmp(h[i]->info.status, ARC_RELEASE_DEPLOYED)) {
				cur = h[i];
				break;
			}
		arc_release_set_str(&r->info.first_deployed,
				    (cur ? cur : last)->info.first_deployed);
		r->labels = last->labels ? arc_v_ref(last->labels) : NULL;
		arc_release_set_status(r, ARC_RELEASE_PENDING_UPGRADE, "Preparing upgrade");
		if (max > 0 && arc_release_prune(k, ns, name, max - 1, NULL) != 0)
			return fail("prune");
	}
	if (arc_release_create(k, r) != 0)
		return fail("create");
	/* the objects are applied here (done by `apply` before this command) */
	if (cur) {
		arc_release_set_status(cur, ARC_RELEASE_SUPERSEDED, NULL);
		if (arc_release_update(k, cur) != 0)
			return fail("supersede");
	}
	arc_release_set_status(r, ARC_RELEASE_DEPLOYED, upgrade ? "Upgrade complete" : "Install complete");
	if (arc_release_update(k, r) != 0)
		return fail("update");
	arc_release_free(r);
	arc_release_list_free(h, n);
	return 0;
}

int main(int argc, char **argv)
{
	struct arc_kube_flags f;
	struct arc_kube *k = NULL;
	int rc = 2;
	size_t del = 0;
	if (argc < 4) {
		fprintf(stderr, "usage: %s get|history|apply|deploy|prune|delete-all NS NAME …\n", argv[0]);
		return 2;
	}
	memset(&f, 0, sizeof(f));
	if (arc_kube_open(&k, &f) != 0)
		return fail("kube");
	if (!strcmp(argv[1], "get"))
		rc = cmd_get(k, argv + 2, argc - 2);
	else if (!strcmp(argv[1], "history"))
		rc = cmd_history(k, argv + 2);
	else if (!strcmp(argv[1], "apply") && argc >= 5)
		rc = cmd_apply(k, argv + 2);
	else if (!strcmp(argv[1], "deploy") && argc >= 7)
		rc = cmd_deploy(k, argv + 2, argc - 2);
	else if (!strcmp(argv[1], "prune") && argc >= 5) {
		rc = arc_release_prune(k, argv[2], argv[3], atoi(argv[4]), &del) ? fail("prune") : 0;
		printf("%zu\n", del);
	} else if (!strcmp(argv[1], "delete-all"))
		rc = arc_release_delete_all(k, argv[2], argv[3]) ? fail("delete-all") : 0;
	arc_kube_close(k);
	return rc;
}
