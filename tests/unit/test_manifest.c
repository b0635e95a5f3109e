/* test_manifest.c - manifest splitting, heads, hooks, InstallOrder and the
 * assembled output (expectations taken from helm v4.1.4 runs on the same input) */
#include <stdlib.h>
#include <string.h>

#include "chart/manifest.h"
#include "tap.h"

static char *join_split(const char *s)
{
	struct arc_span *v = NULL;
	size_t n = arc_manifest_split(s, strlen(s), &v), i;
	struct arc_buf b = ARC_BUF_INIT;
	for (i = 0; i < n; i++) {
		arc_buf_puts(&b, "[");
		arc_buf_add(&b, v[i].p, v[i].n);
		arc_buf_puts(&b, "]");
	}
	free(v);
	arc_buf_add(&b, "", 0);
	return arc_buf_detach(&b, NULL);
}

static void test_split(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "a: 1   \n\n\n---\n   \n---\nb: 2  \n  \n", "[a: 1][---\nb: 2]" },
		{ "kind: ConfigMap\n---\n---\nkind: Secret\n...\n", "[kind: ConfigMap][---\nkind: Secret\n...]" },
		{ "---\na: 1\n---\n", "[a: 1]" },
		{ "\n\n   \n", "" },
		{ "# only comment\n", "[# only comment]" },
		{ "a: 1\n---b: 2\n", "[a: 1][b: 2]" },
		{ "a: '---'\nb: x---\n", "[a: '---'\nb: x---]" },
		{ "  \n---\nx", "[x]" },
		{ "a\n--- \t\n\nb\n---", "[a][b]" },
		{ "", "" },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(t); i++) {
		char *got = join_split(t[i].in);
		CHECK_STR(got, t[i].want, "split");
		free(got);
	}
}

static void test_order(void)
{
	CHECK(arc_manifest_kind_order("PriorityClass") == 0, "PriorityClass first");
	CHECK(arc_manifest_kind_order("Secret") < arc_manifest_kind_order("ConfigMap"), "Secret before ConfigMap");
	CHECK(arc_manifest_kind_order("ValidatingWebhookConfiguration") == 37, "webhooks last (helm 4)");
	CHECK(arc_manifest_kind_order("Certificate") == -1, "unknown kind");
	CHECK(arc_manifest_kind_order("") == -1, "empty kind unknown");
}

static void test_match(void)
{
	CHECK(arc_path_match("templates/*.yaml", "templates/a.yaml"), "star");
	CHECK(!arc_path_match("templates/*", "templates/tests/a.yaml"), "star stops at /");
	CHECK(arc_path_match("templates/*/*", "templates/tests/a.yaml"), "two stars");
	CHECK(arc_path_match("templates/[cd]*.yaml", "templates/deployment.yaml"), "class");
	CHECK(!arc_path_match("templates/[^cd]*.yaml", "templates/deployment.yaml"), "negated class");
	CHECK(arc_path_match("templates/?.yaml", "templates/a.yaml"), "question mark");
	CHECK(!arc_path_match("templates/[a", "templates/a"), "bad pattern never matches");
	CHECK(arc_path_match("charts/sub/templates/x\\.yaml", "charts/sub/templates/x.yaml"), "escape");
	CHECK(!arc_path_match("templates/a.yaml", "templates/a.yaml.bak"), "whole name");
}

static struct arc_render_result *result(const char *const *kv, size_t n)
{
	struct arc_render_result *r = calloc(1, sizeof(*r));
	size_t i;
	r->files = calloc(n / 2 + 1, sizeof(*r->files));
	for (i = 0; i + 1 < n; i += 2) {
		r->files[r->n].name = strdup(kv[i]);
		r->files[r->n].data = strdup(kv[i + 1]);
		r->files[r->n].len = strlen(kv[i + 1]);
		r->n++;
	}
	return r;
}

static char *output(struct arc_render_result *r, const struct arc_output_opts *o, int *rc)
{
	struct arc_manifests m;
	struct arc_buf b = ARC_BUF_INIT;
	struct arc_chart *c = arc_chart_new();
	*rc = arc_manifests_sort(&m, r, NULL);
	if (*rc == 0) {
		*rc = arc_manifest_output(&b, c, &m, o);
		arc_manifests_release(&m);
	}
	arc_chart_free(c);
	arc_buf_add(&b, "", 0);
	return arc_buf_detach(&b, NULL);
}

