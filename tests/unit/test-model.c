/* The typed model against the Moose fixtures (../shared/moose/fixtures, see its README.md):
 * operation kinds in order, tables and columns touched, mapped ClickHouse types, snapshot
 * lookups, MV sources, positions; plus buffers, attached snapshots, options, a generated large
 * plan and NULL-safety of every accessor. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migplan.h"
#include "tap.h"

static const char *fixtures;

static char *fixture_path(const char *dir, const char *file)
{
	static char buf[4][1024];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof(buf[0]), "%s/%s%s%s", fixtures, dir, file ? "/" : "", file ? file : "");
	return p;
}

static migplan_plan *load_fixture(const char *dir)
{
	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_dir(&plan, fixture_path(dir, NULL), NULL);
	if (!ok(st == MIGPLAN_OK && plan, "%s loads", dir))
		diag("%s: %s (%s:%u:%u)", migplan_status_str(st),
		     migplan_error_message(migplan_error_last()),
		     migplan_error_path(migplan_error_last()) ? migplan_error_path(migplan_error_last()) : "",
		     migplan_error_line(migplan_error_last()), migplan_error_column(migplan_error_last()));
	return plan;
}

static migplan_plan *load_files(const char *dir, const char *file)
{
	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_files(&plan, fixture_path(dir, file),
	                                            fixture_path(dir, "remote_state.json"),
	                                            fixture_path(dir, "local_infra_map.json"), NULL);
	if (!ok(st == MIGPLAN_OK && plan, "%s/%s loads", dir, file))
		diag("%s", migplan_error_message(migplan_error_last()));
	return plan;
}

/* kinds: names separated by spaces, in plan order */
static void check_kinds(const migplan_plan *plan, const char *label, const char *kinds)
{
	char buf[1024], got[1024] = "";
	snprintf(buf, sizeof(buf), "%s", kinds);
	size_t n = 0;
	for (char *save = NULL, *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save))
		n++;
	for (size_t i = 0; i < migplan_plan_op_count(plan); i++) {
		const char *name = migplan_op_kind_name(migplan_op_kind_of(migplan_plan_op_at(plan, i)));
		size_t len = strlen(got);
		snprintf(got + len, sizeof(got) - len, "%s%s", i ? " " : "", name ? name : "?");
	}
	is_int(migplan_plan_op_count(plan), n, "%s: %zu operations", label, n);
	is_str(got, kinds, "%s: operation kinds in order", label);
}

static const migplan_op *op(const migplan_plan *plan, size_t i)
{
	return migplan_plan_op_at(plan, i);
}

static void check_pos(const migplan_node *node, unsigned line, unsigned col, const char *what)
{
	ok(migplan_node_line(node) == line && migplan_node_column(node) == col,
	   "%s at %u:%u (got %u:%u)", what, line, col, migplan_node_line(node),
	   migplan_node_column(node));
}

static void check_type(const migplan_column *c, const char *want, const char *label)
{
	is_str(migplan_column_clickhouse_type(c), want, "%s: %s is %s", label,
	       migplan_column_name(c) ? migplan_column_name(c) : "(null)", want);
}

/* ---------------------------------------------------------------- fixtures */

static void test_01(void)
{
	migplan_plan *p = load_fixture("01_additive");
	if (!p)
		return;
	check_kinds(p, "01", "AddTableColumn AddTableColumn CreateTable CreateView");
	is_str(migplan_plan_created_at(p), "2026-03-02T10:14:03.551902117Z", "01: created_at");
	const migplan_op *o = op(p, 0);
	is_str(migplan_op_table_name(o), "events", "01: op 0 on events");
	ok(migplan_op_database(o) == NULL && migplan_op_cluster_name(o) == NULL,
	   "01: database and cluster_name null");
	is_str(migplan_op_column_name(o), "session_id", "01: op 0 adds session_id");
	is_str(migplan_op_position_after(o), "user_id", "01: after user_id");
	ok(migplan_column_nullable(migplan_op_column(o)), "01: session_id is nullable (required: false)");
	check_type(migplan_op_column(o), "Nullable(UUID)", "01");
	check_pos(migplan_op_node(o), 5, 3, "01: op 0");
	check_pos(migplan_op_body(o), 6, 5, "01: op 0 body");
	check_pos(migplan_column_node(migplan_op_column(o)), 9, 7, "01: op 0 column");

	o = op(p, 1);
	const migplan_column *c = migplan_op_column(o);
	is_str(migplan_column_name(c), "country", "01: op 1 adds country");
	is_str(migplan_column_default(c), "'unknown'", "01: default is the SQL literal 'unknown'");
	is_str(migplan_column_comment(c), "ISO-3166 alpha-2, filled by the ingest enricher",
	       "01: comment");
	ok(migplan_column_low_cardinality(c) && !migplan_column_nullable(c),
	   "01: country is LowCardinality, not nullable");
	check_type(c, "LowCardinality(String)", "01");
	ok(migplan_node_count(migplan_column_annotations(c)) == 1, "01: one annotation");

	o = op(p, 2);
	const migplan_table *t = migplan_op_table(o);
	is_str(migplan_op_table_name(o), "sessions", "01: CreateTable sessions");
	is_str(migplan_table_name(t), "sessions", "01: table name");
	is_int(migplan_table_column_count(t), 13, "01: 13 columns");
	is_str(migplan_table_engine(t), "MergeTree", "01: MergeTree");
	is_int(migplan_table_order_by_count(t), 1, "01: order_by list of one");
	is_str(migplan_table_order_by_expression(t), "session_id", "01: order_by expression");
	is_str(migplan_table_partition_by(t), "toYYYYMM(started_at)", "01: partition_by");
	is_str(migplan_table_source_name(t), "sessions", "01: source_primitive.name");
	ok(migplan_table_version(t) == NULL, "01: version null");
	is_int(migplan_table_life_cycle(t), MIGPLAN_LIFE_CYCLE_FULLY_MANAGED, "01: life cycle");
	is_int(migplan_node_count(migplan_table_settings(t)), 3, "01: three table settings");
	is_str(migplan_node_text(migplan_node_get(migplan_table_settings(t), "index_granularity"), NULL),
	       "8192", "01: index_granularity setting");
	check_pos(migplan_table_node(t), 36, 7, "01: CreateTable table");
	check_pos(migplan_column_node(migplan_table_column_at(t, 0)), 37, 9, "01: column 0");
	check_pos(migplan_column_node(migplan_table_column_at(t, 12)), 141, 9, "01: column 12");
	ok(migplan_column_primary_key(migplan_table_column_find(t, "session_id")),
	   "01: session_id is the primary key");
	check_type(migplan_table_column_find(t, "started_at"), "DateTime64(3)", "01");
	check_type(migplan_table_column_find(t, "ended_at"), "Nullable(DateTime64(3))", "01");
	check_type(migplan_table_column_find(t, "tags"), "Array(String)", "01");
	check_type(migplan_table_column_find(t, "attrs"), "Map(String, String)", "01");
	check_type(migplan_table_column_find(t, "revenue"), "Decimal(12, 2)", "01");
	check_type(migplan_table_column_find(t, "page_count"), "UInt32", "01");
	check_type(migplan_table_column_find(t, "geo"), "Tuple(lat Float64, lon Float64)", "01");
	check_type(migplan_table_column_find(t, "day"), "Date32", "01");
	check_type(migplan_table_column_find(t, "referrers"), "Array(Nullable(String))", "01");
	const char *dev = migplan_column_clickhouse_type(migplan_table_column_find(t, "device"));
	ok(dev && strncmp(dev, "Enum", 4) == 0 && strstr(dev, "'desktop'"),
	   "01: device is an Enum of the string values (%s)", dev ? dev : "(null)");
	ok(migplan_table_column_find(t, "nope") == NULL, "01: column_find of a missing column");

	o = op(p, 3);
	is_str(migplan_op_table_name(o), "sessions_per_day", "01: CreateView name");
	ok(migplan_op_select_sql(o) && strncmp(migplan_op_select_sql(o), "SELECT toDate(", 14) == 0,
	   "01: CreateView select_sql");
	ok(migplan_op_table(o) == NULL && migplan_op_column(o) == NULL, "01: view op has no table");

	const migplan_snapshot *remote = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_snapshot *local = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	ok(remote && local, "01: both snapshots attached");
	is_str(migplan_snapshot_moose_version(remote), "0.6.449", "01: remote moose_version");
	ok(migplan_snapshot_moose_version(local) == NULL, "01: local has no moose_version");
	is_str(migplan_plan_default_database(p), "local", "01: default database");
	is_int(migplan_snapshot_table_count(local), 2, "01: local has two tables");
	ok(migplan_snapshot_table_find(remote, NULL, "events") != NULL, "01: remote events by name");
	ok(migplan_snapshot_table_find(remote, "local", "events") ==
	   migplan_snapshot_table_find(remote, NULL, "events"), "01: (local, events) is the same");
	ok(migplan_snapshot_table_find(remote, "other", "events") == NULL, "01: not in other db");
	ok(migplan_snapshot_table_find(remote, NULL, "sessions") == NULL, "01: sessions not remote");
	ok(migplan_snapshot_table_find(local, NULL, "sessions") != NULL, "01: sessions local");
	is_int(migplan_snapshot_view_count(local), 1, "01: one local view");
	const migplan_view *v = migplan_snapshot_view_at(local, 0);
	is_int(migplan_view_kind_of(v), MIGPLAN_VIEW_PLAIN, "01: plain view");
	is_int(migplan_view_source_count(v), 1, "01: one view source");
	is_str(migplan_view_source_table(v, 0), "sessions", "01: backticks stripped");
	ok(migplan_view_source_database(v, 0) == NULL, "01: unqualified source");
	migplan_plan_free(p);
}

