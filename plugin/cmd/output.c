/* output.c - object printing and log lines */
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../value/codec.h"

/* re-indent Go-style 2-space JSON to kubectl's 4 spaces */
static void reindent(struct arc_buf *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t sp = 0;
		while (i + sp < n && s[i + sp] == ' ')
			sp++;
		for (size_t k = 0; k < sp * 2; k++)
			arc_buf_putc(out, ' ');
		i += sp;
		while (i < n && s[i] != '\n')
			arc_buf_putc(out, s[i++]);
		if (i < n)
			arc_buf_putc(out, s[i++]);
	}
}

void arc_print_object(arc_value *obj, const char *format)
{
	struct arc_buf b = ARC_BUF_INIT, r = ARC_BUF_INIT;
	if (format && !strcmp(format, "json")) {
		arc_json_dump(&b, obj, ARC_JSON_INDENT);
		reindent(&r, arc_buf_cstr(&b), b.len);
		fwrite(arc_buf_cstr(&r), 1, r.len, stdout);
		fputc('\n', stdout);
	} else {
		arc_yaml_dump(&b, obj);
		fwrite(arc_buf_cstr(&b), 1, b.len, stdout);
	}
	arc_buf_release(&b);
	arc_buf_release(&r);
}

void arc_log_to_stderr(void *ctx, int is_warning, const char *line)
{
	(void)ctx;
	if (is_warning) {
		fprintf(stderr, "Warning: %s\n", line);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "I%02d%02d %02d:%02d:%02d.%06ld %s\n", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			tm.tm_sec, ts.tv_nsec / 1000, line);
	}
}

int arc_use_color(int fd)
{
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	if (getenv("TERM") && !strcmp(getenv("TERM"), "dumb"))
		return 0;
	return isatty(fd);
}
