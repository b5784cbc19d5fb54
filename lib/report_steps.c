/* The rollout: the plan's operations and the expand/contract steps of every breaking change,
 * in phases, each step with its SQL, its checks, its progress queries and its rollback.
 *
 * Steps are created phase by phase, so their order is the order to run them:
 *   preflight  read-only audits (report_audit.c made them)
 *   expand     the first plan (additive operations, run by `moose migrate`), then the shadow
 *              columns and tables of the breaking changes
 *   backfill   copies and conversions, in resumable batches
 *   validate   the copies are complete
 *   cutover    table swaps and column swaps, then the application release of the new model
 *   stabilise  24 hours of observation, rollback still possible
 *   contract   the drops (a later plan) and the removal of old columns and tables
 * A breaking change never loses data before the contract; every step before it can be undone
 * by its rollback statements, run in reverse step order.
 *
 * This file holds the plan's own operations (the Moose steps and their inverses), the batching,
 * the application releases and the order of it all; report_copy.c builds the steps of rebuilds
 * and version bumps, report_column.c those of type changes and renames. */
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/ddl.h"
#include "migplan/typechange.h"

#include "report-private.h"
#include "sqlscan.h"

/* Throughput assumptions of the estimates, stated in every migplan__restimate's basis. */
#define BATCH_BYTES (1024.0 * 1024 * 1024)
#define DEFAULT_BATCH_ROWS 1000000ull

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static migplan__rchange *change_at(migplan__rmodel *m, size_t i)
{
	return m->changes.items[i];
}

migplan__rsql *migplan__radd(migplan__rmodel *m, migplan__rstep *s, migplan__rvec *list,
                              migplan__rstage stage, const char *purpose, migplan__sb *sb)
{
	migplan__rsql *q = migplan__rsql_new(m, stage, purpose, migplan__rsb(m, sb));
	migplan__rstep_add(m, s, list, q);
	return q;
}

/* "ALTER TABLE `db`.`t` " */
void migplan__ralter(migplan__sb *sb, const char *db, const char *t)
{
	migplan__sb_puts(sb, "ALTER TABLE ");
	migplan__sb_qualified(sb, db, t);
	migplan__sb_putc(sb, ' ');
}

void migplan__restimate(migplan__rmodel *m, migplan__rstep *s, const migplan__rtable *t, double rate,
                     double share, const char *what)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (!t || !t->have_stats) {
		s->est_seconds = -1;
		s->est_basis = migplan__rfmt(m, "unknown: the size of %s is not given (preflight measures it)",
		                             t ? migplan__qname(m, t->database, t->name) : "the table");
		return;
	}
	s->est_seconds = (double)t->bytes * share / rate;
	migplan__bytes(&sb, (uint64_t)((double)t->bytes * share));
	migplan__sb_printf(&sb, " %s at %.0f MB/s (a conservative single-node rate: time the first batch "
	                   "and scale)", what, rate / 1e6);
	s->est_basis = migplan__rsb(m, &sb);
}

void migplan__rinstant(migplan__rmodel *m, migplan__rstep *s)
{
	s->est_seconds = 1;
	s->est_basis = "metadata only: no part is rewritten";
	(void)m;
}

/* ---------------------------------------------------------------- columns and types */

const migplan_column *migplan__rcolumn(const migplan_table *t, const char *name)
{
	return t ? migplan_table_column_find(t, name) : NULL;
}

/* The column before @p name in @p t ("FIRST" when it is the first). */
void migplan__rafter(migplan__sb *sb, const migplan_table *t, const char *name)
{
	const migplan_column *prev = NULL;
	for (size_t i = 0; t && i < migplan_table_column_count(t); i++) {
		const migplan_column *c = migplan_table_column_at(t, i);
		if (str_eq(migplan_column_name(c), name))
			break;
		prev = c;
	}
	if (prev) {
		migplan__sb_puts(sb, " AFTER ");
		migplan__sb_ident(sb, migplan_column_name(prev));
	} else {
		migplan__sb_puts(sb, " FIRST");
	}
}

