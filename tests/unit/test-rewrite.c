/* Proposed edits, applying them, and the Moose-style YAML of edited plans (lib/rewrite*.c).
 *
 * Every case goes through the same checks (check_applied): the original plan is unchanged,
 * the edited plan's YAML reads back to the same YAML, untouched operations keep their bytes
 * in order, added RawSql operations have exactly `description` and `sql`, and analysing the
 * edited plan again shows none of the answered findings and nothing new. The per-case checks
 * then pin the exact statements and operations. The cases are Moose's fixtures 03, 04, 06 and
 * 09 and the hand-written plans of tests/data/rewrite (see make_cases.py there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "emit.h"
#include "migplan.h"
#include "migplan/analyze.h"
#include "migplan/rewrite.h"

/* ---------------------------------------------------------------- loading */

static char *path_of(const char *env, const char *dir, const char *file)
{
	const char *root = getenv(env);
	if (!root)
		root = strcmp(env, "MIGPLAN_FIXTURES") == 0 ? "../shared/moose/fixtures" : "tests/data";
	size_t len = strlen(root) + strlen(dir) + strlen(file) + 3;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s/%s/%s", root, dir, file);
	return p;
}

/* A plan with its two snapshots; @p plan_file names the plan inside the folder. */
static migplan_plan *load(const char *env, const char *dir, const char *plan_file)
{
	char *plan = path_of(env, dir, plan_file);
	char *remote = path_of(env, dir, "remote_state.json");
	char *local = path_of(env, dir, "local_infra_map.json");
	migplan_plan *p = NULL;
	migplan_status st = migplan_plan_load_files(&p, plan, remote, local, NULL);
	if (st)
		diag("loading %s: %s", plan, migplan_error_message(migplan_error_last()));
	free(plan);
	free(remote);
	free(local);
	return p;
}

static migplan_plan *fixture(const char *dir, const char *plan_file)
{
	return load("MIGPLAN_FIXTURES", dir, plan_file);
}

static migplan_plan *data_case(const char *dir)
{
	char sub[256];
	snprintf(sub, sizeof(sub), "rewrite/%s", dir);
	return load("MIGPLAN_TEST_DATA", sub, "plan.yaml");
}

static char *file_text(const char *env, const char *dir, const char *file)
{
	char *p = path_of(env, dir, file);
	char *text = p ? tap_slurp(p) : NULL;
	free(p);
	return text;
}

static char *yaml_of(const migplan_plan *p)
{
	char *out = NULL;
	if (migplan_plan_to_yaml(p, &out) != MIGPLAN_OK)
		return NULL;
	return out;
}

/* ---------------------------------------------------------------- generic checks */

/* An operation as it appears inside `operations:` (`- Kind:` then four-space fields). */
static char *op_block(const migplan_op *op)
{
	char *y = NULL;
	size_t len = 0;
	if (migplan__yaml_emit_value(migplan_op_node(op), &y, &len) != MIGPLAN_OK)
		return NULL;
	char *out = malloc(2 * len + 3);
	size_t k = 0;
	int bol = 1;
	for (size_t i = 0; out && i < len; i++) {
		if (bol) {
			out[k] = k == 0 ? '-' : ' ';
			k++;
			out[k++] = ' ';
		}
		out[k++] = y[i];
		bol = y[i] == '\n';
	}
	if (out)
		out[k] = '\0';
	free(y);
	return out;
}

