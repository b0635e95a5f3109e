/* strvals.c - Helm's --set, --set-string, --set-json, --set-file and
 * --set-literal syntax: `name.sub=value,list[0].x=y,l={a,b}`, with `\`
 * escaping the next character.  Values are parsed into an existing map, in
 * place, and errors carry Helm's texts (including the ones Helm produces by
 * recovering from a failed type assertion: "unable to parse key: interface
 * conversion: …"). */
#include "strvals.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "../value/codec.h"

#define MAX_INDEX 65536
#define MAX_NESTED 30

enum { P_EOF = 1, P_NOTLIST = 2 }; /* positive internal signals; errors are negative */

struct parser {
	const char *s;
	size_t len, pos;
	enum arc_set_kind kind;
	int depth; /* recursion guard against hostile input */
	arc_strvals_reader read;
	void *ctx;
};

/* Read until one of `stop`; `\` takes the next character (a whole UTF-8
 * sequence) literally.  Returns P_EOF at the end of input, with *last = 0. */
static int until(struct parser *p, const char *stop, struct arc_buf *out, char *last)
{
	arc_buf_reset(out);
	arc_buf_add(out, "", 0);
	while (p->pos < p->len) {
		char c = p->s[p->pos++];
		if (strchr(stop, c) && c) {
			*last = c;
			return 0;
		}
		if (c == '\\' && p->kind != ARC_SET_LITERAL) { /* --set-literal keys take no escapes */
			size_t n = 1;
			unsigned char u;
			if (p->pos >= p->len) {
				*last = 0;
				return P_EOF;
			}
			u = (unsigned char)p->s[p->pos];
			if (u >= 0xf0)
				n = 4;
			else if (u >= 0xe0)
				n = 3;
			else if (u >= 0xc0)
				n = 2;
			if (p->pos + n > p->len)
				n = p->len - p->pos;
			arc_buf_add(out, p->s + p->pos, n);
			p->pos += n;
			continue;
		}
		arc_buf_putc(out, c);
	}
	*last = 0;
	return P_EOF;
}

static const char *go_type(arc_value *v)
{
	return v->kind == ARC_NULL ? "nil" : arc_v_gotype_name(v);
}

static int conversion_error(arc_value *v, const char *want)
{
	return arc_error_code(ARC_E_PARSE, "unable to parse key: interface conversion: interface {} is %s, not %s",
			      go_type(v), want);
}

/* --set typing: true/false/null (any case), 0, integers without a leading 0 */
static arc_value *typed(const char *s, size_t n, enum arc_set_kind kind)
{
	char *end;
	long long iv;
	if (kind == ARC_SET_STRING || kind == ARC_SET_LITERAL)
		return arc_v_strn(s, n);
	if (n == 4 && !strncasecmp(s, "true", 4))
		return arc_v_bool(1);
	if (n == 5 && !strncasecmp(s, "false", 5))
		return arc_v_bool(0);
	if (n == 4 && !strncasecmp(s, "null", 4))
		return arc_v_null();
	if (n == 1 && s[0] == '0')
		return arc_v_int_typed(0, ARC_GO_INT64);
	if (n && s[0] != '0' && memchr(s, '\0', n) == NULL &&
	    (isdigit((unsigned char)s[0]) || ((s[0] == '-' || s[0] == '+') && n > 1))) {
		errno = 0;
		iv = strtoll(s, &end, 10);
		if (!errno && (size_t)(end - s) == n)
			return arc_v_int_typed(iv, ARC_GO_INT64);
	}
	return arc_v_strn(s, n);
}

/* the value reader of each flag kind */
static int read_value(struct parser *p, const char *s, size_t n, arc_value **out)
{
	if (p->kind == ARC_SET_FILE) {
		char *path = xstrndup(s, n), *data;
		size_t len;
		int rc = p->read ? p->read(p->ctx, path, &data, &len) : arc_read_file(path, 64u << 20, &data, &len);
		free(path);
		if (rc)
			return rc;
		*out = arc_v_str_take(data, len);
		return 0;
	}
	*out = typed(s, n, p->kind);
	return 0;
}

