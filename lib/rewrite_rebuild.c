/* The rebuild-table edit: keep the rows of a table the plan would destroy.
 *
 * Three shapes of plan lead here (FORMAT.md 5, and the key-column rule):
 * - DropTable t ... CreateTable t (same name): the CreateTable is kept but renamed to a free
 *   temporary name; after it, one RawSql copies the rows (INSERT INTO tmp (...) SELECT ...
 *   FROM t) and swaps the two tables (EXCHANGE TABLES t AND tmp); the DropTable goes away and
 *   a DropTable of tmp (which then holds the old table) ends the plan.
 * - ALTERs of t that ClickHouse refuses (a key column's type): those ALTERs are replaced by
 *   the same create-copy-swap sequence, with the complete new definition taken from
 *   local_infra_map.json.
 * - DropTable t_1_0 ... CreateTable t_1_1 (a version bump): the rows are copied into the new
 *   version right after its CreateTable, and the DropTable moves to the end of the plan.
 *
 * Why EXCHANGE and not RENAME: in ClickHouse a materialized view's dependency on its source
 * follows the table through RENAME TABLE, so after `RENAME TABLE t TO t_old` the views that
 * read t are attached to t_old and silently stop receiving rows inserted into the new t.
 * EXCHANGE TABLES swaps the two tables' contents under their names; checked on the engine
 * (tests/chdb/rewrite_proof.c): views and materialized views that read t, and materialized
 * views that write into t, keep working. The copy goes into the temporary table, which no
 * view reads, so materialized views do not see the copied rows a second time. */
#include "rewrite_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

#define NONE SIZE_MAX

/* ---------------------------------------------------------------- finding the operations */

static int op_on(const migplan__rw_build *b, const migplan_op *op, const char *db,
                 const char *table)
{
	const char *name = migplan_op_table_name(op);
	return name && strcmp(name, table) == 0 && migplan__rw_same_db(b, migplan_op_database(op), db);
}

static size_t find_op(migplan__rw_build *b, migplan_op_kind kind, const char *db,
                      const char *table, size_t from)
{
	const migplan__list *ops = migplan__rw_ops_on(b, db, table);
	for (size_t k = 0; ops && k < ops->count; k++) {
		size_t i = migplan__oplist_at(ops, k);
		const migplan_op *op = migplan_plan_op_at(b->plan, i);
		if (i >= from && migplan_op_kind_of(op) == kind && op_on(b, op, db, table))
			return i;
	}
	return NONE;
}

/* The CreateTable of a new version of @p old: same database, another name, the same
 * source_primitive name. */
static size_t find_new_version(migplan__rw_build *b, const migplan_table *old, const char *db,
                               size_t from)
{
	const migplan__list *creates = migplan__rw_creates_of(b, db, migplan_table_source_name(old));
	for (size_t k = 0; creates && k < creates->count; k++) {
		size_t i = migplan__oplist_at(creates, k);
		const migplan_table *t = migplan_op_table(migplan_plan_op_at(b->plan, i));
		if (i >= from && strcmp(migplan_table_name(t), migplan_table_name(old)) != 0)
			return i;
	}
	return NONE;
}

