/*
 * opts.h - command-line options as data: one table per command (and shared
 * tables such as the kubeconfig flags) drives parsing, `--help`, shell
 * completion and the man page.
 *
 * Parsing follows kubectl/cobra conventions: `--name=value`, `--name value`,
 * `-n value`, `-nvalue`, boolean `--flag` / `--flag=false`, repeatable list
 * flags, `--` ends the flags, flags may come after positional arguments.
 * An unknown flag is a usage error (exit 2) that suggests the nearest name.
 */
#ifndef ARC_CMD_OPTS_H
#define ARC_CMD_OPTS_H

#include <stddef.h>
#include <stdio.h>

enum arc_opt_type {
	ARC_OPT_BOOL,     /* int* */
	ARC_OPT_STRING,   /* const char** (points into argv) */
	ARC_OPT_INT,      /* long* */
	ARC_OPT_LIST,     /* struct arc_strlist* — repeatable; each use appends */
	ARC_OPT_DURATION, /* long* milliseconds; Go durations ("5m", "1h30s") or plain seconds */
	ARC_OPT_OPTSTR    /* const char**: a string whose value may be omitted (--dry-run → "client") */
};

#define ARC_OPT_HIDDEN 0x1

struct arc_strlist {
	const char **v;
	size_t n;
};

struct arc_opt {
	const char *name;  /* long name without dashes */
	char short_name;   /* 0 = none */
	enum arc_opt_type type;
	void *dest;
	const char *argname; /* "NAME" in help; NULL for booleans */
	const char *help;
	const char *def;     /* default shown in --help; for ARC_OPT_OPTSTR the value when omitted */
	unsigned flags;
};
#define ARC_OPT_END { NULL, 0, ARC_OPT_BOOL, NULL, NULL, NULL, NULL, 0 }

struct arc_cmd_spec {
	const char *path;     /* "runners create" */
	const char *usage;    /* "NAME (--repo OWNER/NAME | --org ORG) [flags]" */
	const char *summary;  /* one line */
	const char *description; /* paragraphs; may be NULL */
	const char *examples; /* lines; may be NULL */
	const struct arc_opt *const *tables; /* NULL-terminated list of option tables */
};

/* Parse argv (argv[0] is the command word).  Positional arguments are
 * collected into pos (borrowed from argv).  Returns 0, 1 when --help was
 * printed (the caller exits 0), or ARC_E_USAGE with a message set; pos is
 * empty (released) whenever the result is not 0. */
int arc_opts_parse(const struct arc_cmd_spec *spec, int argc, char **argv, struct arc_strlist *pos);
void arc_opts_help(const struct arc_cmd_spec *spec, FILE *f);
/* "kubectl arc" or "helm arc", by how we were started */
const char *arc_prog(void);
/* Go/kubectl duration text to milliseconds; -1 when malformed */
long arc_parse_duration(const char *s);
/* the option of `spec` nearest to `name` by edit distance, or NULL */
const char *arc_opts_suggest(const struct arc_cmd_spec *spec, const char *name);
void arc_strlist_release(struct arc_strlist *l);

/* Levenshtein distance (capped at 99 for long words) */
size_t arc_edit_distance(const char *a, const char *b);

#endif
