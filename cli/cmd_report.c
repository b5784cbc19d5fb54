/* migplan report KIND [--out DIR] [DIR|FILE]: the documents for shipping a risky migration
 * (rollout plan, pull-request body, go/no-go checklist, observability runbook with its dashboard
 * and alerts, expand/contract strategy, phased plan), rendered by the library from one result
 * model, to standard output or, atomically, into files under --out. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "output_json.h"

static const char usage_line[] = "migplan report KIND [OPTIONS] [--out DIR] [DIR|FILE]";

static const char help_text[] =
	"usage: migplan report KIND [OPTIONS] [--out DIR] [DIR|FILE]\n"
	"\n"
	"Write the documents for shipping the plan, built from its classification, findings,\n"
	"proposed edits and statements. KIND is one of:\n"
	"  rollout     the rollout plan a reviewer approves    docs/database-report/rollout-plan.md\n"
	"  pr-body     the pull-request description            docs/database-report/pr-body.md\n"
	"  checklist   the go/no-go verification checklist     docs/database-report/verification-checklist.md\n"
	"  runbook     the observability runbook, its dashboard and its alerts (three documents)\n"
	"              docs/database-report/observability-{runbook,dashboard,alerts}.md\n"
	"  strategy    the expand/contract strategy per breaking change\n"
	"              docs/database-report/migration-strategist-report.md and -output.json\n"
	"  phases      the phased plan for backfills and rebuilds  docs/database-report/phased-plan.md\n"
	"  all         every one of them\n"
	"(dashboard and alerts alone are kinds too.) JSON files end in .json instead of .md.\n"
	"\n"
	"Without --out the reports go to standard output (several Markdown reports separated by a\n"
	"'---' line; several JSON reports one per line). With --out DIR each goes to its file\n"
	"below DIR (the names above, relative to the project root: --out . from there), written\n"
	"atomically and keeping an existing file's permissions; the paths written are printed.\n"
	"\n"
	"DIR and FILE are read as by 'migplan check'; the default is ./migrations.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT        markdown (or md) or json; default markdown, and with --out\n"
	"                             the strategy in both (the two files above)\n"
	"  -o, --out DIR              write files below DIR (an existing directory)\n"
	"      --name [KIND[.FORMAT]=]PATH\n"
	"                             write KIND's report (in FORMAT) to PATH below DIR instead of\n"
	"                             its default name; a bare PATH when only one file is written\n"
	"      --table-size [DB.]TABLE=ROWS[/BYTES]\n"
	"                             how big a table is, for durations and batch sizes (repeat)\n"
	"  -c, --config FILE          use this configuration instead of the discovered one\n"
	"      --no-config            use no configuration\n"
	"      --remote FILE          the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE           the local snapshot (default: local_infra_map.json beside the plan)\n"
	"      --deployments FILE     the deployments list: the reports name the target deployment\n"
	"      --branch NAME          the branch the plan will be deployed from (with --deployments)\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Exit codes: 0 the reports were printed or written, whatever they decide (gate merges with\n"
	"'migplan check'); 2 an input could not be read or parsed, or a file could not be written;\n"
	"64 usage error.\n";

enum { OPT_OUT = 1, OPT_NAME, OPT_TABLE_SIZE, OPT_REPORT_FORMAT };

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, OPT_REPORT_FORMAT},
	{"out", 'o', 1, OPT_OUT},
	{"name", 0, 1, OPT_NAME},
	{"table-size", 0, 1, OPT_TABLE_SIZE},
	{"config", 'c', 1, CLI_OPT_CONFIG},
	{"no-config", 0, 0, CLI_OPT_NO_CONFIG},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{"deployments", 0, 1, CLI_OPT_DEPLOYMENTS},
	{"branch", 0, 1, CLI_OPT_BRANCH},
	{NULL, 0, 0, 0},
};

/* What `all` and `runbook` stand for, in the order they are printed and written. */
static const migplan_report_kind all_kinds[] = {
	MIGPLAN_REPORT_ROLLOUT,  MIGPLAN_REPORT_PR_BODY,  MIGPLAN_REPORT_CHECKLIST, MIGPLAN_REPORT_RUNBOOK,
	MIGPLAN_REPORT_DASHBOARD, MIGPLAN_REPORT_ALERTS, MIGPLAN_REPORT_STRATEGY,  MIGPLAN_REPORT_PHASES,
};
static const migplan_report_kind runbook_kinds[] = {MIGPLAN_REPORT_RUNBOOK, MIGPLAN_REPORT_DASHBOARD,
                                                    MIGPLAN_REPORT_ALERTS};