static void set(arc_value *data, const char *key, size_t klen, arc_value *take)
{
	if (klen == 0) {
		arc_v_unref(take);
		return;
	}
	arc_v_map_setn(data, key, klen, take);
}

static int set_index(arc_value *list, long long index, arc_value *take)
{
	if (index < 0) {
		arc_v_unref(take);
		return arc_error_code(ARC_E_PARSE, "negative %lld index not allowed", index);
	}
	if (index > MAX_INDEX) {
		arc_v_unref(take);
		return arc_error_code(ARC_E_PARSE, "index of %lld is greater than maximum supported index of %d", index,
				      MAX_INDEX);
	}
	while (arc_v_list_len(list) <= (size_t)index)
		arc_v_list_push(list, arc_v_null());
	arc_v_list_set(list, (size_t)index, take);
	return 0;
}

static int key_index(struct parser *p, long long *out)
{
	struct arc_buf b = ARC_BUF_INIT;
	char last, *end;
	const char *s;
	int rc = until(p, "]", &b, &last);
	if (rc == P_EOF) {
		/* helm wraps io.EOF here and its parse loop then stops without an error */
		arc_buf_release(&b);
		return P_EOF;
	}
	s = arc_buf_cstr(&b);
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (b.len == 0 || *end || isspace((unsigned char)s[0]) || end == s) {
		arc_error_code(ARC_E_PARSE, "error parsing index: strconv.Atoi: parsing \"%s\": invalid syntax", s);
		arc_buf_release(&b);
		return ARC_E_PARSE;
	}
	if (errno == ERANGE) {
		arc_error_code(ARC_E_PARSE, "error parsing index: strconv.Atoi: parsing \"%s\": value out of range", s);
		arc_buf_release(&b);
		return ARC_E_PARSE;
	}
	arc_buf_release(&b);
	return 0;
}

/* consume blanks up to a comma or the end (an empty value), else leave the character */
static int empty_val(struct parser *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c == ',') {
			p->pos++;
			return 1;
		}
		if (!isspace((unsigned char)c))
			return 0;
		p->pos++;
	}
	return 1;
}

/* extent of the JSON value at the cursor (Go's Decoder reads exactly one) */
static size_t json_extent(const char *s, size_t n)
{
	size_t i = 0;
	int depth = 0, in_str = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && s[i] != '{' && s[i] != '[' && s[i] != '"') {
		while (i < n && !strchr(",]} \t\r\n", s[i]))
			i++;
		return i;
	}
	for (; i < n; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"') {
				in_str = 0;
				if (depth == 0)
					return i + 1;
			}
			continue;
		}
		if (c == '"')
			in_str = 1;
		else if (c == '{' || c == '[')
			depth++;
		else if (c == '}' || c == ']') {
			if (--depth <= 0)
				return i + 1;
		}
	}
	return n;
}

static int json_value(struct parser *p, arc_value **out)
{
	size_t n = json_extent(p->s + p->pos, p->len - p->pos);
	int rc = arc_json_load(out, "--set-json", p->s + p->pos, n);
	if (rc)
		return rc;
	p->pos += n;
	return 0;
}

/* `{a,b,c}` after '=' */
static int val_list(struct parser *p, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *list, *v;
	char last;
	int rc;

	if (p->pos >= p->len)
		return P_EOF;
	if (p->s[p->pos] != '{')
		return P_NOTLIST;
	p->pos++;
	list = arc_v_list();
	for (;;) {
		rc = until(p, ",}", &b, &last);
		if (rc == P_EOF) {
			arc_v_unref(list);
			arc_buf_release(&b);
			return arc_error_code(ARC_E_PARSE, "list must terminate with '}'");
		}
		if ((rc = read_value(p, b.ptr, b.len, &v)) != 0) {
			arc_v_unref(list);
			arc_buf_release(&b);
			return rc;
		}
		arc_v_list_push(list, v);
		if (last == '}') {
			if (p->pos < p->len && p->s[p->pos] == ',')
				p->pos++;
			break;
		}
	}
	arc_buf_release(&b);
	*out = list;
	return 0;
}

