/* The snapshot reader: JSON text -> document tree -> tables, columns, indexes and views, then
 * every accessor and the CREATE statements of every table and view. Positions as for YAML. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	migplan_parse_options o;
	fuzz_options(&o);
	fuzz_lines *lines = fuzz_lines_new(data, size, 0);
	migplan_snapshot *snap = (migplan_snapshot *)1;
	migplan_status st = migplan_snapshot_load_buffer(&snap, (const char *)data, size,
	                                                 "remote_state.json", &o);
	if (st) {
		FUZZ_CHECK(snap == NULL);
		fuzz_check_error(st);
		fuzz_check_error_position(lines, "remote_state.json");
		fuzz_lines_free(lines);
		return 0;
	}
	FUZZ_CHECK(snap != NULL);
	fuzz_walk_node(migplan_snapshot_root(snap), lines, 0);
	fuzz_walk_snapshot(snap);
	migplan_snapshot_free(snap);
	fuzz_lines_free(lines);
	return 0;
}
