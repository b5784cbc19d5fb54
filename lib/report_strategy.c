/* The expand/contract strategy: for every breaking change (column rename, destructive type
 * change, column drop, table rebuild, table and view drops), a numbered timeline of database
 * changes next to application releases, each with its SQL and its rollback path, and the
 * guardrails that make each step safe on ClickHouse. Default files:
 * docs/database-report/migration-strategist-report.md and migration-strategist-output.json. */
#include <stdlib.h>
#include <string.h>

#include "report-private.h"

static const char *const guardrails[][2] = {
	{"New columns are nullable or carry a DEFAULT",
	 "ADD COLUMN in ClickHouse only changes metadata: existing parts are not rewritten, and old rows "
	 "read NULL or the DEFAULT expression until a backfill stores a value."},
	{"Backfills are mutations run one batch at a time and waited for",
	 "Each ALTER ... UPDATE runs with mutations_sync = 2 and a WHERE that skips rows already done, so "
	 "the batch list is the checkpoint and a failed batch is simply run again."},
	{"Casts are explicit",
	 "Values are converted with CAST or accurateCastOrNull, never by an implicit MODIFY COLUMN: a value "
	 "the new type cannot hold becomes NULL and is counted, instead of wrapping silently."},
	{"Constraints last",
	 "A column loses Nullable (or gets a stricter type) only after the checks prove every row has a "
	 "valid value; the MODIFY COLUMN that does it is the last change to the column."},
	{"Tables are swapped with EXCHANGE TABLES, not RENAME",
	 "EXCHANGE swaps two tables atomically and keeps their names, so materialized views reading the "
	 "table keep reading it; RENAME would move their dependency to the old table."},
	{"Drops wait for the contract",
	 "Nothing is dropped before the application has stopped using it and the stabilisation window "
	 "passed: until then every step can be undone."},
	{"Replaced operations must not run from plan.yaml",
	 "Moose applies plan.yaml blindly: remove the operations these steps replace (or generate the plan "
	 "again after the steps ran, so Moose sees the new schema)."},
};

#define GUARDRAIL_COUNT (sizeof(guardrails) / sizeof(guardrails[0]))

/* "S9.1, S9.2" or, for a long list, "S9.1 ... S9.40 (40 statements)". */
static void id_list(migplan__sb *sb, const migplan__rvec *v, const char *sep)
{
	if (v->count > 4) {
		migplan__sb_printf(sb, "%s ... %s (%zu statements)", ((migplan__rsql *)v->items[0])->id,
		                   ((migplan__rsql *)v->items[v->count - 1])->id, v->count);
		return;
	}
	for (size_t k = 0; k < v->count; k++)
		migplan__sb_printf(sb, "%s%s", k ? sep : "", ((migplan__rsql *)v->items[k])->id);
}

static void md_rollback_path(migplan__sb *sb, const migplan__rstep *s)
{
	migplan__sb_puts(sb, migplan__rollback_name(s->rollback));
	if (s->rollback_sql.count) {
		migplan__sb_puts(sb, ": ");
		id_list(sb, &s->rollback_sql, " ");
	} else if (s->actor == MIGPLAN__ACT_APP) {
		migplan__sb_puts(sb, ": redeploy the previous version");
	}
}

static void md_timeline(migplan__sb *sb, const migplan__rvec *steps)
{
	migplan__sb_puts(sb, "| # | Step | Phase | Database change | Application release | Rollback path |\n"
	                 "|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < steps->count; i++) {
		const migplan__rstep *s = steps->items[i];
		int app = s->actor == MIGPLAN__ACT_APP || s->actor == MIGPLAN__ACT_WAIT;
		migplan__sb_printf(sb, "| %zu | %zu | %s | ", i + 1, s->number, migplan__phase_title(s->phase));
		if (app) {
			migplan__sb_puts(sb, "- | ");
			migplan__md_cell(sb, s->title);
		} else {
			migplan__md_cell(sb, s->title);
			if (s->sql.count) {
				migplan__sb_puts(sb, " (");
				id_list(sb, &s->sql, ", ");
				migplan__sb_putc(sb, ')');
			}
			migplan__sb_puts(sb, " | -");
		}
		migplan__sb_puts(sb, " | ");
		md_rollback_path(sb, s);
		migplan__sb_puts(sb, " |\n");
	}
	migplan__sb_putc(sb, '\n');
}

