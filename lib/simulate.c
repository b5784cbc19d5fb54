/* The schema simulation (see simulate.h). */
#include "simulate.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* ---------------------------------------------------------------- the map */

struct migplan__map_slot {
	const char *a, *b, *c;
	uint64_t hash;
	void *value;
	int used;
};

static uint64_t hash_part(uint64_t h, const char *s)
{
	if (!s)
		return (h ^ 0x1e) * 0x100000001b3ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ 0x1f) * 0x100000001b3ull;
}

static uint64_t hash3(const char *a, const char *b, const char *c)
{
	return hash_part(hash_part(hash_part(0xcbf29ce484222325ull, a), b), c);
}

static int same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

void migplan__map_init(migplan__map *m)
{
	/* an assignment, not memset: inlined into migplan__sim_init, the memset makes GCC 12 report
	 * a false -Warray-bounds under -fsanitize=address, which breaks the ASan -Werror build */
	*m = (migplan__map){0};
}

void migplan__map_free(migplan__map *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static migplan__map_slot *find_slot(const migplan__map *m, uint64_t h, const char *a,
                                    const char *b, const char *c)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		migplan__map_slot *s = &m->slots[i];
		if (!s->used || (s->hash == h && same(s->a, a) && same(s->b, b) && same(s->c, c)))
			return s;
	}
}

void *migplan__map_get(const migplan__map *m, const char *a, const char *b, const char *c)
{
	if (!m->cap)
		return NULL;
	migplan__map_slot *s = find_slot(m, hash3(a, b, c), a, b, c);
	return s->used ? s->value : NULL;
}

static int map_grow(migplan__map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	migplan__map_slot *old = m->slots;
	size_t ocap = m->cap;
	m->slots = calloc(ncap, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return 0;
	}
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].used)
			*find_slot(m, old[i].hash, old[i].a, old[i].b, old[i].c) = old[i];
	free(old);
	return 1;
}

int migplan__map_put(migplan__map *m, const char *a, const char *b, const char *c, void *value)
{
	if ((m->count + 1) * 2 > m->cap && !map_grow(m))
		return 0;
	uint64_t h = hash3(a, b, c);
	migplan__map_slot *s = find_slot(m, h, a, b, c);
	if (!s->used) {
		*s = (migplan__map_slot){a, b, c, h, NULL, 1};
		m->count++;
	}
	s->value = value;
	return 1;
}

void migplan__map_each(const migplan__map *m, void (*fn)(void *value, void *ctx), void *ctx)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].used)
			fn(m->slots[i].value, ctx);
}

/* ---------------------------------------------------------------- lists */

int migplan__list_push(migplan__arena *a, migplan__list *l, void *item)
{
	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 4;
		void **n = migplan__arena_alloc(a, ncap * sizeof(*n));
		if (!n)
			return 0;
		if (l->count)
			memcpy(n, l->items, l->count * sizeof(*n));
		l->items = n;
		l->cap = ncap;
	}
	l->items[l->count++] = item;
	return 1;
}

int migplan__oplist_push(migplan__arena *a, migplan__list *l, size_t op)
{
	return migplan__list_push(a, l, (void *)(uintptr_t)op);
}

size_t migplan__oplist_at(const migplan__list *l, size_t i)
{
	return (size_t)(uintptr_t)l->items[i];
}

long migplan__oplist_next(const migplan__list *l, size_t op)
{
	if (!l)
		return -1;
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (migplan__oplist_at(l, mid) <= op)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->count ? (long)migplan__oplist_at(l, lo) : -1;
}

long migplan__oplist_prev(const migplan__list *l, size_t op)
{
	if (!l)
		return -1;
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (migplan__oplist_at(l, mid) < op)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? (long)migplan__oplist_at(l, lo - 1) : -1;
}

/* ---------------------------------------------------------------- tables */

const char *migplan__sim_db(const migplan__sim *s, const char *db)
{
	return db ? db : s->default_db;
}

static void *sim_zalloc(migplan__sim *s, size_t size)
{
	void *p = migplan__arena_zalloc(&s->arena, size);
	if (!p)
		s->failed = 1;
	return p;
}

static const char *sim_strdup(migplan__sim *s, const char *str)
{
	if (!str)
		return NULL;
	const char *p = migplan__arena_strdup(&s->arena, str);
	if (!p)
		s->failed = 1;
	return p;
}

