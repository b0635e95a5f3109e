/*
 * exec.c - the template executor: walks a parse tree with a data value and
 * appends the output to a buffer, with Go's text/template semantics (dot and
 * variables, missingkey, field chains, lazy and/or, range over lists, maps
 * in key order and ints, break/continue, template calls) and Go's error
 * texts: "template: NAME:LINE:COL: executing \"NAME\" at <NODE>: MESSAGE".
 *
 * Values flow as `struct xval`: a reference plus whether Go would see the
 * value through an interface{} (a map entry or list element not yet passed
 * through a pipeline), which changes a few of Go's messages.  Errors are
 * returned as negative codes; break and continue unwind as ARC_E_BREAK and
 * ARC_E_CONTINUE up to their range.
 */
#include "internal.h"
#include "../value/codec.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

/* ------------------------------------------------------ the big stack */

/* Every top-level parse and execution runs on one large stack (512 MiB,
 * reserved, not committed).  The calling thread switches to it in place
 * with swapcontext() and back when the job returns: a couple of system
 * calls per job, where handing the job to a worker thread cost a futex
 * wake-up and a cross-CPU hand-off each time (~12% of a render).  Callers
 * on different threads take turns (one stack).  Pages a deep job touched
 * are given back after it.
 *
 * Builds with AddressSanitizer keep a worker thread instead: ASan's
 * swapcontext support clears the shadow of the whole target stack on each
 * switch (64 MiB of shadow here) and warns about stack switching. */

#if defined(__SANITIZE_ADDRESS__)
#define BIG_USE_THREAD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_USE_THREAD 1
#endif
#endif
#ifndef BIG_USE_THREAD
#define BIG_USE_THREAD 0
#endif

#define BIG_STACK ((size_t)512 << 20)
#define STACK_MARGIN ((size_t)1 << 20)
#define STACK_KEEP ((size_t)8 << 20) /* stack kept resident after a job */

static _Thread_local struct {
	int active;
	char *base;    /* where the job's frames start */
	char *deepest; /* lowest address a depth check saw */
	size_t size;
} bigstk;

struct big_job {
	int (*fn)(void *);
	void *arg;
	int rc;
	char *msg;
};

static pthread_mutex_t wk_callers = PTHREAD_MUTEX_INITIALIZER; /* one job at a time */
static int wk_state; /* 0 not started, 1 ready, -1 could not start */
static char *wk_stack;
static pthread_once_t wk_atfork_once = PTHREAD_ONCE_INIT;
#if BIG_USE_THREAD
static pthread_mutex_t wk_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wk_cv_job = PTHREAD_COND_INITIALIZER;
static pthread_cond_t wk_cv_done = PTHREAD_COND_INITIALIZER;
static struct big_job *wk_job;
static int wk_done;
#else
static ucontext_t wk_caller_ctx, wk_job_ctx;
static int wk_ctx_ready; /* wk_job_ctx is wk_entry waiting for its next job */
static struct big_job *wk_job; /* the job the stack runs next (under wk_callers) */
#endif

static void wk_child(void)
{
	/* a forked child starts afresh (with the thread variant it has no worker) */
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	wk_callers = m;
#if BIG_USE_THREAD
	{
		pthread_cond_t c = PTHREAD_COND_INITIALIZER;
		wk_mu = m;
		wk_cv_job = c;
		wk_cv_done = c;
		wk_done = 0;
		if (wk_stack)
			munmap(wk_stack, BIG_STACK);
		wk_stack = NULL;
		wk_state = 0;
	}
#endif
	wk_job = NULL;
#if !BIG_USE_THREAD
	wk_ctx_ready = 0; /* start the stack afresh in the child */
#endif
}

static void wk_register_atfork(void)
{
	pthread_atfork(NULL, NULL, wk_child);
}

/* give back the pages below STACK_KEEP that a deep job touched */
static void trim_stack(void)
{
	if (wk_stack && (size_t)(bigstk.base - bigstk.deepest) > STACK_KEEP) {
		long pg = sysconf(_SC_PAGESIZE);
		uintptr_t lo = ((uintptr_t)bigstk.deepest - STACK_MARGIN) & ~(uintptr_t)(pg - 1);
		uintptr_t hi = ((uintptr_t)bigstk.base - STACK_KEEP) & ~(uintptr_t)(pg - 1);
		if (lo < (uintptr_t)wk_stack + (uintptr_t)pg)
			lo = (uintptr_t)wk_stack + (uintptr_t)pg;
		if (hi > lo)
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
	}
}

static void run_job(struct big_job *j)
{
	char here;
	bigstk.active = 1;
	bigstk.base = &here;
	bigstk.deepest = &here;
	bigstk.size = BIG_STACK - ((size_t)256 << 10);
	j->rc = j->fn(j->arg);
#if BIG_USE_THREAD
	if (j->rc < 0)
		j->msg = xstrdup(arc_error_last());
	arc_error_clear(); /* the message travels in the job */
#endif
	bigstk.active = 0;
}

#if BIG_USE_THREAD
static void *wk_main(void *unused)
{
	(void)unused;
	for (;;) {
		struct big_job *j;
		pthread_mutex_lock(&wk_mu);
		while (!wk_job)
			pthread_cond_wait(&wk_cv_job, &wk_mu);
		j = wk_job;
		pthread_mutex_unlock(&wk_mu);
		run_job(j);
		trim_stack();
		pthread_mutex_lock(&wk_mu);
		wk_job = NULL;
		wk_done = 1;
		pthread_cond_signal(&wk_cv_done);
		pthread_mutex_unlock(&wk_mu);
	}
	return NULL;
}
#else
/* the entry point of the big stack: runs the jobs it is handed, switching
 * back to the caller after each (one context for all jobs: a job costs two
 * switches, each one system call for the signal mask) */
static void wk_entry(void)
{
	for (;;) {
		run_job(wk_job);
		trim_stack();
		swapcontext(&wk_job_ctx, &wk_caller_ctx);
	}
}
#endif

static int wk_start(void)
{
	void *st;
	long pg = sysconf(_SC_PAGESIZE);
	pthread_once(&wk_atfork_once, wk_register_atfork);
	st = mmap(NULL, BIG_STACK, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
		  -1, 0);
	if (st == MAP_FAILED)
		return -1;
	mprotect(st, (size_t)pg, PROT_NONE); /* guard page */
#if BIG_USE_THREAD
	{
		pthread_attr_t attr;
		pthread_t th;
		if (pthread_attr_init(&attr) != 0) {
			munmap(st, BIG_STACK);
			return -1;
		}
		if (pthread_attr_setstack(&attr, st, BIG_STACK) != 0 ||
		    pthread_create(&th, &attr, wk_main, NULL) != 0) {
			pthread_attr_destroy(&attr);
			munmap(st, BIG_STACK);
			return -1;
		}
		pthread_attr_destroy(&attr);
		pthread_detach(th);
	}
#endif
	wk_stack = st;
	return 0;
}

