/* The read-only queries around the rollout: the preflight audits (sizes, baselines, the rows a
 * change would lose), the post-deploy checks with their expected results, and the monitoring
 * of the first 24 hours (safety metrics with thresholds, progress metrics, gates per phase).
 * Every query here is a single SELECT on the tables or on ClickHouse's system tables. */
#include <string.h>

#include "migplan/typechange.h"

#include "report-private.h"

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static const migplan__rchange *change_on(const migplan__rmodel *m, migplan__change_kind kind,
                                         const char *db, const char *table, const char *column)
{
	for (size_t i = 0; i < m->changes.count; i++) {
		const migplan__rchange *c = m->changes.items[i];
		if (c->kind == kind && str_eq(c->database, db) && str_eq(c->table, table) &&
		    (!column || str_eq(c->column, column)))
			return c;
	}
	return NULL;
}

/* ---------------------------------------------------------------- checksums */

/* Where the rows of @p t are after the rollout, and with which definition. */
static const migplan_table *final_of(const migplan__rmodel *m, migplan__rtable *t)
{
	const migplan__rchange *vb = change_on(m, MIGPLAN__CH_VERSION_BUMP, t->database, t->name, NULL);
	if (vb) {
		t->final_name = vb->new_name;
		return vb->after;
	}
	const migplan__rchange *rb = change_on(m, MIGPLAN__CH_REBUILD, t->database, t->name, NULL);
	if ((t->roles & MIGPLAN__T_DROPPED) && !rb) {
		t->final_name = NULL;
		return NULL;
	}
	t->final_name = t->name;
	return rb && rb->after ? rb->after : t->after;
}

/* 1 when every value of @p from survives the cast to @p to unchanged (the judge's verdict). */
static int safe_cast(migplan__rmodel *m, const migplan_column *from, const migplan_column *to)
{
	migplan_type_change *tc = NULL;
	if (migplan_column_change_judge(&tc, from, to) != MIGPLAN_OK) {
		migplan_error_clear();
		return 0;
	}
	migplan__rpush(m, &m->owned_tc, tc);
	return migplan_type_change_verdict(tc) == MIGPLAN_VERDICT_SAFE;
}

/* The checksum covers the columns whose values the rollout keeps: read from the old table (cast
 * when a rebuild casts them) and from the table after the rollout (renamed ones by their new
 * name). Columns whose values change on purpose, or go, are left out and checked on their own. */
static void checksum_columns(migplan__rmodel *m, migplan__rtable *t)
{
	const migplan_table *fin = final_of(m, t);
	int copied = change_on(m, MIGPLAN__CH_VERSION_BUMP, t->database, t->name, NULL) ||
	             change_on(m, MIGPLAN__CH_REBUILD, t->database, t->name, NULL);
	migplan__sb before = MIGPLAN__SB_INIT, after = MIGPLAN__SB_INIT, names = MIGPLAN__SB_INIT;
	size_t n = 0;
	for (size_t i = 0; i < migplan_table_column_count(t->before); i++) {
		const migplan_column *c = migplan_table_column_at(t->before, i);
		const char *name = migplan_column_name(c), *to_name = name;
		const migplan__rchange *rn = change_on(m, MIGPLAN__CH_RENAME_COLUMN, t->database, t->name, name);
		if (migplan_column_alias(c) || !migplan_column_clickhouse_type(c))
			continue;
		if (fin && (change_on(m, MIGPLAN__CH_TYPE_CHANGE, t->database, t->name, name) ||
		            change_on(m, MIGPLAN__CH_DROP_COLUMN, t->database, t->name, name)))
			continue;
		if (rn)
			to_name = rn->new_name;
		const migplan_column *a = fin ? migplan_table_column_find(fin, to_name) : c;
		const char *ta = a ? migplan_column_clickhouse_type(a) : NULL;
		if (!a || !ta || (!str_eq(ta, migplan_column_clickhouse_type(c)) && (!copied || !safe_cast(m, c, a))))
			continue;
		migplan__sb_puts(&before, n ? ", " : "");
		migplan__sb_puts(&after, n ? ", " : "");
		migplan__sb_puts(&names, n++ ? ", " : "");
		migplan__sb_ident(&names, name);
		if (str_eq(ta, migplan_column_clickhouse_type(c))) {
			migplan__sb_ident(&before, name);
		} else {
			migplan__sb_puts(&before, "CAST(");
			migplan__sb_ident(&before, name);
			migplan__sb_puts(&before, ", ");
			migplan__sb_literal(&before, ta);
			migplan__sb_putc(&before, ')');
		}
		migplan__sb_ident(&after, to_name);
	}
	t->sum_before = n ? migplan__rsb(m, &before) : NULL;
	t->sum_after = n ? migplan__rsb(m, &after) : NULL;
	t->sum_names = n ? migplan__rsb(m, &names) : NULL;
	migplan__sb_reset(&before);
	migplan__sb_reset(&after);
	migplan__sb_reset(&names);
}

