/* The phased plan for backfills and rebuilds: each phase with its goal, steps, validation and
 * rollback; every backfill split into batches (per partition when the table has PARTITION BY,
 * otherwise by ranges of the first ORDER BY column) that can be resumed from a checkpoint and
 * throttled; and the validation strategy (row counts, sampled row comparison, checksums) as SQL. */
#include <string.h>

#include "report-private.h"

static const char *const goals[MIGPLAN__PH_COUNT] = {
	"Know what is at stake before changing anything: table sizes, the baselines the last checks compare "
	"with, and the rows a change would lose.",
	"Add everything the new version needs beside what exists. Nothing is removed and no existing value "
	"is rewritten.",
	"Fill the new columns and tables from the old ones, in batches that can be paused, throttled and "
	"resumed.",
	"Prove that the copies are complete and correct before anything switches to them.",
	"Switch readers and writers to the new schema with steps that can be switched back.",
	"Run on the new schema under real traffic while the way back stays open.",
	"Remove what only the old version needed. After this phase there is no rollback.",
};

static size_t phase_steps(const migplan__rmodel *m, migplan__phase p, const migplan__rstep **first)
{
	size_t n = 0;
	*first = NULL;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase != p)
			continue;
		if (!n++)
			*first = s;
	}
	return n;
}

static migplan__rollback phase_rollback(const migplan__rmodel *m, migplan__phase p)
{
	migplan__rollback rb = MIGPLAN__RB_YES;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase == p && s->rollback > rb)
			rb = s->rollback;
	}
	return rb;
}

static const char *phase_rollback_text(const migplan__rmodel *m, migplan__phase p)
{
	size_t statements = 0;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase == p)
			statements += s->rollback_sql.count;
	}
	switch (phase_rollback(m, p)) {
	case MIGPLAN__RB_YES:
		return statements ? "yes: undo the phase's steps in reverse order with their rollback statements."
		                  : "yes: nothing to undo (nothing in the database changes).";
	case MIGPLAN__RB_PARTIAL:
		return "partial: undo the phase's steps in reverse order with their rollback statements; what each "
		       "step cannot bring back is said next to it.";
	case MIGPLAN__RB_NO:
		return "no: what this phase removes is gone; the rollback statements only recreate the schema.";
	}
	return "?";
}

static void md_phase(migplan__sb *sb, const migplan__rmodel *m, migplan__phase p, size_t *number)
{
	const migplan__rstep *first;
	size_t n = phase_steps(m, p, &first);
	if (!n)
		return;
	migplan__sb_printf(sb, "## Phase %zu: %s\n\n- Goal: %s\n- Steps:", ++*number, migplan__phase_title(p), goals[p]);
	for (size_t i = 0, k = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase == p)
			migplan__sb_printf(sb, "%s %zu", k++ ? "," : "", s->number);
	}
	migplan__sb_puts(sb, ".\n- Validation: ");
	size_t checks = 0;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		for (size_t k = 0; s->phase == p && k < s->checks.count; k++)
			migplan__sb_printf(sb, "%s**%s**", checks++ ? ", " : "", ((migplan__rsql *)s->checks.items[k])->id);
	}
	migplan__sb_puts(sb, checks ? " (each with its expected result below).\n" : "the metrics of the runbook.\n");
	migplan__sb_printf(sb, "- Rollback: %s\n\n", phase_rollback_text(m, p));
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase == p)
			migplan__md_step(sb, m, s, MIGPLAN__MD_ROLLBACK);
	}
}

static void md_backfill(migplan__sb *sb, const migplan__rbackfill *b)
{
	const migplan__rstep *s = b->step;
	migplan__sb_printf(sb, "### `%s`.`%s`\n\n%s", b->database, b->target, b->what);
	if (s)
		migplan__sb_printf(sb, " (step %zu)", s->number);
	migplan__sb_puts(sb, ".\n\n");
	if (!s || !s->batching || b->kind == MIGPLAN__BF_PLAN_SQL || b->kind == MIGPLAN__BF_MV_POPULATE) {
		migplan__sb_puts(sb, b->kind == MIGPLAN__BF_PLAN_SQL
		                     ? "Written by hand in the plan, as one statement: Moose runs it as it is. Watch its "
		                       "progress query; split it by hand if the table is large.\n\n"
		                     : "One statement. Run it while writers are paused.\n\n");
		return;
	}
	switch (s->batching->by) {
	case MIGPLAN__BATCH_PARTITION:
		migplan__sb_printf(sb, "- Batches: one per partition (`PARTITION BY %s`), listed by **%s**.\n",
		                   s->batching->partition_by, s->prepare.count ? ((migplan__rsql *)s->prepare.items[0])->id : "?");
		break;
	case MIGPLAN__BATCH_RANGE:
		migplan__sb_printf(sb, "- Batches: ranges of `%s`, the first ORDER BY column, of about ", s->batching->column);
		migplan__count(sb, s->batching->batch_rows);
		migplan__sb_printf(sb, " rows, listed by **%s**: each range holds whole key values, so no row is in two "
		                   "batches.\n", s->prepare.count ? ((migplan__rsql *)s->prepare.items[0])->id : "?");
		break;
	case MIGPLAN__BATCH_SINGLE:
		migplan__sb_puts(sb, "- Batches: one; the table has neither PARTITION BY nor an ORDER BY column to split on.\n");
		break;
	}
	migplan__sb_puts(sb, "- Checkpoint: save the batch list; a batch is done when its check returns 0. To resume, "
	                 "start at the first batch whose check does not.\n"
	                 "- Throttle: run one batch at a time and wait between batches while the runbook's pause "
	                 "conditions hold (parts, merges, replica lag, free disk).\n"
	                 "- Parameters: pass each row of the batch list as its TSV output prints it (escaped), e.g. "
	                 "`clickhouse-client --param_lo=... --param_hi=...` (or `--param_partition_id=...`).\n\n");
}