int tpl_run_big(int (*fn)(void *), void *arg)
{
	struct big_job j;
	if (bigstk.active)
		return fn(arg);
	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	pthread_mutex_lock(&wk_callers);
	if (wk_state == 0)
		wk_state = wk_start() == 0 ? 1 : -1;
	if (wk_state < 0) {
		/* no big stack: run here, assuming a common 8 MiB stack */
		char here;
		pthread_mutex_unlock(&wk_callers);
		bigstk.active = 1;
		bigstk.base = &here;
		bigstk.deepest = &here;
		bigstk.size = (size_t)6 << 20;
		j.rc = fn(arg);
		bigstk.active = 0;
		return j.rc;
	}
#if BIG_USE_THREAD
	pthread_mutex_lock(&wk_mu);
	wk_done = 0;
	wk_job = &j;
	pthread_cond_signal(&wk_cv_job);
	while (!wk_done)
		pthread_cond_wait(&wk_cv_done, &wk_mu);
	pthread_mutex_unlock(&wk_mu);
	pthread_mutex_unlock(&wk_callers);
	if (j.rc < 0) {
		arc_error_code(j.rc, "%s", j.msg ? j.msg : "");
		free(j.msg);
	}
#else
	if (!wk_ctx_ready) {
		if (getcontext(&wk_job_ctx) != 0) {
			pthread_mutex_unlock(&wk_callers);
			return arc_error_code(ARC_E_FAIL, "cannot switch to the template stack");
		}
		wk_job_ctx.uc_stack.ss_sp = wk_stack;
		wk_job_ctx.uc_stack.ss_size = BIG_STACK;
		wk_job_ctx.uc_link = NULL; /* wk_entry never returns */
		makecontext(&wk_job_ctx, wk_entry, 0);
		wk_ctx_ready = 1;
	}
	wk_job = &j;
	if (swapcontext(&wk_caller_ctx, &wk_job_ctx) != 0)
		j.rc = arc_error_code(ARC_E_FAIL, "cannot switch to the template stack");
	wk_job = NULL;
	pthread_mutex_unlock(&wk_callers);
#endif
	return j.rc;
}

int tpl_stack_low(void)
{
	char here;
	size_t used;
	if (!bigstk.active)
		return 0;
	if (&here < bigstk.deepest)
		bigstk.deepest = &here;
	used = (size_t)(bigstk.base > &here ? bigstk.base - &here : &here - bigstk.base);
	return used + STACK_MARGIN > bigstk.size;
}

/* --------------------------------------------------- complex numbers */

static void complex_format(arc_value *self, struct arc_buf *b)
{
	double *c = self->u.o.data;
	arc_buf_putc(b, '(');
	arc_fmt_float(b, c[0], 'g', -1);
	if (!signbit(c[1]) || isnan(c[1]))
		arc_buf_putc(b, '+');
	arc_fmt_float(b, c[1], 'g', -1);
	arc_buf_puts(b, "i)");
}

static int complex_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			  arc_value **out)
{
	return ARC_E_NOTFOUND;
}

static const struct arc_vclass complex_class = { "complex128", complex_lookup, complex_format, free };

arc_value *tpl_complex_new(double re, double im)
{
	double *c = xmalloc(2 * sizeof(double));
	c[0] = re;
	c[1] = im;
	return arc_v_object(&complex_class, c);
}

int tpl_complex_get(const arc_value *v, double *re, double *im)
{
	const double *c;
	if (v->kind != ARC_OBJECT || v->u.o.cls != &complex_class)
		return 0;
	c = v->u.o.data;
	*re = c[0];
	*im = c[1];
	return 1;
}

arc_value *tpl_container(arc_value *v)
{
	arc_value *c = NULL;
	if (v->kind != ARC_OBJECT || !v->u.o.cls || !v->u.o.cls->lookup)
		return NULL;
	if (v->u.o.cls->lookup(v, "", 0, NULL, 0, &c) != 0) {
		arc_error_clear();
		return NULL;
	}
	if (c && (c->kind == ARC_MAP || c->kind == ARC_LIST))
		return c;
	arc_v_unref(c);
	return NULL;
}

/* ------------------------------------------------------------ state */

struct xval {
	arc_value *v; /* owned */
	int iface;    /* seen through interface{} */
};

struct var {
	const char *name;
	size_t len;
	struct xval x;
};

struct inc_slot {
	char *name;
	int count;
};

/* shared by an execution and every include/tpl it makes */
struct exec_root {
	struct var *vars;
	size_t nvars, capvars;
	struct inc_slot *inc; /* Helm's includedNames */
	size_t ninc, capinc;
	struct arc_buf *top_out; /* the execution's own output */
	int top_total;           /* bounded by what is left of the set's total, not by max_output */
};

struct arc_tpl_exec {
	struct arc_tpl_set *set;
	struct exec_root *root;
	struct ident tname;    /* template being executed */
	struct arc_buf *out;
	size_t out_start;
	size_t out_budget;     /* bytes this execution may write (for the message) */
	struct node *node;     /* current node, for errors */
	size_t base;           /* first variable of this template */
	int depth;
};

static arc_value nil_iface = { 0, ARC_NULL, 0, ARC_VF_NILIFACE, { 0 } };
static arc_value const_true = { 0, ARC_BOOL, 0, ARC_VF_CONST, { .b = 1 } };
static arc_value const_false = { 0, ARC_BOOL, 0, ARC_VF_CONST, { .b = 0 } };

static struct xval xv(arc_value *take, int iface)
{
	struct xval x;
	x.v = take;
	x.iface = iface;
	return x;
}

static struct xval xnull(void)
{
	return xv(arc_v_null(), 0);
}

static struct xval xref(const struct xval *x)
{
	return xv(arc_v_ref(x->v), x->iface);
}

static void xdrop(struct xval *x)
{
	arc_v_unref(x->v);
	x->v = NULL;
}

/* the value a function receives for x */
static arc_value *xarg(const struct xval *x)
{
	if (x->iface && x->v->kind == ARC_NULL)
		return &nil_iface;
	return x->v;
}

static const char *xtype(const struct xval *x)
{
	return x->iface ? "interface {}" : arc_v_gotype_name(x->v);
}

/* ---- errors ---- */

static void location(struct arc_buf *b, struct node *n)
{
	struct tree *t = n->tr;
	size_t pos = n->pos <= t->text_len ? n->pos : t->text_len;
	size_t i, line = 1, last = (size_t)-1;
	for (i = 0; i < pos; i++) {
		if (t->text[i] == '\n') {
			line++;
			last = i;
		}
	}
	arc_buf_add(b, t->parse_name.s, t->parse_name.len);
	arc_buf_printf(b, ":%zu:%zu", line, last == (size_t)-1 ? pos : pos - last - 1);
}

static int xerr_msg(struct arc_tpl_exec *s, const char *msg, size_t mlen)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_puts(&b, "template: ");
	if (s->node) {
		location(&b, s->node);
		arc_buf_puts(&b, ": executing \"");
		arc_buf_add(&b, s->tname.s, s->tname.len);
		arc_buf_puts(&b, "\" at <");
		arc_tpl_node_string(&b, s->node);
		arc_buf_puts(&b, ">: ");
	} else {
		arc_buf_add(&b, s->tname.s, s->tname.len);
		arc_buf_puts(&b, ": ");
	}
	arc_buf_add(&b, msg, mlen);
	arc_error_code(ARC_E_EXEC, "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return ARC_E_EXEC;
}

static int xerr(struct arc_tpl_exec *s, const char *fmt, ...) ARC_PRINTF(2, 3);
static int xerr(struct arc_tpl_exec *s, const char *fmt, ...)
{
	struct arc_buf m = ARC_BUF_INIT;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	arc_buf_vprintf(&m, fmt, ap);
	va_end(ap);
	rc = xerr_msg(s, m.ptr ? m.ptr : "", m.len);
	arc_buf_release(&m);
	return rc;
}

