/* Rehearsals on the embedded ClickHouse engine (issue 11), through the public API only.
 *
 * One process, one engine: every rehearsal runs in it (migplan_rehearse_options::engine), on
 * the shared Moose fixtures and on the hand-written cases of tests/data/rehearse. Counts that
 * the rehearsal reports are checked against queries over the generated data itself (the
 * baseline copies kept with MIGPLAN_REHEARSE_KEEP_DATABASES), not against numbers written
 * down here, so they hold for any seed.
 *
 *   rehearse-test              run everything (TAP on stdout)
 *
 * Exit 77 (skip) when libchdb.so cannot be found (MIGPLAN_CHDB_LIB, or scripts/setup.sh), with
 * the library's message saying where it looked and how to install it. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan.h"
#include "migplan/analyze.h"
#include "migplan/rehearse.h"
#include "migplan/rewrite.h"

#include "../tap.h"

#define ROWS 300
#define SEED 20260410

static migplan_chdb *eng;
static const char *fixtures;
static const char *data;

/* ---------------------------------------------------------------- helpers */

static const char *last_error(void)
{
	return migplan_error_message(migplan_error_last());
}

static migplan_plan *load(const char *root, const char *dir, const char *plan_file)
{
	char p[1024], r[1024], l[1024];
	migplan_plan *plan = NULL;
	snprintf(p, sizeof(p), "%s/%s/%s", root, dir, plan_file ? plan_file : "plan.yaml");
	snprintf(r, sizeof(r), "%s/%s/remote_state.json", root, dir);
	snprintf(l, sizeof(l), "%s/%s/local_infra_map.json", root, dir);
	if (migplan_plan_load_files(&plan, p, r, l, NULL) != MIGPLAN_OK) {
		diag("cannot load %s: %s", p, last_error());
		return NULL;
	}
	return plan;
}

static migplan_rehearsal *rehearse(migplan_plan *plan, uint32_t flags)
{
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_rehearsal *r = NULL;
	o.engine = eng;
	o.rows = ROWS;
	o.seed = SEED;
	o.flags = flags;
	if (!plan || migplan_rehearse(&r, plan, &o) != MIGPLAN_OK) {
		diag("rehearsal failed: %s", last_error());
		return NULL;
	}
	return r;
}

/* One unsigned number from a query on the engine. */
static uint64_t query_u64(const char *sql)
{
	char *out = NULL;
	uint64_t v;
	if (migplan_chdb_query(eng, sql, "TSV", &out) != MIGPLAN_OK) {
		diag("query failed: %s: %s", sql, last_error());
		return UINT64_MAX;
	}
	v = strtoull(out, NULL, 10);
	migplan_free(out);
	return v;
}

/* A count over the baseline copy of a table kept with MIGPLAN_REHEARSE_KEEP_DATABASES. */
static uint64_t baseline_count(const migplan_rehearsal_table *t, const char *condition)
{
	char sql[1024];
	snprintf(sql, sizeof(sql), "SELECT countIf(%s) FROM %s", condition,
	         migplan_rehearsal_table_baseline(t));
	return query_u64(sql);
}

