/* test_release.c - Helm release records against records real helm wrote.
 *
 * tests/unit/data/release/ holds release JSON and data.release values that helm v4.1.4 and
 * v3.17.2 stored in a test cluster (tests/e2e/cluster/up.sh) when installing, upgrading and
 * uninstalling the charts next to them (tiny/, locked/, metadata-Chart.yaml); README there
 * says how each was made.  Every expectation below is one of those files, or a property of
 * one (decode then encode gives the same bytes back). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/encoding.h"
#include "chart/chart.h"
#include "chart/load.h"
#include "chart/release.h"
#include "kube/api.h"
#include "value/codec.h"
#include "tap.h"

#define DATA "tests/unit/data/release/"

static char *slurp(const char *name, size_t *len)
{
	char *p = xasprintf(DATA "%s", name), *data = NULL;
	size_t n = 0;
	if (arc_read_file(p, 0, &data, &n) != 0) {
		printf("# cannot read %s: %s\n", p, arc_error_last());
		data = xstrdup("");
		n = 0;
	}
	free(p);
	if (len)
		*len = n;
	return data;
}

static char *to_json(const struct arc_release *r)
{
	struct arc_buf b = ARC_BUF_INIT;
	if (arc_release_to_json(&b, r) != 0) {
		printf("# to_json: %s\n", arc_error_last());
		arc_buf_release(&b);
		return xstrdup("(error)");
	}
	arc_buf_add(&b, "", 0);
	return arc_buf_detach(&b, NULL);
}

static struct arc_release *load_json(const char *name)
{
	size_t n;
	char *js = slurp(name, &n);
	struct arc_release *r = NULL;
	if (arc_release_from_json(&r, js, n) != 0)
		printf("# %s: %s\n", name, arc_error_last());
	free(js);
	return r;
}

/* helm's bytes, decoded and encoded again, are the same bytes */
static void test_roundtrip(void)
{
	static const char *const files[] = {
		"helm4-install.json",  "helm4-superseded.json", "helm4-uninstalled.json",
		"helm4-lock.json",     "helm4-metadata.json",   "helm4-rewrite-of-helm3.json",
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(files); i++) {
		char *want = slurp(files[i], NULL), *got;
		struct arc_release *r = load_json(files[i]);
		CHECK(r != NULL, "%s decodes", files[i]);
		if (!r) {
			free(want);
			continue;
		}
		got = to_json(r);
		CHECK_STR(got, want, files[i]);
		free(got);
		free(want);
		arc_release_free(r);
	}
}

/* a helm 3 record as helm 4 rewrites it (helm 4 upgrade marking it superseded) */
static void test_helm3(void)
{
	struct arc_release *r = load_json("helm3-install.json");
	char *want = slurp("helm4-rewrite-of-helm3.json", NULL), *got;
	CHECK(r != NULL, "helm 3 record decodes");
	if (!r) {
		free(want);
		return;
	}
	CHECK(r->info.deleted == NULL, "helm 3's \"deleted\":\"\" is the zero time");
	CHECK(r->nhooks == 1 && r->hooks[0].started_at && r->hooks[0].weight == 5, "helm 3 hook decoded");
	CHECK_STR(r->info.status, "deployed", "helm 3 status");
	CHECK(r->apply_method == NULL, "no apply_method from helm 3");
	arc_release_set_status(r, ARC_RELEASE_SUPERSEDED, NULL);
	got = to_json(r);
	CHECK_STR(got, want, "helm 3 record re-encoded as helm 4 does");
	free(got);
	free(want);
	arc_release_free(r);

	r = load_json("helm3-uninstalled.json");
	CHECK(r && r->info.deleted && !strcmp(r->info.deleted, "2026-11-28T07:30:36.838446906Z"),
	      "helm 3 deleted time kept");
	CHECK(r && r->info.status && !strcmp(r->info.status, "uninstalled"), "helm 3 uninstalled status");
	CHECK(r && r->config && arc_v_map_len(r->config) == 3, "helm 3 config");
	arc_release_free(r);
}

