/**
 * @file migplan/typechange.h
 * @brief Judge a column change (a ClickHouse type change, or a Moose column before and after):
 *        safe or destructive, why, an example value that is lost or altered, and how
 *        ClickHouse applies it.
 *
 * A change is **safe** only when every value the old type can hold survives with the same
 * meaning, and reads (`toString`), `=` comparisons with literals, sort order and round trips
 * back to the old type behave as before. Everything else is destructive, with a cause, a
 * reason that names the rule, and an example. Pairs the judge does not know are destructive
 * (fail closed).
 *
 * The rules were refined against the ClickHouse engine itself (chDB 26.7): the conversion
 * suite in tests/chdb runs every rule on real tables, and tests/data/typechange/observed.tsv
 * records what the engine did for each pair.
 *
 * These calls need no plan: bindings and editors can judge two type strings directly.
 */
#ifndef MIGPLAN_TYPECHANGE_H
#define MIGPLAN_TYPECHANGE_H

#include "common.h"
#include "chtype.h"
#include "snapshot.h"

MIGPLAN_BEGIN_DECL

/** Opaque verdict on one change, with its reason and example. @since 0.1 */
typedef struct migplan_type_change migplan_type_change;

/** Safe or destructive. Values are pinned. @since 0.1 */
typedef enum migplan_verdict {
	MIGPLAN_VERDICT_SAFE = 0,       /**< every value survives and behaves as before */
	MIGPLAN_VERDICT_DESTRUCTIVE = 1 /**< some value may be lost or altered, or unknown */
} migplan_verdict;

/**
 * Why a change is destructive (the first rule that fails, outermost type first).
 * Values are pinned and append-only.
 * @since 0.1
 */
typedef enum migplan_change_cause {
	MIGPLAN_CAUSE_NONE = 0,                  /**< safe */
	MIGPLAN_CAUSE_NARROWING = 1,             /**< the new type holds fewer values (Int64 -> Int32) */
	MIGPLAN_CAUSE_SIGN_CHANGE = 2,           /**< signed <-> unsigned: negatives or the top half wrap */
	MIGPLAN_CAUSE_PRECISION_LOSS = 3,        /**< digits are rounded away (Int64 -> Float64, DateTime64(6) -> (3)) */
	MIGPLAN_CAUSE_SCALE_LOSS = 4,            /**< fewer Decimal fraction digits */
	MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED = 5,  /**< NULL becomes the type's default */
	MIGPLAN_CAUSE_FAMILY_CHANGE = 6,         /**< another type family: sort order, comparisons or values change */
	MIGPLAN_CAUSE_PARSE_FAILURE = 7,         /**< old values are text the new type may not parse */
	MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED = 8,   /**< an Enum member is gone */
	MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED = 9,   /**< an Enum member is renamed or renumbered */
	MIGPLAN_CAUSE_TIMEZONE_CHANGE = 10,      /**< DateTime values read in another time zone */
	MIGPLAN_CAUSE_RANGE_CHANGE = 11,         /**< dates or times outside the new range are clamped or wrap */
	MIGPLAN_CAUSE_LENGTH_CHANGE = 12,        /**< FixedString length differs: values are cut or padded */
	MIGPLAN_CAUSE_REPRESENTATION_CHANGE = 13,/**< same value, other text (Float32 0.1 reads 0.10000000149011612) */
	MIGPLAN_CAUSE_NOT_ALLOWED = 14,          /**< ClickHouse refuses the new type (Nullable(Array(T))) */
	MIGPLAN_CAUSE_PROPERTY_CHANGE = 15,      /**< DEFAULT, MATERIALIZED, ALIAS or TTL change what rows read */
	MIGPLAN_CAUSE_UNKNOWN_PAIR = 16,         /**< a pair the judge has no rule for (fail closed) */
	MIGPLAN_CAUSE_ORDER_CHANGE = 17,         /**< values survive but sort and compare differently */
	MIGPLAN_CAUSE_STRUCTURE_CHANGE = 18      /**< Tuple elements added, removed or renamed */
} migplan_change_cause;

