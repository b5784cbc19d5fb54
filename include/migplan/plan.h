/**
 * @file migplan/plan.h
 * @brief The plan handle: load a Moose migration plan with its snapshots, walk its operations.
 *
 * A plan is used by one thread at a time; different plans may be used from different threads.
 */
#ifndef MIGPLAN_PLAN_H
#define MIGPLAN_PLAN_H

#include "common.h"
#include "node.h"
#include "options.h"
#include "snapshot.h"

MIGPLAN_BEGIN_DECL

typedef struct migplan_plan migplan_plan;
typedef struct migplan_op migplan_op;

/** The 19 operation variants of a Moose plan. Values are pinned. @since 0.1 */
typedef enum migplan_op_kind {
	MIGPLAN_OP_CREATE_TABLE = 1,
	MIGPLAN_OP_DROP_TABLE = 2,
	MIGPLAN_OP_ADD_TABLE_COLUMN = 3,
	MIGPLAN_OP_DROP_TABLE_COLUMN = 4,
	MIGPLAN_OP_MODIFY_TABLE_COLUMN = 5,
	MIGPLAN_OP_RENAME_TABLE_COLUMN = 6,
	MIGPLAN_OP_MODIFY_TABLE_SETTINGS = 7,
	MIGPLAN_OP_MODIFY_TABLE_TTL = 8,
	MIGPLAN_OP_ADD_TABLE_INDEX = 9,
	MIGPLAN_OP_DROP_TABLE_INDEX = 10,
	MIGPLAN_OP_ADD_TABLE_PROJECTION = 11,
	MIGPLAN_OP_DROP_TABLE_PROJECTION = 12,
	MIGPLAN_OP_MODIFY_SAMPLE_BY = 13,
	MIGPLAN_OP_REMOVE_SAMPLE_BY = 14,
	MIGPLAN_OP_CREATE_MATERIALIZED_VIEW = 15,
	MIGPLAN_OP_DROP_MATERIALIZED_VIEW = 16,
	MIGPLAN_OP_CREATE_VIEW = 17,
	MIGPLAN_OP_DROP_VIEW = 18,
	MIGPLAN_OP_RAW_SQL = 19
} migplan_op_kind;

/** Which snapshot. @since 0.1 */
typedef enum migplan_snapshot_role {
	MIGPLAN_SNAPSHOT_REMOTE = 1, /**< remote_state.json: the target deployment before */
	MIGPLAN_SNAPSHOT_LOCAL = 2   /**< local_infra_map.json: the code after */
} migplan_snapshot_role;

/**
 * Load a migrations directory: `plan.yaml` with `remote_state.json` and `local_infra_map.json`
 * beside it when they exist (each snapshot is optional).
 * @param[out] out the plan, NULL on failure. Ownership: the caller's; free with migplan_plan_free().
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_EIO (no plan.yaml, unreadable file), MIGPLAN_EPARSE,
 *         MIGPLAN_ESCHEMA, MIGPLAN_ELIMIT, MIGPLAN_EVERSION, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_load_dir(migplan_plan **out, const char *dir,
                                                 const migplan_parse_options *opts);
/**
 * Load a plan file and, optionally, the snapshot files (NULL to skip one).
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_load_files(migplan_plan **out, const char *plan_path,
                                                   const char *remote_path, const char *local_path,
                                                   const migplan_parse_options *opts);
/**
 * Load a plan from memory (editors hold unsaved text). The buffer need not be NUL-terminated.
 * @param name the name used in positions (the file's path); NULL gives "<buffer>".
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_load_buffer(migplan_plan **out, const char *data,
                                                    size_t len, const char *name,
                                                    const migplan_parse_options *opts);
/**
 * Attach snapshots loaded separately (e.g. loaded once and shared by many plans).
 * Either may be NULL. Ownership: borrowed; each snapshot must outlive the plan. Replaces
 * snapshots attached before (freeing those the plan owned).
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_attach_snapshots(migplan_plan *plan,
                                                         const migplan_snapshot *remote,
                                                         const migplan_snapshot *local);
/** Free a plan and everything it owns; NULL is ignored. @since 0.1 */
MIGPLAN_API void migplan_plan_free(migplan_plan *plan);

/** The plan's path (or buffer name). @since 0.1 */
MIGPLAN_API const char *migplan_plan_path(const migplan_plan *plan);
/** `created_at` as written, or NULL. @since 0.1 */
MIGPLAN_API const char *migplan_plan_created_at(const migplan_plan *plan);
MIGPLAN_API const migplan_node *migplan_plan_root(const migplan_plan *plan);
/** The attached snapshot, or NULL when it was not given or not found. Borrowed. @since 0.1 */
MIGPLAN_API const migplan_snapshot *migplan_plan_snapshot(const migplan_plan *plan,
                                                          migplan_snapshot_role role);
