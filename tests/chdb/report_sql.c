/* The engine proof of the reports (issue 6): every SQL statement any report emits runs on the
 * embedded ClickHouse engine (chDB), in the state of the database it is meant for, and the
 * read-only ones run under `SETTINGS readonly = 1`.
 *
 * For each fixture of ../shared/moose/fixtures the plan is analysed (with .migplan.yaml when
 * there is one) and every report is rendered as Markdown and as JSON. Then:
 *   1. every statement the reports contain (JSON values named "sql", Markdown ```sql blocks) must
 *      be one of the report model's statements, so running the model's statements runs them all;
 *   2. pass "empty": the remote schema (remote_state.json) is created with empty tables; the
 *      audits and monitoring queries run; the steps up to the point of no return run and are then
 *      rolled back in reverse order, and the schema must be exactly the one created; then every
 *      step runs (statements ClickHouse must refuse are checked to fail), every check must give
 *      its expected result, the post-deploy checks must give theirs, and the contract steps are
 *      rolled back as far as statements allow;
 *   3. pass "rows": the same schema filled with random rows (generateRandom, fixed seed); the
 *      batches run with the parameters their batch list gives; a step whose gate does not give
 *      its value is skipped with the rest of its change (that is what the gate is for), and the
 *      post-deploy counts and checksums must equal the baselines taken before;
 *   4. every statement of the model ran at least once.
 *
 *   report-sql              every fixture (TAP on stdout)
 *   report-sql NAME         one fixture
 *
 * Exit 77 (skip) when libchdb.so cannot be found (MIGPLAN_CHDB_LIB, or scripts/setup.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "migplan.h"
#include "migplan/analyze.h"
#include "migplan/ddl.h"
#include "migplan/report.h"

#include "../tap.h"
#include "chdb.h"
#include "report-private.h"
#include "strbuf.h"

#define ROWS 3000 /* random rows per table in the "rows" pass */
/* The sizes the "rows" pass gives the report: about 1,000 rows per batch, so every batched
 * statement runs several times with the parameters of its batch list. */
#define STAT_BYTES ((uint64_t)ROWS * 1024 * 1024 * 1024 / 1000)

static migplan__chdb *eng;

/* ---------------------------------------------------------------- small sets */

typedef struct strset {
	char **items;
	size_t count, cap;
} strset;

static int set_has(const strset *s, const char *x)
{
	for (size_t i = 0; i < s->count; i++)
		if (strcmp(s->items[i], x) == 0)
			return 1;
	return 0;
}

static void set_add(strset *s, const char *x)
{
	if (set_has(s, x))
		return;
	if (s->count == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->items = realloc(s->items, s->cap * sizeof(*s->items));
		if (!s->items)
			abort();
	}
	s->items[s->count++] = strdup(x);
}

static void set_free(strset *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- the engine */

static strset executed;

/* Runs @p sql; *out gets the TSV output without its last newline (free it). 1 on success. */
static int run(const char *sql, const char *format, char **out)
{
	char *res = NULL;
	size_t len = 0;
	if (out)
		*out = NULL;
	if (migplan__chdb_query(eng, sql, format, &res, &len) != MIGPLAN_OK)
		return 0;
	while (len && res[len - 1] == '\n')
		res[--len] = '\0';
	if (out)
		*out = res;
	else
		free(res);
	return 1;
}

static int run_read_only(const char *sql, const char *format, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_printf(&sb, "%s\nSETTINGS readonly = 1", sql);
	int r = run(sb.ptr, format, out);
	migplan__sb_reset(&sb);
	return r;
}

static const char *engine_error(void)
{
	return migplan_error_message(migplan_error_last());
}

/* run() for set-up statements, which must work: says why when one does not. */
static int setup(const char *sql)
{
	if (run(sql, NULL, NULL))
		return 1;
	diag("set-up failed: %s\n#   %s", engine_error(), sql);
	return 0;
}

/* ---------------------------------------------------------------- statements the reports emit */

static void collect_json(json_object *o, strset *out)
{
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			collect_json(json_object_array_get_idx(o, i), out);
	} else if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			if (strcmp(key, "sql") == 0 && json_object_is_type(val, json_type_string))
				set_add(out, json_object_get_string(val));
			else
				collect_json(val, out);
		}
	}
}

