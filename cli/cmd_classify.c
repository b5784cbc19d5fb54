/* migplan classify [DIR|FILES...]: the per-operation table and the plan's change type. */
#include <stdlib.h>

#include "cli.h"

static const char usage_line[] = "migplan classify [OPTIONS] [DIR|FILE...]";

static const char help_text[] =
	"usage: migplan classify [OPTIONS] [DIR|FILE...]\n"
	"\n"
	"Print each operation of the plan with its category (additive, destructive, metadata,\n"
	"custom), whether it is reversible and what it loses, then the plan's change type\n"
	"(empty, additive, destructive, mixed). No analysis is run: use 'migplan check' for findings.\n"
	"\n"
	"DIR and FILE are read as by 'migplan check'; the default is ./migrations.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   text (default), json or markdown\n"
	"      --color WHEN      auto (default), never, always; a non-empty NO_COLOR turns colour off\n"
	"      --remote FILE     the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE      the local snapshot (default: local_infra_map.json beside the plan)\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit codes: 0 classified; 2 an input could not be read or parsed; 64 usage error.\n";

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, CLI_OPT_FORMAT},
	{"color", 0, 1, CLI_OPT_COLOR},
	{"colour", 0, 1, CLI_OPT_COLOR},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{NULL, 0, 0, 0},
};

static const struct cli_syntax spec = {"classify", usage_line, help_text, options};

static void emit(const struct cli_run *run)
{
	if (run->settings->format == CLI_FORMAT_TEXT)
		cli_output_text_classification(stdout, run);
	else
		cli_emit(stdout, run);
}

int cmd_classify(int argc, char **argv)
{
	/* classification needs no configuration: reading one could only fail */
	struct cli_settings settings = {.no_config = 1, .no_schema = 1};
	const char **inputs = cli_xalloc(calloc((size_t)argc + 1, sizeof *inputs));
	size_t input_count;
	int code = cli_parse_plan_command(argc, argv, &spec, &settings, inputs, &input_count);
	if (code == CLI_PARSED && settings.format != CLI_FORMAT_TEXT && settings.format != CLI_FORMAT_JSON &&
	    settings.format != CLI_FORMAT_MARKDOWN)
		code = cli_usage_error("classify", usage_line, "format '%s' has no findings to show here (text, json, markdown)",
		                       cli_format_name(settings.format));
	if (code != CLI_PARSED) {
		free(inputs);
		return code;
	}
	if (input_count == 0)
		inputs[input_count++] = "migrations";

	struct cli_run run = {.command = "classify", .settings = &settings};
	cli_run_inputs(&run, inputs, input_count, CLI_STAGE_LOAD | CLI_STAGE_CLASSIFY);
	emit(&run);
	code = run.exit_code;
	cli_run_free(&run);
	free(inputs);
	return code;
}
