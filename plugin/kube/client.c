/* client.c - the HTTP side of the Kubernetes client: one reused libcurl
 * handle (HTTP/2 where offered), TLS as the kubeconfig says, bearer/basic/
 * client-certificate/exec credentials, impersonation, retries of 429/5xx
 * with Retry-After and of dropped connections, Warning headers, and API
 * Status objects turned into one clear line. */
#include "internal.h"

#include <curl/curl.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../value/codec.h"

#ifndef ARC_VERSION
#define ARC_VERSION "0.0.0-dev"
#endif

#define MAX_RESPONSE (256u << 20) /* the largest API answer accepted */
#define MAX_RETRIES 10
#define CONNECT_TIMEOUT_MS 30000L /* TCP + TLS handshake, when --request-timeout does not say less */
/* Without --request-timeout, a request (not a watch) whose connection carries no byte for this
 * long is given up: the API server itself ends any such request after 60 s (its own
 * --request-timeout), so only a stalled server or network is cut. */
#define STALL_TIMEOUT_S 75L

/* what one transfer collects besides its body */
struct xfer {
	struct arc_kube *k;
	struct arc_buf *resp;
	int resp_over;
	long retry_after;
	char errbuf[CURL_ERROR_SIZE];
};

struct arc_kube {
	struct arc_kube_config *cfg;
	CURL *curl;
	struct arc_kube_cred cred; /* from the exec plugin */
	arc_kube_log_fn log;
	void *log_ctx;
	char **warned; /* warnings already reported (kubectl deduplicates) */
	size_t nwarned;
	char *base;        /* server URL without a trailing '/', host replaced by tls-server-name */
	char *connect_to;  /* CURLOPT_CONNECT_TO entry when tls-server-name is set */
	arc_value *discovery; /* api.c's resource map (owned) */
	CURLSH *share;     /* the connection cache, shared with arc_kube_get_many's transfers */
	/* per-request scratch */
	struct xfer x;
	arc_kube_line_fn line_fn; /* streaming: called per line of the body */
	void *line_ctx;
	int line_stop;
	size_t lines; /* lines passed to line_fn by this request */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

arc_value **arc_kube_discovery_slot(struct arc_kube *k)
{
	return &k->discovery;
}

struct arc_kube_config *arc_kube_cfg(struct arc_kube *k)
{
	return k->cfg;
}

void arc_kube_set_log(struct arc_kube *k, arc_kube_log_fn fn, void *ctx)
{
	k->log = fn;
	k->log_ctx = ctx;
}

static void logf_(struct arc_kube *k, int warning, const char *fmt, ...) ARC_PRINTF(3, 4);
static void logf_(struct arc_kube *k, int warning, const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	if (!k->log)
		return;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	k->log(k->log_ctx, warning, arc_buf_cstr(&b));
	arc_buf_release(&b);
}

/* split "https://host:port/prefix" and build the URL base and CONNECT_TO for tls-server-name */
static int setup_base(struct arc_kube *k)
{
	const char *s = k->cfg->server, *hp, *end;
	char *host, *port;
	size_t n = strlen(s);
	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
		return arc_error_code(ARC_E_USAGE, "server address \"%s\" must start with https:// (from %s)", s,
				      k->cfg->origin ? k->cfg->origin : "the kubeconfig");
	while (n && s[n - 1] == '/')
		n--;
	if (!k->cfg->tls_server_name) {
		k->base = xstrndup(s, n);
		return 0;
	}
	hp = strstr(s, "://") + 3;
	end = hp;
	if (*end == '[') {
		while (*end && *end != ']')
			end++;
		if (*end)
			end++;
	} else {
		while (*end && *end != ':' && *end != '/')
			end++;
	}
	host = xstrndup(hp, (size_t)(end - hp));
	if (*end == ':') {
		const char *pe = end + 1;
		while (*pe && *pe != '/')
			pe++;
		port = xstrndup(end + 1, (size_t)(pe - end - 1));
		end = pe;
	} else {
		port = xstrdup(!strncmp(s, "https", 5) ? "443" : "80");
	}
	k->base = xasprintf("%.*s%s:%s%.*s", (int)(hp - s), s, k->cfg->tls_server_name, port,
			    (int)(end < s + n ? (size_t)(s + n - end) : 0), end);
	k->connect_to = xasprintf("%s:%s:%s:%s", k->cfg->tls_server_name, port, host, port);
	free(host);
	free(port);
	return 0;
}

int arc_kube_open(struct arc_kube **out, const struct arc_kube_flags *flags)
{
	struct arc_kube *k;
	struct arc_kube_config *cfg = NULL;
	int rc = arc_kube_config_load(&cfg, flags);
	if (rc)
		return rc;
	pthread_once(&curl_once, curl_init_once);
	k = xcalloc(1, sizeof(*k));
	k->cfg = cfg;
	if ((rc = setup_base(k)) != 0) {
		arc_kube_close(k);
		return rc;
	}
	k->x.k = k;
	k->curl = curl_easy_init();
	if (!k->curl) {
		arc_kube_close(k);
		return arc_error_code(ARC_E_FAIL, "cannot initialise libcurl");
	}
	/* one connection cache for every transfer of this client, so that the concurrent GETs of
	 * arc_kube_get_many() run as streams of the HTTP/2 connection already open.  A client is
	 * used by one thread at a time, so the share needs no locks. */
	k->share = curl_share_init();
	if (k->share && curl_share_setopt(k->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
		curl_share_cleanup(k->share);
		k->share = NULL;
	}
	*out = k;
	return 0;
}

void arc_kube_close(struct arc_kube *k)
{
	size_t i;
	if (!k)
		return;
	if (k->curl)
		curl_easy_cleanup(k->curl);
	if (k->share)
		curl_share_cleanup(k->share);
	arc_kube_cred_clear(&k->cred);
	for (i = 0; i < k->nwarned; i++)
		free(k->warned[i]);
	free(k->warned);
	free(k->base);
	free(k->connect_to);
	arc_v_unref(k->discovery);
	arc_kube_config_free(k->cfg);
	free(k);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	struct arc_kube *k = x->k;
	struct arc_buf *r = x->resp;
	size_t n = size * nmemb;
	if (x == &k->x && k->line_fn) {
		char *nl;
		arc_buf_add(r, ptr, n);
		while ((nl = memchr(r->ptr, '\n', r->len)) != NULL) {
			size_t ll = (size_t)(nl - r->ptr);
			*nl = '\0';
			if (ll) {
				k->lines++;
				if (k->line_fn(k->line_ctx, r->ptr, ll)) {
					k->line_stop = 1;
					return 0;
				}
			}
			memmove(r->ptr, nl + 1, r->len - ll - 1);
			r->len -= ll + 1;
			r->ptr[r->len] = '\0';
		}
		if (r->len > (64u << 20)) {
			x->resp_over = 1;
			return 0;
		}
		return n;
	}
	if (r->len + n > MAX_RESPONSE) {
		x->resp_over = 1;
		return 0; /* abort the transfer */
	}
	arc_buf_add(r, ptr, n);
	return n;
}

static void report_warning(struct arc_kube *k, const char *text, size_t n)
{
	size_t i;
	for (i = 0; i < k->nwarned; i++)
		if (strlen(k->warned[i]) == n && !memcmp(k->warned[i], text, n))
			return;
	k->warned = xrealloc(k->warned, (k->nwarned + 1) * sizeof(char *));
	k->warned[k->nwarned++] = xstrndup(text, n);
	logf_(k, 1, "%.*s", (int)n, text);
}

/* Warning: 299 - "text", 299 - "other" */
static void parse_warning(struct arc_kube *k, const char *v, size_t n)
{
	const char *p = v, *end = v + n;
	while (p < end) {
		struct arc_buf t = ARC_BUF_INIT;
		while (p < end && (isspace((unsigned char)*p) || *p == ','))
			p++;
		while (p < end && !isspace((unsigned char)*p)) /* code */
			p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		while (p < end && !isspace((unsigned char)*p)) /* agent */
			p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '"')
			return;
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			arc_buf_putc(&t, *p);
		}
		if (p < end)
			p++;
		while (p < end && *p != ',') /* optional date */
			p++;
		if (t.len)
			report_warning(k, t.ptr, t.len);
		arc_buf_release(&t);
	}
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	struct arc_kube *k = x->k;
	size_t n = size * nmemb, vl;
	const char *v;
	if (n > 12 && !strncasecmp(ptr, "Retry-After:", 12)) {
		x->retry_after = strtol(ptr + 12, NULL, 10);
		if (x->retry_after <= 0)
			x->retry_after = 1;
	} else if (n > 8 && !strncasecmp(ptr, "Warning:", 8)) {
		v = ptr + 8;
		vl = n - 8;
		while (vl && (v[vl - 1] == '\n' || v[vl - 1] == '\r'))
			vl--;
		parse_warning(k, v, vl);
	}
	return n;
}

