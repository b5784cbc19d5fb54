/* Injection (issue 9): every identifier and literal in the generated SQL is escaped. Names full
 * of backticks, quotes, semicolons, backslashes and newlines go through the library's quoting
 * and through a whole plan (every operation kind that names something) and a snapshot, the
 * generated statements run on the embedded ClickHouse, and the catalog afterwards must hold
 * exactly the intended objects, with exactly those names: nothing else created, dropped or
 * changed (a canary table with rows stands beside them).
 *
 * Names are compared through hex() on the engine's side, so the check never relies on the
 * quoting it tests. Hostile values in the places Moose writes bare words (engine names,
 * setting names, index types) must not be able to add commands either: their statements may
 * fail, but the catalog must not move. Exit 77 when libchdb.so cannot be found. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chdb.h"
#include "migplan.h"
#include "tap.h"

static migplan__chdb *eng;

/* ---- small helpers ---- */

typedef tap_buf text;

__attribute__((format(printf, 2, 3)))
static void add(text *t, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		abort();
	tap_put(t, buf, (size_t)n);
}

/* A YAML double-quoted scalar: every byte the plan needs, escaped by YAML's rules. */
static void yq(text *t, const char *s)
{
	tap_put(t, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			tap_put(t, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[8];
			snprintf(e, sizeof e, "\\x%02X", c);
			tap_put(t, e, 4);
		} else {
			tap_put(t, (const char *)&c, 1);
		}
	}
	tap_put(t, "\"", 1);
}

/* JSON string, for the snapshot. */
static void jq(text *t, const char *s)
{
	tap_put(t, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = {'\\', (char)c};
			tap_put(t, e, 2);
		} else if (c < 0x20) {
			char e[8];
			snprintf(e, sizeof e, "\\u%04x", c);
			tap_put(t, e, 6);
		} else {
			tap_put(t, (const char *)&c, 1);
		}
	}
	tap_put(t, "\"", 1);
}

static char *hex(const char *s)
{
	size_t n = strlen(s);
	char *h = malloc(2 * n + 1);
	for (size_t i = 0; i < n; i++)
		snprintf(h + 2 * i, 3, "%02X", (unsigned char)s[i]);
	h[2 * n] = '\0';
	return h;
}

static char *ident(const char *s)
{
	char *q = NULL;
	if (migplan_sql_quote_identifier(s, &q))
		abort();
	return q;
}

static char *literal(const char *s)
{
	char *q = NULL;
	if (migplan_sql_quote_literal(s, &q))
		abort();
	return q;
}

/* Runs one statement; the output (TSV unless said otherwise), or NULL on failure. */
static char *run(const char *sql, const char *format)
{
	char *out = NULL;
	if (migplan__chdb_query(eng, sql, format, &out, NULL) != MIGPLAN_OK)
		return NULL;
	return out;
}

static int exec_ok(const char *sql)
{
	char *out = run(sql, NULL);
	free(out);
	return out != NULL;
}

/* ---- the catalog ---- */

/* Every database, table (with engine) and column (with type and comment), outside the
 * engine's own databases, names in hex: the whole state an injection could change. */
static char *catalog(void)
{
	text t = {0};
	static const char *const queries[] = {
		"SELECT 'db', hex(name) FROM system.databases WHERE name NOT IN "
		"('system', 'INFORMATION_SCHEMA', 'information_schema', 'default', '_local') ORDER BY 2",
		"SELECT 'table', hex(database), hex(name), engine FROM system.tables WHERE database NOT IN "
		"('system', 'INFORMATION_SCHEMA', 'information_schema', 'default', '_local') ORDER BY 2, 3",
		"SELECT 'column', hex(database), hex(table), hex(name), type, hex(comment) FROM "
		"system.columns WHERE database NOT IN "
		"('system', 'INFORMATION_SCHEMA', 'information_schema', 'default', '_local') "
		"ORDER BY 2, 3, position",
		"SELECT 'index', hex(database), hex(table), hex(name), type FROM system.data_skipping_indices "
		"WHERE database NOT IN ('system') ORDER BY 2, 3, 4",
		"SELECT 'rows', count(), sum(x) FROM canary.t",
	};
	for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		char *out = run(queries[i], NULL);
		if (!out) {
			add(&t, "(query failed: %s)\n", migplan_error_message(migplan_error_last()));
			continue;
		}
		tap_put(&t, out, strlen(out));
		free(out);
	}
	return t.p;
}