/* a message with a Go %v of a value in it: prefix + %v(v) + suffix */
static int xerr_v(struct arc_tpl_exec *s, const char *prefix, arc_value *v, const char *suffix)
{
	struct arc_buf m = ARC_BUF_INIT;
	int rc;
	arc_buf_puts(&m, prefix);
	arc_fmt_v(&m, v);
	arc_buf_puts(&m, suffix);
	rc = xerr_msg(s, m.ptr, m.len);
	arc_buf_release(&m);
	return rc;
}

static int xerr_node(struct arc_tpl_exec *s, const char *prefix, struct node *n, const char *suffix)
{
	struct arc_buf m = ARC_BUF_INIT;
	int rc;
	arc_buf_puts(&m, prefix);
	arc_tpl_node_string(&m, n);
	arc_buf_puts(&m, suffix);
	rc = xerr_msg(s, m.ptr, m.len);
	arc_buf_release(&m);
	return rc;
}

static int xerr_quoted(struct arc_tpl_exec *s, const char *prefix, const char *str, size_t n,
		       const char *suffix)
{
	struct arc_buf m = ARC_BUF_INIT;
	int rc;
	arc_buf_puts(&m, prefix);
	arc_fmt_quote(&m, str, n);
	arc_buf_puts(&m, suffix);
	rc = xerr_msg(s, m.ptr, m.len);
	arc_buf_release(&m);
	return rc;
}

/* The output budget: exec_bound() bounds the output buffer (arc_buf.max),
 * so that printing a huge value stops where the budget ends; a buffer that
 * went over fails the execution. */
static int check_output(struct arc_tpl_exec *s)
{
	if (!s->out->over)
		return 0;
	if (s->out == s->root->top_out && s->root->top_total)
		return xerr(s, "output of all templates exceeds the maximum size (%zu bytes)", ARC_TPL_MAX_OUTPUT);
	return xerr(s, "output exceeds the maximum size (%zu bytes)", s->out_budget);
}

struct out_bound {
	size_t max;
	int over;
};

/* let OUT grow by at most BUDGET more bytes (less if it is bounded already) */
static struct out_bound exec_bound(struct arc_buf *out, size_t budget)
{
	struct out_bound old;
	old.max = out->max;
	old.over = out->over;
	if (budget == 0)
		budget = 1; /* max 0 would mean unbounded */
	if (!out->max || out->max > out->len + budget)
		out->max = out->len + budget;
	out->over = 0;
	return old;
}

static void exec_unbound(struct arc_buf *out, struct out_bound old)
{
	out->max = old.max;
	out->over |= old.over;
}

/* ---- variables ---- */

static void push_var(struct arc_tpl_exec *s, const char *name, size_t len, struct xval take)
{
	struct exec_root *r = s->root;
	if (r->nvars == r->capvars) {
		r->capvars = r->capvars ? r->capvars * 2 : 32;
		r->vars = xrealloc(r->vars, r->capvars * sizeof(*r->vars));
	}
	r->vars[r->nvars].name = name;
	r->vars[r->nvars].len = len;
	r->vars[r->nvars].x = take;
	r->nvars++;
}

static size_t mark(struct arc_tpl_exec *s)
{
	return s->root->nvars;
}

static void pop(struct arc_tpl_exec *s, size_t m)
{
	struct exec_root *r = s->root;
	while (r->nvars > m) {
		r->nvars--;
		xdrop(&r->vars[r->nvars].x);
	}
}

static struct var *find_var(struct arc_tpl_exec *s, const char *name, size_t len)
{
	struct exec_root *r = s->root;
	size_t i = r->nvars;
	while (i > s->base) {
		i--;
		if (r->vars[i].len == len && memcmp(r->vars[i].name, name, len) == 0)
			return &r->vars[i];
	}
	return NULL;
}

static int set_var(struct arc_tpl_exec *s, const struct ident *name, struct xval take)
{
	struct var *v = find_var(s, name->s, name->len);
	if (!v) {
		xdrop(&take);
		return xerr(s, "undefined variable: %.*s", (int)name->len, name->s);
	}
	xdrop(&v->x);
	v->x = take;
	return 0;
}

static void set_top_var(struct arc_tpl_exec *s, size_t n, struct xval take)
{
	struct var *v = &s->root->vars[s->root->nvars - n];
	xdrop(&v->x);
	v->x = take;
}

/* ---- truth ---- */

int tpl_truth(arc_value *v)
{
	double re, im;
	arc_value *c;
	if (tpl_complex_get(v, &re, &im))
		return re != 0 || im != 0;
	if ((c = arc_v_underlying(v)) != NULL) {
		/* a named map, slice or integer type: by its content (Month(0) is false) */
		int t = arc_v_truthy(c);
		arc_v_unref(c);
		return t;
	}
	return arc_v_truthy(v);
}

/* ------------------------------------------------------------ eval */

static int eval_pipeline(struct arc_tpl_exec *s, const struct xval *dot, struct node_pipe *pipe,
			 struct xval *out);
static int eval_arg(struct arc_tpl_exec *s, const struct xval *dot, struct node *n, struct xval *out);
static int walk(struct arc_tpl_exec *s, const struct xval *dot, struct node *n);

/* a fresh, unmarked copy of a literal for use as a command's value */
static arc_value *literal_value(arc_value *v)
{
	switch (v->kind) {
	case ARC_INT:
		return arc_v_int_typed(v->u.i, v->gotype);
	case ARC_FLOAT:
		return arc_v_float(v->u.f);
	case ARC_STRING:
		return arc_v_strn(v->u.s.ptr, v->u.s.len);
	case ARC_NULL:
		return arc_v_null();
	case ARC_BOOL:
		return arc_v_bool(v->u.b);
	default:
		return arc_v_ref(v); /* complex objects carry no meaning in the mark */
	}
}

static int not_a_function(struct arc_tpl_exec *s, struct node **args, size_t nargs, const struct xval *final)
{
	if (nargs > 1 || final)
		return xerr_node(s, "can't give argument to non-function ", args[0], "");
	return 0;
}

static int literal_mismatch(const char *what, const arc_value *v)
{
	if (strncmp(what, "integer;", 8) == 0 || strncmp(what, "unsigned integer;", 17) == 0)
		return v->kind != ARC_INT;
	if (strncmp(what, "string;", 7) == 0)
		return v->kind != ARC_STRING;
	if (strncmp(what, "bool;", 5) == 0)
		return v->kind != ARC_BOOL;
	if (strncmp(what, "float;", 6) == 0)
		return v->kind != ARC_INT && v->kind != ARC_FLOAT;
	return 1;
}

/* Go checks arguments in order: the first one an argument error fits */
static int guess_culprit(const char *m, arc_value **argv, size_t nargv)
{
	size_t i;
	for (i = 0; i < nargv; i++) {
		arc_value *v = argv[i];
		int lit = (v->flags & ARC_VF_CONST) != 0;
		if (strncmp(m, "wrong type for value; expected ", 31) == 0) {
			const char *got = strstr(m, "; got ");
			const char *t = (v->flags & ARC_VF_NILIFACE) ? "interface {}" : arc_v_gotype_name(v);
			if (got && !lit && strcmp(t, got + 6) == 0)
				return (int)i;
		} else if (strncmp(m, "invalid value; expected ", 24) == 0) {
			if (!lit && v->kind == ARC_NULL)
				return (int)i;
		} else if (strncmp(m, "cannot assign nil to ", 21) == 0) {
			if (lit && v->kind == ARC_NULL)
				return (int)i;
		} else if (strncmp(m, "expected ", 9) == 0 && strstr(m, "; found ")) {
			if (lit && v->kind != ARC_NULL && literal_mismatch(m + 9, v))
				return (int)i;
		} else if (strncmp(m, "can't handle ", 13) == 0) {
			if (lit)
				return (int)i;
		} else {
			return -1;
		}
	}
	return -1;
}

