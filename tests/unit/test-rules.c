/* The analysis' building blocks: the rule registry, rewrite ids, the SQL scanner, the project
 * configuration (.migplan.yaml) and the choice of the target deployment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan.h"
#include "migplan/analyze.h"
#include "tap.h"

#include "analysis-private.h"
#include "rules.h"
#include "sqlscan.h"

/* ---------------------------------------------------------------- registry */

static int kebab(const char *s)
{
	if (!s || !*s || *s == '-')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || (*s == '-' && s[1] != '-' && s[1])))
			return 0;
	return 1;
}

static void test_registry(void)
{
	size_t n = migplan_rule_count();
	ok(n >= 30, "the registry has %zu rules", n);
	int all_ok = 1;
	for (size_t i = 0; i < n; i++) {
		const char *id = migplan_rule_id_at(i);
		int good = kebab(id) && migplan_rule_summary(id) && strlen(migplan_rule_summary(id)) > 10 &&
		           migplan_rule_help(id) && strstr(migplan_rule_help(id), "\n") &&
		           migplan_rule_default_severity(id) >= MIGPLAN_SEVERITY_INFO &&
		           migplan_rule_default_severity(id) <= MIGPLAN_SEVERITY_ERROR;
		for (size_t k = 0; k < i; k++)
			good &= strcmp(migplan_rule_id_at(k), id) != 0;
		if (!good)
			diag("bad registry entry %zu: %s", i, id ? id : "(null)");
		all_ok &= good;
	}
	ok(all_ok, "every rule has a unique kebab-case id, a summary, a help with a safe alternative and a severity");
	ok(migplan_rule_id_at(n) == NULL, "past the end is NULL");
	ok(migplan_rule_summary("no-such-rule") == NULL && migplan_rule_help(NULL) == NULL,
	   "unknown rules have no summary or help");
	is_int(migplan_rule_default_severity("no-such-rule"), 0, "unknown rules have no severity");
	const char *required[] = {"drop-recreate-same-table", "version-bump-drop-first", "drop-table",
	                          "drop-column", "drop-materialized-view", "drop-view", "likely-rename",
	                          "narrowing-change", "nullable-to-required", "type-family-change",
	                          "enum-member-removed", "key-column-change", "type-refused-by-clickhouse",
	                          "write-before-create", "read-after-drop", "column-before-add",
	                          "column-after-drop", "modify-after-drop", "view-before-table",
	                          "missing-object", "view-broken-by-change", "deletion-protected-change",
	                          "externally-managed-change", "raw-sql-malformed",
	                          "raw-sql-multiple-statements", "raw-sql-no-description",
	                          "raw-sql-unbounded-mutation", "missing-artifact",
	                          "target-deployment-undetermined", "snapshot-target-mismatch",
	                          "plan-misses-code-schema", "destructive-not-in-code", "unused-allow"};
	int found = 1;
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!migplan_rule_summary(required[i])) {
			diag("missing rule %s", required[i]);
			found = 0;
		}
	ok(found, "the rules the issue asks for are all registered");
	is_int(migplan_rule_default_severity("drop-table"), MIGPLAN_SEVERITY_ERROR, "drop-table is an error");
	is_int(migplan_rule_default_severity("unused-allow"), MIGPLAN_SEVERITY_WARNING, "unused-allow is a warning");
	ok(strstr(migplan_rule_help("drop-recreate-same-table"), "EXCHANGE TABLES") != NULL,
	   "the rebuild help names EXCHANGE TABLES");
	ok(strstr(migplan_rule_help("likely-rename"), "RenameTableColumn") != NULL,
	   "the rename help names RenameTableColumn");
	is_str(migplan_severity_name(MIGPLAN_SEVERITY_WARNING), "warning", "severity names");
	ok(migplan_severity_name((migplan_severity)9) == NULL, "unknown severity has no name");
	is_int(migplan_severity_from_name("ERROR"), MIGPLAN_SEVERITY_ERROR, "severity names parse without case");
	is_int(migplan_severity_from_name("fatal"), 0, "unknown severity names give 0");
	is_int(migplan__rule_index("drop-column"), MIGPLAN__R_DROP_COLUMN, "the internal index matches the id");
}

/* ---------------------------------------------------------------- rewrite ids */

