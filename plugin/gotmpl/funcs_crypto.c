/* funcs_crypto.c - Sprig's crypto group: keys and certificates (OpenSSL's
 * libcrypto), bcrypt/htpasswd, derivePassword (scrypt + HMAC-SHA256, the
 * "Master Password" scheme), AES-CBC, random bytes and UUIDs.
 *
 * Certificates come back as objects of Go type sprig.certificate with the
 * fields Cert and Key (PEM), printed by %v as "{CERT KEY}". */
#include "funcs.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../base/crypto_lazy.h"
#include "../base/encoding.h"
#include "../value/codec.h"
#include "blowfish.h"

/* every entry point that calls libcrypto loads it first, so that a missing
 * library is reported as such rather than as a failed key or cipher */
#define NEED_CRYPTO()                                                                  \
	do {                                                                           \
		if (arc_crypto_load())                                                 \
			return arc_error_code(ARC_E_CALL, "%s", arc_crypto_error());   \
	} while (0)

/* ---- the certificate object ---- */

struct cert {
	arc_value *cert, *key; /* strings */
};

static int cert_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	struct cert *c = self->u.o.data;
	(void)args;
	if (is_call && nargs > 0)
		return ARC_E_NOTFOUND;
	if (!strcmp(name, "Cert")) {
		*out = arc_v_ref(c->cert);
		return 0;
	}
	if (!strcmp(name, "Key")) {
		*out = arc_v_ref(c->key);
		return 0;
	}
	return ARC_E_NOTFOUND;
}

static void cert_format(arc_value *self, struct arc_buf *b)
{
	struct cert *c = self->u.o.data;
	arc_buf_putc(b, '{');
	arc_buf_add(b, c->cert->u.s.ptr, c->cert->u.s.len);
	arc_buf_putc(b, ' ');
	arc_buf_add(b, c->key->u.s.ptr, c->key->u.s.len);
	arc_buf_putc(b, '}');
}

static void cert_free(void *data)
{
	struct cert *c = data;
	arc_v_unref(c->cert);
	arc_v_unref(c->key);
	free(c);
}

static const struct arc_vclass cert_class = { "sprig.certificate", cert_lookup, cert_format, cert_free };

static arc_value *cert_new(arc_value *cert_take, arc_value *key_take)
{
	struct cert *c = xcalloc(1, sizeof(*c));
	c->cert = cert_take;
	c->key = key_take;
	return arc_v_object(&cert_class, c);
}

/* a sprig.certificate parameter: Go rejects anything else before the call */
static int arg_cert(struct arc_tpl_call *c, int i, struct cert **out)
{
	arc_value *v = c->args[i];
	if (v->kind != ARC_OBJECT || v->u.o.cls != &cert_class) {
		if (v->kind == ARC_NULL)
			return arc_error_code(ARC_E_EXEC, "invalid value; expected sprig.certificate");
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected sprig.certificate; got %s",
				      arc_v_gotype_name(v));
	}
	*out = v->u.o.data;
	return 0;
}

/* ---- helpers ---- */

static arc_value *bio_to_value(BIO *bio)
{
	char *p;
	long n = BIO_get_mem_data(bio, &p);
	return arc_v_strn(p, n > 0 ? (size_t)n : 0);
}

/* PEM of a private key in Go's choice of encoding: PKCS#1 for RSA, SEC1 for
 * EC, the traditional form for DSA, PKCS#8 for everything else (ed25519). */
static arc_value *key_pem(EVP_PKEY *pk)
{
	const char *structure = "type-specific";
	OSSL_ENCODER_CTX *ctx;
	BIO *bio = BIO_new(BIO_s_mem());
	arc_value *r = NULL;
	int id = EVP_PKEY_get_base_id(pk);

	if (id != EVP_PKEY_RSA && id != EVP_PKEY_EC && id != EVP_PKEY_DSA)
		structure = "PrivateKeyInfo";
	ctx = OSSL_ENCODER_CTX_new_for_pkey(pk, OSSL_KEYMGMT_SELECT_ALL, "PEM", structure, NULL);
	if (ctx && OSSL_ENCODER_CTX_get_num_encoders(ctx) > 0 && OSSL_ENCODER_to_bio(ctx, bio))
		r = bio_to_value(bio);
	OSSL_ENCODER_CTX_free(ctx);
	BIO_free(bio);
	return r;
}

