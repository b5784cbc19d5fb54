/* Thread safety (issue 9): separate handles used from several threads at once give the same
 * results as a serial run. Built and run under ThreadSanitizer by scripts/test.sh
 * (-Db_sanitize=thread), where any data race fails the test.
 *
 * A job is one migrations directory taken through everything the library does with it: load
 * (plan and snapshots), classify, render every operation's SQL, analyse, propose and apply
 * edits, emit YAML, validate against the JSON Schema, judge column type changes, render every
 * report in Markdown and JSON; a refused input gives its error from the thread's own error
 * state. Each job's results are written into a digest (a text). The serial run makes the
 * reference digests; then THREADS threads, released together by a barrier, each run every
 * job ROUNDS times, starting at a different job, and every digest must equal the reference.
 * The contract tested is the README's: no handle is shared, error state is per thread. */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <migplan.h>

#include "tap.h"

#define THREADS 6
#define ROUNDS 2

/* ---- digests ---- */

typedef struct digest {
	char *p;
	size_t len, cap;
} digest;

__attribute__((format(printf, 2, 3)))
static void add(digest *d, const char *fmt, ...)
{
	va_list ap;
	if (!d->p && !(d->p = calloc(1, d->cap = 4096)))
		abort();
	for (;;) {
		size_t room = d->cap - d->len;
		va_start(ap, fmt);
		int n = vsnprintf(d->p + d->len, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < room) {
			d->len += (size_t)n;
			return;
		}
		size_t cap = d->cap;
		while (cap - d->len <= (size_t)n)
			cap *= 2;
		char *q = realloc(d->p, cap);
		if (!q)
			abort();
		d->p = q;
		d->cap = cap;
	}
}

static const char *s_(const char *s)
{
	return s ? s : "(null)";
}

/* The thread's last error, as the library recorded it for this thread. */
static void add_error(digest *d, const char *what, migplan_status st)
{
	const migplan_error *e = migplan_error_last();
	add(d, "%s: %s (%d) %s:%u:%u @%zu %s\n", what, migplan_status_str(st), (int)migplan_error_code(e),
	    s_(migplan_error_path(e)), migplan_error_line(e), migplan_error_column(e),
	    migplan_error_offset(e), migplan_error_message(e));
	if (migplan_error_code(e) != st)
		add(d, "  ERROR STATE MISMATCH: %d recorded for %d\n", (int)migplan_error_code(e), (int)st);
}

/* ---- one job ---- */

typedef struct job {
	char *dir;        /* migrations directory */
	char *name;
	char *expect;     /* the serial run's digest */
} job;

static const char *schema_path;

static void add_sql(digest *d, const migplan_op *op, uint32_t flags)
{
	migplan_sql *sql = NULL;
	migplan_status st = migplan_op_to_sql(&sql, op, NULL, flags);
	if (st) {
		add_error(d, "  sql", st);
		return;
	}
	for (size_t i = 0; i < migplan_sql_count(sql); i++)
		add(d, "  sql: %s\n", migplan_sql_at(sql, i));
	migplan_sql_free(sql);
}

static void add_ops(digest *d, migplan_plan *p)
{
	migplan_status st = migplan_plan_classify(p);
	if (st) {
		add_error(d, "classify", st);
		return;
	}
	add(d, "change type %s\n", s_(migplan_change_type_name(migplan_plan_change_type(p))));
	for (size_t i = 0; i < migplan_plan_op_count(p); i++) {
		const migplan_op *op = migplan_plan_op_at(p, i);
		add(d, "op %zu %s %s.%s %s loss=%s rev=%d: %s; inverse %s\n", i,
		    s_(migplan_op_kind_name(migplan_op_kind_of(op))), s_(migplan_op_database(op)),
		    s_(migplan_op_table_name(op)), s_(migplan_category_name(migplan_op_category(op))),
		    s_(migplan_data_loss_name(migplan_op_data_loss(op))), migplan_op_reversible(op),
		    s_(migplan_op_classification_reason(op)), s_(migplan_op_inverse_description(op)));
		add_sql(d, op, MIGPLAN_SQL_NONE);
		add_sql(d, op, MIGPLAN_SQL_AS_MOOSE | MIGPLAN_SQL_LOCAL_ENGINES);
		const migplan_column *before = migplan_op_before_column(op), *after = migplan_op_column(op);
		if (before && after) {
			migplan_type_change *tc = NULL;
			st = migplan_column_change_judge(&tc, before, after);
			if (st)
				add_error(d, "  judge", st);
			else
				add(d, "  judge: %s -> %s in_place=%d: %s\n", s_(migplan_type_change_from(tc)),
				    s_(migplan_type_change_to(tc)), migplan_type_change_in_place(tc),
				    s_(migplan_type_change_reason(tc)));
			migplan_type_change_free(tc);
		}
	}
}

