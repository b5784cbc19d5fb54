/* The library's share of `migplan check`: the same work without the command's report.
 *
 * usage: migplan-pipeline DIR SCHEMA
 *
 * Loads the migrations directory (plan.yaml with its snapshots), classifies, analyses,
 * proposes the edits the findings name and validates the plan against the JSON Schema, as
 * `migplan check --format json` does, then prints the counts and frees everything. Timing it
 * beside the check separates what the library costs from what rendering the report costs.
 * Exit 0, or 1 when a step fails. */
#include <stdio.h>
#include <stdlib.h>

#include <migplan.h>
#include <migplan/analyze.h>

static int fail(const char *what)
{
	const migplan_error *e = migplan_error_last();
	fprintf(stderr, "migplan-pipeline: %s: %s:%u:%u: %s\n", what, migplan_error_path(e),
	        migplan_error_line(e), migplan_error_column(e), migplan_error_message(e));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: migplan-pipeline DIR SCHEMA\n");
		return 64;
	}
	migplan_plan *plan = NULL;
	migplan_schema *schema = NULL;
	migplan_violations *violations = NULL;
	if (migplan_plan_load_dir(&plan, argv[1], NULL) != MIGPLAN_OK)
		return fail("load");
	if (migplan_plan_classify(plan) != MIGPLAN_OK)
		return fail("classify");
	if (migplan_plan_analyze(plan, NULL) != MIGPLAN_OK)
		return fail("analyze");
	if (migplan_plan_propose_edits(plan) != MIGPLAN_OK)
		return fail("propose edits");
	if (migplan_schema_load_file(&schema, argv[2], NULL) != MIGPLAN_OK)
		return fail("schema");
	if (migplan_schema_validate(schema, migplan_plan_root(plan), &violations) != MIGPLAN_OK)
		return fail("validate");
	printf("operations %zu, findings %zu, edits %zu, violations %zu\n",
	       migplan_plan_op_count(plan), migplan_plan_finding_count(plan),
	       migplan_plan_edit_count(plan), migplan_violations_count(violations));
	migplan_violations_free(violations);
	migplan_schema_free(schema);
	migplan_plan_free(plan);
	return 0;
}