static void same_catalog(const char *what, const char *want, char *got)
{
	if (!ok(!strcmp(want, got), "%s", what)) {
		diag("want:\n%s", want);
		diag("got:\n%s", got);
	}
	free(got);
}

/* ---- the hostile names ---- */

static const char *const evil[] = {
	"a`b",
	"a'b",
	"a\"b",
	"a;b",
	"a\\b",
	"a\nb",
	"a\rb\tc",
	"trailing\\",
	"`",
	"'",
	"\\'",
	"\\`",
	"x` ; DROP TABLE canary.t; --",
	"x' OR '1'='1",
	"multi\nline`\n; DROP DATABASE canary; -- '",
	"caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x92\xA5",
	"ctl\x01\x1f\x7f",
};
#define NEVIL (sizeof evil / sizeof evil[0])

/* migplan_sql_quote_literal and _identifier, decoded by ClickHouse itself. */
static void test_quoting(void)
{
	for (size_t i = 0; i < NEVIL; i++) {
		char *lit = literal(evil[i]);
		text sql = {0};
		add(&sql, "SELECT hex(%s)", lit);
		char *out = run(sql.p, "TSVRaw");
		char *want = hex(evil[i]);
		if (!ok(out && !strncmp(out, want, strlen(want)) && out[strlen(want)] == '\n',
		        "literal %zu reads back byte for byte", i))
			diag("sent %s, got %s", sql.p, out ? out : migplan_error_message(migplan_error_last()));
		free(out);
		free(sql.p);
		free(lit);

		/* a database and a table named with it */
		char *id = ident(evil[i]);
		sql = (text){0};
		add(&sql, "CREATE DATABASE %s ENGINE = Atomic", id);
		int made = exec_ok(sql.p);
		free(sql.p);
		sql = (text){0};
		add(&sql, "CREATE TABLE %s.%s (%s Int32) ENGINE = Memory", id, id, id);
		made = made && exec_ok(sql.p);
		free(sql.p);
		sql = (text){0};
		add(&sql, "SELECT count() FROM system.columns WHERE hex(database) = '%s' AND hex(table) = "
		     "'%s' AND hex(name) = '%s'", want, want, want);
		out = run(sql.p, NULL);
		if (!ok(made && out && !strcmp(out, "1\n"), "identifier %zu names exactly that database, "
		        "table and column", i))
			diag("%s", migplan_error_message(migplan_error_last()));
		free(out);
		free(sql.p);
		sql = (text){0};
		add(&sql, "DROP DATABASE %s", id);
		ok(exec_ok(sql.p), "identifier %zu: dropped again", i);
		free(sql.p);
		free(id);
		free(want);
	}
}

/* ---- a whole plan ---- */

#define DB evil[12]
#define T1 evil[0]
#define T2 evil[14]
#define C1 evil[1]
#define C2 evil[5]
#define C3 evil[4]
#define C4 evil[2]
#define IDX evil[13]
#define PROJ evil[7]
#define VIEW evil[3]
#define MV evil[10]
#define COMMENT "it's a `comment`; DROP TABLE canary.t; -- \\ \n end"

static void column_yaml(text *t, const char *name, const char *type, const char *comment)
{
	add(t, "{name: ");
	yq(t, name);
	add(t, ", data_type: %s, required: true, primary_key: false, unique: false, default: null, "
	       "annotations: []", type);
	if (comment) {
		add(t, ", comment: ");
		yq(t, comment);
	}
	add(t, "}");
}

static void create_table_yaml(text *t, const char *db, const char *name, const char *cols[],
                              size_t ncols, const char *engine)
{
	add(t, "- CreateTable:\n    table:\n      name: ");
	yq(t, name);
	add(t, "\n      database: ");
	yq(t, db);
	add(t, "\n      columns:\n");
	for (size_t i = 0; i < ncols; i++) {
		add(t, "      - ");
		column_yaml(t, cols[i], "Int32", NULL);
		add(t, "\n");
	}
	add(t, "      order_by: [");
	yq(t, cols[0]);
	add(t, "]\n      engine: ");
	yq(t, engine);
	add(t, "\n      source_primitive: {name: x, primitive_type: DataModel}\n"
	       "      life_cycle: FULLY_MANAGED\n      indexes: []\n      version: null\n");
}

