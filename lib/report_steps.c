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
 * by its rollback statements, run in reverse step order. */
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/ddl.h"
#include "migplan/typechange.h"

#include "report-private.h"
#include "sqlscan.h"

/* Throughput assumptions of the estimates, stated in every estimate's basis. */
#define COPY_BYTES_PER_S (100.0 * 1000 * 1000)
#define MUTATION_BYTES_PER_S (50.0 * 1000 * 1000)
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

static migplan__rsql *add_sql(migplan__rmodel *m, migplan__rstep *s, migplan__rvec *list,
                              migplan__rstage stage, const char *purpose, migplan__sb *sb)
{
	migplan__rsql *q = migplan__rsql_new(m, stage, purpose, migplan__rsb(m, sb));
	migplan__rstep_add(m, s, list, q);
	return q;
}

/* "ALTER TABLE `db`.`t` " */
static void alter(migplan__sb *sb, const char *db, const char *t)
{
	migplan__sb_puts(sb, "ALTER TABLE ");
	migplan__sb_qualified(sb, db, t);
	migplan__sb_putc(sb, ' ');
}

static void estimate(migplan__rmodel *m, migplan__rstep *s, const migplan__rtable *t, double rate,
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

static void instant(migplan__rmodel *m, migplan__rstep *s)
{
	s->est_seconds = 1;
	s->est_basis = "metadata only: no part is rewritten";
	(void)m;
}

/* ---------------------------------------------------------------- columns and types */

static const migplan_column *column_of(const migplan_table *t, const char *name)
{
	return t ? migplan_table_column_find(t, name) : NULL;
}

/* The column before @p name in @p t ("FIRST" when it is the first). */
static void after_clause(migplan__sb *sb, const migplan_table *t, const char *name)
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

static int can_be_nullable(migplan_chtype_kind k)
{
	return k != MIGPLAN_CHTYPE_ARRAY && k != MIGPLAN_CHTYPE_MAP && k != MIGPLAN_CHTYPE_TUPLE &&
	       k != MIGPLAN_CHTYPE_NESTED && k != MIGPLAN_CHTYPE_JSON && k != MIGPLAN_CHTYPE_GEO &&
	       k != MIGPLAN_CHTYPE_AGGREGATE_FUNCTION && k != MIGPLAN_CHTYPE_DYNAMIC &&
	       k != MIGPLAN_CHTYPE_VARIANT && k != MIGPLAN_CHTYPE_OTHER;
}

/* The shadow column's type: the new type made nullable (`LowCardinality(Nullable(T))` for a
 * LowCardinality), so that rows not converted yet read NULL and are counted. Sets *nullable_to
 * when the new type is nullable already (no constraint step at the end). */
static const char *shadow_type(migplan__rmodel *m, const char *to, int *nullable_to)
{
	migplan_chtype *t = NULL;
	*nullable_to = 0;
	if (!to || migplan_chtype_parse(&t, to, strlen(to)) != MIGPLAN_OK)
		return to;
	const char *res = to;
	migplan_chtype_kind k = migplan_chtype_kind_of(t);
	if (k == MIGPLAN_CHTYPE_NULLABLE) {
		*nullable_to = 1;
	} else if (k == MIGPLAN_CHTYPE_LOW_CARDINALITY) {
		const migplan_chtype *inner = migplan_chtype_child_at(t, 0);
		char *text = NULL;
		if (migplan_chtype_kind_of(inner) == MIGPLAN_CHTYPE_NULLABLE)
			*nullable_to = 1;
		else if (migplan_chtype_render(inner, &text) == MIGPLAN_OK)
			res = migplan__rfmt(m, "LowCardinality(Nullable(%s))", text);
		migplan_free(text);
	} else if (can_be_nullable(k)) {
		res = migplan__rfmt(m, "Nullable(%s)", to);
	} else {
		*nullable_to = 1; /* cannot hold NULL: the shadow column is the new type itself */
	}
	migplan_chtype_free(t);
	return res;
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

/* The expression converting the old column into the shadow column. Values that cannot be
 * represented become NULL (accurateCastOrNull) so they are counted, never wrapped. */
static void convert_expr(migplan__rmodel *m, migplan__sb *sb, const migplan__rchange *c, const char *shadow)
{
	migplan_change_cause cause = migplan_type_change_cause(c->tc);
	if (migplan__cause_fails(cause)) {
		migplan__sql_convert_or_null(m, sb, c->column, migplan_type_change_to(c->tc), shadow);
		return;
	}
	migplan__sb_puts(sb, "CAST(");
	migplan__sb_ident(sb, c->column);
	migplan__sb_puts(sb, ", ");
	migplan__sb_literal(sb, shadow);
	migplan__sb_putc(sb, ')');
}

/* ---------------------------------------------------------------- batching */

static const migplan__batching *batching_for(migplan__rmodel *m, const migplan_table *t,
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
static migplan__rsql *batch_list(migplan__rmodel *m, migplan__rstep *s, const migplan__batching *b,
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
		migplan__rsql *q = add_sql(m, s, &s->prepare, MIGPLAN__RS_PREPARE,
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
	return add_sql(m, s, &s->prepare, MIGPLAN__RS_PREPARE,
	               migplan__rfmt(m, "the batches: ranges of `%s` holding about %llu rows each (the "
	                             "checkpoint list: keep its output)", b->column,
	                             (unsigned long long)b->batch_rows), &sb);
}

static int batched(const migplan__batching *b)
{
	return b && b->by != MIGPLAN__BATCH_SINGLE;
}

/* The batch's condition, for a statement on a table that has the batching column. */
static void batch_cond(migplan__sb *sb, const migplan__batching *b)
{
	if (!batched(b))
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

/* " AND <the batch's condition>", or nothing when the work is not batched. */
static void batch_where(migplan__sb *sb, const migplan__batching *b)
{
	if (!batched(b))
		return;
	migplan__sb_puts(sb, " AND ");
	batch_cond(sb, b);
}

static void set_params(migplan__rsql *q, const migplan__batching *b, const migplan__rsql *from)
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

static int is_number(const char *s)
{
	if (!s || !*s)
		return 0;
	for (const char *p = s; *p; p++)
		if ((*p < '0' || *p > '9') && *p != '.')
			return 0;
	return 1;
}

static void setting_value(migplan__sb *sb, const char *v)
{
	if (is_number(v))
		migplan__sb_puts(sb, v);
	else
		migplan__sb_literal(sb, v ? v : "");
}

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
			alter(&sb, db, migplan_op_table_name(op));
			migplan__sb_puts(&sb, "MODIFY SETTING ");
		} else {
			migplan__sb_puts(&sb, ", ");
		}
		migplan__sb_printf(&sb, "%s = ", k);
		setting_value(&sb, v);
	}
	if (n)
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the settings it changed", &sb);
	n = 0;
	for (size_t i = 0; i < migplan_node_count(after); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(after, i), NULL);
		if (migplan_node_get(before, k))
			continue;
		if (!n++) {
			alter(&sb, db, migplan_op_table_name(op));
			migplan__sb_puts(&sb, "RESET SETTING ");
		} else {
			migplan__sb_puts(&sb, ", ");
		}
		migplan__sb_puts(&sb, k);
	}
	if (n)
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "reset the settings it added", &sb);
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
		const migplan_column *c = column_of(t, migplan_op_column_name(op));
		*why = "the values are gone: this adds the column back with its default";
		if (!c)
			return MIGPLAN__RB_NO;
		alter(&sb, db, migplan_op_table_name(op));
		migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
		migplan__sql_column_def(&sb, c, NULL);
		after_clause(&sb, t, migplan_column_name(c));
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
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
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "drop the new table `%s` (rows written to it since go with it)", t), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		migplan__sb_puts(&sb, "DROP VIEW IF EXISTS ");
		migplan__sb_qualified(&sb, db, t);
		migplan__sb_puts(&sb, " SYNC");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop the new view `%s`", t), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
		migplan__sb_ident(&sb, migplan_op_column_name(op));
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "drop the new column `%s`", migplan_op_column_name(op)), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sql_column_def(&sb, migplan_op_before_column(op), NULL);
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "give `%s` its old definition back (the change is safe both ways)",
		                      migplan_op_column_name(op)), &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
		inverse_settings(m, s, op, db);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		alter(&sb, db, t);
		if (migplan_op_before_expression(op))
			migplan__sb_printf(&sb, "MODIFY TTL %s", migplan_op_before_expression(op));
		else
			migplan__sb_puts(&sb, "REMOVE TTL");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the old TTL", &sb);
		*why = "rows the new TTL expired in between are gone";
		return MIGPLAN__RB_PARTIAL;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
	case MIGPLAN_OP_ADD_TABLE_PROJECTION: {
		int ix = migplan_op_kind_of(op) == MIGPLAN_OP_ADD_TABLE_INDEX;
		alter(&sb, db, t);
		migplan__sb_puts(&sb, ix ? "DROP INDEX IF EXISTS " : "DROP PROJECTION IF EXISTS ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
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
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "ADD ");
		migplan__sql_index_def(&sb, old);
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "add the old index back", &sb);
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "MATERIALIZE INDEX ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "build it for the existing parts", &sb);
		return MIGPLAN__RB_YES;
	}
	case MIGPLAN_OP_DROP_TABLE_PROJECTION: {
		const char *body = remote_projection(before, migplan_op_object_name(op));
		if (!body) {
			*why = "the projection's definition is not in remote_state.json";
			return MIGPLAN__RB_PARTIAL;
		}
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "ADD PROJECTION IF NOT EXISTS ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_printf(&sb, " (%s)", body);
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "add the old projection back", &sb);
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "MATERIALIZE PROJECTION ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
		migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "build it for the existing parts", &sb);
		return MIGPLAN__RB_YES;
	}
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
	case MIGPLAN_OP_REMOVE_SAMPLE_BY:
		alter(&sb, db, t);
		if (before && migplan_table_sample_by(before))
			migplan__sb_printf(&sb, "MODIFY SAMPLE BY %s", migplan_table_sample_by(before));
		else
			migplan__sb_puts(&sb, "REMOVE SAMPLE BY");
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "restore the old SAMPLE BY", &sb);
		return MIGPLAN__RB_YES;
	case MIGPLAN_OP_RAW_SQL:
		*why = "hand-written SQL has no known inverse: write it before deploying";
		return MIGPLAN__RB_NO;
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_VIEW:
		return inverse_drop(m, s, op, db, why);
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		alter(&sb, db, t);
		migplan__sb_puts(&sb, "RENAME COLUMN ");
		migplan__sb_ident(&sb, migplan_op_new_column_name(op));
		migplan__sb_puts(&sb, " TO ");
		migplan__sb_ident(&sb, migplan_op_column_name(op));
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "rename the column back", &sb);
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
		migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK, "the new tables and views exist", &sb);
		if (q) {
			q->expect = migplan__rfmt(m, "%zu", nt);
			q->expect_tsv = q->expect;
		}
	}
	if (nc) {
		migplan__sb_printf(&sb, "SELECT count() AS present\nFROM system.columns\nWHERE (database, table, name, type) IN (%s)",
		                   cols.ptr ? cols.ptr : "");
		migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
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
static void mutation_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table)
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
	migplan__rsql *q = add_sql(m, s, &s->progress, MIGPLAN__RS_PROGRESS,
	                           migplan__rfmt(m, "mutations left on `%s`: parts still to rewrite", table), &sb);
	if (q)
		q->expect = "0 mutations running when the step is done; failing must stay 0";
}

