/* What the migplan command's files share. The command uses the public API only: this header
 * and every file of cli/ include <migplan.h> (and public sub-headers), never the library's own. */
#ifndef MIGPLAN_CLI_H
#define MIGPLAN_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <migplan.h>
#include <migplan/analyze.h>
#include <migplan/classify.h>
#include <migplan/rehearse.h>
#include <migplan/report.h>
#include <migplan/rewrite.h>
#include <migplan/schema.h>
#include <migplan/typechange.h>

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* Exit codes (documented in migplan.1). When several apply, the worst wins: 64 > 2 > 3 > 1 > 0. */
enum cli_exit {
	CLI_EXIT_OK = 0,          /* nothing at or above the failing threshold */
	CLI_EXIT_FINDINGS = 1,    /* findings at or above the threshold */
	CLI_EXIT_INPUT = 2,       /* an input could not be read or parsed */
	CLI_EXIT_DESTRUCTIVE = 3, /* destructive operations present and not allowed */
	CLI_EXIT_USAGE = 64       /* usage error (EX_USAGE) */
};

/** The worse of two exit codes. */
int cli_exit_worst(int a, int b);
/** All of @p s as a decimal unsigned 64-bit number (digits only). @return 0, or -1. */
int cli_parse_u64(const char *s, uint64_t *out);

/* --- commands: one file each; migplan.c holds the table --- */
struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
};

