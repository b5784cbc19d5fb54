/* --format json: one document per plan (JSON Lines when several plans are given), described
 * by docs/output-schema.json. Keys are part of the contract: add, never rename or remove
 * without bumping CLI_JSON_SCHEMA_VERSION. */
#include <stdlib.h>
#include <string.h>

#include "output_json.h"

/* How every document is printed: compact, one line, '/' left alone. The json format's
 * streamed document uses the same flags, so its bytes are those of a whole-tree print. */
#define PRINT_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

json_object *cli_json_string(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *position_int(uint32_t v)
{
	return json_object_new_int64((int64_t)(v ? v : 1));
}

json_object *cli_json_document(const char *command)
{
	json_object *doc = json_object_new_object();
	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string(CLI_TOOL_NAME));
	json_object_object_add(tool, "version", json_object_new_string(MIGPLAN_VERSION_STRING));
	json_object_object_add(doc, "schemaVersion", json_object_new_int(CLI_JSON_SCHEMA_VERSION));
	json_object_object_add(doc, "tool", tool);
	json_object_object_add(doc, "command", json_object_new_string(command));
	return doc;
}

void cli_json_print(FILE *out, json_object *doc)
{
	fputs(json_object_to_json_string_ext(doc, PRINT_FLAGS), out);
	fputc('\n', out);
}

json_object *cli_json_type_change(const migplan_type_change *c)
{
	int safe = migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "from", cli_json_string(migplan_type_change_from(c)));
	json_object_object_add(o, "to", cli_json_string(migplan_type_change_to(c)));
	json_object_object_add(o, "verdict", json_object_new_string(safe ? "safe" : "destructive"));
	json_object_object_add(o, "cause",
	                       cli_json_string(migplan_type_change_cause_name(migplan_type_change_cause(c))));
	json_object_object_add(o, "reason", cli_json_string(migplan_type_change_reason(c)));
	json_object_object_add(o, "example", cli_json_string(migplan_type_change_example(c)));
	json_object_object_add(o, "in_place", json_object_new_boolean(migplan_type_change_in_place(c)));
	json_object_object_add(o, "key_refused", json_object_new_boolean(migplan_type_change_key_refused(c)));
	return o;
}

/* --- operations --- */

static const char *loss_token(migplan_data_loss loss)
{
	switch (loss) {
	case MIGPLAN_LOSS_PERMANENT:
		return "permanent";
	case MIGPLAN_LOSS_POTENTIAL:
		return "potential";
	default:
		return "none";
	}
}

static json_object *operation_json(const migplan_plan *plan, const migplan_op *op)
{
	const migplan_node *node = migplan_op_node(op);
	const char *db = migplan_op_database(op);
	const migplan_type_change *tc = migplan_op_type_change(op);
	migplan_op_kind inverse = migplan_op_inverse_kind(op);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "index", json_object_new_int64((int64_t)migplan_op_index(op)));
	json_object_object_add(o, "kind", cli_json_string(migplan_op_kind_name(migplan_op_kind_of(op))));
	json_object_object_add(o, "table", cli_json_string(migplan_op_table_name(op)));
	/* null in the plan means the default database: say which, as Moose would resolve it */
	json_object_object_add(o, "database",
	                       migplan_op_table_name(op) ? cli_json_string(db ? db : migplan_plan_default_database(plan))
	                                                 : NULL);
	json_object_object_add(o, "column_name", cli_json_string(migplan_op_column_name(op)));
	json_object_object_add(o, "category", cli_json_string(migplan_category_name(migplan_op_category(op))));
	json_object_object_add(o, "reversible", json_object_new_boolean(migplan_op_reversible(op)));
	json_object_object_add(o, "data_loss", json_object_new_string(loss_token(migplan_op_data_loss(op))));
	json_object_object_add(o, "reason", cli_json_string(migplan_op_classification_reason(op)));
	json_object_object_add(o, "inverse", inverse ? cli_json_string(migplan_op_inverse_description(op)) : NULL);
	json_object_object_add(o, "line", position_int(migplan_node_line(node)));
	json_object_object_add(o, "column", position_int(migplan_node_column(node)));
	json_object_object_add(o, "type_change", tc ? cli_json_type_change(tc) : NULL);
	return o;
}

/* --- findings --- */

static json_object *location_json(const char *path, uint32_t line, uint32_t column)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "file", cli_json_string(path));
	json_object_object_add(o, "line", position_int(line));
	json_object_object_add(o, "column", position_int(column));
	return o;
}

