/* Reports (issue 6): names and files, misuse, the read-only check, golden files for every report
 * of every fixture, the JSON envelope, the pull-request body limit, table sizes and the atomic
 * file writer.
 *
 * Golden files live in tests/golden/<case>/<report>.{md,json}. MIGPLAN_UPDATE_GOLDEN=1 rewrites
 * them (then read them: a person who has never seen the plan must understand what happens, what
 * can go wrong and what to run). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "migplan.h"
#include "migplan/analyze.h"
#include "migplan/report.h"

#include "tap.h"
#include "report-private.h"

static char golden_root[4096];
static int updating;

/* ---------------------------------------------------------------- files */

static int spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	int good = fputs(text, f) >= 0;
	return fclose(f) == 0 && good;
}

/* The first line where two texts differ, for the failure message. */
static void first_difference(const char *got, const char *want)
{
	size_t line = 1;
	const char *g = got, *w = want;
	while (*g && *g == *w) {
		if (*g == '\n')
			line++;
		g++;
		w++;
	}
	const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');
	diag("first difference at line %zu:\n#   got:  %.*s\n#   want: %.*s", line, (int)(ge ? ge - g : 80), g,
	     (int)(we ? we - w : 80), w);
}

static void golden(const char *name, migplan_report *r)
{
	char dir[4300];
	snprintf(dir, sizeof(dir), "%s/%s", golden_root, name);
	if (updating)
		mkdir(dir, 0777);
	for (int k = MIGPLAN_REPORT_ROLLOUT; k <= MIGPLAN_REPORT_PHASES; k++) {
		for (int f = MIGPLAN_FORMAT_MARKDOWN; f <= MIGPLAN_FORMAT_JSON; f++) {
			char path[4400], *text = NULL;
			const char *kind = migplan_report_kind_name((migplan_report_kind)k);
			snprintf(path, sizeof(path), "%s/%s.%s", dir, kind, f == MIGPLAN_FORMAT_JSON ? "json" : "md");
			if (!ok(migplan_report_render(r, (migplan_report_kind)k, (migplan_report_format)f, &text) == MIGPLAN_OK,
			        "%s: %s renders as %s", name, kind, f == MIGPLAN_FORMAT_JSON ? "JSON" : "Markdown")) {
				diag("%s", migplan_error_message(migplan_error_last()));
				continue;
			}
			if (f == MIGPLAN_FORMAT_JSON) {
				json_object *root = json_tokener_parse(text), *v = NULL;
				ok(root && json_object_object_get_ex(root, "schemaVersion", &v) && json_object_get_int(v) == 1 &&
				   json_object_object_get_ex(root, "report", &v) && strcmp(json_object_get_string(v), kind) == 0,
				   "%s: %s JSON parses, with schemaVersion 1 and its report name", name, kind);
				json_object_put(root);
			}
			if (updating) {
				ok(spit(path, text), "%s: wrote %s", name, path);
			} else {
				char *want = tap_slurp(path);
				int same = want && strcmp(text, want) == 0;
				if (!ok(same, "%s: %s.%s equals its golden file", name, kind, f == MIGPLAN_FORMAT_JSON ? "json" : "md")) {
					if (want)
						first_difference(text, want);
					else
						diag("missing %s (MIGPLAN_UPDATE_GOLDEN=1 writes it)", path);
				}
				free(want);
			}
			migplan_free(text);
		}
	}
}

/* Loads @p dir (relative to the current directory), analyses it with its .migplan.yaml. */
static migplan_plan *load(const char *dir, migplan_config **cfg)
{
	migplan_plan *p = NULL;
	*cfg = NULL;
	if (migplan_plan_load_dir(&p, dir, NULL) != MIGPLAN_OK) {
		diag("load %s: %s", dir, migplan_error_message(migplan_error_last()));
		return NULL;
	}
	if (migplan_config_discover(cfg, dir, NULL) != MIGPLAN_OK || migplan_plan_analyze(p, *cfg) != MIGPLAN_OK) {
		diag("analyse %s: %s", dir, migplan_error_message(migplan_error_last()));
		migplan_plan_free(p);
		migplan_config_free(*cfg);
		return NULL;
	}
	return p;
}

static const char *const fixtures[] = {
	"01_additive", "02_add_column_and_index", "03_recreate_same_table", "04_versioned_upgrade",
	"05_modify_column_narrowing", "06_rename_column", "07_mv_reads_altered_table", "08_rawsql_backfill",
	"09_ordering_errors", "10_schema_gaps",
};