static void count_and_checksum(migplan__sb *sb, const char *db, const char *table, const char *values)
{
	migplan__sb_puts(sb, "SELECT count() AS rows");
	if (values)
		migplan__sb_printf(sb, ", sum(cityHash64(tuple(%s))) AS checksum", values);
	migplan__sb_puts(sb, "\nFROM ");
	migplan__sb_qualified(sb, db, table);
}

/* ---------------------------------------------------------------- preflight audits */

static void audit_size(migplan__rmodel *m, const migplan__rtable *t)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes_on_disk, count() AS active_parts, "
	                 "uniqExact(partition_id) AS partitions\nFROM system.parts\nWHERE database = ");
	migplan__sb_literal(&sb, t->database);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, t->name);
	migplan__sb_puts(&sb, " AND active");
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE,
	                                     migplan__rfmt(m, "size of `%s`.`%s` (give it to the report for "
	                                                   "durations and batch sizes)", t->database, t->name),
	                                     migplan__rsb(m, &sb));
	if (q)
		q->expect = "rows and bytes: the input of every estimate";
}

static void audit_baseline(migplan__rmodel *m, migplan__rtable *t)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	checksum_columns(m, t);
	count_and_checksum(&sb, t->database, t->name, t->sum_before);
	const char *purpose = t->sum_names
	                      ? migplan__rfmt(m, "baseline of `%s`.`%s`: row count and order-independent checksum "
	                                      "of %s", t->database, t->name, t->sum_names)
	                      : migplan__rfmt(m, "baseline of `%s`.`%s`: row count", t->database, t->name);
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE, purpose, migplan__rsb(m, &sb));
	if (q)
		q->expect = t->final_name ? "record it: the post-deploy check must return the same"
		                          : "record it: these rows are destroyed by the drop";
	t->count_q = q;
}

