/* manifest.c - splitting, decoding heads, hooks, InstallOrder sorting and the
 * output of `helm template` (helm v4 pkg/release/v1/util, pkg/action, pkg/cmd/template.go) */
#include "manifest.h"
#include "../value/codec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ================= whitespace (Go's unicode.IsSpace) ================= */

/* length of the white-space rune at s (0 when none); Go's unicode.IsSpace */
static size_t space_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (!n)
		return 0;
	if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && (u[1] == 0x85 || u[1] == 0xa0))
		return 2;
	if (n >= 3 && u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
		return 3;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x80 &&
	    ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
		return 3;
	if (n >= 3 && u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
		return 3;
	if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) /* U+3000 */
		return 3;
	return 0;
}

/* length of the white-space rune ending at s[n-1] (0 when none) */
static size_t space_before(const char *s, size_t n)
{
	size_t k;
	for (k = 1; k <= 3 && k <= n; k++) {
		size_t l = space_at(s + n - k, k);
		if (l == k)
			return k;
	}
	return 0;
}

/* strings.TrimSpace */
static struct arc_span trim_space(const char *s, size_t n)
{
	struct arc_span r;
	size_t l;
	while ((l = space_at(s, n)) > 0) {
		s += l;
		n -= l;
	}
	while ((l = space_before(s, n)) > 0)
		n -= l;
	r.p = s;
	r.n = n;
	return r;
}

/* Go regexp's \s: [\t\n\f\r ] */
static int re_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* ================= SplitManifests ================= */

/* The leftmost match of `(?:^|\s*\n)---\s*` in s[from..n): start in *ms, end
 * in *me.  Returns 0 when there is none. */
static int find_sep(const char *s, size_t n, size_t from, size_t *ms, size_t *me)
{
	size_t i = from, e;
	if (from == 0 && n >= 3 && memcmp(s, "---", 3) == 0) {
		e = 3;
		while (e < n && re_space(s[e]))
			e++;
		*ms = 0;
		*me = e;
		return 1;
	}
	while (i < n) {
		/* a run of \s that ends with '\n' right before "---" */
		size_t j;
		if (!re_space(s[i])) {
			const char *nx = memchr(s + i, '\n', n - i);
			size_t k;
			if (!nx)
				return 0;
			/* back up to the start of the white-space run that holds this '\n' */
			k = (size_t)(nx - s);
			while (k > i && re_space(s[k - 1]))
				k--;
			i = k;
			continue;
		}
		j = i;
		while (j < n && re_space(s[j]))
			j++;
		/* s[i..j) is a maximal run of \s */
		if (s[j - 1] == '\n' && j + 3 <= n && memcmp(s + j, "---", 3) == 0) {
			e = j + 3;
			while (e < n && re_space(s[e]))
				e++;
			*ms = i;
			*me = e;
			return 1;
		}
		i = j;
	}
	return 0;
}

