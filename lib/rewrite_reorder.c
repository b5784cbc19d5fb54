/* The reorder edit: move an operation after what it needs, and what would break it after it.
 *
 * What an operation uses, and what operations create and destroy, is read from the operations
 * themselves (tables, columns, view targets) and, for SQL (RawSql, view SELECTs), from the
 * SQL scanner: tables it reads and writes, and identifiers that may be their columns. An
 * object the operation uses that does not exist when it runs (per remote_state.json and the
 * operations before it) and that a later operation creates is a need: the operation moves
 * right after the last such creator. Drops before the new position of objects the operation
 * uses (a back-fill reading a table the plan drops) move right after the operation. Nothing
 * else moves, so every other relative order is kept.
 *
 * The scanner's identifiers are a superset of the columns (aliases, functions' arguments...);
 * an identifier that no operation adds or drops as a column of those tables has no effect. */
#include "rewrite_private.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "simulate.h"
#include "sqlscan.h"

#define NONE SIZE_MAX

/* A table or view (column NULL), or a column of one. Strings are borrowed. */
typedef struct obj {
	const char *db; /* resolved */
	const char *name;
	const char *column;
} obj;

typedef struct objset {
	obj *v;
	size_t count, cap;
	migplan__sqlinfo *sql; /* scans whose strings the objects borrow */
	size_t sql_count, sql_cap;
	int failed;
} objset;

