/* Load each plan named on the command line with its snapshots and configuration, run the
 * stages a command asks for, and gather the findings into one shape the output formats share. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* --- loading --- */

/* Print why @p r failed on stderr and keep the first reason for formats that carry it. */
static void report_error(struct cli_report *r, const char *fallback_path)
{
	char *text = cli_format_error(fallback_path);
	fprintf(stderr, "%s\n", text);
	if (!r->error)
		r->error = text;
	else
		free(text);
}

/* The snapshot to use: the one the user named, else the file beside the plan when it exists
 * (a missing snapshot is not an error here: the analysis reports it as a blocker). */
static char *snapshot_path(const char *given, const char *plan_dir, const char *name)
{
	if (given)
		return cli_strdup(given);
	char *beside = cli_join(plan_dir, name);
	if (cli_is_file(beside))
		return beside;
	free(beside);
	return NULL;
}

static migplan_status load_plan_files(struct cli_report *r, const struct cli_settings *s,
                                      const char *plan_file, const char *plan_dir)
{
	char *remote = snapshot_path(s->remote_path, plan_dir, "remote_state.json");
	char *local = snapshot_path(s->local_path, plan_dir, "local_infra_map.json");
	migplan_status st = migplan_plan_load_files(&r->plan, plan_file, remote, local, NULL);
	free(remote);
	free(local);
	return st;
}

/* Loads r->input; returns the plan's directory (for the configuration and schema look-ups)
 * or NULL after printing the error. */
static char *load_plan(struct cli_report *r, const struct cli_settings *s)
{
	migplan_status st;
	char *plan_dir;
	if (cli_is_dir(r->input)) {
		plan_dir = cli_strdup(r->input);
		if (s->remote_path || s->local_path) {
			char *file = cli_join(r->input, "plan.yaml");
			st = load_plan_files(r, s, file, plan_dir);
			free(file);
		} else {
			st = migplan_plan_load_dir(&r->plan, r->input, NULL);
		}
	} else {
		plan_dir = cli_dirname(r->input);
		st = load_plan_files(r, s, r->input, plan_dir);
	}
	if (st != MIGPLAN_OK) {
		report_error(r, r->input);
		free(plan_dir);
		return NULL;
	}
	r->plan_path = cli_display_path(migplan_plan_path(r->plan));
	return plan_dir;
}

static int load_config(struct cli_report *r, const struct cli_settings *s, const char *plan_dir)
{
	migplan_status st = MIGPLAN_OK;
	if (s->no_config)
		return 0;
	if (s->config_path)
		st = migplan_config_load_file(&r->config, s->config_path, NULL);
	else
		st = migplan_config_discover(&r->config, plan_dir, NULL);
	if (st != MIGPLAN_OK) {
		report_error(r, s->config_path ? s->config_path : plan_dir);
		return -1;
	}
	if (r->config && migplan_config_path(r->config))
		r->config_display = cli_display_path(migplan_config_path(r->config));
	return 0;
}

/* --- findings --- */

static void fill_related(struct cli_finding *out, const migplan_finding *f)
{
	size_t n = migplan_finding_related_count(f);
	if (!n)
		return;
	out->related = cli_xalloc(calloc(n, sizeof *out->related));
	for (size_t i = 0; i < n; i++) {
		const migplan_node *node = migplan_finding_related_node(f, i);
		struct cli_related *rel = &out->related[out->related_count++];
		rel->path = cli_display_path(node ? migplan_node_path(node) : migplan_finding_path(f));
		rel->line = node ? migplan_node_line(node) : 1;
		rel->column = node ? migplan_node_column(node) : 1;
		rel->message = migplan_finding_related_message(f, i);
	}
}