static void test_edit_ids(void)
{
	migplan__arena a;
	migplan__arena_init(&a);
	migplan__edit e = {MIGPLAN__EDIT_REBUILD_TABLE, "local", "events", NULL, NULL, 0};
	is_str(migplan__edit_format(&a, &e), "rebuild-table:local.events", "rebuild-table id");
	migplan__edit r = {MIGPLAN__EDIT_RENAME_COLUMN, "local", "users", "signup_ts", "signed_up_at", 0};
	is_str(migplan__edit_format(&a, &r), "rename-column:local.users.signup_ts.signed_up_at", "rename-column id");
	migplan__edit o = {MIGPLAN__EDIT_REORDER, NULL, NULL, NULL, NULL, 12};
	is_str(migplan__edit_format(&a, &o), "reorder:12", "reorder id");
	migplan__edit d = {MIGPLAN__EDIT_REBUILD_TABLE, "my.db", "a\\b", NULL, NULL, 0};
	const char *id = migplan__edit_format(&a, &d);
	is_str(id, "rebuild-table:my\\.db.a\\\\b", "dots and backslashes in names are escaped");
	migplan__edit back;
	ok(migplan__edit_parse(&back, &a, id) && back.kind == MIGPLAN__EDIT_REBUILD_TABLE &&
	   strcmp(back.database, "my.db") == 0 && strcmp(back.table, "a\\b") == 0,
	   "an escaped id parses back to the same names");
	ok(migplan__edit_parse(&back, &a, "rename-column:local.users.signup_ts.signed_up_at") &&
	   strcmp(back.new_column, "signed_up_at") == 0 && strcmp(back.column, "signup_ts") == 0,
	   "rename-column parses");
	ok(migplan__edit_parse(&back, &a, "reorder:7") && back.op == 7, "reorder parses");
	ok(!migplan__edit_parse(&back, &a, "reorder:") && !migplan__edit_parse(&back, &a, "reorder:x") &&
	   !migplan__edit_parse(&back, &a, "rebuild-table:onlyone") &&
	   !migplan__edit_parse(&back, &a, "rename-column:a.b.c") && !migplan__edit_parse(&back, &a, "other:1") &&
	   !migplan__edit_parse(&back, &a, "rebuild-table:a..b"),
	   "malformed ids are refused");
	migplan__edit missing = {MIGPLAN__EDIT_RENAME_COLUMN, "local", "users", NULL, "x", 0};
	ok(migplan__edit_format(&a, &missing) == NULL, "an id with a missing name is not made");
	migplan__arena_release(&a);
}

/* ---------------------------------------------------------------- SQL scanner */

static int has_name(const migplan__sqlname *arr, size_t n, const char *db, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0 &&
		    ((!db && !arr[i].database) || (db && arr[i].database && strcmp(db, arr[i].database) == 0)))
			return 1;
	return 0;
}

static void scan(migplan__sqlinfo *info, const char *sql)
{
	if (migplan__sql_scan(info, sql, strlen(sql)) != MIGPLAN_OK)
		diag("scan failed: %s", sql);
}

