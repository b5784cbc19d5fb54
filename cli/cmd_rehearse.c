/* migplan rehearse [DIR|FILE]: run the plan on the embedded ClickHouse engine (chDB, loaded at
 * run time) against generated rows, and report what it did to the data; optionally the edited
 * plan beside it. The engine is opened here, before anything else, so that a missing or broken
 * libchdb.so has its own exit code and message instead of looking like a bad plan. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_line[] =
	"migplan rehearse [OPTIONS] [--rows N] [--seed S] [--chdb PATH] [--compare-rewrite] [DIR|FILE]";

static const char help_text[] =
	"usage: migplan rehearse [OPTIONS] [--rows N] [--seed S] [--chdb PATH] [--compare-rewrite] [DIR|FILE]\n"
	"\n"
	"Rehearse the plan on the embedded ClickHouse engine before deploying it: create the tables\n"
	"and views of remote_state.json in a temporary data directory, fill them with generated rows\n"
	"(NULLs and boundary values mixed in, the same for a seed), run each operation exactly as\n"
	"Moose would, and report per operation what ran or failed, per table and column the rows\n"
	"lost and values changed, whether every view still works, and the final schema against\n"
	"local_infra_map.json. The verdict is go when nothing was lost, broken or different.\n"
	"\n"
	"The engine is chDB's libchdb.so, loaded at run time: --chdb PATH, else $MIGPLAN_CHDB_LIB,\n"
	"else the npm package's usual places (./.chdb/node_modules/..., ./node_modules/...,\n"
	"/opt/chdb-npm/..., the global npm roots). Install it with: npm install --prefix .chdb chdb\n"
	"\n"
	"DIR and FILE are read as by 'migplan check' (remote_state.json is required); the default is\n"
	"./migrations.\n"
	"\n"
	"Options:\n"
	"      --rows N             rows generated per table (default 10000)\n"
	"      --seed S             seed of the generated rows (default 0; any unsigned 64-bit value)\n"
	"      --chdb PATH          the libchdb.so to load\n"
	"      --compare-rewrite    also rehearse the plan with its proposed edits applied (every one,\n"
	"                           or those of --edit) on the same rows, and show both side by side\n"
	"      --edit ID            with --compare-rewrite: apply this edit only (repeat for several)\n"
	"      --keep-going         run every operation even after one fails (Moose stops there)\n"
	"      --corrected-ddl      run the operations with valid ClickHouse types where Moose's DDL\n"
	"                           has types ClickHouse refuses\n"
	"      --data-dir DIR       keep the engine's data in DIR (an existing directory) instead of a\n"
	"                           temporary one\n"
	"      --checklist FILE     also run the verification queries of this go/no-go checklist (the\n"
	"                           JSON of 'migplan report checklist --format json'): its before\n"
	"                           queries on the generated rows, its after queries at the end\n"
	"  -f, --format FORMAT      text (default), json or markdown\n"
	"      --progress WHEN      auto (default: a progress line on standard error when it is a\n"
	"                           terminal), never, always\n"
	"  -c, --config FILE        configuration for the analysis behind --compare-rewrite\n"
	"      --no-config          use no configuration\n"
	"      --remote FILE        the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE         the local snapshot (default: local_infra_map.json beside the plan)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit codes: 0 the rehearsal passed (go); 1 it did not (no-go: an operation failed, rows or\n"
	"values were lost or changed, a view broke, a verification query of --checklist failed, or\n"
	"the final schema differs); with --compare-rewrite the verdict is the edited plan's; 2 the\n"
	"plan, its snapshots or the checklist could not be read, the rehearsal could not run, or\n"
	"--compare-rewrite found no edit to compare; 64 usage error; 69 the engine is not available\n"
	"(libchdb.so not found, not a chDB library, or ClickHouse did not start).\n";

/* EX_UNAVAILABLE of sysexits.h: the engine is a service the command needs and cannot get. */
#define CLI_EXIT_NO_ENGINE 69

