/* The end of a rehearsal: do the views still work, and is the schema the one local_infra_map.json
 * describes?
 *
 * Materialized views are probed: a few rows go into each source table, and the view works when
 * its target grew. Merges of the target are stopped first, so that a SummingMergeTree or
 * ReplacingMergeTree target cannot fold the new rows away before they are counted. The probe
 * rows are copies of baseline rows picked by a hash of their key (ordinary rows, mostly, rather
 * than the boundary values), so that a view's WHERE clause lets some of them through. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/chtype.h"
#include "migplan/snapshot.h"

#include "error.h"
#include "rehearse_private.h"

#define PROBE_ROWS 8

static const char *or_db(const migplan__reh_run *run, const char *db)
{
	return db ? db : run->default_db;
}

/* ---------------------------------------------------------------- views */

static migplan_rehearsal_view *new_view(migplan__reh_run *run, const migplan_view *def,
                                        const char *db)
{
	migplan_rehearsal *r = run->res;
	migplan_rehearsal_view *v = migplan__reh_push(r, (void **)&r->views, &r->nviews, &r->capviews,
	                                              sizeof(*v));
	if (!v)
		return NULL;
	v->database = migplan__reh_strdup(r, db);
	v->name = migplan__reh_strdup(r, migplan_view_name(def));
	v->materialized = migplan_view_kind_of(def) == MIGPLAN_VIEW_MATERIALIZED;
	if (v->materialized)
		v->target = migplan__reh_printf(r, "%s.%s", or_db(run, migplan_view_target_database(def) ? migplan_view_target_database(def) : db),
		                                migplan_view_target_table(def));
	if (!v->database || !v->name || (v->materialized && !v->target))
		return NULL;
	return v;
}

static migplan_status set_message(migplan__reh_run *run, migplan_rehearsal_view *v,
                                  migplan_rehearsal_view_status status, const char *msg)
{
	v->status = status;
	v->message = migplan__reh_strdup(run->res, msg);
	return msg && !v->message ? MIGPLAN_ENOMEM : MIGPLAN_OK;
}

static migplan_status check_plain_view(migplan__reh_run *run, migplan_rehearsal_view *v)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_status st;

	migplan__sb_puts(&sb, "SELECT * FROM ");
	migplan__sb_qualified(&sb, v->database, v->name);
	migplan__sb_puts(&sb, " LIMIT 1 FORMAT Null");
	st = migplan__reh_exec_sb(run->eng, &sb);
	if (st == MIGPLAN_ERROR) {
		v->status = MIGPLAN_REHEARSAL_VIEW_BROKEN;
		v->message = migplan__reh_last_message(run->res);
		return v->message ? MIGPLAN_OK : MIGPLAN_ENOMEM;
	}
	v->status = MIGPLAN_REHEARSAL_VIEW_OK;
	return st;
}

static migplan_status count_rows(migplan__reh_run *run, const char *db, const char *table,
                                 uint64_t *n)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT count() FROM ");
	migplan__sb_qualified(&sb, db, table);
	return migplan__reh_scalar_sb(run->eng, &sb, n);
}

static void stop_merges(migplan__reh_run *run, const char *db, const char *table)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SYSTEM STOP MERGES ");
	migplan__sb_qualified(&sb, db, table);
	(void)migplan__reh_exec_sb(run->eng, &sb);
}

/* The rehearsal table whose rows now live in db.name. */
static const migplan_rehearsal_table *rows_of(const migplan__reh_run *run, const char *db,
                                              const char *name)
{
	for (size_t i = 0; i < run->res->ntables; i++) {
		const migplan_rehearsal_table *t = &run->res->tables[i];
		const char *where = t->holder ? t->holder : t->name;
		if (t->baseline && strcmp(t->database, db) == 0 && strcmp(where, name) == 0)
			return t;
	}
	return NULL;
}

static int insertable_kind(const char *kind)
{
	return strcmp(kind, "MATERIALIZED") != 0 && strcmp(kind, "ALIAS") != 0 &&
	       strcmp(kind, "EPHEMERAL") != 0;
}

/* INSERT copies of baseline rows into db.name, each current column from the baseline column
 * that became it; NULL when no column maps. */
