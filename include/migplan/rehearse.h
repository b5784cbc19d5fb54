/**
 * @file migplan/rehearse.h
 * @brief Rehearse a plan on the real ClickHouse engine before deploying it: what it does to the
 *        data, operation by operation, column by column.
 *
 * A rehearsal loads the embedded ClickHouse engine (chDB's `libchdb.so`, from the npm package
 * `chdb`) at run time with dlopen, so the library builds, links and works without it; only a
 * rehearsal needs it. In a fresh temporary data directory it then:
 *   1. creates the databases, tables, views and materialized views of `remote_state.json`
 *      (engines that need a cluster or an outside service become local MergeTree tables);
 *   2. fills each table with generated rows, deterministic for a seed: ClickHouse's
 *      generateRandom() with NULLs and boundary values of each column's type mixed in, and one
 *      column per table (the row key, see below) holding a unique value per row;
 *   3. keeps a copy of each table's rows (the baseline) and its row count and order-independent
 *      column checksums;
 *   4. runs each operation's statements exactly as Moose would (migplan_op_to_sql() with
 *      MIGPLAN_SQL_AS_MOOSE, in file order, `USE` of the default database so unqualified names
 *      resolve as on Moose's connection), timing each; mutations run synchronously
 *      (`mutations_sync = 2, alter_sync = 2`) so a failing mutation is seen by the operation
 *      that started it. Like Moose, the rehearsal stops at the first operation that fails
 *      (unless MIGPLAN_REHEARSE_KEEP_GOING);
 *   5. after each operation, records ClickHouse's error, the mutations that failed
 *      (`system.mutations`) and, for every table the operation can touch, the rows whose value
 *      changed or that were lost, per column, compared with the baseline;
 *   6. at the end runs the verification queries of the go/no-go checklist (when one is given,
 *      migplan_rehearse_options::checklist_json: its `before` queries ran on the baseline, its
 *      `after` queries must give the baseline's result or the expected one), inserts probe rows
 *      into the source table of every materialized view and checks that each view's target
 *      received them, checks that plain views still answer, and compares the final schema with
 *      `local_infra_map.json`.
 *
 * Row identity. Changed values are counted exactly by joining the baseline with the table on a
 * row key: a column of the table that the plan does not modify, drop or (when possible) change
 * type of, preferably in ORDER BY, whose generated values are unique (`id-<n>`, n, ...). When a
 * table has no such column (migplan_rehearsal_table_key() is NULL), its rows lost are counted
 * from row counts and each column's values are compared as multisets (a lower bound). When a table is dropped and the local
 * snapshot has another version of it (same source name, e.g. events_1_0 -> events_1_1), the
 * rows are looked for in that table.
 *
 * One engine per process. chDB holds one ClickHouse context per process with one data
 * directory for the life of the process: while an engine is open, opening another fails with
 * MIGPLAN_EUNSUPPORTED. To rehearse several plans in one process, open one engine with
 * migplan_chdb_open() and pass it in migplan_rehearse_options::engine: each rehearsal creates
 * its databases in it and drops them at the end. Rehearsals on one engine must not run
 * concurrently. For several data directories, use several processes.
 *
 * The library never prints: progress is reported through a callback.
 */
#ifndef MIGPLAN_REHEARSE_H
#define MIGPLAN_REHEARSE_H

#include "common.h"
#include "plan.h"

MIGPLAN_BEGIN_DECL

/* ------------------------------------------------------------------------------------------
 * The engine
 * ---------------------------------------------------------------------------------------- */

/** An open embedded ClickHouse engine (chDB), with its data directory (opaque). @since 0.1 */
typedef struct migplan_chdb migplan_chdb;

/**
 * Load `libchdb.so` and start the engine on a data directory.
 * @param[out] out the engine, NULL on failure.
 * @param[in] library_path the shared object; NULL searches, in order: `$MIGPLAN_CHDB_LIB`,
 *            `./.chdb/node_modules/@chdb/lib-linux-<arch>-gnu/libchdb.so`, `./node_modules/...`,
 *            the source tree's `.chdb/` (builds with MIGPLAN_SOURCE_ROOT), `/opt/chdb-npm/...`,
 *            and the global npm roots `/usr/local/lib/node_modules` and `/usr/lib/node_modules`.
 *            An explicit path (argument or variable) is never replaced by the search.
 * @param[in] data_dir an existing directory to use and keep; NULL makes a fresh temporary
 *            directory under `$TMPDIR` (or /tmp) that migplan_chdb_close() removes.
 * @return MIGPLAN_OK; MIGPLAN_ENOTFOUND (no library: the message lists every path tried and
 *         says how to install it, `npm install --prefix .chdb chdb`); MIGPLAN_EUNSUPPORTED (the
 *         file is not a chDB library, cannot be loaded, or an engine is already open in this
 *         process); MIGPLAN_EIO (no temporary directory); MIGPLAN_ERROR (ClickHouse did not
 *         start); MIGPLAN_EINVAL (NULL out); MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; close it with migplan_chdb_close().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_chdb_open(migplan_chdb **out, const char *library_path,
                                             const char *data_dir);

/**
 * Stop the engine and remove its data directory when migplan_chdb_open() made it. The shared
 * object stays loaded (ClickHouse cannot be unloaded safely); a later open in the same process
 * reuses it.
 * @param[in] eng the engine, or NULL (ignored).
 * Ownership: @p eng is freed.
 * @since 0.1
 */