static void test_sort_and_output(void)
{
	static const char *const files[] = {
		"c/templates/a.yaml", "a: 1   \n\n\n---\n   \n---\nb: 2  \n  \n",
		"c/templates/b.yaml", "# only comment\n",
		"c/templates/c.yaml", "kind: ConfigMap\n---\n---\nkind: Secret\n...\n",
		"c/templates/d.yaml", "\n\n   \n",
		"c/templates/h.yaml", "metadata:\n  annotations:\n    helm.sh/hook: \" Pre-Install , test-success\"\n"
				      "kind: Job\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: bogus\n",
		"c/templates/NOTES.txt", "notes are not manifests",
		"c/templates/_p.tpl", "kind: Secret",
	};
	struct arc_render_result *r = result(files, ARC_ARRAY_LEN(files));
	struct arc_output_opts o;
	const char *only[] = { "templates/c.yaml" };
	char *got;
	int rc;

	memset(&o, 0, sizeof(o));
	got = output(r, &o, &rc);
	CHECK(rc == 0, "output");
	CHECK_STR(got,
		  "---\n# Source: c/templates/c.yaml\n---\nkind: Secret\n...\n"
		  "---\n# Source: c/templates/c.yaml\nkind: ConfigMap\n"
		  "---\n# Source: c/templates/a.yaml\na: 1\n"
		  "---\n# Source: c/templates/a.yaml\n---\nb: 2\n"
		  "---\n# Source: c/templates/b.yaml\n# only comment\n"
		  "---\n# Source: c/templates/h.yaml\nmetadata:\n  annotations:\n    helm.sh/hook: \" Pre-Install , "
		  "test-success\"\nkind: Job\n",
		  "helm template's output");
	free(got);

	o.skip_tests = 1;
	got = output(r, &o, &rc);
	CHECK(rc == 0 && !strstr(got, "kind: Job"), "--skip-tests drops a test hook");
	free(got);

	o.skip_tests = 0;
	o.show_only = only;
	o.nshow_only = 1;
	got = output(r, &o, &rc);
	/* the re-split swallows the document after a literal "---" line (helm does too) */
	CHECK_STR(got,
		  "---\n# Source: c/templates/c.yaml\n"
		  "---\n# Source: c/templates/c.yaml\nkind: ConfigMap\n",
		  "--show-only");
	free(got);
	only[0] = "templates/zz.yaml";
	got = output(r, &o, &rc);
	CHECK(rc != 0 && !strcmp(arc_error_last(), "could not find template templates/zz.yaml in chart"),
	      "--show-only without a match");
	free(got);
	arc_render_result_release(r);
	free(r);
}

static void test_heads(void)
{
	static const struct {
		const char *doc, *err;
	} t[] = {
		{ "a: b: c\n", "YAML parse error on x/templates/t.yaml: error converting YAML to JSON: "
			       "yaml: mapping values are not allowed in this context" },
		{ "just text\n", "YAML parse error on x/templates/t.yaml: error unmarshaling JSON: "
				 "while decoding JSON: json: cannot unmarshal string into Go value of type "
				 "util.SimpleHead" },
		{ "metadata: [1]\nkind: [2]\n", "YAML parse error on x/templates/t.yaml: error unmarshaling JSON: while "
						"decoding JSON: json: cannot unmarshal array into Go struct field "
						"SimpleHead.kind of type string" },
		{ "metadata:\n  annotations: [1]\n",
		  "YAML parse error on x/templates/t.yaml: error unmarshaling JSON: while decoding JSON: json: "
		  "cannot unmarshal array into Go struct field .metadata.annotations of type map[string]string" },
		{ "kind: 5\nmetadata:\n  name: 7\n  annotations:\n    a: 1\n    b: null\n", NULL },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(t); i++) {
		const char *files[] = { "x/templates/t.yaml", t[i].doc };
		struct arc_render_result *r = result(files, 2);
		struct arc_manifests m;
		int rc = arc_manifests_sort(&m, r, NULL);
		if (t[i].err)
			CHECK(rc != 0 && !strcmp(arc_error_last(), t[i].err), "head error %zu: %s", i, arc_error_last());
		else
			CHECK(rc == 0 && m.nmanifests == 1 && !strcmp(m.manifests[0].kind, "5") &&
				      !strcmp(m.manifests[0].name, "7"),
			      "scalars become strings");
		if (rc == 0)
			arc_manifests_release(&m);
		arc_render_result_release(r);
		free(r);
	}
}

int main(void)
{
	test_split();
	test_order();
	test_match();
	test_sort_and_output();
	test_heads();
	printf("1..%d\n", tap_n);
	arc_error_clear();
	return tap_failed ? 1 : 0;
}
