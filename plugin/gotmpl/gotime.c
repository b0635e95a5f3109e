/* gotime.c - Go's time.Time semantics in C (see gotime.h) */
#include "gotime.h"

#include "../value/codec.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TZIF_MAX (4u << 20)
#define ALPHA INT64_MIN
#define OMEGA INT64_MAX

const char *const arc_gotime_month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December",
};
const char *const arc_gotime_day_names[7] = {
	"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

struct zone {
	char *name;
	int offset;
	int isdst;
};

struct trans {
	int64_t when;
	int idx;
};

struct arc_gotime_loc {
	char *name;
	int refcnt; /* 0: cached, immortal */
	struct zone *zones;
	size_t nzones;
	struct trans *tx;
	size_t ntx;
	char *extend;
	struct arc_gotime_loc *next; /* cache list */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arc_gotime_loc *cache;
static struct arc_gotime_loc *local_loc;
static int local_done;

/* ---- civil calendar (proleptic Gregorian) ---- */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in(int m, int64_t y)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* days before the first of month m (1-based) in a non-leap year */
static int days_before(int m)
{
	static const int db[13] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 };
	return db[m - 1];
}

/* ---- TZif ---- */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static void loc_free(struct arc_gotime_loc *l)
{
	size_t i;
	if (!l)
		return;
	for (i = 0; i < l->nzones; i++)
		free(l->zones[i].name);
	free(l->zones);
	free(l->tx);
	free(l->extend);
	free(l->name);
	free(l);
}

static struct arc_gotime_loc *parse_tzif(const unsigned char *d, size_t n, const char *name)
{
	struct arc_gotime_loc *l;
	size_t off = 0, i;
	uint32_t isut, isstd, leap, timecnt, typecnt, charcnt;
	int is64 = 0, version;
	const unsigned char *tt, *ti, *types, *chars;

again:
	if (n - off < 44 || memcmp(d + off, "TZif", 4) != 0)
		return NULL;
	version = d[off + 4];
	isut = be32(d + off + 20);
	isstd = be32(d + off + 24);
	leap = be32(d + off + 28);
	timecnt = be32(d + off + 32);
	typecnt = be32(d + off + 36);
	charcnt = be32(d + off + 40);
	off += 44;
	{
		size_t tsz = is64 ? 8 : 4;
		uint64_t need = (uint64_t)timecnt * tsz + timecnt + (uint64_t)typecnt * 6 + charcnt +
				(uint64_t)leap * (tsz + 4) + isstd + isut;
		if (need > n - off || typecnt == 0 || typecnt > 256)
			return NULL;
		if (!is64 && version >= '2') {
			off += (size_t)need;
			is64 = 1;
			goto again;
		}
		tt = d + off;
		ti = tt + (size_t)timecnt * tsz;
		types = ti + timecnt;
		chars = types + (size_t)typecnt * 6;
		l = xcalloc(1, sizeof(*l));
		l->name = xstrdup(name);
		l->nzones = typecnt;
		l->zones = xcalloc(typecnt, sizeof(*l->zones));
		for (i = 0; i < typecnt; i++) {
			const unsigned char *t = types + i * 6;
			size_t ai = t[5], k;
			l->zones[i].offset = (int32_t)be32(t);
			l->zones[i].isdst = t[4] != 0;
			if (ai > charcnt)
				ai = charcnt;
			for (k = ai; k < charcnt && chars[k]; k++)
				;
			l->zones[i].name = xstrndup((const char *)chars + ai, k - ai);
		}
		l->ntx = timecnt;
		l->tx = xcalloc(timecnt + 1, sizeof(*l->tx));
		for (i = 0; i < timecnt; i++) {
			l->tx[i].when = is64 ? be64(tt + i * 8) : (int32_t)be32(tt + i * 4);
			l->tx[i].idx = ti[i] < typecnt ? ti[i] : 0;
		}
		if (timecnt == 0) {
			l->tx[0].when = ALPHA;
			l->tx[0].idx = 0;
			l->ntx = 1;
		}
		off += (size_t)need;
		if (is64 && off < n && d[off] == '\n') {
			const unsigned char *e = memchr(d + off + 1, '\n', n - off - 1);
			if (e && e > d + off + 1)
				l->extend = xstrndup((const char *)d + off + 1, (size_t)(e - d - off - 1));
		}
	}
	return l;
}

static struct arc_gotime_loc *load_file(const char *path, const char *name)
{
	char *data = NULL;
	size_t len = 0;
	struct arc_gotime_loc *l;
	if (arc_read_file(path, TZIF_MAX, &data, &len) < 0) {
		arc_error_clear();
		return NULL;
	}
	l = parse_tzif((const unsigned char *)data, len, name);
	free(data);
	return l;
}

static struct arc_gotime_loc *load_zone(const char *zname, const char *display)
{
	static const char *const dirs[] = { "/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/",
					    "/usr/lib/locale/TZ/", "/etc/zoneinfo/" };
	const char *env = getenv("ZONEINFO");
	struct arc_gotime_loc *l = NULL;
	size_t i;
	if (env && *env) {
		char *p = xasprintf("%s/%s", env, zname);
		l = load_file(p, display);
		free(p);
		if (l)
			return l;
	}
	for (i = 0; i < ARC_ARRAY_LEN(dirs) && !l; i++) {
		char *p = xasprintf("%s%s", dirs[i], zname);
		l = load_file(p, display);
		free(p);
	}
	return l;
}

static void init_local(void)
{
	const char *tz = getenv("TZ");
	struct arc_gotime_loc *l = NULL;
	if (!tz) {
		l = load_file("/etc/localtime", "Local");
	} else if (*tz) {
		if (*tz == ':')
			tz++;
		if (*tz == '/') {
			l = load_file(tz, strcmp(tz, "/etc/localtime") ? tz : "Local");
		} else if (*tz && strcmp(tz, "UTC") != 0) {
			l = load_zone(tz, tz);
		}
	}
	if (!l) {
		/* UTC, named "UTC" */
		l = xcalloc(1, sizeof(*l));
		l->name = xstrdup("UTC");
	}
	local_loc = l;
}

struct arc_gotime_loc *arc_gotime_local(void)
{
	pthread_mutex_lock(&cache_lock);
	if (!local_done) {
		init_local();
		local_done = 1;
	}
	pthread_mutex_unlock(&cache_lock);
	return local_loc;
}

int arc_gotime_location(const char *name, struct arc_gotime_loc **out)
{
	struct arc_gotime_loc *l;
	*out = NULL;
	if (!*name || !strcmp(name, "UTC"))
		return 0;
	if (!strcmp(name, "Local")) {
		*out = arc_gotime_local();
		return 0;
	}
	if (strstr(name, "..") || name[0] == '/' || name[0] == '\\' || strlen(name) > 255)
		return arc_error_code(ARC_E_NOTFOUND, "unknown time zone %s", name);
	pthread_mutex_lock(&cache_lock);
	for (l = cache; l; l = l->next)
		if (!strcmp(l->name, name))
			break;
	if (!l) {
		l = load_zone(name, name);
		if (l) {
			l->next = cache;
			cache = l;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (!l)
		return arc_error_code(ARC_E_NOTFOUND, "unknown time zone %s", name);
	*out = l;
	return 0;
}

const char *arc_gotime_loc_name(const struct arc_gotime_loc *loc)
{
	return loc ? loc->name : "UTC";
}

void arc_gotime_loc_ref(struct arc_gotime_loc *loc)
{
	if (loc && loc->refcnt)
		loc->refcnt++;
}

void arc_gotime_loc_unref(struct arc_gotime_loc *loc)
{
	if (loc && loc->refcnt && --loc->refcnt == 0)
		loc_free(loc);
}

static struct arc_gotime_loc *fixed_zone(const char *name, size_t nlen, int offset)
{
	struct arc_gotime_loc *l = xcalloc(1, sizeof(*l));
	l->name = xstrndup(name, nlen);
	l->refcnt = 1;
	l->nzones = 1;
	l->zones = xcalloc(1, sizeof(*l->zones));
	l->zones[0].name = xstrndup(name, nlen);
	l->zones[0].offset = offset;
	l->ntx = 1;
	l->tx = xcalloc(1, sizeof(*l->tx));
	l->tx[0].when = ALPHA;
	return l;
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

struct rule {
	int kind; /* 0 Julian, 1 day of year, 2 month.week.day */
	int day, week, mon, time;
};

static int tz_num(const char **s, int min, int max, int *out)
{
	const char *p = *s;
	int num = 0;
	if (!*p || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9') {
		num = num * 10 + (*p - '0');
		if (num > max)
			return 0;
		p++;
	}
	if (num < min)
		return 0;
	*out = num;
	*s = p;
	return 1;
}

static int tz_name(const char **s, const char **name, size_t *nlen)
{
	const char *p = *s;
	if (!*p)
		return 0;
	if (*p == '<') {
		const char *e = strchr(p, '>');
		if (!e)
			return 0;
		*name = p + 1;
		*nlen = (size_t)(e - p - 1);
		*s = e + 1;
		return 1;
	}
	while (*p && !strchr("0123456789,-+", *p))
		p++;
	if (p - *s < 3)
		return 0;
	*name = *s;
	*nlen = (size_t)(p - *s);
	*s = p;
	return 1;
}

static int tz_offset(const char **s, int *out)
{
	const char *p = *s;
	int neg = 0, h, m = 0, sec = 0;
	if (!*p)
		return 0;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (!tz_num(&p, 0, 24 * 7, &h))
		return 0;
	if (*p == ':') {
		p++;
		if (!tz_num(&p, 0, 59, &m))
			return 0;
		if (*p == ':') {
			p++;
			if (!tz_num(&p, 0, 59, &sec))
				return 0;
		}
	}
	*out = (h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
	*s = p;
	return 1;
}

static int tz_rule(const char **s, struct rule *r)
{
	const char *p = *s;
	memset(r, 0, sizeof(*r));
	if (*p == 'J') {
		p++;
		if (!tz_num(&p, 1, 365, &r->day))
			return 0;
		r->kind = 0;
	} else if (*p == 'M') {
		p++;
		if (!tz_num(&p, 1, 12, &r->mon) || *p != '.')
			return 0;
		p++;
		if (!tz_num(&p, 1, 5, &r->week) || *p != '.')
			return 0;
		p++;
		if (!tz_num(&p, 0, 6, &r->day))
			return 0;
		r->kind = 2;
	} else {
		if (!tz_num(&p, 0, 365, &r->day))
			return 0;
		r->kind = 1;
	}
	r->time = 7200;
	if (*p == '/') {
		p++;
		if (!tz_offset(&p, &r->time))
			return 0;
	}
	*s = p;
	return 1;
}

static int64_t rule_time(int64_t year, const struct rule *r, int off)
{
	int64_t s = 0;
	switch (r->kind) {
	case 0:
		s = (int64_t)(r->day - 1) * 86400;
		if (is_leap(year) && r->day >= 60)
			s += 86400;
		break;
	case 1:
		s = (int64_t)r->day * 86400;
		break;
	default: {
		int64_t m1 = (r->mon + 9) % 12 + 1, yy0 = year, yy1, yy2, dow, d;
		int i;
		if (r->mon <= 2)
			yy0--;
		yy1 = yy0 / 100;
		yy2 = yy0 % 100;
		dow = ((26 * m1 - 2) / 10 + 1 + yy2 + yy2 / 4 + yy1 / 4 - 2 * yy1) % 7;
		if (dow < 0)
			dow += 7;
		d = r->day - dow;
		if (d < 0)
			d += 7;
		for (i = 1; i < r->week; i++) {
			if (d + 7 >= days_in(r->mon, year))
				break;
			d += 7;
		}
		d += days_before(r->mon);
		if (is_leap(year) && r->mon > 2)
			d++;
		s = d * 86400;
	}
	}
	return s + r->time - off;
}

/* Go's tzset; names point into s (lengths returned) */
static int tz_eval(const char *s, int64_t last_tx, int64_t sec, const char **name, size_t *nlen, int *offset,
		   int64_t *start, int64_t *end)
{
	const char *std, *dst;
	size_t stdlen, dstlen;
	int stdoff, dstoff;
	struct rule r1, r2;
	int64_t year, days, ysec, ystart, ss, es;
	int m, d;

	if (!tz_name(&s, &std, &stdlen) || !tz_offset(&s, &stdoff))
		return 0;
	stdoff = -stdoff;
	if (!*s || *s == ',') {
		*name = std;
		*nlen = stdlen;
		*offset = stdoff;
		*start = last_tx;
		*end = OMEGA;
		return 1;
	}
	if (!tz_name(&s, &dst, &dstlen))
		return 0;
	if (!*s || *s == ',') {
		dstoff = stdoff + 3600;
	} else {
		if (!tz_offset(&s, &dstoff))
			return 0;
		dstoff = -dstoff;
	}
	if (!*s)
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' && *s != ';')
		return 0;
	s++;
	if (!tz_rule(&s, &r1) || *s != ',')
		return 0;
	s++;
	if (!tz_rule(&s, &r2) || *s)
		return 0;
	days = floor_div(sec, 86400);
	civil_from_days(days, &year, &m, &d);
	ysec = (days - days_from_civil(year, 1, 1)) * 86400 + sec % 86400;
	ystart = sec - ysec;
	ss = rule_time(year, &r1, stdoff);
	es = rule_time(year, &r2, dstoff);
	if (es < ss) {
		int64_t t = ss;
		const char *tn = std;
		size_t tl = stdlen;
		int to = stdoff;
		ss = es;
		es = t;
		std = dst;
		stdlen = dstlen;
		dst = tn;
		dstlen = tl;
		stdoff = dstoff;
		dstoff = to;
	}
	if (ysec < ss) {
		*name = std, *nlen = stdlen, *offset = stdoff, *start = ystart, *end = ss + ystart;
	} else if (ysec >= es) {
		*name = std, *nlen = stdlen, *offset = stdoff, *start = es + ystart, *end = ystart + 365 * 86400;
	} else {
		*name = dst, *nlen = dstlen, *offset = dstoff, *start = ss + ystart, *end = es + ystart;
	}
	return 1;
}

static size_t first_zone(const struct arc_gotime_loc *l)
{
	size_t i;
	int used = 0;
	for (i = 0; i < l->ntx; i++)
		if (l->tx[i].idx == 0)
			used = 1;
	if (!used)
		return 0;
	if (l->ntx > 0 && l->zones[l->tx[0].idx].isdst) {
		int zi;
		for (zi = l->tx[0].idx - 1; zi >= 0; zi--)
			if (!l->zones[zi].isdst)
				return (size_t)zi;
	}
	for (i = 0; i < l->nzones; i++)
		if (!l->zones[i].isdst)
			return i;
	return 0;
}

/* Location.lookup; *name is borrowed (valid while loc lives); a name from the
 * footer is copied into namebuf */
static void loc_lookup(const struct arc_gotime_loc *l, int64_t sec, const char **name, int *offset,
		       int64_t *start, int64_t *end, char *namebuf, size_t nbsize)
{
	size_t lo, hi;
	*start = ALPHA;
	*end = OMEGA;
	if (!l || l->nzones == 0) {
		*name = "UTC";
		*offset = 0;
		return;
	}
	if (l->ntx == 0 || sec < l->tx[0].when) {
		const struct zone *z = &l->zones[first_zone(l)];
		*name = z->name;
		*offset = z->offset;
		if (l->ntx > 0)
			*end = l->tx[0].when;
		return;
	}
	lo = 0;
	hi = l->ntx;
	while (hi - lo > 1) {
		size_t m = (lo + hi) / 2;
		if (sec < l->tx[m].when) {
			*end = l->tx[m].when;
			hi = m;
		} else {
			lo = m;
		}
	}
	*name = l->zones[l->tx[lo].idx].name;
	*offset = l->zones[l->tx[lo].idx].offset;
	*start = l->tx[lo].when;
	if (lo == l->ntx - 1 && l->extend) {
		const char *en;
		size_t enl;
		int eoff;
		int64_t es, ee;
		if (tz_eval(l->extend, *start, sec, &en, &enl, &eoff, &es, &ee)) {
			if (enl >= nbsize)
				enl = nbsize - 1;
			memcpy(namebuf, en, enl);
			namebuf[enl] = '\0';
			*name = namebuf;
			*offset = eoff;
			*start = es;
			*end = ee;
		}
	}
}

static _Thread_local char tls_namebuf[64];

void arc_gotime_zone(const struct arc_gotime *t, const char **name, int *offset)
{
	int64_t s, e;
	loc_lookup(t->loc, t->sec, name, offset, &s, &e, tls_namebuf, sizeof(tls_namebuf));
}

/* ---- instants ---- */

struct arc_gotime arc_gotime_unix(int64_t sec, int64_t nsec)
{
	struct arc_gotime t;
	memset(&t, 0, sizeof(t));
	if (nsec < 0 || nsec >= 1000000000) {
		int64_t n = nsec / 1000000000;
		sec += n;
		nsec -= n * 1000000000;
		if (nsec < 0) {
			nsec += 1000000000;
			sec--;
		}
	}
	t.sec = sec;
	t.nsec = (int32_t)nsec;
	t.loc = arc_gotime_local();
	return t;
}

struct arc_gotime arc_gotime_now(void)
{
	struct timespec ts, mono;
	struct arc_gotime t;
	static int64_t mono_start = -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	t = arc_gotime_unix(ts.tv_sec, ts.tv_nsec);
	if (mono_start < 0)
		mono_start = (int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec - 1000;
	t.mono = 1;
	t.mono_ns = (int64_t)mono.tv_sec * 1000000000 + mono.tv_nsec - mono_start;
	return t;
}

void arc_gotime_civil(const struct arc_gotime *t, struct arc_gotime_civil *c)
{
	const char *name;
	int off;
	int64_t local, days, rem;
	arc_gotime_zone(t, &name, &off);
	local = t->sec + off;
	days = floor_div(local, 86400);
	rem = local - days * 86400;
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem % 3600 / 60);
	c->sec = (int)(rem % 60);
	c->nsec = t->nsec;
	c->wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
	c->yday = (int)(days - days_from_civil(c->year, 1, 1)) + 1;
}

int arc_gotime_is_zero(const struct arc_gotime *t)
{
	return t->sec == -62135596800LL && t->nsec == 0;
}

struct arc_gotime arc_gotime_add(const struct arc_gotime *t, int64_t d)
{
	struct arc_gotime r = *t;
	int64_t dsec = d / 1000000000, nsec = t->nsec + d % 1000000000;
	if (nsec >= 1000000000) {
		dsec++;
		nsec -= 1000000000;
	} else if (nsec < 0) {
		dsec--;
		nsec += 1000000000;
	}
	r.sec = (int64_t)((uint64_t)t->sec + (uint64_t)dsec);
	r.nsec = (int32_t)nsec;
	if (r.mono)
		r.mono_ns = t->mono_ns + d;
	return r;
}

int64_t arc_gotime_sub(const struct arc_gotime *t, const struct arc_gotime *u)
{
	__int128 d;
	if (t->mono && u->mono)
		return t->mono_ns - u->mono_ns;
	d = (__int128)(t->sec - u->sec) * 1000000000 + (t->nsec - u->nsec);
	if (d > INT64_MAX)
		return INT64_MAX;
	if (d < INT64_MIN)
		return INT64_MIN;
	return (int64_t)d;
}

/* ---- layout chunks ---- */

enum {
	STD_NONE = 0,
	STD_LONG_MONTH,
	STD_MONTH,
	STD_NUM_MONTH,
	STD_ZERO_MONTH,
	STD_LONG_WEEKDAY,
	STD_WEEKDAY,
	STD_DAY,
	STD_UNDER_DAY,
	STD_ZERO_DAY,
	STD_UNDER_YDAY,
	STD_ZERO_YDAY,
	STD_HOUR,
	STD_HOUR12,
	STD_ZERO_HOUR12,
	STD_MINUTE,
	STD_ZERO_MINUTE,
	STD_SECOND,
	STD_ZERO_SECOND,
	STD_LONG_YEAR,
	STD_YEAR,
	STD_PM,
	STD_pm,
	STD_TZ,
	STD_ISO8601_TZ,
	STD_ISO8601_SECONDS_TZ,
	STD_ISO8601_SHORT_TZ,
	STD_ISO8601_COLON_TZ,
	STD_ISO8601_COLON_SECONDS_TZ,
	STD_NUM_TZ,
	STD_NUM_SECONDS_TZ,
	STD_NUM_SHORT_TZ,
	STD_NUM_COLON_TZ,
	STD_NUM_COLON_SECONDS_TZ,
	STD_FRAC0,
	STD_FRAC9
};

struct chunk {
	size_t plen; /* prefix length */
	int std;
	size_t slen;  /* length of the std element */
	int digits;   /* fractional digits */
	char sep;     /* fractional separator */
};

static int lower_at(const char *s, size_t n, size_t i)
{
	return i < n && s[i] >= 'a' && s[i] <= 'z';
}

static int starts(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);
	return n >= i + k && memcmp(s + i, lit, k) == 0;
}

/* nextStdChunk */
static struct chunk next_chunk(const char *l, size_t n)
{
	struct chunk c = { n, STD_NONE, 0, 0, '.' };
	size_t i;
	for (i = 0; i < n; i++) {
		int std = STD_NONE;
		size_t len = 0, pre = i;
		switch (l[i]) {
		case 'J':
			if (starts(l, n, i, "Jan")) {
				if (starts(l, n, i, "January"))
					std = STD_LONG_MONTH, len = 7;
				else if (!lower_at(l, n, i + 3))
					std = STD_MONTH, len = 3;
			}
			break;
		case 'M':
			if (starts(l, n, i, "Mon")) {
				if (starts(l, n, i, "Monday"))
					std = STD_LONG_WEEKDAY, len = 6;
				else if (!lower_at(l, n, i + 3))
					std = STD_WEEKDAY, len = 3;
			}
			if (!std && starts(l, n, i, "MST"))
				std = STD_TZ, len = 3;
			break;
		case '0':
			if (i + 1 < n && l[i + 1] >= '1' && l[i + 1] <= '6') {
				static const int x[6] = { STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12,
							  STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR };
				std = x[l[i + 1] - '1'];
				len = 2;
			} else if (starts(l, n, i, "002")) {
				std = STD_ZERO_YDAY, len = 3;
			}
			break;
		case '1':
			if (i + 1 < n && l[i + 1] == '5')
				std = STD_HOUR, len = 2;
			else
				std = STD_NUM_MONTH, len = 1;
			break;
		case '2':
			if (starts(l, n, i, "2006"))
				std = STD_LONG_YEAR, len = 4;
			else
				std = STD_DAY, len = 1;
			break;
		case '_':
			if (i + 1 < n && l[i + 1] == '2') {
				if (starts(l, n, i + 1, "2006"))
					std = STD_LONG_YEAR, len = 4, pre = i + 1;
				else
					std = STD_UNDER_DAY, len = 2;
			} else if (starts(l, n, i, "__2")) {
				std = STD_UNDER_YDAY, len = 3;
			}
			break;
		case '3':
			std = STD_HOUR12, len = 1;
			break;
		case '4':
			std = STD_MINUTE, len = 1;
			break;
		case '5':
			std = STD_SECOND, len = 1;
			break;
		case 'P':
			if (i + 1 < n && l[i + 1] == 'M')
				std = STD_PM, len = 2;
			break;
		case 'p':
			if (i + 1 < n && l[i + 1] == 'm')
				std = STD_pm, len = 2;
			break;
		case '-':
			if (starts(l, n, i, "-070000"))
				std = STD_NUM_SECONDS_TZ, len = 7;
			else if (starts(l, n, i, "-07:00:00"))
				std = STD_NUM_COLON_SECONDS_TZ, len = 9;
			else if (starts(l, n, i, "-0700"))
				std = STD_NUM_TZ, len = 5;
			else if (starts(l, n, i, "-07:00"))
				std = STD_NUM_COLON_TZ, len = 6;
			else if (starts(l, n, i, "-07"))
				std = STD_NUM_SHORT_TZ, len = 3;
			break;
		case 'Z':
			if (starts(l, n, i, "Z070000"))
				std = STD_ISO8601_SECONDS_TZ, len = 7;
			else if (starts(l, n, i, "Z07:00:00"))
				std = STD_ISO8601_COLON_SECONDS_TZ, len = 9;
			else if (starts(l, n, i, "Z0700"))
				std = STD_ISO8601_TZ, len = 5;
			else if (starts(l, n, i, "Z07:00"))
				std = STD_ISO8601_COLON_TZ, len = 6;
			else if (starts(l, n, i, "Z07"))
				std = STD_ISO8601_SHORT_TZ, len = 3;
			break;
		case '.':
		case ',':
			if (i + 1 < n && (l[i + 1] == '0' || l[i + 1] == '9')) {
				char ch = l[i + 1];
				size_t j = i + 1;
				while (j < n && l[j] == ch)
					j++;
				if (!(j < n && l[j] >= '0' && l[j] <= '9')) {
					c.plen = i;
					c.std = ch == '0' ? STD_FRAC0 : STD_FRAC9;
					c.slen = j - i;
					c.digits = (int)((j - (i + 1)) & 0xfff);
					c.sep = l[i];
					return c;
				}
			}
			break;
		default:
			break;
		}
		if (std) {
			c.plen = pre;
			c.std = std;
			c.slen = len;
			return c;
		}
	}
	return c;
}

static void put_int(struct arc_buf *b, int64_t x, int width)
{
	char tmp[32];
	int n;
	uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
	if (x < 0)
		arc_buf_putc(b, '-');
	n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)u);
	for (; n < width; width--)
		arc_buf_putc(b, '0');
	arc_buf_puts(b, tmp);
}

static int is_iso_std(int std)
{
	return std == STD_ISO8601_TZ || std == STD_ISO8601_COLON_TZ || std == STD_ISO8601_SECONDS_TZ ||
	       std == STD_ISO8601_SHORT_TZ || std == STD_ISO8601_COLON_SECONDS_TZ;
}

void arc_gotime_format(struct arc_buf *b, const struct arc_gotime *t, const char *l, size_t n)
{
	struct arc_gotime_civil c;
	const char *name;
	int offset;

	arc_gotime_civil(t, &c);
	arc_gotime_zone(t, &name, &offset);
	while (n > 0) {
		struct chunk k = next_chunk(l, n);
		int hr;
		arc_buf_add(b, l, k.plen);
		if (k.std == STD_NONE)
			break;
		l += k.plen + k.slen;
		n -= k.plen + k.slen;
		switch (k.std) {
		case STD_YEAR:
			put_int(b, (c.year < 0 ? -c.year : c.year) % 100, 2);
			break;
		case STD_LONG_YEAR:
			put_int(b, c.year, 4);
			break;
		case STD_MONTH:
			arc_buf_add(b, arc_gotime_month_names[c.month - 1], 3);
			break;
		case STD_LONG_MONTH:
			arc_buf_puts(b, arc_gotime_month_names[c.month - 1]);
			break;
		case STD_NUM_MONTH:
			put_int(b, c.month, 0);
			break;
		case STD_ZERO_MONTH:
			put_int(b, c.month, 2);
			break;
		case STD_WEEKDAY:
			arc_buf_add(b, arc_gotime_day_names[c.wday], 3);
			break;
		case STD_LONG_WEEKDAY:
			arc_buf_puts(b, arc_gotime_day_names[c.wday]);
			break;
		case STD_DAY:
			put_int(b, c.day, 0);
			break;
		case STD_UNDER_DAY:
			if (c.day < 10)
				arc_buf_putc(b, ' ');
			put_int(b, c.day, 0);
			break;
		case STD_ZERO_DAY:
			put_int(b, c.day, 2);
			break;
		case STD_UNDER_YDAY:
			if (c.yday < 100) {
				arc_buf_putc(b, ' ');
				if (c.yday < 10)
					arc_buf_putc(b, ' ');
			}
			put_int(b, c.yday, 0);
			break;
		case STD_ZERO_YDAY:
			put_int(b, c.yday, 3);
			break;
		case STD_HOUR:
			put_int(b, c.hour, 2);
			break;
		case STD_HOUR12:
		case STD_ZERO_HOUR12:
			hr = c.hour % 12;
			if (hr == 0)
				hr = 12;
			put_int(b, hr, k.std == STD_HOUR12 ? 0 : 2);
			break;
		case STD_MINUTE:
			put_int(b, c.min, 0);
			break;
		case STD_ZERO_MINUTE:
			put_int(b, c.min, 2);
			break;
		case STD_SECOND:
			put_int(b, c.sec, 0);
			break;
		case STD_ZERO_SECOND:
			put_int(b, c.sec, 2);
			break;
		case STD_PM:
			arc_buf_puts(b, c.hour >= 12 ? "PM" : "AM");
			break;
		case STD_pm:
			arc_buf_puts(b, c.hour >= 12 ? "pm" : "am");
			break;
		case STD_TZ:
			if (*name) {
				arc_buf_puts(b, name);
			} else {
				int zone = offset / 60;
				arc_buf_putc(b, zone < 0 ? '-' : '+');
				if (zone < 0)
					zone = -zone;
				put_int(b, zone / 60, 2);
				put_int(b, zone % 60, 2);
			}
			break;
		case STD_FRAC0:
		case STD_FRAC9: {
			char digits[16];
			int nd = k.digits, i;
			if (k.std == STD_FRAC9 && (nd == 0 || c.nsec == 0))
				break;
			snprintf(digits, sizeof(digits), "%09d", c.nsec);
			if (nd > 9) {
				/* Go pads with nothing beyond 9 digits: appendInt(…, 9) then cut to n */
				nd = 9;
			}
			digits[nd] = '\0';
			if (k.std == STD_FRAC9) {
				for (i = nd; i > 0 && digits[i - 1] == '0'; i--)
					digits[i - 1] = '\0';
				if (!digits[0])
					break;
			}
			arc_buf_putc(b, k.sep);
			arc_buf_puts(b, digits);
			break;
		}
		default: {
			/* numeric zones */
			int zone, absoff = offset;
			if (offset == 0 && is_iso_std(k.std)) {
				arc_buf_putc(b, 'Z');
				break;
			}
			zone = offset / 60;
			if (zone < 0) {
				arc_buf_putc(b, '-');
				zone = -zone;
				absoff = -absoff;
			} else {
				arc_buf_putc(b, '+');
			}
			put_int(b, zone / 60, 2);
			if (k.std == STD_ISO8601_COLON_TZ || k.std == STD_NUM_COLON_TZ ||
			    k.std == STD_ISO8601_COLON_SECONDS_TZ || k.std == STD_NUM_COLON_SECONDS_TZ)
				arc_buf_putc(b, ':');
			if (k.std != STD_NUM_SHORT_TZ && k.std != STD_ISO8601_SHORT_TZ)
				put_int(b, zone % 60, 2);
			if (k.std == STD_ISO8601_SECONDS_TZ || k.std == STD_NUM_SECONDS_TZ ||
			    k.std == STD_NUM_COLON_SECONDS_TZ || k.std == STD_ISO8601_COLON_SECONDS_TZ) {
				if (k.std == STD_NUM_COLON_SECONDS_TZ || k.std == STD_ISO8601_COLON_SECONDS_TZ)
					arc_buf_putc(b, ':');
				put_int(b, absoff % 60, 2);
			}
			break;
		}
		}
	}
}

void arc_gotime_string(struct arc_buf *b, const struct arc_gotime *t)
{
	static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
	arc_gotime_format(b, t, layout, sizeof(layout) - 1);
	if (t->mono) {
		uint64_t m2 = t->mono_ns < 0 ? (uint64_t)0 - (uint64_t)t->mono_ns : (uint64_t)t->mono_ns;
		uint64_t m1 = m2 / 1000000000, m0;
		m2 %= 1000000000;
		m0 = m1 / 1000000000;
		m1 %= 1000000000;
		arc_buf_puts(b, t->mono_ns < 0 ? " m=-" : " m=+");
		if (m0)
			arc_buf_printf(b, "%llu%09llu", (unsigned long long)m0, (unsigned long long)m1);
		else
			arc_buf_printf(b, "%llu", (unsigned long long)m1);
		arc_buf_printf(b, ".%09llu", (unsigned long long)m2);
	}
}

/* ---- parsing ---- */

/* time's quote() */
static void tquote(struct arc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	arc_buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || c < ' ') {
			arc_buf_puts(b, "\\x");
			arc_buf_putc(b, hex[c >> 4]);
			arc_buf_putc(b, hex[c & 15]);
		} else {
			if (c == '"' || c == '\\')
				arc_buf_putc(b, '\\');
			arc_buf_putc(b, (char)c);
		}
	}
	arc_buf_putc(b, '"');
}