static migplan__simtable *table_new(migplan__sim *s, const char *db, const char *name)
{
	migplan__simtable *t = sim_zalloc(s, sizeof(*t));
	if (!t)
		return NULL;
	t->database = db;
	t->name = name;
	t->created_at = -1;
	t->dropped_at = -1;
	t->copied_at = -1;
	migplan__map_init(&t->col_map);
	if (!migplan__map_put(&s->tables, db, name, NULL, t) ||
	    !migplan__list_push(&s->arena, &s->table_list, t)) {
		s->failed = 1;
		return NULL;
	}
	return t;
}

/* Forget columns, indexes, projections and keys (the next use loads them from def). */
static void table_reset_parts(migplan__simtable *t)
{
	migplan__map_free(&t->col_map);
	t->cols_loaded = 0;
	t->cols = NULL;
	t->col_count = t->col_cap = 0;
	t->indexes = NULL;
	t->index_count = t->index_cap = 0;
	t->projections = NULL;
	t->projection_count = t->projection_cap = 0;
	t->keys_valid = 0;
}

static void table_set_def(migplan__simtable *t, const migplan_table *def)
{
	table_reset_parts(t);
	t->def = def;
	t->columns_known = def != NULL;
	t->source_name = migplan_table_source_name(def);
	t->life_cycle = migplan_table_life_cycle(def);
	t->engine = def ? migplan_table_engine(def) : NULL;
	t->order_by = def ? migplan_table_order_by_expression(def) : NULL;
	t->primary_key = migplan_table_primary_key_expression(def);
	t->partition_by = migplan_table_partition_by(def);
	t->sample_by = migplan_table_sample_by(def);
	t->ttl = migplan_table_ttl(def);
	if (!def)
		t->cols_loaded = 1; /* nothing to load */
}

migplan__simtable *migplan__sim_table(migplan__sim *s, const char *db, const char *name)
{
	if (!name)
		return NULL;
	return migplan__map_get(&s->tables, migplan__sim_db(s, db), name, NULL);
}

migplan__simtable *migplan__sim_table_assume(migplan__sim *s, const char *db, const char *name)
{
	migplan__simtable *t = table_new(s, migplan__sim_db(s, db), name);
	if (!t)
		return NULL;
	table_set_def(t, NULL);
	t->assumed = 1;
	t->alive = 1;
	return t;
}

migplan__simtable *migplan__sim_table_create(migplan__sim *s, const char *db, const char *name,
                                             const migplan_table *def, const migplan_node *origin,
                                             long op)
{
	migplan__simtable *t = migplan__sim_table(s, db, name);
	if (!t)
		t = table_new(s, migplan__sim_db(s, db), name);
	if (!t)
		return NULL;
	table_set_def(t, def);
	t->origin = origin;
	t->from_remote = 0;
	t->assumed = 0;
	t->created_at = op;
	t->copied_at = -1;
	t->alive = 1;
	return t;
}

void migplan__sim_table_drop(migplan__sim *s, migplan__simtable *t, long op)
{
	(void)s;
	t->alive = 0;
	t->dropped_at = op;
}

/* Moves everything but the identity (database, name) from src to dst; src is left empty. */
static void table_move(migplan__simtable *dst, migplan__simtable *src)
{
	const char *db = dst->database, *name = dst->name;
	*dst = *src;
	dst->database = db;
	dst->name = name;
	migplan__map_init(&src->col_map);
	src->cols_loaded = 1;
	src->cols = NULL;
	src->col_count = src->col_cap = 0;
	src->indexes = src->projections = NULL;
	src->index_count = src->index_cap = src->projection_count = src->projection_cap = 0;
	src->keys_valid = 0;
}

migplan__simtable *migplan__sim_table_rename(migplan__sim *s, migplan__simtable *t,
                                             const char *db, const char *name, long op)
{
	migplan__simtable *dst = migplan__sim_table(s, db, name);
	if (!dst)
		dst = table_new(s, migplan__sim_db(s, db), name);
	if (!dst)
		return NULL;
	migplan__map_free(&dst->col_map);
	table_move(dst, t);
	dst->created_at = op;
	dst->dropped_at = -1;
	dst->from_remote = 0;
	t->alive = 0;
	t->dropped_at = op;
	return dst;
}

void migplan__sim_table_exchange(migplan__sim *s, migplan__simtable *a, migplan__simtable *b)
{
	(void)s;
	/* the logical name stays with the name, like ClickHouse's view dependencies do */
	migplan__simtable tmp = *a;
	const char *adb = a->database, *aname = a->name, *asrc = a->source_name;
	*a = *b;
	a->database = adb;
	a->name = aname;
	a->source_name = asrc;
	const char *bdb = b->database, *bname = b->name, *bsrc = b->source_name;
	*b = tmp;
	b->database = bdb;
	b->name = bname;
	b->source_name = bsrc;
}

