/* kube.c - `kubectl arc kube …`: the low-level API verbs of kubectl-arc's own
 * Kubernetes client (apply, get, list, delete, wait), for scripts and for
 * checking a cluster connection without kubectl. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	{ "timeout", 0, ARC_OPT_DURATION, &o.timeout_ms, "DURATION",
	  "How long to wait (wait, and apply waiting for its CRDs) or to watch (watch)", "60s", 0 },
	{ "chunk-size", 0, ARC_OPT_INT, &o.limit, "N", "Objects per page when listing", "500", 0 },
	{ "cascade", 0, ARC_OPT_STRING, &o.propagation, "POLICY", "Deletion propagation: background, foreground, orphan",
	  "background", 0 },
	ARC_OPT_END,
};

static const struct arc_opt *const kube_tables[] = { kube_opts, arc_kube_opts, NULL };

static const struct arc_cmd_spec kube_spec = {
	"kube", "(apply -f FILE | get APIVERSION KIND [NAME] | list APIVERSION KIND | delete APIVERSION KIND NAME | "
		"watch APIVERSION KIND [NAME] | wait APIVERSION KIND NAME --for=…) [flags]",
	"Low-level Kubernetes API calls through kubectl-arc's own client",
	"These verbs use the same client as install and runners: kubeconfig handling, server-side apply, "
	"paginated lists, watches and waits. Useful to check that kubectl-arc can reach and authenticate to a "
	"cluster.",
	"kubectl arc kube apply -f objects.yaml\n"
	"kubectl arc kube get apps/v1 Deployment -n kube-system coredns -o yaml\n"
	"kubectl arc kube list v1 ConfigMap -A -o name\n"
	"kubectl arc kube watch v1 ConfigMap --timeout=5m\n"
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

/* "deployment.apps/NAME" (kubectl's kind.group/name) */
static void kind_ref(struct arc_buf *b, const char *av, const char *kind, const char *name)
{
	const char *slash = av ? strchr(av, '/') : NULL, *p;
	for (p = kind ? kind : ""; *p; p++)
		arc_buf_putc(b, (char)tolower((unsigned char)*p));
	if (slash) {
		arc_buf_putc(b, '.');
		arc_buf_add(b, av, (size_t)(slash - av));
	}
	if (name)
		arc_buf_printf(b, "/%s", name);
}

static void obj_ref(struct arc_buf *b, arc_value *obj)
{
	kind_ref(b, arc_obj_str(obj, "apiVersion"), arc_obj_str(obj, "kind"), arc_obj_str(obj, "metadata.name"));
}

static int read_input(const char *file, char **data, size_t *len)
{
	struct arc_buf b = ARC_BUF_INIT;
	char chunk[65536];
	size_t n;
	if (strcmp(file, "-"))
		return arc_read_file(file, 64u << 20, data, len);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b.len + n > (64u << 20)) {
			arc_buf_release(&b);
			return arc_error_code(ARC_E_RANGE, "standard input is larger than 64 MiB");
		}
		arc_buf_add(&b, chunk, n);
	}
	if (ferror(stdin)) {
		arc_buf_release(&b);
		return arc_error_code(ARC_E_IO, "reading standard input failed");
	}
	*data = arc_buf_detach(&b, len);
	if (!*data)
		*data = xstrdup("");
	return 0;
}

/* CRDs applied earlier in this run: an object of a kind they define waits for them */
struct crds {
	char **names;
	size_t n, waited;
};

static int wait_crds(struct arc_kube *k, struct crds *c)
{
	for (; c->waited < c->n; c->waited++)
		if (arc_kube_wait(k, "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL, c->names[c->waited],
				  arc_kube_pred_established, NULL, o.timeout_ms))
			return -1;
	arc_kube_discovery_reset(k);
	return 0;
}

static int apply_one(struct arc_kube *k, arc_value *obj, const struct arc_kube_apply_opts *ao, struct crds *crds,
		     arc_value *results)
{
	arc_value *res = NULL;
	struct arc_buf ref = ARC_BUF_INIT;
	const char *kind = arc_obj_str(obj, "kind"), *av = arc_obj_str(obj, "apiVersion");
	int rc = arc_kube_apply(k, obj, ao, &res);
	if (rc == ARC_E_NOTFOUND && !ao->dry_run && crds->waited < crds->n &&
	    !strncmp(arc_error_last(), "no matches for kind", 19)) {
		/* its CustomResourceDefinition was just applied: wait until it is served */
		if (wait_crds(k, crds) ||
		    arc_kube_wait_served(k, av, kind, o.timeout_ms > 0 ? o.timeout_ms : 30000))
			return -1;
		rc = arc_kube_apply(k, obj, ao, &res);
	}
	if (rc)
		return -1;
	if (!ao->dry_run && kind && av && !strcmp(kind, "CustomResourceDefinition") &&
	    !strncmp(av, "apiextensions.k8s.io/", 21) && arc_obj_str(obj, "metadata.name")) {
		crds->names = xrealloc(crds->names, (crds->n + 1) * sizeof(char *));
		crds->names[crds->n++] = xstrdup(arc_obj_str(obj, "metadata.name"));
	}
	if (o.output && strcmp(o.output, "name")) {
		arc_v_list_push(results, arc_v_ref(res)); /* printed at the end, as kubectl does */
	} else {
		obj_ref(&ref, obj);
		printf("%s%s\n", arc_buf_cstr(&ref),
		       o.output ? "" : (ao->dry_run ? " serverside-applied (server dry run)" : " serverside-applied"));
	}
	fflush(stdout);
	arc_buf_release(&ref);
	arc_v_unref(res);
	return 0;
}