static void test_sql_tables(void)
{
	migplan__sqlinfo in;
	scan(&in, "INSERT INTO `events_v2` SELECT event_id, user_id FROM `events`");
	ok(in.verb == MIGPLAN__SQL_INSERT && in.backfill, "INSERT ... SELECT is a backfill");
	ok(has_name(in.writes, in.write_count, NULL, "events_v2") && in.write_count == 1, "INSERT INTO writes its table");
	ok(has_name(in.reads, in.read_count, NULL, "events") && in.read_count == 1, "FROM reads its table");
	ok(migplan__sql_mentions(&in, "user_id") && !migplan__sql_mentions(&in, "USER_ID"),
	   "identifiers are case-sensitive");
	migplan__sql_release(&in);

	scan(&in, "SELECT a FROM db1.t1 AS x JOIN `db2`.`t2` y ON x.id = y.id, t3 "
	          "WHERE extract(DAY FROM ts) = 1 -- FROM t4\n/* JOIN t5 */");
	ok(has_name(in.reads, in.read_count, "db1", "t1") && has_name(in.reads, in.read_count, "db2", "t2"),
	   "qualified and quoted tables are split into database and name");
	ok(!has_name(in.reads, in.read_count, NULL, "ts") && !has_name(in.reads, in.read_count, NULL, "t4") &&
	   !has_name(in.reads, in.read_count, NULL, "t5"),
	   "FROM inside a function call and in comments is not a table");
	migplan__sql_release(&in);

	scan(&in, "SELECT * FROM a, b AS bb, (SELECT 1 FROM c) JOIN numbers(10) n ON 1");
	ok(has_name(in.reads, in.read_count, NULL, "a") && has_name(in.reads, in.read_count, NULL, "b") &&
	   has_name(in.reads, in.read_count, NULL, "c") && !has_name(in.reads, in.read_count, NULL, "numbers"),
	   "comma joins and subqueries are read; table functions are not tables");
	migplan__sql_release(&in);

	scan(&in, "SELECT toDate(`created_at`) AS day, sum(`amount`) FROM `orders` GROUP BY day");
	ok(migplan__sql_mentions(&in, "created_at") && migplan__sql_mentions(&in, "amount") &&
	   !migplan__sql_mentions(&in, "toDate") && !migplan__sql_mentions(&in, "sum"),
	   "function names are not identifiers; backticked names are");
	migplan__sql_release(&in);

	scan(&in, "ts + INTERVAL 30 DAY");
	ok(in.verb == MIGPLAN__SQL_NONE && migplan__sql_mentions(&in, "ts") && !migplan__sql_mentions(&in, "DAY"),
	   "an expression: identifiers, no verb, interval units are not columns");
	migplan__sql_release(&in);
}

static void test_sql_statements(void)
{
	migplan__sqlinfo in;
	scan(&in, "SELECT 'a;b' /* ; */ -- ;\n FROM t;  ");
	is_int(in.statement_count, 1, "semicolons in strings and comments, and a trailing one, do not count");
	migplan__sql_release(&in);
	scan(&in, "ALTER TABLE t DELETE WHERE 1; SELECT 1");
	is_int(in.statement_count, 2, "two statements");
	migplan__sql_release(&in);
	scan(&in, "");
	is_int(in.statement_count, 0, "empty text has no statement");
	migplan__sql_release(&in);
}

static void test_sql_mutations(void)
{
	migplan__sqlinfo in;
	scan(&in, "ALTER TABLE events UPDATE status_v2 = status WHERE status_v2 IS NULL AND status IN ('a', 'b')");
	ok(in.mutation_count == 1 && in.unbounded_count == 0 && in.backfill, "a bounded ALTER UPDATE");
	ok(has_name(in.writes, in.write_count, NULL, "events"), "ALTER TABLE writes its table");
	migplan__sql_release(&in);
	scan(&in, "ALTER TABLE t UPDATE a = 1, b = 2 WHERE 1 = 1");
	ok(in.unbounded_count == 1 && in.unbounded_what && strstr(in.unbounded_what, "WHERE 1 = 1"),
	   "WHERE 1 = 1 is unbounded (%s)", in.unbounded_what ? in.unbounded_what : "");
	migplan__sql_release(&in);
	scan(&in, "ALTER TABLE t DELETE WHERE true");
	ok(in.unbounded_count == 1 && in.missing_where_count == 0, "WHERE true is unbounded but has a WHERE");
	migplan__sql_release(&in);
	scan(&in, "DELETE FROM t");
	ok(in.unbounded_count == 1 && in.missing_where_count == 1 && in.read_count == 0 &&
	   has_name(in.writes, in.write_count, NULL, "t"),
	   "DELETE FROM without WHERE is unbounded and writes, not reads");
	migplan__sql_release(&in);
	scan(&in, "DELETE FROM t WHERE id = 3");
	is_int(in.unbounded_count, 0, "a lightweight delete with a WHERE is bounded");
	migplan__sql_release(&in);
	scan(&in, "TRUNCATE TABLE IF EXISTS `t`");
	ok(in.unbounded_count == 1 && has_name(in.writes, in.write_count, NULL, "t"), "TRUNCATE empties a table");
	migplan__sql_release(&in);
	scan(&in, "OPTIMIZE TABLE t FINAL");
	ok(in.mutation_count == 0 && has_name(in.writes, in.write_count, NULL, "t"), "OPTIMIZE is not a mutation");
	migplan__sql_release(&in);
}