/* ```sql blocks (possibly indented), without the indentation and the closing semicolon. */
static void collect_markdown(const char *md, strset *out)
{
	const char *p = md;
	while ((p = strstr(p, "```sql\n")) != NULL) {
		size_t indent = 0;
		while (p - indent > md && p[-(long)indent - 1] == ' ')
			indent++;
		p += strlen("```sql\n");
		migplan__sb sb = MIGPLAN__SB_INIT;
		for (;;) {
			const char *eol = strchr(p, '\n');
			const char *line = p;
			if (!eol)
				break;
			for (size_t i = 0; i < indent && *line == ' '; i++)
				line++;
			if (strncmp(line, "```", 3) == 0) {
				p = eol + 1;
				break;
			}
			migplan__sb_append(&sb, line, (size_t)(eol - line) + 1);
			p = eol + 1;
		}
		while (sb.len && (sb.ptr[sb.len - 1] == '\n' || sb.ptr[sb.len - 1] == ';'))
			sb.ptr[--sb.len] = '\0';
		if (sb.ptr)
			set_add(out, sb.ptr);
		migplan__sb_reset(&sb);
	}
}

static int render_all(migplan_report *r, strset *emitted)
{
	int good = 1;
	for (int k = MIGPLAN_REPORT_ROLLOUT; k <= MIGPLAN_REPORT_PHASES; k++) {
		for (int f = MIGPLAN_FORMAT_MARKDOWN; f <= MIGPLAN_FORMAT_JSON; f++) {
			char *text = NULL;
			if (migplan_report_render(r, (migplan_report_kind)k, (migplan_report_format)f, &text) != MIGPLAN_OK) {
				diag("render %s: %s", migplan_report_kind_name((migplan_report_kind)k), engine_error());
				good = 0;
				continue;
			}
			if (f == MIGPLAN_FORMAT_JSON) {
				json_object *root = json_tokener_parse(text);
				good &= root != NULL;
				collect_json(root, emitted);
				json_object_put(root);
			} else {
				collect_markdown(text, emitted);
			}
			migplan_free(text);
		}
	}
	return good;
}

/* ---------------------------------------------------------------- the schema before */

static const char *fixtures_dir(void)
{
	static char buf[4096];
	const char *root = getenv("MIGPLAN_SOURCE_ROOT");
	if (getenv("MIGPLAN_FIXTURES"))
		return getenv("MIGPLAN_FIXTURES");
	snprintf(buf, sizeof(buf), "%s/../shared/moose/fixtures", root ? root : ".");
	return buf;
}

static int exec_sql_list(migplan_sql *sql, const char *what)
{
	int good = 1;
	for (size_t i = 0; sql && i < migplan_sql_count(sql); i++) {
		if (!run(migplan_sql_at(sql, i), "TSVRaw", NULL)) {
			diag("%s: %s\n#   %s", what, engine_error(), migplan_sql_at(sql, i));
			good = 0;
		}
	}
	migplan_sql_free(sql);
	return good;
}

/* Fills a table with random rows of its own column types (fixed seed). */
static int fill(const char *db, const char *table)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	char *structure = NULL, *cols = NULL;
	migplan__sb_puts(&sb, "SELECT arrayStringConcat(groupArray(concat(concat('`', replaceAll(name, '`', '\\`'), '`'), ' ', type)), ', '), "
	                 "arrayStringConcat(groupArray(concat('`', replaceAll(name, '`', '\\`'), '`')), ', ') FROM (SELECT name, type FROM system.columns "
	                 "WHERE database = ");
	migplan__sb_literal(&sb, db);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, table);
	migplan__sb_puts(&sb, " AND default_kind NOT IN ('MATERIALIZED', 'ALIAS', 'EPHEMERAL') ORDER BY position)");
	int good = run(sb.ptr, "TSVRaw", &structure);
	if (!good)
		diag("columns of %s.%s: %s", db, table, engine_error());
	migplan__sb_reset(&sb);
	char *tab = good && structure ? strchr(structure, '\t') : NULL;
	if (!tab) {
		free(structure);
		return 0;
	}
	*tab = '\0';
	cols = tab + 1;
	migplan__sb_puts(&sb, "INSERT INTO ");
	migplan__sb_qualified(&sb, db, table);
	migplan__sb_printf(&sb, " (%s) SELECT * FROM generateRandom(", cols);
	migplan__sb_literal(&sb, structure);
	migplan__sb_printf(&sb, ", 42, 12, 3) LIMIT %d SETTINGS max_partitions_per_insert_block = 0", ROWS);
	good = setup(sb.ptr);
	migplan__sb_reset(&sb);
	free(structure);
	return good;
}

