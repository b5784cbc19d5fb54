/* Rehearsals as text, JSON and Markdown, alone or two side by side (before and after a
 * rewrite). Everything printed comes from the result; nothing is recomputed here. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rehearse_private.h"

typedef migplan_rehearsal R;

/* ---------------------------------------------------------------- small writers */

/* 14212 -> "14,212" (into buf of at least 32 bytes). */
static const char *grouped(uint64_t v, char *buf)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), w = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[w++] = ',';
		buf[w++] = tmp[i];
	}
	buf[w] = '\0';
	return buf;
}

static void put_count(migplan__sb *sb, uint64_t v)
{
	char buf[32];
	migplan__sb_puts(sb, grouped(v, buf));
}

static void put_ms(migplan__sb *sb, uint64_t us)
{
	if (us >= 10000)
		migplan__sb_printf(sb, "%" PRIu64 " ms", (us + 500) / 1000);
	else
		migplan__sb_printf(sb, "%.1f ms", (double)us / 1000.0);
}

static void json_str(migplan__sb *sb, const char *s)
{
	if (!s) {
		migplan__sb_puts(sb, "null");
		return;
	}
	migplan__sb_putc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': migplan__sb_puts(sb, "\\\""); break;
		case '\\': migplan__sb_puts(sb, "\\\\"); break;
		case '\n': migplan__sb_puts(sb, "\\n"); break;
		case '\r': migplan__sb_puts(sb, "\\r"); break;
		case '\t': migplan__sb_puts(sb, "\\t"); break;
		default:
			if (*p < 0x20)
				migplan__sb_printf(sb, "\\u%04x", *p);
			else
				migplan__sb_putc(sb, (char)*p);
		}
	}
	migplan__sb_putc(sb, '"');
}

static void json_key(migplan__sb *sb, int *first, const char *key)
{
	migplan__sb_puts(sb, *first ? "" : ",");
	*first = 0;
	json_str(sb, key);
	migplan__sb_putc(sb, ':');
}

static void json_kv_str(migplan__sb *sb, int *first, const char *key, const char *v)
{
	json_key(sb, first, key);
	json_str(sb, v);
}

static void json_kv_u64(migplan__sb *sb, int *first, const char *key, uint64_t v)
{
	json_key(sb, first, key);
	migplan__sb_printf(sb, "%" PRIu64, v);
}

static void json_kv_bool(migplan__sb *sb, int *first, const char *key, int v)
{
	json_key(sb, first, key);
	migplan__sb_puts(sb, v ? "true" : "false");
}

/* Markdown table cells: pipes and line breaks would end the cell. */
static void md_cell(migplan__sb *sb, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '|')
			migplan__sb_puts(sb, "\\|");
		else if (*p == '\n')
			migplan__sb_putc(sb, ' ');
		else
			migplan__sb_putc(sb, *p);
	}
}

/* Markdown inline code that may itself hold backticks (ClickHouse messages quote with them):
 * the fence is one backtick longer than the longest run inside. */
static void md_code(migplan__sb *sb, const char *s)
{
	size_t run = 0, longest = 0;
	for (const char *p = s ? s : ""; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		migplan__sb_putc(sb, '`');
	migplan__sb_puts(sb, longest ? " " : "");
	md_cell(sb, s);
	migplan__sb_puts(sb, longest ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		migplan__sb_putc(sb, '`');
}

/* db.name as Markdown code. */
static void md_object(migplan__sb *sb, const char *db, const char *name, const char *column)
{
	migplan__sb t = MIGPLAN__SB_INIT;
	char *s;
	migplan__sb_printf(&t, "%s.%s", db, name);
	if (column)
		migplan__sb_printf(&t, ".%s", column);
	s = migplan__reh_sb_take(&t);
	md_code(sb, s);
	free(s);
}

/* ---------------------------------------------------------------- shared wording */

static size_t count_status(const R *r, migplan_rehearsal_op_status st)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nops; i++)
		n += r->ops[i].status == st;
	return n;
}

static size_t views_failing(const R *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nviews; i++)
		n += r->views[i].status == MIGPLAN_REHEARSAL_VIEW_STOPPED ||
		     r->views[i].status == MIGPLAN_REHEARSAL_VIEW_BROKEN ||
		     r->views[i].status == MIGPLAN_REHEARSAL_VIEW_MISSING;
	return n;
}

static uint64_t values_changed(const R *r)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->ntables; i++)
		for (size_t j = 0; j < r->tables[i].ncols; j++)
			n += r->tables[i].cols[j].changed;
	return n;
}

/* Values lost in columns beyond the rows lost (dropped or unreadable columns). */
static uint64_t column_loss(const migplan_rehearsal_column *c)
{
	uint64_t rows = c->table->rows_lost;
	return c->lost > rows ? c->lost - rows : 0;
}

/* Values lost with their columns (beyond whole rows); dropped: those the plan drops on purpose
 * (1) or the others (0). */
static uint64_t values_lost(const R *r, int dropped)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->ntables; i++)
		for (size_t j = 0; j < r->tables[i].ncols; j++)
			if (!r->tables[i].dropped && r->tables[i].cols[j].dropped == dropped)
				n += column_loss(&r->tables[i].cols[j]);
	return n;
}

static uint64_t rows_dropped(const R *r)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->ntables; i++)
		if (r->tables[i].dropped)
			n += r->tables[i].rows_lost;
	return n;
}

