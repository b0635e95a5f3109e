/*
 * github.h - the GitHub REST API as ARC uses it: runners of a repository,
 * organization or enterprise, registration tokens, token scopes, and GitHub
 * App installation tokens minted from an RS256 JWT.
 *
 * OWNERSHIP: arc_gh_open() copies what it needs from the auth (secrets are
 * wiped on arc_gh_close()).  Values returned through arc_value** belong to
 * the caller.  Secrets never appear in messages or logs.
 */
#ifndef ARC_GITHUB_H
#define ARC_GITHUB_H

#include "../base/base.h"
#include "../value/value.h"

struct arc_gh_auth {
	const char *token;           /* PAT */
	const char *app_id;          /* GitHub App: id (or client id) */
	const char *installation_id;
	const char *private_key;     /* PEM */
	size_t private_key_len;
	/* when set, one line per request ("GitHub GET URL 200 in N ms, rate limit R left");
	 * URLs and counts only, never a header or a body */
	void (*log)(void *ctx, int is_warning, const char *line);
	void *log_ctx;
};

struct arc_gh;

/* `api` is the API base (see arc_gh_api_base); NULL = https://api.github.com */
int arc_gh_open(struct arc_gh **out, const char *api, const struct arc_gh_auth *auth);
void arc_gh_close(struct arc_gh *gh);

/* GitHub URL (https://github.com, https://ghes.example.com, https://x.ghe.com) → API base */
char *arc_gh_api_base(const char *github_url);

/* scope: "repos/OWNER/NAME", "orgs/ORG" or "enterprises/ENT" */
int arc_gh_list_runners(struct arc_gh *gh, const char *scope, arc_value **out);
int arc_gh_registration_token(struct arc_gh *gh, const char *scope, char **token);
/* classic PAT scopes from X-OAuth-Scopes ("" for fine-grained tokens and Apps) */
int arc_gh_token_scopes(struct arc_gh *gh, char **scopes);
/* rate limit of the last answer: remaining and reset (unix time); -1 unknown */
void arc_gh_rate(struct arc_gh *gh, long *remaining, long *reset);

/* RS256 JWT for a GitHub App (iat = now-60, exp = now+540); malloc'd */
int arc_gh_app_jwt(const char *app_id, const char *pem, size_t pem_len, long now, char **jwt);
/* Does the PEM hold an RSA private key? (validation before install) */
int arc_gh_check_private_key(const char *pem, size_t len);

/* ---- parsers of GitHub's answers (used above; exposed for tests and the fuzz
 * harness).  Bodies are len bytes, not necessarily NUL-terminated. ---- */
/* A runners page ({"total_count": N, "runners": [...]}): appends each runner
 * to `all` (a list); ARC_E_PARSE "WHAT: the answer is not the expected JSON". */
int arc_gh_parse_runners(arc_value *all, const char *what, const char *body, size_t len);
/* {"token": "..."} (registration and installation tokens): *token malloc'd;
 * the parsed copy is wiped. */
int arc_gh_parse_token(const char *what, const char *body, size_t len, char **token);
/* The rel="next" URL of a Link header's value (malloc'd), or NULL. */
char *arc_gh_parse_link_next(const char *value, size_t len);
/* Sets the one-line message for a non-2xx answer (401, 403 and rate limits,
 * 404, others) from its status and body, and returns the error code. */
int arc_gh_answer_error(long status, const char *body, size_t len, long remaining, long reset, const char *what);

#endif