struct perr {
	const char *layout, *value;
	size_t llen, vlen;
};

static int parse_error(const struct perr *p, const char *lelem, size_t lelen, const char *velem, size_t velen,
		       const char *msg)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_puts(&b, "parsing time ");
	tquote(&b, p->value, p->vlen);
	if (msg) {
		arc_buf_puts(&b, msg);
	} else {
		arc_buf_puts(&b, " as ");
		tquote(&b, p->layout, p->llen);
		arc_buf_puts(&b, ": cannot parse ");
		tquote(&b, velem, velen);
		arc_buf_puts(&b, " as ");
		tquote(&b, lelem, lelen);
	}
	arc_error_set("%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return ARC_E_FAIL;
}

static int digit_at(const char *s, size_t n, size_t i)
{
	return i < n && s[i] >= '0' && s[i] <= '9';
}

/* getnum: 1 or 2 digits (fixed: exactly 2) */
static int getnum(const char **s, size_t *n, int fixed, int *out)
{
	if (!digit_at(*s, *n, 0))
		return -1;
	if (!digit_at(*s, *n, 1)) {
		if (fixed)
			return -1;
		*out = (*s)[0] - '0';
		(*s)++;
		(*n)--;
		return 0;
	}
	*out = ((*s)[0] - '0') * 10 + (*s)[1] - '0';
	*s += 2;
	*n -= 2;
	return 0;
}

