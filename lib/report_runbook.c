/* The observability runbook and its two companion files, the dashboard and the alert rules.
 * The runbook follows the order the issue asks for: classification, progress metrics, safety
 * metrics, gates, files written, risks and missing instrumentation. The dashboard and the alerts
 * carry the same metrics and thresholds, so the three files never disagree. */
#include <string.h>

#include "report-private.h"

static const char *panel_kind(const migplan__rmetric *x)
{
	return x->progress ? "progress" : "safety";
}

/* ---------------------------------------------------------------- runbook */

static void md_metric_table(migplan__sb *sb, const migplan__rmodel *m, int progress)
{
	size_t n = 0;
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		if (x->progress != progress)
			continue;
		if (!n++)
			migplan__sb_puts(sb, progress ? "| Metric | What | Query | Stalled when |\n|---|---|---|---|\n"
			                              : "| Metric | What | Query | Pause when | Roll back when | Threshold source |\n"
			                                "|---|---|---|---|---|---|\n");
		migplan__sb_printf(sb, "| `%s` | ", x->name);
		migplan__md_cell(sb, x->title);
		migplan__sb_printf(sb, " | **%s** | ", x->q->id);
		migplan__md_cell(sb, x->pause);
		if (!progress) {
			migplan__sb_puts(sb, " | ");
			migplan__md_cell(sb, x->rollback ? x->rollback : "-");
			migplan__sb_puts(sb, " | ");
			migplan__md_cell(sb, x->source);
		}
		migplan__sb_puts(sb, " |\n");
	}
	migplan__sb_puts(sb, n ? "\n" : "None: no step copies or rewrites data.\n\n");
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		if (x->progress == progress)
			migplan__md_sql(sb, x->q);
	}
}

static void md_classification(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## 1. Classification\n\n| | |\n|---|---|\n");
	migplan__sb_printf(sb, "| Type | %s |\n| Blast radius | %s |\n| Rollback complexity | %s |\n",
	                   m->migration_type, m->blast_radius, m->rollback_complexity);
	migplan__sb_printf(sb, "| Can we roll back | %s |\n| Breaking changes | %zu |\n| Steps | %zu |\n\n",
	                   migplan__rollback_name(m->rollback), m->changes.count, m->steps.count);
}

static void md_gates(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## 4. Gates\n\nConditions on the metrics above and on the checks of the "
	                 "checklist (by id).\n\n| Phase | Proceed when | Pause when | Roll back when |\n|---|---|---|---|\n");
	for (size_t i = 0; i < m->gates.count; i++) {
		const migplan__rgate *g = m->gates.items[i];
		migplan__sb_printf(sb, "| %s | ", migplan__phase_title(g->phase));
		migplan__md_cell(sb, g->proceed);
		migplan__sb_puts(sb, " | ");
		migplan__md_cell(sb, g->pause);
		migplan__sb_puts(sb, " | ");
		migplan__md_cell(sb, g->rollback);
		migplan__sb_puts(sb, " |\n");
	}
	migplan__sb_putc(sb, '\n');
}

static void md_files(migplan__sb *sb)
{
	migplan__sb_puts(sb, "## 5. Files written\n\n");
	migplan__sb_printf(sb, "- `%s` (this runbook)\n- `%s` (the panels, one query each)\n- `%s` (the alert rules)\n\n",
	                   migplan_report_default_filename(MIGPLAN_REPORT_RUNBOOK, MIGPLAN_FORMAT_MARKDOWN),
	                   migplan_report_default_filename(MIGPLAN_REPORT_DASHBOARD, MIGPLAN_FORMAT_JSON),
	                   migplan_report_default_filename(MIGPLAN_REPORT_ALERTS, MIGPLAN_FORMAT_JSON));
}

static migplan_status runbook_md(const migplan__rmodel *m, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__md_header(&sb, m, "Observability runbook");
	md_classification(&sb, m);
	migplan__sb_puts(&sb, "## 2. Progress metrics\n\n");
	md_metric_table(&sb, m, 1);
	migplan__sb_puts(&sb, "## 3. Safety metrics\n\nCounters from system.events only grow: compare each "
	                 "reading with the one taken at preflight.\n\n");
	md_metric_table(&sb, m, 0);
	md_gates(&sb, m);
	md_files(&sb);
	migplan__sb_puts(&sb, "## 6. Risks\n\n");
	migplan__md_notes(&sb, &m->risks, "No finding beyond the blockers.");
	if (m->blockers.count) {
		migplan__sb_puts(&sb, "Blockers (NO-GO):\n\n");
		migplan__md_notes(&sb, &m->blockers, "");
	}
	migplan__sb_puts(&sb, "## 7. Missing instrumentation\n\n");
	migplan__md_notes(&sb, &m->missing, "None.");
	return migplan__sb_finish(&sb, out);
}

