/* render.c - Helm's render driver: the render context (.Values .Release .Chart
 * .Capabilities .Files .Subcharts .Template), template order, execution and
 * Helm 4's error texts (helm v4 pkg/engine/engine.go, files.go,
 * chart/common/capabilities.go). */
#include "chart.h"
#include "../value/codec.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_KUBE_VERSION "v1.35.0"
#define GLOB_MAX_STEPS 1000000

/* ================= the chart ================= */

struct arc_chart *arc_chart_new(void)
{
	return xcalloc(1, sizeof(struct arc_chart));
}

/* ---- stores: archive bytes that a chart tree's files point into ---- */

struct arc_chart_store {
	size_t refs;
	char *owned; /* NULL: static bytes */
	const char *p;
	size_t len;
};

struct arc_chart_store *arc_chart_store_new(char *take, const char *p, size_t len)
{
	struct arc_chart_store *s = xcalloc(1, sizeof(*s));
	s->refs = 1;
	s->owned = take;
	s->p = p;
	s->len = len;
	return s;
}

void arc_chart_store_unref(struct arc_chart_store *s)
{
	if (!s || --s->refs)
		return;
	free(s->owned);
	free(s);
}

void arc_chart_use_store(struct arc_chart *c, struct arc_chart_store *s)
{
	s->refs++;
	arc_chart_store_unref(c->store);
	c->store = s;
}

/* p[0..len] (the NUL included) lies in s */
static int in_store(const struct arc_chart_store *s, const char *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, b = s ? (uintptr_t)s->p : 0;
	return s && a >= b && len < s->len && a - b < s->len - len;
}

void arc_chart_free(struct arc_chart *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		if (!in_store(c->store, c->files[i].data, c->files[i].len))
			free(c->files[i].data);
	}
	free(c->files);
	for (i = 0; i < c->ndeps; i++)
		arc_chart_free(c->deps[i]);
	free(c->deps);
	arc_v_unref(c->metadata);
	arc_v_unref(c->values);
	arc_chart_store_unref(c->store);
	free(c);
}

static struct arc_chart_file *new_file(struct arc_chart *c, const char *path)
{
	struct arc_chart_file *f;
	if (c->nfiles == c->capfiles) {
		c->capfiles = c->capfiles ? c->capfiles * 2 : 16;
		c->files = xrealloc(c->files, c->capfiles * sizeof(*c->files));
	}
	f = &c->files[c->nfiles++];
	f->path = xstrdup(path);
	return f;
}

void arc_chart_add_file(struct arc_chart *c, const char *path, const char *data, size_t len)
{
	struct arc_chart_file *f = new_file(c, path);
	f->data = xmalloc(len + 1);
	if (len)
		memcpy(f->data, data, len);
	f->data[len] = '\0';
	f->len = len;
}

void arc_chart_add_file_take(struct arc_chart *c, const char *path, char *take, size_t len)
{
	struct arc_chart_file *f = new_file(c, path);
	f->data = take;
	f->len = len;
}

void arc_chart_add_file_shared(struct arc_chart *c, const char *path, const char *data, size_t len)
{
	struct arc_chart_file *f;
	if (!in_store(c->store, data, len) || data[len] != '\0') {
		arc_chart_add_file(c, path, data, len);
		return;
	}
	f = new_file(c, path);
	f->data = (char *)data; /* read-only: the store's */
	f->len = len;
}

void arc_chart_set_metadata(struct arc_chart *c, arc_value *take)
{
	arc_v_unref(c->metadata);
	c->metadata = take;
}

void arc_chart_set_values(struct arc_chart *c, arc_value *take)
{
	arc_v_unref(c->values);
	c->values = take;
}

void arc_chart_add_dep(struct arc_chart *c, struct arc_chart *take)
{
	c->deps = xrealloc(c->deps, (c->ndeps + 1) * sizeof(*c->deps));
	c->deps[c->ndeps++] = take;
	take->parent = c;
}

const char *arc_chart_name(const struct arc_chart *c)
{
	arc_value *n = c->metadata && c->metadata->kind == ARC_MAP ? arc_v_map_get(c->metadata, "name") : NULL;
	return n && n->kind == ARC_STRING ? arc_v_strptr(n) : "";
}

/* ================= helpers for objects ================= */

static int want_args(const char *name, int nargs, int want)
{
	if (nargs != want)
		return arc_error_code(ARC_E_EXEC, "wrong number of args for %s: want %d got %d", name, want, nargs);
	return 0;
}

static int str_arg(arc_value **args, int i, const char **out)
{
	arc_value *v = args[i];
	if (v->kind != ARC_STRING || v->gotype == ARC_GO_BYTES) {
		if ((v->flags & ARC_VF_CONST) && v->kind != ARC_NULL) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_fmt_v(&b, v);
			arc_error_code(ARC_E_EXEC, "expected string; found %s", arc_buf_cstr(&b));
			arc_buf_release(&b);
			return ARC_E_EXEC;
		}
		if (v->kind == ARC_NULL && (v->flags & ARC_VF_NILIFACE)) /* a missing map value */
			return arc_error_code(ARC_E_EXEC, "wrong type for value; expected string; got interface {}");
		if (v->kind == ARC_NULL)
			return arc_error_code(ARC_E_EXEC, "invalid value; expected string");
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected string; got %s",
				      arc_v_gotype_name(v));
	}
	*out = arc_v_strptr(v);
	return 0;
}

/* ================= .Files (engine.files: map[string][]byte with methods) ================= */

/*
 * .Files is a map from path to bytes.  For a chart's own files it is built
 * only when a template needs the map itself (range, len, index, Glob,
 * AsConfig, AsSecrets, printing); Get, GetBytes, Lines and `.Files.name`
 * read the chart's file directly.  So a chart that reads no files (or a few)
 * copies none of them, and bytes still lying in an archive (README, crds/)
 * are never touched.  arc_chart_render builds the map of any .Files object
 * that outlives the render before it lets go of the chart.
 */
