/*
 * semver.h - semantic versions and range constraints with the rules of
 * Masterminds/semver v3.4.0 (what Sprig's semver and semverCompare use):
 * NewVersion's coercion ("v1.2" → 1.2.0, leading zeros allowed), its error
 * texts, and Constraints.Check (= != > < >= <= ~ ^, x, X and * wildcards, hyphen
 * ranges, "||" groups, comma or space AND; a prerelease version matches only
 * when its "and" group names a prerelease somewhere).
 *
 * Ownership: an arc_semver owns its strings; arc_semver_release() frees them.
 */
#ifndef ARC_GOTMPL_SEMVER_H
#define ARC_GOTMPL_SEMVER_H

#include <stddef.h>
#include <stdint.h>

struct arc_semver {
	uint64_t major, minor, patch;
	char *pre;      /* "" when none; never NULL after a successful parse */
	char *meta;     /* "" when none */
	char *original; /* the text parsed */
};

void arc_semver_release(struct arc_semver *v);
void arc_semver_copy(struct arc_semver *dst, const struct arc_semver *src);
/* NewVersion: 0, or ARC_E_FAIL with Masterminds' message ("invalid semantic version", …) */
int arc_semver_parse(struct arc_semver *out, const char *s, size_t len);
/* Compare: -1, 0, 1 (metadata ignored, prereleases ordered per the spec) */
int arc_semver_compare(const struct arc_semver *a, const struct arc_semver *b);
/* String(): major.minor.patch[-pre][+meta], malloc'd */
char *arc_semver_string(const struct arc_semver *v);
/* validatePrerelease / validateMetadata: 0 or ARC_E_FAIL with the message */
int arc_semver_check_prerelease(const char *p);
int arc_semver_check_metadata(const char *m);
/* NewConstraint(c).Check(v): 0 with *ok set, or ARC_E_FAIL with the message
 * ("improper constraint: …", "constraint parser error") */
int arc_semver_satisfies(const char *constraint, size_t len, const struct arc_semver *v, int *ok);

#endif