int cmd_check(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_type_change(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_target(int argc, char **argv);
int cmd_rewrite(int argc, char **argv);
int cmd_rehearse(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* --- argument parsing (args.c) --- */
struct cli_option {
	const char *name;   /* long name, without "--" */
	char short_name;    /* 0 when there is none */
	int takes_value;
	int id;             /* >= 0 */
};

enum { CLI_ARG_DONE = -1, CLI_ARG_POSITIONAL = -2, CLI_ARG_ERROR = -3 };

struct cli_parser {
	int argc;
	char **argv;
	int next;             /* index of the next word */
	int only_positionals; /* after "--" */
	const char *command;  /* for messages */
};

void cli_parser_init(struct cli_parser *p, int argc, char **argv);
/** The next option's id (its value in @p value), CLI_ARG_POSITIONAL (the word in @p value),
 *  CLI_ARG_DONE, or CLI_ARG_ERROR after printing why on stderr. */
int cli_parser_next(struct cli_parser *p, const struct cli_option *opts, const char **value);

/** Print "migplan CMD: message" and the usage line on stderr; return CLI_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *usage_line, const char *fmt, ...) CLI_PRINTF(3, 4);
/** Print the usage line and the --help hint on stderr; return CLI_EXIT_USAGE. */
int cli_usage_hint(const char *command, const char *usage_line);

/* --- output formats --- */
enum cli_format {
	CLI_FORMAT_TEXT = 0,
	CLI_FORMAT_JSON,
	CLI_FORMAT_SARIF,
	CLI_FORMAT_GITHUB,
	CLI_FORMAT_GITLAB,
	CLI_FORMAT_MARKDOWN
};

enum cli_color { CLI_COLOR_AUTO = 0, CLI_COLOR_NEVER, CLI_COLOR_ALWAYS };

/** Parse a format name; -1 when unknown. */
int cli_format_from_name(const char *name);
const char *cli_format_name(enum cli_format format);
/** Parse auto|never|always; -1 when unknown. */
int cli_color_from_name(const char *name);
/** Whether to colour @p out: never with NO_COLOR, else as asked, auto meaning a terminal. */
int cli_use_color(enum cli_color mode, FILE *out);

/* --- paths and files (util.c) --- */
/** A path for people and tools: relative to the working directory when it is inside it,
 *  "./" prefixes dropped. Free with free(). */
char *cli_display_path(const char *path);
/** The directory holding @p path ("." when none). Free with free(). */
char *cli_dirname(const char *path);
/** The parent of directory @p dir. Free with free(). */
char *cli_parent_dir(const char *dir);
/** @p dir + "/" + @p name. Free with free(). */
char *cli_join(const char *dir, const char *name);
int cli_is_dir(const char *path);
int cli_is_file(const char *path);
/** Copy of @p s cut to at most @p max bytes on a UTF-8 character boundary, "…" appended when
 *  cut. Free with free(). */
char *cli_truncate_utf8(const char *s, size_t max);
char *cli_strdup(const char *s);
/** Print the thread's last library error as "file:line:column: error: message" on stderr
 *  (the GCC convention); @p fallback_path names the input when the error has no file. */
void cli_print_error(const char *fallback_path);
/** The same line, without the newline, as a string to keep. Free with free(). */
char *cli_format_error(const char *fallback_path);
/** As cli_print_error(), naming @p path whatever the error says: for text the library read
 *  from memory under a name of its own. */
void cli_print_error_in(const char *path);
/** Exit when out of memory: a command-line tool has nothing better to do. */
void *cli_xalloc(void *ptr);
/** Read a whole file. @return 0 with *data (NUL-terminated, free()) and *len, or -1 (errno). */
int cli_read_file(const char *path, char **data, size_t *len);
/** Replace @p path with @p data so that readers see the old or the new content, never a part:
 *  a temporary file in the same directory, flushed and given the old file's permission bits,
 *  is renamed over it. A symbolic link at @p path is written through (and kept) only when it
 *  leads into @p allowed_dir. @return 0, or -1 with *error (free()) saying why, without the
 *  path. */
int cli_write_file_atomic(const char *path, const char *data, size_t len, const char *allowed_dir,
                          char **error);

/** Print @p text in lines of at most @p width columns (longer words stay whole), each starting
 *  with @p indent. */
void cli_print_wrapped(FILE *out, const char *indent, const char *text, size_t width);

/* --- unified diff (diff.c) --- */
/** `--- a/PATH` / `+++ b/PATH` and `@@` hunks with @p context lines, as `git apply` reads them;
 *  NULL when the texts are equal. Free with free(). */
char *cli_unified_diff(const char *path, const char *old_text, size_t old_len, const char *new_text,
                       size_t new_len, size_t context);

/* --- a growable string (util.c) --- */
struct cli_buf {
	char *data;
	size_t len;
	size_t cap;
};

void cli_buf_append(struct cli_buf *b, const char *s, size_t n);
void cli_buf_puts(struct cli_buf *b, const char *s);
void cli_buf_printf(struct cli_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void cli_buf_free(struct cli_buf *b);

/* --- what a command found, independent of where it came from (report.c) --- */
struct cli_related {
	char *path;
	uint32_t line, column;
	const char *message;
};

struct cli_finding {
	const char *rule;
	migplan_severity severity;
	const char *message;
	const char *help;         /* may be NULL */
	long operation;           /* 0-based, -1 when plan-wide */
	char *path;               /* display path (owned) */
	uint32_t line, column;    /* 1-based */
	const char *edit;         /* rewrite id, or NULL */
	int allowed;              /* an allow entry of the configuration covers it */
	const char *allow_reason;
	int blocker;
	const char *table, *database, *column_name, *view;
	const char *pointer;      /* JSON pointer of a schema violation, or NULL */
	struct cli_related *related;
	size_t related_count;
};

/** Loading, analysis and validation settings shared by check, classify and validate. */
struct cli_settings {
	enum cli_format format;
	enum cli_color color;
	migplan_severity fail_on; /* 0: the configuration's, else error */
	const char *config_path;  /* --config */
	int no_config;
	const char *schema_path;  /* --schema */
	int no_schema;
	int allow_destructive;
	const char *remote_path;  /* --remote */
	const char *local_path;   /* --local */
	const char *deployments_path; /* --deployments: check the target deployment */
	const char *branch;       /* --branch */
};

/** One plan given on the command line, and everything the command learnt about it. */
struct cli_report {
	const char *input;        /* as named on the command line */
	char *plan_path;          /* display path of the plan file */
	migplan_plan *plan;       /* NULL when it could not be loaded */
	migplan_config *config;   /* NULL when there is none */
	char *config_display;     /* display path of the configuration, or NULL */
	char *schema_display;     /* display path of the schema used, or NULL */
	migplan_violations *violations; /* the schema's verdict; its findings borrow from it */
	struct cli_finding *findings;
	size_t finding_count;
	migplan_severity fail_on;
	int analysed;             /* the findings come from an analysis */
	int edits_proposed;       /* the rewrite proposed its edits (migplan_plan_edit_count) */
	int destructive_allowed;  /* every destructive operation is allowed (or --allow-destructive) */
	char *error;              /* why the input failed ("file:line:column: error: ..."), or NULL */
	int exit_code;
};

/** The result of one command over every plan given, handed to the output formats. */
struct cli_run {
	const char *command;
	const struct cli_settings *settings;
	struct cli_report *reports;
	size_t report_count;
	int exit_code;            /* the worst of the reports' */
};

enum cli_stage {
	CLI_STAGE_LOAD = 1u << 0,     /* load the plan and its configuration */
	CLI_STAGE_CLASSIFY = 1u << 1,
	CLI_STAGE_ANALYZE = 1u << 2,
	CLI_STAGE_SCHEMA = 1u << 3,   /* validate against the JSON Schema */
	CLI_STAGE_DESTRUCTIVE = 1u << 4, /* exit 3 applies */
	CLI_STAGE_SCHEMA_REQUIRED = 1u << 5 /* no schema to validate against is an input error */
};

/** Load, classify, analyse and validate each input as @p stages ask; fills @p run. */
void cli_run_inputs(struct cli_run *run, const char *const *inputs, size_t input_count, unsigned stages);
void cli_run_free(struct cli_run *run);

/** The findings of an analysed @p plan, as the output formats take them; free with
 *  cli_findings_free(). */
struct cli_finding *cli_collect_findings(const migplan_plan *plan, size_t *count);
void cli_findings_free(struct cli_finding *findings, size_t count);

/** 1 when @p r went through every stage (the output shows it); 0 when an input failed. */
int cli_report_ok(const struct cli_report *r);
/** Findings of @p r at or above @p severity that no allow entry covers. */
size_t cli_report_count_at_least(const struct cli_report *r, migplan_severity severity);
/** Findings of @p r with exactly @p severity that no allow entry covers. */
size_t cli_report_count_severity(const struct cli_report *r, migplan_severity severity);

/* --- the common options of check, classify and validate (options.c) --- */
enum cli_common_option_id {
	CLI_OPT_HELP = 1000,
	CLI_OPT_FORMAT,
	CLI_OPT_COLOR,
	CLI_OPT_FAIL_ON,
	CLI_OPT_CONFIG,
	CLI_OPT_NO_CONFIG,
	CLI_OPT_SCHEMA,
	CLI_OPT_NO_SCHEMA,
	CLI_OPT_ALLOW_DESTRUCTIVE,
	CLI_OPT_REMOTE,
	CLI_OPT_LOCAL,
	CLI_OPT_DEPLOYMENTS,
	CLI_OPT_BRANCH
};

/** Apply a common option to @p s. @return 0, or CLI_EXIT_USAGE after printing why. */
int cli_settings_apply(struct cli_settings *s, int id, const char *value, const char *command,
                       const char *usage_line);

/** A command's name, usage, help and options (--help has id CLI_OPT_HELP; a command over
 *  plans takes its other ids from enum cli_common_option_id). */
struct cli_syntax {
	const char *name;
	const char *usage_line;
	const char *help_text;
	const struct cli_option *options;
};

#define CLI_PARSED (-1)

/** Takes one option or operand (id CLI_ARG_POSITIONAL) into @p args.
 *  @return 0 to go on, or the exit code to return at once. */
typedef int (*cli_apply_fn)(void *args, int id, const char *value);

/** Parse a command's arguments with @p spec's options, handing each to @p apply; --help
 *  (CLI_OPT_HELP) prints @p spec's help text and a malformed argument the usage hint.
 *  @return CLI_PARSED to go on, or the exit code to return at once (0 after --help). */
int cli_parse_command(int argc, char **argv, const struct cli_syntax *spec, cli_apply_fn apply, void *args);

/** Parse a plan command's arguments into @p s and @p inputs (room for argc entries).
 *  @return CLI_PARSED to go on, or the exit code to return at once (0 after --help). */
int cli_parse_plan_command(int argc, char **argv, const struct cli_syntax *spec,
                           struct cli_settings *s, const char **inputs, size_t *input_count);
/** Print @p run in its format. */
void cli_emit(FILE *out, const struct cli_run *run);

/* --- renderers (output_*.c) --- */
int cli_output_text_findings(FILE *out, const struct cli_run *run);
int cli_output_text_classification(FILE *out, const struct cli_run *run);
int cli_output_json(FILE *out, const struct cli_run *run);
int cli_output_sarif(FILE *out, const struct cli_run *run);
int cli_output_github(FILE *out, const struct cli_run *run);
int cli_output_gitlab(FILE *out, const struct cli_run *run);
int cli_output_markdown(FILE *out, const struct cli_run *run);

/** The markdown comment's hard limit (GitHub's for a pull-request comment). */
#define CLI_MARKDOWN_LIMIT 65536u

/* --- shared wording --- */
/** "3 errors, 2 warnings" for a report's unallowed findings; "no findings" when none. */
void cli_count_phrase(struct cli_buf *b, const struct cli_report *r);
/** The SARIF / GitHub level of a severity: "error", "warning", "note". */
const char *cli_severity_level(migplan_severity severity);

#define CLI_TOOL_NAME "migplan"
/* The project's home page, for SARIF's informationUri; cli/meson.build sets it. */
#ifndef CLI_INFORMATION_URI
#define CLI_INFORMATION_URI "https://github.com/migplan/libmigplan"
#endif

#endif
