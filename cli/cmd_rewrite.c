/* migplan rewrite [--edit ID ...|--all] [--write] [DIR|FILE]: the edits the library proposes for
 * a plan's findings, the edited plan as a unified diff, and, only with --write, the edited plan
 * written back atomically (readers see the old plan or the new one, never a part). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "output_json.h"

static const char usage_line[] = "migplan rewrite [OPTIONS] [--edit ID ...|--all] [--write] [DIR|FILE]";

static const char help_text[] =
	"usage: migplan rewrite [OPTIONS] [--edit ID ...|--all] [--write] [DIR|FILE]\n"
	"\n"
	"Turn the plan's findings into edits of plan.yaml. Without --edit or --all, list the edits\n"
	"the library proposes (id, rule, the operations each removes and inserts, what it does and\n"
	"the findings it answers). With --edit or --all, print the chosen edits and the edited plan\n"
	"as a unified diff ('git apply' and 'patch' accept the whole output). With --write, write\n"
	"the edited plan back instead: to a temporary file beside it, then renamed over it, keeping\n"
	"its permissions. Nothing is ever written without --write.\n"
	"\n"
	"DIR and FILE are read as by 'migplan check'; the default is ./migrations. Diff paths are\n"
	"relative to the working directory: run 'git apply' there.\n"
	"\n"
	"Options:\n"
	"      --edit ID            apply this proposed edit (repeat for several)\n"
	"      --all                apply every proposed edit\n"
	"      --write              write the edited plan back to the plan file (with --edit or --all)\n"
	"  -f, --format FORMAT      text (default) or json\n"
	"      --fail-on SEVERITY   error (default), warning or info: the lowest severity of a finding\n"
	"                           left after the edits that makes the exit code 1\n"
	"  -c, --config FILE        use this configuration instead of the discovered one\n"
	"      --no-config          use no configuration\n"
	"      --remote FILE        the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE         the local snapshot (default: local_infra_map.json beside the plan)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit codes: 0 nothing to do, or the edits were shown or written and no finding at or above\n"
	"the threshold is left; 1 findings at or above the threshold that no edit answers remain\n"
	"once the chosen edits (every proposed edit when listing) are applied; 2 an input could not\n"
	"be read or parsed, or the plan could not be written; 64 usage error, including an --edit ID\n"
	"that is not a proposed edit and edits that cannot be applied together.\n";

enum { OPT_EDIT = 1, OPT_ALL, OPT_WRITE };

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, CLI_OPT_FORMAT},
	{"fail-on", 0, 1, CLI_OPT_FAIL_ON},
	{"config", 'c', 1, CLI_OPT_CONFIG},
	{"no-config", 0, 0, CLI_OPT_NO_CONFIG},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{"edit", 0, 1, OPT_EDIT},
	{"all", 0, 0, OPT_ALL},
	{"write", 0, 0, OPT_WRITE},
	{NULL, 0, 0, 0},
};

/* Lines of context around each change, as diff and git show by default. */
#define DIFF_CONTEXT 3
/* Width of wrapped descriptions in the text output. */
#define TEXT_WIDTH 96

struct rewrite_args {
	struct cli_settings settings;
	const char **ids; /* --edit, in the order given */
	size_t id_count;
	int all;
	int write;
	const char *input;
};

/* Everything one rewrite found and did, for either output format. */
struct rewrite {
	const struct rewrite_args *args;
	struct cli_report *report;   /* the plan as loaded, analysed, with its proposed edits */
	migplan_plan *edited;        /* the chosen edits applied (every one when listing); NULL
	                                when no edit is proposed */
	const char **applied;        /* ids applied; none when listing */
	size_t applied_count;
	char *old_text;              /* the plan file as it is on disk */
	size_t old_len;
	char *new_text;              /* the edited plan (migplan_free) */
	char *diff;                  /* NULL when listing or nothing changes */
	int reformats;               /* the file is not written the way Moose writes it */
	char *written;               /* display path written with --write, or NULL */
	struct cli_finding *remaining; /* findings of the edited plan */
	size_t remaining_count;
	char *conflict;              /* when listing: why the proposed edits cannot all be applied */
};

/* --- arguments --- */

static int take_operand(struct rewrite_args *a, const char *value)
{
	if (a->input)
		return cli_usage_error("rewrite", usage_line, "expected one plan, got '%s' and '%s'", a->input, value);
	a->input = value;
	return 0;
}

