/* The result model of the reports: built once per report handle from the plan's
 * classification, its findings and proposed edits, and its snapshots. This file gathers the
 * operations, findings, edits, tables and breaking changes, then asks report_steps.c for the
 * rollout and report_audit.c for the queries, and finally sums the model up (unknowns,
 * clean-up, invariants, how realistic the rollback is). */
#include <stdlib.h>
#include <string.h>

#include "migplan/rewrite.h"
#include "migplan/typechange.h"

#include "model.h"
#include "report-private.h"
#include "sqlscan.h"

/* ---------------------------------------------------------------- builders */

void migplan__rmodel_oom(migplan__rmodel *m)
{
	if (m->status == MIGPLAN_OK)
		m->status = migplan__error_oom();
}

void migplan__rpush(migplan__rmodel *m, migplan__rvec *v, void *item)
{
	if (!item || !migplan__rvec_push(&m->arena, v, item))
		migplan__rmodel_oom(m);
}

migplan__rbackfill *migplan__rbackfill_add(migplan__rmodel *m, migplan__bf_kind kind, const char *database,
                                           const char *source, const char *target, migplan__rstep *s,
                                           const migplan__rsql *q, const migplan__batching *b)
{
	migplan__rbackfill *bf = migplan__arena_zalloc(&m->arena, sizeof(*bf));
	if (!bf || !q) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	bf->kind = kind;
	bf->database = database;
	bf->source = source;
	bf->target = target;
	bf->op = -1;
	bf->step = s;
	bf->sql = q->sql;
	bf->batching = b;
	migplan__rpush(m, &m->backfills, bf);
	return bf;
}

static int stage_read_only(migplan__rstage s)
{
	return s == MIGPLAN__RS_BEFORE || s == MIGPLAN__RS_PREPARE || s == MIGPLAN__RS_CHECK ||
	       s == MIGPLAN__RS_PROGRESS || s == MIGPLAN__RS_MONITOR || s == MIGPLAN__RS_AFTER;
}

migplan__rsql *migplan__rsql_new(migplan__rmodel *m, migplan__rstage stage, const char *purpose,
                                 const char *sql)
{
	migplan__rsql *q = migplan__arena_zalloc(&m->arena, sizeof(*q));
	if (!q || !sql || !purpose) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	q->stage = stage;
	q->read_only = stage_read_only(stage);
	q->purpose = purpose;
	q->sql = sql;
	migplan__rpush(m, &m->sql, q);
	if (stage == MIGPLAN__RS_BEFORE)
		migplan__rpush(m, &m->before, q);
	else if (stage == MIGPLAN__RS_AFTER)
		migplan__rpush(m, &m->after, q);
	else if (stage == MIGPLAN__RS_MONITOR)
		migplan__rpush(m, &m->monitor, q);
	return q;
}

migplan__rstep *migplan__rstep_new(migplan__rmodel *m, migplan__phase phase, migplan__actor actor,
                                   long change, const char *title)
{
	migplan__rstep *s = migplan__arena_zalloc(&m->arena, sizeof(*s));
	if (!s || !title) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	s->phase = phase;
	s->actor = actor;
	s->change = change;
	s->title = title;
	s->rollback = MIGPLAN__RB_YES;
	s->est_seconds = -1;
	migplan__rpush(m, &m->steps, s);
	if (change >= 0)
		migplan__rpush(m, &((migplan__rchange *)m->changes.items[change])->steps, s);
	return s;
}

void migplan__rstep_add(migplan__rmodel *m, migplan__rstep *s, migplan__rvec *list, migplan__rsql *q)
{
	if (!s || !q)
		return;
	q->step = s;
	migplan__rpush(m, list, q);
}

migplan__rnote *migplan__rnote_add(migplan__rmodel *m, migplan__rvec *list, const char *text,
                                   const char *detail, const char *ref, long op)
{
	migplan__rnote *n = migplan__arena_zalloc(&m->arena, sizeof(*n));
	if (!n || !text) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	n->text = text;
	n->detail = detail;
	n->ref = ref;
	n->op = op;
	migplan__rpush(m, list, n);
	return n;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

migplan__rtable *migplan__rtable_find(const migplan__rmodel *m, const char *db, const char *name)
{
	for (size_t i = 0; i < m->tables.count; i++) {
		migplan__rtable *t = m->tables.items[i];
		if (str_eq(t->database, db) && str_eq(t->name, name))
			return t;
	}
	return NULL;
}

const char *migplan__qname(migplan__rmodel *m, const char *db, const char *name)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_qualified(&sb, db, name ? name : "");
	const char *s = migplan__rsb(m, &sb);
	if (!s)
		migplan__rmodel_oom(m);
	return s;
}

const char *migplan__qlit(migplan__rmodel *m, const char *text)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_literal(&sb, text ? text : "");
	const char *s = migplan__rsb(m, &sb);
	if (!s)
		migplan__rmodel_oom(m);
	return s;
}

const char *migplan__op_db(const migplan__rmodel *m, const migplan_op *op)
{
	const char *db = migplan_op_database(op);
	return db ? db : m->default_db;
}

/* ---------------------------------------------------------------- operations */

