/* ClickHouse statements for operations, tables and views (FORMAT.md 1.4).
 *
 * Every identifier goes through migplan__sb_ident and every literal through migplan__sb_literal;
 * expressions that Moose copies verbatim into its DDL (defaults, ORDER BY, TTL, view SELECTs,
 * RawSql) are copied verbatim here too, because that is what production will run. */
#include <stdlib.h>
#include <string.h>

#include "migplan/ddl.h"

#include "error.h"
#include "model.h"
#include "strbuf.h"

struct migplan_sql {
	char **stmts;
	size_t count;
	size_t cap;
};

typedef struct ddl_ctx {
	migplan__sb sb;
	migplan_sql *out;
	const char *db; /* default database */
	uint32_t flags;
	migplan_status status;
} ddl_ctx;

void migplan_sql_free(migplan_sql *sql)
{
	if (!sql)
		return;
	for (size_t i = 0; i < sql->count; i++)
		free(sql->stmts[i]);
	free(sql->stmts);
	free(sql);
}

size_t migplan_sql_count(const migplan_sql *sql)
{
	return sql ? sql->count : 0;
}

const char *migplan_sql_at(const migplan_sql *sql, size_t i)
{
	return sql && i < sql->count ? sql->stmts[i] : NULL;
}

/* Moves the statement built so far into the list. */
static void emit(ddl_ctx *c)
{
	if (c->status != MIGPLAN_OK)
		return;
	char *s = NULL;
	if (migplan__sb_finish(&c->sb, &s) != MIGPLAN_OK) {
		c->status = MIGPLAN_ENOMEM;
		return;
	}
	migplan_sql *o = c->out;
	if (o->count == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4;
		char **p = realloc(o->stmts, cap * sizeof(*p));
		if (!p) {
			free(s);
			c->status = migplan__error_oom();
			return;
		}
		o->stmts = p;
		o->cap = cap;
	}
	o->stmts[o->count++] = s;
}

static void fail(ddl_ctx *c, migplan_status st)
{
	if (c->status == MIGPLAN_OK)
		c->status = st;
}

static const char *or_default(const ddl_ctx *c, const char *db)
{
	return db ? db : c->db;
}

static void alter_prefix(ddl_ctx *c, const migplan_op *op)
{
	migplan__sb_puts(&c->sb, "ALTER TABLE ");
	migplan__sb_qualified(&c->sb, or_default(c, migplan_op_database(op)), migplan_op_table_name(op));
	if (migplan_op_cluster_name(op)) {
		migplan__sb_puts(&c->sb, " ON CLUSTER ");
		migplan__sb_ident(&c->sb, migplan_op_cluster_name(op));
	}
	migplan__sb_putc(&c->sb, ' ');
}

static const char *column_type(ddl_ctx *c, const migplan_column *col)
{
	const char *t = (c->flags & MIGPLAN_SQL_AS_MOOSE) ? migplan_column_moose_clickhouse_type(col)
	                                                  : migplan_column_clickhouse_type(col);
	if (!t)
		fail(c, migplan__error_node(MIGPLAN_EUNSUPPORTED, migplan_column_data_type(col),
		                            "column `%s` has no ClickHouse type (Moose cannot map it)",
		                            migplan_column_name(col)));
	return t ? t : "";
}

/* `name` Type [DEFAULT|MATERIALIZED|ALIAS e] [COMMENT '...'] [CODEC(...)] [TTL e] */
static void column_definition(ddl_ctx *c, const migplan_column *col)
{
	migplan__sb_ident(&c->sb, migplan_column_name(col));
	migplan__sb_putc(&c->sb, ' ');
	migplan__sb_puts(&c->sb, column_type(c, col));
	if (migplan_column_default(col))
		migplan__sb_printf(&c->sb, " DEFAULT %s", migplan_column_default(col));
	else if (migplan_column_materialized(col))
		migplan__sb_printf(&c->sb, " MATERIALIZED %s", migplan_column_materialized(col));
	else if (migplan_column_alias(col))
		migplan__sb_printf(&c->sb, " ALIAS %s", migplan_column_alias(col));
	if (migplan_column_comment(col)) {
		migplan__sb_puts(&c->sb, " COMMENT ");
		migplan__sb_literal(&c->sb, migplan_column_comment(col));
	}
	if (migplan_column_codec(col))
		migplan__sb_printf(&c->sb, " CODEC(%s)", migplan_column_codec(col));
	if (migplan_column_ttl(col))
		migplan__sb_printf(&c->sb, " TTL %s", migplan_column_ttl(col));
}