static void fixture_goldens(const char *fixtures_dir)
{
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)) || chdir(fixtures_dir) != 0) {
		ok(0, "fixtures at %s", fixtures_dir);
		return;
	}
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		migplan_config *cfg;
		migplan_plan *p = load(fixtures[i], &cfg);
		migplan_report *r = NULL;
		if (!ok(p && migplan_report_new(&r, p) == MIGPLAN_OK, "%s: report handle", fixtures[i]))
			continue;
		golden(fixtures[i], r);
		if (strcmp(fixtures[i], "03_recreate_same_table") == 0) {
			/* the same plan with sizes: durations, batch sizes and disk thresholds become numbers */
			ok(migplan_report_set_table_stats(r, NULL, "events", 120000000, 9ull * 1024 * 1024 * 1024) == MIGPLAN_OK &&
			   migplan_report_set_table_stats(r, "local", "users", 2500000, 180ull * 1024 * 1024) == MIGPLAN_OK,
			   "03: table sizes are accepted");
			golden("03_recreate_same_table+sizes", r);
			/* the plan with libmigplan's edits applied: the reports say which edits they find */
			migplan_plan *edited = NULL;
			migplan_report *re = NULL;
			ok(migplan_plan_apply_edits(&edited, p, NULL, 0) == MIGPLAN_OK && migplan_report_new(&re, edited) == MIGPLAN_OK,
			   "03: the edited plan gets a report");
			if (re)
				golden("03_recreate_same_table+edited", re);
			migplan_report_free(re);
			migplan_plan_free(edited);
		}
		migplan_report_free(r);
		migplan_config_free(cfg);
		migplan_plan_free(p);
	}
	ok(chdir(cwd) == 0, "back to the build directory");
}

static void case_goldens(void)
{
	static const char *const cases[][2] = {
		{"justified/migrations", "justified"},
		{"partitioned", "partitioned"},
	};
	char cwd[4096], dir[4200];
	snprintf(dir, sizeof(dir), "%s/_cases", golden_root);
	if (!getcwd(cwd, sizeof(cwd)) || chdir(dir) != 0) {
		ok(0, "golden cases at %s", dir);
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		migplan_config *cfg;
		migplan_plan *p = load(cases[i][0], &cfg);
		migplan_report *r = NULL;
		if (!ok(p && migplan_report_new(&r, p) == MIGPLAN_OK, "%s: report handle", cases[i][1]))
			continue;
		golden(cases[i][1], r);
		migplan_report_free(r);
		migplan_config_free(cfg);
		migplan_plan_free(p);
	}
	ok(chdir(cwd) == 0, "back to the build directory");
}

/* ---------------------------------------------------------------- names and misuse */

static void test_names(void)
{
	static const char *const names[] = {"rollout", "pr-body", "checklist", "runbook", "dashboard", "alerts",
	                                    "strategy", "phases"};
	for (int k = 1; k <= 8; k++) {
		const char *want = names[k - 1], *got = migplan_report_kind_name((migplan_report_kind)k);
		ok(got && strcmp(got, want) == 0, "kind %d is named %s", k, want);
		is_int(migplan_report_kind_from_name(want), k, "%s names kind %d", want, k);
		ok(migplan_report_default_filename((migplan_report_kind)k, MIGPLAN_FORMAT_MARKDOWN) &&
		   migplan_report_default_filename((migplan_report_kind)k, MIGPLAN_FORMAT_JSON), "%s has default files", want);
	}
	ok(!migplan_report_kind_name((migplan_report_kind)0) && !migplan_report_kind_name((migplan_report_kind)9),
	   "unknown kinds have no name");
	is_int(migplan_report_kind_from_name("Rollout"), 0, "kind names are exact");
	is_int(migplan_report_kind_from_name(NULL), 0, "NULL names no kind");
	is_str(migplan_report_default_filename(MIGPLAN_REPORT_STRATEGY, MIGPLAN_FORMAT_MARKDOWN),
	       "docs/database-report/migration-strategist-report.md", "the strategy's Markdown file");
	is_str(migplan_report_default_filename(MIGPLAN_REPORT_STRATEGY, MIGPLAN_FORMAT_JSON),
	       "docs/database-report/migration-strategist-output.json", "the strategy's JSON file");
	ok(!migplan_report_default_filename(MIGPLAN_REPORT_ROLLOUT, (migplan_report_format)3), "unknown format: no file");
	is_str(migplan_report_format_name(MIGPLAN_FORMAT_JSON), "json", "format name json");
	is_int(migplan_report_format_from_name("md"), MIGPLAN_FORMAT_MARKDOWN, "md means Markdown");
	is_int(migplan_report_format_from_name("yaml"), 0, "yaml is no report format");
}

