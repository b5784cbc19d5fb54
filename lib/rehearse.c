/* Rehearsals (include/migplan/rehearse.h): the engine handle, the options, and the run itself:
 * set up remote_state.json, run the plan as Moose would, check the end, clean up. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/ddl.h"
#include "migplan/rewrite.h"
#include "migplan/snapshot.h"

#include "error.h"
#include "rehearse_private.h"

/* ---------------------------------------------------------------- the engine */

migplan_status migplan_chdb_open(migplan_chdb **out, const char *library_path, const char *data_dir)
{
	migplan_chdb *h;
	migplan_status st;

	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chdb_open: out is NULL");
	*out = NULL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return migplan__error_oom();
	st = migplan__chdb_open(&h->eng, library_path, data_dir);
	if (st != MIGPLAN_OK) {
		free(h);
		return st;
	}
	*out = h;
	return MIGPLAN_OK;
}

void migplan_chdb_close(migplan_chdb *eng)
{
	if (!eng)
		return;
	migplan__chdb_close(eng->eng);
	free(eng);
}

const char *migplan_chdb_library_path(const migplan_chdb *eng)
{
	return eng ? migplan__chdb_library(eng->eng) : NULL;
}

const char *migplan_chdb_data_dir(const migplan_chdb *eng)
{
	return eng ? migplan__chdb_data_dir(eng->eng) : NULL;
}

migplan_status migplan_chdb_query(migplan_chdb *eng, const char *sql, const char *format, char **out)
{
	migplan_status st;
	if (out)
		*out = NULL;
	if (!eng || !sql)
		return migplan__error(MIGPLAN_EINVAL, "migplan_chdb_query: NULL engine or SQL");
	st = migplan__chdb_query(eng->eng, sql, format, out, NULL);
	return st;
}

/* ---------------------------------------------------------------- options */

migplan_status migplan_rehearse_options_init(migplan_rehearse_options *opts, unsigned int version)
{
	if (!opts)
		return migplan__error(MIGPLAN_EINVAL, "migplan_rehearse_options_init: opts is NULL");
	if (version == 0 || version > MIGPLAN_REHEARSE_OPTIONS_VERSION)
		return migplan__error(MIGPLAN_EVERSION, "invalid version %u on migplan_rehearse_options",
		                      version);
	memset(opts, 0, sizeof(*opts));
	opts->version = version;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- databases */

typedef struct dblist {
	const char *names[64];
	size_t n;
} dblist;

static migplan_status add_db(dblist *l, const char *name)
{
	if (!name)
		return MIGPLAN_OK;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->names[i], name) == 0)
			return MIGPLAN_OK;
	if (l->n == sizeof(l->names) / sizeof(l->names[0]))
		return migplan__error(MIGPLAN_EUNSUPPORTED, "the plan uses more than %zu databases",
		                      l->n);
	l->names[l->n++] = name;
	return MIGPLAN_OK;
}

static migplan_status snapshot_dbs(dblist *l, const migplan_snapshot *s)
{
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; s && st == MIGPLAN_OK && i < migplan_snapshot_table_count(s); i++)
		st = add_db(l, migplan_table_database(migplan_snapshot_table_at(s, i)));
	for (size_t i = 0; s && st == MIGPLAN_OK && i < migplan_snapshot_mv_count(s); i++) {
		const migplan_view *v = migplan_snapshot_mv_at(s, i);
		st = add_db(l, migplan_view_database(v));
		if (st == MIGPLAN_OK)
			st = add_db(l, migplan_view_target_database(v));
	}
	for (size_t i = 0; s && st == MIGPLAN_OK && i < migplan_snapshot_view_count(s); i++)
		st = add_db(l, migplan_view_database(migplan_snapshot_view_at(s, i)));
	return st;
}

