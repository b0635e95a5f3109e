/* encoding.c - base64 as Go's encoding/base64 StdEncoding encodes and decodes it */
#include "encoding.h"

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void arc_b64_encode(struct arc_buf *out, const void *data, size_t len)
{
	const unsigned char *in = data;
	size_t i;
	char q[4];
	arc_buf_grow(out, (len + 2) / 3 * 4);
	for (i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		q[0] = b64_alpha[(v >> 18) & 63];
		q[1] = b64_alpha[(v >> 12) & 63];
		q[2] = i + 1 < len ? b64_alpha[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? b64_alpha[v & 63] : '=';
		arc_buf_add(out, q, 4);
	}
	arc_buf_add(out, "", 0); /* NUL-terminated even when nothing was encoded */
}

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int corrupt(size_t at)
{
	return arc_error_code(ARC_E_PARSE, "illegal base64 data at input byte %zu", at);
}

int arc_b64_decode(struct arc_buf *out, const char *src, size_t len)
{
	size_t si = 0;
	if (!out->ptr)
		arc_buf_add(out, "", 0);
	while (si < len) {
		int d[4] = { 0, 0, 0, 0 };
		int j, dlen = 4;
		for (j = 0; j < 4; j++) {
			unsigned char in;
			int v;
			if (si == len) {
				if (j == 0)
					return 0;
				return corrupt(si - (size_t)j);
			}
			in = (unsigned char)src[si++];
			v = b64_val(in);
			if (v >= 0) {
				d[j] = v;
				continue;
			}
			if (in == '\n' || in == '\r') {
				j--;
				continue;
			}
			if (in != '=')
				return corrupt(si - 1);
			/* padding */
			if (j < 2)
				return corrupt(si - 1);
			if (j == 2) {
				while (si < len && (src[si] == '\n' || src[si] == '\r'))
					si++;
				if (si == len)
					return corrupt(len);
				if (src[si] != '=')
					return corrupt(si - 1);
				si++;
			}
			while (si < len && (src[si] == '\n' || src[si] == '\r'))
				si++;
			if (si < len) {
				/* Go decodes the quantum, then reports the trailing garbage */
				dlen = j;
				{
					uint32_t v2 = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 |
						      (uint32_t)d[2] << 6 | (uint32_t)d[3];
					unsigned char o[3] = { (unsigned char)(v2 >> 16), (unsigned char)(v2 >> 8),
							       (unsigned char)v2 };
					arc_buf_add(out, o, (size_t)dlen - 1);
				}
				return corrupt(si);
			}
			dlen = j;
			break;
		}
		{
			uint32_t v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 | (uint32_t)d[2] << 6 |
				     (uint32_t)d[3];
			unsigned char o[3] = { (unsigned char)(v >> 16), (unsigned char)(v >> 8), (unsigned char)v };
			arc_buf_add(out, o, (size_t)dlen - 1);
		}
		if (dlen < 4)
			return 0;
	}
	return 0;
}