static void index_definition(ddl_ctx *c, const migplan_index *ix)
{
	migplan__sb_puts(&c->sb, "INDEX ");
	migplan__sb_ident(&c->sb, migplan_index_name(ix));
	migplan__sb_printf(&c->sb, " %s TYPE ", migplan_index_expression(ix));
	migplan__sb_bare_name(&c->sb, migplan_index_type(ix));
	size_t n = migplan_index_argument_count(ix);
	if (n) {
		/* index arguments are SQL fragments as Moose writes them ('0.01', '100') */
		migplan__sb_putc(&c->sb, '(');
		for (size_t i = 0; i < n; i++)
			migplan__sb_printf(&c->sb, "%s%s", i ? ", " : "", migplan_index_argument_at(ix, i));
		migplan__sb_putc(&c->sb, ')');
	}
	migplan__sb_printf(&c->sb, " GRANULARITY %llu", (unsigned long long)migplan_index_granularity(ix));
}

static void scalar_arg(ddl_ctx *c, const migplan_node *v, int first)
{
	if (!first)
		migplan__sb_puts(&c->sb, ", ");
	if (migplan_node_kind_of(v) == MIGPLAN_NODE_STRING)
		migplan__sb_literal(&c->sb, migplan_node_text(v, NULL));
	else
		migplan__sb_puts(&c->sb, migplan_node_text(v, NULL) ? migplan_node_text(v, NULL) : "NULL");
}

/* The MergeTree family's engine parameters are column names, not literals. */
static void merge_tree_params(ddl_ctx *c, const migplan_node *p)
{
	static const char *const keys[] = {"ver", "is_deleted", "sign", "version", NULL};
	int first = 1;
	const migplan_node *cols = migplan_node_get(p, "columns");
	if (migplan_node_kind_of(cols) == MIGPLAN_NODE_SEQ && migplan_node_count(cols)) {
		migplan__sb_puts(&c->sb, "((");
		for (size_t i = 0; i < migplan_node_count(cols); i++) {
			if (i)
				migplan__sb_puts(&c->sb, ", ");
			migplan__sb_ident(&c->sb, migplan_node_text(migplan_node_at(cols, i), NULL));
		}
		migplan__sb_puts(&c->sb, "))");
		return;
	}
	for (int k = 0; keys[k]; k++) {
		const migplan_node *v = migplan_node_get(p, keys[k]);
		if (migplan_node_kind_of(v) != MIGPLAN_NODE_STRING)
			continue;
		migplan__sb_puts(&c->sb, first ? "(" : ", ");
		migplan__sb_ident(&c->sb, migplan_node_text(v, NULL));
		first = 0;
	}
	if (!first)
		migplan__sb_putc(&c->sb, ')');
}

static int is_local_merge_tree(const char *engine)
{
	size_t n = strlen(engine);
	return n >= 9 && strcmp(engine + n - 9, "MergeTree") == 0;
}

