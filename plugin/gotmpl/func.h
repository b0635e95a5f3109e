/*
 * func.h - how template functions are written and registered.
 *
 * A function receives its evaluated arguments (borrowed) and returns a new
 * reference in *out.  It returns:
 *   0            success
 *   ARC_E_CALL   failure; the executor reports Go's
 *                `executing "T" at <node>: error calling NAME: <message>`
 *   ARC_E_EXEC   failure; the message is reported as is after "at <node>: "
 *                (argument type errors: "wrong type for value; expected int; got float64")
 * with the message set by arc_error_set()/arc_error_code().
 *
 * Each funcs_<group>.c exports one table `arc_tpl_funcs_<group>[]`
 * terminated by an entry with name NULL; funcs.c merges them at start-up
 * into the single sorted table the parser and executor look names up in.
 */
#ifndef ARC_GOTMPL_FUNC_H
#define ARC_GOTMPL_FUNC_H

#include "../value/value.h"

struct arc_tpl_exec; /* executor state (exec.c) */

struct arc_tpl_call {
	struct arc_tpl_exec *ex; /* for include/tpl/lookup; never NULL during execution */
	const char *name;        /* the function name as called */
	int nargs;
	arc_value **args; /* borrowed */
	int bad_arg;      /* set by arc_tpl_arg_* to the index of a rejected argument (else -1):
			     Go reports argument errors at that argument's position */
};

typedef int (*arc_tpl_fn)(struct arc_tpl_call *c, arc_value **out);

struct arc_tpl_func {
	const char *name;
	arc_tpl_fn fn;
	int min, max; /* argument counts; max -1 = variadic */
};

/* ---- argument conversion, with Go's exact errors (return ARC_E_EXEC) ----
 * Go converts each argument to the function's parameter type:
 *   int param:    an int-kind value (int, int64, …) is accepted; float64 errors
 *                 "wrong type for value; expected int; got float64"; nil errors
 *                 "invalid value; expected int".
 *   string param: only strings; "wrong type for value; expected string; got int"
 *   bool, float64 params likewise.  interface{} params take anything. */
int arc_tpl_arg_int(struct arc_tpl_call *c, int i, int64_t *out);
int arc_tpl_arg_str(struct arc_tpl_call *c, int i, const char **out, size_t *len);
int arc_tpl_arg_bool(struct arc_tpl_call *c, int i, int *out);
int arc_tpl_arg_float(struct arc_tpl_call *c, int i, double *out);
/* a []interface{} param (a list value; []string lists too) */
int arc_tpl_arg_list(struct arc_tpl_call *c, int i, arc_value **out);
/* a map[string]interface{} param */
int arc_tpl_arg_map(struct arc_tpl_call *c, int i, arc_value **out);

/* ---- Sprig-style loose conversions (spf13/cast, as Sprig uses them) ---- */
int64_t arc_cast_int64(arc_value *v);   /* cast.ToInt64: floats truncate, strings ParseInt(s,0), bad → 0 */
double arc_cast_float64(arc_value *v);  /* cast.ToFloat64 */
/* Sprig's strval: string as is, []byte as string, error.Error(), else %v; appended to b */
void arc_cast_str(struct arc_buf *b, arc_value *v);

/*
 * Size budgets.  A template can build values that grow exponentially:
 * `$s = print $s $s` or `$l = concat $l $l` in a loop, toYaml of a dict that
 * holds one dict twice at every level.  Helm runs out of memory or hangs on
 * them; this engine refuses with an ordinary execution error that names the
 * template and position:
 *   template: NAME:L:C: executing "NAME" at <print $s $s>: error calling print:
 *   result too large: more than 67108864 bytes in one value
 * The limits are far above what real charts use (the largest render a few
 * MiB in all; the limits on chart files and values files are 5 and 64 MiB):
 *   ARC_TPL_MAX_VALUE   bytes of one string a function returns (print, cat,
 *                       join, replace, repeat, toYaml, toJson, include, tpl …)
 *                       and of any %v printing; the encoders stop as soon as
 *                       they pass it, so shared structures cannot hang them
 *   ARC_TPL_MAX_ITEMS   elements of one list or map a function returns
 *                       (concat, append, until, splitList …)
 *   ARC_TPL_MAX_OUTPUT  bytes one execution writes when max_output is 0 ("output
 *                       exceeds the maximum size (N bytes)"), and bytes all
 *                       executions of one set write together, one chart render
 *                       ("output of all templates exceeds …"); include and tpl
 *                       write at most ARC_TPL_MAX_VALUE (their result is a value)
 */
#define ARC_TPL_MAX_VALUE ((size_t)64 << 20)
#define ARC_TPL_MAX_ITEMS ((size_t)10000000)
#define ARC_TPL_MAX_OUTPUT ((size_t)256 << 20)

/* ---- size budgets for functions ----
 * The executor refuses any result over ARC_TPL_MAX_VALUE bytes or
 * ARC_TPL_MAX_ITEMS elements after a function returns, so a function may
 * stop building a list one element past the limit.  A function whose result
 * can be much larger than its arguments (a product or a sum of sizes, or a
 * printing of shared containers) must not build it: it bounds its buffer
 * with arc_tpl_buf_bound() (the codecs stop once a bounded buffer is full,
 * codec.h), refuses when the buffer's `over` is set, or computes the size
 * first.  The errors are ARC_E_CALL: "result too large: more than N bytes in
 * one value" / "… N elements in one list or map". */
void arc_tpl_buf_bound(struct arc_buf *b);
int arc_tpl_err_too_large(void);
int arc_tpl_err_too_many(void);

/* merged, sorted table lookup (funcs.c) */
const struct arc_tpl_func *arc_tpl_func_find(const char *name);

#endif