static void databases_of(const migplan_plan *p, strset *dbs)
{
	const migplan_snapshot *snaps[2] = {migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE),
	                                    migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL)};
	set_add(dbs, migplan_plan_default_database(p));
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < migplan_snapshot_table_count(snaps[s]); i++)
			if (migplan_table_database(migplan_snapshot_table_at(snaps[s], i)))
				set_add(dbs, migplan_table_database(migplan_snapshot_table_at(snaps[s], i)));
}

static int create_remote(const migplan_plan *p, const strset *dbs, int rows)
{
	const migplan_snapshot *r = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	const char *dflt = migplan_plan_default_database(p);
	migplan__sb sb = MIGPLAN__SB_INIT;
	int good = 1;
	for (size_t i = 0; i < dbs->count; i++) {
		migplan__sb_puts(&sb, "DROP DATABASE IF EXISTS ");
		migplan__sb_ident(&sb, dbs->items[i]);
		migplan__sb_puts(&sb, " SYNC");
		good &= setup(sb.ptr);
		migplan__sb_reset(&sb);
		migplan__sb_puts(&sb, "CREATE DATABASE ");
		migplan__sb_ident(&sb, dbs->items[i]);
		migplan__sb_puts(&sb, " ENGINE = Atomic");
		good &= setup(sb.ptr);
		migplan__sb_reset(&sb);
	}
	/* names without a database (views' SELECTs, hand-written SQL) resolve in the default database */
	migplan__sb_puts(&sb, "USE ");
	migplan__sb_ident(&sb, dflt);
	good &= setup(sb.ptr);
	migplan__sb_reset(&sb);
	good &= setup("SET mutations_sync = 2") && setup("SET alter_sync = 2");
	for (size_t i = 0; i < migplan_snapshot_table_count(r); i++) {
		migplan_sql *sql = NULL;
		const migplan_table *t = migplan_snapshot_table_at(r, i);
		good &= migplan_table_to_sql(&sql, t, dflt, MIGPLAN_SQL_LOCAL_ENGINES) == MIGPLAN_OK &&
		        exec_sql_list(sql, migplan_table_name(t));
	}
	for (size_t i = 0; i < migplan_snapshot_mv_count(r) + migplan_snapshot_view_count(r); i++) {
		migplan_sql *sql = NULL;
		const migplan_view *v = i < migplan_snapshot_mv_count(r) ? migplan_snapshot_mv_at(r, i)
		                                                         : migplan_snapshot_view_at(r, i - migplan_snapshot_mv_count(r));
		good &= migplan_view_to_sql(&sql, v, dflt, MIGPLAN_SQL_LOCAL_ENGINES) == MIGPLAN_OK &&
		        exec_sql_list(sql, migplan_view_name(v));
	}
	for (size_t i = 0; rows && i < migplan_snapshot_table_count(r); i++) {
		const migplan_table *t = migplan_snapshot_table_at(r, i);
		good &= fill(migplan_table_database(t) ? migplan_table_database(t) : dflt, migplan_table_name(t));
	}
	return good;
}

/* Every column of the test's databases, in position order. */
static char *schema_of(const strset *dbs)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	char *out = NULL;
	migplan__sb_puts(&sb, "SELECT database, table, name, type FROM system.columns WHERE database IN (");
	for (size_t i = 0; i < dbs->count; i++) {
		if (i)
			migplan__sb_puts(&sb, ", ");
		migplan__sb_literal(&sb, dbs->items[i]);
	}
	migplan__sb_puts(&sb, ") ORDER BY database, table, position");
	if (!run(sb.ptr, "TSVRaw", &out))
		out = strdup("(failed)");
	migplan__sb_reset(&sb);
	return out;
}