static void count_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() AS rows\nFROM ");
	migplan__sb_qualified(&sb, db, table);
	add_sql(m, s, &s->progress, MIGPLAN__RS_PROGRESS, migplan__rfmt(m, "rows in `%s` so far", table), &sb);
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
				count_progress(m, s, b->database, b->target);
			else
				mutation_progress(m, s, b->database, b->target);
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
		if (rb > s->rollback || (rb == s->rollback && !why && w)) {
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
		         MUTATION_BYTES_PER_S;
		mutation_progress(m, s, t->database, t->name);
	}
	if (unknown) {
		s->est_seconds = -1;
		s->est_basis = "unknown: hand-written SQL or a column rewrite on a table whose size is not given";
	} else if (work) {
		s->est_seconds = total;
		s->est_basis = "column rewrites (mutations) at 50 MB/s of the column's share of the table";
	} else {
		instant(m, s);
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
	migplan__rstep *s = migplan__rstep_new(m, phase, MIGPLAN__ACT_MOOSE, -1,
	                                       migplan__rfmt(m, "%s: `moose migrate` applies operation%s %s",
	                                                     expand ? "Deploy the first plan" : "Deploy the contract plan",
	                                                     n == 1 ? "" : "s", list));
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
		migplan__rsql *q = add_sql(m, s, &s->sql, MIGPLAN__RS_STEP,
		                           migplan__rfmt(m, "copy what `%s` would have written for the existing rows",
		                                         migplan_op_table_name(op)), &sb);
		count_progress(m, s, tdb, migplan_op_target_table(op));
		migplan__sb_puts(&sb, "TRUNCATE TABLE ");
		migplan__sb_qualified(&sb, tdb, migplan_op_target_table(op));
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        "empty the target again (it only holds what this step and the view wrote)", &sb);
		s->rollback_why = "the target also loses what the view wrote since it was created";
		s->rollback = MIGPLAN__RB_PARTIAL;
		migplan__rtable *t = migplan__rtable_find(m, tdb, migplan_op_target_table(op));
		estimate(m, s, t, COPY_BYTES_PER_S, 1, "to aggregate");
		migplan__rbackfill *b = migplan__arena_zalloc(&m->arena, sizeof(*b));
		if (!b || !q) {
			migplan__rmodel_oom(m);
			return;
		}
		b->kind = MIGPLAN__BF_MV_POPULATE;
		b->database = tdb;
		b->target = migplan_op_target_table(op);
		b->source = migplan_op_table_name(op);
		b->op = (long)i;
		b->step = s;
		b->sql = q->sql;
		b->what = migplan__rfmt(m, "`%s` (target of the new materialized view `%s`) starts empty",
		                        b->target, b->source);
		migplan__rpush(m, &m->backfills, b);
	}
}