#define MAX_KINDS (sizeof all_kinds / sizeof all_kinds[0])
/* every kind in both formats at most */
#define MAX_JOBS (2 * MAX_KINDS)

/* A --name: which report (kind 0: any) in which format (0: any) goes where. */
struct name_override {
	migplan_report_kind kind;
	migplan_report_format format;
	const char *path;
	const char *given; /* the option's value, for messages */
};

/* A --table-size. */
struct table_size {
	char *database; /* NULL: the plan's default database */
	char *table;
	uint64_t rows, bytes;
};

struct report_args {
	struct cli_settings settings;
	const char *kind_word;
	const char *input;
	migplan_report_format format; /* 0: the default */
	const char *out_dir;
	struct name_override *names;
	size_t name_count;
	struct table_size *sizes;
	size_t size_count;
	migplan_report_kind kinds[MAX_KINDS];
	size_t kind_count;
};

/* One document to render: a kind in a format, and where it goes with --out. */
struct job {
	migplan_report_kind kind;
	migplan_report_format format;
	const char *filename; /* NULL: the default */
};

/* --- arguments --- */

static int kinds_from_word(struct report_args *a, const char *word)
{
	const migplan_report_kind *list = NULL;
	size_t n = 0;
	migplan_report_kind one = migplan_report_kind_from_name(word);
	if (strcmp(word, "all") == 0) {
		list = all_kinds;
		n = MAX_KINDS;
	} else if (one == MIGPLAN_REPORT_RUNBOOK) {
		list = runbook_kinds;
		n = sizeof runbook_kinds / sizeof runbook_kinds[0];
	} else if (one) {
		list = &one;
		n = 1;
	} else {
		return cli_usage_error("report", usage_line,
		                       "unknown report '%s' (rollout, pr-body, checklist, runbook, dashboard, alerts, "
		                       "strategy, phases, all)",
		                       word);
	}
	memcpy(a->kinds, list, n * sizeof *list);
	a->kind_count = n;
	return 0;
}

static int take_operand(struct report_args *a, const char *value)
{
	if (!a->kind_word) {
		a->kind_word = value;
		return kinds_from_word(a, value);
	}
	if (a->input)
		return cli_usage_error("report", usage_line, "expected one plan, got '%s' and '%s'", a->input, value);
	a->input = value;
	return 0;
}

static int apply_format(struct report_args *a, const char *value)
{
	a->format = migplan_report_format_from_name(value);
	if (!a->format)
		return cli_usage_error("report", usage_line, "format '%s' is not one of markdown, json", value);
	return 0;
}

/* A path below --out: relative, without a ".." component (the library refuses those too). */
static int path_stays_below(const char *path)
{
	if (!*path || path[0] == '/')
		return 0;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		p += *p == '/';
	}
	return 1;
}

/* "[KIND[.FORMAT]=]PATH" */
static int apply_name(struct report_args *a, const char *value)
{
	struct name_override o = {0, 0, value, value};
	const char *eq = strchr(value, '=');
	if (eq) {
		char *key = cli_strdup(value);
		key[eq - value] = '\0';
		char *dot = strchr(key, '.');
		if (dot)
			*dot++ = '\0';
		o.kind = migplan_report_kind_from_name(key);
		o.format = dot ? migplan_report_format_from_name(dot) : 0;
		o.path = eq + 1;
		int bad = !o.kind || (dot && !o.format);
		free(key);
		if (bad)
			return cli_usage_error("report", usage_line,
			                       "--name '%s': expected KIND=PATH or KIND.FORMAT=PATH (a report kind, "
			                       "markdown or json)",
			                       value);
	}
	if (!path_stays_below(o.path))
		return cli_usage_error("report", usage_line, "--name '%s': the path must be relative to --out, without '..'",
		                       value);
	a->names[a->name_count++] = o;
	return 0;
}