static json_object *related_json(const struct cli_finding *f)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < f->related_count; i++) {
		const struct cli_related *rel = &f->related[i];
		json_object *o = location_json(rel->path, rel->line, rel->column);
		json_object_object_add(o, "message", cli_json_string(rel->message));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *cli_json_finding(const struct cli_finding *f)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "rule", cli_json_string(f->rule));
	json_object_object_add(o, "severity", cli_json_string(migplan_severity_name(f->severity)));
	json_object_object_add(o, "message", cli_json_string(f->message));
	json_object_object_add(o, "operation", f->operation >= 0 ? json_object_new_int64(f->operation) : NULL);
	json_object_object_add(o, "file", cli_json_string(f->path));
	json_object_object_add(o, "line", position_int(f->line));
	json_object_object_add(o, "column", position_int(f->column));
	json_object_object_add(o, "help", cli_json_string(f->help));
	json_object_object_add(o, "edit", cli_json_string(f->edit));
	json_object_object_add(o, "allowed", json_object_new_boolean(f->allowed));
	json_object_object_add(o, "allow_reason", cli_json_string(f->allow_reason));
	json_object_object_add(o, "blocker", json_object_new_boolean(f->blocker));
	json_object_object_add(o, "table", cli_json_string(f->table));
	json_object_object_add(o, "database", cli_json_string(f->database));
	json_object_object_add(o, "column_name", cli_json_string(f->column_name));
	json_object_object_add(o, "view", cli_json_string(f->view));
	json_object_object_add(o, "pointer", cli_json_string(f->pointer));
	json_object_object_add(o, "related", related_json(f));
	return o;
}

json_object *cli_json_edit(const migplan_edit *e)
{
	json_object *o = json_object_new_object();
	json_object *removes = json_object_new_array();
	json_object *inserts = json_object_new_array();
	for (size_t i = 0; i < migplan_edit_removed_count(e); i++)
		json_object_array_add(removes, json_object_new_int64((int64_t)migplan_edit_removed_at(e, i)));
	for (size_t i = 0; i < migplan_edit_inserted_count(e); i++)
		json_object_array_add(inserts, cli_json_string(migplan_edit_inserted_yaml(e, i)));
	json_object_object_add(o, "id", cli_json_string(migplan_edit_id(e)));
	json_object_object_add(o, "rule", cli_json_string(migplan_edit_rule(e)));
	json_object_object_add(o, "description", cli_json_string(migplan_edit_description(e)));
	json_object_object_add(o, "removes", removes);
	json_object_object_add(o, "inserts", inserts);
	return o;
}

/* --- the document --- */

static const char *snapshot_path(const migplan_plan *plan, migplan_snapshot_role role)
{
	const migplan_snapshot *s = migplan_plan_snapshot(plan, role);
	return s ? migplan_snapshot_path(s) : NULL;
}

static json_object *display_path_json(const char *path)
{
	if (!path)
		return NULL;
	char *shown = cli_display_path(path);
	json_object *o = json_object_new_string(shown);
	free(shown);
	return o;
}

static json_object *target_json(const struct cli_run *run, const struct cli_report *r)
{
	const struct cli_settings *s = run->settings;
	if (!s->deployments_path)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "deployments", display_path_json(s->deployments_path));
	json_object_object_add(o, "branch", cli_json_string(s->branch));
	json_object_object_add(o, "id", cli_json_string(migplan_plan_target_id(r->plan)));
	return o;
}

static json_object *plan_json(const struct cli_run *run, const struct cli_report *r)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "path", cli_json_string(r->plan_path));
	json_object_object_add(o, "operations", json_object_new_int64((int64_t)migplan_plan_op_count(r->plan)));
	json_object_object_add(o, "created_at", cli_json_string(migplan_plan_created_at(r->plan)));
	json_object_object_add(o, "default_database", cli_json_string(migplan_plan_default_database(r->plan)));
	json_object_object_add(o, "remote_state", display_path_json(snapshot_path(r->plan, MIGPLAN_SNAPSHOT_REMOTE)));
	json_object_object_add(o, "local_infra_map", display_path_json(snapshot_path(r->plan, MIGPLAN_SNAPSHOT_LOCAL)));
	json_object_object_add(o, "config", cli_json_string(r->config_display));
	json_object_object_add(o, "schema", cli_json_string(r->schema_display));
	json_object_object_add(o, "target", target_json(run, r));
	return o;
}

static json_object *categories_json(const migplan_plan *plan)
{
	static const migplan_category cats[] = {MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_CATEGORY_DESTRUCTIVE,
	                                        MIGPLAN_CATEGORY_METADATA, MIGPLAN_CATEGORY_CUSTOM};
	json_object *o = json_object_new_object();
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++)
		json_object_object_add(o, migplan_category_name(cats[i]),
		                       json_object_new_int64((int64_t)migplan_plan_category_count(plan, cats[i])));
	return o;
}

