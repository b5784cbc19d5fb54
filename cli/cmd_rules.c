/* migplan rules: list every rule; migplan explain RULE: the help text of one. */
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "output_json.h"

static const char rules_usage[] = "migplan rules [--format text|json]";
static const char explain_usage[] = "migplan explain [--format text|json] RULE";

static const char rules_help[] =
	"usage: migplan rules [--format text|json]\n"
	"\n"
	"List every rule the library knows: its id, default severity and summary.\n"
	"'migplan explain RULE' prints a rule's full help.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   text (default) or json\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit codes: 0; 64 usage error.\n";

static const char explain_help[] =
	"usage: migplan explain [--format text|json] RULE\n"
	"\n"
	"Print a rule's default severity, summary and help: what goes wrong and the safe\n"
	"alternative. 'migplan rules' lists the rule ids.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT   text (default) or json\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit codes: 0; 64 usage error (including an unknown rule).\n";

enum { OPT_FORMAT };

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, OPT_FORMAT},
	{NULL, 0, 0, 0},
};

static const struct cli_syntax rules_syntax = {"rules", rules_usage, rules_help, options};
static const struct cli_syntax explain_syntax = {"explain", explain_usage, explain_help, options};

struct simple_args {
	const struct cli_syntax *syntax; /* for the usage errors */
	enum cli_format format;
	const char *operand; /* the one operand, or NULL */
	int operand_count;
};

/* Takes --format text|json and the operands (--help is cli_parse_command's). */
static int apply_simple(void *args, int id, const char *value)
{
	struct simple_args *a = args;
	if (id == CLI_ARG_POSITIONAL) {
		a->operand = a->operand_count++ ? a->operand : value;
		return 0;
	}
	int f = cli_format_from_name(value);
	if (f != CLI_FORMAT_TEXT && f != CLI_FORMAT_JSON)
		return cli_usage_error(a->syntax->name, a->syntax->usage_line, "format '%s' is not one of text, json",
		                       value);
	a->format = (enum cli_format)f;
	return 0;
}

static const char *severity_name(const char *rule)
{
	const char *name = migplan_severity_name(migplan_rule_default_severity(rule));
	return name ? name : "unknown";
}

static json_object *rule_json(const char *rule)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(rule));
	json_object_object_add(o, "severity", json_object_new_string(severity_name(rule)));
	json_object_object_add(o, "summary", cli_json_string(migplan_rule_summary(rule)));
	json_object_object_add(o, "help", cli_json_string(migplan_rule_help(rule)));
	return o;
}

static void list_text(void)
{
	size_t n = migplan_rule_count(), width = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(migplan_rule_id_at(i)) > width)
			width = strlen(migplan_rule_id_at(i));
	for (size_t i = 0; i < n; i++) {
		const char *rule = migplan_rule_id_at(i);
		const char *summary = migplan_rule_summary(rule);
		printf("%-*s  %-7s  %s\n", (int)width, rule, severity_name(rule), summary ? summary : "");
	}
}

static void list_json(void)
{
	json_object *doc = cli_json_document("rules");
	json_object *rules = json_object_new_array();
	for (size_t i = 0; i < migplan_rule_count(); i++)
		json_object_array_add(rules, rule_json(migplan_rule_id_at(i)));
	json_object_object_add(doc, "rules", rules);
	cli_json_print(stdout, doc);
	json_object_put(doc);
}

int cmd_rules(int argc, char **argv)
{
	struct simple_args a = {&rules_syntax, CLI_FORMAT_TEXT, NULL, 0};
	int code = cli_parse_command(argc, argv, &rules_syntax, apply_simple, &a);
	if (code != CLI_PARSED)
		return code;
	if (a.operand_count)
		return cli_usage_error("rules", rules_usage, "unexpected argument '%s'", a.operand);
	if (a.format == CLI_FORMAT_JSON)
		list_json();
	else
		list_text();
	return CLI_EXIT_OK;
}

static void explain_text(const char *rule)
{
	const char *summary = migplan_rule_summary(rule);
	const char *help = migplan_rule_help(rule);
	printf("%s (default severity: %s)\n\n", rule, severity_name(rule));
	if (summary && *summary)
		printf("%s\n\n", summary);
	if (help && *help)
		printf("%s\n", help);
}

int cmd_explain(int argc, char **argv)
{
	struct simple_args a = {&explain_syntax, CLI_FORMAT_TEXT, NULL, 0};
	int code = cli_parse_command(argc, argv, &explain_syntax, apply_simple, &a);
	if (code != CLI_PARSED)
		return code;
	if (a.operand_count != 1)
		return cli_usage_error("explain", explain_usage, "expected one rule id");
	if (!migplan_rule_summary(a.operand))
		return cli_usage_error("explain", explain_usage, "unknown rule '%s' ('migplan rules' lists them)",
		                       a.operand);
	if (a.format == CLI_FORMAT_JSON) {
		json_object *doc = cli_json_document("explain");
		json_object_object_add(doc, "rule", rule_json(a.operand));
		cli_json_print(stdout, doc);
		json_object_put(doc);
	} else {
		explain_text(a.operand);
	}
	return CLI_EXIT_OK;
}