int migplan__cause_fails(migplan_change_cause c)
{
	switch (c) {
	case MIGPLAN_CAUSE_NARROWING:
	case MIGPLAN_CAUSE_SIGN_CHANGE:
	case MIGPLAN_CAUSE_FAMILY_CHANGE:
	case MIGPLAN_CAUSE_PARSE_FAILURE:
	case MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED:
	case MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED:
	case MIGPLAN_CAUSE_RANGE_CHANGE:
	case MIGPLAN_CAUSE_UNKNOWN_PAIR:
	case MIGPLAN_CAUSE_NOT_ALLOWED:
		return 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- batching */

const migplan__batching *migplan__rbatching(migplan__rmodel *m, const migplan_table *t,
                                             const migplan__rtable *rt)
{
	migplan__batching *b = migplan__arena_zalloc(&m->arena, sizeof(*b));
	if (!b) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	b->batch_rows = DEFAULT_BATCH_ROWS;
	if (rt && rt->have_stats && rt->bytes && rt->rows) {
		double rows = (double)rt->rows * BATCH_BYTES / (double)rt->bytes;
		b->batch_rows = rows < 1000 ? 1000 : (uint64_t)rows;
	}
	if (t && migplan_table_partition_by(t)) {
		b->by = MIGPLAN__BATCH_PARTITION;
		b->partition_by = migplan_table_partition_by(t);
		return b;
	}
	if (t && migplan_table_order_by_count(t)) {
		const migplan_column *k = migplan_table_column_find(t, migplan_table_order_by_at(t, 0));
		if (k && migplan_column_clickhouse_type(k)) {
			b->by = MIGPLAN__BATCH_RANGE;
			b->column = migplan_column_name(k);
			b->column_type = migplan__sql_base_type(m, migplan_column_clickhouse_type(k));
			return b;
		}
	}
	b->by = MIGPLAN__BATCH_SINGLE;
	return b;
}

/* The read-only query listing the batches of @p db.@p t: one row per batch with the values of
 * its parameters. Ranges hold whole key values, so no row falls in two batches. */
migplan__rsql *migplan__rbatch_list(migplan__rmodel *m, migplan__rstep *s, const migplan__batching *b,
                                 const char *db, const char *t)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (!b || b->by == MIGPLAN__BATCH_SINGLE)
		return NULL;
	if (b->by == MIGPLAN__BATCH_PARTITION) {
		migplan__sb_puts(&sb, "SELECT partition_id, sum(rows) AS rows\nFROM system.parts\nWHERE database = ");
		migplan__sb_literal(&sb, db);
		migplan__sb_puts(&sb, " AND table = ");
		migplan__sb_literal(&sb, t);
		migplan__sb_puts(&sb, " AND active\nGROUP BY partition_id\nORDER BY partition_id");
		migplan__rsql *q = migplan__radd(m, s, &s->prepare, MIGPLAN__RS_PREPARE,
		                           migplan__rfmt(m, "the batches: one per partition of `%s`", t), &sb);
		return q;
	}
	migplan__sb_printf(&sb, "SELECT batch, min(migplan_key) AS lo, max(migplan_key) AS hi, sum(migplan_rows) AS rows\n"
	                   "FROM (\n    SELECT migplan_key, migplan_rows,\n"
	                   "        intDiv(sum(migplan_rows) OVER (ORDER BY migplan_key ROWS BETWEEN UNBOUNDED "
	                   "PRECEDING AND 1 PRECEDING), %llu) + 1 AS batch\n"
	                   "    FROM (SELECT ", (unsigned long long)b->batch_rows);
	migplan__sb_ident(&sb, b->column);
	migplan__sb_puts(&sb, " AS migplan_key, count() AS migplan_rows FROM ");
	migplan__sb_qualified(&sb, db, t);
	migplan__sb_puts(&sb, " GROUP BY migplan_key)\n)\nGROUP BY batch\nORDER BY batch");
	return migplan__radd(m, s, &s->prepare, MIGPLAN__RS_PREPARE,
	               migplan__rfmt(m, "the batches: ranges of `%s` holding about %llu rows each (the "
	                             "checkpoint list: keep its output)", b->column,
	                             (unsigned long long)b->batch_rows), &sb);
}

int migplan__rbatched(const migplan__batching *b)
{
	return b && b->by != MIGPLAN__BATCH_SINGLE;
}

/* The batch's condition, for a statement on a table that has the batching column. */
void migplan__rbatch_cond(migplan__sb *sb, const migplan__batching *b)
{
	if (!migplan__rbatched(b))
		return;
	if (b->by == MIGPLAN__BATCH_PARTITION) {
		migplan__sb_puts(sb, "_partition_id = {partition_id:String}");
		return;
	}
	migplan__sb_ident(sb, b->column);
	migplan__sb_printf(sb, " >= {lo:%s} AND ", b->column_type);
	migplan__sb_ident(sb, b->column);
	migplan__sb_printf(sb, " <= {hi:%s}", b->column_type);
}

/* " AND <the batch's condition>", or nothing when the work is not migplan__rbatched. */
void migplan__rbatch_where(migplan__sb *sb, const migplan__batching *b)
{
	if (!migplan__rbatched(b))
		return;
	migplan__sb_puts(sb, " AND ");
	migplan__rbatch_cond(sb, b);
}

void migplan__rset_params(migplan__rsql *q, const migplan__batching *b, const migplan__rsql *from)
{
	if (!q || !b || b->by == MIGPLAN__BATCH_SINGLE)
		return;
	q->params_from = from;
	if (b->by == MIGPLAN__BATCH_PARTITION) {
		q->params[0] = "partition_id";
	} else {
		q->params[0] = "lo";
		q->params[1] = "hi";
	}
}

/* ---------------------------------------------------------------- inverses of operations */

static void inverse_settings(migplan__rmodel *m, migplan__rstep *s, const migplan_op *op, const char *db)
{
	const migplan_node *before = migplan_op_field(op, "before_settings");
	const migplan_node *after = migplan_op_field(op, "after_settings");
	migplan__sb sb = MIGPLAN__SB_INIT;
	int n = 0;
	for (size_t i = 0; i < migplan_node_count(before); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(before, i), NULL);
		const char *v = migplan_node_text(migplan_node_at(before, i), NULL);
		const migplan_node *now = migplan_node_get(after, k);
		if (now && str_eq(migplan_node_text(now, NULL), v))
			continue;
		if (!n++) {
			migplan__ralter(&sb, db, migplan_op_table_name(op));
			migplan__sb_puts(&sb, "MODIFY SETTING ");
		} else {
			migplan__sb_puts(&sb, ", ");
		}
		migplan__sb_bare_name(&sb, k);
		migplan__sb_puts(&sb, " = ");
		migplan__sb_setting_value(&sb, v);
	}
	if (n)
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the settings it changed", &sb);
	n = 0;
	for (size_t i = 0; i < migplan_node_count(after); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(after, i), NULL);
		if (migplan_node_get(before, k))
			continue;
		if (!n++) {
			migplan__ralter(&sb, db, migplan_op_table_name(op));
			migplan__sb_puts(&sb, "RESET SETTING ");
		} else {
			migplan__sb_puts(&sb, ", ");
		}
		migplan__sb_bare_name(&sb, k);
	}
	if (n)
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "reset the settings it added", &sb);
	migplan__sb_reset(&sb);
}

static const migplan_index *remote_index(const migplan_table *t, const char *name)
{
	for (size_t i = 0; t && i < migplan_table_index_count(t); i++)
		if (str_eq(migplan_index_name(migplan_table_index_at(t, i)), name))
			return migplan_table_index_at(t, i);
	return NULL;
}

static const char *remote_projection(const migplan_table *t, const char *name)
{
	for (size_t i = 0; t && i < migplan_table_projection_count(t); i++)
		if (str_eq(migplan_table_projection_name(t, i), name))
			return migplan_table_projection_body(t, i);
	return NULL;
}

