/* The analysis (issue 4): replay the plan on the schema of remote_state.json, one operation at
 * a time, and report every hazard as a finding; then compare the result with
 * local_infra_map.json.
 *
 * One pass over the operations, after a pre-pass that indexes what the plan creates, drops and
 * adds (so a check at step i can tell "created later" from "never created" in O(log n)). Every
 * lookup is a hash lookup, so the cost grows with the plan and not with plan x schema.
 *
 * Findings are data: nothing here fails for a problem in the plan. Only misuse and
 * out-of-memory make migplan_plan_analyze() fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/analyze.h"
#include "migplan/chtype.h"
#include "migplan/classify.h"
#include "migplan/typechange.h"

#include "analysis-private.h"
#include "error.h"
#include "model.h"
#include "rules.h"
#include "simulate.h"
#include "sqlscan.h"

/* What the plan creates, drops and adds, by object: lists of operation indexes. */
typedef struct planindex {
	migplan__map tcreate;     /* (db, table) */
	migplan__map tcreate_src; /* (db, source_primitive.name) of CreateTable */
	migplan__map tdrop;       /* (db, table) */
	migplan__map vcreate;     /* (db, view) */
	migplan__map vdrop;       /* (db, view) */
	migplan__map cadd;        /* (db, table, column): AddTableColumn, rename targets, SQL adds */
	migplan__map tadds;       /* (db, table): AddTableColumn operations */
	migplan__map iadd;        /* (db, table, index): AddTableIndex operations */
	migplan__map lviews;      /* (db, name, "mv" or "view"): local_infra_map.json's views */
	int lviews_built;
} planindex;

typedef struct ctx {
	migplan_plan *plan;
	const migplan_config *cfg;
	migplan__analysis *an;
	const migplan_snapshot *remote;
	const migplan_snapshot *local;
	int open_world;           /* no remote_state.json: unknown tables are assumed to exist */
	migplan__sim sim;
	planindex ix;
	migplan__arena scratch;   /* index lists */
	migplan__sqlinfo **sql;   /* RawSql: sql[op][item] */
	unsigned char *paired;    /* AddTableColumn operations already paired as a rename */
	int failed;
} ctx;

/* ================================================================ findings */

static const char *fmt(ctx *c, const char *f, ...) MIGPLAN__PRINTF(2, 3);
static const char *fmt(ctx *c, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	const char *s = migplan__arena_vprintf(&c->an->arena, f, ap);
	va_end(ap);
	if (!s)
		c->failed = 1;
	return s ? s : "";
}

/* `db`.`name` for messages. */
static const char *qname(ctx *c, const char *db, const char *name)
{
	return fmt(c, "`%s`.`%s`", migplan__sim_db(&c->sim, db), name ? name : "?");
}

static const char *op_name(const migplan_op *op)
{
	const char *n = migplan_op_kind_name(migplan_op_kind_of(op));
	return n ? n : "operation";
}

static migplan_finding *emit(ctx *c, migplan__rule_id r, long op, const migplan_node *node,
                             const char *f, ...) MIGPLAN__PRINTF(5, 6);
static migplan_finding *emit(ctx *c, migplan__rule_id r, long op, const migplan_node *node,
                             const char *f, ...)
{
	int sev = migplan__config_severity(c->cfg, r);
	if (!sev)
		return NULL; /* the rule is off */
	migplan__analysis *an = c->an;
	if (an->count == an->cap) {
		size_t ncap = an->cap ? an->cap * 2 : 32;
		migplan_finding **n = realloc(an->findings, ncap * sizeof(*n));
		if (!n) {
			c->failed = 1;
			return NULL;
		}
		an->findings = n;
		an->cap = ncap;
	}
	migplan_finding *fd = migplan__arena_zalloc(&an->arena, sizeof(*fd));
	if (!fd) {
		c->failed = 1;
		return NULL;
	}
	const migplan__rule *rule = migplan__rule_get(r);
	fd->rule = r;
	fd->severity = (migplan_severity)sev;
	fd->op = op;
	fd->node = node;
	fd->blocker = rule->blocker;
	fd->help = rule->help;
	fd->seq = an->count;
	va_list ap;
	va_start(ap, f);
	fd->message = migplan__arena_vprintf(&an->arena, f, ap);
	va_end(ap);
	if (!fd->message) {
		c->failed = 1;
		fd->message = "";
	}
	an->findings[an->count++] = fd;
	return fd;
}

/* Names are copied: some come from SQL scans that end with the analysis run. */
static const char *keep(ctx *c, const char *s)
{
	return s ? fmt(c, "%s", s) : NULL;
}

static void set_table(ctx *c, migplan_finding *f, const char *db, const char *table)
{
	if (!f)
		return;
	f->database = keep(c, migplan__sim_db(&c->sim, db));
	f->table = keep(c, table);
}

static void set_column(ctx *c, migplan_finding *f, const char *column)
{
	if (f)
		f->column_name = keep(c, column);
}

static void set_view(ctx *c, migplan_finding *f, const char *view)
{
	if (f)
		f->view = keep(c, view);
}

static void set_blocker(migplan_finding *f, int blocker)
{
	if (f)
		f->blocker = blocker;
}

static void set_edit(ctx *c, migplan_finding *f, const migplan__edit *e)
{
	if (!f)
		return;
	f->edit = migplan__edit_format(&c->an->arena, e);
	if (!f->edit)
		c->failed = 1;
}

static void set_reorder(ctx *c, migplan_finding *f, size_t op)
{
	migplan__edit e = {MIGPLAN__EDIT_REORDER, NULL, NULL, NULL, NULL, op};
	set_edit(c, f, &e);
}

static void set_rebuild(ctx *c, migplan_finding *f, const char *db, const char *table)
{
	migplan__edit e = {MIGPLAN__EDIT_REBUILD_TABLE, migplan__sim_db(&c->sim, db), table, NULL, NULL, 0};
	set_edit(c, f, &e);
}

/* Prepends a paragraph about this finding to the rule's help. */
static void set_detail(ctx *c, migplan_finding *f, const char *detail)
{
	if (f && detail)
		f->help = fmt(c, "%s\n\n%s", detail, migplan__rule_get(f->rule)->help);
}

static void add_related(ctx *c, migplan_finding *f, const migplan_node *node, const char *msg)
{
	if (!f || !node)
		return;
	if (f->related_count == f->related_cap) {
		size_t ncap = f->related_cap ? f->related_cap * 2 : 2;
		migplan__related *n = migplan__arena_alloc(&c->an->arena, ncap * sizeof(*n));
		if (!n) {
			c->failed = 1;
			return;
		}
		if (f->related_count)
			memcpy(n, f->related, f->related_count * sizeof(*n));
		f->related = n;
		f->related_cap = ncap;
	}
	f->related[f->related_count++] = (migplan__related){node, msg};
}

static const migplan_node *op_node_at(const ctx *c, long i)
{
	return i >= 0 ? migplan_op_node(migplan_plan_op_at(c->plan, (size_t)i)) : NULL;
}

/* ================================================================ the pre-pass */

static migplan__list *index_list(ctx *c, migplan__map *m, const char *a, const char *b,
                                 const char *d)
{
	migplan__list *l = migplan__map_get(m, a, b, d);
	if (l)
		return l;
	l = migplan__arena_zalloc(&c->scratch, sizeof(*l));
	if (!l || !migplan__map_put(m, a, b, d, l)) {
		c->failed = 1;
		return NULL;
	}
	return l;
}

static void index_op(ctx *c, migplan__map *m, const char *db, const char *name, const char *d,
                     size_t op)
{
	if (!name)
		return;
	migplan__list *l = index_list(c, m, migplan__sim_db(&c->sim, db), name, d);
	if (l && !migplan__oplist_push(&c->scratch, l, op))
		c->failed = 1;
}

static const migplan__list *lookup(ctx *c, migplan__map *m, const char *db, const char *name,
                                   const char *d)
{
	return name ? migplan__map_get(m, migplan__sim_db(&c->sim, db), name, d) : NULL;
}

static void index_sql_ddl(ctx *c, const migplan__sqlinfo *info, size_t i)
{
	for (size_t k = 0; k < info->ddl_count; k++) {
		const migplan__sqlddl *d = &info->ddl[k];
		switch (d->kind) {
		case MIGPLAN__DDL_CREATE_TABLE:
			index_op(c, &c->ix.tcreate, d->object.database, d->object.name, NULL, i);
			break;
		case MIGPLAN__DDL_RENAME_TABLE:
			index_op(c, &c->ix.tcreate, d->other.database, d->other.name, NULL, i);
			index_op(c, &c->ix.tdrop, d->object.database, d->object.name, NULL, i);
			break;
		case MIGPLAN__DDL_DROP_TABLE:
			index_op(c, &c->ix.tdrop, d->object.database, d->object.name, NULL, i);
			index_op(c, &c->ix.vdrop, d->object.database, d->object.name, NULL, i);
			break;
		case MIGPLAN__DDL_CREATE_VIEW:
			index_op(c, &c->ix.vcreate, d->object.database, d->object.name, NULL, i);
			break;
		case MIGPLAN__DDL_ADD_COLUMN:
			index_op(c, &c->ix.cadd, d->object.database, d->object.name, d->column, i);
			break;
		case MIGPLAN__DDL_RENAME_COLUMN:
			index_op(c, &c->ix.cadd, d->object.database, d->object.name, d->new_column, i);
			break;
		case MIGPLAN__DDL_EXCHANGE_TABLES:
		case MIGPLAN__DDL_DROP_COLUMN:
			break;
		}
	}
}

static void prepass_raw_sql(ctx *c, const migplan_op *op, size_t i)
{
	size_t n = migplan_op_sql_count(op);
	if (!n)
		return;
	c->sql[i] = calloc(n, sizeof(**c->sql));
	if (!c->sql[i]) {
		c->failed = 1;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const char *s = migplan_op_sql_at(op, k);
		if (migplan__sql_scan(&c->sql[i][k], s, s ? strlen(s) : 0) != MIGPLAN_OK) {
			c->failed = 1;
			migplan_error_clear();
		}
		index_sql_ddl(c, &c->sql[i][k], i);
	}
}

static void prepass(ctx *c)
{
	size_t n = migplan_plan_op_count(c->plan);
	for (size_t i = 0; i < n && !c->failed; i++) {
		const migplan_op *op = migplan_plan_op_at(c->plan, i);
		const char *db = migplan_op_database(op), *name = migplan_op_table_name(op);
		switch (migplan_op_kind_of(op)) {
		case MIGPLAN_OP_CREATE_TABLE:
			index_op(c, &c->ix.tcreate, db, name, NULL, i);
			index_op(c, &c->ix.tcreate_src, db, migplan_table_source_name(migplan_op_table(op)), NULL, i);
			break;
		case MIGPLAN_OP_DROP_TABLE:
			index_op(c, &c->ix.tdrop, db, name, NULL, i);
			break;
		case MIGPLAN_OP_ADD_TABLE_COLUMN:
			index_op(c, &c->ix.cadd, db, name, migplan_op_column_name(op), i);
			index_op(c, &c->ix.tadds, db, name, NULL, i);
			break;
		case MIGPLAN_OP_RENAME_TABLE_COLUMN:
			index_op(c, &c->ix.cadd, db, name, migplan_op_new_column_name(op), i);
			break;
		case MIGPLAN_OP_ADD_TABLE_INDEX:
			index_op(c, &c->ix.iadd, db, name, migplan_op_object_name(op), i);
			break;
		case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		case MIGPLAN_OP_CREATE_VIEW:
			index_op(c, &c->ix.vcreate, db, name, NULL, i);
			break;
		case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		case MIGPLAN_OP_DROP_VIEW:
			index_op(c, &c->ix.vdrop, db, name, NULL, i);
			break;
		case MIGPLAN_OP_RAW_SQL:
			prepass_raw_sql(c, op, i);
			break;
		default:
			break;
		}
	}
}

/* ================================================================ shared checks */

