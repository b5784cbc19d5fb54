/**
 * @file migplan/analyze.h
 * @brief Replay the plan on the schema and report every hazard as a finding with a stable rule id.
 *
 * Findings are data, never errors: migplan_plan_analyze() returns MIGPLAN_OK for a plan full of
 * problems and fails only when it cannot analyse at all (misuse, out of memory). A broken or
 * incomplete plan still gets every finding that can be made, plus findings that say what could
 * not be checked.
 */
#ifndef MIGPLAN_ANALYZE_H
#define MIGPLAN_ANALYZE_H

#include "common.h"
#include "node.h"
#include "options.h"
#include "plan.h"

MIGPLAN_BEGIN_DECL

typedef struct migplan_finding migplan_finding;
typedef struct migplan_config migplan_config;

/** Severity of a finding. Values are pinned; higher is worse. @since 0.1 */
typedef enum migplan_severity {
	MIGPLAN_SEVERITY_INFO = 1,
	MIGPLAN_SEVERITY_WARNING = 2,
	MIGPLAN_SEVERITY_ERROR = 3
} migplan_severity;

/** "info", "warning", "error"; NULL for an unknown value. Static. @since 0.1 */
MIGPLAN_API const char *migplan_severity_name(migplan_severity severity);
/** Parse a severity name; 0 when unknown. @since 0.1 */
MIGPLAN_API migplan_severity migplan_severity_from_name(const char *name);

/* --- the rule registry --- */
/** Number of rules the library knows. @since 0.1 */
MIGPLAN_API size_t migplan_rule_count(void);
/** Rule id @p i (stable kebab-case, e.g. "drop-recreate-same-table"), NULL when out of range. Static. @since 0.1 */
MIGPLAN_API const char *migplan_rule_id_at(size_t i);
/** One-line summary of a rule, or NULL when @p rule is unknown. Static. @since 0.1 */
MIGPLAN_API const char *migplan_rule_summary(const char *rule);
/** Long help of a rule: what goes wrong and the safe alternative; NULL when unknown. Static. @since 0.1 */
MIGPLAN_API const char *migplan_rule_help(const char *rule);
/** Default severity of a rule; 0 when unknown. @since 0.1 */
MIGPLAN_API migplan_severity migplan_rule_default_severity(const char *rule);

/* --- project configuration (.migplan.yaml) --- */
/**
 * Load a project configuration file: allow entries (rule + table/column/operation + a required
 * reason), per-rule severities and the failing threshold.
 * @param[out] out the configuration; free with migplan_config_free().
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_EIO, MIGPLAN_EPARSE, MIGPLAN_ESCHEMA (e.g. an allow
 *         entry without a reason, an unknown rule id), MIGPLAN_ELIMIT, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_config_load_file(migplan_config **out, const char *path,
                                                    const migplan_parse_options *opts);
MIGPLAN_API migplan_status migplan_config_load_buffer(migplan_config **out, const char *data,
                                                      size_t len, const char *name,
                                                      const migplan_parse_options *opts);
/**
 * Find `.migplan.yaml` by walking up from @p start_dir (a plan's directory) to the file system
 * root, and load it. @p out is set to NULL with MIGPLAN_OK when there is none.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_config_discover(migplan_config **out, const char *start_dir,
                                                   const migplan_parse_options *opts);
MIGPLAN_API void migplan_config_free(migplan_config *cfg);
/** Path of the configuration file, or NULL for a buffer without a name. Borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_config_path(const migplan_config *cfg);
/** The failing threshold (`fail_on:`), MIGPLAN_SEVERITY_ERROR by default. @since 0.1 */
MIGPLAN_API migplan_severity migplan_config_fail_on(const migplan_config *cfg);

/* --- target deployment --- */
/*
 * The deployment the plan will be applied to. Moose has no file for this, so libmigplan reads a
 * JSON deployments list: an array of deployment objects, or an object {"deployments": [...]}.
 * Each deployment has
 *   id       string or integer, required
 *   branch   string
 *   status   string; only "Deployed" qualifies (compared without regard to case)
 *   a timestamp, RFC 3339 (e.g. 2026-03-02T10:14:03Z, 2026-03-02T12:14:03.5+02:00): the first of
 *            `deployed_at`, `created_at`, `createdAt` that is present
 *   commit, url, moose_version   optional strings
 * Other keys are ignored. The target is the deployment of the branch with status Deployed and the
 * latest timestamp. libmigplan does not guess: when no deployment qualifies, when the latest
 * timestamp is shared by two deployments, or when a qualifying deployment has no valid timestamp
 * (so "latest" is unknown), there is no target and the reason says which.
 *
 * When the plan has a target, the analysis checks that remote_state.json was taken from it, by
 * comparing what both sides name: the snapshot's `moose_version` with the deployment's
 * `moose_version`, and, when the snapshot carries them (Moose 0.6 does not), a top-level
 * `deployment_id` with the deployment's id and `commit` with its commit. A difference is a
 * blocker (`snapshot-target-mismatch`); a missing target is a blocker
 * (`target-deployment-undetermined`).
 */

