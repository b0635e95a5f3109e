/* base.c - allocation, buffers, the per-thread error slot, whole-file reads */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

ARC_NORETURN void arc_die(const char *fmt, ...)
{
	va_list ap;
	fputs("kubectl-arc: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		arc_die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		arc_die("out of memory allocating %zu bytes", n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		arc_die("out of memory allocating %zu bytes", n);
	return q;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
	struct arc_buf b = ARC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return arc_buf_detach(&b, NULL);
}

/* ---- error slot ---- */

static _Thread_local struct arc_buf errmsg;

int arc_error_setv(const char *fmt, va_list ap)
{
	struct arc_buf nb = ARC_BUF_INIT;
	/* format first: the arguments may point into the old message */
	arc_buf_vprintf(&nb, fmt, ap);
	arc_buf_release(&errmsg);
	errmsg = nb;
	return ARC_E_FAIL;
}

int arc_error_set(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	arc_error_setv(fmt, ap);
	va_end(ap);
	return ARC_E_FAIL;
}

int arc_error_code(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	arc_error_setv(fmt, ap);
	va_end(ap);
	return code;
}

void arc_error_prefix(const char *fmt, ...)
{
	struct arc_buf nb = ARC_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(&nb, fmt, ap);
	va_end(ap);
	arc_buf_puts(&nb, ": ");
	arc_buf_add(&nb, errmsg.ptr ? errmsg.ptr : "", errmsg.len);
	arc_buf_release(&errmsg);
	errmsg = nb;
}

const char *arc_error_last(void)
{
	return errmsg.ptr ? errmsg.ptr : "";
}

void arc_error_clear(void)
{
	arc_buf_release(&errmsg);
}

/* ---- buffers ---- */

void arc_buf_init(struct arc_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void arc_buf_release(struct arc_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
	b->over = 0;
}

void arc_buf_grow(struct arc_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		arc_die("buffer size overflow");
	if (need <= b->cap)
		return;
	size_t nc = b->cap ? b->cap : 64;
	while (nc < need)
		nc = nc * 2 > nc ? nc * 2 : need;
	b->ptr = xrealloc(b->ptr, nc);
	b->cap = nc;
}

void arc_buf_add(struct arc_buf *b, const void *data, size_t len)
{
	if (b->max && b->len + len > b->max) {
		b->over = 1;
		if (b->len >= b->max)
			return;
		len = b->max - b->len;
	}
	arc_buf_grow(b, len);
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
}

void arc_buf_puts(struct arc_buf *b, const char *s)
{
	arc_buf_add(b, s, strlen(s));
}

void arc_buf_putc(struct arc_buf *b, char c)
{
	arc_buf_add(b, &c, 1);
}

void arc_buf_vprintf(struct arc_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	char small[256];
	va_copy(cp, ap);
	int n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		arc_buf_add(b, small, (size_t)n);
		return;
	}
	char *big = xmalloc((size_t)n + 1);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	arc_buf_add(b, big, (size_t)n);
	free(big);
}

void arc_buf_printf(struct arc_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	arc_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void arc_buf_reset(struct arc_buf *b)
{
	arc_buf_truncate(b, 0);
	b->over = 0;
}

void arc_buf_truncate(struct arc_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->ptr[len] = '\0';
	}
}

const char *arc_buf_cstr(struct arc_buf *b)
{
	return b->ptr ? b->ptr : "";
}

char *arc_buf_detach(struct arc_buf *b, size_t *len)
{
	char *p = b->ptr;
	if (!p) {
		p = xmalloc(1);
		p[0] = '\0';
	}
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

int arc_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f;
	struct arc_buf b = ARC_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!max)
		max = 64u << 20;
	f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return arc_error_code(ARC_E_IO, "open %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			if (f != stdin)
				fclose(f);
			arc_buf_release(&b);
			return arc_error_code(ARC_E_RANGE, "read %s: file is larger than %zu bytes", path, max);
		}
		arc_buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		int e = errno;
		if (f != stdin)
			fclose(f);
		arc_buf_release(&b);
		return arc_error_code(ARC_E_IO, "read %s: %s", path, strerror(e));
	}
	if (f != stdin)
		fclose(f);
	*out = arc_buf_detach(&b, len);
	return 0;
}

void arc_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			arc_die("getrandom failed");
		}
		p += got;
		n -= (size_t)got;
	}
}
