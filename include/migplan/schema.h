/**
 * @file migplan/schema.h
 * @brief Validate a plan (or any document node) against a JSON Schema (draft 2020-12 subset).
 *
 * The schema is read at run time, normally from the project's `.moose/migration_schema.json`
 * (MIGPLAN_SCHEMA_DEFAULT_PATH). Supported keywords: `type`, `enum`, `const`, `pattern`,
 * `minLength`, `maxLength`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`,
 * `required`, `properties`, `additionalProperties`, `items`, `prefixItems`, `minItems`,
 * `maxItems`, `allOf`, `anyOf`, `oneOf`, `not`, `$ref` (fragments within the schema document,
 * `#/$defs/...`) and `$defs`. Annotations (`title`, `description`, `default`, `format`,
 * `examples`, `$comment`, ...) are ignored. Other assertion keywords (`patternProperties`,
 * `if`, `uniqueItems`, ...) make the schema unusable (MIGPLAN_ESCHEMA) rather than being
 * skipped silently.
 *
 * Findings are data, not errors: migplan_schema_validate() returns MIGPLAN_OK with a list of
 * violations, each with a message, the JSON pointer of the offending value and its node (file,
 * line, column). Moose's own schema rejects a few things Moose itself writes (FORMAT.md 1.8:
 * the index `type` key, JSON columns, FixedString and geo types, 16-bit enum values, `order_by`
 * as one expression string); those violations carry the rule "schema-moose-mismatch" instead of
 * "schema-violation" so that callers can report them as warnings.
 */
#ifndef MIGPLAN_SCHEMA_H
#define MIGPLAN_SCHEMA_H

#include "common.h"
#include "node.h"
#include "options.h"

MIGPLAN_BEGIN_DECL

/** Where Moose keeps the plan schema, relative to the project root. @since 0.1 */
#define MIGPLAN_SCHEMA_DEFAULT_PATH ".moose/migration_schema.json"

/** Opaque compiled JSON Schema. */
typedef struct migplan_schema migplan_schema;
/** Opaque list of violations produced by one validation. */
typedef struct migplan_violations migplan_violations;
/** Opaque violation, owned by its list. */
typedef struct migplan_violation migplan_violation;

/**
 * Read a JSON Schema file and compile it: resolve every `$ref`, translate and compile every
 * `pattern` (ECMA-262 constructs that POSIX cannot express are refused, never ignored).
 * @param[out] out the schema, NULL on failure; free with migplan_schema_free().
 * @param path the schema file (JSON).
 * @param opts limits for reading the file; NULL for the defaults.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument), MIGPLAN_EVERSION (bad @p opts),
 *         MIGPLAN_EIO, MIGPLAN_EPARSE (not JSON), MIGPLAN_ESCHEMA (JSON, but not a schema this
 *         validator can use: an unresolvable `$ref`, a `$ref` cycle, an invalid or untranslatable
 *         `pattern`, an unsupported keyword; the error has the position of the schema node),
 *         MIGPLAN_ELIMIT, MIGPLAN_ENOMEM.
 * Ownership: the caller owns @p *out.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_schema_load_file(migplan_schema **out, const char *path,
                                                    const migplan_parse_options *opts);

/**
 * Same as migplan_schema_load_file() for a schema held in memory.
 * @param[out] out the schema, NULL on failure; free with migplan_schema_free().
 * @param data the JSON text; need not be NUL-terminated.
 * @param len bytes in @p data.
 * @param name shown as the file name in error positions; NULL for "<schema>".
 * @param opts limits; NULL for the defaults.
 * @return as migplan_schema_load_file(), without MIGPLAN_EIO.
 * Ownership: @p data is copied as needed and may be freed after the call; the caller owns @p *out.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_schema_load_buffer(migplan_schema **out, const char *data,
                                                      size_t len, const char *name,
                                                      const migplan_parse_options *opts);

/**
 * Free a schema; NULL is ignored. Violation lists made with it stay valid.
 * @since 0.1
 */
MIGPLAN_API void migplan_schema_free(migplan_schema *s);

