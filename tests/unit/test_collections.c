/* test_collections.c - Sprig's list, dict, defaults, reflection and path
 * functions called directly (funcs_lists.c, funcs_dicts.c,
 * funcs_defaults.c, funcs_reflect.c, funcs_paths.c).  Expected texts are
 * what helm v4.1.4 printed for the same calls (see
 * tests/conformance/cases/{lists,dicts,defaults,reflect,paths}.test). */
#include "tap.h"
#include "gotmpl/funcs.h"
#include "value/codec.h"

#include <math.h>
#include <stdlib.h>

static const struct arc_tpl_func *const mine[] = {
	arc_tpl_funcs_lists, arc_tpl_funcs_dicts, arc_tpl_funcs_defaults,
	arc_tpl_funcs_reflect, arc_tpl_funcs_paths,
};

static const struct arc_tpl_func *find(const char *name)
{
	size_t g, i;
	for (g = 0; g < ARC_ARRAY_LEN(mine); g++)
		for (i = 0; mine[g][i].name; i++)
			if (!strcmp(mine[g][i].name, name))
				return &mine[g][i];
	return NULL;
}

/* literal helpers: each returns a new reference */
static arc_value *S(const char *s)
{
	arc_value *v = arc_v_str(s);
	v->flags |= ARC_VF_CONST;
	return v;
}

static arc_value *I(int64_t i)
{
	arc_value *v = arc_v_int(i);
	v->flags |= ARC_VF_CONST;
	return v;
}

static arc_value *F(double f) { return arc_v_float(f); }

/* a list of the given items (consumed), terminated by NULL */
static arc_value *L(arc_value *first, ...)
{
	arc_value *l = arc_v_list(), *v;
	va_list ap;
	va_start(ap, first);
	for (v = first; v; v = va_arg(ap, arc_value *))
		arc_v_list_push(l, v);
	va_end(ap);
	return l;
}

/* a map of key/value pairs (values consumed), terminated by NULL */
static arc_value *M(const char *k, ...)
{
	arc_value *m = arc_v_map();
	va_list ap;
	va_start(ap, k);
	while (k) {
		arc_v_map_set(m, k, va_arg(ap, arc_value *));
		k = va_arg(ap, const char *);
	}
	va_end(ap);
	return m;
}

static char result[4096];
static int last_bad_arg; /* bad_arg of the last call() */

/* Call NAME with the args (consumed, NULL-terminated); put "%v" of the
 * result, or "ERR <message>" into `result`, and return it. */
static const char *call(const char *name, ...)
{
	const struct arc_tpl_func *f = find(name);
	arc_value *args[16], *out = NULL;
	struct arc_tpl_call c;
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	int n = 0, i, rc;

	va_start(ap, name);
	while (n < 16 && (args[n] = va_arg(ap, arc_value *)) != NULL)
		n++;
	va_end(ap);
	if (!f) {
		snprintf(result, sizeof(result), "NOFUNC %s", name);
		goto done;
	}
	if (n < f->min || (f->max >= 0 && n > f->max)) {
		snprintf(result, sizeof(result), "NARGS");
		goto done;
	}
	c.ex = NULL;
	c.name = name;
	c.nargs = n;
	c.args = args;
	c.bad_arg = -1;
	rc = f->fn(&c, &out);
	last_bad_arg = c.bad_arg;
	if (rc < 0) {
		snprintf(result, sizeof(result), "ERR %s", arc_error_last());
	} else {
		arc_fmt_v(&b, out);
		snprintf(result, sizeof(result), "%s", arc_buf_cstr(&b));
		arc_buf_release(&b);
		arc_v_unref(out);
	}
done:
	for (i = 0; i < n; i++)
		arc_v_unref(args[i]);
	return result;
}

/* call and return the Go type of the result */
static const char *type_of(const char *name, arc_value *a, arc_value *b)
{
	const struct arc_tpl_func *f = find(name);
	arc_value *args[2] = { a, b }, *out = NULL;
	struct arc_tpl_call c = { NULL, name, b ? 2 : 1, args, -1 };
	if (f->fn(&c, &out) < 0)
		snprintf(result, sizeof(result), "ERR %s", arc_error_last());
	else
		snprintf(result, sizeof(result), "%s", arc_v_gotype_name(out));
	arc_v_unref(out);
	arc_v_unref(a);
	arc_v_unref(b);
	return result;
}

