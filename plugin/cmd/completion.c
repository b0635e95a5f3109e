/* completion.c - shell completion, typo suggestions and the command table as data
 * (`kubectl arc completion bash|zsh|fish`, the hidden `__complete`). */
#include "completion.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kube/api.h"
#include "../value/codec.h"
#include "kubeflags.h"

#define MAX_INFOS 64
#define MAX_WORDS 256

static const struct arc_command *table;
static size_t table_n;
static const struct arc_cmd_spec *const *table_specs;

static struct arc_cmd_info *infos[MAX_INFOS];
static size_t n_infos;

void arc_cmd_table_set(const struct arc_command *cmds, size_t n, const struct arc_cmd_spec *const *specs)
{
	table = cmds;
	table_n = n;
	table_specs = specs;
}

const struct arc_command *arc_cmd_table(size_t *n)
{
	*n = table_n;
	return table;
}

const struct arc_command *arc_cmd_find(const char *name)
{
	size_t i;
	for (i = 0; name && i < table_n; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

void arc_cmd_info_release(struct arc_cmd_info *info)
{
	size_t i;
	for (i = 0; i < info->n_verbs; i++) {
		free(info->verbs[i].name);
		free(info->verbs[i].summary);
	}
	free(info->verbs);
	free(info->path);
	free(info->owned_spec);
	free(info->owned_opts);
	free(info->owned_text);
	memset(info, 0, sizeof(*info));
}

void arc_cmd_table_release(void)
{
	size_t i;
	for (i = 0; i < n_infos; i++) {
		arc_cmd_info_release(infos[i]);
		free(infos[i]);
	}
	n_infos = 0;
}

const char *arc_suggest(const char *name, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, bd = 99, len = strlen(name), limit = len <= 3 ? 1 : 2;
	if (!len)
		return NULL;
	for (i = 0; i < n; i++) {
		size_t d = arc_edit_distance(name, cands[i]);
		if (d < bd) {
			bd = d;
			best = cands[i];
		}
	}
	if (best && bd <= limit)
		return best;
	/* a prefix ("inst" → install) */
	for (i = 0; i < n; i++)
		if (len >= 2 && !strncmp(cands[i], name, len))
			return cands[i];
	return NULL;
}

const char *arc_cmd_suggest(const char *name)
{
	const char *cands[MAX_WORDS];
	size_t i, n = 0;
	for (i = 0; i < table_n && n < MAX_WORDS - 1; i++)
		cands[n++] = table[i].name;
	cands[n++] = "help";
	return arc_suggest(name, cands, n);
}

/* ---- reading a command's --help back into a spec ---- */

static char *trim_dup(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static void add_verb(struct arc_cmd_info *info, const char *name, size_t n, const char *summary)
{
	size_t i;
	for (i = 0; i < info->n_verbs; i++)
		if (strlen(info->verbs[i].name) == n && !strncmp(info->verbs[i].name, name, n))
			return;
	if (info->n_verbs >= MAX_WORDS)
		return;
	info->verbs = xrealloc(info->verbs, (info->n_verbs + 1) * sizeof(*info->verbs));
	info->verbs[info->n_verbs].name = xstrndup(name, n);
	info->verbs[info->n_verbs].summary = xstrdup(summary ? summary : "");
	info->n_verbs++;
}

/* "add NAME URL | list | remove NAME..." or "(apply -f FILE | get …) [flags]": the first
 * word of each alternative when it is a literal lower-case word */
static void verbs_from_usage(struct arc_cmd_info *info, const char *usage)
{
	const char *p = usage, *end;
	int depth = 0;
	if (!usage)
		return;
	while (*p == ' ')
		p++;
	if (*p == '(') {
		const char *q = p;
		for (; *q; q++) {
			depth += *q == '(' || *q == '[';
			depth -= *q == ')' || *q == ']';
			if (!depth)
				break;
		}
		if (!*q)
			return;
		p++;
		end = q;
	} else {
		end = p + strlen(p);
	}
	depth = 0;
	for (;;) {
		const char *w, *alt_end = p;
		while (alt_end < end) {
			if (*alt_end == '(' || *alt_end == '[')
				depth++;
			else if ((*alt_end == ')' || *alt_end == ']') && depth > 0)
				depth--;
			else if (*alt_end == '|' && !depth)
				break;
			alt_end++;
		}
		while (p < alt_end && *p == ' ')
			p++;
		w = p;
		while (p < alt_end && (islower((unsigned char)*p) || *p == '-'))
			p++;
		if (p > w && (p == alt_end || *p == ' '))
			add_verb(info, w, (size_t)(p - w), NULL);
		if (alt_end >= end)
			break;
		p = alt_end + 1;
	}
}

/* one flag line of arc_opts_help: "  -n, --namespace NS     help" or "      --name ARG" */
static int parse_flag_line(const char *line, struct arc_opt *o, char **help_out)
{
	const char *p = line, *name, *arg = NULL, *arg_end = NULL;
	char shortc = 0;
	size_t name_len;
	while (*p == ' ')
		p++;
	if (p[0] == '-' && p[1] && p[1] != '-') {
		shortc = p[1];
		p += 2;
		if (*p != ',')
			return -1;
		p++;
		while (*p == ' ')
			p++;
	}
	if (p[0] != '-' || p[1] != '-')
		return -1;
	name = p + 2;
	for (p = name; *p && *p != ' ' && *p != '='; p++)
		;
	name_len = (size_t)(p - name);
	if (!name_len)
		return -1;
	if (*p == ' ' && p[1] != ' ' && p[1]) {
		arg = p + 1;
		for (arg_end = arg; *arg_end && *arg_end != ' '; arg_end++)
			;
		p = arg_end;
	}
	while (*p == ' ')
		p++;
	memset(o, 0, sizeof(*o));
	o->name = xstrndup(name, name_len);
	o->short_name = shortc;
	o->type = arg ? ARC_OPT_STRING : ARC_OPT_BOOL;
	o->argname = arg ? xstrndup(arg, (size_t)(arg_end - arg)) : NULL;
	*help_out = xstrdup(p);
	return 0;
}

static int section_header(const char *line, size_t n)
{
	return n > 1 && line[n - 1] == ':' && !isspace((unsigned char)line[0]);
}

/* Everything the info owns is allocated separately except the opts' strings, which
 * live in owned_text (a NUL-separated arena built as we go). */
int arc_cmd_info_from_help(struct arc_cmd_info *info, const char *path, const char *text)
{
	struct arc_buf arena = ARC_BUF_INIT, desc = ARC_BUF_INIT, ex = ARC_BUF_INIT;
	const char *p = text, *summary = NULL;
	size_t summary_len = 0;
	char *usage = NULL;
	enum { S_TOP, S_USAGE, S_EXAMPLES, S_FLAGS, S_COMMANDS, S_OTHER } sec = S_TOP;
	struct arc_opt *opts = NULL;
	char **helps = NULL;
	size_t nopts = 0, i;
	struct arc_cmd_spec *spec;
	struct { size_t help, name, arg, def; } *offs = NULL;

	memset(info, 0, sizeof(*info));
	info->path = xstrdup(path);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *line = p;
		p += n + (nl ? 1 : 0);
		if (n > 4096)
			continue;
		if (!summary) {
			if (n) {
				summary = line;
				summary_len = n;
			}
			continue;
		}
		if (section_header(line, n) && n < 64) {
			char h[64];
			memcpy(h, line, n);
			h[n] = '\0';
			if (!strcmp(h, "Usage:"))
				sec = S_USAGE;
			else if (!strcmp(h, "Examples:"))
				sec = S_EXAMPLES;
			else if (strstr(h, "lags:") || strstr(h, "ptions:"))
				sec = S_FLAGS;
			else if (strstr(h, "ommands:"))
				sec = S_COMMANDS;
			else
				sec = S_OTHER;
			continue;
		}
		switch (sec) {
		case S_TOP:
			/* wrapped lines join; an empty line ends a paragraph */
			if (!n) {
				if (desc.len && desc.ptr[desc.len - 1] != '\n')
					arc_buf_putc(&desc, '\n');
			} else {
				if (desc.len && desc.ptr[desc.len - 1] != '\n')
					arc_buf_putc(&desc, ' ');
				arc_buf_add(&desc, line, n);
			}
			break;
		case S_USAGE:
			if (n && !usage) {
				/* "  kubectl arc PATH USAGE" */
				char *u = trim_dup(line, n), *q = u;
				const char *progs[] = { "kubectl arc ", "helm arc ", "kubectl-arc " };
				size_t k, pl = strlen(path);
				for (k = 0; k < ARC_ARRAY_LEN(progs); k++)
					if (!strncmp(q, progs[k], strlen(progs[k])))
						q += strlen(progs[k]);
				if (!strncmp(q, path, pl) && (q[pl] == ' ' || !q[pl]))
					q += pl;
				while (*q == ' ')
					q++;
				usage = xstrdup(q);
				free(u);
			}
			break;
		case S_EXAMPLES:
			if (n) {
				char *e = trim_dup(line, n);
				arc_buf_puts(&ex, e);
				arc_buf_putc(&ex, '\n');
				free(e);
			}
			break;
		case S_FLAGS: {
			struct arc_opt o;
			char *h;
			if (!n)
				break;
			char *l = xstrndup(line, n);
			int parsed = line[0] == ' ' && !parse_flag_line(l, &o, &h);
			free(l);
			if (parsed) {
				if (!strcmp(o.name, "help")) {
					free((char *)o.name);
					free((char *)o.argname);
					free(h);
					break;
				}
				if (nopts >= MAX_WORDS) {
					free((char *)o.name);
					free((char *)o.argname);
					free(h);
					break;
				}
				opts = xrealloc(opts, (nopts + 2) * sizeof(*opts));
				helps = xrealloc(helps, (nopts + 1) * sizeof(*helps));
				opts[nopts] = o;
				helps[nopts] = h;
				nopts++;
			} else if (nopts && line[0] == ' ') {
				/* a continuation of the previous flag's help */
				char *c = trim_dup(line, n), *joined;
				if (*helps[nopts - 1])
					joined = xasprintf("%s %s", helps[nopts - 1], c);
				else
					joined = xstrdup(c);
				free(helps[nopts - 1]);
				helps[nopts - 1] = joined;
				free(c);
			}
			break;
		}
		case S_COMMANDS:
			if (n && line[0] == ' ') {
				const char *w = line, *e;
				char *sum;
				while (*w == ' ')
					w++;
				for (e = w; *e && *e != ' ' && e < line + n; e++)
					;
				sum = trim_dup(e, (size_t)(line + n - e));
				add_verb(info, w, (size_t)(e - w), sum);
				free(sum);
				info->verbs_have_help = 1;
			}
			break;
		case S_OTHER:
			break;
		}
	}
	if (!summary) {
		free(opts);
		free(helps);
		arc_buf_release(&desc);
		arc_buf_release(&ex);
		free(info->path);
		info->path = NULL;
		return arc_error_code(ARC_E_PARSE, "no help text for %s", path);
	}
	/* pack every string into one arena; pointers are fixed up after it stops growing */
	offs = xcalloc(nopts + 4, sizeof(*offs));
	for (i = 0; i < nopts; i++) {
		char *h = helps[i], *d = strstr(h, " (default ");
		size_t hl = strlen(h);
		offs[i].name = arena.len;
		arc_buf_add(&arena, opts[i].name, strlen(opts[i].name) + 1);
		offs[i].arg = (size_t)-1;
		if (opts[i].argname) {
			offs[i].arg = arena.len;
			arc_buf_add(&arena, opts[i].argname, strlen(opts[i].argname) + 1);
		}
		offs[i].def = (size_t)-1;
		if (d && hl && h[hl - 1] == ')') {
			offs[i].def = arena.len;
			arc_buf_add(&arena, d + 10, (size_t)(h + hl - 1 - (d + 10)));
			arc_buf_putc(&arena, '\0');
			hl = (size_t)(d - h);
		}
		offs[i].help = arena.len;
		arc_buf_add(&arena, h, hl);
		arc_buf_putc(&arena, '\0');
		free((char *)opts[i].name);
		free((char *)opts[i].argname);
		free(h);
	}
	free(helps);
	offs[nopts].name = arena.len; /* summary */
	arc_buf_add(&arena, summary, summary_len);
	arc_buf_putc(&arena, '\0');
	offs[nopts].help = arena.len; /* description */
	while (desc.len && desc.ptr[desc.len - 1] == '\n')
		desc.len--;
	arc_buf_add(&arena, desc.ptr ? desc.ptr : "", desc.len);
	arc_buf_putc(&arena, '\0');
	offs[nopts].arg = arena.len; /* examples */
	while (ex.len && ex.ptr[ex.len - 1] == '\n')
		ex.len--;
	arc_buf_add(&arena, ex.ptr ? ex.ptr : "", ex.len);
	arc_buf_putc(&arena, '\0');
	offs[nopts].def = arena.len; /* path */
	arc_buf_add(&arena, path, strlen(path) + 1);
	offs[nopts + 1].name = arena.len; /* usage */
	arc_buf_puts(&arena, usage ? usage : "[flags]");
	arc_buf_putc(&arena, '\0');
	free(usage);
	arc_buf_release(&desc);
	arc_buf_release(&ex);

	info->owned_text = arc_buf_detach(&arena, NULL);
	opts = xrealloc(opts, (nopts + 1) * sizeof(*opts));
	for (i = 0; i < nopts; i++) {
		opts[i].name = info->owned_text + offs[i].name;
		opts[i].argname = offs[i].arg != (size_t)-1 ? info->owned_text + offs[i].arg : NULL;
		opts[i].def = offs[i].def != (size_t)-1 ? info->owned_text + offs[i].def : NULL;
		opts[i].help = info->owned_text + offs[i].help;
		opts[i].dest = NULL;
	}
	memset(&opts[nopts], 0, sizeof(opts[nopts]));
	info->owned_opts = opts;
	info->owned_tables[0] = opts;
	info->owned_tables[1] = NULL;
	spec = xcalloc(1, sizeof(*spec));
	spec->summary = info->owned_text + offs[nopts].name;
	spec->description = info->owned_text[offs[nopts].help] ? info->owned_text + offs[nopts].help : NULL;
	spec->examples = info->owned_text[offs[nopts].arg] ? info->owned_text + offs[nopts].arg : NULL;
	spec->path = info->owned_text + offs[nopts].def;
	spec->usage = info->owned_text + offs[nopts + 1].name;
	spec->tables = info->owned_tables;
	info->owned_spec = spec;
	info->spec = spec;
	free(offs);
	if (!info->n_verbs)
		verbs_from_usage(info, spec->usage);
	return 0;
}

/* run the command with --help, its stdout captured (stderr dropped) */
static char *capture_help(const struct arc_command *c, const char *verb)
{
	char *argv[4], *text = NULL;
	int argc = 0, saved_out, saved_err;
	FILE *tmp = tmpfile();
	long len;
	if (!tmp)
		return NULL;
	argv[argc++] = (char *)c->name;
	if (verb)
		argv[argc++] = (char *)verb;
	argv[argc++] = (char *)"--help";
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	if (saved_out < 0 || saved_err < 0 || dup2(fileno(tmp), 1) < 0 || dup2(fileno(tmp), 2) < 0) {
		if (saved_out >= 0)
			close(saved_out);
		if (saved_err >= 0)
			close(saved_err);
		fclose(tmp);
		return NULL;
	}
	c->run(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	len = lseek(fileno(tmp), 0, SEEK_END);
	if (len > 0 && len < (1 << 20)) {
		text = xmalloc((size_t)len + 1);
		if (pread(fileno(tmp), text, (size_t)len, 0) != len) {
			free(text);
			text = NULL;
		} else {
			text[len] = '\0';
		}
	}
	fclose(tmp);
	return text;
}

static const struct arc_cmd_spec *table_spec(const struct arc_command *c)
{
	if (!table_specs || c < table || c >= table + table_n)
		return NULL;
	return table_specs[c - table];
}

const struct arc_cmd_info *arc_cmd_info(const struct arc_command *c, const char *verb)
{
	struct arc_cmd_info *info;
	char *path = verb ? xasprintf("%s %s", c->name, verb) : xstrdup(c->name);
	const struct arc_cmd_spec *spec = verb ? NULL : table_spec(c);
	size_t i;
	for (i = 0; i < n_infos; i++)
		if (infos[i]->cmd == c && !strcmp(infos[i]->path, path)) {
			free(path);
			return infos[i];
		}
	info = xcalloc(1, sizeof(*info));
	if (spec) {
		/* the table itself; verbs from its usage line */
		info->path = xstrdup(path);
		info->spec = spec;
		verbs_from_usage(info, spec->usage);
	} else {
		char *text = capture_help(c, verb);
		if (!text || arc_cmd_info_from_help(info, path, text)) {
			/* nothing readable: a bare entry with the table's summary */
			struct arc_cmd_spec *s = xcalloc(1, sizeof(*s));
			memset(info, 0, sizeof(*info));
			info->path = xstrdup(path);
			info->owned_text = xstrdup(c->summary ? c->summary : "");
			s->path = info->path;
			s->summary = info->owned_text;
			s->usage = "[flags]";
			info->owned_tables[0] = NULL;
			s->tables = info->owned_tables;
			info->owned_spec = s;
			info->spec = s;
		}
		free(text);
	}
	info->cmd = c;
	free(path);
	if (n_infos < MAX_INFOS) {
		infos[n_infos++] = info;
	} else {
		/* never reached with the tables we have; keep the process-lifetime leak bounded */
		arc_cmd_info_release(infos[MAX_INFOS - 1]);
		free(infos[MAX_INFOS - 1]);
		infos[MAX_INFOS - 1] = info;
	}
	return info;
}

/* ---- completion ---- */

static const struct arc_opt *find_opt(const struct arc_cmd_spec *spec, const char *name, size_t n,
				      char shortc)
{
	size_t t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++) {
			const struct arc_opt *o = &spec->tables[t][i];
			if (shortc ? o->short_name == shortc
				   : strlen(o->name) == n && !strncmp(o->name, name, n))
				return o;
		}
	return NULL;
}

static int takes_value(const struct arc_opt *o)
{
	return o && o->type != ARC_OPT_BOOL && o->type != ARC_OPT_OPTSTR;
}

static void cand(struct arc_buf *out, const char *prefix, const char *word, const char *desc, const char *cur)
{
	size_t pl = prefix ? strlen(prefix) : 0;
	const char *typed = strlen(cur) >= pl ? cur + pl : "";
	if (strncmp(word, typed, strlen(typed)))
		return;
	if (prefix)
		arc_buf_puts(out, prefix);
	arc_buf_puts(out, word);
	if (desc && *desc) {
		const char *d;
		arc_buf_putc(out, '\t');
		/* one line, no tabs */
		for (d = desc; *d; d++)
			arc_buf_putc(out, *d == '\n' || *d == '\t' ? ' ' : *d);
	}
	arc_buf_putc(out, '\n');
}

struct names {
	const char *cur, *prefix;
	struct arc_buf *out;
	const char *seen[MAX_WORDS];
	size_t n;
};

static void name_cand(struct names *nm, const char *name)
{
	size_t i;
	for (i = 0; i < nm->n; i++)
		if (!strcmp(nm->seen[i], name))
			return;
	if (nm->n < MAX_WORDS)
		nm->seen[nm->n++] = name;
	cand(nm->out, nm->prefix, name, NULL, nm->cur);
}

/* contexts/clusters/users of the kubeconfig files kubectl would read */
static void kubeconfig_names(struct names *nm, const char *kubeconfig, const char *what)
{
	char *list, *save = NULL, *f;
	const char *env = getenv("KUBECONFIG"), *home = getenv("HOME");
	arc_value *docs[16];
	size_t nd = 0, i, j;
	if (kubeconfig)
		list = xstrdup(kubeconfig);
	else if (env && *env)
		list = xstrdup(env);
	else
		list = xasprintf("%s/.kube/config", home ? home : "");
	for (f = strtok_r(list, ":", &save); f && nd < ARC_ARRAY_LEN(docs); f = strtok_r(NULL, ":", &save)) {
		char *data;
		size_t len;
		arc_value *doc = NULL;
		if (arc_read_file(f, 16 << 20, &data, &len))
			continue;
		if (!arc_yaml_load(&doc, f, data, len, 0) && doc)
			docs[nd++] = doc;
		free(data);
	}
	for (i = 0; i < nd; i++) {
		arc_value *l = docs[i]->kind == ARC_MAP ? arc_v_map_get(docs[i], what) : NULL;
		for (j = 0; l && l->kind == ARC_LIST && j < arc_v_list_len(l); j++) {
			arc_value *e = arc_v_list_at(l, j);
			arc_value *name = e->kind == ARC_MAP ? arc_v_map_get(e, "name") : NULL;
			if (name && name->kind == ARC_STRING)
				name_cand(nm, arc_v_strptr(name));
		}
	}
	/* the names point into the documents: print before freeing (done in name_cand) */
	for (i = 0; i < nd; i++)
		arc_v_unref(docs[i]);
	free(list);
}

static int ns_item(void *ctx, arc_value *item)
{
	struct names *nm = ctx;
	const char *name = arc_obj_str(item, "metadata.name");
	if (name && nm->n < MAX_WORDS)
		cand(nm->out, nm->prefix, name, NULL, nm->cur);
	return 0;
}

static void namespaces(struct names *nm, const char *kubeconfig, const char *context)
{
	struct arc_kube_flags f;
	struct arc_kube *k = NULL;
	const char *saved_kc = arc_kube_cli.kubeconfig, *saved_ctx = arc_kube_cli.context;
	arc_kube_cli.kubeconfig = kubeconfig;
	arc_kube_cli.context = context;
	arc_kube_cli_flags(&f); /* adds Helm's HELM_KUBECONTEXT … in plugin mode */
	arc_kube_cli.kubeconfig = saved_kc;
	arc_kube_cli.context = saved_ctx;
	f.request_timeout_ms = 5000;
	f.verbosity = 0;
	if (arc_kube_open(&k, &f))
		return;
	arc_kube_list(k, "v1", "Namespace", NULL, NULL, NULL, 500, ns_item, nm, NULL);
	arc_kube_close(k);
}

/* "Output format: json, yaml or name" → json yaml name */
static void values_from_help(struct names *nm, const char *help)
{
	const char *p = strstr(help, "format: ");
	char word[64];
	if (!p)
		p = strstr(help, "one of ");
	if (!p)
		return;
	p = strchr(p, ' ') + 1;
	if (!strncmp(p, "of ", 3))
		p += 3;
	while (*p && *p != ')' && *p != ';' && *p != '.') {
		size_t n = 0;
		while (*p == ' ' || *p == ',' || *p == '|')
			p++;
		if (!strncmp(p, "or ", 3)) {
			p += 3;
			continue;
		}
		while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '_') && n < sizeof(word) - 1)
			word[n++] = *p++;
		word[n] = '\0';
		if (!n)
			break;
		cand(nm->out, nm->prefix, word, NULL, nm->cur);
		if (*p && *p != ' ' && *p != ',' && *p != '|')
			break;
	}
}

