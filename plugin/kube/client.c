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
	/* per-request scratch */
	long retry_after;
	struct arc_buf *resp;
	int resp_over;
	arc_kube_line_fn line_fn; /* streaming: called per line of the body */
	void *line_ctx;
	int line_stop;
	size_t lines; /* lines passed to line_fn by this request */
	char errbuf[CURL_ERROR_SIZE];
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
	k->curl = curl_easy_init();
	if (!k->curl) {
		arc_kube_close(k);
		return arc_error_code(ARC_E_FAIL, "cannot initialise libcurl");
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
	struct arc_kube *k = ud;
	size_t n = size * nmemb;
	if (k->line_fn) {
		char *nl;
		arc_buf_add(k->resp, ptr, n);
		while ((nl = memchr(k->resp->ptr, '\n', k->resp->len)) != NULL) {
			size_t ll = (size_t)(nl - k->resp->ptr);
			*nl = '\0';
			if (ll) {
				k->lines++;
				if (k->line_fn(k->line_ctx, k->resp->ptr, ll)) {
					k->line_stop = 1;
					return 0;
				}
			}
			memmove(k->resp->ptr, nl + 1, k->resp->len - ll - 1);
			k->resp->len -= ll + 1;
			k->resp->ptr[k->resp->len] = '\0';
		}
		if (k->resp->len > (64u << 20)) {
			k->resp_over = 1;
			return 0;
		}
		return n;
	}
	if (k->resp->len + n > MAX_RESPONSE) {
		k->resp_over = 1;
		return 0; /* abort the transfer */
	}
	arc_buf_add(k->resp, ptr, n);
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
	struct arc_kube *k = ud;
	size_t n = size * nmemb, vl;
	const char *v;
	if (n > 12 && !strncasecmp(ptr, "Retry-After:", 12)) {
		k->retry_after = strtol(ptr + 12, NULL, 10);
		if (k->retry_after <= 0)
			k->retry_after = 1;
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
	return k->errbuf[0] ? k->errbuf : curl_easy_strerror(cc);
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
		if (k->resp_over)
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

/* One attempt.  timeout_ms > 0 bounds the whole attempt; 0 with stall_guard set gives up on a
 * connection silent for STALL_TIMEOUT_S.  *connected tells whether the TCP+TLS handshake was done. */
static int do_once(struct arc_kube *k, const char *method, const char *url, const char *accept,
		   const char *ctype, const char *body, size_t blen, long *status, struct arc_buf *resp,
		   long timeout_ms, int stall_guard, CURLcode *ccode, int *connected)
{
	CURL *h = k->curl;
	const struct arc_kube_config *c = k->cfg;
	struct curl_slist *hdr = NULL, *conn = NULL;
	char *tok = NULL, *line;
	size_t i;
	CURLcode cc;

	curl_easy_reset(h);
	k->errbuf[0] = '\0';
	k->retry_after = 0;
	k->resp = resp;
	k->resp_over = 0;
	arc_buf_reset(resp);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, k->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, k);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, k);
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
	/* the header list held the bearer token: wipe it */
	{
		struct curl_slist *s;
		for (s = hdr; s; s = s->next)
			memset(s->data, 0, strlen(s->data));
	}
	curl_slist_free_all(hdr);
	curl_slist_free_all(conn);
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
		if ((*status == 429 || *status >= 500) && k->retry_after > 0 && attempt < MAX_RETRIES) {
			long wait = k->retry_after > 30 ? 30 : k->retry_after;
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