static EVP_PKEY *gen_key(const char *typ)
{
	if (!strcmp(typ, "") || !strcmp(typ, "rsa"))
		return arc_crypto_keygen_rsa(4096);
	if (!strcmp(typ, "ecdsa"))
		return arc_crypto_keygen_ec("P-256");
	if (!strcmp(typ, "ed25519"))
		return arc_crypto_keygen_ed25519();
	if (!strcmp(typ, "dsa")) {
		EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
		EVP_PKEY *params = NULL, *key = NULL;
		if (pc && EVP_PKEY_paramgen_init(pc) > 0 && EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, 2048) > 0 &&
		    EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 256) > 0 && EVP_PKEY_paramgen(pc, &params) > 0) {
			EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
			if (kc && EVP_PKEY_keygen_init(kc) > 0)
				EVP_PKEY_keygen(kc, &key);
			EVP_PKEY_CTX_free(kc);
		}
		EVP_PKEY_free(params);
		EVP_PKEY_CTX_free(pc);
		return key;
	}
	return NULL;
}

static int fn_genPrivateKey(struct arc_tpl_call *c, arc_value **out)
{
	const char *typ;
	EVP_PKEY *pk;
	arc_value *pem;
	int rc = arc_tpl_arg_str(c, 0, &typ, NULL);
	if (rc)
		return rc;
	NEED_CRYPTO();
	if (strcmp(typ, "") && strcmp(typ, "rsa") && strcmp(typ, "ecdsa") && strcmp(typ, "ed25519") &&
	    strcmp(typ, "dsa")) {
		*out = arc_v_str_take(xasprintf("Unknown type %s", typ), strlen(typ) + 13);
		return 0;
	}
	pk = gen_key(typ);
	pem = pk ? key_pem(pk) : NULL;
	EVP_PKEY_free(pk);
	*out = pem ? pem : arc_v_str("failed to generate private key: key generation failed");
	return 0;
}

/* Parse a private key PEM as Sprig does; messages are Sprig's. */
static EVP_PKEY *parse_key_pem(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *pk = NULL;
	char *name = NULL, *header = NULL;
	unsigned char *data = NULL;
	long dlen = 0;

	if (!PEM_read_bio(bio, &name, &header, &data, &dlen)) {
		arc_error_set("no PEM data in input");
		goto out;
	}
	if (strcmp(name, "PRIVATE KEY") != 0) {
		size_t n = strlen(name);
		if (n < 12 || strcmp(name + n - 12, " PRIVATE KEY") != 0) {
			arc_error_set("no private key data in PEM block of type %s", name);
			goto out;
		}
		if (strcmp(name, "RSA PRIVATE KEY") && strcmp(name, "EC PRIVATE KEY") &&
		    strcmp(name, "DSA PRIVATE KEY")) {
			arc_error_set("invalid private key type %s", name);
			goto out;
		}
	}
	BIO_free(bio);
	bio = BIO_new_mem_buf(pem, (int)len);
	pk = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	if (!pk) {
		if (!strcmp(name, "PRIVATE KEY"))
			arc_error_set("decoding PEM as PKCS#8: asn1: structure error");
		else if (!strcmp(name, "RSA PRIVATE KEY"))
			arc_error_set("parsing RSA private key from PEM: x509: malformed private key");
		else if (!strcmp(name, "EC PRIVATE KEY"))
			arc_error_set("parsing EC private key from PEM: x509: failed to parse EC private key");
		else
			arc_error_set("parsing DSA private key from PEM: asn1: structure error");
	}
out:
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
	BIO_free(bio);
	return pk;
}