static void test_02(void)
{
	migplan_plan *p = load_fixture("02_add_column_and_index");
	if (!p)
		return;
	check_kinds(p, "02", "DropTableIndex AddTableColumn AddTableIndex AddTableIndex");
	is_str(migplan_op_object_name(op(p, 0)), "idx_ts", "02: drop idx_ts");
	const migplan_index *ix = migplan_op_index_def(op(p, 2));
	is_str(migplan_op_object_name(op(p, 2)), "idx_ts", "02: add idx_ts");
	is_str(migplan_index_type(ix), "minmax", "02: minmax (key `type`)");
	is_str(migplan_index_expression(ix), "ts", "02: expression");
	is_int(migplan_index_granularity(ix), 2, "02: granularity");
	is_int(migplan_index_argument_count(ix), 0, "02: no arguments");
	ix = migplan_op_index_def(op(p, 3));
	is_str(migplan_index_type(ix), "bloom_filter", "02: bloom_filter");
	is_int(migplan_index_argument_count(ix), 1, "02: one argument");
	is_str(migplan_index_argument_at(ix, 0), "0.01", "02: argument is the string 0.01");
	ok(migplan_index_argument_at(ix, 1) == NULL, "02: argument out of range");
	check_type(migplan_op_column(op(p, 1)), "Nullable(String)", "02");
	migplan_plan_free(p);

	p = load_files("02_add_column_and_index", "plan.schema_valid.yaml");
	if (!p)
		return;
	check_kinds(p, "02 schema_valid", "DropTableIndex AddTableColumn AddTableIndex AddTableIndex");
	is_str(migplan_index_type(migplan_op_index_def(op(p, 3))), "bloom_filter",
	       "02 schema_valid: type with index_type beside it");
	migplan_plan_free(p);
}

static void test_03(void)
{
	migplan_plan *p = load_fixture("03_recreate_same_table");
	if (!p)
		return;
	check_kinds(p, "03", "DropTable CreateTable AddTableColumn");
	is_str(migplan_op_table_name(op(p, 0)), "events", "03: drop events");
	const migplan_table *t = migplan_op_table(op(p, 1));
	is_str(migplan_table_name(t), "events", "03: create events");
	is_int(migplan_table_order_by_count(t), 3, "03: three order_by columns");
	is_str(migplan_table_order_by_at(t, 2), "event_id", "03: order_by[2]");
	is_str(migplan_table_order_by_expression(t), "(event_type, ts, event_id)",
	       "03: order_by list rendered as a tuple");
	check_type(migplan_table_column_find(t, "event_type"), "LowCardinality(String)", "03");
	check_type(migplan_table_column_find(t, "value"), "Int64", "03");
	check_type(migplan_op_column(op(p, 2)), "Nullable(DateTime('UTC'))", "03");
	is_str(migplan_op_table_name(op(p, 2)), "users", "03: AddTableColumn on users");

	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_table *before = migplan_snapshot_table_find(r, NULL, "events");
	ok(before != NULL, "03: remote events");
	check_type(migplan_table_column_find(before, "value"), "Int32", "03 remote");
	check_type(migplan_table_column_find(before, "event_type"), "String", "03 remote");
	is_str(migplan_table_order_by_expression(before), "event_id", "03: remote order_by");
	is_int(migplan_snapshot_mv_count(r), 1, "03: one MV");
	const migplan_view *mv = migplan_snapshot_mv_at(r, 0);
	is_str(migplan_view_name(mv), "events_by_type_mv", "03: MV name");
	is_int(migplan_view_kind_of(mv), MIGPLAN_VIEW_MATERIALIZED, "03: materialized");
	is_str(migplan_view_source_table(mv, 0), "events", "03: MV reads events (normalised)");
	ok(migplan_view_source_database(mv, 0) == NULL, "03: MV source unqualified");
	is_str(migplan_view_target_table(mv), "events_by_type", "03: MV target");
	ok(migplan_view_target_database(mv) == NULL, "03: MV target database null");
	ok(migplan_view_select_sql(mv) != NULL, "03: MV selectSql");
	migplan_plan_free(p);
}

static void test_04(void)
{
	migplan_plan *p = load_fixture("04_versioned_upgrade");
	if (!p)
		return;
	check_kinds(p, "04", "DropTable CreateTable");
	is_str(migplan_op_table_name(op(p, 0)), "events_1_0", "04: drop events_1_0");
	const migplan_table *t = migplan_op_table(op(p, 1));
	is_str(migplan_table_name(t), "events_1_1", "04: create events_1_1");
	is_str(migplan_table_version(t), "1.1", "04: version 1.1");
	is_str(migplan_table_source_name(t), "events", "04: source name events");
	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_table *old = migplan_snapshot_table_find(r, NULL, "events_1_0");
	ok(old != NULL, "04: remote events_1_0 found by name (never by map key)");
	is_str(migplan_table_version(old), "1.0", "04: remote version 1.0");
	is_str(migplan_table_source_name(old), "events", "04: remote source name events");
	ok(migplan_snapshot_table_find(r, NULL, "events") == NULL, "04: no table named events");
	ok(migplan_snapshot_table_find(r, NULL, "events_1_0_1_0") == NULL, "04: map key is no name");
	check_pos(migplan_table_node(old), 16, 29, "04: remote table node");
	const migplan_snapshot *l = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	ok(migplan_snapshot_table_find(l, "local", "events_1_1") != NULL, "04: local events_1_1");
	migplan_plan_free(p);
}

