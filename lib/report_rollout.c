/* The rollout plan: the record a reviewer approves. What the plan does operation by operation,
 * what it destroys and on whose say-so, the backfills, rebuilds and version bumps, the edits,
 * the clean-up after stabilisation, blockers, unknowns and how realistic the rollback is. */
#include <string.h>

#include "report-private.h"

static const char *disp_name(migplan__op_disp d)
{
	switch (d) {
	case MIGPLAN__OP_EXPAND: return "first plan";
	case MIGPLAN__OP_CONTRACT: return "later plan (contract)";
	case MIGPLAN__OP_REPLACED: return "replaced by operator steps";
	}
	return "?";
}

static const char *change_kind_name(migplan__change_kind k)
{
	switch (k) {
	case MIGPLAN__CH_RENAME_COLUMN: return "column rename";
	case MIGPLAN__CH_TYPE_CHANGE: return "destructive type change";
	case MIGPLAN__CH_DROP_COLUMN: return "column drop";
	case MIGPLAN__CH_REBUILD: return "table rebuild";
	case MIGPLAN__CH_VERSION_BUMP: return "version bump";
	case MIGPLAN__CH_DROP_TABLE: return "table drop";
	case MIGPLAN__CH_DROP_VIEW: return "view drop";
	}
	return "?";
}

static const char *bf_kind_name(migplan__bf_kind k)
{
	switch (k) {
	case MIGPLAN__BF_COPY: return "copy";
	case MIGPLAN__BF_COLUMN: return "column";
	case MIGPLAN__BF_PLAN_SQL: return "plan-sql";
	case MIGPLAN__BF_MV_POPULATE: return "view-populate";
	}
	return "?";
}

/* ---------------------------------------------------------------- Markdown */

static void md_summary(migplan__sb *sb, const migplan__rmodel *m)
{
	size_t destructive = 0;
	for (size_t i = 0; i < m->op_count; i++)
		destructive += m->ops[i].destructive;
	migplan__sb_printf(sb, "## Summary\n\nThe plan has %zu operation%s, %zu of them destructive. ", m->op_count,
	                   m->op_count == 1 ? "" : "s", destructive);
	migplan__sb_printf(sb, "Migration type: %s. Blast radius: %s. ", m->migration_type, m->blast_radius);
	if (!m->go)
		migplan__sb_printf(sb, "**NO-GO: %zu blocker%s must be resolved first.** ", m->blockers.count,
		                   m->blockers.count == 1 ? "" : "s");
	if (m->changes.count)
		migplan__sb_printf(sb, "%zu breaking change%s expand/contract steps, so no data is lost before the "
		                   "contract. ", m->changes.count, m->changes.count == 1 ? " gets" : "s get");
	migplan__sb_printf(sb, "The rollout has %zu steps. Can we roll back: **%s**. %s\n\n", m->steps.count,
	                   migplan__rollback_name(m->rollback), m->rollback_why);
}

static void md_operations(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Operations\n\n");
	if (!m->op_count) {
		migplan__sb_puts(sb, "The plan has no operation.\n\n");
		return;
	}
	migplan__sb_puts(sb, "| # | Operation | Object | Category | Reversible | What is lost | In the rollout |\n"
	                 "|---|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan__rop *r = &m->ops[i];
		migplan__sb_printf(sb, "| %zu | %s | ", i, migplan_op_kind_name(migplan_op_kind_of(r->op)));
		migplan__md_cell(sb, r->object);
		migplan__sb_printf(sb, " | %s | %s | ", migplan_category_name(migplan_op_category(r->op)),
		                   migplan_op_reversible(r->op) ? "yes" : "no");
		migplan__md_cell(sb, r->lost);
		migplan__sb_printf(sb, " | %s", disp_name(r->disp));
		if (r->step)
			migplan__sb_printf(sb, ", step %zu", r->step->number);
		if (r->blocked)
			migplan__sb_puts(sb, ", **blocked**");
		migplan__sb_puts(sb, " |\n");
	}
	migplan__sb_putc(sb, '\n');
}