static int apply_option(void *args, int id, const char *value)
{
	struct rewrite_args *a = args;
	switch (id) {
	case OPT_EDIT:
		a->ids[a->id_count++] = value;
		return 0;
	case OPT_ALL:
		a->all = 1;
		return 0;
	case OPT_WRITE:
		a->write = 1;
		return 0;
	case CLI_ARG_POSITIONAL:
		return take_operand(a, value);
	default:
		return cli_settings_apply(&a->settings, id, value, "rewrite", usage_line);
	}
}

static int check_combination(const struct rewrite_args *a)
{
	if (a->settings.format != CLI_FORMAT_TEXT && a->settings.format != CLI_FORMAT_JSON)
		return cli_usage_error("rewrite", usage_line, "format '%s' is not one of text, json",
		                       cli_format_name(a->settings.format));
	if (a->all && a->id_count)
		return cli_usage_error("rewrite", usage_line, "--edit and --all cannot be combined");
	if (a->write && !a->all && !a->id_count)
		return cli_usage_error("rewrite", usage_line, "--write needs --edit ID or --all: say which edits to write");
	return CLI_PARSED;
}

static int parse(int argc, char **argv, struct rewrite_args *a)
{
	static const struct cli_syntax command = {"rewrite", usage_line, help_text, options};
	int code = cli_parse_command(argc, argv, &command, apply_option, a);
	return code == CLI_PARSED ? check_combination(a) : code;
}

static int listing(const struct rewrite *rw)
{
	return !rw->args->all && !rw->args->id_count;
}

/* --- choosing and applying the edits --- */

/* Every --edit must name a proposed edit: a typo must not pass for "nothing to do". */
static int check_ids(const struct rewrite *rw)
{
	const migplan_plan *plan = rw->report->plan;
	for (size_t i = 0; i < rw->args->id_count; i++) {
		const char *id = rw->args->ids[i];
		if (migplan_plan_edit_find(plan, id))
			continue;
		struct cli_buf known = {0};
		for (size_t k = 0; k < migplan_plan_edit_count(plan); k++)
			cli_buf_printf(&known, "%s%s", k ? ", " : "", migplan_edit_id(migplan_plan_edit_at(plan, k)));
		int code = cli_usage_error("rewrite", usage_line, "unknown edit '%s' for %s (%s%s)", id,
		                           rw->report->plan_path, known.data ? "proposed: " : "no edit is proposed",
		                           known.data ? known.data : "");
		cli_buf_free(&known);
		return code;
	}
	return CLI_PARSED;
}

static void note_applied(struct rewrite *rw)
{
	const migplan_plan *plan = rw->report->plan;
	size_t n = migplan_plan_edit_count(plan);
	rw->applied = cli_xalloc(calloc(n ? n : 1, sizeof *rw->applied));
	/* in the plan's order, each once, whatever order and repeats --edit had */
	for (size_t k = 0; k < n; k++) {
		const char *id = migplan_edit_id(migplan_plan_edit_at(plan, k));
		int chosen = rw->args->all;
		for (size_t i = 0; i < rw->args->id_count && !chosen; i++)
			chosen = strcmp(rw->args->ids[i], id) == 0;
		if (chosen)
			rw->applied[rw->applied_count++] = id;
	}
}

/* Apply the chosen edits (every proposed edit when listing, to see what would be left). */
static int apply(struct rewrite *rw)
{
	const migplan_plan *plan = rw->report->plan;
	note_applied(rw);
	if (migplan_plan_edit_count(plan) == 0)
		return CLI_PARSED;
	const char *const *ids = listing(rw) ? NULL : rw->applied;
	size_t count = listing(rw) ? 0 : rw->applied_count;
	migplan_status st = migplan_plan_apply_edits(&rw->edited, plan, ids, count);
	if (st == MIGPLAN_OK)
		return CLI_PARSED;
	if (st == MIGPLAN_EINVAL && listing(rw)) {
		/* the listing still stands; what is left is then judged on the plan as it is */
		rw->conflict = cli_strdup(migplan_error_message(migplan_error_last()));
		return CLI_PARSED;
	}
	if ((st == MIGPLAN_EINVAL || st == MIGPLAN_ENOTFOUND) && rw->args->id_count)
		/* the edits the user chose cannot go together: the message names them */
		return cli_usage_error("rewrite", usage_line, "%s", migplan_error_message(migplan_error_last()));
	cli_print_error(rw->report->plan_path);
	return CLI_EXIT_INPUT;
}