/* ---------------------------------------------------------------- running the model */

typedef struct pass {
	const migplan__rmodel *m;
	int rows;                 /* the "rows" pass */
	char **before;            /* result of each BEFORE statement, by index in m->before */
	int *skipped;             /* per change: a gate stopped it */
	int any_skipped;
	json_object *batches;     /* rows of the last prepare query (array of objects), or NULL */
	const char *fixture;
} pass;

static int is_gate(const migplan__rmodel *m, const migplan__rsql *q)
{
	for (size_t i = 0; i < m->steps.count; i++)
		if (((migplan__rstep *)m->steps.items[i])->gate == q)
			return 1;
	return 0;
}

/* The default value of the type of parameter @p name in @p sql (`{name:Type}`), as text. */
static char *default_param(const char *sql, const char *name)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "{%s:", name);
	const char *p = strstr(sql, pat);
	const char *end = p ? strchr(p, '}') : NULL;
	if (!end)
		return strdup("");
	p += strlen(pat);
	migplan__sb sb = MIGPLAN__SB_INIT;
	char *out = NULL;
	migplan__sb_puts(&sb, "SELECT toString(defaultValueOfTypeName(");
	char *type = strndup(p, (size_t)(end - p));
	migplan__sb_literal(&sb, type);
	migplan__sb_puts(&sb, "))");
	if (!run(sb.ptr, "TSVRaw", &out))
		out = strdup("");
	free(type);
	migplan__sb_reset(&sb);
	return out;
}

/* Query parameters are read in ClickHouse's escaped text form (as TSV prints values): the batch
 * list is read as JSON here, so its values are escaped before they are passed on. */
static int set_param(const char *name, const char *value)
{
	migplan__sb sb = MIGPLAN__SB_INIT, esc = MIGPLAN__SB_INIT;
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\')
			migplan__sb_puts(&esc, "\\\\");
		else if (*p == '\t')
			migplan__sb_puts(&esc, "\\t");
		else if (*p == '\n')
			migplan__sb_puts(&esc, "\\n");
		else
			migplan__sb_putc(&esc, *p);
	}
	migplan__sb_printf(&sb, "SET param_%s = ", name);
	migplan__sb_literal(&sb, esc.ptr ? esc.ptr : "");
	migplan__sb_reset(&esc);
	int good = run(sb.ptr, NULL, NULL);
	migplan__sb_reset(&sb);
	return good;
}

/* Runs a statement, once per batch when it takes parameters (once with default values when
 * there is no batch, so that an empty table still proves it). Returns 1 when every run gave
 * @p want_ok's outcome; *result gets the last result. */
static int exec(pass *ps, const migplan__rsql *q, char **result)
{
	size_t runs = 1;
	int good = 1;
	if (result)
		*result = NULL;
	if (q->params[0] && ps->batches && json_object_array_length(ps->batches))
		runs = json_object_array_length(ps->batches);
	for (size_t r = 0; r < runs; r++) {
		for (int i = 0; i < 3 && q->params[i]; i++) {
			json_object *row = ps->batches && json_object_array_length(ps->batches)
			                   ? json_object_array_get_idx(ps->batches, r) : NULL;
			json_object *v = NULL;
			char *dflt = NULL;
			if (row && json_object_object_get_ex(row, q->params[i], &v))
				good &= set_param(q->params[i], json_object_get_string(v));
			else
				good &= set_param(q->params[i], (dflt = default_param(q->sql, q->params[i])));
			free(dflt);
		}
		if (result) {
			free(*result);
			*result = NULL;
		}
		int ran = q->read_only ? run_read_only(q->sql, "TSVRaw", result) : run(q->sql, "TSVRaw", result);
		if (!ran) {
			diag("%s %s: %s\n#   %s", ps->fixture, q->id, engine_error(), q->sql);
			good = 0;
		}
	}
	set_add(&executed, q->sql);
	return good;
}

