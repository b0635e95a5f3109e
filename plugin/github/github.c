/* github.c - GitHub REST client over libcurl, with App JWT authentication */
#include "github.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../base/crypto_lazy.h"
#include "../base/encoding.h"
#include "../value/codec.h"

#define GH_MAX_RESPONSE (32u << 20)
#define GH_MAX_PAGES 1000

struct arc_gh {
	CURL *curl;
	char *api;
	char *token;     /* PAT or minted installation token (secret) */
	char *app_id, *installation_id;
	char *key;       /* App private key PEM (secret) */
	size_t key_len;
	/* last answer */
	char *next;      /* Link rel="next" */
	char *scopes;    /* X-OAuth-Scopes */
	int has_scopes;
	long remaining, reset, retry_after;
	struct arc_buf *resp;
	char errbuf[CURL_ERROR_SIZE];
	void (*log)(void *ctx, int is_warning, const char *line);
	void *log_ctx;
};

char *arc_gh_api_base(const char *url)
{
	const char *h;
	size_t n;
	if (!url || !*url)
		return xstrdup("https://api.github.com");
	h = strstr(url, "://");
	h = h ? h + 3 : url;
	n = strcspn(h, "/");
	if ((n == 10 && !strncasecmp(h, "github.com", 10)) || (n == 14 && !strncasecmp(h, "api.github.com", 14)))
		return xstrdup("https://api.github.com");
	if (n > 8 && !strncasecmp(h + n - 8, ".ghe.com", 8)) {
		if (n > 4 && !strncasecmp(h, "api.", 4))
			return xasprintf("https://%.*s", (int)n, h);
		return xasprintf("https://api.%.*s", (int)n, h);
	}
	if (strstr(h, "/api/v3"))
		return xasprintf("https://%.*s/api/v3", (int)n, h);
	return xasprintf("%.*s%.*s/api/v3", (int)(h - url), url, (int)n, h);
}

static void b64url(struct arc_buf *out, const void *data, size_t len)
{
	struct arc_buf t = ARC_BUF_INIT;
	size_t i;
	arc_b64_encode(&t, data, len);
	for (i = 0; i < t.len; i++) {
		char c = t.ptr[i];
		if (c == '=')
			break;
		arc_buf_putc(out, c == '+' ? '-' : c == '/' ? '_' : c);
	}
	arc_buf_release(&t);
}

static EVP_PKEY *read_key(const char *pem, size_t len)
{
	BIO *bio;
	if (arc_crypto_load())
		return NULL;
	bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}

int arc_gh_check_private_key(const char *pem, size_t len)
{
	EVP_PKEY *k;
	if (!pem || !len)
		return arc_error_code(ARC_E_PARSE, "the GitHub App private key is empty");
	if (arc_crypto_load())
		return arc_error_code(ARC_E_FAIL, "checking the GitHub App private key: %s", arc_crypto_error());
	k = read_key(pem, len);
	if (!k)
		return arc_error_code(ARC_E_PARSE, "the GitHub App private key is not a PEM-encoded private key");
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
		EVP_PKEY_free(k);
		return arc_error_code(ARC_E_PARSE, "the GitHub App private key is not an RSA key (GitHub issues RSA keys)");
	}
	EVP_PKEY_free(k);
	return 0;
}

int arc_gh_app_jwt(const char *app_id, const char *pem, size_t pem_len, long now, char **jwt)
{
	struct arc_buf out = ARC_BUF_INIT, claims = ARC_BUF_INIT;
	EVP_PKEY *k = read_key(pem, pem_len);
	EVP_MD_CTX *md = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int rc = ARC_E_FAIL;
	const char *p;

	if (arc_crypto_load())
		return arc_error_code(ARC_E_FAIL, "signing the GitHub App JWT: %s", arc_crypto_error());
	if (!k)
		return arc_error_code(ARC_E_PARSE, "the GitHub App private key is not a PEM-encoded private key");
	b64url(&out, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", 27);
	arc_buf_putc(&out, '.');
	/* iss: a numeric app id as a number, a client id as a string */
	for (p = app_id; *p >= '0' && *p <= '9'; p++)
		;
	if (*p == '\0' && *app_id)
		arc_buf_printf(&claims, "{\"iat\":%ld,\"exp\":%ld,\"iss\":%s}", now - 60, now + 540, app_id);
	else
		arc_buf_printf(&claims, "{\"iat\":%ld,\"exp\":%ld,\"iss\":\"%s\"}", now - 60, now + 540, app_id);
	b64url(&out, claims.ptr, claims.len);
	md = EVP_MD_CTX_new();
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (unsigned char *)out.ptr, out.len) != 1) {
		rc = arc_error_code(ARC_E_FAIL, "signing the GitHub App JWT failed");
		goto done;
	}
	sig = xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (unsigned char *)out.ptr, out.len) != 1) {
		rc = arc_error_code(ARC_E_FAIL, "signing the GitHub App JWT failed");
		goto done;
	}
	arc_buf_putc(&out, '.');
	b64url(&out, sig, siglen);
	*jwt = arc_buf_detach(&out, NULL);
	rc = 0;
