/*
 * codec.h - YAML and JSON in and out, and Go's fmt printing of values.
 *
 * Ownership as in value.h: every arc_value** out-parameter receives a new
 * reference owned by the caller.  Output functions append to a caller's
 * arc_buf and honour its bound (base.h arc_buf.max): once the buffer is
 * full they stop at once, however large the value (a structure that shares
 * one map at every level is small in memory and exponential in text),
 * leave `over` set, and the encoders return ARC_E_RANGE ("output too
 * large").  A caller tells that from the encoders' other errors by `over`.
 * Every decoder is bounded (nesting depth, alias expansion, input size,
 * number of values) and sets a message naming `name` (a file name or
 * "<stdin>") with line and column on failure.
 */
#ifndef ARC_VALUE_CODEC_H
#define ARC_VALUE_CODEC_H

#include "value.h"

/* The decoders read at most this many values (scalars, lists, maps) from
 * one input: a value costs ~100 bytes here (~200 while YAML is read), and a
 * 64 MiB document of "[1,1,1,…" would otherwise need gigabytes.  Far above
 * real values files, charts and Kubernetes API answers (those average ~30
 * bytes of JSON a value: 10 million is more than the 256 MiB the client
 * takes); Go has no such limit.  Errors: "yaml: document holds more than N
 * values" (ARC_E_PARSE), "json: document holds more than N values"
 * (ARC_E_RANGE). */
#define ARC_YAML_MAX_NODES 4000000
#define ARC_JSON_MAX_NODES 10000000

/* ---- YAML in (libyaml), with Helm's semantics ----
 * Helm reads YAML through sigs.k8s.io/yaml: YAML (1.1 resolution: yes/no/on/off
 * are booleans) → JSON → Go, so with ARC_YAML_FLOATS every number becomes
 * a float64 (values files).  Without it, integers stay ARC_INT (as fromYaml's
 * callers see them after JSON?  no: fromYaml also goes through JSON, so it
 * also uses ARC_YAML_FLOATS; ints are kept only for internal documents).
 * A leading UTF-8 BOM is stripped.  Non-string keys are stringified.
 * Errors: "<name>: " (only when name is non-empty) + the text Go's
 * sigs.k8s.io/yaml gives after its "error converting YAML to JSON: " prefix:
 * "yaml: line L: <yaml.v2 message>", "yaml: unknown anchor 'x' referenced",
 * "json: unsupported value: NaN", "unsupported map key of type: …".
 * Only the first document is read unless ARC_YAML_MULTI. */
enum {
	ARC_YAML_FLOATS = 1 << 0, /* every number → float64 (Helm values semantics) */
	ARC_YAML_MULTI = 1 << 1   /* arc_yaml_load returns a list of all documents */
};
int arc_yaml_load(arc_value **out, const char *name, const char *data, size_t len, unsigned flags);

/* ---- YAML out, byte-identical to Helm's toYaml (sigs.k8s.io/yaml → yaml.v2).
 * Writes the document with its trailing newline (toYaml trims one newline
 * itself).  Returns an error for values YAML cannot hold (objects). */
int arc_yaml_dump(struct arc_buf *b, arc_value *v);
/* toYamlPretty's encoder (yaml.v3, indent 2, on the Go values themselves):
 * no JSON step (float64 1000000 is 1e+06, NaN is .nan), block sequences
 * indented under mapping keys, no folding of long lines.  Same quoting as
 * arc_yaml_dump otherwise. */
int arc_yaml_dump_pretty(struct arc_buf *b, arc_value *v);
/* toYaml's result: the text of arc_yaml_dump (pretty 0) or arc_yaml_dump_pretty
 * (pretty 1) without its last line break, as a string value in *out (a new
 * reference).  b is scratch space (emptied first; its bound applies, and on
 * an error it is left as the writer left it).  The last few large results
 * are remembered with their value and returned again, as the same string
 * value, while nothing in the value has changed (value.h, change tracking). */
int arc_yaml_dump_value(struct arc_buf *b, arc_value *v, int pretty, arc_value **out);

/* ---- JSON ----
 * In: numbers become float64 (Go's encoding/json into interface{}), errors as
 * Go's json texts ("invalid character 'x' looking for beginning of value"). */
int arc_json_load(arc_value **out, const char *name, const char *data, size_t len);
/* As arc_json_load, but like Go a number out of float64 range does not stop
 * decoding: it becomes null, and when the input has no syntax error *out
 * still receives the whole value (caller unrefs) while the return is
 * ARC_E_TYPE with "json: cannot unmarshal number 1e400 into Go value of type
 * float64" (fromJson keeps that partial map and adds its "Error" key). */
int arc_json_load_partial(arc_value **out, const char *name, const char *data, size_t len);
/* Out, byte-identical to Go's encoding/json.Marshal: map keys sorted,
 * floats as Go formats them; ARC_JSON_HTML escapes < > & (toJson), without it
 * not (toRawJson); ARC_JSON_INDENT = MarshalIndent(v, "", "  "). */
enum { ARC_JSON_HTML = 1 << 0, ARC_JSON_INDENT = 1 << 1 };
int arc_json_dump(struct arc_buf *b, arc_value *v, unsigned flags);

/* ---- Go fmt ---- */
/* %v of a value, exactly as Go prints interface{} values: map[a:1 b:[x y]],
 * <nil> nested, 1e+06 for float64(1000000), objects via their class. */
void arc_fmt_v(struct arc_buf *b, arc_value *v);
/* Go's strconv.FormatFloat(f, fmt, prec, 64) for fmt in 'e' 'E' 'f' 'g' 'G'
 * and prec -1 (shortest round-trip). */
void arc_fmt_float(struct arc_buf *b, double f, char fmt, int prec);
/* Go's fmt.Sprintf(format, args...) with every verb and flag Go has
 * (%v %+v %#v %T %d %s %q %x %X %o %O %b %c %U %e %E %f %F %g %G %t %p %%,
 * width, precision and star, flags +-# 0 space), and Go's error forms: %!d(string=x),
 * %!(EXTRA …), %!s(MISSING), %!(NOVERB), %!(BADWIDTH) … */
void arc_fmt_sprintf(struct arc_buf *b, const char *format, size_t flen, arc_value **args, int nargs);
/* Go's strconv.Quote (used by %q and quote) */
void arc_fmt_quote(struct arc_buf *b, const char *s, size_t len);

#endif