static void set_msg(struct arc_buf *msg, struct arc_buf *b)
{
	arc_buf_reset(msg);
	arc_buf_add(msg, b->ptr ? b->ptr : "", b->len);
	arc_buf_release(b);
}

/* Which argument an ARC_E_EXEC argument error is about (known: the function
 * said so through bad_arg, else -1), with the message made Go's: a nil
 * interface{} is a wrong type, literals are named as written. */
static int culprit(struct arc_buf *msg, int known, arc_value **argv, size_t nargv, struct node **argnodes,
		   size_t nexplicit)
{
	const char *m = arc_buf_cstr(msg);
	int who = known >= 0 ? known : guess_culprit(m, argv, nargv);
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *v;
	if (who < 0 || (size_t)who >= nargv)
		return -1;
	v = argv[who];
	if (strncmp(m, "invalid value; expected ", 24) == 0 && (v->flags & ARC_VF_NILIFACE)) {
		arc_buf_printf(&b, "wrong type for value; expected %s; got interface {}", m + 24);
		set_msg(msg, &b);
	} else if (strcmp(m, "cannot assign nil to integer") == 0) {
		arc_buf_puts(&b, "cannot assign nil to int");
		set_msg(msg, &b);
	} else if (strcmp(m, "cannot assign nil to float") == 0) {
		arc_buf_puts(&b, "cannot assign nil to float64");
		set_msg(msg, &b);
	} else if (strncmp(m, "expected ", 9) == 0 && strstr(m, "; found ") && (v->flags & ARC_VF_CONST) &&
		   (size_t)who < nexplicit && argnodes && argnodes[who]) {
		/* Go names the literal as written */
		const char *semi = strstr(m, "; found ");
		arc_buf_add(&b, m, (size_t)(semi - m) + 8);
		arc_tpl_node_string(&b, argnodes[who]);
		set_msg(msg, &b);
	}
	return who;
}

static int is_builtin(const struct arc_tpl_func *fn, const char *name)
{
	return fn && fn->name[0] == name[0] && strcmp(fn->name, name) == 0;
}

/* the size budgets (func.h) on what a function returned: 1 with the
 * message set when res is over one */
static int result_too_big(const arc_value *res)
{
	switch (res->kind) {
	case ARC_STRING:
		return res->u.s.len > ARC_TPL_MAX_VALUE && arc_tpl_err_too_large();
	case ARC_LIST:
		return res->u.l.len > ARC_TPL_MAX_ITEMS && arc_tpl_err_too_many();
	case ARC_MAP:
		return res->u.m.len > ARC_TPL_MAX_ITEMS && arc_tpl_err_too_many();
	default:
		return 0;
	}
}

/* Go's evalCall for a template function.  args[0] is the function's own
 * node (or args is NULL); final is the previous command's value or NULL. */
static int eval_call(struct arc_tpl_exec *s, const struct xval *dot, const struct arc_tpl_func *fn,
		     const struct ident *name, struct node *node, struct node **args, size_t nargs,
		     const struct xval *final, struct xval *out)
{
	size_t nexp = args && nargs ? nargs - 1 : 0, numin, i, nv = 0;
	struct node **argn = args && nargs ? args + 1 : NULL;
	struct xval *xs = NULL, small_x[8];
	arc_value **argv = NULL, *small_v[9];
	struct node **after = NULL, *small_n[8];
	struct node *after_all;
	struct arc_tpl_call call;
	arc_value *res = NULL;
	int rc = 0, is_call;

	numin = nexp + (final ? 1 : 0);
	if (numin < (size_t)fn->min && (fn->max < 0 || fn->min != fn->max))
		return xerr(s, "wrong number of args for %.*s: want at least %d got %zu", (int)name->len,
			    name->s, fn->min, nexp);
	if (fn->max >= 0 && (numin > (size_t)fn->max || numin < (size_t)fn->min))
		return xerr(s, "wrong number of args for %.*s: want %d got %zu", (int)name->len, name->s,
			    numin > (size_t)fn->max ? fn->max : fn->min, numin);

	/* and/or: evaluate lazily, return the deciding operand */
	if (is_builtin(fn, "and") || is_builtin(fn, "or")) {
		int want = is_builtin(fn, "or");
		struct xval v = xnull();
		for (i = 0; i < nexp; i++) {
			xdrop(&v);
			rc = eval_arg(s, dot, argn[i], &v);
			if (rc)
				return rc;
			if (tpl_truth(v.v) == want)
				break;
		}
		if (i == nexp && final) {
			xdrop(&v);
			v = xref(final);
		}
		if (v.v->flags & ARC_VF_CONST) {
			arc_value *lit = literal_value(v.v);
			xdrop(&v);
			v.v = lit;
		}
		v.iface = 0;
		*out = v;
		return 0;
	}

	is_call = is_builtin(fn, "call");
	if (numin + 1 > 8) {
		xs = xcalloc(numin + 1, sizeof(*xs));
		argv = xcalloc(numin + 2, sizeof(*argv));
		after = xcalloc(numin + 1, sizeof(*after));
	} else {
		xs = small_x;
		argv = small_v;
		after = small_n;
	}
	for (i = 0; i < nexp; i++) {
		rc = eval_arg(s, dot, argn[i], &xs[nv]);
		if (rc)
			goto out;
		after[nv] = s->node;
		nv++;
	}
	if (final) {
		xs[nv] = xref(final);
		after[nv] = NULL;
		nv++;
	}
	after_all = s->node;
	{
		size_t k = 0;
		arc_value *callee = NULL;
		if (is_call) {
			/* Go's call gets the callee's name first */
			struct arc_buf b = ARC_BUF_INIT;
			if (nexp > 0)
				arc_tpl_node_string(&b, argn[0]);
			else if (final && final->v->kind == ARC_STRING)
				arc_buf_add(&b, final->v->u.s.ptr, final->v->u.s.len);
			callee = arc_v_str_buf(&b);
			argv[k++] = callee;
		}
		for (i = 0; i < nv; i++)
			argv[k++] = xarg(&xs[i]);
		call.ex = s;
		call.name = name->s;
		call.nargs = (int)k;
		call.args = argv;
		call.bad_arg = -1;
		rc = fn->fn(&call, &res);
		arc_v_unref(callee);
		if (rc < 0) {
			struct arc_buf msg = ARC_BUF_INIT;
			arc_buf_puts(&msg, arc_error_last());
			res = NULL;
			if (rc == ARC_E_EXEC) {
				int known = call.bad_arg >= 0 ? call.bad_arg - (is_call ? 1 : 0) : -1;
				int who = culprit(&msg, known, argv + (is_call ? 1 : 0), nv, argn, nexp);
				if (who >= 0 && (size_t)who < nexp)
					s->node = after[who];
				else if (who >= 0)
					s->node = after_all;
				else
					s->node = node;
				rc = xerr_msg(s, msg.ptr ? msg.ptr : "", msg.len);
			} else {
				s->node = node;
				rc = xerr(s, "error calling %.*s: %s", (int)name->len, name->s,
					  arc_buf_cstr(&msg));
			}
			arc_buf_release(&msg);
			goto out;
		}
	}
	if (!res)
		res = arc_v_null();
	if (result_too_big(res)) {
		struct arc_buf msg = ARC_BUF_INIT;
		arc_buf_puts(&msg, arc_error_last());
		arc_v_unref(res);
		res = NULL;
		s->node = node;
		rc = xerr(s, "error calling %.*s: %s", (int)name->len, name->s, arc_buf_cstr(&msg));
		arc_buf_release(&msg);
		goto out;
	}
	if (res->flags & ARC_VF_CONST) {
		arc_value *c = literal_value(res);
		arc_v_unref(res);
		res = c;
	}
	*out = xv(res, 0);
out:
	for (i = 0; i < nv; i++)
		xdrop(&xs[i]);
	if (xs != small_x) {
		free(xs);
		free(argv);
		free(after);
	}
	return rc;
}