static json_object *json_metric(const migplan__rmetric *x)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", migplan__json_str(x->name));
	json_object_object_add(o, "title", migplan__json_str(x->title));
	json_object_object_add(o, "kind", json_object_new_string(panel_kind(x)));
	json_object_object_add(o, "unit", migplan__json_str(x->unit));
	json_object_object_add(o, "pauseWhen", migplan__json_str(x->pause));
	json_object_object_add(o, "rollbackWhen", migplan__json_str(x->rollback));
	json_object_object_add(o, "source", migplan__json_str(x->source));
	json_object_object_add(o, "query", migplan__json_sql(x->q));
	return o;
}

static json_object *json_metrics(const migplan__rmodel *m, int progress)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		if (x->progress == progress)
			json_object_array_add(a, json_metric(x));
	}
	return a;
}

static json_object *json_gates(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->gates.count; i++) {
		const migplan__rgate *g = m->gates.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "phase", json_object_new_string(migplan__phase_name(g->phase)));
		json_object_object_add(o, "proceed", migplan__json_str(g->proceed));
		json_object_object_add(o, "pause", migplan__json_str(g->pause));
		json_object_object_add(o, "rollback", migplan__json_str(g->rollback));
		json_object_array_add(a, o);
	}
	return a;
}

migplan_status migplan__render_runbook(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	if (f == MIGPLAN_FORMAT_MARKDOWN)
		return runbook_md(m, out);
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_RUNBOOK), *cls = json_object_new_object();
	json_object *files = json_object_new_array();
	json_object_object_add(cls, "type", json_object_new_string(m->migration_type));
	json_object_object_add(cls, "blastRadius", migplan__json_str(m->blast_radius));
	json_object_object_add(cls, "rollbackComplexity", migplan__json_str(m->rollback_complexity));
	json_object_object_add(cls, "rollback", json_object_new_string(migplan__rollback_name(m->rollback)));
	json_object_object_add(root, "classification", cls);
	json_object_object_add(root, "progressMetrics", json_metrics(m, 1));
	json_object_object_add(root, "safetyMetrics", json_metrics(m, 0));
	json_object_object_add(root, "gates", json_gates(m));
	json_object_array_add(files, json_object_new_string(migplan_report_default_filename(MIGPLAN_REPORT_RUNBOOK, MIGPLAN_FORMAT_MARKDOWN)));
	json_object_array_add(files, json_object_new_string(migplan_report_default_filename(MIGPLAN_REPORT_DASHBOARD, MIGPLAN_FORMAT_JSON)));
	json_object_array_add(files, json_object_new_string(migplan_report_default_filename(MIGPLAN_REPORT_ALERTS, MIGPLAN_FORMAT_JSON)));
	json_object_object_add(root, "files", files);
	json_object_object_add(root, "risks", migplan__json_notes(&m->risks));
	json_object_object_add(root, "blockers", migplan__json_notes(&m->blockers));
	json_object_object_add(root, "missingInstrumentation", migplan__json_notes(&m->missing));
	return migplan__json_finish(root, out);
}

/* ---------------------------------------------------------------- dashboard */