static int do_apply(struct arc_kube *k)
{
	struct arc_kube_apply_opts ao = { o.field_manager, o.force, o.dry_run != NULL, NULL };
	struct crds crds = { NULL, 0, 0 };
	arc_value *results;
	size_t f, i;
	int failed = 0;
	if (!o.files.n) {
		fprintf(stderr, "Error: apply needs -f FILE\nSee '%s kube --help'.\n", arc_prog());
		return 2;
	}
	results = arc_v_list();
	for (f = 0; f < o.files.n; f++) {
		char *data = NULL;
		size_t len;
		arc_value *docs = NULL;
		if (read_input(o.files.v[f], &data, &len) ||
		    arc_yaml_load(&docs, strcmp(o.files.v[f], "-") ? o.files.v[f] : "<stdin>", data, len,
				  ARC_YAML_MULTI)) {
			free(data);
			failed = fail(NULL);
			break;
		}
		free(data);
		for (i = 0; i < arc_v_list_len(docs); i++) {
			arc_value *obj = arc_v_list_at(docs, i);
			if (obj->kind != ARC_MAP || !arc_v_map_len(obj))
				continue; /* empty documents */
			if (apply_one(k, obj, &ao, &crds, results)) {
				fprintf(stderr, "Error: %s\n", arc_error_last());
				failed = 1;
			}
		}
		arc_v_unref(docs);
	}
	if (arc_v_list_len(results) == 1) {
		arc_print_object(arc_v_list_at(results, 0), o.output);
	} else if (arc_v_list_len(results) > 1) {
		arc_value *lst = arc_v_map();
		arc_v_map_set(lst, "apiVersion", arc_v_str("v1"));
		arc_v_map_set(lst, "kind", arc_v_str("List"));
		arc_v_map_set(lst, "items", arc_v_ref(results));
		arc_print_object(lst, o.output);
		arc_v_unref(lst);
	}
	arc_v_unref(results);
	for (i = 0; i < crds.n; i++)
		free(crds.names[i]);
	free(crds.names);
	return failed;
}

struct list_ctx {
	const char *format, *av, *kind;
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
		kind_ref(&ref, l->av, l->kind, arc_obj_str(item, "metadata.name"));
		printf("%s\n", arc_buf_cstr(&ref));
		arc_buf_release(&ref);
		return 0;
	}
	/* list items come without apiVersion and kind: kubectl fills them in */
	if (item->kind == ARC_MAP) {
		if (!arc_v_map_get(item, "apiVersion"))
			arc_v_map_set(item, "apiVersion", arc_v_str(l->av));
		if (!arc_v_map_get(item, "kind"))
			arc_v_map_set(item, "kind", arc_v_str(l->kind));
	}
	arc_v_list_push(l->items, arc_v_ref(item));
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

struct watch_state {
	const char *av, *kind;
	char *rv;
};

static void print_event(struct watch_state *w, const char *type, arc_value *obj)
{
	if (o.output && strcmp(o.output, "name")) {
		arc_value *ev = arc_v_map();
		arc_v_map_set(ev, "type", arc_v_str(type));
		arc_v_map_set(ev, "object", arc_v_ref(obj));
		arc_print_object(ev, o.output);
		if (!strcmp(o.output, "yaml"))
			printf("---\n");
		arc_v_unref(ev);
	} else {
		struct arc_buf ref = ARC_BUF_INIT;
		kind_ref(&ref, w->av, w->kind, arc_obj_str(obj, "metadata.name"));
		if (o.output)
			printf("%s\n", arc_buf_cstr(&ref));
		else
			printf("%s\t%s\n", type, arc_buf_cstr(&ref));
		arc_buf_release(&ref);
	}
	fflush(stdout);
}

static int on_watch_item(void *ud, arc_value *item)
{
	print_event(ud, "ADDED", item);
	return 0;
}