static int eval_function(struct arc_tpl_exec *s, const struct xval *dot, struct node_identifier *id,
			 struct node *cmd, struct node **args, size_t nargs, const struct xval *final,
			 struct xval *out)
{
	const struct arc_tpl_func *fn;
	s->node = &id->n;
	fn = id->fn ? id->fn : arc_tpl_func_find(id->name.s);
	if (!fn)
		return xerr_quoted(s, "", id->name.s, id->name.len, " is not a defined function");
	return eval_call(s, dot, fn, &id->name, cmd, args, nargs, final, out);
}

/* a method or field of an object (ARC_OBJECT) */
static int eval_object(struct arc_tpl_exec *s, const struct xval *dot, const struct ident *name,
		       struct node *node,
		       struct node **args, size_t nargs, const struct xval *final, const struct xval *recv,
		       const char *typ, struct xval *out)
{
	const struct arc_vclass *cls = recv->v->u.o.cls;
	struct node *before = s->node; /* Go reports a missing field where it was */
	size_t nexp = nargs > 1 ? nargs - 1 : 0, nv = 0, i;
	struct xval *xs;
	arc_value **argv, *res = NULL;
	struct node **after;
	struct node *after_all;
	char *cname;
	int rc = 0;
	if (!cls->lookup)
		return xerr(s, "can't evaluate field %.*s in type %s", (int)name->len, name->s, typ);
	xs = xcalloc(nexp + 2, sizeof(*xs));
	argv = xcalloc(nexp + 2, sizeof(*argv));
	after = xcalloc(nexp + 2, sizeof(*after));
	for (i = 0; i < nexp; i++) {
		rc = eval_arg(s, dot, args[i + 1], &xs[nv]);
		if (rc)
			goto out;
		after[nv] = s->node;
		nv++;
	}
	if (final) {
		xs[nv] = xref(final);
		nv++;
	}
	after_all = s->node;
	for (i = 0; i < nv; i++)
		argv[i] = xarg(&xs[i]);
	cname = xstrndup(name->s, name->len);
	rc = cls->lookup(recv->v, cname, nv > 0, nv ? argv : NULL, (int)nv, &res);
	free(cname);
	if (rc == ARC_E_NOTFOUND) {
		s->node = before;
		rc = xerr(s, "can't evaluate field %.*s in type %s", (int)name->len, name->s, typ);
	} else if (rc == ARC_E_EXEC) {
		struct arc_buf msg = ARC_BUF_INIT;
		int who;
		arc_buf_puts(&msg, arc_error_last());
		who = culprit(&msg, -1, argv, nv, args ? args + 1 : NULL, nexp);
		s->node = who >= 0 && (size_t)who < nexp ? after[who] : who >= 0 ? after_all : node;
		rc = xerr_msg(s, msg.ptr ? msg.ptr : "", msg.len);
		arc_buf_release(&msg);
	} else if (rc < 0) {
		struct arc_buf msg = ARC_BUF_INIT;
		arc_buf_puts(&msg, arc_error_last());
		s->node = node;
		rc = xerr(s, "error calling %.*s: %s", (int)name->len, name->s, arc_buf_cstr(&msg));
		arc_buf_release(&msg);
	} else {
		if (!res)
			res = arc_v_null();
		/* a nil result behaves like a nil interface{} in a further field access */
		*out = xv(res, res->kind == ARC_NULL);
	}
out:
	for (i = 0; i < nv; i++)
		xdrop(&xs[i]);
	free(xs);
	free(argv);
	free(after);
	return rc;
}

/* Go's evalField: .name on receiver (args includes the field node itself at [0]) */
static int eval_field(struct arc_tpl_exec *s, const struct xval *dot, const struct ident *name,
		      struct node *node,
		      struct node **args, size_t nargs, const struct xval *final, const struct xval *recv,
		      struct xval *out)
{
	const char *typ;
	int has_args = nargs > 1 || final;
	arc_value *r = recv->v;
	if (r->kind == ARC_NULL && !recv->iface) {
		if (s->set->opt.missingkey_error)
			return xerr_quoted(s, "nil data; no entry for key ", name->s, name->len, "");
		*out = xnull();
		return 0;
	}
	typ = xtype(recv);
	if (r->kind == ARC_NULL)
		return xerr(s, "nil pointer evaluating %s.%.*s", typ, (int)name->len, name->s);
	switch (r->kind) {
	case ARC_OBJECT:
		return eval_object(s, dot, name, node, args, nargs, final, recv, typ, out);
	case ARC_MAP: {
		arc_value *v;
		if (has_args)
			return xerr(s, "%.*s is not a method but has arguments", (int)name->len, name->s);
		v = arc_v_map_getn(r, name->s, name->len);
		if (!v) {
			if (s->set->opt.missingkey_error)
				return xerr_quoted(s, "map has no entry for key ", name->s, name->len, "");
			if (r->gotype == ARC_GO_MAPSTR)
				*out = xv(arc_v_str(""), 0);
			else
				*out = xv(arc_v_null(), 1);
			return 0;
		}
		*out = xv(arc_v_ref(v), r->gotype != ARC_GO_MAPSTR);
		return 0;
	}
	default:
		return xerr(s, "can't evaluate field %.*s in type %s", (int)name->len, name->s, typ);
	}
}

static int eval_field_chain(struct arc_tpl_exec *s, const struct xval *dot, const struct xval *recv,
			    struct node *node, struct ident *idents, size_t n, struct node **args,
			    size_t nargs, const struct xval *final, struct xval *out)
{
	struct xval cur = xref(recv), nx;
	size_t i;
	int rc;
	for (i = 0; i + 1 < n; i++) {
		rc = eval_field(s, dot, &idents[i], node, NULL, 0, NULL, &cur, &nx);
		xdrop(&cur);
		if (rc)
			return rc;
		cur = nx;
	}
	rc = eval_field(s, dot, &idents[n - 1], node, args, nargs, final, &cur, out);
	xdrop(&cur);
	return rc;
}

static int eval_field_node(struct arc_tpl_exec *s, const struct xval *dot, struct node_field *f,
			   struct node **args,
			   size_t nargs, const struct xval *final, struct xval *out)
{
	s->node = &f->n;
	return eval_field_chain(s, dot, dot, &f->n, f->idents, f->nident, args, nargs, final, out);
}

