/* fuzz_render.c - template execution with values built from the input, in a
 * chart (so Helm's functions work: include, tpl, toYaml, required, lookup…).
 * Input: TEMPLATE [NUL VALUE-BYTES].  The template is templates/fuzz.yaml of
 * a chart that also has a helpers file with a few defines; the bytes after
 * the first NUL drive a generator of .Values (nulls, bools, ints of every Go
 * type, floats incl. NaN and infinities, strings with any bytes, nested lists
 * and maps); without them .Values comes from a fixed YAML document. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart/chart.h"
#include "chart/load.h"
#include "value/codec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t n;
};

static unsigned take(struct src *s)
{
	if (!s->n)
		return 0;
	s->n--;
	return *s->p++;
}

static uint64_t take64(struct src *s)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 8; i++)
		v = v << 8 | take(s);
	return v;
}

static const char *const words[] = {
	"", "0", "1", "-1", "true", "false", "null", "~", "yes", "1e3", "0x10", "a.b", "{{ .Values }}",
	"{{ include \"h.name\" . }}", "<no value>", "- x", "key: value", "\xff\xfe", "é", "\n", "a\tb",
	"[1, 2]", "{a: 1}", "9223372036854775807", "NaN", ".inf", "apps/v1", "Deployment",
};

static arc_value *gen(struct src *s, int depth)
{
	unsigned op = take(s), n, i;
	uint64_t u;
	double d;
	arc_value *v;
	char key[16];

	switch (op % 13) {
	case 0:
		return arc_v_null();
	case 1:
		return arc_v_bool(op & 0x10);
	case 2:
		return arc_v_int((int8_t)take(s));
	case 3:
		return arc_v_int_typed((int64_t)take64(s), (int)(take(s) % 5)); /* int, int64, int32, uint8, uint64 */
	case 4:
		u = take64(s);
		memcpy(&d, &u, sizeof(d)); /* any bits: NaN, infinities, denormals */
		return arc_v_float(d);
	case 5:
		return arc_v_float((double)(int8_t)take(s) / 4);
	case 6:
		n = take(s) % 48;
		if (n > s->n)
			n = (unsigned)s->n;
		v = arc_v_strn((const char *)s->p, n);
		s->p += n;
		s->n -= n;
		return v;
	case 7:
	case 8:
		return arc_v_str(words[take(s) % ARC_ARRAY_LEN(words)]);
	case 9:
	case 10:
		v = arc_v_list();
		n = depth < 8 ? take(s) % 6 : 0;
		for (i = 0; i < n && s->n; i++)
			arc_v_list_push(v, gen(s, depth + 1));
		return v;
	default:
		v = arc_v_map();
		n = depth < 8 ? take(s) % 6 : 0;
		for (i = 0; i < n && s->n; i++) {
			unsigned k = take(s);
			if (k & 0x80)
				snprintf(key, sizeof(key), "%s", words[k % ARC_ARRAY_LEN(words)]);
			else
				snprintf(key, sizeof(key), "%c%u", 'a' + (k % 6), k % 3);
			arc_v_map_set(v, key, gen(s, depth + 1));
		}
		return v;
	}
}

static const char chart_yaml[] = "apiVersion: v2\nname: fuzz\nversion: 1.0.0\n";
static const char helpers[] =
	"{{- define \"h.name\" -}}{{ .Chart.Name | trunc 63 | trimSuffix \"-\" }}{{- end -}}\n"
	"{{- define \"h.labels\" -}}app: {{ include \"h.name\" . }}\n{{ toYaml .Values.a0 }}{{- end -}}\n"
	"{{- define \"h.rec\" -}}{{ include \"h.rec\" . }}{{- end -}}\n";
static const char values_yaml[] =
	"a0: {b1: [1, x, {c2: true}], s: text}\nb1: null\nc2: [a, b]\nlist: [3, 2, 1]\nimage: {tag: v1}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct arc_chart_file files[4];
	struct arc_chart *c = NULL;
	struct arc_render_opts opt;
	struct arc_render_result res;
	arc_value *vals = NULL;

	if (size > 65536)
		return 0;
	files[0] = (struct arc_chart_file){ (char *)"Chart.yaml", (char *)chart_yaml, sizeof(chart_yaml) - 1 };
	files[1] = (struct arc_chart_file){ (char *)"templates/_helpers.tpl", (char *)helpers, sizeof(helpers) - 1 };
	files[2] = (struct arc_chart_file){ (char *)"templates/fuzz.yaml", (char *)data, tlen };
	files[3] = (struct arc_chart_file){ (char *)"values.yaml", (char *)values_yaml, sizeof(values_yaml) - 1 };
	if (arc_chart_load_files(&c, files, 4) != 0) {
		arc_error_clear();
		return 0;
	}
	if (nul) {
		struct src s = { nul + 1, size - tlen - 1 };
		arc_value *g = gen(&s, 0);
		if (g->kind != ARC_MAP) {
			vals = arc_v_map();
			arc_v_map_set(vals, "a0", g);
		} else {
			vals = g;
		}
	}
	memset(&opt, 0, sizeof(opt));
	opt.values = vals; /* NULL: the chart's values.yaml */
	opt.tpl.max_output = 1u << 20;
	opt.tpl.missingkey_error = (int)(size & 1);
	if (arc_chart_render(&res, c, &opt) == 0)
		arc_render_result_release(&res);
	else if (!*arc_error_last())
		abort(); /* an error always comes with its message */
	arc_v_unref(vals);
	arc_chart_free(c);
	arc_error_clear();
	return 0;
}
