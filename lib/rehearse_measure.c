/* Measuring a rehearsal table against its baseline copy: rows lost, and per column the values
 * changed or lost, exactly by joining on the row key (or as multisets without one); at the end
 * the final types and an example of a changed value. */
#include <stdlib.h>
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/snapshot.h"

#include "error.h"
#include "rehearse_private.h"

/* ---------------------------------------------------------------- measuring */

void migplan__reh_renamed(migplan__reh_run *run, const char *db, const char *table,
                          const char *from, const char *to)
{
	for (size_t i = 0; i < run->res->ntables; i++) {
		migplan_rehearsal_table *t = &run->res->tables[i];
		if (strcmp(t->database, db) != 0 || strcmp(t->name, table) != 0)
			continue;
		for (size_t j = 0; j < t->ncols; j++)
			if (strcmp(t->cols[j].current, from) == 0)
				t->cols[j].current = migplan__reh_strdup(run->res, to);
	}
}

/* Where the table's rows are now: the table itself, else the table that continues it in the
 * local snapshot (another version), else nowhere. */
static const char *locate(migplan__reh_run *run, const migplan_rehearsal_table *t)
{
	const migplan_table *lt;
	int e = migplan__reh_table_exists(run->eng, t->database, t->name);
	if (e != 0)
		return e > 0 ? t->name : NULL;
	lt = run->local ? migplan__reh_local_successor(run, t) : NULL;
	if (lt && strcmp(migplan_table_name(lt), t->name) != 0 &&
	    migplan__reh_table_exists(run->eng, t->database, migplan_table_name(lt)) > 0)
		return migplan_table_name(lt);
	return NULL;
}

static const char *find_type(const migplan__reh_rows *cur, const char *name)
{
	for (size_t i = 0; i < cur->nrows; i++)
		if (strcmp(migplan__reh_field(cur, i, 0), name) == 0)
			return migplan__reh_field(cur, i, 1);
	return NULL;
}

/* Float32/Float64, also inside Nullable or LowCardinality. */
static int is_float_type(const char *type)
{
	migplan_chtype *tree = NULL;
	const migplan_chtype *t;
	int r;
	if (migplan_chtype_parse(&tree, type, strlen(type)) != MIGPLAN_OK) {
		migplan_error_clear();
		return 0;
	}
	t = tree;
	while (migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_NULLABLE ||
	       migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_LOW_CARDINALITY)
		t = migplan_chtype_child_at(t, 0);
	r = migplan_chtype_kind_of(t) == MIGPLAN_CHTYPE_FLOAT;
	migplan_chtype_free(tree);
	return r;
}

/* The test that the value of baseline column `col` equals the current value __v<i>, NULL-aware.
 * The same type compares bit for bit (hashes: NaN equals NaN, also inside arrays); another
 * type compares as ClickHouse compares the two values, or as text (as_text) when it cannot. */
static void same_value(migplan__sb *sb, const migplan_rehearsal_column *c, size_t i,
                       const char *cur_type, int as_text)
{
	if (as_text) {
		migplan__sb_puts(sb, "(toString(__b.");
		migplan__sb_ident(sb, c->name);
		migplan__sb_printf(sb, ") <=> toString(__t.__v%zu))", i);
		return;
	}
	if (strcmp(cur_type, c->type_before) == 0) {
		migplan__sb_puts(sb, "(cityHash64(__b.");
		migplan__sb_ident(sb, c->name);
		migplan__sb_printf(sb, ") <=> cityHash64(__t.__v%zu))", i);
		return;
	}
	migplan__sb_puts(sb, "((__b.");
	migplan__sb_ident(sb, c->name);
	migplan__sb_printf(sb, " <=> __t.__v%zu)", i);
	if (is_float_type(c->type_before) && is_float_type(cur_type)) {
		migplan__sb_puts(sb, " OR ifNull(isNaN(__b.");
		migplan__sb_ident(sb, c->name);
		migplan__sb_printf(sb, ") AND isNaN(__t.__v%zu), 0)", i);
	}
	migplan__sb_putc(sb, ')');
}

