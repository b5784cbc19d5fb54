/* Rebuilds and version bumps in the rollout: the rows of a table move to a new definition.
 *
 * A rebuild (same name: drop + create, or a key column whose type changes) creates the new
 * definition under a temporary name, copies the rows in batches, checks the copy, swaps the two
 * tables with EXCHANGE TABLES and drops the old one at the contract. A version bump copies the
 * rows of the old version into the new one, catches up after the release, and drops the old
 * version at the contract. Every copy is idempotent (it copies only rows the target lacks, by
 * a hash of the row), so a batch that failed is simply run again. */
#include <string.h>

#include "migplan/ddl.h"
#include "migplan/typechange.h"

#include "report-private.h"

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

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
		const migplan_column *old = migplan__rcolumn(before, migplan_column_name(c));
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
	if (migplan__rbatched(b)) {
		migplan__rbatch_cond(sb, b);
		migplan__sb_puts(sb, "\n    AND ");
	}
	migplan__sb_printf(sb, "cityHash64(tuple(%s)) NOT IN (\n        SELECT cityHash64(tuple(%s)) FROM ", exprs, cols);
	migplan__sb_qualified(sb, db, new_table);
	if (new_has_key && b && b->by == MIGPLAN__BATCH_RANGE) {
		migplan__sb_puts(sb, "\n        WHERE ");
		migplan__rbatch_cond(sb, b);
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
	x->b = migplan__rbatching(m, c->before, rt);
	x->new_has_key = x->b && x->b->column && migplan__rcolumn(c->after, x->b->column) != NULL;
}

void migplan__copy_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
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
			migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "create `%s`", c->new_name), &sb);
		}
		migplan__sb_reset(&head);
	}
	migplan_sql_free(sql);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() AS present\nFROM system.tables\nWHERE database = ");
	migplan__sb_literal(&sb, c->database);
	migplan__sb_puts(&sb, " AND name = ");
	migplan__sb_literal(&sb, c->new_name);
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK, migplan__rfmt(m, "`%s` exists", c->new_name), &sb);
	if (q)
		q->expect = q->expect_tsv = "1";
	migplan__sb_puts(&sb, "DROP TABLE IF EXISTS ");
	migplan__sb_qualified(&sb, c->database, c->new_name);
	migplan__sb_puts(&sb, " SYNC");
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop the copy `%s`", c->new_name), &sb);
	s->rollback_why = "the copy is dropped; the old table was never touched";
	migplan__rinstant(m, s);
}

void migplan__copy_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	s->detail = c->kind == MIGPLAN__CH_VERSION_BUMP
	            ? "Run the statement once per batch listed by the prepare query, pausing between batches to "
	              "throttle. Each batch copies only the rows of its range that the new version does not hold "
	              "yet, so it can be run again after a failure, and rows the new release already wrote are "
	              "left alone. Resume from the first batch whose check does not return 0."
	            : "Run the statement once per batch listed by the prepare query, pausing between batches to "
	              "throttle. Each batch copies only the rows of its range not copied yet, so a batch that "
	              "failed is simply run again. Resume from the first batch whose check does not return 0.";
	const migplan__rsql *list = migplan__rbatch_list(m, s, x.b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	copy_statement(&sb, &x, x.b);
	migplan__rsql *ins = migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP,
	                             migplan__rfmt(m, "copy one batch of `%s` into `%s` (values cast to the new types)",
	                                           c->table, x.target), &sb);
	migplan__rset_params(ins, x.b, list);
	migplan__sb_puts(&sb, "SELECT count() AS missing\n");
	missing_rows(&sb, x.db, x.old, x.target, x.cols, x.exprs, x.b, x.new_has_key);
	migplan__rsql *chk = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                             "rows of the batch not in the copy yet", &sb);
	if (chk)
		chk->expect = chk->expect_tsv = "0";
	migplan__rset_params(chk, x.b, list);
	migplan__sb_puts(&sb, "SELECT\n    (SELECT count() FROM ");
	migplan__sb_qualified(&sb, x.db, x.target);
	migplan__sb_puts(&sb, ") AS copied_rows,\n    (SELECT count() FROM ");
	migplan__sb_qualified(&sb, x.db, x.old);
	migplan__sb_puts(&sb, ") AS source_rows,\n    round(100 * copied_rows / greatest(source_rows, 1), 1) AS percent");
	migplan__radd(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rows copied against source rows", &sb);
	migplan__sb_puts(&sb, "SELECT elapsed, read_rows, written_rows, total_rows_approx,\n"
	                 "    round(read_rows / greatest(elapsed, 1)) AS rows_per_second,\n"
	                 "    round((total_rows_approx - read_rows) / greatest(read_rows / greatest(elapsed, 1), 1)) AS eta_seconds\n"
	                 "FROM system.processes\nWHERE position(query, ");
	migplan__sb_literal(&sb, migplan__rfmt(m, "INSERT INTO %s", migplan__qname(m, x.db, x.target)));
	migplan__sb_puts(&sb, ") > 0");
	migplan__radd(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rate and time left of the running batch", &sb);
	s->rollback_why = "nothing to undo: the old table is untouched; rolling back the earlier steps removes the copy";
	migplan__restimate(m, s, migplan__rtable_find(m, c->database, c->table), MIGPLAN__COPY_BYTES_PER_S, 1, "to copy");
	migplan__rbackfill *bf = migplan__rbackfill_add(m, MIGPLAN__BF_COPY, c->database, c->table, x.target, s, ins, x.b);
	if (bf)
		bf->what = migplan__rfmt(m, "every row of `%s` is copied into `%s`", c->table, x.target);
}

const migplan__rsql *migplan__copy_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
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
	migplan__rsql *sq = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
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
	migplan__restimate(m, s, migplan__rtable_find(m, c->database, c->table), MIGPLAN__COPY_BYTES_PER_S, 2, "to read twice");
	return q;
}

