/* Operation categories, reversibility, data loss and inverses (issue 3).
 *
 * Invariant kept throughout: an operation is reversible exactly when an inverse operation
 * exists and running the operation loses nothing, so "reversible" never promises more than
 * the rollback can restore. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "migplan/classify.h"

#include "arena.h"
#include "error.h"
#include "model.h"

struct migplan__op_class {
	migplan_category category;
	migplan_data_loss loss;
	migplan_op_kind inverse;
	const char *reason;
	const char *inverse_description;
	migplan_type_change *type_change; /* owned */
};

typedef struct migplan__classification {
	migplan__arena arena;
	struct migplan__op_class *ops;
	size_t op_count;
	size_t counts[5]; /* by category */
	migplan_change_type change_type;
} migplan__classification;

/* A message in the classification's arena; "" when it cannot be made. */
static const char *fmt(migplan__arena *a, const char *f, ...) MIGPLAN__PRINTF(2, 3);
static const char *fmt(migplan__arena *a, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	const char *s = migplan__arena_vprintf(a, f, ap);
	va_end(ap);
	return s ? s : "";
}

/* `db`.`name` for messages; the database defaults like Moose's does. */
static const char *qualified(migplan__arena *a, const migplan_op *op, const char *name)
{
	const char *db = migplan_op_database(op);
	if (!db)
		db = migplan_plan_default_database(op->plan);
	return fmt(a, "`%s`.`%s`", db, name ? name : "?");
}

static const migplan_table *remote_table(const migplan_op *op)
{
	const migplan_snapshot *remote = migplan_plan_snapshot(op->plan, MIGPLAN_SNAPSHOT_REMOTE);
	return migplan_snapshot_table_find(remote, migplan_op_database(op), migplan_op_table_name(op));
}

static const migplan_view *remote_view(const migplan_op *op, migplan_view_kind kind)
{
	const migplan_snapshot *remote = migplan_plan_snapshot(op->plan, MIGPLAN_SNAPSHOT_REMOTE);
	const char *name = migplan_op_table_name(op);
	int mv = kind == MIGPLAN_VIEW_MATERIALIZED;
	size_t n = mv ? migplan_snapshot_mv_count(remote) : migplan_snapshot_view_count(remote);
	for (size_t i = 0; i < n; i++) {
		const migplan_view *v = mv ? migplan_snapshot_mv_at(remote, i) : migplan_snapshot_view_at(remote, i);
		if (name && strcmp(migplan_view_name(v), name) == 0)
			return v;
	}
	return NULL;
}

static int table_has_index(const migplan_table *t, const char *name)
{
	for (size_t i = 0; name && i < migplan_table_index_count(t); i++)
		if (strcmp(migplan_index_name(migplan_table_index_at(t, i)), name) == 0)
			return 1;
	return 0;
}

static int table_has_projection(const migplan_table *t, const char *name)
{
	for (size_t i = 0; name && i < migplan_table_projection_count(t); i++)
		if (strcmp(migplan_table_projection_name(t, i), name) == 0)
			return 1;
	return 0;
}

static void set(struct migplan__op_class *c, migplan_category cat, migplan_data_loss loss,
                migplan_op_kind inverse)
{
	c->category = cat;
	c->loss = loss;
	c->inverse = inverse;
}