MIGPLAN_API void migplan_chdb_close(migplan_chdb *eng);

/**
 * The shared object the engine was loaded from.
 * @param[in] eng the engine, or NULL (NULL).
 * @return the path. Ownership: borrowed from @p eng.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_chdb_library_path(const migplan_chdb *eng);

/**
 * The engine's data directory.
 * @param[in] eng the engine, or NULL (NULL).
 * @return the path. Ownership: borrowed from @p eng.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_chdb_data_dir(const migplan_chdb *eng);

/**
 * Run one ClickHouse statement on the engine (for inspection: e.g. querying the baseline copy
 * kept with MIGPLAN_REHEARSE_KEEP_DATABASES).
 * @param[in] eng the engine.
 * @param[in] sql one statement, NUL-terminated.
 * @param[in] format a ClickHouse output format ("TSV", "JSONEachRow", ...); NULL means "TSV".
 * @param[out] out the output, NUL-terminated ("" for DDL); may be NULL to discard it.
 * @return MIGPLAN_OK; MIGPLAN_ERROR with ClickHouse's message (`Code: 60. DB::Exception: ...`)
 *         in migplan_error_last(); MIGPLAN_EINVAL (NULL eng or sql); MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_chdb_query(migplan_chdb *eng, const char *sql,
                                              const char *format, char **out);

/* ------------------------------------------------------------------------------------------
 * Options
 * ---------------------------------------------------------------------------------------- */

/** Current version of migplan_rehearse_options. @since 0.1 */
#define MIGPLAN_REHEARSE_OPTIONS_VERSION 1
/** Rows generated per table when migplan_rehearse_options::rows is 0. @since 0.1 */
#define MIGPLAN_REHEARSE_DEFAULT_ROWS 10000u

/** Flags of migplan_rehearse_options::flags. @since 0.1 */
typedef enum migplan_rehearse_flags {
	MIGPLAN_REHEARSE_NONE = 0,
	/** Run the operations with libmigplan's valid ClickHouse types instead of Moose's exact
	 *  DDL (which ClickHouse may refuse, e.g. `Nullable(LowCardinality(String))`): what the
	 *  plan would do once that rendering is fixed. Default: exactly as Moose. */
	MIGPLAN_REHEARSE_CORRECTED_DDL = 1u << 0,
	/** Run the operations after one fails (Moose stops at the first failure), to see every
	 *  problem of the plan in one rehearsal. */
	MIGPLAN_REHEARSE_KEEP_GOING = 1u << 1,
	/** With migplan_rehearse_options::engine: leave the rehearsal's databases in the engine
	 *  (the plan's databases as the plan left them, and `_migplan_rehearsal` with the baseline
	 *  copies, see migplan_rehearsal_table_baseline()). The next rehearsal on that engine
	 *  fails until they are dropped. */
	MIGPLAN_REHEARSE_KEEP_DATABASES = 1u << 2
} migplan_rehearse_flags;

/**
 * Progress of a rehearsal: called before operation @p op_index runs (0-based), and once more
 * with @p op_index == @p op_count when the operations are done.
 * @param user migplan_rehearse_options::progress_user.
 * @param op_index the operation about to run, or @p op_count at the end.
 * @param op_count the number of operations in the plan.
 * @param rows the number of generated rows the plan runs on (all tables).
 * @since 0.1
 */
typedef void (*migplan_rehearse_progress_fn)(void *user, size_t op_index, size_t op_count,
                                             uint64_t rows);

/**
 * Options of migplan_rehearse(). Initialise with MIGPLAN_REHEARSE_OPTIONS_INIT or
 * migplan_rehearse_options_init(); fields are append-only and 0 / NULL always means the
 * default.
 * @since 0.1
 */
typedef struct migplan_rehearse_options {
	unsigned int version;       /**< MIGPLAN_REHEARSE_OPTIONS_VERSION */
	const char *library_path;   /**< libchdb.so; NULL: search (see migplan_chdb_open()) */
	uint64_t rows;              /**< rows per table; 0: MIGPLAN_REHEARSE_DEFAULT_ROWS */
	uint64_t seed;              /**< seed of the generated data (every value is a seed; 0 too) */
	const char *data_dir;       /**< engine data directory to keep; NULL: a fresh temporary
	                                 directory, removed afterwards. Ignored with @c engine */
	migplan_rehearse_progress_fn progress; /**< NULL: no progress reports */
	void *progress_user;        /**< passed to @c progress */
	uint32_t flags;             /**< migplan_rehearse_flags */
	migplan_chdb *engine;       /**< an open engine to use (and leave open); NULL: open one for
	                                 this rehearsal and close it afterwards */
	const char *checklist_json; /**< the go/no-go checklist whose verification queries to run,
	                                 as migplan_report_render() writes it for
	                                 MIGPLAN_REPORT_CHECKLIST in JSON; NULL: none (see
	                                 migplan_rehearsal_check_count()) */
} migplan_rehearse_options;