/* Reports that an operation acts on a table that does not exist at step i. */
static void report_missing_table(ctx *c, const migplan_op *op, const migplan_node *node,
                                 const char *db, const char *name, const migplan__simtable *t,
                                 int blocker)
{
	size_t i = migplan_op_index(op);
	long later = migplan__oplist_next(lookup(c, &c->ix.tcreate, db, name, NULL), i);
	migplan_finding *f;
	if (t && t->dropped_at >= 0) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "%s acts on table %s, which operation %ld dropped", op_name(op),
		         qname(c, db, name), t->dropped_at);
		add_related(c, f, op_node_at(c, t->dropped_at), "dropped here");
	} else if (later >= 0) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "%s acts on table %s, which only the later operation %ld creates", op_name(op),
		         qname(c, db, name), later);
		add_related(c, f, op_node_at(c, later), "created here");
		set_reorder(c, f, i);
	} else {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "%s acts on table %s, which is not in remote_state.json and no earlier operation creates",
		         op_name(op), qname(c, db, name));
	}
	set_table(c, f, db, name);
	set_blocker(f, blocker);
}

/* The table an operation acts on, when it exists at this step; reports it otherwise. */
static migplan__simtable *op_table(ctx *c, const migplan_op *op, int blocker)
{
	const char *db = migplan_op_database(op), *name = migplan_op_table_name(op);
	migplan__simtable *t = migplan__sim_table(&c->sim, db, name);
	if (t && t->alive)
		return t;
	if (!t && c->open_world)
		return migplan__sim_table_assume(&c->sim, db, name);
	report_missing_table(c, op, migplan_op_node(op), db, name, t, blocker);
	return NULL;
}

/* A column named by an operation (after_column, an expression, SQL) that is not alive in t at
 * step i. @p strict: report it even when the plan never had it (missing-object); otherwise only
 * when it is dropped earlier or added later (an identifier in SQL need not be a column). */
static void report_column_ref(ctx *c, size_t i, const migplan_node *node, migplan__simtable *t,
                              const char *col, const char *how, int strict)
{
	migplan__simcol *sc = migplan__sim_column(&c->sim, t, col);
	long later = migplan__oplist_next(lookup(c, &c->ix.cadd, t->database, t->name, col), i);
	migplan_finding *f;
	if (sc && !sc->alive) {
		f = emit(c, MIGPLAN__R_COLUMN_AFTER_DROP, (long)i, node,
		         "%s column `%s` of %s, which operation %ld removed", how, col,
		         qname(c, t->database, t->name), sc->dropped_at);
		add_related(c, f, op_node_at(c, sc->dropped_at), "removed here");
	} else if (later >= 0) {
		f = emit(c, MIGPLAN__R_COLUMN_BEFORE_ADD, (long)i, node,
		         "%s column `%s` of %s, which only the later operation %ld adds", how, col,
		         qname(c, t->database, t->name), later);
		add_related(c, f, op_node_at(c, later), "added here");
		set_reorder(c, f, i);
	} else if (strict) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "%s column `%s` of %s, which does not exist at this step", how, col,
		         qname(c, t->database, t->name));
	} else {
		return;
	}
	set_table(c, f, t->database, t->name);
	set_column(c, f, col);
}

/* Identifiers of an expression (TTL, sample-by, index, projection) that name a column dropped
 * earlier or added later. */
static void check_expression_columns(ctx *c, size_t i, const migplan_node *node,
                                     migplan__simtable *t, const char *expr, const char *what)
{
	if (!expr || !t->columns_known)
		return;
	migplan__sqlinfo info;
	if (migplan__sql_scan(&info, expr, strlen(expr)) != MIGPLAN_OK) {
		c->failed = 1;
		migplan_error_clear();
	}
	for (size_t k = 0; k < info.ident_count; k++) {
		const char *id = info.idents[k];
		migplan__simcol *sc = migplan__sim_column(&c->sim, t, id);
		if (!(sc && sc->alive))
			report_column_ref(c, i, node, t, fmt(c, "%s", id), what, 0);
	}
	migplan__sql_release(&info);
}

/* 1 when the plan drops or creates the view anywhere: its dependencies are then handled. */
static int view_in_plan(ctx *c, const migplan__simview *v)
{
	return lookup(c, &c->ix.vdrop, v->database, v->name, NULL) ||
	       lookup(c, &c->ix.vcreate, v->database, v->name, NULL);
}

/* The views alive now that read or write t (and mention @p col when not NULL), and that the
 * plan neither drops nor recreates. Collected into @p out (scratch arena). */
static void dependent_views(ctx *c, migplan__simtable *t, const char *col, migplan__list *out)
{
	memset(out, 0, sizeof(*out));
	const migplan__list *lists[2] = {migplan__sim_views_of(&c->sim, t->database, t->name), NULL};
	if (t->source_name && strcmp(t->source_name, t->name) != 0)
		lists[1] = migplan__sim_views_of(&c->sim, t->database, t->source_name);
	for (int l = 0; l < 2; l++) {
		for (size_t k = 0; lists[l] && k < lists[l]->count; k++) {
			migplan__simview *v = lists[l]->items[k];
			int seen = 0;
			for (size_t m = 0; m < out->count; m++)
				seen |= out->items[m] == v;
			if (seen || !v->alive || view_in_plan(c, v) || !migplan__sim_view_touches(v, t))
				continue;
			if (col && !migplan__sql_mentions(migplan__sim_view_sql(&c->sim, v), col))
				continue;
			if (!migplan__list_push(&c->scratch, out, v))
				c->failed = 1;
		}
	}
}

static const char *view_kind_name(const migplan__simview *v)
{
	return v->kind == MIGPLAN_VIEW_MATERIALIZED ? "materialized view" : "view";
}

static const char *view_relation(const migplan__simview *v, const migplan__simtable *t)
{
	return migplan__sim_view_writes(v, t) ? "writes" : "reads";
}

/* Reports each view that a change to t (or its column) breaks or alters. */
static void report_views(ctx *c, const migplan_op *op, migplan__simtable *t, const char *col,
                         migplan__rule_id rule, const char *change)
{
	migplan__list views;
	dependent_views(c, t, col, &views);
	for (size_t k = 0; k < views.count; k++) {
		migplan__simview *v = views.items[k];
		migplan_finding *f;
		if (col)
			f = emit(c, rule, (long)migplan_op_index(op), migplan_op_node(op),
			         "%s `%s` %s column `%s` of %s, which %s; the plan neither drops nor recreates the view",
			         view_kind_name(v), v->name, view_relation(v, t), col,
			         qname(c, t->database, t->name), change);
		else
			f = emit(c, rule, (long)migplan_op_index(op), migplan_op_node(op),
			         "%s `%s` %s %s, which %s; the plan neither drops nor recreates the view",
			         view_kind_name(v), v->name, view_relation(v, t),
			         qname(c, t->database, t->name), change);
		set_table(c, f, t->database, t->name);
		set_column(c, f, col);
		set_view(c, f, v->name);
		/* ClickHouse refuses to drop a column a materialized view reads: the plan stops */
		if (migplan_op_kind_of(op) == MIGPLAN_OP_DROP_TABLE_COLUMN &&
		    v->kind == MIGPLAN_VIEW_MATERIALIZED && !migplan__sim_view_writes(v, t))
			set_blocker(f, 1);
		add_related(c, f, v->origin, v->from_remote ? "the view in remote_state.json"
		                                            : "the view is created here");
	}
}

static int is_protected(migplan_life_cycle lc)
{
	return lc == MIGPLAN_LIFE_CYCLE_DELETION_PROTECTED;
}

static int is_external(migplan_life_cycle lc)
{
	return lc == MIGPLAN_LIFE_CYCLE_EXTERNALLY_MANAGED;
}

/* Life cycle rules for an operation on table t (or a view, with t NULL). */
static void check_life_cycle(ctx *c, const migplan_op *op, migplan_life_cycle lc, const char *db,
                             const char *name, int is_view, int destructive)
{
	migplan_finding *f = NULL;
	const char *what = is_view ? "view" : "table";
	if (is_external(lc))
		f = emit(c, MIGPLAN__R_EXTERNAL, (long)migplan_op_index(op), migplan_op_node(op),
		         "%s changes EXTERNALLY_MANAGED %s %s", op_name(op), what, qname(c, db, name));
	else if (is_protected(lc) && destructive)
		f = emit(c, MIGPLAN__R_PROTECTED, (long)migplan_op_index(op), migplan_op_node(op),
		         "%s destroys data of DELETION_PROTECTED %s %s", op_name(op), what,
		         qname(c, db, name));
	if (is_view) {
		set_view(c, f, name);
	} else {
		set_table(c, f, db, name);
	}
}

/* ---------------------------------------------------------------- column types */

/* Why ClickHouse refuses @p t, or NULL. Checked on the engine (chDB 26.7; see also
 * tests/data/typechange/observed.tsv): Nullable refuses to wrap LowCardinality, Array, Map,
 * Tuple (and geo types), Variant, Dynamic and AggregateFunction, and accepts JSON and
 * SimpleAggregateFunction; LowCardinality refuses Decimal and Enum, and refuses a number, a
 * date or an IP address unless allow_suspicious_low_cardinality_types is set (String,
 * FixedString and UUID are accepted). */
static const char *refused_in_nullable(migplan_chtype_kind k)
{
	switch (k) {
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
		return "Nullable cannot wrap LowCardinality (ClickHouse accepts LowCardinality(Nullable(T)))";
	case MIGPLAN_CHTYPE_ARRAY: return "Nullable cannot wrap Array";
	case MIGPLAN_CHTYPE_MAP: return "Nullable cannot wrap Map";
	case MIGPLAN_CHTYPE_TUPLE: return "Nullable cannot wrap Tuple";
	case MIGPLAN_CHTYPE_NESTED: return "Nullable cannot wrap Nested";
	case MIGPLAN_CHTYPE_NULLABLE: return "Nullable cannot wrap Nullable";
	case MIGPLAN_CHTYPE_GEO: return "Nullable cannot wrap a geo type (a Tuple or an Array)";
	case MIGPLAN_CHTYPE_AGGREGATE_FUNCTION: return "Nullable cannot wrap AggregateFunction";
	case MIGPLAN_CHTYPE_VARIANT: return "Nullable cannot wrap Variant";
	case MIGPLAN_CHTYPE_DYNAMIC: return "Nullable cannot wrap Dynamic";
	default: return NULL;
	}
}

static const char *refused_in_low_cardinality(migplan_chtype_kind k)
{
	switch (k) {
	case MIGPLAN_CHTYPE_ARRAY:
	case MIGPLAN_CHTYPE_MAP:
	case MIGPLAN_CHTYPE_TUPLE:
	case MIGPLAN_CHTYPE_NESTED:
	case MIGPLAN_CHTYPE_JSON:
	case MIGPLAN_CHTYPE_GEO:
	case MIGPLAN_CHTYPE_LOW_CARDINALITY:
	case MIGPLAN_CHTYPE_DECIMAL:
	case MIGPLAN_CHTYPE_ENUM8:
	case MIGPLAN_CHTYPE_ENUM16:
		return "LowCardinality only wraps strings, numbers, dates, UUID and IP addresses";
	case MIGPLAN_CHTYPE_INT:
	case MIGPLAN_CHTYPE_FLOAT:
	case MIGPLAN_CHTYPE_BOOL:
	case MIGPLAN_CHTYPE_DATE:
	case MIGPLAN_CHTYPE_DATE32:
	case MIGPLAN_CHTYPE_DATETIME:
	case MIGPLAN_CHTYPE_DATETIME64:
	case MIGPLAN_CHTYPE_IPV4:
	case MIGPLAN_CHTYPE_IPV6:
		return "LowCardinality of a number, date or IP address is refused unless allow_suspicious_low_cardinality_types is set";
	default:
		return NULL;
	}
}

static const char *refused_nesting(const migplan_chtype *t)
{
	if (!t)
		return NULL;
	migplan_chtype_kind k = migplan_chtype_kind_of(t);
	const migplan_chtype *child = migplan_chtype_child_count(t) ? migplan_chtype_child_at(t, 0) : NULL;
	migplan_chtype_kind ck = child ? migplan_chtype_kind_of(child) : MIGPLAN_CHTYPE_OTHER;
	const char *why = NULL;
	if (k == MIGPLAN_CHTYPE_NULLABLE)
		why = refused_in_nullable(ck);
	if (k == MIGPLAN_CHTYPE_LOW_CARDINALITY) {
		/* LowCardinality(Nullable(T)) is judged by T */
		const migplan_chtype *inner = ck == MIGPLAN_CHTYPE_NULLABLE && migplan_chtype_child_count(child)
		                                      ? migplan_chtype_child_at(child, 0)
		                                      : child;
		why = inner ? refused_in_low_cardinality(migplan_chtype_kind_of(inner)) : NULL;
	}
	for (size_t i = 0; !why && i < migplan_chtype_child_count(t); i++)
		why = refused_nesting(migplan_chtype_child_at(t, i));
	return why;
}