static arc_value *strlist(const char *a, const char *b)
{
	arc_value *l = L(arc_v_str(a), arc_v_str(b), NULL);
	l->gotype = ARC_GO_STRINGS;
	return l;
}

#define NIL arc_v_null()
#define NIL_DEREF "ERR runtime error: invalid memory address or nil pointer dereference"
#define MAP_WANTED_GOT(t) "ERR wrong type for value; expected map[string]interface {}; got " t
#define CONVERSION(is, want) "ERR interface conversion: interface {} is " is ", not " want

static void test_lists(void)
{
	CHECK_STR(call("list", I(1), S("a"), NIL, F(2.5), arc_v_bool(1), NULL), "[1 a <nil> 2.5 true]",
		  "list");
	CHECK_STR(call("tuple", NULL), "[]", "empty tuple");
	CHECK_STR(call("append", L(I(1), I(2), NULL), I(3), NULL), "[1 2 3]", "append");
	CHECK_STR(call("mustPush", L(I(1), NULL), L(I(2), I(3), NULL), NULL), "[1 [2 3]]", "push a list");
	CHECK_STR(call("append", S("abc"), I(1), NULL), "ERR Cannot push on type string", "append on string");
	CHECK_STR(call("push", M(NULL), I(1), NULL), "ERR Cannot push on type map", "push on map");
	CHECK_STR(call("append", NIL, I(1), NULL), NIL_DEREF, "append on nil");
	CHECK_STR(type_of("append", strlist("a", "b"), S("c")), "[]interface {}",
		  "append gives []interface {}");
	CHECK_STR(call("prepend", L(I(1), I(2), NULL), I(0), NULL), "[0 1 2]", "prepend");
	CHECK_STR(call("mustPrepend", arc_v_bool(1), I(1), NULL), "ERR Cannot prepend on type bool",
		  "prepend bool");

	CHECK_STR(call("first", L(I(3), I(4), NULL), NULL), "3", "first");
	CHECK_STR(call("first", L(NULL), NULL), "<nil>", "first of empty is nil");
	CHECK_STR(call("mustFirst", S("abc"), NULL), "ERR Cannot find first on type string",
		  "first on string");
	CHECK_STR(call("first", F(1), NULL), "ERR Cannot find first on type float64", "first on float");
	CHECK_STR(call("first", NIL, NULL), NIL_DEREF, "first on nil");
	CHECK_STR(call("last", L(I(3), I(4), I(5), NULL), NULL), "5", "last");
	CHECK_STR(call("mustLast", I(1), NULL), "ERR Cannot find last on type int", "last on int");
	CHECK_STR(call("rest", L(I(1), I(2), I(3), NULL), NULL), "[2 3]", "rest");
	CHECK_STR(call("rest", L(NULL), NULL), "[]", "rest of empty");
	CHECK_STR(call("initial", L(I(1), I(2), I(3), NULL), NULL), "[1 2]", "initial");
	CHECK_STR(call("mustInitial", M(NULL), NULL), "ERR Cannot find initial on type map",
		  "initial on map");
	CHECK_STR(call("reverse", L(I(1), I(2), I(3), NULL), NULL), "[3 2 1]", "reverse");
	CHECK_STR(call("reverse", strlist("a", "b"), NULL), "[b a]", "reverse []string");

	CHECK_STR(call("uniq", L(I(1), I(2), I(1), I(3), I(2), NULL), NULL), "[1 2 3]", "uniq");
	CHECK_STR(call("uniq", L(I(1), S("1"), F(1), I(1), NULL), NULL), "[1 1 1]", "uniq is type sensitive");
	CHECK_STR(call("uniq", L(L(I(1), NULL), L(I(1), NULL), M("a", I(1), NULL), M("a", I(1), NULL), NULL),
		       NULL), "[[1] map[a:1]]", "uniq compares deeply");
	CHECK_STR(call("without", L(I(1), I(2), I(3), I(2), I(1), NULL), I(2), NULL), "[1 3 1]", "without");
	CHECK_STR(call("without", L(I(1), I(2), I(3), I(4), NULL), I(1), I(3), NULL), "[2 4]",
		  "without several");
	CHECK_STR(call("mustWithout", I(3), I(3), NULL), "ERR Cannot find without on type int",
		  "without on int");
	CHECK_STR(call("has", I(2), L(I(1), I(2), NULL), NULL), "true", "has");
	CHECK_STR(call("has", I(3), L(F(1), F(3), NULL), NULL), "false", "has int in floats");
	CHECK_STR(call("has", I(1), NIL, NULL), "false", "has on nil");
	CHECK_STR(call("mustHas", S("a"), S("abc"), NULL), "ERR Cannot find has on type string",
		  "has on string");
	CHECK_STR(call("has", NIL, L(I(1), NIL, NULL), NULL), "true", "has nil");

	CHECK_STR(call("slice", L(I(1), I(2), I(3), I(4), NULL), I(1), I(3), NULL), "[2 3]", "slice");
	CHECK_STR(call("slice", L(I(1), I(2), I(3), I(4), NULL), I(2), NULL), "[3 4]", "slice from");
	CHECK_STR(call("slice", L(I(1), I(2), I(3), NULL), NULL), "[1 2 3]", "slice all");
	CHECK_STR(call("slice", L(NULL), NULL), "<nil>", "slice of empty is nil");
	CHECK_STR(call("slice", L(I(1), I(2), I(3), I(4), NULL), F(1.9), S("3"), NULL), "[2 3]",
		  "slice casts");
	CHECK_STR(call("mustSlice", L(I(1), I(2), I(3), NULL), I(1), I(5), NULL),
		  "ERR reflect.Value.Slice: slice index out of bounds", "slice past end");
	CHECK_STR(call("slice", L(I(1), I(2), I(3), NULL), I(2), I(1), NULL),
		  "ERR reflect.Value.Slice: slice index out of bounds", "slice reversed");
	CHECK_STR(call("slice", L(I(1), NULL), I(-1), NULL),
		  "ERR reflect.Value.Slice: slice index out of bounds", "slice negative");
	CHECK_STR(call("slice", S("abc"), I(1), NULL), "ERR list should be type of slice or array but string",
		  "slice on string");
	CHECK_STR(type_of("slice", strlist("a", "b"), I(1)), "[]string", "slice keeps []string");

	CHECK_STR(call("concat", L(I(1), I(2), NULL), L(NULL), strlist("a", "b"), NULL), "[1 2 a b]",
		  "concat");
	CHECK_STR(call("concat", NULL), "[]", "concat nothing");
	CHECK_STR(call("concat", L(I(1), NULL), S("a"), NULL), "ERR Cannot concat type string as list",
		  "concat string");
	CHECK_STR(call("concat", NIL, NULL), NIL_DEREF, "concat nil");

	CHECK_STR(call("chunk", I(2), L(I(1), I(2), I(3), I(4), I(5), NULL), NULL), "[[1 2] [3 4] [5]]",
		  "chunk");
	CHECK_STR(call("chunk", I(2), L(I(1), I(2), I(3), I(4), NULL), NULL), "[[1 2] [3 4]]", "chunk even");
	CHECK_STR(call("chunk", I(10), L(I(1), I(2), NULL), NULL), "[[1 2]]", "chunk big");
	CHECK_STR(call("chunk", I(3), L(NULL), NULL), "[]", "chunk empty");
	CHECK_STR(call("chunk", I(0), L(I(1), NULL), NULL), "ERR runtime error: makeslice: len out of range",
		  "chunk zero");
	CHECK_STR(call("chunk", I(-1), L(I(1), I(2), I(3), NULL), NULL),
		  "ERR runtime error: makeslice: len out of range", "chunk negative");
	CHECK_STR(call("chunk", I(-2), L(I(1), NULL), NULL), "[[1]]", "chunk negative quirk");
	CHECK_STR(call("mustChunk", I(2), S("abc"), NULL), "ERR Cannot chunk type string", "chunk string");
	CHECK_STR(call("chunk", F(2), L(NULL), NULL), "ERR wrong type for value; expected int; got float64",
		  "chunk float size");

	CHECK_STR(call("compact", L(I(1), I(0), S(""), NIL, arc_v_bool(0), S("a"), L(NULL), M(NULL), F(0),
				    arc_v_bool(1), NULL), NULL),
		  "[1 a true]", "compact");
	CHECK_STR(call("mustCompact", S("abc"), NULL), "ERR Cannot compact on type string", "compact string");
	{
		/* literals stored in a list lose their literal mark */
		arc_value *args[2] = { I(7), S("x") }, *out = NULL;
		struct arc_tpl_call c = { NULL, "list", 2, args, -1 };
		CHECK(find("list")->fn(&c, &out) == 0 && !(arc_v_list_at(out, 0)->flags & ARC_VF_CONST) &&
			      !(arc_v_list_at(out, 1)->flags & ARC_VF_CONST) && arc_v_list_at(out,
											      0)->u.i == 7,
		      "list elements are not literals");
		arc_v_unref(out);
		arc_v_unref(args[0]);
		arc_v_unref(args[1]);
	}
	{
		/* []byte is a slice too */
		arc_value *bytes = arc_v_str("hi");
		bytes->gotype = ARC_GO_BYTES;
		CHECK_STR(call("first", bytes, NULL), "104", "first of []byte");
	}
}