/* The findings left: those of the edited plan, or the plan's own when nothing was proposed. */
static int analyse_remaining(struct rewrite *rw)
{
	if (!rw->edited) {
		rw->remaining = cli_collect_findings(rw->report->plan, &rw->remaining_count);
		return CLI_PARSED;
	}
	if (migplan_plan_analyze(rw->edited, rw->report->config) != MIGPLAN_OK) {
		cli_print_error(rw->report->plan_path);
		return CLI_EXIT_INPUT;
	}
	rw->remaining = cli_collect_findings(rw->edited, &rw->remaining_count);
	return CLI_PARSED;
}

/* --- the diff and the file --- */

static int read_original(struct rewrite *rw)
{
	const char *path = migplan_plan_path(rw->report->plan);
	if (cli_read_file(path, &rw->old_text, &rw->old_len) == 0)
		return CLI_PARSED;
	fprintf(stderr, "%s: error: cannot read: %s\n", rw->report->plan_path, strerror(errno));
	return CLI_EXIT_INPUT;
}

/* Whether the file is byte for byte what Moose would write for it: if not, the edited plan,
 * written the Moose way, also changes its formatting, and the reader should know why. */
static int is_moose_formatted(const struct rewrite *rw)
{
	char *yaml = NULL;
	if (migplan_plan_to_yaml(rw->report->plan, &yaml) != MIGPLAN_OK)
		return 0;
	int same = strlen(yaml) == rw->old_len && memcmp(yaml, rw->old_text, rw->old_len) == 0;
	migplan_free(yaml);
	return same;
}

static int make_diff(struct rewrite *rw)
{
	if (listing(rw) || !rw->edited || rw->applied_count == 0)
		return CLI_PARSED;
	int code = read_original(rw);
	if (code != CLI_PARSED)
		return code;
	if (migplan_plan_to_yaml(rw->edited, &rw->new_text) != MIGPLAN_OK) {
		cli_print_error(rw->report->plan_path);
		return CLI_EXIT_INPUT;
	}
	rw->reformats = !is_moose_formatted(rw);
	rw->diff = cli_unified_diff(rw->report->plan_path, rw->old_text, rw->old_len, rw->new_text,
	                            strlen(rw->new_text), DIFF_CONTEXT);
	return CLI_PARSED;
}

static int write_back(struct rewrite *rw)
{
	if (!rw->args->write || !rw->diff)
		return CLI_PARSED;
	const char *path = migplan_plan_path(rw->report->plan);
	char *dir = cli_dirname(path);
	char *error = NULL;
	int failed = cli_write_file_atomic(path, rw->new_text, strlen(rw->new_text), dir, &error) != 0;
	free(dir);
	if (failed) {
		fprintf(stderr, "%s: error: %s\n", rw->report->plan_path, error);
		free(error);
		return CLI_EXIT_INPUT;
	}
	rw->written = cli_strdup(rw->report->plan_path);
	return CLI_PARSED;
}

/* --- exit code --- */

static size_t remaining_failing(const struct rewrite *rw)
{
	size_t n = 0;
	for (size_t i = 0; i < rw->remaining_count; i++)
		if (!rw->remaining[i].allowed && rw->remaining[i].severity >= rw->report->fail_on)
			n++;
	return n;
}

static int exit_code(const struct rewrite *rw)
{
	return remaining_failing(rw) ? CLI_EXIT_FINDINGS : CLI_EXIT_OK;
}

/* --- text output --- */

static void print_operations(FILE *out, const migplan_plan *plan, const migplan_edit *e)
{
	size_t removed = migplan_edit_removed_count(e), inserted = migplan_edit_inserted_count(e);
	fputs("    ", out);
	if (removed) {
		fprintf(out, "removes operation%s ", removed == 1 ? "" : "s");
		for (size_t i = 0; i < removed; i++) {
			size_t index = migplan_edit_removed_at(e, i);
			const migplan_op *op = migplan_plan_op_at(plan, index);
			unsigned line = (unsigned)migplan_node_line(migplan_op_node(op));
			fprintf(out, "%s%zu (line %u)", i ? ", " : "", index, line);
		}
		fputs("; ", out);
	}
	fprintf(out, "inserts %zu operation%s\n", inserted, inserted == 1 ? "" : "s");
}

