/* --format github: GitHub Actions workflow commands, one per finding
 * (`::error file=F,line=L,col=C,title=RULE::message`), which the runner turns into
 * annotations on the pull request's lines. Allowed findings are not annotated. */
#include "cli.h"

/* Workflow commands end at a newline and split properties on ',' and ':': escape them the way
 * the Actions toolkit does (toCommandValue / escapeProperty). */
static void escape(FILE *out, const char *s, int property)
{
	for (; *s; s++) {
		switch (*s) {
		case '%':
			fputs("%25", out);
			break;
		case '\r':
			fputs("%0D", out);
			break;
		case '\n':
			fputs("%0A", out);
			break;
		case ':':
			fputs(property ? "%3A" : ":", out);
			break;
		case ',':
			fputs(property ? "%2C" : ",", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static const char *command_for(migplan_severity severity)
{
	switch (severity) {
	case MIGPLAN_SEVERITY_ERROR:
		return "error";
	case MIGPLAN_SEVERITY_WARNING:
		return "warning";
	default:
		return "notice";
	}
}

static void annotate(FILE *out, const struct cli_finding *f)
{
	fprintf(out, "::%s file=", command_for(f->severity));
	escape(out, f->path, 1);
	fprintf(out, ",line=%u,col=%u,title=", (unsigned)f->line, (unsigned)f->column);
	escape(out, f->rule, 1);
	fputs("::", out);
	escape(out, f->message, 0);
	fputs(" [", out);
	escape(out, f->rule, 0);
	fputs("]\n", out);
}

int cli_output_github(FILE *out, const struct cli_run *run)
{
	for (size_t i = 0; i < run->report_count; i++) {
		const struct cli_report *r = &run->reports[i];
		if (!cli_report_ok(r))
			continue;
		for (size_t j = 0; j < r->finding_count; j++)
			if (!r->findings[j].allowed)
				annotate(out, &r->findings[j]);
		struct cli_buf b = {0};
		cli_count_phrase(&b, r);
		/* a plain log line (not a command): the summary in the job's log */
		fprintf(out, "migplan: %s in %s (change type: %s)\n", b.data, r->plan_path,
		        migplan_change_type_name(migplan_plan_change_type(r->plan)));
		cli_buf_free(&b);
	}
	return 0;
}
