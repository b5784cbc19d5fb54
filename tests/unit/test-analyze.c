/* The analysis (issue 4): the exact findings of every Moose fixture, then each rule on small
 * hand-written plans, one that triggers it and a close one that must not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migplan.h"
#include "migplan/analyze.h"
#include "tap.h"

/* ---------------------------------------------------------------- helpers */

typedef struct tcase {
	migplan_plan *plan;
	migplan_snapshot *remote, *local;
	char summary[8192];
} tcase;

/* One line per finding: rule@op:table[.column][/view], in the analysis' order. */
static const char *summarize(tcase *t)
{
	size_t n = 0;
	t->summary[0] = '\0';
	for (size_t i = 0; i < migplan_plan_finding_count(t->plan); i++) {
		const migplan_finding *f = migplan_plan_finding_at(t->plan, i);
		const char *tb = migplan_finding_table(f), *col = migplan_finding_column_name(f);
		const char *view = migplan_finding_view(f);
		n += (size_t)snprintf(t->summary + n, sizeof(t->summary) - n, "%s%s@%ld:%s%s%s%s%s", n ? "\n" : "",
		                      migplan_finding_rule(f), migplan_finding_operation(f), tb ? tb : "",
		                      col ? "." : "", col ? col : "", view ? "/" : "", view ? view : "");
		if (n >= sizeof(t->summary))
			break;
	}
	return t->summary;
}

static const migplan_finding *find(tcase *t, const char *line)
{
	tcase tmp;
	for (size_t i = 0; i < migplan_plan_finding_count(t->plan); i++) {
		const migplan_finding *f = migplan_plan_finding_at(t->plan, i);
		const char *tb = migplan_finding_table(f), *col = migplan_finding_column_name(f);
		const char *view = migplan_finding_view(f);
		snprintf(tmp.summary, sizeof(tmp.summary), "%s@%ld:%s%s%s%s%s", migplan_finding_rule(f),
		         migplan_finding_operation(f), tb ? tb : "", col ? "." : "", col ? col : "",
		         view ? "/" : "", view ? view : "");
		if (strcmp(tmp.summary, line) == 0)
			return f;
	}
	return NULL;
}

static int has_rule(tcase *t, const char *rule)
{
	for (size_t i = 0; i < migplan_plan_finding_count(t->plan); i++)
		if (strcmp(migplan_finding_rule(migplan_plan_finding_at(t->plan, i)), rule) == 0)
			return 1;
	return 0;
}

static void tcase_free(tcase *t)
{
	migplan_plan_free(t->plan);
	migplan_snapshot_free(t->remote);
	migplan_snapshot_free(t->local);
	memset(t, 0, sizeof(*t));
}

static int load_snapshot(migplan_snapshot **out, const char *json, const char *name)
{
	if (!json)
		return 1;
	if (migplan_snapshot_load_buffer(out, json, strlen(json), name, NULL) == MIGPLAN_OK)
		return 1;
	diag("%s: %s (line %u)", name, migplan_error_message(migplan_error_last()),
	     migplan_error_line(migplan_error_last()));
	return 0;
}

/* Loads and analyses a plan (operations as YAML lines) against optional snapshots. */
static int run_cfg(tcase *t, const char *ops, const char *remote, const char *local,
                   const migplan_config *cfg)
{
	size_t cap = strlen(ops) + 64;
	char *text = malloc(cap);
	memset(t, 0, sizeof(*t));
	snprintf(text, cap, "created_at: 2026-01-01T00:00:00Z\noperations:%s\n%s", *ops ? "" : " []", ops);
	migplan_status st = migplan_plan_load_buffer(&t->plan, text, strlen(text), "plan.yaml", NULL);
	free(text);
	if (st != MIGPLAN_OK) {
		diag("plan: %s (line %u)", migplan_error_message(migplan_error_last()), migplan_error_line(migplan_error_last()));
		return 0;
	}
	if (!load_snapshot(&t->remote, remote, "remote_state.json") ||
	    !load_snapshot(&t->local, local, "local_infra_map.json"))
		return 0;
	if (migplan_plan_attach_snapshots(t->plan, t->remote, t->local) != MIGPLAN_OK ||
	    migplan_plan_analyze(t->plan, cfg) != MIGPLAN_OK) {
		diag("analyze: %s", migplan_error_message(migplan_error_last()));
		return 0;
	}
	summarize(t);
	return 1;
}

static int run(tcase *t, const char *ops, const char *remote, const char *local)
{
	return run_cfg(t, ops, remote, local, NULL);
}

/* Asserts that a finding is (or is not) there; prints every finding otherwise. */
#define HAS(t, line) \
	do { \
		if (!ok(find((t), (line)) != NULL, "finds %s", (line))) \
			diag("findings:\n%s", (t)->summary); \
	} while (0)
#define HASNT(t, line) \
	do { \
		if (!ok(find((t), (line)) == NULL, "does not find %s", (line))) \
			diag("findings:\n%s", (t)->summary); \
	} while (0)
#define NO_RULE(t, rule) \
	do { \
		if (!ok(!has_rule((t), (rule)), "no %s finding", (rule))) \
			diag("findings:\n%s", (t)->summary); \
	} while (0)

/* ---------------------------------------------------------------- snapshots */

#define COL(n, ty) "{\"name\": \"" n "\", \"data_type\": \"" ty "\", \"required\": true}"
#define OPT(n, ty) "{\"name\": \"" n "\", \"data_type\": \"" ty "\", \"required\": false}"
#define ENUM_AB(n) "{\"name\": \"" n "\", \"required\": true, \"data_type\": {\"name\": \"Kind\", \"values\": [" \
	"{\"name\": \"A\", \"value\": {\"String\": \"a\"}}, {\"name\": \"B\", \"value\": {\"String\": \"b\"}}]}}"
#define ENUM_A(n) "{\"name\": \"" n "\", \"required\": true, \"data_type\": {\"name\": \"Kind\", \"values\": [" \
	"{\"name\": \"A\", \"value\": {\"String\": \"a\"}}]}}"
#define ENUM_ABC(n) "{\"name\": \"" n "\", \"required\": true, \"data_type\": {\"name\": \"Kind\", \"values\": [" \
	"{\"name\": \"A\", \"value\": {\"String\": \"a\"}}, {\"name\": \"B\", \"value\": {\"String\": \"b\"}}, " \
	"{\"name\": \"C\", \"value\": {\"String\": \"c\"}}]}}"
#define TBLX(n, src, order, cols, extra) \
	"{\"name\": \"" n "\", \"order_by\": [" order "], \"columns\": [" cols "], " \
	"\"source_primitive\": {\"name\": \"" src "\"}" extra "}"
#define TBL(n, order, cols) TBLX(n, n, order, cols, "")
#define ENTRY(n, tbl) "\"" n "\": " tbl

