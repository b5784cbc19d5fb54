/* Analyse a plan and print its findings the way compilers print diagnostics; exit 1 when a
 * finding is at or above the project's failing threshold (.migplan.yaml `fail_on`, default error).
 * Introduces: migplan_config_discover(), migplan_plan_analyze(), migplan_plan_finding_count(),
 * migplan_plan_finding_at(), migplan_finding_path(), migplan_finding_line(), migplan_finding_column(),
 * migplan_finding_severity(), migplan_finding_message(), migplan_finding_rule(),
 * migplan_finding_allowed(), migplan_plan_finding_count_at_least(), migplan_config_free().
 * usage: 03-analyze MIGRATIONS_DIR
 * SPDX-License-Identifier: CC0-1.0 */
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s MIGRATIONS_DIR\n", argv[0]);
		return 64;
	}
	migplan_plan *plan = NULL;
	migplan_config *config = NULL; /* stays NULL when there is no .migplan.yaml */
	CHECK(migplan_plan_load_dir(&plan, argv[1], NULL));
	CHECK(migplan_config_discover(&config, argv[1], NULL));
	CHECK(migplan_plan_analyze(plan, config));

	for (size_t i = 0; i < migplan_plan_finding_count(plan); i++) {
		const migplan_finding *f = migplan_plan_finding_at(plan, i);
		printf("%s:%u:%u: %s: %s [%s]%s\n", migplan_finding_path(f), migplan_finding_line(f),
		       migplan_finding_column(f), migplan_severity_name(migplan_finding_severity(f)),
		       migplan_finding_message(f), migplan_finding_rule(f),
		       migplan_finding_allowed(f) ? " (allowed)" : "");
	}
	size_t failing = migplan_plan_finding_count_at_least(plan, migplan_config_fail_on(config));
	printf("%zu findings, %zu at or above %s\n", migplan_plan_finding_count(plan), failing,
	       migplan_severity_name(migplan_config_fail_on(config)));
	migplan_config_free(config);
	migplan_plan_free(plan);
	return failing ? 1 : 0;
}