/* What running the operation loses, in a few words for the operations table. */
static const char *op_lost(migplan__rmodel *m, const migplan_op *op)
{
	const migplan_type_change *tc = migplan_op_type_change(op);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_DROP_TABLE:
		return "every row of the table";
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
		return "every value of the column";
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		if (migplan_op_data_loss(op) == MIGPLAN_LOSS_NONE)
			return "nothing";
		if (tc && migplan_type_change_example(tc))
			return migplan__rfmt(m, "values change (%s): %s",
			                     migplan_type_change_cause_name(migplan_type_change_cause(tc)),
			                     migplan_type_change_example(tc));
		return "values may change";
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		return "rows inserted into its sources stop reaching its target";
	case MIGPLAN_OP_DROP_VIEW:
		return "no stored rows; its readers fail";
	case MIGPLAN_OP_DROP_TABLE_INDEX:
	case MIGPLAN_OP_DROP_TABLE_PROJECTION:
		return "derived data only (queries may get slower)";
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		return "rows the new TTL expires";
	case MIGPLAN_OP_RAW_SQL:
		return "unknown until a person reads the SQL";
	default:
		return migplan_op_data_loss(op) == MIGPLAN_LOSS_NONE ? "nothing" : "may change values";
	}
}

static const char *op_object(migplan__rmodel *m, const migplan_op *op)
{
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan_op_kind k = migplan_op_kind_of(op);
	if (k == MIGPLAN_OP_RAW_SQL) {
		const char *d = migplan_op_description(op);
		migplan__sb_puts(&sb, d ? d : "hand-written SQL");
		return migplan__rsb(m, &sb);
	}
	migplan__sb_qualified(&sb, migplan__op_db(m, op), migplan_op_table_name(op));
	if (migplan_op_column_name(op)) {
		migplan__sb_putc(&sb, '.');
		migplan__sb_ident(&sb, migplan_op_column_name(op));
	}
	if (k == MIGPLAN_OP_RENAME_TABLE_COLUMN && migplan_op_new_column_name(op)) {
		migplan__sb_puts(&sb, " -> ");
		migplan__sb_ident(&sb, migplan_op_new_column_name(op));
	}
	if (migplan_op_object_name(op)) {
		migplan__sb_puts(&sb, k == MIGPLAN_OP_ADD_TABLE_INDEX || k == MIGPLAN_OP_DROP_TABLE_INDEX
		                          ? " index " : " projection ");
		migplan__sb_ident(&sb, migplan_op_object_name(op));
	}
	return migplan__rsb(m, &sb);
}

static void build_ops(migplan__rmodel *m)
{
	m->op_count = migplan_plan_op_count(m->plan);
	if (!m->op_count)
		return;
	m->ops = migplan__arena_zalloc(&m->arena, m->op_count * sizeof(*m->ops));
	if (!m->ops) {
		migplan__rmodel_oom(m);
		m->op_count = 0;
		return;
	}
	for (size_t i = 0; i < m->op_count; i++) {
		migplan__rop *r = &m->ops[i];
		r->op = migplan_plan_op_at(m->plan, i);
		r->change = -1;
		r->object = op_object(m, r->op);
		r->lost = op_lost(m, r->op);
		r->destructive = migplan_op_category(r->op) == MIGPLAN_CATEGORY_DESTRUCTIVE ||
		                 migplan_op_data_loss(r->op) == MIGPLAN_LOSS_PERMANENT;
	}
}

/* ---------------------------------------------------------------- findings and edits */

static int view_rule(const char *rule)
{
	return str_eq(rule, "view-broken-by-change") || str_eq(rule, "view-reads-altered-column");
}

static void take_finding(migplan__rmodel *m, const migplan_finding *f)
{
	long op = migplan_finding_operation(f);
	const char *rule = migplan_finding_rule(f);
	const char *msg = migplan__rfmt(m, "%s", migplan_finding_message(f));
	if (op >= 0 && (size_t)op < m->op_count && migplan_finding_allowed(f) && migplan_finding_allow_reason(f))
		m->ops[op].justification = migplan__rfmt(m, "%s", migplan_finding_allow_reason(f));
	if (migplan_finding_blocker(f)) {
		if (op >= 0 && (size_t)op < m->op_count) {
			m->ops[op].blocked = 1;
			m->ops[op].refused |= str_eq(rule, "type-refused-by-clickhouse");
		}
		migplan__rnote_add(m, &m->blockers, msg, migplan__rfmt(m, "%s", migplan_finding_help(f)),
		                   migplan__rfmt(m, "%s", rule), op);
		return;
	}
	if (view_rule(rule)) {
		migplan__rnote_add(m, &m->views_flagged, msg, NULL, migplan__rfmt(m, "%s", rule), op);
		return;
	}
	if (migplan_finding_severity(f) >= MIGPLAN_SEVERITY_WARNING && !migplan_finding_allowed(f))
		migplan__rnote_add(m, &m->risks, msg, NULL, migplan__rfmt(m, "%s", rule), op);
}

static void build_findings(migplan__rmodel *m)
{
	for (size_t i = 0; i < migplan_plan_finding_count(m->plan); i++)
		take_finding(m, migplan_plan_finding_at(m->plan, i));
	m->go = m->blockers.count == 0;
}

/* Operations libmigplan's rewrite inserted carry `(libmigplan <edit id>)` in their
 * description: that is how a report on an edited plan knows which edits were applied. */
