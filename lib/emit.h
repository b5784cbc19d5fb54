/* Writing document trees back as YAML, byte for byte the way Moose writes plan.yaml.
 *
 * Moose (FORMAT.md 1.1) turns the plan into a serde_json value, sorts object keys
 * recursively, and lets serde_yaml 0.9.34 emit it through libyaml with unlimited width.
 * We drive the same libyaml emitter with the same settings and choose each scalar's style
 * the way serde_yaml does, so libyaml's own fallbacks (quoting, indentless sequences,
 * `[]`/`{}`) come out identical. For a Moose-generated plan, read -> emit gives the input
 * bytes back, so an edit shows up in `git diff` as only the edited lines.
 *
 * Values are emitted as Moose would see them after its JSON round trip: integers in decimal
 * (`0x10` -> `16`), floats in Rust's shortest form (`1e3` -> `1000.0`), `.inf`/`.nan` as
 * `null` (JSON has neither), `~`/`Null` as `null`, booleans as `true`/`false`, and mapping
 * keys as strings. When a mapping repeats a key, the last value wins (serde_json's Map). */
#ifndef MIGPLAN_EMIT_H
#define MIGPLAN_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "migplan/node.h"

#include "arena.h"
#include "doc.h"

/* The first line Moose writes, followed by one empty line, before the YAML document. */
#define MIGPLAN__PLAN_HEADER "# yaml-language-server: $schema=../.moose/migration_schema.json\n\n"

/* Emit a document tree as Moose writes plan.yaml. *out is malloc'd (free with free()),
 * NUL-terminated; *len excludes the NUL. On failure *out is NULL and *len 0.
 * EINVAL: NULL root or out, a string that is not valid UTF-8, a mapping key that is not a
 * scalar; ELIMIT: nesting deeper than MIGPLAN__EMIT_MAX_DEPTH; ENOMEM. */
migplan_status migplan__yaml_emit_plan(const migplan_node *root, char **out, size_t *len);
/* Same rules, without the header line: for emitting one operation or value (diffs,
 * reports). A NULL node is emitted as `null`. len may be NULL. */
migplan_status migplan__yaml_emit_value(const migplan_node *node, char **out, size_t *len);

/* Deepest nesting the emitter follows (it recurses once per level). */
#define MIGPLAN__EMIT_MAX_DEPTH 4096u

/* 1 when serde_yaml would single-quote the string because, written plain, it would read back
 * as null, a boolean, an integer (also 0x/0o/0b, signs, up to 128 bits), a decimal float,
 * .inf or .nan, or because it has leading zeros (`007`). Timestamps are not special. */
int migplan__yaml_string_needs_quotes(const char *s, size_t len);

/* Builders for new nodes, so edited plans can be emitted. Every node and string is allocated
 * in @p arena (normally the arena of @p doc, which the node then points at; doc may be NULL).
 * Positions are 0. Strings are copied. Sequences and mappings copy the nodes they are given
 * (a node is a small value; its text or children are shared, not copied). Each returns NULL and records the error on out-of-memory (ENOMEM) or bad
 * arguments (EINVAL: NULL arena, NULL text with len > 0, a NULL item, a NULL or non-scalar
 * key, more than UINT32_MAX bytes or items). */
migplan_node *migplan__node_new_null(migplan__arena *arena, const migplan__doc *doc);
migplan_node *migplan__node_new_bool(migplan__arena *arena, const migplan__doc *doc, int value);
migplan_node *migplan__node_new_int(migplan__arena *arena, const migplan__doc *doc,
                                    int64_t value);
migplan_node *migplan__node_new_string(migplan__arena *arena, const migplan__doc *doc,
                                       const char *text, size_t len);
migplan_node *migplan__node_new_seq(migplan__arena *arena, const migplan__doc *doc,
                                    migplan_node *const *items, size_t n);
migplan_node *migplan__node_new_map(migplan__arena *arena, const migplan__doc *doc,
                                    const migplan__pair *pairs, size_t n);

#endif