static void engine_clause(ddl_ctx *c, const migplan_table *t)
{
	const char *engine = migplan_table_engine(t);
	const migplan_node *node = migplan_table_engine_node(t);
	const migplan_node *params = migplan_node_kind_of(node) == MIGPLAN_NODE_MAP ? migplan_node_at(node, 0) : NULL;
	int replicated = strncmp(engine, "Replicated", 10) == 0;

	if ((c->flags & MIGPLAN_SQL_LOCAL_ENGINES) && !is_local_merge_tree(engine)) {
		migplan__sb_puts(&c->sb, "MergeTree");
		return;
	}
	if ((c->flags & MIGPLAN_SQL_LOCAL_ENGINES) && replicated)
		engine += 10;
	migplan__sb_bare_name(&c->sb, engine);
	if (is_local_merge_tree(engine)) {
		if (replicated && !(c->flags & MIGPLAN_SQL_LOCAL_ENGINES)) {
			const migplan_node *kp = migplan_node_get(params, "keeper_path");
			const migplan_node *rn = migplan_node_get(params, "replica_name");
			if (migplan_node_kind_of(kp) == MIGPLAN_NODE_STRING && migplan_node_kind_of(rn) == MIGPLAN_NODE_STRING) {
				migplan__sb_putc(&c->sb, '(');
				migplan__sb_literal(&c->sb, migplan_node_text(kp, NULL));
				migplan__sb_puts(&c->sb, ", ");
				migplan__sb_literal(&c->sb, migplan_node_text(rn, NULL));
				migplan__sb_putc(&c->sb, ')');
				return;
			}
		}
		merge_tree_params(c, params);
		return;
	}
	/* Other engines (Kafka, S3, Merge, Buffer, ...): their scalar parameters in Moose's field order. */
	if (params && migplan_node_count(params)) {
		int first = 1;
		migplan__sb_putc(&c->sb, '(');
		for (size_t i = 0; i < migplan_node_count(params); i++) {
			const migplan_node *v = migplan_node_at(params, i);
			if (migplan_node_kind_of(v) == MIGPLAN_NODE_SEQ || migplan_node_kind_of(v) == MIGPLAN_NODE_MAP ||
			    migplan_node_kind_of(v) == MIGPLAN_NODE_NULL)
				continue;
			scalar_arg(c, v, first);
			first = 0;
		}
		migplan__sb_putc(&c->sb, ')');
	}
}

static void primary_key_clause(ddl_ctx *c, const migplan_table *t)
{
	if (migplan_table_primary_key_expression(t)) {
		migplan__sb_printf(&c->sb, "\nPRIMARY KEY %s", migplan_table_primary_key_expression(t));
		return;
	}
	int n = 0;
	for (size_t i = 0; i < migplan_table_column_count(t); i++) {
		const migplan_column *col = migplan_table_column_at(t, i);
		if (!migplan_column_primary_key(col))
			continue;
		migplan__sb_puts(&c->sb, n++ ? ", " : "\nPRIMARY KEY (");
		migplan__sb_ident(&c->sb, migplan_column_name(col));
	}
	if (n)
		migplan__sb_putc(&c->sb, ')');
}

static void settings_clause(ddl_ctx *c, const migplan_node *settings)
{
	size_t n = migplan_node_count(settings);
	for (size_t i = 0; i < n; i++) {
		migplan__sb_puts(&c->sb, i ? ", " : "\nSETTINGS ");
		migplan__sb_bare_name(&c->sb, migplan_node_text(migplan_node_key_at(settings, i), NULL));
		migplan__sb_puts(&c->sb, " = ");
		migplan__sb_setting_value(&c->sb, migplan_node_text(migplan_node_at(settings, i), NULL));
	}
}

/* The list form of `order_by` names columns, which Moose joins bare into a tuple
 * (OrderBy::to_expr): a column whose name is not a plain word is quoted; other entries are
 * expressions written by hand and stay verbatim, like the one-string form. */
static void order_by_clause(ddl_ctx *c, const migplan_table *t)
{
	size_t n = migplan_table_order_by_count(t);
	if (n == 0) {
		migplan__sb_puts(&c->sb, migplan_table_order_by_expression(t));
		return;
	}
	if (n > 1)
		migplan__sb_putc(&c->sb, '(');
	for (size_t i = 0; i < n; i++) {
		const char *e = migplan_table_order_by_at(t, i);
		if (i)
			migplan__sb_puts(&c->sb, ", ");
		if (!migplan__sql_is_word(e) && migplan_table_column_find(t, e))
			migplan__sb_ident(&c->sb, e);
		else
			migplan__sb_puts(&c->sb, e);
	}
	if (n > 1)
		migplan__sb_putc(&c->sb, ')');
}

