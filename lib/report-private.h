/* The result model behind every report (include/migplan/report.h), and the helpers the
 * renderers share.
 *
 * The model is built once per report handle (lib/report_model.c) from the classification, the
 * findings, the proposed edits and the DDL of each operation. It holds one rollout: an ordered
 * list of steps in phases (preflight, expand, backfill, validate, cutover, stabilise, contract),
 * the breaking changes the steps belong to, the tables involved, and every SQL statement the
 * reports show, each with its stage (when and on which state of the database it runs) and
 * whether it is read-only. Renderers (lib/report_<kind>.c) only read the model, so Markdown and
 * JSON say the same thing, and the engine test (tests/chdb/report_sql.c) can run every
 * statement in the order the model gives. */
#ifndef MIGPLAN_REPORT_PRIVATE_H
#define MIGPLAN_REPORT_PRIVATE_H

#include <json-c/json.h>

#include "migplan/analyze.h"
#include "migplan/classify.h"
#include "migplan/report.h"

#include "arena.h"
#include "strbuf.h"

/* ---------------------------------------------------------------- vectors */

/* A growable array of pointers in the model's arena. */
typedef struct migplan__rvec {
	void **items;
	size_t count, cap;
} migplan__rvec;

/* ---------------------------------------------------------------- statements */

typedef enum migplan__rstage {
	MIGPLAN__RS_BEFORE = 1, /* read-only audit on the database before the migration */
	MIGPLAN__RS_PREPARE,    /* read-only, right before its step: the batches to run */
	MIGPLAN__RS_STEP,       /* changes the database; runs in step order */
	MIGPLAN__RS_CHECK,      /* read-only, right after its step */
	MIGPLAN__RS_PROGRESS,   /* read-only, while its step runs (valid once it started) */
	MIGPLAN__RS_MONITOR,    /* read-only, system tables only: valid at any time */
	MIGPLAN__RS_AFTER,      /* read-only, after the last step */
	MIGPLAN__RS_ROLLBACK,   /* undoes its step; steps are undone in reverse order */
	MIGPLAN__RS_REFUSED     /* what Moose would run and ClickHouse refuses (a blocker) */
} migplan__rstage;

typedef struct migplan__rstep migplan__rstep;

typedef struct migplan__rsql {
	const char *id;                 /* "B1", "S3.1", "C3.1", "R3.1", "A1", "M1", "P4.1" */
	migplan__rstage stage;
	int read_only;                  /* checked by migplan__sql_read_only() when set */
	const char *purpose;            /* one line: what it measures or does */
	const char *sql;
	const char *expect;             /* expected result, in words; NULL when there is none */
	const char *expect_tsv;         /* the exact result (TSVRaw: tabs, no escapes) when known */
	const struct migplan__rsql *baseline; /* AFTER/CHECK: must return what this BEFORE query did */
	const char *params[3];          /* query parameters ({lo:T} ...), NULL-terminated */
	const struct migplan__rsql *params_from; /* the PREPARE query whose rows fill them */
	migplan__rstep *step;           /* owning step, NULL for BEFORE/MONITOR/AFTER */
	int sample;                     /* a sampled row comparison (the phased plan lists them) */
} migplan__rsql;

/* ---------------------------------------------------------------- steps */

typedef enum migplan__phase {
	MIGPLAN__PH_PREFLIGHT = 0,
	MIGPLAN__PH_EXPAND,
	MIGPLAN__PH_BACKFILL,
	MIGPLAN__PH_VALIDATE,
	MIGPLAN__PH_CUTOVER,
	MIGPLAN__PH_STABILISE,
	MIGPLAN__PH_CONTRACT,
	MIGPLAN__PH_COUNT
} migplan__phase;

typedef enum migplan__actor {
	MIGPLAN__ACT_MOOSE = 1,  /* operations of a plan, applied by `moose migrate` */
	MIGPLAN__ACT_OPERATOR,   /* SQL run by a person (clickhouse-client) */
	MIGPLAN__ACT_APP,        /* an application release */
	MIGPLAN__ACT_WAIT        /* observe; nothing runs */
} migplan__actor;

typedef enum migplan__rollback {
	MIGPLAN__RB_YES = 1,     /* schema and every value come back */
	MIGPLAN__RB_PARTIAL,     /* the schema comes back, some values or rows do not */
	MIGPLAN__RB_NO           /* nothing brings the data back */
} migplan__rollback;

