/*
 * parse.c - the template set and the recursive-descent parser that turns
 * lexer items into node trees, following Go's text/template/parse: the same
 * grammar, the same three-item look-ahead (error lines come from the last
 * item read), the same messages ("template: NAME:LINE: MSG").
 *
 * A parse error unwinds with longjmp to tpl_parse(); every node of a parse
 * is allocated in the set's arena after a mark, and a failed parse rolls
 * the arena back to it (templates enter the set only when the whole text
 * parsed), so a failed parse leaves the set untouched.
 */
#include "internal.h"
#include "../value/codec.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- arena */

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	max_align_t data[];
};

#define CHUNK_MIN 8192
#define CHUNK_MAX ((size_t)1 << 20)
#define ARENA_ALIGN 8

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static struct arena_chunk *chunk_new(size_t cap)
{
	struct arena_chunk *c = xmalloc(sizeof(*c) + cap);
	c->cap = cap;
	c->used = 0;
	return c;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	void *p;
	n = (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
	if (!c || c->cap - c->used < n) {
		size_t cap = c ? c->cap * 2 : CHUNK_MIN;
		if (cap > CHUNK_MAX)
			cap = CHUNK_MAX;
		if (c && n > cap / 4) {
			/* a big piece (a template's text) gets a chunk of its own behind
			 * the current one, which goes on filling up */
			struct arena_chunk *big = chunk_new(n);
			big->used = n;
			big->next = c->next;
			c->next = big;
			memset(big->data, 0, n);
			return big->data;
		}
		if (cap < n)
			cap = n;
		c = chunk_new(cap);
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *arena_grow(struct arena *a, void *arr, size_t *cap, size_t len, size_t size)
{
	void *n;
	if (len < *cap)
		return arr;
	*cap = *cap ? *cap * 2 : 4;
	n = arena_alloc(a, *cap * size);
	if (len)
		memcpy(n, arr, len * size);
	return n;
}

void arena_keep(struct arena *a, arc_value *take)
{
	if (a->nvals == a->capvals) {
		a->capvals = a->capvals ? a->capvals * 2 : 16;
		a->vals = xrealloc(a->vals, a->capvals * sizeof(*a->vals));
	}
	a->vals[a->nvals++] = take;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head, *n;
	size_t i;
	for (i = 0; i < a->nvals; i++)
		arc_v_unref(a->vals[i]);
	free(a->vals);
	while (c) {
		n = c->next;
		free(c);
		c = n;
	}
	memset(a, 0, sizeof(*a));
}

void arena_get_mark(struct arena *a, struct arena_mark *m)
{
	m->head = a->head;
	m->used = a->head ? a->head->used : 0;
	m->after = a->head ? a->head->next : NULL;
	m->nvals = a->nvals;
}

void arena_rollback(struct arena *a, const struct arena_mark *m)
{
	struct arena_chunk *c, *n;
	size_t i;
	for (i = m->nvals; i < a->nvals; i++)
		arc_v_unref(a->vals[i]);
	a->nvals = m->nvals;
	/* chunks made since the mark: new heads (with the big pieces behind
	 * them) before the marked head, big pieces between it and m->after */
	for (c = a->head; c && c != m->head; c = n) {
		n = c->next;
		free(c);
	}
	a->head = m->head;
	if (m->head) {
		for (c = m->head->next; c && c != m->after; c = n) {
			n = c->next;
			free(c);
		}
		m->head->next = m->after;
		m->head->used = m->used;
	}
}

/* ------------------------------------------------------------------ set */

static uint32_t hash_name(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct tmpl_slot *set_find_local(struct arc_tpl_set *set, const char *name, size_t len)
{
	size_t i;
	if (!set->cap)
		return NULL;
	i = hash_name(name, len) & (set->cap - 1);
	while (set->slots[i].name.s) {
		if (set->slots[i].name.len == len && memcmp(set->slots[i].name.s, name, len) == 0)
			return &set->slots[i];
		i = (i + 1) & (set->cap - 1);
	}
	return NULL;
}

static void set_put(struct arc_tpl_set *set, struct ident name, struct tree *t)
{
	struct tmpl_slot *s = set_find_local(set, name.s, name.len);
	size_t i;
	if (s) {
		s->tree = t;
		return;
	}
	if ((set->count + 1) * 10 >= set->cap * 7) {
		struct tmpl_slot *old = set->slots;
		size_t oldcap = set->cap, k;
		set->cap = oldcap ? oldcap * 2 : 64;
		set->slots = xcalloc(set->cap, sizeof(*set->slots));
		for (k = 0; k < oldcap; k++) {
			if (!old[k].name.s)
				continue;
			i = hash_name(old[k].name.s, old[k].name.len) & (set->cap - 1);
			while (set->slots[i].name.s)
				i = (i + 1) & (set->cap - 1);
			set->slots[i] = old[k];
		}
		free(old);
	}
	i = hash_name(name.s, name.len) & (set->cap - 1);
	while (set->slots[i].name.s)
		i = (i + 1) & (set->cap - 1);
	set->slots[i].name = name;
	set->slots[i].tree = t;
	set->count++;
}

struct tree *tpl_set_lookup(struct arc_tpl_set *set, const char *name, size_t len)
{
	for (; set; set = set->parent) {
		struct tmpl_slot *s = set_find_local(set, name, len);
		if (s)
			return s->tree;
	}
	return NULL;
}

struct arc_tpl_set *arc_tpl_set_new(const struct arc_tpl_options *opt)
{
	struct arc_tpl_set *set = xcalloc(1, sizeof(*set));
	if (opt)
		set->opt = *opt;
	arena_init(&set->arena);
	return set;
}

struct arc_tpl_set *tpl_set_overlay(struct arc_tpl_set *parent)
{
	struct arc_tpl_set *set = arc_tpl_set_new(&parent->opt);
	set->parent = parent;
	return set;
}

void arc_tpl_set_free(struct arc_tpl_set *set)
{
	if (!set)
		return;
	arena_free(&set->arena);
	free(set->slots);
	free(set);
}

int arc_tpl_has(struct arc_tpl_set *set, const char *name)
{
	return tpl_set_lookup(set, name, strlen(name)) != NULL;
}

/* --------------------------------------------------------------- parser */

struct pctx {
	jmp_buf jb;
	struct arc_buf err;
	struct arena *arena; /* the set's: a failed parse rolls it back */
	/* The items of the arrays being built (list nodes, command arguments,
	 * pipeline commands and declarations).  An array nested in another is
	 * finished before the outer one goes on, so one stack holds them all;
	 * a finished array is copied into the arena at its exact size. */
	void **stk;
	size_t nstk, capstk;
	struct lexer lex;
	struct tree **trees; /* Go's treeSet for this parse */
	size_t ntrees, captrees;
	const char *text;
	size_t len;
	struct ident parse_name;
};

struct ptree {
	struct pctx *c;
	struct tree *t;
	struct item token[3];
	int peek_count;
	struct ident *vars;
	size_t nvars, capvars;
	int action_line;
	int range_depth;
	int stack_depth;
};

ARC_NORETURN static void perror_buf(struct ptree *p, struct arc_buf *msg);
ARC_NORETURN static void perrorf(struct ptree *p, const char *fmt, ...) ARC_PRINTF(2, 3);

/* "template: NAME:LINE: " + message, then unwind to tpl_parse(); msg is released */
static void perror_buf(struct ptree *p, struct arc_buf *msg)
{
	struct pctx *c = p->c;
	arc_buf_reset(&c->err);
	arc_buf_puts(&c->err, "template: ");
	arc_buf_add(&c->err, c->parse_name.s, c->parse_name.len);
	arc_buf_printf(&c->err, ":%d: ", p->token[0].line);
	arc_buf_add(&c->err, msg->ptr ? msg->ptr : "", msg->len);
	arc_buf_release(msg);
	longjmp(c->jb, 1);
}

static void perrorf(struct ptree *p, const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	perror_buf(p, &b);
}

/* Go's %q of a byte string, optionally truncated to `runes` runes first (%.10q) */
static void quote_to(struct arc_buf *b, const char *s, size_t n, size_t runes)
{
	if (runes) {
		size_t i = 0, k = 0;
		int32_t r;
		while (i < n && k < runes) {
			i += tpl_utf8_decode(s + i, n - i, &r);
			k++;
		}
		n = i;
	}
	arc_fmt_quote(b, s, n);
}

/* Go's item.String() */
static void item_string(struct arc_buf *b, const struct item *it)
{
	if (it->type == ITEM_EOF) {
		arc_buf_puts(b, "EOF");
	} else if (it->type == ITEM_ERROR) {
		arc_buf_add(b, it->val, it->len);
	} else if (it->type > ITEM_KEYWORD) {
		arc_buf_putc(b, '<');
		arc_buf_add(b, it->val, it->len);
		arc_buf_putc(b, '>');
	} else if (it->len > 10) {
		size_t i = 0, k = 0;
		int32_t r;
		while (i < it->len && k < 10) {
			i += tpl_utf8_decode(it->val + i, it->len - i, &r);
			k++;
		}
		quote_to(b, it->val, it->len, 10);
		if (i < it->len || k == 10)
			arc_buf_puts(b, "...");
	} else {
		arc_fmt_quote(b, it->val, it->len);
	}
}

static struct item pnext(struct ptree *p)
{
	if (p->peek_count > 0)
		p->peek_count--;
	else
		p->token[0] = lex_next(&p->c->lex);
	return p->token[p->peek_count];
}

static void pbackup(struct ptree *p)
{
	p->peek_count++;
}

static void pbackup2(struct ptree *p, struct item t1)
{
	p->token[1] = t1;
	p->peek_count = 2;
}

static void pbackup3(struct ptree *p, struct item t2, struct item t1)
{
	p->token[1] = t1;
	p->token[2] = t2;
	p->peek_count = 3;
}

static struct item ppeek(struct ptree *p)
{
	if (p->peek_count > 0)
		return p->token[p->peek_count - 1];
	p->peek_count = 1;
	p->token[0] = lex_next(&p->c->lex);
	return p->token[0];
}

static struct item next_non_space(struct ptree *p)
{
	struct item t;
	do
		t = pnext(p);
	while (t.type == ITEM_SPACE);
	return t;
}

static struct item peek_non_space(struct ptree *p)
{
	struct item t = next_non_space(p);
	pbackup(p);
	return t;
}

ARC_NORETURN static void unexpected(struct ptree *p, const struct item *tok, const char *context)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (tok->type == ITEM_ERROR) {
		item_string(&b, tok);
		if (p->action_line != 0 && p->action_line != tok->line) {
			int action = tok->len >= 7 && memcmp(tok->val + tok->len - 7, " action", 7) == 0;
			arc_buf_puts(&b, action ? " started at " : " in action started at ");
			arc_buf_add(&b, p->c->parse_name.s, p->c->parse_name.len);
			arc_buf_printf(&b, ":%d", p->action_line);
		}
	} else {
		arc_buf_puts(&b, "unexpected ");
		item_string(&b, tok);
		arc_buf_printf(&b, " in %s", context);
	}
	perror_buf(p, &b);
}

static struct item expect(struct ptree *p, int type, const char *context)
{
	struct item t = next_non_space(p);
	if (t.type != type)
		unexpected(p, &t, context);
	return t;
}

/* ---- node constructors ---- */

static void *new_node(struct ptree *p, size_t size, int type, size_t pos)
{
	struct node *n = arena_alloc(p->c->arena, size);
	n->type = (uint8_t)type;
	n->pos = pos;
	n->tr = p->t;
	return n;
}

static struct node_list *new_list(struct ptree *p, size_t pos)
{
	return new_node(p, sizeof(struct node_list), NODE_LIST, pos);
}

static void spush(struct ptree *p, void *x)
{
	struct pctx *c = p->c;
	if (c->nstk == c->capstk) {
		c->capstk = c->capstk ? c->capstk * 2 : 64;
		c->stk = xrealloc(c->stk, c->capstk * sizeof(*c->stk));
	}
	c->stk[c->nstk++] = x;
}

/* the items pushed since base, as an arena array (NULL when none); *n: their count */
static void *sfinish(struct ptree *p, size_t base, size_t *n)
{
	struct pctx *c = p->c;
	void **a = NULL;
	*n = c->nstk - base;
	if (*n) {
		a = arena_alloc(c->arena, *n * sizeof(*a));
		memcpy(a, c->stk + base, *n * sizeof(*a));
	}
	c->nstk = base;
	return a;
}

static void list_finish(struct ptree *p, struct node_list *l, size_t base)
{
	l->nodes = sfinish(p, base, &l->len);
	l->cap = l->len;
}

static void one_item(struct ptree *p, struct node_list *l, struct node *n)
{
	l->nodes = arena_alloc(p->c->arena, sizeof(*l->nodes));
	l->nodes[0] = n;
	l->len = l->cap = 1;
}

/* split "a.b.c" into idents (arena) */
static struct ident *split_dots(struct ptree *p, const char *s, size_t n, size_t *count)
{
	size_t k = 1, i, start = 0, j = 0;
	struct ident *ids;
	for (i = 0; i < n; i++)
		if (s[i] == '.')
			k++;
	ids = arena_alloc(p->c->arena, k * sizeof(*ids));
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			ids[j].s = s + start;
			ids[j].len = i - start;
			j++;
			start = i + 1;
		}
	}
	*count = k;
	return ids;
}

static struct node_variable *new_variable(struct ptree *p, size_t pos, const char *s, size_t n)
{
	struct node_variable *v = new_node(p, sizeof(*v), NODE_VARIABLE, pos);
	v->idents = split_dots(p, s, n, &v->nident);
	return v;
}

static struct node_field *new_field(struct ptree *p, size_t pos, const char *s, size_t n)
{
	struct node_field *f = new_node(p, sizeof(*f), NODE_FIELD, pos);
	f->idents = split_dots(p, s + 1, n - 1, &f->nident); /* drop the leading dot */
	return f;
}

/* ---- literals: Go's strconv rules ---- */

static int lower(int c)
{
	return c | 0x20;
}

/* strconv's underscoreOK */
static int underscore_ok(const char *s, size_t n)
{
	int saw = '^', hex = 0;
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
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

/* strconv.ParseUint(s, 0, 64) */
static int parse_uint0(const char *s0, size_t n0, uint64_t *out)
{
	const char *s = s0;
	size_t n = n0, i;
	unsigned base = 10;
	uint64_t v = 0;
	int under = 0;
	if (n == 0)
		return 0;
	if (s[0] == '0') {
		if (n >= 3 && lower(s[1]) == 'b') {
			base = 2;
			s += 2;
			n -= 2;
		} else if (n >= 3 && lower(s[1]) == 'o') {
			base = 8;
			s += 2;
			n -= 2;
		} else if (n >= 3 && lower(s[1]) == 'x') {
			base = 16;
			s += 2;
			n -= 2;
		} else {
			base = 8;
			s += 1;
			n -= 1;
		}
	}
	for (i = 0; i < n; i++) {
		unsigned d;
		int c = (unsigned char)s[i];
		if (c == '_') {
			under = 1;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (lower(c) >= 'a' && lower(c) <= 'z')
			d = (unsigned)(lower(c) - 'a' + 10);
		else
			return 0;
		if (d >= base)
			return 0;
		if (v > (UINT64_MAX - d) / base)
			return 0; /* range */
		v = v * base + d;
	}
	if (under && !underscore_ok(s0, n0))
		return 0;
	*out = v;
	return 1;
}

/* strconv.ParseInt(s, 0, 64) */
static int parse_int0(const char *s, size_t n, int64_t *out)
{
	int neg = 0;
	uint64_t u;
	if (n == 0)
		return 0;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		n--;
	}
	if (!parse_uint0(s, n, &u))
		return 0;
	if (!neg && u >= (uint64_t)1 << 63)
		return 0;
	if (neg && u > (uint64_t)1 << 63)
		return 0;
	*out = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 1;
}

/* strconv.ParseFloat(s, 64) without its inf/nan forms; 0 on any error */
static int parse_float(const char *s, size_t n, double *out)
{
	size_t i = 0;
	int hex = 0, digits = 0, under = 0, exp = 0;
	char *clean, *end;
	size_t k = 0;
	double d;
	if (n == 0)
		return 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (n - i >= 2 && s[i] == '0' && lower(s[i + 1]) == 'x') {
		hex = 1;
		i += 2;
	}
	for (; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '_') {
			under = 1;
			continue;
		}
		if (c == '.') {
			if (exp)
				return 0;
			exp = 1; /* at most one dot: reuse flag as "dot seen" */
			continue;
		}
		if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
			digits = 1;
			continue;
		}
		break;
	}
	if (!digits)
		return 0;
	if (i < n && ((!hex && lower(s[i]) == 'e') || (hex && lower(s[i]) == 'p'))) {
		int ed = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n; i++) {
			if (s[i] == '_') {
				under = 1;
				continue;
			}
			if (s[i] < '0' || s[i] > '9')
				break;
			ed = 1;
		}
		if (!ed)
			return 0;
	} else if (hex) {
		return 0; /* a hex mantissa needs a p exponent */
	}
	if (i != n)
		return 0;
	if (under && !underscore_ok(s, n))
		return 0;
	clean = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		if (s[i] != '_')
			clean[k++] = s[i];
	clean[k] = '\0';
	errno = 0;
	d = strtod(clean, &end);
	if (*end != '\0' || isinf(d)) {
		free(clean);
		return 0;
	}
	free(clean);
	*out = d;
	return 1;
}