static void test_dicts(void)
{
	arc_value *d, *vals;
	const struct arc_tpl_func *set = find("set");

	CHECK_STR(call("dict", S("a"), I(1), S("b"), S("x"), NULL), "map[a:1 b:x]", "dict");
	CHECK_STR(call("dict", S("a"), I(1), S("b"), NULL), "map[a:1 b:]", "dict odd");
	CHECK_STR(call("dict", I(1), S("one"), F(2.5), S("f"), NIL, S("n"), NULL), "map[1:one 2.5:f <nil>:n]",
		  "dict keys via %v");
	CHECK_STR(call("get", M("a", I(1), NULL), S("a"), NULL), "1", "get");
	CHECK_STR(type_of("get", M(NULL), S("b")), "string", "get missing is a string");
	CHECK_STR(call("get", NIL, S("a"), NULL), "", "get on nil map");
	CHECK_STR(call("get", S("abc"), S("a"), NULL),
		  "ERR can't handle \"abc\" for arg of type map[string]interface {}",
		  "get on literal string");
	CHECK(last_bad_arg == 0, "the map argument is the culprit");
	CHECK_STR(call("get", M(NULL), I(1), NULL), "ERR expected string; found 1", "get int key");
	CHECK(last_bad_arg == 1, "the key argument is the culprit");
	{
		arc_value *nil = arc_v_map();
		nil->kind = ARC_NULL; /* a nil interface{} as the executor makes it */
		nil->flags = ARC_VF_NILIFACE;
		CHECK_STR(call("hasKey", nil, S("a"), NULL), MAP_WANTED_GOT("interface {}"),
			  "hasKey of a missing field");
	}
	CHECK_STR(call("hasKey", M("a", NIL, NULL), S("a"), NULL), "true", "hasKey nil value");
	CHECK_STR(call("hasKey", NIL, S("a"), NULL), "false", "hasKey nil map");
	CHECK_STR(call("hasKey", L(NULL), S("a"), NULL), MAP_WANTED_GOT("[]interface {}"), "hasKey list");

	/* set and unset mutate in place */
	d = M("a", I(1), NULL);
	{
		arc_value *args[3] = { d, S("b"), I(2) }, *out = NULL;
		struct arc_tpl_call c = { NULL, "set", 3, args, -1 };
		CHECK(set->fn(&c, &out) == 0 && out == d, "set returns the same map");
		arc_v_unref(out);
		arc_v_unref(args[1]);
		arc_v_unref(args[2]);
	}
	CHECK(arc_v_map_len(d) == 2 && arc_v_map_get(d, "b"), "set added the key");
	arc_v_ref(d);
	CHECK_STR(call("unset", d, S("a"), NULL), "map[b:2]", "unset");
	CHECK(arc_v_map_len(d) == 1, "unset removed in place");
	arc_v_unref(d);
	CHECK_STR(call("set", NIL, S("a"), I(1), NULL), "ERR assignment to entry in nil map", "set nil map");
	CHECK_STR(call("unset", NIL, S("a"), NULL), "map[]", "unset nil map");
	{
		arc_value *k = arc_v_strn("a\0b", 3);
		d = M("x", I(1), NULL);
		arc_v_map_setn(d, "a\0b", 3, I(2));
		arc_v_map_set(d, "y", I(3));
		k->flags |= ARC_VF_CONST;
		CHECK_STR(call("unset", arc_v_ref(d), k, NULL), "map[x:1 y:3]", "unset a key holding NUL");
		CHECK(arc_v_map_len(d) == 2, "NUL key removed in place");
		arc_v_unref(d);
	}

	CHECK_STR(call("pluck", S("a"), M("a", I(1), NULL), M("b", I(2), NULL), M("a", I(3), NULL), NULL),
		  "[1 3]",
		  "pluck");
	CHECK_STR(call("keys", M("a", I(1), NULL), M("a", I(2), NULL), NULL), "[a a]",
		  "keys keeps duplicates");
	CHECK_STR(type_of("keys", M(NULL), NULL), "[]string", "keys is []string");
	CHECK_STR(call("values", M("a", I(1), NULL), NULL), "[1]", "values");
	CHECK_STR(call("pick", M("a", I(1), "b", I(2), "c", I(3), NULL), S("a"), S("c"), S("z"), NULL),
		  "map[a:1 c:3]", "pick");
	CHECK_STR(call("omit", M("a", I(1), "b", I(2), "c", I(3), NULL), S("a"), S("z"), NULL),
		  "map[b:2 c:3]",
		  "omit");

	/* Helm's .Values is accepted where a map[string]interface{} is wanted */
	vals = M("a", F(1), NULL);
	vals->gotype = ARC_GO_VALUES;
	CHECK_STR(call("hasKey", arc_v_ref(vals), S("a"), NULL), "true", "hasKey on Values");
	{
		char want[200];
		snprintf(want, sizeof(want),
			 "ERR interface conversion: interface {} is %s, not map[string]interface {}",
			 arc_v_gotype_name(vals));
		CHECK_STR(call("dig", S("a"), S("d"), arc_v_ref(vals), NULL), want, "dig refuses Values");
	}
	CHECK_STR(type_of("deepCopy", arc_v_ref(vals), NULL), arc_v_gotype_name(vals),
		  "deepCopy keeps Values");
	arc_v_unref(vals);

	/* merge */
	CHECK_STR(call("merge", M("a", I(1), NULL), M("a", I(2), "b", I(3), NULL), NULL), "map[a:1 b:3]",
		  "merge");
	CHECK_STR(call("merge", M(NULL), M("a", I(1), NULL), M("a", I(2), "b", I(2), NULL), NULL),
		  "map[a:1 b:2]", "merge first source wins");
	CHECK_STR(call("merge",
		       M("a", S(""), "b", I(0), "c", arc_v_bool(0), "d", NIL, "e", L(NULL),
			 "f", M(NULL), NULL),
		       M("a", S("A"), "b", I(1), "c", arc_v_bool(1), "d", S("D"), "e", L(I(1), NULL),
			 "f", M("x", I(1), NULL), NULL),
		       NULL),
		  "map[a:A b:1 c:true d:D e:[1] f:map[x:1]]", "merge replaces zero values");
	CHECK_STR(call("merge", M("a", I(1), NULL), M("a", NIL, "b", NIL, NULL), NULL), "map[a:1]",
		  "merge skips nil");
	CHECK_STR(call("merge", M("a", I(1), NULL), M("a", S(""), "b", S(""), "c", I(0), NULL), NULL),
		  "map[a:1 b: c:0]", "merge adds empty values for missing keys");
	CHECK_STR(call("merge", M("m", M("a", I(1), "n", M("x", I(1), NULL), NULL), NULL),
		       M("m", M("a", I(2), "b", I(3), "n", M("y", I(2), NULL), NULL), NULL), NULL),
		  "map[m:map[a:1 b:3 n:map[x:1 y:2]]]", "merge nested");
	CHECK_STR(call("merge", M("a", S("x"), NULL), M("a", M("b", I(1), NULL), NULL), NULL), "map[a:x]",
		  "merge map over scalar");
	CHECK_STR(call("merge", M("l", L(I(1), I(2), NULL), NULL), M("l", L(I(3), NULL), NULL), NULL),
		  "map[l:[1 2]]", "merge keeps lists");
	CHECK_STR(call("merge", NIL, M("a", I(1), NULL), NULL), "map[a:1]", "merge nil dst");
	CHECK_STR(call("mergeOverwrite",
		       M("a", I(1), "b", S("x"), "c", arc_v_bool(1), "d", L(I(1), NULL), NULL),
		       M("a", I(0), "b", S(""), "c", arc_v_bool(0), "d", L(NULL), NULL), NULL),
		  "map[a:0 b: c:false d:[]]", "mergeOverwrite with empty values");
	CHECK_STR(call("mergeOverwrite", M("a", I(1), "m", M("x", I(1), NULL), NULL),
		       M("a", NIL, "m", NIL, NULL), NULL),
		  "map[a:<nil> m:<nil>]", "mergeOverwrite with nil");
	CHECK_STR(call("mergeOverwrite", M("a", M("b", I(1), NULL), NULL), M("a", M(NULL), NULL), NULL),
		  "map[a:map[b:1]]", "mergeOverwrite keeps a map under an empty one");
	CHECK_STR(call("mergeOverwrite", M("a", M("b", I(1), NULL), NULL), M("a", S("x"), NULL), NULL),
		  "map[a:x]", "mergeOverwrite scalar over map");
	CHECK_STR(call("merge", M(NULL), L(NULL), NULL), MAP_WANTED_GOT("[]interface {}"), "merge list");
	{
		/* a map that contains itself: bounded, no crash */
		arc_value *a = M(NULL), *b = M(NULL);
		arc_v_map_set(a, "self", arc_v_ref(a));
		arc_v_map_set(b, "self", arc_v_ref(b));
		CHECK(strncmp(call("merge", arc_v_ref(a), arc_v_ref(b), NULL), "ERR", 3) == 0,
		      "merge of cyclic maps fails cleanly");
		CHECK(strncmp(call("deepCopy", arc_v_ref(a), NULL), "ERR", 3) == 0,
		      "deepCopy of a cycle fails");
		CHECK(arc_tpl_deep_equal(a, b), "deepEqual of cycles terminates");
		CHECK_STR(call("mergeOverwrite", arc_v_ref(b), arc_v_ref(b), NULL),
			  "ERR merge: maps nested deeper than 10000 levels",
			  "merge a cycle into itself");
		arc_v_map_del(a, "self");
		arc_v_map_del(b, "self");
		arc_v_unref(a);
		arc_v_unref(b);
	}

	{
		/* dst and src sharing maps */
		arc_value *a = M("k", M("k", I(1), NULL), NULL);
		CHECK_STR(call("mergeOverwrite", arc_v_ref(a), arc_v_ref(a), NULL), "map[k:map[k:1]]",
			  "mergeOverwrite a map into itself");
		CHECK_STR(call("merge", arc_v_ref(arc_v_map_get(a, "k")), arc_v_ref(a), NULL), "map[k:1]",
			  "merge a map into its child");
		arc_v_unref(a);
	}

	/* dig */
	CHECK_STR(call("dig", S("a"), S("b"), S("def"), M("a", M("b", S("x"), NULL), NULL), NULL), "x",
		  "dig");
	CHECK_STR(call("dig", S("a"), S("z"), S("def"), M("a", M("b", S("x"), NULL), NULL), NULL), "def",
		  "dig default");
	CHECK_STR(call("dig", S("a"), S("b"), S("def"), M("a", S("x"), NULL), NULL),
		  CONVERSION("string", "map[string]interface {}"), "dig through string");
	CHECK_STR(call("dig", S("a"), S("b"), S("def"), M("a", NIL, NULL), NULL),
		  CONVERSION("nil", "map[string]interface {}"), "dig through nil");
	CHECK_STR(call("dig", I(1), S("def"), M(NULL), NULL),
		  CONVERSION("int", "string"), "dig int key");
	CHECK_STR(call("dig", S("a"), M(NULL), NULL), "ERR dig needs at least three arguments",
		  "dig two args");

	/* deepCopy */
	d = M("a", M("b", I(1), NULL), NULL);
	{
		const struct arc_tpl_func *f = find("deepCopy");
		arc_value *args[1] = { d }, *out = NULL;
		struct arc_tpl_call c = { NULL, "deepCopy", 1, args, -1 };
		CHECK(f->fn(&c, &out) == 0 && out != d && arc_tpl_deep_equal(out, d),
		      "deepCopy is equal, not same");
		arc_v_map_set(arc_v_map_get(out, "a"), "b", I(2));
		CHECK(arc_v_map_get(arc_v_map_get(d, "a"), "b")->u.i == 1, "deepCopy is independent");
		arc_v_unref(out);
	}
	arc_v_unref(d);
	CHECK_STR(call("mustDeepCopy", NIL, NULL), "ERR reflect: call of reflect.Value.Type on zero Value",
		  "deepCopy nil");
	CHECK_STR(type_of("deepCopy", strlist("a", "b"), NULL), "[]string", "deepCopy keeps []string");
}