enum {
	OPT_ROWS = 1,
	OPT_SEED,
	OPT_CHDB,
	OPT_COMPARE,
	OPT_EDIT,
	OPT_KEEP_GOING,
	OPT_CORRECTED_DDL,
	OPT_DATA_DIR,
	OPT_CHECKLIST,
	OPT_PROGRESS
};

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, CLI_OPT_FORMAT},
	{"config", 'c', 1, CLI_OPT_CONFIG},
	{"no-config", 0, 0, CLI_OPT_NO_CONFIG},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{"rows", 0, 1, OPT_ROWS},
	{"seed", 0, 1, OPT_SEED},
	{"chdb", 0, 1, OPT_CHDB},
	{"compare-rewrite", 0, 0, OPT_COMPARE},
	{"edit", 0, 1, OPT_EDIT},
	{"keep-going", 0, 0, OPT_KEEP_GOING},
	{"corrected-ddl", 0, 0, OPT_CORRECTED_DDL},
	{"data-dir", 0, 1, OPT_DATA_DIR},
	{"checklist", 0, 1, OPT_CHECKLIST},
	{"progress", 0, 1, OPT_PROGRESS},
	{NULL, 0, 0, 0},
};

struct rehearse_args {
	struct cli_settings settings;
	const char *input;
	uint64_t rows;
	uint64_t seed;
	const char *chdb;
	const char *data_dir;
	const char *checklist; /* --checklist FILE */
	int compare;
	const char **ids;
	size_t id_count;
	uint32_t flags;
	enum cli_color progress; /* auto, never, always: when to draw the progress line */
};

/* --- arguments --- */

static int apply_number(uint64_t *out, const char *value, const char *what, int positive)
{
	if (cli_parse_u64(value, out) != 0 || (positive && *out == 0))
		return cli_usage_error("rehearse", usage_line, "%s '%s' is not a%s whole number", what, value,
		                       positive ? " positive" : "n unsigned");
	return 0;
}

static int apply_progress(struct rehearse_args *a, const char *value)
{
	int mode = cli_color_from_name(value);
	if (mode < 0)
		return cli_usage_error("rehearse", usage_line, "unknown progress mode '%s' (auto, never, always)", value);
	a->progress = (enum cli_color)mode;
	return 0;
}

static int apply_option(void *args, int id, const char *value)
{
	struct rehearse_args *a = args;
	switch (id) {
	case CLI_ARG_POSITIONAL:
		if (a->input)
			return cli_usage_error("rehearse", usage_line, "expected one plan, got '%s' and '%s'", a->input,
			                       value);
		a->input = value;
		return 0;
	case OPT_ROWS:
		return apply_number(&a->rows, value, "--rows", 1);
	case OPT_SEED:
		return apply_number(&a->seed, value, "--seed", 0);
	case OPT_CHDB:
		a->chdb = value;
		return 0;
	case OPT_DATA_DIR:
		a->data_dir = value;
		return 0;
	case OPT_CHECKLIST:
		a->checklist = value;
		return 0;
	case OPT_COMPARE:
		a->compare = 1;
		return 0;
	case OPT_EDIT:
		a->ids[a->id_count++] = value;
		return 0;
	case OPT_KEEP_GOING:
		a->flags |= MIGPLAN_REHEARSE_KEEP_GOING;
		return 0;
	case OPT_CORRECTED_DDL:
		a->flags |= MIGPLAN_REHEARSE_CORRECTED_DDL;
		return 0;
	case OPT_PROGRESS:
		return apply_progress(a, value);
	default:
		return cli_settings_apply(&a->settings, id, value, "rehearse", usage_line);
	}
}

static int check_combination(const struct rehearse_args *a)
{
	enum cli_format f = a->settings.format;
	if (f != CLI_FORMAT_TEXT && f != CLI_FORMAT_JSON && f != CLI_FORMAT_MARKDOWN)
		return cli_usage_error("rehearse", usage_line, "format '%s' is not one of text, json, markdown",
		                       cli_format_name(f));
	if (a->id_count && !a->compare)
		return cli_usage_error("rehearse", usage_line, "--edit chooses the edits of --compare-rewrite");
	if (a->data_dir && !cli_is_dir(a->data_dir))
		return cli_usage_error("rehearse", usage_line, "--data-dir '%s' is not an existing directory", a->data_dir);
	return CLI_PARSED;
}

static int parse(int argc, char **argv, struct rehearse_args *a)
{
	static const struct cli_syntax command = {"rehearse", usage_line, help_text, options};
	int code = cli_parse_command(argc, argv, &command, apply_option, a);
	return code == CLI_PARSED ? check_combination(a) : code;
}