void migplan__copy_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
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
	s->detail = migplan__rfmt(m, "Pause writers to `%s` for the two statements: the first copies the rows "
	                          "written since the last batch, the second swaps the tables atomically. Views "
	                          "and materialized views keep reading `%s`, which now has the new definition "
	                          "(EXCHANGE keeps names; RENAME would move their dependency). `%s` then holds the "
	                          "old table and its rows until the contract.",
	                          c->table, c->table, x.target);
	migplan__sb sb = MIGPLAN__SB_INIT;
	copy_statement(&sb, &x, NULL);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "copy the rows written since the last batch", &sb);
	migplan__sb_puts(&sb, "EXCHANGE TABLES ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_puts(&sb, " AND ");
	migplan__sb_qualified(&sb, c->database, x.target);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "swap the two tables atomically", &sb);
	migplan__sb_puts(&sb, "EXCHANGE TABLES ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__sb_puts(&sb, " AND ");
	migplan__sb_qualified(&sb, c->database, x.target);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "swap them back", &sb);
	s->rollback = MIGPLAN__RB_PARTIAL;
	s->rollback_why = migplan__rfmt(m, "rows written after the swap end up in `%s` (the new definition) and "
	                                "must be copied back by hand", x.target);
	migplan__rinstant(m, s);
}

void migplan__copy_catch_up(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "the last catch-up copy", &sb);
	migplan__sb_puts(&sb, "SELECT count() AS missing\n");
	missing_rows(&sb, x.db, x.old, x.target, x.cols, x.exprs, NULL, 0);
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK, "no row of the old version is missing", &sb);
	if (q)
		q->expect = q->expect_tsv = "0";
	s->rollback_why = "nothing to undo: the old version is untouched";
	migplan__restimate(m, s, migplan__rtable_find(m, c->database, c->table), MIGPLAN__COPY_BYTES_PER_S, 1, "to scan");
}

void migplan__copy_contract(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	if (c->kind != MIGPLAN__CH_REBUILD)
		return;
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CONTRACT, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Drop `%s` (the old table)", c->new_name));
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "After stabilisation. `%s` holds the old definition of `%s` and its rows as they "
	                          "were at the swap.", c->new_name, c->table);
	migplan__sb_puts(&sb, "DROP TABLE IF EXISTS ");
	migplan__sb_qualified(&sb, c->database, c->new_name);
	migplan__sb_puts(&sb, " SYNC");
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", c->new_name), &sb);
	s->rollback = MIGPLAN__RB_NO;
	s->rollback_why = "the old table and its rows are gone";
	s->point_of_no_return = 1;
	migplan__rinstant(m, s);
}
