/* Typed model of plan.yaml: the top level and the 19 operation variants (FORMAT.md 1.2-1.4).
 *
 * Each variant is described by a table of its fields; one generic reader fills the operation
 * from it, so adding a field is one line. The rules are serde's: an operation is a one-key
 * mapping named after its variant, a non-Option field must be present, null is absent for an
 * Option field, and extra keys are ignored. */
#include "model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

enum field_type {
	F_STR,        /* string stored at off */
	F_COLUMN,     /* Column object; migplan_column * stored at off */
	F_TABLE,      /* CreateTable's table */
	F_INDEX,      /* AddTableIndex's index */
	F_PROJECTION, /* {name, body}: object_name and projection_body */
	F_SETTINGS,   /* mapping of strings, checked and reached through migplan_op_field() */
	F_SQL         /* RawSql's list of statements */
};

typedef struct field_spec {
	const char *key;
	unsigned char type;
	unsigned char required;
	unsigned short off;
} field_spec;

#define FIELD(key, type, req, member) {key, type, req, offsetof(migplan_op, member)}
#define STR(key, req, member) FIELD(key, F_STR, req, member)
#define END {NULL, 0, 0, 0}
/* cluster_name, database and table: every table ALTER carries them */
#define TABLE_TARGET STR("cluster_name", 0, cluster_name), STR("database", 0, database), \
	STR("table", 1, table_name)

static const field_spec f_create_table[] = {FIELD("table", F_TABLE, 1, table), END};
static const field_spec f_drop_table[] = {TABLE_TARGET, END};
static const field_spec f_add_column[] = {
	TABLE_TARGET, STR("after_column", 0, position_after),
	FIELD("column", F_COLUMN, 1, column), END};
static const field_spec f_drop_column[] = {TABLE_TARGET, STR("column_name", 1, column_name), END};
static const field_spec f_modify_column[] = {
	TABLE_TARGET, FIELD("after_column", F_COLUMN, 1, column),
	FIELD("before_column", F_COLUMN, 1, before_column), END};
static const field_spec f_rename_column[] = {
	TABLE_TARGET, STR("before_column_name", 1, column_name),
	STR("after_column_name", 1, new_column_name), END};
/* the settings maps are only checked; migplan_op_field() reaches them */
#define CHECKED(key, type) {key, type, 0, 0}
static const field_spec f_modify_settings[] = {
	TABLE_TARGET, CHECKED("after_settings", F_SETTINGS), CHECKED("before_settings", F_SETTINGS),
	END};
static const field_spec f_modify_ttl[] = {
	TABLE_TARGET, STR("after", 0, expression), STR("before", 0, before_expression), END};
static const field_spec f_add_index[] = {TABLE_TARGET, FIELD("index", F_INDEX, 1, index_def), END};
static const field_spec f_drop_index[] = {TABLE_TARGET, STR("index_name", 1, object_name), END};
static const field_spec f_add_projection[] = {
	TABLE_TARGET, FIELD("projection", F_PROJECTION, 1, object_name), END};
static const field_spec f_drop_projection[] = {
	TABLE_TARGET, STR("projection_name", 1, object_name), END};
static const field_spec f_modify_sample_by[] = {TABLE_TARGET, STR("expression", 1, expression), END};
static const field_spec f_remove_sample_by[] = {TABLE_TARGET, END};
static const field_spec f_create_mv[] = {
	STR("database", 0, database), STR("name", 1, table_name), STR("select_sql", 1, select_sql),
	STR("target_database", 0, target_database), STR("target_table", 1, target_table), END};
static const field_spec f_drop_view[] = {STR("database", 0, database), STR("name", 1, table_name), END};
static const field_spec f_create_view[] = {
	STR("database", 0, database), STR("name", 1, table_name), STR("select_sql", 1, select_sql), END};
static const field_spec f_raw_sql[] = {
	STR("description", 1, description), FIELD("sql", F_SQL, 1, sql), END};