/* Every database the rehearsal needs: the default one, the snapshots', the operations'. */
static migplan_status collect_dbs(const migplan__reh_run *run, dblist *l)
{
	migplan_status st = add_db(l, run->default_db);
	size_t n = migplan_plan_op_count(run->plan);
	if (st == MIGPLAN_OK)
		st = snapshot_dbs(l, run->remote);
	if (st == MIGPLAN_OK)
		st = snapshot_dbs(l, run->local);
	for (size_t i = 0; st == MIGPLAN_OK && i < n; i++) {
		const migplan_op *op = migplan_plan_op_at(run->plan, i);
		st = add_db(l, migplan_op_database(op));
		if (st == MIGPLAN_OK)
			st = add_db(l, migplan_op_target_database(op));
	}
	return st;
}

static char *db_ddl(const char *verb, const char *db, const char *tail)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_printf(&sb, "%s ", verb);
	migplan__sb_ident(&sb, db);
	migplan__sb_puts(&sb, tail);
	return migplan__reh_sb_take(&sb);
}

static migplan_status create_dbs(migplan__reh_run *run, const dblist *l)
{
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; i <= l->n && st == MIGPLAN_OK; i++) {
		const char *db = i < l->n ? l->names[i] : MIGPLAN__REH_SCRATCH_DB;
		char *sql = db_ddl("CREATE DATABASE", db, " ENGINE = Atomic");
		st = migplan__reh_exec(run->eng, sql);
		free(sql);
		if (st == MIGPLAN_ERROR)
			st = migplan__error(MIGPLAN_EINVAL,
			                    "cannot create database `%s` in the engine (a rehearsal needs "
			                    "databases of its own; drop it or use another engine): %s",
			                    db, migplan_error_message(migplan_error_last()));
	}
	return st;
}

static void drop_dbs(migplan__reh_run *run, const dblist *l)
{
	(void)migplan__reh_exec(run->eng, "USE `default`");
	for (size_t i = 0; i <= l->n; i++) {
		const char *db = i < l->n ? l->names[i] : MIGPLAN__REH_SCRATCH_DB;
		char *sql = db_ddl("DROP DATABASE IF EXISTS", db, " SYNC");
		(void)migplan__reh_exec(run->eng, sql);
		free(sql);
	}
}

/* ---------------------------------------------------------------- statements */

/* chDB has no cluster: `ON CLUSTER c` is cut from statements (a `SYNC` that Moose adds to a
 * clustered DROP is valid alone). Everything else is sent as rendered. */
static char *without_cluster(const char *stmt, const char *cluster)
{
	migplan__sb pat = MIGPLAN__SB_INIT, out = MIGPLAN__SB_INIT;
	char *needle;
	const char *p = stmt, *hit;

	if (!cluster)
		return strdup(stmt);
	migplan__sb_puts(&pat, " ON CLUSTER ");
	migplan__sb_ident(&pat, cluster);
	needle = migplan__reh_sb_take(&pat);
	if (!needle)
		return NULL;
	while ((hit = strstr(p, needle)) != NULL) {
		migplan__sb_append(&out, p, (size_t)(hit - p));
		p = hit + strlen(needle);
	}
	migplan__sb_puts(&out, p);
	free(needle);
	return migplan__reh_sb_take(&out);
}

static uint32_t op_flags(const migplan__reh_run *run)
{
	uint32_t f = MIGPLAN_SQL_LOCAL_ENGINES;
	if (!(run->flags & MIGPLAN_REHEARSE_CORRECTED_DDL))
		f |= MIGPLAN_SQL_AS_MOOSE;
	return f;
}