static void fill_finding(struct cli_finding *out, const migplan_finding *f)
{
	memset(out, 0, sizeof *out);
	out->rule = migplan_finding_rule(f);
	out->severity = migplan_finding_severity(f);
	out->message = migplan_finding_message(f);
	out->help = migplan_finding_help(f);
	out->operation = migplan_finding_operation(f);
	out->path = cli_display_path(migplan_finding_path(f));
	out->line = migplan_finding_line(f) ? migplan_finding_line(f) : 1;
	out->column = migplan_finding_column(f) ? migplan_finding_column(f) : 1;
	out->edit = migplan_finding_edit(f);
	out->allowed = migplan_finding_allowed(f);
	out->allow_reason = migplan_finding_allow_reason(f);
	out->blocker = migplan_finding_blocker(f);
	out->table = migplan_finding_table(f);
	out->database = migplan_finding_database(f);
	out->column_name = migplan_finding_column_name(f);
	out->view = migplan_finding_view(f);
	fill_related(out, f);
}

/* Room for @p more findings after those already gathered. */
static void reserve_findings(struct cli_report *r, size_t more)
{
	r->findings = cli_xalloc(realloc(r->findings, (r->finding_count + more + 1) * sizeof *r->findings));
}

static void collect_analysis(struct cli_report *r)
{
	size_t n = migplan_plan_finding_count(r->plan);
	reserve_findings(r, n);
	for (size_t i = 0; i < n; i++)
		fill_finding(&r->findings[r->finding_count++], migplan_plan_finding_at(r->plan, i));
}

static int analyse(struct cli_report *r, const struct cli_settings *s)
{
	if (s->deployments_path &&
	    migplan_plan_set_target_file(r->plan, s->deployments_path, s->branch, NULL) != MIGPLAN_OK) {
		report_error(r, s->deployments_path);
		return -1;
	}
	if (migplan_plan_analyze(r->plan, r->config) != MIGPLAN_OK) {
		report_error(r, r->plan_path);
		return -1;
	}
	r->analysed = 1;
	collect_analysis(r);
	/* proposing only reads the findings: nothing is edited unless someone applies an edit */
	if (migplan_plan_propose_edits(r->plan) != MIGPLAN_OK) {
		report_error(r, r->plan_path);
		return -1;
	}
	r->edits_proposed = 1;
	return 0;
}

/* Moose's own schema bugs are warnings by default (the plan is what Moose really writes);
 * the registry's severity wins when the library knows the rule. */
static migplan_severity violation_severity(const migplan_violation *v)
{
	migplan_severity sev = migplan_rule_default_severity(migplan_violation_rule(v));
	if (sev)
		return sev;
	return migplan_violation_is_moose_schema_bug(v) ? MIGPLAN_SEVERITY_WARNING : MIGPLAN_SEVERITY_ERROR;
}

/* The index of the operation a JSON pointer such as /operations/3/DropTable points into. */
static long pointer_operation(const char *pointer)
{
	static const char prefix[] = "/operations/";
	if (strncmp(pointer, prefix, sizeof prefix - 1) != 0)
		return -1;
	char *end;
	long i = strtol(pointer + sizeof prefix - 1, &end, 10);
	return (end != pointer + sizeof prefix - 1 && (*end == '/' || *end == '\0')) ? i : -1;
}

static void fill_violation(struct cli_finding *out, const migplan_violation *v, const struct cli_report *r)
{
	const migplan_node *node = migplan_violation_node(v);
	memset(out, 0, sizeof *out);
	out->rule = migplan_violation_rule(v);
	out->severity = violation_severity(v);
	out->message = migplan_violation_message(v);
	out->help = migplan_rule_help(out->rule);
	out->pointer = migplan_violation_pointer(v);
	out->operation = pointer_operation(out->pointer);
	out->path = node ? cli_display_path(migplan_node_path(node)) : cli_strdup(r->plan_path);
	out->line = node && migplan_node_line(node) ? migplan_node_line(node) : 1;
	out->column = node && migplan_node_column(node) ? migplan_node_column(node) : 1;
}

static int validate_schema(struct cli_report *r, const char *schema_path)
{
	migplan_schema *schema = NULL;
	if (migplan_schema_load_file(&schema, schema_path, NULL) != MIGPLAN_OK) {
		report_error(r, schema_path);
		return -1;
	}
	migplan_status st = migplan_schema_validate(schema, migplan_plan_root(r->plan), &r->violations);
	if (st != MIGPLAN_OK)
		report_error(r, schema_path);
	migplan_schema_free(schema);
	if (st != MIGPLAN_OK)
		return -1;
	size_t n = migplan_violations_count(r->violations);
	reserve_findings(r, n);
	for (size_t i = 0; i < n; i++)
		fill_violation(&r->findings[r->finding_count++], migplan_violations_at(r->violations, i), r);
	return 0;
}