static int on_watch_event(void *ud, const char *type, arc_value *obj)
{
	struct watch_state *w = ud;
	const char *rv = arc_obj_str(obj, "metadata.resourceVersion");
	if (rv) {
		free(w->rv);
		w->rv = xstrdup(rv);
	}
	if (strcmp(type, "BOOKMARK"))
		print_event(w, type, obj);
	return 0;
}

/* kubectl get -w --output-watch-events: the current objects as ADDED, then every change until --timeout */
static int do_watch(struct arc_kube *k, const char *av, const char *kind, const char *ns, const char *name)
{
	struct watch_state w = { av, kind, NULL };
	char *fs = name ? xasprintf("metadata.name=%s", name) : NULL;
	long deadline = now_ms() + (o.timeout_ms > 0 ? o.timeout_ms : 365L * 86400 * 1000);
	int rc, relist = 1;

	for (;;) {
		long left = deadline - now_ms();
		if (left <= 0) {
			rc = 0;
			break;
		}
		if (relist) {
			free(w.rv);
			w.rv = NULL;
			rc = arc_kube_list(k, av, kind, ns, o.selector, fs, o.limit, on_watch_item, &w, &w.rv);
			if (rc)
				break;
			relist = 0;
		}
		rc = arc_kube_watch(k, av, kind, ns, fs, w.rv, (left + 999) / 1000, on_watch_event, &w);
		if (rc == ARC_E_RANGE) { /* resource version too old: list again (kubectl's reflector does) */
			arc_error_clear();
			relist = 1;
			continue;
		}
		if (rc == ARC_E_IO) { /* a dropped watch: resume from the last version seen */
			arc_error_clear();
			usleep(200000);
			continue;
		}
		if (rc < 0)
			break;
	}
	free(w.rv);
	free(fs);
	return rc ? fail(NULL) : 0;
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
	if (o.dry_run && !strcmp(o.dry_run, "none"))
		o.dry_run = NULL;
	if (o.dry_run && strcmp(o.dry_run, "server")) {
		fprintf(stderr, "Error: --dry-run=%s is not supported: use --dry-run=server (the server validates "
				"and nothing is stored) or none\n", o.dry_run);
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
	if (!strcmp(verb, "apply") && pos.n == 1) {
		status = do_apply(k);
	} else if (!strcmp(verb, "watch") && (pos.n == 3 || pos.n == 4)) {
		status = do_watch(k, pos.v[1], pos.v[2], o.all_ns ? NULL : ns, pos.n == 4 ? pos.v[3] : NULL);
	} else if (!strcmp(verb, "get") && pos.n == 4) {
		arc_value *obj = NULL;
		if (arc_kube_get(k, pos.v[1], pos.v[2], ns, pos.v[3], &obj)) {
			status = fail(NULL);
		} else if (o.output && !strcmp(o.output, "name")) {
			struct arc_buf ref = ARC_BUF_INIT;
			obj_ref(&ref, obj);
			printf("%s\n", arc_buf_cstr(&ref));
			arc_buf_release(&ref);
			arc_v_unref(obj);
			status = 0;
		} else {
			arc_print_object(obj, o.output ? o.output : "yaml");
			arc_v_unref(obj);
			status = 0;
		}
	} else if ((!strcmp(verb, "list") || !strcmp(verb, "get")) && pos.n == 3) {
		struct list_ctx l = { o.output, pos.v[1], pos.v[2], arc_v_list(), 0 };
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
		struct arc_buf ref = ARC_BUF_INIT;
		kind_ref(&ref, pos.v[1], pos.v[2], NULL);
		if (arc_kube_delete(k, pos.v[1], pos.v[2], ns, pos.v[3], pol, &existed)) {
			status = fail(NULL);
		} else if (!existed) {
			fprintf(stderr, "Error: %s \"%s\" not found\n", arc_buf_cstr(&ref), pos.v[3]);
			status = 1;
		} else {
			printf("%s \"%s\" deleted\n", arc_buf_cstr(&ref), pos.v[3]);
			status = 0;
		}
		arc_buf_release(&ref);
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
		if ((rc = arc_kube_wait(k, pos.v[1], pos.v[2], ns, pos.v[3], pred, pctx, o.timeout_ms)) != 0) {
			if (rc == ARC_E_RANGE)
				fprintf(stderr, "Error: %s (--for=%s)\n", arc_error_last(), f);
			else
				fail(NULL);
			status = 1;
		} else {
			struct arc_buf ref = ARC_BUF_INIT;
			kind_ref(&ref, pos.v[1], pos.v[2], pos.v[3]);
			printf("%s condition met\n", arc_buf_cstr(&ref));
			arc_buf_release(&ref);
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
