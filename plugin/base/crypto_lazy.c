/*
 * crypto_lazy.c - libcrypto's key, certificate, cipher and signature
 * functions, loaded on first use.
 *
 * Linking libcrypto.a into the binary for genCA and friends brought in
 * OpenSSL's provider machinery: ~3 MB of code and ~19,000 relocations
 * (method tables) that the loader applied at every start, ~0.4 MiB of
 * memory and a third of a millisecond that every `template` run paid,
 * although few charts generate keys.  So the binary defines the ~60 entry
 * points the project calls, each forwarding to libcrypto.so.3, opened with
 * dlopen() the first time one of them is called.  Network commands load
 * that same library anyway (libcurl's TLS uses it), so they pay nothing
 * extra; the GitHub App JWT signer shares it.
 *
 * The definitions carry the names and prototypes of <openssl/...>, so the
 * compiler checks each one against OpenSSL's own declaration.  When the
 * library cannot be loaded, every forwarder returns 0 or NULL, OpenSSL's
 * own failure values, and arc_crypto_error() says why.
 */
#include "crypto_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define LIBCRYPTO_SONAME "libcrypto.so.3"

/* F(return type, name, parameters, arguments): a function returning a value;
 * V(name, parameters, arguments): a function returning nothing */
#define ARC_CRYPTO_FUNCS(F, V)                                                                          \
	F(long, BIO_ctrl, (BIO * bp, int cmd, long larg, void *parg), (bp, cmd, larg, parg))             \
	F(int, BIO_free, (BIO * a), (a))                                                                \
	F(BIO *, BIO_new, (const BIO_METHOD *type), (type))                                             \
	F(BIO *, BIO_new_mem_buf, (const void *buf, int len), (buf, len))                               \
	F(const BIO_METHOD *, BIO_s_mem, (void), ())                                                    \
	V(BN_free, (BIGNUM * a), (a))                                                                   \
	F(BIGNUM *, BN_new, (void), ())                                                                 \
	F(int, BN_rand, (BIGNUM * rnd, int bits, int top, int bottom), (rnd, bits, top, bottom))        \
	F(ASN1_INTEGER *, BN_to_ASN1_INTEGER, (const BIGNUM *bn, ASN1_INTEGER *ai), (bn, ai))           \
	V(CRYPTO_free, (void *ptr, const char *file, int line), (ptr, file, line))                      \
	V(EVP_CIPHER_CTX_free, (EVP_CIPHER_CTX * c), (c))                                               \
	F(EVP_CIPHER_CTX *, EVP_CIPHER_CTX_new, (void), ())                                             \
	F(int, EVP_CIPHER_CTX_set_padding, (EVP_CIPHER_CTX * c, int pad), (c, pad))                     \
	F(int, EVP_DecryptInit_ex,                                                                      \
	  (EVP_CIPHER_CTX * ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key,      \
	   const unsigned char *iv),                                                                    \
	  (ctx, cipher, impl, key, iv))                                                                 \
	F(int, EVP_DecryptUpdate,                                                                       \
	  (EVP_CIPHER_CTX * ctx, unsigned char *out, int *outl, const unsigned char *in, int inl),      \
	  (ctx, out, outl, in, inl))                                                                    \
	F(int, EVP_EncryptInit_ex,                                                                      \
	  (EVP_CIPHER_CTX * ctx, const EVP_CIPHER *cipher, ENGINE *impl, const unsigned char *key,      \
	   const unsigned char *iv),                                                                    \
	  (ctx, cipher, impl, key, iv))                                                                 \
	F(int, EVP_EncryptUpdate,                                                                       \
	  (EVP_CIPHER_CTX * ctx, unsigned char *out, int *outl, const unsigned char *in, int inl),      \
	  (ctx, out, outl, in, inl))                                                                    \
	F(int, EVP_PBE_scrypt,                                                                          \
	  (const char *pass, size_t passlen, const unsigned char *salt, size_t saltlen, uint64_t N,      \
	   uint64_t r, uint64_t p, uint64_t maxmem, unsigned char *key, size_t keylen),                 \
	  (pass, passlen, salt, saltlen, N, r, p, maxmem, key, keylen))                                 \
	V(EVP_PKEY_CTX_free, (EVP_PKEY_CTX * ctx), (ctx))                                               \
	F(EVP_PKEY_CTX *, EVP_PKEY_CTX_new_from_name,                                                   \
	  (OSSL_LIB_CTX * libctx, const char *name, const char *propquery), (libctx, name, propquery))  \
	F(EVP_PKEY_CTX *, EVP_PKEY_CTX_new_from_pkey,                                                   \
	  (OSSL_LIB_CTX * libctx, EVP_PKEY * pkey, const char *propquery), (libctx, pkey, propquery))   \
	F(int, EVP_PKEY_CTX_set_dsa_paramgen_bits, (EVP_PKEY_CTX * ctx, int nbits), (ctx, nbits))       \
	F(int, EVP_PKEY_CTX_set_dsa_paramgen_q_bits, (EVP_PKEY_CTX * ctx, int qbits), (ctx, qbits))     \
	V(EVP_PKEY_free, (EVP_PKEY * pkey), (pkey))                                                     \
	F(int, EVP_PKEY_get_base_id, (const EVP_PKEY *pkey), (pkey))                                    \
	F(int, EVP_PKEY_keygen, (EVP_PKEY_CTX * ctx, EVP_PKEY * *ppkey), (ctx, ppkey))                  \
	F(int, EVP_PKEY_keygen_init, (EVP_PKEY_CTX * ctx), (ctx))                                       \
	F(int, EVP_PKEY_paramgen, (EVP_PKEY_CTX * ctx, EVP_PKEY * *ppkey), (ctx, ppkey))                \
	F(int, EVP_PKEY_paramgen_init, (EVP_PKEY_CTX * ctx), (ctx))                                     \
	F(const EVP_CIPHER *, EVP_aes_256_cbc, (void), ())                                              \
	F(const EVP_MD *, EVP_sha256, (void), ())                                                       \
	F(unsigned char *, HMAC,                                                                        \
	  (const EVP_MD *evp_md, const void *key, int key_len, const unsigned char *data, size_t data_len, \
	   unsigned char *md, unsigned int *md_len),                                                    \
	  (evp_md, key, key_len, data, data_len, md, md_len))                                           \
	V(OSSL_ENCODER_CTX_free, (OSSL_ENCODER_CTX * ctx), (ctx))                                       \
	F(int, OSSL_ENCODER_CTX_get_num_encoders, (OSSL_ENCODER_CTX * ctx), (ctx))                      \
	F(OSSL_ENCODER_CTX *, OSSL_ENCODER_CTX_new_for_pkey,                                            \
	  (const EVP_PKEY *pkey, int selection, const char *output_type, const char *output_struct,     \
	   const char *propquery),                                                                      \
	  (pkey, selection, output_type, output_struct, propquery))                                     \
	F(int, OSSL_ENCODER_to_bio, (OSSL_ENCODER_CTX * ctx, BIO * out), (ctx, out))                    \
	F(int, PEM_read_bio, (BIO * bp, char **name, char **header, unsigned char **data, long *len),   \
	  (bp, name, header, data, len))                                                                \
	F(EVP_PKEY *, PEM_read_bio_PrivateKey, (BIO * bp, EVP_PKEY * *x, pem_password_cb * cb, void *u), \
	  (bp, x, cb, u))                                                                               \
	F(X509 *, PEM_read_bio_X509, (BIO * bp, X509 * *x, pem_password_cb * cb, void *u), (bp, x, cb, u)) \
	F(int, PEM_write_bio_X509, (BIO * bp, const X509 *x), (bp, x))                                  \
	F(X509_EXTENSION *, X509V3_EXT_conf_nid,                                                        \
	  (LHASH_OF(CONF_VALUE) * conf, X509V3_CTX * ctx, int ext_nid, const char *value),              \
	  (conf, ctx, ext_nid, value))                                                                  \
	V(X509V3_set_ctx,                                                                               \
	  (X509V3_CTX * ctx, X509 * issuer, X509 * subject, X509_REQ * req, X509_CRL * crl, int flags), \
	  (ctx, issuer, subject, req, crl, flags))                                                      \
	V(X509_EXTENSION_free, (X509_EXTENSION * a), (a))                                               \
	F(int, X509_NAME_add_entry_by_txt,                                                              \
	  (X509_NAME * name, const char *field, int type, const unsigned char *bytes, int len, int loc, \
	   int set),                                                                                    \
	  (name, field, type, bytes, len, loc, set))                                                    \
	F(int, X509_add_ext, (X509 * x, X509_EXTENSION * ex, int loc), (x, ex, loc))                    \
	V(X509_free, (X509 * a), (a))                                                                   \
	F(int, X509_get_ext_by_NID, (const X509 *x, int nid, int lastpos), (x, nid, lastpos))           \
	F(ASN1_INTEGER *, X509_get_serialNumber, (X509 * x), (x))                                       \
	F(X509_NAME *, X509_get_subject_name, (const X509 *a), (a))                                     \
	F(ASN1_TIME *, X509_getm_notAfter, (const X509 *x), (x))                                        \
	F(ASN1_TIME *, X509_getm_notBefore, (const X509 *x), (x))                                       \
	F(ASN1_TIME *, X509_gmtime_adj, (ASN1_TIME * s, long adj), (s, adj))                            \
	F(X509 *, X509_new, (void), ())                                                                 \
	F(int, X509_set_issuer_name, (X509 * x, const X509_NAME *name), (x, name))                      \
	F(int, X509_set_pubkey, (X509 * x, EVP_PKEY * pkey), (x, pkey))                                 \
	F(int, X509_set_version, (X509 * x, long version), (x, version))                                \
	F(int, X509_sign, (X509 * x, EVP_PKEY * pkey, const EVP_MD *md), (x, pkey, md))                 \
	F(ASN1_TIME *, X509_time_adj_ex, (ASN1_TIME * s, int offset_day, long offset_sec, time_t *t),   \
	  (s, offset_day, offset_sec, t))                                                               \
	F(int, EVP_DigestSign,                                                                          \
	  (EVP_MD_CTX * ctx, unsigned char *sigret, size_t *siglen, const unsigned char *tbs,           \
	   size_t tbslen),                                                                              \
	  (ctx, sigret, siglen, tbs, tbslen))                                                           \
	F(int, EVP_DigestSignInit,                                                                      \
	  (EVP_MD_CTX * ctx, EVP_PKEY_CTX * *pctx, const EVP_MD *type, ENGINE *e, EVP_PKEY *pkey),      \
	  (ctx, pctx, type, e, pkey))                                                                   \
	V(EVP_MD_CTX_free, (EVP_MD_CTX * ctx), (ctx))                                                   \
	F(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ())

