/* The conversion suite: every catalogue pair runs on the embedded ClickHouse engine (chDB),
 * and the type-change judge must agree with what the engine did.
 *
 *   test-conversions                   run everything, print a TAP line per pair
 *   test-conversions --record DIR      also write what the engine did as DIR/observed.tsv
 *                                      (type pairs) and DIR/properties.tsv (column
 *                                      properties); tests/data/typechange/ holds the copy
 *                                      the unit test replays without the engine
 *   test-conversions --only TEXT       only pairs whose "from -> to" contains TEXT
 *
 * A pair passes when the judge (migplan_type_change_judge) agrees with the engine on all
 * three answers: safe (the engine kept every boundary value with the same meaning through
 * both ALTER and CAST), in place (the ALTER ran no mutation), and refused on key columns.
 *
 * Exit 77 (skipped, with the reason) when libchdb.so cannot be found: set MIGPLAN_CHDB_LIB or
 * run scripts/setup.sh, which installs it under .chdb/. meson runs this with the exitcode
 * protocol, so 77 shows as SKIP; the TAP lines are for people reading the log.
 *
 * One engine, one process: chDB supports one data directory per process, so every pair gets a
 * database of its own inside the one connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "migplan.h"

#include "catalog.h"
#include "chdb.h"
#include "probe.h"

/* DateTime columns without a time zone read in the session zone; a zone that is not UTC (and
 * not a whole hour away from it) makes every time-zone change visible on the engine. */
#define SESSION_TIMEZONE "Asia/Kolkata"

static const char *step_name(int s)
{
	switch (s) {
	case STEP_OK: return "ok";
	case STEP_REFUSED: return "refused";
	case STEP_MUTATION_FAILED: return "mutation-failed";
	default: return "n/a";
	}
}

static void tsv_field(FILE *f, const char *s, int last)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' ? ' ' : *s, f);
	fputc(last ? '\n' : '\t', f);
}

static int engine_in_place(const observation *o)
{
	return o->alter == STEP_OK && !o->mutation;
}

/* -1 when the engine could not tell (v cannot be a key column, e.g. JSON). */
static int engine_key_refused(const observation *o)
{
	if (o->key_order == STEP_NA && o->key_partition == STEP_NA)
		return -1;
	return o->key_order == STEP_REFUSED || o->key_partition == STEP_REFUSED;
}

static void record(FILE *f, const char *from, const char *to, const observation *o)
{
	char num[6][32];
	snprintf(num[0], sizeof(num[0]), "%zu", o->rows);
	snprintf(num[1], sizeof(num[1]), "%zu", o->read_changed);
	snprintf(num[2], sizeof(num[2]), "%zu", o->lost);
	snprintf(num[3], sizeof(num[3]), "%d", o->order_changed);
	snprintf(num[4], sizeof(num[4]), "%d", o->eq_changed);
	snprintf(num[5], sizeof(num[5]), "%zu", o->restore_failed);
	tsv_field(f, from, 0);
	tsv_field(f, to, 0);
	tsv_field(f, o->from_engine, 0);
	tsv_field(f, o->to_engine, 0);
	tsv_field(f, o->safe ? "safe" : "destructive", 0);
	tsv_field(f, step_name(o->alter), 0);
	tsv_field(f, step_name(o->cast), 0);
	tsv_field(f, o->alter == STEP_REFUSED ? "-" : o->mutation ? "mutation" : "metadata", 0);
	tsv_field(f, step_name(o->key_order), 0);
	tsv_field(f, step_name(o->key_partition), 0);
	tsv_field(f, num[0], 0);
	tsv_field(f, num[1], 0);
	tsv_field(f, num[2], 0);
	tsv_field(f, num[3], 0);
	tsv_field(f, num[4], 0);
	tsv_field(f, num[5], 0);
	tsv_field(f, o->example, 0);
	tsv_field(f, o->error, 0);
	tsv_field(f, o->key_error, 1);
}

static FILE *open_record(const char *dir, const char *name, const char *what)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f, "# What ClickHouse (chDB, session time zone " SESSION_TIMEZONE ") did with each %s; "
	           "written by tests/chdb/test-conversions --record.\n", what);
	fprintf(f, "from\tto\tengine_from\tengine_to\tverdict\talter\tcast\tmode\torder_key\t"
	           "partition_key\trows\tread_changed\tlost\torder_changed\teq_changed\t"
	           "restore_failed\texample\terror\tkey_error\n");
	return f;
}

