/* test_crypto.c - bcrypt against hashes made by Apache's htpasswd (apache2-utils,
 * `htpasswd -bnBC 5 "" PASSWORD`), and certificates checked with OpenSSL. */
#include "tap.h"
#include "gotmpl/blowfish.h"
#include "gotmpl/funcs.h"
#include "value/codec.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

static int b64v(char c)
{
	static const char a[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	const char *p = strchr(a, c);
	return p ? (int)(p - a) : 0;
}

/* decode the 22-character bcrypt salt into 16 bytes */
static void salt_of(const char *hash, unsigned char salt[16])
{
	const char *s = hash + 7;
	int i, o = 0;
	for (i = 0; i < 22 && o < 16; i += 4) {
		unsigned v = (unsigned)b64v(s[i]) << 18 | (unsigned)b64v(s[i + 1]) << 12;
		if (i + 2 < 22)
			v |= (unsigned)b64v(s[i + 2]) << 6;
		if (i + 3 < 22)
			v |= (unsigned)b64v(s[i + 3]);
		salt[o++] = (unsigned char)(v >> 16);
		if (o < 16)
			salt[o++] = (unsigned char)(v >> 8);
		if (o < 16)
			salt[o++] = (unsigned char)v;
	}
}

static void bcrypt_vector(const char *pw, const char *htpasswd_hash)
{
	unsigned char salt[16];
	char got[61];
	salt_of(htpasswd_hash, salt);
	arc_bcrypt(pw, strlen(pw), salt, 5, got);
	/* htpasswd writes $2y$, Go writes $2a$: same algorithm, compare from the cost on */
	CHECK(strcmp(got + 3, htpasswd_hash + 3) == 0, "bcrypt of \"%s\" matches htpasswd (got %s)", pw, got);
}

static arc_value *call(const char *name, arc_value **args, int n)
{
	const struct arc_tpl_func *f = arc_tpl_func_find(name);
	struct arc_tpl_call c = { NULL, name, n, args, -1 };
	arc_value *out = NULL;
	if (!f || f->fn(&c, &out) != 0) {
		printf("# %s failed: %s\n", name, arc_error_last());
		return NULL;
	}
	return out;
}

static X509 *pem_cert(arc_value *obj)
{
	arc_value *s = NULL;
	BIO *bio;
	X509 *x;
	obj->u.o.cls->lookup(obj, "Cert", 0, NULL, 0, &s);
	bio = BIO_new_mem_buf(s->u.s.ptr, (int)s->u.s.len);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	arc_v_unref(s);
	return x;
}

int main(void)
{
	arc_value *args[6], *ca, *leaf, *ips, *dns, *v;
	X509 *xca, *xleaf;
	EVP_PKEY *capub;

	bcrypt_vector("hunter2", "$2y$05$bsk3rq7HTHsw2PS3X43t9ep2yYAo5JDk35f342F0xbIdUoA1V/cM.");
	bcrypt_vector("", "$2y$05$R7zy0ac9heCVFrRPN82uYuLUDpJrdADlKjo/XYKAcybNGkv5Bhgnu");
	bcrypt_vector("a-password-that-is-quite-long-0123456789-0123456789-0123456789-01234567",
		      "$2y$05$Q2EI4.R9ZIkqShmz2CQyie6X8oU0J//6wBvYPDBLyZPpKZ14Bamwi");

	args[0] = arc_v_str("my-ca");
	args[1] = arc_v_int(30);
	ca = call("genCA", args, 2);
	CHECK(ca && ca->kind == ARC_OBJECT && !strcmp(arc_v_gotype_name(ca), "sprig.certificate"),
	      "genCA returns a sprig.certificate");
	ips = arc_v_list();
	arc_v_list_push(ips, arc_v_str("10.0.0.1"));
	dns = arc_v_list();
	arc_v_list_push(dns, arc_v_str("svc.ns.svc"));
	arc_v_unref(args[0]);
	args[0] = arc_v_str("leaf");
	args[2] = dns;
	args[3] = args[1];
	args[1] = ips;
	args[4] = ca;
	leaf = ca ? call("genSignedCert", args, 5) : NULL;
	xca = ca ? pem_cert(ca) : NULL;
	xleaf = leaf ? pem_cert(leaf) : NULL;
	CHECK(xca && xleaf, "both certificates parse as PEM X.509");
	if (xca && xleaf) {
		capub = X509_get_pubkey(xca);
		CHECK(X509_verify(xca, capub) == 1, "the CA is self-signed");
		CHECK(X509_verify(xleaf, capub) == 1, "the leaf is signed by the CA");
		CHECK(X509_check_ca(xca) >= 1 && X509_check_ca(xleaf) == 0, "CA flag on the CA only");
		CHECK(X509_check_host(xleaf, "svc.ns.svc", 0, 0, NULL) == 1, "leaf carries the DNS SAN");
		CHECK(X509_check_ip_asc(xleaf, "10.0.0.1", 0) == 1, "leaf carries the IP SAN");
		EVP_PKEY_free(capub);
	}
	X509_free(xca);
	X509_free(xleaf);
	arc_v_unref(leaf);
	arc_v_unref(ca);
	arc_v_unref(ips);
	arc_v_unref(dns);
	arc_v_unref(args[0]);
	arc_v_unref(args[3]);

	args[0] = arc_v_str("password");
	args[1] = arc_v_str("attack at dawn");
	v = call("encryptAES", args, 2);
	arc_v_unref(args[1]);
	args[1] = v;
	v = v ? call("decryptAES", args, 2) : NULL;
	CHECK(v && !strcmp(v->u.s.ptr, "attack at dawn"), "decryptAES inverts encryptAES");
	arc_v_unref(v);
	arc_v_unref(args[0]);
	arc_v_unref(args[1]);
	arc_error_clear();
	return tap_done();
}