/* ---------------------------------------------------------------- columns */

static migplan__simcol *col_insert(migplan__sim *s, migplan__simtable *t, const char *name)
{
	migplan__simcol *c = sim_zalloc(s, sizeof(*c));
	if (!c)
		return NULL;
	c->name = name;
	c->added_at = -1;
	c->dropped_at = -1;
	if (t->col_count == t->col_cap) {
		size_t ncap = t->col_cap ? t->col_cap * 2 : 8;
		migplan__simcol **n = migplan__arena_alloc(&s->arena, ncap * sizeof(*n));
		if (!n) {
			s->failed = 1;
			return NULL;
		}
		if (t->col_count)
			memcpy(n, t->cols, t->col_count * sizeof(*n));
		t->cols = n;
		t->col_cap = ncap;
	}
	if (!migplan__map_put(&t->col_map, name, NULL, NULL, c)) {
		s->failed = 1;
		return NULL;
	}
	t->cols[t->col_count++] = c;
	return c;
}

static migplan__simpart *part_push(migplan__sim *s, migplan__simpart **arr, size_t *count,
                                   size_t *cap)
{
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		migplan__simpart *n = migplan__arena_alloc(&s->arena, ncap * sizeof(*n));
		if (!n) {
			s->failed = 1;
			return NULL;
		}
		if (*count)
			memcpy(n, *arr, *count * sizeof(*n));
		*arr = n;
		*cap = ncap;
	}
	migplan__simpart *p = &(*arr)[(*count)++];
	memset(p, 0, sizeof(*p));
	p->dropped_at = -1;
	p->alive = 1;
	return p;
}

/* Loads the columns, indexes and projections of the table's definition on first use. */
static void load_parts(migplan__sim *s, migplan__simtable *t)
{
	if (t->cols_loaded)
		return;
	t->cols_loaded = 1;
	const migplan_table *def = t->def;
	long added = t->from_remote ? -1 : t->created_at;
	for (size_t i = 0; i < migplan_table_column_count(def); i++) {
		const migplan_column *col = migplan_table_column_at(def, i);
		migplan__simcol *c = col_insert(s, t, migplan_column_name(col));
		if (!c)
			return;
		c->def = col;
		c->origin = migplan_column_node(col);
		c->added_at = added;
		c->alive = 1;
	}
	for (size_t i = 0; i < migplan_table_index_count(def); i++) {
		const migplan_index *ix = migplan_table_index_at(def, i);
		migplan__simpart *p = part_push(s, &t->indexes, &t->index_count, &t->index_cap);
		if (!p)
			return;
		p->name = migplan_index_name(ix);
		p->expression = migplan_index_expression(ix);
		p->index = ix;
		p->origin = migplan_index_node(ix);
	}
	for (size_t i = 0; i < migplan_table_projection_count(def); i++) {
		migplan__simpart *p = part_push(s, &t->projections, &t->projection_count, &t->projection_cap);
		if (!p)
			return;
		p->name = migplan_table_projection_name(def, i);
		p->expression = migplan_table_projection_body(def, i);
		p->origin = migplan_table_node(def);
	}
}

migplan__simcol *migplan__sim_column(migplan__sim *s, migplan__simtable *t, const char *name)
{
	if (!t || !name)
		return NULL;
	load_parts(s, t);
	return migplan__map_get(&t->col_map, name, NULL, NULL);
}

migplan__simcol *migplan__sim_column_add(migplan__sim *s, migplan__simtable *t, const char *name,
                                         const migplan_column *def, const migplan_node *origin,
                                         long op)
{
	migplan__simcol *c = migplan__sim_column(s, t, name);
	if (!c)
		c = col_insert(s, t, name);
	if (!c)
		return NULL;
	c->def = def;
	c->origin = origin;
	c->added_at = op;
	c->alive = 1;
	t->keys_valid = 0; /* primary_key flags may have changed */
	return c;
}

void migplan__sim_column_drop(migplan__simtable *t, migplan__simcol *c, long op)
{
	c->alive = 0;
	c->dropped_at = op;
	t->keys_valid = 0;
}