static int unhex(int c, int *v)
{
	if (c >= '0' && c <= '9')
		*v = c - '0';
	else if (lower(c) >= 'a' && lower(c) <= 'f')
		*v = lower(c) - 'a' + 10;
	else
		return 0;
	return 1;
}

/* strconv.UnquoteChar: decode one character of a quoted literal at s.
 * Returns the number of bytes used, 0 on a syntax error. */
static size_t unquote_char(const char *s, size_t n, char quote, int32_t *r, int *multibyte)
{
	int c, v, j, cnt;
	int32_t val = 0;
	*multibyte = 0;
	if (n == 0)
		return 0;
	c = (unsigned char)s[0];
	if (c == quote && (quote == '\'' || quote == '"'))
		return 0;
	if (c >= 0x80) {
		*multibyte = 1;
		return tpl_utf8_decode(s, n, r);
	}
	if (c != '\\') {
		*r = c;
		return 1;
	}
	if (n <= 1)
		return 0;
	c = (unsigned char)s[1];
	switch (c) {
	case 'a': *r = '\a'; return 2;
	case 'b': *r = '\b'; return 2;
	case 'f': *r = '\f'; return 2;
	case 'n': *r = '\n'; return 2;
	case 'r': *r = '\r'; return 2;
	case 't': *r = '\t'; return 2;
	case 'v': *r = '\v'; return 2;
	case '\\': *r = '\\'; return 2;
	case '\'':
	case '"':
		if (c != quote)
			return 0;
		*r = c;
		return 2;
	case 'x':
	case 'u':
	case 'U':
		cnt = c == 'x' ? 2 : c == 'u' ? 4 : 8;
		if (n < (size_t)(2 + cnt))
			return 0;
		for (j = 0; j < cnt; j++) {
			if (!unhex((unsigned char)s[2 + j], &v))
				return 0;
			val = (int32_t)((uint32_t)val << 4 | (uint32_t)v);
		}
		if (c != 'x') {
			if (val < 0 || val > 0x10FFFF || (val >= 0xD800 && val <= 0xDFFF))
				return 0;
			*multibyte = 1;
		}
		*r = val;
		return (size_t)(2 + cnt);
	}
	if (c >= '0' && c <= '7') {
		val = c - '0';
		if (n < 4)
			return 0;
		for (j = 0; j < 2; j++) {
			int x = (unsigned char)s[2 + j] - '0';
			if (x < 0 || x > 7)
				return 0;
			val = (val << 3) | x;
		}
		if (val > 255)
			return 0;
		*r = val;
		return 4;
	}
	return 0;
}