static void objset_release(objset *s)
{
	for (size_t i = 0; i < s->sql_count; i++)
		migplan__sql_release(&s->sql[i]);
	free(s->sql);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static void add(objset *s, const char *db, const char *name, const char *column)
{
	if (s->failed || !name)
		return;
	for (size_t i = 0; i < s->count; i++) {
		const obj *o = &s->v[i];
		if (strcmp(o->db, db) == 0 && strcmp(o->name, name) == 0 &&
		    (o->column == column || (o->column && column && strcmp(o->column, column) == 0)))
			return;
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		obj *p = realloc(s->v, cap * sizeof(*p));
		if (!p) {
			s->failed = 1;
			return;
		}
		s->v = p;
		s->cap = cap;
	}
	s->v[s->count++] = (obj){db, name, column};
}

/* Scans @p text into a scan kept by the set. NULL on failure. */
static const migplan__sqlinfo *scan(objset *s, const char *text)
{
	if (s->failed || !text)
		return NULL;
	if (s->sql_count == s->sql_cap) {
		size_t cap = s->sql_cap ? s->sql_cap * 2 : 4;
		migplan__sqlinfo *p = realloc(s->sql, cap * sizeof(*p));
		if (!p) {
			s->failed = 1;
			return NULL;
		}
		s->sql = p;
		s->sql_cap = cap;
	}
	migplan__sqlinfo *info = &s->sql[s->sql_count];
	migplan_status st = migplan__sql_scan(info, text, strlen(text));
	s->sql_count++; /* released in every case */
	if (st) {
		s->failed = 1;
		return NULL;
	}
	return info;
}

/* ---------------------------------------------------------------- what an operation does */

/* The scans of one RawSql's statements, made once per proposal: an operation's effect on every
 * object an edit's operation uses is asked of every operation before it. */
typedef struct scans {
	migplan__sqlinfo *info;
	size_t count;
	int done;
} scans;

struct migplan__rw_scans {
	scans *per_op;
	size_t n;
	/* (db, table) -> the operations that create or destroy it or its columns, ascending, so
	 * asking whether an object exists at a step reads those operations only */
	migplan__map by_table;
	migplan__arena arena;
	int indexed;
};

typedef struct ctx {
	migplan__rw_build *b;
	migplan__rw_scans *shared; /* the proposal's scans and index */
	scans *cache;              /* shared->per_op */
	int failed;                /* out of memory while scanning */
} ctx;

void migplan__rw_scans_free(migplan__rw_scans *s)
{
	if (s) {
		migplan__map_free(&s->by_table);
		migplan__arena_release(&s->arena);
	}
	for (size_t i = 0; s && i < s->n; i++) {
		for (size_t k = 0; k < s->per_op[i].count; k++)
			migplan__sql_release(&s->per_op[i].info[k]);
		free(s->per_op[i].info);
	}
	if (s)
		free(s->per_op);
	free(s);
}

/* The proposal's cache, made on first use; NULL on out-of-memory. */
static migplan__rw_scans *cache_of(migplan__rw_build *b, size_t n)
{
	if (!*b->scans) {
		migplan__rw_scans *s = calloc(1, sizeof(*s));
		if (!s || !(s->per_op = calloc(n ? n : 1, sizeof(scans)))) {
			free(s);
			return NULL;
		}
		s->n = n;
		migplan__map_init(&s->by_table);
		migplan__arena_init(&s->arena);
		*b->scans = s;
	}
	return *b->scans;
}

static const scans *scans_of(ctx *c, size_t i, const migplan_op *op)
{
	scans *sc = &c->cache[i];
	if (sc->done)
		return sc;
	sc->done = 1;
	size_t n = migplan_op_sql_count(op);
	sc->info = calloc(n ? n : 1, sizeof(*sc->info));
	if (!sc->info) {
		c->failed = 1;
		return sc;
	}
	for (size_t k = 0; k < n; k++) {
		const char *text = migplan_op_sql_at(op, k);
		sc->count++; /* released in every case */
		if (migplan__sql_scan(&sc->info[k], text, strlen(text)) != MIGPLAN_OK)
			c->failed = 1;
	}
	return sc;
}


static const char *db_of(const ctx *c, const char *db)
{
	return migplan__rw_db(c->b, db);
}

/* Tables an SQL text reads and writes, and their identifiers as possible columns. Tables the
 * text creates itself are not needs. */
static void sql_uses(const ctx *c, objset *uses, const char *text)
{
	const migplan__sqlinfo *info = scan(uses, text);
	if (!info)
		return;
	for (int pass = 0; pass < 2; pass++) {
		size_t n = pass ? info->write_count : info->read_count;
		const migplan__sqlname *names = pass ? info->writes : info->reads;
		for (size_t i = 0; i < n; i++) {
			const char *db = db_of(c, names[i].database);
			int own = 0;
			for (size_t k = 0; k < info->ddl_count; k++)
				if ((info->ddl[k].kind == MIGPLAN__DDL_CREATE_TABLE ||
				     info->ddl[k].kind == MIGPLAN__DDL_CREATE_VIEW) &&
				    strcmp(info->ddl[k].object.name, names[i].name) == 0)
					own = 1;
			if (own)
				continue;
			add(uses, db, names[i].name, NULL);
			for (size_t k = 0; k < info->ident_count; k++)
				add(uses, db, names[i].name, info->idents[k]);
		}
	}
}

static void op_uses(const ctx *c, const migplan_op *op, objset *uses)
{
	const char *db = db_of(c, migplan_op_database(op)), *t = migplan_op_table_name(op);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_VIEW:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		break;
	case MIGPLAN_OP_RAW_SQL:
		for (size_t i = 0; i < migplan_op_sql_count(op); i++)
			sql_uses(c, uses, migplan_op_sql_at(op, i));
		break;
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		add(uses, migplan_op_target_database(op) ? migplan_op_target_database(op) : db,
		    migplan_op_target_table(op), NULL);
		sql_uses(c, uses, migplan_op_select_sql(op));
		break;
	case MIGPLAN_OP_CREATE_VIEW:
		sql_uses(c, uses, migplan_op_select_sql(op));
		break;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		add(uses, db, t, NULL);
		if (migplan_op_position_after(op))
			add(uses, db, t, migplan_op_position_after(op));
		break;
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		add(uses, db, t, NULL);
		add(uses, db, t, migplan_op_column_name(op));
		break;
	default:
		add(uses, db, t, NULL);
		break;
	}
}

typedef enum effect { NOTHING = 0, CREATES = 1, DESTROYS = 2 } effect;

static int same_table(const obj *o, const char *db, const char *name)
{
	return name && strcmp(o->name, name) == 0 && strcmp(o->db, db) == 0;
}

static int same_column(const obj *o, const char *db, const char *name, const char *column)
{
	return o->column && column && same_table(o, db, name) && strcmp(o->column, column) == 0;
}

