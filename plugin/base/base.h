/*
 * base.h - allocation, growable byte buffers and the error slot.
 *
 * Depends on nothing of the project.  Ownership: an arc_buf owns its bytes;
 * arc_buf_detach() hands them to the caller (free() them).  The xmalloc
 * family never returns NULL: running out of memory aborts with a message,
 * as git's xmalloc does, so callers need no NULL checks.
 *
 * Errors: library functions return 0 or a negative ARC_E* code and record a
 * one-line message with arc_error_set(); the caller reads it with
 * arc_error_last().  The slot is per thread.
 */
#ifndef ARC_BASE_H
#define ARC_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define ARC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ARC_NORETURN __attribute__((noreturn))
#else
#define ARC_PRINTF(a, b)
#define ARC_NORETURN
#endif

#define ARC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* error codes: always negative */
enum {
	ARC_OK = 0,
	ARC_E_FAIL = -1,     /* generic failure, message set */
	ARC_E_NOMEM = -2,
	ARC_E_IO = -3,       /* file or network I/O */
	ARC_E_PARSE = -4,    /* malformed input (YAML, JSON, template syntax) */
	ARC_E_NOTFOUND = -5, /* a looked-up thing does not exist */
	ARC_E_TYPE = -6,     /* wrong type of value */
	ARC_E_RANGE = -7,    /* out of range / over a limit */
	ARC_E_EXEC = -8,     /* template execution error; message is final */
	ARC_E_CALL = -9,     /* a template function failed: "error calling NAME: " + message */
	ARC_E_USAGE = -10,   /* bad command-line usage */
	ARC_E_HTTP = -11,    /* HTTP / API error */
	ARC_E_BREAK = -12,   /* internal: {{break}} unwinding */
	ARC_E_CONTINUE = -13 /* internal: {{continue}} unwinding */
};

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh malloc'd string */
char *xasprintf(const char *fmt, ...) ARC_PRINTF(1, 2);
ARC_NORETURN void arc_die(const char *fmt, ...) ARC_PRINTF(1, 2);

/* ---- error slot ---- */
/* Sets the message and returns ARC_E_FAIL, so `return arc_error_set(...)` works. */
int arc_error_set(const char *fmt, ...) ARC_PRINTF(1, 2);
int arc_error_setv(const char *fmt, va_list ap);
/* Sets the message, returns `code`. */
int arc_error_code(int code, const char *fmt, ...) ARC_PRINTF(2, 3);
/* Prefix the current message: "<prefix>: <old>". */
void arc_error_prefix(const char *fmt, ...) ARC_PRINTF(1, 2);
/* The last message set on this thread ("" when none); borrowed until the next set. */
const char *arc_error_last(void);
void arc_error_clear(void);

/* ---- growable buffer (always NUL-terminated once anything was added) ---- */
struct arc_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t max; /* 0 = unbounded; else adding past it sets `over` */
	int over;
};
#define ARC_BUF_INIT { NULL, 0, 0, 0, 0 }

void arc_buf_init(struct arc_buf *b);
void arc_buf_release(struct arc_buf *b);
void arc_buf_grow(struct arc_buf *b, size_t extra);
void arc_buf_add(struct arc_buf *b, const void *data, size_t len);
void arc_buf_puts(struct arc_buf *b, const char *s);
void arc_buf_putc(struct arc_buf *b, char c);
void arc_buf_printf(struct arc_buf *b, const char *fmt, ...) ARC_PRINTF(2, 3);
void arc_buf_vprintf(struct arc_buf *b, const char *fmt, va_list ap);
void arc_buf_reset(struct arc_buf *b);
void arc_buf_truncate(struct arc_buf *b, size_t len);
/* The contents as a string ("" for an empty buffer; never NULL). */
const char *arc_buf_cstr(struct arc_buf *b);
/* Hand the bytes to the caller (never NULL); the buffer is left empty. */
char *arc_buf_detach(struct arc_buf *b, size_t *len);

/* Read a whole file (bounded by max, 0 = 64 MiB); sets a message naming the path. */
/* fills buf with n bytes from the kernel's CSPRNG (getrandom); dies only if it fails */
void arc_random_bytes(void *buf, size_t n);

int arc_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
