/* Classify every operation (additive, destructive, metadata, custom) and the whole plan, and
 * show the ClickHouse statements Moose will run for each.
 * Introduces: migplan_plan_classify(), migplan_op_category(), migplan_category_name(),
 * migplan_op_data_loss(), migplan_op_reversible(), migplan_op_inverse_description(),
 * migplan_plan_change_type(), migplan_op_to_sql(), migplan_sql_count(), migplan_sql_at(), migplan_sql_free().
 * usage: 02-classify MIGRATIONS_DIR
 * SPDX-License-Identifier: CC0-1.0 */
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s MIGRATIONS_DIR\n", argv[0]);
		return 64;
	}
	migplan_plan *plan = NULL;
	CHECK(migplan_plan_load_dir(&plan, argv[1], NULL));
	CHECK(migplan_plan_classify(plan));

	for (size_t i = 0; i < migplan_plan_op_count(plan); i++) {
		const migplan_op *op = migplan_plan_op_at(plan, i);
		printf("#%zu %s: %s, %s, %s\n", i, migplan_op_kind_name(migplan_op_kind_of(op)),
		       migplan_category_name(migplan_op_category(op)),
		       migplan_data_loss_name(migplan_op_data_loss(op)),
		       migplan_op_reversible(op) ? "reversible" : "not reversible");
		printf("    %s\n", migplan_op_classification_reason(op));
		if (migplan_op_inverse_description(op))
			printf("    undo: %s\n", migplan_op_inverse_description(op));

		migplan_sql *sql = NULL;
		CHECK(migplan_op_to_sql(&sql, op, NULL, MIGPLAN_SQL_NONE));
		for (size_t k = 0; k < migplan_sql_count(sql); k++)
			printf("    SQL: %s;\n", migplan_sql_at(sql, k));
		migplan_sql_free(sql);
	}
	printf("change type: %s\n", migplan_change_type_name(migplan_plan_change_type(plan)));
	migplan_plan_free(plan);
	return 0;
}
