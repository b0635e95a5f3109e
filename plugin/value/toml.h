/*
 * toml.h - TOML out and in, as Helm's toToml / fromToml see it (the
 * BurntSushi/toml encoder's layout and the decoder's Go types).
 *
 * Ownership as in value.h: *out receives a new reference owned by the
 * caller; the encoder appends to the caller's buffer.
 */
#ifndef ARC_VALUE_TOML_H
#define ARC_VALUE_TOML_H

#include "value.h"

/* Encode like toml.NewEncoder(w).Encode(v): a map becomes a document (plain
 * keys sorted first, then tables and arrays of tables, sub-tables indented
 * by two spaces per level); any other value is written as one TOML value
 * without a newline.  Returns
 *   0            success
 *   ARC_E_FAIL   an encoder error; the message is BurntSushi's text
 *                ("toml: cannot encode array with nil element"), which
 *                toToml prints in place of the document
 *   ARC_E_TYPE   a value Go's encoder panics on (nil at the top); the
 *                message is Go's panic text
 * On failure `b` may hold partial output: callers write into a scratch buffer. */
int arc_toml_dump(struct arc_buf *b, arc_value *v);

/* Decode a document into a map (toml.Decode into map[string]interface{}):
 * integers are int64, floats float64, tables maps, arrays lists; date-times
 * are kept as their text.  Nesting is bounded.  Errors set a message in
 * BurntSushi's style: "toml: line N (last key \"k\"): <what>". */
int arc_toml_load(arc_value **out, const char *data, size_t len);

#endif
