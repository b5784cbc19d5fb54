/* The target deployment: which deployment a plan will be applied to, chosen from a JSON
 * deployments list (the format is documented in include/migplan/analyze.h).
 *
 * The rule is "the latest Deployed deployment of the branch", and libmigplan refuses to guess:
 * a tie for latest, or a candidate whose time is unknown, leaves the target undetermined, and
 * the analysis reports that as a blocker. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis-private.h"
#include "doc.h"
#include "error.h"
#include "model.h"

/* ---------------------------------------------------------------- RFC 3339 */

typedef struct instant {
	long long seconds; /* since 1970-01-01T00:00:00Z */
	long nanos;
} instant;

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* YYYY-MM-DD(T|t| )HH:MM:SS[.fraction](Z|z|+HH:MM|-HH:MM). Returns 1 when valid. */
static int parse_rfc3339(const char *s, instant *out)
{
	int y, mo, d, h, mi, sec;
	if (!s || strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) || !(s[10] == 'T' || s[10] == 't' || s[10] == ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return 0;
	const char *p = s + 19;
	long nanos = 0;
	if (*p == '.') {
		int n = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 9)
				nanos = nanos * 10 + (*p - '0');
		if (n == 0)
			return 0;
		for (; n < 9; n++)
			nanos *= 10;
	}
	long offset = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return 0;
		offset = (oh * 60L + om) * 60L * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return 0;
	}
	if (*p)
		return 0;
	out->seconds = days_from_civil(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec - offset;
	out->nanos = nanos;
	return 1;
}

static int instant_cmp(const instant *a, const instant *b)
{
	if (a->seconds != b->seconds)
		return a->seconds < b->seconds ? -1 : 1;
	return a->nanos < b->nanos ? -1 : a->nanos > b->nanos;
}

/* ---------------------------------------------------------------- choosing */

void migplan__target_clear(migplan__target *t)
{
	if (!t)
		return;
	migplan__doc_free(t->doc);
	free(t->branch);
	free(t->source);
	free(t->problem);
	memset(t, 0, sizeof(*t));
}

static char *dup_printf(const char *fmt, ...) MIGPLAN__PRINTF(1, 2);
static char *dup_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static const char *str_field(const migplan_node *entry, const char *key)
{
	return migplan__node_str(migplan_node_get(entry, key));
}

/* The id as written: a string, or an integer's digits. */
static const char *entry_id(const migplan_node *entry)
{
	const migplan_node *id = migplan_node_get(entry, "id");
	migplan_node_kind k = migplan_node_kind_of(id);
	return k == MIGPLAN_NODE_STRING || k == MIGPLAN_NODE_INT ? migplan_node_text(id, NULL) : NULL;
}

static const char *entry_time(const migplan_node *entry)
{
	static const char *const keys[] = {"deployed_at", "created_at", "createdAt"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const migplan_node *n = migplan_node_get(entry, keys[i]);
		if (n && migplan_node_kind_of(n) != MIGPLAN_NODE_NULL)
			return migplan__node_str(n) ? migplan__node_str(n) : "";
	}
	return NULL;
}

static const migplan_node *deployments_of(const migplan__doc *doc)
{
	const migplan_node *root = doc ? doc->root : NULL;
	if (migplan_node_kind_of(root) == MIGPLAN_NODE_MAP)
		root = migplan_node_get(root, "deployments");
	return migplan_node_kind_of(root) == MIGPLAN_NODE_SEQ ? root : NULL;
}

static migplan_status set_problem(migplan__target *t, char *problem)
{
	if (!problem)
		return migplan__error_oom();
	free(t->problem);
	t->problem = problem;
	return MIGPLAN_OK;
}

static migplan_status check_entry(const migplan_node *entry)
{
	if (migplan_node_kind_of(entry) != MIGPLAN_NODE_MAP)
		return migplan__error_node(MIGPLAN_ESCHEMA, entry, "a deployment must be an object, not a %s",
		                           migplan_node_kind_name(migplan_node_kind_of(entry)));
	if (!entry_id(entry))
		return migplan__error_node(MIGPLAN_ESCHEMA, entry, "a deployment needs an `id` (string or integer)");
	return MIGPLAN_OK;
}