static void test_05(void)
{
	static const char *const want[][3] = {
		{"count", "Int64", "Int32"},
		{"label", "Nullable(String)", "String"},
		{"ratio", "Float64", "Float32"},
		{"small_counter", "UInt16", "UInt32"},
		{"day", "Date", "Date32"},
		{"price", "Decimal(10, 2)", "Decimal(18, 4)"},
		{"host", "String", "LowCardinality(String)"},
	};
	migplan_plan *p = load_fixture("05_modify_column_narrowing");
	if (!p)
		return;
	check_kinds(p, "05", "ModifyTableColumn ModifyTableColumn ModifyTableColumn "
	                     "ModifyTableColumn ModifyTableColumn ModifyTableColumn ModifyTableColumn");
	for (size_t i = 0; i < 7; i++) {
		const migplan_op *o = op(p, i);
		is_str(migplan_op_table_name(o), "metrics", "05: op %zu on metrics", i);
		is_str(migplan_op_column_name(o), want[i][0], "05: op %zu column", i);
		check_type(migplan_op_before_column(o), want[i][1], "05 before");
		check_type(migplan_op_column(o), want[i][2], "05 after");
	}
	ok(migplan_column_nullable(migplan_op_before_column(op(p, 1))) &&
	   !migplan_column_nullable(migplan_op_column(op(p, 1))), "05: label loses nullability");
	ok(!migplan_column_low_cardinality(migplan_op_before_column(op(p, 6))) &&
	   migplan_column_low_cardinality(migplan_op_column(op(p, 6))),
	   "05: host gains LowCardinality through the annotation");
	is_str(migplan_node_text(migplan_column_data_type(migplan_op_column(op(p, 6))), NULL),
	       "String", "05: host data_type stays String");
	check_pos(migplan_column_node(migplan_op_column(op(p, 6))), 127, 7, "05: op 6 after_column");
	check_pos(migplan_column_node(migplan_op_before_column(op(p, 6))), 137, 7,
	          "05: op 6 before_column");
	check_pos(migplan_op_node(op(p, 6)), 125, 3, "05: op 6");
	migplan_plan_free(p);
}

static void test_06(void)
{
	migplan_plan *p = load_fixture("06_rename_column");
	if (!p)
		return;
	check_kinds(p, "06", "RenameTableColumn");
	const migplan_op *o = op(p, 0);
	is_str(migplan_op_table_name(o), "users", "06: users");
	is_str(migplan_op_column_name(o), "signup_ts", "06: before_column_name");
	is_str(migplan_op_new_column_name(o), "signed_up_at", "06: after_column_name");
	ok(migplan_op_database(o) == NULL && migplan_op_cluster_name(o) == NULL,
	   "06: hand-written op without database/cluster_name");
	migplan_plan_free(p);

	p = load_files("06_rename_column", "plan.generated.yaml");
	if (!p)
		return;
	check_kinds(p, "06 generated", "DropTableColumn AddTableColumn");
	is_str(migplan_op_column_name(op(p, 0)), "signup_ts", "06 generated: drop signup_ts");
	is_str(migplan_op_column_name(op(p, 1)), "signed_up_at", "06 generated: add signed_up_at");
	is_str(migplan_op_position_after(op(p, 1)), "email", "06 generated: after email");
	migplan_plan_free(p);
}

static void test_07(void)
{
	migplan_plan *p = load_fixture("07_mv_reads_altered_table");
	if (!p)
		return;
	check_kinds(p, "07", "DropMaterializedView DropTable DropTableColumn ModifyTableColumn");
	is_str(migplan_op_table_name(op(p, 0)), "coupon_usage_mv", "07: drop MV by name");
	is_str(migplan_op_table_name(op(p, 1)), "coupon_usage", "07: drop table");
	is_str(migplan_op_column_name(op(p, 2)), "coupon_code", "07: drop coupon_code");
	check_type(migplan_op_before_column(op(p, 3)), "Float32", "07 before");
	check_type(migplan_op_column(op(p, 3)), "Float64", "07 after");
	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	is_int(migplan_snapshot_mv_count(r), 2, "07: two remote MVs");
	size_t readers = 0;
	for (size_t i = 0; i < migplan_snapshot_mv_count(r); i++) {
		const migplan_view *mv = migplan_snapshot_mv_at(r, i);
		for (size_t j = 0; j < migplan_view_source_count(mv); j++)
			if (strcmp(migplan_view_source_table(mv, j), "orders") == 0)
				readers++;
	}
	is_int(readers, 2, "07: both MVs read orders after normalising `orders`");
	const migplan_view *daily = migplan_snapshot_mv_at(r, 1);
	is_str(migplan_view_name(daily), "orders_daily_mv", "07: second MV in file order");
	check_pos(migplan_view_node(daily), 23, 24, "07: MV node");
	check_pos(migplan_view_source_node(daily, 0), 34, 9, "07: MV source node");
	const migplan_table *orders = migplan_snapshot_table_find(r, NULL, "orders");
	check_pos(migplan_table_node(orders), 109, 21, "07: remote orders node");
	const migplan_snapshot *l = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	is_int(migplan_snapshot_mv_count(l), 1, "07: one local MV");
	ok(migplan_snapshot_table_find(l, NULL, "coupon_usage") == NULL, "07: coupon_usage gone");
	migplan_plan_free(p);
}

static void test_08(void)
{
	migplan_plan *p = load_fixture("08_rawsql_backfill");
	if (!p)
		return;
	check_kinds(p, "08", "AddTableColumn RawSql CreateTable CreateMaterializedView RawSql");
	const migplan_column *c = migplan_op_column(op(p, 0));
	ok(migplan_column_nullable(c), "08: status_v2 nullable");
	const char *ty = migplan_column_clickhouse_type(c);
	ok(ty && strncmp(ty, "Nullable(Enum", 13) == 0, "08: Nullable(Enum...) (%s)", ty ? ty : "");
	const migplan_op *raw = op(p, 1);
	is_int(migplan_op_sql_count(raw), 1, "08: one statement (double-quoted, indented list)");
	ok(strncmp(migplan_op_sql_at(raw, 0), "ALTER TABLE events UPDATE", 25) == 0, "08: statement");
	is_str(migplan_op_description(raw), "Backfill status_v2 from status", "08: description");
	ok(migplan_op_table_name(raw) == NULL, "08: RawSql has no table");
	const migplan_table *t = migplan_op_table(op(p, 2));
	is_str(migplan_table_engine(t), "SummingMergeTree", "08: engine from a tagged object");
	is_int(migplan_node_kind_of(migplan_table_engine_node(t)), MIGPLAN_NODE_MAP, "08: engine node");
	const migplan_op *mv = op(p, 3);
	is_str(migplan_op_table_name(mv), "daily_user_stats_mv", "08: MV name");
	is_str(migplan_op_target_table(mv), "daily_user_stats", "08: MV target");
	ok(migplan_op_target_database(mv) == NULL, "08: MV target database null");
	ok(migplan_op_select_sql(mv) != NULL, "08: MV select");
	is_int(migplan_op_sql_count(op(p, 4)), 1, "08: backfill statement (plain indentless list)");
	ok(strncmp(migplan_op_sql_at(op(p, 4), 0), "INSERT INTO `daily_user_stats`", 30) == 0,
	   "08: backfill text");
	migplan_plan_free(p);
}

