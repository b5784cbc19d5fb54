/* A small scanner for ClickHouse SQL: enough to tell which tables a statement reads and
 * writes, which identifiers it mentions, how many statements a text holds, and whether a
 * mutation is bounded by a WHERE clause. Used for RawSql items, view SELECTs, and key, TTL,
 * index and projection expressions.
 *
 * It is a tokenizer with a little grammar, not a parser: strings, backtick and double-quoted
 * identifiers, comments (`--`, `#`, nested block comments) and `db.table` are handled exactly;
 * the statement structure is recognised from keywords. What it cannot recognise it leaves out,
 * so callers treat its answers as "at least these" and never as a complete list. */
#ifndef MIGPLAN_SQLSCAN_H
#define MIGPLAN_SQLSCAN_H

#include <stddef.h>

#include "migplan/common.h"

#include "arena.h"

/* The verb of a statement. */
typedef enum migplan__sqlverb {
	MIGPLAN__SQL_NONE = 0,   /* an expression, or nothing recognised */
	MIGPLAN__SQL_SELECT,
	MIGPLAN__SQL_INSERT,
	MIGPLAN__SQL_ALTER,
	MIGPLAN__SQL_DELETE,     /* lightweight DELETE FROM */
	MIGPLAN__SQL_UPDATE,     /* lightweight UPDATE ... SET */
	MIGPLAN__SQL_TRUNCATE,
	MIGPLAN__SQL_OPTIMIZE,
	MIGPLAN__SQL_CREATE,
	MIGPLAN__SQL_DROP,
	MIGPLAN__SQL_RENAME,
	MIGPLAN__SQL_EXCHANGE,
	MIGPLAN__SQL_OTHER       /* SYSTEM, SET, KILL, ... */
} migplan__sqlverb;

/* A table reference: `name` or `db`.`name`, unquoted. */
typedef struct migplan__sqlname {
	const char *database;    /* NULL when unqualified */
	const char *name;
	size_t offset;           /* byte offset of the reference in the text */
} migplan__sqlname;

/* A schema change a statement makes (so a plan rewritten with RawSql can be replayed). */
typedef enum migplan__sqlddl_kind {
	MIGPLAN__DDL_CREATE_TABLE = 1, /* object; other = `AS other` (structure copied); columns */
	MIGPLAN__DDL_DROP_TABLE,       /* object (DROP TABLE, also DROP VIEW / DICTIONARY: any) */
	MIGPLAN__DDL_CREATE_VIEW,      /* object; other = TO target (materialized) */
	MIGPLAN__DDL_RENAME_TABLE,     /* object -> other */
	MIGPLAN__DDL_EXCHANGE_TABLES,  /* object <-> other */
	MIGPLAN__DDL_ADD_COLUMN,       /* object, column */
	MIGPLAN__DDL_DROP_COLUMN,      /* object, column */
	MIGPLAN__DDL_RENAME_COLUMN     /* object, column -> new_column */
} migplan__sqlddl_kind;

typedef struct migplan__sqlddl {
	migplan__sqlddl_kind kind;
	migplan__sqlname object;
	migplan__sqlname other;        /* name NULL when absent */
	const char *column;
	const char *new_column;
	const char **columns;          /* CREATE TABLE (...): the column names */
	size_t column_count;
	int materialized;              /* CREATE MATERIALIZED VIEW */
} migplan__sqlddl;

typedef struct migplan__sqlinfo {
	migplan__arena arena;          /* every string and array below */
	size_t statement_count;        /* non-empty statements (text between `;`) */
	migplan__sqlverb verb;         /* of the first statement */
	migplan__sqlname *writes;      /* INSERT INTO, ALTER TABLE, TRUNCATE, DELETE FROM, ... */
	size_t write_count;
	migplan__sqlname *reads;       /* FROM and JOIN (not table functions or subqueries) */
	size_t read_count;
	const char **idents;           /* identifiers that are not function names, unquoted */
	size_t ident_count;
	migplan__sqlddl *ddl;
	size_t ddl_count;
	size_t mutation_count;         /* ALTER UPDATE/DELETE commands, DELETE FROM, UPDATE, TRUNCATE */
	size_t unbounded_count;        /* of those: no WHERE, a WHERE that is always true, TRUNCATE */
	size_t missing_where_count;    /* of those: no WHERE at all (a syntax error in ClickHouse) */
	const char *unbounded_what;    /* the first unbounded one, e.g. "ALTER TABLE events DELETE WHERE 1" */
	int backfill;                  /* INSERT ... SELECT, ALTER UPDATE/DELETE, UPDATE, DELETE FROM */
	/* internal growth state */
	size_t write_cap, read_cap, ident_cap, ddl_cap;
	int failed;                    /* out of memory while scanning */
} migplan__sqlinfo;

/* Scan @p len bytes of @p text (need not be NUL-terminated). The result must be released with
 * migplan__sql_release() in every case. Returns MIGPLAN_OK or MIGPLAN_ENOMEM (the thread error
 * is set). Malformed SQL is not an error: unterminated strings end at the end of the text. */
migplan_status migplan__sql_scan(migplan__sqlinfo *out, const char *text, size_t len);
void migplan__sql_release(migplan__sqlinfo *info);

/* 1 when @p info mentions identifier @p name (exact, case-sensitive as ClickHouse columns are). */
int migplan__sql_mentions(const migplan__sqlinfo *info, const char *name);

#endif
