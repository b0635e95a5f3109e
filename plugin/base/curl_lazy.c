/*
 * curl_lazy.c - libcurl, loaded on first use.
 *
 * Rendering charts needs no network, but linking libcurl makes the dynamic
 * loader map and relocate it and its ~35 dependencies (TLS, SSH, LDAP,
 * Kerberos, IDN, …) at every start, several milliseconds that dominate a
 * `template` run.  So the binary does not link libcurl: the curl_* entry
 * points the project uses are defined here and forward to libcurl.so.4,
 * opened with dlopen() the first time any of them is called.
 *
 * When the library cannot be loaded, every call fails the way libcurl fails
 * on a NULL handle (NULL, CURLE_FAILED_INIT) and curl_easy_strerror() says
 * why, so the callers' ordinary error paths report it.
 *
 * Loading is also where a process becomes a network command, so the memory
 * settings that only matter there are made here (bench/mem-network.sh
 * measures each; peak RSS is what they cut):
 * - GnuTLS initialises itself in a library constructor (~0.8 MiB: its
 *   priority tables, p11-kit), yet Debian's libcurl only pulls it in through
 *   librtmp and libldap, which kubectl-arc never uses (and which call
 *   gnutls_global_init() themselves before any use).  GnuTLS's documented
 *   GNUTLS_NO_IMPLICIT_INIT=1 skips that constructor; it is set for the
 *   dlopen() only, unless the user set it, so child processes never see it.
 * - The parallel apply's worker threads would each get a malloc arena of
 *   their own (~0.3 MiB touched each); they spend their time waiting for the
 *   API server, so they share the main one (M_ARENA_MAX=1, ~0.5 MiB less).
 *   Rendering never gets here and keeps glibc's default.
 */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include <dlfcn.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#undef curl_multi_setopt

#define LIBCURL_SONAME "libcurl.so.4"

static struct {
	CURLcode (*global_init)(long);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	void (*easy_cleanup)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_reset)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_add_handle)(CURLM *, CURL *);
	CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
	CURLMcode (*multi_perform)(CURLM *, int *);
	CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
	CURLMsg *(*multi_info_read)(CURLM *, int *);
	CURLMcode (*multi_cleanup)(CURLM *);
	CURLMcode (*multi_setopt)(CURLM *, CURLMoption, ...);
	CURLSH *(*share_init)(void);
	CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
	CURLSHcode (*share_cleanup)(CURLSH *);
} lc;
static int lc_ok;
static char lc_err[256] = "libcurl is not loaded";
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

static void *sym(void *h, const char *name, int *ok)
{
	void *p = dlsym(h, name);
	if (!p && *ok) {
		snprintf(lc_err, sizeof(lc_err), "cannot load %s: no symbol %s", LIBCURL_SONAME, name);
		*ok = 0;
	}
	return p;
}

static void lc_load(void)
{
	/* called once, on the first curl_* call: every command opens its first
	 * client on the main thread before it starts workers (the progress ticker
	 * reads no environment), so setenv() races with no getenv() */
	int set_env = getenv("GNUTLS_NO_IMPLICIT_INIT") == NULL &&
		      setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 0) == 0;
	void *h = dlopen(LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	int ok = 1;
	if (set_env)
		unsetenv("GNUTLS_NO_IMPLICIT_INIT");
	mallopt(M_ARENA_MAX, 1);
	if (!h) {
		const char *e = dlerror();
		snprintf(lc_err, sizeof(lc_err), "cannot load %s: %s", LIBCURL_SONAME, e ? e : "not found");
		return;
	}
	/* object → function pointer through memcpy: ISO C has no direct conversion */
#define LOAD(field, name) do { void *p_ = sym(h, name, &ok); memcpy(&lc.field, &p_, sizeof(p_)); } while (0)
	LOAD(global_init, "curl_global_init");
	LOAD(easy_init, "curl_easy_init");
	LOAD(easy_setopt, "curl_easy_setopt");
	LOAD(easy_perform, "curl_easy_perform");
	LOAD(easy_cleanup, "curl_easy_cleanup");
	LOAD(easy_getinfo, "curl_easy_getinfo");
	LOAD(easy_reset, "curl_easy_reset");
	LOAD(easy_strerror, "curl_easy_strerror");
	LOAD(easy_escape, "curl_easy_escape");
	LOAD(free, "curl_free");
	LOAD(slist_append, "curl_slist_append");
	LOAD(slist_free_all, "curl_slist_free_all");
	LOAD(multi_init, "curl_multi_init");
	LOAD(multi_add_handle, "curl_multi_add_handle");
	LOAD(multi_remove_handle, "curl_multi_remove_handle");
	LOAD(multi_perform, "curl_multi_perform");
	LOAD(multi_poll, "curl_multi_poll");
	LOAD(multi_info_read, "curl_multi_info_read");
	LOAD(multi_cleanup, "curl_multi_cleanup");
	LOAD(multi_setopt, "curl_multi_setopt");
	LOAD(share_init, "curl_share_init");
	LOAD(share_setopt, "curl_share_setopt");
	LOAD(share_cleanup, "curl_share_cleanup");
#undef LOAD
	if (!ok) {
		dlclose(h);
		return;
	}
	lc_ok = 1; /* the handle stays open for the life of the process */
}

