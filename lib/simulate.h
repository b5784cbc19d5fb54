/* The schema simulation of the analysis: an in-memory schema built from remote_state.json that
 * the operations are applied to one by one, so every check can ask "what exists at this step".
 *
 * Objects are identified as FORMAT.md says: by (database ?? default database, name), never by
 * map keys. Tables, views and the views of each table are in hash maps, so one step costs the
 * same whatever the size of the schema. Remote tables are entered up front (their columns only
 * when an operation first touches the table), so a 20,000-table snapshot costs one pass.
 *
 * Dropped objects stay in the maps as tombstones with the index of the operation that dropped
 * them: "read after drop" and "modify after drop" need to know. */
#ifndef MIGPLAN_SIMULATE_H
#define MIGPLAN_SIMULATE_H

#include <stddef.h>

#include "migplan/plan.h"
#include "migplan/snapshot.h"

#include "arena.h"
#include "sqlscan.h"

/* ---------------------------------------------------------------- containers */

/* A hash map keyed by up to three strings (NULL parts allowed). Keys are borrowed: they must
 * outlive the map (document strings, or strings in the simulation's arena). */
typedef struct migplan__map_slot migplan__map_slot;
typedef struct migplan__map {
	migplan__map_slot *slots;
	size_t cap;   /* power of two, or 0 */
	size_t count;
} migplan__map;

void migplan__map_init(migplan__map *m);
void migplan__map_free(migplan__map *m);
void *migplan__map_get(const migplan__map *m, const char *a, const char *b, const char *c);
/* Inserts or replaces. Returns 0 on out-of-memory. */
int migplan__map_put(migplan__map *m, const char *a, const char *b, const char *c, void *value);
/* Visit every value (in no particular order). */
void migplan__map_each(const migplan__map *m, void (*fn)(void *value, void *ctx), void *ctx);

/* A growable list in an arena (a doubled list leaves its old buffer in the arena: at most as
 * much again as the final size). */
typedef struct migplan__list {
	void **items;
	size_t count, cap;
} migplan__list;

int migplan__list_push(migplan__arena *a, migplan__list *l, void *item);

/* Operation indexes in increasing order (stored as pointer-sized integers). */
int migplan__oplist_push(migplan__arena *a, migplan__list *l, size_t op);
size_t migplan__oplist_at(const migplan__list *l, size_t i);
/* The first index greater than @p op, or -1. */
long migplan__oplist_next(const migplan__list *l, size_t op);
/* The last index smaller than @p op, or -1. */
long migplan__oplist_prev(const migplan__list *l, size_t op);

/* ---------------------------------------------------------------- the schema */

typedef struct migplan__simcol {
	const char *name;
	const migplan_column *def;     /* NULL: known by name only (added by SQL) */
	const migplan_node *origin;    /* where its current definition is */
	long added_at;                 /* op index; -1: before the plan */
	long dropped_at;               /* op index of the last drop or rename away; -1: never */
	int alive;
} migplan__simcol;

/* A skip index or a projection. */
typedef struct migplan__simpart {
	const char *name;
	const char *expression;        /* index expression or projection body */
	const migplan_index *index;    /* the index definition, when known */
	const migplan_node *origin;
	long dropped_at;
	int alive;
} migplan__simpart;

/* Where a column is used by a table's keys (bits). */
enum {
	MIGPLAN__KEY_ORDER_BY = 1,
	MIGPLAN__KEY_PRIMARY_KEY = 2,
	MIGPLAN__KEY_PARTITION_BY = 4,
	MIGPLAN__KEY_SAMPLE_BY = 8,
	MIGPLAN__KEY_TTL = 16,
	MIGPLAN__KEY_INDEX = 32,
	MIGPLAN__KEY_PROJECTION = 64
};
/* The keys ClickHouse refuses type changes, renames and drops on outright. */
#define MIGPLAN__KEY_SORTING (MIGPLAN__KEY_ORDER_BY | MIGPLAN__KEY_PRIMARY_KEY | \
                              MIGPLAN__KEY_PARTITION_BY | MIGPLAN__KEY_SAMPLE_BY)

typedef struct migplan__keyuse {
	const char *ident;
	unsigned uses;                 /* MIGPLAN__KEY_* */
	const char *object;            /* the index or projection, for those bits */
} migplan__keyuse;

typedef struct migplan__simtable {
	const char *database;          /* resolved */
	const char *name;
	const migplan_table *def;      /* remote table or CreateTable's table; NULL: made by SQL */
	const migplan_node *origin;
	int from_remote;
	int assumed;                   /* not in any snapshot: assumed to exist (no remote_state.json) */
	long created_at;               /* op index of the last creation; -1: before the plan */
	long dropped_at;               /* op index of the last drop; -1: never */
	long copied_at;                /* op index of an INSERT ... SELECT that copied these rows into
	                                * another table; -1: never (follows the rows through EXCHANGE) */
	int alive;
	int columns_known;             /* 0: columns unknown (SQL `CREATE TABLE ... AS SELECT`, assumed) */
	const char *source_name;       /* source_primitive.name */
	migplan_life_cycle life_cycle;
	const char *engine;
	const char *order_by;
	const char *primary_key;       /* primary_key_expression, NULL: the primary_key flags */
	const char *partition_by;
	const char *sample_by;
	const char *ttl;
	/* columns, loaded on first use */
	int cols_loaded;
	migplan__simcol **cols;
	size_t col_count, col_cap;
	migplan__map col_map;
	/* skip indexes and projections, loaded with the columns */
	migplan__simpart *indexes;
	size_t index_count, index_cap;
	migplan__simpart *projections;
	size_t projection_count, projection_cap;
	/* identifiers of the key expressions, rebuilt when a key changes */
	int keys_valid;
	migplan__keyuse *keys;
	size_t key_count, key_cap;
} migplan__simtable;

