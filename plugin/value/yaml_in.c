/*
 * yaml_in.c - YAML in, with Helm's semantics.
 *
 * Helm reads YAML through sigs.k8s.io/yaml: yaml.v2 decodes the first
 * document into Go values (YAML 1.1 resolution: yes/no/on/off/y/n are
 * booleans, 0644 is octal, timestamps stay strings, `<<` merges, aliases
 * expand), the tree is converted for JSON (map keys become strings), then
 * encoding/json writes it and reads it back (every number a float64).
 *
 * libyaml does the scanning and parsing; the events are built into a small
 * node tree (as yaml.v2 does), then decoded following yaml.v2's rules,
 * including its alias-expansion budget against "billion laughs" documents.
 * The JSON round trip is folded into the decode: numbers become float64
 * under ARC_YAML_FLOATS, and what JSON cannot hold (NaN, a null or uint64
 * key) fails with the message Go gives.
 */
#include "codec.h"
#include "yaml_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 10000
#define TAG_PREFIX "tag:yaml.org,2002:"

enum nkind { N_SCALAR, N_SEQ, N_MAP, N_ALIAS };

struct ynode {
	uint8_t kind;
	uint8_t plain; /* scalar: plain_implicit */
	uint8_t busy;  /* alias: being expanded */
	const char *tag;
	const char *val; /* scalar text, or the alias's anchor name */
	size_t vlen;
	struct ynode *target; /* alias */
	struct ynode **kids;
	size_t nk, ck;
};

/* ---- arena: nodes and bytes of one load, freed at once ---- */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	/* data follows, aligned for pointers */
	max_align_t data[];
};

struct arena {
	struct chunk *head;
	struct ynode **all; /* nodes with kid arrays to free */
	size_t nall, call;
};