/* The JSON Schema that applies: --schema, else `.moose/migration_schema.json` beside the
 * migrations directory when the project has one. */
static char *schema_for(const struct cli_settings *s, const char *plan_dir)
{
	if (s->no_schema)
		return NULL;
	if (s->schema_path)
		return cli_strdup(s->schema_path);
	char *project = cli_parent_dir(plan_dir);
	char *path = cli_join(project, ".moose/migration_schema.json");
	free(project);
	if (cli_is_file(path))
		return path;
	free(path);
	return NULL;
}

/* --- counts and exit codes --- */

size_t cli_report_count_at_least(const struct cli_report *r, migplan_severity severity)
{
	size_t n = 0;
	for (size_t i = 0; i < r->finding_count; i++)
		if (!r->findings[i].allowed && r->findings[i].severity >= severity)
			n++;
	return n;
}

size_t cli_report_count_severity(const struct cli_report *r, migplan_severity severity)
{
	size_t n = 0;
	for (size_t i = 0; i < r->finding_count; i++)
		if (!r->findings[i].allowed && r->findings[i].severity == severity)
			n++;
	return n;
}

static int operation_allowed(const struct cli_report *r, size_t index)
{
	for (size_t i = 0; i < r->finding_count; i++)
		if (r->findings[i].operation == (long)index && r->findings[i].allowed)
			return 1;
	return 0;
}

/* Destructive operations are lifted by --allow-destructive, or when an allow entry of the
 * configuration covers a finding on every one of them (someone wrote down why). */
static int destructive_allowed(const struct cli_report *r, int allow_flag)
{
	if (allow_flag)
		return 1;
	size_t n = migplan_plan_op_count(r->plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_op *op = migplan_plan_op_at(r->plan, i);
		if (migplan_op_category(op) == MIGPLAN_CATEGORY_DESTRUCTIVE && !operation_allowed(r, i))
			return 0;
	}
	return 1;
}

static int report_exit_code(struct cli_report *r, const struct cli_settings *s, unsigned stages)
{
	int code = CLI_EXIT_OK;
	if (cli_report_count_at_least(r, r->fail_on) > 0)
		code = CLI_EXIT_FINDINGS;
	if (stages & CLI_STAGE_DESTRUCTIVE) {
		r->destructive_allowed = destructive_allowed(r, s->allow_destructive);
		if (!r->destructive_allowed && migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_DESTRUCTIVE) > 0)
			code = cli_exit_worst(code, CLI_EXIT_DESTRUCTIVE);
	}
	return code;
}

/* --- one input through every stage --- */

static int run_stages(struct cli_report *r, const struct cli_settings *s, const char *plan_dir,
                      unsigned stages)
{
	if (load_config(r, s, plan_dir) != 0)
		return CLI_EXIT_INPUT;
	r->fail_on = s->fail_on ? s->fail_on : r->config ? migplan_config_fail_on(r->config) : MIGPLAN_SEVERITY_ERROR;
	if (!r->fail_on)
		r->fail_on = MIGPLAN_SEVERITY_ERROR;
	if ((stages & CLI_STAGE_CLASSIFY) && migplan_plan_classify(r->plan) != MIGPLAN_OK) {
		report_error(r, r->plan_path);
		return CLI_EXIT_INPUT;
	}
	if ((stages & CLI_STAGE_ANALYZE) && analyse(r, s) != 0)
		return CLI_EXIT_INPUT;
	if (stages & CLI_STAGE_SCHEMA) {
		char *schema = schema_for(s, plan_dir);
		if (!schema && (stages & CLI_STAGE_SCHEMA_REQUIRED)) {
			struct cli_buf b = {0};
			cli_buf_printf(&b, "%s: error: no JSON Schema to validate against: give --schema FILE "
			                   "(there is no %s beside the migrations directory)",
			               r->plan_path, MIGPLAN_SCHEMA_DEFAULT_PATH);
			fprintf(stderr, "%s\n", b.data);
			r->error = b.data;
			return CLI_EXIT_INPUT;
		}
		int failed = schema && validate_schema(r, schema) != 0;
		r->schema_display = schema ? cli_display_path(schema) : NULL;
		free(schema);
		if (failed)
			return CLI_EXIT_INPUT;
	}
	reserve_findings(r, 0);
	return report_exit_code(r, s, stages);
}

