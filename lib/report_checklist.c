/* The go/no-go verification checklist: the data invariants, the read-only audits to run before,
 * every step with its command, duration, batching and rollback, the post-deploy queries with
 * the result each must give, the rollback plan step by step, and what to watch for 24 hours. */
#include <string.h>

#include "report-private.h"

static void md_decision(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_printf(sb, "## Decision: %s\n\n", m->go ? "GO" : "NO-GO");
	if (m->go) {
		migplan__sb_puts(sb, "No blocker. Go when every box below is ticked.\n\n");
		return;
	}
	migplan__sb_puts(sb, "Do not deploy until these are resolved:\n\n");
	for (size_t i = 0; i < m->blockers.count; i++) {
		const migplan__rnote *n = m->blockers.items[i];
		migplan__sb_puts(sb, "- [ ] ");
		if (n->op >= 0)
			migplan__sb_printf(sb, "Operation %ld: ", n->op);
		migplan__sb_printf(sb, "%s (`%s`)\n", n->text, n->ref ? n->ref : "");
	}
	migplan__sb_putc(sb, '\n');
}

static void md_invariants(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Data invariants that must hold\n\n");
	if (!m->invariants.count)
		migplan__sb_puts(sb, "None beyond the checks of each step.\n");
	for (size_t i = 0; i < m->invariants.count; i++)
		migplan__sb_printf(sb, "- [ ] %s\n", ((migplan__rnote *)m->invariants.items[i])->text);
	migplan__sb_putc(sb, '\n');
}

/* 1 when undoing the step takes an action or loses something (read-only and no-op steps do not). */
static int undo_matters(const migplan__rstep *s)
{
	return s->phase != MIGPLAN__PH_PREFLIGHT &&
	       (s->rollback_sql.count || s->rollback != MIGPLAN__RB_YES || s->actor == MIGPLAN__ACT_APP);
}

/* Undo in reverse: the steps before the point of no return, last first. */
static void md_rollback_plan(migplan__sb *sb, const migplan__rmodel *m)
{
	const migplan__rstep *ponr = NULL;
	size_t n = 0;
	migplan__sb_printf(sb, "## Rollback plan\n\nCan we roll back: **%s**. %s\n\n", migplan__rollback_name(m->rollback),
	                   m->rollback_why);
	for (size_t i = 0; i < m->steps.count && !ponr; i++)
		if (((migplan__rstep *)m->steps.items[i])->point_of_no_return)
			ponr = m->steps.items[i];
	migplan__sb_printf(sb, "From wherever the rollout stopped%s, undo the steps in this order (skip the ones "
	                   "that did not run; read-only steps and steps that changed nothing are left out):\n\n",
	                   ponr ? " before the contract" : "");
	for (size_t i = m->steps.count; i-- > 0;) {
		const migplan__rstep *s = m->steps.items[i];
		if ((ponr && s->number >= ponr->number) || !undo_matters(s))
			continue;
		migplan__sb_printf(sb, "%zu. Undo step %zu (%s): ", ++n, s->number, s->title);
		if (s->rollback_sql.count) {
			for (size_t k = 0; k < s->rollback_sql.count; k++)
				migplan__sb_printf(sb, "%s**%s**", k ? ", then " : "run ", ((migplan__rsql *)s->rollback_sql.items[k])->id);
			migplan__sb_printf(sb, ". Can roll back: %s", migplan__rollback_name(s->rollback));
		} else if (s->actor == MIGPLAN__ACT_APP) {
			migplan__sb_printf(sb, "redeploy the previous application version");
		} else {
			migplan__sb_printf(sb, "no statement undoes it. Can roll back: %s", migplan__rollback_name(s->rollback));
		}
		migplan__sb_printf(sb, " (%s).\n", s->rollback_why ? s->rollback_why : "");
	}
	if (!n)
		migplan__sb_puts(sb, "Nothing to undo.\n");
	if (ponr)
		migplan__sb_printf(sb, "\nFrom step %zu (%s) on, the old data is gone: there is no rollback, only a "
		                   "restore from a backup taken before it. The contract steps' statements recreate the "
		                   "schema without the data.\n", ponr->number, ponr->title);
	migplan__sb_putc(sb, '\n');
}