/* the data.release values from the Secrets */
static void test_decode_stored(void)
{
	size_t n;
	char *b64 = slurp("helm4-lock.b64", &n), *want = slurp("helm4-lock.json", NULL), *got;
	struct arc_release *r = NULL;
	CHECK(arc_release_decode(&r, b64, n) == 0, "decode helm 4's data.release");
	got = r ? to_json(r) : xstrdup("");
	CHECK_STR(got, want, "helm 4 stored record decodes to its JSON");
	CHECK(r && r->chart && r->chart->lock, "lock decoded");
	free(got);
	free(want);
	free(b64);
	arc_release_free(r);

	b64 = slurp("helm3-install.b64", &n);
	r = NULL;
	CHECK(arc_release_decode(&r, b64, n) == 0, "decode helm 3's data.release");
	{
		struct arc_release *j = load_json("helm3-install.json");
		char *a = r ? to_json(r) : xstrdup("x"), *c = j ? to_json(j) : xstrdup("y");
		CHECK_STR(a, c, "helm 3 stored record = its JSON");
		free(a);
		free(c);
		arc_release_free(j);
	}
	CHECK(r && r->version == 1 && r->name && !strcmp(r->name, "y3") && r->namespace &&
		      !strcmp(r->namespace, "cap"),
	      "helm 3 name/version/namespace");
	free(b64);
	arc_release_free(r);
}

static void test_encode(void)
{
	struct arc_release *r = load_json("helm4-install.json"), *back = NULL;
	struct arc_buf enc = ARC_BUF_INIT, raw = ARC_BUF_INIT, plain = ARC_BUF_INIT;
	char *a, *b;
	static const unsigned char hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff };
	if (!r) {
		CHECK(0, "load");
		return;
	}
	CHECK(arc_release_encode(&enc, r) == 0, "encode");
	CHECK(arc_b64_decode(&raw, enc.ptr, enc.len) == 0 && raw.len > 10, "encoded is base64");
	CHECK(raw.len > 10 && !memcmp(raw.ptr, hdr, 10), "gzip header as Go's BestCompression writer");
	CHECK(arc_release_decode(&back, enc.ptr, enc.len) == 0, "decode what we encoded");
	a = to_json(r);
	b = back ? to_json(back) : xstrdup("");
	CHECK_STR(b, a, "encode/decode round trip");
	free(b);
	arc_release_free(back);
	back = NULL;
	/* records stored before compression: plain JSON inside the base64 */
	arc_b64_encode(&plain, a, strlen(a));
	CHECK(arc_release_decode(&back, plain.ptr, plain.len) == 0, "plain JSON record accepted");
	b = back ? to_json(back) : xstrdup("");
	CHECK_STR(b, a, "plain JSON record decodes");
	free(a);
	free(b);
	arc_release_free(back);
	arc_release_free(r);
	arc_buf_release(&enc);
	arc_buf_release(&raw);
	arc_buf_release(&plain);
}

static void set_enabled(arc_value *md)
{
	arc_value *deps = arc_v_map_get(md, "dependencies");
	size_t i;
	for (i = 0; deps && deps->kind == ARC_LIST && i < arc_v_list_len(deps); i++)
		arc_v_map_set(arc_v_list_at(deps, i), "enabled", arc_v_bool(1));
}

/* Chart.yaml written in another order, with other key cases, unknown keys and YAML 1.1
 * scalars: helm's metadata JSON (dependency processing sets enabled: true) */
static void test_metadata(void)
{
	size_t n;
	char *y = slurp("metadata-Chart.yaml", &n), *want = slurp("helm4-metadata.json", NULL), *got;
	arc_value *md = NULL;
	struct arc_release *r = load_json("helm4-metadata.json");
	CHECK(arc_yaml_load(&md, "Chart.yaml", y, n, 0) == 0, "Chart.yaml loads");
	if (r && r->chart && md) {
		set_enabled(md);
		arc_v_unref(r->chart->metadata);
		r->chart->metadata = md;
		md = NULL;
		got = to_json(r);
		CHECK_STR(got, want, "metadata: Metadata's field order, omitempty, case-insensitive keys");
		free(got);
	}
	arc_v_unref(md);
	arc_release_free(r);
	free(y);
	free(want);
}

