/* blowfish.h - Blowfish and bcrypt's expensive key setup (for Sprig's bcrypt/htpasswd) */
#ifndef ARC_GOTMPL_BLOWFISH_H
#define ARC_GOTMPL_BLOWFISH_H

#include <stddef.h>
#include <stdint.h>

extern const uint32_t arc_bf_init_p[18];
extern const uint32_t arc_bf_init_s[4][256];

/* bcrypt hash of `pw` with a 16-byte salt at 2^cost rounds, as "$2a$CC$<22 salt><31 hash>"
 * written into out (61 bytes incl. NUL).  pw longer than 72 bytes is the caller's error. */
void arc_bcrypt(const char *pw, size_t pwlen, const unsigned char salt[16], int cost, char out[61]);

#endif