typedef struct variant {
	const char *name;
	const field_spec *fields;
} variant;

/* Indexed by migplan_op_kind - 1; the names are serde's variant names. */
static const variant variants[] = {
	{"CreateTable", f_create_table},
	{"DropTable", f_drop_table},
	{"AddTableColumn", f_add_column},
	{"DropTableColumn", f_drop_column},
	{"ModifyTableColumn", f_modify_column},
	{"RenameTableColumn", f_rename_column},
	{"ModifyTableSettings", f_modify_settings},
	{"ModifyTableTtl", f_modify_ttl},
	{"AddTableIndex", f_add_index},
	{"DropTableIndex", f_drop_index},
	{"AddTableProjection", f_add_projection},
	{"DropTableProjection", f_drop_projection},
	{"ModifySampleBy", f_modify_sample_by},
	{"RemoveSampleBy", f_remove_sample_by},
	{"CreateMaterializedView", f_create_mv},
	{"DropMaterializedView", f_drop_view},
	{"CreateView", f_create_view},
	{"DropView", f_drop_view},
	{"RawSql", f_raw_sql},
};

#define VARIANT_COUNT (sizeof(variants) / sizeof(variants[0]))

const char *migplan_op_kind_name(migplan_op_kind kind)
{
	if (kind < 1 || (size_t)kind > VARIANT_COUNT)
		return NULL;
	return variants[kind - 1].name;
}

migplan_op_kind migplan_op_kind_from_name(const char *name)
{
	if (!name)
		return (migplan_op_kind)0;
	for (size_t i = 0; i < VARIANT_COUNT; i++)
		if (strcmp(variants[i].name, name) == 0)
			return (migplan_op_kind)(i + 1);
	return (migplan_op_kind)0;
}

/* ---------------------------------------------------------------- unknown variant names */

/* Case-insensitive edit distance, capped: names longer than 64 are never close. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[65];
	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
			size_t best = diag + (same ? 0 : 1);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* A name reduced to what people mean by it: lower case, letters and digits only, the verb
 * replaced by its class (Delete/Remove -> drop, Create/Add -> add, Alter/Change -> modify) and
 * "table" dropped. `DeleteTableColumn` (the docs' spelling), `drop_column` and `AlterColumn`
 * then meet `DropTableColumn` and `ModifyTableColumn`, which no edit distance finds. */
static void meaning(const char *name, char *out, size_t size)
{
	static const char *const verbs[][2] = {
		{"delete", "drop"}, {"remove", "drop"}, {"destroy", "drop"}, {"drop", "drop"},
		{"create", "add"},  {"insert", "add"},  {"new", "add"},      {"add", "add"},
		{"modify", "modify"}, {"alter", "modify"}, {"change", "modify"}, {"update", "modify"},
		{"edit", "modify"}, {"set", "modify"},
	};
	char low[80];
	size_t n = 0;
	for (const char *p = name; *p && n + 1 < sizeof(low); p++)
		if (isalnum((unsigned char)*p))
			low[n++] = (char)tolower((unsigned char)*p);
	low[n] = '\0';
	const char *rest = low;
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t vl = strlen(verbs[i][0]);
		if (strncmp(low, verbs[i][0], vl) == 0) {
			o = (size_t)snprintf(out, size, "%s:", verbs[i][1]);
			rest = low + vl;
			break;
		}
	}
	for (; *rest && o + 1 < size; rest++) {
		if (strncmp(rest, "table", 5) == 0) {
			rest += 4;
			continue;
		}
		out[o++] = *rest;
	}
	out[o < size ? o : size - 1] = '\0';
}

/* The variant the user probably meant: same meaning (see above), else the closest spelling
 * when it is close enough to be a typo. */
