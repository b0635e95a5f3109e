/* funcs_url.c - Sprig's urlParse and urlJoin, with Go's net/url parsing,
 * escaping and String() rules.  (getHostByName lives in funcs_helm.c.) */
#include "funcs.h"
#include "../value/codec.h"

#include <stdlib.h>
#include <string.h>

enum mode { M_PATH, M_PATH_SEGMENT, M_HOST, M_ZONE, M_USER_PASSWORD, M_QUERY_COMPONENT, M_FRAGMENT };

static int should_escape(unsigned char c, enum mode mode)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 0;
	if (mode == M_HOST || mode == M_ZONE) {
		if (c && strchr("!$&'()*+,;=:[]<>\"", c))
			return 0;
	}
	switch (c) {
	case '-': case '_': case '.': case '~':
		return 0;
	case '$': case '&': case '+': case ',': case '/': case ':': case ';': case '=': case '?': case '@':
		switch (mode) {
		case M_PATH:
			return c == '?';
		case M_PATH_SEGMENT:
			return c == '/' || c == ';' || c == ',' || c == '?';
		case M_USER_PASSWORD:
			return c == '@' || c == '/' || c == '?' || c == ':';
		case M_QUERY_COMPONENT:
			return 1;
		case M_FRAGMENT:
			return 0;
		default:
			break;
		}
		break;
	default:
		break;
	}
	if (mode == M_FRAGMENT && (c == '!' || c == '(' || c == ')' || c == '*'))
		return 0;
	return 1;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned char unhex(unsigned char c)
{
	return (unsigned char)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

static void escape(struct arc_buf *b, const char *s, size_t n, enum mode mode)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' && mode == M_QUERY_COMPONENT) {
			arc_buf_putc(b, '+');
		} else if (should_escape(c, mode)) {
			arc_buf_putc(b, '%');
			arc_buf_putc(b, hex[c >> 4]);
			arc_buf_putc(b, hex[c & 15]);
		} else {
			arc_buf_putc(b, (char)c);
		}
	}
}

/* Go's unescape; on error sets the message (Go's error text) and returns -1 */
static int unescape(struct arc_buf *out, const char *s, size_t n, enum mode mode)
{
	size_t i;
	for (i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || !is_hex((unsigned char)s[i + 1]) || !is_hex((unsigned char)s[i + 2])) {
				struct arc_buf q = ARC_BUF_INIT;
				size_t m = n - i > 3 ? 3 : n - i;
				arc_fmt_quote(&q, s + i, m);
				arc_error_set("invalid URL escape %s", arc_buf_cstr(&q));
				arc_buf_release(&q);
				return -1;
			}
			if (mode == M_HOST && unhex((unsigned char)s[i + 1]) < 8 && memcmp(s + i, "%25", 3) != 0) {
				struct arc_buf q = ARC_BUF_INIT;
				arc_fmt_quote(&q, s + i, 3);
				arc_error_set("invalid URL escape %s", arc_buf_cstr(&q));
				arc_buf_release(&q);
				return -1;
			}
			if (mode == M_ZONE) {
				unsigned char v = (unsigned char)(unhex((unsigned char)s[i + 1]) << 4 |
								  unhex((unsigned char)s[i + 2]));
				if (memcmp(s + i, "%25", 3) != 0 && v != ' ' && should_escape(v, M_HOST)) {
					struct arc_buf q = ARC_BUF_INIT;
					arc_fmt_quote(&q, s + i, 3);
					arc_error_set("invalid URL escape %s", arc_buf_cstr(&q));
					arc_buf_release(&q);
					return -1;
				}
			}
			i += 3;
		} else {
			if ((mode == M_HOST || mode == M_ZONE) && c < 0x80 && should_escape(c, mode)) {
				struct arc_buf q = ARC_BUF_INIT;
				arc_fmt_quote(&q, s + i, 1);
				arc_error_set("invalid character %s in host name", arc_buf_cstr(&q));
				arc_buf_release(&q);
				return -1;
			}
			i++;
		}
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			arc_buf_putc(out, (char)(unhex((unsigned char)s[i + 1]) << 4 | unhex((unsigned char)s[i + 2])));
			i += 2;
		} else if (s[i] == '+' && mode == M_QUERY_COMPONENT) {
			arc_buf_putc(out, ' ');
		} else {
			arc_buf_putc(out, s[i]);
		}
	}
	return 0;
}