struct files_obj {
	arc_value *map;                /* path → []byte; NULL until built */
	const struct arc_chart *chart; /* the files until then; NULL once built or after the render */
};

static const struct arc_vclass files_class;

static int is_special_file(const char *p);

static arc_value *files_new(arc_value *take_map)
{
	struct files_obj *o = xcalloc(1, sizeof(*o));
	o->map = take_map;
	return arc_v_object(&files_class, o);
}

static arc_value *files_of_chart(const struct arc_chart *c)
{
	struct files_obj *o = xcalloc(1, sizeof(*o));
	o->chart = c;
	return arc_v_object(&files_class, o);
}

static arc_value *bytes_value(const char *p, size_t n)
{
	arc_value *v = arc_v_strn(p, n);
	v->gotype = ARC_GO_BYTES;
	return v;
}

/* the map (built now if need be) */
static arc_value *files_map(struct files_obj *o)
{
	size_t i;
	if (o->map)
		return o->map;
	o->map = arc_v_map();
	for (i = 0; o->chart && i < o->chart->nfiles; i++) {
		const struct arc_chart_file *f = &o->chart->files[i];
		if (!is_special_file(f->path))
			arc_v_map_set(o->map, f->path, bytes_value(f->data, f->len));
	}
	o->chart = NULL;
	return o->map;
}

/* the bytes of `path` without building the map: 1 when there is such a file */
static int files_find(struct files_obj *o, const char *path, const char **p, size_t *n)
{
	size_t i;
	if (o->map || !o->chart) {
		arc_value *v = arc_v_map_get(files_map(o), path);
		if (!v)
			return 0;
		*p = arc_v_strptr(v);
		*n = arc_v_strlen(v);
		return 1;
	}
	for (i = o->chart->nfiles; i-- > 0;) { /* the last of equal paths, as the map keeps */
		const struct arc_chart_file *f = &o->chart->files[i];
		if (strcmp(f->path, path) == 0 && !is_special_file(f->path)) {
			*p = f->data;
			*n = f->len;
			return 1;
		}
	}
	return 0;
}

/* gobwas/glob with '/' as separator: * ? [..] [!..] {a,b} ** and \ escapes */
struct glob {
	long steps;
	int bad;
};

static size_t utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	return l > n ? n : l;
}