static int eval_chain_node(struct arc_tpl_exec *s, const struct xval *dot, struct node_chain *c,
			   struct node **args,
			   size_t nargs, const struct xval *final, struct xval *out)
{
	struct xval recv;
	int rc;
	s->node = &c->n;
	if (c->node->type == NODE_NIL)
		return xerr_node(s, "indirection through explicit nil in ", &c->n, "");
	rc = eval_arg(s, dot, c->node, &recv);
	if (rc)
		return rc;
	rc = eval_field_chain(s, dot, &recv, &c->n, c->fields, c->nfield, args, nargs, final, out);
	xdrop(&recv);
	return rc;
}

static int eval_variable_node(struct arc_tpl_exec *s, const struct xval *dot, struct node_variable *v,
			      struct node **args, size_t nargs, const struct xval *final, struct xval *out)
{
	struct var *var;
	int rc;
	s->node = &v->n;
	var = find_var(s, v->idents[0].s, v->idents[0].len);
	if (!var)
		return xerr(s, "undefined variable: %.*s", (int)v->idents[0].len, v->idents[0].s);
	if (v->nident == 1) {
		if (args && (rc = not_a_function(s, args, nargs, final)) != 0)
			return rc;
		*out = xref(&var->x);
		return 0;
	}
	{
		struct xval recv = xref(&var->x);
		rc = eval_field_chain(s, dot, &recv, &v->n, v->idents + 1, v->nident - 1, args, nargs, final,
				      out);
		xdrop(&recv);
	}
	return rc;
}

/* Go's evalArg with an interface{} or reflect.Value parameter: literals are
 * handed over marked ARC_VF_CONST so typed functions can apply Go's rules */
static int eval_arg(struct arc_tpl_exec *s, const struct xval *dot, struct node *n, struct xval *out)
{
	s->node = n;
	switch (n->type) {
	case NODE_DOT:
		*out = xref(dot);
		return 0;
	case NODE_NIL:
		*out = xv(arc_v_null_const(), 0);
		return 0;
	case NODE_FIELD: {
		struct node *self[1];
		self[0] = n;
		return eval_field_node(s, dot, (struct node_field *)n, self, 1, NULL, out);
	}
	case NODE_VARIABLE:
		return eval_variable_node(s, dot, (struct node_variable *)n, NULL, 0, NULL, out);
	case NODE_PIPE:
		return eval_pipeline(s, dot, (struct node_pipe *)n, out);
	case NODE_IDENTIFIER:
		return eval_function(s, dot, (struct node_identifier *)n, n, NULL, 0, NULL, out);
	case NODE_CHAIN:
		return eval_chain_node(s, dot, (struct node_chain *)n, NULL, 0, NULL, out);
	case NODE_BOOL:
		*out = xv(((struct node_bool *)n)->val ? &const_true : &const_false, 0);
		return 0;
	case NODE_NUMBER: {
		struct node_number *num = (struct node_number *)n;
		if (!num->val)
			return xerr(s, "%.*s overflows int", (int)num->len, num->text);
		*out = xv(arc_v_ref(num->val), 0);
		return 0;
	}
	case NODE_STRING:
		*out = xv(arc_v_ref(((struct node_string *)n)->val), 0);
		return 0;
	}
	return xerr_node(s, "can't handle ", n, " for arg");
}

static int eval_command(struct arc_tpl_exec *s, const struct xval *dot, struct node_command *cmd,
			const struct xval *final, struct xval *out)
{
	struct node *first = cmd->args[0];
	int rc;
	switch (first->type) {
	case NODE_FIELD:
		return eval_field_node(s, dot, (struct node_field *)first, cmd->args, cmd->len, final, out);
	case NODE_CHAIN:
		return eval_chain_node(s, dot, (struct node_chain *)first, cmd->args, cmd->len, final, out);
	case NODE_IDENTIFIER:
		return eval_function(s, dot, (struct node_identifier *)first, &cmd->n, cmd->args, cmd->len,
				     final,
				     out);
	case NODE_PIPE:
		if ((rc = not_a_function(s, cmd->args, cmd->len, final)) != 0)
			return rc;
		return eval_pipeline(s, dot, (struct node_pipe *)first, out);
	case NODE_VARIABLE:
		return eval_variable_node(s, dot, (struct node_variable *)first, cmd->args, cmd->len, final,
					  out);
	}
	s->node = first;
	if ((rc = not_a_function(s, cmd->args, cmd->len, final)) != 0)
		return rc;
	switch (first->type) {
	case NODE_BOOL:
		*out = xv(arc_v_bool(((struct node_bool *)first)->val), 0);
		return 0;
	case NODE_DOT:
		*out = xref(dot);
		return 0;
	case NODE_NIL:
		return xerr(s, "nil is not a command");
	case NODE_NUMBER: {
		struct node_number *num = (struct node_number *)first;
		if (!num->val)
			return xerr(s, "%.*s overflows int", (int)num->len, num->text);
		*out = xv(literal_value(num->val), 0);
		return 0;
	}
	case NODE_STRING:
		*out = xv(literal_value(((struct node_string *)first)->val), 0);
		return 0;
	}
	return xerr_node(s, "can't evaluate command ", first, "");
}

static int eval_pipeline(struct arc_tpl_exec *s, const struct xval *dot, struct node_pipe *pipe,
			 struct xval *out)
{
	struct xval val, nx;
	size_t i;
	int have = 0, rc;
	if (!pipe) {
		*out = xnull();
		return 0;
	}
	s->node = &pipe->n;
	if (tpl_stack_low())
		return xerr(s, "exceeded maximum template depth (%d)", TPL_MAX_EXEC_DEPTH);
	val = xnull();
	for (i = 0; i < pipe->ncmd; i++) {
		rc = eval_command(s, dot, pipe->cmds[i], have ? &val : NULL, &nx);
		if (rc) {
			xdrop(&val);
			return rc;
		}
		xdrop(&val);
		val = nx;
		val.iface = 0; /* Go digs the value out of its interface{} */
		have = 1;
	}
	for (i = 0; i < pipe->ndecl; i++) {
		struct ident *name = &pipe->decl[i]->idents[0];
		if (pipe->is_assign) {
			rc = set_var(s, name, xref(&val));
			if (rc) {
				xdrop(&val);
				return rc;
			}
		} else {
			push_var(s, name->s, name->len, xref(&val));
		}
	}
	*out = val;
	return 0;
}

/* ------------------------------------------------------------ walk */

static int print_value(struct arc_tpl_exec *s, struct node *n, const struct xval *v)
{
	s->node = n;
	switch (v->v->kind) {
	case ARC_NULL:
		arc_buf_add(s->out, "<no value>", 10);
		break;
	case ARC_STRING:
		if (v->v->gotype != ARC_GO_BYTES) {
			arc_buf_add(s->out, v->v->u.s.ptr, v->v->u.s.len);
			break;
		}
		arc_fmt_v(s->out, v->v);
		break;
	case ARC_INT:
		if (v->v->gotype == ARC_GO_DEFAULT || v->v->gotype == ARC_GO_INT64) {
			arc_buf_printf(s->out, "%lld", (long long)v->v->u.i);
			break;
		}
		arc_fmt_v(s->out, v->v);
		break;
	default:
		arc_fmt_v(s->out, v->v);
	}
	return check_output(s);
}