/* Run every statement of a setup list; the first failure becomes a setup problem. */
static migplan_status run_setup(migplan__reh_run *run, const migplan_sql *sql, const char *cluster,
                                const char *what, int *ok)
{
	*ok = 1;
	for (size_t i = 0; i < migplan_sql_count(sql); i++) {
		char *stmt = without_cluster(migplan_sql_at(sql, i), cluster);
		migplan_status st = stmt ? migplan__reh_exec(run->eng, stmt) : migplan__error_oom();
		free(stmt);
		if (st == MIGPLAN_ERROR) {
			char *m = migplan__reh_last_message(run->res);
			*ok = 0;
			return migplan__reh_setup_problem(run->res, "%s: %s", what, m ? m : "?");
		}
		if (st != MIGPLAN_OK)
			return st;
	}
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- setup */

static migplan_status setup_table(migplan__reh_run *run, size_t i)
{
	const migplan_table *snap = migplan_snapshot_table_at(run->remote, i);
	migplan_rehearsal_table *t = &run->res->tables[i];
	const char *db = migplan_table_database(snap);
	migplan_sql *sql = NULL;
	migplan_status st;
	int ok = 0;

	t->index = i;
	t->database = migplan__reh_strdup(run->res, db ? db : run->default_db);
	t->name = migplan__reh_strdup(run->res, migplan_table_name(snap));
	t->source_name = migplan__reh_strdup(run->res, migplan_table_source_name(snap));
	t->engine = migplan__reh_strdup(run->res, migplan_table_engine(snap));
	if (!t->database || !t->name)
		return MIGPLAN_ENOMEM;
	/* The deployment holds the table as ClickHouse accepted it: libmigplan's valid types. */
	st = migplan_table_to_sql(&sql, snap, run->default_db, MIGPLAN_SQL_LOCAL_ENGINES);
	if (st == MIGPLAN_ENOMEM)
		return st;
	if (st != MIGPLAN_OK)
		return migplan__reh_setup_problem(run->res, "table %s.%s: %s", t->database, t->name,
		                                  migplan_error_message(migplan_error_last()));
	{
		char *what = migplan__reh_printf(run->res, "table %s.%s", t->database, t->name);
		st = what ? run_setup(run, sql, migplan_table_cluster_name(snap), what, &ok) : MIGPLAN_ENOMEM;
	}
	migplan_sql_free(sql);
	if (st != MIGPLAN_OK || !ok)
		return st;
	return migplan__reh_fill(run, t, snap);
}

static migplan_status setup_view(migplan__reh_run *run, const migplan_view *v)
{
	const char *db = migplan_view_database(v);
	migplan_sql *sql = NULL;
	migplan_status st = migplan_view_to_sql(&sql, v, run->default_db, MIGPLAN_SQL_LOCAL_ENGINES);
	char *what;
	int ok;

	if (st == MIGPLAN_ENOMEM)
		return st;
	what = migplan__reh_printf(run->res, "%s %s.%s",
	                           migplan_view_kind_of(v) == MIGPLAN_VIEW_MATERIALIZED
	                                   ? "materialized view"
	                                   : "view",
	                           db ? db : run->default_db, migplan_view_name(v));
	if (!what) {
		migplan_sql_free(sql);
		return MIGPLAN_ENOMEM;
	}
	if (st != MIGPLAN_OK)
		return migplan__reh_setup_problem(run->res, "%s: %s", what,
		                                  migplan_error_message(migplan_error_last()));
	st = run_setup(run, sql, NULL, what, &ok);
	migplan_sql_free(sql);
	return st;
}

static migplan_status setup(migplan__reh_run *run)
{
	size_t nt = migplan_snapshot_table_count(run->remote);
	migplan_status st = MIGPLAN_OK;

	run->res->tables = migplan__arena_zalloc(&run->res->arena, (nt ? nt : 1) * sizeof(*run->res->tables));
	if (!run->res->tables)
		return migplan__error_oom();
	run->res->ntables = nt;
	/* Tables are filled before the views exist, so that materialized view targets hold their
	 * own generated rows and are not fed by the fill. */
	for (size_t i = 0; i < nt && st == MIGPLAN_OK; i++)
		st = setup_table(run, i);
	for (size_t i = 0; i < migplan_snapshot_mv_count(run->remote) && st == MIGPLAN_OK; i++)
		st = setup_view(run, migplan_snapshot_mv_at(run->remote, i));
	for (size_t i = 0; i < migplan_snapshot_view_count(run->remote) && st == MIGPLAN_OK; i++)
		st = setup_view(run, migplan_snapshot_view_at(run->remote, i));
	return st;
}

/* ---------------------------------------------------------------- operations */

static char *op_label(migplan_rehearsal *r, const migplan_op *op, const char *default_db)
{
	const char *kind = migplan_op_kind_name(migplan_op_kind_of(op));
	const char *table = migplan_op_table_name(op);
	const char *db = migplan_op_database(op);
	const char *col = migplan_op_column_name(op);
	const char *obj = migplan_op_object_name(op);
	const char *desc = migplan_op_description(op);

	if (migplan_op_kind_of(op) == MIGPLAN_OP_RAW_SQL)
		return desc ? migplan__reh_printf(r, "%s: %s", kind, desc) : migplan__reh_strdup(r, kind);
	if (!table)
		return migplan__reh_strdup(r, kind ? kind : "?");
	if (col)
		return migplan__reh_printf(r, "%s %s.%s.%s", kind, db ? db : default_db, table, col);
	if (obj)
		return migplan__reh_printf(r, "%s %s.%s (%s)", kind, db ? db : default_db, table, obj);
	return migplan__reh_printf(r, "%s %s.%s", kind, db ? db : default_db, table);
}

/* Failed mutations of the rehearsal's databases, one "db\ttable\tid" key per row; the keys
 * seen before an operation are not that operation's. */
typedef struct mutations {
	char **keys;
	size_t n;
} mutations;

static void free_mutations(mutations *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	memset(m, 0, sizeof(*m));
}

static int known_mutation(const mutations *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return 1;
	return 0;
}

static migplan_status remember_mutation(mutations *m, const char *key)
{
	char **grown = realloc(m->keys, (m->n + 1) * sizeof(*grown));
	if (!grown)
		return migplan__error_oom();
	m->keys = grown;
	m->keys[m->n] = strdup(key);
	if (!m->keys[m->n])
		return migplan__error_oom();
	m->n++;
	return MIGPLAN_OK;
}

/* Record the failed mutations that are new since the last call on op (when op is not NULL). */
static migplan_status new_failed_mutations(migplan__reh_run *run, mutations *seen,
                                           migplan_rehearsal_op *op)
{
	static const char sql[] =
		"SELECT database, table, mutation_id, command, latest_fail_reason FROM system.mutations "
		"WHERE is_done = 0 AND latest_fail_reason != '' AND database != 'system' "
		"ORDER BY database, table, mutation_id";
	migplan__reh_rows rows;
	migplan_status st = migplan__reh_select(run->eng, sql, &rows);
	size_t cap = op ? op->nmutations : 0;

	for (size_t i = 0; st == MIGPLAN_OK && i < rows.nrows; i++) {
		char key[1024], *text, **slot;
		snprintf(key, sizeof(key), "%s\t%s\t%s", migplan__reh_field(&rows, i, 0),
		         migplan__reh_field(&rows, i, 1), migplan__reh_field(&rows, i, 2));
		if (known_mutation(seen, key))
			continue;
		st = remember_mutation(seen, key);
		if (st != MIGPLAN_OK || !op)
			continue;
		migplan__error(MIGPLAN_ERROR, "%s", migplan__reh_field(&rows, i, 4));
		text = migplan__reh_printf(run->res, "%s.%s %s %s: %s", migplan__reh_field(&rows, i, 0),
		                           migplan__reh_field(&rows, i, 1), migplan__reh_field(&rows, i, 2),
		                           migplan__reh_field(&rows, i, 3),
		                           migplan__reh_last_message(run->res));
		slot = migplan__reh_push(run->res, (void **)&op->mutations, &op->nmutations, &cap,
		                         sizeof(*slot));
		if (!text || !slot)
			st = MIGPLAN_ENOMEM;
		else
			*slot = text;
	}
	migplan__reh_rows_free(&rows);
	return st;
}

/* Can RawSql change the rows of table t? Only by naming it (or its holder), or by acting on a
 * whole database; the test is on the text, so a large plan does not measure every table after
 * every statement. */
static int raw_sql_names(const migplan_op *op, const migplan_rehearsal_table *t)
{
	if (strpbrk(t->name, "`'\"\\")) /* written escaped in SQL: no plain substring to find */
		return 1;
	for (size_t i = 0; i < migplan_op_sql_count(op); i++) {
		const char *sql = migplan_op_sql_at(op, i);
		if (strstr(sql, t->name) || (t->holder && strstr(sql, t->holder)) || strstr(sql, "DATABASE") ||
		    strstr(sql, "database"))
			return 1;
	}
	return 0;
}

/* Can op change the rows of table t? */
static int op_affects(const migplan__reh_run *run, const migplan_op *op,
                      const migplan_rehearsal_table *t)
{
	const char *name = migplan_op_table_name(op);
	const char *db = migplan_op_database(op);
	migplan_op_kind k = migplan_op_kind_of(op);

	if (k == MIGPLAN_OP_RAW_SQL)
		return raw_sql_names(op, t);
	if (k == MIGPLAN_OP_CREATE_MATERIALIZED_VIEW || k == MIGPLAN_OP_DROP_MATERIALIZED_VIEW ||
	    k == MIGPLAN_OP_CREATE_VIEW || k == MIGPLAN_OP_DROP_VIEW || !name)
		return 0;
	if (strcmp(db ? db : run->default_db, t->database) != 0)
		return 0;
	if (strcmp(name, t->name) == 0 || (t->holder && strcmp(name, t->holder) == 0))
		return 1;
	if (k == MIGPLAN_OP_CREATE_TABLE && t->source_name) { /* another version of the table */
		const char *src = migplan_table_source_name(migplan_op_table(op));
		return src && strcmp(src, t->source_name) == 0;
	}
	return 0;
}

/* Copy the statements of op, as they will be sent, into the result. */
static migplan_status keep_statements(migplan__reh_run *run, migplan_rehearsal_op *rop,
                                      const migplan_sql *sql, const char *cluster)
{
	size_t n = migplan_sql_count(sql);
	rop->stmts = migplan__arena_zalloc(&run->res->arena, (n ? n : 1) * sizeof(*rop->stmts));
	if (!rop->stmts)
		return migplan__error_oom();
	for (size_t i = 0; i < n; i++) {
		char *s = without_cluster(migplan_sql_at(sql, i), cluster);
		rop->stmts[i] = migplan__reh_strdup(run->res, s);
		free(s);
		if (!rop->stmts[i])
			return migplan__error_oom();
	}
	rop->nstmts = n;
	return MIGPLAN_OK;
}

/* Send the statements in order; the first error ends the operation. */
static migplan_status send_statements(migplan__reh_run *run, migplan_rehearsal_op *rop)
{
	uint64_t t0 = migplan__reh_now_us();
	migplan_status st = MIGPLAN_OK;

	rop->status = MIGPLAN_REHEARSAL_OP_RAN;
	for (size_t i = 0; i < rop->nstmts; i++) {
		st = migplan__reh_exec(run->eng, rop->stmts[i]);
		if (st == MIGPLAN_OK)
			continue;
		if (st != MIGPLAN_ERROR)
			break;
		rop->failed_stmt = (long)i;
		rop->message = migplan__reh_last_message(run->res);
		/* A later statement fails after earlier ones changed things: failed, not refused. */
		rop->status = i == 0 ? MIGPLAN_REHEARSAL_OP_REFUSED : MIGPLAN_REHEARSAL_OP_FAILED;
		st = rop->message ? MIGPLAN_OK : MIGPLAN_ENOMEM;
		break;
	}
	rop->duration_us = migplan__reh_now_us() - t0;
	return st;
}

static migplan_status after_op(migplan__reh_run *run, const migplan_op *op,
                               migplan_rehearsal_op *rop, mutations *seen)
{
	migplan_status st = new_failed_mutations(run, seen, rop);
	if (st != MIGPLAN_OK)
		return st;
	if (rop->nmutations) {
		/* The statement reached the data before it failed: the metadata may already say the
		 * new type while the parts cannot be converted (a stuck mutation, as in production). */
		rop->status = MIGPLAN_REHEARSAL_OP_FAILED;
		if (!rop->message)
			rop->message = rop->mutations[0];
	}
	if (rop->status == MIGPLAN_REHEARSAL_OP_RAN && migplan_op_kind_of(op) == MIGPLAN_OP_RENAME_TABLE_COLUMN) {
		const char *db = migplan_op_database(op);
		migplan__reh_renamed(run, db ? db : run->default_db, migplan_op_table_name(op),
		                     migplan_op_column_name(op), migplan_op_new_column_name(op));
	}
	for (size_t i = 0; i < run->res->ntables && st == MIGPLAN_OK; i++)
		if (op_affects(run, op, &run->res->tables[i]))
			st = migplan__reh_measure(run, &run->res->tables[i], rop);
	return st;
}

static migplan_status run_op(migplan__reh_run *run, size_t i, int *stopped, mutations *seen)
{
	const migplan_op *op = migplan_plan_op_at(run->plan, i);
	migplan_rehearsal_op *rop = &run->res->ops[i];
	migplan_sql *sql = NULL;
	migplan_status st;

	rop->index = i;
	rop->kind = migplan_op_kind_of(op);
	rop->label = op_label(run->res, op, run->default_db);
	rop->failed_stmt = -1;
	rop->status = MIGPLAN_REHEARSAL_OP_NOT_RUN;
	if (!rop->label)
		return MIGPLAN_ENOMEM;
	if (*stopped)
		return MIGPLAN_OK;
	st = migplan_op_to_sql(&sql, op, run->default_db, op_flags(run));
	if (st == MIGPLAN_ENOMEM)
		return st;
	if (st != MIGPLAN_OK) {
		/* Moose could not write it either (no ClickHouse type): it never reaches the engine. */
		rop->status = MIGPLAN_REHEARSAL_OP_REFUSED;
		rop->message = migplan__reh_strdup(run->res, migplan_error_message(migplan_error_last()));
		*stopped = !(run->flags & MIGPLAN_REHEARSE_KEEP_GOING);
		return rop->message ? MIGPLAN_OK : MIGPLAN_ENOMEM;
	}
	st = keep_statements(run, rop, sql, migplan_op_cluster_name(op));
	migplan_sql_free(sql);
	if (st == MIGPLAN_OK)
		st = send_statements(run, rop);
	if (st == MIGPLAN_OK)
		st = after_op(run, op, rop, seen);
	if (rop->status != MIGPLAN_REHEARSAL_OP_RAN)
		*stopped = !(run->flags & MIGPLAN_REHEARSE_KEEP_GOING);
	return st;
}

static void progress(const migplan__reh_run *run, const migplan_rehearse_options *opts, size_t i)
{
	if (opts && opts->progress)
		opts->progress(opts->progress_user, i, run->res->nops, run->rows_total);
}

static migplan_status run_ops(migplan__reh_run *run, const migplan_rehearse_options *opts)
{
	size_t n = migplan_plan_op_count(run->plan);
	mutations seen = {NULL, 0};
	int stopped = 0;
	migplan_status st;

	run->res->ops = migplan__arena_zalloc(&run->res->arena, (n ? n : 1) * sizeof(*run->res->ops));
	if (!run->res->ops)
		return migplan__error_oom();
	run->res->nops = n;
	st = new_failed_mutations(run, &seen, NULL); /* failures of the setup are not the plan's */
	for (size_t i = 0; i < n && st == MIGPLAN_OK; i++) {
		if (!stopped)
			progress(run, opts, i);
		st = run_op(run, i, &stopped, &seen);
	}
	free_mutations(&seen);
	if (st == MIGPLAN_OK)
		progress(run, opts, n);
	return st;
}

/* ---------------------------------------------------------------- the whole */

static migplan_status finish(migplan__reh_run *run)
{
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; i < run->res->ntables && st == MIGPLAN_OK; i++)
		st = migplan__reh_finish_table(run, &run->res->tables[i]);
	/* The probes insert rows: they come after every measurement and every query. */
	if (st == MIGPLAN_OK)
		st = migplan__reh_check_schema(run);
	if (st == MIGPLAN_OK)
		st = migplan__reh_verify_after(run);
	if (st == MIGPLAN_OK)
		st = migplan__reh_check_views(run);
	return st;
}