#define FIELD_F(ret, name, params, args) ret(*name) params;
#define FIELD_V(name, params, args) void(*name) params;

static struct {
	ARC_CRYPTO_FUNCS(FIELD_F, FIELD_V)
	EVP_PKEY *(*EVP_PKEY_Q_keygen)(OSSL_LIB_CTX *, const char *, const char *, ...);
} lc;

static int lc_ok;
static char lc_err[256] = "libcrypto is not loaded";
static pthread_once_t lc_once = PTHREAD_ONCE_INIT;

static void lc_load(void)
{
	void *h = dlopen(LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;
	void *p;

	if (!h) {
		const char *e = dlerror();
		snprintf(lc_err, sizeof(lc_err), "cannot load %s: %s", LIBCRYPTO_SONAME, e ? e : "not found");
		return;
	}
	/* object -> function pointer through memcpy: ISO C has no direct conversion */
#define LOAD(name)                                                 \
	do {                                                       \
		p = dlsym(h, #name);                               \
		if (!p && !missing)                                \
			missing = #name;                           \
		memcpy(&lc.name, &p, sizeof(p));                   \
	} while (0);
#define LOAD_F(ret, name, params, args) LOAD(name)
#define LOAD_V(name, params, args) LOAD(name)
	ARC_CRYPTO_FUNCS(LOAD_F, LOAD_V)
	LOAD(EVP_PKEY_Q_keygen)
#undef LOAD
	if (missing) {
		snprintf(lc_err, sizeof(lc_err), "cannot load %s: no symbol %s", LIBCRYPTO_SONAME, missing);
		memset(&lc, 0, sizeof(lc));
		dlclose(h);
		return;
	}
	lc_ok = 1; /* the handle stays open for the life of the process */
}

int arc_crypto_load(void)
{
	pthread_once(&lc_once, lc_load);
	return lc_ok ? 0 : -1;
}

const char *arc_crypto_error(void)
{
	return lc_err;
}

#define DEFINE_F(ret, name, params, args)                  \
	ret name params                                     \
	{                                                   \
		if (arc_crypto_load())                      \
			return (ret)0;                      \
		return lc.name args;                        \
	}
#define DEFINE_V(name, params, args)                       \
	void name params                                    \
	{                                                   \
		if (arc_crypto_load() == 0)                 \
			lc.name args;                       \
	}
ARC_CRYPTO_FUNCS(DEFINE_F, DEFINE_V)

EVP_PKEY *arc_crypto_keygen_rsa(size_t bits)
{
	return arc_crypto_load() ? NULL : lc.EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
}

EVP_PKEY *arc_crypto_keygen_ec(const char *curve)
{
	return arc_crypto_load() ? NULL : lc.EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

EVP_PKEY *arc_crypto_keygen_ed25519(void)
{
	return arc_crypto_load() ? NULL : lc.EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
}