static char *probe_copy_sql(const migplan_rehearsal_table *t, const char *db, const char *name,
                            const migplan__reh_rows *cur)
{
	migplan__sb cols = MIGPLAN__SB_INIT, vals = MIGPLAN__SB_INIT, sb = MIGPLAN__SB_INIT;
	char *c, *v;

	for (size_t i = 0; i < cur->nrows; i++) {
		const char *cname = migplan__reh_field(cur, i, 0);
		if (!insertable_kind(migplan__reh_field(cur, i, 2)))
			continue;
		for (size_t j = 0; j < t->ncols; j++) {
			if (strcmp(t->cols[j].current, cname) != 0)
				continue;
			migplan__sb_puts(&cols, cols.len ? ", " : "");
			migplan__sb_ident(&cols, cname);
			migplan__sb_puts(&vals, vals.len ? ", " : "");
			migplan__sb_ident(&vals, t->cols[j].name);
			break;
		}
	}
	c = migplan__reh_sb_take(&cols);
	v = migplan__reh_sb_take(&vals);
	if (c && v && *c && t->key) {
		migplan__sb_puts(&sb, "INSERT INTO ");
		migplan__sb_qualified(&sb, db, name);
		migplan__sb_printf(&sb, " (%s) SELECT %s FROM %s ORDER BY cityHash64(", c, v, t->baseline);
		migplan__sb_ident(&sb, t->key);
		migplan__sb_printf(&sb, ") LIMIT %d", PROBE_ROWS);
	}
	free(c);
	free(v);
	return sb.len ? migplan__reh_sb_take(&sb) : NULL;
}

/* INSERT generated rows into db.name (a table the plan created, without a baseline). */
static char *probe_generate_sql(migplan__reh_run *run, const char *db, const char *name,
                                const migplan__reh_rows *cur)
{
	migplan__sb cols = MIGPLAN__SB_INIT, structure = MIGPLAN__SB_INIT, sb = MIGPLAN__SB_INIT;
	char *c, *s;

	for (size_t i = 0; i < cur->nrows; i++) {
		if (!insertable_kind(migplan__reh_field(cur, i, 2)))
			continue;
		migplan__sb_puts(&cols, cols.len ? ", " : "");
		migplan__sb_ident(&cols, migplan__reh_field(cur, i, 0));
		migplan__sb_printf(&structure, "%sp%zu %s", structure.len ? ", " : "", i,
		                   migplan__reh_field(cur, i, 1));
	}
	c = migplan__reh_sb_take(&cols);
	s = migplan__reh_sb_take(&structure);
	if (c && s && *c) {
		migplan__sb_puts(&sb, "INSERT INTO ");
		migplan__sb_qualified(&sb, db, name);
		migplan__sb_printf(&sb, " (%s) SELECT * FROM generateRandom(", c);
		migplan__sb_literal(&sb, s);
		migplan__sb_printf(&sb, ", %" PRIu64 ", 8, 2) LIMIT %d", run->seed, PROBE_ROWS);
	}
	free(c);
	free(s);
	return sb.len ? migplan__reh_sb_take(&sb) : NULL;
}

/* Insert probe rows into db.name; on failure the message is in the thread error. */
static migplan_status insert_probe(migplan__reh_run *run, const char *db, const char *name)
{
	const migplan_rehearsal_table *t = rows_of(run, db, name);
	migplan__reh_rows cur;
	migplan_status st = migplan__reh_columns(run->eng, db, name, &cur);
	char *sql;

	if (st != MIGPLAN_OK)
		return st;
	sql = t ? probe_copy_sql(t, db, name, &cur) : NULL;
	if (!sql)
		sql = probe_generate_sql(run, db, name, &cur);
	migplan__reh_rows_free(&cur);
	if (!sql)
		return migplan__error(MIGPLAN_ERROR, "no column to insert into");
	st = migplan__reh_exec(run->eng, sql);
	free(sql);
	return st;
}

/* The table a snapshot's source name means. The snapshot strips backticks from
 * `sourceTables`, also those inside a name (`we``ird` becomes "weird"); when no table has the
 * name as given, a table whose name without backticks matches is the one. */
