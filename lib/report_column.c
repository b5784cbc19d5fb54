/* Column changes in the rollout: destructive type changes and renames, each as
 * expand/contract steps on the same table.
 *
 * A type change adds a nullable shadow column of the new type, converts the values in batches
 * (accurateCastOrNull: a value the new type cannot hold becomes NULL and is counted), swaps the
 * two columns by renaming them with the application release, makes the column non-nullable last
 * and drops the old values at the contract. A rename adds the new name as a copy (DEFAULT the
 * old column), stores the values, and drops the old name at the contract. */
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/typechange.h"

#include "report-private.h"

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

/* Estimates step @p s, which reads or rewrites @p columns columns of the changed table: their
 * share of its bytes, or the whole table when its columns are not known. */
static void estimate_columns(migplan__rmodel *m, migplan__rstep *s, const migplan__rchange *c, double rate,
                             double columns, const char *basis)
{
	size_t n = c->before ? migplan_table_column_count(c->before) : 0;
	migplan__restimate(m, s, migplan__rtable_find(m, c->database, c->table), rate, n ? columns / (double)n : 1,
	                   basis);
}

/* Records that step @p s fills @p column of the changed table with @p q, for the reports that
 * list backfills. @return the record (its sentence is the caller's), or NULL. */
static migplan__rbackfill *column_backfill(migplan__rmodel *m, const migplan__rchange *c, migplan__rstep *s,
                                           const migplan__rsql *q, const migplan__batching *b, const char *column)
{
	migplan__rbackfill *bf = migplan__rbackfill_add(m, MIGPLAN__BF_COLUMN, c->database, c->table, c->table, s, q, b);
	if (bf) {
		bf->column = column;
		bf->op = (long)migplan_op_index(c->op);
	}
	return bf;
}

/* ALTER TABLE … UPDATE of the rows whose shadow column is not converted yet (the old column
 * has a value, the shadow none), up to the WHERE clause's end. */
static void convert_update(migplan__rmodel *m, migplan__sb *sb, const migplan__rchange *c, const type_ctx *x)
{
	migplan__ralter(sb, c->database, c->table);
	migplan__sb_puts(sb, "UPDATE ");
	migplan__sb_ident(sb, x->shadow);
	migplan__sb_puts(sb, " = ");
	convert_expr(m, sb, c, x->shadow_type);
	migplan__sb_puts(sb, "\nWHERE isNull(");
	migplan__sb_ident(sb, x->shadow);
	migplan__sb_puts(sb, ") AND isNotNull(");
	migplan__sb_ident(sb, c->column);
	migplan__sb_putc(sb, ')');
}

/* ALTER TABLE … RENAME COLUMN from1 TO to1, RENAME COLUMN from2 TO to2: one metadata-only ALTER,
 * so that the two columns trade places atomically. */
static void rename_two(migplan__sb *sb, const migplan__rchange *c, const char *from1, const char *to1,
                       const char *from2, const char *to2)
{
	migplan__ralter(sb, c->database, c->table);
	migplan__sb_puts(sb, "RENAME COLUMN ");
	migplan__sb_ident(sb, from1);
	migplan__sb_puts(sb, " TO ");
	migplan__sb_ident(sb, to1);
	migplan__sb_puts(sb, ", RENAME COLUMN ");
	migplan__sb_ident(sb, from2);
	migplan__sb_puts(sb, " TO ");
	migplan__sb_ident(sb, to2);
}

void migplan__type_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_printf(&sb, " %s AFTER ", x.shadow_type);
	migplan__sb_ident(&sb, c->column);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "add `%s`", x.shadow), &sb);
	migplan__sb_puts(&sb, "SELECT count() AS present\nFROM system.columns\nWHERE database = ");
	migplan__sb_literal(&sb, c->database);
	migplan__sb_puts(&sb, " AND table = ");
	migplan__sb_literal(&sb, c->table);
	migplan__sb_puts(&sb, " AND name = ");
	migplan__sb_literal(&sb, x.shadow);
	migplan__sb_puts(&sb, " AND type = ");
	migplan__sb_literal(&sb, x.shadow_type);
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK, migplan__rfmt(m, "`%s` exists", x.shadow), &sb);
	if (q)
		q->expect = q->expect_tsv = "1";
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, x.shadow);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop `%s`", x.shadow), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` was never touched", c->column);
	migplan__rinstant(m, s);
}