static void create_table(ddl_ctx *c, const migplan_table *t)
{
	const char *engine = migplan_table_engine(t);
	int merge_tree = is_local_merge_tree(engine) || (c->flags & MIGPLAN_SQL_LOCAL_ENGINES);

	migplan__sb_puts(&c->sb, "CREATE TABLE IF NOT EXISTS ");
	migplan__sb_qualified(&c->sb, or_default(c, migplan_table_database(t)), migplan_table_name(t));
	if (migplan_table_cluster_name(t)) {
		migplan__sb_puts(&c->sb, " ON CLUSTER ");
		migplan__sb_ident(&c->sb, migplan_table_cluster_name(t));
	}
	migplan__sb_puts(&c->sb, "\n(");
	size_t n = migplan_table_column_count(t), k = 0;
	for (size_t i = 0; i < n; i++, k++) {
		migplan__sb_puts(&c->sb, k ? ",\n    " : "\n    ");
		column_definition(c, migplan_table_column_at(t, i));
	}
	for (size_t i = 0; i < migplan_table_index_count(t); i++, k++) {
		migplan__sb_puts(&c->sb, k ? ",\n    " : "\n    ");
		index_definition(c, migplan_table_index_at(t, i));
	}
	for (size_t i = 0; i < migplan_table_projection_count(t); i++, k++) {
		migplan__sb_puts(&c->sb, k ? ",\n    PROJECTION " : "\n    PROJECTION ");
		migplan__sb_ident(&c->sb, migplan_table_projection_name(t, i));
		migplan__sb_printf(&c->sb, " (%s)", migplan_table_projection_body(t, i));
	}
	migplan__sb_puts(&c->sb, "\n)\nENGINE = ");
	engine_clause(c, t);
	if (merge_tree) {
		if (is_local_merge_tree(engine))
			primary_key_clause(c, t);
		if (migplan_table_partition_by(t) && is_local_merge_tree(engine))
			migplan__sb_printf(&c->sb, "\nPARTITION BY %s", migplan_table_partition_by(t));
		if (migplan_table_sample_by(t) && is_local_merge_tree(engine))
			migplan__sb_printf(&c->sb, "\nSAMPLE BY %s", migplan_table_sample_by(t));
		migplan__sb_puts(&c->sb, "\nORDER BY ");
		if (is_local_merge_tree(engine))
			order_by_clause(c, t);
		else
			migplan__sb_puts(&c->sb, "tuple()");
		if (migplan_table_ttl(t) && is_local_merge_tree(engine))
			migplan__sb_printf(&c->sb, "\nTTL %s", migplan_table_ttl(t));
	}
	if (is_local_merge_tree(engine))
		settings_clause(c, migplan_table_settings(t));
	emit(c);
}

static int str_eq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Only the comment differs: Moose sends a comment-only MODIFY COLUMN. */
static int only_comment_differs(ddl_ctx *c, const migplan_column *a, const migplan_column *b)
{
	const char *ta = column_type(c, a), *tb = column_type(c, b);
	return str_eq(ta, tb) && str_eq(migplan_column_default(a), migplan_column_default(b)) &&
	       str_eq(migplan_column_materialized(a), migplan_column_materialized(b)) &&
	       str_eq(migplan_column_alias(a), migplan_column_alias(b)) &&
	       str_eq(migplan_column_codec(a), migplan_column_codec(b)) &&
	       str_eq(migplan_column_ttl(a), migplan_column_ttl(b)) &&
	       !str_eq(migplan_column_comment(a), migplan_column_comment(b));
}

static void modify_remove(ddl_ctx *c, const migplan_op *op, const char *col, const char *what)
{
	alter_prefix(c, op);
	migplan__sb_puts(&c->sb, "MODIFY COLUMN ");
	migplan__sb_ident(&c->sb, col);
	migplan__sb_printf(&c->sb, " REMOVE %s", what);
	emit(c);
}