static int getnum3(const char **s, size_t *n, int fixed, int *out)
{
	int v = 0;
	size_t i;
	for (i = 0; i < 3 && digit_at(*s, *n, i); i++)
		v = v * 10 + (*s)[i] - '0';
	if (i == 0 || (fixed && i != 3))
		return -1;
	*out = v;
	*s += i;
	*n -= i;
	return 0;
}

/* case-insensitive prefix lookup in a name table */
static int lookup_name(const char *const *tab, int ntab, int prefix_len, const char **s, size_t *n)
{
	int i;
	for (i = 0; i < ntab; i++) {
		size_t k = prefix_len ? (size_t)prefix_len : strlen(tab[i]), j;
		int ok = 1;
		if (*n < k)
			continue;
		for (j = 0; j < k && ok; j++) {
			unsigned char c1 = (unsigned char)(*s)[j], c2 = (unsigned char)tab[i][j];
			if (c1 != c2) {
				c1 |= 0x20;
				c2 |= 0x20;
				if (c1 != c2 || c1 < 'a' || c1 > 'z')
					ok = 0;
			}
		}
		if (ok) {
			*s += k;
			*n -= k;
			return i;
		}
	}
	return -1;
}

/* leadingInt; -1 on overflow */
static int leading_int(const char *s, size_t n, uint64_t *x, size_t *used)
{
	size_t i;
	uint64_t v = 0;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (1ull << 63) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 1ull << 63)
			return -1;
	}
	*x = v;
	*used = i;
	return 0;
}