static migplan_status classify_modify_column(const migplan_op *op, struct migplan__op_class *c,
                                             migplan__arena *a)
{
	const char *t = qualified(a, op, migplan_op_table_name(op));
	const char *col = migplan_op_column_name(op);
	migplan_status st = migplan_column_change_judge(&c->type_change, migplan_op_before_column(op),
	                                                migplan_op_column(op));
	if (st != MIGPLAN_OK) {
		/* a column pair the judge cannot read is unknown, and unknown is destructive */
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_POTENTIAL, MIGPLAN_OP_MODIFY_TABLE_COLUMN);
		c->reason = fmt(a, "changes column `%s` of %s in a way that could not be judged: %s", col, t,
		                migplan_error_message(migplan_error_last()));
		migplan_error_clear();
	} else if (migplan_type_change_verdict(c->type_change) == MIGPLAN_VERDICT_SAFE) {
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_MODIFY_TABLE_COLUMN);
		c->reason = fmt(a, "changes column `%s` of %s safely: %s", col, t,
		                migplan_type_change_reason(c->type_change));
	} else {
		migplan_change_cause cause = migplan_type_change_cause(c->type_change);
		/* Values are destroyed for sure only when ClickHouse rewrites them into a type that cannot
		 * hold them; an unknown pair, a property change or a change of how values read or sort
		 * keeps the stored values and may still break readers. */
		int kept = cause == MIGPLAN_CAUSE_UNKNOWN_PAIR || cause == MIGPLAN_CAUSE_PROPERTY_CHANGE ||
		           cause == MIGPLAN_CAUSE_REPRESENTATION_CHANGE || cause == MIGPLAN_CAUSE_ORDER_CHANGE;
		migplan_data_loss loss = kept ? MIGPLAN_LOSS_POTENTIAL : MIGPLAN_LOSS_PERMANENT;
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, loss, MIGPLAN_OP_MODIFY_TABLE_COLUMN);
		const char *ex = migplan_type_change_example(c->type_change);
		c->reason = fmt(a, "changes column `%s` of %s destructively (%s): %s%s%s", col, t,
		                migplan_type_change_cause_name(cause),
		                migplan_type_change_reason(c->type_change), ex ? "; for example " : "",
		                ex ? ex : "");
	}
	c->inverse_description = fmt(a, "ModifyTableColumn %s `%s` back to %s", t, col,
	                             migplan_column_clickhouse_type(migplan_op_before_column(op))
	                                     ? migplan_column_clickhouse_type(migplan_op_before_column(op))
	                                     : "its previous definition");
	return MIGPLAN_OK;
}

