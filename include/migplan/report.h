/**
 * @file migplan/report.h
 * @brief Reports for shipping a risky migration: rollout plan, pull-request body, go/no-go
 *        checklist, observability runbook with its dashboard and alerts, expand/contract
 *        strategy and phased plan; as Markdown for people and as JSON for tools.
 *
 * Every report is rendered from one result model, built once per report handle from the
 * plan's classification, the analysis' findings (allow-list reasons, blockers, target
 * deployment), the proposed edits and the statements of each operation. Nothing is a
 * template with blanks: what the analysis cannot know (table sizes, the target deployment,
 * what hand-written SQL does) is named as unknown.
 *
 * The model orders the work as one rollout: preflight (read-only audits), expand (what the
 * plan adds, shadow columns and tables), backfill (in resumable batches), validate, cutover,
 * stabilise, contract (the drops, after stabilisation). Breaking changes (column rename,
 * destructive type change, column drop, table rebuild, table and view drops) get
 * expand/contract steps; every step has its SQL, its checks and its rollback.
 *
 * Generated SQL is ClickHouse SQL: every database, table and column name and every literal is
 * quoted and escaped; expressions the plan itself carries (ORDER BY, PARTITION BY, TTL, a view's
 * SELECT, hand-written RawSql) are reproduced as Moose wrote them. Every query a report presents
 * as read-only (audits, checks, progress and safety metrics) is checked by the library before it
 * is emitted: a single SELECT or WITH statement, no INTO OUTFILE, no SETTINGS, no FORMAT, no
 * write keyword. Batched statements take ClickHouse query parameters (`{lo:String}`), filled
 * from the rows of the step's `prepare` query as its TSV output prints them
 * (`clickhouse-client --param_lo=...`, or `SET param_lo = ...`). Expected results of checks
 * (`expectTsv`) are what `FORMAT TSVRaw` prints.
 *
 * JSON reports share one envelope:
 * @code
 * { "schemaVersion": 1, "report": "<kind name>", "generator": "libmigplan 0.1.0",
 *   "plan": { "path", "createdAt", "defaultDatabase", "changeType", "operationCount",
 *             "targetDeployment": "<id>" | null },
 *   "decision": "go" | "no-go", ... }
 * @endcode
 * and these objects:
 * - statement: `{ "id": "B1", "stage": "before" | "prepare" | "step" | "check" | "progress" |
 *   "monitor" | "after" | "rollback" | "refused", "readOnly": bool, "purpose", "sql",
 *   "expect": text | null, "expectTsv": exact result | null, "equalsBaseline": "<statement id>" |
 *   null, "parameters": [names], "parametersFrom": "<statement id>" | null }`. `refused` marks a
 *   statement Moose would run that ClickHouse refuses (a blocker). Ids: B before, M monitor,
 *   A after; L, S, C, P, R followed by the step number for a step's prepare, SQL, checks,
 *   progress and rollback statements.
 * - step: `{ "number", "phase", "actor": "moose" | "operator" | "application" | "wait",
 *   "title", "detail", "operations": [plan indexes], "prepare": [statements],
 *   "sql": [statements], "checks": [statements], "progress": [statements],
 *   "gate": { "check", "expect" } | null, "rollback": { "possible": "yes" | "partial" | "no",
 *   "why", "sql": [statements] }, "batching": { "by": "partition" | "range" | "single",
 *   "column", "columnType", "partitionBy", "batchRows" } | null, "estimatedSeconds": number |
 *   null, "estimateBasis", "pointOfNoReturn": bool }`. Phases: preflight, expand, backfill,
 *   validate, cutover, stabilise, contract.
 *
 * Keys of each report: rollout `operations`, `destructive`, `backfills`, `rebuilds`,
 * `versionBumps`, `edits`, `cleanup`, `blockers`, `unknowns`, `rollback`, `tables`;
 * pr-body `title`, `body`, `truncated`, `limit` and the structured lists; checklist
 * `invariants`, `before`, `steps`, `after`, `rollback`, `monitoring`; runbook `classification`,
 * `progressMetrics`, `safetyMetrics`, `gates`, `files`, `risks`, `missingInstrumentation`;
 * dashboard `panels`; alerts `rules`; strategy `changes` (each with the numbers of its
 * `steps`), `guardrails`, `timeline`, `steps` (every step once, in full); phases
 * `phases`, `backfills`, `validation`. Keys are only added within a schemaVersion.
 *
 * A report handle borrows its plan: the plan must outlive it, and must not be analysed again or
 * have edits proposed again while the handle is used.
 */