typedef enum migplan__batch_by {
	MIGPLAN__BATCH_SINGLE = 0,
	MIGPLAN__BATCH_PARTITION,
	MIGPLAN__BATCH_RANGE
} migplan__batch_by;

typedef struct migplan__batching {
	migplan__batch_by by;
	const char *column;             /* RANGE: the first ORDER BY column */
	const char *column_type;        /* its ClickHouse type (parameter type) */
	uint64_t batch_rows;            /* RANGE: target rows per batch */
	const char *partition_by;       /* PARTITION: the table's expression */
} migplan__batching;

struct migplan__rstep {
	size_t number;                  /* 1-based, in rollout order */
	migplan__phase phase;
	migplan__actor actor;
	const char *title;
	const char *detail;             /* why, and what to watch */
	size_t *ops;                    /* plan operations it runs (MOOSE) or replaces */
	size_t op_count;
	migplan__rvec prepare;          /* PREPARE statements */
	migplan__rvec sql;              /* STEP (and REFUSED) statements */
	migplan__rvec checks;           /* CHECK statements */
	migplan__rvec progress;         /* PROGRESS statements */
	const migplan__rsql *gate;      /* a CHECK of an earlier step that must give its expect_tsv */
	migplan__rollback rollback;
	const char *rollback_why;
	migplan__rvec rollback_sql;     /* ROLLBACK statements, in the order to run them */
	const migplan__batching *batching;
	double est_seconds;             /* < 0: unknown */
	const char *est_basis;          /* how the estimate was made, or why it is unknown */
	int point_of_no_return;         /* from here on a rollback loses data */
	long change;                    /* index into model->changes, -1 when none */
};

/* ---------------------------------------------------------------- tables */

enum {
	MIGPLAN__T_CREATED = 1u << 0,   /* the plan creates it */
	MIGPLAN__T_DROPPED = 1u << 1,   /* the plan drops it */
	MIGPLAN__T_ALTERED = 1u << 2,   /* columns, indexes, settings, TTL change */
	MIGPLAN__T_REBUILT = 1u << 3,   /* its rows move to a new definition */
	MIGPLAN__T_BACKFILLED = 1u << 4,/* rows are written into it by a backfill */
	MIGPLAN__T_VIEW_SOURCE = 1u << 5/* views read it */
};

typedef struct migplan__rtable {
	const char *database;           /* resolved */
	const char *name;
	const migplan_table *before;    /* remote_state.json, NULL when new or unknown */
	const migplan_table *after;     /* local_infra_map.json or the plan's CreateTable */
	unsigned roles;
	int have_stats;
	uint64_t rows, bytes;
	migplan__rvec views;            /* const char * "db.view" names of views reading it */
	const migplan__rsql *count_q;   /* baseline count and checksum (BEFORE) */
	const char *sum_before;         /* values the checksum covers, read from the old table */
	const char *sum_after;          /* the same values read from the table after the rollout */
	const char *sum_names;          /* their column names, for people */
	const char *final_name;         /* where the rows are after the rollout; NULL when dropped */
} migplan__rtable;

/* ---------------------------------------------------------------- breaking changes */

typedef enum migplan__change_kind {
	MIGPLAN__CH_RENAME_COLUMN = 1,
	MIGPLAN__CH_TYPE_CHANGE,        /* destructive ModifyTableColumn */
	MIGPLAN__CH_DROP_COLUMN,
	MIGPLAN__CH_REBUILD,            /* same name: drop + create, or a key column's type */
	MIGPLAN__CH_VERSION_BUMP,       /* rows move to a new physical table */
	MIGPLAN__CH_DROP_TABLE,
	MIGPLAN__CH_DROP_VIEW           /* view or materialized view */
} migplan__change_kind;

typedef struct migplan__rchange {
	migplan__change_kind kind;
	const char *database;
	const char *table;              /* the table (or view) acted on */
	const char *column;
	const char *new_name;           /* rename: the new column; version bump: the new table;
	                                   rebuild: the temporary table */
	const migplan_table *before;    /* remote definition */
	const migplan_table *after;     /* new definition (rebuilds, version bumps) */
	const migplan_op *op;           /* the operation that makes the change */
	const migplan_type_change *tc;  /* type changes */
	const char *title;              /* "Column `count` of `local`.`metrics`: Int64 -> Int32" */
	const char *why;                /* what breaks if it is applied at once */
	const char *justification;      /* allow-list reason, or NULL */
	migplan__rvec steps;            /* migplan__rstep * in rollout order */
	const migplan__rsql *loss_q;    /* BEFORE: the rows lost or altered */
	const migplan__rsql *stop_q;    /* BEFORE: rows a rebuild's casts refuse (the copy's gate) */
} migplan__rchange;