static void add_findings(digest *d, migplan_plan *p)
{
	migplan_status st = migplan_plan_analyze(p, NULL);
	if (st) {
		add_error(d, "analyze", st);
		return;
	}
	for (size_t i = 0; i < migplan_plan_finding_count(p); i++) {
		const migplan_finding *f = migplan_plan_finding_at(p, i);
		add(d, "finding %s %s op=%ld %u:%u edit=%s blocker=%d: %s\n", migplan_finding_rule(f),
		    s_(migplan_severity_name(migplan_finding_severity(f))), migplan_finding_operation(f),
		    migplan_finding_line(f), migplan_finding_column(f), s_(migplan_finding_edit(f)),
		    migplan_finding_blocker(f), s_(migplan_finding_message(f)));
	}
}

static void add_yaml(digest *d, const char *what, const migplan_plan *p)
{
	char *yaml = NULL;
	migplan_status st = migplan_plan_to_yaml(p, &yaml);
	if (st)
		add_error(d, what, st);
	else
		add(d, "%s:\n%s", what, yaml);
	migplan_free(yaml);
}

static void add_edits(digest *d, migplan_plan *p)
{
	migplan_status st = migplan_plan_propose_edits(p);
	if (st) {
		add_error(d, "propose", st);
		return;
	}
	for (size_t i = 0; i < migplan_plan_edit_count(p); i++)
		add(d, "edit %s (%s): %s\n", migplan_edit_id(migplan_plan_edit_at(p, i)),
		    migplan_edit_rule(migplan_plan_edit_at(p, i)),
		    s_(migplan_edit_description(migplan_plan_edit_at(p, i))));
	migplan_plan *edited = NULL;
	st = migplan_plan_apply_edits(&edited, p, NULL, 0);
	if (st)
		add_error(d, "apply", st);
	else
		add_yaml(d, "edited", edited);
	migplan_plan_free(edited);
}

static void add_schema(digest *d, const migplan_plan *p)
{
	migplan_schema *s = NULL;
	migplan_status st = migplan_schema_load_file(&s, schema_path, NULL);
	if (st) {
		add_error(d, "schema", st);
		return;
	}
	migplan_violations *v = NULL;
	st = migplan_schema_validate(s, migplan_plan_root(p), &v);
	if (st) {
		add_error(d, "validate", st);
	} else {
		for (size_t i = 0; i < migplan_violations_count(v); i++) {
			const migplan_violation *x = migplan_violations_at(v, i);
			add(d, "violation %s %s: %s\n", migplan_violation_rule(x),
			    migplan_violation_pointer(x), migplan_violation_message(x));
		}
	}
	migplan_violations_free(v);
	migplan_schema_free(s);
}

/* Every report in both formats: the rendering an editor or CI agent does per plan. */
static void add_reports(digest *d, migplan_plan *p)
{
	migplan_report *r = NULL;
	migplan_status st = migplan_report_new(&r, p);
	if (st) {
		add_error(d, "report", st);
		return;
	}
	for (int k = MIGPLAN_REPORT_ROLLOUT; k <= MIGPLAN_REPORT_PHASES; k++)
		for (int f = MIGPLAN_FORMAT_MARKDOWN; f <= MIGPLAN_FORMAT_JSON; f++) {
			char *text = NULL;
			st = migplan_report_render(r, (migplan_report_kind)k, (migplan_report_format)f, &text);
			if (st)
				add_error(d, "render", st);
			else
				add(d, "report %s.%s:\n%s\n", migplan_report_kind_name((migplan_report_kind)k),
				    migplan_report_format_name((migplan_report_format)f), text);
			migplan_free(text);
		}
	migplan_report_free(r);
}

static char *run_job(const job *j)
{
	digest d = {0};
	add(&d, "job %s\n", j->name);
	migplan_plan *p = NULL;
	migplan_status st = migplan_plan_load_dir(&p, j->dir, NULL);
	if (st) {
		add_error(&d, "load", st);
		return d.p;
	}
	add_ops(&d, p);
	add_findings(&d, p);
	add_edits(&d, p);
	add_yaml(&d, "emitted", p);
	add_schema(&d, p);
	add_reports(&d, p);
	migplan_plan_free(p);
	/* a failing call right after, on the same thread: its error, not another thread's */
	migplan_chtype *t = NULL;
	st = migplan_chtype_parse(&t, j->name, strlen(j->name));
	if (st)
		add_error(&d, "type named like the job", st);
	else
		add(&d, "type named like the job: %s\n", migplan_chtype_name(t));
	migplan_chtype_free(t);
	return d.p;
}

/* ---- the jobs ---- */

static job *jobs;
static size_t njobs;

static int is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const job *)a)->name, ((const job *)b)->name);
}