static void test_sql_ddl(void)
{
	migplan__sqlinfo in;
	scan(&in, "CREATE TABLE IF NOT EXISTS local.tmp (a String, `b c` Int32, INDEX i a TYPE minmax GRANULARITY 1) "
	          "ENGINE = MergeTree ORDER BY a");
	ok(in.ddl_count == 1 && in.ddl[0].kind == MIGPLAN__DDL_CREATE_TABLE && in.ddl[0].column_count == 2 &&
	   strcmp(in.ddl[0].columns[1], "b c") == 0 && strcmp(in.ddl[0].object.database, "local") == 0,
	   "CREATE TABLE: its name and column names, not its index");
	migplan__sql_release(&in);
	scan(&in, "CREATE TABLE x AS y");
	ok(in.ddl_count == 1 && in.ddl[0].other.name && strcmp(in.ddl[0].other.name, "y") == 0,
	   "CREATE TABLE ... AS other copies a structure");
	migplan__sql_release(&in);
	scan(&in, "RENAME TABLE a TO b, c TO d");
	ok(in.ddl_count == 2 && in.ddl[1].kind == MIGPLAN__DDL_RENAME_TABLE && strcmp(in.ddl[1].other.name, "d") == 0,
	   "RENAME TABLE with two pairs");
	migplan__sql_release(&in);
	scan(&in, "EXCHANGE TABLES a AND b");
	ok(in.ddl_count == 1 && in.ddl[0].kind == MIGPLAN__DDL_EXCHANGE_TABLES, "EXCHANGE TABLES");
	migplan__sql_release(&in);
	scan(&in, "ALTER TABLE t DROP COLUMN IF EXISTS c, ADD COLUMN d String AFTER a, RENAME COLUMN e TO f");
	ok(in.ddl_count == 3 && in.ddl[0].kind == MIGPLAN__DDL_DROP_COLUMN && in.ddl[1].kind == MIGPLAN__DDL_ADD_COLUMN &&
	   in.ddl[2].kind == MIGPLAN__DDL_RENAME_COLUMN && strcmp(in.ddl[2].new_column, "f") == 0,
	   "ALTER TABLE column commands");
	migplan__sql_release(&in);
	scan(&in, "CREATE MATERIALIZED VIEW IF NOT EXISTS `mv` TO `tgt` AS SELECT * FROM src");
	ok(in.ddl_count == 1 && in.ddl[0].kind == MIGPLAN__DDL_CREATE_VIEW && in.ddl[0].materialized &&
	   strcmp(in.ddl[0].other.name, "tgt") == 0 && has_name(in.reads, in.read_count, NULL, "src"),
	   "CREATE MATERIALIZED VIEW ... TO");
	migplan__sql_release(&in);
	scan(&in, "DROP TABLE IF EXISTS x SYNC");
	ok(in.ddl_count == 1 && in.ddl[0].kind == MIGPLAN__DDL_DROP_TABLE && strcmp(in.ddl[0].object.name, "x") == 0,
	   "DROP TABLE");
	migplan__sql_release(&in);
}

/* ---------------------------------------------------------------- configuration */

static migplan_config *config(const char *text, migplan_status *st)
{
	migplan_config *cfg = NULL;
	*st = migplan_config_load_buffer(&cfg, text, strlen(text), "proj/.migplan.yaml", NULL);
	return cfg;
}

