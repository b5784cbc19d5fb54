/* The plan reader: YAML text -> document tree -> typed plan, then every accessor, the
 * classification and the SQL of every operation. Each node's line and column must match its
 * byte offset, and a refused input must leave an error whose position is inside the input. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	migplan_parse_options o;
	fuzz_options(&o);
	fuzz_lines *lines = fuzz_lines_new(data, size, 1);
	migplan_plan *plan = (migplan_plan *)1;
	migplan_status st = migplan_plan_load_buffer(&plan, (const char *)data, size, "plan.yaml", &o);
	if (st) {
		FUZZ_CHECK(plan == NULL);
		fuzz_check_error(st);
		fuzz_check_error_position(lines, "plan.yaml");
		fuzz_lines_free(lines);
		return 0;
	}
	FUZZ_CHECK(plan != NULL);
	fuzz_touch(migplan_plan_path(plan));
	fuzz_touch(migplan_plan_created_at(plan));
	fuzz_touch(migplan_plan_default_database(plan));
	fuzz_walk_node(migplan_plan_root(plan), lines, 0);
	size_t n = migplan_plan_op_count(plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_op *op = migplan_plan_op_at(plan, i);
		FUZZ_CHECK(op != NULL);
		FUZZ_CHECK(migplan_op_index(op) == i);
		fuzz_walk_op(op);
	}
	FUZZ_CHECK(migplan_plan_op_at(plan, n) == NULL);
	st = migplan_plan_classify(plan);
	if (st) {
		fuzz_check_error(st);
	} else {
		(void)migplan_change_type_name(migplan_plan_change_type(plan));
		for (size_t i = 0; i < n; i++) {
			const migplan_op *op = migplan_plan_op_at(plan, i);
			(void)migplan_category_name(migplan_op_category(op));
			(void)migplan_data_loss_name(migplan_op_data_loss(op));
			fuzz_touch(migplan_op_classification_reason(op));
			fuzz_touch(migplan_op_inverse_description(op));
			(void)migplan_op_inverse_kind(op);
			(void)migplan_op_reversible(op);
		}
	}
	migplan_plan_free(plan);
	fuzz_lines_free(lines);
	return 0;
}