static void reason(migplan__sb *sb, const char **sep, uint64_t n, const char *one, const char *many)
{
	if (!n)
		return;
	migplan__sb_puts(sb, *sep);
	put_count(sb, n);
	migplan__sb_puts(sb, n == 1 ? one : many);
	*sep = "; ";
}

/* The verdict with its reasons, one line: "NO-GO: operation #1 refused; 200 rows lost". */
static void verdict(migplan__sb *sb, const R *r)
{
	long first = migplan_rehearsal_first_failure(r);
	const char *sep = ": ";
	uint64_t purpose_rows = rows_dropped(r), purpose_values = values_lost(r, 1);

	if (migplan_rehearsal_passed(r)) {
		migplan__sb_puts(sb, "GO: every operation ran, no row lost, no value changed");
		sep = "; ";
	} else {
		migplan__sb_puts(sb, "NO-GO");
		if (first >= 0) {
			migplan__sb_printf(sb, "%soperation #%ld %s", sep, first,
			                   migplan_rehearsal_op_status_name(r->ops[first].status));
			sep = "; ";
		}
		reason(sb, &sep, migplan__reh_unintended_rows_lost(r), " row lost", " rows lost");
		reason(sb, &sep, values_changed(r), " value changed", " values changed");
		reason(sb, &sep, values_lost(r, 0), " value lost with its column", " values lost with their columns");
		reason(sb, &sep, views_failing(r), " view not working", " views not working");
		reason(sb, &sep, migplan__reh_checks_failing(r), " verification query failed",
		       " verification queries failed");
		reason(sb, &sep, r->ndiffs, " schema difference", " schema differences");
		reason(sb, &sep, r->nsetup, " setup problem", " setup problems");
	}
	if (purpose_rows || purpose_values) {
		migplan__sb_printf(sb, "%sdropped on purpose: ", sep);
		sep = "";
		reason(sb, &sep, purpose_rows, " row", " rows");
		if (purpose_rows && purpose_values)
			sep = ", ";
		reason(sb, &sep, purpose_values, " value", " values");
	}
}

static const char *ddl_name(const R *r)
{
	return (r->flags & MIGPLAN_REHEARSE_CORRECTED_DDL) ? "corrected types" : "Moose's exact DDL";
}

/* "count: 150 changed (e.g. 1 -> 2)" style effect of one column. */
static void column_effect(migplan__sb *sb, const migplan_rehearsal_column *c)
{
	const char *sep = "";
	if (c->dropped) {
		migplan__sb_puts(sb, "dropped on purpose, ");
		put_count(sb, column_loss(c));
		migplan__sb_puts(sb, " values");
		return;
	}
	if (c->error) {
		migplan__sb_puts(sb, "unreadable: ");
		migplan__sb_puts(sb, c->error);
		return;
	}
	if (!c->type_after && c->table->rows_after) {
		migplan__sb_puts(sb, "column gone, ");
		put_count(sb, column_loss(c));
		migplan__sb_puts(sb, " values lost");
		return;
	}
	if (c->changed) {
		put_count(sb, c->changed);
		migplan__sb_puts(sb, " changed");
		sep = ", ";
	}
	if (column_loss(c)) {
		migplan__sb_puts(sb, sep);
		put_count(sb, column_loss(c));
		migplan__sb_puts(sb, " lost");
	}
	if (c->example)
		migplan__sb_printf(sb, " (e.g. %s)", c->example);
}

static int column_affected(const migplan_rehearsal_column *c)
{
	return c->changed || column_loss(c) || c->error;
}

static void column_name(migplan__sb *sb, const migplan_rehearsal_column *c)
{
	migplan__sb_puts(sb, c->name);
	if (migplan_rehearsal_column_renamed_to(c))
		migplan__sb_printf(sb, " (now %s)", c->current);
	if (c->type_after && strcmp(c->type_before, c->type_after) != 0)
		migplan__sb_printf(sb, " %s -> %s", c->type_before, c->type_after);
}

static void table_summary(migplan__sb *sb, const migplan_rehearsal_table *t)
{
	put_count(sb, t->rows_before);
	migplan__sb_puts(sb, " rows, ");
	put_count(sb, t->rows_lost);
	migplan__sb_puts(sb, " lost");
	if (t->rows_lost && t->rows_lost == t->rows_before)
		migplan__sb_puts(sb, " (all)");
	if (t->dropped)
		migplan__sb_puts(sb, "; dropped on purpose (local_infra_map.json no longer has it)");
	if (t->holder)
		migplan__sb_printf(sb, "; rows now in %s", t->holder);
	if (!t->key)
		migplan__sb_puts(sb, "; no row key: values compared as multisets (a lower bound)");
}

static void diff_sentence(migplan__sb *sb, const migplan_rehearsal_diff *d)
{
	migplan__sb_printf(sb, "%s %s", migplan_rehearsal_diff_kind_name(d->kind), d->object);
	if (d->column)
		migplan__sb_printf(sb, ".%s", d->column);
	if (d->expected || d->actual)
		migplan__sb_printf(sb, ": expected %s, found %s", d->expected ? d->expected : "nothing",
		                   d->actual ? d->actual : "nothing");
}

/* ---------------------------------------------------------------- text */

