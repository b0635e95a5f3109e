/* funcs_encoding.c - Sprig's b64enc b64dec b32enc b32dec and the hash
 * functions sha1sum sha256sum sha512sum adler32sum.  Decoding errors are
 * returned as the result text, with Go's exact offsets, as Sprig does. */
#include "funcs.h"

/* The digests use libcrypto's low-level SHA functions: EVP_Digest sets up OpenSSL 3's
 * provider machinery on its first call (about 1 ms and 2 MiB of memory per process). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static int str_arg(struct arc_tpl_call *c, const char **s, size_t *len)
{
	return arc_tpl_arg_str(c, 0, s, len);
}

static int fn_b64enc(struct arc_tpl_call *c, arc_value **out)
{
	const unsigned char *s;
	size_t len, i;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	if ((rc = str_arg(c, (const char **)&s, &len)) < 0)
		return rc;
	arc_buf_grow(&b, (len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		arc_buf_putc(&b, b64_alphabet[v >> 18 & 63]);
		arc_buf_putc(&b, b64_alphabet[v >> 12 & 63]);
		arc_buf_putc(&b, b64_alphabet[v >> 6 & 63]);
		arc_buf_putc(&b, b64_alphabet[v & 63]);
	}
	if (i < len) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < len ? (uint32_t)s[i + 1] << 8 : 0);
		arc_buf_putc(&b, b64_alphabet[v >> 18 & 63]);
		arc_buf_putc(&b, b64_alphabet[v >> 12 & 63]);
		arc_buf_putc(&b, i + 1 < len ? b64_alphabet[v >> 6 & 63] : '=');
		arc_buf_putc(&b, '=');
	}
	*out = arc_v_str_buf(&b);
	return 0;
}

static int b64_value(unsigned char ch)
{
	const char *p = ch ? strchr(b64_alphabet, ch) : NULL;
	return p ? (int)(p - b64_alphabet) : -1;
}

/* Go's base64.StdEncoding.DecodeString; returns -1 and sets *bad to the
 * offset Go reports on error */
static int b64_decode(const unsigned char *src, size_t len, struct arc_buf *dst, size_t *bad)
{
	size_t si = 0;
	while (si < len) {
		int dbuf[4] = { 0, 0, 0, 0 }, j, dlen = 4;
		unsigned char q[3];
		uint32_t val;
		for (j = 0; j < 4; j++) {
			unsigned char in;
			int v;
			if (si == len) {
				if (j == 0)
					return 0;
				*bad = si - (size_t)j;
				return -1;
			}
			in = src[si++];
			v = b64_value(in);
			if (v >= 0) {
				dbuf[j] = v;
				continue;
			}
			if (in == '\n' || in == '\r') {
				j--;
				continue;
			}
			if (in != '=' || j < 2) {
				*bad = si - 1;
				return -1;
			}
			if (j == 2) {
				while (si < len && (src[si] == '\n' || src[si] == '\r'))
					si++;
				if (si == len) {
					*bad = len;
					return -1;
				}
				if (src[si] != '=') {
					*bad = si - 1;
					return -1;
				}
				si++;
			}
			while (si < len && (src[si] == '\n' || src[si] == '\r'))
				si++;
			dlen = j;
			val = (uint32_t)dbuf[0] << 18 | (uint32_t)dbuf[1] << 12 | (uint32_t)dbuf[2] << 6;
			q[0] = (unsigned char)(val >> 16);
			q[1] = (unsigned char)(val >> 8);
			arc_buf_add(dst, q, (size_t)(dlen - 1));
			if (si < len) {
				*bad = si;
				return -1;
			}
			return 0;
		}
		val = (uint32_t)dbuf[0] << 18 | (uint32_t)dbuf[1] << 12 | (uint32_t)dbuf[2] << 6 | (uint32_t)dbuf[3];
		q[0] = (unsigned char)(val >> 16);
		q[1] = (unsigned char)(val >> 8);
		q[2] = (unsigned char)val;
		arc_buf_add(dst, q, 3);
	}
	return 0;
}

static int fn_b64dec(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len, bad = 0;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	if ((rc = str_arg(c, &s, &len)) < 0)
		return rc;
	if (b64_decode((const unsigned char *)s, len, &b, &bad) < 0) {
		arc_buf_reset(&b);
		arc_buf_printf(&b, "illegal base64 data at input byte %zu", bad);
	}
	*out = b.len ? arc_v_str_buf(&b) : arc_v_str("");
	arc_buf_release(&b);
	return 0;
}