/* The rows a type change loses or alters, measured on the old column. */
static void audit_type_change(migplan__rmodel *m, migplan__rchange *c)
{
	migplan_change_cause cause = migplan_type_change_cause(c->tc);
	const char *from = migplan_type_change_from(c->tc), *to = migplan_type_change_to(c->tc);
	migplan__sb sb = MIGPLAN__SB_INIT;
	const char *purpose;
	migplan__sb_puts(&sb, "SELECT count() AS rows, countIf(");
	if (cause == MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED) {
		migplan__sb_puts(&sb, "isNull(");
		migplan__sb_ident(&sb, c->column);
		migplan__sb_puts(&sb, ")) AS null_values");
		purpose = migplan__rfmt(m, "rows of `%s`.`%s` whose `%s` is NULL: %s has no NULL, so each needs a "
		                        "value (the plan's ALTER fails on them)", c->database, c->table, c->column, to);
	} else if (migplan__cause_fails(cause)) {
		migplan__sql_fails(m, &sb, c->column, to);
		migplan__sb_puts(&sb, ") AS would_fail");
		purpose = migplan__rfmt(m, "rows of `%s`.`%s` whose `%s` %s cannot hold (%s): lost or wrapped by the "
		                        "plan's ALTER", c->database, c->table, c->column, to,
		                        migplan_type_change_cause_name(cause));
	} else {
		migplan__sql_altered(m, &sb, c->column, from, to);
		migplan__sb_puts(&sb, ") AS values_altered");
		purpose = migplan__rfmt(m, "rows of `%s`.`%s` whose `%s` reads or compares differently as %s (%s)",
		                        c->database, c->table, c->column, to, migplan_type_change_cause_name(cause));
	}
	migplan__sb_puts(&sb, "\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE, purpose, migplan__rsb(m, &sb));
	if (q)
		q->expect = "0 in the last column means no value is lost; otherwise that many rows need a decision";
	c->loss_q = q;
}

/* A rebuild or version bump casts columns whose type changes: the rows each cast alters. */
static void audit_copy_casts(migplan__rmodel *m, migplan__rchange *c)
{
	migplan__sb sb = MIGPLAN__SB_INIT, names = MIGPLAN__SB_INIT, stops = MIGPLAN__SB_INIT;
	size_t n = 0, nstops = 0;
	for (size_t i = 0; c->after && c->before && i < migplan_table_column_count(c->after); i++) {
		const migplan_column *a = migplan_table_column_at(c->after, i);
		const migplan_column *b = migplan_table_column_find(c->before, migplan_column_name(a));
		migplan_type_change *tc = NULL;
		if (!b || migplan_column_change_judge(&tc, b, a) != MIGPLAN_OK) {
			migplan_error_clear();
			continue;
		}
		migplan__rpush(m, &m->owned_tc, tc);
		if (migplan_type_change_verdict(tc) == MIGPLAN_VERDICT_SAFE ||
		    str_eq(migplan_type_change_from(tc), migplan_type_change_to(tc)))
			continue;
		migplan__sb_puts(&sb, n ? ",\n    countIf(" : "SELECT count() AS rows,\n    countIf(");
		migplan__sb_puts(&names, n++ ? ", " : "");
		migplan__sb_ident(&names, migplan_column_name(a));
		if (migplan__cause_fails(migplan_type_change_cause(tc)))
			migplan__sql_fails(m, &sb, migplan_column_name(a), migplan_type_change_to(tc));
		else
			migplan__sql_altered(m, &sb, migplan_column_name(a), migplan_type_change_from(tc),
			                     migplan_type_change_to(tc));
		migplan__sb_printf(&sb, ") AS %s_%s", migplan__cause_fails(migplan_type_change_cause(tc)) ? "fails" : "altered",
		                   migplan_column_name(a));
		/* values the copy's accurateCast refuses, and NULLs a required column cannot take */
		if (migplan__cause_fails(migplan_type_change_cause(tc))) {
			migplan__sb_puts(&stops, nstops++ ? "\n    OR " : "");
			migplan__sb_putc(&stops, '(');
			migplan__sql_fails(m, &stops, migplan_column_name(a), migplan_type_change_to(tc));
			migplan__sb_putc(&stops, ')');
		} else if (migplan_type_change_cause(tc) == MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED) {
			migplan__sb_puts(&stops, nstops++ ? "\n    OR " : "");
			migplan__sb_puts(&stops, "isNull(");
			migplan__sb_ident(&stops, migplan_column_name(a));
			migplan__sb_putc(&stops, ')');
		}
	}
	if (!n) {
		migplan__sb_reset(&names);
		migplan__sb_reset(&stops);
		return;
	}
	migplan__sb_puts(&sb, "\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE,
	                                     migplan__rfmt(m, "rows of `%s`.`%s` whose %s change when cast to the "
	                                                   "new definition", c->database, c->table,
	                                                   migplan__rsb(m, &names)),
	                                     migplan__rsb(m, &sb));
	if (q)
		q->expect = "0 in every count means the copy keeps every value as it reads today";
	c->loss_q = q;
	if (!nstops)
		return;
	migplan__sb_printf(&sb, "SELECT countIf(%s) AS rows_that_stop_the_copy\nFROM ", stops.ptr);
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_reset(&stops);
	q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE,
	                      migplan__rfmt(m, "rows of `%s`.`%s` the copy cannot convert: a value the new type "
	                                    "cannot hold, or a NULL for a required column, stops it", c->database,
	                                    c->table),
	                      migplan__rsb(m, &sb));
	if (q) {
		q->expect = "0, or the copy stops at the first such row: decide what they hold first";
		q->expect_tsv = "0";
	}
	c->stop_q = q;
}

