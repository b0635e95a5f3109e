/* progress.c - the live progress line (terminal) and timestamped lines (logs) */
#include "progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "output.h"

struct arc_progress {
	enum arc_progress_mode mode;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t ticker;
	int ticking, stop, color;
	struct timespec t0, step_t0;
	char step[256], detail[256];
	size_t done, total;
	int in_step;
	unsigned frame;
	int drawn; /* a live line is on screen */
};

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static void stamp(char *buf, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec);
}

static void fmt_secs(char *buf, size_t n, long ms)
{
	if (ms < 60000)
		snprintf(buf, n, "%ld.%lds", ms / 1000, (ms % 1000) / 100);
	else
		snprintf(buf, n, "%ldm%02lds", ms / 60000, (ms / 1000) % 60);
}

/* caller holds mu */
static void clear_line(struct arc_progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		p->drawn = 0;
	}
}

/* caller holds mu */
static void draw(struct arc_progress *p)
{
	static const char *const spin[] = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" };
	char el[32], line[700];
	int n;
	if (p->mode != ARC_PROGRESS_LIVE || !p->in_step)
		return;
	fmt_secs(el, sizeof(el), ms_since(&p->step_t0));
	n = snprintf(line, sizeof(line), "%s %s", spin[p->frame++ % 10], p->step);
	if (p->total && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " [%zu/%zu]", p->done, p->total);
	if (p->detail[0] && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " — %s", p->detail);
	if (n > 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, " (%s)", el);
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	p->drawn = 1;
}

static void *tick(void *arg)
{
	struct arc_progress *p = arg;
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_nsec += 100000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->mu, &dl);
		if (!p->stop)
			draw(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

struct arc_progress *arc_progress_new(enum arc_progress_mode mode)
{
	struct arc_progress *p = xcalloc(1, sizeof(*p));
	if (mode == ARC_PROGRESS_AUTO) {
		const char *term = getenv("TERM");
		mode = isatty(2) && !(term && !strcmp(term, "dumb")) ? ARC_PROGRESS_LIVE : ARC_PROGRESS_PLAIN;
	}
	p->mode = mode;
	p->color = mode == ARC_PROGRESS_LIVE && arc_use_color(2);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &p->t0);
	p->step_t0 = p->t0;
	if (mode == ARC_PROGRESS_LIVE && pthread_create(&p->ticker, NULL, tick, p) == 0)
		p->ticking = 1;
	return p;
}

enum arc_progress_mode arc_progress_mode_of(const struct arc_progress *p)
{
	return p ? p->mode : ARC_PROGRESS_QUIET;
}

long arc_progress_elapsed_ms(const struct arc_progress *p)
{
	return p ? ms_since(&p->t0) : 0;
}

/* caller holds mu: print the end of the current step */
static void finish(struct arc_progress *p, int ok, const char *text)
{
	char el[32], ts[64];
	if (!p->in_step)
		return;
	fmt_secs(el, sizeof(el), ms_since(&p->step_t0));
	if (p->mode == ARC_PROGRESS_LIVE) {
		clear_line(p);
		if (p->color)
			fprintf(stderr, "%s%s\033[0m %s (%s)\n", ok ? "\033[32m" : "\033[31m", ok ? "✓" : "✗", text, el);
		else
			fprintf(stderr, "%s %s (%s)\n", ok ? "✓" : "✗", text, el);
	} else if (p->mode == ARC_PROGRESS_PLAIN) {
		stamp(ts, sizeof(ts));
		fprintf(stderr, "%s %s: %s (%s)\n", ts, ok ? "done" : "FAILED", text, el);
	}
	fflush(stderr);
	p->in_step = 0;
	p->detail[0] = '\0';
	p->done = p->total = 0;
}

void arc_progress_step(struct arc_progress *p, const char *fmt, ...)
{
	va_list ap;
	char ts[64];
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	finish(p, 1, p->step);
	va_start(ap, fmt);
	vsnprintf(p->step, sizeof(p->step), fmt, ap);
	va_end(ap);
	p->in_step = 1;
	p->detail[0] = '\0';
	p->done = p->total = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->step_t0);
	if (p->mode == ARC_PROGRESS_PLAIN) {
		stamp(ts, sizeof(ts));
		fprintf(stderr, "%s %s\n", ts, p->step);
		fflush(stderr);
	} else {
		draw(p);
	}
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_count(struct arc_progress *p, size_t done, size_t total)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->done = done;
	p->total = total;
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_add_done(struct arc_progress *p, size_t n)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->done += n;
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_detail(struct arc_progress *p, const char *fmt, ...)
{
	va_list ap;
	char old[256], ts[64];
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	memcpy(old, p->detail, sizeof(old));
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
		va_end(ap);
	} else {
		p->detail[0] = '\0';
	}
	/* plain mode: one line per new thing waited for, not per poll */
	if (p->mode == ARC_PROGRESS_PLAIN && p->detail[0] && strcmp(old, p->detail)) {
		stamp(ts, sizeof(ts));
		fprintf(stderr, "%s   %s\n", ts, p->detail);
		fflush(stderr);
	}
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_done(struct arc_progress *p, int ok, const char *fmt, ...)
{
	va_list ap;
	char text[256];
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
	} else {
		memcpy(text, p->step, sizeof(text));
	}
	finish(p, ok, text);
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_note(struct arc_progress *p, const char *fmt, ...)
{
	va_list ap;
	char text[1024], ts[64];
	if (!p || p->mode == ARC_PROGRESS_QUIET)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->mu);
	if (p->mode == ARC_PROGRESS_LIVE) {
		clear_line(p);
		fprintf(stderr, "%s\n", text);
		draw(p);
	} else {
		stamp(ts, sizeof(ts));
		fprintf(stderr, "%s %s\n", ts, text);
	}
	fflush(stderr);
	pthread_mutex_unlock(&p->mu);
}

void arc_progress_free(struct arc_progress *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (p->ticking)
		pthread_join(p->ticker, NULL);
	pthread_mutex_lock(&p->mu);
	if (p->in_step && p->mode == ARC_PROGRESS_LIVE)
		clear_line(p); /* an unfinished step: the caller prints the error */
	pthread_mutex_unlock(&p->mu);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