static int add_ext(X509 *crt, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, crt, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	X509_add_ext(crt, ext, -1);
	X509_EXTENSION_free(ext);
	return 0;
}

/* Sprig's getNetIPs / getAlternateDNSStrs, building one subjectAltName value */
static int collect_sans(arc_value *ips, arc_value *dns, struct arc_buf *san)
{
	size_t i;
	if (ips->kind == ARC_LIST) {
		for (i = 0; i < arc_v_list_len(ips); i++) {
			arc_value *ip = arc_v_list_at(ips, i);
			unsigned char tmp[16];
			if (ip->kind != ARC_STRING) {
				struct arc_buf t = ARC_BUF_INIT;
				arc_fmt_v(&t, ip);
				arc_error_code(ARC_E_CALL, "error parsing ip: %s is not a string", arc_buf_cstr(&t));
				arc_buf_release(&t);
				return ARC_E_CALL;
			}
			if (inet_pton(AF_INET, ip->u.s.ptr, tmp) != 1 && inet_pton(AF_INET6, ip->u.s.ptr, tmp) != 1)
				return arc_error_code(ARC_E_CALL, "error parsing ip: %s", ip->u.s.ptr);
			arc_buf_printf(san, "%sIP:%s", san->len ? "," : "", ip->u.s.ptr);
		}
	}
	if (dns->kind == ARC_LIST) {
		for (i = 0; i < arc_v_list_len(dns); i++) {
			arc_value *d = arc_v_list_at(dns, i);
			if (d->kind != ARC_STRING) {
				struct arc_buf t = ARC_BUF_INIT;
				arc_fmt_v(&t, d);
				arc_error_code(ARC_E_CALL,
					       "error processing alternate dns name: %s is not a string",
					       arc_buf_cstr(&t));
				arc_buf_release(&t);
				return ARC_E_CALL;
			}
			if (strchr(d->u.s.ptr, ','))
				return arc_error_code(ARC_E_CALL, "error creating certificate: x509: cannot encode "
								  "DNS name %s", d->u.s.ptr);
			arc_buf_printf(san, "%sDNS:%s", san->len ? "," : "", d->u.s.ptr);
		}
	}
	return 0;
}

/* Build and sign a certificate as Sprig's getBaseCertTemplate + x509.CreateCertificate. */
static int make_cert(const char *cn, arc_value *ips, arc_value *dns, int64_t days, int is_ca, EVP_PKEY *key,
		     X509 *parent, EVP_PKEY *signer, arc_value **out)
{
	X509 *crt = X509_new();
	BIGNUM *serial = BN_new();
	X509_NAME *name;
	struct arc_buf san = ARC_BUF_INIT;
	BIO *bio = NULL;
	arc_value *pem_cert, *pem_key;
	const EVP_MD *md = NULL;
	int rc = ARC_E_CALL, id;

	if ((rc = collect_sans(ips, dns, &san)) != 0)
		goto out;
	rc = ARC_E_CALL;
	X509_set_version(crt, 2);
	/* a random serial below 2^128 */
	BN_rand(serial, 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
	BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(crt));
	name = X509_get_subject_name(crt);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(crt, parent ? X509_get_subject_name(parent) : name);
	X509_gmtime_adj(X509_getm_notBefore(crt), 0);
	X509_time_adj_ex(X509_getm_notAfter(crt), (int)days, 0, NULL);
	X509_set_pubkey(crt, key);
	add_ext(crt, parent ? parent : crt, NID_key_usage,
		is_ca ? "critical,digitalSignature,keyEncipherment,keyCertSign"
		      : "critical,digitalSignature,keyEncipherment");
	add_ext(crt, parent ? parent : crt, NID_ext_key_usage, "serverAuth,clientAuth");
	add_ext(crt, parent ? parent : crt, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	if (is_ca)
		add_ext(crt, crt, NID_subject_key_identifier, "hash");
	if (parent && X509_get_ext_by_NID(parent, NID_subject_key_identifier, -1) >= 0)
		add_ext(crt, parent, NID_authority_key_identifier, "keyid");
	if (san.len && add_ext(crt, parent ? parent : crt, NID_subject_alt_name, arc_buf_cstr(&san)) < 0) {
		arc_error_code(ARC_E_CALL, "error creating certificate: invalid subject alternative names");
		goto out;
	}
	id = EVP_PKEY_get_base_id(signer);
	if (id != EVP_PKEY_ED25519)
		md = EVP_sha256();
	if (!X509_sign(crt, signer, md)) {
		arc_error_code(ARC_E_CALL, "error creating certificate: signing failed");
		goto out;
	}
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, crt);
	pem_cert = bio_to_value(bio);
	pem_key = key_pem(key);
	if (!pem_key) {
		arc_v_unref(pem_cert);
		arc_error_code(ARC_E_CALL, "error pem-encoding key");
		goto out;
	}
	*out = cert_new(pem_cert, pem_key);
	rc = 0;
out:
	BIO_free(bio);
	BN_free(serial);
	X509_free(crt);
	arc_buf_release(&san);
	return rc;
}