static void text_ops(migplan__sb *sb, const R *r)
{
	size_t not_run = count_status(r, MIGPLAN_REHEARSAL_OP_NOT_RUN);
	migplan__sb_puts(sb, "\nOperations\n");
	for (size_t i = 0; i < r->nops; i++) {
		const migplan_rehearsal_op *op = &r->ops[i];
		migplan__sb_printf(sb, "  #%-3zu %-8s ", i, migplan_rehearsal_op_status_name(op->status));
		if (op->status == MIGPLAN_REHEARSAL_OP_NOT_RUN) {
			migplan__sb_printf(sb, "%9s %s\n", "", op->label);
			continue;
		}
		{
			migplan__sb t = MIGPLAN__SB_INIT;
			char *ms;
			put_ms(&t, op->duration_us);
			ms = migplan__reh_sb_take(&t);
			migplan__sb_printf(sb, "%9s %s\n", ms ? ms : "", op->label);
			free(ms);
		}
		if (op->message)
			migplan__sb_printf(sb, "%23s%s\n", "", op->message);
		for (size_t j = 0; j < op->nmutations; j++)
			if (!op->message || strstr(op->mutations[j], op->message) == NULL)
				migplan__sb_printf(sb, "%23smutation failed: %s\n", "", op->mutations[j]);
		if (op->rows_lost) {
			migplan__sb_printf(sb, "%23s", "");
			put_count(sb, op->rows_lost);
			migplan__sb_puts(sb, " rows lost\n");
		}
		for (size_t j = 0; j < op->nchanges; j++) {
			const migplan_rehearsal_column *c = op->changes[j].column;
			migplan__sb_printf(sb, "%23s%s.%s: ", "", c->table->name, c->name);
			put_count(sb, op->changes[j].values);
			migplan__sb_puts(sb, " values changed or lost\n");
		}
	}
	if (not_run)
		migplan__sb_printf(sb, "  (Moose stops at the first failure: %zu operation%s not run)\n", not_run,
		                   not_run == 1 ? "" : "s");
}

static void text_tables(migplan__sb *sb, const R *r)
{
	migplan__sb_puts(sb, "\nData (compared with the baseline)\n");
	if (!r->ntables)
		migplan__sb_puts(sb, "  no tables in remote_state.json\n");
	for (size_t i = 0; i < r->ntables; i++) {
		const migplan_rehearsal_table *t = &r->tables[i];
		migplan__sb_printf(sb, "  %s.%s", t->database, t->name);
		if (!t->filled) {
			migplan__sb_puts(sb, ": not filled (see setup problems)\n");
			continue;
		}
		if (t->key)
			migplan__sb_printf(sb, " (row key %s)", t->key);
		migplan__sb_puts(sb, ": ");
		table_summary(sb, t);
		migplan__sb_putc(sb, '\n');
		for (size_t j = 0; j < t->ncols; j++) {
			const migplan_rehearsal_column *c = &t->cols[j];
			if (!column_affected(c) || t->dropped)
				continue;
			migplan__sb_puts(sb, "    ");
			column_name(sb, c);
			migplan__sb_puts(sb, ": ");
			column_effect(sb, c);
			migplan__sb_putc(sb, '\n');
		}
	}
}

static void text_views(migplan__sb *sb, const R *r)
{
	if (!r->nviews)
		return;
	migplan__sb_puts(sb, "\nViews (probe rows inserted into each source at the end)\n");
	for (size_t i = 0; i < r->nviews; i++) {
		const migplan_rehearsal_view *v = &r->views[i];
		migplan__sb_printf(sb, "  %s.%s", v->database, v->name);
		if (v->target)
			migplan__sb_printf(sb, " -> %s", v->target);
		migplan__sb_printf(sb, ": %s", migplan_rehearsal_view_status_name(v->status));
		if (v->message)
			migplan__sb_printf(sb, " (%s)", v->message);
		migplan__sb_putc(sb, '\n');
	}
}

static void text_checks(migplan__sb *sb, const R *r)
{
	if (!r->nchecks)
		return;
	migplan__sb_puts(sb, "\nVerification queries of the go/no-go checklist\n");
	for (size_t i = 0; i < r->nchecks; i++) {
		const migplan_rehearsal_check *c = &r->checks[i];
		migplan__sb_printf(sb, "  %-6s %-7s %s", c->id ? c->id : "?", migplan_rehearsal_check_status_name(c->status),
		                   c->purpose ? c->purpose : c->sql);
		if (c->status == MIGPLAN_REHEARSAL_CHECK_FAILED)
			migplan__sb_printf(sb, ": expected %s, got %s", c->expected, c->result);
		else if (c->message)
			migplan__sb_printf(sb, ": %s", c->message);
		migplan__sb_putc(sb, '\n');
	}
}

static void text_schema(migplan__sb *sb, const R *r)
{
	migplan__sb_puts(sb, "\nSchema against local_infra_map.json\n");
	if (!r->schema_compared) {
		migplan__sb_puts(sb, "  not compared (no local_infra_map.json)\n");
		return;
	}
	if (!r->ndiffs)
		migplan__sb_puts(sb, "  the same\n");
	for (size_t i = 0; i < r->ndiffs; i++) {
		migplan__sb_puts(sb, "  ");
		diff_sentence(sb, &r->diffs[i]);
		migplan__sb_putc(sb, '\n');
	}
}