static size_t parse_tz_name(const char *v, size_t n)
{
	size_t up;
	if (n < 3)
		return 0;
	if (n >= 4 && (!memcmp(v, "ChST", 4) || !memcmp(v, "MeST", 4)))
		return 4;
	if (!memcmp(v, "GMT", 3)) {
		const char *r = v + 3;
		size_t rn = n - 3, used;
		uint64_t x;
		if (rn == 0 || (r[0] != '+' && r[0] != '-'))
			return 3;
		if (leading_int(r + 1, rn - 1, &x, &used) < 0 || used == 0 || x > 23)
			return 3;
		return 3 + 1 + used;
	}
	if (v[0] == '+' || v[0] == '-') {
		size_t used;
		uint64_t x;
		if (leading_int(v + 1, n - 1, &x, &used) < 0 || used == 0 || x > 23)
			return 0;
		return 1 + used;
	}
	for (up = 0; up < 6 && up < n && v[up] >= 'A' && v[up] <= 'Z'; up++)
		;
	switch (up) {
	case 3:
		return 3;
	case 4:
		return v[3] == 'T' || !memcmp(v, "WITA", 4) ? 4 : 0;
	case 5:
		return v[4] == 'T' ? 5 : 0;
	default:
		return 0;
	}
}

/* parseNanoseconds over value[0:nbytes] (value[0] is the separator) */
static int parse_nanos(const char *v, size_t nbytes, int *ns)
{
	uint64_t x;
	size_t used, i;
	if (v[0] != '.' && v[0] != ',')
		return -1;
	if (nbytes > 10)
		nbytes = 10;
	if (leading_int(v + 1, nbytes - 1, &x, &used) < 0 || used != nbytes - 1)
		return -1;
	for (i = nbytes; i < 10; i++)
		x *= 10;
	*ns = (int)x;
	return 0;
}