static void test_09(void)
{
	migplan_plan *p = load_fixture("09_ordering_errors");
	if (!p)
		return;
	check_kinds(p, "09", "DropTable RawSql CreateTable AddTableColumn AddTableColumn "
	                     "CreateMaterializedView CreateTable");
	is_str(migplan_op_column_name(op(p, 3)), "country_code", "09: country_code first");
	is_str(migplan_op_position_after(op(p, 3)), "country", "09: after country");
	is_str(migplan_op_table_name(op(p, 6)), "country_counts", "09: target created last");
	migplan_plan_free(p);
	p = load_files("09_ordering_errors", "plan.generated.yaml");
	if (!p)
		return;
	check_kinds(p, "09 generated", "DropTable CreateTable AddTableColumn AddTableColumn "
	                               "CreateTable CreateMaterializedView");
	migplan_plan_free(p);
}

static void test_10(void)
{
	migplan_plan *p = load_fixture("10_schema_gaps");
	if (!p)
		return;
	check_kinds(p, "10", "ModifyTableTtl ModifyTableSettings CreateTable");
	is_str(migplan_op_expression(op(p, 0)), "ts + INTERVAL 60 DAY", "10: TTL after");
	is_str(migplan_op_before_expression(op(p, 0)), "ts + INTERVAL 30 DAY", "10: TTL before");
	is_int(migplan_node_count(migplan_op_field(op(p, 1), "after_settings")), 5, "10: after_settings");
	is_int(migplan_node_count(migplan_op_field(op(p, 1), "before_settings")), 4, "10: before_settings");
	const migplan_table *t = migplan_op_table(op(p, 2));
	is_str(migplan_table_name(t), "telemetry", "10: telemetry");
	is_int(migplan_table_order_by_count(t), 0, "10: order_by is a string");
	is_str(migplan_table_order_by_expression(t), "(device_id, toStartOfHour(ts))",
	       "10: order_by expression as written");
	is_str(migplan_table_ttl(t), "ts + INTERVAL 90 DAY", "10: table TTL");
	is_str(migplan_table_partition_by(t), "toYYYYMMDD(ts)", "10: partition_by");
	is_int(migplan_table_index_count(t), 1, "10: one index in the table");
	const migplan_index *ix = migplan_table_index_at(t, 0);
	is_str(migplan_index_name(ix), "idx_ip4", "10: index name");
	is_str(migplan_index_type(ix), "set", "10: index type");
	is_str(migplan_index_argument_at(ix, 0), "100", "10: index argument");
	check_type(migplan_table_column_find(t, "device_id"), "FixedString(16)", "10");
	check_type(migplan_table_column_find(t, "ts"), "DateTime64(6)", "10");
	check_type(migplan_table_column_find(t, "ts_hour"), "DateTime('UTC')", "10");
	is_str(migplan_column_materialized(migplan_table_column_find(t, "ts_hour")), "toStartOfHour(ts)",
	       "10: materialized");
	check_type(migplan_table_column_find(t, "payload"), "JSON", "10");
	const char *ctx = migplan_column_clickhouse_type(migplan_table_column_find(t, "ctx"));
	ok(ctx && strncmp(ctx, "JSON(", 5) == 0 && strstr(ctx, "max_dynamic_paths=256") &&
	   strstr(ctx, "user.id") && strstr(ctx, "Int64") && strstr(ctx, "SKIP debug"),
	   "10: JSON with options (%s)", ctx ? ctx : "(null)");
	check_type(migplan_table_column_find(t, "location"), "Point", "10");
	check_type(migplan_table_column_find(t, "area"), "Polygon", "10");
	check_type(migplan_table_column_find(t, "ip4"), "IPv4", "10");
	check_type(migplan_table_column_find(t, "ip6"), "Nullable(IPv6)", "10");
	check_type(migplan_table_column_find(t, "severity"),
	           "Enum8('DEBUG' = -1, 'INFO' = 0, 'WARN' = 1, 'ERROR' = 2)", "10");
	check_type(migplan_table_column_find(t, "http_code"),
	           "Enum16('OK' = 200, 'NOT_FOUND' = 404, 'SERVER_ERROR' = 500)", "10");
	const migplan_column *note = migplan_table_column_find(t, "note");
	check_type(note, "Nullable(String)", "10");
	is_str(migplan_column_codec(note), "ZSTD(3)", "10: codec");
	is_str(migplan_column_ttl(note), "ts + INTERVAL 30 DAY", "10: column TTL");
	const migplan_column *tag = migplan_table_column_find(t, "tag");
	check_type(tag, "LowCardinality(Nullable(String))", "10");
	is_str(migplan_column_moose_clickhouse_type(tag), "Nullable(LowCardinality(String))",
	       "10: Moose renders tag as Nullable(LowCardinality(String))");
	ok(migplan_column_chtype(tag) != NULL, "10: tag has a type tree");
	is_int(migplan_chtype_kind_of(migplan_column_chtype(tag)), MIGPLAN_CHTYPE_LOW_CARDINALITY,
	       "10: tag's tree is LowCardinality at the top");
	check_type(migplan_table_column_find(t, "max_latency"), "SimpleAggregateFunction(max, Float64)",
	           "10");
	check_pos(migplan_column_node(migplan_table_column_find(t, "tag")), 153, 9, "10: tag column");
	check_pos(migplan_column_node(migplan_table_column_find(t, "max_latency")), 162, 9,
	          "10: max_latency column");
	const migplan_snapshot *l = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	const migplan_table *lt = migplan_snapshot_table_find(l, NULL, "telemetry");
	is_str(migplan_table_order_by_expression(lt), "(device_id, toStartOfHour(ts))",
	       "10: local snapshot order_by string");
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- the rest of the API */

static const char small_plan[] =
	"created_at: 2026-01-01T00:00:00Z\n"
	"operations:\n"
	"- DropTable: {table: old, database: analytics}\n"
	"- RawSql: {sql: [SELECT 1, SELECT 2], description: two}\n"
	"tail that is not part of the buffer";

static void test_buffer(void)
{
	migplan_plan *p = NULL;
	size_t len = strlen(small_plan) - strlen("tail that is not part of the buffer");
	migplan_status st = migplan_plan_load_buffer(&p, small_plan, len, NULL, NULL);
	ok(st == MIGPLAN_OK, "buffer: loads without a NUL terminator (%s)",
	   migplan_error_message(migplan_error_last()));
	if (!p)
		return;
	is_str(migplan_plan_path(p), "<buffer>", "buffer: default name");
	check_kinds(p, "buffer", "DropTable RawSql");
	is_str(migplan_op_database(op(p, 0)), "analytics", "buffer: database as written");
	is_int(migplan_op_sql_count(op(p, 1)), 2, "buffer: two statements");
	is_str(migplan_op_sql_at(op(p, 1), 1), "SELECT 2", "buffer: statement 2");
	ok(migplan_op_sql_at(op(p, 1), 2) == NULL, "buffer: statement out of range");
	ok(migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE) == NULL, "buffer: no snapshot");
	is_str(migplan_plan_default_database(p), "local", "buffer: default database local");
	is_str(migplan_node_path(migplan_op_node(op(p, 0))), "<buffer>", "buffer: node path");
	check_pos(migplan_op_node(op(p, 1)), 4, 3, "buffer: op 1");
	ok(migplan_plan_root(p) != NULL, "buffer: root");
	ok(migplan_plan_op_at(p, 2) == NULL, "buffer: op out of range");
	is_int(migplan_op_index(op(p, 1)), 1, "buffer: op index");
	migplan_plan_free(p);

	st = migplan_plan_load_buffer(&p, small_plan, len, "my/plan.yaml", NULL);
	is_str(migplan_plan_path(p), "my/plan.yaml", "buffer: given name");
	migplan_plan_free(p);
}

