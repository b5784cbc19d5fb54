/**
 * @file migplan/typechange.h
 * @brief Judge a column change (two ClickHouse types, or a Moose column before and after):
 *        safe or destructive, why, a value that is lost or altered, and how ClickHouse
 *        applies it.
 *
 * A change is **safe** only when every value the old type can hold survives with the same
 * meaning, and reads, `=` comparisons with literals, ORDER BY, a round trip back to the old
 * type and a dump and restore as text all behave as before. Everything else is destructive,
 * with a cause, a reason that names the rule and an example. Pairs the judge has no rule for
 * are destructive (fail closed).
 *
 * The rules were refined on the ClickHouse engine itself (26.7, through chDB): the suite in
 * tests/chdb runs 434 type pairs and 23 property changes through `ALTER TABLE ... MODIFY COLUMN`
 * and `INSERT ... SELECT CAST(...)` with boundary values, and tests/data/typechange/observed.tsv
 * records what the engine did. Where the engine differs from the usual belief:
 *
 * | change | verdict | why |
 * |---|---|---|
 * | IntN -> wider IntM, UIntN -> wider IntM | safe | |
 * | Int8/16 -> Float32, Int32 -> Float64 | safe | exact, and prints the same |
 * | Int64 -> Float64, Int32 -> Float32 | precision-loss | 9007199254740993 becomes ...992 |
 * | Float32 -> Float64 | representation-change | 0.1 reads as 0.10000000149011612 |
 * | BFloat16 -> Float32/Float64 | safe | |
 * | IntN -> Decimal(P, S) | safe when the digits fit P - S | the TSV parser enforces P |
 * | Decimal(9, 2) -> Decimal(8, 2) | narrowing | metadata-only and kept, but a dump no longer loads |
 * | Date -> Date32, DateTime -> DateTime64(0) | safe | |
 * | Date -> DateTime, DateTime -> DateTime64(3) | representation-change | reads gain a time or digits |
 * | any DateTime time-zone change | timezone-change | in place, and every row reads another time |
 * | Bool -> UInt8, Enum -> Int8, IPv4 -> IPv6 | representation-change | same values, other text |
 * | T -> LowCardinality(T), back | safe | only String, FixedString, UUID may be LowCardinality |
 * | T -> Nullable(T) | safe | Nullable(Array/Map/Tuple/LowCardinality) is refused |
 * | Nullable(T) -> T | nullable-to-required | the ALTER is refused (inside Array: the mutation fails) |
 * | Enum: add or reorder members, Enum8 <-> Enum16 | safe | |
 * | Enum: rename a member | enum-member-changed | metadata-only: stored rows read the new name |
 * | Enum: remove a member | enum-member-removed | rows holding it can no longer be read |
 * | Enum -> String | safe only when names sort like numbers | else order-change |
 * | named Tuple: rename, reorder, add, remove | structure-change | elements are matched by name |
 * | Array/Map/Tuple/Nullable/LowCardinality | recursive | |
 * | X -> String (numbers, dates, UUID, IP, Bool, containers) | family-change | sort order, comparisons |
 * | DEFAULT / MATERIALIZED change | property-change | rows of parts older than the column read the new expression |
 * | ALIAS change, kind change | property-change | every row, and SELECT * |
 * | new or changed TTL | property-change | expired values reset (mutation) |
 * | CODEC, COMMENT, removed TTL | safe | metadata only |
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
	MIGPLAN_VERDICT_DESTRUCTIVE = 1 /**< some value may be lost or altered, or the pair is unknown */
} migplan_verdict;

/**
 * Why a change is destructive: the first rule that fails, outermost type first.
 * Values are pinned and append-only.
 * @since 0.1
 */