static int valid_utf8(const char *s, size_t n)
{
	size_t i = 0;
	int32_t r;
	while (i < n) {
		size_t w = tpl_utf8_decode(s + i, n - i, &r);
		if (r == 0xFFFD && w == 1)
			return 0;
		i += w;
	}
	return 1;
}

/* strconv.Unquote of a lexed string or raw string; 0 on ErrSyntax */
static int unquote(const char *in, size_t n, struct arc_buf *out)
{
	char q;
	size_t i;
	if (n < 2)
		return 0;
	q = in[0];
	if (in[n - 1] != q)
		return 0;
	if (q == '`') {
		for (i = 1; i < n - 1; i++) {
			if (in[i] == '`')
				return 0;
			if (in[i] != '\r')
				arc_buf_putc(out, in[i]);
		}
		return 1;
	}
	if (q != '"' && q != '\'')
		return 0;
	if (!memchr(in, '\\', n) && !memchr(in, '\n', n) && q == '"' && !memchr(in + 1, '"', n - 2) &&
	    valid_utf8(in + 1, n - 2)) {
		arc_buf_add(out, in + 1, n - 2);
		return 1;
	}
	i = 1;
	while (i < n - 1) {
		int32_t r;
		int mb;
		size_t w;
		if (in[i] == '\n')
			return 0;
		w = unquote_char(in + i, n - 1 - i, q, &r, &mb);
		if (w == 0)
			return 0;
		i += w;
		if (r < 0x80 || !mb) {
			arc_buf_putc(out, (char)r);
		} else {
			char tmp[4];
			arc_buf_add(out, tmp, tpl_utf8_encode(tmp, r));
		}
		if (q == '\'')
			break;
	}
	return i == n - 1;
}