#define ALL_COLUMNS SIZE_MAX
#define NO_COLUMNS (SIZE_MAX - 1)
#define JOIN_SETTINGS " SETTINGS join_use_nulls = 0"

/* FROM baseline LEFT JOIN (current rows with the columns to compare) ON the key; rows of the
 * baseline without a current row get __p = 0. which: the column to project, ALL_COLUMNS or
 * NO_COLUMNS. The caller appends JOIN_SETTINGS after its own clauses. */
static void join_clause(migplan__sb *sb, const migplan_rehearsal_table *t, const char *where,
                        const migplan__reh_rows *cur, const char *key_current, size_t which)
{
	migplan__sb_printf(sb, " FROM %s AS __b ANY LEFT JOIN (SELECT 1 AS __p, ", t->baseline);
	migplan__sb_ident(sb, key_current);
	migplan__sb_puts(sb, " AS __k");
	for (size_t i = 0; i < t->ncols; i++) {
		if ((which != ALL_COLUMNS && which != i) || !find_type(cur, t->cols[i].current))
			continue;
		migplan__sb_puts(sb, ", ");
		migplan__sb_ident(sb, t->cols[i].current);
		migplan__sb_printf(sb, " AS __v%zu", i);
	}
	migplan__sb_puts(sb, " FROM ");
	migplan__sb_qualified(sb, t->database, where);
	migplan__sb_puts(sb, ") AS __t ON __b.");
	migplan__sb_ident(sb, t->key);
	migplan__sb_puts(sb, " = __t.__k");
}

typedef struct measure {
	uint64_t total, lost, now;
	uint64_t *changed;   /* per column; UINT64_MAX: unreadable */
	char **errors;       /* per column, arena */
} measure;

/* Changed counts of one column, typed then as text; unreadable when both fail. */
static migplan_status measure_column(migplan__reh_run *run, const migplan_rehearsal_table *t,
                                     const char *where, const migplan__reh_rows *cur,
                                     const char *key_current, size_t i, measure *m)
{
	const char *cur_type = find_type(cur, t->cols[i].current);
	migplan_status st = MIGPLAN_ERROR;
	for (int as_text = 0; as_text < 2 && st == MIGPLAN_ERROR; as_text++) {
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__sb_puts(&sb, "SELECT countIf(__p = 1 AND NOT ");
		same_value(&sb, &t->cols[i], i, cur_type, as_text);
		migplan__sb_putc(&sb, ')');
		join_clause(&sb, t, where, cur, key_current, i);
		migplan__sb_puts(&sb, JOIN_SETTINGS);
		st = migplan__reh_scalar_sb(run->eng, &sb, &m->changed[i]);
	}
	if (st == MIGPLAN_ERROR) {
		m->changed[i] = UINT64_MAX;
		m->errors[i] = migplan__reh_last_message(run->res);
		st = MIGPLAN_OK;
	}
	return st;
}

static migplan_status measure_all(migplan__reh_run *run, const migplan_rehearsal_table *t,
                                  const char *where, const migplan__reh_rows *cur,
                                  const char *key_current, measure *m)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__reh_rows out;
	migplan_status st;
	size_t f = 2;

	migplan__sb_puts(&sb, "SELECT count(), countIf(__p = 0)");
	for (size_t i = 0; i < t->ncols; i++) {
		const char *cur_type = find_type(cur, t->cols[i].current);
		if (!cur_type)
			continue;
		migplan__sb_puts(&sb, ", countIf(__p = 1 AND NOT ");
		same_value(&sb, &t->cols[i], i, cur_type, 0);
		migplan__sb_putc(&sb, ')');
	}
	join_clause(&sb, t, where, cur, key_current, ALL_COLUMNS);
	migplan__sb_puts(&sb, JOIN_SETTINGS);
	st = migplan__reh_select_sb(run->eng, &sb, &out);
	if (st == MIGPLAN_OK) {
		m->total = strtoull(migplan__reh_field(&out, 0, 0), NULL, 10);
		m->lost = strtoull(migplan__reh_field(&out, 0, 1), NULL, 10);
		for (size_t i = 0; i < t->ncols; i++)
			if (find_type(cur, t->cols[i].current))
				m->changed[i] = strtoull(migplan__reh_field(&out, 0, f++), NULL, 10);
		migplan__reh_rows_free(&out);
		return MIGPLAN_OK;
	}
	if (st != MIGPLAN_ERROR)
		return st;
	/* One column cannot be compared or read: find it, measure the others one by one. */
	migplan__sb_puts(&sb, "SELECT count(), countIf(__p = 0)");
	join_clause(&sb, t, where, cur, key_current, NO_COLUMNS);
	migplan__sb_puts(&sb, JOIN_SETTINGS);
	st = migplan__reh_select_sb(run->eng, &sb, &out);
	if (st != MIGPLAN_OK)
		return st;
	m->total = strtoull(migplan__reh_field(&out, 0, 0), NULL, 10);
	m->lost = strtoull(migplan__reh_field(&out, 0, 1), NULL, 10);
	migplan__reh_rows_free(&out);
	for (size_t i = 0; i < t->ncols && st == MIGPLAN_OK; i++)
		if (find_type(cur, t->cols[i].current))
			st = measure_column(run, t, where, cur, key_current, i, m);
	return st;
}

