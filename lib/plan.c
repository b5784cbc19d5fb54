/* Public API of the model: loading plans and snapshots, and every accessor of plan.h and
 * snapshot.h. The builders that give the elements their content are in model_plan.c and
 * model_snapshot.c. Getters are NULL-safe: a NULL element gives NULL / 0. */
#include "model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chtype-private.h"
#include "error.h"

/* ---------------------------------------------------------------- snapshots: loading */

void migplan_snapshot_free(migplan_snapshot *snap)
{
	if (!snap)
		return;
	migplan__typecache_free(snap->types);
	free(snap->table_slots);
	migplan__doc_free(snap->doc);
	free(snap);
}

/* Takes ownership of doc, also on failure. */
static migplan_status snapshot_from_doc(migplan_snapshot **out, migplan__doc *doc)
{
	migplan_snapshot *s = calloc(1, sizeof(*s));
	if (!s) {
		migplan__doc_free(doc);
		return migplan__error_oom();
	}
	s->doc = doc;
	s->types = migplan__typecache_new();
	migplan_status st = s->types ? migplan__snapshot_build(s) : migplan__error_oom();
	if (st) {
		migplan_snapshot_free(s);
		return st;
	}
	*out = s;
	return MIGPLAN_OK;
}

static migplan_status snapshot_load_buffer(migplan_snapshot **out, const char *data, size_t len,
                                           const char *name, const migplan__limits *lim)
{
	migplan__doc *doc = NULL;
	migplan_status st = migplan__json_read(&doc, data ? data : "", len, name, lim);
	if (st)
		return st;
	return snapshot_from_doc(out, doc);
}

static migplan_status snapshot_load_file(migplan_snapshot **out, const char *path,
                                         const migplan__limits *lim)
{
	migplan__doc *doc = NULL;
	migplan_status st = migplan__doc_read_file(&doc, path, MIGPLAN__DOC_JSON, lim);
	if (st)
		return st;
	return snapshot_from_doc(out, doc);
}

migplan_status migplan_snapshot_load_file(migplan_snapshot **out, const char *path,
                                          const migplan_parse_options *opts)
{
	migplan__limits lim;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_snapshot_load_file: out is NULL");
	*out = NULL;
	if (!path)
		return migplan__error(MIGPLAN_EINVAL, "migplan_snapshot_load_file: path is NULL");
	migplan_status st = migplan__limits_from(&lim, opts);
	return st ? st : snapshot_load_file(out, path, &lim);
}

migplan_status migplan_snapshot_load_buffer(migplan_snapshot **out, const char *data,
                                            size_t len, const char *name,
                                            const migplan_parse_options *opts)
{
	migplan__limits lim;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_snapshot_load_buffer: out is NULL");
	*out = NULL;
	if (!data && len)
		return migplan__error(MIGPLAN_EINVAL, "migplan_snapshot_load_buffer: data is NULL");
	migplan_status st = migplan__limits_from(&lim, opts);
	return st ? st : snapshot_load_buffer(out, data, len, name ? name : "<buffer>", &lim);
}

/* ---------------------------------------------------------------- plans: loading */

/* Drops what later stages computed from the plan and its snapshots. */
static void plan_stages_free(migplan_plan *plan)
{
	if (plan->rewrite && plan->rewrite_free) /* edits are built from the findings */
		plan->rewrite_free(plan);
	plan->rewrite = NULL;
	if (plan->analysis && plan->analysis_free)
		plan->analysis_free(plan);
	if (plan->classification && plan->classification_free)
		plan->classification_free(plan);
	plan->analysis = NULL;
	plan->classification = NULL;
}

void migplan_plan_free(migplan_plan *plan)
{
	if (!plan)
		return;
	plan_stages_free(plan);
	migplan_snapshot_free(plan->owned_remote);
	migplan_snapshot_free(plan->owned_local);
	migplan__typecache_free(plan->types);
	migplan__doc_free(plan->doc);
	free(plan);
}