static void test_misuse(void)
{
	migplan_report *r = (migplan_report *)1;
	char *out = (char *)1;
	is_int(migplan_report_new(&r, NULL), MIGPLAN_EINVAL, "new: NULL plan");
	ok(r == NULL, "new: *out is NULL on failure");
	is_int(migplan_report_new(NULL, NULL), MIGPLAN_EINVAL, "new: NULL out");
	is_int(migplan_report_render(NULL, MIGPLAN_REPORT_ROLLOUT, MIGPLAN_FORMAT_JSON, &out), MIGPLAN_EINVAL, "render: NULL report");
	ok(out == NULL, "render: *out is NULL on failure");
	is_int(migplan_report_set_table_stats(NULL, NULL, "t", 1, 1), MIGPLAN_EINVAL, "stats: NULL report");
	migplan_report_free(NULL);
	ok(1, "free(NULL) is harmless");

	migplan_plan *p = NULL;
	static const char yaml[] = "created_at: 2026-01-01T00:00:00Z\noperations:\n- DropTable:\n    table: t\n    database: null\n    cluster_name: null\n";
	ok(migplan_plan_load_buffer(&p, yaml, sizeof(yaml) - 1, "mini.yaml", NULL) == MIGPLAN_OK &&
	   migplan_report_new(&r, p) == MIGPLAN_OK, "a plan without snapshots gets a report");
	is_int(migplan_report_render(r, (migplan_report_kind)42, MIGPLAN_FORMAT_JSON, &out), MIGPLAN_EINVAL, "unknown kind");
	is_int(migplan_report_render(r, MIGPLAN_REPORT_ROLLOUT, (migplan_report_format)7, &out), MIGPLAN_EINVAL, "unknown format");
	is_int(migplan_report_set_table_stats(r, NULL, NULL, 1, 1), MIGPLAN_EINVAL, "stats: NULL table");
	ok(migplan_report_render(r, MIGPLAN_REPORT_ROLLOUT, MIGPLAN_FORMAT_MARKDOWN, &out) == MIGPLAN_OK &&
	   strstr(out, "remote_state.json is missing"), "without remote_state.json, the rollout names the unknown");
	migplan_free(out);
	migplan_report_free(r);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- read-only check */

static void test_read_only(void)
{
	static const struct {
		const char *sql;
		int read_only;
	} cases[] = {
		{"SELECT 1", 1},
		{"select count() from `db`.`t`", 1},
		{"WITH 1 AS x SELECT x", 1},
		{"  -- a comment\nSELECT 1;", 1},
		{"SELECT 1 /* nested /* comment */ DROP */", 1},
		{"SELECT 'DROP TABLE x; INSERT' AS s", 1},
		{"SELECT `drop`, `insert` FROM `update`", 1},
		{"SELECT \"alter\" FROM t", 1},
		{"SELECT name FROM system.parts", 1},
		{"INSERT INTO t SELECT 1", 0},
		{"ALTER TABLE t DELETE WHERE 1", 0},
		{"SYSTEM STOP MERGES", 0},
		{"SELECT 1; SELECT 2", 0},
		{"SELECT 1; DROP TABLE t", 0},
		{"SELECT * FROM t INTO OUTFILE 'x'", 0},
		{"SELECT 1 SETTINGS readonly = 0", 0},
		{"SELECT 1 FORMAT JSON", 0},
		{"SELECT 'unterminated", 0},
		{"SELECT 1 /* unterminated", 0},
		{"", 0},
		{";", 0},
		{"(SELECT 1)", 0},
		{"SHOW TABLES", 0},
		{"CREATE TABLE t AS SELECT 1", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		char shown[128]; /* one TAP line: newlines shown as \n */
		size_t n = 0;
		for (const char *p = cases[i].sql; *p && n + 3 < sizeof(shown); p++) {
			if (*p == '\n') {
				shown[n++] = '\\';
				shown[n++] = 'n';
			} else {
				shown[n++] = *p;
			}
		}
		shown[n] = '\0';
		int got = migplan__sql_read_only(cases[i].sql, &why);
		ok(got == cases[i].read_only && (got || why), "read-only check: %s -> %s%s%s", shown,
		   got ? "read-only" : "refused", got ? "" : ": ", got ? "" : why ? why : "?");
	}
	ok(!migplan__sql_read_only(NULL, NULL), "read-only check: NULL is refused");
}

/* ---------------------------------------------------------------- the pull-request body limit */

static void test_pr_body_limit(void)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_plan *p = NULL;
	migplan_report *r = NULL;
	char *md = NULL, *json = NULL;
	migplan__sb_puts(&sb, "created_at: 2026-01-01T00:00:00Z\noperations:\n");
	for (int i = 0; i < 3000; i++)
		migplan__sb_printf(&sb, "- DropTableColumn:\n    table: wide_table_with_a_long_name\n    column_name: "
		                   "column_number_%04d\n    database: null\n    cluster_name: null\n", i);
	ok(migplan_plan_load_buffer(&p, sb.ptr, sb.len, "wide.yaml", NULL) == MIGPLAN_OK &&
	   migplan_report_new(&r, p) == MIGPLAN_OK, "3,000 column drops load");
	ok(r && migplan_report_render(r, MIGPLAN_REPORT_PR_BODY, MIGPLAN_FORMAT_MARKDOWN, &md) == MIGPLAN_OK,
	   "the pull-request body renders");
	ok(md && strlen(md) <= MIGPLAN_REPORT_PR_BODY_LIMIT, "it fits in %d bytes (%zu)", MIGPLAN_REPORT_PR_BODY_LIMIT,
	   md ? strlen(md) : 0);
	ok(md && strstr(md, "This body is a summary"), "and says it is a summary");
	ok(r && migplan_report_render(r, MIGPLAN_REPORT_PR_BODY, MIGPLAN_FORMAT_JSON, &json) == MIGPLAN_OK &&
	   strstr(json, "\"truncated\": true"), "the JSON says truncated");
	migplan_free(md);
	migplan_free(json);
	migplan_report_free(r);
	migplan_plan_free(p);
	migplan__sb_reset(&sb);
}

/* ---------------------------------------------------------------- writing files */

static void test_write(const char *fixtures_dir)
{
	char tmpl[] = "/tmp/migplan-report-XXXXXX", path[4200], *written = NULL, cwd[4096];
	char *dir = mkdtemp(tmpl);
	migplan_config *cfg = NULL;
	migplan_plan *p = NULL;
	migplan_report *r = NULL;
	if (!ok(dir && getcwd(cwd, sizeof(cwd)) && chdir(fixtures_dir) == 0, "a temporary output directory"))
		return;
	p = load("06_rename_column", &cfg);
	ok(chdir(cwd) == 0 && p && migplan_report_new(&r, p) == MIGPLAN_OK, "06: report handle");
	ok(migplan_report_write(r, MIGPLAN_REPORT_STRATEGY, MIGPLAN_FORMAT_MARKDOWN, dir, NULL, &written) == MIGPLAN_OK,
	   "write the strategy to its default file");
	snprintf(path, sizeof(path), "%s/docs/database-report/migration-strategist-report.md", dir);
	is_str(written, path, "the path written is dir/default file");
	char *text = NULL, *disk = tap_slurp(path);
	ok(migplan_report_render(r, MIGPLAN_REPORT_STRATEGY, MIGPLAN_FORMAT_MARKDOWN, &text) == MIGPLAN_OK && disk &&
	   strcmp(text, disk) == 0, "the file holds the rendered report");
	free(disk);
	migplan_free(text);
	migplan_free(written);

	ok(chmod(path, 0640) == 0, "make the file 0640");
	ok(migplan_report_write(r, MIGPLAN_REPORT_STRATEGY, MIGPLAN_FORMAT_MARKDOWN, dir, NULL, NULL) == MIGPLAN_OK,
	   "write it again");
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640, "an existing file keeps its permissions");

	ok(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, dir, "out/check.json", NULL) == MIGPLAN_OK,
	   "a file name of our own, in a new directory");
	snprintf(path, sizeof(path), "%s/out/check.json", dir);
	ok(access(path, R_OK) == 0, "it is there");
	is_int(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, dir, "../escape.json", NULL),
	       MIGPLAN_EINVAL, "`..` is refused");
	is_int(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, dir, "/tmp/abs.json", NULL),
	       MIGPLAN_EINVAL, "an absolute path is refused");
	snprintf(path, sizeof(path), "%s/link", dir);
	ok(symlink("/tmp", path) == 0, "a symbolic link inside the output directory");
	is_int(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, dir, "link/x.json", NULL),
	       MIGPLAN_EINVAL, "a path through it is refused");
	snprintf(path, sizeof(path), "%s/out/file-link.json", dir);
	ok(symlink("/tmp/elsewhere.json", path) == 0, "a symbolic link as the file itself");
	is_int(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, dir, "out/file-link.json", NULL),
	       MIGPLAN_EINVAL, "is refused too");
	is_int(migplan_report_write(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_JSON, "/nonexistent/dir", NULL, NULL),
	       MIGPLAN_EIO, "a missing output directory is an I/O error");
	migplan_report_free(r);
	migplan_config_free(cfg);
	migplan_plan_free(p);
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(system(cmd) == 0, "clean up");
}