static void find_applied_edit(migplan__rmodel *m, size_t i)
{
	const char *d = migplan_op_description(m->ops[i].op);
	const char *p = d ? strstr(d, "(libmigplan ") : NULL;
	if (!p)
		return;
	p += strlen("(libmigplan ");
	const char *end = strchr(p, ')');
	if (!end || end == p)
		return;
	const char *id = migplan__arena_strndup(&m->arena, p, (size_t)(end - p));
	for (size_t k = 0; k < m->edits_applied.count; k++)
		if (str_eq(((migplan__rnote *)m->edits_applied.items[k])->ref, id))
			return;
	migplan__rnote_add(m, &m->edits_applied, migplan__rfmt(m, "%s", d), NULL, id, (long)i);
}

static void build_edits(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->op_count; i++)
		if (migplan_op_kind_of(m->ops[i].op) == MIGPLAN_OP_RAW_SQL)
			find_applied_edit(m, i);
	for (size_t i = 0; i < migplan_plan_edit_count(m->plan); i++) {
		const migplan_edit *e = migplan_plan_edit_at(m->plan, i);
		migplan__rnote_add(m, &m->edits_proposed,
		                   migplan__rfmt(m, "%s (answers the `%s` finding)", migplan_edit_description(e),
		                                 migplan_edit_rule(e)),
		                   NULL, migplan__rfmt(m, "%s", migplan_edit_id(e)), -1);
	}
}

/* 1 when the analysis found an operation placed before what it needs: the rollout then runs
 * the plan's operations in an order that works (creates, columns, changes, then views and SQL). */
static int plan_misordered(const migplan__rmodel *m)
{
	for (size_t i = 0; i < migplan_plan_finding_count(m->plan); i++) {
		const char *e = migplan_finding_edit(migplan_plan_finding_at(m->plan, i));
		if (e && strncmp(e, "reorder:", 8) == 0)
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- tables */

static const migplan_table *created_by_plan(const migplan__rmodel *m, const char *db, const char *name)
{
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		if (migplan_op_kind_of(op) == MIGPLAN_OP_CREATE_TABLE && str_eq(migplan__op_db(m, op), db) &&
		    str_eq(migplan_op_table_name(op), name))
			return migplan_op_table(op);
	}
	return NULL;
}

static const char *view_db(const migplan__rmodel *m, const char *db)
{
	return db ? db : m->default_db;
}

/* Views and materialized views of remote_state.json that read db.name. */
static void find_readers(migplan__rmodel *m, migplan__rtable *t, const migplan_snapshot *snap)
{
	size_t nmv = migplan_snapshot_mv_count(snap), nv = migplan_snapshot_view_count(snap);
	for (size_t i = 0; i < nmv + nv; i++) {
		const migplan_view *v = i < nmv ? migplan_snapshot_mv_at(snap, i) : migplan_snapshot_view_at(snap, i - nmv);
		for (size_t k = 0; k < migplan_view_source_count(v); k++) {
			const char *sdb = migplan_view_source_database(v, k);
			if (!sdb)
				sdb = view_db(m, migplan_view_database(v));
			if (!str_eq(sdb, t->database) || !str_eq(migplan_view_source_table(v, k), t->name))
				continue;
			migplan__rpush(m, &t->views, (void *)migplan__qname(m, view_db(m, migplan_view_database(v)),
			                                                    migplan_view_name(v)));
			t->roles |= MIGPLAN__T_VIEW_SOURCE;
			break;
		}
	}
}

static migplan__rtable *table_add(migplan__rmodel *m, migplan_report *r, const char *db, const char *name)
{
	migplan__rtable *t = migplan__rtable_find(m, db, name);
	if (t || !name)
		return t;
	const migplan_snapshot *remote = migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_snapshot *local = migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_LOCAL);
	t = migplan__arena_zalloc(&m->arena, sizeof(*t));
	if (!t) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	t->database = db;
	t->name = name;
	t->before = migplan_snapshot_table_find(remote, db, name);
	t->after = migplan_snapshot_table_find(local, db, name);
	if (!t->after)
		t->after = created_by_plan(m, db, name);
	for (size_t i = 0; i < r->stat_count; i++) {
		const char *sdb = r->stats[i].database ? r->stats[i].database : m->default_db;
		if (str_eq(sdb, db) && str_eq(r->stats[i].table, name)) {
			t->have_stats = 1;
			t->rows = r->stats[i].rows;
			t->bytes = r->stats[i].bytes;
		}
	}
	if (remote)
		find_readers(m, t, remote);
	migplan__rpush(m, &m->tables, t);
	return t;
}

static unsigned op_roles(migplan_op_kind k)
{
	switch (k) {
	case MIGPLAN_OP_CREATE_TABLE: return MIGPLAN__T_CREATED;
	case MIGPLAN_OP_DROP_TABLE: return MIGPLAN__T_DROPPED;
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_DROP_VIEW:
	case MIGPLAN_OP_RAW_SQL:
		return 0;
	default: return MIGPLAN__T_ALTERED;
	}
}

/* Tables a RawSql statement writes are backfilled. */
static void raw_sql_tables(migplan__rmodel *m, migplan_report *r, const migplan_op *op)
{
	for (size_t s = 0; s < migplan_op_sql_count(op); s++) {
		const char *sql = migplan_op_sql_at(op, s);
		migplan__sqlinfo info;
		if (migplan__sql_scan(&info, sql, strlen(sql)) != MIGPLAN_OK) {
			migplan__rmodel_oom(m);
			migplan__sql_release(&info);
			return;
		}
		for (size_t w = 0; info.backfill && w < info.write_count; w++) {
			const char *db = info.writes[w].database ? info.writes[w].database : m->default_db;
			migplan__rtable *t = table_add(m, r, migplan__rfmt(m, "%s", db),
			                               migplan__rfmt(m, "%s", info.writes[w].name));
			if (t)
				t->roles |= MIGPLAN__T_BACKFILLED;
		}
		migplan__sql_release(&info);
	}
}

