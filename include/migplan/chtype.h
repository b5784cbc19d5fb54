/**
 * @file migplan/chtype.h
 * @brief ClickHouse data types as trees: parse a type string, inspect it, render it canonically.
 */
#ifndef MIGPLAN_CHTYPE_H
#define MIGPLAN_CHTYPE_H

#include "common.h"

MIGPLAN_BEGIN_DECL

/** Opaque ClickHouse type tree. */
typedef struct migplan_chtype migplan_chtype;

/** Type families. Values are pinned. @since 0.1 */
typedef enum migplan_chtype_kind {
	MIGPLAN_CHTYPE_OTHER = 0,      /**< a name this library does not model; kept verbatim */
	MIGPLAN_CHTYPE_INT = 1,        /**< Int8..Int256, UInt8..UInt256 (see bits, is_signed) */
	MIGPLAN_CHTYPE_FLOAT = 2,      /**< Float32, Float64, BFloat16 */
	MIGPLAN_CHTYPE_DECIMAL = 3,    /**< Decimal(P, S) and Decimal32/64/128/256(S) */
	MIGPLAN_CHTYPE_BOOL = 4,
	MIGPLAN_CHTYPE_STRING = 5,
	MIGPLAN_CHTYPE_FIXED_STRING = 6,
	MIGPLAN_CHTYPE_DATE = 7,
	MIGPLAN_CHTYPE_DATE32 = 8,
	MIGPLAN_CHTYPE_DATETIME = 9,   /**< DateTime[('tz')] */
	MIGPLAN_CHTYPE_DATETIME64 = 10,/**< DateTime64(P[, 'tz']) */
	MIGPLAN_CHTYPE_UUID = 11,
	MIGPLAN_CHTYPE_IPV4 = 12,
	MIGPLAN_CHTYPE_IPV6 = 13,
	MIGPLAN_CHTYPE_ENUM8 = 14,
	MIGPLAN_CHTYPE_ENUM16 = 15,
	MIGPLAN_CHTYPE_ARRAY = 16,
	MIGPLAN_CHTYPE_MAP = 17,
	MIGPLAN_CHTYPE_TUPLE = 18,
	MIGPLAN_CHTYPE_NESTED = 19,
	MIGPLAN_CHTYPE_NULLABLE = 20,
	MIGPLAN_CHTYPE_LOW_CARDINALITY = 21,
	MIGPLAN_CHTYPE_JSON = 22,      /**< JSON[(params)], parameters kept verbatim */
	MIGPLAN_CHTYPE_GEO = 23,       /**< Point, Ring, LineString, MultiLineString, Polygon, MultiPolygon */
	MIGPLAN_CHTYPE_AGGREGATE_FUNCTION = 24,        /**< AggregateFunction(f, T...) */
	MIGPLAN_CHTYPE_SIMPLE_AGGREGATE_FUNCTION = 25, /**< SimpleAggregateFunction(f, T) */
	MIGPLAN_CHTYPE_NOTHING = 26,
	MIGPLAN_CHTYPE_DYNAMIC = 27,
	MIGPLAN_CHTYPE_VARIANT = 28,
	MIGPLAN_CHTYPE_INTERVAL = 29   /**< IntervalSecond, ... */
} migplan_chtype_kind;