void migplan__type_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	type_ctx x;
	type_setup(m, c, &x);
	const migplan__rtable *rt = migplan__rtable_find(m, c->database, c->table);
	const migplan__batching *b = migplan__rbatching(m, c->before, rt);
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
	const migplan__rsql *list = migplan__rbatch_list(m, s, b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	convert_update(m, &sb, c, &x);
	migplan__rbatch_where(&sb, b);
	migplan__sb_puts(&sb, "\nSETTINGS mutations_sync = 2");
	migplan__rsql *q = migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "convert one batch", &sb);
	migplan__rset_params(q, b, list);
	migplan__sb_puts(&sb, "SELECT countIf(isNotNull(");
	migplan__sb_ident(&sb, x.shadow);
	migplan__sb_puts(&sb, ")) AS converted_rows, count() AS total_rows,\n"
	                 "    round(100 * converted_rows / greatest(total_rows, 1), 1) AS percent\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__radd(m, s, &s->progress, MIGPLAN__RS_PROGRESS, "rows converted so far", &sb);
	migplan__rmutation_progress(m, s, c->database, c->table);
	s->rollback_why = migplan__rfmt(m, "nothing to undo: only `%s` was written", x.shadow);
	estimate_columns(m, s, c, MIGPLAN__MUTATION_BYTES_PER_S, 1, "(the column's share of the table) to rewrite");
	migplan__rbackfill *bf = column_backfill(m, c, s, q, b, x.shadow);
	if (bf)
		bf->what = migplan__rfmt(m, "`%s` is filled from `%s` converted to %s", x.shadow, c->column,
		                         migplan_type_change_to(c->tc));
}

const migplan__rsql *migplan__type_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
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
	migplan__rsql *sq = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
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
	estimate_columns(m, s, c, MIGPLAN__COPY_BYTES_PER_S, 2, "(two columns) to read");
	return q;
}