/* ---------------------------------------------------------------- rebuilds and version bumps */

/* How a copy converts a column: 1 with CAST (every value converts, maybe rounded), 2 with
 * accurateCast, which stops the copy at a value the new type cannot hold instead of wrapping it. */
static int cast_kind(migplan__rmodel *m, const migplan_column *old, const migplan_column *c)
{
	migplan_type_change *tc = NULL;
	if (migplan_column_change_judge(&tc, old, c) != MIGPLAN_OK) {
		migplan_error_clear();
		return 1;
	}
	migplan__rpush(m, &m->owned_tc, tc);
	return migplan__cause_fails(migplan_type_change_cause(tc)) ? 2 : 1;
}

/* The column list of a copy into @p after from @p before: new columns that exist in the old
 * table, each cast when its type changes. *cols gets the target columns, *exprs the values. */
static void copy_columns(migplan__rmodel *m, migplan__sb *cols, migplan__sb *exprs, const migplan_table *before,
                         const migplan_table *after)
{
	size_t n = 0;
	for (size_t i = 0; after && i < migplan_table_column_count(after); i++) {
		const migplan_column *c = migplan_table_column_at(after, i);
		const migplan_column *old = column_of(before, migplan_column_name(c));
		const char *to = migplan_column_clickhouse_type(c), *from = old ? migplan_column_clickhouse_type(old) : NULL;
		if (!old || migplan_column_materialized(c) || migplan_column_alias(c) || !to)
			continue;
		migplan__sb_puts(cols, n ? ", " : "");
		migplan__sb_puts(exprs, n++ ? ", " : "");
		migplan__sb_ident(cols, migplan_column_name(c));
		if (str_eq(from, to)) {
			migplan__sb_ident(exprs, migplan_column_name(c));
			continue;
		}
		migplan__sb_puts(exprs, cast_kind(m, old, c) == 2 ? "accurateCast(" : "CAST(");
		migplan__sb_ident(exprs, migplan_column_name(c));
		migplan__sb_puts(exprs, ", ");
		migplan__sb_literal(exprs, to);
		migplan__sb_putc(exprs, ')');
	}
}

/* "FROM old WHERE 1 [batch] AND cityHash64(tuple(values)) NOT IN (SELECT cityHash64(tuple(cols))
 * FROM new [WHERE batch])": the rows of the old table not yet in the new one. Makes every
 * batch idempotent, so a batch that failed halfway is simply run again. */
static void missing_rows(migplan__sb *sb, const char *db, const char *old, const char *new_table,
                         const char *cols, const char *exprs, const migplan__batching *b, int new_has_key)
{
	migplan__sb_puts(sb, "FROM ");
	migplan__sb_qualified(sb, db, old);
	migplan__sb_puts(sb, "\nWHERE ");
	if (batched(b)) {
		batch_cond(sb, b);
		migplan__sb_puts(sb, "\n    AND ");
	}
	migplan__sb_printf(sb, "cityHash64(tuple(%s)) NOT IN (\n        SELECT cityHash64(tuple(%s)) FROM ", exprs, cols);
	migplan__sb_qualified(sb, db, new_table);
	if (new_has_key && b && b->by == MIGPLAN__BATCH_RANGE) {
		migplan__sb_puts(sb, "\n        WHERE ");
		batch_cond(sb, b);
	}
	migplan__sb_puts(sb, ")");
}

typedef struct copy_ctx {
	const char *db, *old, *target;
	const char *cols, *exprs;
	const migplan__batching *b;
	int new_has_key;
} copy_ctx;

static void copy_statement(migplan__sb *sb, const copy_ctx *x, const migplan__batching *b)
{
	migplan__sb_puts(sb, "INSERT INTO ");
	migplan__sb_qualified(sb, x->db, x->target);
	migplan__sb_printf(sb, " (%s)\nSELECT %s\n", x->cols, x->exprs);
	missing_rows(sb, x->db, x->old, x->target, x->cols, x->exprs, b, x->new_has_key);
}

static void copy_setup(migplan__rmodel *m, migplan__rchange *c, copy_ctx *x)
{
	migplan__sb cols = MIGPLAN__SB_INIT, exprs = MIGPLAN__SB_INIT;
	const migplan__rtable *rt = migplan__rtable_find(m, c->database, c->table);
	copy_columns(m, &cols, &exprs, c->before, c->after);
	x->db = c->database;
	x->old = c->table;
	x->target = c->new_name;
	x->cols = migplan__rsb(m, &cols);
	x->exprs = migplan__rsb(m, &exprs);
	x->b = batching_for(m, c->before, rt);
	x->new_has_key = x->b && x->b->column && column_of(c->after, x->b->column) != NULL;
}

