/* kube.c - `kubectl arc kube …`: the low-level API verbs of kubectl-arc's own
 * Kubernetes client (apply, get, list, delete, wait), for scripts and for
 * checking a cluster connection without kubectl. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kube/api.h"
#include "../value/codec.h"
#include "cmd.h"
#include "kubeflags.h"
#include "output.h"

static struct {
	struct arc_strlist files;
	const char *output, *dry_run, *field_manager, *selector, *for_cond, *propagation;
	int force, all_ns;
	long timeout_ms, limit;
} o;

static const struct arc_opt kube_opts[] = {
	{ "filename", 'f', ARC_OPT_LIST, &o.files, "FILE", "Objects to apply (YAML or JSON, '-' for stdin)", NULL, 0 },
	{ "output", 'o', ARC_OPT_STRING, &o.output, "FORMAT", "Output format: json, yaml or name", NULL, 0 },
	{ "dry-run", 0, ARC_OPT_OPTSTR, &o.dry_run, "server", "Only ask the server to validate (dryRun=All)",
	  "server", 0 },
	{ "force-conflicts", 0, ARC_OPT_BOOL, &o.force, NULL, "Take over fields owned by other field managers", NULL,
	  0 },
	{ "field-manager", 0, ARC_OPT_STRING, &o.field_manager, "NAME", "Field manager for server-side apply",
	  "kubectl-arc", 0 },
	{ "selector", 'l', ARC_OPT_STRING, &o.selector, "SELECTOR", "Label selector for list", NULL, 0 },
	{ "all-namespaces", 'A', ARC_OPT_BOOL, &o.all_ns, NULL, "List across all namespaces", NULL, 0 },
	{ "for", 0, ARC_OPT_STRING, &o.for_cond, "CONDITION",
	  "What to wait for: condition=NAME, rollout, established, exists or delete", NULL, 0 },
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION", "How long to wait", "60s", 0 },
	{ "chunk-size", 0, ARC_OPT_INT, &o.limit, "N", "Objects per page when listing", "500", 0 },
	{ "cascade", 0, ARC_OPT_STRING, &o.propagation, "POLICY", "Deletion propagation: background, foreground, orphan",
	  "background", 0 },
	ARC_OPT_END,
};

static const struct arc_opt *const kube_tables[] = { kube_opts, arc_kube_opts, NULL };

static const struct arc_cmd_spec kube_spec = {
	"kube", "(apply -f FILE | get APIVERSION KIND [NAME] | list APIVERSION KIND | delete APIVERSION KIND NAME | "
		"wait APIVERSION KIND NAME --for=…) [flags]",
	"Low-level Kubernetes API calls through kubectl-arc's own client",
	"These verbs use the same client as install and runners: kubeconfig handling, server-side apply, "
	"paginated lists, watches and waits. Useful to check that kubectl-arc can reach and authenticate to a "
	"cluster.",
	"kubectl arc kube apply -f objects.yaml\n"
	"kubectl arc kube get apps/v1 Deployment -n kube-system coredns -o yaml\n"
	"kubectl arc kube list v1 ConfigMap -A -o name\n"
	"kubectl arc kube wait apiextensions.k8s.io/v1 CustomResourceDefinition runners.actions.summerwind.dev "
	"--for=established\n"
	"kubectl arc kube delete v1 ConfigMap -n default example",
	kube_tables,
};

static int fail(const char *what)
{
	fprintf(stderr, "Error: %s%s%s\n", what ? what : "", what ? ": " : "", arc_error_last());
	return 1;
}

static void kind_ref(struct arc_buf *b, arc_value *obj)
{
	const char *av = arc_obj_str(obj, "apiVersion"), *kind = arc_obj_str(obj, "kind");
	const char *name = arc_obj_str(obj, "metadata.name"), *slash = av ? strchr(av, '/') : NULL;
	const char *p;
	for (p = kind ? kind : ""; *p; p++)
		arc_buf_putc(b, (char)tolower((unsigned char)*p));
	if (slash) {
		arc_buf_putc(b, '.');
		arc_buf_add(b, av, (size_t)(slash - av));
	}
	arc_buf_printf(b, "/%s", name ? name : "");
}

static int do_apply(struct arc_kube *k)
{
	struct arc_kube_apply_opts ao = { o.field_manager, o.force, o.dry_run != NULL, NULL };
	size_t f, i;
	int failed = 0;
	if (!o.files.n) {
		arc_error_code(ARC_E_USAGE, "apply needs -f FILE");
		return 2;
	}
	for (f = 0; f < o.files.n; f++) {
		char *data;
		size_t len;
		arc_value *docs = NULL;
		if (arc_read_file(o.files.v[f], 64u << 20, &data, &len) ||
		    arc_yaml_load(&docs, o.files.v[f], data, len, ARC_YAML_MULTI)) {
			if (docs == NULL && data == NULL)
				return fail(NULL);
			free(data);
			return fail(NULL);
		}
		free(data);
		for (i = 0; i < arc_v_list_len(docs); i++) {
			arc_value *obj = arc_v_list_at(docs, i), *res = NULL;
			struct arc_buf ref = ARC_BUF_INIT;
			if (obj->kind != ARC_MAP)
				continue;
			if (arc_kube_apply(k, obj, &ao, &res)) {
				fprintf(stderr, "Error: %s\n", arc_error_last());
				failed = 1;
				continue;
			}
			if (o.output && strcmp(o.output, "name")) {
				arc_print_object(res, o.output);
			} else {
				kind_ref(&ref, obj);
				printf("%s%s\n", arc_buf_cstr(&ref),
				       o.output ? "" : (o.dry_run ? " serverside-applied (server dry run)"
								  : " serverside-applied"));
			}
			arc_buf_release(&ref);
			arc_v_unref(res);
		}
		arc_v_unref(docs);
	}
	return failed;
}

struct list_ctx {
	const char *format;
	arc_value *items;
	size_t n;
};

static int on_item(void *ud, arc_value *item)
{
	struct list_ctx *l = ud;
	l->n++;
	if (!l->format || !strcmp(l->format, "name")) {
		struct arc_buf ref = ARC_BUF_INIT;
		const char *ns = arc_obj_str(item, "metadata.namespace");
		if (!l->format && ns)
			printf("%s\t", ns);
		kind_ref(&ref, item);
		printf("%s\n", arc_buf_cstr(&ref));
		arc_buf_release(&ref);
		return 0;
	}
	arc_v_list_push(l->items, arc_v_ref(item));
	return 0;
}

int arc_cmd_kube(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	struct arc_kube_flags kf;
	struct arc_kube *k = NULL;
	const char *verb, *ns;
	int rc, status = 1;

	memset(&o, 0, sizeof(o));
	o.timeout_ms = 60000;
	rc = arc_opts_parse(&kube_spec, argc, argv, &pos);
	if (rc == 1)
		return 0;
	if (rc) {
		fprintf(stderr, "Error: %s\nSee '%s kube --help'.\n", arc_error_last(), arc_prog());
		return 2;
	}
	if (pos.n < 1) {
		fprintf(stderr, "Error: a verb is required (apply, get, list, delete, wait)\nSee '%s kube --help'.\n",
			arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	if (o.output && strcmp(o.output, "json") && strcmp(o.output, "yaml") && strcmp(o.output, "name")) {
		fprintf(stderr, "Error: unknown output format \"%s\": use json, yaml or name\n", o.output);
		arc_strlist_release(&pos);
		return 2;
	}
	verb = pos.v[0];
	arc_kube_cli_flags(&kf);
	if (arc_kube_open(&k, &kf)) {
		status = fail(NULL);
		goto out;
	}
	arc_kube_set_log(k, arc_log_to_stderr, NULL);
	ns = arc_kube_cfg(k)->namespace;
	if (!strcmp(verb, "apply")) {
		status = do_apply(k);
		if (status == 2)
			fprintf(stderr, "Error: %s\n", arc_error_last());
	} else if (!strcmp(verb, "get") && pos.n == 4) {
		arc_value *obj = NULL;
		if (arc_kube_get(k, pos.v[1], pos.v[2], ns, pos.v[3], &obj)) {
			status = fail(NULL);
		} else {
			arc_print_object(obj, o.output ? o.output : "yaml");
			arc_v_unref(obj);
			status = 0;
		}
	} else if ((!strcmp(verb, "list") || !strcmp(verb, "get")) && pos.n == 3) {
		struct list_ctx l = { o.output, arc_v_list(), 0 };
		if (arc_kube_list(k, pos.v[1], pos.v[2], o.all_ns ? NULL : ns, o.selector, NULL, o.limit, on_item, &l,
				  NULL)) {
			status = fail(NULL);
		} else {
			if (l.format && strcmp(l.format, "name")) {
				arc_value *lst = arc_v_map();
				arc_v_map_set(lst, "apiVersion", arc_v_str("v1"));
				arc_v_map_set(lst, "kind", arc_v_str("List"));
				arc_v_map_set(lst, "items", arc_v_ref(l.items));
				arc_print_object(lst, l.format);
				arc_v_unref(lst);
			} else if (l.n == 0) {
				fprintf(stderr, "No resources found%s%s.\n", o.all_ns ? "" : " in ",
					o.all_ns ? "" : ns);
			}
			status = 0;
		}
		arc_v_unref(l.items);
	} else if (!strcmp(verb, "delete") && pos.n == 4) {
		int existed = 0;
		char pol[16];
		const char *p = o.propagation ? o.propagation : "background";
		snprintf(pol, sizeof(pol), "%c%s", toupper((unsigned char)p[0]), p + 1);
		if (arc_kube_delete(k, pos.v[1], pos.v[2], ns, pos.v[3], pol, &existed)) {
			status = fail(NULL);
		} else if (!existed) {
			fprintf(stderr, "Error: %s \"%s\" not found\n", pos.v[2], pos.v[3]);
			status = 1;
		} else {
			printf("%s \"%s\" deleted\n", pos.v[2], pos.v[3]);
			status = 0;
		}
	} else if (!strcmp(verb, "wait") && pos.n == 4) {
		const char *f = o.for_cond ? o.for_cond : "exists";
		arc_kube_pred_fn pred = NULL;
		void *pctx = NULL;
		if (!strncmp(f, "condition=", 10)) {
			pred = arc_kube_pred_condition;
			pctx = (void *)(f + 10);
		} else if (!strcmp(f, "rollout")) {
			pred = arc_kube_pred_rollout;
		} else if (!strcmp(f, "established")) {
			pred = arc_kube_pred_established;
		} else if (!strcmp(f, "exists")) {
			pred = arc_kube_pred_exists;
		} else if (!strcmp(f, "delete")) {
			pred = arc_kube_pred_gone;
		} else {
			fprintf(stderr, "Error: unknown --for \"%s\": use condition=NAME, rollout, established, exists "
					"or delete\n", f);
			status = 2;
			goto out;
		}
		if (arc_kube_wait(k, pos.v[1], pos.v[2], ns, pos.v[3], pred, pctx, o.timeout_ms)) {
			status = fail(NULL);
		} else {
			printf("%s/%s condition met\n", pos.v[2], pos.v[3]);
			status = 0;
		}
	} else {
		fprintf(stderr, "Error: unknown verb or wrong arguments: %s\nSee '%s kube --help'.\n", verb, arc_prog());
		status = 2;
	}
out:
	arc_kube_close(k);
	arc_strlist_release(&pos);
	arc_strlist_release(&o.files);
	return status;
}