static const char *closest_variant(const char *name)
{
	char want[96], have[96];
	meaning(name, want, sizeof(want));
	for (size_t i = 0; i < VARIANT_COUNT; i++) {
		meaning(variants[i].name, have, sizeof(have));
		if (strcmp(want, have) == 0)
			return variants[i].name;
	}
	const char *best = NULL;
	size_t best_d = SIZE_MAX;
	for (size_t i = 0; i < VARIANT_COUNT; i++) {
		size_t d = edit_distance(name, variants[i].name);
		if (d < best_d) {
			best_d = d;
			best = variants[i].name;
		}
	}
	size_t len = strlen(name);
	size_t limit = len / 4 > 2 ? len / 4 : 2;
	return best_d <= limit ? best : NULL;
}

static migplan_status unknown_variant(const migplan_node *key)
{
	const char *name = migplan__sptr(key);
	const char *near = closest_variant(name);
	if (near)
		return migplan__error_node(MIGPLAN_ESCHEMA, key,
		                           "unknown operation '%.80s': did you mean %s?", name, near);
	char list[512];
	size_t n = 0;
	for (size_t i = 0; i < VARIANT_COUNT; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
		                      variants[i].name);
	return migplan__error_node(MIGPLAN_ESCHEMA, key,
	                           "unknown operation '%.80s' (expected one of %s)", name, list);
}

/* ---------------------------------------------------------------- operations */

static migplan_status field_object(const migplan__build *b, migplan_op *op, const char *what,
                                   const field_spec *f, const migplan_node *v)
{
	migplan_status st;
	void *slot = (char *)op + f->off;
	switch (f->type) {
	case F_COLUMN: {
		migplan_column *c = migplan__arena_alloc(b->arena, sizeof(*c));
		if (!c)
			return migplan__error_oom();
		*(migplan_column **)slot = c;
		return migplan__column_build(b, c, v);
	}
	case F_TABLE:
		if (!(op->table = migplan__arena_alloc(b->arena, sizeof(*op->table))))
			return migplan__error_oom();
		return migplan__table_build(b, op->table, v);
	case F_INDEX:
		if (!(op->index_def = migplan__arena_alloc(b->arena, sizeof(*op->index_def))))
			return migplan__error_oom();
		return migplan__index_build(b, op->index_def, v);
	case F_PROJECTION:
		if (migplan__kind(v) != MIGPLAN_NODE_MAP)
			return migplan__schema_kind(v, what, f->key, "a mapping with name and body");
		if ((st = migplan__field_str(v, "projection", "name", 1, &op->object_name)))
			return st;
		return migplan__field_str(v, "projection", "body", 1, &op->projection_body);
	default:
		return migplan__error_node(MIGPLAN_ERROR, v, "internal error: bad field type");
	}
}

static migplan_status read_field(const migplan__build *b, migplan_op *op, const char *what,
                                 const field_spec *f)
{
	const migplan_node *v = migplan_node_get(op->body, f->key);
	const migplan_node *unused;
	/* a missing field is reported at the operation, the item the user looks for */
	if (!v)
		return f->required ? migplan__schema_missing(op->node, what, f->key) : MIGPLAN_OK;
	switch (f->type) {
	case F_STR:
		return migplan__field_str(op->body, what, f->key, f->required,
		                          (const char **)(void *)((char *)op + f->off));
	case F_SETTINGS:
		return migplan__field_settings(op->body, what, f->key, &unused);
	case F_SQL:
		return migplan__field_strings(b->arena, op->body, what, f->key, f->required, &op->sql,
		                              &op->sql_count);
	default:
		break;
	}
	if (migplan__kind(v) == MIGPLAN_NODE_NULL && !f->required)
		return MIGPLAN_OK;
	return field_object(b, op, what, f, v);
}

/* Fields that are another field under another name (the accessors' view of the variant). */
static void derive_fields(migplan_op *op)
{
	switch (op->kind) {
	case MIGPLAN_OP_CREATE_TABLE:
		op->table_name = op->table->name;
		op->database = op->table->database;
		op->cluster_name = op->table->cluster_name;
		break;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		op->column_name = op->column->name;
		break;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
		op->object_name = op->index_def->name;
		break;
	default:
		break;
	}
}

