/* The plan reader: YAML text -> document tree -> typed plan, then every accessor, the
 * classification and the SQL of every operation. Each node's line and column must match its
 * byte offset, and a refused input must leave an error whose position is inside the input.
 *
 * Differential: the same input with CRLF line ends must read the same (tree, lines, columns;
 * offsets shifted by the CRs), or fail with the same status at the same line and column.
 * A CR always sends the input to libyaml, while plain block YAML as Moose writes it takes the
 * reader's fast path, so this compares the two readers on every input the fuzzer makes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LF -> CRLF; NULL when the input has a CR already, or non-ASCII bytes (NEL, LS and PS are
 * line breaks too, and the fast path takes ASCII only), or control characters (libyaml checks
 * characters as it decodes its input in blocks, so whether a control character further on is
 * reported before an earlier syntax error depends on where the block ends, which the CRs move),
 * or is too large to bother. */
static char *to_crlf(const uint8_t *data, size_t size, size_t *out_len)
{
	if (size > 65536)
		return NULL;
	size_t lines = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\r' || data[i] >= 0x80 ||
		    (data[i] < 0x20 && data[i] != '\n' && data[i] != '\t') || data[i] == 0x7f)
			return NULL;
		lines += data[i] == '\n';
	}
	char *out = malloc(size + lines + 1);
	FUZZ_CHECK(out != NULL);
	size_t n = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n')
			out[n++] = '\r';
		out[n++] = (char)data[i];
	}
	*out_len = n;
	return out;
}

static void crlf_differential(const uint8_t *data, size_t size, migplan_status st,
                              const migplan_plan *plan, const migplan_parse_options *o)
{
	size_t len;
	char *crlf = to_crlf(data, size, &len);
	if (!crlf)
		return;
	const migplan_error *e = migplan_error_last();
	uint32_t line = migplan_error_line(e), col = migplan_error_column(e);
	migplan_plan *other = NULL;
	migplan_status st2 = migplan_plan_load_buffer(&other, crlf, len, "plan.yaml", o);
	/* a limit on bytes can be crossed by the CRs alone */
	if (!(st == MIGPLAN_OK && st2 == MIGPLAN_ELIMIT)) {
		FUZZ_CHECK(st2 == st);
		if (st) {
			FUZZ_CHECK(migplan_error_line(e) == line);
			FUZZ_CHECK(migplan_error_column(e) == col);
		} else {
			fuzz_check_same_tree_crlf(migplan_plan_root(plan), migplan_plan_root(other), 0);
			FUZZ_CHECK(migplan_plan_op_count(plan) == migplan_plan_op_count(other));
		}
	}
	migplan_plan_free(other);
	free(crlf);
}

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
		crlf_differential(data, size, st, NULL, &o);
		fuzz_lines_free(lines);
		return 0;
	}
	FUZZ_CHECK(plan != NULL);
	crlf_differential(data, size, st, plan, &o);
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
