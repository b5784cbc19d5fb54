/* --format markdown: a pull-request comment. GitHub refuses comments over 65,536 characters,
 * so rows are added only while they fit (bytes are counted: never fewer than characters);
 * what does not fit is counted and the comment says how many findings and operations it
 * left out. Summaries, blockers and the exit status come first so they always fit. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Room kept for the closing notes (omissions, how to see everything). */
#define TAIL_RESERVE 1024u
/* Longest text put into one table cell, so one huge message cannot eat the comment. */
#define CELL_MAX 400u

struct md {
	struct cli_buf out;
	size_t limit;           /* for rows: CLI_MARKDOWN_LIMIT less the tail reserve */
	int full;               /* a row did not fit: every later row is left out too, keeping order */
	size_t omitted_findings;
	size_t omitted_operations;
};

static int fits(const struct md *m, size_t more)
{
	return !m->full && m->out.len + more <= m->limit;
}

/* Append @p text when it fits; otherwise stop adding rows. */
static int md_add(struct md *m, const char *text)
{
	size_t n = strlen(text);
	if (!fits(m, n)) {
		m->full = 1;
		return 0;
	}
	cli_buf_append(&m->out, text, n);
	return 1;
}

/* Text for a table cell: no line breaks, pipes escaped, no HTML. */
static void cell(struct cli_buf *b, const char *text)
{
	char *cut = cli_truncate_utf8(text ? text : "", CELL_MAX);
	for (const char *p = cut; *p; p++) {
		switch (*p) {
		case '|':
			cli_buf_puts(b, "\\|");
			break;
		case '\n':
		case '\r':
			cli_buf_puts(b, " ");
			break;
		case '<':
			cli_buf_puts(b, "&lt;");
			break;
		case '>':
			cli_buf_puts(b, "&gt;");
			break;
		default:
			cli_buf_append(b, p, 1);
		}
	}
	free(cut);
}

/* --- findings --- */

static void finding_row(struct cli_buf *b, const struct cli_finding *f)
{
	cli_buf_printf(b, "| %s | `%s` | ", f->allowed ? "allowed" : migplan_severity_name(f->severity), f->rule);
	cell(b, f->path);
	cli_buf_printf(b, ":%u:%u | ", (unsigned)f->line, (unsigned)f->column);
	cell(b, f->message);
	if (f->allowed && f->allow_reason) {
		cli_buf_puts(b, " (allowed: ");
		cell(b, f->allow_reason);
		cli_buf_puts(b, ")");
	}
	cli_buf_puts(b, " |\n");
}

static void findings_table(struct md *m, const struct cli_report *r)
{
	static const char head[] = "\n| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n";
	int head_done = 0;
	for (size_t i = 0; i < r->finding_count; i++) {
		struct cli_buf row = {0};
		if (!head_done)
			cli_buf_puts(&row, head);
		finding_row(&row, &r->findings[i]);
		if (md_add(m, row.data))
			head_done = 1;
		else
			m->omitted_findings++;
		cli_buf_free(&row);
	}
}

static void blockers(struct md *m, const struct cli_report *r)
{
	for (size_t i = 0; i < r->finding_count; i++) {
		const struct cli_finding *f = &r->findings[i];
		if (!f->blocker || f->allowed)
			continue;
		struct cli_buf line = {0};
		cli_buf_puts(&line, "\n> **Blocker** ");
		cell(&line, f->message);
		cli_buf_printf(&line, " (`%s`)\n", f->rule);
		md_add(m, line.data);
		cli_buf_free(&line);
	}
}

/* --- operations --- */

static const char *loss_word(migplan_data_loss loss)
{
	return loss == MIGPLAN_LOSS_PERMANENT ? "permanent" : loss == MIGPLAN_LOSS_POTENTIAL ? "potential" : "none";
}

static void operation_row(struct cli_buf *b, const migplan_op *op)
{
	const char *kind = migplan_op_kind_name(migplan_op_kind_of(op));
	const char *cat = migplan_category_name(migplan_op_category(op));
	cli_buf_printf(b, "| %zu | %u | %s | ", migplan_op_index(op), (unsigned)migplan_node_line(migplan_op_node(op)),
	               kind ? kind : "?");
	cell(b, migplan_op_table_name(op) ? migplan_op_table_name(op) : "");
	cli_buf_printf(b, " | %s | %s | %s | ", cat ? cat : "?", migplan_op_reversible(op) ? "yes" : "no",
	               loss_word(migplan_op_data_loss(op)));
	cell(b, migplan_op_classification_reason(op));
	cli_buf_puts(b, " |\n");
}