/* modtimes come from the files helm read; the rest from the chart on disk */
static void copy_modtimes(struct arc_release_chart *dst, const struct arc_release_chart *src)
{
	size_t i, j;
	arc_release_set_str(&dst->modtime, src->modtime);
	arc_release_set_str(&dst->schemamodtime, src->schemamodtime);
	for (i = 0; i < dst->ntemplates; i++)
		for (j = 0; j < src->ntemplates; j++)
			if (!strcmp(dst->templates[i].name, src->templates[j].name))
				arc_release_set_str(&dst->templates[i].modtime, src->templates[j].modtime);
	for (i = 0; i < dst->nfiles; i++)
		for (j = 0; j < src->nfiles; j++)
			if (!strcmp(dst->files[i].name, src->files[j].name))
				arc_release_set_str(&dst->files[i].modtime, src->files[j].modtime);
}

static void check_chart_from(const char *dir, const char *json)
{
	struct arc_chart *c = NULL;
	struct arc_release_chart *rc = NULL;
	struct arc_release *r = load_json(json);
	char *path = xasprintf(DATA "%s", dir), *want = slurp(json, NULL), *got;
	int e = arc_chart_load_dir(&c, path);
	CHECK(e == 0, "load %s", dir);
	if (e)
		printf("# %s\n", arc_error_last());
	if (!e && r && r->chart) {
		/* helm stores the values its coalescing left in the chart: take them as given */
		CHECK(arc_release_chart_from(&rc, c, r->chart->values) == 0, "chart_from %s", dir);
		if (rc) {
			set_enabled(rc->metadata);
			copy_modtimes(rc, r->chart);
			arc_release_chart_free(r->chart);
			r->chart = rc;
			got = to_json(r);
			CHECK_STR(got, want, json);
			free(got);
		}
	}
	arc_chart_free(c);
	arc_release_free(r);
	free(path);
	free(want);
}

static void test_chart_from(void)
{
	check_chart_from("tiny", "helm4-install.json");
	check_chart_from("locked", "helm4-lock.json");
}

static const char *label(arc_value *sec, const char *k)
{
	arc_value *l = arc_obj_at(sec, "metadata.labels");
	arc_value *v = l ? arc_v_map_get(l, k) : NULL;
	return v && v->kind == ARC_STRING ? arc_v_strptr(v) : NULL;
}

