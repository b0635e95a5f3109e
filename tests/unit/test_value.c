/* test_value.c - the value model: refcounts, lists, maps, copies, object
 * class hooks, and the codecs' stop at a bounded buffer */
#include "tap.h"
#include "value/codec.h"
#include "value/toml.h"
#include "value/value.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- two test classes: a named integer type ("test.Level", String() is a
 * word) and a struct with a MarshalJSON method ("test.Stamp") ---- */

static int level_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			arc_value **out)
{
	if (!name[0]) {
		*out = arc_v_int(*(int64_t *)self->u.o.data);
		return 0;
	}
	return ARC_E_NOTFOUND;
}

static void level_format(arc_value *self, struct arc_buf *b)
{
	arc_buf_printf(b, "level-%lld", (long long)*(int64_t *)self->u.o.data);
}

static const struct arc_vclass level_class = {
	.gotype = "test.Level", .lookup = level_lookup, .format = level_format, .free = free,
};

static int stamp_lookup(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
			arc_value **out)
{
	if (!strcmp(name, "MarshalJSON")) {
		*out = arc_v_str("\"2024-03-15T12:30:45Z\"");
		(*out)->gotype = ARC_GO_BYTES;
		return 0;
	}
	if (!strcmp(name, "Broken"))
		return arc_error_code(ARC_E_CALL, "broken");
	return ARC_E_NOTFOUND;
}

static const struct arc_vclass stamp_class = {
	.gotype = "test.Stamp", .lookup = stamp_lookup, .format = NULL, .free = NULL,
};

static arc_value *level(int64_t v)
{
	int64_t *p = malloc(sizeof(*p));
	*p = v;
	return arc_v_object(&level_class, p);
}

static char *json_of(arc_value *v, int *rc)
{
	struct arc_buf b = ARC_BUF_INIT;
	*rc = arc_json_dump(&b, v, ARC_JSON_HTML);
	return arc_buf_detach(&b, NULL);
}

static void test_hooks(void)
{
	arc_value *lv = level(3), *st = arc_v_object(&stamp_class, NULL), *l = arc_v_list(), *u, *args[2];
	struct arc_buf b = ARC_BUF_INIT;
	int64_t i = 0;
	char *s;
	int rc;

	u = arc_v_underlying(lv);
	CHECK(u && u->kind == ARC_INT && u->u.i == 3, "underlying of a named integer type");
	arc_v_unref(u);
	CHECK(arc_v_object_int(lv, &i) && i == 3, "arc_v_object_int");
	CHECK(arc_v_underlying(st) == NULL && !arc_v_object_int(st, &i), "a struct has no underlying value");
	CHECK(arc_v_underlying(l) == NULL, "not an object: no underlying value");
	CHECK_STR(arc_v_gokind_name(lv), "int", "kind of a named integer type");
	CHECK_STR(arc_v_gokind_name(st), "struct", "kind of a struct");
	CHECK(arc_v_marshal_json(lv, &u) == ARC_E_NOTFOUND && !u, "no MarshalJSON");
	CHECK(arc_v_marshal_json(st, &u) == 0 && u && !strcmp(arc_v_strptr(u), "\"2024-03-15T12:30:45Z\""),
	      "MarshalJSON text");
	arc_v_unref(u);

	/* Go's fmt: the integer for integer verbs, String() for %v %s %q %x */
	arc_fmt_sprintf(&b, "%v|%d|%s|%x|%05d|%c|%f|%T", 32, (arc_value *[]){ lv, lv, lv, lv, lv, lv, lv, lv }, 8);
	CHECK_STR(arc_buf_cstr(&b), "level-3|3|level-3|6c6576656c2d33|00003|\x03|%!f(test.Level=3)|test.Level",
		  "printf of a named integer type");
	arc_buf_reset(&b);
	arc_v_list_push(l, arc_v_ref(lv));
	arc_v_list_push(l, arc_v_int(7));
	args[0] = l;
	args[1] = l;
	arc_fmt_sprintf(&b, "%d %v", 5, args, 2);
	CHECK_STR(arc_buf_cstr(&b), "[3 7] [level-3 7]", "%d and %v inside a list");
	arc_buf_release(&b);
	arc_v_list_set(l, 1, arc_v_ref(st));

	/* encoding/json: the integer, the MarshalJSON text */
	s = json_of(l, &rc);
	CHECK(rc == 0, "toJson of objects");
	CHECK_STR(s, "[3,\"2024-03-15T12:30:45Z\"]", "toJson uses the class hooks");
	free(s);

	/* YAML (through JSON, as sigs.k8s.io/yaml) and TOML */
	rc = arc_yaml_dump(&b, l);
	CHECK(rc == 0, "toYaml of objects");
	CHECK_STR(arc_buf_cstr(&b), "- 3\n- \"2024-03-15T12:30:45Z\"\n", "toYaml uses the class hooks");
	arc_buf_release(&b);
	u = arc_v_map();
	arc_v_map_set(u, "l", arc_v_ref(lv));
	arc_v_map_set(u, "t", arc_v_ref(st));
	rc = arc_toml_dump(&b, u);
	CHECK(rc == 0, "toToml of objects");
	CHECK_STR(arc_buf_cstr(&b), "l = 3\nt = \"2024-03-15T12:30:45Z\"\n", "toToml uses the class hooks");
	arc_buf_release(&b);
	arc_v_unref(u);

	arc_v_unref(l);
	arc_v_unref(lv);
	arc_v_unref(st);
}