/* Without a row key: per column, the baseline values that no current value matches (each
 * current value cast to the old type, compared by hash; as text when the cast fails), minus the
 * rows lost. A lower bound of the values changed: a changed value that happens to equal another
 * row's old value is not seen. */
static migplan_status measure_multiset(migplan__reh_run *run, const migplan_rehearsal_table *t,
                                       const char *where, size_t i, measure *m)
{
	const migplan_rehearsal_column *c = &t->cols[i];
	migplan_status st = MIGPLAN_ERROR;
	uint64_t missing = 0;

	for (int as_text = 0; as_text < 2 && st == MIGPLAN_ERROR; as_text++) {
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__sb_puts(&sb, "SELECT sum(cb - least(cb, ca)) FROM (SELECT h, countIf(s = 0) AS cb, "
		                      "countIf(s = 1) AS ca FROM (SELECT sipHash64(tuple(");
		migplan__sb_puts(&sb, as_text ? "toString(" : "");
		migplan__sb_ident(&sb, c->name);
		migplan__sb_printf(&sb, "%s)) AS h, 0 AS s FROM %s UNION ALL SELECT sipHash64(tuple(", as_text ? ")" : "",
		                   t->baseline);
		if (as_text) {
			migplan__sb_puts(&sb, "toString(");
			migplan__sb_ident(&sb, c->current);
			migplan__sb_putc(&sb, ')');
		} else {
			migplan__sb_puts(&sb, "CAST(");
			migplan__sb_ident(&sb, c->current);
			migplan__sb_puts(&sb, ", ");
			migplan__sb_literal(&sb, c->type_before);
			migplan__sb_putc(&sb, ')');
		}
		migplan__sb_puts(&sb, ")) AS h, 1 AS s FROM ");
		migplan__sb_qualified(&sb, t->database, where);
		migplan__sb_puts(&sb, ") GROUP BY h)");
		st = migplan__reh_scalar_sb(run->eng, &sb, &missing);
	}
	if (st == MIGPLAN_ERROR) {
		m->changed[i] = UINT64_MAX;
		m->errors[i] = migplan__reh_last_message(run->res);
		return MIGPLAN_OK;
	}
	m->changed[i] = missing > m->lost ? missing - m->lost : 0;
	return st;
}

static migplan_status measure_multisets(migplan__reh_run *run, const migplan_rehearsal_table *t,
                                        const char *where, const migplan__reh_rows *cur, measure *m)
{
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; i < t->ncols && st == MIGPLAN_OK; i++)
		if (find_type(cur, t->cols[i].current))
			st = measure_multiset(run, t, where, i, m);
	return st;
}

static const char *current_key(const migplan_rehearsal_table *t, const migplan__reh_rows *cur)
{
	for (size_t i = 0; t->key && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, t->key) == 0)
			return find_type(cur, t->cols[i].current) ? t->cols[i].current : NULL;
	return NULL;
}