static int loaded(void)
{
	pthread_once(&lc_once, lc_load);
	return lc_ok;
}

CURLcode curl_global_init(long flags)
{
	return loaded() ? lc.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *curl_easy_init(void)
{
	return loaded() ? lc.easy_init() : NULL;
}

CURLcode curl_easy_setopt(CURL *h, CURLoption opt, ...)
{
	va_list ap;
	CURLcode rc;
	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, opt);
	/* the option number says the type of its argument (curl.h's CURLOPTTYPE_*) */
	if (opt < CURLOPTTYPE_OBJECTPOINT) {
		long v = va_arg(ap, long);
		rc = lc.easy_setopt(h, opt, v);
	} else if (opt < CURLOPTTYPE_FUNCTIONPOINT) {
		void *v = va_arg(ap, void *);
		rc = lc.easy_setopt(h, opt, v);
	} else if (opt < CURLOPTTYPE_OFF_T) {
		void (*v)(void) = va_arg(ap, void (*)(void));
		rc = lc.easy_setopt(h, opt, v);
	} else if (opt < CURLOPTTYPE_BLOB) {
		curl_off_t v = va_arg(ap, curl_off_t);
		rc = lc.easy_setopt(h, opt, v);
	} else {
		void *v = va_arg(ap, void *);
		rc = lc.easy_setopt(h, opt, v);
	}
	va_end(ap);
	return rc;
}

CURLcode curl_easy_perform(CURL *h)
{
	return loaded() ? lc.easy_perform(h) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL *h)
{
	if (loaded())
		lc.easy_cleanup(h);
}

CURLcode curl_easy_getinfo(CURL *h, CURLINFO info, ...)
{
	va_list ap;
	void *out;
	if (!loaded())
		return CURLE_FAILED_INIT;
	va_start(ap, info);
	out = va_arg(ap, void *); /* every CURLINFO_* takes a pointer to its result */
	va_end(ap);
	return lc.easy_getinfo(h, info, out);
}

void curl_easy_reset(CURL *h)
{
	if (loaded())
		lc.easy_reset(h);
}

const char *curl_easy_strerror(CURLcode code)
{
	return loaded() ? lc.easy_strerror(code) : lc_err;
}

char *curl_easy_escape(CURL *h, const char *s, int len)
{
	return loaded() ? lc.easy_escape(h, s, len) : NULL;
}

void curl_free(void *p)
{
	if (loaded())
		lc.free(p);
	else
		free(p); /* nothing libcurl made can exist; keep free(NULL) harmless */
}

struct curl_slist *curl_slist_append(struct curl_slist *l, const char *s)
{
	return loaded() ? lc.slist_append(l, s) : NULL;
}

void curl_slist_free_all(struct curl_slist *l)
{
	if (loaded())
		lc.slist_free_all(l);
}

CURLM *curl_multi_init(void)
{
	return loaded() ? lc.multi_init() : NULL;
}

CURLMcode curl_multi_add_handle(CURLM *m, CURL *h)
{
	return loaded() ? lc.multi_add_handle(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_remove_handle(CURLM *m, CURL *h)
{
	return loaded() ? lc.multi_remove_handle(m, h) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_perform(CURLM *m, int *running)
{
	return loaded() ? lc.multi_perform(m, running) : CURLM_BAD_HANDLE;
}

CURLMcode curl_multi_poll(CURLM *m, struct curl_waitfd *fds, unsigned int nfds, int timeout_ms, int *ret)
{
	return loaded() ? lc.multi_poll(m, fds, nfds, timeout_ms, ret) : CURLM_BAD_HANDLE;
}

CURLMsg *curl_multi_info_read(CURLM *m, int *left)
{
	return loaded() ? lc.multi_info_read(m, left) : NULL;
}

CURLMcode curl_multi_cleanup(CURLM *m)
{
	return loaded() ? lc.multi_cleanup(m) : CURLM_BAD_HANDLE;
}

/* the multi options the project sets take a long (CURLMOPT_MAX_HOST_CONNECTIONS) */
CURLMcode curl_multi_setopt(CURLM *m, CURLMoption opt, ...)
{
	va_list ap;
	long v;
	if (!loaded())
		return CURLM_BAD_HANDLE;
	va_start(ap, opt);
	v = va_arg(ap, long);
	va_end(ap);
	return lc.multi_setopt(m, opt, v);
}

CURLSH *curl_share_init(void)
{
	return loaded() ? lc.share_init() : NULL;
}

/* the share options the project sets (CURLSHOPT_SHARE, CURLSHOPT_UNSHARE) take a
 * curl_lock_data, an int */
CURLSHcode curl_share_setopt(CURLSH *sh, CURLSHoption opt, ...)
{
	va_list ap;
	int v;
	if (!loaded())
		return CURLSHE_NOT_BUILT_IN;
	va_start(ap, opt);
	v = va_arg(ap, int);
	va_end(ap);
	return lc.share_setopt(sh, opt, v);
}

CURLSHcode curl_share_cleanup(CURLSH *sh)
{
	return loaded() ? lc.share_cleanup(sh) : CURLSHE_INVALID;
}