static void text_one(migplan__sb *sb, const R *r)
{
	migplan__sb_printf(sb, "Rehearsal of %s\n", r->plan_path ? r->plan_path : "the plan");
	migplan__sb_printf(sb, "  ClickHouse %s (chDB), ", r->engine_version ? r->engine_version : "?");
	put_count(sb, r->rows);
	migplan__sb_printf(sb, " rows per table, seed %" PRIu64 ", %s%s\n", r->seed, ddl_name(r),
	                   (r->flags & MIGPLAN_REHEARSE_KEEP_GOING) ? ", kept going after failures" : "");
	migplan__sb_puts(sb, "  ");
	verdict(sb, r);
	migplan__sb_putc(sb, '\n');
	if (r->nsetup) {
		migplan__sb_puts(sb, "\nSetup problems (remote_state.json could not be fully rebuilt)\n");
		for (size_t i = 0; i < r->nsetup; i++)
			migplan__sb_printf(sb, "  %s\n", r->setup[i]);
	}
	text_ops(sb, r);
	text_tables(sb, r);
	text_views(sb, r);
	text_checks(sb, r);
	text_schema(sb, r);
}

/* ---------------------------------------------------------------- markdown */

static void md_ops(migplan__sb *sb, const R *r)
{
	migplan__sb_puts(sb, "\n### Operations\n\n| # | operation | result | time | effect |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < r->nops; i++) {
		const migplan_rehearsal_op *op = &r->ops[i];
		migplan__sb_printf(sb, "| %zu | ", i);
		md_cell(sb, op->label);
		migplan__sb_printf(sb, " | %s | ", migplan_rehearsal_op_status_name(op->status));
		if (op->status != MIGPLAN_REHEARSAL_OP_NOT_RUN)
			put_ms(sb, op->duration_us);
		migplan__sb_puts(sb, " | ");
		if (op->message) {
			md_code(sb, op->message);
			migplan__sb_putc(sb, ' ');
		}
		if (op->rows_lost) {
			put_count(sb, op->rows_lost);
			migplan__sb_puts(sb, " rows lost. ");
		}
		for (size_t j = 0; j < op->nchanges; j++) {
			md_object(sb, op->changes[j].column->table->database, op->changes[j].column->table->name,
			          op->changes[j].column->name);
			migplan__sb_puts(sb, ": ");
			put_count(sb, op->changes[j].values);
			migplan__sb_puts(sb, " values changed or lost. ");
		}
		migplan__sb_puts(sb, "|\n");
	}
}

static void md_tables(migplan__sb *sb, const R *r)
{
	migplan__sb_puts(sb, "\n### Data\n\n| table | rows | rows lost | columns changed or lost |\n|---|---|---|---|\n");
	for (size_t i = 0; i < r->ntables; i++) {
		const migplan_rehearsal_table *t = &r->tables[i];
		int any = 0;
		migplan__sb_puts(sb, "| ");
		md_object(sb, t->database, t->name, NULL);
		migplan__sb_puts(sb, " | ");
		put_count(sb, t->rows_before);
		migplan__sb_puts(sb, " | ");
		put_count(sb, t->rows_lost);
		if (t->holder) {
			migplan__sb_puts(sb, " (rows now in ");
			md_code(sb, t->holder);
			migplan__sb_putc(sb, ')');
		}
		migplan__sb_puts(sb, " | ");
		for (size_t j = 0; j < t->ncols; j++) {
			migplan__sb t2 = MIGPLAN__SB_INIT;
			char *s;
			if (!column_affected(&t->cols[j]) || t->dropped)
				continue;
			migplan__sb_puts(sb, any++ ? "<br>" : "");
			column_name(&t2, &t->cols[j]);
			migplan__sb_puts(&t2, ": ");
			column_effect(&t2, &t->cols[j]);
			s = migplan__reh_sb_take(&t2);
			md_cell(sb, s);
			free(s);
		}
		if (t->dropped)
			migplan__sb_puts(sb, "table dropped on purpose");
		else if (!any)
			migplan__sb_puts(sb, t->key ? "none" : "none found (no row key: compared as multisets)");
		migplan__sb_puts(sb, " |\n");
	}
}