static json_object *summary_json(const struct cli_report *r)
{
	size_t allowed = 0;
	for (size_t i = 0; i < r->finding_count; i++)
		allowed += r->findings[i].allowed ? 1 : 0;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "errors", json_object_new_int64((int64_t)cli_report_count_severity(r, MIGPLAN_SEVERITY_ERROR)));
	json_object_object_add(o, "warnings",
	                       json_object_new_int64((int64_t)cli_report_count_severity(r, MIGPLAN_SEVERITY_WARNING)));
	json_object_object_add(o, "info", json_object_new_int64((int64_t)cli_report_count_severity(r, MIGPLAN_SEVERITY_INFO)));
	json_object_object_add(o, "allowed", json_object_new_int64((int64_t)allowed));
	json_object_object_add(o, "analysed", json_object_new_boolean(r->analysed));
	json_object_object_add(o, "fail_on", cli_json_string(migplan_severity_name(r->fail_on)));
	json_object_object_add(o, "destructive_allowed", json_object_new_boolean(r->destructive_allowed));
	json_object_object_add(o, "exit_code", json_object_new_int(r->exit_code));
	return o;
}


/* --- the streamed document ---
 * A plan of 100,000 operations made a json-c tree of ~500 MB, so the document of a plan is
 * written member by member: each small part is still built with json-c (so escaping and number
 * formatting stay json-c's), printed with cli_json_print's flags and freed at once, and the
 * long arrays are written one element at a time. The bytes are exactly those json-c wrote for
 * the whole tree: compact, the keys in the same order, `null` where a value is absent. */

/* Print @p v and free it. json-c prints a NULL member as null; so does
 * json_object_to_json_string_ext(NULL), so absent values keep printing as null. */
static void put_value(FILE *out, json_object *v)
{
	fputs(json_object_to_json_string_ext(v, PRINT_FLAGS), out);
	json_object_put(v);
}

/* The document's first members (schemaVersion, tool, command) come from cli_json_document, so
 * they stay those of every other command's document; its closing brace is left off so that the
 * rest can follow. The keys added after it are plain ASCII and need no escaping. */
static void open_document(FILE *out, const char *command)
{
	json_object *head = cli_json_document(command);
	const char *s = json_object_to_json_string_ext(head, PRINT_FLAGS);
	fwrite(s, 1, strlen(s) - 1, out);
	json_object_put(head);
}

/* A member after the first: json-c separates members with a bare comma. */
static void put_member(FILE *out, const char *key, json_object *v)
{
	fprintf(out, ",\"%s\":", key);
	put_value(out, v);
}

static void open_array(FILE *out, const char *key)
{
	fprintf(out, ",\"%s\":[", key);
}

/* Element @p i of an open array; json-c separates elements with a bare comma too. */
static void put_element(FILE *out, size_t i, json_object *v)
{
	if (i > 0)
		fputc(',', out);
	put_value(out, v);
}

static void put_operations(FILE *out, const migplan_plan *plan)
{
	open_array(out, "operations");
	for (size_t i = 0; i < migplan_plan_op_count(plan); i++)
		put_element(out, i, operation_json(plan, migplan_plan_op_at(plan, i)));
	fputc(']', out);
}

static void put_findings(FILE *out, const struct cli_report *r)
{
	open_array(out, "findings");
	for (size_t i = 0; i < r->finding_count; i++)
		put_element(out, i, cli_json_finding(&r->findings[i]));
	fputc(']', out);
}

/* The edits the rewrite proposes for the findings (check only); none is applied. */
static void put_edits(FILE *out, const struct cli_report *r)
{
	open_array(out, "edits");
	size_t n = r->edits_proposed ? migplan_plan_edit_count(r->plan) : 0;
	for (size_t i = 0; i < n; i++)
		put_element(out, i, cli_json_edit(migplan_plan_edit_at(r->plan, i)));
	fputc(']', out);
}

/* A blocker points back at its finding by index in `findings`. */
static json_object *blocker_json(const struct cli_finding *f, size_t index)
{
	json_object *b = location_json(f->path, f->line, f->column);
	json_object_object_add(b, "finding", json_object_new_int64((int64_t)index));
	json_object_object_add(b, "rule", cli_json_string(f->rule));
	json_object_object_add(b, "message", cli_json_string(f->message));
	return b;
}

static void put_blockers(FILE *out, const struct cli_report *r)
{
	size_t written = 0;
	open_array(out, "blockers");
	for (size_t i = 0; i < r->finding_count; i++)
		if (r->findings[i].blocker)
			put_element(out, written++, blocker_json(&r->findings[i], i));
	fputc(']', out);
}

/* One plan's document on one line (docs/output-schema.json). */
static void put_report(FILE *out, const struct cli_run *run, const struct cli_report *r)
{
	open_document(out, run->command);
	put_member(out, "plan", plan_json(run, r));
	put_member(out, "change_type", cli_json_string(migplan_change_type_name(migplan_plan_change_type(r->plan))));
	put_member(out, "categories", categories_json(r->plan));
	put_operations(out, r->plan);
	put_findings(out, r);
	put_edits(out, r);
	put_blockers(out, r);
	put_member(out, "summary", summary_json(r));
	fputs("}\n", out);
}

int cli_output_json(FILE *out, const struct cli_run *run)
{
	for (size_t i = 0; i < run->report_count; i++)
		if (cli_report_ok(&run->reports[i]))
			put_report(out, run, &run->reports[i]);
	return 0;
}
