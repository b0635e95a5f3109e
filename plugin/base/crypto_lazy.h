/*
 * crypto_lazy.h - OpenSSL's libcrypto for keys, certificates, ciphers and
 * signatures, loaded on first use (crypto_lazy.c says why).
 *
 * Callers use the OpenSSL API as declared in <openssl/...>; the functions
 * the project calls are defined in crypto_lazy.c and forward to
 * libcrypto.so.3.  Before the first of them, a caller that can report an
 * error calls arc_crypto_load(): when the library cannot be loaded it fails
 * and arc_crypto_error() says why (the forwarders then return 0/NULL, which
 * every caller already treats as failure).
 *
 * The hashes (SHA-1/256/512) are not here: they are small and linked in.
 */
#ifndef ARC_BASE_CRYPTO_LAZY_H
#define ARC_BASE_CRYPTO_LAZY_H

#include <stddef.h>

#include <openssl/evp.h>

/* 0 when libcrypto is loaded (or was already), -1 when it cannot be */
int arc_crypto_load(void);
/* why arc_crypto_load() failed: "cannot load libcrypto.so.3: …" */
const char *arc_crypto_error(void);

/* EVP_PKEY_Q_keygen() is variadic and cannot be forwarded as such: one
 * fixed-argument entry per key type the project generates */
EVP_PKEY *arc_crypto_keygen_rsa(size_t bits);
EVP_PKEY *arc_crypto_keygen_ec(const char *curve);
EVP_PKEY *arc_crypto_keygen_ed25519(void);

#endif