static void md_one(migplan__sb *sb, const R *r)
{
	migplan__sb_puts(sb, "## Rehearsal of ");
	md_code(sb, r->plan_path ? r->plan_path : "plan");
	migplan__sb_puts(sb, "\n\n**");
	verdict(sb, r);
	migplan__sb_printf(sb, "**\n\nClickHouse %s (chDB), ", r->engine_version ? r->engine_version : "?");
	put_count(sb, r->rows);
	migplan__sb_printf(sb, " generated rows per table, seed %" PRIu64 ", %s.\n", r->seed, ddl_name(r));
	if (r->nsetup) {
		migplan__sb_puts(sb, "\n### Setup problems\n\n");
		for (size_t i = 0; i < r->nsetup; i++) {
			migplan__sb_puts(sb, "- ");
			md_cell(sb, r->setup[i]);
			migplan__sb_putc(sb, '\n');
		}
	}
	md_ops(sb, r);
	md_tables(sb, r);
	if (r->nviews) {
		migplan__sb_puts(sb, "\n### Views\n\n| view | target | result |\n|---|---|---|\n");
		for (size_t i = 0; i < r->nviews; i++) {
			const migplan_rehearsal_view *v = &r->views[i];
			migplan__sb_puts(sb, "| ");
			md_object(sb, v->database, v->name, NULL);
			migplan__sb_puts(sb, " | ");
			if (v->target)
				md_code(sb, v->target);
			migplan__sb_printf(sb, " | %s", migplan_rehearsal_view_status_name(v->status));
			if (v->message) {
				migplan__sb_puts(sb, ": ");
				md_cell(sb, v->message);
			}
			migplan__sb_puts(sb, " |\n");
		}
	}
	if (r->nchecks) {
		migplan__sb_puts(sb, "\n### Verification queries of the go/no-go checklist\n\n| id | result | purpose | detail |\n|---|---|---|---|\n");
		for (size_t i = 0; i < r->nchecks; i++) {
			const migplan_rehearsal_check *c = &r->checks[i];
			migplan__sb_puts(sb, "| ");
			md_cell(sb, c->id);
			migplan__sb_printf(sb, " | %s | ", migplan_rehearsal_check_status_name(c->status));
			md_cell(sb, c->purpose ? c->purpose : c->sql);
			migplan__sb_puts(sb, " | ");
			if (c->status == MIGPLAN_REHEARSAL_CHECK_FAILED) {
				migplan__sb_puts(sb, "expected ");
				md_code(sb, c->expected);
				migplan__sb_puts(sb, ", got ");
				md_code(sb, c->result);
			} else if (c->message) {
				md_code(sb, c->message);
			}
			migplan__sb_puts(sb, " |\n");
		}
	}
	migplan__sb_puts(sb, "\n### Schema against `local_infra_map.json`\n\n");
	if (!r->schema_compared)
		migplan__sb_puts(sb, "Not compared (no `local_infra_map.json`).\n");
	else if (!r->ndiffs)
		migplan__sb_puts(sb, "The same.\n");
	for (size_t i = 0; i < r->ndiffs; i++) {
		migplan__sb t = MIGPLAN__SB_INIT;
		char *s;
		diff_sentence(&t, &r->diffs[i]);
		s = migplan__reh_sb_take(&t);
		migplan__sb_puts(sb, "- ");
		md_cell(sb, s);
		migplan__sb_putc(sb, '\n');
		free(s);
	}
}

/* ---------------------------------------------------------------- JSON */

static void json_strings(migplan__sb *sb, int *first, const char *key, char *const *v, size_t n)
{
	json_key(sb, first, key);
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_str(sb, v[i]);
	}
	migplan__sb_putc(sb, ']');
}

static void json_op(migplan__sb *sb, const migplan_rehearsal_op *op)
{
	int f = 1;
	migplan__sb_putc(sb, '{');
	json_kv_u64(sb, &f, "index", op->index);
	json_kv_str(sb, &f, "kind", migplan_op_kind_name(op->kind));
	json_kv_str(sb, &f, "label", op->label);
	json_kv_str(sb, &f, "status", migplan_rehearsal_op_status_name(op->status));
	json_kv_str(sb, &f, "message", op->message);
	json_kv_u64(sb, &f, "durationUs", op->duration_us);
	json_strings(sb, &f, "statements", op->stmts, op->nstmts);
	json_key(sb, &f, "failedStatement");
	if (op->failed_stmt >= 0)
		migplan__sb_printf(sb, "%ld", op->failed_stmt);
	else
		migplan__sb_puts(sb, "null");
	json_strings(sb, &f, "mutationFailures", op->mutations, op->nmutations);
	json_kv_u64(sb, &f, "rowsLost", op->rows_lost);
	json_key(sb, &f, "changes");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < op->nchanges; i++) {
		int g = 1;
		const migplan_rehearsal_column *c = op->changes[i].column;
		migplan__sb_puts(sb, i ? ",{" : "{");
		json_kv_str(sb, &g, "database", c->table->database);
		json_kv_str(sb, &g, "table", c->table->name);
		json_kv_str(sb, &g, "column", c->name);
		json_kv_u64(sb, &g, "values", op->changes[i].values);
		migplan__sb_putc(sb, '}');
	}
	migplan__sb_puts(sb, "]}");
}

static void json_column(migplan__sb *sb, const migplan_rehearsal_column *c)
{
	int f = 1;
	migplan__sb_putc(sb, '{');
	json_kv_str(sb, &f, "name", c->name);
	json_kv_str(sb, &f, "renamedTo", migplan_rehearsal_column_renamed_to(c));
	json_kv_str(sb, &f, "typeBefore", c->type_before);
	json_kv_str(sb, &f, "typeAfter", c->type_after);
	json_kv_bool(sb, &f, "measured", c->measured);
	json_kv_bool(sb, &f, "dropped", c->dropped);
	json_kv_u64(sb, &f, "changed", c->changed);
	json_kv_u64(sb, &f, "lost", c->lost);
	json_kv_str(sb, &f, "error", c->error);
	json_kv_str(sb, &f, "example", c->example);
	migplan__sb_putc(sb, '}');
}

static void json_table(migplan__sb *sb, const migplan_rehearsal_table *t)
{
	int f = 1;
	migplan__sb_putc(sb, '{');
	json_kv_str(sb, &f, "database", t->database);
	json_kv_str(sb, &f, "name", t->name);
	json_kv_str(sb, &f, "key", t->key);
	json_kv_str(sb, &f, "holder", t->holder);
	json_kv_bool(sb, &f, "filled", t->filled);
	json_kv_bool(sb, &f, "dropped", t->dropped);
	json_kv_u64(sb, &f, "rowsBefore", t->rows_before);
	json_kv_u64(sb, &f, "rowsAfter", t->rows_after);
	json_kv_u64(sb, &f, "rowsLost", t->rows_lost);
	json_key(sb, &f, "columns");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < t->ncols; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_column(sb, &t->cols[i]);
	}
	migplan__sb_puts(sb, "]}");
}

