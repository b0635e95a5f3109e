/*
 * value.h - the value model shared by templates, charts and the Kubernetes
 * client: null, bool, int64, float64, string, list, map, and opaque objects.
 *
 * OWNERSHIP RULE (the one rule, as in jq's jv.h):
 *   - Every arc_value* is reference counted.  A function that RETURNS an
 *     arc_value* gives the caller one reference, which the caller must drop
 *     with arc_v_unref() — except getters named *_get / *_at / *_key, which
 *     return BORROWED pointers valid as long as the container is alive and
 *     unmodified.
 *   - A function PARAMETER is borrowed, except where the parameter is named
 *     `take` (arc_v_list_push(l, take), arc_v_map_set(m, k, take)): then the
 *     callee consumes the caller's reference.
 *   - Lists and maps are SHARED AND MUTABLE: two references see the same
 *     container, and set/unset/push change it for both (Sprig's set, unset
 *     and merge mutate in place, as Go maps do).  Use arc_v_copy_deep() for
 *     an independent copy.
 *   - Reference counts are not atomic: a value belongs to one thread at a time.
 *   - NULL is never a valid arc_value*; "no value" is arc_v_null().
 *
 * Go types: templates must know the Go type a value stands for (typeOf,
 * kindOf, printf %T, int-vs-float comparison rules, "expected int; got
 * float64").  `gotype` refines the kind: an ARC_INT is Go `int` unless marked
 * ARC_GO_INT64; a list is `[]interface {}` unless marked `[]string`, etc.
 */
#ifndef ARC_VALUE_H
#define ARC_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/base.h"

typedef enum arc_vkind {
	ARC_NULL = 0,
	ARC_BOOL,
	ARC_INT,    /* int64_t */
	ARC_FLOAT,  /* double */
	ARC_STRING, /* bytes + length, always NUL-terminated, may hold NULs */
	ARC_LIST,
	ARC_MAP,    /* string keys, insertion ordered, hashed */
	ARC_OBJECT  /* opaque Go-like object with fields/methods (see arc_vclass) */
} arc_vkind;

/* Finer Go type of a value, for reflection functions. 0 = the kind's default:
 * NULL→<nil>  BOOL→bool  INT→int  FLOAT→float64  STRING→string
 * LIST→[]interface {}  MAP→map[string]interface {} */
enum arc_gotype {
	ARC_GO_DEFAULT = 0,
	ARC_GO_INT64,   /* ARC_INT: int64 */
	ARC_GO_INT32,   /* ARC_INT: int32 (rune) */
	ARC_GO_UINT8,   /* ARC_INT: uint8 (byte) */
	ARC_GO_UINT64,  /* ARC_INT: uint64 */
	ARC_GO_BYTES,   /* ARC_STRING: []uint8 (printed as a list of numbers by %v) */
	ARC_GO_STRINGS, /* ARC_LIST: []string */
	ARC_GO_INTS,    /* ARC_LIST: []int */
	ARC_GO_VALUES,  /* ARC_MAP: chartutil.Values (Helm's .Values and friends) */
	ARC_GO_MAPSTR,  /* ARC_MAP: map[string]string */
	ARC_GO_LISTS    /* ARC_LIST: [][]interface {} (chunk) */
};

typedef struct arc_value arc_value;

/* flags */
#define ARC_VF_CONST 0x1 /* made by the template executor from a literal in the template
			    (Go type-checks literals differently: "expected integer; found 1.5") */