/* What MIGPLAN_REHEARSE_KEEP_DATABASES left behind, so that the next rehearsal can start. */
static void drop_kept(const char *const *dbs)
{
	for (; *dbs; dbs++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s` SYNC", *dbs);
		if (migplan_chdb_query(eng, sql, NULL, NULL) != MIGPLAN_OK)
			diag("%s: %s", sql, last_error());
	}
}

static const char *const local_dbs[] = {"local", "_migplan_rehearsal", NULL};

static const migplan_rehearsal_table *table_of(const migplan_rehearsal *r, const char *name)
{
	return migplan_rehearsal_table_find(r, NULL, name);
}

static const migplan_rehearsal_column *column_of(const migplan_rehearsal *r, const char *table,
                                                 const char *column)
{
	return migplan_rehearsal_table_column_find(table_of(r, table), column);
}

static const migplan_rehearsal_view *view_of(const migplan_rehearsal *r, const char *name)
{
	for (size_t i = 0; i < migplan_rehearsal_view_count(r); i++)
		if (strcmp(migplan_rehearsal_view_name(migplan_rehearsal_view_at(r, i)), name) == 0)
			return migplan_rehearsal_view_at(r, i);
	return NULL;
}

static migplan_rehearsal_op_status op_status(const migplan_rehearsal *r, size_t i)
{
	return migplan_rehearsal_op_status_of(migplan_rehearsal_op_at(r, i));
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

/* Every format renders, the JSON parses, the text names the plan. */
static void check_renders(const migplan_rehearsal *r, const char *name)
{
	char *text = NULL, *json = NULL, *md = NULL;
	json_object *obj;
	ok(migplan_rehearsal_render(r, MIGPLAN_REHEARSAL_TEXT, &text) == MIGPLAN_OK &&
	           contains(text, "Rehearsal of") && contains(text, "GO"),
	   "%s: text rendering", name);
	ok(migplan_rehearsal_render(r, MIGPLAN_REHEARSAL_MARKDOWN, &md) == MIGPLAN_OK &&
	           contains(md, "## Rehearsal of") && contains(md, "| # | operation |"),
	   "%s: Markdown rendering", name);
	ok(migplan_rehearsal_render(r, MIGPLAN_REHEARSAL_JSON, &json) == MIGPLAN_OK, "%s: JSON rendering",
	   name);
	obj = json ? json_tokener_parse(json) : NULL;
	ok(obj && json_object_get_int(json_object_object_get(obj, "rows")) == ROWS &&
	           json_object_array_length(json_object_object_get(obj, "operations")) ==
	                   migplan_rehearsal_op_count(r),
	   "%s: the JSON parses and carries the operations", name);
	json_object_put(obj);
	migplan_free(text);
	migplan_free(json);
	migplan_free(md);
}

/* ---------------------------------------------------------------- without the engine */

static void test_options(void)
{
	migplan_rehearse_options o;
	migplan_rehearsal *r = (migplan_rehearsal *)&o;
	migplan_plan *plan = NULL;
	static const char yaml[] = "created_at: 2026-04-10T00:00:00Z\noperations: []\n";

	is_int(migplan_rehearse_options_init(&o, MIGPLAN_REHEARSE_OPTIONS_VERSION), MIGPLAN_OK, "options init");
	ok(o.rows == 0 && o.engine == NULL && o.flags == 0, "options init: every field is the default");
	is_int(migplan_rehearse_options_init(&o, 99), MIGPLAN_EVERSION, "options init: unknown version");
	is_int(migplan_rehearse_options_init(NULL, 1), MIGPLAN_EINVAL, "options init: NULL");
	is_int(migplan_rehearse(NULL, NULL, NULL), MIGPLAN_EINVAL, "rehearse: NULL arguments");
	if (migplan_plan_load_buffer(&plan, yaml, sizeof(yaml) - 1, "bare.yaml", NULL) != MIGPLAN_OK)
		diag("cannot load a bare plan: %s", last_error());
	is_int(migplan_rehearse(&r, plan, NULL), MIGPLAN_EINVAL, "rehearse: a plan without remote_state.json");
	ok(r == NULL && contains(last_error(), "remote_state.json"), "  ... says so");
	o.version = 7;
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_EVERSION, "rehearse: options of an unknown version");
	migplan_plan_free(plan);
}

/* Before the engine is open: a missing library is a clear error, never a crash. */
static void test_missing_library(void)
{
	migplan_plan *plan = load(fixtures, "01_additive", NULL);
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_rehearsal *r = NULL;
	migplan_chdb *e = NULL;
	char *saved = getenv("MIGPLAN_CHDB_LIB") ? strdup(getenv("MIGPLAN_CHDB_LIB")) : NULL;

	o.library_path = "/nonexistent/libchdb.so";
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_ENOTFOUND, "no library at the given path: ENOTFOUND");
	ok(r == NULL && contains(last_error(), "/nonexistent/libchdb.so"), "  ... the message names the path");
	setenv("MIGPLAN_CHDB_LIB", "/nowhere/libchdb.so", 1);
	is_int(migplan_chdb_open(&e, NULL, NULL), MIGPLAN_ENOTFOUND, "MIGPLAN_CHDB_LIB pointing nowhere: ENOTFOUND");
	ok(e == NULL && contains(last_error(), "MIGPLAN_CHDB_LIB"), "  ... the message names the variable");
	if (saved)
		setenv("MIGPLAN_CHDB_LIB", saved, 1);
	else
		unsetenv("MIGPLAN_CHDB_LIB");
	free(saved);
	migplan_plan_free(plan);
}

/* ---------------------------------------------------------------- the shared fixtures */

typedef struct fixture {
	const char *dir;
	const char *plan;
} fixture;

static const fixture all_fixtures[] = {
	{"01_additive", NULL},           {"02_add_column_and_index", NULL},
	{"03_recreate_same_table", NULL}, {"04_versioned_upgrade", NULL},
	{"05_modify_column_narrowing", NULL}, {"06_rename_column", NULL},
	{"06_rename_column", "plan.generated.yaml"}, {"07_mv_reads_altered_table", NULL},
	{"08_rawsql_backfill", NULL},    {"09_ordering_errors", NULL},
	{"09_ordering_errors", "plan.generated.yaml"}, {"10_schema_gaps", NULL},
};

static int every_op_has_a_status(const migplan_rehearsal *r)
{
	for (size_t i = 0; i < migplan_rehearsal_op_count(r); i++) {
		const migplan_rehearsal_op *op = migplan_rehearsal_op_at(r, i);
		migplan_rehearsal_op_status st = migplan_rehearsal_op_status_of(op);
		if (st < MIGPLAN_REHEARSAL_OP_RAN || st > MIGPLAN_REHEARSAL_OP_NOT_RUN)
			return 0;
		if ((st == MIGPLAN_REHEARSAL_OP_FAILED || st == MIGPLAN_REHEARSAL_OP_REFUSED) &&
		    !migplan_rehearsal_op_message(op))
			return 0;
	}
	return 1;
}

static void test_every_fixture(void)
{
	for (size_t i = 0; i < sizeof(all_fixtures) / sizeof(all_fixtures[0]); i++) {
		char name[128];
		migplan_plan *plan = load(fixtures, all_fixtures[i].dir, all_fixtures[i].plan);
		migplan_rehearsal *r = rehearse(plan, 0);
		snprintf(name, sizeof(name), "%s%s%s", all_fixtures[i].dir, all_fixtures[i].plan ? "/" : "",
		         all_fixtures[i].plan ? all_fixtures[i].plan : "");
		ok(r != NULL, "%s: rehearsed", name);
		if (r) {
			is_int(migplan_rehearsal_setup_problem_count(r), 0, "%s: remote_state.json rebuilt", name);
			ok(every_op_has_a_status(r), "%s: every operation ran, failed with a message, or was not run", name);
			ok(migplan_rehearsal_schema_compared(r), "%s: schema compared with local_infra_map.json", name);
			check_renders(r, name);
		}
		migplan_rehearsal_free(r);
		migplan_plan_free(plan);
	}
}

static void test_additive(void)
{
	migplan_plan *plan = load(fixtures, "01_additive", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_table *t = table_of(r, "events");
	ok(r && migplan_rehearsal_passed(r), "01: an additive plan passes");
	is_int(migplan_rehearsal_table_rows_before(t), ROWS, "01: every generated row is in events");
	is_str(migplan_rehearsal_table_key(t), "event_id", "01: the row key is the ORDER BY column");
	ok(view_of(r, "sessions_per_day") &&
	           migplan_rehearsal_view_status_of(view_of(r, "sessions_per_day")) == MIGPLAN_REHEARSAL_VIEW_OK,
	   "01: the new view answers");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

/* The narrowing fixture: exactly the values the generated data says are out of range. */
static void test_narrowing(void)
{
	migplan_plan *plan = load(fixtures, "05_modify_column_narrowing", NULL);
	migplan_rehearsal *r = rehearse(plan, MIGPLAN_REHEARSE_KEEP_DATABASES);
	const migplan_rehearsal_table *t = table_of(r, "metrics");
	const migplan_rehearsal_column *count = column_of(r, "metrics", "count");
	uint64_t predicted = baseline_count(t, "count > 2147483647 OR count < -2147483648");

	ok(predicted > 0 && predicted < ROWS, "05: the generated data has out-of-range and in-range counts (%llu)",
	   (unsigned long long)predicted);
	is_int(migplan_rehearsal_column_changed(count), predicted,
	       "05: Int64 -> Int32 altered exactly the values outside Int32");
	ok(migplan_rehearsal_column_measured(count) && migplan_rehearsal_column_lost(count) == 0,
	   "05: compared row by row, nothing lost");
	ok(contains(migplan_rehearsal_column_example(count), " -> "), "05: an example of an altered value (%s)",
	   migplan_rehearsal_column_example(count));
	is_int(migplan_rehearsal_op_changed_count(migplan_rehearsal_op_at(r, 0)), 1, "05: op #0 changed one column");
	is_int(migplan_rehearsal_op_changed_values(migplan_rehearsal_op_at(r, 0), 0), predicted,
	       "05: op #0 changed that many values");
	is_int(op_status(r, 1), MIGPLAN_REHEARSAL_OP_REFUSED, "05: Nullable(String) -> String is refused");
	ok(contains(migplan_rehearsal_op_message(migplan_rehearsal_op_at(r, 1)), "Code: 36"),
	   "05: with ClickHouse's message");
	is_int(migplan_rehearsal_first_failure(r), 1, "05: the first failure is #1");
	ok(op_status(r, 2) == MIGPLAN_REHEARSAL_OP_NOT_RUN && op_status(r, 6) == MIGPLAN_REHEARSAL_OP_NOT_RUN,
	   "05: Moose stops there: #2..#6 not run");
	ok(!migplan_rehearsal_passed(r), "05: no-go");
	drop_kept(local_dbs);
	migplan_rehearsal_free(r);

	r = rehearse(plan, MIGPLAN_REHEARSE_KEEP_DATABASES | MIGPLAN_REHEARSE_KEEP_GOING);
	t = table_of(r, "metrics");
	predicted = baseline_count(t, "NOT (toFloat32(ratio) = ratio OR isNaN(ratio))");
	is_int(migplan_rehearsal_column_changed(column_of(r, "metrics", "ratio")), predicted,
	       "05 keep going: Float64 -> Float32 altered exactly the values Float32 cannot hold");
	is_int(migplan_rehearsal_column_changed(column_of(r, "metrics", "count")),
	       baseline_count(t, "count > 2147483647 OR count < -2147483648"), "05 keep going: count as before");
	ok(op_status(r, 2) == MIGPLAN_REHEARSAL_OP_RAN && op_status(r, 6) == MIGPLAN_REHEARSAL_OP_RAN,
	   "05 keep going: #2..#6 ran");
	{
		static const char *const kept[] = {"small_counter", "day", "price", "host", "label", "metric_id"};
		int none = 1;
		for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
			none &= migplan_rehearsal_column_changed(column_of(r, "metrics", kept[i])) == 0;
		ok(none, "05 keep going: widening and representation changes keep every value");
	}
	is_str(migplan_rehearsal_column_type_after(column_of(r, "metrics", "host")), "LowCardinality(String)",
	       "05 keep going: the final type of host");
	drop_kept(local_dbs);
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_same_seed_same_result(void)
{
	migplan_plan *plan = load(fixtures, "05_modify_column_narrowing", NULL);
	migplan_rehearsal *a = rehearse(plan, 0), *b = rehearse(plan, 0);
	ok(a && b &&
	           migplan_rehearsal_column_changed(column_of(a, "metrics", "count")) ==
	                   migplan_rehearsal_column_changed(column_of(b, "metrics", "count")) &&
	           migplan_rehearsal_column_example(column_of(a, "metrics", "count")) &&
	           strcmp(migplan_rehearsal_column_example(column_of(a, "metrics", "count")),
	                  migplan_rehearsal_column_example(column_of(b, "metrics", "count"))) == 0,
	   "the same seed gives the same data and the same report");
	migplan_rehearsal_free(a);
	migplan_rehearsal_free(b);
	migplan_plan_free(plan);
}

/* The ordering-error fixture fails at the operation the analysis names. */
static void test_ordering_error(void)
{
	migplan_plan *plan = load(fixtures, "09_ordering_errors", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	long named = -1;

	if (plan && migplan_plan_analyze(plan, NULL) == MIGPLAN_OK) {
		for (size_t i = 0; i < migplan_plan_finding_count(plan); i++) {
			const migplan_finding *f = migplan_plan_finding_at(plan, i);
			long op = migplan_finding_operation(f);
			if (migplan_finding_blocker(f) && op >= 0 && (named < 0 || op < named))
				named = op;
		}
	}
	ok(named >= 0, "09: the analysis names a blocking operation (#%ld)", named);
	is_int(migplan_rehearsal_first_failure(r), named, "09: the rehearsal fails at that operation");
	ok(op_status(r, (size_t)named) == MIGPLAN_REHEARSAL_OP_REFUSED &&
	           contains(migplan_rehearsal_op_message(migplan_rehearsal_op_at(r, (size_t)named)), "events_v2"),
	   "09: refused, ClickHouse naming the table that does not exist yet");
	ok(op_status(r, 0) == MIGPLAN_REHEARSAL_OP_RAN, "09: the DropTable before it ran");
	ok(view_of(r, "country_counts_mv") &&
	           migplan_rehearsal_view_status_of(view_of(r, "country_counts_mv")) == MIGPLAN_REHEARSAL_VIEW_MISSING,
	   "09: the materialized view of the plan is missing");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_dropped_on_purpose(void)
{
	migplan_plan *plan = load(fixtures, "07_mv_reads_altered_table", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_table *usage = table_of(r, "coupon_usage");
	ok(migplan_rehearsal_table_dropped(usage) &&
	           migplan_rehearsal_table_rows_lost(usage) == migplan_rehearsal_table_rows_before(usage),
	   "07: coupon_usage dropped on purpose, its rows lost");
	ok(migplan_rehearsal_column_dropped(column_of(r, "orders", "coupon_code")) &&
	           migplan_rehearsal_column_lost(column_of(r, "orders", "coupon_code")) == ROWS,
	   "07: orders.coupon_code dropped on purpose");
	is_int(migplan_rehearsal_column_changed(column_of(r, "orders", "amount")), 0,
	       "07: Float32 -> Float64 changes no value");
	ok(migplan_rehearsal_view_status_of(view_of(r, "orders_daily_mv")) == MIGPLAN_REHEARSAL_VIEW_OK,
	   "07: orders_daily_mv still receives inserts");
	ok(migplan_rehearsal_view_status_of(view_of(r, "coupon_usage_mv")) == MIGPLAN_REHEARSAL_VIEW_DROPPED,
	   "07: coupon_usage_mv dropped as planned");
	ok(migplan_rehearsal_passed(r), "07: go (the losses are the plan's purpose)");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);

	plan = load(fixtures, "06_rename_column", "plan.generated.yaml");
	r = rehearse(plan, 0);
	ok(!migplan_rehearsal_column_dropped(column_of(r, "users", "signup_ts")) &&
	           migplan_rehearsal_column_lost(column_of(r, "users", "signup_ts")) == ROWS &&
	           !migplan_rehearsal_passed(r),
	   "06 generated: a rename written as drop + add loses every value, not on purpose");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);

	plan = load(fixtures, "06_rename_column", NULL);
	r = rehearse(plan, 0);
	is_str(migplan_rehearsal_column_renamed_to(column_of(r, "users", "signup_ts")), "signed_up_at",
	       "06: the RenameTableColumn is followed");
	ok(migplan_rehearsal_passed(r), "06: go, no value lost");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_moose_ddl_and_ttl(void)
{
	migplan_plan *plan = load(fixtures, "10_schema_gaps", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	is_int(migplan_rehearsal_first_failure(r), 2, "10: Moose's Nullable(LowCardinality(String)) is refused");
	ok(contains(migplan_rehearsal_op_message(migplan_rehearsal_op_at(r, 2)), "LowCardinality"),
	   "10: ClickHouse says why");
	is_int(migplan_rehearsal_table_rows_lost(table_of(r, "device_readings")), 0,
	       "10: a longer TTL loses no row (expired rows are gone before the baseline)");
	ok(migplan_rehearsal_table_rows_before(table_of(r, "device_readings")) > ROWS * 3 / 4,
	   "10: the TTL column holds recent times: only boundary rows expire before the baseline (%llu)",
	   (unsigned long long)migplan_rehearsal_table_rows_before(table_of(r, "device_readings")));
	migplan_rehearsal_free(r);
	r = rehearse(plan, MIGPLAN_REHEARSE_CORRECTED_DDL);
	is_int(migplan_rehearsal_first_failure(r), -1, "10 corrected DDL: every operation runs");
	ok(migplan_rehearsal_flags(r) & MIGPLAN_REHEARSE_CORRECTED_DDL, "10 corrected DDL: flag recorded");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

/* ---------------------------------------------------------------- before and after the rewrite */

static void test_rewrite(void)
{
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_plan *plan = load(fixtures, "03_recreate_same_table", NULL);
	migplan_rehearsal *before = NULL, *after = NULL;
	char *text = NULL, *json = NULL;
	json_object *obj;

	o.engine = eng;
	o.rows = ROWS;
	o.seed = SEED;
	is_int(migplan_rehearse_edits(&before, &after, plan, NULL, 0, &o), MIGPLAN_OK, "03: original and rewrite rehearsed");
	is_int(migplan_rehearsal_table_rows_lost(table_of(before, "events")), ROWS,
	       "03: before the rewrite the table rebuild loses every row");
	is_int(migplan_rehearsal_table_rows_lost(table_of(after, "events")), 0, "03: after the rewrite none");
	is_int(migplan_rehearsal_values_affected(after), 0, "03: after the rewrite no value changed");
	ok(migplan_rehearsal_view_status_of(view_of(after, "events_by_type_mv")) == MIGPLAN_REHEARSAL_VIEW_OK,
	   "03: after the rewrite the materialized view still receives inserts");
	ok(migplan_rehearsal_passed(after) && !migplan_rehearsal_passed(before), "03: no-go before, go after");
	ok(migplan_rehearsal_render_compare(before, after, MIGPLAN_REHEARSAL_TEXT, &text) == MIGPLAN_OK &&
	           contains(text, "before the rewrite 300 rows lost in local.events; after: 0"),
	   "03: side by side: \"before the rewrite 300 rows lost in local.events; after: 0\"");
	ok(migplan_rehearsal_render_compare(before, after, MIGPLAN_REHEARSAL_JSON, &json) == MIGPLAN_OK &&
	           (obj = json_tokener_parse(json)) != NULL,
	   "03: side by side as JSON");
	if (json && obj) {
		ok(json_object_object_get(obj, "before") && json_object_object_get(obj, "after") &&
		           json_object_array_length(json_object_object_get(obj, "comparison")) >= 1,
		   "03: the JSON has both rehearsals and the comparison");
		json_object_put(obj);
	}
	migplan_free(text);
	migplan_free(json);
	migplan_rehearsal_free(before);
	migplan_rehearsal_free(after);
	migplan_plan_free(plan);

	plan = load(fixtures, "04_versioned_upgrade", NULL);
	is_int(migplan_rehearse_edits(&before, &after, plan, NULL, 0, &o), MIGPLAN_OK, "04: original and rewrite rehearsed");
	is_int(migplan_rehearsal_table_rows_lost(table_of(before, "events_1_0")), ROWS,
	       "04: before the rewrite the version bump loses every row");
	is_int(migplan_rehearsal_table_rows_lost(table_of(after, "events_1_0")), 0,
	       "04: after the rewrite none");
	is_str(migplan_rehearsal_table_holder(table_of(after, "events_1_0")), "events_1_1",
	       "04: the rows are in events_1_1");
	migplan_rehearsal_free(before);
	migplan_rehearsal_free(after);
	migplan_plan_free(plan);

	plan = load(fixtures, "05_modify_column_narrowing", NULL);
	is_int(migplan_rehearse_edits(&before, &after, plan, NULL, 0, &o), MIGPLAN_ENOTFOUND,
	       "05: no edit proposed: nothing to compare");
	ok(before == NULL && after == NULL, "  ... and no result");
	migplan_plan_free(plan);
}

/* A checklist as report.h writes it (MIGPLAN_REPORT_CHECKLIST, JSON), cut to what a rehearsal
 * reads: read-only statements run, others and parameterised ones are skipped. */
static const char checklist[] =
	"{\"schemaVersion\":1,\"report\":\"checklist\",\"decision\":\"no-go\","
	"\"before\":["
	"{\"id\":\"B1\",\"stage\":\"before\",\"readOnly\":true,\"purpose\":\"rows of events\","
	"\"sql\":\"SELECT count() FROM `local`.`events`;\",\"parameters\":[]},"
	"{\"id\":\"B2\",\"stage\":\"before\",\"readOnly\":true,\"purpose\":\"one batch\","
	"\"sql\":\"SELECT count() FROM `local`.`events` WHERE event_id > {lo:String}\",\"parameters\":[\"lo\"]},"
	"{\"id\":\"B3\",\"stage\":\"step\",\"readOnly\":false,\"purpose\":\"never run\","
	"\"sql\":\"TRUNCATE TABLE `local`.`users`\",\"parameters\":[]}],"
	"\"steps\":[],"
	"\"after\":["
	"{\"id\":\"A1\",\"stage\":\"after\",\"readOnly\":true,\"purpose\":\"no row lost in events\","
	"\"sql\":\"SELECT count() FROM `local`.`events`\",\"equalsBaseline\":\"B1\",\"parameters\":[]},"
	"{\"id\":\"A2\",\"stage\":\"after\",\"readOnly\":true,\"purpose\":\"users kept\","
	"\"sql\":\"SELECT count() > 0 FROM `local`.`users`\",\"expectTsv\":\"1\\n\",\"parameters\":[]},"
	"{\"id\":\"A3\",\"stage\":\"after\",\"readOnly\":true,\"purpose\":\"a query that fails\","
	"\"sql\":\"SELECT nope FROM `local`.`events`\",\"parameters\":[]}]}";

static const migplan_rehearsal_check *check_of(const migplan_rehearsal *r, const char *id)
{
	for (size_t i = 0; i < migplan_rehearsal_check_count(r); i++)
		if (strcmp(migplan_rehearsal_check_id(migplan_rehearsal_check_at(r, i)), id) == 0)
			return migplan_rehearsal_check_at(r, i);
	return NULL;
}

static void test_checklist(void)
{
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_plan *plan = load(fixtures, "03_recreate_same_table", NULL);
	migplan_rehearsal *before = NULL, *after = NULL;
	char *text = NULL;

	o.engine = eng;
	o.rows = ROWS;
	o.seed = SEED;
	o.checklist_json = "[1, 2";
	is_int(migplan_rehearse(&before, plan, &o), MIGPLAN_EINVAL, "checklist: not JSON: EINVAL");
	o.checklist_json = checklist;
	is_int(migplan_rehearse_edits(&before, &after, plan, NULL, 0, &o), MIGPLAN_OK, "checklist: rehearsed with its queries");
	is_int(migplan_rehearsal_check_count(before), 4, "checklist: B1 and A1-A3 ran; the batch and the write did not");
	ok(check_of(before, "B2") == NULL && check_of(before, "B3") == NULL, "checklist: B2 (parameters) and B3 (write) skipped");
	ok(migplan_rehearsal_check_status_of(check_of(before, "B1")) == MIGPLAN_REHEARSAL_CHECK_RAN &&
	           strcmp(migplan_rehearsal_check_result(check_of(before, "B1")), "300") == 0,
	   "checklist: B1 counted the baseline");
	is_int(migplan_rehearsal_check_status_of(check_of(before, "A1")), MIGPLAN_REHEARSAL_CHECK_FAILED,
	       "checklist: before the rewrite A1 (equals B1) fails");
	ok(strcmp(migplan_rehearsal_check_expected(check_of(before, "A1")), "300") == 0 &&
	           strcmp(migplan_rehearsal_check_result(check_of(before, "A1")), "0") == 0,
	   "checklist: expected 300, got 0");
	is_int(migplan_rehearsal_check_status_of(check_of(after, "A1")), MIGPLAN_REHEARSAL_CHECK_PASSED,
	       "checklist: after the rewrite A1 passes");
	is_int(migplan_rehearsal_check_status_of(check_of(after, "A2")), MIGPLAN_REHEARSAL_CHECK_PASSED,
	       "checklist: A2 gives the expected result");
	ok(migplan_rehearsal_check_status_of(check_of(after, "A3")) == MIGPLAN_REHEARSAL_CHECK_ERROR &&
	           contains(migplan_rehearsal_check_message(check_of(after, "A3")), "nope"),
	   "checklist: A3 fails with ClickHouse's message");
	ok(!migplan_rehearsal_passed(after), "checklist: a failing verification query is a no-go");
	ok(migplan_rehearsal_render(before, MIGPLAN_REHEARSAL_TEXT, &text) == MIGPLAN_OK &&
	           contains(text, "A1     failed  no row lost in events: expected 300, got 0"),
	   "checklist: the text shows the failed query");
	migplan_free(text);
	migplan_rehearsal_free(before);
	migplan_rehearsal_free(after);
	migplan_plan_free(plan);
}

/* ---------------------------------------------------------------- hand-written cases */

static void test_stuck_mutation(void)
{
	migplan_plan *plan = load(data, "rehearse/stuck_mutation", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_op *op = migplan_rehearsal_op_at(r, 0);
	const migplan_rehearsal_column *code = column_of(r, "readings", "code");
	is_int(migplan_rehearsal_op_status_of(op), MIGPLAN_REHEARSAL_OP_FAILED,
	       "stuck_mutation: String -> UInt64 failed (not refused: the mutation started)");
	ok(migplan_rehearsal_op_mutation_failure_count(op) == 1 &&
	           contains(migplan_rehearsal_op_mutation_failure_at(op, 0), "MODIFY COLUMN"),
	   "stuck_mutation: the failed mutation of system.mutations is recorded");
	ok(contains(migplan_rehearsal_op_message(op), "Code: 341"), "stuck_mutation: with ClickHouse's message");
	is_int(op_status(r, 1), MIGPLAN_REHEARSAL_OP_NOT_RUN, "stuck_mutation: the next operation is not run");
	ok(migplan_rehearsal_column_error(code) && migplan_rehearsal_column_lost(code) == ROWS,
	   "stuck_mutation: the column can no longer be read: every value lost");
	is_str(migplan_rehearsal_column_type_after(code), "UInt64",
	       "stuck_mutation: while the metadata already says the new type");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_every_type(void)
{
	migplan_plan *plan = load(data, "rehearse/every_type", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_table *t = table_of(r, "everything");
	int all = 1;
	is_int(migplan_rehearsal_setup_problem_count(r), 0, "every_type: every type generated");
	if (migplan_rehearsal_setup_problem_count(r))
		diag("%s", migplan_rehearsal_setup_problem_at(r, 0));
	is_int(migplan_rehearsal_table_rows_before(t), ROWS, "every_type: every row inserted");
	for (size_t i = 0; i < migplan_rehearsal_table_column_count(t); i++) {
		const migplan_rehearsal_column *c = migplan_rehearsal_table_column_at(t, i);
		if (!migplan_rehearsal_column_measured(c) || migplan_rehearsal_column_changed(c) ||
		    migplan_rehearsal_column_lost(c)) {
			diag("column %s: measured %d changed %llu", migplan_rehearsal_column_name(c),
			     migplan_rehearsal_column_measured(c),
			     (unsigned long long)migplan_rehearsal_column_changed(c));
			all = 0;
		}
	}
	ok(all, "every_type: each column compared row by row, none changed (NaN, NULL, JSON included)");
	ok(migplan_rehearsal_table_column_find(t, "hour") != NULL, "every_type: the MATERIALIZED column is compared too");
	ok(migplan_rehearsal_passed(r), "every_type: go");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_engines(void)
{
	migplan_plan *plan = load(data, "rehearse/engines", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	is_int(migplan_rehearsal_table_rows_before(table_of(r, "flips")), ROWS,
	       "engines: CollapsingMergeTree keeps every row (sign 1)");
	is_int(migplan_rehearsal_table_rows_before(table_of(r, "latest")), ROWS,
	       "engines: ReplacingMergeTree keeps every row (is_deleted 0, unique keys)");
	ok(migplan_rehearsal_passed(r), "engines: go");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_views(void)
{
	migplan_plan *plan = load(data, "rehearse/mv_rename", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_view *v = view_of(r, "daily_mv");
	is_int(migplan_rehearsal_table_rows_lost(table_of(r, "orders")), 0, "mv_rename: the hand-written rebuild keeps the rows");
	is_int(migplan_rehearsal_view_status_of(v), MIGPLAN_REHEARSAL_VIEW_STOPPED,
	       "mv_rename: but the materialized view stopped receiving inserts");
	ok(contains(migplan_rehearsal_view_message(v), "none reached"), "mv_rename: the probe rows did not arrive");
	ok(!migplan_rehearsal_passed(r), "mv_rename: no-go");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);

	plan = load(data, "rehearse/mv_reads_drop", NULL);
	r = rehearse(plan, 0);
	is_int(op_status(r, 0), MIGPLAN_REHEARSAL_OP_REFUSED, "mv_reads_drop: dropping a column a view reads is refused");
	ok(contains(migplan_rehearsal_op_message(migplan_rehearsal_op_at(r, 0)), "materialized view"),
	   "mv_reads_drop: ClickHouse names the view");
	ok(migplan_rehearsal_view_status_of(view_of(r, "coupon_usage_mv")) == MIGPLAN_REHEARSAL_VIEW_OK,
	   "mv_reads_drop: the view keeps working");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_rawsql_partial(void)
{
	migplan_plan *plan = load(data, "rehearse/rawsql_partial", NULL);
	migplan_rehearsal *r = rehearse(plan, MIGPLAN_REHEARSE_KEEP_DATABASES);
	const migplan_rehearsal_op *op = migplan_rehearsal_op_at(r, 0);
	is_int(migplan_rehearsal_op_status_of(op), MIGPLAN_REHEARSAL_OP_FAILED,
	       "rawsql_partial: failed, not refused: its first statement ran");
	is_int(migplan_rehearsal_op_failed_statement(op), 1, "rawsql_partial: at statement 1");
	is_int(migplan_rehearsal_column_changed(column_of(r, "events", "amount")),
	       baseline_count(table_of(r, "events"), "amount < 0"),
	       "rawsql_partial: the UPDATE changed exactly the negative amounts");
	drop_kept(local_dbs);
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

static void test_keys(void)
{
	migplan_plan *plan = load(data, "rehearse/no_key", NULL);
	migplan_rehearsal *r = rehearse(plan, 0);
	const migplan_rehearsal_column *ratio = column_of(r, "flags", "ratio");
	ok(migplan_rehearsal_table_key(table_of(r, "flags")) == NULL, "no_key: no column can be a row key");
	ok(!migplan_rehearsal_column_measured(ratio) && migplan_rehearsal_column_changed(ratio) > 0,
	   "no_key: values compared as multisets still show the narrowing (%llu)",
	   (unsigned long long)migplan_rehearsal_column_changed(ratio));
	is_int(migplan_rehearsal_table_rows_lost(table_of(r, "flags")), 0, "no_key: rows counted");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);

	plan = load(data, "rehearse/rename_key", NULL);
	r = rehearse(plan, MIGPLAN_REHEARSE_KEEP_DATABASES);
	is_str(migplan_rehearsal_table_key(table_of(r, "counters")), "id", "rename_key: id is the row key");
	is_str(migplan_rehearsal_column_renamed_to(column_of(r, "counters", "id")), "row_id",
	       "rename_key: followed through its rename");
	is_int(migplan_rehearsal_column_changed(column_of(r, "counters", "total")),
	       baseline_count(table_of(r, "counters"), "total > 2147483647 OR total < -2147483648"),
	       "rename_key: the narrowing after the rename is still counted exactly");
	drop_kept(local_dbs);
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

/* ---------------------------------------------------------------- progress, engine */

typedef struct progress_log {
	size_t calls, last_index, count;
	uint64_t rows;
	int ordered;
} progress_log;

static void on_progress(void *user, size_t op_index, size_t op_count, uint64_t rows)
{
	progress_log *log = user;
	log->ordered &= log->calls == 0 || op_index > log->last_index;
	log->calls++;
	log->last_index = op_index;
	log->count = op_count;
	log->rows = rows;
}

static void test_progress_and_engine(void)
{
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_plan *plan = load(fixtures, "08_rawsql_backfill", NULL);
	migplan_rehearsal *r = NULL;
	progress_log log = {0, 0, 0, 0, 1};

	o.engine = eng;
	o.rows = ROWS;
	o.progress = on_progress;
	o.progress_user = &log;
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_OK, "progress: rehearsed");
	ok(log.calls == migplan_plan_op_count(plan) + 1 && log.ordered && log.last_index == log.count &&
	           log.count == migplan_plan_op_count(plan),
	   "progress: once per operation in order, then once at the end (%zu calls)", log.calls);
	is_int(log.rows, ROWS, "progress: the rows the plan runs on");
	ok(migplan_rehearsal_view_status_of(view_of(r, "daily_user_stats_mv")) == MIGPLAN_REHEARSAL_VIEW_OK,
	   "08: the new materialized view receives inserts");
	migplan_rehearsal_free(r);

	o.engine = NULL;
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_EUNSUPPORTED,
	       "a second engine in the process is refused (chDB: one per process)");
	o.engine = eng;
	is_int(migplan_chdb_query(eng, "CREATE DATABASE `local` ENGINE = Atomic", NULL, NULL), MIGPLAN_OK,
	       "a database of the plan that already exists ...");
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_EINVAL, "  ... is not touched: EINVAL");
	ok(contains(last_error(), "local"), "  ... the message names it");
	drop_kept(local_dbs);
	is_int(migplan_rehearse(&r, plan, &o), MIGPLAN_OK, "after it is dropped the engine is usable again");
	migplan_rehearsal_free(r);
	migplan_plan_free(plan);
}

int main(void)
{
	fixtures = getenv("MIGPLAN_FIXTURES");
	data = getenv("MIGPLAN_TEST_DATA");
	if (!fixtures || !data) {
		fprintf(stderr, "rehearse-test: set MIGPLAN_FIXTURES and MIGPLAN_TEST_DATA (meson test does)\n");
		return 2;
	}
	test_options();
	test_missing_library();
	if (migplan_chdb_open(&eng, NULL, NULL) != MIGPLAN_OK) {
		printf("1..0 # SKIP %s\n", last_error());
		fprintf(stderr, "rehearse-test: skipped: %s\n", last_error());
		return 77;
	}
	diag("engine: %s", migplan_chdb_library_path(eng));
	test_every_fixture();
	test_additive();
	test_narrowing();
	test_same_seed_same_result();
	test_ordering_error();
	test_dropped_on_purpose();
	test_moose_ddl_and_ttl();
	test_rewrite();
	test_checklist();
	test_stuck_mutation();
	test_every_type();
	test_engines();
	test_views();
	test_rawsql_partial();
	test_keys();
	test_progress_and_engine();
	migplan_chdb_close(eng);
	return done_testing();
}