/* `op: {table: T1, database: DB, ` */
static void op_head(text *t, const char *op, const char *table)
{
	add(t, "- %s: {table: ", op);
	yq(t, table);
	add(t, ", database: ");
	yq(t, DB);
}

static char *plan_yaml(void)
{
	text t = {0};
	add(&t, "created_at: x\noperations:\n");
	const char *cols1[] = {C1, C2};
	create_table_yaml(&t, DB, T1, cols1, 2, "MergeTree");
	const char *cols2[] = {C1};
	create_table_yaml(&t, DB, T2, cols2, 1, "MergeTree");
	op_head(&t, "AddTableColumn", T1);
	add(&t, ", after_column: ");
	yq(&t, C1);
	add(&t, ", column: ");
	column_yaml(&t, C3, "String", COMMENT);
	add(&t, "}\n");
	op_head(&t, "RenameTableColumn", T1);
	add(&t, ", before_column_name: ");
	yq(&t, C3);
	add(&t, ", after_column_name: ");
	yq(&t, C4);
	add(&t, "}\n");
	/* a comment-only change: MODIFY COLUMN ... COMMENT '<literal>' */
	op_head(&t, "ModifyTableColumn", T1);
	add(&t, ", before_column: ");
	column_yaml(&t, C4, "String", COMMENT);
	add(&t, ", after_column: ");
	column_yaml(&t, C4, "String", COMMENT "\\ again");
	add(&t, "}\n");
	char *c1 = ident(C1);
	op_head(&t, "AddTableIndex", T1);
	add(&t, ", index: {name: ");
	yq(&t, IDX);
	add(&t, ", expression: ");
	yq(&t, c1);
	add(&t, ", type: minmax, arguments: [], granularity: 1}}\n");
	op_head(&t, "AddTableProjection", T1);
	add(&t, ", projection: {name: ");
	yq(&t, PROJ);
	text body = {0};
	add(&body, "SELECT %s ORDER BY %s", c1, c1);
	add(&t, ", body: ");
	yq(&t, body.p);
	free(body.p);
	add(&t, "}}\n");
	op_head(&t, "DropTableProjection", T1);
	add(&t, ", projection_name: ");
	yq(&t, PROJ);
	add(&t, "}\n");
	op_head(&t, "DropTableColumn", T1);
	add(&t, ", column_name: ");
	yq(&t, C2);
	add(&t, "}\n");
	op_head(&t, "ModifyTableSettings", T1);
	add(&t, ", before_settings: {index_granularity: '8192'}, after_settings: {index_granularity: "
	        "'8192', merge_with_ttl_timeout: '3600'}}\n");
	/* views: the names are identifiers; their SELECT is SQL the plan carries as written */
	char *db = ident(DB), *t1 = ident(T1);
	text sel = {0};
	add(&sel, "SELECT %s FROM %s.%s", c1, db, t1);
	add(&t, "- CreateView: {name: ");
	yq(&t, VIEW);
	add(&t, ", database: ");
	yq(&t, DB);
	add(&t, ", select_sql: ");
	yq(&t, sel.p);
	add(&t, "}\n- CreateMaterializedView: {name: ");
	yq(&t, MV);
	add(&t, ", database: ");
	yq(&t, DB);
	add(&t, ", target_table: ");
	yq(&t, T2);
	add(&t, ", target_database: ");
	yq(&t, DB);
	add(&t, ", select_sql: ");
	yq(&t, sel.p);
	add(&t, "}\n");
	free(sel.p);
	free(db);
	free(t1);
	free(c1);
	return t.p;
}