static const char *resolve_source(migplan__reh_run *run, const char *db, const char *name)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__reh_rows rows;
	const char *found = name;

	if (migplan__reh_table_exists(run->eng, db, name) != 0)
		return name;
	migplan__sb_puts(&sb, "SELECT name FROM system.tables WHERE database = ");
	migplan__sb_literal(&sb, db);
	migplan__sb_puts(&sb, " AND replaceAll(name, '`', '') = ");
	migplan__sb_literal(&sb, name);
	migplan__sb_puts(&sb, " ORDER BY name LIMIT 1");
	if (migplan__reh_select_sb(run->eng, &sb, &rows) == MIGPLAN_OK) {
		if (rows.nrows)
			found = migplan__reh_strdup(run->res, migplan__reh_field(&rows, 0, 0));
		migplan__reh_rows_free(&rows);
	}
	return found;
}

/* Probe one source of a materialized view: 1 in *reached when the target grew. */
static migplan_status probe_source(migplan__reh_run *run, migplan_rehearsal_view *v,
                                   const char *tdb, const char *ttable, const char *sdb,
                                   const char *stable, int *reached)
{
	uint64_t before = 0, after = 0;
	migplan_status st;
	char *why;

	*reached = 0;
	stable = resolve_source(run, sdb, stable);
	if (!stable)
		return MIGPLAN_ENOMEM;
	if (migplan__reh_table_exists(run->eng, sdb, stable) <= 0) {
		why = migplan__reh_printf(run->res, "its source table %s.%s does not exist", sdb, stable);
		return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_STOPPED, why);
	}
	stop_merges(run, tdb, ttable);
	st = count_rows(run, tdb, ttable, &before);
	if (st == MIGPLAN_OK)
		st = insert_probe(run, sdb, stable);
	if (st == MIGPLAN_OK)
		st = count_rows(run, tdb, ttable, &after);
	if (st == MIGPLAN_ERROR) {
		char *m = migplan__reh_last_message(run->res);
		why = migplan__reh_printf(run->res, "INSERT INTO %s.%s fails: %s", sdb, stable, m ? m : "?");
		return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_STOPPED, why);
	}
	if (st != MIGPLAN_OK)
		return st;
	*reached = after > before;
	if (*reached)
		return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_OK, NULL);
	why = migplan__reh_printf(run->res, "%d rows inserted into %s.%s, none reached %s", PROBE_ROWS,
	                          sdb, stable, v->target);
	return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_STOPPED, why);
}

static migplan_status check_materialized(migplan__reh_run *run, migplan_rehearsal_view *v,
                                         const migplan_view *def)
{
	const char *tdb = or_db(run, migplan_view_target_database(def) ? migplan_view_target_database(def)
	                                                               : v->database);
	const char *ttable = migplan_view_target_table(def);
	size_t n = migplan_view_source_count(def);
	migplan_status st = MIGPLAN_OK;
	int reached = 0;

	if (migplan__reh_table_exists(run->eng, tdb, ttable) <= 0)
		return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_STOPPED, "its target table does not exist");
	if (!n)
		return set_message(run, v, MIGPLAN_REHEARSAL_VIEW_OK, "no source table listed; not probed");
	/* The first source that delivers is enough: a JOIN view fires on its left table only. */
	for (size_t i = 0; i < n && st == MIGPLAN_OK && !reached; i++)
		st = probe_source(run, v, tdb, ttable, or_db(run, migplan_view_source_database(def, i)),
		                  migplan_view_source_table(def, i), &reached);
	return st;
}

static migplan_status check_view(migplan__reh_run *run, const migplan_view *def, int expected)
{
	const char *db = or_db(run, migplan_view_database(def));
	migplan_rehearsal_view *v = new_view(run, def, db);
	int exists;

	if (!v)
		return MIGPLAN_ENOMEM;
	exists = migplan__reh_table_exists(run->eng, db, v->name);
	if (exists < 0)
		return MIGPLAN_ERROR;
	if (!exists)
		return expected ? set_message(run, v, MIGPLAN_REHEARSAL_VIEW_MISSING,
		                              "local_infra_map.json has it, the engine does not")
		                : set_message(run, v, MIGPLAN_REHEARSAL_VIEW_DROPPED, NULL);
	return v->materialized ? check_materialized(run, v, def) : check_plain_view(run, v);
}