static migplan_status start(migplan__reh_run *run)
{
	migplan__reh_rows rows;
	migplan_status st = migplan__reh_select(run->eng, "SELECT version()", &rows);
	char *use;

	if (st != MIGPLAN_OK)
		return st;
	run->res->engine_version = migplan__reh_strdup(run->res, migplan__reh_field(&rows, 0, 0));
	migplan__reh_rows_free(&rows);
	/* Mutations wait for their end, so an operation sees its own mutation fail; without it the
	 * ALTER returns at once (as in production) and the failure shows only later. */
	st = migplan__reh_exec(run->eng, "SET mutations_sync = 2");
	if (st == MIGPLAN_OK)
		st = migplan__reh_exec(run->eng, "SET alter_sync = 2");
	/* Moose's connection has the configured database as its current one; RawSql and view
	 * SELECTs name tables without a database. */
	use = db_ddl("USE", run->default_db, "");
	if (st == MIGPLAN_OK)
		st = migplan__reh_exec(run->eng, use);
	free(use);
	return st;
}

static migplan_status rehearse_on(migplan__reh_run *run, const migplan_rehearse_options *opts)
{
	dblist dbs = {{0}, 0};
	migplan_status st = collect_dbs(run, &dbs);
	run->dbs = dbs.names;
	run->ndbs = dbs.n;
	if (st == MIGPLAN_OK)
		st = create_dbs(run, &dbs);
	if (st == MIGPLAN_OK)
		st = start(run);
	if (st == MIGPLAN_OK)
		st = setup(run);
	if (st == MIGPLAN_OK)
		st = migplan__reh_verify_before(run);
	if (st == MIGPLAN_OK)
		st = run_ops(run, opts);
	if (st == MIGPLAN_OK)
		st = finish(run);
	if (!(run->flags & MIGPLAN_REHEARSE_KEEP_DATABASES) || st != MIGPLAN_OK) {
		const migplan_error *e = migplan_error_last();
		migplan_status code = migplan_error_code(e);
		char *msg = st != MIGPLAN_OK ? strdup(migplan_error_message(e)) : NULL;
		drop_dbs(run, &dbs);
		if (msg) /* the cleanup must not hide why the rehearsal failed */
			migplan__error(code, "%s", msg);
		free(msg);
	}
	return st;
}