done:
	free(sig);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	arc_buf_release(&out);
	arc_buf_release(&claims);
	return rc;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct arc_gh *gh = ud;
	size_t n = size * nmemb;
	if (gh->resp->len + n > GH_MAX_RESPONSE)
		return 0;
	arc_buf_add(gh->resp, ptr, n);
	return n;
}

static char *header_value(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (n && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
		n--;
	return xstrndup(p, n);
}

char *arc_gh_parse_link_next(const char *value, size_t len)
{
	char *v = header_value(value, len), *p = v, *next = NULL;
	/* <url>; rel="next", <url>; rel="last" */
	while ((p = strchr(p, '<'))) {
		char *e = strchr(p, '>');
		if (!e)
			break;
		if (strstr(e, "rel=\"next\"") && (!strchr(e, ',') || strstr(e, "rel=\"next\"") < strchr(e, ','))) {
			next = xstrndup(p + 1, (size_t)(e - p - 1));
			break;
		}
		p = e;
	}
	free(v);
	return next;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct arc_gh *gh = ud;
	size_t n = size * nmemb;
	if (n > 5 && !strncasecmp(ptr, "Link:", 5)) {
		char *next = arc_gh_parse_link_next(ptr + 5, n - 5);
		if (next) {
			free(gh->next);
			gh->next = next;
		}
	} else if (n > 15 && !strncasecmp(ptr, "X-OAuth-Scopes:", 15)) {
		free(gh->scopes);
		gh->scopes = header_value(ptr + 15, n - 15);
		gh->has_scopes = 1;
	} else if (n > 22 && !strncasecmp(ptr, "X-RateLimit-Remaining:", 22)) {
		gh->remaining = strtol(ptr + 22, NULL, 10);
	} else if (n > 18 && !strncasecmp(ptr, "X-RateLimit-Reset:", 18)) {
		gh->reset = strtol(ptr + 18, NULL, 10);
	} else if (n > 12 && !strncasecmp(ptr, "Retry-After:", 12)) {
		gh->retry_after = strtol(ptr + 12, NULL, 10);
	}
	return n;
}

/* One request; url is absolute or a path under the API base. */
static int gh_do(struct arc_gh *gh, const char *method, const char *url_or_path, const char *bearer,
		 const char *body, long *status, struct arc_buf *resp)
{
	CURL *h = gh->curl;
	struct curl_slist *hdr = NULL;
	char *url = url_or_path[0] == '/' ? xasprintf("%s%s", gh->api, url_or_path) : xstrdup(url_or_path);
	char *auth;
	CURLcode cc;
	int attempt;
	struct timespec t0, t1;

	for (attempt = 0;; attempt++) {
		curl_easy_reset(h);
		arc_buf_reset(resp);
		gh->resp = resp;
		free(gh->next);
		gh->next = NULL;
		gh->retry_after = 0;
		gh->remaining = -1;
		gh->errbuf[0] = '\0';
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, gh);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, gh);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, gh->errbuf);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "kubectl-arc");
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
		hdr = curl_slist_append(NULL, "Accept: application/vnd.github+json");
		hdr = curl_slist_append(hdr, "X-GitHub-Api-Version: 2022-11-28");
		if (bearer) {
			auth = xasprintf("Authorization: Bearer %s", bearer);
			hdr = curl_slist_append(hdr, auth);
			memset(auth, 0, strlen(auth));
			free(auth);
		}
		if (body) {
			hdr = curl_slist_append(hdr, "Content-Type: application/json");
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		} else if (!strcmp(method, "POST")) {
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		}
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		cc = curl_easy_perform(h);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		{
			struct curl_slist *s;
			for (s = hdr; s; s = s->next)
				memset(s->data, 0, strlen(s->data));
		}
		curl_slist_free_all(hdr);
		hdr = NULL;
		if (cc != CURLE_OK) {
			int rc = arc_error_code(ARC_E_IO, "GitHub API %s %s: %s", method, url_or_path,
						gh->errbuf[0] ? gh->errbuf : curl_easy_strerror(cc));
			free(url);
			return rc;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
		if (gh->log) {
			char rate[48] = "";
			char *line;
			if (gh->remaining >= 0)
				snprintf(rate, sizeof(rate), ", rate limit %ld left", gh->remaining);
			line = xasprintf("GitHub %s %s %ld in %ld ms%s", method, url, *status,
					 (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000), rate);
			gh->log(gh->log_ctx, 0, line);
			free(line);
		}
		/* secondary rate limits and 5xx with Retry-After: wait a little, a few times */
		if ((*status == 429 || *status == 403 || *status >= 500) && gh->retry_after > 0 &&
		    gh->retry_after <= 60 && attempt < 3) {
			sleep((unsigned)gh->retry_after);
			continue;
		}
		break;
	}
	free(url);
	return 0;
}