static unsigned long utf8_cp(const char *s, size_t l)
{
	const unsigned char *u = (const unsigned char *)s;
	if (l == 1)
		return u[0];
	if (l == 2)
		return ((unsigned long)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	if (l == 3)
		return ((unsigned long)(u[0] & 0x0f) << 12) | ((unsigned long)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	return ((unsigned long)(u[0] & 0x07) << 18) | ((unsigned long)(u[1] & 0x3f) << 12) |
	       ((unsigned long)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
}

/* end of a {…} group starting at p[i] == '{' (index of '}'), or (size_t)-1 */
static size_t brace_end(const char *p, size_t n, size_t i)
{
	int depth = 0;
	for (; i < n; i++) {
		if (p[i] == '\\') {
			i++;
			continue;
		}
		if (p[i] == '{')
			depth++;
		else if (p[i] == '}' && --depth == 0)
			return i;
	}
	return (size_t)-1;
}

static int glob_match(struct glob *g, const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0;
	while (pi < pn) {
		if (++g->steps > GLOB_MAX_STEPS)
			return 0;
		switch (p[pi]) {
		case '*': {
			int super = pi + 1 < pn && p[pi + 1] == '*';
			size_t k;
			pi += super ? 2 : 1;
			for (k = si;; k++) {
				if (glob_match(g, p + pi, pn - pi, s + k, sn - k))
					return 1;
				if (k >= sn || (!super && s[k] == '/'))
					return 0;
			}
		}
		case '?': {
			size_t l;
			if (si >= sn || s[si] == '/')
				return 0;
			l = utf8_len(s + si, sn - si);
			si += l;
			pi++;
			break;
		}
		case '[': {
			size_t j = pi + 1, l;
			int neg = 0, hit = 0;
			unsigned long c;
			if (j < pn && p[j] == '!') {
				neg = 1;
				j++;
			}
			if (si >= sn)
				return 0;
			l = utf8_len(s + si, sn - si);
			c = utf8_cp(s + si, l);
			while (j < pn && p[j] != ']') {
				size_t a = utf8_len(p + j, pn - j);
				unsigned long lo = utf8_cp(p + j, a), hi = lo;
				j += a;
				if (j + 1 < pn && p[j] == '-' && p[j + 1] != ']') {
					size_t b = utf8_len(p + j + 1, pn - j - 1);
					hi = utf8_cp(p + j + 1, b);
					j += 1 + b;
				}
				if (c >= lo && c <= hi)
					hit = 1;
			}
			if (j >= pn) {
				g->bad = 1;
				return 0;
			}
			if (hit == neg)
				return 0;
			si += l;
			pi = j + 1;
			break;
		}
		case '{': {
			size_t e = brace_end(p, pn, pi), a = pi + 1, k;
			int depth = 0;
			if (e == (size_t)-1) {
				g->bad = 1;
				return 0;
			}
			for (k = pi + 1; k <= e; k++) {
				if (p[k] == '\\') {
					k++;
					continue;
				}
				if (p[k] == '{')
					depth++;
				else if (p[k] == '}' && depth > 0)
					depth--;
				else if ((p[k] == ',' && depth == 0) || k == e) {
					/* alternative p[a..k) followed by the rest p[e+1..] */
					size_t an = k - a, rn = pn - e - 1;
					char *alt = xmalloc(an + rn + 1);
					int m;
					memcpy(alt, p + a, an);
					memcpy(alt + an, p + e + 1, rn);
					m = glob_match(g, alt, an + rn, s + si, sn - si);
					free(alt);
					if (m)
						return 1;
					a = k + 1;
				}
			}
			return 0;
		}
		case '\\':
			pi++;
			if (pi >= pn) {
				g->bad = 1;
				return 0;
			}
			/* fallthrough */
		default:
			if (si >= sn || s[si] != p[pi])
				return 0;
			si++;
			pi++;
		}
	}
	return si == sn;
}

static int glob_valid(const char *p, size_t n)
{
	size_t i;
	int br = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\\') {
			if (++i >= n)
				return 0;
		} else if (p[i] == '[') {
			size_t j = i + 1;
			if (j < n && p[j] == '!')
				j++;
			while (j < n && p[j] != ']')
				j++;
			if (j >= n)
				return 0;
			i = j;
		} else if (p[i] == '{') {
			br++;
		} else if (p[i] == '}') {
			if (--br < 0)
				return 0;
		}
	}
	return br == 0;
}

static int files_glob(arc_value *m, const char *pat, arc_value **out)
{
	arc_value *nm = arc_v_map();
	size_t i, n = arc_v_map_len(m);
	size_t pn = strlen(pat);
	int all = !glob_valid(pat, pn);
	for (i = 0; i < n; i++) {
		struct glob g = { 0, 0 };
		const char *k = arc_v_map_key(m, i);
		if (all || glob_match(&g, pat, pn, k, arc_v_map_keylen(m, i)))
			arc_v_map_setn(nm, k, arc_v_map_keylen(m, i), arc_v_ref(arc_v_map_val(m, i)));
	}
	*out = files_new(nm);
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void b64(struct arc_buf *b, const unsigned char *s, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = ((unsigned long)s[i] << 16) | ((unsigned long)s[i + 1] << 8) | s[i + 2];
		char o[4] = { tab[(v >> 18) & 63], tab[(v >> 12) & 63], tab[(v >> 6) & 63], tab[v & 63] };
		arc_buf_add(b, o, 4);
	}
	if (n - i == 1) {
		unsigned long v = (unsigned long)s[i] << 16;
		char o[4] = { tab[(v >> 18) & 63], tab[(v >> 12) & 63], '=', '=' };
		arc_buf_add(b, o, 4);
	} else if (n - i == 2) {
		unsigned long v = ((unsigned long)s[i] << 16) | ((unsigned long)s[i + 1] << 8);
		char o[4] = { tab[(v >> 18) & 63], tab[(v >> 12) & 63], tab[(v >> 6) & 63], '=' };
		arc_buf_add(b, o, 4);
	}
}

static int files_as(arc_value *m, int secrets, arc_value **out)
{
	arc_value *cm = arc_v_map();
	struct arc_buf b = ARC_BUF_INIT;
	size_t i, n = arc_v_map_len(m);
	for (i = 0; i < n; i++) {
		arc_value *v = arc_v_map_val(m, i);
		const char *k = base_name(arc_v_map_key(m, i));
		if (secrets) {
			struct arc_buf e = ARC_BUF_INIT;
			b64(&e, (const unsigned char *)arc_v_strptr(v), arc_v_strlen(v));
			arc_buf_add(&e, "", 0);
			arc_v_map_set(cm, k, arc_v_str_buf(&e));
		} else {
			arc_v_map_set(cm, k, arc_v_strn(arc_v_strptr(v), arc_v_strlen(v)));
		}
	}
	if (arc_yaml_dump(&b, cm)) {
		arc_buf_reset(&b);
	} else if (b.len && b.ptr[b.len - 1] == '\n') {
		arc_buf_truncate(&b, b.len - 1);
	}
	arc_v_unref(cm);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int files_lines(struct files_obj *o, const char *path, arc_value **out)
{
	arc_value *l = arc_v_list();
	const char *s, *e, *nl;
	size_t n;
	l->gotype = ARC_GO_STRINGS;
	if (!files_find(o, path, &s, &n)) {
		*out = l;
		return 0;
	}
	if (n == 0) {
		arc_v_unref(l);
		return arc_error_code(ARC_E_CALL, "runtime error: index out of range [-1]");
	}
	if (s[n - 1] == '\n')
		n--;
	e = s + n;
	for (;;) {
		nl = memchr(s, '\n', (size_t)(e - s));
		if (!nl) {
			arc_v_list_push(l, arc_v_strn(s, (size_t)(e - s)));
			break;
		}
		arc_v_list_push(l, arc_v_strn(s, (size_t)(nl - s)));
		s = nl + 1;
	}
	*out = l;
	return 0;
}

/* []byte of a file: the map's value when the map is built, else a copy of the chart's bytes */
static arc_value *files_bytes(struct files_obj *o, const char *path)
{
	const char *p;
	size_t n;
	if (o->map) {
		arc_value *v = arc_v_map_get(o->map, path);
		return v ? arc_v_ref(v) : bytes_value("", 0);
	}
	return files_find(o, path, &p, &n) ? bytes_value(p, n) : bytes_value("", 0);
}

static int files_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			arc_value **out)
{
	struct files_obj *o = self->u.o.data;
	const char *a, *p;
	size_t n;
	int r;
	(void)is_call;
	if (name[0] == '\0') { /* the underlying map, for range/len/index (template.h) */
		*out = arc_v_ref(files_map(o));
		return 0;
	}
	if (strcmp(name, "Get") == 0 || strcmp(name, "GetBytes") == 0 || strcmp(name, "Glob") == 0 ||
	    strcmp(name, "Lines") == 0) {
		if ((r = want_args(name, nargs, 1)) || (r = str_arg(args, 0, &a)))
			return r;
		if (name[0] == 'G' && name[1] == 'e') {
			if (name[3] == 'B')
				*out = files_bytes(o, a);
			else
				*out = files_find(o, a, &p, &n) ? arc_v_strn(p, n) : arc_v_str("");
			return 0;
		}
		if (name[1] == 'l')
			return files_glob(files_map(o), a, out);
		return files_lines(o, a, out);
	}
	if (strcmp(name, "AsConfig") == 0 || strcmp(name, "AsSecrets") == 0) {
		if ((r = want_args(name, nargs, 0)))
			return r;
		return files_as(files_map(o), name[2] == 'S', out);
	}
	/* a map type: any other name is a key (missing → nil []byte) */
	if (nargs > 0)
		return arc_error_code(ARC_E_EXEC, "%s is not a method but has arguments", name);
	*out = files_bytes(o, name);
	return 0;
}

static void files_format(arc_value *self, struct arc_buf *b)
{
	arc_fmt_v(b, files_map(self->u.o.data));
}

static void files_free(void *data)
{
	struct files_obj *o = data;
	arc_v_unref(o->map);
	free(o);
}

static const struct arc_vclass files_class = { "engine.files", files_lookup, files_format, files_free };

/* ================= .Capabilities ================= */

/* helm 4.1.4's built-in API versions (chart/common DefaultVersionSet), in its order */
static const char *const default_apis[] = {
	"v1",
	"admissionregistration.k8s.io/v1",
	"admissionregistration.k8s.io/v1alpha1",
	"admissionregistration.k8s.io/v1beta1",
	"internal.apiserver.k8s.io/v1alpha1",
	"apps/v1",
	"apps/v1beta1",
	"apps/v1beta2",
	"authentication.k8s.io/v1",
	"authentication.k8s.io/v1alpha1",
	"authentication.k8s.io/v1beta1",
	"authorization.k8s.io/v1",
	"authorization.k8s.io/v1beta1",
	"autoscaling/v1",
	"autoscaling/v2",
	"autoscaling/v2beta1",
	"autoscaling/v2beta2",
	"batch/v1",
	"batch/v1beta1",
	"certificates.k8s.io/v1",
	"certificates.k8s.io/v1beta1",
	"certificates.k8s.io/v1alpha1",
	"coordination.k8s.io/v1alpha2",
	"coordination.k8s.io/v1beta1",
	"coordination.k8s.io/v1",
	"discovery.k8s.io/v1",
	"discovery.k8s.io/v1beta1",
	"events.k8s.io/v1",
	"events.k8s.io/v1beta1",
	"extensions/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1",
	"flowcontrol.apiserver.k8s.io/v1beta1",
	"flowcontrol.apiserver.k8s.io/v1beta2",
	"flowcontrol.apiserver.k8s.io/v1beta3",
	"networking.k8s.io/v1",
	"networking.k8s.io/v1beta1",
	"node.k8s.io/v1",
	"node.k8s.io/v1alpha1",
	"node.k8s.io/v1beta1",
	"policy/v1",
	"policy/v1beta1",
	"rbac.authorization.k8s.io/v1",
	"rbac.authorization.k8s.io/v1beta1",
	"rbac.authorization.k8s.io/v1alpha1",
	"resource.k8s.io/v1",
	"resource.k8s.io/v1beta2",
	"resource.k8s.io/v1beta1",
	"resource.k8s.io/v1alpha3",
	"scheduling.k8s.io/v1alpha1",
	"scheduling.k8s.io/v1beta1",
	"scheduling.k8s.io/v1",
	"storage.k8s.io/v1beta1",
	"storage.k8s.io/v1",
	"storage.k8s.io/v1alpha1",
	"storagemigration.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1beta1",
	"apiextensions.k8s.io/v1",
};

/* helm v4.1.4's version.BuildInfo */
static const char *const helm_build[][2] = {
	{ "Version", "v4.1.4" },
	{ "GitCommit", "05fa37973dc9e42b76e1d2883494c87174b6074f" },
	{ "GitTreeState", "clean" },
	{ "GoVersion", "go1.25.9" },
	{ "KubeClientVersion", "v1.35" },
};

struct kubever {
	char *version, *major, *minor;
};

static int kv_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		     arc_value **out)
{
	struct kubever *k = self->u.o.data;
	const char *s = NULL;
	(void)is_call;
	(void)args;
	if (strcmp(name, "Version") == 0 || strcmp(name, "String") == 0 || strcmp(name, "GitVersion") == 0)
		s = k->version;
	else if (strcmp(name, "Major") == 0)
		s = k->major;
	else if (strcmp(name, "Minor") == 0)
		s = k->minor;
	if (!s)
		return ARC_E_NOTFOUND;
	if (nargs > 0 && (name[0] == 'S' || name[0] == 'G'))
		return want_args(name, nargs, 0);
	*out = arc_v_str(s);
	return 0;
}

