/* funcs_semver.c - Sprig's semver and semverCompare.  `semver` returns a
 * *semver.Version object whose methods templates call (.Major, .Compare …);
 * the Inc and Set methods return a semver.Version value, which lacks the
 * pointer-receiver methods (Original, Compare, LessThan …) as in Go. */
#include "funcs.h"
#include "semver.h"
#include "../value/codec.h"

#include <stdlib.h>
#include <string.h>

static const struct arc_vclass semver_ptr_class;
static const struct arc_vclass semver_val_class;

static arc_value *new_version(const struct arc_vclass *cls, struct arc_semver *take)
{
	struct arc_semver *v = xmalloc(sizeof(*v));
	*v = *take;
	memset(take, 0, sizeof(*take));
	return arc_v_object(cls, v);
}

static void version_free(void *data)
{
	if (data) {
		arc_semver_release(data);
		free(data);
	}
}

static void version_format(arc_value *self, struct arc_buf *b)
{
	char *s = arc_semver_string(self->u.o.data);
	arc_buf_puts(b, s);
	free(s);
}

/* the text Go prints for a literal argument node */
static void literal_text(struct arc_buf *b, arc_value *v)
{
	if (v->kind == ARC_STRING)
		arc_fmt_quote(b, v->u.s.ptr, v->u.s.len);
	else
		arc_fmt_v(b, v);
}

/* a *semver.Version parameter; *out NULL for a nil pointer */
static int arg_version(arc_value *a, const struct arc_semver **out)
{
	if (a->kind == ARC_OBJECT && a->u.o.cls == &semver_ptr_class) {
		*out = a->u.o.data;
		return 0;
	}
	if (a->kind == ARC_NULL && (a->flags & ARC_VF_NILIFACE))
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected *semver.Version; got interface {}");
	if (a->kind == ARC_NULL) {
		*out = NULL;
		return 0;
	}
	if (a->flags & ARC_VF_CONST) {
		struct arc_buf b = ARC_BUF_INIT;
		literal_text(&b, a);
		arc_error_code(ARC_E_EXEC, "can't handle %s for arg of type *semver.Version", arc_buf_cstr(&b));
		arc_buf_release(&b);
		return ARC_E_EXEC;
	}
	return arc_error_code(ARC_E_EXEC, "wrong type for value; expected *semver.Version; got %s",
			      arc_v_gotype_name(a));
}

static int want_args(const char *name, int nargs, int want)
{
	if (nargs != want)
		return arc_error_code(ARC_E_EXEC, "wrong number of args for %s: want %d got %d", name, want, nargs);
	return 0;
}

/* methods shared by both classes (value receivers in Go) */
static int value_method(const struct arc_semver *v, const char *name, arc_value **args, int nargs,
			arc_value **out)
{
	struct arc_semver n;
	int rc;

	if (!strcmp(name, "Major") || !strcmp(name, "Minor") || !strcmp(name, "Patch")) {
		uint64_t x = name[1] == 'a' ? (name[2] == 'j' ? v->major : v->patch) : v->minor;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		*out = arc_v_int_typed((int64_t)x, ARC_GO_UINT64);
		return 0;
	}
	if (!strcmp(name, "Prerelease") || !strcmp(name, "Metadata")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		*out = arc_v_str(name[0] == 'P' ? v->pre : v->meta);
		return 0;
	}
	if (!strcmp(name, "String")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		{
			char *str = arc_semver_string(v);
			*out = arc_v_str_take(str, strlen(str));
		}
		return 0;
	}
	if (!strcmp(name, "MarshalJSON")) {
		/* class hook (value.h): json.Marshal(v.String()) */
		struct arc_buf b = ARC_BUF_INIT;
		char *str;
		arc_value *sv;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		str = arc_semver_string(v);
		sv = arc_v_str_take(str, strlen(str));
		rc = arc_json_dump(&b, sv, ARC_JSON_HTML);
		arc_v_unref(sv);
		if (rc < 0) {
			arc_buf_release(&b);
			return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
		}
		*out = arc_v_str_buf(&b);
		(*out)->gotype = ARC_GO_BYTES;
		return 0;
	}
	if (!strcmp(name, "IncMajor") || !strcmp(name, "IncMinor") || !strcmp(name, "IncPatch") ||
	    !strcmp(name, "SetPrerelease") || !strcmp(name, "SetMetadata")) {
		const char *vprefix = v->original && v->original[0] == 'v' ? "v" : "";
		char *s;
		int set = name[0] == 'S';
		if ((rc = want_args(name, nargs, set ? 1 : 0)) < 0)
			return rc;
		arc_semver_copy(&n, v);
		if (set) {
			struct arc_tpl_call mc = { NULL, name, nargs, args, -1 };
			const char *str;
			size_t len;
			if ((rc = arc_tpl_arg_str(&mc, 0, &str, &len)) < 0) {
				arc_semver_release(&n);
				return rc;
			}
			if (len && (rc = (name[3] == 'P' ? arc_semver_check_prerelease(str)
							 : arc_semver_check_metadata(str))) < 0) {
				arc_semver_release(&n);
				return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
			}
			if (name[3] == 'P') {
				free(n.pre);
				n.pre = xstrndup(str, len);
			} else {
				free(n.meta);
				n.meta = xstrndup(str, len);
			}
		} else if (!strcmp(name, "IncPatch")) {
			if (!n.pre[0])
				n.patch++;
			n.pre[0] = n.meta[0] = '\0';
		} else {
			n.pre[0] = n.meta[0] = '\0';
			n.patch = 0;
			if (!strcmp(name, "IncMinor")) {
				n.minor++;
			} else {
				n.minor = 0;
				n.major++;
			}
		}
		s = arc_semver_string(&n);
		free(n.original);
		n.original = xasprintf("%s%s", vprefix, s);
		free(s);
		*out = new_version(&semver_val_class, &n);
		return 0;
	}
	return ARC_E_NOTFOUND;
}