static migplan_status classify_op(const migplan_op *op, struct migplan__op_class *c, migplan__arena *a)
{
	const char *name = migplan_op_table_name(op);
	const char *t = name ? qualified(a, op, name) : NULL;
	const char *col = migplan_op_column_name(op);
	const char *obj = migplan_op_object_name(op);
	const migplan_table *rt;

	switch (migplan_op_kind_of(op)) {
	case MIGPLAN_OP_CREATE_TABLE:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_TABLE);
		c->reason = fmt(a, "creates table %s", t);
		c->inverse_description = fmt(a, "DropTable %s", t);
		break;
	case MIGPLAN_OP_DROP_TABLE:
		rt = remote_table(op);
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_PERMANENT, rt ? MIGPLAN_OP_CREATE_TABLE : 0);
		c->reason = fmt(a, "drops table %s and every row in it", t);
		if (rt)
			c->inverse_description = fmt(a, "CreateTable %s from remote_state.json (schema only: the rows are not restored)", t);
		break;
	case MIGPLAN_OP_ADD_TABLE_COLUMN:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_TABLE_COLUMN);
		c->reason = fmt(a, "adds column `%s` to %s", col, t);
		c->inverse_description = fmt(a, "DropTableColumn %s `%s`", t, col);
		break;
	case MIGPLAN_OP_DROP_TABLE_COLUMN:
		rt = remote_table(op);
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_PERMANENT,
		    migplan_table_column_find(rt, col) ? MIGPLAN_OP_ADD_TABLE_COLUMN : 0);
		c->reason = fmt(a, "drops column `%s` of %s and every value in it", col, t);
		if (c->inverse)
			c->inverse_description = fmt(a, "AddTableColumn %s `%s` %s (the values are not restored)", t, col,
			                             migplan_column_clickhouse_type(migplan_table_column_find(rt, col)));
		break;
	case MIGPLAN_OP_MODIFY_TABLE_COLUMN:
		return classify_modify_column(op, c, a);
	case MIGPLAN_OP_RENAME_TABLE_COLUMN:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_RENAME_TABLE_COLUMN);
		c->reason = fmt(a, "renames column `%s` of %s to `%s`", col, t, migplan_op_new_column_name(op));
		c->inverse_description = fmt(a, "RenameTableColumn %s `%s` to `%s`", t, migplan_op_new_column_name(op), col);
		break;
	case MIGPLAN_OP_MODIFY_TABLE_SETTINGS:
		set(c, MIGPLAN_CATEGORY_METADATA, MIGPLAN_LOSS_NONE, MIGPLAN_OP_MODIFY_TABLE_SETTINGS);
		c->reason = fmt(a, "changes the settings of %s", t);
		c->inverse_description = fmt(a, "ModifyTableSettings %s with before_settings and after_settings swapped", t);
		break;
	case MIGPLAN_OP_MODIFY_TABLE_TTL:
		if (migplan_op_expression(op)) {
			/* a TTL deletes the rows it expires at the next merge; a rollback cannot bring them back */
			set(c, MIGPLAN_CATEGORY_METADATA, MIGPLAN_LOSS_POTENTIAL, MIGPLAN_OP_MODIFY_TABLE_TTL);
			c->reason = fmt(a, "sets the TTL of %s to `%s`: rows it expires are deleted at the next merge", t,
			                migplan_op_expression(op));
		} else {
			set(c, MIGPLAN_CATEGORY_METADATA, MIGPLAN_LOSS_NONE, MIGPLAN_OP_MODIFY_TABLE_TTL);
			c->reason = fmt(a, "removes the TTL of %s", t);
		}
		c->inverse_description = migplan_op_before_expression(op)
		                                 ? fmt(a, "ModifyTableTtl %s back to `%s`", t, migplan_op_before_expression(op))
		                                 : fmt(a, "ModifyTableTtl %s with after: null (REMOVE TTL)", t);
		break;
	case MIGPLAN_OP_ADD_TABLE_INDEX:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_TABLE_INDEX);
		c->reason = fmt(a, "adds index `%s` to %s", obj, t);
		c->inverse_description = fmt(a, "DropTableIndex %s `%s`", t, obj);
		break;
	case MIGPLAN_OP_DROP_TABLE_INDEX:
		/* an index is derived from the rows: dropping it loses nothing that cannot be rebuilt */
		rt = remote_table(op);
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_NONE,
		    table_has_index(rt, obj) ? MIGPLAN_OP_ADD_TABLE_INDEX : 0);
		c->reason = fmt(a, "drops index `%s` of %s (derived data: queries that used it get slower)", obj, t);
		if (c->inverse)
			c->inverse_description = fmt(a, "AddTableIndex %s `%s` from remote_state.json, then MATERIALIZE INDEX", t, obj);
		break;
	case MIGPLAN_OP_ADD_TABLE_PROJECTION:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_TABLE_PROJECTION);
		c->reason = fmt(a, "adds projection `%s` to %s", obj, t);
		c->inverse_description = fmt(a, "DropTableProjection %s `%s`", t, obj);
		break;
	case MIGPLAN_OP_DROP_TABLE_PROJECTION:
		rt = remote_table(op);
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_NONE,
		    table_has_projection(rt, obj) ? MIGPLAN_OP_ADD_TABLE_PROJECTION : 0);
		c->reason = fmt(a, "drops projection `%s` of %s (derived data)", obj, t);
		if (c->inverse)
			c->inverse_description = fmt(a, "AddTableProjection %s `%s` from remote_state.json, then MATERIALIZE PROJECTION", t, obj);
		break;
	case MIGPLAN_OP_MODIFY_SAMPLE_BY:
	case MIGPLAN_OP_REMOVE_SAMPLE_BY: {
		rt = remote_table(op);
		const char *before = migplan_table_sample_by(rt);
		int modify = migplan_op_kind_of(op) == MIGPLAN_OP_MODIFY_SAMPLE_BY;
		migplan_op_kind inv = before ? MIGPLAN_OP_MODIFY_SAMPLE_BY : modify && rt ? MIGPLAN_OP_REMOVE_SAMPLE_BY : 0;
		set(c, MIGPLAN_CATEGORY_METADATA, MIGPLAN_LOSS_NONE, inv);
		c->reason = modify ? fmt(a, "sets SAMPLE BY of %s to `%s`", t, migplan_op_expression(op))
		                   : fmt(a, "removes SAMPLE BY of %s", t);
		if (before)
			c->inverse_description = fmt(a, "ModifySampleBy %s `%s`", t, before);
		else if (inv)
			c->inverse_description = fmt(a, "RemoveSampleBy %s", t);
		break;
	}
	case MIGPLAN_OP_CREATE_MATERIALIZED_VIEW:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_MATERIALIZED_VIEW);
		c->reason = fmt(a, "creates materialized view %s into `%s`", t, migplan_op_target_table(op));
		c->inverse_description = fmt(a, "DropMaterializedView %s", t);
		break;
	case MIGPLAN_OP_DROP_MATERIALIZED_VIEW:
		/* the target keeps its rows, but inserts into the sources stop reaching it */
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_POTENTIAL,
		    remote_view(op, MIGPLAN_VIEW_MATERIALIZED) ? MIGPLAN_OP_CREATE_MATERIALIZED_VIEW : 0);
		c->reason = fmt(a, "drops materialized view %s: rows inserted into its sources from then on never reach its target", t);
		if (c->inverse)
			c->inverse_description = fmt(a, "CreateMaterializedView %s from remote_state.json (rows inserted in between are not back-filled)", t);
		break;
	case MIGPLAN_OP_CREATE_VIEW:
		set(c, MIGPLAN_CATEGORY_ADDITIVE, MIGPLAN_LOSS_NONE, MIGPLAN_OP_DROP_VIEW);
		c->reason = fmt(a, "creates view %s", t);
		c->inverse_description = fmt(a, "DropView %s", t);
		break;
	case MIGPLAN_OP_DROP_VIEW:
		set(c, MIGPLAN_CATEGORY_DESTRUCTIVE, MIGPLAN_LOSS_NONE,
		    remote_view(op, MIGPLAN_VIEW_PLAIN) ? MIGPLAN_OP_CREATE_VIEW : 0);
		c->reason = fmt(a, "drops view %s (a view holds no rows; its readers fail)", t);
		if (c->inverse)
			c->inverse_description = fmt(a, "CreateView %s from remote_state.json", t);
		break;
	case MIGPLAN_OP_RAW_SQL:
		set(c, MIGPLAN_CATEGORY_CUSTOM, MIGPLAN_LOSS_POTENTIAL, 0);
		c->reason = fmt(a, "runs %zu hand-written SQL statement%s (%s): what it changes is not known until a person reads it",
		                migplan_op_sql_count(op), migplan_op_sql_count(op) == 1 ? "" : "s",
		                migplan_op_description(op) ? migplan_op_description(op) : "no description");
		break;
	}
	return MIGPLAN_OK;
}