size_t migplan__sim_column_count(migplan__sim *s, migplan__simtable *t)
{
	load_parts(s, t);
	size_t n = 0;
	for (size_t i = 0; i < t->col_count; i++)
		n += t->cols[i]->alive != 0;
	return n;
}

/* ---------------------------------------------------------------- indexes and projections */

static migplan__simpart *part_find(migplan__simpart *arr, size_t count, const char *name)
{
	for (size_t i = count; name && i-- > 0;)
		if (arr[i].name && strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

migplan__simpart *migplan__sim_index(migplan__sim *s, migplan__simtable *t, const char *name)
{
	load_parts(s, t);
	return part_find(t->indexes, t->index_count, name);
}

migplan__simpart *migplan__sim_index_add(migplan__sim *s, migplan__simtable *t, const char *name,
                                         const char *expression, const migplan_index *def,
                                         const migplan_node *origin)
{
	load_parts(s, t);
	migplan__simpart *p = part_find(t->indexes, t->index_count, name);
	if (!p)
		p = part_push(s, &t->indexes, &t->index_count, &t->index_cap);
	if (!p)
		return NULL;
	p->name = name;
	p->expression = expression;
	p->index = def;
	p->origin = origin;
	p->alive = 1;
	t->keys_valid = 0;
	return p;
}

migplan__simpart *migplan__sim_projection(migplan__sim *s, migplan__simtable *t, const char *name)
{
	load_parts(s, t);
	return part_find(t->projections, t->projection_count, name);
}

migplan__simpart *migplan__sim_projection_add(migplan__sim *s, migplan__simtable *t,
                                              const char *name, const char *body,
                                              const migplan_node *origin)
{
	load_parts(s, t);
	migplan__simpart *p = part_find(t->projections, t->projection_count, name);
	if (!p)
		p = part_push(s, &t->projections, &t->projection_count, &t->projection_cap);
	if (!p)
		return NULL;
	p->name = name;
	p->expression = body;
	p->origin = origin;
	p->alive = 1;
	t->keys_valid = 0;
	return p;
}

/* ---------------------------------------------------------------- key usage */

void migplan__sim_keys_changed(migplan__simtable *t)
{
	t->keys_valid = 0;
}

static void key_push(migplan__sim *s, migplan__simtable *t, const char *ident, unsigned use,
                     const char *object)
{
	if (t->key_count == t->key_cap) {
		size_t ncap = t->key_cap ? t->key_cap * 2 : 8;
		migplan__keyuse *n = migplan__arena_alloc(&s->arena, ncap * sizeof(*n));
		if (!n) {
			s->failed = 1;
			return;
		}
		if (t->key_count)
			memcpy(n, t->keys, t->key_count * sizeof(*n));
		t->keys = n;
		t->key_cap = ncap;
	}
	t->keys[t->key_count++] = (migplan__keyuse){ident, use, object};
}

/* Records every identifier of @p expr as used by @p use. */
static void key_expression(migplan__sim *s, migplan__simtable *t, const char *expr, unsigned use,
                           const char *object)
{
	if (!expr)
		return;
	migplan__sqlinfo info;
	if (migplan__sql_scan(&info, expr, strlen(expr)) != MIGPLAN_OK) {
		migplan__sql_release(&info);
		migplan_error_clear();
		s->failed = 1;
		return;
	}
	for (size_t i = 0; i < info.ident_count; i++)
		key_push(s, t, sim_strdup(s, info.idents[i]), use, object);
	migplan__sql_release(&info);
}

static void keys_rebuild(migplan__sim *s, migplan__simtable *t)
{
	load_parts(s, t);
	t->key_count = 0;
	t->keys_valid = 1;
	key_expression(s, t, t->order_by, MIGPLAN__KEY_ORDER_BY, NULL);
	if (t->primary_key) {
		key_expression(s, t, t->primary_key, MIGPLAN__KEY_PRIMARY_KEY, NULL);
	} else {
		for (size_t i = 0; i < t->col_count; i++)
			if (t->cols[i]->alive && migplan_column_primary_key(t->cols[i]->def))
				key_push(s, t, t->cols[i]->name, MIGPLAN__KEY_PRIMARY_KEY, NULL);
	}
	key_expression(s, t, t->partition_by, MIGPLAN__KEY_PARTITION_BY, NULL);
	key_expression(s, t, t->sample_by, MIGPLAN__KEY_SAMPLE_BY, NULL);
	key_expression(s, t, t->ttl, MIGPLAN__KEY_TTL, NULL);
	for (size_t i = 0; i < t->index_count; i++)
		if (t->indexes[i].alive)
			key_expression(s, t, t->indexes[i].expression, MIGPLAN__KEY_INDEX, t->indexes[i].name);
	for (size_t i = 0; i < t->projection_count; i++)
		if (t->projections[i].alive)
			key_expression(s, t, t->projections[i].expression, MIGPLAN__KEY_PROJECTION,
			               t->projections[i].name);
}

unsigned migplan__sim_key_uses(migplan__sim *s, migplan__simtable *t, const char *column,
                               const char **object)
{
	if (object)
		*object = NULL;
	if (!t || !column)
		return 0;
	if (!t->keys_valid)
		keys_rebuild(s, t);
	unsigned uses = 0;
	for (size_t i = 0; i < t->key_count; i++) {
		if (!t->keys[i].ident || strcmp(t->keys[i].ident, column) != 0)
			continue;
		uses |= t->keys[i].uses;
		if (object && !*object && t->keys[i].object)
			*object = t->keys[i].object;
	}
	return uses;
}

/* ---------------------------------------------------------------- views */

static int index_view(migplan__sim *s, migplan__simview *v, const char *db, const char *table)
{
	if (!table)
		return 1;
	migplan__list *l = migplan__map_get(&s->views_by_table, db, table, NULL);
	if (!l) {
		l = sim_zalloc(s, sizeof(*l));
		if (!l || !migplan__map_put(&s->views_by_table, db, table, NULL, l))
			return 0;
	}
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i] == v)
			return 1;
	return migplan__list_push(&s->arena, l, v);
}