#ifndef MIGPLAN_REPORT_H
#define MIGPLAN_REPORT_H

#include "common.h"
#include "plan.h"

MIGPLAN_BEGIN_DECL

/** Version of the JSON reports' layout (the `schemaVersion` key). @since 0.1 */
#define MIGPLAN_REPORT_SCHEMA_VERSION 1
/** Longest pull-request body, in bytes (GitHub's limit); past it the body is a summary. @since 0.1 */
#define MIGPLAN_REPORT_PR_BODY_LIMIT 65536

/** Opaque report handle: the result model of one plan, plus what the caller adds (sizes). @since 0.1 */
typedef struct migplan_report migplan_report;

/** The reports. Values are pinned. @since 0.1 */
typedef enum migplan_report_kind {
	MIGPLAN_REPORT_ROLLOUT = 1,   /**< "rollout": the record a reviewer approves */
	MIGPLAN_REPORT_PR_BODY = 2,   /**< "pr-body": pull-request description, at most 65,536 bytes */
	MIGPLAN_REPORT_CHECKLIST = 3, /**< "checklist": go/no-go verification checklist */
	MIGPLAN_REPORT_RUNBOOK = 4,   /**< "runbook": observability runbook */
	MIGPLAN_REPORT_DASHBOARD = 5, /**< "dashboard": the runbook's panels */
	MIGPLAN_REPORT_ALERTS = 6,    /**< "alerts": the runbook's alert rules */
	MIGPLAN_REPORT_STRATEGY = 7,  /**< "strategy": expand/contract timeline per breaking change */
	MIGPLAN_REPORT_PHASES = 8     /**< "phases": phased plan for backfills and rebuilds */
} migplan_report_kind;

/** Output formats. Values are pinned. @since 0.1 */
typedef enum migplan_report_format {
	MIGPLAN_FORMAT_MARKDOWN = 1, /**< "markdown": for people */
	MIGPLAN_FORMAT_JSON = 2      /**< "json": for tools, with `schemaVersion` */
} migplan_report_format;

/**
 * Create a report handle for @p plan. Classifies the plan, analyses it without a configuration
 * when it has not been analysed (call migplan_plan_analyze() with the project's
 * `.migplan.yaml` first to get allow-list reasons into the reports; after
 * migplan_plan_set_target_file(), which starts the analysis state, call migplan_plan_analyze()
 * yourself), and proposes edits (migplan_plan_propose_edits()). The result model is built on the
 * first render.
 * @param[out] out the handle, NULL on failure.
 * @param[in,out] plan the plan; analysed and given edits as described.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument), MIGPLAN_ENOMEM.
 * Ownership: the caller owns @p *out and frees it with migplan_report_free(); @p plan is
 * borrowed and must outlive the handle.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_report_new(migplan_report **out, migplan_plan *plan);

/**
 * Free a report handle; NULL is ignored. The plan is not freed.
 * @param[in] report the handle.
 * Ownership: everything the handle owns is released.
 * @since 0.1
 */
MIGPLAN_API void migplan_report_free(migplan_report *report);