static void audit_drop_column(migplan__rmodel *m, migplan__rchange *c)
{
	const migplan_column *col = c->before ? migplan_table_column_find(c->before, c->column) : NULL;
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (!col)
		return;
	migplan__sb_puts(&sb, "SELECT count() AS rows, countIf(");
	if (migplan_column_nullable(col)) {
		migplan__sb_puts(&sb, "isNotNull(");
		migplan__sb_ident(&sb, c->column);
		migplan__sb_putc(&sb, ')');
	} else {
		migplan__sb_ident(&sb, c->column);
		migplan__sb_puts(&sb, " != defaultValueOfArgumentType(");
		migplan__sb_ident(&sb, c->column);
		migplan__sb_putc(&sb, ')');
	}
	migplan__sb_puts(&sb, ") AS values_lost\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_BEFORE,
	                                     migplan__rfmt(m, "values of `%s`.`%s`.`%s` that the drop destroys (not "
	                                                   "NULL, not the type's default)", c->database, c->table,
	                                                   c->column),
	                                     migplan__rsb(m, &sb));
	if (q)
		q->expect = "values_lost is what a backup must keep if they matter";
	c->loss_q = q;
}

static int audited(const migplan__rtable *t)
{
	return t->before && (t->roles & (MIGPLAN__T_ALTERED | MIGPLAN__T_DROPPED | MIGPLAN__T_REBUILT |
	                                 MIGPLAN__T_BACKFILLED));
}

void migplan__rmodel_audits(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->tables.count; i++) {
		migplan__rtable *t = m->tables.items[i];
		if (!audited(t))
			continue;
		audit_size(m, t);
		audit_baseline(m, t);
	}
	for (size_t i = 0; i < m->changes.count; i++) {
		migplan__rchange *c = m->changes.items[i];
		if (c->kind == MIGPLAN__CH_TYPE_CHANGE && c->tc)
			audit_type_change(m, c);
		else if (c->kind == MIGPLAN__CH_REBUILD || c->kind == MIGPLAN__CH_VERSION_BUMP)
			audit_copy_casts(m, c);
		else if (c->kind == MIGPLAN__CH_DROP_COLUMN)
			audit_drop_column(m, c);
	}
}

/* ---------------------------------------------------------------- post-deploy checks */

/* ('db', 'table'), ... of the tables the rollout touches, under their names after it. */
static const char *table_list(migplan__rmodel *m, int after)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	size_t n = 0;
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		const char *name = t->name;
		if (after && t->before && audited(t))
			name = t->final_name;
		else if (after && !t->before && (t->roles & MIGPLAN__T_DROPPED))
			name = NULL;
		if (!name)
			continue;
		migplan__sb_puts(&sb, n++ ? ", (" : "(");
		migplan__sb_literal(&sb, t->database);
		migplan__sb_puts(&sb, ", ");
		migplan__sb_literal(&sb, name);
		migplan__sb_putc(&sb, ')');
	}
	if (!n) {
		migplan__sb_puts(&sb, "(");
		migplan__sb_literal(&sb, m->default_db);
		migplan__sb_puts(&sb, ", '')");
	}
	return migplan__rsb(m, &sb);
}

/* The columns of a table after the rollout, as system.columns lists them. */
static const char *expected_columns(migplan__rmodel *m, const migplan_table *def)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	for (size_t i = 0; i < migplan_table_column_count(def); i++) {
		const migplan_column *c = migplan_table_column_at(def, i);
		if (!migplan_column_clickhouse_type(c)) {
			migplan__sb_reset(&sb);
			return NULL;
		}
		migplan__sb_printf(&sb, "%s%s\t%s", i ? "\n" : "", migplan_column_name(c), migplan_column_clickhouse_type(c));
	}
	return migplan__rsb(m, &sb);
}

static int created_refused(const migplan__rmodel *m, const migplan__rtable *t)
{
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		if (m->ops[i].refused && str_eq(migplan__op_db(m, op), t->database) &&
		    str_eq(migplan_op_table_name(op), t->name))
			return 1;
	}
	return 0;
}

