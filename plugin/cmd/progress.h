/*
 * progress.h - what a long command (install, upgrade, uninstall) is doing,
 * on stderr: a live line on a terminal (spinner, step, object counts,
 * elapsed time, what is being waited for), plain timestamped lines
 * otherwise, nothing with --quiet.
 *
 * Thread safety: every function may be called from any thread (the apply
 * engine counts objects from its workers); one mutex guards the state.  On a
 * terminal a ticker thread redraws the line ten times a second.
 *
 * OWNERSHIP: arc_progress_new() returns an object freed with
 * arc_progress_free() (which also ends the live line).  Never pass secrets:
 * every text may be printed.
 */
#ifndef ARC_CMD_PROGRESS_H
#define ARC_CMD_PROGRESS_H

#include <stddef.h>

#include "../base/base.h"

enum arc_progress_mode {
	ARC_PROGRESS_AUTO = 0, /* live on a terminal (stderr), plain otherwise */
	ARC_PROGRESS_LIVE,
	ARC_PROGRESS_PLAIN,
	ARC_PROGRESS_QUIET
};

struct arc_progress;

struct arc_progress *arc_progress_new(enum arc_progress_mode mode);
void arc_progress_free(struct arc_progress *p);
/* the mode in use after AUTO was resolved */
enum arc_progress_mode arc_progress_mode_of(const struct arc_progress *p);

/* Begin a step ("Applying 24 objects"); the previous one ends as done. */
void arc_progress_step(struct arc_progress *p, const char *fmt, ...) ARC_PRINTF(2, 3);
/* Object counts of the current step (shown as [done/total]). */
void arc_progress_count(struct arc_progress *p, size_t done, size_t total);
void arc_progress_add_done(struct arc_progress *p, size_t n);
/* What the step waits for now ("Deployment x rollout: 0/1 available"); NULL clears. */
void arc_progress_detail(struct arc_progress *p, const char *fmt, ...) ARC_PRINTF(2, 3);
/* End the current step: ok → "✓ text (1.2s)", else "✗ text". fmt NULL = the step's text. */
void arc_progress_done(struct arc_progress *p, int ok, const char *fmt, ...) ARC_PRINTF(3, 4);
/* A permanent line (warnings, notices), printed above the live line. */
void arc_progress_note(struct arc_progress *p, const char *fmt, ...) ARC_PRINTF(2, 3);
/* milliseconds since arc_progress_new */
long arc_progress_elapsed_ms(const struct arc_progress *p);

#endif