/* Loads the YAML and runs every operation's statements; returns how many failed. */
static int run_plan(const char *yaml, const char *what, int quiet)
{
	migplan_plan *p = NULL;
	if (migplan_plan_load_buffer(&p, yaml, strlen(yaml), "plan.yaml", NULL)) {
		ok(0, "%s: the plan loads: %s", what, migplan_error_message(migplan_error_last()));
		return -1;
	}
	int failures = 0;
	for (size_t i = 0; i < migplan_plan_op_count(p); i++) {
		migplan_sql *sql = NULL;
		if (migplan_op_to_sql(&sql, migplan_plan_op_at(p, i), NULL, MIGPLAN_SQL_NONE)) {
			failures++;
			continue;
		}
		for (size_t j = 0; j < migplan_sql_count(sql); j++) {
			if (exec_ok(migplan_sql_at(sql, j)))
				continue;
			failures++;
			if (!quiet)
				diag("%s, operation %zu: %s\n  -> %s", what, i, migplan_sql_at(sql, j),
				     migplan_error_message(migplan_error_last()));
		}
		migplan_sql_free(sql);
	}
	migplan_plan_free(p);
	return failures;
}

/* What the plan must leave, built here from the names (hex), not from the engine. */
static char *expected_after_plan(const char *before)
{
	text t = {0};
	char *h_db = hex(DB), *h_t1 = hex(T1), *h_t2 = hex(T2), *h_c1 = hex(C1), *h_c4 = hex(C4);
	char *h_v = hex(VIEW), *h_mv = hex(MV), *h_idx = hex(IDX), *h_cm = hex(COMMENT "\\ again");
	/* the canary's lines stay; the plan's database sorts by its hex name among them */
	const char *rows = strstr(before, "rows\t");
	add(&t, "db\t%s\ndb\t%s\n", "63616E617279", h_db); /* "canary" < "x` ;..." in hex */
	const char *tables[][2] = {{h_t1, "MergeTree"}, {h_c1, NULL}};
	(void)tables;
	/* tables in hex order of (database, name) */
	struct { const char *name, *engine; } tb[] = {
		{h_t1, "MergeTree"}, {h_v, "View"}, {h_mv, "MaterializedView"}, {h_t2, "MergeTree"},
	};
	size_t ntb = sizeof tb / sizeof tb[0];
	for (size_t i = 0; i < ntb; i++)
		for (size_t j = i + 1; j < ntb; j++)
			if (strcmp(tb[j].name, tb[i].name) < 0) {
				__typeof__(tb[0]) x = tb[i];
				tb[i] = tb[j];
				tb[j] = x;
			}
	add(&t, "table\t%s\t%s\tMergeTree\n", "63616E617279", "74");
	for (size_t i = 0; i < ntb; i++)
		add(&t, "table\t%s\t%s\t%s\n", h_db, tb[i].name, tb[i].engine);
	add(&t, "column\t%s\t%s\t%s\tInt32\t\n", "63616E617279", "74", "78");
	for (size_t i = 0; i < ntb; i++) {
		if (tb[i].name == h_t1) {
			add(&t, "column\t%s\t%s\t%s\tInt32\t\n", h_db, h_t1, h_c1);
			add(&t, "column\t%s\t%s\t%s\tString\t%s\n", h_db, h_t1, h_c4, h_cm);
		} else {
			add(&t, "column\t%s\t%s\t%s\tInt32\t\n", h_db, tb[i].name, h_c1);
		}
	}
	add(&t, "index\t%s\t%s\t%s\tminmax\n", h_db, h_t1, h_idx);
	tap_put(&t, rows, strlen(rows));
	free(h_db);
	free(h_t1);
	free(h_t2);
	free(h_c1);
	free(h_c4);
	free(h_v);
	free(h_mv);
	free(h_idx);
	free(h_cm);
	return t.p;
}