static void build_tables(migplan__rmodel *m, migplan_report *r)
{
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		migplan_op_kind k = migplan_op_kind_of(op);
		if (k == MIGPLAN_OP_RAW_SQL) {
			raw_sql_tables(m, r, op);
			continue;
		}
		unsigned roles = op_roles(k);
		if (!roles)
			continue;
		migplan__rtable *t = table_add(m, r, migplan__op_db(m, op), migplan_op_table_name(op));
		if (t)
			t->roles |= roles;
	}
}

/* ---------------------------------------------------------------- breaking changes */

static migplan__rchange *change_add(migplan__rmodel *m, migplan__change_kind kind, size_t op_index)
{
	migplan__rchange *c = migplan__arena_zalloc(&m->arena, sizeof(*c));
	if (!c) {
		migplan__rmodel_oom(m);
		return NULL;
	}
	const migplan_op *op = m->ops[op_index].op;
	c->kind = kind;
	c->op = op;
	c->database = migplan__op_db(m, op);
	c->table = migplan_op_table_name(op);
	c->column = migplan_op_column_name(op);
	c->justification = m->ops[op_index].justification;
	migplan__rpush(m, &m->changes, c);
	m->ops[op_index].change = (long)m->changes.count - 1;
	return c;
}

static void dispose(migplan__rmodel *m, size_t i, migplan__op_disp d, long change)
{
	m->ops[i].disp = d;
	m->ops[i].change = change;
}

/* A later CreateTable of the same table (same-name rebuild) or of the next version of it (same
 * source_primitive name, another physical name). */
static long find_recreate(const migplan__rmodel *m, size_t drop, int *version_bump)
{
	const migplan_op *d = m->ops[drop].op;
	const char *db = migplan__op_db(m, d), *name = migplan_op_table_name(d);
	const migplan_table *old = migplan_snapshot_table_find(migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE),
	                                                       db, name);
	const char *source = old ? migplan_table_source_name(old) : NULL;
	for (size_t j = 0; j < m->op_count; j++) {
		const migplan_op *c = m->ops[j].op;
		if (migplan_op_kind_of(c) != MIGPLAN_OP_CREATE_TABLE || !str_eq(migplan__op_db(m, c), db))
			continue;
		if (j > drop && str_eq(migplan_op_table_name(c), name)) {
			*version_bump = 0;
			return (long)j;
		}
		if (source && migplan_table_version(old) && !str_eq(migplan_op_table_name(c), name) &&
		    str_eq(migplan_table_source_name(migplan_op_table(c)), source)) {
			*version_bump = 1;
			return (long)j;
		}
	}
	return -1;
}

static void change_rebuild(migplan__rmodel *m, size_t drop, size_t create, int version_bump)
{
	migplan__rchange *c = change_add(m, version_bump ? MIGPLAN__CH_VERSION_BUMP : MIGPLAN__CH_REBUILD, drop);
	if (!c)
		return;
	long ci = (long)m->changes.count - 1;
	const migplan_table *nt = migplan_op_table(m->ops[create].op);
	migplan__rtable *t = migplan__rtable_find(m, c->database, c->table);
	c->before = t ? t->before : NULL;
	c->after = nt;
	if (version_bump) {
		c->new_name = migplan_table_name(nt);
		c->title = migplan__rfmt(m, "Version bump of `%s`: rows of `%s` move to `%s`",
		                         migplan_table_source_name(nt), c->table, c->new_name);
		c->why = "the plan drops the old version before anything copies its rows: every row is lost";
		dispose(m, drop, MIGPLAN__OP_CONTRACT, ci);
		dispose(m, create, MIGPLAN__OP_EXPAND, ci);
	} else {
		c->new_name = migplan__rfmt(m, "%s__migplan_swap", c->table);
		c->title = migplan__rfmt(m, "Rebuild of `%s`.`%s` under its new definition", c->database, c->table);
		c->why = "the plan drops the table and creates it again empty: every row is lost, and views "
		         "reading it read an empty table";
		dispose(m, drop, MIGPLAN__OP_REPLACED, ci);
		dispose(m, create, MIGPLAN__OP_REPLACED, ci);
	}
	migplan__rtable *nt_row = migplan__rtable_find(m, c->database, migplan_table_name(nt));
	if (t)
		t->roles |= MIGPLAN__T_REBUILT;
	if (nt_row)
		nt_row->roles |= MIGPLAN__T_BACKFILLED;
}

/* 1 when the column is part of the table's sorting, primary or partition key. */
static int key_column(const migplan_table *t, const char *col)
{
	if (!t || !col)
		return 0;
	for (size_t i = 0; i < migplan_table_order_by_count(t); i++)
		if (str_eq(migplan_table_order_by_at(t, i), col))
			return 1;
	const char *exprs[] = {migplan_table_partition_by(t), migplan_table_primary_key_expression(t),
	                       migplan_table_order_by_count(t) ? NULL : migplan_table_order_by_expression(t)};
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		migplan__sqlinfo info;
		if (!exprs[i])
			continue;
		int hit = migplan__sql_scan(&info, exprs[i], strlen(exprs[i])) == MIGPLAN_OK &&
		          migplan__sql_mentions(&info, col);
		migplan__sql_release(&info);
		if (hit)
			return 1;
	}
	return 0;
}