static int complete_value(struct arc_buf *out, const struct arc_opt *o, const char *prefix, const char *cur,
			  const char *kubeconfig, const char *context)
{
	struct names nm;
	const char *arg = o->argname ? o->argname : "";
	memset(&nm, 0, sizeof(nm));
	nm.cur = cur;
	nm.prefix = prefix;
	nm.out = out;
	if (!strcmp(o->name, "context") || !strcmp(o->name, "cluster") || !strcmp(o->name, "user")) {
		kubeconfig_names(&nm, kubeconfig, !strcmp(o->name, "context")   ? "contexts"
						  : !strcmp(o->name, "cluster") ? "clusters"
										: "users");
		return ARC_COMP_NOFILE;
	}
	if (!strcmp(o->name, "namespace")) {
		namespaces(&nm, kubeconfig, context);
		return ARC_COMP_NOFILE;
	}
	if (strstr(arg, "DIR"))
		return ARC_COMP_DIRS;
	if (strstr(arg, "FILE") || strstr(arg, "PATH") || strstr(arg, "CHART") || !strcmp(arg, "KUBECONFIG"))
		return 0;
	if (o->help)
		values_from_help(&nm, o->help);
	return ARC_COMP_NOFILE;
}

static void list_flags(struct arc_buf *out, const struct arc_cmd_spec *spec, const char *cur)
{
	size_t t, i;
	for (t = 0; spec->tables && spec->tables[t]; t++)
		for (i = 0; spec->tables[t][i].name; i++) {
			const struct arc_opt *o = &spec->tables[t][i];
			char buf[128];
			if (o->flags & ARC_OPT_HIDDEN)
				continue;
			snprintf(buf, sizeof(buf), "--%s", o->name);
			cand(out, NULL, buf, o->help, cur);
		}
	cand(out, NULL, "--help", "Show help for this command", cur);
	if (cur[0] == '-' && cur[1] != '-')
		for (t = 0; spec->tables && spec->tables[t]; t++)
			for (i = 0; spec->tables[t][i].name; i++) {
				const struct arc_opt *o = &spec->tables[t][i];
				char buf[3] = { '-', o->short_name, 0 };
				if (o->short_name && !(o->flags & ARC_OPT_HIDDEN))
					cand(out, NULL, buf, o->help, cur);
			}
}

