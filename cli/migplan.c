/* migplan: make MooseStack/ClickHouse migration plans safe to ship, from the command line.
 *
 * This file only dispatches: each command lives in its own cli/cmd_*.c, so adding one is a new
 * file plus one row in the table below. The program uses libmigplan's public API only. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct cli_command commands[] = {
	{"check", "load, classify, analyse and validate plans; print findings", cmd_check},
	{"classify", "the per-operation table and the plan's change type", cmd_classify},
	{"validate", "JSON Schema and semantic validation only", cmd_validate},
	{"type-change", "judge a change between two ClickHouse types", cmd_type_change},
	{"target", "choose the target deployment of a branch, or print the blocker", cmd_target},
	{"rewrite", "list the proposed edits, show the edited plan as a diff, --write it", cmd_rewrite},
	{"report", "rollout plan, PR body, checklist, runbook, strategy, phased plan", cmd_report},
	{"rehearse", "run the plan on the embedded ClickHouse engine against generated rows", cmd_rehearse},
	{"rules", "list every rule", cmd_rules},
	{"explain", "the help text of a rule", cmd_explain},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static void print_help(FILE *out)
{
	fputs("usage: migplan [--version] [--help] COMMAND [ARGS...]\n"
	      "\n"
	      "Make MooseStack/ClickHouse migration plans safe to ship.\n"
	      "\n"
	      "Commands:\n",
	      out);
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "Exit codes: 0 nothing at or above the failing threshold; 1 findings at or above it;\n"
	      "2 an input could not be read or parsed; 3 destructive operations not allowed;\n"
	      "64 usage error; 69 (rehearse) the ClickHouse engine is not available.\n"
	      "'migplan COMMAND --help' and migplan(1) say more.\n",
	      out);
}

static void print_version(void)
{
	printf("%s %s\n", CLI_TOOL_NAME, MIGPLAN_VERSION_STRING);
	/* the shared library found at run time may be another build than the headers */
	if (strcmp(migplan_version_string(), MIGPLAN_VERSION_STRING) != 0)
		printf("libmigplan %s\n", migplan_version_string());
}

static const struct cli_command *find_command(const char *name)
{
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: migplan [--version] [--help] COMMAND [ARGS...]\nTry 'migplan --help'.\n", stderr);
		return CLI_EXIT_USAGE;
	}
	const char *word = argv[1];
	if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 || strcmp(word, "help") == 0) {
		print_help(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(word, "--version") == 0 || strcmp(word, "-V") == 0) {
		print_version();
		return CLI_EXIT_OK;
	}
	const struct cli_command *cmd = find_command(word);
	if (!cmd) {
		fprintf(stderr, "migplan: unknown command '%s'\nusage: migplan [--version] [--help] COMMAND [ARGS...]\n"
		                "Try 'migplan --help'.\n",
		        word);
		return CLI_EXIT_USAGE;
	}
	int code = cmd->run(argc - 1, argv + 1);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		/* a truncated report must not pass for a clean one */
		fputs("migplan: error: could not write the output\n", stderr);
		return cli_exit_worst(code, CLI_EXIT_INPUT);
	}
	return code;
}