static int walk_if_with(struct arc_tpl_exec *s, int type, const struct xval *dot, struct node_branch *br)
{
	size_t m = mark(s);
	struct xval val;
	int rc = eval_pipeline(s, dot, br->pipe, &val);
	if (rc) {
		pop(s, m);
		return rc;
	}
	if (tpl_truth(val.v)) {
		if (type == NODE_WITH)
			rc = walk(s, &val, &br->list->n);
		else
			rc = walk(s, dot, &br->list->n);
	} else if (br->else_list) {
		rc = walk(s, dot, &br->else_list->n);
	}
	xdrop(&val);
	pop(s, m);
	return rc;
}

/* one pass of a range body; index may be NULL (ranges over ints) */
static int range_once(struct arc_tpl_exec *s, struct node_branch *r, size_t m, struct xval *index,
		      struct xval *elem)
{
	struct node_pipe *p = r->pipe;
	int rc = 0;
	if (p->ndecl > 0) {
		if (p->is_assign) {
			if (p->ndecl > 1)
				rc = set_var(s, &p->decl[0]->idents[0], index ? xref(index) : xnull());
			else
				rc = set_var(s, &p->decl[0]->idents[0], xref(elem));
		} else {
			set_top_var(s, 1, xref(elem));
		}
	}
	if (!rc && p->ndecl > 1) {
		if (p->is_assign)
			rc = set_var(s, &p->decl[1]->idents[0], xref(elem));
		else
			set_top_var(s, 2, index ? xref(index) : xnull());
	}
	if (!rc)
		rc = walk(s, elem, &r->list->n);
	pop(s, m);
	if (rc == ARC_E_CONTINUE)
		rc = 0;
	return rc;
}

static int walk_range(struct arc_tpl_exec *s, const struct xval *dot, struct node_branch *r)
{
	size_t m0 = mark(s), m, i;
	struct xval val, idx, el;
	int rc, ran = 0;
	arc_value *v;
	s->node = &r->n;
	rc = eval_pipeline(s, dot, r->pipe, &val);
	if (rc) {
		pop(s, m0);
		return rc;
	}
	m = mark(s);
	v = val.v;
	if (v->kind == ARC_OBJECT) {
		/* a Go map or slice type with methods (.Files.Glob) ranges as its container */
		arc_value *c = tpl_container(v);
		if (c) {
			xdrop(&val);
			val = xv(c, 0);
			v = c;
		}
	}
	switch (v->kind) {
	case ARC_INT: {
		int64_t n = v->u.i;
		if (r->pipe->ndecl > 1) {
			rc = xerr_v(s, "can't use ", v, " to iterate over more than one variable");
			break;
		}
		for (i = 0; n > 0 && i < (uint64_t)n; i++) {
			ran = 1;
			el = xv(arc_v_int_typed((int64_t)i, v->gotype), 0);
			rc = range_once(s, r, m, NULL, &el);
			xdrop(&el);
			if (rc)
				break;
		}
		break;
	}
	case ARC_LIST: {
		size_t n = arc_v_list_len(v);
		int iface = v->gotype == ARC_GO_DEFAULT;
		for (i = 0; i < n && i < arc_v_list_len(v); i++) {
			ran = 1;
			idx = xv(arc_v_int((int64_t)i), 0);
			el = xv(arc_v_ref(arc_v_list_at(v, i)), iface);
			rc = range_once(s, r, m, &idx, &el);
			xdrop(&idx);
			xdrop(&el);
			if (rc)
				break;
		}
		break;
	}
	case ARC_MAP: {
		size_t n = arc_v_map_len(v), *order;
		arc_value **keys, **vals;
		int iface = v->gotype != ARC_GO_MAPSTR;
		if (n == 0)
			break;
		/* Go sorts the keys up front: later changes to the map do not show */
		order = arc_v_map_sorted(v);
		keys = xmalloc(n * sizeof(*keys));
		vals = xmalloc(n * sizeof(*vals));
		for (i = 0; i < n; i++) {
			keys[i] = arc_v_strn(arc_v_map_key(v, order[i]), arc_v_map_keylen(v, order[i]));
			vals[i] = arc_v_ref(arc_v_map_val(v, order[i]));
		}
		free(order);
		for (i = 0; i < n; i++) {
			ran = 1;
			idx = xv(arc_v_ref(keys[i]), 0);
			el = xv(arc_v_ref(vals[i]), iface);
			rc = range_once(s, r, m, &idx, &el);
			xdrop(&idx);
			xdrop(&el);
			if (rc)
				break;
		}
		for (i = 0; i < n; i++) {
			arc_v_unref(keys[i]);
			arc_v_unref(vals[i]);
		}
		free(keys);
		free(vals);
		break;
	}
	case ARC_NULL:
		break;
	default:
		rc = xerr_v(s, "range can't iterate over ", v, "");
		break;
	}
	if (rc == ARC_E_BREAK)
		rc = 0;
	else if (!rc && !ran && r->else_list)
		rc = walk(s, dot, &r->else_list->n);
	xdrop(&val);
	pop(s, m0);
	return rc;
}

static int exec_tree(struct arc_tpl_exec *parent, struct exec_root *root, struct arc_tpl_set *set,
		     struct tree *t, const struct xval *dot, struct arc_buf *out, int depth);

static int walk_template(struct arc_tpl_exec *s, const struct xval *dot, struct node_template *t)
{
	struct tree *tr;
	struct xval nd;
	int rc;
	s->node = &t->n;
	tr = tpl_set_lookup(s->set, t->name.s, t->name.len);
	if (!tr)
		return xerr_quoted(s, "template ", t->name.s, t->name.len, " not defined");
	if (s->depth >= TPL_MAX_EXEC_DEPTH || tpl_stack_low())
		return xerr(s, "exceeded maximum template depth (%d)", TPL_MAX_EXEC_DEPTH);
	rc = eval_pipeline(s, dot, t->pipe, &nd);
	if (rc)
		return rc;
	rc = exec_tree(s, s->root, s->set, tr, &nd, s->out, s->depth + 1);
	xdrop(&nd);
	return rc;
}

static int walk(struct arc_tpl_exec *s, const struct xval *dot, struct node *n)
{
	size_t i;
	int rc;
	s->node = n;
	switch (n->type) {
	case NODE_ACTION: {
		struct node_action *a = (struct node_action *)n;
		struct xval val;
		rc = eval_pipeline(s, dot, a->pipe, &val);
		if (rc)
			return rc;
		if (a->pipe->ndecl == 0)
			rc = print_value(s, n, &val);
		xdrop(&val);
		return rc;
	}
	case NODE_BREAK:
		return ARC_E_BREAK;
	case NODE_CONTINUE:
		return ARC_E_CONTINUE;
	case NODE_COMMENT:
		return 0;
	case NODE_IF:
	case NODE_WITH:
		return walk_if_with(s, n->type, dot, (struct node_branch *)n);
	case NODE_LIST: {
		struct node_list *l = (struct node_list *)n;
		for (i = 0; i < l->len; i++) {
			rc = walk(s, dot, l->nodes[i]);
			if (rc)
				return rc;
		}
		return 0;
	}
	case NODE_RANGE:
		return walk_range(s, dot, (struct node_branch *)n);
	case NODE_TEMPLATE:
		return walk_template(s, dot, (struct node_template *)n);
	case NODE_TEXT:
		arc_buf_add(s->out, ((struct node_text *)n)->text, ((struct node_text *)n)->len);
		return check_output(s);
	}
	return xerr_node(s, "unknown node: ", n, "");
}

