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
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  a:\n    b:\n      c:\n        d: |\n"
	"          ten spaces\n\n          x\n            more\n          y\n        e: >+\n"
	"                  sixteen and two\n                  z\n\n        f: 1\n",
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
				    "~", "null", "yes", ".inf", "0x1", "kind: X\n", "\xc2\x85", "\r", "{}",
				    "\x7f", "\x01", "\x0b", "\n\x7f", "\n\x1f", "\xc3\xa9", "        ", "\n          " };

/* f_chars_ok one byte at a time, as it read before the word-at-a-time loop */
static int ref_chars_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + n;
	while (u < e) {
		unsigned c = *u;
		unsigned long cp;
		size_t l, i;
		if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t') {
			u++;
			continue;
		}
		if (c < 0xc2 || c > 0xf4)
			return 0;
		l = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		cp = c & (l == 2 ? 0x1f : l == 3 ? 0x0f : 0x07);
		if ((size_t)(e - u) < l)
			return 0;
		for (i = 1; i < l; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (u[i] & 0x3f);
		}
		if ((l == 3 && cp < 0x800) || (l == 4 && (cp < 0x10000 || cp > 0x10ffff)) || cp < 0xa0 ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0x2028 || cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
		    cp == 0xffff)
			return 0;
		u += l;
	}
	return 1;
}

/* SplitManifests as it read with memmem: the reference for the newline search */
static size_t ref_split(const char *s, size_t n, struct arc_span **out)
{
	struct arc_span *v = NULL;
	size_t nv = 0, beg = 0, pos = 0;
	for (;;) {
		size_t ms = 0, me = 0, end;
		int found = 0;
		if (pos == 0 && n >= 3 && memcmp(s, "---", 3) == 0) {
			found = 1;
			me = 3;
		} else {
			const char *hit = pos < n ? memmem(s + pos, n - pos, "\n---", 4) : NULL;
			if (hit) {
				found = 1;
				ms = (size_t)(hit - s);
				me = ms + 4;
				while (ms > pos && re_space(s[ms - 1]))
					ms--;
			}
		}
		if (found)
			while (me < n && re_space(s[me]))
				me++;
		end = found ? ms : n;
		if (end > beg || !found) {
			struct arc_span piece = trim_space(s + beg, end - beg);
			if (piece.n) {
				v = xrealloc(v, (nv + 1) * sizeof(*v));
				v[nv++] = piece;
			}
		}
		if (!found)
			break;
		beg = pos = me;
	}
	*out = v;
	return nv;
}

/* n random bytes from an alphabet, then 8 readable zeros */
static char *rnd_text(const char *alpha, size_t na, size_t n)
{
	char *t = xcalloc(n + 9, 1);
	size_t i;
	for (i = 0; i < n; i++)
		t[i] = alpha[rnd() % na];
	return t;
}

/* the word-at-a-time helpers against byte loops, on random texts */
static void check_word_helpers(void)
{
	static const char chars[] = "a -:\n\n\n\t\r\x7f\x01\x1f\x0b\x80\xbf\xc2\x85\xc3\xa9\xe2\x80\xa8\xef\xbb\xbf";
	static const char seps[] = "---\n\n \t\r\fa#";
	long bad_chars = 0, bad_spaces = 0, bad_split = 0, ok_chars = 0, it;
	for (it = 0; it < 20000; it++) {
		size_t n = rnd() % 40, k;
		char *t = rnd_text(chars, sizeof(chars) - 1, n);
		int r = ref_chars_ok(t, n);
		bad_chars += f_chars_ok(t, n) != r;
		ok_chars += r;
		free(t);
		t = rnd_text("       \n\tx", 10, n);
		for (k = 0; k <= n; k++) {
			size_t want = 0, max = rnd() % (n - k + 1);
			while (want < max && t[k + want] == ' ')
				want++;
			bad_spaces += f_spaces(t + k, max, n - k) != want;
		}
		free(t);
	}
	CHECK(bad_chars == 0 && ok_chars > 100,
	      "20000 random texts (%ld printable): the word-at-a-time character check agrees with the byte loop",
	      ok_chars);
	CHECK(bad_spaces == 0, "random indentations: the masked space count agrees with the byte loop");
	for (it = 0; it < 20000; it++) {
		size_t n = rnd() % 48, na, nb, k;
		char *t = rnd_text(seps, sizeof(seps) - 1, n);
		struct arc_span *a = NULL, *b = NULL;
		na = arc_manifest_split(t, n, &a);
		nb = ref_split(t, n, &b);
		if (na != nb) {
			bad_split++;
		} else {
			for (k = 0; k < na; k++)
				if (a[k].p != b[k].p || a[k].n != b[k].n) {
					bad_split++;
					break;
				}
		}
		free(a);
		free(b);
		free(t);
	}
	CHECK(bad_split == 0, "20000 random texts: the newline search splits as the memmem search did");
}

int main(void)
{
	size_t i;
	int took, n_took = 0;
	for (i = 0; i < ARC_ARRAY_LEN(docs); i++) {
		CHECK(agrees(docs[i], strlen(docs[i]), &took), "document %zu: the scanner agrees with the decoder", i);
		n_took += took;
	}
	CHECK(n_took > 5, "the scanner takes ordinary documents (%d of %zu here)", n_took, ARC_ARRAY_LEN(docs));
	for (i = 0; i < 5; i++) {
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
	check_word_helpers();
	arc_error_clear();
	return tap_done();
}