static void kv_format(arc_value *self, struct arc_buf *b)
{
	arc_buf_puts(b, ((struct kubever *)self->u.o.data)->version);
}

static void kv_free(void *data)
{
	struct kubever *k = data;
	free(k->version);
	free(k->major);
	free(k->minor);
	free(k);
}

static const struct arc_vclass kubever_class = { "common.KubeVersion", kv_lookup, kv_format, kv_free };

static int vs_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		     arc_value **out)
{
	arc_value *l = self->u.o.data;
	const char *a;
	size_t i;
	int r;
	(void)is_call;
	if (strcmp(name, "Has") != 0)
		return ARC_E_NOTFOUND;
	if ((r = want_args(name, nargs, 1)) || (r = str_arg(args, 0, &a)))
		return r;
	for (i = 0; i < arc_v_list_len(l); i++)
		if (strcmp(arc_v_strptr(arc_v_list_at(l, i)), a) == 0) {
			*out = arc_v_bool(1);
			return 0;
		}
	*out = arc_v_bool(0);
	return 0;
}

static void vs_format(arc_value *self, struct arc_buf *b)
{
	arc_fmt_v(b, self->u.o.data);
}

static void unref_free(void *data)
{
	arc_v_unref(data);
}

static const struct arc_vclass versionset_class = { "common.VersionSet", vs_lookup, vs_format, unref_free };

static int bi_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		     arc_value **out)
{
	size_t i;
	(void)self;
	(void)is_call;
	(void)args;
	for (i = 0; i < ARC_ARRAY_LEN(helm_build); i++)
		if (strcmp(name, helm_build[i][0]) == 0 && nargs == 0) {
			*out = arc_v_str(helm_build[i][1]);
			return 0;
		}
	return ARC_E_NOTFOUND;
}