struct url {
	struct arc_buf scheme, opaque, host, path, query, fragment, user, pass;
	int has_user, pass_set, omit_host, force_query;
};

static void url_init(struct url *u)
{
	memset(u, 0, sizeof(*u));
}

static void url_release(struct url *u)
{
	arc_buf_release(&u->scheme);
	arc_buf_release(&u->opaque);
	arc_buf_release(&u->host);
	arc_buf_release(&u->path);
	arc_buf_release(&u->query);
	arc_buf_release(&u->fragment);
	arc_buf_release(&u->user);
	arc_buf_release(&u->pass);
}

static const char *mem_find(const char *s, size_t n, char c)
{
	return n ? memchr(s, c, n) : NULL;
}

static const char *mem_rfind(const char *s, size_t n, char c)
{
	while (n-- > 0)
		if (s[n] == c)
			return s + n;
	return NULL;
}

static int valid_optional_port(const char *p, size_t n)
{
	size_t i;
	if (n == 0)
		return 1;
	if (p[0] != ':')
		return 0;
	for (i = 1; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static int bad_port(const char *p, size_t n)
{
	struct arc_buf q = ARC_BUF_INIT;
	arc_fmt_quote(&q, p, n);
	arc_error_set("invalid port %s after host", arc_buf_cstr(&q));
	arc_buf_release(&q);
	return -1;
}

/* netip.ParseAddr, reduced to what the host check needs: 4 = IPv4, 6 = IPv6, 0 = invalid */
static int ip_kind(const char *s, size_t n)
{
	size_t i = 0, groups = 0;
	int dbl = 0, ipv4tail = 0;
	const char *pct = mem_find(s, n, '%');
	if (pct) {
		if ((size_t)(pct - s) + 1 >= n)
			return 0; /* empty zone */
		n = (size_t)(pct - s);
	}
	if (!mem_find(s, n, ':')) {
		int parts = 0;
		if (pct)
			return 0;
		while (i < n) {
			size_t st = i, v = 0;
			while (i < n && s[i] >= '0' && s[i] <= '9') {
				v = v * 10 + (size_t)(s[i] - '0');
				if (v > 255 || (i > st && s[st] == '0'))
					return 0;
				i++;
			}
			if (i == st)
				return 0;
			parts++;
			if (i < n) {
				if (s[i] != '.' || i + 1 == n)
					return 0;
				i++;
			}
		}
		return parts == 4 ? 4 : 0;
	}
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		dbl = 1;
		i = 2;
	} else if (n >= 1 && s[0] == ':') {
		return 0;
	}
	while (i < n) {
		size_t st = i;
		while (i < n && is_hex((unsigned char)s[i]) && i - st < 4)
			i++;
		if (i < n && s[i] == '.') {
			/* embedded IPv4 in the last 32 bits */
			if (ip_kind(s + st, n - st) != 4)
				return 0;
			groups += 2;
			ipv4tail = 1;
			i = n;
			break;
		}
		if (i == st || (i < n && is_hex((unsigned char)s[i])))
			return 0;
		groups++;
		if (i < n) {
			if (s[i] != ':')
				return 0;
			i++;
			if (i < n && s[i] == ':') {
				if (dbl)
					return 0;
				dbl = 1;
				i++;
			} else if (i == n) {
				return 0;
			}
		}
	}
	(void)ipv4tail;
	if (groups > 8 || (!dbl && groups != 8) || (dbl && groups == 8))
		return 0;
	return 6;
}

static int parse_host(struct url *u, const char *h, size_t n)
{
	const char *ob = mem_rfind(h, n, '[');
	if (ob && ob > h)
		return arc_error_set("invalid IP-literal"), -1;
	if (ob == h && n) {
		const char *cb = mem_rfind(h, n, ']'), *name, *zone;
		size_t nlen, plen;
		struct arc_buf un = ARC_BUF_INIT;
		int kind;
		if (!cb)
			return arc_error_set("missing ']' in host"), -1;
		plen = n - (size_t)(cb + 1 - h);
		if (!valid_optional_port(cb + 1, plen))
			return bad_port(cb + 1, plen);
		name = h + 1;
		nlen = (size_t)(cb - name);
		zone = NULL;
		for (size_t k = 0; k + 3 <= nlen; k++)
			if (!memcmp(name + k, "%25", 3)) {
				zone = name + k;
				break;
			}
		if (zone) {
			if (unescape(&un, name, (size_t)(zone - name), M_HOST) < 0 ||
			    unescape(&un, zone, nlen - (size_t)(zone - name), M_ZONE) < 0) {
				arc_buf_release(&un);
				return -1;
			}
		} else if (unescape(&un, name, nlen, M_HOST) < 0) {
			arc_buf_release(&un);
			return -1;
		}
		kind = ip_kind(arc_buf_cstr(&un), un.len);
		if (kind == 0) {
			struct arc_buf q = ARC_BUF_INIT;
			arc_fmt_quote(&q, arc_buf_cstr(&un), un.len);
			arc_error_set("invalid host: ParseAddr(%s): unable to parse IP", arc_buf_cstr(&q));
			arc_buf_release(&q);
			arc_buf_release(&un);
			return -1;
		}
		if (kind == 4) {
			arc_buf_release(&un);
			return arc_error_set("invalid IP-literal"), -1;
		}
		arc_buf_putc(&u->host, '[');
		arc_buf_add(&u->host, un.ptr, un.len);
		arc_buf_putc(&u->host, ']');
		arc_buf_release(&un);
		return unescape(&u->host, cb + 1, plen, M_HOST);
	}
	{
		const char *colon = mem_rfind(h, n, ':');
		if (colon) {
			size_t plen = n - (size_t)(colon - h);
			if (!valid_optional_port(colon, plen))
				return bad_port(colon, plen);
		}
	}
	return unescape(&u->host, h, n, M_HOST);
}

static int valid_userinfo(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (c && strchr("-._:~!$&'()*+,;=%@", c))
			continue;
		return 0;
	}
	return 1;
}