static int token_from_file(struct arc_kube *k, char **out)
{
	char *data;
	size_t len;
	if (arc_read_file(k->cfg->token_file, 1u << 20, &data, &len))
		return arc_error_code(ARC_E_IO, "reading tokenFile %s of user \"%s\": %s", k->cfg->token_file,
				      k->cfg->user_name ? k->cfg->user_name : "", arc_error_last());
	while (len && (data[len - 1] == '\n' || data[len - 1] == '\r' || data[len - 1] == ' '))
		data[--len] = '\0';
	*out = data;
	return 0;
}

static int ensure_exec_cred(struct arc_kube *k, int force)
{
	if (!k->cfg->exec)
		return 0;
	if (!force && k->cred.valid && (k->cred.expiry == 0 || k->cred.expiry > time(NULL) + 10))
		return 0;
	if (k->cfg->verbosity > 0)
		logf_(k, 0, "running exec credential plugin %s for user \"%s\"%s", k->cfg->exec->command,
		      k->cfg->user_name ? k->cfg->user_name : "",
		      force ? " (the server rejected the cached credential)"
			    : k->cred.valid ? " (the cached credential expired)" : "");
	return arc_kube_exec_run(k->cfg, &k->cred);
}

static const char *curl_reason(struct arc_kube *k, CURLcode cc)
{
	return k->x.errbuf[0] ? k->x.errbuf : curl_easy_strerror(cc);
}