static int contains_any(const char *s, size_t n, const char *set)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strchr(set, s[i]))
			return 1;
	return 0;
}

static int int_exact(double f, int64_t *out)
{
	if (f >= -9223372036854775808.0 && f < 9223372036854775808.0 && (double)(int64_t)f == f) {
		*out = (int64_t)f;
		return 1;
	}
	return 0;
}

static int uint_exact(double f, uint64_t *out)
{
	if (f >= 0 && f < 18446744073709551616.0 && (double)(uint64_t)f == f) {
		*out = (uint64_t)f;
		return 1;
	}
	return 0;
}

static void simplify_complex(struct node_number *num)
{
	num->is_float = num->im == 0;
	if (num->is_float) {
		num->f64 = num->re;
		num->is_int = (unsigned)int_exact(num->f64, &num->i64);
		num->is_uint = (unsigned)uint_exact(num->f64, &num->u64);
	}
}

/* fmt.Sscan of "a+bi" into a complex128 */
static int scan_complex(const char *s, size_t n, double *re, double *im)
{
	size_t i;
	for (i = 1; i < n; i++) {
		if ((s[i] == '+' || s[i] == '-') && lower(s[i - 1]) != 'e' && lower(s[i - 1]) != 'p')
			break;
	}
	if (i >= n || s[n - 1] != 'i')
		return 0;
	if (!parse_float(s, i, re))
		return 0;
	if (!parse_float(s + i, n - i - 1, im))
		return 0;
	return 1;
}

static int is_hex_int(const char *s, size_t n)
{
	return n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && !contains_any(s, n, "pP");
}

static struct node_number *new_number(struct ptree *p, const struct item *tok)
{
	struct node_number *num = new_node(p, sizeof(*num), NODE_NUMBER, tok->pos);
	const char *s = tok->val;
	size_t n = tok->len;
	arc_value *v = NULL;
	num->text = s;
	num->len = n;
	if (tok->type == ITEM_CHAR_CONSTANT) {
		int32_t r;
		int mb;
		size_t w = unquote_char(s + 1, n - 1, s[0], &r, &mb);
		if (w == 0)
			perrorf(p, "invalid syntax");
		if (n - 1 - w != 1 || s[n - 1] != '\'')
			perrorf(p, "malformed character constant: %.*s", (int)n, s);
		num->i64 = r;
		num->u64 = (uint64_t)r;
		num->f64 = r;
		num->is_int = num->is_uint = num->is_float = 1;
	} else if (tok->type == ITEM_COMPLEX) {
		if (!scan_complex(s, n, &num->re, &num->im))
			perrorf(p, "strconv.ParseFloat: parsing %.*s: invalid syntax", (int)n, s);
		num->is_complex = 1;
		simplify_complex(num);
	} else {
		double f;
		uint64_t u = 0;
		int64_t i;
		if (n > 0 && s[n - 1] == 'i' && parse_float(s, n - 1, &f)) {
			num->is_complex = 1;
			num->re = 0;
			num->im = f;
			simplify_complex(num);
			goto done;
		}
		if (parse_uint0(s, n, &u)) {
			num->is_uint = 1;
			num->u64 = u;
		}
		if (parse_int0(s, n, &i)) {
			num->is_int = 1;
			num->i64 = i;
			if (i == 0) {
				num->is_uint = 1;
				num->u64 = u;
			}
		}
		if (num->is_int) {
			num->is_float = 1;
			num->f64 = (double)num->i64;
		} else if (num->is_uint) {
			num->is_float = 1;
			num->f64 = (double)num->u64;
		} else if (parse_float(s, n, &f)) {
			if (!contains_any(s, n, ".eEpP")) {
				struct arc_buf b = ARC_BUF_INIT;
				arc_buf_puts(&b, "integer overflow: ");
				arc_fmt_quote(&b, s, n);
				perror_buf(p, &b);
			}
			num->is_float = 1;
			num->f64 = f;
			if (!num->is_int)
				num->is_int = (unsigned)int_exact(f, &num->i64);
			if (!num->is_uint)
				num->is_uint = (unsigned)uint_exact(f, &num->u64);
		}
		if (!num->is_int && !num->is_uint && !num->is_float) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_buf_puts(&b, "illegal number syntax: ");
			arc_fmt_quote(&b, s, n);
			perror_buf(p, &b);
		}
	}
done:
	/* Go's idealConstant: the value a number has where no type is known */
	if (num->is_complex)
		v = tpl_complex_new(num->re, num->im);
	else if (num->is_float && !is_hex_int(s, n) && s[0] != '\'' && contains_any(s, n, ".eEpP"))
		v = arc_v_float(num->f64);
	else if (num->is_int)
		v = arc_v_int(num->i64);
	if (v) {
		v->flags |= ARC_VF_CONST;
		arena_keep(p->c->arena, v);
	}
	num->val = v;
	return num;
}

static struct node_string *new_string(struct ptree *p, const struct item *tok)
{
	struct node_string *sn;
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *v;
	if (!unquote(tok->val, tok->len, &b)) {
		arc_buf_release(&b);
		perrorf(p, "invalid syntax");
	}
	sn = new_node(p, sizeof(*sn), NODE_STRING, tok->pos);
	sn->quoted = tok->val;
	sn->qlen = tok->len;
	v = arc_v_str_buf(&b);
	v->flags |= ARC_VF_CONST;
	arena_keep(p->c->arena, v);
	sn->val = v;
	return sn;
}

/* ---- the grammar ---- */

static struct node *pipeline_node(struct ptree *p, const char *context, int end);
static struct node_list *item_list(struct ptree *p, struct node **next);
static struct node *if_control(struct ptree *p);
static struct node *with_control(struct ptree *p);

static int has_var(struct ptree *p, const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < p->nvars; i++)
		if (p->vars[i].len == n && memcmp(p->vars[i].s, s, n) == 0)
			return 1;
	return 0;
}

static void push_var(struct ptree *p, const char *s, size_t n)
{
	p->vars = arena_grow(p->c->arena, p->vars, &p->capvars, p->nvars, sizeof(*p->vars));
	p->vars[p->nvars].s = s;
	p->vars[p->nvars].len = n;
	p->nvars++;
}