/** Static initialiser of migplan_rehearse_options with every default. @since 0.1 */
#define MIGPLAN_REHEARSE_OPTIONS_INIT \
	{ MIGPLAN_REHEARSE_OPTIONS_VERSION, NULL, 0, 0, NULL, NULL, NULL, 0, NULL, NULL }

/**
 * Initialise @p opts with defaults for structure version @p version.
 * @param[out] opts the options.
 * @param[in] version MIGPLAN_REHEARSE_OPTIONS_VERSION.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL), MIGPLAN_EVERSION (unknown version).
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_rehearse_options_init(migplan_rehearse_options *opts,
                                                         unsigned int version);

/* ------------------------------------------------------------------------------------------
 * Rehearsing
 * ---------------------------------------------------------------------------------------- */

/** The outcome of a rehearsal (opaque). @since 0.1 */
typedef struct migplan_rehearsal migplan_rehearsal;
/** One operation's outcome (opaque, owned by its rehearsal). @since 0.1 */
typedef struct migplan_rehearsal_op migplan_rehearsal_op;
/** One table of remote_state.json with the fate of its rows (opaque). @since 0.1 */
typedef struct migplan_rehearsal_table migplan_rehearsal_table;
/** One column of such a table (opaque). @since 0.1 */
typedef struct migplan_rehearsal_column migplan_rehearsal_column;
/** One view or materialized view and whether it still works (opaque). @since 0.1 */
typedef struct migplan_rehearsal_view migplan_rehearsal_view;
/** One difference between the final schema and local_infra_map.json (opaque). @since 0.1 */
typedef struct migplan_rehearsal_diff migplan_rehearsal_diff;

/**
 * Rehearse @p plan on the embedded engine (see the file comment for the steps).
 * Problems of the plan (failing operations, lost rows, broken views, schema differences) are
 * results, not errors: the call succeeds and the rehearsal describes them.
 * @param[out] out the rehearsal, NULL on failure.
 * @param[in] plan the plan, with its remote snapshot attached (migplan_plan_load_dir()); the
 *            local snapshot is optional (without it the final schema is not compared).
 * @param[in] opts options, or NULL for the defaults.
 * @return MIGPLAN_OK; MIGPLAN_ENOTFOUND (no libchdb.so: the message lists the paths tried and
 *         how to install it); MIGPLAN_EUNSUPPORTED (not a chDB library, or an engine is already
 *         open in this process and @c opts->engine is NULL); MIGPLAN_EINVAL (NULL out or plan,
 *         no remote snapshot, a database of the plan already exists in @c opts->engine, a
 *         checklist that is not JSON);
 *         MIGPLAN_EVERSION (unknown options version); MIGPLAN_EIO (no temporary directory);
 *         MIGPLAN_ERROR (the engine failed outside the plan's own statements: the message is
 *         ClickHouse's); MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_rehearsal_free(). It copies what it
 * needs and does not borrow from @p plan.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_rehearse(migplan_rehearsal **out, const migplan_plan *plan,
                                            const migplan_rehearse_options *opts);

/**
 * Rehearse @p plan and its rewrite on the same generated data: the edits of rewrite.h are
 * proposed (migplan_plan_propose_edits()), the accepted ones applied
 * (migplan_plan_apply_edits()), and both plans rehearsed one after the other on one engine
 * with the same rows and seed. Render the pair with migplan_rehearsal_render_compare().
 * @param[out] before the rehearsal of @p plan as it is, NULL on failure.
 * @param[out] after the rehearsal of the edited plan, NULL on failure.
 * @param[in,out] plan the plan, with its remote snapshot; analysed and given edits as
 *                migplan_plan_propose_edits() does.
 * @param[in] ids ids of the edits to apply; NULL with @p count 0 applies every proposed edit.
 * @param[in] count number of ids.
 * @param[in] opts options (both rehearsals), or NULL for the defaults.
 * @return MIGPLAN_OK; MIGPLAN_ENOTFOUND (no edit is proposed for the plan: nothing to compare;
 *         or an id that is not a proposed edit; or no libchdb.so); the errors of
 *         migplan_plan_apply_edits() and migplan_rehearse().
 * Ownership: *before and *after are the caller's; free each with migplan_rehearsal_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_rehearse_edits(migplan_rehearsal **before,
                                                  migplan_rehearsal **after, migplan_plan *plan,
                                                  const char *const *ids, size_t count,
                                                  const migplan_rehearse_options *opts);

/**
 * Free a rehearsal and everything it owns.
 * @param[in] r the rehearsal, or NULL (ignored).
 * Ownership: @p r is freed; every pointer obtained from it becomes invalid.
 * @since 0.1
 */
MIGPLAN_API void migplan_rehearsal_free(migplan_rehearsal *r);

/* ------------------------------------------------------------------------------------------
 * The rehearsal as a whole
 * ---------------------------------------------------------------------------------------- */

