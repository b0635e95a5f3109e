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

/* merged, sorted table lookup (funcs.c) */
const struct arc_tpl_func *arc_tpl_func_find(const char *name);

#endif
