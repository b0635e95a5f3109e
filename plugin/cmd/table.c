/* table.c - aligned tables as kubectl prints them, and kubectl's AGE format */
#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/base.h"

#define MIN_WIDTH 6
#define PADDING 3

struct arc_table {
	size_t ncols;
	char **headers;
	char **rows;  /* each row: ncols cells, each NUL-terminated, back to back */
	size_t nrows, cap;
	size_t *width; /* display width of the widest cell per column */
	arc_table_color_fn color;
	void *color_ctx;
};

/* display width: UTF-8 code points */
static size_t text_width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static char *pack(const struct arc_table *t, const char *const *cells, size_t *widths)
{
	struct arc_buf b = ARC_BUF_INIT;
	size_t c, start;
	for (c = 0; c < t->ncols; c++) {
		const char *s = cells[c] ? cells[c] : "";
		start = b.len;
		for (; *s; s++)
			arc_buf_putc(&b, (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s);
		arc_buf_putc(&b, '\0');
		if (widths)
			widths[c] = text_width(b.ptr + start);
	}
	return arc_buf_detach(&b, NULL);
}

struct arc_table *arc_table_new(const char *const *headers, size_t ncols)
{
	struct arc_table *t = xcalloc(1, sizeof(*t));
	size_t c;
	t->ncols = ncols;
	t->headers = xcalloc(ncols, sizeof(char *));
	t->width = xcalloc(ncols, sizeof(size_t));
	for (c = 0; c < ncols; c++) {
		t->headers[c] = xstrdup(headers[c]);
		t->width[c] = text_width(headers[c]);
	}
	return t;
}

void arc_table_free(struct arc_table *t)
{
	size_t i;
	if (!t)
		return;
	for (i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	for (i = 0; i < t->nrows; i++)
		free(t->rows[i]);
	free(t->headers);
	free(t->rows);
	free(t->width);
	free(t);
}

void arc_table_set_color(struct arc_table *t, arc_table_color_fn fn, void *ctx)
{
	t->color = fn;
	t->color_ctx = ctx;
}

void arc_table_add(struct arc_table *t, const char *const *cells)
{
	size_t w[64], c;
	size_t *widths = t->ncols <= 64 ? w : xcalloc(t->ncols, sizeof(size_t));
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->rows = xrealloc(t->rows, t->cap * sizeof(char *));
	}
	t->rows[t->nrows++] = pack(t, cells, widths);
	for (c = 0; c < t->ncols; c++)
		if (widths[c] > t->width[c])
			t->width[c] = widths[c];
	if (widths != w)
		free(widths);
}

struct arc_table *arc_table_new_like(const struct arc_table *t)
{
	return arc_table_new((const char *const *)t->headers, t->ncols);
}

void arc_table_append(struct arc_table *dst, struct arc_table *src)
{
	size_t c;
	if (src->ncols != dst->ncols || !src->nrows)
		return;
	if (dst->nrows + src->nrows > dst->cap) {
		dst->cap = dst->nrows + src->nrows;
		dst->rows = xrealloc(dst->rows, dst->cap * sizeof(char *));
	}
	memcpy(dst->rows + dst->nrows, src->rows, src->nrows * sizeof(char *));
	dst->nrows += src->nrows;
	src->nrows = 0;
	for (c = 0; c < dst->ncols; c++)
		if (src->width[c] > dst->width[c])
			dst->width[c] = src->width[c];
}

size_t arc_table_rows(const struct arc_table *t)
{
	return t->nrows;
}

static void print_cells(struct arc_table *t, FILE *f, const char *row, unsigned flags, int header)
{
	const char *cell[64];
	const char **cells = t->ncols <= 64 ? cell : xcalloc(t->ncols, sizeof(char *));
	size_t c;
	for (c = 0; c < t->ncols; c++) {
		cells[c] = row;
		row += strlen(row) + 1;
	}
	for (c = 0; c < t->ncols; c++) {
		const char *sgr = NULL;
		size_t w = text_width(cells[c]), col = t->width[c] + PADDING;
		if (col < MIN_WIDTH)
			col = MIN_WIDTH;
		if (!header && (flags & ARC_TABLE_COLOR) && t->color)
			sgr = t->color(t->color_ctx, c, cells);
		if (sgr && *cells[c])
			fprintf(f, "\033[%sm%s\033[0m", sgr, cells[c]);
		else
			fputs(cells[c], f);
		if (c + 1 < t->ncols)
			for (; w < col; w++)
				fputc(' ', f);
	}
	fputc('\n', f);
	if (cells != cell)
		free(cells);
}

void arc_table_print(struct arc_table *t, FILE *f, unsigned flags)
{
	size_t i;
	if (!(flags & ARC_TABLE_NO_HEADERS)) {
		const char **h = xcalloc(t->ncols, sizeof(char *));
		char *packed;
		for (i = 0; i < t->ncols; i++)
			h[i] = t->headers[i];
		packed = pack(t, h, NULL);
		print_cells(t, f, packed, flags, 1);
		free(packed);
		free(h);
	}
	for (i = 0; i < t->nrows; i++)
		print_cells(t, f, t->rows[i], flags, 0);
}

void arc_table_print_row(struct arc_table *t, FILE *f, const char *const *cells, unsigned flags)
{
	size_t w[64], c;
	size_t *widths = t->ncols <= 64 ? w : xcalloc(t->ncols, sizeof(size_t));
	char *packed = pack(t, cells, widths);
	for (c = 0; c < t->ncols; c++)
		if (widths[c] > t->width[c])
			t->width[c] = widths[c];
	print_cells(t, f, packed, flags, 0);
	free(packed);
	if (widths != w)
		free(widths);
}

void arc_human_duration(char *buf, size_t n, long long s)
{
	long long m, h, d, y;
	if (s < -1) {
		snprintf(buf, n, "<invalid>");
		return;
	}
	if (s < 0)
		s = 0;
	if (s < 60 * 2) {
		snprintf(buf, n, "%llds", s);
		return;
	}
	m = s / 60;
	if (m < 10) {
		if (s % 60)
			snprintf(buf, n, "%lldm%llds", m, s % 60);
		else
			snprintf(buf, n, "%lldm", m);
		return;
	}
	if (m < 60 * 3) {
		snprintf(buf, n, "%lldm", m);
		return;
	}
	h = s / 3600;
	if (h < 8) {
		if (m % 60)
			snprintf(buf, n, "%lldh%lldm", h, m % 60);
		else
			snprintf(buf, n, "%lldh", h);
		return;
	}
	if (h < 48) {
		snprintf(buf, n, "%lldh", h);
		return;
	}
	d = h / 24;
	if (h < 24 * 8) {
		if (h % 24)
			snprintf(buf, n, "%lldd%lldh", d, h % 24);
		else
			snprintf(buf, n, "%lldd", d);
		return;
	}
	if (h < 24 * 365 * 2) {
		snprintf(buf, n, "%lldd", d);
		return;
	}
	y = d / 365;
	if (h < 24 * 365 * 8) {
		if (d % 365)
			snprintf(buf, n, "%lldy%lldd", y, d % 365);
		else
			snprintf(buf, n, "%lldy", y);
		return;
	}
	snprintf(buf, n, "%lldy", y);
}

/* days from 1970-01-01 of a civil date (proleptic Gregorian) */
static long long days_from_civil(long long y, unsigned mo, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;
	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

void arc_age(char *buf, size_t n, const char *ts, long long now)
{
	int Y, M, D, h, m, s, used = 0;
	long long t;
	if (!ts || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &s, &used) != 6 || M < 1 ||
			M > 12 ||
	    D < 1 || D > 31) {
		snprintf(buf, n, "<unknown>");
		return;
	}
	t = days_from_civil(Y, (unsigned)M, (unsigned)D) * 86400 + h * 3600 + m * 60 + s;
	arc_human_duration(buf, n, now - t);
}