static void prepare(pass *ps, const migplan__rstep *s)
{
	json_object_put(ps->batches);
	ps->batches = json_object_new_array();
	for (size_t i = 0; i < s->prepare.count; i++) {
		const migplan__rsql *q = s->prepare.items[i];
		char *out = NULL;
		ok(run_read_only(q->sql, "JSONEachRow", &out), "%s %s: batch list %s runs read-only", ps->fixture,
		   ps->rows ? "rows" : "empty", q->id);
		set_add(&executed, q->sql);
		for (char *line = out; line && *line;) {
			char *eol = strchr(line, '\n');
			if (eol)
				*eol = '\0';
			json_object *row = json_tokener_parse(line);
			if (row)
				json_object_array_add(ps->batches, row);
			line = eol ? eol + 1 : line + strlen(line);
		}
		free(out);
	}
}

static int check_expect(pass *ps, const migplan__rsql *q, const char *got)
{
	if (!q->expect_tsv || (ps->rows && (is_gate(ps->m, q) || ps->any_skipped)))
		return 1;
	if (strcmp(got ? got : "", q->expect_tsv) == 0)
		return 1;
	diag("%s %s: got '%s', want '%s'", ps->fixture, q->id, got ? got : "(null)", q->expect_tsv);
	return 0;
}

static void forward(pass *ps, const migplan__rstep *s)
{
	const char *label = ps->rows ? "rows" : "empty";
	if (s->change >= 0 && ps->skipped[s->change]) {
		diag("%s %s: step %zu skipped (its change stopped at a gate)", ps->fixture, label, s->number);
		return;
	}
	if (s->gate) {
		char *got = NULL;
		run_read_only(s->gate->sql, "TSVRaw", &got);
		if (!got || strcmp(got, s->gate->expect_tsv ? s->gate->expect_tsv : "") != 0) {
			ok(ps->rows, "%s %s: step %zu: gate %s gives '%s' (a gate may only stop the rows pass)", ps->fixture,
			   label, s->number, s->gate->id, got ? got : "(error)");
			if (s->change >= 0)
				ps->skipped[s->change] = 1;
			ps->any_skipped = 1;
			free(got);
			return;
		}
		free(got);
	}
	prepare(ps, s);
	for (size_t i = 0; i < s->sql.count; i++) {
		const migplan__rsql *q = s->sql.items[i];
		if (q->stage == MIGPLAN__RS_REFUSED) {
			ok(!run(q->sql, NULL, NULL), "%s %s: %s is refused by ClickHouse, as the blocker says", ps->fixture,
			   label, q->id);
			set_add(&executed, q->sql);
			continue;
		}
		ok(exec(ps, q, NULL), "%s %s: step %zu %s runs", ps->fixture, label, s->number, q->id);
	}
	for (size_t i = 0; i < s->checks.count; i++) {
		const migplan__rsql *q = s->checks.items[i];
		char *got = NULL;
		if (q->stage != MIGPLAN__RS_CHECK)
			continue; /* the preflight step lists the audits, which ran already */
		int ran = exec(ps, q, &got);
		ok(ran && check_expect(ps, q, got), "%s %s: check %s runs read-only and gives what it expects",
		   ps->fixture, label, q->id);
		free(got);
	}
	for (size_t i = 0; i < s->progress.count; i++)
		ok(exec(ps, s->progress.items[i], NULL), "%s %s: progress %s runs read-only", ps->fixture, label,
		   ((migplan__rsql *)s->progress.items[i])->id);
}

/* Runs step @p s's rollback statements; 0 when it has none although it changed something. */
static int undo(pass *ps, const migplan__rstep *s)
{
	if (s->change >= 0 && ps->skipped[s->change])
		return 1;
	for (size_t i = 0; i < s->rollback_sql.count; i++)
		ok(exec(ps, s->rollback_sql.items[i], NULL), "%s %s: rollback %s of step %zu runs", ps->fixture,
		   ps->rows ? "rows" : "empty", ((migplan__rsql *)s->rollback_sql.items[i])->id, s->number);
	return s->rollback_sql.count || s->rollback != MIGPLAN__RB_NO;
}

