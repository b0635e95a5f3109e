/* funcs.h - the function groups (one file each) and the merged table. */
#ifndef ARC_GOTMPL_FUNCS_H
#define ARC_GOTMPL_FUNCS_H

#include "func.h"

extern const struct arc_tpl_func arc_tpl_funcs_builtin[];  /* funcs_builtin.c: and or not len index slice print* eq… html js urlquery call */
extern const struct arc_tpl_func arc_tpl_funcs_strings[];  /* funcs_strings.c */
extern const struct arc_tpl_func arc_tpl_funcs_regex[];    /* funcs_regex.c (RE2 engine in regex.c) */
extern const struct arc_tpl_func arc_tpl_funcs_lists[];    /* funcs_lists.c */
extern const struct arc_tpl_func arc_tpl_funcs_dicts[];    /* funcs_dicts.c */
extern const struct arc_tpl_func arc_tpl_funcs_defaults[]; /* funcs_defaults.c: default empty coalesce all any compact ternary deepCopy fail… */
extern const struct arc_tpl_func arc_tpl_funcs_reflect[];  /* funcs_reflect.c: typeOf typeIs kindOf deepEqual… */
extern const struct arc_tpl_func arc_tpl_funcs_paths[];    /* funcs_paths.c */
extern const struct arc_tpl_func arc_tpl_funcs_encoding[]; /* funcs_encoding.c: b64/b32, hashes */
extern const struct arc_tpl_func arc_tpl_funcs_math[];     /* funcs_math.c */
extern const struct arc_tpl_func arc_tpl_funcs_semver[];   /* funcs_semver.c */
extern const struct arc_tpl_func arc_tpl_funcs_date[];     /* funcs_date.c */
extern const struct arc_tpl_func arc_tpl_funcs_crypto[];   /* funcs_crypto.c: gen*, bcrypt, htpasswd, derivePassword, AES, rand*, uuid */
extern const struct arc_tpl_func arc_tpl_funcs_url[];      /* funcs_url.c: urlParse urlJoin, getHostByName */
extern const struct arc_tpl_func arc_tpl_funcs_helm[];     /* funcs_helm.c: include tpl required toYaml fromYaml toJson … lookup */

/* Go's reflect.DeepEqual on two values (funcs_reflect.c; used by the list functions) */
int arc_tpl_deep_equal(const arc_value *a, const arc_value *b);
/* A new reference to v without the template-literal mark (ARC_VF_CONST): a marked
 * scalar is copied, so a literal stored in a list or map or returned by a function
 * is typed like any other value later (funcs_reflect.c) */
arc_value *arc_tpl_unconst(arc_value *v);

/* A set of pairs of containers (a, b), for walks over two values that may
 * share containers: Go's reflect.DeepEqual remembers the pairs it compared,
 * so a map holding one map twice at every level costs one visit per level,
 * not 2^levels.  Start from { NULL, 0, 0 }. */
struct tpl_pairset {
	const void **k; /* 2 * cap slots: a, b; a == NULL is free */
	size_t cap, n;
};
/* 1 if (a, b) was in the set already; else adds it and returns 0 */
int tpl_pairset_add(struct tpl_pairset *s, const void *a, const void *b);
/* 1 if (a, b) is in the set */
int tpl_pairset_has(const struct tpl_pairset *s, const void *a, const void *b);
void tpl_pairset_free(struct tpl_pairset *s);

size_t arc_tpl_func_count(void);
const struct arc_tpl_func *arc_tpl_func_at(size_t i);

#endif
