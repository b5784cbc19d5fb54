/* The report handle (include/migplan/report.h): names, default files, table sizes, and the
 * dispatch from a report kind to its renderer. The result model is built on the first render
 * (lib/report_model.c) and kept until the sizes change. */
#include <stdlib.h>
#include <string.h>

#include "migplan/rewrite.h"

#include "model.h"
#include "report-private.h"

typedef struct kind_info {
	const char *name;
	const char *md;
	const char *json;
	migplan__render_fn render;
} kind_info;

#define DIR "docs/database-report/"

static const kind_info kinds[] = {
	{NULL, NULL, NULL, NULL},
	{"rollout", DIR "rollout-plan.md", DIR "rollout-plan.json", migplan__render_rollout},
	{"pr-body", DIR "pr-body.md", DIR "pr-body.json", migplan__render_pr_body},
	{"checklist", DIR "verification-checklist.md", DIR "verification-checklist.json", migplan__render_checklist},
	{"runbook", DIR "observability-runbook.md", DIR "observability-runbook.json", migplan__render_runbook},
	{"dashboard", DIR "observability-dashboard.md", DIR "observability-dashboard.json", migplan__render_dashboard},
	{"alerts", DIR "observability-alerts.md", DIR "observability-alerts.json", migplan__render_alerts},
	{"strategy", DIR "migration-strategist-report.md", DIR "migration-strategist-output.json", migplan__render_strategy},
	{"phases", DIR "phased-plan.md", DIR "phased-plan.json", migplan__render_phases},
};

#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))

static const kind_info *kind_of(migplan_report_kind k)
{
	return (unsigned)k > 0 && (unsigned)k < KIND_COUNT ? &kinds[k] : NULL;
}

static int format_ok(migplan_report_format f)
{
	return f == MIGPLAN_FORMAT_MARKDOWN || f == MIGPLAN_FORMAT_JSON;
}

const char *migplan_report_kind_name(migplan_report_kind kind)
{
	const kind_info *k = kind_of(kind);
	return k ? k->name : NULL;
}

migplan_report_kind migplan_report_kind_from_name(const char *name)
{
	for (size_t i = 1; name && i < KIND_COUNT; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return (migplan_report_kind)i;
	return (migplan_report_kind)0;
}

const char *migplan_report_format_name(migplan_report_format format)
{
	return format == MIGPLAN_FORMAT_MARKDOWN ? "markdown" : format == MIGPLAN_FORMAT_JSON ? "json" : NULL;
}

migplan_report_format migplan_report_format_from_name(const char *name)
{
	if (name && (strcmp(name, "markdown") == 0 || strcmp(name, "md") == 0))
		return MIGPLAN_FORMAT_MARKDOWN;
	if (name && strcmp(name, "json") == 0)
		return MIGPLAN_FORMAT_JSON;
	return (migplan_report_format)0;
}

const char *migplan_report_default_filename(migplan_report_kind kind, migplan_report_format format)
{
	const kind_info *k = kind_of(kind);
	if (!k || !format_ok(format))
		return NULL;
	return format == MIGPLAN_FORMAT_MARKDOWN ? k->md : k->json;
}

migplan_status migplan_report_new(migplan_report **out, migplan_plan *plan)
{
	if (out)
		*out = NULL;
	if (!out || !plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_new: NULL argument");
	migplan_status st = migplan_plan_classify(plan);
	/* analyse only when nobody did: a caller's analysis carries its configuration's allow list */
	if (st == MIGPLAN_OK && !plan->analysis)
		st = migplan_plan_analyze(plan, NULL);
	if (st == MIGPLAN_OK)
		st = migplan_plan_propose_edits(plan);
	if (st != MIGPLAN_OK)
		return st;
	migplan_report *r = calloc(1, sizeof(*r));
	if (!r)
		return migplan__error_oom();
	r->plan = plan;
	*out = r;
	return MIGPLAN_OK;
}

void migplan_report_free(migplan_report *report)
{
	if (!report)
		return;
	for (size_t i = 0; i < report->stat_count; i++) {
		free(report->stats[i].database);
		free(report->stats[i].table);
	}
	free(report->stats);
	migplan__rmodel_free(report->model);
	free(report);
}

static char *dup_or_null(const char *s, int *failed)
{
	char *d = NULL;
	if (s && !(d = strdup(s)))
		*failed = 1;
	return d;
}

migplan_status migplan_report_set_table_stats(migplan_report *report, const char *database, const char *table,
                                              uint64_t rows, uint64_t bytes)
{
	if (!report || !table)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_set_table_stats: NULL argument");
	if (report->stat_count == report->stat_cap) {
		size_t cap = report->stat_cap ? report->stat_cap * 2 : 8;
		migplan__rstats *s = realloc(report->stats, cap * sizeof(*s));
		if (!s)
			return migplan__error_oom();
		report->stats = s;
		report->stat_cap = cap;
	}
	int failed = 0;
	migplan__rstats *s = &report->stats[report->stat_count];
	s->database = dup_or_null(database, &failed);
	s->table = dup_or_null(table, &failed);
	if (failed) {
		free(s->database);
		free(s->table);
		return migplan__error_oom();
	}
	s->rows = rows;
	s->bytes = bytes;
	report->stat_count++; /* a later entry for the same table wins (the model reads them in order) */
	migplan__rmodel_free(report->model);
	report->model = NULL;
	return MIGPLAN_OK;
}

migplan_status migplan_report_render(migplan_report *report, migplan_report_kind kind,
                                     migplan_report_format format, char **out)
{
	const kind_info *k = kind_of(kind);
	if (out)
		*out = NULL;
	if (!report || !out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_render: NULL argument");
	if (!k)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_render: unknown report kind %d", (int)kind);
	if (!format_ok(format))
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_render: unknown format %d", (int)format);
	if (!report->model) {
		migplan_status st = migplan__rmodel_build(&report->model, report);
		if (st != MIGPLAN_OK)
			return st;
	}
	return k->render(report->model, format, out);
}

migplan_status migplan_report_write(migplan_report *report, migplan_report_kind kind,
                                    migplan_report_format format, const char *dir, const char *filename,
                                    char **path_out)
{
	char *text = NULL;
	if (path_out)
		*path_out = NULL;
	if (!dir)
		return migplan__error(MIGPLAN_EINVAL, "migplan_report_write: NULL directory");
	if (!filename)
		filename = migplan_report_default_filename(kind, format);
	migplan_status st = migplan_report_render(report, kind, format, &text);
	if (st != MIGPLAN_OK)
		return st;
	st = migplan__report_write_file(dir, filename, text, path_out);
	free(text);
	return st;
}