size_t arc_manifest_split(const char *s, size_t n, struct arc_span **out)
{
	struct arc_span *v = NULL;
	size_t nv = 0, cap = 0, beg = 0, pos = 0, ms, me;
	for (;;) {
		int found = find_sep(s, n, pos, &ms, &me);
		size_t end = found ? ms : n;
		struct arc_span piece;
		if (end > beg || !found) {
			piece = trim_space(s + beg, end - beg);
			if (piece.n) {
				if (nv == cap) {
					cap = cap ? cap * 2 : 8;
					v = xrealloc(v, cap * sizeof(*v));
				}
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

/* ================= InstallOrder ================= */

static const char *const install_order[] = {
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

int arc_manifest_kind_order(const char *kind)
{
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(install_order); i++)
		if (strcmp(kind, install_order[i]) == 0)
			return (int)i;
	return -1;
}

/* ================= the head (SimpleHead through sigs.k8s.io/yaml) ================= */

struct head {
	char *api_version, *kind, *name;
	arc_value *annotations; /* map of strings, or NULL */
	int has_metadata;
};

static const char *json_type(const arc_value *v)
{
	switch (v->kind) {
	case ARC_BOOL:
		return "bool";
	case ARC_INT:
	case ARC_FLOAT:
		return "number";
	case ARC_STRING:
		return "string";
	case ARC_LIST:
		return "array";
	case ARC_MAP:
		return "object";
	default:
		return "null";
	}
}

#define META_TYPE                                                                                      \
	"struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }"

/* a scalar converted to the string a string field receives (yamlToJSONTarget);
 * NULL for lists and maps.  Null gives "" (the field keeps its zero value). */
static char *scalar_string(const arc_value *v)
{
	struct arc_buf b = ARC_BUF_INIT;
	switch (v->kind) {
	case ARC_NULL:
		return xstrdup("");
	case ARC_BOOL:
		return xstrdup(v->u.b ? "true" : "false");
	case ARC_INT:
		return xasprintf("%lld", (long long)v->u.i);
	case ARC_FLOAT:
		arc_fmt_float(&b, v->u.f, 'g', -1);
		return arc_buf_detach(&b, NULL);
	case ARC_STRING:
		return xstrndup(arc_v_strptr(v), arc_v_strlen(v));
	default:
		return NULL;
	}
}

/* the first decoding error, as encoding/json reports it */
static void type_error(struct arc_buf *err, const char *what, const char *field, const char *type)
{
	if (err->len)
		return;
	if (field)
		arc_buf_printf(err, "json: cannot unmarshal %s into Go struct field %s of type %s", what, field, type);
	else
		arc_buf_printf(err, "json: cannot unmarshal %s into Go value of type %s", what, type);
}

/* a string field: scalars convert; null leaves the field */
static void set_string(char **dst, const arc_value *v, const char *field, struct arc_buf *err)
{
	char *s;
	if (v->kind == ARC_NULL)
		return;
	s = scalar_string(v);
	if (!s) {
		type_error(err, json_type(v), field, "string");
		return;
	}
	free(*dst);
	*dst = s;
}

static void decode_metadata(struct head *h, const arc_value *md, struct arc_buf *err)
{
	size_t *idx, i, n;
	if (md->kind == ARC_NULL) { /* null into a pointer: nil */
		free(h->name);
		h->name = xstrdup("");
		arc_v_unref(h->annotations);
		h->annotations = NULL;
		h->has_metadata = 0;
		return;
	}
	if (md->kind != ARC_MAP) {
		type_error(err, json_type(md), "SimpleHead.metadata", META_TYPE);
		return;
	}
	h->has_metadata = 1;
	n = arc_v_map_len(md);
	idx = arc_v_map_sorted(md);
	for (i = 0; i < n; i++) {
		const char *k = arc_v_map_key(md, idx[i]);
		arc_value *v = arc_v_map_val(md, idx[i]);
		if (strcasecmp(k, "name") == 0) {
			set_string(&h->name, v, ".metadata.name", err);
		} else if (strcasecmp(k, "annotations") == 0) {
			size_t *ai, j, an;
			if (v->kind == ARC_NULL) {
				arc_v_unref(h->annotations);
				h->annotations = NULL;
				continue;
			}
			if (v->kind != ARC_MAP) {
				type_error(err, json_type(v), ".metadata.annotations", "map[string]string");
				continue;
			}
			if (!h->annotations)
				h->annotations = arc_v_map();
			an = arc_v_map_len(v);
			ai = arc_v_map_sorted(v);
			for (j = 0; j < an; j++) {
				arc_value *av = arc_v_map_val(v, ai[j]);
				char *s = scalar_string(av);
				if (!s) {
					type_error(err, json_type(av), ".metadata.annotations", "string");
					continue;
				}
				arc_v_map_setn(h->annotations, arc_v_map_key(v, ai[j]), arc_v_map_keylen(v, ai[j]),
					       arc_v_str_take(s, strlen(s)));
			}
			free(ai);
		}
	}
	free(idx);
}

static void head_release(struct head *h)
{
	free(h->api_version);
	free(h->kind);
	free(h->name);
	arc_v_unref(h->annotations);
	memset(h, 0, sizeof(*h));
}

/* yaml.Unmarshal(piece, &SimpleHead): 0, or an error with helm's text */
static int decode_head(struct head *h, const char *path, const char *s, size_t n)
{
	arc_value *v = NULL;
	struct arc_buf err = ARC_BUF_INIT;
	int r;
	memset(h, 0, sizeof(*h));
	h->api_version = xstrdup("");
	h->kind = xstrdup("");
	h->name = xstrdup("");
	r = arc_yaml_load(&v, "", s, n, 0);
	if (r) {
		r = arc_error_code(ARC_E_PARSE, "YAML parse error on %s: error converting YAML to JSON: %s", path,
				   arc_error_last());
		head_release(h);
		return r;
	}
	if (v->kind == ARC_MAP) {
		size_t *idx = arc_v_map_sorted(v), i, nk = arc_v_map_len(v);
		for (i = 0; i < nk; i++) {
			const char *k = arc_v_map_key(v, idx[i]);
			arc_value *e = arc_v_map_val(v, idx[i]);
			if (strcasecmp(k, "apiVersion") == 0)
				set_string(&h->api_version, e, "SimpleHead.apiVersion", &err);
			else if (strcasecmp(k, "kind") == 0)
				set_string(&h->kind, e, "SimpleHead.kind", &err);
			else if (strcasecmp(k, "metadata") == 0)
				decode_metadata(h, e, &err);
		}
		free(idx);
	} else if (v->kind != ARC_NULL) {
		type_error(&err, json_type(v), NULL, "util.SimpleHead");
	}
	arc_v_unref(v);
	if (err.len) {
		r = arc_error_code(ARC_E_PARSE, "YAML parse error on %s: error unmarshaling JSON: while decoding JSON: %s",
				   path, arc_buf_cstr(&err));
		arc_buf_release(&err);
		head_release(h);
		return r;
	}
	return 0;
}

/* ================= SortManifests ================= */

struct mlist {
	struct arc_manifest *v;
	size_t n, cap;
};

static struct arc_manifest *mlist_add(struct mlist *l)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static void manifest_release(struct arc_manifest *m)
{
	free(m->path);
	free(m->content);
	free(m->api_version);
	free(m->kind);
	free(m->name);
}

static const struct {
	const char *name;
	unsigned bit;
} hook_events[] = {
	{ "pre-install", ARC_HOOK_PRE_INSTALL },   { "post-install", ARC_HOOK_POST_INSTALL },
	{ "pre-delete", ARC_HOOK_PRE_DELETE },     { "post-delete", ARC_HOOK_POST_DELETE },
	{ "pre-upgrade", ARC_HOOK_PRE_UPGRADE },   { "post-upgrade", ARC_HOOK_POST_UPGRADE },
	{ "pre-rollback", ARC_HOOK_PRE_ROLLBACK }, { "post-rollback", ARC_HOOK_POST_ROLLBACK },
	{ "test", ARC_HOOK_TEST },                 { "test-success", ARC_HOOK_TEST },
};

/* the events of a helm.sh/hook value; 0 when one of them is unknown */
static unsigned parse_events(const char *s)
{
	unsigned ev = 0;
	for (;;) {
		const char *c = strchr(s, ','), *e = c ? c : s + strlen(s);
		struct arc_span t = trim_space(s, (size_t)(e - s));
		size_t i;
		int hit = 0;
		for (i = 0; i < ARC_ARRAY_LEN(hook_events); i++) {
			if (strlen(hook_events[i].name) == t.n && strncasecmp(hook_events[i].name, t.p, t.n) == 0) {
				ev |= hook_events[i].bit;
				hit = 1;
				break;
			}
		}
		if (!hit)
			return 0;
		if (!c)
			break;
		s = c + 1;
	}
	return ev;
}

struct sortent {
	struct arc_manifest m;
	int order;
	size_t idx;
};

static int cmp_kind(const void *a, const void *b)
{
	const struct sortent *x = a, *y = b;
	if (x->order >= 0 && y->order >= 0 && x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if ((x->order < 0) != (y->order < 0))
		return x->order < 0 ? 1 : -1;
	if (x->order < 0) {
		int c = strcmp(x->m.kind, y->m.kind);
		if (c)
			return c;
	}
	return x->idx < y->idx ? -1 : x->idx > y->idx ? 1 : 0;
}

static void sort_by_kind(struct mlist *l)
{
	struct sortent *e = xcalloc(l->n + 1, sizeof(*e));
	size_t i;
	for (i = 0; i < l->n; i++) {
		e[i].m = l->v[i];
		e[i].order = arc_manifest_kind_order(l->v[i].kind);
		e[i].idx = i;
	}
	qsort(e, l->n, sizeof(*e), cmp_kind);
	for (i = 0; i < l->n; i++)
		l->v[i] = e[i].m;
	free(e);
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && memcmp(s + a - b, suf, b) == 0;
}

static int cmp_rendered(const void *a, const void *b)
{
	const struct arc_rendered *x = *(const struct arc_rendered *const *)a;
	const struct arc_rendered *y = *(const struct arc_rendered *const *)b;
	return strcmp(x->name, y->name);
}

int arc_manifests_sort(struct arc_manifests *out, const struct arc_render_result *r, struct arc_warnings *w)
{
	struct mlist gen = { NULL, 0, 0 }, hooks = { NULL, 0, 0 };
	const struct arc_rendered **files = xcalloc(r->n + 1, sizeof(*files));
	size_t i, j;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->n; i++)
		files[i] = &r->files[i];
	qsort(files, r->n, sizeof(*files), cmp_rendered);
	for (i = 0; i < r->n && rc == 0; i++) {
		const struct arc_rendered *f = files[i];
		const char *slash = strrchr(f->name, '/');
		struct arc_span *pieces = NULL;
		size_t np;
		/* NOTES.txt files are not manifests; partials are not rendered */
		if (ends_with(f->name, "NOTES.txt") || (slash ? slash[1] : f->name[0]) == '_')
			continue;
		np = arc_manifest_split(f->data, f->len, &pieces);
		for (j = 0; j < np; j++) {
			struct head h;
			struct arc_manifest *m;
			arc_value *hv;
			unsigned ev = 0;
			if ((rc = decode_head(&h, f->name, pieces[j].p, pieces[j].n)) != 0)
				break;
			hv = h.annotations && arc_v_map_len(h.annotations) ? arc_v_map_get(h.annotations, "helm.sh/hook")
									 : NULL;
			if (hv) {
				ev = parse_events(arc_v_strptr(hv));
				if (!ev) {
					if (w)
						arc_warnings_log(w, "INFO", "skipping unknown hooks", "hookTypes",
								 arc_v_strptr(hv), (const char *)NULL);
					head_release(&h);
					continue;
				}
			}
			m = mlist_add(hv ? &hooks : &gen);
			m->path = xstrdup(f->name);
			m->content = xstrndup(pieces[j].p, pieces[j].n);
			m->len = pieces[j].n;
			m->api_version = h.api_version;
			m->kind = h.kind;
			m->name = h.name;
			m->events = ev;
			if (hv) {
				arc_value *wv = arc_v_map_get(h.annotations, "helm.sh/hook-weight");
				m->weight = wv ? atoi(arc_v_strptr(wv)) : 0;
			}
			arc_v_unref(h.annotations);
		}
		free(pieces);
	}
	free(files);
	out->manifests = gen.v;
	out->nmanifests = gen.n;
	out->hooks = hooks.v;
	out->nhooks = hooks.n;
	if (rc) {
		arc_manifests_release(out);
		return rc;
	}
	sort_by_kind(&gen);
	sort_by_kind(&hooks);
	out->manifests = gen.v;
	out->hooks = hooks.v;
	return 0;
}

void arc_manifests_release(struct arc_manifests *m)
{
	size_t i;
	for (i = 0; i < m->nmanifests; i++)
		manifest_release(&m->manifests[i]);
	for (i = 0; i < m->nhooks; i++)
		manifest_release(&m->hooks[i]);
	free(m->manifests);
	free(m->hooks);
	memset(m, 0, sizeof(*m));
}

/* ================= CRDObjects ================= */

static int manifest_ext(const char *p)
{
	const char *slash = strrchr(p, '/'), *dot = strrchr(p, '.');
	if (!dot || (slash && dot < slash))
		return 0;
	return !strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml") || !strcasecmp(dot, ".json");
}

static void crds_rec(const struct arc_chart *c, struct arc_crd **v, size_t *n, int depth)
{
	char *full;
	size_t i;
	if (depth > 64)
		return;
	full = arc_chart_full_path(c);
	for (i = 0; i < c->nfiles; i++) {
		const struct arc_chart_file *f = &c->files[i];
		if (strncmp(f->path, "crds/", 5) != 0 || !manifest_ext(f->path))
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n].filename = xasprintf("%s/%s", full, f->path);
		(*v)[*n].file = f;
		(*n)++;
	}
	free(full);
	for (i = 0; i < c->ndeps; i++)
		crds_rec(c->deps[i], v, n, depth + 1);
}

size_t arc_chart_crds(const struct arc_chart *c, struct arc_crd **out)
{
	size_t n = 0;
	*out = NULL;
	crds_rec(c, out, &n, 0);
	return n;
}

void arc_crds_free(struct arc_crd *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(v[i].filename);
	free(v);
}

/* ================= filepath.Match ================= */

static size_t rune_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t l = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4, i;
	for (i = 1; i < l; i++)
		if (!s[i])
			return i;
	return l;
}

static unsigned long rune_at(const char *s, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t l = rune_len(s);
	*len = l;
	if (l == 1)
		return u[0];
	if (l == 2)
		return ((unsigned long)(u[0] & 0x1f) << 6) | (u[1] & 0x3f);
	if (l == 3)
		return ((unsigned long)(u[0] & 0x0f) << 12) | ((unsigned long)(u[1] & 0x3f) << 6) | (u[2] & 0x3f);
	return ((unsigned long)(u[0] & 0x07) << 18) | ((unsigned long)(u[1] & 0x3f) << 12) |
	       ((unsigned long)(u[2] & 0x3f) << 6) | (u[3] & 0x3f);
}

/* matchChunk: match the chunk (no '*') at the start of s; *rest gets the rest
 * of s.  Returns 1 on a match, 0 on none, -1 on a bad pattern. */
static int match_chunk(const char *chunk, size_t cn, const char *s, const char **rest)
{
	size_t ci = 0, l;
	int failed = 0;
	while (ci < cn) {
		if (!failed && !*s)
			failed = 1;
		switch (chunk[ci]) {
		case '[': {
			unsigned long r = 0;
			int matched = 0, negated = 0, nrange = 0;
			if (!failed) {
				r = rune_at(s, &l);
				s += l;
			}
			ci++;
			if (ci < cn && chunk[ci] == '^') {
				negated = 1;
				ci++;
			}
			for (;;) {
				unsigned long lo, hi;
				if (ci < cn && chunk[ci] == ']' && nrange > 0) {
					ci++;
					break;
				}
				/* getEsc */
				if (ci >= cn || chunk[ci] == '-' || chunk[ci] == ']')
					return -1;
				if (chunk[ci] == '\\') {
					ci++;
					if (ci >= cn)
						return -1;
				}
				lo = rune_at(chunk + ci, &l);
				ci += l;
				if (ci >= cn)
					return -1;
				hi = lo;
				if (chunk[ci] == '-') {
					ci++;
					if (ci >= cn || chunk[ci] == '-' || chunk[ci] == ']')
						return -1;
					if (chunk[ci] == '\\') {
						ci++;
						if (ci >= cn)
							return -1;
					}
					hi = rune_at(chunk + ci, &l);
					ci += l;
					if (ci >= cn)
						return -1;
				}
				if (lo <= r && r <= hi)
					matched = 1;
				nrange++;
			}
			if (matched == negated)
				failed = 1;
			break;
		}
		case '?':
			if (!failed) {
				if (*s == '/')
					failed = 1;
				s += rune_len(s);
			}
			ci++;
			break;
		case '\\':
			ci++;
			if (ci >= cn)
				return -1;
			/* fallthrough */
		default:
			if (!failed) {
				if (chunk[ci] != *s)
					failed = 1;
				s++;
			}
			ci++;
		}
	}
	if (failed)
		return 0;
	*rest = s;
	return 1;
}

int arc_path_match(const char *pattern, const char *name)
{
	const char *p = pattern;
	while (*p) {
		int star = 0, inrange = 0;
		const char *chunk, *rest;
		size_t cn;
		while (*p == '*') {
			star = 1;
			p++;
		}
		chunk = p;
		for (; *p; p++) {
			if (*p == '\\') {
				if (p[1])
					p++;
			} else if (*p == '[') {
				inrange = 1;
			} else if (*p == ']') {
				inrange = 0;
			} else if (*p == '*' && !inrange) {
				break;
			}
		}
		cn = (size_t)(p - chunk);
		if (star && cn == 0)
			return strchr(name, '/') == NULL;
		{
			int m = match_chunk(chunk, cn, name, &rest);
			if (m < 0)
				return 0;
			if (m && (*rest == '\0' || *p)) {
				name = rest;
				continue;
			}
		}
		if (star) {
			size_t i;
			int ok = 0;
			for (i = 0; name[i] && name[i] != '/'; i++) {
				int m = match_chunk(chunk, cn, name + i + 1, &rest);
				if (m < 0)
					return 0;
				if (m) {
					if (!*p && *rest)
						continue;
					name = rest;
					ok = 1;
					break;
				}
			}
			if (ok)
				continue;
		}
		return 0;
	}
	return *name == '\0';
}

/* ================= output ================= */

/* "# Source: [^/]+/(.+)": the captured path, or NULL */
static char *source_path(const char *s, size_t n)
{
	static const char tag[] = "# Source: ";
	const char *p = s, *e = s + n;
	while (p < e) {
		const char *t = memmem(p, (size_t)(e - p), tag, sizeof(tag) - 1), *k, *q;
		if (!t)
			return NULL;
		k = t + sizeof(tag) - 1;
		q = k;
		while (q < e && *q != '/')
			q++;
		if (q > k && q < e && q + 1 < e && q[1] != '\n') {
			const char *z = q + 1;
			while (z < e && *z != '\n')
				z++;
			return xstrndup(q + 1, (size_t)(z - q - 1));
		}
		p = t + 1;
	}
	return NULL;
}

static int mkdir_p(const char *dir)
{
	char *d = xstrdup(dir), *p;
	int rc = 0;
	for (p = d + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0755) != 0 && errno != EEXIST)
			rc = arc_error_code(ARC_E_IO, "mkdir %s: %s", d, strerror(errno));
		*p = '/';
	}
	if (rc == 0 && mkdir(d, 0755) != 0 && errno != EEXIST)
		rc = arc_error_code(ARC_E_IO, "mkdir %s: %s", d, strerror(errno));
	free(d);
	return rc;
}

