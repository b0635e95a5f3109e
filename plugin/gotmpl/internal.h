/*
 * internal.h - what lex.c, parse.c and exec.c share (private to gotmpl/).
 *
 * Ownership: the arena owns every node and name of the trees parsed into a
 * set, and one reference to each value registered with arena_keep().
 */
#ifndef ARC_GOTMPL_INTERNAL_H
#define ARC_GOTMPL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "node.h"
#include "template.h"

/* ---- arena ---- */
struct arena_chunk;
struct arena {
	struct arena_chunk *head;
	arc_value **vals; /* released with the arena */
	size_t nvals, capvals;
};
void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* zeroed, 8-aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* grow an arena array of `*cap` elements of `size` bytes to hold one more */
void *arena_grow(struct arena *a, void *arr, size_t *cap, size_t len, size_t size);
void arena_keep(struct arena *a, arc_value *take);
void arena_free(struct arena *a);
/* a point to roll an arena back to: everything allocated and kept after it is freed */
struct arena_mark {
	struct arena_chunk *head, *after;
	size_t used, nvals;
};
void arena_get_mark(struct arena *a, struct arena_mark *m);
void arena_rollback(struct arena *a, const struct arena_mark *m);

/* ---- lexer (lex.c): Go's text/template/parse/lex.go ---- */
enum item_type {
	ITEM_ERROR,
	ITEM_BOOL,
	ITEM_CHAR,
	ITEM_CHAR_CONSTANT,
	ITEM_COMMENT,
	ITEM_COMPLEX,
	ITEM_ASSIGN,
	ITEM_DECLARE,
	ITEM_EOF,
	ITEM_FIELD,
	ITEM_IDENTIFIER,
	ITEM_LEFT_DELIM,
	ITEM_LEFT_PAREN,
	ITEM_NUMBER,
	ITEM_PIPE,
	ITEM_RAW_STRING,
	ITEM_RIGHT_DELIM,
	ITEM_RIGHT_PAREN,
	ITEM_SPACE,
	ITEM_STRING,
	ITEM_TEXT,
	ITEM_VARIABLE,
	ITEM_KEYWORD, /* keywords follow */
	ITEM_BLOCK,
	ITEM_BREAK,
	ITEM_CONTINUE,
	ITEM_DOT,
	ITEM_DEFINE,
	ITEM_ELSE,
	ITEM_END,
	ITEM_IF,
	ITEM_NIL,
	ITEM_RANGE,
	ITEM_TEMPLATE,
	ITEM_WITH
};

struct item {
	int type;
	int line;
	size_t pos;
	const char *val; /* into the input, or the lexer's error text */
	size_t len;
};

struct lexer {
	const char *input;
	size_t len;
	size_t pos, start;
	int at_eof;
	int paren_depth;
	int line, start_line;
	int inside_action;
	int break_ok, continue_ok;
	struct item item;
	struct arc_buf err;
};

void lex_init(struct lexer *l, const char *input, size_t len);
struct item lex_next(struct lexer *l);
void lex_release(struct lexer *l);

/* ---- UTF-8 and Unicode helpers (lex.c) ---- */
/* decode one rune; returns its width (>= 1 when n > 0), U+FFFD for bad bytes */
size_t tpl_utf8_decode(const char *s, size_t n, int32_t *r);
size_t tpl_utf8_encode(char *out, int32_t r);
int tpl_is_letter(int32_t r);
int tpl_is_digit(int32_t r);
int tpl_is_print(int32_t r);
/* Go's %#U: U+0041 'A' */
void tpl_fmt_U(struct arc_buf *b, int32_t r);

/* ---- the set (parse.c) ---- */
struct tmpl_slot {
	struct ident name;
	struct tree *tree;
};

struct arc_tpl_set {
	struct arc_tpl_options opt;
	struct arena arena;
	struct tmpl_slot *slots; /* open addressing; name.s == NULL = empty */
	size_t cap, count;
	struct arc_tpl_set *parent; /* a throw-away copy (tpl) reads through to its parent */
	size_t out_total;           /* bytes its executions wrote (ARC_TPL_MAX_OUTPUT, func.h) */
};

/* a throw-away copy of PARENT for tpl: new definitions stay in the copy */
struct arc_tpl_set *tpl_set_overlay(struct arc_tpl_set *parent);
/* look NAME up in the set and its parents; NULL when not defined */
struct tree *tpl_set_lookup(struct arc_tpl_set *set, const char *name, size_t len);
/* parse TEXT as NAME into SET; *top receives the top-level tree (may be empty) */
int tpl_parse(struct arc_tpl_set *set, const char *name, size_t nlen, const char *text, size_t len,
	      struct tree **top);

/* Go's complex128 constants (1i, 1+2i): an object printing as (1+2i) (exec.c) */
arc_value *tpl_complex_new(double re, double im);
int tpl_complex_get(const arc_value *v, double *re, double *im);

/* The map or list behind an object that is a Go map or slice type with methods
 * (engine.files): its class's lookup answers the name "" with it.  A new
 * reference, or NULL for other objects and values. */
arc_value *tpl_container(arc_value *v);
/* Go's truth of a value (objects: complex numbers and containers by content) */
int tpl_truth(arc_value *v);

/* Go's maximum depths */
#define TPL_MAX_PARSE_DEPTH 10000
#define TPL_MAX_EXEC_DEPTH 100000
/* Helm's include recursion limit per template name */
#define TPL_MAX_INCLUDE 1000

/* ---- running on a large stack (exec.c) ----
 * Go's goroutine stacks grow to 1 GB; deep but legal templates (100000
 * nested {{template}} calls) need more than a C thread's default stack, so
 * parsing and execution run on a thread with a large stack.  Nested calls
 * run in place.  tpl_stack_low() is true when less than a safety margin is
 * left: recursive code then fails cleanly instead of crashing. */
int tpl_run_big(int (*fn)(void *), void *arg);
int tpl_stack_low(void);

#endif