/* Reports a column whose DDL type (as Moose sends it) ClickHouse refuses. Returns 1 when it did. */
static int check_column_type(ctx *c, const migplan_op *op, const char *db, const char *table,
                             const migplan_column *col)
{
	const char *ddl = migplan_column_moose_clickhouse_type(col);
	if (!ddl)
		return 0;
	migplan_chtype *tree = NULL;
	if (migplan_chtype_parse(&tree, ddl, strlen(ddl)) != MIGPLAN_OK) {
		migplan_error_clear();
		return 0;
	}
	const char *why = refused_nesting(tree);
	migplan_finding *f = NULL;
	if (why) {
		f = emit(c, MIGPLAN__R_TYPE_REFUSED, (long)migplan_op_index(op), migplan_column_node(col),
		         "column `%s` of %s: Moose sends %s, which ClickHouse refuses: %s",
		         migplan_column_name(col), qname(c, db, table), ddl, why);
		set_table(c, f, db, table);
		set_column(c, f, migplan_column_name(col));
	}
	migplan_chtype_free(tree);
	return why != NULL;
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Same ClickHouse type, as libmigplan renders it (NULL when unknown: never the same). */
static int same_column_type(const migplan_column *a, const migplan_column *b)
{
	const char *x = migplan_column_clickhouse_type(a), *y = migplan_column_clickhouse_type(b);
	return x && y && strcmp(x, y) == 0;
}

/* ================================================================ table operations */

/* Does the code's change of the table call for dropping and recreating it (FORMAT.md 5)? */
static int normalized_equal(const char *a, const char *b);

static int settings_equal(const migplan_node *a, const migplan_node *b)
{
	if (migplan_node_count(a) != migplan_node_count(b))
		return 0;
	for (size_t i = 0; i < migplan_node_count(a); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(a, i), NULL);
		const char *v = migplan_node_text(migplan_node_at(a, i), NULL);
		if (!same_text(v, migplan_node_text(migplan_node_get(b, k ? k : ""), NULL)))
			return 0;
	}
	return 1;
}

static int primary_flags_equal(const migplan_table *a, const migplan_table *b)
{
	for (size_t i = 0; i < migplan_table_column_count(a); i++) {
		const migplan_column *ca = migplan_table_column_at(a, i);
		const migplan_column *cb = migplan_table_column_find(b, migplan_column_name(ca));
		if (migplan_column_primary_key(ca) != migplan_column_primary_key(cb))
			return 0;
	}
	return 1;
}

static int recreate_called_for(const migplan_table *before, const migplan_table *after)
{
	if (!before || !after)
		return 1;
	const char *eng = migplan_table_engine(before);
	if (eng && (strcmp(eng, "S3Queue") == 0 || strcmp(eng, "Kafka") == 0))
		return 1;
	return !normalized_equal(migplan_table_order_by_expression(before), migplan_table_order_by_expression(after)) ||
	       !normalized_equal(migplan_table_partition_by(before), migplan_table_partition_by(after)) ||
	       !normalized_equal(migplan_table_primary_key_expression(before), migplan_table_primary_key_expression(after)) ||
	       !primary_flags_equal(before, after) || !primary_flags_equal(after, before) ||
	       !same_text(migplan_table_engine(before), migplan_table_engine(after)) ||
	       !settings_equal(migplan_table_settings(before), migplan_table_settings(after)) ||
	       !settings_equal(migplan_table_settings(after), migplan_table_settings(before));
}

static const migplan_table *local_table(ctx *c, const char *db, const char *name)
{
	return c->local ? migplan_snapshot_table_find(c->local, migplan__sim_db(&c->sim, db), name) : NULL;
}

static void do_create_table(ctx *c, const migplan_op *op, size_t i)
{
	const migplan_table *def = migplan_op_table(op);
	const char *db = migplan_op_database(op), *name = migplan_op_table_name(op);
	migplan__simtable *t = migplan__sim_table(&c->sim, db, name);
	if (t && t->alive && !t->assumed) {
		migplan_finding *f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
		                          "CreateTable %s: the table already exists, so CREATE TABLE IF NOT EXISTS keeps the old definition",
		                          qname(c, db, name));
		set_table(c, f, db, name);
		set_blocker(f, 0);
		add_related(c, f, t->origin, "the existing table");
		return; /* ClickHouse keeps the old table: so does the simulation */
	}
	if (is_external(migplan_table_life_cycle(def)))
		check_life_cycle(c, op, migplan_table_life_cycle(def), db, name, 0, 0);
	for (size_t k = 0; k < migplan_table_column_count(def); k++)
		check_column_type(c, op, db, name, migplan_table_column_at(def, k));
	if (!migplan__sim_table_create(&c->sim, db, name, def, migplan_op_node(op), (long)i))
		c->failed = 1;
}

/* DropTable: same-name recreation, version bump, or a plain drop. */
static void classify_table_drop(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t)
{
	const char *db = t->database, *name = t->name;
	long again = migplan__oplist_next(lookup(c, &c->ix.tcreate, db, name, NULL), i);
	long bump = -1;
	if (again < 0 && t->source_name) {
		const migplan__list *l = lookup(c, &c->ix.tcreate_src, db, t->source_name, NULL);
		for (long k = migplan__oplist_next(l, i); k >= 0; k = migplan__oplist_next(l, (size_t)k)) {
			if (strcmp(migplan_op_table_name(migplan_plan_op_at(c->plan, (size_t)k)), name) != 0) {
				bump = k;
				break;
			}
		}
	}
	if (again < 0 && bump < 0 && t->copied_at >= 0)
		return; /* operation copied_at copied its rows into another table first */
	migplan_finding *f;
	if (again >= 0) {
		f = emit(c, MIGPLAN__R_DROP_RECREATE, (long)i, migplan_op_node(op),
		         "table %s is dropped here and created again by operation %ld: its rows are destroyed, nothing copies them",
		         qname(c, db, name), again);
		add_related(c, f, op_node_at(c, again), "created again here");
		set_rebuild(c, f, db, name);
	} else if (bump >= 0) {
		const char *next = migplan_op_table_name(migplan_plan_op_at(c->plan, (size_t)bump));
		f = emit(c, MIGPLAN__R_VERSION_BUMP, (long)i, migplan_op_node(op),
		         "version bump of `%s`: %s is dropped before operation %ld creates %s; its rows are never copied",
		         t->source_name, qname(c, db, name), bump, qname(c, db, next));
		add_related(c, f, op_node_at(c, bump), "the new version is created here");
		set_rebuild(c, f, db, name);
	} else {
		size_t ncol = t->columns_known ? migplan__sim_column_count(&c->sim, t) : 0;
		f = emit(c, MIGPLAN__R_DROP_TABLE, (long)i, migplan_op_node(op),
		         "table %s%s is dropped with every row in it", qname(c, db, name),
		         ncol ? fmt(c, " (%zu column%s)", ncol, ncol == 1 ? "" : "s") : "");
	}
	set_table(c, f, db, name);
	add_related(c, f, t->origin, t->from_remote ? "the table in remote_state.json" : "the table");
}

static void check_table_drop_requested(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t)
{
	const migplan_table *lt = local_table(c, t->database, t->name);
	if (!lt)
		return;
	long again = migplan__oplist_next(lookup(c, &c->ix.tcreate, t->database, t->name, NULL), i);
	const char *why = NULL;
	if (again < 0)
		why = "the table is still in the code";
	else if (!recreate_called_for(t->def, lt))
		why = "its ORDER BY, PARTITION BY, primary key, engine and settings are unchanged in the code, so ALTERs would do";
	if (!why)
		return;
	migplan_finding *f = emit(c, MIGPLAN__R_UNREQUESTED, (long)i, migplan_op_node(op),
	                          "DropTable %s is not called for: %s", qname(c, t->database, t->name), why);
	set_table(c, f, t->database, t->name);
	add_related(c, f, migplan_table_node(lt), "the table in local_infra_map.json");
}

static void do_drop_table(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 0); /* DROP TABLE IF EXISTS: a no-op, not a failure */
	if (!t)
		return;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 1);
	classify_table_drop(c, op, i, t);
	check_table_drop_requested(c, op, i, t);
	long again = migplan__oplist_next(lookup(c, &c->ix.tcreate, t->database, t->name, NULL), i);
	report_views(c, op, t, NULL, MIGPLAN__R_VIEW_BROKEN,
	             again >= 0 ? fmt(c, "this operation drops and operation %ld creates again", again)
	                        : "this operation drops");
	migplan__sim_table_drop(&c->sim, t, (long)i);
}

/* ---------------------------------------------------------------- columns */

static void check_after_column(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t)
{
	const char *pos = migplan_op_position_after(op);
	if (!pos || !t->columns_known)
		return;
	migplan__simcol *pc = migplan__sim_column(&c->sim, t, pos);
	if (pc && pc->alive)
		return;
	const migplan_node *node = migplan_op_field(op, "after_column");
	report_column_ref(c, i, node ? node : migplan_op_node(op), t, pos,
	                  fmt(c, "AddTableColumn `%s` is placed after", migplan_op_column_name(op)), 1);
}

static void do_add_column(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	const char *name = migplan_op_column_name(op);
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 0);
	migplan__simcol *sc = migplan__sim_column(&c->sim, t, name);
	if (sc && sc->alive) {
		migplan_finding *f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
		                          "AddTableColumn `%s`: the column already exists in %s, so ADD COLUMN fails",
		                          name, qname(c, t->database, t->name));
		set_table(c, f, t->database, t->name);
		set_column(c, f, name);
		add_related(c, f, sc->origin, "the existing column");
		return;
	}
	check_after_column(c, op, i, t);
	check_column_type(c, op, t->database, t->name, migplan_op_column(op));
	if (!migplan__sim_column_add(&c->sim, t, name, migplan_op_column(op), migplan_op_node(op), (long)i))
		c->failed = 1;
}

/* The alive column an operation acts on; reports it otherwise. */
static migplan__simcol *op_column(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                                  const char *name, int blocker)
{
	if (!t->columns_known)
		return NULL;
	migplan__simcol *sc = migplan__sim_column(&c->sim, t, name);
	if (sc && sc->alive)
		return sc;
	migplan_finding *f;
	if (sc && migplan_op_kind_of(op) == MIGPLAN_OP_MODIFY_TABLE_COLUMN) {
		f = emit(c, MIGPLAN__R_MODIFY_AFTER_DROP, (long)i, migplan_op_node(op),
		         "ModifyTableColumn changes column `%s` of %s after operation %ld dropped it: MODIFY COLUMN IF EXISTS does nothing",
		         name, qname(c, t->database, t->name), sc->dropped_at);
		add_related(c, f, op_node_at(c, sc->dropped_at), "dropped here");
	} else if (sc) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "%s acts on column `%s` of %s, which operation %ld removed", op_name(op), name,
		         qname(c, t->database, t->name), sc->dropped_at);
		add_related(c, f, op_node_at(c, sc->dropped_at), "removed here");
		set_blocker(f, blocker);
	} else {
		long later = migplan__oplist_next(lookup(c, &c->ix.cadd, t->database, t->name, name), i);
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "%s acts on column `%s` of %s, which %s", op_name(op), name,
		         qname(c, t->database, t->name),
		         later >= 0 ? fmt(c, "only the later operation %ld adds", later)
		                    : "does not exist at this step");
		if (later >= 0) {
			add_related(c, f, op_node_at(c, later), "added here");
			set_reorder(c, f, i);
		}
		set_blocker(f, blocker);
	}
	set_table(c, f, t->database, t->name);
	set_column(c, f, name);
	return NULL;
}

