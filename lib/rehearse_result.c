/* The rehearsal result: construction helpers (everything in one arena) and the accessors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "rehearse_private.h"

migplan_status migplan__reh_new(migplan_rehearsal **out)
{
	migplan_rehearsal *r = calloc(1, sizeof(*r));
	if (!r)
		return migplan__error_oom();
	migplan__arena_init(&r->arena);
	*out = r;
	return MIGPLAN_OK;
}

void migplan_rehearsal_free(migplan_rehearsal *r)
{
	if (!r)
		return;
	migplan__arena_release(&r->arena);
	free(r);
}

char *migplan__reh_strdup(migplan_rehearsal *r, const char *s)
{
	char *c;
	if (!s)
		return NULL;
	c = migplan__arena_strdup(&r->arena, s);
	if (!c)
		migplan__error_oom();
	return c;
}

/* The rehearsal's strings are writable arena memory (char *), whatever the arena's printf
 * promises its other users; running out of memory is recorded as the call's error. */
static char *vprintf_arena(migplan_rehearsal *r, const char *fmt, va_list ap)
{
	char *s = (char *)migplan__arena_vprintf(&r->arena, fmt, ap);
	if (!s)
		migplan__error_oom();
	return s;
}

char *migplan__reh_printf(migplan_rehearsal *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	s = vprintf_arena(r, fmt, ap);
	va_end(ap);
	return s;
}

void *migplan__reh_push(migplan_rehearsal *r, void **arr, size_t *n, size_t *cap, size_t elem)
{
	char *slot;
	if (*n == *cap) {
		/* Arena arrays cannot be freed one by one; doubling keeps the waste below 2x. */
		size_t ncap = *cap ? *cap * 2 : 8;
		void *grown = migplan__arena_zalloc(&r->arena, ncap * elem);
		if (!grown) {
			migplan__error_oom();
			return NULL;
		}
		if (*n)
			memcpy(grown, *arr, *n * elem);
		*arr = grown;
		*cap = ncap;
	}
	slot = (char *)*arr + *n * elem;
	memset(slot, 0, elem);
	(*n)++;
	return slot;
}

migplan_status migplan__reh_setup_problem(migplan_rehearsal *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	char **slot;

	va_start(ap, fmt);
	s = vprintf_arena(r, fmt, ap);
	va_end(ap);
	if (!s)
		return MIGPLAN_ENOMEM;
	slot = migplan__reh_push(r, (void **)&r->setup, &r->nsetup, &r->capsetup, sizeof(*slot));
	if (!slot)
		return MIGPLAN_ENOMEM;
	*slot = s;
	return MIGPLAN_OK;
}

/* ---------------------------------------------------------------- the whole */

const char *migplan_rehearsal_plan_path(const migplan_rehearsal *r)
{
	return r ? r->plan_path : NULL;
}

const char *migplan_rehearsal_engine_version(const migplan_rehearsal *r)
{
	return r ? r->engine_version : NULL;
}

uint64_t migplan_rehearsal_rows(const migplan_rehearsal *r)
{
	return r ? r->rows : 0;
}

uint64_t migplan_rehearsal_seed(const migplan_rehearsal *r)
{
	return r ? r->seed : 0;
}

uint32_t migplan_rehearsal_flags(const migplan_rehearsal *r)
{
	return r ? r->flags : 0;
}

uint64_t migplan_rehearsal_duration_us(const migplan_rehearsal *r)
{
	return r ? r->duration_us : 0;
}

long migplan_rehearsal_first_failure(const migplan_rehearsal *r)
{
	for (size_t i = 0; r && i < r->nops; i++)
		if (r->ops[i].status == MIGPLAN_REHEARSAL_OP_FAILED ||
		    r->ops[i].status == MIGPLAN_REHEARSAL_OP_REFUSED)
			return (long)i;
	return -1;
}