static void test_defaults(void)
{
	CHECK_STR(call("default", S("d"), S(""), NULL), "d", "default empty string");
	CHECK_STR(call("default", S("d"), S("x"), NULL), "x", "default given");
	CHECK_STR(call("default", S("d"), I(0), NULL), "d", "default zero");
	CHECK_STR(call("default", S("d"), F(0), NULL), "d", "default zero float");
	CHECK_STR(call("default", S("d"), NIL, NULL), "d", "default nil");
	CHECK_STR(call("default", S("d"), L(NULL), NULL), "d", "default empty list");
	CHECK_STR(call("default", S("d"), L(I(0), NULL), NULL), "[0]", "default non-empty list");
	CHECK_STR(call("default", S("d"), NULL), "d", "default alone");
	CHECK_STR(call("default", S("d"), S(""), S("x"), NULL), "d", "default looks at one argument");
	CHECK_STR(call("empty", S(" "), NULL), "false", "empty space");
	CHECK_STR(call("empty", M(NULL), NULL), "true", "empty map");
	CHECK_STR(call("empty", arc_v_bool(0), NULL), "true", "empty false");
	CHECK_STR(call("coalesce", S(""), I(0), NIL, S("x"), S("y"), NULL), "x", "coalesce");
	CHECK_STR(call("coalesce", S(""), NULL), "<nil>", "coalesce all empty");
	CHECK_STR(call("all", NULL), "true", "all of nothing");
	CHECK_STR(call("all", I(1), S(""), NULL), "false", "all");
	CHECK_STR(call("any", NULL), "false", "any of nothing");
	CHECK_STR(call("any", I(0), S("x"), NULL), "true", "any");
	CHECK_STR(call("ternary", S("a"), S("b"), arc_v_bool(1), NULL), "a", "ternary true");
	CHECK_STR(call("ternary", S("a"), S("b"), arc_v_bool(0), NULL), "b", "ternary false");
	CHECK_STR(call("ternary", S("a"), S("b"), I(1), NULL), "ERR expected bool; found 1",
		  "ternary int literal");
	CHECK(last_bad_arg == 2, "ternary blames its condition");
	CHECK_STR(call("ternary", S("a"), S("b"), F(1), NULL),
		  "ERR wrong type for value; expected bool; got float64",
		  "ternary float value");
}