/* A column of the sorting, primary or partition key cannot change type in place (ClickHouse
 * refuses it): the whole table is rebuilt under the definition of local_infra_map.json, and
 * every other change the plan makes to the table is part of that rebuild. */
static void change_key_rebuild(migplan__rmodel *m, size_t i)
{
	const migplan_op *op = m->ops[i].op;
	const migplan_type_change *tc = migplan_op_type_change(op);
	migplan__rtable *t = migplan__rtable_find(m, migplan__op_db(m, op), migplan_op_table_name(op));
	const migplan_table *local = migplan_snapshot_table_find(migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_LOCAL),
	                                                         migplan__op_db(m, op), migplan_op_table_name(op));
	if (m->ops[i].change >= 0 || !t || !local || !tc || !migplan_type_change_key_refused(tc) ||
	    !key_column(t->before, migplan_op_column_name(op)))
		return;
	for (size_t k = 0; k < m->changes.count; k++) {
		migplan__rchange *c = m->changes.items[k];
		if (c->kind == MIGPLAN__CH_REBUILD && str_eq(c->database, t->database) && str_eq(c->table, t->name)) {
			dispose(m, i, MIGPLAN__OP_REPLACED, (long)k);
			return;
		}
	}
	migplan__rchange *c = change_add(m, MIGPLAN__CH_REBUILD, i);
	if (!c)
		return;
	c->before = t->before;
	c->after = local;
	c->new_name = migplan__rfmt(m, "%s__migplan_swap", c->table);
	c->title = migplan__rfmt(m, "Rebuild of `%s`.`%s`: key column `%s` changes type", c->database, c->table,
	                         c->column);
	c->why = "ClickHouse refuses to change the type of a column the table's keys use: the ALTER fails and the "
	         "plan stops halfway";
	dispose(m, i, MIGPLAN__OP_REPLACED, (long)m->changes.count - 1);
	t->roles |= MIGPLAN__T_REBUILT;
}

static void change_type(migplan__rmodel *m, size_t i)
{
	const migplan_op *op = m->ops[i].op;
	const migplan_type_change *tc = migplan_op_type_change(op);
	migplan__rtable *t = migplan__rtable_find(m, migplan__op_db(m, op), migplan_op_table_name(op));
	migplan__rchange *c = change_add(m, MIGPLAN__CH_TYPE_CHANGE, i);
	if (!c)
		return;
	c->tc = tc;
	c->before = t ? t->before : NULL;
	dispose(m, i, MIGPLAN__OP_REPLACED, (long)m->changes.count - 1);
	c->new_name = migplan__rfmt(m, "%s__migplan_new", c->column);
	c->title = migplan__rfmt(m, "Column `%s` of `%s`.`%s`: %s -> %s (%s)", c->column, c->database, c->table,
	                         tc ? migplan_type_change_from(tc) : "?", tc ? migplan_type_change_to(tc) : "?",
	                         tc ? migplan_type_change_cause_name(migplan_type_change_cause(tc)) : "unknown");
	c->why = migplan__rfmt(m, "ALTER TABLE ... MODIFY COLUMN rewrites every value in place: %s",
	                       tc ? migplan_type_change_reason(tc) : "the change was not judged");
}

static void change_simple(migplan__rmodel *m, size_t i, migplan__change_kind kind)
{
	const migplan_op *op = m->ops[i].op;
	migplan__rchange *c = change_add(m, kind, i);
	if (!c)
		return;
	migplan__rtable *t = migplan__rtable_find(m, c->database, c->table);
	c->before = t ? t->before : NULL;
	long ci = (long)m->changes.count - 1;
	switch (kind) {
	case MIGPLAN__CH_RENAME_COLUMN:
		c->new_name = migplan_op_new_column_name(op);
		c->title = migplan__rfmt(m, "Rename of column `%s` of `%s`.`%s` to `%s`", c->column, c->database,
		                         c->table, c->new_name);
		c->why = "readers and writers of the old name fail the moment the column is renamed";
		dispose(m, i, MIGPLAN__OP_REPLACED, ci);
		break;
	case MIGPLAN__CH_DROP_COLUMN:
		c->title = migplan__rfmt(m, "Drop of column `%s` of `%s`.`%s`", c->column, c->database, c->table);
		c->why = "every value of the column is destroyed, and code that still reads or writes it fails";
		dispose(m, i, MIGPLAN__OP_CONTRACT, ci);
		break;
	case MIGPLAN__CH_DROP_TABLE:
		c->title = migplan__rfmt(m, "Drop of table `%s`.`%s`", c->database, c->table);
		c->why = "every row is destroyed, and code or views that still use the table fail";
		dispose(m, i, MIGPLAN__OP_CONTRACT, ci);
		break;
	default:
		c->title = migplan__rfmt(m, "Drop of %s `%s`.`%s`",
		                         migplan_op_kind_of(op) == MIGPLAN_OP_DROP_VIEW ? "view" : "materialized view",
		                         c->database, c->table);
		c->why = migplan_op_kind_of(op) == MIGPLAN_OP_DROP_VIEW
		         ? "queries that read the view fail"
		         : "rows inserted into its sources stop reaching its target, and readers of the target see "
		           "stale data";
		dispose(m, i, MIGPLAN__OP_CONTRACT, ci);
		break;
	}
}