int arc_gotime_parse(struct arc_gotime *out, const char *layout, size_t llen, const char *value, size_t vlen)
{
	struct perr pe = { layout, value, llen, vlen };
	const char *l = layout, *v = value;
	size_t ln = llen, vn = vlen;
	int64_t year = 0;
	int month = -1, day = -1, yday = -1, hour = 0, min = 0, sec = 0, nsec = 0;
	int am = 0, pm = 0, z_utc = 0, zone_offset = -1, have_offset = 0;
	const char *zname = NULL;
	size_t znlen = 0;
	const char *range = NULL;
	struct arc_gotime_loc *local = arc_gotime_local();
	int64_t days, unix;

	for (;;) {
		struct chunk k = next_chunk(l, ln);
		const char *stdstr = l + k.plen, *hold;
		size_t stdlen = k.slen, holdn, i;
		int err = 0;
		/* skip the literal prefix, runs of spaces matching runs of spaces */
		{
			const char *p = l;
			size_t pn = k.plen;
			while (pn > 0) {
				if (*p == ' ') {
					if (vn > 0 && *v != ' ')
						return parse_error(&pe, l, k.plen, v, vn, NULL);
					while (pn > 0 && *p == ' ')
						p++, pn--;
					while (vn > 0 && *v == ' ')
						v++, vn--;
					continue;
				}
				if (vn == 0 || *v != *p)
					return parse_error(&pe, l, k.plen, v, vn, NULL);
				p++, pn--;
				v++, vn--;
			}
		}
		if (k.std == STD_NONE) {
			if (vn != 0) {
				struct arc_buf m = ARC_BUF_INIT;
				int rc;
				arc_buf_puts(&m, ": extra text: ");
				tquote(&m, v, vn);
				rc = parse_error(&pe, "", 0, v, vn, arc_buf_cstr(&m));
				arc_buf_release(&m);
				return rc;
			}
			break;
		}
		l = stdstr + stdlen;
		ln = llen - (size_t)(l - layout);
		hold = v;
		holdn = vn;
		switch (k.std) {
		case STD_YEAR:
			if (vn < 2 || !digit_at(v, vn, 0) || !digit_at(v, vn, 1)) {
				err = 1;
				break;
			}
			year = (v[0] - '0') * 10 + v[1] - '0';
			year += year >= 69 ? 1900 : 2000;
			v += 2, vn -= 2;
			break;
		case STD_LONG_YEAR:
			if (vn < 4 || !digit_at(v, vn, 0)) {
				err = 1;
				break;
			}
			year = 0;
			for (i = 0; i < 4; i++) {
				if (!digit_at(v, vn, i)) {
					err = 1;
					break;
				}
				year = year * 10 + v[i] - '0';
			}
			if (!err)
				v += 4, vn -= 4;
			break;
		case STD_MONTH:
			month = lookup_name(arc_gotime_month_names, 12, 3, &v, &vn);
			if (month < 0)
				err = 1;
			month++;
			break;
		case STD_LONG_MONTH:
			month = lookup_name(arc_gotime_month_names, 12, 0, &v, &vn);
			if (month < 0)
				err = 1;
			month++;
			break;
		case STD_NUM_MONTH:
		case STD_ZERO_MONTH:
			if (getnum(&v, &vn, k.std == STD_ZERO_MONTH, &month) < 0)
				err = 1;
			else if (month <= 0 || month > 12)
				range = "month";
			break;
		case STD_WEEKDAY:
			if (lookup_name(arc_gotime_day_names, 7, 3, &v, &vn) < 0)
				err = 1;
			break;
		case STD_LONG_WEEKDAY:
			if (lookup_name(arc_gotime_day_names, 7, 0, &v, &vn) < 0)
				err = 1;
			break;
		case STD_DAY:
		case STD_UNDER_DAY:
		case STD_ZERO_DAY:
			if (k.std == STD_UNDER_DAY && vn > 0 && *v == ' ')
				v++, vn--;
			if (getnum(&v, &vn, k.std == STD_ZERO_DAY, &day) < 0)
				err = 1;
			break;
		case STD_UNDER_YDAY:
		case STD_ZERO_YDAY:
			for (i = 0; i < 2; i++)
				if (k.std == STD_UNDER_YDAY && vn > 0 && *v == ' ')
					v++, vn--;
			if (getnum3(&v, &vn, k.std == STD_ZERO_YDAY, &yday) < 0)
				err = 1;
			break;
		case STD_HOUR:
			if (getnum(&v, &vn, 0, &hour) < 0)
				err = 1;
			if (hour < 0 || hour >= 24)
				range = "hour";
			break;
		case STD_HOUR12:
		case STD_ZERO_HOUR12:
			if (getnum(&v, &vn, k.std == STD_ZERO_HOUR12, &hour) < 0)
				err = 1;
			if (hour < 0 || hour > 12)
				range = "hour";
			break;
		case STD_MINUTE:
		case STD_ZERO_MINUTE:
			if (getnum(&v, &vn, k.std == STD_ZERO_MINUTE, &min) < 0)
				err = 1;
			if (min < 0 || min >= 60)
				range = "minute";
			break;
		case STD_SECOND:
		case STD_ZERO_SECOND:
			if (getnum(&v, &vn, k.std == STD_ZERO_SECOND, &sec) < 0) {
				err = 1;
				break;
			}
			if (sec < 0 || sec >= 60) {
				range = "second";
				break;
			}
			if (vn >= 2 && (v[0] == '.' || v[0] == ',') && digit_at(v, vn, 1)) {
				struct chunk nk = next_chunk(l, ln);
				size_t nd;
				if (nk.std == STD_FRAC0 || nk.std == STD_FRAC9)
					break;
				for (nd = 2; nd < vn && digit_at(v, vn, nd); nd++)
					;
				if (parse_nanos(v, nd, &nsec) < 0)
					err = 1;
				v += nd, vn -= nd;
			}
			break;
		case STD_PM:
		case STD_pm:
			if (vn < 2) {
				err = 1;
				break;
			}
			if (!memcmp(v, k.std == STD_PM ? "PM" : "pm", 2))
				pm = 1;
			else if (!memcmp(v, k.std == STD_PM ? "AM" : "am", 2))
				am = 1;
			else
				err = 1;
			v += 2, vn -= 2;
			break;
		case STD_TZ:
			if (vn >= 3 && !memcmp(v, "UTC", 3)) {
				z_utc = 1;
				v += 3, vn -= 3;
				break;
			}
			{
				size_t zl = parse_tz_name(v, vn);
				if (!zl) {
					err = 1;
					break;
				}
				zname = v;
				znlen = zl;
				v += zl, vn -= zl;
			}
			break;
		case STD_FRAC0: {
			size_t nd = 1 + (size_t)k.digits;
			if (vn < nd) {
				err = 1;
				break;
			}
			if (parse_nanos(v, nd, &nsec) < 0)
				err = 1;
			v += nd, vn -= nd;
			break;
		}
		case STD_FRAC9: {
			size_t j = 0;
			if (vn < 2 || (v[0] != '.' && v[0] != ',') || v[1] < '0' || v[1] > '9')
				break;
			while (j + 1 < vn && v[j + 1] >= '0' && v[j + 1] <= '9')
				j++;
			if (parse_nanos(v, 1 + j, &nsec) < 0)
				err = 1;
			v += 1 + j, vn -= 1 + j;
			break;
		}
		default: {
			/* numeric zone offsets */
			char sign;
			const char *hh, *mm = "00", *ss = "00";
			size_t need;
			int hr, mi, se;
			if (is_iso_std(k.std) && vn >= 1 && *v == 'Z') {
				v++, vn--;
				z_utc = 1;
				break;
			}
			if (k.std == STD_ISO8601_COLON_TZ || k.std == STD_NUM_COLON_TZ) {
				if (vn < 6 || v[3] != ':') {
					err = 1;
					break;
				}
				hh = v + 1, mm = v + 4, need = 6;
			} else if (k.std == STD_NUM_SHORT_TZ || k.std == STD_ISO8601_SHORT_TZ) {
				if (vn < 3) {
					err = 1;
					break;
				}
				hh = v + 1, need = 3;
			} else if (k.std == STD_ISO8601_COLON_SECONDS_TZ || k.std == STD_NUM_COLON_SECONDS_TZ) {
				if (vn < 9 || v[3] != ':' || v[6] != ':') {
					err = 1;
					break;
				}
				hh = v + 1, mm = v + 4, ss = v + 7, need = 9;
			} else if (k.std == STD_ISO8601_SECONDS_TZ || k.std == STD_NUM_SECONDS_TZ) {
				if (vn < 7) {
					err = 1;
					break;
				}
				hh = v + 1, mm = v + 3, ss = v + 5, need = 7;
			} else {
				if (vn < 5) {
					err = 1;
					break;
				}
				hh = v + 1, mm = v + 3, need = 5;
			}
			sign = v[0];
			{
				const char *p;
				size_t pn = 2;
				p = hh;
				if (getnum(&p, &pn, 1, &hr) < 0) {
					err = 1;
				} else {
					p = mm, pn = 2;
					if (getnum(&p, &pn, 1, &mi) < 0) {
						err = 1;
					} else {
						p = ss, pn = 2;
						if (getnum(&p, &pn, 1, &se) < 0)
							err = 1;
					}
				}
			}
			v += need, vn -= need;
			if (err) {
				hr = mi = se = 0;
			}
			if (hr > 24)
				range = "time zone offset hour";
			if (mi > 60)
				range = "time zone offset minute";
			if (se > 60)
				range = "time zone offset second";
			zone_offset = (hr * 60 + mi) * 60 + se;
			have_offset = 1;
			if (sign == '-')
				zone_offset = -zone_offset;
			else if (sign != '+')
				err = 1;
			break;
		}
		}
		if (range) {
			struct arc_buf m = ARC_BUF_INIT;
			int rc;
			arc_buf_printf(&m, ": %s out of range", range);
			rc = parse_error(&pe, stdstr, stdlen, v, vn, arc_buf_cstr(&m));
			arc_buf_release(&m);
			return rc;
		}
		if (err)
			return parse_error(&pe, stdstr, stdlen, hold, holdn, NULL);
	}
	if (pm && hour < 12)
		hour += 12;
	else if (am && hour == 12)
		hour = 0;

	if (yday >= 0) {
		int d = 0, m = 0;
		if (is_leap(year)) {
			if (yday == 31 + 29) {
				m = 2;
				d = 29;
			} else if (yday > 31 + 29) {
				yday--;
			}
		}
		if (yday < 1 || yday > 365)
			return parse_error(&pe, "", 0, v, vn, ": day-of-year out of range");
		if (m == 0) {
			m = (yday - 1) / 31 + 1;
			if (days_before(m + 1) < yday)
				m++;
			d = yday - days_before(m);
		}
		if (month >= 0 && month != m)
			return parse_error(&pe, "", 0, v, vn, ": day-of-year does not match month");
		month = m;
		if (day >= 0 && day != d)
			return parse_error(&pe, "", 0, v, vn, ": day-of-year does not match day");
		day = d;
	} else {
		if (month < 0)
			month = 1;
		if (day < 0)
			day = 1;
	}
	if (day < 1 || day > days_in(month, year))
		return parse_error(&pe, "", 0, v, vn, ": day out of range");

	days = days_from_civil(year, month, day);
	unix = days * 86400 + hour * 3600 + min * 60 + sec;
	memset(out, 0, sizeof(*out));
	out->nsec = nsec;
	if (z_utc) {
		out->sec = unix;
		out->loc = NULL;
		return 0;
	}
	if (have_offset) {
		const char *name;
		int off;
		int64_t s, e;
		char nb[64];
		out->sec = unix - zone_offset;
		loc_lookup(local, out->sec, &name, &off, &s, &e, nb, sizeof(nb));
		if (off == zone_offset && (!zname || (strlen(name) == znlen && !memcmp(name, zname, znlen)))) {
			out->loc = local;
			return 0;
		}
		out->loc = fixed_zone(zname ? zname : "", zname ? znlen : 0, zone_offset);
		return 0;
	}
	if (zname) {
		size_t i;
		int found = 0, off = 0;
		char nb[64];
		for (i = 0; local && i < local->nzones && !found; i++) {
			const struct zone *z = &local->zones[i];
			if (strlen(z->name) == znlen && !memcmp(z->name, zname, znlen)) {
				const char *nm;
				int o;
				int64_t s, e;
				loc_lookup(local, unix - z->offset, &nm, &o, &s, &e, nb, sizeof(nb));
				if (!strcmp(nm, z->name)) {
					off = o;
					found = 1;
				}
			}
		}
		for (i = 0; local && i < local->nzones && !found; i++) {
			const struct zone *z = &local->zones[i];
			if (strlen(z->name) == znlen && !memcmp(z->name, zname, znlen)) {
				off = z->offset;
				found = 1;
			}
		}
		if (found) {
			out->sec = unix - off;
			out->loc = local;
			return 0;
		}
		off = 0;
		if (znlen > 3 && !memcmp(zname, "GMT", 3)) {
			char tmp[16];
			size_t k = znlen - 3 < 15 ? znlen - 3 : 15;
			memcpy(tmp, zname + 3, k);
			tmp[k] = '\0';
			off = atoi(tmp) * 3600;
		}
		out->sec = unix;
		out->loc = fixed_zone(zname, znlen, off);
		return 0;
	}
	/* default location: Local, Date() semantics */
	{
		const char *name;
		int off;
		int64_t s, e;
		char nb[64];
		loc_lookup(local, unix, &name, &off, &s, &e, nb, sizeof(nb));
		if (off != 0) {
			int64_t utc = unix - off;
			if (utc < s || utc >= e)
				loc_lookup(local, utc, &name, &off, &s, &e, nb, sizeof(nb));
			unix -= off;
		}
		out->sec = unix;
		out->loc = local;
	}
	return 0;
}