static void after_columns(migplan__rmodel *m, const char *db, const char *name, const migplan_table *def)
{
	const char *expect = def ? expected_columns(m, def) : NULL;
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (!expect)
		return;
	migplan__sb_puts(&sb, "SELECT name, type\nFROM system.columns\nWHERE database = ");
	migplan__sb_literal(&sb, db);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, name);
	migplan__sb_puts(&sb, "\nORDER BY position");
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_AFTER,
	                                     migplan__rfmt(m, "column types of `%s`.`%s`", db, name), migplan__rsb(m, &sb));
	if (q) {
		q->expect = migplan__rfmt(m, "exactly the columns of local_infra_map.json, in order: %s", expect);
		q->expect_tsv = expect;
	}
}

/* Rows of a table with a TTL expire at merges: its count may fall without anyone deleting. */
static int has_ttl(const migplan__rmodel *m, const migplan__rtable *t)
{
	if ((t->before && migplan_table_ttl(t->before)) || (t->after && migplan_table_ttl(t->after)))
		return 1;
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		if (migplan_op_kind_of(op) == MIGPLAN_OP_MODIFY_TABLE_TTL && str_eq(migplan__op_db(m, op), t->database) &&
		    str_eq(migplan_op_table_name(op), t->name))
			return 1;
	}
	return 0;
}

void migplan__rmodel_after(migplan__rmodel *m)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	for (size_t i = 0; i < m->tables.count; i++) {
		migplan__rtable *t = m->tables.items[i];
		if (!t->count_q || !t->final_name)
			continue;
		count_and_checksum(&sb, t->database, t->final_name, t->sum_after);
		migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_AFTER,
		                                     migplan__rfmt(m, "`%s`.`%s` kept its rows", t->database, t->final_name),
		                                     migplan__rsb(m, &sb));
		if (q && (t->roles & MIGPLAN__T_BACKFILLED) && !(t->roles & MIGPLAN__T_REBUILT)) {
			q->expect = "at least the baseline's rows: the backfill writes into this table";
		} else if (q && has_ttl(m, t)) {
			q->expect = "the baseline's rows minus those the table's TTL expired in between (it deletes rows "
			            "at merges)";
		} else if (q) {
			q->baseline = t->count_q;
			q->expect = "the same rows and checksum as the baseline (more rows only if writers were active)";
		}
	}
	for (size_t i = 0; i < m->tables.count; i++) {
		migplan__rtable *t = m->tables.items[i];
		const char *name = t->before && audited(t) ? t->final_name : t->name;
		const migplan_table *def = t->before && audited(t) ? final_of(m, t) : t->after;
		if (!name || !def || ((t->roles & MIGPLAN__T_DROPPED) && !t->before) || created_refused(m, t))
			continue;
		if (!(t->roles & (MIGPLAN__T_ALTERED | MIGPLAN__T_CREATED | MIGPLAN__T_REBUILT)))
			continue;
		after_columns(m, t->database, name, def);
	}
	migplan__sb_printf(&sb, "SELECT database, table, mutation_id, command, parts_to_do, latest_fail_reason\n"
	                   "FROM system.mutations\nWHERE (database, table) IN (%s)\n"
	                   "    AND (NOT is_done OR latest_fail_reason != '')", table_list(m, 1));
	migplan__rsql *q = migplan__rsql_new(m, MIGPLAN__RS_AFTER,
	                                     "mutations of the affected tables that are not done or failed",
	                                     migplan__rsb(m, &sb));
	if (q) {
		q->expect = "no rows";
		q->expect_tsv = "";
	}
}

/* ---------------------------------------------------------------- monitoring */

static migplan__rmetric *metric(migplan__rmodel *m, const char *name, const char *title, const migplan__rsql *q,
                                const char *unit, const char *pause, const char *rollback, const char *source,
                                int progress)
{
	migplan__rmetric *x = migplan__arena_zalloc(&m->arena, sizeof(*x));
	if (!x || !q) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	x->name = name;
	x->title = title;
	x->q = q;
	x->unit = unit;
	x->pause = pause;
	x->rollback = rollback;
	x->source = source;
	x->progress = progress;
	migplan__rpush(m, &m->metrics, x);
	return x;
}

static migplan__rsql *monitor(migplan__rmodel *m, const char *purpose, migplan__sb *sb)
{
	return migplan__rsql_new(m, MIGPLAN__RS_MONITOR, purpose, migplan__rsb(m, sb));
}

static uint64_t largest_copy(const migplan__rmodel *m)
{
	uint64_t max = 0;
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		if (t->have_stats && (t->roles & MIGPLAN__T_REBUILT) && t->bytes > max)
			max = t->bytes;
	}
	return max;
}