/* Takes ownership of doc, also on failure. */
static migplan_status plan_from_doc(migplan_plan **out, migplan__doc *doc,
                                    const migplan__limits *lim)
{
	migplan_plan *p = calloc(1, sizeof(*p));
	if (!p) {
		migplan__doc_free(doc);
		return migplan__error_oom();
	}
	p->doc = doc;
	p->limits = *lim;
	p->types = migplan__typecache_new();
	migplan_status st = p->types ? migplan__plan_build(p, lim) : migplan__error_oom();
	if (st) {
		migplan_plan_free(p);
		return st;
	}
	*out = p;
	return MIGPLAN_OK;
}

static migplan_status plan_load_buffer(migplan_plan **out, const char *data, size_t len,
                                       const char *name, const migplan__limits *lim)
{
	migplan__doc *doc = NULL;
	migplan_status st = migplan__yaml_read(&doc, data ? data : "", len, name, lim);
	if (st)
		return st;
	return plan_from_doc(out, doc, lim);
}

migplan_status migplan_plan_load_buffer(migplan_plan **out, const char *data, size_t len,
                                        const char *name, const migplan_parse_options *opts)
{
	migplan__limits lim;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_buffer: out is NULL");
	*out = NULL;
	if (!data && len)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_buffer: data is NULL");
	migplan_status st = migplan__limits_from(&lim, opts);
	return st ? st : plan_load_buffer(out, data, len, name ? name : "<buffer>", &lim);
}

static migplan_status plan_load_file(migplan_plan **out, const char *path,
                                     const migplan__limits *lim)
{
	migplan__doc *doc = NULL;
	migplan_status st = migplan__doc_read_file(&doc, path, MIGPLAN__DOC_YAML, lim);
	if (st)
		return st;
	return plan_from_doc(out, doc, lim);
}

/* Loads the plan, then the snapshots it is given (either may be NULL). */
static migplan_status plan_load_all(migplan_plan **out, const char *plan_path,
                                    const char *remote_path, const char *local_path,
                                    const migplan__limits *lim)
{
	migplan_plan *p = NULL;
	migplan_status st = plan_load_file(&p, plan_path, lim);
	if (!st && remote_path)
		st = snapshot_load_file(&p->owned_remote, remote_path, lim);
	if (!st && local_path)
		st = snapshot_load_file(&p->owned_local, local_path, lim);
	if (st) {
		migplan_plan_free(p);
		return st;
	}
	p->remote = p->owned_remote;
	p->local = p->owned_local;
	*out = p;
	return MIGPLAN_OK;
}

migplan_status migplan_plan_load_files(migplan_plan **out, const char *plan_path,
                                       const char *remote_path, const char *local_path,
                                       const migplan_parse_options *opts)
{
	migplan__limits lim;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_files: out is NULL");
	*out = NULL;
	if (!plan_path)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_files: plan_path is NULL");
	migplan_status st = migplan__limits_from(&lim, opts);
	return st ? st : plan_load_all(out, plan_path, remote_path, local_path, &lim);
}

/* dir/name, malloc'd. */
static char *path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + (size_t)slash + nl + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + (size_t)slash, name, nl + 1);
	return p;
}

/* 1 when the path names something that exists: the snapshots beside plan.yaml are optional,
 * but one that exists and cannot be read is an error, not a silent skip. */
static int path_exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

migplan_status migplan_plan_load_dir(migplan_plan **out, const char *dir,
                                     const migplan_parse_options *opts)
{
	migplan__limits lim;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_dir: out is NULL");
	*out = NULL;
	if (!dir)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_load_dir: dir is NULL");
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st)
		return st;
	char *plan = path_join(dir, "plan.yaml");
	char *remote = path_join(dir, "remote_state.json");
	char *local = path_join(dir, "local_infra_map.json");
	if (!plan || !remote || !local)
		st = migplan__error_oom();
	else if (!path_exists(plan))
		st = migplan__error_at(MIGPLAN_EIO, plan, 0, 0, 0,
		                       "no plan in '%s': '%s' does not exist", dir, plan);
	else
		st = plan_load_all(out, plan, path_exists(remote) ? remote : NULL,
		                   path_exists(local) ? local : NULL, &lim);
	free(plan);
	free(remote);
	free(local);
	return st;
}

