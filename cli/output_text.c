/* --format text: `file:line:column: severity: message [rule]`, the GCC/Clang convention that
 * editors and CI log parsers read, then one summary line per plan. Colour only on request
 * (a terminal, no NO_COLOR, no --color=never). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct palette {
	const char *bold, *error, *warning, *note, *good, *reset;
};

static const struct palette plain = {"", "", "", "", "", ""};
/* the colours GCC uses for the same parts */
static const struct palette ansi = {"\033[1m", "\033[1;31m", "\033[1;35m", "\033[1;36m", "\033[1;32m", "\033[0m"};

static const struct palette *palette_for(const struct cli_run *run, FILE *out)
{
	return cli_use_color(run->settings->color, out) ? &ansi : &plain;
}

static const char *severity_color(const struct palette *c, migplan_severity sev)
{
	switch (sev) {
	case MIGPLAN_SEVERITY_ERROR:
		return c->error;
	case MIGPLAN_SEVERITY_WARNING:
		return c->warning;
	default:
		return c->note;
	}
}

static void print_finding(FILE *out, const struct palette *c, const struct cli_finding *f)
{
	const char *sev = f->allowed ? "note" : migplan_severity_name(f->severity);
	const char *color = f->allowed ? c->note : severity_color(c, f->severity);
	fprintf(out, "%s%s:%u:%u:%s %s%s:%s %s%s [%s]", c->bold, f->path, (unsigned)f->line, (unsigned)f->column,
	        c->reset, color, sev, c->reset, f->allowed ? "allowed: " : "", f->message, f->rule);
	if (f->allowed && f->allow_reason)
		fprintf(out, " (%s)", f->allow_reason);
	fputc('\n', out);
	for (size_t i = 0; i < f->related_count; i++) {
		const struct cli_related *rel = &f->related[i];
		fprintf(out, "%s%s:%u:%u:%s %snote:%s %s\n", c->bold, rel->path, (unsigned)rel->line,
		        (unsigned)rel->column, c->reset, c->note, c->reset, rel->message ? rel->message : "related");
	}
	if (f->edit && !f->allowed)
		fprintf(out, "%s%s:%u:%u:%s %snote:%s proposed edit: %s\n", c->bold, f->path, (unsigned)f->line,
		        (unsigned)f->column, c->reset, c->note, c->reset, f->edit);
}

static size_t destructive_count(const struct cli_report *r)
{
	return migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_DESTRUCTIVE);
}

static void print_summary(FILE *out, const struct palette *c, const struct cli_report *r)
{
	struct cli_buf b = {0};
	size_t allowed = 0;
	for (size_t i = 0; i < r->finding_count; i++)
		allowed += r->findings[i].allowed ? 1 : 0;
	cli_count_phrase(&b, r);
	fprintf(out, "%s%s in %s (change type: %s", c->bold, b.data, r->plan_path,
	        migplan_change_type_name(migplan_plan_change_type(r->plan)));
	if (allowed)
		fprintf(out, "; %zu allowed", allowed);
	fprintf(out, ")%s\n", c->reset);
	if (r->exit_code == CLI_EXIT_DESTRUCTIVE)
		fprintf(out, "%s: %zu destructive operation%s not allowed: pass --allow-destructive or add "
		             "allow entries to .migplan.yaml\n",
		        r->plan_path, destructive_count(r), destructive_count(r) == 1 ? "" : "s");
	cli_buf_free(&b);
}

int cli_output_text_findings(FILE *out, const struct cli_run *run)
{
	const struct palette *c = palette_for(run, out);
	for (size_t i = 0; i < run->report_count; i++) {
		const struct cli_report *r = &run->reports[i];
		if (!cli_report_ok(r))
			continue;
		for (size_t j = 0; j < r->finding_count; j++)
			print_finding(out, c, &r->findings[j]);
		print_summary(out, c, r);
	}
	return 0;
}

/* --- classify --- */