/**
 * The database that `database: null` means: the remote snapshot's default_database, else the
 * local one's, else "local". @since 0.1
 */
MIGPLAN_API const char *migplan_plan_default_database(const migplan_plan *plan);

MIGPLAN_API size_t migplan_plan_op_count(const migplan_plan *plan);
/** Operation @p i (0-based, file order), NULL when out of range. Borrowed. @since 0.1 */
MIGPLAN_API const migplan_op *migplan_plan_op_at(const migplan_plan *plan, size_t i);

/** Variant name ("CreateTable", ...), or NULL for an unknown value. Static. @since 0.1 */
MIGPLAN_API const char *migplan_op_kind_name(migplan_op_kind kind);
/** The kind for a variant name, or 0 when there is none. @since 0.1 */
MIGPLAN_API migplan_op_kind migplan_op_kind_from_name(const char *name);

MIGPLAN_API migplan_op_kind migplan_op_kind_of(const migplan_op *op);
/** 0-based position in the plan. */
MIGPLAN_API size_t migplan_op_index(const migplan_op *op);
/** The sequence item (the one-key mapping): its position is the operation's position. */
MIGPLAN_API const migplan_node *migplan_op_node(const migplan_op *op);
/** The variant's field mapping. */
MIGPLAN_API const migplan_node *migplan_op_body(const migplan_op *op);
/** A field of the variant's mapping by key, or NULL (any field, typed or not). */
MIGPLAN_API const migplan_node *migplan_op_field(const migplan_op *op, const char *key);

/** The table (or view) the operation acts on: `table`, CreateTable's `table.name`, the
 *  view's `name`; NULL for RawSql. */
MIGPLAN_API const char *migplan_op_table_name(const migplan_op *op);
/** `database` as written (CreateTable: `table.database`), NULL when null or absent. */
MIGPLAN_API const char *migplan_op_database(const migplan_op *op);
MIGPLAN_API const char *migplan_op_cluster_name(const migplan_op *op);
/** CreateTable: the complete new table. */
MIGPLAN_API const migplan_table *migplan_op_table(const migplan_op *op);
/** AddTableColumn: `column`; ModifyTableColumn: `after_column`. */
MIGPLAN_API const migplan_column *migplan_op_column(const migplan_op *op);
/** ModifyTableColumn: `before_column`. */
MIGPLAN_API const migplan_column *migplan_op_before_column(const migplan_op *op);
/** The column acted on: DropTableColumn `column_name`, RenameTableColumn `before_column_name`,
 *  Add/ModifyTableColumn the column's name. */
MIGPLAN_API const char *migplan_op_column_name(const migplan_op *op);
/** RenameTableColumn: `after_column_name`. */
MIGPLAN_API const char *migplan_op_new_column_name(const migplan_op *op);
/** AddTableColumn: `after_column` (NULL = FIRST). */
MIGPLAN_API const char *migplan_op_position_after(const migplan_op *op);
/** AddTableIndex: the index. */
MIGPLAN_API const migplan_index *migplan_op_index_def(const migplan_op *op);
/** AddTableIndex: index name; DropTableIndex: `index_name`; Add/DropTableProjection: projection name. */
MIGPLAN_API const char *migplan_op_object_name(const migplan_op *op);
/** AddTableProjection: the projection body. */
MIGPLAN_API const char *migplan_op_projection_body(const migplan_op *op);
/** ModifyTableTtl `after`, ModifySampleBy `expression`; NULL otherwise. */
MIGPLAN_API const char *migplan_op_expression(const migplan_op *op);
/** ModifyTableTtl `before`. */
MIGPLAN_API const char *migplan_op_before_expression(const migplan_op *op);
/** Create(Materialized)View: `select_sql`. */
MIGPLAN_API const char *migplan_op_select_sql(const migplan_op *op);
/** CreateMaterializedView: `target_table` and `target_database` (NULL = the view's database). */
MIGPLAN_API const char *migplan_op_target_table(const migplan_op *op);
MIGPLAN_API const char *migplan_op_target_database(const migplan_op *op);
/** RawSql: the statements and the description. */
MIGPLAN_API size_t migplan_op_sql_count(const migplan_op *op);
MIGPLAN_API const char *migplan_op_sql_at(const migplan_op *op, size_t i);
MIGPLAN_API const char *migplan_op_description(const migplan_op *op);

MIGPLAN_END_DECL

#endif
