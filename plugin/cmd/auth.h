/*
 * auth.h - ARC's GitHub credentials: read from --github-token-file, the
 * GITHUB_TOKEN environment variable, a values file's authSecret.* keys or an
 * interactive prompt with echo off; or a GitHub App (id, installation id,
 * private key file).  Validated before anything is applied, and turned into
 * the auth Secret, which is applied as its own object (never rendered by the
 * chart, never stored in a release record).
 *
 * SECRETS: token and private_key are never printed, logged or put into an
 * error message; arc_auth_release() wipes them.  Messages name the source
 * ("--github-token-file /x", "GITHUB_TOKEN") instead.
 *
 * OWNERSHIP: struct arc_auth owns its strings (arc_auth_release).
 * arc_auth_secret() returns a new reference.
 */
#ifndef ARC_CMD_AUTH_H
#define ARC_CMD_AUTH_H

#include "../value/value.h"

struct arc_auth {
	char *token;                    /* PAT (secret) */
	char *app_id, *installation_id; /* GitHub App */
	char *private_key;              /* PEM (secret) */
	size_t key_len;
	char source[160];               /* where they came from, for messages */
	/* a warning for the user ("" when none): a credentials file others can read */
	char warning[320];
};

struct arc_auth_opts {
	const char *token_file;      /* --github-token-file ("-" = stdin) */
	const char *app_id;          /* --github-app-id */
	const char *installation_id; /* --github-app-installation-id */
	const char *key_file;        /* --github-app-private-key-file */
	int no_env;                  /* ignore GITHUB_TOKEN */
};

/* 1 when any credential flag or GITHUB_TOKEN is there */
int arc_auth_given(const struct arc_auth_opts *o);

/* Read and validate the credentials the flags and environment give.
 * ARC_E_NOTFOUND (no message) when none are given; ARC_E_USAGE/ARC_E_PARSE
 * with a message naming the source when they are invalid. */
int arc_auth_read(struct arc_auth *a, const struct arc_auth_opts *o);

/* Take authSecret.github_token / github_app_* out of user values (so they
 * never reach the release record).  Returns 1 when credentials were found
 * there (then *a is filled, unless a already held some: flags win), 0 when
 * none, negative on invalid ones. */
int arc_auth_from_values(struct arc_auth *a, arc_value *user_values);

/* Ask for a PAT on the terminal (/dev/tty) with echo off.  ARC_E_NOTFOUND
 * when there is no terminal. */
int arc_auth_prompt(struct arc_auth *a);

/* Token checks: not empty, no whitespace or newline, printable ASCII.
 * `what` names the source for the message. */
int arc_auth_check_token(const char *tok, size_t len, const char *what);

/* The Secret (v1) holding the credentials, with ARC's data keys. */
arc_value *arc_auth_secret(const struct arc_auth *a, const char *name, const char *ns, const char *release);

/* Keys (never values) of the credentials: "github_token" or the three App keys */
const char *arc_auth_kind(const struct arc_auth *a); /* "token", "app" or "" */

void arc_auth_release(struct arc_auth *a);

#endif