static void md_destructive(migplan__sb *sb, const migplan__rmodel *m)
{
	size_t n = 0;
	migplan__sb_puts(sb, "## Destructive operations\n\n");
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan__rop *r = &m->ops[i];
		if (!r->destructive)
			continue;
		n++;
		migplan__sb_printf(sb, "- Operation %zu, %s %s: %s.\n  Justification: ", i,
		                   migplan_op_kind_name(migplan_op_kind_of(r->op)), r->object,
		                   migplan_op_classification_reason(r->op));
		if (r->justification)
			migplan__sb_printf(sb, "\"%s\" (allow list).\n", r->justification);
		else
			migplan__sb_puts(sb, "**no justification given** (add an `allow` entry with a `reason` to "
			                 ".migplan.yaml).\n");
	}
	migplan__sb_puts(sb, n ? "\n" : "None.\n\n");
}

static void md_backfills(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_printf(sb, "## Backfills\n\nBackfill needed: **%s**.\n\n", m->backfills.count ? "yes" : "no");
	for (size_t i = 0; i < m->backfills.count; i++) {
		const migplan__rbackfill *b = m->backfills.items[i];
		migplan__sb_printf(sb, "- `%s`.`%s`: %s", b->database, b->target, b->what);
		if (b->step)
			migplan__sb_printf(sb, " (step %zu)", b->step->number);
		migplan__sb_puts(sb, ".\n\n  ```sql\n  ");
		for (const char *p = b->sql; *p; p++) {
			migplan__sb_putc(sb, *p);
			if (*p == '\n')
				migplan__sb_puts(sb, "  ");
		}
		migplan__sb_puts(sb, ";\n  ```\n\n");
	}
}

static void md_changes(migplan__sb *sb, const migplan__rmodel *m)
{
	size_t rebuilds = 0, bumps = 0;
	migplan__sb_puts(sb, "## Table rebuilds and version bumps\n\n");
	for (size_t i = 0; i < m->changes.count; i++) {
		const migplan__rchange *c = m->changes.items[i];
		if (c->kind != MIGPLAN__CH_REBUILD && c->kind != MIGPLAN__CH_VERSION_BUMP)
			continue;
		rebuilds += c->kind == MIGPLAN__CH_REBUILD;
		bumps += c->kind == MIGPLAN__CH_VERSION_BUMP;
		migplan__sb_printf(sb, "- %s: %s. Applied as plan.yaml writes it, %s. The rollout copies the rows "
		                   "instead (steps", change_kind_name(c->kind), c->title, c->why);
		for (size_t k = 0; k < c->steps.count; k++)
			migplan__sb_printf(sb, "%s %zu", k ? "," : "", ((migplan__rstep *)c->steps.items[k])->number);
		migplan__sb_puts(sb, ").\n");
	}
	if (!rebuilds && !bumps)
		migplan__sb_puts(sb, "None found.\n");
	migplan__sb_putc(sb, '\n');
}

static void md_edits(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Edits\n\nApplied to this plan (libmigplan rewrites found in it):\n\n");
	migplan__md_notes(sb, &m->edits_applied, "None.");
	migplan__sb_puts(sb, "Proposed and not applied (`migplan rewrite`):\n\n");
	migplan__md_notes(sb, &m->edits_proposed, "None.");
}

static void md_tables(migplan__sb *sb, const migplan__rmodel *m)
{
	migplan__sb_puts(sb, "## Tables\n\n| Table | Exists before | Roles | Rows | Read by |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		static const char *const roles[] = {"created", "dropped", "altered", "rebuilt", "backfilled", "read by views"};
		migplan__sb_printf(sb, "| `%s`.`%s` | %s | ", t->database, t->name, t->before ? "yes" : "no");
		int n = 0;
		for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++)
			if (t->roles & (1u << r))
				migplan__sb_printf(sb, "%s%s", n++ ? ", " : "", roles[r]);
		migplan__sb_puts(sb, " | ");
		if (t->have_stats)
			migplan__count(sb, t->rows);
		else
			migplan__sb_puts(sb, "unknown");
		migplan__sb_puts(sb, " | ");
		for (size_t v = 0; v < t->views.count; v++)
			migplan__sb_printf(sb, "%s%s", v ? ", " : "", (const char *)t->views.items[v]);
		migplan__sb_puts(sb, t->views.count ? " |\n" : "none |\n");
	}
	migplan__sb_putc(sb, '\n');
}

