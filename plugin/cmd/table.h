/*
 * table.h - kubectl-style tables: columns aligned as kubectl's tabwriter does
 * (minimum width 6, padding 3, the last column unpadded), upper-case headers,
 * optional no-headers, and colours only when the caller says so (see
 * arc_use_color in output.h: a terminal, and never with NO_COLOR).
 *
 * Rows are stored compactly (one allocation per row, cells copied), so a
 * table of N rows costs about the size of its text, not of the objects it was
 * made from.  Tabs and line breaks in cells become spaces; an empty cell is
 * printed as "<none>" only if the caller puts that text in.
 *
 * OWNERSHIP: the table owns its rows; arc_table_free() frees all.
 */
#ifndef ARC_CMD_TABLE_H
#define ARC_CMD_TABLE_H

#include <stddef.h>
#include <stdio.h>

struct arc_table;

/* An ANSI SGR colour ("32" green) for a cell, or NULL for none; called only
 * when colour is on.  col is the column index, row the row's cells. */
typedef const char *(*arc_table_color_fn)(void *ctx, size_t col, const char *const *row);

enum {
	ARC_TABLE_NO_HEADERS = 1 << 0,
	ARC_TABLE_COLOR = 1 << 1
};

struct arc_table *arc_table_new(const char *const *headers, size_t ncols);
void arc_table_free(struct arc_table *t);
void arc_table_set_color(struct arc_table *t, arc_table_color_fn fn, void *ctx);
/* Add a row of ncols cells (NULL cells are empty) */
void arc_table_add(struct arc_table *t, const char *const *cells);
/* An empty table with t's columns, and moving src's rows to the end of dst (src is left empty;
 * both must have the same columns, else nothing moves) */
struct arc_table *arc_table_new_like(const struct arc_table *t);
void arc_table_append(struct arc_table *dst, struct arc_table *src);
size_t arc_table_rows(const struct arc_table *t);
/* Print the header (unless ARC_TABLE_NO_HEADERS) and every row, aligned */
void arc_table_print(struct arc_table *t, FILE *f, unsigned flags);
/* Print one more row with the widths of the last arc_table_print (growing them
 * when the row is wider), as kubectl get --watch prints later rows */
void arc_table_print_row(struct arc_table *t, FILE *f, const char *const *cells, unsigned flags);

/* kubectl's AGE: k8s.io/apimachinery's duration.HumanDuration of seconds */
void arc_human_duration(char *buf, size_t n, long long seconds);
/* AGE of an RFC 3339 timestamp ("2024-05-01T10:00:00Z") relative to now, or "<unknown>" */
void arc_age(char *buf, size_t n, const char *timestamp, long long now);

#endif
