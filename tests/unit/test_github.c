/* test_github.c - API base mapping, private key checks, and the App JWT verified with OpenSSL */
#include "tap.h"
#include "base/encoding.h"
#include "github/github.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

static void b64url_decode(const char *s, size_t n, struct arc_buf *out)
{
	struct arc_buf t = ARC_BUF_INIT;
	size_t i;
	for (i = 0; i < n; i++)
		arc_buf_putc(&t, s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]);
	while (t.len % 4)
		arc_buf_putc(&t, '=');
	arc_b64_decode(out, t.ptr, t.len);
	arc_buf_release(&t);
}

int main(void)
{
	char *s, *jwt = NULL, *pem;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	BIO *bio = BIO_new(BIO_s_mem());
	long pl;
	const char *d1, *d2;
	struct arc_buf hdr = ARC_BUF_INIT, claims = ARC_BUF_INIT, sig = ARC_BUF_INIT;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	CHECK_STR(s = arc_gh_api_base("https://github.com"), "https://api.github.com", "github.com");
	free(s);
	CHECK_STR(s = arc_gh_api_base("https://ghes.example.com/"), "https://ghes.example.com/api/v3", "GHES");
	free(s);
	CHECK_STR(s = arc_gh_api_base("https://octo.ghe.com"), "https://api.octo.ghe.com", "ghe.com");
	free(s);
	CHECK_STR(s = arc_gh_api_base(NULL), "https://api.github.com", "default");
	free(s);

	PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL, NULL);
	pl = BIO_get_mem_data(bio, &pem);
	CHECK(arc_gh_check_private_key(pem, (size_t)pl) == 0, "an RSA key passes the check");
	{
		int bad = arc_gh_check_private_key("nope", 4) != 0;
		CHECK(bad && strstr(arc_error_last(), "not a PEM"), "garbage is refused: %s", arc_error_last());
	}
	CHECK(arc_gh_check_private_key("", 0) != 0 && strstr(arc_error_last(), "empty"), "empty key refused");

	CHECK(arc_gh_app_jwt("12345", pem, (size_t)pl, 1700000000L, &jwt) == 0, "JWT made");
	d1 = strchr(jwt, '.');
	d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	CHECK(d1 && d2, "JWT has three parts");
	if (d1 && d2) {
		b64url_decode(jwt, (size_t)(d1 - jwt), &hdr);
		b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &claims);
		b64url_decode(d2 + 1, strlen(d2 + 1), &sig);
		CHECK_STR(arc_buf_cstr(&hdr), "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "JWT header");
		CHECK_STR(arc_buf_cstr(&claims), "{\"iat\":1699999940,\"exp\":1700000540,\"iss\":12345}",
			  "JWT claims: iat 60 s back, exp 9 min ahead");
		CHECK(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
			      EVP_DigestVerify(md, (unsigned char *)sig.ptr, sig.len, (const unsigned char *)jwt,
					       (size_t)(d2 - jwt)) == 1,
		      "RS256 signature verifies with the public key");
	}
	free(jwt);
	arc_buf_release(&hdr);
	arc_buf_release(&claims);
	arc_buf_release(&sig);
	EVP_MD_CTX_free(md);
	BIO_free(bio);
	EVP_PKEY_free(k);
	arc_error_clear();
	return tap_done();
}