/* A small deployment: events (keys, an index, a TTL), users, a materialized view from events
 * into events_daily, a view over users, a protected and an externally managed table. */
#define T_EVENTS TBLX("events", "events", "\"id\", \"ts\"", \
	COL("id", "String") ", " COL("ts", "DateTime") ", " COL("status", "String") ", " \
	COL("amount", "Float32") ", " COL("n", "Int32") ", " OPT("label", "String") ", " ENUM_AB("kind"), \
	", \"partition_by\": \"toYYYYMM(ts)\", \"indexes\": [{\"name\": \"idx_amount\", \"expression\": \"amount\", " \
	"\"type\": \"minmax\", \"arguments\": [], \"granularity\": 1}]")
#define T_USERS TBL("users", "\"user_id\"", \
	COL("user_id", "String") ", " COL("email", "String") ", " COL("signup_ts", "DateTime") ", " COL("age", "Int32"))
#define T_DAILY TBL("events_daily", "\"day\"", COL("day", "Date") ", " COL("status", "String") ", " \
	COL("total", "Float64") ", " COL("top", "Int64"))
#define T_VAULT TBLX("vault", "vault", "\"k\"", COL("k", "String") ", " COL("x", "String"), \
	", \"life_cycle\": \"DELETION_PROTECTED\"")
#define T_EXT TBLX("ext", "ext", "\"k\"", COL("k", "String"), ", \"life_cycle\": \"EXTERNALLY_MANAGED\"")
#define MV_EVENTS "\"events_mv\": {\"name\": \"events_mv\", \"selectSql\": \"SELECT toDate(ts) AS day, `status`, " \
	"sum(amount) AS total, max(n) AS top FROM `events` GROUP BY day, status\", \"sourceTables\": [\"`events`\"], " \
	"\"targetTable\": \"events_daily\", \"lifeCycle\": \"FULLY_MANAGED\"}"
#define V_USERS "\"users_v\": {\"name\": \"users_v\", \"selectSql\": \"SELECT email FROM users\", " \
	"\"sourceTables\": [\"users\"], \"lifeCycle\": \"FULLY_MANAGED\"}"
#define TABLES ENTRY("events", T_EVENTS) ", " ENTRY("users", T_USERS) ", " ENTRY("daily", T_DAILY) ", " \
	ENTRY("vault", T_VAULT) ", " ENTRY("ext", T_EXT)
#define SNAP_WITH(tables, mvs, views) "{\"default_database\": \"local\", \"moose_version\": \"0.6.449\", " \
	"\"tables\": {" tables "}, \"materialized_views\": {" mvs "}, \"views\": {" views "}}"
#define REMOTE SNAP_WITH(TABLES, MV_EVENTS, V_USERS)

/* ---------------------------------------------------------------- fixtures */

typedef struct fixture_case {
	const char *dir, *plan, *expected;
} fixture_case;

static const fixture_case fixture_cases[] = {
	{"01_additive", "plan.yaml", ""},
	{"02_add_column_and_index", "plan.yaml", ""},
	{"02_add_column_and_index", "plan.schema_valid.yaml", ""},
	{"03_recreate_same_table", "plan.yaml",
	 "drop-recreate-same-table@0:events\n"
	 "view-broken-by-change@0:events/events_by_type_mv"},
	{"04_versioned_upgrade", "plan.yaml", "version-bump-drop-first@0:events_1_0"},
	{"05_modify_column_narrowing", "plan.yaml",
	 "narrowing-change@0:metrics.count\n"
	 "nullable-to-required@1:metrics.label\n"
	 "precision-loss-change@2:metrics.ratio"},
	{"06_rename_column", "plan.yaml", ""},
	{"06_rename_column", "plan.generated.yaml",
	 "drop-column@0:users.signup_ts\n"
	 "likely-rename@0:users.signup_ts"},
	{"07_mv_reads_altered_table", "plan.yaml",
	 "drop-materialized-view@0:/coupon_usage_mv\n"
	 "drop-table@1:coupon_usage\n"
	 "drop-column@2:orders.coupon_code\n"
	 "representation-change@3:orders.amount\n"
	 "view-reads-altered-column@3:orders.amount/orders_daily_mv"},
	{"08_rawsql_backfill", "plan.yaml", ""},
	{"09_ordering_errors", "plan.yaml",
	 "drop-table@0:events\n"
	 "read-after-drop@1:events\n"
	 "write-before-create@1:events_v2\n"
	 "column-before-add@3:users.country\n"
	 "type-refused-by-clickhouse@4:users.country\n"
	 "view-before-table@5:country_counts/country_counts_mv"},
	{"09_ordering_errors", "plan.generated.yaml",
	 "drop-table@0:events\n"
	 "type-refused-by-clickhouse@2:users.country"},
	{"10_schema_gaps", "plan.yaml", "type-refused-by-clickhouse@2:telemetry.tag"},
};

static int load_fixture(tcase *t, const char *dir, const char *plan)
{
	const char *root = getenv("MIGPLAN_FIXTURES");
	char p[1024], r[1024], l[1024];
	memset(t, 0, sizeof(*t));
	if (!root)
		return 0;
	snprintf(p, sizeof(p), "%s/%s/%s", root, dir, plan);
	snprintf(r, sizeof(r), "%s/%s/remote_state.json", root, dir);
	snprintf(l, sizeof(l), "%s/%s/local_infra_map.json", root, dir);
	if (migplan_plan_load_files(&t->plan, p, r, l, NULL) != MIGPLAN_OK) {
		diag("%s: %s", p, migplan_error_message(migplan_error_last()));
		return 0;
	}
	if (migplan_plan_analyze(t->plan, NULL) != MIGPLAN_OK)
		return 0;
	summarize(t);
	return 1;
}

static void test_fixtures(void)
{
	for (size_t i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++) {
		const fixture_case *fc = &fixture_cases[i];
		tcase t;
		if (!ok(load_fixture(&t, fc->dir, fc->plan), "fixture %s/%s analyses", fc->dir, fc->plan))
			continue;
		is_str(t.summary, fc->expected, "fixture %s/%s: exactly the expected findings", fc->dir, fc->plan);
		tcase_free(&t);
	}
}

static const char *base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