/* ---------------------------------------------------------------- everything else */

typedef enum migplan__bf_kind {
	MIGPLAN__BF_COPY = 1,           /* rows into a rebuilt or new-version table */
	MIGPLAN__BF_COLUMN,             /* a shadow column, converted */
	MIGPLAN__BF_PLAN_SQL,           /* a RawSql backfill of the plan */
	MIGPLAN__BF_MV_POPULATE         /* a new materialized view nothing populates */
} migplan__bf_kind;

typedef struct migplan__rbackfill {
	migplan__bf_kind kind;
	const char *database;
	const char *source;             /* table read */
	const char *target;             /* table written */
	const char *column;             /* COLUMN: the shadow column */
	const char *what;               /* one sentence */
	long op;                        /* the plan operation (RawSql, CreateMaterializedView), -1 */
	migplan__rstep *step;           /* the step that runs it, NULL when not part of the rollout */
	const char *sql;                /* the statement (a template when batched) */
	const migplan__batching *batching;
} migplan__rbackfill;

/* Where the rollout puts an operation of the plan. */
typedef enum migplan__op_disp {
	MIGPLAN__OP_EXPAND = 0,         /* shipped in the first plan (Moose runs it) */
	MIGPLAN__OP_CONTRACT,           /* shipped in a later plan, after stabilisation */
	MIGPLAN__OP_REPLACED            /* replaced by operator steps (remove it from plan.yaml) */
} migplan__op_disp;

typedef struct migplan__rop {     /* one operation of the plan, as the reports show it */
	const migplan_op *op;
	migplan__op_disp disp;
	long change;                    /* the breaking change it belongs to, -1 */
	const char *object;             /* "`local`.`events`.`country`" */
	const char *lost;               /* what is lost, "nothing" */
	const char *justification;      /* allow reason, or NULL ("no justification given") */
	int destructive;
	int blocked;                    /* a blocker finding points at it */
	int refused;                    /* ClickHouse refuses what Moose sends for it */
	migplan__rstep *step;           /* where the rollout runs or replaces it */
} migplan__rop;

typedef struct migplan__rnote {   /* blockers, unknowns, risks, clean-up, questions */
	const char *text;
	const char *detail;             /* the help, an SQL statement, ... or NULL */
	const char *ref;                /* rule id, edit id, step number; or NULL */
	long op;                        /* -1 when not about one operation */
} migplan__rnote;

typedef struct migplan__rmetric { /* a runbook metric: progress or safety */
	const char *name;               /* snake_case id, e.g. "failed_mutations" */
	const char *title;
	const migplan__rsql *q;         /* its query (MONITOR or PROGRESS); the first column is it */
	const char *unit;
	const char *pause;              /* condition on the value that pauses, e.g. "> 0" */
	const char *rollback;           /* condition that rolls back, or NULL */
	const char *source;             /* where the threshold comes from */
	int progress;                   /* 1: progress metric, 0: safety metric */
} migplan__rmetric;

typedef struct migplan__rgate {   /* proceed / pause / roll back conditions of one phase */
	migplan__phase phase;
	const char *proceed;
	const char *pause;
	const char *rollback;
} migplan__rgate;