int arc_gh_answer_error(long status, const char *body, size_t len, long remaining, long reset, const char *what)
{
	arc_value *doc = NULL, *m;
	const char *msg = NULL;
	char *e;
	int rc;
	if (len && arc_json_load(&doc, "github", body, len) == 0 && doc->kind == ARC_MAP &&
	    (m = arc_v_map_get(doc, "message")) && m->kind == ARC_STRING)
		msg = m->u.s.ptr;
	if (status == 401)
		rc = arc_error_code(ARC_E_HTTP, "%s: GitHub answered 401 %.200s: the token is invalid or expired", what,
				    msg ? msg : "Bad credentials");
	else if ((status == 403 || status == 429) && remaining == 0)
		rc = arc_error_code(ARC_E_HTTP, "%s: GitHub API rate limit exceeded; it resets at %s", what,
				    reset > 0 ? ctime(&(time_t){ reset }) : "an unknown time");
	else if (status == 403)
		rc = arc_error_code(ARC_E_HTTP, "%s: GitHub answered 403 %.200s: the token lacks a permission (repo "
						"runners need the repo scope or Administration read/write; org runners "
						"admin:org or Self-hosted runners read/write)",
				    what, msg ? msg : "Forbidden");
	else if (status == 404)
		rc = arc_error_code(ARC_E_NOTFOUND, "%s: GitHub answered 404 Not Found (wrong name, or the token cannot "
						    "see it)", what);
	else
		rc = arc_error_code(ARC_E_HTTP, "%s: GitHub answered %ld%s%.200s", what, status, msg ? " " : "",
				    msg ? msg : "");
	/* one line: ctime() adds a newline, and GitHub's message is the server's text */
	for (e = (char *)arc_error_last(); *e; e++)
		if ((unsigned char)*e < 0x20 || *e == 0x7f)
			*e = ' ';
	arc_v_unref(doc);
	return rc;
}

static int gh_error(struct arc_gh *gh, long status, const struct arc_buf *resp, const char *what)
{
	return arc_gh_answer_error(status, resp->ptr, resp->len, gh->remaining, gh->reset, what);
}

int arc_gh_parse_token(const char *what, const char *body, size_t len, char **token)
{
	arc_value *doc = NULL, *t = NULL;
	int rc = 0;
	if (arc_json_load(&doc, "github", body ? body : "", len) || doc->kind != ARC_MAP ||
	    !(t = arc_v_map_get(doc, "token")) || t->kind != ARC_STRING || t->u.s.len == 0 ||
	    memchr(t->u.s.ptr, '\0', t->u.s.len))
		rc = arc_error_code(ARC_E_PARSE, "%s: no token in the answer", what);
	else
		*token = xstrndup(t->u.s.ptr, t->u.s.len);
	if (t && t->kind == ARC_STRING) /* the parsed copy of the secret is wiped */
		memset(t->u.s.ptr, 0, t->u.s.len);
	arc_v_unref(doc);
	return rc;
}

int arc_gh_parse_runners(arc_value *all, const char *what, const char *body, size_t len)
{
	arc_value *doc = NULL, *runners;
	size_t i;
	if (arc_json_load(&doc, "github", body ? body : "", len) || doc->kind != ARC_MAP) {
		arc_v_unref(doc);
		return arc_error_code(ARC_E_PARSE, "%s: the answer is not the expected JSON", what);
	}
	runners = arc_v_map_get(doc, "runners");
	for (i = 0; runners && runners->kind == ARC_LIST && i < arc_v_list_len(runners); i++)
		arc_v_list_push(all, arc_v_ref(arc_v_list_at(runners, i)));
	arc_v_unref(doc);
	return 0;
}

static int mint_installation_token(struct arc_gh *gh)
{
	char *jwt = NULL, *path;
	struct arc_buf resp = ARC_BUF_INIT;
	long status = 0;
	int rc = arc_gh_app_jwt(gh->app_id, gh->key, gh->key_len, (long)time(NULL), &jwt);
	if (rc)
		return rc;
	path = xasprintf("/app/installations/%s/access_tokens", gh->installation_id);
	rc = gh_do(gh, "POST", path, jwt, NULL, &status, &resp);
	memset(jwt, 0, strlen(jwt));
	free(jwt);
	if (rc == 0 && status != 201)
		rc = gh_error(gh, status, &resp, "minting a GitHub App installation token");
	if (rc == 0)
		rc = arc_gh_parse_token("minting a GitHub App installation token", resp.ptr, resp.len, &gh->token);
	if (resp.ptr)
		memset(resp.ptr, 0, resp.len);
	arc_buf_release(&resp);
	free(path);
	return rc;
}