static const migplan_view *find_view(const migplan__reh_run *run, const migplan_snapshot *s,
                                     const migplan_view *like)
{
	const char *db = or_db(run, migplan_view_database(like));
	size_t nm = migplan_snapshot_mv_count(s), nv = migplan_snapshot_view_count(s);
	for (size_t i = 0; s && i < nm + nv; i++) {
		const migplan_view *v = i < nm ? migplan_snapshot_mv_at(s, i) : migplan_snapshot_view_at(s, i - nm);
		if (strcmp(migplan_view_name(v), migplan_view_name(like)) == 0 &&
		    strcmp(or_db(run, migplan_view_database(v)), db) == 0)
			return v;
	}
	return NULL;
}

/* Views of a snapshot; with skip, those also found in skip are left out. */
static migplan_status check_snapshot_views(migplan__reh_run *run, const migplan_snapshot *s,
                                           const migplan_snapshot *skip, int expected)
{
	size_t nm = migplan_snapshot_mv_count(s), nv = migplan_snapshot_view_count(s);
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; s && i < nm + nv && st == MIGPLAN_OK; i++) {
		const migplan_view *v = i < nm ? migplan_snapshot_mv_at(s, i) : migplan_snapshot_view_at(s, i - nm);
		if (skip && find_view(run, skip, v))
			continue;
		st = check_view(run, v, expected);
	}
	return st;
}

migplan_status migplan__reh_check_views(migplan__reh_run *run)
{
	/* What the code wants (local) first, then what the plan removed (remote only). Without a
	 * local snapshot every remote view is expected to survive. */
	migplan_status st = check_snapshot_views(run, run->local, NULL, 1);
	if (st == MIGPLAN_OK)
		st = check_snapshot_views(run, run->remote, run->local, run->local == NULL);
	return st;
}

/* ---------------------------------------------------------------- schema */

static migplan_status add_diff(migplan__reh_run *run, migplan_rehearsal_diff_kind kind,
                               const char *db, const char *object, const char *column,
                               const char *expected, const char *actual)
{
	migplan_rehearsal *r = run->res;
	migplan_rehearsal_diff *d = migplan__reh_push(r, (void **)&r->diffs, &r->ndiffs, &r->capdiffs,
	                                              sizeof(*d));
	if (!d)
		return MIGPLAN_ENOMEM;
	d->kind = kind;
	d->object = migplan__reh_printf(r, "%s.%s", db, object);
	d->column = migplan__reh_strdup(r, column);
	d->expected = migplan__reh_strdup(r, expected);
	d->actual = migplan__reh_strdup(r, actual);
	return d->object ? MIGPLAN_OK : MIGPLAN_ENOMEM;
}

/* Spelling differences that are not differences: backticks, spaces, one pair of outer
 * parentheses, `tuple()` for an empty key. */
static char *loose(const char *s)
{
	size_t n = strlen(s), w = 0;
	char *o = malloc(n + 1);
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '`' && s[i] != ' ')
			o[w++] = s[i];
	o[w] = '\0';
	if (strcmp(o, "tuple()") == 0)
		o[0] = '\0';
	w = strlen(o);
	if (w >= 2 && o[0] == '(' && o[w - 1] == ')') {
		int depth = 0, wraps = 1;
		for (size_t i = 0; i < w; i++) {
			depth += o[i] == '(' ? 1 : o[i] == ')' ? -1 : 0;
			if (depth == 0 && i < w - 1)
				wraps = 0;
		}
		if (wraps) {
			memmove(o, o + 1, w - 2);
			o[w - 2] = '\0';
		}
	}
	return o;
}

static int loose_equal(const char *a, const char *b)
{
	char *la = loose(a), *lb = loose(b);
	int eq = la && lb && strcmp(la, lb) == 0;
	free(la);
	free(lb);
	return eq;
}