static void test_fixture_details(void)
{
	tcase t;
	const migplan_finding *f;
	if (load_fixture(&t, "03_recreate_same_table", "plan.yaml")) {
		f = find(&t, "drop-recreate-same-table@0:events");
		is_str(migplan_finding_edit(f), "rebuild-table:local.events", "03: the rebuild rewrite id");
		ok(f && strcmp(base(migplan_finding_path(f)), "plan.yaml") == 0 && migplan_finding_line(f) == 5 &&
		   migplan_finding_column(f) == 3, "03: points at the DropTable (plan.yaml:5:3)");
		ok(migplan_finding_severity(f) == MIGPLAN_SEVERITY_ERROR && !migplan_finding_blocker(f), "03: an error, not a blocker");
		ok(migplan_finding_related_count(f) == 2 && migplan_node_line(migplan_finding_related_node(f, 0)) == 9,
		   "03: related: the CreateTable at line 9");
		ok(strstr(migplan_finding_help(f), "EXCHANGE TABLES") != NULL, "03: the help gives the safe rebuild");
		f = find(&t, "view-broken-by-change@0:events/events_by_type_mv");
		ok(f && strstr(migplan_finding_message(f), "events_by_type_mv") &&
		   strcmp(base(migplan_node_path(migplan_finding_related_node(f, 0))), "remote_state.json") == 0 &&
		   migplan_node_line(migplan_finding_related_node(f, 0)) == 8,
		   "03: the view finding names the view and points at it in remote_state.json:8");
		tcase_free(&t);
	}
	if (load_fixture(&t, "04_versioned_upgrade", "plan.yaml")) {
		f = find(&t, "version-bump-drop-first@0:events_1_0");
		ok(f && strstr(migplan_finding_message(f), "events_1_1") && strstr(migplan_finding_message(f), "`events`"),
		   "04: the message names both versions and the logical table: %s", f ? migplan_finding_message(f) : "");
		is_str(migplan_finding_edit(f), "rebuild-table:local.events_1_0", "04: the rebuild id names the dropped table");
		tcase_free(&t);
	}
	if (load_fixture(&t, "05_modify_column_narrowing", "plan.yaml")) {
		f = find(&t, "narrowing-change@0:metrics.count");
		ok(f && strstr(migplan_finding_message(f), "Int64 -> Int32") && strstr(migplan_finding_message(f), "backfill"),
		   "05: the message names the change and asks for a backfill");
		ok(f && strstr(migplan_finding_help(f), "For example") && strstr(migplan_finding_help(f), "expand/contract"),
		   "05: the help has the judge's example and the rule's safe alternative");
		tcase_free(&t);
	}
	if (load_fixture(&t, "06_rename_column", "plan.generated.yaml")) {
		f = find(&t, "likely-rename@0:users.signup_ts");
		is_str(migplan_finding_edit(f), "rename-column:local.users.signup_ts.signed_up_at", "06: the rename rewrite id");
		is_str(migplan_finding_database(f), "local", "06: the database is resolved");
		tcase_free(&t);
	}
	if (load_fixture(&t, "09_ordering_errors", "plan.yaml")) {
		f = find(&t, "write-before-create@1:events_v2");
		ok(f && migplan_finding_blocker(f), "09: a write before the create is a blocker");
		is_str(migplan_finding_edit(f), "reorder:1", "09: answered by moving the operation");
		f = find(&t, "column-before-add@3:users.country");
		ok(f && migplan_finding_line(f) == 77, "09: after_column points at its own line (77)");
		f = find(&t, "type-refused-by-clickhouse@4:users.country");
		ok(f && strstr(migplan_finding_message(f), "Nullable(LowCardinality(String))"),
		   "09: the refused type is named as Moose sends it");
		size_t errors = migplan_plan_finding_count_at_least(t.plan, MIGPLAN_SEVERITY_ERROR);
		is_int(errors, 6, "09: six findings at error or above");
		tcase_free(&t);
	}
}

/* ---------------------------------------------------------------- data loss */

#define CT(tbl) "- CreateTable: {table: " tbl "}\n"

static void test_drop_recreate_and_version_bump(void)
{
	tcase t;
	run(&t, "- DropTable: {table: events}\n" CT(TBL("events", "\"id\"", COL("id", "String"))), REMOTE, NULL);
	HAS(&t, "drop-recreate-same-table@0:events");
	HASNT(&t, "drop-table@0:events");
	HAS(&t, "view-broken-by-change@0:events/events_mv");
	tcase_free(&t);
	run(&t, "- DropTable: {table: users}\n" CT(TBL("users2", "\"id\"", COL("id", "String"))), REMOTE, NULL);
	NO_RULE(&t, "drop-recreate-same-table");
	HAS(&t, "drop-table@0:users");
	tcase_free(&t);

	const char *remote = SNAP_WITH(ENTRY("e10", TBLX("events_1_0", "events", "\"id\"", COL("id", "String"), ", \"version\": \"1.0\"")), "", "");
	const char *create = CT(TBLX("events_1_1", "events", "\"id\"", COL("id", "String"), ", \"version\": \"1.1\""));
	char ops[4096];
	snprintf(ops, sizeof(ops), "- DropTable: {table: events_1_0}\n%s", create);
	run(&t, ops, remote, NULL);
	HAS(&t, "version-bump-drop-first@0:events_1_0");
	HASNT(&t, "drop-table@0:events_1_0");
	tcase_free(&t);
	snprintf(ops, sizeof(ops), "%s- DropTable: {table: events_1_0}\n", create);
	run(&t, ops, remote, NULL);
	NO_RULE(&t, "version-bump-drop-first");
	HAS(&t, "drop-table@1:events_1_0");
	tcase_free(&t);
}

static void test_plain_drops(void)
{
	tcase t;
	run(&t, "- DropTableColumn: {table: users, column_name: age}\n"
	        "- DropMaterializedView: {name: events_mv}\n"
	        "- DropView: {name: users_v}\n", REMOTE, NULL);
	HAS(&t, "drop-column@0:users.age");
	HAS(&t, "drop-materialized-view@1:/events_mv");
	HAS(&t, "drop-view@2:/users_v");
	ok(find(&t, "drop-column@0:users.age") && migplan_finding_severity(find(&t, "drop-column@0:users.age")) == MIGPLAN_SEVERITY_ERROR,
	   "a dropped column is an error");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: users, column: " OPT("nick", "String") "}\n"
	        "- CreateView: {name: v2, select_sql: SELECT 1}\n", REMOTE, NULL);
	NO_RULE(&t, "drop-column");
	NO_RULE(&t, "drop-view");
	NO_RULE(&t, "drop-materialized-view");
	tcase_free(&t);
}

/* A table dropped after a back-fill copied its rows elsewhere: only a copy of every column the
 * code still has makes the drop lossless. */
static void test_drop_after_copy(void)
{
	tcase t;
	const char *backup = CT(TBL("users_copy", "\"user_id\"", COL("user_id", "String") ", " COL("email", "String") ", "
	                            COL("signup_ts", "DateTime") ", " COL("age", "Int32")));
	char ops[4096];
	snprintf(ops, sizeof(ops), "%s- RawSql: {description: copy, sql: ['INSERT INTO users_copy (user_id, email, signup_ts, age) "
	                           "SELECT user_id, email, signup_ts, age FROM users']}\n- DropTable: {table: users}\n", backup);
	run(&t, ops, REMOTE, NULL);
	HASNT(&t, "drop-table@2:users");
	tcase_free(&t);
	snprintf(ops, sizeof(ops), "%s- RawSql: {description: copy, sql: ['INSERT INTO users_copy (user_id, email) "
	                           "SELECT user_id, email FROM users']}\n- DropTable: {table: users}\n", backup);
	run(&t, ops, REMOTE, NULL);
	HAS(&t, "drop-table@2:users");
	tcase_free(&t);
}