static void test_plan(void)
{
	char *before = catalog();
	char *db = ident(DB);
	text sql = {0};
	add(&sql, "CREATE DATABASE %s ENGINE = Atomic", db);
	ok(exec_ok(sql.p), "the plan's database is created");
	free(sql.p);
	char *yaml = plan_yaml();
	int failures = run_plan(yaml, "plan", 0);
	ok(failures == 0, "every statement of the plan runs (%d failed)", failures);
	char *want = expected_after_plan(before);
	same_catalog("the catalog holds exactly the plan's objects, names and comment intact, and the "
	             "canary", want, catalog());
	free(want);
	free(yaml);
	free(before);

	/* then the drops, each naming exactly one object */
	text t = {0};
	add(&t, "created_at: x\noperations:\n- DropMaterializedView: {name: ");
	yq(&t, MV);
	add(&t, ", database: ");
	yq(&t, DB);
	add(&t, "}\n- DropView: {name: ");
	yq(&t, VIEW);
	add(&t, ", database: ");
	yq(&t, DB);
	add(&t, "}\n");
	op_head(&t, "DropTableIndex", T1);
	add(&t, ", index_name: ");
	yq(&t, IDX);
	add(&t, "}\n");
	op_head(&t, "DropTable", T2);
	add(&t, "}\n");
	op_head(&t, "DropTable", T1);
	add(&t, "}\n");
	failures = run_plan(t.p, "drops", 0);
	ok(failures == 0, "every drop runs (%d failed)", failures);
	free(t.p);
	sql = (text){0};
	char *h = hex(DB);
	add(&sql, "SELECT count() FROM system.tables WHERE hex(database) = '%s'", h);
	free(h);
	char *out = run(sql.p, NULL);
	is_str(out, "0\n", "the plan's database is empty again");
	free(out);
	free(sql.p);
	sql = (text){0};
	add(&sql, "DROP DATABASE %s", db);
	exec_ok(sql.p);
	free(sql.p);
	free(db);
}

/* ---- a snapshot's CREATE statements ---- */

static void test_snapshot(void)
{
	char *before = catalog();
	char *db = ident(DB);
	text sql = {0};
	add(&sql, "CREATE DATABASE %s ENGINE = Atomic", db);
	exec_ok(sql.p);
	free(sql.p);
	text j = {0};
	add(&j, "{\"default_database\": ");
	jq(&j, DB);
	add(&j, ", \"tables\": {\"k\": {\"name\": ");
	jq(&j, T1);
	add(&j, ", \"columns\": [{\"name\": ");
	jq(&j, C1);
	add(&j, ", \"data_type\": \"Int32\", \"required\": true, \"unique\": false, \"primary_key\": "
	        "true, \"default\": null, \"annotations\": [], \"comment\": ");
	jq(&j, COMMENT);
	add(&j, "}], \"order_by\": [");
	jq(&j, C1);
	add(&j, "], \"engine\": \"MergeTree\", \"source_primitive\": {\"name\": \"x\", "
	        "\"primitive_type\": \"DataModel\"}, \"life_cycle\": \"FULLY_MANAGED\", \"indexes\": [], "
	        "\"version\": null}}}");
	migplan_snapshot *s = NULL;
	if (!ok(migplan_snapshot_load_buffer(&s, j.p, j.len, "s.json", NULL) == MIGPLAN_OK,
	        "a snapshot with the names loads"))
		diag("%s", migplan_error_message(migplan_error_last()));
	free(j.p);
	migplan_sql *stmts = NULL;
	int ran = s && migplan_table_to_sql(&stmts, migplan_snapshot_table_at(s, 0),
	                                       migplan_snapshot_default_database(s), 0) == MIGPLAN_OK;
	for (size_t i = 0; ran && i < migplan_sql_count(stmts); i++)
		if (!exec_ok(migplan_sql_at(stmts, i))) {
			diag("%s\n  -> %s", migplan_sql_at(stmts, i), migplan_error_message(migplan_error_last()));
			ran = 0;
		}
	ok(ran, "the snapshot table's CREATE runs");
	migplan_sql_free(stmts);
	migplan_snapshot_free(s);
	sql = (text){0};
	char *h_db = hex(DB), *h_t1 = hex(T1), *h_c1 = hex(C1), *h_cm = hex(COMMENT);
	add(&sql, "SELECT count() FROM system.columns WHERE hex(database) = '%s' AND hex(table) = '%s' "
	     "AND hex(name) = '%s' AND hex(comment) = '%s'", h_db, h_t1, h_c1, h_cm);
	char *out = run(sql.p, NULL);
	is_str(out, "1\n", "the snapshot's table has exactly its column and comment");
	free(out);
	free(sql.p);
	free(h_db);
	free(h_t1);
	free(h_c1);
	free(h_cm);
	sql = (text){0};
	add(&sql, "DROP DATABASE %s", db);
	exec_ok(sql.p);
	free(sql.p);
	free(db);
	same_catalog("after the snapshot's database is dropped, the catalog is as before", before, catalog());
	free(before);
}

/* ---- bare words: engine, setting names, index type ---- */