static void test_secret(void)
{
	struct arc_release *r = load_json("helm4-superseded.json"), *back = NULL;
	arc_value *sec = NULL;
	struct arc_buf once = ARC_BUF_INIT;
	const char *data;
	char *k = arc_release_key("r4", 12);
	CHECK_STR(k, "sh.helm.release.v1.r4.v12", "record key");
	free(k);
	if (!r)
		return;
	/* labels read from a record (helm keeps the system ones it read, and they win) */
	r->labels = arc_v_map();
	arc_v_map_set(r->labels, "modifiedAt", arc_v_str("1795850792"));
	arc_v_map_set(r->labels, "team", arc_v_str("x"));
	arc_v_map_set(r->labels, "name", arc_v_str("other"));
	arc_v_map_set(r->labels, "status", arc_v_str("deployed"));
	CHECK(arc_release_secret(&sec, r, "modifiedAt") == 0, "secret built");
	CHECK_STR(arc_obj_str(sec, "metadata.name"), "sh.helm.release.v1.r4.v1", "secret name");
	CHECK_STR(arc_obj_str(sec, "metadata.namespace"), "cap", "secret namespace");
	CHECK_STR(arc_obj_str(sec, "type"), "helm.sh/release.v1", "secret type");
	CHECK_STR(label(sec, "name"), "r4", "label name");
	CHECK_STR(label(sec, "owner"), "helm", "label owner");
	CHECK_STR(label(sec, "status"), "superseded", "label status from info.status");
	CHECK_STR(label(sec, "version"), "1", "label version");
	CHECK_STR(label(sec, "modifiedAt"), "1795850792", "a carried modifiedAt wins over now, as in helm");
	CHECK_STR(label(sec, "team"), "x", "custom label kept");
	CHECK(label(sec, "createdAt") == NULL, "no createdAt on update");
	data = arc_obj_str(sec, "data.release");
	CHECK(data && arc_b64_decode(&once, data, strlen(data)) == 0, "data.release is base64 (API layer)");
	CHECK(arc_release_decode(&back, once.ptr ? once.ptr : "", once.len) == 0 && back &&
		      back->version == 1,
	      "data.release decodes");
	arc_release_free(back);
	arc_buf_release(&once);
	arc_v_unref(sec);
	sec = NULL;
	arc_v_unref(r->labels);
	r->labels = NULL;
	CHECK(arc_release_secret(&sec, r, "createdAt") == 0 && label(sec, "createdAt") &&
		      strspn(label(sec, "createdAt"), "0123456789") == strlen(label(sec, "createdAt")),
	      "createdAt stamp in unix seconds");
	arc_v_unref(sec);
	sec = NULL;
	r->version = 0;
	CHECK(arc_release_secret(&sec, r, NULL) != 0 && sec == NULL, "no secret without a version");
	arc_release_free(r);
}

static struct arc_release *rel(int version, const char *status)
{
	struct arc_release *r = arc_release_new();
	r->version = version;
	r->info.status = xstrdup(status);
	return r;
}

static char *prune(const char *statuses, int max)
{
	struct arc_release *h[16];
	int victims[16];
	size_t n = strlen(statuses), i, nv;
	struct arc_buf b = ARC_BUF_INIT;
	for (i = 0; i < n; i++)
		h[i] = rel((int)i + 1, statuses[i] == 'd' ? "deployed" : statuses[i] == 'f' ? "failed" :
									       "superseded");
	nv = arc_release_prune_select(h, n, max, victims);
	for (i = 0; i < nv; i++)
		arc_buf_printf(&b, "%s%d", i ? "," : "", victims[i]);
	for (i = 0; i < n; i++)
		arc_release_free(h[i]);
	arc_buf_add(&b, "", 0);
	return arc_buf_detach(&b, NULL);
}

/* helm's storage.removeLeastRecent: oldest first, never the last deployed */
static void test_prune(void)
{
	static const struct {
		const char *hist;
		int max;
		const char *want;
	} t[] = {
		{ "sssd", 3, "1" },     { "sssd", 1, "1,2,3" }, { "sssd", 4, "" },     { "sssd", -1, "" },
		{ "dsss", 2, "2,3" },   { "sdff", 1, "1,3,4" }, { "ffff", 2, "1,2" },  { "sdsd", 0, "1,2,3" },
		{ "sssd", 0, "1,2,3" }, { "", 0, "" },
	};
	size_t i;
	for (i = 0; i < ARC_ARRAY_LEN(t); i++) {
		char *got = prune(t[i].hist, t[i].max), what[64];
		snprintf(what, sizeof(what), "prune %s to %d", t[i].hist, t[i].max);
		CHECK_STR(got, t[i].want, what);
		free(got);
	}
}

static void test_status(void)
{
	struct arc_release *r = arc_release_new();
	char *now = arc_release_now();
	size_t n = strlen(now);
	CHECK(n >= 20 && now[4] == '-' && now[10] == 'T' && (now[n - 1] == 'Z' || now[n - 6] == '+' ||
								now[n - 6] == '-'),
	      "now is RFC3339Nano: %s", now);
	free(now);
	arc_release_set_status(r, ARC_RELEASE_DEPLOYED, "Install complete");
	CHECK(r->info.deleted == NULL && !strcmp(r->info.description, "Install complete"), "deployed");
	arc_release_set_status(r, ARC_RELEASE_UNINSTALLED, NULL);
	CHECK(r->info.deleted != NULL && !strcmp(r->info.description, "Install complete"),
	      "uninstalled sets deleted, keeps description");
	arc_release_free(r);
	now = arc_release_time_normalize("2024-03-04T05:06:07.100+01:00");
	CHECK_STR(now, "2024-03-04T05:06:07.1+01:00", "Chart.lock time as helm wrote it");
	free(now);
	now = arc_release_time_normalize("yesterday");
	CHECK(now == NULL && *arc_error_last(), "bad time refused: %s", arc_error_last());
	free(now);
}