static int parse_authority(struct url *u, const char *a, size_t n)
{
	const char *at = mem_rfind(a, n, '@');
	const char *ui;
	size_t uilen;
	if (!at)
		return parse_host(u, a, n);
	if (parse_host(u, at + 1, n - (size_t)(at + 1 - a)) < 0)
		return -1;
	ui = a;
	uilen = (size_t)(at - a);
	if (!valid_userinfo(ui, uilen))
		return arc_error_set("net/url: invalid userinfo"), -1;
	u->has_user = 1;
	{
		const char *colon = mem_find(ui, uilen, ':');
		if (!colon)
			return unescape(&u->user, ui, uilen, M_USER_PASSWORD);
		if (unescape(&u->user, ui, (size_t)(colon - ui), M_USER_PASSWORD) < 0)
			return -1;
		u->pass_set = 1;
		return unescape(&u->pass, colon + 1, uilen - (size_t)(colon + 1 - ui), M_USER_PASSWORD);
	}
}

/* Go's url.parse(rawURL, false) of the part before '#'; error message set */
static int parse_nofrag(struct url *u, const char *s, size_t n)
{
	const char *rest = s, *q;
	size_t rlen = n, i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
			return arc_error_set("net/url: invalid control character in URL"), -1;
	if (n == 1 && s[0] == '*') {
		arc_buf_putc(&u->path, '*');
		return 0;
	}
	/* getScheme */
	for (i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			continue;
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				break;
			continue;
		}
		if (c == ':') {
			size_t k;
			if (i == 0)
				return arc_error_set("missing protocol scheme"), -1;
			for (k = 0; k < i; k++)
				arc_buf_putc(&u->scheme, (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]));
			rest = s + i + 1;
			rlen = n - i - 1;
		}
		break;
	}
	/* query */
	q = mem_find(rest, rlen, '?');
	if (q && q == rest + rlen - 1) {
		u->force_query = 1;
		rlen--;
	} else if (q) {
		arc_buf_add(&u->query, q + 1, rlen - (size_t)(q + 1 - rest));
		rlen = (size_t)(q - rest);
	}
	if (!(rlen && rest[0] == '/')) {
		const char *slash;
		size_t seglen;
		if (u->scheme.len) {
			arc_buf_add(&u->opaque, rest, rlen);
			return 0;
		}
		slash = mem_find(rest, rlen, '/');
		seglen = slash ? (size_t)(slash - rest) : rlen;
		if (mem_find(rest, seglen, ':'))
			return arc_error_set("first path segment in URL cannot contain colon"), -1;
	}
	if ((u->scheme.len || !(rlen >= 3 && !memcmp(rest, "///", 3))) && rlen >= 2 && !memcmp(rest, "//", 2)) {
		const char *auth = rest + 2, *slash;
		size_t alen = rlen - 2;
		slash = mem_find(auth, alen, '/');
		if (slash) {
			rest = slash;
			rlen = alen - (size_t)(slash - auth);
			alen = (size_t)(slash - auth);
		} else {
			rest = auth + alen;
			rlen = 0;
		}
		if (parse_authority(u, auth, alen) < 0)
			return -1;
	} else if (u->scheme.len && rlen && rest[0] == '/') {
		u->omit_host = 1;
	}
	return unescape(&u->path, rest, rlen, M_PATH);
}

