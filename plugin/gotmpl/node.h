/*
 * node.h - parse tree nodes of the template engine (private to gotmpl/).
 *
 * Every node, name and string lives in the arena of the set that parsed
 * it and is freed with the set; nothing here is reference counted except
 * the literal values cached in number and string nodes (`val`), which the
 * arena releases when it is freed.  The node kinds and their printed forms
 * (node_string()) follow Go's text/template/parse, because Go's error
 * messages quote nodes: `executing "x" at <.Values.a.b>`.
 */
#ifndef ARC_GOTMPL_NODE_H
#define ARC_GOTMPL_NODE_H

#include <stddef.h>
#include <stdint.h>

#include "../value/value.h"
#include "func.h"

enum node_type {
	NODE_TEXT,
	NODE_ACTION,
	NODE_BOOL,
	NODE_CHAIN,
	NODE_COMMAND,
	NODE_DOT,
	NODE_FIELD,
	NODE_IDENTIFIER,
	NODE_IF,
	NODE_LIST,
	NODE_NIL,
	NODE_NUMBER,
	NODE_PIPE,
	NODE_RANGE,
	NODE_STRING,
	NODE_TEMPLATE,
	NODE_VARIABLE,
	NODE_WITH,
	NODE_COMMENT,
	NODE_BREAK,
	NODE_CONTINUE,
	NODE_END, /* only while parsing */
	NODE_ELSE /* only while parsing */
};

struct tree;

/* the common head of every node (16 bytes) */
struct node {
	uint8_t type;
	uint32_t pos; /* byte offset in the tree's text (texts are below 4 GiB: tpl_parse) */
	struct tree *tr;
};

/* a name with its length (names may not be NUL-free in theory; they are in practice) */
struct ident {
	const char *s;
	size_t len;
};

struct node_list {
	struct node n;
	struct node **nodes;
	size_t len, cap;
};

struct node_text {
	struct node n;
	const char *text; /* points into the tree's text */
	size_t len;
};

struct node_comment {
	struct node n;
	const char *text;
	size_t len;
};

struct node_command {
	struct node n;
	struct node **args;
	size_t len, cap;
};

struct node_variable {
	struct node n;
	struct ident *idents; /* "$x", then fields */
	size_t nident;
};

struct node_pipe {
	struct node n;
	int line;
	int is_assign;
	struct node_variable **decl;
	size_t ndecl, decl_cap;
	struct node_command **cmds;
	size_t ncmd, cmd_cap;
};

struct node_action {
	struct node n;
	int line;
	struct node_pipe *pipe;
};

struct node_identifier {
	struct node n;
	struct ident name;
	const struct arc_tpl_func *fn; /* resolved at parse time */
};

struct node_field {
	struct node n;
	struct ident *idents; /* without the dots */
	size_t nident;
};

struct node_chain {
	struct node n;
	struct node *node; /* the term */
	struct ident *fields;
	size_t nfield, cap;
};

struct node_bool {
	struct node n;
	int val;
};

struct node_number {
	struct node n;
	const char *text; /* as written */
	size_t len;
	unsigned is_int : 1, is_uint : 1, is_float : 1, is_complex : 1;
	int64_t i64;
	uint64_t u64;
	double f64;
	double re, im; /* complex value */
	arc_value *val; /* Go's "ideal constant" value with ARC_VF_CONST, or NULL if it overflows int */
};

struct node_string {
	struct node n;
	const char *quoted; /* original text with quotes */
	size_t qlen;
	arc_value *val; /* unquoted, ARC_VF_CONST */
};

/* if, range, with */
struct node_branch {
	struct node n;
	int line;
	struct node_pipe *pipe;
	struct node_list *list;
	struct node_list *else_list; /* may be NULL */
};

struct node_template {
	struct node n;
	int line;
	struct ident name;
	struct node_pipe *pipe; /* may be NULL */
};

/* one parsed template */
struct tree {
	struct ident name;       /* template name */
	struct ident parse_name; /* name of the top-level template being parsed (for errors) */
	const char *text;        /* the whole text parsed (arena copy) */
	size_t text_len;
	struct node_list *root;
};

/* Go's String() of a node, appended to b */
void arc_tpl_node_string(struct arc_buf *b, struct node *n);
/* Go's IsEmptyTree */
int arc_tpl_node_is_empty(struct node *n);

#endif