static void modify_column(ddl_ctx *c, const migplan_op *op)
{
	const migplan_column *before = migplan_op_before_column(op), *after = migplan_op_column(op);
	const char *name = migplan_column_name(after);
	if (only_comment_differs(c, before, after)) {
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "MODIFY COLUMN ");
		migplan__sb_ident(&c->sb, name);
		migplan__sb_puts(&c->sb, " COMMENT ");
		migplan__sb_literal(&c->sb, migplan_column_comment(after) ? migplan_column_comment(after) : "");
		emit(c);
		return;
	}
	if (migplan_column_default(before) && !migplan_column_default(after))
		modify_remove(c, op, name, "DEFAULT");
	if (migplan_column_materialized(before) && !migplan_column_materialized(after))
		modify_remove(c, op, name, "MATERIALIZED");
	if (migplan_column_alias(before) && !migplan_column_alias(after))
		modify_remove(c, op, name, "ALIAS");
	if (migplan_column_ttl(before) && !migplan_column_ttl(after))
		modify_remove(c, op, name, "TTL");
	if (migplan_column_codec(before) && !migplan_column_codec(after))
		modify_remove(c, op, name, "CODEC");
	alter_prefix(c, op);
	migplan__sb_puts(&c->sb, "MODIFY COLUMN IF EXISTS ");
	column_definition(c, after);
	emit(c);
}

static void modify_settings(ddl_ctx *c, const migplan_op *op)
{
	const migplan_node *before = migplan_op_field(op, "before_settings");
	const migplan_node *after = migplan_op_field(op, "after_settings");
	int n = 0;
	for (size_t i = 0; i < migplan_node_count(after); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(after, i), NULL);
		const char *v = migplan_node_text(migplan_node_at(after, i), NULL);
		const migplan_node *old = migplan_node_get(before, k);
		if (old && str_eq(migplan_node_text(old, NULL), v))
			continue;
		if (!n++) {
			alter_prefix(c, op);
			migplan__sb_puts(&c->sb, "MODIFY SETTING ");
		} else {
			migplan__sb_puts(&c->sb, ", ");
		}
		migplan__sb_bare_name(&c->sb, k);
		migplan__sb_puts(&c->sb, " = ");
		migplan__sb_setting_value(&c->sb, v);
	}
	if (n)
		emit(c);
	n = 0;
	for (size_t i = 0; i < migplan_node_count(before); i++) {
		const char *k = migplan_node_text(migplan_node_key_at(before, i), NULL);
		if (migplan_node_get(after, k))
			continue;
		if (!n++) {
			alter_prefix(c, op);
			migplan__sb_puts(&c->sb, "RESET SETTING ");
		} else {
			migplan__sb_puts(&c->sb, ", ");
		}
		migplan__sb_bare_name(&c->sb, k);
	}
	if (n)
		emit(c);
}

static void drop_object(ddl_ctx *c, const char *what, const migplan_op *op)
{
	migplan__sb_printf(&c->sb, "DROP %s IF EXISTS ", what);
	migplan__sb_qualified(&c->sb, or_default(c, migplan_op_database(op)), migplan_op_table_name(op));
	emit(c);
}

static void raw_sql(ddl_ctx *c, const migplan_op *op)
{
	for (size_t i = 0; i < migplan_op_sql_count(op); i++) {
		const char *s = migplan_op_sql_at(op, i);
		size_t len = strlen(s);
		while (len && strchr(" \t\r\n", s[len - 1]))
			len--;
		const char *p = s;
		while (*p && strchr(" \t\r\n", *p))
			p++;
		if (p >= s + len) /* Moose skips items that are empty after trimming */
			continue;
		migplan__sb_append(&c->sb, s, len);
		emit(c);
	}
}

