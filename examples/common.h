/* Shared by the examples: CHECK() prints the library's last error with its position and exits.
 * SPDX-License-Identifier: CC0-1.0 */
#ifndef EXAMPLES_COMMON_H
#define EXAMPLES_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include <migplan.h>

static void print_error(const char *what)
{
	const migplan_error *e = migplan_error_last();
	if (migplan_error_path(e))
		fprintf(stderr, "%s:%u:%u: %s failed: %s (%s)\n", migplan_error_path(e), migplan_error_line(e),
		        migplan_error_column(e), what, migplan_error_message(e),
		        migplan_status_str(migplan_error_code(e)));
	else
		fprintf(stderr, "%s failed: %s (%s)\n", what, migplan_error_message(e),
		        migplan_status_str(migplan_error_code(e)));
}

#define CHECK(call)                                   \
	do {                                          \
		if ((call) != MIGPLAN_OK) {           \
			print_error(#call);           \
			exit(2);                      \
		}                                     \
	} while (0)

#endif