static int id_in(const char *id, const char *const *ids, size_t n)
{
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* 1 when the original has a finding like @p f (same rule, table, column, view) that the
 * applied edits do not answer. */
static int seen_before(const migplan_plan *orig, const migplan_finding *f, const char *const *ids,
                       size_t n)
{
	for (size_t i = 0; i < migplan_plan_finding_count(orig); i++) {
		const migplan_finding *o = migplan_plan_finding_at(orig, i);
		if (id_in(migplan_finding_edit(o), ids, n))
			continue;
		if (str_eq(migplan_finding_rule(o), migplan_finding_rule(f)) &&
		    str_eq(migplan_finding_table(o), migplan_finding_table(f)) &&
		    str_eq(migplan_finding_column_name(o), migplan_finding_column_name(f)) &&
		    str_eq(migplan_finding_view(o), migplan_finding_view(f)))
			return 1;
	}
	return 0;
}

/* Analyses @p edited: none of the answered ids, and nothing the original did not have. */
static void check_reanalysis(const char *name, const migplan_plan *orig, migplan_plan *edited,
                             const char *const *ids, size_t n)
{
	ok(migplan_plan_analyze(edited, NULL) == MIGPLAN_OK, "%s: the edited plan analyses", name);
	size_t answered = 0, fresh = 0;
	for (size_t i = 0; i < migplan_plan_finding_count(edited); i++) {
		const migplan_finding *f = migplan_plan_finding_at(edited, i);
		if (id_in(migplan_finding_edit(f), ids, n)) {
			answered++;
			diag("still there: [%s] %s", migplan_finding_rule(f), migplan_finding_message(f));
		} else if (!seen_before(orig, f, ids, n)) {
			fresh++;
			diag("new: [%s] %s", migplan_finding_rule(f), migplan_finding_message(f));
		}
	}
	ok(answered == 0, "%s: the findings the edits answer are gone", name);
	ok(fresh == 0, "%s: re-analysis shows nothing new", name);
}

/* Untouched operations of @p orig appear byte for byte, in order, in @p text. */
static void check_untouched(const char *name, const migplan_plan *orig, const char *text,
                            const char *const *ids, size_t n)
{
	size_t count = migplan_plan_op_count(orig);
	unsigned char *touched = calloc(count + 1, 1);
	for (size_t e = 0; e < migplan_plan_edit_count(orig); e++) {
		const migplan_edit *ed = migplan_plan_edit_at(orig, e);
		if (n && !id_in(migplan_edit_id(ed), ids, n))
			continue;
		for (size_t i = 0; i < migplan_edit_removed_count(ed); i++)
			touched[migplan_edit_removed_at(ed, i)] = 1;
	}
	const char *at = text;
	int in_order = 1;
	for (size_t i = 0; i < count && at; i++) {
		if (touched[i])
			continue;
		char *block = op_block(migplan_plan_op_at(orig, i));
		const char *hit = block ? strstr(at, block) : NULL;
		if (!hit) {
			in_order = 0;
			diag("operation %zu not found as written:\n%s", i, block ? block : "(null)");
		}
		at = hit ? hit + strlen(block) : NULL;
		free(block);
	}
	ok(in_order, "%s: untouched operations keep their bytes and order", name);
	free(touched);
}

/* Every RawSql the edits add has exactly `description` and `sql` (a list of strings). */
static void check_raw_sql_shape(const char *name, const migplan_plan *edited)
{
	int good = 1;
	for (size_t i = 0; i < migplan_plan_op_count(edited); i++) {
		const migplan_op *op = migplan_plan_op_at(edited, i);
		if (migplan_op_kind_of(op) != MIGPLAN_OP_RAW_SQL)
			continue;
		const migplan_node *body = migplan_op_body(op);
		const migplan_node *sql = migplan_node_get(body, "sql");
		good &= migplan_node_count(body) == 2 && migplan_node_get(body, "description") != NULL &&
		        migplan_node_kind_of(sql) == MIGPLAN_NODE_SEQ;
		for (size_t k = 0; k < migplan_node_count(sql); k++)
			good &= migplan_node_kind_of(migplan_node_at(sql, k)) == MIGPLAN_NODE_STRING;
	}
	ok(good, "%s: RawSql operations have exactly description and sql", name);
}

/* Violations of Moose's JSON schema that are not the schema's own bugs (FORMAT.md 1.8). */
static migplan_schema *schema;

static long schema_violations(const migplan_plan *p)
{
	if (!schema) {
		char *path = path_of("MIGPLAN_FIXTURES", "..", "migration_plan_schema.json");
		if (migplan_schema_load_file(&schema, path, NULL) != MIGPLAN_OK)
			diag("schema: %s", migplan_error_message(migplan_error_last()));
		free(path);
	}
	migplan_violations *v = NULL;
	if (!schema || migplan_schema_validate(schema, migplan_plan_root(p), &v) != MIGPLAN_OK)
		return -1;
	long n = 0;
	for (size_t i = 0; i < migplan_violations_count(v); i++) {
		const migplan_violation *x = migplan_violations_at(v, i);
		if (!migplan_violation_is_moose_schema_bug(x)) {
			n++;
			diag("schema: %s at %s", migplan_violation_message(x), migplan_violation_pointer(x));
		}
	}
	migplan_violations_free(v);
	return n;
}

/* Applies @p ids (NULL: all) and runs every generic check. Returns the edited plan. */
static migplan_plan *check_applied(const char *name, migplan_plan *orig, const char *const *ids,
                                   size_t n)
{
	char *before = yaml_of(orig);
	migplan_plan *edited = NULL;
	migplan_status st = migplan_plan_apply_edits(&edited, orig, ids, n);
	if (!ok(st == MIGPLAN_OK && edited, "%s: edits apply", name)) {
		diag("%s", migplan_error_message(migplan_error_last()));
		free(before);
		return NULL;
	}
	char *after_orig = yaml_of(orig);
	ok(before && after_orig && strcmp(before, after_orig) == 0, "%s: the original plan is unchanged", name);
	char *text = yaml_of(edited);
	migplan_plan *again = NULL;
	ok(text && migplan_plan_load_buffer(&again, text, strlen(text), "again", NULL) == MIGPLAN_OK,
	   "%s: the edited YAML reads back", name);
	char *text2 = again ? yaml_of(again) : NULL;
	ok(text && text2 && strcmp(text, text2) == 0, "%s: re-parsing gives the same plan", name);
	ok(migplan_plan_snapshot(edited, MIGPLAN_SNAPSHOT_REMOTE) ==
	       migplan_plan_snapshot(orig, MIGPLAN_SNAPSHOT_REMOTE) &&
	   migplan_plan_snapshot(edited, MIGPLAN_SNAPSHOT_LOCAL) ==
	       migplan_plan_snapshot(orig, MIGPLAN_SNAPSHOT_LOCAL),
	   "%s: the edited plan keeps the original's snapshots", name);
	if (text)
		check_untouched(name, orig, text, ids, n);
	check_raw_sql_shape(name, edited);
	long before_v = schema_violations(orig), after_v = schema_violations(edited);
	ok(after_v >= 0 && after_v <= before_v,
	   "%s: the edited plan validates against Moose's JSON schema (%ld violations, %ld before)",
	   name, after_v, before_v);
	size_t all = migplan_plan_edit_count(orig);
	const char **applied = calloc(all + 1, sizeof(*applied));
	size_t k = 0;
	for (size_t e = 0; e < all; e++) {
		const char *id = migplan_edit_id(migplan_plan_edit_at(orig, e));
		if (!ids || id_in(id, ids, n))
			applied[k++] = id;
	}
	check_reanalysis(name, orig, edited, applied, k);
	free(applied);
	migplan_plan_free(again);
	migplan_free(text);
	migplan_free(text2);
	migplan_free(before);
	migplan_free(after_orig);
	return edited;
}

/* Kind and table of operation @p i. */
static void is_op(const migplan_plan *p, size_t i, migplan_op_kind kind, const char *table,
                  const char *what)
{
	const migplan_op *op = migplan_plan_op_at(p, i);
	ok(op && migplan_op_kind_of(op) == kind && str_eq(migplan_op_table_name(op), table),
	   "%s: operation %zu is %s %s", what, i, migplan_op_kind_name(kind), table ? table : "");
	if (op && (migplan_op_kind_of(op) != kind || !str_eq(migplan_op_table_name(op), table)))
		diag("got %s %s", migplan_op_kind_name(migplan_op_kind_of(op)),
		     migplan_op_table_name(op) ? migplan_op_table_name(op) : "(null)");
}

static const migplan_edit *expect_edit(const migplan_plan *p, const char *id, const char *rule)
{
	const migplan_edit *e = migplan_plan_edit_find(p, id);
	if (!ok(e != NULL, "edit %s is proposed", id)) {
		for (size_t i = 0; i < migplan_plan_edit_count(p); i++)
			diag("proposed: %s", migplan_edit_id(migplan_plan_edit_at(p, i)));
		for (size_t i = 0; i < migplan_plan_finding_count(p); i++) {
			const migplan_finding *f = migplan_plan_finding_at(p, i);
			diag("finding [%s] %s -> %s", migplan_finding_rule(f), migplan_finding_message(f),
			     migplan_finding_edit(f) ? migplan_finding_edit(f) : "-");
		}
		return NULL;
	}
	if (rule)
		is_str(migplan_edit_rule(e), rule, "%s answers %s", id, rule);
	ok(migplan_edit_description(e) && strlen(migplan_edit_description(e)) > 20,
	   "%s has a description", id);
	return e;
}

static void is_removed(const migplan_edit *e, const size_t *want, size_t n)
{
	int same = e && migplan_edit_removed_count(e) == n;
	for (size_t i = 0; same && i < n; i++)
		same = migplan_edit_removed_at(e, i) == want[i];
	ok(same, "%s removes the expected %zu operation(s)", e ? migplan_edit_id(e) : "?", n);
}

/* The statements of RawSql operation @p i of @p p. */
static void is_sql(const migplan_plan *p, size_t i, const char *const *want, size_t n,
                   const char *what)
{
	const migplan_op *op = migplan_plan_op_at(p, i);
	is_int(migplan_op_sql_count(op), n, "%s: RawSql %zu has %zu statement(s)", what, i, n);
	for (size_t k = 0; k < n && k < migplan_op_sql_count(op); k++)
		is_str(migplan_op_sql_at(op, k), want[k], "%s: statement %zu", what, k);
}

static int contains(const char *hay, const char *needle)
{
	return hay && needle && strstr(hay, needle) != NULL;
}

/* ---------------------------------------------------------------- fixture 03 */

static void test_fixture03(void)
{
	migplan_plan *p = fixture("03_recreate_same_table", "plan.yaml");
	if (!ok(p != NULL, "03 loads"))
		return;
	char *orig_text = file_text("MIGPLAN_FIXTURES", "03_recreate_same_table", "plan.yaml");
	char *emitted = yaml_of(p);
	ok(orig_text && emitted && strcmp(orig_text, emitted) == 0, "03: to_yaml gives the file's bytes");
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "03: propose");
	const migplan_edit *e = expect_edit(p, "rebuild-table:local.events", "drop-recreate-same-table");
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK && migplan_plan_edit_find(p, "rebuild-table:local.events") == e,
	   "03: proposing again keeps the same edits");
	static const size_t removed[] = {0, 1};
	is_removed(e, removed, 2);
	is_int(migplan_edit_inserted_count(e), 3, "03: three operations inserted");
	ok(contains(migplan_edit_inserted_yaml(e, 0), "CreateTable:\n  table:\n"),
	   "03: the first inserted operation is the CreateTable");
	ok(contains(migplan_edit_inserted_yaml(e, 0), "    name: events__migplan_swap\n"
	                                               "    order_by:\n"),
	   "03: ... of the temporary name");
	ok(contains(migplan_edit_inserted_yaml(e, 0), "    source_primitive:\n"
	                                               "      name: events__migplan_swap\n"),
	   "03: ... which is its own data model (views of events are not its readers)");
	ok(contains(migplan_edit_inserted_yaml(e, 1), "RawSql:\n  description: "), "03: then a RawSql");
	is_str(migplan_edit_inserted_yaml(e, 2),
	       "DropTable:\n  cluster_name: null\n  database: null\n  table: events__migplan_swap\n",
	       "03: and the DropTable of the temporary table");
	ok(contains(migplan_edit_description(e), "events_by_type_mv"),
	   "03: the description names the materialized view that keeps working");
	migplan_plan *q = check_applied("03", p, NULL, 0);
	if (q) {
		is_int(migplan_plan_op_count(q), 4, "03: four operations");
		is_op(q, 0, MIGPLAN_OP_CREATE_TABLE, "events__migplan_swap", "03");
		is_op(q, 1, MIGPLAN_OP_RAW_SQL, NULL, "03");
		is_op(q, 2, MIGPLAN_OP_ADD_TABLE_COLUMN, "users", "03");
		is_op(q, 3, MIGPLAN_OP_DROP_TABLE, "events__migplan_swap", "03");
		static const char *const sql[] = {
			"INSERT INTO `events__migplan_swap` (`event_id`, `user_id`, `event_type`, `ts`, `value`) "
			"SELECT `event_id`, `user_id`, CAST(`event_type`, 'LowCardinality(String)'), `ts`, "
			"CAST(`value`, 'Int64') FROM `events`",
			"EXCHANGE TABLES `events` AND `events__migplan_swap`"};
		is_sql(q, 1, sql, 2, "03");
		/* git diff shows only the edit: the text up to the first operation and the
		 * AddTableColumn are the original bytes */
		char *text = yaml_of(q);
		const char *first = orig_text ? strstr(orig_text, "- DropTable") : NULL;
		ok(first && text && strncmp(text, orig_text, (size_t)(first - orig_text)) == 0,
		   "03: the header and created_at are unchanged");
		migplan_free(text);
	}
	migplan_plan_free(q);
	migplan_free(emitted);
	free(orig_text);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- fixture 04 */

