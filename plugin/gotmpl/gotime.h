/*
 * gotime.h - Go's time.Time for templates: instants with a location read
 * from the system tz database (TZif files, including the POSIX TZ footer),
 * Go's layout-based Format and Parse, ParseDuration and Duration.String.
 *
 * Ownership: locations are loaded once, cached for the life of the process
 * and never freed (arc_gotime_location returns a borrowed pointer), except
 * fixed zones made by parsing, which belong to the arc_gotime that holds
 * them through a reference count (arc_gotime_loc_ref/unref).
 */
#ifndef ARC_GOTMPL_GOTIME_H
#define ARC_GOTMPL_GOTIME_H

#include <stddef.h>
#include <stdint.h>

#include "../base/base.h"

struct arc_gotime_loc; /* a time.Location */

struct arc_gotime {
	int64_t sec;  /* seconds since the Unix epoch */
	int32_t nsec; /* [0, 1e9) */
	int mono;     /* has a monotonic reading (time.Now): String() adds " m=+…" */
	int64_t mono_ns;
	struct arc_gotime_loc *loc; /* NULL = UTC */
};

/* time.LoadLocation: "" and "UTC" → UTC (NULL), "Local" → the local zone;
 * ARC_E_NOTFOUND when no such zone. */
int arc_gotime_location(const char *name, struct arc_gotime_loc **out);
struct arc_gotime_loc *arc_gotime_local(void);
/* Location.String(): "UTC", "Local", the zone name, "" for an unnamed fixed zone */
const char *arc_gotime_loc_name(const struct arc_gotime_loc *loc);
void arc_gotime_loc_ref(struct arc_gotime_loc *loc);   /* NULL and cached zones: no-op */
void arc_gotime_loc_unref(struct arc_gotime_loc *loc); /* NULL and cached zones: no-op */

struct arc_gotime arc_gotime_now(void);
struct arc_gotime arc_gotime_unix(int64_t sec, int64_t nsec);
/* zone name and offset (seconds east of UTC) in effect at t */
void arc_gotime_zone(const struct arc_gotime *t, const char **name, int *offset);

struct arc_gotime_civil {
	int64_t year;
	int month, day, hour, min, sec, nsec, wday, yday;
};
void arc_gotime_civil(const struct arc_gotime *t, struct arc_gotime_civil *c);
int arc_gotime_is_zero(const struct arc_gotime *t);

/* t.Format(layout) appended to b */
void arc_gotime_format(struct arc_buf *b, const struct arc_gotime *t, const char *layout, size_t len);
/* t.String() */
void arc_gotime_string(struct arc_buf *b, const struct arc_gotime *t);
/* time.ParseInLocation(layout, value, time.Local): 0, or ARC_E_FAIL with Go's message */
int arc_gotime_parse(struct arc_gotime *out, const char *layout, size_t llen, const char *value, size_t vlen);

/* time.ParseDuration: 0, or ARC_E_FAIL with Go's message */
int arc_gotime_parse_duration(const char *s, size_t len, int64_t *out);
/* Duration.String() appended to b */
void arc_gotime_duration_string(struct arc_buf *b, int64_t d);
/* t.Add(d): the same location */
struct arc_gotime arc_gotime_add(const struct arc_gotime *t, int64_t d);
/* t.Sub(u), saturating like Go */
int64_t arc_gotime_sub(const struct arc_gotime *t, const struct arc_gotime *u);

extern const char *const arc_gotime_month_names[12];
extern const char *const arc_gotime_day_names[7];

#endif
