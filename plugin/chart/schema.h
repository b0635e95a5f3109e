/*
 * schema.h - values.schema.json validation with helm 4's behaviour and texts
 * (pkg/chart/common/util/jsonschema.go on santhosh-tekuri/jsonschema v6).
 *
 * Drafts 4, 6, 7, 2019-09 and 2020-12 (from "$schema"; 2020-12 when absent).
 * Keywords: type, enum, const, format (asserted for drafts before 2019-09:
 * date-time, date, time, email, hostname, ipv4, ipv6, uri, uuid, regex),
 * $ref to "#" and "#/json/pointer" ($defs, definitions, any path), properties,
 * patternProperties, additionalProperties, required, minProperties,
 * maxProperties, propertyNames, dependencies, dependentRequired,
 * dependentSchemas, items (schema and tuple forms), prefixItems,
 * additionalItems, minItems, maxItems, uniqueItems, contains, minContains,
 * maxContains, minLength, maxLength, pattern (Go regexp), minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum (draft 4 boolean form too), multipleOf,
 * allOf, anyOf, oneOf, not, if/then/else.
 *
 * Error text (helm's): one block per chart,
 *   "<chart>:\n- at '/path': got string, want integer\n"
 * nested causes indented by two spaces per level ("  - at …").  When several
 * properties of one object fail, helm's order is Go map order (random); ours
 * is the order of the keys in the values.
 *
 * OWNERSHIP: everything borrowed; errors as negative ARC_E_* with the text in
 * arc_error_last().
 */
#ifndef ARC_CHART_SCHEMA_H
#define ARC_CHART_SCHEMA_H

#include "chart.h"

/* ValidateAgainstSingleSchema: 0 when `values` satisfy the schema (JSON text),
 * else ARC_E_PARSE with the error lines (helm's JSONSchemaValidationError text,
 * ending in "\n"). */
int arc_schema_validate(const char *schema, size_t len, arc_value *values);

/* ValidateAgainstSchema: the chart's values.schema.json (when present) and,
 * recursively, each subchart's against values[<subchart name>]. */
int arc_schema_validate_chart(const struct arc_chart *c, arc_value *values);

#endif