#define ARC_VF_NILIFACE 0x2 /* the template executor's "nil interface{}": a missing or null map
			       entry or list element used directly as an argument (Go tells it
			       apart from an untyped nil: "wrong type for value; expected string;
			       got interface {}", "len of nil pointer"); kind is ARC_NULL */
#define ARC_VF_NIL 0x4 /* an empty list or map that stands for Go's nil slice/map: JSON null */
#define ARC_VF_WATCHED 0x8 /* a list or map some remembered result was computed from
			      (yaml_out.c): changing it through the functions below
			      advances arc_v_epoch() */

/* An object's behaviour.  `lookup` resolves `.Name` (nargs == 0, args NULL)
 * or a method call `.Name a b` (nargs >= 0 with is_call set): it returns 0
 * and a new reference in *out, ARC_E_NOTFOUND if there is no such field or
 * method (the executor then reports Go's "can't evaluate field" error), or
 * another error with a message set (ARC_E_CALL for "error calling X: …").
 *
 * Class hooks.  Go code sees more of a value than its methods: the kind
 * under a named type and the interfaces it implements.  A class offers
 * them through `lookup` under two reserved names, so that they are also
 * what a template reaching for them gets, as in Go:
 *   ""             (is_call 0, no args) the value of the type underneath a
 *                  named integer, map or slice type: time.Month → int 3,
 *                  time.Duration → int64 nanoseconds, Helm's engine.files
 *                  → its map.  Structs answer ARC_E_NOTFOUND.  Read it with
 *                  arc_v_underlying().
 *   "MarshalJSON"  (is_call 1, no args) Go's json.Marshaler: the object's
 *                  JSON text as a []byte string (ARC_GO_BYTES): time.Time →
 *                  its RFC 3339 string, *semver.Version → its String() in
 *                  quotes.  Read it with arc_v_marshal_json().
 * Go's fmt prints an object with an underlying integer by that integer for
 * the integer verbs and by `format` (its String()) for %v %s %q %x %X;
 * encoding/json, the template comparisons and truth use the integer;
 * objects that have neither hook are structs to them.  (Hooks rather than
 * more function pointers: classes are written as positional initializers
 * of these four fields.) */
struct arc_vclass {
	const char *gotype; /* e.g. "*semver.Version", "time.Time", "chart.Files" */
	int (*lookup)(arc_value *self, const char *name, int is_call, arc_value **args, int nargs,
		      arc_value **out);
	/* Go's %v of the object (may be NULL: prints "{}") */
	void (*format)(arc_value *self, struct arc_buf *b);
	/* frees `data` (may be NULL) */
	void (*free)(void *data);
};

struct arc_mapent {
	char *key;
	size_t klen;
	uint32_t hash;
	arc_value *val;
};

struct arc_value {
	uint32_t refcnt; /* 0 = immortal (static singletons) */
	uint8_t kind;    /* arc_vkind */
	uint8_t gotype;  /* enum arc_gotype */
	uint16_t flags;
	union {
		int b;
		int64_t i;
		double f;
		struct {
			char *ptr;
			size_t len;
		} s;
		struct {
			arc_value **items;
			size_t len, cap;
		} l;
		struct {
			struct arc_mapent *ents;
			size_t len, cap;
			uint32_t *index; /* open-addressed, entry index + 1, or NULL for small maps */
			size_t icap;
		} m;
		struct {
			const struct arc_vclass *cls;
			void *data;
		} o;
	} u;
};

/* ---- construction (each returns a new reference) ---- */
arc_value *arc_v_null(void);
/* the template literal `nil` (Go: "cannot assign nil to string") */
arc_value *arc_v_null_const(void);
arc_value *arc_v_bool(int b);
arc_value *arc_v_int(int64_t i);             /* Go int */
arc_value *arc_v_int_typed(int64_t i, int gotype);
arc_value *arc_v_float(double f);
arc_value *arc_v_str(const char *s);         /* copies */
arc_value *arc_v_strn(const char *s, size_t len); /* copies */
arc_value *arc_v_str_take(char *s, size_t len);    /* takes a malloc'd, NUL-terminated buffer */
arc_value *arc_v_str_buf(struct arc_buf *b);       /* takes the buffer's bytes; b left empty */
arc_value *arc_v_list(void);
arc_value *arc_v_map(void);
arc_value *arc_v_object(const struct arc_vclass *cls, void *data);

/* ---- references ---- */
arc_value *arc_v_ref(arc_value *v); /* returns v */
void arc_v_unref(arc_value *v);     /* NULL is allowed and ignored */

/* ---- inspection ---- */
static inline arc_vkind arc_v_kind(const arc_value *v) { return (arc_vkind)v->kind; }
static inline int arc_v_is(const arc_value *v, arc_vkind k) { return v->kind == k; }
/* Go's type name: "int", "float64", "[]interface {}", "map[string]interface {}", "<nil>", … */
const char *arc_v_gotype_name(const arc_value *v);
/* Go's reflect.Kind name: "int", "int64", "float64", "string", "slice", "map", "bool", "ptr", "struct", "invalid" */
const char *arc_v_gokind_name(const arc_value *v);
/* Go template truth: false, 0, 0.0, nil, "", empty list/map are false; objects true */
int arc_v_truthy(const arc_value *v);
/* Deep structural equality (Go reflect.DeepEqual on the JSON-like model, types must match) */
int arc_v_equal(const arc_value *a, const arc_value *b);

static inline const char *arc_v_strptr(const arc_value *v) { return v->u.s.ptr; }
static inline size_t arc_v_strlen(const arc_value *v) { return v->u.s.len; }

/* ---- lists ---- */
size_t arc_v_list_len(const arc_value *l);
arc_value *arc_v_list_at(const arc_value *l, size_t i);  /* borrowed */
void arc_v_list_push(arc_value *l, arc_value *take);
void arc_v_list_set(arc_value *l, size_t i, arc_value *take); /* i < len */

/* ---- maps ---- */
size_t arc_v_map_len(const arc_value *m);
arc_value *arc_v_map_get(const arc_value *m, const char *key);              /* borrowed or NULL */
arc_value *arc_v_map_getn(const arc_value *m, const char *key, size_t klen); /* borrowed or NULL */
void arc_v_map_set(arc_value *m, const char *key, arc_value *take);
void arc_v_map_setn(arc_value *m, const char *key, size_t klen, arc_value *take);
int arc_v_map_del(arc_value *m, const char *key); /* 1 if removed */
/* i-th entry in insertion order (i < len); borrowed */
const char *arc_v_map_key(const arc_value *m, size_t i);
size_t arc_v_map_keylen(const arc_value *m, size_t i);
arc_value *arc_v_map_val(const arc_value *m, size_t i);
/* indices of the entries sorted by key in byte order (Go's sort.Strings); caller frees */
size_t *arc_v_map_sorted(const arc_value *m);

/* ---- objects (class hooks, see struct arc_vclass) ---- */
/* The value under a named integer, map or slice type: a new reference, or
 * NULL when v is not an object or its class has none (no error is left set). */
arc_value *arc_v_underlying(arc_value *v);
/* The underlying integer of an object of a named integer type: 1 and *out
 * set, or 0 (not such an object). */
int arc_v_object_int(arc_value *v, int64_t *out);
/* Go's MarshalJSON of an object: 0 and a new reference to the JSON text
 * (a string) in *out; ARC_E_NOTFOUND (no message) when the class has no
 * MarshalJSON; another negative code with the method's message set. */
int arc_v_marshal_json(arc_value *v, arc_value **out);

/* ---- change tracking ----
 * A function whose result depends only on a value's content (toYaml) may
 * remember the result for that value: it marks the value's containers
 * ARC_VF_WATCHED and notes arc_v_epoch().  Every change to a watched
 * container (arc_v_list_push/_set, arc_v_map_set/_setn/_del) advances the
 * epoch, so the result still holds while the epoch is unchanged (and the
 * rememberer holds a reference, so the address is not reused).  Code that
 * changes a container's items, entries or types in place by other means
 * must call arc_v_touch() on it first. */
uint64_t arc_v_epoch(void);
void arc_v_touch(arc_value *container);
/* mark v and every list and map under it watched; 0, or -1 (marking
 * stopped) when v holds an object or nests deeper than max_depth */
int arc_v_watch(arc_value *v, int max_depth);

/* ---- copies ---- */
arc_value *arc_v_copy_deep(arc_value *v); /* lists and maps copied recursively; scalars shared */
arc_value *arc_v_copy_shallow(arc_value *v);

#endif