static X509 *parse_cert_pem(const char *pem, size_t len)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return x;
}

/* genCA cn days / genCAWithKey cn days key */
static int do_genCA(struct arc_tpl_call *c, arc_value **out, int with_key)
{
	const char *cn, *kp = NULL;
	size_t klen = 0;
	int64_t days;
	EVP_PKEY *key;
	int rc;
	arc_value *nil = arc_v_null();

	if ((rc = arc_tpl_arg_str(c, 0, &cn, NULL)) || (rc = arc_tpl_arg_int(c, 1, &days)) ||
	    (with_key && (rc = arc_tpl_arg_str(c, 2, &kp, &klen))))
		return rc;
	NEED_CRYPTO();
	if (with_key) {
		key = parse_key_pem(kp, klen);
		if (!key) {
			arc_error_prefix("parsing private key");
			return ARC_E_CALL;
		}
	} else {
		key = arc_crypto_keygen_rsa(2048);
		if (!key)
			return arc_error_code(ARC_E_CALL, "error generating rsa key");
	}
	rc = make_cert(cn, nil, nil, days, 1, key, NULL, key, out);
	EVP_PKEY_free(key);
	return rc;
}

static int fn_genCA(struct arc_tpl_call *c, arc_value **out) { return do_genCA(c, out, 0); }
static int fn_genCAWithKey(struct arc_tpl_call *c, arc_value **out) { return do_genCA(c, out, 1); }

/* genSelfSignedCert cn ips dns days [key] */
static int do_selfsigned(struct arc_tpl_call *c, arc_value **out, int with_key)
{
	const char *cn, *kp = NULL;
	size_t klen = 0;
	int64_t days;
	arc_value *ips, *dns;
	EVP_PKEY *key;
	int rc;

	if ((rc = arc_tpl_arg_str(c, 0, &cn, NULL)) || (rc = arc_tpl_arg_list(c, 1, &ips)) ||
	    (rc = arc_tpl_arg_list(c, 2, &dns)) || (rc = arc_tpl_arg_int(c, 3, &days)) ||
	    (with_key && (rc = arc_tpl_arg_str(c, 4, &kp, &klen))))
		return rc;
	NEED_CRYPTO();
	if (with_key) {
		key = parse_key_pem(kp, klen);
		if (!key) {
			arc_error_prefix("parsing private key");
			return ARC_E_CALL;
		}
	} else {
		key = arc_crypto_keygen_rsa(2048);
		if (!key)
			return arc_error_code(ARC_E_CALL, "error generating rsa key");
	}
	rc = make_cert(cn, ips, dns, days, 0, key, NULL, key, out);
	EVP_PKEY_free(key);
	return rc;
}

