/* Private layout of plans, operations, snapshots, tables, columns, indexes and views.
 *
 * Every typed element points back at its document node (positions) and borrows its strings
 * from the document arena. Element arrays (operations, tables, columns, ...) are allocated in
 * the arena of the document they were read from, sized from node counts up front, so a plan
 * or snapshot is freed with one arena release plus its type cache and hash. The only
 * per-element heap objects are ClickHouse type trees, and those are shared through a cache
 * keyed by the Moose type text (thousands of `String` columns map to one tree). */
#ifndef MIGPLAN_MODEL_H
#define MIGPLAN_MODEL_H

#include "migplan/plan.h"
#include "migplan/snapshot.h"

#include "doc.h"

/* ClickHouse types of simple columns, shared by all columns of one plan or snapshot. */
typedef struct migplan__typecache migplan__typecache;

/* What the element builders need: where to allocate and where to share type trees. */
typedef struct migplan__build {
	migplan__arena *arena;       /* the arena of the document being read */
	migplan__typecache *types;   /* NULL: each column owns its own type tree */
} migplan__build;

/* The parts of a column that most columns leave unset, allocated only when one is set: a
 * large snapshot has tens of thousands of columns (issue 10's memory budget). */
typedef struct migplan__column_extra {
	const char *default_expr;        /* NULL when null/absent */
	const char *materialized;
	const char *alias;
	const char *codec;
	const char *comment;
	const char *ttl;
} migplan__column_extra;

struct migplan_column {
	const migplan_node *node;
	const migplan_node *data_type;   /* Moose ColumnType node */
	const migplan_node *annotations; /* may be NULL */
	const char *name;
	const migplan__column_extra *extra; /* NULL when none of its fields is set */
	const migplan_chtype *chtype;    /* NULL when Moose has no ClickHouse mapping */
	const char *chtype_text;         /* the rendering of chtype (shared by the type cache) */
	const char *moose_chtype_text;   /* what Moose's DDL says (may differ, FORMAT 3) */
	migplan__doc *own_doc;           /* set only for columns made by migplan_column_parse() */
	uint8_t nullable;                /* required == false or top-level {nullable: T} */
	uint8_t primary_key;
	uint8_t low_cardinality;
	uint8_t owns_chtype;             /* 1: chtype is this column's (migplan_column_parse) */
};

struct migplan_index {
	const migplan_node *node;
	const char *name;
	const char *expression;
	const char *type;
	const char **arguments;          /* arena array of borrowed strings */
	size_t argument_count;
	uint64_t granularity;
};

typedef struct migplan__projection {
	const migplan_node *node;
	const char *name;
	const char *body;
} migplan__projection;

struct migplan_table {
	const migplan_node *node;
	const char *name;
	const char *database;            /* as written, NULL = default */
	const char *cluster_name;
	const char *source_name;         /* source_primitive.name */
	const char *version;
	migplan_life_cycle life_cycle;
	const char *engine;              /* variant name */
	const migplan_node *engine_node;
	const char **order_by;           /* list form (arena array) */
	size_t order_by_count;
	const char *order_by_expression; /* string form, or the list rendered (arena) */
	const char *partition_by;
	const char *primary_key_expression;
	const char *sample_by;
	const char *ttl;
	const migplan_node *settings;
	migplan_column *columns;
	size_t column_count;
	migplan_index *indexes;
	size_t index_count;
	migplan__projection *projections;
	size_t projection_count;
};

typedef struct migplan__source {
	const migplan_node *node;
	const char *database;            /* NULL when unqualified */
	const char *table;
} migplan__source;

struct migplan_view {
	const migplan_node *node;
	migplan_view_kind kind;
	const char *name;
	const char *database;
	const char *select_sql;
	migplan_life_cycle life_cycle;
	migplan__source *sources;
	size_t source_count;
	const char *target_table;        /* MVs */
	const char *target_database;
};

struct migplan_snapshot {
	migplan__doc *doc;
	migplan__typecache *types;
	const char *default_database;
	const char *moose_version;
	migplan_table *tables;
	size_t table_count;
	migplan_view *mvs;
	size_t mv_count;
	migplan_view *views;
	size_t view_count;
	/* open-addressing hash of (resolved database, name) -> table index + 1, for O(1) find;
	 * table_slot_count is a power of two */
	uint32_t *table_slots;
	size_t table_slot_count;
};