static int fn_b32enc(struct arc_tpl_call *c, arc_value **out)
{
	const unsigned char *s;
	size_t len, i;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	if ((rc = str_arg(c, (const char **)&s, &len)) < 0)
		return rc;
	for (i = 0; i < len; i += 5) {
		unsigned char blk[5] = { 0, 0, 0, 0, 0 };
		size_t n = len - i < 5 ? len - i : 5, k, chars;
		uint64_t v = 0;
		memcpy(blk, s + i, n);
		for (k = 0; k < 5; k++)
			v = v << 8 | blk[k];
		chars = (n * 8 + 4) / 5;
		for (k = 0; k < 8; k++)
			arc_buf_putc(&b, k < chars ? b32_alphabet[v >> (35 - 5 * k) & 31] : '=');
	}
	*out = b.len ? arc_v_str_buf(&b) : arc_v_str("");
	arc_buf_release(&b);
	return 0;
}

static int b32_value(unsigned char ch)
{
	const char *p = ch ? strchr(b32_alphabet, ch) : NULL;
	return p ? (int)(p - b32_alphabet) : -1;
}

/* Go's base32.StdEncoding.decode over newline-stripped input */
static int b32_decode(const unsigned char *src, size_t olen, struct arc_buf *dst, size_t *bad)
{
	size_t pos = 0;
	int end = 0;
	while (pos < olen && !end) {
		unsigned char dbuf[8] = { 0 }, o[5];
		int j = 0, dlen = 8;
		while (j < 8) {
			unsigned char in;
			size_t left;
			if (pos == olen) {
				*bad = olen - (size_t)j;
				return -1;
			}
			in = src[pos++];
			left = olen - pos;
			if (in == '=' && j >= 2 && left < 8) {
				int k;
				if (left + (size_t)j < 7) {
					*bad = olen;
					return -1;
				}
				for (k = 0; k < 7 - j; k++) {
					if (left > (size_t)k && src[pos + (size_t)k] != '=') {
						*bad = pos + (size_t)k - 1;
						return -1;
					}
				}
				dlen = j;
				end = 1;
				if (dlen == 1 || dlen == 3 || dlen == 6) {
					*bad = pos - 1;
					return -1;
				}
				break;
			}
			if (b32_value(in) < 0) {
				*bad = pos - 1;
				return -1;
			}
			dbuf[j++] = (unsigned char)b32_value(in);
		}
		o[4] = (unsigned char)(dbuf[6] << 5 | dbuf[7]);
		o[3] = (unsigned char)(dbuf[4] << 7 | dbuf[5] << 2 | dbuf[6] >> 3);
		o[2] = (unsigned char)(dbuf[3] << 4 | dbuf[4] >> 1);
		o[1] = (unsigned char)(dbuf[1] << 6 | dbuf[2] << 1 | dbuf[3] >> 4);
		o[0] = (unsigned char)(dbuf[0] << 3 | dbuf[1] >> 2);
		switch (dlen) {
		case 8:
			arc_buf_add(dst, o, 5);
			break;
		case 7:
			arc_buf_add(dst, o, 4);
			break;
		case 5:
			arc_buf_add(dst, o, 3);
			break;
		case 4:
			arc_buf_add(dst, o, 2);
			break;
		case 2:
			arc_buf_add(dst, o, 1);
			break;
		default:
			break;
		}
	}
	return 0;
}

static int fn_b32dec(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len, bad = 0, i, n = 0;
	unsigned char *clean;
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	if ((rc = str_arg(c, &s, &len)) < 0)
		return rc;
	clean = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r')
			clean[n++] = (unsigned char)s[i];
	if (b32_decode(clean, n, &b, &bad) < 0) {
		arc_buf_reset(&b);
		arc_buf_printf(&b, "illegal base32 data at input byte %zu", bad);
	}
	free(clean);
	*out = b.len ? arc_v_str_buf(&b) : arc_v_str("");
	arc_buf_release(&b);
	return 0;
}

enum digest { DIGEST_SHA1, DIGEST_SHA256, DIGEST_SHA512 };

/* Remembered digests.  Charts put a checksum of the same big text into many
 * objects (checksum/config: {{ include "config" . | sha256sum }}, or of
 * toYaml .Values.x, which toYaml hands out as the same string value while
 * the value is unchanged).  Strings are immutable: the last few inputs of
 * DIGEST_MEMO_MIN bytes or more are kept (a reference) with their digest,
 * and an input that is the same string value, or has the same bytes, gets
 * the kept digest.  Comparing bytes costs a small fraction of hashing them. */
#define DIGEST_MEMO_SLOTS 4
#define DIGEST_MEMO_MIN 256

static _Thread_local struct {
	struct {
		arc_value *in, *out; /* references, or NULL */
		enum digest which;
	} slot[DIGEST_MEMO_SLOTS];
	unsigned next;
	int registered;
} dmemo;

