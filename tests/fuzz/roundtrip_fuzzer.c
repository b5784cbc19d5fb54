/* Round trip: parse -> analyse -> propose edits -> apply every proposed edit -> emit YAML ->
 * parse again, which must succeed (zstd's simple_round_trip). The input is a plan, optionally
 * followed by a NUL byte and remote_state.json, and another NUL byte and local_infra_map.json:
 * the snapshots are what rebuild edits are made from.
 *
 * Checked: the emitted YAML of the plan and of the edited plan reads back with the same
 * operations; emitting the reread plan gives the same text (the emitter is a fixed point);
 * when the edits conflict (EINVAL), each edit alone applies or is refused with an error.
 * Every report is rendered too, in Markdown and JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits off the next NUL-terminated part; *len is its length. */
static const char *next_part(const uint8_t **p, const uint8_t *end, size_t *len)
{
	if (*p > end)
		return NULL;
	const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
	const uint8_t *stop = nul ? nul : end;
	const char *part = (const char *)*p;
	*len = (size_t)(stop - *p);
	*p = nul ? nul + 1 : end + 1;
	return part;
}

static migplan_snapshot *load_snapshot(const char *text, size_t len, const char *name,
                                       const migplan_parse_options *o)
{
	if (!text)
		return NULL;
	migplan_snapshot *s = NULL;
	migplan_status st = migplan_snapshot_load_buffer(&s, text, len, name, o);
	if (st)
		fuzz_check_error(st);
	return s;
}

static void walk_findings(const migplan_plan *plan)
{
	size_t n = migplan_plan_finding_count(plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_finding *f = migplan_plan_finding_at(plan, i);
		FUZZ_CHECK(f != NULL);
		FUZZ_CHECK(fuzz_touch(migplan_finding_rule(f)) > 0);
		FUZZ_CHECK(migplan_severity_name(migplan_finding_severity(f)) != NULL);
		fuzz_touch(migplan_finding_message(f));
		fuzz_touch(migplan_finding_help(f));
		long op = migplan_finding_operation(f);
		FUZZ_CHECK(op >= -1 && (op < 0 || (size_t)op < migplan_plan_op_count(plan)));
		(void)migplan_finding_node(f);
		fuzz_touch(migplan_finding_path(f));
		(void)migplan_finding_line(f);
		(void)migplan_finding_column(f);
		fuzz_touch(migplan_finding_table(f));
		fuzz_touch(migplan_finding_database(f));
		fuzz_touch(migplan_finding_column_name(f));
		fuzz_touch(migplan_finding_view(f));
		size_t r = migplan_finding_related_count(f);
		for (size_t j = 0; j < r; j++) {
			(void)migplan_finding_related_node(f, j);
			fuzz_touch(migplan_finding_related_message(f, j));
		}
		const char *edit = migplan_finding_edit(f);
		fuzz_touch(edit);
		(void)migplan_finding_allowed(f);
		fuzz_touch(migplan_finding_allow_reason(f));
		(void)migplan_finding_blocker(f);
	}
	FUZZ_CHECK(migplan_plan_finding_at(plan, n) == NULL);
}

static void walk_edits(const migplan_plan *plan)
{
	size_t n = migplan_plan_edit_count(plan);
	for (size_t i = 0; i < n; i++) {
		const migplan_edit *e = migplan_plan_edit_at(plan, i);
		FUZZ_CHECK(e != NULL);
		const char *id = migplan_edit_id(e);
		FUZZ_CHECK(id != NULL);
		FUZZ_CHECK(migplan_plan_edit_find(plan, id) == e);
		FUZZ_CHECK(fuzz_touch(migplan_edit_rule(e)) > 0);
		fuzz_touch(migplan_edit_description(e));
		size_t r = migplan_edit_removed_count(e);
		for (size_t j = 0; j < r; j++) {
			size_t at = migplan_edit_removed_at(e, j);
			FUZZ_CHECK(at < migplan_plan_op_count(plan));
			if (j)
				FUZZ_CHECK(at > migplan_edit_removed_at(e, j - 1));
		}
		FUZZ_CHECK(migplan_edit_removed_at(e, r) == SIZE_MAX);
		size_t k = migplan_edit_inserted_count(e);
		for (size_t j = 0; j < k; j++)
			FUZZ_CHECK(fuzz_touch(migplan_edit_inserted_yaml(e, j)) > 0);
		FUZZ_CHECK(migplan_edit_inserted_yaml(e, k) == NULL);
	}
	FUZZ_CHECK(migplan_plan_edit_at(plan, n) == NULL);
}

