/* The pull-request body: change type, affected tables, rebuilds and backfills, dependent views,
 * blockers and open questions, for the reviewer of the pull request that carries the plan.
 * GitHub refuses bodies over 65,536 characters: past that the body degrades to a summary that
 * says so and points at the full reports. */
#include <string.h>

#include "report-private.h"

static void md_title(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_printf(sb, "Database migration (%s, %s): %zu operation%s", migplan_change_type_name(m->change_type),
	                   m->migration_type, m->op_count, m->op_count == 1 ? "" : "s");
}

static void md_tables(migplan__sb *sb, const migplan__rmodel *m)
{
	static const char *const roles[] = {"created", "dropped", "altered", "rebuilt", "backfilled", "read by views"};
	migplan__sb_puts(sb, "### Affected tables\n\n");
	if (!m->tables.count)
		migplan__sb_puts(sb, "None.\n");
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		int n = 0;
		migplan__sb_printf(sb, "- `%s`.`%s`: ", t->database, t->name);
		for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]) - 1; r++)
			if (t->roles & (1u << r))
				migplan__sb_printf(sb, "%s%s", n++ ? ", " : "", roles[r]);
		if (!t->before)
			migplan__sb_puts(sb, " (new)");
		migplan__sb_putc(sb, '\n');
	}
	migplan__sb_putc(sb, '\n');
}

static void md_changes(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "### Breaking changes\n\n");
	if (!m->changes.count)
		migplan__sb_puts(sb, "None: the plan can ship as one deployment.\n");
	for (size_t i = 0; i < m->changes.count; i++) {
		const migplan__rchange *c = m->changes.items[i];
		migplan__sb_printf(sb, "- %s (%s): steps", c->title, migplan__change_kind_name(c->kind));
		for (size_t k = 0; k < c->steps.count; k++)
			migplan__sb_printf(sb, "%s %zu", k ? "," : "", ((migplan__rstep *)c->steps.items[k])->number);
		migplan__sb_puts(sb, c->justification ? "" : ". No justification given in the allow list");
		migplan__sb_puts(sb, ".\n");
	}
	migplan__sb_putc(sb, '\n');
}

static void md_rebuilds(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_printf(sb, "### Rebuilds and backfills\n\nBackfill needed: **%s**.\n\n", m->backfills.count ? "yes" : "no");
	for (size_t i = 0; i < m->backfills.count; i++) {
		const migplan__rbackfill *b = m->backfills.items[i];
		migplan__sb_printf(sb, "- %s", b->what);
		if (b->step) {
			migplan__sb_printf(sb, " (step %zu", b->step->number);
			if (b->step->batching && b->step->batching->by != MIGPLAN__BATCH_SINGLE)
				migplan__sb_puts(sb, b->step->batching->by == MIGPLAN__BATCH_PARTITION ? ", per partition" : ", in key ranges");
			migplan__sb_putc(sb, ')');
		}
		migplan__sb_puts(sb, ".\n");
	}
	if (m->backfills.count)
		migplan__sb_putc(sb, '\n');
}

static void md_questions(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "### Open questions\n\n");
	if (!m->questions.count)
		migplan__sb_puts(sb, "None.\n");
	for (size_t i = 0; i < m->questions.count; i++)
		migplan__sb_printf(sb, "- [ ] %s\n", ((migplan__rnote *)m->questions.items[i])->text);
	migplan__sb_putc(sb, '\n');
}

static void md_reports(migplan__sb *sb)
{
	migplan__sb_puts(sb, "### Reports\n\n");
	for (int k = MIGPLAN_REPORT_ROLLOUT; k <= MIGPLAN_REPORT_PHASES; k++)
		if (k != MIGPLAN_REPORT_PR_BODY)
			migplan__sb_printf(sb, "- `%s`\n", migplan_report_default_filename((migplan_report_kind)k, MIGPLAN_FORMAT_MARKDOWN));
}

static void full_body(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## ");
	md_title(sb, m);
	migplan__sb_printf(sb, "\n\n**Decision: %s.** Change type: %s. Migration type: %s. Blast radius: %s. "
	                   "Can we roll back: %s.\n\n", m->go ? "GO" : "NO-GO", migplan_change_type_name(m->change_type),
	                   m->migration_type, m->blast_radius, migplan__rollback_name(m->rollback));
	md_tables(sb, m);
	md_changes(sb, m);
	md_rebuilds(sb, m);
	migplan__sb_puts(sb, "### Dependent views\n\n");
	migplan__md_notes_brief(sb, &m->views_flagged, "None flagged.");
	migplan__sb_puts(sb, "### Blockers\n\n");
	migplan__md_notes_brief(sb, &m->blockers, "None.");
	if (m->blockers.count)
		migplan__sb_printf(sb, "How to resolve each one: `%s`.\n\n",
		                   migplan_report_default_filename(MIGPLAN_REPORT_ROLLOUT, MIGPLAN_FORMAT_MARKDOWN));
	md_questions(sb, m);
	md_reports(sb);
}