/* A rebuilt table takes its whole new definition at once: the plan's other changes to the
 * same table are part of the rebuild. */
static void absorb_into_rebuilds(migplan__rmodel *m)
{
	for (size_t c = 0; c < m->changes.count; c++) {
		migplan__rchange *ch = m->changes.items[c];
		if (ch->kind != MIGPLAN__CH_REBUILD)
			continue;
		for (size_t i = 0; i < m->op_count; i++) {
			const migplan_op *op = m->ops[i].op;
			if (m->ops[i].change < 0 && migplan_op_kind_of(op) != MIGPLAN_OP_RAW_SQL &&
			    str_eq(migplan__op_db(m, op), ch->database) && str_eq(migplan_op_table_name(op), ch->table) &&
			    op_roles(migplan_op_kind_of(op)) == MIGPLAN__T_ALTERED)
				dispose(m, i, MIGPLAN__OP_REPLACED, (long)c);
		}
	}
}

static void table_drop(migplan__rmodel *m, size_t i)
{
	int vb = 0;
	long j = find_recreate(m, i, &vb);
	if (j >= 0 && m->ops[j].change < 0)
		change_rebuild(m, i, (size_t)j, vb);
	else
		change_simple(m, i, MIGPLAN__CH_DROP_TABLE);
}

/* Changes in the order of the operations that make them, so the strategy reads like the plan. */
static void sort_changes(migplan__rmodel *m)
{
	migplan__rvec *v = &m->changes;
	void **owner = m->op_count ? migplan__arena_zalloc(&m->arena, m->op_count * sizeof(*owner)) : NULL;
	if (!owner)
		return;
	for (size_t i = 0; i < m->op_count; i++)
		owner[i] = m->ops[i].change >= 0 ? v->items[m->ops[i].change] : NULL;
	for (size_t i = 1; i < v->count; i++) {
		void *x = v->items[i];
		size_t j = i;
		while (j > 0 && migplan_op_index(((migplan__rchange *)v->items[j - 1])->op) >
		                migplan_op_index(((migplan__rchange *)x)->op)) {
			v->items[j] = v->items[j - 1];
			j--;
		}
		v->items[j] = x;
	}
	for (size_t i = 0; i < m->op_count; i++)
		for (size_t k = 0; owner[i] && k < v->count; k++)
			if (v->items[k] == owner[i])
				m->ops[i].change = (long)k;
}

/* Rebuilds first (they absorb the table's other operations), then one change per remaining
 * breaking operation. */
static void build_changes(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->op_count; i++)
		if (migplan_op_kind_of(m->ops[i].op) == MIGPLAN_OP_MODIFY_TABLE_COLUMN)
			change_key_rebuild(m, i);
	for (size_t i = 0; i < m->op_count; i++)
		if (migplan_op_kind_of(m->ops[i].op) == MIGPLAN_OP_DROP_TABLE && m->ops[i].change < 0)
			table_drop(m, i);
	absorb_into_rebuilds(m);
	for (size_t i = 0; i < m->op_count; i++) {
		const migplan_op *op = m->ops[i].op;
		if (m->ops[i].change >= 0 || m->ops[i].disp != MIGPLAN__OP_EXPAND)
			continue;
		switch (migplan_op_kind_of(op)) {
		case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
			if (migplan_op_category(op) == MIGPLAN_CATEGORY_DESTRUCTIVE)
				change_type(m, i);
			break;
		case MIGPLAN_OP_RENAME_TABLE_COLUMN:
			change_simple(m, i, MIGPLAN__CH_RENAME_COLUMN);
			break;
		case MIGPLAN_OP_DROP_TABLE_COLUMN:
			change_simple(m, i, MIGPLAN__CH_DROP_COLUMN);
			break;
		case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		case MIGPLAN_OP_DROP_VIEW:
			change_simple(m, i, MIGPLAN__CH_DROP_VIEW);
			break;
		default:
			break;
		}
	}
	sort_changes(m);
}

/* ---------------------------------------------------------------- summary */

static int has_stats_gap(const migplan__rmodel *m)
{
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		if (t->before && !t->have_stats && (t->roles & (MIGPLAN__T_REBUILT | MIGPLAN__T_ALTERED | MIGPLAN__T_DROPPED)))
			return 1;
	}
	return 0;
}

static void build_unknowns(migplan__rmodel *m)
{
	if (!m->target_id)
		migplan__rnote_add(m, &m->unknowns,
		                   "Target deployment: not known. remote_state.json is taken to be the schema of the "
		                   "database the plan will run on; nothing proves it.",
		                   "Give the deployments list (migplan_plan_set_target_file) so the analysis checks "
		                   "the snapshot against the deployment.",
		                   "target-deployment", -1);
	if (!migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_REMOTE))
		migplan__rnote_add(m, &m->unknowns,
		                   "The schema before the migration: remote_state.json is missing, so existing "
		                   "tables, their columns and the views reading them are unknown.",
		                   NULL, "remote-state", -1);
	if (!migplan_plan_snapshot(m->plan, MIGPLAN_SNAPSHOT_LOCAL))
		migplan__rnote_add(m, &m->unknowns,
		                   "The schema after the migration: local_infra_map.json is missing.", NULL,
		                   "local-infra-map", -1);
	m->have_all_stats = !has_stats_gap(m);
	if (!m->have_all_stats)
		migplan__rnote_add(m, &m->unknowns,
		                   "Table sizes: not given, so durations and batch counts are unknown. The "
		                   "preflight size queries measure them; render again with the sizes.",
		                   NULL, "table-sizes", -1);
	for (size_t i = 0; i < m->op_count; i++)
		if (migplan_op_kind_of(m->ops[i].op) == MIGPLAN_OP_RAW_SQL)
			migplan__rnote_add(m, &m->unknowns,
			                   migplan__rfmt(m, "What operation %zu (RawSql: %s) changes, and how to undo "
			                                 "it: hand-written SQL is not analysed for its effect.",
			                                 i, m->ops[i].object),
			                   NULL, "raw-sql", (long)i);
	migplan__rnote_add(m, &m->unknowns,
	                   "Replication: the plan names no cluster for these statements. On a deployment with "
	                   "several replicas, run the operator statements ON CLUSTER (or on each replica) and "
	                   "watch the replica lag.",
	                   NULL, "replication", -1);
}

