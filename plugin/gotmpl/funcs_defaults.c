/*
 * funcs_defaults.c - Sprig's defaults and flow functions: default empty
 * coalesce all any ternary.  (compact is with the lists, deepCopy with the
 * dicts, fail with Helm's functions.)
 *
 * Sprig's empty() is reflection on the zero value: nil, false, numeric 0,
 * and strings, lists and maps of length 0 are empty; structs (objects)
 * never are.  That is exactly the template truth rule negated.
 */
#include "funcs.h"

static int is_empty(const arc_value *v)
{
	return !arc_v_truthy(v);
}

/* default DEFAULT [GIVEN...]: only the first GIVEN counts */
static int fn_default(struct arc_tpl_call *c, arc_value **out)
{
	if (c->nargs < 2 || is_empty(c->args[1]))
		*out = arc_tpl_unconst(c->args[0]);
	else
		*out = arc_tpl_unconst(c->args[1]);
	return 0;
}

static int fn_empty(struct arc_tpl_call *c, arc_value **out)
{
	*out = arc_v_bool(is_empty(c->args[0]));
	return 0;
}

/* the first non-empty argument, else nil */
static int fn_coalesce(struct arc_tpl_call *c, arc_value **out)
{
	int i;
	for (i = 0; i < c->nargs; i++)
		if (!is_empty(c->args[i])) {
			*out = arc_tpl_unconst(c->args[i]);
			return 0;
		}
	*out = arc_v_null();
	return 0;
}

static int fn_all(struct arc_tpl_call *c, arc_value **out)
{
	int i;
	for (i = 0; i < c->nargs; i++)
		if (is_empty(c->args[i])) {
			*out = arc_v_bool(0);
			return 0;
		}
	*out = arc_v_bool(1);
	return 0;
}

static int fn_any(struct arc_tpl_call *c, arc_value **out)
{
	int i;
	for (i = 0; i < c->nargs; i++)
		if (!is_empty(c->args[i])) {
			*out = arc_v_bool(1);
			return 0;
		}
	*out = arc_v_bool(0);
	return 0;
}

/* ternary TRUE-VALUE FALSE-VALUE CONDITION: the condition must be a bool */
static int fn_ternary(struct arc_tpl_call *c, arc_value **out)
{
	int b, rc;
	if ((rc = arc_tpl_arg_bool(c, 2, &b)) < 0)
		return rc;
	*out = arc_tpl_unconst(c->args[b ? 0 : 1]);
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_defaults[] = {
	{ "all", fn_all, 0, -1 },
	{ "any", fn_any, 0, -1 },
	{ "coalesce", fn_coalesce, 0, -1 },
	{ "default", fn_default, 1, -1 },
	{ "empty", fn_empty, 1, 1 },
	{ "ternary", fn_ternary, 3, 3 },
	{ NULL, NULL, 0, 0 },
};
