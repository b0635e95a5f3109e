/*
 * funcs_paths.c - Sprig's path functions: base dir clean ext isAbs (Go's
 * package path) and osBase osDir osClean osExt osIsAbs (path/filepath).
 * On Linux filepath uses '/' and has no volume names, so the two families
 * agree; both are implemented once here.
 *
 * Clean is the lexical rule of Go's path.Clean: one slash between names,
 * no "." names, each ".." removes the name before it (at the root it is
 * dropped), no trailing slash, and "." for an empty result.
 */
#include "funcs.h"

#include <string.h>

/* Go's path.Clean of s[0..n) into b */
static void path_clean(struct arc_buf *b, const char *s, size_t n)
{
	int rooted = n > 0 && s[0] == '/';
	size_t i = 0, base;
	size_t dotdot; /* length of the part ".." cannot remove */

	arc_buf_reset(b);
	if (rooted) {
		arc_buf_putc(b, '/');
		i = 1;
	}
	base = dotdot = b->len;
	while (i < n) {
		size_t j;
		if (s[i] == '/') {
			i++;
			continue;
		}
		for (j = i; j < n && s[j] != '/'; j++)
			;
		if (j - i == 1 && s[i] == '.') {
			/* skip "." */
		} else if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
			if (b->len > dotdot) {
				/* back up over the last name */
				size_t k = b->len;
				while (k > dotdot && b->ptr[k - 1] != '/')
					k--;
				if (k > base)
					k--; /* the separator before it */
				arc_buf_truncate(b, k);
			} else if (!rooted) {
				if (b->len > base)
					arc_buf_putc(b, '/');
				arc_buf_add(b, "..", 2);
				dotdot = b->len;
			}
		} else {
			if (b->len > base)
				arc_buf_putc(b, '/');
			arc_buf_add(b, s + i, j - i);
		}
		i = j;
	}
	if (b->len == 0)
		arc_buf_putc(b, '.');
	arc_buf_cstr(b);
}

static int str_arg(struct arc_tpl_call *c, const char **s, size_t *n)
{
	return arc_tpl_arg_str(c, 0, s, n);
}

static int fn_base(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i;
	int rc;
	if ((rc = str_arg(c, &s, &n)) < 0)
		return rc;
	if (n == 0) {
		*out = arc_v_str(".");
		return 0;
	}
	while (n > 0 && s[n - 1] == '/')
		n--;
	if (n == 0) {
		*out = arc_v_str("/");
		return 0;
	}
	for (i = n; i > 0 && s[i - 1] != '/'; i--)
		;
	*out = arc_v_strn(s + i, n - i);
	return 0;
}

static int fn_dir(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	const char *s;
	size_t n, i;
	int rc;
	if ((rc = str_arg(c, &s, &n)) < 0)
		return rc;
	for (i = n; i > 0 && s[i - 1] != '/'; i--)
		;
	path_clean(&b, s, i);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_clean(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	const char *s;
	size_t n;
	int rc;
	if ((rc = str_arg(c, &s, &n)) < 0)
		return rc;
	path_clean(&b, s, n);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_ext(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n, i;
	int rc;
	if ((rc = str_arg(c, &s, &n)) < 0)
		return rc;
	for (i = n; i > 0 && s[i - 1] != '/'; i--)
		if (s[i - 1] == '.') {
			*out = arc_v_strn(s + i - 1, n - i + 1);
			return 0;
		}
	*out = arc_v_str("");
	return 0;
}

static int fn_isAbs(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc;
	if ((rc = str_arg(c, &s, &n)) < 0)
		return rc;
	*out = arc_v_bool(n > 0 && s[0] == '/');
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_paths[] = {
	{ "base", fn_base, 1, 1 },
	{ "clean", fn_clean, 1, 1 },
	{ "dir", fn_dir, 1, 1 },
	{ "ext", fn_ext, 1, 1 },
	{ "isAbs", fn_isAbs, 1, 1 },
	{ "osBase", fn_base, 1, 1 },
	{ "osClean", fn_clean, 1, 1 },
	{ "osDir", fn_dir, 1, 1 },
	{ "osExt", fn_ext, 1, 1 },
	{ "osIsAbs", fn_isAbs, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
