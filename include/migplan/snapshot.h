/**
 * @file migplan/snapshot.h
 * @brief InfrastructureMap snapshots (remote_state.json, local_infra_map.json) and the tables,
 *        columns, indexes, materialized views and views they hold, each with its position.
 *
 * Tables, columns, indexes and views are also what a CreateTable / AddTableColumn /
 * ModifyTableColumn / AddTableIndex operation carries (see migplan/plan.h); the same accessors
 * apply. Every getter returns borrowed data, valid until the snapshot (or plan) that owns it is
 * freed. Getters accept NULL and then return NULL / 0.
 */
#ifndef MIGPLAN_SNAPSHOT_H
#define MIGPLAN_SNAPSHOT_H

#include "common.h"
#include "node.h"
#include "options.h"
#include "chtype.h"

MIGPLAN_BEGIN_DECL

typedef struct migplan_snapshot migplan_snapshot;
typedef struct migplan_table migplan_table;
typedef struct migplan_column migplan_column;
typedef struct migplan_index migplan_index;
typedef struct migplan_view migplan_view;

/** Moose life cycle of a table or view. @since 0.1 */
typedef enum migplan_life_cycle {
	MIGPLAN_LIFE_CYCLE_FULLY_MANAGED = 0,
	MIGPLAN_LIFE_CYCLE_DELETION_PROTECTED = 1,
	MIGPLAN_LIFE_CYCLE_EXTERNALLY_MANAGED = 2
} migplan_life_cycle;

/** Materialized view or plain view. @since 0.1 */
typedef enum migplan_view_kind {
	MIGPLAN_VIEW_MATERIALIZED = 1,
	MIGPLAN_VIEW_PLAIN = 2
} migplan_view_kind;

/**
 * Load a snapshot from a JSON file.
 * @param[out] out the snapshot, NULL on failure. Ownership: the caller's; free with migplan_snapshot_free().
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_EIO, MIGPLAN_EPARSE, MIGPLAN_ESCHEMA, MIGPLAN_ELIMIT, MIGPLAN_EVERSION, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_snapshot_load_file(migplan_snapshot **out, const char *path,
                                                      const migplan_parse_options *opts);
/**
 * Load a snapshot from memory (the buffer is copied as needed; it need not be NUL-terminated).
 * @param name the name used in positions (e.g. the file's path); may be NULL ("<buffer>").
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_snapshot_load_buffer(migplan_snapshot **out, const char *data,
                                                        size_t len, const char *name,
                                                        const migplan_parse_options *opts);
/** Free a snapshot; NULL is ignored. A snapshot attached to a plan must outlive it. @since 0.1 */
MIGPLAN_API void migplan_snapshot_free(migplan_snapshot *snap);

MIGPLAN_API const char *migplan_snapshot_path(const migplan_snapshot *snap);
/** `default_database`, "local" when absent. @since 0.1 */
MIGPLAN_API const char *migplan_snapshot_default_database(const migplan_snapshot *snap);
/** `moose_version`, or NULL. @since 0.1 */
MIGPLAN_API const char *migplan_snapshot_moose_version(const migplan_snapshot *snap);
MIGPLAN_API const migplan_node *migplan_snapshot_root(const migplan_snapshot *snap);

/** Tables in file order. @since 0.1 */
MIGPLAN_API size_t migplan_snapshot_table_count(const migplan_snapshot *snap);
MIGPLAN_API const migplan_table *migplan_snapshot_table_at(const migplan_snapshot *snap, size_t i);
/**
 * The table identified by (database, name); @p database NULL means the default database.
 * Tables are identified by their fields, never by parsing map keys. @since 0.1
 */
MIGPLAN_API const migplan_table *migplan_snapshot_table_find(const migplan_snapshot *snap,
                                                             const char *database,
                                                             const char *name);
