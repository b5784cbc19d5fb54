/* The rule registry and the rewrite ids (see rules.h). */
#include "rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define E MIGPLAN_SEVERITY_ERROR
#define W MIGPLAN_SEVERITY_WARNING
#define I MIGPLAN_SEVERITY_INFO

/* Indexed by migplan__rule_id; the designated initialisers keep ids and entries together. */
static const migplan__rule registry[MIGPLAN__R_COUNT] = {
	[MIGPLAN__R_DROP_RECREATE] = {"drop-recreate-same-table", E, 0,
		"a table is dropped and created again under the same name: its rows are destroyed",
		"Moose turns a change of ORDER BY, PARTITION BY, PRIMARY KEY, engine or a read-only "
		"setting into DropTable followed by CreateTable of the same table. The DropTable runs "
		"first and deletes every row; the new table starts empty, and nothing in the plan copies "
		"the old rows over.\n"
		"Safe alternative: rebuild the table and keep its rows. Create the new definition under a "
		"temporary name, copy the rows with INSERT INTO new SELECT ... FROM old (with CAST where a "
		"column type changes), swap the two with EXCHANGE TABLES old AND new, check the row counts, "
		"and only then drop the temporary table that now holds the old definition. Or use a "
		"versioned table (a new `version`) and a materialized view from the old version to the new "
		"one, as the Moose docs recommend."},
	[MIGPLAN__R_VERSION_BUMP] = {"version-bump-drop-first", E, 0,
		"a versioned table is upgraded by dropping the old version before the new one exists",
		"A version bump of an OlapTable (e.g. events 1.0 -> 1.1) renames the physical table "
		"(events_1_0 -> events_1_1). Moose emits DropTable of the old physical table in the "
		"teardown part and CreateTable of the new one in the setup part, so the old rows are "
		"deleted before the new table exists and are never copied.\n"
		"Safe alternative (blue/green): keep the old version in code for one release, so the plan "
		"only creates the new table; copy the rows with INSERT INTO new SELECT ... FROM old and add "
		"a materialized view from old to new for rows that arrive in between; move readers to the "
		"new table; remove the old version in a later release. At the very least, move the "
		"CreateTable and an INSERT ... SELECT before the DropTable."},
	[MIGPLAN__R_DROP_TABLE] = {"drop-table", E, 0,
		"a table is dropped with every row in it",
		"DropTable runs DROP TABLE IF EXISTS: every row of the table is deleted and cannot be "
		"brought back by rolling the plan back (the inverse only recreates an empty table).\n"
		"Confirm the table really is unused: no query, API, materialized view or dashboard reads "
		"it. To keep the data, rename it aside instead (RENAME TABLE t TO t_archive in a RawSql) "
		"or back it up first (BACKUP TABLE, or INSERT INTO an archive table). When the drop is "
		"intended, allow it in .migplan.yaml with a reason."},
	[MIGPLAN__R_DROP_COLUMN] = {"drop-column", E, 0,
		"a column is dropped with every value in it",
		"DropTableColumn runs ALTER TABLE ... DROP COLUMN IF EXISTS: the values of the column in "
		"every part are deleted. Rolling back adds an empty column.\n"
		"If the column was renamed in code, Moose still emits drop + add: replace the two by a "
		"RenameTableColumn. Otherwise confirm that nothing reads the column, or copy its values "
		"into another column first. When the drop is intended, allow it in .migplan.yaml with a "
		"reason."},
	[MIGPLAN__R_DROP_MV] = {"drop-materialized-view", W, 0,
		"a materialized view is dropped: rows inserted into its sources stop reaching its target",
		"A materialized view holds no rows itself, but it is the pipeline that copies every insert "
		"into its source tables to its target table. Once it is dropped, new rows no longer reach "
		"the target, and recreating the view later does not back-fill what was missed.\n"
		"If the view is replaced, create the new view before dropping the old one (with a "
		"de-duplicating target, or a cut-over timestamp in the SELECT), then back-fill the gap with "
		"INSERT INTO target SELECT ... WHERE ts in the gap."},
	[MIGPLAN__R_DROP_VIEW] = {"drop-view", W, 0,
		"a view is dropped: queries that read it fail",
		"A plain view holds no rows, so dropping it loses no data, but every query, API or "
		"dashboard that reads the view fails from then on.\n"
		"Confirm nothing reads the view, or create the replacement first."},
	[MIGPLAN__R_LIKELY_RENAME] = {"likely-rename", W, 0,
		"a column dropped and another of the same type added to the same table: likely a rename",
		"Moose compares columns by name, so renaming a column in code gives DropTableColumn of the "
		"old name and AddTableColumn of the new one. The drop deletes every value; the new column "
		"starts with defaults.\n"
		"Safe alternative: replace both operations by one RenameTableColumn (before_column_name: "
		"old, after_column_name: new), which renames the column in place and keeps every value. "
		"For readers that still use the old name, add an ALIAS column or rename in two releases."},
	[MIGPLAN__R_NARROWING] = {"narrowing-change", E, 0,
		"a column's type changes in place to one that cannot hold every old value",
		"ModifyTableColumn runs ALTER TABLE ... MODIFY COLUMN, a mutation that converts every "
		"stored value. With a narrower type (Int64 -> Int32, signed <-> unsigned, a shorter "
		"FixedString, a smaller date range) values that do not fit wrap around, are clamped, cut "
		"or make the mutation fail and get stuck, and Moose does not check anything first.\n"
		"Safe alternative (expand/contract): add a new column with the new type, back-fill it "
		"with ALTER TABLE ... UPDATE new = CAST(old ...) WHERE ... after checking that every value "
		"fits (SELECT count() WHERE old NOT BETWEEN min AND max), move readers and writers to the "
		"new column, then drop the old one in a later release."},
	[MIGPLAN__R_PRECISION_LOSS] = {"precision-loss-change", E, 0,
		"a column's type changes in place and digits are rounded away",
		"ModifyTableColumn converts every stored value. Going to a type with fewer significant "
		"or fraction digits (Float64 -> Float32, Int64 -> Float64, Decimal scale 4 -> 2, "
		"DateTime64(6) -> DateTime64(3)) rounds the values for good.\n"
		"Safe alternative (expand/contract): add a column with the new type, back-fill it from the "
		"old one, compare both, move readers, then drop the old column later. If the precision is "
		"not needed, confirm it and allow the finding with a reason."},
	[MIGPLAN__R_NULLABLE_TO_REQUIRED] = {"nullable-to-required", E, 0,
		"a nullable column becomes required: NULLs turn into the type's default",
		"Making a column required (Nullable(T) -> T) converts every NULL to the default of T "
		"(0, '', 1970-01-01), which is indistinguishable from a real value afterwards.\n"
		"Safe alternative: first back-fill the NULLs with a meaningful value (ALTER TABLE ... "
		"UPDATE c = <value> WHERE c IS NULL, or add a DEFAULT) and check that none remain "
		"(SELECT count() WHERE c IS NULL), then change the type; or keep the column nullable."},
	[MIGPLAN__R_FAMILY_CHANGE] = {"type-family-change", E, 0,
		"a column's type changes to another family: values, comparisons or sort order change",
		"Changing the family of a column in place (String -> Int64, DateTime -> String, a Tuple "
		"structure, a time zone) reparses or reinterprets every value. Text that does not parse "
		"makes the mutation fail and get stuck (the Moose docs' playbook is KILL MUTATION and "
		"revert); values that do parse may compare and sort differently.\n"
		"Safe alternative (expand/contract): add a new column of the new type, back-fill it with "
		"an explicit conversion (toInt64OrNull(old), parseDateTimeBestEffortOrNull(old)), inspect "
		"the values that failed, move readers and writers, and drop the old column later."},
	[MIGPLAN__R_ENUM_MEMBER_REMOVED] = {"enum-member-removed", E, 0,
		"an Enum member is removed or renumbered while rows may hold it",
		"Removing (or renumbering) a member of an Enum column makes the mutation fail on rows "
		"that hold the member, or changes what those rows mean.\n"
		"Safe alternative: first rewrite the rows that use the member (ALTER TABLE ... UPDATE c = "
		"'other' WHERE c = 'removed'), check none remain, then remove the member. Adding members "
		"at new values is always safe."},
	[MIGPLAN__R_REPRESENTATION_CHANGE] = {"representation-change", W, 0,
		"a column's values survive the type change but read or sort differently",
		"The new type holds every old value, but they print differently (Float32 0.1 reads "
		"0.10000000149011612 as Float64) or sort and compare differently, so queries, "
		"materialized views and exports that depend on the text or the order change behaviour.\n"
		"Check the readers of the column; if they are unaffected, allow the finding with a reason."},
	[MIGPLAN__R_PROPERTY_CHANGE] = {"column-property-change", W, 0,
		"a column's DEFAULT, MATERIALIZED, ALIAS or TTL changes what rows read",
		"The column's type is unchanged but its DEFAULT, MATERIALIZED, ALIAS or TTL expression "
		"changes. MATERIALIZED and ALIAS values are recomputed, a new TTL deletes or resets values "
		"at the next merge, and a DEFAULT applies to parts written before the column existed.\n"
		"Confirm the new expression is meant to apply to existing rows; back-fill explicitly "
		"(ALTER TABLE ... UPDATE) if old rows must keep their values."},
	[MIGPLAN__R_UNJUDGED_CHANGE] = {"unjudged-type-change", W, 0,
		"a column change libmigplan cannot judge (treated as destructive)",
		"libmigplan has no rule for this pair of types (or cannot read one of them), so it cannot "
		"promise every value survives; it treats the change as destructive.\n"
		"Rehearse the ALTER on a copy of the table (CREATE TABLE t_copy AS t; INSERT INTO t_copy "
		"SELECT * FROM t LIMIT ...; ALTER TABLE t_copy MODIFY COLUMN ...) and compare the values, "
		"or use expand/contract: add a new column, back-fill, swap, drop later."},
	[MIGPLAN__R_KEY_COLUMN] = {"key-column-change", E, 1,
		"a column used by a table key, TTL, skip index or projection is changed, renamed or dropped",
		"ClickHouse refuses to drop a column that ORDER BY, PRIMARY KEY, PARTITION BY, SAMPLE BY, "
		"the table TTL, a skip index or a projection uses; refuses to rename a key or projection "
		"column; and refuses type changes of key columns (except the few that keep the stored "
		"bytes, such as adding Enum members) and of projection columns. (Checked on ClickHouse "
		"26.7: skip-index and TTL columns may change type or be renamed.) Moose emits the ALTER "
		"anyway, so the plan stops halfway at this operation.\n"
		"Safe alternative: rebuild the table. Create the new definition under a temporary name, "
		"copy the rows with INSERT INTO new SELECT ... (CAST the changed column), swap with "
		"EXCHANGE TABLES, then drop the old one. For a skip index, TTL or projection, remove it "
		"first (DropTableIndex, ModifyTableTtl, DropTableProjection), change the column, then add "
		"it again and MATERIALIZE it."},
	[MIGPLAN__R_TYPE_REFUSED] = {"type-refused-by-clickhouse", E, 1,
		"a column type ClickHouse refuses to create: the plan stops halfway",
		"ClickHouse rejects some type nestings. Moose renders an optional LowCardinality string "
		"as Nullable(LowCardinality(String)), which ClickHouse refuses (the valid form is "
		"LowCardinality(Nullable(String))); Nullable cannot wrap Array, Map, Tuple, Variant, "
		"Dynamic, AggregateFunction or another wrapper; LowCardinality cannot wrap Decimal or "
		"Enum, and wraps a number, a date or an IP address only with the "
		"allow_suspicious_low_cardinality_types setting. The CREATE or ALTER fails, and every "
		"operation before it has already run.\n"
		"Safe alternative: make the column required (with a DEFAULT) instead of optional, drop the "
		"LowCardinality annotation, or write the column in a RawSql with the valid spelling "
		"(e.g. ALTER TABLE t ADD COLUMN c LowCardinality(Nullable(String)))."},
	[MIGPLAN__R_STALE_BEFORE] = {"stale-before-column", W, 0,
		"ModifyTableColumn's before_column does not match the column at that step",
		"The plan's before_column says what the column is expected to be, but the remote state "
		"(after the earlier operations) says otherwise. The plan was probably generated against "
		"another deployment or edited by hand; Moose does not check this and the change may do "
		"something other than what was reviewed.\n"
		"Regenerate the plan against the target deployment (moose generate migration --save)."},
	[MIGPLAN__R_WRITE_BEFORE_CREATE] = {"write-before-create", E, 1,
		"SQL writes a table before the operation that creates it",
		"Operations run strictly in file order. This statement writes (INSERT, ALTER, TRUNCATE, "
		"...) a table that only a later operation creates, so it fails with \"Table doesn't "
		"exist\" and the plan stops halfway with no rollback.\n"
		"Move the operation after the CreateTable (the edit reorder:<n> does it)."},
	[MIGPLAN__R_READ_AFTER_DROP] = {"read-after-drop", E, 1,
		"SQL reads a table after the operation that drops it",
		"Operations run strictly in file order. This statement reads a table that an earlier "
		"operation dropped: it fails (or, for a back-fill, would have copied rows that no longer "
		"exist). Moose puts all drops first, so a hand-written back-fill must be moved before the "
		"drop, or the drop after the back-fill.\n"
		"Move the reading operation before the DropTable, or the DropTable after it."},
	[MIGPLAN__R_COLUMN_BEFORE_ADD] = {"column-before-add", E, 1,
		"a column is used before the operation that adds it",
		"SQL, an AFTER position (after_column) or an expression names a column that only a later "
		"AddTableColumn adds. ClickHouse fails with \"There is no column\" (or \"Wrong column "
		"name. Cannot find column ... to insert after\") and the plan stops halfway.\n"
		"Move the operation after the AddTableColumn (the edit reorder:<n> does it)."},
	[MIGPLAN__R_COLUMN_AFTER_DROP] = {"column-after-drop", E, 1,
		"a column is used after the operation that drops it",
		"SQL, an AFTER position or an expression names a column that an earlier DropTableColumn "
		"(or RenameTableColumn) removed. ClickHouse fails and the plan stops halfway; a back-fill "
		"that needed the old values can no longer read them.\n"
		"Move the operation before the drop, or the drop after it."},
	[MIGPLAN__R_MODIFY_AFTER_DROP] = {"modify-after-drop", E, 0,
		"ModifyTableColumn changes a column an earlier operation dropped",
		"Moose runs MODIFY COLUMN IF EXISTS, so after the drop the change silently does nothing: "
		"the column stays gone and the plan does not reach the schema that was reviewed.\n"
		"Remove one of the two operations, or reorder them as intended."},
	[MIGPLAN__R_VIEW_BEFORE_TABLE] = {"view-before-table", E, 1,
		"a view is created before the table it reads or writes",
		"CREATE MATERIALIZED VIEW ... TO target AS SELECT ... FROM source needs both tables to "
		"exist. Here one of them is created by a later operation, so ClickHouse refuses the view "
		"and the plan stops halfway. (Moose orders views after their tables; this order comes "
		"from a hand edit.)\n"
		"Move the view after the CreateTable (the edit reorder:<n> does it)."},
	[MIGPLAN__R_MISSING_OBJECT] = {"missing-object", E, 1,
		"an operation acts on a table, column, index or view that does not exist at that step",
		"Replaying the plan on remote_state.json shows that the object the operation acts on does "
		"not exist when the operation runs: it was never there, was dropped earlier, or is created "
		"only later. ALTERs fail and stop the plan; DROP ... IF EXISTS and MODIFY COLUMN IF EXISTS "
		"silently do nothing, so the result differs from what was reviewed.\n"
		"Regenerate the plan against the target deployment, or reorder the operations."},
	[MIGPLAN__R_ALREADY_EXISTS] = {"already-exists", E, 0,
		"an operation creates a table, column, index or view that already exists",
		"CREATE TABLE / VIEW IF NOT EXISTS and ADD PROJECTION IF NOT EXISTS silently keep the "
		"existing object, so the new definition is never applied; ADD COLUMN and ADD INDEX fail "
		"and stop the plan.\n"
		"Regenerate the plan against the target deployment, or drop the object first on purpose."},
	[MIGPLAN__R_VIEW_BROKEN] = {"view-broken-by-change", E, 0,
		"a view reads or writes a table or column the plan drops, renames or changes destructively",
		"A materialized view runs its SELECT on every insert into its source and writes the result "
		"to its target; a view runs its SELECT on every read. Moose never drops or recreates a view "
		"because its tables change. What ClickHouse (26.7) then does: it refuses to drop a column "
		"that a materialized view reads, so the plan stops there; it accepts a rename or a type "
		"change, after which every insert into the source fails (\"while pushing to view\") or the "
		"view's output changes; a dropped target makes every insert into the source fail; and a "
		"source that is dropped and created again keeps feeding the view by name, while the target "
		"keeps what the destroyed rows produced (a back-fill of the new table counts them again). "
		"A plain view fails on its next read.\n"
		"Safe alternative: drop the view before the change and create it again after it with a "
		"SELECT that matches the new schema, back-filling its target for the gap; or keep the old "
		"column (or table) until a later release, when the view no longer needs it."},
	[MIGPLAN__R_VIEW_ALTERED] = {"view-reads-altered-column", W, 0,
		"a view reads or writes a column whose type changes",
		"The change keeps the column's values, but the view's SELECT is not recreated: its output "
		"types can change (sum(Float32) vs sum(Float64), comparisons with literals), and a "
		"materialized view converts the result into its target's column types on every insert.\n"
		"Check the view's SELECT against the new type; recreate the view if its output should "
		"change too."},
	[MIGPLAN__R_PROTECTED] = {"deletion-protected-change", E, 1,
		"a destructive change to a DELETION_PROTECTED table or view",
		"The table (or view) is DELETION_PROTECTED in Moose: its owner declared that its data "
		"must not be dropped. Moose itself never generates drops for it; this operation was added "
		"by hand or comes from a stale plan.\n"
		"Remove the operation, or change the life cycle in code first if the drop is really "
		"intended."},
	[MIGPLAN__R_EXTERNAL] = {"externally-managed-change", E, 1,
		"a change to an EXTERNALLY_MANAGED table or view",
		"The object is EXTERNALLY_MANAGED: another system (a CDC pipeline such as ClickPipes, "
		"another team's migrations) owns its schema, and Moose must not change it. Moose never "
		"generates such operations; this one was added by hand or comes from a stale plan, and "
		"running it can break the owner's pipeline.\n"
		"Remove the operation and ask the owner to make the change."},
	[MIGPLAN__R_RAWSQL_MALFORMED] = {"raw-sql-malformed", E, 1,
		"RawSql's sql is not a non-empty list of non-empty strings",
		"Moose reads RawSql.sql as a list of strings and sends each item as one query; an item "
		"that is empty after trimming is skipped without a word. A plain string, a number, an "
		"empty list or an empty item means the SQL that was reviewed is not what runs.\n"
		"Write sql as a YAML list with one statement per item."},
	[MIGPLAN__R_RAWSQL_MULTI] = {"raw-sql-multiple-statements", E, 1,
		"one RawSql item holds more than one SQL statement",
		"Moose sends each item of RawSql.sql as one query and does not split on ';'. ClickHouse "
		"refuses a query with several statements (\"Multi-statements are not allowed\"), so the "
		"plan stops at this operation.\n"
		"Put each statement in its own list item."},
	[MIGPLAN__R_RAWSQL_NO_DESCRIPTION] = {"raw-sql-no-description", W, 0,
		"RawSql has an empty description",
		"Moose prints the description while it runs the plan, and it is the only note a reviewer "
		"gets for hand-written SQL.\n"
		"Say what the SQL does and why, e.g. \"Backfill status_v2 from status\"."},
	[MIGPLAN__R_RAWSQL_UNBOUNDED] = {"raw-sql-unbounded-mutation", W, 0,
		"RawSql rewrites or empties a whole table",
		"ALTER TABLE ... UPDATE/DELETE with a WHERE that is always true (WHERE 1), and TRUNCATE, "
		"touch every row: the mutation rewrites every part of the table, which takes long and "
		"competes with inserts on a large table, and a mistake cannot be undone. Without any "
		"WHERE, ClickHouse refuses the mutation as a syntax error and the plan stops there.\n"
		"Bound the statement with a WHERE that selects only the rows to change (e.g. WHERE "
		"new_col IS NULL), run it per partition (IN PARTITION), and check the count first."},
	[MIGPLAN__R_SCHEMA_GAP] = {"plan-misses-code-schema", E, 0,
		"after the last operation the schema differs from the code (local_infra_map.json)",
		"Replaying the plan on remote_state.json does not give the tables, columns, types, keys, "
		"engines and views of local_infra_map.json. Moose applies the plan as written and stores "
		"the code's map as the new state, so the database and Moose's state disagree from then "
		"on, and the next plan is computed from a wrong base.\n"
		"Regenerate the plan (moose generate migration --save), or add the missing operations."},
	[MIGPLAN__R_UNREQUESTED] = {"destructive-not-in-code", E, 0,
		"a destructive operation that the change from remote to local does not call for",
		"The operation drops or changes something that is identical (or still present) in "
		"local_infra_map.json, so the code does not ask for it. It was added by hand, or the plan "
		"is stale.\n"
		"Remove the operation, or regenerate the plan."},
	[MIGPLAN__R_MISSING_ARTIFACT] = {"missing-artifact", E, 1,
		"plan.yaml, remote_state.json or local_infra_map.json is missing",
		"moose generate migration --save writes three files. Without remote_state.json the "
		"analysis cannot tell what exists before the plan (existence, views, life cycles); without "
		"local_infra_map.json it cannot compare the result with the code. The analysis carries "
		"on and says what it could not check.\n"
		"Commit all three files together (moose generate migration --save)."},
	[MIGPLAN__R_TARGET_UNKNOWN] = {"target-deployment-undetermined", E, 1,
		"the target deployment cannot be determined",
		"The plan must be generated against the deployment it will be applied to: the latest "
		"deployment of the branch with status Deployed. None qualifies, or several are equally "
		"latest, so libmigplan does not guess.\n"
		"Pass the deployment explicitly, or fix the deployments list."},
	[MIGPLAN__R_TARGET_MISMATCH] = {"snapshot-target-mismatch", E, 1,
		"remote_state.json was taken from another deployment than the target",
		"remote_state.json names what it was taken from (its moose_version, and where present "
		"the deployment or commit), and that differs from the target deployment. The plan was "
		"computed from another state: Moose's drift check will refuse it, or worse, it applies "
		"changes computed for another schema.\n"
		"Regenerate the plan against the target deployment."},
	[MIGPLAN__R_UNUSED_ALLOW] = {"unused-allow", W, 0,
		"an allow entry of .migplan.yaml matches no finding",
		"The entry allows a rule for a table, column or operation, but the analysis produced no "
		"such finding. The plan changed since the entry was written, or the entry names the wrong "
		"object; a stale allow can later hide a real problem.\n"
		"Remove the entry, or correct its rule, table, column or operation."},
};