typedef enum migplan_change_cause {
	MIGPLAN_CAUSE_NONE = 0,                  /**< safe */
	MIGPLAN_CAUSE_NARROWING = 1,             /**< the new type holds fewer values (Int64 -> Int32) */
	MIGPLAN_CAUSE_SIGN_CHANGE = 2,           /**< signed <-> unsigned: negatives or the top half wrap */
	MIGPLAN_CAUSE_PRECISION_LOSS = 3,        /**< digits are rounded away (Int64 -> Float64, DateTime64(6) -> (3)) */
	MIGPLAN_CAUSE_SCALE_LOSS = 4,            /**< fewer Decimal fraction digits */
	MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED = 5,  /**< NULL has no place in the new type */
	MIGPLAN_CAUSE_FAMILY_CHANGE = 6,         /**< another type family: sort order, comparisons or values change */
	MIGPLAN_CAUSE_PARSE_FAILURE = 7,         /**< old values are text the new type may not parse */
	MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED = 8,   /**< an Enum member is gone */
	MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED = 9,   /**< an Enum member is renamed or renumbered */
	MIGPLAN_CAUSE_TIMEZONE_CHANGE = 10,      /**< DateTime values read in another time zone */
	MIGPLAN_CAUSE_RANGE_CHANGE = 11,         /**< dates or times outside the new range are clamped or wrap */
	MIGPLAN_CAUSE_LENGTH_CHANGE = 12,        /**< FixedString length differs: values are cut, refused or padded */
	MIGPLAN_CAUSE_REPRESENTATION_CHANGE = 13,/**< same value, other text (Float32 0.1 reads 0.10000000149011612) */
	MIGPLAN_CAUSE_NOT_ALLOWED = 14,          /**< ClickHouse refuses the new type or the conversion (Nullable(Array(T))) */
	MIGPLAN_CAUSE_PROPERTY_CHANGE = 15,      /**< DEFAULT, MATERIALIZED, ALIAS or TTL change what rows read */
	MIGPLAN_CAUSE_UNKNOWN_PAIR = 16,         /**< a pair the judge has no rule for (fail closed) */
	MIGPLAN_CAUSE_ORDER_CHANGE = 17,         /**< values survive but sort and compare differently */
	MIGPLAN_CAUSE_STRUCTURE_CHANGE = 18      /**< Tuple elements added, removed, renamed or reordered */
} migplan_change_cause;

/**
 * Judge a change between two ClickHouse type strings, e.g. `("Int32", "Int64")`.
 * Aliases are accepted (`INT`, `BOOLEAN`, `Decimal32(2)`).
 * @param[out] out the verdict, NULL on failure.
 * @param[in] from the old type, as ClickHouse or Moose's DDL spells it; borrowed for the call.
 * @param[in] to the new type; borrowed for the call.
 * @return MIGPLAN_OK (also for destructive changes: a verdict is data, not an error),
 *         MIGPLAN_EINVAL (a NULL argument), MIGPLAN_EPARSE (a type string is malformed; the
 *         error has its column), MIGPLAN_ENOMEM.
 *
 * Ownership: *out is the caller's; free it with migplan_type_change_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_type_change_judge(migplan_type_change **out, const char *from,
                                                     const char *to);

/**
 * Judge a change between two parsed types (see migplan_chtype_parse()).
 * @param[out] out the verdict, NULL on failure.
 * @param[in] from the old type; borrowed for the call.
 * @param[in] to the new type; borrowed for the call.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (a NULL argument), MIGPLAN_ENOMEM.
 *
 * Ownership: *out is the caller's; free it with migplan_type_change_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_type_change_judge_types(migplan_type_change **out,
                                                           const migplan_chtype *from,
                                                           const migplan_chtype *to);

/**
 * Judge a change between two Moose columns: their ClickHouse types (migplan_column_chtype()),
 * then DEFAULT, MATERIALIZED, ALIAS, CODEC, TTL and COMMENT. A destructive type change decides
 * the cause; a safe type change with a property change that alters what rows read is
 * destructive with MIGPLAN_CAUSE_PROPERTY_CHANGE. Expressions that differ only in whitespace
 * outside quotes count as equal. A new or changed TTL is always destructive (the judge does not
 * compare TTL expressions; ClickHouse materializes a TTL at once).
 * @param[out] out the verdict, NULL on failure.
 * @param[in] before the column as it is; borrowed for the call.
 * @param[in] after the column as the plan makes it; borrowed for the call.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (a NULL argument), MIGPLAN_EUNSUPPORTED (a column type with
 *         no ClickHouse mapping, such as Moose BigInt), MIGPLAN_ENOMEM.
 *
 * Ownership: *out is the caller's; free it with migplan_type_change_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_column_change_judge(migplan_type_change **out,
                                                       const migplan_column *before,
                                                       const migplan_column *after);

/**
 * Free a verdict.
 * @param[in] c the verdict; NULL is ignored.
 *
 * Ownership: every string borrowed from @p c becomes invalid.
 * @since 0.1
 */