/* Emits the plan, reads the text back and emits again: both reads succeed and agree. */
static void check_emit_reread(const migplan_plan *plan, const migplan_parse_options *o)
{
	char *yaml = NULL;
	migplan_status st = migplan_plan_to_yaml(plan, &yaml);
	if (st) {
		/* only a limit: whatever the reader accepted (valid UTF-8 only), the emitter writes */
		FUZZ_CHECK(yaml == NULL);
		fuzz_check_error(st);
		FUZZ_CHECK(st == MIGPLAN_ELIMIT);
		return;
	}
	migplan_plan *again = NULL;
	st = migplan_plan_load_buffer(&again, yaml, strlen(yaml), "emitted.yaml", o);
	if (st)
		fprintf(stderr, "emitted plan does not read back:\n%s\n", yaml);
	FUZZ_CHECK(st == MIGPLAN_OK);
	FUZZ_CHECK(migplan_plan_op_count(again) == migplan_plan_op_count(plan));
	for (size_t i = 0; i < migplan_plan_op_count(plan); i++)
		FUZZ_CHECK(migplan_op_kind_of(migplan_plan_op_at(again, i)) ==
		           migplan_op_kind_of(migplan_plan_op_at(plan, i)));
	char *yaml2 = NULL;
	FUZZ_CHECK(migplan_plan_to_yaml(again, &yaml2) == MIGPLAN_OK);
	if (strcmp(yaml, yaml2))
		fprintf(stderr, "emitter not a fixed point:\n--- first\n%s\n--- second\n%s\n", yaml, yaml2);
	FUZZ_CHECK(!strcmp(yaml, yaml2));
	migplan_free(yaml2);
	migplan_plan_free(again);
	migplan_free(yaml);
}

static void apply_and_check(const migplan_plan *plan, const char *const *ids, size_t count,
                            const migplan_parse_options *o)
{
	migplan_plan *edited = (migplan_plan *)1;
	migplan_status st = migplan_plan_apply_edits(&edited, plan, ids, count);
	if (st) {
		FUZZ_CHECK(edited == NULL);
		fuzz_check_error(st);
		/* conflicting edits, or an edited plan above the limits; never a missing id */
		FUZZ_CHECK(st == MIGPLAN_EINVAL || st == MIGPLAN_ELIMIT);
		if (st == MIGPLAN_EINVAL && count == 0) {
			size_t n = migplan_plan_edit_count(plan);
			for (size_t i = 0; i < n; i++) {
				const char *id = migplan_edit_id(migplan_plan_edit_at(plan, i));
				apply_and_check(plan, &id, 1, o);
			}
		}
		return;
	}
	FUZZ_CHECK(edited != NULL);
	for (size_t i = 0; i < migplan_plan_op_count(edited); i++)
		fuzz_walk_op(migplan_plan_op_at(edited, i));
	check_emit_reread(edited, o);
	migplan_plan_free(edited);
}

/* Every report of the plan in both formats; JSON ones must be JSON objects. */
static void render_reports(migplan_plan *plan)
{
	migplan_report *r = NULL;
	migplan_status st = migplan_report_new(&r, plan);
	if (st) {
		fuzz_check_error(st);
		return;
	}
	for (int k = MIGPLAN_REPORT_ROLLOUT; k <= MIGPLAN_REPORT_PHASES; k++)
		for (int f = MIGPLAN_FORMAT_MARKDOWN; f <= MIGPLAN_FORMAT_JSON; f++) {
			char *text = NULL;
			st = migplan_report_render(r, (migplan_report_kind)k, (migplan_report_format)f, &text);
			if (st) {
				fuzz_check_error(st);
				FUZZ_CHECK(text == NULL);
				continue;
			}
			FUZZ_CHECK(text != NULL);
			if (f == MIGPLAN_FORMAT_JSON)
				FUZZ_CHECK(text[0] == '{');
			migplan_free(text);
		}
	migplan_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	migplan_parse_options o;
	fuzz_options(&o);
	/* the edited plan is read with the original's limits and may be larger */
	o.max_ops = 200;
	const uint8_t *p = data, *end = data + size;
	size_t plan_len = 0, remote_len = 0, local_len = 0;
	const char *plan_text = next_part(&p, end, &plan_len);
	const char *remote_text = next_part(&p, end, &remote_len);
	const char *local_text = next_part(&p, end, &local_len);

	migplan_plan *plan = NULL;
	migplan_status st = migplan_plan_load_buffer(&plan, plan_text, plan_len, "plan.yaml", &o);
	if (st) {
		fuzz_check_error(st);
		return 0;
	}
	migplan_snapshot *remote = load_snapshot(remote_text, remote_len, "remote_state.json", &o);
	migplan_snapshot *local = load_snapshot(local_text, local_len, "local_infra_map.json", &o);
	if (remote || local)
		FUZZ_CHECK(migplan_plan_attach_snapshots(plan, remote, local) == MIGPLAN_OK);

	check_emit_reread(plan, &o);
	st = migplan_plan_propose_edits(plan);
	if (st) {
		fuzz_check_error(st);
	} else {
		walk_findings(plan);
		walk_edits(plan);
		/* idempotent: the same edits at the same addresses */
		const migplan_edit *first = migplan_plan_edit_at(plan, 0);
		FUZZ_CHECK(migplan_plan_propose_edits(plan) == MIGPLAN_OK);
		FUZZ_CHECK(migplan_plan_edit_at(plan, 0) == first);
		apply_and_check(plan, NULL, 0, &o);
		render_reports(plan);
	}
	migplan_plan_free(plan);
	migplan_snapshot_free(remote);
	migplan_snapshot_free(local);
	return 0;
}