/* The body when the full one is too long: counts, the blockers that fit, and where to read on. */
static void summary_body(migplan__sb *sb, const migplan__rmodel *m, size_t full_len)
{
	migplan__sb_puts(sb, "## ");
	md_title(sb, m);
	migplan__sb_printf(sb, "\n\n> **This body is a summary.** The full description is %zu characters, over the "
	                   "%d-character limit of a pull-request body. Read `%s` for every operation, step and "
	                   "statement.\n\n", full_len, MIGPLAN_REPORT_PR_BODY_LIMIT,
	                   migplan_report_default_filename(MIGPLAN_REPORT_ROLLOUT, MIGPLAN_FORMAT_MARKDOWN));
	migplan__sb_printf(sb, "**Decision: %s.** Migration type: %s. Blast radius: %s. Can we roll back: %s.\n\n",
	                   m->go ? "GO" : "NO-GO", m->migration_type, m->blast_radius, migplan__rollback_name(m->rollback));
	migplan__sb_printf(sb, "- %zu affected tables, %zu breaking changes, %zu backfills, %zu rollout steps\n"
	                   "- %zu flagged views, %zu blockers, %zu open questions\n\n",
	                   m->tables.count, m->changes.count, m->backfills.count, m->steps.count,
	                   m->views_flagged.count, m->blockers.count, m->questions.count);
	size_t shown = 0;
	for (size_t i = 0; i < m->blockers.count; i++) {
		const migplan__rnote *n = m->blockers.items[i];
		if (sb->len + strlen(n->text) + 2048 > MIGPLAN_REPORT_PR_BODY_LIMIT)
			break;
		if (!shown++)
			migplan__sb_puts(sb, "### Blockers\n\n");
		migplan__sb_printf(sb, "- %s\n", n->text);
	}
	if (shown < m->blockers.count)
		migplan__sb_printf(sb, "- ... and %zu more (see the rollout plan)\n", m->blockers.count - shown);
	migplan__sb_putc(sb, '\n');
	md_reports(sb);
}

/* The body: the full one when it fits, else the summary. */
static migplan_status body(const migplan__rmodel *m, migplan__sb *out, int *truncated, size_t *full_len)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	full_body(&sb, m);
	if (sb.failed) {
		migplan__sb_reset(&sb);
		return migplan__error_oom();
	}
	*full_len = sb.len;
	*truncated = sb.len > MIGPLAN_REPORT_PR_BODY_LIMIT;
	if (*truncated) {
		migplan__sb_reset(&sb);
		summary_body(&sb, m, *full_len);
	}
	*out = sb;
	return sb.failed ? migplan__error_oom() : MIGPLAN_OK;
}

static json_object *json_tables(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->tables.count; i++)
		json_object_array_add(a, migplan__json_table(m->tables.items[i]));
	return a;
}

static json_object *json_changes(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->changes.count; i++)
		json_object_array_add(a, migplan__json_change(m, m->changes.items[i], 0));
	return a;
}

migplan_status migplan__render_pr_body(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	migplan__sb text = MIGPLAN__SB_INIT, title = MIGPLAN__SB_INIT;
	int truncated = 0;
	size_t full_len = 0;
	migplan_status st = body(m, &text, &truncated, &full_len);
	if (st != MIGPLAN_OK)
		return st;
	if (f == MIGPLAN_FORMAT_MARKDOWN)
		return migplan__sb_finish(&text, out);
	md_title(&title, m);
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_PR_BODY);
	json_object_object_add(root, "title", migplan__json_str(title.ptr));
	json_object_object_add(root, "body", migplan__json_str(text.ptr));
	json_object_object_add(root, "truncated", json_object_new_boolean(truncated));
	json_object_object_add(root, "limit", json_object_new_int(MIGPLAN_REPORT_PR_BODY_LIMIT));
	json_object_object_add(root, "fullLength", json_object_new_int64((int64_t)full_len));
	json_object_object_add(root, "changeType", json_object_new_string(migplan_change_type_name(m->change_type)));
	json_object_object_add(root, "migrationType", json_object_new_string(m->migration_type));
	json_object_object_add(root, "affectedTables", json_tables(m));
	json_object_object_add(root, "breakingChanges", json_changes(m));
	json_object_object_add(root, "backfills", migplan__json_backfills(m));
	json_object_object_add(root, "viewsFlagged", migplan__json_notes(&m->views_flagged));
	json_object_object_add(root, "blockers", migplan__json_notes(&m->blockers));
	json_object_object_add(root, "openQuestions", migplan__json_notes(&m->questions));
	migplan__sb_reset(&text);
	migplan__sb_reset(&title);
	return migplan__json_finish(root, out);
}