static void test_likely_rename(void)
{
	tcase t;
	run(&t, "- DropTableColumn: {table: users, column_name: signup_ts}\n"
	        "- AddTableColumn: {table: users, after_column: email, column: " COL("signed_up", "DateTime") "}\n",
	    REMOTE, NULL);
	HAS(&t, "likely-rename@0:users.signup_ts");
	is_str(migplan_finding_edit(find(&t, "likely-rename@0:users.signup_ts")),
	       "rename-column:local.users.signup_ts.signed_up", "the rename id");
	tcase_free(&t);
	run(&t, "- DropTableColumn: {table: users, column_name: signup_ts}\n"
	        "- AddTableColumn: {table: users, column: " COL("signed_up", "Int64") "}\n", REMOTE, NULL);
	NO_RULE(&t, "likely-rename");
	tcase_free(&t);
}

#define MODIFY(table, before, after) \
	"- ModifyTableColumn: {table: " table ", before_column: " before ", after_column: " after "}\n"

static void test_modify_causes(void)
{
	tcase t;
	run(&t, MODIFY("events", COL("n", "Int32"), COL("n", "Int16"))
	        MODIFY("events", OPT("label", "String"), COL("label", "String"))
	        MODIFY("events", COL("status", "String"), COL("status", "Int64"))
	        MODIFY("events", ENUM_AB("kind"), ENUM_A("kind")), REMOTE, NULL);
	HAS(&t, "narrowing-change@0:events.n");
	HAS(&t, "nullable-to-required@1:events.label");
	HAS(&t, "type-family-change@2:events.status");
	HAS(&t, "enum-member-removed@3:events.kind");
	HAS(&t, "view-broken-by-change@0:events.n/events_mv");
	HAS(&t, "view-broken-by-change@2:events.status/events_mv");
	tcase_free(&t);
	run(&t, MODIFY("events", COL("n", "Int32"), COL("n", "Int64"))
	        MODIFY("events", ENUM_AB("kind"), ENUM_ABC("kind"))
	        MODIFY("users", COL("age", "Int32"), OPT("age", "Int32")), REMOTE, NULL);
	NO_RULE(&t, "narrowing-change");
	NO_RULE(&t, "enum-member-removed");
	NO_RULE(&t, "nullable-to-required");
	NO_RULE(&t, "view-broken-by-change");
	HAS(&t, "view-reads-altered-column@0:events.n/events_mv");
	HASNT(&t, "view-reads-altered-column@1:events.kind/events_mv");
	tcase_free(&t);
	run(&t, MODIFY("users", COL("age", "Int64"), COL("age", "Int16")), REMOTE, NULL);
	HAS(&t, "stale-before-column@0:users.age");
	tcase_free(&t);
	run(&t, MODIFY("users", COL("age", "Int32"), COL("age", "Int16")), REMOTE, NULL);
	NO_RULE(&t, "stale-before-column");
	tcase_free(&t);
}

static void test_key_columns(void)
{
	tcase t;
	run(&t, MODIFY("events", COL("id", "String"), COL("id", "Int64"))
	        "- DropTableColumn: {table: events, column_name: ts}\n"
	        "- DropTableColumn: {table: events, column_name: amount}\n"
	        "- RenameTableColumn: {table: events, before_column_name: id, after_column_name: event_id}\n",
	    REMOTE, NULL);
	HAS(&t, "key-column-change@0:events.id");
	HAS(&t, "key-column-change@1:events.ts");
	HAS(&t, "key-column-change@2:events.amount");
	HAS(&t, "key-column-change@3:events.id");
	const migplan_finding *f = find(&t, "key-column-change@1:events.ts");
	ok(f && migplan_finding_blocker(f) && strstr(migplan_finding_message(f), "ORDER BY"),
	   "dropping an ORDER BY column is a blocker that names the key");
	is_str(migplan_finding_edit(f), "rebuild-table:local.events", "answered by a rebuild");
	f = find(&t, "key-column-change@2:events.amount");
	ok(f && strstr(migplan_finding_message(f), "idx_amount"), "the skip index is named");
	tcase_free(&t);
	run(&t, "- DropTableColumn: {table: events, column_name: status}\n"
	        MODIFY("users", COL("age", "Int32"), COL("age", "Int64")), REMOTE, NULL);
	NO_RULE(&t, "key-column-change");
	tcase_free(&t);
	/* as ClickHouse 26.7 does: a skip-index column may change type or be renamed, a key column
	 * may gain Enum members */
	run(&t, MODIFY("events", COL("amount", "Float32"), COL("amount", "Float64"))
	        "- RenameTableColumn: {table: events, before_column_name: amount, after_column_name: amt}\n",
	    SNAP_WITH(ENTRY("events", TBLX("events", "events", "\"kind\"", ENUM_AB("kind") ", " COL("amount", "Float32"),
	                                     ", \"indexes\": [{\"name\": \"idx_amount\", \"expression\": \"amount\", "
	                                     "\"type\": \"minmax\", \"arguments\": [], \"granularity\": 1}]")), "", ""),
	    NULL);
	NO_RULE(&t, "key-column-change");
	tcase_free(&t);
	run(&t, MODIFY("events", ENUM_AB("kind"), ENUM_ABC("kind")),
	    SNAP_WITH(ENTRY("events", TBL("events", "\"kind\"", ENUM_AB("kind"))), "", ""), NULL);
	NO_RULE(&t, "key-column-change");
	tcase_free(&t);
	/* a projection's column refuses every type change and a rename */
	const char *proj = SNAP_WITH(ENTRY("p", TBLX("p", "p", "\"k\"", COL("k", "String") ", " COL("y", "Int32"),
	                                            ", \"projections\": [{\"name\": \"by_y\", \"body\": \"SELECT y, count() GROUP BY y\"}]")), "", "");
	run(&t, MODIFY("p", COL("y", "Int32"), COL("y", "Int64"))
	        "- RenameTableColumn: {table: p, before_column_name: y, after_column_name: y2}\n", proj, NULL);
	HAS(&t, "key-column-change@0:p.y");
	HAS(&t, "key-column-change@1:p.y");
	ok(find(&t, "key-column-change@0:p.y") && strstr(migplan_finding_message(find(&t, "key-column-change@0:p.y")), "projection `by_y`"),
	   "the projection is named");
	tcase_free(&t);
	/* after the index is dropped the column is free */
	run(&t, "- DropTableIndex: {table: events, index_name: idx_amount}\n"
	        "- DropTableColumn: {table: events, column_name: amount}\n", REMOTE, NULL);
	NO_RULE(&t, "key-column-change");
	tcase_free(&t);
}