static const migplan_view *remote_view(const migplan__rmodel *m, const char *db, const char *name)
{
	const migplan_snapshot *r = migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE);
	size_t nmv = migplan_snapshot_mv_count(r), nv = migplan_snapshot_view_count(r);
	for (size_t i = 0; i < nmv + nv; i++) {
		const migplan_view *v = i < nmv ? migplan_snapshot_mv_at(r, i) : migplan_snapshot_view_at(r, i - nmv);
		const char *vdb = migplan_view_database(v) ? migplan_view_database(v) : m->default_db;
		if (str_eq(vdb, db) && str_eq(migplan_view_name(v), name))
			return v;
	}
	return NULL;
}

/* Push the statements of a migplan_sql list as ROLLBACK statements. */
static void rollback_from(migplan__rmodel *m, migplan__rstep *s, migplan_sql *sql, const char *purpose)
{
	for (size_t i = 0; sql && i < migplan_sql_count(sql); i++) {
		migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_ROLLBACK, purpose,
		                                     migplan__rfmt(m, "%s", migplan_sql_at(sql, i)));
		migplan__rstep_add(m, s, &s->rollback_sql, q);
	}
	migplan_sql_free(sql);
}

static migplan__rollback inverse_drop(migplan__rmodel *m, migplan__rstep *s, const migplan_op *op,
                                      const char *db, const char **why)
{
	const migplan_snapshot *remote = migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_table *t = migplan_snapshot_table_find(remote, db, migplan_op_table_name(op));
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_sql *sql = NULL;
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_DROP_TABLE:
		*why = "the rows are gone: this recreates the table empty";
		if (t && migplan_table_to_sql(&sql, t, m->default_db, MIGPLAN_SQL_NONE) == MIGPLAN_OK)
			rollback_from(m, s, sql, migplan__rfmt(m, "recreate `%s` (empty) from remote_state.json",
			                                       migplan_op_table_name(op)));
		return MIGPLAN__RB_NO;
	case MIGPLAN_OP_DROP_TABLE_COLUMN: {
		const migplan_column *c = migplan__rcolumn(t, migplan_op_column_name(op));
		*why = "the values are gone: this adds the column back with its default";
		if (!c)
			return MIGPLAN__RB_NO;
		migplan__ralter(&sb, db, migplan_op_table_name(op));
		migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
		migplan__sql_column_def(&sb, c, NULL);
		migplan__rafter(&sb, t, migplan_column_name(c));
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "add `%s` back (values are not restored)", migplan_column_name(c)), &sb);
		return MIGPLAN__RB_NO;
	}
	default: { /* views */
		const migplan_view *v = remote_view(m, db, migplan_op_table_name(op));
		int mv = migplan_op_kind_of(op) == MIGPLAN_OP_DROP_MATERIALIZED_VIEW;
		*why = mv ? "rows inserted while it was gone never reach its target" : "a view holds no data";
		if (v && migplan_view_to_sql(&sql, v, m->default_db, MIGPLAN_SQL_NONE) == MIGPLAN_OK)
			rollback_from(m, s, sql, migplan__rfmt(m, "recreate `%s` from remote_state.json",
			                                       migplan_op_table_name(op)));
		else
			*why = "its definition is not in remote_state.json";
		return mv || !v ? MIGPLAN__RB_PARTIAL : MIGPLAN__RB_YES;
	}
	}
}

/* 1 when @p t is created by a CreateTable of step @p s. */
static int created_in_step(const migplan__rmodel *m, const migplan__rstep *s, const char *db, const char *t)
{
	for (size_t k = 0; k < s->op_count; k++) {
		const migplan_op *op = m->ops[s->ops[k]].op;
		if (migplan_op_kind_of(op) == MIGPLAN_OP_CREATE_TABLE && str_eq(migplan__op_db(m, op), db) &&
		    str_eq(migplan_op_table_name(op), t))
			return 1;
	}
	return 0;
}

/* 1 when every statement of a RawSql only INSERTs into tables the same step creates: dropping
 * them (their inverse) takes what it wrote with them. */
static int raw_sql_undone_by_drops(migplan__rmodel *m, const migplan__rstep *s, const migplan_op *op)
{
	int undone = migplan_op_sql_count(op) > 0;
	for (size_t i = 0; undone && i < migplan_op_sql_count(op); i++) {
		const char *sql = migplan_op_sql_at(op, i);
		migplan__sqlinfo info;
		if (migplan__sql_scan(&info, sql, strlen(sql)) != MIGPLAN_OK) {
			migplan__sql_release(&info);
			migplan__rmodel_oom(m);
			return 0;
		}
		undone = info.statement_count == 1 && info.verb == MIGPLAN__SQL_INSERT && info.write_count && !info.ddl_count;
		for (size_t w = 0; undone && w < info.write_count; w++)
			undone = created_in_step(m, s, info.writes[w].database ? info.writes[w].database : m->default_db,
			                         info.writes[w].name);
		migplan__sql_release(&info);
	}
	return undone;
}