static int fn_genSelfSignedCert(struct arc_tpl_call *c, arc_value **out) { return do_selfsigned(c, out, 0); }
static int fn_genSelfSignedCertWithKey(struct arc_tpl_call *c, arc_value **out)
{
	return do_selfsigned(c, out, 1);
}

/* genSignedCert cn ips dns days ca [key] */
static int do_signed(struct arc_tpl_call *c, arc_value **out, int with_key)
{
	const char *cn, *kp = NULL;
	size_t klen = 0;
	int64_t days;
	arc_value *ips, *dns;
	struct cert *ca = NULL;
	EVP_PKEY *key = NULL, *cakey = NULL;
	X509 *cacert = NULL;
	int rc;

	if ((rc = arc_tpl_arg_str(c, 0, &cn, NULL)) || (rc = arc_tpl_arg_list(c, 1, &ips)) ||
	    (rc = arc_tpl_arg_list(c, 2, &dns)) || (rc = arc_tpl_arg_int(c, 3, &days)) ||
	    (rc = arg_cert(c, 4, &ca)) || (with_key && (rc = arc_tpl_arg_str(c, 5, &kp, &klen))))
		return rc;
	NEED_CRYPTO();
	if (with_key) {
		key = parse_key_pem(kp, klen);
		if (!key) {
			arc_error_prefix("parsing private key");
			return ARC_E_CALL;
		}
	} else {
		key = arc_crypto_keygen_rsa(2048);
		if (!key)
			return arc_error_code(ARC_E_CALL, "error generating rsa key");
	}
	rc = ARC_E_CALL;
	cacert = parse_cert_pem(ca->cert->u.s.ptr, ca->cert->u.s.len);
	if (!cacert) {
		arc_error_set("unable to decode certificate");
		goto out;
	}
	cakey = parse_key_pem(ca->key->u.s.ptr, ca->key->u.s.len);
	if (!cakey) {
		arc_error_prefix("error parsing private key");
		goto out;
	}
	rc = make_cert(cn, ips, dns, days, 0, key, cacert, cakey, out);
out:
	EVP_PKEY_free(key);
	EVP_PKEY_free(cakey);
	X509_free(cacert);
	return rc;
}

static int fn_genSignedCert(struct arc_tpl_call *c, arc_value **out) { return do_signed(c, out, 0); }
static int fn_genSignedCertWithKey(struct arc_tpl_call *c, arc_value **out) { return do_signed(c, out, 1); }

static int fn_buildCustomCert(struct arc_tpl_call *c, arc_value **out)
{
	const char *bc, *bk;
	size_t lc, lk;
	struct arc_buf cert = ARC_BUF_INIT, key = ARC_BUF_INIT;
	X509 *x = NULL;
	EVP_PKEY *pk = NULL;
	int rc;

	if ((rc = arc_tpl_arg_str(c, 0, &bc, &lc)) || (rc = arc_tpl_arg_str(c, 1, &bk, &lk)))
		return rc;
	NEED_CRYPTO();
	rc = ARC_E_CALL;
	if (arc_b64_decode(&cert, bc, lc)) {
		arc_error_set("unable to decode base64 certificate");
		goto out;
	}
	if (arc_b64_decode(&key, bk, lk)) {
		arc_error_set("unable to decode base64 private key");
		goto out;
	}
	if (!strstr(arc_buf_cstr(&cert), "-----BEGIN ")) {
		arc_error_set("unable to decode certificate");
		goto out;
	}
	x = parse_cert_pem(cert.ptr, cert.len);
	if (!x) {
		arc_error_set("error parsing certificate: decodedCert.Bytes: x509: malformed certificate");
		goto out;
	}
	pk = parse_key_pem(key.ptr, key.len);
	if (!pk) {
		arc_error_prefix("error parsing private key");
		goto out;
	}
	*out = cert_new(arc_v_str_buf(&cert), arc_v_str_buf(&key));
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(pk);
	arc_buf_release(&cert);
	arc_buf_release(&key);
	return rc;
}