static int url_parse(struct url *u, const char *s, size_t n)
{
	const char *hash = mem_find(s, n, '#');
	size_t ulen = hash ? (size_t)(hash - s) : n;
	struct arc_buf q = ARC_BUF_INIT;
	if (parse_nofrag(u, s, ulen) < 0) {
		char *msg = xstrdup(arc_error_last());
		arc_fmt_quote(&q, s, ulen);
		arc_error_set("parse %s: %s", arc_buf_cstr(&q), msg);
		free(msg);
		arc_buf_release(&q);
		return -1;
	}
	if (hash && unescape(&u->fragment, hash + 1, n - ulen - 1, M_FRAGMENT) < 0) {
		char *msg = xstrdup(arc_error_last());
		arc_fmt_quote(&q, s, n);
		arc_error_set("parse %s: %s", arc_buf_cstr(&q), msg);
		free(msg);
		arc_buf_release(&q);
		return -1;
	}
	return 0;
}

/* url.URL.String() for a URL with no RawPath/RawFragment hints */
static void url_string(struct arc_buf *b, struct url *u)
{
	if (u->scheme.len) {
		arc_buf_add(b, u->scheme.ptr, u->scheme.len);
		arc_buf_putc(b, ':');
	}
	if (u->opaque.len) {
		arc_buf_add(b, u->opaque.ptr, u->opaque.len);
	} else {
		struct arc_buf path = ARC_BUF_INIT;
		if (u->scheme.len || u->host.len || u->has_user) {
			if (!(u->omit_host && !u->host.len && !u->has_user)) {
				if (u->host.len || u->path.len || u->has_user)
					arc_buf_puts(b, "//");
				if (u->has_user) {
					escape(b, arc_buf_cstr(&u->user), u->user.len, M_USER_PASSWORD);
					if (u->pass_set) {
						arc_buf_putc(b, ':');
						escape(b, arc_buf_cstr(&u->pass), u->pass.len, M_USER_PASSWORD);
					}
					arc_buf_putc(b, '@');
				}
				if (u->host.len)
					escape(b, u->host.ptr, u->host.len, M_HOST);
			}
		}
		if (u->path.len == 1 && u->path.ptr[0] == '*')
			arc_buf_putc(&path, '*');
		else
			escape(&path, arc_buf_cstr(&u->path), u->path.len, M_PATH);
		if (path.len && path.ptr[0] != '/' && u->host.len)
			arc_buf_putc(b, '/');
		if (b->len == 0) {
			const char *slash = mem_find(path.ptr, path.len, '/');
			size_t seg = slash ? (size_t)(slash - path.ptr) : path.len;
			if (mem_find(path.ptr, seg, ':'))
				arc_buf_puts(b, "./");
		}
		arc_buf_add(b, arc_buf_cstr(&path), path.len);
		arc_buf_release(&path);
	}
	if (u->force_query || u->query.len) {
		arc_buf_putc(b, '?');
		arc_buf_add(b, arc_buf_cstr(&u->query), u->query.len);
	}
	if (u->fragment.len) {
		arc_buf_putc(b, '#');
		escape(b, u->fragment.ptr, u->fragment.len, M_FRAGMENT);
	}
}

static arc_value *buf_str(struct arc_buf *b)
{
	return arc_v_strn(arc_buf_cstr(b), b->len);
}