static void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c = a->head;
	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (!c || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		c = xmalloc(sizeof(*c) + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static const char *arena_str(struct arena *a, const unsigned char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static void arena_free(struct arena *a)
{
	size_t i;
	for (i = 0; i < a->nall; i++)
		free(a->all[i]->kids);
	free(a->all);
	while (a->head) {
		struct chunk *c = a->head;
		a->head = c->next;
		free(c);
	}
}

static void add_kid(struct arena *a, struct ynode *p, struct ynode *k)
{
	if (p->nk == p->ck) {
		if (!p->kids) {
			if (a->nall == a->call) {
				a->call = a->call ? a->call * 2 : 64;
				a->all = xrealloc(a->all, a->call * sizeof(*a->all));
			}
			a->all[a->nall++] = p;
		}
		p->ck = p->ck ? p->ck * 2 : 4;
		p->kids = xrealloc(p->kids, p->ck * sizeof(*p->kids));
	}
	p->kids[p->nk++] = k;
}

/* ---- anchors: name → most recent node ---- */

struct anchors {
	const char **names;
	struct ynode **nodes;
	size_t len, cap; /* open addressing, cap a power of two */
};

static uint32_t str_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t anchor_slot(const struct anchors *t, const char *name)
{
	size_t i = str_hash(name) & (t->cap - 1);
	while (t->names[i] && strcmp(t->names[i], name) != 0)
		i = (i + 1) & (t->cap - 1);
	return i;
}

static void anchor_set(struct anchors *t, const char *name, struct ynode *n)
{
	size_t i;
	if ((t->len + 1) * 2 > t->cap) {
		struct anchors nt = { NULL, NULL, 0, t->cap ? t->cap * 2 : 16 };
		nt.names = xcalloc(nt.cap, sizeof(*nt.names));
		nt.nodes = xcalloc(nt.cap, sizeof(*nt.nodes));
		for (i = 0; i < t->cap; i++) {
			if (t->names[i]) {
				size_t j = anchor_slot(&nt, t->names[i]);
				nt.names[j] = t->names[i];
				nt.nodes[j] = t->nodes[i];
				nt.len++;
			}
		}
		free(t->names);
		free(t->nodes);
		*t = nt;
	}
	i = anchor_slot(t, name);
	if (!t->names[i]) {
		t->names[i] = name;
		t->len++;
	}
	t->nodes[i] = n;
}

static struct ynode *anchor_get(const struct anchors *t, const char *name)
{
	if (!t->cap)
		return NULL;
	size_t i = anchor_slot(t, name);
	return t->names[i] ? t->nodes[i] : NULL;
}

static void anchors_reset(struct anchors *t)
{
	free(t->names);
	free(t->nodes);
	memset(t, 0, sizeof(*t));
}

/* ---- the load state ---- */

struct load {
	unsigned flags;
	struct arena arena;
	struct anchors anchors;
	/* yaml.v2's alias budget */
	long decode_count, alias_count;
	int alias_depth;
	int depth;
	long nodes; /* scalars, aliases, sequences and mappings read (ARC_YAML_MAX_NODES) */
	/* failures of the JSON step, reported after the whole decode */
	char *key_err;
	const char *json_err;
	char *err; /* a yaml.v2 failure ("yaml: …"), malloc'd */
	const char *data; /* the input, for bad_version_line */
	size_t len;
};

static int fail(struct load *L, const char *fmt, ...) ARC_PRINTF(2, 3);
static int fail(struct load *L, const char *fmt, ...)
{
	va_list ap;
	struct arc_buf b = ARC_BUF_INIT;
	if (L->err)
		return -1;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	L->err = arc_buf_detach(&b, NULL);
	return -1;
}

/*
 * libyaml takes "%YAML 1.2" where yaml.v2 stops at once with "found
 * incompatible YAML document".  When libyaml fails later on, look for such a
 * directive on a line before the failure and report yaml.v2's error instead.
 */
static int bad_version_line(const char *data, size_t len, size_t upto, size_t *line)
{
	size_t i = 0, ln = 0;
	while (i < len && ln <= upto) {
		const char *l = data + i, *nl = memchr(l, '\n', len - i);
		size_t n = nl ? (size_t)(nl - l) : len - i;
		if (n > 6 && memcmp(l, "%YAML", 5) == 0 && (l[5] == ' ' || l[5] == '\t')) {
			size_t k = 5;
			while (k < n && (l[k] == ' ' || l[k] == '\t'))
				k++;
			if (!(n - k >= 3 && memcmp(l + k, "1.1", 3) == 0 &&
			      (n - k == 3 || l[k + 3] == ' ' || l[k + 3] == '\t' || l[k + 3] == '\r'))) {
				*line = ln;
				return 1;
			}
		}
		if (!nl)
			break;
		i += n + 1;
		ln++;
	}
	return 0;
}

/* yaml.v2's parser.fail(): "yaml: line N: problem" */
static int parser_fail(struct load *L, yaml_parser_t *p)
{
	size_t line = 0;
	const char *msg = p->problem ? p->problem : "unknown problem parsing YAML content";
	if (L->data && p->error == YAML_PARSER_ERROR &&
	    bad_version_line(L->data, L->len, p->problem_mark.line, &line)) {
		if (line)
			return fail(L, "yaml: line %zu: found incompatible YAML document", line);
		return fail(L, "yaml: found incompatible YAML document");
	}
	if (p->problem_mark.line != 0) {
		line = p->problem_mark.line;
		if (p->error == YAML_SCANNER_ERROR)
			line++;
	} else if (p->context_mark.line != 0) {
		line = p->context_mark.line;
	}
	if (p->error == YAML_MEMORY_ERROR)
		msg = "out of memory";
	if (line)
		return fail(L, "yaml: line %zu: %s", line, msg);
	return fail(L, "yaml: %s", msg);
}

static struct ynode *new_node(struct load *L, int kind, const yaml_char_t *tag, const yaml_char_t *anchor)
{
	struct ynode *n = arena_alloc(&L->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->kind = (uint8_t)kind;
	if (tag)
		n->tag = arena_str(&L->arena, tag, strlen((const char *)tag));
	if (anchor)
		anchor_set(&L->anchors, arena_str(&L->arena, anchor, strlen((const char *)anchor)), n);
	return n;
}

/*
 * Read the events of one document into a node tree.  Returns 0 with *root
 * set (NULL for an empty stream), 1 at the end of the stream, -1 on error.
 */
static int read_document(struct load *L, yaml_parser_t *p, struct ynode **root)
{
	yaml_event_t ev;
	struct ynode **stack = NULL, *n;
	size_t sp = 0, scap = 0;
	int r = -1, done = 0;
	*root = NULL;
	if (!yaml_parser_parse(p, &ev))
		return parser_fail(L, p);
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return 1;
	}
	if (ev.type != YAML_DOCUMENT_START_EVENT) {
		yaml_event_delete(&ev);
		return fail(L, "yaml: unexpected event");
	}
	if (ev.data.document_start.version_directive &&
	    (ev.data.document_start.version_directive->major != 1 ||
	     ev.data.document_start.version_directive->minor != 1)) {
		/* libyaml also takes 1.2; yaml.v2 does not */
		if (ev.start_mark.line)
			fail(L, "yaml: line %zu: found incompatible YAML document", ev.start_mark.line);
		else
			fail(L, "yaml: found incompatible YAML document");
		yaml_event_delete(&ev);
		return -1;
	}
	yaml_event_delete(&ev);
	anchors_reset(&L->anchors);
	while (!done) {
		if (!yaml_parser_parse(p, &ev)) {
			parser_fail(L, p);
			goto out;
		}
		n = NULL;
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			n = new_node(L, N_SCALAR, ev.data.scalar.tag, ev.data.scalar.anchor);
			n->val = arena_str(&L->arena, ev.data.scalar.value, ev.data.scalar.length);
			n->vlen = ev.data.scalar.length;
			n->plain = (uint8_t)(ev.data.scalar.plain_implicit != 0);
			break;
		case YAML_ALIAS_EVENT:
			n = new_node(L, N_ALIAS, NULL, NULL);
			n->vlen = strlen((char *)ev.data.alias.anchor);
			n->val = arena_str(&L->arena, ev.data.alias.anchor, n->vlen);
			n->target = anchor_get(&L->anchors, n->val);
			if (!n->target) {
				fail(L, "yaml: unknown anchor '%s' referenced", n->val);
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (sp >= MAX_DEPTH) {
				if (ev.start_mark.line)
					fail(L, "yaml: line %zu: exceeded max depth of %d",
					     ev.start_mark.line + 1, MAX_DEPTH);
				else
					fail(L, "yaml: exceeded max depth of %d", MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			if (ev.type == YAML_SEQUENCE_START_EVENT)
				n = new_node(L, N_SEQ, ev.data.sequence_start.tag,
					     ev.data.sequence_start.anchor);
			else
				n = new_node(L, N_MAP, ev.data.mapping_start.tag,
					     ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (sp)
				sp--;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1;
			break;
		default:
			break;
		}
		if (n && ++L->nodes > ARC_YAML_MAX_NODES) {
			fail(L, "yaml: document holds more than %d values", ARC_YAML_MAX_NODES);
			yaml_event_delete(&ev);
			goto out;
		}
		if (n) {
			if (sp)
				add_kid(&L->arena, stack[sp - 1], n);
			else if (!*root)
				*root = n;
			if (n->kind == N_SEQ || n->kind == N_MAP) {
				if (sp == scap) {
					scap = scap ? scap * 2 : 32;
					stack = xrealloc(stack, scap * sizeof(*stack));
				}
				stack[sp++] = n;
			}
		}
		yaml_event_delete(&ev);
	}
	r = 0;
out:
	free(stack);
	return r;
}

/* ---- yaml.v2's resolve() ---- */

enum rtype { R_STR, R_NULL, R_BOOL, R_INT, R_UINT, R_FLOAT, R_TIMESTAMP, R_BINARY, R_OTHER };

struct resolved {
	enum rtype t;
	int b;
	int64_t i;
	uint64_t u;
	double f;
};

static const char *tag_name(enum rtype t)
{
	switch (t) {
	case R_STR: return "!!str";
	case R_NULL: return "!!null";
	case R_BOOL: return "!!bool";
	case R_INT: case R_UINT: return "!!int";
	case R_FLOAT: return "!!float";
	case R_TIMESTAMP: return "!!timestamp";
	case R_BINARY: return "!!binary";
	default: return "";
	}
}

/* the tag a node asks for; R_OTHER for a tag resolve() leaves alone */
static enum rtype tag_kind(const char *tag, const char **short_tag)
{
	static const struct {
		const char *name;
		enum rtype t;
	} known[] = {
		{ "str", R_STR }, { "null", R_NULL }, { "bool", R_BOOL }, { "int", R_INT },
		{ "float", R_FLOAT }, { "timestamp", R_TIMESTAMP }, { "binary", R_BINARY },
	};
	size_t i, n = strlen(TAG_PREFIX);
	*short_tag = tag;
	if (strncmp(tag, TAG_PREFIX, n) != 0)
		return R_OTHER;
	for (i = 0; i < ARC_ARRAY_LEN(known); i++)
		if (strcmp(tag + n, known[i].name) == 0)
			return known[i].t;
	return R_OTHER;
}

static int parse_uint_base(const char *s, size_t n, int base, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;
	if (n == 0)
		return 0;
	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			char c = n >= 3 ? (char)(s[1] | 0x20) : 0;
			if (c == 'b' || c == 'o' || c == 'x') {
				base = c == 'b' ? 2 : c == 'o' ? 8 : 16;
				s += 2;
				n -= 2;
			} else {
				base = 8;
				s++;
				n--;
			}
		}
	}
	for (i = 0; i < n; i++) {
		int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			d = (c | 0x20) - 'a' + 10;
		else
			return 0;
		if (d >= base || v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return 0;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 1;
}

static int parse_int_base(const char *s, size_t n, int base, int64_t *out)
{
	uint64_t u;
	int neg = 0;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!parse_uint_base(s, n, base, &u))
		return 0;
	if (neg) {
		if (u > 9223372036854775808ULL)
			return 0;
		*out = u == 9223372036854775808ULL ? INT64_MIN : -(int64_t)u;
	} else {
		if (u > 9223372036854775807ULL)
			return 0;
		*out = (int64_t)u;
	}
	return 1;
}

static int style_float(const char *s, size_t n)
{
	size_t i = 0, k;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		for (k = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	} else {
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
		if (i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	return i == n;
}

static int underscore_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return 0;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return 0;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseFloat for a string starting with '.' (decimal forms only) */
static int parse_float_dot(const char *s, size_t n, double *out)
{
	char *tmp = xmalloc(n + 1), *end;
	size_t i, k = 0;
	int us = 0, ok;
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			us = 1;
		else
			tmp[k++] = s[i];
	}
	tmp[k] = '\0';
	ok = style_float(tmp, k) && (!us || underscore_ok(s, n));
	if (ok) {
		*out = strtod(tmp, &end);
		ok = !isinf(*out);
	}
	free(tmp);
	return ok;
}

static int is_timestamp(const char *s, size_t n);

/* resolve(tag, in) for the tags yaml.v2 resolves; -1 with L->err on failure */
static int resolve(struct load *L, const char *tag, const char *in, size_t n, struct resolved *r)
{
	static const struct {
		const char *s;
		enum rtype t;
		int v;
	} table[] = {
		{ "y", R_BOOL, 1 }, { "Y", R_BOOL, 1 }, { "yes", R_BOOL, 1 }, { "Yes", R_BOOL, 1 },
		{ "YES", R_BOOL, 1 }, { "true", R_BOOL, 1 }, { "True", R_BOOL, 1 }, { "TRUE", R_BOOL, 1 },
		{ "on", R_BOOL, 1 }, { "On", R_BOOL, 1 }, { "ON", R_BOOL, 1 },
		{ "n", R_BOOL, 0 }, { "N", R_BOOL, 0 }, { "no", R_BOOL, 0 }, { "No", R_BOOL, 0 },
		{ "NO", R_BOOL, 0 }, { "false", R_BOOL, 0 }, { "False", R_BOOL, 0 }, { "FALSE", R_BOOL, 0 },
		{ "off", R_BOOL, 0 }, { "Off", R_BOOL, 0 }, { "OFF", R_BOOL, 0 },
		{ "", R_NULL, 0 }, { "~", R_NULL, 0 }, { "null", R_NULL, 0 }, { "Null", R_NULL, 0 },
		{ "NULL", R_NULL, 0 },
		{ ".nan", R_FLOAT, 0 }, { ".NaN", R_FLOAT, 0 }, { ".NAN", R_FLOAT, 0 },
		{ ".inf", R_FLOAT, 1 }, { ".Inf", R_FLOAT, 1 }, { ".INF", R_FLOAT, 1 },
		{ "+.inf", R_FLOAT, 1 }, { "+.Inf", R_FLOAT, 1 }, { "+.INF", R_FLOAT, 1 },
		{ "-.inf", R_FLOAT, -1 }, { "-.Inf", R_FLOAT, -1 }, { "-.INF", R_FLOAT, -1 },
	};
	const char *short_tag = "";
	enum rtype want = tag ? tag_kind(tag, &short_tag) : R_OTHER;
	unsigned char c = n ? (unsigned char)in[0] : 'N';
	int hint = n == 0 || (c && strchr("+-0123456789yYnNtTfFoO~.", c));
	size_t i;
	memset(r, 0, sizeof(*r));
	r->t = R_STR;
	if (tag && want == R_OTHER) {
		r->t = R_OTHER; /* an unknown tag: the text as a string */
		return 0;
	}
	if (want == R_BINARY) {
		r->t = R_BINARY;
		return 0;
	}
	if (hint && want != R_STR) {
		for (i = 0; i < ARC_ARRAY_LEN(table); i++) {
			if (strlen(table[i].s) == n && memcmp(table[i].s, in, n) == 0) {
				r->t = table[i].t;
				if (r->t == R_BOOL)
					r->b = table[i].v;
				else if (r->t == R_FLOAT)
					r->f = table[i].v == 0 ? NAN : table[i].v > 0 ? INFINITY : -INFINITY;
				goto check;
			}
		}
		if (c == '.') {
			if (parse_float_dot(in, n, &r->f))
				r->t = R_FLOAT;
		} else if (strchr("+-0123456789", c)) {
			char small[64], *plain;
			size_t k = 0;
			if ((!tag || want == R_TIMESTAMP) && is_timestamp(in, n)) {
				r->t = R_TIMESTAMP;
				goto check;
			}
			plain = n < sizeof(small) ? small : xmalloc(n + 1);
			for (i = 0; i < n; i++)
				if (in[i] != '_')
					plain[k++] = in[i];
			plain[k] = '\0';
			if (parse_int_base(plain, k, 0, &r->i)) {
				r->t = R_INT;
			} else if (parse_uint_base(plain, k, 0, &r->u)) {
				r->t = R_UINT;
			} else if (style_float(plain, k) && !isinf(r->f = strtod(plain, NULL))) {
				r->t = R_FLOAT;
			} else if (k >= 2 && plain[0] == '0' && plain[1] == 'b') {
				if (parse_int_base(plain + 2, k - 2, 2, &r->i))
					r->t = R_INT;
				else if (parse_uint_base(plain + 2, k - 2, 2, &r->u))
					r->t = R_UINT;
			} else if (k >= 3 && plain[0] == '-' && plain[1] == '0' && plain[2] == 'b') {
				plain[2] = '-';
				if (parse_int_base(plain + 2, k - 2, 2, &r->i))
					r->t = R_INT;
			}
			if (plain != small)
				free(plain);
		}
	}
check:
	if (!tag || want == R_STR || want == r->t || (want == R_INT && r->t == R_UINT))
		return 0;
	if (want == R_FLOAT && (r->t == R_INT || r->t == R_UINT)) {
		r->f = r->t == R_INT ? (double)r->i : (double)r->u;
		r->t = R_FLOAT;
		return 0;
	}
	return fail(L, "yaml: cannot decode %s `%.*s` as a %s", tag_name(r->t), (int)n, in,
		    strncmp(short_tag, TAG_PREFIX, strlen(TAG_PREFIX)) == 0 ? tag_name(want) : short_tag);
}

/* ---- yaml.v2's timestamp check (time.Parse with its four layouts) ---- */

static int getnum(const char **p, const char *end, int fixed, int *out)
{
	const char *s = *p;
	if (s >= end || *s < '0' || *s > '9')
		return 0;
	if (s + 1 >= end || s[1] < '0' || s[1] > '9') {
		if (fixed)
			return 0;
		*out = *s - '0';
		*p = s + 1;
		return 1;
	}
	*out = (s[0] - '0') * 10 + (s[1] - '0');
	*p = s + 2;
	return 1;
}

static int ts_layout(const char *s, size_t n, int layout)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char *p = s + 5, *end = s + n;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int month, day, hh, mm, ss, zh, zm, dmax;
	if (!getnum(&p, end, 0, &month) || month < 1 || month > 12)
		return 0;
	if (p >= end || *p++ != '-' || !getnum(&p, end, 0, &day))
		return 0;
	if (layout != 3) {
		if (layout == 2) {
			if (p >= end || *p != ' ')
				return 0;
			while (p < end && *p == ' ')
				p++;
		} else if (p >= end || *p++ != (layout == 0 ? 'T' : 't')) {
			return 0;
		}
		if (!getnum(&p, end, 0, &hh) || hh >= 24 || p >= end || *p++ != ':')
			return 0;
		if (!getnum(&p, end, 0, &mm) || mm >= 60 || p >= end || *p++ != ':')
			return 0;
		if (!getnum(&p, end, 0, &ss) || ss >= 60)
			return 0;
		if (end - p >= 2 && (*p == '.' || *p == ',') && p[1] >= '0' && p[1] <= '9')
			for (p++; p < end && *p >= '0' && *p <= '9'; p++)
				;
		if (layout != 2) {
			if (p < end && *p == 'Z') {
				p++;
			} else {
				const char *z;
				if (end - p < 6 || p[3] != ':' || (p[0] != '+' && p[0] != '-'))
					return 0;
				z = p + 1;
				if (!getnum(&z, p + 3, 1, &zh))
					return 0;
				z = p + 4;
				if (!getnum(&z, p + 6, 1, &zm) || zh > 24 || zm > 60)
					return 0;
				p += 6;
			}
		}
	}
	if (p != end)
		return 0;
	dmax = dm[month - 1];
	if (month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
		dmax = 29;
	return day >= 1 && day <= dmax;
}

static int is_timestamp(const char *s, size_t n)
{
	int l;
	if (n < 5 || s[4] != '-')
		return 0;
	for (l = 0; l < 4; l++)
		if (s[l] < '0' || s[l] > '9')
			return 0;
	for (l = 0; l < 4; l++)
		if (ts_layout(s, n, l))
			return 1;
	return 0;
}

/* ---- Go's %#v of decoded values, for error messages ---- */

static void go_quote(struct arc_buf *b, const char *s, size_t n)
{
	size_t i = 0, sz;
	arc_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (c == '"' || c == '\\')
				arc_buf_printf(b, "\\%c", c);
			else if (c == '\n')
				arc_buf_puts(b, "\\n");
			else if (c == '\t')
				arc_buf_puts(b, "\\t");
			else if (c == '\r')
				arc_buf_puts(b, "\\r");
			else if (c < 0x20 || c == 0x7F)
				arc_buf_printf(b, "\\x%02x", c);
			else
				arc_buf_putc(b, (char)c);
			i++;
			continue;
		}
		uint32_t r = arc_yaml_rune((const unsigned char *)s + i, n - i, &sz);
		if (r == 0xFFFD && sz == 1)
			arc_buf_printf(b, "\\x%02x", c);
		else
			arc_buf_add(b, s + i, sz);
		i += sz;
	}
	arc_buf_putc(b, '"');
}

/* the longest Go-syntax rendering an error message quotes */
#define GO_SYNTAX_MAX (64u << 10)

static void go_syntax(struct load *L, struct arc_buf *b, struct ynode *n, int nested, int depth)
{
	size_t i;
	struct resolved r;
	if (b->over) /* aliases can make the Go syntax of a small document enormous */
		return;
	if (depth > 64) {
		arc_buf_puts(b, "...");
		return;
	}
	while (n->kind == N_ALIAS && !n->busy && n->target)
		n = n->target;
	switch (n->kind) {
	case N_SEQ:
		arc_buf_puts(b, "[]interface {}{");
		for (i = 0; i < n->nk; i++) {
			if (i)
				arc_buf_puts(b, ", ");
			go_syntax(L, b, n->kids[i], 1, depth + 1);
		}
		arc_buf_putc(b, '}');
		return;
	case N_MAP:
		arc_buf_puts(b, "map[interface {}]interface {}{");
		for (i = 0; i + 1 < n->nk; i += 2) {
			if (i)
				arc_buf_puts(b, ", ");
			go_syntax(L, b, n->kids[i], 1, depth + 1);
			arc_buf_putc(b, ':');
			go_syntax(L, b, n->kids[i + 1], 1, depth + 1);
		}
		arc_buf_putc(b, '}');
		return;
	case N_SCALAR:
		break;
	default:
		arc_buf_puts(b, "<nil>");
		return;
	}
	if (!n->tag && !n->plain) {
		go_quote(b, n->val, n->vlen);
		return;
	}
	if (resolve(L, n->tag, n->val, n->vlen, &r)) {
		arc_buf_puts(b, "<nil>");
		return;
	}
	switch (r.t) {
	case R_NULL: arc_buf_puts(b, nested ? "interface {}(nil)" : "<nil>"); break;
	case R_BOOL: arc_buf_puts(b, r.b ? "true" : "false"); break;
	case R_INT: arc_buf_printf(b, "%lld", (long long)r.i); break;
	case R_UINT: arc_buf_printf(b, "0x%llx", (unsigned long long)r.u); break;
	case R_FLOAT: arc_yaml_gofloat(b, r.f, 64); break;
	default: go_quote(b, n->val, n->vlen); break;
	}
}

/* ---- decode: yaml.v2's decoder into interface{}, then the JSON step ---- */

static double allowed_alias_ratio(long count)
{
	if (count <= 400000)
		return 0.99;
	if (count >= 4000000)
		return 0.10;
	return 0.99 - 0.89 * ((double)(count - 400000) / 3600000.0);
}

static int count_decode(struct load *L)
{
	L->decode_count++;
	if (L->alias_depth > 0)
		L->alias_count++;
	if (L->alias_count > 100 && L->decode_count > 1000 &&
	    (double)L->alias_count / (double)L->decode_count > allowed_alias_ratio(L->decode_count))
		return fail(L, "yaml: document contains excessive aliasing");
	return 0;
}

static int decode(struct load *L, struct ynode *n, arc_value **out);
static int decode_mapping_into(struct load *L, struct ynode *n, arc_value *m);

static int enter(struct load *L)
{
	if (++L->depth > MAX_DEPTH)
		return fail(L, "yaml: exceeded max depth of %d", MAX_DEPTH);
	return 0;
}

/* decode(n) when n is an alias: the recursion guard and the alias budget */
static int with_alias(struct load *L, struct ynode *n, arc_value **out, arc_value *into)
{
	int r;
	if (n->busy)
		return fail(L, "yaml: anchor '%s' value contains itself", n->val);
	n->busy = 1;
	L->alias_depth++;
	if (into) {
		r = count_decode(L);
		if (!r)
			r = decode_mapping_into(L, n->target, into);
	} else {
		r = decode(L, n->target, out);
	}
	L->alias_depth--;
	n->busy = 0;
	return r;
}

static arc_value *number(struct load *L, struct resolved *r)
{
	if (r->t == R_INT)
		return (L->flags & ARC_YAML_FLOATS) ? arc_v_float((double)r->i) : arc_v_int(r->i);
	if (r->t == R_UINT) {
		if (!(L->flags & ARC_YAML_FLOATS) && r->u <= INT64_MAX)
			return arc_v_int((int64_t)r->u);
		return arc_v_float((double)r->u);
	}
	if (isnan(r->f) || isinf(r->f)) {
		if (!L->json_err)
			L->json_err = isnan(r->f)  ? "json: unsupported value: NaN"
				      : r->f > 0 ? "json: unsupported value: +Inf"
						 : "json: unsupported value: -Inf";
	}
	return arc_v_float(r->f);
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* base64.StdEncoding.DecodeString (CR and LF are skipped); the bytes are then
 * repaired as encoding/json would (invalid UTF-8 → U+FFFD) */
static int binary_value(struct load *L, const char *s, size_t n, struct arc_buf *out)
{
	struct arc_buf raw = ARC_BUF_INIT;
	uint32_t acc = 0;
	int bits = 0, pad = 0, q = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i], v;
		if (c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			q++;
			continue;
		}
		v = b64val(c);
		if (v < 0 || pad)
			goto bad;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		q++;
		if (bits >= 8) {
			bits -= 8;
			arc_buf_putc(&raw, (char)(acc >> bits & 0xFF));
		}
	}
	if (q % 4 != 0 || pad > 2 || (pad && (q / 4 == 0)))
		goto bad;
	if ((pad == 1 && bits != 2) || (pad == 2 && bits != 4) || (pad == 0 && bits != 0))
		goto bad;
	arc_yaml_utf8_fix(out, raw.len ? raw.ptr : "", raw.len);
	arc_buf_release(&raw);
	return 0;
bad:
	arc_buf_release(&raw);
	return fail(L, "yaml: !!binary value contains invalid base64 data");
}

static int decode_scalar(struct load *L, struct ynode *n, arc_value **out)
{
	struct resolved r;
	if (!n->tag && !n->plain) {
		*out = arc_v_strn(n->val, n->vlen);
		return 0;
	}
	if (resolve(L, n->tag, n->val, n->vlen, &r))
		return -1;
	switch (r.t) {
	case R_NULL:
		*out = arc_v_null();
		return 0;
	case R_BOOL:
		*out = arc_v_bool(r.b);
		return 0;
	case R_INT:
	case R_UINT:
	case R_FLOAT:
		*out = number(L, &r);
		return 0;
	case R_BINARY: {
		struct arc_buf b = ARC_BUF_INIT;
		if (binary_value(L, n->val, n->vlen, &b))
			return -1;
		*out = arc_v_str_buf(&b);
		return 0;
	}
	default: /* strings, timestamps (kept as text), unknown tags */
		*out = arc_v_strn(n->val, n->vlen);
		return 0;
	}
}

static int is_merge(struct ynode *k)
{
	return k->kind == N_SCALAR && k->vlen == 2 && memcmp(k->val, "<<", 2) == 0 &&
	       (k->plain || (k->tag && strcmp(k->tag, TAG_PREFIX "merge") == 0));
}

static int merge_want_map(struct load *L)
{
	return fail(L, "yaml: map merge requires map or sequence of maps as the value");
}

/* d.unmarshal(n, out) where out is the map being filled (merge) */
static int merge_one(struct load *L, struct ynode *n, arc_value *m)
{
	if (n->kind == N_ALIAS) {
		if (count_decode(L))
			return -1;
		return with_alias(L, n, NULL, m);
	}
	if (count_decode(L))
		return -1;
	return decode_mapping_into(L, n, m);
}

static int merge(struct load *L, struct ynode *v, arc_value *m)
{
	size_t i;
	switch (v->kind) {
	case N_MAP:
		return merge_one(L, v, m);
	case N_ALIAS:
		if (v->target->kind != N_MAP)
			return merge_want_map(L);
		return merge_one(L, v, m);
	case N_SEQ:
		for (i = v->nk; i-- > 0;) {
			struct ynode *k = v->kids[i];
			if (k->kind == N_ALIAS ? k->target->kind != N_MAP : k->kind != N_MAP)
				return merge_want_map(L);
			if (merge_one(L, k, m))
				return -1;
		}
		return 0;
	default:
		return merge_want_map(L);
	}
}

/* the key as sigs.k8s.io/yaml writes it for JSON; NULL when it has none */
static int key_string(struct load *L, struct ynode *k, struct ynode *val, struct arc_buf *ks)
{
	struct ynode *n = k;
	struct resolved r;
	int hops = 0, r_ok;
	/* d.unmarshal(key): count the key and any alias it goes through */
	if (count_decode(L))
		return -1;
	while (n->kind == N_ALIAS) {
		if (n->busy)
			return fail(L, "yaml: anchor '%s' value contains itself", n->val);
		n = n->target;
		hops++;
		L->alias_depth++;
		r_ok = count_decode(L);
		L->alias_depth--;
		if (r_ok)
			return -1;
		if (hops > MAX_DEPTH)
			return fail(L, "yaml: exceeded max depth of %d", MAX_DEPTH);
	}
	if (n->kind != N_SCALAR) {
		struct arc_buf b = ARC_BUF_INIT;
		b.max = GO_SYNTAX_MAX;
		go_syntax(L, &b, n, 0, 0);
		fail(L, "yaml: invalid map key: %s%s", arc_buf_cstr(&b), b.over ? "..." : "");
		arc_buf_release(&b);
		return -1;
	}
	if (!n->tag && !n->plain) {
		arc_buf_add(ks, n->val, n->vlen);
		return 0;
	}
	if (resolve(L, n->tag, n->val, n->vlen, &r))
		return -1;
	switch (r.t) {
	case R_INT:
		arc_buf_printf(ks, "%lld", (long long)r.i);
		return 0;
	case R_FLOAT:
		if (isnan(r.f))
			arc_buf_puts(ks, ".nan");
		else if (isinf(r.f) || isinf((float)r.f))
			arc_buf_puts(ks, r.f > 0 ? ".inf" : "-.inf");
		else
			arc_yaml_gofloat(ks, r.f, 32);
		return 0;
	case R_BOOL:
		arc_buf_puts(ks, r.b ? "true" : "false");
		return 0;
	case R_BINARY:
		return binary_value(L, n->val, n->vlen, ks);
	case R_NULL:
	case R_UINT:
		if (!L->key_err) {
			struct arc_buf b = ARC_BUF_INIT;
			b.max = GO_SYNTAX_MAX;
			arc_buf_puts(&b, "unsupported map key of type: ");
			if (r.t == R_NULL)
				arc_buf_puts(&b, "%!s(<nil>), key: <nil>, value: ");
			else
				arc_buf_printf(&b, "uint64, key: 0x%llx, value: ", (unsigned long long)r.u);
			go_syntax(L, &b, val, 0, 0);
			b.max = 0;
			if (b.over)
				arc_buf_puts(&b, "...");
			L->key_err = arc_buf_detach(&b, NULL);
		}
		return 1;
	default:
		arc_buf_add(ks, n->val, n->vlen);
		return 0;
	}
}

static int decode_mapping_into(struct load *L, struct ynode *n, arc_value *m)
{
	struct arc_buf ks = ARC_BUF_INIT;
	size_t i;
	int r = 0;
	if (enter(L))
		return -1;
	for (i = 0; i + 1 < n->nk; i += 2) {
		arc_value *v = NULL;
		int kr;
		if (is_merge(n->kids[i])) {
			if (merge(L, n->kids[i + 1], m)) {
				r = -1;
				break;
			}
			continue;
		}
		arc_buf_reset(&ks);
		kr = key_string(L, n->kids[i], n->kids[i + 1], &ks);
		if (kr < 0 || decode(L, n->kids[i + 1], &v)) {
			r = -1;
			break;
		}
		if (kr == 0)
			arc_v_map_setn(m, ks.len ? ks.ptr : "", ks.len, v);
		else
			arc_v_unref(v);
	}
	arc_buf_release(&ks);
	L->depth--;
	return r;
}

static int decode(struct load *L, struct ynode *n, arc_value **out)
{
	size_t i;
	*out = NULL;
	if (count_decode(L))
		return -1;
	switch (n->kind) {
	case N_ALIAS:
		return with_alias(L, n, out, NULL);
	case N_SCALAR:
		return decode_scalar(L, n, out);
	case N_SEQ: {
		arc_value *l;
		if (enter(L))
			return -1;
		l = arc_v_list();
		for (i = 0; i < n->nk; i++) {
			arc_value *v;
			if (decode(L, n->kids[i], &v)) {
				arc_v_unref(l);
				return -1;
			}
			arc_v_list_push(l, v);
		}
		L->depth--;
		*out = l;
		return 0;
	}
	case N_MAP: {
		arc_value *m = arc_v_map();
		if (decode_mapping_into(L, n, m)) {
			arc_v_unref(m);
			return -1;
		}
		*out = m;
		return 0;
	}
	}
	return fail(L, "yaml: unknown node");
}

/* decode one document's tree; NULL root (no document) is null */
static int decode_doc(struct load *L, struct ynode *root, arc_value **out)
{
	L->decode_count = L->alias_count = 0;
	L->alias_depth = L->depth = 0;
	free(L->key_err);
	L->key_err = NULL;
	L->json_err = NULL;
	if (!root) {
		*out = arc_v_null();
		return 0;
	}
	if (count_decode(L) || decode(L, root, out))
		return -1;
	if (L->key_err || L->json_err) {
		arc_v_unref(*out);
		*out = NULL;
		return fail(L, "%s", L->key_err ? L->key_err : L->json_err);
	}
	return 0;
}

int arc_yaml_load(arc_value **out, const char *name, const char *data, size_t len, unsigned flags)
{
	struct load L;
	yaml_parser_t p;
	arc_value *docs = NULL, *v = NULL;
	struct ynode *root;
	int r, ret = 0;
	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.flags = flags;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		data += 3;
		len -= 3;
	}
	L.data = data;
	L.len = len;
	if (!yaml_parser_initialize(&p))
		return arc_error_code(ARC_E_NOMEM, "%s%syaml: cannot initialize the parser",
				      name && *name ? name : "", name && *name ? ": " : "");
	yaml_parser_set_input_string(&p, (const unsigned char *)(len ? data : "\n"), len ? len : 1);
	{
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			parser_fail(&L, &p);
			goto fail;
		}
		yaml_event_delete(&ev);
	}
	if (flags & ARC_YAML_MULTI)
		docs = arc_v_list();
	for (;;) {
		r = read_document(&L, &p, &root);
		if (r < 0)
			goto fail;
		if (r > 0) {
			if (!docs && !v)
				v = arc_v_null();
			break;
		}
		if (decode_doc(&L, root, &v))
			goto fail;
		if (!docs)
			break;
		arc_v_list_push(docs, v);
		v = NULL;
	}
	*out = docs ? docs : v;
	goto done;
fail:
	arc_v_unref(docs);
	arc_v_unref(v);
	ret = arc_error_code(ARC_E_PARSE, "%s%s%s", name && *name ? name : "", name && *name ? ": " : "",
			     L.err ? L.err : "yaml: unknown problem parsing YAML content");
done:
	yaml_parser_delete(&p);
	arena_free(&L.arena);
	anchors_reset(&L.anchors);
	free(L.key_err);
	free(L.err);
	return ret;
}
