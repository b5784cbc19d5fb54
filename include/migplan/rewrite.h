/**
 * @file migplan/rewrite.h
 * @brief Turn findings into concrete, reviewable edits of a plan, apply the ones the caller
 *        accepts, and write the edited plan the way Moose writes plan.yaml.
 *
 * The library only proposes: nothing is edited until the caller names the edits it accepts.
 * Each proposed edit answers the findings that carry its id (migplan_finding_edit()) and says
 * exactly which operations of the plan it removes and which operations it inserts, so a
 * reviewer can read it before accepting it. Applying edits never changes the plan they were
 * proposed on: it returns a new plan.
 *
 * Edit ids are semantic and stable across runs:
 * - `rebuild-table:<db>.<table>` keeps the rows of a table the plan destroys. For a table
 *   dropped and created again under the same name (or a key column whose type changes), the
 *   new definition is created under a free temporary name, the rows are copied with
 *   `INSERT INTO tmp (...) SELECT ...` (each changed column CAST to its new type, new columns
 *   left to their defaults), then `EXCHANGE TABLES` swaps the two tables, so every view and
 *   materialized view that reads `<table>` keeps reading it (a `RENAME TABLE` would carry the
 *   materialized views' dependency to the renamed old table). The temporary table, which now
 *   holds the old definition and rows, is dropped last. For a version bump (events_1_0 ->
 *   events_1_1) the rows are copied into the new version and the old version is dropped last.
 *   Old columns the new definition does not have are named in the descriptions; a nullable
 *   column that becomes required makes the copy fail on its first NULL, before anything is
 *   dropped. With a cluster, EXCHANGE TABLES and the DropTable run ON CLUSTER; ClickHouse has
 *   no ON CLUSTER form of INSERT, so the copy runs where Moose is connected. Rows written to
 *   the table between the copy and the swap are not copied: pause writers during the plan.
 * - `rename-column:<db>.<table>.<old>.<new>` replaces a DropTableColumn + AddTableColumn pair
 *   by one RenameTableColumn (followed by a ModifyTableColumn when the added column differs
 *   from the dropped one in more than its name).
 * - `reorder:<op index>` moves the operation after the operations it needs, and the
 *   operations that would break it (drops of what it reads) after it; every other operation
 *   keeps its relative order.
 *
 * A plan is used by one thread at a time; the edits live on the plan handle.
 */
#ifndef MIGPLAN_REWRITE_H
#define MIGPLAN_REWRITE_H

#include "common.h"
#include "plan.h"

MIGPLAN_BEGIN_DECL

/** One proposed edit of a plan (opaque). @since 0.1 */
typedef struct migplan_edit migplan_edit;

/**
 * Propose edits for the plan's findings. Runs migplan_plan_analyze() (without a
 * configuration) first when the plan has not been analysed. Idempotent: a second call keeps
 * the edits (and the pointers to them) unless the plan was analysed again with other findings.
 * A finding whose edit cannot be built (for example a rebuild without the remote snapshot that
 * says which columns the old table has) gets no edit.
 * @param[in,out] plan the plan; the edits are kept on it.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL plan), MIGPLAN_ENOMEM.
 * Ownership: the edits belong to @p plan; they are freed with it, or when the plan is analysed
 * again with other findings and migplan_plan_propose_edits() is called again.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_propose_edits(migplan_plan *plan);

/**
 * Number of proposed edits (0 when migplan_plan_propose_edits() was not called).
 * @param[in] plan the plan, or NULL (0).
 * @return the count.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_plan_edit_count(const migplan_plan *plan);

/**
 * Proposed edit @p i, in a stable order (the order of the first finding that names each).
 * @param[in] plan the plan, or NULL.
 * @param[in] i 0-based index.
 * @return the edit, or NULL when out of range.
 * Ownership: borrowed from @p plan.
 * @since 0.1
 */
MIGPLAN_API const migplan_edit *migplan_plan_edit_at(const migplan_plan *plan, size_t i);

/**
 * The proposed edit with id @p id.
 * @param[in] plan the plan, or NULL.
 * @param[in] id an edit id (as migplan_finding_edit() gives it).
 * @return the edit, or NULL when no proposed edit has that id.
 * Ownership: borrowed from @p plan.
 * @since 0.1
 */