static void md_validation(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Validation strategy\n\n### Row counts and checksums\n\nThe baseline (before) and "
	                 "the post-deploy check (after) of each table, over the columns whose values the rollout "
	                 "keeps. The checksum is order-independent: the sum of a 64-bit hash of every row.\n\n");
	size_t n = 0;
	for (size_t i = 0; i < m->after.count; i++) {
		const migplan__rsql *q = m->after.items[i];
		if (!q->baseline)
			continue;
		n++;
		migplan__md_sql(sb, q->baseline);
		migplan__md_sql(sb, q);
	}
	if (!n)
		migplan__sb_puts(sb, "No existing table keeps rows through the rollout.\n\n");
	migplan__sb_puts(sb, "### Sampled row comparison\n\n");
	n = 0;
	for (size_t i = 0; i < m->sql.count; i++) {
		const migplan__rsql *q = m->sql.items[i];
		if (q->sample && ++n)
			migplan__md_sql(sb, q);
	}
	if (!n)
		migplan__sb_puts(sb, "Nothing is copied or converted: no sample to compare.\n\n");
}

static migplan_status md(const migplan__rmodel *m, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	size_t number = 0;
	migplan__md_header(&sb, m, "Phased plan");
	migplan__sb_printf(&sb, "%zu backfill%s and %zu steps in phases. Within a phase, run the steps in order; "
	                   "go to the next phase when the gate of the runbook passes.\n\n", m->backfills.count,
	                   m->backfills.count == 1 ? "" : "s", m->steps.count);
	for (int p = 0; p < MIGPLAN__PH_COUNT; p++)
		md_phase(&sb, m, (migplan__phase)p, &number);
	migplan__sb_puts(&sb, "## Backfills\n\n");
	if (!m->backfills.count)
		migplan__sb_puts(&sb, "None: nothing is copied, converted or populated.\n\n");
	for (size_t i = 0; i < m->backfills.count; i++)
		md_backfill(&sb, m->backfills.items[i]);
	md_validation(&sb, m);
	return migplan__sb_finish(&sb, out);
}

static json_object *json_phases(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (int p = 0; p < MIGPLAN__PH_COUNT; p++) {
		const migplan__rstep *first;
		if (!phase_steps(m, (migplan__phase)p, &first))
			continue;
		json_object *o = json_object_new_object(), *steps = json_object_new_array(), *val = json_object_new_array();
		json_object_object_add(o, "phase", json_object_new_string(migplan__phase_name((migplan__phase)p)));
		json_object_object_add(o, "goal", json_object_new_string(goals[p]));
		for (size_t i = 0; i < m->steps.count; i++) {
			const migplan__rstep *s = m->steps.items[i];
			if (s->phase != (migplan__phase)p)
				continue;
			json_object_array_add(steps, migplan__json_step(m, s));
			for (size_t k = 0; k < s->checks.count; k++)
				json_object_array_add(val, migplan__json_str(((migplan__rsql *)s->checks.items[k])->id));
		}
		json_object_object_add(o, "steps", steps);
		json_object_object_add(o, "validation", val);
		json_object_object_add(o, "rollback", json_object_new_string(migplan__rollback_name(phase_rollback(m, (migplan__phase)p))));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_validation(const migplan__rmodel *m)
{
	json_object *o = json_object_new_object(), *counts = json_object_new_array(), *sampled = json_object_new_array();
	for (size_t i = 0; i < m->after.count; i++) {
		const migplan__rsql *q = m->after.items[i];
		if (!q->baseline)
			continue;
		json_object *pair = json_object_new_object();
		json_object_object_add(pair, "before", migplan__json_sql(q->baseline));
		json_object_object_add(pair, "after", migplan__json_sql(q));
		json_object_array_add(counts, pair);
	}
	for (size_t i = 0; i < m->sql.count; i++)
		if (((migplan__rsql *)m->sql.items[i])->sample)
			json_object_array_add(sampled, migplan__json_sql(m->sql.items[i]));
	json_object_object_add(o, "rowCountsAndChecksums", counts);
	json_object_object_add(o, "sampled", sampled);
	return o;
}

migplan_status migplan__render_phases(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	if (f == MIGPLAN_FORMAT_MARKDOWN)
		return md(m, out);
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_PHASES);
	json_object_object_add(root, "phases", json_phases(m));
	json_object_object_add(root, "backfills", migplan__json_backfills(m));
	json_object_object_add(root, "validation", json_validation(m));
	return migplan__json_finish(root, out);
}
