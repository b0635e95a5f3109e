/* funcs_date.c - Sprig's date group.  Times are ARC_OBJECT values of class
 * "time.Time" (gotime.h) with the methods charts call (.Year, .Unix,
 * .Format …); Month, Weekday, Duration and *Location results are small
 * objects that print as Go prints them. */
#include "funcs.h"
#include "gotime.h"
#include "../value/codec.h"

#include <stdlib.h>
#include <string.h>

static const struct arc_vclass time_class;
static const struct arc_vclass month_class;
static const struct arc_vclass weekday_class;
static const struct arc_vclass duration_class;
static const struct arc_vclass location_class;

static void time_free(void *data)
{
	struct arc_gotime *t = data;
	if (t) {
		arc_gotime_loc_unref(t->loc);
		free(t);
	}
}

static arc_value *time_val(const struct arc_gotime *t)
{
	struct arc_gotime *c = xmalloc(sizeof(*c));
	*c = *t;
	arc_gotime_loc_ref(c->loc);
	return arc_v_object(&time_class, c);
}

/* a time value that already owns its reference to loc */
static arc_value *time_val_take(struct arc_gotime *t)
{
	struct arc_gotime *c = xmalloc(sizeof(*c));
	*c = *t;
	return arc_v_object(&time_class, c);
}

static const struct arc_gotime *as_time(const arc_value *v)
{
	return v->kind == ARC_OBJECT && v->u.o.cls == &time_class ? v->u.o.data : NULL;
}

static void time_format(arc_value *self, struct arc_buf *b)
{
	arc_gotime_string(b, self->u.o.data);
}

/* small integer-like objects: data is an int64 stored inline */
struct small {
	int64_t v;
};

static arc_value *small_val(const struct arc_vclass *cls, int64_t v)
{
	struct small *s = xmalloc(sizeof(*s));
	s->v = v;
	return arc_v_object(cls, s);
}

static void small_free(void *data)
{
	free(data);
}

static void month_format(arc_value *self, struct arc_buf *b)
{
	int64_t m = ((struct small *)self->u.o.data)->v;
	if (m >= 1 && m <= 12)
		arc_buf_puts(b, arc_gotime_month_names[m - 1]);
	else
		arc_buf_printf(b, "%%!Month(%lld)", (long long)m);
}

static void weekday_format(arc_value *self, struct arc_buf *b)
{
	int64_t d = ((struct small *)self->u.o.data)->v;
	if (d >= 0 && d <= 6)
		arc_buf_puts(b, arc_gotime_day_names[d]);
	else
		arc_buf_printf(b, "%%!Weekday(%lld)", (long long)d);
}

static void duration_format(arc_value *self, struct arc_buf *b)
{
	arc_gotime_duration_string(b, ((struct small *)self->u.o.data)->v);
}

static void location_format(arc_value *self, struct arc_buf *b)
{
	arc_buf_puts(b, arc_gotime_loc_name(self->u.o.data));
}

static int no_methods(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	struct small *s = self->u.o.data;
	if (!name[0]) {
		/* class hook (value.h): Month and Weekday are Go ints, Duration an int64 */
		*out = arc_v_int_typed(s->v, self->u.o.cls == &duration_class ? ARC_GO_INT64 : ARC_GO_DEFAULT);
		return 0;
	}
	if (!strcmp(name, "String") && nargs == 0) {
		struct arc_buf b = ARC_BUF_INIT;
		self->u.o.cls->format(self, &b);
		*out = arc_v_str_buf(&b);
		return 0;
	}
	if (self->u.o.cls == &duration_class && nargs == 0) {
		double v = (double)s->v;
		if (!strcmp(name, "Seconds")) {
			*out = arc_v_float(v / 1e9);
			return 0;
		}
		if (!strcmp(name, "Minutes")) {
			*out = arc_v_float(v / 6e10);
			return 0;
		}
		if (!strcmp(name, "Hours")) {
			*out = arc_v_float(v / 3.6e12);
			return 0;
		}
		if (!strcmp(name, "Nanoseconds")) {
			*out = arc_v_int_typed(s->v, ARC_GO_INT64);
			return 0;
		}
	}
	return ARC_E_NOTFOUND;
}