/* ---- bcrypt, htpasswd ---- */

static arc_value *bcrypt_value(const char *pw, size_t len)
{
	unsigned char salt[16];
	char hash[61];
	if (len > 72)
		return arc_v_str("failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes");
	arc_random_bytes(salt, sizeof(salt));
	arc_bcrypt(pw, len, salt, 10, hash);
	return arc_v_str(hash);
}

static int fn_bcrypt(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t n;
	int rc = arc_tpl_arg_str(c, 0, &s, &n);
	if (rc)
		return rc;
	*out = bcrypt_value(s, n);
	return 0;
}

static int fn_htpasswd(struct arc_tpl_call *c, arc_value **out)
{
	const char *u, *p;
	size_t ul, pl;
	arc_value *h;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &u, &ul)) || (rc = arc_tpl_arg_str(c, 1, &p, &pl)))
		return rc;
	if (memchr(u, ':', ul)) {
		arc_buf_puts(&b, "invalid username: ");
		arc_buf_add(&b, u, ul);
		*out = arc_v_str_buf(&b);
		return 0;
	}
	h = bcrypt_value(p, pl);
	arc_buf_add(&b, u, ul);
	arc_buf_putc(&b, ':');
	arc_buf_add(&b, h->u.s.ptr, h->u.s.len);
	arc_v_unref(h);
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- derivePassword: the Master Password algorithm ---- */

static const char mp_seed[] = "com.lyndir.masterpassword";

static const char *const mp_templates_maximum[] = { "anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno", NULL };
static const char *const mp_templates_long[] = {
	"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
	"CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
	"CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
	"CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
	"CvccCvcvCvccno", NULL
};
static const char *const mp_templates_medium[] = { "CvcnoCvc", "CvcCvcno", NULL };
static const char *const mp_templates_short[] = { "Cvcn", NULL };
static const char *const mp_templates_basic[] = { "aaanaaan", "aannaaan", "aaannaaa", NULL };
static const char *const mp_templates_pin[] = { "nnnn", NULL };

static const struct {
	const char *name;
	const char *const *templates;
} mp_types[] = {
	{ "maximum", mp_templates_maximum }, { "long", mp_templates_long }, { "medium", mp_templates_medium },
	{ "short", mp_templates_short },     { "basic", mp_templates_basic }, { "pin", mp_templates_pin },
};

static const char *mp_chars(char cls)
{
	switch (cls) {
	case 'V': return "AEIOU";
	case 'C': return "BCDFGHJKLMNPQRSTVWXYZ";
	case 'v': return "aeiou";
	case 'c': return "bcdfghjklmnpqrstvwxyz";
	case 'A': return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
	case 'a': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
	case 'n': return "0123456789";
	case 'o': return "@&%?,=[]_:-+*$#!'^~;()/.";
	case 'x': return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
	}
	return "";
}

static void put_be32(struct arc_buf *b, uint32_t v)
{
	unsigned char o[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			       (unsigned char)v };
	arc_buf_add(b, o, 4);
}