/* A step shared by several changes (one contract plan, one release) is written out once. */
static void md_change(migplan__sb *sb, const migplan__rmodel *m, size_t i, unsigned char *shown)
{
	const migplan__rchange *c = m->changes.items[i];
	migplan__sb_printf(sb, "### %zu. %s\n\n", i + 1, c->title);
	migplan__sb_printf(sb, "- Kind: %s (operation %zu).\n- Applied at once: %s.\n", migplan__change_kind_name(c->kind),
	                   migplan_op_index(c->op), c->why);
	if (c->justification)
		migplan__sb_printf(sb, "- Justification (allow list): \"%s\".\n", c->justification);
	else
		migplan__sb_puts(sb, "- Justification: no justification given.\n");
	if (c->loss_q)
		migplan__sb_printf(sb, "- What is at stake: preflight audit **%s**.\n", c->loss_q->id);
	migplan__sb_puts(sb, "\n");
	md_timeline(sb, &c->steps);
	for (size_t k = 0; k < c->steps.count; k++) {
		const migplan__rstep *s = c->steps.items[k];
		if (shown[s->number]) {
			migplan__sb_printf(sb, "### Step %zu. %s\n\nShared with an earlier change: see step %zu above.\n\n",
			                   s->number, s->title, s->number);
			continue;
		}
		shown[s->number] = 1;
		migplan__md_step(sb, m, s, MIGPLAN__MD_ROLLBACK);
	}
}

static migplan_status md(const migplan__rmodel *m, char **out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__md_header(&sb, m, "Expand/contract strategy");
	if (!m->changes.count)
		migplan__sb_puts(&sb, "No breaking change: nothing is renamed, converted with loss, dropped or rebuilt, "
		                 "so the plan ships as one deployment (see the rollout timeline below).\n\n");
	else
		migplan__sb_printf(&sb, "%zu breaking change%s. Each ships in steps: expand (add beside), backfill, "
		                   "validate, cutover (switch, reversibly), stabilise, contract (drop, after which there "
		                   "is no way back). Database changes and application releases alternate as the "
		                   "timelines show.\n\n", m->changes.count, m->changes.count == 1 ? "" : "s");
	if (!m->go)
		migplan__sb_printf(&sb, "**NO-GO**: %zu blocker%s (see the rollout plan) must be resolved before any "
		                   "step.\n\n", m->blockers.count, m->blockers.count == 1 ? "" : "s");
	migplan__sb_puts(&sb, "## Breaking changes\n\n");
	if (!m->changes.count)
		migplan__sb_puts(&sb, "None.\n\n");
	unsigned char *shown = calloc(m->steps.count + 2, 1);
	if (!shown)
		return migplan__error_oom();
	for (size_t i = 0; i < m->changes.count; i++)
		md_change(&sb, m, i, shown);
	free(shown);
	migplan__sb_puts(&sb, "## Guardrails (ClickHouse)\n\n");
	for (size_t i = 0; i < GUARDRAIL_COUNT; i++)
		migplan__sb_printf(&sb, "%zu. **%s.** %s\n", i + 1, guardrails[i][0], guardrails[i][1]);
	migplan__sb_puts(&sb, "\n## Whole timeline\n\n");
	md_timeline(&sb, &m->steps);
	return migplan__sb_finish(&sb, out);
}

static migplan_status json(const migplan__rmodel *m, char **out)
{
	json_object *root = migplan__json_envelope(m, MIGPLAN_REPORT_STRATEGY);
	json_object *changes = json_object_new_array(), *g = json_object_new_array(), *tl = json_object_new_array();
	for (size_t i = 0; i < m->changes.count; i++) {
		/* a step shared by several changes (one contract plan, one release) is in "steps" once */
		json_object *c = migplan__json_change(m, m->changes.items[i], 0);
		json_object_object_add(c, "number", json_object_new_int64((int64_t)i + 1));
		json_object_array_add(changes, c);
	}
	json_object_object_add(root, "changes", changes);
	for (size_t i = 0; i < GUARDRAIL_COUNT; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "rule", json_object_new_string(guardrails[i][0]));
		json_object_object_add(o, "why", json_object_new_string(guardrails[i][1]));
		json_object_array_add(g, o);
	}
	json_object_object_add(root, "guardrails", g);
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "step", json_object_new_int64((int64_t)s->number));
		json_object_object_add(o, "phase", json_object_new_string(migplan__phase_name(s->phase)));
		json_object_object_add(o, "actor", json_object_new_string(migplan__actor_name(s->actor)));
		json_object_object_add(o, "title", migplan__json_str(s->title));
		json_object_object_add(o, "change", s->change >= 0 ? json_object_new_int64(s->change + 1) : NULL);
		json_object_object_add(o, "rollback", json_object_new_string(migplan__rollback_name(s->rollback)));
		json_object_array_add(tl, o);
	}
	json_object_object_add(root, "timeline", tl);
	json_object_object_add(root, "steps", migplan__json_steps(m, &m->steps));
	return migplan__json_finish(root, out);
}

migplan_status migplan__render_strategy(const migplan__rmodel *m, migplan_report_format f, char **out)
{
	return f == MIGPLAN_FORMAT_JSON ? json(m, out) : md(m, out);
}