static void start_parse(struct ptree *p, struct pctx *c, struct tree *t)
{
	memset(p, 0, sizeof(*p));
	p->c = c;
	p->t = t;
	push_var(p, "$", 1);
}

static struct tree *new_tree(struct pctx *c, const char *name, size_t n)
{
	struct tree *t = arena_alloc(c->arena, sizeof(*t));
	t->name.s = arena_strndup(c->arena, name, n);
	t->name.len = n;
	t->parse_name = c->parse_name;
	t->text = c->text;
	t->text_len = c->len;
	return t;
}

/* Go's Tree.add: put the tree into this parse's tree set */
static void add_tree(struct ptree *p)
{
	struct pctx *c = p->c;
	struct tree *t = p->t;
	size_t i;
	for (i = 0; i < c->ntrees; i++) {
		struct tree *o = c->trees[i];
		if (o->name.len == t->name.len && memcmp(o->name.s, t->name.s, t->name.len) == 0) {
			if (arc_tpl_node_is_empty(&o->root->n)) {
				c->trees[i] = t;
				return;
			}
			if (!arc_tpl_node_is_empty(&t->root->n)) {
				struct arc_buf b = ARC_BUF_INIT;
				arc_buf_puts(&b, "template: multiple definition of template ");
				arc_fmt_quote(&b, t->name.s, t->name.len);
				perror_buf(p, &b);
			}
			return;
		}
	}
	if (c->ntrees == c->captrees) {
		c->captrees = c->captrees ? c->captrees * 2 : 8;
		c->trees = xrealloc(c->trees, c->captrees * sizeof(*c->trees));
	}
	c->trees[c->ntrees++] = t;
}

static void check_depth(struct ptree *p)
{
	if (tpl_stack_low())
		perrorf(p, "template too deeply nested");
}

static struct node *new_template_node(struct ptree *p, const struct item *tok, struct ident name,
				      struct node_pipe *pipe)
{
	struct node_template *tn = new_node(p, sizeof(*tn), NODE_TEMPLATE, tok->pos);
	tn->line = tok->line;
	tn->name = name;
	tn->pipe = pipe;
	return &tn->n;
}

static struct ident parse_template_name(struct ptree *p, const struct item *tok, const char *context)
{
	struct ident id;
	struct arc_buf b = ARC_BUF_INIT;
	if (tok->type != ITEM_STRING && tok->type != ITEM_RAW_STRING)
		unexpected(p, tok, context);
	if (!unquote(tok->val, tok->len, &b)) {
		arc_buf_release(&b);
		perrorf(p, "invalid syntax");
	}
	id.len = b.len;
	id.s = arena_strndup(p->c->arena, b.ptr ? b.ptr : "", b.len);
	arc_buf_release(&b);
	return id;
}

static void parse_definition(struct ptree *p)
{
	const char *context = "define clause";
	struct item tok = next_non_space(p);
	struct node *end = NULL;
	struct ident name;
	if (tok.type != ITEM_STRING && tok.type != ITEM_RAW_STRING)
		unexpected(p, &tok, context);
	name = parse_template_name(p, &tok, context);
	p->t->name = name;
	expect(p, ITEM_RIGHT_DELIM, context);
	p->t->root = item_list(p, &end);
	if (end->type != NODE_END) {
		struct arc_buf b = ARC_BUF_INIT;
		arc_buf_puts(&b, "unexpected ");
		arc_tpl_node_string(&b, end);
		arc_buf_printf(&b, " in %s", context);
		perror_buf(p, &b);
	}
	add_tree(p);
}

static struct node *term(struct ptree *p);

/* operand: term .Field* */
static struct node *operand(struct ptree *p)
{
	struct node *node = term(p);
	struct node_chain *chain;
	struct arc_buf b = ARC_BUF_INIT;
	if (!node)
		return NULL;
	if (ppeek(p).type != ITEM_FIELD)
		return node;
	chain = new_node(p, sizeof(*chain), NODE_CHAIN, ppeek(p).pos);
	chain->node = node;
	while (ppeek(p).type == ITEM_FIELD) {
		struct item f = pnext(p);
		chain->fields = arena_grow(p->c->arena, chain->fields, &chain->cap, chain->nfield,
					   sizeof(*chain->fields));
		chain->fields[chain->nfield].s = f.val + 1;
		chain->fields[chain->nfield].len = f.len - 1;
		chain->nfield++;
	}
	switch (node->type) {
	case NODE_FIELD:
	case NODE_VARIABLE: {
		struct node *res;
		char *s;
		arc_tpl_node_string(&b, &chain->n);
		s = arena_strndup(p->c->arena, b.ptr, b.len);
		if (node->type == NODE_FIELD)
			res = &new_field(p, chain->n.pos, s, b.len)->n;
		else
			res = &new_variable(p, chain->n.pos, s, b.len)->n;
		arc_buf_release(&b);
		return res;
	}
	case NODE_BOOL:
	case NODE_STRING:
	case NODE_NUMBER:
	case NODE_NIL:
	case NODE_DOT: {
		struct arc_buf q = ARC_BUF_INIT;
		arc_tpl_node_string(&b, node);
		arc_buf_puts(&q, "unexpected . after term ");
		arc_fmt_quote(&q, b.ptr, b.len);
		arc_buf_release(&b);
		perror_buf(p, &q);
	}
	default:
		return &chain->n;
	}
}

static struct node *term(struct ptree *p)
{
	struct item tok = next_non_space(p);
	switch (tok.type) {
	case ITEM_IDENTIFIER: {
		struct node_identifier *id;
		char *name = arena_strndup(p->c->arena, tok.val, tok.len);
		const struct arc_tpl_func *fn = arc_tpl_func_find(name);
		if (!fn) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_buf_puts(&b, "function ");
			arc_fmt_quote(&b, tok.val, tok.len);
			arc_buf_puts(&b, " not defined");
			perror_buf(p, &b);
		}
		id = new_node(p, sizeof(*id), NODE_IDENTIFIER, tok.pos);
		id->name.s = name;
		id->name.len = tok.len;
		id->fn = fn;
		return &id->n;
	}
	case ITEM_DOT:
		return new_node(p, sizeof(struct node), NODE_DOT, tok.pos);
	case ITEM_NIL:
		return new_node(p, sizeof(struct node), NODE_NIL, tok.pos);
	case ITEM_VARIABLE: {
		struct node_variable *v = new_variable(p, tok.pos, tok.val, tok.len);
		if (!has_var(p, v->idents[0].s, v->idents[0].len)) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_buf_puts(&b, "undefined variable ");
			arc_fmt_quote(&b, v->idents[0].s, v->idents[0].len);
			perror_buf(p, &b);
		}
		return &v->n;
	}
	case ITEM_FIELD:
		return &new_field(p, tok.pos, tok.val, tok.len)->n;
	case ITEM_BOOL: {
		struct node_bool *b = new_node(p, sizeof(*b), NODE_BOOL, tok.pos);
		b->val = tok.len == 4;
		return &b->n;
	}
	case ITEM_CHAR_CONSTANT:
	case ITEM_COMPLEX:
	case ITEM_NUMBER:
		return &new_number(p, &tok)->n;
	case ITEM_LEFT_PAREN: {
		struct node *pipe;
		if (p->stack_depth >= TPL_MAX_PARSE_DEPTH)
			perrorf(p, "max expression depth exceeded");
		check_depth(p);
		p->stack_depth++;
		pipe = pipeline_node(p, "parenthesized pipeline", ITEM_RIGHT_PAREN);
		p->stack_depth--;
		return pipe;
	}
	case ITEM_STRING:
	case ITEM_RAW_STRING:
		return &new_string(p, &tok)->n;
	}
	pbackup(p);
	return NULL;
}

