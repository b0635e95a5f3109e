/*
 * lex.c - the template lexer: a state machine that hands the parser one
 * item at a time, with the states, trim markers, comments, numbers and
 * error texts of Go's text/template/parse lexer.  Delimiters are always
 * {{ and }} (Helm never changes them).
 */
#include "internal.h"
#include "../value/codec.h"

#include <string.h>

#define LEFT_DELIM "{{"
#define RIGHT_DELIM "}}"
#define DELIM_LEN 2
#define TRIM_LEN 2 /* marker plus the space next to it */
#define EOF_RUNE (-1)

enum state {
	S_NONE, /* an item was emitted */
	S_TEXT,
	S_LEFT_DELIM,
	S_COMMENT,
	S_RIGHT_DELIM,
	S_INSIDE,
	S_SPACE,
	S_IDENT,
	S_FIELD,
	S_VARIABLE,
	S_CHAR,
	S_NUMBER,
	S_QUOTE,
	S_RAW
};

/* ---- UTF-8 and a small Unicode model ---- */

size_t tpl_utf8_decode(const char *str, size_t n, int32_t *r)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c;
	size_t w, i;
	if (n == 0) {
		*r = 0xFFFD;
		return 0;
	}
	if (s[0] < 0x80) {
		*r = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		c = s[0] & 0x1F;
		w = 2;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		c = s[0] & 0x0F;
		w = 3;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		c = s[0] & 0x07;
		w = 4;
	} else {
		*r = 0xFFFD;
		return 1;
	}
	if (n < w) {
		*r = 0xFFFD;
		return 1;
	}
	for (i = 1; i < w; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*r = 0xFFFD;
			return 1;
		}
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((w == 3 && (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))) ||
	    (w == 4 && (c < 0x10000 || c > 0x10FFFF))) {
		*r = 0xFFFD;
		return 1;
	}
	*r = (int32_t)c;
	return w;
}