#undef E
#undef W
#undef I

const migplan__rule *migplan__rule_get(migplan__rule_id r)
{
	return (unsigned)r < MIGPLAN__R_COUNT ? &registry[r] : NULL;
}

int migplan__rule_index(const char *id)
{
	if (!id)
		return -1;
	for (int i = 0; i < MIGPLAN__R_COUNT; i++)
		if (strcmp(registry[i].id, id) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- public registry */

size_t migplan_rule_count(void)
{
	return MIGPLAN__R_COUNT;
}

const char *migplan_rule_id_at(size_t i)
{
	return i < MIGPLAN__R_COUNT ? registry[i].id : NULL;
}

const char *migplan_rule_summary(const char *rule)
{
	int i = migplan__rule_index(rule);
	return i < 0 ? NULL : registry[i].summary;
}

const char *migplan_rule_help(const char *rule)
{
	int i = migplan__rule_index(rule);
	return i < 0 ? NULL : registry[i].help;
}

migplan_severity migplan_rule_default_severity(const char *rule)
{
	int i = migplan__rule_index(rule);
	return i < 0 ? (migplan_severity)0 : registry[i].severity;
}

const char *migplan_severity_name(migplan_severity severity)
{
	switch (severity) {
	case MIGPLAN_SEVERITY_INFO: return "info";
	case MIGPLAN_SEVERITY_WARNING: return "warning";
	case MIGPLAN_SEVERITY_ERROR: return "error";
	}
	return NULL;
}

migplan_severity migplan_severity_from_name(const char *name)
{
	if (!name)
		return (migplan_severity)0;
	if (strcasecmp(name, "info") == 0)
		return MIGPLAN_SEVERITY_INFO;
	if (strcasecmp(name, "warning") == 0)
		return MIGPLAN_SEVERITY_WARNING;
	if (strcasecmp(name, "error") == 0)
		return MIGPLAN_SEVERITY_ERROR;
	return (migplan_severity)0;
}

/* ---------------------------------------------------------------- rewrite ids */

/* Length of a name with `.` and `\` escaped. */
static size_t escaped_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += (*s == '.' || *s == '\\') ? 2 : 1;
	return n;
}

static char *put_escaped(char *p, const char *s)
{
	for (; *s; s++) {
		if (*s == '.' || *s == '\\')
			*p++ = '\\';
		*p++ = *s;
	}
	return p;
}

static const char *format_names(migplan__arena *a, const char *prefix, const char **names,
                                size_t count)
{
	size_t len = strlen(prefix);
	for (size_t i = 0; i < count; i++) {
		if (!names[i])
			return NULL;
		len += escaped_len(names[i]) + (i ? 1 : 0);
	}
	char *out = migplan__arena_alloc(a, len + 1);
	if (!out)
		return NULL;
	char *p = out + strlen(prefix);
	memcpy(out, prefix, strlen(prefix));
	for (size_t i = 0; i < count; i++) {
		if (i)
			*p++ = '.';
		p = put_escaped(p, names[i]);
	}
	*p = '\0';
	return out;
}

const char *migplan__edit_format(migplan__arena *a, const migplan__edit *e)
{
	if (!a || !e)
		return NULL;
	switch (e->kind) {
	case MIGPLAN__EDIT_REBUILD_TABLE: {
		const char *names[] = {e->database, e->table};
		return format_names(a, "rebuild-table:", names, 2);
	}
	case MIGPLAN__EDIT_RENAME_COLUMN: {
		const char *names[] = {e->database, e->table, e->column, e->new_column};
		return format_names(a, "rename-column:", names, 4);
	}
	case MIGPLAN__EDIT_REORDER: {
		char buf[48];
		snprintf(buf, sizeof(buf), "reorder:%zu", e->op);
		return migplan__arena_strdup(a, buf);
	}
	}
	return NULL;
}

/* Splits the escaped, dot-separated names after the prefix; exactly @p want names. */
static int parse_names(migplan__arena *a, const char *s, const char **out, size_t want)
{
	size_t got = 0;
	char *buf = migplan__arena_alloc(a, strlen(s) + 1);
	if (!buf)
		return 0;
	char *p = buf;
	out[got++] = p;
	for (; *s; s++) {
		if (*s == '\\') {
			if (!s[1])
				return 0;
			*p++ = *++s;
		} else if (*s == '.') {
			*p++ = '\0';
			if (got == want)
				return 0;
			out[got++] = p;
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	if (got != want)
		return 0;
	for (size_t i = 0; i < want; i++)
		if (!*out[i])
			return 0;
	return 1;
}

int migplan__edit_parse(migplan__edit *out, migplan__arena *a, const char *id)
{
	if (!out || !a || !id)
		return 0;
	memset(out, 0, sizeof(*out));
	if (strncmp(id, "rebuild-table:", 14) == 0) {
		const char *n[2];
		if (!parse_names(a, id + 14, n, 2))
			return 0;
		out->kind = MIGPLAN__EDIT_REBUILD_TABLE;
		out->database = n[0];
		out->table = n[1];
		return 1;
	}
	if (strncmp(id, "rename-column:", 14) == 0) {
		const char *n[4];
		if (!parse_names(a, id + 14, n, 4))
			return 0;
		out->kind = MIGPLAN__EDIT_RENAME_COLUMN;
		out->database = n[0];
		out->table = n[1];
		out->column = n[2];
		out->new_column = n[3];
		return 1;
	}
	if (strncmp(id, "reorder:", 8) == 0) {
		const char *d = id + 8;
		size_t v = 0;
		if (!*d)
			return 0;
		for (; *d; d++) {
			if (*d < '0' || *d > '9' || v > (SIZE_MAX - 9) / 10)
				return 0;
			v = v * 10 + (size_t)(*d - '0');
		}
		out->kind = MIGPLAN__EDIT_REORDER;
		out->op = v;
		return 1;
	}
	return 0;
}