static void test_fixture04(void)
{
	migplan_plan *p = fixture("04_versioned_upgrade", "plan.yaml");
	if (!ok(p != NULL, "04 loads"))
		return;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "04: propose");
	const migplan_edit *e = expect_edit(p, "rebuild-table:local.events_1_0", "version-bump-drop-first");
	static const size_t removed[] = {0};
	is_removed(e, removed, 1);
	is_int(migplan_edit_inserted_count(e), 2, "04: the copy and the moved DropTable");
	migplan_plan *q = check_applied("04", p, NULL, 0);
	if (q) {
		is_int(migplan_plan_op_count(q), 3, "04: three operations");
		is_op(q, 0, MIGPLAN_OP_CREATE_TABLE, "events_1_1", "04");
		is_op(q, 1, MIGPLAN_OP_RAW_SQL, NULL, "04");
		is_op(q, 2, MIGPLAN_OP_DROP_TABLE, "events_1_0", "04");
		static const char *const sql[] = {
			"INSERT INTO `events_1_1` (`event_id`, `user_id`, `event_type`, `ts`, `value`) "
			"SELECT `event_id`, `user_id`, CAST(`event_type`, 'LowCardinality(String)'), `ts`, "
			"CAST(`value`, 'Int64') FROM `events_1_0`"};
		is_sql(q, 1, sql, 1, "04");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- fixture 06 */

static void test_fixture06(void)
{
	migplan_plan *p = fixture("06_rename_column", "plan.generated.yaml");
	migplan_plan *hand = fixture("06_rename_column", "plan.yaml");
	if (!ok(p && hand, "06 loads (Moose's plan and the hand-edited one)"))
		goto out;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "06: propose");
	const migplan_edit *e = expect_edit(p, "rename-column:local.users.signup_ts.signed_up_at",
	                                    "likely-rename");
	static const size_t removed[] = {0, 1};
	is_removed(e, removed, 2);
	is_str(migplan_edit_inserted_yaml(e, 0),
	       "RenameTableColumn:\n  after_column_name: signed_up_at\n  before_column_name: signup_ts\n"
	       "  cluster_name: null\n  database: null\n  table: users\n",
	       "06: one RenameTableColumn");
	migplan_plan *q = check_applied("06", p, NULL, 0);
	if (q) {
		const migplan_op *a = migplan_plan_op_at(q, 0), *b = migplan_plan_op_at(hand, 0);
		ok(migplan_plan_op_count(q) == 1 && migplan_op_kind_of(a) == migplan_op_kind_of(b) &&
		   str_eq(migplan_op_table_name(a), migplan_op_table_name(b)) &&
		   str_eq(migplan_op_column_name(a), migplan_op_column_name(b)) &&
		   str_eq(migplan_op_new_column_name(a), migplan_op_new_column_name(b)),
		   "06: the edited plan is the docs' hand edit");
	}
	migplan_plan_free(q);
out:
	migplan_plan_free(hand);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- fixture 09 */

static void test_fixture09(void)
{
	migplan_plan *p = fixture("09_ordering_errors", "plan.yaml");
	if (!ok(p != NULL, "09 loads"))
		return;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "09: propose");
	const migplan_edit *e1 = expect_edit(p, "reorder:1", NULL);
	expect_edit(p, "reorder:3", "column-before-add");
	expect_edit(p, "reorder:5", "view-before-table");
	static const size_t removed1[] = {0, 1};
	is_removed(e1, removed1, 2);
	migplan_plan *q = check_applied("09", p, NULL, 0);
	if (q) {
		is_int(migplan_plan_op_count(q), 7, "09: same number of operations");
		is_op(q, 0, MIGPLAN_OP_CREATE_TABLE, "events_v2", "09");
		is_op(q, 1, MIGPLAN_OP_RAW_SQL, NULL, "09");
		is_op(q, 2, MIGPLAN_OP_DROP_TABLE, "events", "09");
		is_op(q, 3, MIGPLAN_OP_ADD_TABLE_COLUMN, "users", "09");
		is_str(migplan_op_column_name(migplan_plan_op_at(q, 3)), "country", "09: country first");
		is_str(migplan_op_column_name(migplan_plan_op_at(q, 4)), "country_code", "09: then country_code");
		is_op(q, 5, MIGPLAN_OP_CREATE_TABLE, "country_counts", "09");
		is_op(q, 6, MIGPLAN_OP_CREATE_MATERIALIZED_VIEW, "country_counts_mv", "09");
	}
	migplan_plan_free(q);

	/* one by one: each applied plan is proposed anew until nothing is left. Every plan
	 * borrows the snapshots of the first, which must outlive them; the ones in between can go */
	migplan_plan *first = fixture("09_ordering_errors", "plan.yaml"), *cur = first;
	int rounds = 0;
	while (cur && rounds < 10 && migplan_plan_propose_edits(cur) == MIGPLAN_OK &&
	       migplan_plan_edit_count(cur) > 0) {
		const char *id = migplan_edit_id(migplan_plan_edit_at(cur, 0));
		migplan_plan *next = NULL;
		if (migplan_plan_apply_edits(&next, cur, &id, 1) != MIGPLAN_OK)
			break;
		if (cur != first)
			migplan_plan_free(cur);
		cur = next;
		rounds++;
	}
	ok(cur && rounds >= 1 && migplan_plan_edit_count(cur) == 0,
	   "09: edits applied one by one leave nothing to edit (%d rounds)", rounds);
	size_t ordering = 0;
	for (size_t i = 0; cur && i < migplan_plan_finding_count(cur); i++)
		ordering += migplan_finding_edit(migplan_plan_finding_at(cur, i)) != NULL;
	is_int(ordering, 0, "09: no finding with an edit is left");
	if (cur != first)
		migplan_plan_free(cur);
	migplan_plan_free(first);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- hand-written cases */

static migplan_plan *rebuild_case(const char *name, const char *id, const char *rule,
                                  migplan_plan **orig)
{
	migplan_plan *p = data_case(name);
	*orig = p;
	if (!ok(p != NULL, "%s loads", name))
		return NULL;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "%s: propose", name);
	if (!expect_edit(p, id, rule))
		return NULL;
	return check_applied(name, p, &id, 1);
}

