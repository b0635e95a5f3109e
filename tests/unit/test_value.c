/* test_value.c - the value model: refcounts, lists, maps, copies */
#include "tap.h"
#include "value/value.h"

#include <stdlib.h>

int main(void)
{
	arc_value *m = arc_v_map(), *l = arc_v_list(), *c;
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
	CHECK(!arc_v_truthy(arc_v_null()) && !arc_v_truthy(arc_v_str("")) && arc_v_truthy(l), "truthiness");
	CHECK(!strcmp(arc_v_gotype_name(l), "[]interface {}") && !strcmp(arc_v_gotype_name(m), "map[string]interface {}"),
	      "Go type names");
	arc_v_unref(c);
	arc_v_unref(l);
	arc_v_unref(m);
	return tap_done();
}