static void record_change(migplan_rehearsal *r, migplan_rehearsal_op *op,
                          const migplan_rehearsal_column *c, uint64_t values, size_t *cap)
{
	migplan__reh_change *ch = migplan__reh_push(r, (void **)&op->changes, &op->nchanges, cap,
	                                            sizeof(*ch));
	if (ch) {
		ch->column = c;
		ch->values = values;
	}
}

/* Store a measurement on the table and its columns; with op, what grew goes to the op. */
static void apply_measure(migplan__reh_run *run, migplan_rehearsal_table *t, const measure *m,
                          const migplan__reh_rows *cur, migplan_rehearsal_op *op)
{
	size_t cap = op ? op->nchanges : 0;
	uint64_t lost = m->lost, lost_before = t->rows_lost;

	if (op && lost > lost_before)
		op->rows_lost += lost - lost_before;
	t->rows_lost = lost;
	t->rows_after = m->now;
	for (size_t i = 0; i < t->ncols; i++) {
		migplan_rehearsal_column *c = &t->cols[i];
		/* Per column, what is lost with whole rows is not counted again: the op's rows_lost
		 * says it once. */
		uint64_t before = c->changed + c->lost - lost_before;
		const char *type = cur ? find_type(cur, c->current) : NULL;
		c->error = NULL;
		if (!type) {
			c->changed = 0;
			c->lost = m->total;
		} else if (m->changed[i] == UINT64_MAX) {
			c->changed = 0;
			c->lost = m->total;
			c->error = m->errors[i];
		} else {
			c->changed = m->changed[i];
			c->lost = lost;
		}
		if (op && c->changed + c->lost - lost > before)
			record_change(run->res, op, c, c->changed + c->lost - lost - before, &cap);
	}
}

migplan_status migplan__reh_measure(migplan__reh_run *run, migplan_rehearsal_table *t,
                                    migplan_rehearsal_op *op)
{
	measure m = {0, 0, 0, NULL, NULL};
	migplan__reh_rows cur = {0};
	migplan_status st = MIGPLAN_OK;
	const char *where, *key_current;

	if (!t->filled)
		return MIGPLAN_OK;
	where = locate(run, t);
	m.total = t->rows_before;
	m.changed = calloc(t->ncols + 1, sizeof(*m.changed));
	m.errors = calloc(t->ncols + 1, sizeof(*m.errors));
	if (!m.changed || !m.errors) {
		st = migplan__error_oom();
		goto out;
	}
	if (!where) { /* the table is gone, and no other version holds the rows */
		m.lost = t->rows_before;
		t->holder = NULL;
		apply_measure(run, t, &m, NULL, op);
		goto out;
	}
	t->holder = strcmp(where, t->name) == 0 ? NULL : migplan__reh_strdup(run->res, where);
	st = migplan__reh_columns(run->eng, t->database, where, &cur);
	if (st != MIGPLAN_OK)
		goto out;
	{
		migplan__sb sb = MIGPLAN__SB_INIT;
		migplan__sb_puts(&sb, "SELECT count() FROM ");
		migplan__sb_qualified(&sb, t->database, where);
		st = migplan__reh_scalar_sb(run->eng, &sb, &m.now);
		if (st == MIGPLAN_ERROR)
			st = MIGPLAN_OK; /* unreadable rows: the counts below say so */
		if (st != MIGPLAN_OK)
			goto out;
	}
	key_current = current_key(t, &cur);
	if (!key_current) {
		/* No row key (or it is gone): rows lost by count, values compared as multisets. */
		m.lost = m.now < t->rows_before ? t->rows_before - m.now : 0;
		for (size_t i = 0; i < t->ncols; i++)
			t->cols[i].measured = 0;
		st = measure_multisets(run, t, where, &cur, &m);
		if (st == MIGPLAN_OK)
			apply_measure(run, t, &m, &cur, op);
		goto out;
	}
	st = measure_all(run, t, where, &cur, key_current, &m);
	if (st == MIGPLAN_ERROR) {
		/* even the key cannot be read: every row is out of reach */
		m.lost = t->rows_before;
		st = MIGPLAN_OK;
	}
	if (st == MIGPLAN_OK)
		apply_measure(run, t, &m, &cur, op);
out:
	migplan__reh_rows_free(&cur);
	free(m.changed);
	free(m.errors);
	return st;
}