static void test_type_refused(void)
{
	tcase t;
	run(&t, "- AddTableColumn: {table: users, column: {name: tag, data_type: String, required: false, "
	        "annotations: [[LowCardinality, true]]}}\n"
	        "- AddTableColumn: {table: users, column: {name: attrs, data_type: {keyType: String, valueType: String}, "
	        "required: false}}\n", REMOTE, NULL);
	HAS(&t, "type-refused-by-clickhouse@0:users.tag");
	HAS(&t, "type-refused-by-clickhouse@1:users.attrs");
	ok(migplan_finding_blocker(find(&t, "type-refused-by-clickhouse@0:users.tag")), "a refused type is a blocker");
	tcase_free(&t);
	/* calibrated on the engine: LowCardinality(Date) is refused, (UUID) and Nullable(JSON) are not */
	run(&t, "- AddTableColumn: {table: users, column: {name: d, data_type: Date, required: true, "
	        "annotations: [[LowCardinality, true]]}}\n"
	        "- AddTableColumn: {table: users, column: {name: u, data_type: UUID, required: true, "
	        "annotations: [[LowCardinality, true]]}}\n"
	        "- AddTableColumn: {table: users, column: {name: j, data_type: {skip_paths: [], skip_regexps: [], "
	        "typed_paths: []}, required: false}}\n", REMOTE, NULL);
	HAS(&t, "type-refused-by-clickhouse@0:users.d");
	HASNT(&t, "type-refused-by-clickhouse@1:users.u");
	HASNT(&t, "type-refused-by-clickhouse@2:users.j");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: users, column: " ENUM_AB("e") "}\n"
	        "- AddTableColumn: {table: users, column: {name: e2, required: true, annotations: [[LowCardinality, true]], "
	        "data_type: {name: Kind, values: [{name: A, value: {String: a}}]}}}\n", REMOTE, NULL);
	HASNT(&t, "type-refused-by-clickhouse@0:users.e");
	HAS(&t, "type-refused-by-clickhouse@1:users.e2");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: users, column: {name: tag, data_type: String, required: true, "
	        "annotations: [[LowCardinality, true]]}}\n"
	        "- AddTableColumn: {table: users, column: {name: tags, data_type: {elementType: String, elementNullable: true}, "
	        "required: false}}\n", REMOTE, NULL);
	NO_RULE(&t, "type-refused-by-clickhouse");
	tcase_free(&t);
}

static void test_life_cycle(void)
{
	tcase t;
	run(&t, "- DropTableColumn: {table: vault, column_name: x}\n"
	        "- AddTableColumn: {table: ext, column: " OPT("y", "String") "}\n", REMOTE, NULL);
	HAS(&t, "deletion-protected-change@0:vault");
	HAS(&t, "externally-managed-change@1:ext");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: vault, column: " OPT("y", "String") "}\n"
	        "- AddTableColumn: {table: users, column: " OPT("y", "String") "}\n", REMOTE, NULL);
	NO_RULE(&t, "deletion-protected-change");
	NO_RULE(&t, "externally-managed-change");
	tcase_free(&t);
}

/* ---------------------------------------------------------------- ordering and existence */

#define RAW(sql) "- RawSql: {description: test, sql: [\"" sql "\"]}\n"

static void test_ordering_tables(void)
{
	tcase t;
	run(&t, RAW("INSERT INTO t2 SELECT id FROM events") CT(TBL("t2", "\"id\"", COL("id", "String")))
	        "- DropTable: {table: users}\n" RAW("SELECT count() FROM users"), REMOTE, NULL);
	HAS(&t, "write-before-create@0:t2");
	HAS(&t, "read-after-drop@3:users");
	is_str(migplan_finding_edit(find(&t, "read-after-drop@3:users")), "reorder:3", "read-after-drop: reorder id");
	tcase_free(&t);
	run(&t, CT(TBL("t2", "\"id\"", COL("id", "String"))) RAW("INSERT INTO t2 SELECT id FROM events")
	        RAW("SELECT count() FROM users") "- DropTable: {table: users}\n", REMOTE, NULL);
	NO_RULE(&t, "write-before-create");
	NO_RULE(&t, "read-after-drop");
	NO_RULE(&t, "missing-object");
	tcase_free(&t);

	run(&t, "- CreateView: {name: v3, select_sql: SELECT a FROM t3}\n" CT(TBL("t3", "\"a\"", COL("a", "String")))
	        "- CreateMaterializedView: {name: mv3, select_sql: SELECT a FROM t3, target_table: t4}\n"
	        CT(TBL("t4", "\"a\"", COL("a", "String"))), REMOTE, NULL);
	HAS(&t, "view-before-table@0:t3/v3");
	HAS(&t, "view-before-table@2:t4/mv3");
	tcase_free(&t);
	run(&t, CT(TBL("t3", "\"a\"", COL("a", "String"))) CT(TBL("t4", "\"a\"", COL("a", "String")))
	        "- CreateView: {name: v3, select_sql: SELECT a FROM t3}\n"
	        "- CreateMaterializedView: {name: mv3, select_sql: SELECT a FROM t3, target_table: t4}\n", REMOTE, NULL);
	NO_RULE(&t, "view-before-table");
	NO_RULE(&t, "missing-object");
	tcase_free(&t);
}

static void test_ordering_columns(void)
{
	tcase t;
	run(&t, RAW("ALTER TABLE users UPDATE nick = email WHERE nick = ''")
	        "- AddTableColumn: {table: users, column: " OPT("nick", "String") "}\n"
	        "- DropTableColumn: {table: users, column_name: age}\n"
	        RAW("ALTER TABLE users UPDATE email = toString(age) WHERE age > 0")
	        "- AddTableColumn: {table: users, after_column: b2, column: " OPT("b1", "String") "}\n"
	        "- AddTableColumn: {table: users, column: " OPT("b2", "String") "}\n"
	        "- AddTableColumn: {table: users, after_column: age, column: " OPT("b3", "String") "}\n"
	        MODIFY("users", COL("age", "Int32"), COL("age", "Int64")), REMOTE, NULL);
	HAS(&t, "column-before-add@0:users.nick");
	HAS(&t, "column-after-drop@3:users.age");
	HAS(&t, "column-before-add@4:users.b2");
	HAS(&t, "column-after-drop@6:users.age");
	HAS(&t, "modify-after-drop@7:users.age");
	is_str(migplan_finding_edit(find(&t, "column-before-add@0:users.nick")), "reorder:0", "column-before-add: reorder id");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: users, column: " OPT("nick", "String") "}\n"
	        RAW("ALTER TABLE users UPDATE nick = email WHERE nick = ''")
	        RAW("ALTER TABLE users UPDATE email = toString(age) WHERE age > 0")
	        MODIFY("users", COL("age", "Int32"), COL("age", "Int64"))
	        "- DropTableColumn: {table: users, column_name: age}\n"
	        "- AddTableColumn: {table: users, column: " OPT("b2", "String") "}\n"
	        "- AddTableColumn: {table: users, after_column: b2, column: " OPT("b1", "String") "}\n", REMOTE, NULL);
	NO_RULE(&t, "column-before-add");
	NO_RULE(&t, "column-after-drop");
	NO_RULE(&t, "modify-after-drop");
	tcase_free(&t);
}