/* writeToFile: "<dir>/<name>" gets "---\n# Source: <name>\n<data>\n" (appended
 * when `append`), and "wrote <file>\n" goes to out */
static int write_file(struct arc_buf *out, const char *dir, const char *name, const char *data, size_t len,
		      int append)
{
	char *file = xasprintf("%s/%s", dir, name), *parent = xstrdup(file), *slash = strrchr(parent, '/');
	struct arc_buf b = ARC_BUF_INIT;
	int fd, rc = 0;
	if (slash && slash != parent) {
		*slash = '\0';
		rc = mkdir_p(parent);
	}
	free(parent);
	if (rc) {
		free(file);
		return rc;
	}
	if (append)
		fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	else
		fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		rc = arc_error_code(ARC_E_IO, "open %s: %s", file, strerror(errno));
		free(file);
		return rc;
	}
	arc_buf_printf(&b, "---\n# Source: %s\n", name);
	arc_buf_add(&b, data, len);
	arc_buf_putc(&b, '\n');
	{
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = write(fd, b.ptr + off, b.len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rc = arc_error_code(ARC_E_IO, "write %s: %s", file, strerror(errno));
				break;
			}
			off += (size_t)w;
		}
	}
	if (close(fd) != 0 && rc == 0)
		rc = arc_error_code(ARC_E_IO, "close %s: %s", file, strerror(errno));
	if (rc == 0)
		arc_buf_printf(out, "wrote %s\n", file);
	arc_buf_release(&b);
	free(file);
	return rc;
}