/* ---------------------------------------------------------------- the end */

/* The first changed value of column i, kept as an example ("old -> new"). */
static migplan_status first_change(migplan__reh_run *run, migplan_rehearsal_table *t,
                                   const char *where, const migplan__reh_rows *cur,
                                   const char *key_current, size_t i)
{
	migplan_rehearsal_column *c = &t->cols[i];
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__reh_rows out;
	migplan_status st;

	migplan__sb_puts(&sb, "SELECT toString(__b.");
	migplan__sb_ident(&sb, c->name);
	migplan__sb_printf(&sb, "), toString(__t.__v%zu)", i);
	join_clause(&sb, t, where, cur, key_current, i);
	migplan__sb_puts(&sb, " WHERE __p = 1 AND NOT ");
	same_value(&sb, c, i, find_type(cur, c->current), 0);
	migplan__sb_puts(&sb, " ORDER BY __b.");
	migplan__sb_ident(&sb, t->key);
	migplan__sb_puts(&sb, " LIMIT 1" JOIN_SETTINGS);
	st = migplan__reh_select_sb(run->eng, &sb, &out);
	if (st == MIGPLAN_ERROR)
		return MIGPLAN_OK; /* an example is optional */
	if (st == MIGPLAN_OK && out.nrows)
		c->example = migplan__reh_printf(run->res, "%s -> %s", migplan__reh_field(&out, 0, 0),
		                                 migplan__reh_field(&out, 0, 1));
	migplan__reh_rows_free(&out);
	return st;
}

/* A column the plan removes on purpose: the table of the local snapshot does not have it, and
 * adds no column of the same type (which would make it a rename written as drop + add, whose
 * values are lost by mistake). */
static int dropped_on_purpose(const migplan__reh_run *run, const migplan_rehearsal_table *t,
                              const migplan_rehearsal_column *c)
{
	const migplan_table *lt = run->local ? migplan__reh_local_successor(run, t) : NULL;
	const migplan_table *rt = migplan_snapshot_table_find(run->remote, t->database, t->name);
	const migplan_column *old = rt ? migplan_table_column_find(rt, c->name) : NULL;
	const char *old_type = migplan_column_clickhouse_type(old);

	if (!lt || migplan_table_column_find(lt, c->current))
		return 0;
	for (size_t i = 0; i < migplan_table_column_count(lt); i++) {
		const migplan_column *nc = migplan_table_column_at(lt, i);
		const char *nt = migplan_column_clickhouse_type(nc);
		if (rt && migplan_table_column_find(rt, migplan_column_name(nc)))
			continue;
		if (!old_type || (nt && strcmp(nt, old_type) == 0))
			return 0;
	}
	return 1;
}

migplan_status migplan__reh_finish_table(migplan__reh_run *run, migplan_rehearsal_table *t)
{
	migplan__reh_rows cur;
	migplan_status st;
	const char *where, *key_current;

	if (!t->filled)
		return MIGPLAN_OK;
	st = migplan__reh_measure(run, t, NULL);
	if (st != MIGPLAN_OK)
		return st;
	where = t->holder ? t->holder : t->name;
	if (migplan__reh_table_exists(run->eng, t->database, where) <= 0) {
		t->dropped = run->local && !migplan__reh_local_successor(run, t);
		for (size_t i = 0; i < t->ncols; i++)
			t->cols[i].dropped = t->dropped;
		return MIGPLAN_OK;
	}
	st = migplan__reh_columns(run->eng, t->database, where, &cur);
	if (st != MIGPLAN_OK)
		return st;
	key_current = current_key(t, &cur);
	for (size_t i = 0; i < t->ncols && st == MIGPLAN_OK; i++) {
		migplan_rehearsal_column *c = &t->cols[i];
		const char *type = find_type(&cur, c->current);
		c->type_after = type ? migplan__reh_strdup(run->res, type) : NULL;
		c->dropped = !type && dropped_on_purpose(run, t, c);
		if (type && key_current && c->changed && !c->error)
			st = first_change(run, t, where, &cur, key_current, i);
	}
	migplan__reh_rows_free(&cur);
	return st;
}
