/* migplan check [DIR|FILES...]: load, classify, analyse and validate; print findings. */
#include <stdlib.h>

#include "cli.h"

static const char usage_line[] = "migplan check [OPTIONS] [DIR|FILE...]";

static const char help_text[] =
	"usage: migplan check [OPTIONS] [DIR|FILE...]\n"
	"\n"
	"Load each plan with its snapshots, classify and analyse it, validate it against the\n"
	"project's JSON Schema, and print the findings.\n"
	"\n"
	"DIR is a migrations directory (plan.yaml, remote_state.json, local_infra_map.json);\n"
	"FILE is a plan file, read with the snapshots beside it. The default is ./migrations.\n"
	"The schema defaults to .moose/migration_schema.json beside the migrations directory,\n"
	"and the configuration to the first .migplan.yaml found walking up from the plan.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT      text (default), json, sarif, github, gitlab, markdown\n"
	"      --color WHEN         auto (default: only on a terminal), never, always;\n"
	"                           a non-empty NO_COLOR always turns colour off\n"
	"      --fail-on SEVERITY   error (default), warning or info: the lowest severity that\n"
	"                           fails (overrides the configuration's fail_on)\n"
	"      --allow-destructive  destructive operations do not make the exit code 3\n"
	"  -c, --config FILE        use this configuration instead of the discovered one\n"
	"      --no-config          use no configuration\n"
	"      --schema FILE        validate against this JSON Schema\n"
	"      --no-schema          skip JSON Schema validation\n"
	"      --remote FILE        the remote snapshot (default: remote_state.json beside the plan)\n"
	"      --local FILE         the local snapshot (default: local_infra_map.json beside the plan)\n"
	"      --deployments FILE   a JSON deployments list: check that remote_state.json was taken\n"
	"                           from the target deployment of --branch (see 'migplan target')\n"
	"      --branch NAME        the branch the plan will be deployed from (with --deployments)\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit codes: 0 nothing at or above the threshold; 1 findings at or above it; 2 an input\n"
	"could not be read or parsed; 3 destructive operations that neither --allow-destructive\n"
	"nor allow entries lift; 64 usage error. The worst applies: 64 > 2 > 3 > 1 > 0.\n";

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, CLI_OPT_FORMAT},
	{"color", 0, 1, CLI_OPT_COLOR},
	{"colour", 0, 1, CLI_OPT_COLOR},
	{"fail-on", 0, 1, CLI_OPT_FAIL_ON},
	{"allow-destructive", 0, 0, CLI_OPT_ALLOW_DESTRUCTIVE},
	{"config", 'c', 1, CLI_OPT_CONFIG},
	{"no-config", 0, 0, CLI_OPT_NO_CONFIG},
	{"schema", 0, 1, CLI_OPT_SCHEMA},
	{"no-schema", 0, 0, CLI_OPT_NO_SCHEMA},
	{"remote", 0, 1, CLI_OPT_REMOTE},
	{"local", 0, 1, CLI_OPT_LOCAL},
	{"deployments", 0, 1, CLI_OPT_DEPLOYMENTS},
	{"branch", 0, 1, CLI_OPT_BRANCH},
	{NULL, 0, 0, 0},
};

static const struct cli_syntax spec = {"check", usage_line, help_text, options};

int cmd_check(int argc, char **argv)
{
	struct cli_settings settings = {0};
	const char **inputs = cli_xalloc(calloc((size_t)argc + 1, sizeof *inputs));
	size_t input_count;
	int code = cli_parse_plan_command(argc, argv, &spec, &settings, inputs, &input_count);
	if (code == CLI_PARSED && !settings.deployments_path != !settings.branch)
		code = cli_usage_error("check", usage_line, "--deployments and --branch go together");
	if (code != CLI_PARSED) {
		free(inputs);
		return code;
	}
	if (input_count == 0)
		inputs[input_count++] = "migrations";

	struct cli_run run = {.command = "check", .settings = &settings};
	cli_run_inputs(&run, inputs, input_count,
	               CLI_STAGE_LOAD | CLI_STAGE_CLASSIFY | CLI_STAGE_ANALYZE | CLI_STAGE_SCHEMA |
	                       CLI_STAGE_DESTRUCTIVE);
	cli_emit(stdout, &run);
	code = run.exit_code;
	cli_run_free(&run);
	free(inputs);
	return code;
}