static void build_questions(migplan__rmodel *m)
{
	for (size_t c = 0; c < m->changes.count; c++) {
		const migplan__rchange *ch = m->changes.items[c];
		switch (ch->kind) {
		case MIGPLAN__CH_RENAME_COLUMN:
		case MIGPLAN__CH_TYPE_CHANGE:
		case MIGPLAN__CH_DROP_COLUMN:
			migplan__rnote_add(m, &m->questions,
			                   migplan__rfmt(m, "Which application code reads or writes `%s`.`%s`.`%s`?",
			                                 ch->database, ch->table, ch->column),
			                   NULL, NULL, -1);
			break;
		case MIGPLAN__CH_DROP_TABLE:
		case MIGPLAN__CH_DROP_VIEW:
			migplan__rnote_add(m, &m->questions,
			                   migplan__rfmt(m, "Does anything still read `%s`.`%s`?", ch->database, ch->table),
			                   NULL, NULL, -1);
			break;
		default:
			break;
		}
		if (ch->kind == MIGPLAN__CH_TYPE_CHANGE && ch->tc &&
		    migplan_type_change_cause(ch->tc) != MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED)
			migplan__rnote_add(m, &m->questions,
			                   migplan__rfmt(m, "What should rows of `%s`.`%s` whose `%s` does not convert to "
			                                 "%s hold? (counted by the preflight audit)",
			                                 ch->database, ch->table, ch->column,
			                                 migplan_type_change_to(ch->tc)),
			                   NULL, NULL, -1);
		if (ch->kind == MIGPLAN__CH_TYPE_CHANGE && ch->tc &&
		    migplan_type_change_cause(ch->tc) == MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED)
			migplan__rnote_add(m, &m->questions,
			                   migplan__rfmt(m, "What value replaces NULL in `%s`.`%s`.`%s`?", ch->database,
			                                 ch->table, ch->column),
			                   NULL, NULL, -1);
	}
	for (size_t i = 0; i < m->unknowns.count; i++)
		migplan__rpush(m, &m->questions, m->unknowns.items[i]);
}

static void build_cleanup(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->phase != MIGPLAN__PH_CONTRACT)
			continue;
		migplan__sb sb = MIGPLAN__SB_INIT;
		for (size_t k = 0; k < s->sql.count; k++) {
			const migplan__rsql *q = s->sql.items[k];
			migplan__sb_printf(&sb, "%s%s", k ? ";\n" : "", q->sql);
		}
		migplan__rnote_add(m, &m->cleanup, s->title, migplan__rsb(m, &sb),
		                   migplan__rfmt(m, "step %zu", s->number), -1);
	}
}

static migplan__rollback worse(migplan__rollback a, migplan__rollback b)
{
	return a > b ? a : b;
}

static void build_rollback(migplan__rmodel *m)
{
	size_t ponr = 0, undoable = 0, statements = 0;
	migplan__rollback rb = MIGPLAN__RB_YES;
	const migplan__rstep *worst = NULL;
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->point_of_no_return) {
			ponr = s->number;
			break;
		}
		statements += s->rollback_sql.count;
		undoable++;
		if (s->rollback > rb || (!worst && s->rollback == MIGPLAN__RB_NO)) {
			rb = worse(rb, s->rollback);
			worst = s;
		}
	}
	m->rollback = rb;
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (rb == MIGPLAN__RB_YES)
		migplan__sb_printf(&sb, "Every step before %s can be undone with the rollback statements given "
		                   "(%zu statements), without losing existing data.",
		                   ponr ? "the contract" : "the end", statements);
	else
		migplan__sb_printf(&sb, "%s: step %zu (%s) %s: %s.", rb == MIGPLAN__RB_NO ? "No" : "Only partly",
		                   worst->number, worst->title,
		                   rb == MIGPLAN__RB_NO ? "cannot be undone" : "cannot be fully undone",
		                   worst->rollback_why ? worst->rollback_why : "see the step");
	if (ponr)
		migplan__sb_printf(&sb, " From step %zu (contract) on there is no rollback: the old data is gone; "
		                   "only a backup restores it.", ponr);
	m->rollback_why = migplan__rsb(m, &sb);
	m->rollback_complexity = statements == 0 ? "none: nothing to undo"
	                         : rb == MIGPLAN__RB_YES ? migplan__rfmt(m, "%zu statements over %zu steps, "
	                                                                 "in reverse order", statements, undoable)
	                         : migplan__rfmt(m, "%zu statements over %zu steps, and steps that cannot be "
	                                         "undone by SQL", statements, undoable);
}