static void run_one(struct cli_report *r, const struct cli_settings *s, unsigned stages)
{
	char *plan_dir = load_plan(r, s);
	if (!plan_dir) {
		r->exit_code = CLI_EXIT_INPUT;
		return;
	}
	r->exit_code = run_stages(r, s, plan_dir, stages);
	free(plan_dir);
}

void cli_run_inputs(struct cli_run *run, const char *const *inputs, size_t input_count, unsigned stages)
{
	run->reports = cli_xalloc(calloc(input_count ? input_count : 1, sizeof *run->reports));
	run->report_count = input_count;
	run->exit_code = CLI_EXIT_OK;
	for (size_t i = 0; i < input_count; i++) {
		struct cli_report *r = &run->reports[i];
		r->input = inputs[i];
		run_one(r, run->settings, stages);
		run->exit_code = cli_exit_worst(run->exit_code, r->exit_code);
	}
}

static void free_finding(struct cli_finding *f)
{
	free(f->path);
	for (size_t i = 0; i < f->related_count; i++)
		free(f->related[i].path);
	free(f->related);
}

struct cli_finding *cli_collect_findings(const migplan_plan *plan, size_t *count)
{
	size_t n = migplan_plan_finding_count(plan);
	struct cli_finding *findings = cli_xalloc(calloc(n ? n : 1, sizeof *findings));
	for (size_t i = 0; i < n; i++)
		fill_finding(&findings[i], migplan_plan_finding_at(plan, i));
	*count = n;
	return findings;
}

void cli_findings_free(struct cli_finding *findings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free_finding(&findings[i]);
	free(findings);
}

void cli_run_free(struct cli_run *run)
{
	for (size_t i = 0; i < run->report_count; i++) {
		struct cli_report *r = &run->reports[i];
		for (size_t j = 0; j < r->finding_count; j++)
			free_finding(&r->findings[j]);
		free(r->findings);
		migplan_violations_free(r->violations);
		/* the plan's findings borrow from the configuration: free the plan first */
		migplan_plan_free(r->plan);
		migplan_config_free(r->config);
		free(r->plan_path);
		free(r->config_display);
		free(r->schema_display);
		free(r->error);
	}
	free(run->reports);
	run->reports = NULL;
	run->report_count = 0;
}

/* --- shared wording --- */

static void count_part(struct cli_buf *b, size_t n, const char *one, const char *many, int *first)
{
	if (!n)
		return;
	cli_buf_printf(b, "%s%zu %s", *first ? "" : ", ", n, n == 1 ? one : many);
	*first = 0;
}

void cli_count_phrase(struct cli_buf *b, const struct cli_report *r)
{
	int first = 1;
	count_part(b, cli_report_count_severity(r, MIGPLAN_SEVERITY_ERROR), "error", "errors", &first);
	count_part(b, cli_report_count_severity(r, MIGPLAN_SEVERITY_WARNING), "warning", "warnings", &first);
	count_part(b, cli_report_count_severity(r, MIGPLAN_SEVERITY_INFO), "info", "info", &first);
	if (first)
		cli_buf_puts(b, "no findings");
}

const char *cli_severity_level(migplan_severity severity)
{
	switch (severity) {
	case MIGPLAN_SEVERITY_ERROR:
		return "error";
	case MIGPLAN_SEVERITY_WARNING:
		return "warning";
	default:
		return "note";
	}
}

int cli_report_ok(const struct cli_report *r)
{
	return r->plan && r->exit_code != CLI_EXIT_INPUT;
}
