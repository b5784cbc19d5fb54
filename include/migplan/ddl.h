/**
 * @file migplan/ddl.h
 * @brief The ClickHouse statements behind each operation, table and view, with every
 *        identifier and literal quoted and escaped.
 *
 * Operations render as the statements Moose executes for them (FORMAT.md 1.4), so a reviewer,
 * a report or a rehearsal sees what production will run. Tables and views of a snapshot render
 * as the CREATE statements that rebuild them (used to rehearse a plan on an empty engine).
 */
#ifndef MIGPLAN_DDL_H
#define MIGPLAN_DDL_H

#include "common.h"
#include "plan.h"
#include "snapshot.h"

MIGPLAN_BEGIN_DECL

/** A list of SQL statements (without trailing semicolons). */
typedef struct migplan_sql migplan_sql;

/** Rendering flags. @since 0.1 */
typedef enum migplan_sql_flags {
	MIGPLAN_SQL_NONE = 0,
	/** Reproduce Moose's own rendering even where ClickHouse rejects it (an optional
	 *  LowCardinality string becomes `Nullable(LowCardinality(String))`): what production runs. */
	MIGPLAN_SQL_AS_MOOSE = 1u << 0,
	/** Replace engines that need a cluster or an outside service (Replicated*, Kafka, S3, ...)
	 *  by their local MergeTree equivalent, for rehearsals on an embedded engine. */
	MIGPLAN_SQL_LOCAL_ENGINES = 1u << 1
} migplan_sql_flags;

/**
 * The statements Moose runs for @p op, in order. `database: null` means @p default_database
 * (NULL: migplan_plan_default_database() of the op's plan).
 * @param[out] out the statements; free with migplan_sql_free().
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_EUNSUPPORTED (a column type Moose cannot map), MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_op_to_sql(migplan_sql **out, const migplan_op *op,
                                             const char *default_database, uint32_t flags);
/** `CREATE TABLE IF NOT EXISTS` for @p table, as Moose renders a CreateTable. @since 0.1 */
MIGPLAN_API migplan_status migplan_table_to_sql(migplan_sql **out, const migplan_table *table,
                                                const char *default_database, uint32_t flags);
/** `CREATE MATERIALIZED VIEW IF NOT EXISTS ... TO ... AS` or `CREATE VIEW IF NOT EXISTS ... AS`. @since 0.1 */
MIGPLAN_API migplan_status migplan_view_to_sql(migplan_sql **out, const migplan_view *view,
                                               const char *default_database, uint32_t flags);

MIGPLAN_API void migplan_sql_free(migplan_sql *sql);
MIGPLAN_API size_t migplan_sql_count(const migplan_sql *sql);
/** Statement @p i, NUL-terminated; NULL when out of range. Borrowed from @p sql. @since 0.1 */
MIGPLAN_API const char *migplan_sql_at(const migplan_sql *sql, size_t i);

/** `name` quoted as a ClickHouse identifier (backticks, escapes). Free with migplan_free(). @since 0.1 */
MIGPLAN_API migplan_status migplan_sql_quote_identifier(const char *name, char **out);
/** 'text' quoted as a ClickHouse string literal. Free with migplan_free(). @since 0.1 */
MIGPLAN_API migplan_status migplan_sql_quote_literal(const char *text, char **out);

MIGPLAN_END_DECL

#endif
