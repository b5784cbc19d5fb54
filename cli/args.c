/* Command-line parsing: long options (`--name value`, `--name=value`), one-letter aliases,
 * options and operands in any order, `--` ends the options. Written here rather than with
 * getopt_long so that every command reports errors the same way and exits 64. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_parser_init(struct cli_parser *p, int argc, char **argv)
{
	p->argc = argc;
	p->argv = argv;
	p->next = 1;
	p->only_positionals = 0;
	p->command = argc > 0 ? argv[0] : "";
}

static const struct cli_option *find_long(const struct cli_option *opts, const char *name, size_t len)
{
	for (; opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, char c)
{
	for (; opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static int take_value(struct cli_parser *p, const struct cli_option *o, const char *inline_value,
                      const char **value)
{
	if (!o->takes_value) {
		if (inline_value) {
			fprintf(stderr, "migplan %s: option '--%s' takes no value\n", p->command, o->name);
			return CLI_ARG_ERROR;
		}
		*value = NULL;
		return o->id;
	}
	if (inline_value) {
		*value = inline_value;
		return o->id;
	}
	if (p->next >= p->argc) {
		fprintf(stderr, "migplan %s: option '--%s' needs a value\n", p->command, o->name);
		return CLI_ARG_ERROR;
	}
	*value = p->argv[p->next++];
	return o->id;
}

static int parse_long(struct cli_parser *p, const struct cli_option *opts, const char *word,
                      const char **value)
{
	const char *name = word + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct cli_option *o = find_long(opts, name, len);
	if (!o) {
		fprintf(stderr, "migplan %s: unknown option '--%.*s'\n", p->command, (int)len, name);
		return CLI_ARG_ERROR;
	}
	return take_value(p, o, eq ? eq + 1 : NULL, value);
}

static int parse_short(struct cli_parser *p, const struct cli_option *opts, const char *word,
                       const char **value)
{
	const struct cli_option *o = find_short(opts, word[1]);
	if (!o || (word[2] && !o->takes_value)) {
		fprintf(stderr, "migplan %s: unknown option '%s'\n", p->command, word);
		return CLI_ARG_ERROR;
	}
	return take_value(p, o, word[2] ? word + 2 : NULL, value);
}

int cli_parser_next(struct cli_parser *p, const struct cli_option *opts, const char **value)
{
	*value = NULL;
	if (p->next >= p->argc)
		return CLI_ARG_DONE;
	const char *word = p->argv[p->next++];
	/* "-" alone is an operand (standard input by convention), never an option */
	if (p->only_positionals || word[0] != '-' || word[1] == '\0') {
		*value = word;
		return CLI_ARG_POSITIONAL;
	}
	if (strcmp(word, "--") == 0) {
		p->only_positionals = 1;
		return cli_parser_next(p, opts, value);
	}
	if (word[1] == '-')
		return parse_long(p, opts, word, value);
	return parse_short(p, opts, word, value);
}

int cli_usage_error(const char *command, const char *usage_line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "migplan %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return cli_usage_hint(command, usage_line);
}

int cli_usage_hint(const char *command, const char *usage_line)
{
	fprintf(stderr, "usage: %s\nTry 'migplan %s --help'.\n", usage_line, command);
	return CLI_EXIT_USAGE;
}

/* --- formats and colour --- */

static const char *const format_names[] = {"text", "json", "sarif", "github", "gitlab", "markdown"};

int cli_format_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *cli_format_name(enum cli_format format)
{
	return format_names[format];
}

int cli_color_from_name(const char *name)
{
	if (strcmp(name, "auto") == 0)
		return CLI_COLOR_AUTO;
	if (strcmp(name, "never") == 0)
		return CLI_COLOR_NEVER;
	if (strcmp(name, "always") == 0)
		return CLI_COLOR_ALWAYS;
	return -1;
}

int cli_use_color(enum cli_color mode, FILE *out)
{
	/* https://no-color.org: a non-empty NO_COLOR turns colour off, whatever else is asked */
	const char *no_color = getenv("NO_COLOR");
	if ((no_color && *no_color) || mode == CLI_COLOR_NEVER)
		return 0;
	if (mode == CLI_COLOR_ALWAYS)
		return 1;
	const char *term = getenv("TERM");
	return isatty(fileno(out)) && !(term && strcmp(term, "dumb") == 0);
}