typedef struct migplan__rmodel {
	migplan__arena arena;
	migplan_plan *plan;
	const char *default_db;
	const char *target_id;          /* NULL: unknown */
	migplan_change_type change_type;
	migplan__rop *ops;
	size_t op_count;
	migplan__rvec tables;           /* migplan__rtable * */
	migplan__rvec changes;          /* migplan__rchange * */
	migplan__rvec steps;            /* migplan__rstep *, rollout order */
	migplan__rvec sql;              /* every migplan__rsql *, in creation order */
	migplan__rvec before;           /* BEFORE statements in order */
	migplan__rvec after;            /* AFTER statements */
	migplan__rvec monitor;          /* MONITOR statements */
	migplan__rvec backfills;        /* migplan__rbackfill * */
	migplan__rvec blockers;         /* migplan__rnote * */
	migplan__rvec unknowns;
	migplan__rvec risks;
	migplan__rvec cleanup;          /* detail: the SQL to run after stabilisation */
	migplan__rvec edits_applied;    /* ref: edit id, text: where */
	migplan__rvec edits_proposed;   /* ref: edit id, text: description */
	migplan__rvec invariants;       /* data invariants that must hold */
	migplan__rvec views_flagged;    /* views and MVs that read what changes */
	migplan__rvec questions;        /* open questions for the pull request */
	migplan__rvec metrics;          /* migplan__rmetric * */
	migplan__rvec gates;            /* migplan__rgate *, one per phase present */
	migplan__rvec missing;          /* missing instrumentation */
	migplan__rvec owned_tc;         /* migplan_type_change * the model judged and frees */
	migplan_status status;          /* first failure while building (ENOMEM, ERROR) */
	migplan__rollback rollback;     /* of the whole rollout, up to the contract */
	const char *rollback_why;
	const char *migration_type;     /* schema-only, backfill, table rebuild, cutover */
	const char *blast_radius;
	const char *rollback_complexity;
	int go;                         /* 1: no blocker */
	int ordered;                    /* 1: the expand step does not keep plan.yaml's order */
	int have_all_stats;
} migplan__rmodel;

/* The handle (include/migplan/report.h). */
typedef struct migplan__rstats {
	char *database;                 /* NULL: the default database */
	char *table;
	uint64_t rows, bytes;
} migplan__rstats;

struct migplan_report {
	migplan_plan *plan;
	migplan__rstats *stats;
	size_t stat_count, stat_cap;
	migplan__rmodel *model;         /* built on first render; dropped when the stats change */
};

/* ---------------------------------------------------------------- model (report_model.c) */

migplan_status migplan__rmodel_build(migplan__rmodel **out, migplan_report *report);
void migplan__rmodel_free(migplan__rmodel *m);

/* Builders shared by report_model.c, report_steps.c and report_audit.c. Every builder records
 * out-of-memory in m->status and returns NULL; callers check m->status once at the end. */
migplan__rsql *migplan__rsql_new(migplan__rmodel *m, migplan__rstage stage, const char *purpose,
                                 const char *sql);
migplan__rstep *migplan__rstep_new(migplan__rmodel *m, migplan__phase phase, migplan__actor actor,
                                   long change, const char *title);
/* Adds @p q to one of @p s's lists (prepare, sql, checks, progress, rollback_sql). */
void migplan__rstep_add(migplan__rmodel *m, migplan__rstep *s, migplan__rvec *list, migplan__rsql *q);
migplan__rnote *migplan__rnote_add(migplan__rmodel *m, migplan__rvec *list, const char *text,
                                   const char *detail, const char *ref, long op);
void migplan__rpush(migplan__rmodel *m, migplan__rvec *v, void *item);
/* Records that step @p s fills @p target from @p source with @p q's statement, batched by @p b
 * (NULL: one statement); op is -1. @return the record, for the fields that depend on the kind
 * (op, column, what), or NULL when @p q is NULL or memory ran out (the model says so). */
migplan__rbackfill *migplan__rbackfill_add(migplan__rmodel *m, migplan__bf_kind kind, const char *database,
                                           const char *source, const char *target, migplan__rstep *s,
                                           const migplan__rsql *q, const migplan__batching *b);
migplan__rtable *migplan__rtable_find(const migplan__rmodel *m, const char *db, const char *name);
/* "`db`.`name`" in the arena. */
const char *migplan__qname(migplan__rmodel *m, const char *db, const char *name);
/* "'text'" in the arena. */
const char *migplan__qlit(migplan__rmodel *m, const char *text);
/* The database of an operation, the default resolved. */
const char *migplan__op_db(const migplan__rmodel *m, const migplan_op *op);
void migplan__rmodel_oom(migplan__rmodel *m);

/* Helpers of the step builders (report_steps.c), shared with report_copy.c and
 * report_column.c. Throughput assumptions of the estimates are stated in every estimate. */
#define MIGPLAN__COPY_BYTES_PER_S (100.0 * 1000 * 1000)
#define MIGPLAN__MUTATION_BYTES_PER_S (50.0 * 1000 * 1000)
/* A new statement of @p stage in one of @p s's lists, from a finished builder. */
migplan__rsql *migplan__radd(migplan__rmodel *m, migplan__rstep *s, migplan__rvec *list,
                             migplan__rstage stage, const char *purpose, migplan__sb *sb);