static const struct arc_vclass month_class = { "time.Month", no_methods, month_format, small_free };
static const struct arc_vclass weekday_class = { "time.Weekday", no_methods, weekday_format, small_free };
static const struct arc_vclass duration_class = { "time.Duration", no_methods, duration_format, small_free };

static int location_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			   arc_value **out)
{
	if (!strcmp(name, "String") && nargs == 0) {
		*out = arc_v_str(arc_gotime_loc_name(self->u.o.data));
		return 0;
	}
	return ARC_E_NOTFOUND;
}

static void location_free(void *data)
{
	arc_gotime_loc_unref(data);
}

static const struct arc_vclass location_class = { "*time.Location", location_lookup, location_format,
						  location_free };

/* ---- argument helpers ---- */

static void literal_text(struct arc_buf *b, arc_value *v)
{
	if (v->kind == ARC_STRING)
		arc_fmt_quote(b, v->u.s.ptr, v->u.s.len);
	else
		arc_fmt_v(b, v);
}

/* a time.Time parameter, with Go's conversion errors */
static int arg_time(arc_value *v, const struct arc_gotime **out)
{
	if ((*out = as_time(v)))
		return 0;
	if (v->kind == ARC_NULL && (v->flags & ARC_VF_NILIFACE))
		return arc_error_code(ARC_E_EXEC, "wrong type for value; expected time.Time; got interface {}");
	if (v->kind == ARC_NULL && (v->flags & ARC_VF_CONST))
		return arc_error_code(ARC_E_EXEC, "cannot assign nil to time.Time");
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_EXEC, "invalid value; expected time.Time");
	if (v->flags & ARC_VF_CONST) {
		struct arc_buf b = ARC_BUF_INIT;
		literal_text(&b, v);
		arc_error_code(ARC_E_EXEC, "can't handle %s for arg of type time.Time", arc_buf_cstr(&b));
		arc_buf_release(&b);
		return ARC_E_EXEC;
	}
	return arc_error_code(ARC_E_EXEC, "wrong type for value; expected time.Time; got %s", arc_v_gotype_name(v));
}

static int want_args(const char *name, int nargs, int want)
{
	if (nargs != want)
		return arc_error_code(ARC_E_EXEC, "wrong number of args for %s: want %d got %d", name, want, nargs);
	return 0;
}

/* a time.Duration parameter: an integer literal, or a Duration */
static int arg_duration(arc_value *v, int64_t *out)
{
	if (v->kind == ARC_OBJECT && v->u.o.cls == &duration_class) {
		*out = ((struct small *)v->u.o.data)->v;
		return 0;
	}
	if (v->kind == ARC_INT && (v->flags & ARC_VF_CONST)) {
		*out = v->u.i;
		return 0;
	}
	if (v->kind == ARC_NULL)
		return arc_error_code(ARC_E_EXEC, "invalid value; expected time.Duration");
	if (v->flags & ARC_VF_CONST) {
		struct arc_buf b = ARC_BUF_INIT;
		literal_text(&b, v);
		arc_error_code(ARC_E_EXEC, "expected integer; found %s", arc_buf_cstr(&b));
		arc_buf_release(&b);
		return ARC_E_EXEC;
	}
	return arc_error_code(ARC_E_EXEC, "wrong type for value; expected time.Duration; got %s",
			      arc_v_gotype_name(v));
}

/* ---- time.Time methods ---- */