/* What a CreateTable does to @p o: creates the table and the columns it defines. */
static effect create_table_effect(const ctx *c, const migplan_op *op, const obj *o)
{
	const migplan_table *t = migplan_op_table(op);
	if (!same_table(o, db_of(c, migplan_table_database(t)), migplan_table_name(t)))
		return NOTHING;
	return !o->column || migplan_table_column_find(t, o->column) ? CREATES : NOTHING;
}

/* What one statement of a RawSql does to @p o. */
static effect sql_effect(const ctx *c, const migplan__sqlinfo *info, const obj *o)
{
	effect e = NOTHING;
	for (size_t k = 0; k < info->ddl_count; k++) {
		const migplan__sqlddl *d = &info->ddl[k];
		const char *db = db_of(c, d->object.database), *odb = db_of(c, d->other.database);
		switch (d->kind) {
		case MIGPLAN__DDL_CREATE_TABLE:
		case MIGPLAN__DDL_CREATE_VIEW:
			if (same_table(o, db, d->object.name))
				e = CREATES;
			break;
		case MIGPLAN__DDL_DROP_TABLE:
			if (same_table(o, db, d->object.name))
				e = DESTROYS;
			break;
		case MIGPLAN__DDL_RENAME_TABLE:
			if (same_table(o, db, d->object.name))
				e = DESTROYS;
			else if (same_table(o, odb, d->other.name))
				e = CREATES;
			break;
		case MIGPLAN__DDL_ADD_COLUMN:
			if (same_column(o, db, d->object.name, d->column))
				e = CREATES;
			break;
		case MIGPLAN__DDL_DROP_COLUMN:
			if (same_column(o, db, d->object.name, d->column))
				e = DESTROYS;
			break;
		case MIGPLAN__DDL_RENAME_COLUMN:
			if (same_column(o, db, d->object.name, d->column))
				e = DESTROYS;
			else if (same_column(o, db, d->object.name, d->new_column))
				e = CREATES;
			break;
		case MIGPLAN__DDL_EXCHANGE_TABLES:
			break;
		}
	}
	return e;
}

static effect raw_sql_effect(ctx *c, size_t i, const migplan_op *op, const obj *o)
{
	effect e = NOTHING;
	const scans *sc = scans_of(c, i, op);
	for (size_t k = 0; k < sc->count; k++) {
		effect s = sql_effect(c, &sc->info[k], o);
		if (s)
			e = s;
	}
	return e;
}

/* What operation @p i does to object @p o. */
static effect op_effect(ctx *c, size_t i, const obj *o)
{
	const migplan_op *op = migplan_plan_op_at(c->b->plan, i);
	const char *db = db_of(c, migplan_op_database(op)), *t = migplan_op_table_name(op);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
		return create_table_effect(c, op, o);
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		return !o->column && same_table(o, db, t) ? CREATES : NOTHING;
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_VIEW:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		return same_table(o, db, t) ? DESTROYS : NOTHING;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		return same_column(o, db, t, migplan_op_column_name(op)) ? CREATES : NOTHING;
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
		return same_column(o, db, t, migplan_op_column_name(op)) ? DESTROYS : NOTHING;
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		if (same_column(o, db, t, migplan_op_column_name(op)))
			return DESTROYS;
		return same_column(o, db, t, migplan_op_new_column_name(op)) ? CREATES : NOTHING;
	case MIGPLAN_OP_RAW_SQL:
		return raw_sql_effect(c, i, op, o);
	default:
		return NOTHING;
	}
}

/* ---------------------------------------------------------------- the index */

static void index_name(ctx *c, const char *db, const char *name, size_t i)
{
	if (!name)
		return;
	migplan__rw_scans *s = c->shared;
	const char *rdb = db_of(c, db);
	migplan__list *l = migplan__map_get(&s->by_table, rdb, name, NULL);
	if (!l) {
		l = migplan__arena_zalloc(&s->arena, sizeof(*l));
		if (!l || !migplan__map_put(&s->by_table, rdb, name, NULL, l)) {
			c->failed = 1;
			return;
		}
	}
	if (l->count && migplan__oplist_at(l, l->count - 1) == i)
		return; /* once per operation keeps the list ascending */
	if (!migplan__oplist_push(&s->arena, l, i))
		c->failed = 1;
}