static void read_only_list(pass *ps, const migplan__rvec *v, char **results)
{
	for (size_t i = 0; i < v->count; i++) {
		const migplan__rsql *q = v->items[i];
		char *got = NULL;
		ok(exec(ps, q, &got), "%s %s: %s runs read-only", ps->fixture, ps->rows ? "rows" : "empty", q->id);
		if (results)
			results[i] = got;
		else
			free(got);
	}
}

/* 1 when @p q reads a table whose change a gate stopped (its baseline no longer applies). */
static int about_skipped(const pass *ps, const migplan__rsql *q)
{
	for (size_t c = 0; c < ps->m->changes.count; c++) {
		const migplan__rchange *ch = ps->m->changes.items[c];
		migplan__sb sb = MIGPLAN__SB_INIT;
		int hit = 0;
		if (!ps->skipped[c])
			continue;
		migplan__sb_qualified(&sb, ch->database, ch->table);
		hit = strstr(q->sql, sb.ptr) != NULL;
		migplan__sb_reset(&sb);
		if (ch->new_name) {
			migplan__sb_qualified(&sb, ch->database, ch->new_name);
			hit |= strstr(q->sql, sb.ptr) != NULL;
			migplan__sb_reset(&sb);
		}
		if (hit)
			return 1;
	}
	return 0;
}

static void after_checks(pass *ps)
{
	const migplan__rmodel *m = ps->m;
	for (size_t i = 0; i < m->after.count; i++) {
		const migplan__rsql *q = m->after.items[i];
		char *got = NULL;
		int ran = exec(ps, q, &got);
		int same = 1;
		if (ran && q->baseline && !about_skipped(ps, q)) {
			for (size_t b = 0; b < m->before.count; b++)
				if (m->before.items[b] == q->baseline)
					same = ps->before[b] && got && strcmp(ps->before[b], got) == 0;
			if (!same)
				diag("%s: %s gives '%s', baseline %s gave another result", ps->fixture, q->id, got ? got : "",
				     q->baseline->id);
		}
		ok(ran && same && check_expect(ps, q, got), "%s %s: post-deploy %s gives what it expects", ps->fixture,
		   ps->rows ? "rows" : "empty", q->id);
		free(got);
	}
}

static size_t point_of_no_return(const migplan__rmodel *m)
{
	for (size_t i = 0; i < m->steps.count; i++)
		if (((migplan__rstep *)m->steps.items[i])->point_of_no_return)
			return i;
	return m->steps.count;
}

static void run_pass(const migplan_plan *p, const migplan__rmodel *m, const char *fixture, int rows)
{
	strset dbs = {0};
	pass ps = {m, rows, NULL, NULL, 0, NULL, fixture};
	const char *label = rows ? "rows" : "empty";
	databases_of(p, &dbs);
	if (!ok(create_remote(p, &dbs, rows), "%s %s: the schema of remote_state.json is created", fixture, label)) {
		set_free(&dbs);
		return;
	}
	ps.before = calloc(m->before.count + 1, sizeof(*ps.before));
	ps.skipped = calloc(m->changes.count + 1, sizeof(*ps.skipped));
	char *s0 = schema_of(&dbs);
	read_only_list(&ps, &m->before, ps.before);
	read_only_list(&ps, &m->monitor, NULL);
	size_t ponr = point_of_no_return(m), n = m->steps.count;
	if (!rows) {
		for (size_t i = 0; i < ponr; i++)
			forward(&ps, m->steps.items[i]);
		int claimed = 1; /* the report says every step before the contract can be undone */
		for (size_t i = ponr; i-- > 0;) {
			undo(&ps, m->steps.items[i]);
			claimed &= ((migplan__rstep *)m->steps.items[i])->rollback != MIGPLAN__RB_NO;
		}
		char *s1 = schema_of(&dbs);
		if (claimed)
			is_str(s1, s0, "%s empty: rolling back every step before the contract restores the schema", fixture);
		else
			diag("%s: a step before the contract says it cannot be undone (hand-written SQL): schema not compared",
			     fixture);
		free(s1);
		memset(ps.skipped, 0, (m->changes.count + 1) * sizeof(*ps.skipped));
		ps.any_skipped = 0;
	}
	for (size_t i = 0; i < n; i++)
		forward(&ps, m->steps.items[i]);
	after_checks(&ps);
	read_only_list(&ps, &m->monitor, NULL);
	if (!rows) {
		int all = 1;
		for (size_t i = n; i-- > 0 && all;)
			all = undo(&ps, m->steps.items[i]);
		if (all) {
			char *s1 = schema_of(&dbs);
			is_str(s1, s0, "%s empty: rolling back every step, the contract too, restores the schema", fixture);
			free(s1);
		} else {
			diag("%s: the contract has a step without rollback statements: no full rollback", fixture);
		}
	}
	for (size_t i = 0; i < m->before.count; i++)
		free(ps.before[i]);
	free(ps.before);
	free(ps.skipped);
	free(s0);
	json_object_put(ps.batches);
	set_free(&dbs);
}

