/* --format sarif: one SARIF 2.1.0 log with one run for every plan given, so GitHub code
 * scanning shows each finding on the plan's line. Every rule the library knows is described
 * in tool.driver.rules (results point at them by ruleIndex); findings an allow entry covers
 * are kept as suppressed results, with the reason as the justification. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output_json.h"

#define SARIF_SCHEMA_URI "https://json.schemastore.org/sarif-2.1.0.json"
#define SARIF_BASE_ID "%SRCROOT%"

/* --- URIs (RFC 3986): paths are percent-encoded, relative ones resolved against %SRCROOT% --- */

static int unreserved(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
	       ch == '.' || ch == '_' || ch == '~' || ch == '/';
}

static void encode_path(struct cli_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (unreserved(*p)) {
			cli_buf_append(b, (const char *)p, 1);
		} else {
			char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			cli_buf_append(b, esc, 3);
		}
	}
}

static json_object *artifact_location(const char *path)
{
	json_object *o = json_object_new_object();
	struct cli_buf b = {0};
	if (path[0] == '/') {
		cli_buf_puts(&b, "file://");
		encode_path(&b, path);
	} else {
		encode_path(&b, path);
		json_object_object_add(o, "uriBaseId", json_object_new_string(SARIF_BASE_ID));
	}
	json_object_object_add(o, "uri", json_object_new_string(b.data ? b.data : ""));
	cli_buf_free(&b);
	return o;
}

static json_object *physical_location(const char *path, uint32_t line, uint32_t column)
{
	json_object *region = json_object_new_object();
	json_object_object_add(region, "startLine", json_object_new_int64(line ? line : 1));
	json_object_object_add(region, "startColumn", json_object_new_int64(column ? column : 1));
	json_object *o = json_object_new_object();
	json_object_object_add(o, "artifactLocation", artifact_location(path));
	json_object_object_add(o, "region", region);
	return o;
}

static json_object *text_message(const char *text)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "text", json_object_new_string(text && *text ? text : "(no message)"));
	return o;
}

/* --- rules --- */

struct rule_table {
	json_object *rules; /* the driver's rules array */
	const char **ids;
	size_t count, cap;
};

static void add_rule(struct rule_table *t, const char *id, const char *summary, const char *help,
                     migplan_severity severity)
{
	json_object *rule = json_object_new_object();
	json_object *config = json_object_new_object();
	json_object_object_add(rule, "id", json_object_new_string(id));
	json_object_object_add(rule, "shortDescription", text_message(summary ? summary : id));
	json_object_object_add(rule, "fullDescription", text_message(help ? help : summary ? summary : id));
	json_object_object_add(rule, "help", text_message(help ? help : summary ? summary : id));
	json_object_object_add(config, "level", json_object_new_string(cli_severity_level(severity)));
	json_object_object_add(rule, "defaultConfiguration", config);
	json_object_array_add(t->rules, rule);
	if (t->count == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->ids = cli_xalloc(realloc(t->ids, t->cap * sizeof *t->ids));
	}
	t->ids[t->count++] = id;
}

static void add_registry(struct rule_table *t)
{
	for (size_t i = 0; i < migplan_rule_count(); i++) {
		const char *id = migplan_rule_id_at(i);
		add_rule(t, id, migplan_rule_summary(id), migplan_rule_help(id), migplan_rule_default_severity(id));
	}
}

/* The index of @p f's rule, described on the fly when the registry does not know it. */
static size_t rule_index(struct rule_table *t, const struct cli_finding *f)
{
	for (size_t i = 0; i < t->count; i++)
		if (strcmp(t->ids[i], f->rule) == 0)
			return i;
	add_rule(t, f->rule, NULL, f->help, f->severity);
	return t->count - 1;
}

/* --- results --- */

