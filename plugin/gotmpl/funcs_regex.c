/*
 * funcs_regex.c - Sprig v3.3.0's regex functions on the engine in regex.c:
 * regexMatch regexFind regexFindAll regexReplaceAll regexReplaceAllLiteral
 * regexSplit regexQuoteMeta and the must* forms.
 *
 * Sprig's plain forms use regexp.MustCompile, so a bad pattern panics; Go's
 * template package turns the panic into "error calling NAME: regexp:
 * Compile(`PAT`): error parsing regexp: …".  The must* forms return the
 * parse error itself.  regexMatch alone swallows the error (false).
 * FindAll and Split return []string; FindAll's is nil (JSON null) when nothing
 * matched, Split's never.
 */
#include "funcs.h"
#include "regex.h"
#include "../value/codec.h"

#include <stdlib.h>
#include <string.h>

/* strconv.CanBackquote */
static int can_backquote(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		int32_t r;
		int w = arc_utf8_decode(s + i, n - i, &r);
		if (w == 1 && r == ARC_RUNE_ERROR)
			return 0;
		if (r == 0xFEFF || (r < ' ' && r != '\t') || r == '`' || r == 0x7F)
			return 0;
		i += (size_t)w;
	}
	return 1;
}

/* compile the pattern argument; must = 0 gives MustCompile's panic text */
static int compile_arg(struct arc_tpl_call *c, int must, struct arc_re **re)
{
	const char *p;
	size_t n;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &p, &n)) < 0)
		return rc;
	if (arc_re_compile(re, p, n) == 0)
		return 0;
	if (must) {
		arc_error_code(ARC_E_CALL, "%s", arc_error_last());
	} else {
		struct arc_buf b = ARC_BUF_INIT;
		char *msg = xstrdup(arc_error_last());
		arc_buf_puts(&b, "regexp: Compile(");
		if (can_backquote(p, n)) {
			arc_buf_putc(&b, '`');
			arc_buf_add(&b, p, n);
			arc_buf_putc(&b, '`');
		} else {
			arc_fmt_quote(&b, p, n);
		}
		arc_buf_puts(&b, "): ");
		arc_buf_puts(&b, msg);
		arc_error_code(ARC_E_CALL, "%s", arc_buf_cstr(&b));
		arc_buf_release(&b);
		free(msg);
	}
	return ARC_E_CALL;
}

static arc_value *new_strings(void)
{
	arc_value *l = arc_v_list();
	l->gotype = ARC_GO_STRINGS;
	return l;
}

/* ---- regexMatch ---- */

static int do_match(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *s;
	size_t n;
	struct arc_re *re;
	int rc;
	/* Go converts every argument before the call */
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if (compile_arg(c, 1, &re) < 0) {
		if (must)
			return ARC_E_CALL;
		arc_error_clear();
		*out = arc_v_bool(0);
		return 0;
	}
	*out = arc_v_bool(arc_re_match(re, s, n));
	arc_re_free(re);
	return 0;
}

static int fn_regexmatch(struct arc_tpl_call *c, arc_value **out)
{
	return do_match(c, out, 0);
}

static int fn_mustregexmatch(struct arc_tpl_call *c, arc_value **out)
{
	return do_match(c, out, 1);
}

/* ---- regexFind, regexFindAll ---- */

static int do_find(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *s;
	size_t n;
	struct arc_re *re;
	long caps[2];
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0)
		return rc;
	if ((rc = compile_arg(c, must, &re)) < 0)
		return rc;
	if (arc_re_exec(re, s, n, 0, caps, 1))
		*out = arc_v_strn(s + caps[0], (size_t)(caps[1] - caps[0]));
	else
		*out = arc_v_str("");
	arc_re_free(re);
	return 0;
}

static int fn_regexfind(struct arc_tpl_call *c, arc_value **out)
{
	return do_find(c, out, 0);
}

static int fn_mustregexfind(struct arc_tpl_call *c, arc_value **out)
{
	return do_find(c, out, 1);
}

struct collect {
	arc_value *list;
	const char *s;
};

static int collect_match(void *ctx, const long *caps)
{
	struct collect *k = ctx;
	arc_v_list_push(k->list, arc_v_strn(k->s + caps[0], (size_t)(caps[1] - caps[0])));
	return arc_v_list_len(k->list) > ARC_TPL_MAX_ITEMS; /* past the budget: the executor refuses */
}

static int do_findall(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *s;
	size_t n;
	int64_t k;
	struct arc_re *re;
	struct collect col;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0 ||
	    (rc = arc_tpl_arg_int(c, 2, &k)) < 0)
		return rc;
	if ((rc = compile_arg(c, must, &re)) < 0)
		return rc;
	col.list = new_strings();
	col.s = s;
	arc_re_find_all(re, s, n, k < 0 ? -1 : (long)k, 1, collect_match, &col);
	arc_re_free(re);
	if (arc_v_list_len(col.list) == 0)
		col.list->flags |= ARC_VF_NIL; /* Go's FindAllString: nil when nothing matched */
	*out = col.list;
	return 0;
}