static int time_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		       arc_value **out)
{
	const struct arc_gotime *t = self->u.o.data;
	struct arc_gotime_civil c;
	int rc;
	static const char *const civil_names[] = { "Year", "Day", "Hour", "Minute", "Second", "Nanosecond",
						   "YearDay" };
	size_t i;

	for (i = 0; i < ARC_ARRAY_LEN(civil_names); i++) {
		if (strcmp(name, civil_names[i]) != 0)
			continue;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		arc_gotime_civil(t, &c);
		switch (i) {
		case 0: *out = arc_v_int(c.year); break;
		case 1: *out = arc_v_int(c.day); break;
		case 2: *out = arc_v_int(c.hour); break;
		case 3: *out = arc_v_int(c.min); break;
		case 4: *out = arc_v_int(c.sec); break;
		case 5: *out = arc_v_int(c.nsec); break;
		default: *out = arc_v_int(c.yday); break;
		}
		return 0;
	}
	if (!strcmp(name, "Month") || !strcmp(name, "Weekday")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		arc_gotime_civil(t, &c);
		*out = name[0] == 'M' ? small_val(&month_class, c.month) : small_val(&weekday_class, c.wday);
		return 0;
	}
	if (!strncmp(name, "Unix", 4)) {
		__int128 ns = (__int128)t->sec * 1000000000 + t->nsec;
		int64_t v;
		if (!strcmp(name, "Unix"))
			v = t->sec;
		else if (!strcmp(name, "UnixMilli"))
			v = (int64_t)(ns / 1000000);
		else if (!strcmp(name, "UnixMicro"))
			v = (int64_t)(ns / 1000);
		else if (!strcmp(name, "UnixNano"))
			v = (int64_t)(uint64_t)ns;
		else
			return ARC_E_NOTFOUND;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		*out = arc_v_int_typed(v, ARC_GO_INT64);
		return 0;
	}
	if (!strcmp(name, "UTC") || !strcmp(name, "Local")) {
		struct arc_gotime r = *t;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		r.loc = name[0] == 'U' ? NULL : arc_gotime_local();
		*out = time_val(&r);
		return 0;
	}
	if (!strcmp(name, "Location")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		arc_gotime_loc_ref(t->loc);
		*out = arc_v_object(&location_class, t->loc);
		return 0;
	}
	if (!strcmp(name, "String")) {
		struct arc_buf b = ARC_BUF_INIT;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		arc_gotime_string(&b, t);
		*out = arc_v_str_buf(&b);
		return 0;
	}
	if (!strcmp(name, "MarshalJSON")) {
		/* class hook (value.h): RFC 3339 with nanoseconds, in quotes, as Go's
		 * Time.MarshalJSON, which refuses what RFC 3339 cannot write */
		static const char layout[] = "2006-01-02T15:04:05.999999999Z07:00";
		struct arc_buf b = ARC_BUF_INIT;
		const char *zone;
		int offset;
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		arc_gotime_civil(t, &c);
		arc_gotime_zone(t, &zone, &offset);
		if (c.year < 0 || c.year > 9999)
			return arc_error_code(ARC_E_CALL, "Time.MarshalJSON: year outside of range [0,9999]");
		if (offset <= -24 * 3600 || offset >= 24 * 3600)
			return arc_error_code(ARC_E_CALL, "Time.MarshalJSON: timezone hour outside of range [0,23]");
		arc_buf_putc(&b, '"');
		arc_gotime_format(&b, t, layout, sizeof(layout) - 1);
		arc_buf_putc(&b, '"');
		*out = arc_v_str_buf(&b);
		(*out)->gotype = ARC_GO_BYTES;
		return 0;
	}
	if (!strcmp(name, "Format")) {
		struct arc_tpl_call mc = { NULL, name, nargs, args, -1 };
		struct arc_buf b = ARC_BUF_INIT;
		const char *layout;
		size_t len;
		if ((rc = want_args(name, nargs, 1)) < 0 || (rc = arc_tpl_arg_str(&mc, 0, &layout, &len)) < 0)
			return rc;
		arc_gotime_format(&b, t, layout, len);
		*out = arc_v_str_buf(&b);
		return 0;
	}
	if (!strcmp(name, "IsZero")) {
		if ((rc = want_args(name, nargs, 0)) < 0)
			return rc;
		*out = arc_v_bool(arc_gotime_is_zero(t));
		return 0;
	}
	if (!strcmp(name, "Before") || !strcmp(name, "After") || !strcmp(name, "Equal") ||
	    !strcmp(name, "Compare") || !strcmp(name, "Sub")) {
		const struct arc_gotime *u;
		int cmp;
		if ((rc = want_args(name, nargs, 1)) < 0 || (rc = arg_time(args[0], &u)) < 0)
			return rc;
		if (!strcmp(name, "Sub")) {
			*out = small_val(&duration_class, arc_gotime_sub(t, u));
			return 0;
		}
		cmp = t->sec < u->sec ? -1 : t->sec > u->sec ? 1 : t->nsec < u->nsec ? -1 : t->nsec > u->nsec;
		if (!strcmp(name, "Before"))
			*out = arc_v_bool(cmp < 0);
		else if (!strcmp(name, "After"))
			*out = arc_v_bool(cmp > 0);
		else if (!strcmp(name, "Equal"))
			*out = arc_v_bool(cmp == 0);
		else
			*out = arc_v_int(cmp);
		return 0;
	}
	if (!strcmp(name, "Add")) {
		int64_t d = 0;
		struct arc_gotime r;
		if ((rc = want_args(name, nargs, 1)) < 0 || (rc = arg_duration(args[0], &d)) < 0)
			return rc;
		r = arc_gotime_add(t, d);
		*out = time_val(&r);
		return 0;
	}
	(void)is_call;
	return ARC_E_NOTFOUND;
}

