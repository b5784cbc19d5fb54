/* migplan type-change FROM TO: judge a change between two ClickHouse types. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "output_json.h"

static const char usage_line[] = "migplan type-change [OPTIONS] FROM TO";

static const char help_text[] =
	"usage: migplan type-change [OPTIONS] FROM TO\n"
	"\n"
	"Judge a column type change between two ClickHouse types, e.g.\n"
	"  migplan type-change Int32 Int64\n"
	"  migplan type-change 'Nullable(String)' 'LowCardinality(String)'\n"
	"A change is safe only when every value of FROM survives with the same meaning in TO;\n"
	"anything else is destructive, with the cause, the reason and an example value.\n"
	"\n"
	"Options:\n"
	"  -f, --format FORMAT    text (default) or json\n"
	"      --allow-destructive  exit 0 for a destructive change too\n"
	"  -h, --help             show this help\n"
	"\n"
	"Exit codes: 0 safe; 3 destructive (0 with --allow-destructive); 2 a type could not be\n"
	"parsed (position on stderr); 64 usage error.\n";

enum { OPT_FORMAT, OPT_ALLOW_DESTRUCTIVE };

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, OPT_FORMAT},
	{"allow-destructive", 0, 0, OPT_ALLOW_DESTRUCTIVE},
	{NULL, 0, 0, 0},
};

/* "from:1:5: error: ..." with the type and a caret under the column, as compilers show it. */
static migplan_chtype *parse_type(const char *label, const char *text)
{
	migplan_chtype *t = NULL;
	if (migplan_chtype_parse(&t, text, strlen(text)) == MIGPLAN_OK)
		return t;
	const migplan_error *err = migplan_error_last();
	uint32_t column = migplan_error_column(err) ? migplan_error_column(err) : 1;
	fprintf(stderr, "%s:1:%u: error: %s\n  %s\n  %*s^\n", label, (unsigned)column,
	        migplan_error_message(err), text, (int)(column - 1), "");
	return NULL;
}

static void print_text(FILE *out, const migplan_type_change *c)
{
	int safe = migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE;
	const char *example = migplan_type_change_example(c);
	fprintf(out, "%s -> %s: %s", migplan_type_change_from(c), migplan_type_change_to(c),
	        safe ? "safe" : "destructive");
	if (!safe)
		fprintf(out, " (%s)", migplan_type_change_cause_name(migplan_type_change_cause(c)));
	fprintf(out, "\n  reason: %s\n", migplan_type_change_reason(c));
	if (example)
		fprintf(out, "  example: %s\n", example);
	fprintf(out, "  applied: %s\n", migplan_type_change_in_place(c) ? "in place (metadata only)"
	                                                               : "as a mutation that rewrites every part");
	fprintf(out, "  on a sorting, primary or partition key column: %s\n",
	        migplan_type_change_key_refused(c) ? "refused (the table must be rebuilt)" : "allowed");
}

static void print_json(FILE *out, const migplan_type_change *c)
{
	json_object *doc = cli_json_document("type-change");
	json_object_object_add(doc, "type_change", cli_json_type_change(c));
	cli_json_print(out, doc);
	json_object_put(doc);
}

static int judge(const char *from, const char *to, enum cli_format format, int allow_destructive)
{
	migplan_chtype *a = parse_type("from", from);
	migplan_chtype *b = a ? parse_type("to", to) : NULL;
	migplan_type_change *c = NULL;
	int code = CLI_EXIT_INPUT;
	if (a && b && migplan_type_change_judge_types(&c, a, b) != MIGPLAN_OK)
		cli_print_error(NULL);
	if (c) {
		if (format == CLI_FORMAT_JSON)
			print_json(stdout, c);
		else
			print_text(stdout, c);
		code = migplan_type_change_verdict(c) == MIGPLAN_VERDICT_SAFE || allow_destructive ? CLI_EXIT_OK
		                                                                                  : CLI_EXIT_DESTRUCTIVE;
	}
	migplan_type_change_free(c);
	migplan_chtype_free(a);
	migplan_chtype_free(b);
	return code;
}

struct type_change_args {
	const char *types[2]; /* FROM and TO */
	int count;
	int allow_destructive;
	enum cli_format format;
};

static int apply_option(void *args, int id, const char *value)
{
	struct type_change_args *a = args;
	if (id == OPT_ALLOW_DESTRUCTIVE)
		a->allow_destructive = 1;
	else if (id == OPT_FORMAT) {
		int f = cli_format_from_name(value);
		if (f != CLI_FORMAT_TEXT && f != CLI_FORMAT_JSON)
			return cli_usage_error("type-change", usage_line, "format '%s' is not one of text, json", value);
		a->format = (enum cli_format)f;
	} else if (a->count < 2)
		a->types[a->count++] = value;
	else
		return cli_usage_error("type-change", usage_line, "too many arguments: '%s'", value);
	return 0;
}

int cmd_type_change(int argc, char **argv)
{
	static const struct cli_syntax command = {"type-change", usage_line, help_text, options};
	struct type_change_args a = {{NULL, NULL}, 0, 0, CLI_FORMAT_TEXT};
	int code = cli_parse_command(argc, argv, &command, apply_option, &a);
	if (code != CLI_PARSED)
		return code;
	if (a.count != 2)
		return cli_usage_error("type-change", usage_line, "expected two types, FROM and TO");
	return judge(a.types[0], a.types[1], a.format, a.allow_destructive);
}