static void dmemo_free(void)
{
	unsigned i;
	for (i = 0; i < DIGEST_MEMO_SLOTS; i++) {
		arc_v_unref(dmemo.slot[i].in);
		arc_v_unref(dmemo.slot[i].out);
		dmemo.slot[i].in = dmemo.slot[i].out = NULL;
	}
}

static arc_value *dmemo_find(arc_value *in, enum digest which)
{
	unsigned i;
	for (i = 0; i < DIGEST_MEMO_SLOTS; i++) {
		arc_value *k = dmemo.slot[i].in;
		if (k && dmemo.slot[i].which == which &&
		    (k == in || (k->u.s.len == in->u.s.len && memcmp(k->u.s.ptr, in->u.s.ptr, in->u.s.len) == 0)))
			return dmemo.slot[i].out;
	}
	return NULL;
}

static void dmemo_put(arc_value *in, enum digest which, arc_value *out)
{
	unsigned i = dmemo.next++ % DIGEST_MEMO_SLOTS;
	if (!dmemo.registered) {
		dmemo.registered = 1;
		atexit(dmemo_free); /* only the main thread's slots are freed; others die with it */
	}
	arc_v_unref(dmemo.slot[i].in);
	arc_v_unref(dmemo.slot[i].out);
	dmemo.slot[i].in = arc_v_ref(in);
	dmemo.slot[i].out = arc_v_ref(out);
	dmemo.slot[i].which = which;
}

static int digest_hex(struct arc_tpl_call *c, enum digest which, arc_value **out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[SHA512_DIGEST_LENGTH];
	unsigned int n = 0, i;
	const char *s;
	size_t len;
	char *h;
	int rc;
	arc_value *in = c->args[0], *kept;
	int memo = in->kind == ARC_STRING && in->refcnt && in->u.s.len >= DIGEST_MEMO_MIN;

	if ((rc = str_arg(c, &s, &len)) < 0)
		return rc;
	if (memo && (kept = dmemo_find(in, which)) != NULL) {
		*out = arc_v_ref(kept);
		return 0;
	}
	switch (which) {
	case DIGEST_SHA1: {
		SHA_CTX x;
		SHA1_Init(&x);
		SHA1_Update(&x, s, len);
		SHA1_Final(d, &x);
		n = SHA_DIGEST_LENGTH;
		break;
	}
	case DIGEST_SHA256: {
		SHA256_CTX x;
		SHA256_Init(&x);
		SHA256_Update(&x, s, len);
		SHA256_Final(d, &x);
		n = SHA256_DIGEST_LENGTH;
		break;
	}
	case DIGEST_SHA512: {
		SHA512_CTX x;
		SHA512_Init(&x);
		SHA512_Update(&x, s, len);
		SHA512_Final(d, &x);
		n = SHA512_DIGEST_LENGTH;
		break;
	}
	}
	h = xmalloc(2 * (size_t)n + 1);
	for (i = 0; i < n; i++) {
		h[2 * i] = hex[d[i] >> 4];
		h[2 * i + 1] = hex[d[i] & 15];
	}
	h[2 * n] = '\0';
	*out = arc_v_str_take(h, 2 * (size_t)n);
	if (memo)
		dmemo_put(in, which, *out);
	return 0;
}

static int fn_sha1sum(struct arc_tpl_call *c, arc_value **out)
{
	return digest_hex(c, DIGEST_SHA1, out);
}

static int fn_sha256sum(struct arc_tpl_call *c, arc_value **out)
{
	return digest_hex(c, DIGEST_SHA256, out);
}

static int fn_sha512sum(struct arc_tpl_call *c, arc_value **out)
{
	return digest_hex(c, DIGEST_SHA512, out);
}

static int fn_adler32sum(struct arc_tpl_call *c, arc_value **out)
{
	const char *s;
	size_t len, off = 0;
	uLong a = adler32(0L, Z_NULL, 0);
	struct arc_buf b = ARC_BUF_INIT;
	int rc;

	if ((rc = str_arg(c, &s, &len)) < 0)
		return rc;
	while (off < len) {
		size_t n = len - off > 1u << 30 ? 1u << 30 : len - off;
		a = adler32(a, (const Bytef *)s + off, (uInt)n);
		off += n;
	}
	arc_buf_printf(&b, "%lu", (unsigned long)a);
	*out = arc_v_str_buf(&b);
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_encoding[] = {
	{ "adler32sum", fn_adler32sum, 1, 1 },
	{ "b32dec", fn_b32dec, 1, 1 },
	{ "b32enc", fn_b32enc, 1, 1 },
	{ "b64dec", fn_b64dec, 1, 1 },
	{ "b64enc", fn_b64enc, 1, 1 },
	{ "sha1sum", fn_sha1sum, 1, 1 },
	{ "sha256sum", fn_sha256sum, 1, 1 },
	{ "sha512sum", fn_sha512sum, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