static void json_view(migplan__sb *sb, const migplan_rehearsal_view *v)
{
	int f = 1;
	migplan__sb_putc(sb, '{');
	json_kv_str(sb, &f, "database", v->database);
	json_kv_str(sb, &f, "name", v->name);
	json_kv_bool(sb, &f, "materialized", v->materialized);
	json_kv_str(sb, &f, "target", v->target);
	json_kv_str(sb, &f, "status", migplan_rehearsal_view_status_name(v->status));
	json_kv_str(sb, &f, "message", v->message);
	migplan__sb_putc(sb, '}');
}

static void json_diff(migplan__sb *sb, const migplan_rehearsal_diff *d)
{
	int f = 1;
	migplan__sb_putc(sb, '{');
	json_kv_str(sb, &f, "kind", migplan_rehearsal_diff_kind_name(d->kind));
	json_kv_str(sb, &f, "object", d->object);
	json_kv_str(sb, &f, "column", d->column);
	json_kv_str(sb, &f, "expected", d->expected);
	json_kv_str(sb, &f, "actual", d->actual);
	migplan__sb_putc(sb, '}');
}

static void json_one(migplan__sb *sb, const R *r)
{
	migplan__sb v = MIGPLAN__SB_INIT;
	char *verdict_text;
	long first = migplan_rehearsal_first_failure(r);
	int f = 1;

	verdict(&v, r);
	verdict_text = migplan__reh_sb_take(&v);
	migplan__sb_putc(sb, '{');
	json_kv_u64(sb, &f, "schemaVersion", 1);
	json_kv_str(sb, &f, "plan", r->plan_path);
	json_kv_str(sb, &f, "engine", r->engine_version);
	json_kv_u64(sb, &f, "rows", r->rows);
	json_kv_u64(sb, &f, "seed", r->seed);
	json_kv_str(sb, &f, "ddl", (r->flags & MIGPLAN_REHEARSE_CORRECTED_DDL) ? "corrected" : "moose");
	json_kv_bool(sb, &f, "keepGoing", (r->flags & MIGPLAN_REHEARSE_KEEP_GOING) != 0);
	json_kv_bool(sb, &f, "passed", migplan_rehearsal_passed(r));
	json_kv_str(sb, &f, "verdict", verdict_text);
	json_key(sb, &f, "firstFailure");
	if (first >= 0)
		migplan__sb_printf(sb, "%ld", first);
	else
		migplan__sb_puts(sb, "null");
	json_kv_u64(sb, &f, "rowsLost", migplan_rehearsal_rows_lost(r));
	json_kv_u64(sb, &f, "valuesAffected", migplan_rehearsal_values_affected(r));
	json_kv_u64(sb, &f, "durationUs", r->duration_us);
	json_strings(sb, &f, "setupProblems", r->setup, r->nsetup);
	json_key(sb, &f, "operations");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < r->nops; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_op(sb, &r->ops[i]);
	}
	migplan__sb_putc(sb, ']');
	json_key(sb, &f, "tables");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < r->ntables; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_table(sb, &r->tables[i]);
	}
	migplan__sb_putc(sb, ']');
	json_key(sb, &f, "views");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < r->nviews; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_view(sb, &r->views[i]);
	}
	migplan__sb_putc(sb, ']');
	json_key(sb, &f, "checks");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < r->nchecks; i++) {
		const migplan_rehearsal_check *c = &r->checks[i];
		int g = 1;
		migplan__sb_puts(sb, i ? ",{" : "{");
		json_kv_str(sb, &g, "id", c->id);
		json_kv_str(sb, &g, "stage", migplan_rehearsal_check_stage(c));
		json_kv_str(sb, &g, "status", migplan_rehearsal_check_status_name(c->status));
		json_kv_str(sb, &g, "purpose", c->purpose);
		json_kv_str(sb, &g, "sql", c->sql);
		json_kv_str(sb, &g, "expected", c->expected);
		json_kv_str(sb, &g, "result", c->result);
		json_kv_str(sb, &g, "message", c->message);
		migplan__sb_putc(sb, '}');
	}
	migplan__sb_putc(sb, ']');
	json_key(sb, &f, "schema");
	migplan__sb_puts(sb, "{\"compared\":");
	migplan__sb_puts(sb, r->schema_compared ? "true" : "false");
	migplan__sb_puts(sb, ",\"differences\":[");
	for (size_t i = 0; i < r->ndiffs; i++) {
		migplan__sb_puts(sb, i ? "," : "");
		json_diff(sb, &r->diffs[i]);
	}
	migplan__sb_puts(sb, "]}}");
	free(verdict_text);
}

/* ---------------------------------------------------------------- side by side */

/* The same table in the other rehearsal (tables come from the same remote_state.json). */
static const migplan_rehearsal_table *same_table(const R *other, const migplan_rehearsal_table *t)
{
	return migplan_rehearsal_table_find(other, t->database, t->name);
}

typedef struct cmp_row {
	const migplan_rehearsal_table *a, *b;
	const migplan_rehearsal_column *ca, *cb; /* NULL for the table's row */
} cmp_row;