static int fails(const char *json)
{
	struct arc_release *r = NULL;
	int rc = arc_release_from_json(&r, json, strlen(json));
	arc_release_free(r);
	return rc != 0 && r == NULL;
}

static void test_errors(void)
{
	struct arc_release *r = NULL;
	struct arc_buf b = ARC_BUF_INIT;
	unsigned char junk[40] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff, 1, 2, 3, 4, 5, 6, 7 };
	int ok;
	CHECK(fails("[]"), "a list is not a release");
	CHECK(fails("{\"version\":\"1\"}"), "string version refused");
	CHECK(fails("{\"version\":1.5}"), "fractional version refused");
	CHECK(fails("{\"version\":1e300}"), "huge version refused");
	CHECK(fails("{\"hooks\":[{\"weight\":-1e19}]}"), "huge hook weight refused");
	CHECK(fails("{\"name\":1}"), "numeric name refused");
	CHECK(fails("{\"info\":{\"first_deployed\":\"yesterday\"}}"), "bad time refused");
	CHECK(fails("{\"chart\":{\"templates\":[{\"name\":\"a\",\"data\":\"%%%\"}]}}"), "bad base64 refused");
	CHECK(fails("{\"chart\":{\"metadata\":{\"name\":[1]}}}"), "list as chart name refused");
	CHECK(fails("{\"hooks\":[3]}"), "bad hook refused");
	CHECK(fails("{\"name\":"), "truncated JSON refused");
	CHECK(!fails("{\"NAME\":\"x\",\"Version\":2,\"unknown\":{\"a\":[1]},\"hooks\":null,\"chart\":null}"),
	      "case-insensitive keys, unknown and null fields accepted");
	arc_release_from_json(&r, "{\"NAME\":\"x\",\"Version\":2}", 24);
	CHECK(r && r->name && !strcmp(r->name, "x") && r->version == 2, "case-insensitive field match");
	arc_release_free(r);
	r = NULL;
	CHECK(arc_release_decode(&r, "!!!!", 4) != 0 && !r, "bad base64 record refused");
	arc_b64_encode(&b, junk, sizeof(junk));
	ok = arc_release_decode(&r, b.ptr, b.len) != 0 && !r;
	CHECK(ok, "corrupt gzip refused: %s", arc_error_last());
	arc_buf_reset(&b);
	arc_b64_encode(&b, junk, 12);
	ok = arc_release_decode(&r, b.ptr, b.len) != 0 && !r;
	CHECK(ok, "truncated gzip refused: %s", arc_error_last());
	arc_buf_reset(&b);
	CHECK(arc_release_decode(&r, "", 0) != 0 && !r, "empty record refused");
	/* deep nesting in config and values is bounded by the JSON codec, not a crash */
	{
		struct arc_buf deep = ARC_BUF_INIT;
		int i;
		arc_buf_puts(&deep, "{\"config\":");
		for (i = 0; i < 100000; i++)
			arc_buf_putc(&deep, '[');
		CHECK(arc_release_from_json(&r, deep.ptr, deep.len) != 0 && !r, "deep nesting refused");
		arc_buf_release(&deep);
	}
	arc_buf_release(&b);
}

int main(void)
{
	test_roundtrip();
	test_helm3();
	test_decode_stored();
	test_encode();
	test_metadata();
	test_chart_from();
	test_secret();
	test_prune();
	test_status();
	test_errors();
	return tap_done();
}