static void bi_format(arc_value *self, struct arc_buf *b)
{
	size_t i;
	(void)self;
	arc_buf_putc(b, '{');
	for (i = 0; i < ARC_ARRAY_LEN(helm_build); i++) {
		if (i)
			arc_buf_putc(b, ' ');
		arc_buf_puts(b, helm_build[i][1]);
	}
	arc_buf_putc(b, '}');
}

static const struct arc_vclass buildinfo_class = { "version.BuildInfo", bi_lookup, bi_format, NULL };

struct caps {
	arc_value *kv, *apis, *helm;
};

static int caps_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	struct caps *c = self->u.o.data;
	(void)is_call;
	(void)args;
	if (nargs > 0)
		return ARC_E_NOTFOUND;
	if (strcmp(name, "KubeVersion") == 0)
		*out = arc_v_ref(c->kv);
	else if (strcmp(name, "APIVersions") == 0)
		*out = arc_v_ref(c->apis);
	else if (strcmp(name, "HelmVersion") == 0)
		*out = arc_v_ref(c->helm);
	else
		return ARC_E_NOTFOUND;
	return 0;
}

/* Go prints the struct's fields: KubeVersion as {Version normalized Major Minor} */
static void caps_format(arc_value *self, struct arc_buf *b)
{
	struct caps *c = self->u.o.data;
	struct kubever *k = c->kv->u.o.data;
	arc_buf_printf(b, "{{%s %s %s %s} ", k->version, k->version, k->major, k->minor);
	vs_format(c->apis, b);
	arc_buf_putc(b, ' ');
	bi_format(c->helm, b);
	arc_buf_putc(b, '}');
}

static void caps_free(void *data)
{
	struct caps *c = data;
	arc_v_unref(c->kv);
	arc_v_unref(c->apis);
	arc_v_unref(c->helm);
	free(c);
}

static const struct arc_vclass caps_class = { "*common.Capabilities", caps_lookup, caps_format, caps_free };

static arc_value *make_caps(const struct arc_capabilities *opt)
{
	struct caps *c = xcalloc(1, sizeof(*c));
	struct kubever *k = xcalloc(1, sizeof(*k));
	const char *ver = opt && opt->kube_version ? opt->kube_version : DEFAULT_KUBE_VERSION;
	const char *p;
	size_t i;
	arc_value *apis = arc_v_list();

	k->version = ver[0] == 'v' ? xstrdup(ver) : xasprintf("v%s", ver);
	p = k->version + 1;
	k->major = opt && opt->kube_major ? xstrdup(opt->kube_major) : xstrndup(p, strcspn(p, "."));
	p += strcspn(p, ".");
	if (*p == '.')
		p++;
	k->minor = opt && opt->kube_minor ? xstrdup(opt->kube_minor) : xstrndup(p, strcspn(p, ".-+"));
	c->kv = arc_v_object(&kubever_class, k);

	apis->gotype = ARC_GO_STRINGS;
	for (i = 0; i < ARC_ARRAY_LEN(default_apis); i++)
		arc_v_list_push(apis, arc_v_str(default_apis[i]));
	for (i = 0; opt && i < opt->n_api_versions; i++)
		arc_v_list_push(apis, arc_v_str(opt->api_versions[i]));
	c->apis = arc_v_object(&versionset_class, apis);
	c->helm = arc_v_object(&buildinfo_class, NULL);
	return arc_v_object(&caps_class, c);
}

/* ================= .Chart (a map of Metadata's fields in helm 4) ================= */

static arc_value *to_str_value(arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (!v || v->kind == ARC_NULL)
		return arc_v_str("");
	if (v->kind == ARC_STRING)
		return arc_v_ref(v);
	arc_fmt_v(&b, v);
	return arc_v_str_buf(&b);
}

/* a list of maps with keys renamed (yaml key → Go field) */
static arc_value *struct_list(arc_value *src, const char *const (*fields)[2], size_t nfields)
{
	arc_value *l = arc_v_list();
	size_t i, j;
	if (!src || src->kind != ARC_LIST)
		return l;
	for (i = 0; i < arc_v_list_len(src); i++) {
		arc_value *e = arc_v_list_at(src, i), *m = arc_v_map();
		for (j = 0; j < nfields; j++) {
			arc_value *v = e->kind == ARC_MAP ? arc_v_map_get(e, fields[j][0]) : NULL;
			arc_v_map_set(m, fields[j][1], v ? arc_v_ref(v) : arc_v_str(""));
		}
		arc_v_list_push(l, m);
	}
	return l;
}

static arc_value *make_chart_map(const struct arc_chart *c)
{
	static const char *const str_fields[][2] = {
		{ "apiVersion", "APIVersion" }, { "appVersion", "AppVersion" }, { "condition", "Condition" },
		{ "description", "Description" }, { "home", "Home" }, { "icon", "Icon" },
		{ "kubeVersion", "KubeVersion" }, { "name", "Name" }, { "tags", "Tags" },
		{ "type", "Type" }, { "version", "Version" },
	};
	static const char *const maint_fields[][2] = { { "name", "Name" }, { "email", "Email" }, { "url", "URL" } };
	static const char *const dep_fields[][2] = {
		{ "name", "Name" }, { "version", "Version" }, { "repository", "Repository" },
		{ "condition", "Condition" }, { "tags", "Tags" }, { "enabled", "Enabled" },
		{ "import-values", "ImportValues" }, { "alias", "Alias" },
	};
	arc_value *md = c->metadata && c->metadata->kind == ARC_MAP ? c->metadata : NULL;
	arc_value *m = arc_v_map(), *v, *l, *ann;
	size_t i;
	const char *lists[] = { "keywords", "Keywords", "sources", "Sources" };

	for (i = 0; i < ARC_ARRAY_LEN(str_fields); i++)
		arc_v_map_set(m, str_fields[i][1], to_str_value(md ? arc_v_map_get(md, str_fields[i][0]) : NULL));
	for (i = 0; i < 4; i += 2) {
		size_t j;
		v = md ? arc_v_map_get(md, lists[i]) : NULL;
		l = arc_v_list();
		for (j = 0; v && v->kind == ARC_LIST && j < arc_v_list_len(v); j++)
			arc_v_list_push(l, to_str_value(arc_v_list_at(v, j)));
		arc_v_map_set(m, lists[i + 1], l);
	}
	ann = arc_v_map();
	ann->gotype = ARC_GO_MAPSTR;
	v = md ? arc_v_map_get(md, "annotations") : NULL;
	for (i = 0; v && v->kind == ARC_MAP && i < arc_v_map_len(v); i++)
		arc_v_map_setn(ann, arc_v_map_key(v, i), arc_v_map_keylen(v, i), to_str_value(arc_v_map_val(v, i)));
	arc_v_map_set(m, "Annotations", ann);
	arc_v_map_set(m, "Maintainers",
		      struct_list(md ? arc_v_map_get(md, "maintainers") : NULL, maint_fields, ARC_ARRAY_LEN(maint_fields)));
	arc_v_map_set(m, "Dependencies",
		      struct_list(md ? arc_v_map_get(md, "dependencies") : NULL, dep_fields, ARC_ARRAY_LEN(dep_fields)));
	v = md ? arc_v_map_get(md, "deprecated") : NULL;
	arc_v_map_set(m, "Deprecated", arc_v_bool(v && v->kind == ARC_BOOL && v->u.b));
	arc_v_map_set(m, "IsRoot", arc_v_bool(c->parent == NULL));
	return m;
}