typedef struct migplan__simview {
	const char *database;          /* resolved */
	const char *name;
	migplan_view_kind kind;
	const migplan_view *def;       /* remote view, or NULL when created by the plan */
	const migplan_node *origin;
	const char *select_sql;
	int from_remote;
	long created_at;
	long dropped_at;
	int alive;
	migplan_life_cycle life_cycle;
	migplan__sqlname *sources;     /* databases resolved */
	size_t source_count;
	const char *target_database;   /* resolved; NULL for plain views */
	const char *target_table;
	migplan__sqlinfo *sql;         /* the SELECT, scanned on first use */
} migplan__simview;

typedef struct migplan__sim {
	migplan__arena arena;
	const char *default_db;
	const migplan_snapshot *remote;
	migplan__map tables;           /* (db, name) -> simtable */
	migplan__list table_list;      /* every simtable, remote ones first, then in creation order */
	migplan__map views;            /* (db, name) -> simview */
	migplan__list view_list;
	migplan__map views_by_table;   /* (db, table) -> list of simview reading or writing it */
	int failed;                    /* out of memory: the caller reports ENOMEM */
} migplan__sim;

/* Build the schema of @p remote (NULL: empty). The default database resolves `database: null`. */
migplan_status migplan__sim_init(migplan__sim *s, const migplan_snapshot *remote,
                                 const char *default_db);
void migplan__sim_free(migplan__sim *s);

/* db ?? the default database. */
const char *migplan__sim_db(const migplan__sim *s, const char *db);

/* The table (alive or a tombstone), or NULL when it never existed. */
migplan__simtable *migplan__sim_table(migplan__sim *s, const char *db, const char *name);
/* Enter a table that is assumed to exist (no remote snapshot); its columns are unknown. */
migplan__simtable *migplan__sim_table_assume(migplan__sim *s, const char *db, const char *name);
/* Create (or re-create) a table. @p def NULL (made by SQL): no columns and columns_known 0;
 * the caller may add the columns it knows by name and set columns_known. */
migplan__simtable *migplan__sim_table_create(migplan__sim *s, const char *db, const char *name,
                                             const migplan_table *def, const migplan_node *origin,
                                             long op);
void migplan__sim_table_drop(migplan__sim *s, migplan__simtable *t, long op);
/* Move a table to another name (RENAME TABLE); the old name becomes a tombstone. */
migplan__simtable *migplan__sim_table_rename(migplan__sim *s, migplan__simtable *t,
                                             const char *db, const char *name, long op);
/* Swap two tables' contents (EXCHANGE TABLES). */
void migplan__sim_table_exchange(migplan__sim *s, migplan__simtable *a, migplan__simtable *b);

/* The column (alive or a tombstone), or NULL when the table never had it. */
migplan__simcol *migplan__sim_column(migplan__sim *s, migplan__simtable *t, const char *name);
migplan__simcol *migplan__sim_column_add(migplan__sim *s, migplan__simtable *t, const char *name,
                                         const migplan_column *def, const migplan_node *origin,
                                         long op);
void migplan__sim_column_drop(migplan__simtable *t, migplan__simcol *c, long op);
/* Number of alive columns (loads them). */
size_t migplan__sim_column_count(migplan__sim *s, migplan__simtable *t);

/* Indexes and projections (alive or tombstones), NULL when unknown. */
migplan__simpart *migplan__sim_index(migplan__sim *s, migplan__simtable *t, const char *name);
migplan__simpart *migplan__sim_index_add(migplan__sim *s, migplan__simtable *t, const char *name,
                                         const char *expression, const migplan_index *def,
                                         const migplan_node *origin);
migplan__simpart *migplan__sim_projection(migplan__sim *s, migplan__simtable *t, const char *name);
migplan__simpart *migplan__sim_projection_add(migplan__sim *s, migplan__simtable *t,
                                              const char *name, const char *body,
                                              const migplan_node *origin);
/* Call after changing order_by, partition_by, sample_by, ttl, indexes or projections. */
void migplan__sim_keys_changed(migplan__simtable *t);
/* Where @p column is used by the table's keys, TTL, skip indexes and projections (MIGPLAN__KEY_*
 * bits); *object names the first index or projection that uses it. */
unsigned migplan__sim_key_uses(migplan__sim *s, migplan__simtable *t, const char *column,
                               const char **object);

/* Views. */
migplan__simview *migplan__sim_view(migplan__sim *s, const char *db, const char *name);
/* Create a view from a plan operation (sources are scanned from the SELECT). */
migplan__simview *migplan__sim_view_create(migplan__sim *s, migplan_view_kind kind, const char *db,
                                           const char *name, const char *select_sql,
                                           const char *target_db, const char *target_table,
                                           const migplan_node *origin, long op);
void migplan__sim_view_drop(migplan__simview *v, long op);
/* The views that read or write the table (db, name), alive or not; NULL when none. A versioned
 * table is also found under its source_primitive name, as the Moose libraries write that. */
const migplan__list *migplan__sim_views_of(migplan__sim *s, const char *db, const char *name);
/* The view's SELECT, scanned (NULL on out-of-memory or when there is no SELECT). */
const migplan__sqlinfo *migplan__sim_view_sql(migplan__sim *s, migplan__simview *v);
/* 1 when the view reads or writes the table. */
int migplan__sim_view_touches(const migplan__simview *v, const migplan__simtable *t);
/* 1 when the view writes the table (its target). */
int migplan__sim_view_writes(const migplan__simview *v, const migplan__simtable *t);

#endif