static int ptr_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	const struct arc_semver *v = self->u.o.data, *o = NULL;
	int rc, c;

	(void)is_call;
	if (!strcmp(name, "Original")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		*out = arc_v_str(v->original);
		return 0;
	}
	if (!strcmp(name, "Compare") || !strcmp(name, "LessThan") || !strcmp(name, "LessThanEqual") ||
	    !strcmp(name, "GreaterThan") || !strcmp(name, "GreaterThanEqual") || !strcmp(name, "Equal")) {
		if ((rc = want_args(name, nargs, 1)) < 0)
			return rc;
		if ((rc = arg_version(args[0], &o)) < 0)
			return rc;
		if (!o) {
			if (!strcmp(name, "Equal")) {
				*out = arc_v_bool(0);
				return 0;
			}
			return arc_error_code(ARC_E_CALL,
					      "runtime error: invalid memory address or nil pointer dereference");
		}
		c = arc_semver_compare(v, o);
		if (!strcmp(name, "Compare"))
			*out = arc_v_int(c);
		else if (!strcmp(name, "LessThan"))
			*out = arc_v_bool(c < 0);
		else if (!strcmp(name, "LessThanEqual"))
			*out = arc_v_bool(c <= 0);
		else if (!strcmp(name, "GreaterThan"))
			*out = arc_v_bool(c > 0);
		else if (!strcmp(name, "GreaterThanEqual"))
			*out = arc_v_bool(c >= 0);
		else
			*out = arc_v_bool(c == 0);
		return 0;
	}
	return value_method(v, name, args, nargs, out);
}

static int val_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	(void)is_call;
	return value_method(self->u.o.data, name, args, nargs, out);
}

static const struct arc_vclass semver_ptr_class = {
	"*semver.Version", ptr_lookup, version_format, version_free,
};

static const struct arc_vclass semver_val_class = {
	"semver.Version", val_lookup, version_format, version_free,
};

static int fn_semver(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_semver v;
	const char *s;
	size_t len;
	int rc;

	if ((rc = arc_tpl_arg_str(c, 0, &s, &len)) < 0)
		return rc;
	if (arc_semver_parse(&v, s, len) < 0)
		return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
	*out = new_version(&semver_ptr_class, &v);
	return 0;
}

static int fn_semver_compare(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_semver v;
	const char *cs, *vs;
	size_t clen, vlen;
	int rc, ok;

	if ((rc = arc_tpl_arg_str(c, 0, &cs, &clen)) < 0 || (rc = arc_tpl_arg_str(c, 1, &vs, &vlen)) < 0)
		return rc;
	if (memchr(cs, '\0', clen))
		return arc_error_code(ARC_E_CALL, "improper constraint: %.*s", (int)clen, cs);
	if (arc_semver_parse(&v, vs, vlen) < 0) {
		/* the constraint is parsed first: its error wins */
		char *verr = xstrdup(arc_error_last());
		static const struct arc_semver zero = { 0, 0, 0, (char *)"", (char *)"", (char *)"" };
		if (arc_semver_satisfies(cs, clen, &zero, &ok) < 0) {
			free(verr);
			return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
		}
		arc_error_code(ARC_E_CALL, "%s", verr);
		free(verr);
		return ARC_E_CALL;
	}
	rc = arc_semver_satisfies(cs, clen, &v, &ok);
	arc_semver_release(&v);
	if (rc < 0)
		return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
	*out = arc_v_bool(ok);
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_semver[] = {
	{ "semver", fn_semver, 1, 1 },
	{ "semverCompare", fn_semver_compare, 2, 2 },
	{ NULL, NULL, 0, 0 },
};
