/* test_doctor.c - the parts of `kubectl arc doctor` that need no cluster (plugin/cmd/doctor.h):
 * classic token scopes against what the runners need, and auth Secret key sets as ARC's
 * controller reads them (basic auth, then the token, then the App). */
#include "tap.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugin/base/encoding.h"
#include "../../plugin/cmd/doctor.h"

static void scopes(const char *have, unsigned need, const char *want_missing, int want_n)
{
	struct arc_buf m = ARC_BUF_INIT;
	int n = arc_doctor_missing_scopes(have, need, &m);
	CHECK(n == want_n, "scopes \"%s\" need %u: %d missing", have ? have : "(null)", need, want_n);
	CHECK_STR(arc_buf_cstr(&m), want_missing, "… namely the expected ones");
	arc_buf_release(&m);
}

/* a Secret's data map from "key=value" pairs (values base64-encoded as the API returns them) */
static arc_value *data_of(const char *const *kv)
{
	arc_value *d = arc_v_map();
	size_t i;
	for (i = 0; kv[i]; i++) {
		const char *eq = strchr(kv[i], '=');
		struct arc_buf b = ARC_BUF_INIT;
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv[i]), kv[i]);
		arc_buf_add(&b, "", 0); /* (arc_b64_encode of nothing leaves a fresh buffer unterminated) */
		arc_b64_encode(&b, eq + 1, strlen(eq + 1));
		arc_v_map_set(d, key, arc_v_str(arc_buf_cstr(&b)));
		arc_buf_release(&b);
	}
	return d;
}

/* a fresh RSA key in PEM (malloc'd) */
static char *rsa_pem(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL, *out;
	long n;
	PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)n);
	BIO_free(bio);
	EVP_PKEY_free(k);
	return out;
}

static void secret(const char *const *kv, const char *want_kind, int want_fatal, const char *problem_has,
		   const char *what)
{
	struct arc_buf p = ARC_BUF_INIT;
	arc_value *d = data_of(kv);
	int fatal = -1;
	const char *kind = arc_doctor_secret_kind(d, &p, &fatal);
	if (want_kind)
		CHECK_STR(kind, want_kind, what);
	else
		CHECK(kind == NULL, "%s: no usable credential (got %s)", what, kind ? kind : "NULL");
	{
		char flat[512];
		size_t i;
		snprintf(flat, sizeof(flat), "%s", p.len ? arc_buf_cstr(&p) : "none");
		for (i = 0; flat[i]; i++)
			if (flat[i] == '\n')
				flat[i] = flat[i + 1] ? ';' : '\0';
		CHECK(fatal == want_fatal, "%s: fatal=%d (problems: %s)", what, want_fatal, flat);
	}
	if (problem_has)
		CHECK(p.len && strstr(arc_buf_cstr(&p), problem_has), "%s: problems mention \"%s\"", what, problem_has);
	else
		CHECK(p.len == 0, "%s: no problems", what);
	/* never a value in the text */
	CHECK(!p.len || (!strstr(arc_buf_cstr(&p), "ghp_") && !strstr(arc_buf_cstr(&p), "BEGIN")),
	      "%s: the problems name keys, not values", what);
	arc_buf_release(&p);
	arc_v_unref(d);
}

int main(void)
{
	char *pem = rsa_pem();

	scopes("repo, admin:org", ARC_DOCTOR_NEED_REPO | ARC_DOCTOR_NEED_ORG, "", 0);
	scopes("repo,admin:org,workflow", ARC_DOCTOR_NEED_REPO, "", 0);
	scopes("read:org, workflow", ARC_DOCTOR_NEED_REPO | ARC_DOCTOR_NEED_ORG, "repo, admin:org", 2);
	scopes("public_repo", ARC_DOCTOR_NEED_REPO, "repo", 1); /* a prefix is not the scope */
	scopes("repo", ARC_DOCTOR_NEED_REPO | ARC_DOCTOR_NEED_ENT, "manage_runners:enterprise", 1);
	scopes("repo, admin:enterprise", ARC_DOCTOR_NEED_REPO | ARC_DOCTOR_NEED_ENT, "", 0);
	scopes("", ARC_DOCTOR_NEED_REPO, "repo", 1);
	scopes(NULL, ARC_DOCTOR_NEED_ORG, "admin:org", 1);

	{
		const char *const kv[] = { "github_token=ghp_abc123", NULL };
		secret(kv, "token", 0, NULL, "a token alone");
	}
	{
		const char *const kv[] = { "github_token=ghp_abc123\n", NULL };
		secret(kv, "token", 1, "github_token ends with whitespace", "a token with a trailing newline");
	}
	{
		const char *const kv[] = { "github_token=", NULL };
		secret(kv, "token", 1, "github_token is empty", "an empty token");
	}
	{
		const char *const kv[] = { "github_token=ghp abc", NULL };
		secret(kv, "token", 1, "spaces", "a token with a space inside");
	}
	{
		const char *const kv[] = { "github_app_id=123", "github_app_installation_id=456", NULL };
		secret(kv, NULL, 1, "github_app_private_key is missing", "App keys without the private key");
	}
	{
		const char *const kv[] = { "unrelated=x", NULL };
		secret(kv, NULL, 1, "no credentials", "no credential keys");
	}
	{
		const char *const kv[] = { "github_basicauth_password=pw", NULL };
		secret(kv, "basicauth", 0, NULL, "basic auth");
	}
	{
		const char *const kv[] = { "github_app_id=abc", "github_app_installation_id=456",
					   "github_app_private_key=not a key", NULL };
		secret(kv, "app", 1, "github_app_id is not a number", "a client id instead of the App ID");
	}
	{
		arc_value *d = arc_v_map();
		struct arc_buf p = ARC_BUF_INIT;
		int fatal = 0;
		arc_v_map_set(d, "github_token", arc_v_str("%%%not-base64"));
		CHECK(arc_doctor_secret_kind(d, &p, &fatal) == NULL && fatal, "a value that is not base64 is fatal");
		CHECK(strstr(arc_buf_cstr(&p), "github_token is not valid base64") != NULL, "… and named");
		arc_buf_release(&p);
		arc_v_unref(d);
	}
	{
		char *key = malloc(strlen(pem) + 32);
		sprintf(key, "github_app_private_key=%s", pem);
		{
			const char *const kv[] = { "github_app_id=123", "github_app_installation_id=456", key, NULL };
			secret(kv, "app", 0, NULL, "a complete GitHub App");
		}
		{
			const char *const kv[] = { "github_token=ghp_abc123", "github_app_id=123",
						   "github_app_installation_id=456", key, NULL };
			secret(kv, "token", 0, "ARC uses the token", "both a token and an App: a warning");
		}
		free(key);
		free(pem);
	}
	{
		const char *const kv[] = { "github_app_id=123", "github_app_installation_id=456",
					   "github_app_private_key=not a key", NULL };
		secret(kv, "app", 1, "not an RSA private key", "an App whose key is not PEM");
	}
	return tap_done();
}
