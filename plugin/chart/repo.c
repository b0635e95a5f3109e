/* repo.c - chart repositories: index.yaml, version choice, download, digest
 * check, and the named-repository list (helm v4 pkg/repo, pkg/downloader) */
/* SHA256_Init & co. are "deprecated" in OpenSSL 3 in favour of EVP, which drags the whole
 * provider machinery into a static link; the low-level functions stay supported */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "repo.h"
#include "load.h"
#include "../gotmpl/semver.h"
#include "../value/codec.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* ================= HTTP ================= */

struct body {
	struct arc_buf b;
	size_t max;
	int over;
	char reason[128]; /* of the last status line ("404 File not found" → "File not found") */
};

static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct body *bd = ctx;
	size_t len = size * n, i = 0, k;
	if (len > 5 && memcmp(p, "HTTP/", 5) == 0) {
		bd->reason[0] = '\0';
		while (i < len && p[i] != ' ')
			i++;
		while (i < len && p[i] == ' ')
			i++;
		while (i < len && p[i] >= '0' && p[i] <= '9')
			i++;
		while (i < len && p[i] == ' ')
			i++;
		for (k = 0; i < len && p[i] != '\r' && p[i] != '\n' && k + 1 < sizeof(bd->reason); i++)
			bd->reason[k++] = p[i];
		bd->reason[k] = '\0';
	}
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct body *bd = ctx;
	size_t len = size * n;
	if (bd->b.len + len > bd->max) {
		bd->over = 1;
		return 0;
	}
	arc_buf_add(&bd->b, p, len);
	return len;
}

static const char *status_text(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

int arc_repo_http_get(char **data, size_t *len, const char *url, size_t max, const struct arc_repo_http *h)
{
	static int inited;
	CURL *c;
	CURLcode cr;
	struct body bd;
	char errbuf[CURL_ERROR_SIZE] = "";
	long code = 0;
	int rc = 0;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return arc_error_code(ARC_E_USAGE, "could not find protocol handler for: %.*s",
				      (int)(strstr(url, "://") ? (size_t)(strstr(url, "://") - url) : strlen(url)), url);
	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	c = curl_easy_init();
	if (!c)
		return arc_error_code(ARC_E_NOMEM, "cannot start an HTTP request");
	memset(&bd, 0, sizeof(bd));
	bd.max = max;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bd);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &bd);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "Helm/4.1.4 (kubectl-arc/" ARC_VERSION ")");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (h) {
		if (h->ca_file)
			curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
		if (h->cert_file)
			curl_easy_setopt(c, CURLOPT_SSLCERT, h->cert_file);
		if (h->key_file)
			curl_easy_setopt(c, CURLOPT_SSLKEY, h->key_file);
		if (h->insecure) {
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
			curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
		}
		if (h->username || h->password) {
			curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(c, CURLOPT_USERNAME, h->username ? h->username : "");
			curl_easy_setopt(c, CURLOPT_PASSWORD, h->password ? h->password : "");
			if (h->pass_credentials)
				curl_easy_setopt(c, CURLOPT_UNRESTRICTED_AUTH, 1L);
		}
	}
	cr = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (bd.over) {
		rc = arc_error_code(ARC_E_RANGE, "failed to fetch %s : response larger than %zu bytes", url, max);
	} else if (cr != CURLE_OK) {
		rc = arc_error_code(ARC_E_HTTP, "failed to fetch %s : %s", url,
				    errbuf[0] ? errbuf : curl_easy_strerror(cr));
	} else if (code >= 400) {
		rc = arc_error_code(ARC_E_HTTP, "failed to fetch %s : %ld %s", url, code,
				    bd.reason[0] ? bd.reason : status_text(code));
	}
	curl_easy_cleanup(c);
	if (rc) {
		arc_buf_release(&bd.b);
		return rc;
	}
	*len = bd.b.len;
	*data = arc_buf_detach(&bd.b, NULL);
	return 0;
}

/* ================= index.yaml ================= */