static migplan__simview *view_new(migplan__sim *s, const char *db, const char *name)
{
	migplan__simview *v = migplan__sim_view(s, db, name);
	if (v)
		return v;
	v = sim_zalloc(s, sizeof(*v));
	if (!v)
		return NULL;
	v->database = migplan__sim_db(s, db);
	v->name = name;
	v->created_at = -1;
	v->dropped_at = -1;
	if (!migplan__map_put(&s->views, v->database, name, NULL, v) ||
	    !migplan__list_push(&s->arena, &s->view_list, v)) {
		s->failed = 1;
		return NULL;
	}
	return v;
}

static void view_index_all(migplan__sim *s, migplan__simview *v)
{
	for (size_t i = 0; i < v->source_count; i++)
		if (!index_view(s, v, v->sources[i].database, v->sources[i].name))
			s->failed = 1;
	if (v->target_table && !index_view(s, v, v->target_database, v->target_table))
		s->failed = 1;
}

static void view_from_remote(migplan__sim *s, const migplan_view *def)
{
	migplan__simview *v = view_new(s, migplan_view_database(def), migplan_view_name(def));
	if (!v)
		return;
	v->kind = migplan_view_kind_of(def);
	v->def = def;
	v->origin = migplan_view_node(def);
	v->select_sql = migplan_view_select_sql(def);
	v->from_remote = 1;
	v->alive = 1;
	v->life_cycle = migplan_view_life_cycle(def);
	v->source_count = migplan_view_source_count(def);
	v->sources = v->source_count ? sim_zalloc(s, v->source_count * sizeof(*v->sources)) : NULL;
	for (size_t i = 0; v->sources && i < v->source_count; i++) {
		v->sources[i].database = migplan__sim_db(s, migplan_view_source_database(def, i));
		v->sources[i].name = migplan_view_source_table(def, i);
	}
	if (v->kind == MIGPLAN_VIEW_MATERIALIZED) {
		const char *tdb = migplan_view_target_database(def);
		v->target_database = tdb ? tdb : v->database;
		v->target_table = migplan_view_target_table(def);
	}
	view_index_all(s, v);
}

migplan__simview *migplan__sim_view(migplan__sim *s, const char *db, const char *name)
{
	if (!name)
		return NULL;
	return migplan__map_get(&s->views, migplan__sim_db(s, db), name, NULL);
}

const migplan__sqlinfo *migplan__sim_view_sql(migplan__sim *s, migplan__simview *v)
{
	if (v->sql || !v->select_sql)
		return v->sql;
	migplan__sqlinfo *info = sim_zalloc(s, sizeof(*info));
	if (!info)
		return NULL;
	if (migplan__sql_scan(info, v->select_sql, strlen(v->select_sql)) != MIGPLAN_OK) {
		migplan__sql_release(info);
		migplan_error_clear();
		s->failed = 1;
		return NULL;
	}
	v->sql = info;
	return info;
}