/* ================= error texts (helm 4 engine.go) ================= */

char *arc_chart_parse_error_text(const char *filename, const char *err)
{
	const char *first = strstr(err, ": "), *last, *p;
	const char *loc_end;
	if (!first)
		return xasprintf("parse error in (%s): %s", filename, err);
	loc_end = strstr(first + 2, ": ");
	last = first;
	for (p = first; (p = strstr(p + 2, ": ")) != NULL;)
		last = p;
	if (!loc_end) /* two tokens: location and message are the same token */
		return xasprintf("parse error at (%s): %s", first + 2, first + 2);
	return xasprintf("parse error at (%.*s): %s", (int)(loc_end - first - 2), first + 2, last + 2);
}

struct trace {
	char *location, *function, *message;
};

static void trace_free(struct trace *t)
{
	free(t->location);
	free(t->function);
	free(t->message);
}

static int trace_eq(const struct trace *a, const struct trace *b)
{
	return strcmp(a->location, b->location) == 0 && strcmp(a->function, b->function) == 0 &&
	       strcmp(a->message, b->message) == 0;
}

/* The message of an "executing" error ends where a chained " template:" starts. */
static char *cut_message(const char *m)
{
	const char *t = strstr(m + (m[0] ? 1 : 0), " template:");
	return t ? xstrndup(m, (size_t)(t - m)) : xstrdup(m);
}

/* Parse one error of the chain as helm's regular expressions do.  *next is set
 * to the wrapped error's text (inside `s`) when there is one.  0 = no match. */
static int parse_trace(const char *s, struct trace *t, const char **next)
{
	const char *r, *ex, *at, *colon, *msg;
	static const char nt[] = "template: no template ";
	*next = NULL;
	memset(t, 0, sizeof(*t));
	if (strchr(s, '\n') || strncmp(s, "template: ", 10) != 0)
		return 0;
	if (strncmp(s, nt, sizeof(nt) - 1) == 0 && strstr(s, " associated with template ")) {
		t->location = xstrdup("");
		t->function = xstrdup("");
		t->message = xstrdup(s);
		return 1;
	}
	r = s + 10;
	ex = strstr(r, ": executing ");
	if (ex && ex > r && (at = strstr(ex + 12, " at ")) != NULL && at > ex + 12 &&
	    (colon = strstr(at + 4, ": ")) != NULL && colon > at + 4 && colon[2]) {
		msg = colon + 2;
		t->location = xstrndup(r, (size_t)(ex - r));
		t->function = xasprintf("executing %.*s at %.*s:", (int)(at - ex - 12), ex + 12,
					(int)(colon - at - 4), at + 4);
		t->message = cut_message(msg);
		/* a function's error is wrapped (%w): it is the next link of the chain */
		if (strncmp(msg, "error calling ", 14) == 0) {
			const char *q = strstr(msg + 14, ": ");
			if (q)
				*next = q + 2;
		}
		return 1;
	}
	colon = strstr(r, ": ");
	if (colon && colon > r) {
		t->location = xstrndup(r, (size_t)(colon - r));
		t->function = xstrdup("");
		t->message = cut_message(colon + 2);
		return 1;
	}
	return 0;
}

char *arc_chart_exec_error_text(const char *filename, const char *err)
{
	const char *t1, *t2, *s, *e, *cur;
	struct trace *tr = NULL;
	size_t n = 0, i, cap = 0;
	struct arc_buf b = ARC_BUF_INIT;

	if (strncmp(err, "template: ", 10) != 0)
		return xstrdup(err);
	t1 = strstr(err, ": ");
	t2 = t1 ? strstr(t1 + 2, ": ") : NULL;
	if (!t2)
		return xasprintf("execution error in (%s): %s", filename, err);
	/* fail / required: the marked message, placed at the outermost location */
	s = strstr(t2 + 2, "HELM_ERR_START");
	if (s) {
		const char *p;
		e = NULL;
		for (p = s + 14; (p = strstr(p, "HELM_ERR_END")) != NULL; p += 12)
			e = p;
		if (e)
			return xasprintf("execution error at (%.*s): %.*s", (int)(t2 - t1 - 2), t1 + 2,
					 (int)(e - s - 14), s + 14);
	}
	for (cur = err; cur && n < 100000;) {
		struct trace t;
		const char *next;
		if (!parse_trace(cur, &t, &next)) {
			for (i = 0; i < n; i++)
				trace_free(&tr[i]);
			free(tr);
			return xstrdup(err);
		}
		if (n && trace_eq(&tr[n - 1], &t)) {
			trace_free(&t);
		} else {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				tr = xrealloc(tr, cap * sizeof(*tr));
			}
			tr[n++] = t;
		}
		cur = next;
	}
	for (i = 0; i < n; i++) {
		if (tr[i].location[0])
			arc_buf_printf(&b, "%s\n  ", tr[i].location);
		if (tr[i].function[0])
			arc_buf_printf(&b, "%s\n    ", tr[i].function);
		if (tr[i].message[0])
			arc_buf_printf(&b, "%s\n", tr[i].message);
		trace_free(&tr[i]);
	}
	free(tr);
	/* strings.TrimSpace */
	{
		size_t a = 0, z = b.len;
		char *out;
		while (a < z && strchr(" \t\r\n\v\f", b.ptr[a]))
			a++;
		while (z > a && strchr(" \t\r\n\v\f", b.ptr[z - 1]))
			z--;
		out = xstrndup(b.ptr ? b.ptr + a : "", z - a);
		arc_buf_release(&b);
		return out;
	}
}