static void test_existence(void)
{
	tcase t;
	run(&t, "- AddTableColumn: {table: nope, column: " OPT("a", "String") "}\n"
	        "- DropTable: {table: nope}\n"
	        "- AddTableColumn: {table: users, column: " COL("email", "String") "}\n"
	        CT(TBL("users", "\"user_id\"", COL("user_id", "String")))
	        "- DropTableIndex: {table: users, index_name: nope_idx}\n"
	        "- AddTableIndex: {table: events, index: {name: idx_amount, expression: amount, type: minmax, arguments: [], granularity: 1}}\n",
	    REMOTE, NULL);
	HAS(&t, "missing-object@0:nope");
	HAS(&t, "missing-object@1:nope");
	ok(migplan_finding_blocker(find(&t, "missing-object@0:nope")) && !migplan_finding_blocker(find(&t, "missing-object@1:nope")),
	   "an ALTER of a missing table blocks; DROP TABLE IF EXISTS does not");
	HAS(&t, "already-exists@2:users.email");
	HAS(&t, "already-exists@3:users");
	HAS(&t, "missing-object@4:users");
	HAS(&t, "already-exists@5:events");
	tcase_free(&t);
}

static void test_views(void)
{
	tcase t;
	run(&t, "- DropTableColumn: {table: events, column_name: status}\n"
	        "- DropTableColumn: {table: users, column_name: signup_ts}\n", REMOTE, NULL);
	HAS(&t, "view-broken-by-change@0:events.status/events_mv");
	ok(find(&t, "view-broken-by-change@0:events.status/events_mv") &&
	   migplan_finding_related_count(find(&t, "view-broken-by-change@0:events.status/events_mv")) == 1,
	   "the view is a related location");
	ok(migplan_finding_blocker(find(&t, "view-broken-by-change@0:events.status/events_mv")),
	   "ClickHouse refuses to drop a column a materialized view reads: a blocker");
	HASNT(&t, "view-broken-by-change@1:users.signup_ts/users_v");
	tcase_free(&t);
	run(&t, "- DropMaterializedView: {name: events_mv}\n"
	        "- DropTableColumn: {table: events, column_name: status}\n"
	        "- CreateMaterializedView: {name: events_mv, select_sql: SELECT toDate(ts) AS day FROM events, target_table: events_daily}\n",
	    REMOTE, NULL);
	NO_RULE(&t, "view-broken-by-change");
	tcase_free(&t);
	run(&t, "- RenameTableColumn: {table: users, before_column_name: email, after_column_name: mail}\n", REMOTE, NULL);
	HAS(&t, "view-broken-by-change@0:users.email/users_v");
	ok(!migplan_finding_blocker(find(&t, "view-broken-by-change@0:users.email/users_v")),
	   "a rename is accepted (the view fails later): not a blocker");
	tcase_free(&t);
	/* versioned tables: the libraries write the unversioned name into sourceTables */
	const char *remote = SNAP_WITH(ENTRY("e10", TBLX("events_1_0", "events", "\"id\"", COL("id", "String") ", " COL("x", "String"), ", \"version\": \"1.0\"")),
	                               "\"mv\": {\"name\": \"mv\", \"selectSql\": \"SELECT x FROM events\", \"sourceTables\": [\"`events`\"], \"targetTable\": \"out\"}", "");
	run(&t, "- DropTableColumn: {table: events_1_0, column_name: x}\n", remote, NULL);
	HAS(&t, "view-broken-by-change@0:events_1_0.x/mv");
	tcase_free(&t);
}

/* ---------------------------------------------------------------- RawSql */

static void test_raw_sql(void)
{
	tcase t;
	run(&t, "- RawSql: {description: x, sql: []}\n"
	        "- RawSql: {description: x, sql: ['SELECT 1', '  ']}\n"
	        "- RawSql: {description: x, sql: ['SELECT 1; SELECT 2']}\n"
	        "- RawSql: {description: '', sql: ['SELECT 1']}\n"
	        "- RawSql: {description: x, sql: ['ALTER TABLE users DELETE WHERE 1']}\n"
	        "- RawSql: {description: x, sql: ['TRUNCATE TABLE users']}\n"
	        "- RawSql: {description: x, sql: ['INSERT INTO nowhere SELECT 1']}\n"
	        "- RawSql: {description: x, sql: ['ALTER TABLE users UPDATE age = 0']}\n", REMOTE, NULL);
	HAS(&t, "raw-sql-malformed@0:");
	HAS(&t, "raw-sql-malformed@1:");
	ok(!migplan_finding_blocker(find(&t, "raw-sql-malformed@1:")), "an empty item is skipped, not a failure");
	HAS(&t, "raw-sql-multiple-statements@2:");
	HAS(&t, "raw-sql-no-description@3:");
	HAS(&t, "raw-sql-unbounded-mutation@4:users");
	HAS(&t, "raw-sql-unbounded-mutation@5:users");
	HAS(&t, "missing-object@6:nowhere");
	ok(!migplan_finding_blocker(find(&t, "raw-sql-unbounded-mutation@4:users")) &&
	   migplan_finding_blocker(find(&t, "raw-sql-unbounded-mutation@7:users")),
	   "WHERE 1 is a warning; no WHERE at all is a syntax error, a blocker");
	tcase_free(&t);
	run(&t, "- RawSql: {description: x, sql: ['SELECT 1;', 'ALTER TABLE users DELETE WHERE age < 0']}\n", REMOTE, NULL);
	NO_RULE(&t, "raw-sql-malformed");
	NO_RULE(&t, "raw-sql-multiple-statements");
	NO_RULE(&t, "raw-sql-no-description");
	NO_RULE(&t, "raw-sql-unbounded-mutation");
	tcase_free(&t);
	/* a table rebuilt in SQL replays cleanly */
	run(&t, RAW("CREATE TABLE events_new AS events") RAW("INSERT INTO events_new SELECT * FROM events")
	        RAW("EXCHANGE TABLES events AND events_new") RAW("DROP TABLE events_new")
	        MODIFY("events", COL("status", "String"), COL("status", "String")), REMOTE, NULL);
	NO_RULE(&t, "missing-object");
	NO_RULE(&t, "write-before-create");
	tcase_free(&t);
}