/* A map that holds the previous one twice, 60 levels: 2^60 leaves in text,
 * 60 maps in memory.  Every writer must stop at a bounded buffer, quickly. */
static void test_bounded_output(void)
{
	arc_value *x = arc_v_map(), *y;
	struct arc_buf b = ARC_BUF_INIT;
	clock_t t0 = clock();
	int i, rc;

	for (i = 0; i < 60; i++) {
		y = arc_v_map();
		arc_v_map_set(y, "a", arc_v_ref(x));
		arc_v_map_set(y, "b", x);
		x = y;
	}
	b.max = 1 << 20;
	arc_fmt_v(&b, x);
	CHECK(b.over && b.len == b.max, "%%v stops at the buffer's bound");
	arc_buf_release(&b);
	b.max = 1 << 20;
	arc_buf_add(&b, "x", 1);
	arc_fmt_sprintf(&b, "%v %v", 5, (arc_value *[]){ x, x }, 2);
	CHECK(b.over && b.len == b.max, "Sprintf stops at the buffer's bound");
	arc_buf_release(&b);

	b.over = 0;
	b.max = 1 << 20;
	rc = arc_json_dump(&b, x, ARC_JSON_HTML);
	CHECK(rc == ARC_E_RANGE && b.over, "JSON stops at the buffer's bound: %s", arc_error_last());
	arc_buf_release(&b);
	b.over = 0;
	b.max = 1 << 20;
	rc = arc_json_dump(&b, x, ARC_JSON_HTML | ARC_JSON_INDENT);
	CHECK(rc == ARC_E_RANGE && b.over, "indented JSON stops at the buffer's bound");
	arc_buf_release(&b);
	b.over = 0;
	b.max = 1 << 20;
	rc = arc_yaml_dump(&b, x);
	CHECK(rc == ARC_E_RANGE && b.over && b.len == 0, "YAML stops at the buffer's bound: %s", arc_error_last());
	arc_buf_release(&b);
	b.over = 0;
	b.max = 1 << 20;
	rc = arc_yaml_dump_pretty(&b, x);
	CHECK(rc == ARC_E_RANGE && b.over, "pretty YAML stops at the buffer's bound");
	arc_buf_release(&b);
	b.over = 0;
	b.max = 1 << 20;
	rc = arc_toml_dump(&b, x);
	CHECK(rc == ARC_E_RANGE && b.over, "TOML stops at the buffer's bound: %s", arc_error_last());
	arc_buf_release(&b);
	b.over = 0;
	b.max = 0;
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 20, "bounded writers finish quickly");

	/* nested lists shared twice per level: TOML's layout choice walks them */
	y = arc_v_list();
	for (i = 0; i < 60; i++) {
		arc_value *z = arc_v_list();
		arc_v_list_push(z, arc_v_ref(y));
		arc_v_list_push(z, y);
		y = z;
	}
	arc_v_unref(x);
	x = arc_v_map();
	arc_v_map_set(x, "a", y);
	rc = arc_toml_dump(&b, x);
	CHECK(rc == ARC_E_RANGE && b.over, "TOML's walk over shared lists is bounded: %s", arc_error_last());
	arc_buf_release(&b);
	arc_v_unref(x);

	/* a bounded buffer with room: output as usual */
	x = arc_v_map();
	arc_v_map_set(x, "k", arc_v_str("v"));
	b.max = 100;
	rc = arc_json_dump(&b, x, 0);
	CHECK(rc == 0 && !b.over && !strcmp(arc_buf_cstr(&b), "{\"k\":\"v\"}"), "room enough: JSON as usual");
	arc_buf_release(&b);
	b.over = 0;
	b.max = 5;
	rc = arc_json_dump(&b, x, 0);
	CHECK(rc == ARC_E_RANGE && b.over, "one byte short: ARC_E_RANGE");
	arc_buf_release(&b);
	arc_v_unref(x);
}

