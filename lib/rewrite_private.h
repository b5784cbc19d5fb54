/* Internals of the rewrite module (include/migplan/rewrite.h): how a proposed edit is stored,
 * and the builders that turn one edit id into operations (lib/rewrite_rebuild.c,
 * lib/rewrite_rename.c, lib/rewrite_reorder.c).
 *
 * An edit removes operations of the original plan and inserts new ones. Each inserted
 * operation is anchored *after* an operation of the original plan (or at the end of the
 * plan), never at a numeric position: when another accepted edit moves that operation, the
 * anchored ones follow it, so the result does not depend on the order edits are applied in.
 * An anchor may be an operation the same edit removes; the inserted operations then take its
 * place. */
#ifndef MIGPLAN_REWRITE_PRIVATE_H
#define MIGPLAN_REWRITE_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "migplan/rewrite.h"

#include "arena.h"
#include "doc.h"
#include "model.h"
#include "rules.h"
#include "simulate.h"
#include "strbuf.h"

/* Anchor of an insertion at the end of the plan, and origin of an operation that is new. */
#define MIGPLAN__RW_END SIZE_MAX
#define MIGPLAN__RW_NEW SIZE_MAX

typedef struct migplan__rw_insert {
	migplan_node *node;     /* the one-key mapping (`RawSql: {...}`) */
	const char *yaml;       /* the node as Moose YAML (arena) */
	size_t anchor;          /* original operation it follows, or MIGPLAN__RW_END */
	size_t origin;          /* original operation it moves, or MIGPLAN__RW_NEW */
} migplan__rw_insert;

struct migplan_edit {
	const char *id;
	const char *rule;
	const char *description;
	size_t *removed;        /* ascending original indexes */
	size_t removed_count;
	migplan__rw_insert *inserted;
	size_t inserted_count;
};

/* What migplan_plan_propose_edits() keeps on the plan (plan->rewrite). */
typedef struct migplan__rewrite {
	migplan__arena arena;   /* ids, texts, arrays and every new node */
	const char **source_ids;/* every distinct edit id the findings named, in order (also those
	                         * that could not be built): the idempotency check compares them */
	size_t source_count;
	migplan_edit *edits;    /* the edits that were built */
	size_t edit_count;
} migplan__rewrite;

/* Frees plan->rewrite; lib/plan.c calls it through plan->rewrite_free. */
void migplan__rewrite_free(migplan_plan *plan);

/* ---------------------------------------------------------------- building one edit */

/* Growable array of size_t (malloc'd). */
typedef struct migplan__rw_idx {
	size_t *v;
	size_t count, cap;
} migplan__rw_idx;

/* Scans of RawSql statements per operation, made once per proposal (lib/rewrite_reorder.c):
 * every reorder edit asks every operation what it does to the objects it uses. */
typedef struct migplan__rw_scans migplan__rw_scans;
void migplan__rw_scans_free(migplan__rw_scans *s);

/* The plan's operations by table, made once per proposal (lib/rewrite.c): every edit looks
 * up the operations on its own table, and scanning the whole plan for each of thousands of
 * edits made proposing quadratic. */
typedef struct migplan__rw_index migplan__rw_index;
void migplan__rw_index_free(migplan__rw_index *ix);

/* Every temporary table name contains this (lib/rewrite_rebuild.c), so only the texts and
 * names that contain it can clash with one; the index keeps those. */
#define MIGPLAN__RW_SWAP_MARK "__migplan_swap"

typedef struct migplan__rw_build {
	const migplan_plan *plan;
	migplan__rw_scans **scans;  /* the proposal's cache, made on first use */
	migplan__rw_index **index;  /* the proposal's index, made on first use */
	migplan__arena *arena;      /* the rewrite's arena */
	const char *default_db;
	migplan__edit parsed;       /* the id, parsed */
	const char *id;
	migplan__rw_idx removed;
	migplan__rw_insert *ins;    /* malloc'd while building */
	size_t ins_count, ins_cap;
	migplan__sb desc;           /* the edit's description */
	migplan_status status;      /* first failure (ENOMEM); OK otherwise */
} migplan__rw_build;

/* Build the edit named by b->parsed. Returns 1 when an edit was built, 0 when the plan does
 * not allow one (e.g. the table is not in the remote snapshot), -1 on failure (b->status). */
int migplan__rw_build_rebuild(migplan__rw_build *b);
int migplan__rw_build_rename(migplan__rw_build *b);
int migplan__rw_build_reorder(migplan__rw_build *b);

/* Helpers shared by the builders (lib/rewrite.c). */
int migplan__rw_idx_push(migplan__rw_build *b, migplan__rw_idx *ix, size_t v);
/* Adds an inserted operation (kind name + body mapping) anchored after @p anchor. */
int migplan__rw_insert_op(migplan__rw_build *b, const char *kind, migplan_node *body,
                          size_t anchor, size_t origin);
/* Moves original operation @p op after @p anchor (removes it, inserts its node). */
int migplan__rw_move_op(migplan__rw_build *b, size_t op, size_t anchor);
/* Node builders over the rewrite's arena; each returns NULL after a failure (b->status).
 * A NULL string gives a null node. */
migplan_node *migplan__rw_str(migplan__rw_build *b, const char *s);
/* A mapping of up to 8 pairs (the emitter sorts keys, so order does not matter). */
migplan_node *migplan__rw_map(migplan__rw_build *b, const char *const *keys,
                              migplan_node *const *values, size_t n);
/* A copy of mapping @p map with @p key set to @p value (added when missing). */
migplan_node *migplan__rw_map_with(migplan__rw_build *b, const migplan_node *map,
                                   const char *key, migplan_node *value);
migplan_node *migplan__rw_seq_of_strings(migplan__rw_build *b, char *const *items, size_t n);
/* Inserts `RawSql: {description, sql}` (exactly those two fields) after @p anchor. */
int migplan__rw_raw_sql(migplan__rw_build *b, const char *description, char *const *sql,
                        size_t n, size_t anchor);
/* 1 when the two databases are the same once NULL means the default database. */
int migplan__rw_same_db(const migplan__rw_build *b, const char *x, const char *y);
/* The database @p db resolves to. */
const char *migplan__rw_db(const migplan__rw_build *b, const char *db);

/* From the proposal's index (NULL when there is none, or out of memory: b->status):
 * ascending indexes of the operations whose table is db.table (db as written, NULL for the
 * default database), */
const migplan__list *migplan__rw_ops_on(migplan__rw_build *b, const char *db, const char *table);
/* ... of the CreateTable operations whose table is in db and has source_primitive @p source, */
const migplan__list *migplan__rw_creates_of(migplan__rw_build *b, const char *db,
                                            const char *source);
/* ... of the remote snapshot's materialized views, then views, that read db.table (the
 * views themselves, const migplan_view *), */
const migplan__list *migplan__rw_readers_of(migplan__rw_build *b, const char *db,
                                            const char *table);
/* ... and the operations' table and target names, the snapshots' view names and the
 * operations' SQL texts (SELECTs, RawSql) that contain MIGPLAN__RW_SWAP_MARK (NULL-terminated
 * arrays). */
const char *const *migplan__rw_marked_names(migplan__rw_build *b);
const char *const *migplan__rw_marked_texts(migplan__rw_build *b);

#endif