/* ---------------------------------------------------------------- a fixture */

/* The "rows" pass runs on a second report that knows the tables' sizes, so the batch lists
 * split the rows into several batches. */
static void rows_pass(migplan_plan *p, const char *name)
{
	migplan_report *r = NULL;
	strset emitted = {0}, model = {0};
	const migplan_snapshot *remote = migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	if (migplan_report_new(&r, p) != MIGPLAN_OK)
		return;
	for (size_t i = 0; i < migplan_snapshot_table_count(remote); i++) {
		const migplan_table *t = migplan_snapshot_table_at(remote, i);
		migplan_report_set_table_stats(r, migplan_table_database(t), migplan_table_name(t), ROWS, STAT_BYTES);
	}
	ok(render_all(r, &emitted), "%s: every report renders with table sizes", name);
	const migplan__rmodel *m = r->model;
	size_t missing = 0;
	for (size_t i = 0; m && i < m->sql.count; i++)
		set_add(&model, ((migplan__rsql *)m->sql.items[i])->sql);
	for (size_t i = 0; i < emitted.count; i++)
		missing += !set_has(&model, emitted.items[i]);
	ok(m && !missing, "%s: with sizes too, every emitted statement is one of the model's", name);
	if (m)
		run_pass(p, m, name, 1);
	set_free(&model);
	set_free(&emitted);
	migplan_report_free(r);
}

static void fixture(const char *name)
{
	migplan_plan *p = NULL;
	migplan_config *cfg = NULL;
	migplan_report *r = NULL;
	strset emitted = {0};
	if (!ok(migplan_plan_load_dir(&p, name, NULL) == MIGPLAN_OK, "%s: loads", name)) {
		diag("%s", engine_error());
		return;
	}
	migplan_config_discover(&cfg, name, NULL);
	ok(migplan_plan_analyze(p, cfg) == MIGPLAN_OK && migplan_report_new(&r, p) == MIGPLAN_OK, "%s: analysed", name);
	ok(render_all(r, &emitted), "%s: every report renders (%zu distinct statements)", name, emitted.count);
	const migplan__rmodel *m = r->model;
	strset model = {0};
	size_t read_only = 0, checked = 0;
	for (size_t i = 0; m && i < m->sql.count; i++) {
		const migplan__rsql *q = m->sql.items[i];
		set_add(&model, q->sql);
		if (q->read_only) {
			read_only++;
			checked += migplan__sql_read_only(q->sql, NULL);
		}
	}
	size_t missing = 0;
	for (size_t i = 0; i < emitted.count; i++) {
		if (!set_has(&model, emitted.items[i])) {
			missing++;
			diag("%s: a report emits a statement outside the model:\n#   %s", name, emitted.items[i]);
		}
	}
	ok(m && !missing, "%s: every emitted statement is one of the model's %zu", name, model.count);
	is_int(checked, read_only, "%s: the library's read-only check accepts all %zu read-only queries", name, read_only);
	if (m) {
		set_free(&executed);
		run_pass(p, m, name, 0);
		size_t not_run = 0;
		for (size_t i = 0; i < m->sql.count; i++) {
			const migplan__rsql *q = m->sql.items[i];
			if (!set_has(&executed, q->sql)) {
				not_run++;
				diag("%s: never ran: %s %s", name, q->id, q->sql);
			}
		}
		ok(!not_run, "%s: every statement of the model ran on the engine", name);
		rows_pass(p, name);
	}
	/* the plan with libmigplan's proposed edits applied gets reports too */
	migplan_plan *edited = NULL;
	if (migplan_plan_edit_count(p) && migplan_plan_apply_edits(&edited, p, NULL, 0) == MIGPLAN_OK) {
		migplan_report *re = NULL;
		strset em = {0}, mo = {0};
		char label[256];
		snprintf(label, sizeof(label), "%s+edited", name);
		ok(migplan_report_new(&re, edited) == MIGPLAN_OK && render_all(re, &em), "%s: reports render", label);
		const migplan__rmodel *me = re ? re->model : NULL;
		for (size_t i = 0; me && i < me->sql.count; i++)
			set_add(&mo, ((migplan__rsql *)me->sql.items[i])->sql);
		size_t out = 0;
		for (size_t i = 0; i < em.count; i++)
			out += !set_has(&mo, em.items[i]);
		ok(me && !out, "%s: every emitted statement is one of the model's", label);
		if (me) {
			set_free(&executed);
			run_pass(edited, me, label, 0);
			size_t not_run = 0;
			for (size_t i = 0; i < me->sql.count; i++)
				not_run += !set_has(&executed, ((migplan__rsql *)me->sql.items[i])->sql);
			ok(!not_run, "%s: every statement of the model ran on the engine", label);
		}
		set_free(&mo);
		set_free(&em);
		migplan_report_free(re);
		migplan_plan_free(edited);
	}
	set_free(&model);
	set_free(&emitted);
	migplan_report_free(r);
	migplan_config_free(cfg);
	migplan_plan_free(p);
}