static migplan_status md(const migplan__rmodel *m, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__md_header(&sb, m, "Rollout plan");
	md_summary(&sb, m);
	md_operations(&sb, m);
	md_destructive(&sb, m);
	md_backfills(&sb, m);
	md_changes(&sb, m);
	md_edits(&sb, m);
	migplan__sb_puts(&sb, "## Clean-up after stabilisation\n\nOld tables, columns and temporary names that "
	                 "stay until the contract:\n\n");
	migplan__md_notes(&sb, &m->cleanup, "Nothing to clean up.");
	migplan__sb_puts(&sb, "## Blockers\n\n");
	migplan__md_notes(&sb, &m->blockers, "None.");
	migplan__sb_puts(&sb, "## Views and materialized views affected\n\n");
	migplan__md_notes(&sb, &m->views_flagged, "None found.");
	migplan__sb_puts(&sb, "## Unknowns\n\nNamed here rather than assumed:\n\n");
	migplan__md_notes(&sb, &m->unknowns, "None.");
	migplan__sb_printf(&sb, "## Rollback\n\nCan we roll back: **%s**. %s\n\nRollback complexity: %s. The "
	                   "verification checklist lists the rollback statements step by step.\n\n",
	                   migplan__rollback_name(m->rollback), m->rollback_why, m->rollback_complexity);
	md_tables(&sb, m);
	migplan__sb_puts(&sb, "## Rollout steps\n\n| Step | Phase | Who | What | Rollback |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		migplan__sb_printf(&sb, "| %zu | %s | %s | ", s->number, migplan__phase_title(s->phase),
		                   migplan__actor_name(s->actor));
		migplan__md_cell(&sb, s->title);
		migplan__sb_printf(&sb, " | %s |\n", migplan__rollback_name(s->rollback));
	}
	migplan__sb_puts(&sb, "\nThe phased plan and the checklist give each step's SQL.\n");
	return migplan__sb_finish(&sb, out);
}

/* ---------------------------------------------------------------- JSON */

static json_object *json_ops(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan__rop *r = &m->ops[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "index", json_object_new_int64((int64_t)i));
		json_object_object_add(o, "kind", migplan__json_str(migplan_op_kind_name(migplan_op_kind_of(r->op))));
		json_object_object_add(o, "object", migplan__json_str(r->object));
		json_object_object_add(o, "category", migplan__json_str(migplan_category_name(migplan_op_category(r->op))));
		json_object_object_add(o, "reversible", json_object_new_boolean(migplan_op_reversible(r->op)));
		json_object_object_add(o, "dataLoss", migplan__json_str(migplan_data_loss_name(migplan_op_data_loss(r->op))));
		json_object_object_add(o, "lost", migplan__json_str(r->lost));
		json_object_object_add(o, "reason", migplan__json_str(migplan_op_classification_reason(r->op)));
		json_object_object_add(o, "inverse", migplan__json_str(migplan_op_inverse_description(r->op)));
		json_object_object_add(o, "destructive", json_object_new_boolean(r->destructive));
		json_object_object_add(o, "justification", migplan__json_str(r->justification));
		json_object_object_add(o, "blocked", json_object_new_boolean(r->blocked));
		json_object_object_add(o, "rollout", json_object_new_string(disp_name(r->disp)));
		json_object_object_add(o, "step", r->step ? json_object_new_int64((int64_t)r->step->number) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *json_destructive(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan__rop *r = &m->ops[i];
		if (!r->destructive)
			continue;
		json_object *o = json_object_new_object();
		json_object_object_add(o, "operation", json_object_new_int64((int64_t)i));
		json_object_object_add(o, "reason", migplan__json_str(migplan_op_classification_reason(r->op)));
		json_object_object_add(o, "justification",
		                       json_object_new_string(r->justification ? r->justification : "no justification given"));
		json_object_object_add(o, "justified", json_object_new_boolean(r->justification != NULL));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *migplan__json_backfills(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->backfills.count; i++) {
		const migplan__rbackfill *b = m->backfills.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(bf_kind_name(b->kind)));
		json_object_object_add(o, "database", migplan__json_str(b->database));
		json_object_object_add(o, "source", migplan__json_str(b->source));
		json_object_object_add(o, "target", migplan__json_str(b->target));
		json_object_object_add(o, "column", migplan__json_str(b->column));
		json_object_object_add(o, "what", migplan__json_str(b->what));
		json_object_object_add(o, "operation", b->op >= 0 ? json_object_new_int64(b->op) : NULL);
		json_object_object_add(o, "step", b->step ? json_object_new_int64((int64_t)b->step->number) : NULL);
		json_object_object_add(o, "sql", migplan__json_str(b->sql));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *migplan__json_change(const migplan__rmodel *m, const migplan__rchange *c, int with_steps)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "kind", json_object_new_string(change_kind_name(c->kind)));
	json_object_object_add(o, "title", migplan__json_str(c->title));
	json_object_object_add(o, "database", migplan__json_str(c->database));
	json_object_object_add(o, "table", migplan__json_str(c->table));
	json_object_object_add(o, "column", migplan__json_str(c->column));
	json_object_object_add(o, "newName", migplan__json_str(c->new_name));
	json_object_object_add(o, "operation", json_object_new_int64((int64_t)migplan_op_index(c->op)));
	json_object_object_add(o, "whyNotAtOnce", migplan__json_str(c->why));
	json_object_object_add(o, "justification", migplan__json_str(c->justification));
	json_object_object_add(o, "lossAudit", migplan__json_str(c->loss_q ? c->loss_q->id : NULL));
	if (with_steps) {
		json_object_object_add(o, "timeline", migplan__json_steps(m, &c->steps));
	} else {
		json_object *steps = json_object_new_array();
		for (size_t i = 0; i < c->steps.count; i++)
			json_object_array_add(steps, json_object_new_int64((int64_t)((migplan__rstep *)c->steps.items[i])->number));
		json_object_object_add(o, "steps", steps);
	}
	return o;
}

const char *migplan__change_kind_name(migplan__change_kind k)
{
	return change_kind_name(k);
}

static json_object *json_changes_of(const migplan__rmodel *m, int rebuild)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->changes.count; i++) {
		const migplan__rchange *c = m->changes.items[i];
		if ((rebuild && c->kind == MIGPLAN__CH_REBUILD) || (!rebuild && c->kind == MIGPLAN__CH_VERSION_BUMP))
			json_object_array_add(a, migplan__json_change(m, c, 0));
	}
	return a;
}

