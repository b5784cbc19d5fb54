/* The options check, classify and validate share. */
#include <string.h>

#include "cli.h"

static int apply_format(struct cli_settings *s, const char *value, const char *command, const char *usage)
{
	int f = cli_format_from_name(value);
	if (f < 0)
		return cli_usage_error(command, usage,
		                       "unknown format '%s' (text, json, sarif, github, gitlab, markdown)", value);
	s->format = (enum cli_format)f;
	return 0;
}

static int apply_color(struct cli_settings *s, const char *value, const char *command, const char *usage)
{
	int c = cli_color_from_name(value ? value : "always");
	if (c < 0)
		return cli_usage_error(command, usage, "unknown colour mode '%s' (auto, never, always)", value);
	s->color = (enum cli_color)c;
	return 0;
}

static int apply_fail_on(struct cli_settings *s, const char *value, const char *command, const char *usage)
{
	migplan_severity sev = migplan_severity_from_name(value);
	if (!sev)
		return cli_usage_error(command, usage, "unknown severity '%s' (error, warning, info)", value);
	s->fail_on = sev;
	return 0;
}

int cli_settings_apply(struct cli_settings *s, int id, const char *value, const char *command,
                       const char *usage_line)
{
	switch (id) {
	case CLI_OPT_FORMAT:
		return apply_format(s, value, command, usage_line);
	case CLI_OPT_COLOR:
		return apply_color(s, value, command, usage_line);
	case CLI_OPT_FAIL_ON:
		return apply_fail_on(s, value, command, usage_line);
	case CLI_OPT_CONFIG:
		s->config_path = value;
		s->no_config = 0;
		return 0;
	case CLI_OPT_NO_CONFIG:
		s->no_config = 1;
		s->config_path = NULL;
		return 0;
	case CLI_OPT_SCHEMA:
		s->schema_path = value;
		s->no_schema = 0;
		return 0;
	case CLI_OPT_NO_SCHEMA:
		s->no_schema = 1;
		s->schema_path = NULL;
		return 0;
	case CLI_OPT_ALLOW_DESTRUCTIVE:
		s->allow_destructive = 1;
		return 0;
	case CLI_OPT_REMOTE:
		s->remote_path = value;
		return 0;
	case CLI_OPT_LOCAL:
		s->local_path = value;
		return 0;
	case CLI_OPT_DEPLOYMENTS:
		s->deployments_path = value;
		return 0;
	case CLI_OPT_BRANCH:
		s->branch = value;
		return 0;
	default:
		return cli_usage_error(command, usage_line, "internal error: unhandled option");
	}
}

int cli_parse_command(int argc, char **argv, const struct cli_syntax *spec, cli_apply_fn apply, void *args)
{
	struct cli_parser p;
	const char *value;
	int id;
	cli_parser_init(&p, argc, argv);
	while ((id = cli_parser_next(&p, spec->options, &value)) != CLI_ARG_DONE) {
		if (id == CLI_ARG_ERROR)
			return cli_usage_hint(spec->name, spec->usage_line);
		if (id == CLI_OPT_HELP) {
			fputs(spec->help_text, stdout);
			return CLI_EXIT_OK;
		}
		int code = apply(args, id, value);
		if (code)
			return code;
	}
	return CLI_PARSED;
}

/* What cli_parse_plan_command's options go into. */
struct plan_command_args {
	const struct cli_syntax *spec;
	struct cli_settings *settings;
	const char **inputs;
	size_t *input_count;
};

static int apply_plan_option(void *args, int id, const char *value)
{
	struct plan_command_args *a = args;
	if (id == CLI_ARG_POSITIONAL) {
		a->inputs[(*a->input_count)++] = value;
		return 0;
	}
	return cli_settings_apply(a->settings, id, value, a->spec->name, a->spec->usage_line);
}

int cli_parse_plan_command(int argc, char **argv, const struct cli_syntax *spec,
                           struct cli_settings *s, const char **inputs, size_t *input_count)
{
	struct plan_command_args a = {spec, s, inputs, input_count};
	*input_count = 0;
	return cli_parse_command(argc, argv, spec, apply_plan_option, &a);
}

void cli_emit(FILE *out, const struct cli_run *run)
{
	switch (run->settings->format) {
	case CLI_FORMAT_JSON:
		cli_output_json(out, run);
		break;
	case CLI_FORMAT_SARIF:
		cli_output_sarif(out, run);
		break;
	case CLI_FORMAT_GITHUB:
		cli_output_github(out, run);
		break;
	case CLI_FORMAT_GITLAB:
		cli_output_gitlab(out, run);
		break;
	case CLI_FORMAT_MARKDOWN:
		cli_output_markdown(out, run);
		break;
	case CLI_FORMAT_TEXT:
	default:
		cli_output_text_findings(out, run);
		break;
	}
}