static uint64_t row_value(const migplan_rehearsal_table *t, const migplan_rehearsal_column *c)
{
	if (!t)
		return 0;
	return c ? c->changed + column_loss(c) : t->rows_lost;
}

static int row_dropped(const migplan_rehearsal_table *t, const migplan_rehearsal_column *c)
{
	return !t || t->dropped || (c && c->dropped);
}

/* Rows worth comparing: tables that lose rows, columns whose values change, in either; what
 * both plans drop on purpose is left out. */
static size_t cmp_rows(const R *a, const R *b, cmp_row *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < a->ntables; i++) {
		const migplan_rehearsal_table *ta = &a->tables[i], *tb = same_table(b, ta);
		int both = row_dropped(ta, NULL) && row_dropped(tb, NULL);
		if ((ta->rows_lost || row_value(tb, NULL)) && !both && n < cap)
			out[n++] = (cmp_row){ta, tb, NULL, NULL};
		for (size_t j = 0; j < ta->ncols && !both; j++) {
			const migplan_rehearsal_column *ca = &ta->cols[j];
			const migplan_rehearsal_column *cb = migplan_rehearsal_table_column_find(tb, ca->name);
			if (row_dropped(ta, ca) && row_dropped(tb, cb))
				continue;
			if ((row_value(ta, ca) || row_value(tb, cb)) && n < cap)
				out[n++] = (cmp_row){ta, tb, ca, cb};
		}
	}
	return n;
}

static size_t max_cmp_rows(const R *a)
{
	size_t n = 0;
	for (size_t i = 0; i < a->ntables; i++)
		n += 1 + a->tables[i].ncols;
	return n ? n : 1;
}

static void cmp_label(migplan__sb *sb, const cmp_row *row)
{
	migplan__sb_printf(sb, "%s.%s", row->a->database, row->a->name);
	if (row->ca)
		migplan__sb_printf(sb, ".%s", row->ca->name);
}

static void cmp_what(migplan__sb *sb, const cmp_row *row, int after)
{
	uint64_t v = after ? row_value(row->b, row->cb) : row_value(row->a, row->ca);
	put_count(sb, v);
	migplan__sb_puts(sb, row->ca ? " values changed or lost" : " rows lost");
}

static void first_failure_text(migplan__sb *sb, const R *r);

/* One line for the pair: the rows, else the values, else the first failures, e.g. "before the
 * rewrite 14,212 rows lost in local.events; after: 0". */
static void cmp_headline(migplan__sb *sb, const R *a, const R *b, const cmp_row *rows, size_t n)
{
	const cmp_row *worst = NULL;
	for (size_t i = 0; i < n; i++) {
		uint64_t v = row_value(rows[i].a, rows[i].ca), w = worst ? row_value(worst->a, worst->ca) : 0;
		/* rows before values, then the largest loss */
		if (!worst || (!rows[i].ca && worst->ca) || (!rows[i].ca == !worst->ca && v > w))
			worst = &rows[i];
	}
	if (worst) {
		migplan__sb_puts(sb, "before the rewrite ");
		cmp_what(sb, worst, 0);
		migplan__sb_puts(sb, " in ");
		cmp_label(sb, worst);
		migplan__sb_puts(sb, "; after: ");
		put_count(sb, row_value(worst->b, worst->cb));
		return;
	}
	if (migplan_rehearsal_first_failure(a) != migplan_rehearsal_first_failure(b)) {
		migplan__sb_puts(sb, "before the rewrite the first failure is ");
		first_failure_text(sb, a);
		migplan__sb_puts(sb, "; after: ");
		first_failure_text(sb, b);
		return;
	}
	migplan__sb_puts(sb, "no row lost and no value changed, before the rewrite or after");
}

static void first_failure_text(migplan__sb *sb, const R *r)
{
	long f = migplan_rehearsal_first_failure(r);
	if (f < 0) {
		migplan__sb_puts(sb, "none");
		return;
	}
	migplan__sb_printf(sb, "#%ld %s (%s)", f, r->ops[f].label, migplan_rehearsal_op_status_name(r->ops[f].status));
}

static void text_compare(migplan__sb *sb, const R *a, const R *b, const cmp_row *rows, size_t n)
{
	migplan__sb_puts(sb, "Rehearsal before and after the rewrite (same data: ");
	put_count(sb, a->rows);
	migplan__sb_printf(sb, " rows per table, seed %" PRIu64 ")\n  ", a->seed);
	cmp_headline(sb, a, b, rows, n);
	migplan__sb_puts(sb, "\n\n  before: ");
	verdict(sb, a);
	migplan__sb_puts(sb, "\n  after:  ");
	verdict(sb, b);
	migplan__sb_puts(sb, "\n  first failure before: ");
	first_failure_text(sb, a);
	migplan__sb_puts(sb, "\n  first failure after:  ");
	first_failure_text(sb, b);
	migplan__sb_printf(sb, "\n  views not working: %zu before, %zu after\n", views_failing(a), views_failing(b));
	if (n)
		migplan__sb_puts(sb, "\n");
	for (size_t i = 0; i < n; i++) {
		migplan__sb_puts(sb, "  ");
		cmp_label(sb, &rows[i]);
		migplan__sb_puts(sb, ": ");
		cmp_what(sb, &rows[i], 0);
		migplan__sb_puts(sb, " before, ");
		put_count(sb, row_value(rows[i].b, rows[i].cb));
		migplan__sb_puts(sb, " after\n");
	}
}

