/* What every report renders the same way: the Markdown header, statements and steps, and the
 * JSON envelope and objects documented in include/migplan/report.h. */
#include <string.h>

#include "migplan/version.h"

#include "report-private.h"

/* ---------------------------------------------------------------- Markdown */

void migplan__md_cell(migplan__sb *sb, const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p == '|')
			migplan__sb_puts(sb, "\\|");
		else if (*p == '\n')
			migplan__sb_puts(sb, "<br>");
		else if (*p == '\t')
			migplan__sb_putc(sb, ' ');
		else
			migplan__sb_putc(sb, *p);
	}
}

/* Inline code: the fence is one backtick longer than the longest run inside. */
void migplan__md_code(migplan__sb *sb, const char *text)
{
	size_t run = 0, longest = 0;
	const char *t = text ? text : "";
	for (const char *p = t; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (size_t i = 0; i <= longest; i++)
		migplan__sb_putc(sb, '`');
	if (longest || t[0] == '`')
		migplan__sb_putc(sb, ' ');
	migplan__sb_puts(sb, t);
	if (longest || (*t && t[strlen(t) - 1] == '`'))
		migplan__sb_putc(sb, ' ');
	for (size_t i = 0; i <= longest; i++)
		migplan__sb_putc(sb, '`');
}

/* Tabs of a multi-column expectation read as spaces in prose (only the text from @p from on). */
static void untab(migplan__sb *sb, size_t from)
{
	for (size_t i = from; i < sb->len; i++)
		if (sb->ptr[i] == '\t')
			sb->ptr[i] = ' ';
}

static void md_expect(migplan__sb *sb, const migplan__rsql *q)
{
	if (q->baseline) {
		migplan__sb_printf(sb, " Expected: the same result as **%s**.", q->baseline->id);
		return;
	}
	if (q->expect_tsv && strchr(q->expect_tsv, '\n') == NULL) {
		size_t from = sb->len;
		if (*q->expect_tsv)
			migplan__sb_printf(sb, " Expected: `%s`", q->expect_tsv);
		else
			migplan__sb_puts(sb, " Expected: no rows");
		untab(sb, from);
		if (q->expect && strcmp(q->expect, q->expect_tsv) != 0 && (*q->expect_tsv || strcmp(q->expect, "no rows") != 0))
			migplan__sb_printf(sb, " (%s).", q->expect);
		else
			migplan__sb_putc(sb, '.');
		return;
	}
	if (q->expect)
		migplan__sb_printf(sb, " Expected: %s.", q->expect);
}

void migplan__md_sql(migplan__sb *sb, const migplan__rsql *q)
{
	migplan__sb_printf(sb, "**%s** (%s%s): %s.", q->id ? q->id : "?", migplan__stage_name(q->stage),
	                   q->read_only ? ", read-only" : "", q->purpose);
	if (q->expect_tsv && strchr(q->expect_tsv, '\n')) {
		migplan__sb_puts(sb, " Expected result:\n\n```\n");
		migplan__sb_puts(sb, q->expect_tsv);
		migplan__sb_puts(sb, "\n```\n");
		if (q->params[0] == NULL) {
			migplan__sb_puts(sb, "\n```sql\n");
			migplan__sb_puts(sb, q->sql);
			migplan__sb_puts(sb, ";\n```\n\n");
			return;
		}
	} else {
		md_expect(sb, q);
	}
	if (q->params[0]) {
		migplan__sb_puts(sb, " Parameters");
		for (int i = 0; i < 3 && q->params[i]; i++)
			migplan__sb_printf(sb, "%s`%s`", i ? ", " : " ", q->params[i]);
		migplan__sb_printf(sb, " from each row of **%s** (as its TSV output prints them).",
		                   q->params_from ? q->params_from->id : "?");
	}
	migplan__sb_puts(sb, "\n\n```sql\n");
	migplan__sb_puts(sb, q->sql);
	migplan__sb_puts(sb, ";\n```\n\n");
}

void migplan__md_sql_list(migplan__sb *sb, const migplan__rvec *v)
{
	for (size_t i = 0; i < v->count; i++)
		migplan__md_sql(sb, v->items[i]);
}

static void md_list_title(migplan__sb *sb, const char *title, const migplan__rvec *v)
{
	if (!v->count)
		return;
	migplan__sb_printf(sb, "%s\n\n", title);
	migplan__md_sql_list(sb, v);
}

static const char *actor_text(migplan__actor a)
{
	switch (a) {
	case MIGPLAN__ACT_MOOSE: return "deployment (`moose migrate`)";
	case MIGPLAN__ACT_OPERATOR: return "operator (clickhouse-client)";
	case MIGPLAN__ACT_APP: return "application release";
	case MIGPLAN__ACT_WAIT: return "wait and watch";
	}
	return "?";
}

static void md_batching(migplan__sb *sb, const migplan__batching *b)
{
	if (!b)
		return;
	switch (b->by) {
	case MIGPLAN__BATCH_PARTITION:
		migplan__sb_printf(sb, "- Batches: one per partition (`PARTITION BY %s`).\n", b->partition_by);
		break;
	case MIGPLAN__BATCH_RANGE:
		migplan__sb_printf(sb, "- Batches: ranges of the first ORDER BY column `%s` (%s), about ", b->column,
		                   b->column_type);
		migplan__count(sb, b->batch_rows);
		migplan__sb_puts(sb, " rows each.\n");
		break;
	case MIGPLAN__BATCH_SINGLE:
		migplan__sb_puts(sb, "- Batches: one (the table has no PARTITION BY and no ORDER BY column to split on).\n");
		break;
	}
}

void migplan__md_step(migplan__sb *sb, const migplan__rmodel *m, const migplan__rstep *s, unsigned flags)
{
	size_t from = sb->len;
	migplan__sb_printf(sb, "### Step %zu. %s\n\n", s->number, s->title);
	migplan__sb_printf(sb, "- Phase: %s. Who: %s.\n", migplan__phase_title(s->phase), actor_text(s->actor));
	if (s->op_count) {
		migplan__sb_puts(sb, "- Plan operations:");
		for (size_t i = 0; i < s->op_count; i++) {
			const migplan__rop *r = &m->ops[s->ops[i]];
			migplan__sb_printf(sb, "%s %zu (%s %s)", i ? "," : "", s->ops[i],
			                   migplan_op_kind_name(migplan_op_kind_of(r->op)), r->object);
		}
		migplan__sb_puts(sb, ".\n");
	}
	migplan__sb_puts(sb, "- Estimated duration: ");
	migplan__duration(sb, s->est_seconds);
	if (s->est_basis)
		migplan__sb_printf(sb, " (%s)", s->est_basis);
	migplan__sb_puts(sb, ".\n");
	md_batching(sb, s->batching);
	if (s->gate)
		migplan__sb_printf(sb, "- Go only when **%s** returns `%s`.\n", s->gate->id, s->gate->expect_tsv ? s->gate->expect_tsv : "?");
	if (s->point_of_no_return)
		migplan__sb_puts(sb, "- **Point of no return**: after this step the old data cannot be brought back.\n");
	untab(sb, from);
	if (s->detail)
		migplan__sb_printf(sb, "\n%s\n", s->detail);
	migplan__sb_putc(sb, '\n');
	if (s->phase != MIGPLAN__PH_PREFLIGHT) {
		md_list_title(sb, "Batches to run:", &s->prepare);
		md_list_title(sb, "Run:", &s->sql);
		md_list_title(sb, "Check:", &s->checks);
		md_list_title(sb, "Progress:", &s->progress);
	} else if (flags & MIGPLAN__MD_AUDITS_ELSEWHERE) {
		migplan__sb_printf(sb, "The %zu audits are listed in the section \"Before: read-only audits\".\n\n",
		                   s->checks.count);
	} else {
		md_list_title(sb, "Audits:", &s->checks);
	}
	if (!(flags & MIGPLAN__MD_ROLLBACK))
		return;
	migplan__sb_printf(sb, "Rollback: **%s**", migplan__rollback_name(s->rollback));
	if (s->rollback_why)
		migplan__sb_printf(sb, " (%s)", s->rollback_why);
	migplan__sb_puts(sb, s->rollback_sql.count ? ". Run:\n\n" : ".\n\n");
	migplan__md_sql_list(sb, &s->rollback_sql);
}

void migplan__md_header(migplan__sb *sb, const migplan__rmodel *m, const char *title)
{
	const char *created = migplan_plan_created_at(m->plan);
	migplan__sb_printf(sb, "# %s\n\n", title);
	migplan__sb_puts(sb, "| | |\n|---|---|\n");
	migplan__sb_puts(sb, "| Plan | ");
	migplan__md_cell(sb, migplan_plan_path(m->plan));
	migplan__sb_puts(sb, " |\n| Created | ");
	migplan__md_cell(sb, created ? created : "unknown");
	migplan__sb_puts(sb, " |\n| Target deployment | ");
	migplan__md_cell(sb, m->target_id ? m->target_id : "unknown (not given: see Unknowns)");
	migplan__sb_printf(sb, " |\n| Default database | `%s` |\n", m->default_db);
	migplan__sb_printf(sb, "| Change type | %s |\n", migplan_change_type_name(m->change_type));
	migplan__sb_printf(sb, "| Decision | **%s** |\n", m->go ? "GO" : "NO-GO");
	migplan__sb_printf(sb, "| Generated by | libmigplan %s |\n\n", migplan_version_string());
}

/* The notes as a Markdown list, each with its operation and reference; with @p details, each
 * note's detail follows, indented into its item. @p none stands alone when there are none. */
static void md_note_list(migplan__sb *sb, const migplan__rvec *notes, const char *none, int details)
{
	if (!notes->count) {
		migplan__sb_printf(sb, "%s\n\n", none);
		return;
	}
	for (size_t i = 0; i < notes->count; i++) {
		const migplan__rnote *n = notes->items[i];
		migplan__sb_puts(sb, "- ");
		if (n->op >= 0)
			migplan__sb_printf(sb, "Operation %ld: ", n->op);
		migplan__sb_puts(sb, n->text);
		if (n->ref)
			migplan__sb_printf(sb, " (`%s`)", n->ref);
		if (details && n->detail) {
			migplan__sb_puts(sb, "\n  ");
			for (const char *p = n->detail; *p; p++) {
				migplan__sb_putc(sb, *p);
				if (*p == '\n')
					migplan__sb_puts(sb, "  ");
			}
		}
		migplan__sb_putc(sb, '\n');
	}
	migplan__sb_putc(sb, '\n');
}

void migplan__md_notes_brief(migplan__sb *sb, const migplan__rvec *notes, const char *none)
{
	md_note_list(sb, notes, none, 0);
}

void migplan__md_notes(migplan__sb *sb, const migplan__rvec *notes, const char *none)
{
	md_note_list(sb, notes, none, 1);
}

/* ---------------------------------------------------------------- JSON */

json_object *migplan__json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *migplan__json_envelope(const migplan__rmodel *m, migplan_report_kind kind)
{
	json_object *root = json_object_new_object(), *plan = json_object_new_object();
	json_object_object_add(root, "schemaVersion", json_object_new_int(MIGPLAN_REPORT_SCHEMA_VERSION));
	json_object_object_add(root, "report", migplan__json_str(migplan_report_kind_name(kind)));
	json_object_object_add(root, "generator", json_object_new_string("libmigplan " MIGPLAN_VERSION_STRING));
	json_object_object_add(plan, "path", migplan__json_str(migplan_plan_path(m->plan)));
	json_object_object_add(plan, "createdAt", migplan__json_str(migplan_plan_created_at(m->plan)));
	json_object_object_add(plan, "defaultDatabase", migplan__json_str(m->default_db));
	json_object_object_add(plan, "changeType", migplan__json_str(migplan_change_type_name(m->change_type)));
	json_object_object_add(plan, "operationCount", json_object_new_int64((int64_t)m->op_count));
	json_object_object_add(plan, "targetDeployment", migplan__json_str(m->target_id));
	json_object_object_add(root, "plan", plan);
	json_object_object_add(root, "decision", json_object_new_string(m->go ? "go" : "no-go"));
	return root;
}

json_object *migplan__json_sql(const migplan__rsql *q)
{
	json_object *o = json_object_new_object(), *params = json_object_new_array();
	json_object_object_add(o, "id", migplan__json_str(q->id));
	json_object_object_add(o, "stage", migplan__json_str(migplan__stage_name(q->stage)));
	json_object_object_add(o, "readOnly", json_object_new_boolean(q->read_only));
	json_object_object_add(o, "purpose", migplan__json_str(q->purpose));
	json_object_object_add(o, "sql", migplan__json_str(q->sql));
	json_object_object_add(o, "expect", migplan__json_str(q->expect));
	json_object_object_add(o, "expectTsv", migplan__json_str(q->expect_tsv));
	json_object_object_add(o, "equalsBaseline", migplan__json_str(q->baseline ? q->baseline->id : NULL));
	for (int i = 0; i < 3 && q->params[i]; i++)
		json_object_array_add(params, json_object_new_string(q->params[i]));
	json_object_object_add(o, "parameters", params);
	json_object_object_add(o, "parametersFrom", migplan__json_str(q->params_from ? q->params_from->id : NULL));
	return o;
}

json_object *migplan__json_sql_list(const migplan__rvec *v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->count; i++)
		json_object_array_add(a, migplan__json_sql(v->items[i]));
	return a;
}