static void rebuild_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	migplan_sql *sql = NULL;
	if (c->kind != MIGPLAN__CH_REBUILD || !c->after)
		return;
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_EXPAND, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Create `%s` with the new definition of `%s`",
	                                                     c->new_name, c->table));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "The new definition of `%s` is created beside it under a temporary name; "
	                          "the old table keeps serving reads and writes.", c->table);
	if (migplan_table_to_sql(&sql, c->after, c->database, MIGPLAN_SQL_NONE) == MIGPLAN_OK && migplan_sql_count(sql)) {
		/* the statement starts with the table's qualified name: put the temporary name there */
		migplan__sb head = MIGPLAN__SB_INIT, sb = MIGPLAN__SB_INIT;
		migplan__sb_puts(&head, "CREATE TABLE IF NOT EXISTS ");
		migplan__sb_qualified(&head, c->database, migplan_table_name(c->after));
		const char *stmt = migplan_sql_at(sql, 0);
		if (head.ptr && strncmp(stmt, head.ptr, head.len) == 0) {
			migplan__sb_puts(&sb, "CREATE TABLE IF NOT EXISTS ");
			migplan__sb_qualified(&sb, c->database, c->new_name);
			migplan__sb_puts(&sb, stmt + head.len);
			add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "create `%s`", c->new_name), &sb);
		}
		migplan__sb_reset(&head);
	}
	migplan_sql_free(sql);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() AS present\nFROM system.tables\nWHERE database = ");
	migplan__sb_literal(&sb, c->database);
	migplan__sb_puts(&sb, " AND name = ");
	migplan__sb_literal(&sb, c->new_name);
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK, migplan__rfmt(m, "`%s` exists", c->new_name), &sb);
	if (q)
		q->expect = q->expect_tsv = "1";
	migplan__sb_puts(&sb, "DROP TABLE IF EXISTS ");
	migplan__sb_qualified(&sb, c->database, c->new_name);
	migplan__sb_puts(&sb, " SYNC");
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop the copy `%s`", c->new_name), &sb);
	s->rollback_why = "the copy is dropped; the old table was never touched";
	instant(m, s);
}

static void copy_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	copy_ctx x;
	if (!c->after || !c->before)
		return;
	copy_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_BACKFILL, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Copy the rows of `%s` into `%s`", c->table, x.target));
	if (!s)
		return;
	s->batching = x.b;
	s->gate = c->stop_q;
	s->gate_expect = c->stop_q ? c->stop_q->expect_tsv : NULL;
	s->detail = c->kind == MIGPLAN__CH_VERSION_BUMP
	            ? "Run the statement once per batch listed by the prepare query, pausing between batches to "
	              "throttle. Each batch copies only the rows of its range that the new version does not hold "
	              "yet, so it can be run again after a failure, and rows the new release already wrote are "
	              "left alone. Resume from the first batch whose check does not return 0."
	            : "Run the statement once per batch listed by the prepare query, pausing between batches to "
	              "throttle. Each batch copies only the rows of its range not copied yet, so a batch that "
	              "failed is simply run again. Resume from the first batch whose check does not return 0.";
	const migplan__rsql *list = batch_list(m, s, x.b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	copy_statement(&sb, &x, x.b);
	migplan__rsql *ins = add_sql(m, s, &s->sql, MIGPLAN__RS_STEP,
	                             migplan__rfmt(m, "copy one batch of `%s` into `%s` (values cast to the new types)",
	                                           c->table, x.target), &sb);
	set_params(ins, x.b, list);
	migplan__sb_puts(&sb, "SELECT count() AS missing\n");
	missing_rows(&sb, x.db, x.old, x.target, x.cols, x.exprs, x.b, x.new_has_key);
	migplan__rsql *chk = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                             "rows of the batch not in the copy yet", &sb);
	if (chk)
		chk->expect = chk->expect_tsv = "0";
	set_params(chk, x.b, list);
	migplan__sb_puts(&sb, "SELECT\n    (SELECT count() FROM ");
	migplan__sb_qualified(&sb, x.db, x.target);
	migplan__sb_puts(&sb, ") AS copied_rows,\n    (SELECT count() FROM ");
	migplan__sb_qualified(&sb, x.db, x.old);
	migplan__sb_puts(&sb, ") AS source_rows,\n    round(100 * copied_rows / greatest(source_rows, 1), 1) AS percent");
	add_sql(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rows copied against source rows", &sb);
	migplan__sb_puts(&sb, "SELECT elapsed, read_rows, written_rows, total_rows_approx,\n"
	                 "    round(read_rows / greatest(elapsed, 1)) AS rows_per_second,\n"
	                 "    round((total_rows_approx - read_rows) / greatest(read_rows / greatest(elapsed, 1), 1)) AS eta_seconds\n"
	                 "FROM system.processes\nWHERE position(query, ");
	migplan__sb_literal(&sb, migplan__rfmt(m, "INSERT INTO %s", migplan__qname(m, x.db, x.target)));
	migplan__sb_puts(&sb, ") > 0");
	add_sql(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rate and time left of the running batch", &sb);
	s->rollback_why = "nothing to undo: the old table is untouched; rolling back the earlier steps removes the copy";
	estimate(m, s, migplan__rtable_find(m, c->database, c->table), COPY_BYTES_PER_S, 1, "to copy");
	migplan__rbackfill *bf = migplan__arena_zalloc(&m->arena, sizeof(*bf));
	if (!bf || !ins) {
		migplan__rmodel_oom(m);
		return;
	}
	bf->kind = MIGPLAN__BF_COPY;
	bf->database = c->database;
	bf->source = c->table;
	bf->target = x.target;
	bf->op = -1;
	bf->step = s;
	bf->sql = ins->sql;
	bf->batching = x.b;
	bf->what = migplan__rfmt(m, "every row of `%s` is copied into `%s`", c->table, x.target);
	migplan__rpush(m, &m->backfills, bf);
}

static const migplan__rsql *copy_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	copy_ctx x;
	if (!c->after || !c->before)
		return NULL;
	copy_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_VALIDATE, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Check that `%s` holds every row of `%s`", x.target, c->table));
	if (!s)
		return NULL;
	migplan__sb sb = MIGPLAN__SB_INIT;
	int same_name = c->kind == MIGPLAN__CH_REBUILD;
	migplan__sb_puts(&sb, "SELECT\n");
	if (same_name) {
		migplan__sb_puts(&sb, "    (SELECT count() FROM ");
		migplan__sb_qualified(&sb, x.db, x.old);
		migplan__sb_puts(&sb, ") - (SELECT count() FROM ");
		migplan__sb_qualified(&sb, x.db, x.target);
		migplan__sb_puts(&sb, ") AS difference,\n");
	}
	migplan__sb inner = MIGPLAN__SB_INIT;
	migplan__sb_puts(&inner, "SELECT count()\n");
	missing_rows(&inner, x.db, x.old, x.target, x.cols, x.exprs, NULL, 0);
	migplan__sb_puts(&sb, "    (\n        ");
	for (const char *p = inner.ptr ? inner.ptr : ""; *p; p++) {
		migplan__sb_putc(&sb, *p);
		if (*p == '\n')
			migplan__sb_puts(&sb, "        ");
	}
	migplan__sb_reset(&inner);
	migplan__sb_puts(&sb, "\n    ) AS missing");
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                           same_name ? "the copy has as many rows as the table, and none is missing"
	                                     : "no row of the old version is missing from the new one", &sb);
	if (q) {
		q->expect = same_name ? "difference 0 and missing 0 (with writers paused)" : "missing 0";
		q->expect_tsv = same_name ? "0\t0" : "0";
	}
	migplan__sb_printf(&sb, "SELECT count() AS sampled_rows_missing\nFROM (\n    SELECT %s FROM ", x.exprs);
	migplan__sb_qualified(&sb, x.db, x.old);
	migplan__sb_printf(&sb, " WHERE cityHash64(tuple(%s)) %% 100 = 0\n    EXCEPT\n    SELECT %s FROM ", x.exprs, x.cols);
	migplan__sb_qualified(&sb, x.db, x.target);
	migplan__sb_printf(&sb, " WHERE cityHash64(tuple(%s)) %% 100 = 0\n)", x.cols);
	migplan__rsql *sq = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                            "sampled row comparison: 1% of the old rows (chosen by hash, so the same rows on "
	                            "both sides) that are missing or different in the copy", &sb);
	if (sq) {
		sq->expect = sq->expect_tsv = "0";
		sq->sample = 1;
	}
	s->detail = same_name ? "Writes to the old table after the last batch are not in the copy yet: the "
	                        "cutover copies them again right before the swap."
	                      : "Rows written to the old version after the last batch are copied by the catch-up "
	                        "step after the release.";
	s->rollback_why = "read-only";
	estimate(m, s, migplan__rtable_find(m, c->database, c->table), COPY_BYTES_PER_S, 2, "to read twice");
	return q;
}