static const char *const fixtures[] = {
	"01_additive", "02_add_column_and_index", "03_recreate_same_table", "04_versioned_upgrade",
	"05_modify_column_narrowing", "06_rename_column", "07_mv_reads_altered_table", "08_rawsql_backfill",
	"09_ordering_errors", "10_schema_gaps",
};

/* The golden cases of tests/golden/_cases: an allow list with reasons, and a partitioned table
 * whose key column changes type (a rebuild batched per partition). */
static const char *const cases[] = {"justified/migrations", "partitioned"};

static const char *cases_dir(void)
{
	static char buf[4096];
	const char *root = getenv("MIGPLAN_SOURCE_ROOT");
	snprintf(buf, sizeof(buf), "%s/tests/golden/_cases", root ? root : ".");
	return buf;
}

int main(int argc, char **argv)
{
	migplan_status st = migplan__chdb_open(&eng, NULL, NULL);
	if (st == MIGPLAN_ENOTFOUND) {
		printf("1..0 # SKIP libchdb.so not found: %s\n", engine_error());
		return 77;
	}
	if (st != MIGPLAN_OK) {
		printf("Bail out! the engine does not start: %s\n", engine_error());
		return 1;
	}
	if (chdir(fixtures_dir()) != 0) {
		printf("Bail out! no fixtures at %s\n", fixtures_dir());
		return 1;
	}
	char fixtures_path[4096];
	if (!getcwd(fixtures_path, sizeof(fixtures_path)))
		return 1;
	ok(run("CREATE DATABASE IF NOT EXISTS readonly_probe ENGINE = Atomic", NULL, NULL) &&
	   run("CREATE TABLE readonly_probe.t (x UInt8) ENGINE = MergeTree ORDER BY x", NULL, NULL) &&
	   !run_read_only("INSERT INTO readonly_probe.t SELECT 1", NULL, NULL),
	   "the engine refuses a write under SETTINGS readonly = 1");
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (argc < 2 || strcmp(argv[1], fixtures[i]) == 0)
			fixture(fixtures[i]);
	if (chdir(cases_dir()) != 0) {
		printf("Bail out! no golden cases at %s\n", cases_dir());
		return 1;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (argc < 2 || strcmp(argv[1], cases[i]) == 0)
			fixture(cases[i]);
	set_free(&executed);
	migplan__chdb_close(eng);
	return done_testing();
}