static void op_statements(ddl_ctx *c, const migplan_op *op)
{
	const char *obj = migplan_op_object_name(op);
	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
		create_table(c, migplan_op_table(op));
		break;
	case MIGPLAN_OP_DROP_TABLE:
		migplan__sb_puts(&c->sb, "DROP TABLE IF EXISTS ");
		migplan__sb_qualified(&c->sb, or_default(c, migplan_op_database(op)), migplan_op_table_name(op));
		if (migplan_op_cluster_name(op)) {
			migplan__sb_puts(&c->sb, " ON CLUSTER ");
			migplan__sb_ident(&c->sb, migplan_op_cluster_name(op));
			migplan__sb_puts(&c->sb, " SYNC");
		}
		emit(c);
		break;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "ADD COLUMN ");
		column_definition(c, migplan_op_column(op));
		if (migplan_op_position_after(op)) {
			migplan__sb_puts(&c->sb, " AFTER ");
			migplan__sb_ident(&c->sb, migplan_op_position_after(op));
		} else {
			migplan__sb_puts(&c->sb, " FIRST");
		}
		emit(c);
		break;
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "DROP COLUMN IF EXISTS ");
		migplan__sb_ident(&c->sb, migplan_op_column_name(op));
		emit(c);
		break;
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		modify_column(c, op);
		break;
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "RENAME COLUMN ");
		migplan__sb_ident(&c->sb, migplan_op_column_name(op));
		migplan__sb_puts(&c->sb, " TO ");
		migplan__sb_ident(&c->sb, migplan_op_new_column_name(op));
		emit(c);
		break;
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
		modify_settings(c, op);
		break;
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		alter_prefix(c, op);
		if (migplan_op_expression(op))
			migplan__sb_printf(&c->sb, "MODIFY TTL %s", migplan_op_expression(op));
		else
			migplan__sb_puts(&c->sb, "REMOVE TTL");
		emit(c);
		break;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "ADD ");
		index_definition(c, migplan_op_index_def(op));
		emit(c);
		break;
	case MIGPLAN_OP_DROP_TABLE_INDEX:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "DROP INDEX ");
		migplan__sb_ident(&c->sb, obj);
		emit(c);
		break;
	case MIGPLAN_OP_ADD_TABLE_PROJECTION:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "ADD PROJECTION IF NOT EXISTS ");
		migplan__sb_ident(&c->sb, obj);
		migplan__sb_printf(&c->sb, " (%s)", migplan_op_projection_body(op));
		emit(c);
		break;
	case MIGPLAN_OP_DROP_TABLE_PROJECTION:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "DROP PROJECTION IF EXISTS ");
		migplan__sb_ident(&c->sb, obj);
		emit(c);
		break;
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
		alter_prefix(c, op);
		migplan__sb_printf(&c->sb, "MODIFY SAMPLE BY %s", migplan_op_expression(op));
		emit(c);
		break;
	case MIGPLAN_OP_REMOVE_SAMPLE_BY:
		alter_prefix(c, op);
		migplan__sb_puts(&c->sb, "REMOVE SAMPLE BY");
		emit(c);
		break;
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW: {
		const char *db = or_default(c, migplan_op_database(op));
		migplan__sb_puts(&c->sb, "CREATE MATERIALIZED VIEW IF NOT EXISTS ");
		migplan__sb_qualified(&c->sb, db, migplan_op_table_name(op));
		migplan__sb_puts(&c->sb, " TO ");
		migplan__sb_qualified(&c->sb, migplan_op_target_database(op) ? migplan_op_target_database(op) : db,
		                      migplan_op_target_table(op));
		migplan__sb_printf(&c->sb, " AS %s", migplan_op_select_sql(op));
		emit(c);
		break;
	}
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
	case MIGPLAN_OP_DROP_VIEW:
		drop_object(c, "VIEW", op);
		break;
	case MIGPLAN_OP_CREATE_VIEW:
		migplan__sb_puts(&c->sb, "CREATE VIEW IF NOT EXISTS ");
		migplan__sb_qualified(&c->sb, or_default(c, migplan_op_database(op)), migplan_op_table_name(op));
		migplan__sb_printf(&c->sb, " AS %s", migplan_op_select_sql(op));
		emit(c);
		break;
	case MIGPLAN_OP_RAW_SQL:
		raw_sql(c, op);
		break;
	}
}