static const char *free_threshold(migplan__rmodel *m, uint64_t need)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_printf(&sb, "free_percent < 20 or free_bytes < %llu (", (unsigned long long)need);
	migplan__bytes(&sb, need);
	migplan__sb_putc(&sb, ')');
	return migplan__rsb(m, &sb);
}

static void safety_metrics(migplan__rmodel *m)
{
	const char *tables = table_list(m, 0);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_printf(&sb, "SELECT count() AS failed_mutations\nFROM system.mutations\n"
	                   "WHERE (database, table) IN (%s) AND latest_fail_reason != ''", tables);
	metric(m, "failed_mutations", "Failed mutations on the affected tables",
	       monitor(m, "mutations of the affected tables that failed", &sb), "mutations", "> 0",
	       "> 0 for 15 minutes", "a failed mutation is retried forever and blocks the later ones "
	       "(ClickHouse: system.mutations.latest_fail_reason)", 0);
	migplan__sb_printf(&sb, "SELECT count() AS mutations_running, sum(parts_to_do) AS parts_left\n"
	                   "FROM system.mutations\nWHERE (database, table) IN (%s) AND NOT is_done", tables);
	metric(m, "mutation_parts_left", "Mutation parts left to rewrite",
	       monitor(m, "mutations still running on the affected tables and the parts they have left", &sb),
	       "parts", "rising for 30 minutes", NULL,
	       "a mutation rewrites every part it touches; parts_left falls to 0 when it is done", 1);
	migplan__sb_puts(&sb, "SELECT sumIf(value, event = 'FailedInsertQuery') AS failed_inserts\nFROM system.events");
	metric(m, "failed_inserts", "Failed INSERT queries (server counter)",
	       monitor(m, "INSERT queries that failed since the server started: watch the increase", &sb),
	       "queries", "increase > 0 in 5 minutes", "increase > 10 in 5 minutes after a cutover step",
	       "ClickHouse profile event FailedInsertQuery; any new failure during a migration is a signal", 0);
	migplan__sb_puts(&sb, "SELECT sumIf(value, event = 'FailedSelectQuery') AS failed_selects\nFROM system.events");
	metric(m, "failed_selects", "Failed SELECT queries (server counter)",
	       monitor(m, "SELECT queries that failed since the server started: watch the increase", &sb),
	       "queries", "increase > 10 in 5 minutes", "increase > 50 in 5 minutes after a cutover step",
	       "ClickHouse profile event FailedSelectQuery; libmigplan default thresholds, tune them to the "
	       "normal error rate measured at preflight", 0);
	migplan__sb_printf(&sb, "SELECT max(absolute_delay) AS replica_delay_seconds, countIf(is_readonly) AS readonly_replicas\n"
	                   "FROM system.replicas\nWHERE (database, table) IN (%s)", tables);
	metric(m, "replica_delay_seconds", "Replica lag of the affected tables",
	       monitor(m, "how far replicas of the affected tables are behind (0 without replication)", &sb),
	       "seconds", "> 300", "> 1800",
	       "300 s is ClickHouse's max_replica_delay_for_distributed_queries default: lagging replicas stop "
	       "serving distributed reads", 0);
	uint64_t need = largest_copy(m) * 2;
	migplan__sb_puts(&sb, "SELECT min(free_space) AS free_bytes, min(round(100 * free_space / total_space, 1)) AS free_percent\n"
	                 "FROM system.disks");
	metric(m, "free_percent", "Free disk space",
	       monitor(m, "free space on the fullest disk", &sb), "percent / bytes",
	       need ? free_threshold(m, need) : "free_percent < 20",
	       "free_percent < 10",
	       need ? "a rebuild needs room for a full copy plus merges: twice the largest table copied"
	            : "libmigplan default; with table sizes, the threshold also covers twice the largest copy", 0);
	migplan__sb_printf(&sb, "SELECT max(parts) AS max_parts_in_partition,\n"
	                   "    (SELECT toUInt64(value) FROM system.merge_tree_settings WHERE name = 'parts_to_delay_insert') AS parts_to_delay_insert,\n"
	                   "    (SELECT toUInt64(value) FROM system.merge_tree_settings WHERE name = 'parts_to_throw_insert') AS parts_to_throw_insert\n"
	                   "FROM (\n    SELECT database, table, partition_id, count() AS parts\n    FROM system.parts\n"
	                   "    WHERE active AND (database, table) IN (%s)\n    GROUP BY database, table, partition_id\n)",
	                   tables);
	metric(m, "max_parts_in_partition", "Active parts in the busiest partition",
	       monitor(m, "active parts per partition of the affected tables, with the server's limits", &sb), "parts",
	       ">= 500", ">= 1000",
	       "ClickHouse delays inserts at parts_to_delay_insert (1000 by default) and refuses them at "
	       "parts_to_throw_insert (3000): pause at half the delay threshold", 0);
	migplan__sb_printf(&sb, "SELECT count() AS merges_running, max(elapsed) AS longest_merge_seconds,\n"
	                   "    (SELECT toUInt64(value) FROM system.server_settings WHERE name = 'background_pool_size') AS background_pool_size\n"
	                   "FROM system.merges\nWHERE (database, table) IN (%s)", tables);
	metric(m, "merges_running", "Merges running on the affected tables",
	       monitor(m, "merges on the affected tables against the size of the merge pool", &sb), "merges",
	       ">= background_pool_size, or longest_merge_seconds > 3600", NULL,
	       "a saturated merge pool lets parts pile up (background_pool_size is the server's setting)", 0);
}