static void md_compare(migplan__sb *sb, const R *a, const R *b, const cmp_row *rows, size_t n)
{
	migplan__sb_puts(sb, "## Rehearsal before and after the rewrite\n\n**");
	cmp_headline(sb, a, b, rows, n);
	migplan__sb_puts(sb, "**\n\nSame data for both: ");
	put_count(sb, a->rows);
	migplan__sb_printf(sb, " rows per table, seed %" PRIu64 ".\n\n| | before the rewrite | after |\n|---|---|---|\n| verdict | ", a->seed);
	verdict(sb, a);
	migplan__sb_puts(sb, " | ");
	verdict(sb, b);
	migplan__sb_puts(sb, " |\n| first failure | ");
	first_failure_text(sb, a);
	migplan__sb_puts(sb, " | ");
	first_failure_text(sb, b);
	migplan__sb_printf(sb, " |\n| views not working | %zu | %zu |\n", views_failing(a), views_failing(b));
	for (size_t i = 0; i < n; i++) {
		migplan__sb t = MIGPLAN__SB_INIT;
		char *s;
		migplan__sb_puts(sb, "| ");
		cmp_label(&t, &rows[i]);
		s = migplan__reh_sb_take(&t);
		md_code(sb, s);
		free(s);
		migplan__sb_puts(sb, " | ");
		cmp_what(sb, &rows[i], 0);
		migplan__sb_puts(sb, " | ");
		cmp_what(sb, &rows[i], 1);
		migplan__sb_puts(sb, " |\n");
	}
}

static void json_compare(migplan__sb *sb, const R *a, const R *b, const cmp_row *rows, size_t n)
{
	migplan__sb h = MIGPLAN__SB_INIT;
	char *headline;
	int f = 1;

	cmp_headline(&h, a, b, rows, n);
	headline = migplan__reh_sb_take(&h);
	migplan__sb_putc(sb, '{');
	json_kv_str(sb, &f, "summary", headline);
	json_key(sb, &f, "before");
	json_one(sb, a);
	json_key(sb, &f, "after");
	json_one(sb, b);
	json_key(sb, &f, "comparison");
	migplan__sb_putc(sb, '[');
	for (size_t i = 0; i < n; i++) {
		int g = 1;
		migplan__sb_puts(sb, i ? ",{" : "{");
		json_kv_str(sb, &g, "database", rows[i].a->database);
		json_kv_str(sb, &g, "table", rows[i].a->name);
		json_kv_str(sb, &g, "column", rows[i].ca ? rows[i].ca->name : NULL);
		json_kv_str(sb, &g, "measure", rows[i].ca ? "valuesChangedOrLost" : "rowsLost");
		json_kv_u64(sb, &g, "before", row_value(rows[i].a, rows[i].ca));
		json_kv_u64(sb, &g, "after", row_value(rows[i].b, rows[i].cb));
		migplan__sb_putc(sb, '}');
	}
	migplan__sb_puts(sb, "]}");
	free(headline);
}

/* ---------------------------------------------------------------- entry points */

static migplan_status check_format(migplan_rehearsal_format format)
{
	if (format != MIGPLAN_REHEARSAL_TEXT && format != MIGPLAN_REHEARSAL_JSON &&
	    format != MIGPLAN_REHEARSAL_MARKDOWN)
		return migplan__error(MIGPLAN_EINVAL, "unknown rehearsal format %d", (int)format);
	return MIGPLAN_OK;
}

static migplan_status finish_text(migplan__sb *sb, char **out)
{
	if (!sb->len || sb->ptr[sb->len - 1] != '\n')
		migplan__sb_putc(sb, '\n');
	return migplan__sb_finish(sb, out);
}

migplan_status migplan_rehearsal_render(const migplan_rehearsal *r, migplan_rehearsal_format format,
                                        char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_status st;

	if (out)
		*out = NULL;
	if (!r || !out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_rehearsal_render: NULL argument");
	st = check_format(format);
	if (st != MIGPLAN_OK)
		return st;
	if (format == MIGPLAN_REHEARSAL_TEXT)
		text_one(&sb, r);
	else if (format == MIGPLAN_REHEARSAL_MARKDOWN)
		md_one(&sb, r);
	else
		json_one(&sb, r);
	return finish_text(&sb, out);
}

migplan_status migplan_rehearsal_render_compare(const migplan_rehearsal *before,
                                                const migplan_rehearsal *after,
                                                migplan_rehearsal_format format, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_status st;
	cmp_row *rows;
	size_t n;

	if (out)
		*out = NULL;
	if (!before || !after || !out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_rehearsal_render_compare: NULL argument");
	st = check_format(format);
	if (st != MIGPLAN_OK)
		return st;
	rows = calloc(max_cmp_rows(before), sizeof(*rows));
	if (!rows)
		return migplan__error_oom();
	n = cmp_rows(before, after, rows, max_cmp_rows(before));
	if (format == MIGPLAN_REHEARSAL_TEXT)
		text_compare(&sb, before, after, rows, n);
	else if (format == MIGPLAN_REHEARSAL_MARKDOWN)
		md_compare(&sb, before, after, rows, n);
	else
		json_compare(&sb, before, after, rows, n);
	free(rows);
	return finish_text(&sb, out);
}