migplan_status migplan__render_dashboard(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	if (f == MIGPLAN_FORMAT_MARKDOWN) {
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__md_header(&sb, m, "Migration dashboard");
		migplan__sb_puts(&sb, "One panel per metric, refreshed every 60 seconds. Add them to the dashboard "
		                 "tool that reads ClickHouse (each query returns one row).\n\n"
		                 "| Panel | Kind | Query | Warn (pause) | Critical (roll back) |\n|---|---|---|---|---|\n");
		for (size_t i = 0; i < m->metrics.count; i++) {
			const migplan__rmetric *x = m->metrics.items[i];
			migplan__sb_printf(&sb, "| %zu. ", i + 1);
			migplan__md_cell(&sb, x->title);
			migplan__sb_printf(&sb, " | %s | **%s** | ", panel_kind(x), x->q->id);
			migplan__md_cell(&sb, x->pause);
			migplan__sb_puts(&sb, " | ");
			migplan__md_cell(&sb, x->rollback ? x->rollback : "-");
			migplan__sb_puts(&sb, " |\n");
		}
		migplan__sb_putc(&sb, '\n');
		for (size_t i = 0; i < m->metrics.count; i++)
			migplan__md_sql(&sb, ((migplan__rmetric *)m->metrics.items[i])->q);
		return migplan__sb_finish(&sb, out);
	}
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_DASHBOARD), *panels = json_object_new_array();
	migplan__sb title = MIGPLAN__SB_INIT;
	migplan__sb_printf(&title, "Migration: %s", migplan_plan_path(m->plan));
	json_object_object_add(root, "title", migplan__json_str(title.ptr));
	migplan__sb_reset(&title);
	json_object_object_add(root, "refreshSeconds", json_object_new_int(60));
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		json_object *p = json_metric(x);
		json_object_object_add(p, "id", json_object_new_int64((int64_t)i + 1));
		json_object_object_add(p, "datasource", json_object_new_string("clickhouse"));
		json_object_array_add(panels, p);
	}
	json_object_object_add(root, "panels", panels);
	return migplan__json_finish(root, out);
}

/* ---------------------------------------------------------------- alerts */

/* Two rules per safety metric: a warning at the pause threshold, a page at the roll-back one. */
static void alert_rules(const migplan__rmodel *m, migplan__sb *md, json_object *rules)
{
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		const char *conds[2] = {x->pause, x->rollback};
		if (x->progress && x->q->stage == MIGPLAN__RS_PROGRESS)
			continue;
		for (int k = 0; k < 2; k++) {
			if (!conds[k])
				continue;
			const char *sev = k ? "page" : "warn";
			const char *action = k ? "stop the rollout; when the migration is the cause, roll its steps back in "
			                         "reverse order (checklist: Rollback plan)"
			                       : "pause the rollout: finish the running statement, start no new step";
			if (md) {
				migplan__sb_printf(md, "| `%s_%s` | **%s** | ", x->name, k ? "critical" : "warning", x->q->id);
				migplan__md_cell(md, conds[k]);
				migplan__sb_printf(md, " | 5 min | %s | ", sev);
				migplan__md_cell(md, action);
				migplan__sb_puts(md, " |\n");
			}
			if (rules) {
				json_object *o = json_object_new_object();
				migplan__sb name = MIGPLAN__SB_INIT;
				migplan__sb_printf(&name, "%s_%s", x->name, k ? "critical" : "warning");
				json_object_object_add(o, "name", migplan__json_str(name.ptr));
				migplan__sb_reset(&name);
				json_object_object_add(o, "metric", migplan__json_str(x->name));
				json_object_object_add(o, "condition", migplan__json_str(conds[k]));
				json_object_object_add(o, "forSeconds", json_object_new_int(300));
				json_object_object_add(o, "severity", json_object_new_string(sev));
				json_object_object_add(o, "action", json_object_new_string(action));
				json_object_object_add(o, "source", migplan__json_str(x->source));
				json_object_object_add(o, "query", migplan__json_sql(x->q));
				json_object_array_add(rules, o);
			}
		}
	}
}

migplan_status migplan__render_alerts(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	if (f == MIGPLAN_FORMAT_MARKDOWN) {
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__md_header(&sb, m, "Migration alert rules");
		migplan__sb_puts(&sb, "Evaluate every minute from the start of the rollout until the contract; a rule "
		                 "fires when its condition holds for 5 minutes. Counters (failed inserts and selects) "
		                 "are compared with their value 5 minutes earlier.\n\n"
		                 "| Rule | Query | Condition | For | Severity | Action |\n|---|---|---|---|---|---|\n");
		alert_rules(m, &sb, NULL);
		migplan__sb_putc(&sb, '\n');
		migplan__md_sql_list(&sb, &m->monitor);
		return migplan__sb_finish(&sb, out);
	}
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_ALERTS), *rules = json_object_new_array();
	json_object_object_add(root, "evaluateEverySeconds", json_object_new_int(60));
	alert_rules(m, NULL, rules);
	json_object_object_add(root, "rules", rules);
	return migplan__json_finish(root, out);
}