static void test_config(void)
{
	migplan_status st;
	migplan_config *cfg = config("fail_on: warning\n"
	                             "severity:\n  drop-column: warning\n  drop-view: off\n"
	                             "allow:\n"
	                             "  - rule: drop-table\n    table: events_1_0\n    reason: superseded\n"
	                             "  - {rule: drop-column, db: local, table: users, column: a, operation: 3, reason: ok}\n",
	                             &st);
	is_int(st, MIGPLAN_OK, "a full configuration loads");
	is_int(migplan_config_fail_on(cfg), MIGPLAN_SEVERITY_WARNING, "fail_on");
	is_str(migplan_config_path(cfg), "proj/.migplan.yaml", "its path");
	is_int(migplan__config_severity(cfg, MIGPLAN__R_DROP_COLUMN), MIGPLAN_SEVERITY_WARNING, "a severity override");
	is_int(migplan__config_severity(cfg, MIGPLAN__R_DROP_VIEW), 0, "off turns a rule off");
	is_int(migplan__config_severity(cfg, MIGPLAN__R_DROP_TABLE), MIGPLAN_SEVERITY_ERROR, "others keep their default");
	ok(cfg && cfg->allow_count == 2 && cfg->allows[1].operation == 3 && strcmp(cfg->allows[1].database, "local") == 0 &&
	   strcmp(cfg->allows[0].reason, "superseded") == 0,
	   "allow entries with their fields");
	migplan_config_free(cfg);

	cfg = config("", &st);
	ok(st == MIGPLAN_OK && migplan_config_fail_on(cfg) == MIGPLAN_SEVERITY_ERROR, "an empty file gives the defaults");
	migplan_config_free(cfg);
	is_int(migplan_config_fail_on(NULL), MIGPLAN_SEVERITY_ERROR, "no configuration fails on errors");

	cfg = config("allow:\n  - rule: drop-table\n    table: t\n", &st);
	ok(st == MIGPLAN_ESCHEMA && !cfg && strstr(migplan_error_message(migplan_error_last()), "reason") &&
	   migplan_error_line(migplan_error_last()) == 2,
	   "an allow entry without a reason is refused at its line (%s)", migplan_error_message(migplan_error_last()));
	cfg = config("allow:\n  - rule: drop-table\n    reason: '  '\n", &st);
	is_int(st, MIGPLAN_ESCHEMA, "a blank reason is refused");
	cfg = config("allow:\n  - rule: drop-tables\n    reason: x\n", &st);
	ok(st == MIGPLAN_ESCHEMA && strstr(migplan_error_message(migplan_error_last()), "drop-tables") &&
	   migplan_error_line(migplan_error_last()) == 2 && migplan_error_column(migplan_error_last()) == 11,
	   "an unknown rule is refused at its position");
	cfg = config("severity:\n  drop-table: fatal\n", &st);
	ok(st == MIGPLAN_ESCHEMA && migplan_error_line(migplan_error_last()) == 2, "an unknown severity is refused");
	cfg = config("fail_on: sometimes\n", &st);
	is_int(st, MIGPLAN_ESCHEMA, "an unknown fail_on is refused");
	cfg = config("allowed: []\n", &st);
	ok(st == MIGPLAN_ESCHEMA && strstr(migplan_error_message(migplan_error_last()), "allowed"), "an unknown key is refused");
	cfg = config("allow:\n  - {rule: drop-table, reason: x, tabel: t}\n", &st);
	ok(st == MIGPLAN_ESCHEMA && strstr(migplan_error_message(migplan_error_last()), "tabel"),
	   "an unknown key in an allow entry is refused");
	cfg = config("allow:\n  - {rule: drop-table, reason: x, operation: -1}\n", &st);
	is_int(st, MIGPLAN_ESCHEMA, "a negative operation is refused");
	cfg = config("allow: [1]\n", &st);
	is_int(st, MIGPLAN_ESCHEMA, "an allow entry must be a mapping");
	cfg = config("- a\n", &st);
	is_int(st, MIGPLAN_ESCHEMA, "the file must be a mapping");
	cfg = config("a: [\n", &st);
	is_int(st, MIGPLAN_EPARSE, "broken YAML is a parse error");
	is_int(migplan_config_load_buffer(NULL, "", 0, NULL, NULL), MIGPLAN_EINVAL, "NULL out is EINVAL");
}

static void test_config_discover(void)
{
	const char *data = getenv("MIGPLAN_TEST_DATA");
	if (!data) {
		ok(0, "MIGPLAN_TEST_DATA is set");
		return;
	}
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/analyze/project/migrations", data);
	migplan_config *cfg = NULL;
	migplan_status st = migplan_config_discover(&cfg, dir, NULL);
	ok(st == MIGPLAN_OK && cfg && strstr(migplan_config_path(cfg), "analyze/project/.migplan.yaml"),
	   "the configuration is found by walking up from the plan's directory");
	ok(cfg && cfg->allow_count == 1, "and loaded");
	migplan_config_free(cfg);
	snprintf(dir, sizeof(dir), "%s/analyze/project/migrations/../migrations/.", data);
	st = migplan_config_discover(&cfg, dir, NULL);
	ok(st == MIGPLAN_OK && cfg, "`.` and `..` in the start directory are resolved");
	migplan_config_free(cfg);
	st = migplan_config_discover(&cfg, "/", NULL);
	ok(st == MIGPLAN_OK && cfg == NULL, "no configuration up to the root: OK and NULL");
	is_int(migplan_config_load_file(&cfg, "/nonexistent/.migplan.yaml", NULL), MIGPLAN_EIO, "a missing file is EIO");
}