/** Materialized views in file order. @since 0.1 */
MIGPLAN_API size_t migplan_snapshot_mv_count(const migplan_snapshot *snap);
MIGPLAN_API const migplan_view *migplan_snapshot_mv_at(const migplan_snapshot *snap, size_t i);
/** Plain views in file order. @since 0.1 */
MIGPLAN_API size_t migplan_snapshot_view_count(const migplan_snapshot *snap);
MIGPLAN_API const migplan_view *migplan_snapshot_view_at(const migplan_snapshot *snap, size_t i);

/* --- tables --- */
MIGPLAN_API const migplan_node *migplan_table_node(const migplan_table *t);
/** Physical name, version suffix included. */
MIGPLAN_API const char *migplan_table_name(const migplan_table *t);
/** `database` as written, NULL when absent (the default database). */
MIGPLAN_API const char *migplan_table_database(const migplan_table *t);
/** `source_primitive.name` (the logical, unversioned name), or NULL. */
MIGPLAN_API const char *migplan_table_source_name(const migplan_table *t);
/** `version`, or NULL. */
MIGPLAN_API const char *migplan_table_version(const migplan_table *t);
MIGPLAN_API const char *migplan_table_cluster_name(const migplan_table *t);
MIGPLAN_API migplan_life_cycle migplan_table_life_cycle(const migplan_table *t);
/** Engine variant name: "MergeTree", "ReplacingMergeTree", "S3Queue", ... ("MergeTree" when absent). */
MIGPLAN_API const char *migplan_table_engine(const migplan_table *t);
/** The `engine` node (string or object), NULL when absent. */
MIGPLAN_API const migplan_node *migplan_table_engine_node(const migplan_table *t);
/** `order_by` as a list of column names: the count (0 when it is one expression string). */
MIGPLAN_API size_t migplan_table_order_by_count(const migplan_table *t);
MIGPLAN_API const char *migplan_table_order_by_at(const migplan_table *t, size_t i);
/** `order_by` as one ClickHouse expression: the string form as written, or the list rendered
 *  as `a` / `(a, b)`, or `tuple()` for an empty list. Never NULL for a table. */
MIGPLAN_API const char *migplan_table_order_by_expression(const migplan_table *t);
MIGPLAN_API const char *migplan_table_partition_by(const migplan_table *t);
MIGPLAN_API const char *migplan_table_primary_key_expression(const migplan_table *t);
MIGPLAN_API const char *migplan_table_sample_by(const migplan_table *t);
/** `table_ttl_setting`, without the TTL keyword, or NULL. */
MIGPLAN_API const char *migplan_table_ttl(const migplan_table *t);
/** `table_settings` as a mapping node of strings, or NULL. */
MIGPLAN_API const migplan_node *migplan_table_settings(const migplan_table *t);
MIGPLAN_API size_t migplan_table_column_count(const migplan_table *t);
MIGPLAN_API const migplan_column *migplan_table_column_at(const migplan_table *t, size_t i);
MIGPLAN_API const migplan_column *migplan_table_column_find(const migplan_table *t, const char *name);
MIGPLAN_API size_t migplan_table_index_count(const migplan_table *t);
MIGPLAN_API const migplan_index *migplan_table_index_at(const migplan_table *t, size_t i);
MIGPLAN_API size_t migplan_table_projection_count(const migplan_table *t);
MIGPLAN_API const char *migplan_table_projection_name(const migplan_table *t, size_t i);
MIGPLAN_API const char *migplan_table_projection_body(const migplan_table *t, size_t i);