static int fn_derivePassword(struct arc_tpl_call *c, arc_value **out)
{
	int64_t counter;
	const char *typ, *pw, *user, *site;
	size_t pwl, ul, sl;
	const char *const *tpls = NULL;
	struct arc_buf salt = ARC_BUF_INIT, b = ARC_BUF_INIT;
	unsigned char key[64], seed[32];
	unsigned int seedlen = sizeof(seed);
	size_t i, ntpl;
	const char *tpl;
	int rc;

	/* counter is a uint32 parameter */
	if (c->args[0]->kind != ARC_INT || c->args[0]->u.i < 0 || c->args[0]->u.i > UINT32_MAX) {
		if (c->args[0]->kind == ARC_INT)
			return arc_error_code(ARC_E_EXEC, "%s", "value out of range for uint32");
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected uint32; got %s",
				      arc_v_gotype_name(c->args[0]));
	}
	counter = c->args[0]->u.i;
	if ((rc = arc_tpl_arg_str(c, 1, &typ, NULL)) || (rc = arc_tpl_arg_str(c, 2, &pw, &pwl)) ||
	    (rc = arc_tpl_arg_str(c, 3, &user, &ul)) || (rc = arc_tpl_arg_str(c, 4, &site, &sl)))
		return rc;
	NEED_CRYPTO();
	for (i = 0; i < ARC_ARRAY_LEN(mp_types); i++)
		if (!strcmp(mp_types[i].name, typ))
			tpls = mp_types[i].templates;
	if (!tpls) {
		*out = arc_v_str_take(xasprintf("cannot find password template %s", typ), 0);
		(*out)->u.s.len = strlen((*out)->u.s.ptr);
		return 0;
	}
	arc_buf_puts(&salt, mp_seed);
	put_be32(&salt, (uint32_t)ul);
	arc_buf_add(&salt, user, ul);
	if (EVP_PBE_scrypt(pw, pwl, (const unsigned char *)salt.ptr, salt.len, 32768, 8, 2, 64u << 20, key,
			   sizeof(key)) != 1) {
		arc_buf_release(&salt);
		*out = arc_v_str("failed to derive password: scrypt failed");
		return 0;
	}
	arc_buf_truncate(&salt, strlen(mp_seed));
	put_be32(&salt, (uint32_t)sl);
	arc_buf_add(&salt, site, sl);
	put_be32(&salt, (uint32_t)counter);
	HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)salt.ptr, salt.len, seed, &seedlen);
	for (ntpl = 0; tpls[ntpl]; ntpl++)
		;
	tpl = tpls[seed[0] % ntpl];
	for (i = 0; tpl[i]; i++) {
		const char *chars = mp_chars(tpl[i]);
		arc_buf_putc(&b, chars[seed[i + 1] % strlen(chars)]);
	}
	arc_buf_release(&salt);
	explicit_bzero(key, sizeof(key));
	*out = arc_v_str_buf(&b);
	return 0;
}

/* ---- AES-256-CBC as Sprig does it (key = password zero-padded to 32 bytes) ---- */

static int fn_encryptAES(struct arc_tpl_call *c, arc_value **out)
{
	const char *pw, *pt;
	size_t pwl, ptl, padded, i;
	unsigned char key[32] = { 0 }, *buf;
	EVP_CIPHER_CTX *ctx;
	struct arc_buf b = ARC_BUF_INIT;
	int n = 0, rc;

	if ((rc = arc_tpl_arg_str(c, 0, &pw, &pwl)) || (rc = arc_tpl_arg_str(c, 1, &pt, &ptl)))
		return rc;
	NEED_CRYPTO();
	if (ptl == 0) {
		*out = arc_v_str("");
		return 0;
	}
	memcpy(key, pw, pwl > 32 ? 32 : pwl);
	padded = ptl + (16 - ptl % 16);
	buf = xmalloc(16 + padded);
	arc_random_bytes(buf, 16);
	memcpy(buf + 16, pt, ptl);
	for (i = ptl; i < padded; i++)
		buf[16 + i] = (unsigned char)(padded - ptl);
	ctx = EVP_CIPHER_CTX_new();
	EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, buf);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_EncryptUpdate(ctx, buf + 16, &n, buf + 16, (int)padded);
	EVP_CIPHER_CTX_free(ctx);
	arc_b64_encode(&b, buf, 16 + padded);
	free(buf);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_decryptAES(struct arc_tpl_call *c, arc_value **out)
{
	const char *pw, *ct;
	size_t pwl, ctl, n;
	unsigned char key[32] = { 0 }, *plain;
	struct arc_buf raw = ARC_BUF_INIT;
	EVP_CIPHER_CTX *ctx;
	int outl = 0, rc;
	unsigned pad;

	if ((rc = arc_tpl_arg_str(c, 0, &pw, &pwl)) || (rc = arc_tpl_arg_str(c, 1, &ct, &ctl)))
		return rc;
	NEED_CRYPTO();
	if (ctl == 0) {
		*out = arc_v_str("");
		return 0;
	}
	memcpy(key, pw, pwl > 32 ? 32 : pwl);
	if (arc_b64_decode(&raw, ct, ctl)) {
		arc_buf_release(&raw);
		return ARC_E_CALL;
	}
	if (raw.len < 16) {
		arc_error_code(ARC_E_CALL, "runtime error: slice bounds out of range [:16] with capacity %zu", raw.len);
		arc_buf_release(&raw);
		return ARC_E_CALL;
	}
	n = raw.len - 16;
	if (n % 16) {
		arc_buf_release(&raw);
		return arc_error_code(ARC_E_CALL, "crypto/cipher: input not full blocks");
	}
	if (n == 0) {
		arc_buf_release(&raw);
		return arc_error_code(ARC_E_CALL, "runtime error: index out of range [-1]");
	}
	plain = xmalloc(n);
	ctx = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, (unsigned char *)raw.ptr);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_DecryptUpdate(ctx, plain, &outl, (unsigned char *)raw.ptr + 16, (int)n);
	EVP_CIPHER_CTX_free(ctx);
	pad = plain[n - 1];
	if (pad > n) {
		arc_error_code(ARC_E_CALL, "runtime error: slice bounds out of range [:%lld]", (long long)n - pad);
		free(plain);
		arc_buf_release(&raw);
		return ARC_E_CALL;
	}
	*out = arc_v_strn((const char *)plain, n - pad);
	free(plain);
	arc_buf_release(&raw);
	return 0;
}