/* Table ALTERs that a rebuild from the complete new definition replaces. */
static int is_table_alter(migplan_op_kind k)
{
	switch (k) {
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
	case MIGPLAN_OP_ADD_TABLE_INDEX:
	case MIGPLAN_OP_DROP_TABLE_INDEX:
	case MIGPLAN_OP_ADD_TABLE_PROJECTION:
	case MIGPLAN_OP_DROP_TABLE_PROJECTION:
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
	case MIGPLAN_OP_REMOVE_SAMPLE_BY:
		return 1;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------- a free temporary name */

/* 1 when @p name is a table or view of either snapshot, or anything in the plan mentions it
 * (operations' objects, RawSql and view SQL as text: a cheap, conservative test). @p name
 * contains MIGPLAN__RW_SWAP_MARK, so only the names and texts that contain it can match: the
 * proposal's index keeps those, and the tables are found by hash. */
static int name_taken(migplan__rw_build *b, const char *db, const char *name)
{
	if (migplan_snapshot_table_find(b->plan->remote, db, name) ||
	    migplan_snapshot_table_find(b->plan->local, db, name))
		return 1;
	const char *const *names = migplan__rw_marked_names(b);
	const char *const *texts = migplan__rw_marked_texts(b);
	for (size_t i = 0; names && names[i]; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	for (size_t i = 0; texts && texts[i]; i++)
		if (strstr(texts[i], name))
			return 1;
	return 0;
}

/* `<table>__migplan_swap`, or with _2, _3, ... when that is taken. */
static const char *free_name(migplan__rw_build *b, const char *db, const char *table)
{
	size_t len = strlen(table) + 40;
	char *buf = malloc(len);
	if (!buf) {
		b->status = migplan__error_oom();
		return NULL;
	}
	snprintf(buf, len, "%s" MIGPLAN__RW_SWAP_MARK, table);
	for (unsigned k = 2; name_taken(b, db, buf) && k < 1000000; k++)
		snprintf(buf, len, "%s" MIGPLAN__RW_SWAP_MARK "_%u", table, k);
	const char *name = migplan__arena_strdup(b->arena, buf);
	free(buf);
	if (!name)
		b->status = migplan__error_oom();
	return name;
}

/* ---------------------------------------------------------------- the copy */

/* One rename the plan makes (new name -> old name), so the copy reads the old column. */
typedef struct renaming {
	const char *from;
	const char *to;
} renaming;

typedef struct copy_spec {
	const migplan_table *old;      /* the remote snapshot's table */
	const migplan_table *def;      /* the new definition */
	const renaming *renames;
	size_t rename_count;
	const char *into_db, *into;    /* database as written (may be NULL) and table */
	const char *from_db, *from;
} copy_spec;

/* What the copy does, for the descriptions. */
typedef struct copy_notes {
	migplan__sb cast;     /* "`v` to Int64, ..." */
	migplan__sb dropped;  /* old columns not carried over */
	migplan__sb added;    /* new columns left to their defaults */
	migplan__sb computed; /* MATERIALIZED / ALIAS columns of the new table */
	migplan__sb required; /* nullable columns that become required */
	size_t carried;
} copy_notes;

static void notes_release(copy_notes *n)
{
	migplan__sb_reset(&n->cast);
	migplan__sb_reset(&n->dropped);
	migplan__sb_reset(&n->added);
	migplan__sb_reset(&n->computed);
	migplan__sb_reset(&n->required);
}

static void list_add(migplan__sb *sb, const char *name)
{
	if (sb->len)
		migplan__sb_puts(sb, ", ");
	migplan__sb_ident(sb, name);
}

/* The old column a new column is filled from (following the plan's renames), or NULL. */
static const migplan_column *source_column(const copy_spec *c, const char *name)
{
	for (size_t i = 0; i < c->rename_count; i++)
		if (strcmp(c->renames[i].to, name) == 0)
			return migplan_table_column_find(c->old, c->renames[i].from);
	return migplan_table_column_find(c->old, name);
}

static int carried_over(const copy_spec *c, const char *old_name)
{
	const char *name = old_name;
	for (size_t i = 0; i < c->rename_count; i++)
		if (strcmp(c->renames[i].from, old_name) == 0)
			name = c->renames[i].to;
	const migplan_column *nc = migplan_table_column_find(c->def, name);
	return nc && !migplan_column_materialized(nc) && !migplan_column_alias(nc);
}

static int str_differs(const char *a, const char *b)
{
	return a && b && strcmp(a, b) != 0;
}

/* Appends the select expression for new column @p nc read from old column @p oc. */
static void select_expr(migplan__sb *sel, copy_notes *notes, const migplan_column *oc,
                        const migplan_column *nc)
{
	const char *to = migplan_column_clickhouse_type(nc);
	if (!str_differs(migplan_column_clickhouse_type(oc), to)) {
		migplan__sb_ident(sel, migplan_column_name(oc));
		return;
	}
	/* a string literal: Enum types carry quotes of their own */
	migplan__sb_puts(sel, "CAST(");
	migplan__sb_ident(sel, migplan_column_name(oc));
	migplan__sb_puts(sel, ", ");
	migplan__sb_literal(sel, to);
	migplan__sb_putc(sel, ')');
	list_add(&notes->cast, migplan_column_name(nc));
	migplan__sb_printf(&notes->cast, " to %s", to);
	if (migplan_column_nullable(oc) && !migplan_column_nullable(nc))
		list_add(&notes->required, migplan_column_name(nc));
}

/* INSERT INTO into (cols) SELECT exprs FROM from; "" when no column is carried over. */
static char *copy_statement(migplan__rw_build *b, const copy_spec *c, copy_notes *notes)
{
	migplan__sb cols = MIGPLAN__SB_INIT, sel = MIGPLAN__SB_INIT, sql = MIGPLAN__SB_INIT;
	for (size_t i = 0; i < migplan_table_column_count(c->def); i++) {
		const migplan_column *nc = migplan_table_column_at(c->def, i);
		const migplan_column *oc = source_column(c, migplan_column_name(nc));
		if (migplan_column_materialized(nc) || migplan_column_alias(nc)) {
			list_add(&notes->computed, migplan_column_name(nc));
			continue;
		}
		if (!oc) {
			list_add(&notes->added, migplan_column_name(nc));
			continue;
		}
		if (notes->carried++) {
			migplan__sb_puts(&cols, ", ");
			migplan__sb_puts(&sel, ", ");
		}
		migplan__sb_ident(&cols, migplan_column_name(nc));
		select_expr(&sel, notes, oc, nc);
	}
	for (size_t i = 0; i < migplan_table_column_count(c->old); i++) {
		const char *name = migplan_column_name(migplan_table_column_at(c->old, i));
		if (!carried_over(c, name))
			list_add(&notes->dropped, name);
	}
	if (notes->carried) {
		migplan__sb_puts(&sql, "INSERT INTO ");
		migplan__sb_qualified(&sql, c->into_db, c->into);
		migplan__sb_printf(&sql, " (%s) SELECT %s FROM ", cols.ptr, sel.ptr);
		migplan__sb_qualified(&sql, c->from_db, c->from);
	} else {
		migplan__sb_puts(&sql, "");
	}
	int failed = cols.failed || sel.failed;
	migplan__sb_reset(&cols);
	migplan__sb_reset(&sel);
	char *out = NULL;
	if (migplan__sb_finish(&sql, &out) || failed) {
		b->status = MIGPLAN_ENOMEM;
		free(out);
		out = NULL;
	}
	return out;
}

static char *exchange_statement(migplan__rw_build *b, const char *db, const char *table,
                                const char *tmp, const char *cluster)
{
	migplan__sb sql = MIGPLAN__SB_INIT;
	char *out = NULL;
	migplan__sb_puts(&sql, "EXCHANGE TABLES ");
	migplan__sb_qualified(&sql, db, table);
	migplan__sb_puts(&sql, " AND ");
	migplan__sb_qualified(&sql, db, tmp);
	if (cluster) {
		migplan__sb_puts(&sql, " ON CLUSTER ");
		migplan__sb_ident(&sql, cluster);
	}
	if (migplan__sb_finish(&sql, &out))
		b->status = MIGPLAN_ENOMEM;
	return out;
}

/* "; not carried over: `a`, `b`" and the like. */
static void describe_notes(migplan__sb *d, const copy_notes *n)
{
	if (n->cast.len)
		migplan__sb_printf(d, " Cast: %s.", n->cast.ptr);
	if (n->added.len)
		migplan__sb_printf(d, " New columns left to their defaults: %s.", n->added.ptr);
	if (n->computed.len)
		migplan__sb_printf(d, " Computed by the new table (MATERIALIZED/ALIAS), not copied: %s.",
		                   n->computed.ptr);
	if (n->dropped.len)
		migplan__sb_printf(d, " Old columns NOT carried over (their values are dropped with "
		                   "the old table): %s.", n->dropped.ptr);
	if (n->required.len)
		migplan__sb_printf(d, " Nullable columns that become required: %s; a NULL in them "
		                   "makes the copy fail before anything is dropped.", n->required.ptr);
}

/* What a reviewer of plan.yaml must see in the RawSql itself: the values that do not make it. */
static void describe_losses(migplan__sb *d, const copy_notes *n)
{
	if (n->dropped.len)
		migplan__sb_printf(d, ". Not carried over: %s", n->dropped.ptr);
	if (n->required.len)
		migplan__sb_printf(d, ". A NULL in %s stops the copy", n->required.ptr);
}

/* The materialized views and views of the remote snapshot that read db.table. */
static void describe_readers(migplan__rw_build *b, migplan__sb *d, const char *db,
                             const char *table)
{
	/* from the proposal's index: a scan of every view for each rebuild was quadratic */
	const migplan__list *readers = migplan__rw_readers_of(b, db, table);
	migplan__sb names = MIGPLAN__SB_INIT;
	for (size_t i = 0; readers && i < readers->count; i++)
		list_add(&names, migplan_view_name(readers->items[i]));
	if (names.len)
		migplan__sb_printf(d, " Views reading it that keep working: %s.", names.ptr);
	if (names.failed)
		d->failed = 1;
	migplan__sb_reset(&names);
}

/* ---------------------------------------------------------------- operations */

static migplan_node *drop_table_body(migplan__rw_build *b, const char *cluster, const char *db,
                                     const char *table)
{
	static const char *const keys[] = {"cluster_name", "database", "table"};
	migplan_node *values[3] = {migplan__rw_str(b, cluster), migplan__rw_str(b, db),
	                           migplan__rw_str(b, table)};
	return migplan__rw_map(b, keys, values, 3);
}

/* CreateTable of @p def under @p name. source_primitive.name (the logical name, which pairs
 * versioned tables and finds views by their unversioned source) is renamed too: the temporary
 * table is not a version of the data model, and views that read the table must not be taken
 * for readers of the temporary one. */
static int insert_create(migplan__rw_build *b, const migplan_table *def, const char *name,
                         size_t anchor)
{
	static const char *const keys[] = {"table"};
	const migplan_node *def_node = migplan_table_node(def);
	migplan_node *table = migplan__rw_map_with(b, def_node, "name", migplan__rw_str(b, name));
	const migplan_node *source = migplan_node_get(def_node, "source_primitive");
	if (table && migplan_node_kind_of(source) == MIGPLAN_NODE_MAP)
		table = migplan__rw_map_with(b, table, "source_primitive",
		                             migplan__rw_map_with(b, source, "name", migplan__rw_str(b, name)));
	migplan_node *values[1] = {table};
	if (!table)
		return 0;
	return migplan__rw_insert_op(b, "CreateTable", migplan__rw_map(b, keys, values, 1), anchor,
	                             MIGPLAN__RW_NEW);
}

static int finish_sb(migplan__rw_build *b, migplan__sb *sb, char **out)
{
	if (migplan__sb_finish(sb, out)) {
		b->status = MIGPLAN_ENOMEM;
		return 0;
	}
	return 1;
}

/* Adds the RawSql with the copy (when any column is carried) and the statements in @p extra. */
static int insert_copy_sql(migplan__rw_build *b, const char *copy, const char *description,
                           char *extra, size_t anchor)
{
	char *sql[2];
	size_t n = 0;
	if (copy && *copy)
		sql[n++] = (char *)copy;
	if (extra)
		sql[n++] = extra;
	return migplan__rw_raw_sql(b, description, sql, n, anchor);
}

/* Create-copy-swap of table db.table (as written: @p db_written) from @p old to @p def;
 * the operations go after @p anchor and the temporary table is dropped at the end. */
static int swap_sequence(migplan__rw_build *b, const copy_spec *spec, const char *cluster,
                         size_t anchor, copy_notes *notes, const char **tmp_out)
{
	const char *db = spec->from_db, *table = spec->from;
	const char *tmp = free_name(b, migplan__rw_db(b, db), table);
	if (!tmp || !insert_create(b, spec->def, tmp, anchor))
		return 0;
	copy_spec c = *spec;
	c.into_db = db;
	c.into = tmp;
	char *copy = copy_statement(b, &c, notes);
	char *swap = exchange_statement(b, db, table, tmp, cluster);
	migplan__sb d = MIGPLAN__SB_INIT;
	migplan__sb_puts(&d, "Copy the rows of ");
	migplan__sb_ident(&d, table);
	migplan__sb_puts(&d, " into ");
	migplan__sb_ident(&d, tmp);
	migplan__sb_puts(&d, " (the new definition), then swap the two tables with EXCHANGE TABLES "
	                     "so that every view reading ");
	migplan__sb_ident(&d, table);
	migplan__sb_puts(&d, " keeps working");
	describe_losses(&d, notes);
	migplan__sb_printf(&d, " (libmigplan %s)", b->id);
	char *desc = NULL;
	int ok = copy && swap && finish_sb(b, &d, &desc) &&
	         insert_copy_sql(b, copy, desc, swap, anchor) &&
	         migplan__rw_insert_op(b, "DropTable", drop_table_body(b, cluster, db, tmp),
	                               MIGPLAN__RW_END, MIGPLAN__RW_NEW);
	free(copy);
	free(swap);
	free(desc);
	*tmp_out = tmp;
	return ok;
}

static void describe_swap(migplan__rw_build *b, const char *db, const char *table,
                          const char *tmp, const copy_notes *notes)
{
	migplan__sb *d = &b->desc;
	migplan__sb_printf(d, " The rows are copied into ");
	migplan__sb_ident(d, tmp);
	migplan__sb_puts(d, ", which EXCHANGE TABLES then swaps with ");
	migplan__sb_ident(d, table);
	migplan__sb_puts(d, " (not RENAME TABLE: a materialized view's dependency follows a renamed "
	                    "table); ");
	migplan__sb_ident(d, tmp);
	migplan__sb_puts(d, ", now holding the old table, is dropped at the end of the plan.");
	describe_notes(d, notes);
	describe_readers(b, d, db, table);
	migplan__sb_puts(d, " Rows written to the table between the copy and the swap are not "
	                    "copied: pause writers while the plan runs.");
}

/* DropTable t ... CreateTable t. */
static int rebuild_same_name(migplan__rw_build *b, const migplan_table *old, size_t drop,
                             size_t create)
{
	const migplan_op *d = migplan_plan_op_at(b->plan, drop);
	const migplan_op *c = migplan_plan_op_at(b->plan, create);
	const migplan_table *def = migplan_op_table(c);
	const char *cluster = migplan_table_cluster_name(def) ? migplan_table_cluster_name(def)
	                                                      : migplan_op_cluster_name(d);
	copy_spec spec = {old, def, NULL, 0, NULL, NULL, migplan_table_database(def),
	                  migplan_table_name(def)};
	copy_notes notes;
	memset(&notes, 0, sizeof(notes));
	const char *tmp = NULL;
	migplan__sb_printf(&b->desc, "Rebuild ");
	migplan__sb_qualified(&b->desc, migplan__rw_db(b, spec.from_db), spec.from);
	migplan__sb_printf(&b->desc, " and keep its rows: remove the DropTable (operation %zu) and "
	                   "create the new definition of operation %zu under a temporary name.",
	                   drop, create);
	int ok = migplan__rw_idx_push(b, &b->removed, drop) &&
	         migplan__rw_idx_push(b, &b->removed, create) &&
	         swap_sequence(b, &spec, cluster, create, &notes, &tmp);
	if (ok)
		describe_swap(b, spec.from_db, spec.from, tmp, &notes);
	notes_release(&notes);
	return ok ? 1 : -1;
}

/* DropTable t_1_0 ... CreateTable t_1_1. */
static int rebuild_version(migplan__rw_build *b, const migplan_table *old, size_t drop,
                           size_t create)
{
	const migplan_op *d = migplan_plan_op_at(b->plan, drop);
	const migplan_table *def = migplan_op_table(migplan_plan_op_at(b->plan, create));
	copy_spec spec = {old, def, NULL, 0, migplan_table_database(def), migplan_table_name(def),
	                  migplan_op_database(d), migplan_op_table_name(d)};
	copy_notes notes;
	memset(&notes, 0, sizeof(notes));
	char *copy = copy_statement(b, &spec, &notes);
	migplan__sb desc = MIGPLAN__SB_INIT;
	migplan__sb_puts(&desc, "Copy the rows of ");
	migplan__sb_ident(&desc, spec.from);
	migplan__sb_puts(&desc, " into its new version ");
	migplan__sb_ident(&desc, spec.into);
	describe_losses(&desc, &notes);
	migplan__sb_printf(&desc, " (libmigplan %s)", b->id);
	char *text = NULL;
	int ok = copy && finish_sb(b, &desc, &text) && *copy &&
	         insert_copy_sql(b, copy, text, NULL, create) &&
	         migplan__rw_move_op(b, drop, MIGPLAN__RW_END);
	if (ok) {
		migplan__sb *s = &b->desc;
		migplan__sb_puts(s, "Upgrade ");
		migplan__sb_ident(s, spec.from);
		migplan__sb_puts(s, " to ");
		migplan__sb_ident(s, spec.into);
		migplan__sb_printf(s, " without losing rows: copy them right after the CreateTable "
		                   "(operation %zu) and move the DropTable (operation %zu) to the end "
		                   "of the plan.", create, drop);
		describe_notes(s, &notes);
	}
	int r = ok ? 1 : (b->status ? -1 : 0);
	free(copy);
	free(text);
	notes_release(&notes);
	return r;
}

/* Collects the table's ALTERs and the renames among them. */
static int collect_alters(migplan__rw_build *b, const char *db, const char *table,
                          renaming **renames, size_t *rename_count)
{
	const migplan__list *ops = migplan__rw_ops_on(b, db, table);
	size_t n = ops ? ops->count : 0;
	*renames = calloc(n ? n : 1, sizeof(**renames));
	if (!*renames) {
		b->status = migplan__error_oom();
		return 0;
	}
	for (size_t k = 0; k < n; k++) {
		size_t i = migplan__oplist_at(ops, k);
		const migplan_op *op = migplan_plan_op_at(b->plan, i);
		if (!is_table_alter(migplan_op_kind_of(op)) || !op_on(b, op, db, table))
			continue;
		if (!migplan__rw_idx_push(b, &b->removed, i))
			return 0;
		if (migplan_op_kind_of(op) == MIGPLAN_OP_RENAME_TABLE_COLUMN)
			(*renames)[(*rename_count)++] = (renaming){migplan_op_column_name(op),
			                                           migplan_op_new_column_name(op)};
	}
	return 1;
}

/* ALTERs of t that ClickHouse refuses: rebuild from local_infra_map.json's definition. */
static int rebuild_from_local(migplan__rw_build *b, const migplan_table *old, const char *db,
                              const char *table)
{
	const migplan_table *def = migplan_snapshot_table_find(b->plan->local, db, table);
	if (!def)
		return 0;
	renaming *renames = NULL;
	size_t rename_count = 0;
	if (!collect_alters(b, db, table, &renames, &rename_count) || b->removed.count == 0) {
		free(renames);
		return b->status ? -1 : 0;
	}
	size_t last = b->removed.v[b->removed.count - 1];
	const migplan_op *at = migplan_plan_op_at(b->plan, last);
	const char *cluster = migplan_table_cluster_name(def) ? migplan_table_cluster_name(def)
	                                                      : migplan_op_cluster_name(at);
	copy_spec spec = {old, def, renames, rename_count, NULL, NULL, migplan_op_database(at), table};
	copy_notes notes;
	memset(&notes, 0, sizeof(notes));
	const char *tmp = NULL;
	migplan__sb_puts(&b->desc, "Rebuild ");
	migplan__sb_qualified(&b->desc, migplan__rw_db(b, db), table);
	migplan__sb_printf(&b->desc, " instead of altering it in place (ClickHouse refuses the "
	                   "change): replace its %zu ALTER operation(s) by the complete definition "
	                   "from local_infra_map.json, created under a temporary name.",
	                   b->removed.count);
	int ok = swap_sequence(b, &spec, cluster, last, &notes, &tmp);
	if (ok)
		describe_swap(b, spec.from_db, table, tmp, &notes);
	notes_release(&notes);
	free(renames);
	return ok ? 1 : -1;
}

int migplan__rw_build_rebuild(migplan__rw_build *b)
{
	const char *db = b->parsed.database, *table = b->parsed.table;
	/* the old columns come from the remote snapshot: without it nothing can be copied */
	const migplan_table *old = migplan_snapshot_table_find(b->plan->remote, db, table);
	if (!old || !table)
		return 0;
	size_t drop = find_op(b, MIGPLAN_OP_DROP_TABLE, db, table, 0);
	if (drop == NONE)
		return rebuild_from_local(b, old, db, table);
	size_t create = find_op(b, MIGPLAN_OP_CREATE_TABLE, db, table, drop + 1);
	if (create != NONE)
		return rebuild_same_name(b, old, drop, create);
	create = find_new_version(b, old, db, drop + 1);
	if (create != NONE)
		return rebuild_version(b, old, drop, create);
	return 0;
}