static void classification_free(migplan__classification *cl)
{
	if (!cl)
		return;
	for (size_t i = 0; i < cl->op_count; i++)
		migplan_type_change_free(cl->ops[i].type_change);
	free(cl->ops);
	migplan__arena_release(&cl->arena);
	free(cl);
}

static void plan_classification_free(migplan_plan *plan)
{
	if (!plan || !plan->classification)
		return;
	for (size_t i = 0; i < plan->op_count; i++)
		plan->ops[i].cls = NULL;
	classification_free(plan->classification);
	plan->classification = NULL;
}

migplan_status migplan_plan_classify(migplan_plan *plan)
{
	if (!plan)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_classify: plan is NULL");
	if (plan->classification)
		return MIGPLAN_OK;
	migplan__classification *cl = calloc(1, sizeof(*cl));
	if (!cl)
		return migplan__error_oom();
	migplan__arena_init(&cl->arena);
	cl->op_count = plan->op_count;
	cl->ops = calloc(plan->op_count ? plan->op_count : 1, sizeof(*cl->ops));
	if (!cl->ops) {
		classification_free(cl);
		return migplan__error_oom();
	}
	for (size_t i = 0; i < plan->op_count; i++) {
		migplan_status st = classify_op(&plan->ops[i], &cl->ops[i], &cl->arena);
		if (st != MIGPLAN_OK) {
			classification_free(cl);
			return st;
		}
		cl->counts[cl->ops[i].category]++;
	}
	size_t add = cl->counts[MIGPLAN_CATEGORY_ADDITIVE], del = cl->counts[MIGPLAN_CATEGORY_DESTRUCTIVE];
	cl->change_type = plan->op_count == 0 ? MIGPLAN_CHANGE_EMPTY
	                  : del == 0          ? MIGPLAN_CHANGE_ADDITIVE
	                  : add == 0          ? MIGPLAN_CHANGE_DESTRUCTIVE
	                                      : MIGPLAN_CHANGE_MIXED;
	plan->classification = cl;
	plan->classification_free = plan_classification_free;
	for (size_t i = 0; i < plan->op_count; i++)
		plan->ops[i].cls = &cl->ops[i];
	return MIGPLAN_OK;
}

