/*
 * strvals.h - Helm's --set family: parse "a.b=c,d[0]=e" lines into a values map.
 *
 * Each call parses one flag's argument INTO `dest` (a map, mutated in place),
 * as Helm does flag after flag.  Messages are Helm's ("key \"a\" has no value").
 * Ownership: dest is borrowed and modified; nothing is returned.
 */
#ifndef ARC_CHART_STRVALS_H
#define ARC_CHART_STRVALS_H

#include "../value/value.h"

enum arc_set_kind {
	ARC_SET = 0,     /* --set: true/false/null/int64 typing, {a,b} lists */
	ARC_SET_STRING,  /* --set-string: every value a string */
	ARC_SET_JSON,    /* --set-json: values are JSON */
	ARC_SET_FILE,    /* --set-file: values are paths whose contents become strings */
	ARC_SET_LITERAL  /* --set-literal: one key, the whole rest is the string value */
};

int arc_strvals_parse(arc_value *dest, const char *line, enum arc_set_kind kind);

/* Reads the file named by a --set-file value: 0 with a malloc'd buffer, or an
 * error with the message set (helm: "open PATH: no such file or directory"). */
typedef int (*arc_strvals_reader)(void *ctx, const char *path, char **data, size_t *len);
/* As arc_strvals_parse; ARC_SET_FILE values are read with `read` (NULL: from
 * the file system). */
int arc_strvals_parse_with(arc_value *dest, const char *line, enum arc_set_kind kind, arc_strvals_reader read,
			   void *ctx);

#endif