/**
 * Tell the reports how big a table is (the analysis cannot know): durations, batch sizes and
 * the blast radius use it. Without sizes, the reports say that durations are unknown and give
 * the query that measures them. Setting the sizes again replaces them.
 * @param[in,out] report the handle.
 * @param[in] database the table's database; NULL means the plan's default database.
 * @param[in] table the table's physical name.
 * @param[in] rows number of rows.
 * @param[in] bytes bytes on disk (compressed, as `system.parts.bytes_on_disk` sums them).
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL report or table), MIGPLAN_ENOMEM.
 * Ownership: the strings are copied.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_report_set_table_stats(migplan_report *report,
                                                          const char *database,
                                                          const char *table, uint64_t rows,
                                                          uint64_t bytes);

/**
 * Render one report.
 * @param[in,out] report the handle (the model is built on first use and kept).
 * @param[in] kind which report.
 * @param[in] format Markdown or JSON.
 * @param[out] out NUL-terminated text, NULL on failure.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument, unknown kind or format), MIGPLAN_ERROR
 *         (a query the library would present as read-only is not: a bug, the message shows
 *         it), MIGPLAN_ENOMEM.
 * Ownership: the caller owns @p *out and frees it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_report_render(migplan_report *report, migplan_report_kind kind,
                                                 migplan_report_format format, char **out);

/**
 * Render one report into a file under @p dir, atomically: the text goes to a temporary file in
 * the destination directory, which is then renamed over the destination, so readers see the
 * old file or the new one, never a part. Missing directories below @p dir are created (mode
 * 0777 minus umask). An existing file keeps its permission bits; a new one gets 0666 minus
 * umask.
 * @param[in,out] report the handle.
 * @param[in] kind which report.
 * @param[in] format Markdown or JSON.
 * @param[in] dir the output directory; must exist.
 * @param[in] filename the path below @p dir, or NULL for migplan_report_default_filename().
 *            Absolute paths, `..` components and symbolic links below @p dir (which could lead
 *            out of it) are refused.
 * @param[out] path_out the path written (`dir/filename`), or NULL if not wanted.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL argument, unknown kind or format, a filename that
 *         escapes @p dir), MIGPLAN_EIO (the message names the path and the system error),
 *         MIGPLAN_ERROR, MIGPLAN_ENOMEM.
 * Ownership: the caller owns @p *path_out and frees it with migplan_free().
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_report_write(migplan_report *report, migplan_report_kind kind,
                                                migplan_report_format format, const char *dir,
                                                const char *filename, char **path_out);

/**
 * Name of a report kind: "rollout", "pr-body", "checklist", "runbook", "dashboard", "alerts",
 * "strategy", "phases".
 * @param[in] kind the kind.
 * @return a static string, or NULL for an unknown value.
 * Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_report_kind_name(migplan_report_kind kind);

/**
 * The kind for a name given by migplan_report_kind_name().
 * @param[in] name the name (exact, lower case).
 * @return the kind, or 0 when @p name is NULL or unknown.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_report_kind migplan_report_kind_from_name(const char *name);

/**
 * Name of a format: "markdown" or "json".
 * @param[in] format the format.
 * @return a static string, or NULL for an unknown value.
 * Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_report_format_name(migplan_report_format format);

/**
 * The format for a name: "markdown" (or "md") and "json".
 * @param[in] name the name.
 * @return the format, or 0 when @p name is NULL or unknown.
 * Ownership: nothing is transferred.
 * @since 0.1
 */
MIGPLAN_API migplan_report_format migplan_report_format_from_name(const char *name);

/**
 * Default file of a report, relative to the project root, e.g.
 * `docs/database-report/migration-strategist-report.md` (strategy, Markdown) and
 * `docs/database-report/migration-strategist-output.json` (strategy, JSON); the others are
 * `docs/database-report/<rollout-plan | pr-body | verification-checklist |
 * observability-runbook | observability-dashboard | observability-alerts | phased-plan>.<md | json>`.
 * @param[in] kind the kind.
 * @param[in] format the format.
 * @return a static string, or NULL for an unknown kind or format.
 * Ownership: static.
 * @since 0.1
 */
MIGPLAN_API const char *migplan_report_default_filename(migplan_report_kind kind,
                                                        migplan_report_format format);

MIGPLAN_END_DECL

#endif