static int same_type(const char *expected, const char *actual)
{
	char *ne = NULL, *na = NULL;
	int eq;
	if (strcmp(expected, actual) == 0)
		return 1;
	if (migplan_chtype_normalize(expected, &ne) != MIGPLAN_OK ||
	    migplan_chtype_normalize(actual, &na) != MIGPLAN_OK) {
		migplan_error_clear();
		eq = loose_equal(expected, actual);
	} else {
		eq = strcmp(ne, na) == 0 || loose_equal(ne, na);
	}
	migplan_free(ne);
	migplan_free(na);
	return eq;
}

/* The engine the table has locally: rehearsals replace the engines of other families by
 * MergeTree and drop Replicated (migplan_sql_flags MIGPLAN_SQL_LOCAL_ENGINES). */
static const char *local_engine(const migplan_table *t)
{
	const char *e = migplan_table_engine(t);
	size_t n = strlen(e);
	if (n < 9 || strcmp(e + n - 9, "MergeTree") != 0)
		return "MergeTree";
	return strncmp(e, "Replicated", 10) == 0 ? e + 10 : e;
}

static migplan_status compare_columns(migplan__reh_run *run, const char *db,
                                      const migplan_table *lt, const migplan__reh_rows *cur)
{
	const char *name = migplan_table_name(lt);
	size_t n = migplan_table_column_count(lt);
	migplan_status st = MIGPLAN_OK;
	int same_set = cur->nrows == n, in_order = 1;

	for (size_t i = 0; i < n && st == MIGPLAN_OK; i++) {
		const migplan_column *c = migplan_table_column_at(lt, i);
		const char *want = migplan_column_clickhouse_type(c);
		size_t j = 0;
		while (j < cur->nrows && strcmp(migplan__reh_field(cur, j, 0), migplan_column_name(c)) != 0)
			j++;
		if (j == cur->nrows) {
			same_set = 0;
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_COLUMN_MISSING, db, name,
			              migplan_column_name(c), want, NULL);
			continue;
		}
		in_order &= j == i;
		if (want && !same_type(want, migplan__reh_field(cur, j, 1)))
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_COLUMN_TYPE, db, name, migplan_column_name(c),
			              want, migplan__reh_field(cur, j, 1));
	}
	for (size_t j = 0; j < cur->nrows && st == MIGPLAN_OK; j++)
		if (!migplan_table_column_find(lt, migplan__reh_field(cur, j, 0))) {
			same_set = 0;
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_COLUMN_EXTRA, db, name,
			              migplan__reh_field(cur, j, 0), NULL, migplan__reh_field(cur, j, 1));
		}
	if (st == MIGPLAN_OK && same_set && !in_order)
		st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_COLUMN_ORDER, db, name, NULL, NULL, NULL);
	return st;
}

/* Engine and sorting key of db.name from system.tables. */
static migplan_status table_props(migplan__reh_run *run, const char *db, const char *name,
                                  migplan__reh_rows *out)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_puts(&sb, "SELECT engine, sorting_key FROM system.tables WHERE database = ");
	migplan__sb_literal(&sb, db);
	migplan__sb_puts(&sb, " AND name = ");
	migplan__sb_literal(&sb, name);
	return migplan__reh_select_sb(run->eng, &sb, out);
}

static migplan_status compare_table(migplan__reh_run *run, const migplan_table *lt)
{
	const char *db = or_db(run, migplan_table_database(lt)), *name = migplan_table_name(lt);
	migplan__reh_rows props, cur;
	migplan_status st = table_props(run, db, name, &props);

	if (st != MIGPLAN_OK)
		return st;
	if (!props.nrows) {
		migplan__reh_rows_free(&props);
		return add_diff(run, MIGPLAN_REHEARSAL_DIFF_TABLE_MISSING, db, name, NULL, NULL, NULL);
	}
	if (strcmp(migplan__reh_field(&props, 0, 0), local_engine(lt)) != 0)
		st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_ENGINE, db, name, NULL, local_engine(lt),
		              migplan__reh_field(&props, 0, 0));
	if (st == MIGPLAN_OK &&
	    !loose_equal(migplan_table_order_by_expression(lt), migplan__reh_field(&props, 0, 1)))
		st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_SORTING_KEY, db, name, NULL,
		              migplan_table_order_by_expression(lt), migplan__reh_field(&props, 0, 1));
	migplan__reh_rows_free(&props);
	if (st != MIGPLAN_OK)
		return st;
	st = migplan__reh_columns(run->eng, db, name, &cur);
	if (st == MIGPLAN_OK)
		st = compare_columns(run, db, lt, &cur);
	migplan__reh_rows_free(&cur);
	return st;
}