/* what bounded a request that timed out */
enum limit { LIM_CONNECT, LIM_REQUEST, LIM_STREAM, LIM_STALL };

static int transport_error(struct arc_kube *k, CURLcode cc, const char *method, const char *url, enum limit lim,
			   long limit_ms)
{
	const struct arc_kube_config *c = k->cfg;
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
		return arc_error_code(ARC_E_IO,
				      "unable to connect to the server %s: connection refused (is the cluster running, "
				      "and is the server address of cluster \"%s\" in %s right?)",
				      c->server, c->cluster_name ? c->cluster_name : "", c->origin ? c->origin : "?");
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return arc_error_code(ARC_E_IO, "unable to connect to the server %s: %s", c->server,
				      curl_reason(k, cc));
	case CURLE_PEER_FAILED_VERIFICATION:
#if LIBCURL_VERSION_NUM < 0x073e00
	case CURLE_SSL_CACERT:
#endif
		return arc_error_code(ARC_E_IO,
				      "TLS verification of the server %s failed: %s (check certificate-authority-data "
				      "and tls-server-name of cluster \"%s\" in %s)",
				      c->server, curl_reason(k, cc), c->cluster_name ? c->cluster_name : "",
				      c->origin ? c->origin : "?");
	case CURLE_SSL_CACERT_BADFILE:
		return arc_error_code(ARC_E_IO,
				      "the certificate authority of cluster \"%s\" in %s cannot be used: %s (certificate-"
				      "authority or certificate-authority-data must hold PEM certificates)",
				      c->cluster_name ? c->cluster_name : "", c->origin ? c->origin : "?",
				      curl_reason(k, cc));
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
		return arc_error_code(ARC_E_IO,
				      "the client certificate or key of user \"%s\" cannot be used: %s (do they match?)",
				      c->user_name ? c->user_name : "", curl_reason(k, cc));
	case CURLE_OPERATION_TIMEDOUT:
		switch (lim) {
		case LIM_CONNECT:
			return arc_error_code(ARC_E_IO, "%s %s: could not connect within %ld s (no answer to the TCP or "
							"TLS handshake)", method, url, limit_ms / 1000);
		case LIM_STALL:
			return arc_error_code(ARC_E_IO, "%s %s: the server sent nothing for %ld s (a stalled server or "
							"network; --request-timeout sets a limit of your own)", method, url,
					      limit_ms / 1000);
		case LIM_STREAM:
			return arc_error_code(ARC_E_IO, "%s %s: the watch was not closed by the server after %ld s",
					      method, url, limit_ms / 1000);
		case LIM_REQUEST:
			break;
		}
		if (limit_ms % 1000 == 0)
			return arc_error_code(ARC_E_IO, "%s %s: no answer within %lds (--request-timeout)", method, url,
					      limit_ms / 1000);
		return arc_error_code(ARC_E_IO, "%s %s: no answer within %ldms (--request-timeout)", method, url,
				      limit_ms);
	case CURLE_WRITE_ERROR:
		if (k->x.resp_over)
			return arc_error_code(ARC_E_RANGE, "%s %s: the answer is larger than %u MiB", method, url,
					      MAX_RESPONSE >> 20);
		/* fallthrough */
	default:
		return arc_error_code(ARC_E_IO, "%s %s: %s", method, url, curl_reason(k, cc));
	}
}