/* The inverse of one operation of a Moose step, as ROLLBACK statements. */
static migplan__rollback inverse_op(migplan__rmodel *m, migplan__rstep *s, const migplan_op *op,
                                    const char **why)
{
	const char *db = migplan__op_db(m, op), *t = migplan_op_table_name(op);
	const migplan_table *before = migplan_snapshot_table_find(migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE),
	                                                          db, t);
	migplan__sb sb = MIGPLAN__SB_INIT;
	*why = NULL;
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
		migplan__sb_puts(&sb, "DROP TABLE IF EXISTS ");
		migplan__sb_qualified(&sb, db, t);
		migplan__sb_puts(&sb, " SYNC");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "drop the new table `%s` (rows written to it since go with it)", t), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		migplan__sb_puts(&sb, "DROP VIEW IF EXISTS ");
		migplan__sb_qualified(&sb, db, t);
		migplan__sb_puts(&sb, " SYNC");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop the new view `%s`", t), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
		migplan__sb_ident(&sb, migplan_op_column_name(op));
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "drop the new column `%s`", migplan_op_column_name(op)), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sql_column_def(&sb, migplan_op_before_column(op), NULL);
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "give `%s` its old definition back (the change is safe both ways)",
		                      migplan_op_column_name(op)), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
		inverse_settings(m, s, op, db);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		migplan__ralter(&sb, db, t);
		if (migplan_op_before_expression(op))
			migplan__sb_printf(&sb, "MODIFY TTL %s", migplan_op_before_expression(op));
		else
			migplan__sb_puts(&sb, "REMOVE TTL");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the old TTL", &sb);
		*why = "rows the new TTL expired in between are gone";
		return MIGPLAN__RB_PARTIAL;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
	case MIGPLAN_OP_ADD_TABLE_PROJECTION: {
		int ix = migplan_op_kind_of(op) == MIGPLAN_OP_ADD_TABLE_INDEX;
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, ix ? "DROP INDEX IF EXISTS " : "DROP PROJECTION IF EXISTS ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "drop the new %s `%s`", ix ? "index" : "projection", migplan_op_object_name(op)),
		        &sb);
		return MIGPLAN__RB_YES;
	}
	case MIGPLAN_OP_DROP_TABLE_INDEX: {
		const migplan_index *old = remote_index(before, migplan_op_object_name(op));
		if (!old) {
			*why = "the index's definition is not in remote_state.json";
			return MIGPLAN__RB_PARTIAL;
		}
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "ADD ");
		migplan__sql_index_def(&sb, old);
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "add the old index back", &sb);
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "MATERIALIZE INDEX ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "build it for the existing parts", &sb);
		return MIGPLAN__RB_YES;
	}
	case MIGPLAN_OP_DROP_TABLE_PROJECTION: {
		const char *body = remote_projection(before, migplan_op_object_name(op));
		if (!body) {
			*why = "the projection's definition is not in remote_state.json";
			return MIGPLAN__RB_PARTIAL;
		}
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "ADD PROJECTION IF NOT EXISTS ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_printf(&sb, " (%s)", body);
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "add the old projection back", &sb);
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "MATERIALIZE PROJECTION ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "build it for the existing parts", &sb);
		return MIGPLAN__RB_YES;
	}
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
	case MIGPLAN_OP_REMOVE_SAMPLE_BY:
		migplan__ralter(&sb, db, t);
		if (before && migplan_table_sample_by(before))
			migplan__sb_printf(&sb, "MODIFY SAMPLE BY %s", migplan_table_sample_by(before));
		else
			migplan__sb_puts(&sb, "REMOVE SAMPLE BY");
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the old SAMPLE BY", &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_RAW_SQL:
		if (raw_sql_undone_by_drops(m, s, op)) {
			*why = "its hand-written SQL only inserts into tables this step creates, which the rollback drops";
			return MIGPLAN__RB_YES;
		}
		*why = "hand-written SQL has no known inverse: write it before deploying";
		return MIGPLAN__RB_NO;
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_VIEW:
		return inverse_drop(m, s, op, db, why);
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		migplan__ralter(&sb, db, t);
		migplan__sb_puts(&sb, "RENAME COLUMN ");
		migplan__sb_ident(&sb, migplan_op_new_column_name(op));
		migplan__sb_puts(&sb, " TO ");
		migplan__sb_ident(&sb, migplan_op_column_name(op));
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "rename the column back", &sb);
		return MIGPLAN__RB_YES;
	}
	return MIGPLAN__RB_NO;
}

/* ---------------------------------------------------------------- the plan's own operations */

/* Run order of the first plan when plan.yaml's order does not work: tables first, then
 * columns, then in-place changes, then views and hand-written SQL in the plan's order. */
static int bucket(const migplan_op *op)
{
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE: return 0;
	case MIGPLAN_OP_ADD_TABLE_COLUMN: return 1;
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
	case MIGPLAN_OP_RAW_SQL:
		return 3;
	default: return 2;
	}
}

/* Position of an AddTableColumn whose `after_column` another operation adds: right after it. */
static int needs_before(const migplan__rmodel *m, size_t a, size_t b)
{
	const migplan_op *x = m->ops[a].op, *y = m->ops[b].op;
	return migplan_op_kind_of(x) == MIGPLAN_OP_ADD_TABLE_COLUMN && migplan_op_kind_of(y) == MIGPLAN_OP_ADD_TABLE_COLUMN &&
	       str_eq(migplan_op_table_name(x), migplan_op_table_name(y)) &&
	       str_eq(migplan_op_position_after(x), migplan_op_column_name(y));
}

static size_t plan_order(const migplan__rmodel *m, migplan__op_disp disp, size_t *order)
{
	size_t n = 0;
	for (int b = 0; b < 4; b++) {
		for (size_t i = 0; i < m->op_count; i++) {
			if (m->ops[i].disp != disp || (m->ordered && bucket(m->ops[i].op) != b) || (!m->ordered && b))
				continue;
			order[n++] = i;
		}
	}
	/* an added column placed after one a later operation adds moves behind it */
	for (size_t pass = 0; m->ordered && pass < n; pass++) {
		int moved = 0;
		for (size_t i = 0; i + 1 < n; i++) {
			for (size_t j = i + 1; j < n; j++) {
				if (!needs_before(m, order[i], order[j]))
					continue;
				size_t x = order[i];
				memmove(&order[i], &order[i + 1], (j - i) * sizeof(*order));
				order[j] = x;
				moved = 1;
				break;
			}
		}
		if (!moved)
			break;
	}
	return n;
}

/* Checks that what a Moose step adds exists: tables and views by name, columns by name and
 * type (as system.columns spells them). */