/* ---------------------------------------------------------------- the plan against the code */

static void test_against_code(void)
{
	const char *remote = SNAP_WITH(ENTRY("users", T_USERS), "", V_USERS);
	const char *local = SNAP_WITH(ENTRY("users", TBL("users", "\"user_id\"", COL("user_id", "String") ", " COL("email", "String") ", "
	                                                  COL("signup_ts", "DateTime") ", " COL("age", "Int32") ", " OPT("nick", "String"))),
	                              "", V_USERS);
	tcase t;
	run(&t, "- AddTableColumn: {table: users, column: " OPT("nick", "String") "}\n", remote, local);
	is_str(t.summary, "", "a plan that reaches the code has no finding");
	tcase_free(&t);
	run(&t, "- AddTableColumn: {table: users, column: " OPT("nick", "Int64") "}\n"
	        "- AddTableColumn: {table: users, column: " OPT("extra", "Int64") "}\n", remote, local);
	HAS(&t, "plan-misses-code-schema@-1:users.nick");
	HAS(&t, "plan-misses-code-schema@-1:users.extra");
	tcase_free(&t);
	run(&t, "", remote, local);
	HAS(&t, "plan-misses-code-schema@-1:users.nick");
	ok(find(&t, "plan-misses-code-schema@-1:users.nick") &&
	   strcmp(base(migplan_finding_path(find(&t, "plan-misses-code-schema@-1:users.nick"))), "local_infra_map.json") == 0,
	   "a gap points into local_infra_map.json");
	tcase_free(&t);
	run(&t, "- DropTableColumn: {table: users, column_name: age}\n"
	        "- DropView: {name: users_v}\n"
	        "- AddTableColumn: {table: users, column: " OPT("nick", "String") "}\n", remote, local);
	HAS(&t, "destructive-not-in-code@0:users.age");
	HAS(&t, "destructive-not-in-code@1:/users_v");
	HAS(&t, "plan-misses-code-schema@-1:users.age");
	HAS(&t, "plan-misses-code-schema@-1:/users_v");
	tcase_free(&t);
	const char *local2 = SNAP_WITH(ENTRY("users", TBL("users", "\"user_id\"", COL("user_id", "String") ", " COL("email", "String") ", "
	                                                   COL("signup_ts", "DateTime"))), "", "");
	run(&t, "- DropTableColumn: {table: users, column_name: age}\n- DropView: {name: users_v}\n", remote, local2);
	NO_RULE(&t, "destructive-not-in-code");
	NO_RULE(&t, "plan-misses-code-schema");
	tcase_free(&t);
	run(&t, "- DropTable: {table: users}\n" CT(TBL("users", "\"user_id\"", COL("user_id", "String") ", " COL("email", "String") ", "
	                                             COL("signup_ts", "DateTime") ", " COL("age", "Int32") ", " OPT("nick", "String"))),
	    remote, local);
	HAS(&t, "destructive-not-in-code@0:users");
	tcase_free(&t);
}

static void test_missing_artifacts(void)
{
	tcase t;
	run(&t, "- DropTable: {table: events}\n- AddTableColumn: {table: users, column: " OPT("a", "String") "}\n", NULL, NULL);
	ok(find(&t, "missing-artifact@-1:") != NULL, "a missing snapshot is a finding");
	size_t n = 0;
	for (size_t i = 0; i < migplan_plan_finding_count(t.plan); i++)
		n += strcmp(migplan_finding_rule(migplan_plan_finding_at(t.plan, i)), "missing-artifact") == 0;
	is_int(n, 2, "one for each snapshot");
	ok(migplan_finding_blocker(find(&t, "missing-artifact@-1:")), "missing artifacts block");
	NO_RULE(&t, "missing-object");
	HAS(&t, "drop-table@0:events");
	const migplan_finding *last = migplan_plan_finding_at(t.plan, migplan_plan_finding_count(t.plan) - 1);
	ok(migplan_finding_operation(last) == -1 && migplan_finding_line(last) == 1 &&
	   strcmp(migplan_finding_path(last), "plan.yaml") == 0, "plan-wide findings come last and point at the plan's 1:1");
	tcase_free(&t);
	run(&t, "- DropTable: {table: events}\n", REMOTE, REMOTE);
	NO_RULE(&t, "missing-artifact");
	tcase_free(&t);
}

/* ---------------------------------------------------------------- configuration */

static migplan_config *cfg_of(const char *text)
{
	migplan_config *cfg = NULL;
	if (migplan_config_load_buffer(&cfg, text, strlen(text), ".migplan.yaml", NULL) != MIGPLAN_OK)
		diag("config: %s", migplan_error_message(migplan_error_last()));
	return cfg;
}

static void test_config_in_analysis(void)
{
	migplan_config *cfg = cfg_of("severity:\n  drop-view: off\n  drop-materialized-view: error\n"
	                             "allow:\n"
	                             "  - rule: drop-table\n    table: events\n    reason: archived in S3\n"
	                             "  - rule: drop-column\n    table: users\n    column: age\n    operation: 5\n    reason: wrong op\n"
	                             "  - rule: drop-column\n    table: ghost\n    reason: stale\n");
	tcase t;
	run_cfg(&t, "- DropTable: {table: events}\n- DropTableColumn: {table: users, column_name: age}\n"
	            "- DropView: {name: users_v}\n- DropMaterializedView: {name: events_mv}\n", REMOTE, REMOTE, cfg);
	const migplan_finding *f = find(&t, "drop-table@0:events");
	ok(f && migplan_finding_allowed(f), "an allow entry covers its finding");
	is_str(migplan_finding_allow_reason(f), "archived in S3", "with its reason");
	f = find(&t, "drop-column@1:users.age");
	ok(f && !migplan_finding_allowed(f), "an entry for another operation does not cover it");
	NO_RULE(&t, "drop-view");
	is_int(migplan_finding_severity(find(&t, "drop-materialized-view@3:/events_mv")), MIGPLAN_SEVERITY_ERROR,
	       "a severity override applies");
	HAS(&t, "unused-allow@-1:");
	size_t unused = 0;
	for (size_t i = 0; i < migplan_plan_finding_count(t.plan); i++) {
		f = migplan_plan_finding_at(t.plan, i);
		if (strcmp(migplan_finding_rule(f), "unused-allow") == 0) {
			unused++;
			ok(strcmp(migplan_finding_path(f), ".migplan.yaml") == 0 && (migplan_finding_line(f) == 8 || migplan_finding_line(f) == 13),
			   "unused-allow points at its entry (line %u)", migplan_finding_line(f));
		}
	}
	is_int(unused, 2, "both entries that match nothing are reported");
	size_t all = migplan_plan_finding_count_at_least(t.plan, MIGPLAN_SEVERITY_INFO);
	size_t total = migplan_plan_finding_count(t.plan);
	is_int(all, total - 1, "allowed findings do not count towards the threshold");
	tcase_free(&t);
	migplan_config_free(cfg);
}