static int retriable_transport(CURLcode cc)
{
	return cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
	       cc == CURLE_PARTIAL_FILE || cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM;
}

/* Set h up for one request; x collects what the transfer returns.  *hdr and *conn receive the lists
 * the handle uses, for free_lists() after the transfer.  timeout_ms > 0 bounds the whole attempt;
 * 0 with stall_guard set gives up on a connection silent for STALL_TIMEOUT_S. */
static int setup_transfer(struct arc_kube *k, CURL *h, struct xfer *x, const char *method, const char *url,
			  const char *accept, const char *ctype, const char *body, size_t blen,
			  struct arc_buf *resp, long timeout_ms, int stall_guard, struct curl_slist **hdrp,
			  struct curl_slist **connp)
{
	const struct arc_kube_config *c = k->cfg;
	struct curl_slist *hdr = NULL, *conn = NULL;
	char *tok = NULL, *line;
	size_t i;

	*hdrp = *connp = NULL;
	curl_easy_reset(h);
	x->k = k;
	x->errbuf[0] = '\0';
	x->retry_after = 0;
	x->resp = resp;
	x->resp_over = 0;
	arc_buf_reset(resp);
	if (k->share)
		curl_easy_setopt(h, CURLOPT_SHARE, k->share);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 timeout_ms > 0 && timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
	if (timeout_ms > 0) {
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	} else if (stall_guard) {
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, STALL_TIMEOUT_S);
	}
	curl_easy_setopt(h, CURLOPT_USERAGENT, "kubectl-arc/" ARC_VERSION " (linux/amd64) kubernetes/unknown");
	if (!c->disable_compression)
		curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	if (c->proxy_url)
		curl_easy_setopt(h, CURLOPT_PROXY, c->proxy_url);
	if (k->connect_to) {
		conn = curl_slist_append(NULL, k->connect_to);
		curl_easy_setopt(h, CURLOPT_CONNECT_TO, conn);
	}
	/* TLS */
	if (c->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	} else if (c->ca_data) {
		struct curl_blob blob = { c->ca_data, c->ca_len, CURL_BLOB_NOCOPY };
		curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
	}
	{
		const char *cert = k->cred.cert ? k->cred.cert : c->cert_data;
		const char *key = k->cred.key ? k->cred.key : c->key_data;
		size_t cl = k->cred.cert ? k->cred.cert_len : c->cert_len;
		size_t kl = k->cred.key ? k->cred.key_len : c->key_len;
		if (cert && key) {
			struct curl_blob cb = { (void *)cert, cl, CURL_BLOB_COPY };
			struct curl_blob kb = { (void *)key, kl, CURL_BLOB_COPY };
			curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cb);
			curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
			curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &kb);
			curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
		}
	}
	/* credentials */
	if (k->cred.token) {
		tok = xstrdup(k->cred.token);
	} else if (c->token) {
		tok = xstrdup(c->token);
	} else if (c->token_file) {
		int rc = token_from_file(k, &tok);
		if (rc) {
			curl_slist_free_all(conn);
			return rc;
		}
	}
	if (tok) {
		line = xasprintf("Authorization: Bearer %s", tok);
		hdr = curl_slist_append(hdr, line);
		memset(line, 0, strlen(line));
		free(line);
		memset(tok, 0, strlen(tok));
		free(tok);
	} else if (c->username || c->password) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, c->username ? c->username : "");
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	if (c->impersonate) {
		line = xasprintf("Impersonate-User: %s", c->impersonate);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	if (c->impersonate_uid) {
		line = xasprintf("Impersonate-Uid: %s", c->impersonate_uid);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	for (i = 0; c->impersonate_groups && c->impersonate_groups[i]; i++) {
		line = xasprintf("Impersonate-Group: %s", c->impersonate_groups[i]);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	line = xasprintf("Accept: %s", accept ? accept : "application/json");
	hdr = curl_slist_append(hdr, line);
	free(line);
	if (body) {
		line = xasprintf("Content-Type: %s", ctype ? ctype : "application/json");
		hdr = curl_slist_append(hdr, line);
		free(line);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)blen);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);

	*hdrp = hdr;
	*connp = conn;
	return 0;
}