/**
 * The plan's path.
 * @param[in] r the rehearsal, or NULL (NULL).
 * @return the path. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_plan_path(const migplan_rehearsal *r);

/**
 * The ClickHouse version of the engine (`SELECT version()`, e.g. "26.7.2.1").
 * @param[in] r the rehearsal, or NULL (NULL).
 * @return the version. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_engine_version(const migplan_rehearsal *r);

/**
 * Rows generated per table.
 * @param[in] r the rehearsal, or NULL (0).
 * @return the row count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_rows(const migplan_rehearsal *r);

/**
 * The seed of the generated data.
 * @param[in] r the rehearsal, or NULL (0).
 * @return the seed. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_seed(const migplan_rehearsal *r);

/**
 * The migplan_rehearse_flags the rehearsal ran with.
 * @param[in] r the rehearsal, or NULL (0).
 * @return the flags. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint32_t migplan_rehearsal_flags(const migplan_rehearsal *r);

/**
 * Wall-clock time of the whole rehearsal (engine start, setup, operations, checks).
 * @param[in] r the rehearsal, or NULL (0).
 * @return microseconds. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_duration_us(const migplan_rehearsal *r);

/**
 * The go/no-go of the rehearsal: 1 when every operation ran, the setup was complete, no row was
 * lost and no value changed or lost (except in tables and columns the plan drops on purpose,
 * see migplan_rehearsal_table_dropped()), every view still works, every verification query of
 * the checklist passed and the final schema equals local_infra_map.json.
 * @param[in] r the rehearsal, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_passed(const migplan_rehearsal *r);

/**
 * Index of the first operation that did not run (failed or refused), or -1 when all ran.
 * @param[in] r the rehearsal, or NULL (-1).
 * @return the 0-based operation index, or -1. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API long migplan_rehearsal_first_failure(const migplan_rehearsal *r);

/**
 * Rows lost over all tables (rows of the baseline that no table holds at the end).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_rows_lost(const migplan_rehearsal *r);

/**
 * Values changed or lost over all columns of all tables (the sum of
 * migplan_rehearsal_column_changed() and migplan_rehearsal_column_lost()).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_values_affected(const migplan_rehearsal *r);

/**
 * Number of setup problems: objects of remote_state.json that could not be created or filled
 * (the rest of the rehearsal runs without them).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_setup_problem_count(const migplan_rehearsal *r);

/**
 * Setup problem @p i, as a sentence naming the object and ClickHouse's message.
 * @param[in] r the rehearsal.
 * @param[in] i 0-based index.
 * @return the text, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_setup_problem_at(const migplan_rehearsal *r, size_t i);

/* ------------------------------------------------------------------------------------------
 * Operations
 * ---------------------------------------------------------------------------------------- */

/** What happened to an operation. Values are pinned. @since 0.1 */
typedef enum migplan_rehearsal_op_status {
	/** Every statement ran (mutations included). */
	MIGPLAN_REHEARSAL_OP_RAN = 1,
	/** Started and failed: its mutation failed, or a later statement of the operation failed
	 *  after earlier ones ran. Something may have changed (a failed MODIFY COLUMN keeps the new
	 *  type in the metadata and leaves the mutation stuck, as in production). */
	MIGPLAN_REHEARSAL_OP_FAILED = 2,
	/** Rejected before it changed anything: ClickHouse refused its first statement, or the
	 *  operation cannot be written as SQL (Moose has no ClickHouse type for a column). */
	MIGPLAN_REHEARSAL_OP_REFUSED = 3,
	/** Not run: an earlier operation failed and Moose stops there. */
	MIGPLAN_REHEARSAL_OP_NOT_RUN = 4
} migplan_rehearsal_op_status;