static void rebuild_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
{
	copy_ctx x;
	if (c->kind != MIGPLAN__CH_REBUILD || !c->after || !c->before)
		return;
	copy_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Swap `%s` and `%s` (EXCHANGE TABLES)", c->table, x.target));
	if (!s)
		return;
	s->gate = gate;
	s->gate_expect = gate ? gate->expect_tsv : NULL;
	s->detail = migplan__rfmt(m, "Pause writers to `%s` for the two statements: the first copies the rows "
	                          "written since the last batch, the second swaps the tables atomically. Views "
	                          "and materialized views keep reading `%s`, which now has the new definition "
	                          "(EXCHANGE keeps names; RENAME would move their dependency). `%s` then holds the "
	                          "old table and its rows until the contract.",
	                          c->table, c->table, x.target);
	migplan__sb sb = MIGPLAN__SB_INIT;
	copy_statement(&sb, &x, NULL);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "copy the rows written since the last batch", &sb);
	migplan__sb_puts(&sb, "EXCHANGE TABLES ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_puts(&sb, " AND ");
	migplan__sb_qualified(&sb, c->database, x.target);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "swap the two tables atomically", &sb);
	migplan__sb_puts(&sb, "EXCHANGE TABLES ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_puts(&sb, " AND ");
	migplan__sb_qualified(&sb, c->database, x.target);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "swap them back", &sb);
	s->rollback = MIGPLAN__RB_PARTIAL;
	s->rollback_why = migplan__rfmt(m, "rows written after the swap end up in `%s` (the new definition) and "
	                                "must be copied back by hand", x.target);
	instant(m, s);
}

static void version_catch_up(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	copy_ctx x;
	if (c->kind != MIGPLAN__CH_VERSION_BUMP || !c->after || !c->before)
		return;
	copy_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Copy the rows written to `%s` until the release", c->table));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "Once no writer uses `%s` any more, copy what it received since the last "
	                          "batch (only rows not yet in `%s` are copied).", c->table, x.target);
	migplan__sb sb = MIGPLAN__SB_INIT;
	copy_statement(&sb, &x, NULL);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "the last catch-up copy", &sb);
	migplan__sb_puts(&sb, "SELECT count() AS missing\n");
	missing_rows(&sb, x.db, x.old, x.target, x.cols, x.exprs, NULL, 0);
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK, "no row of the old version is missing", &sb);
	if (q)
		q->expect = q->expect_tsv = "0";
	s->rollback_why = "nothing to undo: the old version is untouched";
	estimate(m, s, migplan__rtable_find(m, c->database, c->table), COPY_BYTES_PER_S, 1, "to scan");
}

/* ---------------------------------------------------------------- type changes */

typedef struct type_ctx {
	const char *shadow;      /* the shadow column's name */
	const char *old_name;    /* the old column's name after the swap */
	const char *shadow_type;
	int nullable_to;
	const migplan_column *after;
	const migplan_column *before;
} type_ctx;

static void type_setup(migplan__rmodel *m, const migplan__rchange *c, type_ctx *x)
{
	x->shadow = c->new_name;
	x->old_name = migplan__rfmt(m, "%s__migplan_old", c->column);
	x->after = migplan_op_column(c->op);
	x->before = migplan_op_before_column(c->op);
	x->shadow_type = shadow_type(m, migplan_type_change_to(c->tc), &x->nullable_to);
}

