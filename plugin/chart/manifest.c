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
 * in *me.  Returns 0 when there is none.  Past the start, every match holds
 * "\n---": it begins where the run of \s before that newline begins. */
static int find_sep(const char *s, size_t n, size_t from, size_t *ms, size_t *me)
{
	const char *hit;
	size_t k, e;
	if (from == 0 && n >= 3 && memcmp(s, "---", 3) == 0) {
		e = 3;
		while (e < n && re_space(s[e]))
			e++;
		*ms = 0;
		*me = e;
		return 1;
	}
	/* "\n---": each newline, then the three bytes after it */
	for (hit = s + from;; hit++) {
		hit = hit < s + n ? memchr(hit, '\n', (size_t)(s + n - hit)) : NULL;
		if (!hit || s + n - hit < 4)
			return 0;
		if (hit[1] == '-' && hit[2] == '-' && hit[3] == '-')
			break;
	}
	k = (size_t)(hit - s);
	e = k + 4;
	while (k > from && re_space(s[k - 1]))
		k--;
	while (e < n && re_space(s[e]))
		e++;
	*ms = k;
	*me = e;
	return 1;
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
	/* the helm.sh/hook and helm.sh/hook-weight annotations (NULL when absent) */
	char *hook, *weight;
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

static void decode_metadata(struct head *h, arc_value **ann, const arc_value *md, struct arc_buf *err)
{
	size_t *idx, i, n;
	if (md->kind == ARC_NULL) { /* null into a pointer: nil */
		free(h->name);
		h->name = xstrdup("");
		arc_v_unref(*ann);
		*ann = NULL;
		return;
	}
	if (md->kind != ARC_MAP) {
		type_error(err, json_type(md), "SimpleHead.metadata", META_TYPE);
		return;
	}
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
				arc_v_unref(*ann);
				*ann = NULL;
				continue;
			}
			if (v->kind != ARC_MAP) {
				type_error(err, json_type(v), ".metadata.annotations", "map[string]string");
				continue;
			}
			if (!*ann)
				*ann = arc_v_map();
			an = arc_v_map_len(v);
			ai = arc_v_map_sorted(v);
			for (j = 0; j < an; j++) {
				arc_value *av = arc_v_map_val(v, ai[j]);
				char *s = scalar_string(av);
				if (!s) {
					type_error(err, json_type(av), ".metadata.annotations", "string");
					continue;
				}
				arc_v_map_setn(*ann, arc_v_map_key(v, ai[j]), arc_v_map_keylen(v, ai[j]),
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
	free(h->hook);
	free(h->weight);
	memset(h, 0, sizeof(*h));
}

/* yaml.Unmarshal(piece, &SimpleHead) through the full decoder: 0, or an error with helm's text */
static int decode_head(struct head *h, const char *path, const char *s, size_t n)
{
	arc_value *v = NULL, *ann = NULL;
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
				decode_metadata(h, &ann, e, &err);
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
		arc_v_unref(ann);
		head_release(h);
		return r;
	}
	if (ann && arc_v_map_len(ann)) {
		arc_value *hv = arc_v_map_get(ann, "helm.sh/hook"), *wv = arc_v_map_get(ann, "helm.sh/hook-weight");
		if (hv)
			h->hook = xstrdup(arc_v_strptr(hv));
		if (wv)
			h->weight = xstrdup(arc_v_strptr(wv));
	}
	arc_v_unref(ann);
	return 0;
}

/* ================= the head, fast path ================= */

/*
 * Most rendered documents are plain block YAML: mappings and sequences laid
 * out by indentation, one-line plain and quoted scalars, literal and folded
 * block scalars, one-line flow collections.  For those a line scanner checks
 * that libyaml (so yaml.v2) takes the whole document and that the JSON step
 * cannot fail, and picks the head's fields out of it without building a value
 * tree.  Whatever it is not sure of — tabs or CRs outside block scalars,
 * anchors, aliases, tags, directives, multi-line plain or quoted scalars,
 * complex or non-string keys, head fields that are not plain strings,
 * repeated or differently cased head keys, .nan/.inf, control characters —
 * goes to decode_head, which gives helm's exact results and errors.  So the
 * fast path never fails a document: it only declines it.  The scan cannot stop
 * once the head's fields are found: helm's yaml.Unmarshal reads the whole
 * document, so a syntax error (or a NaN) after the head is still an error.
 */

#define F_NO (-1) /* declined: decode_head decides */
#define F_MAX_DEPTH 64
#define F_MAX_KEY 1000 /* libyaml's simple keys end within 1024 characters */

struct fspan {
	const char *p;
	size_t n;
};

enum frole { FR_NONE, FR_ROOT, FR_META, FR_ANN };

enum { F_API = 1, F_KIND = 2, F_META = 4, F_NAME = 8, F_ANN = 16, F_HOOK = 32, F_WEIGHT = 64 };

struct fscan {
	const char *e;    /* end of the document */
	const char *line; /* the current content line (NULL at the end) */
	const char *eol;  /* its end: its '\n' or e */
	int ind;          /* its indentation; -1 at the end */
	int depth;
	unsigned seen; /* F_* */
	struct fspan api, kind, name, hook, weight;
};

/* Only characters libyaml reads as printable (valid UTF-8, no C0/C1 controls
 * but tab and newline, no NEL, LS, PS or BOM, no CR). */
static int f_chars_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s, *e = u + n;
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	while (u < e) {
		unsigned c;
		unsigned long cp;
		size_t l, i;
		/* eight bytes at a time while they are all in 0x20..0x7e or '\n' */
		while (e - u >= 8) {
			uint64_t w, x;
			memcpy(&w, u, 8);
			x = w ^ (ones * '\n'); /* a zero byte where w has '\n' */
			/* 0x80 exactly where x has a zero byte; moved to 0x20, it makes a
			 * '\n' of w read as '*', which passes */
			w |= (~(((x & ~highs) + ~highs) | x) & highs) >> 2;
			x = w ^ (ones * 0x7f); /* a zero byte where w has 0x7f */
			if (((w - ones * 0x20) | w | (x - ones)) & highs)
				break;
			u += 8;
		}
		if (u == e)
			break;
		c = *u;
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

/* The next content line at or after p (the start of a line): blank and comment lines are skipped. */
static int f_next(struct fscan *f, const char *p)
{
	while (p < f->e) {
		const char *nl = memchr(p, '\n', (size_t)(f->e - p)), *eol = nl ? nl : f->e, *q = p;
		while (q < eol && *q == ' ')
			q++;
		if (q == eol || *q == '#') {
			p = nl ? nl + 1 : f->e;
			continue;
		}
		if (*q == '\t' || (q == p && (*q == '%' || (eol - q >= 3 && (!memcmp(q, "...", 3) || !memcmp(q, "---", 3))))))
			return F_NO;
		f->line = p;
		f->eol = eol;
		f->ind = (int)(q - p);
		return 0;
	}
	f->line = NULL;
	f->eol = f->e;
	f->ind = -1;
	return 0;
}

static int f_next_line(struct fscan *f)
{
	return f_next(f, f->eol < f->e ? f->eol + 1 : f->e);
}

/* "-" followed by a space or the end of the line */
static int f_is_entry(const char *p, const char *eol)
{
	return p < eol && *p == '-' && (p + 1 == eol || p[1] == ' ');
}

/* words YAML 1.1 reads as booleans or null */
static int f_special(const char *p, size_t n)
{
	static const char *const w[] = { "y",    "Y",     "yes",   "Yes",   "YES",  "n",    "N",    "no",   "No",
					 "NO",   "true",  "True",  "TRUE",  "false", "False", "FALSE", "on",  "On",
					 "ON",   "off",   "Off",   "OFF",   "null",  "Null",  "NULL" };
	size_t i;
	if (n > 5)
		return 0;
	for (i = 0; i < ARC_ARRAY_LEN(w); i++)
		if (strlen(w[i]) == n && memcmp(w[i], p, n) == 0)
			return 1;
	return 0;
}

static int f_key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int f_key_char(char c)
{
	return f_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '-';
}

/* After a value: spaces, then the end of the line or a comment. */
static int f_trail(const char *p, const char *eol)
{
	const char *q = p;
	while (q < eol && *q == ' ')
		q++;
	return q == eol || (*q == '#' && q > p);
}

/* A key at p taken as a string as written: 1 with its text and the position
 * after its ':', 0 when p holds no key, F_NO when it may hold a key the fast
 * path does not take. */
static int f_key(const char *p, const char *eol, struct fspan *k, const char **after)
{
	const char *q;
	if (*p == '"' || *p == '\'') {
		for (q = p + 1; q < eol && *q != *p; q++)
			if (*q == '\\' || *q == '\t')
				return F_NO;
		if (q == eol || (*p == '\'' && q + 1 < eol && q[1] == '\''))
			return F_NO;
		if (q + 1 < eol && q[1] == ':' && (q + 2 == eol || q[2] == ' ')) {
			if (q - p > F_MAX_KEY)
				return F_NO;
			k->p = p + 1;
			k->n = (size_t)(q - p - 1);
			*after = q + 2;
			return 1;
		}
		return 0;
	}
	if (!f_key_start(*p))
		return 0;
	for (q = p + 1; q < eol && f_key_char(*q); q++)
		;
	if (q == eol || *q != ':' || (q + 1 < eol && q[1] != ' '))
		return 0; /* a plain scalar (or a key with other characters: f_value declines it) */
	if (q - p > F_MAX_KEY || f_special(p, (size_t)(q - p)))
		return F_NO;
	k->p = p;
	k->n = (size_t)(q - p);
	*after = q + 1;
	return 1;
}

/* A double-quoted scalar at p (one line, simple escapes): the position after
 * it, or NULL.  *esc is set when it holds escapes. */
static const char *f_dquoted(const char *p, const char *eol, int *esc)
{
	const char *q;
	*esc = 0;
	for (q = p + 1; q < eol && *q != '"'; q++) {
		if (*q == '\t')
			return NULL;
		if (*q == '\\') {
			if (q + 1 >= eol || !strchr("0abtnvfre \"/\\N_LP", q[1]))
				return NULL;
			*esc = 1;
			q++;
		}
	}
	return q < eol ? q + 1 : NULL;
}

/* A single-quoted scalar at p on one line: the position after it, or NULL. */
static const char *f_squoted(const char *p, const char *eol, int *esc)
{
	const char *q;
	*esc = 0;
	for (q = p + 1; q < eol; q++) {
		if (*q == '\t')
			return NULL;
		if (*q == '\'') {
			if (q + 1 < eol && q[1] == '\'') {
				*esc = 1;
				q++;
				continue;
			}
			return q + 1;
		}
	}
	return NULL;
}

static const char *f_skip_sp(const char *p, const char *eol)
{
	while (p < eol && *p == ' ')
		p++;
	return p;
}

static const char *f_flow(const char *p, const char *eol, int depth);

/* one item of a flow collection: the position after it, or NULL */
static const char *f_flow_item(const char *p, const char *eol, int depth)
{
	int esc;
	const char *q;
	if (p >= eol)
		return NULL;
	if (*p == '[' || *p == '{')
		return f_flow(p, eol, depth + 1);
	if (*p == '"')
		return f_dquoted(p, eol, &esc);
	if (*p == '\'')
		return f_squoted(p, eol, &esc);
	if (!f_key_char(*p) || *p == '.' || *p == '-')
		return NULL;
	for (q = p + 1; q < eol && *q != ' ' && *q != ',' && *q != ']' && *q != '}'; q++)
		if (!f_key_char(*q) && *q != '+' && *q != '=')
			return NULL;
	return q;
}

/* a one-line flow collection at p: the position after it, or NULL */
static const char *f_flow(const char *p, const char *eol, int depth)
{
	char close = *p == '[' ? ']' : '}';
	int map = *p == '{';
	if (depth > 16)
		return NULL;
	p = f_skip_sp(p + 1, eol);
	if (p < eol && *p == close)
		return p + 1;
	for (;;) {
		if (map) {
			struct fspan k;
			const char *after;
			if (p >= eol || f_key(p, eol, &k, &after) != 1 || after >= eol)
				return NULL;
			p = f_skip_sp(after, eol);
		}
		p = f_flow_item(p, eol, depth);
		if (!p)
			return NULL;
		p = f_skip_sp(p, eol);
		if (p >= eol)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = f_skip_sp(p + 1, eol);
		if (p >= eol || *p == close)
			return NULL;
	}
}

/* the number of spaces that begin p[0..max); `avail` bytes from p can be read */
static size_t f_spaces(const char *p, size_t max, size_t avail)
{
	static const char sp8[8] = { ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ' };
	/* 0xff bytes then zeros: from ff + 8 - k, a mask of the first k bytes in memory order */
	static const unsigned char ff[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t i = 0;
	if (max > 0 && max <= 8 && avail >= 8) { /* the usual indentation: one masked compare */
		uint64_t w, sp, m;
		memcpy(&w, p, 8);
		memcpy(&sp, sp8, 8);
		memcpy(&m, ff + 8 - max, 8);
		if (((w ^ sp) & m) == 0)
			return max;
	}
	while (max - i >= 8 && memcmp(p + i, sp8, 8) == 0)
		i += 8;
	while (i < max && p[i] == ' ')
		i++;
	return i;
}

/* The body of a block scalar whose header ends the current line; c is the
 * indentation of the collection that holds it.  Leaves f on the line after. */
static int f_block(struct fscan *f, int c)
{
	const char *p = f->eol < f->e ? f->eol + 1 : f->e;
	int bi = -1;
	while (p < f->e) {
		const char *nl = memchr(p, '\n', (size_t)(f->e - p)), *eol = nl ? nl : f->e, *q = p;
		if (bi < 0) {
			while (q < eol && *q == ' ')
				q++;
			if (q == eol || *q == '\t')
				return F_NO; /* leading empty lines, or a tab in the indentation */
			if (q - p <= c)
				break; /* an empty scalar */
			bi = (int)(q - p);
		} else {
			q += f_spaces(p, eol - p < bi ? (size_t)(eol - p) : (size_t)bi, (size_t)(f->e - p));
			if (q - p < bi && q < eol) {
				if (*q == '\t')
					return F_NO;
				break; /* less indented: the scalar ends */
			}
		}
		p = nl ? nl + 1 : f->e;
	}
	return f_next(f, p);
}

/* The lines that continue a plain scalar (more indented than c, not comments);
 * f is on its first line.  Leaves f on the line after. */
static int f_plain_more(struct fscan *f, int c)
{
	const char *p = f->eol < f->e ? f->eol + 1 : f->e;
	while (p < f->e) {
		const char *nl = memchr(p, '\n', (size_t)(f->e - p)), *eol = nl ? nl : f->e, *q = p, *t;
		while (q < eol && *q == ' ')
			q++;
		if (q < eol) {
			if (*q == '\t')
				return F_NO;
			if (q - p <= c || *q == '#')
				break; /* the scalar ends */
			if (strchr("-?:,[]{}&*!|>'\"%@`", *q))
				return F_NO;
			for (t = q; t < eol; t++)
				if (*t == '\t' || (*t == ':' && (t + 1 == eol || t[1] == ' ')) ||
				    (*t == ' ' && t + 1 < eol && t[1] == '#'))
					return F_NO;
		}
		p = nl ? nl + 1 : f->e;
	}
	return f_next(f, p);
}

/* a head field's plain scalar that YAML 1.1 reads as the string written (or a
 * decimal integer, whose JSON string is the same digits) */
static int f_plain_string(const char *p, size_t n)
{
	size_t i;
	if (n == 0)
		return 0;
	if (f_key_start(*p) || *p == '/')
		return !f_special(p, n);
	if (n > 18 || (p[0] == '0' && n > 1))
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

/*
 * The value at p (not a space) on the current line, of an entry of the
 * collection at indentation c.  `want`: where a head field's text goes (the
 * value must then be a string as written); `scalar`: the value must be a
 * scalar.  Leaves f on the next content line.
 */
static int f_value(struct fscan *f, const char *p, int c, struct fspan *want, int scalar)
{
	const char *eol = f->eol, *q;
	int esc, comment = 0;
	switch (*p) {
	case '"':
	case '\'':
		q = *p == '"' ? f_dquoted(p, eol, &esc) : f_squoted(p, eol, &esc);
		if (!q || !f_trail(q, eol) || (want && esc))
			return F_NO;
		if (want) {
			want->p = p + 1;
			want->n = (size_t)(q - p - 2);
		}
		return f_next_line(f);
	case '|':
	case '>':
		if (want)
			return F_NO;
		q = p + 1;
		if (q < eol && (*q == '+' || *q == '-'))
			q++;
		if (!f_trail(q, eol) || (q < eol && *q != ' '))
			return F_NO;
		return f_block(f, c);
	case '[':
	case '{':
		if (want || scalar)
			return F_NO;
		q = f_flow(p, eol, 0);
		if (!q || !f_trail(q, eol))
			return F_NO;
		return f_next_line(f);
	case '&': case '*': case '!': case '%': case '@': case '`': case ',': case ']': case '}': case '?':
	case ':': case '#': case '\t':
		return F_NO;
	case '-':
		if (p + 1 == eol || p[1] == ' ')
			return F_NO;
		break;
	default:
		break;
	}
	/* a plain scalar: to the end of the line or a comment */
	for (q = p; q < eol; q++) {
		if (*q == ':' && (q + 1 == eol || q[1] == ' '))
			return F_NO;
		if (*q == '\t')
			return F_NO;
		if (*q == ' ' && q + 1 < eol && q[1] == '#') {
			comment = 1;
			break;
		}
	}
	while (q > p && q[-1] == ' ')
		q--;
	{
		const char *t = p + (*p == '+' || *p == '-');
		size_t tn = (size_t)(q - t);
		if (tn == 4 && t[0] == '.' &&
		    (!memcmp(t, ".inf", 4) || !memcmp(t, ".Inf", 4) || !memcmp(t, ".INF", 4) || !memcmp(t, ".nan", 4) ||
		     !memcmp(t, ".NaN", 4) || !memcmp(t, ".NAN", 4)))
			return F_NO; /* JSON has no NaN or Inf */
	}
	if (want) {
		if (!f_plain_string(p, (size_t)(q - p)))
			return F_NO;
		want->p = p;
		want->n = (size_t)(q - p);
		return f_next_line(f);
	}
	if (comment)
		return f_next_line(f); /* a comment ends it */
	return f_plain_more(f, c);
}

static int f_span_is(const struct fspan *k, const char *s)
{
	return strlen(s) == k->n && memcmp(k->p, s, k->n) == 0;
}

static int f_span_like(const struct fspan *k, const char *s)
{
	return strlen(s) == k->n && strncasecmp(k->p, s, k->n) == 0;
}

static int f_seq(struct fscan *f, int c);

/* A block mapping at indentation c whose first key is at p on the current line. */
static int f_map(struct fscan *f, const char *p, int c, enum frole role)
{
	if (++f->depth > F_MAX_DEPTH)
		return F_NO;
	for (;;) {
		struct fspan k, *want = NULL;
		const char *v;
		enum frole sub = FR_NONE;
		unsigned bit = 0;
		int scalar = role == FR_ANN;
		if (f_key(p, f->eol, &k, &v) != 1)
			return F_NO;
		if (role == FR_ROOT) {
			if (f_span_is(&k, "apiVersion"))
				bit = F_API, want = &f->api;
			else if (f_span_is(&k, "kind"))
				bit = F_KIND, want = &f->kind;
			else if (f_span_is(&k, "metadata"))
				bit = F_META, sub = FR_META;
			else if (f_span_like(&k, "apiVersion") || f_span_like(&k, "kind") || f_span_like(&k, "metadata"))
				return F_NO;
		} else if (role == FR_META) {
			if (f_span_is(&k, "name"))
				bit = F_NAME, want = &f->name;
			else if (f_span_is(&k, "annotations"))
				bit = F_ANN, sub = FR_ANN;
			else if (f_span_like(&k, "name") || f_span_like(&k, "annotations"))
				return F_NO;
		} else if (role == FR_ANN) {
			if (f_span_is(&k, "helm.sh/hook"))
				bit = F_HOOK, want = &f->hook;
			else if (f_span_is(&k, "helm.sh/hook-weight"))
				bit = F_WEIGHT, want = &f->weight;
		}
		if (bit) {
			if (f->seen & bit)
				return F_NO;
			f->seen |= bit;
		}
		v = f_skip_sp(v, f->eol);
		if (v == f->eol || *v == '#') {
			/* the value is on the lines below */
			if (f_next_line(f))
				return F_NO;
			if (f->ind > c) {
				const char *q = f->line + f->ind;
				if (want || scalar)
					return F_NO;
				if (f_is_entry(q, f->eol) ? sub != FR_NONE || f_seq(f, f->ind) : f_map(f, q, f->ind, sub))
					return F_NO;
			} else if (want || scalar || sub != FR_NONE) {
				return F_NO; /* null */
			} else if (f->ind == c && f_is_entry(f->line + c, f->eol)) {
				if (f_seq(f, c)) /* a sequence not indented under its key */
					return F_NO;
			}
		} else if (sub == FR_ANN && v[0] == '{' && v + 1 < f->eol && v[1] == '}' && f_trail(v + 2, f->eol)) {
			if (f_next_line(f)) /* annotations: {} */
				return F_NO;
		} else if (sub != FR_NONE) {
			return F_NO;
		} else if (f_value(f, v, c, want, scalar)) {
			return F_NO;
		}
		if (f->ind != c)
			break;
		p = f->line + c;
	}
	f->depth--;
	return f->ind > c ? F_NO : 0;
}

/* A block sequence at indentation c; the current line holds its first entry. */
static int f_seq(struct fscan *f, int c)
{
	if (++f->depth > F_MAX_DEPTH)
		return F_NO;
	for (;;) {
		const char *p = f_skip_sp(f->line + c + 1, f->eol), *v;
		struct fspan k;
		int r;
		if (p == f->eol || *p == '#') {
			if (f_next_line(f))
				return F_NO;
			if (f->ind > c) {
				const char *q = f->line + f->ind;
				if (f_is_entry(q, f->eol) ? f_seq(f, f->ind) : f_map(f, q, f->ind, FR_NONE))
					return F_NO;
			}
		} else if (f_is_entry(p, f->eol) || (r = f_key(p, f->eol, &k, &v)) < 0) {
			return F_NO;
		} else if (r == 1) {
			if (f_map(f, p, (int)(p - f->line), FR_NONE))
				return F_NO;
		} else if (f_value(f, p, c, NULL, 0)) {
			return F_NO;
		}
		if (f->ind != c || !f_is_entry(f->line + c, f->eol))
			break;
	}
	f->depth--;
	return f->ind > c ? F_NO : 0;
}

static char *f_dup(unsigned seen, unsigned bit, const struct fspan *s)
{
	return seen & bit ? xstrndup(s->p, s->n) : NULL;
}

/* The head of a document the fast path takes: 1 with *h filled, 0 when declined. */
static int fast_head(struct head *h, const char *s, size_t n)
{
	struct fscan f;
	if (!f_chars_ok(s, n))
		return 0;
	memset(&f, 0, sizeof(f));
	f.e = s + n;
	if (f_next(&f, s))
		return 0;
	if (f.ind >= 0) {
		const char *q = f.line + f.ind;
		if (f_is_entry(q, f.eol) || f_map(&f, q, f.ind, FR_ROOT) || f.ind >= 0)
			return 0;
	}
	h->api_version = f.seen & F_API ? xstrndup(f.api.p, f.api.n) : xstrdup("");
	h->kind = f.seen & F_KIND ? xstrndup(f.kind.p, f.kind.n) : xstrdup("");
	h->name = f.seen & F_NAME ? xstrndup(f.name.p, f.name.n) : xstrdup("");
	h->hook = f_dup(f.seen, F_HOOK, &f.hook);
	h->weight = f_dup(f.seen, F_WEIGHT, &f.weight);
	return 1;
}

/* yaml.Unmarshal(piece, &SimpleHead): 0, or an error with helm's text */
static int read_head(struct head *h, const char *path, const char *s, size_t n)
{
	memset(h, 0, sizeof(*h));
	if (fast_head(h, s, n))
		return 0;
	return decode_head(h, path, s, n);
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

/* the content is the render result's: only the byte under its NUL goes back */
static void manifest_release(struct arc_manifest *m)
{
	if (m->nul_at)
		*m->nul_at = m->nul_was;
	free(m->path);
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
			char *end;
			unsigned ev = 0;
			if ((rc = read_head(&h, f->name, pieces[j].p, pieces[j].n)) != 0)
				break;
			if (h.hook) {
				ev = parse_events(h.hook);
				if (!ev) {
					if (w)
						arc_warnings_log(w, "INFO", "skipping unknown hooks", "hookTypes", h.hook,
								 (const char *)NULL);
					head_release(&h);
					continue;
				}
			}
			m = mlist_add(h.hook ? &hooks : &gen);
			m->path = xstrdup(f->name);
			/* the document stays where it is, ended by a NUL over the white space
			 * (or separator) that follows it; the byte goes back on release */
			m->content = (char *)pieces[j].p;
			m->len = pieces[j].n;
			end = f->data + (pieces[j].p - f->data) + pieces[j].n;
			if (*end) {
				m->nul_at = end;
				m->nul_was = *end;
				*end = '\0';
			}
			m->api_version = h.api_version;
			m->kind = h.kind;
			m->name = h.name;
			m->events = ev;
			m->weight = h.hook && h.weight ? atoi(h.weight) : 0;
			free(h.hook);
			free(h.weight);
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

/* where the output goes; the first failure sticks */
struct sink {
	arc_manifest_sink fn;
	void *ctx;
	int rc;
};

static void put(struct sink *s, const char *p, size_t n)
{
	if (n && s->rc == 0)
		s->rc = s->fn(s->ctx, p, n);
}

static void put_str(struct sink *s, const char *p)
{
	put(s, p, strlen(p));
}

/* "---\n# Source: NAME\nDATA\n" */
static void put_doc(struct sink *s, const char *name, const char *data, size_t len)
{
	put(s, "---\n# Source: ", 14);
	put_str(s, name);
	put(s, "\n", 1);
	put(s, data, len);
	put(s, "\n", 1);
}

static int buf_sink(void *ctx, const char *p, size_t n)
{
	arc_buf_add(ctx, p, n);
	return 0;
}

/* writeToFile: "<dir>/<name>" gets "---\n# Source: <name>\n<data>\n" (appended
 * when `append`), and "wrote <file>\n" goes to out */
static int write_file(struct sink *out, const char *dir, const char *name, const char *data, size_t len, int append)
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
	arc_buf_release(&b);
	if (rc == 0) {
		put(out, "wrote ", 6);
		put_str(out, file);
		put(out, "\n", 1);
		rc = out->rc;
	}
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

/* strings.TrimRightFunc(s, unicode.IsSpace): the length left */
static size_t rtrim_len(const char *s, size_t n)
{
	size_t l;
	while ((l = space_before(s, n)) > 0)
		n -= l;
	return n;
}

/*
 * What template.go prints without --show-only and --output-dir:
 * TrimSpace(crds and manifests, each "---\n# Source: NAME\nDATA\n") + "\n",
 * then the hooks.  Manifests are trimmed already and every NAME ends in a
 * non-space, so the trimming only touches the end of the last document.
 */
static void emit_all(struct sink *s, const struct arc_crd *crds, size_t ncrds, const struct arc_manifests *m,
		     const struct arc_output_opts *o)
{
	size_t n = ncrds + m->nmanifests, i;
	for (i = 0; i < n; i++) {
		const char *name, *data;
		size_t len;
		if (i < ncrds) {
			name = crds[i].filename;
			data = crds[i].file->data;
			len = crds[i].file->len;
		} else {
			name = m->manifests[i - ncrds].path;
			data = m->manifests[i - ncrds].content;
			len = m->manifests[i - ncrds].len;
		}
		if (i + 1 < n) {
			put_doc(s, name, data, len);
			continue;
		}
		len = rtrim_len(data, len);
		put(s, "---\n# Source: ", 14);
		put_str(s, name);
		if (len) {
			put(s, "\n", 1);
			put(s, data, len);
		}
	}
	put(s, "\n", 1);
	if (o->no_hooks)
		return;
	for (i = 0; i < m->nhooks; i++) {
		const struct arc_manifest *h = &m->hooks[i];
		if (o->skip_tests && (h->events & ARC_HOOK_TEST))
			continue;
		put_doc(s, h->path, h->content, h->len);
	}
}

/* --output-dir: each document to its file, "wrote FILE" lines to s */
static int emit_files(struct sink *s, const struct arc_crd *crds, size_t ncrds, const struct arc_manifests *m,
		      const struct arc_output_opts *o)
{
	struct written wr = { NULL, 0 };
	char *newdir = o->use_release_name ? xasprintf("%s/%s", o->output_dir, o->release_name ? o->release_name : "")
					   : xstrdup(o->output_dir);
	size_t i;
	int rc = 0;
	for (i = 0; i < ncrds && rc == 0; i++) {
		rc = write_file(s, o->output_dir, crds[i].filename, crds[i].file->data, crds[i].file->len,
				written_has(&wr, crds[i].filename));
		written_add(&wr, crds[i].filename);
	}
	for (i = 0; i < m->nmanifests && rc == 0; i++) {
		const struct arc_manifest *x = &m->manifests[i];
		rc = write_file(s, newdir, x->path, x->content, x->len, written_has(&wr, x->path));
		written_add(&wr, x->path);
	}
	written_release(&wr);
	for (i = 0; i < m->nhooks && rc == 0 && !o->no_hooks; i++) {
		const struct arc_manifest *h = &m->hooks[i];
		char *f;
		struct stat st;
		if (o->skip_tests && (h->events & ARC_HOOK_TEST))
			continue;
		f = xasprintf("%s/%s", newdir, h->path);
		if (stat(f, &st) == 0)
			written_add(&wr, h->path);
		free(f);
		rc = write_file(s, newdir, h->path, h->content, h->len, written_has(&wr, h->path));
	}
	written_release(&wr);
	free(newdir);
	return rc;
}

/* --show-only: the documents of the assembled output whose source matches, in pattern order */
static int emit_selected(struct sink *s, const struct arc_crd *crds, size_t ncrds, const struct arc_manifests *m,
			 const struct arc_output_opts *o)
{
	struct arc_buf all = ARC_BUF_INIT, sel = ARC_BUF_INIT;
	struct sink as = { buf_sink, &all, 0 };
	struct arc_span *docs = NULL;
	size_t nd, k, i;
	char **paths;
	int rc = 0;
	emit_all(&as, crds, ncrds, m, o);
	nd = arc_manifest_split(all.ptr, all.len, &docs);
	paths = xcalloc(nd + 1, sizeof(*paths));
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
	if (rc == 0) {
		put(s, sel.ptr, sel.len);
		rc = s->rc;
	}
	for (k = 0; k < nd; k++)
		free(paths[k]);
	free(paths);
	free(docs);
	arc_buf_release(&sel);
	arc_buf_release(&all);
	return rc;
}

int arc_manifest_emit(arc_manifest_sink sink, void *ctx, const struct arc_chart *c, const struct arc_manifests *m,
		      const struct arc_output_opts *o)
{
	struct sink s = { sink, ctx, 0 };
	struct arc_crd *crds = NULL;
	size_t ncrds = o->include_crds ? arc_chart_crds(c, &crds) : 0;
	int rc;
	if (o->output_dir) {
		/* the documents go to files: what is assembled for stdout is "\n" alone */
		rc = emit_files(&s, crds, ncrds, m, o);
		if (rc == 0 && o->nshow_only) {
			rc = arc_error_code(ARC_E_NOTFOUND, "could not find template %s in chart", o->show_only[0]);
		} else if (rc == 0) {
			put(&s, "\n", 1);
			rc = s.rc;
		}
	} else if (o->nshow_only) {
		rc = emit_selected(&s, crds, ncrds, m, o);
	} else {
		emit_all(&s, crds, ncrds, m, o);
		rc = s.rc;
	}
	arc_crds_free(crds, ncrds);
	return rc;
}

int arc_manifest_output(struct arc_buf *out, const struct arc_chart *c, const struct arc_manifests *m,
			const struct arc_output_opts *o)
{
	size_t need = 1, i;
	/* room for the whole output at once (documents, their headers, a little slack) */
	if (!o->output_dir && !o->nshow_only) {
		for (i = 0; i < m->nmanifests; i++)
			need += m->manifests[i].len + strlen(m->manifests[i].path) + 16;
		for (i = 0; i < m->nhooks; i++)
			need += m->hooks[i].len + strlen(m->hooks[i].path) + 16;
		if (o->include_crds) {
			struct arc_crd *crds;
			size_t n = arc_chart_crds(c, &crds);
			for (i = 0; i < n; i++)
				need += crds[i].file->len + strlen(crds[i].filename) + 16;
			arc_crds_free(crds, n);
		}
		arc_buf_grow(out, need);
	}
	return arc_manifest_emit(buf_sink, out, c, m, o);
}