static struct node_command *command(struct ptree *p)
{
	struct node_command *cmd = new_node(p, sizeof(*cmd), NODE_COMMAND, peek_non_space(p).pos);
	size_t base = p->c->nstk;
	for (;;) {
		struct node *op;
		struct item tok;
		peek_non_space(p);
		op = operand(p);
		if (op)
			spush(p, op);
		tok = pnext(p);
		if (tok.type == ITEM_SPACE)
			continue;
		if (tok.type == ITEM_RIGHT_DELIM || tok.type == ITEM_RIGHT_PAREN)
			pbackup(p);
		else if (tok.type != ITEM_PIPE)
			unexpected(p, &tok, "operand");
		break;
	}
	cmd->args = sfinish(p, base, &cmd->len);
	cmd->cap = cmd->len;
	if (cmd->len == 0)
		perrorf(p, "empty command");
	return cmd;
}

static void check_pipeline(struct ptree *p, struct node_pipe *pipe, const char *context)
{
	size_t i;
	if (pipe->ncmd == 0)
		perrorf(p, "missing value for %s", context);
	for (i = 1; i < pipe->ncmd; i++) {
		switch (pipe->cmds[i]->args[0]->type) {
		case NODE_BOOL:
		case NODE_DOT:
		case NODE_NIL:
		case NODE_NUMBER:
		case NODE_STRING:
			perrorf(p, "non executable command in pipeline stage %zu", i + 1);
		}
	}
}

static void pipe_decl(struct ptree *p, struct node_pipe *pipe, const struct item *v)
{
	spush(p, new_variable(p, v->pos, v->val, v->len));
	pipe->ndecl++;
	push_var(p, v->val, v->len);
}

static struct node_pipe *pipeline(struct ptree *p, const char *context, int end)
{
	struct item tok = peek_non_space(p);
	struct node_pipe *pipe = new_node(p, sizeof(*pipe), NODE_PIPE, tok.pos);
	size_t base = p->c->nstk;
	pipe->line = tok.line;
decls:
	if (peek_non_space(p).type == ITEM_VARIABLE) {
		struct item v = pnext(p);
		struct item after = ppeek(p);
		struct item nx = peek_non_space(p);
		if (nx.type == ITEM_ASSIGN || nx.type == ITEM_DECLARE) {
			pipe->is_assign = nx.type == ITEM_ASSIGN;
			next_non_space(p);
			pipe_decl(p, pipe, &v);
		} else if (nx.type == ITEM_CHAR && nx.len == 1 && nx.val[0] == ',') {
			next_non_space(p);
			pipe_decl(p, pipe, &v);
			if (strcmp(context, "range") == 0 && pipe->ndecl < 2) {
				int t = peek_non_space(p).type;
				if (t == ITEM_VARIABLE || t == ITEM_RIGHT_DELIM || t == ITEM_RIGHT_PAREN)
					goto decls;
				perrorf(p, "range can only initialize variables");
			}
			perrorf(p, "too many declarations in %s", context);
		} else if (after.type == ITEM_SPACE) {
			pbackup3(p, v, after);
		} else {
			pbackup2(p, v);
		}
	}
	pipe->decl = sfinish(p, base, &pipe->ndecl);
	pipe->decl_cap = pipe->ndecl;
	for (;;) {
		tok = next_non_space(p);
		if (tok.type == end) {
			pipe->cmds = sfinish(p, base, &pipe->ncmd);
			pipe->cmd_cap = pipe->ncmd;
			check_pipeline(p, pipe, context);
			return pipe;
		}
		switch (tok.type) {
		case ITEM_BOOL:
		case ITEM_CHAR_CONSTANT:
		case ITEM_COMPLEX:
		case ITEM_DOT:
		case ITEM_FIELD:
		case ITEM_IDENTIFIER:
		case ITEM_NUMBER:
		case ITEM_NIL:
		case ITEM_RAW_STRING:
		case ITEM_STRING:
		case ITEM_VARIABLE:
		case ITEM_LEFT_PAREN:
			pbackup(p);
			spush(p, command(p));
			break;
		default:
			unexpected(p, &tok, context);
		}
	}
}

static struct node *pipeline_node(struct ptree *p, const char *context, int end)
{
	return &pipeline(p, context, end)->n;
}

static struct node *parse_control(struct ptree *p, const char *context, int type)
{
	size_t saved = p->nvars;
	struct node_branch *br;
	struct node_pipe *pipe;
	struct node_list *list, *else_list = NULL;
	struct node *next = NULL;
	int is_range = type == NODE_RANGE;
	check_depth(p);
	pipe = pipeline(p, context, ITEM_RIGHT_DELIM);
	if (is_range)
		p->range_depth++;
	list = item_list(p, &next);
	if (is_range)
		p->range_depth--;
	if (next->type == NODE_ELSE) {
		if (type == NODE_IF && ppeek(p).type == ITEM_IF) {
			pnext(p);
			else_list = new_list(p, next->pos);
			one_item(p, else_list, if_control(p));
		} else if (type == NODE_WITH && ppeek(p).type == ITEM_WITH) {
			pnext(p);
			else_list = new_list(p, next->pos);
			one_item(p, else_list, with_control(p));
		} else {
			else_list = item_list(p, &next);
			if (next->type != NODE_END) {
				struct arc_buf b = ARC_BUF_INIT;
				arc_buf_puts(&b, "expected end; found ");
				arc_tpl_node_string(&b, next);
				perror_buf(p, &b);
			}
		}
	}
	p->nvars = saved;
	br = new_node(p, sizeof(*br), type, pipe->n.pos);
	br->line = pipe->line;
	br->pipe = pipe;
	br->list = list;
	br->else_list = else_list;
	return &br->n;
}

static struct node *if_control(struct ptree *p)
{
	return parse_control(p, "if", NODE_IF);
}

static struct node *with_control(struct ptree *p)
{
	return parse_control(p, "with", NODE_WITH);
}