static int local_has_table(const migplan__reh_run *run, const char *db, const char *name)
{
	return migplan_snapshot_table_find(run->local, strcmp(db, run->default_db) == 0 ? NULL : db,
	                                   name) != NULL ||
	       migplan_snapshot_table_find(run->local, db, name) != NULL;
}

static int local_has_view(const migplan__reh_run *run, const char *db, const char *name)
{
	size_t nm = migplan_snapshot_mv_count(run->local), nv = migplan_snapshot_view_count(run->local);
	for (size_t i = 0; i < nm + nv; i++) {
		const migplan_view *v = i < nm ? migplan_snapshot_mv_at(run->local, i)
		                               : migplan_snapshot_view_at(run->local, i - nm);
		if (strcmp(migplan_view_name(v), name) == 0 &&
		    strcmp(or_db(run, migplan_view_database(v)), db) == 0)
			return 1;
	}
	return 0;
}

/* Objects in the plan's databases that the local snapshot does not have. */
static migplan_status extra_objects(migplan__reh_run *run)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__reh_rows rows;
	migplan_status st;

	migplan__sb_puts(&sb, "SELECT database, name, engine FROM system.tables WHERE database IN (");
	for (size_t i = 0; i < run->ndbs; i++) {
		migplan__sb_puts(&sb, i ? ", " : "");
		migplan__sb_literal(&sb, run->dbs[i]);
	}
	migplan__sb_puts(&sb, ") ORDER BY database, name");
	st = migplan__reh_select_sb(run->eng, &sb, &rows);
	for (size_t i = 0; st == MIGPLAN_OK && i < rows.nrows; i++) {
		const char *db = migplan__reh_field(&rows, i, 0), *name = migplan__reh_field(&rows, i, 1);
		const char *engine = migplan__reh_field(&rows, i, 2);
		int view = strcmp(engine, "View") == 0 || strcmp(engine, "MaterializedView") == 0;
		if (!*name)
			continue;
		if (view && !local_has_view(run, db, name))
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_VIEW_EXTRA, db, name, NULL, NULL, engine);
		else if (!view && !local_has_table(run, db, name))
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_TABLE_EXTRA, db, name, NULL, NULL, engine);
	}
	migplan__reh_rows_free(&rows);
	return st;
}

static migplan_status missing_views(migplan__reh_run *run)
{
	size_t nm = migplan_snapshot_mv_count(run->local), nv = migplan_snapshot_view_count(run->local);
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; i < nm + nv && st == MIGPLAN_OK; i++) {
		const migplan_view *v = i < nm ? migplan_snapshot_mv_at(run->local, i)
		                               : migplan_snapshot_view_at(run->local, i - nm);
		const char *db = or_db(run, migplan_view_database(v));
		int e = migplan__reh_table_exists(run->eng, db, migplan_view_name(v));
		if (e < 0)
			return MIGPLAN_ERROR;
		if (!e)
			st = add_diff(run, MIGPLAN_REHEARSAL_DIFF_VIEW_MISSING, db, migplan_view_name(v), NULL,
			              NULL, NULL);
	}
	return st;
}

migplan_status migplan__reh_check_schema(migplan__reh_run *run)
{
	size_t n = migplan_snapshot_table_count(run->local);
	migplan_status st = MIGPLAN_OK;

	if (!run->local)
		return MIGPLAN_OK;
	run->res->schema_compared = 1;
	for (size_t i = 0; i < n && st == MIGPLAN_OK; i++)
		st = compare_table(run, migplan_snapshot_table_at(run->local, i));
	if (st == MIGPLAN_OK)
		st = missing_views(run);
	if (st == MIGPLAN_OK)
		st = extra_objects(run);
	return st;
}
