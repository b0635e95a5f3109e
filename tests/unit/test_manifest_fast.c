/* test_manifest_fast.c - the fast reading of document heads (manifest.c's line
 * scanner) against the full YAML decoder it stands in for: whatever document the
 * scanner takes, the decoder must take too, with the same apiVersion, kind,
 * name and hook annotations.  The decoder's results are checked against helm by
 * the chart cases; here they are the reference.  Documents: tricky ones written
 * for the purpose, then thousands of mutations of ordinary ones. */
#include <stdlib.h>
#include <string.h>

#include "chart/manifest.c"
#include "tap.h"

static const char *const docs[] = {
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    helm.sh/hook: pre-install\n"
	"    helm.sh/hook-weight: \"5\"\ndata:\n  a.yaml: |\n    b: c\n    d:\n    - e\n  f: 'it''s'\n",
	"# Source: c/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
	"  labels: {app: d, tier: \"web\"}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n"
	"        args: [\"--a\", b, 'c']\n        env:\n        - name: X\n          value: \"1\"\n"
	"        resources: {}\n      volumes: []\n",
	"kind: K\nx:\n- a\n- b\ny: 1\nz: >-\n  folded\n  text\n\n  more\nw: plain text\n  continued here\n",
	"kind: 5\nmetadata:\n  name: 7\n  annotations:\n    a: 1\n    b: null\n    c: 0644\n    d: yes\n",
	"kind: 0x10\n", "kind: 010\n", "kind: 1.5\n", "kind: on\n", "kind: ~\n", "kind: null\n", "kind: 1_000\n",
	"kind: .inf\n", "kind: K\nx: .nan\n", "kind: K\nx: [.inf]\n", "kind: K\nkind: L\n", "Kind: K\nkind: L\n",
	"KIND: K\n", "kind: K\n~: 1\n", "kind: K\nnull: 1\n", "kind: K\ny: 1\n", "kind: K\n18446744073709551616: 1\n",
	"kind: K\nx: &a 1\ny: *a\n", "kind: K\n<<: {a: 1}\n", "kind: K\nx: !!binary aGk=\n", "kind: K\nx:\t1\n",
	"kind: K\n\tx: 1\n", "kind: K\nx: |\n  a\tb\n", "kind: K\nx: |\n \ta\n", "kind: K\nx: |\n\n  a\n",
	"kind: K\nx: |2\n   a\n", "kind: K\nx: a: b\n", "kind: K\nx: a:b\n", "kind: K\nx: - a\n", "kind: K\n- a\n",
	"- a\n- b\n", "just text\n", "kind: K\n  x: 1\n", "kind: K\nx:\n  y: 1\n z: 2\n",
	"kind: K\nx:\n  - a: 1\n   b: 2\n", "kind: K\nx:\n  - - a\n", "kind: K\nx: \"\\x41\"\n", "kind: \"a\\\"b\"\n",
	"kind: K\nx: \"a\n  b\"\n", "kind: K\nx: a\n  - b\n", "kind: K\nx: a # c\n  b\n", "kind: K\n? a\n: b\n",
	"kind: K\nx: @a\n", "kind: K\nx: {a: b: c}\n", "kind: K\nx: [a, b,]\n", "kind: K\nx: {null: 1}\n",
	"metadata:\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook: post-install\nkind: Job\n",
	"metadata:\n  annotations:\n    x: [1]\nkind: Job\n", "metadata:\n  annotations: {}\nkind: Job\n",
	"metadata:\n  annotations:\nkind: Job\n", "metadata: {}\nkind: Job\n", "metadata:\n- a\n", "metadata: a\n",
	"metadata:\n  name: a\n  Name: b\n", "kind: K\n...\nkind: L\n", "%YAML 1.1\n--- \nkind: K\n",
	"kind: K\nx: \xc2\x85" "y\n", "kind: K\nx: a\xe2\x80\xa8" "b\n", "kind: caf\xc3\xa9\n", "kind: K\nx: a\xc3\n",
	"kind: K\nx: a\r\ny: b\n", "# only\n# comments\n", "  kind: K\n  x: 1\n", "\"kind\": K\n'apiVersion': v1\n",
};

static int same(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

/* 1 when the scanner declines or agrees with the decoder; *took when it took the document */
static int agrees(const char *s, size_t n, int *took)
{
	struct head f, d;
	int ok;
	memset(&f, 0, sizeof(f));
	*took = fast_head(&f, s, n);
	if (!*took)
		return 1;
	if (decode_head(&d, "t", s, n) != 0) {
		head_release(&f);
		return 0;
	}
	ok = same(f.api_version, d.api_version) && same(f.kind, d.kind) && same(f.name, d.name) &&
	     same(f.hook, d.hook) && same(f.weight, d.weight);
	head_release(&f);
	head_release(&d);
	return ok;
}

static unsigned long long rnd_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static const char *const bits[] = { " ", "  ", ":", ": ", "-", "- ", "#", " #", "|", ">", "'", "\"", "[", "]",
				    "{", "}", ",", "&a", "*a", "!!str ", "?", "\t", "\n", "\n  ", "\n- ", "\\",
				    "~", "null", "yes", ".inf", "0x1", "kind: X\n", "\xc2\x85", "\r", "{}" };

int main(void)
{
	size_t i;
	int took, n_took = 0;
	for (i = 0; i < ARC_ARRAY_LEN(docs); i++) {
		CHECK(agrees(docs[i], strlen(docs[i]), &took), "document %zu: the scanner agrees with the decoder", i);
		n_took += took;
	}
	CHECK(n_took > 5, "the scanner takes ordinary documents (%d of %zu here)", n_took, ARC_ARRAY_LEN(docs));
	for (i = 0; i < 4; i++) {
		long it, bad = 0, mut_took = 0;
		for (it = 0; it < 5000; it++) {
			size_t n = strlen(docs[i]), k;
			char *d = xmalloc(n + 64 * 4 + 1);
			struct arc_span t;
			memcpy(d, docs[i], n + 1);
			for (k = 0; k < 1 + rnd() % 3; k++) {
				size_t pos = rnd() % (n + 1), bl;
				const char *b = bits[rnd() % ARC_ARRAY_LEN(bits)];
				if (rnd() % 3 == 0 && n > 0) { /* delete a byte */
					pos = pos < n ? pos : n - 1;
					memmove(d + pos, d + pos + 1, n - pos);
					n--;
					continue;
				}
				bl = strlen(b);
				memmove(d + pos + bl, d + pos, n - pos + 1);
				memcpy(d + pos, b, bl);
				n += bl;
			}
			t = trim_space(d, n);
			if (t.n) {
				bad += !agrees(t.p, t.n, &took);
				mut_took += took;
			}
			free(d);
		}
		CHECK(bad == 0 && mut_took > 0, "5000 mutations of document %zu: %ld taken by the scanner, %ld disagree",
		      i, mut_took, bad);
	}
	arc_error_clear();
	return tap_done();
}