/**
 * Choose the target deployment of @p branch in a deployments list (see above).
 * @param[out] id_out the chosen id (free with migplan_free()), NULL when there is no target.
 * @param[out] problem_out why there is no target (free with migplan_free()), NULL when chosen.
 *             May be NULL.
 * @return MIGPLAN_OK (also when there is no target: that is @p problem_out, not an error),
 *         MIGPLAN_EINVAL, MIGPLAN_EPARSE (not JSON), MIGPLAN_ESCHEMA (not a deployments list; the
 *         error names the position), MIGPLAN_ELIMIT, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_target_choose(char **id_out, char **problem_out,
                                                 const char *data, size_t len,
                                                 const char *branch);
/**
 * Give the analysis the deployments list and the branch, so that migplan_plan_analyze() checks
 * the target (see above). Replaces an earlier target. A list that cannot be read is reported both
 * ways: the call returns the error, and the next analysis reports the target as undetermined.
 * Call it after migplan_plan_attach_snapshots(), which resets the analysis state.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_EIO, MIGPLAN_EPARSE, MIGPLAN_ESCHEMA,
 *         MIGPLAN_ELIMIT, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_set_target_file(migplan_plan *plan, const char *path,
                                                        const char *branch,
                                                        const migplan_parse_options *opts);
/** Same as migplan_plan_set_target_file() from memory; @p name is used in positions. @since 0.1 */
MIGPLAN_API migplan_status migplan_plan_set_target_buffer(migplan_plan *plan, const char *data,
                                                          size_t len, const char *name,
                                                          const char *branch,
                                                          const migplan_parse_options *opts);
/** The id of the chosen target deployment, or NULL (none set, or none determinable). Borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_plan_target_id(const migplan_plan *plan);

/* --- analysis --- */
/**
 * Classify (if not done yet) and analyse the plan against its snapshots. Replaces the findings
 * of an earlier call. @p cfg may be NULL. Ownership: @p cfg is borrowed and must outlive the
 * plan's findings (reasons are read from it).
 * @return MIGPLAN_OK, MIGPLAN_EINVAL, MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_analyze(migplan_plan *plan, const migplan_config *cfg);
/** Findings in a stable order: by operation index, then rule id; plan-wide findings last. @since 0.1 */
MIGPLAN_API size_t migplan_plan_finding_count(const migplan_plan *plan);
/** Finding @p i, NULL when out of range. Borrowed: valid until the plan is analysed again or freed. @since 0.1 */
MIGPLAN_API const migplan_finding *migplan_plan_finding_at(const migplan_plan *plan, size_t i);
/** Number of findings at or above @p severity that are not allowed by the configuration. @since 0.1 */
MIGPLAN_API size_t migplan_plan_finding_count_at_least(const migplan_plan *plan, migplan_severity severity);

MIGPLAN_API const char *migplan_finding_rule(const migplan_finding *f);
/** Severity after the configuration's overrides. */
MIGPLAN_API migplan_severity migplan_finding_severity(const migplan_finding *f);
/** One line naming the table / column / view. */
MIGPLAN_API const char *migplan_finding_message(const migplan_finding *f);
/** Longer help with the safe alternative (the rule's help, specialised). */
MIGPLAN_API const char *migplan_finding_help(const migplan_finding *f);
/** 0-based index of the operation, or -1 for plan-wide findings. */
MIGPLAN_API long migplan_finding_operation(const migplan_finding *f);
/** Where the finding points (file, line, column); NULL when no file was involved. */
MIGPLAN_API const migplan_node *migplan_finding_node(const migplan_finding *f);
/** Path, 1-based line and column of the finding: the node's, or the plan file's 1:1 when there is no node. */
MIGPLAN_API const char *migplan_finding_path(const migplan_finding *f);
MIGPLAN_API uint32_t migplan_finding_line(const migplan_finding *f);
MIGPLAN_API uint32_t migplan_finding_column(const migplan_finding *f);
/** Table, column and view the finding is about (NULL when not applicable). The column's name is
 *  migplan_finding_column_name(): migplan_finding_column() is the position, as everywhere else. */
MIGPLAN_API const char *migplan_finding_table(const migplan_finding *f);
/** Database of the table (the default database resolved), or NULL. @since 0.1 */
MIGPLAN_API const char *migplan_finding_database(const migplan_finding *f);
MIGPLAN_API const char *migplan_finding_column_name(const migplan_finding *f);
MIGPLAN_API const char *migplan_finding_view(const migplan_finding *f);
/** Related locations (e.g. the view in remote_state.json): count, node and a short note each. */
MIGPLAN_API size_t migplan_finding_related_count(const migplan_finding *f);
MIGPLAN_API const migplan_node *migplan_finding_related_node(const migplan_finding *f, size_t i);
MIGPLAN_API const char *migplan_finding_related_message(const migplan_finding *f, size_t i);
/** Id of the rewrite that answers the finding, or NULL. */
MIGPLAN_API const char *migplan_finding_edit(const migplan_finding *f);
/** 1 when an allow entry of the configuration covers the finding; its reason then. */
MIGPLAN_API int migplan_finding_allowed(const migplan_finding *f);
MIGPLAN_API const char *migplan_finding_allow_reason(const migplan_finding *f);
/** 1 when the finding is a blocker: the plan must not ship until it is resolved (missing
 *  artifacts, ambiguous target deployment, operations that would fail in ClickHouse). */
MIGPLAN_API int migplan_finding_blocker(const migplan_finding *f);

MIGPLAN_END_DECL

#endif