/* ---------------------------------------------------------------- target deployment */

static void choose(const char *json, const char *branch, char **id, char **problem, migplan_status *st)
{
	*st = migplan_target_choose(id, problem, json, strlen(json), branch);
}

static void test_target(void)
{
	char *id = NULL, *problem = NULL;
	migplan_status st;
	const char *list =
		"[{\"id\": \"d1\", \"branch\": \"main\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-01T10:00:00Z\"},"
		" {\"id\": \"d2\", \"branch\": \"main\", \"status\": \"Deployed\", \"deployed_at\": \"2026-03-01T11:30:00+02:00\"},"
		" {\"id\": \"d3\", \"branch\": \"main\", \"status\": \"Failed\", \"deployed_at\": \"2026-03-02T10:00:00Z\"},"
		" {\"id\": 4, \"branch\": \"dev\", \"status\": \"deployed\", \"createdAt\": \"2026-03-05T00:00:00.5Z\"}]";
	choose(list, "main", &id, &problem, &st);
	ok(st == MIGPLAN_OK && id && strcmp(id, "d1") == 0 && !problem,
	   "the latest Deployed of the branch, offsets applied (11:30+02:00 is before 10:00Z): %s", id ? id : problem);
	migplan_free(id);
	choose(list, "dev", &id, &problem, &st);
	ok(st == MIGPLAN_OK && id && strcmp(id, "4") == 0, "integer ids, createdAt, status without case");
	migplan_free(id);
	choose(list, "feature", &id, &problem, &st);
	ok(st == MIGPLAN_OK && !id && problem && strstr(problem, "no deployment of branch `feature`"),
	   "no deployment of the branch: no target, with the reason");
	migplan_free(problem);
	choose("{\"deployments\": [{\"id\": \"a\", \"branch\": \"main\", \"status\": \"Deployed\", \"created_at\": \"2026-03-01T10:00:00Z\"},"
	       "{\"id\": \"b\", \"branch\": \"main\", \"status\": \"Deployed\", \"created_at\": \"2026-03-01T12:00:00+02:00\"}]}",
	       "main", &id, &problem, &st);
	ok(st == MIGPLAN_OK && !id && problem && strstr(problem, "ambiguous"), "two equally latest: ambiguous (%s)",
	   problem ? problem : "");
	migplan_free(problem);
	choose("[{\"id\": \"a\", \"branch\": \"main\", \"status\": \"Deployed\", \"created_at\": \"2026-03-01T10:00:00Z\"},"
	       "{\"id\": \"b\", \"branch\": \"main\", \"status\": \"Deployed\", \"created_at\": \"yesterday\"}]",
	       "main", &id, &problem, &st);
	ok(st == MIGPLAN_OK && !id && problem && strstr(problem, "`b`"), "a candidate without a valid time: no guess");
	migplan_free(problem);
	choose("[{\"id\": \"a\", \"branch\": \"main\", \"status\": \"Deployed\"}]", "main", &id, &problem, &st);
	ok(st == MIGPLAN_OK && !id && problem && strstr(problem, "no timestamp"), "no timestamp at all");
	migplan_free(problem);
	choose("[{\"branch\": \"main\"}]", "main", &id, &problem, &st);
	is_int(st, MIGPLAN_ESCHEMA, "a deployment without id is not a deployments list");
	choose("{\"x\": 1}", "main", &id, &problem, &st);
	is_int(st, MIGPLAN_ESCHEMA, "an object without deployments is refused");
	choose("[1", "main", &id, &problem, &st);
	is_int(st, MIGPLAN_EPARSE, "broken JSON");
	choose("[]", "main", &id, NULL, &st);
	ok(st == MIGPLAN_OK && !id, "an empty list: no target (problem_out may be NULL)");
	is_int(migplan_target_choose(&id, NULL, "[]", 2, NULL), MIGPLAN_EINVAL, "a branch is required");
}

int main(void)
{
	test_registry();
	test_edit_ids();
	test_sql_tables();
	test_sql_statements();
	test_sql_mutations();
	test_sql_ddl();
	test_config();
	test_config_discover();
	test_target();
	return done_testing();
}