static const struct arc_vclass time_class = { "time.Time", time_lookup, time_format, time_free };

/* ---- functions ---- */

static int fn_now(struct arc_tpl_call *c, arc_value **out)
{
	struct arc_gotime t = arc_gotime_now();
	*out = time_val(&t);
	return 0;
}

/* the date argument of date/dateInZone/htmlDate: a time, or Unix seconds as
 * int/int64/int32; anything else means now */
static struct arc_gotime date_arg(arc_value *v)
{
	const struct arc_gotime *t = as_time(v);
	if (t)
		return *t;
	if (v->kind == ARC_INT && (v->gotype == ARC_GO_DEFAULT || v->gotype == ARC_GO_INT64 ||
				   v->gotype == ARC_GO_INT32))
		return arc_gotime_unix(v->u.i, 0);
	return arc_gotime_now();
}

static int format_in_zone(const char *layout, size_t llen, arc_value *date, const char *zone, arc_value **out)
{
	struct arc_gotime t = date_arg(date);
	struct arc_gotime_loc *loc = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_gotime_location(zone, &loc) < 0) {
		arc_error_clear();
		loc = NULL;
	}
	t.loc = loc;
	arc_gotime_format(&b, &t, layout, llen);
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_date(struct arc_tpl_call *c, arc_value **out)
{
	const char *layout;
	size_t len;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &layout, &len)) < 0)
		return rc;
	return format_in_zone(layout, len, c->args[1], "Local", out);
}

static int fn_date_in_zone(struct arc_tpl_call *c, arc_value **out)
{
	const char *layout, *zone;
	size_t len, zlen;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &layout, &len)) < 0 || (rc = arc_tpl_arg_str(c, 2, &zone, &zlen)) < 0)
		return rc;
	if (memchr(zone, '\0', zlen))
		zone = "UTC";
	return format_in_zone(layout, len, c->args[1], zone, out);
}

static int fn_html_date(struct arc_tpl_call *c, arc_value **out)
{
	return format_in_zone("2006-01-02", 10, c->args[0], "Local", out);
}