static int usage_wants_files(const char *usage)
{
	return usage && (strstr(usage, "FILE") || strstr(usage, "CHART") || strstr(usage, "PATH") ||
			 strstr(usage, "DIR"));
}

static void directive(struct arc_buf *out, int d)
{
	arc_buf_printf(out, ":%d\n", d);
}

void arc_complete(struct arc_buf *out, int nwords, char **words)
{
	const char *cur = nwords > 0 ? words[nwords - 1] : "";
	const struct arc_command *c = NULL;
	const struct arc_cmd_info *info;
	const char *kubeconfig = NULL, *context = NULL, *first_pos = NULL;
	const struct arc_opt *pending = NULL;
	int i, ci = -1, npos = 0, dashdash = 0;
	size_t k;

	if (nwords > MAX_WORDS) {
		directive(out, ARC_COMP_ERROR);
		return;
	}
	for (i = 0; i < nwords - 1; i++)
		if (words[i][0] != '-') {
			ci = i;
			break;
		}
	if (ci < 0) {
		if (cur[0] == '-') {
			cand(out, NULL, "--help", "Show help", cur);
			cand(out, NULL, "--version", "Print the version", cur);
		} else {
			for (k = 0; k < table_n; k++)
				cand(out, NULL, table[k].name, table[k].summary, cur);
			cand(out, NULL, "help", "Help about any command", cur);
		}
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	if (!strcmp(words[ci], "help")) {
		if (ci == nwords - 2)
			for (k = 0; k < table_n; k++)
				cand(out, NULL, table[k].name, table[k].summary, cur);
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	c = arc_cmd_find(words[ci]);
	if (!c) {
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	info = arc_cmd_info(c, NULL);
	/* walk the words before the one being completed */
	for (i = ci + 1; i < nwords - 1; i++) {
		const char *w = words[i];
		const struct arc_opt *o = NULL;
		const char *eq = NULL;
		if (pending) {
			if (!strcmp(pending->name, "kubeconfig"))
				kubeconfig = w;
			else if (!strcmp(pending->name, "context"))
				context = w;
			pending = NULL;
			continue;
		}
		if (!dashdash && !strcmp(w, "--")) {
			dashdash = 1;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1] == '-' && w[2]) {
			eq = strchr(w, '=');
			o = find_opt(info->spec, w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2), 0);
			if (o && eq && !strcmp(o->name, "kubeconfig"))
				kubeconfig = eq + 1;
			else if (o && eq && !strcmp(o->name, "context"))
				context = eq + 1;
			if (o && !eq && takes_value(o))
				pending = o;
			continue;
		}
		if (!dashdash && w[0] == '-' && w[1]) {
			o = find_opt(info->spec, NULL, 0, w[1]);
			if (o && !w[2] && takes_value(o))
				pending = o;
			continue;
		}
		if (!npos++) {
			first_pos = w;
			/* a subcommand with options of its own */
			if (info->verbs_have_help)
				for (k = 0; k < info->n_verbs; k++)
					if (!strcmp(info->verbs[k].name, w)) {
						info = arc_cmd_info(c, w);
						break;
					}
		}
	}
	(void)first_pos;
	if (pending) {
		directive(out, complete_value(out, pending, NULL, cur, kubeconfig, context));
		return;
	}
	if (!dashdash && cur[0] == '-' && cur[1] == '-' && strchr(cur, '=')) {
		const char *eq = strchr(cur, '=');
		const struct arc_opt *o = find_opt(info->spec, cur + 2, (size_t)(eq - cur - 2), 0);
		if (o && o->type != ARC_OPT_BOOL) {
			char *prefix = xstrndup(cur, (size_t)(eq - cur + 1));
			int d = complete_value(out, o, prefix, cur, kubeconfig, context);
			free(prefix);
			directive(out, d);
			return;
		}
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	if (!dashdash && cur[0] == '-') {
		list_flags(out, info->spec, cur);
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	if (!npos && info->n_verbs) {
		for (k = 0; k < info->n_verbs; k++)
			cand(out, NULL, info->verbs[k].name, info->verbs[k].summary, cur);
		directive(out, ARC_COMP_NOFILE);
		return;
	}
	directive(out, usage_wants_files(info->spec->usage) ? 0 : ARC_COMP_NOFILE);
}

int arc_cmd_complete(int argc, char **argv)
{
	struct arc_buf out = ARC_BUF_INIT;
	/* argv[0] is "__complete"; kubectl_complete-arc passes the words after `arc` */
	arc_complete(&out, argc - 1, argv + 1);
	fwrite(arc_buf_cstr(&out), 1, out.len, stdout);
	arc_buf_release(&out);
	return 0;
}

/* ---- completion scripts ---- */

static const char bash_script[] =
	"# bash completion for kubectl-arc                          -*- shell-script -*-\n"
	"# Generated by `kubectl-arc completion bash`: the candidates come from\n"
	"# `kubectl-arc __complete`, which reads kubectl-arc's own option tables.\n"
	"# Load it with:  source <(kubectl-arc completion bash)\n"
	"# (`kubectl arc <TAB>` is completed by kubectl itself through kubectl_complete-arc.)\n"
	"\n"
	"_kubectl_arc_complete()\n"
	"{\n"
	"    local cur prev words cword\n"
	"    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then\n"
	"        _get_comp_words_by_ref -n =: cur prev words cword\n"
	"    else\n"
	"        cur=${COMP_WORDS[COMP_CWORD]} words=(\"${COMP_WORDS[@]}\") cword=$COMP_CWORD\n"
	"    fi\n"
	"    local out line directive=0\n"
	"    out=$(\"${words[0]}\" __complete \"${words[@]:1:cword-1}\" \"$cur\" 2>/dev/null) || return\n"
	"    COMPREPLY=()\n"
	"    while IFS= read -r line; do\n"
	"        case $line in\n"
	"        :[0-9]*) directive=${line#:} ;;\n"
	"        '') ;;\n"
	"        *) COMPREPLY+=(\"${line%%$'\\t'*}\") ;;\n"
	"        esac\n"
	"    done <<<\"$out\"\n"
	"    if (( directive & 1 )); then\n"
	"        COMPREPLY=()\n"
	"        return\n"
	"    fi\n"
	"    if (( directive & 2 )); then\n"
	"        compopt -o nospace 2>/dev/null\n"
	"    fi\n"
	"    if (( ${#COMPREPLY[@]} == 0 )); then\n"
	"        if (( directive & 16 )); then\n"
	"            COMPREPLY=($(compgen -d -- \"$cur\"))\n"
	"        elif (( (directive & 4) == 0 )); then\n"
	"            compopt -o default 2>/dev/null\n"
	"        fi\n"
	"    fi\n"
	"    if declare -F __ltrim_colon_completions >/dev/null 2>&1; then\n"
	"        __ltrim_colon_completions \"$cur\"\n"
	"    fi\n"
	"}\n"
	"complete -o bashdefault -F _kubectl_arc_complete kubectl-arc\n";

static const char zsh_script[] =
	"#compdef kubectl-arc\n"
	"# zsh completion for kubectl-arc, generated by `kubectl-arc completion zsh`: the\n"
	"# candidates come from `kubectl-arc __complete`, which reads the option tables.\n"
	"# Load it with:  source <(kubectl-arc completion zsh)\n"
	"# or save it as _kubectl-arc in a directory of $fpath.\n"
	"\n"
	"_kubectl-arc()\n"
	"{\n"
	"    local out line directive=0 word desc\n"
	"    local -a lines comps\n"
	"    out=$(\"${words[1]}\" __complete \"${(@)words[2,CURRENT-1]}\" \"${words[CURRENT]}\" \\\n"
	"        2>/dev/null) || return 1\n"
	"    lines=(\"${(@f)out}\")\n"
	"    for line in \"${lines[@]}\"; do\n"
	"        case $line in\n"
	"        (:[0-9]*) directive=${line#:} ;;\n"
	"        ('') ;;\n"
	"        (*)\n"
	"            word=${line%%$'\\t'*}\n"
	"            desc=''\n"
	"            [[ $line == *$'\\t'* ]] && desc=${line#*$'\\t'}\n"
	"            word=${word//:/\\\\:}\n"
	"            if [[ -n $desc ]]; then comps+=(\"$word:$desc\"); else comps+=(\"$word\"); fi\n"
	"            ;;\n"
	"        esac\n"
	"    done\n"
	"    (( directive & 1 )) && return 1\n"
	"    if (( ${#comps} )); then\n"
	"        if (( directive & 2 )); then\n"
	"            _describe -t arc 'kubectl-arc' comps -S ''\n"
	"        else\n"
	"            _describe -t arc 'kubectl-arc' comps\n"
	"        fi\n"
	"    elif (( directive & 16 )); then\n"
	"        _files -/\n"
	"    elif (( (directive & 4) == 0 )); then\n"
	"        _files\n"
	"    fi\n"
	"}\n"
	"\n"
	"if [ \"$funcstack[1]\" = \"_kubectl-arc\" ]; then\n"
	"    _kubectl-arc \"$@\"\n"
	"else\n"
	"    compdef _kubectl-arc kubectl-arc\n"
	"fi\n";

static const char fish_script[] =
	"# fish completion for kubectl-arc, generated by `kubectl-arc completion fish`: the\n"
	"# candidates come from `kubectl-arc __complete`, which reads the option tables.\n"
	"# Load it with:  kubectl-arc completion fish | source\n"
	"# or save it as ~/.config/fish/completions/kubectl-arc.fish\n"
	"\n"
	"function __kubectl_arc_complete\n"
	"    set -l words (commandline -opc)\n"
	"    set -l prog $words[1]\n"
	"    set -e words[1]\n"
	"    set -l cur (commandline -ct)\n"
	"    set -l out ($prog __complete $words \"$cur\" 2>/dev/null)\n"
	"    or return\n"
	"    set -l directive 0\n"
	"    if string match -qr '^:[0-9]+$' -- $out[-1]\n"
	"        set directive (string sub -s 2 -- $out[-1])\n"
	"        set -e out[-1]\n"
	"    end\n"
	"    if test (math \"bitand($directive, 1)\") -ne 0\n"
	"        return\n"
	"    end\n"
	"    if test (count $out) -gt 0\n"
	"        printf '%s\\n' $out\n"
	"    else if test (math \"bitand($directive, 16)\") -ne 0\n"
	"        __fish_complete_directories $cur\n"
	"    else if test (math \"bitand($directive, 4)\") -eq 0\n"
	"        __fish_complete_path $cur\n"
	"    end\n"
	"end\n"
	"\n"
	"complete -c kubectl-arc -e\n"
	"complete -c kubectl-arc -f -a '(__kubectl_arc_complete)'\n";

static const struct arc_opt completion_opts[] = { ARC_OPT_END };
static const struct arc_opt *const completion_tables[] = { completion_opts, NULL };
const struct arc_cmd_spec arc_completion_spec = {
	"completion",
	"(bash | zsh | fish)",
	"Print a shell completion script for kubectl-arc",
	"The script completes commands, flags and their values (kubeconfig contexts, namespaces, "
	"output formats) from kubectl-arc's own option tables through the hidden `__complete` command. "
	"For `kubectl arc <TAB>`, kubectl's own completion calls the kubectl_complete-arc executable "
	"installed next to kubectl-arc; for `helm arc <TAB>`, Helm calls the plugin's plugin.complete.",
	"source <(kubectl-arc completion bash)\n"
	"kubectl-arc completion zsh > \"${fpath[1]}/_kubectl-arc\"\n"
	"kubectl-arc completion fish > ~/.config/fish/completions/kubectl-arc.fish",
	completion_tables,
};

int arc_cmd_completion(int argc, char **argv)
{
	struct arc_strlist pos = { 0 };
	int rc = arc_opts_parse(&arc_completion_spec, argc, argv, &pos);
	const char *shell;
	if (rc == 1) {
		arc_strlist_release(&pos);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "Error: %s\nSee '%s completion --help'.\n", arc_error_last(), arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	if (pos.n != 1) {
		fprintf(stderr, "Error: %s\nSee '%s completion --help'.\n",
			pos.n ? "one shell, please: bash, zsh or fish" : "which shell? bash, zsh or fish",
			arc_prog());
		arc_strlist_release(&pos);
		return 2;
	}
	shell = pos.v[0];
	if (!strcmp(shell, "bash")) {
		fputs(bash_script, stdout);
	} else if (!strcmp(shell, "zsh")) {
		fputs(zsh_script, stdout);
	} else if (!strcmp(shell, "fish")) {
		fputs(fish_script, stdout);
	} else {
		const char *shells[] = { "bash", "zsh", "fish" };
		const char *s = arc_suggest(shell, shells, 3);
		fprintf(stderr, "Error: unsupported shell \"%s\"%s%s%s: use bash, zsh or fish\n", shell,
			s ? " (did you mean " : "", s ? s : "", s ? "?)" : "");
		arc_strlist_release(&pos);
		return 2;
	}
	arc_strlist_release(&pos);
	return 0;
}