/* execute tree t with a fresh variable scope ($ = dot) */
static int exec_tree(struct arc_tpl_exec *parent, struct exec_root *root, struct arc_tpl_set *set,
		     struct tree *t, const struct xval *dot, struct arc_buf *out, int depth)
{
	struct arc_tpl_exec st;
	size_t m = root->nvars;
	int rc;
	memset(&st, 0, sizeof(st));
	st.set = set;
	st.root = root;
	st.tname = t->name;
	st.out = out;
	st.out_start = parent && parent->out == out ? parent->out_start : out->len;
	st.out_budget = parent && parent->out == out ? parent->out_budget
			: out->max > out->len ? out->max - out->len : 0;
	st.base = m;
	st.depth = depth;
	if (!t->root)
		return xerr_quoted(&st, "", t->name.s, t->name.len, " is an incomplete or empty template");
	push_var(&st, "$", 1, xref(dot));
	rc = walk(&st, dot, &t->root->n);
	pop(&st, m);
	if (rc == ARC_E_BREAK || rc == ARC_E_CONTINUE)
		rc = 0; /* cannot happen: the parser keeps break/continue inside range */
	return rc;
}

static void root_release(struct exec_root *r)
{
	size_t i;
	for (i = 0; i < r->nvars; i++)
		xdrop(&r->vars[i].x);
	free(r->vars);
	for (i = 0; i < r->capinc; i++)
		free(r->inc[i].name);
	free(r->inc);
}

static int no_template(const char *name)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_puts(&b, "template: no template ");
	arc_fmt_quote(&b, name, strlen(name));
	arc_buf_puts(&b, " associated with template \"" ARC_TPL_ROOT_NAME "\"");
	arc_error_code(ARC_E_NOTFOUND, "%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return ARC_E_NOTFOUND;
}

struct exec_job {
	struct arc_tpl_set *set;
	struct tree *tree;
	arc_value *data;
	struct arc_buf *out;
};

static int exec_job_run(void *arg)
{
	struct exec_job *j = arg;
	struct arc_tpl_set *set = j->set;
	struct exec_root root;
	struct xval dot = xv(j->data, 0);
	size_t budget = set->opt.max_output ? set->opt.max_output : ARC_TPL_MAX_OUTPUT;
	size_t left = set->out_total < ARC_TPL_MAX_OUTPUT ? ARC_TPL_MAX_OUTPUT - set->out_total : 0;
	size_t start = j->out->len;
	struct out_bound ob;
	int rc;
	memset(&root, 0, sizeof(root));
	root.top_out = j->out;
	root.top_total = left < budget;
	ob = exec_bound(j->out, budget < left ? budget : left);
	rc = exec_tree(NULL, &root, set, j->tree, &dot, j->out, 0);
	exec_unbound(j->out, ob);
	set->out_total += j->out->len - start;
	root_release(&root);
	return rc;
}

int arc_tpl_execute(struct arc_tpl_set *set, const char *name, arc_value *data, struct arc_buf *out)
{
	struct exec_job j;
	j.tree = tpl_set_lookup(set, name, strlen(name));
	if (!j.tree)
		return no_template(name);
	j.set = set;
	j.data = data ? data : arc_v_null();
	j.out = out;
	return tpl_run_big(exec_job_run, &j);
}

/* ------------------------------------------------------------- hooks */

struct arc_tpl_set *arc_tpl_exec_set(struct arc_tpl_exec *ex)
{
	return ex->set;
}

const struct arc_tpl_options *arc_tpl_exec_options(struct arc_tpl_exec *ex)
{
	return &ex->set->opt;
}

const char *arc_tpl_exec_name(struct arc_tpl_exec *ex)
{
	return ex->tname.s;
}

static struct inc_slot *inc_slot(struct exec_root *r, const char *name)
{
	size_t len = strlen(name), i, h = 5381;
	for (i = 0; i < len; i++)
		h = h * 33 + (unsigned char)name[i];
	if ((r->ninc + 1) * 2 > r->capinc) {
		struct inc_slot *old = r->inc;
		size_t oc = r->capinc, k;
		r->capinc = oc ? oc * 2 : 32;
		r->inc = xcalloc(r->capinc, sizeof(*r->inc));
		for (k = 0; k < oc; k++) {
			size_t hh = 5381, q;
			if (!old[k].name)
				continue;
			for (q = 0; old[k].name[q]; q++)
				hh = hh * 33 + (unsigned char)old[k].name[q];
			q = hh & (r->capinc - 1);
			while (r->inc[q].name)
				q = (q + 1) & (r->capinc - 1);
			r->inc[q] = old[k];
		}
		free(old);
	}
	i = h & (r->capinc - 1);
	while (r->inc[i].name) {
		if (strcmp(r->inc[i].name, name) == 0)
			return &r->inc[i];
		i = (i + 1) & (r->capinc - 1);
	}
	r->inc[i].name = xstrdup(name);
	r->inc[i].count = 0;
	r->ninc++;
	return &r->inc[i];
}

int arc_tpl_exec_include(struct arc_tpl_exec *ex, const char *name, arc_value *data, struct arc_buf *out)
{
	struct inc_slot *slot = inc_slot(ex->root, name);
	struct tree *t;
	struct xval dot;
	int rc;
	if (slot->count > TPL_MAX_INCLUDE)
		return arc_error_code(ARC_E_CALL,
				      "rendering template has a nested reference name: %s: "
				      "unable to execute template",
				      name);
	if (tpl_stack_low())
		return arc_error_code(ARC_E_CALL, "rendering template has a nested reference name: %s: "
						  "unable to execute template", name);
	slot->count++;
	t = tpl_set_lookup(ex->set, name, strlen(name));
	if (!t) {
		rc = no_template(name);
	} else {
		struct out_bound ob = exec_bound(out, ARC_TPL_MAX_VALUE); /* the result is a value */
		dot = xv(data ? data : arc_v_null(), 0);
		rc = exec_tree(NULL, ex->root, ex->set, t, &dot, out, 0);
		exec_unbound(out, ob);
	}
	/* the slot may have moved if the table grew meanwhile */
	inc_slot(ex->root, name)->count--;
	return rc < 0 ? arc_error_code(ARC_E_CALL, "%s", arc_error_last()) : 0;
}

int arc_tpl_exec_string(struct arc_tpl_exec *ex, const char *name, const char *text, size_t len,
			arc_value *data,
			struct arc_buf *out)
{
	struct arc_tpl_set *copy;
	struct tree *top = NULL;
	struct xval dot;
	int rc;
	if (tpl_stack_low())
		return arc_error_code(ARC_E_EXEC, "template: %s: exceeded maximum template depth (%d)", name,
				      TPL_MAX_EXEC_DEPTH);
	copy = tpl_set_overlay(ex->set);
	rc = tpl_parse(copy, name, strlen(name), text, len, &top);
	if (rc < 0) {
		rc = arc_error_code(ARC_E_PARSE, "%s", arc_error_last());
		goto done;
	}
	dot = xv(data ? data : arc_v_null(), 0);
	{
		struct out_bound ob = exec_bound(out, ARC_TPL_MAX_VALUE); /* the result is a value */
		rc = exec_tree(NULL, ex->root, copy, top, &dot, out, 0);
		exec_unbound(out, ob);
	}
	if (rc < 0)
		rc = arc_error_code(ARC_E_EXEC, "%s", arc_error_last());
done:
	arc_tpl_set_free(copy);
	return rc;
}