/**
 * Judge a change between two ClickHouse type strings, e.g. `("Int32", "Int64")`.
 * @param[out] out the verdict, NULL on failure. Ownership: the caller's; free with
 *             migplan_type_change_free().
 * @param[in] from the old type, as ClickHouse or Moose's DDL spells it.
 * @param[in] to the new type.
 * @return MIGPLAN_OK (also for destructive changes: a verdict is data, not an error),
 *         MIGPLAN_EINVAL (NULL argument), MIGPLAN_EPARSE (a type string is malformed),
 *         MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_type_change_judge(migplan_type_change **out, const char *from,
                                                     const char *to);

/**
 * Judge a change between two parsed types (see migplan_chtype_parse()).
 * @param[out] out the verdict, NULL on failure; free with migplan_type_change_free().
 * @param[in] from the old type; borrowed for the call only.
 * @param[in] to the new type; borrowed for the call only.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument), MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_type_change_judge_types(migplan_type_change **out,
                                                           const migplan_chtype *from,
                                                           const migplan_chtype *to);

/**
 * Judge a change between two Moose columns: their ClickHouse types, then DEFAULT,
 * MATERIALIZED, ALIAS, CODEC, TTL and COMMENT. The type rules come first; a safe type change
 * with a property change that alters what rows read is destructive with
 * MIGPLAN_CAUSE_PROPERTY_CHANGE.
 * @param[out] out the verdict, NULL on failure; free with migplan_type_change_free().
 * @param[in] before the column as it is; borrowed for the call only.
 * @param[in] after the column as the plan makes it; borrowed for the call only.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument), MIGPLAN_EUNSUPPORTED (a column type
 *         with no ClickHouse mapping, such as Moose BigInt), MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_column_change_judge(migplan_type_change **out,
                                                       const migplan_column *before,
                                                       const migplan_column *after);

/** Free a verdict; NULL is ignored. @since 0.1 */
MIGPLAN_API void migplan_type_change_free(migplan_type_change *c);

/**
 * Safe or destructive.
 * @param[in] c the verdict; NULL gives MIGPLAN_VERDICT_DESTRUCTIVE (fail closed).
 * @since 0.1
 */
MIGPLAN_API migplan_verdict migplan_type_change_verdict(const migplan_type_change *c);

/**
 * The rule that makes the change destructive, MIGPLAN_CAUSE_NONE when it is safe.
 * @param[in] c the verdict; NULL gives MIGPLAN_CAUSE_UNKNOWN_PAIR.
 * @since 0.1
 */
MIGPLAN_API migplan_change_cause migplan_type_change_cause(const migplan_type_change *c);

/**
 * Stable kebab-case name of a cause: "none", "narrowing", "sign-change",
 * "nullable-to-required", ...
 * @return a static string, or NULL for a value that is not a cause.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_cause_name(migplan_change_cause cause);

/**
 * One English sentence naming the rule that decided the verdict (also for safe changes).
 * Ownership: borrowed, valid until @p c is freed. NULL for a NULL verdict.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_reason(const migplan_type_change *c);

/**
 * A value that is lost or altered, e.g. `2147483648 becomes -2147483648`, or NULL when the
 * change is safe (or no single value shows it, as for an unknown pair).
 * Ownership: borrowed, valid until @p c is freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_example(const migplan_type_change *c);

/**
 * How ClickHouse applies the change with `ALTER TABLE ... MODIFY COLUMN`.
 * @return 1 when it only rewrites metadata (instant, no part is touched); 0 when it runs a
 *         mutation that rewrites the column in every part, or refuses the change.
 * @since 0.1
 */
MIGPLAN_API int migplan_type_change_in_place(const migplan_type_change *c);

/**
 * Whether ClickHouse refuses the change on a column of the sorting key (ORDER BY), primary
 * key or partition key.
 * @return 1 when refused there (the change then needs a new table), 0 when allowed.
 * @since 0.1
 */
MIGPLAN_API int migplan_type_change_key_refused(const migplan_type_change *c);

/**
 * The old type, rendered canonically (migplan_chtype_render()).
 * Ownership: borrowed, valid until @p c is freed. NULL for a NULL verdict.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_from(const migplan_type_change *c);

/**
 * The new type, rendered canonically.
 * Ownership: borrowed, valid until @p c is freed. NULL for a NULL verdict.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_to(const migplan_type_change *c);

MIGPLAN_END_DECL

#endif