static void progress_metrics(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		for (size_t k = 0; k < s->progress.count; k++) {
			const migplan__rsql *q = s->progress.items[k];
			metric(m, migplan__rfmt(m, "step%zu_progress%zu", s->number, k + 1),
			       migplan__rfmt(m, "Step %zu: %s", s->number, q->purpose), q, "rows / parts / seconds",
			       q->expect && strstr(q->expect, "failing") ? "failing > 0" : "no change for 15 minutes",
			       NULL, "the step's own progress", 1);
		}
	}
}

static void gate(migplan__rmodel *m, migplan__phase p, const char *proceed, const char *pause, const char *rollback)
{
	for (size_t i = 0; i < m->steps.count; i++) {
		if (((migplan__rstep *)m->steps.items[i])->phase != p)
			continue;
		migplan__rgate *g = migplan__arena_zalloc(&m->arena, sizeof(*g));
		if (!g) {
			migplan__rmodel_oom(m);
			return;
		}
		g->phase = p;
		g->proceed = proceed;
		g->pause = pause;
		g->rollback = rollback;
		migplan__rpush(m, &m->gates, g);
		return;
	}
}

/* The checks of a phase's steps, by id: "C3.1 = 1, C4.1 = 0". */
static const char *phase_checks(migplan__rmodel *m, migplan__phase p)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	size_t n = 0;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		for (size_t k = 0; s->phase == p && p != MIGPLAN__PH_PREFLIGHT && k < s->checks.count; k++) {
			const migplan__rsql *q = s->checks.items[k];
			if (!q->expect_tsv)
				continue;
			migplan__sb_printf(&sb, "%s%s returns %s", n++ ? ", " : "", q->id,
			                   *q->expect_tsv ? q->expect_tsv : "no rows");
		}
	}
	if (!n) {
		migplan__sb_reset(&sb);
		return NULL;
	}
	/* tabs of multi-column results read better as " and " */
	for (size_t i = 0; i < sb.len; i++)
		if (sb.ptr[i] == '\t')
			sb.ptr[i] = '/';
	return migplan__rsb(m, &sb);
}

static const char *with_checks(migplan__rmodel *m, migplan__phase p, const char *base)
{
	const char *c = phase_checks(m, p);
	return c ? migplan__rfmt(m, "%s; %s", c, base) : base;
}