/**
 * Static name of an operation status: "ran", "failed", "refused", "not-run".
 * @param[in] status the status.
 * @return the name, or "unknown". Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_op_status_name(migplan_rehearsal_op_status status);

/**
 * Number of operations (the plan's).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_op_count(const migplan_rehearsal *r);

/**
 * Operation @p i, in plan order.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] i 0-based index.
 * @return the operation, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_op *migplan_rehearsal_op_at(const migplan_rehearsal *r,
                                                                size_t i);

/**
 * The operation's 0-based index in the plan.
 * @param[in] op the operation, or NULL (0).
 * @return the index. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_op_index(const migplan_rehearsal_op *op);

/**
 * The operation's variant.
 * @param[in] op the operation, or NULL (0).
 * @return the kind. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_op_kind migplan_rehearsal_op_kind(const migplan_rehearsal_op *op);

/**
 * A one-line label: the variant and its object, e.g. "ModifyTableColumn local.metrics.count".
 * @param[in] op the operation, or NULL (NULL).
 * @return the label. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_op_label(const migplan_rehearsal_op *op);

/**
 * What happened to the operation.
 * @param[in] op the operation, or NULL (MIGPLAN_REHEARSAL_OP_NOT_RUN).
 * @return the status. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_rehearsal_op_status migplan_rehearsal_op_status_of(const migplan_rehearsal_op *op);

/**
 * Why the operation failed or was refused: ClickHouse's message (first line of the exception,
 * `Code: 36. DB::Exception: ...`), or libmigplan's when it could not be written as SQL.
 * @param[in] op the operation, or NULL (NULL).
 * @return the message, or NULL when it ran or was not run. Ownership: borrowed.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_op_message(const migplan_rehearsal_op *op);

/**
 * Time the operation's statements took (the waits for their mutations included).
 * @param[in] op the operation, or NULL (0).
 * @return microseconds; 0 when not run. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_op_duration_us(const migplan_rehearsal_op *op);

/**
 * Number of statements of the operation (as Moose renders it).
 * @param[in] op the operation, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_op_statement_count(const migplan_rehearsal_op *op);

/**
 * Statement @p i of the operation, as it was sent to the engine.
 * @param[in] op the operation.
 * @param[in] i 0-based index.
 * @return the SQL, or NULL when out of range. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_op_statement_at(const migplan_rehearsal_op *op,
                                                          size_t i);

/**
 * Index of the statement that failed, or -1 when none did.
 * @param[in] op the operation, or NULL (-1).
 * @return the 0-based statement index, or -1. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API long migplan_rehearsal_op_failed_statement(const migplan_rehearsal_op *op);

/**
 * Number of mutations that failed during the operation (`system.mutations` rows not done with a
 * `latest_fail_reason`, new since the operation started).
 * @param[in] op the operation, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_op_mutation_failure_count(const migplan_rehearsal_op *op);

/**
 * Failed mutation @p i: "db.table mutation_id (command): reason".
 * @param[in] op the operation.
 * @param[in] i 0-based index.
 * @return the text, or NULL when out of range. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_op_mutation_failure_at(const migplan_rehearsal_op *op,
                                                                 size_t i);

/**
 * Number of columns whose values the operation changed or lost (compared with the state
 * before it).
 * @param[in] op the operation, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_op_changed_count(const migplan_rehearsal_op *op);

/**
 * Column @p i whose values the operation changed or lost.
 * @param[in] op the operation.
 * @param[in] i 0-based index.
 * @return the column (see migplan_rehearsal_column_table() for its table), or NULL when out
 *         of range. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_column *
migplan_rehearsal_op_changed_column(const migplan_rehearsal_op *op, size_t i);

/**
 * How many more rows of column @p i had a changed or lost value after the operation than
 * before it, rows lost as a whole left out (migplan_rehearsal_op_rows_lost() counts those once).
 * @param[in] op the operation.
 * @param[in] i 0-based index.
 * @return the count, 0 when out of range. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_op_changed_values(const migplan_rehearsal_op *op,
                                                         size_t i);

/**
 * Rows the operation lost, over all tables.
 * @param[in] op the operation, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_op_rows_lost(const migplan_rehearsal_op *op);

/* ------------------------------------------------------------------------------------------
 * Tables and columns (the tables of remote_state.json)
 * ---------------------------------------------------------------------------------------- */