static const char *yes_no(int v)
{
	return v ? "yes" : "no";
}

/* One pair: probe, record, compare with the judge, print the TAP line. Returns 1 if it
 * passed. */
static int check_pair(migplan__chdb *eng, size_t index, size_t number, const type_pair *p,
                      FILE *rec, size_t *safe_count)
{
	observation o;
	migplan_type_change *tc = NULL;
	int j_safe, j_in_place, j_key, e_key, agree;

	if (probe_pair(eng, index, p->from, p->to, &o) != 0) {
		printf("Bail out! %s -> %s: %s\n", p->from, p->to, o.error);
		exit(1);
	}
	if (!o.from_ok) {
		printf("not ok %zu - %s -> %s: the old type could not be filled: %s\n", number, p->from,
		       p->to, o.error);
		return 0;
	}
	if (rec)
		record(rec, p->from, p->to, &o);
	if (migplan_type_change_judge(&tc, p->from, p->to) != MIGPLAN_OK) {
		printf("not ok %zu - %s -> %s: the judge failed: %s\n", number, p->from, p->to,
		       migplan_error_message(migplan_error_last()));
		return 0;
	}
	j_safe = migplan_type_change_verdict(tc) == MIGPLAN_VERDICT_SAFE;
	j_in_place = migplan_type_change_in_place(tc);
	j_key = migplan_type_change_key_refused(tc);
	e_key = engine_key_refused(&o);
	agree = j_safe == o.safe && j_in_place == engine_in_place(&o) && (e_key < 0 || j_key == e_key);
	*safe_count += o.safe;
	printf("%s %zu - %s -> %s: %s%s%s (in place: %s, refused on keys: %s)\n", agree ? "ok" : "not ok",
	       number, p->from, p->to, o.safe ? "safe" : "destructive", o.safe ? "" : ", ",
	       o.safe ? "" : migplan_type_change_cause_name(migplan_type_change_cause(tc)),
	       yes_no(engine_in_place(&o)), e_key < 0 ? "n/a" : yes_no(e_key));
	if (!o.safe)
		printf("#   engine: %s\n", o.example[0] ? o.example : o.error);
	if (!agree) {
		printf("#   judge: %s, in place %s, refused on keys %s: %s\n",
		       j_safe ? "safe" : "destructive", yes_no(j_in_place), yes_no(j_key),
		       migplan_type_change_reason(tc));
		printf("#   engine: %s, in place %s, refused on keys %s\n", o.safe ? "safe" : "destructive",
		       yes_no(engine_in_place(&o)), e_key < 0 ? "n/a" : yes_no(e_key));
	}
	migplan_type_change_free(tc);
	fflush(stdout);
	return agree;
}

static int judge_columns(migplan_type_change **tc, const property_case *pc)
{
	migplan_column *a = NULL, *b = NULL;
	migplan_status st = migplan_column_parse(&a, pc->moose_before, strlen(pc->moose_before));
	if (st == MIGPLAN_OK)
		st = migplan_column_parse(&b, pc->moose_after, strlen(pc->moose_after));
	if (st == MIGPLAN_OK)
		st = migplan_column_change_judge(tc, a, b);
	migplan_column_free(a);
	migplan_column_free(b);
	return st == MIGPLAN_OK;
}