uint64_t migplan_rehearsal_rows_lost(const migplan_rehearsal *r)
{
	uint64_t n = 0;
	for (size_t i = 0; r && i < r->ntables; i++)
		n += r->tables[i].rows_lost;
	return n;
}

uint64_t migplan_rehearsal_values_affected(const migplan_rehearsal *r)
{
	uint64_t n = 0;
	for (size_t i = 0; r && i < r->ntables; i++)
		for (size_t j = 0; j < r->tables[i].ncols; j++)
			n += r->tables[i].cols[j].changed + r->tables[i].cols[j].lost;
	return n;
}

static int view_failed(const migplan_rehearsal_view *v)
{
	return v->status != MIGPLAN_REHEARSAL_VIEW_OK && v->status != MIGPLAN_REHEARSAL_VIEW_DROPPED;
}

uint64_t migplan__reh_unintended_rows_lost(const migplan_rehearsal *r)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->ntables; i++)
		if (!r->tables[i].dropped)
			n += r->tables[i].rows_lost;
	return n;
}

uint64_t migplan__reh_unintended_values(const migplan_rehearsal *r)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->ntables; i++)
		for (size_t j = 0; j < r->tables[i].ncols; j++)
			if (!r->tables[i].cols[j].dropped)
				n += r->tables[i].cols[j].changed + r->tables[i].cols[j].lost;
	return n;
}

size_t migplan__reh_checks_failing(const migplan_rehearsal *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nchecks; i++)
		n += r->checks[i].status == MIGPLAN_REHEARSAL_CHECK_FAILED ||
		     r->checks[i].status == MIGPLAN_REHEARSAL_CHECK_ERROR;
	return n;
}

int migplan_rehearsal_passed(const migplan_rehearsal *r)
{
	if (!r || r->nsetup || r->ndiffs)
		return 0;
	for (size_t i = 0; i < r->nops; i++)
		if (r->ops[i].status != MIGPLAN_REHEARSAL_OP_RAN)
			return 0;
	for (size_t i = 0; i < r->nviews; i++)
		if (view_failed(&r->views[i]))
			return 0;
	if (migplan__reh_checks_failing(r))
		return 0;
	return migplan__reh_unintended_rows_lost(r) == 0 && migplan__reh_unintended_values(r) == 0;
}

size_t migplan_rehearsal_setup_problem_count(const migplan_rehearsal *r)
{
	return r ? r->nsetup : 0;
}

const char *migplan_rehearsal_setup_problem_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->nsetup ? r->setup[i] : NULL;
}

/* ---------------------------------------------------------------- operations */

const char *migplan_rehearsal_op_status_name(migplan_rehearsal_op_status status)
{
	switch (status) {
	case MIGPLAN_REHEARSAL_OP_RAN: return "ran";
	case MIGPLAN_REHEARSAL_OP_FAILED: return "failed";
	case MIGPLAN_REHEARSAL_OP_REFUSED: return "refused";
	case MIGPLAN_REHEARSAL_OP_NOT_RUN: return "not-run";
	}
	return "unknown";
}

size_t migplan_rehearsal_op_count(const migplan_rehearsal *r)
{
	return r ? r->nops : 0;
}

const migplan_rehearsal_op *migplan_rehearsal_op_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->nops ? &r->ops[i] : NULL;
}

size_t migplan_rehearsal_op_index(const migplan_rehearsal_op *op)
{
	return op ? op->index : 0;
}

migplan_op_kind migplan_rehearsal_op_kind(const migplan_rehearsal_op *op)
{
	return op ? op->kind : (migplan_op_kind)0;
}

const char *migplan_rehearsal_op_label(const migplan_rehearsal_op *op)
{
	return op ? op->label : NULL;
}

migplan_rehearsal_op_status migplan_rehearsal_op_status_of(const migplan_rehearsal_op *op)
{
	return op ? op->status : MIGPLAN_REHEARSAL_OP_NOT_RUN;
}

const char *migplan_rehearsal_op_message(const migplan_rehearsal_op *op)
{
	return op ? op->message : NULL;
}