static int fn_html_date_in_zone(struct arc_tpl_call *c, arc_value **out)
{
	const char *zone;
	size_t zlen;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 1, &zone, &zlen)) < 0)
		return rc;
	if (memchr(zone, '\0', zlen))
		zone = "UTC";
	return format_in_zone("2006-01-02", 10, c->args[0], zone, out);
}

static int date_modify(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *s;
	size_t len;
	const struct arc_gotime *t;
	int64_t d;
	struct arc_gotime r;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &s, &len)) < 0)
		return rc;
	if ((rc = arg_time(c->args[1], &t)) < 0) {
		c->bad_arg = 1;
		return rc;
	}
	if (arc_gotime_parse_duration(s, len, &d) < 0) {
		if (must)
			return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
		arc_error_clear();
		*out = arc_v_ref(c->args[1]);
		return 0;
	}
	r = arc_gotime_add(t, d);
	*out = time_val(&r);
	return 0;
}

static int fn_date_modify(struct arc_tpl_call *c, arc_value **out)
{
	return date_modify(c, out, 0);
}

static int fn_must_date_modify(struct arc_tpl_call *c, arc_value **out)
{
	return date_modify(c, out, 1);
}

/* Duration.Round(time.Second) */
static int64_t round_second(int64_t d)
{
	const int64_t m = 1000000000;
	int64_t r = d % m;
	if (d < 0) {
		r = -r;
		if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
			return d + r;
		if (d - m + r < d)
			return d - m + r;
		return INT64_MIN;
	}
	if ((uint64_t)r + (uint64_t)r < (uint64_t)m)
		return d - r;
	if (d + (m - r) > d)
		return d + (m - r);
	return INT64_MAX;
}

static int fn_ago(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *v = c->args[0];
	const struct arc_gotime *tp = as_time(v);
	struct arc_gotime t, now = arc_gotime_now();
	struct arc_buf b = ARC_BUF_INIT;
	if (tp)
		t = *tp;
	else if (v->kind == ARC_INT && (v->gotype == ARC_GO_DEFAULT || v->gotype == ARC_GO_INT64))
		t = arc_gotime_unix(v->u.i, 0);
	else
		t = now;
	arc_gotime_duration_string(&b, round_second(arc_gotime_sub(&now, &t)));
	*out = arc_v_str_buf(&b);
	return 0;
}