static migplan_status check_args(migplan_rehearsal **out, const migplan_plan *plan,
                                 const migplan_rehearse_options *opts)
{
	if (!out || !plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_rehearse: NULL out or plan");
	*out = NULL;
	if (opts && (opts->version == 0 || opts->version > MIGPLAN_REHEARSE_OPTIONS_VERSION))
		return migplan__error(MIGPLAN_EVERSION, "invalid version %u on migplan_rehearse_options",
		                      opts->version);
	if (!migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_REMOTE))
		return migplan__error(MIGPLAN_EINVAL,
		                      "%s: no remote_state.json; a rehearsal starts from the state of the "
		                      "deployment the plan was generated against",
		                      migplan_plan_path(plan) ? migplan_plan_path(plan) : "the plan");
	return MIGPLAN_OK;
}

migplan_status migplan_rehearse(migplan_rehearsal **out, const migplan_plan *plan,
                                const migplan_rehearse_options *opts)
{
	migplan__reh_run run;
	migplan_chdb *own = NULL;
	migplan_status st = check_args(out, plan, opts);
	uint64_t t0 = migplan__reh_now_us();

	if (st != MIGPLAN_OK)
		return st;
	memset(&run, 0, sizeof(run));
	run.plan = plan;
	run.remote = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_REMOTE);
	run.local = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_LOCAL);
	run.default_db = migplan_plan_default_database(plan);
	run.rows = opts && opts->rows ? opts->rows : MIGPLAN_REHEARSE_DEFAULT_ROWS;
	run.seed = opts ? opts->seed : 0;
	run.flags = opts ? opts->flags : 0;
	st = migplan__reh_checklist_parse(opts ? opts->checklist_json : NULL, &run.checklist);
	if (st == MIGPLAN_OK)
		st = migplan__reh_new(&run.res);
	if (st != MIGPLAN_OK) {
		migplan__reh_checklist_free(run.checklist);
		return st;
	}
	run.res->plan_path = migplan__reh_strdup(run.res, migplan_plan_path(plan));
	run.res->default_db = migplan__reh_strdup(run.res, run.default_db);
	run.res->rows = run.rows;
	run.res->seed = run.seed;
	run.res->flags = run.flags;
	if (opts && opts->engine)
		run.eng = opts->engine->eng;
	else if ((st = migplan_chdb_open(&own, opts ? opts->library_path : NULL,
	                                 opts ? opts->data_dir : NULL)) == MIGPLAN_OK)
		run.eng = own->eng;
	if (st == MIGPLAN_OK)
		st = rehearse_on(&run, opts);
	migplan_chdb_close(own);
	migplan__reh_checklist_free(run.checklist);
	if (st != MIGPLAN_OK) {
		migplan_rehearsal_free(run.res);
		return st;
	}
	run.res->duration_us = migplan__reh_now_us() - t0;
	*out = run.res;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- before and after a rewrite */