static migplan_status begin(ddl_ctx *c, migplan_sql **out, const char *db, uint32_t flags)
{
	memset(c, 0, sizeof(*c));
	c->db = db ? db : "local";
	c->flags = flags;
	c->out = calloc(1, sizeof(*c->out));
	if (!c->out)
		return migplan__error_oom();
	*out = NULL;
	return MIGPLAN_OK;
}

static migplan_status finish(ddl_ctx *c, migplan_sql **out)
{
	if (c->sb.failed && c->status == MIGPLAN_OK)
		c->status = migplan__error_oom();
	migplan__sb_reset(&c->sb);
	if (c->status != MIGPLAN_OK) {
		migplan_sql_free(c->out);
		return c->status;
	}
	*out = c->out;
	return MIGPLAN_OK;
}

migplan_status migplan_op_to_sql(migplan_sql **out, const migplan_op *op, const char *default_database,
                                 uint32_t flags)
{
	ddl_ctx c;
	if (!out || !op)
		return migplan__error(MIGPLAN_EINVAL, "migplan_op_to_sql: NULL argument");
	if (!default_database)
		default_database = migplan_plan_default_database(op->plan);
	migplan_status st = begin(&c, out, default_database, flags);
	if (st != MIGPLAN_OK)
		return st;
	op_statements(&c, op);
	return finish(&c, out);
}

migplan_status migplan_table_to_sql(migplan_sql **out, const migplan_table *table,
                                    const char *default_database, uint32_t flags)
{
	ddl_ctx c;
	if (!out || !table)
		return migplan__error(MIGPLAN_EINVAL, "migplan_table_to_sql: NULL argument");
	migplan_status st = begin(&c, out, default_database, flags);
	if (st != MIGPLAN_OK)
		return st;
	create_table(&c, table);
	return finish(&c, out);
}

migplan_status migplan_view_to_sql(migplan_sql **out, const migplan_view *view,
                                   const char *default_database, uint32_t flags)
{
	ddl_ctx c;
	if (!out || !view)
		return migplan__error(MIGPLAN_EINVAL, "migplan_view_to_sql: NULL argument");
	migplan_status st = begin(&c, out, default_database, flags);
	if (st != MIGPLAN_OK)
		return st;
	const char *db = or_default(&c, migplan_view_database(view));
	if (migplan_view_kind_of(view) == MIGPLAN_VIEW_MATERIALIZED) {
		migplan__sb_puts(&c.sb, "CREATE MATERIALIZED VIEW IF NOT EXISTS ");
		migplan__sb_qualified(&c.sb, db, migplan_view_name(view));
		migplan__sb_puts(&c.sb, " TO ");
		migplan__sb_qualified(&c.sb, migplan_view_target_database(view) ? migplan_view_target_database(view) : db,
		                      migplan_view_target_table(view));
	} else {
		migplan__sb_puts(&c.sb, "CREATE VIEW IF NOT EXISTS ");
		migplan__sb_qualified(&c.sb, db, migplan_view_name(view));
	}
	migplan__sb_printf(&c.sb, " AS %s", migplan_view_select_sql(view));
	emit(&c);
	return finish(&c, out);
}

static migplan_status quote(const char *text, char **out, int ident)
{
	if (!text || !out)
		return migplan__error(MIGPLAN_EINVAL, "quote: NULL argument");
	migplan__sb sb = MIGPLAN__SB_INIT;
	if (ident)
		migplan__sb_ident(&sb, text);
	else
		migplan__sb_literal(&sb, text);
	return migplan__sb_finish(&sb, out);
}

migplan_status migplan_sql_quote_identifier(const char *name, char **out)
{
	return quote(name, out, 1);
}

migplan_status migplan_sql_quote_literal(const char *text, char **out)
{
	return quote(text, out, 0);
}