MIGPLAN_API void migplan_type_change_free(migplan_type_change *c);

/**
 * Safe or destructive.
 * @param[in] c the verdict.
 * @return the verdict; MIGPLAN_VERDICT_DESTRUCTIVE for NULL (fail closed).
 * @since 0.1
 */
MIGPLAN_API migplan_verdict migplan_type_change_verdict(const migplan_type_change *c);

/**
 * The rule that makes the change destructive.
 * @param[in] c the verdict.
 * @return the cause, MIGPLAN_CAUSE_NONE when the change is safe, MIGPLAN_CAUSE_UNKNOWN_PAIR for
 *         NULL.
 * @since 0.1
 */
MIGPLAN_API migplan_change_cause migplan_type_change_cause(const migplan_type_change *c);

/**
 * Stable kebab-case name of a cause: "none", "narrowing", "sign-change", "precision-loss",
 * "scale-loss", "nullable-to-required", "family-change", "parse-failure",
 * "enum-member-removed", "enum-member-changed", "timezone-change", "range-change",
 * "length-change", "representation-change", "not-allowed", "property-change", "unknown-pair",
 * "order-change", "structure-change".
 * @param[in] cause a cause.
 * @return a static string, or NULL for a value that is not a cause.
 *
 * Ownership: static, never freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_cause_name(migplan_change_cause cause);

/**
 * One English sentence naming the rule that decided the verdict (also for safe changes),
 * e.g. "Int64 to Int32 is narrowing: values outside the Int32 range wrap around". Nested
 * types say where: "In the array elements of the map values, ...".
 * @param[in] c the verdict.
 * @return the sentence, or NULL for NULL.
 *
 * Ownership: borrowed from @p c, valid until it is freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_reason(const migplan_type_change *c);

/**
 * A value that is lost or altered, e.g. `9223372036854775807 becomes -1`.
 * @param[in] c the verdict.
 * @return the example, or NULL when the change is safe, when no single value shows it (an
 *         unknown pair), or for NULL.
 *
 * Ownership: borrowed from @p c, valid until it is freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_example(const migplan_type_change *c);

/**
 * How ClickHouse applies the change with `ALTER TABLE ... MODIFY COLUMN`.
 * @param[in] c the verdict.
 * @return 1 when it only rewrites metadata (instant, no part is touched: equal storage,
 *         Enum members kept, Enum -> Int of the same width, DateTime <-> UInt32,
 *         Date <-> UInt16, time-zone changes, comments, codecs, defaults); 0 when it runs a
 *         mutation that rewrites the column in every part, when ClickHouse refuses the change,
 *         and for NULL.
 * @since 0.1
 */
MIGPLAN_API int migplan_type_change_in_place(const migplan_type_change *c);

/**
 * Whether ClickHouse refuses the change on a column of the sorting key (ORDER BY), primary key
 * or partition key: it accepts there only metadata-only changes, Enum -> Enum keeping every
 * number, Enum8/16 -> Int8/16 and adding or removing LowCardinality.
 * @param[in] c the verdict.
 * @return 1 when refused there (the change then needs a new table), 0 when allowed, 1 for
 *         NULL.
 * @since 0.1
 */
MIGPLAN_API int migplan_type_change_key_refused(const migplan_type_change *c);

/**
 * The old type in ClickHouse's own spelling (as system.columns reports it).
 * @param[in] c the verdict.
 * @return the type, or NULL for NULL.
 *
 * Ownership: borrowed from @p c, valid until it is freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_from(const migplan_type_change *c);

/**
 * The new type in ClickHouse's own spelling.
 * @param[in] c the verdict.
 * @return the type, or NULL for NULL.
 *
 * Ownership: borrowed from @p c, valid until it is freed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_type_change_to(const migplan_type_change *c);

MIGPLAN_END_DECL

#endif