static void test_reflect(void)
{
	CHECK_STR(call("typeOf", I(1), NULL), "int", "typeOf int");
	CHECK_STR(call("typeOf", NIL, NULL), "<nil>", "typeOf nil");
	CHECK_STR(call("typeOf", L(NULL), NULL), "[]interface {}", "typeOf list");
	CHECK_STR(call("typeOf", strlist("a", "b"), NULL), "[]string", "typeOf []string");
	CHECK_STR(call("kindOf", M(NULL), NULL), "map", "kindOf map");
	CHECK_STR(call("kindOf", NIL, NULL), "invalid", "kindOf nil");
	CHECK_STR(call("kindOf", L(NULL), NULL), "slice", "kindOf list");
	CHECK_STR(call("typeIs", S("int"), I(1), NULL), "true", "typeIs");
	CHECK_STR(call("typeIs", S("string"), I(1), NULL), "false", "typeIs mismatch");
	CHECK_STR(call("typeIs", I(1), I(1), NULL), "ERR expected string; found 1", "typeIs int target");
	CHECK_STR(call("typeIsLike", S("int"), I(1), NULL), "true", "typeIsLike");
	CHECK_STR(call("typeIsLike", S("*int"), I(1), NULL), "false", "typeIsLike pointer target");
	CHECK_STR(call("kindIs", S("slice"), L(NULL), NULL), "true", "kindIs");
	CHECK_STR(call("kindIs", S("invalid"), NIL, NULL), "true", "kindIs nil");
	CHECK_STR(call("deepEqual", L(I(1), I(2), NULL), L(I(1), I(2), NULL), NULL), "true",
		  "deepEqual lists");
	CHECK_STR(call("deepEqual", I(1), F(1), NULL), "false", "deepEqual int float");
	CHECK_STR(call("deepEqual", NIL, NIL, NULL), "true", "deepEqual nil");
	CHECK_STR(call("deepEqual", M(NULL), M("a", NIL, NULL), NULL), "false", "deepEqual maps");
	CHECK_STR(call("deepEqual", strlist("a", "b"), L(arc_v_str("a"), arc_v_str("b"), NULL), NULL),
		  "false",
		  "deepEqual []string vs []interface {}");
	CHECK_STR(call("deepEqual", F(NAN), F(NAN), NULL), "false", "deepEqual NaN");
}

