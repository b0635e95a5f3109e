/* test_table.c - kubectl's AGE (duration.HumanDuration), tabwriter-style alignment, no-headers,
 * colours, and the embedded runner templates rendering the runner objects */
#include "tap.h"
#include "cmd/runners.h"
#include "cmd/table.h"
#include "kube/api.h"
#include "value/codec.h"

#include <stdlib.h>

static const char *age(long long s)
{
	static char buf[32];
	arc_human_duration(buf, sizeof(buf), s);
	return buf;
}

static char *print(struct arc_table *t, unsigned flags)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	arc_table_print(t, f, flags);
	fclose(f);
	return out;
}

static const char *green_ready(void *ctx, size_t col, const char *const *row)
{
	(void)ctx;
	(void)row;
	return col == 1 ? "32" : NULL;
}

int main(void)
{
	static const char *const h[] = { "NAME", "READY", "AGE" };
	static const char *const r1[] = { "web", "1", "5s" };
	static const char *const r2[] = { "a-much-longer-name", "10", "3d4h" };
	struct arc_table *t;
	char *out, buf[32];
	struct arc_tpl_set *set = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	arc_value *data, *runner, *target, *obj = NULL;

	/* k8s.io/apimachinery/pkg/util/duration.HumanDuration */
	CHECK_STR(age(-5), "<invalid>", "a time far in the future");
	CHECK_STR(age(-1), "0s", "a second of clock skew");
	CHECK_STR(age(0), "0s", "now");
	CHECK_STR(age(119), "119s", "seconds below two minutes");
	CHECK_STR(age(120), "2m", "two minutes");
	CHECK_STR(age(125), "2m5s", "minutes and seconds below ten minutes");
	CHECK_STR(age(600), "10m", "ten minutes");
	CHECK_STR(age(3 * 3600 - 1), "179m", "minutes below three hours");
	CHECK_STR(age(3 * 3600 + 120), "3h2m", "hours and minutes below eight hours");
	CHECK_STR(age(8 * 3600), "8h", "hours below two days");
	CHECK_STR(age(50 * 3600), "2d2h", "days and hours below eight days");
	CHECK_STR(age(30 * 86400), "30d", "days below two years");
	CHECK_STR(age(3LL * 365 * 86400 + 86400), "3y1d", "years and days below eight years");
	CHECK_STR(age(9LL * 365 * 86400), "9y", "years");
	arc_age(buf, sizeof(buf), "2024-05-01T10:00:00Z", 1714557600 + 90);
	CHECK_STR(buf, "90s", "AGE of an RFC 3339 timestamp");
	arc_age(buf, sizeof(buf), "garbage", 0);
	CHECK_STR(buf, "<unknown>", "AGE of a malformed timestamp");

	/* alignment: width of the widest cell + 3, at least 6; last column unpadded */
	t = arc_table_new(h, 3);
	arc_table_add(t, r1);
	arc_table_add(t, r2);
	CHECK(arc_table_rows(t) == 2, "two rows");
	out = print(t, 0);
	CHECK_STR(out,
		  "NAME                 READY   AGE\n"
		  "web                  1       5s\n"
		  "a-much-longer-name   10      3d4h\n",
		  "columns aligned as kubectl's tabwriter");
	free(out);
	out = print(t, ARC_TABLE_NO_HEADERS);
	CHECK_STR(out, "web                  1       5s\na-much-longer-name   10      3d4h\n", "no headers");
	free(out);
	arc_table_set_color(t, green_ready, NULL);
	out = print(t, ARC_TABLE_NO_HEADERS);
	CHECK_STR(out, "web                  1       5s\na-much-longer-name   10      3d4h\n",
		  "no colour unless asked for");
	free(out);
	out = print(t, ARC_TABLE_COLOR);
	CHECK(strstr(out, "web                  \033[32m1\033[0m       5s\n") != NULL,
	      "colour codes do not count for alignment");
	CHECK(strncmp(out, "NAME ", 5) == 0, "the header is not coloured");
	free(out);
	arc_table_free(t);
	{
		static const char *const hu[] = { "NAMÉ", "X" };
		static const char *const ru[] = { "a\tb", "y" };
		t = arc_table_new(hu, 2);
		arc_table_add(t, ru);
		out = print(t, 0);
		CHECK_STR(out, "NAMÉ   X\na b    y\n", "UTF-8 counted as characters; tabs in cells become spaces");
		free(out);
		arc_table_free(t);
	}

	/* the embedded templates */
	CHECK(arc_runner_templates(&set) == 0, "the embedded templates parse");
	data = arc_v_map();
	runner = arc_v_map();
	target = arc_v_map();
	arc_v_map_set(target, "Kind", arc_v_str("repository"));
	arc_v_map_set(target, "Value", arc_v_str("octo/web"));
	arc_v_map_set(runner, "DinD", arc_v_bool(1));
	arc_v_map_set(runner, "GPU", arc_v_int(2));
	arc_v_map_set(runner, "Resources", arc_v_map());
	arc_v_map_set(data, "Name", arc_v_str("ml"));
	arc_v_map_set(data, "Namespace", arc_v_str("ci"));
	arc_v_map_set(data, "Target", target);
	arc_v_map_set(data, "Runner", runner);
	arc_v_map_set(data, "PodSpec", arc_v_map());
	CHECK(set && arc_tpl_execute(set, "runnerdeployment.yaml", data, &b) == 0, "runnerdeployment.yaml renders: %s",
	      arc_error_last());
	CHECK(arc_yaml_load(&obj, "rd", arc_buf_cstr(&b), b.len, 0) == 0 && obj->kind == ARC_MAP, "as one YAML map");
	{
		struct arc_rd_summary s;
		arc_rd_summarize(obj, &s);
		CHECK(s.dind && s.gpu == 2 && s.target_kind && !strcmp(s.target, "octo/web") &&
			      s.image && !strcmp(s.image, "summerwind/actions-runner-dind"),
		      "DinD + GPU presets in the rendered object");
		CHECK(arc_obj_at(obj, "spec.replicas") == NULL, "no replicas unless --replicas");
	}
	arc_v_unref(obj);
	arc_v_unref(data);
	arc_buf_release(&b);
	arc_tpl_set_free(set);
	return tap_done();
}
