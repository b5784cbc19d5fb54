/* Judge a change between two ClickHouse types the way the engine converts values.
 * Introduces: migplan_type_change_judge(), migplan_type_change_verdict(), migplan_type_change_cause(),
 * migplan_type_change_cause_name(), migplan_type_change_reason(), migplan_type_change_example(),
 * migplan_type_change_in_place(), migplan_type_change_key_refused(), migplan_type_change_free(),
 * migplan_chtype_normalize().
 * usage: 05-type-change FROM TO      e.g. 05-type-change Int64 Int32
 * SPDX-License-Identifier: CC0-1.0 */
#include "common.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s FROM TO\n", argv[0]);
		return 64;
	}
	char *from = NULL, *to = NULL;
	CHECK(migplan_chtype_normalize(argv[1], &from));
	CHECK(migplan_chtype_normalize(argv[2], &to));
	migplan_type_change *c = NULL;
	CHECK(migplan_type_change_judge(&c, from, to));

	int safe = migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE;
	printf("%s -> %s: %s", from, to, safe ? "safe" : "destructive");
	if (!safe)
		printf(" (%s)", migplan_type_change_cause_name(migplan_type_change_cause(c)));
	printf("\n  %s\n", migplan_type_change_reason(c));
	if (migplan_type_change_example(c))
		printf("  for example: %s\n", migplan_type_change_example(c));
	printf("  ClickHouse %s\n", migplan_type_change_in_place(c) ? "changes only metadata"
	                                                            : "rewrites every part (a mutation)");
	if (migplan_type_change_key_refused(c))
		printf("  refused on a sorting, primary or partition key column\n");
	migplan_type_change_free(c);
	migplan_free(from);
	migplan_free(to);
	return safe ? 0 : 1;
}