static int cmp_versions_desc(const void *a, const void *b)
{
	arc_value *x = *(arc_value *const *)a, *y = *(arc_value *const *)b;
	arc_value *xv = x->kind == ARC_MAP ? arc_v_map_get(x, "version") : NULL;
	arc_value *yv = y->kind == ARC_MAP ? arc_v_map_get(y, "version") : NULL;
	struct arc_semver sx, sy;
	int px, py, c;
	const char *xs = xv && xv->kind == ARC_STRING ? arc_v_strptr(xv) : "";
	const char *ys = yv && yv->kind == ARC_STRING ? arc_v_strptr(yv) : "";
	px = arc_semver_parse(&sx, xs, strlen(xs)) == 0;
	py = arc_semver_parse(&sy, ys, strlen(ys)) == 0;
	/* helm's SortEntries: unparsable versions sort by string, before the others */
	if (!px || !py) {
		c = !px && !py ? strcmp(ys, xs) : !px ? 1 : -1;
	} else {
		c = arc_semver_compare(&sy, &sx);
	}
	if (px)
		arc_semver_release(&sx);
	if (py)
		arc_semver_release(&sy);
	arc_error_clear();
	return c;
}

int arc_repo_index_parse(arc_value **out, const char *data, size_t len, const char *url)
{
	arc_value *ix = NULL, *entries, *av;
	size_t i;
	int rc = arc_yaml_load(&ix, "", data, len, 0);
	if (rc) {
		arc_error_prefix("%s: error unmarshaling index", url);
		return rc;
	}
	if (ix->kind != ARC_MAP) {
		arc_v_unref(ix);
		return arc_error_code(ARC_E_PARSE, "%s: not a chart repository index (not a mapping)", url);
	}
	av = arc_v_map_get(ix, "apiVersion");
	if (!av || av->kind != ARC_STRING || !arc_v_strlen(av)) {
		arc_v_unref(ix);
		return arc_error_code(ARC_E_PARSE, "looks like \"%s\" is not a valid chart repository or cannot be "
						   "reached: no API version specified", url);
	}
	entries = arc_v_map_get(ix, "entries");
	if (entries && entries->kind == ARC_MAP) {
		for (i = 0; i < arc_v_map_len(entries); i++) {
			arc_value *l = arc_v_map_val(entries, i);
			if (l->kind == ARC_LIST && l->u.l.len > 1)
				qsort(l->u.l.items, l->u.l.len, sizeof(arc_value *), cmp_versions_desc);
		}
	}
	*out = ix;
	return 0;
}

static char *trim_slash(const char *url)
{
	size_t n = strlen(url);
	while (n && url[n - 1] == '/')
		n--;
	return xstrndup(url, n);
}

int arc_repo_index_fetch(arc_value **out, const char *repo_url, const struct arc_repo_http *h)
{
	char *base = trim_slash(repo_url), *u = xasprintf("%s/index.yaml", base), *data = NULL;
	size_t len = 0;
	int rc = arc_repo_http_get(&data, &len, u, ARC_REPO_MAX_INDEX, h);
	if (rc) {
		arc_error_prefix("looks like \"%s\" is not a valid chart repository or cannot be reached", repo_url);
	} else {
		rc = arc_repo_index_parse(out, data, len, repo_url);
	}
	free(data);
	free(u);
	free(base);
	return rc;
}

static const char *entry_str(arc_value *e, const char *key)
{
	arc_value *v = e && e->kind == ARC_MAP ? arc_v_map_get(e, key) : NULL;
	return v && v->kind == ARC_STRING ? arc_v_strptr(v) : NULL;
}

int arc_repo_index_get(arc_value **entry, arc_value *index, const char *name, const char *version,
		       const char *repo_url)
{
	arc_value *entries = arc_v_map_get(index, "entries"), *vs;
	const char *cons = version && *version ? version : "*";
	size_t i, n;
	char *what = version && *version ? xasprintf("chart \"%s\" version \"%s\"", name, version)
					 : xasprintf("chart \"%s\"", name);
	int rc;

	vs = entries && entries->kind == ARC_MAP ? arc_v_map_get(entries, name) : NULL;
	n = vs && vs->kind == ARC_LIST ? arc_v_list_len(vs) : 0;
	if (version && *version) {
		for (i = 0; i < n; i++) {
			const char *v = entry_str(arc_v_list_at(vs, i), "version");
			if (v && strcmp(v, version) == 0) {
				*entry = arc_v_list_at(vs, i);
				free(what);
				return 0;
			}
		}
	}
	for (i = 0; i < n; i++) {
		const char *v = entry_str(arc_v_list_at(vs, i), "version");
		struct arc_semver sv;
		int ok = 0;
		if (!v || arc_semver_parse(&sv, v, strlen(v)) != 0)
			continue;
		rc = arc_semver_satisfies(cons, strlen(cons), &sv, &ok);
		arc_semver_release(&sv);
		if (rc) {
			/* a bad constraint: helm reports "not found" as well */
			break;
		}
		if (ok) {
			*entry = arc_v_list_at(vs, i);
			free(what);
			arc_error_clear();
			return 0;
		}
	}
	rc = arc_error_code(ARC_E_NOTFOUND, "%s not found in %s repository", what, repo_url);
	free(what);
	return rc;
}