static json_object *related_locations(const struct cli_finding *f)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < f->related_count; i++) {
		const struct cli_related *rel = &f->related[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64((int64_t)i));
		json_object_object_add(o, "physicalLocation", physical_location(rel->path, rel->line, rel->column));
		json_object_object_add(o, "message", text_message(rel->message ? rel->message : "related location"));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *result_properties(const struct cli_finding *f)
{
	json_object *o = json_object_new_object();
	if (f->operation >= 0)
		json_object_object_add(o, "operation", json_object_new_int64(f->operation));
	json_object_object_add(o, "blocker", json_object_new_boolean(f->blocker));
	if (f->table)
		json_object_object_add(o, "table", json_object_new_string(f->table));
	if (f->database)
		json_object_object_add(o, "database", json_object_new_string(f->database));
	if (f->column_name)
		json_object_object_add(o, "column", json_object_new_string(f->column_name));
	if (f->view)
		json_object_object_add(o, "view", json_object_new_string(f->view));
	if (f->pointer)
		json_object_object_add(o, "pointer", json_object_new_string(f->pointer));
	if (f->edit)
		json_object_object_add(o, "edit", json_object_new_string(f->edit));
	return o;
}

static json_object *suppressions(const struct cli_finding *f)
{
	json_object *s = json_object_new_object();
	json_object_object_add(s, "kind", json_object_new_string("external"));
	json_object_object_add(s, "status", json_object_new_string("accepted"));
	if (f->allow_reason)
		json_object_object_add(s, "justification", json_object_new_string(f->allow_reason));
	json_object *a = json_object_new_array();
	json_object_array_add(a, s);
	return a;
}

static json_object *result(struct rule_table *t, const struct cli_finding *f)
{
	json_object *o = json_object_new_object();
	json_object *locations = json_object_new_array();
	json_object *location = json_object_new_object();
	json_object_object_add(location, "physicalLocation", physical_location(f->path, f->line, f->column));
	json_object_array_add(locations, location);
	json_object_object_add(o, "ruleId", json_object_new_string(f->rule));
	json_object_object_add(o, "ruleIndex", json_object_new_int64((int64_t)rule_index(t, f)));
	json_object_object_add(o, "level", json_object_new_string(cli_severity_level(f->severity)));
	json_object_object_add(o, "message", text_message(f->message));
	json_object_object_add(o, "locations", locations);
	if (f->related_count)
		json_object_object_add(o, "relatedLocations", related_locations(f));
	if (f->allowed)
		json_object_object_add(o, "suppressions", suppressions(f));
	json_object_object_add(o, "properties", result_properties(f));
	return o;
}

/* --- the run --- */

static json_object *invocation(const struct cli_run *run)
{
	json_object *notes = json_object_new_array();
	for (size_t i = 0; i < run->report_count; i++) {
		const struct cli_report *r = &run->reports[i];
		if (!r->error)
			continue;
		json_object *n = json_object_new_object();
		json_object_object_add(n, "level", json_object_new_string("error"));
		json_object_object_add(n, "message", text_message(r->error));
		json_object_array_add(notes, n);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "executionSuccessful", json_object_new_boolean(json_object_array_length(notes) == 0));
	json_object_object_add(o, "exitCode", json_object_new_int(run->exit_code));
	json_object_object_add(o, "toolExecutionNotifications", notes);
	json_object *a = json_object_new_array();
	json_object_array_add(a, o);
	return a;
}

static json_object *base_ids(void)
{
	char cwd[4096];
	json_object *o = json_object_new_object();
	if (!getcwd(cwd, sizeof cwd))
		return o;
	struct cli_buf b = {0};
	cli_buf_puts(&b, "file://");
	encode_path(&b, cwd);
	if (b.data[b.len - 1] != '/')
		cli_buf_puts(&b, "/");
	json_object *root = json_object_new_object();
	json_object_object_add(root, "uri", json_object_new_string(b.data));
	json_object_object_add(o, SARIF_BASE_ID, root);
	cli_buf_free(&b);
	return o;
}

static json_object *driver(json_object *rules)
{
	json_object *d = json_object_new_object();
	json_object_object_add(d, "name", json_object_new_string(CLI_TOOL_NAME));
	json_object_object_add(d, "version", json_object_new_string(MIGPLAN_VERSION_STRING));
	json_object_object_add(d, "semanticVersion", json_object_new_string(MIGPLAN_VERSION_STRING));
	json_object_object_add(d, "informationUri", json_object_new_string(CLI_INFORMATION_URI));
	json_object_object_add(d, "rules", rules);
	return d;
}

int cli_output_sarif(FILE *out, const struct cli_run *run)
{
	struct rule_table t = {json_object_new_array(), NULL, 0, 0};
	json_object *results = json_object_new_array();
	add_registry(&t);
	for (size_t i = 0; i < run->report_count; i++) {
		const struct cli_report *r = &run->reports[i];
		if (!cli_report_ok(r))
			continue;
		for (size_t j = 0; j < r->finding_count; j++)
			json_object_array_add(results, result(&t, &r->findings[j]));
	}
	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "driver", driver(t.rules));
	json_object *run_obj = json_object_new_object();
	json_object_object_add(run_obj, "tool", tool);
	json_object_object_add(run_obj, "originalUriBaseIds", base_ids());
	json_object_object_add(run_obj, "invocations", invocation(run));
	json_object_object_add(run_obj, "results", results);
	json_object *runs = json_object_new_array();
	json_object_array_add(runs, run_obj);
	json_object *log = json_object_new_object();
	json_object_object_add(log, "$schema", json_object_new_string(SARIF_SCHEMA_URI));
	json_object_object_add(log, "version", json_object_new_string("2.1.0"));
	json_object_object_add(log, "runs", runs);
	cli_json_print(out, log);
	json_object_put(log);
	free(t.ids);
	return 0;
}