/**
 * Validate @p instance (e.g. migplan_plan_root()) against @p s.
 *
 * A value that matches no branch of a `oneOf` (or `anyOf`) is reported through the branch
 * that fits it best (its type matches, it declares the value's keys, it has the fewest
 * failures at the value itself, then the fewest in all), each message naming the `oneOf` and
 * the branch. When no branch fits better than another, the `oneOf` gets one violation of its
 * own instead: "expected string or null" when the value has none of the branches' types, or
 * the list of branches (e.g. an operation with an unknown name). A value that matches several
 * branches of a `oneOf` gets one violation that names them. When the `type` of a schema
 * fails, its other keywords are not checked, so one wrong value gives one violation.
 *
 * @param s the compiled schema.
 * @param instance the root of the value to check; a NULL node is the JSON value null.
 * @param[out] out the violations, possibly none, in the order found (a value's own failures
 *             before those of its members); free with migplan_violations_free(). NULL on
 *             failure.
 * @return MIGPLAN_OK (whether or not there are violations), MIGPLAN_EINVAL (NULL @p s or
 *         @p out), MIGPLAN_ELIMIT (schemas nest more than 4096 deep while checking the value,
 *         at the value where that happened), MIGPLAN_ENOMEM. A schema that cannot be applied
 *         is refused when it is loaded (MIGPLAN_ESCHEMA), so validation never fails for it.
 * Ownership: the caller owns @p *out. The list borrows the instance's nodes
 * (migplan_violation_node()), so the instance's owner must outlive the list; it does not
 * borrow from @p s.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_schema_validate(const migplan_schema *s,
                                                   const migplan_node *instance,
                                                   migplan_violations **out);

/** Free a violation list; NULL is ignored. @since 0.1 */
MIGPLAN_API void migplan_violations_free(migplan_violations *v);
/** Number of violations; 0 for NULL. @since 0.1 */
MIGPLAN_API size_t migplan_violations_count(const migplan_violations *v);
/**
 * Violation @p i, or NULL when out of range.
 * Ownership: borrowed from the list.
 * @since 0.1
 */
MIGPLAN_API const migplan_violation *migplan_violations_at(const migplan_violations *v, size_t i);

/**
 * One-line English message, e.g. `required property "table" is missing`. Never NULL for a
 * violation. Ownership: borrowed from the list.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_violation_message(const migplan_violation *v);
/**
 * RFC 6901 JSON pointer of the offending value (`""` for the root, `/operations/3/DropTable`),
 * with `~` and `/` escaped as `~0` and `~1`. For a property that `additionalProperties` forbids,
 * the pointer of that property. Ownership: borrowed from the list.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_violation_pointer(const migplan_violation *v);
/**
 * The instance node: use migplan_node_path(), migplan_node_line() and migplan_node_column()
 * for its position. For a forbidden property, its key node. NULL only when the validated
 * instance was a NULL node. Ownership: borrowed from the instance's document.
 * @since 0.1
 */
MIGPLAN_API const migplan_node *migplan_violation_node(const migplan_violation *v);
/**
 * The schema keyword that failed: "type", "required", "additionalProperties", "oneOf",
 * "minimum", ..., or "false" for a `false` schema. Static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_violation_keyword(const migplan_violation *v);
/**
 * Absolute location of the failed keyword in the schema: `#` followed by an unencoded JSON
 * pointer, e.g. `#/$defs/Column/required` or `#/$defs/TableIndex/properties/granularity/minimum`.
 * Ownership: borrowed from the list.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_violation_schema_path(const migplan_violation *v);
/**
 * 1 when the violation is one of the known places where Moose's schema rejects what Moose
 * writes (FORMAT.md 1.8), 0 otherwise.
 * @since 0.1
 */
MIGPLAN_API int migplan_violation_is_moose_schema_bug(const migplan_violation *v);
/**
 * "schema-moose-mismatch" when migplan_violation_is_moose_schema_bug() is 1, else
 * "schema-violation". Static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_violation_rule(const migplan_violation *v);

MIGPLAN_END_DECL

#endif