struct migplan_op {
	migplan_plan *plan;              /* owner: classification and analysis read its snapshots */
	const migplan_node *node;        /* the one-key mapping item */
	const migplan_node *body;        /* the variant's fields */
	migplan_op_kind kind;
	size_t index;
	const char *table_name;
	const char *database;
	const char *cluster_name;
	migplan_table *table;            /* CreateTable (arena, one element) */
	migplan_column *column;          /* AddTableColumn column / ModifyTableColumn after_column */
	migplan_column *before_column;   /* ModifyTableColumn */
	const char *column_name;
	const char *new_column_name;
	const char *position_after;
	migplan_index *index_def;        /* AddTableIndex (arena, one element) */
	const char *object_name;
	const char *projection_body;
	const char *expression;
	const char *before_expression;
	const char *select_sql;
	const char *target_table;
	const char *target_database;
	const char **sql;                /* RawSql statements (arena array) */
	size_t sql_count;
	const char *description;
	struct migplan__op_class *cls;   /* classification (lib/classify.c), NULL until classified */
};

struct migplan_plan {
	migplan__doc *doc;
	migplan__typecache *types;
	const char *created_at;
	migplan_op *ops;                 /* arena array */
	size_t op_count;
	const migplan_snapshot *remote;
	const migplan_snapshot *local;
	migplan_snapshot *owned_remote;  /* freed with the plan */
	migplan_snapshot *owned_local;
	migplan__limits limits;
	/* later stages (classification, analysis, ...) hang their results here, with the function
	 * that frees them: migplan_plan_free() and migplan_plan_attach_snapshots() (which makes
	 * them stale) call it, so the model does not depend on the stages */
	void *classification;
	void (*classification_free)(migplan_plan *plan);
	void *analysis;
	void (*analysis_free)(migplan_plan *plan);
	void *rewrite;                   /* proposed edits (lib/rewrite.c) */
	void (*rewrite_free)(migplan_plan *plan);
};

/* Model builders (lib/model_plan.c, lib/model_snapshot.c). They validate the document against
 * the Moose format and fail with ESCHEMA at the offending node. On failure the partly built
 * element needs no cleanup beyond freeing its arena and type cache. */
migplan_status migplan__plan_build(migplan_plan *plan, const migplan__limits *lim);
migplan_status migplan__snapshot_build(migplan_snapshot *snap);
migplan_status migplan__table_build(const migplan__build *b, migplan_table *t,
                                    const migplan_node *node);
migplan_status migplan__column_build(const migplan__build *b, migplan_column *c,
                                     const migplan_node *node);
migplan_status migplan__index_build(const migplan__build *b, migplan_index *ix,
                                   const migplan_node *node);
/* Frees what a column owns outside the arena (its type tree, when it owns one). */
void migplan__column_clear(migplan_column *c);

/* The type cache: NULL on out-of-memory; free accepts NULL. */
migplan__typecache *migplan__typecache_new(void);
void migplan__typecache_free(migplan__typecache *tc);

/* ESCHEMA at the document's first string holding a NUL byte, if any (see migplan__doc). */
migplan_status migplan__doc_refuse_nul(const migplan__doc *doc);
/* Wrong-kind and missing-field errors, shared by the builders. */
migplan_status migplan__schema_missing(const migplan_node *where, const char *what,
                                       const char *key);
migplan_status migplan__schema_kind(const migplan_node *value, const char *what,
                                    const char *key, const char *expected);
/* Field readers: absent or null leaves *out NULL (an error when required). */
migplan_status migplan__field_str(const migplan_node *map, const char *what, const char *key,
                                  int required, const char **out);
migplan_status migplan__field_bool(const migplan_node *map, const char *what, const char *key,
                                   int required, int dflt, int *out);
/* A sequence of strings into an arena array. */
migplan_status migplan__field_strings(migplan__arena *arena, const migplan_node *map,
                                      const char *what, const char *key, int required,
                                      const char ***out, size_t *count);
/* A mapping whose values are all strings (table settings); *out is the node or NULL. */
migplan_status migplan__field_settings(const migplan_node *map, const char *what,
                                       const char *key, const migplan_node **out);

#endif