static void type_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	type_ctx x;
	type_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_EXPAND, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Add the shadow column `%s` %s to `%s`", x.shadow,
	                                                     x.shadow_type, c->table));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "The new type goes into a new nullable column beside `%s`: ADD COLUMN "
	                          "rewrites no part (old rows read NULL until the backfill), and `%s` keeps its "
	                          "values until the contract.", c->column, c->column);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_printf(&sb, " %s AFTER ", x.shadow_type);
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "add `%s`", x.shadow), &sb);
	migplan__sb_puts(&sb, "SELECT count() AS present\nFROM system.columns\nWHERE database = ");
	migplan__sb_literal(&sb, c->database);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, c->table);
	migplan__sb_puts(&sb, " AND name = ");
	migplan__sb_literal(&sb, x.shadow);
	migplan__sb_puts(&sb, " AND type = ");
	migplan__sb_literal(&sb, x.shadow_type);
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK, migplan__rfmt(m, "`%s` exists", x.shadow), &sb);
	if (q)
		q->expect = q->expect_tsv = "1";
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, x.shadow);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop `%s`", x.shadow), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` was never touched", c->column);
	instant(m, s);
}

static void type_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	type_ctx x;
	type_setup(m, c, &x);
	const migplan__rtable *rt = migplan__rtable_find(m, c->database, c->table);
	const migplan__batching *b = batching_for(m, c->before, rt);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_BACKFILL, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Convert `%s` into `%s`", c->column, x.shadow));
	if (!s)
		return;
	s->batching = b;
	s->detail = migplan__cause_fails(migplan_type_change_cause(c->tc))
	            ? migplan__rfmt(m, "One mutation per batch, waited for (mutations_sync = 2), so the batch "
	                            "list is the checkpoint. Values %s cannot hold stay NULL and are counted, "
	                            "never wrapped. Rows already converted are skipped, so a batch can run again.",
	                            migplan_type_change_to(c->tc))
	            : migplan__rfmt(m, "One mutation per batch, waited for (mutations_sync = 2), so the batch "
	                            "list is the checkpoint. Values are converted with an explicit CAST (%s). "
	                            "Rows already converted are skipped, so a batch can run again.",
	                            migplan_type_change_reason(c->tc));
	const migplan__rsql *list = batch_list(m, s, b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, " = ");
	convert_expr(m, &sb, c, x.shadow_type);
	migplan__sb_puts(&sb, "\nWHERE isNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ") AND isNotNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_putc(&sb, ')');
	batch_where(&sb, b);
	migplan__sb_puts(&sb, "\nSETTINGS mutations_sync = 2");
	migplan__rsql *q = add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "convert one batch", &sb);
	set_params(q, b, list);
	migplan__sb_puts(&sb, "SELECT countIf(isNotNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ")) AS converted_rows, count() AS total_rows,\n"
	                 "    round(100 * converted_rows / greatest(total_rows, 1), 1) AS percent\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	add_sql(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rows converted so far", &sb);
	mutation_progress(m, s, c->database, c->table);
	s->rollback_why = migplan__rfmt(m, "nothing to undo: only `%s` was written", x.shadow);
	estimate(m, s, rt, MUTATION_BYTES_PER_S,
	         c->before && migplan_table_column_count(c->before) ? 1.0 / (double)migplan_table_column_count(c->before) : 1,
	         "(the column's share of the table) to rewrite");
	migplan__rbackfill *bf = migplan__arena_zalloc(&m->arena, sizeof(*bf));
	if (!bf || !q) {
		migplan__rmodel_oom(m);
		return;
	}
	bf->kind = MIGPLAN__BF_COLUMN;
	bf->database = c->database;
	bf->source = c->table;
	bf->target = c->table;
	bf->column = x.shadow;
	bf->op = (long)migplan_op_index(c->op);
	bf->step = s;
	bf->sql = q->sql;
	bf->batching = b;
	bf->what = migplan__rfmt(m, "`%s` is filled from `%s` converted to %s", x.shadow, c->column,
	                         migplan_type_change_to(c->tc));
	migplan__rpush(m, &m->backfills, bf);
}

static const migplan__rsql *type_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	type_ctx x;
	type_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_VALIDATE, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Count the values of `%s` that did not convert", c->column));
	if (!s)
		return NULL;
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT countIf(isNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ") AND isNotNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ")) AS not_converted, countIf(isNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ")) AS null_values\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                           migplan__rfmt(m, "values of `%s` that %s cannot hold, and NULLs left", c->column,
	                                         migplan_type_change_to(c->tc)), &sb);
	if (q) {
		q->expect = x.nullable_to ? "not_converted equals the preflight count of lost rows"
		                          : "0 and 0: every value converted and no NULL left (required before the "
		                            "column becomes non-nullable)";
		q->expect_tsv = x.nullable_to ? NULL : "0\t0";
		q->baseline = NULL;
	}
	migplan__sb_puts(&sb, "SELECT ");
	if (c->before && migplan_table_order_by_count(c->before)) {
		migplan__sb_ident(&sb, migplan_table_order_by_at(c->before, 0));
		migplan__sb_puts(&sb, ", ");
	}
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " AS old_value, ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, " AS new_value\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "\nWHERE isNotNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ") AND NOT (toString(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ") <=> toString(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, "))\nLIMIT 20");
	migplan__rsql *sq = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                            "sampled row comparison: up to 20 rows whose value reads differently after the "
	                            "conversion (NULL: did not convert)", &sb);
	if (sq) {
		sq->expect = "read them: they are exactly what the conversion changes";
		sq->sample = 1;
	}
	s->detail = x.nullable_to
	            ? "Rows counted here keep NULL in the new column: decide what they hold before the cutover."
	            : migplan__rfmt(m, "The cutover makes the column %s, which has no NULL: every row counted here "
	                            "needs a value first (an UPDATE of the shadow column, decided by the owner "
	                            "of the data). Do not go on until this returns 0 and 0.",
	                            migplan_type_change_to(c->tc));
	s->rollback_why = "read-only";
	estimate(m, s, migplan__rtable_find(m, c->database, c->table), COPY_BYTES_PER_S,
	         c->before && migplan_table_column_count(c->before) ? 2.0 / (double)migplan_table_column_count(c->before) : 1,
	         "(two columns) to read");
	return q;
}