static void test_paths(void)
{
	static const char *const cases[][3] = {
		{ "base", "a/b/c.txt", "c.txt" }, { "base", "", "." }, { "base", "/", "/" },
		{ "base", "//", "/" }, { "base", "a/b/", "b" }, { "base", "/a//b//", "b" },
		{ "dir", "a/b/c", "a/b" }, { "dir", "", "." }, { "dir", "c", "." }, { "dir", "/c", "/" },
		{ "dir", "/a/b/", "/a/b" }, { "dir", "a/../b/c", "b" }, { "dir", "//a//b", "/a" },
		{ "dir", "../a", ".." }, { "clean", "a//b/./c/..", "a/b" }, { "clean", "/../a", "/a" },
		{ "clean", "../../a/b/..", "../../a" }, { "clean", "a/../..", ".." }, { "clean", "", "." },
		{ "clean", "//", "/" }, { "clean", "./", "." }, { "clean", "/a/b/../../..", "/" },
		{ "clean", "a/./b/../../c", "c" }, { "clean", "a/b/c/../../../../../d/./e/", "../../d/e" },
		{ "clean", "é/../ü", "ü" }, { "ext", "a.tar.gz", ".gz" }, { "ext", "a", "" },
		{ "ext", "a.b/c", "" }, { "ext", ".bashrc", ".bashrc" }, { "ext", "a.", "." },
		{ "ext", "dir.d/", "" }, { "isAbs", "/a", "true" }, { "isAbs", "a", "false" },
		{ "isAbs", "", "false" }, { "osBase", "a\\b", "a\\b" }, { "osDir", "a/../../b", ".." },
		{ "osClean", "/../x", "/x" }, { "osExt", "x.", "." }, { "osIsAbs", "//x", "true" },
	};
	char what[128];
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(cases); i++) {
		snprintf(what, sizeof(what), "%s \"%s\"", cases[i][0], cases[i][1]);
		CHECK_STR(call(cases[i][0], S(cases[i][1]), NULL), cases[i][2], what);
	}
	CHECK_STR(call("base", I(1), NULL), "ERR expected string; found 1", "base of int literal");
	CHECK_STR(call("dir", F(1), NULL), "ERR wrong type for value; expected string; got float64",
		  "dir of float value");
}

int main(void)
{
	test_lists();
	test_dicts();
	test_defaults();
	test_reflect();
	test_paths();
	return tap_done();
}