/* the plain value after '=' up to ',' */
static int plain_val(struct parser *p, arc_value **out)
{
	struct arc_buf b = ARC_BUF_INIT;
	char last;
	int rc;
	if (p->kind == ARC_SET_LITERAL) {
		*out = arc_v_strn(p->s + p->pos, p->len - p->pos);
		p->pos = p->len;
		return 0;
	}
	until(p, ",", &b, &last);
	rc = read_value(p, b.ptr, b.len, out);
	arc_buf_release(&b);
	return rc;
}

static int parse_key(struct parser *p, arc_value *data, int level);

static int list_item_inner(struct parser *p, arc_value *list, long long i, int level);

/* list indexes nest by recursion: bounded (helm has no limit; Go's stack grows) */
static int list_item(struct parser *p, arc_value *list, long long i, int level)
{
	int rc;
	if (++p->depth > 2000) {
		p->depth--;
		return arc_error_code(ARC_E_RANGE, "list indexes nested more than 2000 deep");
	}
	rc = list_item_inner(p, list, i, level);
	p->depth--;
	return rc;
}

static int list_item_inner(struct parser *p, arc_value *list, long long i, int level)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *v;
	char last;
	int rc;

	if (i < 0)
		return arc_error_code(ARC_E_PARSE, "negative %lld index not allowed", i);
	rc = until(p, "[.=", &b, &last);
	if (b.len > 0) {
		struct arc_buf q = ARC_BUF_INIT;
		size_t k;
		arc_buf_putc(&q, '[');
		for (k = 0; k < b.len; k++)
			arc_buf_printf(&q, "%s'%c'", k ? " " : "", b.ptr[k]);
		arc_buf_putc(&q, ']');
		arc_error_code(ARC_E_PARSE, "unexpected data at end of array index: %s", arc_buf_cstr(&q));
		arc_buf_release(&q);
		arc_buf_release(&b);
		return ARC_E_PARSE;
	}
	arc_buf_release(&b);
	if (rc == P_EOF)
		return P_EOF;
	if (last == '=') {
		if (p->kind == ARC_SET_JSON) {
			if (empty_val(p))
				return set_index(list, i, arc_v_null());
			if ((rc = json_value(p, &v)) != 0)
				return rc;
			if ((rc = set_index(list, i, v)) != 0)
				return rc;
			empty_val(p);
			return 0;
		}
		if (p->kind == ARC_SET_LITERAL) {
			plain_val(p, &v);
			return set_index(list, i, v);
		}
		rc = val_list(p, &v);
		if (rc == 0)
			return set_index(list, i, v);
		if (rc == P_EOF)
			return set_index(list, i, arc_v_str(""));
		if (rc == P_NOTLIST) {
			if ((rc = plain_val(p, &v)) != 0)
				return rc;
			return set_index(list, i, v);
		}
		return rc;
	}
	if (last == '[') {
		long long next;
		arc_value *cur = NULL;
		if ((rc = key_index(p, &next)) != 0)
			return rc;
		if (arc_v_list_len(list) > (size_t)i) {
			arc_value *ex = arc_v_list_at(list, (size_t)i);
			if (ex->kind != ARC_NULL) {
				if (ex->kind != ARC_LIST)
					return conversion_error(ex, "[]interface {}");
				cur = arc_v_ref(ex);
			}
		}
		if (!cur)
			cur = arc_v_list();
		rc = list_item(p, cur, next, level);
		if (rc != 0 && rc != P_EOF) {
			arc_v_unref(cur);
			return rc;
		}
		{
			int rc2 = set_index(list, i, cur);
			return rc2 ? rc2 : rc;
		}
	}
	/* '.' */
	{
		arc_value *inner = NULL;
		if (arc_v_list_len(list) > (size_t)i) {
			arc_value *ex = arc_v_list_at(list, (size_t)i);
			if (ex->kind == ARC_MAP)
				inner = arc_v_ref(ex);
		}
		if (!inner)
			inner = arc_v_map();
		rc = parse_key(p, inner, level);
		if (rc != 0) {
			/* Helm returns here without storing the inner map */
			if (arc_v_list_len(list) > (size_t)i && arc_v_list_at(list, (size_t)i)->kind != ARC_MAP)
				arc_v_list_set(list, (size_t)i, arc_v_map());
			arc_v_unref(inner);
			return rc;
		}
		return set_index(list, i, inner);
	}
}