uint64_t migplan_rehearsal_op_duration_us(const migplan_rehearsal_op *op)
{
	return op ? op->duration_us : 0;
}

size_t migplan_rehearsal_op_statement_count(const migplan_rehearsal_op *op)
{
	return op ? op->nstmts : 0;
}

const char *migplan_rehearsal_op_statement_at(const migplan_rehearsal_op *op, size_t i)
{
	return op && i < op->nstmts ? op->stmts[i] : NULL;
}

long migplan_rehearsal_op_failed_statement(const migplan_rehearsal_op *op)
{
	return op ? op->failed_stmt : -1;
}

size_t migplan_rehearsal_op_mutation_failure_count(const migplan_rehearsal_op *op)
{
	return op ? op->nmutations : 0;
}

const char *migplan_rehearsal_op_mutation_failure_at(const migplan_rehearsal_op *op, size_t i)
{
	return op && i < op->nmutations ? op->mutations[i] : NULL;
}

size_t migplan_rehearsal_op_changed_count(const migplan_rehearsal_op *op)
{
	return op ? op->nchanges : 0;
}

const migplan_rehearsal_column *migplan_rehearsal_op_changed_column(const migplan_rehearsal_op *op,
                                                                    size_t i)
{
	return op && i < op->nchanges ? op->changes[i].column : NULL;
}

uint64_t migplan_rehearsal_op_changed_values(const migplan_rehearsal_op *op, size_t i)
{
	return op && i < op->nchanges ? op->changes[i].values : 0;
}

uint64_t migplan_rehearsal_op_rows_lost(const migplan_rehearsal_op *op)
{
	return op ? op->rows_lost : 0;
}

/* ---------------------------------------------------------------- tables and columns */

size_t migplan_rehearsal_table_count(const migplan_rehearsal *r)
{
	return r ? r->ntables : 0;
}

const migplan_rehearsal_table *migplan_rehearsal_table_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->ntables ? &r->tables[i] : NULL;
}

const migplan_rehearsal_table *migplan_rehearsal_table_find(const migplan_rehearsal *r,
                                                            const char *database, const char *name)
{
	if (!r || !name)
		return NULL;
	if (!database)
		database = r->default_db;
	for (size_t i = 0; i < r->ntables; i++)
		if (strcmp(r->tables[i].name, name) == 0 && strcmp(r->tables[i].database, database) == 0)
			return &r->tables[i];
	return NULL;
}

const char *migplan_rehearsal_table_database(const migplan_rehearsal_table *t)
{
	return t ? t->database : NULL;
}

const char *migplan_rehearsal_table_name(const migplan_rehearsal_table *t)
{
	return t ? t->name : NULL;
}

const char *migplan_rehearsal_table_key(const migplan_rehearsal_table *t)
{
	return t ? t->key : NULL;
}

const char *migplan_rehearsal_table_baseline(const migplan_rehearsal_table *t)
{
	return t ? t->baseline : NULL;
}

const char *migplan_rehearsal_table_holder(const migplan_rehearsal_table *t)
{
	return t ? t->holder : NULL;
}

uint64_t migplan_rehearsal_table_rows_before(const migplan_rehearsal_table *t)
{
	return t ? t->rows_before : 0;
}

int migplan_rehearsal_table_dropped(const migplan_rehearsal_table *t)
{
	return t ? t->dropped : 0;
}

uint64_t migplan_rehearsal_table_rows_after(const migplan_rehearsal_table *t)
{
	return t ? t->rows_after : 0;
}

uint64_t migplan_rehearsal_table_rows_lost(const migplan_rehearsal_table *t)
{
	return t ? t->rows_lost : 0;
}

size_t migplan_rehearsal_table_column_count(const migplan_rehearsal_table *t)
{
	return t ? t->ncols : 0;
}

const migplan_rehearsal_column *migplan_rehearsal_table_column_at(const migplan_rehearsal_table *t,
                                                                  size_t i)
{
	return t && i < t->ncols ? &t->cols[i] : NULL;
}