/* "ALTER TABLE `db`.`t` " */
void migplan__ralter(migplan__sb *sb, const char *db, const char *t);
/* The step's duration: @p share of the table's bytes at @p rate, or unknown without sizes. */
void migplan__restimate(migplan__rmodel *m, migplan__rstep *s, const migplan__rtable *t, double rate,
                        double share, const char *what);
void migplan__rinstant(migplan__rmodel *m, migplan__rstep *s);
const migplan_column *migplan__rcolumn(const migplan_table *t, const char *name);
/* " AFTER `prev`" or " FIRST": where @p name sits in @p t. */
void migplan__rafter(migplan__sb *sb, const migplan_table *t, const char *name);
/* Batching of work on @p t: per partition, by ranges of the first ORDER BY column, or single. */
const migplan__batching *migplan__rbatching(migplan__rmodel *m, const migplan_table *t,
                                            const migplan__rtable *rt);
/* The read-only batch list (PREPARE) of @p s; NULL when the work is not batched. */
migplan__rsql *migplan__rbatch_list(migplan__rmodel *m, migplan__rstep *s, const migplan__batching *b,
                                    const char *db, const char *t);
int migplan__rbatched(const migplan__batching *b);
/* The batch's condition; " AND <condition>" (nothing when not batched). */
void migplan__rbatch_cond(migplan__sb *sb, const migplan__batching *b);
void migplan__rbatch_where(migplan__sb *sb, const migplan__batching *b);
/* @p q takes the batch list's parameters. */
void migplan__rset_params(migplan__rsql *q, const migplan__batching *b, const migplan__rsql *from);
/* Progress queries: mutations left on a table, rows in a table. */
void migplan__rmutation_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table);
void migplan__rcount_progress(migplan__rmodel *m, migplan__rstep *s, const char *db, const char *table);