/* ---------------------------------------------------------------- the model */

/* Every statement has an id and a purpose, read-only ones pass the check, steps are numbered. */
static void test_model(const char *fixtures_dir)
{
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)) || chdir(fixtures_dir) != 0)
		return;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
		migplan_config *cfg;
		migplan_plan *p = load(fixtures[i], &cfg);
		migplan_report *r = NULL;
		char *out = NULL;
		if (!p || migplan_report_new(&r, p) != MIGPLAN_OK ||
		    migplan_report_render(r, MIGPLAN_REPORT_ROLLOUT, MIGPLAN_FORMAT_JSON, &out) != MIGPLAN_OK) {
			ok(0, "%s: model", fixtures[i]);
			continue;
		}
		const migplan__rmodel *m = r->model;
		size_t bad = 0, ro = 0;
		for (size_t k = 0; k < m->sql.count; k++) {
			const migplan__rsql *q = m->sql.items[k];
			bad += !q->id || !q->purpose || !q->sql || !*q->sql;
			ro += q->read_only;
			if (q->read_only && !migplan__sql_read_only(q->sql, NULL))
				bad++;
		}
		ok(!bad, "%s: %zu statements, %zu read-only, each with an id and a purpose", fixtures[i], m->sql.count, ro);
		size_t order = 0;
		for (size_t k = 0; k < m->steps.count; k++) {
			const migplan__rstep *s = m->steps.items[k];
			order += s->number != k + 1 || (k && s->phase < ((migplan__rstep *)m->steps.items[k - 1])->phase);
		}
		ok(!order, "%s: %zu steps numbered in phase order", fixtures[i], m->steps.count);
		migplan_free(out);
		migplan_report_free(r);
		migplan_config_free(cfg);
		migplan_plan_free(p);
	}
	ok(chdir(cwd) == 0, "back to the build directory");
}