const migplan_rehearsal_column *migplan_rehearsal_table_column_find(const migplan_rehearsal_table *t,
                                                                    const char *name)
{
	for (size_t i = 0; t && name && i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

const migplan_rehearsal_table *migplan_rehearsal_column_table(const migplan_rehearsal_column *c)
{
	return c ? c->table : NULL;
}

const char *migplan_rehearsal_column_name(const migplan_rehearsal_column *c)
{
	return c ? c->name : NULL;
}

const char *migplan_rehearsal_column_renamed_to(const migplan_rehearsal_column *c)
{
	return c && c->current && strcmp(c->current, c->name) != 0 ? c->current : NULL;
}

const char *migplan_rehearsal_column_type_before(const migplan_rehearsal_column *c)
{
	return c ? c->type_before : NULL;
}

const char *migplan_rehearsal_column_type_after(const migplan_rehearsal_column *c)
{
	return c ? c->type_after : NULL;
}

int migplan_rehearsal_column_dropped(const migplan_rehearsal_column *c)
{
	return c ? c->dropped : 0;
}

int migplan_rehearsal_column_measured(const migplan_rehearsal_column *c)
{
	return c ? c->measured : 0;
}

uint64_t migplan_rehearsal_column_changed(const migplan_rehearsal_column *c)
{
	return c ? c->changed : 0;
}

uint64_t migplan_rehearsal_column_lost(const migplan_rehearsal_column *c)
{
	return c ? c->lost : 0;
}

const char *migplan_rehearsal_column_error(const migplan_rehearsal_column *c)
{
	return c ? c->error : NULL;
}

const char *migplan_rehearsal_column_example(const migplan_rehearsal_column *c)
{
	return c ? c->example : NULL;
}

/* ---------------------------------------------------------------- views */

const char *migplan_rehearsal_view_status_name(migplan_rehearsal_view_status status)
{
	switch (status) {
	case MIGPLAN_REHEARSAL_VIEW_OK: return "ok";
	case MIGPLAN_REHEARSAL_VIEW_STOPPED: return "stopped";
	case MIGPLAN_REHEARSAL_VIEW_BROKEN: return "broken";
	case MIGPLAN_REHEARSAL_VIEW_MISSING: return "missing";
	case MIGPLAN_REHEARSAL_VIEW_DROPPED: return "dropped";
	}
	return "unknown";
}

size_t migplan_rehearsal_view_count(const migplan_rehearsal *r)
{
	return r ? r->nviews : 0;
}

const migplan_rehearsal_view *migplan_rehearsal_view_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->nviews ? &r->views[i] : NULL;
}

const char *migplan_rehearsal_view_database(const migplan_rehearsal_view *v)
{
	return v ? v->database : NULL;
}

const char *migplan_rehearsal_view_name(const migplan_rehearsal_view *v)
{
	return v ? v->name : NULL;
}

int migplan_rehearsal_view_materialized(const migplan_rehearsal_view *v)
{
	return v ? v->materialized : 0;
}

const char *migplan_rehearsal_view_target(const migplan_rehearsal_view *v)
{
	return v ? v->target : NULL;
}

migplan_rehearsal_view_status migplan_rehearsal_view_status_of(const migplan_rehearsal_view *v)
{
	return v ? v->status : MIGPLAN_REHEARSAL_VIEW_MISSING;
}

const char *migplan_rehearsal_view_message(const migplan_rehearsal_view *v)
{
	return v ? v->message : NULL;
}

/* ---------------------------------------------------------------- schema differences */

const char *migplan_rehearsal_diff_kind_name(migplan_rehearsal_diff_kind kind)
{
	switch (kind) {
	case MIGPLAN_REHEARSAL_DIFF_TABLE_MISSING: return "table-missing";
	case MIGPLAN_REHEARSAL_DIFF_TABLE_EXTRA: return "table-extra";
	case MIGPLAN_REHEARSAL_DIFF_COLUMN_MISSING: return "column-missing";
	case MIGPLAN_REHEARSAL_DIFF_COLUMN_EXTRA: return "column-extra";
	case MIGPLAN_REHEARSAL_DIFF_COLUMN_TYPE: return "column-type";
	case MIGPLAN_REHEARSAL_DIFF_COLUMN_ORDER: return "column-order";
	case MIGPLAN_REHEARSAL_DIFF_SORTING_KEY: return "sorting-key";
	case MIGPLAN_REHEARSAL_DIFF_ENGINE: return "engine";
	case MIGPLAN_REHEARSAL_DIFF_VIEW_MISSING: return "view-missing";
	case MIGPLAN_REHEARSAL_DIFF_VIEW_EXTRA: return "view-extra";
	}
	return "unknown";
}

int migplan_rehearsal_schema_compared(const migplan_rehearsal *r)
{
	return r ? r->schema_compared : 0;
}

size_t migplan_rehearsal_diff_count(const migplan_rehearsal *r)
{
	return r ? r->ndiffs : 0;
}

const migplan_rehearsal_diff *migplan_rehearsal_diff_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->ndiffs ? &r->diffs[i] : NULL;
}