static int check_property(migplan__chdb *eng, size_t index, size_t number,
                          const property_case *pc, FILE *rec)
{
	observation o;
	migplan_type_change *tc = NULL;
	char from[300], to[300];
	int j_safe, j_in_place, agree;

	snprintf(from, sizeof(from), "Int32%s%s", pc->before[0] ? " " : "", pc->before);
	snprintf(to, sizeof(to), "Int32%s%s", pc->after[0] ? " " : "", pc->after);
	if (probe_property(eng, index, pc, &o) != 0) {
		printf("Bail out! %s: %s\n", pc->name, o.error);
		exit(1);
	}
	if (rec)
		record(rec, from, to, &o);
	if (!judge_columns(&tc, pc)) {
		printf("not ok %zu - %s (%s -> %s): the column judge failed: %s\n", number, pc->name,
		       from, to, migplan_error_message(migplan_error_last()));
		return 0;
	}
	j_safe = migplan_type_change_verdict(tc) == MIGPLAN_VERDICT_SAFE;
	j_in_place = migplan_type_change_in_place(tc);
	/* a judge stricter than the engine is accepted only where the catalogue says why */
	agree = (j_safe == o.safe || (pc->conservative && !j_safe)) &&
	        j_in_place == engine_in_place(&o);
	printf("%s %zu - %s (%s -> %s): %s (in place: %s)\n", agree ? "ok" : "not ok", number,
	       pc->name, from, to, o.safe ? "safe" : "destructive", yes_no(engine_in_place(&o)));
	if (!o.safe)
		printf("#   engine: %s\n", o.example[0] ? o.example : o.error);
	if (pc->conservative && j_safe != o.safe)
		printf("#   the judge says destructive on purpose: %s\n", pc->conservative);
	if (!agree)
		printf("#   judge: %s, in place %s: %s\n", j_safe ? "safe" : "destructive",
		       yes_no(j_in_place), migplan_type_change_reason(tc));
	migplan_type_change_free(tc);
	fflush(stdout);
	return agree;
}

static const char *find_engine(char *buf, size_t cap)
{
	const char *root = getenv("MIGPLAN_SOURCE_ROOT");
	struct stat st;
	if (getenv("MIGPLAN_CHDB_LIB") && *getenv("MIGPLAN_CHDB_LIB"))
		return NULL; /* the wrapper reads it */
	if (root) {
		snprintf(buf, cap, "%s/.chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so", root);
		if (stat(buf, &st) == 0)
			return buf;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *record_dir = NULL, *only = NULL;
	const type_pair *pairs;
	size_t n, i, tests = 0, failed = 0, safe = 0;
	migplan__chdb *eng;
	migplan_status st;
	FILE *rec = NULL, *rec_props = NULL;
	char libbuf[4096];
	int a;

	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--record") == 0 && a + 1 < argc)
			record_dir = argv[++a];
		else if (strcmp(argv[a], "--only") == 0 && a + 1 < argc)
			only = argv[++a];
	}
	st = migplan__chdb_open(&eng, find_engine(libbuf, sizeof(libbuf)), NULL);
	if (st == MIGPLAN_ENOTFOUND || st == MIGPLAN_EUNSUPPORTED) {
		printf("1..0 # SKIP the ClickHouse engine is not available: %s\n",
		       migplan_error_message(migplan_error_last()));
		return 77;
	}
	if (st != MIGPLAN_OK) {
		printf("Bail out! chDB: %s\n", migplan_error_message(migplan_error_last()));
		return 1;
	}
	if (migplan__chdb_query(eng, "SET session_timezone = '" SESSION_TIMEZONE "'", NULL, NULL,
	                        NULL) != MIGPLAN_OK) {
		printf("Bail out! %s\n", migplan_error_message(migplan_error_last()));
		migplan__chdb_close(eng);
		return 1;
	}
	printf("# engine: %s\n", migplan__chdb_library(eng));
	if (record_dir) {
		rec = open_record(record_dir, "observed.tsv", "type change");
		rec_props = open_record(record_dir, "properties.tsv", "column property change");
		if (!rec || !rec_props) {
			printf("Bail out! cannot write into %s\n", record_dir);
			migplan__chdb_close(eng);
			return 1;
		}
	}

	n = catalog_pairs(&pairs);
	for (i = 0; i < n; i++) {
		char label[600];
		snprintf(label, sizeof(label), "%s -> %s", pairs[i].from, pairs[i].to);
		if (only && !strstr(label, only))
			continue;
		tests++;
		failed += !check_pair(eng, i, tests, &pairs[i], rec, &safe);
	}
	for (i = 0; i < catalog_property_count; i++) {
		if (only && !strstr(catalog_properties[i].name, only))
			continue;
		tests++;
		failed += !check_property(eng, i, tests, &catalog_properties[i], rec_props);
	}
	if (rec)
		fclose(rec);
	if (rec_props)
		fclose(rec_props);
	migplan__chdb_close(eng);
	printf("# %zu checks, %zu type pairs safe on the engine, %zu disagreements\n", tests, safe,
	       failed);
	printf("1..%zu\n", tests);
	return failed ? 1 : 0;
}