/* Getters classify on first use. The plan is used by one thread at a time (see migplan.h),
 * so filling the cache behind a const pointer is safe. */
static const migplan__classification *classified(const migplan_plan *plan)
{
	if (!plan)
		return NULL;
	if (!plan->classification && migplan_plan_classify((migplan_plan *)plan) != MIGPLAN_OK)
		return NULL;
	return plan->classification;
}

static const struct migplan__op_class *op_class(const migplan_op *op)
{
	if (!op)
		return NULL;
	if (!op->cls)
		classified(op->plan);
	return op->cls;
}

migplan_change_type migplan_plan_change_type(const migplan_plan *plan)
{
	const migplan__classification *cl = classified(plan);
	return cl ? cl->change_type : MIGPLAN_CHANGE_EMPTY;
}

size_t migplan_plan_category_count(const migplan_plan *plan, migplan_category category)
{
	const migplan__classification *cl = classified(plan);
	if (!cl || category < MIGPLAN_CATEGORY_ADDITIVE || category > MIGPLAN_CATEGORY_CUSTOM)
		return 0;
	return cl->counts[category];
}

const char *migplan_category_name(migplan_category category)
{
	switch (category) {
	case MIGPLAN_CATEGORY_ADDITIVE: return "additive";
	case MIGPLAN_CATEGORY_DESTRUCTIVE: return "destructive";
	case MIGPLAN_CATEGORY_METADATA: return "metadata";
	case MIGPLAN_CATEGORY_CUSTOM: return "custom";
	}
	return NULL;
}

const char *migplan_change_type_name(migplan_change_type type)
{
	switch (type) {
	case MIGPLAN_CHANGE_EMPTY: return "empty";
	case MIGPLAN_CHANGE_ADDITIVE: return "additive";
	case MIGPLAN_CHANGE_DESTRUCTIVE: return "destructive";
	case MIGPLAN_CHANGE_MIXED: return "mixed";
	}
	return NULL;
}

const char *migplan_data_loss_name(migplan_data_loss loss)
{
	switch (loss) {
	case MIGPLAN_LOSS_NONE: return "none";
	case MIGPLAN_LOSS_POTENTIAL: return "potential data loss";
	case MIGPLAN_LOSS_PERMANENT: return "permanent data loss";
	}
	return NULL;
}

migplan_category migplan_op_category(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c ? c->category : 0;
}

int migplan_op_reversible(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c && c->inverse != 0 && c->loss == MIGPLAN_LOSS_NONE;
}

migplan_data_loss migplan_op_data_loss(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c ? c->loss : MIGPLAN_LOSS_NONE;
}

const char *migplan_op_classification_reason(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c ? c->reason : NULL;
}

migplan_op_kind migplan_op_inverse_kind(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c ? c->inverse : 0;
}

const char *migplan_op_inverse_description(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c && c->inverse ? c->inverse_description : NULL;
}

const migplan_type_change *migplan_op_type_change(const migplan_op *op)
{
	const struct migplan__op_class *c = op_class(op);
	return c ? c->type_change : NULL;
}