/* the set of file names written so far */
struct written {
	char **v;
	size_t n;
};

static int written_has(const struct written *w, const char *name)
{
	size_t i;
	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i], name) == 0)
			return 1;
	return 0;
}

static void written_add(struct written *w, const char *name)
{
	if (written_has(w, name))
		return;
	w->v = xrealloc(w->v, (w->n + 1) * sizeof(*w->v));
	w->v[w->n++] = xstrdup(name);
}

static void written_release(struct written *w)
{
	size_t i;
	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}

static void put_doc(struct arc_buf *b, const char *name, const char *data, size_t len)
{
	arc_buf_puts(b, "---\n# Source: ");
	arc_buf_puts(b, name);
	arc_buf_putc(b, '\n');
	arc_buf_add(b, data, len);
	arc_buf_putc(b, '\n');
}

int arc_manifest_output(struct arc_buf *out, const struct arc_chart *c, const struct arc_manifests *m,
			const struct arc_output_opts *o)
{
	struct arc_buf man = ARC_BUF_INIT, all = ARC_BUF_INIT;
	struct written wr = { NULL, 0 };
	char *newdir = NULL;
	struct arc_span t;
	size_t i;
	int rc = 0;

	if (o->output_dir)
		newdir = o->use_release_name ? xasprintf("%s/%s", o->output_dir, o->release_name ? o->release_name : "")
					     : xstrdup(o->output_dir);
	/* renderResources: the release manifest */
	if (o->include_crds) {
		struct arc_crd *crds;
		size_t n = arc_chart_crds(c, &crds);
		for (i = 0; i < n && rc == 0; i++) {
			if (!o->output_dir) {
				put_doc(&man, crds[i].filename, crds[i].file->data, crds[i].file->len);
			} else {
				rc = write_file(out, o->output_dir, crds[i].filename, crds[i].file->data, crds[i].file->len,
						written_has(&wr, crds[i].filename));
				written_add(&wr, crds[i].filename);
			}
		}
		arc_crds_free(crds, n);
	}
	for (i = 0; i < m->nmanifests && rc == 0; i++) {
		const struct arc_manifest *x = &m->manifests[i];
		if (!o->output_dir) {
			put_doc(&man, x->path, x->content, x->len);
		} else {
			rc = write_file(out, newdir, x->path, x->content, x->len, written_has(&wr, x->path));
			written_add(&wr, x->path);
		}
	}
	written_release(&wr);
	if (rc)
		goto done;

	/* template.go */
	t = trim_space(man.ptr ? man.ptr : "", man.len);
	arc_buf_add(&all, t.p, t.n);
	arc_buf_putc(&all, '\n');
	if (!o->no_hooks) {
		for (i = 0; i < m->nhooks && rc == 0; i++) {
			const struct arc_manifest *h = &m->hooks[i];
			if (o->skip_tests && (h->events & ARC_HOOK_TEST))
				continue;
			if (!o->output_dir) {
				put_doc(&all, h->path, h->content, h->len);
			} else {
				char *f = xasprintf("%s/%s", newdir, h->path);
				struct stat st;
				if (stat(f, &st) == 0)
					written_add(&wr, h->path);
				free(f);
				rc = write_file(out, newdir, h->path, h->content, h->len, written_has(&wr, h->path));
			}
		}
		written_release(&wr);
		if (rc)
			goto done;
	}
	if (o->nshow_only) {
		struct arc_span *docs = NULL;
		size_t nd = arc_manifest_split(all.ptr, all.len, &docs), k;
		char **paths = xcalloc(nd + 1, sizeof(*paths));
		struct arc_buf sel = ARC_BUF_INIT;
		for (k = 0; k < nd; k++)
			paths[k] = source_path(docs[k].p, docs[k].n);
		for (i = 0; i < o->nshow_only && rc == 0; i++) {
			int missing = 1;
			for (k = 0; k < nd; k++) {
				if (!paths[k] || !arc_path_match(o->show_only[i], paths[k]))
					continue;
				arc_buf_puts(&sel, "---\n");
				arc_buf_add(&sel, docs[k].p, docs[k].n);
				arc_buf_putc(&sel, '\n');
				missing = 0;
			}
			if (missing)
				rc = arc_error_code(ARC_E_NOTFOUND, "could not find template %s in chart", o->show_only[i]);
		}
		if (rc == 0 && sel.len)
			arc_buf_add(out, sel.ptr, sel.len);
		for (k = 0; k < nd; k++)
			free(paths[k]);
		free(paths);
		free(docs);
		arc_buf_release(&sel);
	} else {
		arc_buf_add(out, all.ptr, all.len);
	}
done:
	free(newdir);
	arc_buf_release(&man);
	arc_buf_release(&all);
	return rc;
}
