/* The rename-column edit: DropTableColumn old + AddTableColumn new -> RenameTableColumn.
 *
 * Moose compares columns by name, so a rename in code comes out as a drop (which deletes
 * every value) and an add (which starts empty). RENAME COLUMN keeps the values in place. The
 * rename takes the AddTableColumn's place, where the plan expects the new column to exist.
 * When the added column differs from the dropped one in more than its name (type, default,
 * codec, ...), a ModifyTableColumn follows the rename so the result is the reviewed schema. */
#include "rewrite_private.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"

#define NONE SIZE_MAX

static size_t find_column_op(migplan__rw_build *b, migplan_op_kind kind, const char *column)
{
	/* only the operations on the table: all of them, for each of thousands of renames,
	 * made proposing quadratic */
	const migplan__list *ops = migplan__rw_ops_on(b, b->parsed.database, b->parsed.table);
	for (size_t k = 0; ops && k < ops->count; k++) {
		size_t i = migplan__oplist_at(ops, k);
		const migplan_op *op = migplan_plan_op_at(b->plan, i);
		const char *t = migplan_op_table_name(op), *c = migplan_op_column_name(op);
		if (migplan_op_kind_of(op) == kind && t && c && strcmp(t, b->parsed.table) == 0 &&
		    strcmp(c, column) == 0 &&
		    migplan__rw_same_db(b, migplan_op_database(op), b->parsed.database))
			return i;
	}
	return NONE;
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* What differs between the two columns' DDL apart from their names, as "type, comment"
 * (appended to @p out); 0 when nothing does. Annotations without a DDL effect (stringDate)
 * do not count. */
static int columns_differ(const migplan_column *a, const migplan_column *b, migplan__sb *out)
{
	const struct {
		const char *what, *x, *y;
	} parts[] = {
		{"type", migplan_column_clickhouse_type(a), migplan_column_clickhouse_type(b)},
		{"DEFAULT", migplan_column_default(a), migplan_column_default(b)},
		{"MATERIALIZED", migplan_column_materialized(a), migplan_column_materialized(b)},
		{"ALIAS", migplan_column_alias(a), migplan_column_alias(b)},
		{"CODEC", migplan_column_codec(a), migplan_column_codec(b)},
		{"comment", migplan_column_comment(a), migplan_column_comment(b)},
		{"TTL", migplan_column_ttl(a), migplan_column_ttl(b)},
	};
	int n = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (str_eq(parts[i].x, parts[i].y))
			continue;
		if (out)
			migplan__sb_printf(out, "%s%s", n ? ", " : "", parts[i].what);
		n++;
	}
	return n > 0;
}

/* The column before @p name in @p t, NULL when it is the first (or unknown). */
static const char *column_before(const migplan_table *t, const char *name)
{
	for (size_t i = 1; i < migplan_table_column_count(t); i++)
		if (strcmp(migplan_column_name(migplan_table_column_at(t, i)), name) == 0)
			return migplan_column_name(migplan_table_column_at(t, i - 1));
	return NULL;
}

static migplan_node *rename_body(migplan__rw_build *b, const migplan_op *add)
{
	static const char *const keys[] = {"after_column_name", "before_column_name",
	                                   "cluster_name", "database", "table"};
	migplan_node *values[5] = {
		migplan__rw_str(b, b->parsed.new_column), migplan__rw_str(b, b->parsed.column),
		migplan__rw_str(b, migplan_op_cluster_name(add)),
		migplan__rw_str(b, migplan_op_database(add)),
		migplan__rw_str(b, migplan_op_table_name(add))};
	return migplan__rw_map(b, keys, values, 5);
}