/**
 * Number of tables of remote_state.json.
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_table_count(const migplan_rehearsal *r);

/**
 * Table @p i, in remote_state.json order.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] i 0-based index.
 * @return the table, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_table *migplan_rehearsal_table_at(const migplan_rehearsal *r,
                                                                      size_t i);

/**
 * The table with this name.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] database the database, or NULL for the plan's default database.
 * @param[in] name the table's name.
 * @return the table, or NULL. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_table *
migplan_rehearsal_table_find(const migplan_rehearsal *r, const char *database, const char *name);

/**
 * The table's database (never NULL: the default database is spelled out).
 * @param[in] t the table, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_table_database(const migplan_rehearsal_table *t);

/**
 * The table's name.
 * @param[in] t the table, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_table_name(const migplan_rehearsal_table *t);

/**
 * The row key: the column whose unique values identify rows before and after (see the file
 * comment), as named in remote_state.json.
 * @param[in] t the table, or NULL (NULL).
 * @return the column name, or NULL when the table has none (its columns are then compared as
 *         multisets of values, see migplan_rehearsal_column_changed()).
 * Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_table_key(const migplan_rehearsal_table *t);

/**
 * The baseline copy of the table's generated rows in the engine, e.g.
 * `` `_migplan_rehearsal`.`b0` `` (same column names and types; kept only with
 * MIGPLAN_REHEARSE_KEEP_DATABASES).
 * @param[in] t the table, or NULL (NULL).
 * @return the qualified, quoted name, or NULL when the table could not be filled.
 * Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_table_baseline(const migplan_rehearsal_table *t);

/**
 * The table that holds the rows at the end, when it is not this one: another version of it
 * (`events_1_1` for `events_1_0`). NULL when it is the table itself or nothing holds them.
 * @param[in] t the table, or NULL (NULL).
 * @return the table name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_table_holder(const migplan_rehearsal_table *t);

/**
 * Rows of the baseline (after the fill).
 * @param[in] t the table, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_table_rows_before(const migplan_rehearsal_table *t);

/**
 * 1 when the plan removed the table on purpose: it is gone at the end and local_infra_map.json
 * has neither it nor another version of it. Its rows count as lost, but not against
 * migplan_rehearsal_passed(). Always 0 without a local snapshot.
 * @param[in] t the table, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_table_dropped(const migplan_rehearsal_table *t);

/**
 * Rows in the table (or its holder) at the end, before the view probes; 0 when it is gone.
 * @param[in] t the table, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_table_rows_after(const migplan_rehearsal_table *t);

/**
 * Rows of the baseline that are gone at the end (by row key; by count without one).
 * @param[in] t the table, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_table_rows_lost(const migplan_rehearsal_table *t);

/**
 * Number of columns of the table in remote_state.json (MATERIALIZED columns included,
 * ALIAS columns excluded).
 * @param[in] t the table, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_table_column_count(const migplan_rehearsal_table *t);

/**
 * Column @p i of the table.
 * @param[in] t the table, or NULL.
 * @param[in] i 0-based index.
 * @return the column, or NULL when out of range. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_column *
migplan_rehearsal_table_column_at(const migplan_rehearsal_table *t, size_t i);

/**
 * The column with this name (as in remote_state.json).
 * @param[in] t the table, or NULL.
 * @param[in] name the column name.
 * @return the column, or NULL. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_column *
migplan_rehearsal_table_column_find(const migplan_rehearsal_table *t, const char *name);

/**
 * The table of the column.
 * @param[in] c the column, or NULL (NULL).
 * @return the table. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_table *
migplan_rehearsal_column_table(const migplan_rehearsal_column *c);

/**
 * The column's name in remote_state.json.
 * @param[in] c the column, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_name(const migplan_rehearsal_column *c);

/**
 * The column's name at the end when a RenameTableColumn renamed it, else NULL.
 * @param[in] c the column, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_renamed_to(const migplan_rehearsal_column *c);

/**
 * The column's type in the engine before the plan (as system.columns spells it).
 * @param[in] c the column, or NULL (NULL).
 * @return the type. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_type_before(const migplan_rehearsal_column *c);

/**
 * The column's type at the end, or NULL when the column (or its table) is gone.
 * @param[in] c the column, or NULL (NULL).
 * @return the type. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_type_after(const migplan_rehearsal_column *c);

/**
 * 1 when the plan removed the column on purpose: it is gone at the end, the table of
 * local_infra_map.json does not have it and adds no new column of its type (that would be a
 * rename written as drop + add, which loses the values by mistake), or the whole table was
 * dropped on purpose. Its values count as lost, but not against migplan_rehearsal_passed().
 * @param[in] c the column, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_column_dropped(const migplan_rehearsal_column *c);

/**
 * 1 when the column's values were compared row by row (the table has a row key).
 * @param[in] c the column, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_column_measured(const migplan_rehearsal_column *c);

/**
 * Rows still present whose value in this column differs from the baseline (NULL-aware; NaN
 * equals NaN; values of another type compare as ClickHouse compares them, e.g. Int64 5 equals
 * Int32 5, and Float64 0.1 differs from Float32 0.1). Exact with a row key; without one
 * (migplan_rehearsal_column_measured() is 0) the baseline values that no value of the column
 * matches any more (each cast back to the old type), minus the rows lost: a lower bound.
 * @param[in] c the column, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_column_changed(const migplan_rehearsal_column *c);

/**
 * Rows whose value in this column was lost: the row is gone, the column is gone, or the column
 * can no longer be read (a stuck mutation).
 * @param[in] c the column, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API uint64_t migplan_rehearsal_column_lost(const migplan_rehearsal_column *c);

/**
 * Why the column could not be read at the end (ClickHouse's message), or NULL.
 * @param[in] c the column, or NULL (NULL).
 * @return the message. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_error(const migplan_rehearsal_column *c);

/**
 * The first changed value, as "old -> new" in ClickHouse's text, or NULL when none changed.
 * @param[in] c the column, or NULL (NULL).
 * @return the example. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_column_example(const migplan_rehearsal_column *c);

/* ------------------------------------------------------------------------------------------
 * Views and materialized views
 * ---------------------------------------------------------------------------------------- */

/** Whether a view still works at the end. Values are pinned. @since 0.1 */
typedef enum migplan_rehearsal_view_status {
	/** The materialized view received the probe rows; the view answers. */
	MIGPLAN_REHEARSAL_VIEW_OK = 1,
	/** The materialized view exists but its target did not receive the probe rows inserted into
	 *  its source, or the insert into the source failed (the message says which). */
	MIGPLAN_REHEARSAL_VIEW_STOPPED = 2,
	/** The view exists but a SELECT from it fails. */
	MIGPLAN_REHEARSAL_VIEW_BROKEN = 3,
	/** local_infra_map.json has the view, the engine does not. */
	MIGPLAN_REHEARSAL_VIEW_MISSING = 4,
	/** The plan dropped the view and local_infra_map.json no longer has it: as intended. */
	MIGPLAN_REHEARSAL_VIEW_DROPPED = 5
} migplan_rehearsal_view_status;