/* The item must be a one-key mapping; returns the key (the variant name). */
static migplan_status op_key(const migplan_node *item, const migplan_node **key)
{
	if (migplan__kind(item) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, item,
		                           "an operation must be a mapping with one key, the operation "
		                           "name (e.g. `DropTable:`), found %s",
		                           migplan_node_kind_name(migplan_node_kind_of(item)));
	if (migplan__nkids(item) != 1)
		return migplan__error_node(MIGPLAN_ESCHEMA, item,
		                           "an operation must have exactly one key, the operation "
		                           "name; found %u keys%s%.60s%s", (unsigned)migplan__nkids(item),
		                           migplan__nkids(item) ? " (first: '" : "",
		                           migplan__nkids(item) ? migplan__sptr(migplan__key(item, 0)) : "",
		                           migplan__nkids(item) ? "')" : "");
	*key = migplan__key(item, 0);
	return MIGPLAN_OK;
}

static migplan_status op_build(const migplan__build *b, migplan_plan *plan, migplan_op *op,
                               const migplan_node *item, size_t index)
{
	const migplan_node *key = NULL;
	migplan_status st;
	op->plan = plan;
	op->node = item;
	op->index = index;
	if ((st = op_key(item, &key)))
		return st;
	op->kind = migplan_op_kind_from_name(migplan__sptr(key));
	if (!op->kind)
		return unknown_variant(key);
	const variant *var = &variants[op->kind - 1];
	op->body = migplan__val(item, 0);
	if (migplan__kind(op->body) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, op->body,
		                           "%s must be followed by a mapping of its fields, found %s",
		                           var->name,
		                           migplan_node_kind_name(migplan_node_kind_of(op->body)));
	for (const field_spec *f = var->fields; f->key; f++)
		if ((st = read_field(b, op, var->name, f)))
			return st;
	derive_fields(op);
	return MIGPLAN_OK;
}

static migplan_status plan_root(const migplan_plan *plan)
{
	const migplan_node *root = plan->doc->root;
	if (!root)
		return migplan__error_at(MIGPLAN_ESCHEMA, plan->doc->path, 1, 1, 0,
		                         "the plan is empty: expected a mapping with 'created_at' and "
		                         "'operations'");
	if (migplan__kind(root) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, root,
		                           "a plan must be a mapping with 'created_at' and "
		                           "'operations', found %s",
		                           migplan_node_kind_name(migplan_node_kind_of(root)));
	return MIGPLAN_OK;
}

migplan_status migplan__plan_build(migplan_plan *plan, const migplan__limits *lim)
{
	migplan__build b = {&plan->doc->arena, plan->types};
	migplan_status st;
	if ((st = migplan__doc_refuse_nul(plan->doc)) || (st = plan_root(plan)))
		return st;
	const migplan_node *root = plan->doc->root;
	if ((st = migplan__field_str(root, "the plan", "created_at", 1, &plan->created_at)))
		return st;
	const migplan_node *ops = migplan_node_get(root, "operations");
	if (!ops)
		return migplan__schema_missing(root, "the plan", "operations");
	if (migplan__kind(ops) != MIGPLAN_NODE_SEQ)
		return migplan__schema_kind(ops, "the plan", "operations", "a sequence");
	size_t n = migplan__nkids(ops);
	if (n > lim->max_ops)
		return migplan__error_node(MIGPLAN_ELIMIT, migplan__item(ops, lim->max_ops),
		                           "the plan has more than %u operations (max_ops)",
		                           (unsigned)lim->max_ops);
	if (n) {
		plan->ops = migplan__arena_zalloc(b.arena, n * sizeof(*plan->ops));
		if (!plan->ops)
			return migplan__error_oom();
	}
	for (size_t i = 0; i < n; i++)
		if ((st = op_build(&b, plan, &plan->ops[i], migplan__item(ops, i), i)))
			return st;
	plan->op_count = n;
	return MIGPLAN_OK;
}