/* --- columns --- */
MIGPLAN_API const migplan_node *migplan_column_node(const migplan_column *c);
MIGPLAN_API const char *migplan_column_name(const migplan_column *c);
/** The Moose `data_type` node (string or object). */
MIGPLAN_API const migplan_node *migplan_column_data_type(const migplan_column *c);
/** 1 when the column is nullable: `required: false` or a top-level `{nullable: T}`. */
MIGPLAN_API int migplan_column_nullable(const migplan_column *c);
MIGPLAN_API int migplan_column_primary_key(const migplan_column *c);
/** 1 when the annotations hold `["LowCardinality", true]`. */
MIGPLAN_API int migplan_column_low_cardinality(const migplan_column *c);
MIGPLAN_API const char *migplan_column_default(const migplan_column *c);
MIGPLAN_API const char *migplan_column_materialized(const migplan_column *c);
MIGPLAN_API const char *migplan_column_alias(const migplan_column *c);
MIGPLAN_API const char *migplan_column_codec(const migplan_column *c);
MIGPLAN_API const char *migplan_column_comment(const migplan_column *c);
MIGPLAN_API const char *migplan_column_ttl(const migplan_column *c);
MIGPLAN_API const migplan_node *migplan_column_annotations(const migplan_column *c);
/**
 * The column's ClickHouse type as libmigplan renders it (FORMAT.md section 3, with an optional
 * LowCardinality string as `LowCardinality(Nullable(String))`), or NULL when Moose has no
 * ClickHouse mapping for it (BigInt, Bytes).
 */
MIGPLAN_API const migplan_chtype *migplan_column_chtype(const migplan_column *c);
/** migplan_column_chtype() rendered canonically, or NULL. */
MIGPLAN_API const char *migplan_column_clickhouse_type(const migplan_column *c);
/** The type string Moose itself puts into its DDL (e.g. `Nullable(LowCardinality(String))`), or NULL. */
MIGPLAN_API const char *migplan_column_moose_clickhouse_type(const migplan_column *c);

/**
 * Read one Moose column (a Column object as YAML or JSON text) outside any plan, e.g. for
 * bindings: `{name: a, data_type: Int64, required: true, annotations: []}`.
 * @param[out] out the column; free with migplan_column_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_column_parse(migplan_column **out, const char *text, size_t len);
MIGPLAN_API void migplan_column_free(migplan_column *c);

/* --- indexes --- */
MIGPLAN_API const migplan_node *migplan_index_node(const migplan_index *ix);
MIGPLAN_API const char *migplan_index_name(const migplan_index *ix);
MIGPLAN_API const char *migplan_index_expression(const migplan_index *ix);
/** `type`, or `index_type` (the schema's spelling). */
MIGPLAN_API const char *migplan_index_type(const migplan_index *ix);
MIGPLAN_API size_t migplan_index_argument_count(const migplan_index *ix);
MIGPLAN_API const char *migplan_index_argument_at(const migplan_index *ix, size_t i);
MIGPLAN_API uint64_t migplan_index_granularity(const migplan_index *ix);

/* --- materialized views and views --- */
MIGPLAN_API const migplan_node *migplan_view_node(const migplan_view *v);
MIGPLAN_API migplan_view_kind migplan_view_kind_of(const migplan_view *v);
MIGPLAN_API const char *migplan_view_name(const migplan_view *v);
/** `database` as written, or NULL. */
MIGPLAN_API const char *migplan_view_database(const migplan_view *v);
MIGPLAN_API const char *migplan_view_select_sql(const migplan_view *v);
MIGPLAN_API migplan_life_cycle migplan_view_life_cycle(const migplan_view *v);
/** `sourceTables`, normalised: backticks stripped, `db.table` split. */
MIGPLAN_API size_t migplan_view_source_count(const migplan_view *v);
/** Database of source @p i, or NULL when unqualified (the default database). */
MIGPLAN_API const char *migplan_view_source_database(const migplan_view *v, size_t i);
MIGPLAN_API const char *migplan_view_source_table(const migplan_view *v, size_t i);
/** The node of source @p i (for its position). */
MIGPLAN_API const migplan_node *migplan_view_source_node(const migplan_view *v, size_t i);
/** Materialized views only: `targetTable` / `targetDatabase` (NULL = the view's database). */
MIGPLAN_API const char *migplan_view_target_table(const migplan_view *v);
MIGPLAN_API const char *migplan_view_target_database(const migplan_view *v);

MIGPLAN_END_DECL

#endif