int main(void)
{
	arc_value *m = arc_v_map(), *l = arc_v_list(), *c, *e;
	char key[32];
	size_t *idx;
	int i;

	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%03d", 99 - i);
		arc_v_map_set(m, key, arc_v_int(i));
	}
	CHECK(arc_v_map_len(m) == 100, "map holds 100 keys");
	CHECK(arc_v_map_get(m, "k000")->u.i == 99, "hashed lookup finds a key");
	CHECK(arc_v_map_get(m, "nope") == NULL, "missing key is NULL");
	CHECK(!strcmp(arc_v_map_key(m, 0), "k099"), "insertion order kept");
	idx = arc_v_map_sorted(m);
	CHECK(!strcmp(arc_v_map_key(m, idx[0]), "k000") && !strcmp(arc_v_map_key(m, idx[99]), "k099"),
	      "sorted view is byte order");
	free(idx);
	for (i = 0; i < 95; i++) {
		snprintf(key, sizeof(key), "k%03d", i);
		arc_v_map_del(m, key);
	}
	CHECK(arc_v_map_len(m) == 5 && arc_v_map_get(m, "k097") && !arc_v_map_get(m, "k010"),
	      "delete shrinks and keeps the rest");
	arc_v_map_set(m, "k097", arc_v_str("replaced"));
	CHECK(arc_v_map_len(m) == 5 && arc_v_map_get(m, "k097")->kind == ARC_STRING, "set replaces in place");

	arc_v_list_push(l, arc_v_ref(m));
	arc_v_list_push(l, arc_v_null());
	c = arc_v_copy_deep(l);
	CHECK(arc_v_equal(c, l), "deep copy is equal");
	arc_v_map_set(m, "new", arc_v_bool(1));
	CHECK(!arc_v_equal(c, l), "deep copy is independent");
	CHECK(arc_v_map_get(arc_v_list_at(l, 0), "new") != NULL, "maps are shared by reference");
	e = arc_v_str("");
	CHECK(!arc_v_truthy(arc_v_null()) && !arc_v_truthy(e) && arc_v_truthy(l), "truthiness");
	arc_v_unref(e);
	CHECK(!strcmp(arc_v_gotype_name(l), "[]interface {}") && !strcmp(arc_v_gotype_name(m), "map[string]interface {}"),
	      "Go type names");
	arc_v_unref(c);
	arc_v_unref(l);
	arc_v_unref(m);

	test_hooks();
	test_bounded_output();
	return tap_done();
}