/* ================= rendering ================= */

struct tname {
	char *name;
	const struct arc_chart_file *file;
	int slashes;
	arc_value *ctx; /* the chart's context (borrowed) */
	const char *base; /* .Template.BasePath (owned by struct tlist) */
};

static int cmp_tname(const void *a, const void *b)
{
	const struct tname *x = a, *y = b;
	if (x->slashes != y->slashes)
		return x->slashes > y->slashes ? -1 : 1;
	return -strcmp(x->name, y->name);
}

static int count_slashes(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

static int is_special_file(const char *p)
{
	static const char *const names[] = { "Chart.yaml", "values.yaml", "values.schema.json", "Chart.lock",
					     "requirements.yaml", "requirements.lock" };
	size_t i;
	if (strncmp(p, "templates/", 10) == 0 || strncmp(p, "charts/", 7) == 0)
		return 1;
	for (i = 0; i < ARC_ARRAY_LEN(names); i++)
		if (strcmp(p, names[i]) == 0)
			return 1;
	return 0;
}

static arc_value *make_release(const struct arc_release_info *r)
{
	arc_value *m = arc_v_map();
	arc_v_map_set(m, "Name", arc_v_str(r && r->name ? r->name : "release-name"));
	arc_v_map_set(m, "Namespace", arc_v_str(r && r->namespace ? r->namespace : "default"));
	arc_v_map_set(m, "IsUpgrade", arc_v_bool(r && r->is_upgrade));
	arc_v_map_set(m, "IsInstall", arc_v_bool(r && r->is_install));
	arc_v_map_set(m, "Revision", arc_v_int(r && r->revision ? r->revision : 1));
	arc_v_map_set(m, "Service", arc_v_str("Helm"));
	return m;
}


void arc_render_result_release(struct arc_render_result *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) {
		free(r->files[i].name);
		free(r->files[i].data);
	}
	free(r->files);
	r->files = NULL;
	r->n = 0;
}

const struct arc_rendered *arc_render_result_get(const struct arc_render_result *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->files[i].name, name) == 0)
			return &r->files[i];
	return NULL;
}

/* the next "<no value>" in [p, e), or NULL: a '<' is rare in manifests, so
 * memchr finds the candidates */
