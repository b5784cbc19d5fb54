/* Validate a plan against Moose's JSON Schema; Moose's own schema bugs come out as warnings.
 * Introduces: migplan_schema_load_file(), migplan_plan_root(), migplan_schema_validate(),
 * migplan_violations_count(), migplan_violations_at(), migplan_violation_pointer(),
 * migplan_violation_node(), migplan_violation_message(), migplan_violation_is_moose_schema_bug(),
 * migplan_violations_free(), migplan_schema_free().
 * usage: 04-validate PLAN.yaml SCHEMA.json
 * SPDX-License-Identifier: CC0-1.0 */
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s PLAN.yaml SCHEMA.json\n", argv[0]);
		return 64;
	}
	migplan_plan *plan = NULL;
	migplan_schema *schema = NULL;
	migplan_violations *violations = NULL;
	CHECK(migplan_plan_load_files(&plan, argv[1], NULL, NULL, NULL));
	CHECK(migplan_schema_load_file(&schema, argv[2], NULL));
	CHECK(migplan_schema_validate(schema, migplan_plan_root(plan), &violations));

	size_t real = 0;
	for (size_t i = 0; i < migplan_violations_count(violations); i++) {
		const migplan_violation *v = migplan_violations_at(violations, i);
		const migplan_node *n = migplan_violation_node(v);
		int moose_bug = migplan_violation_is_moose_schema_bug(v);
		real += !moose_bug;
		printf("%s:%u:%u: %s: %s (at %s)\n", migplan_node_path(n), migplan_node_line(n),
		       migplan_node_column(n), moose_bug ? "warning" : "error", migplan_violation_message(v),
		       migplan_violation_pointer(v));
	}
	printf("%zu violations, %zu not explained by Moose's schema bugs\n",
	       migplan_violations_count(violations), real);
	migplan_violations_free(violations);
	migplan_schema_free(schema);
	migplan_plan_free(plan);
	return real ? 1 : 0;
}