/* The first key that uses a column, for messages: "ORDER BY", "skip index `idx`", ... */
static const char *key_use_name(ctx *c, unsigned uses, const char *object)
{
	if (uses & MIGPLAN__KEY_ORDER_BY) return "ORDER BY";
	if (uses & MIGPLAN__KEY_PRIMARY_KEY) return "PRIMARY KEY";
	if (uses & MIGPLAN__KEY_PARTITION_BY) return "PARTITION BY";
	if (uses & MIGPLAN__KEY_SAMPLE_BY) return "SAMPLE BY";
	if (uses & MIGPLAN__KEY_TTL) return "the table TTL";
	if (uses & MIGPLAN__KEY_INDEX) return fmt(c, "skip index `%s`", object ? object : "?");
	return fmt(c, "projection `%s`", object ? object : "?");
}

static void report_key_column(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                              const char *col, unsigned uses, const char *object, const char *what,
                              int blocker)
{
	migplan_finding *f = emit(c, MIGPLAN__R_KEY_COLUMN, (long)i, migplan_op_node(op),
	                          "%s column `%s` of %s, which %s uses%s", what, col,
	                          qname(c, t->database, t->name), key_use_name(c, uses, object),
	                          blocker ? ": ClickHouse refuses this, the plan stops here" : "");
	set_table(c, f, t->database, t->name);
	set_column(c, f, col);
	set_blocker(f, blocker);
	set_rebuild(c, f, t->database, t->name);
	add_related(c, f, t->origin, "the table's keys");
}

/* DropTableColumn + AddTableColumn of the same type on the same table: a rename. */
static void check_likely_rename(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                                migplan__simcol *sc)
{
	const migplan__list *adds = lookup(c, &c->ix.tadds, t->database, t->name, NULL);
	const migplan_table *lt = local_table(c, t->database, t->name);
	if (!adds || !sc->def || (lt && migplan_table_column_find(lt, sc->name)))
		return;
	for (size_t k = 0; k < adds->count; k++) {
		size_t a = migplan__oplist_at(adds, k);
		const migplan_op *add = migplan_plan_op_at(c->plan, a);
		const migplan_column *col = migplan_op_column(add);
		const char *name = migplan_column_name(col);
		migplan__simcol *existing = migplan__sim_column(&c->sim, t, name);
		if (c->paired[a] || !name || strcmp(name, sc->name) == 0 || (existing && existing->alive) ||
		    !same_column_type(sc->def, col) ||
		    migplan_column_nullable(sc->def) != migplan_column_nullable(col))
			continue;
		c->paired[a] = 1;
		migplan_finding *f = emit(c, MIGPLAN__R_LIKELY_RENAME, (long)i, migplan_op_node(op),
		                          "column `%s` of %s is dropped and `%s` (operation %zu) added with the same type %s: likely a rename",
		                          sc->name, qname(c, t->database, t->name), name, a,
		                          migplan_column_clickhouse_type(col));
		set_table(c, f, t->database, t->name);
		set_column(c, f, sc->name);
		add_related(c, f, migplan_op_node(add), "the added column");
		migplan__edit e = {MIGPLAN__EDIT_RENAME_COLUMN, t->database, t->name, sc->name, name, 0};
		set_edit(c, f, &e);
		return;
	}
}

static void do_drop_column(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 0);
	if (!t)
		return;
	const char *name = migplan_op_column_name(op);
	migplan__simcol *sc = op_column(c, op, i, t, name, 0); /* DROP COLUMN IF EXISTS */
	if (!sc)
		return;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 1);
	const char *object;
	unsigned uses = migplan__sim_key_uses(&c->sim, t, name, &object);
	if (uses)
		report_key_column(c, op, i, t, name, uses, object, "DropTableColumn drops", 1);
	report_views(c, op, t, name, MIGPLAN__R_VIEW_BROKEN, "this operation drops");
	migplan_finding *f = emit(c, MIGPLAN__R_DROP_COLUMN, (long)i, migplan_op_node(op),
	                          "column `%s` of %s is dropped with every value in it", name,
	                          qname(c, t->database, t->name));
	set_table(c, f, t->database, t->name);
	set_column(c, f, name);
	add_related(c, f, sc->origin, "the column");
	check_likely_rename(c, op, i, t, sc);
	const migplan_table *lt = local_table(c, t->database, t->name);
	const migplan_column *lc = migplan_table_column_find(lt, name);
	if (lc) {
		f = emit(c, MIGPLAN__R_UNREQUESTED, (long)i, migplan_op_node(op),
		         "DropTableColumn `%s` of %s is not called for: the column is still in the code",
		         name, qname(c, t->database, t->name));
		set_table(c, f, t->database, t->name);
		set_column(c, f, name);
		add_related(c, f, migplan_column_node(lc), "the column in local_infra_map.json");
	}
	migplan__sim_column_drop(t, sc, (long)i);
}

/* The rule for a destructive column change, by the judge's cause. */
static migplan__rule_id cause_rule(migplan_change_cause cause)
{
	switch (cause) {
	case MIGPLAN_CAUSE_NARROWING:
	case MIGPLAN_CAUSE_SIGN_CHANGE:
	case MIGPLAN_CAUSE_RANGE_CHANGE:
	case MIGPLAN_CAUSE_LENGTH_CHANGE:
		return MIGPLAN__R_NARROWING;
	case MIGPLAN_CAUSE_PRECISION_LOSS:
	case MIGPLAN_CAUSE_SCALE_LOSS:
		return MIGPLAN__R_PRECISION_LOSS;
	case MIGPLAN_CAUSE_NULLABLE_TO_REQUIRED:
		return MIGPLAN__R_NULLABLE_TO_REQUIRED;
	case MIGPLAN_CAUSE_FAMILY_CHANGE:
	case MIGPLAN_CAUSE_PARSE_FAILURE:
	case MIGPLAN_CAUSE_TIMEZONE_CHANGE:
	case MIGPLAN_CAUSE_STRUCTURE_CHANGE:
		return MIGPLAN__R_FAMILY_CHANGE;
	case MIGPLAN_CAUSE_ENUM_MEMBER_REMOVED:
	case MIGPLAN_CAUSE_ENUM_MEMBER_CHANGED:
		return MIGPLAN__R_ENUM_MEMBER_REMOVED;
	case MIGPLAN_CAUSE_REPRESENTATION_CHANGE:
	case MIGPLAN_CAUSE_ORDER_CHANGE:
		return MIGPLAN__R_REPRESENTATION_CHANGE;
	case MIGPLAN_CAUSE_PROPERTY_CHANGE:
		return MIGPLAN__R_PROPERTY_CHANGE;
	case MIGPLAN_CAUSE_NOT_ALLOWED:
		return MIGPLAN__R_TYPE_REFUSED;
	case MIGPLAN_CAUSE_NONE:
	case MIGPLAN_CAUSE_UNKNOWN_PAIR:
		break;
	}
	return MIGPLAN__R_UNJUDGED_CHANGE;
}

/* Causes after which every value is still there (only reads, order or properties differ). */
static int values_survive(migplan_change_cause cause)
{
	return cause == MIGPLAN_CAUSE_REPRESENTATION_CHANGE || cause == MIGPLAN_CAUSE_ORDER_CHANGE ||
	       cause == MIGPLAN_CAUSE_PROPERTY_CHANGE;
}

static void report_column_change(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                                 const migplan_type_change *tc, int type_refused)
{
	migplan_change_cause cause = migplan_type_change_cause(tc);
	migplan__rule_id rule = cause_rule(cause);
	if (rule == MIGPLAN__R_TYPE_REFUSED && type_refused)
		return; /* already reported from the column's type */
	const char *name = migplan_op_column_name(op);
	const char *from = migplan_type_change_from(tc), *to = migplan_type_change_to(tc);
	const char *change = from && to && strcmp(from, to) != 0 ? fmt(c, "%s -> %s", from, to)
	                                                         : "the column definition changes";
	const char *why = migplan_type_change_reason(tc);
	const char *example = migplan_type_change_example(tc);
	int backfill = !values_survive(cause) && rule != MIGPLAN__R_TYPE_REFUSED;
	migplan_finding *f = emit(c, rule, (long)i, migplan_op_node(op),
	                          "column `%s` of %s: %s (%s)%s", name, qname(c, t->database, t->name),
	                          change, tc ? migplan_type_change_cause_name(cause) : "not judged",
	                          backfill ? "; needs a new column and a backfill" : "");
	set_table(c, f, t->database, t->name);
	set_column(c, f, name);
	if (rule == MIGPLAN__R_TYPE_REFUSED)
		set_blocker(f, 1);
	set_detail(c, f, fmt(c, "%s%s%s", why ? why : "The change could not be judged.",
	                     example ? " For example: " : "", example ? example : ""));
}

static void check_stale_before(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                               const migplan__simcol *sc)
{
	const migplan_column *before = migplan_op_before_column(op);
	if (!sc->def || !before)
		return;
	if (same_column_type(sc->def, before) || !migplan_column_clickhouse_type(sc->def) ||
	    !migplan_column_clickhouse_type(before))
		return;
	migplan_finding *f = emit(c, MIGPLAN__R_STALE_BEFORE, (long)i, migplan_op_field(op, "before_column"),
	                          "ModifyTableColumn `%s` of %s expects %s before the change, but the column is %s at this step",
	                          sc->name, qname(c, t->database, t->name),
	                          migplan_column_clickhouse_type(before), migplan_column_clickhouse_type(sc->def));
	set_table(c, f, t->database, t->name);
	set_column(c, f, sc->name);
	add_related(c, f, sc->origin, "the column as it is");
}

static void check_modify_requested(ctx *c, const migplan_op *op, size_t i, migplan__simtable *t,
                                   const char *name)
{
	const migplan_column *lc = migplan_table_column_find(local_table(c, t->database, t->name), name);
	const migplan_column *before = migplan_op_before_column(op);
	if (!lc || !same_column_type(lc, before) || same_column_type(lc, migplan_op_column(op)))
		return;
	migplan_finding *f = emit(c, MIGPLAN__R_UNREQUESTED, (long)i, migplan_op_node(op),
	                          "ModifyTableColumn `%s` of %s is not called for: the code still has %s",
	                          name, qname(c, t->database, t->name), migplan_column_clickhouse_type(lc));
	set_table(c, f, t->database, t->name);
	set_column(c, f, name);
	add_related(c, f, migplan_column_node(lc), "the column in local_infra_map.json");
}

static void do_modify_column(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	const char *name = migplan_op_column_name(op);
	migplan__simcol *sc = op_column(c, op, i, t, name, 0); /* MODIFY COLUMN IF EXISTS */
	const migplan_type_change *tc = migplan_op_type_change(op);
	int destructive = migplan_type_change_verdict(tc) == MIGPLAN_VERDICT_DESTRUCTIVE;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, destructive);
	if (!sc && t->columns_known)
		return;
	if (sc)
		check_stale_before(c, op, i, t, sc);
	int refused = check_column_type(c, op, t->database, t->name, migplan_op_column(op));
	if (destructive)
		report_column_change(c, op, i, t, tc, refused);
	const char *from = migplan_type_change_from(tc), *to = migplan_type_change_to(tc);
	int type_changed = !tc || !same_text(from, to);
	/* ClickHouse refuses a type change of a key column unless it keeps the stored bytes, and
	 * any type change of a projection's column; skip indexes and TTLs follow the change */
	const char *object;
	unsigned uses = type_changed ? migplan__sim_key_uses(&c->sim, t, name, &object) : 0;
	unsigned refusing = uses & MIGPLAN__KEY_PROJECTION;
	if ((uses & MIGPLAN__KEY_SORTING) && migplan_type_change_key_refused(tc))
		refusing |= uses & MIGPLAN__KEY_SORTING;
	if (refusing)
		report_key_column(c, op, i, t, name, refusing, object, "ModifyTableColumn changes the type of", 1);
	if (destructive && !values_survive(migplan_type_change_cause(tc)))
		report_views(c, op, t, name, MIGPLAN__R_VIEW_BROKEN,
		             fmt(c, "this operation changes destructively (%s)",
		                 migplan_type_change_cause_name(migplan_type_change_cause(tc))));
	else if (type_changed)
		report_views(c, op, t, name, MIGPLAN__R_VIEW_ALTERED,
		             fmt(c, "this operation changes from %s to %s", from ? from : "?", to ? to : "?"));
	if (destructive)
		check_modify_requested(c, op, i, t, name);
	if (sc) {
		sc->def = migplan_op_column(op);
		sc->origin = migplan_op_node(op);
		migplan__sim_keys_changed(t);
	}
}