static const char snap_json[] =
	"{\"default_database\": \"analytics\", \"tables\": {\n"
	" \"k1\": {\"name\": \"orders\", \"columns\": [], \"order_by\": [], "
	"\"source_primitive\": {\"name\": \"orders\", \"primitive_type\": \"DataModel\"}},\n"
	" \"k2\": {\"name\": \"orders\", \"database\": \"other\", \"columns\": [], \"order_by\": \"tuple()\", "
	"\"source_primitive\": {\"name\": \"orders\", \"primitive_type\": \"DataModel\"}, "
	"\"life_cycle\": \"DELETION_PROTECTED\", \"engine\": {\"ReplacingMergeTree\": {\"ver\": null}}}},\n"
	" \"materialized_views\": {\"mv\": {\"name\": \"mv\", \"selectSql\": \"SELECT 1\", "
	"\"targetTable\": \"t\", \"targetDatabase\": \"tdb\", \"lifeCycle\": \"EXTERNALLY_MANAGED\", "
	"\"sourceTables\": [\"`db`.`orders`\", \"plain\", \"x.y\", \"`a.b`.`c`\", \"`orders`\", "
	"\"`we``ird`.`t``1`\", \"`back\\\\`tick.x`\"]}}}";

static void test_snapshots(void)
{
	migplan_snapshot *s = NULL;
	migplan_status st = migplan_snapshot_load_buffer(&s, snap_json, strlen(snap_json), "s.json", NULL);
	ok(st == MIGPLAN_OK, "snapshot buffer loads (%s)", migplan_error_message(migplan_error_last()));
	if (!s)
		return;
	is_str(migplan_snapshot_path(s), "s.json", "snapshot: name");
	is_str(migplan_snapshot_default_database(s), "analytics", "snapshot: default_database");
	is_int(migplan_snapshot_table_count(s), 2, "snapshot: two tables");
	const migplan_table *a = migplan_snapshot_table_find(s, NULL, "orders");
	const migplan_table *b = migplan_snapshot_table_find(s, "other", "orders");
	ok(a && a == migplan_snapshot_table_at(s, 0), "snapshot: (default, orders)");
	ok(a == migplan_snapshot_table_find(s, "analytics", "orders"), "snapshot: (analytics, orders)");
	ok(b && b == migplan_snapshot_table_at(s, 1), "snapshot: (other, orders)");
	is_str(migplan_table_order_by_expression(a), "tuple()", "snapshot: [] renders as tuple()");
	is_str(migplan_table_order_by_expression(b), "tuple()", "snapshot: string tuple()");
	is_int(migplan_table_life_cycle(b), MIGPLAN_LIFE_CYCLE_DELETION_PROTECTED, "snapshot: life cycle");
	is_str(migplan_table_engine(b), "ReplacingMergeTree", "snapshot: tagged engine");
	is_str(migplan_table_engine(a), "MergeTree", "snapshot: absent engine is MergeTree");
	ok(migplan_table_engine_node(a) == NULL, "snapshot: absent engine node");
	ok(migplan_snapshot_table_find(s, "local", "orders") == NULL, "snapshot: not in local");
	const migplan_view *mv = migplan_snapshot_mv_at(s, 0);
	is_int(migplan_view_life_cycle(mv), MIGPLAN_LIFE_CYCLE_EXTERNALLY_MANAGED, "snapshot: MV life cycle");
	is_str(migplan_view_target_database(mv), "tdb", "snapshot: targetDatabase");
	is_int(migplan_view_source_count(mv), 7, "snapshot: seven sources");
	/* quoted names keep what ClickHouse's quoting escapes: a doubled backtick, a backslash escape */
	static const char *const want[][2] = {
		{"db", "orders"}, {NULL, "plain"}, {"x", "y"}, {"a.b", "c"}, {NULL, "orders"},
		{"we`ird", "t`1"}, {NULL, "back`tick.x"}};
	for (size_t i = 0; i < 7; i++) {
		is_str(migplan_view_source_database(mv, i), want[i][0], "snapshot: source %zu database", i);
		is_str(migplan_view_source_table(mv, i), want[i][1], "snapshot: source %zu table", i);
	}
	ok(migplan_view_source_table(mv, 7) == NULL, "snapshot: source out of range");
	ok(migplan_snapshot_mv_at(s, 1) == NULL && migplan_snapshot_view_count(s) == 0,
	   "snapshot: no more views");

	/* attach: borrowed snapshots replace owned ones */
	migplan_plan *p = load_fixture("01_additive");
	if (p) {
		ok(migplan_plan_attach_snapshots(p, s, NULL) == MIGPLAN_OK, "attach: ok");
		ok(migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE) == s, "attach: remote is ours");
		ok(migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL) == NULL, "attach: local detached");
		is_str(migplan_plan_default_database(p), "analytics", "attach: default db from remote");
		ok(migplan_plan_attach_snapshots(p, NULL, s) == MIGPLAN_OK, "attach: as local");
		is_str(migplan_plan_default_database(p), "analytics", "attach: default db from local");
		ok(migplan_plan_attach_snapshots(p, NULL, NULL) == MIGPLAN_OK, "attach: none");
		is_str(migplan_plan_default_database(p), "local", "attach: default db local");
		migplan_plan_free(p);
	}
	ok(migplan_plan_attach_snapshots(NULL, s, s) == MIGPLAN_EINVAL, "attach: NULL plan");
	/* a snapshot the plan owns, given back, stays valid */
	p = load_fixture("01_additive");
	if (p) {
		const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
		ok(migplan_plan_attach_snapshots(p, r, s) == MIGPLAN_OK, "attach: keep own remote");
		ok(migplan_snapshot_table_find(migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE), NULL,
		                               "events") != NULL, "attach: own remote still usable");
		migplan_plan_free(p);
	}
	migplan_snapshot_free(s);

	s = NULL;
	st = migplan_snapshot_load_file(&s, fixture_path("07_mv_reads_altered_table",
	                                                 "local_infra_map.json"), NULL);
	ok(st == MIGPLAN_OK && s, "snapshot: load_file");
	is_str(migplan_snapshot_default_database(s), "local", "snapshot file: default_database");
	ok(migplan_snapshot_root(s) != NULL, "snapshot file: root");
	migplan_snapshot_free(s);
}