/* --- progress --- */

struct progress {
	const char *plan;   /* display path */
	int compare;
	int second;         /* the edited plan's rehearsal has started */
	int drawn;          /* a line is on the terminal */
	size_t last_index;
};

/* One line, redrawn in place ("\r" and erase to the end of the line). */
static void draw_progress(void *user, size_t op_index, size_t op_count, uint64_t rows)
{
	struct progress *p = user;
	/* the rehearsal of the edited plan starts over at operation 0 */
	if (p->drawn && op_index < p->last_index)
		p->second = 1;
	p->last_index = op_index;
	const char *which = !p->compare ? "" : p->second ? " (edited)" : " (as it is)";
	if (op_index < op_count)
		fprintf(stderr, "\r\033[Krehearsing %s%s: operation %zu of %zu, %" PRIu64 " rows", p->plan, which,
		        op_index + 1, op_count, rows);
	else
		fprintf(stderr, "\r\033[Krehearsing %s%s: %zu operations done, checking views and schema", p->plan,
		        which, op_count);
	fflush(stderr);
	p->drawn = 1;
}

static void clear_progress(const struct progress *p)
{
	if (p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

static int progress_wanted(enum cli_color mode)
{
	if (mode == CLI_COLOR_NEVER)
		return 0;
	if (mode == CLI_COLOR_ALWAYS)
		return 1;
	/* a log or a pipe gets no carriage returns */
	const char *term = getenv("TERM");
	return isatty(STDERR_FILENO) && !(term && strcmp(term, "dumb") == 0);
}

/* --- the engine --- */

static int open_engine(migplan_chdb **eng, const struct rehearse_args *a)
{
	migplan_status st = migplan_chdb_open(eng, a->chdb, a->data_dir);
	if (st == MIGPLAN_OK)
		return CLI_PARSED;
	const char *why = migplan_error_message(migplan_error_last());
	fprintf(stderr, "migplan rehearse: error: the ClickHouse engine is not available: %s\n", why);
	/* the search's own message already says how to install it; an explicit path's does not */
	if (st == MIGPLAN_ENOTFOUND && !strstr(why, "npm install"))
		fputs("migplan rehearse: install chDB with 'npm install --prefix .chdb chdb', or name its libchdb.so "
		      "with --chdb PATH or MIGPLAN_CHDB_LIB\n",
		      stderr);
	if (st == MIGPLAN_ENOTFOUND || st == MIGPLAN_EUNSUPPORTED || st == MIGPLAN_ERROR)
		return CLI_EXIT_NO_ENGINE;
	return CLI_EXIT_INPUT;
}

/* --- rehearsing --- */

static migplan_rehearsal_format render_format(enum cli_format f)
{
	if (f == CLI_FORMAT_JSON)
		return MIGPLAN_REHEARSAL_JSON;
	if (f == CLI_FORMAT_MARKDOWN)
		return MIGPLAN_REHEARSAL_MARKDOWN;
	return MIGPLAN_REHEARSAL_TEXT;
}

/* Every --edit must be a proposed edit; with none proposed there is nothing to compare. */
static int check_edits(const struct rehearse_args *a, const struct cli_report *r)
{
	for (size_t i = 0; i < a->id_count; i++)
		if (!migplan_plan_edit_find(r->plan, a->ids[i]))
			return cli_usage_error("rehearse", usage_line,
			                       "unknown edit '%s' for %s (see 'migplan rewrite %s')", a->ids[i],
			                       r->plan_path, r->input);
	if (migplan_plan_edit_count(r->plan) == 0) {
		fprintf(stderr, "migplan rehearse: %s: no edit is proposed, nothing to compare: 'migplan rewrite' has "
		                "nothing to offer for this plan\n",
		        r->plan_path);
		return CLI_EXIT_INPUT;
	}
	return CLI_PARSED;
}

static int print_rendered(migplan_status st, char *text, const struct cli_report *r)
{
	if (st != MIGPLAN_OK) {
		cli_print_error(r->plan_path);
		return CLI_EXIT_INPUT;
	}
	fputs(text, stdout);
	migplan_free(text);
	return CLI_PARSED;
}

static int rehearse_one(const struct rehearse_args *a, struct cli_report *r, const migplan_rehearse_options *opts)
{
	migplan_rehearsal *result = NULL;
	if (migplan_rehearse(&result, r->plan, opts) != MIGPLAN_OK) {
		cli_print_error(r->plan_path);
		return CLI_EXIT_INPUT;
	}
	char *text = NULL;
	migplan_status st = migplan_rehearsal_render(result, render_format(a->settings.format), &text);
	int code = print_rendered(st, text, r);
	if (code == CLI_PARSED)
		code = migplan_rehearsal_passed(result) ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
	migplan_rehearsal_free(result);
	return code;
}

static int rehearse_compare(const struct rehearse_args *a, struct cli_report *r, const migplan_rehearse_options *opts)
{
	migplan_rehearsal *before = NULL, *after = NULL;
	int code = check_edits(a, r);
	if (code != CLI_PARSED)
		return code;
	const char *const *ids = a->id_count ? a->ids : NULL; /* NULL: every proposed edit */
	if (migplan_rehearse_edits(&before, &after, r->plan, ids, a->id_count, opts) != MIGPLAN_OK) {
		cli_print_error(r->plan_path);
		return CLI_EXIT_INPUT;
	}
	char *text = NULL;
	migplan_status st = migplan_rehearsal_render_compare(before, after, render_format(a->settings.format), &text);
	code = print_rendered(st, text, r);
	/* the edited plan is the one that would ship after 'migplan rewrite --write' */
	if (code == CLI_PARSED)
		code = migplan_rehearsal_passed(after) ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
	migplan_rehearsal_free(before);
	migplan_rehearsal_free(after);
	return code;
}

/* The checklist's text, or NULL without --checklist; CLI_EXIT_INPUT when it cannot be read. */
static int read_checklist(const struct rehearse_args *a, char **text)
{
	size_t len;
	*text = NULL;
	if (!a->checklist || cli_read_file(a->checklist, text, &len) == 0)
		return CLI_PARSED;
	char *shown = cli_display_path(a->checklist);
	fprintf(stderr, "%s: error: cannot read: %s\n", shown, strerror(errno));
	free(shown);
	return CLI_EXIT_INPUT;
}

static int rehearse(const struct rehearse_args *a, struct cli_report *r)
{
	migplan_chdb *eng = NULL;
	char *checklist = NULL;
	int code = read_checklist(a, &checklist);
	if (code == CLI_PARSED)
		code = open_engine(&eng, a);
	if (code != CLI_PARSED) {
		free(checklist);
		return code;
	}
	struct progress progress = {.plan = r->plan_path, .compare = a->compare};
	migplan_rehearse_options opts = MIGPLAN_REHEARSE_OPTIONS_INIT;
	opts.rows = a->rows;
	opts.seed = a->seed;
	opts.flags = a->flags;
	opts.engine = eng;
	opts.checklist_json = checklist;
	if (progress_wanted(a->progress)) {
		opts.progress = draw_progress;
		opts.progress_user = &progress;
	}
	code = a->compare ? rehearse_compare(a, r, &opts) : rehearse_one(a, r, &opts);
	clear_progress(&progress);
	migplan_chdb_close(eng);
	free(checklist);
	return code;
}

int cmd_rehearse(int argc, char **argv)
{
	struct rehearse_args args = {.settings = {.no_schema = 1}};
	args.ids = cli_xalloc(calloc((size_t)argc + 1, sizeof *args.ids));
	int code = parse(argc, argv, &args);
	if (code != CLI_PARSED) {
		free(args.ids);
		return code;
	}
	/* the analysis (and so the configuration) only matters for the edits to compare */
	if (!args.compare)
		args.settings.no_config = 1;
	const char *input = args.input ? args.input : "migrations";
	struct cli_run run = {.command = "rehearse", .settings = &args.settings};
	unsigned stages = CLI_STAGE_LOAD | (args.compare ? CLI_STAGE_CLASSIFY | CLI_STAGE_ANALYZE : 0);
	cli_run_inputs(&run, &input, 1, stages);
	struct cli_report *r = &run.reports[0];
	code = cli_report_ok(r) ? rehearse(&args, r) : CLI_EXIT_INPUT;
	fflush(stdout);
	cli_run_free(&run);
	free(args.ids);
	return code;
}