static void do_rename_column(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	const char *from = migplan_op_column_name(op), *to = migplan_op_new_column_name(op);
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 0);
	migplan__simcol *sc = op_column(c, op, i, t, from, 1);
	if (!sc)
		return;
	migplan__simcol *dst = migplan__sim_column(&c->sim, t, to);
	if (dst && dst->alive) {
		migplan_finding *f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
		                          "RenameTableColumn `%s` to `%s`: %s already has a column `%s`, so RENAME COLUMN fails",
		                          from, to, qname(c, t->database, t->name), to);
		set_table(c, f, t->database, t->name);
		set_column(c, f, to);
		return;
	}
	/* a key or projection column cannot be renamed; skip indexes and TTLs follow the rename */
	const char *object;
	unsigned uses = migplan__sim_key_uses(&c->sim, t, from, &object) &
	                (MIGPLAN__KEY_SORTING | MIGPLAN__KEY_PROJECTION);
	if (uses)
		report_key_column(c, op, i, t, from, uses, object, "RenameTableColumn renames", 1);
	report_views(c, op, t, from, MIGPLAN__R_VIEW_BROKEN, fmt(c, "this operation renames to `%s`", to));
	const migplan_column *def = sc->def;
	migplan__sim_column_drop(t, sc, (long)i);
	if (!migplan__sim_column_add(&c->sim, t, to, def, migplan_op_node(op), (long)i))
		c->failed = 1;
}

/* ---------------------------------------------------------------- other table ALTERs */

static void do_table_metadata(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 0);
	const migplan_node *node = migplan_op_node(op);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		check_expression_columns(c, i, node, t, migplan_op_expression(op), "the table TTL uses");
		t->ttl = migplan_op_expression(op);
		break;
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
		check_expression_columns(c, i, node, t, migplan_op_expression(op), "SAMPLE BY uses");
		t->sample_by = migplan_op_expression(op);
		break;
	case MIGPLAN_OP_REMOVE_SAMPLE_BY:
		t->sample_by = NULL;
		break;
	default:
		break;
	}
	migplan__sim_keys_changed(t);
}

static int indexes_equal(const migplan_index *a, const migplan_index *b)
{
	if (!a || !b || !normalized_equal(migplan_index_expression(a), migplan_index_expression(b)) ||
	    !same_text(migplan_index_type(a), migplan_index_type(b)) ||
	    migplan_index_granularity(a) != migplan_index_granularity(b) ||
	    migplan_index_argument_count(a) != migplan_index_argument_count(b))
		return 0;
	for (size_t k = 0; k < migplan_index_argument_count(a); k++)
		if (!same_text(migplan_index_argument_at(a, k), migplan_index_argument_at(b, k)))
			return 0;
	return 1;
}

static const migplan_index *local_index(ctx *c, const migplan__simtable *t, const char *name)
{
	const migplan_table *lt = local_table(c, t->database, t->name);
	for (size_t k = 0; name && k < migplan_table_index_count(lt); k++)
		if (same_text(migplan_index_name(migplan_table_index_at(lt, k)), name))
			return migplan_table_index_at(lt, k);
	return NULL;
}

static void do_index(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 0);
	const char *name = migplan_op_object_name(op);
	migplan__simpart *p = migplan__sim_index(&c->sim, t, name);
	migplan_finding *f = NULL;
	if (migplan_op_kind_of(op) == MIGPLAN_OP_ADD_TABLE_INDEX) {
		const migplan_index *def = migplan_op_index_def(op);
		if (p && p->alive) {
			f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
			         "AddTableIndex `%s`: %s already has that index, so ADD INDEX fails", name,
			         qname(c, t->database, t->name));
		} else {
			check_expression_columns(c, i, migplan_op_node(op), t, migplan_index_expression(def),
			                         fmt(c, "index `%s` uses", name));
			if (!migplan__sim_index_add(&c->sim, t, name, migplan_index_expression(def), def, migplan_op_node(op)))
				c->failed = 1;
		}
	} else if (!p || !p->alive) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "DropTableIndex `%s`: %s has no such index at this step, so DROP INDEX fails", name,
		         qname(c, t->database, t->name));
	} else {
		/* an index dropped and added again is rebuilt by the plan (around a column change) */
		const migplan_index *li = local_index(c, t, name);
		if (li && p->index && indexes_equal(p->index, li) &&
		    migplan__oplist_next(lookup(c, &c->ix.iadd, t->database, t->name, name), i) < 0 &&
		    migplan__oplist_next(lookup(c, &c->ix.tcreate, t->database, t->name, NULL), i) < 0) {
			f = emit(c, MIGPLAN__R_UNREQUESTED, (long)i, migplan_op_node(op),
			         "DropTableIndex `%s` of %s is not called for: the code has the same index", name,
			         qname(c, t->database, t->name));
			add_related(c, f, migplan_index_node(li), "the index in local_infra_map.json");
		}
		p->alive = 0;
		p->dropped_at = (long)i;
		migplan__sim_keys_changed(t);
	}
	set_table(c, f, t->database, t->name);
}

static void do_projection(ctx *c, const migplan_op *op, size_t i)
{
	migplan__simtable *t = op_table(c, op, 1);
	if (!t)
		return;
	check_life_cycle(c, op, t->life_cycle, t->database, t->name, 0, 0);
	const char *name = migplan_op_object_name(op);
	migplan__simpart *p = migplan__sim_projection(&c->sim, t, name);
	migplan_finding *f = NULL;
	if (migplan_op_kind_of(op) == MIGPLAN_OP_ADD_TABLE_PROJECTION) {
		if (p && p->alive) {
			f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
			         "AddTableProjection `%s`: %s already has it, so ADD PROJECTION IF NOT EXISTS keeps the old one",
			         name, qname(c, t->database, t->name));
			set_blocker(f, 0);
		} else {
			check_expression_columns(c, i, migplan_op_node(op), t, migplan_op_projection_body(op),
			                         fmt(c, "projection `%s` uses", name));
			if (!migplan__sim_projection_add(&c->sim, t, name, migplan_op_projection_body(op), migplan_op_node(op)))
				c->failed = 1;
		}
	} else if (!p || !p->alive) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "DropTableProjection `%s`: %s has no such projection at this step", name,
		         qname(c, t->database, t->name));
		set_blocker(f, 0); /* DROP PROJECTION IF EXISTS */
	} else {
		p->alive = 0;
		p->dropped_at = (long)i;
		migplan__sim_keys_changed(t);
	}
	set_table(c, f, t->database, t->name);
}

/* ================================================================ views */

/* A table or view that a view reads, or the table it writes, at step i. */
static void check_view_dependency(ctx *c, const migplan_op *op, size_t i, const char *db,
                                  const char *name, int target)
{
	migplan__simtable *t = migplan__sim_table(&c->sim, db, name);
	migplan__simview *v = migplan__sim_view(&c->sim, db, name);
	if ((t && t->alive) || (!target && v && v->alive))
		return;
	long later = migplan__oplist_next(lookup(c, &c->ix.tcreate, db, name, NULL), i);
	if (!target && later < 0)
		later = migplan__oplist_next(lookup(c, &c->ix.vcreate, db, name, NULL), i);
	migplan_finding *f;
	const char *role = target ? "its target" : "its source";
	if (later >= 0) {
		f = emit(c, MIGPLAN__R_VIEW_BEFORE_TABLE, (long)i, migplan_op_node(op),
		         "%s `%s` is created before %s %s, which operation %ld creates", op_name(op),
		         migplan_op_table_name(op), role, qname(c, db, name), later);
		add_related(c, f, op_node_at(c, later), "created here");
		set_reorder(c, f, i);
	} else if (t) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "%s `%s`: %s %s was dropped by operation %ld", op_name(op),
		         migplan_op_table_name(op), role, qname(c, db, name), t->dropped_at);
		add_related(c, f, op_node_at(c, t->dropped_at), "dropped here");
	} else if (target && !c->open_world) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "%s `%s`: %s %s does not exist", op_name(op), migplan_op_table_name(op), role,
		         qname(c, db, name));
	} else {
		return; /* a source libmigplan does not know of: remote_state.json is not a catalog */
	}
	set_table(c, f, db, name);
	set_view(c, f, migplan_op_table_name(op));
}

/* Identifiers of SQL that name a column of one of @p tables dropped earlier or added later. */
static void check_sql_columns(ctx *c, size_t i, const migplan_node *node,
                              const migplan__sqlinfo *sql, migplan__simtable **tables, size_t n,
                              const char *how)
{
	for (size_t k = 0; sql && k < sql->ident_count; k++) {
		const char *id = sql->idents[k];
		int alive = 0, dup = 0, is_table = 0;
		for (size_t m = 0; m < k && !dup; m++)
			dup = strcmp(sql->idents[m], id) == 0;
		for (size_t m = 0; m < n && !alive; m++) {
			migplan__simcol *sc = migplan__sim_column(&c->sim, tables[m], id);
			alive = !tables[m]->columns_known || (sc && sc->alive);
			is_table |= strcmp(tables[m]->name, id) == 0;
		}
		if (dup || alive || is_table)
			continue;
		for (size_t m = 0; m < n; m++) {
			size_t before = c->an->count;
			report_column_ref(c, i, node, tables[m], fmt(c, "%s", id), how, 0);
			if (c->an->count != before)
				break;
		}
	}
}

static void do_create_view(ctx *c, const migplan_op *op, size_t i)
{
	const char *db = migplan_op_database(op), *name = migplan_op_table_name(op);
	int mv = migplan_op_kind_of(op) == MIGPLAN_OP_CREATE_MATERIALIZED_VIEW;
	migplan__simview *v = migplan__sim_view(&c->sim, db, name);
	if (v && v->alive) {
		migplan_finding *f = emit(c, MIGPLAN__R_ALREADY_EXISTS, (long)i, migplan_op_node(op),
		                          "%s %s: the view already exists, so CREATE ... IF NOT EXISTS keeps the old SELECT",
		                          op_name(op), qname(c, db, name));
		set_view(c, f, name);
		add_related(c, f, v->origin, "the existing view");
		return;
	}
	const char *tdb = migplan_op_target_database(op) ? migplan_op_target_database(op) : db;
	v = migplan__sim_view_create(&c->sim, mv ? MIGPLAN_VIEW_MATERIALIZED : MIGPLAN_VIEW_PLAIN, db,
	                             name, migplan_op_select_sql(op), tdb,
	                             mv ? migplan_op_target_table(op) : NULL, migplan_op_node(op), (long)i);
	if (!v) {
		c->failed = 1;
		return;
	}
	migplan__simtable *tables[16];
	size_t n = 0;
	for (size_t k = 0; k < v->source_count; k++) {
		check_view_dependency(c, op, i, v->sources[k].database, v->sources[k].name, 0);
		migplan__simtable *t = migplan__sim_table(&c->sim, v->sources[k].database, v->sources[k].name);
		if (t && t->alive && n < 16)
			tables[n++] = t;
	}
	if (mv)
		check_view_dependency(c, op, i, v->target_database, v->target_table, 1);
	check_sql_columns(c, i, migplan_op_field(op, "select_sql"), migplan__sim_view_sql(&c->sim, v),
	                  tables, n, fmt(c, "the SELECT of `%s` uses", name));
}

static const char *const view_kind_key[2] = {"view", "mv"};

static void index_local_views(ctx *c)
{
	c->ix.lviews_built = 1;
	for (int mv = 0; mv < 2; mv++) {
		size_t n = mv ? migplan_snapshot_mv_count(c->local) : migplan_snapshot_view_count(c->local);
		for (size_t k = 0; k < n; k++) {
			const migplan_view *lv = mv ? migplan_snapshot_mv_at(c->local, k)
			                            : migplan_snapshot_view_at(c->local, k);
			const char *db = migplan__sim_db(&c->sim, migplan_view_database(lv));
			const char *name = migplan_view_name(lv);
			/* the first of a duplicate wins, as it did when this was a scan */
			if (!migplan__map_get(&c->ix.lviews, db, name, view_kind_key[mv]) &&
			    !migplan__map_put(&c->ix.lviews, db, name, view_kind_key[mv], (void *)lv))
				c->failed = 1;
		}
	}
}