static void test_options(void)
{
	migplan_parse_options o = MIGPLAN_PARSE_OPTIONS_INIT;
	migplan_plan *p = (migplan_plan *)&o; /* anything non-NULL: must come back NULL */
	migplan_snapshot *s = (migplan_snapshot *)&o;
	o.version = 99;
	is_int(migplan_plan_load_buffer(&p, small_plan, 10, NULL, &o), MIGPLAN_EVERSION,
	       "options: version 99 refused by load_buffer");
	ok(p == NULL, "options: *out NULL on failure");
	p = (migplan_plan *)&o;
	is_int(migplan_plan_load_dir(&p, fixture_path("01_additive", NULL), &o), MIGPLAN_EVERSION,
	       "options: version 99 refused by load_dir");
	ok(p == NULL, "options: *out NULL on failure (dir)");
	is_int(migplan_plan_load_files(&p, fixture_path("01_additive", "plan.yaml"), NULL, NULL, &o),
	       MIGPLAN_EVERSION, "options: load_files");
	is_int(migplan_snapshot_load_buffer(&s, "{}", 2, NULL, &o), MIGPLAN_EVERSION,
	       "options: snapshot_load_buffer");
	ok(s == NULL, "options: snapshot *out NULL on failure");
	is_int(migplan_snapshot_load_file(&s, fixture_path("01_additive", "remote_state.json"), &o),
	       MIGPLAN_EVERSION, "options: snapshot_load_file");
	o.version = 0;
	is_int(migplan_plan_load_buffer(&p, small_plan, 10, NULL, &o), MIGPLAN_EVERSION,
	       "options: version 0 refused");
	is_str(migplan_error_message(migplan_error_last()), "invalid version 0 on migplan_parse_options",
	       "options: message");

	ok(migplan_parse_options_init(&o, MIGPLAN_PARSE_OPTIONS_VERSION) == MIGPLAN_OK, "options: init");
	o.max_ops = 2;
	is_int(migplan_plan_load_dir(&p, fixture_path("01_additive", NULL), &o), MIGPLAN_ELIMIT,
	       "options: max_ops 2 on a plan of 4");
	is_int(migplan_error_line(migplan_error_last()), 34, "options: ELIMIT at the third operation");
	o.max_ops = 4;
	ok(migplan_plan_load_dir(&p, fixture_path("01_additive", NULL), &o) == MIGPLAN_OK,
	   "options: max_ops 4 on a plan of 4");
	migplan_plan_free(p);

	is_int(migplan_plan_load_buffer(NULL, small_plan, 10, NULL, NULL), MIGPLAN_EINVAL, "NULL out");
	is_int(migplan_plan_load_buffer(&p, NULL, 10, NULL, NULL), MIGPLAN_EINVAL, "NULL data");
	is_int(migplan_plan_load_dir(&p, NULL, NULL), MIGPLAN_EINVAL, "NULL dir");
	is_int(migplan_plan_load_files(&p, NULL, NULL, NULL, NULL), MIGPLAN_EINVAL, "NULL plan path");
	is_int(migplan_snapshot_load_file(&s, NULL, NULL), MIGPLAN_EINVAL, "NULL snapshot path");
	is_int(migplan_plan_load_files(&p, fixture_path("01_additive", "plan.yaml"),
	                               fixture_path("01_additive", "missing.json"), NULL, NULL),
	       MIGPLAN_EIO, "load_files: a missing snapshot given explicitly is EIO");
	ok(p == NULL, "load_files: nothing on failure");
}