static void print_answers(FILE *out, const struct cli_report *r, const char *id)
{
	int first = 1;
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct cli_finding *f = &r->findings[i];
		if (!f->edit || strcmp(f->edit, id) != 0)
			continue;
		fprintf(out, "%s%s:%u:%u: %s [%s]", first ? "    answers: " : ", ", f->path, (unsigned)f->line,
		        (unsigned)f->column, migplan_severity_name(f->severity), f->rule);
		first = 0;
	}
	if (!first)
		fputc('\n', out);
}

static void print_edit(FILE *out, const struct cli_report *r, const migplan_edit *e)
{
	/* every line indented: the output stays a patch that git apply reads past */
	fprintf(out, "  %s  [%s]\n", migplan_edit_id(e), migplan_edit_rule(e));
	print_operations(out, r->plan, e);
	cli_print_wrapped(out, "    ", migplan_edit_description(e), TEXT_WIDTH);
	print_answers(out, r, migplan_edit_id(e));
}

static void print_remaining(FILE *out, const struct rewrite *rw, const char *after)
{
	struct cli_report left = {.findings = rw->remaining, .finding_count = rw->remaining_count};
	struct cli_buf counts = {0};
	cli_count_phrase(&counts, &left);
	fprintf(out, "%s, the plan has %s%s\n", after, counts.data, rw->remaining_count ? ":" : ".");
	cli_buf_free(&counts);
	for (size_t i = 0; i < rw->remaining_count; i++) {
		const struct cli_finding *f = &rw->remaining[i];
		/* positions would be those of an edited text that is not on disk (yet) */
		if (f->allowed)
			fprintf(out, "  note: allowed: %s [%s]\n", f->message, f->rule);
		else
			fprintf(out, "  %s: %s [%s]\n", migplan_severity_name(f->severity), f->message, f->rule);
	}
}

static void print_listing(FILE *out, const struct rewrite *rw)
{
	const struct cli_report *r = rw->report;
	size_t n = migplan_plan_edit_count(r->plan);
	if (n == 0) {
		fprintf(out, "%s: no edit is proposed\n", r->plan_path);
		print_remaining(out, rw, "As it is");
		return;
	}
	fprintf(out, "%s: %zu proposed edit%s\n\n", r->plan_path, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		print_edit(out, r, migplan_plan_edit_at(r->plan, i));
	fputc('\n', out);
	if (rw->conflict)
		fprintf(out, "note: the proposed edits cannot all be applied together (%s): choose with --edit\n",
		        rw->conflict);
	print_remaining(out, rw, rw->conflict ? "As it is" : n == 1 ? "With this edit" : "With every proposed edit");
	fprintf(out, "\nShow the edited plan as a diff: migplan rewrite --edit ID (or --all) %s\n"
	             "Write it back: add --write.\n",
	        rw->args->input ? rw->args->input : "");
}

static void print_applied(FILE *out, const struct rewrite *rw)
{
	const struct cli_report *r = rw->report;
	size_t n = migplan_plan_edit_count(r->plan);
	if (n == 0) {
		fprintf(out, "%s: no edit is proposed; nothing to rewrite\n", r->plan_path);
		print_remaining(out, rw, "As it is");
		return;
	}
	fprintf(out, "%s: applying %zu of %zu proposed edit%s\n", r->plan_path, rw->applied_count, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < rw->applied_count; i++)
		print_edit(out, r, migplan_plan_edit_find(r->plan, rw->applied[i]));
	print_remaining(out, rw, "With these edits");
	if (rw->reformats)
		fprintf(out, "note: %s is not formatted the way Moose writes it: the edited plan is, so the diff "
		             "also changes its formatting\n",
		        r->plan_path);
	if (!rw->diff)
		fprintf(out, "%s: unchanged\n", r->plan_path);
	else if (rw->written)
		fprintf(out, "wrote %s\n", rw->written);
	else
		fprintf(out, "\n%s", rw->diff);
}

/* --- json output --- */

static json_object *findings_json(const struct cli_finding *findings, size_t count)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < count; i++)
		json_object_array_add(a, cli_json_finding(&findings[i]));
	return a;
}

static void add_count(json_object *o, const char *key, size_t n)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)n));
}