/* ---- random ---- */

static int fn_randBytes(struct arc_tpl_call *c, arc_value **out)
{
	int64_t n;
	unsigned char *buf;
	struct arc_buf b = ARC_BUF_INIT;
	int rc = arc_tpl_arg_int(c, 0, &n);
	if (rc)
		return rc;
	if (n < 0)
		return arc_error_code(ARC_E_CALL, "runtime error: makeslice: len out of range");
	if (n > (64 << 20))
		return arc_error_code(ARC_E_CALL, "randBytes: %lld bytes is more than this renderer allows",
				      (long long)n);
	buf = xmalloc((size_t)n + 1);
	arc_random_bytes(buf, (size_t)n);
	arc_b64_encode(&b, buf, (size_t)n);
	free(buf);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_uuidv4(struct arc_tpl_call *c, arc_value **out)
{
	unsigned char u[16];
	char s[37];
	(void)c;
	arc_random_bytes(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(s, sizeof(s), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	*out = arc_v_str(s);
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_crypto[] = {
	{ "bcrypt", fn_bcrypt, 1, 1 },
	{ "buildCustomCert", fn_buildCustomCert, 2, 2 },
	{ "decryptAES", fn_decryptAES, 2, 2 },
	{ "derivePassword", fn_derivePassword, 5, 5 },
	{ "encryptAES", fn_encryptAES, 2, 2 },
	{ "genCA", fn_genCA, 2, 2 },
	{ "genCAWithKey", fn_genCAWithKey, 3, 3 },
	{ "genPrivateKey", fn_genPrivateKey, 1, 1 },
	{ "genSelfSignedCert", fn_genSelfSignedCert, 4, 4 },
	{ "genSelfSignedCertWithKey", fn_genSelfSignedCertWithKey, 5, 5 },
	{ "genSignedCert", fn_genSignedCert, 5, 5 },
	{ "genSignedCertWithKey", fn_genSignedCertWithKey, 6, 6 },
	{ "htpasswd", fn_htpasswd, 2, 2 },
	{ "randBytes", fn_randBytes, 1, 1 },
	{ "uuidv4", fn_uuidv4, 0, 0 },
	{ NULL, NULL, 0, 0 },
};