static json_object *json_batching(const migplan__batching *b)
{
	static const char *const by[] = {"single", "partition", "range"};
	if (!b)
		return NULL;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "by", json_object_new_string(by[b->by]));
	json_object_object_add(o, "column", migplan__json_str(b->column));
	json_object_object_add(o, "columnType", migplan__json_str(b->column_type));
	json_object_object_add(o, "partitionBy", migplan__json_str(b->partition_by));
	json_object_object_add(o, "batchRows", b->by == MIGPLAN__BATCH_RANGE ? json_object_new_int64((int64_t)b->batch_rows) : NULL);
	return o;
}

json_object *migplan__json_step(const migplan__rmodel *m, const migplan__rstep *s)
{
	json_object *o = json_object_new_object(), *ops = json_object_new_array(), *rb = json_object_new_object();
	json_object_object_add(o, "number", json_object_new_int64((int64_t)s->number));
	json_object_object_add(o, "phase", json_object_new_string(migplan__phase_name(s->phase)));
	json_object_object_add(o, "actor", json_object_new_string(migplan__actor_name(s->actor)));
	json_object_object_add(o, "title", migplan__json_str(s->title));
	json_object_object_add(o, "detail", migplan__json_str(s->detail));
	for (size_t i = 0; i < s->op_count; i++)
		json_object_array_add(ops, json_object_new_int64((int64_t)s->ops[i]));
	json_object_object_add(o, "operations", ops);
	json_object_object_add(o, "prepare", migplan__json_sql_list(&s->prepare));
	json_object_object_add(o, "sql", migplan__json_sql_list(&s->sql));
	json_object_object_add(o, "checks", migplan__json_sql_list(&s->checks));
	json_object_object_add(o, "progress", migplan__json_sql_list(&s->progress));
	if (s->gate) {
		json_object *g = json_object_new_object();
		json_object_object_add(g, "check", migplan__json_str(s->gate->id));
		json_object_object_add(g, "expect", migplan__json_str(s->gate->expect_tsv));
		json_object_object_add(o, "gate", g);
	} else {
		json_object_object_add(o, "gate", NULL);
	}
	json_object_object_add(rb, "possible", json_object_new_string(migplan__rollback_name(s->rollback)));
	json_object_object_add(rb, "why", migplan__json_str(s->rollback_why));
	json_object_object_add(rb, "sql", migplan__json_sql_list(&s->rollback_sql));
	json_object_object_add(o, "rollback", rb);
	json_object_object_add(o, "batching", json_batching(s->batching));
	json_object_object_add(o, "estimatedSeconds", s->est_seconds < 0 ? NULL : json_object_new_double(s->est_seconds));
	json_object_object_add(o, "estimateBasis", migplan__json_str(s->est_basis));
	json_object_object_add(o, "pointOfNoReturn", json_object_new_boolean(s->point_of_no_return));
	(void)m;
	return o;
}