static json_object *summary_json(const struct rewrite *rw, int code)
{
	struct cli_report left = {.findings = rw->remaining, .finding_count = rw->remaining_count};
	size_t allowed = 0;
	for (size_t i = 0; i < rw->remaining_count; i++)
		allowed += rw->remaining[i].allowed ? 1 : 0;
	json_object *s = json_object_new_object();
	add_count(s, "errors", cli_report_count_severity(&left, MIGPLAN_SEVERITY_ERROR));
	add_count(s, "warnings", cli_report_count_severity(&left, MIGPLAN_SEVERITY_WARNING));
	add_count(s, "info", cli_report_count_severity(&left, MIGPLAN_SEVERITY_INFO));
	add_count(s, "allowed", allowed);
	json_object_object_add(s, "fail_on", cli_json_string(migplan_severity_name(rw->report->fail_on)));
	json_object_object_add(s, "exit_code", json_object_new_int(code));
	return s;
}

static json_object *plan_json(const struct rewrite *rw)
{
	json_object *p = json_object_new_object();
	json_object_object_add(p, "path", cli_json_string(rw->report->plan_path));
	add_count(p, "operations", migplan_plan_op_count(rw->report->plan));
	json_object_object_add(p, "config", cli_json_string(rw->report->config_display));
	return p;
}

static void print_json(FILE *out, const struct rewrite *rw, int code)
{
	const migplan_plan *plan = rw->report->plan;
	json_object *doc = cli_json_document("rewrite");
	json_object *edits = json_object_new_array();
	json_object *applied = json_object_new_array();
	for (size_t i = 0; i < migplan_plan_edit_count(plan); i++)
		json_object_array_add(edits, cli_json_edit(migplan_plan_edit_at(plan, i)));
	for (size_t i = 0; i < rw->applied_count; i++)
		json_object_array_add(applied, cli_json_string(rw->applied[i]));
	json_object_object_add(doc, "plan", plan_json(rw));
	json_object_object_add(doc, "edits", edits);
	json_object_object_add(doc, "applied", applied);
	json_object_object_add(doc, "diff", cli_json_string(rw->diff));
	json_object_object_add(doc, "written", cli_json_string(rw->written));
	json_object_object_add(doc, "remaining", findings_json(rw->remaining, rw->remaining_count));
	json_object_object_add(doc, "summary", summary_json(rw, code));
	cli_json_print(out, doc);
	json_object_put(doc);
}

/* --- the command --- */

static int run_rewrite(struct rewrite *rw)
{
	int code = check_ids(rw);
	if (code == CLI_PARSED)
		code = apply(rw);
	if (code == CLI_PARSED)
		code = analyse_remaining(rw);
	if (code == CLI_PARSED)
		code = make_diff(rw);
	if (code == CLI_PARSED)
		code = write_back(rw);
	if (code != CLI_PARSED)
		return code;
	code = exit_code(rw);
	if (rw->args->settings.format == CLI_FORMAT_JSON)
		print_json(stdout, rw, code);
	else if (listing(rw))
		print_listing(stdout, rw);
	else
		print_applied(stdout, rw);
	return code;
}

static void rewrite_free(struct rewrite *rw)
{
	/* the edited plan's findings borrow from the configuration that cli_run_free() frees */
	cli_findings_free(rw->remaining, rw->remaining_count);
	migplan_plan_free(rw->edited);
	free(rw->applied);
	free(rw->old_text);
	migplan_free(rw->new_text);
	free(rw->diff);
	free(rw->written);
	free(rw->conflict);
}

int cmd_rewrite(int argc, char **argv)
{
	struct rewrite_args args = {0};
	args.ids = cli_xalloc(calloc((size_t)argc + 1, sizeof *args.ids));
	int code = parse(argc, argv, &args);
	if (code != CLI_PARSED) {
		free(args.ids);
		return code;
	}
	const char *input = args.input ? args.input : "migrations";
	struct cli_run run = {.command = "rewrite", .settings = &args.settings};
	args.settings.no_schema = 1;
	cli_run_inputs(&run, &input, 1, CLI_STAGE_LOAD | CLI_STAGE_CLASSIFY | CLI_STAGE_ANALYZE);
	struct rewrite rw = {.args = &args, .report = &run.reports[0]};
	code = cli_report_ok(rw.report) ? run_rewrite(&rw) : CLI_EXIT_INPUT;
	rewrite_free(&rw);
	cli_run_free(&run);
	free(args.ids);
	return code;
}