void migplan__type_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
{
	type_ctx x;
	type_setup(m, c, &x);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Swap `%s` and `%s` by renaming", c->column, x.shadow));
	if (!s)
		return;
	s->gate = gate;
	s->detail = migplan__rfmt(m, "With the release of the application that expects %s: convert the rows "
	                          "written since the backfill, then rename both columns in one ALTER (metadata "
	                          "only, atomic). `%s` now has the new type; the old values stay in `%s` until "
	                          "the contract.", migplan_type_change_to(c->tc), c->column, x.old_name);
	migplan__sb sb = MIGPLAN__SB_INIT;
	convert_update(m, &sb, c, &x);
	migplan__sb_puts(&sb, "\nSETTINGS mutations_sync = 2");
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "convert the rows written since the backfill", &sb);
	rename_two(&sb, c, c->column, x.old_name, x.shadow, c->column);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "swap the columns", &sb);
	rename_two(&sb, c, c->column, x.shadow, x.old_name, c->column);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "swap the columns back", &sb);
	s->rollback = MIGPLAN__RB_PARTIAL;
	s->rollback_why = migplan__rfmt(m, "rows written after the swap have no value in the old column "
	                                "(they get its default)");
	migplan__rinstant(m, s);
	if (x.nullable_to)
		return;
	migplan__sb_puts(&sb, "SELECT countIf(isNull(");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, ")) AS null_values\nFROM ");
	migplan__sb_qualified(&sb, c->database, c->table);
	migplan__rsql *nulls = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK,
	                               migplan__rfmt(m, "rows of `%s` without a value", c->column), &sb);
	if (nulls)
		nulls->expect = nulls->expect_tsv = "0";
	/* constraints last: the column becomes non-nullable only when every row has a value */
	migplan__rstep *k = migplan__rstep_new(m, MIGPLAN__PH_CUTOVER, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Make `%s` %s", c->column, migplan_type_change_to(c->tc)));
	if (!k)
		return;
	k->gate = nulls;
	k->detail = "Constraints last: the column loses Nullable only now. This rewrites the column in every "
	            "part (a mutation), and fails if a NULL is left.";
	const char *to = migplan_column_clickhouse_type(x.after);
	int expr = migplan_column_default(x.after) || migplan_column_materialized(x.after) || migplan_column_alias(x.after);
	migplan__ralter(&sb, c->database, c->table);
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
	migplan__radd(m, k, &k->sql, MIGPLAN__RS_STEP, "drop Nullable from the column", &sb);
	if (!expr) {
		migplan__ralter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sb_ident(&sb, c->column);
		migplan__sb_puts(&sb, " REMOVE DEFAULT");
		migplan__radd(m, k, &k->sql, MIGPLAN__RS_STEP, "remove the DEFAULT that was only needed for that", &sb);
	}
	if (!expr && (migplan_column_comment(x.after) || migplan_column_codec(x.after) || migplan_column_ttl(x.after))) {
		migplan__ralter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "MODIFY COLUMN ");
		migplan__sql_column_def(&sb, x.after, c->column);
		migplan__radd(m, k, &k->sql, MIGPLAN__RS_STEP, "give the column the rest of its definition", &sb);
	}
	migplan__rmutation_progress(m, k, c->database, c->table);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_printf(&sb, " %s SETTINGS mutations_sync = 2", x.shadow_type);
	migplan__radd(m, k, &k->rollback_sql, MIGPLAN__RS_ROLLBACK, "make it nullable again", &sb);
	k->rollback_why = "the values are kept";
	estimate_columns(m, k, c, MIGPLAN__MUTATION_BYTES_PER_S, 1, "(the column's share of the table) to rewrite");
}

void migplan__type_contract(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, x.old_name);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", x.old_name), &sb);
	if (x.before) {
		migplan__ralter(&sb, c->database, c->table);
		migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
		migplan__sql_column_def(&sb, x.before, x.old_name);
		migplan__rafter(&sb, c->before, c->column);
		migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK,
		        migplan__rfmt(m, "add `%s` back (its values are not restored)", x.old_name), &sb);
	}
	s->rollback = MIGPLAN__RB_NO;
	s->rollback_why = "the old values are gone: only the column comes back, with its default";
	s->point_of_no_return = 1;
	migplan__rinstant(m, s);
}

/* ---------------------------------------------------------------- renames */