migplan_status migplan__target_choose_doc(migplan__target *t, const migplan__doc *doc,
                                          const char *branch)
{
	const migplan_node *list = deployments_of(doc);
	if (!list)
		return migplan__error_node(MIGPLAN_ESCHEMA, doc ? doc->root : NULL,
		                           "a deployments list must be an array or {\"deployments\": [...]}");
	const migplan_node *best = NULL, *tie = NULL;
	instant best_at = {0, 0};
	for (size_t i = 0; i < migplan_node_count(list); i++) {
		const migplan_node *e = migplan_node_at(list, i);
		migplan_status st = check_entry(e);
		if (st != MIGPLAN_OK)
			return st;
		const char *b = str_field(e, "branch"), *status = str_field(e, "status");
		if (!b || strcmp(b, branch) != 0 || !status || strcasecmp(status, "Deployed") != 0)
			continue;
		instant at;
		const char *when = entry_time(e);
		if (!parse_rfc3339(when, &at)) {
			t->related[0] = e;
			return set_problem(t, dup_printf("deployment `%s` of branch `%s` has %s, so the latest deployment cannot be told",
			                                 entry_id(e), branch,
			                                 when ? "a timestamp that is not RFC 3339" : "no timestamp (deployed_at, created_at or createdAt)"));
		}
		int cmp = best ? instant_cmp(&at, &best_at) : 1;
		if (cmp > 0) {
			best = e;
			best_at = at;
			tie = NULL;
		} else if (cmp == 0) {
			tie = e;
		}
	}
	if (!best)
		return set_problem(t, dup_printf("no deployment of branch `%s` has status Deployed (%zu deployment%s listed)",
		                                 branch, migplan_node_count(list),
		                                 migplan_node_count(list) == 1 ? "" : "s"));
	if (tie) {
		t->related[0] = best;
		t->related[1] = tie;
		return set_problem(t, dup_printf("deployments `%s` and `%s` of branch `%s` are both the latest (%s); which one is the target is ambiguous",
		                                 entry_id(best), entry_id(tie), branch, entry_time(best)));
	}
	t->chosen = best;
	t->id = entry_id(best);
	t->moose_version = str_field(best, "moose_version");
	t->commit = str_field(best, "commit");
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- public API */

migplan_status migplan_target_choose(char **id_out, char **problem_out, const char *data,
                                     size_t len, const char *branch)
{
	if (id_out)
		*id_out = NULL;
	if (problem_out)
		*problem_out = NULL;
	if (!id_out || !branch || (!data && len))
		return migplan__error(MIGPLAN_EINVAL, "migplan_target_choose: id_out, branch and data are required");
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, NULL);
	migplan__target t;
	memset(&t, 0, sizeof(t));
	if (st == MIGPLAN_OK)
		st = migplan__json_read(&t.doc, data ? data : "", len, "<deployments>", &lim);
	if (st == MIGPLAN_OK)
		st = migplan__target_choose_doc(&t, t.doc, branch);
	if (st == MIGPLAN_OK && t.id && !(*id_out = dup_printf("%s", t.id)))
		st = migplan__error_oom();
	if (st == MIGPLAN_OK && t.problem && problem_out && !(*problem_out = dup_printf("%s", t.problem)))
		st = migplan__error_oom();
	if (st != MIGPLAN_OK) {
		free(*id_out);
		*id_out = NULL;
	}
	migplan__target_clear(&t);
	return st;
}

/* Reads and chooses; on failure the reason also becomes the target's problem, so the next
 * analysis reports the target as undetermined instead of silently skipping the check. */
static migplan_status set_target(migplan_plan *plan, const char *data, size_t len, const char *path,
                                 const char *name, const char *branch,
                                 const migplan_parse_options *opts)
{
	if (!plan || !branch || (!path && !data && len))
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_set_target: plan, branch and the list are required");
	migplan__analysis *an = migplan__analysis_of(plan);
	if (!an)
		return migplan__error_oom();
	migplan__target *t = &an->target;
	migplan__target_clear(t);
	an->have_target = 1;
	t->branch = dup_printf("%s", branch);
	t->source = dup_printf("%s", path ? path : name ? name : "<buffer>");
	if (!t->branch || !t->source)
		return migplan__error_oom();
	migplan__limits lim;
	migplan_status st = migplan__limits_from(&lim, opts);
	if (st == MIGPLAN_OK && path)
		st = migplan__doc_read_file(&t->doc, path, MIGPLAN__DOC_JSON, &lim);
	else if (st == MIGPLAN_OK)
		st = migplan__json_read(&t->doc, data ? data : "", len, t->source, &lim);
	if (st == MIGPLAN_OK)
		st = migplan__target_choose_doc(t, t->doc, branch);
	t->status = st;
	if (st != MIGPLAN_OK && st != MIGPLAN_ENOMEM) {
		t->chosen = NULL;
		t->problem = dup_printf("%s", migplan_error_message(migplan_error_last()));
	}
	return st;
}

migplan_status migplan_plan_set_target_file(migplan_plan *plan, const char *path,
                                            const char *branch, const migplan_parse_options *opts)
{
	if (!path)
		return migplan__error(MIGPLAN_EINVAL, "migplan_plan_set_target_file: path is NULL");
	return set_target(plan, NULL, 0, path, NULL, branch, opts);
}

migplan_status migplan_plan_set_target_buffer(migplan_plan *plan, const char *data, size_t len,
                                              const char *name, const char *branch,
                                              const migplan_parse_options *opts)
{
	return set_target(plan, data, len, NULL, name, branch, opts);
}

const char *migplan_plan_target_id(const migplan_plan *plan)
{
	const migplan__analysis *an = plan ? plan->analysis : NULL;
	return an && an->have_target && an->target.chosen ? an->target.id : NULL;
}
