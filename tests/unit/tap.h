/* tap.h - the smallest TAP producer: each check prints "ok N - what" or
 * "not ok N - what"; tests/run.sh adds them up. */
#ifndef ARC_TAP_H
#define ARC_TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define CHECK(cond, ...) tap_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STR(got, want, what) tap_check_str((got), (want), __FILE__, __LINE__, (what))

__attribute__((format(printf, 4, 5))) static inline void tap_check(int ok, const char *file, int line,
								  const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	printf("%sok %d - ", ok ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok) {
		tap_failed++;
		printf("#   at %s:%d\n", file, line);
	}
}

static inline void tap_check_str(const char *got, const char *want, const char *file, int line,
				 const char *what)
{
	int ok = got && want && strcmp(got, want) == 0;
	tap_check(ok, file, line, "%s", what);
	if (!ok)
		printf("#   want: [%s]\n#   got:  [%s]\n", want ? want : "(null)", got ? got : "(null)");
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif
