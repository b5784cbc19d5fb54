/* Proposed edits on the plan handle, applying them into a new plan, and writing plans as
 * Moose writes plan.yaml (see include/migplan/rewrite.h and lib/rewrite_private.h).
 *
 * The edited plan is never patched in memory: the edited document tree (the original
 * operation nodes, untouched, plus the new ones) is emitted with the Moose emitter and read
 * back as a new plan. What the caller gets is therefore exactly what the written file will
 * load as, and for a Moose-generated plan every untouched operation keeps its bytes. */
#include "rewrite_private.h"

#include <stdlib.h>
#include <string.h>

#include "migplan/analyze.h"

#include "emit.h"
#include "error.h"

/* ---------------------------------------------------------------- lifetime */

void migplan__rewrite_free(migplan_plan *plan)
{
	migplan__rewrite *rw = plan ? plan->rewrite : NULL;
	if (!rw)
		return;
	migplan__arena_release(&rw->arena);
	free(rw);
	plan->rewrite = NULL;
}

/* ---------------------------------------------------------------- the proposal's index */

struct migplan__rw_index {
	migplan__map by_table;  /* (db, table) -> oplist */
	migplan__map by_source; /* (db, source_primitive name) -> oplist of CreateTable */
	migplan__map readers;   /* (db, table) -> list of the remote snapshot's views reading it */
	migplan__list names;    /* marked names, then NULL */
	migplan__list texts;    /* marked texts, then NULL */
	migplan__arena arena;
};

void migplan__rw_index_free(migplan__rw_index *ix)
{
	if (!ix)
		return;
	migplan__map_free(&ix->by_table);
	migplan__map_free(&ix->by_source);
	migplan__map_free(&ix->readers);
	migplan__arena_release(&ix->arena);
	free(ix);
}

static int index_push(migplan__rw_index *ix, migplan__map *m, const char *db, const char *name,
                      size_t op)
{
	migplan__list *l = migplan__map_get(m, db, name, NULL);
	if (!l) {
		l = migplan__arena_zalloc(&ix->arena, sizeof(*l));
		if (!l || !migplan__map_put(m, db, name, NULL, l))
			return 0;
	}
	return migplan__oplist_push(&ix->arena, l, op);
}

static int mark(migplan__rw_index *ix, migplan__list *l, const char *s)
{
	return !s || !strstr(s, MIGPLAN__RW_SWAP_MARK) || migplan__list_push(&ix->arena, l, (void *)s);
}

static int index_views(migplan__rw_index *ix, const migplan_snapshot *s)
{
	int ok = 1;
	for (size_t i = 0; s && i < migplan_snapshot_mv_count(s); i++)
		ok &= mark(ix, &ix->names, migplan_view_name(migplan_snapshot_mv_at(s, i)));
	for (size_t i = 0; s && i < migplan_snapshot_view_count(s); i++)
		ok &= mark(ix, &ix->names, migplan_view_name(migplan_snapshot_view_at(s, i)));
	return ok;
}

/* The remote snapshot's materialized views, then its views, each listed once under every
 * table it reads (the order describe_readers names them in). */
static int index_readers(migplan__rw_build *b, migplan__rw_index *ix)
{
	const migplan_snapshot *s = b->plan->remote;
	for (int pass = 0; s && pass < 2; pass++) {
		size_t n = pass ? migplan_snapshot_view_count(s) : migplan_snapshot_mv_count(s);
		for (size_t i = 0; i < n; i++) {
			const migplan_view *v = pass ? migplan_snapshot_view_at(s, i) : migplan_snapshot_mv_at(s, i);
			for (size_t k = 0; k < migplan_view_source_count(v); k++) {
				const char *db = migplan__rw_db(b, migplan_view_source_database(v, k));
				const char *table = migplan_view_source_table(v, k);
				migplan__list *l = migplan__map_get(&ix->readers, db, table, NULL);
				if (!l) {
					l = migplan__arena_zalloc(&ix->arena, sizeof(*l));
					if (!l || !migplan__map_put(&ix->readers, db, table, NULL, l))
						return 0;
				}
				if ((!l->count || l->items[l->count - 1] != v) &&
				    !migplan__list_push(&ix->arena, l, (void *)v))
					return 0;
			}
		}
	}
	return 1;
}

static int index_op(migplan__rw_build *b, migplan__rw_index *ix, size_t i)
{
	const migplan_op *op = migplan_plan_op_at(b->plan, i);
	const char *table = migplan_op_table_name(op);
	const migplan_table *def = migplan_op_table(op);
	int ok = !table || index_push(ix, &ix->by_table, migplan__rw_db(b, migplan_op_database(op)),
	                              table, i);
	if (ok && def && migplan_op_kind_of(op) == MIGPLAN_OP_CREATE_TABLE &&
	    migplan_table_source_name(def))
		ok = index_push(ix, &ix->by_source, migplan__rw_db(b, migplan_table_database(def)),
		                migplan_table_source_name(def), i);
	ok = ok && mark(ix, &ix->names, table) && mark(ix, &ix->names, migplan_op_target_table(op)) &&
	     mark(ix, &ix->texts, migplan_op_select_sql(op));
	for (size_t k = 0; ok && k < migplan_op_sql_count(op); k++)
		ok = mark(ix, &ix->texts, migplan_op_sql_at(op, k));
	return ok;
}

static migplan__rw_index *index_of(migplan__rw_build *b)
{
	if (*b->index || b->status)
		return *b->index;
	migplan__rw_index *ix = calloc(1, sizeof(*ix));
	if (!ix) {
		b->status = migplan__error_oom();
		return NULL;
	}
	migplan__map_init(&ix->by_table);
	migplan__map_init(&ix->by_source);
	migplan__map_init(&ix->readers);
	migplan__arena_init(&ix->arena);
	int ok = index_views(ix, b->plan->remote) && index_views(ix, b->plan->local) &&
	         index_readers(b, ix);
	for (size_t i = 0; ok && i < migplan_plan_op_count(b->plan); i++)
		ok = index_op(b, ix, i);
	ok = ok && migplan__list_push(&ix->arena, &ix->names, NULL) &&
	     migplan__list_push(&ix->arena, &ix->texts, NULL);
	if (!ok) {
		migplan__rw_index_free(ix);
		b->status = migplan__error_oom();
		return NULL;
	}
	*b->index = ix;
	return ix;
}

const migplan__list *migplan__rw_ops_on(migplan__rw_build *b, const char *db, const char *table)
{
	migplan__rw_index *ix = table ? index_of(b) : NULL;
	return ix ? migplan__map_get(&ix->by_table, migplan__rw_db(b, db), table, NULL) : NULL;
}

const migplan__list *migplan__rw_creates_of(migplan__rw_build *b, const char *db,
                                            const char *source)
{
	migplan__rw_index *ix = source ? index_of(b) : NULL;
	return ix ? migplan__map_get(&ix->by_source, migplan__rw_db(b, db), source, NULL) : NULL;
}

const migplan__list *migplan__rw_readers_of(migplan__rw_build *b, const char *db,
                                            const char *table)
{
	migplan__rw_index *ix = table ? index_of(b) : NULL;
	return ix ? migplan__map_get(&ix->readers, migplan__rw_db(b, db), table, NULL) : NULL;
}

const char *const *migplan__rw_marked_names(migplan__rw_build *b)
{
	migplan__rw_index *ix = index_of(b);
	return ix ? (const char *const *)ix->names.items : NULL;
}

const char *const *migplan__rw_marked_texts(migplan__rw_build *b)
{
	migplan__rw_index *ix = index_of(b);
	return ix ? (const char *const *)ix->texts.items : NULL;
}

/* ---------------------------------------------------------------- helpers for the builders */

int migplan__rw_idx_push(migplan__rw_build *b, migplan__rw_idx *ix, size_t v)
{
	if (b->status)
		return 0;
	if (ix->count == ix->cap) {
		size_t cap = ix->cap ? ix->cap * 2 : 8;
		size_t *p = realloc(ix->v, cap * sizeof(*p));
		if (!p) {
			b->status = migplan__error_oom();
			return 0;
		}
		ix->v = p;
		ix->cap = cap;
	}
	ix->v[ix->count++] = v;
	return 1;
}

/* The node as Moose YAML, copied into the arena. */
static const char *node_yaml(migplan__rw_build *b, const migplan_node *node)
{
	char *text = NULL;
	size_t len = 0;
	migplan_status st = migplan__yaml_emit_value(node, &text, &len);
	if (st) {
		b->status = st;
		return NULL;
	}
	const char *copy = migplan__arena_strndup(b->arena, text, len);
	free(text);
	if (!copy)
		b->status = migplan__error_oom();
	return copy;
}

static int push_insert(migplan__rw_build *b, migplan_node *node, size_t anchor, size_t origin)
{
	if (b->status || !node) {
		if (!b->status)
			b->status = migplan__error_oom();
		return 0;
	}
	if (b->ins_count == b->ins_cap) {
		size_t cap = b->ins_cap ? b->ins_cap * 2 : 4;
		migplan__rw_insert *p = realloc(b->ins, cap * sizeof(*p));
		if (!p) {
			b->status = migplan__error_oom();
			return 0;
		}
		b->ins = p;
		b->ins_cap = cap;
	}
	const char *yaml = node_yaml(b, node);
	if (!yaml)
		return 0;
	b->ins[b->ins_count++] = (migplan__rw_insert){node, yaml, anchor, origin};
	return 1;
}

int migplan__rw_insert_op(migplan__rw_build *b, const char *kind, migplan_node *body,
                          size_t anchor, size_t origin)
{
	if (b->status)
		return 0;
	migplan__pair pair = {migplan__rw_str(b, kind), body};
	if (!pair.key || !body)
		return push_insert(b, NULL, anchor, origin);
	return push_insert(b, migplan__node_new_map(b->arena, NULL, &pair, 1), anchor, origin);
}

int migplan__rw_move_op(migplan__rw_build *b, size_t op, size_t anchor)
{
	const migplan_op *o = migplan_plan_op_at(b->plan, op);
	if (!o || !migplan__rw_idx_push(b, &b->removed, op))
		return 0;
	/* the original node itself: a moved operation keeps every byte */
	return push_insert(b, (migplan_node *)migplan_op_node(o), anchor, op);
}

const char *migplan__rw_db(const migplan__rw_build *b, const char *db)
{
	return db ? db : b->default_db;
}

int migplan__rw_same_db(const migplan__rw_build *b, const char *x, const char *y)
{
	return strcmp(migplan__rw_db(b, x), migplan__rw_db(b, y)) == 0;
}

migplan_node *migplan__rw_str(migplan__rw_build *b, const char *s)
{
	if (b->status)
		return NULL;
	migplan_node *n = s ? migplan__node_new_string(b->arena, NULL, s, strlen(s))
	                    : migplan__node_new_null(b->arena, NULL);
	if (!n)
		b->status = migplan__error_oom();
	return n;
}

migplan_node *migplan__rw_map(migplan__rw_build *b, const char *const *keys,
                              migplan_node *const *values, size_t n)
{
	migplan__pair pairs[8];
	if (b->status || n > sizeof(pairs) / sizeof(pairs[0]))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		pairs[i].key = migplan__rw_str(b, keys[i]);
		pairs[i].value = values[i];
		if (!pairs[i].key || !values[i])
			return NULL;
	}
	migplan_node *m = migplan__node_new_map(b->arena, NULL, pairs, n);
	if (!m)
		b->status = migplan__error_oom();
	return m;
}

migplan_node *migplan__rw_map_with(migplan__rw_build *b, const migplan_node *map,
                                   const char *key, migplan_node *value)
{
	if (b->status || !value || migplan_node_kind_of(map) != MIGPLAN_NODE_MAP)
		return NULL;
	size_t n = migplan_node_count(map);
	migplan__pair *pairs = migplan__arena_alloc(b->arena, (n + 1) * sizeof(*pairs));
	if (!pairs) {
		b->status = migplan__error_oom();
		return NULL;
	}
	int replaced = 0;
	for (size_t i = 0; i < n; i++) {
		pairs[i] = (migplan__pair){migplan__key(map, i), migplan__val(map, i)};
		if (strcmp(migplan__node_str(pairs[i].key), key) == 0) {
			pairs[i].value = value;
			replaced = 1;
		}
	}
	if (!replaced) {
		pairs[n].key = migplan__rw_str(b, key);
		pairs[n].value = value;
		if (!pairs[n++].key)
			return NULL;
	}
	migplan_node *m = migplan__node_new_map(b->arena, NULL, pairs, n);
	if (!m)
		b->status = migplan__error_oom();
	return m;
}

migplan_node *migplan__rw_seq_of_strings(migplan__rw_build *b, char *const *items, size_t n)
{
	if (b->status)
		return NULL;
	migplan_node **nodes = migplan__arena_alloc(b->arena, (n ? n : 1) * sizeof(*nodes));
	if (!nodes) {
		b->status = migplan__error_oom();
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!(nodes[i] = migplan__rw_str(b, items[i])))
			return NULL;
	migplan_node *s = migplan__node_new_seq(b->arena, NULL, nodes, n);
	if (!s)
		b->status = migplan__error_oom();
	return s;
}

int migplan__rw_raw_sql(migplan__rw_build *b, const char *description, char *const *sql,
                        size_t n, size_t anchor)
{
	static const char *const keys[] = {"description", "sql"};
	migplan_node *values[2] = {migplan__rw_str(b, description),
	                           migplan__rw_seq_of_strings(b, sql, n)};
	return migplan__rw_insert_op(b, "RawSql", migplan__rw_map(b, keys, values, 2), anchor,
	                             MIGPLAN__RW_NEW);
}

/* ---------------------------------------------------------------- proposing */

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Copies what the builder gathered into the arena as the edit. */
static int finish_edit(migplan__rw_build *b, migplan_edit *e, const char *rule)
{
	char *desc = NULL;
	if (b->status)
		return 0;
	if (migplan__sb_finish(&b->desc, &desc)) {
		b->status = MIGPLAN_ENOMEM;
		return 0;
	}
	e->id = b->id;
	e->rule = rule;
	e->description = migplan__arena_strdup(b->arena, desc ? desc : "");
	free(desc);
	qsort(b->removed.v, b->removed.count, sizeof(size_t), cmp_size);
	e->removed_count = b->removed.count;
	e->removed = migplan__arena_alloc(b->arena, (e->removed_count + 1) * sizeof(size_t));
	e->inserted_count = b->ins_count;
	e->inserted = migplan__arena_alloc(b->arena, (b->ins_count + 1) * sizeof(*e->inserted));
	if (!e->description || !e->removed || !e->inserted) {
		b->status = migplan__error_oom();
		return 0;
	}
	if (b->removed.count)
		memcpy(e->removed, b->removed.v, b->removed.count * sizeof(size_t));
	if (b->ins_count)
		memcpy(e->inserted, b->ins, b->ins_count * sizeof(*b->ins));
	return 1;
}

static void build_release(migplan__rw_build *b)
{
	free(b->removed.v);
	free(b->ins);
	migplan__sb_reset(&b->desc);
}

/* Builds the edit named @p id (already copied into the arena). 1: built, 0: not possible,
 * -1: failure. */
static int build_edit(migplan__rewrite *rw, const migplan_plan *plan, const char *id,
                      const char *rule, migplan__rw_scans **scans, migplan__rw_index **index,
                      migplan_edit *out, migplan_status *st)
{
	migplan__rw_build b;
	memset(&b, 0, sizeof(b));
	b.plan = plan;
	b.scans = scans;
	b.index = index;
	b.arena = &rw->arena;
	b.default_db = migplan_plan_default_database(plan);
	b.id = id;
	if (!migplan__edit_parse(&b.parsed, &rw->arena, id))
		return 0; /* not an id this module knows how to build */
	int r = 0;
	switch (b.parsed.kind) {
	case MIGPLAN__EDIT_REBUILD_TABLE:
		r = migplan__rw_build_rebuild(&b);
		break;
	case MIGPLAN__EDIT_RENAME_COLUMN:
		r = migplan__rw_build_rename(&b);
		break;
	case MIGPLAN__EDIT_REORDER:
		r = migplan__rw_build_reorder(&b);
		break;
	}
	if (r > 0 && !finish_edit(&b, out, rule))
		r = -1;
	if (b.status)
		r = -1;
	*st = b.status;
	build_release(&b);
	return r;
}

/* A finding's rule, ranked: the registry lists the data-destroying rules first, so the edit
 * is described by the worst thing it answers. */
static int rule_rank(const char *rule)
{
	int r = rule ? migplan__rule_index(rule) : -1;
	return r < 0 ? MIGPLAN__R_COUNT : r;
}

typedef struct id_entry {
	const char *id;   /* borrowed from the finding */
	const char *rule; /* best-ranked rule among the findings naming it */
} id_entry;

/* Distinct edit ids of the findings in finding order, each with its best rule. *out is
 * malloc'd. The ids seen so far are hashed: a large plan has tens of thousands of findings
 * with edits, and comparing each with every id before it was quadratic. */
static migplan_status collect_ids(const migplan_plan *plan, id_entry **out, size_t *count)
{
	size_t n = migplan_plan_finding_count(plan), k = 0;
	id_entry *ids = calloc(n ? n : 1, sizeof(*ids));
	migplan__map seen;
	migplan__map_init(&seen);
	if (!ids)
		return migplan__error_oom();
	for (size_t i = 0; i < n; i++) {
		const migplan_finding *f = migplan_plan_finding_at(plan, i);
		const char *id = migplan_finding_edit(f), *rule = migplan_finding_rule(f);
		if (!id)
			continue;
		id_entry *e = migplan__map_get(&seen, id, NULL, NULL);
		if (!e) {
			ids[k] = (id_entry){id, rule};
			if (!migplan__map_put(&seen, id, NULL, NULL, &ids[k])) {
				migplan__map_free(&seen);
				free(ids);
				return migplan__error_oom();
			}
			k++;
		} else if (rule_rank(rule) < rule_rank(e->rule)) {
			e->rule = rule;
		}
	}
	migplan__map_free(&seen);
	*out = ids;
	*count = k;
	return MIGPLAN_OK;
}

/* 1 when the edits on the plan were proposed for exactly these ids. */
static int same_ids(const migplan__rewrite *rw, const id_entry *ids, size_t n)
{
	if (!rw || rw->source_count != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(rw->source_ids[i], ids[i].id) != 0)
			return 0;
	return 1;
}

static migplan_status propose(migplan__rewrite *rw, const migplan_plan *plan,
                              const id_entry *ids, size_t n)
{
	rw->source_ids = migplan__arena_alloc(&rw->arena, (n ? n : 1) * sizeof(char *));
	rw->edits = migplan__arena_zalloc(&rw->arena, (n ? n : 1) * sizeof(migplan_edit));
	if (!rw->source_ids || !rw->edits)
		return migplan__error_oom();
	migplan__rw_scans *scans = NULL;
	migplan__rw_index *index = NULL;
	migplan_status result = MIGPLAN_OK;
	for (size_t i = 0; i < n && !result; i++) {
		const char *id = migplan__arena_strdup(&rw->arena, ids[i].id);
		const char *rule = ids[i].rule ? migplan__arena_strdup(&rw->arena, ids[i].rule) : NULL;
		if (!id || (ids[i].rule && !rule)) {
			result = migplan__error_oom();
			break;
		}
		rw->source_ids[rw->source_count++] = id;
		migplan_status st = MIGPLAN_OK;
		int r = build_edit(rw, plan, id, rule, &scans, &index, &rw->edits[rw->edit_count], &st);
		if (r < 0)
			result = st ? st : migplan__error_oom();
		else if (r > 0)
			rw->edit_count++;
	}
	migplan__rw_scans_free(scans);
	migplan__rw_index_free(index);
	return result;
}

migplan_status migplan_plan_propose_edits(migplan_plan *plan)
{
	if (!plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_propose_edits: plan is NULL");
	if (!plan->analysis) {
		migplan_status st = migplan_plan_analyze(plan, NULL);
		if (st)
			return st;
	}
	id_entry *ids = NULL;
	size_t n = 0;
	migplan_status st = collect_ids(plan, &ids, &n);
	if (st)
		return st;
	if (same_ids(plan->rewrite, ids, n)) {
		free(ids);
		return MIGPLAN_OK;
	}
	migplan__rewrite *rw = calloc(1, sizeof(*rw));
	if (!rw) {
		free(ids);
		return migplan__error_oom();
	}
	migplan__arena_init(&rw->arena);
	st = propose(rw, plan, ids, n);
	free(ids);
	if (st) {
		migplan__arena_release(&rw->arena);
		free(rw);
		return st;
	}
	migplan__rewrite_free(plan);
	plan->rewrite = rw;
	plan->rewrite_free = migplan__rewrite_free;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- accessors */

size_t migplan_plan_edit_count(const migplan_plan *plan)
{
	const migplan__rewrite *rw = plan ? plan->rewrite : NULL;
	return rw ? rw->edit_count : 0;
}

const migplan_edit *migplan_plan_edit_at(const migplan_plan *plan, size_t i)
{
	const migplan__rewrite *rw = plan ? plan->rewrite : NULL;
	return rw && i < rw->edit_count ? &rw->edits[i] : NULL;
}

const migplan_edit *migplan_plan_edit_find(const migplan_plan *plan, const char *id)
{
	const migplan__rewrite *rw = plan ? plan->rewrite : NULL;
	for (size_t i = 0; rw && id && i < rw->edit_count; i++)
		if (strcmp(rw->edits[i].id, id) == 0)
			return &rw->edits[i];
	return NULL;
}

const char *migplan_edit_id(const migplan_edit *e)
{
	return e ? e->id : NULL;
}

const char *migplan_edit_rule(const migplan_edit *e)
{
	return e ? e->rule : NULL;
}

const char *migplan_edit_description(const migplan_edit *e)
{
	return e ? e->description : NULL;
}

size_t migplan_edit_removed_count(const migplan_edit *e)
{
	return e ? e->removed_count : 0;
}

size_t migplan_edit_removed_at(const migplan_edit *e, size_t i)
{
	return e && i < e->removed_count ? e->removed[i] : SIZE_MAX;
}

size_t migplan_edit_inserted_count(const migplan_edit *e)
{
	return e ? e->inserted_count : 0;
}

const char *migplan_edit_inserted_yaml(const migplan_edit *e, size_t i)
{
	return e && i < e->inserted_count ? e->inserted[i].yaml : NULL;
}

/* ---------------------------------------------------------------- applying */

/* The selected edits, in proposal order (so the result does not depend on the order of ids). */
static migplan_status select_edits(const migplan__rewrite *rw, const char *const *ids,
                                   size_t count, unsigned char *chosen)
{
	if (!ids) {
		memset(chosen, 1, rw->edit_count);
		return MIGPLAN_OK;
	}
	for (size_t i = 0; i < count; i++) {
		size_t j = 0;
		while (j < rw->edit_count && (!ids[i] || strcmp(rw->edits[j].id, ids[i]) != 0))
			j++;
		if (j == rw->edit_count)
			return migplan__error(MIGPLAN_ENOTFOUND, "no proposed edit has the id '%s'",
			                      ids[i] ? ids[i] : "(null)");
		chosen[j] = 1;
	}
	return MIGPLAN_OK;
}

/* How the edited operation list is assembled. */
typedef struct assembly {
	const migplan_plan *plan;
	const migplan__rewrite *rw;
	const unsigned char *chosen;
	size_t n;                       /* operations of the original plan */
	size_t *owner;                  /* per original op: the edit that removes it, or SIZE_MAX */
	const migplan__rw_insert **copy;/* per original op: the insertion that moves it, or NULL */
	const migplan__rw_insert **ins; /* every chosen insertion, bucketed by anchor */
	size_t *ins_edit;               /* per insertion: the edit it belongs to */
	size_t *bucket;                 /* n + 2 offsets into ins: anchor j at [bucket[j], bucket[j+1]) */
	unsigned char *done;            /* per insertion (index into ins): emitted */
	size_t ins_count;
	const migplan_node **out;       /* the new operation list */
	size_t out_count;
} assembly;

/* Marks removed operations; two chosen edits removing one operation conflict. */
static migplan_status mark_removed(assembly *a)
{
	for (size_t e = 0; e < a->rw->edit_count; e++) {
		const migplan_edit *ed = &a->rw->edits[e];
		for (size_t i = 0; a->chosen[e] && i < ed->removed_count; i++) {
			size_t op = ed->removed[i];
			if (a->owner[op] != SIZE_MAX && a->owner[op] != e)
				return migplan__error(MIGPLAN_EINVAL,
				                      "edits '%s' and '%s' both change operation %zu; "
				                      "apply one of them, analyse again and propose anew",
				                      a->rw->edits[a->owner[op]].id, ed->id, op);
			a->owner[op] = e;
		}
	}
	return MIGPLAN_OK;
}

static size_t anchor_slot(const assembly *a, size_t anchor)
{
	return anchor == MIGPLAN__RW_END || anchor >= a->n ? a->n : anchor;
}

/* Buckets the chosen insertions by anchor, keeping proposal order within a bucket. */
static void bucket_inserts(assembly *a)
{
	for (size_t e = 0; e < a->rw->edit_count; e++)
		for (size_t i = 0; a->chosen[e] && i < a->rw->edits[e].inserted_count; i++)
			a->bucket[anchor_slot(a, a->rw->edits[e].inserted[i].anchor) + 1]++;
	for (size_t j = 0; j <= a->n; j++)
		a->bucket[j + 1] += a->bucket[j];
	size_t *fill = a->bucket + a->n + 2; /* scratch: n + 1 cursors after the offsets */
	memcpy(fill, a->bucket, (a->n + 1) * sizeof(size_t));
	for (size_t e = 0; e < a->rw->edit_count; e++) {
		const migplan_edit *ed = &a->rw->edits[e];
		for (size_t i = 0; a->chosen[e] && i < ed->inserted_count; i++) {
			const migplan__rw_insert *in = &ed->inserted[i];
			size_t k = fill[anchor_slot(a, in->anchor)]++;
			a->ins[k] = in;
			a->ins_edit[k] = e;
			if (in->origin != MIGPLAN__RW_NEW && in->origin < a->n)
				a->copy[in->origin] = in;
		}
	}
}

static void emit_after(assembly *a, size_t slot);

static void emit_insert(assembly *a, size_t k)
{
	if (a->done[k])
		return;
	a->done[k] = 1;
	const migplan__rw_insert *in = a->ins[k];
	a->out[a->out_count++] = in->node;
	/* a moved operation takes what is anchored after it along */
	if (in->origin != MIGPLAN__RW_NEW && in->origin < a->n)
		emit_after(a, in->origin);
}

static void emit_after(assembly *a, size_t slot)
{
	for (size_t k = a->bucket[slot]; k < a->bucket[slot + 1]; k++)
		emit_insert(a, k);
}

static void assemble(assembly *a)
{
	for (size_t j = 0; j < a->n; j++) {
		if (a->owner[j] == SIZE_MAX)
			a->out[a->out_count++] = migplan_op_node(migplan_plan_op_at(a->plan, j));
		if (a->owner[j] == SIZE_MAX || !a->copy[j])
			emit_after(a, j);
	}
	emit_after(a, a->n);
}

/* An insertion left out was anchored after an operation that moves after it (two reorders
 * that contradict each other). */
static migplan_status check_complete(const assembly *a)
{
	for (size_t k = 0; k < a->ins_count; k++) {
		if (a->done[k])
			continue;
		size_t anchor = a->ins[k]->anchor;
		const char *first = a->rw->edits[a->ins_edit[k]].id;
		const char *second = anchor < a->n && a->owner[anchor] != SIZE_MAX
		                         ? a->rw->edits[a->owner[anchor]].id : first;
		return migplan__error(MIGPLAN_EINVAL, "edits '%s' and '%s' move operations after each "
		                      "other and cannot be applied together", first, second);
	}
	return MIGPLAN_OK;
}

/* The original root mapping with `operations` replaced. */
static migplan_node *edited_root(migplan__arena *arena, const migplan_plan *plan,
                                 const migplan_node *const *ops, size_t n)
{
	const migplan_node *root = migplan_plan_root(plan);
	migplan_node *seq = migplan__node_new_seq(arena, NULL, (migplan_node *const *)ops, n);
	size_t count = migplan_node_count(root);
	migplan__pair *pairs = migplan__arena_alloc(arena, (count + 1) * sizeof(*pairs));
	if (!seq || !pairs)
		return NULL;
	size_t k = 0;
	int replaced = 0;
	for (size_t i = 0; i < count; i++) {
		pairs[k] = (migplan__pair){migplan__key(root, i), migplan__val(root, i)};
		if (strcmp(migplan__node_str(pairs[k].key), "operations") == 0) {
			pairs[k].value = seq;
			replaced = 1;
		}
		k++;
	}
	if (!replaced) {
		pairs[k].key = migplan__node_new_string(arena, NULL, "operations", 10);
		pairs[k++].value = seq;
		if (!pairs[k - 1].key)
			return NULL;
	}
	return migplan__node_new_map(arena, NULL, pairs, k);
}

static migplan_parse_options limits_options(const migplan_plan *plan)
{
	migplan_parse_options o = MIGPLAN_PARSE_OPTIONS_INIT;
	o.max_bytes = plan->limits.max_bytes;
	o.max_depth = plan->limits.max_depth;
	o.max_aliases = plan->limits.max_aliases;
	o.max_ops = plan->limits.max_ops;
	o.max_string = plan->limits.max_string;
	o.max_nodes = plan->limits.max_nodes;
	return o;
}

/* Emits the edited tree and reads it back as a plan with the original's snapshots. */
static migplan_status reload(migplan_plan **out, const migplan_plan *plan,
                             const migplan_node *root)
{
	char *text = NULL;
	size_t len = 0;
	migplan_status st = migplan__yaml_emit_plan(root, &text, &len);
	if (st)
		return st;
	migplan_parse_options opts = limits_options(plan);
	migplan_plan *p = NULL;
	st = migplan_plan_load_buffer(&p, text, len, migplan_plan_path(plan), &opts);
	free(text);
	if (!st)
		st = migplan_plan_attach_snapshots(p, plan->remote, plan->local);
	if (st) {
		migplan_plan_free(p);
		return st;
	}
	*out = p;
	return MIGPLAN_OK;
}

static migplan_status assembly_alloc(assembly *a, const migplan__rewrite *rw)
{
	size_t total = 0;
	for (size_t e = 0; e < rw->edit_count; e++)
		if (a->chosen[e])
			total += rw->edits[e].inserted_count;
	a->ins_count = total;
	a->owner = malloc((a->n + 1) * sizeof(size_t));
	a->copy = calloc(a->n + 1, sizeof(*a->copy));
	a->ins = calloc(total + 1, sizeof(*a->ins));
	a->ins_edit = calloc(total + 1, sizeof(size_t));
	a->bucket = calloc(2 * a->n + 4, sizeof(size_t));
	a->done = calloc(total + 1, 1);
	a->out = calloc(a->n + total + 1, sizeof(*a->out));
	if (!a->owner || !a->copy || !a->ins || !a->ins_edit || !a->bucket || !a->done || !a->out)
		return migplan__error_oom();
	for (size_t j = 0; j <= a->n; j++)
		a->owner[j] = SIZE_MAX;
	return MIGPLAN_OK;
}

static void assembly_free(assembly *a)
{
	free(a->owner);
	free(a->copy);
	free(a->ins);
	free(a->ins_edit);
	free(a->bucket);
	free(a->done);
	free(a->out);
}

static migplan_status apply_chosen(migplan_plan **out, const migplan_plan *plan,
                                   const unsigned char *chosen)
{
	assembly a;
	memset(&a, 0, sizeof(a));
	a.plan = plan;
	a.rw = plan->rewrite;
	a.chosen = chosen;
	a.n = migplan_plan_op_count(plan);
	migplan_status st = assembly_alloc(&a, a.rw);
	if (!st)
		st = mark_removed(&a);
	if (!st) {
		bucket_inserts(&a);
		assemble(&a);
		st = check_complete(&a);
	}
	if (!st) {
		migplan__arena arena;
		migplan__arena_init(&arena);
		const migplan_node *root = edited_root(&arena, plan, a.out, a.out_count);
		st = root ? reload(out, plan, root) : migplan__error_oom();
		migplan__arena_release(&arena);
	}
	assembly_free(&a);
	return st;
}

migplan_status migplan_plan_apply_edits(migplan_plan **out, const migplan_plan *plan,
                                        const char *const *ids, size_t count)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_apply_edits: out is NULL");
	*out = NULL;
	if (!plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_apply_edits: plan is NULL");
	if (!ids && count)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_apply_edits: ids is NULL");
	const migplan__rewrite *rw = plan->rewrite;
	if (!rw)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_apply_edits: no edits were "
		                      "proposed (call migplan_plan_propose_edits first)");
	unsigned char *chosen = calloc(rw->edit_count + 1, 1);
	if (!chosen)
		return migplan__error_oom();
	migplan_status st = select_edits(rw, ids, count, chosen);
	if (!st)
		st = apply_chosen(out, plan, chosen);
	free(chosen);
	return st;
}

/* ---------------------------------------------------------------- writing */

migplan_status migplan_plan_to_yaml(const migplan_plan *plan, char **out)
{
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_to_yaml: out is NULL");
	*out = NULL;
	if (!plan || !migplan_plan_root(plan))
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_to_yaml: plan is NULL");
	/* migplan_free() is free(): the emitter's malloc'd text is handed over as is */
	return migplan__yaml_emit_plan(migplan_plan_root(plan), out, NULL);
}