/* Names the plan carries bare (setting names, index types) cannot smuggle SQL into report SQL:
 * anything but a plain word comes out backquoted, as in the DDL. */
static void test_hostile_names(void)
{
	static const char plan[] =
		"created_at: 2026-01-01T00:00:00Z\n"
		"operations:\n"
		"- ModifyTableSettings:\n"
		"    table: t\n"
		"    before_settings: {'ttl_only_drop_parts = 1, index_granularity': '1', merge_with_ttl_timeout: '60'}\n"
		"    after_settings: {merge_with_ttl_timeout: '90', 'x = 1; DROP TABLE t': '2'}\n";
	migplan_plan *p = NULL;
	migplan_report *r = NULL;
	char *out = NULL;
	ok(migplan_plan_load_buffer(&p, plan, strlen(plan), "hostile.yaml", NULL) == MIGPLAN_OK &&
	   migplan_report_new(&r, p) == MIGPLAN_OK &&
	   migplan_report_render(r, MIGPLAN_REPORT_CHECKLIST, MIGPLAN_FORMAT_MARKDOWN, &out) == MIGPLAN_OK,
	   "a plan with hostile setting names renders");
	ok(out && strstr(out, "`ttl_only_drop_parts = 1, index_granularity` = 1"), "a restored setting name is backquoted");
	ok(out && strstr(out, "RESET SETTING `x = 1; DROP TABLE t`"), "a reset setting name is backquoted");
	ok(out && strstr(out, "MODIFY SETTING merge_with_ttl_timeout = 90, `x = 1; DROP TABLE t` = 2"),
	   "the forward statement quotes it too, and keeps plain names bare as Moose writes them");
	ok(out && !strstr(out, "SETTING x = 1") && !strstr(out, "SETTING ttl_only_drop_parts = 1"), "no bare hostile name");
	migplan_free(out);
	migplan_report_free(r);
	migplan_plan_free(p);
}

int main(void)
{
	const char *fx = getenv("MIGPLAN_FIXTURES");
	const char *data = getenv("MIGPLAN_TEST_DATA");
	updating = getenv("MIGPLAN_UPDATE_GOLDEN") && strcmp(getenv("MIGPLAN_UPDATE_GOLDEN"), "1") == 0;
	snprintf(golden_root, sizeof(golden_root), "%s/../golden", data ? data : "tests/data");
	test_names();
	test_misuse();
	test_read_only();
	test_pr_body_limit();
	test_hostile_names();
	if (fx) {
		test_model(fx);
		test_write(fx);
		fixture_goldens(fx);
		case_goldens();
	} else {
		diag("MIGPLAN_FIXTURES is not set: no golden files checked");
	}
	return done_testing();
}