static struct node *block_control(struct ptree *p)
{
	const char *context = "block clause";
	struct item tok = next_non_space(p);
	struct ident name = parse_template_name(p, &tok, context);
	struct node_pipe *pipe = pipeline(p, context, ITEM_RIGHT_DELIM);
	struct ptree *blk = arena_alloc(p->c->arena, sizeof(*blk)); /* off the C stack */
	struct node *end = NULL;
	struct tree *t = new_tree(p->c, name.s, name.len);
	start_parse(blk, p->c, t);
	blk->t->root = item_list(blk, &end);
	if (end->type != NODE_END) {
		struct arc_buf b = ARC_BUF_INIT;
		arc_buf_puts(&b, "unexpected ");
		arc_tpl_node_string(&b, end);
		arc_buf_printf(&b, " in %s", context);
		perror_buf(p, &b);
	}
	add_tree(blk);
	return new_template_node(p, &tok, name, pipe);
}

static struct node *template_control(struct ptree *p)
{
	const char *context = "template clause";
	struct item tok = next_non_space(p);
	struct ident name = parse_template_name(p, &tok, context);
	struct node_pipe *pipe = NULL;
	if (next_non_space(p).type != ITEM_RIGHT_DELIM) {
		pbackup(p);
		pipe = pipeline(p, context, ITEM_RIGHT_DELIM);
	}
	return new_template_node(p, &tok, name, pipe);
}

static struct node *simple_control(struct ptree *p, const struct item *kw, int type, const char *what)
{
	struct item tok = next_non_space(p);
	struct node_branch *n;
	if (tok.type != ITEM_RIGHT_DELIM)
		unexpected(p, &tok, what);
	if (p->range_depth == 0)
		perrorf(p, "%s outside {{range}}", what);
	n = new_node(p, sizeof(*n), type, kw->pos);
	n->line = kw->line;
	return &n->n;
}

static struct node *action(struct ptree *p)
{
	struct item tok = next_non_space(p);
	struct node_action *a;
	switch (tok.type) {
	case ITEM_BLOCK:
		return block_control(p);
	case ITEM_BREAK:
		return simple_control(p, &tok, NODE_BREAK, "{{break}}");
	case ITEM_CONTINUE:
		return simple_control(p, &tok, NODE_CONTINUE, "{{continue}}");
	case ITEM_ELSE: {
		struct item pk = peek_non_space(p);
		struct node_branch *e;
		if (pk.type != ITEM_IF && pk.type != ITEM_WITH)
			pk = expect(p, ITEM_RIGHT_DELIM, "else");
		e = new_node(p, sizeof(*e), NODE_ELSE, pk.pos);
		e->line = pk.line;
		return &e->n;
	}
	case ITEM_END:
		tok = expect(p, ITEM_RIGHT_DELIM, "end");
		return new_node(p, sizeof(struct node), NODE_END, tok.pos);
	case ITEM_IF:
		return if_control(p);
	case ITEM_RANGE:
		return parse_control(p, "range", NODE_RANGE);
	case ITEM_TEMPLATE:
		return template_control(p);
	case ITEM_WITH:
		return with_control(p);
	}
	pbackup(p);
	tok = ppeek(p);
	a = new_node(p, sizeof(*a), NODE_ACTION, tok.pos);
	a->line = tok.line;
	a->pipe = pipeline(p, "command", ITEM_RIGHT_DELIM);
	return &a->n;
}

static struct node *text_or_action(struct ptree *p)
{
	struct item tok = next_non_space(p);
	switch (tok.type) {
	case ITEM_TEXT: {
		struct node_text *t = new_node(p, sizeof(*t), NODE_TEXT, tok.pos);
		t->text = tok.val;
		t->len = tok.len;
		return &t->n;
	}
	case ITEM_LEFT_DELIM: {
		struct node *n;
		p->action_line = tok.line;
		n = action(p);
		p->action_line = 0;
		return n;
	}
	default:
		unexpected(p, &tok, "input");
	}
}

static struct node_list *item_list(struct ptree *p, struct node **next)
{
	struct node_list *list = new_list(p, peek_non_space(p).pos);
	size_t base = p->c->nstk;
	while (peek_non_space(p).type != ITEM_EOF) {
		struct node *n = text_or_action(p);
		if (n->type == NODE_END || n->type == NODE_ELSE) {
			*next = n;
			list_finish(p, list, base);
			return list;
		}
		spush(p, n);
	}
	perrorf(p, "unexpected EOF");
}

static void parse_top(struct ptree *p)
{
	size_t base = p->c->nstk;
	p->t->root = new_list(p, ppeek(p).pos);
	while (ppeek(p).type != ITEM_EOF) {
		struct node *n;
		if (ppeek(p).type == ITEM_LEFT_DELIM) {
			struct item delim = pnext(p);
			if (next_non_space(p).type == ITEM_DEFINE) {
				struct ptree *def = arena_alloc(p->c->arena, sizeof(*def));
				start_parse(def, p->c, new_tree(p->c, "definition", 10));
				parse_definition(def);
				continue;
			}
			pbackup2(p, delim);
		}
		n = text_or_action(p);
		if (n->type == NODE_END || n->type == NODE_ELSE) {
			struct arc_buf b = ARC_BUF_INIT;
			arc_buf_puts(&b, "unexpected ");
			arc_tpl_node_string(&b, n);
			perror_buf(p, &b);
		}
		spush(p, n);
	}
	list_finish(p, p->t->root, base);
}

struct parse_job {
	struct arc_tpl_set *set;
	const char *name;
	size_t nlen;
	const char *text;
	size_t len;
	struct tree **top;
	struct pctx *c;
	struct ptree *p;
};

static int parse_job_run(void *arg)
{
	struct parse_job *j = arg;
	struct pctx *c = j->c;
	struct ptree *p = j->p;
	size_t i;
	if (setjmp(c->jb))
		return arc_error_code(ARC_E_PARSE, "%s", arc_buf_cstr(&c->err));
	parse_top(p);
	add_tree(p);
	/* Go's AddParseTree/associate: an empty body does not replace a defined template */
	for (i = 0; i < c->ntrees; i++) {
		struct tree *t = c->trees[i];
		struct tree *old = tpl_set_lookup(j->set, t->name.s, t->name.len);
		if (old && arc_tpl_node_is_empty(&t->root->n))
			continue;
		set_put(j->set, t->name, t);
	}
	if (j->top)
		*j->top = p->t;
	return 0;
}

int tpl_parse(struct arc_tpl_set *set, const char *name, size_t nlen, const char *text, size_t len,
	      struct tree **top)
{
	struct pctx *c = xcalloc(1, sizeof(*c));
	struct ptree *p = xcalloc(1, sizeof(*p));
	struct parse_job j;
	int rc;
	struct arena_mark mark;
	if (len > UINT32_MAX) { /* node positions are 32-bit */
		free(c);
		free(p);
		return arc_error_code(ARC_E_PARSE, "template: %.*s: text too large", (int)nlen, name);
	}
	arena_get_mark(&set->arena, &mark);
	c->arena = &set->arena;
	arc_buf_init(&c->err);
	c->text = arena_strndup(c->arena, text, len);
	c->len = len;
	c->parse_name.s = arena_strndup(c->arena, name, nlen);
	c->parse_name.len = nlen;
	lex_init(&c->lex, c->text, len);
	start_parse(p, c, new_tree(c, name, nlen));
	j.set = set;
	j.name = name;
	j.nlen = nlen;
	j.text = text;
	j.len = len;
	j.top = top;
	j.c = c;
	j.p = p;
	rc = tpl_run_big(parse_job_run, &j);
	if (rc != 0)
		arena_rollback(&set->arena, &mark);
	lex_release(&c->lex);
	arc_buf_release(&c->err);
	free(c->stk);
	free(c->trees);
	free(c);
	free(p);
	return rc;
}