/**
 * Static name of a view status: "ok", "stopped", "broken", "missing", "dropped".
 * @param[in] status the status.
 * @return the name, or "unknown". Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_view_status_name(migplan_rehearsal_view_status status);

/**
 * Number of views and materialized views (of either snapshot, and any the engine has).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_view_count(const migplan_rehearsal *r);

/**
 * View @p i.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] i 0-based index.
 * @return the view, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_view *migplan_rehearsal_view_at(const migplan_rehearsal *r,
                                                                    size_t i);

/**
 * The view's database.
 * @param[in] v the view, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_view_database(const migplan_rehearsal_view *v);

/**
 * The view's name.
 * @param[in] v the view, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_view_name(const migplan_rehearsal_view *v);

/**
 * 1 for a materialized view, 0 for a plain view.
 * @param[in] v the view, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_view_materialized(const migplan_rehearsal_view *v);

/**
 * A materialized view's target table ("db.table"), or NULL.
 * @param[in] v the view, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_view_target(const migplan_rehearsal_view *v);

/**
 * Whether the view still works.
 * @param[in] v the view, or NULL (MIGPLAN_REHEARSAL_VIEW_MISSING).
 * @return the status. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_rehearsal_view_status migplan_rehearsal_view_status_of(const migplan_rehearsal_view *v);

/**
 * Why the view is stopped or broken (ClickHouse's message, or what did not arrive).
 * @param[in] v the view, or NULL (NULL).
 * @return the message, or NULL. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_view_message(const migplan_rehearsal_view *v);

/* ------------------------------------------------------------------------------------------
 * The final schema against local_infra_map.json
 * ---------------------------------------------------------------------------------------- */

/** Kind of schema difference. Values are pinned. @since 0.1 */
typedef enum migplan_rehearsal_diff_kind {
	MIGPLAN_REHEARSAL_DIFF_TABLE_MISSING = 1,  /**< expected table absent */
	MIGPLAN_REHEARSAL_DIFF_TABLE_EXTRA = 2,    /**< table the local snapshot does not have */
	MIGPLAN_REHEARSAL_DIFF_COLUMN_MISSING = 3, /**< expected column absent */
	MIGPLAN_REHEARSAL_DIFF_COLUMN_EXTRA = 4,   /**< column the local snapshot does not have */
	MIGPLAN_REHEARSAL_DIFF_COLUMN_TYPE = 5,    /**< column of another type */
	MIGPLAN_REHEARSAL_DIFF_COLUMN_ORDER = 6,   /**< same columns in another order */
	MIGPLAN_REHEARSAL_DIFF_SORTING_KEY = 7,    /**< ORDER BY differs */
	MIGPLAN_REHEARSAL_DIFF_ENGINE = 8,         /**< table engine differs */
	MIGPLAN_REHEARSAL_DIFF_VIEW_MISSING = 9,   /**< expected view or materialized view absent */
	MIGPLAN_REHEARSAL_DIFF_VIEW_EXTRA = 10     /**< view the local snapshot does not have */
} migplan_rehearsal_diff_kind;

/**
 * Static name of a difference kind: "table-missing", "column-type", ...
 * @param[in] kind the kind.
 * @return the name, or "unknown". Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_diff_kind_name(migplan_rehearsal_diff_kind kind);

/**
 * 1 when the final schema was compared (the plan has a local snapshot).
 * @param[in] r the rehearsal, or NULL (0).
 * @return 1 or 0. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API int migplan_rehearsal_schema_compared(const migplan_rehearsal *r);

/**
 * Number of differences between the final schema and local_infra_map.json.
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_diff_count(const migplan_rehearsal *r);

/**
 * Difference @p i.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] i 0-based index.
 * @return the difference, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_diff *migplan_rehearsal_diff_at(const migplan_rehearsal *r,
                                                                    size_t i);

/**
 * The kind of difference.
 * @param[in] d the difference, or NULL (0).
 * @return the kind. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_rehearsal_diff_kind migplan_rehearsal_diff_kind_of(const migplan_rehearsal_diff *d);

/**
 * The table or view concerned, "db.name".
 * @param[in] d the difference, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_diff_object(const migplan_rehearsal_diff *d);

/**
 * The column concerned, or NULL.
 * @param[in] d the difference, or NULL (NULL).
 * @return the name. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_diff_column(const migplan_rehearsal_diff *d);

/**
 * What local_infra_map.json says (a type, a key, a column list), or NULL.
 * @param[in] d the difference, or NULL (NULL).
 * @return the text. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_diff_expected(const migplan_rehearsal_diff *d);

/**
 * What the engine has, or NULL.
 * @param[in] d the difference, or NULL (NULL).
 * @return the text. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_diff_actual(const migplan_rehearsal_diff *d);

/* ------------------------------------------------------------------------------------------
 * The verification queries of the go/no-go checklist
 * ---------------------------------------------------------------------------------------- */

/** One verification query of the checklist, as the rehearsal ran it (opaque). @since 0.1 */
typedef struct migplan_rehearsal_check migplan_rehearsal_check;