/* after a transfer: the header list held the bearer token, so it is wiped before it is freed */
static void free_lists(struct curl_slist *hdr, struct curl_slist *conn)
{
	struct curl_slist *s;
	for (s = hdr; s; s = s->next)
		memset(s->data, 0, strlen(s->data));
	curl_slist_free_all(hdr);
	curl_slist_free_all(conn);
}

/* One attempt on the client's own handle.  *connected tells whether the TCP+TLS handshake was done. */
static int do_once(struct arc_kube *k, const char *method, const char *url, const char *accept,
		   const char *ctype, const char *body, size_t blen, long *status, struct arc_buf *resp,
		   long timeout_ms, int stall_guard, CURLcode *ccode, int *connected)
{
	CURL *h = k->curl;
	struct curl_slist *hdr, *conn;
	CURLcode cc;
	int rc = setup_transfer(k, h, &k->x, method, url, accept, ctype, body, blen, resp, timeout_ms, stall_guard,
				&hdr, &conn);
	if (rc)
		return rc;
	cc = curl_easy_perform(h);
	if (cc == CURLE_WRITE_ERROR && k->line_fn && k->line_stop)
		cc = CURLE_OK; /* the stream's reader had what it wanted */
	*ccode = cc;
	if (cc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	{
		curl_off_t pre = 0;
		*connected = curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pre) == CURLE_OK && pre > 0;
	}
	free_lists(hdr, conn);
	return 0;
}

static long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* One request with its retries.  budget_ms > 0 bounds all of it, retries and their waits included
 * (as client-go bounds a request by its timeout): --request-timeout for ordinary requests, the
 * watch's own length for streams.  A retry that cannot finish within the budget is not tried: the
 * last answer (a 429, say) or error stands. */