/* strconv.ParseInt(s, 10, 64): syntax errors give 0, range errors clamp */
static int64_t parse_int10(const char *s, size_t n)
{
	size_t i = 0;
	int neg = 0;
	uint64_t v = 0;
	if (n && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	if (i == n)
		return 0;
	for (; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (s[i] < '0' || s[i] > '9')
			return 0;
		if (v > (UINT64_MAX - d) / 10)
			return neg ? INT64_MIN : INT64_MAX;
		v = v * 10 + d;
	}
	if (!neg && v > INT64_MAX)
		return INT64_MAX;
	if (neg && v > (uint64_t)INT64_MAX + 1)
		return INT64_MIN;
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

static int fn_duration(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *v = c->args[0];
	int64_t n = 0;
	struct arc_buf b = ARC_BUF_INIT;
	if (v->kind == ARC_STRING && v->gotype != ARC_GO_BYTES)
		n = parse_int10(v->u.s.ptr, v->u.s.len);
	else if (v->kind == ARC_INT && v->gotype == ARC_GO_INT64)
		n = v->u.i;
	arc_gotime_duration_string(&b, (int64_t)((uint64_t)n * 1000000000ull));
	*out = arc_v_str_buf(&b);
	return 0;
}

static int fn_duration_round(struct arc_tpl_call *c, arc_value **out)
{
	arc_value *v = c->args[0];
	const struct arc_gotime *t = as_time(v);
	int64_t d = 0;
	uint64_t u;
	const uint64_t second = 1000000000ull, minute = 60 * second, hour = 60 * minute, day = 24 * hour,
		       month = 30 * day, year = 365 * day;
	struct arc_buf b = ARC_BUF_INIT;

	if (v->kind == ARC_STRING && v->gotype != ARC_GO_BYTES) {
		if (arc_gotime_parse_duration(v->u.s.ptr, v->u.s.len, &d) < 0) {
			arc_error_clear();
			d = 0;
		}
	} else if (v->kind == ARC_INT && v->gotype == ARC_GO_INT64) {
		d = v->u.i;
	} else if (t) {
		struct arc_gotime now = arc_gotime_now();
		d = arc_gotime_sub(&now, t);
	}
	u = (uint64_t)d;
	if (d < 0)
		u = (uint64_t)0 - u;
	if (u > year)
		arc_buf_printf(&b, "%lluy", (unsigned long long)(u / year));
	else if (u > month)
		arc_buf_printf(&b, "%llumo", (unsigned long long)(u / month));
	else if (u > day)
		arc_buf_printf(&b, "%llud", (unsigned long long)(u / day));
	else if (u > hour)
		arc_buf_printf(&b, "%lluh", (unsigned long long)(u / hour));
	else if (u > minute)
		arc_buf_printf(&b, "%llum", (unsigned long long)(u / minute));
	else if (u > second)
		arc_buf_printf(&b, "%llus", (unsigned long long)(u / second));
	else
		arc_buf_puts(&b, "0s");
	*out = arc_v_str_buf(&b);
	return 0;
}

static int to_date(struct arc_tpl_call *c, arc_value **out, int must)
{
	const char *layout, *value;
	size_t llen, vlen;
	struct arc_gotime t;
	int rc;
	if ((rc = arc_tpl_arg_str(c, 0, &layout, &llen)) < 0 || (rc = arc_tpl_arg_str(c, 1, &value, &vlen)) < 0)
		return rc;
	if (arc_gotime_parse(&t, layout, llen, value, vlen) < 0) {
		if (must)
			return arc_error_code(ARC_E_CALL, "%s", arc_error_last());
		arc_error_clear();
		memset(&t, 0, sizeof(t));
		t.sec = -62135596800LL; /* time.Time{} */
	}
	*out = time_val_take(&t);
	return 0;
}

static int fn_to_date(struct arc_tpl_call *c, arc_value **out)
{
	return to_date(c, out, 0);
}

static int fn_must_to_date(struct arc_tpl_call *c, arc_value **out)
{
	return to_date(c, out, 1);
}

static int fn_unix_epoch(struct arc_tpl_call *c, arc_value **out)
{
	const struct arc_gotime *t;
	int rc;
	if ((rc = arg_time(c->args[0], &t)) < 0) {
		c->bad_arg = 0;
		return rc;
	}
	{
		char *str = xasprintf("%lld", (long long)t->sec);
		*out = arc_v_str_take(str, strlen(str));
	}
	return 0;
}

const struct arc_tpl_func arc_tpl_funcs_date[] = {
	{ "ago", fn_ago, 1, 1 },
	{ "date", fn_date, 2, 2 },
	{ "dateInZone", fn_date_in_zone, 3, 3 },
	{ "dateModify", fn_date_modify, 2, 2 },
	{ "date_in_zone", fn_date_in_zone, 3, 3 },
	{ "date_modify", fn_date_modify, 2, 2 },
	{ "duration", fn_duration, 1, 1 },
	{ "durationRound", fn_duration_round, 1, 1 },
	{ "htmlDate", fn_html_date, 1, 1 },
	{ "htmlDateInZone", fn_html_date_in_zone, 2, 2 },
	{ "mustDateModify", fn_must_date_modify, 2, 2 },
	{ "mustToDate", fn_must_to_date, 2, 2 },
	{ "must_date_modify", fn_must_date_modify, 2, 2 },
	{ "now", fn_now, 0, 0 },
	{ "toDate", fn_to_date, 2, 2 },
	{ "unixEpoch", fn_unix_epoch, 1, 1 },
	{ NULL, NULL, 0, 0 },
};