static void test_column_parse(void)
{
	char *s = NULL;
	static const struct { const char *in, *out; } cases[] = {
		{"{name: d, data_type: Date, required: false}", "Nullable(Date32)"},
		{"{\"name\": \"a\", \"data_type\": \"Int64\", \"required\": true, \"annotations\": []}", "Int64"},
		{"{name: t, data_type: String, required: false, annotations: [[LowCardinality, true]]}",
		 "LowCardinality(Nullable(String))"},
		{"name: x\ndata_type: {nullable: Float64}\nrequired: false\n", "Nullable(Float64)"},
		{"{name: a, data_type: {elementType: Int32, elementNullable: true}, required: true}",
		 "Array(Nullable(Int32))"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		migplan_status st = migplan_moose_column_to_clickhouse(cases[i].in, strlen(cases[i].in), &s);
		ok(st == MIGPLAN_OK, "column %zu maps (%s)", i, migplan_error_message(migplan_error_last()));
		is_str(s, cases[i].out, "column %zu: the expected ClickHouse type", i);
		migplan_free(s);
		s = NULL;
	}
	const char *big = "{name: b, data_type: BigInt, required: true}";
	is_int(migplan_moose_column_to_clickhouse(big, strlen(big), &s), MIGPLAN_EUNSUPPORTED,
	       "column: BigInt is EUNSUPPORTED");
	ok(s == NULL, "column: no output on failure");
	is_int(migplan_moose_column_to_clickhouse("[1, 2]", 6, &s), MIGPLAN_ESCHEMA,
	       "column: a sequence is not a column");
	is_int(migplan_moose_column_to_clickhouse("{name: a}", 9, &s), MIGPLAN_ESCHEMA,
	       "column: data_type missing");
	is_int(migplan_moose_column_to_clickhouse("{name: a", 8, &s), MIGPLAN_EPARSE,
	       "column: broken YAML");
	is_int(migplan_moose_column_to_clickhouse("", 0, &s), MIGPLAN_ESCHEMA, "column: empty");
	is_int(migplan_moose_column_to_clickhouse("{}", 2, NULL), MIGPLAN_EINVAL, "column: NULL out");

	migplan_column *c = NULL;
	const char *text = "{name: q, data_type: String, required: false, default: \"'x'\", "
	                   "annotations: [[LowCardinality, true]], comment: hi}";
	ok(migplan_column_parse(&c, text, strlen(text)) == MIGPLAN_OK, "column_parse: ok");
	is_str(migplan_column_name(c), "q", "column_parse: name");
	is_str(migplan_column_default(c), "'x'", "column_parse: default");
	is_str(migplan_column_comment(c), "hi", "column_parse: comment");
	ok(migplan_column_nullable(c) && migplan_column_low_cardinality(c), "column_parse: flags");
	is_str(migplan_column_moose_clickhouse_type(c), "Nullable(LowCardinality(String))",
	       "column_parse: Moose rendering");
	migplan_column_free(c);
	c = NULL;
	ok(migplan_column_parse(&c, big, strlen(big)) == MIGPLAN_OK && migplan_column_chtype(c) == NULL,
	   "column_parse: BigInt loads without a type");
	ok(migplan_error_code(migplan_error_last()) == MIGPLAN_OK, "column_parse: error cleared");
	migplan_column_free(c);
	migplan_column_free(NULL);
}

static void test_kind_names(void)
{
	for (int k = 1; k <= 19; k++) {
		const char *n = migplan_op_kind_name((migplan_op_kind)k);
		ok(n && migplan_op_kind_from_name(n) == (migplan_op_kind)k, "kind %d is %s", k, n ? n : "?");
	}
	ok(migplan_op_kind_name((migplan_op_kind)0) == NULL, "kind 0 has no name");
	ok(migplan_op_kind_name((migplan_op_kind)20) == NULL, "kind 20 has no name");
	ok(migplan_op_kind_from_name("DeleteTableColumn") == 0, "DeleteTableColumn is no kind");
	ok(migplan_op_kind_from_name(NULL) == 0, "NULL name");
}

static void test_null_safety(void)
{
	ok(!migplan_plan_path(NULL) && !migplan_plan_created_at(NULL) && !migplan_plan_root(NULL) &&
	   !migplan_plan_snapshot(NULL, MIGPLAN_SNAPSHOT_REMOTE) && !migplan_plan_op_count(NULL) &&
	   !migplan_plan_op_at(NULL, 0), "NULL plan");
	is_str(migplan_plan_default_database(NULL), "local", "NULL plan: default database");
	ok(!migplan_op_kind_of(NULL) && !migplan_op_index(NULL) && !migplan_op_node(NULL) &&
	   !migplan_op_body(NULL) && !migplan_op_field(NULL, "table") && !migplan_op_table_name(NULL) &&
	   !migplan_op_database(NULL) && !migplan_op_cluster_name(NULL) && !migplan_op_table(NULL) &&
	   !migplan_op_column(NULL) && !migplan_op_before_column(NULL) &&
	   !migplan_op_column_name(NULL) && !migplan_op_new_column_name(NULL) &&
	   !migplan_op_position_after(NULL) && !migplan_op_index_def(NULL) &&
	   !migplan_op_object_name(NULL) && !migplan_op_projection_body(NULL) &&
	   !migplan_op_expression(NULL) && !migplan_op_before_expression(NULL) &&
	   !migplan_op_select_sql(NULL) && !migplan_op_target_table(NULL) &&
	   !migplan_op_target_database(NULL) && !migplan_op_sql_count(NULL) &&
	   !migplan_op_sql_at(NULL, 0) && !migplan_op_description(NULL), "NULL op");
	ok(!migplan_snapshot_path(NULL) && !migplan_snapshot_default_database(NULL) &&
	   !migplan_snapshot_moose_version(NULL) && !migplan_snapshot_root(NULL) &&
	   !migplan_snapshot_table_count(NULL) && !migplan_snapshot_table_at(NULL, 0) &&
	   !migplan_snapshot_table_find(NULL, NULL, "x") && !migplan_snapshot_mv_count(NULL) &&
	   !migplan_snapshot_mv_at(NULL, 0) && !migplan_snapshot_view_count(NULL) &&
	   !migplan_snapshot_view_at(NULL, 0), "NULL snapshot");
	ok(!migplan_table_node(NULL) && !migplan_table_name(NULL) && !migplan_table_database(NULL) &&
	   !migplan_table_source_name(NULL) && !migplan_table_version(NULL) &&
	   !migplan_table_cluster_name(NULL) && !migplan_table_life_cycle(NULL) &&
	   !migplan_table_engine(NULL) && !migplan_table_engine_node(NULL) &&
	   !migplan_table_order_by_count(NULL) && !migplan_table_order_by_at(NULL, 0) &&
	   !migplan_table_order_by_expression(NULL) && !migplan_table_partition_by(NULL) &&
	   !migplan_table_primary_key_expression(NULL) && !migplan_table_sample_by(NULL) &&
	   !migplan_table_ttl(NULL) && !migplan_table_settings(NULL) &&
	   !migplan_table_column_count(NULL) && !migplan_table_column_at(NULL, 0) &&
	   !migplan_table_column_find(NULL, "a") && !migplan_table_index_count(NULL) &&
	   !migplan_table_index_at(NULL, 0) && !migplan_table_projection_count(NULL) &&
	   !migplan_table_projection_name(NULL, 0) && !migplan_table_projection_body(NULL, 0),
	   "NULL table");
	ok(!migplan_column_node(NULL) && !migplan_column_name(NULL) && !migplan_column_data_type(NULL) &&
	   !migplan_column_nullable(NULL) && !migplan_column_primary_key(NULL) &&
	   !migplan_column_low_cardinality(NULL) && !migplan_column_default(NULL) &&
	   !migplan_column_materialized(NULL) && !migplan_column_alias(NULL) &&
	   !migplan_column_codec(NULL) && !migplan_column_comment(NULL) && !migplan_column_ttl(NULL) &&
	   !migplan_column_annotations(NULL) && !migplan_column_chtype(NULL) &&
	   !migplan_column_clickhouse_type(NULL) && !migplan_column_moose_clickhouse_type(NULL),
	   "NULL column");
	ok(!migplan_index_node(NULL) && !migplan_index_name(NULL) && !migplan_index_expression(NULL) &&
	   !migplan_index_type(NULL) && !migplan_index_argument_count(NULL) &&
	   !migplan_index_argument_at(NULL, 0) && !migplan_index_granularity(NULL), "NULL index");
	ok(!migplan_view_node(NULL) && !migplan_view_kind_of(NULL) && !migplan_view_name(NULL) &&
	   !migplan_view_database(NULL) && !migplan_view_select_sql(NULL) &&
	   !migplan_view_life_cycle(NULL) && !migplan_view_source_count(NULL) &&
	   !migplan_view_source_database(NULL, 0) && !migplan_view_source_table(NULL, 0) &&
	   !migplan_view_source_node(NULL, 0) && !migplan_view_target_table(NULL) &&
	   !migplan_view_target_database(NULL), "NULL view");
	migplan_plan_free(NULL);
	migplan_snapshot_free(NULL);
	ok(1, "frees accept NULL");
}

/* ---------------------------------------------------------------- hand-written plans */

static migplan_plan *load_valid(const char *name)
{
	char dir[1024];
	const char *data = getenv("MIGPLAN_TEST_DATA");
	snprintf(dir, sizeof(dir), "%s/valid/%s", data ? data : "tests/data", name);
	migplan_plan *p = NULL;
	if (!ok(migplan_plan_load_dir(&p, dir, NULL) == MIGPLAN_OK, "valid/%s loads (%s)", name,
	        migplan_error_message(migplan_error_last())))
		return NULL;
	return p;
}

static void test_quoting(void)
{
	migplan_plan *p = load_valid("quoted_styles");
	if (!p)
		return;
	const migplan_op *raw = op(p, 0);
	is_str(migplan_op_description(raw), "double \"quoted\" \xc3\xa9", "quoting: double quotes, escapes");
	is_int(migplan_op_sql_count(raw), 4, "quoting: four statements");
	is_str(migplan_op_sql_at(raw, 0), "single 'quoted'", "quoting: single quotes");
	is_str(migplan_op_sql_at(raw, 1), "SELECT a,\n       b\nFROM t", "quoting: literal block");
	is_str(migplan_op_sql_at(raw, 2), "folded lines", "quoting: folded block");
	is_str(migplan_op_table_name(op(p, 1)), "`weird name`", "quoting: backticks kept in names");
	is_str(migplan_op_database(op(p, 1)), "analytics", "quoting: database");
	migplan_plan_free(p);

	p = load_valid("utf8_bom");
	if (p) {
		is_str(migplan_op_table_name(op(p, 0)), "\xc3\xa9v\xc3\xa9nements", "bom: UTF-8 name");
		check_pos(migplan_op_node(op(p, 0)), 3, 3, "bom: op 0");
		check_pos(migplan_op_field(op(p, 0), "table"), 4, 12, "bom: table value");
		migplan_plan_free(p);
	}
	p = load_valid("crlf_line_endings");
	if (p) {
		check_pos(migplan_op_field(op(p, 0), "table"), 4, 12, "crlf: table value");
		migplan_plan_free(p);
	}
	p = load_valid("anchors_and_aliases");
	if (p) {
		is_str(migplan_column_name(migplan_op_column(op(p, 0))), "a", "alias: after_column");
		is_str(migplan_column_name(migplan_op_before_column(op(p, 0))), "a", "alias: before_column");
		migplan_plan_free(p);
	}
	p = load_valid("other_key_order");
	if (p) {
		const migplan_table *t = migplan_op_table(op(p, 0));
		is_str(migplan_table_version(t), "1.0", "key order: version");
		is_int(migplan_table_life_cycle(t), MIGPLAN_LIFE_CYCLE_DELETION_PROTECTED, "key order: life cycle");
		is_str(migplan_table_engine(t), "ReplacingMergeTree", "key order: engine");
		is_str(migplan_table_order_by_expression(t), "(ts, id)", "key order: order_by string");
		is_str(migplan_table_source_name(t), "events", "key order: source name");
		check_type(migplan_table_column_at(t, 1), "DateTime64(3)", "key order");
		migplan_plan_free(p);
	}
}

static void test_all_variants(void)
{
	migplan_plan *p = load_valid("all_19_variants");
	if (!p)
		return;
	const migplan_table *t = migplan_op_table(op(p, 0));
	is_str(migplan_op_database(op(p, 0)), "analytics", "variants: CreateTable database");
	is_str(migplan_op_cluster_name(op(p, 0)), "c1", "variants: CreateTable cluster");
	is_str(migplan_table_primary_key_expression(t), "(a)", "variants: primary_key_expression");
	is_str(migplan_table_sample_by(t), "a", "variants: sample_by");
	is_str(migplan_table_ttl(t), "ts + INTERVAL 1 DAY", "variants: table TTL");
	is_int(migplan_table_projection_count(t), 1, "variants: one projection");
	is_str(migplan_table_projection_name(t, 0), "p1", "variants: projection name");
	is_str(migplan_table_projection_body(t, 0), "SELECT a ORDER BY a", "variants: projection body");
	ok(migplan_table_projection_name(t, 1) == NULL, "variants: projection out of range");
	is_str(migplan_column_codec(migplan_op_column(op(p, 4))), "ZSTD(1)", "variants: codec");
	is_str(migplan_op_new_column_name(op(p, 5)), "a2", "variants: rename target");
	is_str(migplan_op_expression(op(p, 7)), "ts + INTERVAL 2 DAY", "variants: TTL after");
	ok(migplan_op_before_expression(op(p, 7)) == NULL, "variants: TTL before null");
	is_str(migplan_index_type(migplan_op_index_def(op(p, 8))), "bloom_filter",
	       "variants: index_type accepted");
	is_str(migplan_op_object_name(op(p, 9)), "i1", "variants: DropTableIndex");
	is_str(migplan_op_object_name(op(p, 10)), "p2", "variants: AddTableProjection name");
	is_str(migplan_op_projection_body(op(p, 10)), "SELECT a ORDER BY a", "variants: projection body");
	is_str(migplan_op_object_name(op(p, 11)), "p2", "variants: DropTableProjection");
	is_str(migplan_op_expression(op(p, 12)), "a", "variants: ModifySampleBy");
	is_str(migplan_op_table_name(op(p, 13)), "t1", "variants: RemoveSampleBy");
	is_str(migplan_op_target_database(op(p, 14)), "other", "variants: MV target database");
	is_str(migplan_op_database(op(p, 14)), "analytics", "variants: MV database");
	is_str(migplan_op_table_name(op(p, 15)), "mv", "variants: DropMaterializedView");
	is_str(migplan_op_select_sql(op(p, 16)), "SELECT 1", "variants: CreateView");
	is_str(migplan_op_table_name(op(p, 17)), "v", "variants: DropView");
	is_int(migplan_op_sql_count(op(p, 18)), 0, "variants: RawSql with no statement");
	migplan_plan_free(p);
}

static void test_valid_snapshot(void)
{
	migplan_plan *p = load_valid("snapshot_minimal");
	if (!p)
		return;
	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	is_str(migplan_plan_default_database(p), "analytics", "minimal: default database from remote");
	const migplan_table *t = migplan_snapshot_table_find(r, NULL, "t");
	ok(t && t == migplan_snapshot_table_find(r, "analytics", "t"), "minimal: t in analytics");
	is_str(migplan_table_engine(t), "AggregatingMergeTree", "minimal: engine string");
	const migplan_column *big = migplan_table_column_find(t, "big");
	ok(big && !migplan_column_chtype(big) && !migplan_column_clickhouse_type(big) &&
	   !migplan_column_moose_clickhouse_type(big), "minimal: BigInt has no ClickHouse type");
	check_type(migplan_table_column_find(t, "s"), "AggregateFunction(sum, Int64)", "minimal");
	const migplan_view *mv = migplan_snapshot_mv_at(r, 0);
	is_str(migplan_view_database(mv), "analytics", "minimal: MV database");
	is_str(migplan_view_source_database(mv, 0), "analytics", "minimal: `analytics`.`t`");
	is_str(migplan_view_source_table(mv, 0), "t", "minimal: source table");
	ok(migplan_view_source_database(mv, 1) == NULL, "minimal: plain t");
	is_str(migplan_view_source_database(mv, 2), "other", "minimal: other.t");
	ok(migplan_view_target_database(mv) == NULL, "minimal: targetDatabase absent");
	is_int(migplan_snapshot_view_count(r), 1, "minimal: one view");
	is_str(migplan_view_source_table(migplan_snapshot_view_at(r, 0), 0), "t", "minimal: view source");
	ok(migplan_view_target_table(migplan_snapshot_view_at(r, 0)) == NULL, "minimal: a view has no target");
	is_int(migplan_snapshot_table_count(migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL)), 0,
	       "minimal: empty local tables");
	migplan_plan_free(p);

	p = load_valid("bigint_and_aggregate");
	if (p) {
		ok(migplan_column_chtype(migplan_op_column(op(p, 0))) == NULL, "plan: BigInt has no type");
		check_type(migplan_op_column(op(p, 1)), "AggregateFunction(sum, Int64)", "plan");
		migplan_plan_free(p);
	}
}