static int request(struct arc_kube *k, const char *method, const char *path, const char *accept,
		   const char *ctype, const char *body, size_t blen, long *status, struct arc_buf *resp,
		   long budget_ms)
{
	char *url = xasprintf("%s%s", k->base, path);
	int attempt, rc = 0, reauth = 0;
	long backoff_ms = 200, start = mono_ms(), deadline = budget_ms > 0 ? start + budget_ms : 0;
	int stream = k->line_fn != NULL;
	struct timespec t0, t1;

	if ((rc = ensure_exec_cred(k, 0)) != 0) {
		free(url);
		return rc;
	}
	for (attempt = 0;; attempt++) {
		CURLcode cc = CURLE_OK;
		long left = deadline ? deadline - mono_ms() : 0;
		int connected = 0;
		*status = 0;
		if (deadline && left <= 0) {
			rc = transport_error(k, CURLE_OPERATION_TIMEDOUT, method, url, stream ? LIM_STREAM : LIM_REQUEST,
					     budget_ms);
			break;
		}
		k->lines = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		rc = do_once(k, method, url, accept, ctype, body, blen, status, resp, left, !stream, &cc, &connected);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (rc)
			break;
		if (k->cfg->verbosity > 0)
			logf_(k, 0, "%s %s %ld in %ld ms", method, url, cc == CURLE_OK ? *status : -1L,
			      (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
		if (cc != CURLE_OK) {
			/* a dropped connection is tried again, a stream only when it delivered nothing yet (its
			 * caller resumes from the last event it saw) */
			if (retriable_transport(cc) && attempt < 3 && !(stream && k->lines) &&
			    (!deadline || mono_ms() + backoff_ms < deadline)) {
				if (k->cfg->verbosity > 0)
					logf_(k, 0, "%s %s: %s, retrying in %ld ms", method, url, curl_reason(k, cc),
					      backoff_ms);
				usleep((useconds_t)backoff_ms * 1000);
				backoff_ms *= 2;
				continue;
			}
			if (cc == CURLE_OPERATION_TIMEDOUT)
				rc = transport_error(k, cc, method, url,
						     deadline ? (stream ? LIM_STREAM : LIM_REQUEST)
						     : connected ? LIM_STALL : LIM_CONNECT,
						     deadline ? budget_ms : connected ? STALL_TIMEOUT_S * 1000 : CONNECT_TIMEOUT_MS);
			else
				rc = transport_error(k, cc, method, url, LIM_REQUEST, budget_ms);
			break;
		}
		if (*status == 401 && k->cfg->exec && !reauth) {
			reauth = 1;
			if ((rc = ensure_exec_cred(k, 1)) != 0)
				break;
			continue;
		}
		if ((*status == 429 || *status >= 500) && k->x.retry_after > 0 && attempt < MAX_RETRIES) {
			long wait = k->x.retry_after > 30 ? 30 : k->x.retry_after;
			if (deadline && mono_ms() + wait * 1000 >= deadline) {
				if (k->cfg->verbosity > 0)
					logf_(k, 0, "%s %s: %ld, Retry-After %ld s is past the request's time limit: not retrying",
					      method, url, *status, wait);
				break;
			}
			if (k->cfg->verbosity > 0)
				logf_(k, 0, "%s %s: %ld, retrying after %ld s", method, url, *status, wait);
			sleep((unsigned)wait);
			continue;
		}
		break;
	}
	free(url);
	return rc;
}

int arc_kube_do(struct arc_kube *k, const char *method, const char *path, const char *content_type,
		const char *body, size_t blen, long *status, struct arc_buf *resp)
{
	return request(k, method, path, NULL, content_type, body, blen, status, resp, k->cfg->timeout_ms);
}

int arc_kube_do_accept(struct arc_kube *k, const char *method, const char *path, const char *accept,
		       long *status, struct arc_buf *resp)
{
	return request(k, method, path, accept, NULL, NULL, 0, status, resp, k->cfg->timeout_ms);
}

/* ---- concurrent GETs ----
 * Up to MANY_PARALLEL transfers at once on a multi handle whose easy handles share the client's
 * connection cache: over HTTP/2 they become streams of the connection the client already holds,
 * so the API server works on them in parallel at the cost of a few easy handles (no new TLS
 * session).  Over HTTP/1.1 libcurl opens more connections instead (at most MANY_H1_CONNECTIONS).
 * Anything but a clean answer (a dropped connection, a 429/5xx with Retry-After, a 401 with an
 * exec plugin) is done again by request(), with its retries, within what is left of the time
 * limit. */
#define MANY_PARALLEL 16
#define MANY_H1_CONNECTIONS 4

struct slot {
	CURL *h;
	struct xfer x;
	struct curl_slist *hdr, *conn;
	char *url;
	size_t idx;
	struct timespec t0;
};

int arc_kube_get_many(struct arc_kube *k, const char *accept, struct arc_kube_get *g, size_t n)
{
	struct slot sl[MANY_PARALLEL];
	CURLcode *cc;
	unsigned char *redo;
	long *began; /* when each transfer started: its retries get what is left of its time limit */
	CURLM *m = NULL;
	size_t next = 0, active = 0, i, nslot = n < MANY_PARALLEL ? n : MANY_PARALLEL;
	long budget = k->cfg->timeout_ms, maxwait = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		g[i].status = 0;
	if (n < 2 || !k->share || (rc = ensure_exec_cred(k, 0)) != 0 || !(m = curl_multi_init())) {
		for (i = 0; i < n && rc == 0; i++)
			rc = arc_kube_do_accept(k, "GET", g[i].path, accept, &g[i].status,
						&g[i].resp);
		return rc;
	}
	/* over HTTP/1.1 (a load balancer that offers no h2) each transfer needs a connection and a TLS
	 * session of its own: a few at a time, the rest wait for one to be free */
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)MANY_H1_CONNECTIONS);
	cc = xcalloc(n, sizeof(*cc));
	redo = xcalloc(n, 1);
	began = xcalloc(n, sizeof(*began));
	memset(sl, 0, sizeof(sl));
	for (i = 0; i < nslot; i++) {
		sl[i].h = curl_easy_init();
		if (!sl[i].h)
			break;
	}
	nslot = i;
	while (rc == 0 && (next < n || active)) {
		CURLMsg *msg;
		int running = 0, left;
		/* fill the free slots */
		for (i = 0; i < nslot && next < n; i++) {
			struct slot *t = &sl[i];
			if (t->url)
				continue;
			t->idx = next++;
			t->url = xasprintf("%s%s", k->base, g[t->idx].path);
			if ((rc = setup_transfer(k, t->h, &t->x, "GET", t->url, accept,
						 NULL, NULL, 0, &g[t->idx].resp,
						 budget > 0 ? budget : 0, budget <= 0, &t->hdr, &t->conn)) != 0)
				break;
			clock_gettime(CLOCK_MONOTONIC, &t->t0);
			began[t->idx] = mono_ms();
			if (curl_multi_add_handle(m, t->h) != CURLM_OK) {
				free_lists(t->hdr, t->conn);
				t->hdr = t->conn = NULL;
				redo[t->idx] = 1; /* done one at a time below */
				free(t->url);
				t->url = NULL;
				continue;
			}
			active++;
		}
		if (rc || !active)
			continue;
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break; /* the transfers not finished are redone below */
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct slot *t = NULL;
			struct timespec t1;
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < nslot; i++)
				if (sl[i].url && sl[i].h == msg->easy_handle)
					t = &sl[i];
			if (!t)
				continue;
			cc[t->idx] = msg->data.result;
			if (cc[t->idx] == CURLE_OK)
				curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &g[t->idx].status);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (k->cfg->verbosity > 0)
				logf_(k, 0, "GET %s %ld in %ld ms", t->url, cc[t->idx] == CURLE_OK ? g[t->idx].status : -1L,
				      (long)((t1.tv_sec - t->t0.tv_sec) * 1000 + (t1.tv_nsec - t->t0.tv_nsec) / 1000000));
			if (cc[t->idx] != CURLE_OK) {
				if (retriable_transport(cc[t->idx]))
					redo[t->idx] = 1;
				else if (!rc) { /* the first failure that a retry would not mend is the answer */
					memcpy(k->x.errbuf, t->x.errbuf, sizeof(k->x.errbuf));
					k->x.resp_over = t->x.resp_over;
					rc = transport_error(k, cc[t->idx], "GET", t->url,
							     budget > 0 ? LIM_REQUEST : LIM_STALL,
							     budget > 0 ? budget : STALL_TIMEOUT_S * 1000);
				}
			} else if ((g[t->idx].status == 429 || g[t->idx].status >= 500) && t->x.retry_after > 0) {
				redo[t->idx] = 1;
				if (t->x.retry_after > maxwait)
					maxwait = t->x.retry_after;
			} else if (g[t->idx].status == 401 && k->cfg->exec) {
				redo[t->idx] = 1;
			}
			curl_multi_remove_handle(m, t->h);
			free_lists(t->hdr, t->conn);
			t->hdr = t->conn = NULL;
			free(t->url);
			t->url = NULL;
			active--;
		}
		if (active && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	/* whatever is still on the multi handle (an error above) is dropped and, unless an error
	 * stands, redone one at a time */
	for (i = 0; i < nslot; i++) {
		if (sl[i].url) {
			curl_multi_remove_handle(m, sl[i].h);
			free_lists(sl[i].hdr, sl[i].conn);
			free(sl[i].url);
			redo[sl[i].idx] = 1;
		}
		curl_easy_cleanup(sl[i].h);
	}
	curl_multi_cleanup(m);
	for (i = next; i < n; i++)
		redo[i] = 1;
	if (rc == 0 && maxwait > 0 && (budget <= 0 || maxwait * 1000 < budget)) {
		/* one wait for the batch, as the server asked */
		long wait = maxwait > 30 ? 30 : maxwait;
		if (k->cfg->verbosity > 0)
			logf_(k, 0, "retrying after %ld s (Retry-After)", wait);
		sleep((unsigned)wait);
	}
	for (i = 0; i < n && rc == 0; i++) {
		long left = 0;
		if (!redo[i])
			continue;
		if (budget > 0) {
			left = began[i] ? began[i] + budget - mono_ms() : budget;
			if (left <= 0 && g[i].status) /* an answer (429/5xx) whose retry does not fit: it stands */
				continue;
			if (left <= 0) {
				char *url = xasprintf("%s%s", k->base, g[i].path);
				k->x.errbuf[0] = '\0';
				rc = transport_error(k, CURLE_OPERATION_TIMEDOUT, "GET", url, LIM_REQUEST, budget);
				free(url);
				break;
			}
		}
		rc = request(k, "GET", g[i].path, accept, NULL, NULL, 0, &g[i].status, &g[i].resp, left);
	}
	free(cc);
	free(redo);
	free(began);
	return rc;
}

