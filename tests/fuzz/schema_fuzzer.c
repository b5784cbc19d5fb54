/* The JSON Schema loader and validator. The input is a schema, then optionally a NUL byte and
 * an instance (YAML or JSON). Without an instance, the schema validates itself, which is a
 * document of every shape a schema can take. Every violation is walked; its node must lie in
 * the instance with a consistent position. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_violations(const migplan_violations *v, const fuzz_lines *lines)
{
	size_t n = migplan_violations_count(v);
	for (size_t i = 0; i < n; i++) {
		const migplan_violation *x = migplan_violations_at(v, i);
		FUZZ_CHECK(x != NULL);
		FUZZ_CHECK(fuzz_touch(migplan_violation_message(x)) > 0);
		const char *ptr = migplan_violation_pointer(x);
		FUZZ_CHECK(ptr != NULL);
		FUZZ_CHECK(ptr[0] == '\0' || ptr[0] == '/');
		FUZZ_CHECK(fuzz_touch(migplan_violation_keyword(x)) > 0);
		const char *sp = migplan_violation_schema_path(x);
		FUZZ_CHECK(sp != NULL && sp[0] == '#');
		(void)migplan_violation_is_moose_schema_bug(x);
		FUZZ_CHECK(fuzz_touch(migplan_violation_rule(x)) > 0);
		const migplan_node *node = migplan_violation_node(x);
		if (node)
			fuzz_check_position(lines, migplan_node_line(node), migplan_node_column(node),
			                    migplan_node_offset(node));
	}
	FUZZ_CHECK(migplan_violations_at(v, n) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	migplan_parse_options o;
	fuzz_options(&o);
	const uint8_t *nul = memchr(data, '\0', size);
	size_t schema_len = nul ? (size_t)(nul - data) : size;
	const uint8_t *inst = nul ? nul + 1 : data;
	size_t inst_len = nul ? size - schema_len - 1 : size;

	fuzz_lines *slines = fuzz_lines_new(data, schema_len, 0);
	migplan_schema *s = (migplan_schema *)1;
	migplan_status st = migplan_schema_load_buffer(&s, (const char *)data, schema_len,
	                                               "schema.json", &o);
	if (st) {
		FUZZ_CHECK(s == NULL);
		fuzz_check_error(st);
		fuzz_check_error_position(slines, "schema.json");
		fuzz_lines_free(slines);
		return 0;
	}
	fuzz_lines_free(slines);
	FUZZ_CHECK(s != NULL);

	migplan__limits lim;
	FUZZ_CHECK(migplan__limits_from(&lim, &o) == MIGPLAN_OK);
	migplan__doc *doc = NULL;
	st = migplan__yaml_read(&doc, (const char *)inst, inst_len, "instance.yaml", &lim);
	if (st) {
		fuzz_check_error(st);
		migplan_schema_free(s);
		return 0;
	}
	fuzz_lines *lines = fuzz_lines_new(inst, inst_len, 1);
	migplan_violations *v = (migplan_violations *)1;
	st = migplan_schema_validate(s, doc->root, &v);
	if (st) {
		FUZZ_CHECK(v == NULL);
		fuzz_check_error(st);
	} else {
		/* the list borrows nothing from the schema: free it first */
		migplan_schema_free(s);
		s = NULL;
		walk_violations(v, lines);
		migplan_violations_free(v);
	}
	migplan_schema_free(s);
	fuzz_lines_free(lines);
	migplan__doc_free(doc);
	return 0;
}