/* The steps of rebuilds and version bumps (report_copy.c), by phase. */
void migplan__copy_expand(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__copy_backfill(migplan__rmodel *m, migplan__rchange *c, long ci);
const migplan__rsql *migplan__copy_validate(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__copy_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate);
void migplan__copy_catch_up(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__copy_contract(migplan__rmodel *m, migplan__rchange *c, long ci);
/* The steps of destructive type changes and renames (report_column.c), by phase. */
void migplan__type_expand(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__type_backfill(migplan__rmodel *m, migplan__rchange *c, long ci);
const migplan__rsql *migplan__type_validate(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__type_cutover(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate);
void migplan__type_contract(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__rename_expand(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__rename_backfill(migplan__rmodel *m, migplan__rchange *c, long ci);
const migplan__rsql *migplan__rename_validate(migplan__rmodel *m, migplan__rchange *c, long ci);
void migplan__rename_contract(migplan__rmodel *m, migplan__rchange *c, long ci, const migplan__rsql *gate);

/* The rollout's steps (report_steps.c), the audits, post-deploy checks and monitoring
 * (report_audit.c). */
void migplan__rmodel_steps(migplan__rmodel *m);
void migplan__rmodel_audits(migplan__rmodel *m);
void migplan__rmodel_after(migplan__rmodel *m);
void migplan__rmodel_monitoring(migplan__rmodel *m);

/* ---------------------------------------------------------------- helpers (report_util.c) */

int migplan__rvec_push(migplan__arena *a, migplan__rvec *v, void *item);
/* printf into the model's arena; NULL on out-of-memory (the builder checks m->oom). */
const char *migplan__rfmt(migplan__rmodel *m, const char *fmt, ...) MIGPLAN__PRINTF(2, 3);
/* A finished string builder moved into the arena. */
const char *migplan__rsb(migplan__rmodel *m, migplan__sb *sb);
const char *migplan__phase_name(migplan__phase p);
const char *migplan__phase_title(migplan__phase p);
const char *migplan__actor_name(migplan__actor a);
const char *migplan__rollback_name(migplan__rollback r);
const char *migplan__stage_name(migplan__rstage s);
/* "1 h 5 min", "about 40 s"; "unknown" for < 0. */
void migplan__duration(migplan__sb *sb, double seconds);
/* 1 234 567 (thin grouping for people). */
void migplan__count(migplan__sb *sb, uint64_t n);
void migplan__bytes(migplan__sb *sb, uint64_t n);

/* ---------------------------------------------------------------- SQL (report_sql.c) */

/* 1 when @p sql is a single read-only query: first keyword SELECT or WITH, one statement, no
 * INTO OUTFILE, no SETTINGS, no FORMAT, and no keyword that writes outside strings, quoted
 * identifiers and comments. On 0, *why says what was found (static). */
int migplan__sql_read_only(const char *sql, const char **why);
/* `name` Type [DEFAULT e] ... as in CREATE TABLE (what ADD COLUMN takes). */
void migplan__sql_column_def(migplan__sb *sb, const migplan_column *c, const char *name);
/* INDEX `n` expr TYPE t(args) GRANULARITY g */
void migplan__sql_index_def(migplan__sb *sb, const migplan_index *ix);
/* The type a value of @p type is parameterised and cast with: Nullable and LowCardinality
 * removed (accurateCastOrNull's target). Arena string. */
const char *migplan__sql_base_type(migplan__rmodel *m, const char *type);

/* 1 for a non-NULL value of @p col that type @p to cannot hold (what a cast would lose). */
void migplan__sql_fails(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *to);
/* @p col converted to @p target_type (a nullable form of @p to), NULL where it cannot be. */
void migplan__sql_convert_or_null(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *to,
                                  const char *target_type);
/* 1 for a non-NULL value of @p col that a cast from @p from to @p to alters (reads differently or
 * does not come back when cast back). */
void migplan__sql_altered(migplan__rmodel *m, migplan__sb *sb, const char *col, const char *from,
                          const char *to);
/* 1 when the judge's cause means values fail to convert (rather than being altered). */
int migplan__cause_fails(migplan_change_cause c);

/* ---------------------------------------------------------------- rendering (report_fmt.c) */

typedef struct migplan__md {
	migplan__sb sb;
} migplan__md;

/* Markdown: a table cell (pipes and newlines escaped), inline code that survives backticks in
 * the text, and a fenced SQL block per statement with its id and purpose. */
void migplan__md_cell(migplan__sb *sb, const char *text);
void migplan__md_code(migplan__sb *sb, const char *text);
void migplan__md_sql(migplan__sb *sb, const migplan__rsql *q);
void migplan__md_sql_list(migplan__sb *sb, const migplan__rvec *v);
enum {
	MIGPLAN__MD_ROLLBACK = 1u << 0,       /* with the step's rollback */
	MIGPLAN__MD_AUDITS_ELSEWHERE = 1u << 1 /* the report lists the preflight audits in a section */
};
void migplan__md_step(migplan__sb *sb, const migplan__rmodel *m, const migplan__rstep *s,
                      unsigned flags);
void migplan__md_header(migplan__sb *sb, const migplan__rmodel *m, const char *title);
void migplan__md_notes(migplan__sb *sb, const migplan__rvec *notes, const char *none);
/* The same without the details (help texts, SQL): for the pull-request body. */
void migplan__md_notes_brief(migplan__sb *sb, const migplan__rvec *notes, const char *none);

/* JSON: the envelope and the shared objects. NULL strings become null. */
json_object *migplan__json_envelope(const migplan__rmodel *m, migplan_report_kind kind);
json_object *migplan__json_str(const char *s);
json_object *migplan__json_sql(const migplan__rsql *q);
json_object *migplan__json_sql_list(const migplan__rvec *v);
json_object *migplan__json_step(const migplan__rmodel *m, const migplan__rstep *s);
json_object *migplan__json_steps(const migplan__rmodel *m, const migplan__rvec *steps);
json_object *migplan__json_notes(const migplan__rvec *notes);
json_object *migplan__json_table(const migplan__rtable *t);
/* Shared by several reports (report_rollout.c). */
json_object *migplan__json_backfills(const migplan__rmodel *m);
json_object *migplan__json_change(const migplan__rmodel *m, const migplan__rchange *c, int with_steps);
const char *migplan__change_kind_name(migplan__change_kind k);
/* Serialise (pretty, 2 spaces, no escaped slashes) and free @p root. */
migplan_status migplan__json_finish(json_object *root, char **out);

/* ---------------------------------------------------------------- renderers */

typedef migplan_status (*migplan__render_fn)(const migplan__rmodel *m, migplan_report_format f,
                                             char **out);
migplan_status migplan__render_rollout(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_pr_body(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_checklist(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_runbook(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_dashboard(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_alerts(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_strategy(const migplan__rmodel *m, migplan_report_format f, char **out);
migplan_status migplan__render_phases(const migplan__rmodel *m, migplan_report_format f, char **out);

/* Atomic file write under a directory (report_write.c). */
migplan_status migplan__report_write_file(const char *dir, const char *filename, const char *text,
                                          char **path_out);

#endif