/* Every subdirectory of root holding a plan.yaml (or none: then its load error is the job). */
static void add_jobs(const char *root, const char *prefix)
{
	DIR *dir = root ? opendir(root) : NULL;
	if (!dir) {
		diag("no directory %s", root ? root : "(unset)");
		return;
	}
	size_t first = njobs;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		size_t n = strlen(root) + strlen(e->d_name) + 2;
		char *path = malloc(n);
		snprintf(path, n, "%s/%s", root, e->d_name);
		if (!is_dir(path)) {
			free(path);
			continue;
		}
		jobs = realloc(jobs, (njobs + 1) * sizeof *jobs);
		n = strlen(prefix) + strlen(e->d_name) + 2;
		jobs[njobs].name = malloc(n);
		snprintf(jobs[njobs].name, n, "%s/%s", prefix, e->d_name);
		jobs[njobs].dir = path;
		jobs[njobs].expect = NULL;
		njobs++;
	}
	closedir(dir);
	qsort(jobs + first, njobs - first, sizeof *jobs, by_name);
}

/* ---- threads ---- */

typedef struct worker {
	pthread_t id;
	unsigned index;
	size_t runs, mismatches;
	char *first_bad; /* the first digest that differs, for the log */
	size_t first_bad_job;
} worker;

static pthread_barrier_t start;

static void *work(void *arg)
{
	worker *w = arg;
	pthread_barrier_wait(&start);
	for (unsigned r = 0; r < ROUNDS; r++) {
		for (size_t k = 0; k < njobs; k++) {
			/* threads start at different jobs, so different plans run side by side */
			size_t i = (k + (size_t)w->index * njobs / THREADS + r) % njobs;
			char *got = run_job(&jobs[i]);
			w->runs++;
			if (strcmp(got, jobs[i].expect)) {
				if (!w->mismatches++) {
					w->first_bad = got;
					w->first_bad_job = i;
					got = NULL;
				}
			}
			free(got);
		}
	}
	return NULL;
}

/* The first line where two digests differ, for the log. */
static void show_difference(const char *want, const char *got)
{
	size_t line = 1;
	while (*want && *want == *got) {
		line += *want == '\n';
		want++;
		got++;
	}
	diag("first difference on line %zu:", line);
	diag("  want: %.200s", want);
	diag("  got:  %.200s", got);
}

int main(void)
{
	const char *fixtures = getenv("MIGPLAN_FIXTURES");
	const char *data = getenv("MIGPLAN_TEST_DATA");
	char path[4096];
	add_jobs(fixtures, "fixtures");
	if (data) {
		snprintf(path, sizeof path, "%s/rewrite", data);
		add_jobs(path, "rewrite");
		snprintf(path, sizeof path, "%s/valid", data);
		add_jobs(path, "valid");
		snprintf(path, sizeof path, "%s/invalid", data);
		add_jobs(path, "invalid");
	}
	snprintf(path, sizeof path, "%s/../migration_plan_schema.json", fixtures ? fixtures : ".");
	schema_path = path;
	if (!ok(njobs >= 20, "%zu jobs from the fixtures and the test data", njobs))
		return done_testing();

	/* the reference: one thread, one job after the other */
	size_t failed_loads = 0;
	for (size_t i = 0; i < njobs; i++) {
		jobs[i].expect = run_job(&jobs[i]);
		failed_loads += strstr(jobs[i].expect, "\nload: ") != NULL;
		if (strstr(jobs[i].expect, "MISMATCH") || (getenv("MIGPLAN_THREADS_SHOW") &&
		                                           strstr(jobs[i].name, getenv("MIGPLAN_THREADS_SHOW"))))
			diag("%s", jobs[i].expect);
	}
	ok(failed_loads > 10 && failed_loads < njobs - 10,
	   "serial run: %zu jobs load, %zu are refused with an error", njobs - failed_loads,
	   failed_loads);
	size_t bytes = 0;
	for (size_t i = 0; i < njobs; i++)
		bytes += strlen(jobs[i].expect);
	ok(bytes > 100000, "serial run: %zu bytes of results", bytes);

	worker w[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (unsigned t = 0; t < THREADS; t++) {
		w[t] = (worker){.index = t};
		if (pthread_create(&w[t].id, NULL, work, &w[t]) != 0) {
			printf("Bail out! pthread_create failed\n");
			return 1;
		}
	}
	for (unsigned t = 0; t < THREADS; t++)
		pthread_join(w[t].id, NULL);
	pthread_barrier_destroy(&start);
	for (unsigned t = 0; t < THREADS; t++) {
		if (!ok(w[t].mismatches == 0 && w[t].runs == (size_t)ROUNDS * njobs,
		        "thread %u: %zu jobs, every result equal to the serial run's", t, w[t].runs)) {
			diag("%zu results differ; the first, %s:", w[t].mismatches,
			     jobs[w[t].first_bad_job].name);
			show_difference(jobs[w[t].first_bad_job].expect, w[t].first_bad);
		}
		free(w[t].first_bad);
	}
	for (size_t i = 0; i < njobs; i++) {
		free(jobs[i].dir);
		free(jobs[i].name);
		free(jobs[i].expect);
	}
	free(jobs);
	return done_testing();
}