static int fn_regexfindall(struct arc_tpl_call *c, arc_value **out)
{
	return do_findall(c, out, 0);
}

static int fn_mustregexfindall(struct arc_tpl_call *c, arc_value **out)
{
	return do_findall(c, out, 1);
}

/* ---- regexReplaceAll, regexReplaceAllLiteral ---- */

static int do_replace(struct arc_tpl_call *c, arc_value **out, int must, int literal)
{
	const char *s, *repl;
	size_t n, rn;
	struct arc_re *re;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0 ||
	    (rc = arc_tpl_arg_str(c, 2, &repl, &rn)) < 0)
		return rc;
	if ((rc = compile_arg(c, must, &re)) < 0)
		return rc;
	arc_re_replace_all(&b, re, s, n, repl, rn, literal);
	arc_re_free(re);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_regexreplaceall(struct arc_tpl_call *c, arc_value **out)
{
	return do_replace(c, out, 0, 0);
}

static int fn_mustregexreplaceall(struct arc_tpl_call *c, arc_value **out)
{
	return do_replace(c, out, 1, 0);
}

static int fn_regexreplaceallliteral(struct arc_tpl_call *c, arc_value **out)
{
	return do_replace(c, out, 0, 1);
}

static int fn_mustregexreplaceallliteral(struct arc_tpl_call *c, arc_value **out)
{
	return do_replace(c, out, 1, 1);
}

/* ---- regexSplit (Go's (*Regexp).Split) ---- */

struct splitter {
	arc_value *list;
	const char *s;
	int64_t n;
	size_t beg, end;
};

static int split_match(void *ctx, const long *caps)
{
	struct splitter *k = ctx;
	if ((k->n > 0 && (int64_t)arc_v_list_len(k->list) == k->n - 1) ||
	    arc_v_list_len(k->list) > ARC_TPL_MAX_ITEMS) /* past the budget: the executor refuses */
		return 1;
	k->end = (size_t)caps[0];
	if (caps[1] != 0)
		arc_v_list_push(k->list, arc_v_strn(k->s + k->beg, k->end - k->beg));
	k->beg = (size_t)caps[1];
	return 0;
}

static int do_split(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *s, *p;
	size_t n, pn;
	int64_t k;
	struct arc_re *re;
	struct splitter sp;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &p, &pn)) < 0 || (rc = arc_tpl_arg_str(c, 1, &s, &n)) < 0 ||
	    (rc = arc_tpl_arg_int(c, 2, &k)) < 0)
		return rc;
	if ((rc = compile_arg(c, must, &re)) < 0)
		return rc;
	sp.list = new_strings();
	sp.s = s;
	sp.n = k;
	sp.beg = sp.end = 0;
	if (k == 0) {
		/* nil */
	} else if (pn > 0 && n == 0) {
		arc_v_list_push(sp.list, arc_v_str(""));
	} else {
		arc_re_find_all(re, s, n, k < 0 ? -1 : (long)k, 1, split_match, &sp);
		if (sp.end != n)
			arc_v_list_push(sp.list, arc_v_strn(s + sp.beg, n - sp.beg));
	}
	arc_re_free(re);
	*out = sp.list;
	return 0;
}

static int fn_regexsplit(struct arc_tpl_call *c, arc_value **out)
{
	return do_split(c, out, 0);
}

static int fn_mustregexsplit(struct arc_tpl_call *c, arc_value **out)
{
	return do_split(c, out, 1);
}

static int fn_regexquotemeta(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &n)) < 0)
		return rc;
	arc_re_quote_meta(&b, s, n);
	*out = arc_v_str_buf(&b);
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_regex[] = {
	{ "regexMatch", fn_regexmatch, 2, 2 },
	{ "mustRegexMatch", fn_mustregexmatch, 2, 2 },
	{ "regexFind", fn_regexfind, 2, 2 },
	{ "mustRegexFind", fn_mustregexfind, 2, 2 },
	{ "regexFindAll", fn_regexfindall, 3, 3 },
	{ "mustRegexFindAll", fn_mustregexfindall, 3, 3 },
	{ "regexReplaceAll", fn_regexreplaceall, 3, 3 },
	{ "mustRegexReplaceAll", fn_mustregexreplaceall, 3, 3 },
	{ "regexReplaceAllLiteral", fn_regexreplaceallliteral, 3, 3 },
	{ "mustRegexReplaceAllLiteral", fn_mustregexreplaceallliteral, 3, 3 },
	{ "regexSplit", fn_regexsplit, 3, 3 },
	{ "mustRegexSplit", fn_mustregexsplit, 3, 3 },
	{ "regexQuoteMeta", fn_regexquotemeta, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