/* ModifyTableColumn from the old column (renamed) to the added column. */
static migplan_node *modify_body(migplan__rw_build *b, const migplan_op *add,
                                 const migplan_column *old)
{
	static const char *const keys[] = {"after_column", "before_column", "cluster_name",
	                                   "database", "table"};
	migplan_node *before = migplan__rw_map_with(b, migplan_column_node(old), "name",
	                                            migplan__rw_str(b, b->parsed.new_column));
	migplan_node *values[5] = {
		(migplan_node *)migplan_column_node(migplan_op_column(add)), before,
		migplan__rw_str(b, migplan_op_cluster_name(add)),
		migplan__rw_str(b, migplan_op_database(add)),
		migplan__rw_str(b, migplan_op_table_name(add))};
	return before ? migplan__rw_map(b, keys, values, 5) : NULL;
}

/* A column's position as the description says it: "after `c`", or "first" without one. */
static void put_position(migplan__sb *d, const char *after)
{
	if (after) {
		migplan__sb_puts(d, "after ");
		migplan__sb_ident(d, after);
	} else {
		migplan__sb_puts(d, "first");
	}
}

static void describe(migplan__rw_build *b, size_t drop, size_t add, const migplan_column *old,
                     int modified)
{
	migplan__sb *d = &b->desc;
	const migplan_op *a = migplan_plan_op_at(b->plan, add);
	migplan__sb_puts(d, "Rename column ");
	migplan__sb_ident(d, b->parsed.column);
	migplan__sb_puts(d, " of ");
	migplan__sb_qualified(d, migplan__rw_db(b, b->parsed.database), b->parsed.table);
	migplan__sb_puts(d, " to ");
	migplan__sb_ident(d, b->parsed.new_column);
	migplan__sb_printf(d, " in place, keeping every value: one RenameTableColumn replaces the "
	                   "DropTableColumn (operation %zu) and the AddTableColumn (operation %zu).",
	                   drop, add);
	if (!old) {
		migplan__sb_puts(d, " The old column is not in remote_state.json, so its type could not "
		                    "be compared with the new one: check that they match.");
		return;
	}
	if (modified) {
		migplan__sb_puts(d, " The added column differs from the old one beyond its name (");
		columns_differ(old, migplan_op_column(a), d);
		migplan__sb_puts(d, "), so a ModifyTableColumn follows the rename.");
	}
	const migplan_table *t = migplan_snapshot_table_find(b->plan->remote, b->parsed.database,
	                                                     b->parsed.table);
	const char *was = column_before(t, b->parsed.column), *wants = migplan_op_position_after(a);
	if (!str_eq(was, wants)) {
		migplan__sb_puts(d, " The renamed column keeps its old position (");
		put_position(d, was);
		migplan__sb_puts(d, "); the AddTableColumn put it ");
		put_position(d, wants);
		migplan__sb_puts(d, ".");
	}
	migplan__sb_puts(d, " Queries and views that read the old name must move to the new one.");
}

int migplan__rw_build_rename(migplan__rw_build *b)
{
	if (!b->parsed.table || !b->parsed.column || !b->parsed.new_column)
		return 0;
	size_t drop = find_column_op(b, MIGPLAN_OP_DROP_TABLE_COLUMN, b->parsed.column);
	size_t add = find_column_op(b, MIGPLAN_OP_ADD_TABLE_COLUMN, b->parsed.new_column);
	if (drop == NONE || add == NONE)
		return 0;
	const migplan_op *a = migplan_plan_op_at(b->plan, add);
	const migplan_table *t = migplan_snapshot_table_find(b->plan->remote, b->parsed.database,
	                                                     b->parsed.table);
	const migplan_column *old = migplan_table_column_find(t, b->parsed.column);
	int modified = old && migplan_op_column(a) && columns_differ(old, migplan_op_column(a), NULL);
	if (!migplan__rw_idx_push(b, &b->removed, drop) || !migplan__rw_idx_push(b, &b->removed, add) ||
	    !migplan__rw_insert_op(b, "RenameTableColumn", rename_body(b, a), add, MIGPLAN__RW_NEW))
		return -1;
	if (modified && !migplan__rw_insert_op(b, "ModifyTableColumn", modify_body(b, a, old), add,
	                                       MIGPLAN__RW_NEW))
		return -1;
	describe(b, drop, add, old, modified);
	return 1;
}