void migplan__rename_expand(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	const migplan_column *old = migplan__rcolumn(c->before, c->column);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_EXPAND, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Add `%s` as a copy of `%s`", c->new_name, c->column));
	if (!s)
		return;
	s->detail = migplan__rfmt(m, "`%s` gets DEFAULT `%s`: ADD COLUMN rewrites no part, old rows read the "
	                          "value of `%s`, and inserts that only name `%s` fill both.", c->new_name,
	                          c->column, c->column, c->column);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_printf(&sb, " %s DEFAULT ", old && migplan_column_clickhouse_type(old)
	                                         ? migplan_column_clickhouse_type(old) : "String");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " AFTER ");
	migplan__sb_ident(&sb, c->column);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "add `%s`", c->new_name), &sb);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "drop `%s`", c->new_name), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` was never touched", c->column);
	migplan__rinstant(m, s);
}

void migplan__rename_backfill(migplan__rmodel *m, migplan__rchange *c, long ci)
{
	const migplan__rtable *rt = migplan__rtable_find(m, c->database, c->table);
	const migplan__batching *b = migplan__rbatching(m, c->before, rt);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_BACKFILL, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Store the values of `%s` in `%s`", c->column, c->new_name));
	if (!s)
		return;
	s->batching = b;
	s->detail = migplan__rfmt(m, "Until now `%s` is computed from `%s` on read; this writes it into every "
	                          "part, so `%s` can be dropped later. One mutation per batch, waited for; "
	                          "running a batch again is harmless.", c->new_name, c->column, c->column);
	const migplan__rsql *list = migplan__rbatch_list(m, s, b, c->database, c->table);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " = ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, "\nWHERE ");
	if (migplan__rbatched(b))
		migplan__rbatch_cond(&sb, b);
	else
		migplan__sb_puts(&sb, "1");
	migplan__sb_puts(&sb, "\nSETTINGS mutations_sync = 2");
	migplan__rsql *q = migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, "store one batch", &sb);
	migplan__rset_params(q, b, list);
	migplan__rmutation_progress(m, s, c->database, c->table);
	s->rollback_why = "nothing to undo: the values are equal";
	estimate_columns(m, s, c, MIGPLAN__MUTATION_BYTES_PER_S, 1, "(the column's share of the table) to rewrite");
	migplan__rbackfill *bf = column_backfill(m, c, s, q, b, c->new_name);
	if (bf)
		bf->what = migplan__rfmt(m, "`%s` is written from `%s` in every part", c->new_name, c->column);
}

const migplan__rsql *migplan__rename_validate(migplan__rmodel *m, migplan__rchange *c, long ci)
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
	migplan__rsql *q = migplan__radd(m, s, &s->checks, MIGPLAN__RS_CHECK, "rows where the two columns differ", &sb);
	if (q)
		q->expect = q->expect_tsv = "0";
	s->detail = "A difference means a writer sets only one of the two names: find it before the contract.";
	s->rollback_why = "read-only";
	estimate_columns(m, s, c, MIGPLAN__COPY_BYTES_PER_S, 2, "(two columns) to read");
	return q;
}

void migplan__rename_contract(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate)
{
	const migplan_column *old = migplan__rcolumn(c->before, c->column);
	migplan__rstep *s = migplan__rstep_new(m, MIGPLAN__PH_CONTRACT, MIGPLAN__ACT_OPERATOR, ci,
	                                       migplan__rfmt(m, "Drop the old name `%s`", c->column));
	if (!s)
		return;
	s->gate = gate;
	s->detail = migplan__rfmt(m, "After stabilisation, when nothing reads or writes `%s` any more: `%s` "
	                          "stops being computed from it, then `%s` is dropped.", c->column, c->new_name,
	                          c->column);
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " REMOVE DEFAULT");
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "`%s` no longer depends on `%s`", c->new_name, c->column), &sb);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "DROP COLUMN IF EXISTS ");
	migplan__sb_ident(&sb, c->column);
	migplan__radd(m, s, &s->sql, MIGPLAN__RS_STEP, migplan__rfmt(m, "drop `%s`", c->column), &sb);
	/* rolled back in reverse: the old column comes back with the values of the new one */
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "ADD COLUMN IF NOT EXISTS ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_printf(&sb, " %s DEFAULT ", old && migplan_column_clickhouse_type(old)
	                                         ? migplan_column_clickhouse_type(old) : "String");
	migplan__sb_ident(&sb, c->new_name);
	migplan__rafter(&sb, c->before, c->column);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "add `%s` back from `%s`", c->column, c->new_name), &sb);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "UPDATE ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " = ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " WHERE 1 SETTINGS mutations_sync = 2");
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "store its values", &sb);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->column);
	migplan__sb_puts(&sb, " REMOVE DEFAULT");
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, "and make it independent again", &sb);
	migplan__ralter(&sb, c->database, c->table);
	migplan__sb_puts(&sb, "MODIFY COLUMN ");
	migplan__sb_ident(&sb, c->new_name);
	migplan__sb_puts(&sb, " DEFAULT ");
	migplan__sb_ident(&sb, c->column);
	migplan__radd(m, s, &s->rollback_sql, MIGPLAN__RS_ROLLBACK, migplan__rfmt(m, "`%s` follows `%s` again", c->new_name, c->column), &sb);
	s->rollback_why = migplan__rfmt(m, "`%s` is rebuilt from `%s`, which holds the same values", c->column, c->new_name);
	migplan__rinstant(m, s);
}