/* "ROWS" or "ROWS/BYTES"; -1 when it is neither. */
static int parse_size(const char *s, uint64_t *rows, uint64_t *bytes)
{
	const char *slash = strchr(s, '/');
	char *head = cli_xalloc(strndup(s, slash ? (size_t)(slash - s) : strlen(s)));
	int bad = cli_parse_u64(head, rows) != 0 || (slash && cli_parse_u64(slash + 1, bytes) != 0);
	free(head);
	return bad ? -1 : 0;
}

/* "[DB.]TABLE=ROWS[/BYTES]" */
static int apply_table_size(struct report_args *a, const char *value)
{
	const char *eq = strrchr(value, '=');
	struct table_size t = {0};
	if (!eq || eq == value || parse_size(eq + 1, &t.rows, &t.bytes) != 0)
		return cli_usage_error("report", usage_line, "--table-size '%s': expected [DB.]TABLE=ROWS[/BYTES]", value);
	const char *dot = memchr(value, '.', (size_t)(eq - value));
	const char *name = dot ? dot + 1 : value;
	t.table = cli_xalloc(strndup(name, (size_t)(eq - name)));
	t.database = dot ? cli_xalloc(strndup(value, (size_t)(dot - value))) : NULL;
	a->sizes[a->size_count++] = t;
	return 0;
}

static int apply_option(void *args, int id, const char *value)
{
	struct report_args *a = args;
	switch (id) {
	case CLI_ARG_POSITIONAL:
		return take_operand(a, value);
	case OPT_REPORT_FORMAT:
		return apply_format(a, value);
	case OPT_OUT:
		a->out_dir = value;
		return 0;
	case OPT_NAME:
		return apply_name(a, value);
	case OPT_TABLE_SIZE:
		return apply_table_size(a, value);
	default:
		return cli_settings_apply(&a->settings, id, value, "report", usage_line);
	}
}

static int check_combination(const struct report_args *a)
{
	if (!a->kind_word)
		return cli_usage_error("report", usage_line,
		                       "expected a report kind (rollout, pr-body, checklist, runbook, strategy, phases, all)");
	if (!a->settings.deployments_path != !a->settings.branch)
		return cli_usage_error("report", usage_line, "--deployments and --branch go together");
	if (a->name_count && !a->out_dir)
		return cli_usage_error("report", usage_line, "--name names a file below --out DIR");
	if (a->out_dir && !cli_is_dir(a->out_dir))
		return cli_usage_error("report", usage_line, "--out '%s' is not an existing directory", a->out_dir);
	return CLI_PARSED;
}

static int parse(int argc, char **argv, struct report_args *a)
{
	static const struct cli_syntax command = {"report", usage_line, help_text, options};
	int code = cli_parse_command(argc, argv, &command, apply_option, a);
	return code == CLI_PARSED ? check_combination(a) : code;
}

/* --- the documents to make --- */

static size_t plan_jobs(const struct report_args *a, struct job *jobs)
{
	size_t n = 0;
	for (size_t i = 0; i < a->kind_count; i++) {
		migplan_report_kind kind = a->kinds[i];
		if (a->format) {
			jobs[n++] = (struct job){kind, a->format, NULL};
			continue;
		}
		jobs[n++] = (struct job){kind, MIGPLAN_FORMAT_MARKDOWN, NULL};
		/* the strategist's convention: the report for people and the output for tools */
		if (kind == MIGPLAN_REPORT_STRATEGY && a->out_dir)
			jobs[n++] = (struct job){kind, MIGPLAN_FORMAT_JSON, NULL};
	}
	return n;
}

static int name_matches(const struct name_override *o, const struct job *j)
{
	return (!o->kind || o->kind == j->kind) && (!o->format || o->format == j->format);
}

/* Give each job the file a --name asks for; every --name must be used by exactly one job. */
static int assign_names(const struct report_args *a, struct job *jobs, size_t job_count)
{
	for (size_t i = 0; i < a->name_count; i++) {
		const struct name_override *o = &a->names[i];
		size_t matched = 0;
		for (size_t k = 0; k < job_count; k++) {
			if (!name_matches(o, &jobs[k]))
				continue;
			jobs[k].filename = o->path;
			matched++;
		}
		if (matched != 1)
			return cli_usage_error("report", usage_line, "--name '%s' %s", o->given,
			                       matched ? "matches several files: say which with KIND= or KIND.FORMAT="
			                               : "matches no report being written");
	}
	return CLI_PARSED;
}