size_t tpl_utf8_encode(char *out, int32_t r)
{
	uint32_t c = (uint32_t)r;
	if (r < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* Non-ASCII runes that are not letters: punctuation, symbols and spaces of
 * the common blocks.  Everything else outside ASCII is taken as a letter,
 * which is what identifiers in templates (names in any script) need. */
static int non_letter(int32_t r)
{
	static const int32_t ranges[][2] = {
		{ 0x80, 0xA9 },     { 0xAB, 0xB4 },     { 0xB6, 0xB9 },     { 0xBB, 0xBF },
		{ 0xD7, 0xD7 },     { 0xF7, 0xF7 },     { 0x2000, 0x206F }, { 0x20A0, 0x20CF },
		{ 0x2100, 0x2101 }, { 0x2190, 0x2BFF }, { 0x2E00, 0x2E7F }, { 0x3000, 0x3004 },
		{ 0x3008, 0x3020 }, { 0xFE10, 0xFE1F }, { 0xFE30, 0xFE4F }, { 0xFF01, 0xFF0F },
		{ 0xFF1A, 0xFF20 }, { 0xFFF0, 0xFFFF }, { 0x1F000, 0x1FAFF },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(ranges); i++)
		if (r >= ranges[i][0] && r <= ranges[i][1])
			return 1;
	return 0;
}

/* Unicode decimal digits outside ASCII (Nd), the common blocks */
static int non_ascii_digit(int32_t r)
{
	static const int32_t zeros[] = { 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6,
					 0xC66, 0xCE6, 0xD66, 0xE50, 0xED0, 0xF20, 0x1040, 0x17E0, 0x1810,
					 0xFF10 };
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(zeros); i++)
		if (r >= zeros[i] && r <= zeros[i] + 9)
			return 1;
	return 0;
}

int tpl_is_digit(int32_t r)
{
	if (r < 0x80)
		return r >= '0' && r <= '9';
	return non_ascii_digit(r);
}

int tpl_is_letter(int32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	if (non_ascii_digit(r))
		return 0;
	return !non_letter(r);
}

int tpl_is_print(int32_t r)
{
	if (r < 0x80)
		return r >= 0x20 && r < 0x7F;
	if (r < 0xA0 || r == 0xAD)
		return 0;
	if ((r >= 0x2000 && r <= 0x200F) || (r >= 0x2028 && r <= 0x202F) || (r >= 0x205F && r <= 0x206F))
		return 0;
	if (r == 0xFEFF || (r >= 0xFFF9 && r <= 0xFFFB) || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		return 0;
	return 1;
}

void tpl_fmt_U(struct arc_buf *b, int32_t r)
{
	char tmp[8];
	size_t n;
	arc_buf_printf(b, "U+%04X", (unsigned)r);
	if (tpl_is_print(r)) {
		n = tpl_utf8_encode(tmp, r);
		arc_buf_puts(b, " '");
		arc_buf_add(b, tmp, n);
		arc_buf_putc(b, '\'');
	}
}

static int is_space(int32_t r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

static int is_alnum(int32_t r)
{
	if (r < 0x80)
		return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9');
	return tpl_is_letter(r) || tpl_is_digit(r);
}

/* ---- the lexer primitives ---- */

static int32_t next(struct lexer *l)
{
	int32_t r;
	unsigned char c;
	if (l->pos >= l->len) {
		l->at_eof = 1;
		return EOF_RUNE;
	}
	c = (unsigned char)l->input[l->pos];
	if (c < 0x80) { /* ASCII: a byte is a rune */
		l->pos++;
		if (c == '\n')
			l->line++;
		return c;
	}
	l->pos += tpl_utf8_decode(l->input + l->pos, l->len - l->pos, &r);
	if (r == '\n')
		l->line++;
	return r;
}

static void backup(struct lexer *l)
{
	size_t i, w;
	int32_t r;
	if (l->at_eof || l->pos == 0)
		return;
	if ((unsigned char)l->input[l->pos - 1] < 0x80) { /* ASCII: one byte back */
		if (l->input[--l->pos] == '\n')
			l->line--;
		return;
	}
	/* find the start of the last rune (at most 4 bytes back) */
	i = l->pos - 1;
	while (i > 0 && l->pos - i < 4 && ((unsigned char)l->input[i] & 0xC0) == 0x80)
		i--;
	w = tpl_utf8_decode(l->input + i, l->pos - i, &r);
	if (i + w != l->pos) { /* invalid sequence: step back one byte */
		i = l->pos - 1;
		r = (unsigned char)l->input[i];
	}
	l->pos = i;
	if (r == '\n')
		l->line--;
}

static int32_t peek(struct lexer *l)
{
	int32_t r = next(l);
	backup(l);
	return r;
}

static size_t count_nl(const char *s, size_t n)
{
	size_t c = 0;
	const char *p = s, *e = s + n;
	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

static struct item this_item(struct lexer *l, int type)
{
	struct item it;
	it.type = type;
	it.pos = l->start;
	it.val = l->input + l->start;
	it.len = l->pos - l->start;
	it.line = l->start_line;
	l->start = l->pos;
	l->start_line = l->line;
	return it;
}

static enum state emit_item(struct lexer *l, struct item it)
{
	l->item = it;
	return S_NONE;
}

static enum state emit(struct lexer *l, int type)
{
	return emit_item(l, this_item(l, type));
}

static void ignore(struct lexer *l)
{
	l->line += (int)count_nl(l->input + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static int accept(struct lexer *l, const char *valid)
{
	int32_t r = next(l);
	if (r > 0 && r < 0x80 && strchr(valid, (int)r))
		return 1;
	backup(l);
	return 0;
}

static void accept_run(struct lexer *l, const char *valid)
{
	int32_t r;
	for (;;) {
		r = next(l);
		if (!(r > 0 && r < 0x80 && strchr(valid, (int)r)))
			break;
	}
	backup(l);
}

static int has_prefix(struct lexer *l, size_t at, const char *p)
{
	size_t n = strlen(p);
	return at <= l->len && l->len - at >= n && memcmp(l->input + at, p, n) == 0;
}

static int has_left_trim(struct lexer *l, size_t at)
{
	return at <= l->len && l->len - at >= 2 && l->input[at] == '-' &&
	       is_space((unsigned char)l->input[at + 1]);
}

static int has_right_trim(struct lexer *l, size_t at)
{
	return at <= l->len && l->len - at >= 2 && is_space((unsigned char)l->input[at]) &&
	       l->input[at + 1] == '-';
}

/* start an error item; the lexer then yields EOF forever */
static enum state errorf(struct lexer *l, const char *fmt, ...) ARC_PRINTF(2, 3);
static enum state errorf(struct lexer *l, const char *fmt, ...)
{
	va_list ap;
	arc_buf_reset(&l->err);
	va_start(ap, fmt);
	arc_buf_vprintf(&l->err, fmt, ap);
	va_end(ap);
	l->item.type = ITEM_ERROR;
	l->item.pos = l->start;
	l->item.val = arc_buf_cstr(&l->err);
	l->item.len = l->err.len;
	l->item.line = l->start_line;
	l->start = 0;
	l->pos = 0;
	l->len = 0;
	return S_NONE;
}

/* an error whose message ends with Go's %q or %#U of something */
static enum state error_quoted(struct lexer *l, const char *prefix, const char *s, size_t n)
{
	struct arc_buf b = ARC_BUF_INIT;
	enum state st;
	arc_buf_puts(&b, prefix);
	arc_fmt_quote(&b, s, n);
	st = errorf(l, "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return st;
}

static enum state error_rune(struct lexer *l, const char *prefix, int32_t r)
{
	struct arc_buf b = ARC_BUF_INIT;
	enum state st;
	arc_buf_puts(&b, prefix);
	tpl_fmt_U(&b, r);
	st = errorf(l, "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return st;
}

static size_t right_trim_len(const char *s, size_t n)
{
	size_t k = n;
	while (k > 0 && is_space((unsigned char)s[k - 1]))
		k--;
	return n - k;
}

static size_t left_trim_len(const char *s, size_t n)
{
	size_t k = 0;
	while (k < n && is_space((unsigned char)s[k]))
		k++;
	return k;
}

/* "}}" at byte offset at */
static inline int at_rdelim(const struct lexer *l, size_t at)
{
	return at + 1 < l->len && l->input[at] == '}' && l->input[at + 1] == '}';
}

/* is the lexer at "}}" or " -}}"?  *trim tells which */
static int at_right_delim(struct lexer *l, int *trim)
{
	size_t at = l->pos;
	if (at + 1 < l->len && is_space((unsigned char)l->input[at]) && l->input[at + 1] == '-' &&
	    at_rdelim(l, at + TRIM_LEN)) {
		*trim = 1;
		return 1;
	}
	*trim = 0;
	return at_rdelim(l, at);
}

static int at_terminator(struct lexer *l)
{
	unsigned char c;
	if (l->pos >= l->len) {
		l->at_eof = 1; /* as peek() would */
		return 1;
	}
	c = (unsigned char)l->input[l->pos];
	switch (c) {
	case ' ':
	case '\t':
	case '\r':
	case '\n':
	case '.':
	case ',':
	case '|':
	case ':':
	case ')':
	case '(':
		return 1;
	case '}':
		return at_rdelim(l, l->pos);
	}
	return 0;
}

/* the end of a run of ASCII letters, digits and '_' from byte offset at */
static size_t ascii_alnum_end(const struct lexer *l, size_t at)
{
	static const unsigned char tab[256] = {
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
		['8'] = 1, ['9'] = 1, ['_'] = 1,
		['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
		['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
		['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
		['y'] = 1, ['z'] = 1,
		['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
		['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
		['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
		['Y'] = 1, ['Z'] = 1,
	};
	const unsigned char *s = (const unsigned char *)l->input;
	while (at < l->len && tab[s[at]])
		at++;
	return at;
}

/* read alphanumeric runes (letters, digits, '_'); *r: the rune that ended the run */
static void scan_alnum(struct lexer *l, int32_t *r)
{
	for (;;) {
		l->pos = ascii_alnum_end(l, l->pos); /* ASCII runs at once, no newlines in them */
		if (l->pos < l->len && (unsigned char)l->input[l->pos] < 0x80) {
			*r = (unsigned char)l->input[l->pos]; /* what next() then backup() would do */
			return;
		}
		*r = next(l);
		if (!is_alnum(*r))
			break;
	}
	backup(l);
}

/* ---- states ---- */

static enum state lex_text(struct lexer *l)
{
	const char *p = NULL;
	if (l->pos < l->len) {
		/* the next "{{": memchr for '{' is much faster than memmem */
		const char *q = l->input + l->pos, *e = l->input + l->len;
		while ((q = memchr(q, '{', (size_t)(e - q))) != NULL) {
			if (q + 1 < e && q[1] == '{') {
				p = q;
				break;
			}
			q++;
		}
	}
	if (p) {
		size_t x = (size_t)(p - (l->input + l->pos));
		if (x > 0) {
			size_t trim = 0;
			struct item it;
			l->pos += x;
			if (has_left_trim(l, l->pos + DELIM_LEN))
				trim = right_trim_len(l->input + l->start, l->pos - l->start);
			l->pos -= trim;
			l->line += (int)count_nl(l->input + l->start, l->pos - l->start);
			it = this_item(l, ITEM_TEXT);
			l->pos += trim;
			ignore(l);
			if (it.len > 0)
				return emit_item(l, it);
		}
		return S_LEFT_DELIM;
	}
	l->pos = l->len;
	if (l->pos > l->start) {
		l->line += (int)count_nl(l->input + l->start, l->pos - l->start);
		return emit(l, ITEM_TEXT);
	}
	return emit(l, ITEM_EOF);
}

static enum state lex_left_delim(struct lexer *l)
{
	int trim;
	size_t after;
	struct item it;
	l->pos += DELIM_LEN;
	trim = has_left_trim(l, l->pos);
	after = trim ? TRIM_LEN : 0;
	if (has_prefix(l, l->pos + after, "/*")) {
		l->pos += after;
		ignore(l);
		return S_COMMENT;
	}
	it = this_item(l, ITEM_LEFT_DELIM);
	l->inside_action = 1;
	l->pos += after;
	ignore(l);
	l->paren_depth = 0;
	return emit_item(l, it);
}

static enum state lex_comment(struct lexer *l)
{
	const char *p;
	int trim;
	l->pos += 2;
	p = l->pos <= l->len ? memmem(l->input + l->pos, l->len - l->pos, "*/", 2) : NULL;
	if (!p)
		return errorf(l, "unclosed comment");
	l->pos = (size_t)(p - l->input) + 2;
	if (!at_right_delim(l, &trim))
		return errorf(l, "comment ends before closing delimiter");
	l->line += (int)count_nl(l->input + l->start, l->pos - l->start);
	(void)this_item(l, ITEM_COMMENT); /* comments are not emitted (Go's default mode) */
	if (trim)
		l->pos += TRIM_LEN;
	l->pos += DELIM_LEN;
	if (trim)
		l->pos += left_trim_len(l->input + l->pos, l->len - l->pos);
	ignore(l);
	return S_TEXT;
}

static enum state lex_right_delim(struct lexer *l)
{
	int trim;
	struct item it;
	at_right_delim(l, &trim);
	if (trim) {
		l->pos += TRIM_LEN;
		ignore(l);
	}
	l->pos += DELIM_LEN;
	it = this_item(l, ITEM_RIGHT_DELIM);
	if (trim) {
		l->pos += left_trim_len(l->input + l->pos, l->len - l->pos);
		ignore(l);
	}
	l->inside_action = 0;
	return emit_item(l, it);
}

static enum state lex_inside(struct lexer *l)
{
	int trim;
	int32_t r;
	if (at_right_delim(l, &trim)) {
		if (l->paren_depth == 0)
			return S_RIGHT_DELIM;
		return errorf(l, "unclosed left paren");
	}
	r = next(l);
	if (r == EOF_RUNE)
		return errorf(l, "unclosed action");
	if (is_space(r)) {
		backup(l);
		return S_SPACE;
	}
	switch (r) {
	case '=':
		return emit(l, ITEM_ASSIGN);
	case ':':
		if (next(l) != '=')
			return errorf(l, "expected :=");
		return emit(l, ITEM_DECLARE);
	case '|':
		return emit(l, ITEM_PIPE);
	case '"':
		return S_QUOTE;
	case '`':
		return S_RAW;
	case '$':
		return S_VARIABLE;
	case '\'':
		return S_CHAR;
	case '.':
		if (l->pos < l->len) {
			char c = l->input[l->pos];
			if (c < '0' || c > '9')
				return S_FIELD;
		}
		backup(l);
		return S_NUMBER;
	case '(':
		l->paren_depth++;
		return emit(l, ITEM_LEFT_PAREN);
	case ')':
		l->paren_depth--;
		if (l->paren_depth < 0)
			return errorf(l, "unexpected right paren");
		return emit(l, ITEM_RIGHT_PAREN);
	}
	if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
		backup(l);
		return S_NUMBER;
	}
	if (is_alnum(r)) {
		backup(l);
		return S_IDENT;
	}
	if (r < 0x80 && r >= 0x20 && r < 0x7F)
		return emit(l, ITEM_CHAR);
	return error_rune(l, "unrecognized character in action: ", r);
}

static enum state lex_space(struct lexer *l)
{
	int n = 0;
	/* spaces are ASCII: a byte at a time */
	while (l->pos < l->len && is_space((unsigned char)l->input[l->pos])) {
		if (l->input[l->pos] == '\n')
			l->line++;
		l->pos++;
		n++;
	}
	if (l->pos >= l->len)
		l->at_eof = 1; /* as peek() would */
	if (has_right_trim(l, l->pos - 1) && has_prefix(l, l->pos - 1 + TRIM_LEN, RIGHT_DELIM)) {
		backup(l);
		if (n == 1)
			return S_RIGHT_DELIM;
	}
	return emit(l, ITEM_SPACE);
}

static const struct {
	const char *word;
	int type;
} keywords[] = {
	{ "block", ITEM_BLOCK }, { "break", ITEM_BREAK },   { "continue", ITEM_CONTINUE },
	{ "define", ITEM_DEFINE }, { "else", ITEM_ELSE },   { "end", ITEM_END },
	{ "if", ITEM_IF },       { "nil", ITEM_NIL },       { "range", ITEM_RANGE },
	{ "template", ITEM_TEMPLATE }, { "with", ITEM_WITH },
};

static enum state lex_identifier(struct lexer *l)
{
	int32_t r;
	const char *word;
	size_t n, i;
	scan_alnum(l, &r);
	word = l->input + l->start;
	n = l->pos - l->start;
	if (!at_terminator(l))
		return error_rune(l, "bad character ", r);
	for (i = 0; i < ARC_ARRAY_LEN(keywords); i++) {
		if (keywords[i].word[0] == word[0] && strlen(keywords[i].word) == n &&
		    memcmp(keywords[i].word, word, n) == 0) {
			int t = keywords[i].type;
			if ((t == ITEM_BREAK && !l->break_ok) || (t == ITEM_CONTINUE && !l->continue_ok))
				return emit(l, ITEM_IDENTIFIER);
			return emit(l, t);
		}
	}
	if ((n == 4 && memcmp(word, "true", 4) == 0) || (n == 5 && memcmp(word, "false", 5) == 0))
		return emit(l, ITEM_BOOL);
	return emit(l, ITEM_IDENTIFIER);
}

static enum state lex_field_or_variable(struct lexer *l, int type)
{
	int32_t r;
	if (at_terminator(l))
		return emit(l, type == ITEM_VARIABLE ? ITEM_VARIABLE : ITEM_DOT);
	scan_alnum(l, &r);
	if (!at_terminator(l))
		return error_rune(l, "bad character ", r);
	return emit(l, type);
}

static enum state lex_variable(struct lexer *l)
{
	if (at_terminator(l))
		return emit(l, ITEM_VARIABLE);
	return lex_field_or_variable(l, ITEM_VARIABLE);
}

static enum state lex_char(struct lexer *l)
{
	for (;;) {
		int32_t r = next(l);
		if (r == '\\') {
			r = next(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
			return errorf(l, "unterminated character constant");
		}
		if (r == EOF_RUNE || r == '\n')
			return errorf(l, "unterminated character constant");
		if (r == '\'')
			break;
	}
	return emit(l, ITEM_CHAR_CONSTANT);
}

static int scan_number(struct lexer *l)
{
	const char *digits = "0123456789_";
	accept(l, "+-");
	if (accept(l, "0")) {
		if (accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (accept(l, "oO"))
			digits = "01234567_";
		else if (accept(l, "bB"))
			digits = "01_";
	}
	accept_run(l, digits);
	if (accept(l, "."))
		accept_run(l, digits);
	if (strlen(digits) == 11 && accept(l, "eE")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && accept(l, "pP")) {
		accept(l, "+-");
		accept_run(l, "0123456789_");
	}
	accept(l, "i");
	if (is_alnum(peek(l))) {
		next(l);
		return 0;
	}
	return 1;
}

static enum state lex_number(struct lexer *l)
{
	int32_t sign;
	if (!scan_number(l))
		return error_quoted(l, "bad number syntax: ", l->input + l->start, l->pos - l->start);
	sign = peek(l);
	if (sign == '+' || sign == '-') {
		if (!scan_number(l) || l->input[l->pos - 1] != 'i')
			return error_quoted(l, "bad number syntax: ", l->input + l->start, l->pos - l->start);
		return emit(l, ITEM_COMPLEX);
	}
	return emit(l, ITEM_NUMBER);
}

static enum state lex_quote(struct lexer *l)
{
	for (;;) {
		int32_t r;
		/* plain ASCII at once (no newline, quote or backslash among them) */
		while (l->pos < l->len) {
			unsigned char c = (unsigned char)l->input[l->pos];
			if (c >= 0x80 || c == '"' || c == '\\' || c == '\n')
				break;
			l->pos++;
		}
		r = next(l);
		if (r == '\\') {
			r = next(l);
			if (r != EOF_RUNE && r != '\n')
				continue;
			return errorf(l, "unterminated quoted string");
		}
		if (r == EOF_RUNE || r == '\n')
			return errorf(l, "unterminated quoted string");
		if (r == '"')
			break;
	}
	return emit(l, ITEM_STRING);
}

static enum state lex_raw_quote(struct lexer *l)
{
	for (;;) {
		int32_t r = next(l);
		if (r == EOF_RUNE)
			return errorf(l, "unterminated raw quoted string");
		if (r == '`')
			break;
	}
	return emit(l, ITEM_RAW_STRING);
}

void lex_init(struct lexer *l, const char *input, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->input = input;
	l->len = len;
	l->line = 1;
	l->start_line = 1;
	/* Helm defines no functions called break or continue */
	l->break_ok = 1;
	l->continue_ok = 1;
	arc_buf_init(&l->err);
}

void lex_release(struct lexer *l)
{
	arc_buf_release(&l->err);
}

struct item lex_next(struct lexer *l)
{
	enum state st;
	l->item.type = ITEM_EOF;
	l->item.pos = l->pos;
	l->item.val = "EOF";
	l->item.len = 3;
	l->item.line = l->start_line;
	st = l->inside_action ? S_INSIDE : S_TEXT;
	while (st != S_NONE) {
		switch (st) {
		case S_TEXT: st = lex_text(l); break;
		case S_LEFT_DELIM: st = lex_left_delim(l); break;
		case S_COMMENT: st = lex_comment(l); break;
		case S_RIGHT_DELIM: st = lex_right_delim(l); break;
		case S_INSIDE: st = lex_inside(l); break;
		case S_SPACE: st = lex_space(l); break;
		case S_IDENT: st = lex_identifier(l); break;
		case S_FIELD: st = lex_field_or_variable(l, ITEM_FIELD); break;
		case S_VARIABLE: st = lex_variable(l); break;
		case S_CHAR: st = lex_char(l); break;
		case S_NUMBER: st = lex_number(l); break;
		case S_QUOTE: st = lex_quote(l); break;
		case S_RAW: st = lex_raw_quote(l); break;
		case S_NONE: break;
		}
	}
	return l->item;
}
