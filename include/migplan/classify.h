/**
 * @file migplan/classify.h
 * @brief Classify every operation of a plan (additive, destructive, metadata, custom), with
 *        reversibility, what is lost and the inverse operation, and the plan as a whole.
 *
 * Classification is computed by migplan_plan_classify() and kept on the plan handle; the
 * getters below classify on first use when that was not called. A ModifyTableColumn is
 * additive only when the type-change judge (migplan/typechange.h) proves every part of the
 * change safe; otherwise it is destructive (fail closed).
 */
#ifndef MIGPLAN_CLASSIFY_H
#define MIGPLAN_CLASSIFY_H

#include "common.h"
#include "plan.h"
#include "typechange.h"

MIGPLAN_BEGIN_DECL

/** Category of one operation. Values are pinned. @since 0.1 */
typedef enum migplan_category {
	MIGPLAN_CATEGORY_ADDITIVE = 1,    /**< adds schema; keeps every existing value */
	MIGPLAN_CATEGORY_DESTRUCTIVE = 2, /**< removes schema or may alter existing values */
	MIGPLAN_CATEGORY_METADATA = 3,    /**< settings, sample-by, TTL */
	MIGPLAN_CATEGORY_CUSTOM = 4       /**< RawSql: unknown until a person reads it */
} migplan_category;

/** Change type of the whole plan. Values are pinned. @since 0.1 */
typedef enum migplan_change_type {
	MIGPLAN_CHANGE_EMPTY = 0,       /**< the plan has no operation */
	MIGPLAN_CHANGE_ADDITIVE = 1,    /**< no destructive operation */
	MIGPLAN_CHANGE_DESTRUCTIVE = 2, /**< destructive operations and no additive one */
	MIGPLAN_CHANGE_MIXED = 3        /**< both */
} migplan_change_type;

/** What an operation loses if it cannot be undone. Values are pinned. @since 0.1 */
typedef enum migplan_data_loss {
	MIGPLAN_LOSS_NONE = 0,
	MIGPLAN_LOSS_POTENTIAL = 1, /**< values may be lost or altered (depends on data or on SQL) */
	MIGPLAN_LOSS_PERMANENT = 2  /**< data is destroyed */
} migplan_data_loss;

/**
 * Classify every operation and the plan. Idempotent.
 * @return MIGPLAN_OK, MIGPLAN_EINVAL (NULL plan), MIGPLAN_ENOMEM.
 * @since 0.1
 */
MIGPLAN_API migplan_status migplan_plan_classify(migplan_plan *plan);

/** The plan's change type. @since 0.1 */
MIGPLAN_API migplan_change_type migplan_plan_change_type(const migplan_plan *plan);
/** Number of operations in @p category. @since 0.1 */
MIGPLAN_API size_t migplan_plan_category_count(const migplan_plan *plan, migplan_category category);

/** "additive", "destructive", "metadata", "custom"; NULL for an unknown value. Static. @since 0.1 */
MIGPLAN_API const char *migplan_category_name(migplan_category category);
/** "empty", "additive", "destructive", "mixed". Static. @since 0.1 */
MIGPLAN_API const char *migplan_change_type_name(migplan_change_type type);
/** "none", "potential data loss", "permanent data loss". Static. @since 0.1 */
MIGPLAN_API const char *migplan_data_loss_name(migplan_data_loss loss);

/** Category of @p op (0 for NULL). @since 0.1 */
MIGPLAN_API migplan_category migplan_op_category(const migplan_op *op);
/** 1 when the operation can be undone without losing data (its inverse restores the schema
 *  and every value), 0 otherwise. @since 0.1 */
MIGPLAN_API int migplan_op_reversible(const migplan_op *op);
/** What is lost when the operation runs. @since 0.1 */
MIGPLAN_API migplan_data_loss migplan_op_data_loss(const migplan_op *op);
/** One sentence on why the operation got its category and loss ("drops table `events` and
 *  every row in it"). Borrowed from the plan. @since 0.1 */
MIGPLAN_API const char *migplan_op_classification_reason(const migplan_op *op);
/** Kind of the inverse operation, or 0 when there is none (RawSql) or it cannot be built
 *  (a DropTableIndex whose definition is not in the remote snapshot). @since 0.1 */
MIGPLAN_API migplan_op_kind migplan_op_inverse_kind(const migplan_op *op);
/** The inverse as a one-line description ("DropTable `local`.`events`"), or NULL. Borrowed. @since 0.1 */
MIGPLAN_API const char *migplan_op_inverse_description(const migplan_op *op);
/** ModifyTableColumn: the judged column change, NULL for other kinds. Borrowed from the plan. @since 0.1 */
MIGPLAN_API const migplan_type_change *migplan_op_type_change(const migplan_op *op);

MIGPLAN_END_DECL

#endif
