/* encoding.h - base64 (standard alphabet, padded) with Go's decoding rules and errors */
#ifndef ARC_BASE_ENCODING_H
#define ARC_BASE_ENCODING_H

#include "base.h"

void arc_b64_encode(struct arc_buf *out, const void *data, size_t len);
/* Decodes as Go's base64.StdEncoding.DecodeString: CR/LF ignored, padding
 * required.  On failure sets Go's message "illegal base64 data at input byte N"
 * and returns ARC_E_PARSE; `out` then holds the bytes decoded before the error. */
int arc_b64_decode(struct arc_buf *out, const char *src, size_t len);

#endif