/* local_infra_map.json's view (or materialized view) db.name. Hashed on first use: every view
 * of the simulation is looked up when the plan's result is compared with the code, and a scan
 * of all local views for each was quadratic. */
static const migplan_view *local_view(ctx *c, const char *db, const char *name, int mv)
{
	if (!c->ix.lviews_built)
		index_local_views(c);
	return migplan__map_get(&c->ix.lviews, migplan__sim_db(&c->sim, db), name, view_kind_key[mv != 0]);
}

static void do_drop_view(ctx *c, const migplan_op *op, size_t i)
{
	const char *db = migplan_op_database(op), *name = migplan_op_table_name(op);
	int mv = migplan_op_kind_of(op) == MIGPLAN_OP_DROP_MATERIALIZED_VIEW;
	migplan__simview *v = migplan__sim_view(&c->sim, db, name);
	migplan_finding *f;
	if (!v || !v->alive) {
		if (!v && c->open_world)
			return;
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, migplan_op_node(op),
		         "%s %s: no such view at this step%s", op_name(op), qname(c, db, name),
		         v ? fmt(c, " (operation %ld dropped it)", v->dropped_at) : "");
		set_view(c, f, name);
		set_blocker(f, 0); /* DROP VIEW IF EXISTS */
		return;
	}
	check_life_cycle(c, op, v->life_cycle, v->database, v->name, 1, 1);
	if (mv)
		f = emit(c, MIGPLAN__R_DROP_MV, (long)i, migplan_op_node(op),
		         "materialized view %s is dropped: rows inserted into %s no longer reach %s",
		         qname(c, db, name),
		         v->source_count ? qname(c, v->sources[0].database, v->sources[0].name) : "its sources",
		         v->target_table ? qname(c, v->target_database, v->target_table) : "its target");
	else
		f = emit(c, MIGPLAN__R_DROP_VIEW, (long)i, migplan_op_node(op),
		         "view %s is dropped: queries that read it fail", qname(c, db, name));
	set_view(c, f, name);
	add_related(c, f, v->origin, v->from_remote ? "the view in remote_state.json" : "the view");
	const migplan_view *lv = c->local ? local_view(c, db, name, mv) : NULL;
	if (lv && migplan__oplist_next(lookup(c, &c->ix.vcreate, db, name, NULL), i) < 0) {
		f = emit(c, MIGPLAN__R_UNREQUESTED, (long)i, migplan_op_node(op),
		         "%s %s is not called for: the view is still in the code", op_name(op),
		         qname(c, db, name));
		set_view(c, f, name);
		add_related(c, f, migplan_view_node(lv), "the view in local_infra_map.json");
	}
	migplan__sim_view_drop(v, (long)i);
}

/* ================================================================ RawSql */

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '\f' && *s != '\v')
			return 0;
	return 1;
}

static void check_raw_sql_shape(ctx *c, const migplan_op *op, size_t i)
{
	const migplan_node *sql = migplan_op_field(op, "sql");
	migplan_finding *f = NULL;
	if (sql && migplan_node_kind_of(sql) != MIGPLAN_NODE_SEQ)
		f = emit(c, MIGPLAN__R_RAWSQL_MALFORMED, (long)i, sql,
		         "RawSql sql is a %s, not a list of strings", migplan_node_kind_name(migplan_node_kind_of(sql)));
	else if (migplan_op_sql_count(op) == 0)
		f = emit(c, MIGPLAN__R_RAWSQL_MALFORMED, (long)i, sql ? sql : migplan_op_node(op),
		         "RawSql sql is empty: nothing runs");
	for (size_t k = 0; k < migplan_node_count(sql); k++) {
		const migplan_node *item = migplan_node_at(sql, k);
		if (migplan_node_kind_of(item) != MIGPLAN_NODE_STRING)
			f = emit(c, MIGPLAN__R_RAWSQL_MALFORMED, (long)i, item,
			         "RawSql sql[%zu] is a %s, not a string", k, migplan_node_kind_name(migplan_node_kind_of(item)));
		else if (blank(migplan_node_text(item, NULL))) {
			f = emit(c, MIGPLAN__R_RAWSQL_MALFORMED, (long)i, item,
			         "RawSql sql[%zu] is empty: Moose skips it", k);
			set_blocker(f, 0);
		}
	}
	if (blank(migplan_op_description(op))) {
		const migplan_node *d = migplan_op_field(op, "description");
		emit(c, MIGPLAN__R_RAWSQL_NO_DESCRIPTION, (long)i, d ? d : migplan_op_node(op),
		     "RawSql has an empty description");
	}
}

/* A table that SQL writes, at step i: its life cycle, or why it does not exist. */
static migplan__simtable *sql_write_target(ctx *c, size_t i, const migplan_node *node,
                                           const migplan__sqlname *w, const migplan__sqlinfo *sql)
{
	migplan__simtable *t = migplan__sim_table(&c->sim, w->database, w->name);
	migplan__simview *v = migplan__sim_view(&c->sim, w->database, w->name);
	if (t && t->alive) {
		migplan_finding *f = NULL;
		if (is_external(t->life_cycle))
			f = emit(c, MIGPLAN__R_EXTERNAL, (long)i, node, "RawSql writes EXTERNALLY_MANAGED table %s",
			         qname(c, t->database, t->name));
		else if (is_protected(t->life_cycle) && sql->unbounded_count)
			f = emit(c, MIGPLAN__R_PROTECTED, (long)i, node, "RawSql empties or rewrites DELETION_PROTECTED table %s",
			         qname(c, t->database, t->name));
		set_table(c, f, t->database, t->name);
		return t;
	}
	if ((v && v->alive) || (!t && c->open_world))
		return NULL;
	long later = migplan__oplist_next(lookup(c, &c->ix.tcreate, w->database, w->name, NULL), i);
	migplan_finding *f;
	if (later >= 0) {
		f = emit(c, MIGPLAN__R_WRITE_BEFORE_CREATE, (long)i, node,
		         "RawSql writes %s before operation %ld creates it", qname(c, w->database, w->name), later);
		add_related(c, f, op_node_at(c, later), "created here");
		set_reorder(c, f, i);
	} else if (t) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "RawSql writes %s, which operation %ld dropped", qname(c, w->database, w->name), t->dropped_at);
		add_related(c, f, op_node_at(c, t->dropped_at), "dropped here");
	} else {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "RawSql writes %s, which is not in remote_state.json and no operation creates (remote_state.json lists the tables Moose manages)",
		         qname(c, w->database, w->name));
		set_blocker(f, 0);
	}
	set_table(c, f, w->database, w->name);
	return NULL;
}

/* A table that SQL reads, at step i; NULL when it does not exist (reported when the plan knows). */
static migplan__simtable *sql_read_source(ctx *c, size_t i, const migplan_node *node,
                                          const migplan__sqlname *r)
{
	migplan__simtable *t = migplan__sim_table(&c->sim, r->database, r->name);
	migplan__simview *v = migplan__sim_view(&c->sim, r->database, r->name);
	if (t && t->alive)
		return t;
	if (v && v->alive)
		return NULL;
	long later = migplan__oplist_next(lookup(c, &c->ix.tcreate, r->database, r->name, NULL), i);
	migplan_finding *f;
	if (t) {
		f = emit(c, MIGPLAN__R_READ_AFTER_DROP, (long)i, node,
		         "RawSql reads %s after operation %ld dropped it", qname(c, r->database, r->name),
		         t->dropped_at);
		add_related(c, f, op_node_at(c, t->dropped_at), "dropped here");
		set_reorder(c, f, i);
	} else if (later >= 0) {
		f = emit(c, MIGPLAN__R_MISSING_OBJECT, (long)i, node,
		         "RawSql reads %s before operation %ld creates it", qname(c, r->database, r->name), later);
		add_related(c, f, op_node_at(c, later), "created here");
		set_reorder(c, f, i);
	} else {
		return NULL; /* system tables, tables outside Moose: nothing to check */
	}
	set_table(c, f, r->database, r->name);
	return NULL;
}

static void apply_sql_create(ctx *c, size_t i, const migplan_node *node, const migplan__sqlddl *d)
{
	migplan__simtable *t = migplan__sim_table(&c->sim, d->object.database, d->object.name);
	if (t && t->alive)
		return; /* IF NOT EXISTS, or an error ClickHouse reports; keep the existing table */
	migplan__simtable *like = d->other.name ? migplan__sim_table(&c->sim, d->other.database, d->other.name) : NULL;
	t = migplan__sim_table_create(&c->sim, d->object.database, d->object.name,
	                              like && like->alive ? like->def : NULL, node, (long)i);
	if (!t) {
		c->failed = 1;
		return;
	}
	if (like && like->alive) {
		t->columns_known = like->columns_known;
		if (like->def)
			return;
		for (size_t k = 0; k < like->col_count; k++)
			if (like->cols[k]->alive)
				migplan__sim_column_add(&c->sim, t, like->cols[k]->name, like->cols[k]->def, node, (long)i);
		return;
	}
	for (size_t k = 0; k < d->column_count; k++)
		migplan__sim_column_add(&c->sim, t, d->columns[k], NULL, node, (long)i);
	t->columns_known = d->column_count > 0;
}

static void apply_sql_column(ctx *c, size_t i, const migplan_node *node, const migplan__sqlddl *d)
{
	migplan__simtable *t = migplan__sim_table(&c->sim, d->object.database, d->object.name);
	if (!t || !t->alive || !t->columns_known)
		return;
	migplan__simcol *sc = migplan__sim_column(&c->sim, t, d->column);
	if (d->kind == MIGPLAN__DDL_ADD_COLUMN) {
		if (!(sc && sc->alive))
			migplan__sim_column_add(&c->sim, t, d->column, NULL, node, (long)i);
		return;
	}
	if (!sc || !sc->alive)
		return;
	const migplan_column *def = sc->def;
	migplan__sim_column_drop(t, sc, (long)i);
	if (d->kind == MIGPLAN__DDL_RENAME_COLUMN)
		migplan__sim_column_add(&c->sim, t, d->new_column, def, node, (long)i);
}

/* Replays what a RawSql statement does to the schema (so rebuilds written in SQL replay). */
static void apply_sql_ddl(ctx *c, size_t i, const migplan_node *node, const migplan__sqlinfo *sql)
{
	for (size_t k = 0; k < sql->ddl_count; k++) {
		const migplan__sqlddl *d = &sql->ddl[k];
		migplan__simtable *t = migplan__sim_table(&c->sim, d->object.database, d->object.name);
		migplan__simtable *o = d->other.name ? migplan__sim_table(&c->sim, d->other.database, d->other.name) : NULL;
		switch (d->kind) {
		case MIGPLAN__DDL_CREATE_TABLE:
			apply_sql_create(c, i, node, d);
			break;
		case MIGPLAN__DDL_DROP_TABLE: {
			migplan__simview *v = migplan__sim_view(&c->sim, d->object.database, d->object.name);
			if (t && t->alive)
				migplan__sim_table_drop(&c->sim, t, (long)i);
			else if (v && v->alive)
				migplan__sim_view_drop(v, (long)i);
			break;
		}
		case MIGPLAN__DDL_RENAME_TABLE:
			if (t && t->alive && !migplan__sim_table_rename(&c->sim, t, d->other.database, d->other.name, (long)i))
				c->failed = 1;
			break;
		case MIGPLAN__DDL_EXCHANGE_TABLES:
			if (t && t->alive && o && o->alive)
				migplan__sim_table_exchange(&c->sim, t, o);
			break;
		case MIGPLAN__DDL_CREATE_VIEW:
			if (!migplan__sim_view_create(&c->sim, d->materialized ? MIGPLAN_VIEW_MATERIALIZED : MIGPLAN_VIEW_PLAIN,
			                              d->object.database, d->object.name, NULL, d->other.database,
			                              d->other.name, node, (long)i))
				c->failed = 1;
			break;
		case MIGPLAN__DDL_ADD_COLUMN:
		case MIGPLAN__DDL_DROP_COLUMN:
		case MIGPLAN__DDL_RENAME_COLUMN:
			apply_sql_column(c, i, node, d);
			break;
		}
	}
}

/* Whether an INSERT ... SELECT reading @p t keeps every column of t that the code still has,
 * so that dropping t afterwards loses nothing the change does not ask to lose. A column the
 * copy leaves out counts only when local_infra_map.json no longer has it (a rebuild that drops
 * a column on purpose). A `*` selection is not trusted: it follows the target's columns. */
