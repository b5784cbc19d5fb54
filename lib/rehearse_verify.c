/* The verification queries of the go/no-go checklist (report.h, MIGPLAN_REPORT_CHECKLIST as
 * JSON): its `before` queries run on the baseline, its `after` queries at the end, and each
 * `after` query must give the result of the `before` query it names (`equalsBaseline`) or the
 * result the checklist expects (`expectTsv`).
 *
 * Only statements the checklist marks read-only and that take no parameters run: the
 * rehearsal never runs a write it did not get from the plan. The checklist is read as data:
 * statements are found by their keys wherever the lists are, so that a new key or section of
 * the checklist does not break the rehearsal. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rehearse_private.h"

migplan_status migplan__reh_checklist_parse(const char *json, void **out)
{
	enum json_tokener_error jerr = json_tokener_success;
	json_object *root;

	*out = NULL;
	if (!json)
		return MIGPLAN_OK;
	root = json_tokener_parse_verbose(json, &jerr);
	if (!root || !json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return migplan__error(MIGPLAN_EINVAL, "the checklist is not a JSON object: %s",
		                      jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "another value");
	}
	*out = root;
	return MIGPLAN_OK;
}

void migplan__reh_checklist_free(void *checklist)
{
	json_object_put(checklist);
}

static const char *str_key(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* A statement the rehearsal may run: read-only, SQL, and no parameters to fill. */
static int runnable(json_object *stmt)
{
	json_object *ro = NULL, *params = NULL;
	const char *sql = str_key(stmt, "sql");
	if (!sql || !*sql || !json_object_object_get_ex(stmt, "readOnly", &ro) || !json_object_get_boolean(ro))
		return 0;
	if (json_object_object_get_ex(stmt, "parameters", &params) &&
	    json_object_is_type(params, json_type_array) && json_object_array_length(params) > 0)
		return 0;
	return 1;
}

/* The SQL without a final semicolon (one statement per query). */
static char *one_statement(migplan_rehearsal *r, const char *sql)
{
	char *s = migplan__reh_strdup(r, sql);
	size_t n = s ? strlen(s) : 0;
	while (n && (s[n - 1] == ';' || s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* The result as text, without the final newline. */
static char *trimmed(migplan_rehearsal *r, const char *text)
{
	char *s = migplan__reh_strdup(r, text ? text : "");
	size_t n = s ? strlen(s) : 0;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static migplan_rehearsal_check *new_check(migplan_rehearsal *r, json_object *stmt, int after)
{
	migplan_rehearsal_check *c = migplan__reh_push(r, (void **)&r->checks, &r->nchecks, &r->capchecks,
	                                               sizeof(*c));
	if (!c)
		return NULL;
	c->after = after;
	c->id = migplan__reh_strdup(r, str_key(stmt, "id"));
	c->purpose = migplan__reh_strdup(r, str_key(stmt, "purpose"));
	c->sql = one_statement(r, str_key(stmt, "sql"));
	return c->sql ? c : NULL;
}

/* Run the check's SQL: result on success, message and ERROR on failure. */
static migplan_status run_check(migplan__reh_run *run, migplan_rehearsal_check *c)
{
	char *out = NULL;
	migplan_status st = migplan__chdb_query(run->eng, c->sql, "TSV", &out, NULL);
	if (st == MIGPLAN_ERROR) {
		c->status = MIGPLAN_REHEARSAL_CHECK_ERROR;
		c->message = migplan__reh_last_message(run->res);
		return c->message ? MIGPLAN_OK : MIGPLAN_ENOMEM;
	}
	if (st != MIGPLAN_OK)
		return st;
	c->result = trimmed(run->res, out);
	free(out);
	c->status = MIGPLAN_REHEARSAL_CHECK_RAN;
	return c->result ? MIGPLAN_OK : MIGPLAN_ENOMEM;
}

static json_object *list(void *checklist, const char *key)
{
	json_object *v = NULL;
	if (!checklist || !json_object_object_get_ex(checklist, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

migplan_status migplan__reh_verify_before(migplan__reh_run *run)
{
	json_object *before = list(run->checklist, "before");
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; before && i < json_object_array_length(before) && st == MIGPLAN_OK; i++) {
		json_object *stmt = json_object_array_get_idx(before, i);
		migplan_rehearsal_check *c;
		if (!runnable(stmt))
			continue;
		c = new_check(run->res, stmt, 0);
		st = c ? run_check(run, c) : MIGPLAN_ENOMEM;
	}
	return st;
}

static const migplan_rehearsal_check *baseline_check(const migplan_rehearsal *r, const char *id)
{
	for (size_t i = 0; id && i < r->nchecks; i++)
		if (!r->checks[i].after && r->checks[i].id && strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	return NULL;
}

/* What an `after` query has to give: its baseline's result, or the checklist's. */
static migplan_status expectation(migplan__reh_run *run, migplan_rehearsal_check *c, json_object *stmt)
{
	const char *base_id = str_key(stmt, "equalsBaseline");
	const migplan_rehearsal_check *base = baseline_check(run->res, base_id);
	if (base_id && (!base || base->status == MIGPLAN_REHEARSAL_CHECK_ERROR)) {
		c->status = MIGPLAN_REHEARSAL_CHECK_ERROR;
		c->message = base ? migplan__reh_printf(run->res, "its baseline query %s failed: %s", base_id,
		                                        base->message)
		                  : migplan__reh_printf(run->res, "its baseline query %s did not run", base_id);
		return c->message ? MIGPLAN_OK : MIGPLAN_ENOMEM;
	}
	if (base)
		c->expected = base->result;
	else if (str_key(stmt, "expectTsv"))
		c->expected = trimmed(run->res, str_key(stmt, "expectTsv"));
	return MIGPLAN_OK;
}

migplan_status migplan__reh_verify_after(migplan__reh_run *run)
{
	json_object *after = list(run->checklist, "after");
	migplan_status st = MIGPLAN_OK;
	for (size_t i = 0; after && i < json_object_array_length(after) && st == MIGPLAN_OK; i++) {
		json_object *stmt = json_object_array_get_idx(after, i);
		migplan_rehearsal_check *c;
		if (!runnable(stmt))
			continue;
		c = new_check(run->res, stmt, 1);
		st = c ? expectation(run, c, stmt) : MIGPLAN_ENOMEM;
		if (st != MIGPLAN_OK || c->status == MIGPLAN_REHEARSAL_CHECK_ERROR)
			continue;
		st = run_check(run, c);
		if (st == MIGPLAN_OK && c->status == MIGPLAN_REHEARSAL_CHECK_RAN && c->expected)
			c->status = strcmp(c->expected, c->result) == 0 ? MIGPLAN_REHEARSAL_CHECK_PASSED
			                                                : MIGPLAN_REHEARSAL_CHECK_FAILED;
	}
	return st;
}
