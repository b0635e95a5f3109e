/*
 * template.h - Go text/template in C: parse named templates into a set,
 * execute one with a data value.
 *
 * Ownership: a set owns its parse trees (kept in an arena freed with the
 * set).  `data` is borrowed.  Output is appended to the caller's buffer.
 *
 * Errors are Go's texts exactly:
 *   parse:  "template: NAME:LINE: MESSAGE"
 *   exec:   "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: MESSAGE"
 * The library knows nothing of charts: Helm's extras (include, tpl, lookup,
 * required, fail …) are ordinary functions in funcs_helm.c that use the hooks
 * below.
 */
#ifndef ARC_GOTMPL_TEMPLATE_H
#define ARC_GOTMPL_TEMPLATE_H

#include "../value/value.h"
#include "func.h"

struct arc_tpl_set;

/*
 * Objects (ARC_OBJECT, value.h) in templates: `.Name` and `.Name args` call the
 * class's lookup; ARC_E_NOTFOUND becomes Go's "can't evaluate field Name in type
 * T".  An object that is a Go map or slice type with methods (Helm's
 * engine.files) answers lookup of the empty name "" with its map or list: range,
 * len, index and truth then use that container.
 */

/* Helm's template set is template.New("gotpl"): the name Go's errors give the set */
#define ARC_TPL_ROOT_NAME "gotpl"

/* A callback the command installs for Helm's `lookup`: returns a new reference
 * (a map; empty map when not found or not connected). */
typedef int (*arc_tpl_lookup_fn)(void *ctx, const char *apiversion, const char *kind,
				 const char *ns, const char *name, arc_value **out);

/* Size budgets: ARC_TPL_MAX_VALUE, ARC_TPL_MAX_ITEMS, ARC_TPL_MAX_OUTPUT (func.h). */
struct arc_tpl_options {
	int missingkey_error;     /* 0: Go's missingkey=zero / default (Helm); 1: missingkey=error (--strict) */
	arc_tpl_lookup_fn lookup; /* may be NULL: lookup returns an empty map */
	void *lookup_ctx;
	size_t max_output;        /* bytes one execution may write; 0 = ARC_TPL_MAX_OUTPUT */
};

struct arc_tpl_set *arc_tpl_set_new(const struct arc_tpl_options *opt);
void arc_tpl_set_free(struct arc_tpl_set *set);

/* Parse `text` as the template NAME, adding its {{define}}s to the set.
 * Go's rules: a redefinition with an empty body does not replace a non-empty one. */
int arc_tpl_parse(struct arc_tpl_set *set, const char *name, const char *text, size_t len);

/* Does the set hold a template called NAME? */
int arc_tpl_has(struct arc_tpl_set *set, const char *name);

/* Execute template NAME with dot = data, appending to out.  A NAME not in the
 * set is ARC_E_NOTFOUND ("template: no template \"x\" associated with template
 * \"gotpl\""); execution errors are ARC_E_EXEC with Go's full text.  Parsing
 * and execution run on a thread with a large stack (Go's stacks grow to 1 GB). */
int arc_tpl_execute(struct arc_tpl_set *set, const char *name, arc_value *data, struct arc_buf *out);

/* ---- hooks for functions running inside an execution ---- */
struct arc_tpl_set *arc_tpl_exec_set(struct arc_tpl_exec *ex);
const struct arc_tpl_options *arc_tpl_exec_options(struct arc_tpl_exec *ex);
/* Execute another template by name from inside a function (include), with
 * Helm's limit of 1000 nested includes of one name.  Any failure is ARC_E_CALL
 * with the message Go's ExecuteTemplate gives (a full "template: ..." text), so
 * include can return it as is and the executor prefixes "error calling include: ". */
int arc_tpl_exec_include(struct arc_tpl_exec *ex, const char *name, arc_value *data, struct arc_buf *out);
/* Parse `text` as a template named `name` in a throw-away copy of the set and
 * execute it (tpl): defines in `text` are visible only to this execution.
 * Returns ARC_E_PARSE with Go's parse error ("template: gotpl:1: ...") or
 * ARC_E_EXEC with Go's execution error; Helm's tpl wraps them ("cannot parse
 * template %q: ...", "error during tpl function execution for %q: ...").
 * Nothing is stripped from the output (Helm's tpl removes "<no value>" itself). */
int arc_tpl_exec_string(struct arc_tpl_exec *ex, const char *name, const char *text, size_t len,
			arc_value *data, struct arc_buf *out);
/* Name of the template being executed (for Helm's error rewriting) */
const char *arc_tpl_exec_name(struct arc_tpl_exec *ex);

#endif