static void operations_table(struct md *m, const struct cli_report *r, int folded)
{
	size_t n = migplan_plan_op_count(r->plan);
	struct cli_buf head = {0};
	if (!n)
		return;
	if (folded)
		cli_buf_printf(&head, "\n<details><summary>Operations (%zu)</summary>\n", n);
	cli_buf_puts(&head, "\n| # | Line | Operation | Table | Category | Reversible | Data loss | Reason |\n"
	                    "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	static const char close_tag[] = "\n</details>\n";
	size_t i = 0;
	/* keep room for the closing tag while the rows fill the comment */
	if (folded)
		m->limit -= sizeof close_tag - 1;
	if (md_add(m, head.data)) {
		for (; i < n; i++) {
			struct cli_buf row = {0};
			operation_row(&row, migplan_plan_op_at(r->plan, i));
			int added = md_add(m, row.data);
			cli_buf_free(&row);
			if (!added)
				break;
		}
		if (folded)
			cli_buf_puts(&m->out, close_tag);
	}
	if (folded)
		m->limit += sizeof close_tag - 1;
	m->omitted_operations += n - i;
	cli_buf_free(&head);
}

/* --- the comment --- */

static void report_heading(struct md *m, const struct cli_run *run, const struct cli_report *r)
{
	struct cli_buf b = {0};
	cli_buf_printf(&b, "\n### `%s`\n\n**Change type:** %s · %zu operation%s", r->plan_path,
	               migplan_change_type_name(migplan_plan_change_type(r->plan)), migplan_plan_op_count(r->plan),
	               migplan_plan_op_count(r->plan) == 1 ? "" : "s");
	if (strcmp(run->command, "classify") != 0) {
		cli_buf_puts(&b, " · ");
		cli_count_phrase(&b, r);
	}
	cli_buf_puts(&b, "\n");
	if (r->exit_code == CLI_EXIT_DESTRUCTIVE)
		cli_buf_puts(&b, "\n**Destructive operations are not allowed**: pass `--allow-destructive` or add "
		                 "allow entries (with a reason) to `.migplan.yaml`.\n");
	md_add(m, b.data);
	cli_buf_free(&b);
}

/* The rewrite's proposals, so a reviewer sees the fix next to the problem. */
static void edits_list(struct md *m, const struct cli_report *r)
{
	size_t n = r->edits_proposed ? migplan_plan_edit_count(r->plan) : 0;
	for (size_t i = 0; i < n; i++) {
		const migplan_edit *e = migplan_plan_edit_at(r->plan, i);
		struct cli_buf line = {0};
		if (i == 0)
			cli_buf_puts(&line, "\n**Proposed edits** (none is applied):\n\n");
		cli_buf_puts(&line, "- `");
		cell(&line, migplan_edit_id(e));
		cli_buf_puts(&line, "`: ");
		cell(&line, migplan_edit_description(e));
		cli_buf_puts(&line, "\n");
		md_add(m, line.data);
		cli_buf_free(&line);
	}
}

static void render_report(struct md *m, const struct cli_run *run, const struct cli_report *r)
{
	int classify = strcmp(run->command, "classify") == 0;
	report_heading(m, run, r);
	if (!classify) {
		blockers(m, r);
		findings_table(m, r);
		edits_list(m, r);
	}
	operations_table(m, r, !classify);
}

static void tail(struct md *m, const struct cli_run *run)
{
	if (m->omitted_findings || m->omitted_operations)
		cli_buf_printf(&m->out,
		               "\n_This comment stays under %u characters: %zu finding%s and %zu operation%s "
		               "were omitted. Run `migplan %s` for the full list._\n",
		               CLI_MARKDOWN_LIMIT, m->omitted_findings, m->omitted_findings == 1 ? "" : "s",
		               m->omitted_operations, m->omitted_operations == 1 ? "" : "s", run->command);
	for (size_t i = 0; i < run->report_count; i++) {
		if (cli_report_ok(&run->reports[i]))
			continue;
		struct cli_buf line = {0};
		cli_buf_puts(&line, "\n**Could not read** ");
		cell(&line, run->reports[i].input);
		cli_buf_puts(&line, ": see the job's log.\n");
		if (m->out.len + line.len <= CLI_MARKDOWN_LIMIT)
			cli_buf_append(&m->out, line.data, line.len);
		cli_buf_free(&line);
	}
}

int cli_output_markdown(FILE *out, const struct cli_run *run)
{
	struct md m = {{0}, CLI_MARKDOWN_LIMIT - TAIL_RESERVE, 0, 0, 0};
	/* a marker lets a bot find and update its own comment instead of adding another */
	cli_buf_printf(&m.out, "<!-- migplan -->\n## migplan %s\n", run->command);
	for (size_t i = 0; i < run->report_count; i++)
		if (cli_report_ok(&run->reports[i]))
			render_report(&m, run, &run->reports[i]);
	tail(&m, run);
	fwrite(m.out.data, 1, m.out.len, out);
	cli_buf_free(&m.out);
	return 0;
}