static char *find_no_value(char *p, char *e)
{
	static const char nv[] = "<no value>";
	while ((size_t)(e - p) >= sizeof(nv) - 1 && (p = memchr(p, '<', (size_t)(e - p))) != NULL) {
		if ((size_t)(e - p) < sizeof(nv) - 1)
			return NULL;
		if (memcmp(p, nv, sizeof(nv) - 1) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* strings.ReplaceAll(s, "<no value>", "") */
static void strip_no_value(struct arc_buf *b)
{
	const size_t n = sizeof("<no value>") - 1;
	char *e, *dst, *src, *next;
	if (!b->len || (dst = find_no_value(b->ptr, b->ptr + b->len)) == NULL)
		return;
	e = b->ptr + b->len;
	for (src = dst + n; src <= e; src = next + n) {
		next = find_no_value(src, e);
		if (!next)
			next = e;
		memmove(dst, src, (size_t)(next - src));
		dst += next - src;
		if (next == e)
			break;
	}
	arc_buf_truncate(b, (size_t)(dst - b->ptr));
}

int arc_chart_is_library(const struct arc_chart *c)
{
	arc_value *t = c->metadata && c->metadata->kind == ARC_MAP ? arc_v_map_get(c->metadata, "type") : NULL;
	return t && t->kind == ARC_STRING && strcasecmp(arc_v_strptr(t), "library") == 0;
}

char *arc_chart_full_path(const struct arc_chart *c)
{
	char *p, *q;
	if (!c->parent)
		return xstrdup(arc_chart_name(c));
	p = arc_chart_full_path(c->parent);
	q = xasprintf("%s/charts/%s", p, arc_chart_name(c));
	free(p);
	return q;
}

/* the templates of the whole tree, each with the context it executes in */
struct tlist {
	struct tname *v;
	size_t n, cap;
	char **bases;
	size_t nbases;
	arc_value **files; /* every chart's .Files (borrowed: the contexts hold them) */
	size_t nfiles;
};

#define MAX_CHART_DEPTH 64

/* recAllTpls: the context of chart c (a new reference), its templates added
 * to tl.  `values` is c's .Values (borrowed); release and caps are shared. */
static arc_value *chart_context(const struct arc_chart *c, arc_value *values, arc_value *release,
				arc_value *caps, struct tlist *tl, int depth)
{
	arc_value *ctx = arc_v_map(), *subs = arc_v_map(), *files;
	char *full = arc_chart_full_path(c), *base;
	int library = arc_chart_is_library(c);
	size_t i;

	ctx->gotype = ARC_GO_VALUES;
	arc_v_map_set(ctx, "Chart", make_chart_map(c));
	files = files_of_chart(c);
	tl->files = xrealloc(tl->files, (tl->nfiles + 1) * sizeof(*tl->files));
	tl->files[tl->nfiles++] = files;
	arc_v_map_set(ctx, "Files", files);
	arc_v_map_set(ctx, "Release", arc_v_ref(release));
	arc_v_map_set(ctx, "Capabilities", arc_v_ref(caps));
	arc_v_map_set(ctx, "Values", arc_v_ref(values));
	arc_v_map_set(ctx, "Subcharts", subs);
	for (i = 0; i < c->ndeps && depth < MAX_CHART_DEPTH; i++) {
		const struct arc_chart *d = c->deps[i];
		/* values.Table("Values.<name>"): the section when it is a map, else an empty map */
		arc_value *sec = values->kind == ARC_MAP ? arc_v_map_get(values, arc_chart_name(d)) : NULL;
		arc_value *dv, *dctx;
		if (sec && sec->kind == ARC_MAP) {
			/* a shallow copy: the subchart's .Values is chartutil.Values while the
			 * parent still sees a plain map there */
			dv = arc_v_copy_shallow(sec);
		} else {
			dv = arc_v_map();
		}
		dv->gotype = ARC_GO_VALUES;
		dctx = chart_context(d, dv, release, caps, tl, depth + 1);
		arc_v_unref(dv);
		arc_v_map_set(subs, arc_chart_name(d), dctx);
	}
	base = xasprintf("%s/templates", full);
	for (i = 0; i < c->nfiles; i++) {
		const char *p = c->files[i].path;
		struct tname *t;
		if (strncmp(p, "templates/", 10) != 0)
			continue;
		if (library && base_name(p)[0] != '_')
			continue;
		if (tl->n == tl->cap) {
			tl->cap = tl->cap ? tl->cap * 2 : 32;
			tl->v = xrealloc(tl->v, tl->cap * sizeof(*tl->v));
		}
		t = &tl->v[tl->n++];
		t->name = xasprintf("%s/%s", full, p);
		t->file = &c->files[i];
		t->slashes = count_slashes(t->name);
		t->ctx = ctx; /* borrowed: the root context owns every chart's context */
		t->base = base;
	}
	tl->bases = xrealloc(tl->bases, (tl->nbases + 1) * sizeof(*tl->bases));
	tl->bases[tl->nbases++] = base;
	free(full);
	return ctx;
}

int arc_chart_render(struct arc_render_result *out, const struct arc_chart *c,
		     const struct arc_render_opts *opt)
{
	struct tlist tl = { NULL, 0, 0, NULL, 0, NULL, 0 };
	struct tname *names;
	size_t nn, i;
	struct arc_tpl_options topt;
	struct arc_tpl_set *set = NULL;
	arc_value *top = NULL, *values, *release, *caps;
	int r = 0;

	memset(out, 0, sizeof(*out));
	memset(&topt, 0, sizeof(topt));
	if (opt)
		topt = opt->tpl;

	values = opt && opt->values ? opt->values : c->values;
	if (values && values->kind == ARC_MAP) {
		values = arc_v_ref(values);
	} else {
		values = arc_v_map();
	}
	values->gotype = ARC_GO_VALUES;
	release = make_release(opt ? &opt->release : NULL);
	caps = make_caps(opt ? &opt->caps : NULL);
	top = chart_context(c, values, release, caps, &tl, 0);
	arc_v_unref(values);
	arc_v_unref(release);
	arc_v_unref(caps);
	names = tl.v;
	nn = tl.n;
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_tname);

	set = arc_tpl_set_new(&topt);
	for (i = 0; i < nn; i++) {
		r = arc_tpl_parse(set, names[i].name, names[i].file->data, names[i].file->len);
		if (r) {
			char *msg = arc_chart_parse_error_text(names[i].name, arc_error_last());
			arc_error_code(ARC_E_PARSE, "%s", msg);
			free(msg);
			r = ARC_E_PARSE;
			goto done;
		}
	}

	out->files = xcalloc(nn + 1, sizeof(*out->files));
	for (i = 0; i < nn; i++) {
		struct arc_buf b = ARC_BUF_INIT;
		arc_value *tm;
		if (base_name(names[i].name)[0] == '_')
			continue;
		tm = arc_v_map();
		tm->gotype = ARC_GO_VALUES;
		arc_v_map_set(tm, "Name", arc_v_str(names[i].name));
		arc_v_map_set(tm, "BasePath", arc_v_str(names[i].base));
		arc_v_map_set(names[i].ctx, "Template", tm);
		r = arc_tpl_execute(set, names[i].name, names[i].ctx, &b);
		if (r) {
			char *msg = arc_chart_exec_error_text(names[i].name, arc_error_last());
			arc_buf_release(&b);
			arc_error_code(r == ARC_E_NOMEM ? r : ARC_E_EXEC, "%s", msg);
			free(msg);
			r = r == ARC_E_NOMEM ? r : ARC_E_EXEC;
			goto done;
		}
		strip_no_value(&b);
		out->files[out->n].name = xstrdup(names[i].name);
		out->files[out->n].len = b.len;
		/* the buffer grew by doubling: give the slack back, the results stay until the output is done */
		if (b.cap > b.len + 1 + 64) {
			b.ptr = xrealloc(b.ptr, b.len + 1);
			b.cap = b.len + 1;
		}
		out->files[out->n].data = arc_buf_detach(&b, NULL);
		out->n++;
	}
done:
	if (r)
		arc_render_result_release(out);
	if (set)
		arc_tpl_set_free(set);
	/* a .Files a template kept somewhere (in .Values, say) gets its map while
	 * the chart is still there; the others forget the chart */
	for (i = 0; i < tl.nfiles; i++) {
		struct files_obj *fo = tl.files[i]->u.o.data;
		if (tl.files[i]->refcnt > 1)
			files_map(fo);
		fo->chart = NULL;
	}
	free(tl.files);
	/* break the only cycle we made: each context's .Template is a fresh map,
	 * but contexts are reachable from the root's .Subcharts; dropping the root
	 * frees them all */
	arc_v_unref(top);
	for (i = 0; i < nn; i++)
		free(names[i].name);
	free(names);
	for (i = 0; i < tl.nbases; i++)
		free(tl.bases[i]);
	free(tl.bases);
	return r;
}