static int copies_every_column(ctx *c, migplan__simtable *t, const migplan__sqlinfo *sql)
{
	if (!t->columns_known || migplan__sim_column_count(&c->sim, t) == 0)
		return 0;
	const migplan_table *code = migplan_snapshot_table_find(c->local, t->database, t->name);
	for (size_t k = 0; k < t->col_count; k++) {
		const char *name = t->cols[k]->name;
		if (!t->cols[k]->alive || migplan__sql_mentions(sql, name))
			continue;
		if (!code || migplan_table_column_find(code, name))
			return 0;
	}
	return 1;
}

static void check_sql_item(ctx *c, const migplan_op *op, size_t i, size_t k, const migplan__sqlinfo *sql)
{
	const migplan_node *items = migplan_op_field(op, "sql");
	const migplan_node *node = migplan_node_at(items, k) ? migplan_node_at(items, k) : migplan_op_node(op);
	migplan_finding *f;
	if (sql->statement_count > 1) {
		f = emit(c, MIGPLAN__R_RAWSQL_MULTI, (long)i, node,
		         "RawSql sql[%zu] holds %zu statements; ClickHouse runs one per query", k, sql->statement_count);
	}
	if (sql->unbounded_count) {
		/* ClickHouse's grammar requires the WHERE of a mutation: without one the statement fails */
		f = emit(c, MIGPLAN__R_RAWSQL_UNBOUNDED, (long)i, node, "RawSql sql[%zu]: %s %s", k,
		         sql->unbounded_what ? sql->unbounded_what : "a mutation",
		         sql->missing_where_count ? "is a syntax error (ClickHouse requires the WHERE), and means every row"
		                                  : "touches every row");
		if (sql->write_count)
			set_table(c, f, sql->writes[0].database, sql->writes[0].name);
		if (sql->missing_where_count)
			set_blocker(f, 1);
	}
	migplan__simtable *tables[16];
	size_t n = 0, nw;
	for (size_t w = 0; w < sql->write_count; w++) {
		migplan__simtable *t = sql_write_target(c, i, node, &sql->writes[w], sql);
		if (t && n < 16)
			tables[n++] = t;
	}
	nw = n;
	for (size_t r = 0; r < sql->read_count; r++) {
		migplan__simtable *t = sql_read_source(c, i, node, &sql->reads[r]);
		if (t && n < 16)
			tables[n++] = t;
		/* INSERT INTO other SELECT ... FROM t keeps t's rows elsewhere (a back-fill), but only
		 * when the copy carries every column: a partial copy still loses the rest on a drop */
		for (size_t w = 0; t && sql->verb == MIGPLAN__SQL_INSERT && w < nw; w++)
			if (tables[w] != t && tables[w]->alive && copies_every_column(c, t, sql))
				t->copied_at = (long)i;
	}
	if (n)
		check_sql_columns(c, i, node, sql, tables, n, fmt(c, "RawSql sql[%zu] uses", k));
	apply_sql_ddl(c, i, node, sql);
}

static void do_raw_sql(ctx *c, const migplan_op *op, size_t i)
{
	check_raw_sql_shape(c, op, i);
	for (size_t k = 0; c->sql[i] && k < migplan_op_sql_count(op); k++)
		check_sql_item(c, op, i, k, &c->sql[i][k]);
}

/* ================================================================ the plan against the code */