int arc_tpl_parse(struct arc_tpl_set *set, const char *name, const char *text, size_t len)
{
	return tpl_parse(set, name, strlen(name), text, len, NULL);
}

/* ----------------------------------------------------- printing nodes */

static void pipe_string(struct arc_buf *b, struct node_pipe *p)
{
	size_t i;
	if (p->ndecl > 0) {
		for (i = 0; i < p->ndecl; i++) {
			if (i > 0)
				arc_buf_puts(b, ", ");
			arc_tpl_node_string(b, &p->decl[i]->n);
		}
		arc_buf_puts(b, p->is_assign ? " = " : " := ");
	}
	for (i = 0; i < p->ncmd; i++) {
		if (i > 0)
			arc_buf_puts(b, " | ");
		arc_tpl_node_string(b, &p->cmds[i]->n);
	}
}

void arc_tpl_node_string(struct arc_buf *b, struct node *n)
{
	size_t i;
	if (!n)
		return;
	switch (n->type) {
	case NODE_LIST: {
		struct node_list *l = (struct node_list *)n;
		for (i = 0; i < l->len; i++)
			arc_tpl_node_string(b, l->nodes[i]);
		break;
	}
	case NODE_TEXT:
		arc_buf_add(b, ((struct node_text *)n)->text, ((struct node_text *)n)->len);
		break;
	case NODE_COMMENT:
		arc_buf_puts(b, "{{");
		arc_buf_add(b, ((struct node_comment *)n)->text, ((struct node_comment *)n)->len);
		arc_buf_puts(b, "}}");
		break;
	case NODE_PIPE:
		pipe_string(b, (struct node_pipe *)n);
		break;
	case NODE_ACTION:
		arc_buf_puts(b, "{{");
		pipe_string(b, ((struct node_action *)n)->pipe);
		arc_buf_puts(b, "}}");
		break;
	case NODE_COMMAND: {
		struct node_command *c = (struct node_command *)n;
		for (i = 0; i < c->len; i++) {
			if (i > 0)
				arc_buf_putc(b, ' ');
			if (c->args[i]->type == NODE_PIPE) {
				arc_buf_putc(b, '(');
				arc_tpl_node_string(b, c->args[i]);
				arc_buf_putc(b, ')');
			} else {
				arc_tpl_node_string(b, c->args[i]);
			}
		}
		break;
	}
	case NODE_IDENTIFIER: {
		struct node_identifier *id = (struct node_identifier *)n;
		arc_buf_add(b, id->name.s, id->name.len);
		break;
	}
	case NODE_VARIABLE: {
		struct node_variable *v = (struct node_variable *)n;
		for (i = 0; i < v->nident; i++) {
			if (i > 0)
				arc_buf_putc(b, '.');
			arc_buf_add(b, v->idents[i].s, v->idents[i].len);
		}
		break;
	}
	case NODE_DOT:
		arc_buf_putc(b, '.');
		break;
	case NODE_NIL:
		arc_buf_puts(b, "nil");
		break;
	case NODE_FIELD: {
		struct node_field *f = (struct node_field *)n;
		for (i = 0; i < f->nident; i++) {
			arc_buf_putc(b, '.');
			arc_buf_add(b, f->idents[i].s, f->idents[i].len);
		}
		break;
	}
	case NODE_CHAIN: {
		struct node_chain *c = (struct node_chain *)n;
		if (c->node->type == NODE_PIPE) {
			arc_buf_putc(b, '(');
			arc_tpl_node_string(b, c->node);
			arc_buf_putc(b, ')');
		} else {
			arc_tpl_node_string(b, c->node);
		}
		for (i = 0; i < c->nfield; i++) {
			arc_buf_putc(b, '.');
			arc_buf_add(b, c->fields[i].s, c->fields[i].len);
		}
		break;
	}
	case NODE_BOOL:
		arc_buf_puts(b, ((struct node_bool *)n)->val ? "true" : "false");
		break;
	case NODE_NUMBER:
		arc_buf_add(b, ((struct node_number *)n)->text, ((struct node_number *)n)->len);
		break;
	case NODE_STRING:
		arc_buf_add(b, ((struct node_string *)n)->quoted, ((struct node_string *)n)->qlen);
		break;
	case NODE_END:
		arc_buf_puts(b, "{{end}}");
		break;
	case NODE_ELSE:
		arc_buf_puts(b, "{{else}}");
		break;
	case NODE_BREAK:
		arc_buf_puts(b, "{{break}}");
		break;
	case NODE_CONTINUE:
		arc_buf_puts(b, "{{continue}}");
		break;
	case NODE_IF:
	case NODE_RANGE:
	case NODE_WITH: {
		struct node_branch *br = (struct node_branch *)n;
		arc_buf_puts(b, n->type == NODE_IF      ? "{{if "
				: n->type == NODE_RANGE ? "{{range "
							: "{{with ");
		pipe_string(b, br->pipe);
		arc_buf_puts(b, "}}");
		arc_tpl_node_string(b, &br->list->n);
		if (br->else_list) {
			arc_buf_puts(b, "{{else}}");
			arc_tpl_node_string(b, &br->else_list->n);
		}
		arc_buf_puts(b, "{{end}}");
		break;
	}
	case NODE_TEMPLATE: {
		struct node_template *t = (struct node_template *)n;
		arc_buf_puts(b, "{{template ");
		arc_fmt_quote(b, t->name.s, t->name.len);
		if (t->pipe) {
			arc_buf_putc(b, ' ');
			pipe_string(b, t->pipe);
		}
		arc_buf_puts(b, "}}");
		break;
	}
	}
}

/* bytes.TrimSpace(text) is empty */
static int blank(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || (c >= '\t' && c <= '\r')) {
			i++;
		} else if (c == 0xC2 && i + 1 < n &&
			   ((unsigned char)s[i + 1] == 0x85 || (unsigned char)s[i + 1] == 0xA0)) {
			i += 2;
		} else {
			return 0;
		}
	}
	return 1;
}

int arc_tpl_node_is_empty(struct node *n)
{
	size_t i;
	if (!n)
		return 1;
	switch (n->type) {
	case NODE_COMMENT:
		return 1;
	case NODE_LIST: {
		struct node_list *l = (struct node_list *)n;
		for (i = 0; i < l->len; i++)
			if (!arc_tpl_node_is_empty(l->nodes[i]))
				return 0;
		return 1;
	}
	case NODE_TEXT:
		return blank(((struct node_text *)n)->text, ((struct node_text *)n)->len);
	default:
		return 0;
	}
}