static void build_classification(migplan__rmodel *m)
{
	int rebuild = 0, cutover = 0, backfill = m->backfills.count > 0;
	size_t existing = 0, views = 0;
	uint64_t rows = 0;
	int sized = 1;
	for (size_t c = 0; c < m->changes.count; c++) {
		migplan__change_kind k = ((migplan__rchange *)m->changes.items[c])->kind;
		rebuild |= k == MIGPLAN__CH_REBUILD || k == MIGPLAN__CH_VERSION_BUMP;
		cutover |= k == MIGPLAN__CH_REBUILD || k == MIGPLAN__CH_TYPE_CHANGE || k == MIGPLAN__CH_RENAME_COLUMN ||
		           k == MIGPLAN__CH_VERSION_BUMP;
	}
	m->migration_type = rebuild ? (cutover ? "table rebuild + cutover" : "table rebuild")
	                    : cutover ? (backfill ? "backfill + cutover" : "cutover")
	                    : backfill ? "backfill" : "schema-only";
	for (size_t i = 0; i < m->tables.count; i++) {
		const migplan__rtable *t = m->tables.items[i];
		if (!t->before)
			continue;
		existing++;
		views += t->views.count;
		if (t->have_stats)
			rows += t->rows;
		else
			sized = 0;
	}
	migplan__sb sb = MIGPLAN__SB_INIT;
	migplan__sb_printf(&sb, "%zu existing table%s changed, %zu view%s reading them, %zu operation%s",
	                   existing, existing == 1 ? "" : "s", views, views == 1 ? "" : "s", m->op_count,
	                   m->op_count == 1 ? "" : "s");
	if (existing && sized) {
		migplan__sb_puts(&sb, ", ");
		migplan__count(&sb, rows);
		migplan__sb_puts(&sb, " rows");
	} else if (existing) {
		migplan__sb_puts(&sb, ", rows unknown");
	}
	m->blast_radius = migplan__rsb(m, &sb);
}

static void build_invariants(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->after.count; i++) {
		const migplan__rsql *q = m->after.items[i];
		if (q->baseline)
			migplan__rnote_add(m, &m->invariants,
			                   migplan__rfmt(m, "%s: %s returns what %s returned before the migration",
			                                 q->purpose, q->id, q->baseline->id),
			                   NULL, q->id, -1);
	}
	for (size_t i = 0; i < m->steps.count; i++) {
		const migplan__rstep *s = m->steps.items[i];
		if (s->gate)
			migplan__rnote_add(m, &m->invariants,
			                   migplan__rfmt(m, "Before step %zu (%s): %s gives %s", s->number, s->title,
			                                 s->gate->id, s->gate->expect),
			                   NULL, s->gate->id, -1);
	}
	for (size_t i = 0; i < m->after.count; i++) {
		const migplan__rsql *q = m->after.items[i];
		if (!q->baseline && q->expect_tsv && strchr(q->expect_tsv, '\n'))
			migplan__rnote_add(m, &m->invariants, migplan__rfmt(m, "%s: %s lists exactly the columns of "
			                                                    "local_infra_map.json", q->purpose, q->id),
			                   NULL, q->id, -1);
		else if (!q->baseline && q->expect)
			migplan__rnote_add(m, &m->invariants, migplan__rfmt(m, "%s: %s gives %s", q->purpose, q->id,
			                                                    q->expect),
			                   NULL, q->id, -1);
	}
}

/* Every query presented as read-only passes the check before anything is emitted. */
static void verify_read_only(migplan__rmodel *m)
{
	for (size_t i = 0; i < m->sql.count && m->status == MIGPLAN_OK; i++) {
		const migplan__rsql *q = m->sql.items[i];
		const char *why = NULL;
		if (q->read_only && !migplan__sql_read_only(q->sql, &why))
			m->status = migplan__error(MIGPLAN_ERROR, "report query %s is not read-only (%s): %s",
			                           q->id ? q->id : "?", why, q->sql);
	}
}

/* ---------------------------------------------------------------- entry */

void migplan__rmodel_free(migplan__rmodel *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->owned_tc.count; i++)
		migplan_type_change_free(m->owned_tc.items[i]);
	migplan__arena_release(&m->arena);
	free(m);
}

migplan_status migplan__rmodel_build(migplan__rmodel **out, migplan_report *r)
{
	migplan__rmodel *m = calloc(1, sizeof(*m));
	*out = NULL;
	if (!m)
		return migplan__error_oom();
	migplan__arena_init(&m->arena);
	m->plan = r->plan;
	m->default_db = migplan_plan_default_database(r->plan);
	m->target_id = migplan_plan_target_id(r->plan);
	m->change_type = migplan_plan_change_type(r->plan);
	build_ops(m);
	build_findings(m);
	build_edits(m);
	m->ordered = plan_misordered(m);
	build_tables(m, r);
	build_changes(m);
	build_unknowns(m);
	migplan__rmodel_audits(m);
	migplan__rmodel_steps(m);
	migplan__rmodel_after(m);
	migplan__rmodel_monitoring(m);
	build_questions(m);
	build_cleanup(m);
	build_rollback(m);
	build_classification(m);
	build_invariants(m);
	verify_read_only(m);
	if (m->status != MIGPLAN_OK) {
		migplan_status st = m->status;
		migplan__rmodel_free(m);
		return st;
	}
	*out = m;
	return MIGPLAN_OK;
}