/** What a verification query gave. Values are pinned. @since 0.1 */
typedef enum migplan_rehearsal_check_status {
	/** An `after` query gave the baseline's result (`equalsBaseline`) or the expected one. */
	MIGPLAN_REHEARSAL_CHECK_PASSED = 1,
	/** An `after` query gave another result: migplan_rehearsal_check_expected() against
	 *  migplan_rehearsal_check_result(). */
	MIGPLAN_REHEARSAL_CHECK_FAILED = 2,
	/** The query itself failed (the message is ClickHouse's), or its baseline query did. */
	MIGPLAN_REHEARSAL_CHECK_ERROR = 3,
	/** It ran and there is nothing to compare it with (a `before` query: the baseline). */
	MIGPLAN_REHEARSAL_CHECK_RAN = 4
} migplan_rehearsal_check_status;

/**
 * Static name of a check status: "passed", "failed", "error", "ran".
 * @param[in] status the status.
 * @return the name, or "unknown". Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_status_name(migplan_rehearsal_check_status status);

/**
 * Number of verification queries run: the checklist's read-only `before` and `after` statements
 * without parameters (statements that take parameters from a batch cannot run alone).
 * @param[in] r the rehearsal, or NULL (0).
 * @return the count; 0 without migplan_rehearse_options::checklist_json.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_rehearsal_check_count(const migplan_rehearsal *r);

/**
 * Verification query @p i: the `before` ones first, in checklist order, then the `after` ones.
 * @param[in] r the rehearsal, or NULL.
 * @param[in] i 0-based index.
 * @return the check, or NULL when out of range. Ownership: borrowed from @p r.
 * @since 0.1
 */
MIGPLAN_API const migplan_rehearsal_check *migplan_rehearsal_check_at(const migplan_rehearsal *r,
                                                                      size_t i);

/**
 * The statement's id in the checklist (e.g. "B1", "A2").
 * @param[in] c the check, or NULL (NULL).
 * @return the id. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_id(const migplan_rehearsal_check *c);

/**
 * "before" (run on the baseline) or "after" (run at the end).
 * @param[in] c the check, or NULL (NULL).
 * @return the stage. Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_stage(const migplan_rehearsal_check *c);

/**
 * What the statement is for, as the checklist says.
 * @param[in] c the check, or NULL (NULL).
 * @return the text, or NULL. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_purpose(const migplan_rehearsal_check *c);

/**
 * The SQL that ran.
 * @param[in] c the check, or NULL (NULL).
 * @return the SQL. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_sql(const migplan_rehearsal_check *c);

/**
 * The result it had to give (TSV): the baseline query's result, or the checklist's expected
 * result; NULL when there is nothing to compare with.
 * @param[in] c the check, or NULL (NULL).
 * @return the text. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_expected(const migplan_rehearsal_check *c);

/**
 * The result it gave (TSV, without the last newline), or NULL when it failed.
 * @param[in] c the check, or NULL (NULL).
 * @return the text. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_result(const migplan_rehearsal_check *c);

/**
 * What the query gave against what it had to give.
 * @param[in] c the check, or NULL (MIGPLAN_REHEARSAL_CHECK_ERROR).
 * @return the status. Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_rehearsal_check_status migplan_rehearsal_check_status_of(const migplan_rehearsal_check *c);

/**
 * ClickHouse's message when the query failed, else NULL.
 * @param[in] c the check, or NULL (NULL).
 * @return the message. Ownership: borrowed from the rehearsal.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_rehearsal_check_message(const migplan_rehearsal_check *c);

/* ------------------------------------------------------------------------------------------
 * Rendering
 * ---------------------------------------------------------------------------------------- */

/** Output formats of the renderers. @since 0.1 */
typedef enum migplan_rehearsal_format {
	MIGPLAN_REHEARSAL_TEXT = 1,     /**< for a terminal or a log */
	MIGPLAN_REHEARSAL_JSON = 2,     /**< one JSON object, every field of the accessors */
	MIGPLAN_REHEARSAL_MARKDOWN = 3  /**< for a pull-request comment */
} migplan_rehearsal_format;

/**
 * Render a rehearsal: the operations with their status, message and duration, the rows lost
 * and values changed per table and column, the views, the schema differences and the verdict.
 * @param[in] r the rehearsal.
 * @param[in] format the format.
 * @param[out] out NUL-terminated text, ending with a newline.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument, unknown format), MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_rehearsal_render(const migplan_rehearsal *r,
                                                    migplan_rehearsal_format format, char **out);

/**
 * Render two rehearsals of the same data side by side, typically the plan before and after its
 * rewrite ("before the rewrite 14,212 rows lost in events; after: 0"): per table the rows lost,
 * per column the values changed or lost, the first failing operation and the views of each,
 * then both verdicts.
 * @param[in] before the first rehearsal (the original plan).
 * @param[in] after the second rehearsal (the edited plan), with the same rows and seed.
 * @param[in] format the format (JSON: `{"before": ..., "after": ..., "comparison": [...]}`).
 * @param[out] out NUL-terminated text, ending with a newline.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument, unknown format), MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_rehearsal_render_compare(const migplan_rehearsal *before,
                                                            const migplan_rehearsal *after,
                                                            migplan_rehearsal_format format,
                                                            char **out);

MIGPLAN_END_DECL

#endif