static json_object *json_tables(const migplan__rmodel *m)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < m->tables.count; i++)
		json_object_array_add(a, migplan__json_table(m->tables.items[i]));
	return a;
}

static migplan_status json(const migplan__rmodel *m, char **out)
{
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_ROLLOUT), *edits = json_object_new_object();
	json_object *rb = json_object_new_object(), *steps = json_object_new_array();
	json_object_object_add(root, "migrationType", json_object_new_string(m->migration_type));
	json_object_object_add(root, "blastRadius", migplan__json_str(m->blast_radius));
	json_object_object_add(root, "operations", json_ops(m));
	json_object_object_add(root, "destructive", json_destructive(m));
	json_object_object_add(root, "backfillNeeded", json_object_new_boolean(m->backfills.count > 0));
	json_object_object_add(root, "backfills", migplan__json_backfills(m));
	json_object_object_add(root, "rebuilds", json_changes_of(m, 1));
	json_object_object_add(root, "versionBumps", json_changes_of(m, 0));
	json_object_object_add(edits, "applied", migplan__json_notes(&m->edits_applied));
	json_object_object_add(edits, "proposed", migplan__json_notes(&m->edits_proposed));
	json_object_object_add(root, "edits", edits);
	json_object_object_add(root, "cleanup", migplan__json_notes(&m->cleanup));
	json_object_object_add(root, "blockers", migplan__json_notes(&m->blockers));
	json_object_object_add(root, "viewsFlagged", migplan__json_notes(&m->views_flagged));
	json_object_object_add(root, "unknowns", migplan__json_notes(&m->unknowns));
	json_object_object_add(rb, "possible", json_object_new_string(migplan__rollback_name(m->rollback)));
	json_object_object_add(rb, "why", migplan__json_str(m->rollback_why));
	json_object_object_add(rb, "complexity", migplan__json_str(m->rollback_complexity));
	json_object_object_add(root, "rollback", rb);
	json_object_object_add(root, "tables", json_tables(m));
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "number", json_object_new_int64((int64_t)s->number));
		json_object_object_add(o, "phase", json_object_new_string(migplan__phase_name(s->phase)));
		json_object_object_add(o, "actor", json_object_new_string(migplan__actor_name(s->actor)));
		json_object_object_add(o, "title", migplan__json_str(s->title));
		json_object_object_add(o, "rollback", json_object_new_string(migplan__rollback_name(s->rollback)));
		json_object_array_add(steps, o);
	}
	json_object_object_add(root, "steps", steps);
	return migplan__json_finish(root, out);
}

migplan_status migplan__render_rollout(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	return f == MIGPLAN_FORMAT_JSON ? json(m, out) : md(m, out);
}