static migplan_status edited_plan(migplan_plan **out, migplan_plan *plan, const char *const *ids,
                                  size_t count)
{
	migplan_status st = migplan_plan_propose_edits(plan);
	if (st != MIGPLAN_OK)
		return st;
	if (migplan_plan_edit_count(plan) == 0)
		return migplan__error(MIGPLAN_ENOTFOUND,
		                      "%s: no edit is proposed for this plan; nothing to compare",
		                      migplan_plan_path(plan) ? migplan_plan_path(plan) : "the plan");
	return migplan_plan_apply_edits(out, plan, ids, count);
}

migplan_status migplan_rehearse_edits(migplan_rehearsal **before, migplan_rehearsal **after,
                                      migplan_plan *plan, const char *const *ids, size_t count,
                                      const migplan_rehearse_options *opts)
{
	migplan_rehearse_options o = MIGPLAN_REHEARSE_OPTIONS_INIT;
	migplan_plan *edited = NULL;
	migplan_chdb *own = NULL;
	migplan_status st;

	if (!before || !after || !plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_rehearse_edits: NULL argument");
	*before = *after = NULL;
	if (opts && (opts->version == 0 || opts->version > MIGPLAN_REHEARSE_OPTIONS_VERSION))
		return migplan__error(MIGPLAN_EVERSION, "invalid version %u on migplan_rehearse_options",
		                      opts->version);
	if (opts)
		o = *opts;
	st = edited_plan(&edited, plan, ids, count);
	/* One engine for both: chDB allows one per process, and the data must be the same. */
	if (st == MIGPLAN_OK && !o.engine && (st = migplan_chdb_open(&own, o.library_path, o.data_dir)) == MIGPLAN_OK)
		o.engine = own;
	if (st == MIGPLAN_OK)
		st = migplan_rehearse(before, plan, &o);
	if (st == MIGPLAN_OK)
		st = migplan_rehearse(after, edited, &o);
	if (st != MIGPLAN_OK) {
		migplan_rehearsal_free(*before);
		*before = NULL;
	}
	migplan_chdb_close(own);
	migplan_plan_free(edited);
	return st;
}