static void moose_checks(migplan__rmodel *m, migplan__rstep *s)
{
	migplan__sb tabs = MIGPLAN__SB_INIT, cols = MIGPLAN__SB_INIT;
	size_t nt = 0, nc = 0;
	for (size_t k = 0; k < s->op_count; k++) {
		const migplan__rop *r = &m->ops[s->ops[k]];
		const migplan_op *op = r->op;
		migplan_op_kind kind = migplan_op_kind_of(op);
		if (r->refused)
			continue;
		if (kind == MIGPLAN_OP_CREATE_TABLE || kind == MIGPLAN_OP_CREATE_VIEW ||
		    kind == MIGPLAN_OP_CREATE_MATERIALIZED_VIEW) {
			migplan__sb_puts(&tabs, nt++ ? ", (" : "(");
			migplan__sb_literal(&tabs, migplan__op_db(m, op));
			migplan__sb_puts(&tabs, ", ");
			migplan__sb_literal(&tabs, migplan_op_table_name(op));
			migplan__sb_putc(&tabs, ')');
		} else if ((kind == MIGPLAN_OP_ADD_TABLE_COLUMN || kind == MIGPLAN_OP_MODIFY_TABLE_COLUMN) &&
		           migplan_column_clickhouse_type(migplan_op_column(op))) {
			migplan__sb_puts(&cols, nc++ ? ", (" : "(");
			migplan__sb_literal(&cols, migplan__op_db(m, op));
			migplan__sb_puts(&cols, ", ");
			migplan__sb_literal(&cols, migplan_op_table_name(op));
			migplan__sb_puts(&cols, ", ");
			migplan__sb_literal(&cols, migplan_op_column_name(op));
			migplan__sb_puts(&cols, ", ");
			migplan__sb_literal(&cols, migplan_column_clickhouse_type(migplan_op_column(op)));
			migplan__sb_putc(&cols, ')');
		}
	}
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (nt) {
		migplan__sb_printf(&sb, "SELECT count() AS present\nFROM system.tables\nWHERE (database, name) IN (%s)",
		                   tabs.ptr ? tabs.ptr : "");
		migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK, "the new tables and views exist", &sb);
		if (q) {
			q->expect = migplan__rfmt(m, "%zu", nt);
			q->expect_tsv = q->expect;
		}
	}
	if (nc) {
		migplan__sb_printf(&sb, "SELECT count() AS present\nFROM system.columns\nWHERE (database, table, name, type) IN (%s)",
		                   cols.ptr ? cols.ptr : "");
		migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
		                           "the new and changed columns exist with their new types", &sb);
		if (q) {
			q->expect = migplan__rfmt(m, "%zu", nc);
			q->expect_tsv = q->expect;
		}
	}
	migplan__sb_reset(&tabs);
	migplan__sb_reset(&cols);
}

/* Mutations a step starts (MODIFY COLUMN that rewrites parts, ALTER ... UPDATE in RawSql):
 * how many parts are left. */
void migplan__rmutation_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() AS mutations_running, sum(parts_to_do) AS parts_left, "
	                 "countIf(latest_fail_reason != '') AS failing\nFROM system.mutations\nWHERE database = ");
	migplan__sb_literal(&sb, db);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, table);
	migplan__sb_puts(&sb, " AND NOT is_done");
	for (size_t i = 0; i < s->progress.count; i++)
		if (str_eq(((migplan__rsql *)s->progress.items[i])->sql, sb.ptr)) {
			migplan__sb_reset(&sb);
			return;
		}
	migplan__rsql *q = migplan__radd(m, s, &s->progress, MIGPLAN__RS_PROGRESS,
	                           migplan__rfmt(m, "mutations left on `%s`: parts still to rewrite", table), &sb);
	if (q)
		q->expect = "0 mutations running when the step is done; failing must stay 0";
}

void migplan__rcount_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() AS rows\nFROM ");
	migplan__sb_qualified(&sb, db, table);
	migplan__radd(m, s, &s->progress, MIGPLAN__RS_PROGRESS, migplan__rfmt(m, "rows in `%s` so far", table), &sb);
}

/* A backfill the plan itself runs (hand-written RawSql), and what shows its progress. */
static void plan_backfill(migplan__rmodel *m, migplan__rstep *s, size_t i)
{
	const migplan_op *op = m->ops[i].op;
	for (size_t k = 0; k < migplan_op_sql_count(op); k++) {
		const char *sql = migplan_op_sql_at(op, k);
		migplan__sqlinfo info;
		if (migplan__sql_scan(&info, sql, strlen(sql)) != MIGPLAN_OK) {
			migplan__sql_release(&info);
			migplan__rmodel_oom(m);
			return;
		}
		if (info.backfill && info.write_count) {
			migplan__rbackfill *b = migplan__arena_zalloc(&m->arena, sizeof(*b));
			if (!b) {
				migplan__sql_release(&info);
				migplan__rmodel_oom(m);
				return;
			}
			b->kind = MIGPLAN__BF_PLAN_SQL;
			b->database = migplan__rfmt(m, "%s", info.writes[0].database ? info.writes[0].database : m->default_db);
			b->target = migplan__rfmt(m, "%s", info.writes[0].name);
			b->source = info.read_count ? migplan__rfmt(m, "%s", info.reads[0].name) : b->target;
			b->op = (long)i;
			b->step = s;
			b->sql = migplan__rfmt(m, "%s", sql);
			b->what = migplan__rfmt(m, "operation %zu (RawSql, written by hand): %s", i, m->ops[i].object);
			migplan__rpush(m, &m->backfills, b);
			if (info.verb == MIGPLAN__SQL_INSERT)
				migplan__rcount_progress(m, s, b->database, b->target);
			else
				migplan__rmutation_progress(m, s, b->database, b->target);
		}
		migplan__sql_release(&info);
	}
}

/* A new materialized view fires only for rows inserted after it exists: rows already in its
 * sources never reach its target unless something copies them. */
static int mv_populated(const migplan__rmodel *m, size_t i)
{
	const migplan_op *mv = m->ops[i].op;
	const char *target = migplan_op_target_table(mv);
	for (size_t k = 0; k < m->backfills.count; k++) {
		const migplan__rbackfill *b = m->backfills.items[k];
		if (b->kind == MIGPLAN__BF_PLAN_SQL && str_eq(b->target, target))
			return 1;
	}
	return 0;
}

