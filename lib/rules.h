/* The rule registry of the analysis (issue 4) and the ids of the rewrites that answer findings.
 *
 * Every finding names one rule. A rule has a stable kebab-case id, a default severity, whether
 * its findings block shipping by default, a one-line summary and a help text written for
 * someone who has never seen the plan: what goes wrong in ClickHouse and the safe alternative.
 * `migplan explain RULE` prints the help; the public migplan_rule_* calls read this table. */
#ifndef MIGPLAN_RULES_H
#define MIGPLAN_RULES_H

#include <stddef.h>

#include "migplan/analyze.h"

#include "arena.h"

/* Indexes into the registry. The order is the registry's order (migplan_rule_id_at). */
typedef enum migplan__rule_id {
	/* data destroyed by table and column drops */
	MIGPLAN__R_DROP_RECREATE = 0,
	MIGPLAN__R_VERSION_BUMP,
	MIGPLAN__R_DROP_TABLE,
	MIGPLAN__R_DROP_COLUMN,
	MIGPLAN__R_DROP_MV,
	MIGPLAN__R_DROP_VIEW,
	MIGPLAN__R_LIKELY_RENAME,
	/* in-place column changes, by the judge's cause */
	MIGPLAN__R_NARROWING,
	MIGPLAN__R_PRECISION_LOSS,
	MIGPLAN__R_NULLABLE_TO_REQUIRED,
	MIGPLAN__R_FAMILY_CHANGE,
	MIGPLAN__R_ENUM_MEMBER_REMOVED,
	MIGPLAN__R_REPRESENTATION_CHANGE,
	MIGPLAN__R_PROPERTY_CHANGE,
	MIGPLAN__R_UNJUDGED_CHANGE,
	MIGPLAN__R_KEY_COLUMN,
	MIGPLAN__R_TYPE_REFUSED,
	MIGPLAN__R_STALE_BEFORE,
	/* ordering and existence */
	MIGPLAN__R_WRITE_BEFORE_CREATE,
	MIGPLAN__R_READ_AFTER_DROP,
	MIGPLAN__R_COLUMN_BEFORE_ADD,
	MIGPLAN__R_COLUMN_AFTER_DROP,
	MIGPLAN__R_MODIFY_AFTER_DROP,
	MIGPLAN__R_VIEW_BEFORE_TABLE,
	MIGPLAN__R_MISSING_OBJECT,
	MIGPLAN__R_ALREADY_EXISTS,
	/* views */
	MIGPLAN__R_VIEW_BROKEN,
	MIGPLAN__R_VIEW_ALTERED,
	/* life cycle */
	MIGPLAN__R_PROTECTED,
	MIGPLAN__R_EXTERNAL,
	/* RawSql */
	MIGPLAN__R_RAWSQL_MALFORMED,
	MIGPLAN__R_RAWSQL_MULTI,
	MIGPLAN__R_RAWSQL_NO_DESCRIPTION,
	MIGPLAN__R_RAWSQL_UNBOUNDED,
	/* the plan against the code */
	MIGPLAN__R_SCHEMA_GAP,
	MIGPLAN__R_UNREQUESTED,
	/* artifacts, target deployment, configuration */
	MIGPLAN__R_MISSING_ARTIFACT,
	MIGPLAN__R_TARGET_UNKNOWN,
	MIGPLAN__R_TARGET_MISMATCH,
	MIGPLAN__R_UNUSED_ALLOW,
	MIGPLAN__R_COUNT
} migplan__rule_id;

typedef struct migplan__rule {
	const char *id;
	migplan_severity severity;
	int blocker;            /* findings block shipping unless the finding says otherwise */
	const char *summary;
	const char *help;
} migplan__rule;

/* The rule at registry index r (never NULL for r < MIGPLAN__R_COUNT). */
const migplan__rule *migplan__rule_get(migplan__rule_id r);
/* The registry index of a rule id; -1 when unknown. */
int migplan__rule_index(const char *id);

/* ---------------------------------------------------------------- rewrite ids
 *
 * A finding that a known rewrite answers carries the rewrite's id (migplan_finding_edit).
 * The ids are semantic, so the rewrite module can rebuild the operations from the id alone:
 *   rebuild-table:<db>.<table>               keep the rows of a table the plan destroys (drop +
 *                                           recreate, version bump, key-column type change);
 *                                           <table> is the table whose rows are at stake
 *   rename-column:<db>.<table>.<old>.<new>  replace DropTableColumn + AddTableColumn by
 *                                           RenameTableColumn
 *   reorder:<op index>                      move the operation after what it needs
 * A `.` or `\` inside a name is escaped with a backslash, so every id parses back exactly. */
typedef enum migplan__edit_kind {
	MIGPLAN__EDIT_REBUILD_TABLE = 1,
	MIGPLAN__EDIT_RENAME_COLUMN = 2,
	MIGPLAN__EDIT_REORDER = 3
} migplan__edit_kind;

typedef struct migplan__edit {
	migplan__edit_kind kind;
	const char *database;   /* rebuild-table, rename-column */
	const char *table;
	const char *column;     /* rename-column: the old name */
	const char *new_column; /* rename-column: the new name */
	size_t op;              /* reorder */
} migplan__edit;

/* The id of an edit, allocated in @p a; NULL on out-of-memory or a missing name. */
const char *migplan__edit_format(migplan__arena *a, const migplan__edit *e);
/* Parse an id made by migplan__edit_format; names are allocated in @p a.
 * Returns 1 on success, 0 when @p id is not a valid edit id (or on out-of-memory). */
int migplan__edit_parse(migplan__edit *out, migplan__arena *a, const char *id);

#endif