/* Enters operation @p i under every table op_effect() can find it creating or destroying. */
static void index_op(ctx *c, size_t i)
{
	const migplan_op *op = migplan_plan_op_at(c->b->plan, i);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
		index_name(c, migplan_table_database(migplan_op_table(op)),
		           migplan_table_name(migplan_op_table(op)), i);
		break;
	case MIGPLAN_OP_CREATE_VIEW:
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_VIEW:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		index_name(c, migplan_op_database(op), migplan_op_table_name(op), i);
		break;
	case MIGPLAN_OP_RAW_SQL: {
		const scans *sc = scans_of(c, i, op);
		for (size_t k = 0; k < sc->count; k++)
			for (size_t d = 0; d < sc->info[k].ddl_count; d++) {
				const migplan__sqlddl *x = &sc->info[k].ddl[d];
				index_name(c, x->object.database, x->object.name, i);
				index_name(c, x->other.database, x->other.name, i);
			}
		break;
	}
	default:
		break;
	}
}

/* The operations that may create or destroy @p o (ascending), or NULL for none. */
static const migplan__list *ops_on(ctx *c, const obj *o)
{
	migplan__rw_scans *s = c->shared;
	if (!s->indexed) {
		s->indexed = 1;
		for (size_t i = 0; i < s->n; i++)
			index_op(c, i);
	}
	return migplan__map_get(&s->by_table, o->db, o->name, NULL);
}

/* 1 when @p o exists before the plan (remote_state.json). */
static int in_remote(const ctx *c, const obj *o)
{
	const migplan_snapshot *s = c->b->plan->remote;
	const migplan_table *t = migplan_snapshot_table_find(s, o->db, o->name);
	if (t)
		return !o->column || migplan_table_column_find(t, o->column) != NULL;
	if (o->column)
		return 0;
	for (int pass = 0; s && pass < 2; pass++) {
		size_t n = pass ? migplan_snapshot_view_count(s) : migplan_snapshot_mv_count(s);
		for (size_t i = 0; i < n; i++) {
			const migplan_view *v = pass ? migplan_snapshot_view_at(s, i) : migplan_snapshot_mv_at(s, i);
			if (strcmp(migplan_view_name(v), o->name) == 0 &&
			    strcmp(db_of(c, migplan_view_database(v)), o->db) == 0)
				return 1;
		}
	}
	return 0;
}

/* Whether @p o exists right after operation @p upto - 1 runs (ops [0, upto) except @p skip),
 * and the last operation that destroyed it (NONE when none did, or it exists). */
static int exists_at(ctx *c, const obj *o, size_t upto, size_t skip, size_t *destroyer)
{
	int exists = in_remote(c, o);
	size_t last = NONE;
	const migplan__list *l = ops_on(c, o);
	for (size_t k = 0; l && k < l->count; k++) {
		size_t j = migplan__oplist_at(l, k);
		if (j >= upto)
			break;
		if (j == skip)
			continue;
		effect e = op_effect(c, j, o);
		if (e == CREATES) {
			exists = 1;
			last = NONE;
		} else if (e == DESTROYS) {
			/* dropping a table also removes its columns, but a column that never existed
			 * was not destroyed by it */
			if (exists)
				last = j;
			exists = 0;
		}
	}
	*destroyer = exists ? NONE : last;
	return exists;
}

/* The first operation after @p i that creates @p o, or NONE. */
static size_t first_creator(ctx *c, const obj *o, size_t i)
{
	const migplan__list *l = ops_on(c, o);
	for (size_t k = 0; l && k < l->count; k++) {
		size_t j = migplan__oplist_at(l, k);
		if (j > i && op_effect(c, j, o) == CREATES)
			return j;
	}
	return NONE;
}