static void type_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
{
	type_ctx x;
	type_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Swap `%s` and `%s` by renaming", c->column, x.shadow));
	if (!s)
		return;
	s->gate = gate;
	s->gate_expect = gate ? gate->expect_tsv : NULL;
	s->detail = migplan__rfmt(m, "With the release of the application that expects %s: convert the rows "
	                          "written since the backfill, then rename both columns in one ALTER (metadata "
	                          "only, atomic). `%s` now has the new type; the old values stay in `%s` until "
	                          "the contract.", migplan_type_change_to(c->tc), c->column, x.old_name);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, " = ");
	convert_expr(m, &sb, c, x.shadow_type);
	migplan__sb_puts(&sb, "\nWHERE isNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ") AND isNotNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ")\nSETTINGS mutations_sync = 2");
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "convert the rows written since the backfill", &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "RENAME COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " TO ");
	migplan__sb_ident(&sb, x.old_name);
	migplan__sb_puts(&sb, ", RENAME COLUMN ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, " TO ");
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "swap the columns", &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "RENAME COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " TO ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ", RENAME COLUMN ");
	migplan__sb_ident(&sb, x.old_name);
	migplan__sb_puts(&sb, " TO ");
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "swap the columns back", &sb);
	s->rollback = MIGPLAN__RB_PARTIAL;
	s->rollback_why = migplan__rfmt(m, "rows written after the swap have no value in the old column "
	                                "(they get its default)");
	instant(m, s);
	if (x.nullable_to)
		return;
	migplan__sb_puts(&sb, "SELECT countIf(isNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ")) AS null_values\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *nulls = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                               migplan__rfmt(m, "rows of `%s` without a value", c->column), &sb);
	if (nulls)
		nulls->expect = nulls->expect_tsv = "0";
	/* constraints last: the column becomes non-nullable only when every row has a value */
	migplan__rstep *k = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Make `%s` %s", c->column, migplan_type_change_to(c->tc)));
	if (!k)
		return;
	k->gate = nulls;
	k->gate_expect = "0";
	k->detail = "Constraints last: the column loses Nullable only now. This rewrites the column in every "
	            "part (a mutation), and fails if a NULL is left.";
	const char *to = migplan_column_clickhouse_type(x.after);
	int expr = migplan_column_default(x.after) || migplan_column_materialized(x.after) || migplan_column_alias(x.after);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	if (expr) {
		migplan__sql_column_def(&sb, x.after, c->column);
	} else {
		/* ClickHouse takes Nullable away only with a DEFAULT for the NULLs (the gate says there
		 * are none); the DEFAULT is removed right after */
		migplan__sb_ident(&sb, c->column);
		migplan__sb_printf(&sb, " %s DEFAULT defaultValueOfTypeName(", to ? to : "String");
		migplan__sb_literal(&sb, to ? to : "String");
		migplan__sb_putc(&sb, ')');
	}
	migplan__sb_puts(&sb, " SETTINGS mutations_sync = 2");
	add_sql(m, k, &k->sql, MIGPLAN__RS_STEP, "drop Nullable from the column", &sb);
	if (!expr) {
		alter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sb_ident(&sb, c->column);
		migplan__sb_puts(&sb, " REMOVE DEFAULT");
		add_sql(m, k, &k->sql, MIGPLAN__RS_STEP, "remove the DEFAULT that was only needed for that", &sb);
	}
	if (!expr && (migplan_column_comment(x.after) || migplan_column_codec(x.after) || migplan_column_ttl(x.after))) {
		alter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sql_column_def(&sb, x.after, c->column);
		add_sql(m, k, &k->sql, MIGPLAN__RS_STEP, "give the column the rest of its definition", &sb);
	}
	mutation_progress(m, k, c->database, c->table);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_printf(&sb, " %s SETTINGS mutations_sync = 2", x.shadow_type);
	add_sql(m, k, &k->rollback_sql, MIGPLAN__RS_ROLLBACK, "make it nullable again", &sb);
	k->rollback_why = "the values are kept";
	estimate(m, k, migplan__rtable_find(m, c->database, c->table), MUTATION_BYTES_PER_S,
	         c->before && migplan_table_column_count(c->before) ? 1.0 / (double)migplan_table_column_count(c->before) : 1,
	         "(the column's share of the table) to rewrite");
}

static void type_contract(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	type_ctx x;
	type_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CONTRACT, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Drop the old column `%s`", x.old_name));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "After stabilisation. The old %s values are destroyed.",
	                          migplan_type_change_from(c->tc));
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, x.old_name);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", x.old_name), &sb);
	if (x.before) {
		alter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
		migplan__sql_column_def(&sb, x.before, x.old_name);
		after_clause(&sb, c->before, c->column);
		add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "add `%s` back (its values are not restored)", x.old_name), &sb);
	}
	s->rollback = MIGPLAN__RB_NO;
	s->rollback_why = "the old values are gone: only the column comes back, with its default";
	s->point_of_no_return = 1;
	instant(m, s);
}

/* ---------------------------------------------------------------- renames */

static void rename_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	const migplan_column *old = column_of(c->before, c->column);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_EXPAND, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Add `%s` as a copy of `%s`", c->new_name, c->column));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "`%s` gets DEFAULT `%s`: ADD COLUMN rewrites no part, old rows read the "
	                          "value of `%s`, and inserts that only name `%s` fill both.", c->new_name,
	                          c->column, c->column, c->column);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_printf(&sb, " %s DEFAULT ", old && migplan_column_clickhouse_type(old)
	                                         ? migplan_column_clickhouse_type(old) : "String");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " AFTER ");
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "add `%s`", c->new_name), &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, c->new_name);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop `%s`", c->new_name), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` was never touched", c->column);
	instant(m, s);
}