static void moose_step_sql(migplan__rmodel *m, migplan__rstep *s, size_t i)
{
	const migplan__rop *r = &m->ops[i];
	migplan_sql *sql = NULL;
	if (migplan_op_to_sql(&sql, r->op, m->default_db, MIGPLAN_SQL_AS_MOOSE) != MIGPLAN_OK) {
		migplan_error_clear();
		return;
	}
	for (size_t k = 0; k < migplan_sql_count(sql); k++) {
		migplan__rsql *q = migplan__rsql_new(m, r->refused ? MIGPLAN__RS_REFUSED : MIGPLAN__RS_STEP,
		                                     migplan__rfmt(m, "operation %zu: %s %s", i,
		                                                   migplan_op_kind_name(migplan_op_kind_of(r->op)),
		                                                   r->object),
		                                     migplan__rfmt(m, "%s", migplan_sql_at(sql, k)));
		if (q && r->refused)
			q->expect = "ClickHouse refuses it (a blocker): fix the type before deploying";
		migplan__rstep_add(m, s, &s->sql, q);
	}
	migplan_sql_free(sql);
	if (!r->refused || migplan_op_to_sql(&sql, r->op, m->default_db, MIGPLAN_SQL_NONE) != MIGPLAN_OK)
		return;
	/* what the plan must make Moose send instead: the type as ClickHouse accepts it */
	for (size_t k = 0; k < migplan_sql_count(sql); k++) {
		migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_STEP,
		                                     migplan__rfmt(m, "operation %zu fixed: the statement with the type "
		                                                   "ClickHouse accepts (change the model so Moose sends it)", i),
		                                     migplan__rfmt(m, "%s", migplan_sql_at(sql, k)));
		migplan__rstep_add(m, s, &s->sql, q);
	}
	migplan_sql_free(sql);
}

static void moose_step_rollback(migplan__rmodel *m, migplan__rstep *s)
{
	const char *why = NULL;
	for (size_t k = s->op_count; k-- > 0;) {
		const char *w = NULL;
		migplan__rollback rb = inverse_op(m, s, m->ops[s->ops[k]].op, &w);
		if (rb > s->rollback || (rb == s->rollback && rb != MIGPLAN__RB_YES && !why && w)) {
			s->rollback = rb > s->rollback ? rb : s->rollback;
			why = w ? migplan__rfmt(m, "operation %zu: %s", s->ops[k], w) : why;
		}
	}
	s->rollback_why = why ? why : "every operation has an exact inverse";
}

static void moose_step_estimate(migplan__rmodel *m, migplan__rstep *s)
{
	double total = 0;
	int unknown = 0, work = 0;
	for (size_t k = 0; k < s->op_count; k++) {
		const migplan_op *op = m->ops[s->ops[k]].op;
		const migplan_type_change *tc = migplan_op_type_change(op);
		if (migplan_op_kind_of(op) == MIGPLAN_OP_RAW_SQL) {
			unknown = 1;
			continue;
		}
		if (!tc || migplan_type_change_in_place(tc))
			continue;
		const migplan__rtable *t = migplan__rtable_find(m, migplan__op_db(m, op), migplan_op_table_name(op));
		const migplan_table *def = t ? t->before : NULL;
		work = 1;
		if (!t || !t->have_stats || !def) {
			unknown = 1;
			continue;
		}
		total += (double)t->bytes / (double)(migplan_table_column_count(def) ? migplan_table_column_count(def) : 1) /
		         MIGPLAN__MUTATION_BYTES_PER_S;
		migplan__rmutation_progress(m, s, t->database, t->name);
	}
	if (unknown) {
		s->est_seconds = -1;
		s->est_basis = "unknown: hand-written SQL or a column rewrite on a table whose size is not given";
	} else if (work) {
		s->est_seconds = total;
		s->est_basis = "column rewrites (mutations) at 50 MB/s of the column's share of the table";
	} else {
		migplan__rinstant(m, s);
	}
}

/* "operations 0 and 1" / "operation 3", or NULL when none has @p disp. */
static const char *ops_with(migplan__rmodel *m, migplan__op_disp disp)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	size_t n = 0, total = 0;
	for (size_t i = 0; i < m->op_count; i++)
		total += m->ops[i].disp == disp;
	for (size_t i = 0; i < m->op_count; i++) {
		if (m->ops[i].disp != disp)
			continue;
		n++;
		migplan__sb_printf(&sb, "%s%zu", n == 1 ? (total == 1 ? "operation " : "operations ")
		                                        : n == total ? " and " : ", ", i);
	}
	return n ? migplan__rsb(m, &sb) : NULL;
}