/* ---- durations ---- */

static int dur_error(const char *msg, const char *s, size_t n)
{
	struct arc_buf b = ARC_BUF_INIT;
	arc_buf_printf(&b, "time: %s ", msg);
	tquote(&b, s, n);
	arc_error_set("%s", arc_buf_cstr(&b));
	arc_buf_release(&b);
	return ARC_E_FAIL;
}

int arc_gotime_parse_duration(const char *orig, size_t olen, int64_t *out)
{
	const char *s = orig;
	size_t n = olen;
	uint64_t d = 0;
	int neg = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++, n--;
	}
	if (n == 1 && s[0] == '0') {
		*out = 0;
		return 0;
	}
	if (n == 0)
		return dur_error("invalid duration", orig, olen);
	while (n > 0) {
		uint64_t v = 0, f = 0, unit = 0;
		double scale = 1;
		size_t used, i;
		int pre, post = 0;
		const char *u;
		if (!(s[0] == '.' || (s[0] >= '0' && s[0] <= '9')))
			return dur_error("invalid duration", orig, olen);
		if (leading_int(s, n, &v, &used) < 0)
			return dur_error("invalid duration", orig, olen);
		pre = used > 0;
		s += used, n -= used;
		if (n > 0 && s[0] == '.') {
			int overflow = 0;
			s++, n--;
			for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
				uint64_t y;
				if (overflow)
					continue;
				if (f > ((1ull << 63) - 1) / 10) {
					overflow = 1;
					continue;
				}
				y = f * 10 + (uint64_t)(s[i] - '0');
				if (y > 1ull << 63) {
					overflow = 1;
					continue;
				}
				f = y;
				scale *= 10;
			}
			post = i > 0;
			s += i, n -= i;
		}
		if (!pre && !post)
			return dur_error("invalid duration", orig, olen);
		for (i = 0; i < n && s[i] != '.' && !(s[i] >= '0' && s[i] <= '9'); i++)
			;
		if (i == 0)
			return dur_error("missing unit in duration", orig, olen);
		u = s;
		s += i, n -= i;
		if (i == 2 && !memcmp(u, "ns", 2))
			unit = 1;
		else if (i == 2 && !memcmp(u, "us", 2))
			unit = 1000;
		else if (i == 3 && (!memcmp(u, "\xc2\xb5s", 3) || !memcmp(u, "\xce\xbcs", 3)))
			unit = 1000;
		else if (i == 2 && !memcmp(u, "ms", 2))
			unit = 1000000;
		else if (i == 1 && u[0] == 's')
			unit = 1000000000ull;
		else if (i == 1 && u[0] == 'm')
			unit = 60000000000ull;
		else if (i == 1 && u[0] == 'h')
			unit = 3600000000000ull;
		if (!unit) {
			struct arc_buf m = ARC_BUF_INIT;
			int rc;
			arc_buf_puts(&m, "unknown unit ");
			tquote(&m, u, i);
			arc_buf_puts(&m, " in duration");
			rc = dur_error(arc_buf_cstr(&m), orig, olen);
			arc_buf_release(&m);
			return rc;
		}
		if (v > (1ull << 63) / unit)
			return dur_error("invalid duration", orig, olen);
		v *= unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > 1ull << 63)
				return dur_error("invalid duration", orig, olen);
		}
		d += v;
		if (d > 1ull << 63)
			return dur_error("invalid duration", orig, olen);
	}
	if (neg) {
		*out = (int64_t)((uint64_t)0 - d);
		return 0;
	}
	if (d > (1ull << 63) - 1)
		return dur_error("invalid duration", orig, olen);
	*out = (int64_t)d;
	return 0;
}