/**
 * Parse a ClickHouse type string (`Nullable(LowCardinality(String))`, `Decimal(18, 4)`,
 * `DateTime64(3, 'UTC')`, `Array(Tuple(a Int32, b String))`, `Enum8('a' = 1, 'b' = -2)`, ...).
 * Family names are matched as ClickHouse does (case-insensitive aliases such as `BOOLEAN`,
 * `INT`, `TEXT` map to their canonical family).
 * @param[out] out the tree, NULL on failure; free with migplan_chtype_free().
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL), MIGPLAN_EPARSE (with line 1 and the column of the problem), MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_chtype_parse(migplan_chtype **out, const char *text, size_t len);
/** Free a tree; NULL is ignored. Only for trees the caller owns (from parse or copy). @since 0.1 */
MIGPLAN_API void migplan_chtype_free(migplan_chtype *t);
/** Deep copy. @since 0.1 */
MIGPLAN_API migplan_status migplan_chtype_copy(migplan_chtype **out, const migplan_chtype *t);
/**
 * Render canonically: the spelling ClickHouse itself reports in `system.columns`
 * (`Decimal(18, 4)`, `DateTime64(3, 'UTC')`, `Tuple(a Int32, b String)`, `Enum8('a' = 1)`).
 * @param[out] out NUL-terminated string; free with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_chtype_render(const migplan_chtype *t, char **out);
/** 1 when both trees are the same type (canonical forms equal). @since 0.1 */
MIGPLAN_API int migplan_chtype_equal(const migplan_chtype *a, const migplan_chtype *b);
/** Parse then render: normalise a type string in one call. @since 0.1 */
MIGPLAN_API migplan_status migplan_chtype_normalize(const char *text, char **out);

MIGPLAN_API migplan_chtype_kind migplan_chtype_kind_of(const migplan_chtype *t);
/** Canonical family name: `Int32`, `Decimal`, `DateTime64`, `Point`, `Array`, ... */
MIGPLAN_API const char *migplan_chtype_name(const migplan_chtype *t);
/** Integer width (8..256) or float width (16, 32, 64); 0 otherwise. */
MIGPLAN_API unsigned int migplan_chtype_bits(const migplan_chtype *t);
/** 1 for signed integers and every float and decimal. */
MIGPLAN_API int migplan_chtype_is_signed(const migplan_chtype *t);
/** Decimal precision / DateTime64 precision; 0 otherwise. */
MIGPLAN_API unsigned int migplan_chtype_precision(const migplan_chtype *t);
/** Decimal scale; 0 otherwise. */
MIGPLAN_API unsigned int migplan_chtype_scale(const migplan_chtype *t);
/** FixedString length; 0 otherwise. */
MIGPLAN_API unsigned int migplan_chtype_length(const migplan_chtype *t);
/** Time zone of DateTime / DateTime64, or NULL. */
MIGPLAN_API const char *migplan_chtype_timezone(const migplan_chtype *t);
/** Child types: Array 1, Map 2, Nullable/LowCardinality 1, Tuple/Nested/Variant n, aggregate argument types. */
MIGPLAN_API size_t migplan_chtype_child_count(const migplan_chtype *t);
MIGPLAN_API const migplan_chtype *migplan_chtype_child_at(const migplan_chtype *t, size_t i);
/** Element name of a named Tuple / Nested child, or NULL. */
MIGPLAN_API const char *migplan_chtype_child_name(const migplan_chtype *t, size_t i);
/** Enum members. */
MIGPLAN_API size_t migplan_chtype_enum_count(const migplan_chtype *t);
MIGPLAN_API const char *migplan_chtype_enum_name(const migplan_chtype *t, size_t i);
MIGPLAN_API int migplan_chtype_enum_value(const migplan_chtype *t, size_t i);
/** Aggregate function name (with its parameters, e.g. `quantiles(0.5, 0.9)`), or NULL. */
MIGPLAN_API const char *migplan_chtype_function(const migplan_chtype *t);

/**
 * Map one Moose column type to ClickHouse (FORMAT.md section 3): @p moose_column is a Moose
 * Column object as YAML or JSON text, e.g. `{name: d, data_type: Date, required: false}`.
 * The result is libmigplan's rendering (`LowCardinality(Nullable(String))` for an optional
 * LowCardinality string). Free with migplan_free().
 * @return MIGPLAN_OK, MIGPLAN_EPARSE, MIGPLAN_ESCHEMA (not a Moose column), MIGPLAN_EUNSUPPORTED (BigInt, Bytes).
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_moose_column_to_clickhouse(const char *moose_column, size_t len, char **out);

MIGPLAN_END_DECL

#endif