migplan_status migplan_plan_attach_snapshots(migplan_plan *plan, const migplan_snapshot *remote,
                                             const migplan_snapshot *local)
{
	if (!plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_attach_snapshots: plan is NULL");
	/* results computed against the old snapshots would be stale */
	plan_stages_free(plan);
	/* a snapshot the plan owns and is given back stays owned; the others are freed */
	if (plan->owned_remote && plan->owned_remote != remote && plan->owned_remote != local) {
		migplan_snapshot_free(plan->owned_remote);
		plan->owned_remote = NULL;
	}
	if (plan->owned_local && plan->owned_local != remote && plan->owned_local != local) {
		migplan_snapshot_free(plan->owned_local);
		plan->owned_local = NULL;
	}
	plan->remote = remote;
	plan->local = local;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- plan accessors */

const char *migplan_plan_path(const migplan_plan *plan)
{
	return plan ? plan->doc->path : NULL;
}

const char *migplan_plan_created_at(const migplan_plan *plan)
{
	return plan ? plan->created_at : NULL;
}

const migplan_node *migplan_plan_root(const migplan_plan *plan)
{
	return plan ? plan->doc->root : NULL;
}

const migplan_snapshot *migplan_plan_snapshot(const migplan_plan *plan,
                                              migplan_snapshot_role role)
{
	if (!plan)
		return NULL;
	if (role == MIGPLAN_SNAPSHOT_REMOTE)
		return plan->remote;
	if (role == MIGPLAN_SNAPSHOT_LOCAL)
		return plan->local;
	return NULL;
}

const char *migplan_plan_default_database(const migplan_plan *plan)
{
	if (plan && plan->remote)
		return plan->remote->default_database;
	if (plan && plan->local)
		return plan->local->default_database;
	return "local";
}

size_t migplan_plan_op_count(const migplan_plan *plan)
{
	return plan ? plan->op_count : 0;
}

const migplan_op *migplan_plan_op_at(const migplan_plan *plan, size_t i)
{
	return plan && i < plan->op_count ? &plan->ops[i] : NULL;
}

/* ---------------------------------------------------------------- operation accessors */

migplan_op_kind migplan_op_kind_of(const migplan_op *op)
{
	return op ? op->kind : (migplan_op_kind)0;
}

size_t migplan_op_index(const migplan_op *op)
{
	return op ? op->index : 0;
}

const migplan_node *migplan_op_node(const migplan_op *op)
{
	return op ? op->node : NULL;
}

const migplan_node *migplan_op_body(const migplan_op *op)
{
	return op ? op->body : NULL;
}

const migplan_node *migplan_op_field(const migplan_op *op, const char *key)
{
	return op ? migplan_node_get(op->body, key) : NULL;
}

#define OP_GETTER(type, fn, member)                 \
	type fn(const migplan_op *op)               \
	{                                           \
		return op ? op->member : NULL;      \
	}

OP_GETTER(const char *, migplan_op_table_name, table_name)
OP_GETTER(const char *, migplan_op_database, database)
OP_GETTER(const char *, migplan_op_cluster_name, cluster_name)
OP_GETTER(const migplan_table *, migplan_op_table, table)
OP_GETTER(const migplan_column *, migplan_op_column, column)
OP_GETTER(const migplan_column *, migplan_op_before_column, before_column)
OP_GETTER(const char *, migplan_op_column_name, column_name)
OP_GETTER(const char *, migplan_op_new_column_name, new_column_name)
OP_GETTER(const char *, migplan_op_position_after, position_after)
OP_GETTER(const migplan_index *, migplan_op_index_def, index_def)
OP_GETTER(const char *, migplan_op_object_name, object_name)
OP_GETTER(const char *, migplan_op_projection_body, projection_body)
OP_GETTER(const char *, migplan_op_expression, expression)
OP_GETTER(const char *, migplan_op_before_expression, before_expression)
OP_GETTER(const char *, migplan_op_select_sql, select_sql)
OP_GETTER(const char *, migplan_op_target_table, target_table)
OP_GETTER(const char *, migplan_op_target_database, target_database)
OP_GETTER(const char *, migplan_op_description, description)

size_t migplan_op_sql_count(const migplan_op *op)
{
	return op ? op->sql_count : 0;
}

const char *migplan_op_sql_at(const migplan_op *op, size_t i)
{
	return op && i < op->sql_count ? op->sql[i] : NULL;
}

/* ---------------------------------------------------------------- snapshot accessors */

const char *migplan_snapshot_path(const migplan_snapshot *snap)
{
	return snap ? snap->doc->path : NULL;
}

const char *migplan_snapshot_default_database(const migplan_snapshot *snap)
{
	return snap ? snap->default_database : NULL;
}

const char *migplan_snapshot_moose_version(const migplan_snapshot *snap)
{
	return snap ? snap->moose_version : NULL;
}

const migplan_node *migplan_snapshot_root(const migplan_snapshot *snap)
{
	return snap ? snap->doc->root : NULL;
}

size_t migplan_snapshot_table_count(const migplan_snapshot *snap)
{
	return snap ? snap->table_count : 0;
}

const migplan_table *migplan_snapshot_table_at(const migplan_snapshot *snap, size_t i)
{
	return snap && i < snap->table_count ? &snap->tables[i] : NULL;
}

size_t migplan_snapshot_mv_count(const migplan_snapshot *snap)
{
	return snap ? snap->mv_count : 0;
}

const migplan_view *migplan_snapshot_mv_at(const migplan_snapshot *snap, size_t i)
{
	return snap && i < snap->mv_count ? &snap->mvs[i] : NULL;
}

size_t migplan_snapshot_view_count(const migplan_snapshot *snap)
{
	return snap ? snap->view_count : 0;
}

const migplan_view *migplan_snapshot_view_at(const migplan_snapshot *snap, size_t i)
{
	return snap && i < snap->view_count ? &snap->views[i] : NULL;
}

/* ---------------------------------------------------------------- table accessors */

#define TABLE_GETTER(type, fn, member)              \
	type fn(const migplan_table *t)             \
	{                                           \
		return t ? t->member : NULL;        \
	}

TABLE_GETTER(const migplan_node *, migplan_table_node, node)
TABLE_GETTER(const char *, migplan_table_name, name)
TABLE_GETTER(const char *, migplan_table_database, database)
TABLE_GETTER(const char *, migplan_table_source_name, source_name)
TABLE_GETTER(const char *, migplan_table_version, version)
TABLE_GETTER(const char *, migplan_table_cluster_name, cluster_name)
TABLE_GETTER(const char *, migplan_table_engine, engine)
TABLE_GETTER(const migplan_node *, migplan_table_engine_node, engine_node)
TABLE_GETTER(const char *, migplan_table_order_by_expression, order_by_expression)
TABLE_GETTER(const char *, migplan_table_partition_by, partition_by)
TABLE_GETTER(const char *, migplan_table_primary_key_expression, primary_key_expression)
TABLE_GETTER(const char *, migplan_table_sample_by, sample_by)
TABLE_GETTER(const char *, migplan_table_ttl, ttl)
TABLE_GETTER(const migplan_node *, migplan_table_settings, settings)

migplan_life_cycle migplan_table_life_cycle(const migplan_table *t)
{
	return t ? t->life_cycle : MIGPLAN_LIFE_CYCLE_FULLY_MANAGED;
}

size_t migplan_table_order_by_count(const migplan_table *t)
{
	return t ? t->order_by_count : 0;
}

const char *migplan_table_order_by_at(const migplan_table *t, size_t i)
{
	return t && i < t->order_by_count ? t->order_by[i] : NULL;
}

size_t migplan_table_column_count(const migplan_table *t)
{
	return t ? t->column_count : 0;
}

const migplan_column *migplan_table_column_at(const migplan_table *t, size_t i)
{
	return t && i < t->column_count ? &t->columns[i] : NULL;
}

/* Tables have tens of columns: a scan beats building an index per table. */
const migplan_column *migplan_table_column_find(const migplan_table *t, const char *name)
{
	if (!t || !name)
		return NULL;
	for (size_t i = 0; i < t->column_count; i++)
		if (strcmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

size_t migplan_table_index_count(const migplan_table *t)
{
	return t ? t->index_count : 0;
}

const migplan_index *migplan_table_index_at(const migplan_table *t, size_t i)
{
	return t && i < t->index_count ? &t->indexes[i] : NULL;
}

size_t migplan_table_projection_count(const migplan_table *t)
{
	return t ? t->projection_count : 0;
}

const char *migplan_table_projection_name(const migplan_table *t, size_t i)
{
	return t && i < t->projection_count ? t->projections[i].name : NULL;
}

const char *migplan_table_projection_body(const migplan_table *t, size_t i)
{
	return t && i < t->projection_count ? t->projections[i].body : NULL;
}

/* ---------------------------------------------------------------- column accessors */

#define COLUMN_GETTER(type, fn, member, none)       \
	type fn(const migplan_column *c)            \
	{                                           \
		return c ? c->member : none;        \
	}

#define COLUMN_EXTRA_GETTER(fn, member)                        \
	const char *fn(const migplan_column *c)                \
	{                                                      \
		return c && c->extra ? c->extra->member : NULL; \
	}

COLUMN_GETTER(const migplan_node *, migplan_column_node, node, NULL)
COLUMN_GETTER(const char *, migplan_column_name, name, NULL)
COLUMN_GETTER(const migplan_node *, migplan_column_data_type, data_type, NULL)
COLUMN_GETTER(int, migplan_column_nullable, nullable, 0)
COLUMN_GETTER(int, migplan_column_primary_key, primary_key, 0)
COLUMN_GETTER(int, migplan_column_low_cardinality, low_cardinality, 0)
COLUMN_EXTRA_GETTER(migplan_column_default, default_expr)
COLUMN_EXTRA_GETTER(migplan_column_materialized, materialized)
COLUMN_EXTRA_GETTER(migplan_column_alias, alias)
COLUMN_EXTRA_GETTER(migplan_column_codec, codec)
COLUMN_EXTRA_GETTER(migplan_column_comment, comment)
COLUMN_EXTRA_GETTER(migplan_column_ttl, ttl)
COLUMN_GETTER(const migplan_node *, migplan_column_annotations, annotations, NULL)
COLUMN_GETTER(const migplan_chtype *, migplan_column_chtype, chtype, NULL)
COLUMN_GETTER(const char *, migplan_column_clickhouse_type, chtype_text, NULL)
COLUMN_GETTER(const char *, migplan_column_moose_clickhouse_type, moose_chtype_text, NULL)

void migplan_column_free(migplan_column *c)
{
	if (!c)
		return;
	migplan__column_clear(c);
	migplan__doc_free(c->own_doc);
	free(c);
}

migplan_status migplan_column_parse(migplan_column **out, const char *text, size_t len)
{
	migplan__limits lim;
	migplan__doc *doc = NULL;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_column_parse: out is NULL");
	*out = NULL;
	if (!text && len)
		return migplan__error(MIGPLAN_EINVAL, "migplan_column_parse: text is NULL");
	migplan_status st = migplan__limits_from(&lim, NULL);
	if (!st)
		st = migplan__yaml_read(&doc, text ? text : "", len, "<column>", &lim);
	if (st)
		return st;
	migplan_column *c = calloc(1, sizeof(*c));
	if (!c) {
		migplan__doc_free(doc);
		return migplan__error_oom();
	}
	migplan__build b = {&doc->arena, NULL};
	if (!doc->root)
		st = migplan__error_at(MIGPLAN_ESCHEMA, doc->path, 1, 1, 0,
		                       "empty input: expected a Moose column object");
	else if (!(st = migplan__doc_refuse_nul(doc)))
		st = migplan__column_build(&b, c, doc->root);
	c->own_doc = doc;
	if (st) {
		migplan_column_free(c);
		return st;
	}
	*out = c;
	return MIGPLAN_OK;
}

migplan_status migplan_moose_column_to_clickhouse(const char *moose_column, size_t len, char **out)
{
	migplan_column *c = NULL;
	if (!out)
		return migplan__error(MIGPLAN_EINVAL, "migplan_moose_column_to_clickhouse: out is NULL");
	*out = NULL;
	migplan_status st = migplan_column_parse(&c, moose_column, len);
	if (st)
		return st;
	if (!c->chtype) {
		/* the load cleared the mapping's EUNSUPPORTED; map again to report it as it was */
		migplan_chtype *t = NULL;
		st = migplan__chtype_from_moose(&t, c->data_type, c->nullable, c->annotations,
		                                MIGPLAN__RENDER_CORRECT);
		migplan_chtype_free(t);
		if (!st)
			st = migplan__error_node(MIGPLAN_EUNSUPPORTED, c->data_type,
			                         "Moose type has no ClickHouse mapping");
	} else {
		size_t n = strlen(c->chtype_text);
		*out = malloc(n + 1);
		if (*out)
			memcpy(*out, c->chtype_text, n + 1);
		else
			st = migplan__error_oom();
	}
	migplan_column_free(c);
	return st;
}

/* ---------------------------------------------------------------- index accessors */

const migplan_node *migplan_index_node(const migplan_index *ix)
{
	return ix ? ix->node : NULL;
}

const char *migplan_index_name(const migplan_index *ix)
{
	return ix ? ix->name : NULL;
}

const char *migplan_index_expression(const migplan_index *ix)
{
	return ix ? ix->expression : NULL;
}

const char *migplan_index_type(const migplan_index *ix)
{
	return ix ? ix->type : NULL;
}

size_t migplan_index_argument_count(const migplan_index *ix)
{
	return ix ? ix->argument_count : 0;
}

const char *migplan_index_argument_at(const migplan_index *ix, size_t i)
{
	return ix && i < ix->argument_count ? ix->arguments[i] : NULL;
}

uint64_t migplan_index_granularity(const migplan_index *ix)
{
	return ix ? ix->granularity : 0;
}

/* ---------------------------------------------------------------- view accessors */

const migplan_node *migplan_view_node(const migplan_view *v)
{
	return v ? v->node : NULL;
}

migplan_view_kind migplan_view_kind_of(const migplan_view *v)
{
	return v ? v->kind : (migplan_view_kind)0;
}

const char *migplan_view_name(const migplan_view *v)
{
	return v ? v->name : NULL;
}

const char *migplan_view_database(const migplan_view *v)
{
	return v ? v->database : NULL;
}

const char *migplan_view_select_sql(const migplan_view *v)
{
	return v ? v->select_sql : NULL;
}

migplan_life_cycle migplan_view_life_cycle(const migplan_view *v)
{
	return v ? v->life_cycle : MIGPLAN_LIFE_CYCLE_FULLY_MANAGED;
}

size_t migplan_view_source_count(const migplan_view *v)
{
	return v ? v->source_count : 0;
}

const char *migplan_view_source_database(const migplan_view *v, size_t i)
{
	return v && i < v->source_count ? v->sources[i].database : NULL;
}

const char *migplan_view_source_table(const migplan_view *v, size_t i)
{
	return v && i < v->source_count ? v->sources[i].table : NULL;
}

const migplan_node *migplan_view_source_node(const migplan_view *v, size_t i)
{
	return v && i < v->source_count ? v->sources[i].node : NULL;
}

const char *migplan_view_target_table(const migplan_view *v)
{
	return v ? v->target_table : NULL;
}

const char *migplan_view_target_database(const migplan_view *v)
{
	return v ? v->target_database : NULL;
}
