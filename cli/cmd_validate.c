/* migplan validate --schema FILE [DIR|FILES...]: JSON Schema and semantic validation only. */
#include <stdlib.h>

#include "cli.h"

static const char usage_line[] = "migplan validate [--schema FILE] [OPTIONS] [DIR|FILE...]";

static const char help_text[] =
	"usage: migplan validate [--schema FILE] [OPTIONS] [DIR|FILE...]\n"
	"\n"
	"Validate plans without analysing them: each plan must load into libmigplan's model\n"
	"(every operation a known Moose variant with fields of the right types; otherwise the\n"
	"exit code is 2 with file:line:column on stderr), and must satisfy the JSON Schema.\n"
	"Violations are findings: rule schema-violation (an error), or schema-moose-mismatch\n"
	"(a warning) where Moose's own schema rejects what Moose writes.\n"
	"\n"
	"DIR and FILE are read as by 'migplan check'; the default is ./migrations.\n"
	"\n"
	"Options:\n"
	"      --schema FILE        the JSON Schema (default: .moose/migration_schema.json beside\n"
	"                           the migrations directory; without either, exit 2)\n"
	"  -f, --format FORMAT      text (default), json, sarif, github, gitlab, markdown\n"
	"      --color WHEN         auto (default), never, always; a non-empty NO_COLOR turns colour off\n"
	"      --fail-on SEVERITY   error (default), warning or info\n"
	"      --remote FILE        the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE         the local snapshot (default: local_infra_map.json beside the plan)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit codes: 0 valid (nothing at or above the threshold); 1 violations at or above it;\n"
	"2 an input or the schema could not be read or parsed; 64 usage error.\n";

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"schema", 0, 1, CLI_OPT_SCHEMA},
	{"format", 'f', 1, CLI_OPT_FORMAT},
	{"color", 0, 1, CLI_OPT_COLOR},
	{"colour", 0, 1, CLI_OPT_COLOR},
	{"fail-on", 0, 1, CLI_OPT_FAIL_ON},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{NULL, 0, 0, 0},
};

static const struct cli_syntax spec = {"validate", usage_line, help_text, options};

int cmd_validate(int argc, char **argv)
{
	/* a configuration holds analysis settings only; validation never reads one */
	struct cli_settings settings = {.no_config = 1};
	const char **inputs = cli_xalloc(calloc((size_t)argc + 1, sizeof *inputs));
	size_t input_count;
	int code = cli_parse_plan_command(argc, argv, &spec, &settings, inputs, &input_count);
	if (code != CLI_PARSED) {
		free(inputs);
		return code;
	}
	if (input_count == 0)
		inputs[input_count++] = "migrations";

	struct cli_run run = {.command = "validate", .settings = &settings};
	cli_run_inputs(&run, inputs, input_count, CLI_STAGE_LOAD | CLI_STAGE_SCHEMA | CLI_STAGE_SCHEMA_REQUIRED);
	cli_emit(stdout, &run);
	code = run.exit_code;
	cli_run_free(&run);
	free(inputs);
	return code;
}