const char *arc_kube_status_reason(const struct arc_buf *resp, char *buf, size_t n)
{
	arc_value *doc = NULL, *r;
	buf[0] = '\0';
	if (resp->len && arc_json_load(&doc, "status", resp->ptr, resp->len) == 0 && doc->kind == ARC_MAP &&
	    (r = arc_v_map_get(doc, "reason")) && r->kind == ARC_STRING)
		snprintf(buf, n, "%s", r->u.s.ptr);
	arc_v_unref(doc);
	arc_error_clear();
	return buf;
}

int arc_kube_status_error(long status, const struct arc_buf *resp, const char *what)
{
	arc_value *doc = NULL, *msg;
	const char *w = what ? what : "request";
	int code = status == 404 ? ARC_E_NOTFOUND : ARC_E_HTTP;
	if (resp && resp->len && arc_json_load(&doc, "status", resp->ptr, resp->len) == 0 && doc->kind == ARC_MAP &&
	    (msg = arc_v_map_get(doc, "message")) && msg->kind == ARC_STRING && msg->u.s.len) {
		if (status == 401)
			arc_error_code(code, "%s: Unauthorized: the server rejected the credentials (a wrong or expired "
					     "token or certificate?)%s%s", w, strcmp(msg->u.s.ptr, "Unauthorized") ? ": " : "",
				       strcmp(msg->u.s.ptr, "Unauthorized") ? msg->u.s.ptr : "");
		else if (status == 403 && strstr(msg->u.s.ptr, "\"system:anonymous\""))
			arc_error_code(code, "%s: %s (the server took the request as anonymous: it accepted none of "
					     "the user's credentials)", w, msg->u.s.ptr);
		else
			arc_error_code(code, "%s: %s", w, msg->u.s.ptr);
		arc_v_unref(doc);
		return code;
	}
	arc_v_unref(doc);
	switch (status) {
	case 401:
		return arc_error_code(code, "%s: Unauthorized: the server rejected the credentials (a wrong or expired "
					    "token or certificate?)", w);
	case 403:
		return arc_error_code(code, "%s: Forbidden", w);
	case 404:
		return arc_error_code(code, "%s: not found", w);
	default:
		return arc_error_code(code, "%s: the server answered HTTP %ld", w, status);
	}
}

int arc_kube_stream_for(struct arc_kube *k, const char *path, arc_kube_line_fn fn, void *ctx, long *status,
			long max_ms)
{
	struct arc_buf resp = ARC_BUF_INIT;
	int rc;
	k->line_fn = fn;
	k->line_ctx = ctx;
	k->line_stop = 0;
	/* a watch runs as long as the server keeps it open: --request-timeout does not apply */
	rc = request(k, "GET", path, NULL, NULL, NULL, 0, status, &resp, max_ms);
	if (rc == ARC_E_IO && k->line_stop) {
		arc_error_clear();
		rc = 0;
	}
	/* a last line without a newline */
	if (rc == 0 && !k->line_stop && resp.len && *status / 100 == 2)
		fn(ctx, resp.ptr, resp.len);
	k->line_fn = NULL;
	arc_buf_release(&resp);
	return rc;
}

int arc_kube_stream(struct arc_kube *k, const char *path, arc_kube_line_fn fn, void *ctx, long *status)
{
	return arc_kube_stream_for(k, path, fn, ctx, status, 0);
}