/* ---------------------------------------------------------------- a generated large plan */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[1200];
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static void check_large(const char *dir)
{
	migplan_plan *p = NULL;
	if (!ok(migplan_plan_load_dir(&p, dir, NULL) == MIGPLAN_OK, "large: loads")) {
		diag("%s", migplan_error_message(migplan_error_last()));
		return;
	}
	is_int(migplan_plan_op_count(p), 2000, "large: 2000 operations");
	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_snapshot *l = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	ok(migplan_snapshot_table_count(r) >= 400, "large: %zu remote tables",
	   migplan_snapshot_table_count(r));
	size_t found = 0, n = migplan_snapshot_table_count(r);
	for (size_t i = 0; i < n; i++) {
		const migplan_table *t = migplan_snapshot_table_at(r, i);
		found += migplan_snapshot_table_find(r, migplan_table_database(t), migplan_table_name(t)) == t;
	}
	is_int(found, n, "large: every remote table found by (database, name)");
	/* every ALTER names a table that exists before (remote) or after (local) */
	size_t alters = 0, resolved = 0;
	for (size_t i = 0; i < migplan_plan_op_count(p); i++) {
		const migplan_op *o = op(p, i);
		migplan_op_kind k = migplan_op_kind_of(o);
		if (k == MIGPLAN_OP_CREATE_TABLE || k >= MIGPLAN_OP_CREATE_MATERIALIZED_VIEW)
			continue;
		alters++;
		const char *db = migplan_op_database(o), *name = migplan_op_table_name(o);
		resolved += migplan_snapshot_table_find(r, db, name) || migplan_snapshot_table_find(l, db, name);
	}
	ok(alters > 0, "large: %zu table operations", alters);
	is_int(resolved, alters, "large: every table operation resolves in a snapshot");
	migplan_plan_free(p);
}

static void test_large(void)
{
	char dir[] = "/tmp/migplan-large-XXXXXX";
	if (access("/usr/bin/python3", X_OK) != 0 ||
	    system("/usr/bin/python3 -c 'import yaml' >/dev/null 2>&1") != 0) {
		printf("ok %d - large plan # SKIP python3 or PyYAML missing\n", ++tap_count);
		return;
	}
	if (!mkdtemp(dir)) {
		ok(0, "large: mkdtemp");
		return;
	}
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 '%s/gen_large.py' --ops 2000 --tables 400 --out '%s' "
	         ">/dev/null 2>&1", fixtures, dir);
	if (ok(system(cmd) == 0, "large: gen_large.py ran"))
		check_large(dir);
	remove_dir(dir);
}

int main(void)
{
	fixtures = getenv("MIGPLAN_FIXTURES");
	if (!fixtures)
		fixtures = "../shared/moose/fixtures";
	test_01();
	test_02();
	test_03();
	test_04();
	test_05();
	test_06();
	test_07();
	test_08();
	test_09();
	test_10();
	test_buffer();
	test_snapshots();
	test_options();
	test_column_parse();
	test_kind_names();
	test_null_safety();
	test_quoting();
	test_all_variants();
	test_valid_snapshot();
	test_large();
	return done_testing();
}