char *arc_repo_resolve_url(const char *repo_url, const char *ref)
{
	const char *scheme_end, *host_end;
	char *base, *r;
	size_t n;
	if (strstr(ref, "://"))
		return xstrdup(ref);
	scheme_end = strstr(repo_url, "://");
	if (ref[0] == '/' && scheme_end) {
		host_end = strchr(scheme_end + 3, '/');
		n = host_end ? (size_t)(host_end - repo_url) : strlen(repo_url);
		return xasprintf("%.*s%s", (int)n, repo_url, ref);
	}
	/* the repository URL as a directory (a trailing '/'), the query dropped */
	n = strcspn(repo_url, "?#");
	base = xstrndup(repo_url, n);
	while (n && base[n - 1] == '/')
		base[--n] = '\0';
	r = xasprintf("%s/%s", base, ref);
	free(base);
	return r;
}

void arc_repo_sha256(char hex[65], const void *data, size_t len)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	unsigned i;
	static const char digits[] = "0123456789abcdef";
	SHA256_CTX ctx;
	/* the one-shot SHA256() goes through EVP and would link OpenSSL's provider machinery */
	SHA256_Init(&ctx);
	SHA256_Update(&ctx, data, len);
	SHA256_Final(d, &ctx);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

static const char *url_host_end(const char *u)
{
	const char *s = strstr(u, "://");
	if (!s)
		return u;
	s += 3;
	return s + strcspn(s, "/?#");
}

int arc_repo_pull(struct arc_chart **out, const char *repo_url, arc_value *index, const char *name,
		  const char *version, const struct arc_repo_http *h)
{
	arc_value *ix = index ? arc_v_ref(index) : NULL, *entry, *urls;
	char *url = NULL, *data = NULL;
	size_t len = 0;
	const char *digest;
	struct arc_repo_http h2;
	int rc;

	if (!ix && (rc = arc_repo_index_fetch(&ix, repo_url, h)) != 0)
		return rc;
	if ((rc = arc_repo_index_get(&entry, ix, name, version, repo_url)) != 0)
		goto out;
	urls = arc_v_map_get(entry, "urls");
	if (!urls || urls->kind != ARC_LIST || !arc_v_list_len(urls) || arc_v_list_at(urls, 0)->kind != ARC_STRING) {
		if (version && *version)
			rc = arc_error_code(ARC_E_NOTFOUND, "chart \"%s\" version \"%s\" has no downloadable URLs", name,
					    version);
		else
			rc = arc_error_code(ARC_E_NOTFOUND, "chart \"%s\" has no downloadable URLs", name);
		goto out;
	}
	url = arc_repo_resolve_url(repo_url, arc_v_strptr(arc_v_list_at(urls, 0)));
	/* credentials go only to the repository's own host (unless told otherwise) */
	memset(&h2, 0, sizeof(h2));
	if (h)
		h2 = *h;
	if (!h2.pass_credentials) {
		const char *a = url_host_end(repo_url), *b = url_host_end(url);
		if ((size_t)(a - repo_url) != (size_t)(b - url) || strncasecmp(repo_url, url, (size_t)(a - repo_url)) != 0)
			h2.username = h2.password = NULL;
	}
	if ((rc = arc_repo_http_get(&data, &len, url, ARC_CHART_MAX_SIZE, &h2)) != 0)
		goto out;
	digest = entry_str(entry, "digest");
	if (digest && *digest) {
		char hex[65];
		const char *want = strncmp(digest, "sha256:", 7) == 0 ? digest + 7 : digest;
		arc_repo_sha256(hex, data, len);
		if (strcasecmp(hex, want) != 0) {
			rc = arc_error_code(ARC_E_PARSE, "%s: digest mismatch: the index says sha256 %s, the download has %s",
					    url, want, hex);
			goto out;
		}
	}
	{
		const char *base = strrchr(url, '/');
		rc = arc_chart_load_archive(out, base ? base + 1 : url, data, len);
	}
out:
	free(data);
	free(url);
	arc_v_unref(ix);
	return rc;
}

/* ================= named repositories ================= */

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *x = getenv(var), *home = getenv("HOME");
	if (x && *x)
		return xasprintf("%s/kubectl-arc", x);
	return xasprintf("%s/%s/kubectl-arc", home && *home ? home : ".", fallback);
}