static const char *category_color(const struct palette *c, migplan_category cat)
{
	switch (cat) {
	case MIGPLAN_CATEGORY_DESTRUCTIVE:
		return c->error;
	case MIGPLAN_CATEGORY_ADDITIVE:
		return c->good;
	default:
		return c->warning;
	}
}

static const char *loss_word(migplan_data_loss loss)
{
	return loss == MIGPLAN_LOSS_PERMANENT ? "permanent" : loss == MIGPLAN_LOSS_POTENTIAL ? "potential" : "none";
}

struct widths {
	int index, kind, table;
};

static struct widths measure(const migplan_plan *plan)
{
	struct widths w = {1, 9, 5}; /* the headings */
	size_t n = migplan_plan_op_count(plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_op *op = migplan_plan_op_at(plan, i);
		const char *kind = migplan_op_kind_name(migplan_op_kind_of(op));
		const char *table = migplan_op_table_name(op);
		if (kind && (int)strlen(kind) > w.kind)
			w.kind = (int)strlen(kind);
		if (table && (int)strlen(table) > w.table)
			w.table = (int)strlen(table) > 40 ? 40 : (int)strlen(table);
	}
	for (size_t v = n; v >= 10; v /= 10)
		w.index++;
	return w;
}

static void print_operation(FILE *out, const struct palette *c, const struct widths *w, const migplan_op *op)
{
	const migplan_node *node = migplan_op_node(op);
	migplan_category cat = migplan_op_category(op);
	const char *kind = migplan_op_kind_name(migplan_op_kind_of(op));
	const char *table = migplan_op_table_name(op);
	const char *reason = migplan_op_classification_reason(op);
	char where[32];
	snprintf(where, sizeof where, "%u:%u", (unsigned)migplan_node_line(node), (unsigned)migplan_node_column(node));
	fprintf(out, "%*zu  %-9s  %-*s  %-*.*s  %s%-11s%s  %-10s  %-9s  %s\n", w->index, migplan_op_index(op), where,
	        w->kind, kind ? kind : "?", w->table, w->table, table ? table : "-", category_color(c, cat),
	        migplan_category_name(cat) ? migplan_category_name(cat) : "?", c->reset,
	        migplan_op_reversible(op) ? "yes" : "no", loss_word(migplan_op_data_loss(op)), reason ? reason : "");
}

static void print_classification(FILE *out, const struct palette *c, const struct cli_report *r)
{
	struct widths w = measure(r->plan);
	fprintf(out, "%s%s%s: %zu operation%s\n", c->bold, r->plan_path, c->reset, migplan_plan_op_count(r->plan),
	        migplan_plan_op_count(r->plan) == 1 ? "" : "s");
	if (migplan_plan_op_count(r->plan))
		fprintf(out, "%*s  %-9s  %-*s  %-*s  %-11s  %-10s  %-9s  %s\n", w.index, "#", "line:col", w.kind, "operation",
		        w.table, "table", "category", "reversible", "data loss", "reason");
	for (size_t i = 0; i < migplan_plan_op_count(r->plan); i++)
		print_operation(out, c, &w, migplan_plan_op_at(r->plan, i));
	fprintf(out, "%schange type: %s%s (%zu additive, %zu destructive, %zu metadata, %zu custom)\n", c->bold,
	        migplan_change_type_name(migplan_plan_change_type(r->plan)), c->reset,
	        migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_ADDITIVE),
	        migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_DESTRUCTIVE),
	        migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_METADATA),
	        migplan_plan_category_count(r->plan, MIGPLAN_CATEGORY_CUSTOM));
}

int cli_output_text_classification(FILE *out, const struct cli_run *run)
{
	const struct palette *c = palette_for(run, out);
	int first = 1;
	for (size_t i = 0; i < run->report_count; i++) {
		if (!cli_report_ok(&run->reports[i]))
			continue;
		if (!first)
			fputc('\n', out);
		print_classification(out, c, &run->reports[i]);
		first = 0;
	}
	return 0;
}