migplan_rehearsal_diff_kind migplan_rehearsal_diff_kind_of(const migplan_rehearsal_diff *d)
{
	return d ? d->kind : (migplan_rehearsal_diff_kind)0;
}

const char *migplan_rehearsal_diff_object(const migplan_rehearsal_diff *d)
{
	return d ? d->object : NULL;
}

const char *migplan_rehearsal_diff_column(const migplan_rehearsal_diff *d)
{
	return d ? d->column : NULL;
}

const char *migplan_rehearsal_diff_expected(const migplan_rehearsal_diff *d)
{
	return d ? d->expected : NULL;
}

const char *migplan_rehearsal_diff_actual(const migplan_rehearsal_diff *d)
{
	return d ? d->actual : NULL;
}

/* ---------------------------------------------------------------- verification queries */

const char *migplan_rehearsal_check_status_name(migplan_rehearsal_check_status status)
{
	switch (status) {
	case MIGPLAN_REHEARSAL_CHECK_PASSED: return "passed";
	case MIGPLAN_REHEARSAL_CHECK_FAILED: return "failed";
	case MIGPLAN_REHEARSAL_CHECK_ERROR: return "error";
	case MIGPLAN_REHEARSAL_CHECK_RAN: return "ran";
	}
	return "unknown";
}

size_t migplan_rehearsal_check_count(const migplan_rehearsal *r)
{
	return r ? r->nchecks : 0;
}

const migplan_rehearsal_check *migplan_rehearsal_check_at(const migplan_rehearsal *r, size_t i)
{
	return r && i < r->nchecks ? &r->checks[i] : NULL;
}

const char *migplan_rehearsal_check_id(const migplan_rehearsal_check *c)
{
	return c ? c->id : NULL;
}

const char *migplan_rehearsal_check_stage(const migplan_rehearsal_check *c)
{
	return c ? (c->after ? "after" : "before") : NULL;
}

const char *migplan_rehearsal_check_purpose(const migplan_rehearsal_check *c)
{
	return c ? c->purpose : NULL;
}

const char *migplan_rehearsal_check_sql(const migplan_rehearsal_check *c)
{
	return c ? c->sql : NULL;
}

const char *migplan_rehearsal_check_expected(const migplan_rehearsal_check *c)
{
	return c ? c->expected : NULL;
}

const char *migplan_rehearsal_check_result(const migplan_rehearsal_check *c)
{
	return c ? c->result : NULL;
}

migplan_rehearsal_check_status migplan_rehearsal_check_status_of(const migplan_rehearsal_check *c)
{
	return c ? c->status : MIGPLAN_REHEARSAL_CHECK_ERROR;
}

const char *migplan_rehearsal_check_message(const migplan_rehearsal_check *c)
{
	return c ? c->message : NULL;
}