migplan__simview *migplan__sim_view_create(migplan__sim *s, migplan_view_kind kind, const char *db,
                                           const char *name, const char *select_sql,
                                           const char *target_db, const char *target_table,
                                           const migplan_node *origin, long op)
{
	migplan__simview *v = view_new(s, db, name);
	if (!v)
		return NULL;
	if (v->sql)
		migplan__sql_release(v->sql);
	v->sql = NULL;
	v->kind = kind;
	v->def = NULL;
	v->origin = origin;
	v->select_sql = select_sql;
	v->from_remote = 0;
	v->created_at = op;
	v->alive = 1;
	v->life_cycle = MIGPLAN_LIFE_CYCLE_FULLY_MANAGED;
	v->target_table = target_table;
	v->target_database = target_table ? migplan__sim_db(s, target_db ? target_db : db) : NULL;
	const migplan__sqlinfo *sql = migplan__sim_view_sql(s, v);
	v->source_count = sql ? sql->read_count : 0;
	v->sources = v->source_count ? sim_zalloc(s, v->source_count * sizeof(*v->sources)) : NULL;
	for (size_t i = 0; v->sources && i < v->source_count; i++) {
		v->sources[i] = sql->reads[i];
		v->sources[i].database = migplan__sim_db(s, sql->reads[i].database);
	}
	view_index_all(s, v);
	return v;
}

void migplan__sim_view_drop(migplan__simview *v, long op)
{
	v->alive = 0;
	v->dropped_at = op;
}

const migplan__list *migplan__sim_views_of(migplan__sim *s, const char *db, const char *name)
{
	if (!name)
		return NULL;
	return migplan__map_get(&s->views_by_table, migplan__sim_db(s, db), name, NULL);
}

static int names_table(const migplan__simtable *t, const char *db, const char *name)
{
	if (!name || !db || strcmp(db, t->database) != 0)
		return 0;
	return strcmp(name, t->name) == 0 || (t->source_name && strcmp(name, t->source_name) == 0);
}

int migplan__sim_view_writes(const migplan__simview *v, const migplan__simtable *t)
{
	return v->target_table && names_table(t, v->target_database, v->target_table);
}

int migplan__sim_view_touches(const migplan__simview *v, const migplan__simtable *t)
{
	for (size_t i = 0; i < v->source_count; i++)
		if (names_table(t, v->sources[i].database, v->sources[i].name))
			return 1;
	return migplan__sim_view_writes(v, t);
}

/* ---------------------------------------------------------------- life */

migplan_status migplan__sim_init(migplan__sim *s, const migplan_snapshot *remote,
                                 const char *default_db)
{
	memset(s, 0, sizeof(*s));
	migplan__arena_init(&s->arena);
	migplan__map_init(&s->tables);
	migplan__map_init(&s->views);
	migplan__map_init(&s->views_by_table);
	s->default_db = default_db ? default_db : "local";
	s->remote = remote;
	for (size_t i = 0; i < migplan_snapshot_table_count(remote) && !s->failed; i++) {
		const migplan_table *def = migplan_snapshot_table_at(remote, i);
		const char *db = migplan__sim_db(s, migplan_table_database(def));
		if (migplan__sim_table(s, db, migplan_table_name(def)))
			continue; /* a duplicate identity: the first one wins, as a lookup would */
		migplan__simtable *t = table_new(s, db, migplan_table_name(def));
		if (!t)
			break;
		table_set_def(t, def);
		t->origin = migplan_table_node(def);
		t->from_remote = 1;
		t->alive = 1;
	}
	for (size_t i = 0; i < migplan_snapshot_mv_count(remote) && !s->failed; i++)
		view_from_remote(s, migplan_snapshot_mv_at(remote, i));
	for (size_t i = 0; i < migplan_snapshot_view_count(remote) && !s->failed; i++)
		view_from_remote(s, migplan_snapshot_view_at(remote, i));
	return s->failed ? migplan__error_oom() : MIGPLAN_OK;
}

void migplan__sim_free(migplan__sim *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->table_list.count; i++)
		migplan__map_free(&((migplan__simtable *)s->table_list.items[i])->col_map);
	for (size_t i = 0; i < s->view_list.count; i++) {
		migplan__simview *v = s->view_list.items[i];
		if (v->sql)
			migplan__sql_release(v->sql);
	}
	migplan__map_free(&s->tables);
	migplan__map_free(&s->views);
	migplan__map_free(&s->views_by_table);
	migplan__arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}
