/* Classification of every fixture operation (category, data loss, reversibility, inverse) and
 * the plans' change types, plus the DDL each operation renders to. */
#include <stdlib.h>
#include <string.h>

#include <migplan.h>

#include "tap.h"

typedef struct expect_op {
	const char *kind;
	const char *category;
	const char *loss;
	int reversible;
	const char *inverse; /* kind name or NULL */
} expect_op;

typedef struct expect_plan {
	const char *dir;
	const char *file; /* plan file inside dir */
	const char *change_type;
	size_t metadata, custom;
	expect_op ops[8];
} expect_plan;

#define A "additive"
#define D "destructive"
#define M "metadata"
#define C "custom"
#define NONE "none"
#define POT "potential data loss"
#define PERM "permanent data loss"

static const expect_plan plans[] = {
	{"01_additive", "plan.yaml", "additive", 0, 0, {
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"},
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"},
		{"CreateTable", A, NONE, 1, "DropTable"},
		{"CreateView", A, NONE, 1, "DropView"}}},
	{"02_add_column_and_index", "plan.yaml", "mixed", 0, 0, {
		/* an index is derived data: destructive category, nothing lost, rebuilt from the snapshot */
		{"DropTableIndex", D, NONE, 1, "AddTableIndex"},
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"},
		{"AddTableIndex", A, NONE, 1, "DropTableIndex"},
		{"AddTableIndex", A, NONE, 1, "DropTableIndex"}}},
	{"03_recreate_same_table", "plan.yaml", "mixed", 0, 0, {
		{"DropTable", D, PERM, 0, "CreateTable"},
		{"CreateTable", A, NONE, 1, "DropTable"},
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"}}},
	{"04_versioned_upgrade", "plan.yaml", "mixed", 0, 0, {
		{"DropTable", D, PERM, 0, "CreateTable"},
		{"CreateTable", A, NONE, 1, "DropTable"}}},
	{"05_modify_column_narrowing", "plan.yaml", "mixed", 0, 0, {
		{"ModifyTableColumn", D, PERM, 0, "ModifyTableColumn"}, /* Int64 -> Int32 */
		{"ModifyTableColumn", D, PERM, 0, "ModifyTableColumn"}, /* Nullable(String) -> String */
		{"ModifyTableColumn", D, PERM, 0, "ModifyTableColumn"}, /* Float64 -> Float32 */
		{"ModifyTableColumn", A, NONE, 1, "ModifyTableColumn"}, /* UInt16 -> UInt32 */
		{"ModifyTableColumn", A, NONE, 1, "ModifyTableColumn"}, /* Date -> Date32 */
		{"ModifyTableColumn", A, NONE, 1, "ModifyTableColumn"}, /* Decimal(10, 2) -> Decimal(18, 4) */
		{"ModifyTableColumn", A, NONE, 1, "ModifyTableColumn"}}},/* String -> LowCardinality(String) */
	{"06_rename_column", "plan.yaml", "additive", 0, 0, {
		{"RenameTableColumn", A, NONE, 1, "RenameTableColumn"}}},
	{"06_rename_column", "plan.generated.yaml", "mixed", 0, 0, {
		{"DropTableColumn", D, PERM, 0, "AddTableColumn"},
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"}}},
	{"07_mv_reads_altered_table", "plan.yaml", "destructive", 0, 0, {
		{"DropMaterializedView", D, POT, 0, "CreateMaterializedView"},
		{"DropTable", D, PERM, 0, "CreateTable"},
		{"DropTableColumn", D, PERM, 0, "AddTableColumn"},
		/* Float32 -> Float64 keeps values but 0.1 reads 0.10000000149011612 afterwards */
		{"ModifyTableColumn", D, POT, 0, "ModifyTableColumn"}}},
	{"08_rawsql_backfill", "plan.yaml", "additive", 0, 2, {
		{"AddTableColumn", A, NONE, 1, "DropTableColumn"},
		{"RawSql", C, POT, 0, NULL},
		{"CreateTable", A, NONE, 1, "DropTable"},
		{"CreateMaterializedView", A, NONE, 1, "DropMaterializedView"},
		{"RawSql", C, POT, 0, NULL}}},
	{"10_schema_gaps", "plan.yaml", "additive", 2, 0, {
		{"ModifyTableTtl", M, POT, 0, "ModifyTableTtl"},
		{"ModifyTableSettings", M, NONE, 1, "ModifyTableSettings"},
		{"CreateTable", A, NONE, 1, "DropTable"}}},
};

static migplan_plan *load(const char *dir, const char *file)
{
	char plan[1024], remote[1024], local[1024];
	const char *root = getenv("MIGPLAN_FIXTURES");
	snprintf(plan, sizeof(plan), "%s/%s/%s", root, dir, file);
	snprintf(remote, sizeof(remote), "%s/%s/remote_state.json", root, dir);
	snprintf(local, sizeof(local), "%s/%s/local_infra_map.json", root, dir);
	migplan_plan *p = NULL;
	if (migplan_plan_load_files(&p, plan, remote, local, NULL) != MIGPLAN_OK)
		diag("%s: %s", plan, migplan_error_message(migplan_error_last()));
	return p;
}

static void check_plan(const expect_plan *e)
{
	migplan_plan *p = load(e->dir, e->file);
	if (!ok(p != NULL, "%s/%s loads", e->dir, e->file))
		return;
	ok(migplan_plan_classify(p) == MIGPLAN_OK, "%s: classify", e->dir);
	is_str(migplan_change_type_name(migplan_plan_change_type(p)), e->change_type, "%s/%s: change type", e->dir, e->file);
	is_int(migplan_plan_category_count(p, MIGPLAN_CATEGORY_METADATA), e->metadata, "%s: metadata count", e->dir);
	is_int(migplan_plan_category_count(p, MIGPLAN_CATEGORY_CUSTOM), e->custom, "%s: custom count", e->dir);
	for (size_t i = 0; e->ops[i].kind; i++) {
		const expect_op *x = &e->ops[i];
		const migplan_op *op = migplan_plan_op_at(p, i);
		is_str(migplan_op_kind_name(migplan_op_kind_of(op)), x->kind, "%s op %zu: kind", e->dir, i);
		is_str(migplan_category_name(migplan_op_category(op)), x->category, "%s op %zu: category", e->dir, i);
		is_str(migplan_data_loss_name(migplan_op_data_loss(op)), x->loss, "%s op %zu: loss", e->dir, i);
		is_int(migplan_op_reversible(op), x->reversible, "%s op %zu: reversible", e->dir, i);
		is_str(migplan_op_kind_name(migplan_op_inverse_kind(op)), x->inverse, "%s op %zu: inverse", e->dir, i);
		ok(migplan_op_classification_reason(op) && *migplan_op_classification_reason(op),
		   "%s op %zu: has a reason", e->dir, i);
		ok((x->inverse != NULL) == (migplan_op_inverse_description(op) != NULL), "%s op %zu: inverse description", e->dir, i);
		ok((migplan_op_type_change(op) != NULL) == (strcmp(x->kind, "ModifyTableColumn") == 0),
		   "%s op %zu: type change only for ModifyTableColumn", e->dir, i);
	}
	migplan_plan_free(p);
}

/* Classification without snapshots: inverses that need the remote definition disappear. */
static void check_without_snapshots(void)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/03_recreate_same_table/plan.yaml", getenv("MIGPLAN_FIXTURES"));
	migplan_plan *p = NULL;
	ok(migplan_plan_load_files(&p, path, NULL, NULL, NULL) == MIGPLAN_OK, "03 without snapshots loads");
	/* getters classify on first use */
	const migplan_op *drop = migplan_plan_op_at(p, 0);
	is_str(migplan_category_name(migplan_op_category(drop)), "destructive", "lazy classification");
	is_int(migplan_op_inverse_kind(drop), 0, "no CreateTable inverse without remote_state.json");
	ok(migplan_op_inverse_description(drop) == NULL, "no inverse description");
	migplan_plan_free(p);
}

static void check_empty_and_null(void)
{
	static const char empty[] = "created_at: 2026-01-01T00:00:00Z\noperations: []\n";
	migplan_plan *p = NULL;
	ok(migplan_plan_load_buffer(&p, empty, strlen(empty), "empty.yaml", NULL) == MIGPLAN_OK, "empty plan loads");
	is_str(migplan_change_type_name(migplan_plan_change_type(p)), "empty", "empty plan: change type empty");
	migplan_plan_free(p);
	ok(migplan_plan_classify(NULL) == MIGPLAN_EINVAL, "classify(NULL) is EINVAL");
	is_int(migplan_op_category(NULL), 0, "category(NULL) is 0");
	ok(migplan_category_name(0) == NULL && migplan_change_type_name(9) == NULL, "unknown enum names are NULL");
}

/* The statements Moose runs, on fixtures whose SQL FORMAT.md 1.4 spells out. */
static void check_sql(const char *dir, size_t op_index, uint32_t flags, const char *const *want)
{
	migplan_plan *p = load(dir, "plan.yaml");
	migplan_sql *sql = NULL;
	if (!ok(p && migplan_op_to_sql(&sql, migplan_plan_op_at(p, op_index), NULL, flags) == MIGPLAN_OK,
	        "%s op %zu renders", dir, op_index)) {
		migplan_plan_free(p);
		return;
	}
	size_t n = 0;
	while (want[n])
		n++;
	is_int(migplan_sql_count(sql), n, "%s op %zu: statement count", dir, op_index);
	for (size_t i = 0; i < n; i++)
		is_str(migplan_sql_at(sql, i), want[i], "%s op %zu: statement %zu", dir, op_index, i);
	migplan_sql_free(sql);
	migplan_plan_free(p);
}

static void check_ddl(void)
{
	check_sql("03_recreate_same_table", 0, 0, (const char *const[]){"DROP TABLE IF EXISTS `local`.`events`", NULL});
	check_sql("05_modify_column_narrowing", 0, 0,
	          (const char *const[]){"ALTER TABLE `local`.`metrics` MODIFY COLUMN IF EXISTS `count` Int32", NULL});
	check_sql("01_additive", 1, 0, (const char *const[]){
		"ALTER TABLE `local`.`events` ADD COLUMN `country` LowCardinality(String) DEFAULT 'unknown' "
		"COMMENT 'ISO-3166 alpha-2, filled by the ingest enricher' AFTER `event_type`", NULL});
	check_sql("02_add_column_and_index", 0, 0, (const char *const[]){"ALTER TABLE `local`.`page_views` DROP INDEX `idx_ts`", NULL});
	check_sql("06_rename_column", 0, 0,
	          (const char *const[]){"ALTER TABLE `local`.`users` RENAME COLUMN `signup_ts` TO `signed_up_at`", NULL});
	check_sql("10_schema_gaps", 0, 0, (const char *const[]){"ALTER TABLE `local`.`device_readings` MODIFY TTL ts + INTERVAL 60 DAY", NULL});
	check_sql("10_schema_gaps", 1, 0, (const char *const[]){
		"ALTER TABLE `local`.`device_readings` MODIFY SETTING merge_with_ttl_timeout = 3600, ttl_only_drop_parts = 1", NULL});
	check_sql("07_mv_reads_altered_table", 0, 0, (const char *const[]){"DROP VIEW IF EXISTS `local`.`coupon_usage_mv`", NULL});
	check_sql("08_rawsql_backfill", 3, 0, (const char *const[]){
		"CREATE MATERIALIZED VIEW IF NOT EXISTS `local`.`daily_user_stats_mv` TO `local`.`daily_user_stats` AS "
		"SELECT toDate(ts) AS day, user_id, count() AS events FROM events GROUP BY day, user_id", NULL});

	/* Moose's own rendering of an optional LowCardinality string differs from the corrected one */
	migplan_plan *p = load("10_schema_gaps", "plan.yaml");
	migplan_sql *fixed = NULL, *moose = NULL;
	ok(migplan_op_to_sql(&fixed, migplan_plan_op_at(p, 2), NULL, 0) == MIGPLAN_OK &&
	   migplan_op_to_sql(&moose, migplan_plan_op_at(p, 2), NULL, MIGPLAN_SQL_AS_MOOSE) == MIGPLAN_OK, "10 CreateTable renders both ways");
	ok(fixed && strstr(migplan_sql_at(fixed, 0), "`tag` LowCardinality(Nullable(String))"), "corrected: LowCardinality(Nullable(String))");
	ok(moose && strstr(migplan_sql_at(moose, 0), "`tag` Nullable(LowCardinality(String))"), "as Moose: Nullable(LowCardinality(String))");
	ok(fixed && strstr(migplan_sql_at(fixed, 0), "PARTITION BY toYYYYMMDD(ts)\nORDER BY (device_id, toStartOfHour(ts))\nTTL ts + INTERVAL 90 DAY"),
	   "10 CreateTable: key clauses in Moose's order");
	migplan_sql_free(fixed);
	migplan_sql_free(moose);
	migplan_plan_free(p);

	char *q = NULL;
	ok(migplan_sql_quote_identifier("we`ird\\na\nme", &q) == MIGPLAN_OK, "quote identifier");
	is_str(q, "`we\\`ird\\\\na\\nme`", "identifier escapes backtick, backslash and newline");
	migplan_free(q);
	ok(migplan_sql_quote_literal("it's", &q) == MIGPLAN_OK, "quote literal");
	is_str(q, "'it\\'s'", "literal escapes the quote");
	migplan_free(q);
}

/* The kinds no fixture holds: projections, sample-by and a view drop, with and without the
 * definitions in remote_state.json that their inverses need. */
static void check_remaining_kinds(void)
{
	static const char plan[] =
		"created_at: 2026-01-01T00:00:00Z\n"
		"operations:\n"
		"- DropView: {name: v}\n"
		"- DropTableProjection: {table: t, projection_name: p}\n"
		"- AddTableProjection: {table: t, projection: {name: p2, body: 'SELECT a ORDER BY b'}}\n"
		"- ModifySampleBy: {table: t, expression: intHash32(a)}\n"
		"- RemoveSampleBy: {table: t}\n"
		"- DropView: {name: unknown_view}\n"
		"- DropTableProjection: {table: t, projection_name: unknown_projection}\n";
	static const char remote[] =
		"{\"default_database\": \"local\", \"tables\": {\"t\": {\"name\": \"t\", \"order_by\": [\"a\"], "
		"\"sample_by\": \"a\", \"source_primitive\": {\"name\": \"t\"}, "
		"\"projections\": [{\"name\": \"p\", \"body\": \"SELECT a ORDER BY a\"}], "
		"\"columns\": [{\"name\": \"a\", \"data_type\": \"UInt64\", \"required\": true}, "
		"{\"name\": \"b\", \"data_type\": \"String\", \"required\": true}]}}, "
		"\"views\": {\"v\": {\"name\": \"v\", \"selectSql\": \"SELECT a FROM t\", \"sourceTables\": [\"t\"]}}}";
	static const expect_op want[] = {
		{"DropView", D, NONE, 1, "CreateView"},
		{"DropTableProjection", D, NONE, 1, "AddTableProjection"},
		{"AddTableProjection", A, NONE, 1, "DropTableProjection"},
		{"ModifySampleBy", M, NONE, 1, "ModifySampleBy"},
		{"RemoveSampleBy", M, NONE, 1, "ModifySampleBy"},
		/* no definition in remote_state.json: no inverse, so not reversible */
		{"DropView", D, NONE, 0, NULL},
		{"DropTableProjection", D, NONE, 0, NULL},
	};
	migplan_plan *p = NULL;
	migplan_snapshot *snap = NULL;
	ok(migplan_plan_load_buffer(&p, plan, strlen(plan), "kinds.yaml", NULL) == MIGPLAN_OK &&
	   migplan_snapshot_load_buffer(&snap, remote, strlen(remote), "remote.json", NULL) == MIGPLAN_OK &&
	   migplan_plan_attach_snapshots(p, snap, NULL) == MIGPLAN_OK, "hand-written plan with the remaining kinds loads");
	for (size_t i = 0; p && i < sizeof(want) / sizeof(want[0]); i++) {
		const migplan_op *op = migplan_plan_op_at(p, i);
		is_str(migplan_op_kind_name(migplan_op_kind_of(op)), want[i].kind, "kinds op %zu: kind", i);
		is_str(migplan_category_name(migplan_op_category(op)), want[i].category, "kinds op %zu: category", i);
		is_str(migplan_data_loss_name(migplan_op_data_loss(op)), want[i].loss, "kinds op %zu: loss", i);
		is_int(migplan_op_reversible(op), want[i].reversible, "kinds op %zu: reversible", i);
		is_str(migplan_op_kind_name(migplan_op_inverse_kind(op)), want[i].inverse, "kinds op %zu: inverse", i);
	}
	is_str(migplan_op_inverse_description(migplan_plan_op_at(p, 4)), "ModifySampleBy `local`.`t` `a`",
	       "RemoveSampleBy is undone with the remote SAMPLE BY");
	is_str(migplan_change_type_name(migplan_plan_change_type(p)), "mixed", "kinds: change type");
	is_int(migplan_plan_category_count(p, MIGPLAN_CATEGORY_METADATA), 2, "kinds: two metadata operations");
	migplan_plan_free(p);
	migplan_snapshot_free(snap);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(plans) / sizeof(plans[0]); i++)
		check_plan(&plans[i]);
	check_without_snapshots();
	check_remaining_kinds();
	check_empty_and_null();
	check_ddl();
	return done_testing();
}