static void moose_step(migplan__rmodel *m, migplan__op_disp disp, migplan__phase phase)
{
	size_t *order = m->op_count ? migplan__arena_alloc(&m->arena, m->op_count * sizeof(*order)) : NULL;
	size_t n = order ? plan_order(m, disp, order) : 0;
	if (!n)
		return;
	migplan__sb sb = MIGPLAN__SB_INIT;
	for (size_t k = 0; k < n; k++)
		migplan__sb_printf(&sb, "%s%zu", k ? ", " : "", order[k]);
	const char *list = migplan__rsb(m, &sb);
	int expand = disp == MIGPLAN__OP_EXPAND;
	/* a long list stays in the step's details; the title must fit in a table cell */
	migplan__rstep *s = migplan__rstep_new(m, phase, MIGPLAN__ACT_MOOSE, -1,
	                                       n <= 8 ? migplan__rfmt(m, "%s: `moose migrate` applies operation%s %s",
	                                                              expand ? "Deploy the first plan" : "Deploy the contract plan",
	                                                              n == 1 ? "" : "s", list)
	                                              : migplan__rfmt(m, "%s: `moose migrate` applies %zu operations",
	                                                              expand ? "Deploy the first plan" : "Deploy the contract plan", n));
	if (!s)
		return;
	s->ops = order;
	s->op_count = n;
	const char *replaced = ops_with(m, MIGPLAN__OP_REPLACED), *later = ops_with(m, MIGPLAN__OP_CONTRACT);
	if (expand && (replaced || later))
		s->detail = migplan__rfmt(m, "plan.yaml of this deployment holds only these operations%s.%s%s%s%s The "
		                          "application code deployed with it must still work with the old schema.",
		                          m->ordered ? ", in this order (the order written in plan.yaml fails: see "
		                                       "the blockers and the proposed reorder edits)" : "",
		                          replaced ? " Remove " : "", replaced ? replaced : "",
		                          replaced ? ": the operator steps below replace them." : "",
		                          later ? migplan__rfmt(m, " Move %s to a later plan, deployed after "
		                                                "stabilisation (the contract).", later) : "");
	else if (expand)
		s->detail = m->ordered ? "plan.yaml as it is, but in this order: the order written in plan.yaml fails "
		                         "(see the blockers); apply the proposed reorder edits."
		                       : "plan.yaml as it is.";
	else
		s->detail = "A later plan.yaml, deployed after stabilisation, that holds only these drops. From "
		            "here on the old data is gone: this is the point of no return.";
	for (size_t k = 0; k < n; k++) {
		moose_step_sql(m, s, order[k]);
		m->ops[order[k]].step = s;
		if (migplan_op_kind_of(m->ops[order[k]].op) == MIGPLAN_OP_RAW_SQL)
			plan_backfill(m, s, order[k]);
	}
	moose_checks(m, s);
	moose_step_rollback(m, s);
	moose_step_estimate(m, s);
	s->point_of_no_return = !expand && s->rollback == MIGPLAN__RB_NO;
}

/* New materialized views nothing populates: an operator backfill with the view's own SELECT. */
static void mv_backfills(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		if (migplan_op_kind_of(op) != MIGPLAN_OP_CREATE_MATERIALIZED_VIEW || m->ops[i].disp != MIGPLAN__OP_EXPAND ||
		    m->ops[i].refused || mv_populated(m, i))
			continue;
		const char *db = migplan__op_db(m, op);
		const char *tdb = migplan_op_target_database(op) ? migplan_op_target_database(op) : db;
		migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_BACKFILL, MIGPLAN__ACT_OPERATOR, -1,
		                                       migplan__rfmt(m, "Populate `%s` with the rows already in the "
		                                                     "sources of `%s`", migplan_op_target_table(op),
		                                                     migplan_op_table_name(op)));
		if (!s)
			return;
		s->detail = "A materialized view only sees rows inserted after it exists; `moose migrate` never "
		            "populates it. Run this once, with the view's database as the current database "
		            "(clickhouse-client --database), because the view's SELECT names tables without their "
		            "database. Rows inserted between the view's creation and this statement are counted "
		            "twice: run it while writers are paused, or restrict the SELECT to rows older than the "
		            "view.";
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__sb_puts(&sb, "INSERT INTO ");
		migplan__sb_qualified(&sb, tdb, migplan_op_target_table(op));
		migplan__sb_printf(&sb, "\n%s", migplan_op_select_sql(op));
		migplan__rsql *q = migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP,
		                           migplan__rfmt(m, "copy what `%s` would have written for the existing rows",
		                                         migplan_op_table_name(op)), &sb);
		migplan__rcount_progress(m, s, tdb, migplan_op_target_table(op));
		migplan__sb_puts(&sb, "TRUNCATE TABLE ");
		migplan__sb_qualified(&sb, tdb, migplan_op_target_table(op));
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        "empty the target again (it only holds what this step and the view wrote)", &sb);
		s->rollback_why = "the target also loses what the view wrote since it was created";
		s->rollback = MIGPLAN__RB_PARTIAL;
		migplan__rtable *t = migplan__rtable_find(m, tdb, migplan_op_target_table(op));
		migplan__restimate(m, s, t, MIGPLAN__COPY_BYTES_PER_S, 1, "to aggregate");
		migplan__rbackfill *b = migplan__rbackfill_add(m, MIGPLAN__BF_MV_POPULATE, tdb, migplan_op_table_name(op),
		                                               migplan_op_target_table(op), s, q, NULL);
		if (!b)
			return;
		b->op = (long)i;
		b->what = migplan__rfmt(m, "`%s` (target of the new materialized view `%s`) starts empty",
		                        b->target, b->source);
	}
}

/* ---------------------------------------------------------------- application releases */

static void app_text(migplan__rmodel *m, migplan__sb *sb, const migplan__rchange *c, int dual)
{
	if (dual) {
		if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			migplan__sb_printf(sb, "\n- writes both `%s` and `%s` of `%s`, reads `%s`", c->column, c->new_name,
			                   c->table, c->new_name);
		return;
	}
	switch (c->kind) {
	case MIGPLAN__CH_TYPE_CHANGE:
		migplan__sb_printf(sb, "\n- expects `%s`.`%s` as %s", c->table, c->column,
		                   migplan_type_change_to(c->tc));
		break;
	case MIGPLAN__CH_RENAME_COLUMN:
		migplan__sb_printf(sb, "\n- no longer reads or writes `%s`.`%s`", c->table, c->column);
		break;
	case MIGPLAN__CH_DROP_COLUMN:
		migplan__sb_printf(sb, "\n- no longer reads or writes `%s`.`%s`", c->table, c->column);
		break;
	case MIGPLAN__CH_DROP_TABLE:
		migplan__sb_printf(sb, "\n- no longer reads or writes table `%s`", c->table);
		break;
	case MIGPLAN__CH_DROP_VIEW:
		migplan__sb_printf(sb, "\n- no longer reads `%s`", c->table);
		break;
	case MIGPLAN__CH_VERSION_BUMP:
		migplan__sb_printf(sb, "\n- reads and writes `%s` instead of `%s`", c->new_name, c->table);
		break;
	case MIGPLAN__CH_REBUILD:
		break;
	}
	(void)m;
}