static void md_monitoring(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Monitoring for the first 24 hours\n\nEvery 5 minutes during the rollout and the "
	                 "first hour after it, then hourly until the contract.\n\n"
	                 "| Metric | Query | Pause when | Roll back when | Source |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		if (x->progress && x->q->stage == MIGPLAN__RS_PROGRESS)
			continue;
		migplan__sb_printf(sb, "| %s (`%s`) | **%s** | ", x->title, x->name, x->q->id);
		migplan__md_cell(sb, x->pause);
		migplan__sb_puts(sb, " | ");
		migplan__md_cell(sb, x->rollback ? x->rollback : "-");
		migplan__sb_puts(sb, " | ");
		migplan__md_cell(sb, x->source);
		migplan__sb_puts(sb, " |\n");
	}
	migplan__sb_puts(sb, "\n");
	migplan__md_sql_list(sb, &m->monitor);
}

static migplan_status md(const migplan__rmodel *m, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__md_header(&sb, m, "Go/no-go verification checklist");
	md_decision(&sb, m);
	md_invariants(&sb, m);
	migplan__sb_printf(&sb, "## Before: read-only audits\n\nRun each one before the first step and keep the "
	                   "result: the post-deploy checks compare with it.%s\n\n",
	                   m->before.count ? "" : " The plan touches no existing table: nothing to audit.");
	migplan__md_sql_list(&sb, &m->before);
	migplan__sb_puts(&sb, "## Steps\n\n");
	for (size_t i = 0; i < m->steps.count; i++) {
		migplan__md_step(&sb, m, m->steps.items[i], MIGPLAN__MD_ROLLBACK | MIGPLAN__MD_AUDITS_ELSEWHERE);
		migplan__sb_puts(&sb, "- [ ] Done, checks as expected.\n\n");
	}
	migplan__sb_puts(&sb, "## After: post-deploy checks\n\nRun after the last step (and again after the "
	                 "contract). Each gives the result written next to it.\n\n");
	migplan__md_sql_list(&sb, &m->after);
	md_rollback_plan(&sb, m);
	md_monitoring(&sb, m);
	return migplan__sb_finish(&sb, out);
}

static json_object *json_rollback_plan(const migplan__rmodel *m)
{
	json_object *o = json_object_new_object(), *steps = json_object_new_array();
	size_t ponr = 0;
	for (size_t i = 0; i < m->steps.count && !ponr; i++)
		if (((migplan__rstep *)m->steps.items[i])->point_of_no_return)
			ponr = ((migplan__rstep *)m->steps.items[i])->number;
	json_object_object_add(o, "possible", json_object_new_string(migplan__rollback_name(m->rollback)));
	json_object_object_add(o, "why", migplan__json_str(m->rollback_why));
	json_object_object_add(o, "pointOfNoReturn", ponr ? json_object_new_int64((int64_t)ponr) : NULL);
	for (size_t i = m->steps.count; i-- > 0;) {
		const migplan__rstep *s = m->steps.items[i];
		if ((ponr && s->number >= ponr) || !undo_matters(s))
			continue;
		json_object *x = json_object_new_object();
		json_object_object_add(x, "undoStep", json_object_new_int64((int64_t)s->number));
		json_object_object_add(x, "possible", json_object_new_string(migplan__rollback_name(s->rollback)));
		json_object_object_add(x, "why", migplan__json_str(s->rollback_why));
		json_object_object_add(x, "sql", migplan__json_sql_list(&s->rollback_sql));
		json_object_array_add(steps, x);
	}
	json_object_object_add(o, "steps", steps);
	return o;
}

static json_object *json_monitoring(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->metrics.count; i++) {
		const migplan__rmetric *x = m->metrics.items[i];
		if (x->progress && x->q->stage == MIGPLAN__RS_PROGRESS)
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "metric", migplan__json_str(x->name));
		json_object_object_add(o, "title", migplan__json_str(x->title));
		json_object_object_add(o, "query", migplan__json_sql(x->q));
		json_object_object_add(o, "pauseWhen", migplan__json_str(x->pause));
		json_object_object_add(o, "rollbackWhen", migplan__json_str(x->rollback));
		json_object_object_add(o, "source", migplan__json_str(x->source));
		json_object_object_add(o, "everySeconds", json_object_new_int(300));
		json_object_array_add(a, o);
	}
	return a;
}

migplan_status migplan__render_checklist(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	if (f == MIGPLAN_FORMAT_MARKDOWN)
		return md(m, out);
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_CHECKLIST);
	json_object_object_add(root, "blockers", migplan__json_notes(&m->blockers));
	json_object_object_add(root, "invariants", migplan__json_notes(&m->invariants));
	json_object_object_add(root, "before", migplan__json_sql_list(&m->before));
	json_object_object_add(root, "steps", migplan__json_steps(m, &m->steps));
	json_object_object_add(root, "after", migplan__json_sql_list(&m->after));
	json_object_object_add(root, "rollback", json_rollback_plan(m));
	json_object_object_add(root, "monitoring", json_monitoring(m));
	return migplan__json_finish(root, out);
}