static void test_multi_cast(void)
{
	migplan_plan *p = NULL;
	migplan_plan *q = rebuild_case("multi_cast", "rebuild-table:local.metrics",
	                               "drop-recreate-same-table", &p);
	if (q) {
		static const char *const sql[] = {
			"INSERT INTO `metrics__migplan_swap` (`id`, `host`, `cpu`, `count`, `day`, `amount`, `note`) "
			"SELECT `id`, CAST(`host`, 'LowCardinality(String)'), CAST(`cpu`, 'Float64'), "
			"CAST(`count`, 'Int64'), CAST(`day`, 'Date32'), CAST(`amount`, 'Decimal(18, 4)'), `note` "
			"FROM `metrics`",
			"EXCHANGE TABLES `metrics` AND `metrics__migplan_swap`"};
		is_sql(q, 1, sql, 2, "multi_cast");
		const char *d = migplan_edit_description(migplan_plan_edit_find(p, "rebuild-table:local.metrics"));
		ok(contains(d, "NOT carried over") && contains(d, "`legacy`"),
		   "multi_cast: the description names the old column that is not carried over");
		ok(contains(d, "defaults: `region`"), "multi_cast: and the new column left to its default");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

static void test_views(void)
{
	migplan_plan *p = NULL;
	migplan_plan *q = rebuild_case("views", "rebuild-table:local.orders", "drop-recreate-same-table", &p);
	const char *d = migplan_edit_description(migplan_plan_edit_find(p, "rebuild-table:local.orders"));
	ok(contains(d, "`orders_daily_mv`") && contains(d, "`big_orders`"),
	   "views: the description names both views that keep working");
	migplan_plan_free(q);
	migplan_plan_free(p);
}

static void test_key_widen(void)
{
	migplan_plan *p = NULL;
	migplan_plan *q = rebuild_case("key_widen", "rebuild-table:local.sessions", "key-column-change", &p);
	static const size_t removed[] = {0, 1};
	is_removed(migplan_plan_edit_find(p, "rebuild-table:local.sessions"), removed, 2);
	if (q) {
		is_int(migplan_plan_op_count(q), 3, "key_widen: create, copy and swap, drop");
		const migplan_table *t = migplan_op_table(migplan_plan_op_at(q, 0));
		is_str(migplan_table_name(t), "sessions__migplan_swap", "key_widen: the temporary table");
		is_str(migplan_column_clickhouse_type(migplan_table_column_find(t, "user_id")), "Int64",
		       "key_widen: it has the new key type (from local_infra_map.json)");
		is_str(migplan_column_clickhouse_type(migplan_table_column_find(t, "pages")), "UInt32",
		       "key_widen: and the other ALTER's type");
		static const char *const sql[] = {
			"INSERT INTO `sessions__migplan_swap` (`user_id`, `started`, `pages`) "
			"SELECT CAST(`user_id`, 'Int64'), `started`, CAST(`pages`, 'UInt32') FROM `sessions`",
			"EXCHANGE TABLES `sessions` AND `sessions__migplan_swap`"};
		is_sql(q, 1, sql, 2, "key_widen");
		is_op(q, 2, MIGPLAN_OP_DROP_TABLE, "sessions__migplan_swap", "key_widen");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

static void test_other_db(void)
{
	migplan_plan *p = NULL;
	migplan_plan *q = rebuild_case("other_db", "rebuild-table:analytics.pageviews",
	                               "drop-recreate-same-table", &p);
	if (q) {
		static const char *const sql[] = {
			"INSERT INTO `analytics`.`pageviews__migplan_swap` (`page`, `visitor`, `ts`, `ver`) "
			"SELECT `page`, `visitor`, `ts`, CAST(`ver`, 'UInt64') FROM `analytics`.`pageviews`",
			"EXCHANGE TABLES `analytics`.`pageviews` AND `analytics`.`pageviews__migplan_swap`"};
		is_sql(q, 1, sql, 2, "other_db");
		is_str(migplan_op_database(migplan_plan_op_at(q, 2)), "analytics",
		       "other_db: the temporary table is dropped in its database");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

static void test_weird_names(void)
{
	migplan_plan *p = NULL;
	migplan_plan *q = rebuild_case("weird_names", "rebuild-table:my db.we`ird 'tab\"le",
	                               "drop-recreate-same-table", &p);
	if (q) {
		static const char *const sql[] = {
			"INSERT INTO `my db`.`we\\`ird 'tab\"le__migplan_swap` (`a b`, `c'q`, `d\\`e`, `x\"y`) "
			"SELECT CAST(`a b`, 'Int64'), `c'q`, CAST(`d\\`e`, 'LowCardinality(String)'), `x\"y` "
			"FROM `my db`.`we\\`ird 'tab\"le`",
			"EXCHANGE TABLES `my db`.`we\\`ird 'tab\"le` AND `my db`.`we\\`ird 'tab\"le__migplan_swap`"};
		is_sql(q, 1, sql, 2, "weird_names");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

static void test_rename_typed(void)
{
	migplan_plan *p = data_case("rename_typed");
	if (!ok(p != NULL, "rename_typed loads"))
		return;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "rename_typed: propose");
	const char *id = "rename-column:local.players.score.points";
	const migplan_edit *e = expect_edit(p, id, "likely-rename");
	is_int(migplan_edit_inserted_count(e), 2, "rename_typed: a rename and a ModifyTableColumn");
	ok(contains(migplan_edit_inserted_yaml(e, 1), "ModifyTableColumn:\n  after_column:\n") &&
	   contains(migplan_edit_inserted_yaml(e, 1), "comment: loyalty points") &&
	   contains(migplan_edit_inserted_yaml(e, 1), "  before_column:\n    annotations: []\n"
	                                               "    data_type: Int32\n    default: null\n"
	                                               "    name: points\n"),
	   "rename_typed: the ModifyTableColumn goes from the renamed old column to the added one");
	migplan_plan *q = e ? check_applied("rename_typed", p, &id, 1) : NULL;
	if (q) {
		is_op(q, 0, MIGPLAN_OP_RENAME_TABLE_COLUMN, "players", "rename_typed");
		is_op(q, 1, MIGPLAN_OP_MODIFY_TABLE_COLUMN, "players", "rename_typed");
	}
	migplan_plan_free(q);
	migplan_plan_free(p);
}

/* ---------------------------------------------------------------- plans written here */

/* Fixture 03's remote state with an inline plan. */
static migplan_plan *inline_plan(const char *yaml, const char *dir)
{
	migplan_plan *p = NULL;
	migplan_snapshot *remote = NULL, *local = NULL;
	char *rp = path_of("MIGPLAN_FIXTURES", dir, "remote_state.json");
	char *lp = path_of("MIGPLAN_FIXTURES", dir, "local_infra_map.json");
	if (migplan_plan_load_buffer(&p, yaml, strlen(yaml), "inline.yaml", NULL) ||
	    migplan_snapshot_load_file(&remote, rp, NULL) || migplan_snapshot_load_file(&local, lp, NULL))
		diag("inline plan: %s", migplan_error_message(migplan_error_last()));
	free(rp);
	free(lp);
	if (p)
		migplan_plan_attach_snapshots(p, remote, local);
	return p;
}

/* The snapshots attached to an inline plan are the caller's to free. */
static void inline_free(migplan_plan *p)
{
	migplan_snapshot *r = (migplan_snapshot *)migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_REMOTE);
	migplan_snapshot *l = (migplan_snapshot *)migplan_plan_snapshot(p, MIGPLAN_SNAPSHOT_LOCAL);
	migplan_plan_free(p);
	migplan_snapshot_free(r);
	migplan_snapshot_free(l);
}

/* The CreateTable of fixture 03 as flow YAML, with @p extra fields in the table. */
#define EVENTS_TABLE(extra)                                                                      \
	"{name: events, " extra "columns: [{name: event_id, data_type: String, required: true, "    \
	"unique: false, primary_key: false, default: null, annotations: []}, {name: value, "         \
	"data_type: Int64, required: true, unique: false, primary_key: false, default: null, "        \
	"annotations: []}], order_by: [value], engine: MergeTree, indexes: [], projections: [], "     \
	"life_cycle: FULLY_MANAGED, metadata: null, version: null, "                                 \
	"source_primitive: {name: events, primitive_type: DataModel}}"

static void test_cluster_and_free_name(void)
{
	static const char yaml[] =
		"created_at: 2026-03-04T08:02:19.774160331Z\n"
		"operations:\n"
		"- DropTable: {cluster_name: prod, database: null, table: events}\n"
		"- CreateTable: {table: " EVENTS_TABLE("cluster_name: prod, ") "}\n"
		"- RawSql: {description: mentions the first free name, sql: ['SELECT 1 FROM events__migplan_swap']}\n";
	migplan_plan *p = inline_plan(yaml, "03_recreate_same_table");
	if (!ok(p != NULL, "cluster: the inline plan loads"))
		return;
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "cluster: propose");
	const migplan_edit *e = expect_edit(p, "rebuild-table:local.events", NULL);
	ok(contains(migplan_edit_inserted_yaml(e, 1),
	            "EXCHANGE TABLES `events` AND `events__migplan_swap_2` ON CLUSTER `prod`"),
	   "cluster: EXCHANGE runs ON CLUSTER, with the next free name");
	is_str(migplan_edit_inserted_yaml(e, 2),
	       "DropTable:\n  cluster_name: prod\n  database: null\n  table: events__migplan_swap_2\n",
	       "cluster: the temporary table is dropped on the cluster");
	ok(contains(migplan_edit_inserted_yaml(e, 1), "CAST(`value`, 'Int64')") &&
	   contains(migplan_edit_description(e), "`user_id`"),
	   "cluster: value is cast; user_id, ts and event_type are named as not carried over");
	inline_free(p);
}

static void test_conflict_and_errors(void)
{
	/* fixture 09 changed so that op 1 (a back-fill reading `events`) and op 2 (a second
	 * back-fill reading it) both need the DropTable moved: their edits touch operation 0 */
	static const char yaml[] =
		"created_at: 2026-03-10T15:48:20.016623579Z\n"
		"operations:\n"
		"- DropTable: {cluster_name: null, database: null, table: events}\n"
		"- RawSql: {description: a, sql: ['INSERT INTO `users` (user_id) SELECT user_id FROM `events`']}\n"
		"- RawSql: {description: b, sql: ['INSERT INTO `users` (email) SELECT payload FROM `events`']}\n";
	migplan_plan *p = inline_plan(yaml, "09_ordering_errors");
	if (!ok(p != NULL, "conflict: the inline plan loads"))
		return;
	migplan_plan *q = NULL;
	ok(migplan_plan_apply_edits(&q, p, NULL, 0) == MIGPLAN_EINVAL && !q,
	   "apply before propose: EINVAL");
	ok(migplan_plan_propose_edits(p) == MIGPLAN_OK, "conflict: propose");
	const migplan_edit *a = expect_edit(p, "reorder:1", "read-after-drop");
	const migplan_edit *b = expect_edit(p, "reorder:2", "read-after-drop");
	if (a && b) {
		const char *ids[] = {"reorder:1", "reorder:2"};
		ok(migplan_plan_apply_edits(&q, p, ids, 2) == MIGPLAN_EINVAL && !q,
		   "two edits touching operation 0: EINVAL");
		const char *msg = migplan_error_message(migplan_error_last());
		ok(contains(msg, "'reorder:1'") && contains(msg, "'reorder:2'"), "the message names both: %s", msg);
		migplan_plan *one = check_applied("conflict (one of them)", p, ids, 1);
		migplan_plan_free(one);
	}
	const char *unknown = "rebuild-table:local.nope";
	ok(migplan_plan_apply_edits(&q, p, &unknown, 1) == MIGPLAN_ENOTFOUND && !q, "unknown id: ENOTFOUND");
	ok(contains(migplan_error_message(migplan_error_last()), unknown), "the message names the id");
	ok(migplan_plan_apply_edits(NULL, p, NULL, 0) == MIGPLAN_EINVAL, "NULL out: EINVAL");
	ok(migplan_plan_apply_edits(&q, NULL, NULL, 0) == MIGPLAN_EINVAL, "NULL plan: EINVAL");
	ok(migplan_plan_apply_edits(&q, p, NULL, 1) == MIGPLAN_EINVAL, "NULL ids with a count: EINVAL");
	ok(migplan_plan_propose_edits(NULL) == MIGPLAN_EINVAL, "propose NULL: EINVAL");
	char *text = NULL;
	ok(migplan_plan_to_yaml(NULL, &text) == MIGPLAN_EINVAL && !text, "to_yaml NULL plan: EINVAL");
	ok(migplan_plan_to_yaml(p, NULL) == MIGPLAN_EINVAL, "to_yaml NULL out: EINVAL");
	ok(migplan_plan_edit_count(NULL) == 0 && !migplan_plan_edit_at(p, 1000) &&
	   !migplan_plan_edit_find(p, "nope") && !migplan_edit_id(NULL) && !migplan_edit_rule(NULL) &&
	   !migplan_edit_description(NULL) && migplan_edit_removed_count(NULL) == 0 &&
	   migplan_edit_removed_at(NULL, 0) == SIZE_MAX && migplan_edit_inserted_count(NULL) == 0 &&
	   !migplan_edit_inserted_yaml(NULL, 0), "getters are NULL-safe");
	/* applying nothing gives the same plan */
	const char *none[1] = {NULL};
	ok(migplan_plan_apply_edits(&q, p, none, 0) == MIGPLAN_OK && q, "an empty id list applies nothing");
	char *t1 = yaml_of(p), *t2 = q ? yaml_of(q) : NULL;
	ok(t1 && t2 && strcmp(t1, t2) == 0, "... and gives the same YAML");
	migplan_free(t1);
	migplan_free(t2);
	migplan_plan_free(q);
	inline_free(p);
}

/* Every Moose-generated fixture comes out of to_yaml byte for byte. */
static void test_to_yaml_fixtures(void)
{
	static const char *const dirs[] = {"01_additive", "02_add_column_and_index", "03_recreate_same_table",
	                                   "04_versioned_upgrade", "05_modify_column_narrowing",
	                                   "07_mv_reads_altered_table", "10_schema_gaps"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		migplan_plan *p = fixture(dirs[i], "plan.yaml");
		char *want = file_text("MIGPLAN_FIXTURES", dirs[i], "plan.yaml");
		char *got = p ? yaml_of(p) : NULL;
		ok(want && got && strcmp(want, got) == 0, "to_yaml(%s) is the file, byte for byte", dirs[i]);
		migplan_free(got);
		free(want);
		migplan_plan_free(p);
	}
}

int main(void)
{
	test_to_yaml_fixtures();
	test_fixture03();
	test_fixture04();
	test_fixture06();
	test_fixture09();
	test_multi_cast();
	test_views();
	test_key_widen();
	test_other_db();
	test_weird_names();
	test_rename_typed();
	test_cluster_and_free_name();
	test_conflict_and_errors();
	migplan_schema_free(schema);
	return done_testing();
}