MIGPLAN_API const migplan_edit *migplan_plan_edit_find(const migplan_plan *plan, const char *id);

/**
 * The edit's id, e.g. `rebuild-table:local.events`.
 * @param[in] e the edit, or NULL (NULL).
 * @return the id. Ownership: borrowed from the plan.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_edit_id(const migplan_edit *e);

/**
 * The rule of the findings the edit answers (the most severe kind of loss first, e.g.
 * `drop-recreate-same-table` rather than `view-broken-by-change`).
 * @param[in] e the edit, or NULL (NULL).
 * @return the rule id. Ownership: borrowed from the plan.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_edit_rule(const migplan_edit *e);

/**
 * What the edit does, in a few sentences for a reviewer: the operations involved, the columns
 * cast and the old columns that are not carried over.
 * @param[in] e the edit, or NULL (NULL).
 * @return the description. Ownership: borrowed from the plan.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_edit_description(const migplan_edit *e);

/**
 * Number of operations of the original plan the edit removes.
 * @param[in] e the edit, or NULL (0).
 * @return the count.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_edit_removed_count(const migplan_edit *e);

/**
 * Index (0-based, in the original plan) of the @p i-th removed operation; ascending.
 * @param[in] e the edit.
 * @param[in] i 0-based index below migplan_edit_removed_count().
 * @return the operation index, or SIZE_MAX when out of range.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_edit_removed_at(const migplan_edit *e, size_t i);

/**
 * Number of operations the edit inserts (an operation that is moved is removed and inserted).
 * @param[in] e the edit, or NULL (0).
 * @return the count.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API size_t migplan_edit_inserted_count(const migplan_edit *e);

/**
 * The @p i-th inserted operation, written as Moose writes one item of `operations` (a
 * one-key mapping such as `RawSql:` with its fields, keys sorted), without the leading `- `.
 * @param[in] e the edit.
 * @param[in] i 0-based index below migplan_edit_inserted_count().
 * @return NUL-terminated YAML, or NULL when out of range.
 * Ownership: borrowed from the plan.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_edit_inserted_yaml(const migplan_edit *e, size_t i);

/**
 * Apply proposed edits and return the edited plan as a new handle; @p plan is not changed.
 * The new plan is re-read from the YAML that migplan_plan_to_yaml() gives for it, so its
 * operations, positions and accessors are those of that text (named like @p plan's path).
 * @param[out] out the edited plan, NULL on failure.
 * @param[in] plan the plan the edits were proposed on (migplan_plan_propose_edits()).
 * @param[in] ids ids of the edits to apply, in any order; NULL with @p count 0 applies every
 *            proposed edit. A repeated id is applied once.
 * @param[in] count number of ids.
 * @return MIGPLAN_OK; MIGPLAN_EINVAL (NULL out or plan, NULL ids with a count, edits not
 *         proposed yet, two edits that touch the same operation: the message names both ids);
 *         MIGPLAN_ENOTFOUND (an id that is not a proposed edit: the message names it);
 *         MIGPLAN_ELIMIT (the edited plan exceeds @p plan's load limits); MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_plan_free(). It borrows @p plan's
 * snapshots (the remote and local snapshots attached to @p plan are attached to it), so
 * @p plan (or whoever owns the snapshots, when they were attached with
 * migplan_plan_attach_snapshots()) must outlive *out.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_apply_edits(migplan_plan **out, const migplan_plan *plan,
                                                    const char *const *ids, size_t count);

/**
 * The plan as YAML, byte for byte the way Moose writes plan.yaml (the `# yaml-language-server`
 * header line, an empty line, keys sorted, serde_yaml quoting). For a plan Moose generated,
 * the output equals the input, so after an edit `git diff` shows only the edit.
 * @param[in] plan the plan.
 * @param[out] out NUL-terminated text, NULL on failure.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument, a string that is not valid UTF-8),
 *         MIGPLAN_ELIMIT (nesting too deep), MIGPLAN_ENOMEM.
 * Ownership: *out is the caller's; free it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_to_yaml(const migplan_plan *plan, char **out);

MIGPLAN_END_DECL

#endif