static void test_bare_words(void)
{
	static const struct {
		const char *what, *yaml;
	} attacks[] = {
		{"a setting name that adds a DROP COLUMN",
		 "- ModifyTableSettings: {table: t, database: bare, before_settings: {}, after_settings: "
		 "{\"merge_with_ttl_timeout = 3600, DROP COLUMN b, MODIFY SETTING merge_with_ttl_timeout\": "
		 "'3600'}}\n"},
		{"a reset setting name that adds a DROP COLUMN",
		 "- ModifyTableSettings: {table: t, database: bare, after_settings: {}, before_settings: "
		 "{\"merge_with_ttl_timeout, DROP COLUMN b\": '1'}}\n"},
		{"an index type that adds a DROP COLUMN",
		 "- AddTableIndex: {table: t, database: bare, index: {name: i, expression: a, type: "
		 "\"minmax GRANULARITY 1, DROP COLUMN b, ADD INDEX j a TYPE minmax\", arguments: [], "
		 "granularity: 1}}\n"},
		{"an engine name that copies the canary's rows",
		 "- CreateTable:\n    table:\n      name: copy\n      database: bare\n      columns:\n"
		 "      - {name: x, data_type: Int32, required: true, primary_key: false, unique: false, "
		 "default: null, annotations: []}\n      order_by: [x]\n"
		 "      engine: \"MergeTree ORDER BY x AS SELECT x FROM canary.t --\"\n"
		 "      source_primitive: {name: x, primitive_type: DataModel}\n"
		 "      life_cycle: FULLY_MANAGED\n      indexes: []\n      version: null\n"},
		{"a table setting name that adds a column to the key",
		 "- CreateTable:\n    table:\n      name: set\n      database: bare\n      columns:\n"
		 "      - {name: x, data_type: Int32, required: true, primary_key: false, unique: false, "
		 "default: null, annotations: []}\n      order_by: [x]\n      engine: MergeTree\n"
		 "      table_settings: {\"index_granularity = 8192, b = 1 --\": '1'}\n"
		 "      source_primitive: {name: x, primitive_type: DataModel}\n"
		 "      life_cycle: FULLY_MANAGED\n      indexes: []\n      version: null\n"},
	};
	exec_ok("CREATE DATABASE bare ENGINE = Atomic");
	for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		/* a fresh target each time, so that one attack cannot hide the next */
		exec_ok("DROP TABLE IF EXISTS bare.t SYNC");
		exec_ok("DROP TABLE IF EXISTS bare.copy SYNC");
		exec_ok("DROP TABLE IF EXISTS bare.`set` SYNC");
		exec_ok("CREATE TABLE bare.t (a Int32, b Int32) ENGINE = MergeTree ORDER BY a");
		char *before = catalog();
		text t = {0};
		add(&t, "created_at: x\noperations:\n%s", attacks[i].yaml);
		int failed = run_plan(t.p, attacks[i].what, 1);
		free(t.p);
		/* the hostile word is quoted, so ClickHouse refuses the statement: nothing moves */
		ok(failed > 0, "%s: the statement is refused", attacks[i].what);
		same_catalog(attacks[i].what, before, catalog());
		free(before);
	}
	exec_ok("DROP DATABASE bare SYNC");
}

int main(void)
{
	migplan_status st = migplan__chdb_open(&eng, NULL, NULL);
	if (st == MIGPLAN_ENOTFOUND) {
		printf("1..0 # SKIP no libchdb.so: %s\n", migplan_error_message(migplan_error_last()));
		return 77;
	}
	if (st) {
		printf("Bail out! the engine does not start: %s\n", migplan_error_message(migplan_error_last()));
		return 1;
	}
	ok(exec_ok("CREATE DATABASE canary ENGINE = Atomic") &&
	   exec_ok("CREATE TABLE canary.t (x Int32) ENGINE = MergeTree ORDER BY x") &&
	   exec_ok("INSERT INTO canary.t VALUES (1), (2), (3)"),
	   "a canary table with three rows");
	test_quoting();
	test_plan();
	test_snapshot();
	test_bare_words();
	char *out = run("SELECT count(), sum(x) FROM canary.t", NULL);
	is_str(out, "3\t6\n", "the canary still has its three rows");
	free(out);
	migplan__chdb_close(eng);
	return done_testing();
}