static int parse_key(struct parser *p, arc_value *data, int level)
{
	struct arc_buf k = ARC_BUF_INIT;
	arc_value *v;
	char last;
	int rc;

	if (++p->depth > 3000) {
		p->depth--;
		return arc_error_code(ARC_E_PARSE, "value name nested level is greater than maximum supported "
						   "nested level of %d", MAX_NESTED);
	}
	rc = until(p, "=[,.", &k, &last);
	if (rc == P_EOF) {
		if (k.len == 0)
			rc = P_EOF;
		else
			rc = arc_error_code(ARC_E_PARSE, "key \"%s\" has no value", k.ptr);
		goto out;
	}
	switch (last) {
	case '[': {
		long long i;
		arc_value *list, *ex;
		if ((rc = key_index(p, &i)) != 0)
			goto out;
		ex = arc_v_map_getn(data, k.ptr, k.len);
		if (ex && ex->kind != ARC_LIST) {
			rc = conversion_error(ex, "[]interface {}");
			goto out;
		}
		list = ex ? arc_v_ref(ex) : arc_v_list();
		rc = list_item(p, list, i, level);
		set(data, k.ptr, k.len, list);
		goto out;
	}
	case '=':
		if (p->kind == ARC_SET_JSON) {
			if (empty_val(p)) {
				set(data, k.ptr, k.len, arc_v_null());
				rc = 0;
				goto out;
			}
			if ((rc = json_value(p, &v)) != 0)
				goto out;
			set(data, k.ptr, k.len, v);
			empty_val(p);
			rc = 0;
			goto out;
		}
		if (p->kind == ARC_SET_LITERAL) {
			plain_val(p, &v);
			set(data, k.ptr, k.len, v);
			rc = 0;
			goto out;
		}
		rc = val_list(p, &v);
		if (rc == 0) {
			set(data, k.ptr, k.len, v);
		} else if (rc == P_EOF) {
			set(data, k.ptr, k.len, arc_v_str(""));
		} else if (rc == P_NOTLIST) {
			rc = plain_val(p, &v);
			if (rc == 0)
				set(data, k.ptr, k.len, v);
		}
		goto out;
	case ',':
		set(data, k.ptr, k.len, arc_v_str(""));
		rc = arc_error_code(ARC_E_PARSE, "key \"%s\" has no value (cannot end with ,)", k.ptr);
		goto out;
	default: { /* '.' */
		arc_value *inner, *ex;
		if (++level > MAX_NESTED) {
			rc = arc_error_code(ARC_E_PARSE, "value name nested level is greater than maximum supported "
							 "nested level of %d", MAX_NESTED);
			goto out;
		}
		ex = arc_v_map_getn(data, k.ptr, k.len);
		if (ex && ex->kind != ARC_MAP) {
			rc = conversion_error(ex, "map[string]interface {}");
			goto out;
		}
		inner = ex ? arc_v_ref(ex) : arc_v_map();
		rc = parse_key(p, inner, level);
		if (rc == 0 && arc_v_map_len(inner) == 0)
			rc = arc_error_code(ARC_E_PARSE, "key map \"%s\" has no value", k.ptr);
		if (arc_v_map_len(inner) != 0)
			set(data, k.ptr, k.len, inner);
		else
			arc_v_unref(inner);
		goto out;
	}
	}
out:
	p->depth--;
	arc_buf_release(&k);
	return rc;
}

int arc_strvals_parse(arc_value *dest, const char *line, enum arc_set_kind kind)
{
	return arc_strvals_parse_with(dest, line, kind, NULL, NULL);
}

int arc_strvals_parse_with(arc_value *dest, const char *line, enum arc_set_kind kind, arc_strvals_reader read,
			   void *ctx)
{
	struct parser p = { line, strlen(line), 0, kind, 0, read, ctx };
	for (;;) {
		int rc = parse_key(&p, dest, 0);
		if (rc == P_EOF)
			return 0;
		if (rc < 0)
			return rc;
		if (rc > 0) /* P_NOTLIST cannot escape; treat as done */
			return 0;
	}
}