static int fn_url_parse(struct arc_tpl_call *c, arc_value **out)
{
	struct url u;
	const char *s;
	size_t len;
	arc_value *m;
	int rc;

	if ((rc = arc_tpl_arg_str(c, 0, &s, &len)) < 0)
		return rc;
	url_init(&u);
	if (url_parse(&u, s, len) < 0) {
		url_release(&u);
		return arc_error_code(ARC_E_CALL, "unable to parse url: %s", arc_error_last());
	}
	m = arc_v_map();
	arc_v_map_set(m, "scheme", buf_str(&u.scheme));
	arc_v_map_set(m, "host", buf_str(&u.host));
	{
		/* Hostname(): drop a valid :port, then [brackets] */
		const char *h = arc_buf_cstr(&u.host), *colon = mem_rfind(h, u.host.len, ':');
		size_t hl = u.host.len;
		if (colon && valid_optional_port(colon, hl - (size_t)(colon - h)))
			hl = (size_t)(colon - h);
		if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
			arc_v_map_set(m, "hostname", arc_v_strn(h + 1, hl - 2));
		else
			arc_v_map_set(m, "hostname", arc_v_strn(h, hl));
	}
	arc_v_map_set(m, "path", buf_str(&u.path));
	arc_v_map_set(m, "query", buf_str(&u.query));
	arc_v_map_set(m, "opaque", buf_str(&u.opaque));
	arc_v_map_set(m, "fragment", buf_str(&u.fragment));
	if (u.has_user) {
		struct arc_buf b = ARC_BUF_INIT;
		escape(&b, arc_buf_cstr(&u.user), u.user.len, M_USER_PASSWORD);
		if (u.pass_set) {
			arc_buf_putc(&b, ':');
			escape(&b, arc_buf_cstr(&u.pass), u.pass.len, M_USER_PASSWORD);
		}
		arc_v_map_set(m, "userinfo", buf_str(&b));
		arc_buf_release(&b);
	} else {
		arc_v_map_set(m, "userinfo", arc_v_str(""));
	}
	url_release(&u);
	*out = m;
	return 0;
}

/* Sprig's dictGetOrEmpty: missing → "", non-string → panic text */
static int dict_str(arc_value *d, const char *key, struct arc_buf *dst)
{
	arc_value *v = d->kind == ARC_MAP ? arc_v_map_get(d, key) : NULL;
	if (!v)
		return 0;
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_CALL, "runtime error: invalid memory address or nil pointer dereference");
	if (v->kind != ARC_STRING || v->gotype == ARC_GO_BYTES)
		return arc_error_code(ARC_E_CALL, "unable to parse %s key, must be of type string, but %s found", key,
				      arc_v_gokind_name(v));
	arc_buf_add(dst, v->u.s.ptr, v->u.s.len);
	return 0;
}

static int fn_url_join(struct arc_tpl_call *c, arc_value **out)
{
	struct url u;
	struct arc_buf ui = ARC_BUF_INIT, b = ARC_BUF_INIT;
	arc_value *d;
	int rc;

	if ((rc = arc_tpl_arg_map(c, 0, &d)) < 0)
		return rc;
	url_init(&u);
	if ((rc = dict_str(d, "scheme", &u.scheme)) < 0 || (rc = dict_str(d, "host", &u.host)) < 0 ||
	    (rc = dict_str(d, "path", &u.path)) < 0 || (rc = dict_str(d, "query", &u.query)) < 0 ||
	    (rc = dict_str(d, "opaque", &u.opaque)) < 0 || (rc = dict_str(d, "fragment", &u.fragment)) < 0 ||
	    (rc = dict_str(d, "userinfo", &ui)) < 0)
		goto out;
	if (ui.len) {
		struct url t;
		struct arc_buf raw = ARC_BUF_INIT;
		arc_buf_puts(&raw, "proto://");
		arc_buf_add(&raw, ui.ptr, ui.len);
		arc_buf_puts(&raw, "@host");
		url_init(&t);
		if (url_parse(&t, raw.ptr, raw.len) < 0) {
			rc = arc_error_code(ARC_E_CALL, "unable to parse userinfo in dict: %s", arc_error_last());
			url_release(&t);
			arc_buf_release(&raw);
			goto out;
		}
		arc_buf_release(&raw);
		if (t.has_user) {
			u.has_user = 1;
			u.pass_set = t.pass_set;
			arc_buf_add(&u.user, arc_buf_cstr(&t.user), t.user.len);
			arc_buf_add(&u.pass, arc_buf_cstr(&t.pass), t.pass.len);
		}
		url_release(&t);
	}
	url_string(&b, &u);
	*out = buf_str(&b);
	rc = 0;
out:
	arc_buf_release(&b);
	arc_buf_release(&ui);
	url_release(&u);
	return rc;
}

const struct arc_tpl_func arc_tpl_funcs_url[] = {
	{ "urlJoin", fn_url_join, 1, 1 },
	{ "urlParse", fn_url_parse, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