/* Compares two expressions ignoring whitespace, backticks and one pair of outer parentheses. */
static size_t squeeze(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' && *s != '`' && n + 1 < cap)
			out[n++] = *s;
	out[n] = '\0';
	if (n >= 2 && out[0] == '(' && out[n - 1] == ')') {
		int depth = 0, outer = 1;
		for (size_t k = 0; k < n - 1 && outer; k++) {
			depth += out[k] == '(' ? 1 : out[k] == ')' ? -1 : 0;
			outer = depth > 0;
		}
		if (outer) {
			memmove(out, out + 1, n - 2);
			out[n -= 2] = '\0';
		}
	}
	return n;
}

static int normalized_equal(const char *a, const char *b)
{
	if (!a || !b)
		return blank(a) && blank(b);
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	char *x = malloc(la), *y = malloc(lb);
	int eq = 0;
	if (x && y) {
		squeeze(a, x, la);
		squeeze(b, y, lb);
		eq = strcmp(x, y) == 0 || (strcmp(x, "tuple()") == 0 && !*y) || (strcmp(y, "tuple()") == 0 && !*x);
	}
	free(x);
	free(y);
	return eq;
}

static void gap(ctx *c, const migplan_node *node, const char *db, const char *table,
                const char *column, const migplan_node *related, const char *note, const char *msg)
{
	migplan_finding *f = emit(c, MIGPLAN__R_SCHEMA_GAP, -1, node, "%s", msg);
	set_table(c, f, db, table);
	set_column(c, f, column);
	add_related(c, f, related, note);
}

static void compare_columns(ctx *c, migplan__simtable *t, const migplan_table *lt)
{
	const char *q = qname(c, t->database, t->name);
	for (size_t k = 0; k < migplan_table_column_count(lt); k++) {
		const migplan_column *lc = migplan_table_column_at(lt, k);
		const char *name = migplan_column_name(lc);
		migplan__simcol *sc = migplan__sim_column(&c->sim, t, name);
		if (!sc || !sc->alive)
			gap(c, migplan_column_node(lc), t->database, t->name, name, t->origin, "the table after the plan",
			    fmt(c, "column `%s` of %s is in the code but not in the table after the plan", name, q));
		else if (sc->def && !same_column_type(sc->def, lc))
			gap(c, migplan_column_node(lc), t->database, t->name, name, sc->origin, "where the plan defines it",
			    fmt(c, "column `%s` of %s is %s after the plan but %s in the code", name, q,
			        migplan_column_clickhouse_type(sc->def) ? migplan_column_clickhouse_type(sc->def) : "?",
			        migplan_column_clickhouse_type(lc) ? migplan_column_clickhouse_type(lc) : "?"));
	}
	if (is_protected(t->life_cycle))
		return; /* Moose never drops columns of a protected table */
	for (size_t k = 0; k < t->col_count; k++) {
		migplan__simcol *sc = t->cols[k];
		if (sc->alive && !migplan_table_column_find(lt, sc->name))
			gap(c, sc->origin, t->database, t->name, sc->name, migplan_table_node(lt), "the table in the code",
			    fmt(c, "column `%s` of %s exists after the plan but not in the code", sc->name, q));
	}
}

static void compare_keys(ctx *c, migplan__simtable *t, const migplan_table *lt)
{
	const char *q = qname(c, t->database, t->name);
	const struct {
		const char *what, *after, *code;
	} keys[] = {
		{"ORDER BY", t->order_by, migplan_table_order_by_expression(lt)},
		{"PARTITION BY", t->partition_by, migplan_table_partition_by(lt)},
	};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!normalized_equal(keys[k].after, keys[k].code))
			gap(c, migplan_table_node(lt), t->database, t->name, NULL, t->origin, "the table after the plan",
			    fmt(c, "%s of %s is `%s` after the plan but `%s` in the code", keys[k].what, q,
			        keys[k].after ? keys[k].after : "", keys[k].code ? keys[k].code : ""));
	if (t->engine && !same_text(t->engine, migplan_table_engine(lt)))
		gap(c, migplan_table_node(lt), t->database, t->name, NULL, t->origin, "the table after the plan",
		    fmt(c, "the engine of %s is %s after the plan but %s in the code", q, t->engine,
		        migplan_table_engine(lt)));
}

static void compare_tables(ctx *c)
{
	for (size_t k = 0; k < migplan_snapshot_table_count(c->local); k++) {
		const migplan_table *lt = migplan_snapshot_table_at(c->local, k);
		const char *db = migplan__sim_db(&c->sim, migplan_table_database(lt)), *name = migplan_table_name(lt);
		if (is_external(migplan_table_life_cycle(lt)))
			continue;
		migplan__simtable *t = migplan__sim_table(&c->sim, db, name);
		if (!t || !t->alive) {
			gap(c, migplan_table_node(lt), db, name, NULL, t ? op_node_at(c, t->dropped_at) : NULL, "dropped here",
			    fmt(c, "table %s is in the code but does not exist after the plan", qname(c, db, name)));
			continue;
		}
		if (t->columns_known)
			compare_columns(c, t, lt);
		if (t->def)
			compare_keys(c, t, lt);
	}
	for (size_t k = 0; k < c->sim.table_list.count; k++) {
		migplan__simtable *t = c->sim.table_list.items[k];
		if (!t->alive || t->assumed || is_protected(t->life_cycle) || is_external(t->life_cycle) ||
		    local_table(c, t->database, t->name))
			continue;
		gap(c, t->origin, t->database, t->name, NULL, NULL, NULL,
		    fmt(c, "table %s exists after the plan but not in the code", qname(c, t->database, t->name)));
	}
}

static void compare_views(ctx *c)
{
	for (int mv = 1; mv >= 0; mv--) {
		size_t n = mv ? migplan_snapshot_mv_count(c->local) : migplan_snapshot_view_count(c->local);
		for (size_t k = 0; k < n; k++) {
			const migplan_view *lv = mv ? migplan_snapshot_mv_at(c->local, k) : migplan_snapshot_view_at(c->local, k);
			const char *db = migplan__sim_db(&c->sim, migplan_view_database(lv)), *name = migplan_view_name(lv);
			migplan__simview *v = migplan__sim_view(&c->sim, db, name);
			migplan_finding *f = NULL;
			if (!v || !v->alive) {
				f = emit(c, MIGPLAN__R_SCHEMA_GAP, -1, migplan_view_node(lv),
				         "%s %s is in the code but does not exist after the plan",
				         mv ? "materialized view" : "view", qname(c, db, name));
			} else if (mv && v->target_table && migplan_view_target_table(lv)) {
				const char *tdb = migplan_view_target_database(lv) ? migplan_view_target_database(lv) : db;
				if (!same_text(v->target_table, migplan_view_target_table(lv)) ||
				    !same_text(v->target_database, migplan__sim_db(&c->sim, tdb)))
					f = emit(c, MIGPLAN__R_SCHEMA_GAP, -1, migplan_view_node(lv),
					         "materialized view %s writes %s after the plan but %s in the code",
					         qname(c, db, name), qname(c, v->target_database, v->target_table),
					         qname(c, tdb, migplan_view_target_table(lv)));
				add_related(c, f, v->origin, "the view after the plan");
			}
			set_view(c, f, name);
		}
	}
	for (size_t k = 0; k < c->sim.view_list.count; k++) {
		migplan__simview *v = c->sim.view_list.items[k];
		int mv = v->kind == MIGPLAN_VIEW_MATERIALIZED;
		if (!v->alive || is_external(v->life_cycle) || local_view(c, v->database, v->name, mv))
			continue;
		migplan_finding *f = emit(c, MIGPLAN__R_SCHEMA_GAP, -1, v->origin,
		                          "%s %s exists after the plan but not in the code",
		                          mv ? "materialized view" : "view", qname(c, v->database, v->name));
		set_view(c, f, v->name);
	}
}

/* ================================================================ artifacts and target */

static void check_artifacts(ctx *c)
{
	if (!c->remote)
		emit(c, MIGPLAN__R_MISSING_ARTIFACT, -1, NULL,
		     "remote_state.json is missing: not checked whether operations act on objects that exist, which views depend on changed tables, life cycles and stale before-columns");
	if (!c->local)
		emit(c, MIGPLAN__R_MISSING_ARTIFACT, -1, NULL,
		     "local_infra_map.json is missing: not checked whether the plan reaches the code's schema or whether destructive operations are called for");
}

static void check_target_match(ctx *c, const migplan__target *tg)
{
	const migplan_node *root = migplan_snapshot_root(c->remote);
	const struct {
		const char *key, *snap_value, *target_value, *what;
	} pairs[] = {
		{"moose_version", migplan_snapshot_moose_version(c->remote), tg->moose_version, "Moose version"},
		{"deployment_id", migplan__node_str(migplan_node_get(root, "deployment_id")), tg->id, "deployment"},
		{"commit", migplan__node_str(migplan_node_get(root, "commit")), tg->commit, "commit"},
	};
	for (size_t k = 0; k < sizeof(pairs) / sizeof(pairs[0]); k++) {
		if (!pairs[k].snap_value || !pairs[k].target_value ||
		    strcmp(pairs[k].snap_value, pairs[k].target_value) == 0)
			continue;
		migplan_finding *f = emit(c, MIGPLAN__R_TARGET_MISMATCH, -1, migplan_node_get(root, pairs[k].key),
		                          "remote_state.json was taken from %s %s, but the target deployment `%s` has %s",
		                          pairs[k].what, pairs[k].snap_value, tg->id ? tg->id : "?", pairs[k].target_value);
		add_related(c, f, tg->chosen, "the target deployment");
	}
}

static void check_target(ctx *c)
{
	if (!c->an->have_target)
		return;
	const migplan__target *tg = &c->an->target;
	if (!tg->chosen) {
		migplan_finding *f = emit(c, MIGPLAN__R_TARGET_UNKNOWN, -1, tg->doc ? tg->doc->root : NULL,
		                          "target deployment for branch `%s` cannot be determined from %s: %s",
		                          tg->branch ? tg->branch : "", tg->source ? tg->source : "the deployments list",
		                          tg->problem ? tg->problem : "no deployments list");
		for (size_t k = 0; k < 2; k++)
			add_related(c, f, tg->related[k], "a candidate");
		return;
	}
	if (c->remote)
		check_target_match(c, tg);
}

/* ================================================================ configuration */

static int allow_matches(const migplan__allow *a, const migplan_finding *f)
{
	if (a->rule != (int)f->rule)
		return 0;
	if (a->operation >= 0 && a->operation != f->op)
		return 0;
	if (a->table && !same_text(a->table, f->table) && !(!f->table && same_text(a->table, f->view)))
		return 0;
	if (a->database && !same_text(a->database, f->database))
		return 0;
	if (a->column && !same_text(a->column, f->column_name))
		return 0;
	if (a->view && !same_text(a->view, f->view))
		return 0;
	return 1;
}

static void apply_allows(ctx *c)
{
	const migplan_config *cfg = c->cfg;
	if (!cfg || !cfg->allow_count)
		return;
	unsigned char *used = calloc(cfg->allow_count, 1);
	if (!used) {
		c->failed = 1;
		return;
	}
	size_t n = c->an->count;
	for (size_t k = 0; k < n; k++) {
		migplan_finding *f = c->an->findings[k];
		for (size_t a = 0; a < cfg->allow_count; a++) {
			if (!allow_matches(&cfg->allows[a], f))
				continue;
			used[a] = 1;
			if (!f->allowed) {
				f->allowed = 1;
				f->allow_reason = cfg->allows[a].reason;
			}
		}
	}
	for (size_t a = 0; a < cfg->allow_count; a++) {
		const migplan__allow *al = &cfg->allows[a];
		if (used[a] || !migplan__config_severity(cfg, (migplan__rule_id)al->rule))
			continue;
		emit(c, MIGPLAN__R_UNUSED_ALLOW, -1, al->node, "the allow entry for `%s`%s%s%s matches no finding",
		     migplan__rule_get((migplan__rule_id)al->rule)->id, al->table ? " on " : "",
		     al->table ? al->table : "", al->column ? fmt(c, ".%s", al->column) : "");
	}
	free(used);
}

/* ================================================================ driver */

static int finding_order(const void *pa, const void *pb)
{
	const migplan_finding *a = *(const migplan_finding *const *)pa;
	const migplan_finding *b = *(const migplan_finding *const *)pb;
	unsigned long oa = a->op < 0 ? (unsigned long)-1 : (unsigned long)a->op;
	unsigned long ob = b->op < 0 ? (unsigned long)-1 : (unsigned long)b->op;
	if (oa != ob)
		return oa < ob ? -1 : 1;
	int r = strcmp(migplan__rule_get(a->rule)->id, migplan__rule_get(b->rule)->id);
	if (r)
		return r;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void finish_positions(ctx *c)
{
	const char *plan_path = migplan_plan_path(c->plan);
	for (size_t k = 0; k < c->an->count; k++) {
		migplan_finding *f = c->an->findings[k];
		if (f->node) {
			f->path = migplan_node_path(f->node);
			f->line = migplan_node_line(f->node);
			f->column = migplan_node_column(f->node);
		} else {
			f->path = plan_path;
			f->line = 1;
			f->column = 1;
		}
	}
}

static void analyze_op(ctx *c, const migplan_op *op, size_t i)
{
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE: do_create_table(c, op, i); break;
	case MIGPLAN_OP_DROP_TABLE: do_drop_table(c, op, i); break;
	case MIGPLAN_OP_ADD_TABLE_COLUMN: do_add_column(c, op, i); break;
	case MIGPLAN_OP_DROP_TABLE_COLUMN: do_drop_column(c, op, i); break;
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN: do_modify_column(c, op, i); break;
	case MIGPLAN_OP_RENAME_TABLE_COLUMN: do_rename_column(c, op, i); break;
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
	case MIGPLAN_OP_REMOVE_SAMPLE_BY: do_table_metadata(c, op, i); break;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
	case MIGPLAN_OP_DROP_TABLE_INDEX: do_index(c, op, i); break;
	case MIGPLAN_OP_ADD_TABLE_PROJECTION:
	case MIGPLAN_OP_DROP_TABLE_PROJECTION: do_projection(c, op, i); break;
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
	case MIGPLAN_OP_CREATE_VIEW: do_create_view(c, op, i); break;
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_VIEW: do_drop_view(c, op, i); break;
	case MIGPLAN_OP_RAW_SQL: do_raw_sql(c, op, i); break;
	}
}

static void ctx_free(ctx *c)
{
	size_t n = migplan_plan_op_count(c->plan);
	for (size_t i = 0; c->sql && i < n; i++) {
		for (size_t k = 0; c->sql[i] && k < migplan_op_sql_count(migplan_plan_op_at(c->plan, i)); k++)
			migplan__sql_release(&c->sql[i][k]);
		free(c->sql[i]);
	}
	free(c->sql);
	free(c->paired);
	migplan__map *maps[] = {&c->ix.tcreate, &c->ix.tcreate_src, &c->ix.tdrop, &c->ix.vcreate,
	                        &c->ix.vdrop, &c->ix.cadd, &c->ix.tadds, &c->ix.iadd, &c->ix.lviews};
	for (size_t k = 0; k < sizeof(maps) / sizeof(maps[0]); k++)
		migplan__map_free(maps[k]);
	migplan__sim_free(&c->sim);
	migplan__arena_release(&c->scratch);
}

static void analysis_reset(migplan__analysis *an)
{
	migplan__arena_release(&an->arena);
	migplan__arena_init(&an->arena);
	an->count = 0;
}

migplan__analysis *migplan__analysis_of(migplan_plan *plan)
{
	if (plan->analysis)
		return plan->analysis;
	migplan__analysis *an = calloc(1, sizeof(*an));
	if (!an)
		return NULL;
	migplan__arena_init(&an->arena);
	plan->analysis = an;
	plan->analysis_free = migplan__analysis_free;
	return an;
}

void migplan__analysis_free(migplan_plan *plan)
{
	if (!plan || !plan->analysis)
		return;
	migplan__analysis *an = plan->analysis;
	migplan__arena_release(&an->arena);
	free(an->findings);
	migplan__target_clear(&an->target);
	free(an);
	plan->analysis = NULL;
}

static void run(ctx *c)
{
	size_t n = migplan_plan_op_count(c->plan);
	prepass(c);
	for (size_t i = 0; i < n && !c->failed && !c->sim.failed; i++)
		analyze_op(c, migplan_plan_op_at(c->plan, i), i);
	if (c->local && c->remote && !c->failed) {
		compare_tables(c);
		compare_views(c);
	}
	check_artifacts(c);
	check_target(c);
	apply_allows(c);
}

migplan_status migplan_plan_analyze(migplan_plan *plan, const migplan_config *cfg)
{
	if (!plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_analyze: plan is NULL");
	migplan__analysis *an = migplan__analysis_of(plan);
	if (!an)
		return migplan__error_oom();
	analysis_reset(an);
	migplan_status st = migplan_plan_classify(plan);
	if (st != MIGPLAN_OK)
		return st;
	ctx c;
	memset(&c, 0, sizeof(c));
	c.plan = plan;
	c.cfg = cfg;
	c.an = an;
	c.remote = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_REMOTE);
	c.local = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_LOCAL);
	c.open_world = c.remote == NULL;
	migplan__arena_init(&c.scratch);
	size_t n = migplan_plan_op_count(plan);
	c.sql = calloc(n ? n : 1, sizeof(*c.sql));
	c.paired = calloc(n ? n : 1, 1);
	st = migplan__sim_init(&c.sim, c.remote, migplan_plan_default_database(plan));
	if (st == MIGPLAN_OK && c.sql && c.paired)
		run(&c);
	int failed = st != MIGPLAN_OK || !c.sql || !c.paired || c.failed || c.sim.failed;
	if (!failed) {
		if (an->count)
			qsort(an->findings, an->count, sizeof(*an->findings), finding_order);
		finish_positions(&c);
	}
	ctx_free(&c);
	if (failed) {
		analysis_reset(an);
		return migplan__error_oom();
	}
	return MIGPLAN_OK;
}

/* ================================================================ public getters */

size_t migplan_plan_finding_count(const migplan_plan *plan)
{
	const migplan__analysis *an = plan ? plan->analysis : NULL;
	return an ? an->count : 0;
}

const migplan_finding *migplan_plan_finding_at(const migplan_plan *plan, size_t i)
{
	const migplan__analysis *an = plan ? plan->analysis : NULL;
	return an && i < an->count ? an->findings[i] : NULL;
}

size_t migplan_plan_finding_count_at_least(const migplan_plan *plan, migplan_severity severity)
{
	const migplan__analysis *an = plan ? plan->analysis : NULL;
	size_t n = 0;
	for (size_t i = 0; an && i < an->count; i++)
		n += !an->findings[i]->allowed && an->findings[i]->severity >= severity;
	return n;
}

const char *migplan_finding_rule(const migplan_finding *f)
{
	return f ? migplan__rule_get(f->rule)->id : NULL;
}

migplan_severity migplan_finding_severity(const migplan_finding *f)
{
	return f ? f->severity : (migplan_severity)0;
}

const char *migplan_finding_message(const migplan_finding *f)
{
	return f ? f->message : NULL;
}

const char *migplan_finding_help(const migplan_finding *f)
{
	return f ? f->help : NULL;
}

long migplan_finding_operation(const migplan_finding *f)
{
	return f ? f->op : -1;
}

const migplan_node *migplan_finding_node(const migplan_finding *f)
{
	return f ? f->node : NULL;
}

const char *migplan_finding_path(const migplan_finding *f)
{
	return f ? f->path : NULL;
}

uint32_t migplan_finding_line(const migplan_finding *f)
{
	return f ? f->line : 0;
}

uint32_t migplan_finding_column(const migplan_finding *f)
{
	return f ? f->column : 0;
}

const char *migplan_finding_database(const migplan_finding *f)
{
	return f ? f->database : NULL;
}

const char *migplan_finding_table(const migplan_finding *f)
{
	return f ? f->table : NULL;
}

const char *migplan_finding_column_name(const migplan_finding *f)
{
	return f ? f->column_name : NULL;
}

const char *migplan_finding_view(const migplan_finding *f)
{
	return f ? f->view : NULL;
}

size_t migplan_finding_related_count(const migplan_finding *f)
{
	return f ? f->related_count : 0;
}

const migplan_node *migplan_finding_related_node(const migplan_finding *f, size_t i)
{
	return f && i < f->related_count ? f->related[i].node : NULL;
}

const char *migplan_finding_related_message(const migplan_finding *f, size_t i)
{
	return f && i < f->related_count ? f->related[i].message : NULL;
}

const char *migplan_finding_edit(const migplan_finding *f)
{
	return f ? f->edit : NULL;
}

int migplan_finding_allowed(const migplan_finding *f)
{
	return f ? f->allowed : 0;
}

const char *migplan_finding_allow_reason(const migplan_finding *f)
{
	return f ? f->allow_reason : NULL;
}

int migplan_finding_blocker(const migplan_finding *f)
{
	return f ? f->blocker : 0;
}