/* --- rendering --- */

static int set_sizes(const struct report_args *a, migplan_report *report)
{
	for (size_t i = 0; i < a->size_count; i++) {
		const struct table_size *t = &a->sizes[i];
		if (migplan_report_set_table_stats(report, t->database, t->table, t->rows, t->bytes) != MIGPLAN_OK) {
			cli_print_error(NULL);
			return CLI_EXIT_INPUT;
		}
	}
	return CLI_PARSED;
}

/* Several JSON reports on standard output: one document per line (JSON Lines). */
static void print_json_line(FILE *out, const char *text)
{
	json_object *doc = json_tokener_parse(text);
	if (!doc) {
		fputs(text, out);
		return;
	}
	cli_json_print(out, doc);
	json_object_put(doc);
}

static int print_reports(migplan_report *report, const struct job *jobs, size_t n, const char *plan_path)
{
	for (size_t i = 0; i < n; i++) {
		char *text = NULL;
		if (migplan_report_render(report, jobs[i].kind, jobs[i].format, &text) != MIGPLAN_OK) {
			cli_print_error(plan_path);
			return CLI_EXIT_INPUT;
		}
		if (jobs[i].format == MIGPLAN_FORMAT_JSON && n > 1) {
			print_json_line(stdout, text);
		} else {
			if (i > 0)
				fputs("\n---\n\n", stdout);
			fputs(text, stdout);
			if (*text && text[strlen(text) - 1] != '\n')
				fputc('\n', stdout);
		}
		migplan_free(text);
	}
	return CLI_EXIT_OK;
}

static int write_reports(migplan_report *report, const struct job *jobs, size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++) {
		char *written = NULL;
		if (migplan_report_write(report, jobs[i].kind, jobs[i].format, dir, jobs[i].filename, &written) !=
		    MIGPLAN_OK) {
			cli_print_error(dir);
			return CLI_EXIT_INPUT;
		}
		char *shown = cli_display_path(written);
		printf("wrote %s\n", shown);
		free(shown);
		migplan_free(written);
	}
	return CLI_EXIT_OK;
}

static int make_reports(const struct report_args *a, struct cli_report *r)
{
	struct job jobs[MAX_JOBS];
	size_t n = plan_jobs(a, jobs);
	int code = assign_names(a, jobs, n);
	if (code != CLI_PARSED)
		return code;
	migplan_report *report = NULL;
	if (migplan_report_new(&report, r->plan) != MIGPLAN_OK) {
		cli_print_error(r->plan_path);
		return CLI_EXIT_INPUT;
	}
	code = set_sizes(a, report);
	if (code == CLI_PARSED)
		code = a->out_dir ? write_reports(report, jobs, n, a->out_dir)
		                  : print_reports(report, jobs, n, r->plan_path);
	migplan_report_free(report);
	return code;
}

static void free_args(struct report_args *a)
{
	for (size_t i = 0; i < a->size_count; i++) {
		free(a->sizes[i].database);
		free(a->sizes[i].table);
	}
	free(a->sizes);
	free(a->names);
}

int cmd_report(int argc, char **argv)
{
	struct report_args args = {.settings = {.no_schema = 1}};
	args.names = cli_xalloc(calloc((size_t)argc + 1, sizeof *args.names));
	args.sizes = cli_xalloc(calloc((size_t)argc + 1, sizeof *args.sizes));
	int code = parse(argc, argv, &args);
	if (code == CLI_PARSED) {
		const char *input = args.input ? args.input : "migrations";
		struct cli_run run = {.command = "report", .settings = &args.settings};
		/* the analysis with the project's configuration: allow reasons and the target
		 * deployment belong in the reports */
		cli_run_inputs(&run, &input, 1, CLI_STAGE_LOAD | CLI_STAGE_CLASSIFY | CLI_STAGE_ANALYZE);
		code = cli_report_ok(&run.reports[0]) ? make_reports(&args, &run.reports[0]) : CLI_EXIT_INPUT;
		cli_run_free(&run);
	}
	free_args(&args);
	return code;
}
