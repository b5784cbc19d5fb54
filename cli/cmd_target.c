/* migplan target --deployments FILE --branch NAME: choose the target deployment or print the
 * blocker. libmigplan never guesses: no qualifying deployment, or two sharing the latest
 * timestamp, is a blocker, not a pick. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "output_json.h"

static const char usage_line[] = "migplan target --deployments FILE --branch NAME [--format text|json]";

static const char help_text[] =
	"usage: migplan target --deployments FILE --branch NAME [--format text|json]\n"
	"\n"
	"Choose the deployment a plan will be applied to: in the JSON deployments list FILE (an\n"
	"array of deployments, or {\"deployments\": [...]}, each with id, branch, status and a\n"
	"timestamp), the deployment of branch NAME with status Deployed and the latest timestamp.\n"
	"When none qualifies, or the latest is ambiguous, there is no target: the blocker says why.\n"
	"\n"
	"Text output is the chosen id alone on a line (for scripts: id=$(migplan target ...)), or the\n"
	"blocker as FILE:1:1: error: ... [target-deployment-undetermined].\n"
	"'migplan check --deployments FILE --branch NAME' also checks that remote_state.json was\n"
	"taken from that deployment.\n"
	"\n"
	"Options:\n"
	"      --deployments FILE   the deployments list (JSON)\n"
	"      --branch NAME        the branch to deploy from\n"
	"  -f, --format FORMAT      text (default) or json\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit codes: 0 a target was chosen; 1 no target (the blocker); 2 FILE could not be read or\n"
	"is not a deployments list; 64 usage error.\n";

/* The rule the analysis reports when there is no target: the same id here, so that
 * `migplan explain` has its help. */
static const char blocker_rule[] = "target-deployment-undetermined";

enum { OPT_FORMAT, OPT_DEPLOYMENTS, OPT_BRANCH };

static const struct cli_option options[] = {
	{"help", 'h', 0, CLI_OPT_HELP},
	{"format", 'f', 1, OPT_FORMAT},
	{"deployments", 0, 1, OPT_DEPLOYMENTS},
	{"branch", 0, 1, OPT_BRANCH},
	{NULL, 0, 0, 0},
};

struct target_args {
	const char *deployments;
	const char *branch;
	enum cli_format format;
};

static int apply_option(void *args, int id, const char *value)
{
	struct target_args *a = args;
	if (id == CLI_ARG_POSITIONAL)
		return cli_usage_error("target", usage_line, "unexpected argument '%s'", value);
	if (id == OPT_DEPLOYMENTS)
		a->deployments = value;
	else if (id == OPT_BRANCH)
		a->branch = value;
	else if (cli_format_from_name(value) == CLI_FORMAT_TEXT || cli_format_from_name(value) == CLI_FORMAT_JSON)
		a->format = (enum cli_format)cli_format_from_name(value);
	else
		return cli_usage_error("target", usage_line, "format '%s' is not one of text, json", value);
	return 0;
}

static int parse(int argc, char **argv, struct target_args *a)
{
	static const struct cli_syntax command = {"target", usage_line, help_text, options};
	int code = cli_parse_command(argc, argv, &command, apply_option, a);
	if (code != CLI_PARSED)
		return code;
	if (!a->deployments || !a->branch)
		return cli_usage_error("target", usage_line, "--deployments FILE and --branch NAME are required");
	return CLI_PARSED;
}

/* The whole file, or NULL after printing why. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct cli_buf b = {0};
	char chunk[65536];
	size_t n;
	if (!f) {
		char *shown = cli_display_path(path);
		fprintf(stderr, "%s: error: cannot open: %s\n", shown, strerror(errno));
		free(shown);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		cli_buf_append(&b, chunk, n);
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		fprintf(stderr, "%s: error: cannot read\n", path);
		cli_buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data ? b.data : cli_strdup("");
}

static void print_text(const struct target_args *a, const char *id, const char *problem)
{
	if (id) {
		printf("%s\n", id);
		return;
	}
	char *shown = cli_display_path(a->deployments);
	printf("%s:1:1: error: no target deployment for branch '%s': %s [%s]\n", shown, a->branch, problem,
	       blocker_rule);
	free(shown);
}

static void print_json(const struct target_args *a, const char *id, const char *problem)
{
	char *shown = cli_display_path(a->deployments);
	json_object *doc = cli_json_document("target");
	json_object *t = json_object_new_object();
	json_object_object_add(t, "deployments", json_object_new_string(shown));
	json_object_object_add(t, "branch", json_object_new_string(a->branch));
	json_object_object_add(t, "id", cli_json_string(id));
	json_object_object_add(t, "problem", cli_json_string(problem));
	json_object_object_add(t, "rule", id ? NULL : json_object_new_string(blocker_rule));
	json_object_object_add(doc, "target", t);
	cli_json_print(stdout, doc);
	json_object_put(doc);
	free(shown);
}

int cmd_target(int argc, char **argv)
{
	struct target_args a = {NULL, NULL, CLI_FORMAT_TEXT};
	int code = parse(argc, argv, &a);
	if (code != CLI_PARSED)
		return code;
	size_t len = 0;
	char *data = read_file(a.deployments, &len);
	if (!data)
		return CLI_EXIT_INPUT;
	char *id = NULL, *problem = NULL;
	if (migplan_target_choose(&id, &problem, data, len, a.branch) != MIGPLAN_OK) {
		cli_print_error_in(a.deployments);
		free(data);
		return CLI_EXIT_INPUT;
	}
	const char *why = id ? NULL : problem ? problem : "no deployment qualifies";
	if (a.format == CLI_FORMAT_JSON)
		print_json(&a, id, why);
	else
		print_text(&a, id, why);
	code = id ? CLI_EXIT_OK : CLI_EXIT_FINDINGS;
	migplan_free(id);
	migplan_free(problem);
	free(data);
	return code;
}
