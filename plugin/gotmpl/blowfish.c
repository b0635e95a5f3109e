/* blowfish.c - Blowfish block cipher and bcrypt (Provos & Mazières, "A
 * Future-Adaptable Password Scheme", 1999): the expensive key schedule and
 * bcrypt's own base64 alphabet.  Used by Sprig's bcrypt and htpasswd. */
#include "blowfish.h"

#include <stdio.h>
#include <string.h>

struct bf {
	uint32_t p[18];
	uint32_t s[4][256];
};

static uint32_t bf_f(const struct bf *c, uint32_t x)
{
	return ((c->s[0][x >> 24] + c->s[1][(x >> 16) & 0xff]) ^ c->s[2][(x >> 8) & 0xff]) + c->s[3][x & 0xff];
}

static void bf_encrypt(const struct bf *c, uint32_t *l, uint32_t *r)
{
	uint32_t xl = *l, xr = *r, t;
	int i;
	for (i = 0; i < 16; i++) {
		xl ^= c->p[i];
		xr ^= bf_f(c, xl);
		t = xl;
		xl = xr;
		xr = t;
	}
	t = xl;
	xl = xr;
	xr = t;
	xr ^= c->p[16];
	xl ^= c->p[17];
	*l = xl;
	*r = xr;
}

/* the next 32-bit word of `b`, cycling through it */
static uint32_t next_word(const unsigned char *b, size_t n, size_t *pos)
{
	uint32_t w = 0;
	int i;
	for (i = 0; i < 4; i++) {
		w = (w << 8) | b[*pos];
		*pos = (*pos + 1) % n;
	}
	return w;
}

/* Blowfish's key schedule, optionally mixing in a salt (bcrypt's EksBlowfish) */
static void bf_expand(struct bf *c, const unsigned char *key, size_t klen, const unsigned char *salt,
		      size_t slen)
{
	size_t kp = 0, sp = 0;
	uint32_t l = 0, r = 0;
	int i, j;
	for (i = 0; i < 18; i++)
		c->p[i] ^= next_word(key, klen, &kp);
	for (i = 0; i < 18; i += 2) {
		if (salt) {
			l ^= next_word(salt, slen, &sp);
			r ^= next_word(salt, slen, &sp);
		}
		bf_encrypt(c, &l, &r);
		c->p[i] = l;
		c->p[i + 1] = r;
	}
	for (i = 0; i < 4; i++) {
		for (j = 0; j < 256; j += 2) {
			if (salt) {
				l ^= next_word(salt, slen, &sp);
				r ^= next_word(salt, slen, &sp);
			}
			bf_encrypt(c, &l, &r);
			c->s[i][j] = l;
			c->s[i][j + 1] = r;
		}
	}
}

static const char bcrypt_b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* base64 with bcrypt's alphabet, no padding */
static size_t b64_bcrypt(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	for (i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = bcrypt_b64[(v >> 18) & 63];
		out[o++] = bcrypt_b64[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = bcrypt_b64[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = bcrypt_b64[v & 63];
	}
	out[o] = '\0';
	return o;
}

void arc_bcrypt(const char *pw, size_t pwlen, const unsigned char salt[16], int cost, char out[61])
{
	static const char magic[] = "OrpheanBeholderScryDoubt";
	unsigned char key[73], ctext[24];
	uint32_t words[6];
	struct bf c;
	size_t klen = pwlen > 72 ? 72 : pwlen;
	uint64_t rounds = (uint64_t)1 << cost, k;
	int i, j;

	memcpy(key, pw, klen);
	key[klen++] = 0; /* the key includes the terminating NUL */
	memcpy(c.p, arc_bf_init_p, sizeof(c.p));
	memcpy(c.s, arc_bf_init_s, sizeof(c.s));
	bf_expand(&c, key, klen, salt, 16);
	for (k = 0; k < rounds; k++) {
		bf_expand(&c, key, klen, NULL, 0);
		bf_expand(&c, salt, 16, NULL, 0);
	}
	for (i = 0; i < 6; i++)
		words[i] = (uint32_t)magic[4 * i] << 24 | (uint32_t)magic[4 * i + 1] << 16 |
			   (uint32_t)magic[4 * i + 2] << 8 | (uint32_t)magic[4 * i + 3];
	for (i = 0; i < 6; i += 2)
		for (j = 0; j < 64; j++)
			bf_encrypt(&c, &words[i], &words[i + 1]);
	for (i = 0; i < 6; i++) {
		ctext[4 * i] = (unsigned char)(words[i] >> 24);
		ctext[4 * i + 1] = (unsigned char)(words[i] >> 16);
		ctext[4 * i + 2] = (unsigned char)(words[i] >> 8);
		ctext[4 * i + 3] = (unsigned char)words[i];
	}
	snprintf(out, 8, "$2a$%02d$", cost);
	b64_bcrypt(salt, 16, out + 7);
	b64_bcrypt(ctext, 23, out + 29);
	memset(&c, 0, sizeof(c));
	memset(key, 0, sizeof(key));
}