/* ---------------------------------------------------------------- target deployment */

static void test_target_in_analysis(void)
{
	const char *list = "[{\"id\": \"d1\", \"branch\": \"main\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-01T10:00:00Z\", "
	                   "\"moose_version\": \"0.6.449\"},"
	                   "{\"id\": \"d2\", \"branch\": \"main\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-02T10:00:00Z\", "
	                   "\"moose_version\": \"0.6.500\"},"
	                   "{\"id\": \"d3\", \"branch\": \"rel\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-02T10:00:00Z\"},"
	                   "{\"id\": \"d4\", \"branch\": \"rel\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-02T10:00:00Z\"}]";
	tcase t;
	run(&t, "", REMOTE, REMOTE);
	ok(migplan_plan_set_target_buffer(t.plan, list, strlen(list), "deployments.json", "main", NULL) == MIGPLAN_OK,
	   "a deployments list is accepted");
	is_str(migplan_plan_target_id(t.plan), "d2", "the latest Deployed deployment of main");
	migplan_plan_analyze(t.plan, NULL);
	summarize(&t);
	HAS(&t, "snapshot-target-mismatch@-1:");
	ok(strstr(migplan_finding_message(find(&t, "snapshot-target-mismatch@-1:")), "0.6.500") != NULL,
	   "the mismatch names both versions");
	migplan_plan_set_target_buffer(t.plan, list, strlen(list), "deployments.json", "rel", NULL);
	ok(migplan_plan_target_id(t.plan) == NULL, "ambiguous: no target id");
	migplan_plan_analyze(t.plan, NULL);
	summarize(&t);
	HAS(&t, "target-deployment-undetermined@-1:");
	ok(migplan_finding_blocker(find(&t, "target-deployment-undetermined@-1:")) &&
	   migplan_finding_related_count(find(&t, "target-deployment-undetermined@-1:")) == 2,
	   "a blocker, with both candidates as related locations");
	is_int(migplan_plan_set_target_file(t.plan, "/nonexistent/deployments.json", "main", NULL), MIGPLAN_EIO,
	       "an unreadable list is an error");
	migplan_plan_analyze(t.plan, NULL);
	summarize(&t);
	HAS(&t, "target-deployment-undetermined@-1:");
	tcase_free(&t);
	const char *match = "[{\"id\": \"d1\", \"branch\": \"main\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-01T10:00:00Z\", "
	                    "\"moose_version\": \"0.6.449\"}]";
	run(&t, "", REMOTE, REMOTE);
	migplan_plan_set_target_buffer(t.plan, match, strlen(match), "deployments.json", "main", NULL);
	migplan_plan_analyze(t.plan, NULL);
	summarize(&t);
	NO_RULE(&t, "snapshot-target-mismatch");
	NO_RULE(&t, "target-deployment-undetermined");
	tcase_free(&t);
}

/* ---------------------------------------------------------------- the API itself */

static void test_api(void)
{
	is_int(migplan_plan_analyze(NULL, NULL), MIGPLAN_EINVAL, "a NULL plan is EINVAL");
	ok(migplan_plan_finding_count(NULL) == 0 && migplan_plan_finding_at(NULL, 0) == NULL, "getters accept NULL");
	ok(migplan_finding_rule(NULL) == NULL && migplan_finding_operation(NULL) == -1 && !migplan_finding_blocker(NULL),
	   "finding getters accept NULL");
	tcase t;
	run(&t, "- DropTable: {table: events}\n- DropTableColumn: {table: users, column_name: age}\n", REMOTE, REMOTE);
	size_t first = migplan_plan_finding_count(t.plan);
	migplan_plan_analyze(t.plan, NULL);
	is_int(migplan_plan_finding_count(t.plan), first, "analysing again replaces the findings");
	int sorted = 1;
	for (size_t i = 1; i < migplan_plan_finding_count(t.plan); i++) {
		long a = migplan_finding_operation(migplan_plan_finding_at(t.plan, i - 1));
		long b = migplan_finding_operation(migplan_plan_finding_at(t.plan, i));
		sorted &= (a >= 0 && (b < 0 || a <= b)) || (a < 0 && b < 0);
	}
	ok(sorted, "findings are ordered by operation, plan-wide last");
	ok(migplan_plan_finding_at(t.plan, first) == NULL, "past the end is NULL");
	tcase_free(&t);
}

/* Thousands of operations on thousands of tables: one pass, hashed lookups. */
static void test_scale(void)
{
	enum { NTABLES = 2000, NOPS = 20000 };
	size_t cap = (size_t)NTABLES * 200 + 100;
	char *snap = malloc(cap), *ops = malloc((size_t)NOPS * 120);
	size_t n = (size_t)snprintf(snap, cap, "{\"default_database\": \"local\", \"tables\": {");
	for (int i = 0; i < NTABLES; i++)
		n += (size_t)snprintf(snap + n, cap - n, "%s\"t%d\": {\"name\": \"t%d\", \"order_by\": [\"id\"], \"columns\": "
		                      "[{\"name\": \"id\", \"data_type\": \"String\", \"required\": true}], \"source_primitive\": {\"name\": \"t%d\"}}",
		                      i ? ", " : "", i, i, i);
	snprintf(snap + n, cap - n, "}}");
	size_t m = 0;
	for (int i = 0; i < NOPS; i++)
		m += (size_t)sprintf(ops + m, "- AddTableColumn: {table: t%d, after_column: id, column: {name: c%d, data_type: Int64, required: true}}\n",
		                     i % NTABLES, i);
	clock_t start = clock();
	tcase t;
	int loaded = run(&t, ops, snap, NULL);
	double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
	ok(loaded && migplan_plan_finding_count(t.plan) == 1, "%d operations on %d tables analysed (%.2f s)", NOPS, NTABLES, secs);
	ok(secs < 30, "in reasonable time");
	tcase_free(&t);
	free(snap);
	free(ops);
}

int main(void)
{
	test_fixtures();
	test_fixture_details();
	test_drop_recreate_and_version_bump();
	test_plain_drops();
	test_drop_after_copy();
	test_likely_rename();
	test_modify_causes();
	test_key_columns();
	test_type_refused();
	test_life_cycle();
	test_ordering_tables();
	test_ordering_columns();
	test_existence();
	test_views();
	test_raw_sql();
	test_against_code();
	test_missing_artifacts();
	test_config_in_analysis();
	test_target_in_analysis();
	test_api();
	test_scale();
	return done_testing();
}
