/* Load a Moose migrations directory and walk every operation with its position.
 * Introduces: migplan_plan_load_dir(), migplan_plan_op_count(), migplan_plan_op_at(),
 * migplan_op_kind_of(), migplan_op_kind_name(), migplan_op_node(), migplan_node_line(),
 * migplan_plan_snapshot(), migplan_snapshot_table_count(), migplan_plan_free(), migplan_error_last().
 * usage: 01-load MIGRATIONS_DIR
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

	printf("%s: %zu operations, created %s\n", migplan_plan_path(plan), migplan_plan_op_count(plan),
	       migplan_plan_created_at(plan) ? migplan_plan_created_at(plan) : "(unknown)");
	for (size_t i = 0; i < migplan_plan_op_count(plan); i++) {
		const migplan_op *op = migplan_plan_op_at(plan, i);
		const migplan_node *where = migplan_op_node(op);
		printf("  %u:%u %s %s\n", migplan_node_line(where), migplan_node_column(where),
		       migplan_op_kind_name(migplan_op_kind_of(op)),
		       migplan_op_table_name(op) ? migplan_op_table_name(op) : "(raw SQL)");
	}
	const migplan_snapshot *remote = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_REMOTE);
	const migplan_snapshot *local = migplan_plan_snapshot(plan, MIGPLAN_SNAPSHOT_LOCAL);
	printf("remote_state.json: %s, %zu tables\n", remote ? "present" : "missing",
	       migplan_snapshot_table_count(remote));
	printf("local_infra_map.json: %s, %zu tables\n", local ? "present" : "missing",
	       migplan_snapshot_table_count(local));
	migplan_plan_free(plan);
	return 0;
}