static void gates(migplan__rmodel *m)
{
	gate(m, MIGPLAN__PH_PREFLIGHT,
	     m->go ? "0 blockers; failed_mutations = 0; mutations_running = 0 on the affected tables; free_percent >= 20"
	           : "never: the plan has blockers (NO-GO)",
	     "mutations_running > 0 (wait for them to finish)", "not started: nothing to roll back");
	gate(m, MIGPLAN__PH_EXPAND,
	     with_checks(m, MIGPLAN__PH_EXPAND, "failed_mutations = 0; failed_inserts increase = 0 for 10 minutes"),
	     "replica_delay_seconds > 300; max_parts_in_partition >= 500",
	     "failed_inserts increase > 10 in 5 minutes; failed_mutations > 0 for 15 minutes");
	gate(m, MIGPLAN__PH_BACKFILL,
	     "each batch's check returns 0 before the next batch; failed_mutations = 0",
	     "free_percent < 20; max_parts_in_partition >= 500; replica_delay_seconds > 300; "
	     "merges_running >= background_pool_size",
	     "failed_mutations > 0 for 15 minutes; free_percent < 10");
	gate(m, MIGPLAN__PH_VALIDATE, with_checks(m, MIGPLAN__PH_VALIDATE, "every validation check returns its expected value"),
	     "a check differs: run the missing batches again and check again",
	     "a check still differs after the batches ran again");
	gate(m, MIGPLAN__PH_CUTOVER,
	     "failed_inserts increase = 0 and failed_selects increase <= 10 for 15 minutes after each step",
	     "replica_delay_seconds > 300",
	     "failed_inserts increase > 10 in 5 minutes; failed_selects increase > 50 in 5 minutes");
	gate(m, MIGPLAN__PH_STABILISE,
	     "24 hours with failed_mutations = 0, failed_inserts increase = 0, every post-deploy check as expected",
	     "any safety metric at its pause threshold",
	     "any safety metric at its rollback threshold: roll back the steps in reverse order");
	gate(m, MIGPLAN__PH_CONTRACT,
	     "the stabilisation gate passed; nothing reads the objects being dropped",
	     "free_percent < 20", "none: this is the point of no return (restore from a backup)");
}

static void missing(migplan__rmodel *m)
{
	migplan__rnote_add(m, &m->missing,
	                   "Errors per table: the insert and query error metrics are server-wide counters "
	                   "(system.events), because system.query_log may be disabled. Where it is enabled, "
	                   "filter it by the affected tables for a sharper signal.",
	                   NULL, "query-log", -1);
	migplan__rnote_add(m, &m->missing,
	                   "Who still reads a column or table about to be dropped: nothing in ClickHouse shows it "
	                   "without system.query_log. Confirm it in the application before the contract.",
	                   NULL, "readers", -1);
	migplan__rnote_add(m, &m->missing,
	                   "The application's own ingestion and error rates: not visible to the database. Put them "
	                   "next to failed_inserts during the cutover.",
	                   NULL, "application", -1);
	if (!m->have_all_stats)
		migplan__rnote_add(m, &m->missing,
		                   "Table sizes: not given, so no duration, ETA or disk threshold is computed ahead "
		                   "of time; the preflight size queries measure them.",
		                   NULL, "table-sizes", -1);
}

void migplan__rmodel_monitoring(migplan__rmodel *m)
{
	safety_metrics(m);
	/* statement ids are needed by the progress metrics and the gates */
	size_t b = 0, a = 0, mo = 0;
	for (size_t i = 0; i < m->sql.count; i++) {
		migplan__rsql *q = m->sql.items[i];
		if (q->stage == MIGPLAN__RS_BEFORE)
			q->id = migplan__rfmt(m, "B%zu", ++b);
		else if (q->stage == MIGPLAN__RS_AFTER)
			q->id = migplan__rfmt(m, "A%zu", ++a);
		else if (q->stage == MIGPLAN__RS_MONITOR)
			q->id = migplan__rfmt(m, "M%zu", ++mo);
	}
	for (size_t i = 0; i < m->steps.count; i++) {
		migplan__rstep *s = m->steps.items[i];
		struct { migplan__rvec *v; const char *p; } lists[] = {
			{&s->prepare, "L"}, {&s->sql, "S"}, {&s->checks, "C"}, {&s->progress, "P"}, {&s->rollback_sql, "R"}
		};
		for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
			for (size_t k = 0; k < lists[l].v->count; k++) {
				migplan__rsql *q = lists[l].v->items[k];
				if (!q->id)
					q->id = migplan__rfmt(m, "%s%zu.%zu", lists[l].p, s->number, k + 1);
			}
		}
	}
	progress_metrics(m);
	gates(m);
	missing(m);
}