static void rename_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	const migplan__rtable *rt = migplan__rtable_find(m, c->database, c->table);
	const migplan__batching *b = batching_for(m, c->before, rt);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_BACKFILL, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Store the values of `%s` in `%s`", c->column, c->new_name));
	if (!s)
		return;
	s->batching = b;
	s->detail = migplan__rfmt(m, "Until now `%s` is computed from `%s` on read; this writes it into every "
	                          "part, so `%s` can be dropped later. One mutation per batch, waited for; "
	                          "running a batch again is harmless.", c->new_name, c->column, c->column);
	const migplan__rsql *list = batch_list(m, s, b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " = ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, "\nWHERE ");
	if (batched(b))
		batch_cond(&sb, b);
	else
		migplan__sb_puts(&sb, "1");
	migplan__sb_puts(&sb, "\nSETTINGS mutations_sync = 2");
	migplan__rsql *q = add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, "store one batch", &sb);
	set_params(q, b, list);
	mutation_progress(m, s, c->database, c->table);
	s->rollback_why = "nothing to undo: the values are equal";
	estimate(m, s, rt, MUTATION_BYTES_PER_S,
	         c->before && migplan_table_column_count(c->before) ? 1.0 / (double)migplan_table_column_count(c->before) : 1,
	         "(the column's share of the table) to rewrite");
	migplan__rbackfill *bf = migplan__arena_zalloc(&m->arena, sizeof(*bf));
	if (!bf || !q) {
		migplan__rmodel_oom(m);
		return;
	}
	bf->kind = MIGPLAN__BF_COLUMN;
	bf->database = c->database;
	bf->source = c->table;
	bf->target = c->table;
	bf->column = c->new_name;
	bf->op = (long)migplan_op_index(c->op);
	bf->step = s;
	bf->sql = q->sql;
	bf->batching = b;
	bf->what = migplan__rfmt(m, "`%s` is written from `%s` in every part", c->new_name, c->column);
	migplan__rpush(m, &m->backfills, bf);
}

static const migplan__rsql *rename_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_VALIDATE, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Check that `%s` equals `%s` on every row", c->new_name, c->column));
	if (!s)
		return NULL;
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT countIf(NOT (");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " <=> ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ")) AS different\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *q = add_sql(m, s, &s->checks, MIGPLAN__RS_CHECK, "rows where the two columns differ", &sb);
	if (q)
		q->expect = q->expect_tsv = "0";
	s->detail = "A difference means a writer sets only one of the two names: find it before the contract.";
	s->rollback_why = "read-only";
	estimate(m, s, migplan__rtable_find(m, c->database, c->table), COPY_BYTES_PER_S,
	         c->before && migplan_table_column_count(c->before) ? 2.0 / (double)migplan_table_column_count(c->before) : 1,
	         "(two columns) to read");
	return q;
}

static void rename_contract(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
{
	const migplan_column *old = column_of(c->before, c->column);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CONTRACT, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Drop the old name `%s`", c->column));
	if (!s)
		return;
	s->gate = gate;
	s->gate_expect = gate ? gate->expect_tsv : NULL;
	s->detail = migplan__rfmt(m, "After stabilisation, when nothing reads or writes `%s` any more: `%s` "
	                          "stops being computed from it, then `%s` is dropped.", c->column, c->new_name,
	                          c->column);
	migplan__sb sb = MIGPLAN__SB_INIT;
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " REMOVE DEFAULT");
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "`%s` no longer depends on `%s`", c->new_name, c->column), &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", c->column), &sb);
	/* rolled back in reverse: the old column comes back with the values of the new one */
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_printf(&sb, " %s DEFAULT ", old && migplan_column_clickhouse_type(old)
	                                         ? migplan_column_clickhouse_type(old) : "String");
	migplan__sb_ident(&sb, c->new_name);
	after_clause(&sb, c->before, c->column);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "add `%s` back from `%s`", c->column, c->new_name), &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " = ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " WHERE 1 SETTINGS mutations_sync = 2");
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "store its values", &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " REMOVE DEFAULT");
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "and make it independent again", &sb);
	alter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " DEFAULT ");
	migplan__sb_ident(&sb, c->column);
	add_sql(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "`%s` follows `%s` again", c->new_name, c->column), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` is rebuilt from `%s`, which holds the same values", c->column, c->new_name);
	instant(m, s);
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
	instant(m, s);
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
	s->est_seconds = known ? 1 + 3 * bytes / COPY_BYTES_PER_S : -1;
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
			rebuild_expand(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			type_expand(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			rename_expand(m, c, (long)i);
	}
	app_release(m, MIGPLAN__PH_EXPAND, 1);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD || c->kind == MIGPLAN__CH_VERSION_BUMP)
			copy_backfill(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			type_backfill(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			rename_backfill(m, c, (long)i);
	}
	mv_backfills(m);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD || c->kind == MIGPLAN__CH_VERSION_BUMP)
			gates[i] = copy_validate(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			gates[i] = type_validate(m, c, (long)i);
		else if (c->kind == MIGPLAN__CH_RENAME_COLUMN)
			gates[i] = rename_validate(m, c, (long)i);
	}
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD)
			rebuild_cutover(m, c, (long)i, gates[i]);
		else if (c->kind == MIGPLAN__CH_TYPE_CHANGE)
			type_cutover(m, c, (long)i, gates[i]);
	}
	app_release(m, MIGPLAN__PH_CUTOVER, 0);
	for (size_t i = 0; i < n; i++)
		version_catch_up(m, change_at(m, i), (long)i);
	stabilise(m);
	moose_step(m, MIGPLAN__OP_CONTRACT, MIGPLAN__PH_CONTRACT);
	link_moose_step(m, MIGPLAN__OP_CONTRACT);
	for (size_t i = 0; i < n; i++) {
		migplan__rchange *c = change_at(m, i);
		if (c->kind == MIGPLAN__CH_REBUILD) {
			migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CONTRACT, MIGPLAN__ACT_OPERATOR, (long)i,
			                                       migplan__rfmt(m, "Drop `%s` (the old table)", c->new_name));
			migplan__sb sb = MIGPLAN__SB_INIT;
			if (!s)
				break;
			s->detail = migplan__rfmt(m, "After stabilisation. `%s` holds the old definition of `%s` and its rows "
			                          "as they were at the swap.", c->new_name, c->table);
			migplan__sb_puts(&sb, "DROP TABLE IF EXISTS ");
			migplan__sb_qualified(&sb, c->database, c->new_name);
			migplan__sb_puts(&sb, " SYNC");
			add_sql(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", c->new_name), &sb);
			s->rollback = MIGPLAN__RB_NO;
			s->rollback_why = "the old table and its rows are gone";
			s->point_of_no_return = 1;
			instant(m, s);
		} else if (c->kind == MIGPLAN__CH_TYPE_CHANGE) {
			type_contract(m, c, (long)i);
		} else if (c->kind == MIGPLAN__CH_RENAME_COLUMN) {
			rename_contract(m, c, (long)i, gates[i]);
		}
	}
	for (size_t i = 0; i < m->steps.count; i++)
		((migplan__rstep *)m->steps.items[i])->number = i + 1;
}
