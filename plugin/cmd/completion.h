/*
 * completion.h - the command table as data for everything that describes the
 * CLI rather than runs it: shell completion (`completion bash|zsh|fish`, the
 * hidden `__complete` that kubectl_complete-arc and Helm's plugin.complete
 * call), the nearest-name suggestions for typos, and the man page.
 *
 * main.c registers its table with arc_cmd_table_set().  A command's options
 * come from its struct arc_cmd_spec when main.c knows it; when it does not
 * (NULL), from the command's own `--help` output, which opts.c prints from
 * the same table (arc_spec_from_help reads it back).
 *
 * OWNERSHIP: specs returned by arc_cmd_info() are cached and owned here;
 * arc_cmd_table_release() frees them.
 */
#ifndef ARC_CMD_COMPLETION_H
#define ARC_CMD_COMPLETION_H

#include <stddef.h>

#include "../base/base.h"
#include "cmd.h"
#include "opts.h"

/* Cobra's completion directives (the last line ":N" of __complete) */
enum {
	ARC_COMP_ERROR = 1,
	ARC_COMP_NOSPACE = 2,
	ARC_COMP_NOFILE = 4,
	ARC_COMP_FILTER_EXT = 8,
	ARC_COMP_DIRS = 16,
	ARC_COMP_KEEP_ORDER = 32
};

struct arc_cmd_verb {
	char *name, *summary;
};

/* What is known of one command (or "command verb" for real subcommands). */
struct arc_cmd_info {
	const struct arc_command *cmd;
	char *path;                       /* "kube", "runners create" */
	const struct arc_cmd_spec *spec;  /* never NULL */
	struct arc_cmd_verb *verbs;       /* first positional words: subcommands or usage alternatives */
	size_t n_verbs;
	int verbs_have_help;              /* the verbs are subcommands with a --help of their own */
	/* private */
	struct arc_cmd_spec *owned_spec;
	struct arc_opt *owned_opts;
	const struct arc_opt *owned_tables[2];
	char *owned_text;
};

void arc_cmd_table_set(const struct arc_command *cmds, size_t n, const struct arc_cmd_spec *const *specs);
const struct arc_command *arc_cmd_table(size_t *n);
const struct arc_command *arc_cmd_find(const char *name);
void arc_cmd_table_release(void);

/* The candidate nearest to `name`: distance <= 2 (1 for names of up to 3 letters), or
 * `name` a prefix of one; NULL when none qualifies. */
const char *arc_suggest(const char *name, const char *const *cands, size_t n);
/* the nearest command name of the registered table */
const char *arc_cmd_suggest(const char *name);

/* The command's info; `verb` selects a subcommand that has a --help of its own
 * (NULL: the command itself).  Never NULL for a registered command. */
const struct arc_cmd_info *arc_cmd_info(const struct arc_command *c, const char *verb);

/* Parse the text arc_opts_help prints back into a spec (for commands whose
 * spec main.c does not know).  Returns 0 and fills `info` (release with
 * arc_cmd_info_release), or a negative code. */
int arc_cmd_info_from_help(struct arc_cmd_info *info, const char *path, const char *text);
void arc_cmd_info_release(struct arc_cmd_info *info);

/* Completions for `words` (the words after the program name; the last one is
 * the word being completed, "" for a new one): "candidate\tdescription" lines
 * and a last line ":DIRECTIVE". */
void arc_complete(struct arc_buf *out, int nwords, char **words);

extern const struct arc_cmd_spec arc_completion_spec;
int arc_cmd_complete(int argc, char **argv);   /* hidden: __complete WORDS... */
int arc_cmd_completion(int argc, char **argv); /* completion bash|zsh|fish */
int arc_cmd_man(int argc, char **argv);        /* hidden: __man (roff on stdout) */

#endif