json_object *migplan__json_steps(const migplan__rmodel *m, const migplan__rvec *steps)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < steps->count; i++)
		json_object_array_add(a, migplan__json_step(m, steps->items[i]));
	return a;
}

json_object *migplan__json_notes(const migplan__rvec *notes)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < notes->count; i++) {
		const migplan__rnote *n = notes->items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "text", migplan__json_str(n->text));
		json_object_object_add(o, "detail", migplan__json_str(n->detail));
		json_object_object_add(o, "ref", migplan__json_str(n->ref));
		json_object_object_add(o, "operation", n->op >= 0 ? json_object_new_int64(n->op) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

json_object *migplan__json_table(const migplan__rtable *t)
{
	static const char *const roles[] = {"created", "dropped", "altered", "rebuilt", "backfilled", "read-by-views"};
	json_object *o = json_object_new_object(), *r = json_object_new_array(), *v = json_object_new_array();
	json_object_object_add(o, "database", migplan__json_str(t->database));
	json_object_object_add(o, "name", migplan__json_str(t->name));
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (t->roles & (1u << i))
			json_object_array_add(r, json_object_new_string(roles[i]));
	json_object_object_add(o, "roles", r);
	json_object_object_add(o, "existsBefore", json_object_new_boolean(t->before != NULL));
	json_object_object_add(o, "rows", t->have_stats ? json_object_new_int64((int64_t)t->rows) : NULL);
	json_object_object_add(o, "bytes", t->have_stats ? json_object_new_int64((int64_t)t->bytes) : NULL);
	for (size_t i = 0; i < t->views.count; i++)
		json_object_array_add(v, json_object_new_string(t->views.items[i]));
	json_object_object_add(o, "readBy", v);
	json_object_object_add(o, "baseline", migplan__json_str(t->count_q ? t->count_q->id : NULL));
	json_object_object_add(o, "after", migplan__json_str(t->final_name));
	return o;
}

migplan_status migplan__json_finish(json_object *root, char **out)
{
	*out = NULL;
	if (!root)
		return migplan__error_oom();
	const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (s) {
		migplan__sb_puts(&sb, s);
		migplan__sb_putc(&sb, '\n');
	} else {
		sb.failed = 1;
	}
	json_object_put(root);
	return migplan__sb_finish(&sb, out);
}