void arc_gotime_duration_string(struct arc_buf *b, int64_t dur)
{
	char buf[40];
	int w = (int)sizeof(buf);
	uint64_t u = dur < 0 ? (uint64_t)0 - (uint64_t)dur : (uint64_t)dur;
	int prec = 9, i, print;

	if (u < 1000000000ull) {
		buf[--w] = 's';
		if (u == 0) {
			arc_buf_puts(b, "0s");
			return;
		}
		if (u < 1000) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000) {
			prec = 3;
			buf[--w] = '\xb5';
			buf[--w] = '\xc2';
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
	} else {
		buf[--w] = 's';
	}
	print = 0;
	for (i = 0; i < prec; i++) {
		int digit = (int)(u % 10);
		print = print || digit != 0;
		if (print)
			buf[--w] = (char)('0' + digit);
		u /= 10;
	}
	if (print)
		buf[--w] = '.';
	if (prec == 9 || dur == 0 || (dur < 0 ? (uint64_t)0 - (uint64_t)dur : (uint64_t)dur) < 1000000000ull) {
		/* seconds, then minutes and hours for durations of a second or more */
		uint64_t full = dur < 0 ? (uint64_t)0 - (uint64_t)dur : (uint64_t)dur;
		if (full >= 1000000000ull) {
			uint64_t secs = u % 60, mins;
			do {
				buf[--w] = (char)('0' + secs % 10);
				secs /= 10;
			} while (secs);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'm';
				mins = u % 60;
				do {
					buf[--w] = (char)('0' + mins % 10);
					mins /= 10;
				} while (mins);
				u /= 60;
				if (u > 0) {
					buf[--w] = 'h';
					do {
						buf[--w] = (char)('0' + u % 10);
						u /= 10;
					} while (u);
				}
			}
		} else {
			do {
				buf[--w] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
		}
	}
	if (dur < 0)
		buf[--w] = '-';
	arc_buf_add(b, buf + w, sizeof(buf) - (size_t)w);
}