static void app_release(migplan__rmodel *m, migplan__phase phase, int dual)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__rstep *s = NULL;
	for (size_t i = 0; i < m->changes.count; i++) {
		migplan__rchange *c = change_at(m, i);
		size_t len = sb.len;
		app_text(m, &sb, c, dual);
		if (sb.len == len)
			continue;
		if (!s) {
			s = migplan__rstep_new(m, phase, MIGPLAN__ACT_APP, -1,
			                       dual ? "Release the application version that writes both column names"
			                            : "Release the application version of the new schema");
			if (!s)
				return;
		}
		migplan__rpush(m, &c->steps, s);
	}
	if (!s) {
		migplan__sb_reset(&sb);
		return;
	}
	int after_swaps = 0;
	for (size_t i = 0; !dual && i + 1 < m->steps.count; i++) {
		const migplan__rstep *o = m->steps.items[i];
		after_swaps |= o->phase == MIGPLAN__PH_CUTOVER && o->actor == MIGPLAN__ACT_OPERATOR;
	}
	s->detail = migplan__rfmt(m, "%sThe release that:%s", after_swaps ? "Deploy it right after the cutover steps "
	                          "above, before writers send values in the old form. " : "", migplan__rsb(m, &sb));
	s->rollback = MIGPLAN__RB_YES;
	s->rollback_why = dual ? "redeploy the previous version" : "redeploy the previous version, and roll back "
	                                                           "the cutover steps before it";
	migplan__rinstant(m, s);
	s->est_basis = "as long as the deployment takes";
}

/* ---------------------------------------------------------------- entry */

static void preflight(migplan__rmodel *m)
{
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_PREFLIGHT, MIGPLAN__ACT_OPERATOR, -1,
	                                       "Run the read-only audits and keep their results");
	if (!s)
		return;
	s->detail = m->go ? "They measure the tables, count the rows that would be lost, and give the baseline "
	                    "the post-deploy checks compare with. All are plain SELECTs."
	                  : "NO-GO: resolve the blockers first. The audits still help: they count what is at stake.";
	for (size_t i = 0; i < m->before.count; i++)
		migplan__rpush(m, &s->checks, m->before.items[i]);
	s->rollback_why = "read-only";
	double bytes = 0;
	int known = 1;
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		if (!t->before || !t->count_q)
			continue;
		known &= t->have_stats;
		bytes += (double)t->bytes;
	}
	s->est_seconds = known ? 1 + 3 * bytes / MIGPLAN__COPY_BYTES_PER_S : -1;
	s->est_basis = known ? "the audits read each table about three times at 100 MB/s"
	                     : "unknown: table sizes are not given; the audits read each table about three times";
}

static void stabilise(migplan__rmodel *m)
{
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_STABILISE, MIGPLAN__ACT_WAIT, -1,
	                                       "Observe for 24 hours before the contract");
	if (!s)
		return;
	s->detail = "Watch the monitoring table of the checklist. Every step so far can still be rolled back; "
	            "nothing after this can.";
	s->est_seconds = 24 * 3600;
	s->est_basis = "the observation window";
	s->rollback_why = "nothing runs";
}

/* A Moose step that runs operations of a breaking change is one of the change's steps. */
static void link_moose_step(migplan__rmodel *m, migplan__op_disp disp)
{
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan__rop *r = &m->ops[i];
		if (r->disp != disp || r->change < 0 || !r->step)
			continue;
		migplan__rvec *v = &change_at(m, (size_t)r->change)->steps;
		if (!v->count || v->items[v->count - 1] != r->step)
			migplan__rpush(m, v, r->step);
	}
}

void migplan__rmodel_steps(migplan__rmodel *m)
{
	size_t n = m->changes.count;
	const migplan__rsql **gates = n ? migplan__arena_zalloc(&m->arena, n * sizeof(*gates)) : NULL;
	if (n && !gates) {
		migplan__rmodel_oom(m);
		return;
	}
	preflight(m);
	moose_step(m, MIGPLAN__OP_EXPAND, MIGPLAN__PH_EXPAND);
	link_moose_step(m, MIGPLAN__OP_EXPAND);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD)
			migplan__copy_expand(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			migplan__type_expand(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			migplan__rename_expand(m, c, (long)i);
	}
	app_release(m, MIGPLAN__PH_EXPAND, 1);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD || c->kind == MIGPLAN__CH_VERSION_BUMP)
			migplan__copy_backfill(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			migplan__type_backfill(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			migplan__rename_backfill(m, c, (long)i);
	}
	mv_backfills(m);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD || c->kind == MIGPLAN__CH_VERSION_BUMP)
			gates[i] = migplan__copy_validate(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			gates[i] = migplan__type_validate(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			gates[i] = migplan__rename_validate(m, c, (long)i);
	}
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD)
			migplan__copy_cutover(m, c, (long)i, gates[i]);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			migplan__type_cutover(m, c, (long)i, gates[i]);
	}
	app_release(m, MIGPLAN__PH_CUTOVER, 0);
	for (size_t i = 0; i < n; i++)
		migplan__copy_catch_up(m, change_at(m, i), (long)i);
	stabilise(m);
	moose_step(m, MIGPLAN__OP_CONTRACT, MIGPLAN__PH_CONTRACT);
	link_moose_step(m, MIGPLAN__OP_CONTRACT);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD) {
			migplan__copy_contract(m, c, (long)i);
		} else if (c->kind == MIGPLAN__CH_TYPE_CHANGE) {
			migplan__type_contract(m, c, (long)i);
		} else if (c->kind == MIGPLAN__CH_RENAME_COLUMN) {
			migplan__rename_contract(m, c, (long)i, gates[i]);
		}
	}
	for (size_t i = 0; i < m->steps.count; i++)
		((migplan__rstep *)m->steps.items[i])->number = i + 1;
}