int arc_gh_open(struct arc_gh **out, const char *api, const struct arc_gh_auth *auth)
{
	struct arc_gh *gh = xcalloc(1, sizeof(*gh));
	if (auth) {
		gh->log = auth->log;
		gh->log_ctx = auth->log_ctx;
	}
	int rc;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	gh->curl = curl_easy_init();
	gh->api = xstrdup(api && *api ? api : "https://api.github.com");
	gh->remaining = gh->reset = -1;
	if (auth && auth->token && *auth->token) {
		gh->token = xstrdup(auth->token);
	} else if (auth && auth->app_id && auth->installation_id && auth->private_key) {
		gh->app_id = xstrdup(auth->app_id);
		gh->installation_id = xstrdup(auth->installation_id);
		gh->key = xstrndup(auth->private_key, auth->private_key_len);
		gh->key_len = auth->private_key_len;
		if ((rc = mint_installation_token(gh)) != 0) {
			arc_gh_close(gh);
			return rc;
		}
	}
	*out = gh;
	return 0;
}

void arc_gh_close(struct arc_gh *gh)
{
	if (!gh)
		return;
	if (gh->curl)
		curl_easy_cleanup(gh->curl);
	if (gh->token) {
		memset(gh->token, 0, strlen(gh->token));
		free(gh->token);
	}
	if (gh->key) {
		memset(gh->key, 0, gh->key_len);
		free(gh->key);
	}
	free(gh->app_id);
	free(gh->installation_id);
	free(gh->api);
	free(gh->next);
	free(gh->scopes);
	free(gh);
}

void arc_gh_rate(struct arc_gh *gh, long *remaining, long *reset)
{
	*remaining = gh->remaining;
	*reset = gh->reset;
}

int arc_gh_list_runners(struct arc_gh *gh, const char *scope, arc_value **out)
{
	struct arc_buf resp = ARC_BUF_INIT;
	arc_value *all = arc_v_list();
	char *url = xasprintf("/%s/actions/runners?per_page=100", scope), *what = xasprintf("listing runners of %s", scope);
	long status = 0;
	int rc = 0, pages = 0;

	while (url && rc == 0) {
		if (++pages > GH_MAX_PAGES) {
			rc = arc_error_code(ARC_E_RANGE, "%s: more than %d pages", what, GH_MAX_PAGES);
			break;
		}
		rc = gh_do(gh, "GET", url, gh->token, NULL, &status, &resp);
		free(url);
		url = NULL;
		if (rc)
			break;
		if (status != 200) {
			rc = gh_error(gh, status, &resp, what);
			break;
		}
		if ((rc = arc_gh_parse_runners(all, what, resp.ptr, resp.len)) != 0)
			break;
		if (gh->next)
			url = xstrdup(gh->next);
	}
	free(url);
	free(what);
	arc_buf_release(&resp);
	if (rc) {
		arc_v_unref(all);
		return rc;
	}
	*out = all;
	return 0;
}

int arc_gh_registration_token(struct arc_gh *gh, const char *scope, char **token)
{
	struct arc_buf resp = ARC_BUF_INIT;
	char *path = xasprintf("/%s/actions/runners/registration-token", scope);
	char *what = xasprintf("getting a runner registration token for %s", scope);
	long status = 0;
	int rc = gh_do(gh, "POST", path, gh->token, NULL, &status, &resp);
	if (rc == 0 && status != 201)
		rc = gh_error(gh, status, &resp, what);
	if (rc == 0)
		rc = arc_gh_parse_token(what, resp.ptr, resp.len, token);
	if (resp.ptr)
		memset(resp.ptr, 0, resp.len);
	arc_buf_release(&resp);
	free(path);
	free(what);
	return rc;
}

int arc_gh_token_scopes(struct arc_gh *gh, char **scopes)
{
	struct arc_buf resp = ARC_BUF_INIT;
	long status = 0;
	int rc;
	gh->has_scopes = 0;
	rc = gh_do(gh, "GET", gh->app_id ? "/installation/repositories?per_page=1" : "/user", gh->token, NULL,
		   &status, &resp);
	if (rc == 0 && status != 200)
		rc = gh_error(gh, status, &resp, "checking the GitHub token");
	if (rc == 0)
		*scopes = xstrdup(gh->has_scopes && gh->scopes ? gh->scopes : "");
	arc_buf_release(&resp);
	return rc;
}