/* Drops that can be moved later without changing anything but their timing. */
static int movable_drop(const migplan_op *op)
{
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_DROP_TABLE:
	case MIGPLAN_OP_DROP_VIEW:
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
		return 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- the edit */

static void describe_op(migplan__sb *d, const migplan__rw_build *b, size_t i)
{
	const migplan_op *op = migplan_plan_op_at(b->plan, i);
	migplan__sb_printf(d, "operation %zu (%s", i, migplan_op_kind_name(migplan_op_kind_of(op)));
	if (migplan_op_table_name(op)) {
		migplan__sb_putc(d, ' ');
		migplan__sb_ident(d, migplan_op_table_name(op));
	}
	if (migplan_op_column_name(op)) {
		migplan__sb_putc(d, '.');
		migplan__sb_ident(d, migplan_op_column_name(op));
	}
	migplan__sb_putc(d, ')');
}

static int contains(const migplan__rw_idx *ix, size_t v)
{
	for (size_t k = 0; k < ix->count; k++)
		if (ix->v[k] == v)
			return 1;
	return 0;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* The drops before @p target (other than @p i) of objects @p i uses that no operation creates
 * again before @p target. */
static int find_breakers(ctx *c, const objset *uses, size_t i, size_t target,
                         migplan__rw_idx *out)
{
	for (size_t k = 0; k < uses->count; k++) {
		size_t destroyer = NONE;
		if (exists_at(c, &uses->v[k], target + 1, i, &destroyer) || destroyer == NONE)
			continue;
		if (!movable_drop(migplan_plan_op_at(c->b->plan, destroyer)))
			continue;
		if (!contains(out, destroyer) && !migplan__rw_idx_push(c->b, out, destroyer))
			return 0;
	}
	if (out->count)
		qsort(out->v, out->count, sizeof(size_t), cmp_size);
	return 1;
}

/* The last creator after @p i of the objects @p i uses that do not exist when it runs. */
static size_t find_target(ctx *c, const objset *uses, size_t i)
{
	size_t target = i;
	for (size_t k = 0; k < uses->count; k++) {
		size_t destroyer;
		if (exists_at(c, &uses->v[k], i, NONE, &destroyer))
			continue;
		size_t j = first_creator(c, &uses->v[k], i);
		if (j != NONE && j > target)
			target = j;
	}
	return target;
}

static void describe(migplan__rw_build *b, size_t i, size_t target, const migplan__rw_idx *brk)
{
	migplan__sb *d = &b->desc;
	if (target > i) {
		migplan__sb_puts(d, "Move ");
		describe_op(d, b, i);
		migplan__sb_puts(d, " after ");
		describe_op(d, b, target);
		migplan__sb_puts(d, ", which creates what it needs.");
	}
	for (size_t k = 0; k < brk->count; k++) {
		migplan__sb_puts(d, k ? " Also move " : " Move ");
		describe_op(d, b, brk->v[k]);
		migplan__sb_puts(d, " after it, so it does not remove what the operation reads.");
	}
	migplan__sb_puts(d, " Every other operation keeps its place.");
}

int migplan__rw_build_reorder(migplan__rw_build *b)
{
	size_t i = b->parsed.op;
	if (i >= migplan_plan_op_count(b->plan))
		return 0;
	size_t n = migplan_plan_op_count(b->plan);
	migplan__rw_scans *shared = cache_of(b, n);
	ctx c = {b, shared, shared ? shared->per_op : NULL, 0};
	objset uses;
	memset(&uses, 0, sizeof(uses));
	if (!c.cache)
		uses.failed = 1;
	else
		op_uses(&c, migplan_plan_op_at(b->plan, i), &uses);
	migplan__rw_idx brk = {NULL, 0, 0};
	size_t target = uses.failed ? i : find_target(&c, &uses, i);
	int ok = !uses.failed && find_breakers(&c, &uses, i, target, &brk) && !c.failed;
	int r = ok ? 0 : -1;
	if ((uses.failed || c.failed) && !b->status)
		b->status = migplan__error_oom();
	if (ok && (target > i || brk.count)) {
		/* the moved operation goes after its last need; the drops follow it in plan order */
		size_t anchor = target;
		r = 1;
		if (target > i && !migplan__rw_move_op(b, i, anchor))
			r = -1;
		for (size_t k = 0; r > 0 && k < brk.count; k++)
			if (!migplan__rw_move_op(b, brk.v[k], anchor))
				r = -1;
		if (r > 0)
			describe(b, i, target, &brk);
	}
	free(brk.v);
	objset_release(&uses);
	return r;
}