char *arc_repo_config_path(void)
{
	char *d = xdg_dir("XDG_CONFIG_HOME", ".config"), *p = xasprintf("%s/repositories.yaml", d);
	free(d);
	return p;
}

char *arc_repo_cache_path(const char *name)
{
	char *d = xdg_dir("XDG_CACHE_HOME", ".cache"), *p = xasprintf("%s/repository/%s-index.yaml", d, name);
	free(d);
	return p;
}

int arc_repo_file_load(struct arc_repo_file *out, const char *path)
{
	char *data = NULL;
	size_t len = 0, i;
	arc_value *v = NULL, *l;
	struct stat st;
	int rc;
	memset(out, 0, sizeof(*out));
	if (stat(path, &st) != 0 && errno == ENOENT)
		return 0;
	if ((rc = arc_read_file(path, 1u << 20, &data, &len)) != 0)
		return rc;
	rc = arc_yaml_load(&v, path, data, len, 0);
	free(data);
	if (rc)
		return rc;
	l = v->kind == ARC_MAP ? arc_v_map_get(v, "repositories") : NULL;
	for (i = 0; l && l->kind == ARC_LIST && i < arc_v_list_len(l); i++) {
		arc_value *e = arc_v_list_at(l, i);
		const char *n = entry_str(e, "name"), *u = entry_str(e, "url");
		if (n && u)
			arc_repo_file_set(out, n, u);
	}
	arc_v_unref(v);
	return 0;
}

static int mkdirs_for(const char *file)
{
	char *d = xstrdup(file), *p;
	int rc = 0;
	for (p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			rc = arc_error_code(ARC_E_IO, "mkdir %s: %s", d, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(d);
	return rc;
}

int arc_repo_file_save(const struct arc_repo_file *f, const char *path)
{
	arc_value *m = arc_v_map(), *l = arc_v_list();
	struct arc_buf b = ARC_BUF_INIT;
	char *tmp;
	FILE *fp;
	size_t i;
	int rc;
	arc_v_map_set(m, "apiVersion", arc_v_str("v1"));
	for (i = 0; i < f->n; i++) {
		arc_value *e = arc_v_map();
		arc_v_map_set(e, "name", arc_v_str(f->v[i].name));
		arc_v_map_set(e, "url", arc_v_str(f->v[i].url));
		arc_v_list_push(l, e);
	}
	arc_v_map_set(m, "repositories", l);
	arc_yaml_dump(&b, m);
	arc_v_unref(m);
	if ((rc = mkdirs_for(path)) != 0) {
		arc_buf_release(&b);
		return rc;
	}
	tmp = xasprintf("%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp) {
		rc = arc_error_code(ARC_E_IO, "open %s: %s", tmp, strerror(errno));
	} else {
		if (fwrite(b.ptr ? b.ptr : "", 1, b.len, fp) != b.len)
			rc = arc_error_code(ARC_E_IO, "write %s: %s", tmp, strerror(errno));
		if (fclose(fp) != 0 && !rc)
			rc = arc_error_code(ARC_E_IO, "write %s: %s", tmp, strerror(errno));
		if (!rc && rename(tmp, path) != 0)
			rc = arc_error_code(ARC_E_IO, "rename %s: %s", path, strerror(errno));
		if (rc)
			remove(tmp);
	}
	free(tmp);
	arc_buf_release(&b);
	return rc;
}

void arc_repo_file_release(struct arc_repo_file *f)
{
	size_t i;
	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].url);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const struct arc_repo *arc_repo_file_get(const struct arc_repo_file *f, const char *name)
{
	size_t i;
	for (i = 0; i < f->n; i++)
		if (strcmp(f->v[i].name, name) == 0)
			return &f->v[i];
	return NULL;
}

void arc_repo_file_set(struct arc_repo_file *f, const char *name, const char *url)
{
	size_t i;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) == 0) {
			free(f->v[i].url);
			f->v[i].url = xstrdup(url);
			return;
		}
	}
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n].name = xstrdup(name);
	f->v[f->n].url = xstrdup(url);
	f->n++;
}

int arc_repo_file_remove(struct arc_repo_file *f, const char *name)
{
	size_t i;
	for (i = 0; i < f->n; i++) {
		if (strcmp(f->v[i].name, name) == 0) {
			free(f->v[i].name);
			free(f->v[i].url);
			memmove(&f->v[i], &f->v[i + 1], (f->n - i - 1) * sizeof(*f->v));
			f->n--;
			return 0;
		}
	}
	return arc_error_code(ARC_E_NOTFOUND, "no repo named \"%s\" found", name);
}
